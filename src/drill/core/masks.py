"""Masked words in scraped speeches.

Web copies of speeches mask names: 建设美丽**, 中国式现代化**实践, xx新城区,
××县. A mask is a run of mask characters; until an instructor fills the
name in (own wording), the grader takes a mask as any run of up to
:data:`MASK_MAX_CHARS` characters of the answer.
"""

from __future__ import annotations

import re

# what counts as a mask: a run of asterisks (half or full width) or of
# multiplication signs, or two or more Latin x's (xx, XX)
MASK = re.compile(r"[*＊]+|[×✕]+|[xX]{2,}")
# how many characters a mask may stand for: the longest usual place or
# body name (内蒙古自治区, 新疆生产建设兵团 is eight)
MASK_MAX_CHARS = 8
# what a mask never stands for: the marks between items
_NOT_IN_A_NAME = "、，,；;：:。！？!?\n\t （）()《》“”\"'"



def warning(item: str) -> str:
    """What extraction says of an item with a mask."""
    return f"'{item}' has a masked name: fill it in (own wording)"


def has_mask(text: str) -> bool:
    return MASK.search(text) is not None


def masked_items(items: list[str]) -> list[str]:
    return [i for i in items if has_mask(i)]


def pattern(item: str) -> re.Pattern:
    """A pattern matching ``item`` with each mask taken as up to
    :data:`MASK_MAX_CHARS` characters of a name."""
    parts, pos = [], 0
    any_run = "[^" + re.escape(_NOT_IN_A_NAME) + f"]{{0,{MASK_MAX_CHARS}}}"
    for m in MASK.finditer(item):
        parts.append(re.escape(item[pos:m.start()]))
        parts.append(any_run)
        pos = m.end()
    parts.append(re.escape(item[pos:]))
    return re.compile("".join(parts))


def fill(items: list[str], answer: str) -> list[str] | None:
    """The items with each mask replaced by what ``answer`` writes in its
    place, or None when no item has a mask the answer fills."""
    filled, changed = [], False
    for item in items:
        if has_mask(item):
            found = _longest(pattern(item), answer)
            if found is not None and found != item:
                filled.append(found)
                changed = True
                continue
        filled.append(item)
    return filled if changed else None


def _longest(pat: re.Pattern, answer: str) -> str | None:
    best = None
    for start in range(len(answer)):
        m = pat.match(answer, start)
        if m and m.group(0) and (best is None or len(m.group(0)) > len(best)):
            best = m.group(0)
    return best
