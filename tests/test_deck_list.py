"""The deck list's counts are kept between its showings and made again
whenever the store, a deck or the clock may have changed them: after every
change they are what the store counts from scratch."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from conftest import DECKS, until

from drill.core import deck as decks
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import Store
from drill.tui.app import make_app
from drill.tui.screens.decks import DeckCountsCache, DecksScreen
from drill.tui.screens.drill import DrillScreen

T0 = dt.datetime(2026, 3, 2, 9, 0).timestamp()
DAY = 86400.0

# every test on both engines (conftest.py), but those of TinyDB's files
pytestmark = pytest.mark.usefixtures("engine_kind")


def answer(card, right: bool = True) -> Answered:
    typed = "、".join(card.answer) if right else "不知道"
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def truth(store, decks_, now):
    """What the store counts from scratch (never a test's counting stand-in)."""
    return [Store.deck_counts(store, d, now) for d in decks_]


@pytest.fixture
def two_decks():
    return [decks.load(DECKS / "001_2cf52c944239bc02.toml"), decks.load(DECKS / "003_b93a616289133548.toml")]


class Counting:
    """The store, counting the decks it is asked to count."""

    def __init__(self, store, monkeypatch):
        self.asked: list[str] = []
        real = store.decks_counts
        monkeypatch.setattr(store, "decks_counts", lambda decks_, now=None: self.asked.extend(
            d.id for d in decks_) or real(decks_, now))


def test_counts_are_kept_while_nothing_changed(two_decks, monkeypatch):
    store = Store.open("lin")
    cache = DeckCountsCache()
    counting = Counting(store, monkeypatch)
    first = cache.counts(store, two_decks, T0)
    assert counting.asked == [d.id for d in two_decks]
    assert cache.counts(store, two_decks, T0 + 60) == first == truth(store, two_decks, T0 + 60)
    assert counting.asked == [d.id for d in two_decks]  # nothing counted again


def test_an_answer_here_or_in_another_drill_is_counted(two_decks):
    store = Store.open("lin")
    cache = DeckCountsCache()
    before = cache.counts(store, two_decks, T0)
    card = two_decks[0].cards()[0]
    store.record(answer(card, right=False), now=T0)
    after = cache.counts(store, two_decks, T0 + 1)
    assert after == truth(store, two_decks, T0 + 1) and after != before
    # another drill of the same trainee answers: seen once the store is read again
    other = Store.open("lin")
    other.record(answer(two_decks[1].cards()[0]), now=T0 + 2)
    store.reread()
    assert cache.counts(store, two_decks, T0 + 3) == truth(store, two_decks, T0 + 3)
    assert cache.counts(store, two_decks, T0 + 3)[1] != after[1]


def test_a_review_of_a_card_seen_before_is_counted(two_decks):
    # no new card is seen and none is held: only the store's answers tell
    store = Store.open("lin")
    cache = DeckCountsCache()
    card = two_decks[0].cards()[0]
    store.record(answer(card, right=False), now=T0)
    due = store.card_state(card.id).due
    assert cache.counts(store, two_decks, due + 1)[0].due == 1
    left = store.new_left_today(due + 2)
    store.record(answer(card, right=False), now=due + 2)
    assert store.new_left_today(due + 3) == left
    after = cache.counts(store, two_decks, due + 3)
    assert after == truth(store, two_decks, due + 3) and after[0].due == 0


def test_an_answer_counts_again_only_the_deck_it_touched(two_decks, monkeypatch):
    store = Store.open("lin")
    store.update_settings(new_per_day=3)  # the other deck's new cards are held back by the day's limit
    cache = DeckCountsCache()
    before = cache.counts(store, two_decks, T0)
    counting = Counting(store, monkeypatch)
    for n, card in enumerate(two_decks[0].cards()[:2]):  # new cards seen: the allowance shrinks for both
        store.record(answer(card, right=n == 0), now=T0 + n)
        after = cache.counts(store, two_decks, T0 + n + 1)
        assert after == truth(store, two_decks, T0 + n + 1)
    assert counting.asked == [two_decks[0].id] * 2
    assert after[1].new < before[1].new  # the other deck's new cards follow the allowance, uncounted
    # another drill answers in the other deck: that deck alone is counted again
    other = Store.open("lin")
    other.record(answer(two_decks[1].cards()[0]), now=T0 + 5)
    store.reread()
    assert cache.counts(store, two_decks, T0 + 6) == truth(store, two_decks, T0 + 6)
    assert counting.asked == [two_decks[0].id] * 2 + [two_decks[1].id]


def test_an_undo_is_counted(two_decks):
    store = Store.open("lin")
    cache = DeckCountsCache()
    untouched = cache.counts(store, two_decks, T0)
    answered = answer(two_decks[0].cards()[0])
    store.record(answered, now=T0)
    assert cache.counts(store, two_decks, T0 + 1) != untouched
    store.undo(answered, now=T0 + 2)
    assert cache.counts(store, two_decks, T0 + 3) == truth(store, two_decks, T0 + 3) == untouched


def test_a_card_suspended_or_buried_is_counted(two_decks):
    store = Store.open("lin")
    store.update_settings(learn_first=False)  # every card of a framework counts, not its first sight
    cache = DeckCountsCache()
    cards = two_decks[0].cards()
    before = cache.counts(store, two_decks, T0)
    store.suspend([cards[0].id])
    suspended = cache.counts(store, two_decks, T0)
    assert suspended == truth(store, two_decks, T0) and suspended != before
    store.bury([cards[1].id], now=T0)
    buried = cache.counts(store, two_decks, T0)
    assert buried == truth(store, two_decks, T0) and buried != suspended
    # the burial ends with the day
    assert cache.counts(store, two_decks, T0 + DAY) == truth(store, two_decks, T0 + DAY) == suspended


def test_a_card_falling_due_is_counted(two_decks):
    store = Store.open("lin")
    cache = DeckCountsCache()
    card = two_decks[0].cards()[0]
    store.record(answer(card, right=False), now=T0)
    due = store.card_state(card.id).due
    assert due > T0
    before = cache.counts(store, two_decks, due - 1)
    at = cache.counts(store, two_decks, due)  # nothing in the store changed: the clock did
    assert at == truth(store, two_decks, due) and at[0].due == before[0].due + 1


def test_a_deck_whose_cards_changed_is_counted_again_alone(two_decks, monkeypatch):
    store = Store.open("lin")
    cache = DeckCountsCache()
    before = cache.counts(store, two_decks, T0)
    counting = Counting(store, monkeypatch)
    two_decks[0].frameworks.pop()
    after = cache.counts(store, two_decks, T0)
    assert counting.asked == [two_decks[0].id]
    assert after == truth(store, two_decks, T0) and after[0].total < before[0].total
    two_decks[1].frameworks[0].items.append("新加的一项")  # edited in place: other cards
    assert cache.counts(store, two_decks, T0) == truth(store, two_decks, T0)
    assert counting.asked == [two_decks[0].id, two_decks[1].id]


def test_another_trainees_store_is_counted(two_decks):
    # one answer each, to cards of different decks: the stores look alike but for their cards
    lin, kim = Store.open("lin"), Store.open("kim")
    lin.record(answer(two_decks[0].cards()[0], right=False), now=T0)
    kim.record(answer(two_decks[1].cards()[0], right=False), now=T0)
    assert lin.applied_seq() == kim.applied_seq()
    cache = DeckCountsCache()
    assert cache.counts(lin, two_decks, T0 + 1) == truth(lin, two_decks, T0 + 1)
    assert cache.counts(kim, two_decks, T0 + 1) == truth(kim, two_decks, T0 + 1) != truth(lin, two_decks, T0 + 1)


def test_settings_that_change_the_new_cards_are_counted(two_decks):
    store = Store.open("lin")
    cache = DeckCountsCache()
    before = cache.counts(store, two_decks, T0)
    store.update_settings(new_per_day=3)
    after = cache.counts(store, two_decks, T0)
    assert after == truth(store, two_decks, T0) and after[0].new == 3 != before[0].new


def test_the_learning_steps_turned_on_or_off_are_counted(two_decks):
    # with the steps on, a framework not yet seen counts as one new card;
    # off, every card of it does: nothing but the settings changed
    store = Store.open("lin")
    store.update_settings(new_per_day=1000)
    cache = DeckCountsCache()
    on = cache.counts(store, two_decks, T0)
    store.update_settings(learn_first=not store.settings.learn_first)
    off = cache.counts(store, two_decks, T0)
    assert off == truth(store, two_decks, T0) and off != on


# --- the deck list on screen -------------------------------------------------


def rows(app) -> list[tuple[str, ...]]:
    table = app.screen.query_one("#decks")
    return [tuple(str(cell) for cell in table.get_row_at(n)[2:5]) for n in range(table.row_count)]


def counted_rows(app) -> list[tuple[str, ...]]:
    """The due, new and total column as the store counts them now."""
    left = app.progress.new_left_today()
    return [(str(c.due), str(min(c.new, left)), str(c.total))
            for c in (Store.deck_counts(app.progress, d) for d in app.decks)]


async def drilling(pilot):
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.is_mounted
                and app.session.current is not None, what="the drill, its first card shown")
    await pilot.pause()


async def test_the_list_is_built_once_and_going_back_counts_only_what_changed(monkeypatch):
    built: list[int] = []
    real_build = DecksScreen.build_table
    monkeypatch.setattr(DecksScreen, "build_table", lambda self: built.append(1) or real_build(self))
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.screen.shown is not None,
                    what="the deck list")
        await pilot.pause()
        assert built == [1]  # from its mount; its first resize finds it built
        assert rows(app) == counted_rows(app)
        decks_screen = app.screen
        asked: list[str] = []
        real = app.progress.decks_counts
        monkeypatch.setattr(app.progress, "decks_counts", lambda decks_, now=None: asked.extend(
            d.id for d in decks_) or real(decks_, now))

        # a session left at once: back to the same list, nothing counted again
        app.start_session(app.decks[:1])
        await drilling(pilot)
        app.action_decks()
        await until(pilot, lambda: app.screen is decks_screen, what="the deck list again")
        await pilot.pause()
        assert asked == [] and built == [1]

        # an answer: the deck answered is counted again, alone, and the list shows it
        before = rows(app)
        app.start_session(app.decks[:1])
        await drilling(pilot)
        app.session.submit("不知道")
        app.action_decks()
        await until(pilot, lambda: app.screen is decks_screen and rows(app) == counted_rows(app),
                    what="the counts after the answer")
        assert asked == [app.decks[0].id]
        assert built == [1] and rows(app) != before


async def test_another_drills_answer_shows_on_the_list():
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.screen.shown is not None,
                    what="the deck list")
        before = rows(app)
        other = Store.open("lin")
        card = app.decks[0].cards()[0]
        other.record(answer(card, right=False))
        await until(pilot, lambda: rows(app) != before, what="the other drill's answer on the list")
        assert rows(app) == counted_rows(app)


async def test_a_list_covered_before_it_shows_is_built_when_it_first_shows(monkeypatch):
    # a session started as the app starts: the list beneath it counts nothing
    # until it shows, then shows every deck with the store's counts
    built: list[int] = []
    real_build = DecksScreen.build_table
    monkeypatch.setattr(DecksScreen, "build_table", lambda self: built.append(1) or real_build(self))
    app = make_app(user="lin")
    opened = app._open_progress

    def open_and_drill() -> None:
        opened()
        app.start_session(app.decks[:1])

    monkeypatch.setattr(app, "_open_progress", open_and_drill)
    async with app.run_test(size=(100, 30)) as pilot:
        await drilling(pilot)
        decks_screen = app.get_screen("decks")
        assert decks_screen.is_mounted and built == [] and decks_screen.shown is None
        assert not decks_screen.query("#decks")  # not even its widgets made
        app.session.submit("不知道")
        app.action_decks()
        await until(pilot, lambda: app.screen is decks_screen and decks_screen.shown is not None,
                    what="the deck list")
        await pilot.pause()
        assert built == [1]
        assert rows(app) == counted_rows(app) and len(rows(app)) == len(app.decks)


async def test_a_list_longer_than_the_screen_shows_its_first_rows_then_all(monkeypatch):
    monkeypatch.setattr(DecksScreen, "first_rows", lambda self: 2)
    filled: list[int] = []
    real_show = DecksScreen._show_rows
    monkeypatch.setattr(DecksScreen, "_show_rows", lambda self, table, rows_, width: filled.append(
        len(rows_)) or real_show(self, table, rows_, width))
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.screen.shown is not None
                    and len(app.screen.shown) == len(app.decks), what="every deck on the list")
        await pilot.pause()
        assert len(app.decks) > 2 and filled[:2] == [2, len(app.decks)]
        assert rows(app) == counted_rows(app)
        table = app.screen.query_one("#decks")
        assert [str(table.get_row_at(n)[1]) for n in range(table.row_count)] == [d.title for d in app.screen.order]
