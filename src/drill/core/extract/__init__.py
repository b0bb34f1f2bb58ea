"""Extraction: a scraped speech in, its frameworks out, each traced to its place.

    source text → (source.py) folded text without boilerplate, sentences
                → (markers.py) outline and enumerations
                → (abbrev.py) numeric abbreviations and their expansions
                → (parallel.py) parallel set phrases
                → frameworks with ids, spans and quotes
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from drill.core import masks
from drill.core.extract import abbrev as _abbrev
from drill.core.extract import markers as _markers
from drill.core.extract import parallel as _parallel
from drill.core.extract import reference_fill as _reference_fill
from drill.core.extract.common import trim
from drill.core.extract.source import Source, clean, load
from drill.core.frameworks import DEFAULT_ORDERED, Framework, assign_ids
from drill.core.text import counted, fold

__all__ = ["Extraction", "extract", "extract_file", "extract_text", "Source"]


@dataclass
class Extraction:
    source: Source
    frameworks: list[Framework]
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The object ``drill extract --json`` prints; other tools read these names."""
        return {
            "source": self.source.path,
            "title": self.source.title,
            "encoding": self.source.encoding,
            "frameworks": [fw.as_json() for fw in self.frameworks],
        }


def extract_file(path: str | Path) -> Extraction:
    return extract(load(path))


def extract_text(text: str, path: str = "<text>") -> Extraction:
    return extract(clean(text, path))


def _key(text: str) -> str:
    return fold(text).strip()


def _quote(source: Source, pos: int) -> str:
    return source.quote_at(pos)


def _framework(source: Source, kind: str, name: str, spans: list[tuple[int, int]],
               start: int | None = None, anchor: int | None = None) -> Framework:
    spans = [(a, b) for a, b in (source.unblanked(a, b) for a, b in spans) if b > a]
    items = [source.text[a:b] for a, b in spans]
    lo = min([a for a, _ in spans] + ([start] if start is not None else []), default=0)
    hi = max(b for _, b in spans) if spans else (start or 0)
    return Framework(
        kind=kind,
        name=name,
        items=items,
        start=lo,
        end=hi,
        quote=_quote(source, anchor if anchor is not None else lo),
        ordered=DEFAULT_ORDERED[kind],
        tags=[kind],
        item_spans=list(spans),
    )


def _enumeration_name(source: Source, first: int, items: list[tuple[int, int]]) -> tuple[str, int | None]:
    lead, count = _markers.lead_and_count(source, first)
    if lead:
        return lead, count
    # No lead (hidden or dropped as boilerplate): name it by its first item.
    a, b = items[0]
    return f"{source.original(a, b)}…（共{len(items)}项）", None


def _split_at_headings(runs: list[_markers.Run]) -> list[_markers.Run]:
    """A list never runs across a heading of the outline."""
    outline = next((r for r in runs if r.is_outline), None)
    if outline is None:
        return runs
    cuts = sorted(mk.start for mk in outline.markers)
    out = []
    for run in runs:
        if run is outline:
            out.append(run)
            continue
        piece_m: list = []
        piece_i: list = []
        for mk, span in zip(run.markers, run.items):
            if piece_m and bisect.bisect_right(cuts, mk.start) > bisect.bisect_right(cuts, piece_m[-1].start):
                out.append(_markers.Run(run.family, piece_m, piece_i, run.heading))
                piece_m, piece_i = [], []
            piece_m.append(mk)
            piece_i.append(span)
        out.append(_markers.Run(run.family, piece_m, piece_i, run.heading))
    return [r for r in out if len(r.markers) >= 2 or r.is_outline]


def extract(source: Source) -> Extraction:
    notes: list[str] = []
    if source.dropped:
        notes.append(f"dropped {len(source.dropped)} boilerplate line(s) or piece(s)")

    runs = _markers.build_runs(_markers.find_markers(source))
    _markers.resolve(source, runs)
    runs = _split_at_headings(runs)

    frameworks, consumed = _abbreviations(source, runs)
    frameworks += _lists(source, runs, consumed)
    frameworks += _topic_lists(source, runs, frameworks)
    frameworks += _parallels(source, frameworks)

    # a list that lost items to junk inside them may be no list any more
    frameworks = [fw for fw in frameworks if fw.kind == "abbreviation" or len(fw.items) >= 2
                  or (fw.kind == "outline" and fw.items)]
    frameworks.sort(key=lambda fw: (fw.kind != "outline", fw.start))
    frameworks = _reference_fill.fill_from_reference(frameworks, source)
    assign_ids(frameworks)
    if not frameworks:
        notes.append("no frameworks found")
    for fw in frameworks:
        for item in masks.masked_items(fw.items):
            fw.warnings.append(masks.warning(item))
        for w in fw.warnings:
            notes.append(f"line {source.line_of(fw.start)}: {fw.kind} {fw.name[:20]}: {w}")
    return Extraction(source, frameworks, notes)


def _abbreviations(source: Source, runs: list[_markers.Run]) -> tuple[list[Framework], set[int]]:
    """The abbreviations, and where the numbered lists they took as their
    expansion begin (具体做到“三个抓”：1、…2、…3、…: one framework, not two)."""
    runs_by_start = {run.markers[0].start: run.items for run in runs if not run.is_outline}
    frameworks: list[Framework] = []
    consumed: set[int] = set()
    for ab in _abbrev.find(source, runs_by_start):
        fw = _framework(source, "abbreviation", source.original(ab.start, ab.end), ab.items,
                        start=ab.start, anchor=ab.start)
        if not ab.items:
            fw.start, fw.end = ab.start, ab.end
        elif fw.items and fw.items[0] not in fw.quote:
            # expanded far from where it is named: quote where the items stand
            fw.quote = source.quote_at(fw.start, fw.end)
        expected = _abbrev.expected_counts(ab.name)
        if ab.items and expected and len(ab.items) not in expected:
            fw.warnings.append(f"the name says {expected[0]} but {counted(len(ab.items), 'item')} {'was' if len(ab.items) == 1 else 'were'} found")
        if ab.items and ab.via == "list":
            consumed.add(ab.items[0][0])
        frameworks.append(fw)
    return frameworks, consumed


def _lists(source: Source, runs: list[_markers.Run], consumed: set[int]) -> list[Framework]:
    """The outline and the numbered enumerations."""
    frameworks = []
    for run in runs:
        if run.items[0][0] in consumed:
            continue
        first = run.markers[0].start
        if run.is_outline:
            fw = _framework(source, "outline", source.title or "提纲", run.items, start=first)
            if len(fw.items) >= 2:  # an outline has two headings or more
                frameworks.append(fw)
            continue
        name, count = _enumeration_name(source, first, run.items)
        fw = _framework(source, "enumeration", name, run.items, start=first)
        if count is not None and count != len(run.items):
            fw.warnings.append(f"the lead says {count} but {counted(len(run.items), 'item')} {'was' if len(run.items) == 1 else 'were'} found")
        frameworks.append(fw)
    return frameworks


def _topic_lists(source: Source, runs: list[_markers.Run], found: list[Framework]) -> list[Framework]:
    """Runs of topic sentences (要…。要…。要…。) that no other list holds.

    The outline and lists whose items open paragraphs bound them; a list
    inside a paragraph (首先…其次…) does not."""
    para_starts = {a for a, _ in source.paragraphs}
    barriers = [
        mk.start for run in runs
        if run.is_outline or all(mk.start in para_starts for mk in run.markers)
        for mk in run.markers
    ]
    held = [fw.item_spans for fw in found if fw.item_spans]
    held_items = {span for spans in held for span in spans if span[0] < span[1]}
    frameworks = []
    for topic in _markers.topic_runs(source, barriers):
        spans = [trim(source.folded, a, b) for a, b in topic.sentences]
        if any(span in held_items for span in spans):
            continue  # an item another list already holds
        name, count = _enumeration_name(source, spans[0][0], spans)
        heading = _paragraph_heading(source, runs, spans[0][0]) if topic.framed else None
        if heading is not None:
            # clauses inside a paragraph that opens with a heading stand under it
            # (（八）全面增强执政本领。…要增强学习本领，…。增强政治领导本领，…)
            name, count = source.original(*heading), None
        fw = _framework(source, "enumeration", name, spans)
        if count is not None and count != len(spans):
            fw.warnings.append(f"the lead says {count} but {counted(len(spans), 'item')} {'was' if len(spans) == 1 else 'were'} found")
        frameworks.append(fw)
    held += [fw.item_spans for fw in frameworks]
    frameworks += _paragraph_heads(source, runs, held)
    return frameworks


def _paragraph_heads(source: Source, runs: list[_markers.Run],
                     held: list[list[tuple[int, int]]]) -> list[Framework]:
    """A report section's unnumbered paragraph heads, named by the heading
    they stand under (or by the lead that announces them)."""
    para_starts = {a for a, _ in source.paragraphs}
    headings: dict[int, tuple[int, int]] = {}
    closers: set[int] = set()
    for run in runs:
        heading = run.is_outline or run.family in ("cn_dun", "di", "cn_paren") or run.heading
        for mk, span in zip(run.markers, run.items):
            if mk.start in para_starts:
                if heading:
                    headings[mk.start] = span
                else:
                    closers.add(mk.start)
    taken = _Taken()
    for spans in held:
        taken.add(spans)
    frameworks = []
    named_under: set[tuple[int, int]] = set()
    starts = sorted(headings)
    runs_found = _markers.paragraph_heads(source, headings, closers)
    for found in _markers.inline_dashes(source):
        i = bisect.bisect_left(starts, found.first)
        found.under = headings[starts[i - 1]] if i else None
        runs_found.append(found)
    for found in runs_found:
        spans = found.heads
        # heads another list already holds (a run of 要…。 or of alike openings)
        if taken.shares_two(spans):
            continue
        lead, count = _markers.lead_and_count(source, found.first)
        name = None
        before = found.first - 1
        while before > 0 and source.folded[before].isspace():
            before -= 1
        announces = lead is not None and (source.folded[before] == ":" or _markers.announces(lead))
        if announces:
            name = lead
        elif found.under is not None and found.under not in named_under:
            name = source.original(*found.under)
            named_under.add(found.under)
        elif found.under is not None:
            # a second run under one heading: named by the paragraph that
            # introduces it (应对新挑战、完成新任务，对政府工作提出新的更高要求。…)
            name = _introduction(source, found.first) or lead
        if name is None:
            # the sentence before is no lead: named by the first head
            a, b = spans[0]
            name = f"{source.original(a, b)}…（共{len(spans)}项）"
        taken.add(spans)
        fw = _framework(source, "enumeration", name, spans, start=found.first)
        if count is not None and count != len(spans):
            fw.warnings.append(f"the lead says {count} but {counted(len(spans), 'item')} {'was' if len(spans) == 1 else 'were'} found")
        frameworks.append(fw)
    return frameworks


def _paragraph_heading(source: Source, runs: list[_markers.Run], pos: int) -> tuple[int, int] | None:
    """The heading (（八）…, 一、…) that opens the paragraph holding ``pos``, if any."""
    sent = source.sentence_at(pos)
    if sent is None:
        return None
    start = source.paragraphs[sent.para][0]
    for run in runs:
        if run.family in _markers.HEADING_FAMILIES or run.is_outline:
            for mk, span in zip(run.markers, run.items):
                if mk.start == start and span[1] <= pos:
                    return span
    return None


class _Taken:
    """Item spans of the frameworks found so far, by start, to ask in
    logarithmic time whether a new list shares two items with one of them."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[tuple[int, int, int]] = []  # (start, end, owner)
        self.longest = 0
        self.owners = 0

    def add(self, spans: list[tuple[int, int]]) -> None:
        for a, b in spans:
            i = bisect.bisect_left(self.starts, a)
            self.starts.insert(i, a)
            self.spans.insert(i, (a, b, self.owners))
            self.longest = max(self.longest, b - a)
        self.owners += 1

    def shares_two(self, spans: list[tuple[int, int]]) -> bool:
        hits: dict[int, int] = {}
        for a, b in spans:
            owners = set()
            i = bisect.bisect_left(self.starts, a - self.longest)
            while i < len(self.spans) and self.spans[i][0] < b:
                c, d, owner = self.spans[i]
                if a < d:
                    owners.add(owner)
                i += 1
            for owner in owners:
                hits[owner] = hits.get(owner, 0) + 1
                if hits[owner] >= 2:
                    return True
        return False


def _introduction(source: Source, start: int) -> str | None:
    """The first sentence of the paragraph before the one at ``start``, if short."""
    i = bisect.bisect_left(source.paragraphs, (start, -1))
    if i == 0:
        return None
    a, b = source.paragraphs[i - 1]
    sent = source.sentence_at(a)
    if sent is None:
        return None
    a, b = trim(source.folded, a, min(sent.end, b))
    if not 4 <= b - a <= _markers.LEAD_MAX:
        return None
    return source.original(a, b)


def _parallels(source: Source, found: list[Framework]) -> list[Framework]:
    """Parallel phrases that are not already an abbreviation's expansion, a
    numbered list (首先要…，然后再…，最后…) or a phrase said before."""
    import bisect

    taken = sorted(s for fw in found for s in fw.item_spans if fw.kind == "abbreviation")
    known = {tuple(_key(i) for i in fw.items) for fw in found if fw.items}
    # each enumeration item's span, sorted, with the list it belongs to
    items = sorted((a, b, n) for n, fw in enumerate(found) if fw.kind == "enumeration"
                   for a, b in fw.item_spans)
    starts = [a for a, _, _ in items]
    longest = max((b - a for a, b, _ in items), default=0)

    def items_hit(a: int, b: int) -> set[tuple[int, int]]:
        """The enumeration items overlapping ``[a, b)``, as (list, item start)."""
        lo = bisect.bisect_left(starts, a - longest)
        hi = bisect.bisect_left(starts, b)
        return {(n, c) for c, d, n in items[lo:hi] if c < b and a < d}

    taken_starts = [a for a, _ in taken]
    taken_longest = max((b - a for a, b in taken), default=0)
    frameworks = []
    for par in _parallel.find(source):
        lo, hi = par.items[0][0], par.items[-1][1]
        first = bisect.bisect_left(taken_starts, lo - taken_longest)
        last = bisect.bisect_left(taken_starts, hi)
        if any(a < d and c < b for a, b in par.items for c, d in taken[first:last]):
            continue
        key = tuple(_key(source.folded[a:b]) for a, b in par.items)
        if key in known:
            continue
        # the same list as a numbered one: its members in two or more items
        # of one list (a phrase inside one point is a framework of its own)
        hit: dict[int, set[int]] = {}
        for a, b in par.items:
            for n, item in items_hit(a, b):
                hit.setdefault(n, set()).add(item)
        if any(len(points) >= 2 for points in hit.values()):
            continue
        known.add(key)
        frameworks.append(_framework(source, "parallel", source.original(lo, hi), par.items))
    return frameworks
