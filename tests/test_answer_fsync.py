"""An answer costs one fsync, of the review log; trainee.json is written
without one and, lost to a power cut, is made again from the log."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from conftest import DECKS

from drill.core import deck as decks
from drill.core.grading import Override, grade
from drill.core.session import Answered
from drill.core.store import Store, store_dir

DECK = DECKS / "001_2cf52c944239bc02.toml"


def cards():
    return [c for c in decks.load(DECK).cards() if c.kind == "recall"]


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


@pytest.fixture
def synced(monkeypatch):
    """Each file's content as it was at its last fsync: what a power cut keeps."""
    kept: dict[str, bytes] = {}
    calls: list[str] = []
    real = os.fsync

    def fsync(fd):
        path = os.path.realpath(f"/proc/self/fd/{fd}")
        calls.append(path)
        if os.path.isfile(path):
            kept[path] = Path(path).read_bytes()
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return kept, calls


def _consistent(store: Store, count: int) -> None:
    logged = Counter(r.card for r in store.reviews())
    assert sum(logged.values()) == count
    assert {c.card: c.reps for c in store.cards()} == dict(logged)
    assert sum(d.reviews for d in store.days()) == count
    assert store.applied_seq() == max(r.seq for r in store.engine.reviews())


def test_an_answer_fsyncs_once_and_that_is_the_review_log(drill_home, synced):
    _kept, calls = synced
    store = Store.open("lin")
    store.record(answer(cards()[0]))  # makes the month's log
    store.close()
    store = Store.open("lin")
    for card in cards()[1:4]:  # the first answer of a session, and the ones after it
        calls.clear()
        store.record(answer(card))
        assert len(calls) == 1, calls
        assert Path(calls[0]).name.startswith("reviews-")


def test_state_writes_lost_after_the_log_fsync_are_replayed_once(drill_home, synced):
    kept, _calls = synced
    store = Store.open("lin")
    store.record(answer(cards()[0]))
    store.close()  # trainee.json is fsynced on close
    store = Store.open("lin")
    trainee = str((store_dir("lin") / "trainee.json").resolve())
    made = [answer(c, typed="不知道" if n % 2 else None) for n, c in enumerate(cards()[1:6])]
    for a in made:
        store.record(a)
    made[1].overridden = Override.RIGHT
    store.amend(made[1])
    # a power cut now: every file goes back to its last fsync
    for path, data in kept.items():
        if Path(path).name.startswith("reviews-"):
            assert Path(path).read_bytes() == data  # each answer was durable when it returned
    assert Path(trainee).read_bytes() != kept[trainee]  # the state's writes were not fsynced
    Path(trainee).write_bytes(kept[trainee])
    again = Store.open("lin")
    assert again.lagged
    _consistent(again, 6)
    assert again.card_state(made[1].card.id).lapses == 0  # the override counts
    again.close()
    _consistent(Store.open("lin"), 6)  # and nothing is applied twice


def test_closing_the_store_fsyncs_what_was_written_without_one(drill_home, synced):
    kept, _calls = synced
    store = Store.open("lin")
    for card in cards()[:3]:
        store.record(answer(card))
    store.close()
    trainee = store_dir("lin") / "trainee.json"
    assert kept[str(trainee.resolve())] == trainee.read_bytes()
