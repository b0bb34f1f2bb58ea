"""The instructor's view of a class on a real PostgreSQL server (tests/pg.py),
read through each instructor's own login: an instructor of class A sees
A's trainees and no one else's, an instructor of B sees nothing of A, and
every figure is checked against the answers the test records."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
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
