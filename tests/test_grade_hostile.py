"""`drill grade` under hostile input: every line gets its answer or its
error object, in order, and no line can stop or stall the batch."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drill import cli
from drill.core import grading


def grade_lines(lines: list[bytes]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    status = cli._grade(io.BytesIO(b"".join(line + b"\n" for line in lines)), out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def good(answer: str = "抓学习促提升") -> bytes:
    return json.dumps({"expected": ["抓学习促提升", "抓执行促落实"], "answer": answer},
                      ensure_ascii=False).encode("utf-8")


def test_json_nested_too_deep_and_numbers_too_long_are_errors_of_their_line():
    deep = b'{"expected": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    digits = b'{"expected": ["a"], "answer": "a", "n": ' + b"9" * 5000 + b"}"
    status, out = grade_lines([good(), deep, digits, good()])
    assert status == cli.EXIT_PROBLEMS
    assert [o.get("line") for o in out] == [None, 2, 3, None]
    assert "nested too deep" in out[1]["error"] and "digits" in out[2]["error"]
    assert out[0]["verdict"] == out[3]["verdict"] == "partial"


def test_answers_too_big_to_grade_are_refused_by_the_named_limits():
    too_many = {"expected": [f"第{i}项" for i in range(grading.MAX_ITEMS + 1)], "answer": "x"}
    too_long = {"expected": ["字" * (grading.MAX_ITEM_CHARS + 1)], "answer": "x"}
    long_answer = {"expected": ["抓学习"], "answer": "抓" * (grading.MAX_ANSWER_CHARS + 1)}
    at_limit = {"expected": ["字" * grading.MAX_ITEM_CHARS], "answer": "字" * grading.MAX_ITEM_CHARS}
    lines = [json.dumps(x, ensure_ascii=False).encode() for x in (too_many, too_long, long_answer, at_limit)]
    lines.append(b"x" * (cli.GRADE_LINE_MAX + 1))
    status, out = grade_lines(lines)
    assert status == cli.EXIT_PROBLEMS
    assert all("too big" in o["error"] for o in out[:3])
    assert out[3]["verdict"] == "correct"
    assert "bytes" in out[4]["error"] and out[4]["line"] == 5


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
requests = st.fixed_dictionaries(
    {}, optional={"expected": json_values | st.lists(st.text(max_size=30), max_size=6),
                  "answer": json_values | st.text(max_size=60), "ordered": json_values})
hostile_line = (st.binary(max_size=80).filter(lambda b: b"\n" not in b and b"\r" not in b)
                | requests.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8"))
                | json_values.map(lambda v: json.dumps(v).encode("utf-8")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_line, min_size=1, max_size=8))
def test_any_lines_give_one_output_line_each_and_never_a_traceback(lines):
    lines = [line for line in lines if line.strip()]
    status, out = grade_lines(lines)
    assert len(out) == len(lines)
    for number, (line, result) in enumerate(zip(lines, out), start=1):
        if "error" in result:
            assert result["line"] == number and result["error"].startswith(f"line {number}: ")
        else:
            assert result["verdict"] in ("correct", "partial", "wrong")
    assert status in (cli.EXIT_OK, cli.EXIT_PROBLEMS)
