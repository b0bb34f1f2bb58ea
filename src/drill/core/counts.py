"""How many a name or a lead says there are: 三抓三促 (three pairs), 讲三点意见
(three points). Extraction finds frameworks by these counts; a deck's check
holds a framework's items to them. Nothing here reads a speech."""

from __future__ import annotations

import re

from drill.core.text import cn_number

NUM = "一二两三四五六七八九十百千双"
NUM_RE = re.compile(rf"[{NUM}]+|\d+")
# A count of what follows: 三点, 七类, 两个方面.
COUNT = re.compile(
    r"([一二两三四五六七八九十]{1,3}|\d{1,2})\s*(?:个|大|点|条|项|类|种|方面|句|字|招|步)"
)


def expected_count(name: str) -> int | None:
    """How many items an abbreviation's name promises.

    三抓三促 → 3 (pairs), 三高一低 → 4, 四不两直 → 6, 四个六 → 4, 四个一流 → 4,
    六渝 → 6; None when the name does not say (一带两城三区四园, 2+6).
    """
    nums = NUM_RE.findall(name)
    values = [cn_number(n) for n in nums]
    if not values or any(v is None for v in values):
        return None
    if len(values) == 1:
        return values[0]
    m = re.match(rf"^([{NUM}]+)个", name)  # N个…: N of them, whatever numbers follow
    if m:
        return cn_number(m.group(1))
    if len(values) == 2 and name[0] in NUM:
        a, b = values
        if a is not None and b is not None:
            return a if a == b else a + b
    return None


def stated_count(text: str) -> int | None:
    """The count a lead sentence announces (讲三点意见, 以下七类问题), if any."""
    found = None
    for m in COUNT.finditer(text):
        value = cn_number(m.group(1))
        if value and value >= 2 and not names_a_formulation(text, m.start()):
            found = value
    return found


def names_a_formulation(text: str, at: int) -> bool:
    """True where the count at ``at`` begins a name, not a count of what
    follows: one in quotes (增强“四个意识”) or one the reference deck knows
    (树立四个意识，一是…)."""
    from drill.core import reference

    if at > 0 and text[at - 1] == "“":
        return True
    return any(reference.lookup(text[at:at + size]) is not None for size in range(3, 9)
               if at + size <= len(text))
