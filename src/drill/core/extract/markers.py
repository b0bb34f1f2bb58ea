"""Numbered lists: the speech's outline and its enumerations.

A *marker* is a list number at the start of a clause: 一、 （一） 1、 （1） ①
第一 一是 一要 首先/其次/最后. Markers of one family numbered 1, 2, 3… in
order form a *run*; a run of the top heading family is the outline (two
headings or more), every other run an enumeration. Unnumbered runs of
parallel topic sentences (要…。要…。要…。) are found afterwards, between the
numbered ones, and so are a report section's paragraph heads (实施更加积极的
财政政策。… / 积极扩大有效投资。…) and its lists of "——" lines.
"""

from __future__ import annotations

import re
from bisect import insort
from dataclasses import dataclass, field

from drill.core.counts import stated_count
from drill.core.extract.common import (
    crosses_word,
    dictionary,
    is_clause_start,
    lead_before,
    sentence_end,
    trim,
)
from drill.core.extract.source import Source
from drill.core.text import cn_number, fold, is_cjk

CN = "一二三四五六七八九十"

# Family name → pattern. Group "n" is the number; the match ends where the
# item's text begins. Families are listed from the top heading level down.
_FAMILIES: list[tuple[str, re.Pattern]] = [
    ("cn_dun", re.compile(rf"(?P<n>[{CN}]{{1,3}})、")),
    ("di", re.compile(
        rf"第(?P<n>[{CN}]{{1,3}})(?P<suffix>点|条|个方面|方面|部分|项)?(?:要求|意见|建议)?"
        r"(?:\s*[,:、]|是|(?=要(?!务|素|件|求|害|点|职|紧)))"
        # 第一个阶段，… 第二个阶段，… 第一步，…: a counted noun, then a comma or colon
        rf"|第(?P<n2>[{CN}]{{1,3}})(?P<suffix2>个[\u4e00-\u9fff]{{1,2}}|步|阶段|层次|批)\s*[,:]")),
    ("cn_paren", re.compile(rf"\((?P<n>[{CN}]{{1,3}})\)")),
    ("ar_dun", re.compile(r"(?P<n>\d{1,2})(?:、|\.(?!\d)|\s*\)(?!\d))")),
    ("ar_paren", re.compile(r"\((?P<n>\d{1,2})\)")),
    ("circled", re.compile(r"(?P<n>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
    ("qi", re.compile(rf"其(?P<n>[{CN}]{{1,2}})(?:\s*[,:、]|是)")),
    ("shi", re.compile(rf"(?P<n>[{CN}]{{1,2}})(?P<suffix>是|要(?!是|求|素|点|务|紧))")),
    ("seq", re.compile(r"(?P<word>首先|其次|再次|再者|然后|最后)(?:是|要|,)?")),
]
HEADING_FAMILIES = ("cn_dun", "di", "cn_paren", "ar_dun", "ar_paren")
_SEQ_RANK = {"首先": 1, "其次": 2, "再次": 3, "再者": 3}

# A run's next number must follow within this many characters: further
# away it is another list that happens to continue the count.
MAX_GAP = 4000
# Section headings may stand a whole section apart.
HEADING_GAP = 30000
# Items longer than this are cut at their first clause: a trainee recalls
# a formulation (一是全面实施营改增，从5月1日起，…), not a paragraph.
ITEM_MAX = 60
# The opening of a clause that sets a time, place or means, not a formulation.
_SETTING = re.compile(r"从|自|到|在|随着|按照|根据|通过|经过")
# Sentences that open alike stop being one list this far apart.
PREFIX_GAP = 1500
# A heading is a short first sentence.
HEADING_MAX = 40
# A lead longer than this is named from the clause that announces the list.
LEAD_MAX = 30


@dataclass
class Marker:
    family: str
    key: str  # family plus the suffix that must agree inside a run (第一点 / 第一)
    number: int
    start: int  # where the marker begins
    body: int  # where the item's text begins
    word: str = ""


@dataclass
class Run:
    family: str
    markers: list[Marker]
    items: list[tuple[int, int]] = field(default_factory=list)
    heading: bool = False
    is_outline: bool = False


def find_markers(source: Source) -> list[Marker]:
    folded = source.folded
    markers: list[Marker] = []
    for index, (a, b) in enumerate(source.paragraphs):
        pos = a
        while pos < b:
            if is_clause_start(folded, pos) or pos == a:
                for family, pattern in _FAMILIES:
                    m = pattern.match(folded, pos, b)
                    if not m:
                        continue
                    if pos == a and family in ("ar_dun", "ar_paren") and _page_number(source, index, m.end()):
                        break
                    if family == "seq":
                        word = m.group("word")
                        markers.append(Marker(family, family, _SEQ_RANK.get(word, 0), pos, m.end(), word))
                    else:
                        groups = m.groupdict()
                        raw = groups.get("n") or groups.get("n2")
                        if not raw:
                            continue
                        number = cn_number(raw) if family != "circled" else "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(raw) + 1
                        if not number:
                            continue
                        suffix = groups.get("suffix") or groups.get("suffix2") or ""
                        if family == "di" and suffix in ("个方面",):
                            suffix = "方面"
                        markers.append(Marker(family, f"{family}:{suffix}", number, pos, m.end()))
                    break
            pos += 1
    return markers


def _page_number(source: Source, index: int, body: int) -> bool:
    """True if a number opening paragraph ``index`` (…高质量发 / 1、展，持续扩大
    内需…) is a page number left in a scraped text: the text before it stops
    in the middle of a sentence that does not announce a list, and a word runs
    on from there to the text after the number."""
    if index == 0:
        return False
    folded = source.folded
    pa, pb = source.paragraphs[index - 1]
    if not is_cjk(folded[pb - 1]) or not (pb - pa > HEADING_MAX or "。" in folded[pa:pb]):
        return False
    cut = max(folded.rfind(m, pa, pb) for m in "。!?;:")
    last = folded[max(cut + 1, pa):pb]
    if stated_count(last) is not None or "以下" in last or "如下" in last:
        return False
    tail = folded[max(pa, pb - 3):pb]
    return crosses_word(tail + folded[body:body + 3], len(tail), dictionary()[0])


def build_runs(markers: list[Marker]) -> list[Run]:
    """Chain markers of one key numbered 1, 2, 3… into runs."""
    runs: list[Run] = []
    # Several runs of one key may be open at once: a list 一、二、三、 inside
    # section 二、 of an outline numbered the same way. A marker continues the
    # latest open run that expects its number. Open runs are kept by the key
    # and number they expect, oldest first; one left too far behind is closed
    # for good (markers come in order, so no later one is nearer).
    open_runs: dict[tuple[str, int], list[tuple[int, Run]]] = {}
    for mk in markers:
        if mk.family == "seq":
            continue
        gap = HEADING_GAP if mk.family in ("cn_dun", "di", "cn_paren") else MAX_GAP
        waiting = open_runs.get((mk.key, mk.number), [])
        while waiting and mk.start - waiting[-1][1].markers[-1].start > gap:
            waiting.pop()
        if waiting:
            # the latest run within reach (runs left behind in between close)
            order, run = waiting.pop()
            run.markers.append(mk)
            insort(open_runs.setdefault((mk.key, mk.number + 1), []), (order, run), key=lambda e: e[0])
            continue
        if mk.number == 1:
            run = Run(mk.family, [mk])
            open_runs.setdefault((mk.key, 2), []).append((len(runs), run))
            runs.append(run)
    runs.extend(_seq_runs(markers))
    # A lone 一、 is no outline, even where the site hid ("此处隐藏…字") or cut
    # off the headings after it: a list needs two items left to be marked.
    return [r for r in runs if len(r.markers) >= 2]


def _seq_runs(markers: list[Marker]) -> list[Run]:
    """首先 … 其次 … 再次/然后/第三 … 最后: the 'sequence words' family.

    A 第N marker continues such a run when N is the next number (首先是…
    其次是… 第三是… 第四是…). A 首先 inside an item opens a run of its own
    without closing the outer one; each later marker goes to the latest
    open run that expects it.
    """
    runs: list[Run] = []
    open_runs: list[Run] = []
    for mk in markers:
        open_runs = [r for r in open_runs if mk.start - r.markers[-1].start <= MAX_GAP / 4]
        if mk.family == "seq" and mk.word == "首先":
            run = Run("seq", [mk])
            runs.append(run)
            open_runs.append(run)
            continue
        for run in reversed(open_runs):
            expected = len(run.markers) + 1
            if mk.family == "seq":
                fits = _SEQ_RANK.get(mk.word) == expected or mk.word in ("然后", "最后")
            else:
                fits = mk.family in ("di", "shi") and mk.number == expected and expected >= 3
            if fits:
                run.markers.append(mk)
                if mk.word == "最后":
                    open_runs.remove(run)
                break
    return runs


def item_span(source: Source, body: int, next_start: int | None) -> tuple[int, int]:
    """An item runs from its marker to the end of its first sentence (or the next marker)."""
    folded = source.folded
    end = sentence_end(source, body)
    if next_start is not None and body < next_start < end:
        end = next_start
    a, b = trim(folded, body, end)
    if ITEM_MAX < b - a <= 80 and _SETTING.match(folded, a):
        # a point that opens on its setting (从二○三五年到本世纪中叶，…) has
        # no formulation in its first clause: it is kept whole
        return a, b
    if b - a > ITEM_MAX:
        # first clause that ends on a strong separator, else the first comma clause
        for sep in (";", ":", ","):
            cut = folded.find(sep, a + 6, b)
            if cut != -1 and cut - a <= ITEM_MAX:
                a, b = trim(folded, a, cut)
                break
    return a, b


def heading_span(source: Source, body: int) -> tuple[int, int, bool]:
    """A heading's text, and whether the heading stands alone on its line.

    A heading run into its paragraph (一、保持…进取心，谋就谋定“不谋万世者…)
    ends at the first end mark, semicolon, colon, or quote it does not close.
    """
    folded = source.folded
    end = sentence_end(source, body)
    para = source.paragraph_at(body)
    line_end = para[1] if para is not None else end
    stands_alone = end >= line_end or not folded[end:line_end].strip()
    stop = end
    for sep in (";", ":"):
        cut = folded.find(sep, body, stop)
        if cut != -1:
            stop = cut
    depth = 0
    opened = stop
    for i in range(body, stop):
        ch = folded[i]
        if ch == "“":
            if depth == 0:
                opened = i
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
    if depth > 0:
        stop = opened
    a, b = trim(folded, body, stop)
    return a, b, stands_alone


def _cut_shared_heads(source: Source, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Headings run into their paragraphs that share a long prefix (保持…进取心，谋就谋定 /
    …，走就走前 / …，干就干好) differ only in a short tail: cut every tail to the
    length of the shortest one."""
    texts = [source.folded[a:b] for a, b in spans]
    prefix = 0
    while all(len(t) > prefix for t in texts) and len({t[prefix] for t in texts}) == 1:
        prefix += 1
    if prefix < 4:
        return spans
    tails = [len(t) - prefix for t in texts]
    shortest = min(tails)
    if shortest <= 0 or shortest > 12:
        return spans
    return [(a, a + prefix + shortest) for a, _ in spans]


def resolve(source: Source, runs: list[Run]) -> None:
    """Fill in each run's item spans and decide which run is the outline."""
    for run in runs:
        starts = [mk.start for mk in run.markers]
        spans = []
        alone = []
        for i, mk in enumerate(run.markers):
            nxt = starts[i + 1] if i + 1 < len(starts) else None
            if run.family in HEADING_FAMILIES:
                a, b, stands = heading_span(source, mk.body)
                if (nxt is None or nxt >= b) and (stands or b - a <= HEADING_MAX):
                    spans.append((a, b))
                    alone.append(stands)
                    continue
            spans.append(item_span(source, mk.body, nxt))
            alone.append(False)
        if run.family in HEADING_FAMILIES and not all(alone):
            heads = [heading_span(source, mk.body)[:2] for mk in run.markers]
            cut = _cut_shared_heads(source, heads)
            if cut != heads:
                spans = cut
        run.heading = run.family in HEADING_FAMILIES and all(
            (b - a) <= HEADING_MAX for a, b in spans) and (all(alone) or run.family == "cn_dun")
        # a marker with nothing after it ("一、" at the end of a line) is no item
        kept = [(mk, span) for mk, span in zip(run.markers, spans) if span[1] > span[0]]
        run.markers = [mk for mk, _ in kept]
        run.items = [span for _, span in kept]
    runs[:] = [r for r in runs if r.markers]
    # The outline: the longest run of the highest heading family that has
    # a heading run of two or more.
    for family in HEADING_FAMILIES:
        candidates = [r for r in runs if r.family == family and len(r.markers) >= 2
                      and (r.heading or family == "cn_dun")]
        if candidates:
            max(candidates, key=lambda r: len(r.markers)).is_outline = True
            break
    runs[:] = [r for r in runs if len(r.markers) >= 2]


# --------------------------------------------------------------------------
# unnumbered runs of topic sentences


@dataclass
class TopicRun:
    sentences: list[tuple[int, int]]  # spans of the items
    framed: bool = False  # opening clauses inside one paragraph (增强…本领，…)


def _short(text: str, limit: int) -> bool:
    return len(text.replace("“", "").replace("”", "")) <= limit


def topic_runs(source: Source, barriers: list[int]) -> list[TopicRun]:
    """Runs of short sentences that open the same way (要…。要…。要…。,
    谋划工作要抓全局。…谋划工作要抓重点。…), within the stretches that the
    numbered lists leave between their items."""
    folded = source.folded
    bounds = sorted(set(barriers + [0, len(folded)]))
    found: list[TopicRun] = []

    def segment_of(pos: int) -> int:
        lo, hi = 0, len(bounds) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if bounds[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    sents = []
    for s in source.sentences:
        a, b = trim(folded, s.start, s.end)
        if b - a >= 3:
            sents.append((a, b))

    # 1. long shared prefixes (谋划工作要抓…, 走在前列，勇争第一，要…): short
    # sentences grouped by their first four characters, one group per
    # stretch, a new group after a gap of more than PREFIX_GAP characters.
    used: set[int] = set()
    long_members: list[int] = []
    by_opening: dict[tuple[str, int], list[list[int]]] = {}
    for i, (a, b) in enumerate(sents):
        if b - a < 5 or not _short(folded[a:b], 30):
            continue
        groups = by_opening.setdefault((folded[a:a + 4], segment_of(a)), [])
        if groups and a - sents[groups[-1][-1]][0] <= PREFIX_GAP:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in (g for groups in by_opening.values() for g in groups if len(g) >= 3):
        a, b = sents[group[0]]
        texts = [folded[sents[j][0]:sents[j][1]] for j in group]
        prefix = min(_common_prefix(texts[0], t) for t in texts[1:])
        if prefix >= len(min(texts, key=len)) - 1:
            continue  # the same sentence repeated, not a list
        used.update(group)
        long_members.extend(sents[j][0] for j in group)
        # A shared opening clause (走在前列，勇争第一，) is dropped; 要 stays.
        comma = folded.rfind(",", a, a + prefix)
        cut = comma - a + 1 if comma != -1 else 0
        found.append(TopicRun([(sents[j][0] + cut, sents[j][1]) for j in group]))

    # 2. 要-sentences, split by the long-prefix runs
    bounds = sorted(set(bounds + long_members))
    yao = [
        (a, b) for i, (a, b) in enumerate(sents)
        if i not in used and folded[a] == "要" and _short(folded[a:b], 22) and folded.count(",", a, b) == 0
        and folded[a:a + 2] not in ("要是", "要不", "要么")
    ]
    # A topic sentence opens its paragraph, or text that is not another
    # 要-sentence follows it in the paragraph.
    starts = {a for a, _ in source.paragraphs}
    yao_starts = {a for a, _ in yao}
    topical = {}
    for a, b in yao:
        nxt = source.sentence_at(b + 1) if b + 1 < len(folded) else None
        here = source.sentence_at(a)
        body = nxt is not None and here is not None and nxt.para == here.para and nxt.start not in yao_starts
        topical[a] = a in starts or body
    by_segment: dict[int, list[tuple[int, int]]] = {}
    for a, b in yao:
        by_segment.setdefault(segment_of(a), []).append((a, b))
    for members in by_segment.values():
        found.extend(_split_alike(folded, members, [topical[a] for a, _ in members]))
    found.extend(_framed_openings(source))
    return found


# The opening clause of a sentence that a framed run is made of.
FRAMED_MIN, FRAMED_MAX = 4, 12


def _framed_openings(source: Source) -> list[TopicRun]:
    """Sentences in a row, inside one paragraph, whose opening clauses share
    a frame of two characters or more at each end (要增强学习本领，…。增强政治
    领导本领，…。增强改革创新本领，…): three or more are a list of those
    clauses. A leading 要 is not part of the item."""
    folded = source.folded
    found: list[TopicRun] = []
    group: list[tuple[int, int]] = []
    para = -1

    def close():
        if len(group) >= 3:
            found.append(TopicRun(list(group), framed=True))
        group.clear()

    for sent in source.sentences:
        a = sent.start
        while a < sent.end and folded[a] in " \t":
            a += 1
        if folded.startswith("要", a):
            a += 1
        comma = folded.find(",", a, sent.end)
        clause = trim(folded, a, comma) if comma != -1 else None
        if sent.para != para:
            close()
            para = sent.para
        if clause is None or not FRAMED_MIN <= clause[1] - clause[0] <= FRAMED_MAX:
            close()
            continue
        text = folded[clause[0]:clause[1]]
        if group:
            first = folded[group[0][0]:group[0][1]]
            if not (_common_prefix(first, text) >= 2 and _common_suffix(first, text) >= 2
                    and first != text):
                close()
        group.append(clause)
    close()
    return found


def _split_alike(folded: str, members: list[tuple[int, int]], topical: list[bool]) -> list[TopicRun]:
    """Group 要-sentences of one stretch by shape: a shared head after 要
    (要大兴…) or a shared tail (…抓落实), three or more to a group. The rest
    form a run when three or more follow one another and either have nearly
    the same length or each heads its own stretch of text (``topical``: it
    opens a paragraph or body text follows it)."""
    if len(members) < 3:
        return []
    texts = [folded[a:b] for a, b in members]
    n = len(members)
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # Two sentences are alike when they share the two characters after 要,
    # or the last two, or the one after 要 and nearly their length: joined
    # through buckets of those keys, not pair by pair.
    def join(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    by_head: dict[str, list[int]] = {}
    by_tail: dict[str, list[int]] = {}
    by_second: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        if len(t) >= 3:
            by_head.setdefault(t[1:3], []).append(i)
        if len(t) >= 2:
            by_tail.setdefault(t[-2:], []).append(i)
            by_second.setdefault(t[1], []).append(i)
    for bucket in (*by_head.values(), *by_tail.values()):
        for j in bucket[1:]:
            join(bucket[0], j)
    for bucket in by_second.values():
        bucket.sort(key=lambda k: len(texts[k]))
        for i, j in zip(bucket, bucket[1:]):
            if len(texts[j]) - len(texts[i]) <= 2:
                join(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    runs = []
    loose = []
    for idxs in groups.values():
        if len(idxs) >= 3:
            runs.append(TopicRun([members[i] for i in idxs]))
        else:
            loose.extend(idxs)
    loose.sort()

    def fits(chain: list[int], i: int) -> bool:
        if i != chain[-1] + 1:
            return False
        alike = all(abs(len(texts[k]) - len(texts[i])) <= 2 for k in chain)
        return alike or all(topical[k] for k in [*chain, i])

    chain: list[int] = []
    for at in [*loose, None]:
        if at is not None and (not chain or fits(chain, at)):
            chain.append(at)
            continue
        if len(chain) >= 3:
            runs.append(TopicRun([members[k] for k in chain]))
        chain = [at] if at is not None else []
    return runs


def _common_prefix(x: str, y: str) -> int:
    n = 0
    for a, b in zip(x, y):
        if a != b:
            break
        n += 1
    return n


def _common_suffix(x: str, y: str) -> int:
    return _common_prefix(x[::-1], y[::-1])


def lead_and_count(source: Source, first_start: int) -> tuple[str | None, int | None]:
    found = lead_before(source, first_start)
    if found is None:
        return None, None
    text, _ = found
    if len(text) > LEAD_MAX:
        # a long sentence that ends by announcing the list (《纲要草案》紧紧围绕…，
        # 突出了以下六个方面：) is named from the clause that announces it
        cuts = [m.end() for m in re.finditer(r"[,，;；]", text)]
        for cut in reversed(cuts):
            if len(text) - cut >= 4 and announces(text[cut:]):
                text = text[cut:].strip()
                break
    return text, stated_count(text)


def announces(lead: str) -> bool:
    """True if a lead says a list follows: a count (三点, 以下七类) or 以下/如下."""
    folded = fold(lead)
    return stated_count(folded) is not None or "以下" in folded or "如下" in folded


# --------------------------------------------------------------------------
# paragraph heads: a report section built of unnumbered paragraphs whose
# first sentence is the topic (实施更加积极的财政政策。… / 积极扩大有效投资。…)


# The longest first sentence that reads as a paragraph's head.
PARA_HEAD_MAX = 24
# Openings that make a first sentence a statement with a subject, or a
# transition, not a head: 我们…, 今年…, 过去一年，…, 同时，…
_NOT_HEAD_OPENING = re.compile(
    r"(我们|我国|我|你们|大家|这|那|今年|去年|明年|今天|当前|目前|如今|现在|过去|回顾|展望|"
    r"一年来|多年来|近年来|长期以来|"
    r"[\d一二三四五六七八九十百]+年|同时|此外|另外|因此|所以|但是|但|然而|总之|如果|只有|"
    r"在|随着|面对|根据|为了|由于|同志们|各位)")
_END_MARKS = set("。!?:;”’)》…")


@dataclass
class HeadRun:
    heads: list[tuple[int, int]]  # each head's span, without its end mark
    under: tuple[int, int] | None  # the heading they stand under
    first: int  # where the first head's paragraph begins
    dashes: bool = False  # a list of "——" lines


def _continues(source: Source, index: int) -> bool:
    """True if paragraph ``index`` carries on the one before it: a line
    broken in the middle of a sentence by a page break or a link in the
    scraped page (…全员劳动生 / 产率增长高于…; 》。《纲要草案》…)."""
    folded = source.folded
    a, b = source.paragraphs[index]
    if folded[a] in ",、;:。!?”’)》":
        return True
    if index == 0:
        return False
    pa, pb = source.paragraphs[index - 1]
    # a heading or title line ends without a mark too: only running text
    # that stops mid-sentence goes on in the next line
    if folded[pb - 1] in _END_MARKS:
        return False
    return pb - pa > HEADING_MAX or "。" in folded[pa:pb]


def _head_of(source: Source, a: int, b: int, dash: bool) -> tuple[int, int] | None:
    """The head of the paragraph at (a, b): its first sentence, when that is
    short, ends with 。, is followed by more text and reads as a topic (a
    verb phrase with no subject of its own, no saying); for a "——" line, the
    text after the dash to its first 。 or ；."""
    folded = source.folded
    body = a
    if dash:
        while body < b and folded[body] == "-":
            body += 1
    sent = source.sentence_at(body)
    end = min(sent.end, b) if sent is not None else b
    semi = folded.find(";", body, end)
    if semi != -1:
        end = semi + 1
    s, e = trim(folded, body, end)
    if e - s < 4:
        return None
    text = folded[s:e]
    if dash:
        if e - s > ITEM_MAX:
            s, e = item_span(source, s, None)
        return s, e
    if end >= b or not folded[end:b].strip() or folded[end - 1] not in "。!":
        return None  # a paragraph that is one sentence heads nothing
    if not _short(text, PARA_HEAD_MAX) or text.count(",") > 1 or ":" in text:
        return None
    clauses = text.split(",")
    if len(clauses) == 2 and max(len(c) for c in clauses) <= 6:
        return None  # a couplet (为政之道，民生为本) is a saying, not a topic
    if _NOT_HEAD_OPENING.match(text) or any(c in text for c in "是者则"):
        return None
    return s, e


def paragraph_heads(source: Source, headings: dict[int, tuple[int, int]],
                    closers: set[int]) -> list[HeadRun]:
    """Runs of paragraphs in a row that open with a head: two or more under
    a heading (three with none above them), or two "——" lines.

    ``headings`` maps where a heading begins (一、 （一） standing at a
    paragraph's start) to its text: the heads after it, up to the next one,
    stand under it. A numbered point that opens a paragraph (``closers``,
    一是…) ends a run and starts no section of heads, and so does an address
    to the audience. A line that carries on the one before it is skipped.
    """
    folded = source.folded
    found: list[HeadRun] = []
    under: tuple[int, int] | None = None
    in_section = True
    run: list[tuple[int, int]] = []
    run_start = 0
    run_dash = False
    # Under a heading, one paragraph without a head may stand between two
    # heads: the first head's topic carried on (积极的财政政策要加大力度。… /
    # 适度扩大财政赤字，主要用于减税降费，…。… / 加快财税体制改革。…).
    bridged = False

    def flush():
        nonlocal run, bridged
        # with no heading above them, two short openings may be chance
        need = 2 if under is not None or run_dash else 3
        # "——" marks its lines as points wherever they stand (under 一是… too)
        if len(run) >= need and (in_section or run_dash):
            found.append(HeadRun(run, under, run_start, run_dash))
        run = []
        bridged = False

    for index, (a, b) in enumerate(source.paragraphs):
        if _continues(source, index):
            continue
        if a in headings:
            flush()
            under, in_section = headings[a], True
            continue
        if a in closers:
            flush()
            in_section = False
            continue
        if b - a <= 10 and folded[b - 1] == "!":
            # an address to the audience (同志们！ 各位代表！) ends the section
            flush()
            in_section = False
            continue
        dash = folded.startswith("--", a)
        head = _head_of(source, a, b, dash)
        if head is None and run and under is not None and not run_dash and not bridged:
            bridged = True
            continue
        if head is None or (run and dash != run_dash):
            flush()
        if head is not None:
            if not run:
                run_start, run_dash = a, dash
            run.append(head)
            bridged = False
    flush()
    return found


def inline_dashes(source: Source) -> list[HeadRun]:
    """"——" points run together in one paragraph, each after the end of the
    one before (…良好开局。——经济发展再上新台阶。…。——结构调整形成新格局。…):
    a list of "——" lines that lost its line breaks. Each item is the text
    after its dash up to its first 。 or ；."""
    folded = source.folded
    found: list[HeadRun] = []
    for a, b in source.paragraphs:
        if "--" not in folded[a:b]:
            continue
        heads = []
        pos = folded.find("--", a, b)
        while pos != -1:
            if pos == a or folded[pos - 1] in "。!?;":
                end = pos
                while end < b and folded[end] == "-":
                    end += 1
                head = _head_of(source, pos, b, dash=True)
                if head is not None:
                    heads.append(head)
                pos = folded.find("--", end, b)
            else:
                pos = folded.find("--", pos + 2, b)
        inline = [h for h in heads if h[0] - 2 > a]
        if len(heads) >= 2 and inline:
            found.append(HeadRun(heads, None, heads[0][0], dashes=True))
    return found
