"""The settings: the app's dialog (o on the decks), the theme kept with the
other settings, and a change made with `drill settings` while the app runs."""

from __future__ import annotations

import json

import pytest
from conftest import until

from drill import cli
from drill.core import scheduler
from drill.core.store import Store, open_reader, store_dir
from drill.tui.app import make_app, theme_names
from drill.tui.screens.decks import DecksScreen
from drill.tui.screens.settings import SettingsScreen

SIZE = (80, 24)


async def ready(pilot):
    app = pilot.app
    await app.workers.wait_for_complete()
    await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.screen.focused is not None,
                what="the deck list, focused")


async def open_settings(pilot):
    await pilot.press("o")
    await until(pilot, lambda: isinstance(pilot.app.screen, SettingsScreen), what="the settings dialog")
    await pilot.pause()


async def retype(pilot, field_id: str, text: str):
    """Clear a field of the settings dialog and type ``text`` into it."""
    field = pilot.app.screen.query_one(field_id)
    field.focus()
    field.value = ""
    await pilot.pause()
    await pilot.press(*text)


def unseen_frameworks(app, limit: int) -> list[str]:
    """What the New column says on a first day with the learning steps on: a
    deck's frameworks (each one new card, its first sight), up to ``limit``."""
    return [str(min(limit, sum(1 for fw in deck.frameworks if any(i.strip() for i in fw.items))))
            for deck in app.decks]


def new_column(app) -> list[str]:
    table = app.screen.query_one("#decks")
    return [str(table.get_row_at(n)[3]) for n in range(table.row_count)]


def dialog_message(screen) -> str:
    return str(screen.query_one("#settings-message").render())


def stored_settings() -> scheduler.Settings:
    return open_reader("lin").settings


async def test_the_dialog_saves_retention_new_cards_and_theme(engine_kind):
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.theme == scheduler.DEFAULT_THEME
        await open_settings(pilot)
        screen = app.screen
        assert screen.query_one("#retention").value == "0.9"
        assert screen.query_one("#new-per-day").value == "20"
        assert screen.query_one("#theme").value == scheduler.DEFAULT_THEME
        await retype(pilot, "#new-per-day", "3")
        # the theme chosen the way a trainee chooses it: open the list, pick
        select = screen.query_one("#theme")
        select.focus()
        await pilot.press("enter")
        await until(pilot, lambda: select.expanded, what="the theme list open")
        await pilot.press(*"nord")  # the list goes to the first theme typed
        await pilot.press("enter")
        await until(pilot, lambda: select.value == "nord" and not select.expanded, what="nord chosen")
        learn = screen.query_one("#learn-first")
        assert learn.value is True  # on, as a new trainee has it
        learn.focus()
        await pilot.press("space")  # off: new cards asked cold
        await until(pilot, lambda: learn.value is False, what="the learning steps off")
        await retype(pilot, "#retention", "0.85")
        await pilot.press("enter")  # Enter in a field saves
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the dialog closed")
        assert app.theme == "nord"
        assert set(new_column(app)) == {"3"}  # today's new cards follow the new limit
    assert stored_settings() == scheduler.Settings(desired_retention=0.85, new_per_day=3, theme="nord",
                                                   learn_first=False)

    again = make_app(user="lin")  # the next start shows the theme saved
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert again.theme == "nord"


@pytest.mark.parametrize("field_id, text, said", [
    ("#retention", "2", "'2' is not a retention from 0.7 to 0.99"),
    ("#retention", "", "'' is not a retention"),
    ("#new-per-day", "-1", "'-1' is not a whole number from 0 to 1000"),
    ("#new-per-day", "1001", "'1001' is not a whole number"),
])
async def test_a_bad_value_is_said_in_the_dialog_and_nothing_is_saved(field_id, text, said):
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        before = (store_dir("lin") / "trainee.json").read_bytes()
        await open_settings(pilot)
        await retype(pilot, "#new-per-day", "5")  # a good change alongside the bad one
        await retype(pilot, field_id, text)
        await pilot.press("enter")
        screen = app.screen
        await until(pilot, lambda: dialog_message(screen), what="the dialog's message")
        assert app.screen is screen
        message = dialog_message(screen)
        assert message.startswith("Not saved: ") and said in message, message
        assert (store_dir("lin") / "trainee.json").read_bytes() == before
        await pilot.press("escape")  # cancels
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the dialog closed")
        assert sorted(new_column(app)) == sorted(unseen_frameworks(app, 20))
    assert (store_dir("lin") / "trainee.json").read_bytes() == before
    assert stored_settings() == scheduler.Settings()


async def test_escape_cancels_what_was_typed():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_settings(pilot)
        await retype(pilot, "#retention", "0.75")
        app.screen.query_one("#theme").value = "dracula"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the dialog closed")
        assert app.theme == scheduler.DEFAULT_THEME
    assert stored_settings() == scheduler.Settings()


async def test_a_theme_chosen_in_the_palette_is_saved():
    from textual.command import CommandPalette

    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        palette = app.screen
        options = palette.query_one("CommandList")

        def listed() -> list[str]:  # each command's name (its first line)
            return [str(options.get_option_at_index(n).prompt).split("\n")[0] for n in range(options.option_count)]

        await pilot.press(*"theme")
        await until(pilot, lambda: "Theme" in listed(), what="Textual's Theme command listed")
        for _ in listed():
            if listed()[options.highlighted or 0] == "Theme":
                break
            await pilot.press("down")
        await pilot.press("enter")  # Textual's own list of themes
        await until(pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen is not palette,
                    what="the list of themes")
        options = app.screen.query_one("CommandList")
        await pilot.press(*"gruvbox")
        await until(pilot, lambda: listed() and listed()[0] == "gruvbox", what="gruvbox listed")
        await pilot.press("enter")
        await until(pilot, lambda: app.theme == "gruvbox", what="the theme shown")
        await until(pilot, lambda: app.progress.settings.theme == "gruvbox", what="the theme saved")
    assert stored_settings().theme == "gruvbox"


async def test_a_change_made_with_drill_settings_is_seen_by_the_running_app(capsys, engine_kind):
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await until(pilot, lambda: sorted(new_column(app)) == sorted(unseen_frameworks(app, 20)),
                    what="the deck list's counts")
        assert cli.main(["settings", "--user", "lin", "--new-per-day", "2", "--theme", "solarized-light"]) == 0
        await until(pilot, lambda: app.theme == "solarized-light", what="the theme from the other drill")
        await until(pilot, lambda: set(new_column(app)) == {"2"}, what="the new limit in the counts")
        # the app's own change after it keeps the other's
        await open_settings(pilot)
        assert app.screen.query_one("#new-per-day").value == "2"
        await retype(pilot, "#retention", "0.8")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the dialog closed")
    capsys.readouterr()
    assert stored_settings() == scheduler.Settings(desired_retention=0.8, new_per_day=2, theme="solarized-light")
    assert cli.main(["settings", "--user", "lin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["theme"] == "solarized-light"


async def test_a_theme_the_app_lacks_in_the_store_shows_the_default():
    Store.open("lin").set_settings(scheduler.Settings(theme="no-such-theme"))
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.theme == scheduler.DEFAULT_THEME
    assert stored_settings().theme == "no-such-theme"  # kept, not overwritten


# --- drill settings --theme -------------------------------------------------


def test_drill_settings_sets_and_shows_the_theme(capsys):
    assert cli.main(["settings", "--user", "lin"]) == 0
    assert capsys.readouterr().out == ("lin: desired retention 0.9, 20 new cards a day, theme textual-dark, "
                                       "learning steps on\n")
    assert cli.main(["settings", "--user", "lin", "--theme", "nord"]) == 0
    assert "theme nord" in capsys.readouterr().out
    assert stored_settings() == scheduler.Settings(theme="nord")
    assert cli.main(["settings", "--user", "lin", "--retention", "0.8"]) == 0  # the theme stays
    capsys.readouterr()
    assert stored_settings() == scheduler.Settings(desired_retention=0.8, theme="nord")
    assert cli.main(["settings", "--user", "lin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"user": "lin", "desired_retention": 0.8, "new_per_day": 20,
                                                   "theme": "nord", "learn_first": True}
    assert cli.main(["settings", "--user", "lin", "--learn-first", "off"]) == 0  # the rest stays
    assert "learning steps off" in capsys.readouterr().out
    assert stored_settings() == scheduler.Settings(desired_retention=0.8, theme="nord", learn_first=False)
    with pytest.raises(SystemExit) as exited:
        cli.main(["settings", "--user", "lin", "--learn-first", "maybe"])
    assert exited.value.code == cli.EXIT_USAGE
    assert "'maybe' is neither on nor off" in capsys.readouterr().err


def test_an_unknown_theme_is_one_line_naming_some_and_nothing_is_written(capsys):
    code = cli.main(["settings", "--user", "lin", "--theme", "sparkly", "--retention", "0.8"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_USAGE
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "'sparkly' is not a theme" in err
    named = [name for name in theme_names() if name in err]
    assert len(named) >= 3 and "textual-dark" in named
    assert not store_dir("lin").exists()


def test_the_themes_drill_settings_takes_are_the_apps():
    assert set(theme_names()) == set(make_app(user="lin").available_themes)
    assert scheduler.DEFAULT_THEME in theme_names()


def test_an_older_store_without_a_theme_reads_as_the_default(drill_home):
    store = Store.open("lin")  # a store as an older drill wrote it: settings without a theme
    with store.engine.transaction():
        store.engine.update_profile({"settings": {"desired_retention": 0.8, "new_per_day": 7}})
    store.close()
    assert stored_settings() == scheduler.Settings(desired_retention=0.8, new_per_day=7)
    assert stored_settings().theme == scheduler.DEFAULT_THEME


def test_snapshot_settings(snap_compare):
    async def run_before(pilot):
        await ready(pilot)
        await open_settings(pilot)
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False  # the cursor drawn in every picture, not half of them
        await pilot.pause()

    assert snap_compare(make_app(user="lin"), terminal_size=SIZE, run_before=run_before)


def test_the_apps_look_at_the_store_never_waits_for_another_writer(capsys):
    import time

    from test_tui_store_faults import hold_lock

    from drill.core import tinydb_engine

    mine = Store.open("lin")
    holder = hold_lock(store_dir("lin") / ".lock")
    try:
        started = time.monotonic()
        mine.reread()  # another drill holds the store: the look is skipped, not waited out
        assert time.monotonic() - started < tinydb_engine.BUSY_WAIT_S / 2
    finally:
        holder.stdin.close()
        holder.wait()
    assert cli.main(["settings", "--user", "lin", "--theme", "nord"]) == 0
    assert mine.settings.theme == scheduler.DEFAULT_THEME  # not looked yet
    mine.reread()
    assert mine.settings.theme == "nord"


async def test_switching_trainee_shows_the_new_trainees_theme():
    Store.open("lin").update_settings(theme="nord")
    Store.open("kim").update_settings(theme="no-such-theme")  # one this app lacks
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.theme == "nord"
        await pilot.press("p")
        await until(pilot, lambda: type(app.screen).__name__ == "ProfileScreen", what="the trainees")
        await pilot.press(*"kim", "enter")
        await until(pilot, lambda: app.user == "kim" and isinstance(app.screen, DecksScreen), what="kim's decks")
        assert app.theme == scheduler.DEFAULT_THEME
    assert Store.open_readonly(store_dir("kim")).settings.theme == "no-such-theme"  # not overwritten
    assert stored_settings().theme == "nord"


async def test_a_store_another_drill_holds_is_said_in_the_dialog_and_it_stays_open(monkeypatch):
    from test_tui_store_faults import hold_lock

    from drill.core import tinydb_engine

    monkeypatch.setattr(tinydb_engine, "BUSY_WAIT_S", 0.3)
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_settings(pilot)
        await retype(pilot, "#new-per-day", "4")
        holder = hold_lock(store_dir("lin") / ".lock")
        try:
            await pilot.press("enter")
            screen = app.screen
            await until(pilot, lambda: dialog_message(screen), what="the dialog's message")
            assert isinstance(app.screen, SettingsScreen)
            message = dialog_message(screen)
            assert message.startswith("Not saved: ") and "busy" in message, message
        finally:
            holder.stdin.close()
            holder.wait()
        await pilot.press("enter")  # the trouble gone, the same Enter saves
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the dialog closed")
    assert stored_settings().new_per_day == 4
