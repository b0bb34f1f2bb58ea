"""bench/class_store.py at a tiny size, on the test server and on TinyDB: one
JSON object with the figures other tools read, every answer acknowledged
found once; and the class view it times, checked against the data."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from conftest import ROOT, pg_server

BENCH = ROOT / "bench" / "class_store.py"
KEYS = ("answer_ms_median", "answer_ms_p95", "class_view_ms", "answers_sent", "answers_lost", "answers_duplicated")
TINY = ["--trainees", "4", "--cards", "30", "--answers", "80", "--timed", "5", "--concurrent", "2",
        "--seconds", "1"]


def bench(*args: str, home) -> dict:
    done = subprocess.run([sys.executable, str(BENCH), *args, "--home", str(home)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1  # one JSON object, on one line
    return json.loads(done.stdout)


def checked(out: dict) -> None:
    for key in KEYS:
        assert isinstance(out[key], int | float), (key, out[key])
    assert out["answers_sent"] >= 5 and out["answers_lost"] == 0 and out["answers_duplicated"] == 0
    assert out["class_view_trainees"] == 4 and out["answers_failed"] == 0


def test_a_tiny_run_on_the_server_prints_the_figures_and_finds_every_answer_once(tmp_path):
    url = pg_server().fresh_schema()
    out = bench("--store", url, *TINY, home=tmp_path / "home")
    checked(out)
    assert out["store"] == "postgresql"
    # the view counts the built answers and those the run recorded
    assert out["class_view_reviews"] == 80 + 5


def test_a_tiny_run_on_tinydb_prints_the_same_figures(tmp_path):
    out = bench("--store", f"tinydb:{tmp_path / 'class'}", *TINY, home=tmp_path / "home")
    checked(out)
    assert out["store"] == "tinydb"
    assert out["class_view_reviews"] == 80 + 5


def test_a_store_the_bench_does_not_know_is_one_line(tmp_path):
    done = subprocess.run([sys.executable, str(BENCH), "--store", "mysql://x"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_the_class_view_counts_each_trainees_reviews_cards_and_due(monkeypatch):
    from conftest import DECKS

    from drill.core import class_view
    from drill.core import deck as decks
    from drill.core.grading import grade
    from drill.core.session import Answered
    from drill.core.store import Store

    url = pg_server().fresh_schema()
    monkeypatch.setenv("DRILL_STORE", url)
    cards = [c for c in decks.load(DECKS / "001_2cf52c944239bc02.toml").cards() if c.kind == "recall"]
    now = time.time()
    for name, count in (("lin", 3), ("wang", 1)):
        store = Store.open(name)
        for card in cards[:count]:
            typed = "、".join(card.answer) if name == "lin" else ""
            store.record(Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0), now=now - 3600)
        store.close()
    view = class_view.class_view(url, now=now)
    by_name = {t.trainee: t for t in view.trainees}
    assert (by_name["lin"].reviews, by_name["lin"].cards, by_name["lin"].retention) == (3, 3, 1.0)
    assert (by_name["wang"].reviews, by_name["wang"].cards, by_name["wang"].due) == (1, 1, 1)  # missed: due soon
    assert by_name["wang"].retention == 0.0 and view.reviews == 4 and view.retention == 0.75
    assert class_view.class_view(url, now=now + 400 * 86400).due == 4  # a year on, every card is due


def test_the_class_report_bench_reads_one_class_through_its_instructors_login(tmp_path):
    import uuid

    from test_pg_access import _drop_roles, _schema_of

    server = pg_server()
    url = server.fresh_schema()
    teacher = f"b{uuid.uuid4().hex[:8]}_teacher"
    try:
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "class_report.py"), "--store", url,
                               "--trainees", "6", "--cards", "40", "--answers", "120", "--class-size", "4",
                               "--instructor", teacher], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("\n") == 1
        out = json.loads(done.stdout)
        assert isinstance(out["class_report_ms"], float)
        assert out["report_trainees"] == 4 and out["report_decks"] >= 1 and out["report_weakest_items"] >= 1
    finally:
        _drop_roles(server, _schema_of(url), teacher)
