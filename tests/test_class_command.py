"""`drill class …` on a real PostgreSQL server (tests/pg.py), and rosters:
every bad row a FILE:LINE: message, a cell that looks like a formula kept
as text, first passwords printed once and good for logging in."""

from __future__ import annotations

import json
import re

import psycopg
import pytest
from test_pg_access import site  # noqa: F401  (the fixture: a schema and this test's own roles)

from drill import cli
from drill.core import roster
from drill.core.roster import Role

FIRST_PASSWORD = re.compile(r"^(\S+) \((trainee|instructor)\): added to (.+); first password \(shown once\): (\S+)$")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_class_commands_need_a_postgresql_store(capsys):
    for args in (["class", "create", "A"], ["class", "list"], ["class", "show", "A"],
                 ["class", "add", "A", "--trainee", "lin"]):
        code, out, err = run(capsys, *args)
        assert code == 1 and out == ""
        assert err.count("\n") == 1 and "needs a PostgreSQL progress store" in err, err


def test_a_class_is_made_filled_listed_and_shown(site, capsys):  # noqa: F811
    assert run(capsys, "class", "create", "2026春")[0] == 0
    code, out, err = run(capsys, "class", "create", "2026春")
    assert code == 1 and "exists already" in err
    code, out, _ = run(capsys, "class", "add", "2026春", "--trainee", site.name("lin"))
    assert code == 0
    (line,) = out.splitlines()
    found = FIRST_PASSWORD.match(line)
    assert found and found[1] == site.name("lin") and found[2] == "trainee" and found[3] == "2026春", line
    password = found[4]
    assert len(password) >= 12
    # the password printed logs in, as that person; it is printed once
    with psycopg.connect(site.server.url(schema=site.schema, user=site.name("lin"), password=password)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (site.name("lin"),)
    code, out, _ = run(capsys, "class", "add", "2026春", "--trainee", site.name("lin"))
    assert code == 0 and out.strip() == f"{site.name('lin')} (trainee): already in 2026春" and password not in out
    run(capsys, "class", "add", "2026春", "--instructor", site.name("ann"))
    code, out, err = run(capsys, "class", "add", "2026春", "--instructor", site.name("lin"))
    assert code == 1 and "is a trainee, not an instructor" in err
    code, out, _ = run(capsys, "class", "list", "--json")
    assert code == 0
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert (row["name"], row["trainees"], row["instructors"]) == ("2026春", 1, 1)
    code, out, _ = run(capsys, "class", "show", "2026春", "--json")
    shown = json.loads(out)
    assert [(m["name"], m["role"]) for m in shown["members"]] == [(site.name("ann"), "instructor"),
                                                                 (site.name("lin"), "trainee")]
    code, out, _ = run(capsys, "class", "show", "2026春")
    assert code == 0 and "2 member(s)" in out and site.name("ann") in out
    code, _, err = run(capsys, "class", "show", "nope")
    assert code == 1 and "no class 'nope'" in err and err.count("\n") == 1


def test_a_roster_adds_everyone_with_their_passwords(site, tmp_path, capsys):  # noqa: F811
    run(capsys, "class", "create", "A")
    sheet = tmp_path / "roster.csv"
    sheet.write_text("\ufeffname,role,password\n"
                     f"{site.name('ann')},instructor,\n"
                     f"{site.name('lin')},trainee,lin-secret-1\n"
                     f"=cmd|' /C calc'!A0{site.name('x')},Trainee\n", "utf-8")
    code, out, err = run(capsys, "class", "add", "A", "--roster", str(sheet))
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    assert FIRST_PASSWORD.match(lines[0])
    assert lines[1] == f"{site.name('lin')} (trainee): added to A, with the roster's password"
    assert "lin-secret-1" not in out
    with psycopg.connect(site.server.url(schema=site.schema, user=site.name("lin"), password="lin-secret-1")):
        pass
    # the formula is a name like any other, kept as written
    shown = json.loads(run(capsys, "class", "show", "A", "--json")[1])
    assert f"=cmd|' /C calc'!A0{site.name('x')}" in [m["name"] for m in shown["members"]]


def test_a_bad_roster_is_every_problem_as_file_line_and_adds_no_one(site, tmp_path, capsys):  # noqa: F811
    run(capsys, "class", "create", "A")
    sheet = tmp_path / "roster.csv"
    sheet.write_text("name,role,password\n"
                     f"{site.name('lin')},trainee\n"
                     f"{site.name('wu')},student\n"
                     ",trainee\n"
                     f"{site.name('lin')},trainee\n"
                     f"{site.name('bo')},instructor,short\n"
                     f"{site.name('zhao')},trainee,long-enough-pw,extra\n", "utf-8")
    code, out, err = run(capsys, "class", "add", "A", "--roster", str(sheet))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert [line.split(": ", 2)[1] for line in lines[:-1]] == [f"{sheet}:{n}" for n in (3, 4, 5, 6, 7)], lines
    assert "neither trainee nor instructor" in lines[0] and "needs a name" in lines[1]
    assert "on line 2 already" in lines[2] and "too short" in lines[3] and "3 columns" in lines[4]
    assert "no one was added" in lines[-1]
    assert json.loads(run(capsys, "class", "show", "A", "--json")[1])["members"] == []
    with psycopg.connect(site.url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE starts_with(rolname, %s)",
                            (site.prefix,)).fetchone() == (0,)


@pytest.mark.parametrize("text, line, said", [
    ("", 1, "the roster is empty"),
    ("name,password\nlin,secret-pw\n", 1, "no 'role' column"),
    ("name,role,email\n", 1, "unknown column 'email'"),
    ("name,role\n", None, "names no one"),
    ('name,role\n"lin,trainee\n', 2, "not a CSV row"),
])
def test_roster_problems_name_the_line(tmp_path, text, line, said):
    sheet = tmp_path / "r.csv"
    sheet.write_text(text, "utf-8")
    entries, problems = roster.read(sheet)
    assert entries == [] and len(problems) == 1
    assert problems[0].line == line and said in problems[0].message and problems[0].path == str(sheet)


def test_a_roster_that_is_not_utf8_or_not_there(tmp_path):
    sheet = tmp_path / "r.csv"
    sheet.write_bytes("name,role\n李,trainee\n".encode("gb18030"))
    (problem,) = roster.read(sheet)[1]
    assert str(problem) == f"{sheet}:2: the roster is not UTF-8 text"
    (problem,) = roster.read(tmp_path / "none.csv")[1]
    assert str(problem).startswith(f"{tmp_path / 'none.csv'}: cannot read the roster")


def test_a_roster_reads_roles_and_passwords(tmp_path):
    sheet = tmp_path / "r.csv"
    sheet.write_text("Role,Name\r\nINSTRUCTOR, 安 \r\n\r\ntrainee,林\r\n", "utf-8")
    entries, problems = roster.read(sheet)
    assert problems == []
    assert [(e.name, e.role, e.password, e.line) for e in entries] == [("安", Role.INSTRUCTOR, None, 2),
                                                                       ("林", Role.TRAINEE, None, 4)]
