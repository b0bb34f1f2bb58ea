"""The footer shows the keys of the moment (it is made again when they
change) and is not made again when they are the same."""

from __future__ import annotations

from conftest import asked_cold, until
from textual.widgets._footer import FooterKey

from drill.tui.app import make_app
from drill.tui.screens.decks import DecksScreen
from drill.tui.screens.drill import DrillScreen
from drill.tui.widgets.footer import KeysFooter

SIZE = (100, 24)


def keys(screen) -> list[str]:
    """The words of the keys the screen's footer shows, enabled ones only."""
    footers = screen.query(KeysFooter)  # (none before the screen is composed)
    return [key.description for footer in footers for key in footer.query(FooterKey)
            if not key.has_class("-disabled")]


async def test_the_footer_follows_the_drill_and_stays_when_its_keys_do():
    asked_cold()
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: isinstance(app.screen, DecksScreen) and "All due" in keys(app.screen),
                    what="the deck list's keys")
        decks_screen = app.screen
        listed = list(decks_screen.query(FooterKey))

        app.start_session(app.decks[:1])
        await until(pilot, lambda: isinstance(app.screen, DrillScreen) and "Submit" in keys(app.screen),
                    what="the drill's keys")
        assert "Next" not in keys(app.screen)
        await pilot.press("f4")  # I don't know: the card is judged
        await until(pilot, lambda: "Next" in keys(app.screen), what="the judged card's keys")
        assert "Submit" not in keys(app.screen)
        await pilot.press("enter")  # the next card: answering again
        await until(pilot, lambda: "Submit" in keys(app.screen) and "Next" not in keys(app.screen),
                    what="the next card's keys")

        app.action_decks()  # back to the list: its keys are those it showed, and so are their widgets
        await until(pilot, lambda: app.screen is decks_screen, what="the deck list again")
        await pilot.pause()
        await pilot.pause()
        assert "All due" in keys(decks_screen)
        assert list(decks_screen.query(FooterKey)) == listed
