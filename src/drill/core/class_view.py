"""The instructor's view of a class: each trainee's progress at a glance.

For each trainee of the class: the reviews recorded (from the day tallies,
learning steps left out), the cards with a state, the cards due now, and
the retention over the last :data:`RECENT_DAYS` days (reviews passed over
reviews); and the same over the whole class. On a server store it is one
query over the class's rows (every table's key starts with ``(org,
trainee, …)``: no scan of another org's rows), which the instructor's
screen calls; :func:`folders_view` gives the same over TinyDB stores
(copies of trainees' ``DRILL_HOME`` folders), read one by one.

Classes are not in the schema yet (version 1): until they are, a class is
every trainee of the organisation (``org``), and ``class_id`` is taken but
not yet used.
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
           FROM trainees WHERE org = %(org)s),
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
    """The class's progress on the server at ``url`` (see the module's
    docstring: for now every trainee of ``org``)."""
    from drill.core import pg_engine

    now = time.time() if now is None else now
    shown = pg_engine.where(url)
    with contextlib.closing(pg_engine.connect(url)) as conn, pg_engine._server(shown):
        if not pg_engine.schema_version(conn):
            return ClassView()
        rows = conn.execute(_CLASS_QUERY, {"org": org or pg_engine.DEFAULT_ORG, "now": now,
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
