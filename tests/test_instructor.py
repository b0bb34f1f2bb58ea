"""The instructor's view of a class on a real PostgreSQL server (tests/pg.py),
read through each instructor's own login: an instructor of class A sees
A's trainees and no one else's, an instructor of B sees nothing of A, and
every figure is checked against the answers the test records."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from textual.widgets import TabbedContent
from test_pg_access import site  # noqa: F401  (the fixture: a schema and people of the test's own)

from drill.core import deck as decks
from drill.core import instructor, pg_assign, pg_classes
from drill.core.errors import StoreError
from drill.core.grading import grade
from drill.core.instructor import Reason, RiskRules
from drill.core.roster import Role
from drill.core.scheduler import MASTERED_DAYS
from drill.core.session import Answered, Intruders
from drill.core.store import Store

DAY = 86400.0
NOW = time.time()
TODAY = dt.datetime.fromtimestamp(NOW).date()
# a passage written for these tests
SPEECH = "学校提出守时间、练听力、勤复习“三个习惯”。我们要做好两项工作：多读原文，多做练习。\n"
DECK_TEXT = '''\
format = 1
title = "课堂<BR>[bold]练习"
source = "speech.txt"
encoding = "utf-8"

[[frameworks]]
id = "abb-1"
kind = "abbreviation"
name = "三个习惯"
items = ["守时间", "练听力", "勤复习"]

[[frameworks]]
id = "enu-1"
kind = "enumeration"
name = "两项工作"
items = ["多读原文", "多做练习"]
'''
# a trainee's name as hostile as a login allows: markup of HTML and of the terminal
MEI = "<BR>[bold]mei"
RULES = RiskRules(overdue_cards=3, min_reviews=5, retention_drop=0.10, idle_days=7)


def write_deck(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "speech.txt").write_text(SPEECH, "utf-8")
    path = folder / "class.toml"
    path.write_text(DECK_TEXT, "utf-8")
    return path


class Recorder:
    """Answers given as one trainee's login, each kept to check the figures by."""

    def __init__(self, site, short: str, deck) -> None:  # noqa: F811
        self.site, self.short, self.deck = site, short, deck
        self.given: list[tuple[float, Answered]] = []

    def say(self, card, typed: str, when: float) -> Answered:
        intruders = Intruders([self.deck], reference=[])(card)
        answered = Answered(card, typed, grade(card.answer, typed, card.ordered, intruders=intruders), 6.0, 0)
        with _as(self.site, self.short):
            store = Store.open("anyone")
            try:
                store.record(answered, now=when)
            finally:
                store.close()
        self.given.append((when, answered))
        return answered

    def right(self, card, when: float) -> Answered:
        return self.say(card, "\n".join(card.answer), when)

    def wrong(self, card, when: float) -> Answered:
        return self.say(card, "不知道", when)

    def in_window(self, first: dt.date, last: dt.date) -> tuple[int, int]:
        """(answers, passed) given on the days from ``first`` to ``last``."""
        got = [a for when, a in self.given if first <= dt.datetime.fromtimestamp(when).date() <= last]
        return len(got), sum(1 for a in got if a.rating > 1)


class _as:
    """DRILL_STORE set to a person's login for the block."""

    def __init__(self, site, short: str) -> None:  # noqa: F811
        self.site, self.short = site, short

    def __enter__(self):
        import os

        self.before = os.environ.get("DRILL_STORE")
        os.environ["DRILL_STORE"] = self.site.url_of(self.short)

    def __exit__(self, *exc):
        import os

        if self.before is None:
            os.environ.pop("DRILL_STORE", None)
        else:
            os.environ["DRILL_STORE"] = self.before


@pytest.fixture
def school(site, tmp_path):  # noqa: F811
    """Class A (instructor ann; trainees lin, wu, and mei, who never answers)
    and class B (instructor bo; trainee zhao), one deck assigned to both,
    and answers recorded over two months."""
    deck = decks.load(write_deck(tmp_path / "decks"))
    pg_classes.create_class(site.url, "A")
    pg_classes.create_class(site.url, "B")
    site.add("A", "ann", Role.INSTRUCTOR)
    for short in ("lin", "wu", MEI):
        site.add("A", short)
    site.add("B", "bo", Role.INSTRUCTOR)
    site.add("B", "zhao")
    pg_assign.add(site.url, "A", deck.id, TODAY - dt.timedelta(days=10))
    pg_assign.add(site.url, "B", deck.id, TODAY + dt.timedelta(days=5))
    cards = deck.cards()
    by_id = {c.id: c for c in cards}
    recall = by_id["abb-1/recall"]
    other = by_id["enu-1/recall"]
    said = {short: Recorder(site, short, deck) for short in ("lin", "wu", "zhao")}
    lin = said["lin"]
    # lin: one card spaced over four months (mastered), every card of the deck
    # 20 days ago (all right: before the due date), five 2 days ago, three of them wrong
    for days_ago in (120, 100, 70, 40):
        lin.right(by_id["abb-1/name"], NOW - days_ago * DAY)
    for card in cards:
        lin.right(card, NOW - 20 * DAY)
    for n, card in enumerate(cards[:5]):
        (lin.wrong if n < 3 else lin.right)(card, NOW - 2 * DAY)
    # lin confuses 三个习惯 with 两项工作 once
    lin.say(recall, "守时间\n练听力\n多读原文", NOW - 2 * DAY)
    # wu: three cards, all wrong, 40 days ago: overdue since, and idle
    for card in cards[:3]:
        said["wu"].wrong(card, NOW - 40 * DAY)
    # zhao (class B): wrong on everything, and the same confusion twice
    for card in cards:
        said["zhao"].wrong(card, NOW - DAY)
    for _ in range(2):
        said["zhao"].say(recall, "守时间\n多读原文", NOW - DAY + 60)
    return site, deck, said, other


def own_cards(site, short: str) -> list:  # noqa: F811
    with _as(site, short):
        store = Store.open("anyone")
        try:
            return store.cards()
        finally:
            store.close()


def test_an_instructor_sees_their_classs_trainees_with_the_figures_of_their_answers(school):
    site, deck, said, _ = school
    report = instructor.class_report(site.url_of("ann"), "A", [deck], now=NOW, rules=RULES)
    names = {short: site.name(short) for short in ("lin", "wu", MEI, "zhao")}
    assert report.trainees == sorted([names["lin"], names["wu"], names[MEI]])
    # mastery: each trainee's cards at a stability of MASTERED_DAYS or more, over the deck's cards
    (column,) = report.mastery.decks
    assert (column.deck, column.cards, column.known, column.due) == (deck.id, len(deck.cards()), True,
                                                                    TODAY - dt.timedelta(days=10))
    for short in ("lin", "wu"):
        states = own_cards(site, short)
        cell = report.mastery.cell(names[short], deck.id)
        assert (cell.seen, cell.mastered) == (len(states), sum(1 for s in states if s.stability >= MASTERED_DAYS))
    assert report.mastery.cell(names["lin"], deck.id).mastered >= 1  # the spaced card
    assert report.mastery.cell(names["wu"], deck.id).mastered == 0
    assert report.mastery.cell(names[MEI], deck.id).seen == 0
    # standings: the windows of the day tallies, the overdue cards from the card states
    lin = next(s for s in report.standings if s.trainee == names["lin"])
    recent = said["lin"].in_window(TODAY - dt.timedelta(days=6), TODAY)
    before = said["lin"].in_window(TODAY - dt.timedelta(days=36), TODAY - dt.timedelta(days=7))
    assert (lin.recent_reviews, lin.recent_passed) == recent and recent[0] == 6
    assert (lin.before_reviews, lin.before_passed) == before
    assert lin.last_active == TODAY - dt.timedelta(days=2)
    for standing in report.standings:
        short = next(s for s, n in names.items() if n == standing.trainee)
        states = own_cards(site, short) if short != MEI else []
        assert standing.overdue == sum(1 for s in states if s.due <= NOW - DAY)
    reasons = {s.trainee: [r.reason for r in s.risks] for s in report.standings}
    assert Reason.FALLING_RETENTION in reasons[names["lin"]]
    assert Reason.IDLE not in reasons[names["lin"]]
    assert reasons[names["wu"]] == [Reason.OVERDUE, Reason.IDLE]
    assert reasons[names[MEI]] == [Reason.NEVER]
    # the weakest items and the confusions are A's alone (zhao's are B's)
    assert {c.other for c in report.confusions} == {"两项工作"}
    (confusion,) = report.confusions
    assert (confusion.fw, confusion.framework, confusion.count, confusion.trainees) == ("abb-1", "三个习惯", 1, 1)
    assert report.weakest_items and all(w.seen >= w.missed > 0 for w in report.weakest_items)
    rates = [w.miss_rate for w in report.weakest_items]
    assert rates == sorted(rates, reverse=True)
    # assignment completion: lin reviewed every card 20 days ago, before the due date 10 days ago
    (work,) = report.assignments
    done = {t.trainee: t for t in work.trainees}
    assert (work.completed, work.started, len(work.trainees)) == (1, 2, 3)
    assert done[names["lin"]].completed and done[names["lin"]].reviewed == len(deck.cards())
    assert (done[names["wu"]].reviewed, done[names["wu"]].completed) == (3, False)
    assert report.as_json()["assignments"][0]["completed"] == 1


def test_an_instructor_of_another_class_sees_nothing_of_it(school):
    site, deck, said, _ = school
    with pytest.raises(StoreError, match="no class 'A'"):
        instructor.class_report(site.url_of("bo"), "A", [deck], now=NOW)
    report = instructor.class_report(site.url_of("bo"), "B", [deck], now=NOW, rules=RULES)
    assert report.trainees == [site.name("zhao")]
    (confusion,) = report.confusions
    assert (confusion.other, confusion.count) == ("两项工作", 2)
    # zhao's assignment is due in five days; every card was answered (wrong), so reviewed
    (work,) = report.assignments
    assert (work.completed, work.started) == (1, 1)
    assert instructor.taught(site.url_of("bo")) == ["B"]
    assert instructor.taught(site.url_of("ann")) == ["A"]
    assert instructor.taught(site.url) == ["A", "B"]  # the administrator
    # a trainee's login reads no class's view
    with pytest.raises(StoreError, match="trainee's login"):
        instructor.class_report(site.url_of("lin"), "A", [deck])


def test_the_administrator_reads_any_class(school):
    site, deck, _said, _ = school
    a = instructor.class_report(site.url, "A", [deck], now=NOW, rules=RULES)
    ann = instructor.class_report(site.url_of("ann"), "A", [deck], now=NOW, rules=RULES)
    assert a.as_json() == ann.as_json()



def test_the_class_view_reads_one_class_or_what_the_login_may_read(school):
    from drill.core import class_view

    site, _deck, _said, _ = school
    a = site.owner_sql("SELECT class_id FROM classes WHERE name = 'A'")[0][0]
    names = sorted(site.name(s) for s in ("lin", "wu", MEI))
    assert [t.trainee for t in class_view.class_view(site.url, class_id=a).trainees] == names
    assert [t.trainee for t in class_view.class_view(site.url_of("ann")).trainees] == names
    assert [t.trainee for t in class_view.class_view(site.url_of("bo"), class_id=a).trainees] == []


# --- the screen ----------------------------------------------------------------

def rows_of(table) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


async def test_an_instructors_login_opens_the_app_on_their_classs_view(school, monkeypatch, tmp_path):
    from conftest import until

    from drill.tui.app import make_app
    from drill.tui.screens.decks import mastery_bar
    from drill.tui.screens.instructor import InstructorScreen

    site, deck, _said, _ = school
    monkeypatch.setenv("DRILL_STORE", site.url_of("ann"))
    expected = instructor.class_report(site.url_of("ann"), "A", [deck])
    app = make_app([tmp_path / "decks"])
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen) and app.screen.report is not None,
                    what="the instructor's view")
        screen = app.screen
        assert app.progress is None  # an instructor records no progress
        names = {short: site.name(short) for short in ("lin", "wu", MEI)}
        mastery = rows_of(screen.query_one("#mastery-table"))
        # a row per trainee of A (the hostile name shown as it is), then the class's
        assert [row[0] for row in mastery] == [*sorted(names.values()), "class"]
        for short in ("lin", "wu"):
            states = own_cards(site, short)
            share = sum(1 for s in states if s.stability >= MASTERED_DAYS) / len(deck.cards())
            row = next(r for r in mastery if r[0] == names[short])
            assert row[1] == str(mastery_bar(share))
        assert site.name("zhao") not in str(mastery)
        await pilot.press("2")
        risks = {row[0]: row[1] for row in rows_of(screen.query_one("#risk-table"))}
        assert set(risks) == set(names.values())
        assert "retention 50% in the last 7 days, down from 100%" in risks[names["lin"]]
        assert risks[names["wu"]] == "no answers for 40 days (last on " \
                                     f"{(TODAY - dt.timedelta(days=40)).isoformat()})"
        assert risks[names[MEI]] == "no answers yet"
        await pilot.press("3")
        weak = rows_of(screen.query_one("#weak-table"))
        assert ["confused", "1×", "三个习惯 confused with 两项工作", "1"] in weak
        assert len([r for r in weak if r[0] == "item"]) == len(expected.weakest_items)
        await pilot.press("4")
        (work,) = rows_of(screen.query_one("#work-table"))
        assert work == [deck.title, (TODAY - dt.timedelta(days=10)).isoformat(), "1 of 3", "2 of 3"]
        per = {row[0]: row[1] for row in rows_of(screen.query_one("#work-trainees"))}
        assert per == {names["lin"]: "8 of 8 ✓", names["wu"]: "3 of 8", names[MEI]: "0 of 8"}
        assert screen.query_one(TabbedContent).active == "work"


async def test_the_administrator_views_a_class_and_goes_to_the_next(school, monkeypatch, tmp_path):
    from conftest import until

    from drill.tui.app import make_app
    from drill.tui.screens.instructor import InstructorScreen

    site, _deck, _said, _ = school
    app = make_app([tmp_path / "decks"], class_name="A")
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen) and app.screen.report is not None,
                    what="the class's view")
        assert app.screen.report.class_name == "A" and len(app.screen.report.trainees) == 3
        await pilot.press("c")
        await until(pilot, lambda: app.screen.report is not None and app.screen.report.class_name == "B",
                    what="the next class")
        assert [r[0] for r in rows_of(app.screen.query_one("#mastery-table"))] == [site.name("zhao"), "class"]


# --- the command and its exports ----------------------------------------------

def run(capsys, *args: str) -> tuple[int, str, str]:
    from drill import cli

    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_class_report_command_prints_what_the_screen_shows(school, monkeypatch, capsys, tmp_path):
    import json

    site, deck, _said, _ = school
    monkeypatch.setenv("DRILL_STORE", site.url_of("ann"))
    code, out, err = run(capsys, "--decks", str(tmp_path / "decks"), "class", "report", "A", "--json")
    assert code == 0, err
    got = json.loads(out)
    want = instructor.class_report(site.url_of("ann"), "A", [deck]).as_json()
    for key in ("trainees", "mastery", "weakest_items", "confusions", "assignments", "at_risk"):
        assert got[key] == want[key], key
    assert got["assignments"][0]["completed"] == 1 and got["trainees"][0] == site.name(MEI)
    code, out, err = run(capsys, "--decks", str(tmp_path / "decks"), "class", "report", "A")
    assert code == 0 and f"{deck.title} due {(TODAY - dt.timedelta(days=10)).isoformat()}: 1 of 3 completed" in out
    # B's instructor: one line, no traceback; a trainee likewise
    monkeypatch.setenv("DRILL_STORE", site.url_of("bo"))
    code, out, err = run(capsys, "class", "report", "A", "--json")
    assert code == 1 and out == "" and err.count("\n") == 1 and "no class 'A'" in err
    monkeypatch.setenv("DRILL_STORE", site.url_of("lin"))
    code, out, err = run(capsys, "class", "report", "A")
    assert code == 1 and err.count("\n") == 1 and "trainee's login" in err
    # the app's view needs a terminal; without one, one line
    code, out, err = run(capsys, "class", "view", "A")
    assert code == 1 and err.count("\n") == 1 and "needs a terminal" in err


def test_the_class_report_exports_to_csv_json_and_a_self_contained_html_page(school, monkeypatch, capsys,
                                                                              tmp_path):
    import csv
    import json
    import re

    site, deck, _said, _ = school
    # a hostile item tally: markup and a formula, as a deck or an answer could hold them
    lin = site.owner_sql("SELECT trainee FROM people WHERE login = %s", site.name("lin"))[0][0]
    site.owner_sql("INSERT INTO items (org, trainee, fw, item, deck, seen, missed) "
                   "VALUES ('default', %s, 'abb-1', '=HYPERLINK(\"x\")<script>', %s, 9, 9)", lin, deck.id)
    monkeypatch.setenv("DRILL_STORE", site.url_of("ann"))
    decks_dir = str(tmp_path / "decks")
    out_csv, out_json, out_html = tmp_path / "a.csv", tmp_path / "a.json", tmp_path / "a.html"
    for fmt, path in (("csv", out_csv), ("json", out_json), ("html", out_html)):
        code, out, err = run(capsys, "--decks", decks_dir, "class", "report", "A", "--format", fmt,
                             "--output", str(path))
        assert code == 0, err
    # CSV: one row per trainee, read back; cells a spreadsheet would run get an apostrophe
    with open(out_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["trainee"] for r in rows] == sorted(site.name(s) for s in ("lin", "wu", MEI))
    by_name = {r["trainee"]: r for r in rows}
    assignment = f"assignment: {deck.title} (due {(TODAY - dt.timedelta(days=10)).isoformat()})"
    assert by_name[site.name("lin")][assignment] == "8 of 8 (completed)"
    assert by_name[site.name("wu")][assignment] == "3 of 8"
    assert by_name[site.name("wu")]["overdue"] == "3"
    states = own_cards(site, "lin")
    mastered = sum(1 for s in states if s.stability >= MASTERED_DAYS)
    assert float(by_name[site.name("lin")][f"mastery: {deck.title}"]) == round(mastered / 8, 4)
    assert "no answers yet" in by_name[site.name(MEI)]["at_risk"]
    # JSON: the report's keys
    data = json.loads(out_json.read_text("utf-8"))
    assert set(data) >= {"class", "trainees", "mastery", "at_risk", "weakest_items", "confusions", "assignments",
                         "exams"}
    assert data["weakest_items"][0]["item"] == '=HYPERLINK("x")<script>'
    # HTML: the data escaped, the charts inline SVG, nothing fetched from anywhere
    page = out_html.read_text("utf-8")
    assert "&lt;BR&gt;[bold]mei" in page and "<BR>" not in page
    assert "=HYPERLINK(&quot;x&quot;)&lt;script&gt;" in page and "<script" not in page
    assert page.count("<svg") >= 3  # mastery, weakest items, assignments
    assert "课堂&lt;BR&gt;[bold]练习" in page.split("<svg", 1)[1]  # the deck's title, as the chart's text
    assert not re.search(r"https?:|//[a-z]|<link|<img|<iframe|src=", page, re.I)


def test_without_the_chart_library_html_is_one_line_naming_the_extra(school, monkeypatch, capsys, tmp_path):
    import sys

    site, _deck, _said, _ = school
    monkeypatch.setenv("DRILL_STORE", site.url_of("ann"))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    out_html = tmp_path / "a.html"
    code, out, err = run(capsys, "class", "report", "A", "--format", "html", "--output", str(out_html))
    assert code == 1 and err.count("\n") == 1 and "pip install 'tifa-drill[report]'" in err, err
    assert not out_html.exists()
    code, out, err = run(capsys, "class", "report", "A", "--format", "csv", "--output", str(tmp_path / "a.csv"))
    assert code == 0 and (tmp_path / "a.csv").is_file()
    code, out, err = run(capsys, "class", "report", "A", "--format", "csv")
    assert code == 1 and "go together" in err


# --- exams ----------------------------------------------------------------------

@pytest.fixture
def examined(school):
    """The exam "mid" of class A (two recall questions), taken by lin (both
    right), wu (one wrong, one confused) and a trainee whose name is a
    formula; mei never starts it. B has an exam of its own, taken by zhao."""
    import psycopg

    from drill.core import pg_exam
    from drill.core.roster import Entry

    site, deck, said, _ = school
    formula = f"=2+3<b>{site.prefix}"  # a login whose name a spreadsheet would run
    (added,) = pg_classes.add_members(site.url, "A", [Entry(formula, Role.TRAINEE, None, 0)])
    pg_exam.create(site.url_of("ann"), "A", "mid", [deck], 2, ("recall",), 20, seed=5)
    pg_exam.create(site.url_of("bo"), "B", "mid", [deck], 2, ("recall",), 20, seed=5)
    intruders = Intruders([deck], reference=[])
    given: dict[str, list] = {}
    typed = {
        "lin": lambda q: "\n".join(q.card.answer),
        "wu": lambda q: "<BR>[bold]不知道" if q.card.framework == "enu-1" else "守时间\n多读原文",
        formula: lambda q: "=1+1",
        "zhao": lambda q: "\n".join(q.card.answer),
    }
    try:
        for who, answer in typed.items():
            url = (site.server.url(schema=site.schema, user=formula, password=added.password) if who == formula
                   else site.url_of(who))
            attempt = pg_exam.start(url, "mid")
            try:
                given[who] = [attempt.answer(q, answer(q), 5.0, intruders=intruders) for q in attempt.questions]
                attempt.finish()
            finally:
                attempt.close()
        yield site, deck, given, formula
    finally:
        with psycopg.connect(site.server.url(schema=site.schema), autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("DROP OWNED BY {}").format(psycopg.sql.Identifier(formula)))
            conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(formula)))


def test_the_class_view_holds_its_exams_results_as_answered(examined):
    from drill.core.grading import Verdict

    site, deck, given, formula = examined
    report = instructor.class_report(site.url_of("ann"), "A", [deck], now=NOW)
    (results,) = report.exams
    scores = {t.trainee: t for t in results.trainees}
    names = {site.name(s): s for s in ("lin", "wu", MEI)}
    assert set(scores) == {*names, formula}  # A's trainees only: zhao took B's exam
    for name, short in [*names.items(), (formula, formula)]:
        answers = given.get(short, [])
        assert scores[name].points == round(sum(a.score for a in answers), 4)
        assert scores[name].correct == sum(1 for a in answers if a.verdict == Verdict.CORRECT)
    assert scores[site.name("lin")].percent == 100.0
    assert scores[site.name(MEI)].answered == 0
    enu = next(i for i in results.items if i.question.card.framework == "enu-1")
    assert (enu.attempted, enu.correct) == (3, 1)
    assert {c.text: c.count for c in enu.wrong_answers} == {"<BR>[bold]不知道": 1, "=1+1": 1}
    abb = next(i for i in results.items if i.question.card.framework == "abb-1")
    assert [(c.text, c.count) for c in abb.confusions] == [("两项工作", 1)]
    # B's instructor sees B's exam alone, with zhao's score only
    (theirs,) = instructor.class_report(site.url_of("bo"), "B", [deck], now=NOW).exams
    assert [(t.trainee, t.percent) for t in theirs.trainees] == [(site.name("zhao"), 100.0)]


async def test_the_exams_tab_shows_the_scores_and_the_item_analysis(examined, monkeypatch, tmp_path):
    from conftest import until

    from drill.tui.app import make_app
    from drill.tui.screens.instructor import InstructorScreen

    site, deck, given, formula = examined
    monkeypatch.setenv("DRILL_STORE", site.url_of("ann"))
    app = make_app([tmp_path / "decks"])
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen) and app.screen.report is not None,
                    what="the instructor's view")
        await pilot.press("5")
        screen = app.screen
        assert screen.query_one(TabbedContent).active == "exams"
        percents = [round(100 * sum(a.score for a in given[who]) / 2, 1) for who in ("lin", "wu", formula)]
        assert rows_of(screen.query_one("#exam-table")) == [["mid", "2", "20", "3 of 4",
                                                              f"{sum(percents) / 3:.0f}%"]]  # mei did not start
        scores = {row[0]: row for row in rows_of(screen.query_one("#exam-scores"))}
        assert scores[site.name("lin")][1:4] == ["finished", "2 of 2", "100%"]
        assert scores[site.name(MEI)][1] == "not started"
        assert site.name("zhao") not in scores
        items = {row[0]: row for row in rows_of(screen.query_one("#exam-items"))}
        enu = next(i for i in instructor.class_report(site.url_of("ann"), "A", [deck]).exams[0].items
                   if i.question.card.framework == "enu-1")
        row = items[str(enu.question.position)]
        assert row[3] == "1 of 3" and "<BR>[bold]不知道 ×1" in row[4] and "=1+1 ×1" in row[4]


def test_an_exam_exports_to_csv_json_and_html(examined, monkeypatch, capsys, tmp_path):
    import csv
    import json
    import re

    site, deck, given, formula = examined
    monkeypatch.setenv("DRILL_STORE", site.url_of("ann"))
    paths = {fmt: tmp_path / f"mid.{fmt}" for fmt in ("csv", "json", "html")}
    for fmt, path in paths.items():
        code, out, err = run(capsys, "exam", "export", "mid", "--format", fmt, "--output", str(path))
        assert code == 0, err
    with open(paths["csv"], encoding="utf-8-sig", newline="") as fh:
        rows = {r["trainee"]: r for r in csv.DictReader(fh)}
    # the formula's name gets its apostrophe; everyone of A is there, no one of B
    assert set(rows) == {"'" + formula, *(site.name(s) for s in ("lin", "wu", MEI))}
    assert (rows[site.name("lin")]["points"], rows[site.name("lin")]["percent"]) == ("2.0", "100.0")
    assert rows["'" + formula]["correct"] == "0" and rows[site.name(MEI)]["status"] == "not started"
    data = json.loads(paths["json"].read_text("utf-8"))
    assert set(data) == {"exam", "trainees", "items"} and data["exam"]["name"] == "mid"
    assert [i["attempted"] for i in data["items"]] == [3, 3]
    page = paths["html"].read_text("utf-8")
    assert "&lt;BR&gt;[bold]不知道 ×1" in page and "<BR>" not in page and "&lt;b&gt;" in page
    assert page.count("<svg") == 2  # the scores, and who got each question
    assert not re.search(r"https?:|//[a-z]|<link|<img|<iframe|<script|src=", page, re.I)
    # B's instructor cannot export A's exam; one line
    monkeypatch.setenv("DRILL_STORE", site.url_of("bo"))
    code, out, err = run(capsys, "exam", "export", "mid", "--class", "A", "--format", "json",
                         "--output", str(tmp_path / "b.json"))
    assert code == 1 and err.count("\n") == 1 and not (tmp_path / "b.json").exists()
    # the class's report holds the exam too
    monkeypatch.setenv("DRILL_STORE", site.url_of("ann"))
    code, out, err = run(capsys, "--decks", str(tmp_path / "decks"), "class", "report", "A", "--json")
    assert json.loads(out)["exams"][0]["exam"]["name"] == "mid"
    code, out, err = run(capsys, "--decks", str(tmp_path / "decks"), "class", "report", "A")
    assert code == 0 and "exam mid: 2 questions, 3 of 4 started" in out
    assert f"  {site.name('lin')}  2 of 2 (100%), finished" in out
