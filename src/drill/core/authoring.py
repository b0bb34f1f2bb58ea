"""Reviewing a speech's extracted candidates into a deck (`drill author`).

Extraction offers candidate frameworks; an instructor accepts, rejects,
edits, merges and splits them. Every decision lives in the deck file, so a
later review of the same speech (or of a corrected copy of it) picks them up
by framework id:

- an accepted framework is a framework of the deck, with its edits;
- a rejected candidate's id is in the deck's top-level ``rejected`` list,
  which drilling ignores;
- a candidate merged into another is in that framework's ``merged`` list;
- an item in the instructor's own wording (not words of the speech) is in
  its framework's ``own`` list; every other item must be an exact piece of
  the speech, as `drill deck check` demands;
- ``extracted`` is a digest of the candidate as extraction gave it when it
  was judged, so a later review can tell that extraction now gives
  something else; ``"kept"`` when extraction no longer gave it and the
  instructor kept it all the same; ``"added"`` for one the instructor added.

A later review offers again only what is new (never judged), what changed
(extraction now gives other items, an item is no longer in the speech) and
what was never reviewed here (a framework written by hand or by
`drill extract`). Candidates not judged when the deck is saved are neither
accepted nor rejected: they are offered again next time.

Every framework the review accepts passes the checks of `drill deck check`;
an operation that would break one is refused with the reason.
"""

from __future__ import annotations

import bisect
import copy
import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from drill.core import deck as decks
from drill.core.errors import DrillError
from drill.core.extract.source import Reading, Source, clean
from drill.core.frameworks import DEFAULT_ORDERED, KINDS, Framework, framework_id
from drill.core.text import fold, with_article

NEW, ACCEPTED, REJECTED, MERGED = "new", "accepted", "rejected", "merged"

# why a judged framework is offered again
CHANGED = "extraction now gives other items than when it was judged"
NOT_REVIEWED = "in the deck but never reviewed here"
GONE = "extraction no longer finds it"
KEPT = "kept"  # `extracted` of a framework kept although extraction no longer gives it
ADDED = "added"  # `extracted` of a framework the instructor added (extraction never gave it)


class ReviewError(Exception):
    """An operation the review refuses, with a reason to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoCard(ReviewError):
    """A framework that would make no card (an abbreviation whose items are
    not filled in): accepting it would give a deck `drill deck check` refuses."""

    def __init__(self, fw: Framework):
        super().__init__(f"“{fw.name}” makes no card: fill in its items (e), or merge another in (m)")


class Untraceable(ReviewError):
    """Items that are not words of the speech and not marked as own wording."""

    def __init__(self, items: list[str], why: str = "not in the speech"):
        shown = "、".join(f"“{i}”" for i in items[:3]) + ("…" if len(items) > 3 else "")
        super().__init__(f"{why}: {shown}")
        self.items = items


def digest(fw: Framework) -> str:
    """What extraction gave for a candidate, in 12 hex digits (kind and items;
    the name is already in the id)."""
    key = "\x1f".join([fw.kind] + [fold(i).strip() for i in fw.items])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


@functools.lru_cache(maxsize=4)
def speech(text: str) -> Source:
    """The speech ``text`` read as extraction reads it (sentences, page
    breaks joined, junk taken out), read once for a run of calls."""
    return clean(text)


def reading(text: str) -> Reading:
    """``text`` as it reads, with where each character stands in it."""
    return speech(text).reading()


def in_speech(words: str, text: str) -> bool:
    """Whether ``words`` are words of the speech ``text``: an exact piece of
    it, or of it as it reads (a sentence that runs across a page break)."""
    return words in text or words in reading(text).text


def untraceable(items: list[str], text: str, own: list[str] | tuple = ()) -> list[str]:
    """The items that are neither words of ``text`` nor marked as own wording."""
    return [i for i in items if i not in own and not in_speech(i, text)]


def from_reference(fw: Framework, items: list[str] | None = None) -> bool:
    """Whether ``fw``'s items (or ``items``) are the reference deck's items
    for its name: filled in for a bare mention, not words of the speech."""
    if fw.origin != "reference":
        return False
    from drill.core import reference

    entry = reference.lookup(fw.name)
    if entry is None:
        return False
    known = {fold(i).strip() for i in entry.items}
    return all(fold(i).strip() in known for i in (fw.items if items is None else items))


def _speech_items(fw: Framework) -> list[str]:
    """The items that must be words of the speech."""
    return [] if from_reference(fw) else fw.items


def item_spans(text: str, fw: Framework) -> list[tuple[int, int]]:
    """Where each item that is words of the speech stands in it: its own
    spans while they still hold it, else the place nearest the one before
    (the first at or after the framework's start for the first item). An
    item not in the speech has no span."""
    if fw.item_spans and len(fw.item_spans) == len(fw.items) and \
            all(text[a:b] == i for (a, b), i in zip(fw.item_spans, fw.items)):
        return list(fw.item_spans)
    read = reading(text)
    spans = []
    pos = max(0, fw.start)
    for item in fw.items:
        if not item:
            continue
        found = read.find(item, pos)
        if found is None:
            continue
        spans.append(found)
        pos = found[1]
    return spans


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds ``start:end`` as it reads (through
    the sentence of ``end`` when both are in one paragraph); for a span of
    several paragraphs, the sentence of ``start``."""
    return speech(text).quote_at(start, end)


def _quoted_items(fw: Framework) -> list[str]:
    """The items a quote must hold: those that are words of the speech (an
    outline's quote is its first heading's sentence)."""
    items = [i for i in _speech_items(fw) if i not in fw.own]
    return items[:1] if fw.kind == "outline" else items


def anchored(fw: Framework, text: str) -> bool:
    """Whether ``fw``'s quote holds its items that are words of the speech,
    and its offsets point at that quote. Own-wording items and items from the
    reference deck are exempt. The quote is the speech as it reads, so it may
    run across a page break that the text has."""
    items = _quoted_items(fw)
    if not items:
        return True
    # a list whose items are sentences of their own is quoted by its first
    if not fw.quote or items[0] not in fw.quote:
        return False
    read = reading(text)
    if fw.kind != "outline":
        held = read.text[read.at(fw.start):read.at(fw.end)]
        if any(i not in held and i not in text[fw.start:fw.end] for i in items):
            return False
    lo, hi = fw.start, max(fw.end, fw.start + 1)
    for a, b in read.occurrences(fw.quote):
        if a < hi and lo < b:
            return True
    return False


def anchor(fw: Framework, text: str) -> None:
    """Recompute ``fw``'s start, end and quote from where its items stand in
    ``text`` now. Own-wording items keep the sentence they replace (or none);
    items from the reference deck keep the mention."""
    items = [i for i in _speech_items(fw) if i not in fw.own]
    if not items:
        return
    probe = _copy(fw)
    probe.items = items
    if len(fw.item_spans) == len(fw.items):
        probe.item_spans = [s for s, i in zip(fw.item_spans, fw.items) if i in items]
    spans = item_spans(text, probe)
    if not spans:
        return
    fw.start, fw.end = min(a for a, _ in spans), max(b for _, b in spans)
    first = min(spans)
    fw.quote = sentence_around(text, *(first if fw.kind == "outline" else (fw.start, fw.end)))


def _run_together(fw: Framework) -> bool:
    """Whether ``fw``'s name holds its items (痛点、堵点、难点): the name card
    of an abbreviation, which shows the items, would show the name."""
    def key(text: str) -> str:
        return "".join(ch for ch in fold(text) if ch.isalnum())

    name = key(fw.name)
    return bool(name) and name in key("".join(fw.items))


def _copy(fw: Framework) -> Framework:
    return copy.deepcopy(fw)


@dataclass
class Candidate:
    """One framework under review."""

    fw: Framework  # what the deck holds if it is accepted: the edits applied
    origin: Framework | None  # as extraction gives it now; None if extraction does not
    status: str = NEW
    reason: str = ""  # why a judged framework is offered again
    merged_into: str = ""  # the id it was merged into (status MERGED)
    offered: bool = True  # shown without asking for all

    @property
    def id(self) -> str:
        return self.fw.id


@dataclass
class Step:
    """The state of a review before (or after) one decision."""

    what: str  # the decision, as the instructor reads it: accept “三抓三促”
    candidates: list[Candidate]
    title: str
    rejected: list[str]  # the earlier deck's rejected list
    version: int
    framework: str | None = None  # the id of the framework decided on (None: the deck, or several)


@dataclass(frozen=True)
class Undone:
    """What undo or redo did: the decision, and the framework it was about
    (the one to show again), if it was about one that exists now."""

    what: str
    framework: str | None


@dataclass
class History:
    """Undo and redo for every decision of a session. A step is a copy of
    the candidates (and the title) from before the decision; the copies are
    small beside the speech, and a copy cannot miss what a decision changed."""

    undo: list[Step] = field(default_factory=list)
    redo: list[Step] = field(default_factory=list)
    depth: int = 0  # decisions running inside a decision are one step with it
    version: int = 0  # which state the review is in; the saved one is recorded
    saved: int = 0
    counter: int = 0


def _snapshot(review: Workbench, what: str, framework: str | None = None) -> Step:
    earlier = list(review.earlier.rejected) if review.earlier is not None else []
    return Step(what, copy.deepcopy(review.candidates), review.title, earlier, review.history.version,
                framework)


def _restore(review: Workbench, step: Step) -> None:
    review.candidates = copy.deepcopy(step.candidates)
    review.title = step.title
    if review.earlier is not None:
        review.earlier.title = step.title
        review.earlier.rejected = list(step.rejected)
    review.history.version = step.version
    review.dirty = step.version != review.history.saved


def _describe(name: str, args: tuple) -> str:
    cand = next((a for a in args if isinstance(a, Candidate)), None)
    verb = {"toggle_order": "order change", "change_kind": "kind change", "annotate": "tags and note",
            "retitle": "title", "add": "add", "accept_all": "accept all"}.get(name, name)
    if cand is not None:
        return f"{verb} “{cand.fw.name}”"
    if name == "add" and len(args) > 1:
        return f"add “{args[1]}”"
    return verb


def _undoable(name: str, method):
    """``method`` as one step of the review's history: what it changed can
    be undone. A refused decision changes nothing and is no step."""

    def decide(self: Review, *args, **kwargs):
        history = self.history
        if history.depth:
            return method(self, *args, **kwargs)
        cand = next((a for a in args if isinstance(a, Candidate)), None)
        before = _snapshot(self, _describe(name, args), cand.id if cand is not None else None)
        history.depth += 1
        try:
            result = method(self, *args, **kwargs)
        finally:
            history.depth -= 1
        if isinstance(result, Candidate) and before.framework is None:
            before.framework = result.id  # an added framework
        history.undo.append(before)
        history.redo.clear()
        history.counter += 1
        history.version = history.counter
        return result

    decide.__name__, decide.__doc__ = method.__name__, method.__doc__
    return decide


class Workbench:
    """What `drill author` does besides judging candidates: adding a
    framework extraction missed, editing the deck (a framework's kind, tags
    and note, the deck's title), accepting the rest at once, searching,
    previewing the cards, undo and redo. Mixed into :class:`Review`."""

    if TYPE_CHECKING:  # what it uses of Review
        text: str
        deck_path: Path
        title: str
        candidates: list[Candidate]
        earlier: decks.Deck | None
        dirty: bool
        history: History

        def _judged(self, cand: Candidate, status: str) -> None: ...
        def _must_be_free(self, cand: Candidate) -> None: ...
        def _must_pass(self, fw: Framework) -> None: ...
        def accept(self, cand: Candidate) -> None: ...
        def find(self, framework_id: str) -> Candidate | None: ...

    # --- adding ------------------------------------------------------------

    def new_id(self, kind: str, name: str) -> str:
        """The id a framework added by hand gets: the one extraction would
        give it, with a number after it if that id is taken in this review."""
        taken = {c.id for c in self.candidates} | {m for c in self.candidates for m in c.fw.merged}
        if self.earlier is not None:
            taken |= set(self.earlier.rejected) | {fw.id for fw in self.earlier.frameworks}
        base = framework_id(kind, name)
        fid, n = base, 1
        while fid in taken:
            n += 1
            fid = f"{base}-{n}"
        return fid

    def add(self, kind: str, name: str, items: list[str],
            spans: list[tuple[int, int]] | tuple = (), own_wording: bool = False) -> Candidate:
        """A framework extraction missed, accepted: its items are words of
        the speech (``spans`` says where, for items selected in it) or, with
        ``own_wording``, the instructor's own. It gets an id made for it and
        the sentence it starts in as its quote."""
        name = name.strip()
        items = [i.strip() for i in items if i.strip()]
        if kind not in KINDS:
            raise ReviewError(f"no such kind: {kind} (one of {', '.join(KINDS)})")
        if not name:
            raise ReviewError("a framework needs a name")
        if not items:
            raise ReviewError("a framework needs items: select them in the speech or type them")
        lost = untraceable(items, self.text)
        if lost and not own_wording:
            raise Untraceable(lost)
        given = {self.text[a:b]: (a, b) for a, b in spans if 0 <= a < b <= len(self.text)}
        read = reading(self.text)
        given.update({read.text[read.at(a):read.at(b)]: (a, b) for a, b in spans
                      if 0 <= a < b <= len(self.text)})
        found: list[tuple[int, int]] = []
        pos = min((a for a, _ in spans), default=0)
        for item in items:
            if item in given:
                found.append(given[item])
                pos = given[item][1]
                continue
            place = read.find(item, pos)
            if place is not None:
                found.append(place)
                pos = place[1]
        start = min((a for a, _ in found), default=0)
        end = max((b for _, b in found), default=0)
        fw = Framework(kind=kind, name=name, items=items, start=start, end=end,
                       quote="", ordered=DEFAULT_ORDERED[kind],
                       tags=[kind], own=[i for i in items if not in_speech(i, self.text)],
                       extracted=ADDED)
        if len(found) == len(items):
            fw.item_spans = found
        if found:
            anchor(fw, self.text)
        fw.id = self.new_id(kind, name)
        self._must_pass(fw)
        cand = Candidate(fw, None, ACCEPTED)
        at = next((k for k, c in enumerate(self.candidates)
                   if c.fw.kind != "outline" and c.fw.start > start), len(self.candidates))
        self.candidates.insert(at, cand)
        self.dirty = True
        return cand

    # --- editing the deck ----------------------------------------------------

    def change_kind(self, cand: Candidate, kind: str) -> None:
        """Another kind; the id stays (the trainees' progress is kept), order
        takes the new kind's default and the kind's tag follows."""
        self._must_be_free(cand)
        if kind not in KINDS:
            raise ReviewError(f"no such kind: {kind} (one of {', '.join(KINDS)})")
        if kind == cand.fw.kind:
            raise ReviewError(f"it is {with_article(kind)} already")
        if kind == "abbreviation" and _run_together(cand.fw):
            raise ReviewError(f"“{cand.fw.name}” is its items run together: as an abbreviation its name "
                              f"card would show the answer; it stays {with_article(cand.fw.kind)}")
        fw = _copy(cand.fw)
        fw.tags = [kind if t == fw.kind else t for t in fw.tags]
        fw.kind = kind
        fw.ordered = DEFAULT_ORDERED[kind]
        self._must_pass(fw)
        cand.fw = fw
        self._judged(cand, ACCEPTED)

    def annotate(self, cand: Candidate, tags: list[str] | str, note: str) -> None:
        """A framework's tags (a list, or words separated by spaces or commas)
        and its note."""
        self._must_be_free(cand)
        if isinstance(tags, str):
            tags = split_tags(tags)
        fw = _copy(cand.fw)
        fw.tags = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
        fw.note = note.strip()
        cand.fw = fw
        self._judged(cand, ACCEPTED)

    def retitle(self, title: str) -> None:
        """The deck's title."""
        title = " ".join(title.split())
        if not title:
            raise ReviewError("a deck needs a title")
        self.title = title
        if self.earlier is not None:
            self.earlier.title = title
        self.dirty = True

    def deck_title(self) -> str:
        return self.earlier.title if self.earlier is not None else self.title

    # --- working faster ------------------------------------------------------

    def accept_all(self, cands: list[Candidate] | None = None
                   ) -> tuple[list[Candidate], list[tuple[Candidate, str]], list[Candidate]]:
        """Accept every undecided candidate (of ``cands``, by default of the
        review): the new, and the earlier deck's frameworks offered for
        review (never reviewed here, changed); one that would break the deck
        stays undecided, and one that would make no card (an abbreviation
        whose items are not filled in) is skipped. Returns the accepted, the
        refused with the reason, and the skipped."""
        accepted, refused, skipped = [], [], []
        for cand in list(self.candidates if cands is None else cands):
            if not undecided(cand):
                continue
            try:
                self.accept(cand)
            except NoCard:
                skipped.append(cand)
            except ReviewError as exc:
                refused.append((cand, exc.message))
            else:
                accepted.append(cand)
        if not accepted:
            if refused:
                raise ReviewError(f"nothing accepted: {refused[0][1]} (“{refused[0][0].fw.name}”)")
            if skipped:
                raise ReviewError(f"nothing accepted: {no_card(len(skipped))}")
            raise ReviewError("no undecided candidates to accept")
        return accepted, refused, skipped

    def search(self, query: str, cands: list[Candidate] | None = None) -> list[Candidate]:
        """The candidates whose name, items, tags or note hold every word of
        ``query`` (繁/简, width and case folded)."""
        words = [fold(w).strip().lower() for w in query.split() if w.strip()]
        pool = self.candidates if cands is None else cands
        if not words:
            return list(pool)

        def hay(c: Candidate) -> str:
            fw = c.fw
            return fold(" ".join([fw.name, fw.id, fw.kind, *fw.items, *fw.tags, fw.note])).lower()

        return [c for c in pool if all(w in hay(c) for w in words)]

    def preview(self, cand: Candidate) -> list:
        """The cards the framework makes, as the deck would give them."""
        return decks.framework_cards(self.deck_path.stem, cand.fw)

    # --- undo ----------------------------------------------------------------

    def can_undo(self) -> str:
        """What undo would undo ("" for nothing)."""
        return self.history.undo[-1].what if self.history.undo else ""

    def can_redo(self) -> str:
        return self.history.redo[-1].what if self.history.redo else ""

    def undo(self) -> Undone:
        """Back to before the last decision; returns what was undone and the
        framework it was about."""
        history = self.history
        if not history.undo:
            raise ReviewError("nothing to undo")
        step = history.undo.pop()
        history.redo.append(_snapshot(self, step.what, step.framework))
        _restore(self, step)
        return self._undone(step)

    def redo(self) -> Undone:
        """The last undone decision again; returns it and the framework it
        was about."""
        history = self.history
        if not history.redo:
            raise ReviewError("nothing to redo")
        step = history.redo.pop()
        history.undo.append(_snapshot(self, step.what, step.framework))
        _restore(self, step)
        return self._undone(step)

    def _undone(self, step: Step) -> Undone:
        there = step.framework is not None and self.find(step.framework) is not None
        return Undone(step.what, step.framework if there else None)

    def mark_saved(self) -> None:
        self.history.saved = self.history.version


def undecided(cand: Candidate) -> bool:
    """Whether ``cand`` waits for a decision: new, or a framework of the
    earlier deck offered for review (its reason not settled by a decision
    here). Saving records as judged only the decided."""
    return cand.status == NEW or (cand.status == ACCEPTED and bool(cand.reason))


def no_card(n: int) -> str:
    """What accept all says of the ``n`` candidates it skipped."""
    return (f"skipped {n} that make{'s' if n == 1 else ''} no card "
            f"(fill in {'its' if n == 1 else 'their'} items: e)")


def split_tags(text: str) -> list[str]:
    """Tags typed as words separated by spaces or commas (, ，、)."""
    for sep in ",，、;；":
        text = text.replace(sep, " ")
    return list(dict.fromkeys(text.split()))


@dataclass
class Review(Workbench):
    text: str  # the speech, as decoded
    source_path: Path
    deck_path: Path
    encoding: str = "utf-8"
    title: str = ""
    candidates: list[Candidate] = field(default_factory=list)
    earlier: decks.Deck | None = None
    dirty: bool = False
    sentences: list = field(default_factory=list, repr=False)
    # the cards each framework makes, by the framework's identity (see _cards)
    _made: dict = field(default_factory=dict, repr=False, compare=False)
    # the decisions of this session, to undo and redo (see History)
    history: History = field(default_factory=lambda: History(), repr=False)

    # --- building ------------------------------------------------------------

    @classmethod
    def start(cls, extraction, deck_path: Path, earlier: decks.Deck | None = None) -> Review:
        """A review of ``extraction`` that keeps the decisions in ``earlier``
        (the deck at ``deck_path`` when there is one)."""
        source = extraction.source
        title = earlier.title if earlier is not None else source.title or Path(source.path).stem
        review = cls(source.text, Path(source.path), Path(deck_path), source.encoding, title,
                     earlier=earlier, sentences=list(source.sentences))
        kept = {fw.id: fw for fw in earlier.frameworks} if earlier is not None else {}
        order = list(kept)
        rejected = set(earlier.rejected) if earlier is not None else set()
        merged_into = {m: fw.id for fw in kept.values() for m in fw.merged}
        found = {fw.id for fw in extraction.frameworks}
        for cand in extraction.frameworks:
            if cand.id in kept:
                fw = _copy(kept.pop(cand.id))
                if fw.items == cand.items:  # where extraction finds them now
                    fw.start, fw.end, fw.quote = cand.start, cand.end, cand.quote
                elif review._stale(fw):  # the speech changed under it
                    anchor(fw, review.text)
                reason = review._why_again(fw, cand)
                review.candidates.append(review._kept(Candidate(fw, cand, ACCEPTED, reason, offered=bool(reason))))
            elif cand.id in merged_into:
                review.candidates.append(Candidate(_copy(cand), cand, MERGED, merged_into=merged_into[cand.id],
                                                   offered=False))
            elif cand.id in rejected:
                review.candidates.append(Candidate(_copy(cand), cand, REJECTED, offered=False))
            else:
                review.candidates.append(Candidate(_copy(cand), cand, NEW))
        # frameworks of the deck that extraction does not give (any more): hand-made,
        # split off another, or from an earlier version of the speech
        for fw in kept.values():
            fw = _copy(fw)
            if review._stale(fw):
                anchor(fw, review.text)
            reason = review._why_again(fw, None)
            if (not reason and not review._piece_of(fw.id, found | set(order))
                    and fw.extracted not in (KEPT, ADDED)):
                reason = GONE
            review.candidates.append(review._kept(Candidate(fw, None, ACCEPTED, reason, offered=bool(reason))))
        # source order, the outline first, as extraction lists them
        review.candidates.sort(key=lambda c: (c.fw.kind != "outline", c.fw.start))
        return review

    def _kept(self, cand: Candidate) -> Candidate:
        """A framework of the earlier deck that makes no card (an abbreviation
        `drill extract` wrote without its items) is undecided, not accepted:
        a deck with it would not pass `drill deck check`."""
        if not self._cards(cand.fw):
            cand.status, cand.offered = NEW, True
        return cand

    def _stale(self, fw: Framework) -> bool:
        """Whether ``fw``'s quote or offsets no longer match where its items
        stand (its start is where its first item begins once edited here)."""
        items = _quoted_items(fw)
        if not items:
            return False
        read = reading(self.text)
        return not anchored(fw, self.text) or not (
            self.text.startswith(items[0], fw.start) or read.text.startswith(items[0], read.at(fw.start)))

    @staticmethod
    def _piece_of(framework_id: str, ids: set[str]) -> bool:
        """A piece split off one of ``ids`` (``<id>.<n>``)."""
        return "." in framework_id and framework_id.rsplit(".", 1)[0] in ids

    def _why_again(self, fw: Framework, cand: Framework | None) -> str:
        lost = untraceable(_speech_items(fw), self.text, fw.own)
        if lost:
            return f"not in the speech any more: {lost[0]}"
        if not fw.extracted:
            return NOT_REVIEWED
        if cand is not None and digest(cand) != fw.extracted:
            return CHANGED
        return ""

    # --- looking -------------------------------------------------------------

    def offered(self) -> list[Candidate]:
        """What this review is for: the new and the changed, and what was made here."""
        return [c for c in self.candidates if c.offered]

    def find(self, framework_id: str) -> Candidate | None:
        return next((c for c in self.candidates if c.id == framework_id), None)

    def spans(self, cand: Candidate) -> list[tuple[int, int]]:
        """Where to show ``cand``'s items in the speech. Items filled in from
        the reference deck are not the speech's words: the same words
        elsewhere in it are another passage, so only the mention is shown."""
        fw = cand.fw
        if from_reference(fw):
            return [(fw.start, fw.end)] if 0 <= fw.start < fw.end <= len(self.text) else []
        return item_spans(self.text, fw)

    def counts(self, cands: list[Candidate] | None = None) -> dict[str, int]:
        cands = self.offered() if cands is None else cands
        return {s: sum(1 for c in cands if c.status == s) for s in (NEW, ACCEPTED, REJECTED, MERGED)}

    def problems(self, fw: Framework) -> list[str]:
        """What `drill deck check` would refuse in ``fw`` against this speech:
        in its items, in the cards it makes, and a card of it asking what a
        card of another accepted framework asks."""
        found = [p.message for p in decks.framework_problems(fw, self.text) if not p.warning]
        found += [message for _, _, message, warning in decks.card_problems(self.deck_path.stem, [fw])
                  if not warning]
        return found + self._clashes(fw)

    def _cards(self, fw: Framework) -> list:
        """``fw``'s cards, made once for each version of it (a decision makes a new one)."""
        made = self._made.get(id(fw))
        if made is None or made[0] is not fw:
            made = self._made[id(fw)] = (fw, decks.framework_cards(self.deck_path.stem, fw))
        return made[1]

    def _clashes(self, fw: Framework) -> list[str]:
        """A card of ``fw`` that asks what a card of another accepted framework asks."""
        from drill.core.audit import asked

        mine = {asked(card): card for card in self._cards(fw)}
        for cand in self.candidates:
            if cand.status != ACCEPTED or cand.id == fw.id:
                continue
            for card in self._cards(cand.fw):
                if asked(card) in mine:
                    return [f"its {mine[asked(card)].kind} card asks what “{cand.fw.name}”'s does "
                            f"({card.prompt}): e words its name otherwise"]
        return []

    # --- deciding ------------------------------------------------------------

    def _judged(self, cand: Candidate, status: str) -> None:
        cand.fw.warnings = []  # extraction's doubts are settled by the judgement
        cand.status = status
        cand.reason = ""
        self.dirty = True

    def _must_be_free(self, cand: Candidate) -> None:
        if cand.status == MERGED:
            target = self.find(cand.merged_into)
            name = target.fw.name if target is not None else cand.merged_into
            raise ReviewError(f"merged into “{name}”; reset that one to take it out again")

    def _must_pass(self, fw: Framework) -> None:
        lost = untraceable(_speech_items(fw), self.text, fw.own)
        if lost:
            raise Untraceable(lost)
        if not self._cards(fw):
            raise NoCard(fw)
        errors = self.problems(fw)
        if errors:
            raise ReviewError(errors[0])

    def accept(self, cand: Candidate) -> None:
        self._must_be_free(cand)
        self._must_pass(cand.fw)
        self._judged(cand, ACCEPTED)

    def reject(self, cand: Candidate) -> None:
        self._must_be_free(cand)
        self._judged(cand, REJECTED)
        for other in self.candidates:  # what was merged into it goes with it
            if other.status == MERGED and other.merged_into == cand.id:
                other.status = REJECTED
                other.merged_into = ""

    def edit(self, cand: Candidate, name: str, items: list[str], own_wording: bool = False) -> None:
        """New name and items. An item that is not words of the speech is
        refused (:class:`Untraceable`) unless it was already marked as own
        wording or ``own_wording`` says to mark it so."""
        self._must_be_free(cand)
        name = name.strip()
        items = [i.strip() for i in items if i.strip()]
        if not name:
            raise ReviewError("a framework needs a name")
        fw = _copy(cand.fw)
        fw.name = name
        # items filled in from the reference deck stay its items while they are
        # its items; edited otherwise, they are words of the speech (or own wording)
        reference_items = from_reference(fw, items)
        lost = [] if reference_items else untraceable(items, self.text, cand.fw.own)
        if lost and not own_wording:
            raise Untraceable(lost)
        # words typed in that the speech has only far from this framework are
        # the instructor's own, not a reason to move its quote there
        far = [] if reference_items else self._far(cand.fw, [i for i in items if i not in lost])
        if far and not own_wording:
            raise Untraceable(far, "not at this framework's place in the speech")
        if not reference_items and fw.origin:
            fw.origin, fw.document, fw.year, fw.url = "", "", None, ""
        if items != fw.items:
            fw.items = items
            fw.item_spans = []
        fw.own = [] if reference_items else [
            i for i in items if i in far or i in cand.fw.own or not in_speech(i, self.text)]
        if not anchored(fw, self.text):
            anchor(fw, self.text)
        self._must_pass(fw)
        cand.fw = fw
        self._judged(cand, ACCEPTED)

    def _far(self, fw: Framework, items: list[str]) -> list[str]:
        """The new ``items`` (not already ``fw``'s) that the speech has only
        outside ``fw``'s place: its paragraphs and the one either side."""
        if not fw.quote and fw.start == fw.end == 0:
            return []  # written without a place: anywhere is its place
        paragraphs = speech(self.text).paragraphs
        starts = [a for a, _ in paragraphs]
        first = max(0, bisect.bisect_right(starts, fw.start) - 2)
        last = min(len(paragraphs) - 1, bisect.bisect_right(starts, max(fw.start, fw.end - 1)))
        if not paragraphs:
            return []
        lo, hi = paragraphs[first][0], paragraphs[max(first, last)][1]
        read = reading(self.text)
        return [i for i in items if i not in fw.items and in_speech(i, self.text)
                and not any(a < hi and lo < b for a, b in read.occurrences(i))]

    def toggle_order(self, cand: Candidate) -> None:
        self._must_be_free(cand)
        fw = _copy(cand.fw)
        fw.ordered = not fw.ordered
        self._must_pass(fw)
        cand.fw = fw
        self._judged(cand, ACCEPTED)

    def merge(self, into: Candidate, other: Candidate) -> None:
        """``other``'s items join ``into``'s, in the order of the speech;
        ``into`` keeps its id, name and kind, and ``other``'s id is recorded
        as merged so that a later review does not offer it again."""
        if into is other:
            raise ReviewError("choose another framework to merge with")
        self._must_be_free(into)
        self._must_be_free(other)
        first, second = sorted((into.fw, other.fw), key=lambda f: f.start)
        keys = set()
        items = []
        for item in first.items + second.items:
            if fold(item).strip() not in keys:
                keys.add(fold(item).strip())
                items.append(item)
        fw = _copy(into.fw)
        fw.items = items
        fw.item_spans = []
        fw.own = [i for i in items if i in into.fw.own or i in other.fw.own]
        fw.start, fw.end = min(into.fw.start, other.fw.start), max(into.fw.end, other.fw.end)
        fw.merged = [m for m in into.fw.merged + [other.id] + other.fw.merged if m != fw.id]
        anchor(fw, self.text)
        self._must_pass(fw)
        into.fw = fw
        self._judged(into, ACCEPTED)
        for cand in self.candidates:
            if cand is other or (cand.status == MERGED and cand.merged_into == other.id):
                cand.status = MERGED
                cand.merged_into = into.id
                cand.reason = ""

    def split(self, cand: Candidate, at: int) -> Candidate:
        """Items before ``at`` stay; the rest become a new framework with the
        id ``<id>.<n>``, placed after this one. Returns the new one."""
        self._must_be_free(cand)
        if not 1 <= at < len(cand.fw.items):
            raise ReviewError("a split needs items on both sides")
        head, tail = _copy(cand.fw), _copy(cand.fw)
        head.items, tail.items = head.items[:at], tail.items[at:]
        head.item_spans = tail.item_spans = []
        head.own = [i for i in head.own if i in head.items]
        tail.own = [i for i in tail.own if i in tail.items]
        taken = {c.id for c in self.candidates}
        n = 2
        while f"{cand.id}.{n}" in taken:
            n += 1
        tail.id = f"{cand.id}.{n}"
        tail.name = f"{cand.fw.name.removesuffix('（续）')}（续）"
        tail.merged = []
        tail.extracted = digest(cand.origin) if cand.origin is not None else cand.fw.extracted
        for part in (head, tail):
            anchor(part, self.text)
        self._must_pass(head)
        self._must_pass(tail)
        cand.fw = head
        self._judged(cand, ACCEPTED)
        new = Candidate(tail, None, ACCEPTED)
        self.candidates.insert(self.candidates.index(cand) + 1, new)
        return new

    def reset(self, cand: Candidate) -> None:
        """Back to the items extraction gives now: item edits, merges into it
        and pieces split off it are undone; the name, whether order matters,
        tags and note stay as the instructor left them, and so does accepted
        or rejected. Resetting a piece split off another resets that one."""
        self._must_be_free(cand)
        cand = self.root(cand)
        if cand.origin is None:
            raise ReviewError("extraction does not give this one; there is nothing to reset it to")
        fw = _copy(cand.origin)
        fw.name, fw.ordered, fw.tags, fw.note = cand.fw.name, cand.fw.ordered, list(cand.fw.tags), cand.fw.note
        if not anchored(fw, self.text):
            anchor(fw, self.text)
        if cand.status == ACCEPTED and not self._cards(fw):
            cand.status = NEW  # as extraction gives it, it makes no card: to be decided again
            cand.offered = True
        elif cand.status == ACCEPTED:
            self._must_pass(fw)
        for other in self.candidates:
            if other.status == MERGED and other.merged_into == cand.id:
                other.status = NEW
                other.merged_into = ""
                other.offered = True
        self.candidates = [c for c in self.candidates
                           if not (c.origin is None and c.id.startswith(cand.id + "."))]
        cand.fw = fw
        cand.reason = ""
        self.dirty = True

    def root(self, cand: Candidate) -> Candidate:
        """The candidate a piece was split off (itself if it is no piece)."""
        while cand.origin is None and "." in cand.id:
            parent = self.find(cand.id.rsplit(".", 1)[0])
            if parent is None:
                break
            cand = parent
        return cand

    # --- saving --------------------------------------------------------------

    def deck(self) -> decks.Deck:
        """The deck these decisions make: the earlier deck (its comments and
        order kept) with the accepted frameworks, new ones after the old.
        Only a framework decided here (or judged before) is recorded as
        judged (its ``extracted``): one the earlier deck holds that is
        offered for review and left undecided keeps what it had, so a
        later review offers it again."""
        accepted = [c for c in self.candidates if c.status == ACCEPTED]
        ids = {c.id for c in self.candidates if c.origin is not None}
        for cand in accepted:
            if undecided(cand):
                pass  # offered for review and not decided: what it was judged as (if ever) stays
            elif cand.origin is not None:
                cand.fw.extracted = digest(cand.origin)
            elif cand.fw.extracted == ADDED:
                pass  # made here: it stays the instructor's
            elif not self._piece_of(cand.id, ids | {c.id for c in accepted}):
                cand.fw.extracted = KEPT  # judged here although extraction does not give it
        if self.earlier is not None:
            deck = self.earlier
            old = [fw.id for fw in deck.frameworks]
        else:
            deck = decks.Deck(self.deck_path, self.title, "", self.encoding)
            old = []
        rank = {fid: i for i, fid in enumerate(old)}
        fws = [c.fw for c in accepted]
        fws.sort(key=lambda f: (0, rank[f.id]) if f.id in rank else (1, 0))  # stable: the new in review order
        deck.frameworks = fws
        deck.source = _relative(self.source_path, self.deck_path)
        deck.encoding = self.encoding
        accepted_ids = {fw.id for fw in fws} | {m for fw in fws for m in fw.merged}
        rejected = list(deck.rejected)
        for cand in self.candidates:
            if cand.status == REJECTED:
                rejected += [cand.id] + cand.fw.merged
        deck.rejected = [r for r in dict.fromkeys(rejected) if r not in accepted_ids]
        return deck

    def save(self) -> decks.Deck:
        """Write the deck file; raises :class:`DrillError` if it cannot be
        written or would not pass `drill deck check`."""
        deck = self.deck()
        refused = [(k, message) for k, _, message, warning in decks.card_problems(deck.id, deck.frameworks)
                   if not warning]
        if refused:  # said before the file is written, so a good deck is not replaced by a bad one
            k, message = refused[0]
            raise DrillError(f"not saved: “{deck.frameworks[k].name}”: {message}", self.deck_path)
        try:
            decks.save(deck, self.deck_path)
        except OSError as exc:
            raise DrillError(f"cannot write the deck: {exc.strerror or exc}", self.deck_path) from None
        checked, problems = decks.check(self.deck_path)
        errors = [p for p in problems if not p.warning]
        if errors or checked is None:
            raise DrillError(f"the saved deck has problems: {errors[0] if errors else 'unreadable'}",
                             self.deck_path)
        self.earlier = checked
        self.dirty = False
        self.mark_saved()
        return checked


# Every decision, whichever method makes it, is one step of the history.
DECISIONS = ("accept", "reject", "edit", "toggle_order", "merge", "split", "reset",
             "add", "change_kind", "annotate", "retitle", "accept_all")
for _name in DECISIONS:
    setattr(Review, _name, _undoable(_name, getattr(Review, _name)))
del _name


def _relative(source: Path, deck_path: Path) -> str:
    try:
        rel = os.path.relpath(source.resolve(), deck_path.resolve().parent)
    except ValueError:  # another drive
        rel = str(source.resolve())
    return rel.replace("\\", "/")


# --------------------------------------------------------------------------
# the command's inputs


def deck_path_for(speech: Path, output: Path | None = None) -> Path:
    """Where the review of ``speech`` is saved: ``output`` (a folder takes
    ``<speech name>.toml``), else the user's decks folder."""
    from drill import paths

    if output is None:
        return paths.user_decks_dir() / f"{speech.stem}.toml"
    if output.is_dir():
        return output / f"{speech.stem}.toml"
    return output


def is_deck_file(path: Path) -> bool:
    """Whether ``path`` names a deck (a ``.toml`` file) rather than a speech."""
    return path.suffix.lower() == ".toml"


def author_inputs(given: Path, output: Path | None = None
                  ) -> tuple[Path, Path, str, str, decks.Deck | None]:
    """What `drill author GIVEN [-o OUTPUT]` reviews: the speech, the deck to
    write, the speech's text and encoding, and the deck whose decisions are
    kept. GIVEN is a speech, or a deck (opened with its ``source`` speech,
    and saved back to itself unless ``output`` says otherwise).
    :class:`DrillError` (one line, naming the file) for anything wrong."""
    if not is_deck_file(given):
        target = deck_path_for(given, output)
        return (given, target, *read_inputs(given, target))
    deck = decks.load(given)
    src = deck.source_path()
    if deck.reference or src is None:
        raise DrillError("the deck has no source speech to review it against", given)
    if not src.is_file():
        raise DrillError(f"the deck's source {deck.source} is not found (at {src})", given)
    target = given if output is None else (output / given.name if output.is_dir() else output)
    text, encoding, earlier = read_inputs(src, target)
    if earlier is None:
        earlier = deck  # a new file: it starts from the decisions of the deck given
    return src, target, text, encoding, earlier


def read_inputs(speech: Path, deck_path: Path) -> tuple[str, str, decks.Deck | None]:
    """The speech's text and encoding, and the earlier deck if there is one;
    :class:`DrillError` (one line, naming the file) for anything wrong, the
    same errors `drill extract` gives."""
    from drill.core.extract.source import read_text

    text, encoding = read_text(speech)
    if not text.strip():
        raise DrillError("the file is empty", speech)
    earlier = decks.load(deck_path) if deck_path.exists() else None
    return text, encoding, earlier


def start_review(speech: Path, deck_path: Path, text: str, encoding: str,
                 earlier: decks.Deck | None) -> Review:
    """Extract the speech (slow: run it off the UI thread) and start its review."""
    from drill.core.extract import extract
    from drill.core.extract.source import clean

    return Review.start(extract(clean(text, str(speech), encoding)), deck_path, earlier)


# --------------------------------------------------------------------------
# `drill deck check --fix`


def reanchor(path: Path) -> tuple[list[str], list[str]]:
    """Re-anchor the deck at ``path`` to its speech after the speech changed:
    every framework whose quote or offsets no longer point at its items gets
    them recomputed, and the deck is written back with its comments and
    order. Returns the names fixed and, as messages, what could not be."""
    from drill.core.extract.source import read_text

    deck = decks.load(path)
    src = deck.source_path()
    if src is None or not src.is_file():
        raise DrillError("the deck's source is not found; nothing to re-anchor to", path)
    text, _ = read_text(src)
    fixed, left = [], []
    for fw in deck.frameworks:
        if not (fw.quote or fw.start or fw.end) or not fw.items:
            continue
        lost = [i for i in _speech_items(fw) if i not in text and i not in fw.own]
        if lost:
            left.append(f"'{fw.name}': item '{lost[0]}' is not in the speech any more")
            continue
        if anchored(fw, text):
            continue
        anchor(fw, text)
        if anchored(fw, text):
            fixed.append(fw.name)
        else:
            left.append(f"'{fw.name}': its items are not found together in the speech")
    if fixed:
        try:
            decks.save(deck, Path(path))
        except OSError as exc:
            raise DrillError(f"cannot write the deck: {exc.strerror or exc}", path) from None
    return fixed, left
