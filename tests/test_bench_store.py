"""bench/store.py at a tiny size: one JSON object with every figure, for
drill's store and for Anki's collection (the anki package is in the test
extras), and null for Anki when the package cannot be imported."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

BENCH = ROOT / "bench" / "store.py"
SIDE = ("open_ms", "queue_ms", "stats_ms", "answer_ms_median", "answer_first_ms", "rss_mb", "bytes_per_review")
TINY = ["--cards", "60", "--reviews", "300", "--answers", "5", "--runs", "1"]


def bench(*args: str, env: dict | None = None) -> dict:
    done = subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1  # one JSON object, on one line
    return json.loads(done.stdout)


def sane(side: dict) -> None:
    for key in SIDE:
        assert isinstance(side[key], int | float) and side[key] > 0, (key, side[key])


def test_a_tiny_run_prints_every_figure_for_drill_and_for_anki():
    out = bench(*TINY)
    sane(out)
    assert "anki_answer_ms_median" not in out
    assert (out["cards"], out["reviews"]) == (60, 300)
    assert out["reviews_in_log"] == 300 + 5  # the history, and the answers the run recorded
    assert out["stats_reviews"] == 300 and out["queue_len"] > 0  # the stats come before the answers
    # a review of drill's log is a JSON line of some hundred bytes; not the whole store in one review
    assert 50 < out["bytes_per_review"] < 5000
    assert out["rss_mb"] < 1000
    assert set(out["anki"]) == set(SIDE)
    sane(out["anki"])
    assert out["anki_queue_len"] > 0
    assert set(out["ratio_to_anki"]) == set(SIDE)
    assert out["ratio_to_anki"]["rss_mb"] == round(out["rss_mb"] / out["anki"]["rss_mb"], 2)


def test_without_the_anki_package_anki_is_null(tmp_path):
    # a package named anki that cannot be imported stands first on the path
    (tmp_path / "anki").mkdir()
    (tmp_path / "anki" / "__init__.py").write_text("raise ImportError('no anki here')\n")
    import os

    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    out = bench("--cards", "12", "--reviews", "40", "--answers", "2", "--runs", "1", env=env)
    assert out["anki"] is None and "ratio_to_anki" not in out
    sane(out)


def test_sizes_beyond_the_bench_are_refused_in_one_line():
    done = subprocess.run([sys.executable, str(BENCH), "--cards", "50001"], capture_output=True, text=True)
    assert done.returncode == 2 and "--cards must be from 1 to 50000" in done.stderr
    assert "Traceback" not in done.stderr
