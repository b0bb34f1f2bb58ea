"""Parallel set phrases: three or more clauses cut to one pattern.

项目就是题目，现场就是考场，工地就是阵地，进度就是尺度 · 谋就谋定、走就走前、
干就干好 · 查必清、清必办、办必果 · 能者上、庸者下、劣者汰 · “紧、严、细、实”.

Clauses are parallel when, after the context is cut off the first and the
last (:func:`fit_clauses`), they share characters at the same places
(anchors), when a quotation holds nothing but a list of equal-length
clauses (“走在前、勇争先、善作为”), or when a whole list joined by 、 is made
of phrases of one length, four characters or more (比学赶超、大抓落实、
争先进位).
"""

from __future__ import annotations

from dataclasses import dataclass

from drill.core.extract.common import dictionary, fit_clauses, trim
from drill.core.extract.source import Source

MIN_CLAUSES = 3
# A clause of a set phrase is short; longer ones are ordinary prose, unless
# three or more places are shared (把思想统一到…上来，把行动聚焦到…上来).
CLAUSE_MAX = 10
CLAUSE_MAX_STRONG = 20
# Clauses of one or two characters are a set phrase only inside quotes
# (“紧、严、细、实”) or four or more of them (用情、用心、用力、用法).
CLAUSE_MIN = 3
# Without any shared character, a whole list of equal phrases this long or
# longer is a slogan (比学赶超、大抓落实、争先进位).
PLAIN_MIN = 4
# A shared opening that is only a determiner or a number makes a list of
# nouns (各领域、各行业、各层面; 现有的产业、现有的企业), not a set phrase.
DETERMINERS = ("各", "每", "一种", "一个", "一些", "现有", "所有", "有的", "这", "那", "如", "比如",
               "很多", "许多", "不少", "其他", "我们", "我", "你", "他")
# Separators that may join the clauses of one phrase; 和/与/及 only before the last.
LIST_SEPS = {"、", ","}
LAST_JOINERS = "和与及"
# No item of a set phrase starts or ends with a conjunction.
EDGE_WORDS = "和与及或"
NUMERALS = "一二两三四五六七八九十"


@dataclass
class Parallel:
    items: list[tuple[int, int]]
    quoted: bool


def _clauses(folded: str, a: int, b: int) -> list[tuple[int, int, str]]:
    """Split a sentence into clauses at 、 , ; : keeping the separator that ends
    each; a clause after 、 that holds 和 is split there too (危机感、紧迫感和责任感)."""
    out: list[tuple[int, int, str]] = []
    start = a
    for i in range(a, b + 1):
        if i == b or folded[i] in "、,;:":
            sep = folded[i] if i < b else ""
            out.append((start, i, sep))
            start = i + 1
    split: list[tuple[int, int, str]] = []
    for k, (s, e, sep) in enumerate(out):
        joiner = -1
        if k > 0 and out[k - 1][2] == "、" and e - s <= 2 * CLAUSE_MAX:
            for j in range(s + 2, e - 1):
                if folded[j] in LAST_JOINERS:
                    joiner = j
                    break
        if joiner != -1:
            split.append((s, joiner, folded[joiner]))
            split.append((joiner + 1, e, sep))
        else:
            split.append((s, e, sep))
    return split


def _strip_quotes(folded: str, a: int, b: int) -> tuple[int, int]:
    while a < b and folded[a] in " ”":
        a += 1
    while b > a and folded[b - 1] in " “":
        b -= 1
    return a, b


def _anchor_places(kept: list[str], anchors) -> set[int]:
    first = kept[0]
    return {o if side == "start" else len(first) - 1 - o for side, o, _ in anchors}


def _balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count("(") == text.count(")")


def _accept(kept: list[str], anchors, quoted_exact: bool, guessed: bool, seps: list[str],
            whole_list: bool) -> bool:
    lengths = [len(k) for k in kept]
    places = _anchor_places(kept, anchors)
    longest = CLAUSE_MAX_STRONG if len(places) >= 3 else CLAUSE_MAX
    if any(n > longest for n in lengths) or not all(_balanced(k) for k in kept):
        return False
    if any(k[0] in EDGE_WORDS or k[-1] in EDGE_WORDS for k in kept):
        return False  # cut at a conjunction: 与对下负责
    equal = len(set(lengths)) == 1
    if quoted_exact and equal and all(n <= 6 for n in lengths):
        return True
    # two-character clauses only when all are (用情、用心、用力、用法)
    shortest = 2 if len(kept) >= 4 and max(lengths) == 2 else CLAUSE_MIN
    if guessed or any(n < shortest for n in lengths):
        return False
    if not places:
        # A whole list of equal phrases of four or more characters, joined
        # by 、 alone, is a slogan (比学赶超、大抓落实、争先进位).
        return whole_list and equal and lengths[0] >= PLAIN_MIN
    joined = any(s in LAST_JOINERS for s in seps)
    if joined and not equal and len(places) < 2:
        return False
    head = 0
    while head < min(lengths) and all(k[head] == kept[0][head] for k in kept):
        head += 1
    if head and any(kept[0][:head].startswith(d) and head <= len(d) + 2 for d in DETERMINERS):
        return False
    if equal:
        return True
    # Unequal lengths: a shared opening verb (有精气神、有目标定位、有信心;
    # 督出压力…督出生产力), or a shared ending that is more than a noun head
    # (更有温度、更有力度; not 重大项目、带动性项目, not 工作计划、工作效率).
    starts = {o for side, o, _ in anchors if side == "start"}
    ends = {o for side, o, _ in anchors if side == "end"}
    if 0 in starts and not (head == 1 and kept[0][0] in NUMERALS):
        return True  # …but not a lone number (一个是落实、一个是落空、一字之差)
    return 0 in ends and len(ends) >= 2 and ends != set(range(len(ends)))


def _window(folded: str, window, whole_list: bool) -> tuple[tuple, Parallel] | None:
    """Judge clauses as one parallel phrase: its rank (higher is better) and spans."""
    spans = [trim(folded, *_strip_quotes(folded, a, b)) for a, b, _ in window]
    texts = [folded[a:b] for a, b in spans]
    if not all(texts):
        return None
    fit = fit_clauses(texts, words=dictionary()[0])
    items = [trim(folded, a + s, a + e) for (a, _), (s, e) in zip(spans, fit.spans)]
    kept = [folded[a:b] for a, b in items]
    if any(not k for k in kept):
        return None
    quoted_exact = (
        folded[items[0][0] - 1:items[0][0]] == "“" and folded[items[-1][1]:items[-1][1] + 1] == "”"
    )
    seps = [c[2] for c in window[:-1]]
    if not _accept(kept, fit.anchors, quoted_exact, fit.guessed, seps, whole_list):
        return None
    equal = len({len(k) for k in kept}) == 1
    cut = (items[0][0] - spans[0][0]) + (spans[-1][1] - items[-1][1])
    rank = (equal, len(kept), len(_anchor_places(kept, fit.anchors)), -cut)
    return rank, Parallel(items, quoted_exact)


def find(source: Source) -> list[Parallel]:
    folded = source.folded
    found: list[Parallel] = []
    for sent in source.sentences:
        clauses = _clauses(folded, sent.start, sent.end)
        candidates = []
        for i in range(len(clauses)):
            for j in range(i + MIN_CLAUSES - 1, len(clauses)):
                window = clauses[i:j + 1]
                seps = [c[2] for c in window[:-1]]
                if not set(seps) <= LIST_SEPS | set(LAST_JOINERS):
                    break
                # one separator throughout (和/与/及 may join the last clause)
                if any(s in LAST_JOINERS for s in seps[:-1]) or len(set(seps) - set(LAST_JOINERS)) > 1:
                    continue
                # A list joined by 、 is one phrase or none: a run cut out of a
                # longer list (我代表区委、区人大、区政府、区政协) is not a set phrase.
                before = clauses[i - 1][2] if i > 0 else ""
                after = window[-1][2]
                if "、" in seps and (before == "、" or after in ("、", *LAST_JOINERS)):
                    continue
                whole_list = set(seps) == {"、"} and before != "、" and after not in ("、", *LAST_JOINERS)
                judged = _window(folded, window, whole_list)
                if judged is not None:
                    candidates.append((judged[0], i, j, judged[1]))
        # best first, then no overlaps
        candidates.sort(key=lambda c: c[0], reverse=True)
        taken: list[tuple[int, int]] = []
        for _, i, j, par in candidates:
            if any(i <= tj and ti <= j for ti, tj in taken):
                continue
            taken.append((i, j))
            found.append(par)
    found.sort(key=lambda p: p.items[0][0])
    return found
