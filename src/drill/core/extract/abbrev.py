"""Numeric abbreviations (数字略语): 三抓三促, 六渝, 四个六, 两个确立, 四不两直 …

An abbreviation is found quoted (“六渝”), or unquoted when its shape cannot
be anything else (三高一低) or when its expansion follows at once (做到三个
及时，及时…、及时…、及时…). Its expansion is looked for before it (工业兴渝、
…、党建强渝的“六渝”举措), after it (…“四个六”…，即推进…，提速…), or in the
numbered list that follows it (具体做到三个抓：1、…2、…3、…).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import islice

from drill.core.extract.common import dictionary, fit_clauses, trim
from drill.core.extract.source import Source
from drill.core.text import cn_number

NUM = "一二两三四五六七八九十百千双"
_NUM_RE = re.compile(rf"[{NUM}]+|\d+")
_QUOTED = re.compile(r"“([^“”\n]{2,24})”")
# Numerals followed by these are quantities (十年, 三个月), not abbreviations.
_QUANTITY = re.compile(
    rf"^[{NUM}\d]+(?:年|月|日|天|岁|次|元|周|小时|分钟|分|秒|%|[万亿](?:元|人|户|亩|吨|千|$)|倍|成|层|届|期|代|批|名|位)")
# Units that make a numeral a count or an ordinal (十届三次, 三年两步).
_UNITS = set("届次年月日号级期批轮章节条款岁天周步层代群些位名件把张处支只头匹座栋所家间台辆本份道门根片块段幅班")
# Nouns that make "N个X" a count of things said, not a name (四个字, 三个方面).
_GENERIC = ("字", "句", "点", "条", "方面", "问题", "意见", "部分", "要求", "措施", "举措", "理念",
            "层次", "环节", "步", "阶段")
# Words before a count that announce a list rather than name one.
_COUNTING = ("以下", "如下", "下列", "下面", "这", "那", "几", "这些", "们")
# Measure words that make a numeral-led name an abbreviation (两个确立, 五大战略).
_MEASURE = "个大项条种类"
# Numeric idioms that speeches quote and that are not abbreviations.
IDIOMS = {
    "一盘棋", "一把手", "两张皮", "一亩三分地", "一刀切", "一阵风", "三板斧", "两面人", "一言堂",
    "三分钟热度", "一锤子买卖", "五脏俱全", "七上八下", "九牛一毛", "万无一失", "一票否决",
    "一竿子插到底", "十年磨一剑", "一张蓝图绘到底", "千条线", "一根针", "一键通", "一站式",
    "一条龙", "一肩挑", "一把尺子量到底", "三天打鱼两天晒网", "一分部署九分落实", "两眼一抹黑",
    "一窝蜂", "一阵子", "一揽子", "一体化", "一线", "一号", "一张皮", "五加二", "白加黑",
}
# Longest expansion item worth drilling.
EXPANSION_ITEM_MAX = 24
# Items of a numbered list that expands a name are whole sentences.
LIST_ITEM_MAX = 80
# How far after an abbreviation its "即…" expansion may begin.
AFTER_WINDOW = 80


def _dictionary_words() -> dict[str, str]:
    return dictionary()[1]


def expected_count(name: str) -> int | None:
    """How many items an abbreviation's name promises.

    三抓三促 → 3 (pairs), 三高一低 → 4, 四不两直 → 6, 四个六 → 4, 四个一流 → 4,
    六渝 → 6; None when the name does not say (一带两城三区四园, 2+6).
    """
    nums = _NUM_RE.findall(name)
    values = [cn_number(n) for n in nums]
    if not values or any(v is None for v in values):
        return None
    if len(values) == 1:
        return values[0]
    m = re.match(rf"^([{NUM}]+)个", name)  # N个…: N of them, whatever numbers follow
    if m:
        return cn_number(m.group(1))
    if len(values) == 2 and name[0] in NUM:
        return values[0] if values[0] == values[1] else values[0] + values[1]
    return None


_PLUS = re.compile(r"\d{1,2}\+(?:\d{1,2}|[A-Za-z])")


def _shape(part: str) -> str | None:
    """The abbreviation in a quoted part, or None if it is not one."""
    if not 2 <= len(part) <= 10:
        return None
    if _PLUS.fullmatch(part):  # 2+6, 6+X
        return part
    m = _NUM_RE.search(part)
    if m is None or m.start() > 2:
        return None
    after = part[m.end():m.end() + 1]
    if m.start() == 0:
        name = part
    elif after in _MEASURE and len(part) - m.start() >= 3:
        name = part[m.start():]  # 实现五个突破 → 五个突破
    elif after and after not in _MEASURE and after not in _UNITS:
        name = part  # 项目三进, 保九争八
    else:
        return None  # 上面千条线: a quantity
    if not all("\u4e00" <= c <= "\u9fff" or c.isdigit() for c in name) or name[0].isdigit():
        return None
    if _QUANTITY.match(name) or name in IDIOMS or name.startswith("第"):
        return None
    numerals = _NUM_RE.findall(name)
    if set("".join(numerals)) <= {"一"}:
        # 一盘棋, 一把手, 一核: only 一个… and 一X一Y (一带一路) are abbreviations.
        if not (name.startswith("一个") or re.match(r"^一[^一]{1,3}一", name)):
            return None
    if all(c in NUM for c in name) and len(name) < 3:
        return None  # a bare number; 十四五 is a name
    if _dictionary_words().get(name) == "i":
        return None  # a chengyu
    return name


@dataclass
class Abbrev:
    name: str
    start: int  # the name's span in the text
    end: int
    quoted: bool
    items: list[tuple[int, int]] = field(default_factory=list)
    # Unquoted but named beside others of its kind (增强四个意识、坚定四个自信).
    listed: bool = False
    via: str = ""  # where the items came from: before / after / list


def _key_chars(name: str) -> str:
    """The non-numeral part of a name (三个及时 → 及时, 四盯 → 盯)."""
    rest = _NUM_RE.sub("", name)
    return rest[1:] if rest[:1] in _MEASURE and len(rest) > 1 else rest


class _Found(list):
    """Mentions found so far, and the places they cover, so that asking
    whether a place is taken costs the same however many were found."""

    def __init__(self) -> None:
        super().__init__()
        self.covered: set[int] = set()

    def append(self, ab: Abbrev) -> None:
        super().append(ab)
        self.covered.update(range(ab.start, ab.end))

    def covers(self, pos: int) -> bool:
        return pos in self.covered


def find_mentions(source: Source) -> list[Abbrev]:
    folded = source.folded
    found = _Found()
    for m in _QUOTED.finditer(folded):
        content = m.group(1)
        parts = re.split(r"[,、]", content)
        names = [_shape(p.strip()) for p in parts]
        if not all(names):
            continue
        offset = m.start(1)
        for part, name in zip(parts, names):
            start = offset + part.index(name)
            found.append(Abbrev(name, start, start + len(name), True))
            offset += len(part) + 1
    # Unquoted, by shape: 三抓三促, 四不两直, 三高一低 (not 四面八方, not 一级一级).
    for m in re.finditer(rf"(?<![{NUM}第“])([{NUM}])([\u4e00-\u9fff])([{NUM}])([\u4e00-\u9fff])(?![”])", folded):
        word = m.group()
        if m.group(2) == m.group(4) or m.group(2) in _MEASURE or m.group(4) in NUM \
                or m.group(2) in _UNITS or m.group(4) in _UNITS or m.group(2) in "是要" \
                or m.group(1) == m.group(3) == "一":  # 一企一策, 一村一品: a way of working
            continue
        if word in _dictionary_words() or word in IDIOMS:
            continue
        if found.covers(m.start()):
            continue
        found.append(Abbrev(word, m.start(), m.end(), False))
    # Unquoted with a measure word, kept only if an expansion follows or precedes.
    for m in re.finditer(rf"(?<![{NUM}第“])([{NUM}])(个|大)([\u4e00-\u9fff]{{1,2}})(?=[,:]|”)", folded):
        if found.covers(m.start()):
            continue
        if m.group(3).startswith(_GENERIC) or folded[max(0, m.start() - 2):m.start()].endswith(_COUNTING):
            continue  # 以下五个理念, 四个字: a count, not a name
        found.append(Abbrev(m.group(), m.start(), m.end(), False))
    # Unquoted "N个XX" set beside another in one list: 增强四个意识、坚定四个自信、做到两个维护.
    counted = [m for m in re.finditer(rf"(?<![{NUM}第“])[{NUM}]个[\u4e00-\u9fff]{{2}}(?!”)", folded)
               if not m.group()[2:].startswith(_GENERIC)]
    for prev, nxt in zip(counted, counted[1:]):
        between = folded[prev.end():nxt.start()]
        if "、" in between and len(between) <= 4 and not re.search(r"[。!?;:,]", between):
            for m in (prev, nxt):
                if not found.covers(m.start()):
                    found.append(Abbrev(m.group(), m.start(), m.end(), False, listed=True))
    found.sort(key=lambda a: a.start)
    return found


def _split_list(folded: str, a: int, b: int, seps: str = "") -> list[tuple[int, int]]:
    """Split a span into list items at 、 (and at commas when there is no 、)."""
    seps = seps or ("、" if "、" in folded[a:b] else ",")
    items = []
    start = a
    for i in range(a, b + 1):
        if i == b or folded[i] in seps:
            s, e = trim(folded, start, i)
            if e > s:
                items.append((s, e))
            start = i + 1
    return items


def _fit(folded: str, spans: list[tuple[int, int]], head: bool, tail: bool) -> list[tuple[int, int]]:
    texts = [folded[a:b] for a, b in spans]
    fit = fit_clauses(texts, trim_head=head, trim_tail=tail)
    return [trim(folded, a + s, a + e) for (a, _), (s, e) in zip(spans, fit.spans)]


# What may stand between a list and the name it expands: 的, or 等 and a head
# noun (应急救援等安全生产“五大体系”) — never a conjunction or a verb phrase.
_BRIDGE = re.compile(r"^(?:的|等[\u4e00-\u9fff]{0,4}|等[\u4e00-\u9fff]{0,4}的)?$")


def _before(source: Source, ab: Abbrev, count: int | None) -> list[tuple[int, int]]:
    folded = source.folded
    pos = ab.start - (1 if ab.quoted else 0)
    if pos > 0 and folded[pos - 1] == "”":  # “产业兴区、…、幸福城区”五大战略
        close = pos - 1
        open_ = folded.rfind("“", 0, close)
        if open_ == -1 or close - open_ > 120:
            return []
        items = _split_list(folded, open_ + 1, close)
        return items if len(items) >= 2 and (count is None or len(items) == count) else []
    if not ab.quoted:
        return []  # an unquoted name takes only a quoted list (…”五大战略)
    start = pos
    while start > 0 and folded[start - 1] not in "。!?;:,“”\n" and pos - start < 120:
        start -= 1
    last_sep = folded.rfind("、", start, pos)
    if last_sep == -1:
        return []
    # the last item runs to the bridge (的 / 等安全生产) before the name
    tail = folded[last_sep + 1:pos]
    end = None
    for cut in range(1, len(tail) + 1):
        if cut == len(tail) or (tail[cut] in "的等" and _BRIDGE.match(tail[cut:])):
            end = last_sep + 1 + cut
            break
    if end is None or any(c in folded[last_sep + 1:end] for c in "和与及或等"):
        return []
    items = _split_list(folded, start, end)
    if count:
        if len(items) < count:
            return []
        items = items[-count:]
    if len(items) < 2:
        return []
    return _fit(folded, items, head=True, tail=False)


_AFTER_CUE = re.compile(r"即|就是|包括|分别是|:")


def _after(source: Source, ab: Abbrev, count: int | None) -> list[tuple[int, int]]:
    folded = source.folded
    pos = ab.end + (1 if ab.quoted else 0)
    if folded[pos:pos + 1] == "(":  # “三资”（资金、资产、资源）
        close = folded.find(")", pos, pos + 60)
        if close != -1 and "、" in folded[pos:close]:
            items = _split_list(folded, pos + 1, close)
            if len(items) >= 2 and (count is None or len(items) == count):
                return items
    sent = source.sentence_at(pos)
    if sent is None:
        return []
    end = sent.end
    key = _key_chars(ab.name)
    cue = _AFTER_CUE.search(folded, pos, min(end, pos + AFTER_WINDOW))
    if cue is not None:
        start = cue.end()
    elif folded[pos:pos + 1] in (",", ":") and key and folded.startswith(key, pos + 1):
        start = pos + 1  # 做到三个及时，及时…、及时…
    else:
        return []
    items = _split_list(folded, start, end)
    if items and count and len(items) < count and "、" in folded[start:end]:
        # 即原材料价格上涨高、人工工资高、融资成本高，产品价格却…: the list
        # goes on past its last 、 into the comma clauses
        last_a, last_b = items[-1]
        items = items[:-1] + _split_list(folded, last_a, last_b, seps=",")
    if count:
        if len(items) < count:
            return []
        items = items[:count]
    if len(items) < 2:
        return []
    if cue is None and not all(key in folded[a:b] for a, b in items):
        return []
    return _fit(folded, items, head=False, tail=True)


def _following_list(source: Source, ab: Abbrev, count: int | None,
                    runs_by_start: dict[int, list[tuple[int, int]]],
                    starts: list[int] | None = None) -> list[tuple[int, int]]:
    """The numbered list that spells a name out: right after it (要突出“三个结合”，
    一是…; 具体做到三个抓：1、…), after the colon that ends its sentence, or —
    when the count agrees — in the sentences that follow (主要表现为“四性”。一是…)."""
    folded = source.folded
    pos = ab.end + (1 if ab.quoted else 0)
    sent = source.sentence_at(pos)
    sent_end = sent.end if sent is not None else pos
    starts = sorted(runs_by_start) if starts is None else starts
    for start in islice(starts, bisect_left(starts, pos), None):
        spans = runs_by_start[start]
        agrees = count is None or len(spans) == count
        # Right after the name, with at most a short bridge (：, ，即, 具体是):
        # the list is its expansion whatever its length (a wrong count is
        # reported). Words in between (“四风”问题呈现出几个新的特点：一是…)
        # mean the list belongs to them.
        bridge = re.sub(r"[\s,:;]", "", folded[pos:start])
        if len(bridge) <= 3 and re.fullmatch(r"(即|就是|具体|具体是|包括|分别是|是)?", bridge):
            return spans
        at_end = not folded[pos:sent_end].strip(" 。!?”")
        if count is not None and agrees and at_end and not folded[sent_end:start].strip():
            return spans
        return []
    return []


def expand(source: Source, abbrevs: list[Abbrev], runs_by_start: dict[int, list[tuple[int, int]]]) -> None:
    """Find each abbreviation's items; ``runs_by_start`` maps where a numbered
    list begins to its item spans, for names followed by a list."""
    starts = sorted(runs_by_start)  # once, not for every name
    for ab in abbrevs:
        count = expected_count(ab.name)
        items, via = _before(source, ab, count), "before"
        if not items:
            items, via = _following_list(source, ab, count, runs_by_start, starts), "list"
        if not items:
            items, via = _after(source, ab, count), "after"
        longest = LIST_ITEM_MAX if via == "list" else EXPANSION_ITEM_MAX
        if items and all(b - a <= longest for a, b in items):
            ab.items = items
            ab.via = via


def find(source: Source, runs_by_start: dict[int, list[tuple[int, int]]]) -> list[Abbrev]:
    """Every abbreviation once, with its items where the text gives them.

    An unquoted name is kept only with its expansion, or when its shape
    leaves no doubt (三高一低) or it stands in a list of its kind (增强四个
    意识、坚定四个自信); an unquoted "N个X" whose expansion comes after it
    must repeat X in every item (三个及时: 及时…、及时…、及时…). Of several
    mentions, the one with items wins (省委的“五大战略” and 区里的五大战略).
    """
    mentions = find_mentions(source)
    expand(source, mentions, runs_by_start)
    by_name: dict[str, Abbrev] = {}
    for ab in mentions:
        if not ab.quoted and not ab.items and not ab.listed:
            shaped = len(ab.name) == 4 and ab.name[0] in NUM and ab.name[2] in NUM
            if not shaped:
                continue
        if not ab.quoted and ab.items and ab.via != "before" and ab.name[1:2] in "个大":
            key = _key_chars(ab.name)
            if not all(key in source.folded[a:b] for a, b in ab.items):
                continue
        known = by_name.get(ab.name)
        if known is None or (ab.items and not known.items):
            by_name[ab.name] = ab
    return list(by_name.values())
