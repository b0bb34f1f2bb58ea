"""Controls a trainee expects on the drill screen: "I don't know", and a
typed answer that is never thrown away without asking."""

from __future__ import annotations

from conftest import until

from drill.tui.app import make_app
from drill.tui.screens.drill import AnswerArea, ConfirmLeave, DrillScreen
from drill.tui.screens.summary import SummaryScreen

SIZE = (100, 30)


def drawn(widget) -> str:
    from textual.geometry import Region

    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def first_card(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
    return app.screen


async def test_i_dont_know_shows_the_answer_and_counts_the_card_as_missed(drill_home):
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        screen = await first_card(app, pilot)
        await pilot.press(*"抓学习")
        await pilot.press("f4")
        await until(pilot, lambda: screen.phase == "judged", what="the answer shown")
        last = app.session.answered[-1]
        assert last.verdict == "wrong" and last.rating == 1 and last.typed == ""
        assert app.session.current.answer[0][:6] in drawn(screen.query_one("#feedback"))


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
