"""trainee.json's index (.index): where each document of its large tables
(cards, items, confusions) is, each card's due date and the small tables.
Opening a store drill closed reads the index, never a card's state; the
index is only a cache: any change to trainee.json outside drill, or to the
index itself, and the file is read whole again, so what drill shows follows
the file. A store without an index (an older drill's) opens as ever and gets
one; a drill killed while writing it loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import DECKS

from drill.core import deck as decks
from drill.core import stats, tinydb_engine
from drill.core import store as progress
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import FAULT_ENV, Store, StoreError, store_dir

DECK = DECKS / "001_2cf52c944239bc02.toml"


def cards():
    return decks.load(DECK).cards()


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def drilled(count: int, store: Store | None = None, first: int = 0) -> Store:
    store = store or Store.open("lin")
    some = cards()
    for n in range(first, first + count):
        store.record(answer(some[n % len(some)], "不知道" if n % 3 == 2 else None))
    return store


def seen(store: Store) -> dict:
    """Everything a trainee sees of their store, to compare two opens."""
    deck = decks.load(DECK)
    return {"due": store.due_at(), "cards": sorted((c.card, c.reps, c.lapses, c.due) for c in store.cards()),
            "items": sorted((i.fw, i.item, i.seen, i.missed) for i in store.items()),
            "days": sorted((d.day, d.reviews) for d in store.days()),
            "queue": [c.id for c in store.queue([deck])], "seq": store.applied_seq(),
            "stats": stats.compute(store, [deck]).as_json()}


@pytest.fixture
def parsed(monkeypatch):
    """How many documents of trainee.json's lazy tables were parsed, and how many
    times trainee.json was read whole."""
    counts = {"docs": 0, "whole": 0}
    one, many, whole = (tinydb_engine.LogStorage.read_doc, tinydb_engine.LogStorage.read_docs,
                        tinydb_engine.LogStorage._read_whole)

    def read_doc(self, *args):
        counts["docs"] += 1
        return one(self, *args)

    def read_docs(self, table, wanted):
        counts["docs"] += len(wanted)
        return many(self, table, wanted)

    def read_whole(self, raw):
        if self.path.name == "trainee.json":
            counts["whole"] += 1
        return whole(self, raw)

    monkeypatch.setattr(tinydb_engine.LogStorage, "read_doc", read_doc)
    monkeypatch.setattr(tinydb_engine.LogStorage, "read_docs", read_docs)
    monkeypatch.setattr(tinydb_engine.LogStorage, "_read_whole", read_whole)
    return counts


def test_opening_a_store_drill_closed_and_its_queue_parse_no_card_state(parsed):
    drilled(12).close()
    assert (store_dir("lin") / ".index").is_file()
    parsed.update(docs=0, whole=0)
    store = Store.open("lin")
    queue = store.queue([decks.load(DECK)])
    assert parsed == {"docs": 0, "whole": 0}  # the due dates come from the index
    assert queue and len(store.due_at()) == len({c.id for c in cards()[:12]})
    drilled(1, store, first=0)  # a card seen before
    assert 0 < parsed["docs"] <= 8  # the answer's card and its items, parsed from their lines
    assert parsed["whole"] == 0
    assert stats.compute(store, [decks.load(DECK)]).reviews == 13


def test_a_store_without_an_index_opens_as_ever_and_gets_one(parsed):
    drilled(9).close()
    folder = store_dir("lin")
    expected = seen(Store.open("lin"))
    (folder / ".index").unlink()  # as an older drill left it
    parsed.update(docs=0, whole=0)
    older = Store.open("lin")
    assert parsed["whole"] == 1
    assert seen(older) == expected
    older.close()
    assert (folder / ".index").is_file()
    parsed.update(docs=0, whole=0)
    again = Store.open("lin")
    assert parsed["whole"] == 0
    assert seen(again) == expected
    assert progress.check(folder) == []


def _card_line(trainee, card_id: str) -> int:
    lines = trainee.read_bytes().split(b"\n")
    return max(n for n, line in enumerate(lines) if f'"card":"{card_id}"'.encode() in line)


@pytest.mark.parametrize("keep_mtime", [False, True])
def test_a_due_date_changed_outside_drill_is_what_the_queue_follows(parsed, keep_mtime):
    first = cards()[0]
    store = drilled(6)
    store.close()
    trainee = store_dir("lin") / "trainee.json"
    due = store.due_at()[first.id]
    old = Store.open("lin")
    old.card_state(first.id)
    st = trainee.stat()
    raw = trainee.read_bytes()
    lines = raw.split(b"\n")
    n = _card_line(trainee, first.id)
    row = json.loads(lines[n])
    doc = row[2] if isinstance(row[0], str) else next(r[2] for r in row if r[2].get("card") == first.id)
    earlier = json.dumps(doc["due"]).encode()
    later = json.dumps(doc["due"] - 86400 * 3).encode()
    assert len(later) == len(earlier) and lines[n].count(b'"due":' + earlier) == 1
    lines[n] = lines[n].replace(b'"due":' + earlier, b'"due":' + later)
    trainee.write_bytes(b"\n".join(lines))
    assert trainee.stat().st_size == st.st_size  # the same size: the index must not be trusted
    if keep_mtime:
        os.utime(trainee, ns=(st.st_atime_ns, st.st_mtime_ns))  # even the same time
    (store_dir("lin") / ".checked").unlink()  # the records are checked again whatever the index says
    parsed.update(docs=0, whole=0)
    edited = Store.open("lin")
    assert parsed["whole"] == 1
    assert edited.due_at()[first.id] == pytest.approx(due - 86400 * 3)
    assert edited.card_state(first.id).due == pytest.approx(due - 86400 * 3)
    edited.close()
    assert Store.open("lin").due_at()[first.id] == pytest.approx(due - 86400 * 3)


@pytest.mark.parametrize("keep_mtime", [False, True])
def test_a_file_changed_outside_drill_with_the_record_of_it_left_is_read_again(parsed, keep_mtime):
    """.checked left as it was and the file changed: the index does not match it."""
    first = cards()[0]
    store = drilled(6)
    store.close()
    trainee = store_dir("lin") / "trainee.json"
    due = store.due_at()[first.id]
    lines = trainee.read_bytes().split(b"\n")
    n = _card_line(trainee, first.id)
    earlier = json.dumps(due).encode()
    later = json.dumps(due + 86400 * 2).encode()
    assert len(later) == len(earlier) and lines[n].count(b'"due":' + earlier) == 1
    st = trainee.stat()
    lines[n] = lines[n].replace(b'"due":' + earlier, b'"due":' + later)
    trainee.write_bytes(b"\n".join(lines))
    if keep_mtime:
        os.utime(trainee, ns=(st.st_atime_ns, st.st_mtime_ns))
    parsed.update(docs=0, whole=0)
    edited = Store.open("lin")
    assert parsed["whole"] == 1
    assert edited.due_at()[first.id] == pytest.approx(due + 86400 * 2)
    assert edited.card_state(first.id).due == pytest.approx(due + 86400 * 2)


def test_a_card_appended_outside_drill_counts(parsed):
    drilled(4).close()
    folder = store_dir("lin")
    trainee = folder / "trainee.json"
    one = Store.open("lin").card_state(cards()[0].id)
    doc = {**one.as_doc(), "card": "someone-elses-card", "due": 12345.0}
    with open(trainee, "ab") as fh:
        fh.write(json.dumps(["cards", 9999, doc], ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    store = Store.open("lin")
    assert store.due_at()["someone-elses-card"] == 12345.0
    assert store.card_state("someone-elses-card").due == 12345.0


@pytest.mark.parametrize("damage", ["garbage", "cut", "bit", "bit-in-a-lazy-line", "other-store", "link"])
def test_an_index_that_is_damaged_or_not_this_files_is_ignored(parsed, damage, tmp_path):
    drilled(8).close()
    folder = store_dir("lin")
    expected = seen(Store.open("lin"))
    index = folder / ".index"
    raw = index.read_bytes()
    if damage == "garbage":
        index.write_bytes(b"not an index\n{}\n")
    elif damage == "cut":
        index.write_bytes(raw[:len(raw) // 2])
    elif damage in ("bit", "bit-in-a-lazy-line"):
        lines = raw.split(b"\n")
        n = 1 if damage == "bit" else 2  # the small tables', checked on opening; or the cards', when first used
        lines[n] = lines[n][:20] + bytes([lines[n][20] ^ 1]) + lines[n][21:]
        index.write_bytes(b"\n".join(lines))
        if damage == "bit-in-a-lazy-line":
            store = Store.open("lin")
            with pytest.raises(StoreError) as err:
                store.due_at()
            assert str(index) in str(err.value) and "damaged" in str(err.value)
            assert not index.exists()  # removed: the next open reads trainee.json whole
    elif damage == "other-store":
        other = Store.open("kim")
        drilled(3, other)
        other.close()
        index.write_bytes((store_dir("kim") / ".index").read_bytes())
    else:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.write_bytes(raw)
        index.unlink()
        os.symlink(elsewhere, index)
        with pytest.raises(StoreError) as err:  # a link in a store folder is refused, as ever
            Store.open("lin")
        assert "symbolic link" in str(err.value)
        return
    parsed.update(docs=0, whole=0)
    store = Store.open("lin")
    assert parsed["whole"] == 1
    assert seen(store) == expected
    store.close()
    parsed.update(docs=0, whole=0)
    assert seen(Store.open("lin")) == expected
    assert parsed["whole"] == 0  # made again on closing


def test_a_store_replaced_by_a_backup_is_read_from_the_backup(parsed):
    from drill.core import backups

    store = drilled(5)
    store.close()
    folder = store_dir("lin")
    backup = backups.make(store)
    expected = seen(Store.open("lin"))
    later = drilled(4, first=5)
    later.close()
    assert seen(Store.open("lin"))["seq"] == 9
    backups.restore(folder, backup, progress.check)  # the backup holds no index
    parsed.update(docs=0, whole=0)
    restored = Store.open("lin")
    assert parsed["whole"] == 1
    assert seen(restored) == expected


def test_two_drills_answering_keep_every_answer_and_the_index_follows(parsed):
    drilled(3).close()
    one = Store.open("lin")
    two = Store.open("lin")
    drilled(2, two, first=3)
    two.close()
    drilled(2, one, first=5)  # takes in what the other appended first
    assert one.applied_seq() == 7
    one.close()
    parsed.update(docs=0, whole=0)
    again = Store.open("lin")
    assert parsed["whole"] == 0
    assert again.applied_seq() == 7
    assert sum(c.reps for c in again.cards()) == 7
    assert progress.check(store_dir("lin")) == []


def test_a_compaction_keeps_every_document_where_the_index_says(parsed, monkeypatch):
    monkeypatch.setattr(tinydb_engine, "COMPACT_MIN_LINES", 10)
    store = drilled(20)
    expected = seen(store)
    store.close()
    parsed.update(docs=0, whole=0)
    again = Store.open("lin")
    assert parsed["whole"] == 0
    assert seen(again) == expected
    assert progress.check(store_dir("lin")) == []


def test_a_file_changed_outside_drill_while_open_is_an_error_naming_it():
    drilled(6).close()
    trainee = store_dir("lin") / "trainee.json"
    store = Store.open("lin")
    raw = trainee.read_bytes()
    head, _, rest = raw.partition(b"\n")
    with open(trainee, "r+b") as fh:  # the same file, its lines moved along by a byte
        fh.write(head + b"\n " + rest[:-1])
    with pytest.raises(StoreError) as err:
        list(store.cards())
    assert str(trainee) in str(err.value) and "outside drill" in str(err.value)


def test_a_read_only_open_uses_the_index_and_writes_none(parsed):
    drilled(5).close()
    folder = store_dir("lin")
    (folder / ".index").unlink()
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    reader = Store.open_readonly(folder)
    assert reader.applied_seq() == 5
    reader.close()
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    Store.open("lin").close()
    parsed.update(docs=0, whole=0)
    reader = Store.open_readonly(folder)
    assert parsed["whole"] == 0 and reader.applied_seq() == 5


KILLED = textwrap.dedent("""
    import os, sys
    from drill.core import deck as decks
    from drill.core.grading import grade
    from drill.core.session import Answered
    from drill.core.store import FAULT_ENV, Store
    cards = decks.load(sys.argv[1]).cards()
    store = Store.open("lin")
    for n in range(8):
        typed = "、".join(cards[n].answer)
        store.record(Answered(cards[n], typed, grade(cards[n].answer, typed, cards[n].ordered), 8.0, 0))
        print(n, flush=True)
    os.environ[FAULT_ENV] = sys.argv[2]
    store.close()
""")


@pytest.mark.parametrize("old_layout", [True, False])
def test_a_drill_killed_while_writing_the_index_loses_nothing(drill_home, old_layout):
    folder = store_dir("lin")
    drilled(4).close()
    if old_layout:
        (folder / ".index").unlink()  # a store of an older drill, getting its first index
    env = {**os.environ, "DRILL_HOME": str(drill_home)}
    env.pop(FAULT_ENV, None)
    child = subprocess.run([sys.executable, "-c", KILLED, str(DECK), "index-before-rename"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert child.returncode == -9, child.stderr  # SIGKILL at the fault point
    assert child.stdout.split() == [str(n) for n in range(8)]
    assert [p.name for p in folder.iterdir() if p.name.startswith(".index.")]  # the index written aside
    store = Store.open("lin")  # the leftover goes; the index left is not of the file as it is
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".index.")]
    assert store.applied_seq() == 12
    assert sum(c.reps for c in store.cards()) == 12
    assert progress.check(folder) == []
    store.close()
    assert seen(Store.open("lin"))["seq"] == 12


COMPACTED = textwrap.dedent("""
    import os, sys
    from drill.core import deck as decks, tinydb_engine
    from drill.core.grading import grade
    from drill.core.session import Answered
    from drill.core.store import FAULT_ENV, Store
    cards = decks.load(sys.argv[1]).cards()
    tinydb_engine.COMPACT_MIN_LINES = 10
    store = Store.open("lin")
    os.environ[FAULT_ENV] = sys.argv[2]
    for n in range(40):
        card = cards[n % 6]
        typed = "、".join(card.answer)
        store.record(Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0))
        print(n, flush=True)
""")


@pytest.mark.parametrize("fault", ["rewrite-before-rename", "rewrite-after-rename"])
def test_a_compaction_killed_midway_loses_no_answer(drill_home, fault):
    folder = store_dir("lin")
    drilled(6).close()  # a store with its index
    env = {**os.environ, "DRILL_HOME": str(drill_home)}
    env.pop(FAULT_ENV, None)
    child = subprocess.run([sys.executable, "-c", COMPACTED, str(DECK), fault],
                           capture_output=True, text=True, env=env, timeout=300)
    assert child.returncode == -9, child.stderr  # SIGKILL at the fault point, compacting
    acknowledged = len(child.stdout.split())
    assert acknowledged < 40
    store = Store.open("lin")
    # every answer acknowledged is kept; the one being recorded was logged before the state was
    assert store.applied_seq() in (6 + acknowledged, 6 + acknowledged + 1)
    assert sum(c.reps for c in store.cards()) == store.applied_seq()
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert progress.check(folder) == []
    store.close()
    again = Store.open("lin")
    assert sum(c.reps for c in again.cards()) == again.applied_seq() >= 6 + acknowledged
