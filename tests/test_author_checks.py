"""`drill author` on a deck, and the checks that keep a deck from making bad
cards: a framework that makes no card, a prompt that gives its answer away,
two cards with one prompt, a parallel of one item, a count its items do not
match; and the workbench at 80 columns."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import until

from drill import cli
from drill.core import authoring as au
from drill.core import deck as decks
from drill.tui.app import make_author_app
from drill.tui.screens.author import AuthorScreen
from drill.tui.widgets.source_view import SourceView

PASSAGE = ("关于作风建设的讲话\n\n同志们：\n\n"
           "今年要打好三大攻坚战，即防范化解重大风险、精准脱贫、污染防治。"
           "我们要做到三点：一是加强学习；二是改进作风；三是狠抓落实。\n\n"
           "要落实“三公”经费管理规定，推进“一区三地”建设。\n\n"
           "要着力解决痛点、堵点、难点问题。\n\n"
           "各级干部要做到心中有党、心中有民、心中有责、心中有戒。\n")


@pytest.fixture
def extracted_deck(tmp_path, monkeypatch) -> Path:
    """A speech and the deck `drill extract` makes of it, in one folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "speech.txt").write_text(PASSAGE, "utf-8")
    assert cli.main(["extract", "speech.txt", "-o", "local.toml"]) == 0
    return tmp_path / "local.toml"


async def opened(app, pilot) -> AuthorScreen:
    await until(pilot, lambda: isinstance(app.screen, AuthorScreen) and app.screen.review is not None,
                what="the extraction to finish")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


# --- 1. drill author DECK.toml ---------------------------------------------------


class _FakeApp:
    """Stands in for the workbench: records what `drill author` opens it on."""

    opened: dict = {}

    def __init__(self, speech, target, text, encoding, earlier):
        _FakeApp.opened = {"speech": speech, "target": target, "text": text, "earlier": earlier}
        self.error, self.saved, self.return_code = "", None, 0

    def run(self):
        pass


def test_author_on_a_deck_opens_the_deck_with_its_source_speech(extracted_deck, monkeypatch, capsys):
    import drill.tui.app

    monkeypatch.setattr(drill.tui.app, "make_author_app", _FakeApp)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert cli.main(["author", "local.toml"]) == 0
    opened = _FakeApp.opened
    assert opened["text"] == PASSAGE  # the speech, not the deck's TOML
    assert Path(opened["speech"]).resolve() == (extracted_deck.parent / "speech.txt").resolve()
    assert Path(opened["target"]) == Path("local.toml")  # saved back to the deck given
    assert opened["earlier"] is not None and opened["earlier"].title == "关于作风建设的讲话"
    assert "keeping the decisions in this deck" in capsys.readouterr().err


async def test_the_workbench_on_a_deck_shows_the_speech_and_the_decks_frameworks(extracted_deck):
    speech, target, text, encoding, earlier = au.author_inputs(Path("local.toml"))
    app = make_author_app(speech, target, text, encoding, earlier)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(app, pilot)
        assert screen.query_one(SourceView).source == PASSAGE
        assert {c.id for c in screen.review.candidates} == {fw.id for fw in decks.load("local.toml").frameworks}


def test_author_on_a_deck_whose_source_is_missing_says_so_in_one_line(extracted_deck, capsys):
    (extracted_deck.parent / "speech.txt").rename(extracted_deck.parent / "moved.txt")
    assert cli.main(["author", "local.toml"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("drill: local.toml: ") and "speech.txt" in err and "not found" in err
    assert err.count("\n") == 1


# --- 2. a framework that makes no card ------------------------------------------


def test_deck_check_reports_each_framework_that_makes_no_card(extracted_deck, capsys):
    lines = extracted_deck.read_text("utf-8").splitlines()
    empty = [n for n, line in enumerate(lines, 1) if line == "items = []"]
    assert len(empty) == 2  # 三公 and 一区三地: the speech never says what they stand for
    assert cli.main(["deck", "check", "local.toml"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [f"local.toml:{empty[0]}: abbreviation '三公' makes no card: fill in its items",
                                    f"local.toml:{empty[1]}: abbreviation '一区三地' makes no card: fill in its items"]
    assert "ok," not in out.err


def review_of(tmp_path) -> au.Review:
    speech = tmp_path / "speech.txt"
    speech.write_text(PASSAGE, "utf-8")
    text, encoding, earlier = au.read_inputs(speech, tmp_path / "speech.toml")
    return au.start_review(speech, tmp_path / "speech.toml", text, encoding, earlier)


def by_name(review: au.Review, name: str) -> au.Candidate:
    return next(c for c in review.candidates if c.fw.name == name)


async def test_accept_all_skips_what_makes_no_card_and_says_how_many(tmp_path):
    from test_tui_author import shown_text

    speech = tmp_path / "speech.txt"
    speech.write_text(PASSAGE, "utf-8")
    text, encoding, earlier = au.read_inputs(speech, tmp_path / "speech.toml")
    app = make_author_app(speech, tmp_path / "speech.toml", text, encoding, earlier)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(app, pilot)
        review = screen.review
        empty = [by_name(review, "三公"), by_name(review, "一区三地")]
        screen.query_one("#candidates").highlighted = screen.shown.index(empty[0])
        await pilot.pause()
        assert "makes no card: fill in its items" in shown_text(screen.query_one("#candidate").content)
        await pilot.press("a")  # refused: a deck with it would not pass deck check
        assert empty[0].status == au.NEW
        assert "makes no card" in str(screen.query_one("#author-status").render())
        await pilot.press("A")
        assert [c.status for c in empty] == [au.NEW, au.NEW]
        assert all(c.status == au.ACCEPTED for c in review.candidates if c not in empty)
        assert "skipped 2 that make no card" in str(screen.query_one("#author-status").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not review.dirty
    assert cli.main(["deck", "check", str(tmp_path / "speech.toml")]) == 0


# --- 3. a prompt that holds its answer --------------------------------------------


def test_making_a_phrase_named_by_its_items_an_abbreviation_is_refused(tmp_path):
    review = review_of(tmp_path)
    cand = by_name(review, "痛点、堵点、难点")
    with pytest.raises(au.ReviewError, match="its items run together"):
        review.change_kind(cand, "abbreviation")
    assert cand.fw.kind == "parallel" and cand.status == au.NEW


def test_deck_check_reports_a_prompt_that_holds_an_item_it_asks_for(extracted_deck, capsys):
    text = extracted_deck.read_text("utf-8")
    bad = text.replace('kind = "parallel"\nname = "痛点、堵点、难点"', 'kind = "abbreviation"\nname = "痛点、堵点、难点"')
    assert bad != text
    extracted_deck.write_text(bad, "utf-8")
    name_line = bad.splitlines().index('name = "痛点、堵点、难点"') + 1
    assert cli.main(["deck", "check", "local.toml"]) == 1
    out = capsys.readouterr().out
    assert f"local.toml:{name_line}: card par-42a679ea07/name: the prompt gives away an item it asks for" in out


# --- 4. order cards that say which framework they are about ----------------------


def test_every_order_card_says_which_framework_it_is_about(extracted_deck):
    deck = decks.load(extracted_deck)
    orders = [c for c in deck.cards() if c.kind == "order"]
    assert len(orders) == 4
    prompts = [c.prompt for c in orders]
    assert len(set(prompts)) == len(prompts) and "按原文顺序排列" not in prompts
    assert f"要着力解决{decks.BLANK}问题：按原文顺序排列" in prompts  # the sentence, the items blanked


def test_deck_check_reports_two_cards_with_one_prompt(tmp_path, capsys):
    deck = tmp_path / "two.toml"
    deck.write_text('format = 1\ntitle = "两组"\nsource = ""\n'
                    '\n[[frameworks]]\nid = "par-a"\nkind = "parallel"\nname = "找得到、谈得拢、落得下"\n'
                    'items = ["找得到", "谈得拢", "落得下"]\n'
                    '\n[[frameworks]]\nid = "par-b"\nkind = "parallel"\nname = "找思路、谈合作、落项目"\n'
                    'items = ["找思路", "谈合作", "落项目"]\n', "utf-8")
    assert cli.main(["deck", "check", str(deck)]) == 1
    out = capsys.readouterr().out
    assert f"{deck}:14: card par-b/order: the prompt is another card's prompt too" in out
    assert f"{deck}:14: card par-b/recall: the prompt shares its prompt with another card" in out


# --- 5. the footer at 80 columns, whatever has the focus -------------------------


def footer_fits(screen, width: int) -> set[str]:
    """The keys the footer shows, each asserted to be shown whole within ``width``."""
    keys = list(screen.query("Footer FooterKey"))
    for key in keys:
        region = key.region
        assert region.width > 0 and region.right <= width, (key.key_display, region)
        assert region.width >= key.render().cell_len, (key.key_display, region)
    return {k.key_display for k in keys}


def status_fits(screen, width: int) -> None:
    from rich.cells import cell_len

    text = str(screen.query_one("#author-status").render())
    assert cell_len(text) <= width and not text.endswith("…"), text


async def test_the_footer_fits_80_columns_in_every_focus_state(tmp_path):
    speech = tmp_path / "speech.txt"
    speech.write_text(PASSAGE, "utf-8")
    text, encoding, earlier = au.read_inputs(speech, tmp_path / "speech.toml")
    app = make_author_app(speech, tmp_path / "speech.toml", text, encoding, earlier)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(app, pilot)
        save, quit_ = app.get_key_display(next(b for b in AuthorScreen.BINDINGS if b.action == "save")), "^q"
        assert {save, quit_, "?", "a"} <= footer_fits(screen, 80)  # the list
        await pilot.press("tab")  # the speech
        await until(pilot, lambda: screen.query_one(SourceView).has_focus, what="the speech focused")
        await pilot.pause()
        assert {save, quit_, "?", "space", "n"} <= footer_fits(screen, 80)
        status_fits(screen, 80)
        await pilot.press("space", "right", "space")  # an item marked
        await pilot.pause()
        assert screen.query_one(SourceView).marks
        assert {save, quit_, "?"} <= footer_fits(screen, 80)
        await pilot.press("x")  # the list's keys still work from the speech
        assert any(c.status == au.REJECTED for c in screen.review.candidates)
        await pilot.press("slash")  # the search
        await pilot.pause()
        assert {save, quit_} <= footer_fits(screen, 80)
        await pilot.press("escape", "m")  # a merge being chosen
        await pilot.pause()
        assert screen.merging is not None and {quit_, "m"} <= footer_fits(screen, 80)


# --- 6. the tags dialog adds to the tags -----------------------------------------


async def test_the_tags_dialog_opens_with_the_cursor_after_the_tags_and_nothing_selected(tmp_path):
    from drill.tui.screens.author import TagsScreen

    speech = tmp_path / "speech.txt"
    speech.write_text(PASSAGE, "utf-8")
    text, encoding, earlier = au.read_inputs(speech, tmp_path / "speech.toml")
    app = make_author_app(speech, tmp_path / "speech.toml", text, encoding, earlier)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(app, pilot)
        cand = screen.current
        tags = list(cand.fw.tags)
        assert tags  # extraction tags a candidate with its kind
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, TagsScreen), what="the tags dialog")
        await pilot.pause()
        box = app.screen.query_one("#tags-input")
        assert app.screen.focused is box
        assert box.selection.is_empty and box.cursor_position == len(box.value)
        await pilot.press("space", "甲", "enter", "ctrl+a")  # typed after the tags, not over them
        await until(pilot, lambda: isinstance(app.screen, AuthorScreen), what="the dialog to close")
        assert cand.fw.tags == tags + ["甲"]


# --- 7. a list of one, a count its items do not match -----------------------------


def test_a_split_that_would_leave_a_list_of_one_is_refused(tmp_path):
    review = review_of(tmp_path)
    cand = by_name(review, "我们要做到三点")
    for at in (1, 2):
        with pytest.raises(au.ReviewError, match="has one item: a list needs at least two"):
            review.split(cand, at)
    assert cand.fw.items == ["加强学习", "改进作风", "狠抓落实"] and cand.status == au.NEW
    assert len(review.candidates) == 6 and not review.history.undo  # refused: nothing changed


def test_deck_check_reports_a_list_of_one_and_warns_of_a_count_its_items_do_not_match(tmp_path, capsys):
    deck = tmp_path / "lists.toml"
    deck.write_text('format = 1\ntitle = "清单"\nsource = ""\n'
                    '\n[[frameworks]]\nid = "par-a"\nkind = "parallel"\nname = "讲规矩"\n'
                    'items = ["守规矩"]\n'
                    '\n[[frameworks]]\nid = "par-b"\nkind = "parallel"\nname = "四个要求"\n'
                    'items = ["讲政治", "顾大局", "守纪律"]\n'
                    '\n[[frameworks]]\nid = "enu-c"\nkind = "enumeration"\nname = "要做到四点"\n'
                    'items = ["加强学习", "改进作风", "狠抓落实"]\n', "utf-8")
    assert cli.main(["deck", "check", str(deck)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{deck}:15: warning: the name says 4 but there are 3 items",
                   f"{deck}:21: warning: the lead says 4 but there are 3 items",
                   f"{deck}:9: parallel '讲规矩' has one item: a list needs at least two "
                   "(merge it into another, or add its other items)"]


def test_a_deck_from_extract_reviewed_again_offers_what_makes_no_card_undecided_and_saves(extracted_deck):
    speech, target, text, encoding, earlier = au.author_inputs(Path("local.toml"))
    review = au.start_review(speech, target, text, encoding, earlier)
    empty = [by_name(review, "三公"), by_name(review, "一区三地")]
    assert [c.status for c in empty] == [au.NEW, au.NEW] and all(c in review.offered() for c in empty)
    review.accept(by_name(review, "我们要做到三点"))
    deck = review.save()  # the deck passes deck check: the two are left for a later review
    assert {fw.name for fw in deck.frameworks} == {"重大风险、精准脱贫、污染防治", "我们要做到三点",
                                                   "痛点、堵点、难点", "心中有党、心中有民、心中有责、心中有戒"}
    assert cli.main(["deck", "check", "local.toml"]) == 0
    again = au.start_review(speech, target, text, encoding, decks.load("local.toml"))
    assert [c.status for c in (by_name(again, "三公"), by_name(again, "一区三地"))] == [au.NEW, au.NEW]
