"""Assignments: a deck an instructor sets a class, with its due date.

They live on a PostgreSQL progress store (pg_assign.py, pg_access.py for
who may see and set them); a TinyDB store has none. A trainee's deck list
shows their assigned decks first (:meth:`drill.core.store.Store.assignments`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from drill.core.errors import DrillError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, order=True)
class Assignment:
    """A deck set to a class, due on ``due``."""

    due: dt.date
    class_name: str
    deck: str  # the deck's id

    def as_json(self) -> dict:
        return {"class": self.class_name, "deck": self.deck, "due": self.due.isoformat()}


def parse_due(text: str) -> dt.date:
    """A due date written YYYY-MM-DD; anything else is a DrillError."""
    text = text.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DrillError(f"not a due date (YYYY-MM-DD, a real day): {text!r}") from None


def first_per_deck(assignments: list[Assignment]) -> dict[str, Assignment]:
    """Each deck's assignment due first (a deck may be set to several of a trainee's classes)."""
    found: dict[str, Assignment] = {}
    for assignment in sorted(assignments):
        found.setdefault(assignment.deck, assignment)
    return found
