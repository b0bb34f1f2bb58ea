"""The local journal of answers kept while the progress server is away.

An answer on a server store (pg_engine.py) is one transaction, acknowledged
after its commit. When the server cannot be reached, or drops the connection
in the middle of the answer (even during its COMMIT, whose outcome is then
unknown), the answer is appended here instead and acknowledged once the
line is fsynced; the trainee goes on drilling. When the server is back, the
store (store.py) sends the journal's answers in order, each in a
transaction of its own, inserted ``ON CONFLICT (org, review_id) DO
NOTHING``: an answer the server already holds (its commit did happen) is
not recorded again, and moves no state. The answers the server confirmed
are then taken out of the journal.

The file
--------
``$DRILL_HOME/journal/<server>/<trainee>.jsonl``: ``<server>`` a digest of
the server's address (its password left out, so a new password keeps the
journal), ``<trainee>`` the trainee's folder name (store.safe_name). Each
line is one JSON object ``{"review": <records.Review.as_doc()>}`` with the
answer's own id. Lines are only appended (one write, then fsync); a process
killed while writing leaves at most an unfinished last line (no newline),
which is ignored, and cut off before the next append. A line that is
complete but not an answer is a one-line error naming ``FILE:LINE``, and the
journal is left as it is. Taking answers out writes the rest aside, fsyncs
it and renames it over the journal (or removes the file when none is left),
so a kill at any point keeps every answer not confirmed. Appending and
rewriting take an exclusive lock on ``<trainee>.jsonl.lock``: two drills of
one trainee on one machine never lose each other's lines.

The state kept
--------------
``$DRILL_HOME/journal/<server>/<trainee>.state.json``: the trainee's state
(profile, card states, tallies, the last answer's number) as the server
held it when a drill last opened or closed the store there (written aside,
fsynced, renamed; readable by its owner only). When the server cannot be
reached as drill starts, the store opens from it with the journal's answers
on top (:class:`Snapshot`), so the trainee drills offline from the start;
answers recorded on the server after it was written (by this machine before
a crash, or by another) are not in it: the queue offline may be a little
behind, and the server's state is what the journal's answers are applied to
when it is back.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import os
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from drill.core import records
from drill.core.errors import ServerAway, StoreError
from drill.core.files import fsync_dir
from drill.core.records import Review

JOURNAL_DIR = "journal"
SUFFIX = ".jsonl"
STATE_SUFFIX = ".state.json"
STATE_FORMAT = 1
# the tables of a state kept, with their records and keys
_STATE_TABLES: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "cards": (records.CardState, lambda r: r.card),
    "days": (records.DayTally, lambda r: r.day),
    "items": (records.ItemTally, lambda r: (r.fw, r.item)),
    "confusions": (records.ConfusionTally, lambda r: (r.fw, r.other)),
    "stages": (records.FrameworkStage, lambda r: r.fw),
}


def server_key(url: str) -> str:
    """A short digest naming the server (and database, user, options) of a
    libpq address; its password is left out."""
    parts = urllib.parse.urlsplit(url.strip())
    netloc = parts.netloc.rsplit("@", 1)
    if len(netloc) == 2:
        netloc[0] = netloc[0].split(":", 1)[0]
    query = sorted((k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
                   if k != "password")
    shown = "|".join([parts.scheme.replace("postgres:", "postgresql:"), "@".join(netloc), parts.path,
                      urllib.parse.urlencode(query)])
    return hashlib.sha1(shown.encode("utf-8")).hexdigest()[:16]


def journal_path(url: str, user: str) -> Path:
    """Where the answers of ``user`` on the server at ``url`` are kept while it is away."""
    from drill import paths
    from drill.core.store import safe_name

    return paths.home() / JOURNAL_DIR / server_key(url) / (safe_name(user) + SUFFIX)


class Journal:
    """One trainee's journal of answers for one server."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    @classmethod
    def of(cls, url: str, user: str) -> Journal:
        return cls(journal_path(url, user))

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    # ------------------------------------------------------------------

    def pending(self) -> bool:
        """Whether the journal holds any line (cheap: one stat)."""
        try:
            return self.path.stat().st_size > 0
        except OSError:
            return False

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot keep answers here: {exc.strerror or exc}", self.path.parent) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def append(self, review: Review) -> None:
        """Add ``review`` (with its id) as the journal's last line, durably:
        when this returns, the line is on disk."""
        if not review.id:
            raise ValueError("an answer journalled needs its own id")
        line = (json.dumps({"review": review.as_doc()}, ensure_ascii=False, separators=(",", ":")) + "\n")
        with self._locked():
            created = not self.path.exists()
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            except OSError as exc:
                raise StoreError(f"cannot keep the answer: {exc.strerror or exc}", self.path) from None
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    # an unfinished last line (a drill killed while writing it) was never acknowledged
                    os.ftruncate(fd, self._last_newline(fd, size))
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            except OSError as exc:
                raise StoreError(f"cannot keep the answer: {exc.strerror or exc}", self.path) from None
            finally:
                os.close(fd)
            if created:
                fsync_dir(self.path.parent)

    @staticmethod
    def _last_newline(fd: int, size: int) -> int:
        """The length of the file up to and with its last newline (0: none)."""
        end = size
        while end > 0:
            start = max(0, end - 65536)
            chunk = os.pread(fd, end - start, start)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                return start + cut + 1
            end = start
        return 0

    def entries(self) -> list[Review]:
        """The answers journalled, oldest first. An unfinished last line is
        left out; a damaged line is a StoreError naming FILE:LINE."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(f"cannot read the journal of answers: {exc.strerror or exc}", self.path) from None
        lines = data.split(b"\n")
        lines.pop()  # what follows the last newline: nothing, or a line a killed drill did not finish
        out: list[Review] = []
        seen: set[str] = set()
        for number, raw in enumerate(lines, 1):
            review = self._parse(raw, number)
            if review.id not in seen:  # (a line written twice counts once)
                seen.add(review.id)
                out.append(review)
        return out

    def _parse(self, raw: bytes, number: int) -> Review:
        def bad(why: str) -> StoreError:
            return StoreError(f"a damaged line in the journal of answers kept while the server was away: "
                              f"{why}; the journal is left as it is", self.path, number)

        try:
            row = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise bad("not JSON") from None
        doc = row.get("review") if isinstance(row, dict) else None
        if not isinstance(doc, dict):
            raise bad("not an answer (expected {\"review\": …})")
        doc = {k: v for k, v in doc.items() if v is not None}  # (new and mature may be unknown)
        wrong = records.problem(records.REVIEW_TABLES, ["reviews", 1, doc])
        if wrong:
            raise bad(wrong)
        if not doc.get("id"):
            raise bad("an answer without its id")
        return Review.from_doc(doc)

    def remove(self, ids: Iterable[str]) -> None:
        """Take the answers ``ids`` (confirmed on the server) out of the
        journal: the rest written aside, fsynced and renamed over it; the
        file removed when nothing is left. Lines appended meanwhile stay."""
        done = set(ids)
        if not done:
            return
        with self._locked():
            try:
                data = self.path.read_bytes()
            except FileNotFoundError:
                return
            except OSError as exc:
                raise StoreError(f"cannot read the journal of answers: {exc.strerror or exc}", self.path) from None
            lines = data.split(b"\n")
            lines.pop()  # an unfinished last line was never acknowledged
            kept = [raw for number, raw in enumerate(lines, 1) if self._parse(raw, number).id not in done]
            try:
                if not kept:
                    self.path.unlink()
                else:
                    tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
                    with open(tmp, "wb") as fh:
                        fh.write(b"".join(raw + b"\n" for raw in kept))
                        fh.flush()
                        os.fsync(fh.fileno())
                    os.replace(tmp, self.path)
            except OSError as exc:
                raise StoreError(f"cannot rewrite the journal of answers: {exc.strerror or exc}",
                                 self.path) from None
            fsync_dir(self.path.parent)


class OfflineState:
    """The trainee's state in memory while the server is away: a copy of
    what the server engine last held, moved on by each answer journalled, so
    the queue and the counts follow the answers. Only answers are kept while
    the server is away: any other change (settings, an override, an undo)
    is refused with :class:`ServerAway` until it is back. Implements the
    engine interface (engine.py) for the reads and the puts of an answer."""

    readonly = False

    def __init__(self, base, where: str = "") -> None:
        self.where = where or getattr(base, "where", "")
        self._profile = dict(base.profile())
        self._seq = base.applied_seq()
        self._tables: dict[str, dict] = {
            "cards": {s.card: s for s in base.cards()},
            "days": {d.day: d for d in base.days()},
            "items": {(t.fw, t.item): t for t in base.items()},
            "confusions": {(t.fw, t.other): t for t in base.confusions()},
            "stages": {s.fw: s for s in base.stages()},
        }

    @classmethod
    def kept(cls, snapshot: Snapshot, where: str) -> OfflineState:
        """The state as a drill last kept it on this machine (:class:`Snapshot`)."""
        state = cls.__new__(cls)
        state.where = where
        state._profile, state._seq, state._tables = snapshot.load()
        return state

    def _away(self, doing: str) -> ServerAway:
        return ServerAway(f"the progress server is away: answers are kept on this machine until it is back, "
                          f"{doing} waits for it", self.where)

    def transaction(self):
        raise self._away("this change")

    def replay(self):
        raise self._away("this change")

    def rebuilding(self):
        raise self._away("a rebuild")

    def refresh(self, wait: bool = True) -> None:
        pass

    def profile(self) -> dict:
        return dict(self._profile)

    def update_profile(self, fields) -> None:
        raise self._away("this change")

    def _get(self, table: str, key):
        found = self._tables[table].get(key)
        return copy.copy(found) if found is not None else None

    def _all(self, table: str):
        return (copy.copy(r) for r in list(self._tables[table].values()))

    def card(self, card_id):
        return self._get("cards", card_id)

    def cards(self):
        return self._all("cards")

    def due_at(self) -> dict[str, float]:
        return {s.card: s.due for s in self._tables["cards"].values()}

    def put_card(self, state) -> None:
        self._tables["cards"][state.card] = copy.copy(state)

    def remove_card(self, card_id) -> None:
        self._tables["cards"].pop(card_id, None)

    def day(self, day):
        return self._get("days", day)

    def days(self):
        return self._all("days")

    def put_day(self, tally) -> None:
        self._tables["days"][tally.day] = copy.copy(tally)

    def item(self, fw, item):
        return self._get("items", (fw, item))

    def items(self):
        return self._all("items")

    def put_item(self, tally) -> None:
        self._tables["items"][(tally.fw, tally.item)] = copy.copy(tally)

    def confusion(self, fw, other):
        return self._get("confusions", (fw, other))

    def confusions(self):
        return self._all("confusions")

    def put_confusion(self, tally) -> None:
        self._tables["confusions"][(tally.fw, tally.other)] = copy.copy(tally)

    def stage(self, fw):
        return self._get("stages", fw)

    def stages(self):
        return self._all("stages")

    def put_stage(self, stage) -> None:
        self._tables["stages"][stage.fw] = copy.copy(stage)

    def remove_stage(self, fw) -> None:
        self._tables["stages"].pop(fw, None)

    def log(self, review: Review, now: float) -> Review:
        """Number ``review`` after the last answer in memory (its number on
        the server is given when it is sent)."""
        self._seq += 1
        return dataclasses.replace(review, seq=self._seq)

    def reviews(self, card=None):
        raise self._away("reading the review log")

    def applied_seq(self) -> int:
        return self._seq

    def lagging(self) -> list[Review]:
        return []

    def mark_applied(self, review: Review) -> None:
        pass

    def has_progress(self) -> bool:
        return self._seq > 0 or any(self._tables[t] for t in ("cards", "days", "items", "stages"))

    def assignments(self) -> list:
        return []  # the server's, read from the server

    def close(self) -> None:
        pass


class Snapshot:
    """The trainee's state on one server, kept on this machine to drill from
    when the server cannot be reached at the start (see the module's
    docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def of(cls, url: str, user: str) -> Snapshot:
        journal = journal_path(url, user)
        return cls(journal.with_name(journal.name.removesuffix(SUFFIX) + STATE_SUFFIX))

    def exists(self) -> bool:
        return self.path.is_file()

    def save(self, base) -> None:
        """Keep the state of the engine ``base`` (what it holds now)."""
        from drill.core.files import write_atomically

        doc = {"format": STATE_FORMAT, "profile": base.profile(), "seq": base.applied_seq(),
               "cards": [r.as_doc() for r in base.cards()], "days": [r.as_doc() for r in base.days()],
               "items": [r.as_doc() for r in base.items()],
               "confusions": [r.as_doc() for r in base.confusions()],
               "stages": [r.as_doc() for r in base.stages()]}
        data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                fh.write(data)

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot keep the progress here: {exc.strerror or exc}", self.path.parent) from None
        write_atomically(self.path, write)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)  # the trainee's own progress

    def load(self) -> tuple[dict, int, dict[str, dict]]:
        """(profile, last answer's number, tables by key); a file that is not
        a state drill kept is one StoreError naming it."""
        def bad(why: str) -> StoreError:
            return StoreError(f"the progress kept on this machine is damaged ({why}); "
                              "it is written again when the server is back", self.path)

        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read the progress kept on this machine: {exc.strerror or exc}",
                             self.path) from None
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise bad("not JSON") from None
        if not isinstance(doc, dict) or doc.get("format") != STATE_FORMAT:
            raise bad("not a state drill kept")
        try:
            profile, seq = doc["profile"], doc["seq"]
            if not isinstance(profile, dict) or not isinstance(seq, int):
                raise TypeError
            tables: dict[str, dict] = {}
            for name, (record, key) in _STATE_TABLES.items():
                found = [record.from_doc(d) for d in doc[name]]
                tables[name] = {key(r): r for r in found}
        except (KeyError, TypeError, ValueError):
            raise bad("a record is missing or wrong") from None
        return dict(profile), seq, tables
