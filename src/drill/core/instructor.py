"""The instructor's view of one class, read from the PostgreSQL server.

What it holds (:class:`ClassReport`, one record per part, each with
``as_json()``):

- **Mastery**, class × deck (:class:`MasteryTable`): for each trainee of the
  class and each deck, the share of the deck's cards the trainee has at a
  mastered state. A card is *mastered* when its FSRS stability is at least
  :data:`drill.core.scheduler.MASTERED_DAYS` (21) days, the same rule as a
  trainee's own stats and ``drill report``: the scheduler expects to keep it
  for three weeks or more. The share is over the cards of the deck as the
  deck file drill reads has them; a deck drill does not have here (no file)
  counts the most cards any trainee of the class has seen of it, and says so
  (``known`` false). The decks shown are the class's assigned decks (soonest
  due first), then every other deck a trainee of the class has cards of.
- **Trainees at risk** (:class:`AtRisk`), each with its reasons
  (:class:`Reason`), by the rules of :class:`RiskRules`: at least
  ``overdue_cards`` cards overdue (due more than ``overdue_grace_days`` ago);
  retention (answers passed, of all answers, from the day tallies) in the
  last ``recent_days`` days at least ``retention_drop`` below the
  ``before_days`` days before them, with at least ``min_reviews`` answers
  in each; no answer (review or learning step) in the last ``idle_days``
  days, or none ever.
- **The weakest items** (:class:`WeakItem`): the class's item tallies added
  up (seen, missed, and how many trainees missed it), the highest share
  missed first; and the **most frequent confusions**
  (:class:`ClassConfusion`): the confusion tallies added up, most first.
- **Assignment completion** (:class:`AssignmentCompletion`): for each of the
  class's assignments, each trainee's cards of its deck reviewed (a card
  with a schedule state: first sights and other learning steps alone do
  not count) by the end of the due day (local time), over the deck's cards.
  A trainee has *completed* it when every card of the deck was reviewed by
  then; *started* when at least one was, at any time.
- **Exam results** (exam.ExamResults, from pg_exam.py): for each of the
  class's exams, newest first, each trainee's score and each question's
  analysis.

Who sees what: everything is read on one connection as whoever the address
logs in as, so the server's row-level security (pg_access.py) decides: an
instructor reads only the classes they teach, and the administrator (the
tables' owner) every class. A trainee's login is refused. Every query names
the org and the class's trainees (or the class), so none scans another
class's or org's rows (each table's key starts ``(org, trainee, …)``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from drill.core.errors import StoreError
from drill.core.scheduler import MASTERED_DAYS

WEAKEST = 10  # weakest items and confusions shown
DAY_S = 86400.0


class Reason(enum.StrEnum):
    """Why a trainee is at risk."""

    OVERDUE = "overdue"
    FALLING_RETENTION = "falling retention"
    IDLE = "no activity"
    NEVER = "never answered"


@dataclass(frozen=True)
class RiskRules:
    """When a trainee is at risk (see the module's docstring)."""

    overdue_cards: int = 20
    overdue_grace_days: float = 1.0
    recent_days: int = 7
    before_days: int = 30
    retention_drop: float = 0.10
    min_reviews: int = 5
    idle_days: int = 7


@dataclass(frozen=True)
class DeckColumn:
    deck: str  # the deck's id
    title: str
    cards: int  # cards in the deck (see ``known``)
    known: bool  # the deck file is here; False: ``cards`` is the most any trainee has seen
    due: dt.date | None = None  # when it is assigned to the class: its due date

    def as_json(self) -> dict[str, Any]:
        return {"deck": self.deck, "title": self.title, "cards": self.cards, "known": self.known,
                "due": self.due.isoformat() if self.due else None}


@dataclass(frozen=True)
class MasteryCell:
    seen: int  # cards with a state
    mastered: int  # of which at a mastered state
    cards: int  # cards in the deck

    @property
    def share(self) -> float:
        return min(1.0, self.mastered / self.cards) if self.cards else 0.0

    def as_json(self) -> dict[str, Any]:
        return {"seen": self.seen, "mastered": self.mastered, "cards": self.cards, "mastery": round(self.share, 4)}


@dataclass(frozen=True)
class MasteryTable:
    decks: list[DeckColumn]
    trainees: list[str]  # the class's trainees, by name
    cells: dict[tuple[str, str], MasteryCell]  # (trainee, deck id) -> cell

    def cell(self, trainee: str, deck: str) -> MasteryCell:
        column = next((c for c in self.decks if c.deck == deck), None)
        return self.cells.get((trainee, deck), MasteryCell(0, 0, column.cards if column else 0))

    def class_share(self, deck: str) -> float:
        """The class's mastery of ``deck``: the mean of its trainees' shares (0 without trainees)."""
        if not self.trainees:
            return 0.0
        return sum(self.cell(t, deck).share for t in self.trainees) / len(self.trainees)

    def as_json(self) -> dict[str, Any]:
        return {"rule": f"a card is mastered at a stability of {MASTERED_DAYS:g} days or more; "
                        "a share is of the deck's cards",
                "decks": [{**c.as_json(), "class_mastery": round(self.class_share(c.deck), 4)} for c in self.decks],
                "trainees": [{"trainee": t, "decks": {c.deck: self.cell(t, c.deck).as_json() for c in self.decks}}
                             for t in self.trainees]}


@dataclass(frozen=True)
class Risk:
    reason: Reason
    said: str  # the reason in words, with its numbers

    def as_json(self) -> dict[str, Any]:
        return {"reason": self.reason.value, "said": self.said}


@dataclass(frozen=True)
class TraineeStanding:
    """One trainee's figures the risk rules read, and the reasons they are at risk (none: not at risk)."""

    trainee: str
    overdue: int
    due: int  # cards due now
    recent_reviews: int
    recent_passed: int
    before_reviews: int
    before_passed: int
    last_active: dt.date | None
    risks: list[Risk] = field(default_factory=list)

    @property
    def recent_retention(self) -> float | None:
        return self.recent_passed / self.recent_reviews if self.recent_reviews else None

    @property
    def before_retention(self) -> float | None:
        return self.before_passed / self.before_reviews if self.before_reviews else None

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)

    def as_json(self) -> dict[str, Any]:
        def rounded(x: float | None) -> float | None:
            return round(x, 4) if x is not None else None

        return {"trainee": self.trainee, "overdue": self.overdue, "due": self.due,
                "recent_reviews": self.recent_reviews, "recent_retention": rounded(self.recent_retention),
                "before_reviews": self.before_reviews, "before_retention": rounded(self.before_retention),
                "last_active": self.last_active.isoformat() if self.last_active else None,
                "reasons": [r.as_json() for r in self.risks]}


@dataclass(frozen=True)
class WeakItem:
    deck: str
    fw: str
    framework: str  # the framework's name (its id when the deck is not here)
    item: str
    seen: int
    missed: int
    trainees: int  # trainees who missed it at least once

    @property
    def miss_rate(self) -> float:
        return self.missed / self.seen if self.seen else 0.0

    def as_json(self) -> dict[str, Any]:
        return {"deck": self.deck, "fw": self.fw, "framework": self.framework, "item": self.item,
                "seen": self.seen, "missed": self.missed, "miss_rate": round(self.miss_rate, 4),
                "trainees": self.trainees}


@dataclass(frozen=True)
class ClassConfusion:
    deck: str
    fw: str
    framework: str  # the framework asked
    other: str  # the framework whose items were typed for it (its name)
    count: int
    trainees: int  # trainees who made it

    def as_json(self) -> dict[str, Any]:
        return {"deck": self.deck, "fw": self.fw, "framework": self.framework, "other": self.other,
                "count": self.count, "trainees": self.trainees}


@dataclass(frozen=True)
class TraineeWork:
    trainee: str
    reviewed: int  # cards of the deck reviewed by the end of the due day
    seen: int  # cards of the deck reviewed at any time
    cards: int

    @property
    def completed(self) -> bool:
        return self.cards > 0 and self.reviewed >= self.cards

    def as_json(self) -> dict[str, Any]:
        return {"trainee": self.trainee, "reviewed_by_due": self.reviewed, "seen": self.seen, "cards": self.cards,
                "completed": self.completed}


@dataclass(frozen=True)
class AssignmentCompletion:
    deck: str
    title: str
    due: dt.date
    cards: int
    known: bool  # the deck file is here (else ``cards`` is the most any trainee has seen)
    trainees: list[TraineeWork]

    @property
    def completed(self) -> int:
        return sum(1 for t in self.trainees if t.completed)

    @property
    def started(self) -> int:
        return sum(1 for t in self.trainees if t.seen)

    def as_json(self) -> dict[str, Any]:
        return {"deck": self.deck, "title": self.title, "due": self.due.isoformat(), "cards": self.cards,
                "known": self.known, "completed": self.completed, "started": self.started,
                "of": len(self.trainees), "trainees": [t.as_json() for t in self.trainees]}


@dataclass(frozen=True)
class ClassReport:
    class_name: str
    at: float  # when it was read (epoch seconds)
    rules: RiskRules
    mastery: MasteryTable
    standings: list[TraineeStanding]  # every trainee, by name
    weakest_items: list[WeakItem]
    confusions: list[ClassConfusion]
    assignments: list[AssignmentCompletion]
    exams: list[Any] = field(default_factory=list)  # exam.ExamResults of the class's exams, newest first

    @property
    def trainees(self) -> list[str]:
        return self.mastery.trainees

    @property
    def at_risk(self) -> list[TraineeStanding]:
        return [s for s in self.standings if s.at_risk]

    def as_json(self) -> dict[str, Any]:
        return {"class": self.class_name,
                "at": dt.datetime.fromtimestamp(self.at).astimezone().isoformat(timespec="seconds"),
                "trainees": self.trainees,
                "mastery": self.mastery.as_json(),
                "at_risk": [{"trainee": s.trainee, "reasons": [r.as_json() for r in s.risks]} for s in self.at_risk],
                "standings": [s.as_json() for s in self.standings],
                "risk_rules": {k: getattr(self.rules, k) for k in self.rules.__dataclass_fields__},
                "weakest_items": [w.as_json() for w in self.weakest_items],
                "confusions": [c.as_json() for c in self.confusions],
                "assignments": [a.as_json() for a in self.assignments],
                "exams": [e.as_json() for e in self.exams]}


# --------------------------------------------------------------------------
# reading it


def _deck_info(decks: Iterable | None) -> tuple[dict[str, str], dict[str, int], dict[str, str]]:
    """(titles, card counts, framework names) of the decks drill has here."""
    titles: dict[str, str] = {}
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for deck in decks or []:
        titles[deck.id] = deck.title
        counts[deck.id] = len(deck.cards())
        for fw in deck.frameworks:
            names[fw.id] = fw.name
    return titles, counts, names


_TRAINEES = ("SELECT p.name, p.trainee FROM class_members m JOIN people p ON p.org = m.org AND p.person = m.person "
             "WHERE m.org = %(org)s AND m.class_id = %(class)s AND m.role = 'trainee' AND p.trainee IS NOT NULL "
             "ORDER BY p.name")
_CARDS = ("SELECT trainee, deck, count(*), count(*) FILTER (WHERE stability >= %(mastered)s), "
          "count(*) FILTER (WHERE due <= %(overdue)s), count(*) FILTER (WHERE due <= %(now)s) "
          "FROM cards WHERE org = %(org)s AND trainee = ANY(%(ids)s) GROUP BY trainee, deck")
_DAYS = ("SELECT trainee, max(day) FILTER (WHERE reviews > 0 OR learning > 0), "
         "coalesce(sum(reviews) FILTER (WHERE day >= %(recent)s), 0), "
         "coalesce(sum(passed) FILTER (WHERE day >= %(recent)s), 0), "
         "coalesce(sum(reviews) FILTER (WHERE day >= %(before)s AND day < %(recent)s), 0), "
         "coalesce(sum(passed) FILTER (WHERE day >= %(before)s AND day < %(recent)s), 0) "
         "FROM days WHERE org = %(org)s AND trainee = ANY(%(ids)s) GROUP BY trainee")
_ITEMS = ("SELECT fw, item, min(deck), sum(seen), sum(missed), count(*) FILTER (WHERE missed > 0) "
          "FROM items WHERE org = %(org)s AND trainee = ANY(%(ids)s) GROUP BY fw, item HAVING sum(missed) > 0 "
          "ORDER BY sum(missed)::float8 / greatest(sum(seen), 1) DESC, sum(missed) DESC, item, fw LIMIT %(n)s")
_CONFUSIONS = ("SELECT fw, other, min(deck), sum(count), count(*) FILTER (WHERE count > 0) "
               "FROM confusions WHERE org = %(org)s AND trainee = ANY(%(ids)s) GROUP BY fw, other "
               "HAVING sum(count) > 0 ORDER BY sum(count) DESC, fw, other LIMIT %(n)s")
_ASSIGNED = "SELECT deck, due FROM assignments WHERE org = %(org)s AND class_id = %(class)s ORDER BY due, deck"
# each trainee's cards of each assigned deck: reviewed at all, and by the end of its due day
_WORK = ("SELECT a.deck, c.trainee, count(*), count(*) FILTER (WHERE c.first < a.until) "
         "FROM unnest(%(decks)s::text[], %(untils)s::float8[]) AS a(deck, until) "
         "JOIN cards c ON c.org = %(org)s AND c.trainee = ANY(%(ids)s) AND c.deck = a.deck "
         "GROUP BY a.deck, c.trainee")


def _end_of(day: dt.date) -> float:
    """The epoch seconds at which ``day`` ends, local time."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).timestamp()


@contextlib.contextmanager
def _reading(url: str) -> Iterator[tuple[Any, str, Any]]:
    """A connection for reading a class (its server as shown, the person it is or None for the owner)."""
    from drill.core import pg_access, pg_engine

    shown = pg_engine.where(url)
    with contextlib.closing(pg_engine.connect(url)) as conn, pg_engine._server(shown, "cannot read the class"):
        version = pg_engine.schema_version(conn)
        pg_engine._refuse_newer(version, shown)
        if version < 3:
            if version and pg_engine._is_owner(conn):
                pg_engine.migrate(conn, shown)
            else:
                raise StoreError("the server has no classes yet (make one with: drill class create NAME)"
                                 if not version else
                                 f"the server's drill schema is version {version}, older than this drill; "
                                 "ask its administrator to upgrade it", shown)
        me = pg_access.identity(conn)
        if me is not None and me.kind != pg_access.INSTRUCTOR:
            raise StoreError(f"{me.login} is a trainee's login: a class's view is its instructors' "
                             "(and the administrator's)", shown)
        yield conn, shown, me


def taught(url: str) -> list[str]:
    """The names of the classes the login may view: an instructor's, those
    they teach; the administrator's, every class of the default org."""
    from drill.core import pg_engine

    with _reading(url) as (conn, _shown, me):
        if me is None:
            rows = conn.execute("SELECT name FROM classes WHERE org = %s ORDER BY name",
                                (pg_engine.DEFAULT_ORG,)).fetchall()
        else:
            rows = conn.execute("SELECT c.name FROM classes c JOIN class_members m ON m.org = c.org "
                                "AND m.class_id = c.class_id WHERE m.org = %s AND m.person = %s "
                                "AND m.role = 'instructor' ORDER BY c.name", (me.org, me.person)).fetchall()
    return [str(row[0]) for row in rows]


def login(url: str):
    """The person (pg_access.Person) the login of ``url`` is: a trainee, an
    instructor, or None (the owner, or a server without people)."""
    from drill.core import pg_access, pg_engine

    shown = pg_engine.where(url)
    with contextlib.closing(pg_engine.connect(url)) as conn, pg_engine._server(shown):
        if pg_engine.schema_version(conn) < 2:
            return None
        return pg_access.identity(conn)


def class_report(url: str, class_name: str, decks: Iterable | None = None, now: float | None = None,
                 rules: RiskRules | None = None, weakest: int = WEAKEST) -> ClassReport:
    """The view of the class ``class_name`` as the login of ``url`` may read
    it; ``decks`` (those drill has here) give titles, card counts and
    framework names."""
    from drill.core import pg_engine

    now = time.time() if now is None else now
    rules = rules or RiskRules()
    titles, counts, names = _deck_info(decks)
    name = class_name.strip()
    with _reading(url) as (conn, shown, me):
        org = me.org if me is not None else pg_engine.DEFAULT_ORG
        row = conn.execute("SELECT class_id FROM classes WHERE org = %s AND name = %s", (org, name)).fetchone()
        if row is None:
            raise StoreError(f"no class {name!r} (or not one you teach)", shown)
        if me is not None and not conn.execute(
                "SELECT 1 FROM class_members WHERE org = %s AND class_id = %s AND person = %s AND role = 'instructor'",
                (org, row[0], me.person)).fetchone():
            raise StoreError(f"no class {name!r} (or not one you teach)", shown)
        params: dict[str, Any] = {"org": org, "class": int(row[0]), "n": weakest}
        people = conn.execute(_TRAINEES, params).fetchall()
        by_id = {int(t): str(n) for n, t in people}
        params["ids"] = list(by_id)
        today = dt.datetime.fromtimestamp(now).date()
        params.update(mastered=MASTERED_DAYS, now=now, overdue=now - rules.overdue_grace_days * DAY_S,
                      recent=today - dt.timedelta(days=rules.recent_days - 1),
                      before=today - dt.timedelta(days=rules.recent_days + rules.before_days - 1))
        cards = conn.execute(_CARDS, params).fetchall()
        days = conn.execute(_DAYS, params).fetchall()
        items = conn.execute(_ITEMS, params).fetchall()
        confusions = conn.execute(_CONFUSIONS, params).fetchall()
        assigned = [(str(deck), due) for deck, due in conn.execute(_ASSIGNED, params).fetchall()]
        params.update(decks=[d for d, _ in assigned], untils=[_end_of(due) for _, due in assigned])
        work = conn.execute(_WORK, params).fetchall() if assigned else []

    trainees = [by_id[t] for t in by_id]
    # mastery
    seen_most: dict[str, int] = {}
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    overdue: dict[str, int] = {}
    due_now: dict[str, int] = {}
    for trainee, deck, seen, mastered, late, due in cards:
        who = by_id[int(trainee)]
        cells[(who, deck)] = (int(seen), int(mastered))
        seen_most[deck] = max(seen_most.get(deck, 0), int(seen))
        overdue[who] = overdue.get(who, 0) + int(late)
        due_now[who] = due_now.get(who, 0) + int(due)

    def column(deck: str, due: dt.date | None = None) -> DeckColumn:
        known = deck in counts
        return DeckColumn(deck, titles.get(deck, deck), counts[deck] if known else seen_most.get(deck, 0), known, due)

    columns = [column(deck, due) for deck, due in assigned]
    listed = {deck for deck, _ in assigned}
    columns += sorted((column(deck) for deck in seen_most if deck not in listed), key=lambda c: (c.title, c.deck))
    size = {c.deck: c.cards for c in columns}
    mastery = MasteryTable(columns, trainees, {key: MasteryCell(seen, mastered, size[key[1]])
                                               for key, (seen, mastered) in cells.items()})
    # standings and risks
    tallies = {by_id[int(t)]: rest for t, *rest in days}
    standings = []
    for who in trainees:
        last, recent, passed, before, before_passed = tallies.get(who, (None, 0, 0, 0, 0))
        standing = TraineeStanding(who, overdue.get(who, 0), due_now.get(who, 0), int(recent), int(passed),
                                   int(before), int(before_passed), last)
        standings.append(dataclasses.replace(standing, risks=_risks(standing, rules, today)))
    weak = [WeakItem(str(deck), str(fw), names.get(fw, fw), str(item), int(seen), int(missed), int(who))
            for fw, item, deck, seen, missed, who in items]
    confused = [ClassConfusion(str(deck), str(fw), names.get(fw, fw), str(other), int(count), int(who))
                for fw, other, deck, count, who in confusions]
    done: dict[tuple[str, str], tuple[int, int]] = {(str(d), by_id[int(t)]): (int(s), int(r)) for d, t, s, r in work}
    assignments = []
    for deck, due in assigned:
        col = column(deck, due)
        assignments.append(AssignmentCompletion(
            deck, col.title, due, col.cards, col.known,
            [TraineeWork(who, done.get((deck, who), (0, 0))[1], done.get((deck, who), (0, 0))[0], col.cards)
             for who in trainees]))
    return ClassReport(name, now, rules, mastery, standings, weak, confused, assignments, _exams(url, name))


def _exams(url: str, class_name: str) -> list:
    """The results of the class's exams (pg_exam.py), newest first; none on a server without exams."""
    from drill.core import pg_exam

    return [pg_exam.results(url, listed.exam.name, class_name) for listed in pg_exam.listed(url, class_name)]


def _days(n: float) -> str:
    return f"{n:g} day" + ("" if n == 1 else "s")


def _percent(x: float) -> str:
    return f"{x:.0%}"


def _risks(s: TraineeStanding, rules: RiskRules, today: dt.date) -> list[Risk]:
    out = []
    if s.overdue >= rules.overdue_cards:
        out.append(Risk(Reason.OVERDUE, f"{s.overdue} cards overdue (due more than "
                                        f"{_days(rules.overdue_grace_days)} ago)"))
    recent, before = s.recent_retention, s.before_retention
    if (recent is not None and before is not None and s.recent_reviews >= rules.min_reviews
            and s.before_reviews >= rules.min_reviews and before - recent >= rules.retention_drop - 1e-9):
        out.append(Risk(Reason.FALLING_RETENTION,
                        f"retention {_percent(recent)} in the last {rules.recent_days} days, down from "
                        f"{_percent(before)} in the {rules.before_days} days before"))
    if s.last_active is None:
        out.append(Risk(Reason.NEVER, "no answers yet"))
    elif (today - s.last_active).days >= rules.idle_days:
        out.append(Risk(Reason.IDLE, f"no answers for {(today - s.last_active).days} days "
                                     f"(last on {s.last_active.isoformat()})"))
    return out
