"""Parallel set phrases in the shapes speeches and reports use, on short
passages written for these tests."""

from __future__ import annotations

import pytest

from drill.core.extract import extract_text


def parallels(text: str) -> list[list[str]]:
    return [fw.items for fw in extract_text(text).frameworks if fw.kind == "parallel"]


@pytest.mark.parametrize("text, items", [
    # no separators: slogans run together, sharing an opening or a closing
    ("全体干部要把工作抓紧抓细抓好。", ["抓紧", "抓细", "抓好"]),
    ("认真解决群众的操心事烦心事揪心事。", ["操心事", "烦心事", "揪心事"]),
    ("让群众的获得感幸福感安全感更加充实。", ["获得感", "幸福感", "安全感"]),
    ("坚持共商共建共享原则，扩大合作。", ["共商", "共建", "共享"]),
    ("全力以赴保就业保民生保市场主体。", ["保就业", "保民生", "保市场主体"]),
    ("党员干部要带头尊法学法守法用法。", ["尊法", "学法", "守法", "用法"]),
    # 和 / 及 / 与 / 以及 before the last member
    ("全面增强政治自觉、思想自觉和行动自觉。", ["政治自觉", "思想自觉", "行动自觉"]),
    ("要把学习抓早、抓实以及抓常，不搞形式。", ["抓早", "抓实", "抓常"]),
    # members of two characters
    ("集中人力、物力、财力办大事。", ["人力", "物力", "财力"]),
    ("讲清楚其中的道理、学理、哲理。", ["道理", "学理", "哲理"]),
    # long sentences of one frame: a shared opening and close
    ("今年的成绩，是以市委为核心的领导班子坚强有力统筹全局的结果，是广大干部敢于担当作为的结果，"
     "是全市人民群众齐心协力顽强拼搏奋斗的结果。",
     ["是以市委为核心的领导班子坚强有力统筹全局的结果", "是广大干部敢于担当作为的结果",
      "是全市人民群众齐心协力顽强拼搏奋斗的结果"]),
    # common words jieba's dictionary also lists as given names or places
    ("深入打好蓝天、碧水、净土保卫战。", ["蓝天", "碧水", "净土"]),
    # a shared head outside the list, nothing after it
    ("要把党的全面领导落实到各领域、各方面、各环节。", ["各领域", "各方面", "各环节"]),
    # one shape with nothing shared, the context cut off at a word
    ("关键时刻干部要打头阵、挑重担、当主力、勇争先。", ["打头阵", "挑重担", "当主力", "勇争先"]),
    ("下一步坚持锻长板、补短板、强创新、求突破。", ["锻长板", "补短板", "强创新", "求突破"]),
    ("我县经济总量、财政收入、居民收入稳步增长。", ["经济总量", "财政收入", "居民收入"]),
    # an idiom that holds 与 is one member, not two
    ("做到同舟共济、互相支持、荣辱与共、携手并进。", ["同舟共济", "互相支持", "荣辱与共", "携手并进"]),
    # a character apart in length, each saying something
    ("坚持企业为主、政府推动、市场化运作。", ["企业为主", "政府推动", "市场化运作"]),
    # two lists sharing a clause
    ("获得感、幸福感、安全感更加充实、更有保障、更可持续。", ["更加充实", "更有保障", "更可持续"]),
    # sentences of one opening, however long
    ("这意味着我们的事业站上了新的历史起点，意味着发展的动力更加强劲持久，"
     "意味着人民群众的日子会越过越红火。",
     ["意味着我们的事业站上了新的历史起点", "意味着发展的动力更加强劲持久", "意味着人民群众的日子会越过越红火"]),
])
def test_parallel_shapes(text, items):
    assert items in parallels(text)


@pytest.mark.parametrize("text", [
    # ordinary lists of things
    "今年要稳住GDP、固投、商贸业等指标。",
    "展会在北京、上海、广州三地举办。",
    "他们是全区各领域、各行业、各层面的模范和标兵。",
    # members of uneven length that share nothing are prose
    "推动全面深化改革、联系服务群众和推动发展的本领不断提高。",
    # a word repeated is no slogan
    "一个一个地落实，一个一个地检查。",
    # a character apart in length naming things, or with one head noun
    "加快发展互联网、大数据、人工智能。",
    "比如重大项目、带动性项目、支撑性项目不强。",
    # a plain list joined by 和 names things; three idioms in a row describe
    "引进先进技术、成套装备和优质产品。",
    "工作中做到上下一致、层层联动、一抓到底。",
    # three members with a classical idiom among them describe too
    "有的同志工作作风漂浮、责任不清、敷衍了事。",
    # events, groups of people, figures and counts are things, not a formulation
    "今年办好进博会、广交会、服贸会。",
    "关爱困境儿童、流动儿童和留守儿童。",
    "三项指标分别增长23%、15%、18%。",
    "用一年、两年、三年的时间完成。",
    # bodies of people as a whole, run together or listed
    "这是全党全军全国各族人民团结奋斗的结果。",
    "动员全省、全市、全县的力量。",
    # people named by pronouns, honours, and a member cut after a particle
    "这份荣誉里有你、有他、有我。",
    "大会表彰了先进地区、先进单位、先进个人。",
    "要把握好上级给**作出的明确指示、开出的良方、提出的要求。",
])
def test_lists_that_are_not_set_phrases(text):
    assert parallels(text) == []


def test_every_member_is_an_exact_piece_of_the_text():
    text = "要坚持锻长板、补短板、强创新、求突破，抓紧抓细抓好，做到政治自觉、思想自觉和行动自觉。"
    ex = extract_text(text)
    assert ex.frameworks
    for fw in ex.frameworks:
        for item in fw.items:
            assert item in text
