"""Numeric abbreviations on short passages written for these tests."""

from __future__ import annotations

from drill.core.extract import extract_text
from drill.core.text import fold


def abbrevs(text: str) -> dict[str, list[str]]:
    """Each abbreviation found, with the items the text gives it (those the
    reference deck fills in for a bare name are tested in test_reference)."""
    ex = extract_text(text)
    return {fold(fw.name): [] if fw.origin == "reference" else fw.items
            for fw in ex.frameworks if fw.kind == "abbreviation"}


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
    names = abbrevs("坚决打好防范金融风险、精准帮扶、污染治理三大硬仗，取得新成效。")
    assert names["三大硬仗"] == ["防范金融风险", "精准帮扶", "污染治理"]


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


def test_a_pair_run_together_before_the_name():
    names = abbrevs("统筹省内省外两个市场，扩大开放。")
    assert names["两个市场"] == ["省内", "省外"]


def test_bare_n_da_name_without_its_list():
    assert abbrevs("今年要坚决打好三大保卫战，确保目标完成。") == {"三大保卫战": []}


def test_a_congress_is_not_a_name():
    assert not abbrevs("深入学习贯彻党的十八大精神和二十大精神。")


def test_a_counted_set_of_rules_is_a_name_without_qualifier():
    names = abbrevs("严格落实中央六项规定精神，坚持三项基本原则。")
    assert names == {"六项规定": [], "三项基本原则": []}


def test_a_counted_set_of_things_is_not_a_name():
    assert not abbrevs("分两个阶段安排，做好三项工作，家里有两个孩子。")


def test_shuang_and_a_verb_is_a_name():
    names = abbrevs("完善用水总量和强度双控制度，促进城乡双循环。")
    assert "双控" in names and "双循环" in names


def test_shuang_and_a_noun_is_a_pair_not_a_name():
    assert not abbrevs("双方同意加强合作，推进双城建设，开展双语教学。")


def test_staged_plan_n_bu_zou():
    assert abbrevs("按照三步走的安排推进。") == {"三步走": []}


def test_a_name_inside_another_names_items_is_not_repeated():
    names = abbrevs("推进“两个三”工作，即建设三大园区，完善三大平台。")
    assert names == {"两个三": ["建设三大园区", "完善三大平台"]}


def test_bare_name_takes_its_list_from_another_sentence():
    names = abbrevs("我们要推动“双创”深入发展。全社会要支持大众创业、万众创新，激发活力。")
    assert names["双创"] == ["大众创业", "万众创新"]


def test_bare_name_takes_its_list_from_a_sentence_before_it():
    text = "要加快村村通公路、户户通自来水，改善条件。今年“双通”工程全面完成。"
    assert abbrevs(text)["双通"] == ["村村通公路", "户户通自来水"]


def test_bare_name_takes_a_list_whose_items_hold_its_word():
    text = "全党要做到“两个维护”。必须坚决维护核心地位、坚决维护统一领导。"
    assert abbrevs(text)["两个维护"] == ["坚决维护核心地位", "坚决维护统一领导"]


def test_a_list_of_another_count_is_not_taken():
    names = abbrevs("推进“双创”工作。支持大众创业、万众创新、全民创造。")
    assert names["双创"] == []


def test_a_list_cut_through_a_word_is_not_taken():
    names = abbrevs("推进农业“两区”建设。我代表区委、区政府表示感谢。")
    assert names["两区"] == []


def test_a_list_far_away_drops_the_conjunction_after_it():
    names = abbrevs("建设“双创”基地。发挥大众创业、万众创新和“互联网+”的作用。")
    assert names["双创"] == ["大众创业", "万众创新"]


def test_two_short_items_with_one_shared_character_are_not_taken():
    names = abbrevs("推进“两区”建设。感谢区委、区政府。")
    assert names["两区"] == []


def test_name_introduced_in_brackets_after_its_list():
    text = "各地要抓好作业总量控制、校外培训治理（以下简称“双控”）工作。"
    assert abbrevs(text)["双控"] == ["作业总量控制", "校外培训治理"]


def test_name_introduced_in_brackets_without_quotes():
    text = "基层要兜牢保基本民生、保工资、保运转（简称三保）底线。"
    assert abbrevs(text)["三保"] == ["保基本民生", "保工资", "保运转"]


def test_compound_name_with_its_parts_one_by_one():
    text = "开展“三比三促三争创”活动，即比学习、比工作、比作风，促发展、促和谐、促稳定，争创一流、争创先进、争创品牌。"
    assert abbrevs(text)["三比三促三争创"] == [
        "比学习", "比工作", "比作风", "促发展", "促和谐", "促稳定", "争创一流", "争创先进", "争创品牌"]


def test_compound_name_with_its_parts_in_pairs():
    text = "开展“三学三比”活动，即学理论比信念、学业务比本领、学榜样比作风，取得实效。"
    assert abbrevs(text)["三学三比"] == ["学理论比信念", "学业务比本领", "学榜样比作风"]


def test_unquoted_compound_name_runs_to_its_last_part():
    text = "开展三比三促三争创活动，即比学习、比工作、比作风，促发展、促和谐、促稳定，争创一流、争创先进、争创品牌。"
    names = abbrevs(text)
    assert len(names["三比三促三争创"]) == 9


def abbrev_frameworks(text: str):
    return [fw for fw in extract_text(text).frameworks if fw.kind == "abbreviation"]


def test_bare_mention_and_mention_with_items_are_one_framework_at_the_items():
    text = "“三重压力”仍然存在。今年我们面对需求收缩、供给冲击、预期转弱三重压力。"
    fws = abbrev_frameworks(text)
    assert [fw.name for fw in fws] == ["三重压力"]
    assert fws[0].items == ["需求收缩", "供给冲击", "预期转弱"]
    assert fws[0].start == text.index("需求收缩")


def test_two_bare_mentions_are_one_framework_at_the_first():
    text = "要增强“五种本领”。全党都要增强五种本领，也就是“五种本领”。"
    fws = abbrev_frameworks(text)
    assert [(fw.name, fw.items) for fw in fws] == [("五种本领", [])]
    assert fws[0].start == text.index("五种本领")


def test_mention_with_items_first_keeps_them_over_later_bare_ones():
    text = "坚持“两个不放松”，即不放松抓生产、不放松抓安全。再次强调“两个不放松”。"
    fws = abbrev_frameworks(text)
    assert len(fws) == 1 and fws[0].items == ["不放松抓生产", "不放松抓安全"]


def test_quoted_name_of_a_period_and_a_verb():
    assert "三期叠加" in abbrevs("面对“三期叠加”的局面，要保持定力。")
    assert not abbrevs("推进“二期”建设。")


def test_quoted_name_of_two_parts_joined_by_a_pause_mark():
    assert "双随机、一公开" in abbrevs("全面推行“双随机、一公开”监管。")


def test_a_count_of_places_or_indicators_is_not_a_name():
    assert not abbrevs("北京、上海两个城市率先试点，就业、物价、收入三项指标稳定。")


def test_unquoted_name_of_three_parts_without_its_list():
    assert abbrevs("推进结构性改革，落实三去一降一补任务。") == {"三去一降一补": []}


def test_an_item_before_a_quoted_name_may_hold_a_quoted_name():
    text = "重点推进“一圈一带”建设、城乡融合发展、乡村全面振兴“三大任务”，取得成效。"
    assert abbrevs(text)["三大任务"] == ["“一圈一带”建设", "城乡融合发展", "乡村全面振兴"]


def test_a_list_sharing_one_character_far_from_the_name_is_not_taken():
    filler = "今年各项工作稳步推进，取得明显成效。" * 200
    text = "推进“两新”工作。" + filler + "要应对新挑战、完成新任务。"
    assert abbrevs(text)["两新"] == []


def test_unquoted_n_ge_and_a_verb_is_a_name():
    names = abbrevs("全党必须做到两个维护。坚持两个毫不动摇，推动发展。")
    assert names == {"两个维护": [], "两个毫不动摇": []}


def test_unquoted_n_ge_and_a_noun_is_a_count():
    assert not abbrevs("他有两个孩子。我们讲三个方面，用了两个月。")
