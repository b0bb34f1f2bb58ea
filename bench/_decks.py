"""A trainee's collection of N speech decks for the benchmarks.

The five bundled speech decks are always found (drill reads the bundled
folder), so N - 5 more are written into DRILL_HOME's decks folder: copies of
the bundled ones, each with its own deck id, file name, title and framework
ids, so that every copy is a deck of its own in the store (its cards are
other cards, not the same ones filed twice).
"""

from __future__ import annotations

from pathlib import Path

import tomlkit

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "decks"
SEEDS = ROOT / "seeds"


def speech_decks() -> list[Path]:
    """The bundled speech decks (the reference deck is not a speech)."""
    return sorted(p for p in BUNDLED.glob("*.toml") if "reference = true" not in p.read_text("utf-8"))


def make_collection(home: Path, decks: int) -> int:
    """Write the copies that bring the speech decks to ``decks`` into
    ``home``/decks; returns how many speech decks the app will find."""
    originals = speech_decks()
    if decks < len(originals):
        raise SystemExit(f"bench: --decks must be at least {len(originals)} (the bundled speech decks)")
    folder = home / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(decks - len(originals)):
        original = originals[k % len(originals)]
        doc = tomlkit.parse(original.read_text("utf-8"))
        stem = f"{original.stem}_copy{k:03d}"
        doc["id"] = stem
        doc["title"] = f"{doc['title']}（{k + 1}）"
        source = Path(str(doc.get("source", "")))
        if source.name:
            doc["source"] = str((SEEDS / source.name).resolve())
        for table in doc.get("frameworks", []):
            table["id"] = f"{table['id']}-c{k:03d}"
        (folder / f"{stem}.toml").write_text(tomlkit.dumps(doc), "utf-8")
    return decks
