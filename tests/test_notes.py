"""A framework's note and tags reach the trainee and the instructor: the
drill's answer side shows the note, `drill author` shows both with the
candidate and in the card preview, and `drill deck show` prints them once
per framework."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import until, asked_cold
from rich.console import Console

from drill import cli
from drill.core import deck as decks
from drill.core import preview
from drill.tui.app import make_app
from drill.tui.screens.drill import DrillScreen

SPEECH = "同志们：\n\n我们要做到三点：一是加强学习；二是改进作风；三是狠抓落实。\n"
NOTE = "考试常问：三点的顺序不能颠倒。"
DECK = f'''format = 1
title = "作风建设"
source = "speech.txt"

[[frameworks]]
id = "enum-1"
kind = "enumeration"
name = "要做到的三点"
items = ["加强学习", "改进作风", "狠抓落实"]
ordered = true
tags = ["作风", "三点"]
note = "{NOTE}"
quote = "我们要做到三点：一是加强学习；二是改进作风；三是狠抓落实。"
start = 9
end = 38
'''


@pytest.fixture
def deck_dir(tmp_path) -> Path:
    (tmp_path / "speech.txt").write_text(SPEECH, "utf-8")
    (tmp_path / "zuofeng.toml").write_text(DECK, "utf-8")
    return tmp_path


def test_every_card_carries_the_note(deck_dir):
    deck = decks.load(deck_dir / "zuofeng.toml")
    cards = deck.cards()
    assert len(cards) > 1 and all(card.note == NOTE for card in cards)
    assert f"  note: {NOTE}" in preview.lines(cards[0])
    assert not any("note:" in line for line in preview.lines(cards[0], note=False))


def test_deck_show_prints_tags_and_note_once(deck_dir, capsys):
    assert cli.main(["deck", "show", str(deck_dir / "zuofeng.toml")]) == 0
    out = capsys.readouterr().out
    assert "tags: 作风, 三点" in out
    assert out.count(NOTE) == 1


async def test_the_answer_side_shows_the_note(deck_dir):
    asked_cold("林")
    app = make_app(deck_dirs=[deck_dir], user="林")
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        mine = [d.id for d in app.decks].index("zuofeng")
        await pilot.press(*["down"] * mine, "space", "enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill")
        screen = app.screen
        card = app.session.current
        assert NOTE not in _text(screen.query_one("#prompt").content)  # not before the answer
        await pilot.press(*"不知道", "ctrl+s")
        await until(pilot, lambda: app.screen.query_one("#feedback-box").display, what="the feedback")
        assert card.note == NOTE and NOTE in _text(app.screen.query_one("#feedback").content)


def _text(renderable) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text().replace("\n", "")


def test_the_workbench_shows_tags_and_note(deck_dir):
    from drill.core import authoring as au
    from drill.tui.screens.author import candidate_text, preview_text

    speech, path = deck_dir / "speech.txt", deck_dir / "zuofeng.toml"
    text, encoding, earlier = au.read_inputs(speech, path)
    review = au.start_review(speech, path, text, encoding, earlier)
    cand = review.find("enum-1")
    assert cand is not None and cand.fw.note == NOTE
    shown = _text(candidate_text(review, cand))
    assert "tags: 作风, 三点" in shown and NOTE in shown
    assert NOTE in _text(preview_text(cand.fw.name, review.preview(cand)))


def test_messages_count_in_words():
    from drill.core.text import counted, with_article

    assert [counted(n, "card") for n in (0, 1, 2)] == ["0 cards", "1 card", "2 cards"]
    assert with_article("abbreviation") == "an abbreviation" and with_article("parallel") == "a parallel"


def test_deck_check_says_one_card_not_one_cards(tmp_path, capsys):
    (tmp_path / "speech.txt").write_text("要坚持一个中心。\n", "utf-8")
    (tmp_path / "one.toml").write_text(
        'format = 1\ntitle = "一"\nsource = "speech.txt"\n\n[[frameworks]]\nid = "p-1"\nkind = "abbreviation"\n'
        'name = "中心"\nitems = ["坚持一个中心"]\nquote = "要坚持一个中心。"\nstart = 0\nend = 8\n', "utf-8")
    assert cli.main(["deck", "check", str(tmp_path / "one.toml")]) == 0
    err = capsys.readouterr().err
    assert "1 framework, 1 card" in err, err


def test_a_framework_added_by_hand_stays_added(tmp_path):
    from drill.core import authoring as au

    speech, path = tmp_path / "s.txt", tmp_path / "s.toml"
    speech.write_text(SPEECH, "utf-8")
    text, encoding, earlier = au.read_inputs(speech, path)
    review = au.start_review(speech, path, text, encoding, earlier)
    added = review.add("parallel", "学和改", ["加强学习", "改进作风"])
    review.save()
    saved = {fw.id: fw for fw in decks.load(path).frameworks}
    assert saved[added.id].extracted == au.ADDED
    # a later review keeps it, not offered as gone from the extraction
    text, encoding, earlier = au.read_inputs(speech, path)
    again = au.start_review(speech, path, text, encoding, earlier)
    cand = again.find(added.id)
    assert cand is not None and cand.status == au.ACCEPTED and not cand.offered
    again.save()
    assert {fw.id: fw for fw in decks.load(path).frameworks}[added.id].extracted == au.ADDED


def test_the_source_pane_draws_no_raw_control_characters():
    from drill.core.text import drawable

    text = "第一段。\n\u200b\n第二段\t加强学习\u202e。"
    shown = drawable(text)
    assert len(shown) == len(text) and shown.split("\n")[1] == " "
    assert "\u200b" not in shown and "\t" not in shown and "\u202e" not in shown
    assert drawable("加强学习\n改进作风") == "加强学习\n改进作风"
