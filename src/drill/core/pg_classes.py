"""Classes on the PostgreSQL server: made, filled and listed by the owner
(``drill class …``). Who may see what is pg_access.py's.

Each new person gets a LOGIN role of their own, named as the person, and
is made a member of their kind's group role; their first password is the
roster's, or one made here with :mod:`secrets`, handed back once to be
printed and never kept. The password is sent to the server only as its
SCRAM-SHA-256 verifier (libpq's ``PQencryptPasswordConn``). Everything one
command does is one transaction: a roster is added whole or not at all.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from psycopg import sql

from drill.core import pg_access, pg_engine
from drill.core.errors import StoreError
from drill.core.roster import Entry, Role, name_problem, password_problem

DEFAULT_ORG = pg_engine.DEFAULT_ORG
PASSWORD_LENGTH = 14
# no 0/O, 1/l/I: a first password is read off a screen or a slip of paper
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))


@dataclass(frozen=True)
class Added:
    name: str
    role: Role
    password: str | None  # the first password, to print once; None: the person was already there
    member_already: bool = False
    given: bool = False  # the password was the roster's


@contextlib.contextmanager
def owner(url: str) -> Iterator[tuple[psycopg.Connection, str]]:
    """A connection as the owner of drill's tables, the schema brought up to
    date and the group roles made; anyone else is refused in one line."""
    shown = pg_engine.where(url)
    with contextlib.closing(pg_engine.connect(url)) as conn:
        with pg_engine._server(shown, "cannot manage classes"):
            version = pg_engine.schema_version(conn)
            if version and not pg_engine._is_owner(conn):
                raise StoreError("only the owner of drill's tables manages classes: connect as that role", shown)
        pg_engine.migrate(conn, shown)
        with pg_engine._server(shown, "cannot manage classes"):
            with conn.transaction():
                pg_access.ensure_groups(conn)
            yield conn, shown


def _class_id(conn: psycopg.Connection, name: str, shown: str, org: str = DEFAULT_ORG) -> int:
    row = conn.execute("SELECT class_id FROM classes WHERE org = %s AND name = %s", (org, name.strip())).fetchone()
    if row is None:
        raise StoreError(f"no class {name.strip()!r} (make it with: drill class create NAME)", shown)
    return int(row[0])


def create_class(url: str, name: str, org: str = DEFAULT_ORG) -> None:
    name = name.strip()
    with owner(url) as (conn, shown):
        if not name:
            raise StoreError("a class needs a name", shown)
        row = conn.execute("INSERT INTO classes (org, name) VALUES (%s, %s) ON CONFLICT (org, name) DO NOTHING "
                           "RETURNING class_id", (org, name)).fetchone()
        if row is None:
            raise StoreError(f"the class {name!r} exists already", shown)


def _make_person(conn: psycopg.Connection, shown: str, org: str, entry: Entry, password: str) -> None:
    login = entry.name
    if pg_access.role_exists(conn, login):
        raise StoreError(f"{login}: a PostgreSQL role of that name exists already and is no person of "
                         "this drill; choose another name", shown)
    group = pg_access.groups(conn)[entry.role.value]
    verifier = conn.pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256")
    conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                         "INHERIT PASSWORD {} IN ROLE {}").format(
        sql.Identifier(login), sql.Literal(verifier.decode("ascii")), sql.Identifier(group)))
    trainee = None
    if entry.role is Role.TRAINEE:
        conn.execute("INSERT INTO trainees (org, name) VALUES (%s, %s) ON CONFLICT (org, name) DO NOTHING",
                     (org, entry.name))
        row = conn.execute("SELECT trainee FROM trainees WHERE org = %s AND name = %s", (org, entry.name)).fetchone()
        trainee = int(row[0]) if row else None
    conn.execute("INSERT INTO people (org, login, name, kind, trainee) VALUES (%s, %s, %s, %s, %s)",
                 (org, login, entry.name, entry.role.value, trainee))


def _add(conn: psycopg.Connection, shown: str, class_id: int, entry: Entry, org: str) -> Added:
    problem = name_problem(entry.name) or (password_problem(entry.password) if entry.password else None)
    if problem:
        raise StoreError(problem, shown)
    row = conn.execute("SELECT person, kind FROM people WHERE org = %s AND name = %s", (org, entry.name)).fetchone()
    password = None
    if row is None:
        password = entry.password or new_password()
        _make_person(conn, shown, org, entry, password)
        row = conn.execute("SELECT person, kind FROM people WHERE org = %s AND name = %s",
                           (org, entry.name)).fetchone()
        if row is None:
            raise StoreError(f"{entry.name}: the person just made is not on the server", shown)
    person, kind = int(row[0]), str(row[1])
    if kind != entry.role.value:
        raise StoreError(f"{entry.name} is {'an' if kind == 'instructor' else 'a'} {kind}, "
                         f"not {'an' if entry.role is Role.INSTRUCTOR else 'a'} {entry.role.value}", shown)
    added = conn.execute("INSERT INTO class_members (org, class_id, person, role) VALUES (%s, %s, %s, %s) "
                         "ON CONFLICT DO NOTHING RETURNING person", (org, class_id, person, kind)).fetchone()
    return Added(entry.name, entry.role, password, member_already=added is None,
                 given=password is not None and entry.password is not None)


def add_members(url: str, class_name: str, entries: list[Entry], org: str = DEFAULT_ORG) -> list[Added]:
    """Add the people to the class (made, with their roles, when new), all in one transaction."""
    with owner(url) as (conn, shown):
        class_id = _class_id(conn, class_name, shown, org)
        with conn.transaction():
            return [_add(conn, shown, class_id, entry, org) for entry in entries]


def classes(url: str, org: str = DEFAULT_ORG) -> list[dict]:
    with owner(url) as (conn, _shown):
        rows = conn.execute(
            "SELECT c.name, count(*) FILTER (WHERE m.role = 'trainee'), count(*) FILTER (WHERE m.role = 'instructor'), "
            "c.created FROM classes c LEFT JOIN class_members m ON m.org = c.org AND m.class_id = c.class_id "
            "WHERE c.org = %s GROUP BY c.class_id, c.name, c.created ORDER BY c.name", (org,)).fetchall()
    return [{"name": name, "trainees": int(trainees), "instructors": int(instructors), "created": created.isoformat()}
            for name, trainees, instructors, created in rows]


def members(url: str, class_name: str, org: str = DEFAULT_ORG) -> dict:
    with owner(url) as (conn, shown):
        class_id = _class_id(conn, class_name, shown, org)
        rows = conn.execute(
            "SELECT p.name, m.role, p.login, m.added FROM class_members m JOIN people p "
            "ON p.org = m.org AND p.person = m.person WHERE m.org = %s AND m.class_id = %s "
            "ORDER BY m.role, p.name", (org, class_id)).fetchall()
    return {"name": class_name.strip(),
            "members": [{"name": name, "role": role, "login": login, "added": added.isoformat()}
                        for name, role, login, added in rows]}
