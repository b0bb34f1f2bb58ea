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
    simplified, traditional = to_simplified(text), to_traditional(text)
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
