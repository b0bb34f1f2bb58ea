"""Bad input: every case the command promises to handle with one line naming
the file (and line), a non-zero exit and never a traceback, plus the odd
encodings and texts it promises to read.

The tests use real files in ``tmp_path`` and the real command line
(``drill.cli.main``); a few run ``python -m drill`` as a subprocess to prove
that no traceback reaches the terminal.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import opencc
import pytest
import tomlkit
from conftest import seed

from drill import cli
from drill.core.extract import source as source_mod

MB = 1024 * 1024


# --------------------------------------------------------------------------
# helpers


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the command in-process; return (exit code, stdout, stderr)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, name: str, *words: str) -> str:
    """``err`` is exactly one line, ``drill: NAME: message``, with ``words`` in it."""
    assert "Traceback" not in err
    assert err.endswith("\n"), repr(err)
    assert err.count("\n") == 1, f"not one line: {err!r}"
    prefix = f"drill: {name}: "
    assert err.startswith(prefix), f"{err!r} does not start with {prefix!r}"
    message = err[len(prefix):].strip()
    assert message, "no message after the file name"
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


def json_lines(out: str) -> list[dict]:
    lines = out.splitlines()
    assert all(line.strip() for line in lines), repr(out)
    return [json.loads(line) for line in lines]


def seed_passage() -> str:
    """A real passage of seed 001: part two of the speech, with its 一是…二是…三是 list."""
    text = seed("001").read_text("utf-8")
    start, end = text.index("二、明确目标"), text.index("三、围绕大局")
    return text[start:end]


def to_traditional(text: str) -> str:
    """Simplified → traditional with OpenCC's s2t; then the few OpenCC-standard
    variants that Big5 (cp950) cannot encode (爲 着 羣 衆 啓) are replaced by
    the Taiwan forms (為 著 群 眾 啟), one character for one."""
    trad = opencc.OpenCC("s2t").convert(text)
    trad = opencc.OpenCC("t2tw").convert(trad)
    assert len(trad) == len(text)
    return trad


def frameworks_without_items(result: dict) -> list[tuple]:
    return [(fw["id"], fw["kind"], fw["start"], fw["end"], len(fw["items"]))
            for fw in result["frameworks"]]


ENUMERATION = "我们要做好三项工作：一是加强学习，提高本领；二是狠抓落实，务求实效；三是转变作风，服务群众。\n"


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """Work in tmp_path, so that messages name files exactly as they were given."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --------------------------------------------------------------------------
# drill extract: files that are not speeches


def test_extract_missing_file(here, capsys):
    code, out, err = run(capsys, "extract", "--json", "nowhere.txt")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "nowhere.txt", "no such file")


def test_extract_missing_file_absolute_path_is_named_in_full(tmp_path, capsys):
    missing = tmp_path / "sub" / "nowhere.txt"
    code, out, err = run(capsys, "extract", str(missing))
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, str(missing), "no such file")


def test_extract_directory(here, capsys):
    (here / "speeches").mkdir()
    code, out, err = run(capsys, "extract", "--json", "speeches")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "speeches", "directory")


def test_extract_empty_file(here, capsys):
    (here / "empty.txt").write_bytes(b"")
    code, out, err = run(capsys, "extract", "--json", "empty.txt")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "empty.txt", "empty")


def test_extract_whitespace_only_file(here, capsys):
    (here / "blank.txt").write_bytes(b" \n\t \r\n   \n")
    code, out, err = run(capsys, "extract", "--json", "blank.txt")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "blank.txt", "empty")


def test_extract_binary_file(here, capsys):
    (here / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IHDR" + bytes(range(256)))
    code, out, err = run(capsys, "extract", "--json", "image.txt")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "image.txt", "binary")


def test_extract_binary_file_as_deck_output_writes_nothing(here, capsys):
    (here / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    code, out, err = run(capsys, "extract", "image.txt", "-o", "image.toml")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "image.txt", "binary")
    assert sorted(p.name for p in here.iterdir() if p.name != "drill-home") == ["image.txt"]


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.truncate(size)


def test_extract_huge_file_is_refused_without_being_read(here, capsys, monkeypatch):
    huge = here / "huge.txt"
    _sparse(huge, 50 * MB)
    assert huge.stat().st_size == 50 * MB > source_mod.MAX_BYTES

    # Any attempt to open the huge file fails the test.
    opened: list[str] = []

    def guard(real):
        def wrapper(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and Path(file).resolve() == huge.resolve():
                opened.append(str(file))
                raise AssertionError(f"the {50} MB file was opened")
            return real(file, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(builtins, "open", guard(builtins.open))
    monkeypatch.setattr(io, "open", guard(io.open))
    monkeypatch.setattr(Path, "open", guard(Path.open))
    monkeypatch.setattr(Path, "read_bytes", guard(Path.read_bytes))

    code, out, err = run(capsys, "extract", "--json", "huge.txt")
    assert opened == []
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "huge.txt", "50.0 MB", f"{source_mod.MAX_BYTES // MB} MB")


def test_extract_size_limit_is_exact(here, capsys, monkeypatch):
    """A file of exactly MAX_BYTES is read; one byte more is refused."""
    data = ENUMERATION.encode("utf-8")
    (here / "speech.txt").write_bytes(data)
    monkeypatch.setattr(source_mod, "MAX_BYTES", len(data))
    code, out, err = run(capsys, "extract", "--json", "speech.txt")
    assert code == cli.EXIT_OK, err
    assert len(json_lines(out)[0]["frameworks"]) == 1

    monkeypatch.setattr(source_mod, "MAX_BYTES", len(data) - 1)
    code, out, err = run(capsys, "extract", "--json", "speech.txt")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "speech.txt", "MB")


# --------------------------------------------------------------------------
# drill extract: encodings it must read


def test_extract_gb18030_file(here, capsys):
    passage = seed_passage()
    data = passage.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test really is about a non-UTF-8 file
    (here / "gbk.txt").write_bytes(data)
    (here / "utf8.txt").write_text(passage, "utf-8")

    code, out, err = run(capsys, "extract", "--json", "gbk.txt", "utf8.txt")
    assert code == cli.EXIT_OK, err
    assert "Traceback" not in err
    gbk, utf8 = json_lines(out)
    assert gbk["source"] == "gbk.txt"
    assert gbk["encoding"] == "gb18030"
    assert utf8["encoding"] == "utf-8"
    # decoded to the very same text: the same frameworks, items and offsets
    assert gbk["title"] == utf8["title"] == "二、明确目标、领会内涵,把准“三抓三促”行动主要目的"
    assert gbk["frameworks"] == utf8["frameworks"]
    enum = [fw for fw in gbk["frameworks"] if fw["kind"] == "enumeration"]
    assert [fw["items"][0][:9] for fw in enum] == ["突出能力为先的导向"]
    assert [item[:9] for item in enum[0]["items"]] == ["突出能力为先的导向", "突出执行为要的导向",
                                                     "突出效能为王的导向"]
    assert len(gbk["frameworks"]) >= 5


def test_extract_big5_file(here, capsys):
    passage = seed_passage()
    trad = to_traditional(passage)
    data = trad.encode("cp950")
    (here / "big5.txt").write_bytes(data)
    (here / "utf8.txt").write_text(passage, "utf-8")

    code, out, err = run(capsys, "extract", "--json", "big5.txt", "utf8.txt")
    assert code == cli.EXIT_OK, err
    big5, utf8 = json_lines(out)
    assert big5["encoding"] == "big5"
    assert big5["title"] == to_traditional(utf8["title"])
    # the same frameworks at the same places (ids are made from folded names)
    assert frameworks_without_items(big5) == frameworks_without_items(utf8)
    assert len(big5["frameworks"]) >= 5
    # items are kept as written: traditional, and exactly where the offsets say
    for fw in big5["frameworks"]:
        for item in fw["items"]:
            assert item in trad
        assert fw["quote"] == "" or fw["quote"] in trad
    enum = next(fw for fw in big5["frameworks"] if fw["kind"] == "enumeration")
    assert enum["items"][0].startswith("突出能力為先的導向")
    span = trad[enum["start"]:enum["end"]]
    assert span.startswith("一是突出能力為先的導向")
    assert span.endswith(enum["items"][-1])


def test_extract_utf8_with_bom(here, capsys):
    text = seed("001").read_text("utf-8")
    (here / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (here / "plain.txt").write_text(text, "utf-8")
    code, out, err = run(capsys, "extract", "--json", "bom.txt", "plain.txt")
    assert code == cli.EXIT_OK, err
    bom, plain = json_lines(out)
    assert bom["encoding"] == "utf-8-sig"
    assert plain["encoding"] == "utf-8"
    assert bom["title"] == plain["title"]
    assert not bom["title"].startswith("\ufeff")
    # the BOM shifts no offset
    assert bom["frameworks"] == plain["frameworks"]
    assert len(bom["frameworks"]) > 10


# --------------------------------------------------------------------------
# drill extract: texts without frameworks, texts with markup


def test_extract_text_without_frameworks(here, capsys):
    (here / "plain.txt").write_text(
        "今天天气很好，我们去公园散步。公园里有很多人在锻炼身体，空气也很清新。\n", "utf-8")
    code, out, err = run(capsys, "extract", "--json", "plain.txt")
    assert code == cli.EXIT_OK
    (result,) = json_lines(out)
    assert result["frameworks"] == []
    assert result["encoding"] == "utf-8"
    assert result["source"] == "plain.txt"
    assert_one_line_error(err, "plain.txt", "no frameworks")


def test_extract_rich_markup_is_kept_literally(here, capsys):
    text = ("我们要做好三项工作：一是[bold]加强学习[/bold]，提高本领；二是[red]狠抓落实[/red]，务求实效；"
            "三是转变作风，服务群众。\n"
            "要抓好“三抓三促”：[b]抓学习促提升[/b]、抓执行促落实、抓效能促发展。\n")
    (here / "markup.txt").write_text(text, "utf-8")
    code, out, err = run(capsys, "extract", "--json", "markup.txt")
    assert code == cli.EXIT_OK, err
    (result,) = json_lines(out)
    by_kind = {fw["kind"]: fw for fw in result["frameworks"]}
    assert by_kind["enumeration"]["items"] == [
        "[bold]加强学习[/bold]，提高本领", "[red]狠抓落实[/red]，务求实效", "转变作风，服务群众"]
    assert by_kind["abbreviation"]["name"] == "三抓三促"
    assert by_kind["abbreviation"]["items"] == ["[b]抓学习促提升[/b]", "抓执行促落实", "抓效能促发展"]
    for fw in result["frameworks"]:
        for item in fw["items"]:
            assert item in text

    # written as a deck, checked and shown: the brackets survive every step
    code, out, err = run(capsys, "extract", "markup.txt", "-o", "markup.toml")
    assert code == cli.EXIT_OK, err
    code, out, err = run(capsys, "deck", "check", "markup.toml")
    assert code == cli.EXIT_OK, out + err
    assert out == ""
    code, out, err = run(capsys, "deck", "show", "markup.toml")
    assert code == cli.EXIT_OK, err
    assert "  - [bold]加强学习[/bold]，提高本领\n" in out
    assert "  - [b]抓学习促提升[/b]\n" in out


def test_extract_rich_markup_around_a_marker_does_not_crash(here, capsys):
    """Markup wrapped round the marker itself ([bold]一是[/bold]): no crash, valid JSON,
    and whatever is found keeps its brackets."""
    text = ("我们要做好三项工作：[bold]一是[/bold]加强学习，提高本领；[bold]二是[/bold]狠抓落实，"
            "务求实效；[bold]三是[/bold]转变作风，服务群众。[/red]\n")
    (here / "markup.txt").write_text(text, "utf-8")
    code, out, err = run(capsys, "extract", "--json", "markup.txt")
    assert code == cli.EXIT_OK
    assert "Traceback" not in err
    (result,) = json_lines(out)
    for fw in result["frameworks"]:
        for item in fw["items"]:
            assert item in text
    # and as TOML on stdout (the default): a deck that reads back
    code, out, err = run(capsys, "extract", "markup.txt")
    assert code == cli.EXIT_OK
    assert "Traceback" not in err
    doc = tomlkit.parse(out).unwrap()
    assert doc["source"] == "markup.txt"
    assert len(doc.get("frameworks", [])) == len(result["frameworks"])


def test_empty_deck_can_be_completed_by_hand(here, capsys):
    (here / "plain.txt").write_text("今天天气很好，我们去公园散步。公园里有很多人在锻炼身体。\n", "utf-8")
    code, out, err = run(capsys, "extract", "plain.txt", "-o", "plain.toml")
    assert code == cli.EXIT_OK, err
    deck = here / "plain.toml"
    with open(deck, "a", encoding="utf-8") as fh:
        fh.write('\n[[frameworks]]\nid = "par-1"\nkind = "parallel"\nname = "去处"\nitems = ["公园", "锻炼身体"]\n')
    code, out, err = run(capsys, "deck", "check", "plain.toml")
    assert code == cli.EXIT_OK, out + err
    assert deck.read_text("utf-8").startswith("# drill deck")


# --------------------------------------------------------------------------
# drill extract: several PATHs, one of them bad


def test_extract_several_paths_one_bad(here, capsys):
    (here / "a.txt").write_text(ENUMERATION, "utf-8")
    (here / "b.txt").write_bytes(seed("002").read_bytes())
    (here / "bad.bin").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    code, out, err = run(capsys, "extract", "--json", "a.txt", "missing.txt", "bad.bin", "b.txt")
    assert code == cli.EXIT_PROBLEMS
    results = json_lines(out)
    assert [r["source"] for r in results] == ["a.txt", "b.txt"]
    assert results[0]["frameworks"][0]["items"] == ["加强学习，提高本领", "狠抓落实，务求实效", "转变作风，服务群众"]
    assert len(results[1]["frameworks"]) > 5
    problems = [line for line in err.splitlines() if not line.startswith("drill: b.txt: dropped")]
    assert problems == ["drill: missing.txt: no such file",
                        "drill: bad.bin: this is a binary file, not a text file"]


def test_extract_several_paths_into_a_folder_one_bad(here, capsys):
    (here / "a.txt").write_text(ENUMERATION, "utf-8")
    (here / "empty.txt").write_bytes(b"")
    (here / "c.txt").write_text(ENUMERATION.replace("三项", "3项"), "utf-8")
    (here / "out").mkdir()
    code, out, err = run(capsys, "extract", "a.txt", "empty.txt", "c.txt", "-o", "out")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert sorted(p.name for p in (here / "out").iterdir()) == ["a.toml", "c.toml"]
    lines = err.splitlines()
    assert "drill: empty.txt: the file is empty" in lines
    assert sum(1 for line in lines if "empty.txt" in line) == 1
    code, out2, err2 = run(capsys, "deck", "check", "out/a.toml", "out/c.toml")
    assert code == cli.EXIT_OK, out2 + err2


# --------------------------------------------------------------------------
# drill extract -o: an existing deck is never replaced without --force


def test_extract_refuses_to_replace_an_existing_deck(here, capsys):
    (here / "speech.txt").write_text(ENUMERATION, "utf-8")
    existing = here / "existing.toml"
    before = b"# an instructor's careful edits\r\ntitle = \"\xe8\xae\xb2\xe8\xaf\x9d\"\n\x00odd bytes too\n"
    existing.write_bytes(before)
    mtime = existing.stat().st_mtime_ns
    code, out, err = run(capsys, "extract", "speech.txt", "-o", "existing.toml")
    assert code == cli.EXIT_PROBLEMS
    assert out == ""
    assert_one_line_error(err, "existing.toml", "--force")
    assert existing.read_bytes() == before
    assert existing.stat().st_mtime_ns == mtime
    # no temporary file left behind
    assert sorted(p.name for p in here.iterdir() if p.name != "drill-home") == ["existing.toml", "speech.txt"]

    # with --force it is replaced (so the refusal above was not an accident)
    code, out, err = run(capsys, "extract", "speech.txt", "-o", "existing.toml", "--force")
    assert code == cli.EXIT_OK, err
    assert existing.read_bytes() != before
    assert 'name = "我们要做好三项工作"' in existing.read_text("utf-8")


def test_extract_existing_deck_in_folder_does_not_stop_the_other_paths(here, capsys):
    (here / "a.txt").write_text(ENUMERATION, "utf-8")
    (here / "b.txt").write_text(ENUMERATION, "utf-8")
    (here / "out").mkdir()
    (here / "out" / "a.toml").write_text("keep me\n", "utf-8")
    code, out, err = run(capsys, "extract", "a.txt", "b.txt", "-o", "out")
    assert code == cli.EXIT_PROBLEMS
    assert (here / "out" / "a.toml").read_text("utf-8") == "keep me\n"
    assert (here / "out" / "b.toml").exists()


# --------------------------------------------------------------------------
# drill deck check


SPEECH = ("省委决定开展抓学习促提升、抓执行促落实、抓效能促发展“三抓三促”行动。" + ENUMERATION)

GOOD_DECK = '''\
# 一个手写的卡组
format = 1
title = "讲话"
source = "speech.txt"
encoding = "utf-8"

[[frameworks]]
id = "abb-1"
kind = "abbreviation"
name = "三抓三促"
items = [
    "抓学习促提升",
    "抓执行促落实",
    "抓效能促发展",
]

[[frameworks]]
id = "enu-1"
kind = "enumeration"
name = "我们要做好三项工作"
items = ["加强学习，提高本领", "狠抓落实，务求实效", "转变作风，服务群众"]
ordered = true
'''


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based number of the ``nth`` line of ``text`` that contains ``needle``."""
    hits = [i + 1 for i, line in enumerate(text.split("\n")) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} times"
    return hits[nth - 1]


def check(capsys, name: str) -> tuple[int, list[str], str]:
    """``drill deck check NAME``: exit code, the problem lines, all output."""
    code = cli.main(["deck", "check", name])
    out, err = capsys.readouterr()
    both = out + err
    assert "Traceback" not in both
    problems = [line for line in both.splitlines() if line.startswith(name)]
    return code, problems, both


def write_deck(here: Path, name: str, text: str) -> Path:
    (here / "speech.txt").write_text(SPEECH, "utf-8")
    path = here / name
    path.write_text(text, "utf-8")
    return path


def assert_single_problem(capsys, name: str, line: int | None, *words: str) -> str:
    code, problems, both = check(capsys, name)
    assert code == cli.EXIT_PROBLEMS
    prefix = f"{name}:{line}: " if line is not None else f"{name}: "
    assert len(problems) == 1, both
    (problem,) = problems
    assert problem.startswith(prefix), f"{problem!r} does not start with {prefix!r}"
    if line is None:
        # no line number sneaks in: "name: message", not "name:3: message"
        assert not problem[len(name) + 1:].split(":")[0].strip().isdigit()
    for word in words:
        assert word in problem, f"{word!r} not in {problem!r}"
    # one line in all: nothing else printed, no newline inside the message
    assert both == problem + "\n", repr(both)
    return problem


def test_deck_check_valid_deck(here, capsys):
    write_deck(here, "good.toml", GOOD_DECK)
    code, problems, both = check(capsys, "good.toml")
    assert code == cli.EXIT_OK, both
    assert both == "drill: good.toml: ok, 2 frameworks, 10 cards\n"


def test_deck_check_missing_file(here, capsys):
    assert_single_problem(capsys, "nowhere.toml", None, "no such file")


def test_deck_check_directory(here, capsys):
    (here / "decks").mkdir()
    assert_single_problem(capsys, "decks", None, "directory")


def test_deck_check_empty_file(here, capsys):
    (here / "empty.toml").write_bytes(b"")
    assert_single_problem(capsys, "empty.toml", None, "empty")


def test_deck_check_whitespace_only_file(here, capsys):
    (here / "blank.toml").write_bytes(b"\n  \n\t\n")
    assert_single_problem(capsys, "blank.toml", None, "empty")


def test_deck_check_binary_file(here, capsys):
    (here / "image.toml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_single_problem(capsys, "image.toml", None, "binary")


def test_deck_check_gbk_file(here, capsys):
    (here / "speech.txt").write_text(SPEECH, "utf-8")
    (here / "gbk.toml").write_bytes(GOOD_DECK.encode("gb18030"))
    problem = assert_single_problem(capsys, "gbk.toml", 1, "UTF-8")
    # the byte it names is the first one that is not UTF-8
    data = GOOD_DECK.encode("gb18030")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    assert f"byte {first_bad} " in problem


def test_deck_check_malformed_toml_unterminated_string(here, capsys):
    text = GOOD_DECK.replace('id = "enu-1"', 'id = "enu-1')
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, 'id = "enu-1'), "not valid TOML")


def test_deck_check_malformed_toml_missing_value(here, capsys):
    text = GOOD_DECK.replace('title = "讲话"', "title =")
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, "title ="), "not valid TOML")


def test_deck_check_malformed_toml_duplicate_key(here, capsys):
    text = GOOD_DECK.replace('kind = "enumeration"\n', 'kind = "enumeration"\nkind = "outline"\n')
    write_deck(here, "bad.toml", text)
    code, problems, both = check(capsys, "bad.toml")
    assert code == cli.EXIT_PROBLEMS
    assert len(problems) == 1 and both == problems[0] + "\n", both
    assert problems[0].startswith("bad.toml:")
    assert "not valid TOML" in problems[0]


def test_deck_check_unknown_top_level_key(here, capsys):
    text = GOOD_DECK.replace('encoding = "utf-8"\n', 'encoding = "utf-8"\nauthor = "王老师"\n')
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, "author ="), "unknown key 'author'")


def test_deck_check_unknown_framework_key(here, capsys):
    text = GOOD_DECK.replace("ordered = true\n", 'ordered = true\ncolour = "red"\n')
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, "colour ="), "unknown key 'colour'")


def test_deck_check_duplicate_id(here, capsys):
    text = GOOD_DECK.replace('id = "enu-1"', 'id = "abb-1"')
    write_deck(here, "bad.toml", text)
    first, second = line_of(text, 'id = "abb-1"', nth=1), line_of(text, 'id = "abb-1"', nth=2)
    problem = assert_single_problem(capsys, "bad.toml", second, "duplicate id 'abb-1'")
    assert problem.endswith(f"(also at line {first})")


def test_deck_check_empty_item_single_line_array(here, capsys):
    text = GOOD_DECK.replace('"狠抓落实，务求实效"', '""')
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, '""'), "empty item")


def test_deck_check_empty_item_multi_line_array(here, capsys):
    text = GOOD_DECK.replace('    "抓执行促落实",', '    "",')
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, '"",'), "empty item")


def test_deck_check_blank_item_multi_line_array(here, capsys):
    text = GOOD_DECK.replace('    "抓执行促落实",', '    "  ",')
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, '"  ",'), "empty item")


def test_deck_check_item_not_in_source(here, capsys):
    text = GOOD_DECK.replace("抓效能促发展", "抓效率促发展")
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, '"抓效率促发展"'),
                          "'抓效率促发展'", "not in the source")


def test_deck_check_abbreviation_count_disagrees(here, capsys):
    text = GOOD_DECK.replace('    "抓效能促发展",\n', "")
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, "items = ["), "三抓三促", "3", "2")


def test_deck_check_unknown_kind(here, capsys):
    text = GOOD_DECK.replace('kind = "enumeration"', 'kind = "list"')
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, 'kind = "list"'), "unknown kind 'list'")


def test_deck_check_reports_every_problem_each_at_its_line(here, capsys):
    text = (GOOD_DECK.replace('encoding = "utf-8"\n', 'encoding = "utf-8"\nauthor = "王老师"\n')
            .replace("抓效能促发展", "抓效率促发展")
            .replace('kind = "enumeration"', 'kind = "list"'))
    write_deck(here, "bad.toml", text)
    kind_line = line_of(text, 'kind = "list"')
    code, problems, both = check(capsys, "bad.toml")
    assert code == cli.EXIT_PROBLEMS
    assert problems == [
        f"bad.toml:{line_of(text, 'author =')}: unknown key 'author'",
        f"bad.toml:{line_of(text, '抓效率促发展')}: item '抓效率促发展' is not in the source any more",
        f"bad.toml:{kind_line}: unknown kind 'list' "
        "(one of abbreviation, enumeration, outline, parallel)",
    ]
    assert both == "".join(p + "\n" for p in problems)


def test_deck_check_one_bad_deck_among_good_ones(here, capsys):
    write_deck(here, "good.toml", GOOD_DECK)
    (here / "empty.toml").write_bytes(b"")
    code = cli.main(["deck", "check", "good.toml", "empty.toml"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_PROBLEMS
    lines = (out + err).splitlines()
    assert "empty.toml: the deck file is empty" in lines
    assert "drill: good.toml: ok, 2 frameworks, 10 cards" in lines
    assert len(lines) == 2


def test_deck_check_item_appearing_twice_points_at_the_second(here, capsys):
    text = GOOD_DECK.replace('    "抓效能促发展",', '    "抓学习促提升",')
    write_deck(here, "bad.toml", text)
    assert_single_problem(capsys, "bad.toml", line_of(text, '"抓学习促提升"', nth=2), "appears twice")


def test_deck_check_item_inside_an_earlier_item_points_at_its_own_line(here, capsys):
    # two items not in the source, the second one a part of the first
    text = GOOD_DECK.replace('    "抓学习促提升",', '    "抓学习促提升了",').replace(
        '    "抓效能促发展",', '    "学习促提升了",')
    write_deck(here, "bad.toml", text)
    first, second = line_of(text, '"抓学习促提升了"'), line_of(text, '"学习促提升了"')
    assert second == first + 2
    code, problems, both = check(capsys, "bad.toml")
    assert code == cli.EXIT_PROBLEMS
    assert problems == [
        f"bad.toml:{first}: item '抓学习促提升了' is not in the source any more",
        f"bad.toml:{second}: item '学习促提升了' is not in the source any more",
    ]


# --------------------------------------------------------------------------
# the installed command, as a user runs it: no traceback ever


def drill(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drill", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, **kwargs)


def test_subprocess_extract_bad_files_no_traceback(tmp_path):
    (tmp_path / "a.txt").write_text(ENUMERATION, "utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (tmp_path / "folder").mkdir()
    _sparse(tmp_path / "huge.txt", 50 * MB)
    r = drill("extract", "--json", "missing.txt", "empty.txt", "image.png", "folder", "huge.txt", "a.txt",
              cwd=tmp_path)
    assert r.returncode == cli.EXIT_PROBLEMS
    assert "Traceback" not in r.stderr
    assert [json.loads(line)["source"] for line in r.stdout.splitlines()] == ["a.txt"]
    lines = r.stderr.splitlines()
    assert len(lines) == 5, r.stderr
    for line, name in zip(lines, ["missing.txt", "empty.txt", "image.png", "folder", "huge.txt"]):
        assert line.startswith(f"drill: {name}: "), line


def test_subprocess_extract_existing_deck_no_traceback(tmp_path):
    (tmp_path / "speech.txt").write_text(ENUMERATION, "utf-8")
    (tmp_path / "deck.toml").write_bytes(b"keep = 1\n")
    r = drill("extract", "speech.txt", "-o", "deck.toml", cwd=tmp_path)
    assert r.returncode == cli.EXIT_PROBLEMS
    assert r.stdout == ""
    assert_one_line_error(r.stderr, "deck.toml", "--force")
    assert (tmp_path / "deck.toml").read_bytes() == b"keep = 1\n"


def test_subprocess_deck_check_malformed_no_traceback(tmp_path):
    (tmp_path / "speech.txt").write_text(SPEECH, "utf-8")
    text = GOOD_DECK.replace('title = "讲话"', "title = 讲话")
    (tmp_path / "bad.toml").write_text(text, "utf-8")
    (tmp_path / "image.toml").write_bytes(b"\x00\x01\x02")
    r = drill("deck", "check", "bad.toml", "image.toml", "missing.toml", cwd=tmp_path)
    assert r.returncode == cli.EXIT_PROBLEMS
    both = r.stdout + r.stderr
    assert "Traceback" not in both
    lines = both.splitlines()
    assert len(lines) == 3, both
    assert lines[0].startswith(f"bad.toml:{line_of(text, 'title = 讲话')}: not valid TOML")
    assert lines[1].startswith("image.toml: ") and "binary" in lines[1]
    assert lines[2] == "missing.toml: no such file"


@pytest.mark.skipif(not Path("/dev/zero").exists() or sys.platform != "linux", reason="needs /dev/zero")
def test_subprocess_extract_endless_device_is_refused(tmp_path):
    import resource

    def limit():  # keep a runaway read from taking the machine's memory
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    r = drill("extract", "--json", "/dev/zero", cwd=tmp_path, preexec_fn=limit)
    assert "Traceback" not in r.stderr
    assert r.returncode == cli.EXIT_PROBLEMS
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("drill: /dev/zero: ")
