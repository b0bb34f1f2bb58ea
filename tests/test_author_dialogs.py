"""The workbench's dialogs and keys: Enter in the last field saves, ctrl+a
saves from any field, escape leaves everything as it was."""

from __future__ import annotations

from test_tui_author import SIZE, author_app, current, extracted, speech, type_text  # noqa: F401

from drill.tui.screens.author import AuthorScreen, EditScreen, TagsScreen, TitleScreen


async def test_enter_in_the_title_dialog_saves_it_and_escape_does_not(speech, tmp_path):
    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        before = screen.review.deck_title()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("end", "ctrl+u")  # the first key lands in the title
        await type_text(pilot, "试讲")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen) and screen.review.deck_title() == before
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "试讲")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen) and screen.review.deck_title() == "试讲"


async def test_the_tags_dialog_goes_to_the_note_on_enter_and_saves_on_ctrl_a(speech, tmp_path):
    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        cand = current(screen)
        tags = list(cand.fw.tags)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        await type_text(pilot, "试")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen) and cand.fw.tags == tags
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "甲 乙\n")  # Enter in the tags goes to the note
        assert isinstance(app.screen, TagsScreen) and app.screen.focused.id == "note-input"
        await type_text(pilot, "注")
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen)
        assert cand.fw.tags == ["甲", "乙"] and cand.fw.note == "注"


async def test_the_edit_dialog_opens_on_the_name_and_saves_on_ctrl_a_from_either_field(speech, tmp_path):
    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        cand = current(screen)
        name, items = cand.fw.name, list(cand.fw.items)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen) and app.screen.focused.id == "edit-name"
        await pilot.press("end")
        await type_text(pilot, "甲")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen) and cand.fw.name == name
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("end")
        await type_text(pilot, "甲")
        await pilot.press("ctrl+a")  # from the name
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen) and cand.fw.name == name + "甲" and cand.fw.items == items
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # Enter in the name goes to the items
        assert app.screen.focused.id == "edit-items"
        await pilot.press("ctrl+a")  # and saves from there
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen) and cand.fw.name == name + "甲"


async def test_enter_in_the_search_goes_to_the_first_undecided_match_and_escape_clears_it(speech, tmp_path):
    from drill.core import authoring as au
    from test_tui_author import GAPS, THREE
    from textual.widgets import Input, OptionList

    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        screen.rebuild(keep=screen.review.find(GAPS))
        await pilot.press("a")  # the first enumeration is decided
        assert screen.review.find(GAPS).status == au.ACCEPTED
        await pilot.press("home", "slash")
        await type_text(pilot, "enumeration")
        assert [c.id for c in screen.shown] == [GAPS, THREE]
        await pilot.press("enter")
        cands = screen.query_one("#candidates", OptionList)
        assert cands.has_focus and current(screen).id == THREE
        await pilot.press("escape")  # in the list: clears the search, stays on the candidate
        assert screen.query_text == "" and not screen.query_one("#author-search", Input).display
        assert len(screen.shown) == 6 and current(screen).id == THREE and cands.has_focus
        await pilot.press("slash")
        await type_text(pilot, "enumeration\n")
        await pilot.press("m")  # merging: escape cancels the merge first, the search stays
        assert screen.merging is not None
        await pilot.press("escape")
        assert screen.merging is None and screen.query_text == "enumeration"
        await pilot.press("escape")
        assert screen.query_text == ""


async def test_undo_and_redo_of_a_split_stay_on_the_framework(speech, tmp_path):
    from drill.core import authoring as au
    from test_tui_author import THREE

    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        await pilot.press("end", "s")  # the last candidate, split before its third item
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert current(screen).id == f"{THREE}.2"
        await pilot.press("ctrl+z")  # the piece is gone: back on what it was split off
        assert screen.review.find(f"{THREE}.2") is None and current(screen).id == THREE
        await pilot.press("home", "ctrl+y")
        assert screen.review.find(f"{THREE}.2") is not None and current(screen).id == THREE
        await pilot.press("down", "x")  # any decision: undo goes back to its framework
        assert screen.review.find(f"{THREE}.2").status == au.REJECTED
        await pilot.press("home", "ctrl+z")
        assert current(screen).id == f"{THREE}.2" and screen.review.find(f"{THREE}.2").status == au.ACCEPTED


import pytest  # noqa: E402


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_every_key_in_the_footer_is_fully_visible(speech, tmp_path, size):
    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=size) as pilot:
        screen = await extracted(app, pilot)
        for merging in (False, True):
            if merging:
                await pilot.press("m")  # a merge being chosen shows no more keys than fit
                assert screen.merging is not None
            await pilot.pause()
            keys = list(screen.query("Footer FooterKey"))
            assert {k.key_display for k in keys} >= ({"m", "?"} if merging else {"a", "x", "e", "?"})
            for key in keys:
                region = key.region
                assert region.width > 0 and region.right <= size[0], (key.key_display, region)
                assert region.width >= key.render().cell_len, (key.key_display, region)


async def test_question_mark_lists_every_key_of_the_screen(speech, tmp_path):
    from test_tui_author import shown_text

    from drill.tui.screens.author import HelpScreen

    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        await extracted(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = shown_text(app.screen.query_one("#help-keys").content)
        for binding in [*AuthorScreen.BINDINGS, *type(app).BINDINGS]:
            assert app.get_key_display(binding) in listed and binding.description in listed, binding
            assert binding.tooltip and binding.tooltip[:20] in listed.replace("\n", " "), binding
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen)
