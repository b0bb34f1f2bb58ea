"""Exams: the pure part (no server, no Textual).

An instructor defines an exam for a class: which decks, how many cards,
which card kinds, a time limit and a seed. Its questions are drawn once,
when it is defined, by :func:`draw` from the seed, and kept with it on the
server (pg_exam.py): every trainee gets the same questions, in the same
order, each a snapshot of its card (:class:`Question`), so a deck edited
later changes no exam already set.

An answer is graded by the drill's own grader (:func:`grade_answer`, the
same as :meth:`drill.core.session.Session.submit`) and kept as an
:class:`ExamAnswer`. Results are made of the answers by
:func:`results_of`: each trainee's score (:class:`TraineeScore`) and, for
each question, its item analysis (:class:`ItemAnalysis`): how many got it
of those who answered it, the most frequent wrong answers, the items most
often missed, and the frameworks it was confused with (the grader's
intrusions). Every record has ``as_json()``; its keys are promised to
other tools (exports, the instructor's screen).

``ExamResults.as_json()`` (what ``drill exam results --json`` prints):

    {"exam": {"name", "class", "decks", "count", "kinds", "minutes",
              "moves_schedule", "seed" (null for a trainee), "created"},
     "trainees": [{"trainee", "status", "answered", "correct", "points",
                   "total", "percent", "started", "finished"}, …]   best first
     "items": [{"position", "card", "deck", "framework", "framework_name",
                "kind", "prompt", "attempted", "correct", "facility",
                "mean_score", "wrong_answers": [{"text", "count"}, …],
                "missed_items": [{"text", "count"}, …],
                "confusions": [{"text", "count"}, …]}, …],          in order
     "regraded": only with results(…, regrade=True): how many answers kept
                 another grade than the grader gives what was typed}

Times are ISO 8601 with their offset; ``status`` is an AttemptStatus value.

Typed values
------------
:class:`Exam`        an exam's definition (``seed`` is None where the reader may not see it)
:class:`Question`    a question: its position and its card's snapshot
:class:`ExamAnswer`  one trainee's answer to one question, as graded
:class:`AttemptStatus`  not started / in progress / finished / time up
:class:`TraineeScore`, :class:`ItemAnalysis`, :class:`Counted`, :class:`ExamResults`
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from drill.core.deck import Card, Deck
from drill.core.errors import DrillError
from drill.core.grading import Grade, ItemVerdict, Verdict, key
from drill.core.session import Answered, grade_card

# the kinds of card an exam may ask (those the scheduler has; learning steps are not asked)
KINDS = ("recall", "cloze", "name", "order")
# how many of the most frequent wrong answers, missed items and confusions an item's analysis keeps
TOP = 5
SEED_LIMIT = 2**31  # a seed made for an exam is below this (it fits any integer column)
BLANK_ANSWER = "(blank)"


def points_shown(points: float) -> str:
    """Points as a score says them: 2, 1.5, 0.67 (two places at most)."""
    return f"{round(points, 2):g}"


class ExamError(DrillError):
    """An exam that cannot be defined, taken or answered as asked."""


class TimeUp(ExamError):
    """The exam's time is up (the server's clock says so): the answer is refused."""


class AttemptStatus(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    FINISHED = "finished"
    TIME_UP = "time up"


@dataclass(frozen=True)
class Exam:
    """An exam's definition."""

    name: str
    class_name: str
    decks: tuple[str, ...]  # deck ids
    count: int  # how many questions it asks (drawn when it was set)
    kinds: tuple[str, ...]
    minutes: int
    moves_schedule: bool  # its answers are also recorded as drill answers, moving the schedule
    seed: int | None = None  # None: not shown to this reader (a trainee)
    created: dt.datetime | None = None

    def as_json(self) -> dict:
        return {"name": self.name, "class": self.class_name, "decks": list(self.decks), "count": self.count,
                "kinds": list(self.kinds), "minutes": self.minutes, "moves_schedule": self.moves_schedule,
                "seed": self.seed, "created": self.created.isoformat() if self.created else None}


@dataclass(frozen=True)
class Question:
    """One question of an exam: its position (1…) and its card, as it was when the exam was set."""

    position: int
    card: Card
    framework_name: str = ""

    def as_doc(self) -> dict:
        """The card's snapshot, as the server keeps it (JSON)."""
        card = self.card
        return {"id": card.id, "deck": card.deck, "framework": card.framework, "kind": card.kind,
                "prompt": card.prompt, "answer": list(card.answer), "ordered": card.ordered,
                "context": card.context, "others": list(card.others), "stated_in": card.stated_in,
                "options": list(card.options), "framework_name": self.framework_name}

    @classmethod
    def from_doc(cls, position: int, doc: Mapping) -> Question:
        card = Card(id=str(doc["id"]), deck=str(doc["deck"]), framework=str(doc["framework"]),
                    kind=str(doc["kind"]), prompt=str(doc["prompt"]), answer=[str(a) for a in doc["answer"]],
                    ordered=bool(doc["ordered"]), context=str(doc.get("context", "")),
                    others=[str(o) for o in doc.get("others", [])], stated_in=str(doc.get("stated_in", "")),
                    options=[str(o) for o in doc.get("options", [])])
        return cls(position, card, str(doc.get("framework_name", "")))

    def as_json(self) -> dict:
        card = self.card
        return {"position": self.position, "card": card.id, "deck": card.deck, "framework": card.framework,
                "framework_name": self.framework_name, "kind": card.kind, "prompt": card.prompt}


@dataclass(frozen=True)
class ExamAnswer:
    """A trainee's answer to one question, as graded."""

    trainee: str
    position: int
    typed: str
    score: float  # the grader's, 0…1
    verdict: Verdict
    # each expected item: [expected, typed, verdict], as the review log keeps them
    items: tuple[tuple[str, str, str], ...] = ()
    confused: tuple[str, ...] = ()  # the frameworks (by name) a piece typed belongs to
    seconds: float = 0.0

    @classmethod
    def of(cls, trainee: str, position: int, answered: Answered) -> ExamAnswer:
        grade = answered.grade
        return cls(trainee, position, answered.typed, round(grade.score, 4), grade.verdict,
                   tuple((i.expected, i.typed, str(i.verdict)) for i in grade.items),
                   tuple(dict.fromkeys(i.framework for i in grade.intrusions)), round(answered.seconds, 2))

    def as_json(self) -> dict:
        return {"trainee": self.trainee, "position": self.position, "typed": self.typed, "score": self.score,
                "verdict": str(self.verdict), "items": [list(i) for i in self.items],
                "confused": list(self.confused), "seconds": self.seconds}


@dataclass(frozen=True)
class Counted:
    """Something found ``count`` times (a wrong answer, an item missed, a framework confused)."""

    text: str
    count: int

    def as_json(self) -> dict:
        return {"text": self.text, "count": self.count}


@dataclass(frozen=True)
class TraineeScore:
    """One trainee's result: ``points`` is the sum of the grader's scores
    (a close item counts half, as in the drill), out of ``total`` questions."""

    trainee: str
    status: AttemptStatus
    answered: int
    correct: int
    points: float
    total: int
    started: dt.datetime | None = None
    finished: dt.datetime | None = None

    @property
    def percent(self) -> float:
        return round(100 * self.points / self.total, 1) if self.total else 0.0

    def as_json(self) -> dict:
        return {"trainee": self.trainee, "status": str(self.status), "answered": self.answered,
                "correct": self.correct, "points": round(self.points, 4), "total": self.total,
                "percent": self.percent, "started": self.started.isoformat() if self.started else None,
                "finished": self.finished.isoformat() if self.finished else None}


@dataclass(frozen=True)
class ItemAnalysis:
    """One question across the trainees who answered it."""

    question: Question
    attempted: int  # trainees who answered it
    correct: int  # of them, answered right (the grader's verdict: correct)
    mean_score: float
    wrong_answers: tuple[Counted, ...] = ()  # the most frequent answers not right, as typed
    missed_items: tuple[Counted, ...] = ()  # the expected items most often not recalled
    confusions: tuple[Counted, ...] = ()  # the frameworks it was confused with, by name

    @property
    def facility(self) -> float:
        """The share of those who answered it who got it (0 when no one did)."""
        return self.correct / self.attempted if self.attempted else 0.0

    def as_json(self) -> dict:
        return {**self.question.as_json(), "attempted": self.attempted, "correct": self.correct,
                "facility": round(self.facility, 4), "mean_score": round(self.mean_score, 4),
                "wrong_answers": [c.as_json() for c in self.wrong_answers],
                "missed_items": [c.as_json() for c in self.missed_items],
                "confusions": [c.as_json() for c in self.confusions]}


@dataclass(frozen=True)
class ExamResults:
    """An exam's results as the reader may see them: every trainee of the
    class the reader may see (an instructor: the class; a trainee: only
    themselves), best first, and each question's analysis in order."""

    exam: Exam
    trainees: tuple[TraineeScore, ...] = ()
    items: tuple[ItemAnalysis, ...] = ()
    # graded again from what was typed (:func:`regrade`): how many answers were kept with another grade
    regraded: int | None = None  # None: the grades kept were taken as they are

    def as_json(self) -> dict:
        out: dict[str, Any] = {"exam": self.exam.as_json(), "trainees": [t.as_json() for t in self.trainees],
                               "items": [i.as_json() for i in self.items]}
        if self.regraded is not None:  # (only when asked for: the keys above are the ones promised)
            out["regraded"] = self.regraded
        return out


# --------------------------------------------------------------------------
# defining


def new_seed() -> int:
    return secrets.randbelow(SEED_LIMIT)


def check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The kinds asked for, each one an exam may ask, in their order; none given: all of them."""
    found = tuple(dict.fromkeys(k.strip() for k in kinds if k.strip()))
    for kind in found:
        if kind not in KINDS:
            raise ExamError(f"not a kind of card an exam asks: {kind!r} (one of {', '.join(KINDS)})")
    return found or KINDS


def draw(decks: Sequence[Deck], count: int, kinds: Sequence[str], seed: int) -> list[Question]:
    """``count`` questions from the cards of ``decks`` of the ``kinds``, the
    same for the same decks, kinds and seed (whatever order the decks are
    given in): the cards are shuffled by the seed, and the first card of
    each framework taken before any framework's second (a framework's
    recall card gives its cloze cards away)."""
    if count < 1:
        raise ExamError("an exam asks at least one question (--count)")
    wanted = set(kinds)
    names = {(deck.id, fw.id): fw.name for deck in decks for fw in deck.frameworks}
    pool = sorted((card for deck in {d.id: d for d in decks}.values() for card in deck.cards()
                   if card.kind in wanted), key=lambda c: (c.deck, c.id))
    if not pool:
        raise ExamError(f"the decks have no cards of the kinds asked ({', '.join(kinds)})")
    random.Random(seed).shuffle(pool)
    first: list[Card] = []
    later: list[Card] = []
    seen: set[tuple[str, str]] = set()
    for card in pool:
        (later if (card.deck, card.framework) in seen else first).append(card)
        seen.add((card.deck, card.framework))
    chosen = (first + later)[:count]
    return [Question(n, card, names.get((card.deck, card.framework), "")) for n, card in enumerate(chosen, 1)]


# --------------------------------------------------------------------------
# answering


def grade_answer(question: Question, typed: str, seconds: float = 0.0,
                 intruders: Callable[[Card], Mapping[str, list[str]]] | None = None) -> Answered:
    """``typed`` graded for ``question`` by the drill's grader: an answer
    (no hints: an exam gives none) the store can record as a drill answer."""
    card = question.card
    grade: Grade = grade_card(card, typed, intruders)
    return Answered(card, typed, grade, max(0.0, seconds), 0)


def regrade(question: Question, kept: ExamAnswer) -> ExamAnswer:
    """``kept`` graded again from what was typed, by the question's snapshot:
    a grade the client sent is checked, not trusted (the frameworks it was
    confused with are kept: they need the decks)."""
    if kept.position != question.position:
        raise ValueError("an answer regraded by another question")
    again = ExamAnswer.of(kept.trainee, kept.position, grade_answer(question, kept.typed, kept.seconds))
    return ExamAnswer(kept.trainee, kept.position, kept.typed, again.score, again.verdict, again.items, kept.confused,
                      kept.seconds)


# --------------------------------------------------------------------------
# results


def _wrong_key(typed: str) -> str:
    return key(typed) or BLANK_ANSWER


def score_of(trainee: str, total: int, answers: Iterable[ExamAnswer], status: AttemptStatus,
             started: dt.datetime | None = None, finished: dt.datetime | None = None) -> TraineeScore:
    mine = list(answers)
    return TraineeScore(trainee, status, len(mine), sum(1 for a in mine if a.verdict == Verdict.CORRECT),
                        round(sum(a.score for a in mine), 4), total, started, finished)


def _top(counter: Counter, shown: Mapping[str, str] | None = None) -> tuple[Counted, ...]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return tuple(Counted(shown.get(k, k) if shown else k, n) for k, n in ranked)


def analyse(question: Question, answers: Iterable[ExamAnswer]) -> ItemAnalysis:
    """The item analysis of one question over the answers to it."""
    mine = [a for a in answers if a.position == question.position]
    wrong: Counter = Counter()
    wrong_shown: dict[str, str] = {}
    missed: Counter = Counter()
    confused: Counter = Counter()
    for answer in mine:
        if answer.verdict != Verdict.CORRECT:
            k = _wrong_key(answer.typed)
            wrong[k] += 1
            # each wrong answer shown as first typed (answers the grader reads alike count together)
            wrong_shown.setdefault(k, " ".join(answer.typed.split()) or BLANK_ANSWER)
        for expected, _typed, verdict in answer.items:
            if verdict not in (ItemVerdict.CORRECT, ItemVerdict.OUT_OF_PLACE):
                missed[expected] += 1
        confused.update(set(answer.confused))
    mean = sum(a.score for a in mine) / len(mine) if mine else 0.0
    return ItemAnalysis(question, len(mine), sum(1 for a in mine if a.verdict == Verdict.CORRECT), round(mean, 4),
                        _top(wrong, wrong_shown), _top(missed), _top(confused))


@dataclass
class Sitting:
    """What the results are made of for one trainee: their attempt (None: not started) and answers."""

    trainee: str
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    deadline: dt.datetime | None = None
    answers: list[ExamAnswer] = field(default_factory=list)


def status_of(sitting: Sitting, now: dt.datetime) -> AttemptStatus:
    if sitting.started is None:
        return AttemptStatus.NOT_STARTED
    if sitting.finished is not None:
        return AttemptStatus.FINISHED
    if sitting.deadline is not None and now >= sitting.deadline:
        return AttemptStatus.TIME_UP
    return AttemptStatus.IN_PROGRESS


def results_of(exam: Exam, questions: Sequence[Question], sittings: Iterable[Sitting],
               now: dt.datetime, regraded: bool = False) -> ExamResults:
    """The results: each trainee's score, best first (then by name), and
    each question's analysis over every answer given to it. ``regraded``:
    every answer is graded again from what was typed (:func:`regrade`)."""
    total = exam.count
    kept = list(sittings)
    changed: int | None = None
    if regraded:
        changed = 0
        asked = {q.position: q for q in questions}
        for sitting in kept:
            again = [regrade(asked[a.position], a) if a.position in asked else a for a in sitting.answers]
            changed += sum(1 for a, b in zip(sitting.answers, again) if (a.score, a.verdict) != (b.score, b.verdict))
            sitting.answers = again
    scores = [score_of(s.trainee, total, s.answers, status_of(s, now), s.started, s.finished) for s in kept]
    scores.sort(key=lambda s: (-s.points, s.trainee))
    by_position: dict[int, list[ExamAnswer]] = {}
    for sitting in kept:
        for given in sitting.answers:
            by_position.setdefault(given.position, []).append(given)
    return ExamResults(exam, tuple(scores), tuple(analyse(q, by_position.get(q.position, [])) for q in questions),
                       changed)
