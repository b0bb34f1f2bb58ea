"""`drill grade`: JSON lines in, one JSON line out per input, in order; a bad
line gets an error object on its line and grading goes on."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

SAN_ZHUA = ["抓学习促提升", "抓执行促落实", "抓效能促发展"]


def run_grade(stdin: bytes) -> tuple[int, list[dict], str]:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "CI": "true"}
    proc = subprocess.run([sys.executable, "-m", "drill", "grade"], input=stdin,
                          capture_output=True, env=env, timeout=120)
    out = proc.stdout.decode("utf-8")
    lines = [json.loads(line) for line in out.splitlines()]
    return proc.returncode, lines, proc.stderr.decode("utf-8")


def request(answer: str, expected=SAN_ZHUA, ordered=False) -> bytes:
    return json.dumps({"expected": expected, "answer": answer, "ordered": ordered},
                      ensure_ascii=False).encode("utf-8") + b"\n"


def test_one_line_out_per_line_in_with_the_promised_names():
    stdin = (request("抓学习促提升、抓执行促落实、抓效能促发展")
             + request("抓效能促发展、抓学习促提升", ordered=True)
             + request("不知道"))
    code, lines, err = run_grade(stdin)
    assert code == 0, err
    assert [line["verdict"] for line in lines] == ["correct", "partial", "wrong"]
    for line in lines:
        assert set(line) == {"score", "verdict", "items", "extra", "intrusions"}
        assert 0.0 <= line["score"] <= 1.0
        assert [item["expected"] for item in line["items"]] == SAN_ZHUA
        for item in line["items"]:
            assert set(item) == {"expected", "typed", "verdict"}
    assert lines[0]["score"] == 1.0
    assert [i["verdict"] for i in lines[1]["items"]] == ["correct", "missing", "out_of_place"]
    assert lines[1]["items"][2]["typed"] == "抓效能促发展"


def test_malformed_lines_get_an_error_and_grading_goes_on():
    stdin = b"".join([
        request("抓学习促提升"),
        b"not json\n",
        b'{"expected": "not a list", "answer": "x"}\n',
        b'{"expected": ["a"], "answer": 5}\n',
        b'["a list"]\n',
        b"\xff\xfe broken bytes\n",
        b'{"expected": ["a"], "answer": "a", "ordered": "yes"}\n',
        b"\n",  # a blank line is not an input
        request("抓学习促提升、抓执行促落实、抓效能促发展"),
    ])
    code, lines, err = run_grade(stdin)
    assert code == 1
    assert "Traceback" not in err
    assert len(lines) == 8
    assert lines[0]["verdict"] == "partial"
    for n, line in enumerate(lines[1:7], start=2):
        assert set(line) == {"error", "line"}
        assert line["line"] == n
        assert line["error"].startswith(f"line {n}: ")
    assert lines[7]["verdict"] == "correct"


def test_ordered_may_be_left_out_and_answer_may_be_null():
    stdin = (b'{"expected": ["\xe7\x9b\xaf\xe7\x9b\xae\xe6\xa0\x87"], "answer": "\xe7\x9b\xaf\xe7\x9b\xae\xe6\xa0\x87"}\n'
             b'{"expected": ["a"], "answer": null}\n')
    code, lines, _ = run_grade(stdin)
    assert code == 0
    assert lines[0]["verdict"] == "correct"
    assert lines[1]["verdict"] == "wrong"


def test_text_that_looks_like_markup_comes_back_literally():
    code, lines, _ = run_grade(request("[bold]抓学习促提升[/bold]、[red]x"))
    assert code == 0
    assert lines[0]["items"][0]["verdict"] == "correct"
    assert "bold" in "".join(lines[0]["extra"])


def test_no_input_no_output():
    code, lines, _ = run_grade(b"")
    assert code == 0 and lines == []


def test_others_on_a_line_give_the_intrusions_and_extra_stays_strings():
    line = {"expected": ["选好茶叶", "烧好开水"], "answer": "选好茶叶、早起床",
            "others": {"三个早": ["早睡觉", "早起床", "早锻炼"]}}
    bad = {"expected": ["选好茶叶"], "answer": "选好茶叶", "others": ["早起床"]}
    stdin = b"".join(json.dumps(x, ensure_ascii=False).encode("utf-8") + b"\n" for x in (line, bad))
    code, lines, err = run_grade(stdin)
    assert code == 1, err  # the second line is an error
    assert lines[0]["extra"] == ["早起床"]
    assert lines[0]["intrusions"] == [{"typed": "早起床", "framework": "三个早"}]
    assert lines[1] == {"error": 'line 2: "others" must be an object of framework names to lists of strings',
                        "line": 2}
