"""The deck cache: each deck as drilling reads it, kept so that a start does
not parse and check every deck file again.

A deck is found in the cache by its file's content, a SHA-1 digest of its
bytes, which are read at every start: a deck edited, replaced, touched,
moved back from a copy or edited keeping its size and times is read again
whenever its bytes differ, and a deck deleted is simply not asked for. The
cache holds for one version of the code that reads decks (drill's version,
the files of drill.core, OpenCC's, whose folding makes card ids, and
Python's, whose tomllib parses); another version finds it empty.

An entry keeps what a deck's file says at the top and its cards' ids,
frameworks and kinds (what the deck list counts by), or the one-line error
of a file that does not load; the deck's frameworks, and the cards made of
them, are a file of their own beside it (``frameworks/DIGEST.json``, its
own digest in the entry), read on their first use: a start reads only the
frameworks of the decks it drills, and makes none of their cards (the cards
must be those the entry names; frameworks edited after they are read make
their cards again).
Nothing is taken from an entry that does not have the shape drill writes:
a missing, unreadable, malformed or damaged cache file is ignored and
written again, never an error. The cache is JSON, written only by drill,
into its own folder (:func:`drill.paths.cache_dir`), atomically; it holds
the entries of the decks the last reading found, and which entry each
deck file's path had then.

A start may take a deck by its path alone (:meth:`DeckCache.recall`,
without reading the file) to show it at once; the file is read and its
digest checked right after (:class:`drill.core.deck.DeckCheck`), and a
file that is not what the entry was made of is read again.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from drill.core.deck import CARD_KINDS, Card, CardKeys, Deck, load
from drill.core.errors import DrillError
from drill.core.files import read_limited
from drill.core.frameworks import Framework

FORMAT = 3
FILE_NAME = "decks.json"
FRAMEWORKS_DIR = "frameworks"
# Card ids are joined by this in an entry (a list when one holds it): a
# character JSON writes as it is (a newline is an escape, slower to read).
SEP = " "


def code_stamp() -> str:
    """The version of what reads a deck into frameworks and card ids."""
    import importlib.util

    import drill

    parts: list[object] = [FORMAT, drill.__version__, sys.version]
    core = Path(__file__).resolve().parent
    try:
        with os.scandir(core) as listing:
            for entry in sorted(listing, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    parts.append((entry.name, st.st_size, st.st_mtime_ns))
    except OSError:
        parts.append("unlisted")
    try:
        spec = importlib.util.find_spec("opencc")
        origin = spec.origin if spec is not None else None
        if origin:
            st = os.stat(origin)
            parts.append((origin, st.st_size, st.st_mtime_ns))
    except (ImportError, ValueError, OSError):
        parts.append("no opencc")
    return repr(parts)  # (compared whole: no digest to make, hashlib is not needed to start)


def digest(data: bytes) -> str:
    import hashlib  # (a start that takes its decks by their paths hashes them after its first screen)

    return hashlib.sha1(data).hexdigest()  # (not for security: the fastest digest here)


class Malformed(Exception):
    """An entry without the shape drill writes."""


def _text(entry: dict, key: str) -> str:
    value = entry[key]
    if not isinstance(value, str):
        raise Malformed(key)
    return value


def _texts(entry: dict, key: str) -> list[str]:
    value = entry[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Malformed(key)
    return list(value)


def _joined(values: tuple[str, ...]) -> str | list[str]:
    if any(SEP in v for v in values):
        return list(values)
    return SEP.join(values)


def _split(entry: dict, key: str) -> tuple[str, ...]:
    value = entry[key]
    if isinstance(value, str):
        return tuple(value.split(SEP)) if value else ()
    return tuple(_texts(entry, key))


def _entry(deck: Deck) -> dict:
    keys = deck.card_keys()
    return {
        "title": deck.title, "source": deck.source, "encoding": deck.encoding, "note": deck.note,
        "reference": deck.reference, "ident": deck.ident, "rejected": list(deck.rejected),
        "anki_exported": list(deck.anki_exported),
        "ids": _joined(keys.ids), "fws": _joined(keys.frameworks), "kinds": _joined(keys.kinds),
    }


_CARD_FIELDS = tuple(f.name for f in dataclasses.fields(Card))
_LISTS = ("answer", "others", "options")  # a card's lists of text (the rest is text, and ordered)


_card_values = operator.attrgetter(*_CARD_FIELDS)
_OTHERS = _CARD_FIELDS.index("others")
_FRAMEWORK_FIELDS = tuple(f.name for f in dataclasses.fields(Framework))


def _frameworks_text(deck: Deck) -> str:
    """The deck's frameworks and the cards made of them, as JSON (a card as
    the list of its fields' values; a tuple is written as a list)."""
    frameworks = [{name: getattr(fw, name) for name in _FRAMEWORK_FIELDS} for fw in deck.frameworks]
    cards = []
    for card in deck.cards():
        values = list(_card_values(card))
        values[_OTHERS] = list(values[_OTHERS])  # (a list of its own type)
        cards.append(values)
    return json.dumps({"frameworks": frameworks, "cards": cards}, ensure_ascii=False)


_FIELDS = set(_FRAMEWORK_FIELDS)


def _frameworks(text: str, keys: CardKeys) -> tuple[list[Framework], tuple[Card, ...]]:
    """The frameworks and the cards a frameworks' file holds; the cards must
    be those ``keys`` (the entry's) name."""
    raw = json.loads(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("frameworks"), list) \
            or not isinstance(raw.get("cards"), list):
        raise Malformed("frameworks")
    out = []
    for fields in raw["frameworks"]:
        if not isinstance(fields, dict) or set(fields) != _FIELDS:
            raise Malformed("frameworks")
        fields["item_spans"] = [tuple(span) for span in fields["item_spans"]]
        out.append(Framework(**fields))
    cards = []
    for values in raw["cards"]:
        if not isinstance(values, list) or len(values) != len(_CARD_FIELDS) or not all(
                isinstance(value, bool) if name == "ordered" else
                isinstance(value, list) and all(isinstance(v, str) for v in value) if name in _LISTS else
                isinstance(value, str) for name, value in zip(_CARD_FIELDS, values)):
            raise Malformed("cards")
        cards.append(Card(*values))
    made = tuple(cards)
    if (tuple(c.id for c in made), tuple(c.framework for c in made), tuple(c.kind for c in made)) != keys:
        raise Malformed("cards")
    return out, made


def _deck(path: Path, data: bytes | None, entry: dict, frameworks: Callable[[], Path | None]) -> Deck:
    """The deck ``entry`` holds, for the file at ``path`` whose bytes are
    ``data`` (None: not read, the file is read when its text is needed);
    its frameworks are read from the file ``frameworks()`` names, and its
    cards' keys split from the entry, when first needed."""
    if not isinstance(entry, dict):
        raise Malformed("entry")
    if "error" in entry:
        line = entry.get("line")
        if line is not None and (not isinstance(line, int) or isinstance(line, bool)):
            raise Malformed("line")
        raise DrillError(_text(entry, "error"), path, line)
    _text(entry, "frameworks")  # the digest of the frameworks' file
    reference = entry["reference"]
    if not isinstance(reference, bool):
        raise Malformed("reference")
    for name in ("ids", "fws", "kinds"):
        if not isinstance(entry[name], (str, list)):
            raise Malformed("cards")

    def split() -> CardKeys | None:
        try:
            keys = CardKeys(_split(entry, "ids"), _split(entry, "fws"), _split(entry, "kinds"))
        except Malformed:
            return None
        if not len(keys.ids) == len(keys.frameworks) == len(keys.kinds) or not set(keys.kinds) <= set(CARD_KINDS):
            return None  # (the deck's cards are made of its file)
        return keys

    deck = Deck(path, _text(entry, "title"), _text(entry, "source"), _text(entry, "encoding"),
                _text(entry, "note"), reference=reference, ident=_text(entry, "ident"))
    deck.rejected = _texts(entry, "rejected")
    deck.anki_exported = _texts(entry, "anki_exported")

    def read() -> list[Framework]:
        try:
            where, keys = frameworks(), deck._known_keys()
            if where is None or keys is None:
                raise Malformed("frameworks")
            held = where.read_bytes()
            if digest(held) != entry["frameworks"]:  # not the file the entry was made with
                raise Malformed("frameworks")
            found, deck._cached = _frameworks(held.decode("utf-8"), keys)
            return found
        except (Malformed, OSError, ValueError, TypeError, KeyError):
            # the entry's frameworks are damaged: the file's own, and its cards made from them
            deck._known = None
            return load(path, data).frameworks

    # read on first use (Deck.__getattr__); the bytes decode, as they did when the entry was made
    del deck.frameworks, deck.file_text
    deck._pending = read
    deck._raw = data if data is not None else (lambda: read_limited(path, what="a deck file"))
    deck._known = (None, split)
    return deck


class DeckCache:
    """The cache file in ``folder`` (default :func:`drill.paths.cache_dir`):
    :meth:`load` each deck, then :meth:`save`."""

    def __init__(self, folder: Path | None = None) -> None:
        self.stamp = code_stamp()
        try:
            if folder is None:
                from drill import paths

                folder = paths.cache_dir()
            self.path: Path | None = Path(folder) / FILE_NAME
        except Exception:  # no cache folder to be had: decks are read from their files
            self.path = None
        self.entries, self.files = self._read()
        self.used: dict[str, dict] = {}
        self.made: dict[str, str] = {}  # the frameworks (as JSON) of the entries made here
        self.found: dict[str, str] = {}  # each deck file's path -> the digest of its entry, in this reading

    def _frameworks_file(self, key: str) -> Path | None:
        return self.path.parent / FRAMEWORKS_DIR / f"{key}.json" if self.path is not None else None

    def _read(self) -> tuple[dict, dict]:
        if self.path is None:
            return {}, {}
        try:
            raw = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}, {}
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("stamp") != self.stamp:
            return {}, {}
        entries, files = raw.get("decks"), raw.get("files")
        if not isinstance(entries, dict):
            return {}, {}
        return entries, files if isinstance(files, dict) else {}

    def recall(self, path: Path) -> Deck | None:
        """The deck the entry the file at ``path`` had at the last reading
        holds, without reading the file (it may have changed since: see
        :class:`drill.core.deck.DeckCheck`); None when there is no such
        entry, or it is a file's error."""
        key = self.files.get(os.fspath(path))
        if not isinstance(key, str):
            return None
        entry = self.entries.get(key)
        if not isinstance(entry, dict) or "error" in entry:
            return None
        try:
            deck = _deck(path, None, entry, lambda: self._frameworks_file(key))
        except (Malformed, DrillError, KeyError, TypeError, ValueError, AttributeError):
            return None
        self.used[key] = entry
        self.found[os.fspath(path)] = key
        return deck

    def digest_of(self, path: Path) -> str | None:
        """The digest of the entry the file at ``path`` was found with in this reading."""
        return self.found.get(os.fspath(path))

    def load(self, path: Path, data: bytes | None = None) -> Deck:
        """The deck at ``path`` (as :func:`drill.core.deck.load` reads it):
        from the cache when it holds the file's content, else from the file.
        ``data``: the file's bytes, when the caller read them already."""
        if data is None:
            data = read_limited(path, what="a deck file")
        key = digest(data)
        self.found[os.fspath(path)] = key
        entry = self.entries.get(key)
        if entry is not None:
            try:
                deck = _deck(path, data, entry, lambda: self._frameworks_file(key))
            except DrillError:
                self.used[key] = entry
                raise
            except (Malformed, KeyError, TypeError, ValueError, AttributeError):
                pass  # read the file
            else:
                self.used[key] = entry
                return deck
        try:
            deck = load(path, data)
        except DrillError as exc:
            self.used[key] = {"error": exc.message, "line": exc.line}
            raise
        entry = self.used[key] = _entry(deck)
        text = self.made[key] = _frameworks_text(deck)
        entry["frameworks"] = digest(text.encode("utf-8"))
        return deck

    def save(self) -> None:
        """Keep the entries of the decks loaded (and only those), when they
        are not what the cache holds; a cache that cannot be written is left
        as it is (the decks are read from their files next time)."""
        held = set(self.found.values())  # (a file read again after it changed leaves its old entry)
        self.used = {key: entry for key, entry in self.used.items() if key in held}
        if self.path is None or (self.used == self.entries and self.found == self.files):
            return
        try:
            folder = self.path.parent / FRAMEWORKS_DIR
            folder.mkdir(parents=True, exist_ok=True)
            for key, text in self.made.items():  # each before the entry that names it
                if key in self.used:
                    _write(folder / f"{key}.json", text)
            _write(self.path, json.dumps({"format": FORMAT, "stamp": self.stamp, "decks": self.used,
                                          "files": self.found}, ensure_ascii=False))
            for old in folder.iterdir():
                if old.suffix == ".json" and old.stem not in self.used:
                    old.unlink(missing_ok=True)
        except OSError:
            return
        self.entries, self.files = dict(self.used), dict(self.found)
        self.made = {}


def _write(path: Path, text: str) -> None:
    """Write ``path`` by a rename: a reader finds the old file or the new one.
    No fsync: a cache lost in a power cut is made again."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
