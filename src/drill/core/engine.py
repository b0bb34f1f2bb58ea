"""The storage engine interface: what the progress rules need of a store.

The progress rules (store.py) decide what an answer changes: the review
logged, the card's new state, the day's and the items' tallies. An engine
keeps those records (records.py) and nothing else: it knows no rule of
scheduling or of tallying. The TinyDB engine (tinydb_engine.py) keeps one
trainee's progress in files of their own; a server engine is one more
implementation of this interface.

Every change happens inside :meth:`Engine.transaction`: it is exclusive
(no other writer runs meanwhile), it starts from everything other writers
committed, and it is committed whole when the block ends, or not at all
when the block raises. A review logged in a transaction counts as applied
to the state when the transaction commits. An engine whose log and state
can part (the TinyDB engine writes them to two files) hands the reviews the
state lacks to :meth:`Engine.lagging`, and the rules apply them again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from drill.core.assignments import Assignment
from drill.core.records import CardState, ConfusionTally, DayTally, FrameworkStage, ItemTally, Review


class Engine(Protocol):
    """One trainee's progress records."""

    readonly: bool

    def transaction(self) -> AbstractContextManager[None]:
        """An exclusive, atomic change (see the module's docstring)."""
        ...

    def replay(self) -> AbstractContextManager[None]:
        """Like :meth:`transaction`, for applying lagging reviews: in an
        engine opened read-only the changes stay in memory, for its reader."""
        ...

    def refresh(self, wait: bool = True) -> None:
        """Take in what other writers committed; with ``wait`` False, only if
        no other writer is busy (a look that never blocks)."""
        ...

    # the profile: the trainee's name, settings and choices
    def profile(self) -> dict[str, Any]: ...

    def update_profile(self, fields: dict[str, Any]) -> None: ...

    # card states
    def card(self, card_id: str) -> CardState | None: ...

    def cards(self) -> Iterator[CardState]: ...

    def due_at(self) -> dict[str, float]:
        """When each card seen is due (epoch seconds), by card id."""
        ...

    def put_card(self, state: CardState) -> None: ...

    def remove_card(self, card_id: str) -> None:
        """Forget a card's state (its only answer was taken back)."""
        ...

    # tallies
    def day(self, day: str) -> DayTally | None: ...

    def days(self) -> Iterator[DayTally]: ...

    def put_day(self, tally: DayTally) -> None: ...

    def item(self, fw: str, item: str) -> ItemTally | None: ...

    def items(self) -> Iterator[ItemTally]: ...

    def put_item(self, tally: ItemTally) -> None: ...

    def confusion(self, fw: str, other: str) -> ConfusionTally | None: ...

    def confusions(self) -> Iterator[ConfusionTally]: ...

    def put_confusion(self, tally: ConfusionTally) -> None: ...

    # the learning stage of each framework being learned
    def stage(self, fw: str) -> FrameworkStage | None: ...

    def stages(self) -> Iterator[FrameworkStage]: ...

    def put_stage(self, stage: FrameworkStage) -> None: ...

    def remove_stage(self, fw: str) -> None:
        """Forget a framework's stage (its only learning answer was taken back)."""
        ...

    # the review log
    def log(self, review: Review, now: float) -> Review:
        """Append ``review``, logged at ``now``, with the next answer number;
        return it numbered."""
        ...

    def reviews(self, card: str | None = None) -> Iterator[Review]:
        """The log in order (of ``card`` only, if given), amendments included."""
        ...

    def applied_seq(self) -> int:
        """The number of the last answer the state holds."""
        ...

    def lagging(self) -> list[Review]:
        """Reviews logged that the state lacks, in order."""
        ...

    def mark_applied(self, review: Review) -> None:
        """Record, in this transaction, that the state holds ``review``."""
        ...

    def rebuilding(self) -> AbstractContextManager[None]:
        """Empty the state (the profile kept), for the block to rebuild it
        from the log; commit what it built as a whole."""
        ...

    def has_progress(self) -> bool:
        """Whether the store holds any card state, tally or review."""
        ...

    def assignments(self) -> list[Assignment]:
        """The decks set to the trainee's classes, with their due dates
        (none on a store without classes)."""
        ...

    def close(self) -> None: ...

