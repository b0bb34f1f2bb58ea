"""Review timing: a thin wrapper over the ``fsrs`` package (FSRS, as in Anki).

The scheduler itself is fsrs's; this module only decides the rating an
answer earns and which cards make today's queue.

The rating rule
---------------
An answer's rating comes from its grade, the time it took and the hints
used, in this order:

1. The trainee's own judgement wins: "I was wrong" is Again; "I was right"
   is Good (never Easy: the grader had to be corrected).
2. wrong → Again. partial with at least half the score → Hard, less → Again.
3. correct → by the time taken, measured against how long the answer is to
   type through an input method (about a second a character):
   at most ``FAST_BASE_S + FAST_PER_CHAR_S × characters`` → Easy;
   over ``SLOW_BASE_S + SLOW_PER_CHAR_S × characters`` → Hard; else Good.
4. A hint caps the rating at Hard: the trainee did not recall unaided.

The queue
---------
Due cards first (most overdue first), then new cards up to the day's
new-card limit less the new cards already seen today, across the decks the
trainee chose. New cards are introduced a framework at a time, as Anki
keeps a note's sibling cards apart: every framework's first card (its
recall card) before any framework's second, and the chosen decks taken in
turn, so two decks share the day's new cards. A card's state is stored under its stable id, so
an edited deck keeps its progress, and the state of a card that left its
deck is kept, never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from itertools import chain, count, repeat
from operator import add, ne, sub
from typing import Any, cast

from drill.core.grading import Override, Verdict


class Rating(IntEnum):
    """An answer's rating: fsrs's own ``Rating`` has the same values, and the
    store keeps the number."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


RATING_NAMES: dict[int, str] = {rating: rating.name.title() for rating in Rating}

# Typing Chinese through an input method runs at about a character a second
# for text one knows; an answer typed at that pace, plus a moment to start,
# was recalled easily. Four times slower was a struggle.
FAST_BASE_S = 5.0
FAST_PER_CHAR_S = 1.2
SLOW_BASE_S = 20.0
SLOW_PER_CHAR_S = 5.0
# Partial answers with at least this score were mostly recalled: Hard, not Again.
HARD_MIN_SCORE = 0.5
# A card whose stability reaches this many days counts as mastered (and its
# reviews as mature ones), as Anki counts a 21-day interval as mature.
MASTERED_DAYS = 21.0


# The settings a trainee may choose. Below 0.7 fsrs's intervals grow so long
# that most of a deck is forgotten between reviews; above 0.99 they stay a
# day or two for ever.
RETENTION_RANGE = (0.7, 0.99)
NEW_PER_DAY_MAX = 1000


# The theme an app shows when the trainee chose none (Textual's own default);
# the app checks a theme's name against the themes it has, the core keeps the name.
DEFAULT_THEME = "textual-dark"
THEME_NAME_MAX = 100


def retention_from(text: str) -> float:
    """A desired retention typed as text; ValueError saying the range if it is not one."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    low, high = RETENTION_RANGE
    if not low <= value <= high:
        raise ValueError(f"{text!r} is not a retention from {low} to {high}")
    return value


def new_per_day_from(text: str) -> int:
    """New cards a day typed as text; ValueError saying the range if it is not one."""
    if not text.strip().isdigit() or int(text) > NEW_PER_DAY_MAX:
        raise ValueError(f"{text!r} is not a whole number from 0 to {NEW_PER_DAY_MAX}")
    return int(text)


@dataclass
class Settings:
    desired_retention: float = 0.9
    new_per_day: int = 20
    theme: str = DEFAULT_THEME  # a Textual theme's name
    # A new framework is shown, then asked as a choice and a cloze, before
    # full recall (learning.py); off, its cards are asked cold.
    learn_first: bool = True

    def as_json(self) -> dict:
        return {"desired_retention": self.desired_retention, "new_per_day": self.new_per_day,
                "theme": self.theme, "learn_first": self.learn_first}

    @classmethod
    def from_json(cls, raw: dict | None) -> Settings:
        """The settings a profile holds; a value missing (an older store) or out
        of range reads as its default."""
        raw = raw or {}
        out = cls()
        retention = raw.get("desired_retention")
        low, high = RETENTION_RANGE
        if isinstance(retention, int | float) and low <= retention <= high:
            out.desired_retention = float(retention)
        per_day = raw.get("new_per_day")
        if isinstance(per_day, int) and not isinstance(per_day, bool) and 0 <= per_day <= NEW_PER_DAY_MAX:
            out.new_per_day = per_day
        learn_first = raw.get("learn_first")
        if isinstance(learn_first, bool):
            out.learn_first = learn_first
        theme = raw.get("theme")
        if isinstance(theme, str) and 0 < len(theme) <= THEME_NAME_MAX:
            out.theme = theme
        return out


def rating_for(verdict: Verdict, score: float, seconds: float, answer_chars: int,
               hints: int = 0, overridden: Override = Override.NONE) -> Rating:
    """The rating an answer earns (the rule in the module's docstring)."""
    if overridden == Override.WRONG:
        return Rating.AGAIN
    if overridden == Override.RIGHT:
        rating = Rating.GOOD
    elif verdict == Verdict.WRONG:
        return Rating.AGAIN
    elif verdict != Verdict.CORRECT:
        rating = Rating.HARD if score >= HARD_MIN_SCORE else Rating.AGAIN
    elif seconds <= FAST_BASE_S + FAST_PER_CHAR_S * answer_chars:
        rating = Rating.EASY
    elif seconds > SLOW_BASE_S + SLOW_PER_CHAR_S * answer_chars:
        rating = Rating.HARD
    else:
        rating = Rating.GOOD
    if hints:
        rating = min(rating, Rating.HARD)
    return rating


@lru_cache(maxsize=8)
def _scheduler(desired_retention: float):
    from fsrs import Scheduler

    # No fuzzing: the same answers give the same schedule, which trainees
    # (and tests) can reason about.
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def review(state: dict | None, rating: Rating | int, when: dt.datetime, settings: Settings) -> dict:
    """The card's fsrs state after an answer rated ``rating`` at ``when``.

    ``state`` is what a previous call returned (None for a new card); the
    result is fsrs's own ``Card.to_dict()``. ``rating`` may be the number a
    review read back from the log holds; fsrs's rating is the one of that value.
    """
    from fsrs import Card
    from fsrs import Rating as FsrsRating

    # the state is fsrs's own dict, as the store kept it
    card = Card.from_dict(cast(Any, state)) if state else Card(card_id=0, due=when)
    card, _log = _scheduler(settings.desired_retention).review_card(card, FsrsRating(int(rating)), when)
    return card.to_dict()


def due_of(state: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(state["due"])


def stability_of(state: dict | None) -> float:
    if not state or state.get("stability") is None:
        return 0.0
    return float(state["stability"])


def interval_days(state: dict | None) -> float:
    """Days from the last review to the due date: the interval the card is on."""
    if not state or not state.get("last_review"):
        return 0.0
    last = dt.datetime.fromisoformat(state["last_review"])
    return (due_of(state) - last).total_seconds() / 86400


class Introduction:
    """Where the cards of some decks stand in the order new cards are
    introduced (see the module docstring), worked out only for the cards
    asked about, never by sorting them all.

    ``decks`` holds each deck's id and its cards' ids and frameworks (the
    ``ids`` and ``frameworks`` of ``Deck.card_keys()``), in the order the
    decks were chosen. :meth:`key` of a card (the deck's place in ``decks``
    and the card's in its deck) orders cards as they are introduced: by the
    card's place among its framework's cards (over every deck), then the
    framework's place in its deck, then the deck's turn, then the card's
    place among all the decks' cards."""

    def __init__(self, decks: Sequence[tuple[str, Sequence[str], Sequence[str]]]) -> None:
        self._decks = decks
        self._base: list[int] = []
        turns: dict[str, int] = {}
        total = 0
        for deck_id, ids, _fws in decks:
            self._base.append(total)
            total += len(ids)
            if ids:  # a deck takes its turn with its first card
                turns.setdefault(deck_id, len(turns))
        self._turn = [turns.get(deck_id, 0) for deck_id, _ids, _fws in decks]
        self._same: dict[str, list[Sequence[str]]] = {}  # the frameworks of the decks of each id
        for deck_id, _ids, fws in decks:
            self._same.setdefault(deck_id, []).append(fws)
        self._places: dict[str, dict[str, int]] = {}
        self._before: list[dict[str, int]] | None = None
        self._ranks: dict[int, dict[str, int] | list[int]] = {}

    def key(self, deck: int, index: int) -> tuple[int, int, int, int]:
        return self.keys(deck, [index])[0]

    def keys(self, deck: int, indexes: Sequence[int]) -> list[tuple[int, int, int, int]]:
        """:meth:`key` of each of the cards ``indexes`` of the deck ``deck``
        (worked out by builtins: no Python code runs per card)."""
        deck_id, _ids, fws = self._decks[deck]
        of = list(map(fws.__getitem__, indexes))
        if self._before is None:
            self._before = self._cards_before()
        before = self._before[deck]
        ranks = self._ranks.get(deck)
        if ranks is None:
            ranks = self._ranks[deck] = self._ranks_in(fws)
        if isinstance(ranks, dict):  # each framework's cards one after the other: the distance from its first
            rank = list(map(sub, indexes, map(ranks.__getitem__, of)))
        else:
            rank = list(map(ranks.__getitem__, indexes))
        if before:
            rank = list(map(add, rank, map(before.get, of, repeat(0))))
        place = self._place(deck_id)
        base = self._base[deck]
        return list(zip(rank, map(place.__getitem__, of), repeat(self._turn[deck]),
                        map(add, repeat(base), indexes)))

    @staticmethod
    def _ranks_in(fws: Sequence[str]) -> dict[str, int] | list[int]:
        """Where each framework's cards start in a deck (as decks make them, one
        after the other), or, if they are not, each card's place among them."""
        first = dict(zip(reversed(fws), range(len(fws) - 1, -1, -1)))
        if len(first) == sum(map(ne, fws[1:], fws[:-1])) + bool(fws):
            return first
        return _ranks(fws)

    def _place(self, deck_id: str) -> dict[str, int]:
        """Each framework's place in the deck ``deck_id`` (over every deck of that id)."""
        got = self._places.get(deck_id)
        if got is None:
            firsts = dict.fromkeys(chain.from_iterable(self._same[deck_id]))
            got = self._places[deck_id] = dict(zip(firsts, count()))
        return got

    def _cards_before(self) -> list[dict[str, int]]:
        """For each deck, the cards of its frameworks that the decks before it hold
        (only for the frameworks more than one deck holds)."""
        held = [dict.fromkeys(fws) for _d, _ids, fws in self._decks]
        shared = {fw for fw, n in Counter(chain.from_iterable(held)).items() if n > 1}
        out: list[dict[str, int]] = []
        so_far: Counter[str] = Counter()
        for (_d, _ids, fws), own in zip(self._decks, held):
            mine = shared.intersection(own)
            out.append({fw: so_far[fw] for fw in mine})
            if mine:
                so_far.update(fw for fw in fws if fw in mine)
        return out


def _ranks(fws: Sequence[str]) -> list[int]:
    """Each card's place among the deck's cards of its framework."""
    seen: dict[str, int] = {}
    out = []
    for fw in fws:
        n = seen.get(fw, 0)
        seen[fw] = n + 1
        out.append(n)
    return out
