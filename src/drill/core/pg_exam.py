"""Exams on the PostgreSQL server (``drill exam …``, the exam screen).

The server decides who may do what (pg_access.py's policies on ``exams``,
``exam_questions``, ``exam_attempts`` and ``exam_answers``): the
administrator (the owner of drill's tables) or an instructor of the class
defines an exam; the class's trainees take it, each once; an instructor
reads the results of the classes they teach, a trainee only their own.
The pure part (drawing, grading, scoring, item analysis, the records) is
exam.py's; its records are the ones named here.

The API (its names stay):

``create(url, class_name, name, decks, count, kinds=(), minutes=…, seed=None, moves_schedule=False) -> Exam``
    Define an exam: its questions drawn now from ``decks`` (Deck objects)
    by the seed (a new one when None), kept with it.
``listed(url, class_name=None) -> list[ExamListing]``
    The exams the connection may read (of one class, or of all), newest first.
``show(url, name, class_name=None) -> ExamDetail``
    An exam and the questions the reader may see (a trainee: once started).
``results(url, name, class_name=None, regrade=False) -> ExamResults``
    Each trainee's score (:class:`~drill.core.exam.TraineeScore`, best first)
    and each question's analysis (:class:`~drill.core.exam.ItemAnalysis`):
    how many got it of those who answered it, the most frequent wrong
    answers, the items most missed, the frameworks it was confused with.
    ``ExamResults.as_json()`` is the whole of it as JSON. ``regrade``: each
    answer graded again from what was typed (a grade a trainee's login wrote
    itself is not trusted).
``open_exams(url) -> list[ExamListing]``
    The exams a trainee's login may take now (not finished, time left).
``find_open(url, name, class_name=None) -> ExamListing``
    That exam, if the trainee's login may take it now; else an ExamError saying why.
``start(url, name, class_name=None) -> Attempt``
    Start the trainee's attempt, or resume it after a crash: the deadline
    is the server's, set when the attempt first started, and never moves.

:class:`Attempt` answers one question at a time (:meth:`Attempt.answer`):
graded by the drill's grader, recorded as an exam answer (the server
refuses one after the deadline: :class:`~drill.core.exam.TimeUp`), and,
only when the exam moves the schedule, recorded as a drill answer too
(through the store, as any answer). :meth:`Attempt.seconds_left` counts
down from the server's clock at the start, by a clock that may be given.

An exam name is unique within its class; one named without its class that
several of the reader's classes have is refused, asking for the class.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import psycopg
from psycopg.types.json import Jsonb

from drill.core import pg_access, pg_engine
from drill.core.deck import Card, Deck
from drill.core.errors import StoreError
from drill.core.exam import (AttemptStatus, Counted, Exam, ExamAnswer, ExamError, ExamResults, ItemAnalysis,
                             Question, Sitting, TimeUp, TraineeScore, check_kinds, draw, grade_answer,
                             new_seed, results_of, score_of, status_of)
from drill.core.grading import Verdict

__all__ = ["Attempt", "AttemptStatus", "Counted", "Exam", "ExamAnswer", "ExamDetail", "ExamError", "ExamListing",
           "ExamResults", "ItemAnalysis", "Question", "TimeUp", "TraineeScore", "create", "listed", "open_exams",
           "find_open", "results", "show", "start"]

DEFAULT_ORG = pg_engine.DEFAULT_ORG
DEFAULT_MINUTES = 30
EXAMS_VERSION = 4  # the schema version that has exams


@dataclass(frozen=True)
class ExamListing:
    """An exam as a list shows it: for a trainee's login their own attempt's
    status; for anyone, the attempts the reader may see."""

    exam: Exam
    status: AttemptStatus | None = None  # the trainee's own (None: the reader is no trainee)
    deadline: dt.datetime | None = None  # the trainee's attempt's
    started: int = 0  # attempts the reader may see
    finished: int = 0

    def as_json(self) -> dict:
        out = self.exam.as_json()
        out.update({"status": str(self.status) if self.status is not None else None,
                    "deadline": self.deadline.isoformat() if self.deadline else None,
                    "started": self.started, "finished": self.finished})
        return out


@dataclass(frozen=True)
class ExamDetail:
    exam: Exam
    questions: tuple[Question, ...] = ()

    def as_json(self) -> dict:
        return {**self.exam.as_json(), "questions_shown": [q.as_json() for q in self.questions]}


# --------------------------------------------------------------------------
# connections


@dataclass
class _Reader:
    conn: psycopg.Connection
    shown: str
    org: str
    me: pg_access.Person | None  # None: the owner


@contextlib.contextmanager
def _connection(url: str) -> Iterator[_Reader]:
    """A connection, as who its role is. The owner brings the schema up to
    date; anyone else needs it current."""
    shown = pg_engine.where(url)
    with contextlib.closing(pg_engine.connect(url)) as conn:
        yield _reader(conn, shown)


def _reader(conn: psycopg.Connection, shown: str) -> _Reader:
    me = pg_engine.ready(conn, shown, "cannot read the exams")
    return _Reader(conn, shown, me.org if me is not None else DEFAULT_ORG, me)


def _class_id(r: _Reader, name: str) -> int:
    row = r.conn.execute("SELECT class_id FROM classes WHERE org = %s AND name = %s",
                         (r.org, name.strip())).fetchone()
    if row is None:
        raise StoreError(f"no class {name.strip()!r} (or not one of yours)", r.shown)
    return int(row[0])


def _may_read_seed(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT has_column_privilege('exams', 'seed', 'SELECT')").fetchone()
    return bool(row and row[0])


_EXAM_COLUMNS = ("e.exam_id, e.name, c.name, e.decks, e.count, e.kinds, e.minutes, e.moves_schedule, e.created")


def _exams(r: _Reader, name: str | None = None, class_name: str | None = None) -> list[tuple[int, Exam]]:
    """The exams the reader may see (by name, of a class), newest first."""
    seed = ", e.seed" if _may_read_seed(r.conn) else ", NULL::bigint"
    query = (f"SELECT {_EXAM_COLUMNS}{seed} FROM exams e JOIN classes c ON c.org = e.org AND c.class_id = e.class_id "
             "WHERE e.org = %s")
    params: list = [r.org]
    if class_name is not None:
        query += " AND e.class_id = %s"
        params.append(_class_id(r, class_name))
    if name is not None:
        query += " AND e.name = %s"
        params.append(name.strip())
    rows = r.conn.execute(query + " ORDER BY e.created DESC, e.exam_id DESC", params).fetchall()
    return [(int(row[0]), Exam(str(row[1]), str(row[2]), tuple(row[3]), int(row[4]), tuple(row[5]), int(row[6]),
                               bool(row[7]), None if row[9] is None else int(row[9]), row[8])) for row in rows]


def _exam(r: _Reader, name: str, class_name: str | None) -> tuple[int, Exam]:
    found = _exams(r, name, class_name)
    if not found:
        where = f" in {class_name.strip()!r}" if class_name else ""
        raise ExamError(f"no exam {name.strip()!r}{where} (or not one of your classes')")
    if len(found) > 1:
        raise ExamError(f"several classes have an exam {name.strip()!r}: name its class "
                        f"({', '.join(sorted(e.class_name for _, e in found))})")
    return found[0]


def _questions(conn: psycopg.Connection, org: str, exam_id: int) -> list[Question]:
    rows = conn.execute("SELECT position, question FROM exam_questions WHERE org = %s AND exam_id = %s "
                        "ORDER BY position", (org, exam_id)).fetchall()
    return [Question.from_doc(int(position), doc) for position, doc in rows]


def _answer_of(trainee: str, row) -> ExamAnswer:
    position, typed, score, verdict, graded, seconds = row
    # the items and intrusions come as one JSON text, decoded at once (a class's results read thousands)
    items, intrusions = json.loads(graded)
    confused = tuple(dict.fromkeys(str(name) for _typed, name in intrusions))
    return ExamAnswer(trainee, int(position), str(typed), float(score), Verdict(verdict),
                      tuple((str(a), str(b), str(c)) for a, b, c in items), confused, float(seconds))


_ANSWER_COLUMNS = "position, typed, score, verdict, jsonb_build_array(items, intrusions)::text, seconds"


def _server_now(conn: psycopg.Connection) -> dt.datetime:
    row = conn.execute("SELECT clock_timestamp()").fetchone()
    return row[0] if row else dt.datetime.now(dt.UTC)


def _refused(class_name: str, shown: str) -> StoreError:
    return StoreError(f"only the administrator or an instructor of {class_name.strip()!r} sets its exams", shown)


# --------------------------------------------------------------------------
# defining and reading


def create(url: str, class_name: str, name: str, decks: Sequence[Deck], count: int,
           kinds: Sequence[str] = (), minutes: int = DEFAULT_MINUTES, seed: int | None = None,
           moves_schedule: bool = False) -> Exam:
    """Define an exam of the class, its questions drawn now (see module doc)."""
    name = name.strip()
    if not name:
        raise ExamError("an exam needs a name")
    if minutes < 1:
        raise ExamError("an exam's time limit is at least one minute (--minutes)")
    if not decks:
        raise ExamError("an exam needs at least one deck (--deck)")
    chosen = check_kinds(kinds)
    seed = new_seed() if seed is None else seed
    questions = draw(decks, count, chosen, seed)
    deck_ids = tuple(dict.fromkeys(deck.id for deck in decks))
    with _connection(url) as r, pg_engine._server(r.shown, "the progress server refused the exam"):
        class_id = _class_id(r, class_name)
        try:
            with r.conn.transaction():
                row = r.conn.execute(
                    "INSERT INTO exams (org, class_id, name, decks, count, kinds, minutes, seed, moves_schedule) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING exam_id, created",
                    (r.org, class_id, name, list(deck_ids), len(questions), list(chosen), minutes, seed,
                     moves_schedule)).fetchone()
                if row is None:
                    raise StoreError("the exam was not made", r.shown)
                exam_id, created = int(row[0]), row[1]
                with r.conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO exam_questions (org, exam_id, position, deck, card, fw, kind, question) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                        [(r.org, exam_id, q.position, q.card.deck, q.card.id, q.card.framework, q.card.kind,
                          Jsonb(q.as_doc())) for q in questions])
        except psycopg.errors.InsufficientPrivilege:
            raise _refused(class_name, r.shown) from None
        except psycopg.errors.UniqueViolation:
            raise ExamError(f"{class_name.strip()!r} has an exam {name!r} already") from None
    return Exam(name, class_name.strip(), deck_ids, len(questions), chosen, minutes, moves_schedule, seed, created)


def listed(url: str, class_name: str | None = None) -> list[ExamListing]:
    with _connection(url) as r, pg_engine._server(r.shown):
        return _listed(r, class_name)


def _listed(r: _Reader, class_name: str | None) -> list[ExamListing]:
    if pg_engine.schema_version(r.conn) < EXAMS_VERSION:
        return []
    found = _exams(r, class_name=class_name)
    if not found:
        return []
    ids = [exam_id for exam_id, _ in found]
    counts = {int(e): (int(s), int(f)) for e, s, f in r.conn.execute(
        "SELECT exam_id, count(*), count(finished) FROM exam_attempts WHERE org = %s AND exam_id = ANY(%s) "
        "GROUP BY exam_id", (r.org, ids))}
    mine: dict[int, Sitting] = {}
    if r.me is not None and r.me.trainee is not None:
        for exam_id, started, deadline, finished in r.conn.execute(
                "SELECT exam_id, started, deadline, finished FROM exam_attempts "
                "WHERE org = %s AND trainee = %s AND exam_id = ANY(%s)", (r.org, r.me.trainee, ids)):
            mine[int(exam_id)] = Sitting(r.me.name, started, finished, deadline)
    now = _server_now(r.conn)
    out = []
    for exam_id, exam in found:
        started, finished = counts.get(exam_id, (0, 0))
        status = deadline = None
        if r.me is not None and r.me.trainee is not None:
            sitting = mine.get(exam_id, Sitting(r.me.name))
            status, deadline = status_of(sitting, now), sitting.deadline
        out.append(ExamListing(exam, status, deadline, started, finished))
    return out


def open_exams(url: str) -> list[ExamListing]:
    """The exams a trainee's login may take now (none for anyone else)."""
    with _connection(url) as r, pg_engine._server(r.shown):
        if r.me is None or r.me.trainee is None:
            return []
        return [e for e in _listed(r, None) if e.status in (AttemptStatus.NOT_STARTED, AttemptStatus.IN_PROGRESS)]


def find_open(url: str, name: str, class_name: str | None = None) -> ExamListing:
    """The exam of that name a trainee's login may take now; else an ExamError saying why not."""
    with _connection(url) as r, pg_engine._server(r.shown):
        if r.me is None or r.me.trainee is None:
            raise ExamError("an exam is taken with a trainee's own login")
        _exam(r, name, class_name)
        found = [e for e in _listed(r, class_name) if e.exam.name == name.strip()]
        if not found or found[0].status not in (AttemptStatus.NOT_STARTED, AttemptStatus.IN_PROGRESS):
            raise ExamError(f"the exam {name.strip()!r} is over for you: "
                            f"{found[0].status if found else 'finished'} (drill exam results shows your score)")
        return found[0]


def show(url: str, name: str, class_name: str | None = None) -> ExamDetail:
    with _connection(url) as r, pg_engine._server(r.shown):
        exam_id, exam = _exam(r, name, class_name)
        return ExamDetail(exam, tuple(_questions(r.conn, r.org, exam_id)))


def results(url: str, name: str, class_name: str | None = None, regrade: bool = False) -> ExamResults:
    """The exam's results as the connection may see them (see module doc).
    ``regrade``: every answer graded again from what was typed, the grade
    kept on the server checked rather than trusted (a trainee's login could
    have written its own); ``ExamResults.regraded`` counts those that differed."""
    with _connection(url) as r, pg_engine._server(r.shown):
        exam_id, exam = _exam(r, name, class_name)
        return _results(r, exam_id, exam, regrade)


def _results(r: _Reader, exam_id: int, exam: Exam, regrade: bool = False) -> ExamResults:
    conn = r.conn
    questions = _questions(conn, r.org, exam_id)
    names: dict[int, str] = {}
    for trainee, person in conn.execute(
            "SELECT p.trainee, p.name FROM exams e JOIN class_members m ON m.org = e.org AND m.class_id = e.class_id "
            "JOIN people p ON p.org = m.org AND p.person = m.person "
            "WHERE e.org = %s AND e.exam_id = %s AND m.role = 'trainee' AND p.trainee IS NOT NULL",
            (r.org, exam_id)):
        names[int(trainee)] = str(person)
    sittings: dict[int, Sitting] = {t: Sitting(n) for t, n in names.items()}
    for trainee, started, deadline, finished, known in conn.execute(
            "SELECT a.trainee, a.started, a.deadline, a.finished, t.name FROM exam_attempts a "
            "LEFT JOIN trainees t ON t.org = a.org AND t.trainee = a.trainee "
            "WHERE a.org = %s AND a.exam_id = %s", (r.org, exam_id)):
        sitting = sittings.setdefault(int(trainee), Sitting(str(known) if known else f"trainee {trainee}"))
        sitting.started, sitting.deadline, sitting.finished = started, deadline, finished
    for row in conn.execute(f"SELECT trainee, {_ANSWER_COLUMNS} FROM exam_answers WHERE org = %s AND exam_id = %s "
                            "ORDER BY trainee, position", (r.org, exam_id)):
        answerer = sittings.get(int(row[0]))
        if answerer is not None:
            answerer.answers.append(_answer_of(answerer.trainee, row[1:]))
    return results_of(exam, questions, sittings.values(), _server_now(conn), regrade)


# --------------------------------------------------------------------------
# taking an exam


class Recorder(Protocol):
    """What records an exam answer as a drill answer too (the progress store)."""

    def record(self, answered) -> object: ...


@dataclass
class Attempt:
    """A trainee's attempt at an exam, open on the server (see module doc)."""

    url: str
    exam: Exam
    exam_id: int
    questions: list[Question]
    answers: dict[int, ExamAnswer]
    started: dt.datetime
    deadline: dt.datetime
    finished: dt.datetime | None
    left_at_open: float  # seconds left by the server's clock when opened
    conn: psycopg.Connection = field(repr=False)
    shown: str = ""
    org: str = DEFAULT_ORG
    trainee: int = 0
    trainee_name: str = ""
    clock: Callable[[], float] = time.monotonic  # what seconds_left counts by
    opened: float = 0.0  # the clock when opened

    def seconds_left(self) -> float:
        """The seconds left, counted down by ``clock`` from the server's deadline."""
        if self.finished is not None:
            return 0.0
        return max(0.0, self.left_at_open - (self.clock() - self.opened))

    @property
    def status(self) -> AttemptStatus:
        if self.finished is not None:
            return AttemptStatus.FINISHED
        return AttemptStatus.TIME_UP if self.seconds_left() <= 0 else AttemptStatus.IN_PROGRESS

    def pending(self) -> list[Question]:
        """The questions not answered yet, in order."""
        return [q for q in self.questions if q.position not in self.answers]

    def _connection(self) -> psycopg.Connection:
        if self.conn.closed or self.conn.broken:
            self.conn = pg_engine.connect(self.url)
        return self.conn

    def _execute(self, query: str, params: tuple) -> psycopg.Cursor:
        """Run one statement; a connection the server dropped since its last
        use (a restart) is made again, and the statement sent once more (each
        is one transaction, and sending an answer again records it once)."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                return conn.execute(query, params)
            except psycopg.OperationalError:
                if attempt == 2 or not conn.broken:
                    raise
        raise AssertionError("unreachable")

    def answer(self, question: Question, typed: str, seconds: float = 0.0,
               intruders: Callable[[Card], Mapping[str, list[str]]] | None = None,
               store: Recorder | None = None) -> ExamAnswer:
        """Grade ``typed`` and record it (once: an answer given already is
        kept as it was). Refused after the deadline (:class:`TimeUp`) or the
        attempt's end. When the exam moves the schedule, ``store`` records it
        as a drill answer too."""
        if question.position in self.answers:
            return self.answers[question.position]
        answered = grade_answer(question, typed, seconds, intruders)
        grade = answered.grade
        given = ExamAnswer.of(self.trainee_name, question.position, answered)
        with pg_engine._server(self.shown, "the progress server refused the answer"):
            try:
                self._execute(
                    "INSERT INTO exam_answers (org, exam_id, trainee, position, typed, score, verdict, items, "
                    "intrusions, seconds) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (self.org, self.exam_id, self.trainee, question.position, typed, given.score, str(given.verdict),
                     Jsonb([list(i) for i in given.items]), Jsonb([[i.typed, i.framework] for i in grade.intrusions]),
                     given.seconds))
            except psycopg.errors.UniqueViolation:  # recorded already (an answer sent again)
                row = self._execute(f"SELECT {_ANSWER_COLUMNS} FROM exam_answers WHERE org = %s AND exam_id = %s "
                                    "AND trainee = %s AND position = %s",
                                    (self.org, self.exam_id, self.trainee, question.position)).fetchone()
                if row is None:
                    raise
                given = _answer_of(self.trainee_name, row)
                store = None
            except psycopg.Error as exc:
                self._refusal(exc)
                raise
        self.answers[question.position] = given
        if store is not None and self.exam.moves_schedule:
            store.record(answered)
        return given

    def _refusal(self, exc: psycopg.Error) -> None:
        state = getattr(exc, "sqlstate", None)
        if state == pg_access.EXAM_TIME_UP:
            self.left_at_open, self.opened = 0.0, self.clock()
            raise TimeUp(f"the time of the exam {self.exam.name!r} is up: the answer was not recorded") from None
        if state == pg_access.EXAM_FINISHED:
            raise ExamError(f"the exam {self.exam.name!r} is finished: the answer was not recorded") from None
        if state == pg_access.EXAM_NOT_STARTED:
            raise ExamError(f"the exam {self.exam.name!r} was not started") from None

    def finish(self) -> TraineeScore:
        """End the attempt (at the deadline, if that came first); its score."""
        if self.finished is None:
            key = (self.org, self.exam_id, self.trainee)
            with pg_engine._server(self.shown, "the progress server refused to end the exam"):
                try:
                    row = self._execute("UPDATE exam_attempts SET finished = clock_timestamp() WHERE org = %s "
                                        "AND exam_id = %s AND trainee = %s RETURNING finished", key).fetchone()
                except psycopg.Error as exc:
                    if getattr(exc, "sqlstate", None) != pg_access.EXAM_FINISHED:
                        raise
                    # ended already (by another drill of theirs): as it was ended
                    row = self._execute("SELECT finished FROM exam_attempts WHERE org = %s AND exam_id = %s "
                                        "AND trainee = %s", key).fetchone()
            self.finished = row[0] if row and row[0] else dt.datetime.now(dt.UTC)
        return self.score()

    def score(self) -> TraineeScore:
        return score_of(self.trainee_name, self.exam.count, self.answers.values(), self.status, self.started,
                        self.finished)

    def close(self) -> None:
        self.conn.close()


def start(url: str, name: str, class_name: str | None = None,
          clock: Callable[[], float] = time.monotonic) -> Attempt:
    """Start the trainee's attempt at the exam, or resume it (see module doc)."""
    shown = pg_engine.where(url)
    conn = pg_engine.connect(url)
    try:
        r = _reader(conn, shown)
        with pg_engine._server(shown, "the progress server refused the exam"):
            if r.me is None or r.me.trainee is None:
                raise ExamError("an exam is taken with a trainee's own login")
            exam_id, exam = _exam(r, name, class_name)
            try:
                conn.execute("INSERT INTO exam_attempts (org, exam_id, trainee) VALUES (%s, %s, %s) "
                             "ON CONFLICT DO NOTHING", (r.org, exam_id, r.me.trainee))
            except psycopg.errors.InsufficientPrivilege:
                raise ExamError(f"the exam {exam.name!r} is not one of your classes'") from None
            row = conn.execute("SELECT started, deadline, finished, extract(epoch FROM deadline - clock_timestamp()) "
                               "FROM exam_attempts WHERE org = %s AND exam_id = %s AND trainee = %s",
                               (r.org, exam_id, r.me.trainee)).fetchone()
            if row is None:
                raise ExamError(f"the exam {exam.name!r} could not be started")
            started, deadline, finished, left = row
            questions = _questions(conn, r.org, exam_id)
            answers = {a.position: a for a in (
                _answer_of(r.me.name, row) for row in conn.execute(
                    f"SELECT {_ANSWER_COLUMNS} FROM exam_answers WHERE org = %s AND exam_id = %s AND trainee = %s "
                    "ORDER BY position", (r.org, exam_id, r.me.trainee)))}
        attempt = Attempt(url, exam, exam_id, questions, answers, started, deadline, finished,
                          max(0.0, float(left)), conn, shown, r.org, r.me.trainee, r.me.name, clock, clock())
        return attempt
    except BaseException:
        conn.close()
        raise
