"""Controls a trainee expects on the drill screen: "I don't know", and a
typed answer that is never thrown away without asking."""

from __future__ import annotations

from conftest import until, asked_cold

from drill.tui.app import make_app
from drill.tui.screens.drill import AnswerArea, ConfirmLeave, DrillScreen
from drill.tui.screens.summary import SummaryScreen

SIZE = (100, 30)


def drawn(widget) -> str:
    from textual.geometry import Region

    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def first_card(app, pilot):
    """The first card of the first deck, asked cold (the learning steps: test_learning.py)."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.progress.update_settings(learn_first=False)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
    return app.screen


async def test_i_dont_know_shows_the_answer_and_counts_the_card_as_missed(drill_home):
    asked_cold()
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        screen = await first_card(app, pilot)
        await pilot.press(*"抓学习")
        await pilot.press("f4")
        await until(pilot, lambda: screen.phase == "judged", what="the answer shown")
        last = app.session.answered[-1]
        assert last.verdict == "wrong" and last.rating == 1 and last.typed == ""
        expected = app.session.current.answer[0][:6]
        await until(pilot, lambda: expected in drawn(screen.query_one("#feedback")), what="the answer drawn")


async def test_ending_with_a_typed_answer_asks_first(drill_home):
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        screen = await first_card(app, pilot)
        await pilot.press(*"抓学习")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave), what="the question")
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen, what="the drill screen again")
        assert screen.query_one(AnswerArea).text == "抓学习" and app.session.answered == []
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave), what="the question on quitting")
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen, what="the drill screen again")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave), what="the question")
        await pilot.press("y")
        await pilot.pause()
        # nothing was answered: back to the decks, the typed text dropped as asked
        assert not isinstance(app.screen, (DrillScreen, ConfirmLeave, SummaryScreen))


async def test_quitting_with_nothing_typed_asks_nothing(drill_home):
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await first_card(app, pilot)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None or not app.is_running, what="the app to quit")


async def test_study_more_session_size_and_the_decks_chosen_last_time(drill_home):
    from drill.core.scheduler import Settings
    from drill.core.store import Store
    from drill.tui.screens.decks import DecksScreen

    Store.open("lin").set_settings(Settings(new_per_day=3))
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen)
        chosen = app.decks[1]
        await pilot.press("down", "space", "z")  # choose the second deck; sessions of 10
        assert app.session_size == 10
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
        assert len(app.session.cards) == 3  # the day's three new cards
        assert {c.deck for c in app.session.cards} == {chosen.id}
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the decks again")
        await pilot.press("m")  # ten more new cards today
        await pilot.pause()
        assert app.progress.more_new_today() == 10
        await pilot.press("enter")  # the chosen deck still chosen: 13 new, in a session of 10
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
        assert len(app.session.cards) == 10 and {c.deck for c in app.session.cards} == {chosen.id}
    # a new start remembers the deck chosen, and today's extra new cards
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.chosen == {chosen.id}
        assert len(app.progress.queue([chosen])) == 13
