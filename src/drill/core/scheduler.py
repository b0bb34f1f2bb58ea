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
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
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


def introduction_order(cards: list) -> list:
    """``cards`` (with ``.deck`` and ``.framework``, in deck order) in the order
    new ones are introduced: by the card's place among its framework's
    cards, then the deck's turn, then deck order (see the module docstring)."""
    sibling: dict[str, int] = {}
    turn: dict[str, int] = {}
    seen_in_deck: dict[str, dict[str, int]] = {}
    keys = []
    for index, card in enumerate(cards):
        rank = sibling.get(card.framework, 0)
        sibling[card.framework] = rank + 1
        # a deck's n-th framework takes the n-th turn among the decks
        frameworks = seen_in_deck.setdefault(card.deck, {})
        place = frameworks.setdefault(card.framework, len(frameworks))
        deck_turn = turn.setdefault(card.deck, len(turn))
        keys.append((rank, place, deck_turn, index))
    return [cards[k[-1]] for k in sorted(keys)]


def build_queue(card_ids: list[str], due_at: dict[str, float], now: float,
                new_limit: int, due_only: bool = False) -> list[str]:
    """Today's queue from ``card_ids`` (the chosen decks' cards, in the order
    new ones are to be introduced).

    ``due_at`` maps the ids of cards seen before to their due time (epoch
    seconds); the others are new. Due cards come first, most overdue first,
    then new cards up to ``new_limit``.
    """
    due = sorted((due_at[c], i, c) for i, c in enumerate(card_ids) if c in due_at and due_at[c] <= now)
    queue = [c for _, _, c in due]
    if not due_only and new_limit > 0:
        seen: set[str] = set()
        for c in card_ids:
            if c not in due_at and c not in seen:
                seen.add(c)
                queue.append(c)
                if len(seen) >= new_limit:
                    break
    return queue
