"""The reference deck: national formulations and what they stand for.

Speeches name formulations such as 四个意识, 两个维护 or 新发展理念 without
their items; a trainee is examined on them all the same. The bundled
reference deck (``decks/national_formulations.toml``, a deck with
``reference = true`` and no speech) holds each one's items, where it was
stated (document, year, a public source) and the other names it goes by
(``aliases``). It is read once, when first needed.

A name is looked up folded (繁/简, width, quotes and spaces ignored), so
“四個意識”, 四个意识 and "四个意识" find the same framework.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from drill.core.frameworks import Framework
from drill.core.text import fold

REFERENCE_DECK = "national_formulations.toml"

_IGNORED = re.compile(r"[\s“”\"'《》〈〉<>·]")


def name_key(name: str) -> str:
    """A name as it is looked up: folded, without quotes, brackets or spaces."""
    return _IGNORED.sub("", fold(name))


def reference_path() -> Path | None:
    """The bundled reference deck, installed or in a source checkout."""
    from drill.paths import bundled_decks_dir

    folder = bundled_decks_dir()
    if folder is None:
        return None
    path = folder / REFERENCE_DECK
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _index() -> dict[str, Framework]:
    from drill.core import deck as decks
    from drill.core.errors import DrillError

    path = reference_path()
    if path is None:
        return {}
    try:
        deck = decks.load(path)
    except DrillError:  # a broken reference deck is reported by `drill deck check`, not here
        return {}
    index: dict[str, Framework] = {}
    for fw in deck.frameworks:
        for name in (fw.name, *fw.aliases):
            index.setdefault(name_key(name), fw)
    return index


def frameworks() -> list[Framework]:
    """The reference deck's frameworks, in the deck's order."""
    return list({id(fw): fw for fw in _index().values()}.values())


def lookup(name: str) -> Framework | None:
    """The reference framework called ``name`` (its name or an alias), or None."""
    key = name_key(name)
    if not key:
        return None
    return _index().get(key)


def longer_names(name: str) -> list[tuple[str, Framework]]:
    """The reference frameworks whose own name (not an alias) holds ``name``
    and is longer: ``(name key, framework)``, longest first. A mention such as
    “三权”分置 or 和平共处五项原则 is found as its shorter numeral term."""
    key = name_key(name)
    if not key:
        return []
    found = [(name_key(fw.name), fw) for fw in frameworks()]
    return sorted(((k, fw) for k, fw in found if key in k and len(k) > len(key)),
                  key=lambda kf: -len(kf[0]))
