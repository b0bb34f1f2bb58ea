"""Bare names filled in from the reference deck.

A speech often names a national formulation without its items (增强“四个
意识”、坚定“四个自信”); extraction finds such an abbreviation with no
items. When the reference deck knows the name, the framework takes the
reference's items, order flag and where they were stated, and is marked
``origin = "reference"``; its start, end and quote stay at the mention in
the speech, and it has no item spans (its items are not in the speech).

A bare name found as the numeral term of a longer name the reference knows
(完善承包地“三权”分置制度; 和平共处五项原则) takes that longer name, as the
speech writes it, and its span grows to cover it.
"""

from __future__ import annotations

from drill.core import reference
from drill.core.extract.source import Source
from drill.core.frameworks import Framework

_QUOTES = "“”\"'"


def fill_from_reference(frameworks: list[Framework], source: Source | None = None) -> list[Framework]:
    """``frameworks`` with every bare abbreviation the reference knows filled in."""
    out: list[Framework] = []
    named: set[str] = set()
    for fw in frameworks:
        if fw.kind != "abbreviation" or any(item.strip() for item in fw.items):
            out.append(fw)
            continue
        entry = reference.lookup(fw.name)
        if entry is None and source is not None:
            entry = _grow(source, fw)
            key = reference.name_key(fw.name)
            if entry is not None and key in named:
                continue  # the longer name was met before: one framework
        named.add(reference.name_key(fw.name))
        out.append(fw)
        if entry is None or not entry.items:
            continue
        fw.items = list(entry.items)
        fw.item_spans = []
        fw.ordered = entry.ordered
        fw.origin = "reference"
        fw.document, fw.year, fw.url = entry.document, entry.year, entry.url
    return out


def _grow(source: Source, fw: Framework) -> Framework | None:
    """Give ``fw`` the longer reference name its mention stands inside, if
    the text around it spells one; the reference framework, or None."""
    folded = source.folded
    for key, entry in reference.longer_names(fw.name):
        reach = len(key) + 2
        lo, hi = max(0, fw.start - reach), min(len(folded), fw.end + reach)
        kept = [i for i in range(lo, hi) if folded[i] not in _QUOTES]
        window = "".join(folded[i] for i in kept)
        at = window.find(key)
        while at >= 0:
            a, b = kept[at], kept[at + len(key) - 1] + 1
            if a <= fw.start and b >= fw.end:
                fw.name = "".join(ch for ch in source.text[a:b] if ch not in _QUOTES)
                fw.start, fw.end = a, b
                return entry
            at = window.find(key, at + 1)
    return None
