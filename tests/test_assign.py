"""Assignments on a real PostgreSQL server (tests/pg.py): `drill assign …`
as the administrator, an instructor and a trainee; the policies tried with
raw psycopg connections of each person's role; each answer recorded for the
class its deck is assigned to; the deck list showing assigned decks first."""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest
from conftest import DECKS, until
from test_pg_access import answer, klass, site  # noqa: F401  (fixtures: a schema, people and classes)

from drill import cli
from drill.core import deck as decks
from drill.core import pg_assign
from drill.core import pg_engine
from drill.core.assignments import Assignment, parse_due
from drill.core.errors import DrillError
from drill.core.roster import Role
from drill.core.store import Store

DECK = DECKS / "001_2cf52c944239bc02.toml"
OTHER = DECKS / "002_6e9bd13a59433aa3.toml"
DUE = dt.date(2031, 3, 14)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def deck_id(path) -> str:
    return decks.load(path).id


def one_line_error(code: int, out: str, err: str, said: str) -> None:
    assert code == 1 and out == "", (out, err)
    assert err.count("\n") == 1 and said in err and "Traceback" not in err, err


def test_assign_commands_need_a_postgresql_store(capsys):
    for args in (["assign", "add", "A", str(DECK), "--due", "2031-03-14"], ["assign", "list"],
                 ["assign", "list", "A", "--json"], ["assign", "remove", "A", str(DECK)]):
        one_line_error(*run(capsys, *args), "needs a PostgreSQL progress store")


@pytest.mark.parametrize("text", ["2031-02-30", "14/03/2031", "2031-3-14", "tomorrow", ""])
def test_a_due_date_must_be_a_real_day(text):
    with pytest.raises(DrillError, match="not a due date"):
        parse_due(text)


def test_the_administrator_assigns_lists_and_removes(klass, capsys):  # noqa: F811
    first, other = deck_id(DECK), deck_id(OTHER)
    code, out, err = run(capsys, "assign", "add", "A", str(DECK), "--due", "2031-03-14")
    assert code == 0, err
    assert f"({first}): assigned to A, due 2031-03-14" in out
    # by the file's name, and by the id; again: the due date changes
    assert run(capsys, "assign", "add", "B", OTHER.name, "--due", "2031-04-01")[0] == 0
    code, out, _ = run(capsys, "assign", "add", "A", first, "--due", "2031-03-20")
    assert code == 0 and "already assigned to A; now due 2031-03-20" in out
    code, out, _ = run(capsys, "assign", "list", "--json")
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"class": "A", "deck": first, "due": "2031-03-20"}, {"class": "B", "deck": other, "due": "2031-04-01"}]
    code, out, _ = run(capsys, "assign", "list", "B")
    assert code == 0 and out.splitlines() == [f"2031-04-01  B  {decks.load(OTHER).title} ({other})"]
    # bad input: one line, exit 1, nothing assigned
    one_line_error(*run(capsys, "assign", "add", "A", str(DECK), "--due", "2031-02-30"), "not a due date")
    one_line_error(*run(capsys, "assign", "add", "nope", str(DECK), "--due", "2031-03-14"), "no class 'nope'")
    one_line_error(*run(capsys, "assign", "add", "A", "no-such-deck", "--due", "2031-03-14"),
                   "no-such-deck: no such deck")
    one_line_error(*run(capsys, "assign", "list", "nope"), "no class 'nope'")
    assert run(capsys, "assign", "remove", "A", str(DECK))[0] == 0
    one_line_error(*run(capsys, "assign", "remove", "A", str(DECK)), "has no assignment")
    assert pg_assign.listed(klass.url) == [Assignment(dt.date(2031, 4, 1), "B", other)]
    assert run(capsys, "assign", "list", "A")[1].strip() == "No assignments for A."


def test_an_instructor_assigns_to_their_own_class_only(klass, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("DRILL_STORE", klass.url_of("ann"))
    code, out, err = run(capsys, "assign", "add", "A", str(DECK), "--due", "2031-03-14")
    assert code == 0, err
    one_line_error(*run(capsys, "assign", "add", "B", str(DECK), "--due", "2031-03-14"), "no class 'B'")
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    one_line_error(*run(capsys, "assign", "add", "A", str(OTHER), "--due", "2031-03-14"),
                   "only the administrator or an instructor of 'A'")
    one_line_error(*run(capsys, "assign", "remove", "A", str(DECK)), "only the administrator or an instructor")
    # the trainee's login lists their classes' assignments
    code, out, _ = run(capsys, "assign", "list", "--json")
    assert [json.loads(line) for line in out.splitlines()] == [{"class": "A", "deck": deck_id(DECK),
                                                               "due": "2031-03-14"}]
    monkeypatch.setenv("DRILL_STORE", klass.url_of("zhao"))
    assert run(capsys, "assign", "list")[1].strip() == "No assignments."
    monkeypatch.setenv("DRILL_STORE", klass.url_of("ann"))
    assert run(capsys, "assign", "remove", "A", str(DECK))[0] == 0
    assert pg_assign.listed(klass.url) == []


def class_of(site, name: str) -> int:  # noqa: F811
    return site.owner_sql("SELECT class_id FROM classes WHERE name = %s", name)[0][0]


INSERT = "INSERT INTO assignments (org, class_id, deck, due) VALUES ('default', %s, %s, '2031-03-14')"


def test_the_policies_let_a_classs_instructor_set_work_and_its_trainees_read_it(klass):  # noqa: F811
    a, b = class_of(klass, "A"), class_of(klass, "B")
    with klass.connect("ann") as conn:  # A's instructor
        conn.execute(INSERT, (a, "d1"))
        assert conn.execute("UPDATE assignments SET due = '2031-05-01' WHERE deck = 'd1'").rowcount == 1
    with klass.connect("bo") as conn:  # B's instructor
        conn.execute(INSERT, (b, "d2"))
        assert conn.execute("SELECT deck FROM assignments").fetchall() == [("d2",)]
    with klass.connect("lin") as conn:  # a trainee of A
        assert conn.execute("SELECT deck, due FROM assignments").fetchall() == [("d1", dt.date(2031, 5, 1))]
        assert conn.execute("SELECT count(*) FROM assignments WHERE class_id = %s", (b,)).fetchone() == (0,)
    with klass.connect("zhao") as conn:  # a trainee of B
        assert conn.execute("SELECT deck FROM assignments").fetchall() == [("d2",)]


def refused(conn, query: str, *params) -> str:
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(query, params or None)
    return str(caught.value)


def test_the_policies_refuse_trainees_and_other_classes_instructors(klass):  # noqa: F811
    a, b = class_of(klass, "A"), class_of(klass, "B")
    klass.owner_sql(INSERT, a, "d1")
    klass.owner_sql(INSERT, b, "d2")
    with klass.connect("ann") as conn:  # A's instructor, on B's work
        assert "row-level security" in refused(conn, INSERT, b, "d3")
        assert conn.execute("DELETE FROM assignments WHERE class_id = %s", (b,)).rowcount == 0
        assert conn.execute("UPDATE assignments SET due = '2020-01-01' WHERE class_id = %s", (b,)).rowcount == 0
        # moving their own class's assignment to another class, or changing its deck: refused
        assert "permission denied" in refused(conn, "UPDATE assignments SET class_id = %s", b)
        assert "permission denied" in refused(conn, "UPDATE assignments SET deck = 'x'")
    with klass.connect("lin") as conn:  # a trainee
        assert "permission denied" in refused(conn, INSERT, a, "d3")
        assert "permission denied" in refused(conn, "DELETE FROM assignments")
        assert "permission denied" in refused(conn, "UPDATE assignments SET due = '2020-01-01'")
    assert sorted(klass.owner_sql("SELECT deck, due FROM assignments")) == [("d1", dt.date(2031, 3, 14)),
                                                                           ("d2", dt.date(2031, 3, 14))]


def test_each_answer_is_recorded_for_the_class_its_deck_is_assigned_to(klass, monkeypatch):  # noqa: F811
    klass.add("B", "lin")  # lin: in A first, then B
    pg_assign.add(klass.url, "B", deck_id(OTHER), DUE)
    pg_assign.add(klass.url, "A", deck_id(OTHER), DUE + dt.timedelta(days=3))  # B's is due first
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    store = Store.open("lin")
    assert store.assignments() == [Assignment(DUE, "B", deck_id(OTHER)),
                                   Assignment(DUE + dt.timedelta(days=3), "A", deck_id(OTHER))]
    for path in (OTHER, DECK):
        card = next(c for c in decks.load(path).cards() if c.kind == "recall")
        store.record(answer(card))
    store.close()
    rows = klass.owner_sql("SELECT r.deck, c.name FROM reviews r JOIN trainees t USING (org, trainee) "
                           "JOIN classes c ON c.org = r.org AND c.class_id = r.class_id "
                           "WHERE t.name = %s ORDER BY r.seq", klass.name("lin"))
    # the answer klass made first, the assigned deck's, and another deck's (the first class's)
    assert rows == [(deck_id(DECK), "A"), (deck_id(OTHER), "B"), (deck_id(DECK), "A")]


def test_a_tinydb_store_has_no_assignments():
    store = Store.open("lin")
    assert store.assignments() == []
    store.close()


async def test_the_deck_list_shows_a_trainees_assigned_deck_first_with_its_date(klass, monkeypatch):  # noqa: F811
    from drill.tui.app import make_app
    from drill.tui.screens.decks import DecksScreen

    last = sorted(DECKS.glob("*.toml"))[-1]  # a deck listed last without assignments
    assigned = decks.load(last)
    pg_assign.add(klass.url, "A", assigned.id, DUE)
    pg_assign.add(klass.url, "B", deck_id(DECK), DUE)  # another class's: not lin's
    monkeypatch.setenv("DRILL_STORE", klass.url_of("wu"))
    app = make_app(user="wu")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.screen.query("#decks")
                    and app.screen.query_one("#decks").row_count == len(app.decks), what="the deck list")
        table = app.screen.query_one("#decks")
        titles = [str(table.get_row_at(n)[1]) for n in range(table.row_count)]
        assert app.decks[-1].id == assigned.id  # listed last were it not assigned
        assert titles[0] == f"due 2031-03-14 · {assigned.title}"
        assert [t for t in titles if t.startswith("due ")] == [titles[0]]
        # Enter on the first row drills the assigned deck
        assert app.screen._deck_under_cursor().id == assigned.id


def test_a_version_2_schema_upgraded_by_a_drill_lets_its_people_read_assignments(klass, monkeypatch):  # noqa: F811
    klass.owner_sql("DROP TABLE assignments, exam_answers, exam_attempts, exam_questions, exams")
    klass.owner_sql("DROP FUNCTION drill_taught_exams(name), drill_exams_of(name), drill_started_exams(name), "
                    "drill_exam_attempt(), drill_exam_answer()")
    klass.owner_sql("UPDATE drill_schema SET version = 2")
    Store.open(klass.name("lin")).close()  # the owner opens a trainee: the schema is upgraded, no class command
    assert klass.owner_sql("SELECT version FROM drill_schema") == [(pg_engine.SCHEMA_VERSION,)]
    klass.owner_sql(INSERT, class_of(klass, "A"), deck_id(DECK))
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    store = Store.open("lin")
    card = next(c for c in decks.load(DECK).cards() if c.kind == "recall")
    store.record(answer(card))  # the answer looks its deck's assignment up
    assert store.assignments() == [Assignment(dt.date(2031, 3, 14), "A", deck_id(DECK))]
    store.close()
    with klass.connect("ann") as conn:
        assert conn.execute("DELETE FROM assignments").rowcount == 1


@pytest.mark.parametrize("typed", [None, "someone"])
async def test_a_trainees_own_login_opens_their_deck_list_under_their_name(klass, monkeypatch, typed):  # noqa: F811
    from drill.tui.app import make_app
    from drill.tui.screens.decks import DecksScreen

    monkeypatch.setenv("DRILL_STORE", klass.url_of("wu"))
    app = make_app(user=typed)  # no name given: no one is asked who is drilling; a name typed: theirs all the same
    async with app.run_test(size=(100, 30)) as pilot:
        def who() -> str:
            found = app.screen.query("#who") if isinstance(app.screen, DecksScreen) else []
            return str(found[0].render()) if found else ""

        await until(pilot, lambda: app.progress is not None and "trainee:" in who(), what="the deck list")
        assert app.user == klass.name("wu")
        assert who() == f"trainee: {klass.name('wu')}"
