"""Exams taken in the app (Pilot, App.run_test), each trainee against a real
PostgreSQL server (tests/pg.py): three trainees answer differently, then
their scores, the item analysis and their schedules are checked; the timer
runs out on a clock the test moves, never by waiting."""

from __future__ import annotations

from conftest import DECKS, until
from test_pg_access import klass, site  # noqa: F401  (fixtures: a schema, people and classes)
from test_tui import shown_text

from drill.core import deck as decks
from drill.core import pg_exam
from drill.core.exam import AttemptStatus
from drill.core.store import Store
from drill.tui.app import make_app
from drill.tui.screens.decks import DecksScreen
from drill.tui.screens.drill import AnswerArea
from drill.tui.screens.exam import ExamScreen

DECK = DECKS / "001_2cf52c944239bc02.toml"
SIZE = (100, 30)


def define(klass, name="mid", count=3, minutes=20, moves_schedule=False):  # noqa: F811
    return pg_exam.create(klass.url, "A", name, [decks.load(DECK)], count, ("recall",), minutes, seed=5,
                          moves_schedule=moves_schedule)


def on_screen(screen) -> str:
    from textual.widgets import Static

    return "\n".join(shown_text(w) for w in screen.query(Static) if w.display)


def schedule(klass, short):  # noqa: F811
    """What an exam must not move: the trainee's card states, review log and day tallies."""
    rows = klass.owner_sql("SELECT card, reps, due FROM cards c JOIN people p ON p.trainee = c.trainee "
                           "WHERE p.login = %s ORDER BY card", klass.name(short))
    log = klass.owner_sql("SELECT count(*) FROM reviews r JOIN people p ON p.trainee = r.trainee "
                          "WHERE p.login = %s", klass.name(short))
    days = klass.owner_sql("SELECT sum(reviews) FROM days d JOIN people p ON p.trainee = d.trainee "
                           "WHERE p.login = %s", klass.name(short))
    return rows, log, days


async def take(klass, monkeypatch, short, answers, name="mid", from_deck_list=False):  # noqa: F811
    """``short`` takes the exam in the app (opened by ``drill exam take``'s
    way, or from the deck list's Exams key), typing ``answers`` one by one
    and submitting the rest blank; returns the score shown at the end."""
    monkeypatch.setenv("DRILL_STORE", klass.url_of(short))
    app = make_app(user="anyone")
    if not from_deck_list:
        app.exam_to_take = (name, None)
    async with app.run_test(size=SIZE) as pilot:
        if from_deck_list:
            await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.open_exams
                        and "exam open: " + name in on_screen(app.screen), what="the exam note")
            await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExamScreen) and app.screen.question is not None,
                    what="the exam screen")
        screen = app.screen
        await until(pilot, lambda: "time left " in on_screen(screen), what="the timer")
        for typed in answers:
            question = screen.question
            count = len(screen.attempt.answers)
            await pilot.press("f2", "f3", "f4")  # the drill's hint, source and "I don't know": none here
            assert "hint" not in on_screen(screen) and "source" not in on_screen(screen)
            screen.query_one(AnswerArea).text = typed
            await pilot.press("ctrl+s")
            await until(pilot, lambda: len(screen.attempt.answers) == count + 1 and not screen.saving,
                        what="the answer saved")
            await until(pilot, lambda: f"answer {question.position} saved" in on_screen(screen) or screen.over,
                        what="saved, said")
            said = on_screen(screen)
            # saved, and nothing of how it was judged nor of what the answer was
            for word in ("correct", "wrong", "partial", "right", "missing", *question.card.answer):
                assert screen.over or word not in said, word
        await until(pilot, lambda: screen.score is not None or screen.question is not None, what="the next step")
        if screen.score is None:  # questions left: answered blank
            while screen.score is None:
                count = len(screen.attempt.answers)
                await pilot.press("ctrl+s")
                await until(pilot, lambda: len(screen.attempt.answers) > count or screen.score is not None,
                            what="a blank answer saved")
        await until(pilot, lambda: screen.score is not None, what="the score")
        await until(pilot, lambda: f"Your score: {screen.score.points:g} of 3" in on_screen(screen),
                    what="the score shown")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the deck list")
        return screen.score


def right(question) -> str:
    return "、".join(question.card.answer)


async def test_three_trainees_take_an_exam_in_the_app_and_its_results_are_counted(klass, monkeypatch):  # noqa: F811
    klass.add("A", "mei")
    define(klass)
    deck = decks.load(DECK)
    q1, q2, q3 = pg_exam.show(klass.url, "mid").questions
    other = next(fw for fw in deck.frameworks if fw.id != q1.card.framework and len(fw.items) >= 2
                 and fw.kind != "outline")
    confused = "、".join(other.items)  # another framework's items for the first question
    before = {short: schedule(klass, short) for short in ("lin", "wu", "mei")}
    scores = {
        "lin": await take(klass, monkeypatch, "lin", [right(q1), right(q2), right(q3)], from_deck_list=True),
        "wu": await take(klass, monkeypatch, "wu", [confused, right(q2), "不知道"]),
        "mei": await take(klass, monkeypatch, "mei", [confused]),
    }
    assert (scores["lin"].points, scores["lin"].correct) == (3.0, 3)
    assert scores["wu"].correct == 1 and scores["mei"].correct == 0
    results = pg_exam.results(klass.url_of("ann"), "mid")  # the class's instructor
    by_name = {t.trainee: t for t in results.trainees}
    assert {n: (t.correct, t.answered, t.status) for n, t in by_name.items()} == {
        klass.name("lin"): (3, 3, AttemptStatus.FINISHED), klass.name("wu"): (1, 3, AttemptStatus.FINISHED),
        klass.name("mei"): (0, 3, AttemptStatus.FINISHED)}
    assert [t.trainee for t in results.trainees][0] == klass.name("lin")
    first, second, third = results.items
    assert (first.attempted, first.correct) == (3, 1)
    assert (first.wrong_answers[0].text, first.wrong_answers[0].count) == (confused, 2)
    assert (first.confusions[0].text, first.confusions[0].count) == (other.name, 2)
    assert set(q1.card.answer) >= {c.text for c in first.missed_items}
    assert (second.attempted, second.correct) == (3, 2)
    assert (third.attempted, third.correct) == (3, 1)
    assert sorted((c.text, c.count) for c in third.wrong_answers) == [("(blank)", 1), ("不知道", 1)]
    # the exam moved no one's schedule
    assert {short: schedule(klass, short) for short in ("lin", "wu", "mei")} == before
    # and it is over for them: no Exams key any more, and taking it again shows the score
    assert pg_exam.open_exams(klass.url_of("lin")) == []


async def test_an_exam_that_moves_the_schedule_records_its_answers_as_drill_answers(klass, monkeypatch):  # noqa: F811
    define(klass, "moving", moves_schedule=True)
    q1, q2, q3 = pg_exam.show(klass.url, "moving").questions
    rows, log, _days = schedule(klass, "wu")
    await take(klass, monkeypatch, "wu", [right(q1), "不知道", right(q3)], name="moving")
    after_rows, after_log, _ = schedule(klass, "wu")
    assert after_log[0][0] == log[0][0] + 3
    assert {card for card, _reps, _due in after_rows} - {card for card, _r, _d in rows} == \
        {q1.card.id, q2.card.id, q3.card.id}


async def test_the_timer_running_out_ends_the_exam_and_a_late_answer_is_refused(klass, monkeypatch):  # noqa: F811
    define(klass, minutes=5)
    now = [1000.0]
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    app = make_app(user="lin")
    app.exam_clock = lambda: now[0]
    app.exam_to_take = ("mid", None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ExamScreen) and app.screen.question is not None,
                    what="the exam screen")
        screen = app.screen
        await until(pilot, lambda: "time left 05:00" in on_screen(screen) or "time left 04:5" in on_screen(screen),
                    what="the timer")
        screen.query_one(AnswerArea).text = right(screen.question)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(screen.attempt.answers) == 1 and not screen.saving, what="the answer")
        now[0] += 4 * 60 + 30
        await until(pilot, lambda: "time left 00:" in on_screen(screen), what="the last minute")
        now[0] += 31  # the clock passes the deadline
        await until(pilot, lambda: screen.score is not None, what="the end of the exam")
        await until(pilot, lambda: "Your score: 1 of 3" in on_screen(screen), what="the score shown")
        assert "time is up" in on_screen(screen)
    (finished,) = klass.owner_sql("SELECT finished IS NOT NULL FROM exam_attempts")[0]
    assert finished
    assert klass.owner_sql("SELECT count(*) FROM exam_answers") == [(1,)]


async def test_a_deadline_passed_on_the_server_refuses_the_answer_and_ends_the_exam(klass, monkeypatch):  # noqa: F811
    define(klass)
    monkeypatch.setenv("DRILL_STORE", klass.url_of("wu"))
    app = make_app(user="wu")
    app.exam_to_take = ("mid", None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ExamScreen) and app.screen.question is not None,
                    what="the exam screen")
        screen = app.screen
        # the server's clock is past the deadline; the screen's is not
        klass.owner_sql("UPDATE exam_attempts SET deadline = clock_timestamp() - interval '1 second'")
        screen.query_one(AnswerArea).text = right(screen.question)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.score is not None, what="the end of the exam")
        await until(pilot, lambda: "Your score: 0 of 3" in on_screen(screen), what="the score shown")
        assert "came too late" in on_screen(screen)
    assert klass.owner_sql("SELECT count(*) FROM exam_answers") == [(0,)]


async def test_a_trainee_who_leaves_resumes_with_the_time_left_not_new_time(klass, monkeypatch):  # noqa: F811
    define(klass)
    monkeypatch.setenv("DRILL_STORE", klass.url_of("lin"))
    app = make_app(user="lin")
    app.exam_to_take = ("mid", None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ExamScreen) and app.screen.question is not None,
                    what="the exam screen")
        screen = app.screen
        screen.query_one(AnswerArea).text = right(screen.question)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(screen.attempt.answers) == 1 and not screen.saving, what="the answer")
        deadline = screen.attempt.deadline
        await pilot.press("escape")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.open_exams, what="the deck list")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExamScreen) and app.screen.question is not None,
                    what="the exam again")
        again = app.screen
        assert again.attempt.deadline == deadline
        assert again.question.position == 2
    store = Store.open("lin")
    assert store.name == klass.name("lin")
    store.close()
