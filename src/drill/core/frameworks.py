"""A framework: one formulation a trainee memorises, traced to its source."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from drill.core.text import fold

KINDS = ("abbreviation", "enumeration", "outline", "parallel")
KIND_PREFIX = {"abbreviation": "abb", "enumeration": "enu", "outline": "out", "parallel": "par"}
# Whether the order of the items matters when a trainee answers, by default.
# An abbreviation's members are recalled as a set; an outline, a numbered list
# or a quoted parallel phrase is recalled in the speaker's order.
DEFAULT_ORDERED = {"abbreviation": False, "enumeration": True, "outline": True, "parallel": True}
# The most items one answer may be graded against (grading.MAX_ITEMS), and so
# the most a deck's framework may have: here, where the deck reader takes it
# from without importing the grader.
MAX_ITEMS = 100


@dataclass
class Framework:
    kind: str
    name: str
    items: list[str]
    start: int
    end: int
    quote: str
    id: str = ""
    ordered: bool = True
    tags: list[str] = field(default_factory=list)
    note: str = ""
    # What the extractor noticed (a count that disagrees with the name...).
    warnings: list[str] = field(default_factory=list)
    item_spans: list[tuple[int, int]] = field(default_factory=list)
    # Review (`drill author`): the items in the instructor's own wording, which
    # need not be words of the source; the ids of candidates merged into this
    # one; a digest of the candidate as extraction gave it when it was judged.
    own: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    extracted: str = ""
    # Where a framework of the reference deck (a deck of national
    # formulations, without a speech) was stated: the document, its year and
    # a public source; a speech's framework whose items were filled in from
    # the reference carries them too. ``aliases`` are other names it goes by.
    document: str = ""
    year: int | None = None
    url: str = ""
    aliases: list[str] = field(default_factory=list)
    # "reference" when the items come from the reference deck, not the speech.
    origin: str = ""

    def stated_in(self) -> str:
        """Where the items come from, as a card says it: 出自：党的十九大报告（2017）;
        "" for a framework of a speech."""
        if not self.document:
            return ""
        where = self.document + (f"（{self.year}）" if self.year else "")
        if self.origin == "reference":
            return f"条目取自参考提法库，出自：{where}"
        return f"出自：{where}"

    def as_json(self) -> dict:
        """The object ``drill extract --json`` prints; other tools read these names."""
        out = {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "items": list(self.items),
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }
        if self.origin:
            out["origin"] = self.origin
        return out


def _key(text: str) -> str:
    return "".join(ch for ch in fold(text) if not ch.isspace())


def framework_id(kind: str, name: str) -> str:
    """A stable id: the same kind and name give the same id on every extraction.

    The items are left out on purpose, so a framework whose items an
    instructor corrected (or a corrected source) keeps its id and its progress.
    """
    digest = hashlib.sha1(f"{kind}\x1f{_key(name)}".encode()).hexdigest()
    return f"{KIND_PREFIX.get(kind, kind[:3])}-{digest[:10]}"


def assign_ids(frameworks: list[Framework]) -> None:
    """Give each framework its id; a second framework with the same kind and
    name gets a numbered suffix, in source order, so ids stay unique."""
    seen: dict[str, int] = {}
    for fw in frameworks:
        base = framework_id(fw.kind, fw.name)
        count = seen.get(base, 0) + 1
        seen[base] = count
        fw.id = base if count == 1 else f"{base}-{count}"
