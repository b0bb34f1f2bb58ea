"""Undo the last answer: a compensating record in the log (it stays
append-only), the state and tallies as before the answer, the card asked
again."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import DECKS, ROOT, until, asked_cold

from drill.core import deck as decks
from drill.core.grading import grade
from drill.core.session import Answered, Session
from drill.core.store import Store, check_trainee
from drill.tui.app import make_app
from drill.tui.screens.drill import DrillScreen

DECK = DECKS / "001_2cf52c944239bc02.toml"
T0 = time.time() - 7200

# every test on both engines (conftest.py), but those of TinyDB's files
pytestmark = pytest.mark.usefixtures("engine_kind")


def recall_cards():
    return [c for c in decks.load(DECK).cards() if c.kind == "recall"]


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def test_undo_takes_a_first_answer_back_entirely(drill_home):
    store = Store.open("lin")
    card = recall_cards()[0]
    a = answer(card)
    store.record(a, now=T0)
    store.undo(a, now=T0 + 3)
    again = Store.open("lin")
    assert list(again.reviews()) == [] and again.card_state(card.id) is None
    assert [r.undone for r in again.engine.reviews()] == [False, True]  # both kept in the log
    assert sum(d.reviews for d in again.days()) == 0 and sum(i.seen for i in again.items()) == 0
    assert again.new_seen_today(now=T0) == 0  # the card is new again, today's limit too
    assert check_trainee("lin") == []


def test_undo_of_a_second_answer_leaves_the_first(drill_home):
    store = Store.open("lin")
    card = recall_cards()[0]
    store.record(answer(card), now=T0)
    first = store.card_state(card.id)
    b = answer(card, "不知道")
    store.record(b, now=T0 + 600)
    assert store.card_state(card.id).lapses == 1
    store.undo(b, now=T0 + 603)
    again = Store.open("lin")
    state = again.card_state(card.id)
    assert (state.reps, state.lapses, state.due) == (first.reps, first.lapses, first.due)
    assert [r.typed for r in again.reviews()] == ["、".join(card.answer)]
    assert check_trainee("lin") == []


def test_a_session_asks_the_card_again_after_undo(drill_home):
    store = Store.open("lin")
    cards = recall_cards()[:2]
    session = Session(cards, store)
    session.show()
    session.submit("不知道")
    assert session.undo() == cards[0]
    assert session.current == cards[0] and session.answered == []
    session.submit("、".join(cards[0].answer))
    assert [r.verdict for r in Store.open("lin").reviews()] == ["correct"]


KILLED_UNDO = textwrap.dedent("""
    import os, sys
    from drill.core import deck as decks
    from drill.core.grading import grade
    from drill.core.session import Answered
    from drill.core.store import FAULT_ENV, Store
    cards = [c for c in decks.load(sys.argv[1]).cards() if c.kind == "recall"]
    store = Store.open("lin")
    kept = Answered(cards[0], "不知道", grade(cards[0].answer, "不知道", cards[0].ordered), 8.0, 0)
    store.record(kept)
    taken = Answered(cards[1], "不知道", grade(cards[1].answer, "不知道", cards[1].ordered), 8.0, 0)
    store.record(taken)
    print("recorded", flush=True)
    os.environ[FAULT_ENV] = "after-amendment"  # killed between the undo's record and the state
    store.undo(taken)
""")


@pytest.mark.tinydb_only
def test_an_undo_cut_between_its_two_writes_is_replayed(drill_home):
    env = dict(os.environ, DRILL_HOME=str(drill_home), PYTHONPATH=str(ROOT / "src"))
    child = subprocess.run([sys.executable, "-c", KILLED_UNDO, str(DECK)], capture_output=True,
                           text=True, env=env, timeout=300)
    assert child.returncode == -9, child.stderr
    store = Store.open("lin")
    cards = recall_cards()
    assert store.card_state(cards[1].id) is None and store.card_state(cards[0].id).reps == 1
    assert sum(d.reviews for d in store.days()) == 1
    assert check_trainee("lin") == []


async def test_u_on_the_feedback_takes_the_answer_back_and_asks_again(drill_home):
    asked_cold()
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
        screen = app.screen
        first = screen.session.current
        await pilot.press(*"不知道", "ctrl+s")
        await until(pilot, lambda: screen.phase == "judged", what="the answer to be judged")
        await pilot.press("u")
        await until(pilot, lambda: screen.phase == "answering", what="the card asked again")
        assert screen.session.current == first and screen.session.answered == []
        assert "taken back" in str(screen.query_one("#store-status").render())
    assert list(Store.open("lin").reviews()) == []
