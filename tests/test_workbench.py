"""`drill author` as a workbench: adding a framework extraction missed (from
the keyboard, the mouse or typed items), editing the deck (kind, title, tags,
note), undo and redo, accept all, search, the card preview; and
`drill deck show` printing the cards."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

import pytest
from conftest import until

from drill import cli
from drill.core import authoring as au
from drill.core import deck as decks
from drill.core.frameworks import framework_id
from drill.tui.app import make_author_app
from drill.tui.screens.author import AddScreen, AuthorScreen, KindScreen, PreviewScreen, TagsScreen, TitleScreen
from drill.tui.widgets.source_view import SourceView

SIZE = (120, 40)
PASSAGE = ("关于作风建设的讲话\n\n同志们：\n\n今年要打好三大攻坚战，即防范化解重大风险、精准脱贫、污染防治。"
           "我们要做到三点：一是加强学习；二是改进作风；三是狠抓落实。\n\n"
           "各级干部要做到心中有党、心中有民、心中有责、心中有戒。\n")


@pytest.fixture
def speech(tmp_path) -> Path:
    path = tmp_path / "speech.txt"
    path.write_text(PASSAGE, "utf-8")
    return path


async def opened(app, pilot) -> AuthorScreen:
    await until(pilot, lambda: isinstance(app.screen, AuthorScreen) and app.screen.review is not None,
                what="the extraction to finish")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


def app_for(speech: Path, deck: Path):
    text, encoding, earlier = au.read_inputs(speech, deck)
    return make_author_app(speech, deck, text, encoding, earlier)


async def type_text(pilot, text: str):
    await pilot.press(*[("enter" if ch == "\n" else ch) for ch in text])


async def add_dialog_save(app, pilot, name: str, kind: str = ""):
    await until(pilot, lambda: isinstance(app.screen, AddScreen), what="the add dialog")
    dialog = app.screen
    assert dialog.focused.id == "edit-name"
    await type_text(pilot, name)
    if kind:
        dialog.query_one("#add-kind").value = kind
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, AuthorScreen), what="the dialog to close")


async def test_add_from_a_keyboard_selection(speech, tmp_path):
    path = tmp_path / "speech.toml"
    app = app_for(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        view = screen.query_one(SourceView)
        await pilot.press("tab")
        assert view.has_focus
        for item in ("心中有党", "心中有民"):
            view.move_to(PASSAGE.index(item))
            await pilot.press("space", *["right"] * (len(item) - 1), "space")
        assert view.marked_items() == ["心中有党", "心中有民"]
        await pilot.press("n")
        await add_dialog_save(app, pilot, "四个心中有")
        added = screen.current
        assert added.fw.items == ["心中有党", "心中有民"] and added.fw.kind == "enumeration"
        assert added.id == framework_id("enumeration", "四个心中有")
        assert "心中有党" in added.fw.quote and added.status == au.ACCEPTED
        assert view.marks == []
        await pilot.press("ctrl+s")
        await pilot.pause()
    deck, problems = decks.check(path)
    assert [p for p in problems if not p.warning] == []
    assert framework_id("enumeration", "四个心中有") in [fw.id for fw in deck.frameworks]


async def test_add_from_a_mouse_selection(speech, tmp_path):
    app = app_for(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        view = screen.query_one(SourceView)
        for n, item in enumerate(("改进作风", "狠抓落实"), 1):
            # find where the item is drawn, then drag over it
            start = PASSAGE.index(item)
            cells = [(x, y) for y in range(view.size.height) for x in range(view.size.width)
                     if view.offset_at(view.content_region.x + x, view.content_region.y + y) in (start, start + 3)]
            assert cells
            (x1, y1), (x2, y2) = cells[0], cells[-1]
            await pilot.mouse_down(view, offset=(x1, y1))
            await pilot.hover(view, offset=(x2, y2))
            await pilot.mouse_up(view, offset=(x2, y2))
            await until(pilot, lambda: len(view.marks) == n, what="the drag to mark an item")
        assert view.marked_items() == ["改进作风", "狠抓落实"]
        await pilot.press("n")
        await add_dialog_save(app, pilot, "作风")
        assert screen.current.fw.items == ["改进作风", "狠抓落实"]


async def test_add_typed_items_checked_against_the_speech(speech, tmp_path):
    app = app_for(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, AddScreen), what="the add dialog")
        await type_text(pilot, "两个作风")
        await pilot.press("tab")
        await type_text(pilot, "加强学习\n改进文风")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AddScreen)  # 改进文风 is not words of the speech
        assert "改进文风" in str(app.screen.query_one("#edit-message").render())
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, AuthorScreen), what="the dialog to close")
        fw = screen.current.fw
        assert fw.items == ["加强学习", "改进文风"] and fw.own == ["改进文风"]


async def test_kind_change_title_tags_note_undo_redo(speech, tmp_path):
    path = tmp_path / "speech.toml"
    app = app_for(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        review = screen.review
        view = screen.query_one(SourceView)
        view.marks = [(PASSAGE.index(i), PASSAGE.index(i) + len(i)) for i in ("防范化解重大风险", "精准脱贫", "污染防治")]
        await pilot.press("n")
        await add_dialog_save(app, pilot, "三大攻坚战", kind="parallel")
        cand = screen.current
        assert cand.fw.kind == "parallel" and not [c for c in review.preview(cand) if c.kind == "name"]
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, KindScreen), what="the kind dialog")
        await pilot.press("up", "up", "up", "enter")
        await pilot.pause()
        cand = screen.current
        assert cand.fw.kind == "abbreviation" and cand.fw.ordered is False
        assert [c for c in review.preview(cand) if c.kind == "name"]  # name the abbreviation

        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, TagsScreen), what="the tags dialog")
        await pilot.press("ctrl+u")
        await type_text(pilot, "攻坚")
        await pilot.press("space")
        await type_text(pilot, "十九大")
        await pilot.press("tab")
        await type_text(pilot, "2017年提出")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.current.fw.tags == ["攻坚", "十九大"] and screen.current.fw.note == "2017年提出"

        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TitleScreen), what="the title dialog")
        await pilot.press("ctrl+u")
        await type_text(pilot, "作风建设讲话")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert review.deck_title() == "作风建设讲话"

        await pilot.press("ctrl+z")  # the title
        assert review.deck_title() != "作风建设讲话"
        await pilot.press("ctrl+z")  # tags and note
        assert screen.current.fw.tags == ["abbreviation"] and screen.current.fw.note == ""
        await pilot.press("ctrl+z")  # the kind
        assert screen.current.fw.kind == "parallel"
        await pilot.press("ctrl+y", "ctrl+y", "ctrl+y")
        assert screen.current.fw.kind == "abbreviation" and review.deck_title() == "作风建设讲话"
        await pilot.press("ctrl+s")
        await pilot.pause()
    deck = decks.load(path)
    assert deck.title == "作风建设讲话"
    fw = next(fw for fw in deck.frameworks if fw.name == "三大攻坚战")
    assert fw.kind == "abbreviation" and fw.tags == ["攻坚", "十九大"] and fw.note == "2017年提出"


async def test_accept_all_search_and_preview(speech, tmp_path):
    app = app_for(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        review = screen.review
        assert len(screen.shown) >= 2
        await pilot.press("slash")
        await type_text(pilot, "心中有")
        await pilot.pause()
        assert screen.shown and all("心中有" in "".join(c.fw.items) + c.fw.name for c in screen.shown)
        assert len(screen.shown) < len(review.offered())
        await pilot.press("enter", "c")
        await until(pilot, lambda: isinstance(app.screen, PreviewScreen), what="the preview")
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#preview-cards").content)
        shown = console.export_text()
        cards = review.preview(screen.current)
        assert cards and all(card.prompt in shown for card in cards) and "answer:" in shown
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert len(screen.shown) == len(review.offered())
        await pilot.press("A")
        assert all(c.status != au.NEW for c in screen.shown)
        await pilot.press("ctrl+z")
        assert all(c.status == au.NEW for c in screen.review.offered())


def test_deck_show_prints_the_cards(speech, tmp_path, capsys):
    path = tmp_path / "speech.toml"
    text, encoding, earlier = au.read_inputs(speech, path)
    review = au.start_review(speech, path, text, encoding, earlier)
    review.add("abbreviation", "三大攻坚战", ["防范化解重大风险", "精准脱贫", "污染防治"])
    review.save()
    assert cli.main(["deck", "show", str(path)]) == 0
    out = capsys.readouterr().out
    for card in decks.load(path).cards():
        assert card.prompt in out
    assert "这几项合称什么？防范化解重大风险、精准脱贫、污染防治" in out and "→ 三大攻坚战" in out
