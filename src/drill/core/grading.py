"""Grade a typed answer against a framework's items, the way a fair examiner would.

Input: the expected items, whether their order matters, and what the
trainee typed. Output: a :class:`Grade` with a verdict per expected item
(correct / close / missing / out_of_place), the typed pieces that matched
nothing (extra), a score in [0, 1] and an overall verdict
(correct / partial / wrong), plus a character diff for the UI.

How the answer is read
----------------------
1. *Normalise, never for showing.* Full-width forms, 繁/简 (OpenCC),
   case, quotes, brackets and other punctuation do not count; Chinese
   numerals become Arabic (百分之十点四 → 10.4%) so that numbers can be
   compared exactly. The trainee's original text is kept for display.
2. *Align, don't trust the separators.* The answer is cut at every
   separator (、，,；; spaces, new lines …); a piece that could hold
   several items (工业兴渝三农稳渝…) is also cut where rapidfuzz finds an
   item inside it. A dynamic programme then chooses which neighbouring
   pieces belong together, so an item that itself contains a comma
   (牢记嘱托，坚定前行方向) is read as one. A segment's worth is the
   number of characters it shares with its best item minus half the
   characters that differ, so joining two halves of an item beats keeping
   them apart, and gluing junk onto an item never pays.
3. *Assign.* Each segment goes to at most one item by an optimal
   assignment (the Hungarian method) over those worths; segments left over
   are *extra*.
4. *Judge each pair.* Exact after normalisation, or with the prefix or
   suffix every item shares, or its outer part, dropped (盯目标 → 目标,
   要督得准 → 督得准): correct. A different number anywhere: missing,
   whatever the rest looks like. Only same-sounding characters differ
   (提生 for 提升): an input-method slip, correct with a note. A few
   characters off, with at least half of the item's own characters (those
   the items do not share) right: close; short items allow a single slip,
   so 党建强区 for 党建强渝 is close, never correct, and 督出凝聚力 for
   督出战斗力 is not close at all. Half an item, or half its clauses typed
   whole (围绕大局、聚焦重点 of an outline heading), asked only for the
   numbers of the part typed: close. Anything further: missing, with what
   was typed shown.
5. *Order.* An order card shows its items numbered (① ② ③): an answer
   of those numbers (3 1 2, 312, 3,1,2, ③①②) is read as the items they
   number, in the order typed. When order matters, the items outside the longest run typed in
   the right order are out of place: partial credit, never zero. That is
   the fewest items to move, so two neighbours swapped cost one place;
   each note says where the item was typed and where it belongs.

The thresholds are the named constants below, each with the reason for
its value. Nothing here imports Textual; pypinyin is loaded on the first
answer that needs it (call :func:`warm` from a worker to pay that early).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from drill.core.frameworks import MAX_ITEMS
from drill.core.lazy import LazyModule, LazyPattern
from drill.core.text import CN_DIGITS, fold, is_cjk, mainland, to_simplified

# rapidfuzz is imported by the first grade (or warm()), not by a start
fuzz = LazyModule("rapidfuzz.fuzz")
OSA = LazyModule("rapidfuzz.distance.OSA")
Indel = LazyModule("rapidfuzz.distance.Indel")
Levenshtein = LazyModule("rapidfuzz.distance.Levenshtein")


# The values are what `drill grade` prints and the review log stores: a
# StrEnum member is its string, in JSON and in comparisons with one read back.
class ItemVerdict(StrEnum):
    """How one expected item was recalled."""

    CORRECT = "correct"
    CLOSE = "close"
    MISSING = "missing"
    OUT_OF_PLACE = "out_of_place"


class Verdict(StrEnum):
    """How a whole answer was recalled."""

    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"


class Override(StrEnum):
    """The trainee's own judgement of an answer, which wins over the grader's."""

    NONE = ""
    RIGHT = "right"
    WRONG = "wrong"


# --- thresholds -----------------------------------------------------------

# A close item shows the trainee knew roughly what goes there but not the
# formulation, which is what they are memorising: half the credit.
CLOSE_CREDIT = 0.5
# An item recalled but put in the wrong place still shows recall; the
# order is half of what an ordered card asks.
OUT_OF_PLACE_CREDIT = 0.5
# How many characters an item may be off and still be close, as a share
# of its length, rounded: a word of two characters swapped in an item of
# five or six (增强 for 强化 in 强化政治担当, 战场 for 阵地) leaves the rest
# of the formulation right, and 3 in 10 are close; half the item wrong is
# not recalling it.
CLOSE_ERROR_SHARE = 1 / 3
# What the items of a framework do not share (战斗力 of 督出战斗力) is what
# a trainee must recall: a close piece has at least this share of the
# item's own characters. The shared words typed right around the wrong
# own part (督出凝聚力, 无愧于时代) recall nothing of the item.
CLOSE_OWN_SHARE = 0.5
# In an item this long, one character typed twice or left out (调整到最高高,
# 主要目 for 主要目的) is a slip of the keys, not of memory: correct, with a
# note. A character in place of another is another word (前进 for 前行):
# close. Shorter items are the formulation itself, every character counted.
LONG_ITEM = 8
# Half a longer item or more, its characters in their order — 抓学习 of
# 抓学习促提升, 项目题目 of 项目就是题目 — is recalled in part: close. So
# are half its clauses or more, typed whole: 围绕大局、聚焦重点 of 围绕大局、
# 聚焦重点,放大“三抓三促”行动实际成效, an outline heading's opening words.
# Never for short items, where half is a guess.
# Items this short are the formulation's key characters (党建强渝): one
# slip is close, two are a different phrase.
SHORT_ITEM = 4
# An item of two characters or fewer must be exact (or a same-sound slip):
# one wrong character is half the item.
TINY_ITEM = 2
# Typing pieces that are not in the framework costs half an item each: a
# trainee who lists five of 四盯 does not know which four they are. The
# cost is taken off the credit, (credit − 0.5 × extra) / items, never below
# 0, so a wrong piece costs the same whatever else was right (2 of 3 and
# one extra is 50%), and a list padded with guesses is not diluted into a
# pass. Whether the answer is wrong or partial is what was recalled. Pieces
# of one character (a stray 的, a marker) cost nothing, unless the items are
# themselves one character (紧、严、细、实): then such a piece is a fifth item.
EXTRA_PENALTY = 0.5
EXTRA_MIN_CHARS = 2
# Below this share of the items recalled the answer is wrong rather than partial:
# one item in five or fewer is guessing from the framework's name.
WRONG_BELOW = 0.2
# Part of an item typed right and the rest mistyped in its place
# (在效能上求实效 for 在效能上见真章) is one close item, not a part and an
# extra piece, when what was typed there is at most this many characters
# longer than the item: a trainee who typed more wrote something else too.
MISTYPED_REST_SLACK = 1
PART_NOTE = "only part of the item"
MISTYPED_NOTE = "part of the item right, the rest mistyped"
# A window rapidfuzz finds inside a run-together answer must share this
# much with the item (0–100) before the answer is cut there.
LOCATE_MIN = 60.0
# Cutting the answer where the trainee typed no separator costs as much as
# one character of an item: the alignment cuts inside a run of text only
# where that finds a whole item, never to chip a wrong character off one
# (党建强区 stays one piece, and close, rather than 党建强 + 区).
CUT_COST = 1.0
# A segment that is exactly an item is worth a little more: 坚持抓学习促提升
# is cut into 坚持 + the item, where the sums would otherwise tie.
EXACT_BONUS = 0.5
# A segment longer than this many times the longest item (plus slack) is
# never tried as one item: it bounds the alignment's work on long answers.
SEGMENT_SLACK = 1.5

# No one types an answer to one card longer than this; beyond it (a paste,
# a stuck key) the rest is one extra piece, not aligned, which bounds the
# time a 30,000-character answer takes. Long frameworks get more room.
MAX_ALIGNED_CHARS = 2000

# An order card shows its items numbered: its numbers typed run together
# (312) are read one digit a number only while every number is one digit;
# from ten items on they must be separated (10 2 1).
POSITIONS_RUN_TOGETHER_MAX = 9

# What a trainee types when they do not know: the same as an empty answer.
REFUSALS = frozenset({
    "不知道", "不清楚", "不记得", "记不得", "记不清", "忘了", "忘记了", "不会", "没记住",
    "想不起来", "pass", "idk", "?", "？", "不知",
})

# Characters that separate items, brackets included: (一) and 【二】 are
# markers. Everything else that is not a letter, digit or CJK character
# (quotes, dashes, ·) is ignored.
_SEPARATORS = frozenset("、,;:。.!?/|\\\n\t\r ;，；：！？()[]{}【】〔〕<>《》")
# List markers a trainee may put in front of an item (一是 二、 (三) 1. ① 首先).
_MARKER = LazyPattern(
    r"^(?:[一二三四五六七八九十]{1,3}[是要]|第[一二三四五六七八九十\d]{1,3}[是个点条项]?"
    r"|[\u2460-\u2473\u2776-\u277f]|首先|其次|再次|然后|最后|另外)"
)
# Words a trainee puts between or after items: 抓执行促落实和抓效能促发展, …等.
_LEAD_WORD = LazyPattern(r"^(?:以及|还有|并且|和|及|与)")
_TAIL_WORD = LazyPattern(r"(?:等等|以及|等|和|及|与)$")
# A heading typed before the items without a colon: 三抓三促 抓学习促提升…
_HEADING = LazyPattern(r"^[一二三四五六七八九十两双\d][^一二三四五六七八九十\d]{0,3}(?:[一二三四五六七八九十两双\d][^一二三四五六七八九十\d]{1,3})?$")
_MARKER_ONLY = LazyPattern(r"^(?:[一二三四五六七八九十\d]{1,3}|第?[一二三四五六七八九十\d]{1,3}[是要个点条项]?"
                          r"|[\u2460-\u2473\u2776-\u277f]|首先|其次|再次|然后|最后|另外)$")
# What separates the clauses inside an item (not the point of 221.8).
_CLAUSE_SEPARATOR = LazyPattern(r"[、,，;；:：。!！?？\s]+")
# Letters, digits and CJK characters (str.isalnum), %, and the point of a decimal number.
_CONTENT_RUN = LazyPattern(r"(?:[^\W_]|%|(?<=\d)\.(?=\d))+")
_CN_NUM_CHAR = LazyPattern(r"[零〇一二两三四五六七八九十百千万亿]")
_NUMBER = LazyPattern(r"\d+(?:\.\d+)?%?")
_CN_NUM_RUN = LazyPattern(r"(百分之)?([零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二两三四五六七八九]+)?)")


# --- results --------------------------------------------------------------


@dataclass(frozen=True)
class DiffOp:
    """One run of a character diff: ``op`` is equal / replace / delete / insert.

    ``expected`` and ``typed`` are the original text of the run on each side
    (one of them empty for delete and insert).
    """

    op: str
    expected: str
    typed: str


@dataclass
class ItemGrade:
    expected: str
    typed: str = ""
    verdict: ItemVerdict = ItemVerdict.MISSING
    credit: float = 0.0
    note: str = ""
    position: int = -1  # where in the answer it was typed (for ordering), -1 if not
    compared: str = ""  # the item as it was compared, when not as written (its mainland wording)

    def diff(self) -> list[DiffOp]:
        """A character diff of the expected item against what was typed.

        Computed on folded text, so width and 繁/简 differences do not show
        as changes; each run carries the original characters of both sides.
        """
        if not self.typed:
            return [DiffOp("delete", self.expected, "")]
        a, b = fold(self.expected), fold(self.typed)
        if self.compared and len(self.compared) == len(self.expected):
            a = fold(self.compared)
        ops = []
        for op in Levenshtein.opcodes(a, b):
            ops.append(DiffOp(op.tag, self.expected[op.src_start:op.src_end],
                              self.typed[op.dest_start:op.dest_end]))
        return ops

    def as_json(self) -> dict:
        return {"expected": self.expected, "typed": self.typed, "verdict": self.verdict}


@dataclass(frozen=True)
class Intrusion:
    """A piece typed that is an item of another framework: what a trainee confuses."""

    typed: str  # as the trainee typed it
    framework: str  # the name of the framework it belongs to

    def as_json(self) -> dict:
        return {"typed": self.typed, "framework": self.framework}


@dataclass
class Grade:
    items: list[ItemGrade]
    extra: list[str]
    score: float
    verdict: Verdict
    ordered: bool
    notes: list[str] = field(default_factory=list)
    # typed pieces (extra, or typed for an item and missing it) that are items of other frameworks
    intrusions: list[Intrusion] = field(default_factory=list)

    def as_json(self) -> dict:
        """Exactly the keys `drill grade` promises other tools."""
        return {
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "items": [item.as_json() for item in self.items],
            "extra": list(self.extra),
            "intrusions": [i.as_json() for i in self.intrusions],
        }


# --- normalisation --------------------------------------------------------


def _cn_value(run: str) -> str | None:
    """The Arabic spelling of a Chinese numeral such as 二百二十一点八; else None."""
    whole, _, frac = run.partition("点")
    if frac and not all(ch in CN_DIGITS for ch in frac):
        return None
    value = _cn_integer(whole)
    if value is None:
        return None
    if frac:
        return f"{value}." + "".join(str(CN_DIGITS[ch]) for ch in frac)
    return str(value)


def _cn_integer(text: str) -> int | None:
    if not text:
        return None
    units = {"十": 10, "百": 100, "千": 1000}
    total = 0
    section = 0
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None:  # 一二三: digits read one by one
                return None
            digit = CN_DIGITS[ch]
        elif ch in units:
            if digit is None and section == 0 and total == 0 and ch != "十":
                return None  # 百 alone is not a number
            section += (1 if digit is None else digit) * units[ch]
            digit = None
        elif ch in ("万", "亿"):
            section += digit or 0
            if section == 0:
                return None
            total = (total + section) * (10_000 if ch == "万" else 100_000_000)
            section = 0
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def _numeral(match: re.Match) -> str:
    percent, run = match.group(1), match.group(2)
    # A trailing 万/亿 is a unit, written the same way in 221.8亿 and 二百二十一点八亿.
    unit = ""
    while run and run[-1] in "万亿" and len(run) > 1:
        unit = run[-1] + unit
        run = run[:-1]
    value = _cn_value(run)
    if value is None:
        if all(ch in CN_DIGITS for ch in run):  # 一二三 / 十四五-like runs: digit by digit
            value = "".join(str(CN_DIGITS[ch]) for ch in run)
        else:
            return match.group(0)
    return value + unit + ("%" if percent else "")


def numerals(text: str) -> str:
    """Chinese numerals in ``text`` spelled with Arabic digits: 百分之十点四 → 10.4%."""
    if not _CN_NUM_CHAR.search(text):
        return text
    return _CN_NUM_RUN.sub(_numeral, text)


def _lower(text: str) -> str:
    """Lower case, character for character (a few letters grow under str.lower)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _is_content(ch: str) -> bool:
    return ch.isalnum() or ch == "%" or is_cjk(ch)


def _decimal_point(text: str, i: int) -> bool:
    """Is text[i] the point of a decimal number (221.8), not a separator?"""
    return text[i] == "." and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """The form compared: folded, lower case, content characters only, numerals as digits."""
    folded = _lower(fold(text))
    kept = [ch for i, ch in enumerate(folded) if _is_content(ch) or _decimal_point(folded, i)]
    return numerals("".join(kept))


def _numbers(k: str) -> list[str]:
    return sorted(_NUMBER.findall(k))


def _fits(numbers: list[str], k: str) -> bool:
    """Are all of ``numbers`` (as many times as typed) numbers of ``k``?"""
    return not (Counter(numbers) - Counter(_numbers(k)))


# --- reading the answer ---------------------------------------------------


@dataclass
class _Answer:
    """The typed answer's content characters, with where each came from."""

    text: str  # the original answer
    chars: str  # content characters, folded and lower-cased
    where: list[int]  # chars[i] came from text[where[i]]
    cuts: set[int]  # positions in chars where a separator was typed
    colon_cuts: set[int]  # …of which a colon (a label such as 三抓三促：)


def _read(answer: str, limit: int) -> tuple[_Answer, str]:
    """The answer's first ``limit`` content characters, and the text after them."""
    overflow = ""
    if len(answer) > limit:
        # count content characters cheaply on the raw text to find the cut
        seen = 0
        for i, ch in enumerate(answer):
            if ch.isalnum():
                seen += 1
                if seen > limit:
                    answer, overflow = answer[:i], answer[i:]
                    break
    folded = _lower(fold(answer))
    runs: list[str] = []
    where: list[int] = []
    cuts: set[int] = set()
    colon_cuts: set[int] = set()
    count = done = 0
    for m in _CONTENT_RUN.finditer(folded):
        _gap(folded[done:m.start()], count, cuts, colon_cuts)
        runs.append(m.group())
        where.extend(range(m.start(), m.end()))
        count += m.end() - m.start()
        done = m.end()
    _gap(folded[done:], count, cuts, colon_cuts)
    return _Answer(answer, "".join(runs), where, cuts, colon_cuts), overflow


def _gap(gap: str, at: int, cuts: set[int], colon_cuts: set[int]) -> None:
    """What lies between two runs of content: a cut if any of it separates items."""
    if gap and any(ch in _SEPARATORS or ch.isspace() or unicodedata.category(ch) == "Cc" for ch in gap):
        cuts.add(at)
        if ":" in gap:
            colon_cuts.add(at)


@dataclass(frozen=True)
class _Item:
    text: str
    variants: tuple[str, ...]  # the key, then the key without the shared prefix/suffix
    # The variants the alignment may use for a segment, by whether the text
    # around it lets the shared prefix (first index) or suffix (second) be
    # dropped there: all four, or those keeping what may not be dropped.
    aligned: tuple[tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[str, ...], tuple[str, ...]]]
    prefix: int = 0  # how many characters of the key every item begins with
    suffix: int = 0  # …and ends with
    # where the key's clauses begin and end (围绕大局、聚焦重点,放大… → 0, 4, 8, 20);
    # just (0, len(key)) for an item of one clause
    clauses: tuple[int, ...] = ()

    def whole_clauses(self, seg: str) -> int:
        """How many of the item's clauses ``seg`` is, typed one after another; 0 if it is not."""
        k, cuts = self.variants[0], self.clauses
        for i, a in enumerate(cuts):
            if k.startswith(seg, a):
                b = a + len(seg)
                return cuts.index(b) - i if b in cuts else 0
        return 0

    def own(self) -> str:
        """The item's own characters: the key without the shared prefix and suffix."""
        k = self.variants[0]
        return k[self.prefix:len(k) - self.suffix]

    def with_part_of_the_shared_words(self, seg: str) -> bool:
        """Is ``seg`` the item with only the outer part of the shared prefix or
        suffix dropped (督得准 of 要督得准, 抓全局 of 谋划工作要抓全局)?"""
        k = self.variants[0]
        end = len(k) - self.suffix
        return any(k.startswith(seg, start) and start + len(seg) >= end for start in range(self.prefix + 1))


def _keeping(variants: list[str], drops: dict[str, tuple[bool, bool]], may_p: bool, may_s: bool) -> tuple[str, ...]:
    """The variants that drop the shared prefix only if ``may_p``, the shared suffix only if ``may_s``."""
    return tuple(v for v in variants if (may_p or not drops[v][0]) and (may_s or not drops[v][1]))


@lru_cache(maxsize=512)
def _items(expected: tuple[str, ...]) -> tuple[_Item, ...]:
    keys = [key(e) for e in expected]
    prefix = suffix = ""
    if len(keys) >= 2 and all(keys):
        shortest = min(len(k) for k in keys)
        p = 0
        while p < shortest - 1 and all(k[p] == keys[0][p] for k in keys):
            p += 1
        s = 0
        while s < shortest - 1 - p and all(k[-1 - s] == keys[0][-1 - s] for k in keys):
            s += 1
        prefix, suffix = keys[0][:p], keys[0][len(keys[0]) - s:] if s else ""
    items = []
    for text, k in zip(expected, keys):
        cuts = {(0, len(k)): (False, False), (len(prefix), len(k)): (True, False),
                (0, len(k) - len(suffix)): (False, True),
                (len(prefix), len(k) - len(suffix)): (True, True)}
        variants: list[str] = [k]
        drops: dict[str, tuple[bool, bool]] = {k: (False, False)}
        for (a, b), dropped in cuts.items():
            v = k[a:b]
            if v and v not in drops:
                variants.append(v)
                drops[v] = dropped
        aligned = ((_keeping(variants, drops, False, False), _keeping(variants, drops, False, True)),
                   (_keeping(variants, drops, True, False), _keeping(variants, drops, True, True)))
        items.append(_Item(text, tuple(variants), aligned, len(prefix), len(suffix), _clauses(text, k)))
    return tuple(items)


def _clauses(text: str, k: str) -> tuple[int, ...]:
    """Where the clauses of an item (its parts between 、，; and the like) begin and end in its key."""
    cuts = [0]
    for part in _CLAUSE_SEPARATOR.split(text):
        size = len(key(part))
        if size:
            cuts.append(cuts[-1] + size)
    if cuts[-1] != len(k):  # a numeral read across a separator: one clause
        return (0, len(k))
    return tuple(cuts)


@lru_cache(maxsize=512)
def _owners(expected: tuple[str, ...]) -> dict[str, int]:
    """Each variant's item, for the variants that belong to one item only."""
    owner: dict[str, int] = {}
    shared: set[str] = set()
    for r, item in enumerate(_items(expected)):
        for v in item.variants:
            if v in owner and owner[v] != r:
                shared.add(v)
            owner[v] = r
    return {v: r for v, r in owner.items() if v not in shared}


def _exact_edges(ans: _Answer, frame: _Frame) -> set[int]:
    """The edges of the pieces (between separators) typed exactly as a whole item.

    Not as an item less the part all items share: 谋就谋定 alone may be the
    end of 保持…进取心，谋就谋定, typed with its comma.
    """
    whole = frame.whole
    n = len(ans.chars)
    cuts = sorted({0, n} | {c for c in ans.cuts if 0 < c < n})
    edges: set[int] = set()
    for a, b in zip(cuts, cuts[1:]):
        if frame.seg_key(ans.chars[a:b]) in whole:
            edges.update((a, b))
    return edges


def _plain_spans(ans: _Answer, frame: _Frame) -> list[tuple[int, int]] | None:
    """The pieces between separators, when each is exactly a different item.

    That is how most answers are typed, and then there is nothing to align.
    """
    owner = frame.owners
    n = len(ans.chars)
    cuts = sorted({0, n} | {c for c in ans.cuts if 0 < c < n})
    seen: set[int] = set()
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        raw = ans.chars[a:b]
        r = owner.get(frame.seg_key(raw))
        if r is None:
            if not _MARKER_ONLY.match(raw):
                return None
        elif r in seen:
            return None
        else:
            seen.add(r)
        spans.append((a, b))
    return spans


# --- what the alignment needs of a framework, worked out once -------------

# How many segments' worths a framework keeps between answers: a trainee's
# answers to one card repeat their pieces, and the alignment of a long
# answer asks for the same segment several times. Cleared when full.
MEMO_SIZE = 20_000


class _Frame:
    """A framework's items as the alignment reads them, built once per
    framework (not once per answer): every distinct variant, an index from
    each character and each pair of characters to the variants holding it,
    and memos of the segments already weighed.

    The index bounds a segment's worth before any distance is computed: a
    variant shares at most as many characters with a segment as the two
    have in common, so a variant sharing none is never compared at all,
    and a segment is compared with the few variants that could beat the
    best found so far. The worths are the same as comparing with every
    variant (:func:`_best_worth`, :func:`_worth`), only found sooner.
    """

    def __init__(self, expected: tuple[str, ...]) -> None:
        items = _items(expected)
        self.items = items
        self.owners = _owners(expected)
        self.whole = frozenset(item.variants[0] for item in items)
        self.exact = frozenset(v for item in items for v in item.variants)
        self.exact_kept = {(p, q): frozenset(v for item in items for v in item.aligned[p][q])
                           for p in (False, True) for q in (False, True)}
        self.starts, self.ends = _starts(items), _ends(items)
        self.longest = max(len(item.variants[0]) for item in items)
        self.latin_noise = not any(ch.isascii() and ch.isalpha() for item in items for ch in item.variants[0])
        self.extra_min = min([EXTRA_MIN_CHARS] + [len(item.variants[0]) for item in items if item.variants[0]])
        strings = sorted(self.exact)
        self.strings = strings
        self.sizes = [len(v) for v in strings]
        sid = {v: i for i, v in enumerate(strings)}
        self.item_sids = [tuple(sid[v] for v in item.variants) for item in items]
        self.kept_sids = {drop: frozenset(sid[v] for v in kept) for drop, kept in self.exact_kept.items()}
        chars: dict[str, list[tuple[int, int]]] = {}
        pairs: dict[str, set[int]] = {}
        for i, v in enumerate(strings):
            for ch, count in Counter(v).items():
                chars.setdefault(ch, []).append((i, count))
            for a in range(len(v) - 1):
                pairs.setdefault(v[a:a + 2], set()).add(i)
        self.chars = chars
        self.pairs = pairs
        self._common: dict[str, dict[int, int]] = {}
        self._worths: dict[tuple[str, tuple[bool, bool]], float] = {}
        self._keys: dict[str, str] = {}
        self._rows: dict[str, tuple[float, ...]] = {}

    def common(self, seg: str) -> dict[int, int]:
        """How many characters ``seg`` has in common with each variant (by its
        number) that shares any: a bound on their longest common subsequence."""
        got = self._common.get(seg)
        if got is None:
            got = {}
            chars = self.chars
            for ch, mine in Counter(seg).items():
                for i, theirs in chars.get(ch, ()):
                    got[i] = got.get(i, 0) + (mine if mine < theirs else theirs)
            if len(self._common) >= MEMO_SIZE:
                self._common.clear()
            self._common[seg] = got
        return got

    def seg_key(self, raw: str) -> str:
        got = self._keys.get(raw)
        if got is None:
            got = _seg_key(raw, self.items)
            if len(self._keys) >= MEMO_SIZE:
                self._keys.clear()
            self._keys[raw] = got
        return got

    def best_worth(self, seg: str, may_drop: tuple[bool, bool] = (True, True)) -> float:
        """:func:`_best_worth`, from the index and the memo."""
        memo = (seg, may_drop)
        got = self._worths.get(memo)
        if got is not None:
            return got
        size = len(seg)
        if seg in self.exact_kept[may_drop]:
            # a variant typed exactly is worth |seg|, and nothing is worth more:
            # with c ≤ min(|seg|, |v|) characters shared, 2c − (|seg| + |v|) / 2 ≤ |seg|
            best = float(size)
        else:
            kept = self.kept_sids[may_drop]
            sizes = self.sizes
            bounds = []
            for i, c in self.common(seg).items():
                if i not in kept:
                    continue
                lv = sizes[i]
                half = (size + lv) / 2
                # d = |seg| + |v| − 2·LCS and LCS ≤ c, also d ≥ |size − lv|
                bound = min(2 * c - half, half - abs(size - lv))
                if bound > 0:
                    bounds.append((bound, i))
            bounds.sort(reverse=True)
            best = 0.0
            distance = Indel.distance
            strings = self.strings
            for bound, i in bounds:
                if bound <= best:
                    break
                value = (size + sizes[i]) / 2 - distance(seg, strings[i])
                if value > best:
                    best = value
        if len(self._worths) >= MEMO_SIZE:
            self._worths.clear()
        self._worths[memo] = best
        return best

    def worth_row(self, seg: str) -> tuple[float, ...]:
        """``max(_worth(seg, item), 0)`` for every item, comparing only the
        items that share enough characters with ``seg`` to be worth anything."""
        got = self._rows.get(seg)
        if got is not None:
            return got
        common = self.common(seg)
        size = len(seg)
        sizes = self.sizes
        row = [0.0] * len(self.items)
        # only a variant sharing more than (|seg| + |v|) / 4 characters is worth anything
        near = {i for i, c in common.items() if 2 * c - (size + sizes[i]) / 2 > 0}
        if near:
            for r, (item, sids) in enumerate(zip(self.items, self.item_sids)):
                if not near.isdisjoint(sids):
                    row[r] = max(_worth(seg, item), 0.0)
        got = tuple(row)
        if len(self._rows) >= MEMO_SIZE:
            self._rows.clear()
        self._rows[seg] = got
        return got


@lru_cache(maxsize=512)
def _frame(expected: tuple[str, ...]) -> _Frame:
    return _Frame(expected)


# --- alignment ------------------------------------------------------------


def _worth(seg: str, item: _Item) -> float:
    """Characters shared with the item minus half those that differ (best variant).

    With d the insertions and deletions between the two, the shared
    characters are (|seg| + |v| − d) / 2, so the worth is (|seg| + |v|) / 2 − d.
    """
    best = 0.0
    size = len(seg)
    for v in item.variants:
        value = (size + len(v)) / 2 - Indel.distance(seg, v)
        if value > best:
            best = value
    return best


def _best_worth(seg: str, items: tuple[_Item, ...], may_drop: tuple[bool, bool] = (True, True)) -> float:
    """The worth of ``seg`` to the item it suits best (0 if none).

    ``may_drop``: whether the shared prefix and suffix may be missing from it.
    """
    best = 0.0
    size = len(seg)
    distance = Indel.distance
    may_p, may_s = may_drop
    for item in items:
        for v in item.aligned[may_p][may_s]:
            lv = len(v)
            # d >= |size − lv|, so this is the most v could be worth
            if (size + lv) / 2 - abs(size - lv) <= best:
                continue
            value = (size + lv) / 2 - distance(seg, v)
            if value > best:
                best = value
    return best


def _trim(seg: str, items: tuple[_Item, ...]) -> tuple[int, int]:
    """The part of a typed segment that is the item: (start, end) within it.

    A list marker (一是, 第二, ①) or a joining word (和, 以及) in front, and
    a joining word or 等 behind, are not part of it, unless the items
    themselves begin or end that way.
    """
    start, end = 0, len(seg)
    m = _MARKER.match(seg)
    if m and m.end() < end and not _starts_any(m.group(0), items):
        start = m.end()
    m = _LEAD_WORD.match(seg, start)
    if m and m.end() < end and not _starts_any(m.group(0), items):
        start = m.end()
    m = _TAIL_WORD.search(seg, start)
    if m and m.start() > start and m.group(0) not in _ends(items):
        end = m.start()
    return start, end


def _starts_any(text: str, items: tuple[_Item, ...]) -> bool:
    return text in _starts(items)


# What the items begin and end with (up to 5 characters, the longest marker), worked out once per framework.
_EDGES: dict[int, tuple[tuple, frozenset[str], frozenset[str]]] = {}


def _edges(items: tuple[_Item, ...]) -> tuple[frozenset[str], frozenset[str]]:
    got = _EDGES.get(id(items))
    if got is None or got[0] is not items:
        variants = [v for item in items for v in item.variants]
        starts = frozenset(v[:n] for v in variants for n in range(1, 6))
        ends = frozenset(v[-n:] for v in variants for n in range(1, 6))
        if len(_EDGES) > 512:
            _EDGES.clear()
        got = _EDGES[id(items)] = (items, starts, ends)
    return got[1], got[2]


def _starts(items: tuple[_Item, ...]) -> frozenset[str]:
    return _edges(items)[0]


def _ends(items: tuple[_Item, ...]) -> frozenset[str]:
    return _edges(items)[1]


def _boundaries(ans: _Answer, frame: _Frame) -> list[int]:
    """Where the answer may be cut: at its separators, and inside a piece
    where an item (or part of one) begins or ends in it.

    Only the variants sharing a character with a piece can be found in it,
    and only those sharing two neighbouring characters can match two in a
    row: the index names them, so the others are not compared.
    """
    n = len(ans.chars)
    cuts = sorted({0, n} | {c for c in ans.cuts if 0 < c < n})
    exact = frame.exact
    strings = frame.strings
    extra: set[int] = set()
    for a, b in zip(cuts, cuts[1:]):
        piece = ans.chars[a:b]
        if len(piece) < 2 or piece in exact:
            continue
        sharing = frame.common(piece)
        paired: set[int] = set()
        for x in range(len(piece) - 1):
            paired.update(frame.pairs.get(piece[x:x + 2], ()))
        for i in sorted(sharing):
            v = strings[i]
            if len(v) < len(piece):
                # a whole item inside a longer run: 工业兴渝三农稳渝…
                found = fuzz.partial_ratio_alignment(v, piece, score_cutoff=LOCATE_MIN)
                if found is not None:
                    extra.add(a + found.dest_start)
                    extra.add(a + found.dest_end)
            if i in paired:
                # the end of one item and the start of the next: 自我加压要有真本领
                for block in Indel.opcodes(piece, v).as_matching_blocks():
                    if block.size >= 2:
                        extra.add(a + block.a)
                        extra.add(a + block.a + block.size)
    return sorted(set(cuts) | extra)


def _seg_key(raw: str, items: tuple[_Item, ...]) -> str:
    """A typed segment's key: markers and joining words dropped, numerals as digits."""
    start, end = _trim(raw, items)
    return numerals(raw[start:end])


def _segment(ans: _Answer, frame: _Frame, points: list[int],
             hard: set[int] | frozenset[int] = frozenset(), prune: bool = True) -> list[tuple[int, int]]:
    """Choose which runs between ``points`` are one segment (a dynamic programme).

    No segment spans a point in ``hard``: the edges of pieces typed exactly
    as an item, which stay as they are. ``prune``: skip the segments that
    could neither beat nor tie the best cut found (False weighs every one:
    the same cuts, more slowly).
    """
    limit = int(frame.longest * SEGMENT_SLACK) + 4
    exact = frame.exact
    cache: dict[tuple[int, int], float] = {}

    chars, n = ans.chars, len(ans.chars)
    starts, ends = frame.starts, frame.ends
    exact_kept = frame.exact_kept
    best_worth, seg_key = frame.best_worth, frame.seg_key

    def gain(a: int, b: int) -> float:
        got = cache.get((a, b))
        if got is None:
            seg = seg_key(chars[a:b])
            # A trainee who drops the suffix every item shares ends the item
            # there: a separator, the end, or the next item follows. A
            # character that begins no item right after 党建强 is the item's
            # own wrong last character (党建强区), not junk before the next
            # item; likewise for a dropped prefix and what comes before.
            may_drop = (a == 0 or a in ans.cuts or chars[a - 1] in ends,
                        b == n or b in ans.cuts or chars[b] in starts)
            if may_drop == (True, True):
                worth, bonus = best_worth(seg), seg in exact
            else:
                worth = best_worth(seg, may_drop)
                bonus = seg in exact_kept[may_drop]
            got = worth + (EXACT_BONUS if bonus else 0.0)
            if a > 0 and a not in ans.cuts:
                got -= CUT_COST
            cache[(a, b)] = got
        return got

    def most(a: int, b: int) -> float:
        """The most gain(a, b) can be: a segment is worth at most its length."""
        cut = CUT_COST if a > 0 and a not in ans.cuts else 0.0
        return len(seg_key(chars[a:b])) + EXACT_BONUS - cut

    k = len(points)
    best = [0.0] * k
    back = [0] * k
    for j in range(1, k):
        best[j] = best[j - 1] + gain(points[j - 1], points[j])
        back[j] = j - 1
        i = j - 2
        while i >= 0 and points[j] - points[i] <= limit and points[i + 1] not in hard:
            if prune and best[i] + most(points[i], points[j]) < best[j] - 1e-9:
                i -= 1  # cannot win, nor tie: no need to weigh it
                continue
            value = best[i] + gain(points[i], points[j])
            if value >= best[j] - 1e-9:  # a tie goes to the longer segment: fewer cuts
                best[j] = value
                back[j] = i
            i -= 1
    spans = []
    j = k - 1
    while j > 0:
        spans.append((points[back[j]], points[j]))
        j = back[j]
    spans.reverse()
    return spans


# A group of rows and columns joined by positive weights is solved on its
# own up to this many rows; a larger one (every item sharing most of its
# characters with every piece) is solved with the whole table at once.
GROUP_MAX_ROWS = 12
# A table of this many rows or fewer (most frameworks) is solved whole:
# finding its groups would cost more than it saves.
SMALL_TABLE = 8


def assign(weights: list[list[float]]) -> list[int]:
    """An optimal assignment of rows to columns maximising the total weight.

    ``weights[r][c] >= 0``; returns each row's column, or -1 for a row left
    with nothing of positive weight. The pairs are those the Hungarian
    method (:func:`hungarian`) gives for the whole table.

    Rows and columns joined by no positive weight do not affect each
    other's share, so the table falls apart into groups (the connected
    parts of the graph of positive weights): a row and a column that only
    have each other are paired outright, and a larger group is solved on
    its own. In an answer each item weighs something against a few pieces
    only, so the groups are small and the work no longer grows with the
    cube of the items. Where a group could be paired in two ways worth the
    same (an item typed twice), which way the whole table's solution takes
    depends on the rest of the table: then the whole table is solved.
    """
    rows = len(weights)
    if rows <= SMALL_TABLE:
        return hungarian(weights) if rows else []
    cols = max(len(row) for row in weights)
    parent = list(range(rows + cols))  # rows 0..rows-1, then the columns

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges = [(r, c) for r, row in enumerate(weights) for c, w in enumerate(row) if w > 0]
    for r, c in edges:
        a, b = root(r), root(rows + c)
        if a != b:
            parent[b] = a
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for r, c in edges:
        group = groups.setdefault(root(r), ([], []))
        if not group[0] or group[0][-1] != r:
            group[0].append(r)
    for c in range(cols):
        found = groups.get(root(rows + c))
        if found is not None:
            found[1].append(c)
    result = [-1] * rows
    for group_rows, group_cols in groups.values():
        if len(group_rows) == 1 and len(group_cols) == 1:
            result[group_rows[0]] = group_cols[0]
            continue
        if len(group_rows) > GROUP_MAX_ROWS:
            return hungarian(weights)
        table = [[weights[r][c] if c < len(weights[r]) else 0.0 for c in group_cols] for r in group_rows]
        got = _unique_pairing(table)
        if got is None:
            return hungarian(weights)
        for r, c in zip(group_rows, got):
            if c >= 0:
                result[r] = group_cols[c]
    return result


def _unique_pairing(table: list[list[float]]) -> list[int] | None:
    """The best pairing of one group, if no other pairing is worth as much; else None.

    Another pairing as good leaves out one of the best one's pairs (one
    holding all of them would be worth more), so forbidding each pair in
    turn and finding less each time proves the best one the only one.
    """
    got = hungarian(table)
    pairs = [(r, c) for r, c in enumerate(got) if c >= 0]
    total = sum(table[r][c] for r, c in pairs)
    for r, c in pairs:
        kept = table[r][c]
        table[r][c] = 0.0
        other = hungarian(table)
        table[r][c] = kept
        if sum(table[r2][c2] for r2, c2 in enumerate(other) if c2 >= 0) >= total - 1e-9:
            return None
    return got


def hungarian(weights: list[list[float]]) -> list[int]:
    """:func:`assign` for one group, by the Hungarian method with potentials.

    O(rows² · columns); zero columns are added when rows outnumber columns.
    """
    rows = len(weights)
    if rows == 0:
        return []
    cols = max(len(weights[0]), rows)
    top = max((w for row in weights for w in row), default=0.0)
    # cost[r][c] >= 0; minimising it maximises the weight
    cost = [[top - (row[c] if c < len(row) else 0.0) for c in range(cols)] for row in weights]
    inf = float("inf")
    u = [0.0] * (rows + 1)
    v = [0.0] * (cols + 1)
    match = [0] * (cols + 1)  # match[c] = the row (1-based) holding column c
    way = [0] * (cols + 1)
    for r in range(1, rows + 1):
        match[0] = r
        c0 = 0
        minv = [inf] * (cols + 1)
        used = [False] * (cols + 1)
        while True:
            used[c0] = True
            r0 = match[c0]
            row = cost[r0 - 1]
            delta = inf
            c1 = 0
            for c in range(1, cols + 1):
                if not used[c]:
                    cur = row[c - 1] - u[r0] - v[c]
                    if cur < minv[c]:
                        minv[c] = cur
                        way[c] = c0
                    if minv[c] < delta:
                        delta = minv[c]
                        c1 = c
            for c in range(cols + 1):
                if used[c]:
                    u[match[c]] += delta
                    v[c] -= delta
                else:
                    minv[c] -= delta
            c0 = c1
            if match[c0] == 0:
                break
        while True:
            c1 = way[c0]
            match[c0] = match[c1]
            c0 = c1
            if c0 == 0:
                break
    result = [-1] * rows
    for c in range(1, cols + 1):
        r = match[c]
        if r and c - 1 < len(weights[r - 1]) and weights[r - 1][c - 1] > 0:
            result[r - 1] = c - 1
    return result


# --- judging a pair -------------------------------------------------------


@lru_cache(maxsize=1)
def _readings() -> dict[str, str]:
    """pypinyin's table of each character's readings, keyed by code point.

    Read from its JSON file without importing pypinyin itself, whose
    converter also loads a 2.5 MB phrase table (190 ms here, 30 ms this way).
    """
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")
    if spec is not None and spec.submodule_search_locations:
        table = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
        if table.is_file():
            return json.loads(table.read_text("utf-8"))
    from pypinyin.pinyin_dict import pinyin_dict  # another layout: the module's own loader

    return {str(k): v for k, v in pinyin_dict.items()}


@lru_cache(maxsize=8192)
def _sounds(ch: str) -> frozenset[str]:
    raw = _readings().get(str(ord(ch)), "")
    out = set()
    for reading in raw.split(","):
        plain = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
        if plain:
            out.add(plain)
    return frozenset(out)


def _same_sound(typed: str, expected: str) -> list[tuple[str, str]] | None:
    """The (typed, expected) character pairs if ``typed`` differs only by homophones."""
    if len(typed) != len(expected):
        return None
    slips = []
    for a, b in zip(typed, expected):
        if a == b:
            continue
        if not (is_cjk(a) and is_cjk(b)) or a in CN_DIGITS or b in CN_DIGITS or b in "十百千万亿":
            return None
        if not (_sounds(a) & _sounds(b)):
            return None
        slips.append((a, b))
    return slips or None


def _same_sound_pass(chosen: list[int], worth: list[list[float]], segs: list[str],
                     items: tuple[_Item, ...]) -> None:
    """Give an item nothing matched the left-over segment that only sounds different.

    Worth counts shared characters, so 疲踏 for 疲沓 shares too little to be
    a candidate; same-sound pairs among what is left are paired here.
    """
    taken = {c for c in chosen if c >= 0}
    for r, c in enumerate(chosen):
        if c >= 0:
            continue
        for c2, seg in enumerate(segs):
            if c2 in taken:
                continue
            if any(_same_sound(seg, v) for v in items[r].variants):
                chosen[r] = c2
                worth[r][c2] = max(worth[r][c2], 1.0)
                taken.add(c2)
                break


def _judge(seg: str, item: _Item) -> tuple[ItemVerdict, float, str]:
    """(verdict, credit, note) for a typed segment assigned to ``item``."""
    if seg in item.variants or item.with_part_of_the_shared_words(seg):
        return ItemVerdict.CORRECT, 1.0, ""
    nearest = min(item.variants, key=lambda v: OSA.distance(seg, v))
    # A number typed that the item does not have is a wrong number. One of
    # the item's left out is characters left out: 三抓三促 is 3抓3促 too, and
    # typing …开展行动… leaves a name out, not a figure wrong.
    typed_numbers = _numbers(seg)
    if typed_numbers and not (_fits(typed_numbers, nearest) or _fits(typed_numbers, item.variants[0])):
        return ItemVerdict.MISSING, 0.0, "a number differs"
    for v in item.variants:
        slips = _same_sound(seg, v)
        if slips:
            shown = "、".join(f"{a}→{b}" for a, b in slips)
            return ItemVerdict.CORRECT, 1.0, f"same-sound slip: {shown}"
    # two neighbouring characters swapped (聚集 for 集聚) are one slip, not two
    errors = OSA.distance(seg, nearest)
    size = len(nearest)
    if size >= LONG_ITEM and Indel.distance(seg, nearest) == 1:
        return ItemVerdict.CORRECT, 1.0, "one character more or less: a typing slip"
    if size <= TINY_ITEM:
        allowed = 0
    elif size <= SHORT_ITEM:
        allowed = 1
    else:
        allowed = max(1, round(size * CLOSE_ERROR_SHARE))
    own = item.own()
    own_typed = _common(seg, own)
    if errors <= allowed and own_typed >= CLOSE_OWN_SHARE * len(own):
        return ItemVerdict.CLOSE, CLOSE_CREDIT, f"{errors} character{'s' if errors > 1 else ''} off"
    # Part of an item is not its figure's part: the numbers of the part
    # typed stay (区属生产总值亿元 is not half of …221.8亿元), those of the
    # part left out are not asked for (紧盯问题靶向施治依托 of …依托“三抓三促”…).
    if (size > SHORT_ITEM and len(seg) * 2 >= size and _subsequence(seg, nearest) and own_typed
            and typed_numbers == _numbers_spanned(seg, nearest)):
        return ItemVerdict.CLOSE, CLOSE_CREDIT, PART_NOTE
    if size > SHORT_ITEM and own_typed and len(item.clauses) > 2 \
            and item.whole_clauses(seg) * 2 >= len(item.clauses) - 1:
        return ItemVerdict.CLOSE, CLOSE_CREDIT, PART_NOTE
    return ItemVerdict.MISSING, 0.0, "too far from the item"


def _numbers_spanned(seg: str, k: str) -> list[str]:
    """The numbers of ``k`` in the stretch that ``seg``, a subsequence of it, spans.

    The stretch runs from the first to the last character of ``seg`` as it
    first fits in ``k``, widened to whole numbers (a 2 typed of 221.8 spans 221.8).
    """
    chars = iter(enumerate(k))
    start = end = -1
    for ch in seg:
        for i, c in chars:
            if c == ch:
                if start < 0:
                    start = i
                end = i + 1
                break
    if start < 0:
        return []
    return sorted(m.group() for m in _NUMBER.finditer(k) if m.start() < end and m.end() > start)


def _common(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` share in the same order (their LCS)."""
    return (len(a) + len(b) - Indel.distance(a, b)) // 2


def _subsequence(short: str, long: str) -> bool:
    """Are the characters of ``short`` in ``long``, in the same order?"""
    chars = iter(long)
    return all(ch in chars for ch in short)


def _in_order(positions: list[tuple[int, int]]) -> set[int]:
    """Items (by index) on the longest run typed in the expected order.

    ``positions`` holds (item index, position typed) for the items recalled.
    Of several longest runs, the one whose items sit nearest their own
    places is kept: in 抓效能…、抓学习… it is 抓效能 that is out of place.
    """
    seq = sorted(positions, key=lambda p: p[1])
    n = len(seq)
    if not n:
        return set()
    # best[j] = (length, -displacement) of the best run ending at j; O(n²), n is small
    best = [(1, -abs(seq[j][0] - j)) for j in range(n)]
    prev = [-1] * n
    for j in range(n):
        own = abs(seq[j][0] - j)
        for i in range(j):
            if seq[i][0] < seq[j][0]:
                candidate = (best[i][0] + 1, best[i][1] - own)
                if candidate > best[j]:
                    best[j] = candidate
                    prev[j] = i
    j = max(range(n), key=lambda x: best[x])
    keep = set()
    while j != -1:
        keep.add(seq[j][0])
        j = prev[j]
    return keep


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _place_note(r: int, results: list[ItemGrade], recalled: list[tuple[int, int]]) -> str:
    """What an out-of-place item's note says: where it was typed, where it belongs.

    The feedback lists the items in their own order, numbered, so the note
    says where among what was typed this one came (typed 3rd, belongs 2nd).
    Two neighbours swapped, with everything typed before them belonging
    before them and everything after after, are one item moved by one
    place: one move puts both right, so only one is out of place, and the
    note names the other.
    """
    typed_at = sorted(res.position for res in results if res.position >= 0)
    note = f"typed {_ordinal(typed_at.index(results[r].position) + 1)}, belongs {_ordinal(r + 1)}"
    seq = [i for i, _ in sorted(recalled, key=lambda p: p[1])]
    at = seq.index(r)
    for other in (at - 1, at + 1):
        if not 0 <= other < len(seq):
            continue
        s = seq[other]
        first, second = min(at, other), max(at, other)
        low, high = min(r, s), max(r, s)
        if (abs(s - r) == 1 and (other < at) == (s > r) and all(i < low for i in seq[:first])
                and all(i > high for i in seq[second + 1:])):
            return note + f": swapped with item {s + 1}, and one move puts both right, so only this one is out of place"
    return note


# --- an order card answered by position ----------------------------------

_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)} | {chr(0x2776 + i): i + 1 for i in range(10)}
_POSITION_SEPARATORS = LazyPattern(r"[\s,，、;；/|>→.。-]+")


def numbered(n: int) -> str:
    """How an order card numbers its n-th shown item: ① … ⑳, then (21)."""
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


def positions(answer: str, count: int) -> list[int] | None:
    """The numbers of an answer typed as positions of ``count`` numbered items
    (3 1 2, 312, 3,1,2, ③①②, full width too), each in 1..count; else None."""
    text = "".join(f" {_CIRCLED[ch]} " if ch in _CIRCLED else ch for ch in str(answer or ""))
    text = unicodedata.normalize("NFKC", text).strip()
    if not text or count < 1:
        return None
    tokens = [t for t in _POSITION_SEPARATORS.split(text) if t]
    if not tokens or not all(t.isascii() and t.isdigit() for t in tokens):
        return None
    if len(tokens) == 1 and len(tokens[0]) > 1:
        if count > POSITIONS_RUN_TOGETHER_MAX:
            return None
        numbers = [int(ch) for ch in tokens[0]]
    else:
        numbers = [int(t) for t in tokens]
    if not all(1 <= n <= count for n in numbers):
        return None
    return numbers


# --- the grade ------------------------------------------------------------


def grade(expected: list[str], answer: str, ordered: bool = False, *,
          ignore: tuple[str, ...] | list[str] = (), others: Sequence[str] = (),
          shown: tuple[str, ...] | list[str] = (),
          intruders: Mapping[str, Sequence[str]] | None = None) -> Grade:
    """Grade ``answer`` against ``expected``.

    ``intruders``: other frameworks' items by the framework's name (the
    deck's other frameworks, the reference deck's); a piece typed that is
    one of them, left over or typed for an item it misses, is an intrusion.

    ``shown``: the items as an order card shows them, numbered from 1; an
    answer of their numbers (3 1 2, 312) is graded as those items typed in
    that order.

    ``ignore``: text the trainee may write, or any part of it, without it
    counting as extra (the framework's name as a heading, a cloze's context). ``others``: the other
    items of the framework, for a card that asks for one of them: typing
    a sibling is wrong, however close it looks.

    Items in Taiwan wording (專案) are also compared as worded on the
    mainland (项目), the words the speech most likely had, and the better
    grade is kept.
    """
    expected = [str(e) for e in expected]
    answer = str(answer or "")
    owners = _intruder_keys(expected, intruders or {})
    keep_apart = frozenset(owners)
    if shown:
        picked = positions(answer, len(shown))
        if picked is not None:
            answer = "\n".join(str(shown[n - 1]) for n in picked)
    g = _grade(expected, answer, ordered, ignore, others, keep_apart)
    alt = _mainland_items(tuple(expected)) if g.verdict != Verdict.CORRECT else None
    if alt is not None:
        other = _grade(list(alt), answer, ordered, ignore, [mainland(str(o)) for o in others], keep_apart)
        if other.score > g.score:
            for item, text in zip(other.items, expected):
                item.compared, item.expected = item.expected, text
            g = other
    if g.verdict != Verdict.CORRECT:
        from drill.core import masks

        filled = masks.fill(expected, answer)
        if filled is not None:
            other = _grade(filled, answer, ordered, ignore, others, keep_apart)
            if other.score > g.score:
                for item, text in zip(other.items, expected):  # the mask shown as it stands
                    item.compared, item.expected = item.expected, text
                g = other
    if owners:
        g.intrusions = _intrusions(g, owners)
    return g


def _intruder_keys(expected: list[str], intruders: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each other framework's item, as compared (and without what all its
    items share), → the framework's name; never one of ``expected``'s own."""
    own = {v for item in _items(tuple(expected)) for v in item.variants} if expected else set()
    owners: dict[str, str] = {}
    for name, items in intruders.items():
        texts = tuple(str(i) for i in items if str(i).strip())
        if not texts:
            continue
        for text in texts:
            # the whole item only: 目标 alone is too common a word to name 四盯 by
            k = key(text)
            if len(k) >= EXTRA_MIN_CHARS and k not in own:
                owners.setdefault(k, str(name))
    return owners


def _intrusions(g: Grade, owners: dict[str, str]) -> list[Intrusion]:
    """The pieces typed that are other frameworks' items: each extra piece,
    and what was typed for an item it missed."""
    typed = list(g.extra) + [item.typed for item in g.items if item.verdict == ItemVerdict.MISSING and item.typed]
    found: list[Intrusion] = []
    for text in typed:
        for piece, name in _intruding_pieces(text, owners):
            if all(i.typed != piece for i in found):
                found.append(Intrusion(piece, name))
    return found


def _intruding_pieces(text: str, owners: dict[str, str]) -> list[tuple[str, str]]:
    """The other frameworks' items in one typed piece: the whole piece, or,
    in a piece run together (读好书早锻炼), each item of INTRUSION_MIN_CHARS
    or more inside it, as typed."""
    k = key(text)
    if k in owners:
        return [(text, owners[k])]
    folded = _lower(fold(text))
    where = [i for i, ch in enumerate(folded) if _is_content(ch) or _decimal_point(folded, i)]
    plain = len(where) == len(k)  # no numeral rewritten: key positions map back to the text
    out: list[tuple[int, str, str]] = []
    taken = [False] * len(k)
    for other in sorted((o for o in owners if len(o) >= INTRUSION_MIN_CHARS and o in k), key=len, reverse=True):
        start = k.find(other)
        while start >= 0:
            if not any(taken[start:start + len(other)]):
                for i in range(start, start + len(other)):
                    taken[i] = True
                shown = text[where[start]:where[start + len(other) - 1] + 1] if plain else other
                out.append((start, shown, owners[other]))
            start = k.find(other, start + 1)
    return [(shown, name) for _, shown, name in sorted(out)]


@lru_cache(maxsize=512)
def _mainland_items(expected: tuple[str, ...]) -> tuple[str, ...] | None:
    """The items as worded on the mainland, if that differs from their simplified form."""
    if all(to_simplified(e) == e for e in expected):
        return None  # no traditional characters, so no Taiwan wording
    alt = tuple(mainland(e) for e in expected)
    if all(key(a) == key(e) for a, e in zip(alt, expected)):
        return None
    return alt


def _grade(expected: list[str], answer: str, ordered: bool,
           ignore: tuple[str, ...] | list[str], others: Sequence[str],
           keep_apart: frozenset[str] = frozenset()) -> Grade:
    results = [ItemGrade(expected=e) for e in expected]
    if not expected:
        return Grade(results, [], 1.0 if not key(answer) else 0.0,
                     Verdict.CORRECT if not key(answer) else Verdict.WRONG, ordered)
    limit = max(MAX_ALIGNED_CHARS, 3 * sum(len(e) for e in expected))
    ans, overflow = _read(answer, limit)
    if not ans.chars or ans.chars in REFUSALS:
        return Grade(results, [], 0.0, Verdict.WRONG, ordered, ["nothing recalled"])

    frame = _frame(tuple(expected))
    items = frame.items
    spans = _plain_spans(ans, frame)
    if spans is None:
        spans = _segment(ans, frame, _boundaries(ans, frame), _exact_edges(ans, frame))
    segs = [frame.seg_key(ans.chars[a:b]) for a, b in spans]
    # what the trainee sees as their item starts after its list marker
    shown = [(a + t[0], a + t[1]) for a, b in spans for t in [_trim(ans.chars[a:b], items)]]

    # Only pairs that share more than they differ are candidates (worth > 0).
    worth = [list(col) for col in zip(*(frame.worth_row(seg) for seg in segs))] if segs else [[] for _ in items]
    chosen = assign(worth)
    _same_sound_pass(chosen, worth, segs, items)

    sibling_keys = {key(o) for o in others} - {item.variants[0] for item in items}
    used: set[int] = set()
    recalled: list[tuple[int, int]] = []
    for r, c in enumerate(chosen):
        if c < 0 or worth[r][c] <= 0:
            continue
        used.add(c)
        a, b = shown[c]
        res = results[r]
        res.typed = _original(ans, a, b)
        res.position = a
        if segs[c] in sibling_keys:
            res.verdict, res.credit, res.note = ItemVerdict.MISSING, 0.0, "that is another item of the framework"
            continue
        res.verdict, res.credit, res.note = _judge(segs[c], items[r])
        if res.credit > 0:
            recalled.append((r, a))

    _absorb_mistyped_rest(ans, spans, shown, chosen, used, results, items, keep_apart)

    if ordered and len(recalled) > 1:
        keep = _in_order(recalled)
        for r, _ in recalled:
            if r not in keep:
                res = results[r]
                res.verdict = ItemVerdict.OUT_OF_PLACE
                res.credit *= OUT_OF_PLACE_CREDIT
                note = _place_note(r, results, recalled)
                res.note = (res.note + "; " if res.note else "") + note

    ignore_keys = {key(x) for x in ignore if key(x)}
    recalled_keys = {segs[c] for r, c in enumerate(chosen) if c >= 0 and results[r].credit > 0}
    # Latin letters in an answer of Chinese items (a pasted [bold], an IME left
    # in English mode) are listed as extra but cost nothing.
    latin_noise = frame.latin_noise
    extra: list[str] = []
    penalised = 0
    extra_min = frame.extra_min
    run: list[int] = []  # neighbouring unused spans with no separator between them

    def flush():
        nonlocal penalised
        if not run:
            return
        a, b = spans[run[0]][0], spans[run[-1]][1]
        run.clear()
        k = frame.seg_key(ans.chars[a:b])
        if _MARKER_ONLY.match(ans.chars[a:b]) or any(k in ig for ig in ignore_keys):
            return  # a list marker, or words of the prompt (its name, a cloze's context)
        if a == 0 and (b in ans.colon_cuts or _HEADING.match(ans.chars[a:b])):
            return  # a heading: 三抓三促：… or 三抓三促 …
        extra.append(_original(ans, a, b))
        repeat = k in recalled_keys  # an item given twice is listed, not counted against
        if len(k) >= extra_min and not repeat and not (latin_noise and k.isascii() and k.isalpha()):
            penalised += 1

    for c, (a, _) in enumerate(spans):
        if c in used:
            flush()
            continue
        if run and a in ans.cuts:
            flush()
        run.append(c)
    flush()
    if overflow.strip():
        extra.append(overflow.strip())
        penalised += 1

    total = sum(r.credit for r in results)
    score = max(0.0, total - EXTRA_PENALTY * penalised) / len(results)
    if all(r.verdict == ItemVerdict.CORRECT for r in results) and not penalised:
        verdict = Verdict.CORRECT
        score = 1.0
    elif total / len(results) < WRONG_BELOW or total == 0:
        verdict = Verdict.WRONG
    else:
        verdict = Verdict.PARTIAL
    return Grade(results, extra, score, verdict, ordered)


def _absorb_mistyped_rest(ans: _Answer, spans: list[tuple[int, int]], shown: list[tuple[int, int]],
                          chosen: list[int], used: set[int], results: list[ItemGrade],
                          items: tuple[_Item, ...], keep_apart: frozenset[str]) -> None:
    """An item typed with part of it right and the rest mistyped is one close item.

    在效能上求实效 for 在效能上见真章 aligns as the item's first half (close)
    and 求实效 left over; but the trainee typed one item there, no longer than
    it, and the mistyped rest is its own wrong ending, not a piece of
    something else: the two are read as one close item, with no extra.
    """
    for r, c in enumerate(chosen):
        res = results[r]
        if c < 0 or res.verdict != ItemVerdict.CLOSE or res.note != PART_NOTE:
            continue
        size = len(items[r].variants[0])
        for n in (c + 1, c - 1):
            if not 0 <= n < len(spans) or n in used:
                continue
            a, b = min(shown[c][0], spans[n][0]), max(shown[c][1], spans[n][1])
            between = spans[c][1] if n > c else spans[c][0]
            if between in ans.cuts or b - a > size + MISTYPED_REST_SLACK:
                continue
            if _seg_key(ans.chars[spans[n][0]:spans[n][1]], items) in keep_apart:
                continue  # another framework's item: an intrusion, not this item's ending
            used.add(n)
            res.typed = _original(ans, a, b)
            res.position = a
            res.note = MISTYPED_NOTE
            break


def _original(ans: _Answer, a: int, b: int) -> str:
    """The trainee's own text for content characters a..b (separators inside kept)."""
    if a >= b:
        return ""
    return ans.text[ans.where[a]:ans.where[b - 1] + 1]


def warm() -> None:
    """Load what the first grade would otherwise load (rapidfuzz, OpenCC, pypinyin)."""
    grade(["提升"], "提生")


# How much one answer to grade may hold: far above any framework a speech
# gives (the bundled decks' largest has 14 items of at most 37 characters),
# low enough that grading one answer stays well under a second. MAX_ITEMS,
# the most items, is drill.core.frameworks' (the deck reader's limit too).
MAX_ITEM_CHARS = 200
MAX_EXPECTED_CHARS = 2000
MAX_ANSWER_CHARS = 4000


# Inside a piece run together, another framework's item is looked for only
# from this length on: two characters (目标) turn up inside too many words.
INTRUSION_MIN_CHARS = 3
# Other frameworks' items given to find intrusions by: a whole deck's and
# the reference deck's are a few hundred.
MAX_OTHER_ITEMS = 2000


def size_problem(expected: list[str], answer: str, others: Mapping[str, Sequence[str]] | None = None) -> str | None:
    """Why ``expected``, ``answer`` and ``others`` are too big to grade, or None."""
    if others:
        count = sum(len(items) for items in others.values())
        if count > MAX_OTHER_ITEMS:
            return f"{count} items of other frameworks; at most {MAX_OTHER_ITEMS}"
        longest_other = max((len(i) for items in others.values() for i in items), default=0)
        if longest_other > MAX_ITEM_CHARS:
            return f"an item of another framework of {longest_other} characters; at most {MAX_ITEM_CHARS}"
    if len(expected) > MAX_ITEMS:
        return f"{len(expected)} expected items; at most {MAX_ITEMS} are graded"
    longest = max((len(e) for e in expected), default=0)
    if longest > MAX_ITEM_CHARS:
        return f"an expected item of {longest} characters; at most {MAX_ITEM_CHARS}"
    total = sum(len(e) for e in expected)
    if total > MAX_EXPECTED_CHARS:
        return f"{total} characters of expected items; at most {MAX_EXPECTED_CHARS}"
    if len(answer) > MAX_ANSWER_CHARS:
        return f"an answer of {len(answer)} characters; at most {MAX_ANSWER_CHARS}"
    return None
