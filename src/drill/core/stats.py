"""Numbers for trainees and instructors, computed from a progress store.

Everything here reads the store's tallies (cards, days, items), never the
review log, so it costs the same after 100 reviews or 100,000.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import asdict, dataclass, field

from drill.core.scheduler import MASTERED_DAYS

FORECAST_DAYS = 30
WEAKEST = 10
# A deck's row in a class report names this many of its weakest items.
WEAKEST_PER_DECK = 3
# A framework or item needs this many answers before it can be called weak:
# one miss is worth knowing about.
WEAK_MIN_SEEN = 1
# Retention, on every screen, in `stats --json` and in `drill report`: the
# share of answers passed (rated above Again) among all answers; None where
# there are none. (True retention, Anki's figure, counts mature cards only;
# the session summary's first-try accuracy is its own figure and named so.)
RETENTION = "answers passed, of all answers"


@dataclass
class DeckStats:
    deck: str
    title: str
    cards: int  # cards in the deck (when the deck is known), else cards seen
    seen: int
    mastered: int
    reviews: int
    passed: int
    last_active: str  # ISO date, "" if never
    weakest_items: list[str] = field(default_factory=list)  # the deck's own, weakest first

    @property
    def mastery(self) -> float:
        return self.mastered / self.cards if self.cards else 0.0

    @property
    def retention(self) -> float | None:
        """Retention (RETENTION); None before any review."""
        return self.passed / self.reviews if self.reviews else None


@dataclass
class Weak:
    deck: str
    framework: str
    name: str  # the framework's name, or the item's text
    seen: int
    missed: int
    of: str = ""  # for an item: the name of its framework

    @property
    def miss_rate(self) -> float:
        return self.missed / self.seen if self.seen else 0.0


@dataclass
class Confusion:
    """A framework whose answers held items of another: what the trainee confuses."""

    deck: str
    framework: str
    name: str  # the framework's name
    other: str  # the name of the framework whose items were typed
    count: int

    def said(self) -> str:
        return f"you confuse {self.name} with {self.other}"


@dataclass
class Stats:
    user: str
    reviews: int
    reviews_per_day: list[tuple[str, int]]  # (ISO date, reviews), oldest first, days with reviews
    true_retention: float | None  # passes among reviews of mature cards; None before any
    retention: float | None  # RETENTION; None before any review
    mature_reviews: int
    streak: int  # days in a row with reviews, ending today (or yesterday)
    seconds: float
    forecast: list[int]  # cards due on each of the next FORECAST_DAYS days (overdue on day 0)
    decks: list[DeckStats] = field(default_factory=list)
    weakest_frameworks: list[Weak] = field(default_factory=list)
    weakest_items: list[Weak] = field(default_factory=list)
    confusions: list[Confusion] = field(default_factory=list)  # most frequent first
    # learning steps answered (first sights, choices, clozes of frameworks being
    # learned): not reviews, so in neither retention
    learning_answers: int = 0
    # frameworks by the learning stage they are at (choice, cloze, recall), and learned
    learning: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        out = asdict(self)
        out["reviews_per_day"] = [{"day": d, "reviews": n} for d, n in self.reviews_per_day]
        for deck, raw in zip(self.decks, out["decks"]):
            raw["mastery"] = round(deck.mastery, 4)
            raw["retention"] = round(deck.retention, 4) if deck.retention is not None else None
        for key in ("weakest_frameworks", "weakest_items"):
            for weak, raw in zip(getattr(self, key), out[key]):
                raw["miss_rate"] = round(weak.miss_rate, 4)
        if self.retention is not None:
            out["retention"] = round(self.retention, 4)
        if self.true_retention is not None:
            out["true_retention"] = round(self.true_retention, 4)
        return out


def compute(store, decks=None, now: float | None = None) -> Stats:
    """A trainee's stats from ``store``; ``decks`` (optional) give titles,
    card counts for mastery and framework names."""
    now = now or time.time()
    today = dt.datetime.fromtimestamp(now).date()
    cards = store.cards()
    days = sorted(store.days(), key=lambda d: d.day)

    reviews = sum(d.reviews for d in days)
    mature = sum(d.mature for d in days)
    mature_passed = sum(d.mature_passed for d in days)
    active = {d.day for d in days if d.reviews > 0 or d.learning > 0}
    streak = 0
    day = today if today.isoformat() in active else today - dt.timedelta(days=1)
    while day.isoformat() in active:
        streak += 1
        day -= dt.timedelta(days=1)

    forecast = [0] * FORECAST_DAYS
    for doc in cards:
        due_day = dt.datetime.fromtimestamp(doc.due).date()
        offset = max(0, (due_day - today).days)
        if offset < FORECAST_DAYS:
            forecast[offset] += 1

    cards_of = {id(deck): deck.cards() for deck in decks or []}  # made once: a deck's cards cost to make
    names, titles, deck_cards = _deck_info(decks, cards_of)
    per_deck: dict[str, DeckStats] = {}
    for deck_id, title in titles.items():
        per_deck[deck_id] = DeckStats(deck_id, title, deck_cards.get(deck_id, 0), 0, 0, 0, 0, "")
    per_fw: dict[str, Weak] = {}
    # a card is counted under the deck that now holds it (its state may carry
    # the deck's older id)
    owner = {card.id: deck.id for deck in decks or [] for card in cards_of[id(deck)]}
    fw_owner = dict(_fw_owners(decks))
    cards = [dataclasses.replace(doc, deck=owner[doc.card]) if owner.get(doc.card, doc.deck) != doc.deck else doc
             for doc in cards]
    for doc in cards:
        if decks is not None and doc.deck not in titles:
            continue  # a deck not asked about (its cards' state is kept all the same)
        ds = per_deck.setdefault(doc.deck, DeckStats(doc.deck, doc.deck, 0, 0, 0, 0, 0, ""))
        ds.seen += 1
        ds.mastered += int(doc.stability >= MASTERED_DAYS)
        ds.reviews += doc.reps
        ds.passed += doc.reps - doc.lapses
        last = dt.datetime.fromtimestamp(doc.last).date().isoformat()
        ds.last_active = max(ds.last_active, last)
        fw = per_fw.setdefault(doc.fw, Weak(doc.deck, doc.fw, names.get(doc.fw, doc.fw), 0, 0))
        fw.seen += doc.reps
        fw.missed += doc.lapses
    for ds in per_deck.values():
        if decks is None:
            ds.cards = ds.seen

    by_weakness = lambda w: (-w.miss_rate, -w.missed, w.name)  # noqa: E731
    items = [dataclasses.replace(d, deck=fw_owner[d.fw]) if fw_owner.get(d.fw, d.deck) != d.deck else d
             for d in store.items()]
    weak_items = sorted((Weak(d.deck, d.fw, d.item, d.seen, d.missed, names.get(d.fw, ""))
                         for d in items
                         if d.seen >= WEAK_MIN_SEEN and d.missed > 0
                         and (decks is None or d.deck in titles)), key=by_weakness)
    for weak in weak_items:
        shown = per_deck.get(weak.deck)
        if shown is not None and len(shown.weakest_items) < WEAKEST_PER_DECK:
            shown.weakest_items.append(weak.name)
    weak_fws = [w for w in per_fw.values() if w.seen >= WEAK_MIN_SEEN and w.missed > 0]
    confusions = sorted(
        (Confusion(fw_owner.get(c.fw, c.deck), c.fw, names.get(c.fw, c.fw), c.other, int(c.count))
         for c in store.confusions() if c.count > 0
         and (decks is None or fw_owner.get(c.fw, c.deck) in titles)),
        key=lambda c: (-c.count, c.name, c.other))
    return Stats(
        user=store.name,
        reviews=reviews,
        reviews_per_day=[(d.day, d.reviews) for d in days if d.reviews],
        true_retention=(mature_passed / mature) if mature else None,
        retention=(sum(d.passed for d in days) / reviews) if reviews else None,
        mature_reviews=mature,
        streak=streak,
        seconds=round(sum(d.seconds for d in days), 1),
        forecast=forecast,
        decks=sorted(per_deck.values(), key=lambda d: d.title),
        weakest_frameworks=sorted(weak_fws, key=by_weakness)[:WEAKEST],
        weakest_items=weak_items[:WEAKEST],
        confusions=confusions[:WEAKEST],
        learning_answers=int(sum(d.learning for d in days)),
        learning=_learning(store, decks, titles),
    )


def learning_said(s: Stats) -> str:
    """The frameworks being learned, in words ("" when none are)."""
    learning = {k: v for k, v in s.learning.items() if k != "learned" and v}
    if not learning:
        return ""
    names = {"choice": "at the choice", "cloze": "at the blank", "recall": "at full recall"}
    return (f"{sum(learning.values())} being learned ("
            + ", ".join(f"{n} {names[k]}" for k, n in learning.items()) + ")")


def _learning(store, decks, titles) -> dict[str, int]:
    """How many frameworks (of ``decks``, if given) are at each learning stage."""
    owners = dict(_fw_owners(decks)) if decks is not None else {}
    out = {stage: 0 for stage in ("choice", "cloze", "recall", "learned")}
    for fw, stage in store.stages().items():
        if decks is not None and owners.get(fw) not in titles:
            continue
        if stage in out:
            out[stage] += 1
    return out


def _fw_owners(decks):
    for deck in decks or []:
        for fw in deck.frameworks:
            yield fw.id, deck.id


def _deck_info(decks, cards_of):
    names: dict[str, str] = {}
    titles: dict[str, str] = {}
    counts: dict[str, int] = {}
    for deck in decks or []:
        titles[deck.id] = deck.title
        counts[deck.id] = len(cards_of[id(deck)])
        for fw in deck.frameworks:
            names[fw.id] = fw.name
    return names, titles, counts
