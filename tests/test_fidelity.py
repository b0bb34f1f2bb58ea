"""A card's source is the truth: a framework's quote, start and end follow
its items through every change of the review, and a re-run on a changed speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from drill.core import authoring as au
from drill.core import deck as decks

TEXT = ("会议指出，今年要做好三件事。"
        "要坚持统一指挥、分级负责、属地管理。\n"
        "天气渐冷，大家注意身体。"
        "同时要推进绿色转型、数字转型、开放转型。\n")


def start(speech: Path, deck_path: Path) -> au.Review:
    text, encoding, earlier = au.read_inputs(speech, deck_path)
    return au.start_review(speech, deck_path, text, encoding, earlier)


@pytest.fixture
def speech(tmp_path) -> Path:
    path = tmp_path / "speech.txt"
    path.write_text(TEXT, "utf-8")
    return path


def by_item(review: au.Review, item: str) -> au.Candidate:
    return next(c for c in review.candidates if item in c.fw.items)


def assert_anchored(fw, text):
    assert fw.quote and all(i in fw.quote for i in fw.items if i not in fw.own)
    at = text.find(fw.quote)
    assert at >= 0 and at <= fw.start and fw.end <= at + len(fw.quote)
    assert au.anchored(fw, text)


def test_an_edit_takes_the_quote_of_the_items_it_now_has(speech, tmp_path):
    review = start(speech, tmp_path / "d.toml")
    cand = by_item(review, "统一指挥")
    assert "统一指挥" in cand.fw.quote
    review.edit(cand, "三个转型", ["绿色转型", "数字转型"])
    assert cand.fw.quote == "同时要推进绿色转型、数字转型、开放转型。"
    assert TEXT[cand.fw.start:cand.fw.end] == "绿色转型、数字转型"
    assert_anchored(cand.fw, TEXT)


def test_own_wording_keeps_the_sentence_it_replaces(speech, tmp_path):
    review = start(speech, tmp_path / "d.toml")
    cand = by_item(review, "统一指挥")
    before = (cand.fw.quote, cand.fw.start, cand.fw.end)
    review.edit(cand, "三个原则", ["全盘统筹", "层层负责"], own_wording=True)
    assert (cand.fw.quote, cand.fw.start, cand.fw.end) == before


def test_merge_and_split_quote_where_the_items_stand(speech, tmp_path):
    review = start(speech, tmp_path / "d.toml")
    first, second = by_item(review, "统一指挥"), by_item(review, "绿色转型")
    review.merge(first, second)
    assert "统一指挥" in first.fw.quote and "开放转型" in first.fw.quote
    assert_anchored(first.fw, TEXT)
    tail = review.split(first, 3)
    assert first.fw.quote == "要坚持统一指挥、分级负责、属地管理。"
    assert tail.fw.quote == "同时要推进绿色转型、数字转型、开放转型。"
    assert_anchored(first.fw, TEXT)
    assert_anchored(tail.fw, TEXT)
    review.reset(first)
    assert first.fw.items == ["统一指挥", "分级负责", "属地管理"]
    assert_anchored(first.fw, TEXT)


def test_a_rerun_on_a_changed_speech_reanchors_and_check_agrees(speech, tmp_path):
    path = tmp_path / "d.toml"
    review = start(speech, path)
    cand = by_item(review, "统一指挥")
    review.edit(cand, "三个原则", ["统一指挥", "分级负责"])
    review.save()
    changed = TEXT.replace("天气渐冷，大家注意身体。", "").replace("今年要做好三件事", "今年要做好以下几件事情")
    speech.write_text(changed, "utf-8")
    again = start(speech, path)
    fw = again.find(cand.id).fw
    assert_anchored(fw, changed)
    assert changed[fw.start:fw.end] == "统一指挥、分级负责"


def test_check_reports_a_stale_deck_and_fix_reanchors_it(speech, tmp_path, capsys):
    from drill import cli

    path = tmp_path / "d.toml"
    review = start(speech, path)
    for cand in list(review.candidates):
        review.accept(cand)
    review.save()
    text = path.read_text("utf-8")
    path.write_text("# kept by hand\n" + text, "utf-8")
    assert cli.main(["deck", "check", str(path)]) == 0
    speech.write_text(TEXT.replace("统一指挥", "统一调度").replace("天气渐冷，", ""), "utf-8")
    # the item itself changed: reported, and --fix says it cannot re-anchor it
    path.write_text(path.read_text("utf-8").replace("统一指挥", "统一调度"), "utf-8")
    capsys.readouterr()
    assert cli.main(["deck", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:" in out and "do not point at the framework's items" in out
    assert cli.main(["deck", "check", "--fix", str(path)]) == 0
    fixed = path.read_text("utf-8")
    assert fixed.startswith("# kept by hand\n")
    deck, problems = decks.check(path)
    assert [p for p in problems if not p.warning] == []
    fw = next(f for f in deck.frameworks if "统一调度" in f.items)
    assert fw.quote == "要坚持统一调度、分级负责、属地管理。"
    changed = speech.read_text("utf-8")
    assert changed[fw.start:fw.end] == "统一调度、分级负责、属地管理"


def test_fix_reports_what_it_cannot_reanchor(speech, tmp_path, capsys):
    from drill import cli

    path = tmp_path / "d.toml"
    review = start(speech, path)
    for cand in list(review.candidates):
        review.accept(cand)
    review.save()
    speech.write_text(TEXT.replace("统一指挥", "统一调度"), "utf-8")
    capsys.readouterr()
    assert cli.main(["deck", "check", "--fix", str(path)]) == 1
    assert "cannot re-anchor" in capsys.readouterr().out


def test_the_extract_warning_comment_goes_when_the_framework_is_judged(tmp_path):
    from drill import cli

    speech = tmp_path / "lead.txt"
    speech.write_text("会议提出两项要求：一是统一思想，二是狠抓落实，三是加强监督。\n", "utf-8")
    path = tmp_path / "lead.toml"
    assert cli.main(["extract", str(speech), "-o", str(path)]) == 0
    text = path.read_text("utf-8")
    assert "# extract: the lead says" in text
    path.write_text("# mine\n" + text, "utf-8")
    review = start(speech, path)
    cand = by_item(review, "统一思想")
    review.edit(cand, cand.fw.name, cand.fw.items)
    review.save()
    saved = path.read_text("utf-8")
    assert "# extract:" not in saved and saved.startswith("# mine\n")


async def test_an_edit_in_the_author_app_requotes_the_framework(speech, tmp_path):
    from conftest import until
    from textual.widgets import TextArea

    from drill.tui.app import make_author_app
    from drill.tui.screens.author import AuthorScreen, EditScreen

    path = tmp_path / "d.toml"
    text, encoding, earlier = au.read_inputs(speech, path)
    app = make_author_app(speech, path, text, encoding, earlier)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, AuthorScreen) and app.screen.review is not None,
                    what="the extraction to finish")
        await app.workers.wait_for_complete()
        screen = app.screen
        target = by_item(screen.review, "统一指挥")
        while screen.current is not target:
            await pilot.press("down")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditScreen), what="the edit dialog")
        app.screen.query_one("#edit-items", TextArea).load_text("绿色转型\n数字转型")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, AuthorScreen), what="the dialog to close")
        assert target.fw.items == ["绿色转型", "数字转型"]
        assert target.fw.quote == "同时要推进绿色转型、数字转型、开放转型。"
        assert TEXT[target.fw.start:target.fw.end] == "绿色转型、数字转型"


# a sentence broken by a page number, as scraped web copies of reports are
BROKEN = ("今年要坚持稳中求进工作总基调，坚持以人民为中心的发展思想，统筹推进稳增长、促改革、调结构、惠民\n"
          "12\n"
          "生、防风险各项工作，保持经济平稳健康发展。\n"
          "我们要加强党的建设，落实全面从严治党。\n")


def test_a_quote_that_runs_across_a_page_break_is_anchored_and_its_items_are_traceable(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_text(BROKEN, "utf-8")
    review = start(path, tmp_path / "d.toml")
    # typed as it reads: the item runs across the page break
    assert au.untraceable(["惠民生", "防风险"], BROKEN) == []
    cand = review.add("parallel", "稳增长促改革", ["稳增长", "促改革", "调结构", "惠民生", "防风险"])
    assert "12" not in cand.fw.quote and "惠民生" in cand.fw.quote
    assert au.anchored(cand.fw, BROKEN)
    saved = tmp_path / "d.toml"
    review.save()
    _, problems = decks.check(saved)
    assert [p for p in problems if not p.warning] == []
    # the quote is not a piece of the raw text, so the old check would refuse it
    assert cand.fw.quote not in BROKEN


def test_an_edit_to_words_that_stand_only_far_away_asks_for_own_wording(tmp_path):
    text = ("一是抓学习促提升。二是抓执行促落实。三是抓效能促发展。\n"
            + "天气渐冷，大家注意身体。\n" * 4
            + "最后，要凝心聚力，共同努力。\n")
    path = tmp_path / "s.txt"
    path.write_text(text, "utf-8")
    review = start(path, tmp_path / "d.toml")
    cand = by_item(review, "抓学习促提升")
    before = (cand.fw.quote, cand.fw.start)
    items = list(cand.fw.items[:2]) + ["凝心聚力"]
    with pytest.raises(au.Untraceable, match="not at this framework's place"):
        review.edit(cand, cand.fw.name, items)
    review.edit(cand, cand.fw.name, items, own_wording=True)
    assert cand.fw.own == ["凝心聚力"]
    assert (cand.fw.quote, cand.fw.start) == before


def test_a_cloze_blanks_its_item_but_not_the_same_words_inside_another_item():
    fw = decks.Framework(kind="parallel", name="两个发展", items=["发展", "高质量发展"],
                         start=0, end=0, quote="坚持发展是第一要务，推动高质量发展。",
                         ordered=True, tags=[])
    cloze = [c for c in decks.framework_cards("d", fw) if c.kind == "cloze"]
    first = next(c for c in cloze if c.answer == ["发展"])
    assert decks.BLANK in first.context and "高质量发展" in first.context
    assert decks.blank_answer("做了、做完，停留在“做了”", ["做了", "做完"]).count(decks.BLANK) == 3
