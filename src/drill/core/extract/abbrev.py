"""Numeric abbreviations (数字略语): 三抓三促, 六渝, 四个六, 两个确立, 四不两直 …

An abbreviation is found quoted (“六渝”), introduced in brackets (以下简称
“双减”), or unquoted when its shape cannot be anything else (三高一低, 三大
攻坚战, 八项规定, 双控) or when its expansion stands at once before it
(需求收缩、供给冲击、预期转弱三重压力) or after it (做到三个及时，及时…、
及时…、及时…). Its expansion is looked for before it (工业兴渝、…、党建强渝的
“六渝”举措), after it (…“四个六”…，即推进…，提速…), in the numbered list
that follows it (具体做到三个抓：1、…2、…3、…), or, failing those, in a list
elsewhere whose items hold the name's word (双创 … 大众创业、万众创新).
Periods (十四五), counts (十二连增), years (九二共识) and decimals are not
abbreviations.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from drill.core.extract.common import dictionary, dictionary_text, fit_clauses, trim
from drill.core.extract.source import Source
from drill.core.counts import NUM, expected_count
from drill.core.counts import NUM_RE as _NUM_RE
from drill.core.text import cn_number

_QUOTED = re.compile(r"“([^“”\n]{2,24})”")
# Numerals followed by these are quantities (十年, 三个月), not abbreviations.
_QUANTITY = re.compile(
    rf"^[{NUM}\d]+(?:年|月|日|天|岁|次|元|周|小时|分钟|分|秒|%|[万亿](?:元|人|户|亩|吨|千|$)|倍|成|层|届|期|代|批|名|位)")
# Units that make a numeral a count or an ordinal (十届三次, 三年两步).
_UNITS = set("届次年月日号级期批轮章节条款岁天周步层代群些位名件把张处支只头匹座栋所家间台辆本份道门根片块段幅班")
# Nouns that make "N个X" a count of things said, not a name (四个字, 三个方面).
_GENERIC = ("字", "句", "点", "条", "方面", "问题", "意见", "部分", "要求", "措施", "举措", "理念",
            "层次", "环节", "步", "阶段", "百分点", "指标", "城市", "国家", "省份", "地区", "部门",
            "单位", "企业", "学校", "人", "月", "年")
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


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    """Every word of one to four characters in jieba's dictionary, with its tag
    (read without importing jieba); only for the few names cut out of running
    text (…三条控制线划定工作 → 三条控制线)."""
    data = dictionary_text()
    return dict(re.findall(r"^([\u4e00-\u9fff]{1,4}) \d+ ([a-z]+)", data, re.M))


# Heads that follow a name without being part of it (八项规定精神, 双支柱调控框架).
_TRAILING_HEADS = ("精神", "问题", "工作", "要求", "制度", "体系", "框架", "格局", "布局", "建设",
                   "成果", "基础", "方针", "政策", "理念")
# Measure words between a numeral and the noun of a name (三座大山, 三重压力).
_NAME_MEASURE = "个大项条种类座重支张件场股道"


# Nouns of a set of rules: a counted set of them is a name (八项规定, 四项基本原则).
_RULE_NOUNS = ("原则", "规定", "纪律", "准则", "禁令")


def _bare_shape(measure: str, noun: str) -> bool:
    """Whether a numeral, measure and noun name a set on their own, with no
    list given: N大X (三大攻坚战) or a counted set of rules (八项规定)."""
    if not noun or noun.startswith(_GENERIC):
        return False
    if measure == "大":
        return True
    return measure in "项条" and noun.endswith(_RULE_NOUNS)


def _verb_after(folded: str, pos: int) -> int:
    """Where the verb after 双 ends (双|控|制度, 双|循环), or ``pos`` if it
    is no verb (双方, 双城: a pair of things)."""
    tags = _word_tags()
    if folded[pos + 1:pos + 3] in _TRAILING_HEADS and tags.get(folded[pos], "").startswith("v"):
        return pos + 1
    for size in (2, 1):
        word = folded[pos:pos + size]
        if len(word) == size and tags.get(word, "") in ("v", "vn"):
            return pos + size
    return pos


def _noun_after(folded: str, pos: int) -> int:
    """Where the noun phrase that starts at ``pos`` ends: its first word, and
    the nouns that follow it, up to six characters; ``pos`` if none starts."""
    tags = _word_tags()
    end, first = pos, True
    while end - pos < 6:
        for size in range(min(4, len(folded) - end), 0, -1):
            word = folded[end:end + size]
            if word in tags or size == 1:
                break
        else:
            break
        tag = tags.get(word, "")
        if not all("\u4e00" <= c <= "\u9fff" for c in word):
            break
        if first:
            if not (tag.startswith("n") or tag in ("vn", "i", "l", "j") or size >= 2 and tag != "v"):
                break
        elif not tag.startswith("n") or word in _TRAILING_HEADS or end - pos + size > 6:
            break
        end += size
        first = False
    return end


def expected_counts(name: str) -> tuple[int, ...]:
    """Every count of items a name allows, the likelier first: a name of equal
    numerals lists its parts one by one or in groups (三比三促三争创: nine
    items, or three; 三抓三促: three pairs), others say their sum or nothing."""
    values = [cn_number(n) for n in _NUM_RE.findall(name)]
    known = [v for v in values if v is not None]
    one = expected_count(name)
    if len(known) >= 2 and len(known) == len(values) and len(set(known)) == 1 \
            and not re.match(rf"^[{NUM}]+个", name):
        return tuple(dict.fromkeys([known[0], sum(known)]))
    return (one,) if one is not None else ()


def _parts(name: str) -> list[str]:
    """The words between the numerals (三比三促三争创 → 比, 促, 争创; 三个及时 → 及时)."""
    parts = [p for p in _NUM_RE.split(name) if p]
    return [p[1:] if p[:1] in _MEASURE and len(p) > 1 else p for p in parts]


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
    numerals = _NUM_RE.findall(name)
    q = _QUANTITY.match(name)
    if q and len(numerals) < 2 and (len(name) - q.end() < 2 or name[q.end() - 1] not in "期届代批层"):
        return None  # 十年, 三个月, 二期 — but 五位一体, 三期叠加 name things
    if name in IDIOMS or name.startswith("第"):
        return None
    if not _names_a_list(name, numerals):
        return None
    if _dictionary_words().get(name) == "i":
        return None  # a chengyu
    return name


def _names_a_list(name: str, numerals: list[str]) -> bool:
    """Whether the numerals of a name can stand for a list.

    Not a period or a bare number (十三五, 十四五), digits read one by one
    (九二共识 is a year, 一二三产 a list of numbers), a count (十二连增),
    one of a kind (一个主题, 一盘棋: only 一X一Y such as 一带一路 lists), a
    decimal (一点二个), or a place word (两岸一家亲, 两侧).
    """
    if all(c in NUM for c in name):
        return False
    if any(len(n) >= 2 and not set(n) & set("十百千双") for n in numerals):
        return False
    if re.search(rf"[{NUM}]连", name) or re.search(rf"[{NUM}]点[{NUM}]", name):
        return False
    if set("".join(numerals)) <= {"一"} and not re.match(r"^一[^一]{1,3}一", name):
        return False
    if len(name) > 2 and _dictionary_words().get(name[:2]) == "f":
        return False
    return True


@dataclass
class Abbrev:
    name: str
    start: int  # the name's span in the text
    end: int
    quoted: bool
    items: list[tuple[int, int]] = field(default_factory=list)
    # Unquoted but named beside others of its kind (增强四个意识、坚定四个自信).
    listed: bool = False
    # Unquoted and without items, but of a shape only a name has (三大攻坚战, 双控).
    bare: bool = False
    via: str = ""  # where the items came from: before / after / list / apart
    # Where the bracket opens that introduces it (…负担（以下简称“双减”）).
    alias_at: int = -1


def _key_chars(name: str) -> str:
    """The non-numeral part of a name (三个及时 → 及时, 四盯 → 盯)."""
    rest = _NUM_RE.sub("", name)
    return rest[1:] if rest[:1] in _MEASURE and len(rest) > 1 else rest


_ALIAS = re.compile(r"\((以下)?简称“?([^“”()\n]{2,10}?)”?\)")


def _more_parts(folded: str, end: int) -> int:
    """Where a name of numbered parts ends (三去一降|一补, 三比三促|三争创):
    each further part is a numeral and a character, or a word of two."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    while end + 1 < len(folded) and folded[end] in NUM and folded[end + 1] not in NUM \
            and cjk.match(folded[end + 1]):
        two = folded[end + 1:end + 3]
        if len(two) == 2 and two[1] not in NUM and (two in _word_tags() or not cjk.match(folded[end + 3:end + 4] or "。")):
            end += 3
        else:
            end += 2
    return end


def _inside_word(folded: str, start: int, end: int) -> bool:
    """Whether an unquoted name is cut out of a longer word (长|三角一体|化)."""
    common = dictionary()[0]
    return folded[max(0, start - 1):start + 2] in common or folded[end - 2:end + 1] in common


class _Found(list):
    """Mentions found so far, with where they begin and the places they
    cover, so that asking whether a place is taken costs the same however
    many were found."""

    def __init__(self) -> None:
        super().__init__()
        self.covered: set[int] = set()
        self.starts: set[int] = set()

    def append(self, ab: Abbrev) -> None:
        super().append(ab)
        self.covered.update(range(ab.start, ab.end))
        self.starts.add(ab.start)

    def covers(self, pos: int) -> bool:
        return pos in self.covered

    def starts_at(self, pos: int) -> bool:
        return pos in self.starts


def find_mentions(source: Source) -> list[Abbrev]:
    folded = source.folded
    found = _Found()
    # Introduced in brackets: …（以下简称“双减”）, …（简称两新）.
    for m in _ALIAS.finditer(folded):
        name = _shape(m.group(2))
        if name and name == m.group(2):
            start = m.start(2)
            found.append(Abbrev(name, start, start + len(name), True, alias_at=m.start()))
    for m in _QUOTED.finditer(folded):
        if found.starts_at(m.start(1)):
            continue
        content = m.group(1)
        parts = re.split(r"[,、]", content)
        names = [_shape(p.strip()) for p in parts]
        if not all(names) and any(names) and len(parts) <= 3 \
                and all(p[:1] in NUM and 2 <= len(p) <= 4 for p in parts):
            parts, names = [content], [content]  # “双随机、一公开”: one name of two parts
        shaped = [n for n in names if n]
        if len(shaped) != len(names):
            continue
        offset = m.start(1)
        for part, name in zip(parts, shaped):
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
        if _dictionary_words().get(word, "l") not in "lj" or word in IDIOMS:
            continue  # 四面八方 is an idiom; 一岗双责 a set phrase
        if m.group(2) in NUM or m.group(2) == "点" or m.group(4) in _MEASURE \
                or not _names_a_list(word, _NUM_RE.findall(word)) or _inside_word(folded, m.start(), m.end()):
            continue  # 二十一世(纪), 一点二个, 长三角一体(化)
        if found.covers(m.start()):
            continue
        end = _more_parts(folded, m.end())
        found.append(Abbrev(folded[m.start():end], m.start(), end, False))
    # Unquoted, right after the list it names: 需求收缩、供给冲击、预期转弱三重压力.
    for m in re.finditer(rf"(?<=[\u4e00-\u9fff])(?<![{NUM}第])([{NUM}]+)([{_NAME_MEASURE}]?)", folded):
        count = cn_number(m.group(1))
        if not count or count < 2 or folded[m.start() - 1] in NUM or folded[m.start() - 1] in "第是的这那等":
            continue  # 这两个目标, 种植、养殖等三大产业: a count of what was just said
        if m.group(2) == "大" and count > 10:
            continue  # 十八大, 二十大: a congress
        if m.group(2) and _word_tags().get(m.group(), "m") != "m":
            continue  # 双重功能: 双重 is a word
        end = _noun_after(folded, m.end())
        if end - m.end() < (1 if m.group(2) else 2) or (not m.group(2) and end - m.end() > 3):
            continue
        name = folded[m.start():end]
        if name[len(m.group()):].startswith(_GENERIC) or _QUANTITY.match(name) \
                or not _names_a_list(name, _NUM_RE.findall(name)) or name in IDIOMS:
            continue
        if found.covers(m.start()):
            continue
        items = _list_before(folded, m.start(), count)
        if items:
            found.append(Abbrev(name, m.start(), end, False, items=items, via="before"))
        elif _bare_shape(m.group(2), name[len(m.group()):]):
            found.append(Abbrev(name, m.start(), end, False, bare=True))
    # Unquoted 双 and a verb (国内国际双循环, 能源消费双控制度), N步走.
    for m in re.finditer(r"(?<!“)双|[两三四五]步走", folded):
        if m.group() == "双":
            end = _verb_after(folded, m.end())
            if end == m.end() or folded[m.start():end] in dictionary()[0]:
                continue  # 双方, 双赢: words
        else:
            end = m.end()
        if found.covers(m.start()):
            continue
        name = folded[m.start():end]
        items = _list_before(folded, m.start(), 2) if name[0] == "双" else []
        found.append(Abbrev(name, m.start(), end, False, items=items, via="before" if items else "",
                            bare=not items))
    # Unquoted "N个" and a verb, where a count would have a noun: 做到两个维护。
    for m in re.finditer(rf"(?<![{NUM}第“\d])[两三四五六七八九十]个", folded):
        word, tag = _first_word(folded[m.end():m.end() + 4])
        end = m.end() + len(word)
        if tag in ("v", "l", "i", "d") and re.match(r"[,。;、:!?)和与及]|$", folded[end:end + 1]) \
                and not found.covers(m.start()):
            found.append(Abbrev(folded[m.start():end], m.start(), end, False, bare=True))
    # Unquoted "N X 合一/一体": 三证合一, 五位一体 (not 长三角一体化).
    for m in re.finditer(rf"(?<![{NUM}第“])[{NUM}][\u4e00-\u9fff](?:合一|一体)(?![”])", folded):
        if found.covers(m.start()) or _inside_word(folded, m.start(), m.end()):
            continue
        found.append(Abbrev(m.group(), m.start(), m.end(), False))
    # Unquoted with a measure word, kept only if an expansion follows or precedes.
    for m in re.finditer(rf"(?<![{NUM}第“])([{NUM}])(个|大)([\u4e00-\u9fff]{{1,2}})(?=[,:]|”)", folded):
        if found.covers(m.start()):
            continue
        if m.group(3).startswith(_GENERIC) or folded[max(0, m.start() - 2):m.start()].endswith(_COUNTING) \
                or not _names_a_list(m.group(), _NUM_RE.findall(m.group())):
            continue  # 以下五个理念, 四个字: a count, not a name
        found.append(Abbrev(m.group(), m.start(), m.end(), False))
    # Unquoted "N个XX" set beside another in one list: 增强四个意识、坚定四个自信、做到两个维护.
    counted = [m for m in re.finditer(rf"(?<![{NUM}第“])[{NUM}]个[\u4e00-\u9fff]{{2}}(?!”)", folded)
               if not m.group()[2:].startswith(_GENERIC)]
    for prev, nxt in zip(counted, counted[1:]):
        between = folded[prev.end():nxt.start()]
        if "、" in between and len(between) <= 4 and not re.search(r"[。!?;:,]", between):
            for m in (prev, nxt):
                if not _names_a_list(m.group(), _NUM_RE.findall(m.group())):
                    continue  # 一个国家、一个民族: one of each
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
    while start > 0 and pos - start < 120:
        if folded[start - 1] == "”":  # an item may hold a quoted name: “一带一路”建设
            open_ = folded.rfind("“", max(0, start - 12), start - 1)
            if open_ == -1 or re.search(r"[。!?;:,、]", folded[open_:start]) \
                    or not "\u4e00" <= folded[start:start + 1] <= "\u9fff":
                break  # “两个确立”、坚决做到: the quote is an item of its own
            start = open_
            continue
        if folded[start - 1] in "。!?;:,“\n":
            break
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
    fitted = _fit(folded, items, head=True, tail=False)
    # a cut never falls inside a quote (重点推进|“一带一路”建设)
    out = []
    for (a, b), (s, _) in zip(fitted, items):
        close = folded.find("”", a, b)
        if close != -1 and "“" not in folded[a:close]:
            open_ = folded.rfind("“", s, a)
            a = open_ if open_ != -1 else a
        out.append((a, b))
    return out


def _list_before(folded: str, pos: int, count: int) -> list[tuple[int, int]]:
    """The list that ends right before an unquoted name: exactly ``count``
    items of its clause, at 、 (A、B和C) or, for two, at 和/与."""
    start = pos
    while start > 0 and folded[start - 1] not in "。!?;:,“”()\n" and pos - start < 120:
        start -= 1
    span = folded[start:pos]
    if "、" in span:
        items = _split_list(folded, start, pos, seps="、")
        a, b = items[-1]
        last = re.search("[和与及]", folded[a:b])
        if last:
            items[-1:] = [trim(folded, a, a + last.start()), trim(folded, a + last.end(), b)]
        if len(items) == count + 1 and last:
            items[-2:] = [(items[-2][0], items[-1][1])]  # 维护世界和平与促进共同发展: one item
    elif count == 2 and len(re.findall("[和与]", span)) == 1 and (joint := re.search("[和与]", span)):
        cut = start + joint.start()
        items = [trim(folded, start, cut), trim(folded, cut + 1, pos)]
    elif count == 2 and _paired(folded[pos - 4:pos]):
        return [(pos - 4, pos - 2), (pos - 2, pos)]  # 国内国际双循环
    else:
        return []
    if len(items) != count or any(b <= a or b - a > EXPANSION_ITEM_MAX for a, b in items):
        return []
    if any("等" in folded[a:b] for a, b in items):
        return []  # examples, not a set
    a, b = items[0]
    items[0] = (_strip_head(folded, a, b, [folded[x:y] for x, y in items[1:]]), b)
    return items  # not cut to the others' length: 防范化解重大风险、精准脱贫


def _first_word(text: str) -> tuple[str, str]:
    tags = _word_tags()
    for size in range(min(4, len(text)), 0, -1):
        if text[:size] in tags:
            return text[:size], tags[text[:size]]
    return text[:1], ""


def _paired(text: str) -> bool:
    """Two words of two characters run together, sharing the first (国内国际, 省内省外)."""
    tags = _word_tags()
    return len(text) == 4 and text[0] == text[2] and text[:2] != text[2:] \
        and text[:2] in tags and text[2:] in tags


_MODALS = ("要", "应", "应当", "必须", "需要", "能", "会", "可以")


def _strip_head(folded: str, a: int, b: int, others: list[str]) -> int:
    """Where the first item of a list really starts: after the clause's head,
    its subject and main verb (推翻压在头上的|帝国主义; 当前经济面临|需求收缩;
    我们要充分发挥|中央; 明确了|推进城乡融合 when the others open with a verb)."""
    de = folded.rfind("的", a, b - 1)
    if de != -1:
        a = de + 1
    verbs = []  # where each verb (not a modal) of the first item starts and ends
    bounds = []  # (where each word starts, its tag)
    pos = a
    while pos < b:
        word, tag = _first_word(folded[pos:b])
        bounds.append((pos, tag))
        if (tag == "v" or tag == "a" and pos == a) and word not in _MODALS:
            verbs.append((pos, pos + len(word)))
        pos += len(word)
    shortest = max(2, min(len(o) for o in others) // 2)
    if all(_first_word(o)[1] == "v" for o in others):
        # the item's own verb, after the main one (为实现|推进…, 明确了|推进…)
        cut = verbs[-1][0] if verbs and verbs[-1][0] > a and b - verbs[-1][0] >= shortest else a
    elif verbs:
        cut = verbs[0][1]
        while cut < b and folded[cut] in "了着过":
            cut += 1
    else:
        # no verb to go by: the word boundary that leaves an item opening like
        # the others and nearest them in length
        tags = {_first_word(o)[1] for o in others}
        mean = sum(len(o) for o in others) / len(others)
        fits = [p for p, t in bounds if t in tags and b - p >= shortest]
        cut = min(fits, key=lambda p: abs(b - p - mean)) if fits else a
    if b - cut < shortest:
        return a
    return cut


_AFTER_CUE = re.compile(r"即|就是|包括|分别是|:")


def _after(source: Source, ab: Abbrev, count: int | None, also: tuple[int, ...] = ()) -> list[tuple[int, int]]:
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
    if items and also and len(items) not in also and "、" in folded[start:end]:
        grouped = _split_list(folded, start, end, seps="、,")
        if len(grouped) in also:  # 比学习、比作风，促发展、促和谐: groups at commas
            items = grouped
    if count:
        if len(items) < count:
            return []
        if len(items) not in also:
            items = items[:count]
    if len(items) < 2:
        return []
    if cue is None and not all(any(p in folded[a:b] for p in _parts(ab.name)) for a, b in items):
        return []
    return _fit(folded, items, head=False, tail=True)


def _following_list(source: Source, ab: Abbrev, count: int | None,
                    runs_by_start: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The numbered list that spells a name out: right after it (要突出“三个结合”，
    一是…; 具体做到三个抓：1、…), after the colon that ends its sentence, or —
    when the count agrees — in the sentences that follow (主要表现为“四性”。一是…)."""
    folded = source.folded
    pos = ab.end + (1 if ab.quoted else 0)
    sent = source.sentence_at(pos)
    sent_end = sent.end if sent is not None else pos
    for start in sorted(runs_by_start):
        if start < pos:
            continue
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
    for ab in abbrevs:
        if ab.items:
            continue  # found with its list
        counts = expected_counts(ab.name) or (None,)
        if ab.alias_at >= 0:  # the list stands before the bracket, or nowhere
            for count in counts:
                ab.items = _list_before(source.folded, ab.alias_at, count) if count else []
                if ab.items:
                    ab.via = "before"
                    break
            continue
        items, via = [], ""
        for count in counts:
            items, via = _before(source, ab, count), "before"
            if not items:
                items, via = _following_list(source, ab, count, runs_by_start), "list"
            if not items:
                items, via = _after(source, ab, count, tuple(c for c in counts if c) if count else ()), "after"
            if items:
                break
        longest = LIST_ITEM_MAX if via == "list" else EXPANSION_ITEM_MAX
        if items and all(b - a <= longest for a, b in items):
            ab.items = items
            ab.via = via


def find(source: Source, runs_by_start: dict[int, list[tuple[int, int]]]) -> list[Abbrev]:
    """Every abbreviation once, with its items where the text gives them.

    An unquoted name is kept only with its expansion, or when its shape
    leaves no doubt (三高一低, 三大攻坚战, 八项规定, 双控) or it stands in a
    list of its kind (增强四个意识、坚定四个自信); an unquoted "N个X" whose
    expansion comes after it must repeat X in every item (三个及时: 及时…、
    及时…、及时…). Of several mentions, the first with items wins (省委的
    “五大战略” and 区里的五大战略), else the first. A name still without
    items takes a list given elsewhere in the text whose items hold its word
    (双创 … 大众创业、万众创新).
    """
    mentions = find_mentions(source)
    expand(source, mentions, runs_by_start)
    by_name: dict[str, Abbrev] = {}
    spans = sorted(span for ab in mentions for span in ab.items)
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))  # furthest end so far
    for ab in mentions:
        k = bisect.bisect_right(starts, ab.start)
        if ab.bare and k and reach[k - 1] > ab.start:
            continue  # 提速六大重点项目 is an item of 四个六, not a name of its own
        if not ab.quoted and not ab.items and not ab.listed and not ab.bare:
            shaped = len(ab.name) >= 4 and ab.name[0] in NUM and (ab.name[2] in NUM or ab.name[2:] in ("合一", "一体"))
            if not shaped:
                continue
        if not ab.quoted and ab.items and ab.via != "before" and ab.name[1:2] in "个大":
            key = _key_chars(ab.name)
            if not all(key in source.folded[a:b] for a, b in ab.items):
                continue
        known = by_name.get(ab.name)
        if known is None or (ab.items and not known.items):
            by_name[ab.name] = ab
    runs: dict[int, list[list[tuple[int, int]]]] | None = None
    for ab in by_name.values():
        if not ab.items:
            if runs is None:
                runs = {}
                for run in _pause_runs(source.folded):
                    runs.setdefault(len(run), []).append(run)
            ab.items = _apart(source.folded, ab, runs.get(expected_count(ab.name) or 0, []))
            ab.via = "apart" if ab.items else ab.via
    return list(by_name.values())


_PAUSE_RUN = re.compile(r"[^。!?;:,、()“”\n]{1,20}(?:、[^。!?;:,、()“”\n]{1,20})+")
# Longest item of a list found away from its name.
APART_ITEM_MAX = 12
# How far from its name a list whose items share only one character may stand.
APART_NEAR = 3000


def _pause_runs(folded: str) -> list[list[tuple[int, int]]]:
    """Every list of the text whose items stand between 、 within a clause."""
    return [_split_list(folded, m.start(), m.end(), seps="、") for m in _PAUSE_RUN.finditer(folded)]


def _apart(folded: str, ab: Abbrev, runs: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The list a bare name stands for, given elsewhere in the text (双创 …
    大众创业、万众创新; 四个自信 … 坚定道路自信、理论自信、制度自信、文化自信):
    as many items as the name says, each holding the name's word (创, 自信),
    at the same place when it is one character. The nearest such list wins."""
    nums = _NUM_RE.findall(ab.name)
    count = expected_count(ab.name)
    key = _key_chars(ab.name)
    if len(nums) != 1 or not count or count < 2 or not key or len(key) > 4:
        return []
    best: list[tuple[int, int]] = []
    for run in runs:
        if len(run) != count:
            continue
        texts = [folded[a:b] for a, b in run]
        if not all(key in t for t in texts):
            continue
        items = _align_on(folded, run, key)
        a, b = items[-1]
        if folded[b - 1] == "等":
            continue  # examples
        if folded[b - 1] in "和与及":
            items[-1] = (a, b - 1)  # 万众创新和“互联网+”
        common = dictionary()[0]
        if any(folded[b - 1:b + 1] in common for (_, b), (_, e) in zip(items, run) if b < e) \
                or any(folded[a - 1:a + 1] in common for (a, _), (s, _) in zip(items, run) if a > s):
            continue  # the cut splits a word (区委、区政|府)
        if any(b - a > APART_ITEM_MAX or b - a < len(key) + (2 if len(key) == 1 else 1) for a, b in items):
            continue
        offsets = {folded.find(key, a, b) - a for a, b in items}
        if len(key) == 1 and (len(offsets) != 1 or abs(items[0][0] - ab.start) > APART_NEAR):
            continue  # one character is weak evidence: same place, and near the name
        if not best or abs(items[0][0] - ab.start) < abs(best[0][0] - ab.start):
            best = items
    return best


def _align_on(folded: str, run: list[tuple[int, int]], key: str) -> list[tuple[int, int]]:
    """Cut the clause's head off the first item and its tail off the last,
    by where the others hold the key (推动大众创业、万众创新政策 → 大众创业、万众创新)."""
    def at(a: int, b: int) -> int:
        return folded.find(key, a, b)

    inner = run[1:-1] or run
    head = max(at(a, b) - a for a, b in (inner if len(run) > 2 else run[1:]))
    tail = max(b - at(a, b) - len(key) for a, b in (inner if len(run) > 2 else run[:1]))
    items = list(run)
    a, b = items[0]
    k = folded.rfind(key, a, b)
    if k - a - head >= 2:  # a verb or more (坚定|道路自信)
        items[0] = (k - head, b)
    a, b = items[-1]
    k = at(a, b)
    if b - k - len(key) - tail >= 3:  # a predicate (万众创新|蓬勃发展), not 户户通自来水
        items[-1] = (a, k + len(key) + tail)
    return items

