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
    exams        (version 4) owner; member (reading: the exams of the classes
                 they are in); taught (defining and removing the exams of
                 the classes they teach). A trainee may not read an exam's
                 ``seed`` (column grants): with it and the decks they could
                 draw its questions before it starts.
    exam_questions  owner; started (a trainee reads an exam's questions once
                 they have started it, not before); taught (reading, and
                 adding those of the exams of the classes they teach)
    exam_attempts   owner; own (a trainee starts, reads and finishes their
                 own attempt at an exam of one of their classes: one each,
                 never started again); taught (reading the attempts at the
                 exams of the classes they teach). The server sets an
                 attempt's start and deadline (a trigger, from its own clock
                 and the exam's minutes), whatever the client sends; a
                 trainee may change nothing of it but ``finished``, once.
    exam_answers    owner; own (a trainee adds and reads their own answers,
                 one per question); taught (reading those of the exams of the
                 classes they teach). A trigger refuses an answer after the
                 attempt's deadline or end, by the server's clock. An answer
                 is never changed (no grant of UPDATE or DELETE).

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
# exams (version 4): what each kind may do to each table (the policies say which rows). A
# trainee reads every column of an exam but its seed, and writes only what is theirs to say.
EXAMS = ("exams", "exam_questions", "exam_attempts", "exam_answers")
_EXAM_GRANTS = {
    TRAINEE: {
        "exams": "SELECT (org, exam_id, class_id, name, decks, count, kinds, minutes, moves_schedule, created)",
        "exam_questions": "SELECT",
        "exam_attempts": "SELECT, INSERT (org, exam_id, trainee), UPDATE (finished)",
        "exam_answers": "SELECT, INSERT (org, exam_id, trainee, position, typed, score, verdict, items, "
                        "intrusions, seconds)",
    },
    INSTRUCTOR: {"exams": "SELECT, INSERT, DELETE", "exam_questions": "SELECT, INSERT",
                 "exam_attempts": "SELECT", "exam_answers": "SELECT"},
}
_EXAM_FUNCTIONS = ("drill_taught_exams(name)", "drill_exams_of(name)", "drill_started_exams(name)")


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


def _exam_functions(schema: str) -> list[str]:
    """The access functions of the exams' policies, and the triggers that
    keep an attempt's times the server's."""
    path = f"SET search_path = {sql.Identifier(schema).as_string(None)}, pg_temp"
    head = f"LANGUAGE sql STABLE SECURITY DEFINER {path}"
    mine = "pg_has_role(session_user, who, 'MEMBER')"
    bodies = {
        "drill_taught_exams(who name) RETURNS SETOF bigint":
            "SELECT e.exam_id FROM people p JOIN class_members m ON m.org = p.org AND m.person = p.person "
            "JOIN exams e ON e.org = m.org AND e.class_id = m.class_id "
            f"WHERE p.login = who AND m.role = '{INSTRUCTOR}' AND {mine}",
        "drill_exams_of(who name) RETURNS SETOF bigint":
            "SELECT e.exam_id FROM people p JOIN class_members m ON m.org = p.org AND m.person = p.person "
            "JOIN exams e ON e.org = m.org AND e.class_id = m.class_id "
            f"WHERE p.login = who AND m.role = '{TRAINEE}' AND {mine}",
        "drill_started_exams(who name) RETURNS SETOF bigint":
            "SELECT a.exam_id FROM people p JOIN exam_attempts a ON a.org = p.org AND a.trainee = p.trainee "
            f"WHERE p.login = who AND {mine}",
    }
    statements = [f"CREATE FUNCTION {signature} {head} AS $$ {body} $$" for signature, body in bodies.items()]
    statements += [f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC" for function in _EXAM_FUNCTIONS]
    trigger = f"RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {path}"
    statements += [
        # an attempt starts by the server's clock, and its deadline is the exam's minutes later;
        # once finished it stays so (the deadline only the owner may move: column grants)
        f"""CREATE FUNCTION drill_exam_attempt() {trigger} AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                NEW.started := clock_timestamp();
                NEW.deadline := NEW.started + make_interval(mins => (
                  SELECT minutes FROM exams WHERE org = NEW.org AND exam_id = NEW.exam_id));
                NEW.finished := NULL;
              ELSIF OLD.finished IS NOT NULL AND NEW.finished IS DISTINCT FROM OLD.finished THEN
                RAISE EXCEPTION 'the exam is finished already' USING ERRCODE = '{EXAM_FINISHED}';
              ELSIF OLD.finished IS NULL AND NEW.finished IS NOT NULL THEN
                NEW.finished := least(clock_timestamp(), NEW.deadline);
              END IF;
              RETURN NEW;
            END $$""",
        # an answer after the deadline (the server's clock), or after the attempt ended, is refused
        f"""CREATE FUNCTION drill_exam_answer() {trigger} AS $$
            DECLARE
              due timestamptz;
              ended timestamptz;
            BEGIN
              SELECT deadline, finished INTO due, ended FROM exam_attempts
                WHERE org = NEW.org AND exam_id = NEW.exam_id AND trainee = NEW.trainee;
              IF NOT FOUND THEN
                RAISE EXCEPTION 'the exam is not started' USING ERRCODE = '{EXAM_NOT_STARTED}';
              END IF;
              IF ended IS NOT NULL THEN
                RAISE EXCEPTION 'the exam is finished already' USING ERRCODE = '{EXAM_FINISHED}';
              END IF;
              NEW.answered := clock_timestamp();
              IF NEW.answered > due THEN
                RAISE EXCEPTION 'the exam''s time is up' USING ERRCODE = '{EXAM_TIME_UP}';
              END IF;
              RETURN NEW;
            END $$""",
        "REVOKE ALL ON FUNCTION drill_exam_attempt() FROM PUBLIC",
        "REVOKE ALL ON FUNCTION drill_exam_answer() FROM PUBLIC",
        "CREATE TRIGGER server_times BEFORE INSERT OR UPDATE ON exam_attempts "
        "FOR EACH ROW EXECUTE FUNCTION drill_exam_attempt()",
        "CREATE TRIGGER in_time BEFORE INSERT ON exam_answers FOR EACH ROW EXECUTE FUNCTION drill_exam_answer()",
    ]
    return statements


# the SQLSTATEs the exams' triggers refuse with (a class of drill's own)
EXAM_TIME_UP = "DX001"
EXAM_FINISHED = "DX002"
EXAM_NOT_STARTED = "DX003"


def migration_4(conn: psycopg.Connection) -> list[str]:
    """Exams: their definitions and questions, each trainee's attempt and answers."""
    row = conn.execute("SELECT current_schema()").fetchone()
    schema = str(row[0]) if row else "public"
    statements = [
        """CREATE TABLE exams (
               org text NOT NULL,
               exam_id bigint GENERATED ALWAYS AS IDENTITY,
               class_id bigint NOT NULL,
               name text NOT NULL CHECK (name <> ''),
               decks text[] NOT NULL,
               count integer NOT NULL CHECK (count > 0),
               kinds text[] NOT NULL,
               minutes integer NOT NULL CHECK (minutes > 0),
               seed bigint NOT NULL,
               moves_schedule boolean NOT NULL DEFAULT false,
               created timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (org, exam_id),
               UNIQUE (org, class_id, name),
               FOREIGN KEY (org, class_id) REFERENCES classes ON DELETE CASCADE)""",
        """CREATE TABLE exam_questions (
               org text NOT NULL,
               exam_id bigint NOT NULL,
               position integer NOT NULL CHECK (position > 0),
               deck text NOT NULL,
               card text NOT NULL,
               fw text NOT NULL,
               kind text NOT NULL,
               question jsonb NOT NULL,
               PRIMARY KEY (org, exam_id, position),
               UNIQUE (org, exam_id, deck, card),
               FOREIGN KEY (org, exam_id) REFERENCES exams ON DELETE CASCADE)""",
        """CREATE TABLE exam_attempts (
               org text NOT NULL,
               exam_id bigint NOT NULL,
               trainee bigint NOT NULL,
               started timestamptz NOT NULL DEFAULT now(),
               deadline timestamptz NOT NULL DEFAULT now(),
               finished timestamptz,
               PRIMARY KEY (org, exam_id, trainee),
               FOREIGN KEY (org, exam_id) REFERENCES exams ON DELETE CASCADE,
               FOREIGN KEY (org, trainee) REFERENCES trainees ON DELETE CASCADE)""",
        """CREATE TABLE exam_answers (
               org text NOT NULL,
               exam_id bigint NOT NULL,
               trainee bigint NOT NULL,
               position integer NOT NULL,
               typed text NOT NULL DEFAULT '',
               score double precision NOT NULL CHECK (score >= 0 AND score <= 1),
               verdict text NOT NULL,
               items jsonb NOT NULL DEFAULT '[]',
               intrusions jsonb NOT NULL DEFAULT '[]',
               seconds double precision NOT NULL DEFAULT 0,
               answered timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (org, exam_id, trainee, position),
               FOREIGN KEY (org, exam_id, trainee) REFERENCES exam_attempts ON DELETE CASCADE,
               FOREIGN KEY (org, exam_id, position) REFERENCES exam_questions ON DELETE CASCADE)""",
        "CREATE INDEX exams_by_class ON exams (org, class_id, created)",
        *_exam_functions(schema),
    ]
    taught_exams = "exam_id IN (SELECT drill_taught_exams(current_user))"
    own = "trainee = drill_own_trainee(current_user)"
    statements += _secure("exams", {
        "member": "FOR SELECT USING (class_id IN (SELECT drill_classes_of(current_user)))",
        "taught_add": "FOR INSERT WITH CHECK (class_id IN (SELECT drill_taught_classes(current_user)))",
        "taught_remove": "FOR DELETE USING (class_id IN (SELECT drill_taught_classes(current_user)))",
    })
    statements += _secure("exam_questions", {
        "started": "FOR SELECT USING (exam_id IN (SELECT drill_started_exams(current_user)))",
        "taught": f"FOR SELECT USING ({taught_exams})",
        "taught_add": f"FOR INSERT WITH CHECK ({taught_exams})",
    })
    statements += _secure("exam_attempts", {
        "own": f"FOR SELECT USING ({own})",
        "own_start": f"FOR INSERT WITH CHECK ({own} AND exam_id IN (SELECT drill_exams_of(current_user)))",
        "own_finish": f"FOR UPDATE USING ({own}) WITH CHECK ({own})",
        "taught": f"FOR SELECT USING ({taught_exams})",
    })
    statements += _secure("exam_answers", {
        "own": f"FOR SELECT USING ({own})",
        "own_add": f"FOR INSERT WITH CHECK ({own})",
        "taught": f"FOR SELECT USING ({taught_exams})",
    })
    # a schema upgraded from version 3 has its group roles already: granted here
    for kind, role in groups(conn).items():
        if role_exists(conn, role):
            statements += [statement.as_string(conn) for statement in _exam_grants(kind, role)]
    return statements


def _exam_grants(kind: str, role: str) -> list[sql.Composed]:
    group = sql.Identifier(role)
    grants = [sql.SQL("GRANT " + what + " ON {} TO {}").format(sql.Identifier(table), group)
              for table, what in _EXAM_GRANTS[kind].items()]
    grants += [sql.SQL("GRANT EXECUTE ON FUNCTION " + function + " TO {}").format(group)
               for function in _EXAM_FUNCTIONS]
    return grants


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
        made = conn.execute("SELECT to_regclass('exams') IS NOT NULL").fetchone()
        if made and made[0]:
            for statement in _exam_grants(kind, role):
                conn.execute(statement)
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
