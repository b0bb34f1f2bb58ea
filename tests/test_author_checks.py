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
