"""The progress store: scheduling through fsrs, stable ids, stats on a
hand-built history, and safety — a killed writer, two writers, a damaged file.

Real TinyDB files in a temporary DRILL_HOME, real decks, real processes.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import DECKS, ROOT

from drill import cli
from drill.core import deck as decks
from drill.core import scheduler, stats
from drill.core.grading import Override, Verdict, grade
from drill.core.session import Answered
from drill.core.store import Store, StoreError, profiles, store_dir

DAY = 86400.0
T0 = dt.datetime(2026, 3, 2, 9, 0).timestamp()  # a Monday morning, local time

# every test on both engines (conftest.py), but those of TinyDB's files
pytestmark = pytest.mark.usefixtures("engine_kind")


def deck():
    return decks.load(DECKS / "001_2cf52c944239bc02.toml")


def answer(card, typed=None, seconds=8.0, hints=0):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), seconds, hints)


def good_seconds(card) -> float:
    """A pace the rating rule calls Good (neither fast nor slow) for this card."""
    chars = sum(len(a) for a in card.answer)
    return scheduler.FAST_BASE_S + scheduler.FAST_PER_CHAR_S * chars + 5


def recall_cards(d):
    return [c for c in d.cards() if c.kind == "recall"]


# --- scheduling through fsrs ----------------------------------------------


def test_a_streak_lengthens_the_interval_and_a_lapse_shortens_it():
    store = Store.open("lin")
    card = recall_cards(deck())[0]
    now = T0
    intervals = []
    for _ in range(4):
        a = answer(card, seconds=good_seconds(card))  # correct at an ordinary pace: Good
        store.record(a, now=now)
        assert a.rating == scheduler.Rating.GOOD
        state = store.card_state(card.id)
        intervals.append(state.due - now)
        now = state.due + 60
    assert intervals == sorted(intervals) and intervals[-1] > 3 * DAY
    before_lapse = store.card_state(card.id).stability
    lapse = answer(card, typed="不知道")
    store.record(lapse, now=now)
    assert lapse.rating == scheduler.Rating.AGAIN
    after = store.card_state(card.id)
    assert after.due - now < intervals[-1]
    assert after.stability < before_lapse
    assert after.lapses == 1 and after.reps == 5


def test_the_rating_rule():
    r = scheduler.rating_for
    Rating = scheduler.Rating
    assert r(Verdict.CORRECT, 1.0, 3, 6) is Rating.EASY
    assert r(Verdict.CORRECT, 1.0, 20, 6) is Rating.GOOD
    assert r(Verdict.CORRECT, 1.0, 120, 6) is Rating.HARD
    assert r(Verdict.CORRECT, 1.0, 3, 6, hints=1) is Rating.HARD
    assert r(Verdict.PARTIAL, 0.8, 3, 6) is Rating.HARD
    assert r(Verdict.PARTIAL, 0.3, 3, 6) is Rating.AGAIN
    assert r(Verdict.WRONG, 0.0, 3, 6) is Rating.AGAIN
    assert r(Verdict.WRONG, 0.0, 3, 6, overridden=Override.RIGHT) is Rating.GOOD
    assert r(Verdict.CORRECT, 1.0, 3, 6, overridden=Override.WRONG) is Rating.AGAIN


def test_queue_due_first_then_new_up_to_the_limit():
    d = deck()
    store = Store.open("lin")
    # new cards asked cold: the learning steps have tests of their own (test_learning.py)
    store.set_settings(scheduler.Settings(new_per_day=5, learn_first=False))
    first = store.queue([d], now=T0)
    assert len(first) == 5 and all(store.card_state(c.id) is None for c in first)
    for c in first[:3]:
        store.record(answer(c, typed="不知道"), now=T0)  # Again: due again within minutes
    later = T0 + 3600
    queue = store.queue([d], now=later)
    assert [c.id for c in queue[:3]] == sorted((c.id for c in first[:3]),
                                               key=lambda i: store.card_state(i).due)
    # three new cards were introduced today, so two more new ones
    assert len(queue) == 3 + 2
    assert store.queue([d], now=later, due_only=True) == queue[:3]


def test_progress_survives_a_deck_edit_and_a_card_that_left_is_kept(tmp_path):
    import shutil

    path = tmp_path / "001.toml"
    shutil.copy(DECKS / "001_2cf52c944239bc02.toml", path)
    (tmp_path / "001.toml").write_text(path.read_text("utf-8").replace(
        'source = "../seeds/', f'source = "{ROOT}/seeds/'), "utf-8")
    d = decks.load(path)
    store = Store.open("lin")
    card = recall_cards(d)[0]
    gone = [c for c in d.cards() if c.kind == "cloze" and c.framework == card.framework][0]
    store.record(answer(card), now=T0)
    store.record(answer(gone), now=T0)
    # the instructor renames the framework, rewords one item and reorders the deck
    fw = d.frameworks[0]
    assert fw.id == card.framework
    fw.name = fw.name + "（修订）"
    old_item = gone.answer[0]
    fw.items = [i + "！" if i == old_item else i for i in fw.items]
    d.frameworks.reverse()
    decks.save(d, path)
    edited = decks.load(path)
    ids = {c.id for c in edited.cards()}
    assert card.id in ids  # same framework id → same card id → same progress
    assert gone.id not in ids  # the reworded item is a new card…
    assert store.card_state(card.id).reps == 1
    queue = store.queue([edited], now=T0 + 60)
    assert card.id not in [c.id for c in queue]  # not offered as new again
    reopened = Store.open("lin")
    assert reopened.card_state(gone.id).reps == 1  # …and the old one's state is kept


# --- stats on a hand-built history ----------------------------------------


def test_stats_on_a_known_history():
    d = deck()
    store = Store.open("lin")
    cards = recall_cards(d)
    a, b = cards[0], cards[1]
    # day 0: a right (10 s), b wrong (20 s); day 1: b right; day 3: a right
    store.record(answer(a, seconds=10), now=T0)
    store.record(answer(b, typed="不知道", seconds=20), now=T0 + 60)
    store.record(answer(b, seconds=30), now=T0 + DAY)
    store.record(answer(a, seconds=40), now=T0 + 3 * DAY)
    s = stats.compute(store, [d], now=T0 + 3 * DAY + 3600)
    assert s.reviews == 4
    day = dt.date.fromtimestamp(T0)
    assert s.reviews_per_day == [(day.isoformat(), 2), ((day + dt.timedelta(days=1)).isoformat(), 1),
                                 ((day + dt.timedelta(days=3)).isoformat(), 1)]
    assert s.seconds == 100.0
    assert s.streak == 1  # day 3 only: day 2 had no reviews
    assert s.true_retention is None  # no card had reached 21 days
    now = T0 + 3 * DAY + 3600
    due = {c.id: store.card_state(c.id).due for c in (a, b)}
    assert sum(s.forecast) == sum(1 for t in due.values() if t < now + 29 * DAY)
    b_day = (dt.date.fromtimestamp(due[b.id]) - dt.date.fromtimestamp(now)).days
    if b_day < 30:
        assert s.forecast[max(0, b_day)] >= 1
    (deck_stats,) = [x for x in s.decks if x.deck == d.id]
    assert deck_stats.seen == 2 and deck_stats.reviews == 4 and deck_stats.passed == 3
    mastered = sum(store.card_state(c.id).stability >= scheduler.MASTERED_DAYS for c in (a, b))
    assert deck_stats.cards == len(d.cards()) and deck_stats.mastered == mastered
    # b's items were all missed once in two answers: they are the weakest items
    weak = {(w.name, w.seen, w.missed) for w in s.weakest_items}
    assert weak == {(item, 2, 1) for item in b.answer}
    assert s.weakest_frameworks[0].framework == b.framework


def test_mature_reviews_make_true_retention_and_mastery():
    d = deck()
    store = Store.open("lin")
    card = recall_cards(d)[0]
    now = T0
    while scheduler.interval_days(store.card_state(card.id) and store.card_state(card.id).fsrs) < 21:
        store.record(answer(card, seconds=good_seconds(card)), now=now)
        now = store.card_state(card.id).due + 60
    store.record(answer(card, seconds=good_seconds(card)), now=now)  # a mature review, passed
    now = store.card_state(card.id).due + 60
    store.record(answer(card, typed="不知道"), now=now)  # a mature review, failed
    s = stats.compute(store, [d], now=now)
    assert s.mature_reviews == 2 and s.true_retention == 0.5
    store2 = Store.open("kim")
    now = T0
    for _ in range(8):
        store2.record(answer(card, seconds=3), now=now)
        now = store2.card_state(card.id).due + 60
    s2 = stats.compute(store2, [d], now=now)
    (ds,) = [x for x in s2.decks if x.deck == d.id]
    assert store2.card_state(card.id).stability >= 21
    assert ds.mastered == 1 and ds.mastery == 1 / len(d.cards())


def test_an_override_replaces_the_judgement_instead_of_adding_a_review():
    d = deck()
    store = Store.open("lin")
    card = recall_cards(d)[0]
    a = answer(card, typed="不知道")
    store.record(a, now=T0)
    assert a.rating == scheduler.Rating.AGAIN
    a.overridden = Override.RIGHT
    store.amend(a, now=T0 + 5)
    assert a.rating == scheduler.Rating.GOOD
    reviews = list(Store.open("lin").reviews())
    assert len(reviews) == 1 and reviews[0].overridden == "right" and reviews[0].rating == 3
    s = stats.compute(Store.open("lin"), [d], now=T0 + 60)
    assert s.reviews == 1 and s.weakest_items == []
    assert Store.open("lin").card_state(card.id).lapses == 0


# --- safety -----------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys, time
    from drill.core import deck as decks
    from drill.core.grading import grade
    from drill.core.session import Answered
    from drill.core.store import Store
    d = decks.load(sys.argv[1])
    cards = [c for c in d.cards()]
    store = Store.open("lin")
    tag = sys.argv[2]
    for n in range(int(sys.argv[3])):
        card = cards[n % len(cards)]
        typed = f"{tag}-{n}"
        store.record(Answered(card, typed, grade(card.answer, typed, card.ordered), 1.0, 0))
        print(typed, flush=True)
""")


def _child(home: Path, tag: str, count: int) -> subprocess.Popen:
    env = dict(os.environ, DRILL_HOME=str(home), PYTHONPATH=str(ROOT / "src"))
    return subprocess.Popen([sys.executable, "-c", CHILD, str(DECKS / "001_2cf52c944239bc02.toml"), tag,
                             str(count)], stdout=subprocess.PIPE, text=True, env=env)


def test_a_writer_killed_at_any_moment_loses_nothing_it_acknowledged(drill_home):
    acknowledged = []
    # killed after a varying number of acknowledged answers, however slow the machine
    for round_, after in enumerate([1, 3, 6, 10, 15]):
        child = _child(drill_home, f"k{round_}", 100_000)
        for _ in range(after):
            line = child.stdout.readline()
            assert line, "the writer stopped before it was killed"
            acknowledged.append(line.strip())
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        acknowledged += [line.strip() for line in child.stdout.read().splitlines() if line.strip()]
    assert len(acknowledged) > 10
    store = Store.open("lin")  # opens: no half-written file, an unfinished line is ignored
    typed = {r.typed for r in store.reviews()}
    missing = [a for a in acknowledged if a not in typed]
    assert missing == []
    # and the store still takes answers after the kills
    card = deck().cards()[0]
    store.record(answer(card), now=time.time())
    assert len(list(Store.open("lin").reviews())) == len(typed) + 1


def test_two_writers_at_once_lose_nothing(drill_home):
    Store.open("lin")
    a, b = _child(drill_home, "a", 60), _child(drill_home, "b", 60)
    out_a, _ = a.communicate(timeout=120)
    out_b, _ = b.communicate(timeout=120)
    assert a.returncode == 0 and b.returncode == 0
    assert len(out_a.split()) == 60 and len(out_b.split()) == 60
    store = Store.open("lin")
    typed = [r.typed for r in store.reviews()]
    assert sorted(typed) == sorted(out_a.split() + out_b.split())
    assert sum(d.reviews for d in store.days()) == 120
    assert sum(c.reps for c in store.cards()) == 120


@pytest.mark.tinydb_only
def test_a_damaged_store_is_reported_with_its_path_and_kept(drill_home, capsys):
    store = Store.open("lin")
    for card in recall_cards(deck())[:3]:
        store.record(answer(card), now=T0)
    path = store_dir("lin") / "trainee.json"
    lines = path.read_bytes().split(b"\n")
    lines[3] = b'["cards", 2, {"card": "x"'  # a line cut short in the middle of the file
    damaged = b"\n".join(lines)
    path.write_bytes(damaged)
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert str(path) in str(err.value) and ":4:" in str(err.value)
    assert path.read_bytes() == damaged
    code = cli.main(["stats", "--user", "lin"])
    _, stderr = capsys.readouterr()
    assert code == 1 and stderr.count("\n") == 1 and str(path) in stderr and "Traceback" not in stderr
    assert path.read_bytes() == damaged


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary\xff", b'{"not": "a store"}\n', "繁體".encode("gbk")])
@pytest.mark.tinydb_only
def test_a_file_that_is_not_a_store_is_reported_and_kept(drill_home, content):
    folder = store_dir("lin")
    folder.mkdir(parents=True)
    (folder / "trainee.json").write_bytes(content)
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert "trainee.json" in str(err.value)
    assert (folder / "trainee.json").read_bytes() == content


@pytest.mark.tinydb_only
def test_an_unfinished_last_line_is_cut_off_before_the_next_write():
    store = Store.open("lin")
    cards = recall_cards(deck())
    store.record(answer(cards[0]), now=T0)
    path = store_dir("lin") / "trainee.json"
    with open(path, "ab") as fh:
        fh.write(b'["cards",99,{"card":"half')  # a kill in the middle of a write
    store2 = Store.open("lin")
    assert store2.card_state(cards[0].id).reps == 1
    store2.record(answer(cards[1]), now=T0 + 10)
    text = path.read_text("utf-8")
    assert "half" not in text
    assert Store.open("lin").card_state(cards[1].id).reps == 1


@pytest.mark.tinydb_only
def test_compaction_keeps_every_document(monkeypatch):
    from drill.core import tinydb_engine as store_mod

    monkeypatch.setattr(store_mod, "COMPACT_MIN_LINES", 10)
    store = Store.open("lin")
    card = recall_cards(deck())[0]
    now = T0
    for _ in range(15):
        store.record(answer(card), now=now)
        now += DAY
    path = store_dir("lin") / "trainee.json"
    lines = path.read_text("utf-8").splitlines()
    assert len(lines) < 15 * 3  # rewritten: each answer appends at least its card, day and number
    again = Store.open("lin")
    assert again.card_state(card.id).reps == 15
    assert sum(d.reviews for d in again.days()) == 15


@pytest.mark.tinydb_only
def test_reading_a_store_for_a_report_writes_nothing(drill_home, tmp_path, capsys):
    store = Store.open("lin")
    for card in recall_cards(deck())[:2]:
        store.record(answer(card), now=T0)
    folder = store_dir("lin")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    out = tmp_path / "class.csv"
    assert cli.main(["report", str(drill_home), "--csv", str(out)]) == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    rows = out.read_text("utf-8-sig").splitlines()
    assert rows[0] == "trainee,deck,title,reviews,retention,mastery,last_active,weakest_items,confusions"
    assert rows[1].startswith("lin,001_2cf52c944239bc02,")
    assert profiles() == ["lin"]


@pytest.mark.tinydb_only
def test_a_second_writer_waits_then_says_the_store_is_busy(monkeypatch):
    import fcntl

    from drill.core import tinydb_engine as store_mod

    store = Store.open("lin")
    card = recall_cards(deck())[0]
    monkeypatch.setattr(store_mod, "BUSY_WAIT_S", 0.3)
    fd = os.open(store_dir("lin") / ".lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another drill is writing
    try:
        start = time.monotonic()
        with pytest.raises(StoreError, match="busy"):
            store.record(answer(card), now=T0)
        assert time.monotonic() - start >= 0.3  # it waited its turn first
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    store.record(answer(card), now=T0)  # and once the other is done, it goes ahead
    assert len(list(Store.open("lin").reviews())) == 1


@pytest.mark.tinydb_only
def test_stats_command_home_user_and_json(drill_home, tmp_path, capsys, monkeypatch):
    import json

    elsewhere = tmp_path / "elsewhere"
    store = Store.open("lin")  # under the test's DRILL_HOME
    store.record(answer(recall_cards(deck())[0]), now=time.time())
    # --home points everything elsewhere: no trainee there
    assert cli.main(["--home", str(elsewhere), "stats"]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("drill: ") and "--user" in err and err.count("\n") == 1
    assert cli.main(["--home", str(elsewhere), "stats", "--user", "lin"]) == 1
    _, err = capsys.readouterr()
    assert "no progress" in err
    code = cli.main(["--home", str(drill_home), "stats", "--json"])  # the only trainee there
    out, _ = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert {"user", "reviews", "reviews_per_day", "true_retention", "streak", "seconds", "forecast",
            "decks", "weakest_frameworks", "weakest_items"} <= set(data)
    assert data["user"] == "lin" and data["reviews"] == 1 and data["streak"] == 1
    assert len(data["forecast"]) == 30


def test_two_stores_opened_together_both_keep_their_writes():
    cards = recall_cards(deck())
    first, second = Store.open("lin"), Store.open("lin")  # two drills started at once
    first.record(answer(cards[0]), now=T0)
    second.record(answer(cards[1]), now=T0 + 1)
    first.record(answer(cards[2]), now=T0 + 2)
    again = Store.open("lin")
    assert sorted(r.card for r in again.reviews()) == sorted(c.id for c in cards[:3])
    assert sum(d.reviews for d in again.days()) == 3
    assert all(again.card_state(c.id).reps == 1 for c in cards[:3])


@pytest.mark.tinydb_only
def test_a_class_report_names_each_decks_own_weakest_items(drill_home, capsys):
    import json

    first, second = deck(), decks.load(DECKS / "002_6e9bd13a59433aa3.toml")
    store = Store.open("lin")
    # eleven items of the first deck missed twice, then one item of the second missed once in two:
    # the second deck's item is not among the trainee's ten weakest, but it is its deck's weakest
    now = T0
    for card in recall_cards(first)[:6]:
        for _ in range(2):
            store.record(answer(card, typed="不知道"), now=now)
            now += 60
    weak_card = recall_cards(second)[0]
    store.record(answer(weak_card, typed="不知道"), now=now)
    store.record(answer(weak_card), now=now + 60)
    overall = stats.compute(store, [first, second], now=now + 120)
    assert len(overall.weakest_items) == stats.WEAKEST
    assert all(w.deck == first.id for w in overall.weakest_items)
    assert cli.main(["--decks", str(DECKS), "report", str(drill_home), "--json"]) == 0
    rows = {row["deck"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    # equally weak items come in the order of their text
    assert rows[second.id]["weakest_items"] == sorted(weak_card.answer)[:stats.WEAKEST_PER_DECK]
    assert len(rows[first.id]["weakest_items"]) == stats.WEAKEST_PER_DECK
    assert all(isinstance(item, str) for item in rows[first.id]["weakest_items"])


def test_settings_change_the_queue_and_the_schedule(drill_home, capsys):
    import json

    d = deck()
    assert cli.main(["settings", "--user", "lin", "--json"]) == 0  # nothing stored yet: the defaults
    assert json.loads(capsys.readouterr().out) == {"user": "lin", "desired_retention": 0.9, "new_per_day": 20,
                                                   "theme": "textual-dark", "learn_first": True}
    assert not store_dir("lin").exists()  # showing writes nothing
    assert cli.main(["settings", "--user", "lin", "--new-per-day", "3", "--retention", "0.8"]) == 0
    assert "0.8" in capsys.readouterr().out
    store = Store.open("lin")
    assert store.settings == scheduler.Settings(desired_retention=0.8, new_per_day=3)
    assert len(store.queue([d], now=T0)) == 3
    # a lower desired retention gives a longer interval for the same answers
    card = recall_cards(d)[0]
    other = Store.open("kim")
    for s in (store, other):
        s.record(answer(card, seconds=good_seconds(card)), now=T0)
        s.record(answer(card, seconds=good_seconds(card)), now=s.card_state(card.id).due + 60)
    assert store.card_state(card.id).due > other.card_state(card.id).due


@pytest.mark.parametrize("args", [["--retention", "2"], ["--retention", "x"], ["--new-per-day", "-3"],
                                  ["--new-per-day", "5000"]])
def test_settings_out_of_range_are_refused_and_nothing_is_written(args, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["settings", "--user", "lin", *args])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err
    assert not store_dir("lin").exists()


def test_new_cards_come_from_every_chosen_deck_a_framework_at_a_time():
    first, second = deck(), decks.load(DECKS / "002_6e9bd13a59433aa3.toml")
    store = Store.open("lin")
    store.update_settings(learn_first=False)  # cold: with learning steps the later cards wait (test_learning.py)
    queue = store.queue([first, second], now=T0)
    assert len(queue) == store.settings.new_per_day
    by_deck = {d.id: sum(c.deck == d.id for c in queue) for d in (first, second)}
    assert by_deck[first.id] == by_deck[second.id] == len(queue) // 2  # the decks take turns
    assert len({c.framework for c in queue}) == len(queue)  # no two cards of one framework in a day
    assert all(c.kind == "recall" for c in queue)  # each framework starts with recalling it whole
    # once every framework has been introduced, their second cards follow
    everything = store.queue([second], now=T0)
    assert len(everything) == store.settings.new_per_day
    seen_frameworks = len(second.frameworks)
    assert [c.kind for c in everything[:seen_frameworks]] == ["recall"] * min(seen_frameworks, len(everything))
