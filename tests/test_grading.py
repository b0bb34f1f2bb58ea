"""The grading core, behaviour by behaviour, on the formulations of the
bundled decks: generous about how a person types, strict about what matters.
"""

from __future__ import annotations

import tomllib

import opencc
import pytest
from conftest import DECKS

from drill.core import grading
from drill.core.grading import ItemVerdict, Verdict, assign, grade

SAN_ZHUA = ["抓学习促提升", "抓执行促落实", "抓效能促发展"]
LIU_YU = ["工业兴渝", "三农稳渝", "文旅活渝", "城乡美渝", "生态绿渝", "党建强渝"]
SI_DING = ["盯目标", "盯一线", "盯问题", "盯作风"]
# items that contain the separators a trainee types between items
BIAOGAN = ["要拉高标杆、自我加压", "要有真本领、有硬功夫", "要不畏困难、不惧艰险"]


def verdicts(g) -> list[str]:
    return [item.verdict for item in g.items]


def typed(g) -> list[str]:
    return [item.typed for item in g.items]


# --- separators, order ----------------------------------------------------


@pytest.mark.parametrize("answer", [
    "抓学习促提升、抓执行促落实、抓效能促发展",
    "抓学习促提升，抓执行促落实；抓效能促发展。",
    "抓学习促提升,抓执行促落实;抓效能促发展",
    "抓学习促提升 抓执行促落实  抓效能促发展",
    "抓学习促提升\n抓执行促落实\n\n抓效能促发展\n",
    "抓学习促提升抓执行促落实抓效能促发展",
    "一是抓学习促提升，二是抓执行促落实，三是抓效能促发展",
    "一是抓学习促提升二是抓执行促落实三是抓效能促发展",
    "1.抓学习促提升 2.抓执行促落实 3.抓效能促发展",
    "（一）抓学习促提升（二）抓执行促落实（三）抓效能促发展",
    "① 抓学习促提升 ② 抓执行促落实 ③ 抓效能促发展",
    "三抓三促：抓学习促提升、抓执行促落实、抓效能促发展",
])
def test_any_separators_or_none(answer):
    g = grade(SAN_ZHUA, answer, ordered=True)
    assert verdicts(g) == [ItemVerdict.CORRECT] * 3, (answer, typed(g), g.extra)
    assert g.verdict == Verdict.CORRECT and g.score == 1.0
    assert g.extra == []
    assert typed(g) == SAN_ZHUA  # the trainee's own text, without markers


@pytest.mark.parametrize("answer", [
    "抓学习促提升、抓执行促落实和抓效能促发展",
    "抓学习促提升，抓执行促落实，以及抓效能促发展",
    "抓学习促提升、抓执行促落实、抓效能促发展等",
    "三抓三促 抓学习促提升 抓执行促落实 抓效能促发展",
])
def test_joining_words_and_a_heading_are_not_part_of_the_items(answer):
    g = grade(SAN_ZHUA, answer)
    assert g.verdict == Verdict.CORRECT, (typed(g), g.extra)
    assert typed(g) == SAN_ZHUA


def test_joining_words_that_belong_to_an_item_are_kept():
    assert grade(["和谐稳定", "与时俱进"], "和谐稳定、与时俱进").verdict == Verdict.CORRECT
    assert grade(["以人为本"], "和以人为本").verdict == Verdict.CORRECT


def test_a_wrong_item_is_shown_whole():
    g = grade(["项目就是题目", "现场就是考场", "进度就是答卷"], "项目就是考场，现场就是题目，进度就是答卷")
    assert typed(g) == ["项目就是考场", "现场就是题目", "进度就是答卷"]
    assert g.extra == []


def test_run_together_six_items():
    g = grade(LIU_YU, "".join(LIU_YU))
    assert verdicts(g) == [ItemVerdict.CORRECT] * 6
    assert typed(g) == LIU_YU


def test_items_that_contain_separators_are_read_whole():
    answer = "要有真本领，有硬功夫；要拉高标杆，自我加压；要不畏困难，不惧艰险"
    g = grade(BIAOGAN, answer)
    assert verdicts(g) == [ItemVerdict.CORRECT] * 3
    assert g.items[0].typed == "要拉高标杆，自我加压"


def test_any_order_when_order_does_not_matter():
    g = grade(SAN_ZHUA, "抓效能促发展、抓学习促提升、抓执行促落实", ordered=False)
    assert g.verdict == Verdict.CORRECT and g.score == 1.0


def test_wrong_place_is_partial_not_wrong_when_order_matters():
    g = grade(SAN_ZHUA, "抓效能促发展、抓学习促提升、抓执行促落实", ordered=True)
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.OUT_OF_PLACE]
    assert g.verdict == Verdict.PARTIAL
    assert 0.5 < g.score < 1.0


def test_two_swapped_items_cost_one_place():
    g = grade(LIU_YU, "工业兴渝、文旅活渝、三农稳渝、城乡美渝、生态绿渝、党建强渝", ordered=True)
    assert sorted(verdicts(g)).count(ItemVerdict.OUT_OF_PLACE) == 1
    assert g.verdict == Verdict.PARTIAL


def test_the_out_of_place_note_says_where_it_was_typed_and_where_it_belongs():
    # the feedback lists items in their own order: the note adds where it was typed
    g = grade(SAN_ZHUA, "抓效能促发展、抓学习促提升、抓执行促落实", ordered=True)
    assert g.items[2].note == "typed 1st, belongs 3rd"
    # an item missing or typed wrong still counts among what was typed
    g = grade(LIU_YU, "城乡美渝、工业兴渝、农业稳渝、文旅活渝", ordered=True)
    assert g.items[3].verdict == ItemVerdict.OUT_OF_PLACE and g.items[3].note.startswith("typed 1st, belongs 4th")


def test_a_neighbour_swap_marks_one_item_and_its_note_names_the_other():
    # one move puts a swap right, so one place is lost, and the note says why only one
    g = grade(LIU_YU, "工业兴渝、文旅活渝、三农稳渝、城乡美渝、生态绿渝、党建强渝", ordered=True)
    [moved] = [n for n, item in enumerate(g.items) if item.verdict == ItemVerdict.OUT_OF_PLACE]
    other = 3 if moved == 1 else 2
    assert f"swapped with item {other}" in g.items[moved].note and "only this one" in g.items[moved].note
    # not a swap: the last item typed first, or two items four places apart
    g = grade(SAN_ZHUA, "抓效能促发展、抓学习促提升、抓执行促落实", ordered=True)
    assert "swapped" not in g.items[2].note
    g = grade(LIU_YU, "工业兴渝、城乡美渝、文旅活渝、三农稳渝、生态绿渝、党建强渝", ordered=True)
    assert verdicts(g).count(ItemVerdict.OUT_OF_PLACE) == 2
    assert not any("swapped" in item.note for item in g.items)


# --- width, punctuation, 繁/简 ---------------------------------------------


def test_width_and_punctuation_do_not_count():
    g = grade(["增长10.4%", "GDP翻一番"], "「增长１０.４％」， “ＧＤＰ翻一番”。")
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT], typed(g)


def test_quotes_inside_an_item_do_not_count():
    item = "保持“不争第一就是落后”的进取心，谋就谋定"
    assert grade([item], "保持不争第一就是落后的进取心，谋就谋定").verdict == Verdict.CORRECT


def test_traditional_and_simplified_are_the_same_answer():
    s2t = opencc.OpenCC("s2t")
    answer = s2t.convert("、".join(SAN_ZHUA))
    assert answer != "、".join(SAN_ZHUA)
    g = grade(SAN_ZHUA, answer)
    assert g.verdict == Verdict.CORRECT
    assert g.items[0].typed == s2t.convert(SAN_ZHUA[0])  # shown as typed
    # and the other way: a deck in traditional characters, typed in simplified
    assert grade([s2t.convert(i) for i in SAN_ZHUA], "、".join(SAN_ZHUA)).verdict == Verdict.CORRECT


def test_a_deck_in_taiwan_wording_takes_the_mainland_word():
    # the speech said 项目; its traditional deck says 專案 (OpenCC's Taiwan phrases)
    items = ["經濟提速", "專案提質", "整治提效", "理念提升"]
    assert grade(items, "经济提速、项目提质、整治提效、理念提升", ordered=True).verdict == Verdict.CORRECT
    assert grade(items, "经济提速、专案提质、整治提效、理念提升", ordered=True).verdict == Verdict.CORRECT
    g = grade(["發展大產業", "培育大企業", "承接大專案"], "发展大产业、培育大企业、引进大项目")
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.CLOSE]
    assert g.items[2].expected == "承接大專案"  # shown as the deck has it
    changed = [(op.expected, op.typed) for op in g.items[2].diff() if op.op != "equal"]
    assert changed == [("承接", "引进")]  # 專案 and 项目 are not a change


# --- input-method slips ---------------------------------------------------


@pytest.mark.parametrize("expected,typed_text", [
    ("抓学习促提升", "抓学习促提生"),
    ("疲沓", "疲踏"),
    ("文旅活渝", "文旅活鱼"),
])
def test_same_sound_slip_is_correct_with_a_note(expected, typed_text):
    g = grade([expected], typed_text)
    assert g.items[0].verdict == ItemVerdict.CORRECT
    assert "same-sound" in g.items[0].note
    assert g.verdict == Verdict.CORRECT


def test_a_different_sound_is_not_a_slip():
    g = grade(["抓学习促提升"], "抓学习促提高")
    assert g.items[0].verdict == ItemVerdict.CLOSE
    assert g.verdict == Verdict.PARTIAL


def test_a_numeral_is_never_a_same_sound_slip():
    # 十 and 是 share the sound shi, but a number is exact
    g = grade(["第十条"], "第是条")
    assert g.items[0].verdict != ItemVerdict.CORRECT


# --- shared prefix and suffix ---------------------------------------------


def test_shared_prefix_may_be_dropped():
    g = grade(SI_DING, "目标、一线、问题、作风")
    assert g.verdict == Verdict.CORRECT


def test_shared_suffix_may_be_dropped():
    g = grade(LIU_YU, "工业兴、三农稳、文旅活、城乡美、生态绿、党建强")
    assert g.verdict == Verdict.CORRECT


def test_part_of_a_shared_prefix_or_suffix_may_be_dropped():
    # the trainee keeps the words next to the item's own part and drops the rest
    enum = ["谋划工作要抓全局", "谋划工作要抓重点", "谋划工作要抓典型"]
    assert grade(enum, "抓全局、抓重点、抓典型", ordered=True).verdict == Verdict.CORRECT
    assert grade(enum, "要抓全局，要抓重点，要抓典型", ordered=True).verdict == Verdict.CORRECT
    assert grade(["要督得准", "要督得快", "要督得实"], "督得准、督得快、督得实").verdict == Verdict.CORRECT
    feng = ["要大兴真抓实干之风", "要大兴求真务实之风", "要大兴团结协作之风"]
    assert grade(feng, "大兴真抓实干、大兴求真务实、大兴团结协作").verdict == Verdict.CORRECT
    assert grade(feng, "真抓实干之风、求真务实之风、团结协作之风").verdict == Verdict.CORRECT
    # but the item's own part stays whole
    g = grade(enum, "抓全、抓重点、抓典型", ordered=True)
    assert g.items[0].verdict != ItemVerdict.CORRECT


def test_dropping_is_only_for_what_every_item_shares():
    # 抓 starts every item of 三抓三促, 促 is not at the same place in all
    g = grade(SAN_ZHUA, "学习促提升、执行促落实、效能促发展")
    assert g.verdict == Verdict.CORRECT
    g = grade(SAN_ZHUA, "学习提升、执行落实、效能发展")
    assert g.verdict != Verdict.CORRECT


# --- numbers --------------------------------------------------------------


def test_numbers_are_exact():
    g = grade(["221.8亿元"], "228.1亿元")
    assert g.items[0].verdict == ItemVerdict.MISSING
    assert "number" in g.items[0].note
    assert g.verdict == Verdict.WRONG


@pytest.mark.parametrize("expected,typed_text", [
    ("增长10.4%", "增长百分之十点四"),
    ("221.8亿元", "二百二十一点八亿元"),
    ("二百二十一点八亿元", "221.8亿元"),
    ("两个确立", "2个确立"),
    ("三抓三促", "3抓3促"),
])
def test_numbers_written_in_words_or_digits_are_the_same(expected, typed_text):
    assert grade([expected], typed_text).verdict == Verdict.CORRECT


def test_a_wrong_number_in_a_long_item_is_not_close():
    g = grade(["统筹推进五位一体总体布局"], "统筹推进四位一体总体布局")
    assert g.items[0].verdict == ItemVerdict.MISSING


def test_a_numeral_word_left_out_is_a_word_left_out_not_a_wrong_number():
    # 三抓三促 is read as 3抓3促, but leaving the name out types no other number
    item = "形势逼人、时不我待,开展“三抓三促”行动迫在眉睫"
    g = grade([item], "形势逼人、时不我待，开展行动迫在眉睫")
    assert g.items[0].verdict == ItemVerdict.CLOSE and "number" not in g.items[0].note
    # a figure left out is not half of the item, nor is a wrong figure
    assert grade(["区属生产总值221.8亿元"], "区属生产总值亿元").items[0].verdict == ItemVerdict.MISSING
    assert grade([item], "形势逼人、时不我待，开展四抓四促行动迫在眉睫").items[0].verdict == ItemVerdict.MISSING


def test_half_an_item_is_asked_only_for_the_numbers_of_the_half_typed():
    # 三抓三促 (3抓3促) is in the half not typed: no number is wrong or left out
    for item, half in [("紧盯问题、靶向施治,依托“三抓三促”行动攻坚破题", "紧盯问题、靶向施治，依托"),
                       ("明确目标、领会内涵,把准“三抓三促”行动主要目的", "明确目标，领会内涵，把准")]:
        g = grade([item], half)
        assert g.items[0].verdict == ItemVerdict.CLOSE and "number" not in g.items[0].note, half
    # a figure inside the half typed is asked for (the test above: 区属生产总值亿元)
    assert grade(["区属生产总值221.8亿元"], "区属生产总值亿元").items[0].verdict == ItemVerdict.MISSING


def test_numbers_helper():
    assert grading.numerals("百分之十点四") == "10.4%"
    assert grading.numerals("二百二十一点八亿元") == "221.8亿元"
    assert grading.numerals("一万二千") == "12000"
    assert grading.numerals("万众一心") == "万众1心"


# --- short items are strict -----------------------------------------------


def test_key_character_of_a_short_item_is_a_real_error():
    g = grade(LIU_YU, "工业兴渝、三农稳渝、文旅活渝、城乡美渝、生态绿渝、党建强区")
    assert g.items[5].verdict == ItemVerdict.CLOSE
    assert g.items[5].typed == "党建强区"
    assert g.verdict == Verdict.PARTIAL


def test_key_character_run_together():
    g = grade(LIU_YU, "工业兴渝三农稳渝文旅活渝城乡美渝生态绿渝党建强区")
    assert g.items[5].verdict == ItemVerdict.CLOSE and g.items[5].typed == "党建强区"
    assert g.extra == []


def test_a_wrong_key_character_run_together_is_not_taken_for_a_dropped_suffix():
    # 党建强 alone is 党建强渝 less the 渝 every item ends with, but here the
    # trainee typed 区 where 渝 goes: that is the item's wrong last character,
    # not junk in front of the next item.
    items = ["工业兴渝", "三农稳渝", "文旅活渝", "城乡美渝", "党建强渝", "生态优渝"]
    g = grade(items, "工业兴渝三农稳渝文旅活渝城乡美渝党建强区生态优渝")
    assert typed(g) == ["工业兴渝", "三农稳渝", "文旅活渝", "城乡美渝", "党建强区", "生态优渝"]
    assert verdicts(g) == [ItemVerdict.CORRECT] * 4 + [ItemVerdict.CLOSE, ItemVerdict.CORRECT]
    assert g.extra == []
    # dropping the suffix run together is still read as dropping it
    assert grade(items, "工业兴三农稳文旅活城乡美党建强生态优").verdict == Verdict.CORRECT


def test_two_characters_swapped_are_one_slip():
    g = grade(["佈局集中", "產業集聚", "土地集約"], "布局集中、产业聚集、土地集约", ordered=True)
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CLOSE, ItemVerdict.CORRECT]


def test_two_slips_in_a_short_item_are_not_close():
    assert grade(["党建强渝"], "党政强区").items[0].verdict == ItemVerdict.MISSING


def test_one_character_doubled_or_dropped_in_a_long_item_is_a_slip():
    item = "把工作标准调整到最高"
    for typed_text in ("把工作标准调整到最高高", "把工作标准调整最高"):
        g = grade([item], typed_text)
        assert g.items[0].verdict == ItemVerdict.CORRECT and "slip" in g.items[0].note, typed_text
    g = grade(["明确目标、领会内涵,把准“三抓三促”行动主要目的"], "明确目标、领会内涵，把准三抓三促行动主要目")
    assert g.verdict == Verdict.CORRECT
    # a character in place of another is a different word; in a short item any is
    assert grade([item], "把工作标准调整到最好").items[0].verdict == ItemVerdict.CLOSE
    assert grade(["比学赶超"], "比学赶超超").items[0].verdict == ItemVerdict.CLOSE
    # and a digit is never a slip
    assert grade(["区属生产总值221.8亿元"], "区属生产总值21.8亿元").items[0].verdict == ItemVerdict.MISSING


def test_a_long_item_allows_a_few_slips_as_close():
    item = "深刻领会讲话精神，把准工作方向"
    g = grade([item], "深刻理解讲话精神，把握工作方向")
    assert g.items[0].verdict == ItemVerdict.CLOSE
    g = grade([item], "认真学习文件内容，明确努力目标")
    assert g.items[0].verdict == ItemVerdict.MISSING


def test_a_word_swapped_in_a_six_character_item_is_close():
    g = grade(["树牢忧患意识", "坚持底线思维", "强化政治担当"], "树牢忧患意识、坚持底线思维、增强政治担当")
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.CLOSE] and g.verdict == Verdict.PARTIAL
    g = grade(["项目就是题目", "现场就是考场", "工地就是阵地", "进度就是尺度"],
              "项目就是题目、现场就是考场、工地就是战场、进度就是尺度")
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.CLOSE, ItemVerdict.CORRECT]


def test_the_shared_words_right_and_the_own_part_wrong_is_not_close():
    du = ["督出压力", "督出动力", "督出战斗力", "督出生产力"]
    g = grade(du, "督出压力、督出动力、督出凝聚力、督出生产力")
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.MISSING, ItemVerdict.CORRECT]
    g = grade(["无愧于岗位", "无愧于人民", "无愧于历史"], "无愧于岗位、无愧于人民、无愧于时代")
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.MISSING]
    # only the words every item shares recall none of them
    assert verdicts(grade(du, "督出")) == [ItemVerdict.MISSING] * 4
    g = grade(["健全工作机制", "健全责任机制", "健全考核机制", "健全督查机制"], "健全机制")
    assert verdicts(g) == [ItemVerdict.MISSING] * 4 and g.verdict == Verdict.WRONG


def test_an_unbroken_half_of_a_long_item_is_close_but_not_of_a_short_one():
    g = grade(SAN_ZHUA, "抓学习、抓执行、抓效能")
    assert verdicts(g) == [ItemVerdict.CLOSE] * 3 and g.verdict == Verdict.PARTIAL
    assert grade(SAN_ZHUA, "学习、执行、效能").verdict == Verdict.WRONG  # a third of each is not half
    assert grade(["党建强渝"], "党建").verdict == Verdict.WRONG
    g = grade(["项目就是题目", "现场就是考场"], "项目题目、现场考场")  # 就是 left out of each
    assert verdicts(g) == [ItemVerdict.CLOSE, ItemVerdict.CLOSE]


def test_half_the_clauses_of_an_item_typed_whole_are_close():
    # the heading words of an outline item, before its comma: 8 of its 20 characters
    item = "围绕大局、聚焦重点,放大“三抓三促”行动实际成效"
    for half in ("围绕大局聚焦重点", "围绕大局、聚焦重点", "放大三抓三促行动实际成效"):
        g = grade([item], half)
        assert g.items[0].verdict == ItemVerdict.CLOSE and g.verdict == Verdict.PARTIAL, half
    g = grade(["明确目标、领会内涵,把准“三抓三促”行动主要目的"], "明确目标，领会内涵")
    assert g.items[0].verdict == ItemVerdict.CLOSE and "number" not in g.items[0].note
    # one clause in three is not half, nor are clauses cut short
    assert grade([item], "围绕大局").verdict == Verdict.WRONG
    assert grade([item], "围绕大局聚焦").verdict == Verdict.WRONG


def test_latin_letters_in_a_chinese_answer_are_listed_but_cost_nothing():
    g = grade(SAN_ZHUA, "[bold]抓学习促提升[/bold]、抓执行促落实、抓效能促发展")
    assert g.extra == ["bold", "bold"] and g.verdict == Verdict.CORRECT
    # where the items have Latin letters, Latin extras are real extras
    g = grade(["GDP翻一番", "CPI稳定"], "GDP翻一番、CPI稳定、PPI")
    assert g.extra == ["PPI"] and g.verdict == Verdict.PARTIAL


# --- what is wrong --------------------------------------------------------


@pytest.mark.parametrize("answer", ["", "   \n", "不知道", "忘了", "？", "zhua xuexi cu tisheng"])
def test_nothing_recalled_is_wrong(answer):
    g = grade(SAN_ZHUA, answer)
    assert g.verdict == Verdict.WRONG and g.score == 0.0
    assert verdicts(g) == [ItemVerdict.MISSING] * 3


def test_another_item_of_the_same_set_is_wrong():
    g = grade(["抓学习促提升"], "抓执行促落实", others=SAN_ZHUA)
    assert g.verdict == Verdict.WRONG
    g = grade(["盯一线"], "盯目标", others=SI_DING)
    assert g.verdict == Verdict.WRONG and g.items[0].verdict == ItemVerdict.MISSING


def test_one_item_in_six_is_wrong_one_in_three_partial():
    assert grade(LIU_YU, "工业兴渝").verdict == Verdict.WRONG
    assert grade(SAN_ZHUA, "抓学习促提升").verdict == Verdict.PARTIAL


# --- extra pieces ---------------------------------------------------------


def test_extra_pieces_are_reported_and_cost_score():
    g = grade(SI_DING, "盯目标、盯一线、盯问题、盯作风、盯进度")
    assert g.extra == ["盯进度"]
    assert verdicts(g) == [ItemVerdict.CORRECT] * 4
    assert g.verdict == Verdict.PARTIAL and g.score < 1.0


def test_an_extra_as_long_as_the_items_costs_even_of_one_character():
    g = grade(["緊", "嚴", "細", "實"], "紧、严、细、实、快", ordered=True)
    assert verdicts(g) == [ItemVerdict.CORRECT] * 4 and g.extra == ["快"]
    assert g.verdict == Verdict.PARTIAL and g.score < 1.0
    # a stray character among longer items still costs nothing
    assert grade(SAN_ZHUA, "抓学习促提升、抓执行促落实、抓效能促发展、的").verdict == Verdict.CORRECT


def test_a_repeated_item_is_extra():
    g = grade(SAN_ZHUA, "抓学习促提升、抓学习促提升")
    assert g.extra == ["抓学习促提升"]
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.MISSING, ItemVerdict.MISSING]


def test_an_item_given_twice_is_listed_but_not_counted_against():
    g = grade(SAN_ZHUA, "抓学习促提升、抓执行促落实、抓效能促发展、抓学习促提升")
    assert g.extra == ["抓学习促提升"] and g.verdict == Verdict.CORRECT


def test_words_around_an_item_are_cut_off_and_words_of_the_prompt_cost_nothing():
    g = grade(["抓学习促提升"], "乱写抓学习促提升")
    assert g.items[0].verdict == ItemVerdict.CORRECT and g.extra == ["乱写"] and g.verdict == Verdict.PARTIAL
    # a cloze's own context typed around the item is not extra
    g = grade(["抓学习促提升"], "坚持抓学习促提升", ignore=["一是坚持", "，推动工作落实"])
    assert g.verdict == Verdict.CORRECT


def test_the_name_written_as_a_heading_is_not_extra():
    assert grade(SAN_ZHUA, "三抓三促 抓学习促提升、抓执行促落实、抓效能促发展",
                 ignore=["三抓三促"]).verdict == Verdict.CORRECT


# --- nothing crashes it ---------------------------------------------------


@pytest.mark.parametrize("answer", [
    "[bold]抓学习促提升[/bold]、抓执行促落实、抓效能促发展",
    "[/]抓学习促提升、抓执行促落实、抓效能促发展[red",
    "抓学习促提升\x00、抓执行促落实\x00抓效能促发展",
    "\ufeff抓学习促提升、\u200b抓执行促落实、抓效能促发展\r\n",
])
def test_markup_nul_and_invisible_characters(answer):
    g = grade(SAN_ZHUA, answer)
    assert [i.verdict for i in g.items] == [ItemVerdict.CORRECT] * 3


def test_thirty_thousand_characters():
    answer = "抓学习促提升、" + "乱" * 30_000 + "，抓效能促发展"
    g = grade(SAN_ZHUA, answer)
    # past MAX_ALIGNED_CHARS the rest is one extra piece, not read for items
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.MISSING, ItemVerdict.MISSING]
    assert g.verdict == Verdict.PARTIAL
    assert g.extra[-1].endswith("，抓效能促发展")
    assert sum(len(e) for e in g.extra) >= 30_000
    g = grade(SAN_ZHUA, "抓学习促提升" * 5000)
    assert g.items[0].verdict == ItemVerdict.CORRECT and g.verdict != Verdict.CORRECT


def test_a_long_answer_within_the_limit_is_read_whole():
    answer = "抓学习促提升、" + "乱" * (grading.MAX_ALIGNED_CHARS - 50) + "，抓效能促发展"
    assert verdicts(grade(SAN_ZHUA, answer)) == [ItemVerdict.CORRECT, ItemVerdict.MISSING, ItemVerdict.CORRECT]


# --- the diff and the JSON ------------------------------------------------


def test_diff_of_a_close_item_shows_the_changed_characters():
    g = grade(["抓学习促提升"], "抓學習促提高")
    (item,) = g.items
    ops = item.diff()
    assert "".join(op.expected for op in ops) == "抓学习促提升"
    assert "".join(op.typed for op in ops) == "抓學習促提高"  # the original characters
    changed = [op for op in ops if op.op != "equal"]
    assert [(op.op, op.expected, op.typed) for op in changed] == [("replace", "升", "高")]


def test_json_has_exactly_the_promised_keys():
    out = grade(SAN_ZHUA, "抓学习促提升、抓效能").as_json()
    assert set(out) == {"score", "verdict", "items", "extra", "intrusions"}
    assert all(set(item) == {"expected", "typed", "verdict"} for item in out["items"])
    assert out["verdict"] in {v.value for v in Verdict}
    assert all(item["verdict"] in {v.value for v in ItemVerdict} for item in out["items"])


# --- the assignment is optimal --------------------------------------------


def test_assignment_beats_greedy():
    # greedy would give row 0 its best column (5) and leave row 1 with 0
    assert assign([[5, 4], [4, 0]]) == [1, 0]


def test_assignment_matches_brute_force():
    import itertools
    import random

    rng = random.Random(7)
    for _ in range(300):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        w = [[rng.choice([0, 0, 1, 2.5, 4]) for _ in range(cols)] for _ in range(rows)]
        got = assign(w)
        taken = [c for c in got if c >= 0]
        assert len(taken) == len(set(taken))
        total = sum(w[r][c] for r, c in enumerate(got) if c >= 0)
        best = 0.0
        for perm in itertools.permutations(list(range(cols)) + [-1] * rows, rows):
            used = [c for c in perm if c >= 0]
            if len(used) == len(set(used)):
                best = max(best, sum(w[r][c] for r, c in enumerate(perm) if c >= 0))
        assert total == pytest.approx(best)


# --- every framework of the bundled decks ---------------------------------


def _deck_items():
    for path in sorted(DECKS.glob("*.toml")):
        for fw in tomllib.loads(path.read_text("utf-8"))["frameworks"]:
            yield fw["items"], fw.get("ordered", True)


def test_every_bundled_framework_grades_its_own_items_correct():
    for items, ordered in _deck_items():
        for sep in ("、", "\n", ""):
            g = grade(items, sep.join(items), ordered)
            assert g.verdict == Verdict.CORRECT, (items, sep, [(i.typed, i.verdict) for i in g.items])


def test_every_bundled_framework_misses_a_dropped_item():
    for items, ordered in _deck_items():
        if len(items) < 2:
            continue
        g = grade(items, "\n".join(items[1:]), ordered)
        assert g.items[0].verdict == ItemVerdict.MISSING, items
        assert g.verdict == Verdict.PARTIAL, items


# --- an order card answered by the numbers of its shown items -------------

# three made-up items, shown shuffled as an order card shows them
STEPS = ["先烧水", "再泡茶", "后品茶"]
STEPS_SHOWN = ["再泡茶", "后品茶", "先烧水"]  # ① 再泡茶 ② 后品茶 ③ 先烧水


@pytest.mark.parametrize("answer", ["3 1 2", "312", "3,1,2", "3、1、2", "③①②", "３１２", " 3\n1\n2 "])
def test_an_order_card_takes_the_numbers_of_its_shown_items(answer):
    g = grade(STEPS, answer, True, shown=STEPS_SHOWN)
    assert g.verdict == Verdict.CORRECT and g.score == 1.0, (answer, verdicts(g))
    assert typed(g) == STEPS


def test_numbers_in_a_wrong_order_are_out_of_place_not_missing():
    g = grade(STEPS, "1 3 2", True, shown=STEPS_SHOWN)  # 再泡茶 先烧水 后品茶
    assert verdicts(g).count(ItemVerdict.OUT_OF_PLACE) == 1 and verdicts(g)[2] == ItemVerdict.CORRECT, verdicts(g)
    assert g.verdict == Verdict.PARTIAL and 0 < g.score < 1


def test_numbers_left_out_leave_their_items_missing():
    g = grade(STEPS, "3 1", True, shown=STEPS_SHOWN)
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.MISSING]


def test_the_items_retyped_still_grade_on_an_order_card():
    g = grade(STEPS, "先烧水、再泡茶、后品茶", True, shown=STEPS_SHOWN)
    assert g.verdict == Verdict.CORRECT


@pytest.mark.parametrize("answer", ["4 1 2", "0 1 2", "3 1 x", "31２0"])
def test_numbers_no_item_has_are_not_read_as_positions(answer):
    assert grading.positions(answer, 3) is None
    assert grade(STEPS, answer, True, shown=STEPS_SHOWN).verdict == Verdict.WRONG


def test_run_together_numbers_need_separators_from_ten_items_on():
    assert grading.positions("312", 9) == [3, 1, 2]
    assert grading.positions("312", 12) is None  # 3 12, or 31 2?
    assert grading.positions("3 12 1", 12) == [3, 12, 1]
    assert grading.positions("⑫③", 12) == [12, 3]


def test_numbers_mean_nothing_without_shown_items():
    g = grade(STEPS, "3 1 2", True)
    assert g.verdict == Verdict.WRONG and verdicts(g) == [ItemVerdict.MISSING] * 3


# --- one mistyped item is one close item ----------------------------------

# made-up items sharing their opening words, as a parallel's clauses do
HABITS = ["在早上读好书", "在中午练好字", "在晚上写日记"]


@pytest.mark.parametrize("answer", ["在早上读好书、在中午练好字、在晚上看电视",
                                    "在早上读好书在中午练好字在晚上看电视"])
def test_an_item_with_its_ending_mistyped_is_one_close_item_not_a_part_and_an_extra(answer):
    g = grade(HABITS, answer, True)
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.CLOSE], [(i.typed, i.verdict, i.note) for i in g.items]
    assert g.items[2].typed == "在晚上看电视"
    assert g.extra == []
    assert g.score == pytest.approx((1 + 1 + grading.CLOSE_CREDIT) / 3)


def test_a_cloze_item_with_its_ending_mistyped_is_half_right():
    g = grade(["在晚上写日记"], "在晚上看电视")
    assert verdicts(g) == [ItemVerdict.CLOSE] and g.extra == [] and g.score == pytest.approx(grading.CLOSE_CREDIT)


def test_a_part_and_another_piece_typed_apart_stay_two_pieces():
    # the trainee separated them: the part is the item, the rest is something else
    g = grade(["在晚上写日记"], "在晚上，看电视")
    assert verdicts(g) == [ItemVerdict.CLOSE] and g.items[0].typed == "在晚上" and g.extra == ["看电视"]


def test_more_typed_in_an_item_s_place_than_the_item_is_not_absorbed():
    g = grade(["在晚上写日记"], "在晚上看电视看到半夜")
    assert g.extra, [(i.typed, i.verdict) for i in g.items]


# --- what an extra piece costs: half an item, whatever else was typed ------

FRUITS = ["苹果甜", "香蕉软", "橘子酸"]


def test_two_of_three_and_an_extra_piece_is_half():
    g = grade(FRUITS, "苹果甜、香蕉软、西瓜大")
    assert verdicts(g) == [ItemVerdict.CORRECT, ItemVerdict.CORRECT, ItemVerdict.MISSING] and g.extra == ["西瓜大"]
    assert g.score == pytest.approx((2 - grading.EXTRA_PENALTY) / 3) == pytest.approx(0.5)


def test_an_extra_piece_costs_the_same_however_much_else_is_right():
    whole = grade(FRUITS, "苹果甜、香蕉软、橘子酸、西瓜大").score
    two = grade(FRUITS, "苹果甜、香蕉软、西瓜大").score
    assert 1 - whole == pytest.approx(grading.EXTRA_PENALTY / 3)
    assert (2 / 3) - two == pytest.approx(grading.EXTRA_PENALTY / 3)


def test_extra_pieces_never_take_the_score_below_zero_and_the_verdict_is_what_was_recalled():
    g = grade(FRUITS, "苹果甜、西瓜大、葡萄紫、梨子脆")
    assert g.score == 0.0 and g.verdict == Verdict.PARTIAL  # one of three recalled, three wrong pieces
    assert grade(FRUITS, "西瓜大、葡萄紫").verdict == Verdict.WRONG


# --- intrusions: another framework's item typed ---------------------------

TEA = ["选好茶叶", "烧好开水", "控好时间"]
OTHERS = {"三个早": ["早睡觉", "早起床", "早锻炼"], "两个好": ["读好书", "写好字"]}


def test_an_item_of_another_framework_typed_as_extra_is_an_intrusion():
    g = grade(TEA, "选好茶叶、烧好开水、早起床", intruders=OTHERS)
    assert g.extra == ["早起床"]  # extra stays a list of strings
    assert [(i.typed, i.framework) for i in g.intrusions] == [("早起床", "三个早")]
    assert g.as_json()["intrusions"] == [{"typed": "早起床", "framework": "三个早"}]


def test_intrusions_of_two_frameworks_run_together_are_each_named():
    g = grade(TEA, "选好茶叶读好书早锻炼", intruders=OTHERS)
    assert {(i.typed, i.framework) for i in g.intrusions} == {("读好书", "两个好"), ("早锻炼", "三个早")}


def test_an_intrusion_is_found_in_any_script_and_never_for_the_framework_s_own_items():
    g = grade(TEA, "選好茶葉、讀好書", intruders={**OTHERS, "茶": ["选好茶叶"]})
    assert [(i.typed, i.framework) for i in g.intrusions] == [("讀好書", "两个好")]


def test_without_other_frameworks_there_are_no_intrusions_and_the_grade_is_the_same():
    plain = grade(TEA, "选好茶叶、烧好开水、早起床")
    told = grade(TEA, "选好茶叶、烧好开水、早起床", intruders=OTHERS)
    assert plain.intrusions == [] and plain.as_json()["intrusions"] == []
    assert (plain.score, plain.verdict, plain.extra) == (told.score, told.verdict, told.extra)


def test_an_intrusion_run_into_a_part_of_an_item_is_not_read_as_its_mistyped_ending():
    g = grade(["在晚上写日记"], "在晚上读好书", intruders=OTHERS)
    assert [(i.typed, i.framework) for i in g.intrusions] == [("读好书", "两个好")]
    assert g.extra == ["读好书"]


# --- the fast paths weigh what the plain ones weigh -----------------------
#
# A framework's variants are indexed by character, worths are kept between
# answers, the assignment is solved group by group and the alignment skips
# segments that cannot win: each must give what comparing everything gives.


def _long_framework(n: int, start: int = 0) -> list[str]:
    seen: dict[str, None] = {}
    for items, _ordered in _deck_items():
        for item in items:
            seen.setdefault(item, None)
    return list(seen)[start:start + n]


def _with_slips(items: list[str], rng) -> str:
    """One item left out, one typed twice, wrong and swapped characters, some run together."""
    out = []
    gone = rng.randrange(len(items))
    for k, item in enumerate(items):
        if k == gone:
            continue
        if rng.random() < 0.2 and len(item) > 2:
            i = rng.randrange(len(item))
            item = item[:i] + rng.choice("乱错发展的") + item[i + 1:]
        elif rng.random() < 0.1 and len(item) > 3:
            item = item[1] + item[0] + item[2:]
        out.append(item)
        if rng.random() < 0.05:
            out.append(item)
    return "".join(x + rng.choice(["、", "、", "，", "", "\n"]) for x in out)


def test_assignment_by_groups_is_the_whole_tables():
    import random

    rng = random.Random(11)
    for _ in range(400):
        rows, cols = rng.randint(1, 30), rng.randint(1, 30)
        # sparse, with repeated weights, as items against pieces are (an item typed twice ties)
        w = [[rng.choice([0, 0, 0, 0, 0, 0, 1, 2.5, 4, 4]) for _ in range(cols)] for _ in range(rows)]
        assert assign(w) == grading.hungarian(w), w


def test_assignment_of_a_long_answer_is_the_whole_tables():
    import random

    rng = random.Random(5)
    for n in (30, 60, 100):
        frame = grading._frame(tuple(_long_framework(n, 20)))
        pieces = [p for p in _with_slips(list(frame.strings), rng).split("、") if p]
        table = [list(col) for col in zip(*(frame.worth_row(grading.key(p)) for p in pieces))]
        assert assign(table) == grading.hungarian(table)


def test_indexed_worths_are_the_plain_worths():
    import random

    rng = random.Random(3)
    items = _long_framework(60, 40) + ["谋划工作要抓全局", "谋划工作要抓重点", "谋划工作要抓典型"]
    for expected in (tuple(items[:60]), tuple(items[60:]), tuple(items)):
        frame = grading._frame(expected)
        answer = grading.key(_with_slips(list(expected), rng))
        segs = {answer[a:a + size] for size in range(1, 30) for a in range(0, len(answer), 3)}
        segs |= {v for item in frame.items for v in item.variants} | {"", "的", "发展"}
        for seg in sorted(segs):
            for drop in ((False, False), (False, True), (True, False), (True, True)):
                assert frame.best_worth(seg, drop) == grading._best_worth(seg, frame.items, drop), (seg, drop)
                assert frame.best_worth(seg, drop) == grading._best_worth(seg, frame.items, drop)  # kept
            assert list(frame.worth_row(seg)) == [max(grading._worth(seg, item), 0.0) for item in frame.items]


def test_pruned_alignment_cuts_where_the_full_one_does():
    import random

    rng = random.Random(9)
    for n in (10, 50, 100):
        for start in (0, 150, 400):
            expected = tuple(_long_framework(n, start))
            frame = grading._frame(expected)
            for _ in range(3):
                ans, _ = grading._read(_with_slips(list(expected), rng), 10_000)
                points = grading._boundaries(ans, frame)
                hard = grading._exact_edges(ans, frame)
                assert grading._segment(ans, frame, points, hard) == \
                    grading._segment(ans, frame, points, hard, prune=False)


@pytest.mark.parametrize("n", [50, 100])
def test_a_long_answer_with_slips_grades_as_the_plain_way_does(n, monkeypatch):
    import random

    rng = random.Random(n)
    expected = _long_framework(n, 200)
    answers = [_with_slips(expected, rng) for _ in range(4)]
    fast = [grade(expected, a, ordered).as_json() | {"notes": [i.note for i in grade(expected, a, ordered).items]}
            for a in answers for ordered in (True, False)]
    # the plain way: every variant compared, every segment weighed, the whole table solved
    monkeypatch.setattr(grading._Frame, "best_worth",
                        lambda self, seg, drop=(True, True): grading._best_worth(seg, self.items, drop))
    monkeypatch.setattr(grading._Frame, "worth_row",
                        lambda self, seg: [max(grading._worth(seg, item), 0.0) for item in self.items])
    monkeypatch.setattr(grading, "assign", grading.hungarian)
    plain_segment = grading._segment
    monkeypatch.setattr(grading, "_segment", lambda *args: plain_segment(*args, prune=False))
    plain = [grade(expected, a, ordered).as_json() | {"notes": [i.note for i in grade(expected, a, ordered).items]}
             for a in answers for ordered in (True, False)]
    assert fast == plain
    assert any(g["verdict"] == Verdict.PARTIAL for g in fast)


def test_an_item_typed_twice_in_a_long_framework_is_read_as_the_whole_table_reads_it(monkeypatch):
    # two pairings are worth the same; which copy is the item decides its place
    long = [(items, ordered) for items, ordered in _deck_items() if len(items) > grading.SMALL_TABLE]
    assert long
    cases = []
    for items, _ordered in long[:6]:
        for k in range(0, len(items), 3):
            typed_twice = items[1:k + 1] + [items[k]] + items[k + 1:]
            cases.append((items, "、".join(typed_twice)))
    fast = [(grade(i, a, True).as_json(), [x.position for x in grade(i, a, True).items]) for i, a in cases]
    monkeypatch.setattr(grading, "assign", grading.hungarian)
    plain = [(grade(i, a, True).as_json(), [x.position for x in grade(i, a, True).items]) for i, a in cases]
    assert fast == plain
