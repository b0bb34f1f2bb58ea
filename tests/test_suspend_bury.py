"""Suspend a card (never drilled until unsuspended) or bury it (back
tomorrow): in the store, the queue, the decks' counts, the session and the app."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DECKS, until

from drill import cli
from drill.core import deck as decks
from drill.core.learning import stands_for
from drill.core.session import Session
from drill.core.store import Store
from drill.tui.app import make_app
from drill.tui.screens.drill import DrillScreen

DECK = DECKS / "001_2cf52c944239bc02.toml"

# every test on both engines (conftest.py), but those of TinyDB's files
pytestmark = pytest.mark.usefixtures("engine_kind")


def test_a_suspended_card_leaves_the_queue_until_unsuspended(drill_home):
    deck = decks.load(DECK)
    store = Store.open("lin")
    store.update_settings(learn_first=False)  # a card asked cold (a learning card: test_learning.py)
    first = store.queue([deck])[0]
    before = store.deck_counts(deck)
    store.suspend([first.id])
    assert first.id not in {c.id for c in Store.open("lin").queue([deck])}
    assert Store.open("lin").deck_counts(deck).unseen == before.unseen - 1
    assert cli.main(["unsuspend", "--user", "lin", "--list"]) == 0
    assert cli.main(["unsuspend", "--user", "lin"]) == 0
    assert Store.open("lin").queue([deck])[0].id == first.id


def test_a_buried_card_comes_back_tomorrow(drill_home):
    deck = decks.load(DECK)
    today = dt.datetime.now().replace(hour=10, minute=0).timestamp()
    tomorrow = today + 86400
    store = Store.open("lin")
    first = store.queue([deck], now=today)[0]
    store.bury([first.id], now=today)
    assert first.id not in {c.id for c in Store.open("lin").queue([deck], now=today)}
    assert Store.open("lin").queue([deck], now=tomorrow)[0].id == first.id
    store.bury([], now=tomorrow)  # burying tomorrow forgets today's burials
    assert Store.open("lin").buried(now=today) == set()


def test_a_card_set_aside_leaves_the_session_with_every_later_showing(drill_home):
    cards = [c for c in decks.load(DECK).cards() if c.kind == "recall"][:3]
    session = Session([cards[0], cards[1], cards[0], cards[2]])
    session.show()
    assert session.set_aside() == cards[1]
    assert [c.id for c in session.cards] == [cards[1].id, cards[2].id]


async def test_f6_suspends_the_card_on_screen_and_f5_buries_the_next(drill_home):
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
        screen = app.screen
        first = screen.session.current
        await pilot.press("f6")
        await until(pilot, lambda: screen.session.current != first, what="the next card")
        second = screen.session.current
        assert "suspended" in str(screen.query_one("#store-status").render())
        await pilot.press("f5")
        await until(pilot, lambda: screen.session.current != second, what="the card after")
        assert first.id not in {c.id for c in screen.session.cards}
    store = Store.open("lin")
    # a new framework's first sight and its next framework's stand for their recall cards
    assert first.kind == second.kind == "show"
    assert store.suspended() == {stands_for(first)} and store.buried() == {stands_for(second)}
    queued = {c.framework for c in store.queue([d for d in app.decks if d.id == first.deck])}
    assert first.framework not in queued and second.framework not in queued
