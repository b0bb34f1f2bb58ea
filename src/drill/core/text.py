"""Text normalisation for finding and comparing; never for showing.

Every function that returns a "folded" string keeps its length, character
for character, so an offset found in the folded text is an offset into the
original. The original text is what the user sees and what a deck stores.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache

# Chinese punctuation folded to one spelling each. Quotes keep their
# direction: “ opens, ” closes, whatever the source used.
_PUNCT = {
    "，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?",
    "．": ".", "﹐": ",", "﹔": ";", "﹕": ":", "　": " ", "\u00a0": " ",
    "「": "“", "『": "“", "‘": "“", "〝": "“", "」": "”", "』": "”", "’": "”", "〞": "”",
    "—": "-", "–": "-", "－": "-", "～": "~", "〜": "~", "・": "·", "•": "·",
    "﹑": "、", "｡": "。", "〈": "《", "〉": "》",
}


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII
        char = chr(code)
        table[code] = unicodedata.normalize("NFKC", char)
    for src, dst in _PUNCT.items():
        table[ord(src)] = dst
    # Circled and parenthesised numbers stay as they are: they are list markers.
    return table


def fold_width(text: str) -> str:
    """Full-width letters, digits and punctuation to one spelling; same length."""
    return text.translate(_fold_table())


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified characters (OpenCC ``t2s``), keeping the length.

    OpenCC converts phrases, which nearly always keeps the length; a line
    where it would not is converted character by character instead.
    """
    if not text:
        return text
    converter = _t2s()
    out = converter.convert(text)
    if len(out) == len(text):
        return out
    lines = text.split("\n")
    fixed = []
    for line in lines:
        conv = converter.convert(line)
        if len(conv) != len(line):
            conv = "".join(_one_char(converter, ch) for ch in line)
        fixed.append(conv)
    return "\n".join(fixed)


@lru_cache(maxsize=1)
def _tw2sp():
    import opencc

    return opencc.OpenCC("tw2sp")


def mainland(text: str) -> str:
    """Text in Taiwan wording as it is worded on the mainland (OpenCC ``tw2sp``):
    專案 → 项目, 資訊 → 信息, besides 繁 → 简.

    An alternative reading for comparing only, never the one reading: applied
    to words that are not Taiwan wording it misreads some (效能 → 性能).
    """
    return _tw2sp().convert(text) if text else text


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified to traditional characters (OpenCC ``s2t``): for words drill
    itself writes (a card's question) into a deck written in traditional."""
    return _s2t().convert(text) if text else text


def is_traditional(text: str) -> bool:
    """Is ``text`` written in traditional characters: more of its characters
    change from traditional to simplified than from simplified to traditional?"""
    if not text:
        return False
    simplified = to_simplified(text)
    if simplified == text:  # nothing changes to simplified: it is not traditional, whatever changes the other way
        return False
    traditional = to_traditional(text)
    changed_to_s = sum(a != b for a, b in zip(text, simplified))
    changed_to_t = sum(a != b for a, b in zip(text, traditional)) if len(traditional) == len(text) else 0
    return changed_to_s > changed_to_t


def _one_char(converter, ch: str) -> str:
    conv = converter.convert(ch)
    return conv if len(conv) == 1 else ch


def fold(text: str) -> str:
    """Simplified characters and one spelling of punctuation; same length."""
    return fold_width(to_simplified(text))


CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "双": 2, "雙": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
def cn_number(text: str) -> int | None:
    """The value of a Chinese (or Arabic) numeral such as 七, 十二, 二十, 两; else None."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total = 0
    section = 0
    digit = None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch == "十":
            section += (digit if digit is not None else 1) * 10
            digit = None
        elif ch == "百":
            section += (digit if digit is not None else 1) * 100
            digit = None
        elif ch == "千":
            section += (digit if digit is not None else 1) * 1000
            digit = None
        else:
            return None
    total = section + (digit or 0)
    return total


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _shown_char(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` safe to print on one terminal line: control characters,
    terminal escapes and bidirectional overrides are shown escaped (\\x1b,
    \\n, \\u202e), never sent raw. Everything else stays as it is."""
    return "".join(_shown_char(ch) if _hidden(ch) else ch for ch in text)


def _hidden(ch: str) -> bool:
    category = unicodedata.category(ch)
    # Cc: C0/C1 controls (ESC, CR, NUL…); Cf: format characters, among them
    # the bidirectional overrides that reorder what a terminal shows
    return category == "Cc" or (category == "Cf" and ch not in "\u200d")


def drawable(text: str) -> str:
    """``text`` to draw as it stands, character for character (same length,
    so offsets still hold): every control or format character but the line
    break (a zero-width space a web copy puts on a line of its own, a tab, a
    bidirectional override) drawn as a space, never sent raw."""
    if not any(_hidden(ch) for ch in text if ch != "\n"):
        return text
    return "".join(" " if ch != "\n" and _hidden(ch) else ch for ch in text)


# Characters that str.splitlines() and some JSON-lines readers take as a line
# break, which json.dumps(ensure_ascii=False) leaves raw.
_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(value) -> str:
    """``value`` as one line of JSON, Chinese kept readable: every character
    any reader might take as a line break is escaped, so one record is
    always one line."""
    out = json.dumps(value, ensure_ascii=False)
    if any(ch in out for ch in _LINE_BREAKS):
        out = "".join(_LINE_BREAKS.get(ch, ch) for ch in out)
    return out


# Chinese line breaking (禁则): what may not begin a line (closing and
# pausing punctuation) and what may not end one (opening punctuation).
NO_LINE_START = frozenset("，。、；：？！,.;:?!)）]】」』”’》〉〕〗〙〛}…—·％%‰℃")
NO_LINE_END = frozenset("（(【[「『“‘《〈〔〖〘〚{")
# never split inside a pair of these (……, ——)
_PAIRED = frozenset("…—")


def cell_width(ch: str) -> int:
    """How many terminal cells ``ch`` takes: two for wide (CJK) characters."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _word_char(ch: str) -> bool:
    """A character of a Latin word or a number, which is not split."""
    return ch.isascii() and (ch.isalnum() or ch in "_'-.%")


def line_starts(text: str, width: int) -> list[int]:
    """Where each line of ``text`` begins when it is wrapped to ``width``
    cells by Chinese rules: a line breaks between any two Chinese
    characters, or at a space, never inside a Latin word or a number (unless
    it is wider than a line); no line begins with closing punctuation (，。、）」)
    and none ends with opening punctuation (（「“): the character before
    goes down with it. A newline always begins a line."""
    width = max(2, width)
    starts = [0]
    line_start, used = 0, 0
    for k, ch in enumerate(text):
        if ch == "\n":
            starts.append(k + 1)
            line_start, used = k + 1, 0
            continue
        w = cell_width(ch)
        if used + w <= width or k == line_start:
            used += w
            continue
        # ch does not fit: break before it, or earlier where the rules say
        cut = _break_before(text, line_start, k)
        starts.append(cut)
        line_start = cut
        used = sum(cell_width(c) for c in text[cut:k + 1])
    return starts


def _allowed(text: str, at: int) -> bool:
    """Whether a line may begin at ``at``."""
    before, ch = text[at - 1], text[at]
    if ch in NO_LINE_START or before in NO_LINE_END:
        return False
    if before in _PAIRED and ch == before:
        return False
    if _word_char(before):
        if _word_char(ch):
            return False
        k = at - 1  # （6 ending a line parts 6 from 项）: an opening bracket and the number go down together
        while k > 0 and _word_char(text[k - 1]):
            k -= 1
        if k > 0 and text[k - 1] in NO_LINE_END:
            return False
    return True


def _break_before(text: str, line_start: int, k: int) -> int:
    """Where the line begun at ``line_start`` ends, when ``text[k]`` does not fit."""
    at = k
    while at > line_start + 1 and not _allowed(text, at):
        at -= 1
    if _allowed(text, at):
        return at
    return k  # no allowed break on this line (one long word): cut where it is full


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun`` as a message says them: 1 card, 2 cards, 0 items."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def with_article(word: str) -> str:
    """``word`` with its indefinite article: an abbreviation, a parallel."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
