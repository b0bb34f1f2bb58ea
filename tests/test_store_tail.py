"""The first answer of a session reads only the end of the month's review
log: it costs what any other answer costs, however long the log is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import DECKS

from drill.core import deck as decks
from drill.core import store as progress
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import Store, store_dir

DECK = DECKS / "001_2cf52c944239bc02.toml"


def cards():
    return [c for c in decks.load(DECK).cards() if c.kind == "recall"]


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def long_answer(card, n: int):
    """An answer longer than the part of a log's end read at first."""
    return answer(card, "、".join(card.answer) + "。" + f"第{n}遍" * 4000)


def month_logs(folder: Path) -> list[Path]:
    return sorted(folder.glob("reviews-*.json"))


@pytest.fixture
def reads(monkeypatch):
    """Bytes read from review logs, whole (read_bytes) and in parts (pread)."""
    seen = {"whole": [], "parts": 0}
    real_read_bytes, real_pread = Path.read_bytes, os.pread

    def read_bytes(self):
        data = real_read_bytes(self)
        if self.name.startswith("reviews-"):
            seen["whole"].append(self.name)
        return data

    def pread(fd, n, offset):
        data = real_pread(fd, n, offset)
        if os.path.basename(os.path.realpath(f"/proc/self/fd/{fd}")).startswith("reviews-"):
            seen["parts"] += len(data)
        return data

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "pread", pread)
    return seen


def test_the_first_answer_reads_the_end_of_the_log_only(drill_home, reads):
    store = Store.open("lin")
    some = cards()
    for n in range(40):
        store.record(long_answer(some[n % len(some)], n))
    store.close()
    folder = store_dir("lin")
    size = sum(p.stat().st_size for p in month_logs(folder))
    assert size > 2_000_000

    reads["whole"].clear()
    reads["parts"] = 0
    store = Store.open("lin")
    store.record(answer(some[0]))
    assert reads["whole"] == []
    assert reads["parts"] < size / 10
    store.record(answer(some[1]))
    store.close()

    again = Store.open("lin")
    logged = list(again.reviews())
    assert [r.seq for r in logged] == list(range(1, 43))
    assert logged[-1].card == some[1].id and logged[-1].typed == "、".join(some[1].answer)
    assert progress.check(folder) == []


def test_an_unfinished_line_a_killed_writer_left_is_cut_off_by_the_next_answer(drill_home):
    store = Store.open("lin")
    some = cards()
    for card in some[:3]:
        store.record(answer(card))
    store.close()
    (log,) = month_logs(store_dir("lin"))
    with open(log, "ab") as fh:
        fh.write(b'["reviews", 4, {"card": "half')  # killed mid-line: never acknowledged

    store = Store.open("lin")
    store.record(answer(some[3]))
    store.close()
    assert log.read_bytes().endswith(b"}]\n")
    assert b'"half' not in log.read_bytes()
    again = Store.open("lin")
    assert [r.card for r in again.reviews()] == [c.id for c in some[:4]]
    assert progress.check(store_dir("lin")) == []


def test_two_writers_appending_in_turn_never_reuse_a_number(drill_home):
    some = cards()
    first = Store.open("lin")
    first.record(answer(some[0]))
    second = Store.open("lin")  # another drill on the same trainee
    for n in range(1, 7):
        (first if n % 2 else second).record(long_answer(some[n % len(some)], n) if n % 3 == 0
                                            else answer(some[n % len(some)]))
    first.close()
    second.close()
    again = Store.open("lin")
    logged = list(again.reviews())
    assert [r.seq for r in logged] == list(range(1, 8))
    assert again.applied_seq() == 7
    assert sum(d.reviews for d in again.days()) == 7
    assert progress.check(store_dir("lin")) == []


def test_reviews_read_after_appending_hold_the_whole_log(drill_home):
    some = cards()
    store = Store.open("lin")
    for card in some[:5]:
        store.record(answer(card))
    store.close()
    store = Store.open("lin")
    store.record(answer(some[5]))  # appended to a log read from its end
    assert [r.card for r in store.reviews()] == [c.id for c in some[:6]]
    store.record(answer(some[6]))  # and appended again once it was read whole
    assert [r.seq for r in store.reviews()] == list(range(1, 8))


def test_a_store_whose_last_answer_is_longer_than_the_end_read_opens(drill_home):
    some = cards()
    store = Store.open("lin")
    store.record(answer(some[0]))
    store.record(long_answer(some[1], 1))  # far longer than the end of the log read on opening
    store.close()
    again = Store.open("lin")  # its last answer is found, so the log is not taken as cut short
    assert again.applied_seq() == 2
    again.record(answer(some[2]))
    assert [r.seq for r in again.reviews()] == [1, 2, 3]


def test_a_cards_index_made_by_the_queue_follows_another_drills_new_cards(drill_home):
    deck = decks.load(DECK)
    some = cards()
    first = Store.open("lin")
    first.record(answer(some[0]))
    first.queue([deck])  # reads every card's state, and notes where each is
    second = Store.open("lin")
    second.record(answer(some[1]))  # a card the first drill has not seen
    first.record(answer(some[1]))  # the same card again, from the first drill
    states = [c for c in Store.open("lin").cards() if c.card == some[1].id]
    assert len(states) == 1 and states[0].reps == 2
    assert progress.check(store_dir("lin")) == []
