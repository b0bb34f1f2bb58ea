"""A drill session: the cards of today's queue, answered one by one.

The session times each answer, gives hints, grades what was typed (the
grading core), lets the trainee override the judgement, and hands each
answer to a recorder (the progress store with its scheduler) exactly once.
It knows nothing of terminals: the TUI drives it, and so can a test.

An answer is recorded as soon as it is submitted, so a closed terminal or a
killed process loses nothing the trainee answered; an override replaces that
record's judgement rather than adding a second review.

A card answered wrong or partly right comes back in the same session, after
RELEARN_AFTER other cards (or next, when fewer are left), and keeps coming
back until it is answered right or the session ends. The summary gives the
first-try accuracy and the cards relearned.

A framework being learned (learning.py) climbs its stages in the session:
after its first sight, a choice, a cloze and its full recall each come
RELEARN_AFTER cards later, the form the stage after the last answer asks
for, until it is learned. Learning steps are left out of the accuracy and
counted apart.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from drill.core.deck import BLANK, Card, Deck, order_shown
from drill.core.frameworks import Framework
from drill.core.grading import Grade, ItemVerdict, Override, Verdict, grade
from drill.core.learning import Learning, Stage, grade_choice, is_step, seen_grade, stage_after


@dataclass
class Answered:
    card: Card
    typed: str
    grade: Grade
    seconds: float
    hints: int
    overridden: Override = Override.NONE  # the trainee's own judgement
    rating: int = 0  # a scheduler.Rating (1 Again … 4 Easy) as the recorder decided; 0 before
    due: object = None  # when the card comes back, as the recorder decided
    receipt: object = None  # the recorder's handle on the record, for an override

    @property
    def verdict(self) -> Verdict:
        if self.overridden == Override.RIGHT:
            return Verdict.CORRECT
        if self.overridden == Override.WRONG:
            return Verdict.WRONG
        return self.grade.verdict

    @property
    def score(self) -> float:
        if self.overridden == Override.RIGHT:
            return 1.0
        if self.overridden == Override.WRONG:
            return 0.0
        return self.grade.score


class Recorder(Protocol):
    def record(self, answered: Answered) -> None:
        """Store the answer durably; set ``answered.rating``, ``.due``, ``.receipt``."""

    def amend(self, answered: Answered) -> None:
        """The trainee overrode the judgement of a recorded answer: store that instead."""

    def undo(self, answered: Answered) -> None:
        """The trainee took a recorded answer back: store that it no longer counts."""


# A card missed comes back after this many other cards.
RELEARN_AFTER = 4


@dataclass
class Summary:
    done: int  # answers given, a card that came back counted each time
    correct: int
    partial: int
    wrong: int
    seconds: float
    missed: list[tuple[Card, str]] = field(default_factory=list)  # (card, item missed)
    cards: int = 0  # cards answered, each once
    first_correct: int = 0  # cards answered right the first time
    relearned: list[Card] = field(default_factory=list)  # missed, then answered right
    still_missed: list[Card] = field(default_factory=list)  # missed, and not right by the end
    shown: int = 0  # frameworks seen for the first time
    steps: int = 0  # learning answers (choices and clozes of frameworks being learned)
    learned: int = 0  # frameworks that reached full recall

    @property
    def accuracy(self) -> float:
        """Right at the first try, of the cards answered."""
        cards = self.cards or self.done
        return (self.first_correct if self.cards else self.correct) / cards if cards else 0.0


def hint_for(card: Card, hints: int) -> str:
    """What ``hints`` presses reveal: the first character (a letter or a
    digit, not punctuation) of each of the first ``hints`` items, in order."""
    shown = []
    for item in card.answer[:hints]:
        # the first character worth giving: not a quote mark or a bracket
        first = next((ch for ch in item if ch.isalnum()), item.strip()[:1])
        shown.append(first + "…" if first else "")
    return "、".join(shown)


class Intruders:
    """The items a trainee may type by mistake for a card's: those of the
    other frameworks of its deck, and of the reference deck, by name."""

    def __init__(self, decks: list[Deck],
                 reference: list[Framework] | Callable[[], list[Framework]] | None = None) -> None:
        # a deck's frameworks are read when one of its cards is asked (a deck
        # from the deck cache reads them on first use)
        self._decks = {deck.id: deck for deck in decks}
        self._by_deck: dict[str, list[Framework]] = {}
        # the reference deck's frameworks, or what gives them (read when first needed)
        self._given_reference = reference
        self._reference_kept: list[Framework] | None = None
        self._cache: dict[tuple[str, str], dict[str, list[str]]] = {}

    def _reference(self) -> list[Framework]:
        if self._reference_kept is None:
            given = self._given_reference
            given = given() if callable(given) else given
            self._reference_kept = [fw for fw in (given or []) if fw.items]
        return self._reference_kept

    def _frameworks(self, deck_id: str) -> list[Framework]:
        got = self._by_deck.get(deck_id)
        if got is None:
            deck = self._decks.get(deck_id)
            got = self._by_deck[deck_id] = [fw for fw in deck.frameworks if fw.items] if deck else []
        return got

    def __call__(self, card: Card) -> dict[str, list[str]]:
        got = self._cache.get((card.deck, card.framework))
        if got is None:
            got = {}
            mine = self._frameworks(card.deck)
            own = next((fw for fw in mine if fw.id == card.framework), None)
            for fw in [*mine, *self._reference()]:
                if fw.id == card.framework or (own is not None and fw.name == own.name):
                    continue
                got.setdefault(fw.name, list(fw.items))
            self._cache[(card.deck, card.framework)] = got
        return got


def grade_card(card: Card, typed: str,
               intruders: Callable[[Card], Mapping[str, list[str]]] | None = None) -> Grade:
    """Grade what was typed for ``card`` as the drill does (a choice by its
    numbers; a recall, cloze, name or order card by the grader, the prompt's
    words and a cloze's context not counted as extra); ``intruders`` gives
    the other frameworks' items a piece typed may be confused with."""
    if card.kind == "show":
        return seen_grade(card)
    if card.kind == "choice":
        return grade_choice(card, typed)
    # the prompt's own words may be typed around the answer without counting as extra
    ignore = [card.prompt.split("：", 1)[0]]
    if card.kind == "cloze":
        ignore += [part for part in card.context.split(BLANK) if part.strip()]
    # an order card's items are numbered on screen: "3 1 2" names them
    shown = order_shown(card) if card.kind == "order" else []
    return grade(card.answer, typed, card.ordered, ignore=ignore, others=card.others, shown=shown,
                 intruders=intruders(card) if intruders is not None else None)


class Session:
    def __init__(self, cards: list[Card], recorder: Recorder | None = None, clock=time.monotonic,
                 intruders: Callable[[Card], Mapping[str, list[str]]] | None = None,
                 learning: Learning | None = None):
        self.cards = list(cards)
        self.recorder = recorder
        # the cards of each learning stage, for frameworks that climb them in the session
        self.learning = learning
        # the items of other frameworks a card's answer may confuse (intrusions)
        self.intruders = intruders
        self.clock = clock
        self.index = 0
        self.answered: list[Answered] = []
        self.hints = 0
        self.started = clock()
        self._shown_at = clock()

    @property
    def current(self) -> Card | None:
        return self.cards[self.index] if self.index < len(self.cards) else None

    @property
    def finished(self) -> bool:
        return self.index >= len(self.cards)

    def show(self) -> Card | None:
        """The current card is on screen: its clock starts now."""
        self._shown_at = self.clock()
        self.hints = 0
        return self.current

    def hint(self) -> str:
        card = self.current
        if card is None:
            return ""
        self.hints = min(self.hints + 1, len(card.answer))
        return hint_for(card, self.hints)

    def submit(self, typed: str) -> Answered:
        card = self.current
        if card is None:
            raise IndexError("the session is over")
        seconds = max(0.0, self.clock() - self._shown_at)
        if card.kind == "show":
            return self._answered(card, "", seen_grade(card), seconds)
        return self._answered(card, typed, grade_card(card, typed, self.intruders), seconds)

    def _answered(self, card: Card, typed: str, result: Grade, seconds: float) -> Answered:
        answered = Answered(card, typed, result, seconds, self.hints)
        if self.recorder is not None:
            self.recorder.record(answered)
        self.answered.append(answered)
        return answered

    def override(self, right: bool) -> Answered:
        """The trainee says the last answer was right (or wrong) after all."""
        answered = self.answered[-1]
        before = answered.overridden
        answered.overridden = Override.RIGHT if right else Override.WRONG
        if self.recorder is not None:
            try:
                self.recorder.amend(answered)
            except BaseException:
                answered.overridden = before  # not recorded: nothing changed
                raise
        return answered

    def undo(self) -> Card:
        """Take back the answer to the current card (shown with its feedback):
        the recorder keeps a compensating record, and the card is asked again."""
        answered = self.answered[-1] if self.answered else None
        if answered is None or self.current is None or answered.card.id != self.current.id:
            raise IndexError("no answer to this card to take back")
        if self.recorder is not None:
            self.recorder.undo(answered)
        self.answered.pop()
        self.show()
        return answered.card

    def set_aside(self) -> Card | None:
        """The current card leaves this session (suspended or buried), and
        every later showing of it; the next card is shown."""
        card = self.current
        if card is None:
            return None
        self.cards = self.cards[:self.index] + [c for c in self.cards[self.index:] if c.id != card.id]
        return self.show()

    def next(self) -> Card | None:
        last = self.answered[-1] if self.answered else None
        card = self.current
        if last is not None and card is not None and last.card is card:
            later = self._later(card, last)
            if later is not None:
                # it comes back after RELEARN_AFTER other cards, or last
                at = min(self.index + 1 + RELEARN_AFTER, len(self.cards))
                self.cards.insert(at, later)
        self.index += 1
        return self.show()

    def _later(self, card: Card, last: Answered) -> Card | None:
        """What ``card``, just answered, brings back later in the session: a
        missed card itself; for a framework being learned, the card of the
        stage it is at now; nothing for a card answered right."""
        if card.stage:
            after = stage_after(card.stage, last.verdict)
            if after == Stage.LEARNED:
                # its first full recall: from now on a card of the scheduler's
                return dataclasses.replace(card, stage="") if last.verdict != Verdict.CORRECT else None
            if self.learning is None:
                return None
            turn = sum(1 for a in self.answered if a.card.framework == card.framework
                       and a.card.stage == after)
            return self.learning.card(card.deck, card.framework, after, turn)
        return card if last.verdict != Verdict.CORRECT else None

    def again(self) -> bool:
        """Whether the current card was answered before in this session."""
        card = self.current
        return card is not None and any(a.card.id == card.id for a in self.answered)

    def summary(self) -> Summary:
        steps = [a for a in self.answered if is_step(a.card)]
        done = [a for a in self.answered if not is_step(a.card)]
        missed = [(a.card, item.expected) for a in done if a.overridden != Override.RIGHT
                  for item in a.grade.items if item.verdict != ItemVerdict.CORRECT]
        first: dict[str, Answered] = {}
        last: dict[str, Answered] = {}
        for a in done:
            first.setdefault(a.card.id, a)
            last[a.card.id] = a
        relearned = [a.card for cid, a in first.items()
                     if a.verdict != Verdict.CORRECT and last[cid].verdict == Verdict.CORRECT]
        still = [a.card for cid, a in first.items() if last[cid].verdict != Verdict.CORRECT]
        return Summary(
            done=len(done),
            correct=sum(1 for a in done if a.verdict == Verdict.CORRECT),
            partial=sum(1 for a in done if a.verdict == Verdict.PARTIAL),
            wrong=sum(1 for a in done if a.verdict == Verdict.WRONG),
            seconds=self.clock() - self.started,
            missed=missed,
            cards=len(first),
            first_correct=sum(1 for a in first.values() if a.verdict == Verdict.CORRECT),
            relearned=relearned,
            still_missed=still,
            shown=sum(1 for a in steps if a.card.kind == "show"),
            steps=sum(1 for a in steps if a.card.kind != "show"),
            learned=sum(1 for a in done if a.card.stage == Stage.RECALL),
        )
