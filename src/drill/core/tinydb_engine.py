"""The TinyDB engine: one trainee's progress in files of their own.

The only module that imports tinydb. It implements the engine interface
(engine.py) on TinyDB's public API: a custom ``Storage`` (TinyDB's own
extension point) and a table class (``TinyDB.table_class``).

Where it lives
--------------
One folder per trainee under ``paths.progress_dir()`` (``$DRILL_HOME/progress``):

    <name>/trainee.json         profile, card states, daily and per-item tallies
    <name>/reviews-YYYY-MM.json the review log, one file per month
    <name>/reviews-YYYY-MM.json.gz  a closed month's log, packed
    <name>/.lock                taken while writing
    <name>/.index               where each card's state is in trainee.json (a cache, below)

A month before the current one takes no more answers: closing the store
packs its log (gzip of the very bytes, about a tenth of the size) and
records the packed file's size beside the month's last answer, so opening
trusts that last answer without unpacking while the file is the one packed.
An answer dated in a packed month (the clock put back) unpacks it first.
Either way the new file is written aside, fsynced and renamed into place
before the old one is removed: killed midway, a store holds one whole copy
of the month or two, and the plain one is read.

The file format
---------------
TinyDB's own JSON storage rewrites the whole file on every insert, which
costs hundreds of milliseconds once a trainee has a year of reviews. Here a
TinyDB file is an append-only log of JSON lines:

    {"drill-store": 2}              the first line
    ["cards", 17, {...}]            table, document id, the document as it now is
    ["cards", 17, null]             …or its removal
    [["cards", 17, {...}], …]       the documents of one change (a batch), on one line

Reading a file replays its lines; recording an answer appends one line per
document changed and fsyncs, so when a transaction that logged an
answer ends, the answer is on disk, and costs the same at 100 reviews or 100,000. A process
killed mid-write leaves at most an unfinished last line: it was never
acknowledged, and it is ignored (and cut off before the next write). When a
file holds more than twice as many lines as live documents it is compacted:
written in full to a temporary file, fsynced, and renamed over the old one,
so there is never a half-written file.

A damaged file (a bad line that is not the unfinished last one, a record of
the wrong shape (records.py), or not a store at all) is reported with its
path and line and left exactly as it is. Checking every record's shape is
most of what opening a large store costs, so closing a store records, in
``.checked``, each file's bytes and CRC-32 as this drill read (checking
every record) or wrote it; the next open checks again only what follows
those bytes, and the whole file when they differ in any way (a file
changed, cut, replaced or restored outside drill).

Opening a store reads no card state. trainee.json's large tables (cards,
item and confusion tallies: LAZY_TABLES) are read lazily: each document is
parsed from its line when it is asked for. Where each one's latest line is
(its offset and length, and its place in the line when the line is a
batch), the fields that name it, each card's due date, and the small tables
(the profile, the days, the months, the stages) whole, are kept in
``.index``, written aside and renamed into place when the store closes, and
after a compaction. Opening takes them from there while the index is of
trainee.json as it is: its inode, size, modification and change times and
the CRC-32 of its last INDEX_TAIL_BYTES are those the index recorded, and
``.checked`` records the file's bytes and CRC-32 the index gives. Only the
index's first lines (its record of the file, the small tables) are read on
opening; each lazy table's line is read when the table is first used, and
every line's CRC-32 is checked as it is read (a damaged one is an error
naming the index, which is removed: the next open reads the file whole).
Otherwise (an older drill's store, which has no
index; a file changed, replaced or restored outside drill; a drill killed
before it closed; a damaged index) trainee.json is read whole as ever, and
the index is written again when the store closes. The index is a cache,
never the truth: never in a backup, lost or stale it costs one slower open;
it is fsynced before its rename (one fsync at close), so a crash never
leaves an index whose record of the file holds but whose lines are not on
disk. The queue needs only the due dates, so it parses no card
document; an answer parses its card's and its items' lines; the stats read
every card, one pass over their lines.

Answers are numbered (``seq``). The review goes to the month's log first,
then the card's state and the tallies go to trainee.json in one line that
records the number, with the number of each month's last answer (the
``months`` table). Opening a store checks the end of each month's log
against it: a log that ends before it was cut short (an error); a log
ahead of it holds answers a killed writer never applied, and they are
replayed into the state (in memory only for a reader).

Two processes: every write takes an exclusive lock on ``.lock``, first
replays what another process appended, then appends. A second drill waits
its turn (up to ``BUSY_WAIT_S``) and then says the store is busy; no write
is lost.

Reading fast: the queue and the stats never read the review log. Recording
an answer also updates, in ``trainee.json``, the card's state and tallies
(reviews, lapses), the day's tallies (reviews, passes, mature reviews,
seconds) and each item's (seen, missed), so opening a store with 5,000 cards
and 100,000 reviews reads only the small file. :meth:`TinyEngine.reviews`
reads the log for whoever wants every answer. An override is one more
review appended to the log (records.Review), never a change to a logged one.
Appending needs only the end of the month's log (its last id and answer
number), so the first answer of a session reads the log's last lines, not
the month of answers before them: it costs what any other answer costs.
"""

from __future__ import annotations

import array
import base64
import bisect
import contextlib
import datetime as dt
import errno
import gzip
import json
import os
import re
import time
import zlib
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from drill.core import records
from drill.core.errors import StoreError
from drill.core.files import fsync_dir
from drill.core.records import CardState, ConfusionTally, DayTally, FrameworkStage, ItemTally, Review

# Format 2 writes the documents one change makes as one line (a batch);
# format 1 files are read as they are and rewritten as format 2 on the
# first batch written to them.
FORMAT = 2
READABLE_FORMATS = (1, 2)
HEADER = json.dumps({"drill-store": FORMAT})
TRAINEE_FILE = "trainee.json"
LOCK_FILE = ".lock"
# Per file of the store, the bytes and CRC-32 drill last read (checking every record) or
# wrote: a cache, never the truth (written without an fsync; lost or stale, the next
# open checks the records again).
CHECKED_FILE = ".checked"
# A second process waits this long for the lock before saying the store is busy.
BUSY_WAIT_S = 10.0
# Compact a file when it holds more than this many times as many lines as live documents.
COMPACT_RATIO = 2
COMPACT_MIN_LINES = 2000
# Where each document of trainee.json's large tables is in it, and the small tables whole:
# a cache of the file as drill last wrote or read it, never the truth (see LogStorage).
INDEX_FILE = ".index"
INDEX_FORMAT = 1
# The end of trainee.json whose CRC-32 the index keeps, checked on opening with the file's stat.
INDEX_TAIL_BYTES = 256 * 1024
# trainee.json's tables read lazily, each with the fields its index keeps of a document:
# those that name it, then any other (a card's due date, for the queue).
LAZY_TABLES: dict[str, tuple[str, ...]] = {"cards": ("card", "due"), "items": ("fw", "item"),
                                           "confusions": ("fw", "other")}
KEY_FIELDS = {"cards": 1, "items": 2, "confusions": 2}
_NUMERIC_FIELDS = frozenset({"due"})  # kept as an array of floats
# The fields many documents of a table share a value of (a deck, a framework, a kind of card).
_SHARED_FIELDS = {"cards": ("deck", "fw", "kind"), "items": ("fw", "deck"), "confusions": ("fw", "deck")}


# Files in a store are opened without following a symbolic link: a link
# planted in a store folder never makes drill write outside DRILL_HOME.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _no_links(folder: Path) -> None:
    """Refuse a store folder that is, or holds, a symbolic link."""
    if folder.is_symlink():
        raise StoreError("is a symbolic link; drill follows no links to a store", folder)
    with contextlib.suppress(OSError):
        for child in folder.iterdir():
            if child.is_symlink():
                raise StoreError("is a symbolic link; drill follows no links inside a store", child)


# --------------------------------------------------------------------------
# the storage


class _Lock:
    """An exclusive flock on the store's lock file, re-entrant within a process."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly  # a store opened read-only takes no lock and makes no lock file
        self.fd: int | None = None
        self.depth = 0

    def __enter__(self):
        if self.depth == 0 and not self.readonly:
            import fcntl

            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise StoreError("is a symbolic link; drill follows no links inside a store",
                                     self.path) from None
                raise StoreError(f"cannot write to the progress store: {exc.strerror or exc}",
                                 self.path.parent) from None
            deadline = time.monotonic() + BUSY_WAIT_S
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        os.close(fd)
                        raise
                    if time.monotonic() > deadline:
                        os.close(fd)
                        raise StoreError("the progress store is busy: another drill is writing to it; "
                                         "try again when it has finished", self.path.parent) from None
                    time.sleep(0.01)
            self.fd = fd
        self.depth += 1
        return self

    def attempt(self) -> bool:
        """Take the lock if no one holds it (another process, or a thread of
        this one writing), without waiting; whether it was taken (then release
        it with ``__exit__``)."""
        if self.depth:
            return False
        if not self.readonly:
            import fcntl

            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
            except OSError:
                return False
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
            self.fd = fd
        self.depth += 1
        return True

    def __exit__(self, *exc) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


class LazyRows(MutableMapping):
    """The documents of one of trainee.json's large tables (LAZY_TABLES), by
    document id, each parsed from the file when it is asked for.

    For each live document it keeps where its latest line is in the file
    (the line's offset and length, and its place in the line when the line
    is a batch; offset -1 while it is not written yet) and the fields that
    name it (with a card's due date), by columns: a list of ids, arrays of
    numbers, a list per field; so the queue and the lookups by name never
    parse a document, and 50,000 cards take a few megabytes. A document
    asked for by id is parsed from its line and kept; one written is kept
    as written. Iterating over every document parses each and keeps none
    (the stats read every card once).
    """

    def __init__(self, storage: LogStorage, table: str, pending: bytes | tuple | None = None, count: int = 0,
                 top: int = 0) -> None:
        self._storage = storage
        self._table = table
        self._fields = LAZY_TABLES[table]
        # the index's line of this table (or where it is in the index), read and parsed when
        # the table is first used
        self._pending = pending
        self._count = count  # how many documents that line holds
        self._ids: list[str | None] = []  # each row's document id (None: removed)
        self._off = array.array("q")  # where each row's line starts (-1: not written yet)
        self._len = array.array("q")  # the line's length
        self._part = array.array("q")  # the document's place in the line, a batch (-1: the line is it)
        self._cols: list = [array.array("d") if f in _NUMERIC_FIELDS else [] for f in self._fields]
        # each document's row, by id (of a table taken from the index: made when first needed)
        self._row: dict[str, int] | None = None if pending is not None else {}
        self._dead = 0  # rows removed
        self._doc: dict[str, dict] = {}  # documents parsed or written
        # Taken from the index, the rows of a table named by two fields come sorted by them:
        # a document is found by its name with a bisection, with no map of every name made.
        self._sorted = 0  # how many rows from the first are sorted by name
        self._later: dict[tuple, int] = {}  # rows added after those, by name (a table named by two fields)
        self._some: dict[str, int] = {}  # the rows found by name or added, by id, while _row is not made
        self._top = top  # no row from the index has a higher id
        self._two = KEY_FIELDS[table] == 2  # named by two fields

    def _ready(self) -> None:
        if self._pending is None:
            return
        pending, self._pending = self._pending, None
        if isinstance(pending, tuple):
            pending = self._storage.index_part(pending)
        try:
            found = json.loads(pending)
            ids, cols, nums = found["ids"], found["cols"], base64.b64decode(found["nums"], validate=True)
            n = len(ids)
            numeric = [f for f in self._fields if f in _NUMERIC_FIELDS]
            if not (isinstance(ids, list) and isinstance(cols, list)
                    and len(cols) == len(self._fields) - len(numeric)
                    and all(isinstance(c, list) and len(c) == n for c in cols)
                    and len(nums) == 8 * n * (3 + len(numeric))):
                raise ValueError
            columns = []
            for start in range(3 + len(numeric)):
                column = array.array("d" if start >= 3 else "q")
                column.frombytes(nums[8 * n * start:8 * n * (start + 1)])
                columns.append(column)
        except (ValueError, KeyError, TypeError, RecursionError):
            raise self._storage.changed_outside() from None
        self._ids = ids
        self._sorted = n if found.get("sorted") is True and KEY_FIELDS[self._table] == 2 else 0
        self._off, self._len, self._part = columns[:3]
        rest, strings = iter(columns[3:]), iter(cols)
        self._cols = [next(rest) if f in _NUMERIC_FIELDS else next(strings) for f in self._fields]
        self._row, self._dead = None, 0

    def _rows(self) -> dict[str, int]:
        self._ready()
        if self._row is None:
            ids = self._ids
            self._row = {k: r for r, k in enumerate(ids) if k is not None} if self._dead else \
                dict(zip(cast("list[str]", ids), range(len(ids))))
        return self._row

    def _find(self, doc_id: str) -> int | None:
        """The row of ``doc_id`` (None: no such document)."""
        self._ready()
        if self._row is not None:
            return self._row.get(doc_id)
        r = self._some.get(doc_id)
        if r is not None:
            return r
        if doc_id.isdigit() and int(doc_id) > self._top:
            return None  # newer than any the index holds: added in _some when it was
        return self._rows().get(doc_id)

    def id_of(self, key: tuple) -> int | None:
        """The id of the document named ``key`` (a table named by two fields)."""
        self._ready()
        r = self._later.get(key)
        if r is None:
            first, second = self._cols[0], self._cols[1]
            end = self._sorted
            at = bisect.bisect_left(first, key[0], 0, end)
            while at < end and first[at] == key[0]:
                if second[at] == key[1] and self._ids[at] is not None:
                    r = at
                    break
                at += 1
        doc_id = self._ids[r] if r is not None else None
        if doc_id is None:
            return None
        if self._row is None:
            self._some[doc_id] = r  # type: ignore[assignment]
        return int(doc_id)

    def find_ready(self) -> None:
        """Make the map of every document's row (so the next lookups by id are at once)."""
        self._rows()

    def sorted_by_name(self) -> bool:
        self._ready()
        return self._sorted > 0 and self._row is None

    def _live(self):
        """(row, id) of each live row."""
        self._ready()
        return ((r, k) for r, k in enumerate(self._ids) if k is not None)

    # the mapping -----------------------------------------------------------

    def __getitem__(self, doc_id: str) -> dict:
        doc = self._doc.get(doc_id)
        if doc is not None:
            return doc
        r = self._find(doc_id)
        if r is None:
            raise KeyError(doc_id)
        doc = self._storage.read_doc(self._table, doc_id, (self._off[r], self._len[r], self._part[r]))
        self._doc[doc_id] = doc
        return doc

    def get(self, doc_id, default=None):
        try:
            return self[doc_id]
        except KeyError:
            return default

    def __setitem__(self, doc_id: str, doc: dict) -> None:
        self._put(doc_id, -1, 0, 0, doc)
        self._doc[doc_id] = doc

    def _put(self, doc_id: str, offset: int, length: int, part: int, doc: dict) -> None:
        row = self._row
        r = row.get(doc_id) if row is not None and self._pending is None else self._find(doc_id)
        first, second = self._fields  # (every lazy table keeps two fields)
        if r is None:
            r = len(self._ids)
            if self._row is not None:
                self._row[doc_id] = r
            else:
                self._some[doc_id] = r
                if doc_id.isdigit():
                    self._top = max(self._top, int(doc_id))
            a, b = doc[first], doc[second]
            if self._two:
                self._later[(a, b)] = r
            self._ids.append(doc_id)
            self._off.append(offset)
            self._len.append(length)
            self._part.append(part)
            self._cols[0].append(a)
            self._cols[1].append(b)
        else:
            self._off[r], self._len[r], self._part[r] = offset, length, part
            self._cols[0][r], self._cols[1][r] = doc[first], doc[second]

    def __delitem__(self, doc_id: str) -> None:
        if self._find(doc_id) is None:
            raise KeyError(doc_id)
        self.discard(doc_id)

    def discard(self, doc_id: str) -> None:
        r = self._find(doc_id)
        if self._row is not None:
            self._row.pop(doc_id, None)
        self._some.pop(doc_id, None)
        if r is not None:
            self._ids[r] = None
            self._off[r] = 0
            self._dead += 1
        self._doc.pop(doc_id, None)

    def pop(self, doc_id, *default):
        if doc_id not in self:
            if default:
                return default[0]
            raise KeyError(doc_id)
        doc = self[doc_id]
        self.discard(doc_id)
        return doc

    def __iter__(self):
        return iter([k for _, k in self._live()])

    def __len__(self) -> int:
        return self.count()

    def count(self) -> int:
        """How many documents the table holds, parsing nothing."""
        if self._pending is not None:
            return self._count
        return len(self._ids) - self._dead

    def __bool__(self) -> bool:
        return self.count() > 0

    def __contains__(self, doc_id) -> bool:
        return isinstance(doc_id, str) and self._find(doc_id) is not None

    def values(self):
        return [doc for _, doc in self.items()]

    def items(self):
        """Every (id, document), parsed from the file, none kept."""
        kept = self._doc
        live = list(self._live())
        read = dict(self._storage.read_docs(self._table, [(k, (self._off[r], self._len[r], self._part[r]))
                                                          for r, k in live if k not in kept]))
        return [(k, kept.get(k) or read[k]) for _, k in live]

    def stream(self) -> Iterator[dict]:
        """Every document, parsed from the file a few megabytes at a time, none kept
        (those parsed or written before first, then the others in the file's order)."""
        kept = self._doc
        live = list(self._live())
        yield from (kept[k] for _, k in live if k in kept)
        wanted = [(k, (self._off[r], self._len[r], self._part[r])) for r, k in live if k not in kept]
        del live
        for _, doc in self._storage.read_docs(self._table, wanted):
            yield doc

    # what the index keeps --------------------------------------------------

    def place(self, doc_id: str, offset: int, length: int, part: int, doc: dict | None = None) -> None:
        """The document ``doc_id`` is now at this line of the file (``doc``: as it reads there)."""
        if doc is None:
            r = self._find(doc_id)
            if r is not None:
                self._off[r], self._len[r], self._part[r] = offset, length, part
            return
        self._put(doc_id, offset, length, part, doc)
        self._doc.pop(doc_id, None)

    def located(self):
        """(id, offset, length, place) of each live document."""
        off, length, part = self._off, self._len, self._part
        return ((k, off[r], length[r], part[r]) for r, k in self._live())

    def cached(self, doc_id: str) -> dict | None:
        return self._doc.get(doc_id)

    def forget_docs(self) -> None:
        """Keep no parsed document (each is read from its line again when asked for)."""
        if self.all_written():
            self._doc.clear()

    def all_written(self) -> bool:
        if self._pending is not None:
            return True  # as the index gave it
        return min(self._off, default=0) >= 0

    def line_for_index(self) -> bytes:
        """This table's line of the index: as the index gave it while nothing
        changed, else made from the columns."""
        if self._pending is not None:
            pending = self._pending
            return self._storage.index_part(pending) if isinstance(pending, tuple) else pending
        live = [r for r, _ in self._live()] if self._dead else None
        if KEY_FIELDS[self._table] == 2:  # sorted by name, for id_of
            first, second = self._cols[0], self._cols[1]
            live = sorted(live if live is not None else range(len(self._ids)), key=lambda r: (first[r], second[r]))

        def pick(col):
            return col if live is None else [col[r] for r in live]

        numbers = [self._off, self._len, self._part] + [c for f, c in zip(self._fields, self._cols)
                                                        if f in _NUMERIC_FIELDS]
        nums = b"".join((c if live is None else array.array(c.typecode, pick(c))).tobytes() for c in numbers)
        out = {"ids": pick(self._ids), "cols": [pick(c) for f, c in zip(self._fields, self._cols)
                                                if f not in _NUMERIC_FIELDS],
               "nums": base64.b64encode(nums).decode("ascii"), "sorted": KEY_FIELDS[self._table] == 2}
        return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def keyed(self) -> dict[tuple, int]:
        """Each document's id by the fields that name it."""
        self._ready()
        n = KEY_FIELDS[self._table]
        keys = zip(*self._cols[:n])
        if not self._dead:
            return dict(zip(keys, map(int, self._ids)))  # type: ignore[arg-type]
        return {key: int(k) for key, k in zip(keys, self._ids) if k is not None}

    def due(self) -> dict[str, float]:
        """For cards: when each is due, by card id."""
        self._ready()
        cards, due = self._cols[0], self._cols[1]
        if not self._dead:
            return dict(zip(cards, due))
        return {c: d for c, d, k in zip(cards, due, self._ids) if k is not None}


class _Named(dict):
    """The ids of a lazy table's documents by the fields that name them, each
    found in the table's sorted rows when first asked for (see LazyRows.id_of)."""

    def __init__(self, rows: LazyRows) -> None:
        super().__init__()
        self._rows = rows

    def __missing__(self, key):
        doc_id = self._rows.id_of(key)
        if doc_id is None:
            raise KeyError(key)
        self[key] = doc_id
        return doc_id

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def pop(self, key, *default):
        self.get(key)
        return super().pop(key, *default)


class LogStorage(Storage):
    """A TinyDB storage that appends one JSON line per changed document."""

    def __init__(self, path: str | Path, lock: _Lock | None = None, readonly: bool = False,
                 tables: dict | None = None, partial: bool = False, checked: dict | None = None) -> None:
        self.path = Path(path)
        # (bytes, CRC-32) of this file as drill last knew it whole and sound (TinyEngine's
        # CHECKED_FILE): while the file starts with exactly those bytes, their records are
        # not checked again on reading; what follows them is
        self.checked = (checked or {}).get(self.path.name)
        self.crc: int | None = None  # CRC-32 of the file's first ``size`` bytes, when known
        # Read from its tail only (a review log opened to append an answer): the
        # documents of its last lines, its last id and answer number, its size.
        # The whole file is read when its documents are first asked for (read());
        # a file not read whole is never rewritten or compacted.
        self.complete = not partial
        # a packed file (a closed month's log, gzipped) is read whole and never written
        self.packed = self.path.name.endswith(PACKED)
        if self.packed:
            self.complete = True
        self.lock = lock or _Lock(self.path.with_name(LOCK_FILE), readonly)
        self.readonly = readonly
        # the tables this file may hold and the shape of their documents (records.py)
        self.tables = tables if tables is not None else _tables_for(self.path)
        # trainee.json's large tables are LazyRows: each document parsed from the file when
        # asked for, found by where the index (INDEX_FILE) or the reading of the file put it
        self.lazy = self.path.name == TRAINEE_FILE
        self._fd: int | None = None  # trainee.json, open for reading its documents where they are
        self._ifd: int | None = None  # the index it was read from, for its lazy tables' lines
        self.data: dict[str, Any] = {}  # table -> its documents by id (a dict, or LazyRows)
        self.lines = 0  # documents written in the file, for deciding when to compact
        self.format = FORMAT
        self.size = 0  # bytes of the file read and trusted
        self.inode: int | None = None
        self.max_seq = 0  # the highest answer number ("seq") of any document read or written
        # while detached, changes stay in memory: a store opened read-only
        # brings a lagging state up to date for its reader without writing
        self.detached = False
        self._batch: list[str] | None = None  # lines waiting for the end of a batch
        self._batch_sync = True  # whether the batch's write is fsynced (see skip_sync)
        self._sync = True  # whether the write under way is fsynced
        self.unsynced = False  # written without an fsync since the last one (fsynced on close)
        self._last_ids: dict[str, int] = {}  # per table, the highest document id (see last_id)
        self._out_keys: list[tuple[str, str]] = []  # (table, id) of each line being written
        self._batch_keys: list[tuple[str, str]] = []  # (table, id) of each document of the batch
        if not self.path.exists():
            if readonly or self.packed:
                return
            with self.lock:
                if not self.path.exists():
                    self.complete = True  # a new file: nothing more to read
                    self.rewrite()
        self._load()

    # TinyDB's interface ----------------------------------------------------

    def read(self) -> dict[str, dict[str, dict]]:
        self.ensure_complete()
        return self.data

    def ensure_complete(self) -> None:
        """Read the whole file, if only its tail was read."""
        if not self.complete:
            self.complete = True
            self._load()

    def rows(self, table: str) -> dict[str, dict]:
        """The documents of ``table`` read so far (all of them once the file was read whole)."""
        found = self.data.get(table)
        if found is None:
            found = self.data[table] = self._new_rows(table)
        return found

    def _new_rows(self, table: str, pending: bytes | None = None):
        return LazyRows(self, table, pending) if self.lazy and table in LAZY_TABLES else {}

    def write(self, data: dict[str, dict[str, dict]]) -> None:
        """TinyDB's whole-database write (drop_tables and the like): compact."""
        if self.readonly:
            raise StoreError("the progress store was opened read-only", self.path)
        with self.lock:
            self.data = data
            self._last_ids = {}
            self.rewrite()

    def close(self) -> None:
        """Make what was written without an fsync durable (see skip_sync)."""
        self._close_fd()
        if not self.unsynced or self.readonly:
            return
        with contextlib.suppress(OSError):
            fd = os.open(self.path, os.O_WRONLY | _NOFOLLOW)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        self.unsynced = False

    def cut_back(self, size: int, inode: int | None) -> None:
        """Take off what this process appended after ``size`` bytes (called
        with the lock held, when the change it belonged to failed); the file
        is then read again."""
        try:
            st = self.path.stat()
            if st.st_ino == inode and st.st_size > size:
                fd = os.open(self.path, os.O_WRONLY | _NOFOLLOW)
                try:
                    os.ftruncate(fd, size)
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError:
            pass  # left in the log: the next write replays it into the state
        self._load()

    # document ids ----------------------------------------------------------

    def last_id(self, table: str) -> int:
        """The highest document id ``table`` holds (found once, then kept up to date)."""
        last = self._last_ids.get(table)
        if last is None:
            last = self._last_ids[table] = max((int(k) for k in self.data.get(table, {})), default=0)
        return last

    def forget_ids(self) -> None:
        """The documents were replaced: find the ids again when next asked."""
        self._last_ids = {}

    def took_id(self, table: str, doc_id: int) -> None:
        if doc_id > self._last_ids.get(table, 0):
            self._last_ids[table] = doc_id

    # appending -------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self):
        """Every change made inside is written, and fsynced, once at the end."""
        if self._batch is not None:
            yield
            return
        self._batch = []
        self._batch_keys = []
        self._batch_sync = True
        try:
            yield
        except BaseException:
            # nothing of a change that failed is written; memory goes back to the file
            self._batch = None
            self._batch_keys = []
            self._load()
            raise
        lines, self._batch = self._batch, None
        self._out_keys, self._batch_keys = self._batch_keys, []
        self._sync = self._batch_sync
        try:
            if len(lines) > 1:  # one line, so a kill or a cut never leaves half of a change
                self._write_lines(["[" + ",".join(lines) + "]"], rows=len(lines))
            else:
                self._write_lines(lines)
        except BaseException:
            self._load()  # not written (a full disk): memory goes back to the file
            raise
        finally:
            self._sync = True
            self._out_keys = []

    def skip_sync(self) -> None:
        """The batch being made is one the review log can make again (an
        answer, already fsynced to the log, and the state it moves): it is
        written without an fsync. Lost to a power cut, it is replayed from
        the log on the next open, as after a writer killed between the two
        files. Outside a batch, nothing changes."""
        if self._batch is not None:
            self._batch_sync = False

    def append(self, table: str, doc_ids: list[str]) -> None:
        """Append the current state of ``doc_ids`` in ``table``, durably."""
        rows = self.data.get(table, {})
        for doc_id in doc_ids:
            doc = rows.get(doc_id)
            if doc is not None and isinstance(doc.get("seq"), int):
                self.max_seq = max(self.max_seq, doc["seq"])
        if self.detached:
            return
        if self.readonly:
            raise StoreError("the progress store was opened read-only", self.path)
        out = []
        for doc_id in doc_ids:
            doc = rows.get(doc_id)
            out.append(json.dumps([table, int(doc_id), doc], ensure_ascii=False, separators=(",", ":")))
        if self._batch is not None:
            self._batch.extend(out)
            self._batch_keys.extend((table, doc_id) for doc_id in doc_ids)
        else:
            self._out_keys = [(table, doc_id) for doc_id in doc_ids]
            try:
                self._write_lines(out)
            finally:
                self._out_keys = []

    def _write_lines(self, out: list[str], rows: int | None = None) -> None:
        if not out:
            return
        if self.packed:
            raise RuntimeError(f"{self.path} is packed and never written")
        encoded = [line.encode("utf-8") for line in out]
        payload = b"\n".join(encoded) + b"\n"
        keys = self._out_keys
        with self.lock:
            # Whatever another process finished writing is kept: only an
            # unfinished last line (a writer killed mid-line) is cut off below.
            self._take_in_tail()
            if rows is not None and self.format != FORMAT:
                self.rewrite()  # an older drill's file: rewritten whole, with the change
                return
            start = self.size
            fd = os.open(self.path, os.O_WRONLY | _NOFOLLOW)
            try:
                os.ftruncate(fd, self.size)  # an unfinished line left by a killed process goes
                os.lseek(fd, self.size, os.SEEK_SET)
                written = 0
                while written < len(payload):
                    written += os.write(fd, payload[written:])
                if self._sync:
                    os.fsync(fd)  # and with it whatever was written before without one
                    self.unsynced = False
                else:
                    self.unsynced = True
            finally:
                os.close(fd)
            self.size += len(payload)
            if self.crc is not None:
                self.crc = zlib.crc32(payload, self.crc)
            if self.lazy and keys:
                self._placed(keys, start, encoded, batch=rows is not None)
            self.lines += len(out) if rows is None else rows
            live = sum(rows.count() if isinstance(rows, LazyRows) else len(rows) for rows in self.data.values())
            if self.complete and self.lines > COMPACT_MIN_LINES and self.lines > COMPACT_RATIO * live:
                self.rewrite()

    def _placed(self, keys: list[tuple[str, str]], start: int, lines: list[bytes], batch: bool) -> None:
        """The documents ``keys`` were written as ``lines`` from ``start``: one batch line
        holding them all, or one line each."""
        if batch:
            spots = [(start, len(lines[0]), part) for part in range(len(keys))]
        else:
            spots, at = [], start
            for line in lines:
                spots.append((at, len(line), -1))
                at += len(line) + 1
        for (table, doc_id), (offset, length, part) in zip(keys, spots):
            rows = self.data.get(table)
            if isinstance(rows, LazyRows):
                rows.place(doc_id, offset, length, part)

    def _take_in_tail(self) -> None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return
        if st.st_ino == self.inode and st.st_size > self.size:
            with open(self.path, "rb") as fh:
                fh.seek(self.size)
                self._apply(fh.read(), first_line=None)

    def refresh(self) -> bool:
        """Take in what another process wrote since this one last read; say if there was any."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return False
        if st.st_ino != self.inode or st.st_size < self.size:
            self._load()  # compacted or replaced: read it all again
            return True
        if st.st_size > self.size:
            before = self.size
            with open(self.path, "rb") as fh:
                fh.seek(self.size)
                tail = fh.read()
            self._apply(tail, first_line=None)
            return self.size != before
        return False

    # reading ---------------------------------------------------------------

    def _load(self) -> None:
        if not self.complete:
            self._load_tail()
            return
        if self.lazy:
            self._load_lazy()
            return
        try:
            raw = self.path.read_bytes()
            self.inode = self.path.stat().st_ino
        except FileNotFoundError:
            self._forget()
            return
        except OSError as exc:
            raise StoreError(f"cannot read the progress store: {exc.strerror}", self.path) from None
        self._read_whole(raw)

    def _load_lazy(self) -> None:
        """Read trainee.json: from its index when the index is of the file as it is
        (no document parsed), or else whole (and the index made again)."""
        self._close_fd()
        try:
            fd = os.open(self.path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            self._forget()
            return
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise StoreError("is a symbolic link; drill follows no links inside a store", self.path) from None
            raise StoreError(f"cannot read the progress store: {exc.strerror}", self.path) from None
        try:
            st = os.fstat(fd)
            raw = None if self._load_index(fd, st) else _read_all(fd, st.st_size)
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"cannot read the progress store: {exc.strerror}", self.path) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        if raw is None:
            return
        self.inode = st.st_ino
        self._read_whole(raw)

    def _read_whole(self, raw: bytes) -> None:
        trusted = 0  # the bytes known sound (see checked)
        if self.checked and _crc_of(raw, self.checked[0]) == self.checked[1]:
            trusted = self.checked[0]
        on_disk = raw
        if self.packed:
            raw = _unpacked(raw, self.path)
            trusted = len(raw) if trusted == len(on_disk) else 0
        head, sep, _ = raw.partition(b"\n")
        try:
            header = json.loads(head.decode("utf-8")) if sep else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            header = None
        self._check_header(header)
        self.data, self.lines, self.max_seq = {}, 0, 0
        self._last_ids = {}
        self.size = len(head) + 1
        self.crc = None
        if trusted > self.size:
            self._apply(raw[self.size:trusted], first_line=2, trusted=True)
            self._apply(raw[self.size:], first_line=None)
        else:
            self._apply(raw[self.size:], first_line=2)
        if self.packed:
            self.crc = zlib.crc32(on_disk)
        else:
            self.crc = zlib.crc32(raw) if self.size == len(raw) else zlib.crc32(raw[:self.size])

    def identity(self) -> tuple[int, int] | None:
        """(bytes, CRC-32) of the file as read and written by this drill: every record
        in them checked, or written by it; None when not known (read from its tail)."""
        if not self.complete or self.crc is None:
            return None
        if self.packed:
            try:
                return (self.path.stat().st_size, self.crc)
            except OSError:
                return None
        return (self.size, self.crc)

    def _forget(self) -> None:
        """The file is not there: nothing read."""
        self.data, self.size, self.lines = {}, 0, 0
        self._last_ids = {}

    def _check_header(self, header) -> None:
        if not isinstance(header, dict) or header.get("drill-store") not in READABLE_FORMATS:
            raise StoreError("not a drill progress store (of a format this drill reads), or damaged "
                             "at its first line; it was left as it is", self.path, 1)
        self.format = header["drill-store"]

    def _load_tail(self) -> None:
        """Read the header and the last whole lines (at least one, if there is any)."""
        try:
            fd = os.open(self.path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            self._forget()
            return
        except OSError as exc:
            raise StoreError(f"cannot read the progress store: {exc.strerror}", self.path) from None
        try:
            st = os.fstat(fd)
            head, sep, _ = os.pread(fd, 256, 0).partition(b"\n")
            try:
                header = json.loads(head.decode("utf-8")) if sep else None
            except (UnicodeDecodeError, json.JSONDecodeError):
                header = None
            self._check_header(header)
            start, chunk = _read_tail(fd, st.st_size, len(head) + 1)
        finally:
            os.close(fd)
        self.inode = st.st_ino
        self.data, self.lines, self.max_seq = {}, 0, 0
        self._last_ids = {}
        self.size = start
        self.crc = None  # not known: the file was not read from its start
        self._apply(chunk, first_line=None)

    def _apply(self, chunk: bytes, first_line: int | None, trusted: bool = False) -> None:
        """Replay ``chunk`` (bytes after ``self.size``); stop before an unfinished last line.
        ``trusted``: bytes drill checked or wrote before (see checked), not checked again.
        A few megabytes of whole lines at a time, so reading a large file never holds
        its text and its parsed lines at once beside the documents."""
        end = chunk.rfind(b"\n") + 1
        start = lines = 0
        while start < end:
            stop = end
            if end - start > APPLY_BYTES:
                stop = chunk.rfind(b"\n", start, start + APPLY_BYTES) + 1 or chunk.find(b"\n", start) + 1
            piece = chunk[start:stop]
            self._apply_lines(piece, None if first_line is None else first_line + lines, trusted,
                              unfinished=stop == end and end < len(chunk))
            if first_line is not None and stop < end:
                lines += piece.count(b"\n")
            start = stop

    def _apply_lines(self, complete: bytes, first_line: int | None, trusted: bool, unfinished: bool) -> None:
        """Replay ``complete``, whole lines (see _apply)."""
        try:
            text: str | None = complete.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            text = None
        parsed = rows = None
        if text is not None:
            try:
                parsed = json.loads("[" + text.rstrip("\n").replace("\n", ",") + "]")
            except (ValueError, RecursionError):
                parsed = None
        if parsed is not None and self.lazy and len(parsed) != complete.count(b"\n"):
            parsed = None  # a line that is not one value: found below
        if parsed is not None:
            rows = _flat(parsed)
        tables = self.tables
        if rows is None or (not trusted and any(records.problem(tables, r) for r in rows)):
            parsed = self._lines_one_by_one(complete, first_line, unfinished=unfinished)
            rows = _flat(parsed)
        if self.lazy:
            self._apply_located(cast(list, parsed), complete)
        else:
            max_seq = self.max_seq
            last_ids = self._last_ids
            for table, doc_id, doc in rows:
                if table in last_ids and doc_id > last_ids[table]:
                    last_ids[table] = doc_id
                docs = self.data.setdefault(table, {})
                if doc is None:
                    docs.pop(str(doc_id), None)
                else:
                    docs[str(doc_id)] = doc
                    seq = doc.get("seq")
                    if seq is not None and seq > max_seq:
                        max_seq = seq
            self.max_seq = max_seq
        self.lines += len(rows)
        self.size += len(complete)
        if self.crc is not None:
            self.crc = zlib.crc32(complete, self.crc)

    def _apply_located(self, parsed: list, complete: bytes) -> None:
        """Replay the lines ``parsed`` of ``complete`` (which starts at ``self.size``),
        putting each document of a lazy table where its line is, unparsed."""
        offset = self.size
        max_seq = self.max_seq
        last_ids = self._last_ids
        data = self.data
        for line, raw in zip(parsed, complete.split(b"\n")):
            length = len(raw)
            batch = type(line) is list and bool(line) and type(line[0]) is list
            for part, (table, doc_id, doc) in enumerate(line if batch else (line,)):
                if table in last_ids and doc_id > last_ids[table]:
                    last_ids[table] = doc_id
                docs = data.get(table)
                if docs is None:
                    docs = data[table] = self._new_rows(table)
                key = str(doc_id)
                if doc is None:
                    if isinstance(docs, LazyRows):
                        docs.discard(key)
                    else:
                        docs.pop(key, None)
                    continue
                if isinstance(docs, LazyRows):
                    docs.place(key, offset, length, part if batch else -1, doc)
                else:
                    docs[key] = doc
                seq = doc.get("seq")
                if seq is not None and seq > max_seq:
                    max_seq = seq
            offset += length + 1
        self.max_seq = max_seq

    def _lines_one_by_one(self, complete: bytes, first_line: int | None, unfinished: bool) -> list:
        """Each line of ``complete`` parsed and checked, one at a time: the first bad
        one is an error naming its line."""
        parsed = []
        lines = complete.split(b"\n")[:-1]
        for n, line in enumerate(lines):
            try:
                value = json.loads(line.decode("utf-8"))
                found = _flat([value])
                wrong = next((w for w in (records.problem(self.tables, r) for r in found) if w), None)
            except (UnicodeDecodeError, ValueError, RecursionError):
                wrong = "not JSON"
            if wrong:
                if first_line is not None:  # the file read from its start
                    where = first_line + n
                else:  # a line another process appended: count the lines before it
                    where = self._count_lines_before(self.size) + n + 1
                raise StoreError(f"the progress store is damaged here ({wrong}); it was left as it is "
                                 "(restore it from a backup, or move it away to start afresh)",
                                 self.path, where)
            parsed.append(value)
        return parsed

    def _count_lines_before(self, offset: int) -> int:
        with open(self.path, "rb") as fh:
            return fh.read(offset).count(b"\n")

    # writing the whole file ------------------------------------------------

    def rewrite(self) -> None:
        """Write every live document to a new file and rename it over the old one."""
        if not self.complete or self.packed:
            raise RuntimeError(f"{self.path} was read from its tail only, or is packed: it is never rewritten")
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        lines = [HEADER.encode("utf-8")]
        placed: list[tuple[str, str, dict | None]] = []  # (table, id, document) of each line after the header
        old: bytes | None = None  # the file as it is, for its documents' lines copied as they are
        for table, docs in self.data.items():
            if isinstance(docs, LazyRows):
                for doc_id, offset, length, part in list(docs.located()):
                    line = None
                    if docs.cached(doc_id) is None and offset >= 0 and part < 0 and self._fd is not None:
                        if old is None:
                            old = _read_all(self._fd, self.size)
                        line = old[offset:offset + length]
                        if not line.startswith(f'["{table}",{doc_id},'.encode()):
                            line = None  # not as drill writes it: written again
                    if line is None:
                        doc = docs[doc_id]
                        line = json.dumps([table, int(doc_id), doc], ensure_ascii=False,
                                          separators=(",", ":")).encode("utf-8")
                    lines.append(line)
                    placed.append((table, doc_id, None))
            else:
                for doc_id, doc in docs.items():
                    lines.append(json.dumps([table, int(doc_id), doc], ensure_ascii=False,
                                            separators=(",", ":")).encode("utf-8"))
                    placed.append((table, doc_id, doc))
        del old
        payload = b"\n".join(lines) + b"\n"
        with open(tmp, "wb", opener=_open_nofollow) as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        fd = os.open(tmp, os.O_RDONLY | _NOFOLLOW) if self.lazy else None
        try:
            _fault_point("rewrite-before-rename")
            os.replace(tmp, self.path)
            fsync_dir(self.path.parent)
            _fault_point("rewrite-after-rename")
        except BaseException:
            if fd is not None:
                os.close(fd)
            raise
        self.size = len(payload)
        self.crc = zlib.crc32(payload)
        self.lines = len(lines) - 1
        self.format = FORMAT
        self.inode = self.path.stat().st_ino
        if fd is not None:
            self._close_fd()
            self._fd = fd
            self.inode = os.fstat(fd).st_ino
            self._place_all(lines, placed)
            if not self.readonly:
                self.save_index()

    def _place_all(self, lines: list[bytes], placed: list[tuple[str, str, dict | None]]) -> None:
        """After a rewrite: each lazy document is at its line of ``lines`` (the header first)."""
        offset = len(lines[0]) + 1
        for line, (table, doc_id, doc) in zip(lines[1:], placed):
            rows = self.data.get(table)
            if table in LAZY_TABLES:
                if not isinstance(rows, LazyRows):
                    rows = self.data[table] = LazyRows(self, table)
                    rows.place(doc_id, offset, len(line), -1, doc)
                elif doc is not None:
                    rows.place(doc_id, offset, len(line), -1, doc)
                else:
                    rows.place(doc_id, offset, len(line), -1)
            offset += len(line) + 1
        for rows in self.data.values():
            if isinstance(rows, LazyRows):
                rows.forget_docs()

    # reading documents where they are, and the index ---------------------------

    def _close_index(self) -> None:
        if self._ifd is not None:
            with contextlib.suppress(OSError):
                os.close(self._ifd)
            self._ifd = None

    def index_part(self, spot: tuple) -> bytes:
        """A line of the index this storage was read from (``spot``: where it is, its CRC-32).
        One that does not hold is a damaged index: it is removed (the next open reads
        trainee.json whole), and the store must be opened again."""
        fd, offset, length, crc = spot
        try:
            part = _read_all_at(fd, length, offset)
        except OSError:
            part = b""
        if len(part) != length or zlib.crc32(part) != crc:
            index = self.path.with_name(INDEX_FILE)
            with contextlib.suppress(OSError):
                if os.stat(index, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                    index.unlink()
            raise StoreError("the index of the progress store is damaged; it was removed, and nothing "
                             "was written (open the store again: it is read whole)", index)
        return part

    def _close_fd(self) -> None:
        self._close_index()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def changed_outside(self) -> StoreError:
        return StoreError("the progress store was changed outside drill while this drill had it open; "
                          "it was left as it is (open it again)", self.path)

    def read_doc(self, table: str, doc_id: str, entry: tuple) -> dict:
        """The document ``doc_id`` of ``table``, parsed from its line (``entry``: where it is)."""
        offset, length, part = entry[0], entry[1], entry[2]
        if offset < 0 or self._fd is None:
            raise self.changed_outside()
        try:
            raw = os.pread(self._fd, length, offset)
        except OSError as exc:
            raise StoreError(f"cannot read the progress store: {exc.strerror}", self.path) from None
        try:
            row = json.loads(raw)
            if part >= 0:
                row = row[part]
        except (ValueError, RecursionError, IndexError, KeyError, TypeError):
            row = None
        if not (type(row) is list and len(row) == 3 and row[0] == table and row[1] == int(doc_id)
                and type(row[2]) is dict) or records.problem(self.tables, row):
            raise self.changed_outside()
        return row[2]

    def read_docs(self, table: str, wanted: list[tuple[str, tuple]]) -> Iterator[tuple[str, dict]]:
        """(id, document) of each of the documents ``wanted`` (id, where it is) of ``table``:
        their lines read in order, a few megabytes at a time, each parsed once."""
        if not wanted:
            return
        if self._fd is None or any(entry[0] < 0 for _, entry in wanted):
            raise self.changed_outside()
        wanted = sorted(wanted, key=lambda w: w[1][0])
        shared = _SHARED_FIELDS.get(table, ())
        same: dict[str, str] = {}
        start = 0
        while start < len(wanted):
            first = wanted[start][1][0]
            stop = start + 1
            while stop < len(wanted) and wanted[stop][1][0] + wanted[stop][1][1] - first <= READ_BYTES:
                stop += 1
            group = wanted[start:stop]
            end = max(entry[0] + entry[1] for _, entry in group)
            try:
                buf = os.pread(self._fd, end - first, first)
            except OSError as exc:
                raise StoreError(f"cannot read the progress store: {exc.strerror}", self.path) from None
            lines: dict[int, int] = {}  # a line's offset -> its place among those parsed
            pieces: list[bytes] = []
            for _, entry in group:
                if entry[0] not in lines:
                    lines[entry[0]] = len(pieces)
                    pieces.append(buf[entry[0] - first:entry[0] - first + entry[1]])
            try:
                parsed = json.loads(b"[" + b",".join(pieces) + b"]")
            except (ValueError, RecursionError):
                raise self.changed_outside() from None
            if len(parsed) != len(pieces):
                raise self.changed_outside()
            for doc_id, entry in group:
                row = parsed[lines[entry[0]]]
                try:
                    if entry[2] >= 0:
                        row = row[entry[2]]
                    ok = row[0] == table and row[1] == int(doc_id) and type(row[2]) is dict and len(row) == 3
                except (IndexError, KeyError, TypeError):
                    ok = False
                if not ok:
                    raise self.changed_outside()
                doc = row[2]
                for name in shared:  # one string for the many documents that share it
                    value = doc.get(name)
                    if type(value) is str:
                        doc[name] = same.setdefault(value, value)
                yield doc_id, doc
            start = stop

    def _load_index(self, fd: int, st: os.stat_result) -> bool:
        """Take trainee.json's documents from the index, when it is the index of the
        file as it is now (``fd``, ``st``): its stat, the CRC-32 of its end, and
        ``.checked`` agree with what the index recorded. The small tables are read
        now (their CRC-32 checked); no line of a lazy table is read before the table
        is used (the index stays open for it)."""
        try:
            ifd = os.open(self.path.with_name(INDEX_FILE), os.O_RDONLY | _NOFOLLOW)
        except OSError:
            return False
        try:
            found = self._index_of(ifd, fd, st)
        except (ValueError, RecursionError, KeyError, TypeError, OSError):
            found = None
        except BaseException:
            os.close(ifd)
            raise
        if found is None:
            os.close(ifd)
            return False
        header, docs, names, spots, counts, last_ids = found
        self._close_index()
        self._ifd = ifd
        self.data = docs
        for name, spot in zip(names, spots[1:]):
            self.data[name] = LazyRows(self, name, spot, counts[name], last_ids.get(name, 0))
        self.format = header["format"]
        self.size, self.crc, self.lines, self.max_seq = header["size"], header["crc"], header["lines"], header["max_seq"]
        self._last_ids = {t: v for t, v in last_ids.items() if t in names}  # no table's ids parsed to find its last
        self.inode = st.st_ino
        return True

    def _index_of(self, ifd: int, fd: int, st: os.stat_result):
        """What the index open as ``ifd`` holds, if it is of trainee.json as it is (else None)."""
        head = os.pread(ifd, 1 << 16, 0).partition(b"\n")[0]
        header = json.loads(head)
        if not (isinstance(header, dict) and header.get("drill-index") == INDEX_FORMAT
                and header.get("file") == self.path.name
                and header.get("stat") == _stat_key(st)
                and header.get("format") in READABLE_FORMATS):
            return None
        size, crc, lines, max_seq = header["size"], header["crc"], header["lines"], header["max_seq"]
        if not all(type(v) is int for v in (size, crc, lines, max_seq)) or size != st.st_size:
            return None
        if self.checked != [size, crc]:
            return None  # the file is not the one drill last knew sound (CHECKED_FILE)
        if header.get("tail") != _tail_crc(fd, st.st_size):
            return None
        names, lengths, crcs = header["tables"], header["parts"], header["crcs"]
        if not (isinstance(names, list) and all(n in LAZY_TABLES for n in names)
                and isinstance(lengths, list) and len(lengths) == 1 + len(names)
                and all(type(n) is int and n >= 0 for n in lengths)
                and isinstance(crcs, list) and len(crcs) == len(lengths) and all(type(c) is int for c in crcs)):
            return None
        last_ids, counts = header["last_ids"], header["counts"]
        if not (isinstance(last_ids, dict) and all(type(v) is int for v in last_ids.values())
                and isinstance(counts, dict) and all(type(counts.get(n)) is int for n in names)):
            return None
        spots, at = [], len(head) + 1
        for length, part_crc in zip(lengths, crcs):
            spots.append((ifd, at, length, part_crc))
            at += length + 1
        if os.fstat(ifd).st_size != at:
            return None
        first = _read_all_at(ifd, lengths[0], spots[0][1])
        if zlib.crc32(first) != crcs[0]:
            return None
        docs = json.loads(first)
        if not isinstance(docs, dict) or not all(isinstance(d, dict) for d in docs.values()):
            return None
        return header, docs, names, spots, counts, last_ids

    def save_index(self) -> None:
        """Write the index of trainee.json as this drill knows it (INDEX_FILE): a cache,
        written aside, fsynced and renamed into place; written only while the file
        is exactly the one this drill read and wrote."""
        if (not self.lazy or self.readonly or self.detached or self._batch is not None or not self.complete
                or self.crc is None or self._fd is None):
            return
        lazy = {t: rows for t, rows in self.data.items() if isinstance(rows, LazyRows)}
        try:
            if not all(rows.all_written() for rows in lazy.values()):
                return
            st = os.stat(self.path, follow_symlinks=False)
            if st.st_ino != self.inode or st.st_size != self.size or os.fstat(self._fd).st_ino != self.inode:
                return
            docs = {t: rows for t, rows in self.data.items() if not isinstance(rows, LazyRows)}
            parts = [json.dumps(docs, ensure_ascii=False, separators=(",", ":")).encode("utf-8")]
            for rows in lazy.values():
                parts.append(rows.line_for_index())
            last_ids = {t: self.last_id(t) for t in lazy}
            counts = {t: rows.count() for t, rows in lazy.items()}
            header = {"drill-index": INDEX_FORMAT, "file": self.path.name, "stat": _stat_key(st),
                      "tail": _tail_crc(self._fd, st.st_size), "size": self.size, "crc": self.crc,
                      "format": self.format, "lines": self.lines, "max_seq": self.max_seq,
                      "tables": list(lazy), "last_ids": last_ids, "counts": counts, "parts": [len(p) for p in parts], "crcs": [zlib.crc32(p) for p in parts]}
            _write_aside(self.path.with_name(INDEX_FILE), [json.dumps(header).encode("utf-8"), *parts],
                         "index-before-rename")
        except OSError:
            pass  # a cache: the next open reads the file whole


PACKED = ".json.gz"  # a closed month's review log, gzipped (see TinyEngine.pack)
_MONTH_FILE = re.compile(r"^reviews-(\d{4}-\d{2})\.json(?:\.gz)?$")


def _unpacked(raw: bytes, path: Path) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise StoreError(f"the packed review log is damaged ({exc}); it was left as it is "
                         "(restore it from a backup)", path) from None


def _flat(lines: list) -> list:
    """The records of a file's lines: a line is one record, or a list of the
    records of one change (a batch)."""
    if not any(isinstance(line, list) and line and isinstance(line[0], list) for line in lines):
        return lines
    out = []
    for line in lines:
        if isinstance(line, list) and line and isinstance(line[0], list):
            out.extend(line)
        else:
            out.append(line)
    return out


# How many bytes of a file's lines are parsed at a time (see LogStorage._apply).
APPLY_BYTES = 4 << 20
# How many bytes of trainee.json's lines are read and parsed at a time when every document of a
# table is asked for (LogStorage.read_docs): little held at once beside the records made of them.
READ_BYTES = 1 << 20
# How much of a review log's end is read, on opening, to find its last answer.
TAIL_BYTES = 4 * 1024


def _read_tail(fd: int, size: int, body: int) -> tuple[int, bytes]:
    """The end of a file of ``size`` bytes whose lines start at ``body``:
    where the first whole line read starts, and the bytes from there. At
    least one whole line is read when there is one, however long it is."""
    window = TAIL_BYTES
    while True:
        start = max(body, size - window)
        chunk = os.pread(fd, size - start, start)
        if start == body:
            return start, chunk
        cut = chunk.find(b"\n") + 1  # the first line is read only in part
        if cut and chunk.rfind(b"\n") + 1 > cut:
            return start + cut, chunk[cut:]
        window *= 4  # no whole line after it: read more


def _tail_max_seq(path: Path) -> int:
    """The highest answer number among the last lines of ``path`` (0 if there is none).

    Answers are appended in order and compaction keeps that order, so the
    last answer is near the end of the file; reading the tail is enough.
    Every whole line read is checked as a record: one of the wrong shape is
    an error naming its line.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise StoreError(f"cannot read the review log: {exc.strerror}", path) from None
    try:
        size = os.fstat(fd).st_size
        body = os.pread(fd, 256, 0).find(b"\n") + 1  # after the header
        start, tail = _read_tail(fd, size, body) if body else (0, b"")
    except OSError as exc:
        raise StoreError(f"cannot read the review log: {exc.strerror}", path) from None
    finally:
        os.close(fd)
    lines = tail.split(b"\n")
    lines.pop()  # after the last newline: nothing, or an unfinished line a killed writer left
    found = 0
    for n in range(len(lines)):
        try:
            row = json.loads(lines[n].decode("utf-8"))
            wrong = records.problem(records.REVIEW_TABLES, row)
        except (UnicodeDecodeError, ValueError, RecursionError):
            wrong = "not JSON"
        if wrong:
            with open(path, "rb", opener=_open_nofollow) as fh:
                before = fh.read(start).count(b"\n")
            raise StoreError(f"the progress store is damaged here ({wrong}); it was left as it is "
                             "(restore it from a backup, or move it away to start afresh)",
                             path, before + n + 1)
        if row[2] is not None:
            found = max(found, row[2].get("seq", 0))
    return found


def _tail_max_seq_of(data: bytes) -> int:
    """The last answer number in the bytes of a review log (0: none, or not found at its end)."""
    for line in reversed(data[data.find(b"\n") + 1:].split(b"\n")[-8:]):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, list) and len(row) == 3 and isinstance(row[2], dict):
            seq = row[2].get("seq")
            return seq if isinstance(seq, int) else 0
    return 0


def _read_all(fd: int, size: int) -> bytes:
    """The first ``size`` bytes of the file open as ``fd`` (fewer if it is shorter)."""
    return _read_all_at(fd, size, 0)


def _stat_key(st: os.stat_result) -> list[int]:
    """What tells a file changed, short of reading it: the index trusts a file with the same."""
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _tail_crc(fd: int, size: int) -> int:
    n = min(size, INDEX_TAIL_BYTES)
    return zlib.crc32(os.pread(fd, n, size - n)) if n else 0


def _read_all_at(fd: int, size: int, offset: int) -> bytes:
    chunks, at = [], 0
    while at < size:
        chunk = os.pread(fd, size - at, offset + at)
        if not chunk:
            break
        chunks.append(chunk)
        at += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _write_aside(path: Path, lines: list[bytes], fault: str) -> None:
    """Write ``lines`` as ``path`` (a cache), as :func:`_write_whole` does but for the
    folder's fsync: a crash may keep the old file, which then no longer matches; never a
    file renamed in before its bytes are on disk, whose header would hold."""
    _write_whole(path, b"".join(line + b"\n" for line in lines), fault, sync_folder=False)


def _write_whole(path: Path, data: bytes, fault: str, sync_folder: bool = True) -> None:
    """Write ``path`` whole: aside, fsynced, renamed into place, the folder fsynced."""
    tmp = path.with_name(f".{path.name[1:] if path.name.startswith('.') else path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb", opener=_open_nofollow) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _fault_point(fault)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if sync_folder:
        fsync_dir(path.parent)


def _open_nofollow(path, flags: int) -> int:
    return os.open(path, flags | _NOFOLLOW, 0o666)  # as open() makes a file: the umask applies


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb", opener=_open_nofollow) as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return 0


# A test kills a writer here (SIGKILL) to prove an answer, or an override, cut between
# its two writes is replayed.
FAULT_ENV = "DRILL_STORE_FAULT"


def _fault_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), 9)


def _crc_of(raw: bytes, size: int) -> int | None:
    """The CRC-32 of the first ``size`` bytes of ``raw`` (None: it is shorter)."""
    if not isinstance(size, int) or not 0 < size <= len(raw):
        return None
    return zlib.crc32(raw if size == len(raw) else memoryview(raw)[:size])


def _is_row(row) -> bool:
    return (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)
            and isinstance(row[1], int) and (row[2] is None or isinstance(row[2], dict)))


_LEFTOVER = re.compile(r"^\..+\.(\d+)\.tmp$")


def _remove_leftovers(folder: Path, lock: _Lock) -> None:
    """Remove the temporary files a killed drill left in ``folder`` (a
    compaction cut short): those whose writing process is gone."""
    candidates = [(p, m) for p in folder.glob(".*.tmp") if (m := _LEFTOVER.match(p.name))]
    if not candidates:
        return
    with lock:
        for path, found in candidates:
            pid = int(found.group(1))
            if pid == os.getpid() or _alive(pid):
                continue
            with contextlib.suppress(OSError):
                if not path.is_symlink():
                    path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: alive
    return True


class LogTable(Table):
    """A TinyDB table whose writes change only what they touch and append it.

    TinyDB's own writes rebuild the whole table on every insert (O(n)). This
    table overrides the public ``insert``, ``update`` and ``remove`` to work
    on the storage's documents in place and append what changed; ids are
    taken from the documents on disk, under the lock, so a second process
    never hands out an id already used.
    """

    def _rows(self) -> dict[str, dict]:
        storage: LogStorage = self.storage  # type: ignore[assignment]
        return storage.rows(self.name)

    def insert(self, document) -> int:
        storage: LogStorage = self.storage  # type: ignore[assignment]
        with storage.lock:
            storage.refresh()
            rows = self._rows()
            if isinstance(document, Document):
                doc_id = int(document.doc_id)
                if str(doc_id) in rows:
                    raise ValueError(f"Document with ID {doc_id} already exists")
            else:
                doc_id = storage.last_id(self.name) + 1
            rows[str(doc_id)] = dict(document)
            storage.took_id(self.name, doc_id)
            storage.append(self.name, [str(doc_id)])
        self.clear_cache()
        return doc_id

    def insert_multiple(self, documents) -> list[int]:
        storage: LogStorage = self.storage  # type: ignore[assignment]
        with storage.lock, storage.batch():
            return [self.insert(doc) for doc in documents]

    def update(self, fields, cond=None, doc_ids=None) -> list[int]:
        if cond is not None or doc_ids is None or callable(fields):
            raise NotImplementedError("the progress store updates documents by id, with fields")
        storage: LogStorage = self.storage  # type: ignore[assignment]
        with storage.lock:
            rows = self._rows()
            touched = [str(i) for i in doc_ids if str(i) in rows]
            for key in touched:
                rows[key] = {**rows[key], **fields}
            storage.append(self.name, touched)
        self.clear_cache()
        return [int(k) for k in touched]

    def remove(self, cond=None, doc_ids=None) -> list[int]:
        if cond is not None or doc_ids is None:
            raise NotImplementedError("the progress store removes documents by id")
        storage: LogStorage = self.storage  # type: ignore[assignment]
        with storage.lock:
            rows = self._rows()
            touched = [str(i) for i in doc_ids if rows.pop(str(i), None) is not None]
            storage.append(self.name, touched)
        self.clear_cache()
        return [int(k) for k in touched]


class LogDB(TinyDB):
    table_class = LogTable

    @property
    def log_storage(self) -> LogStorage:
        return cast(LogStorage, self.storage)


def open_db(path: Path, lock: _Lock, readonly: bool = False, partial: bool = False,
            checked: dict | None = None) -> LogDB:
    return LogDB(path, storage=LogStorage, lock=lock, readonly=readonly, tables=_tables_for(path),
                 partial=partial, checked=checked)


def _read_checked(folder: Path) -> dict[str, list[int]]:
    """The store's record of its files as drill last knew them sound (CHECKED_FILE);
    anything unreadable in it counts as no record."""
    try:
        fd = os.open(folder / CHECKED_FILE, os.O_RDONLY | _NOFOLLOW)
        with open(fd, "rb") as fh:
            found = json.loads(fh.read(1 << 20))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {name: entry for name, entry in found.items()
            if isinstance(entry, list) and len(entry) == 2 and all(type(v) is int and v >= 0 for v in entry)}


def _tables_for(path: Path) -> dict:
    """The tables a store file holds: the review log's, or trainee.json's."""
    return records.REVIEW_TABLES if path.name.startswith("reviews-") else records.TRAINEE_TABLES




# --------------------------------------------------------------------------
# the engine


TRAINEE_TABLES = ("cards", "days", "items", "months", "profile")


def month_of(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m")


# The tables of records, each with its record type and the fields that name a document.
_KEYED: dict[str, tuple[Any, tuple[str, ...]]] = {
    "cards": (CardState, ("card",)), "days": (DayTally, ("day",)), "items": (ItemTally, ("fw", "item")),
    "confusions": (ConfusionTally, ("fw", "other")),
    "stages": (FrameworkStage, ("fw",)),
}


def _key(doc: dict, fields: tuple[str, ...]) -> tuple:
    return tuple(doc[f] for f in fields)


class _Ids(dict):
    """Per table, each document's id by the fields that name it; a table's is
    made when first asked for (opening a store needs none of them)."""

    def __init__(self, docs) -> None:
        super().__init__()
        self._docs = docs

    def __missing__(self, table: str) -> dict[tuple, int]:
        fields = _KEYED[table][1]
        docs = self._docs(table)
        made: dict[tuple, int]
        if isinstance(docs, LazyRows) and len(fields) == 2 and docs.sorted_by_name():
            made = _Named(docs)  # found by bisection, from the index: no map of every name made
        elif isinstance(docs, LazyRows):
            made = docs.keyed()  # from the index: no document parsed
        elif len(fields) == 1:
            (f,) = fields
            made = {(doc[f],): int(k) for k, doc in docs.items()}
        elif len(fields) == 2:
            f, g = fields
            made = {(doc[f], doc[g]): int(k) for k, doc in docs.items()}
        else:
            made = {_key(doc, fields): int(k) for k, doc in docs.items()}
        self[table] = made
        return made


class TinyEngine:
    """The engine interface (engine.py) on a trainee's folder of TinyDB files."""

    def __init__(self, folder: Path, readonly: bool = False) -> None:
        self.folder = folder
        self.readonly = readonly
        _no_links(folder)
        self.lock = _Lock(folder / LOCK_FILE, readonly)
        self._checked = _read_checked(folder)
        self.db = open_db(folder / TRAINEE_FILE, self.lock, readonly, checked=self._checked)
        if not readonly:
            _remove_leftovers(folder, self.lock)
        self._cards = self.db.table("cards")
        self._days = self.db.table("days")
        self._items = self.db.table("items")
        self._confusions = self.db.table("confusions")
        self._stages = self.db.table("stages")
        self._meta = self.db.table("profile")
        self._month_ends = self.db.table("months")  # per month of the log, the number of its last answer
        self._months: dict[str, LogDB] = {}
        # in a transaction: (a month's log, its size and inode before an append)
        self._logged: list[tuple[LogStorage, int, int | None]] = []
        self._tails: dict[str, tuple[tuple[str, int, int, int], int]] = {}  # month -> (file, its last seq)
        self._lag_months: dict[int, str] = {}  # the month of each lagging answer, by its number
        self._in_transaction = False
        raw = self.db.log_storage.read()
        if not raw.get("profile") and (any(raw.get(t) for t in ("cards", "days", "items")) or self.months()):
            raise StoreError("the progress store has no profile: it was cut short; it was left as it is "
                             "(restore it from a backup)", folder / TRAINEE_FILE)
        self._index()
        self._ahead = self._check_log()  # months whose log holds answers the state lacks

    # transactions ----------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self):
        if self.readonly:
            raise StoreError("the progress store was opened read-only", self.folder / TRAINEE_FILE)
        if self._in_transaction:
            yield
            return
        with self.lock:
            self.refresh()
            self._in_transaction = True
            self._logged = []
            try:
                with self.db.log_storage.batch():
                    yield
            except BaseException:
                # an answer whose state could not be written (a full disk) is taken out of the
                # log again, so the trainee's retry records it once
                for storage, size, inode in reversed(self._logged):
                    storage.cut_back(size, inode)
                self._reset_caches()  # the storage went back to what is on disk
                raise
            finally:
                self._in_transaction = False
                self._logged = []

    @contextlib.contextmanager
    def replay(self):
        if not self.readonly:
            with self.transaction():
                yield
            return
        # brought up to date for this reader, never written
        self.db.log_storage.detached = True
        yield

    def refresh(self, wait: bool = True) -> None:
        if not wait:
            # a look that never blocks: while another drill writes, the next look takes it in
            if not self.lock.attempt():
                return
            try:
                if self.db.log_storage.refresh():
                    self._reset_caches()
            finally:
                self.lock.__exit__(None, None, None)
            return
        with self.lock:
            if self.db.log_storage.refresh():
                self._reset_caches()

    def _reset_caches(self) -> None:
        for table in (self._cards, self._days, self._items, self._confusions, self._stages, self._meta,
                      self._month_ends):
            table.clear_cache()
        self._index()

    def _index(self) -> None:
        raw = self.db.log_storage.read()
        self._ids = _Ids(self._docs)  # each table's, made when first needed
        self._month_ids = {doc["month"]: int(k) for k, doc in raw.get("months", {}).items()}

    def _docs(self, table: str) -> dict[str, dict]:
        storage = self.db.log_storage
        if table in LAZY_TABLES:
            return storage.rows(table)
        return storage.read().get(table, {})

    # the profile -----------------------------------------------------------

    def profile(self) -> dict:
        return dict(self._docs("profile").get("1") or {})

    def update_profile(self, fields: dict) -> None:
        if self._meta.contains(doc_id=1):
            self._meta.update(fields, doc_ids=[1])
        else:
            self._meta.insert(Document(dict(fields), doc_id=1))

    # card states and tallies -----------------------------------------------

    def _get(self, table: str, key: tuple):
        doc_id = self._ids[table].get(key)
        doc = self._docs(table).get(str(doc_id)) if doc_id is not None else None
        return _KEYED[table][0].from_doc(doc) if doc is not None else None

    def _all(self, table: str) -> Iterator:
        record = _KEYED[table][0]
        docs = self._docs(table)
        if isinstance(docs, LazyRows):
            return (record.from_doc(doc) for doc in docs.stream())  # never every document at once
        return (record.from_doc(doc) for doc in list(docs.values()))

    def _put(self, table: str, record) -> None:
        doc = record.as_doc()
        key = _key(doc, _KEYED[table][1])
        doc_id = self._ids[table].get(key)
        if doc_id is None:
            self._ids[table][key] = self.db.table(table).insert(doc)
        else:
            self.db.table(table).update(doc, doc_ids=[doc_id])

    def card(self, card_id: str) -> CardState | None:
        return self._get("cards", (card_id,))

    def cards(self) -> Iterator[CardState]:
        return self._all("cards")

    def due_at(self) -> dict[str, float]:
        docs = self._docs("cards")
        if isinstance(docs, LazyRows):
            # from where the index keeps each card's due date: no card's state parsed; the
            # cards' index made on the way (the session's first answer then finds its card at once)
            due = docs.due()
            if "cards" not in self._ids:
                self._ids["cards"] = docs.keyed()
                docs.find_ready()
            return due
        if "cards" in self._ids:
            return {doc["card"]: doc["due"] for doc in docs.values()}
        # a pass over every card's state: it makes their index on the way (the queue comes
        # before the session's first answer, which then finds its card at once)
        due, ids = {}, {}
        for k, doc in docs.items():
            due[doc["card"]] = doc["due"]
            ids[(doc["card"],)] = int(k)
        self._ids["cards"] = ids
        return due

    def put_card(self, state: CardState) -> None:
        self._put("cards", state)

    def remove_card(self, card_id: str) -> None:
        doc_id = self._ids["cards"].pop((card_id,), None)
        if doc_id is not None:
            self._cards.remove(doc_ids=[doc_id])

    def day(self, day: str) -> DayTally | None:
        return self._get("days", (day,))

    def days(self) -> Iterator[DayTally]:
        return self._all("days")

    def put_day(self, tally: DayTally) -> None:
        self._put("days", tally)

    def item(self, fw: str, item: str) -> ItemTally | None:
        return self._get("items", (fw, item))

    def items(self) -> Iterator[ItemTally]:
        return self._all("items")

    def put_item(self, tally: ItemTally) -> None:
        self._put("items", tally)

    def confusion(self, fw: str, other: str) -> ConfusionTally | None:
        return self._get("confusions", (fw, other))

    def confusions(self) -> Iterator[ConfusionTally]:
        return self._all("confusions")

    def put_confusion(self, tally: ConfusionTally) -> None:
        self._put("confusions", tally)

    def stage(self, fw: str) -> FrameworkStage | None:
        return self._get("stages", (fw,))

    def stages(self) -> Iterator[FrameworkStage]:
        return self._all("stages")

    def put_stage(self, stage: FrameworkStage) -> None:
        self._put("stages", stage)

    def remove_stage(self, fw: str) -> None:
        doc_id = self._ids["stages"].pop((fw,), None)
        if doc_id is not None:
            self._stages.remove(doc_ids=[doc_id])

    def assignments(self) -> list:
        return []  # a trainee's own store has no classes

    def has_progress(self) -> bool:
        raw = self.db.log_storage.read()
        return any(raw.get(t) for t in ("cards", "days", "items", "stages")) or bool(self.months())

    # the review log --------------------------------------------------------

    def _plain(self, month: str) -> Path:
        return self.folder / f"reviews-{month}.json"

    def _packed(self, month: str) -> Path:
        return self.folder / f"reviews-{month}{PACKED}"

    def _log_path(self, month: str) -> Path:
        """Where a month's log is: its plain file, or else its packed one.
        While both are there (a packing or an unpacking cut short), the plain
        one holds everything the packed one does."""
        plain = self._plain(month)
        if plain.exists():
            return plain
        packed = self._packed(month)
        return packed if packed.exists() else plain

    def _month(self, month: str, partial: bool = False) -> LogDB:
        """A month's log; ``partial``: read from its tail only, for appending
        (its documents are read whole when first asked for)."""
        path = self._log_path(month)
        db = self._months.get(month)
        if db is not None and db.log_storage.path != path:  # packed, or unpacked, by another drill
            db.close()
            db = None
        if db is None:
            db = open_db(path, self.lock, self.readonly, partial, self._checked)
            self._months[month] = db
        return db

    def months(self) -> list[str]:
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted({m.group(1) for name in names if (m := _MONTH_FILE.match(name))})

    def log(self, review: Review, now: float) -> Review:
        """Append ``review`` to the log of ``now``'s month, numbered, and
        fsync it; the state counts it when the transaction commits."""
        month = month_of(now)
        if not self._plain(month).exists() and self._packed(month).exists():
            self._unpack(month)  # an answer dated in a month already packed: the clock was put back
        db = self._month(month, partial=True)  # the first answer of a session costs what any other does
        db.log_storage.refresh()
        seq = max([self.applied_seq(), *(m.log_storage.max_seq for m in self._months.values())]) + 1
        numbered = Review.from_doc({**review.as_doc(), "seq": seq})
        if self._in_transaction:
            self._logged.append((db.log_storage, db.log_storage.size, db.log_storage.inode))
        db.table("reviews").insert(numbered.as_doc())
        _fault_point("after-amendment" if review.amends else "after-review")
        if self._in_transaction:
            # the answer is durable in the log: what the transaction writes to trainee.json
            # is made again from it when lost, so it costs no second fsync
            self.db.log_storage.skip_sync()
        self._applied(seq, month)
        return numbered

    def reviews(self, card: str | None = None) -> Iterator[Review]:
        for month in self.months():
            db = self._month(month)
            db.log_storage.refresh()
            for doc in list(db.log_storage.read().get("reviews", {}).values()):
                if card is None or doc["card"] == card:
                    yield Review.from_doc(doc)

    def applied_seq(self) -> int:
        return self.profile().get("seq", 0)

    def lagging(self) -> list[Review]:
        applied = self.applied_seq()
        since = self.profile().get("seq_month", "")
        ahead = set(self._ahead)
        for month in self.months():
            db = self._months.get(month)
            if db is not None:
                db.log_storage.refresh()
                if db.log_storage.max_seq > applied:
                    ahead.add(month)
            elif month >= since and self._last_seq_in(month) > applied:
                ahead.add(month)  # another process's answers, in a month this one has not read
        if not ahead:
            return []
        found = []
        for month in sorted(ahead | {m for m in self.months() if m >= since}):
            db = self._month(month)
            db.log_storage.refresh()
            found += [(doc["seq"], month, doc) for doc in db.log_storage.read().get("reviews", {}).values()
                      if doc.get("seq", 0) > applied]
        found.sort(key=lambda t: t[0])
        self._lag_months = {seq: month for seq, month, _ in found}
        return [Review.from_doc(doc) for _, _, doc in found]

    def _last_seq_in(self, month: str) -> int:
        """The last answer number in a month's log not read whole: from its
        tail, read again only when the file changed."""
        path = self._log_path(month)
        try:
            st = path.stat()
        except FileNotFoundError:
            return 0
        key = (path.name, st.st_ino, st.st_size, st.st_mtime_ns)
        seen = self._tails.get(month)
        if seen is None or seen[0] != key:
            if path.name.endswith(PACKED):
                # a packed log is not read for its end: the last answer recorded when it was
                # packed stands while the file is the one packed; otherwise it is read whole
                doc = self._docs("months").get(str(self._month_ids.get(month)))
                last = doc["last"] if doc and doc.get("packed") == st.st_size else \
                    self._month(month).log_storage.max_seq
            else:
                last = _tail_max_seq(path)
            seen = self._tails[month] = (key, last)
        return seen[1]

    def mark_applied(self, review: Review) -> None:
        month = self._lag_months.get(review.seq) or month_of(review.at)
        self._applied(review.seq, month)
        if review.seq >= max((self._month(m).log_storage.max_seq for m in self._ahead), default=0):
            self._ahead = []

    def _applied(self, seq: int, month: str) -> None:
        """Record that the answer numbered ``seq``, logged in ``month``, is in the state."""
        self.update_profile({"seq": seq, "seq_month": month})
        doc_id = self._month_ids.get(month)
        if doc_id is None:
            self._month_ids[month] = self._month_ends.insert({"month": month, "last": seq})
        else:
            self._month_ends.update({"last": seq}, doc_ids=[doc_id])

    def _check_log(self) -> list[str]:
        """The review log must hold every answer trainee.json counts: a month's
        log that ends before the last answer recorded for it was cut short,
        and is an error. The months whose log is ahead of trainee.json."""
        ends = {doc["month"]: doc["last"] for doc in self._docs("months").values()}
        doc = self.profile()
        if doc.get("seq") and doc.get("seq_month") and doc["seq_month"] not in ends:
            ends[doc["seq_month"]] = doc["seq"]  # a store written before months were kept
        later = []
        for month in sorted(set(ends) | set(self.months())):
            path = self._log_path(month)
            found = self._last_seq_in(month)
            last = ends.get(month, 0)
            if found < last:
                what = "ends here" if path.exists() else "is missing"
                raise StoreError(f"the review log {what}, but the progress counts answer {last} in it "
                                 f"(the log holds answers up to {found}): it was cut short, and was left "
                                 "as it is (restore it from a backup)", path,
                                 _count_lines(path) + 1 if path.exists() else None)
            if found > last:
                later.append(month)
        return later

    @contextlib.contextmanager
    def rebuilding(self):
        """Empty the state, the profile kept, for the block to rebuild in
        memory; then write trainee.json whole, with every month's last answer."""
        if self.readonly:
            raise StoreError("the progress store was opened read-only", self.folder / TRAINEE_FILE)
        with self.lock:
            self.refresh()
            storage = self.db.storage
            profile = self.profile() or {"name": self.folder.name}
            profile.pop("seq", None)
            profile.pop("seq_month", None)
            saved = storage.data
            storage.data = {"profile": {"1": profile}}
            storage.forget_ids()
            self._reset_caches()
            storage.detached = True
            try:
                yield
                for month in self.months():
                    db = self._month(month)
                    db.log_storage.refresh()
                    if db.log_storage.max_seq:
                        self._applied(db.log_storage.max_seq, month)
            except BaseException:
                storage.data = saved
                storage.forget_ids()
                self._reset_caches()
                raise
            finally:
                storage.detached = False
            storage.rewrite()
            self._ahead = []

    # packing closed months -------------------------------------------------

    def pack(self, now: float | None = None) -> list[str]:
        """Gzip the log of each month before ``now``'s: a month closed to new
        answers takes a tenth of the disk. The packed file is written aside,
        fsynced, checked to unpack to the very bytes of the log, and renamed
        into place before the plain log is removed, so a packing cut short at
        any point leaves one whole copy or two (the plain one is read). Only
        when no other drill is writing; the months packed."""
        if self.readonly:
            return []
        current = month_of(now if now is not None else time.time())
        closed = [m for m in self.months() if m < current and self._plain(m).exists()]
        if not closed or not self.lock.attempt():
            return []
        done = []
        try:
            with self.transaction():
                for month in closed:
                    plain, packed = self._plain(month), self._packed(month)
                    db = self._months.pop(month, None)
                    known = db.log_storage.identity() if db is not None else None
                    if db is not None:
                        db.close()
                    data = plain.read_bytes()
                    blob = gzip.compress(data, compresslevel=6, mtime=0)
                    if gzip.decompress(blob) != data:
                        raise StoreError("packing the review log went wrong; it was left as it is", plain)
                    sound = (len(data), zlib.crc32(data))
                    if known == sound or self._checked.get(plain.name) == list(sound):
                        self._checked[packed.name] = [len(blob), zlib.crc32(blob)]  # as sound as the log
                    _write_whole(packed, blob, "pack-before-rename")
                    _fault_point("pack-after-rename")
                    plain.unlink()
                    fsync_dir(self.folder)
                    doc_id = self._month_ids.get(month)
                    doc = self._docs("months").get(str(doc_id))
                    if doc_id is not None and doc is not None and doc["last"] == _tail_max_seq_of(data):
                        self._month_ends.update({"packed": len(blob)}, doc_ids=[doc_id])
                    done.append(month)
        except OSError:
            pass  # a full disk: the plain logs stay, whole, and are packed another time
        finally:
            self.lock.__exit__(None, None, None)
        return done

    def _unpack(self, month: str) -> None:
        """Make a packed month's log plain again, to append to it."""
        plain, packed = self._plain(month), self._packed(month)
        db = self._months.pop(month, None)
        if db is not None:
            db.close()
        try:
            data = _unpacked(packed.read_bytes(), packed)
            _write_whole(plain, data, "unpack-before-rename")
            _fault_point("unpack-after-rename")
            packed.unlink()
            fsync_dir(self.folder)
        except OSError as exc:
            raise StoreError(f"cannot write to the progress store: {exc.strerror or exc}", plain) from None

    def _save_checked(self) -> None:
        """Record the files this drill knows sound (CHECKED_FILE), for the next open."""
        if self.readonly or not self.lock.attempt():
            return
        try:
            known = dict(self._checked)
            for storage in [self.db.log_storage, *(db.log_storage for db in self._months.values())]:
                identity = storage.identity()
                if identity is not None:
                    known[storage.path.name] = list(identity)
            known = {name: entry for name, entry in known.items() if (self.folder / name).exists()}
            self.db.log_storage.save_index()
            tmp = self.folder / f".{CHECKED_FILE[1:]}.{os.getpid()}.tmp"
            with contextlib.suppress(OSError):
                with open(tmp, "w", encoding="utf-8", opener=_open_nofollow) as fh:
                    json.dump(known, fh)
                os.replace(tmp, self.folder / CHECKED_FILE)
        finally:
            self.lock.__exit__(None, None, None)

    def close(self) -> None:
        with contextlib.suppress(StoreError):
            self.pack()
        self._save_checked()
        self.db.close()
        for db in self._months.values():
            db.close()
