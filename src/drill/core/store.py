"""The progress store: TinyDB, on storage that stays fast and safe as it grows.

The only module that imports tinydb.

Where it lives
--------------
One folder per trainee under ``paths.progress_dir()`` (``$DRILL_HOME/progress``):

    <name>/trainee.json         profile, card states, daily and per-item tallies
    <name>/reviews-YYYY-MM.json the review log, one file per month
    <name>/.lock                taken while writing

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
document changed and fsyncs, so when :meth:`Store.record` returns the
answer is on disk, and costs the same at 100 reviews or 100,000. A process
killed mid-write leaves at most an unfinished last line: it was never
acknowledged, and it is ignored (and cut off before the next write). When a
file holds more than twice as many lines as live documents it is compacted:
written in full to a temporary file, fsynced, and renamed over the old one,
so there is never a half-written file.

A damaged file (a bad line that is not the unfinished last one, a record of
the wrong shape (records.py), or not a store at all) is reported with its
path and line and left exactly as it is.

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
and 100,000 reviews reads only the small file. :meth:`Store.reviews` reads
the log for whoever wants every answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import re
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from drill.core import records, scheduler
from drill.core.errors import DrillError
from drill.core.text import counted

# Format 2 writes the documents one change makes as one line (a batch);
# format 1 files are read as they are and rewritten as format 2 on the
# first batch written to them.
FORMAT = 2
READABLE_FORMATS = (1, 2)
HEADER = json.dumps({"drill-store": FORMAT})
TRAINEE_FILE = "trainee.json"
LOCK_FILE = ".lock"
# A second process waits this long for the lock before saying the store is busy.
BUSY_WAIT_S = 10.0
# Compact a file when it holds more than this many times as many lines as live documents.
COMPACT_RATIO = 2
COMPACT_MIN_LINES = 2000


class StoreError(DrillError):
    pass


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
                raise
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

    def __exit__(self, *exc) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


class LogStorage(Storage):
    """A TinyDB storage that appends one JSON line per changed document."""

    def __init__(self, path: str | Path, lock: _Lock | None = None, readonly: bool = False,
                 tables: dict | None = None) -> None:
        self.path = Path(path)
        self.lock = lock or _Lock(self.path.with_name(LOCK_FILE), readonly)
        self.readonly = readonly
        # the tables this file may hold and the shape of their documents (records.py)
        self.tables = tables if tables is not None else _tables_for(self.path)
        self.data: dict[str, dict[str, dict]] = {}
        self.lines = 0  # documents written in the file, for deciding when to compact
        self.format = FORMAT
        self.size = 0  # bytes of the file read and trusted
        self.inode: int | None = None
        self.max_seq = 0  # the highest answer number ("seq") of any document read or written
        # while detached, changes stay in memory: a store opened read-only
        # brings a lagging state up to date for its reader without writing
        self.detached = False
        self._batch: list[str] | None = None  # lines waiting for the end of a batch
        if not self.path.exists():
            if readonly:
                return
            with self.lock:
                if not self.path.exists():
                    self._replace_file()
        self._load()

    # TinyDB's interface ----------------------------------------------------

    def read(self) -> dict[str, dict[str, dict]]:
        return self.data

    def write(self, data: dict[str, dict[str, dict]]) -> None:
        """TinyDB's whole-database write (drop_tables and the like): compact."""
        if self.readonly:
            raise StoreError("the progress store was opened read-only", self.path)
        with self.lock:
            self.data = data
            self._replace_file()

    def close(self) -> None:
        pass

    # appending -------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self):
        """Every change made inside is written, and fsynced, once at the end."""
        if self._batch is not None:
            yield
            return
        self._batch = []
        try:
            yield
        finally:
            lines, self._batch = self._batch, None
            if len(lines) > 1:  # one line, so a kill or a cut never leaves half of a change
                self._write_lines(["[" + ",".join(lines) + "]"], rows=len(lines))
            else:
                self._write_lines(lines)

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
        else:
            self._write_lines(out)

    def _write_lines(self, out: list[str], rows: int | None = None) -> None:
        if not out:
            return
        payload = ("\n".join(out) + "\n").encode("utf-8")
        with self.lock:
            # Whatever another process finished writing is kept: only an
            # unfinished last line (a writer killed mid-line) is cut off below.
            self._take_in_tail()
            if rows is not None and self.format != FORMAT:
                self._replace_file()  # an older drill's file: rewritten whole, with the change
                return
            fd = os.open(self.path, os.O_WRONLY | _NOFOLLOW)
            try:
                os.ftruncate(fd, self.size)  # an unfinished line left by a killed process goes
                os.lseek(fd, self.size, os.SEEK_SET)
                written = 0
                while written < len(payload):
                    written += os.write(fd, payload[written:])
                os.fsync(fd)
            finally:
                os.close(fd)
            self.size += len(payload)
            self.lines += len(out) if rows is None else rows
            live = sum(len(rows) for rows in self.data.values())
            if self.lines > COMPACT_MIN_LINES and self.lines > COMPACT_RATIO * live:
                self._replace_file()

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
        try:
            raw = self.path.read_bytes()
            self.inode = self.path.stat().st_ino
        except FileNotFoundError:
            self.data, self.size, self.lines = {}, 0, 0
            return
        except OSError as exc:
            raise StoreError(f"cannot read the progress store: {exc.strerror}", self.path) from None
        head, sep, _ = raw.partition(b"\n")
        try:
            header = json.loads(head.decode("utf-8")) if sep else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            header = None
        if not isinstance(header, dict) or header.get("drill-store") not in READABLE_FORMATS:
            raise StoreError("not a drill progress store (of a format this drill reads), or damaged "
                             "at its first line; it was left as it is", self.path, 1)
        self.format = header["drill-store"]
        self.data, self.lines, self.max_seq = {}, 0, 0
        self.size = len(head) + 1
        self._apply(raw[self.size:], first_line=2)

    def _apply(self, chunk: bytes, first_line: int | None) -> None:
        """Replay ``chunk`` (bytes after ``self.size``); stop before an unfinished last line."""
        end = chunk.rfind(b"\n") + 1
        complete, rest = chunk[:end], chunk[end:]
        if not complete:
            return
        text = complete.decode("utf-8", errors="strict") if _valid_utf8(complete) else None
        rows = None
        if text is not None:
            try:
                rows = _flat(json.loads("[" + text.rstrip("\n").replace("\n", ",") + "]"))
            except (ValueError, RecursionError):
                rows = None
        tables = self.tables
        if rows is None or any(records.problem(tables, r) for r in rows):
            rows = self._rows_one_by_one(complete, first_line, unfinished=bool(rest))
        max_seq = self.max_seq
        for table, doc_id, doc in rows:
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

    def _rows_one_by_one(self, complete: bytes, first_line: int | None, unfinished: bool) -> list:
        rows = []
        lines = complete.split(b"\n")[:-1]
        for n, line in enumerate(lines):
            try:
                found = _flat([json.loads(line.decode("utf-8"))])
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
            rows.extend(found)
        return rows

    def _count_lines_before(self, offset: int) -> int:
        with open(self.path, "rb") as fh:
            return fh.read(offset).count(b"\n")

    # writing the whole file ------------------------------------------------

    def _replace_file(self) -> None:
        """Write every live document to a new file and rename it over the old one."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        lines = [HEADER]
        for table, docs in self.data.items():
            for doc_id, doc in docs.items():
                lines.append(json.dumps([table, int(doc_id), doc], ensure_ascii=False, separators=(",", ":")))
        payload = ("\n".join(lines) + "\n").encode("utf-8")
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)
        self.size = len(payload)
        self.lines = len(lines) - 1
        self.format = FORMAT
        self.inode = self.path.stat().st_ino


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


# How much of a review log's end is read, on opening, to find its last answer.
TAIL_BYTES = 16 * 1024


def _tail_max_seq(path: Path) -> int:
    """The highest answer number among the last lines of ``path`` (0 if there is none).

    Answers are appended in order and compaction keeps that order, so the
    last answer is near the end of the file; reading the tail is enough.
    Every whole line read is checked as a record: one of the wrong shape is
    an error naming its line.
    """
    try:
        with open(path, "rb", opener=_open_nofollow) as fh:
            size = fh.seek(0, os.SEEK_END)
            start = max(0, size - TAIL_BYTES)
            fh.seek(start)
            tail = fh.read()
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise StoreError(f"cannot read the review log: {exc.strerror}", path) from None
    lines = tail.split(b"\n")
    lines.pop()  # after the last newline: nothing, or an unfinished line a killed writer left
    first = 1  # the header, or a line read only in part
    found = 0
    for n in range(first, len(lines)):
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


def _open_nofollow(path, flags: int) -> int:
    return os.open(path, flags | _NOFOLLOW)


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb", opener=_open_nofollow) as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return 0


# A test kills a writer here (SIGKILL) to prove an answer cut between its two writes is replayed.
FAULT_ENV = "DRILL_STORE_FAULT"


def _fault_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), 9)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _is_row(row) -> bool:
    return (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)
            and isinstance(row[1], int) and (row[2] is None or isinstance(row[2], dict)))


_LEFTOVER = re.compile(r"^\..+\.(\d+)\.tmp$")


def _remove_leftovers(folder: Path, lock: _Lock) -> None:
    """Remove the temporary files a killed drill left in ``folder`` (a
    compaction cut short): those whose writing process is gone."""
    candidates = [p for p in folder.glob(".*.tmp") if _LEFTOVER.match(p.name)]
    if not candidates:
        return
    with lock:
        for path in candidates:
            pid = int(_LEFTOVER.match(path.name).group(1))
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


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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
        return storage.read().setdefault(self.name, {})

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
                doc_id = max((int(k) for k in rows), default=0) + 1
            rows[str(doc_id)] = dict(document)
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


def open_db(path: Path, lock: _Lock, readonly: bool = False) -> LogDB:
    return LogDB(path, storage=LogStorage, lock=lock, readonly=readonly, tables=_tables_for(path))


def _tables_for(path: Path) -> dict:
    """The tables a store file holds: the review log's, or trainee.json's."""
    return records.REVIEW_TABLES if path.name.startswith("reviews-") else records.TRAINEE_TABLES


# --------------------------------------------------------------------------
# the store


# A trainee's folder name holds at most this many bytes (file systems allow
# 255): a longer name is refused, never cut, so two names never share a store.
NAME_MAX_BYTES = 200
_RESERVED = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|%]|^\.')


def safe_name(user: str) -> str:
    """A trainee's name as a folder name: any script, no path tricks, and
    one folder per name. A character a folder name cannot hold (/ : * ? …),
    a % and a leading dot are written %XX, so a/b, a_b and a:b stay apart;
    any other name is its own folder name."""
    name = user.strip()
    if not name:
        raise StoreError("a trainee needs a name", progress_dir())
    folder = _RESERVED.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), name)
    if len(folder.encode("utf-8")) > NAME_MAX_BYTES:
        raise StoreError(f"the trainee name is too long: {len(name)} characters; a name's folder "
                         f"holds at most {NAME_MAX_BYTES} bytes", progress_dir())
    return folder


def _name_of(folder: str) -> str:
    return urllib.parse.unquote(folder)


def _legacy_name(user: str) -> str:
    """The folder an earlier drill made for ``user`` (reserved characters as _)."""
    name = re.sub(r'[\x00-\x1f/\\:*?"<>|]', "_", user.strip())
    return (name.lstrip(".") or "_")[:80]


def progress_dir() -> Path:
    from drill import paths

    return paths.home() / "progress"


def store_dir(user: str) -> Path:
    """The trainee's store folder. A store an earlier drill made under its
    older folder name is found there while it is the trainee's own."""
    folder = progress_dir() / safe_name(user)
    if folder.exists():
        return folder
    legacy = progress_dir() / _legacy_name(user)
    if legacy != folder and (legacy / TRAINEE_FILE).is_file() and _profile_name(legacy) == user.strip():
        return legacy
    return folder


def _profile_name(folder: Path) -> str | None:
    """The name recorded in a store's profile, read without opening the store."""
    try:
        with open(folder / TRAINEE_FILE, encoding="utf-8") as fh:
            for line in fh:
                for row in _flat([json.loads(line)]):
                    if isinstance(row, list) and len(row) == 3 and row[0] == "profile" \
                            and isinstance(row[2], dict):
                        return str(row[2].get("name", "")).strip()
    except (OSError, ValueError):
        return None
    return None


def profiles() -> list[str]:
    """The trainees with a store here, most recently active first."""
    root = progress_dir()
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        f = child / TRAINEE_FILE
        if f.is_file():
            found.append((f.stat().st_mtime, _name_of(child.name)))
    names = [name for _, name in sorted(found, reverse=True)]
    last = last_profile()
    if last in names:
        names.remove(last)
        names.insert(0, last)
    return names


def last_profile() -> str | None:
    try:
        name = (progress_dir() / "last-trainee").read_text("utf-8").strip()
    except OSError:
        return None
    return name or None


def set_last_profile(user: str) -> None:
    root = progress_dir()
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".last-trainee.{os.getpid()}.tmp"
    tmp.write_text(user, "utf-8")
    os.replace(tmp, root / "last-trainee")


@dataclass
class DeckCounts:
    due: int
    new: int
    total: int
    mastery: float


@dataclass
class Receipt:
    """What recording an answer changed, so an override can redo it."""

    month: str
    review_id: int
    card_before: dict | None
    contribution: dict = field(default_factory=dict)
    seq: int = 0
    amends: int = 0  # the card's count of overrides when this was recorded


def _day(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).date().isoformat()


class Store:
    """One trainee's progress: open with :meth:`open` (or :meth:`open_readonly`)."""

    def __init__(self, folder: Path, readonly: bool) -> None:
        self.folder = folder
        self.readonly = readonly
        _no_links(folder)
        self.lock = _Lock(folder / LOCK_FILE, readonly)
        self.db = open_db(folder / TRAINEE_FILE, self.lock, readonly)
        if not readonly:
            _remove_leftovers(folder, self.lock)
        self.cards = self.db.table("cards")
        self.days = self.db.table("days")
        self.items = self.db.table("items")
        self.meta = self.db.table("profile")
        self.month_ends = self.db.table("months")  # per month of the log, the number of its last answer
        raw = self.db.storage.read()
        if not raw.get("profile") and (any(raw.get(t) for t in ("cards", "days", "items")) or self.months()):
            raise StoreError("the progress store has no profile: it was cut short; it was left as it is "
                             "(restore it from a backup)", folder / TRAINEE_FILE)
        self._index()
        self._months: dict[str, LogDB] = {}
        self.wrote = False  # this drill wrote to the store: a backup is made on close
        self._check_log()

    # opening ---------------------------------------------------------------

    @classmethod
    def open(cls, user: str, folder: Path | None = None) -> Store:
        folder = folder or store_dir(user)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot make the progress folder: {exc.strerror}", folder) from None
        store = cls(folder, readonly=False)
        if not store.meta.contains(doc_id=1):
            store.meta.insert(Document({"name": user, "settings": scheduler.Settings().as_json(),
                                        "created": time.time()}, doc_id=1))
        return store

    @classmethod
    def open_readonly(cls, folder: Path) -> Store:
        if not (folder / TRAINEE_FILE).is_file():
            raise StoreError("not a drill progress store (no trainee.json)", folder)
        return cls(folder, readonly=True)

    def _index(self) -> None:
        raw = self.db.storage.read()
        self._card_ids = {doc["card"]: int(k) for k, doc in raw.get("cards", {}).items()}
        self._day_ids = {doc["day"]: int(k) for k, doc in raw.get("days", {}).items()}
        self._item_ids = {(doc["fw"], doc["item"]): int(k) for k, doc in raw.get("items", {}).items()}
        self._month_ids = {doc["month"]: int(k) for k, doc in raw.get("months", {}).items()}

    def _refresh(self) -> None:
        """Take in another process's writes (called with the lock held)."""
        if self.db.storage.refresh():
            for table in (self.cards, self.days, self.items, self.meta, self.month_ends):
                table.clear_cache()
            self._index()

    @property
    def name(self) -> str:
        doc = self.meta.get(doc_id=1)
        return doc["name"] if doc else self.folder.name

    @property
    def settings(self) -> scheduler.Settings:
        doc = self.meta.get(doc_id=1) or {}
        return scheduler.Settings.from_json(doc.get("settings"))

    def set_settings(self, settings: scheduler.Settings) -> None:
        self.wrote = True
        with self.lock:
            self._refresh()
            self.meta.update({"settings": settings.as_json()}, doc_ids=[1])

    # choices kept between sessions -----------------------------------------

    def _profile_value(self, key: str, default=None):
        doc = self.meta.get(doc_id=1) or {}
        return doc.get(key, default)

    def _set_profile_value(self, key: str, value) -> None:
        with self.lock:
            self._refresh()
            self.meta.update({key: value}, doc_ids=[1])

    def more_new_today(self, now: float | None = None) -> int:
        """New cards added to today's limit with :meth:`study_more`."""
        more = self._profile_value("more_new") or {}
        value = more.get(_day(now or time.time()), 0) if isinstance(more, dict) else 0
        return value if isinstance(value, int) and value > 0 else 0

    def study_more(self, count: int, now: float | None = None) -> int:
        """Allow ``count`` more new cards today than the daily limit; the new
        allowance for today. Only today's is kept."""
        today = _day(now or time.time())
        total = self.more_new_today(now) + max(0, count)
        self._set_profile_value("more_new", {today: total})
        return total

    def last_decks(self) -> list[str]:
        """The ids of the decks chosen for the last session."""
        value = self._profile_value("last_decks") or []
        return [d for d in value if isinstance(d, str)] if isinstance(value, list) else []

    def set_last_decks(self, deck_ids: list[str]) -> None:
        if deck_ids != self.last_decks():
            self._set_profile_value("last_decks", list(deck_ids))

    # the queue -------------------------------------------------------------

    def card_state(self, card_id: str) -> dict | None:
        doc_id = self._card_ids.get(card_id)
        return self.cards.get(doc_id=doc_id) if doc_id is not None else None

    def due_at(self) -> dict[str, float]:
        raw = self.db.storage.read().get("cards", {})
        return {doc["card"]: doc["due"] for doc in raw.values()}

    def new_seen_today(self, now: float | None = None) -> int:
        doc_id = self._day_ids.get(_day(now or time.time()))
        doc = self.days.get(doc_id=doc_id) if doc_id is not None else None
        return doc.get("new", 0) if doc else 0

    def queue(self, decks, due_only: bool = False, now: float | None = None) -> list:
        """Today's cards from ``decks``: due first, then new up to the day's limit."""
        now = now or time.time()
        by_id = {}
        for c in scheduler.introduction_order([c for d in decks for c in d.cards()]):
            by_id.setdefault(c.id, c)
        limit = max(0, self.settings.new_per_day + self.more_new_today(now) - self.new_seen_today(now))
        order = scheduler.build_queue(list(by_id), self.due_at(), now, limit, due_only)
        return [by_id[c] for c in order]

    def deck_counts(self, deck, now: float | None = None) -> DeckCounts:
        """Due, new and total cards of ``deck``, and the share mastered."""
        now = now or time.time()
        raw = self.db.storage.read().get("cards", {})
        ids = {c.id for c in deck.cards()}
        due = new = mastered = 0
        seen = {doc["card"]: doc for doc in raw.values() if doc["card"] in ids}
        for card_id in ids:
            doc = seen.get(card_id)
            if doc is None:
                new += 1
                continue
            due += doc["due"] <= now
            mastered += doc.get("stability", 0.0) >= scheduler.MASTERED_DAYS
        return DeckCounts(due, new, len(ids), mastered / len(ids) if ids else 0.0)

    def next_due(self, card_ids: set[str] | None = None, now: float | None = None) -> float | None:
        """When the next card (of ``card_ids``, or any) falls due after ``now``."""
        now = now or time.time()
        raw = self.db.storage.read().get("cards", {})
        times = [doc["due"] for doc in raw.values()
                 if doc["due"] > now and (card_ids is None or doc["card"] in card_ids)]
        return min(times) if times else None

    # recording -------------------------------------------------------------

    def applied_seq(self) -> int:
        """The number of the last answer whose state and tallies are in trainee.json."""
        doc = self.meta.get(doc_id=1) or {}
        return doc.get("seq", 0)

    def record(self, answered, now: float | None = None) -> Receipt:
        """Store an answer durably: the review, the card's new state, the tallies.

        The review is appended to the month's log with the next answer number
        (``seq``); the card's state and the tallies follow in one write to
        trainee.json that records that number. A process killed between the
        two leaves a review the state lacks: the next write, or the next
        opening of the store, replays it from the log.
        """
        now = now or time.time()
        with self.lock:
            self._refresh()
            month = dt.datetime.fromtimestamp(now).strftime("%Y-%m")
            reviews = self._month(month)
            table = reviews.table("reviews")
            if reviews.storage.refresh():
                table.clear_cache()
            if reviews.storage.max_seq > self.applied_seq():
                self._catch_up()
            before = self.card_state(answered.card.id)
            rating = scheduler.rating_for(answered.verdict, answered.score, answered.seconds,
                                          sum(len(a) for a in answered.card.answer), answered.hints,
                                          answered.overridden)
            seq = max(self.applied_seq(), reviews.storage.max_seq) + 1
            review = self._review_doc(answered, rating, now)
            review["seq"] = seq
            # the review first: once it is on disk the answer is never lost;
            # the card's state and the tallies follow in one write
            review_id = table.insert(review)
            _fault_point("after-review")
            with self.db.storage.batch():
                contribution = self._apply(review, before, now, sign=1)
                self._applied(seq, month)
            self.wrote = True
            receipt = Receipt(month, review_id, before, contribution, seq,
                              before.get("amends", 0) if before else 0)
        answered.rating = rating
        answered.due = dt.datetime.fromtimestamp(self.card_state(answered.card.id)["due"])
        answered.receipt = receipt
        return receipt

    def amend(self, answered, now: float | None = None) -> None:
        self.wrote = True
        self._amend(answered, now)

    def _amend(self, answered, now: float | None = None) -> None:
        """The trainee overrode the judgement of ``answered``: store that instead.

        When another process reviewed the same card since, the card's state
        is rebuilt: its state before this review, this review with its new
        rating, then every later review of the card in the log, in order.
        """
        receipt: Receipt = answered.receipt
        now = now or time.time()
        with self.lock:
            self._refresh()
            rating = scheduler.rating_for(answered.verdict, answered.score, answered.seconds,
                                          sum(len(a) for a in answered.card.answer), answered.hints,
                                          answered.overridden)
            reviews = self._month(receipt.month)
            table = reviews.table("reviews")
            if reviews.storage.refresh():
                table.clear_cache()
            if self.applied_seq() < max(reviews.storage.max_seq, receipt.seq):
                self._catch_up()
            fields = {"rating": rating, "overridden": answered.overridden,
                      "verdict": answered.verdict, "score": round(answered.score, 4)}
            table.update(fields, doc_ids=[receipt.review_id])
            review = dict(table.get(doc_id=receipt.review_id) or {})
            reviewed_at = receipt.contribution.get("at", now)
            current = self.card_state(answered.card.id)
            amends = current.get("amends", 0) if current else 0
            # another process reviewed the card since, or overrode one of its reviews
            later = current is not None and current.get("seq", receipt.seq) != receipt.seq
            stale = amends != receipt.amends
            with self.db.storage.batch():
                self._undo(receipt.contribution, restore_card=not (later or stale))
                if stale:  # the state before this review changed: rebuild the card from its log
                    receipt.card_before = self._rebuild_card(answered.card.id, receipt.seq)
                    receipt.contribution = self._apply(review, receipt.card_before, reviewed_at, sign=1,
                                                       card=False)
                else:
                    receipt.contribution = self._apply(review, receipt.card_before, reviewed_at, sign=1)
                    if later:
                        self._replay_card(answered.card.id, receipt.seq, receipt.month)
                doc_id = self._card_ids[answered.card.id]
                self.cards.update({"amends": amends + 1}, doc_ids=[doc_id])
                receipt.amends = amends + 1
        answered.rating = rating
        answered.due = dt.datetime.fromtimestamp(self.card_state(answered.card.id)["due"])

    def _replay_card(self, card_id: str, after_seq: int, month: str) -> None:
        """Apply to the card's state every review of it logged after ``after_seq``."""
        later = []
        for m in self.months():
            if m < month:
                continue
            db = self._month(m)
            db.storage.refresh()
            later += [r for r in db.storage.read().get("reviews", {}).values()
                      if r["card"] == card_id and r.get("seq", 0) > after_seq]
        for review in sorted(later, key=lambda r: r["seq"]):
            self._put_card(self._card_after(review, self.card_state(card_id), review["at"]))

    def _rebuild_card(self, card_id: str, seq: int) -> dict | None:
        """Rebuild the card's state from every review of it in the log, in
        order; return its state just before the review numbered ``seq``."""
        mine = []
        for m in self.months():
            db = self._month(m)
            db.storage.refresh()
            mine += [r for r in db.storage.read().get("reviews", {}).values() if r["card"] == card_id]
        mine.sort(key=lambda r: (r.get("seq", 0), r["at"]))
        state, before = None, None
        for review in mine:
            if review.get("seq") == seq:
                before = state
            state = self._card_after(review, state, review["at"])
        if state is not None:
            self._put_card(state)
        return before

    def _catch_up(self, months: list[str] | None = None) -> None:
        """Replay the reviews the log holds and trainee.json lacks (a writer
        killed between its two writes), oldest first: those of ``months``, or
        of the month of the last answer applied and after."""
        applied = self.applied_seq()
        if months is None:
            doc = self.meta.get(doc_id=1) or {}
            months = [m for m in self.months() if m >= doc.get("seq_month", "")]
        lagging = []
        for m in months:
            db = self._month(m)
            db.storage.refresh()
            lagging += [(r["seq"], m, r) for r in db.storage.read().get("reviews", {}).values()
                        if r.get("seq", 0) > applied]
        for seq, m, review in sorted(lagging, key=lambda t: t[0]):
            with self.db.storage.batch():
                card = self.card_state(review["card"])
                # trainee.json cut inside a write may hold the card's new state but not the tallies
                written = card is not None and card.get("seq", 0) >= seq
                self._apply(review, card, review["at"], sign=1, card=not written)
                self._applied(seq, m)

    def _applied(self, seq: int, month: str) -> None:
        """Record that the answer numbered ``seq``, logged in ``month``, is in the state."""
        self.meta.update({"seq": seq, "seq_month": month}, doc_ids=[1])
        doc_id = self._month_ids.get(month)
        if doc_id is None:
            self._month_ids[month] = self.month_ends.insert({"month": month, "last": seq})
        else:
            self.month_ends.update({"last": seq}, doc_ids=[doc_id])

    def _check_log(self) -> None:
        """The review log must hold every answer trainee.json counts: a month's
        log that ends before the last answer recorded for it was cut short,
        and is an error. A log ahead of trainee.json is replayed into it (in
        memory only, for a store opened read-only)."""
        ends = {doc["month"]: doc["last"] for doc in self.db.storage.read().get("months", {}).values()}
        doc = self.meta.get(doc_id=1) or {}
        if doc.get("seq") and doc.get("seq_month") and doc["seq_month"] not in ends:
            ends[doc["seq_month"]] = doc["seq"]  # a store written before months were kept
        later = []
        for month in sorted(set(ends) | set(self.months())):
            path = self.folder / f"reviews-{month}.json"
            found = _tail_max_seq(path)
            last = ends.get(month, 0)
            if found < last:
                what = "ends here" if path.exists() else "is missing"
                raise StoreError(f"the review log {what}, but the progress counts answer {last} in it "
                                 f"(the log holds answers up to {found}): it was cut short, and was left "
                                 "as it is (restore it from a backup)", path,
                                 _count_lines(path) + 1 if path.exists() else None)
            if found > last:
                later.append(month)
        if not later:
            return
        if self.readonly:
            self.db.storage.detached = True  # brought up to date for this reader, never written
            self._catch_up(later)
        else:
            with self.lock:
                self._refresh()  # another drill may have caught up, or answered, meanwhile
                self._catch_up(later)

    def _review_doc(self, answered, rating: int, now: float) -> dict:
        card = answered.card
        return {
            "card": card.id, "deck": card.deck, "fw": card.framework, "kind": card.kind,
            "at": round(now, 3), "typed": answered.typed,
            "items": [[i.expected, i.typed, i.verdict] for i in answered.grade.items],
            "extra": list(answered.grade.extra),
            "score": round(answered.score, 4), "verdict": answered.verdict, "rating": rating,
            "seconds": round(answered.seconds, 2), "hints": answered.hints,
            "overridden": answered.overridden,
        }

    def _card_after(self, review: dict, before: dict | None, now: float) -> dict:
        """The card's state after ``review``, from its state ``before``."""
        state_before = before["fsrs"] if before else None
        rating = review["rating"]
        when = dt.datetime.fromtimestamp(now, dt.UTC)
        state = scheduler.review(state_before, rating, when, self.settings)
        passed = rating > scheduler.AGAIN
        return {
            "card": review["card"], "deck": review["deck"], "fw": review["fw"], "kind": review["kind"],
            "fsrs": state, "due": scheduler.due_of(state).timestamp(),
            "stability": scheduler.stability_of(state),
            "reps": (before["reps"] if before else 0) + 1,
            "lapses": (before["lapses"] if before else 0) + (0 if passed else 1),
            "first": before["first"] if before else now, "last": now,
            "seq": review.get("seq", 0), "amends": before.get("amends", 0) if before else 0,
        }

    def _put_card(self, doc: dict) -> None:
        doc_id = self._card_ids.get(doc["card"])
        if doc_id is None:
            self._card_ids[doc["card"]] = self.cards.insert(doc)
        else:
            self.cards.update(doc, doc_ids=[doc_id])

    def _apply(self, review: dict, before: dict | None, now: float, sign: int, card: bool = True) -> dict:
        """Update the card's state and the tallies for ``review``; return what was added, to undo it."""
        rating = review["rating"]
        state_before = before["fsrs"] if before else None
        passed = rating > scheduler.AGAIN
        mature = scheduler.interval_days(state_before) >= scheduler.MASTERED_DAYS
        if card:
            self._put_card(self._card_after(review, before, now))
        day = _day(now)
        day_delta = {"reviews": 1, "passed": int(passed), "mature": int(mature),
                     "mature_passed": int(mature and passed), "seconds": round(review["seconds"], 2),
                     "new": int(before is None)}
        self._add_day(day, day_delta, sign)
        item_deltas = []
        overridden = review.get("overridden", "")
        if review["kind"] in ("recall", "cloze", "order"):
            for expected, _typed, verdict in review["items"]:
                missed = overridden != "right" and (
                    overridden == "wrong" or verdict not in ("correct", "out_of_place"))
                item_deltas.append((review["fw"], review["deck"], expected, int(missed)))
                self._add_item(review["fw"], review["deck"], expected, int(missed), sign)
        return {"at": now, "day": day, "day_delta": day_delta, "items": item_deltas, "card": review["card"],
                "before": before}

    def _undo(self, contribution: dict, restore_card: bool = True) -> None:
        self._add_day(contribution["day"], contribution["day_delta"], -1)
        for fw, deck, item, missed in contribution["items"]:
            self._add_item(fw, deck, item, missed, -1)
        before = contribution["before"]
        doc_id = self._card_ids.get(contribution["card"])
        if restore_card and doc_id is not None and before is not None:
            self.cards.update(dict(before), doc_ids=[doc_id])

    def _add_day(self, day: str, delta: dict, sign: int) -> None:
        doc_id = self._day_ids.get(day)
        if doc_id is None:
            doc = {"day": day, **{k: max(0, sign * v) for k, v in delta.items()}}
            self._day_ids[day] = self.days.insert(doc)
            return
        doc = dict(self.days.get(doc_id=doc_id))
        for k, v in delta.items():
            doc[k] = round(doc.get(k, 0) + sign * v, 2)
        self.days.update(doc, doc_ids=[doc_id])

    def _add_item(self, fw: str, deck: str, item: str, missed: int, sign: int) -> None:
        doc_id = self._item_ids.get((fw, item))
        if doc_id is None:
            self._item_ids[(fw, item)] = self.items.insert(
                {"fw": fw, "deck": deck, "item": item, "seen": max(0, sign), "missed": max(0, sign * missed)})
            return
        doc = dict(self.items.get(doc_id=doc_id))
        doc["seen"] += sign
        doc["missed"] += sign * missed
        self.items.update(doc, doc_ids=[doc_id])

    # reading ---------------------------------------------------------------

    def card_docs(self) -> list[dict]:
        return list(self.db.storage.read().get("cards", {}).values())

    def day_docs(self) -> list[dict]:
        return list(self.db.storage.read().get("days", {}).values())

    def item_docs(self) -> list[dict]:
        return list(self.db.storage.read().get("items", {}).values())

    def _month(self, month: str) -> LogDB:
        db = self._months.get(month)
        if db is None:
            db = open_db(self.folder / f"reviews-{month}.json", self.lock, self.readonly)
            self._months[month] = db
        return db

    def months(self) -> list[str]:
        return sorted(p.name[len("reviews-"):-len(".json")] for p in self.folder.glob("reviews-*.json"))

    def reviews(self) -> Iterator[dict]:
        """Every answer recorded, oldest month first."""
        for month in self.months():
            db = self._month(month)
            yield from db.storage.read().get("reviews", {}).values()

    def rebuild(self) -> None:
        """Rebuild every card's state and every tally from the review log,
        answer by answer, and write trainee.json anew (its profile kept)."""
        with self.lock:
            self._refresh()
            logged = []
            for m in self.months():
                db = self._month(m)
                db.storage.refresh()
                logged += [(r.get("seq", 0), r["at"], m, r) for r in db.storage.read().get("reviews", {}).values()]
            logged.sort(key=lambda t: (t[0], t[1]))
            storage = self.db.storage
            profile = dict(self.meta.get(doc_id=1) or {"name": self.folder.name})
            profile.pop("seq", None)
            profile.pop("seq_month", None)
            storage.data = {"profile": {"1": profile}}
            for table in (self.cards, self.days, self.items, self.meta, self.month_ends):
                table.clear_cache()
            self._index()
            storage.detached = True  # built in memory, then written whole
            try:
                for seq, at, month, review in logged:
                    self._apply(review, self.card_state(review["card"]), at, sign=1)
                    if seq:
                        self._applied(seq, month)
            finally:
                storage.detached = False
            storage._replace_file()
            self.wrote = True

    def close(self) -> None:
        if self.wrote and not self.readonly:
            from drill.core import backups

            if backups.due(self.folder):
                backups.make(self)
            self.wrote = False
        self.db.close()
        for db in self._months.values():
            db.close()


def check(folder: Path) -> list[str]:
    """Every problem of the store in ``folder``, one line each (none: healthy):
    a file that cannot be read or holds a record of the wrong shape, a log
    cut short, answers the state lacks, card states and tallies that do not
    count the reviews in the log. Reads, never writes."""
    from collections import Counter

    try:
        store = Store.open_readonly(folder)
        problems = []
        trainee = folder / TRAINEE_FILE
        if store.db.storage.detached:
            problems.append(f"{trainee}: the card states lack answers the review log holds "
                            "(a drill killed while recording)")
        per_card, per_day, per_item = Counter(), Counter(), Counter()
        for m in store.months():
            for r in store._month(m).storage.read().get("reviews", {}).values():
                per_card[r["card"]] += 1
                per_day[_day(r["at"])] += 1
                if r["kind"] in ("recall", "cloze", "order"):
                    for expected, _typed, _verdict in r["items"]:
                        per_item[(r["fw"], expected)] += 1
        reps = {doc["card"]: doc["reps"] for doc in store.card_docs()}
        wrong = sorted(c for c in set(reps) | set(per_card) if reps.get(c, 0) != per_card.get(c, 0))
        if wrong:
            problems.append(f"{trainee}: {len(wrong)} card states do not count the reviews of them in the log "
                            f"(the first: {wrong[0]}: {reps.get(wrong[0], 0)} in the state, "
                            f"{per_card.get(wrong[0], 0)} in the log)")
        days = {doc["day"]: doc["reviews"] for doc in store.day_docs()}
        wrong = sorted(d for d in set(days) | set(per_day) if days.get(d, 0) != per_day.get(d, 0))
        if wrong:
            problems.append(f"{trainee}: the tallies of {counted(len(wrong), 'day')} do not count the reviews in the log "
                            f"(the first: {wrong[0]})")
        items = {(doc["fw"], doc["item"]): doc["seen"] for doc in store.item_docs()}
        wrong = [k for k in set(items) | set(per_item) if items.get(k, 0) != per_item.get(k, 0)]
        if wrong:
            problems.append(f"{trainee}: the tallies of {counted(len(wrong), 'item')} do not count the reviews in the log")
        return problems
    except StoreError as exc:
        return [str(exc)]
