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
