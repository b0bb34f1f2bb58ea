"""The PostgreSQL engine: the progress of many trainees in one server.

The only module that imports psycopg. It implements the engine interface
(engine.py) for one trainee on a PostgreSQL server (15 or later), reached
by a libpq address (``postgresql://USER@HOST/DB``, the ``--store`` option
or ``DRILL_STORE``). The tables are made in the first schema of the
connection's search path (``public`` unless the address says otherwise).

The schema
----------
The schema is versioned: ``drill_schema`` holds its version, and
:func:`migrate` brings an older schema up to :data:`SCHEMA_VERSION` in
place, one step of :data:`MIGRATIONS` at a time, in one transaction under
an advisory lock, so two drills starting together on a new server make the
tables once. A schema newer than this drill is refused, never written.

    orgs        org                            an organisation (a training centre);
                                               one, ``default``, until classes come
    trainees    (org, trainee)                 one row per trainee: a name (unique in
                                               the org), the profile (settings and
                                               choices, JSON), ``seq`` the number of
                                               their last answer, ``version`` counting
                                               the changes to their rows
    reviews     (org, trainee, seq)            the review log: one row per answer or
                                               amendment, with its ``class_id`` (the
                                               class it was drilled for; NULL outside
                                               any class) and its ``review_id``, a
                                               uuid the client made (unique per org)
    cards       (org, trainee, card)           each card's state
    days        (org, trainee, day)            the day's tallies
    items       (org, trainee, fw, item)       each item's tallies
    confusions  (org, trainee, fw, other)      frameworks confused
    stages      (org, trainee, fw)             the learning stage of each framework
    people      (org, person)                  a person's login role (``login``), name, kind
                                               (trainee or instructor) and trainee row
    classes     (org, class_id)                a class, by name
    class_members (org, class_id, person)      who is in it, as trainee or instructor
    assignments (org, id)                      a deck set to a class (unique per class
                                               and deck), with its due date
    exams       (org, exam_id)                 an exam of a class (unique per class and
                                               name): decks, count, kinds, minutes, seed
    exam_questions (org, exam_id, position)    its questions, drawn when it was set, each
                                               a snapshot of its card (jsonb)
    exam_attempts (org, exam_id, trainee)      a trainee's one attempt: started, deadline
                                               (the server's clock), finished
    exam_answers (org, exam_id, trainee, position)  each answer as graded, once

Who may see what (version 2, pg_access.py): each person logs in as a role
of their own, and row-level security, forced on every table of progress,
lets a trainee's role read and write only their own rows and an
instructor's read only their classes' trainees. A connection whose role
is a trainee opens that trainee's progress, whatever name it is given;
the owner of the tables (the administrator) opens any trainee by name.
Each answer is logged for the class it was drilled for (``class_id``):
the class of one of the trainee's classes that the answer's deck is assigned
to (the one due first), else the trainee's first class.

Why this shape:

- Every row carries its organisation, and every key and index starts with
  ``(org, trainee, …)`` (the class view's index with ``(org, class_id, …)``):
  each query names one trainee or one class of one org, and none scans every
  class's answers. A centre that outgrows one table can partition each
  table by ``org`` (declarative partitioning, whose unique keys must hold the
  partition column, as these do) or distribute it by ``org`` with Citus,
  without a new design.
- A trainee is a number (``trainee``, an identity column), with their name
  unique within the org: the later login roles (one PostgreSQL role per
  person) and class membership tables refer to that number, and row-level
  security can then be a policy on ``trainee`` alone, on every table.
- An answer is one transaction: the review row, the card's state and the
  tallies commit together, so the log and the state never part
  (:meth:`PgEngine.lagging` is always empty). Two drills of one trainee
  take turns: each transaction first locks the trainee's row
  (``SELECT … FOR UPDATE``), numbers its answers from it, and bumps its
  ``version``; the drills of other trainees never wait for it.
- An answer is inserted ``ON CONFLICT (org, review_id) DO NOTHING``: a client
  that sends it again (a replay after a lost connection) records it once.
- The records are the typed records of records.py, one column per field;
  the nested ones (an fsrs state, graded items, learning steps) as jsonb.
  Times are epoch seconds (double precision), as the records hold them.

Reading: the engine keeps the trainee's state (profile, card states,
tallies, stages) in memory, read in one statement (so from one snapshot),
and reads it again only when the trainee's ``version`` moved (another drill
wrote). The review log is read from the server when asked for.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg.types.json import Jsonb

from drill.core import pg_access
from drill.core.assignments import Assignment
from drill.core.errors import ServerAway, StoreError
from drill.core.records import CardState, ConfusionTally, DayTally, FrameworkStage, ItemTally, Review

# psycopg logs what it ignores while closing a connection the server dropped (a pipeline
# left unfinished); drill reports the server away itself, and a line on stderr would be
# drawn over the app's screen: psycopg's records go nowhere unless the user configures logging
logging.getLogger("psycopg").addHandler(logging.NullHandler())

SCHEMA_VERSION = 4
DEFAULT_ORG = "default"
# the first key of the advisory lock taken while migrating ("drll"); the second is the schema's
_MIGRATE_LOCK = 0x64726C6C
CONNECT_TIMEOUT_S = 10

# version -> the statements that make it from the one before (or a function of the
# connection giving them, for statements that name the schema)
MIGRATIONS: dict[int, list[str] | Callable[[psycopg.Connection], list[str]]] = {
    1: [
        """CREATE TABLE drill_schema (
               one boolean PRIMARY KEY DEFAULT true CHECK (one),
               version integer NOT NULL,
               upgraded timestamptz NOT NULL DEFAULT now())""",
        """CREATE TABLE orgs (
               org text PRIMARY KEY,
               name text NOT NULL DEFAULT '',
               created timestamptz NOT NULL DEFAULT now())""",
        f"INSERT INTO orgs (org) VALUES ('{DEFAULT_ORG}')",
        """CREATE TABLE trainees (
               org text NOT NULL REFERENCES orgs,
               trainee bigint GENERATED ALWAYS AS IDENTITY,
               name text NOT NULL,
               profile jsonb NOT NULL DEFAULT '{}',
               seq bigint NOT NULL DEFAULT 0,
               version bigint NOT NULL DEFAULT 0,
               created timestamptz NOT NULL DEFAULT now(),
               active timestamptz,
               PRIMARY KEY (org, trainee),
               UNIQUE (org, name))""",
        """CREATE TABLE reviews (
               org text NOT NULL,
               class_id bigint,
               trainee bigint NOT NULL,
               seq bigint NOT NULL,
               review_id uuid NOT NULL,
               amends bigint NOT NULL DEFAULT 0,
               undone boolean NOT NULL DEFAULT false,
               card text NOT NULL,
               deck text NOT NULL,
               fw text NOT NULL,
               kind text NOT NULL,
               at double precision NOT NULL,
               stage text NOT NULL DEFAULT '',
               verdict text NOT NULL,
               rating smallint NOT NULL,
               score double precision NOT NULL,
               seconds double precision NOT NULL,
               typed text NOT NULL DEFAULT '',
               hints integer NOT NULL DEFAULT 0,
               overridden text NOT NULL DEFAULT '',
               is_new boolean,
               was_mature boolean,
               items jsonb NOT NULL DEFAULT '[]',
               extra jsonb NOT NULL DEFAULT '[]',
               intrusions jsonb NOT NULL DEFAULT '[]',
               logged timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (org, trainee, seq),
               UNIQUE (org, review_id),
               FOREIGN KEY (org, trainee) REFERENCES trainees ON DELETE CASCADE)""",
        "CREATE INDEX reviews_by_card ON reviews (org, trainee, card, seq)",
        "CREATE INDEX reviews_by_class ON reviews (org, class_id, at)",
        """CREATE TABLE cards (
               org text NOT NULL,
               trainee bigint NOT NULL,
               card text NOT NULL,
               deck text NOT NULL,
               fw text NOT NULL,
               kind text NOT NULL,
               fsrs jsonb NOT NULL,
               due double precision NOT NULL,
               reps integer NOT NULL,
               lapses integer NOT NULL,
               "first" double precision NOT NULL,
               "last" double precision NOT NULL,
               stability double precision NOT NULL DEFAULT 0,
               seq bigint NOT NULL DEFAULT 0,
               amends integer NOT NULL DEFAULT 0,
               PRIMARY KEY (org, trainee, card),
               FOREIGN KEY (org, trainee) REFERENCES trainees ON DELETE CASCADE)""",
        """CREATE TABLE days (
               org text NOT NULL,
               trainee bigint NOT NULL,
               day date NOT NULL,
               reviews integer NOT NULL DEFAULT 0,
               passed integer NOT NULL DEFAULT 0,
               mature integer NOT NULL DEFAULT 0,
               mature_passed integer NOT NULL DEFAULT 0,
               seconds double precision NOT NULL DEFAULT 0,
               new integer NOT NULL DEFAULT 0,
               learning integer NOT NULL DEFAULT 0,
               PRIMARY KEY (org, trainee, day),
               FOREIGN KEY (org, trainee) REFERENCES trainees ON DELETE CASCADE)""",
        """CREATE TABLE items (
               org text NOT NULL,
               trainee bigint NOT NULL,
               fw text NOT NULL,
               item text NOT NULL,
               deck text NOT NULL,
               seen integer NOT NULL DEFAULT 0,
               missed integer NOT NULL DEFAULT 0,
               PRIMARY KEY (org, trainee, fw, item),
               FOREIGN KEY (org, trainee) REFERENCES trainees ON DELETE CASCADE)""",
        """CREATE TABLE confusions (
               org text NOT NULL,
               trainee bigint NOT NULL,
               fw text NOT NULL,
               other text NOT NULL,
               deck text NOT NULL,
               count integer NOT NULL DEFAULT 0,
               PRIMARY KEY (org, trainee, fw, other),
               FOREIGN KEY (org, trainee) REFERENCES trainees ON DELETE CASCADE)""",
        """CREATE TABLE stages (
               org text NOT NULL,
               trainee bigint NOT NULL,
               fw text NOT NULL,
               deck text NOT NULL,
               steps jsonb NOT NULL DEFAULT '[]',
               PRIMARY KEY (org, trainee, fw),
               FOREIGN KEY (org, trainee) REFERENCES trainees ON DELETE CASCADE)""",
    ],
    # people, classes and row-level security (pg_access.py)
    2: pg_access.migration_2,
    # assignments: decks set to a class with a due date (pg_access.py)
    3: pg_access.migration_3,
    # exams: definitions, questions, attempts and answers (pg_access.py, pg_exam.py)
    4: pg_access.migration_4,
}


# --------------------------------------------------------------------------
# addresses and errors


def _unsecret(text: str) -> str:
    """``text`` less anything in it that may be a password (of an address in it)."""
    text = re.sub(r"(://[^:/@?\s]*):[^@\s]*@", r"\1@", text)
    return re.sub(r"(password\s*=\s*)[^\s&]+", r"\1…", text)


def where(url: str) -> str:
    """The server ``url`` names, for messages: its address without the password."""
    try:
        params = pg_conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return _unsecret(url)  # not readable as an address: shown as given, less any password
    user = params.get("user")
    host = params.get("host") or params.get("hostaddr") or "localhost"
    port = params.get("port") or "5432"
    db = params.get("dbname") or (user or "")
    login = f"{user}@" if user else ""
    if str(host).startswith("/"):
        return f"postgresql://{login}/{db}?host={host}&port={port}"
    return f"postgresql://{login}{host}:{port}/{db}"


def _said(exc: BaseException) -> str:
    """The first line of what the server or libpq said (less any password it quotes)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return _unsecret(lines[0]) if lines else type(exc).__name__


def connect(url: str) -> psycopg.Connection:
    """A connection to the server at ``url`` (autocommit: each change is an
    explicit transaction). An address that cannot be read, or a server that
    cannot be reached, is one StoreError naming the server."""
    shown = where(url)
    try:
        params = pg_conninfo.conninfo_to_dict(url)
    except psycopg.Error as exc:
        raise StoreError(f"not a PostgreSQL address drill can read: {_said(exc)}", shown) from None
    extra: dict[str, Any] = {"application_name": "drill"}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        return psycopg.connect(url, autocommit=True, **extra)
    except psycopg.Error as exc:
        said = _said(exc).removeprefix("connection failed: ")
        refusal = _refusal(said)
        if refusal is not None:
            # the server answered and said no (a wrong password, no such role or database):
            # not a server away, whose answers would wait in the journal
            raise StoreError(f"the progress server refused the connection: {refusal}", shown) from None
        error = ServerAway if away(exc) else StoreError
        raise error(f"cannot reach the progress server: {said}", shown) from None


# what a server still starting, stopping or full says when it turns a connection away:
# it is away for now (answers wait in the journal), not refusing
_BUSY_FATAL = ("the database system is", "too many clients", "remaining connection slots", "sorry, too many")


def _refusal(said: str) -> str | None:
    """What the server said, when it answered a connection with a refusal
    (libpq's ``FATAL:``) rather than being away; None otherwise."""
    _, fatal, reason = said.partition("FATAL:")
    if not fatal:
        return None
    reason = reason.strip()
    if any(reason.startswith(busy) for busy in _BUSY_FATAL):
        return None
    if reason.startswith("password authentication failed"):
        return reason + " (check the password in the address, or ask the instructor for a new one)"
    return reason


# SQLSTATEs of a server going away: a connection exception (class 08), an
# administrator's or a crash's shutdown, a server still starting
_AWAY_STATES = ("57P01", "57P02", "57P03")


def away(exc: BaseException) -> bool:
    """Whether ``exc`` says the server is unreachable, or dropped the
    connection (rather than refusing what was asked): an OperationalError of
    libpq's own (no SQLSTATE) or of a server going away."""
    if not isinstance(exc, psycopg.OperationalError):
        return False
    state = exc.sqlstate
    return state is None or state.startswith("08") or state in _AWAY_STATES


@contextlib.contextmanager
def _server(shown: str, doing: str = "the progress server failed"):
    """Any error of psycopg inside, as one StoreError naming the server."""
    try:
        yield
    except psycopg.OperationalError as exc:
        raise (ServerAway if away(exc) else StoreError)(f"lost the progress server: {_said(exc)}", shown) from None
    except psycopg.Error as exc:
        raise StoreError(f"{doing}: {_said(exc)}", shown) from None


# --------------------------------------------------------------------------
# the schema


def schema_version(conn: psycopg.Connection) -> int:
    """The version of drill's schema on the connection's search path (0: none)."""
    row = conn.execute("SELECT to_regclass('drill_schema') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    found = conn.execute("SELECT version FROM drill_schema").fetchone()
    return int(found[0]) if found else 0


def _refuse_newer(version: int, shown: str) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(f"the server's drill schema is version {version}, newer than this drill knows "
                         f"({SCHEMA_VERSION}); upgrade drill", shown)


def _is_owner(conn: psycopg.Connection) -> bool:
    """Whether the connection's role owns drill's tables (or is a superuser)."""
    row = conn.execute("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
                       "WHERE oid = to_regclass('drill_schema')").fetchone()
    return bool(row and row[0])


def _refuse_older(conn: psycopg.Connection, version: int, shown: str) -> None:
    """A schema older than this drill, reached by a role that may not upgrade it."""
    if 0 < version < SCHEMA_VERSION and not _is_owner(conn):
        raise StoreError(f"the server's drill schema is version {version}, older than this drill "
                         f"({SCHEMA_VERSION}); ask its administrator to upgrade it (any drill class "
                         "command run as the owner does)", shown)


def migrate(conn: psycopg.Connection, shown: str = "") -> int:
    """Bring drill's schema up to SCHEMA_VERSION in place; idempotent, and
    safe when several drills start at once (an advisory lock makes them take
    turns). Only the tables' owner upgrades a schema: anyone else is told to
    ask for it. Returns the version it found."""
    with _server(shown, "cannot make drill's tables"):
        found = schema_version(conn)
        _refuse_newer(found, shown)
        if found == SCHEMA_VERSION:
            return found
        _refuse_older(conn, found, shown)
        schema = conn.execute("SELECT current_schema()").fetchone()
        if not schema or schema[0] is None:
            raise StoreError("the connection's search path names no schema to make drill's tables in", shown)
        # A lock of the session, taken before the transaction: a transaction begun after the
        # drill before this one committed sees its tables (one begun before it, and waiting on
        # the lock inside, would still take them for missing).
        key = (_MIGRATE_LOCK, schema[0])
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", key)
        try:
            with conn.transaction():
                found = schema_version(conn)  # another drill may have migrated while this one waited
                _refuse_newer(found, shown)
                for version in range(found + 1, SCHEMA_VERSION + 1):
                    step = MIGRATIONS[version]
                    for statement in step(conn) if callable(step) else step:
                        conn.execute(statement)
                conn.execute("INSERT INTO drill_schema (version) VALUES (%s) "
                             "ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version, upgraded = now()",
                             (SCHEMA_VERSION,))
        finally:
            if not conn.broken:
                conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)
        return found


def ready(conn: psycopg.Connection, shown: str, doing: str) -> pg_access.Person | None:
    """Make ``conn`` ready for a class's work (assignments, exams): the owner
    brings the schema (and the group roles) up to date, anyone else needs it
    current. Returns the person the login is (None: the owner)."""
    with _server(shown, doing):
        version = schema_version(conn)
        owner = not version or _is_owner(conn)
    if owner:
        migrate(conn, shown)
        with _server(shown, doing), conn.transaction():
            pg_access.ensure_groups(conn)
    else:
        _refuse_newer(version, shown)
        _refuse_older(conn, version, shown)
    with _server(shown, "the progress server refused it"):
        return pg_access.identity(conn)


def trainee_names(url: str, org: str = DEFAULT_ORG) -> list[str]:
    """The trainees with progress on the server, most recently active first."""
    shown = where(url)
    with contextlib.closing(connect(url)) as conn, _server(shown):
        if not schema_version(conn):
            return []
        rows = conn.execute("SELECT name FROM trainees WHERE org = %s AND profile ? 'name' "
                            "ORDER BY active DESC NULLS LAST, name", (org,)).fetchall()
        return [row[0] for row in rows]


def has_trainee(url: str, name: str, org: str = DEFAULT_ORG) -> bool:
    """Whether the server holds a store for the trainee ``name`` (for a
    trainee's own login: their own store, whatever the name)."""
    shown = where(url)
    with contextlib.closing(connect(url)) as conn, _server(shown):
        version = schema_version(conn)
        if not version:
            return False
        me = pg_access.identity(conn) if version >= 2 else None
        if me is not None and me.trainee is not None:
            return conn.execute("SELECT 1 FROM trainees WHERE org = %s AND trainee = %s AND profile ? 'name'",
                                (me.org, me.trainee)).fetchone() is not None
        return conn.execute("SELECT 1 FROM trainees WHERE org = %s AND name = %s AND profile ? 'name'",
                            (org, name.strip())).fetchone() is not None


# --------------------------------------------------------------------------
# the engine

# table -> (record, key fields, other fields, fields read back as floats, JSON fields)
_TABLES: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "cards": (CardState, ("card",), ("deck", "fw", "kind", "fsrs", "due", "reps", "lapses", "first", "last",
                                     "stability", "seq", "amends"), ("due", "first", "last", "stability"),
              ("fsrs",)),
    "days": (DayTally, ("day",), ("reviews", "passed", "mature", "mature_passed", "seconds", "new", "learning"),
             ("seconds",), ()),
    "items": (ItemTally, ("fw", "item"), ("deck", "seen", "missed"), (), ()),
    "confusions": (ConfusionTally, ("fw", "other"), ("deck", "count"), (), ()),
    "stages": (FrameworkStage, ("fw",), ("deck", "steps"), (), ("steps",)),
}


def _quoted(names) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _upsert(table: str) -> str:
    _record, key, other, _floats, _json = _TABLES[table]
    columns = ("org", "trainee", *key, *other)
    return (f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT (org, trainee, {_quoted(key)}) DO UPDATE SET "
            + ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in other))


def _delete(table: str) -> str:
    key = _TABLES[table][1]
    return f"DELETE FROM {table} WHERE org = %s AND trainee = %s AND " + " AND ".join(f'"{k}" = %s' for k in key)


_UPSERTS = {table: _upsert(table) for table in _TABLES}
_DELETES = {table: _delete(table) for table in _TABLES}
# the trainee's whole state in one statement, so from one snapshot
_LOAD = " UNION ALL ".join(f"SELECT '{table}', to_jsonb(t) FROM {table} t WHERE org = %(org)s AND trainee = %(t)s"
                           for table in _TABLES)

_REVIEW_COLUMNS = ("seq", "review_id", "amends", "undone", "card", "deck", "fw", "kind", "at", "stage", "verdict",
                   "rating", "score", "seconds", "typed", "hints", "overridden", "is_new", "was_mature", "items",
                   "extra", "intrusions")
_REVIEW_SELECT = f"SELECT {_quoted(_REVIEW_COLUMNS)} FROM reviews"
# the class an answer is drilled for: one of the trainee's classes its deck is assigned to
# (the one due first), else the trainee's first class (the engine's class_id)
_ASSIGNED_CLASS = ("SELECT a.class_id FROM assignments a "
                   "JOIN class_members m ON m.org = a.org AND m.class_id = a.class_id AND m.role = 'trainee' "
                   "JOIN people p ON p.org = m.org AND p.person = m.person "
                   "WHERE a.org = %(org)s AND a.deck = %(deck)s AND p.trainee = %(trainee)s "
                   "ORDER BY a.due, a.class_id LIMIT 1")
_REVIEW_INSERT = (f"INSERT INTO reviews (org, class_id, trainee, {_quoted(_REVIEW_COLUMNS)}) "
                  f"VALUES (%(org)s, COALESCE(({_ASSIGNED_CLASS}), %(class_id)s), %(trainee)s, "
                  f"{', '.join(f'%({n})s' for n in _REVIEW_COLUMNS)}) "
                  "ON CONFLICT (org, review_id) DO NOTHING RETURNING seq")


def _review_of(row) -> Review:
    (seq, review_id, amends, undone, card, deck, fw, kind, at, stage, verdict, rating, score, seconds, typed,
     hints, overridden, is_new, was_mature, items, extra, intrusions) = row
    return Review(card=card, deck=deck, fw=fw, kind=kind, at=at, items=items, score=score, verdict=verdict,
                  rating=rating, seconds=seconds, typed=typed, extra=extra, hints=hints, overridden=overridden,
                  seq=seq, amends=amends, new=is_new, mature=was_mature, undone=undone, intrusions=intrusions,
                  stage=stage, id=str(review_id))


class PgEngine:
    """The engine interface (engine.py) for one trainee on a PostgreSQL server."""

    def __init__(self, url: str, user: str, readonly: bool = False, org: str = DEFAULT_ORG) -> None:
        self.url = url
        self.where = where(url)
        self.name = user.strip()
        self.org = org
        self.readonly = readonly
        self.conn = connect(url)
        self.trainee: int | None = None
        self._depth = 0  # transactions entered (an inner one joins the outer)
        self._dirty = False  # the transaction under way changed something
        self._locked_version = 0  # the trainee's version when the transaction locked the row
        self._version: int | None = None  # the version the state in memory holds (None: read it again)
        self._profile: dict[str, Any] = {}
        self._seq = 0
        self._state: dict[str, dict[tuple, Any]] = {table: {} for table in _TABLES}
        # changes waiting for the end of the transaction: (table, key) -> record, or None to remove
        self._pending: dict[tuple[str, tuple], Any] = {}
        self._committed: int | None = None  # the version the transaction under way commits
        self._saved: tuple | None = None  # memory as the transaction under way found it
        self.person: str | None = None  # the person the connection's role is, when it is one
        self.class_id: int | None = None  # the class the answers are drilled for
        try:
            with _server(self.where, "cannot open the progress store"):
                if readonly:
                    version = schema_version(self.conn)
                    _refuse_newer(version, self.where)
                    _refuse_older(self.conn, version, self.where)
                else:
                    migrate(self.conn, self.where)
                    version = SCHEMA_VERSION
                if version and not self._as_person():
                    self.trainee = self._find(create=not readonly)
                if self.trainee is not None and version >= 2:
                    self.class_id = pg_access.first_class(self.conn, self.org, self.trainee)
                self._load()
        except BaseException:
            self.conn.close()
            raise

    def _as_person(self) -> bool:
        """A connection whose role is a person (pg_access.py) opens that
        person's own progress, whatever name was asked for; False: the
        owner, who opens trainees by name."""
        if schema_version(self.conn) < 2:
            return False
        me = pg_access.identity(self.conn)
        if me is None:
            return False
        if me.kind != pg_access.TRAINEE and not self.readonly:
            raise StoreError(f"{me.login} is an instructor's login: it reads the classes it teaches "
                             "and records no progress", self.where)
        self.org = me.org
        if me.trainee is not None:
            self.name, self.person, self.trainee = me.name, me.name, me.trainee
        else:
            self.trainee = self._find()  # an instructor reads a trainee by name (the policies decide)
        return True

    def _find(self, create: bool = False) -> int | None:
        if create:
            self.conn.execute("INSERT INTO trainees (org, name) VALUES (%s, %s) ON CONFLICT (org, name) DO NOTHING",
                              (self.org, self.name))
        row = self.conn.execute("SELECT trainee FROM trainees WHERE org = %s AND name = %s",
                                (self.org, self.name)).fetchone()
        return int(row[0]) if row else None

    def _connection(self) -> psycopg.Connection:
        """The connection, made again when the server dropped it (a restart)."""
        if self.conn.closed or self.conn.broken:
            self.conn = connect(self.url)  # the version on the server says whether memory is behind
        return self.conn

    # reading the state -----------------------------------------------------

    def _load(self) -> None:
        """Read the trainee's state (in a transaction: under its row's lock)."""
        conn = self._connection()
        state: dict[str, dict[tuple, Any]] = {table: {} for table in _TABLES}
        if self.trainee is None:
            self._profile, self._seq, self._version, self._state = {}, 0, 0, state
            return
        row = conn.execute("SELECT profile, seq, version FROM trainees WHERE org = %s AND trainee = %s",
                           (self.org, self.trainee)).fetchone()
        if row is None:
            raise StoreError(f"the trainee {self.name!r} is no longer on the server", self.where)
        for table, doc in conn.execute(_LOAD, {"org": self.org, "t": self.trainee}):
            record, key, _other, floats, _json = _TABLES[table]
            for name in floats:
                doc[name] = float(doc[name])
            state[table][tuple(doc[k] for k in key)] = record.from_doc(doc)
        # the row is read again after the state: a writer between the two makes the next look read again
        self._profile, self._seq, self._version = dict(row[0]), int(row[1]), int(row[2])
        self._state = state

    def _current(self) -> dict[str, dict[tuple, Any]]:
        if self._version is None:
            with _server(self.where):
                self._load()
        return self._state

    def _get(self, table: str, key: tuple):
        found = self._current()[table].get(key)
        return copy.copy(found) if found is not None else None

    def _all(self, table: str) -> Iterator:
        return (copy.copy(record) for record in list(self._current()[table].values()))

    def _put(self, table: str, key: tuple, record) -> None:
        with self._changing():
            self._current()[table][key] = copy.copy(record)
            self._pending[(table, key)] = copy.copy(record)

    def _remove(self, table: str, key: tuple) -> None:
        with self._changing():
            if self._current()[table].pop(key, None) is not None:
                self._pending[(table, key)] = None

    @contextlib.contextmanager
    def _changing(self):
        """A change: in the transaction under way, or in one of its own."""
        if self._depth:
            self._dirty = True
            yield
            return
        with self.transaction():
            self._dirty = True
            yield

    # transactions ----------------------------------------------------------

    def _refuse_readonly(self) -> None:
        if self.readonly:
            raise StoreError("the progress store was opened read-only", self.where)

    @contextlib.contextmanager
    def transaction(self):
        self._refuse_readonly()
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            with _server(self.where, "the progress server refused a change"):
                conn = self._start()
                try:
                    yield
                    self._flush(conn)  # and COMMIT, in the same round trip
                except BaseException:
                    self._forget()
                    if not conn.broken:
                        with contextlib.suppress(psycopg.Error):
                            conn.execute("ROLLBACK")
                    raise
        except BaseException:
            self._forget()
            raise
        finally:
            self._depth = 0
            self._pending = {}
            self._dirty = False
            self._saved = None
        if self._committed is not None:
            self._version = self._committed

    def _start(self) -> psycopg.Connection:
        """Begin a transaction and lock the trainee's row. A connection the
        server dropped since its last use (a restart) is made again, once:
        nothing of the transaction was sent yet."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                try:
                    self._begin(conn)
                except BaseException:
                    if not conn.broken:
                        with contextlib.suppress(psycopg.Error):
                            conn.execute("ROLLBACK")
                    raise
                return conn
            except psycopg.OperationalError:
                if attempt == 2 or not conn.broken:
                    raise
        raise AssertionError("unreachable")

    def _begin(self, conn: psycopg.Connection) -> None:
        """Lock the trainee's row: the drills of this trainee take turns; take
        in what another wrote since this one last read."""
        self._depth = 1
        self._dirty = False
        self._pending = {}
        self._committed = None
        with conn.pipeline():  # BEGIN and the lock in one round trip
            conn.execute("BEGIN")
            cur = conn.execute("SELECT version FROM trainees WHERE org = %s AND trainee = %s FOR UPDATE",
                               (self.org, self.trainee))
        row = cur.fetchone()
        if row is None:
            raise StoreError(f"the trainee {self.name!r} is no longer on the server", self.where)
        if int(row[0]) != self._version:
            self._load()
        self._locked_version = int(row[0])
        # what memory held, as committed: put back if the transaction fails
        self._saved = ({table: dict(rows) for table, rows in self._state.items()}, dict(self._profile), self._seq,
                       self._version)

    def _flush(self, conn: psycopg.Connection) -> None:
        """Write the transaction's changes and commit them, in one round trip
        (an error in any statement skips the rest, the COMMIT with them)."""
        if not self._dirty:
            self._committed = self._locked_version
            conn.execute("COMMIT")
            return
        upserts: dict[str, list] = {}
        deletes: dict[str, list] = {}
        for (table, key), record in self._pending.items():
            if record is None:
                deletes.setdefault(table, []).append((self.org, self.trainee, *key))
                continue
            _record, _key, other, _floats, json_fields = _TABLES[table]
            doc = record.as_doc()
            values = [Jsonb(doc[n]) if n in json_fields else doc[n] for n in (*_key, *other)]
            upserts.setdefault(table, []).append((self.org, self.trainee, *values))
        version = self._locked_version + 1
        with conn.pipeline(), conn.cursor() as cur:
            for table, rows in deletes.items():
                cur.executemany(_DELETES[table], rows)
            for table, rows in upserts.items():
                cur.executemany(_UPSERTS[table], rows)
            cur.execute("UPDATE trainees SET profile = %s, seq = %s, version = %s, active = now() "
                        "WHERE org = %s AND trainee = %s",
                        (Jsonb(self._profile), self._seq, version, self.org, self.trainee))
            cur.execute("COMMIT")
        self._committed = version

    def _forget(self) -> None:
        """A transaction that failed (rolled back, or its commit unanswered):
        memory goes back to what it held before it; the trainee's version on
        the server says on the next look whether that is behind."""
        if self._saved is not None:
            self._state, self._profile, self._seq, self._version = self._saved
            self._saved = None
        self._pending = {}
        self._committed = None

    def replay(self):
        if self.readonly:
            return contextlib.nullcontext()
        return self.transaction()

    def refresh(self, wait: bool = True) -> None:
        # a plain read never waits for a writer's lock: ``wait`` changes nothing here
        if self._depth:
            return
        with _server(self.where):
            conn = self._connection()
            if self.trainee is None:
                if not self.readonly or not schema_version(conn):
                    return
                self.trainee = self._find()
                if self.trainee is None:
                    return
                self._version = None
            row = conn.execute("SELECT version FROM trainees WHERE org = %s AND trainee = %s",
                               (self.org, self.trainee)).fetchone()
            if row is None or int(row[0]) != self._version:
                self._load()

    # the profile -----------------------------------------------------------

    def profile(self) -> dict[str, Any]:
        self._current()
        return dict(self._profile)

    def update_profile(self, fields: dict[str, Any]) -> None:
        with self._changing():
            self._current()
            self._profile.update(copy.deepcopy(fields))

    # card states and tallies -----------------------------------------------

    def card(self, card_id: str) -> CardState | None:
        return self._get("cards", (card_id,))

    def cards(self) -> Iterator[CardState]:
        return self._all("cards")

    def due_at(self) -> dict[str, float]:
        return {state.card: state.due for state in self._current()["cards"].values()}

    def put_card(self, state: CardState) -> None:
        self._put("cards", (state.card,), state)

    def remove_card(self, card_id: str) -> None:
        self._remove("cards", (card_id,))

    def day(self, day: str) -> DayTally | None:
        return self._get("days", (day,))

    def days(self) -> Iterator[DayTally]:
        return self._all("days")

    def put_day(self, tally: DayTally) -> None:
        self._put("days", (tally.day,), tally)

    def item(self, fw: str, item: str) -> ItemTally | None:
        return self._get("items", (fw, item))

    def items(self) -> Iterator[ItemTally]:
        return self._all("items")

    def put_item(self, tally: ItemTally) -> None:
        self._put("items", (tally.fw, tally.item), tally)

    def confusion(self, fw: str, other: str) -> ConfusionTally | None:
        return self._get("confusions", (fw, other))

    def confusions(self) -> Iterator[ConfusionTally]:
        return self._all("confusions")

    def put_confusion(self, tally: ConfusionTally) -> None:
        self._put("confusions", (tally.fw, tally.other), tally)

    def stage(self, fw: str) -> FrameworkStage | None:
        return self._get("stages", (fw,))

    def stages(self) -> Iterator[FrameworkStage]:
        return self._all("stages")

    def put_stage(self, stage: FrameworkStage) -> None:
        self._put("stages", (stage.fw,), stage)

    def remove_stage(self, fw: str) -> None:
        self._remove("stages", (fw,))

    def has_progress(self) -> bool:
        state = self._current()
        return self._seq > 0 or any(state[t] for t in ("cards", "days", "items", "stages"))

    # the review log --------------------------------------------------------

    def log(self, review: Review, now: float) -> Review:
        """Insert ``review`` numbered after the trainee's last answer. A review
        whose id the server already holds is not logged again: the one it
        holds is returned (its number no later than :meth:`applied_seq`)."""
        with self._changing():
            numbered = dataclasses.replace(review, seq=self._seq + 1, id=review.id or str(uuid.uuid4()))
            doc = numbered.as_doc()
            values = [Jsonb(doc[n]) if n in ("items", "extra", "intrusions") else doc[n]
                      for n in ("seq", "id", "amends", "undone", "card", "deck", "fw", "kind", "at", "stage",
                                "verdict", "rating", "score", "seconds", "typed", "hints", "overridden", "new",
                                "mature", "items", "extra", "intrusions")]
            params = dict(zip(_REVIEW_COLUMNS, values), org=self.org, class_id=self.class_id,
                          trainee=self.trainee)
            with _server(self.where, "the progress server refused an answer"):
                row = self.conn.execute(_REVIEW_INSERT, params).fetchone()
                if row is None:
                    found = self.conn.execute(_REVIEW_SELECT + " WHERE org = %s AND review_id = %s",
                                              (self.org, numbered.id)).fetchone()
                    if found is None:
                        raise StoreError("an answer's id is taken, but no answer has it", self.where)
                    return _review_of(found)
            self._seq = numbered.seq
            return numbered

    def reviews(self, card: str | None = None) -> Iterator[Review]:
        if self.trainee is None:
            return iter(())
        with _server(self.where):
            conn = self._connection()
            if card is None:
                rows = conn.execute(_REVIEW_SELECT + " WHERE org = %s AND trainee = %s ORDER BY seq",
                                    (self.org, self.trainee)).fetchall()
            else:
                rows = conn.execute(_REVIEW_SELECT + " WHERE org = %s AND trainee = %s AND card = %s "
                                    "ORDER BY seq", (self.org, self.trainee, card)).fetchall()
        return iter([_review_of(row) for row in rows])

    def applied_seq(self) -> int:
        self._current()
        return self._seq

    def lagging(self) -> list[Review]:
        return []  # a review and the state it moves commit together

    def mark_applied(self, review: Review) -> None:
        pass  # every review logged is applied in its own transaction

    @contextlib.contextmanager
    def rebuilding(self):
        """Empty the trainee's state (the profile kept) and let the block
        rebuild it, all in one transaction."""
        with self.transaction(), _server(self.where, "the progress server refused the rebuild"):
            for table in _TABLES:
                self.conn.execute(f"DELETE FROM {table} WHERE org = %s AND trainee = %s",
                                  (self.org, self.trainee))
            self._state = {table: {} for table in _TABLES}
            self._pending = {}
            self._dirty = True
            yield

    # the class's work -------------------------------------------------------

    def assignments(self) -> list[Assignment]:
        """The assignments of the classes the trainee is in, soonest due first."""
        if self.trainee is None:
            return []
        with _server(self.where):
            conn = self._connection()
            if schema_version(conn) < 3:
                return []
            rows = conn.execute(
                "SELECT a.due, c.name, a.deck FROM assignments a "
                "JOIN classes c ON c.org = a.org AND c.class_id = a.class_id "
                "JOIN class_members m ON m.org = a.org AND m.class_id = a.class_id AND m.role = 'trainee' "
                "JOIN people p ON p.org = m.org AND p.person = m.person "
                "WHERE a.org = %s AND p.trainee = %s ORDER BY a.due, c.name, a.deck",
                (self.org, self.trainee)).fetchall()
        return [Assignment(due, str(name), str(deck)) for due, name, deck in rows]

    def close(self) -> None:
        self.conn.close()
