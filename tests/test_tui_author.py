"""`drill author`, driven by keys the way an instructor drives it (Pilot), on a
real speech, writing a real deck in a temporary folder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import ROOT, until

from drill import cli
from drill.core import authoring as au
from drill.core import deck as decks
from drill.tui.app import make_author_app
from drill.tui.screens.author import AuthorScreen, ConfirmQuit, EditScreen, SplitScreen
from drill.tui.widgets.source_view import SourceView

SIZE = (80, 24)
SPEECH = ROOT / "tests" / "author_speech.txt"
OUTLINE, ABBREV, FOUR, GAPS, WINDOWS, THREE = (
    "out-55e802ce6c", "abb-be1d1f01d0", "par-ab76fcd6f1", "enu-9e8f1ac345", "par-cfec5ccbc5", "enu-d55a7952fe")


@pytest.fixture
def speech(tmp_path) -> Path:
    path = tmp_path / "speech.txt"
    path.write_bytes(SPEECH.read_bytes())
    return path


def author_app(speech: Path, deck_path: Path):
    text, encoding, earlier = au.read_inputs(speech, deck_path)
    return make_author_app(speech, deck_path, text, encoding, earlier)


async def extracted(app, pilot) -> AuthorScreen:
    """Wait for the extraction worker to hand the review to the screen."""
    await until(pilot, lambda: isinstance(app.screen, AuthorScreen) and app.screen.review is not None,
                what="the extraction to finish")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


def current(screen: AuthorScreen) -> au.Candidate:
    cand = screen.current
    assert cand is not None
    return cand


def shown_text(renderable) -> str:
    """What a rich renderable shows, as plain text."""
    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def type_text(pilot, text: str):
    await pilot.press(*[("enter" if ch == "\n" else ch) for ch in text])


async def first_session(app, pilot) -> AuthorScreen:
    """Accept, merge, reject, edit (name and items, own wording), order, split, save."""
    screen = await extracted(app, pilot)
    review = screen.review
    assert [c.id for c in screen.shown] == [OUTLINE, ABBREV, FOUR, GAPS, WINDOWS, THREE]
    assert current(screen).id == OUTLINE

    await pilot.press("a")  # accept the outline; the cursor moves on
    assert review.find(OUTLINE).status == au.ACCEPTED
    assert current(screen).id == ABBREV and review.find(ABBREV).fw.items == []

    await pilot.press("m", "down", "m")  # merge the expansion into 四个一流
    assert review.find(ABBREV).fw.items == ["一流的政务服务", "一流的市场环境", "一流的法治保障", "一流的人文氛围"]
    assert review.find(FOUR).status == au.MERGED and current(screen).id == ABBREV

    await pilot.press("down", "down", "x")  # reject 一是…二是…三是…
    assert review.find(GAPS).status == au.REJECTED
    assert current(screen).id == WINDOWS

    await pilot.press("e")  # edit name and items
    await pilot.pause()
    assert isinstance(app.screen, EditScreen)
    await pilot.press("end", "ctrl+u")  # the dialog opens on the name
    await type_text(pilot, "三个一")
    await pilot.press("tab", "down", "down", "ctrl+shift+k")  # drop 一次办好
    await pilot.press("end")
    await type_text(pilot, "\n一次办成")  # not words of the speech
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, EditScreen)  # refused: not in the speech, not marked
    message = str(app.screen.query_one("#edit-message").render())
    assert "not in the speech" in message and "一次办成" in message and "ctrl+o" in message
    await pilot.press("ctrl+o")  # keep it as own wording
    await pilot.pause()
    assert isinstance(app.screen, AuthorScreen)
    windows = review.find(WINDOWS)
    assert windows.fw.name == "三个一" and windows.fw.items == ["一窗受理", "一网通办", "一次办成"]
    assert windows.fw.own == ["一次办成"] and windows.status == au.ACCEPTED

    await pilot.press("down", "o")  # order does not matter for 三件事
    three = review.find(THREE)
    assert three.fw.ordered is False and three.status == au.ACCEPTED

    await pilot.press("s")  # split: the second part begins at the third item
    await pilot.pause()
    assert isinstance(app.screen, SplitScreen)
    await pilot.press("down", "enter")
    await pilot.pause()
    piece = review.find(f"{THREE}.2")
    assert three.fw.items == ["全面推行“证照分离”改革", "深化工程建设项目审批制度改革"]
    assert piece is not None and piece.fw.items == ["健全常态化政企沟通机制", "完善企业诉求快速响应机制"]
    assert current(screen) is piece

    assert review.dirty
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert not review.dirty
    assert "saved" in str(screen.query_one("#author-status").render())
    return screen


async def test_an_instructor_reviews_a_speech_and_saves_the_deck(speech, tmp_path):
    path = tmp_path / "decks" / "speech.toml"
    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        await first_session(app, pilot)
        await pilot.press("ctrl+q")  # nothing unsaved: quits at once
        await pilot.pause()
    assert app.return_code == 0 and app.saved is not None
    deck, problems = decks.check(path)
    assert [p for p in problems if not p.warning] == []
    assert [fw.id for fw in deck.frameworks] == [OUTLINE, ABBREV, WINDOWS, THREE, f"{THREE}.2"]
    assert deck.rejected == [GAPS]
    fws = {fw.id: fw for fw in deck.frameworks}
    assert fws[ABBREV].merged == [FOUR]
    assert fws[WINDOWS].own == ["一次办成"] and fws[WINDOWS].name == "三个一"
    assert fws[THREE].ordered is False


async def test_a_second_run_keeps_the_decisions_and_shows_only_what_is_new(speech, tmp_path):
    path = tmp_path / "speech.toml"
    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        await first_session(app, pilot)

    # the same speech again: everything was judged, nothing is offered
    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        assert screen.shown == []
        assert "Nothing new or changed" in screen.query_one("#candidates").get_option_at_index(0).prompt.plain
        await pilot.press("v")  # all of them, with the decisions kept
        status = {c.id: c.status for c in screen.shown}
        assert status == {OUTLINE: au.ACCEPTED, ABBREV: au.ACCEPTED, FOUR: au.MERGED, GAPS: au.REJECTED,
                          WINDOWS: au.ACCEPTED, THREE: au.ACCEPTED, f"{THREE}.2": au.ACCEPTED}
        assert screen.review.find(WINDOWS).fw.own == ["一次办成"]

    # a corrected speech: one new list; the rest keeps its decisions
    speech.write_text(speech.read_text("utf-8").replace(
        "把企业满意度作为检验工作的根本标准。",
        "把企业满意度作为检验工作的根本标准。我们要做到三个坚持：一是坚持企业需求导向，二是坚持改革创新，"
        "三是坚持依法行政。"), "utf-8")
    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        assert [c.fw.items for c in screen.shown] == [["坚持企业需求导向", "坚持改革创新", "坚持依法行政"]]
        assert current(screen).status == au.NEW
        # the source shows where it is: its items are marked
        view = screen.query_one(SourceView)
        assert [speech.read_text("utf-8")[a:b] for a, b in view.spans] == current(screen).fw.items
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
    deck = decks.load(path)
    assert len(deck.frameworks) == 6 and deck.rejected == [GAPS]


async def test_saving_a_deck_from_extract_undecided_leaves_it_to_review(speech, tmp_path):
    path = tmp_path / "speech.toml"
    assert cli.main(["extract", str(speech), "-o", str(path)]) == 0
    status = lambda screen: str(screen.query_one("#author-status").render())  # noqa: E731
    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        offered = [c.id for c in screen.shown]
        assert len(offered) == 6 and status(screen).startswith("6 candidates ·")
        assert screen.query_one("#candidates").border_subtitle.startswith("6 undecided")
        await pilot.press("ctrl+s")  # nothing decided
        await until(pilot, lambda: app.saved is not None, what="the save")
        await pilot.press("ctrl+q")
    assert all(not fw.extracted for fw in decks.load(path).frameworks)

    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        assert [c.id for c in screen.shown] == offered and status(screen).startswith("6 candidates ·")
        assert current(screen).id == OUTLINE
        await pilot.press("a", "ctrl+s")  # accept the outline only
        await until(pilot, lambda: app.saved is not None, what="the save")
        await pilot.press("ctrl+q")
    assert {fw.id for fw in decks.load(path).frameworks if fw.extracted} == {OUTLINE}

    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        assert [c.id for c in screen.shown] == [i for i in offered if i != OUTLINE]
        assert status(screen).startswith("5 to review, 1 judged before")


async def test_quitting_with_unsaved_decisions_asks_first(speech, tmp_path):
    path = tmp_path / "speech.toml"
    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        await pilot.press("x")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.screen is screen and app.is_running
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("y")  # quit and lose it
        await pilot.pause()
    assert not path.exists() and app.saved is None

    app = author_app(speech, path)
    async with app.run_test(size=SIZE) as pilot:
        await extracted(app, pilot)
        await pilot.press("x", "ctrl+q")
        await pilot.pause()
        await pilot.press("s")  # save and quit
        await pilot.pause()
    assert decks.load(path).rejected == [OUTLINE]


async def test_a_refused_decision_says_why_and_changes_nothing(speech, tmp_path):
    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        await pilot.press("down", "m", "down", "down", "down", "m")  # 四个一流 ← 一窗受理…: 3 items, not 4
        status = str(screen.query_one("#author-status").render())
        assert "says 4 but has 3 items" in status
        assert screen.review.find(ABBREV).fw.items == [] and screen.review.find(WINDOWS).status == au.NEW
        assert not screen.review.dirty


async def test_speech_text_that_looks_like_markup_is_shown_literally(tmp_path):
    speech = tmp_path / "markup.txt"
    speech.write_text("关于[bold]作风[/bold]建设的讲话\n\n我们要做到三点：一是[red]加强学习[/red]；二是[/]改进作风；"
                      "三是狠抓落实。\n", "utf-8")
    app = author_app(speech, tmp_path / "markup.toml")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await extracted(app, pilot)
        cand = current(screen)
        assert cand.fw.items[0] == "[red]加强学习[/red]"
        assert "[bold]作风[/bold]" in str(screen.query_one(SourceView).render())
        assert "[red]加强学习[/red]" in shown_text(screen.query_one("#candidate").content)
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
    assert decks.load(tmp_path / "markup.toml").frameworks[0].items[0] == "[red]加强学习[/red]"


async def test_a_gbk_speech_is_read_and_reviewed(tmp_path):
    speech = tmp_path / "gbk.txt"
    speech.write_bytes(SPEECH.read_text("utf-8").encode("gbk"))
    app = author_app(speech, tmp_path / "gbk.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        assert len(screen.shown) == 6 and screen.review.encoding == "gb18030"
        assert "四个一流" in str(screen.query_one(SourceView).render())


@pytest.mark.parametrize("name, data, message", [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b"  \n\n", "the file is empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "this is a binary file"),
])
def test_bad_input_gets_the_same_one_line_error_as_extract(tmp_path, capsys, monkeypatch, name, data, message):
    monkeypatch.chdir(tmp_path)
    if data is not None:
        (tmp_path / name).write_bytes(data)
    assert cli.main(["author", name]) == 1
    author_err = capsys.readouterr().err
    assert cli.main(["extract", name]) == 1
    extract_err = capsys.readouterr().err
    assert author_err == extract_err == f"drill: {name}: {message}" + author_err.split(message, 1)[1]
    assert author_err.count("\n") == 1 and message in author_err


def test_a_broken_deck_at_the_output_is_named_before_the_app_opens(speech, tmp_path, capsys):
    (tmp_path / "old.toml").write_text('title = "x"\n[[frameworks]]\nid = \n', "utf-8")
    assert cli.main(["author", str(speech), "-o", str(tmp_path / "old.toml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"drill: {tmp_path / 'old.toml'}:3: not valid TOML") and err.count("\n") == 1


# --- the look at 80×24 -------------------------------------------------------


@pytest.fixture
def snap_author(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # paths shown relative, the same on every machine
    Path("speech.txt").write_bytes(SPEECH.read_bytes())
    return author_app(Path("speech.txt"), Path("speech.toml"))


def test_snapshot_author(snap_compare, snap_author):
    async def run_before(pilot):
        await extracted(pilot.app, pilot)
        await pilot.press("down", "down", "down")  # 一是…二是…三是…, in the middle of the speech
        screen = pilot.app.screen
        await until(pilot, lambda: screen.query_one("#candidates").highlighted == 3 and screen.focused is not None,
                    what="the fourth candidate shown")
        await pilot.pause()

    assert snap_compare(snap_author, terminal_size=SIZE, run_before=run_before)


async def test_reset_on_a_piece_joins_it_back_and_stays_there(speech, tmp_path):
    app = author_app(speech, tmp_path / "speech.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        await pilot.press("end", "s")  # 今年重点抓好四件事, split before its third item
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert current(screen).id == f"{THREE}.2" and len(screen.shown) == 7
        await pilot.press("u")
        assert current(screen).id == THREE and len(current(screen).fw.items) == 4
        assert [c.id for c in screen.shown][-1] == THREE


async def test_items_with_a_masked_name_are_flagged_until_the_name_is_filled_in(tmp_path):
    speech = tmp_path / "masked.txt"
    speech.write_text("关于生态建设的讲话\n\n会议要求，一是建设美丽**，二是打造xx新城区，三是守住生态底线。\n", "utf-8")
    app = author_app(speech, tmp_path / "masked.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await extracted(app, pilot)
        cand = next(c for c in screen.review.offered() if "守住生态底线" in c.fw.items)
        screen.rebuild(keep=cand)
        await pilot.pause()
        assert screen.current is cand
        shown = shown_text(screen.query_one("#candidate").content)
        assert "a masked name" in shown and shown.count("◌") == 3  # two items and the line saying why
        await pilot.press("a")  # judged, the extraction warning goes; the flag stays
        assert cand.status == au.ACCEPTED and cand.fw.warnings == []
        screen.rebuild(keep=cand)
        await pilot.pause()
        assert "a masked name" in shown_text(screen.query_one("#candidate").content)
        screen.review.edit(cand, cand.fw.name, ["建设美丽甘肃", "打造兰州新城区", "守住生态底线"], own_wording=True)
        screen.rebuild(keep=cand)
        await pilot.pause()
        assert "a masked name" not in shown_text(screen.query_one("#candidate").content)
