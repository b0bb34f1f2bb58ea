"""The records of a progress store, and the shape of each, checked as it is read.

The records
-----------
The progress rules (store.py) and every reader of a store (stats, report,
the TUI) work with these typed records: a card's state, a review, a day's
tally and an item's tally. An engine (engine.py) stores them however it
likes; the TinyDB engine keeps each as a JSON document of the same fields.

The checks
----------

A store file is JSON lines, and a line can be valid JSON of the wrong shape
(``["cards", 999, {"x": 1}]``): a card with no due date, a tally that is a
string. Every document is checked here while its file is parsed, so a bad
one is reported as ``FILE:LINE`` before anything reads it, and nothing
later needs to guard against a missing key or a wrong type.

Each table has its fields: those every document must have, and those an
older drill did not write (checked when present).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from drill.core.grading import Override, Verdict
from drill.core.scheduler import Rating

_R = TypeVar("_R", bound="_Record")


class _Record:
    """A record made from, and written as, a document of its fields."""

    __slots__ = ()
    _names: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_doc(cls: type[_R], doc: dict[str, Any]) -> _R:
        names = cls._names or _field_names(cls)
        return cls(**{k: doc[k] for k in names if k in doc})

    def as_doc(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (self._names or _field_names(type(self)))}


def _field_names(cls) -> tuple[str, ...]:
    cls._names = tuple(f.name for f in dataclasses.fields(cls))
    return cls._names


@dataclass(slots=True)
class CardState(_Record):
    """Where a card stands: its fsrs state, when it is due, and its tallies."""

    card: str
    deck: str
    fw: str
    kind: str
    fsrs: dict[str, Any]
    due: float
    reps: int
    lapses: int
    first: float
    last: float
    stability: float = 0.0
    seq: int = 0  # the number of the last answer applied to it
    amends: int = 0  # how many of its reviews were overridden


# a member by its value, faster than calling the enum for every review read
_VERDICT_OF = {v.value: v for v in Verdict}
_RATING_OF = {r.value: r for r in Rating}
_OVERRIDE_OF = {o.value: o for o in Override}


@dataclass(slots=True)
class Review(_Record):
    """One answer, as the log keeps it.

    An override is a review of its own, appended to the log: a copy of the
    review it amends (``amends`` holds that review's number) with the new
    judgement; an undo is such a copy marked ``undone``. The log is
    append-only; :func:`effective` folds each amendment into the review it
    amends.
    """

    card: str
    deck: str
    fw: str
    kind: str
    at: float
    items: list[list[str]]  # [expected, typed, item verdict] per item
    score: float
    verdict: Verdict
    rating: Rating
    seconds: float
    typed: str = ""
    extra: list[str] = field(default_factory=list)
    hints: int = 0
    overridden: Override = Override.NONE
    seq: int = 0
    amends: int = 0  # the number of the review this one replaces (0: none)
    new: bool | None = None  # the card had no state before this answer
    mature: bool | None = None  # the card's interval was mature before this answer
    undone: bool = False  # an amendment that takes the answer back (the trainee's undo)
    # pieces typed that are items of other frameworks: [typed, that framework's name]
    intrusions: list[list[str]] = field(default_factory=list)
    # the learning stage (learning.Stage) the card was asked at; "" for a review of the scheduler's
    stage: str = ""
    # the answer's own id (a uuid the client makes), so a server records an answer sent twice once;
    # "" in the logs of an older drill
    id: str = ""

    def __post_init__(self) -> None:
        # read back from the log they are the plain string and number the checks below let through
        self.verdict = _VERDICT_OF[self.verdict]
        self.rating = _RATING_OF[self.rating]
        self.overridden = _OVERRIDE_OF[self.overridden]


@dataclass(slots=True)
class DayTally(_Record):
    day: str
    reviews: float = 0
    passed: float = 0
    mature: float = 0
    mature_passed: float = 0
    seconds: float = 0.0
    new: float = 0
    learning: float = 0  # learning steps answered (first sights, choices, clozes): no reviews


@dataclass(slots=True)
class ConfusionTally(_Record):
    """How often a framework's answers held items of another (by its name)."""

    fw: str
    deck: str
    other: str
    count: float = 0


@dataclass(slots=True)
class FrameworkStage(_Record):
    """Where a framework stands in being learned (learning.Stage): the stage
    after each of its learning answers, by the answer's number, the last one
    counting; an override or undo of one answer changes or drops its step."""

    fw: str
    deck: str
    steps: list[list[Any]] = field(default_factory=list)  # [answer number, stage after it]

    @property
    def stage(self) -> str:
        return self.steps[-1][1] if self.steps else ""


@dataclass(slots=True)
class ItemTally(_Record):
    fw: str
    deck: str
    item: str
    seen: float = 0
    missed: float = 0


def effective(reviews) -> list[Review]:
    """The answers of ``reviews`` (in log order) as they now stand: each
    amendment in place of the review it amends, at that review's place and
    number; an answer taken back (undone) left out."""
    out: dict[int, Review] = {}
    for review in reviews:
        if review.amends and review.undone:
            out.pop(review.amends, None)
        elif review.amends and review.amends in out:
            out[review.amends] = dataclasses.replace(review, seq=review.amends, amends=0)
        elif review.amends:
            continue  # amends a review no longer in the log
        else:
            out[review.seq or -len(out) - 1] = review
    return list(out.values())

_NUMBER = (int, float)


def _number(value) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value) -> bool:
    return isinstance(value, str)


# the latest moment a date can hold (9999-12-31): a time past it is damage
_TIME_MAX = 253402300799.0


def _time(value) -> bool:
    """Seconds since the epoch that make a date."""
    return _number(value) and 0 <= value <= _TIME_MAX


def _iso_time(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _day(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _count(value) -> bool:
    """A finite number (a tally, a score, seconds)."""
    return _number(value) and -_TIME_MAX <= value <= _TIME_MAX


def _maybe_number(value) -> bool:
    return value is None or _count(value)


# fsrs's own Card.to_dict(): what scheduler.review reads back
_FSRS_FIELDS = {"state": lambda v: _whole(v) and 1 <= v <= 3, "due": _iso_time,
                "stability": _maybe_number, "difficulty": _maybe_number}


def _fsrs_state(value) -> bool:
    if not isinstance(value, dict):
        return False
    if not all(key in value and check(value[key]) for key, check in _FSRS_FIELDS.items()):
        return False
    step, last = value.get("step"), value.get("last_review")
    return (step is None or _whole(step)) and (last is None or _iso_time(last))


def _graded_items(value) -> bool:
    return isinstance(value, list) and all(
        isinstance(i, list) and len(i) == 3 and all(isinstance(x, str) for x in i) for i in value)


def _pairs(value) -> bool:
    return isinstance(value, list) and all(
        isinstance(i, list) and len(i) == 2 and all(isinstance(x, str) for x in i) for i in value)


def _texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _rating(value) -> bool:
    return _whole(value) and 1 <= value <= 4


_VERDICTS = frozenset(Verdict)
_OVERRIDES = frozenset(Override)


def _verdict(value) -> bool:
    return isinstance(value, str) and value in _VERDICTS


def _override(value) -> bool:
    return isinstance(value, str) and value in _OVERRIDES


def _flag(value) -> bool:
    return isinstance(value, bool)


def _buried(value) -> bool:
    """Card ids, each with the day it was buried."""
    return isinstance(value, dict) and all(isinstance(k, str) and _day(v) for k, v in value.items())


def _settings(value) -> bool:
    """The trainee's settings (scheduler.Settings): a value out of range reads
    as its default, but a theme that is not a name is damage."""
    return isinstance(value, dict) and ("theme" not in value or isinstance(value["theme"], str))


_STAGES = frozenset({"", "show", "choice", "cloze", "recall", "learned"})


def _stage(value) -> bool:
    return isinstance(value, str) and value in _STAGES


def _steps(value) -> bool:
    return isinstance(value, list) and all(
        isinstance(step, list) and len(step) == 2 and isinstance(step[0], int) and not isinstance(step[0], bool)
        and _stage(step[1]) and step[1] for step in value)


def _anything(value) -> bool:
    return True


# table -> (required fields, optional fields), each field -> its check
TRAINEE_TABLES: dict[str, tuple[dict, dict]] = {
    "cards": ({"card": _text, "deck": _text, "fw": _text, "kind": _text, "fsrs": _fsrs_state,
               "due": _time, "reps": _whole, "lapses": _whole, "first": _time, "last": _time},
              {"stability": _count, "seq": _whole, "amends": _whole}),
    "days": ({"day": _day, "reviews": _count},
             {"passed": _count, "mature": _count, "mature_passed": _count, "seconds": _count,
              "new": _count, "learning": _count}),
    "items": ({"fw": _text, "deck": _text, "item": _text, "seen": _count, "missed": _count}, {}),
    "months": ({"month": _text, "last": _whole}, {"packed": _whole}),
    "confusions": ({"fw": _text, "deck": _text, "other": _text, "count": _count}, {}),
    "stages": ({"fw": _text, "deck": _text, "steps": _steps}, {}),
    "profile": ({"name": _text},
                {"settings": _settings, "created": _time, "seq": _whole, "seq_month": _text,
                 "more_new": _anything, "last_decks": _anything, "suspended": _texts,
                 "buried": _buried}),
}

REVIEW_TABLES: dict[str, tuple[dict, dict]] = {
    "reviews": ({"card": _text, "deck": _text, "fw": _text, "kind": _text, "at": _time,
                 "items": _graded_items, "score": _count, "verdict": _verdict, "rating": _rating,
                 "seconds": _count},
                {"typed": _text, "extra": _texts, "hints": _whole, "overridden": _override, "seq": _whole,
                 "amends": _whole, "new": _flag, "mature": _flag, "undone": _flag,
                 "intrusions": _pairs, "stage": _stage, "id": _text}),
}


_NUM = (int, float)
# each check as (the types it takes, the range of a number, a further check):
# a document is checked on types in one loop, the slow checks only where needed
_SPECS = {
    _text: ((str,), None, None, None), _whole: ((int,), None, None, None),
    _number: (_NUM, None, None, None), _count: (_NUM, -_TIME_MAX, _TIME_MAX, None),
    _time: (_NUM, 0, _TIME_MAX, None), _rating: ((int,), 1, 4, None),
    _day: ((str,), None, None, _day), _fsrs_state: ((dict,), None, None, _fsrs_state),
    _graded_items: ((list,), None, None, _graded_items), _texts: ((list,), None, None, _texts),
    _settings: ((dict,), None, None, _settings), _flag: ((bool,), None, None, None),
    _buried: ((dict,), None, None, _buried), _pairs: ((list,), None, None, _pairs),
    _verdict: ((str,), None, None, _verdict), _override: ((str,), None, None, _override),
    _stage: ((str,), None, None, _stage), _steps: ((list,), None, None, _steps),
}


def _compile(tables: dict[str, tuple[dict, dict]]) -> dict[str, tuple[list, list]]:
    return {name: ([(key, *_SPECS[check]) for key, check in required.items()],
                   [(key, *_SPECS[check]) for key, check in optional.items() if check in _SPECS])
            for name, (required, optional) in tables.items()}


_COMPILED: dict[int, dict[str, tuple[list, list]]] = {}


def problem(tables: dict[str, tuple[dict, dict]], row) -> str | None:
    """What is wrong with a store line ``row`` (already JSON), or None."""
    compiled = _COMPILED.get(id(tables))
    if compiled is None:
        compiled = _COMPILED[id(tables)] = _compile(tables)
    if type(row) is list and len(row) == 3 and type(row[1]) is int and row[1] > 0:
        doc = row[2]
        fields = compiled.get(row[0]) if type(row[0]) is str else None
        if fields is not None and type(doc) is dict:
            ok = True
            for key, kinds, low, high, check in fields[0]:
                value = doc.get(key, doc)  # the document itself stands for a missing field
                if type(value) not in kinds or (low is not None and not low <= value <= high) \
                        or (check is not None and not check(value)):
                    ok = False
                    break
            if ok:
                for key, kinds, low, high, check in fields[1]:
                    if key in doc:
                        value = doc[key]
                        if type(value) not in kinds or (low is not None and not low <= value <= high) \
                                or (check is not None and not check(value)):
                            ok = False
                            break
            if ok:
                return None
        elif fields is not None and doc is None:
            return None
    return _describe(tables, row)


def _describe(tables: dict[str, tuple[dict, dict]], row) -> str | None:
    """What is wrong with ``row``, in words (the slow, thorough check)."""
    if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str) and _whole(row[1])
            and (row[2] is None or isinstance(row[2], dict))):
        return "not a record (expected [table, id, document])"
    table, doc_id, doc = row
    fields = tables.get(table)
    if fields is None:
        return f"a record of an unknown table {table!r}"
    if doc_id < 1:
        return f"a {table} record with id {doc_id}"
    if doc is None:
        return None
    required, optional = fields
    for key, check in required.items():
        if key not in doc:
            return f"a {table} record without {key!r}"
        if not check(doc[key]):
            return f"a {table} record whose {key!r} is {_shown(doc[key])}"
    for key, check in optional.items():
        if key in doc and not check(doc[key]):
            return f"a {table} record whose {key!r} is {_shown(doc[key])}"
    return None


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
