"""Numeric abbreviations on short passages written for these tests."""

from __future__ import annotations

from drill.core.extract import extract_text
from drill.core.text import fold


def abbrevs(text: str) -> dict[str, list[str]]:
    ex = extract_text(text)
    return {fold(fw.name): fw.items for fw in ex.frameworks if fw.kind == "abbreviation"}


def test_plan_periods_are_not_abbreviations():
    names = abbrevs("我们编制“十五五”规划，回顾“十三五”时期的成就。")
    assert "十五五" not in names and "十三五" not in names


def test_years_and_digit_strings_are_not_abbreviations():
    names = abbrevs("坚持“八二共识”。推动一二三产业融合发展。")
    assert "八二共识" not in names
    assert not any(n.startswith("一二三") for n in names)


def test_counts_of_successive_gains_are_not_abbreviations():
    assert "十一连增" not in abbrevs("粮食产量实现“十一连增”，农民收入稳定。")


def test_decimals_are_not_abbreviations():
    names = abbrevs("城镇化率年均提高二点三个百分点，发生率从百分之九点一下降。")
    assert not names


def test_one_of_a_kind_is_not_an_abbreviation():
    names = abbrevs("今年要“抓住一个重点”。这是一个城市、一个社区的责任。建设“一个幸福乡村”。")
    assert not names


def test_place_words_are_not_abbreviations():
    names = abbrevs("秉持“两岸同心圆”理念，两岸双方加强交流，推进长三角一体化发展。")
    assert not names


def test_unquoted_n_x_merged_into_one():
    names = abbrevs("全面实施四证合一，企业办事更方便。")
    assert names == {"四证合一": []}


def test_unquoted_set_phrase_with_two_numerals():
    assert "一岗双责" in abbrevs("实行党政同责、一岗双责，加大追责力度。")


def test_unquoted_name_after_its_list():
    names = abbrevs("当前经济面临需求收缩、供给冲击、预期转弱三重压力，必须稳字当头。")
    assert names["三重压力"] == ["需求收缩", "供给冲击", "预期转弱"]


def test_unquoted_name_after_its_list_loses_the_verb_of_the_clause():
    names = abbrevs("坚决打好防范化解重大风险、精准脱贫、污染防治三大攻坚战，取得新成效。")
    assert names["三大攻坚战"] == ["防范化解重大风险", "精准脱贫", "污染防治"]


def test_unquoted_name_after_a_list_of_two_joined_by_he():
    names = abbrevs("会议要求，紧扣发展和安全两件大事，推动工作落实。")
    assert names["两件大事"] == ["发展", "安全"]


def test_unquoted_name_keeps_its_noun_but_not_the_head_after_it():
    names = abbrevs("我们明确了推进城乡融合、加快乡村振兴、促进共同富裕三大任务要求。")
    assert names["三大任务"] == ["推进城乡融合", "加快乡村振兴", "促进共同富裕"]


def test_a_list_whose_count_disagrees_is_not_named():
    assert not abbrevs("抓好粮食、蔬菜、水果、肉类两大保障，确保供应。")


def test_a_count_of_what_was_just_said_is_not_a_name():
    assert not abbrevs("完成修路、建桥这两个项目后，再谈别的。")


def test_a_list_of_examples_is_not_named():
    assert not abbrevs("发展种植、养殖等三大产业，带动就业。")
