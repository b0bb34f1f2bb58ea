"""Small helpers shared by the finders: spans, clause starts, leads, counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from drill.core.extract.source import Source
from drill.core.text import is_cjk

# Separators and end marks that never belong at either edge of an item.
EDGE_PUNCT = set(" \t\n,;:、。!?.·…-~")
OPEN_QUOTES = "“《("
CLOSE_QUOTES = "”》)"
# Characters after which a new clause (and so a list marker) can start.
CLAUSE_BREAK = set("。!?;:,\n")


_QUOTE_CHARS = set(OPEN_QUOTES + CLOSE_QUOTES)
_EDGE_OR_QUOTE = EDGE_PUNCT | _QUOTE_CHARS


def trim(folded: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past edge punctuation and quotes left unbalanced by the cut."""
    if start >= end or (folded[start] not in _EDGE_OR_QUOTE and folded[end - 1] not in _EDGE_OR_QUOTE):
        return start, end
    counts: dict[str, int] | None = None  # quote marks inside the span, counted once
    while True:
        changed = False
        while start < end and folded[start] in EDGE_PUNCT:
            start += 1
            changed = True
        while end > start and folded[end - 1] in EDGE_PUNCT:
            end -= 1
            changed = True
        if start < end and (folded[start] in _QUOTE_CHARS or folded[end - 1] in _QUOTE_CHARS):
            if counts is None:
                body = folded[start:end]
                counts = {q: body.count(q) for q in _QUOTE_CHARS}
            for open_q, close_q in zip(OPEN_QUOTES, CLOSE_QUOTES):
                drop = None
                if folded[start] == open_q and counts[open_q] > counts[close_q]:
                    drop = "start"
                elif folded[end - 1] == close_q and counts[close_q] > counts[open_q]:
                    drop = "end"
                elif folded[end - 1] == open_q:
                    drop = "end"
                elif folded[start] == close_q:
                    drop = "start"
                if drop == "start":
                    counts[folded[start]] -= 1
                    start += 1
                elif drop == "end":
                    counts[folded[end - 1]] -= 1
                    end -= 1
                if drop is not None:
                    changed = True
                    break
        if not changed:
            return start, end


def is_clause_start(folded: str, pos: int) -> bool:
    """True where a list marker may begin: a line start or after a clause break.

    A closing quote or bracket after an end mark (。” or ！”) counts as part
    of the break. No marker begins at a blank: saying so at once keeps a long
    run of blanks (folded-out markup) from being scanned from each of its places.
    """
    if pos < len(folded) and folded[pos] in " \t":
        return False
    i = pos - 1
    while i >= 0 and folded[i] in " \t":
        i -= 1
    if i < 0:
        return True
    ch = folded[i]
    if ch in CLAUSE_BREAK:
        return True
    return ch in "”)" and i > 0 and folded[i - 1] in "。!?"


def sentence_end(source: Source, pos: int, limit: int | None = None) -> int:
    """Where the sentence containing ``pos`` ends (exclusive), capped by ``limit``."""
    sent = source.sentence_at(pos)
    end = sent.end if sent is not None else len(source.folded)
    if limit is not None:
        end = min(end, limit)
    return end


def lead_before(source: Source, pos: int) -> tuple[str, int] | None:
    """The sentence that leads a list starting at ``pos``, and where it starts.

    If the list starts inside a sentence (我觉得要抓三点：首先…), the lead is
    that sentence's text before the list; otherwise it is the sentence just
    before. No lead is found across blanked-out boilerplate.
    """
    folded = source.folded
    sent = source.sentence_at(pos)
    if sent is not None and sent.start < pos:
        a, b = trim(folded, sent.start, pos)
        if b - a >= 2:
            return source.original(a, b), a
    # the previous sentence
    index = source.sentence_index(pos)
    if index == 0:
        return None
    prev = source.sentences[index - 1]
    gap = folded[prev.end:pos]
    if gap.strip(" \n\t"):
        return None
    # blanked lines between the lead and the list: the lead is hidden or gone
    # (a line break written as a tag, <br>, hides nothing)
    if "\n" in gap:
        raw_gap = source.without_markup(prev.end, pos)
        if raw_gap.strip():
            return None
    a, b = trim(folded, prev.start, prev.end)
    if b - a < 2:
        return None
    return source.original(a, b), a


def crosses_word(text: str, cut: int, words: frozenset[str]) -> bool:
    """True if a dictionary word, or a run of placeholder marks (**, xx),
    runs across position ``cut`` of ``text``."""
    if 0 < cut < len(text) and not is_cjk(text[cut - 1]) and not is_cjk(text[cut]) \
            and not text[cut - 1].isspace() and text[cut - 1] not in EDGE_PUNCT:
        return True
    for size in (2, 3, 4):
        for i in range(max(0, cut - size + 1), cut):
            if i + size <= len(text) and text[i:i + size] in words:
                return True
    return False


@lru_cache(maxsize=1)
def dictionary_text() -> str:
    """jieba's dictionary file (one ``word frequency tag`` a line), read once
    without importing jieba, whose import and segmenter cost far more than a
    scan of it; empty if jieba is not installed."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return ""
    try:
        return (Path(spec.origin).parent / "dict.txt").read_text("utf-8")
    except OSError:
        return ""


@lru_cache(maxsize=1)
def dictionary() -> tuple[frozenset[str], dict[str, str]]:
    """From jieba's dictionary: the common words of two to four characters
    (to keep a cut from splitting 怎么样 or 脚踏实地), and every word with a
    numeral together with its tag (四面八方/i is an idiom, not an abbreviation)."""
    data = dictionary_text()
    # frequency 50 and up: 怎么样, 踏实; not rarities such as 出工 (18)
    common = frozenset(re.findall(r"^(\S{2,4}) (?:[5-9]\d|\d{3,}) ", data, re.M))
    numerals = "一二两三四五六七八九十百千双"
    numeric = dict(re.findall(
        rf"^([\u4e00-\u9fff]*[{numerals}][\u4e00-\u9fff]*) \d+ (\w+)", data, re.M))
    return common, numeric


def _best_cut(options: list[tuple[int, int, int]], target: int) -> tuple[int, bool]:
    """Pick a cut from ``(cut, anchors matched, length kept)``: the most anchors,
    then the length nearest the template's; by length alone if no cut matches
    an anchor. Returns the cut and whether anchors chose it."""
    anchored = [o for o in options if o[1] > 0]
    pool = anchored or options
    # options come with "no cut" first, and max keeps the first of equals
    best = max(pool, key=lambda o: (o[1], -abs(o[2] - target)))
    return best[0], bool(anchored)


def mid_len_ok(edge: str, middle: str) -> bool:
    return len(edge) <= len(middle) + 1


@dataclass
class Fit:
    spans: list[tuple[int, int]]  # each clause's kept (start, end) inside it
    anchors: list[tuple[str, int, str]]  # (side, offset, char) every kept clause shares
    guessed: bool  # an edge was cut by length alone, or through a word


def fit_clauses(clauses: list[str], trim_head: bool = True, trim_tail: bool = True,
                words: frozenset[str] = frozenset()) -> Fit:
    """Cut the context off the first and last of a list of parallel clauses.

    In 形成项目就是题目，现场就是考场，工地就是阵地，进度就是尺度的导向 the
    first clause carries 形成 and the last 的导向. The clauses in the middle
    are the template: characters they all share at the same place (就是,
    counted from the start or the end) are *anchors*; the first clause loses
    the head, and the last the tail, that keeps it out of line with them.

    A clause that opens a quotation (不断完善“周推进) is cut at the quote.
    No cut runs through a word of ``words`` (谈怎么|样, 脚|踏实地).
    """
    n = len(clauses)
    if n < 2:
        return Fit([(0, len(c)) for c in clauses], [], False)
    lo_i = 1 if trim_head else 0
    hi_i = n - 1 if trim_tail else n
    # With one clause in the middle, an end clause that needs no cut joins
    # the template: one clause alone makes every character an "anchor".
    if hi_i - lo_i == 1 and mid_len_ok(clauses[-1], clauses[lo_i]) and trim_tail:
        hi_i, trim_tail = n, False
    elif hi_i - lo_i == 1 and mid_len_ok(clauses[0], clauses[lo_i]) and trim_head:
        lo_i, trim_head = 0, False
    template = clauses[lo_i:hi_i] or clauses[1:]
    lo = min(len(t) for t in template)
    hi = max(len(t) for t in template)
    anchors: list[tuple[str, int, str]] = []
    # columns of the template read from either end (zip stops at the shortest)
    heads = [len(set(col)) == 1 for col in zip(*template)]
    tails = [len(set(col)) == 1 for col in zip(*(t[::-1] for t in template))]
    first_t = template[0]
    for o in range(lo):
        if heads[o]:
            anchors.append(("start", o, first_t[o]))
        if tails[o]:
            anchors.append(("end", o, first_t[-1 - o]))
    lengths = sorted(len(t) for t in template)
    target = lengths[len(lengths) // 2]
    # Template clauses of one length make a length cut a fair guess (checked
    # against the dictionary so it does not split a word).
    regular = lo == hi
    start_anchors = [(o, c) for side, o, c in anchors if side == "start"]
    end_anchors = [(o, c) for side, o, c in anchors if side == "end"]

    # Scores of a clause cut at a place, read in place rather than on a copy
    # of what is kept: a long first or last clause costs its length, not its square.
    def score_start(text: str, h: int) -> int:  # text[h:] kept
        return sum(1 for o, c in start_anchors if h + o < len(text) and text[h + o] == c)

    def score_end(text: str, e: int) -> int:  # text[:e] kept
        return sum(1 for o, c in end_anchors if o < e and text[e - 1 - o] == c)

    spans = [(0, len(c)) for c in clauses]
    guessed = False
    if trim_head and "“" in clauses[0] and "”" not in clauses[0]:
        spans[0] = (clauses[0].rindex("“") + 1, len(clauses[0]))
    elif trim_head and len(clauses[0]) > hi:
        first = clauses[0]
        h, anchored = _best_cut(
            [(h, score_start(first, h), len(first) - h) for h in range(len(first))
             if not crosses_word(first, h, words)], target)
        spans[0] = (h, len(first))
        guessed = h > 0 and not anchored and not regular
    if trim_tail and "”" in clauses[-1] and "“" not in clauses[-1]:
        spans[-1] = (spans[-1][0], clauses[-1].index("”"))
    elif trim_tail and len(clauses[-1]) > hi:
        last = clauses[-1]
        # Where no anchor decides, cut only where the text plainly goes on
        # (进度就是尺度|的导向), never into a word (实现共同|富裕).
        options = [(e, score_end(last, e), e) for e in range(len(last), 0, -1)
                   if not crosses_word(last, e, words)]
        e, anchored = _best_cut(options, target)
        if not anchored:
            e, _ = _best_cut([o for o in options if o[0] == len(last) or last[o[0]] in "的等”地之"],
                             target)
        spans[-1] = (spans[-1][0], e)
    kept = [c[a:b] for c, (a, b) in zip(clauses, spans)]
    shared = [
        (side, o, c) for side, o, c in anchors
        if all(o < len(k) and (k[o] if side == "start" else k[-1 - o]) == c for k in kept)
    ]
    return Fit(spans, shared, guessed)
