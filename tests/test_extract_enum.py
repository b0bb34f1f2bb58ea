"""Enumerations and outlines found by the shape of a text: paragraph heads,
"——" lines, numbered points across paragraphs; what is not a list."""

from __future__ import annotations

from drill.core.extract import extract_text


def enums(ex):
    return [fw for fw in ex.frameworks if fw.kind == "enumeration"]


def with_items(ex, *items):
    for fw in enums(ex):
        if fw.items == list(items):
            return fw
    raise AssertionError(f"no enumeration {items}; have {[fw.items for fw in enums(ex)]}")


BODY = "围绕重点环节细化措施，完善配套制度，加强督促检查，确保各项安排落到实处，让基层群众切实感受到变化。"

REPORT = (
    "关于今年工作的报告\n\n"
    "一、过去一年的工作\n\n"
    "过去一年，全市发展面临不少困难。我们坚持稳中求进，较好完成了年度目标。" + BODY + "\n\n"
    "二、今年的主要任务\n\n"
    "今年是承上启下的关键一年。我们要统筹兼顾，突出重点。" + BODY + "\n\n"
    "稳住工业增长基本盘。" + BODY + "\n\n"
    "加快培育新兴服务业。" + BODY + "\n\n"
    "持续改善城乡人居环境。" + BODY + "\n\n"
    "各位代表！\n\n"
    "做好今年工作意义重大。" + BODY + "\n"
)


def test_paragraph_heads_of_a_section_are_an_enumeration_named_by_its_heading():
    ex = extract_text(REPORT)
    fw = with_items(ex, "稳住工业增长基本盘", "加快培育新兴服务业", "持续改善城乡人居环境")
    assert fw.name == "今年的主要任务"
    # the opening paragraphs with a subject (今年是…, 过去一年，…) head nothing
    assert all("今年是承上启下的关键一年" not in fw.items for fw in enums(ex))


def test_ordinary_paragraphs_are_no_list():
    text = (
        "关于今年工作的讲话\n\n"
        "我们要统筹兼顾。" + BODY + "\n\n"
        "今年任务很重。" + BODY + "\n\n"
        "过去一年，成绩来之不易。" + BODY + "\n\n"
        "发展是第一要务。" + BODY + "\n\n"
        "为政之道，民生为本。" + BODY + "\n\n"
        "上下同欲者胜。" + BODY + "\n"
    )
    assert enums(extract_text(text)) == []


def test_a_lone_head_is_no_list():
    text = (
        "二、今年的主要任务\n\n"
        "今年任务很重。" + BODY + "\n\n"
        "稳住工业增长基本盘。" + BODY + "\n\n"
        "我们要统筹兼顾，把握节奏。" + BODY + "\n\n"
        "加快培育新兴服务业。" + BODY + "\n"
    )
    assert enums(extract_text(text)) == []


def test_a_line_broken_by_the_page_does_not_end_the_run():
    text = (
        "一、过去一年的工作\n\n" + BODY + "\n\n"
        "二、今年的主要任务\n\n"
        "今年任务很重。" + BODY + "\n\n"
        "稳住工业增长基本盘。围绕重点环节细化措施，完善配套制度，加强督促检查，确保各项安\n\n"
        "排落到实处，让基层群众切实感受到变化。" + BODY + "\n\n"
        "加快培育新兴服务业。" + BODY + "\n"
    )
    ex = extract_text(text)
    with_items(ex, "稳住工业增长基本盘", "加快培育新兴服务业")


def test_an_address_to_the_audience_ends_the_section():
    ex = extract_text(REPORT)
    assert all("做好今年工作意义重大" not in fw.items for fw in enums(ex))


def test_dash_lines_are_an_enumeration_named_by_their_lead():
    text = (
        "关于五年规划的说明\n\n"
        "规划纲要坚持问题导向，针对发展中的突出短板，立足当前、着眼长远、统筹兼顾，突出了以下三个方面：\n\n"
        "——保持经济平稳增长，推动产业提质升级。" + BODY + "\n\n"
        "——强化科技创新引领，增强发展动力。" + BODY + "\n\n"
        "——持续增进民生福祉。" + BODY + "\n"
    )
    ex = extract_text(text)
    fw = with_items(ex, "保持经济平稳增长，推动产业提质升级", "强化科技创新引领，增强发展动力", "持续增进民生福祉")
    assert fw.name == "突出了以下三个方面"


def test_numbered_sub_sections_each_have_their_heads():
    text = (
        "三、今年重点工作\n\n"
        "今年要重点做好以下两方面工作。\n\n"
        "（一）稳定宏观经济大盘，保持经济运行在合理区间。" + BODY + "\n\n"
        "积极的财政政策要更加有力。" + BODY + "\n\n"
        "稳健的货币政策要精准有效。" + BODY + "\n\n"
        "（二）深化重点领域改革，激发市场主体活力。" + BODY + "\n\n"
        "进一步转变政府职能。" + BODY + "\n\n"
        "促进民营经济健康发展。" + BODY + "\n"
    )
    ex = extract_text(text)
    a = with_items(ex, "积极的财政政策要更加有力", "稳健的货币政策要精准有效")
    assert a.name == "稳定宏观经济大盘，保持经济运行在合理区间"
    b = with_items(ex, "进一步转变政府职能", "促进民营经济健康发展")
    assert b.name == "深化重点领域改革，激发市场主体活力"


def test_a_second_run_under_one_heading_is_named_by_its_introduction():
    text = REPORT + (
        "\n今年还将启动新一轮规划编制工作。" + BODY + "\n\n"
        "面对新形势新任务，改进政府作风，对各级干部提出了新的更高要求。" + BODY + "\n\n"
        "加强法治政府建设。" + BODY + "\n\n"
        "提升行政效能和水平。" + BODY + "\n"
    )
    text = text.replace("各位代表！\n\n做好今年工作意义重大。" + BODY + "\n", "")
    ex = extract_text(text)
    fw = with_items(ex, "加强法治政府建设", "提升行政效能和水平")
    assert fw.name == "面对新形势新任务，改进政府作风，对各级干部提出了新的更高要求"


def test_heads_under_a_numbered_point_are_left_to_it():
    text = (
        "一年来，我们主要做了以下工作。\n\n"
        "一是着力稳增长调结构，创新宏观调控方式。" + BODY + "\n\n"
        "二是围绕激发市场活力，加大改革开放力度。" + BODY + "\n\n"
        "财税金融改革深入推进。" + BODY + "\n\n"
        "坚持以开放促改革。" + BODY + "\n"
    )
    ex = extract_text(text)
    assert [fw.items[:1] for fw in enums(ex)] == [["着力稳增长调结构，创新宏观调控方式"]]


def test_an_outline_needs_two_headings():
    one = "关于今年工作的讲话\n\n一、统一思想认识\n\n" + BODY + "\n\n此处隐藏3021字，下载后查看\n"
    assert [fw for fw in extract_text(one).frameworks if fw.kind == "outline"] == []
    two = "关于今年工作的讲话\n\n一、统一思想认识\n\n" + BODY + "\n\n二、狠抓工作落实\n\n" + BODY + "\n"
    (outline,) = [fw for fw in extract_text(two).frameworks if fw.kind == "outline"]
    assert outline.items == ["统一思想认识", "狠抓工作落实"]


def test_points_numbered_by_a_counted_noun():
    text = (
        "关于发展规划的说明\n\n"
        "综合各方面条件，今后十年可以分两个阶段来安排。\n\n"
        "第一个阶段，从今年到第五年，打牢基础、补齐短板，基本建成现代产业体系。" + BODY + "\n\n"
        "第二个阶段，从第六年到第十年，巩固提升、全面发力，建成区域发展高地。" + BODY + "\n"
    )
    ex = extract_text(text)
    fw = with_items(ex, "从今年到第五年，打牢基础、补齐短板，基本建成现代产业体系",
                    "从第六年到第十年，巩固提升、全面发力，建成区域发展高地")
    assert fw.name == "综合各方面条件，今后十年可以分两个阶段来安排"


def test_a_point_that_is_a_long_sentence_gives_its_first_clause():
    text = (
        "关于减税降费的说明\n\n"
        "今年将采取两项举措。一是全面推行电子发票，从下月起，将试点范围扩大到建筑、物流、餐饮、零售等各个行业，"
        "并将全部新办企业纳入系统，确保企业办税成本只减不增。二是清理规范涉企收费项目，停征一批行政事业性收费。"
        + BODY + "\n"
    )
    ex = extract_text(text)
    with_items(ex, "全面推行电子发票", "清理规范涉企收费项目，停征一批行政事业性收费")


def test_sentences_in_a_paragraph_opening_in_one_frame():
    text = (
        "关于改进作风的讲话\n\n"
        "（三）全面提升干部能力。干部队伍是事业成败的关键。要提高调查研究能力，多到基层一线听取意见，掌握第一手材料。"
        "提高科学决策能力，完善决策程序，防止拍脑袋。提高应急处置能力，健全预案体系，做到反应迅速。"
        "各级党委要把能力建设摆上重要位置。\n"
    )
    ex = extract_text(text)
    with_items(ex, "提高调查研究能力", "提高科学决策能力", "提高应急处置能力")


def test_sentences_that_only_open_alike_are_no_frame():
    text = (
        "关于改进作风的讲话\n\n"
        "干部队伍是事业成败的关键。要加强理论学习，多读书读原著，掌握第一手材料。"
        "加强基层调研，完善决策程序，防止拍脑袋。加强督查问责，健全预案体系，做到反应迅速。\n"
    )
    assert enums(extract_text(text)) == []


def test_page_numbers_left_in_a_scraped_text_are_no_list():
    text = (
        "关于今年工作的讲话\n\n"
        "今年我们要坚持稳中求进。要推动经济高质量发\n"
        "1、展，持续扩大有效需求，加快建设现代化产业体系，不断增强发展动力。" + BODY + "要加快建设现代化产业体\n"
        "2、系，培育壮大新兴产业，推动传统产业改造升级。" + BODY + "\n"
    )
    assert enums(extract_text(text)) == []


def test_a_list_after_a_lead_without_a_colon_is_kept():
    text = (
        "关于今年工作的讲话\n\n"
        "今年我们要坚持稳中求进。重点抓好以下两项工作\n"
        "1、抓项目建设。" + BODY + "\n"
        "2、抓改革攻坚。" + BODY + "\n"
    )
    with_items(extract_text(text), "抓项目建设", "抓改革攻坚")


def test_one_paragraph_without_a_head_may_stand_between_two_heads():
    text = (
        "三、今年重点工作\n\n"
        "今年要重点做好以下两方面工作。\n\n"
        "（一）稳定宏观经济大盘，保持经济运行在合理区间。" + BODY + "\n\n"
        "积极的财政政策要更加有力。" + BODY + "\n\n"
        "适度扩大支出规模，优化支出结构，主要用于补短板、强弱项。" + BODY + "\n\n"
        "稳健的货币政策要精准有效。" + BODY + "\n\n"
        "加强就业优先政策支持。" + BODY + "\n\n"
        "（二）深化重点领域改革，激发市场主体活力。" + BODY + "\n"
    )
    ex = extract_text(text)
    with_items(ex, "积极的财政政策要更加有力", "稳健的货币政策要精准有效", "加强就业优先政策支持")


def test_heads_with_no_heading_or_lead_are_named_by_the_first():
    text = (
        "一年来全市经济运行情况\n\n"
        "去年以来，全市上下攻坚克难，顶住了多重压力。" + BODY + "\n\n"
        "就业形势总体稳定。" + BODY + "\n\n"
        "物价水平保持平稳。" + BODY + "\n\n"
        "居民收入稳步增长。" + BODY + "\n"
    )
    fw = with_items(extract_text(text), "就业形势总体稳定", "物价水平保持平稳", "居民收入稳步增长")
    assert fw.name == "就业形势总体稳定…（共3项）"


def test_two_short_openings_with_no_heading_are_no_list():
    text = (
        "在全市经济工作会议上的讲话\n\n"
        "去年以来，全市上下攻坚克难，顶住了多重压力。" + BODY + "\n\n"
        "成绩来之不易。" + BODY + "\n\n"
        "问题不容忽视。" + BODY + "\n"
    )
    assert enums(extract_text(text)) == []


def test_dash_points_run_together_in_one_paragraph():
    text = (
        "关于今年工作的报告\n\n"
        "一年来，全市上下攻坚克难，较好完成了年度目标。——经济发展再上新台阶。地区生产总值增长百分之六，"
        "财政收入稳步增长。——结构调整形成新格局。新兴产业加快成长，服务业比重继续提高。"
        "——民生保障持续加强。城乡居民收入较快增长。\n"
    )
    with_items(extract_text(text), "经济发展再上新台阶", "结构调整形成新格局", "民生保障持续加强")


def test_a_dash_inside_a_sentence_is_no_point():
    text = (
        "关于今年工作的报告\n\n"
        "我们要牢记一个道理——发展是硬道理。这个道理——人人都懂——却常常被忽视。" + BODY + "\n"
    )
    assert enums(extract_text(text)) == []


def test_heads_after_a_lead_ending_in_a_colon_are_named_by_it():
    text = (
        "一年来全市经济运行情况\n\n"
        "去年以来，全市上下攻坚克难，经济运行呈现这样的特点：\n\n"
        "就业形势总体稳定。" + BODY + "\n\n"
        "物价水平保持平稳。" + BODY + "\n\n"
        "居民收入稳步增长。" + BODY + "\n"
    )
    fw = with_items(extract_text(text), "就业形势总体稳定", "物价水平保持平稳", "居民收入稳步增长")
    assert fw.name == "去年以来，全市上下攻坚克难，经济运行呈现这样的特点"


def test_a_list_after_a_sentence_cut_short_between_words_is_kept():
    text = (
        "关于今年工作的讲话\n\n"
        "今年我们要坚持稳中求进，围绕中心、服务大局，各项工作的主要措施有\n"
        "1、抓项目建设。" + BODY + "\n"
        "2、抓改革攻坚。" + BODY + "\n"
    )
    with_items(extract_text(text), "抓项目建设", "抓改革攻坚")


def test_a_long_lead_is_named_from_the_clause_that_announces_the_list():
    text = (
        "关于今年工作的报告\n\n"
        "一年来，我们认真贯彻上级决策部署，统筹推进稳增长和防风险，主要做了以下工作。\n\n"
        "一是着力稳定经济增长。" + BODY + "\n\n"
        "二是持续深化改革开放。" + BODY + "\n"
    )
    fw = with_items(extract_text(text), "着力稳定经济增长", "持续深化改革开放")
    assert fw.name == "主要做了以下工作"


def test_framed_clauses_in_a_heading_paragraph_are_named_by_the_heading():
    text = (
        "关于改进作风的讲话\n\n"
        "（一）把政治建设摆在首位。" + BODY + "\n\n"
        "（二）全面提升干部能力。干部队伍是事业成败的关键。要提高调查研究能力，多到基层一线听取意见。"
        "提高科学决策能力，完善决策程序，防止拍脑袋。提高应急处置能力，健全预案体系，做到反应迅速。\n"
    )
    fw = with_items(extract_text(text), "提高调查研究能力", "提高科学决策能力", "提高应急处置能力")
    assert fw.name == "全面提升干部能力"


def test_steps_and_qi_numbering():
    # (a lead naming 两步走 makes the steps that abbreviation's items instead)
    steps = ("实现目标分两个阶段安排。第一步，到第五年打牢发展基础。" + BODY
             + "第二步，到第十年全面建成发展高地。" + BODY + "\n")
    fw = with_items(extract_text(steps), "到第五年打牢发展基础", "到第十年全面建成发展高地")
    assert fw.name == "实现目标分两个阶段安排"
    qi = ("这样安排的理由有三。其一，符合上级精神。" + BODY + "其二，顺应群众期盼。" + BODY
          + "其三，契合发展实际。" + BODY + "\n")
    with_items(extract_text(qi), "符合上级精神", "顺应群众期盼", "契合发展实际")
    assert enums(extract_text("其一致性很强，其二者兼顾的做法值得推广。" + BODY + "\n")) == []


def test_dash_lines_under_a_numbered_point_are_a_list_of_their_own():
    text = (
        "一年来，我们主要做了以下工作。\n\n"
        "一是着力稳增长调结构，创新宏观调控方式。" + BODY + "\n\n"
        "二是围绕激发市场活力，加大改革开放力度。取得了这样几项成果：\n\n"
        "——营商环境持续优化。" + BODY + "\n\n"
        "——市场主体不断壮大。" + BODY + "\n"
    )
    ex = extract_text(text)
    with_items(ex, "营商环境持续优化", "市场主体不断壮大")


def test_a_long_point_that_opens_on_its_setting_is_kept_whole():
    first = ("从今年到第五年，在打牢产业基础、补齐基础设施短板、稳住就业和民生底线的前提下，"
             "再奋斗五年，基本建成现代产业体系和区域创新高地")
    second = ("从第六年到第十年，在基本建成现代产业体系和区域创新高地的基础上，"
              "再奋斗五年，把全市建成富强民主文明和谐美丽的社会主义现代化城市")
    text = ("关于发展规划的说明\n\n综合各方面条件，今后十年可以分两个阶段来安排。\n\n"
            "第一个阶段，" + first + "。" + BODY + "\n\n第二个阶段，" + second + "。" + BODY + "\n")
    assert len(first) > 60 and len(second) > 60
    with_items(extract_text(text), first, second)


def test_a_formulation_named_in_the_lead_is_no_count_of_the_points():
    for lead in ("我们要牢固树立四个意识，做好工作。", "我们要增强“四个意识”，做好工作。"):
        text = lead + "一是抓学习，提升本领。二是抓执行，狠抓落实。三是抓效能，促进发展。"
        ex = extract_text(text)
        enum = [fw for fw in ex.frameworks if fw.kind == "enumeration"]
        assert len(enum) == 1 and len(enum[0].items) == 3
        assert enum[0].warnings == []
    # a count that does count the points still warns when it disagrees
    text = "我们要抓好四个方面的工作。一是抓学习，提升本领。二是抓执行，狠抓落实。三是抓效能，促进发展。"
    enum = [fw for fw in extract_text(text).frameworks if fw.kind == "enumeration"]
    assert enum and any("4" in w for w in enum[0].warnings)
