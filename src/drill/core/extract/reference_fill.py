"""Bare names filled in from the reference deck.

A speech often names a national formulation without its items (增强“四个
意识”、坚定“四个自信”); extraction finds such an abbreviation with no
items. When the reference deck knows the name, the framework takes the
reference's items, order flag and where they were stated, and is marked
``origin = "reference"``; its start, end and quote stay at the mention in
the speech, and it has no item spans (its items are not in the speech).
"""

from __future__ import annotations

from drill.core import reference
from drill.core.frameworks import Framework


def fill_from_reference(frameworks: list[Framework]) -> list[Framework]:
    """``frameworks`` with every bare abbreviation the reference knows filled in."""
    for fw in frameworks:
        if fw.kind != "abbreviation" or any(item.strip() for item in fw.items):
            continue
        entry = reference.lookup(fw.name)
        if entry is None or not entry.items:
            continue
        fw.items = list(entry.items)
        fw.item_spans = []
        fw.ordered = entry.ordered
        fw.origin = "reference"
        fw.document, fw.year, fw.url = entry.document, entry.year, entry.url
    return frameworks
