"""Each trainee's progress at a glance, over many trainees at once.

For each trainee: the reviews recorded (from the day tallies, learning
steps left out), the cards with a state, the cards due now, and the
retention over the last :data:`RECENT_DAYS` days (reviews passed over
reviews); and the same over them all. On a server store it is one query
(every table's key starts with ``(org, trainee, …)``: no scan of another
org's rows) over the trainees of one class (``class_id``, the classes of
schema version 2 on), or, without a class, over every trainee of the org
that the login may read (row-level security decides: an instructor's, the
trainees of the classes they teach). :func:`folders_view` gives the same
over TinyDB stores (copies of trainees' ``DRILL_HOME`` folders), read one
by one. The instructor's screen reads a class through instructor.py,
which holds the class's mastery, risks, weak items and work.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

RECENT_DAYS = 30


@dataclass(frozen=True, slots=True)
class TraineeProgress:
    trainee: str
    reviews: int  # reviews recorded, all time (learning steps left out)
    cards: int  # cards with a state (seen at least once)
    due: int  # cards due now
    recent_reviews: int  # reviews in the last RECENT_DAYS days
    recent_passed: int  # of which passed
    last_active: float | None  # epoch seconds of the last change (None: never)

    @property
    def retention(self) -> float | None:
        return self.recent_passed / self.recent_reviews if self.recent_reviews else None


@dataclass(frozen=True, slots=True)
class ClassView:
    trainees: list[TraineeProgress] = field(default_factory=list)

    @property
    def reviews(self) -> int:
        return sum(t.reviews for t in self.trainees)

    @property
    def due(self) -> int:
        return sum(t.due for t in self.trainees)

    @property
    def retention(self) -> float | None:
        done = sum(t.recent_reviews for t in self.trainees)
        return sum(t.recent_passed for t in self.trainees) / done if done else None

    def as_json(self) -> dict:
        return {"trainees": [{"trainee": t.trainee, "reviews": t.reviews, "cards": t.cards, "due": t.due,
                              "retention": t.retention, "last_active": t.last_active} for t in self.trainees],
                "reviews": self.reviews, "due": self.due, "retention": self.retention}


_CLASS_QUERY = """
WITH t AS (SELECT trainee, name, extract(epoch FROM active)::float8 AS active
           FROM trainees WHERE org = %(org)s AND (%(class)s::bigint IS NULL OR trainee IN (
               SELECT p.trainee FROM class_members m JOIN people p ON p.org = m.org AND p.person = m.person
               WHERE m.org = %(org)s AND m.class_id = %(class)s AND m.role = 'trainee'))),
     c AS (SELECT trainee, count(*) AS cards, count(*) FILTER (WHERE due <= %(now)s) AS due
           FROM cards WHERE org = %(org)s GROUP BY trainee),
     d AS (SELECT trainee, sum(reviews) AS reviews,
                  sum(reviews) FILTER (WHERE day >= %(since)s) AS recent,
                  sum(passed) FILTER (WHERE day >= %(since)s) AS passed
           FROM days WHERE org = %(org)s GROUP BY trainee)
SELECT t.name, coalesce(d.reviews, 0), coalesce(c.cards, 0), coalesce(c.due, 0),
       coalesce(d.recent, 0), coalesce(d.passed, 0), t.active
FROM t LEFT JOIN c USING (trainee) LEFT JOIN d USING (trainee)
ORDER BY t.name
"""


def _since(now: float) -> str:
    return (dt.datetime.fromtimestamp(now).date() - dt.timedelta(days=RECENT_DAYS - 1)).isoformat()


def class_view(url: str, org: str | None = None, class_id: int | None = None,
               now: float | None = None) -> ClassView:
    """The progress of the class ``class_id`` (None: of every trainee of
    ``org`` the login may read) on the server at ``url``."""
    from drill.core import pg_engine

    now = time.time() if now is None else now
    shown = pg_engine.where(url)
    with contextlib.closing(pg_engine.connect(url)) as conn, pg_engine._server(shown):
        if not pg_engine.schema_version(conn):
            return ClassView()
        if class_id is not None and pg_engine.schema_version(conn) < 2:
            return ClassView()  # no classes before version 2
        rows = conn.execute(_CLASS_QUERY, {"org": org or pg_engine.DEFAULT_ORG, "now": now, "class": class_id,
                                           "since": _since(now)}).fetchall()
    return ClassView([TraineeProgress(name, int(reviews), int(cards), int(due), int(recent), int(passed), active)
                      for name, reviews, cards, due, recent, passed, active in rows])


def folders_view(folders: list[Path], now: float | None = None) -> ClassView:
    """The same view over TinyDB stores (one folder per trainee), each opened read-only."""
    from drill.core.store import Store

    now = time.time() if now is None else now
    since = _since(now)
    out = []
    for folder in folders:
        store = Store.open_readonly(folder)
        try:
            days = store.days()
            cards = store.cards()
            recent = [d for d in days if d.day >= since]
            modified = (folder / "trainee.json").stat().st_mtime if (folder / "trainee.json").exists() else None
            out.append(TraineeProgress(store.name, int(sum(d.reviews for d in days)), len(cards),
                                       sum(1 for c in cards if c.due <= now),
                                       int(sum(d.reviews for d in recent)), int(sum(d.passed for d in recent)),
                                       modified))
        finally:
            store.close()
    return ClassView(sorted(out, key=lambda t: t.trainee))
