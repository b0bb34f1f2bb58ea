"""Reading scraped text: HTML left in it, site chrome, page numbers, and
extraction that stays linear in its input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drill.core.extract import extract_text
from drill.core.extract.common import is_clause_start, lead_before, trim
from drill.core.extract.source import clean

MARKUP = re.compile(r"[<>&]|&\w+;|nbsp|lt;|gt;")


def frameworks(ex, kind):
    return [fw for fw in ex.frameworks if fw.kind == kind]


def with_items(ex, kind, *items):
    for fw in frameworks(ex, kind):
        if fw.items == list(items):
            return fw
    raise AssertionError(f"no {kind} with {items}: {[(f.kind, f.items) for f in ex.frameworks]}")


def traced(ex):
    """Every item is the original text at its span, and nothing shown holds markup."""
    text = ex.source.text
    for fw in ex.frameworks:
        for item, (a, b) in zip(fw.items, fw.item_spans):
            assert text[a:b] == item
            assert not MARKUP.search(item), item
        assert not MARKUP.search(fw.name), fw.name
        assert not MARKUP.search(fw.quote), fw.quote


# --------------------------------------------------------------------------
# HTML


@pytest.mark.parametrize("br", ["<BR>", "<br/>", "<br />", "<P>", "</p><p>", "</p>\n<p>", "<div class=\"c\">"])
def test_a_tag_between_items_is_a_line_break(br):
    ex = extract_text(f"会议强调三点：{br}一是加强学习。{br}二是狠抓落实。{br}三是转变作风。")
    fw = with_items(ex, "enumeration", "加强学习", "狠抓落实", "转变作风")
    assert fw.name == "会议强调三点"
    traced(ex)


def test_an_escaped_tag_is_a_line_break_too():
    ex = extract_text("领导讲话\n我讲两点意见：&lt;BR&gt;一是抓学习促提升。&lt;BR&gt;二是抓执行促落实。")
    fw = with_items(ex, "enumeration", "抓学习促提升", "抓执行促落实")
    assert fw.name == "我讲两点意见"
    assert fw.quote == "一是抓学习促提升。"
    traced(ex)


def test_table_cells_hold_their_own_lines():
    ex = extract_text("领导讲话\n<table><tr><td>一是加强学习</td></tr><tr><td>二是狠抓落实</td></tr></table>")
    with_items(ex, "enumeration", "加强学习", "狠抓落实")
    traced(ex)


def test_a_character_entity_separates_like_its_character():
    text = "领导讲话\n&nbsp;&nbsp;我们要做到查必清&#12289;清必办&#12289;办必果，确保问题整改到位。"
    ex = extract_text(text)
    fw = with_items(ex, "parallel", "查必清", "清必办", "办必果")
    # the name and the quote read as the page shows them
    assert fw.name == "查必清、清必办、办必果"
    assert fw.quote == "我们要做到查必清、清必办、办必果，确保问题整改到位。"
    traced(ex)


def test_entities_for_quotes_quote_a_name():
    ex = extract_text("领导讲话\n我们要推进&ldquo;三抓三促&rdquo;行动。")
    fw = with_items(ex, "abbreviation")
    assert fw.name == "三抓三促"
    assert fw.quote == "我们要推进“三抓三促”行动。"


def test_an_item_never_holds_markup_and_is_cut_where_it_begins():
    ex = extract_text("会上强调：一是抓<b>学习</b>。二是抓执行。三是抓效能。")
    fw = frameworks(ex, "enumeration")[0]
    assert fw.items[1:] == ["抓执行", "抓效能"]
    traced(ex)


def test_folded_text_keeps_its_length_and_offsets():
    text = "标题\n一是<span style='x'>抓</span>学习&amp;提升。<br>二是抓执行。"
    source = clean(text)
    assert len(source.folded) == len(text)
    assert "<" not in source.folded and "&" not in source.folded.replace("&", "", 1)
    assert source.line_of(text.index("二是")) == 2  # a <br> is no line of the text
    a = text.index("学习")
    assert source.original(a, text.index("。")) == "学习&提升"


def test_text_that_only_looks_like_markup_is_kept():
    ex = extract_text("会上强调：一是[bold]抓学习[/bold]。二是抓<自己>的执行。三是抓a<b>c效能。")
    assert "[bold]抓学习[/bold]" in frameworks(ex, "enumeration")[0].items
    source = clean("一是抓 x<y 和 a & b 的执行。")
    assert source.folded == source.text and not source.markup


def test_a_break_tag_between_a_lead_and_its_list_hides_no_lead():
    source = clean("我讲三点意见：\n<br>\n一是抓学习。")
    assert lead_before(source, source.text.index("一是"))[0] == "我讲三点意见"


# --------------------------------------------------------------------------
# titles and site chrome


@pytest.mark.parametrize("chrome", ["我的文档", "首页 | 登录 | 注册", "设为首页 加入收藏", "三七文档",
                                    "【打印本页】【关闭窗口】"])
def test_site_chrome_never_becomes_the_title(chrome):
    ex = extract_text(f"{chrome}\n在全县工作会议上的讲话\n同志们：今天我们召开会议。")
    assert ex.source.title == "在全县工作会议上的讲话"
    assert any(reason == "site chrome" for _, reason, _ in ex.source.dropped)


def test_a_heading_is_no_site_chrome():
    source = clean("织密社会保障网\n同志们：今天我们召开会议。")
    assert source.title == "织密社会保障网"


# --------------------------------------------------------------------------
# page numbers

RUNNING = "今年我们要全力以赴做好各项工作，进一步提高站位，切实把思想和行动统一到上级决策部署上来，进一步加强组"


@pytest.mark.parametrize("page", ["12", "- 12 -", "第12页", "2、"])
def test_a_page_number_that_breaks_a_sentence_is_folded_away(page):
    ex = extract_text(f"领导讲话\n{RUNNING}\n{page}\n织领导，做到查必清、清必办、办必果。")
    fw = with_items(ex, "parallel", "查必清", "清必办", "办必果")
    assert fw.quote.startswith("今年我们要") and "加强组织领导" in fw.quote
    assert any(reason == "page number" for _, reason, _ in ex.source.dropped)


def test_a_page_number_between_paragraph_tags_is_folded_away():
    ex = extract_text(f"领导讲话\n<p>{RUNNING}</p><p>12</p><p>织领导，做到查必清、清必办、办必果。</p>")
    fw = with_items(ex, "parallel", "查必清", "清必办", "办必果")
    assert "加强组织领导" in fw.quote
    traced(ex)


def test_a_page_number_inside_a_line_is_folded_away_where_it_splits_a_word():
    ex = extract_text("领导讲话\n今年我们要进一步加强组 12 织领导，做到查必清、清必办、办必果。")
    fw = with_items(ex, "parallel", "查必清", "清必办", "办必果")
    assert "加强组织领导" in fw.quote
    kept = clean("领导讲话\n今年全区完成 12 个项目。")
    assert not kept.dropped


def test_a_number_after_a_finished_sentence_joins_nothing():
    source = clean(f"领导讲话\n{RUNNING}。\n12\n织领导工作。")
    assert len(source.paragraphs) == 3


def test_a_list_number_alone_on_its_line_numbers_the_next_line():
    ex = extract_text("我讲三点：\n1、\n加强学习。\n2、\n狠抓落实。\n3、\n转变作风。\n")
    fw = [f for f in ex.frameworks if f.items == ["加强学习", "狠抓落实", "转变作风"]]
    assert fw and fw[0].quote == "1、加强学习。"
    assert not ex.source.dropped


def test_a_list_number_alone_before_a_heading_line_is_no_page_number():
    source = clean(f"领导讲话\n{RUNNING}\n2、\n一是加强学习。")
    assert not any(reason == "page number" for _, reason, _ in source.dropped)


# --------------------------------------------------------------------------
# helpers that must stay linear


def test_trim_balances_quotes_as_before():
    folded = "“““抓学习”,"
    assert trim(folded, 0, len(folded)) == (2, 7)
    assert trim("“抓学习”", 0, 5) == (0, 5)
    assert trim("抓学习”", 0, 4) == (0, 3)
    assert trim("(抓学习", 0, 4) == (1, 4)


def test_many_lists_and_sentences_keep_their_leads():
    lines = "\n".join(f"第{i}组会议强调两点：一是抓学习。二是抓落实。" for i in range(300))
    ex = extract_text("领导讲话\n" + lines)
    enums = frameworks(ex, "enumeration")
    assert len(enums) == 300
    assert all(fw.name.endswith("会议强调两点") for fw in enums)


def test_line_numbers_of_notes_count_the_lines_of_the_text():
    text = "领导讲话\n" + "\n".join(["我讲三点：一是抓学习。二是抓落实。"] * 3)
    ex = extract_text(text)
    lines = [n for n in ex.notes if n.startswith("line ")]
    assert lines and [int(n.split()[1].rstrip(":")) for n in lines] == [2, 3, 4]


def test_a_marker_after_a_long_inline_tag_is_found():
    style = "color:red;" * 30
    ex = extract_text(f"会上强调：<span style='{style}'>一是抓学习。</span><span style='{style}'>二是抓执行。</span>")
    with_items(ex, "enumeration", "抓学习", "抓执行")
    folded = clean(f"会上强调：<span style='{style}'>一是").folded
    assert not is_clause_start(folded, folded.index("一") - 1)  # no marker begins at a blank
    assert is_clause_start(folded, folded.index("一"))


# Pieces of scraped pages: speech, markers, separators, and markup.
PIECES = [
    "一、", "二、", "1、", "2、", "（一）", "一是", "二是", "三是", "首先", "其次", "最后", "要",
    "抓学习", "促提升", "抓执行", "促落实", "查必清", "清必办", "“三抓三促”", "、", "，", "。", "：",
    "\n", " ", "<br>", "<BR/>", "</p><p>", "<td>", "</td>", "<span class='a'>", "</span>", "<b>",
    "&nbsp;", "&lt;", "&gt;", "&amp;", "&#12289;", "&ldquo;", "&rdquo;", "&lt;BR&gt;", "&#x3001;",
    "&bogus;", "&", "<", ">", "<!-- x -->", "我的文档", "12", "- 3 -", "[bold]", "[/]",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=80).map("".join))
def test_scraped_markup_never_reaches_an_item(text):
    ex = extract_text(text)
    source = ex.source
    assert len(source.folded) == len(text)
    for fw in ex.frameworks:
        for item, (a, b) in zip(fw.items, fw.item_spans):
            assert text[a:b] == item and item.strip()
            for a2, b2, _ in source.markup:
                assert not (a < b2 and a2 < b), (item, text[a2:b2])


@pytest.mark.parametrize("page", [
    "<html><head><title>在全县工作会议上的讲话_三七文档</title></head><body><p>同志们：今天我们召开会议。</p>",
    "在全县工作会议上的讲话 - 某某新闻网\n同志们：今天我们召开会议。",
])
def test_a_title_loses_the_site_name_after_it(page):
    assert clean(page).title == "在全县工作会议上的讲话"


def test_junk_patterns_still_blank_what_they_did():
    long = "我们要全力以赴做好各项工作，进一步提高站位，切实把思想和行动统一到上级决策部署上来。" * 3
    source = clean(f"标题\n{long}   ---此处隐藏5022字，下载后查看---   正文继续。访问 www.example.com 或 abc-d.cn/x 了解。")
    reasons = {reason for _, reason, _ in source.dropped}
    assert {"hidden text", "link"} <= reasons
    assert "此处隐藏" not in source.folded and "example" not in source.folded and "abc-d" not in source.folded


def test_a_run_together_title_is_found_after_blank_lines():
    source = clean("\n\n   \n在全县工作会议上的讲话同志们：今天我们召开会议，部署全年工作任务，大家要认真落实。")
    assert source.title == "在全县工作会议上的讲话"


LICENCE_FOOTER = ("\n\n\n本作品是某国的\n法律\n、\n法规\n，机关的决议、决定、命令和其他具有立法、"
                  "行政、司法性质的文件。根据《\n著作权法\n》，属于\n公有领域\n。\n\n\n"
                  "注：社群认为，公务演讲\n不总是\n具有立法、行政、司法性质的文件。\n\nPublic domain\n")


def test_a_licence_footer_holds_no_frameworks():
    body = "全体干部要守规矩、强作风、优环境，把工作抓紧抓细抓好。"
    ex = extract_text(body + LICENCE_FOOTER)
    assert sorted(fw.items for fw in frameworks(ex, "parallel")) == [
        ["守规矩", "强作风", "优环境"], ["抓紧", "抓细", "抓好"]]
    reasons = {reason for _, reason, _ in ex.source.dropped}
    assert "licence" in reasons


def test_a_speech_that_mentions_a_work_keeps_its_lines():
    text = ("本作品是我们一起完成的，版权归集体。\n要坚持守规矩、强作风、优环境。\n"
            "要把工作抓紧抓细抓好。" + "这是一段很长的讲话。" * 300)
    ex = extract_text(text)
    assert ["守规矩", "强作风", "优环境"] in [fw.items for fw in frameworks(ex, "parallel")]
