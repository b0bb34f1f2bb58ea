"""Masked words of web copies (建设美丽**, xx新城区, ××县): flagged by
extraction, taken by the grader as any name of up to MASK_MAX_CHARS characters."""

from __future__ import annotations

import io
import json

import pytest

from drill import cli
from drill.core import masks
from drill.core.extract import extract_text
from drill.core.grading import Verdict, grade


@pytest.mark.parametrize("item, answer", [
    ("建设美丽**", "建设美丽江南"),
    ("推进现代化**实践", "推进现代化东海实践"),
    ("xx新城区", "北湖新城区"),
    ("××县", "平安县"),
])
def test_a_mask_takes_the_real_name_with_no_extra(item, answer):
    g = grade([item, "守住生态底线"], f"{answer}、守住生态底线")
    assert g.verdict == Verdict.CORRECT and g.extra == []
    assert g.items[0].expected == item  # shown as it stands


def test_a_mask_stands_for_at_most_the_named_number_of_characters():
    name = "长" * (masks.MASK_MAX_CHARS + 3)
    assert grade(["建设美丽**"], f"建设美丽{name}").verdict != Verdict.CORRECT
    assert grade(["建设美丽**"], "建设美丽" + "长" * masks.MASK_MAX_CHARS).verdict == Verdict.CORRECT


def test_the_words_around_a_mask_still_count():
    assert grade(["建设美丽**"], "建设富强江南").verdict in (Verdict.WRONG, Verdict.PARTIAL)
    assert grade(["建设美丽**", "守住生态底线"], "建设美丽江南").verdict == Verdict.PARTIAL


def test_drill_grade_takes_a_mask(monkeypatch, capsys):
    line = json.dumps({"expected": ["建设美丽**", "守住生态底线"], "answer": "建设美丽江南，守住生态底线"},
                      ensure_ascii=False)
    stdin = io.TextIOWrapper(io.BytesIO((line + "\n").encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    assert cli.main(["grade"]) == 0
    out = json.loads(capsys.readouterr().out.strip())
    assert out["verdict"] == "correct" and out["extra"] == []


def test_extraction_flags_every_item_with_a_mask():
    text = "会议要求，一是建设美丽**，二是打造xx新城区，三是守住生态底线。\n"
    found = extract_text(text, "masked.txt")
    fw = next(f for f in found.frameworks if "守住生态底线" in f.items)
    assert [w for w in fw.warnings if "masked" in w] == [masks.warning("建设美丽**"), masks.warning("打造xx新城区")]
    assert sum("masked" in n for n in found.notes) == 2
