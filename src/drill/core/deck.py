"""Deck files: one TOML file per speech, written by `drill extract`, edited by hand.

A deck holds the speech's title, where its source text lives (relative to
the deck file), and its frameworks with their provenance. A deck is read
with tomllib (fast: drilling reads every deck); writing it back parses the
file's text with tomlkit, which keeps an instructor's comments and ordering
through a load → edit → save round trip.

From each framework the deck yields cards: recall every item, fill in one
item in its context (cloze), name the abbreviation from its items, and put
the items in order. Every card id is stable: it is built from the
framework's id (which survives edits) and, for a cloze, from the item.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from drill.core.errors import DrillError
from drill.core.files import read_limited, write_atomically
from drill.core.frameworks import DEFAULT_ORDERED, KINDS, MAX_ITEMS, Framework
from drill.core.lazy import LazyPattern
from drill.core.text import counted, fold, is_traditional, to_traditional

if TYPE_CHECKING:  # tomlkit is imported where a deck is written: drilling never needs it
    import tomlkit

FORMAT = 1
TOP_KEYS = {"format", "id", "title", "source", "encoding", "note", "rejected", "reference", "anki_exported",
            "frameworks"}
FRAMEWORK_KEYS = {"id", "kind", "name", "items", "ordered", "tags", "note", "quote", "start", "end",
                  "own", "merged", "extracted", "document", "year", "url", "aliases", "origin"}
# Where a framework of the reference deck was stated: every one of its
# frameworks needs these (a speech's framework may carry them too).
STATED_KEYS = ("document", "year", "url")
ORIGINS = ("reference",)
REQUIRED_KEYS = ("id", "kind", "name", "items")

HEADER = """\
drill deck: the formulations of one speech, made by `drill extract` and
reviewed by an instructor. Edit names, items, notes, tags and the order of
the frameworks freely; keep each `id` as it is, since trainees' progress is
stored against it. `ordered` says whether a trainee must give the items in
order. `drill deck check FILE` finds mistakes."""

# Written by `drill author` (and read by it again), never needed for drilling:
#   rejected = [ids]      top level: candidates the instructor turned down
#   own = [items]         items in the instructor's own wording, not the speech's
#   merged = [ids]        candidates merged into this framework
#   extracted = "digest"  the candidate as extraction gave it when it was judged
#
# The reference deck (`reference = true`, no source) holds national
# formulations a speech names without their items (四个意识, 两个维护…):
#   document, year, url   where each was stated, and a public source that states it
#   aliases = [names]     other names it goes by (五大发展理念 for 新发展理念)
# A speech's abbreviation whose items were filled in from it records
#   origin = "reference"  (and the reference's document, year and url)
#
# Written by `drill deck export --anki`, read by the next such export:
#   anki_exported = [keys]  top level: the notes the last package held, as
#                           their Card field says (``<deck id>/<card id>``), so
#                           a re-export can list the notes of cards that left the deck

CARD_KINDS = ("recall", "cloze", "name", "order")
# The most items a framework of a deck may have: as many as one answer may be
# graded against (grading.MAX_ITEMS), far beyond any speech's (the bundled
# decks' longest has 14), so a deck that reads is a deck that can be drilled.
MAX_FRAMEWORK_ITEMS = MAX_ITEMS


@dataclass
class Card:
    id: str  # "<framework id>/<kind>[/<item key>]", unique within a deck
    deck: str  # the deck's id
    framework: str  # the framework's id
    kind: str  # recall / cloze / name / order
    prompt: str
    answer: list[str]
    ordered: bool
    context: str = ""  # for a cloze: the source sentence with the item blanked
    others: Sequence[str] = field(default_factory=list)  # for a cloze: the framework's other items
    # Where the items come from, when not from a speech: 出自：党的十九大报告（2017）.
    stated_in: str = ""
    # The framework's note (the instructor's words on it), shown with the answer.
    note: str = ""
    # For a choice card: the options shown, numbered 1…; ``answer`` holds the right ones.
    options: list[str] = field(default_factory=list)
    # The learning stage (learning.Stage) this card is asked at while its
    # framework is learned; "" for a card the scheduler has.
    stage: str = ""


class CardKeys(NamedTuple):
    """A deck's cards as counting sees them: each card's id, framework id
    and kind, in the order of :meth:`Deck.cards`."""

    ids: tuple[str, ...]
    frameworks: tuple[str, ...]
    kinds: tuple[str, ...]


@dataclass
class Deck:
    path: Path | None
    title: str
    source: str  # as written in the file: relative to the deck's folder
    encoding: str = "utf-8"
    note: str = ""
    frameworks: list[Framework] = field(default_factory=list)
    # Ids of extracted candidates an instructor rejected (`drill author`):
    # kept so that a later review does not offer them again; not drilled.
    rejected: list[str] = field(default_factory=list)
    # A reference deck: national formulations with where each was stated,
    # and no speech; its items are checked against nothing but themselves.
    reference: bool = False
    # The notes the last Anki package of this deck held (``<deck id>/<card
    # id>``, as their Card field says); the package format cannot delete a
    # note, so a re-export lists those whose card left the deck.
    anki_exported: list[str] = field(default_factory=list)
    # The deck's identity in the progress store (its ``id`` key): written
    # when drill first saves the deck, from its file name then, so renaming
    # the file later keeps its progress. Empty: the file name is the id.
    ident: str = ""
    # The parsed file, kept so that saving an edited deck keeps its comments
    # and layout: parsed (with tomlkit, which keeps them) from ``file_text`` when
    # the deck is first written; None until then, and for a deck made from an extraction.
    document: tomlkit.TOMLDocument | None = field(default=None, repr=False, compare=False)
    # The file's text as it was read (a deck is read for drilling with the
    # faster tomllib, which keeps no comments); None for a deck not read from a file.
    # (None by a factory, not a default: an instance without it, a cached deck's
    # before its first use, finds no class attribute and asks __getattr__)
    file_text: str | None = field(default_factory=lambda: None, repr=False, compare=False)
    # The cards last made, with what they were made of and their keys (see :meth:`cards`).
    _made: tuple[tuple, tuple[Card, ...], CardKeys] | None = field(
        default=None, init=False, repr=False, compare=False)
    # A deck read from the deck cache (deck_cache.py): its cards' keys as the
    # cache holds them, good while the frameworks' card inputs are those they
    # were made of (the key, taken when the frameworks are first read; None
    # until then), and what reads the frameworks on their first use.
    # (The keys may be what makes them of the cache's entry, when first asked:
    # :meth:`_known_keys`; None from it, the entry is damaged.)
    _known: tuple[tuple | None, CardKeys | Callable[[], CardKeys | None]] | None = field(
        default=None, init=False, repr=False, compare=False)
    _pending: Callable[[], list[Framework]] | None = field(default=None, init=False, repr=False, compare=False)
    # a cached deck's file bytes (or what reads them, for a deck taken from the
    # cache by its path alone), decoded into file_text on its first use
    _raw: bytes | Callable[[], bytes] | None = field(default=None, init=False, repr=False, compare=False)
    # a cached deck's cards as the cache holds them, made of its frameworks as
    # they were read (taken as the cards made, with their key, on that first read)
    _cached: tuple[Card, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def __getattr__(self, name: str):
        # only for an attribute the instance lacks: a cached deck's frameworks
        # and file text before their first use
        raw = self.__dict__.get("_raw")
        if name == "file_text" and raw is not None:
            text = self.__dict__["file_text"] = (raw() if callable(raw) else raw).decode("utf-8-sig")
            self._raw = None
            return text
        pending = self.__dict__.get("_pending")
        if name != "frameworks" or pending is None:
            raise AttributeError(name)
        frameworks = pending()
        self.__dict__["frameworks"] = frameworks
        self._pending = None
        keys = self._known_keys()
        if keys is not None:
            self._known = (inputs := self._inputs_key(), keys)
            if self._cached is not None:  # the cards made of these frameworks: not made again
                self._made = (inputs, self._cached, keys)
        self._cached = None
        return frameworks

    def _known_keys(self) -> CardKeys | None:
        """The cards' keys the deck cache gave, made of its entry when first
        asked; None when it gave none (or its entry's are damaged)."""
        known = self._known
        if known is None:
            return None
        keys = known[1]
        if callable(keys):
            made = keys()
            self._known = None if made is None else (known[0], made)
            return made
        return keys

    @property
    def id(self) -> str:
        if self.ident:
            return self.ident
        return self.path.stem if self.path is not None else fold(self.title)

    def source_path(self) -> Path | None:
        if not self.source:
            return None
        p = Path(self.source)
        if not p.is_absolute() and self.path is not None:
            p = self.path.parent / p
        return p

    def cards(self) -> list[Card]:
        """The deck's cards, in the order of its frameworks: a new list each
        call. They are made again only when what they are made of changed
        (the deck's id and each framework's :data:`CARD_INPUTS`), however the
        frameworks were edited: in place, replaced, added, removed or moved."""
        return list(self._cards()[1])

    def card_ids(self) -> tuple[str, ...]:
        """The ids of :meth:`cards`, in their order: the very same tuple
        while the cards are made of the same, so a caller may tell by it
        that they are the same cards."""
        return self.card_keys().ids

    def card_keys(self) -> CardKeys:
        """What counting needs of :meth:`cards` (their ids, frameworks and
        kinds), without making them for a deck the cache read whose
        frameworks are as it read them; the same tuples while the cards are
        made of the same (see :meth:`card_ids`)."""
        known = self._known
        if known is not None and ("frameworks" not in self.__dict__ or known[0] == self._inputs_key()):
            keys = self._known_keys()
            if keys is not None:
                return keys
        return self._cards()[2]

    def _inputs_key(self) -> tuple:
        return (self.id, tuple(map(_card_inputs, self.frameworks)))

    def _cards(self) -> tuple[tuple, tuple[Card, ...], CardKeys]:
        key = self._inputs_key()
        made = self._made
        if made is None or made[0] != key:
            cards = tuple(card for fw in self.frameworks for card in framework_cards(self.id, fw))
            keys = CardKeys(tuple(card.id for card in cards), tuple(card.framework for card in cards),
                            tuple(card.kind for card in cards))
            known = self._known_keys()
            if known is not None and known == keys:
                keys = known  # the same cards: the same tuples
            made = self._made = (key, cards, keys)
        return made


# Every field of a framework that its cards are made of: framework_cards
# reads these and no other (a test changes each other field and finds the
# same cards), so equal values make equal cards.
CARD_INPUTS = ("id", "kind", "name", "items", "ordered", "quote", "note", "document", "year", "origin")


def _card_inputs(fw: Framework) -> tuple:
    """What ``fw``'s cards are made of, as a value (its items copied: a list
    edited in place is another value)."""
    return (fw.id, fw.kind, fw.name, tuple(fw.items), fw.ordered, fw.quote, fw.note, fw.document,
            fw.year, fw.origin)


def _item_key(item: str) -> str:
    import hashlib  # (made when cards are: a start that takes its decks from the cache needs none)

    return hashlib.sha1(fold(item).strip().encode("utf-8")).hexdigest()[:8]


BLANK = "＿＿"
# A lead cut from the quote for a framework whose name gives its items away
# keeps at most this many characters either side of the blank: enough to
# recall the phrase by, short enough to read at a glance.
LEAD_BEFORE = 30
LEAD_AFTER = 16
# A cloze context with fewer characters than this besides the blank and the
# numbering (一、＿＿, 第一,＿＿) gives nothing to recall by: the framework's
# other items are shown instead.
CONTEXT_MIN_CHARS = 4
_STOPS = "。！？；;!?\n"
_PAUSES = "，,：:、"
_NUMBERING = LazyPattern(r"[\s\W\d一二三四五六七八九十第是要首先其次再最后_]")


def _lead(quote: str, items: list[str]) -> str:
    """The quote around the span of ``items``, with that span blanked: the
    words that lead into a set phrase. "" when the quote has no such words."""
    start = quote.find(items[0])
    end = quote.find(items[-1], max(start, 0))
    if start < 0 or end < 0:
        return ""
    end += len(items[-1])
    before, after = quote[:start], quote[end:]
    cut = max(before.rfind(ch) for ch in _STOPS) + 1
    before = before[cut:]
    if len(before) > LEAD_BEFORE:
        window = before[-LEAD_BEFORE:]
        pause = min((i for i in (window.find(ch) for ch in _PAUSES) if i >= 0), default=-1)
        before = "…" + window[pause + 1:]
    stop = min((i for i in (after.find(ch) for ch in _STOPS + "，,：:") if i >= 0), default=len(after))
    after = after[:stop]
    if len(after) > LEAD_AFTER:
        after = after[:LEAD_AFTER] + "…"
    if not _NUMBERING.sub("", before + after):
        return ""
    return (before + BLANK + after).replace("：", " ").replace(":", " ")  # the prompt's colon is its own


def _gives_away(name: str, items: list[str]) -> bool:
    folded = fold(name)
    return any(fold(item) in folded for item in items)


# A cloze card of a long framework lists at most this many of the other
# items either side of its blank (a framework of up to 31 items, twice the
# bundled decks' longest, shows them all), and one whose quote is longer than QUOTE_WINDOW_FROM shows only this
# many characters of it either side of the blank: what a trainee reads at a
# glance, and what keeps a framework's cards linear in its items.
CLOZE_NEIGHBOURS = 15
QUOTE_WINDOW_FROM = 600
QUOTE_WINDOW = 150


class _Others(Sequence[str]):
    """A framework's items but one, without copying them for every cloze card."""

    def __init__(self, items: list[str], skip: int) -> None:
        self._items, self._skip = items, skip

    def __len__(self) -> int:
        return len(self._items) - 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._items[index + (index >= self._skip)]

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return repr(list(self))


def _listed(items: list[str], i: int) -> str:
    """The items around item ``i``, that item blanked (and any copy of it)."""
    item = items[i]
    low, high = max(0, i - CLOZE_NEIGHBOURS), min(len(items), i + CLOZE_NEIGHBOURS + 1)
    shown = "、".join(BLANK if other == item else other for other in items[low:high])
    return ("…" if low > 0 else "") + shown + ("…" if high < len(items) else "")


def _in_quote(quote: str, items: list[str], places: list[int], k: int) -> str:
    """The quote with item ``k`` blanked where it stands, and its copies
    (not those inside another item): all of the quote, or, for a long
    quote, QUOTE_WINDOW characters either side of it."""
    at, item = places[k], items[k]
    if len(quote) <= QUOTE_WINDOW_FROM:
        start, end = 0, len(quote)
    else:
        start, end = max(0, at - QUOTE_WINDOW), min(len(quote), at + len(item) + QUOTE_WINDOW)
    spans = [(max(a, start), min(b, end)) for a, b in _copies(quote, items, places, [k])
             if a >= start and b <= end]
    window = _blank_spans(quote[start:end], [(a - start, b - start) for a, b in spans])
    return ("…" if start > 0 else "") + window + ("…" if end < len(quote) else "")


# The question each kind's recall card asks of a name that does not ask one itself.
QUESTIONS = {"abbreviation": "它指哪几项", "enumeration": "分别是什么", "outline": "讲话的几个部分",
             "parallel": "原话怎么说"}
# Asked of a name that counts a word its items do not hold (四个“深感”, whose
# points open with 领袖嘱托殷殷…, and say what is 深感 only after): what the
# items are, the opening words of each point.
OPENINGS_QUESTION = "每一点开头怎么说"
# A name whose last part asks already (谋划工作要抓哪三个方面) is asked as it
# stands, not asked again (…要抓哪三个方面：分别是什么？).
_ASKS = LazyPattern(r"哪|什么|什麼|甚麼|怎么|怎麼|如何|为何|為何|几[个项点种条大方类]|幾[個項點種條大方類]")
# A name that counts a quoted word: 四个“深感”, 三个“要督得”, 三個“要把…作為”.
_COUNTED_WORD = LazyPattern(r"[一二三四五六七八九十两兩\d]+[个個项項种種大条條点點类類]?[^“”：:]{0,6}“([^”]+)”")
# Words that number the points rather than name them (一是…二是…, 一要…二要…):
# a name counting them asks for the points themselves.
MARKER_WORDS = frozenset("是要")


def asks_itself(cue: str) -> bool:
    """Does the last part of ``cue`` (after its last colon) ask a question already?"""
    last = re.split(r"[：:]", cue)[-1]
    return bool(_ASKS.search(last))


def counted_word_missing(name: str, items: list[str]) -> str:
    """The quoted word ``name`` counts (四个“深感”) when no item holds it,
    else "": such a name does not say what its items are."""
    for m in _COUNTED_WORD.finditer(name):
        word = m.group(1)
        if word in MARKER_WORDS:
            continue
        parts = [fold(p) for p in re.split(r"…+|\.{3}", word) if p.strip()]
        if parts and not all(any(p in fold(item) for item in items) for p in parts):
            return word
    return ""


def speaker(fw: Framework):
    """Words drill writes into a card, in the framework's own script: a deck in
    traditional characters is asked in traditional characters."""
    text = fw.name + "".join(fw.items) + fw.quote
    return to_traditional if is_traditional(text) else (lambda words: words)


def framework_cards(deck_id: str, fw: Framework) -> list[Card]:
    """The cards one framework yields.

    A framework's name is its prompt, unless the name gives items away (a
    set phrase named by its own words): then the prompt is the sentence
    leading into it, with the phrase blanked, or failing that the phrase's
    first character. A framework that says where it was stated (the
    reference deck's, or one filled in from it) has every card say so, and
    every card carries the framework's note, for the answer side.
    """
    cards = _framework_cards(deck_id, fw)
    stated = fw.stated_in()
    for card in cards:
        card.stated_in = stated
        card.note = fw.note
    return cards


def framework_cue(fw: Framework) -> str:
    """What a card asks a framework by: its name, unless the name gives items
    away (a set phrase named by its own words); then the sentence leading
    into it with the phrase blanked, or failing that its first character."""
    items = [i for i in fw.items if i.strip()]
    if not items or not _gives_away(fw.name, items):
        return fw.name
    cue = _lead(fw.quote, items) or _note_lead(fw, items)
    if not cue:
        first = next((ch for ch in items[0] if ch.isalnum()), items[0][:1])
        where = f"{fw.document}中" if fw.document else ""
        cue = where + speaker(fw)(f"以“{first}”开头的一组提法")
    return cue


def _framework_cards(deck_id: str, fw: Framework) -> list[Card]:
    items = [i for i in fw.items if i.strip()]
    if not items:
        return []
    n = len(items)
    say = speaker(fw)
    what = QUESTIONS.get(fw.kind, "分别是什么")
    cue = framework_cue(fw)
    if cue == fw.name and counted_word_missing(fw.name, items):
        question = say(f"：{OPENINGS_QUESTION}？（{n}项）")
    elif cue == fw.name and asks_itself(cue):
        question = say(f"？（{n}项）")
    else:
        question = say(f"：{what}？（{n}项）")
    cards = [Card(f"{fw.id}/recall", deck_id, fw.id, "recall", cue + question, items, fw.ordered)]
    if n >= 2:
        cloze_cue = say("原话填空") if cue != fw.name else fw.name + say("：填空")
        copies = Counter(items)
        places = item_places(fw.quote, items)  # 发展 not inside 高质量发展
        for i, item in enumerate(items):
            listed = _listed(items, i)
            if fw.document and not fw.quote:
                # no speech around it: the list under its name, or, when the
                # name is the items run together (亲诚惠容) and would answer
                # the card, under the document it was stated in
                listed = f"{fw.name if cue == fw.name else fw.document}：{listed}"
            found = places[i]
            context = _in_quote(fw.quote, items, places, i) if found >= 0 else listed
            if len(_NUMBERING.sub("", context.replace(BLANK, ""))) < CONTEXT_MIN_CHARS:
                context = listed
            cards.append(Card(f"{fw.id}/cloze/{_item_key(item)}", deck_id, fw.id, "cloze",
                              cloze_cue, [item], True, context,
                              _Others(items, i) if copies[item] == 1 else
                              [other for other in items if other != item]))
    if fw.kind == "abbreviation" and n >= 2:
        cards.append(Card(f"{fw.id}/name", deck_id, fw.id, "name",
                          say("这几项合称什么？") + "、".join(items), [fw.name], True))
    if fw.ordered and n >= 3:
        # the cue says which framework it is (the sentence leading into a set
        # phrase, its items blanked): the items shown do not
        order_cue = cue + say("：按原文顺序排列")
        cards.append(Card(f"{fw.id}/order", deck_id, fw.id, "order", order_cue, items, True))
    return cards


def _note_lead(fw: Framework, items: list[str]) -> str:
    """For a framework with no speech around it (the reference deck's 亲诚惠容),
    the words of its note that lead into its name, the name blanked: the
    usage a trainee recalls it by. "" when the note holds no such words, or
    they would give an item away."""
    if fw.quote or fw.name not in fw.note:
        return ""
    lead = _lead(fw.note, [fw.name])
    if not lead or any(fold(item) in fold(lead.replace(BLANK, "")) for item in items):
        return ""
    return lead


def blank_answer(text: str, answer: list[str]) -> str:
    """``text`` with the items of ``answer`` blanked: each where it stands
    (see :func:`item_places`), and every other copy of it, so that nothing
    gives it away, except a copy inside another item (发展 in 高质量发展).
    The source sentence as it may be shown before the card is answered."""
    places = item_places(text, answer)
    return _blank_spans(text, _copies(text, answer, places, range(len(answer))))


def item_places(text: str, items: list[str]) -> list[int]:
    """Where each item stands in ``text``: the first place at or after the
    item before it (else the first free one), never inside another item's
    place; -1 for an item not in it."""
    taken: list[tuple[int, int]] = []
    places = []
    pos = 0
    for item in items:
        at = _free(text, item, pos, taken) if item.strip() else -1
        if at < 0 and item.strip():
            at = _free(text, item, 0, taken)
        if at >= 0:
            taken.append((at, at + len(item)))
            pos = at + len(item)
        places.append(at)
    return places


def _copies(text: str, items: list[str], places: list[int], blanked) -> list[tuple[int, int]]:
    """The spans to blank for the items numbered in ``blanked``: their places
    and every copy of them that is not inside another item's place."""
    own = [(places[k], places[k] + len(items[k])) for k in blanked if places[k] >= 0]
    others = [(at, at + len(item)) for k, (item, at) in enumerate(zip(items, places))
              if at >= 0 and k not in blanked]
    spans = list(own)
    for k in blanked:
        item = items[k]
        if not item.strip():
            continue
        at = text.find(item)
        while at >= 0:
            span = (at, at + len(item))
            if not any(a < span[1] and span[0] < b for a, b in spans + others):
                spans.append(span)
            at = text.find(item, at + 1)
    return sorted(spans)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for a, b in spans:
        out.append(text[pos:a])
        out.append(BLANK)
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _free(text: str, item: str, pos: int, taken: list[tuple[int, int]]) -> int:
    """The first place of ``item`` in ``text`` at or after ``pos`` that
    overlaps none of ``taken``; -1 if none."""
    at = text.find(item, pos)
    while at >= 0 and any(a < at + len(item) and at < b for a, b in taken):
        at = text.find(item, at + 1)
    return at


def order_shown(card: Card) -> list[str]:
    """The items of an order card as the trainee is shown them: shuffled the
    same way every time (seeded by the card's id), and never already in order."""
    items = list(card.answer)
    random.Random(card.id).shuffle(items)
    if items == card.answer and len(set(items)) > 1:
        items = items[1:] + items[:1]
    return items


def order_numbered(card: Card) -> list[str]:
    """An order card's shown items as lines, numbered ① ② ③ so that the
    trainee may answer by their numbers (3 1 2)."""
    return order_numbered_items(order_shown(card))


def order_numbered_items(items: list[str]) -> list[str]:
    """``items`` as lines numbered ① ② ③."""
    from drill.core.grading import numbered

    return [f"{numbered(n)} {item}" for n, item in enumerate(items, 1)]


# A deck's id: what the progress store files its cards under, and what an
# Anki package names it by (``<deck id>/<card id>``).
ID_MAX_CHARS = 100
ID_RULE = (f"'id' must be a name of 1 to {ID_MAX_CHARS} characters without / or control characters "
           "(the deck's identity in the progress store)")


def valid_id(value: object) -> bool:
    return (isinstance(value, str) and 0 < len(value) <= ID_MAX_CHARS and value == value.strip()
            and "/" not in value and value.isprintable())


# --------------------------------------------------------------------------
# writing


def to_toml(deck: Deck) -> str:
    """The deck as TOML. A deck read from a file is written back into that
    file's document, so the instructor's comments and layout survive."""
    import tomlkit

    if deck.document is None and deck.file_text is not None:
        deck.document = _parse_document(deck.path, deck.file_text)
    if deck.document is not None:
        return tomlkit.dumps(_update_document(deck))
    doc = tomlkit.document()
    for line in HEADER.splitlines():
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    doc["format"] = FORMAT
    doc["title"] = deck.title
    doc["id"] = deck.id
    if deck.reference:
        doc["reference"] = True
    if deck.source or not deck.reference:
        doc["source"] = deck.source
        doc["encoding"] = deck.encoding
    if deck.note:
        doc["note"] = deck.note
    if deck.rejected:
        doc["rejected"] = _string_array(deck.rejected)
    if deck.anki_exported:
        doc["anki_exported"] = _string_array(deck.anki_exported)
    if deck.frameworks:  # an empty array would be written `frameworks = []`, which no table may follow
        frameworks = tomlkit.aot()
        for fw in deck.frameworks:
            frameworks.append(_framework_table(fw, provenance=not deck.reference))
        doc["frameworks"] = frameworks
    return tomlkit.dumps(doc)


def _string_array(values: list[str]):
    import tomlkit

    array = tomlkit.array()
    array.multiline(len(values) > 1)
    array.extend(values)
    return array


def _review_fields(fw: Framework) -> list[tuple[str, object]]:
    """The keys `drill author` records on a framework, written only when set."""
    return [("own", list(fw.own)), ("merged", list(fw.merged)), ("extracted", fw.extracted)]


def _stated_fields(fw: Framework) -> list[tuple[str, object]]:
    """Where a framework was stated and what it is also called, written only when set."""
    return [("document", fw.document), ("year", fw.year), ("url", fw.url),
            ("aliases", list(fw.aliases)), ("origin", fw.origin)]


def _without_extract_warnings(table):
    """The framework's table without the comments `drill extract` wrote
    (``# extract: …``), once the framework is judged; other comments stay."""
    import tomlkit

    body = table.value.body
    if not any(key is None and isinstance(item, tomlkit.items.Comment)
               and item.as_string().strip().startswith("# extract:") for key, item in body):
        return table
    kept = tomlkit.table()
    for key, item in body:
        if key is None:
            if not (isinstance(item, tomlkit.items.Comment)
                    and item.as_string().strip().startswith("# extract:")):
                kept.add(item)
        else:
            kept.add(key, item)
    return kept


def _framework_table(fw: Framework, provenance: bool = True):
    import tomlkit

    table = tomlkit.table()
    for warning in fw.warnings:
        table.add(tomlkit.comment(f"extract: {warning}"))
    table["id"] = fw.id
    table["kind"] = fw.kind
    table["name"] = fw.name
    items = tomlkit.array()
    items.multiline(len(fw.items) > 1)
    for item in fw.items:
        items.append(item)
    table["items"] = items
    table["ordered"] = fw.ordered
    table["tags"] = list(fw.tags)
    table["note"] = fw.note
    for key, value in _stated_fields(fw):
        if value:
            table[key] = _string_array(value) if isinstance(value, list) else value
    if provenance or fw.quote or fw.start or fw.end:  # a reference framework has no place in a speech
        table["quote"] = fw.quote
        table["start"] = fw.start
        table["end"] = fw.end
    for key, value in _review_fields(fw):
        if value:
            table[key] = _string_array(value) if isinstance(value, list) else value
    return table


def _update_document(deck: Deck):
    import tomlkit

    doc = deck.document
    assert doc is not None  # a deck read from a file keeps its document
    value: object
    for key, value in (("title", deck.title), ("source", deck.source), ("encoding", deck.encoding)):
        if deck.reference and key != "title" and (not value or (key == "encoding" and value == "utf-8")):
            if key in doc and not value:
                del doc[key]
            continue  # a reference deck has no speech, so no source to decode
        if doc.get(key) != value:
            doc[key] = value
    if doc.get("id") != deck.id:
        doc["id"] = deck.id  # the identity is kept from the first save on
    if deck.reference != bool(doc.get("reference", False)):
        if deck.reference:
            doc["reference"] = True
        else:
            del doc["reference"]
    if deck.note or "note" in doc:
        doc["note"] = deck.note
    if deck.rejected:
        if list(doc.get("rejected", [])) != list(deck.rejected):
            doc["rejected"] = _string_array(deck.rejected)
    elif "rejected" in doc:
        del doc["rejected"]
    if deck.anki_exported:
        if list(doc.get("anki_exported", [])) != list(deck.anki_exported):
            doc["anki_exported"] = _string_array(deck.anki_exported)
    elif "anki_exported" in doc:
        del doc["anki_exported"]
    if "frameworks" not in doc:
        doc["frameworks"] = tomlkit.aot()
    aot = doc["frameworks"]
    old_tables: dict[str, Any] = {}
    for table in aot:
        old_tables.setdefault(str(table.get("id")), table)
    tables = []
    for fw in deck.frameworks:
        table = old_tables.get(fw.id)
        if table is None:
            tables.append(_framework_table(fw, provenance=not deck.reference))
            continue
        if fw.extracted and not fw.warnings:
            table = _without_extract_warnings(table)
        fields: tuple[tuple[str, object], ...] = (
            ("kind", fw.kind), ("name", fw.name), ("ordered", fw.ordered), ("tags", list(fw.tags)),
            ("note", fw.note), ("quote", fw.quote), ("start", fw.start), ("end", fw.end))
        for key, value in fields:
            if deck.reference and key in ("quote", "start", "end") and not value and key not in table:
                continue  # a reference framework has no place in a speech
            if table.get(key) != value:
                table[key] = value
        for key, value in _stated_fields(fw) + _review_fields(fw):
            if not value:
                if key in table:
                    del table[key]
            elif (list(table.get(key, [])) if isinstance(value, list) else table.get(key)) != value:
                table[key] = _string_array(value) if isinstance(value, list) else value
        if list(table.get("items", [])) != list(fw.items):
            items = tomlkit.array()
            items.multiline(len(fw.items) > 1)
            items.extend(fw.items)
            table["items"] = items
        tables.append(table)
    # Edit the array in place (tomlkit keeps each table's comments with it);
    # rebuild it only when frameworks were added, removed or moved.
    if [id(t) for t in aot] != [id(t) for t in tables]:
        while len(aot):
            del aot[0]
        for table in tables:
            aot.append(table)
    return doc


def deck_from_extraction(extraction, deck_path: Path | None) -> Deck:
    """A new deck for an extraction; the source path is stored relative to the deck."""
    source = Path(extraction.source.path)
    rel = str(source)
    if deck_path is not None:
        try:
            import os

            rel = os.path.relpath(source.resolve(), deck_path.resolve().parent)
        except ValueError:  # another drive
            rel = str(source.resolve())
    return Deck(deck_path, extraction.source.title, rel.replace("\\", "/"),
                extraction.source.encoding, "", list(extraction.frameworks),
                ident=deck_path.stem if deck_path is not None else "")


def save(deck: Deck, path: Path) -> None:
    """Write a deck atomically: a crash leaves the old file or the new one."""
    text = to_toml(deck)
    def write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8", newline="\n")

    write_atomically(path, write)
    deck.path = path


# --------------------------------------------------------------------------
# reading and checking


@dataclass
class Problem:
    path: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


# A TOML string on one line: "basic" with escapes, or 'literal'.
_STRING = LazyPattern(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def _key_pattern(key: str) -> re.Pattern:
    """A line that sets ``key``, bare or quoted."""
    k = re.escape(key)
    return re.compile(rf"""^\s*(?:{k}|"{k}"|'{k}')\s*=""")


class KeyLines(Protocol):
    """Where a framework's keys and items stand, for messages: the lines of
    a deck file, or one spreadsheet row's line."""

    def framework(self, index: int, key: str | None = None) -> int | None: ...

    def items(self, index: int) -> list[int]: ...


class _Lines:
    """Line numbers of the keys and items of a deck file, which tomlkit does not keep."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers = [i + 1 for i, line in enumerate(self.lines)
                        if re.match(r"^\s*\[\[\s*frameworks\s*\]\]", line)]

    def _block(self, index: int) -> tuple[int, int]:
        """The framework's lines, 1-based, [header, next header)."""
        start = self.headers[index]
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        return start, end

    def top(self, key: str) -> int | None:
        end = self.headers[0] if self.headers else len(self.lines) + 1
        pattern = _key_pattern(key)
        for i in range(end - 1):
            if pattern.match(self.lines[i]):
                return i + 1
        return None

    def framework(self, index: int, key: str | None = None) -> int | None:
        if index >= len(self.headers):
            return None
        start, end = self._block(index)
        if key is None:
            return start
        pattern = _key_pattern(key)
        for number in range(start + 1, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def items(self, index: int) -> list[int]:
        """The line of each item of the framework's ``items`` array, in order."""
        first = self.framework(index, "items")
        if first is None or first == self.headers[index]:
            return []
        _, end = self._block(index)
        found: list[int] = []
        depth = 0
        for number in range(first, end):
            line = self.lines[number - 1]
            pos = line.index("=") + 1 if number == first else 0
            while pos < len(line):
                ch = line[pos]
                if ch == "#":
                    break
                if ch == "[":
                    depth += 1
                elif ch == "]":
                    depth -= 1
                    if depth <= 0:
                        return found
                elif ch in "\"'":
                    m = _STRING.match(line, pos)
                    if m is None:
                        return found
                    if depth == 1:
                        found.append(number)
                    pos = m.end()
                    continue
                pos += 1
        return found


def _read(path: Path, data: bytes | None = None) -> str:
    """The deck file's text; ``data``: its bytes, read already."""
    if data is None:
        data = read_limited(path, what="a deck file")
    if not data.strip():
        raise DrillError("the deck file is empty", path)
    if b"\x00" in data:
        raise DrillError("this is a binary file, not a deck (TOML) file", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DrillError(f"a deck file must be UTF-8 (byte {exc.start} is not)", path, line) from None


def _parse(path: Path, text: str) -> dict:
    """The deck file's data, read with tomllib (fast); what tomllib refuses
    is read with tomlkit, which says why in drill's own words (or reads it)."""
    import tomllib  # (a start reads its decks from the deck cache)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return _parse_document(path, text).unwrap()


def _parse_document(path: Path | None, text: str):
    """The deck file as tomlkit reads it: every comment and its layout kept, for writing it back."""
    import tomlkit
    from tomlkit.exceptions import ParseError, TOMLKitError

    try:
        return tomlkit.parse(text)
    except ParseError as exc:
        reason = str(exc).split(" at line")[0]
        raise DrillError(f"not valid TOML: {reason}", path, getattr(exc, "line", None)) from None
    except TOMLKitError as exc:  # a key given twice, and other structural mistakes
        line = _duplicate_line(text, exc)
        raise DrillError(f"not valid TOML: {exc}", path, line) from None


def _duplicate_line(text: str, exc: Exception) -> int | None:
    """The line of the second of two equal keys that tomlkit reports without a line."""
    m = re.search(r'Key "([^"]+)" already exists', str(exc))
    if not m:
        return None
    key = re.escape(m.group(1))
    seen_in_table: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*\[", line):
            seen_in_table = set()
            continue
        km = re.match(rf'^\s*["\']?({key})["\']?\s*=', line)
        if km:
            if km.group(1) in seen_in_table:
                return number
            seen_in_table.add(km.group(1))
    return None


def check(path: str | Path, against_source: bool = True,
          cards: bool = True, content: bytes | None = None) -> tuple[Deck | None, list[Problem]]:
    """Read a deck and report every problem in it (nothing is raised for content).

    ``against_source`` also reads the speech to check that every item is
    still in it; ``cards`` checks the cards the frameworks make (see
    :func:`card_problems`). Drilling needs neither, and skips them.
    ``content``: the file's bytes, when the caller read them already."""
    path = Path(path)
    problems: list[Problem] = []

    def problem(line, message, warning=False):
        problems.append(Problem(str(path), line, message, warning))

    try:
        text = _read(path, content)
        data = _parse(path, text)
    except DrillError as exc:
        return None, [Problem(str(path), exc.line, exc.message)]
    lines = _Lines(text)
    for key in data:
        if key not in TOP_KEYS:
            problem(lines.top(key), f"unknown key '{key}'")
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        problem(lines.top("format"), f"deck format {fmt!r} is not known (this drill reads {FORMAT})")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problem(lines.top("title") or 1, "the deck has no title")
        title = path.stem
    ident = data.get("id", "")
    if ident != "" and not valid_id(ident):
        problem(lines.top("id"), ID_RULE)
        ident = ""
    source = data.get("source", "")
    if not isinstance(source, str):
        problem(lines.top("source"), "'source' must be a path")
        source = ""
    reference = data.get("reference", False)
    if not isinstance(reference, bool):
        problem(lines.top("reference"), "'reference' must be true or false")
        reference = False
    if reference and source:
        problem(lines.top("source"), "a reference deck has no source: its items stand on their own")
        source = ""
    deck = Deck(path, title, source, str(data.get("encoding", "utf-8")), str(data.get("note", "")),
                reference=reference, ident=ident, file_text=text)
    rejected = data.get("rejected", [])
    if not isinstance(rejected, list) or not all(isinstance(r, str) for r in rejected):
        problem(lines.top("rejected"), "'rejected' must be a list of framework ids")
        rejected = []
    deck.rejected = list(rejected)
    exported = data.get("anki_exported", [])
    if not isinstance(exported, list) or not all(isinstance(k, str) for k in exported):
        problem(lines.top("anki_exported"), "'anki_exported' must be a list of the notes' Card keys")
        exported = []
    deck.anki_exported = list(exported)
    raw_frameworks = data.get("frameworks", [])
    if not isinstance(raw_frameworks, list) or not all(isinstance(f, dict) for f in raw_frameworks):
        problem(lines.top("frameworks"), "'frameworks' must be tables written [[frameworks]]")
        raw_frameworks = []

    source_text = None
    src = deck.source_path() if against_source else None
    if src is not None:
        if src.is_file():
            try:
                from drill.core.extract.source import read_text

                source_text, _ = read_text(src)
            except DrillError as exc:
                problem(lines.top("source"), f"cannot read the source: {exc.message}", warning=True)
        else:
            problem(lines.top("source"), f"source {source} not found; items not checked against it",
                    warning=True)

    seen_ids: dict[str, int] = {}
    seen_names: dict[str, tuple[str, int]] = {}  # a reference deck's names and aliases
    places: list[int] = []  # each framework's index among the tables
    sound: list[bool] = []  # each framework's content passed its checks
    for index, raw in enumerate(raw_frameworks):
        here = lines.framework(index)
        before = sum(1 for p in problems if not p.warning)
        fw = _framework(raw, index, lines, problem)
        if fw is None:
            continue
        if reference:
            _check_stated(fw, raw, index, lines, problem, seen_names)
        if fw.id in seen_ids:
            problem(lines.framework(index, "id"),
                    f"duplicate id '{fw.id}' (also at line {seen_ids[fw.id]})")
        else:
            seen_ids[fw.id] = lines.framework(index, "id") or here or 0
        _check_content(fw, index, lines, problem, source_text, against_reference=against_source,
                       reference_deck=reference)
        if fw.id in deck.rejected:
            problem(lines.framework(index, "id"),
                    f"'{fw.id}' is listed as rejected too; it is drilled", warning=True)
        deck.frameworks.append(fw)
        places.append(index)
        sound.append(sum(1 for p in problems if not p.warning) == before)
    if cards:
        # the cards of frameworks whose items are sound (an item given twice
        # makes two cards alike, and is reported already)
        checked = [k for k, ok in enumerate(sound) if ok]
        for k, key, message, warning in card_problems(deck.id, [deck.frameworks[k] for k in checked]):
            problem(lines.framework(places[checked[k]], key), message, warning)
    return deck, problems


def card_problems(deck_id: str, frameworks: list[Framework]) -> list[tuple[int, str, str, bool]]:
    """What is wrong with the cards ``frameworks`` (one deck's) make, as
    (the framework's index, the key to point at, message, warning): a
    framework that makes no card (an abbreviation whose items are not filled
    in), a parallel or enumeration of one item, and every flaw of the prompt audit (:mod:`drill.core.audit`):
    a prompt that gives its answer away or that another card has is refused,
    the other flaws are warned of."""
    from drill.core.audit import ERRORS, audit_cards

    found: list[tuple[int, str, str, bool]] = []
    cards: list[Card] = []
    index_of: dict[str, int] = {}
    for k, fw in enumerate(frameworks):
        made = framework_cards(deck_id, fw)
        if not made and (fw.items or fw.kind == "abbreviation"):
            found.append((k, "items", f"{fw.kind} '{fw.name[:30]}' makes no card: fill in its items", False))
        if fw.kind in ("parallel", "enumeration") and len([i for i in fw.items if i.strip()]) == 1:
            found.append((k, "items", f"{fw.kind} '{fw.name[:30]}' has one item: a list needs at least two "
                                      "(merge it into another, or add its other items)", False))
        index_of.setdefault(fw.id, k)
        cards += made
    by_id = {card.id: card for card in cards}
    for finding in audit_cards(cards, {fw.id: fw for fw in frameworks}):
        k = index_of[by_id[finding.card].framework]
        found.append((k, "name", f"card {finding}", finding.flaw not in ERRORS))
    return found


def _framework(raw: dict, index: int, lines: _Lines, problem) -> Framework | None:
    here = lines.framework(index)
    for key in raw:
        if key not in FRAMEWORK_KEYS:
            problem(lines.framework(index, key), f"unknown key '{key}'")
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        problem(here, "framework without " + ", ".join(f"'{k}'" for k in missing))
        return None
    kind = raw["kind"]
    if kind not in KINDS:
        problem(lines.framework(index, "kind"),
                f"unknown kind '{kind}' (one of {', '.join(KINDS)})")
        return None
    if not isinstance(raw["id"], str) or not raw["id"].strip():
        problem(lines.framework(index, "id"), "'id' must be a non-empty string")
        return None
    if not isinstance(raw["name"], str) or not raw["name"].strip():
        problem(lines.framework(index, "name"), "'name' must be a non-empty string")
        return None
    items = raw["items"]
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        problem(lines.framework(index, "items"), "'items' must be a list of strings")
        return None
    if len(items) > MAX_FRAMEWORK_ITEMS:
        problem(lines.framework(index, "items"),
                f"{counted(len(items), 'item')}; a framework has at most {MAX_FRAMEWORK_ITEMS} (split it)")
        return None
    ordered = raw.get("ordered", DEFAULT_ORDERED[kind])
    if not isinstance(ordered, bool):
        problem(lines.framework(index, "ordered"), "'ordered' must be true or false")
        ordered = DEFAULT_ORDERED[kind]
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problem(lines.framework(index, "tags"), "'tags' must be a list of strings")
        tags = []
    for key, typ, label in (("note", str, "text"), ("quote", str, "text"),
                            ("start", int, "a number"), ("end", int, "a number")):
        if key in raw and (not isinstance(raw[key], typ) or isinstance(raw[key], bool)):
            problem(lines.framework(index, key), f"'{key}' must be {label}")
    review = {}
    for key in ("own", "merged"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problem(lines.framework(index, key), f"'{key}' must be a list of strings")
            value = []
        review[key] = list(value)
    extracted = raw.get("extracted", "")
    if not isinstance(extracted, str):
        problem(lines.framework(index, "extracted"), "'extracted' must be text")
        extracted = ""
    stated: dict = {}
    for key in ("document", "url", "origin"):
        value = raw.get(key, "")
        if not isinstance(value, str):
            problem(lines.framework(index, key), f"'{key}' must be text")
            value = ""
        stated[key] = value
    if stated["origin"] and stated["origin"] not in ORIGINS:
        problem(lines.framework(index, "origin"),
                f"unknown origin '{stated['origin']}' (the one known is {', '.join(ORIGINS)})")
        stated["origin"] = ""
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        problem(lines.framework(index, "year"), "'year' must be a year (a whole number)")
        year = None
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problem(lines.framework(index, "aliases"), "'aliases' must be a list of strings")
        aliases = []
    start = raw.get("start", 0) if isinstance(raw.get("start", 0), int) else 0
    end = raw.get("end", 0) if isinstance(raw.get("end", 0), int) else 0
    return Framework(
        kind=kind, name=raw["name"], items=list(items), start=start, end=end,
        quote=raw.get("quote", "") if isinstance(raw.get("quote", ""), str) else "",
        id=raw["id"], ordered=ordered, tags=list(tags),
        note=raw.get("note", "") if isinstance(raw.get("note", ""), str) else "",
        own=review["own"], merged=review["merged"], extracted=extracted,
        document=stated["document"], year=year, url=stated["url"], aliases=list(aliases),
        origin=stated["origin"],
    )


def _check_stated(fw: Framework, raw: dict, index: int, lines: _Lines, problem,
                  seen_names: dict[str, tuple[str, int]]) -> None:
    """A reference deck's framework says where it was stated, and none of its
    names (the name and the aliases) is another framework's."""
    from drill.core.reference import name_key

    missing = [key for key in STATED_KEYS if not raw.get(key)]
    if missing:
        problem(lines.framework(index), f"'{fw.name}' of a reference deck needs "
                + ", ".join(f"'{k}'" for k in missing) + " (where it was stated)")
    if fw.year is not None and not 1900 <= fw.year <= 2100:
        problem(lines.framework(index, "year"), f"year {fw.year} is not a year of a document")
    if fw.url and not re.match(r"https?://\S+$", fw.url):
        problem(lines.framework(index, "url"), f"'url' must be a web address (http:// or https://)")
    if fw.origin:
        problem(lines.framework(index, "origin"), "a reference deck's framework has no origin: it is the reference")
    here = lines.framework(index) or 0
    for name in [fw.name, *fw.aliases]:
        key = name_key(name)
        if not key:
            problem(lines.framework(index, "aliases"), "an empty alias")
            continue
        other = seen_names.get(key)
        if other is not None and other[0] != fw.id:
            problem(lines.framework(index, "aliases" if name != fw.name else "name"),
                    f"the name '{name}' is also '{other[0]}''s (line {other[1]}): a name finds one framework")
        else:
            seen_names[key] = (fw.id, here)


def _check_content(fw: Framework, index: int, lines: KeyLines, problem, source_text: str | None,
                   against_reference: bool = True, reference_deck: bool = False) -> None:
    from drill.core.counts import expected_count, stated_count

    # Items filled in from the reference deck are checked against it, not
    # against the speech (which names the framework without its items).
    known = None
    if fw.origin == "reference" and against_reference:
        from drill.core import reference

        entry = reference.lookup(fw.name)
        if entry is None:
            problem(lines.framework(index, "origin"),
                    f"'{fw.name}' is marked origin = \"reference\" but the reference deck does not know it")
        else:
            known = {fold(i).strip() for i in entry.items}

    if not fw.items and fw.kind != "abbreviation":
        problem(lines.framework(index, "items"), f"{fw.kind} '{fw.name[:30]}' has no items")
    seen: set[str] = set()
    item_lines = lines.items(index)
    for k, item in enumerate(fw.items):
        line = item_lines[k] if k < len(item_lines) else lines.framework(index, "items")
        if not item.strip():
            problem(line, "empty item")
            continue
        key = fold(item).strip()
        if key in seen:
            problem(line, f"item '{item}' appears twice")
        seen.add(key)
        if fw.origin == "reference":
            if known is not None and key not in known and item not in fw.own:
                problem(line, f"item '{item}' is not one of the reference deck's items of '{fw.name}'")
        elif source_text is not None and item not in fw.own and not _in_speech(item, source_text):
            # an item in the instructor's own wording (listed in 'own') is exempt
            problem(line, f"item '{item}' is not in the source any more")
    # a framework written without a quote or offsets has nothing to point with
    if source_text is not None and fw.items and (fw.quote or fw.start or fw.end):
        from drill.core.authoring import anchored

        lost = [i for i in fw.items if i not in fw.own and not _in_speech(i, source_text)]
        if not lost and not anchored(fw, source_text):
            line = lines.framework(index, "quote") or lines.framework(index)
            problem(line, "the quote and start/end do not point at the framework's items in the speech"
                          " (drill deck check --fix re-anchors them)")
    for word in fw.own:
        if word not in fw.items:
            problem(lines.framework(index, "own"), f"'own' lists '{word}', which is not an item",
                    warning=True)
    if not fw.items:
        return
    if fw.kind == "abbreviation":
        expected = expected_count(fw.name)
        if expected is not None and len(fw.items) not in _name_counts(fw.name, expected):
            problem(lines.framework(index, "items"),
                    f"'{fw.name}' says {expected} but has {counted(len(fw.items), 'item')}")
    elif fw.kind == "enumeration":
        expected = stated_count(fw.name)
        if expected is not None and expected != len(fw.items):
            problem(lines.framework(index, "items"),
                    f"the lead says {expected} but {'there is' if len(fw.items) == 1 else 'there are'} {counted(len(fw.items), 'item')}", warning=True)
    elif fw.kind in ("parallel", "outline") and not reference_deck:
        # (a reference deck's names are the documents' own: 两大历史任务 is four words)
        expected = named_count(fw.name)
        if expected is not None and expected != len(fw.items):
            problem(lines.framework(index, "items"),
                    f"the name says {expected} but {'there is' if len(fw.items) == 1 else 'there are'} "
                    f"{counted(len(fw.items), 'item')}", warning=True)


def named_count(name: str) -> int | None:
    """The count a name says (四个要求, 区域发展的四项战略), if it says one:
    not a congress or a session (十九大报告, 二十届三中全会), nor an ordinal (第三)."""
    from drill.core.counts import COUNT
    from drill.core.text import cn_number

    values = {cn_number(m.group(1)) for m in COUNT.finditer(name)
              if not name.startswith(("报告", "会", "次", "届"), m.end())
              and not (m.start() > 0 and name[m.start() - 1] in "第届")}
    values = {v for v in values if v is not None and v >= 2}  # 一条 counts nothing
    return values.pop() if len(values) == 1 else None


def _in_speech(words: str, text: str) -> bool:
    """Words of the speech: a piece of it, or of it as it reads (across a page break)."""
    if words in text:
        return True
    from drill.core.authoring import in_speech

    return in_speech(words, text)


_NUMERALS = LazyPattern(r"[一二两三四五六七八九十百千双]+|\d+")


def _name_counts(name: str, expected: int) -> set[int]:
    """The item counts a name allows: the one extraction expects, and the sum
    of its numerals where both readings are usual: 三抓三促 is three pairs
    (抓学习促提升…) but 三严三实 six items; 一个中心、两个基本点 and 一带一路
    count every numeral; 五位一体 is five in one."""
    from drill.core.text import cn_number

    values = [cn_number(n) for n in _NUMERALS.findall(name)]
    counts = {expected}
    known = [v for v in values if v is not None]
    if len(values) > 1 and len(known) == len(values):
        counts.add(sum(known))
    if re.search(r"位一体$", name) and values and values[0] is not None:
        counts.add(values[0])
    return counts


def framework_problems(fw: Framework, source_text: str | None = None) -> list[Problem]:
    """What `drill deck check` says about one framework's content (without
    line numbers): for tools that build frameworks before writing them."""
    problems: list[Problem] = []

    def problem(line, message, warning=False):
        problems.append(Problem("", None, message, warning))

    _check_content(fw, 0, _Lines(""), problem, source_text)
    return problems


def load(path: str | Path, data: bytes | None = None) -> Deck:
    """Read a deck for drilling: raises :class:`DrillError` at its first real
    problem. ``data``: the file's bytes, when the caller read them already."""
    deck, problems = check(path, against_source=False, cards=False, content=data)
    errors = [p for p in problems if not p.warning]
    if deck is None or errors:
        first = errors[0]
        raise DrillError(first.message, first.path, first.line)
    return deck


def find_decks(dirs: list[Path]) -> list[Path]:
    found = []
    for d in dirs:
        if d.is_dir():
            found.extend(sorted(p for p in d.glob("*.toml") if p.is_file()))
    return found


def load_all(dirs: list[Path], cache: bool = True) -> tuple[list[Deck], list[str]]:
    """The decks in ``dirs``, and a line for each file that could not be
    used: one that does not load, or one whose id another deck already has
    (a copied deck file keeps its id; the first found is used).

    With ``cache`` each file is looked up in the deck cache by its content
    (:mod:`drill.core.deck_cache`) and read only when the cache lacks it."""
    read: Callable[[Path], Deck] = load
    kept = None
    if cache:
        from drill.core.deck_cache import DeckCache

        kept = DeckCache()
        read = kept.load
    found, errors = _gathered(find_decks(dirs), read)
    if kept is not None:
        kept.save()
    return found, errors


def _gathered(paths: list[Path], read: Callable[[Path], Deck]) -> tuple[list[Deck], list[str]]:
    """The decks ``read`` makes of ``paths``, and a line for each that could
    not be used (see :func:`load_all`)."""
    found: list[Deck] = []
    errors: list[str] = []
    taken: dict[str, Path | None] = {}
    for path in paths:
        try:
            deck = read(path)
        except DrillError as exc:
            errors.append(str(exc))
            continue
        if deck.id in taken:
            errors.append(str(DrillError(
                f"the deck id '{deck.id}' is already the id of {taken[deck.id]}: give this deck "
                "its own id (the `id` line) to drill both", path)))
            continue
        taken[deck.id] = path
        found.append(deck)
    return found, errors


def recall_all(dirs: list[Path], read: bool = True) -> tuple[list[Deck], list[str], DeckCheck] | None:
    """The decks in ``dirs`` as :func:`load_all` finds them, but each file the
    deck cache found at the same path at its last reading taken from that
    entry without being read (a start shows its decks at once): they are
    what the files were then. :meth:`DeckCheck.run` then reads every file
    and gives the decks as :func:`load_all` would; until it has, a deck is
    taken as its file is now with :meth:`DeckCheck.verify`.

    Not ``read``: None when a file must be read (the cache has no entry for
    its path), so that a caller that must not wait for files can leave them
    to another thread."""
    from drill.core.deck_cache import DeckCache

    kept = DeckCache()
    check = DeckCheck(dirs, kept, read)
    try:
        found, errors = _gathered(find_decks(dirs), check._recall)
    except _Unread:
        return None
    return found, errors, check


class _Unread(Exception):
    """A deck file the cache does not know, not to be read now."""


class DeckCheck:
    """The decks :func:`recall_all` took from the deck cache unread, checked
    against their files: any thread may call :meth:`verify` and :meth:`run`."""

    def __init__(self, dirs: list[Path], kept, read: bool = True) -> None:
        import threading

        self.dirs = list(dirs)
        self._read = read
        self._kept = kept
        self._lock = threading.Lock()
        self._unread: dict[str, Deck] = {}  # path -> a deck taken unread from the cache
        self._checked: dict[str, Deck] = {}  # path -> a deck that is its file's content, as read here
        self.done = False

    def _recall(self, path: Path) -> Deck:
        deck = self._kept.recall(path)
        if deck is not None:
            self._unread[str(path)] = deck
            return deck
        if not self._read:
            raise _Unread(path)
        deck = self._kept.load(path)
        self._checked[str(path)] = deck
        return deck

    def _current(self, path: Path) -> Deck:
        """The deck the file at ``path`` holds now: the one taken unread when
        the file is still what its entry was made of."""
        key = str(path)
        if key in self._checked:
            return self._checked[key]
        unread = self._unread.pop(key, None)
        if unread is None:  # a file that came after the start
            deck = self._kept.load(path)
        else:
            from drill.core.deck_cache import digest

            data = read_limited(path, what="a deck file")
            deck = unread if digest(data) == self._kept.digest_of(path) else self._kept.load(path, data)
        self._checked[key] = deck
        return deck

    def verify(self, deck: Deck) -> Deck:
        """``deck`` (one of those :func:`recall_all` gave) as its file is now:
        the very deck when the file is what it was made of, else the deck
        read again (:class:`DrillError` when the file no longer loads)."""
        if deck.path is None:
            return deck
        with self._lock:
            return self._current(deck.path)

    def run(self) -> tuple[list[Deck], list[str]]:
        """Every deck file in the folders read as it is now (as :func:`load_all`
        reads them, the cache kept): the decks whose files did not change are
        the very decks :func:`recall_all` gave."""
        with self._lock:
            found, errors = _gathered(find_decks(self.dirs), self._current)
            self._kept.save()
            self.done = True
            return found, errors
