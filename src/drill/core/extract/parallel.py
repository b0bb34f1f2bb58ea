"""Parallel set phrases: three or more clauses cut to one pattern.

项目就是题目，现场就是考场，工地就是阵地，进度就是尺度 · 谋就谋定、走就走前、
干就干好 · 查必清、清必办、办必果 · 能者上、庸者下、劣者汰 · “紧、严、细、实”.

Clauses are parallel when, after the context is cut off the first and the
last (:func:`fit_clauses`), they share characters at the same places
(anchors), or when a quotation holds nothing but a list of equal-length
clauses (“走在前、勇争先、善作为”). A plain list with nothing shared
(经济发展、环境改善、社会治理) is the texture of official prose, not a set
phrase, and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from drill.core.extract.common import dictionary, fit_clauses, trim
from drill.core.extract.source import Source

MIN_CLAUSES = 3
# No set phrase has more members than this (工作项目化…考核数据化 has seven).
MAX_CLAUSES = 12
# A clause of a set phrase is short; longer ones are ordinary prose, unless
# three or more places are shared (把思想统一到…上来，把行动聚焦到…上来).
CLAUSE_MAX = 10
CLAUSE_MAX_STRONG = 20
# Clauses of one or two characters are a set phrase only inside quotes
# (“紧、严、细、实”) or four or more of them (用情、用心、用力、用法).
CLAUSE_MIN = 3
# A shared opening that is only a determiner or a number makes a list of
# nouns (各领域、各行业、各层面; 现有的产业、现有的企业), not a set phrase.
DETERMINERS = ("各", "每", "一种", "一个", "一些", "现有", "所有", "有的", "这", "那", "如", "比如",
               "很多", "许多", "不少", "其他", "我们", "我", "你", "他",
               # the prefix of a level of government: 县委常委、县纪委书记、县监委主任
               "省", "市", "县", "区", "乡", "镇", "村")
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


def _accept(kept: list[str], anchors, quoted_exact: bool, guessed: bool, seps: list[str]) -> bool:
    lengths = [len(k) for k in kept]
    places = _anchor_places(kept, anchors)
    longest = CLAUSE_MAX_STRONG if len(places) >= 3 else CLAUSE_MAX
    if any(n > longest for n in lengths) or not all(_balanced(k) for k in kept):
        return False
    for edge in (0, -1):  # cut at a conjunction (与对下负责), unless all share it (和去年比)
        if any(k[edge] in EDGE_WORDS for k in kept) and len({k[edge] for k in kept}) > 1:
            return False
    equal = len(set(lengths)) == 1
    if quoted_exact and equal and all(n <= 6 for n in lengths):
        return True  # “走在前、勇争先、善作为”, “紧、严、细、实”
    if guessed or not places:
        # Lists with nothing shared (经济发展、社会治理、民生保障) are prose.
        return False
    starts = {o for side, o, _ in anchors if side == "start"}
    ends = {o for side, o, _ in anchors if side == "end"}
    # two-character clauses: a shared opening (抓常、抓细、抓长) or four of them
    shortest = 2 if (0 in starts or len(kept) >= 4) and max(lengths) == 2 else CLAUSE_MIN
    if any(n < shortest for n in lengths):
        return False
    head = 0
    while head < min(lengths) and all(k[head] == kept[0][head] for k in kept):
        head += 1
    if head and any(kept[0][:head].startswith(d) and head <= len(d) + 2 for d in DETERMINERS):
        return False
    # Only a shared word at the end (党委监督、群众监督和社会监督; 重大项目、
    # 带动性项目): a list of nouns with one head, unless the clauses are of
    # one length and not joined by 和 (立即整改、科学整改、彻底整改).
    tail = 0
    while tail < min(lengths) and all(k[-1 - tail] == kept[0][-1 - tail] for k in kept):
        tail += 1
    inner = {p for p in places if head <= p < len(kept[0]) - tail}
    noun_head = head == 0 and tail >= 2 and not inner
    joined = any(s in LAST_JOINERS for s in seps)
    if noun_head and (joined or not equal):
        return False
    if equal:
        return True
    if joined:
        return False
    # Unequal lengths: a shared opening verb (有精气神、有目标定位、有信心;
    # 督出压力…督出生产力) but not a lone number (一个是落实、一字之差), or a
    # shared last character (困难多、矛盾多、群众意见多; 更有温度、更有力度).
    if 0 in starts and not (head == 1 and kept[0][0] in NUMERALS):
        return True
    return 0 in ends


def _window(folded: str, window) -> tuple[tuple, Parallel, set[str]] | None:
    """Judge clauses as one parallel phrase: its rank (higher is better), its
    spans and the characters its clauses share."""
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
    if not _accept(kept, fit.anchors, quoted_exact, fit.guessed, seps):
        return None
    equal = len({len(k) for k in kept}) == 1
    cut = (items[0][0] - spans[0][0]) + (spans[-1][1] - items[-1][1])
    rank = (equal, len(kept), len(_anchor_places(kept, fit.anchors)), -cut)
    return rank, Parallel(items, quoted_exact), {c for _, _, c in fit.anchors}


def find(source: Source) -> list[Parallel]:
    folded = source.folded
    found: list[Parallel] = []
    for sent in source.sentences:
        clauses = _clauses(folded, sent.start, sent.end)
        candidates = []
        for i in range(len(clauses)):
            for j in range(i + MIN_CLAUSES - 1, min(len(clauses), i + MAX_CLAUSES)):
                window = clauses[i:j + 1]
                seps = [c[2] for c in window[:-1]]
                if not set(seps) <= LIST_SEPS | set(LAST_JOINERS):
                    break
                # one separator throughout (和/与/及 may join the last clause)
                if any(s in LAST_JOINERS for s in seps[:-1]) or len(set(seps) - set(LAST_JOINERS)) > 1:
                    continue
                judged = _window(folded, window)
                if judged is None:
                    continue
                rank, par, shared = judged
                # A list joined by 、 is one phrase or none: a run cut out of a
                # longer list whose other members share its characters
                # (我代表区委、区人大、区政府、区政协) is not a set phrase.
                before = i > 0 and clauses[i - 1][2] == "、"
                after = window[-1][2] in ("、", *LAST_JOINERS)
                if "、" in seps and shared and (
                        (before and _neighbour_alike(folded, clauses, i - 1, shared))
                        or (after and _neighbour_alike(folded, clauses, j + 1, shared))):
                    continue
                candidates.append((rank, i, j, par))
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


def _neighbour_alike(folded: str, clauses, k: int, shared: set[str]) -> bool:
    """True if clause ``k`` holds every character the list's clauses share."""
    if not 0 <= k < len(clauses):
        return False
    a, b, _ = clauses[k]
    return shared <= set(folded[a:b])
