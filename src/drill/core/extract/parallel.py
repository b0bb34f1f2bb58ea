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

import re
from dataclasses import dataclass
from functools import lru_cache

from drill.core.extract.common import crosses_word, dictionary, dictionary_text, fit_clauses, trim
from drill.core.extract.source import Source
from drill.core.text import fold, is_cjk

MIN_CLAUSES = 3
# No set phrase has more members than this (工作项目化…考核数据化 has seven).
MAX_CLAUSES = 12
# A clause of a set phrase is short; longer ones are ordinary prose, unless
# three or more places are shared (把思想统一到…上来，把行动聚焦到…上来).
CLAUSE_MAX = 10
CLAUSE_MAX_STRONG = 20
# Clauses joined by commas that open with the same two characters or more
# may be as long as this: a paragraph's parallel sentences.
LONG_OPENING = 2
CLAUSE_MAX_LONG = 40
# ...or of one frame: a shared opening and this long a shared close.
LONG_CLOSING = 2
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
                if folded[j] in LAST_JOINERS and (folded[j - 1:j + 1] == "以及" or not _inside_word(folded, j)):
                    joiner = j
                    break
        if joiner != -1:
            # 以及 is one joiner: the clause before it ends at 以
            cut = joiner - 1 if folded[joiner] == "及" and folded[joiner - 1] == "以" and joiner - 1 > s + 1 \
                else joiner
            split.append((s, cut, folded[joiner]))
            split.append((joiner + 1, e, sep))
        else:
            split.append((s, e, sep))
    return split


def _inside_word(folded: str, i: int) -> bool:
    """True if a common word holds the character at ``i`` (荣辱与共, 参与)."""
    around = folded[max(0, i - 3):i + 4]
    at = i - max(0, i - 3)
    words = dictionary()[0]
    if crosses_word(around, at, words) or crosses_word(around, at + 1, words):
        return True
    idioms = _lexicon()[1]
    return any(folded[k:k + 4] in idioms for k in range(max(0, i - 3), i + 1))


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


# Heads of lists that name things, not a formulation: groups of people
# (困境儿童、流动儿童、留守儿童), kinds of place (革命老区、民族地区), events
# (进博会、广交会、服贸会), sectors (节能环保产业…) and kinds of schooling.
THING_HEADS = ("儿童", "人才", "人士", "同胞", "朋友", "军人", "地区", "会", "产业", "教育",
               # honours: 先进单位、先进个人
               "单位", "个人",
               # bodies: 区委、区人大、区政协
               "委", "人大", "政协", "工会")


PARTICLES = "的之"
PRONOUNS = frozenset(("你", "我", "他", "她", "它", "您", "咱", "你们", "我们", "他们", "她们", "大家", "自己"))

# The whole of a body of people: 全党全军全国(各族人民), 全省、全市、全县.
WHOLE_BODY = re.compile(r"全(?:党|军|国|社会|省|市|县|区|州|镇|乡|村|校|院|局|厂|所|队|民|员|体|系统|行业|球)")


def _names_things(kept: list[str]) -> bool:
    """True for members that count or name things: figures (23%、15%、18%),
    numbers in the part that differs (一年、两年、三年; 十六大、十七大、十八大),
    bodies of people as a whole (全党、全军、全国), or a head of THING_HEADS on
    most of them."""
    if any(ch.isdigit() for k in kept for ch in k):
        return True
    if all(WHOLE_BODY.fullmatch(k) for k in kept):
        return True
    # a particle never opens a member (的重要指示、开出的良方)
    if any(k[0] in PARTICLES for k in kept):
        return True
    head = 0
    while head < min(map(len, kept)) and all(k[head] == kept[0][head] for k in kept):
        head += 1
    tail = 0
    while tail < min(map(len, kept)) - head and all(k[-1 - tail] == kept[0][-1 - tail] for k in kept):
        tail += 1
    differ = [k[head:len(k) - tail] for k in kept]
    counting = NUMERALS + "百千万零〇"
    if all(d and d[-1] in counting for d in differ) or all(d and d[0] in counting for d in differ):
        return True
    if all(d in PRONOUNS for d in differ):  # 有你、有他、有我: people
        return True

    return sum(k.endswith(THING_HEADS) for k in kept) * 2 > len(kept)


def _accept(kept: list[str], anchors, quoted_exact: bool, guessed: bool, seps: list[str],
            attributive: bool = True) -> bool:
    lengths = [len(k) for k in kept]
    if _names_things(kept):
        return False
    places = _anchor_places(kept, anchors)
    longest = CLAUSE_MAX_STRONG if len(places) >= 3 else CLAUSE_MAX
    opening = 0
    while opening < min(lengths) and all(k[opening] == kept[0][opening] for k in kept):
        opening += 1
    closing = 0
    while closing < min(lengths) - opening and all(k[-1 - closing] == kept[0][-1 - closing] for k in kept):
        closing += 1
    framed = opening >= 1 and closing >= LONG_CLOSING  # 是…的结果，是…的结果，是…的结果
    if (opening >= LONG_OPENING or framed) and not guessed and set(seps) <= {",", ";"} and \
            not any(kept[0].startswith(d) for d in DETERMINERS):
        # sentences of one opening (意味着…，意味着…，意味着…; 统一行使…，统一行使…)
        longest = CLAUSE_MAX_LONG
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
    shortest = 2 if places else CLAUSE_MIN
    if any(n < shortest for n in lengths):
        return False
    head = 0
    while head < min(lengths) and all(k[head] == kept[0][head] for k in kept):
        head += 1
    # 各领域、各行业、各层面的模范 names things; 落实到各领域、各方面、各环节,
    # where nothing follows the list, is one formulation
    if head and (attributive or head > 1) and any(kept[0][:head].startswith(d) and head <= len(d) + 2
                                                  for d in DETERMINERS):
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
    # 政治自觉、思想自觉和行动自觉 is one formulation; 重大项目、带动性项目、
    # 支撑性项目, of uneven lengths, is a list of things with one head noun.
    if noun_head and not equal and len(kept) < 4:
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
    starts = {o for side, o, _ in fit.anchors if side == "start"}
    if window[-1][2] == "" and 0 in starts and 1 in starts and not any(
            side == "end" for side, _, _ in fit.anchors):
        # sentences of one opening: nothing but the opening tells where the
        # last one would end, so it ends with the sentence
        items[-1] = (items[-1][0], spans[-1][1])
        kept[-1] = folded[items[-1][0]:items[-1][1]]
    attributive = folded[items[-1][1]:spans[-1][1]].lstrip("”")[:1] != ""
    if not _accept(kept, fit.anchors, quoted_exact, fit.guessed, seps, attributive):
        return None
    equal = len({len(k) for k in kept}) == 1
    cut = (items[0][0] - spans[0][0]) + (spans[-1][1] - items[-1][1])
    rank = (equal, len(kept), len(_anchor_places(kept, fit.anchors)), -cut)
    return rank, Parallel(items, quoted_exact), {c for _, _, c in fit.anchors}


# A list joined by 、 whose members share nothing is a set phrase when its
# members are short and of one shape (打头阵、挑重担、当主力、勇争先; 人力、
# 物力、财力; 产业兴旺、生态宜居、乡风文明): of one length, between PLAIN_MIN
# and PLAIN_MAX characters.
PLAIN_MIN = 2
PLAIN_MAX = 8
# A list of names (places, people, organisations) is no formulation.
PROPER_TAGS = ("ns", "nr", "nrt", "nrfg", "nt")
PLACE_TAGS = ("ns", "nt")
PROPER_FREQ_MIN = 200


# Words an edge member of a plain list never starts with (在要素保障, 对国民
#教育, 是承前启后) or ends with (有威望的): jieba's tags for prepositions,
# conjunctions, particles and pronouns, and 是.
EDGE_TAGS = ("p", "c", "u", "r", "y", "e")
EDGE_VERBS = ("是", "要", "让", "使", "把", "将", "为", "有")


@lru_cache(maxsize=1)
def _tagger():
    """jieba's part-of-speech tagger, loaded on first use: only the edges of
    candidate lists are ever tagged, never a whole text."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.lcut


def _words(text: str) -> list[tuple[str, str]]:
    return [(w.word, w.flag) for w in _tagger()(text)]


def _predicative(text: str) -> bool:
    """True if jieba tags a verb (not a verbal noun) or an adjective in ``text``."""
    return any((flag.startswith("v") and flag != "vn") or flag.startswith("a") for _, flag in _words(text))


def _bad_edge(word: str, flag: str) -> bool:
    return flag.startswith(EDGE_TAGS) or word in EDGE_VERBS or word in DETERMINERS


def _cut_edge(folded: str, span: tuple[int, int], target: int, longest: int,
              head: bool) -> tuple[int, int]:
    """Cut the context off the first (``head``) or last member of a plain list
    at a word boundary: keep the length nearest the other members', and no
    preposition, particle or pronoun at the outer edge (保障|妇女、儿童…;
    …、综合国力|持续增强)."""
    a, b = span
    text = folded[a:b]
    if len(text) <= longest:
        return span
    words = _words(text)
    # (bad edge, distance from the others' length, not one of jieba's cuts, start, end)
    options = []
    if head:
        at = len(text)
        for k in range(len(words) - 1, -1, -1):
            at -= len(words[k][0])
            if not text[at:].strip():
                continue
            options.append((_bad_edge(*words[k]), abs(len(text) - at - target), False, at, len(text)))
        at = len(text) - target
    else:
        at = 0
        for k in range(len(words)):
            at += len(words[k][0])
            options.append((_bad_edge(*words[k]), abs(at - target), False, 0, at))
        at = target
    # jieba may join a member to its context (军种|主|建新|格局): the cut at the
    # others' length is good too where it splits no common word
    if not crosses_word(text, at, dictionary()[0]):
        options.append((False, 0, True, *((at, len(text)) if head else (0, at))))
    if not options:
        return span
    # of two cuts as near the others' length, the longer member (市场化运作, not 市场化)
    *_, s, e = min(options, key=lambda o: (o[0], o[1], o[2], o[3] - o[4]))
    return trim(folded, a + s, a + e)


def _plain(folded: str, run) -> tuple[tuple, Parallel] | None:
    """Judge a whole list joined by 、 (和/及/与 before the last) whose members
    share nothing, as a set phrase of one shape."""
    spans = [trim(folded, *_strip_quotes(folded, a, b)) for a, b, _ in run]
    if any(b - a < PLAIN_MIN for a, b in spans[1:-1]) or any(b <= a for a, b in spans):
        return None
    middle = spans[1:-1]
    lengths = sorted(b - a for a, b in middle)
    target = lengths[len(lengths) // 2]
    # a plain list that 和 joins names things (技术、装备和产品): the set
    # phrases joined so share a word (政治自觉、思想自觉和行动自觉)
    if run[-2][2] in LAST_JOINERS:
        return None
    first = _cut_edge(folded, spans[0], target, lengths[-1], True)
    last = _cut_edge(folded, spans[-1], target, lengths[-1], False)
    items = [first, *middle, last]
    kept = [folded[a:b] for a, b in items]
    sizes = [len(k) for k in kept]
    # members of one length (uneven ones that share nothing read as prose:
    # 全面深化改革、联系服务群众、推动发展的本领)
    if min(sizes) < PLAIN_MIN or max(sizes) > PLAIN_MAX or max(sizes) - min(sizes) > 1:
        return None
    # members a character apart in length read as one shape only when each
    # says something (企业为主、政府推动、市场化运作; 韧性强、潜力足、回旋余地大),
    # not when they name things (互联网、大数据、人工智能)
    if len(set(sizes)) > 1:
        if sum(not _predicative(k) for k in kept) * 2 >= len(kept):
            return None
        tail = 0
        while tail < min(sizes) and all(k[-1 - tail] == kept[0][-1 - tail] for k in kept):
            tail += 1
        if tail >= 2:  # one head noun: 重大项目、带动性项目、支撑性项目
            return None
    if not all(is_cjk(ch) for k in kept for ch in k) or len({*kept}) < len(kept):
        return None
    # a list that ends in 等 gives examples (GDP、固投、商贸业等指标)
    if "等" in folded[spans[-1][0]:min(spans[-1][1], last[1] + 2)]:
        return None
    head = 0
    while head < min(sizes) and all(k[head] == kept[0][head] for k in kept):
        head += 1
    if head and any(kept[0][:head].startswith(d) for d in DETERMINERS):
        return None
    if _names_things(kept):
        return None
    proper, idioms = _lexicon()
    if sum(k in proper for k in kept) * 2 >= len(kept):  # 北京、上海、广州
        return None
    # three idioms in a row describe (上下一致、层层联动、一抓到底), and so do
    # three members with a classical idiom among them (标准不高、大而化之、消极
    # 懈怠); a formulation of idioms has more members (解放思想、实事求是、与时俱进、
    # 求真务实)
    if len(kept) == MIN_CLAUSES and (sum(k in idioms for k in kept) >= 2
                                     or any(k in _chengyu() for k in kept)):
        return None
    cut = (first[0] - spans[0][0]) + (spans[-1][1] - last[1])
    rank = (len(set(sizes)) == 1, len(kept), 0, -cut)
    return rank, Parallel(items, False)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """From jieba's dictionary, read without jieba: the words it tags as names
    of places, people and organisations (北京, 国务院), and its idioms and set
    phrases of four characters, however rare (荣辱与共)."""
    data = dictionary_text()
    tags = "|".join(PROPER_TAGS)
    # jieba tags many common two-character words as names (蓝天, 智慧 as
    # given names; 宜居 as a place): a two-character name counts only when
    # it is a well-known place or body, never as a person's name
    proper = frozenset(
        word for word, freq, tag in re.findall(rf"^(\S+) (\d+) ({tags})$", data, re.M)
        if len(word) > 2 or (tag in PLACE_TAGS and int(freq) >= PROPER_FREQ_MIN))
    idioms = frozenset(re.findall(r"^(\S{4}) \d+ [il]$", data, re.M))
    return proper, idioms


@lru_cache(maxsize=1)
def _chengyu() -> frozenset[str]:
    """The classical idioms of four characters jieba's dictionary tags ``i``
    (大而化之, 因循守旧), not the set phrases it tags ``l`` (相互尊重)."""
    return frozenset(re.findall(r"^(\S{4}) \d+ i$", dictionary_text(), re.M))


def _runs(clauses) -> list[tuple[int, int]]:
    """The maximal runs of three or more clauses joined by 、, the last
    possibly by 和/及/与: ``(first, last)`` clause indices."""
    out = []
    i = 0
    while i < len(clauses):
        j = i
        while j + 1 < len(clauses) and clauses[j][2] == "、":
            j += 1
        if j + 1 < len(clauses) and clauses[j][2] in LAST_JOINERS and j > i:
            j += 1
        if j - i + 1 >= MIN_CLAUSES and j - i + 1 <= MAX_CLAUSES:
            out.append((i, j))
        i = j + 1
    return out


# Run-together slogans (共商共建共享; 获得感幸福感安全感; 保就业保民生保市场
# 主体): three or more members with no separator, each two to four
# characters, that share a character where each opens (or each closes).
RUN_MIN_MEMBERS = 3
RUN_MAX_MEMBERS = 8
RUN_MEMBER = (2, 4)
# The characters such a share never is: a run of them is grammar, not a slogan.
RUN_NOT_SHARED = set("了是在和与及或等之也就都而但个")
OPEN_NEVER = set("的地得")


def _run_together(folded: str, a: int, b: int, words: frozenset[str]) -> list[Parallel]:
    """Slogans run together in ``folded[a:b]``, a stretch of Chinese
    characters between two separators."""
    found: list[Parallel] = []
    text = folded[a:b]
    places: dict[str, list[int]] = {}
    for i, ch in enumerate(text):
        places.setdefault(ch, []).append(i)
    tokens: tuple[set[int], set[tuple[int, int]]] | None = None
    for ch, where in places.items():
        if len(where) < RUN_MIN_MEMBERS or ch in RUN_NOT_SHARED or ch in NUMERALS:
            continue
        # chains of this character at an even spacing
        chain = [where[0]]
        for p in [*where[1:], None]:
            gap = 0 if p is None else p - chain[-1]
            if p is not None and RUN_MEMBER[0] <= gap <= RUN_MEMBER[1] and (
                    len(chain) < 2 or abs(gap - (chain[1] - chain[0])) <= 1):
                chain.append(p)
                continue
            if len(chain) >= RUN_MIN_MEMBERS:
                tokens = tokens or _word_bounds(text)
                best = _best_side(text, chain, tokens, words)
                if best is not None:
                    found.append(Parallel([(a + s, a + e) for s, e in best], False))
            chain = [p] if p is not None else []
    return found


def _word_bounds(text: str) -> tuple[set[int], set[tuple[int, int]]]:
    """Where jieba's words of ``text`` begin and end, and their spans."""
    bounds, spans, at = {0}, set(), 0
    for w in _tagger()(text):
        spans.add((at, at + len(w.word)))
        at += len(w.word)
        bounds.add(at)
    return bounds, spans


def _best_side(text: str, chain: list[int], tokens: tuple[set[int], set[tuple[int, int]]],
               words: frozenset[str]) -> list[tuple[int, int]] | None:
    """Of the ways to cut a run into members (each opening with the shared
    character, or each closing with it), the one whose outer edges fall
    between two of jieba's words, and whose members are most often whole
    words (共商|共建|共享, 获得感|幸福感|安全感); none if no way does. (jieba
    may take a slogan's members together as one word: 防灾减灾.)"""
    bounds, spans = tokens
    sides = [m for m in (_run_members(text, chain, side, words, bounds) for side in ("open", "close"))
             if m is not None and m[0][0] in bounds and m[-1][1] in bounds]
    if not sides:
        return None
    return max(sides, key=lambda m: sum(span in spans for span in m))


def _run_members(text: str, chain: list[int], side: str, words: frozenset[str],
                 bounds: set[int]) -> list[tuple[int, int]] | None:
    gaps = [q - p for p, q in zip(chain, chain[1:])]
    size = gaps[0]
    # members of one length, but the last may be one longer when they close
    # alike (连续性稳定性可持续性); one that opens alike may run on instead
    if any(g != size for g in gaps[:-1]) or gaps[-1] not in (size, size + 1) or (
            gaps[-1] != size and side == "open"):
        return None
    if side == "open" and text[chain[0]] in OPEN_NEVER:
        return None
    if text[chain[0]] in OPEN_NEVER and gaps[-1] != size:  # 民族的科学的大众的, all alike
        return None
    if side == "open":
        # the last member ends at the first word end as far on as the others
        # are long (共商共建共享|原则), or a little further (保就业保民生保市场主体)
        members = [(p, q) for p, q in zip(chain, chain[1:])]
        end = min((e for e in bounds if chain[-1] + size <= e <= chain[-1] + size + 2),
                  default=chain[-1] + size)
        members.append((chain[-1], end))
    else:  # 获得感幸福感安全感: the first as long as the others
        members = [(chain[0] - size + 1, chain[0] + 1)]
        members += [(p + 1, q + 1) for p, q in zip(chain, chain[1:])]
    if members[0][0] < 0 or members[-1][1] > len(text):
        return None
    kept = [text[s:e] for s, e in members]
    if len(set(kept)) < len(kept) or len(kept) > RUN_MAX_MEMBERS:
        return None
    if any(ch in NUMERALS or not is_cjk(ch) for k in kept for ch in k) or _names_things(kept):
        return None
    lo, hi = members[0][0], members[-1][1]
    # the run is a unit: no word runs across its edges, nor between its
    # members but for one the shared character makes with its neighbour
    # (尊法|学法 holds 法学)
    if any(crosses_word(text, cut, words) for cut in (lo, hi)):
        return None
    for _, cut in members[:-1]:
        at = cut - 1 if side == "close" else cut
        if any(text[i:i + n] in words and not i <= at < i + n
               for n in (2, 3, 4) for i in range(max(0, cut - n + 1), cut)):
            return None
    return members


def _known_run_together(folded: str) -> list[Parallel]:
    """National set phrases run together with nothing shared (亲诚惠容,
    富强民主文明和谐美丽, 山水林田湖草): only a reader who knows them can cut
    them, so they are the reference deck's parallel phrases found in the
    text, at every place, as written there (the first three members or more,
    for a phrase that grew over the years: 德智体美 | 劳)."""
    from drill.core import reference

    found = []
    for entry in reference.frameworks():
        if entry.kind != "parallel" or len(entry.items) < MIN_CLAUSES:
            continue
        members = [fold(item) for item in entry.items]
        for count in range(len(members), MIN_CLAUSES - 1, -1):
            joined = "".join(members[:count])
            at = folded.find(joined)
            if at < 0:
                continue
            while at >= 0:
                spans, pos = [], at
                for member in members[:count]:
                    spans.append((pos, pos + len(member)))
                    pos += len(member)
                found.append(Parallel(spans, False))
                at = folded.find(joined, at + len(joined))
            break
    return found


# What joins the members of a list: 、, a comma, or 和/及/以及/与 before the last
# (从站起来、富起来到强起来: 到).
_KNOWN_JOINS = ("、", ",", "以及", "和", "及", "与", "到")


@lru_cache(maxsize=1)
def _known_patterns() -> list[tuple[re.Pattern, frozenset[str]]]:
    """For each of the reference deck's parallel phrases, a pattern of three
    or more of its members joined as a list, in any order."""
    from drill.core import reference

    out = []
    for entry in reference.frameworks():
        if entry.kind != "parallel" or len(entry.items) < MIN_CLAUSES:
            continue
        members = sorted({fold(item) for item in entry.items}, key=len, reverse=True)
        one = "|".join(re.escape(m) for m in members)
        join = "|".join(re.escape(j) for j in _KNOWN_JOINS)
        out.append((re.compile(rf"(?:{one})(?:(?:{join})(?:{one})){{{MIN_CLAUSES - 1},}}"),
                    frozenset(members)))
    return out


def _known_lists(folded: str) -> list[Parallel]:
    """The reference deck's parallel phrases written as lists in the text
    (马克思列宁主义、毛泽东思想、邓小平理论…; 区域协调发展战略、区域重大战略、
    主体功能区战略): three of their members or more, in any order, each one
    once. Such a list is a formulation even where it reads as a list of
    things."""
    found = []
    for pattern, members in _known_patterns():
        if not any(m in folded for m in members):
            continue
        longest_first = sorted(members, key=len, reverse=True)
        for m in pattern.finditer(folded):
            spans = _members_at(folded, m.start(), m.end(), longest_first)
            kept = [folded[a:b] for a, b in spans]
            if len(kept) >= MIN_CLAUSES and len(set(kept)) == len(kept):
                found.append(Parallel(spans, False))
    return found


def _members_at(folded: str, pos: int, end: int, members: list[str]) -> list[tuple[int, int]]:
    """Cut ``folded[pos:end]``, a list of ``members`` and joins, into its members."""
    spans: list[tuple[int, int]] = []
    while pos < end:
        member = next((x for x in members if folded.startswith(x, pos)), None)
        if member is None:
            return []
        spans.append((pos, pos + len(member)))
        pos += len(member)
        if pos < end:
            join = next((j for j in _KNOWN_JOINS if folded.startswith(j, pos)
                         and any(folded.startswith(x, pos + len(j)) for x in members)), None)
            if join is None:
                return []
            pos += len(join)
    return spans


def find(source: Source) -> list[Parallel]:
    folded = source.folded
    words = dictionary()[0]
    found: list[Parallel] = []
    for sent in source.sentences:
        first = len(found)
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
        for i, j in _runs(clauses):
            judged_plain = _plain(folded, clauses[i:j + 1])
            if judged_plain is None and clauses[j - 1][2] in LAST_JOINERS and j - i >= MIN_CLAUSES:
                # the 和 was inside the last member (权责清晰、财力协调、区域均衡的
                # 中央和地方财政关系): the list ends before it
                judged_plain = _plain(folded, clauses[i:j])
            if judged_plain is not None:
                candidates.append((judged_plain[0], i, j, judged_plain[1]))
        # best first, then no overlaps: two lists may share a clause
        # (获得感、幸福感、安全感更加充实、更有保障、更可持续), not a member
        candidates.sort(key=lambda c: c[0], reverse=True)
        taken: list[tuple[int, int]] = []
        for _, _, _, par in candidates:
            lo, hi = par.items[0][0], par.items[-1][1]
            if any(lo < b and a < hi for a, b in taken):
                continue
            taken.append((lo, hi))
            found.append(par)
        spans = {tuple(p.items) for p in found[first:]}  # this sentence's only: linear
        for m in re.finditer(r"[\u4e00-\u9fff]{6,}", folded[sent.start:sent.end]):
            for par in _run_together(folded, sent.start + m.start(), sent.start + m.end(), words):
                if tuple(par.items) not in spans:
                    spans.add(tuple(par.items))
                    found.append(par)
    # a list the reference knows is that list, however it was cut before
    for par in _known_lists(folded):
        lo, hi = par.items[0][0], par.items[-1][1]
        found = [p for p in found if not (p.items[0][0] < hi and lo < p.items[-1][1])]
        found.append(par)
    outer = {(p.items[0][0], p.items[-1][1]) for p in found}
    for par in _known_run_together(folded):
        lo, hi = par.items[0][0], par.items[-1][1]
        if (lo, hi) not in outer:
            found.append(par)
    found.sort(key=lambda p: p.items[0][0])
    return found


def _neighbour_alike(folded: str, clauses, k: int, shared: set[str]) -> bool:
    """True if clause ``k`` holds every character the list's clauses share."""
    if not 0 <= k < len(clauses):
        return False
    a, b, _ = clauses[k]
    return shared <= set(folded[a:b])
