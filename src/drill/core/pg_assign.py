"""Assignments on the PostgreSQL server (``drill assign …``): set and removed
by the owner or an instructor of the class, read by the class's members.
The server decides who may do what (pg_access.py's policies on
``assignments``); a refusal is one line naming the class.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import psycopg

from drill.core import pg_engine
from drill.core.assignments import Assignment
from drill.core.errors import StoreError

DEFAULT_ORG = pg_engine.DEFAULT_ORG


@contextlib.contextmanager
def _connection(url: str) -> Iterator[tuple[psycopg.Connection, str, str]]:
    """A connection, its server as shown, and the org of the connection's
    person (the default org for the owner). The owner brings the schema up
    to date; anyone else needs it current."""
    shown = pg_engine.where(url)
    with contextlib.closing(pg_engine.connect(url)) as conn:
        me = pg_engine.ready(conn, shown, "cannot read the assignments")
        with pg_engine._server(shown, "the progress server refused it"):
            yield conn, shown, me.org if me is not None else DEFAULT_ORG


def _class_id(conn: psycopg.Connection, name: str, shown: str, org: str) -> int:
    # the policies show a person only the classes they are in
    row = conn.execute("SELECT class_id FROM classes WHERE org = %s AND name = %s", (org, name.strip())).fetchone()
    if row is None:
        raise StoreError(f"no class {name.strip()!r} (or not one of yours)", shown)
    return int(row[0])


def _refused(class_name: str, shown: str) -> StoreError:
    return StoreError(f"only the administrator or an instructor of {class_name.strip()!r} "
                      "sets or removes its assignments", shown)


def add(url: str, class_name: str, deck: str, due: dt.date) -> bool:
    """Assign ``deck`` (an id) to the class, due on ``due``; True: new,
    False: it was assigned already, and its due date is now ``due``."""
    with _connection(url) as (conn, shown, org):
        class_id = _class_id(conn, class_name, shown, org)
        try:
            row = conn.execute("INSERT INTO assignments (org, class_id, deck, due) VALUES (%s, %s, %s, %s) "
                               "ON CONFLICT (org, class_id, deck) DO UPDATE SET due = EXCLUDED.due "
                               "RETURNING xmax = 0", (org, class_id, deck, due)).fetchone()
        except psycopg.errors.InsufficientPrivilege:
            raise _refused(class_name, shown) from None
        return bool(row and row[0])


def remove(url: str, class_name: str, deck: str) -> None:
    with _connection(url) as (conn, shown, org):
        class_id = _class_id(conn, class_name, shown, org)
        try:
            gone = conn.execute("DELETE FROM assignments WHERE org = %s AND class_id = %s AND deck = %s "
                                "RETURNING id", (org, class_id, deck)).fetchone()
        except psycopg.errors.InsufficientPrivilege:
            raise _refused(class_name, shown) from None
        if gone is None:
            still = conn.execute("SELECT 1 FROM assignments WHERE org = %s AND class_id = %s AND deck = %s",
                                 (org, class_id, deck)).fetchone()
            if still is not None:  # seen but not removable: the policies said no
                raise _refused(class_name, shown)
            raise StoreError(f"{class_name.strip()!r} has no assignment of the deck {deck!r}", shown)


def listed(url: str, class_name: str | None = None) -> list[Assignment]:
    """The assignments the connection may read (a trainee's: their classes'),
    of one class or all, soonest due first."""
    with _connection(url) as (conn, shown, org):
        query = ("SELECT a.due, c.name, a.deck FROM assignments a JOIN classes c "
                 "ON c.org = a.org AND c.class_id = a.class_id WHERE a.org = %s")
        params: tuple = (org,)
        if class_name is not None:
            query += " AND a.class_id = %s"
            params += (_class_id(conn, class_name, shown, org),)
        rows = conn.execute(query + " ORDER BY a.due, c.name, a.deck", params).fetchall()
    return [Assignment(due, str(name), str(deck)) for due, name, deck in rows]

