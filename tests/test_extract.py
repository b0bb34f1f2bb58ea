"""Extraction on the five seed speeches, checked against a careful reading of them."""

from __future__ import annotations

from functools import cache

import pytest
from conftest import SEEDS, seed

from drill.core.extract import extract_file, extract_text
from drill.core.text import fold


@cache
def run(prefix: str):
    return extract_file(seed(prefix))


def by_kind(ex, kind):
    return [fw for fw in ex.frameworks if fw.kind == kind]


def named(ex, kind, name):
    """The framework of ``kind`` whose name, folded, equals (or contains) ``name``."""
    key = fold(name)
    exact = [fw for fw in ex.frameworks if fw.kind == kind and fold(fw.name) == key]
    if exact:
        return exact[0]
    found = [fw for fw in ex.frameworks if fw.kind == kind and key in fold(fw.name)]
    assert found, f"no {kind} named {name!r}; have {[f.name for f in by_kind(ex, kind)]}"
    return found[0]


def with_items(ex, kind, *items):
    """The framework of ``kind`` whose items are exactly ``items`` (folded)."""
    want = [fold(i) for i in items]
    for fw in by_kind(ex, kind):
        if [fold(i) for i in fw.items] == want:
            return fw
    raise AssertionError(f"no {kind} with items {items}; have "
                         f"{[fw.items for fw in by_kind(ex, kind)]}")


ALL = ["000", "001", "002", "003", "004"]


# --------------------------------------------------------------------------
# every seed


@pytest.mark.parametrize("prefix", ALL)
def test_every_item_is_traced_to_its_place_in_the_original(prefix):
    ex = run(prefix)
    text = ex.source.text
    assert ex.frameworks
    for fw in ex.frameworks:
        assert 0 <= fw.start < fw.end <= len(text)
        if fw.origin == "reference":  # a bare mention, its items filled in from the reference deck
            from drill.core import reference

            assert fw.items == reference.lookup(fw.name).items and not fw.item_spans
            assert fw.name in text[fw.start:fw.end] and fw.quote and fw.quote in text
            continue
        for item in fw.items:
            assert item and item in text, (fw.name, item)
            assert item in text[fw.start:fw.end], (fw.name, item)
            assert item == item.strip(" ,，、。；;：:")
        assert fw.quote and fw.quote in text


@pytest.mark.parametrize("prefix", ALL)
def test_ids_are_unique_and_the_same_on_every_extraction(prefix):
    first = [fw.id for fw in run(prefix).frameworks]
    again = [fw.id for fw in extract_file(seed(prefix)).frameworks]
    assert first == again
    assert len(set(first)) == len(first)


@pytest.mark.parametrize("prefix", ALL)
def test_boilerplate_never_becomes_a_card(prefix):
    ex = run(prefix)
    junk = ["当前位置", "欢迎访问", "版权所有", "此处隐藏", "下载后查看", "首页", "相关推荐",
            "热门文档", "来源", "发布时间", "小编", "Powered", "ICP", "本文标题", "链接地址"]
    for fw in ex.frameworks:
        for text in [fw.name, *fw.items]:
            for word in junk:
                assert word not in fold(text), (word, text)


@pytest.mark.parametrize("prefix, kinds", [
    ("000", {"outline", "abbreviation", "enumeration", "parallel"}),
    ("001", {"outline", "abbreviation", "enumeration", "parallel"}),
    ("002", {"outline", "enumeration", "parallel"}),
    ("003", {"abbreviation", "enumeration", "parallel"}),  # 二、 and 三、 are hidden
    ("004", {"outline", "abbreviation", "enumeration", "parallel"}),
])
def test_each_kind_is_found_in_each_seed(prefix, kinds):
    assert kinds <= {fw.kind for fw in run(prefix).frameworks}


# --------------------------------------------------------------------------
# titles and boilerplate


@pytest.mark.parametrize("prefix, title", [
    ("000", "2023年区长在全区三级干部大会上的讲话稿"),
    ("001", "在“三抓三促”行动动员部署会议上的讲话稿"),
    ("002", "2023年度市长在重点项目工作推进会上讲话"),
    ("003", "“项目大会战、环境大优化、作风大提升”攻坚突破年动员大会"),
    ("004", "三級幹部大會發言大綱"),
])
def test_title(prefix, title):
    assert run(prefix).source.title == title


def test_boilerplate_lines_are_reported_as_dropped():
    dropped = {text for _, _, text in run("002").source.dropped}
    assert "发布时间:2023-12-10 10:32:02" in dropped
    assert any("版权所有" in t for t in dropped)
    assert any("小编" in t for t in dropped)
    reasons = {reason for _, reason, _ in run("003").source.dropped}
    assert reasons == {"download"}  # ---此处隐藏5022字,下载后查看---


def test_forum_junk_inside_lines_is_blanked():
    text = ("领导讲话\n"
            "4 d0 L2 Z& v4 N3 }& U, q7 g$ k- I- |同志们：我讲三点。"
            "一是抓项目促发展。二是抓改革促创新。三是抓作风促落实。\n"
            "做到查必清、清必办、办必果。# S2 B! K4 e) k) l\n")
    ex = extract_text(text)
    assert any(r == "junk" for _, r, _ in ex.source.dropped)
    enum = with_items(ex, "enumeration", "抓项目促发展", "抓改革促创新", "抓作风促落实")
    assert enum.name == "同志们：我讲三点"
    with_items(ex, "parallel", "查必清", "清必办", "办必果")
    for fw in ex.frameworks:
        assert not any(c in "&$}|#" for item in fw.items for c in item)


# --------------------------------------------------------------------------
# abbreviations


def test_abbreviation_expanded_before_it_with_context_cut_off():
    ex = run("000")
    liuyu = named(ex, "abbreviation", "六渝")
    assert liuyu.items == ["工业兴渝", "三农稳渝", "文旅活渝", "生态美渝", "民生福渝", "党建强渝"]
    sidinga = named(ex, "abbreviation", "四盯")
    assert sidinga.items == ["盯目标", "盯一线", "盯项目", "盯结果"]
    assert liuyu.ordered is False


def test_abbreviation_expanded_after_it():
    ex = run("000")
    assert named(ex, "abbreviation", "三个及时").items == ["及时深入一线推进", "及时协调调度", "及时拍板决策"]
    assert named(ex, "abbreviation", "四个六").items == [
        "推进六项重点改革", "提速六大重点项目", "提升六项重点民生工程", "提质六项生态文旅工程"]


def test_abbreviation_whose_expansion_opens_the_speech():
    ex = run("001")
    sanzhua = named(ex, "abbreviation", "三抓三促")
    assert sanzhua.items == ["抓学习促提升", "抓执行促落实", "抓效能促发展"]
    # mentioned forty times, listed once
    assert len([fw for fw in ex.frameworks if fw.kind == "abbreviation" and fw.name == "三抓三促"]) == 1
    assert "省委、省政府决定在全省开展" in sanzhua.quote


def test_abbreviations_only_mentioned_are_listed_without_items():
    ex = run("001")
    for name in ("八个着力", "四不两直", "六必访"):
        assert named(ex, "abbreviation", name).items == []
        assert named(ex, "abbreviation", name).origin == ""
    # national formulations the reference deck knows take its items
    for name in ("两个确立", "两个维护"):
        fw = named(ex, "abbreviation", name)
        assert fw.origin == "reference" and len(fw.items) == 2


def test_abbreviation_with_a_measure_word_and_its_list():
    ex = run("001")
    assert named(ex, "abbreviation", "五大体系").items == ["全面责任", "隐患排查", "监督管理", "宣传培训", "应急救援"]


def test_the_district_strategy_gets_its_items_and_the_province_one_is_not_duplicated():
    ex = run("003")
    wuda = [fw for fw in ex.frameworks if fw.kind == "abbreviation" and fw.name == "五大战略"]
    assert len(wuda) == 1
    assert wuda[0].items == ["产业兴区", "交通强区", "文旅旺区", "环境立区", "幸福城区"]
    for name in ("三大高地", "三个区域中心"):  # not 一个美好家园: one of a kind
        assert named(ex, "abbreviation", name)


def test_traditional_abbreviation_expanded_after_ji_with_the_count_of_its_name():
    ex = run("004")
    sangao = named(ex, "abbreviation", "三高一低")
    assert sangao.items[:3] == ["原材料價格上漲高", "人工工資高", "融資成本高"]
    assert len(sangao.items) == 4
    assert sangao.warnings == []


def test_abbreviation_spelled_out_by_the_numbered_list_that_follows():
    ex = run("004")
    tupo = named(ex, "abbreviation", "五個突破")
    assert len(tupo.items) == 5
    assert tupo.items[0] == "以三產並舉、量質並重為指標,在增強經濟實力上實現新突破"


def test_idioms_and_quantities_are_not_abbreviations():
    ex = run("002")  # “一盘棋” three times, “两眼一睁、忙到熄灯”, “一次性问题”
    names = {fold(fw.name) for fw in by_kind(ex, "abbreviation")}
    assert not names & {"一盘棋", "两眼一睁", "一次性问题", "一退再退"}
    names = {fold(fw.name) for fw in by_kind(run("001"), "abbreviation")}
    assert "十年辉煌" not in names and "两张皮" not in names
    names = {fold(fw.name) for fw in by_kind(run("004"), "abbreviation")}
    assert not names & {"一核", "一亩三分地", "一把手", "五个理念", "四个字上"}


def test_unquoted_abbreviation_given_with_its_expansion():
    ex = extract_text("具体做到三个抓：1、抓学习，2、抓执行，3、抓效能。今年全面推行五进。")
    sange = named(ex, "abbreviation", "三个抓")
    assert sange.items == ["抓学习", "抓执行", "抓效能"]


def test_a_count_that_disagrees_with_the_name_is_said():
    ex = extract_text("工作上要突出“三个结合”：一是学习和实践相结合，二是当前和长远相结合。")
    fw = named(ex, "abbreviation", "三个结合")
    assert fw.items == ["学习和实践相结合", "当前和长远相结合"]
    assert fw.warnings == ["the name says 3 but 2 items were found"]
    assert any("says 3 but 2" in note for note in ex.notes)


def test_the_count_of_a_name_with_ge_is_the_number_before_it():
    from drill.core.extract.abbrev import expected_count

    assert [expected_count(n) for n in ("四个一流", "四个六", "三个一批", "两个维护", "三抓三促", "三高一低")] == \
        [4, 4, 3, 2, 3, 4]


# --------------------------------------------------------------------------
# enumerations


def test_enumeration_named_by_the_sentence_that_leads_it():
    ex = run("001")
    fw = with_items(ex, "enumeration",
                    "突出能力为先的导向,激励督促各级各方面勤学苦练强本领,如饥似渴促进素质大提升",
                    "突出执行为要的导向,激励督促各级各方面畅通政令保运转,千方百计促进工作大落实",
                    "突出效能为王的导向,激励督促各级各方面追求卓越挑重担,竭尽所能促进二十大发展")
    assert fw.name.startswith("开展“三抓三促”行动")
    assert "主旨和内涵非常清晰" in fw.name
    assert fw.ordered is True


def test_seven_problems_match_the_count_their_lead_announces():
    ex = run("001")
    fw = named(ex, "enumeration", "有以下七类突出问题需要下功夫加以整治")
    assert fw.items == ["麻木僵化不思为", "懒散疲沓不勤为", "能力平庸不善为", "求稳怕乱不敢为",
                        "粗枝大叶不细为", "拈轻怕重不想为", "私心作祟不正为"]
    assert fw.warnings == []


def test_yi_yao_enumeration_and_topic_sentences():
    ex = run("001")
    assert len(named(ex, "enumeration", "同做好本职工作、推动事业发展紧密结合在一起").items) == 6
    with_items(ex, "enumeration", "要坚持以上率下", "要抓好组织协调", "要加强督促考核", "要营造浓厚氛围")
    with_items(ex, "enumeration", "要有思想“破冰”的魄力", "要有赶超“一流”的追求",
               "要有加速“进位”的姿态", "要有争当“闯将”的激情")


def test_topic_sentence_runs_nest_under_their_parents():
    ex = run("000")
    with_items(ex, "enumeration", "谋划工作要抓全局", "谋划工作要抓重点", "谋划工作要抓典型")
    assert with_items(ex, "enumeration", "要找准坐标定位", "要理清工作思路", "要明确工作目标").name == "谋划工作要抓全局"
    with_items(ex, "enumeration", "要抓住发展这个根本", "要抓住党建这个保证", "要抓住稳定这个基础")
    with_items(ex, "enumeration", "要解放思想抓落实", "要领导带头抓落实", "要创新方法抓落实", "要改进作风抓落实")
    with_items(ex, "enumeration", "要大兴真抓实干之风", "要大兴求真务实之风", "要大兴团结协作之风", "要大兴清正廉洁之风")
    # a shared opening clause is dropped from each item
    with_items(ex, "enumeration", "要拉高标杆、自我加压", "要有真本领、有硬功夫", "要不畏困难、不惧艰险")


def test_sequence_words_inside_a_sentence():
    ex = run("000")
    fw = with_items(ex, "enumeration", "找到切入点", "再找到着力点", "找到闪光点")
    assert fw.name == "我觉得要抓三点"


def test_nested_paren_lists_each_level_separately():
    ex = run("003")
    top = with_items(ex, "enumeration", "牢记嘱托,坚定前行方向", "总结经验,凝聚奋进力量")
    assert top.name == "一、感恩奋进,激发攻坚突破原动力"
    inner = with_items(ex, "enumeration", "深刻领会讲话精神,把准工作方向", "对标对表讲话要求,明确工作重点",
                       "以讲话精神为指引,推动工作落实")
    assert inner.name == "(一)牢记嘱托,坚定前行方向"
    # the part after the hidden text: its lead is gone, so it is named by its first item
    after = with_items(ex, "enumeration", "树立争先意识,激发奋进动力", "保持昂扬姿态,锐意进取拼搏",
                       "争分夺秒奋进,争创一流业绩")
    assert after.name.startswith("树立争先意识")


def test_traditional_enumerations():
    ex = run("004")
    fw = named(ex, "enumeration", "我們一定要堅持強化好以下五個理念")
    assert len(fw.items) == 5 and fw.items[0] == "要強化“xx是金華的主城區,也是中心城市的核心區”的理念"
    heads = named(ex, "enumeration", "具體就是要做四個方面的“帶頭人”")
    assert heads.items == ["要做興村富民的帶頭人", "要做敬業奉獻的帶頭人", "要做公道正派的帶頭人", "要做和諧共事的帶頭人"]
    with_items(ex, "enumeration", "抓落實,是發揚傳統、改進作風的客觀要求", "抓落實,是加快發展、實現目標的基本途徑",
               "抓落實,是貫徹決策、實施政策的前提條件")


# --------------------------------------------------------------------------
# outlines


def test_outline_headings_on_their_own_lines():
    ex = run("001")
    (outline,) = by_kind(ex, "outline")
    assert outline.items == [
        "形势逼人、时不我待,开展“三抓三促”行动迫在眉睫",
        "明确目标、领会内涵,把准“三抓三促”行动主要目的",
        "围绕大局、聚焦重点,放大“三抓三促”行动实际成效",
        "紧盯问题、靶向施治,依托“三抓三促”行动攻坚破题",
        "跳起摸高、加力推进,通过“三抓三促”行动激发豪情",
        "加强领导、精心组织,确保“三抓三促”行动走深走实",
    ]
    assert outline.name == ex.source.title


def test_outline_headings_run_into_their_paragraphs():
    (outline,) = by_kind(run("000"), "outline")
    assert outline.items == ["保持“不争第一就是落后”的进取心,谋就谋定",
                             "保持“不争第一就是落后”的进取心,走就走前",
                             "保持“不争第一就是落后”的进取心,干就干好"]


def test_outline_of_di_headings():
    (outline,) = by_kind(run("002"), "outline")
    assert outline.items == ["要提高站位干", "要讲究方法干", "要真督实查干"]
    (outline,) = by_kind(run("004"), "outline")
    assert outline.items == ["抓落實促發展,首先要解決思想認識的問題", "抓落實促發展,必須要有科學的方式方法",
                             "抓落實促發展,還是要健全各類保障機制"]


def test_a_lone_visible_heading_is_no_outline():
    # 二、 and 三、 are in the hidden part: an outline needs two headings
    assert by_kind(run("003"), "outline") == []


# --------------------------------------------------------------------------
# parallel phrases


@pytest.mark.parametrize("prefix, items", [
    ("000", ["项目就是题目", "现场就是考场", "工地就是阵地", "进度就是尺度"]),
    ("000", ["谋就谋定", "走就走前", "干就干好"]),
    ("000", ["找得到", "谈得拢", "落得下", "达得产"]),
    ("000", ["周推进", "月专报", "季通报"]),
    ("000", ["工作项目化", "项目工程化", "任务清单化", "时限节点化", "流程标准化", "责任明晰化", "考核数据化"]),
    ("001", ["把工作标准调整到最高", "把精神状态调整到最佳", "把自我要求调整到最严", "把服务水平调整到最优"]),
    ("001", ["两手抓", "两不误", "两促进"]),
    ("002", ["查必清", "清必办", "办必果"]),
    ("002", ["能者上", "庸者下", "劣者汰"]),
    ("002", ["督出压力", "督出动力", "督出战斗力", "督出生产力"]),
    ("003", ["项目大会战", "环境大优化", "作风大提升"]),
    ("003", ["走在前", "勇争先", "善作为"]),
    ("004", ["緊", "嚴", "細", "實"]),
    ("004", ["門難進", "臉難看", "話難聽", "事難辦"]),
    ("004", ["平平安安佔位子", "忙忙碌碌裝樣子", "疲疲塌塌混日子"]),
])
def test_parallel_phrases(prefix, items):
    fw = with_items(run(prefix), "parallel", *items)
    assert fw.ordered is True


def test_a_repeated_parallel_phrase_is_listed_once():
    ex = run("003")
    assert len([fw for fw in by_kind(ex, "parallel") if fw.items[0] == "项目大会战"]) == 1


def test_lists_that_are_not_set_phrases():
    ex = run("000")
    for items in (["各领域", "各行业", "各层面"], ["现有的产业", "现有的企业", "现有的配套"],
                  ["重大项目", "带动性项目", "支撑性项目"], ["谈思路", "谈打算", "谈怎么"]):
        with pytest.raises(AssertionError):
            with_items(ex, "parallel", *items)
    # an abbreviation's expansion is not listed again as a phrase
    with pytest.raises(AssertionError):
        with_items(run("001"), "parallel", "抓学习促提升", "抓执行促落实", "抓效能促发展")
    with pytest.raises(AssertionError):
        with_items(run("004"), "parallel", "區人大", "區政府", "區政協")


# --------------------------------------------------------------------------
# encodings and provenance


def test_gb18030_and_big5_give_the_same_frameworks(tmp_path):
    import opencc

    text = seed("001").read_text("utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    ex = extract_file(gbk)
    assert ex.source.encoding == "gb18030"
    assert [(fw.id, fw.items) for fw in ex.frameworks] == [(fw.id, fw.items) for fw in run("001").frameworks]

    trad = opencc.OpenCC("s2t").convert(text)
    big5 = tmp_path / "big5.txt"
    big5.write_bytes(trad.encode("cp950", errors="replace"))
    ex5 = extract_file(big5)
    assert ex5.source.encoding == "big5"
    assert named(ex5, "abbreviation", "三抓三促").items == ["抓學習促提升", "抓執行促落實", "抓效能促發展"]
    # In traditional characters the same frameworks are found, with the same ids.
    ex_trad = extract_text(trad)
    assert [fw.id for fw in ex_trad.frameworks] == [fw.id for fw in run("001").frameworks]
    assert [[fold(i) for i in fw.items] for fw in ex_trad.frameworks] == \
        [[fold(i) for i in fw.items] for fw in run("001").frameworks]


def test_ids_survive_an_edit_elsewhere_in_the_speech():
    text = seed("002").read_text("utf-8")
    before = {fw.id: fw for fw in extract_text(text).frameworks}
    edited = text.replace("同志们:", "同志们:\n\n今天天气很好,大家辛苦了。", 1)
    after = {fw.id: fw for fw in extract_text(edited).frameworks}
    assert set(before) == set(after)
    moved = next(iter(after.values()))
    assert moved.start != before[moved.id].start  # offsets follow the text


def test_the_seeds_are_the_five_speeches():
    assert sorted(p.name[:3] for p in SEEDS.glob("*.txt")) == ALL


def test_text_with_no_frameworks():
    ex = extract_text("今天天气很好。我们去公园散步，看见了许多花。")
    assert ex.frameworks == []
    assert "no frameworks found" in ex.notes


def test_rich_markup_is_kept_literally():
    ex = extract_text("会上强调：一是[bold]抓学习[/bold]。二是抓[red]执行[/]。三是抓效能。")
    fw = by_kind(ex, "enumeration")[0]
    assert fw.items == ["[bold]抓学习[/bold]", "抓[red]执行[/]", "抓效能"]


def test_a_list_numbered_like_the_outline_inside_one_of_its_sections():
    text = ("关于今年工作的讲话\n同志们：\n一、总体要求\n今年工作总的要求是稳中求进。\n"
            "二、工作重点\n重点抓好：一、抓项目。二、抓改革。三、抓民生。\n"
            "三、保障措施\n各级要加强领导，狠抓落实。\n")
    ex = extract_text(text)
    (outline,) = by_kind(ex, "outline")
    assert outline.items == ["总体要求", "工作重点", "保障措施"]
    assert with_items(ex, "enumeration", "抓项目", "抓改革", "抓民生").name == "重点抓好"
