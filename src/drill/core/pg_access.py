"""Who may see what on the PostgreSQL server, enforced by the server.

People
------
Every person (a trainee or an instructor) is a PostgreSQL LOGIN role of
their own, made by the administrator (``drill class add``); its password is
hashed to a SCRAM-SHA-256 verifier by libpq before it is sent, so the
server holds only the verifier and the password itself is never sent,
stored or logged. The table ``people`` maps a role (``current_user``) to the
person: their org, name, kind and, for a trainee, their row of
``trainees``. A connection is who its role is: a trainee's drill opens their
own row, whatever name is typed.

The administrator is the owner: the role that made drill's tables (the
first to migrate). Only the owner may make people, classes and
memberships: no one else is granted a write on ``people``, ``classes`` or
``class_members``, and the person roles are made NOCREATEROLE NOCREATEDB.

Grants (least privilege), to two group roles of the schema that every
person role is a member of (:func:`groups`):

    trainee group     trainees: SELECT, UPDATE (profile, seq, version, active)
                      reviews: SELECT, INSERT (the log is never rewritten)
                      cards, days, items, confusions, stages: SELECT, INSERT, UPDATE, DELETE
                      people, classes, class_members, orgs, drill_schema: SELECT
                      assignments: SELECT
    instructor group  SELECT on all of those; assignments: SELECT, INSERT,
                      UPDATE (due), DELETE (the policies say which rows)

Row-level security
------------------
Every table that holds a person's progress or identity has row-level
security enabled and forced (the owner too goes through the policies; a
superuser alone bypasses them). The policies, all permissive:

    trainees, reviews, cards, days, items, confusions, stages
        owner    the owner: every row
        own      anyone: the rows whose trainee is the connection's own
                 (read and write; a row written must be their own too)
        taught   anyone, reading: the rows of trainees in the classes the
                 connection's person teaches
    people       owner; self (their own row); taught (their classes' trainees)
    classes      owner; member (the classes they are in, as either role)
    class_members  owner; self (their own memberships); taught (every
                 membership of the classes they teach)
    assignments  (version 3) owner; member (reading: the assignments of the
                 classes they are in, as trainee or instructor); taught
                 (adding, changing the due date of and removing the
                 assignments of the classes they teach). So a class's
                 trainees read its assignments and no one else's, and only
                 the administrator (the owner) or an instructor of that
                 class sets or removes them; a trainee, or an instructor of
                 another class, is refused.

The policies find the connection's person through SECURITY DEFINER
functions (``drill_own_trainee`` and the like), called with
``current_user``; each answers only for a role the session is (a member
of), so no one learns another person's rows by passing another name. A
role that is no person (a group role reached by SET ROLE, say) matches no
row. With ``SET row_security = off``, a query the policies apply to is
refused (an error), never run unfiltered.

Every table is granted to the group roles by :func:`ensure_groups`, which
every ``drill class`` command runs: a later version's new table is granted
there too.
"""

from __future__ import annotations

import dataclasses
import hashlib

import psycopg
from psycopg import sql

TRAINEE = "trainee"
INSTRUCTOR = "instructor"
KINDS = (TRAINEE, INSTRUCTOR)

# the tables of a trainee's progress, each keyed (org, trainee, …)
PROGRESS = ("trainees", "reviews", "cards", "days", "items", "confusions", "stages")
# what a trainee may do to each
_TRAINEE_GRANTS = {
    "trainees": "SELECT, UPDATE (profile, seq, version, active)",
    "reviews": "SELECT, INSERT",
    **{table: "SELECT, INSERT, UPDATE, DELETE" for table in ("cards", "days", "items", "confusions", "stages")},
}
# the class's work (version 3): what each kind may do to it (the policies say which rows)
_WORK_GRANTS = {TRAINEE: "SELECT", INSTRUCTOR: "SELECT, INSERT, UPDATE (due), DELETE"}
WORK = ("assignments",)
_READ_ONLY = ("people", "classes", "class_members", "orgs", "drill_schema")
_FUNCTIONS = ("drill_own_trainee(name)", "drill_own_person(name)", "drill_taught(name)",
              "drill_taught_classes(name)", "drill_classes_of(name)")


def _functions(schema: str) -> list[str]:
    """The SECURITY DEFINER functions the policies find the connection's person with."""
    path = f"SET search_path = {sql.Identifier(schema).as_string(None)}, pg_temp"
    head = f"LANGUAGE sql STABLE SECURITY DEFINER {path}"
    # pg_has_role: a function answers only for a role the session is (or is a member of)
    mine = "pg_has_role(session_user, who, 'MEMBER')"
    bodies = {
        "drill_own_trainee(who name) RETURNS bigint":
            f"SELECT trainee FROM people WHERE login = who AND kind = '{TRAINEE}' AND {mine}",
        "drill_own_person(who name) RETURNS bigint":
            f"SELECT person FROM people WHERE login = who AND {mine}",
        "drill_taught_classes(who name) RETURNS SETOF bigint":
            "SELECT m.class_id FROM people p JOIN class_members m ON m.org = p.org AND m.person = p.person "
            f"WHERE p.login = who AND m.role = '{INSTRUCTOR}' AND {mine}",
        "drill_classes_of(who name) RETURNS SETOF bigint":
            "SELECT m.class_id FROM people p JOIN class_members m ON m.org = p.org AND m.person = p.person "
            f"WHERE p.login = who AND {mine}",
        "drill_taught(who name) RETURNS SETOF bigint":
            "SELECT DISTINCT t.trainee FROM people p "
            "JOIN class_members mi ON mi.org = p.org AND mi.person = p.person "
            f"  AND mi.role = '{INSTRUCTOR}' "
            "JOIN class_members mt ON mt.org = mi.org AND mt.class_id = mi.class_id "
            f"  AND mt.role = '{TRAINEE}' "
            "JOIN people t ON t.org = mt.org AND t.person = mt.person "
            f"WHERE p.login = who AND t.trainee IS NOT NULL AND {mine}",
    }
    statements = [f"CREATE FUNCTION {signature} {head} AS $$ {body} $$" for signature, body in bodies.items()]
    statements += [f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC" for function in _FUNCTIONS]
    return statements


def _secure(table: str, policies: dict[str, str]) -> list[str]:
    statements = [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                  f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
                  # the owner goes through the policies too (FORCE): this one lets it see and change all
                  f"CREATE POLICY owner ON {table} TO CURRENT_USER USING (true) WITH CHECK (true)"]
    statements += [f"CREATE POLICY {name} ON {table} {rule}" for name, rule in policies.items()]
    return statements


def migration_2(conn: psycopg.Connection) -> list[str]:
    """People, classes and their members; the access functions; row-level
    security on every table of progress and identity."""
    row = conn.execute("SELECT current_schema()").fetchone()
    schema = str(row[0]) if row else "public"
    statements = [
        f"""CREATE TABLE people (
               org text NOT NULL REFERENCES orgs,
               person bigint GENERATED ALWAYS AS IDENTITY,
               login name NOT NULL UNIQUE,
               name text NOT NULL,
               kind text NOT NULL CHECK (kind IN ('{TRAINEE}', '{INSTRUCTOR}')),
               trainee bigint,
               created timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (org, person),
               UNIQUE (org, name),
               UNIQUE (org, trainee),
               FOREIGN KEY (org, trainee) REFERENCES trainees,
               CHECK ((kind = '{TRAINEE}') = (trainee IS NOT NULL)))""",
        """CREATE TABLE classes (
               org text NOT NULL REFERENCES orgs,
               class_id bigint GENERATED ALWAYS AS IDENTITY,
               name text NOT NULL,
               created timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (org, class_id),
               UNIQUE (org, name))""",
        f"""CREATE TABLE class_members (
               org text NOT NULL,
               class_id bigint NOT NULL,
               person bigint NOT NULL,
               role text NOT NULL CHECK (role IN ('{TRAINEE}', '{INSTRUCTOR}')),
               added timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (org, class_id, person),
               FOREIGN KEY (org, class_id) REFERENCES classes ON DELETE CASCADE,
               FOREIGN KEY (org, person) REFERENCES people ON DELETE CASCADE)""",
        "CREATE INDEX class_members_by_person ON class_members (org, person, added)",
        *_functions(schema),
    ]
    for table in PROGRESS:
        statements += _secure(table, {
            "own": "USING (trainee = drill_own_trainee(current_user)) "
                   "WITH CHECK (trainee = drill_own_trainee(current_user))",
            "taught": "FOR SELECT USING (trainee IN (SELECT drill_taught(current_user)))",
        })
    statements += _secure("people", {
        "self": "FOR SELECT USING (login = current_user)",
        "taught": "FOR SELECT USING (trainee IN (SELECT drill_taught(current_user)))",
    })
    statements += _secure("classes", {
        "member": "FOR SELECT USING (class_id IN (SELECT drill_classes_of(current_user)))",
    })
    statements += _secure("class_members", {
        "self": "FOR SELECT USING (person = drill_own_person(current_user))",
        "taught": "FOR SELECT USING (class_id IN (SELECT drill_taught_classes(current_user)))",
    })
    return statements


def migration_3(conn: psycopg.Connection) -> list[str]:
    """Assignments: a deck set to a class, with its due date; read by the
    class's members, set and removed by the owner or the class's instructors."""
    statements = [
        """CREATE TABLE assignments (
               org text NOT NULL,
               id bigint GENERATED ALWAYS AS IDENTITY,
               class_id bigint NOT NULL,
               deck text NOT NULL,
               due date NOT NULL,
               created timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (org, id),
               UNIQUE (org, class_id, deck),
               FOREIGN KEY (org, class_id) REFERENCES classes ON DELETE CASCADE)""",
        # the answer's class is looked up by deck
        "CREATE INDEX assignments_by_deck ON assignments (org, deck, due)",
    ]
    statements += _secure("assignments", {
        "member": "FOR SELECT USING (class_id IN (SELECT drill_classes_of(current_user)))",
        "taught_add": "FOR INSERT WITH CHECK (class_id IN (SELECT drill_taught_classes(current_user)))",
        "taught_change": "FOR UPDATE USING (class_id IN (SELECT drill_taught_classes(current_user))) "
                         "WITH CHECK (class_id IN (SELECT drill_taught_classes(current_user)))",
        "taught_remove": "FOR DELETE USING (class_id IN (SELECT drill_taught_classes(current_user)))",
    })
    # a schema upgraded from version 2 has its group roles already: granted here, so that
    # an answer (which looks up its deck's assignment) never waits for a drill class command
    for kind, role in groups(conn).items():
        if role_exists(conn, role):
            statements += [sql.SQL("GRANT " + _WORK_GRANTS[kind] + " ON {} TO {}").format(
                sql.Identifier(table), sql.Identifier(role)).as_string(conn) for table in WORK]
    return statements


# --------------------------------------------------------------------------
# the group roles and their grants


def groups(conn: psycopg.Connection) -> dict[str, str]:
    """The group roles of this database's drill schema, by kind: roles are
    the server's, not the database's, so their names carry the database
    (and the schema, when it is not ``public``)."""
    row = conn.execute("SELECT current_database(), current_schema()").fetchone()
    db, schema = (str(row[0]), str(row[1])) if row else ("drill", "public")
    base = f"drill_{db}" if schema == "public" else f"drill_{db}_{schema}"
    if len(base.encode("utf-8")) > 48:  # a role's name holds 63 bytes
        base = base.encode("utf-8")[:36].decode("utf-8", "ignore") + "_" + hashlib.sha256(base.encode()).hexdigest()[:8]
    return {kind: f"{base}_{kind}" for kind in KINDS}


def role_exists(conn: psycopg.Connection, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def ensure_groups(conn: psycopg.Connection) -> dict[str, str]:
    """Make the group roles (when missing) and grant them what each kind may
    do; idempotent. Run by the owner, who must be able to make roles."""
    found = groups(conn)
    schema = conn.execute("SELECT current_schema()").fetchone()
    schema_id = sql.Identifier(str(schema[0]) if schema else "public")
    for kind, role in found.items():
        group = sql.Identifier(role)
        if not role_exists(conn, role):
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(group))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema_id, group))
        for function in _FUNCTIONS:
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION " + function + " TO {}").format(group))
        for table in _READ_ONLY:
            conn.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(sql.Identifier(table), group))
        for table in PROGRESS:
            what = _TRAINEE_GRANTS[table] if kind == TRAINEE else "SELECT"
            conn.execute(sql.SQL("GRANT " + what + " ON {} TO {}").format(sql.Identifier(table), group))
        made = conn.execute("SELECT to_regclass('assignments') IS NOT NULL").fetchone()
        if made and made[0]:
            for table in WORK:
                conn.execute(sql.SQL("GRANT " + _WORK_GRANTS[kind] + " ON {} TO {}").format(
                    sql.Identifier(table), group))
    return found


# --------------------------------------------------------------------------
# the connection's person


@dataclasses.dataclass(frozen=True)
class Person:
    org: str
    person: int
    login: str
    name: str
    kind: str
    trainee: int | None


def identity(conn: psycopg.Connection) -> Person | None:
    """The person the connection's role is (None: the owner, or a role that
    is no person). Call only on a schema of version 2 or later."""
    row = conn.execute("SELECT org, person, login, name, kind, trainee FROM people WHERE login = current_user"
                       ).fetchone()
    if row is None:
        return None
    org, person, login, name, kind, trainee = row
    return Person(str(org), int(person), str(login), str(name), str(kind),
                  int(trainee) if trainee is not None else None)


def first_class(conn: psycopg.Connection, org: str, trainee: int | None) -> int | None:
    """The class a trainee's answers are drilled for: the first they joined (None: none)."""
    if trainee is None:
        return None
    row = conn.execute(f"SELECT m.class_id FROM people p JOIN class_members m ON m.org = p.org AND m.person = p.person "
                       f"WHERE p.org = %s AND p.trainee = %s AND m.role = '{TRAINEE}' "
                       "ORDER BY m.added, m.class_id LIMIT 1", (org, trainee)).fetchone()
    return int(row[0]) if row else None
