"""Who may see what on a PostgreSQL store, tried the way a trainee holding a
connection string would: raw psycopg connections as each person's own
role, on a real server the tests start (tests/pg.py), every rule attacked
and holding. Roles are the server's, not a schema's: every test's people
carry a prefix of their own and are dropped after it."""

from __future__ import annotations

import time
import urllib.parse
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from conftest import DECKS, pg_server

from drill import cli
from drill.core import deck as decks
from drill.core import pg_access, pg_classes, pg_engine
from drill.core.errors import StoreError
from drill.core.grading import grade
from drill.core.roster import Entry, Role
from drill.core.session import Answered
from drill.core.store import Store

DECK = DECKS / "001_2cf52c944239bc02.toml"
T0 = time.time() - 7200
PROGRESS = ("reviews", "cards", "days", "items")  # the tables an answer writes to


def answer(card):
    typed = "、".join(card.answer)
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


@dataclass
class Site:
    server: object
    url: str  # the owner's address (the tests' superuser)
    schema: str
    prefix: str
    passwords: dict

    def name(self, short: str) -> str:
        return f"{self.prefix}{short}"

    def url_of(self, short: str, password: str | None = None) -> str:
        login = self.name(short)
        return self.server.url(schema=self.schema, user=login,
                               password=self.passwords[login] if password is None else password)

    def connect(self, short: str, password: str | None = None) -> psycopg.Connection:
        return psycopg.connect(self.url_of(short, password), autocommit=True)

    def add(self, class_name: str, short: str, role: Role = Role.TRAINEE, password: str | None = None):
        (added,) = pg_classes.add_members(self.url, class_name, [Entry(self.name(short), role, password, 0)])
        if added.password is not None:
            self.passwords[added.name] = added.password
        return added

    def owner_sql(self, query: str, *params):
        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(query, params or None)
            return cur.fetchall() if cur.description else None


def _schema_of(address: str) -> str:
    options = urllib.parse.parse_qs(urllib.parse.urlsplit(address).query)["options"][0]
    return options.split("=", 1)[1]


def _drop_roles(server, schema: str, prefix: str) -> None:
    with psycopg.connect(server.url(schema=schema), autocommit=True) as conn:
        made = [row[0] for row in conn.execute("SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s)",
                                               (prefix,))]
        if pg_engine.schema_version(conn):
            made += [role for role in pg_access.groups(conn).values() if pg_access.role_exists(conn, role)]
        for role in made:
            conn.execute(psycopg.sql.SQL("DROP OWNED BY {}").format(psycopg.sql.Identifier(role)))
            conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role)))


@pytest.fixture
def site(monkeypatch):
    """A fresh schema, its owner's address in DRILL_STORE, and people whose
    roles are this test's own (dropped after it)."""
    server = pg_server()
    url = server.fresh_schema()
    monkeypatch.setenv("DRILL_STORE", url)
    schema = _schema_of(url)
    prefix = f"p{uuid.uuid4().hex[:8]}_"
    try:
        yield Site(server, url, schema, prefix, {})
    finally:
        _drop_roles(server, schema, prefix)


@pytest.fixture
def klass(site, monkeypatch):
    """Two classes: A (instructor ann; trainees lin and wu) and B
    (instructor bo; trainee zhao); lin and zhao have answered a card each."""
    pg_classes.create_class(site.url, "A")
    pg_classes.create_class(site.url, "B")
    site.add("A", "ann", Role.INSTRUCTOR)
    site.add("A", "lin")
    site.add("A", "wu")
    site.add("B", "bo", Role.INSTRUCTOR)
    site.add("B", "zhao")
    card = next(c for c in decks.load(DECK).cards() if c.kind == "recall")
    for short in ("lin", "zhao"):
        monkeypatch.setenv("DRILL_STORE", site.url_of(short))
        store = Store.open("whoever")  # the name typed does not matter: the login does
        store.record(answer(card), now=T0)
        store.close()
    monkeypatch.setenv("DRILL_STORE", site.url)
    return site


def trainee_of(site, short: str) -> int:
    return site.owner_sql("SELECT trainee FROM people WHERE login = %s", site.name(short))[0][0]


def refused(conn, query: str, *params) -> str:
    """The server's refusal of ``query`` (the test fails if it is not refused)."""
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(query, params or None)
    return str(caught.value)


# --- logging in -------------------------------------------------------------

def test_a_trainees_login_opens_their_own_progress_under_their_name(klass):
    rows = klass.owner_sql("SELECT t.name, r.class_id, c.name FROM reviews r JOIN trainees t USING (org, trainee) "
                           "JOIN classes c ON c.org = r.org AND c.class_id = r.class_id ORDER BY t.name")
    # each answer recorded for the trainee the login is, and for their first class
    assert rows == [(klass.name("lin"), rows[0][1], "A"), (klass.name("zhao"), rows[1][1], "B")]
    assert klass.owner_sql("SELECT count(*) FROM trainees WHERE name = 'whoever'") == [(0,)]
    with klass.connect("lin") as conn:
        (profile,) = conn.execute("SELECT profile->>'name' FROM trainees").fetchone()
    assert profile == klass.name("lin")


def test_passwords_are_kept_only_as_scram_verifiers(klass):
    with klass.server.connect() as conn:
        kept = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (klass.name("lin"),)).fetchone()
    assert kept[0].startswith("SCRAM-SHA-256$")
    assert klass.passwords[klass.name("lin")] not in kept[0]


def test_a_wrong_password_is_one_line_that_does_not_echo_it(klass, monkeypatch, capsys):
    wrong = "not-the-Password-42"
    with pytest.raises(psycopg.OperationalError):
        klass.connect("lin", password=wrong)
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin", password=wrong))
    assert cli.main(["stats", "--user", "x"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "password authentication failed" in err, err
    assert wrong not in err and klass.name("lin") in err
    assert "refused the connection" in err and "cannot reach" not in err


def test_a_wrong_password_never_opens_the_state_kept_on_this_machine(klass, monkeypatch):
    from drill.core.journal import Snapshot
    from drill.core.store import Store

    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    Store.open("lin").close()  # lin drilled on this machine: the state is kept here
    wrong = klass.url_of("lin", password="not-the-Password-42")
    assert Snapshot.of(wrong, "lin").exists()  # the same kept state whatever the password
    monkeypatch.setenv("DRILL_STORE", wrong)
    with pytest.raises(StoreError, match="refused the connection: password authentication failed"):
        Store.open("lin")  # a refusal, not a server away: nothing is drilled offline


def test_an_instructors_login_records_no_progress(klass, monkeypatch):
    monkeypatch.setenv("DRILL_STORE", klass.url_of("ann"))
    with pytest.raises(StoreError, match="instructor's login"):
        Store.open(klass.name("lin"))


# --- a trainee -------------------------------------------------------------

def test_a_trainee_reads_only_their_own_progress(klass):
    lin = trainee_of(klass, "lin")
    with klass.connect("lin") as conn:
        for table in PROGRESS + ("trainees",):
            trainees = {row[0] for row in conn.execute(f"SELECT trainee FROM {table}")}
            assert trainees == {lin}, table
        # naming another trainee's rows outright finds none
        zhao = trainee_of(klass, "zhao")
        for table in PROGRESS:
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE trainee = %s", (zhao,)).fetchone() == (0,)


def test_a_trainee_cannot_change_another_trainees_progress(klass):
    zhao = trainee_of(klass, "zhao")
    before = klass.owner_sql("SELECT count(*), sum(reps) FROM cards WHERE trainee = %s", zhao)
    with klass.connect("lin") as conn:
        assert conn.execute("UPDATE cards SET reps = 99 WHERE trainee = %s", (zhao,)).rowcount == 0
        assert conn.execute("DELETE FROM cards WHERE trainee = %s", (zhao,)).rowcount == 0
        assert conn.execute("DELETE FROM days").rowcount >= 1  # their own, which they may
        assert "row-level security" in refused(
            conn, "INSERT INTO days (org, trainee, day) VALUES ('default', %s, '2020-01-01')", zhao)
        assert "row-level security" in refused(
            conn, "UPDATE cards SET trainee = %s", zhao)  # moving their own rows to another: refused
        assert "permission denied" in refused(conn, "UPDATE trainees SET name = 'x'")
        assert "permission denied" in refused(conn, "DELETE FROM reviews")  # the log is never rewritten
        assert "permission denied" in refused(conn, "UPDATE reviews SET score = 1")
        assert "permission denied" in refused(conn, "INSERT INTO trainees (org, name) VALUES ('default', 'x')")
    assert klass.owner_sql("SELECT count(*), sum(reps) FROM cards WHERE trainee = %s", zhao) == before


def test_a_trainee_cannot_log_an_answer_for_another(klass):
    zhao = trainee_of(klass, "zhao")
    with klass.connect("lin") as conn:
        assert "row-level security" in refused(
            conn, "INSERT INTO reviews (org, trainee, seq, review_id, card, deck, fw, kind, at, verdict, rating, "
                  "score, seconds) VALUES ('default', %s, 99, gen_random_uuid(), 'c', 'd', 'f', 'recall', 0, "
                  "'pass', 3, 1, 1)", zhao)


def test_a_trainee_sees_only_themselves_and_their_own_classes(klass):
    with klass.connect("lin") as conn:
        assert conn.execute("SELECT login FROM people").fetchall() == [(klass.name("lin"),)]
        assert conn.execute("SELECT name FROM classes").fetchall() == [("A",)]
        assert len(conn.execute("SELECT * FROM class_members").fetchall()) == 1  # their own membership
        # the access functions answer for no one but the session's own role
        assert conn.execute("SELECT drill_own_trainee(%s)", (klass.name("zhao"),)).fetchone() == (None,)
        assert conn.execute("SELECT drill_taught(%s)", (klass.name("ann"),)).fetchall() == []
        assert conn.execute("SELECT drill_taught_classes(%s)", (klass.name("ann"),)).fetchall() == []


def test_a_trainee_cannot_manage_people_classes_or_roles(klass):
    with klass.connect("lin") as conn:
        for query in ("INSERT INTO classes (org, name) VALUES ('default', 'C')",
                      "DELETE FROM class_members", "UPDATE class_members SET role = 'instructor'",
                      "INSERT INTO class_members (org, class_id, person, role) "
                      "SELECT org, class_id, 1, 'trainee' FROM classes",
                      "UPDATE people SET kind = 'instructor'", "DELETE FROM people",
                      "CREATE ROLE intruder LOGIN PASSWORD 'intruder-pw'",
                      f'GRANT "{klass.name("ann")}" TO "{klass.name("lin")}"',
                      f'ALTER ROLE "{klass.name("zhao")}" PASSWORD \'taken-over\'',
                      "ALTER TABLE cards DISABLE ROW LEVEL SECURITY",
                      "DROP POLICY own ON cards",
                      "CREATE TABLE mine (x int)"):
            refused(conn, query)
    with klass.server.connect() as conn:
        assert not pg_access.role_exists(conn, "intruder")


def test_a_trainee_cannot_turn_row_security_off_or_become_someone_else(klass):
    with klass.connect("lin") as conn:
        conn.execute("SET row_security = off")
        assert "row-level security" in refused(conn, "SELECT * FROM reviews")
    with klass.connect("lin") as conn:
        for other in ("zhao", "ann"):
            assert "permission denied" in refused(conn, f'SET ROLE "{klass.name(other)}"')
        assert "permission denied" in refused(conn, "SET ROLE postgres")
        assert "permission denied" in refused(conn, f'SET SESSION AUTHORIZATION "{klass.name("zhao")}"')
        # their group role they may become, and as it they are no one: nothing to see
        conn.execute(psycopg.sql.SQL("SET ROLE {}").format(psycopg.sql.Identifier(pg_access.groups(conn)["trainee"])))
        assert conn.execute("SELECT count(*) FROM reviews").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM people").fetchone() == (0,)


def test_a_trainee_naming_another_opens_only_their_own_progress(klass, monkeypatch):
    # a trainee naming another trainee still opens only their own progress
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    store = Store.open(klass.name("zhao"))
    try:
        assert store.name == klass.name("lin")
        assert store.engine.trainee == trainee_of(klass, "lin")
    finally:
        store.close()


# --- an instructor ---------------------------------------------------------

def test_an_instructor_reads_only_the_trainees_of_their_classes(klass):
    with klass.connect("ann") as conn:
        for table in PROGRESS:
            assert {row[0] for row in conn.execute(f"SELECT trainee FROM {table}")} == {trainee_of(klass, "lin")}
        names = {row[0] for row in conn.execute("SELECT name FROM people")}
        assert names == {klass.name(n) for n in ("ann", "lin", "wu")}
        assert {row[0] for row in conn.execute("SELECT name FROM trainees")} == {klass.name("lin"), klass.name("wu")}
        assert conn.execute("SELECT name FROM classes").fetchall() == [("A",)]
    with klass.connect("bo") as conn:
        assert {row[0] for row in conn.execute("SELECT trainee FROM reviews")} == {trainee_of(klass, "zhao")}


def test_an_instructor_cannot_write_progress_or_membership(klass):
    lin = trainee_of(klass, "lin")
    with klass.connect("ann") as conn:
        for query in ("UPDATE cards SET reps = 99", "DELETE FROM cards", "DELETE FROM reviews",
                      "UPDATE trainees SET profile = '{}'",
                      f"INSERT INTO days (org, trainee, day) VALUES ('default', {lin}, '2020-01-01')",
                      "INSERT INTO class_members (org, class_id, person, role) SELECT org, class_id, person, "
                      "'trainee' FROM class_members", "UPDATE people SET name = 'x'",
                      "CREATE ROLE intruder2 LOGIN"):
            assert "permission denied" in refused(conn, query), query
        conn.execute("SET row_security = off")
        assert "row-level security" in refused(conn, "SELECT * FROM cards")
    assert klass.owner_sql("SELECT sum(reps) FROM cards WHERE trainee = %s", lin) == [(1,)]


def test_a_person_in_no_class_sees_nothing(site):
    pg_classes.create_class(site.url, "A")
    site.add("A", "lin")
    site.owner_sql("DELETE FROM class_members")
    site.add("A", "ann", Role.INSTRUCTOR)
    with site.connect("ann") as conn:
        assert conn.execute("SELECT count(*) FROM trainees").fetchone() == (0,)


# --- the schema's owner ----------------------------------------------------

def test_a_trainee_on_an_older_schema_is_asked_to_have_it_upgraded(klass, monkeypatch, capsys):
    klass.owner_sql("UPDATE drill_schema SET version = 1")
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    assert cli.main(["stats"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "older than this drill" in err and "administrator" in err, err
    assert klass.owner_sql("SELECT version FROM drill_schema") == [(1,)]


def test_a_version_1_schema_is_upgraded_in_place_with_its_progress(site, monkeypatch):
    with psycopg.connect(site.url, autocommit=True) as conn, conn.transaction():
        for statement in pg_engine.MIGRATIONS[1]:
            conn.execute(statement)
        conn.execute("INSERT INTO drill_schema (version) VALUES (1)")
        conn.execute("INSERT INTO trainees (org, name, profile) VALUES ('default', %s, '{\"name\": \"x\"}')",
                     (site.name("lin"),))
    pg_classes.create_class(site.url, "A")  # the owner's first class command upgrades
    assert site.owner_sql("SELECT version FROM drill_schema") == [(pg_engine.SCHEMA_VERSION,)]
    site.add("A", "lin")  # the trainee already on the server becomes the person
    with site.connect("lin") as conn:
        assert conn.execute("SELECT name, profile->>'name' FROM trainees").fetchall() == [(site.name("lin"), "x")]


def test_only_the_owner_manages_classes(klass, monkeypatch, capsys):
    monkeypatch.setenv("DRILL_STORE", klass.url_of("ann"))
    assert cli.main(["class", "create", "C"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "only the owner" in err
    assert klass.owner_sql("SELECT count(*) FROM classes") == [(2,)]


def test_a_role_that_is_no_person_is_never_taken_over(site, capsys):
    pg_classes.create_class(site.url, "A")
    assert cli.main(["class", "add", "A", "--trainee", "postgres"]) == 1
    assert "exists already" in capsys.readouterr().err
    with site.server.connect() as conn:
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'postgres'").fetchone() == (True,)


def test_a_login_without_its_password_is_asked_for_it_in_a_terminal(klass, monkeypatch, capsys):
    import getpass
    import sys

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(klass.server.root / "no-such-pgpass"))
    bare = klass.server.url(schema=klass.schema, user=klass.name("lin"))
    monkeypatch.setenv("DRILL_STORE", bare)
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or klass.passwords[klass.name("lin")])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    assert cli.main(["stats", "--json", "--user", "anyone"]) == 0, capsys.readouterr().err
    assert len(asked) == 1 and klass.name("lin") in asked[0]
    assert '"reviews": 1' in capsys.readouterr().out


def test_an_instructor_reads_their_trainees_stats_and_no_one_elses(klass, monkeypatch, capsys):
    monkeypatch.setenv("DRILL_STORE", klass.url_of("ann"))
    assert cli.main(["stats", "--json", "--user", klass.name("lin")]) == 0
    assert '"reviews": 1' in capsys.readouterr().out
    assert cli.main(["stats", "--json", "--user", klass.name("zhao")]) == 1  # in B, which ann does not teach
    assert "no progress" in capsys.readouterr().err
