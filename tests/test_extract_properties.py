"""Whatever text it is given, extraction never fails and every item it
returns is traced to the original."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from drill.core.extract import extract_text

# Pieces speeches are made of, markers and separators included, plus junk.
PIECES = [
    "一、", "二、", "三、", "（一）", "（二）", "(三)", "1、", "2.", "3．", "第一，", "第二，", "第三点要求：",
    "一是", "二是", "三是", "一要", "二要", "首先", "其次", "最后", "要", "就是", "即", "的", "和",
    "抓学习", "促提升", "抓执行", "促落实", "项目", "现场", "考场", "谋就谋定", "干就干好",
    "“三抓三促”", "“六渝”", "“一盘棋”", "“2+6”", "三个及时", "四不两直", "五大战略",
    "、", "，", ",", "。", "；", "：", "！", "？", "“", "”", "\n", "\n\n", " ", "　",
    "[bold]", "[/]", "\x00", "\ufffd", "&", "}", "4 d0 L2 Z& v4 N3 }&", "當前位置：首頁 > 範文",
    "版权所有", "---此处隐藏500字，下载后查看---", "x", "X", "*", "(", ")", "（", "）",
]

speeches = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(speeches)
def test_extraction_never_fails_and_traces_every_item(text):
    ex = extract_text(text)
    original = ex.source.text
    ids = [fw.id for fw in ex.frameworks]
    assert len(set(ids)) == len(ids)
    json.dumps(ex.as_json(), ensure_ascii=False)
    for fw in ex.frameworks:
        assert fw.kind in ("abbreviation", "enumeration", "outline", "parallel")
        assert 0 <= fw.start <= fw.end <= len(original)
        assert fw.name.strip()
        for item in fw.items:
            assert item.strip()
            assert item in original


@settings(max_examples=100, deadline=None)
@given(speeches)
def test_extraction_is_deterministic(text):
    first = extract_text(text).as_json()
    assert extract_text(text).as_json() == first
