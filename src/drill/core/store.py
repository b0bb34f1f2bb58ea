"""The progress rules: what an answer changes, kept by a storage engine.

Recording an answer logs its review, moves the card's fsrs state on, and
adds to the tallies the stats read: the card's (reviews, lapses), the day's
(reviews, passes, mature reviews, seconds, new cards) and each item's
(seen, missed). An override ("I was right / I was wrong") appends an
amendment to the log and moves the state and the tallies from the old
judgement to the new. All of it happens in one transaction of the engine
(engine.py), so an answer is recorded whole or not at all; where the
engine's log can run ahead of its state (a writer killed between the two
files of the TinyDB engine), the reviews the state lacks are applied again
on opening and before every write, from the log, which is the source of
truth. :meth:`Store.rebuild` makes the whole state again from the log.

The records are typed (records.py): :class:`CardState`, :class:`Review`,
:class:`DayTally` and :class:`ItemTally`. The store's folders, one per
trainee under ``$DRILL_HOME/progress``, are the TinyDB engine's
(tinydb_engine.py), the default. With ``DRILL_STORE`` (``drill --store``)
set to a ``postgresql://`` address, every trainee's progress is kept on that
server instead (pg_engine.py); :meth:`Store.open`, :func:`open_reader`,
:func:`has_store` and :func:`profiles` follow it, so the app and every
command do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import heapq
import json
import math
import operator
import os
import re
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, compress, count, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drill.core import learning, records, scheduler
from drill.core.assignments import Assignment
from drill.core.engine import Engine
from drill.core.errors import ServerAway, StoreError
from drill.core.files import fsync_dir
from drill.core.grading import ItemVerdict, Override
from drill.core.learning import Stage
from drill.core.records import CardState, ConfusionTally, DayTally, FrameworkStage, ItemTally, Review
from drill.core.text import counted
from drill.core.tinydb_engine import (  # noqa: F401  (FAULT_ENV: the kill tests' switch)
    FAULT_ENV, TRAINEE_FILE, TinyEngine, _flat,
)

if TYPE_CHECKING:
    from drill.core.journal import Journal, Snapshot

__all__ = ["CardState", "ConfusionTally", "DayTally", "ItemTally", "Review", "Store", "StoreError", "check"]

# Where progress is kept: unset (or "tinydb"), in TinyDB files under DRILL_HOME;
# a postgresql:// address, on that PostgreSQL server (`drill --store` sets it).
STORE_ENV = "DRILL_STORE"
_SERVER_SCHEMES = ("postgresql://", "postgres://")

# An answer dated more than this after the clock is dated in the future: the
# clock was ahead when it was recorded (a day covers any time zone mix-up).
FUTURE_SLACK_S = 86400.0

# While the server is away, an answer tries it again at most this often
# (an override, an undo or a setting tries it every time).
RETRY_S = 2.0

# The card kinds whose items are tallied one by one.
ITEM_KINDS = ("recall", "cloze", "order")


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


def server() -> str | None:
    """The PostgreSQL address progress is kept at (DRILL_STORE), or None:
    TinyDB files under DRILL_HOME, the default."""
    value = os.environ.get(STORE_ENV, "").strip()
    if not value or value.lower() == "tinydb":
        return None
    if value.lower().startswith(_SERVER_SCHEMES):
        return value
    raise StoreError(f"{STORE_ENV} (--store) is not a progress store drill knows: give a postgresql://USER@HOST/DB "
                     "address, or tinydb for the files under DRILL_HOME")


def _server_engine(url: str, user: str, readonly: bool = False) -> Engine:
    from drill.core.pg_engine import PgEngine

    return PgEngine(url, user.strip(), readonly=readonly)


def reach() -> None:
    """Connect to the progress server, if one is set, and make or upgrade
    drill's tables there: a bad address or a server down is one StoreError
    naming it, before anything else starts."""
    url = server()
    if url is not None:
        from drill.core import pg_engine

        try:
            with contextlib.closing(pg_engine.connect(url)) as conn:
                pg_engine.migrate(conn, pg_engine.where(url))
        except ServerAway:
            if not kept_offline(url):
                raise
            # a trainee's state is kept on this machine: they drill from it until the server is back


def kept_offline(url: str) -> list[str]:
    """The trainees whose state on the server at ``url`` is kept on this
    machine (journal.Snapshot), to drill from while it is away."""
    from drill.core.journal import STATE_SUFFIX, journal_path

    folder = journal_path(url, "x").parent
    try:
        found = [(p.stat().st_mtime, p.name) for p in folder.iterdir() if p.name.endswith(STATE_SUFFIX)]
    except OSError:
        return []
    return [_name_of(name.removesuffix(STATE_SUFFIX)) for _, name in sorted(found, reverse=True)]


def where(user: str) -> str:
    """Where the trainee's progress is kept, for messages: a folder or a server."""
    url = server()
    if url is None:
        return str(store_dir(user))
    from drill.core.pg_engine import where as server_where

    return server_where(url)


def has_store(user: str) -> bool:
    """Whether ``user`` has any progress stored yet (their store or their row on the server)."""
    url = server()
    if url is None:
        return (store_dir(user) / TRAINEE_FILE).is_file()
    from drill.core.pg_engine import has_trainee

    return has_trainee(url, user)


def open_reader(user: str) -> Store:
    """The trainee's store, opened read-only (for stats and the like)."""
    url = server()
    if url is None:
        return Store.open_readonly(store_dir(user))
    return Store(_server_engine(url, user, readonly=True))


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
    """The trainees with a store here (or on the progress server), most recently active first."""
    url = server()
    if url is not None:
        from drill.core.pg_engine import trainee_names

        try:
            names = trainee_names(url)
        except ServerAway:
            names = kept_offline(url)  # the trainees who can drill here until it is back
            if not names:
                raise
    else:
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
    tmp = root / f".last-trainee.{os.getpid()}.tmp"
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp.write_text(user, "utf-8")
        os.replace(tmp, root / "last-trainee")
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(f"cannot write to the progress folder: {exc.strerror or exc}", root) from None
    fsync_dir(root)


@dataclass
class DeckCounts:
    due: int  # due now
    new: int  # new cards to study today: the unseen, up to what today's limit still allows
    total: int
    mastery: float
    unseen: int = 0  # cards never answered (suspended and buried ones left out)


@dataclass
class Receipt:
    """What recording an answer changed, so an override can redo it."""

    review: Review  # as it now stands (the latest amendment of it)
    card_before: CardState | None
    card_seq: int = 0  # the card state's number once this process last changed it
    amends: int = 0  # the card's count of overrides when this process last changed it

    @property
    def seq(self) -> int:
        return self.review.amends or self.review.seq


@dataclass
class _Deltas:
    """What one review adds to the tallies."""

    day: str
    day_delta: dict[str, float]
    items: list[tuple[str, str, str, int]] = field(default_factory=list)  # fw, deck, item, missed
    confusions: list[tuple[str, str, str]] = field(default_factory=list)  # fw, deck, the other's name


def _new_id() -> str:
    """A new answer's own id."""
    return str(uuid.uuid4())


def _day(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).date().isoformat()


class Store:
    """One trainee's progress: open with :meth:`open` (or :meth:`open_readonly`)."""

    def __init__(self, engine: Engine, folder: Path | None = None, journal=None) -> None:
        self.engine = engine
        self.folder = folder
        self.readonly = engine.readonly
        self.wrote = False  # this drill wrote to the store: a backup is made on close
        # a server store's answers while the server is away (journal.py); None for files
        self.journal: Journal | None = journal if not engine.readonly else None
        # the engine itself (``engine`` is the state in memory while offline); None: a server
        # store opened while its server was away, connected by ``_connect`` once it is back
        self._server: Engine | None = engine
        self._connect: Callable[[], Engine] | None = None
        self.snapshot: Snapshot | None = None  # a server store's state kept on this machine
        self.offline = False  # the server is away: answers go to the journal, the state moves in memory
        self.kept_locally = 0  # answers this drill journalled while the server was away
        self._tried = 0.0  # when the server was last tried while away (time.monotonic)
        self._receipts: dict[str, Receipt] = {}  # the receipts of answers journalled, by answer id
        self._busy = threading.RLock()  # held while an answer is recorded (the app's look skips it then)
        # the state lacked answers the log holds (a writer killed while recording)
        self.lagged = bool(engine.lagging())
        if self.lagged:
            with engine.replay():
                self._catch_up()

    # opening ---------------------------------------------------------------

    @classmethod
    def open(cls, user: str, folder: Path | None = None) -> Store:
        """The trainee's store, to drill: their folder (``folder``, or theirs
        under DRILL_HOME), or their progress on the server DRILL_STORE names."""
        url = server() if folder is None else None
        if url is not None:
            safe_name(user)  # the same names on a server as in folders
            from drill.core.journal import Journal, Snapshot

            journal, snapshot = Journal.of(url, user), Snapshot.of(url, user)
            try:
                engine = _server_engine(url, user)
            except ServerAway as exc:
                if not snapshot.exists():
                    raise StoreError(f"{exc.message}; no progress of {user!r} is kept on this machine "
                                     "to drill from until it is back", exc.path) from None
                return cls._opened_offline(url, user, journal, snapshot, exc.path or "")
            store = cls(engine, journal=journal)
            store.snapshot = snapshot
        else:
            folder = folder or store_dir(user)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot make the progress folder: {exc.strerror}", folder) from None
            store = cls(TinyEngine(folder, readonly=False), folder)
        # a login that is a person on the server opens that person's progress, under their name
        user = getattr(store.engine, "person", None) or user
        if not store.engine.profile():
            with store.engine.transaction():
                if not store.engine.profile():
                    store.engine.update_profile({"name": user, "settings": scheduler.Settings().as_json(),
                                                 "created": time.time()})
        # answers a drill kept while the server was away; a state kept here the first time
        # (closing keeps it again)
        if store.send_journal() and store.snapshot is not None and not store.snapshot.exists():
            store._keep_state()
        return store

    @classmethod
    def _opened_offline(cls, url: str, user: str, journal, snapshot, where: str) -> Store:
        """The server cannot be reached as drill starts: drill from the state
        kept on this machine (journal.Snapshot), the journal's answers on
        top; the server is tried again as answers come, as when it goes away
        during a session."""
        from drill.core.journal import OfflineState

        state = OfflineState.kept(snapshot, where)
        store = cls(state, journal=journal)
        store._server = None
        store._connect = lambda: _server_engine(url, user)
        store.snapshot = snapshot
        store._go_offline()
        return store

    def _keep_state(self) -> None:
        """Keep the server's state on this machine, to drill from if the
        server is away at the next start (never fails the store)."""
        if self.snapshot is None or self._server is None or self.offline:
            return
        with contextlib.suppress(StoreError):
            self.snapshot.save(self._server)

    @property
    def person(self) -> str | None:
        """The trainee whose own login opened the store on a server (None: a
        store opened by name, or one opened while its server was away)."""
        return getattr(self._server, "person", None)

    @classmethod
    def open_readonly(cls, folder: Path) -> Store:
        if not (folder / TRAINEE_FILE).is_file():
            raise StoreError("not a drill progress store (no trainee.json)", folder)
        return cls(TinyEngine(folder, readonly=True), folder)

    @property
    def lock(self):
        """The TinyDB engine's lock (backups copy the files under it)."""
        return getattr(self.engine, "lock", contextlib.nullcontext())

    @property
    def name(self) -> str:
        return self.engine.profile().get("name") or (self.folder.name if self.folder else "")

    @property
    def settings(self) -> scheduler.Settings:
        return scheduler.Settings.from_json(self.engine.profile().get("settings"))

    def set_settings(self, settings: scheduler.Settings) -> None:
        self._set_profile_value("settings", settings.as_json())

    def update_settings(self, **changes) -> scheduler.Settings:
        """Change some settings (fields of scheduler.Settings), keeping the others
        as the store holds them now: another drill's change to them stays."""
        self.wrote = True
        self._online(force=True)
        with self.engine.transaction():  # read under the lock, after what others wrote
            updated = dataclasses.replace(self.settings, **changes)
            self.engine.update_profile({"settings": updated.as_json()})
        return updated

    def reread(self) -> None:
        """Take in what another drill wrote to the store since this one last read,
        unless another drill is writing now (it never waits: the app's look).
        Answers kept while the server was away are sent first, if it is back."""
        if self.journal is not None and (self.offline or self.journal.pending()):
            if not self._busy.acquire(blocking=False):
                return  # an answer is being recorded (and sends the journal itself)
            try:
                if not self._online():
                    return  # still away: the state in memory is the latest
            finally:
                self._busy.release()
        self.engine.refresh(wait=False)

    # choices kept between sessions -----------------------------------------

    def _profile_value(self, key: str, default=None):
        return self.engine.profile().get(key, default)

    def _set_profile_value(self, key: str, value) -> None:
        self.wrote = True
        self._online(force=True)
        with self.engine.transaction():
            self.engine.update_profile({key: value})

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

    def adopt(self, decks) -> int:
        """File each card's state, and each item's tally, under the deck that
        now holds it: a deck that got an id of its own (or a deck file
        renamed before decks had ids) keeps its progress. The last session's
        decks follow. Returns how many card states moved; writes nothing
        when none did."""
        if self.readonly:
            return 0

        def strays() -> list[CardState]:
            states = self.engine.due_at()  # every card with a state
            owner: dict[str, str] = {}  # the first deck holding each of them
            if states:
                for deck in decks:
                    deck_id = deck.id
                    for card_id in deck.card_keys().ids:  # (a deck from the deck cache makes no card for this)
                        if card_id in states and card_id not in owner:
                            owner[card_id] = deck_id
            found = []
            for card_id, deck_id in owner.items():
                state = self.engine.card(card_id)
                if state is not None and state.deck != deck_id:
                    found.append(dataclasses.replace(state, deck=deck_id))
            return found

        if not strays():
            return 0
        fw_owner: dict[str, str] = {}
        for deck in decks:
            for fw in deck.card_keys().frameworks:
                fw_owner.setdefault(fw, deck.id)
        self.wrote = True
        self._online(force=True)
        with self.engine.transaction():
            moved = strays()
            renamed = {}
            for state in moved:
                old = self.engine.card(state.card)
                if old is not None:
                    renamed[old.deck] = state.deck
                self.engine.put_card(state)
            for tally in list(self.engine.items()):
                deck_id = fw_owner.get(tally.fw)
                if deck_id is not None and tally.deck != deck_id:
                    self.engine.put_item(dataclasses.replace(tally, deck=deck_id))
            last = self.last_decks()
            if any(d in renamed for d in last):
                self.engine.update_profile({"last_decks": list(dict.fromkeys(renamed.get(d, d) for d in last))})
        return len(moved)

    # the queue -------------------------------------------------------------

    def card_state(self, card_id: str) -> CardState | None:
        return self.engine.card(card_id)

    def due_at(self) -> dict[str, float]:
        return self.engine.due_at()

    def new_seen_today(self, now: float | None = None) -> int:
        tally = self.engine.day(_day(now or time.time()))
        return int(tally.new) if tally else 0

    # suspending and burying -------------------------------------------------

    def suspended(self) -> set[str]:
        """The ids of the cards suspended: never drilled until unsuspended."""
        value = self._profile_value("suspended") or []
        return {c for c in value if isinstance(c, str)}

    def buried(self, now: float | None = None) -> set[str]:
        """The ids of the cards buried today: back tomorrow."""
        today = _day(now or time.time())
        value = self._profile_value("buried") or {}
        return {c for c, day in value.items() if day == today} if isinstance(value, dict) else set()

    def held(self, now: float | None = None) -> set[str]:
        """The cards left out of today's queue: suspended or buried."""
        return self.suspended() | self.buried(now)

    def suspend(self, card_ids, now: float | None = None) -> None:
        self._set_profile_value("suspended", sorted(self.suspended() | set(card_ids)))

    def unsuspend(self, card_ids=None) -> int:
        """Unsuspend ``card_ids`` (every card when None); how many were suspended."""
        held = self.suspended()
        freed = held if card_ids is None else held & set(card_ids)
        if freed:
            self._set_profile_value("suspended", sorted(held - freed))
        return len(freed)

    def bury(self, card_ids, now: float | None = None) -> None:
        """Leave ``card_ids`` out until tomorrow; only today's burials are kept."""
        today = _day(now or time.time())
        kept = {c: today for c in self.buried(now)}
        kept.update({c: today for c in card_ids})
        self._set_profile_value("buried", kept)

    # the queue -------------------------------------------------------------

    def new_left_today(self, now: float | None = None) -> int:
        """How many new cards today's limit still allows."""
        now = now or time.time()
        return max(0, self.settings.new_per_day + self.more_new_today(now) - self.new_seen_today(now))

    def stages(self) -> dict[str, str]:
        """The learning stage (learning.Stage) of each framework being learned, by its id."""
        return {s.fw: s.stage for s in self.engine.stages() if s.stage}

    def queue(self, decks, due_only: bool = False, now: float | None = None,
              teach: learning.Learning | None = None) -> list:
        """Today's cards from ``decks``: due first, then the frameworks being
        learned at their stage, then new up to the day's limit; suspended and
        buried cards left out.

        With the ``learn_first`` setting on, a new framework comes as its
        first sight (counted as one new card), and its other cards wait
        until it is learned (learning.py); ``teach`` makes the cards of each
        stage (by default from ``decks`` and the reference deck)."""
        now = now or time.time()
        decks = list(decks)
        learn_first = self.settings.learn_first
        if learn_first and teach is None:
            teach = default_learning(decks)
        return queue_of(decks, self.due_at(), self.held(now), self.stages() if learn_first else None,
                        teach, self.new_left_today(now), now, due_only)

    def deck_counts(self, deck, now: float | None = None) -> DeckCounts:
        """What ``deck`` offers now: cards due, new cards today's limit still
        allows (suspended and buried cards left out of both), all its cards,
        and the share mastered.

        With the learning steps on, a framework part-learned counts as one
        card due (its stage's card comes today), a framework not yet seen as
        one new card (its first sight), and the other cards of a framework
        not yet learned as neither (they wait until it is)."""
        return self._counts([deck], now)[0]

    def decks_counts(self, decks, now: float | None = None) -> list[DeckCounts]:
        """:meth:`deck_counts` of each of ``decks``, what they share (the
        store's states, the settings, the held cards) read once."""
        return self._counts(decks, now)

    def _counts(self, decks, now: float | None) -> list[DeckCounts]:
        now = now or time.time()
        held = self.held(now)
        due_at = self.due_at()  # every card with a state, and when it is due
        learn = self.settings.learn_first
        stages = self.stages() if learn else {}
        left = self.new_left_today(now)
        learned = Stage.LEARNED.value
        out = []
        for deck in decks:
            keys = deck.card_keys()
            cards = dict(zip(keys.ids, zip(keys.frameworks, keys.kinds)))  # (the last card of an id)
            seen = [card_id for card_id in cards if card_id in due_at]
            scheduled = {cards[card_id][0] for card_id in seen}
            due = new = mastered = 0
            if len(seen) < len(cards):
                for card_id, (fw, kind) in cards.items():
                    if card_id in due_at or card_id in held:
                        continue
                    stage = stages.get(fw)
                    if not learn or fw in scheduled or stage == learned:
                        new += 1
                    elif kind == "recall":
                        due += bool(stage)  # part-learned: its stage's card is due
                        new += not stage  # not seen yet: its first sight is new
            for card_id in seen:
                state = self.engine.card(card_id)
                if state is None:  # (gone since due_at was read: none is, in one thread)
                    continue
                due += state.due <= now and card_id not in held
                mastered += state.stability >= scheduler.MASTERED_DAYS
            out.append(DeckCounts(due, min(new, left), len(cards),
                                  mastered / len(cards) if cards else 0.0, unseen=new))
        return out

    def next_due(self, card_ids: set[str] | None = None, now: float | None = None) -> float | None:
        """When the next card (of ``card_ids``, or any) falls due after ``now``."""
        now = now or time.time()
        times = [due for card, due in self.due_at().items()
                 if due > now and (card_ids is None or card in card_ids)]
        return min(times) if times else None

    # the class's work ------------------------------------------------------

    def assignments(self) -> list[Assignment]:
        """The decks set to the trainee's classes, soonest due first (none on
        a TinyDB store; none to show while the progress server is away)."""
        try:
            return self._server.assignments() if self._server is not None else []
        except ServerAway:
            return []

    # recording -------------------------------------------------------------

    def applied_seq(self) -> int:
        """The number of the last answer whose state and tallies the store holds."""
        return self.engine.applied_seq()

    def record(self, answered, now: float | None = None) -> Receipt:
        """Store an answer durably: the review, the card's new state, the tallies,
        in one transaction. On a server store whose server is away (or goes
        away during the answer, even during its commit) the answer is kept in
        the local journal instead, acknowledged once it is on disk, and the
        state moves on in memory; the journal is sent when the server is back."""
        now = now or time.time()
        answer_id = _new_id()  # the same id whichever way the answer goes
        if self.journal is None:
            return self._record(answered, now, answer_id)
        with self._busy:
            if not self._online():
                return self._record_offline(answered, now, answer_id)
            try:
                return self._record(answered, now, answer_id)
            except ServerAway:
                self._go_offline()
                return self._record_offline(answered, now, answer_id)

    def _record(self, answered, now: float, answer_id: str) -> Receipt:
        engine = self.engine
        with engine.transaction():
            self._catch_up()
            before = None if learning.is_step(answered.card) else engine.card(answered.card.id)
            rating = self._rating(answered)
            applied = engine.applied_seq()
            review = engine.log(self._review(answered, rating, now, before, answer_id), now)
            if review.seq > applied:  # not an answer the log held already (sent again)
                self._apply(review, before)
            self.wrote = True
        state = engine.card(answered.card.id)
        receipt = Receipt(review, before, state.seq if state else 0, before.amends if before else 0)
        answered.rating = rating
        answered.due = dt.datetime.fromtimestamp(state.due) if state else None
        answered.receipt = receipt
        return receipt

    # the server away ------------------------------------------------------

    def _record_offline(self, answered, now: float, answer_id: str) -> Receipt:
        """Keep the answer in the journal (fsynced: then it is acknowledged)
        and move the state in memory on by it."""
        engine = self.engine
        before = None if learning.is_step(answered.card) else engine.card(answered.card.id)
        rating = self._rating(answered)
        review = dataclasses.replace(self._review(answered, rating, now, before, answer_id),
                                     seq=engine.applied_seq() + 1)
        self._kept().append(review)
        review = engine.log(review, now)
        self._apply(review, before)
        self.wrote = True
        self.kept_locally += 1
        state = engine.card(answered.card.id)
        receipt = Receipt(review, before, state.seq if state else 0, before.amends if before else 0)
        self._receipts[review.id] = receipt
        answered.rating = rating
        answered.due = dt.datetime.fromtimestamp(state.due) if state else None
        answered.receipt = receipt
        return receipt

    def _kept(self) -> Journal:
        assert self.journal is not None  # (a server store's)
        return self.journal

    def send_journal(self) -> bool:
        """Send the answers kept while the server was away, if it is back;
        whether the store is on the server now (True for a store of files)."""
        return self._online(force=True)

    def _online(self, force: bool = False) -> bool:
        """Whether the server is reachable with the journal sent: while it
        is away, it is tried again (at most every RETRY_S unless ``force``),
        the journal's answers sent, and the store goes back on the server."""
        if self.journal is None:
            return True
        if not self.offline and not self.journal.pending():
            return True
        if self.offline and not force and time.monotonic() - self._tried < RETRY_S:
            return False
        self._tried = time.monotonic()
        try:
            self._send()
        except ServerAway:
            self._go_offline()
            return False
        if self.offline:
            assert self._server is not None  # (made by _send)
            self.offline = False
            self.engine = self._server
        return True

    def _send(self) -> None:
        """Send the journal's answers in order, each in its own transaction:
        one the server holds already (a commit whose outcome was unknown, or a
        drill killed before it took the answer out of the journal) is not
        recorded again and moves nothing; each answer the server confirmed is
        taken out of the journal, the others kept."""
        if self._server is None:  # opened while the server was away
            assert self._connect is not None
            self._server = self._connect()
        entries = self._kept().entries()
        if not entries:
            return
        server = self._server
        assert server is not None
        kept, self.engine = self.engine, server  # the rules work on the server's state
        done: list[str] = []
        try:
            for review in entries:
                with server.transaction():
                    self._catch_up()
                    before = None if review.stage in learning.STEPS else server.card(review.card)
                    applied = server.applied_seq()
                    logged = server.log(dataclasses.replace(
                        review, seq=0, new=self._is_new(review.stage, before), mature=self._mature(before)),
                        review.at)
                    fresh = logged.seq > applied
                    if fresh:
                        self._apply(logged, before)
                    self.wrote = True
                done.append(review.id)
                self._sent(review.id, logged, before, fresh)
        finally:
            self.engine = kept
            self._kept().remove(done)

    def _sent(self, answer_id: str, logged: Review, before: CardState | None, fresh: bool) -> None:
        """An answer of this drill's journal is on the server: its receipt
        now holds its number there (so it can be overridden or undone)."""
        receipt = self._receipts.pop(answer_id, None)
        if receipt is None:
            return
        assert self._server is not None
        state = self._server.card(logged.card)
        receipt.review = logged
        if fresh:
            receipt.card_before = before
            receipt.card_seq = state.seq if state else 0
            receipt.amends = before.amends if before else 0
        else:
            receipt.card_seq = -1  # recorded by its first try: an override rebuilds the card from its log

    def _go_offline(self) -> None:
        """The server is away: answers go to the journal from now on, the
        state (with the journal's answers) kept in memory."""
        self._tried = time.monotonic()
        if self.offline:
            return
        from drill.core.journal import OfflineState

        # the state kept on this machine when the store opened without its server
        state = OfflineState(self._server) if self._server is not None else self.engine
        kept, self.engine = self.engine, state
        try:
            # answers journalled before (by a drill that stopped) move the state in memory too
            for review in self._kept().entries():
                before = None if review.stage in learning.STEPS else state.card(review.card)
                self._apply(state.log(review, review.at), before)
        except BaseException:
            self.engine = kept
            raise
        self.offline = True

    def amend(self, answered, now: float | None = None) -> None:
        """The trainee overrode the judgement of ``answered``: log an amendment
        and move the state and the tallies from the old judgement to the new.

        When another process reviewed the same card since, or overrode one
        of its reviews, the card's state is rebuilt from its log.
        """
        receipt: Receipt = answered.receipt
        now = now or time.time()
        self._online(force=True)
        engine = self.engine
        self.wrote = True
        rating = self._rating(answered)
        with engine.transaction():
            amendment, amends, moved = self._take_back(receipt, dataclasses.replace(
                receipt.review, rating=rating, overridden=answered.overridden, verdict=answered.verdict,
                score=round(answered.score, 4), amends=receipt.seq), now)
            if amendment.stage:
                self._put_step(dataclasses.replace(amendment, seq=receipt.seq))
            if amendment.stage in learning.STEPS:
                pass  # a learning step moves no card's state
            elif moved:
                receipt.card_before = self._rebuild_card(answered.card.id, receipt.seq)
            else:
                # the state counts the answer at its own place in the log
                self.engine.put_card(self._card_after(dataclasses.replace(amendment, seq=receipt.seq),
                                                 receipt.card_before))
            self._add_deltas(self._deltas(amendment), 1)
            state = engine.card(answered.card.id)
            if state is not None:
                engine.put_card(dataclasses.replace(state, amends=amends + 1))
        state = engine.card(answered.card.id)
        receipt.review = amendment
        # the state counts this answer last only when no other drill answered the card since;
        # otherwise a later override or undo must rebuild it again
        receipt.card_seq = state.seq if state and state.seq == receipt.seq else -1
        receipt.amends = amends + 1
        answered.rating = rating
        answered.due = dt.datetime.fromtimestamp(state.due) if state else None

    def undo(self, answered, now: float | None = None) -> None:
        """Take back the answer ``answered`` (the trainee's undo): log an
        amendment that undoes it, and put the card's state and the tallies
        back as they were before it. The log keeps both records."""
        receipt: Receipt = answered.receipt
        now = now or time.time()
        self._online(force=True)
        engine = self.engine
        self.wrote = True
        with engine.transaction():
            _logged, amends, moved = self._take_back(
                receipt, dataclasses.replace(receipt.review, amends=receipt.seq, undone=True), now)
            if receipt.review.stage:
                self._drop_step(receipt.review.fw, receipt.seq)
            if receipt.review.stage in learning.STEPS:
                pass  # a learning step moved no card's state
            elif moved:
                self._rebuild_card(answered.card.id, receipt.seq)
            elif receipt.card_before is None:
                engine.remove_card(answered.card.id)
            else:
                engine.put_card(dataclasses.replace(receipt.card_before, amends=amends + 1))
            state = engine.card(answered.card.id)
            if state is not None and state.amends != amends + 1:
                engine.put_card(dataclasses.replace(state, amends=amends + 1))
        answered.receipt = None
        answered.rating = 0
        answered.due = None

    def _take_back(self, receipt: Receipt, amendment: Review, now: float) -> tuple[Review, int, bool]:
        """Log ``amendment`` of the answer ``receipt`` holds, and take that
        answer out of the tallies. Returns the amendment as logged, the card's
        count of amendments, and whether the card's state moved on since this
        drill last changed it (another drill answered the card, or amended one
        of its answers): then it must be rebuilt from its log."""
        engine = self.engine
        self._catch_up()
        logged = engine.log(dataclasses.replace(amendment, id=_new_id()), now)
        current = engine.card(receipt.review.card)
        amends = current.amends if current else 0
        moved = (current is not None and current.seq != receipt.card_seq) or amends != receipt.amends
        self._add_deltas(self._deltas(receipt.review), -1)
        return logged, amends, moved

    def _rating(self, answered) -> scheduler.Rating:
        return scheduler.rating_for(answered.verdict, answered.score, answered.seconds,
                                    sum(len(a) for a in answered.card.answer), answered.hints,
                                    answered.overridden)

    def _review(self, answered, rating: scheduler.Rating, now: float, before: CardState | None,
                answer_id: str | None = None) -> Review:
        card = answered.card
        return Review(
            card=card.id, deck=card.deck, fw=card.framework, kind=card.kind, at=round(now, 3),
            typed=answered.typed, items=[[i.expected, i.typed, str(i.verdict)] for i in answered.grade.items],
            extra=list(answered.grade.extra), score=round(answered.score, 4), verdict=answered.verdict,
            rating=rating, seconds=round(answered.seconds, 2), hints=answered.hints,
            overridden=answered.overridden, new=self._is_new(card.stage, before), mature=self._mature(before),
            intrusions=[[i.typed, i.framework] for i in answered.grade.intrusions], stage=card.stage,
            id=answer_id or _new_id(),
        )

    @staticmethod
    def _is_new(stage: str, before: CardState | None) -> bool:
        """Whether an answer counts as a new card's: a framework's first sight
        does, its later learning steps and first full recall do not."""
        if stage:
            return stage == Stage.SHOW
        return before is None

    @staticmethod
    def _mature(before: CardState | None) -> bool:
        return scheduler.interval_days(before.fsrs if before else None) >= scheduler.MASTERED_DAYS

    def _catch_up(self) -> None:
        """Apply, oldest first, the reviews the log holds and the state lacks."""
        engine = self.engine
        for review in engine.lagging():
            if review.amends:
                self._apply_amendment(review)
            else:
                card = engine.card(review.card)
                # a state cut inside a write may hold the card's new state but not the tallies
                written = card is not None and card.seq >= review.seq
                self._apply(review, card, card=not written)
            engine.mark_applied(review)

    def _apply_amendment(self, amendment: Review) -> None:
        """Apply a logged amendment the state lacks: its review's tallies
        moved to the new judgement, the card rebuilt from its log."""
        mine = [r for r in self.engine.reviews(amendment.card) if r.seq < amendment.seq]
        old = next((r for r in records.effective(mine) if r.seq == amendment.amends), None)
        if old is not None:
            self._add_deltas(self._deltas(old), -1)
        if amendment.stage:
            if amendment.undone:
                self._drop_step(amendment.fw, amendment.amends)
            else:
                self._put_step(dataclasses.replace(amendment, seq=amendment.amends))
        if amendment.stage not in learning.STEPS:
            self._rebuild_card(amendment.card, amendment.amends)
        if not amendment.undone:
            self._add_deltas(self._deltas(amendment), 1)
        state = self.engine.card(amendment.card)
        if state is not None:
            self.engine.put_card(dataclasses.replace(state, amends=state.amends + 1))

    def _rebuild_card(self, card_id: str, seq: int) -> CardState | None:
        """Rebuild the card's state from every review of it in the log, in
        order; return its state just before the review numbered ``seq``."""
        current = self.engine.card(card_id)
        state: CardState | None = None
        before: CardState | None = None
        for review in records.effective(self.engine.reviews(card_id)):
            if review.stage in learning.STEPS:
                continue  # a learning step moves no card's state
            if review.seq == seq:
                before = state
            state = self._card_after(review, state)
        if state is not None:
            self.engine.put_card(dataclasses.replace(state, amends=current.amends if current else 0))
        elif current is not None:
            self.engine.remove_card(card_id)  # every answer to it was taken back
        return before

    def _card_after(self, review: Review, before: CardState | None) -> CardState:
        """The card's state after ``review``, from its state ``before``."""
        when = dt.datetime.fromtimestamp(review.at, dt.UTC)
        state = scheduler.review(before.fsrs if before else None, review.rating, when, self.settings)
        passed = review.rating > scheduler.Rating.AGAIN
        return CardState(
            card=review.card, deck=review.deck, fw=review.fw, kind=review.kind, fsrs=state,
            due=scheduler.due_of(state).timestamp(), stability=scheduler.stability_of(state),
            reps=(before.reps if before else 0) + 1,
            lapses=(before.lapses if before else 0) + (0 if passed else 1),
            first=before.first if before else review.at, last=review.at,
            seq=review.seq, amends=before.amends if before else 0,
        )

    def _apply(self, review: Review, before: CardState | None, card: bool = True) -> None:
        """Move the card's state on by ``review`` and add it to the tallies."""
        if review.new is None or review.mature is None:  # a review an older drill logged
            review = dataclasses.replace(review, new=self._is_new(review.stage, before),
                                         mature=self._mature(before))
        if review.stage:
            self._put_step(review)
        if card and review.stage not in learning.STEPS:
            self.engine.put_card(self._card_after(review, before))
        self._add_deltas(self._deltas(review), 1)

    def _put_step(self, review: Review) -> None:
        """The framework's stage after the learning answer ``review`` (numbered
        as the answer it stands for), in place of any step of that answer."""
        after = learning.stage_after(review.stage, review.verdict)
        known = self.engine.stage(review.fw) or FrameworkStage(review.fw, review.deck)
        steps = sorted([step for step in known.steps if step[0] != review.seq] + [[review.seq, after.value]])
        self.engine.put_stage(FrameworkStage(review.fw, review.deck, steps))

    def _drop_step(self, fw: str, seq: int) -> None:
        """Take the learning answer numbered ``seq`` out of the framework's stage."""
        known = self.engine.stage(fw)
        if known is None:
            return
        steps = [step for step in known.steps if step[0] != seq]
        if steps:
            self.engine.put_stage(FrameworkStage(fw, known.deck, steps))
        else:
            self.engine.remove_stage(fw)

    @staticmethod
    def _deltas(review: Review) -> _Deltas:
        """What ``review`` adds to the tallies (from the review alone)."""
        if review.stage in learning.STEPS:
            # a learning step is no review: it counts as studied, never towards retention
            return _Deltas(_day(review.at), {"learning": 1, "seconds": round(review.seconds, 2),
                                             "new": int(bool(review.new))})
        passed = review.rating > scheduler.Rating.AGAIN
        mature = bool(review.mature)
        out = _Deltas(_day(review.at), {
            "reviews": 1, "passed": int(passed), "mature": int(mature),
            "mature_passed": int(mature and passed), "seconds": round(review.seconds, 2),
            "new": int(bool(review.new))})
        if review.kind in ITEM_KINDS:
            # "I was wrong" marks weak only the items that were wrong, never one typed right
            for expected, _typed, verdict in review.items:
                missed = review.overridden != Override.RIGHT and verdict not in (
                    ItemVerdict.CORRECT, ItemVerdict.OUT_OF_PLACE)
                out.items.append((review.fw, review.deck, expected, int(missed)))
        for other in dict.fromkeys(name for _typed, name in review.intrusions):
            out.confusions.append((review.fw, review.deck, other))
        return out

    def _add_deltas(self, deltas: _Deltas, sign: int) -> None:
        engine = self.engine
        day = engine.day(deltas.day) or DayTally(deltas.day)
        for key, value in deltas.day_delta.items():
            setattr(day, key, max(0, round(getattr(day, key) + sign * value, 2)))
        engine.put_day(day)
        for fw, deck, item, missed in deltas.items:
            tally = engine.item(fw, item) or ItemTally(fw, deck, item)
            tally.seen = max(0, tally.seen + sign)
            tally.missed = max(0, tally.missed + sign * missed)
            engine.put_item(tally)
        for fw, deck, other in deltas.confusions:
            confused = engine.confusion(fw, other) or ConfusionTally(fw, deck, other)
            confused.count = max(0, confused.count + sign)
            engine.put_confusion(confused)

    # reading ---------------------------------------------------------------

    def cards(self) -> list[CardState]:
        return list(self.engine.cards())

    def days(self) -> list[DayTally]:
        return list(self.engine.days())

    def items(self) -> list[ItemTally]:
        return list(self.engine.items())

    def confusions(self) -> list[ConfusionTally]:
        return list(self.engine.confusions())

    def reviews(self) -> Iterator[Review]:
        """Every answer recorded, as it now stands (overrides folded in), in order."""
        return iter(records.effective(self.engine.reviews()))

    def rebuild(self) -> None:
        """Rebuild every card's state and every tally from the review log,
        answer by answer (the profile kept)."""
        self._online(force=True)
        with self.engine.rebuilding():
            for review in records.effective(self.engine.reviews()):
                before = self.engine.card(review.card)
                self._apply(dataclasses.replace(review, new=None, mature=None), before)
                if review.overridden:
                    state = self.engine.card(review.card)
                    if state is not None:
                        self.engine.put_card(dataclasses.replace(state, amends=state.amends + 1))
        self.wrote = True

    def close(self) -> None:
        if self.journal is not None and (self.offline or self.journal.pending()):
            with contextlib.suppress(StoreError):
                self._online(force=True)  # a last try: otherwise the next drill sends them
        if self._server is None:
            return  # never reached the server: the journal waits for the next drill
        self._keep_state()
        self._server.close()  # first: closing may tidy the files (the TinyDB engine packs closed months)
        if self.wrote and not self.readonly and self.folder is not None:
            from drill.core import backups

            if backups.due(self.folder):
                backups.make(self)
            self.wrote = False


def check(folder: Path) -> list[str]:
    """Every problem of the store in ``folder``, one line each (none: healthy):
    a file that cannot be read or holds a record of the wrong shape, a log
    cut short, answers the state lacks, card states and tallies that do not
    count the reviews in the log. Reads, never writes."""
    try:
        return _problems(Store.open_readonly(folder), str(folder / TRAINEE_FILE), str(folder))
    except StoreError as exc:
        return [str(exc)]


def check_trainee(user: str) -> list[str]:
    """:func:`check` of the trainee's store: their folder, or their progress
    on the server DRILL_STORE names."""
    if server() is None:
        return check(store_dir(user))
    try:
        store = open_reader(user)
        try:
            shown = where(user)
            return _problems(store, shown, shown)
        finally:
            store.close()
    except StoreError as exc:
        return [str(exc)]


def _problems(store: Store, trainee: str, folder: str) -> list[str]:
    """The problems of ``store`` (see :func:`check`), the state named
    ``trainee`` in them and the store ``folder``."""
    problems = []
    if store.lagged:
        problems.append(f"{trainee}: the card states lack answers the review log holds "
                        "(a drill killed while recording)")
    per_card: Counter[str] = Counter()
    per_day: Counter[str] = Counter()
    per_item: Counter[tuple[str, str]] = Counter()
    ahead = time.time() + FUTURE_SLACK_S
    future = [r.at for r in store.reviews() if r.at > ahead]
    if future:
        latest = dt.datetime.fromtimestamp(max(future)).date().isoformat()
        problems.append(f"{folder}: {counted(len(future), 'answer')} dated in the future (the latest on "
                        f"{latest}): the clock was ahead when they were recorded, so their cards "
                        "are scheduled from that date")
    per_step: Counter[str] = Counter()
    stages: dict[str, str] = {}
    for r in store.reviews():
        if r.stage:
            stages[r.fw] = learning.stage_after(r.stage, r.verdict).value
        if r.stage in learning.STEPS:
            per_step[_day(r.at)] += 1  # a learning step: no card state, no review of the day
            continue
        per_card[r.card] += 1
        per_day[_day(r.at)] += 1
        if r.kind in ITEM_KINDS:
            for expected, _typed, _verdict in r.items:
                per_item[(r.fw, expected)] += 1
    reps = {state.card: state.reps for state in store.cards()}
    wrong = sorted(c for c in set(reps) | set(per_card) if reps.get(c, 0) != per_card.get(c, 0))
    if wrong:
        problems.append(f"{trainee}: {len(wrong)} card states do not count the reviews of them in the log "
                        f"(the first: {wrong[0]}: {reps.get(wrong[0], 0)} in the state, "
                        f"{per_card.get(wrong[0], 0)} in the log)")
    days = {tally.day: tally.reviews for tally in store.days()}
    wrong = sorted(d for d in set(days) | set(per_day) if days.get(d, 0) != per_day.get(d, 0))
    if wrong:
        problems.append(f"{trainee}: the tallies of {counted(len(wrong), 'day')} do not count the reviews "
                        f"in the log (the first: {wrong[0]})")
    steps = {tally.day: tally.learning for tally in store.days() if tally.learning}
    wrong = sorted(d for d in set(steps) | set(per_step) if steps.get(d, 0) != per_step.get(d, 0))
    if wrong:
        problems.append(f"{trainee}: the tallies of {counted(len(wrong), 'day')} do not count the learning "
                        f"answers in the log (the first: {wrong[0]})")
    kept = store.stages()
    astray = sorted(fw for fw in set(kept) | set(stages) if kept.get(fw) != stages.get(fw))
    if astray:
        problems.append(f"{trainee}: the learning stages of {counted(len(astray), 'framework')} do not "
                        f"follow the log (the first: {astray[0]}: {kept.get(astray[0], 'none')} in "
                        f"the state, {stages.get(astray[0], 'none')} by the log)")
    items = {(tally.fw, tally.item): tally.seen for tally in store.items()}
    unequal = [k for k in set(items) | set(per_item) if items.get(k, 0) != per_item.get(k, 0)]
    if unequal:
        problems.append(f"{trainee}: the tallies of {counted(len(unequal), 'item')} do not count the "
                        "reviews in the log")
    return problems


def queue_of(decks: list, due_at: dict[str, float], held: set[str], stages: dict[str, str] | None,
             teach: learning.Learning | None, limit: int, now: float, due_only: bool = False) -> list:
    """:meth:`Store.queue` of ``decks`` from what the store holds: each card's due
    time (``due_at``), the cards ``held``, the frameworks' ``stages`` (None with
    the learning steps off) and the new cards the day still allows (``limit``).

    Its cost grows with the cards due and the new cards the day takes, not with
    the decks' cards: each card is looked up once in ``due_at``, and only the
    cards that may come today are put in order."""
    keys = [deck.card_keys() for deck in decks]
    order = scheduler.Introduction([(d.id, k.ids, k.frameworks) for d, k in zip(decks, keys)])
    made: dict[int, list] = {}

    def cards_of(deck: int) -> list:
        got = made.get(deck)
        if got is None:
            got = made[deck] = decks[deck].cards()
        return got

    # each card's due time (infinite for a card with no state), the cards due now and
    # those with no state yet, in each deck by place: the one look at every card, made
    # by builtins (no Python code runs per card)
    get, never, stated = due_at.get, math.inf, due_at.__contains__
    dues = [list(map(get, k.ids, repeat(never))) for k in keys]
    due = [list(compress(count(), map(operator.ge, repeat(now), d))) for d in dues]
    if held:
        free = held.__contains__
        due = [list(compress(places, map(operator.not_, map(free, map(k.ids.__getitem__, places)))))
               for k, places in zip(keys, due)]
    fresh = [list(compress(count(), map(operator.not_, map(stated, k.ids)))) for k in keys]
    # in each deck, by place: the new cards that come as they are; the recall cards of the
    # frameworks never seen (their first sight comes) and of those part-learned (their stage's card)
    plain: list[list[int]] = []
    shown: list[list[int]] = []
    steps: list[list[int]] = []
    if stages is not None:
        # the frameworks whose cards come as they are: scheduled (learned before stages
        # were kept), or learned
        learned = set(chain.from_iterable(compress(k.frameworks, map(stated, k.ids)) for k in keys))
        learned.update(fw for fw, stage in stages.items() if stage == Stage.LEARNED)
        known, staged = learned.__contains__, stages.__contains__
        for k, places in zip(keys, fresh):
            ready = list(map(known, map(k.frameworks.__getitem__, places)))
            plain.append(list(compress(places, ready)))
            # a framework's other cards wait until it is learned
            waiting = compress(places, map(operator.not_, ready))
            recalls = [j for j in waiting if k.kinds[j] == "recall"]
            at_step = list(map(staged, map(k.frameworks.__getitem__, recalls)))
            steps.append(list(compress(recalls, at_step)))
            shown.append(list(compress(recalls, map(operator.not_, at_step))))
    else:
        plain = fresh
        shown = steps = [[] for _ in keys]
    if held:
        free = held.__contains__
        plain = [list(compress(places, map(operator.not_, map(free, map(k.ids.__getitem__, places)))))
                 for k, places in zip(keys, plain)]
    # a first sight held, or with a state, is never new (the store holds no state of one: a
    # store written by hand might)
    odd = [(t, j) for t, places in enumerate(shown) for j in places
           if f"{keys[t].frameworks[j]}/show" in due_at]
    firsts: dict[tuple[int, int], Any] = {}

    def first_sight(t: int, j: int):
        """The first sight standing for a framework's recall card, None if none comes."""
        if (t, j) not in firsts:
            assert teach is not None
            sight = teach.card(decks[t].id, keys[t].frameworks[j], Stage.SHOW)
            firsts[(t, j)] = None if sight is None or keys[t].ids[j] in held or sight.id in held else sight
        return firsts[(t, j)]

    # due first, most overdue first (cards due at the same time in the order they are introduced)
    dated = list(chain.from_iterable(zip(map(dues[t].__getitem__, places), repeat(t), places)
                                     for t, places in enumerate(due) if places))
    sights = {}  # the first sights due, by the recall card they stand for
    for t, j in odd:
        sight = first_sight(t, j)
        if sight is not None and due_at[sight.id] <= now:
            sights[(t, j)] = sight
            dated.append((due_at[sight.id], t, j))
    dated.sort(key=operator.itemgetter(0))
    due_ids = list(chain.from_iterable(map(keys[t].ids.__getitem__, places) for t, places in enumerate(due)))
    due_ids += [sight.id for sight in sights.values()]
    if len(set(due_ids)) == len(due_ids) and len(set(map(operator.itemgetter(0), dated))) == len(dated):
        lists = {t: cards_of(t) for t, places in enumerate(due) if places}
        out = ([sights[(t, j)] if (t, j) in sights else cards_of(t)[j] for _, t, j in dated] if sights
               else [lists[t][j] for _, t, j in dated])
    else:  # a card two decks hold, or cards due at the same time
        dated.sort(key=lambda d: (d[0], order.key(d[1], d[2])))
        out, taken_ids = [], set()
        for _, t, j in dated:
            got = sights.get((t, j)) or cards_of(t)[j]
            if got.id not in taken_ids:
                taken_ids.add(got.id)
                out.append(got)
    # then the frameworks part-learned, each at its stage
    at_steps = sorted(chain.from_iterable(zip(order.keys(t, places), repeat(t), places)
                                          for t, places in enumerate(steps) if places))
    for _, t, j in at_steps:
        fw = keys[t].frameworks[j]
        assert teach is not None and stages is not None
        step = teach.card(decks[t].id, fw, Stage(stages[fw]))
        if step is not None and keys[t].ids[j] not in held:
            out.append(step)
    # then new cards, up to the day's limit: the first in the order they are introduced
    if due_only or limit <= 0:
        return out
    new = [(order.keys(t, places), t, places, sight) for sight, of_kind in ((False, plain), (True, shown))
           for t, places in enumerate(of_kind) if places]
    wanted = limit
    while True:
        # (a few more than the limit when some have no first sight or are held)
        first = heapq.nsmallest(wanted, chain.from_iterable(zip(ranked, repeat(t), places, repeat(sight))
                                                             for ranked, t, places, sight in new))
        taken: list = []
        seen: set[str] = set()  # (no new card has a state: none is a due card)
        for _, t, j, sight in first:
            if sight:
                got = first_sight(t, j)
                if got is None or got.id in due_at:
                    continue
            else:
                got = cards_of(t)[j]
            if got.id not in seen:
                seen.add(got.id)
                taken.append(got)
                if len(taken) >= limit:
                    break
        if len(taken) >= limit or len(first) < wanted:
            return out + taken
        wanted *= 2


def default_learning(decks) -> learning.Learning:
    """The cards of each learning stage for ``decks``, with choices drawn from
    their frameworks and the reference deck's."""
    from drill.core import reference
    from drill.core.session import Intruders

    return learning.Learning(list(decks), Intruders(list(decks), reference.frameworks()))
