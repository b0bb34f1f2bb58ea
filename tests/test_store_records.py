"""The store split: typed records, the engine interface, and an override
that is one more record in an append-only log."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import DECKS, ROOT

from drill.core import deck as decks
from drill.core import scheduler, stats
from drill.core.engine import Engine
from drill.core.grading import Override, Verdict, grade
from drill.core.records import CardState, DayTally, ItemTally, Review, effective
from drill.core.session import Answered
from drill.core.store import Store, check, check_trainee, store_dir
from drill.core.tinydb_engine import TinyEngine

DECK = DECKS / "001_2cf52c944239bc02.toml"
T0 = time.time() - 7200  # two hours ago

# every test on both engines (conftest.py), but those of TinyDB's files
pytestmark = pytest.mark.usefixtures("engine_kind")


def recall_cards():
    return [c for c in decks.load(DECK).cards() if c.kind == "recall"]


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def test_the_store_hands_out_typed_records(drill_home):
    store = Store.open("lin")
    card = recall_cards()[0]
    store.record(answer(card), now=T0)
    assert isinstance(store.card_state(card.id), CardState)
    assert store.card_state(card.id).reps == 1
    (review,) = store.reviews()
    assert isinstance(review, Review) and review.card == card.id and review.seq == 1
    assert review.new is True and review.mature is False
    assert all(isinstance(d, DayTally) for d in store.days())
    assert {type(i) for i in store.items()} == {ItemTally}
    assert sum(i.seen for i in store.items()) == len(card.answer)


@pytest.mark.tinydb_only
def test_the_tinydb_engine_is_an_engine(drill_home):
    # every method the progress rules call is on the engine
    folder = store_dir("lin")
    folder.mkdir(parents=True)
    engine = TinyEngine(folder)
    wanted = [name for name in dir(Engine) if not name.startswith("_")]
    assert wanted and [name for name in wanted if not callable(getattr(engine, name, None))
                       and name != "readonly"] == []


@pytest.mark.tinydb_only
def test_an_override_appends_and_never_rewrites_the_log(drill_home):
    store = Store.open("lin")
    card = recall_cards()[0]
    a = answer(card, "不知道")
    store.record(a, now=T0)
    log = next(store_dir("lin").glob("reviews-*.json"))
    before = log.read_bytes()
    a.overridden = Override.RIGHT
    store.amend(a, now=T0 + 5)
    after = log.read_bytes()
    assert after.startswith(before) and len(after) > len(before)  # appended, nothing rewritten
    raw = list(Store.open("lin").engine.reviews())
    assert [r.amends for r in raw] == [0, 1] and [r.seq for r in raw] == [1, 2]
    (now,) = Store.open("lin").reviews()  # the amendment in place of the review it amends
    assert now.seq == 1 and now.overridden is Override.RIGHT and now.rating is scheduler.Rating.GOOD
    again = Store.open("lin")
    assert again.card_state(card.id).lapses == 0 and again.card_state(card.id).amends == 1
    assert check_trainee("lin") == []


def test_effective_folds_each_amendment_into_its_review():
    def r(seq, rating, amends=0):
        return Review("c", "d", "f", "recall", 1.0, [], 0.0, Verdict.WRONG, rating, 1.0, seq=seq, amends=amends)

    folded = effective([r(1, 1), r(2, 3), r(3, 3, amends=1), r(4, 2, amends=1), r(5, 4, amends=9)])
    assert [(x.seq, x.rating) for x in folded] == [(1, 2), (2, 3)]


KILLED_OVERRIDE = textwrap.dedent("""
    import os, sys
    from drill.core import deck as decks
    from drill.core.grading import Override, grade
    from drill.core.session import Answered
    from drill.core.store import FAULT_ENV, Store
    cards = [c for c in decks.load(sys.argv[1]).cards() if c.kind == "recall"]
    store = Store.open("lin")
    for card in cards[:2]:
        a = Answered(card, "不知道", grade(card.answer, "不知道", card.ordered), 8.0, 0)
        store.record(a)
    print("recorded", flush=True)
    os.environ[FAULT_ENV] = "after-amendment"  # killed between the amendment and the state
    a.overridden = Override.RIGHT
    store.amend(a)
""")


@pytest.mark.tinydb_only
def test_an_override_cut_between_its_two_writes_is_replayed(drill_home):
    env = dict(os.environ, DRILL_HOME=str(drill_home), PYTHONPATH=str(ROOT / "src"))
    child = subprocess.run([sys.executable, "-c", KILLED_OVERRIDE, str(DECK)], capture_output=True,
                           text=True, env=env, timeout=300)
    assert child.returncode == -9, child.stderr
    assert child.stdout.split() == ["recorded"]
    folder = store_dir("lin")
    # a reader sees the override, and writes nothing
    trainee = (folder / "trainee.json").read_bytes()
    readonly = Store.open_readonly(folder)
    assert readonly.lagged
    second = recall_cards()[1]
    assert readonly.card_state(second.id).lapses == 0
    assert (folder / "trainee.json").read_bytes() == trainee
    # a writer applies it for good: the card passed, its items not missed
    store = Store.open("lin")
    assert store.card_state(second.id).lapses == 0 and store.card_state(second.id).amends == 1
    assert store.card_state(recall_cards()[0].id).lapses == 1
    s = stats.compute(store, [decks.load(DECK)])
    assert s.reviews == 2
    assert sum(i.missed for i in store.items() if i.fw == second.framework) == 0
    assert sum(i.missed for i in store.items() if i.fw == recall_cards()[0].framework) > 0
    assert sum(d.passed for d in store.days()) == 1
    assert check(folder) == []
    assert not Store.open_readonly(folder).lagged


def test_rebuild_keeps_overrides(drill_home):
    store = Store.open("lin")
    cards = recall_cards()
    for card in cards[:3]:
        a = answer(card, "不知道")
        store.record(a, now=T0)
    a.overridden = Override.RIGHT
    store.amend(a, now=T0 + 5)
    want = {c.card: (c.reps, c.lapses, round(c.due)) for c in store.cards()}
    tallies = sorted((d.day, d.reviews, d.passed) for d in store.days())
    store.rebuild()
    again = Store.open("lin")
    assert {c.card: (c.reps, c.lapses, round(c.due)) for c in again.cards()} == want
    assert sorted((d.day, d.reviews, d.passed) for d in again.days()) == tallies
    assert check_trainee("lin") == []




def test_answers_dated_in_the_future_are_flagged_by_the_check(drill_home):
    store = Store.open("lin")
    cards = recall_cards()
    store.record(answer(cards[0]))
    assert check_trainee("lin") == []
    skewed = time.mktime((2036, 1, 3, 9, 0, 0, 0, 0, -1))  # the clock years ahead
    store.record(answer(cards[1]), now=skewed)
    problems = check_trainee("lin")
    assert len(problems) == 1 and "1 answer dated in the future" in problems[0] and "2036-01-03" in problems[0]


def test_i_was_wrong_marks_weak_only_the_items_that_were_wrong(drill_home):
    store = Store.open("lin")
    card = next(c for c in recall_cards() if len(c.answer) >= 3)
    typed = "、".join([*card.answer[:-1], "不知道"])  # every item but the last typed right
    a = answer(card, typed)
    store.record(a, now=T0)
    a.overridden = Override.WRONG
    store.amend(a, now=T0 + 5)
    missed = {i.item for i in Store.open("lin").items() if i.missed}
    assert missed == {card.answer[-1]}
    assert Store.open("lin").card_state(card.id).lapses == 1  # the answer itself counts as failed


def test_a_second_override_or_an_undo_keeps_another_drills_later_answer(drill_home):
    card = recall_cards()[0]
    for last in ("override", "undo"):
        user = f"lin-{last}"  # a fresh store each time
        a, b = Store.open(user), Store.open(user)  # two drills on one store
        x = answer(card)
        a.record(x, now=T0)
        b.record(answer(card), now=T0 + 60)  # the other drill answers the same card
        x.overridden = Override.WRONG
        a.amend(x, now=T0 + 120)
        if last == "override":
            x.overridden = Override.RIGHT
            a.amend(x, now=T0 + 130)
        else:
            a.undo(x, now=T0 + 130)
        again = Store.open(user)
        assert again.card_state(card.id).reps == (2 if last == "override" else 1), last
        assert check_trainee(user) == [], last


@pytest.mark.tinydb_only
def test_a_readonly_store_is_never_rebuilt(drill_home):
    import pytest

    from drill.core.errors import StoreError

    store = Store.open("lin")
    store.record(answer(recall_cards()[0]), now=T0)
    before = (store_dir("lin") / "trainee.json").read_bytes()
    with pytest.raises(StoreError, match="read-only"):
        Store.open_readonly(store_dir("lin")).rebuild()
    assert (store_dir("lin") / "trainee.json").read_bytes() == before


@pytest.mark.tinydb_only
def test_an_answer_whose_state_cannot_be_written_is_taken_out_of_the_log(drill_home, monkeypatch):
    import errno

    import pytest

    from drill.core import tinydb_engine
    from drill.core.errors import StoreError

    store = Store.open("lin")
    card = recall_cards()[0]
    real = tinydb_engine.LogStorage._write_lines

    def full(self, out, rows=None):
        if self.path.name == "trainee.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, out, rows)

    monkeypatch.setattr(tinydb_engine.LogStorage, "_write_lines", full)
    with pytest.raises((OSError, StoreError)):
        store.record(answer(card), now=T0)
    monkeypatch.setattr(tinydb_engine.LogStorage, "_write_lines", real)
    store.record(answer(card), now=T0 + 5)  # the trainee tries again: recorded once
    again = Store.open("lin")
    assert len(list(again.engine.reviews())) == 1 and again.card_state(card.id).reps == 1
    assert check_trainee("lin") == []
