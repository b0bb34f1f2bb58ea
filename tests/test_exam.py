"""Exams: the draw by seed, scoring and item analysis (exam.py), and exams
on a real PostgreSQL server (pg_exam.py, tests/pg.py): defined by the
administrator or a class's instructor, taken once by each trainee against
the server's deadline, the policies tried with raw connections of each
person's role."""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest
from conftest import DECKS
from test_pg_access import klass, refused, site, trainee_of  # noqa: F401  (fixtures: a schema, people, classes)

from drill.core import deck as decks
from drill.core import exam, pg_exam
from drill.core.exam import AttemptStatus, ExamAnswer, ExamError, Question, Sitting, TimeUp
from drill.core.grading import Verdict
from drill.core.roster import Role
from drill.core.session import Intruders
from drill.core.store import Store

DECK = DECKS / "001_2cf52c944239bc02.toml"
OTHER = DECKS / "002_6e9bd13a59433aa3.toml"


def right(question: Question) -> str:
    return "、".join(question.card.answer)


# --- the draw ---------------------------------------------------------------

def test_the_same_seed_draws_the_same_questions_in_the_same_order_whatever_the_decks_order():
    one, two = decks.load(DECK), decks.load(OTHER)
    drawn = exam.draw([one, two], 12, exam.KINDS, seed=7)
    again = exam.draw([decks.load(OTHER), decks.load(DECK)], 12, exam.KINDS, seed=7)
    assert [q.card.id for q in drawn] == [q.card.id for q in again]
    assert [q.position for q in drawn] == list(range(1, 13))
    assert [q.card.id for q in exam.draw([one, two], 12, exam.KINDS, seed=8)] != [q.card.id for q in drawn]
    assert {q.card.deck for q in drawn} == {one.id, two.id}


def test_the_draw_takes_each_framework_once_before_any_twice_and_only_the_kinds_asked():
    deck = decks.load(DECK)
    frameworks = {c.framework for c in deck.cards() if c.kind in ("cloze", "recall")}
    drawn = exam.draw([deck], len(frameworks), ("cloze", "recall"), seed=3)
    assert len({q.card.framework for q in drawn}) == len(frameworks)
    assert {q.card.kind for q in exam.draw([deck], 30, ("order",), seed=3)} == {"order"}
    # more asked than the decks hold: all of them, once
    orders = [c for c in deck.cards() if c.kind == "order"]
    assert len(exam.draw([deck], 10_000, ("order",), seed=1)) == len(orders)
    assert exam.draw([deck], 1, ("name",), seed=1)[0].framework_name


def test_kinds_and_counts_an_exam_cannot_ask_are_refused():
    deck = decks.load(DECK)
    with pytest.raises(ExamError, match="not a kind of card"):
        exam.check_kinds(["show"])
    assert exam.check_kinds([]) == exam.KINDS
    with pytest.raises(ExamError, match="at least one question"):
        exam.draw([deck], 0, exam.KINDS, 1)


def test_a_questions_snapshot_is_read_back_as_the_same_card():
    (question,) = exam.draw([decks.load(DECK)], 1, ("cloze",), seed=5)
    back = Question.from_doc(question.position, question.as_doc())
    assert back == question


# --- scoring and item analysis ---------------------------------------------------

def answer(trainee, position, typed, score, verdict, items=(), confused=()):
    return ExamAnswer(trainee, position, typed, score, verdict, tuple(items), tuple(confused))


def test_scores_and_item_analysis_count_what_each_trainee_answered():
    qs = exam.draw([decks.load(DECK)], 2, ("recall",), seed=2)
    definition = exam.Exam("mid", "A", (qs[0].card.deck,), 2, ("recall",), 10, False, 2)
    t0 = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    sittings = [
        Sitting("a", t0, t0, t0, [answer("a", 1, "x", 1.0, Verdict.CORRECT), answer("a", 2, "y", 0.5, Verdict.PARTIAL,
                                                                                   [("i1", "y", "close")])]),
        Sitting("b", t0, None, t0 + dt.timedelta(hours=1),
                [answer("b", 1, "Wrong  one", 0.0, Verdict.WRONG, [("i1", "", "missing")], ["其他"])]),
        Sitting("c", t0, None, t0 + dt.timedelta(hours=1),
                [answer("c", 1, "wrong one", 0.0, Verdict.WRONG, [("i1", "", "missing"), ("i2", "", "missing")],
                        ["其他", "别的"])]),
        Sitting("d"),
    ]
    results = exam.results_of(definition, qs, sittings, t0 + dt.timedelta(minutes=5))
    assert [(t.trainee, t.points, t.correct, t.answered, t.status) for t in results.trainees] == [
        ("a", 1.5, 1, 2, AttemptStatus.FINISHED), ("b", 0.0, 0, 1, AttemptStatus.IN_PROGRESS),
        ("c", 0.0, 0, 1, AttemptStatus.IN_PROGRESS), ("d", 0.0, 0, 0, AttemptStatus.NOT_STARTED)]
    assert results.trainees[0].percent == 75.0
    first, second = results.items
    assert (first.attempted, first.correct, first.mean_score) == (3, 1, round(1 / 3, 4))
    # answers the grader reads alike count as one wrong answer, shown as first typed
    assert [(c.text, c.count) for c in first.wrong_answers] == [("Wrong one", 2)]
    assert [(c.text, c.count) for c in first.missed_items] == [("i1", 2), ("i2", 1)]
    assert [(c.text, c.count) for c in first.confusions] == [("其他", 2), ("别的", 1)]
    assert (second.attempted, second.correct, [c.text for c in second.missed_items]) == (1, 0, ["i1"])
    doc = results.as_json()
    assert doc["trainees"][0] == {"trainee": "a", "status": "finished", "answered": 2, "correct": 1, "points": 1.5,
                                  "total": 2, "percent": 75.0, "started": t0.isoformat(),
                                  "finished": t0.isoformat()}
    assert doc["items"][0]["facility"] == round(1 / 3, 4) and doc["items"][0]["card"] == qs[0].card.id


# --- on the server -------------------------------------------------------------

def define(site, name="mid", class_name="A", count=3, minutes=20, url=None, **kw):  # noqa: F811
    return pg_exam.create(url or site.url, class_name, name, [decks.load(DECK)], count, ("recall",), minutes,
                          seed=11, **kw)


def test_the_administrator_and_a_classs_instructor_define_exams_others_are_refused(klass):  # noqa: F811
    made = define(klass)
    assert (made.count, made.seed, made.kinds) == (3, 11, ("recall",))
    assert define(klass, "quiz", url=klass.url_of("ann")).class_name == "A"
    with pytest.raises(ExamError, match="has an exam 'mid' already"):
        define(klass)
    with pytest.raises(Exception, match="no class 'A'"):
        define(klass, "x", url=klass.url_of("bo"))  # B's instructor: A is not theirs to see
    with pytest.raises(Exception, match="only the administrator or an instructor of 'A'"):
        define(klass, "x", url=klass.url_of("lin"))  # a trainee of A
    assert sorted(e.exam.name for e in pg_exam.listed(klass.url)) == ["mid", "quiz"]
    assert pg_exam.listed(klass.url_of("bo")) == []
    # the same questions for everyone, in order: those the seed draws
    drawn = exam.draw([decks.load(DECK)], 3, ("recall",), 11)
    assert [q.card.id for q in pg_exam.show(klass.url, "mid").questions] == [q.card.id for q in drawn]


def test_a_trainee_sees_their_classes_exams_but_not_the_seed_nor_the_questions_before_starting(klass):  # noqa: F811
    define(klass)
    define(klass, "other", class_name="B")
    (listed,) = pg_exam.listed(klass.url_of("lin"))
    assert (listed.exam.name, listed.exam.seed, listed.status) == ("mid", None, AttemptStatus.NOT_STARTED)
    assert pg_exam.show(klass.url_of("lin"), "mid").questions == ()
    with klass.connect("lin") as conn:
        assert "permission denied" in refused(conn, "SELECT seed FROM exams")
        assert "permission denied" in refused(conn, "SELECT * FROM exams")
        assert conn.execute("SELECT name FROM exams").fetchall() == [("mid",)]
        assert conn.execute("SELECT count(*) FROM exam_questions").fetchone() == (0,)
    attempt = pg_exam.start(klass.url_of("lin"), "mid")
    attempt.close()
    with klass.connect("lin") as conn:
        assert conn.execute("SELECT count(*) FROM exam_questions").fetchone() == (3,)
    with pytest.raises(ExamError, match="no exam 'other'"):
        pg_exam.start(klass.url_of("lin"), "other")


def test_an_attempt_resumes_with_its_first_deadline_and_answers_are_graded_and_kept_once(klass):  # noqa: F811
    define(klass)
    attempt = pg_exam.start(klass.url_of("lin"), "mid")
    first_deadline = attempt.deadline
    assert attempt.deadline - attempt.started == dt.timedelta(minutes=20)
    assert 0 < attempt.seconds_left() <= 20 * 60
    q1, q2, q3 = attempt.questions
    given = attempt.answer(q1, right(q1))
    assert given.verdict == Verdict.CORRECT and given.score == 1.0
    attempt.close()  # a crash
    again = pg_exam.start(klass.url_of("lin"), "mid")
    assert again.deadline == first_deadline and again.started == attempt.started
    assert [q.position for q in again.pending()] == [2, 3]
    assert again.answer(q1, "something else").score == 1.0  # answered already: kept as it was
    again.answer(q2, "不知道")
    score = again.finish()
    assert (score.answered, score.correct, score.total, score.status) == (2, 1, 3, AttemptStatus.FINISHED)
    with pytest.raises(ExamError, match="finished"):
        again.answer(q3, right(q3))
    again.close()
    # started again after it finished: the same attempt, closed
    closed = pg_exam.start(klass.url_of("lin"), "mid")
    assert closed.finished is not None and closed.seconds_left() == 0
    with pytest.raises(ExamError, match="finished"):
        closed.answer(q3, right(q3))
    closed.close()
    assert klass.owner_sql("SELECT count(*) FROM exam_attempts") == [(1,)]


def test_an_answer_after_the_deadline_is_refused_by_the_server(klass):  # noqa: F811
    define(klass)
    attempt = pg_exam.start(klass.url_of("lin"), "mid")
    q1, q2, _ = attempt.questions
    attempt.answer(q1, right(q1))
    # the deadline passes (the owner moves it, as the clock would)
    klass.owner_sql("UPDATE exam_attempts SET deadline = clock_timestamp() - interval '1 second'")
    with pytest.raises(TimeUp, match="time of the exam 'mid' is up"):
        attempt.answer(q2, right(q2))
    assert attempt.seconds_left() == 0 and attempt.status == AttemptStatus.TIME_UP
    assert klass.owner_sql("SELECT position FROM exam_answers") == [(1,)]
    attempt.close()
    # a raw connection fares no better
    with klass.connect("lin") as conn:
        with pytest.raises(psycopg.Error, match="time is up"):
            conn.execute("INSERT INTO exam_answers (org, exam_id, trainee, position, score, verdict) "
                         "SELECT org, exam_id, trainee, 2, 1, 'correct' FROM exam_attempts")


def test_a_trainee_cannot_restart_move_the_deadline_of_or_reopen_an_attempt(klass):  # noqa: F811
    define(klass)
    pg_exam.start(klass.url_of("lin"), "mid").close()
    before = klass.owner_sql("SELECT started, deadline FROM exam_attempts")
    with klass.connect("lin") as conn:
        assert "permission denied" in refused(conn, "DELETE FROM exam_attempts")
        assert "permission denied" in refused(conn, "UPDATE exam_attempts SET deadline = now() + interval '9 days'")
        assert "permission denied" in refused(conn, "UPDATE exam_attempts SET started = now()")
        # an attempt made by hand gets the server's times, whatever was sent
        conn.execute("UPDATE exam_attempts SET finished = '2100-01-01'")
        (finished, deadline), = conn.execute("SELECT finished, deadline FROM exam_attempts").fetchall()
        assert finished <= deadline
        with pytest.raises(psycopg.Error, match="finished already"):
            conn.execute("UPDATE exam_attempts SET finished = NULL")
        assert "permission denied" in refused(conn, "DELETE FROM exam_answers")
        assert "permission denied" in refused(conn, "UPDATE exam_answers SET score = 1")
    assert klass.owner_sql("SELECT started, deadline FROM exam_attempts") == before


def test_the_server_sets_an_attempts_times_whatever_a_trainee_sends(klass):  # noqa: F811
    define(klass)
    exam_id = klass.owner_sql("SELECT exam_id FROM exams")[0][0]
    lin = trainee_of(klass, "lin")
    with klass.connect("lin") as conn:
        assert "permission denied" in refused(
            conn, "INSERT INTO exam_attempts (org, exam_id, trainee, deadline) VALUES ('default', %s, %s, "
                  "'2100-01-01')", exam_id, lin)
        conn.execute("INSERT INTO exam_attempts (org, exam_id, trainee) VALUES ('default', %s, %s)", (exam_id, lin))
        (started, deadline), = conn.execute("SELECT started, deadline FROM exam_attempts").fetchall()
    assert deadline - started == dt.timedelta(minutes=20)


def test_a_trainee_reads_and_writes_only_their_own_attempts_and_answers(klass):  # noqa: F811
    klass.add("A", "mei")
    define(klass)
    for short in ("lin", "wu"):
        attempt = pg_exam.start(klass.url_of(short), "mid")
        attempt.answer(attempt.questions[0], right(attempt.questions[0]))
        attempt.close()
    exam_id = klass.owner_sql("SELECT exam_id FROM exams")[0][0]
    lin, wu, zhao = (trainee_of(klass, s) for s in ("lin", "wu", "zhao"))
    with klass.connect("lin") as conn:
        assert {r[0] for r in conn.execute("SELECT trainee FROM exam_attempts")} == {lin}
        assert {r[0] for r in conn.execute("SELECT trainee FROM exam_answers")} == {lin}
        assert conn.execute("SELECT count(*) FROM exam_answers WHERE trainee = %s", (wu,)).fetchone() == (0,)
        # an answer, or an attempt, in another trainee's name
        assert "row-level security" in refused(
            conn, "INSERT INTO exam_answers (org, exam_id, trainee, position, score, verdict) "
                  "VALUES ('default', %s, %s, 2, 1, 'correct')", exam_id, wu)
        assert "row-level security" in refused(
            conn, "INSERT INTO exam_attempts (org, exam_id, trainee) VALUES ('default', %s, %s)",
            exam_id, trainee_of(klass, "mei"))
        assert conn.execute("UPDATE exam_attempts SET finished = now() WHERE trainee = %s", (wu,)).rowcount == 0
        # defining an exam, or its questions
        assert "permission denied" in refused(
            conn, "INSERT INTO exams (org, class_id, name, decks, count, kinds, minutes, seed) "
                  "SELECT org, class_id, 'x', '{}', 1, '{}', 1, 1 FROM classes")
        assert "permission denied" in refused(conn, "DELETE FROM exams")
        assert "permission denied" in refused(
            conn, "INSERT INTO exam_questions (org, exam_id, position, deck, card, fw, kind, question) "
                  "VALUES ('default', %s, 9, 'd', 'c', 'f', 'recall', '{}')", exam_id)
    with klass.connect("zhao") as conn:  # a trainee of B: A's exam is not theirs
        assert conn.execute("SELECT count(*) FROM exams").fetchone() == (0,)
        assert "row-level security" in refused(
            conn, "INSERT INTO exam_attempts (org, exam_id, trainee) VALUES ('default', %s, %s)", exam_id, zhao)
        for table in ("exam_questions", "exam_attempts", "exam_answers"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    with klass.connect("mei") as conn:  # not started: no answer without an attempt
        with pytest.raises(psycopg.Error):
            conn.execute("INSERT INTO exam_answers (org, exam_id, trainee, position, score, verdict) "
                         "VALUES ('default', %s, %s, 1, 1, 'correct')", (exam_id, trainee_of(klass, "mei")))


def test_an_instructor_reads_and_defines_only_the_exams_of_the_classes_they_teach(klass):  # noqa: F811
    define(klass)
    define(klass, "other", class_name="B")
    attempt = pg_exam.start(klass.url_of("lin"), "mid")
    attempt.answer(attempt.questions[0], right(attempt.questions[0]))
    attempt.close()
    exam_a = klass.owner_sql("SELECT exam_id FROM exams WHERE name = 'mid'")[0][0]
    with klass.connect("bo") as conn:  # B's instructor
        assert conn.execute("SELECT name FROM exams").fetchall() == [("other",)]
        for table in ("exam_attempts", "exam_answers"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        assert conn.execute("SELECT count(*) FROM exam_questions WHERE exam_id = %s", (exam_a,)).fetchone() == (0,)
        assert conn.execute("DELETE FROM exams WHERE exam_id = %s", (exam_a,)).rowcount == 0
        assert "row-level security" in refused(
            conn, "INSERT INTO exam_questions (org, exam_id, position, deck, card, fw, kind, question) "
                  "VALUES ('default', %s, 9, 'd', 'c', 'f', 'recall', '{}')", exam_a)
        class_a = klass.owner_sql("SELECT class_id FROM classes WHERE name = 'A'")[0][0]
        assert "row-level security" in refused(
            conn, "INSERT INTO exams (org, class_id, name, decks, count, kinds, minutes, seed) "
                  "VALUES ('default', %s, 'x', '{}', 1, '{}', 1, 1)", class_a)
    with pytest.raises(ExamError, match="no exam 'mid'"):
        pg_exam.results(klass.url_of("bo"), "mid")
    with klass.connect("ann") as conn:  # A's instructor
        assert conn.execute("SELECT count(*) FROM exam_answers").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM exam_questions").fetchone() == (3,)
        for query in ("UPDATE exam_attempts SET deadline = now() + interval '1 day'",
                      "DELETE FROM exam_answers", "UPDATE exam_answers SET score = 0",
                      "INSERT INTO exam_attempts (org, exam_id, trainee) SELECT org, exam_id, 1 FROM exams"):
            assert "permission denied" in refused(conn, query), query
    with pytest.raises(ExamError, match="trainee's own login"):
        pg_exam.start(klass.url_of("ann"), "mid")


def test_results_count_each_trainees_score_and_each_items_answers(klass):  # noqa: F811
    klass.add("A", "mei")
    define(klass, count=2)
    deck = decks.load(DECK)
    intruders = Intruders([deck])
    qs = pg_exam.show(klass.url, "mid").questions
    other = next(fw for fw in deck.frameworks if fw.id != qs[0].card.framework and fw.kind != "outline"
                 and len(fw.items) >= 2)
    typed = {"lin": [right(qs[0]), right(qs[1])], "wu": ["、".join(other.items), right(qs[1])],
             "mei": ["、".join(other.items)]}
    for short, answers in typed.items():
        attempt = pg_exam.start(klass.url_of(short), "mid")
        for question, text in zip(attempt.questions, answers):
            attempt.answer(question, text, intruders=intruders)
        if short != "mei":
            attempt.finish()
        attempt.close()
    results = pg_exam.results(klass.url_of("ann"), "mid")
    scores = {t.trainee: t for t in results.trainees}
    assert set(scores) == {klass.name(s) for s in ("lin", "wu", "mei")}
    assert scores[klass.name("lin")].points == 2.0 and scores[klass.name("lin")].correct == 2
    assert scores[klass.name("wu")].correct == 1
    assert scores[klass.name("mei")].status == AttemptStatus.IN_PROGRESS and scores[klass.name("mei")].answered == 1
    first, second = results.items
    assert (first.attempted, first.correct, second.attempted, second.correct) == (3, 1, 2, 2)
    assert first.wrong_answers[0].count == 2 and first.wrong_answers[0].text == "、".join(other.items)
    assert first.confusions[0].text == other.name and first.confusions[0].count == 2
    # a trainee reads only their own
    own = pg_exam.results(klass.url_of("wu"), "mid")
    assert [t.trainee for t in own.trainees] == [klass.name("wu")]
    assert own.items[0].attempted == 1


def test_exam_answers_move_no_schedule_unless_the_exam_says_so(klass, monkeypatch):  # noqa: F811
    define(klass, count=1)
    define(klass, "moving", count=1, moves_schedule=True)
    monkeypatch.setenv("DRILL_STORE", klass.url_of("wu"))
    store = Store.open("wu")
    before = (len(store.cards()), list(store.reviews()))
    for name in ("mid", "moving"):
        attempt = pg_exam.start(klass.url_of("wu"), name)
        attempt.answer(attempt.questions[0], right(attempt.questions[0]), store=store)
        attempt.finish()
        attempt.close()
        if name == "mid":
            assert (len(store.cards()), list(store.reviews())) == before
    card = pg_exam.show(klass.url, "moving").questions[0].card
    assert [r.card for r in store.reviews()] == [card.id]
    assert store.card_state(card.id) is not None
    store.close()


def test_a_version_3_schema_is_upgraded_to_exams_with_its_grants(klass, monkeypatch):  # noqa: F811
    for table in ("exam_answers", "exam_attempts", "exam_questions", "exams"):
        klass.owner_sql(f"DROP TABLE {table}")
    for function in ("drill_taught_exams(name)", "drill_exams_of(name)", "drill_started_exams(name)",
                     "drill_exam_attempt()", "drill_exam_answer()"):
        klass.owner_sql(f"DROP FUNCTION {function}")
    klass.owner_sql("UPDATE drill_schema SET version = 3")
    Store.open(klass.name("lin")).close()  # the owner opens a trainee: upgraded, no class command
    define(klass, url=klass.url_of("ann"))
    pg_exam.start(klass.url_of("lin"), "mid").close()


# --- drill exam … ------------------------------------------------------------------

def run(capsys, *args: str) -> tuple[int, str, str]:
    from drill import cli

    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, out: str, err: str, said: str) -> None:
    assert code == 1 and out == "", (out, err)
    assert err.count("\n") == 1 and said in err and "Traceback" not in err, err


def test_exam_commands_need_a_postgresql_store(capsys):
    for args in (["exam", "create", "A", "mid", "--deck", str(DECK), "--count", "3", "--minutes", "5"],
                 ["exam", "list"], ["exam", "show", "mid"], ["exam", "results", "mid", "--json"],
                 ["exam", "take", "mid"]):
        one_line_error(*run(capsys, *args), "needs a PostgreSQL progress store")


def test_the_administrator_defines_lists_shows_and_reads_the_results_of_an_exam(klass, monkeypatch, capsys):  # noqa: F811
    code, out, err = run(capsys, "exam", "create", "A", "mid", "--deck", str(DECK), "--deck", OTHER.name,
                         "--count", "4", "--kind", "recall", "--kind", "order", "--minutes", "15", "--seed", "42")
    assert code == 0, err
    assert out == "made the exam mid for A: 4 questions, 15 min, kinds recall, order, seed 42\n"
    code, out, _ = run(capsys, "exam", "create", "B", "moving", "--deck", str(DECK), "--count", "2",
                       "--minutes", "5", "--moves-schedule")
    assert code == 0 and "seed " in out and "move the trainees' schedules" in out
    # bad input: one line, exit 1
    for args, said in ((["--count", "0"], "--count takes a whole number from 1"),
                       (["--count", "x"], "--count takes a whole number, not 'x'"),
                       (["--seed", "-1"], "--seed takes a whole number from 0"),
                       (["--kind", "show"], "not a kind of card an exam asks: 'show'")):
        base = {"--count": "3", "--minutes": "5"}
        base.update(dict(zip(args[::2], args[1::2])))
        extra = [x for k, v in base.items() for x in (k, v)]
        one_line_error(*run(capsys, "exam", "create", "A", "x", "--deck", str(DECK), *extra), said)
    one_line_error(*run(capsys, "exam", "create", "A", "x", "--deck", "no-such-deck", "--count", "3",
                        "--minutes", "5"), "no-such-deck: no such deck")
    one_line_error(*run(capsys, "exam", "create", "A", "mid", "--deck", str(DECK), "--count", "3",
                        "--minutes", "5"), "has an exam 'mid' already")
    one_line_error(*run(capsys, "exam", "create", "nope", "x", "--deck", str(DECK), "--count", "3",
                        "--minutes", "5"), "no class 'nope'")
    one_line_error(*run(capsys, "exam", "show", "nope"), "no exam 'nope'")
    code, out, _ = run(capsys, "exam", "list", "--json")
    listed = [json.loads(line) for line in out.splitlines()]
    assert [(e["name"], e["class"], e["count"], e["seed"], e["started"]) for e in listed] == [
        ("moving", "B", 2, listed[0]["seed"], 0), ("mid", "A", 4, 42, 0)]
    code, out, _ = run(capsys, "exam", "show", "mid", "--json")
    shown = json.loads(out)
    drawn = exam.draw([decks.load(DECK), decks.load(OTHER)], 4, ("recall", "order"), 42)
    assert [q["card"] for q in shown["questions_shown"]] == [q.card.id for q in drawn]
    code, out, _ = run(capsys, "exam", "show", "mid")
    assert out.splitlines()[0].startswith("mid (A): 4 questions, 15 min, kinds recall, order, decks ")
    assert len(out.splitlines()) == 5
    # a trainee takes it; its results
    attempt = pg_exam.start(klass.url_of("lin"), "mid")
    attempt.answer(attempt.questions[0], right(attempt.questions[0]))
    attempt.answer(attempt.questions[1], "不知道")
    attempt.close()
    code, out, _ = run(capsys, "exam", "results", "mid", "--json")
    results = json.loads(out)
    assert [(t["trainee"], t["answered"], t["correct"], t["status"]) for t in results["trainees"]] == [
        (klass.name("lin"), 2, 1, "in progress"), (klass.name("wu"), 0, 0, "not started")]
    assert [(i["position"], i["attempted"], i["correct"]) for i in results["items"]] == [
        (1, 1, 1), (2, 1, 0), (3, 0, 0), (4, 0, 0)]
    assert results["items"][1]["wrong_answers"] == [{"text": "不知道", "count": 1}]
    code, out, _ = run(capsys, "exam", "results", "mid")
    assert code == 0 and "1/1 right" in out and "wrong answers: 不知道 ×1" in out
    # the trainee's login: their own status, no seed; no terminal to take it in
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    code, out, _ = run(capsys, "exam", "list")
    assert out.splitlines() == ["A  mid  — 4 questions, 15 min  in progress"]
    code, out, _ = run(capsys, "exam", "list", "--json")
    assert json.loads(out)["seed"] is None
    one_line_error(*run(capsys, "exam", "take", "mid"), "needs a terminal")
    one_line_error(*run(capsys, "exam", "create", "A", "x", "--deck", str(DECK), "--count", "3",
                        "--minutes", "5"), "only the administrator or an instructor of 'A'")
    monkeypatch.setenv("DRILL_STORE", klass.url_of("zhao"))
    code, out, _ = run(capsys, "exam", "list")
    assert out.splitlines() == ["B  moving  — 2 questions, 5 min  not started"]


def test_taking_an_exam_that_is_over_is_refused_before_the_app_opens(klass, monkeypatch, capsys):  # noqa: F811
    import sys

    define(klass)
    attempt = pg_exam.start(klass.url_of("lin"), "mid")
    attempt.finish()
    attempt.close()
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    one_line_error(*run(capsys, "exam", "take", "mid"), "the exam 'mid' is over for you: finished")
    monkeypatch.setenv("DRILL_STORE", klass.url_of("ann"))
    one_line_error(*run(capsys, "exam", "take", "mid"), "taken with a trainee's own login")


def test_an_attempt_goes_on_after_its_server_restarts_and_an_answer_sent_again_counts_once(tmp_path):
    import pg
    from conftest import pg_server

    bindir = pg.binaries()
    if bindir is None:
        pg_server()  # skipped (or failed, under CI) as every server test is
    own = pg.Server(bindir)  # a server of this test's own: restarting it disturbs no other test
    try:
        own.start()
        from drill.core import pg_classes
        from drill.core.roster import Entry

        pg_classes.create_class(own.url(), "A")
        (added,) = pg_classes.add_members(own.url(), "A", [Entry("lin", Role.TRAINEE, None, 0)])
        pg_exam.create(own.url(), "A", "mid", [decks.load(DECK)], 3, ("recall",), 20, seed=1)
        attempt = pg_exam.start(own.url(user="lin", password=added.password), "mid")
        q1, q2, _q3 = attempt.questions
        attempt.answer(q1, right(q1))
        own.restart()
        assert attempt.answer(q2, right(q2)).score == 1.0  # its dropped connection is made again
        # the same answer sent again (its acknowledgement lost): recorded once, as first graded
        del attempt.answers[q2.position]
        assert attempt.answer(q2, "不知道").score == 1.0
        # ended by another drill of theirs meanwhile: ended as it was
        other = pg_exam.start(own.url(user="lin", password=added.password), "mid")
        ended = other.finish().finished
        assert attempt.finish().finished == ended
        attempt.close()
        other.close()
        with own.connect() as conn:
            assert conn.execute("SELECT count(*) FROM exam_answers").fetchone() == (2,)
    finally:
        own.stop()


def test_a_grade_a_trainee_wrote_themselves_is_caught_by_grading_again(klass, capsys):  # noqa: F811
    define(klass, count=2)
    attempt = pg_exam.start(klass.url_of("lin"), "mid")
    q1, q2 = attempt.questions
    attempt.answer(q1, right(q1))
    attempt.close()
    with klass.connect("lin") as conn:  # their own login, writing an answer with a grade of their own
        conn.execute("INSERT INTO exam_answers (org, exam_id, trainee, position, typed, score, verdict) "
                     "SELECT org, exam_id, trainee, 2, '不知道', 1, 'correct' FROM exam_attempts")
    kept = pg_exam.results(klass.url, "mid")
    assert kept.trainees[0].points == 2.0 and kept.regraded is None
    checked = pg_exam.results(klass.url, "mid", regrade=True)
    assert checked.trainees[0].points == 1.0 and checked.regraded == 1
    assert checked.items[1].wrong_answers[0].text == "不知道"
    code, out, _ = run(capsys, "exam", "results", "mid", "--regrade")
    assert code == 0 and "1 answer(s) had another grade kept" in out
    code, out, _ = run(capsys, "exam", "results", "mid", "--regrade", "--json")
    assert json.loads(out)["regraded"] == 1
    assert "regraded" not in json.loads(run(capsys, "exam", "results", "mid", "--json")[1])


def test_points_are_shown_with_two_places_at_most():
    from drill.core.exam import points_shown

    assert [points_shown(p) for p in (0.6667, 1.0, 1.5, 2.0 / 3 + 2, 0.0)] == ["0.67", "1", "1.5", "2.67", "0"]
