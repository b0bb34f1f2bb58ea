"""Opening a store does not check again the records drill itself checked or
wrote: the store remembers each file's bytes and CRC-32 (.checked). Any
change to a file outside drill makes it checked again, record by record."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from conftest import DECKS

from drill.core import deck as decks
from drill.core import records
from drill.core import store as progress
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import Store, StoreError, store_dir

DECK = DECKS / "001_2cf52c944239bc02.toml"
MARCH = dt.datetime(2026, 3, 2, 9, 0).timestamp()


def answer(card):
    typed = "、".join(card.answer)
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def drilled(count: int, start: float | None = None) -> Store:
    store = Store.open("lin")
    some = decks.load(DECK).cards()
    for n in range(count):
        store.record(answer(some[n % len(some)]), now=None if start is None else start + 60 * n)
    return store


@pytest.fixture
def checks(monkeypatch):
    """How many store records were checked, by table."""
    seen: dict[str, int] = {}
    real = records.problem

    def problem(tables, row):
        if isinstance(row, list) and row and isinstance(row[0], str):
            seen[row[0]] = seen.get(row[0], 0) + 1
        return real(tables, row)

    monkeypatch.setattr(records, "problem", problem)
    return seen


def test_a_store_drill_closed_opens_without_checking_its_records_again(drill_home, checks):
    drilled(12, MARCH).close()  # March's log, packed as the store closed: known sound
    store = drilled(6)
    assert len(list(store.reviews())) == 18  # this month's log, read whole: known sound too
    store.close()
    assert (store_dir("lin") / ".checked").is_file()
    checks.clear()
    store = Store.open("lin")
    assert checks.get("cards", 0) == 0 and checks.get("days", 0) == 0
    assert len(list(store.reviews())) == 18
    assert checks.get("reviews", 0) <= 6  # at most the end of this month's log, read on opening
    assert store.applied_seq() == 18


def test_a_record_changed_outside_drill_is_checked_and_reported(drill_home):
    drilled(6).close()
    trainee = store_dir("lin") / "trainee.json"
    raw = trainee.read_bytes()
    at = raw.index(b'"kind":"recall"')
    trainee.write_bytes(raw[:at] + b'"kind":12345678' + raw[at + len(b'"kind":"recall"'):])
    assert len(trainee.read_bytes()) == len(raw)  # the same size: only the bytes tell
    line = raw[:at].count(b"\n") + 1
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert f"{trainee}:{line}:" in str(err.value)


def test_lines_another_drill_appended_after_the_record_are_checked(drill_home):
    drilled(4).close()
    trainee = store_dir("lin") / "trainee.json"
    lines = trainee.read_bytes().count(b"\n")
    with open(trainee, "ab") as fh:
        fh.write(b'["cards", 999, {"card": 5}]\n')
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert f"{trainee}:{lines + 1}:" in str(err.value)


def test_lines_appended_by_another_drill_count_and_are_remembered(drill_home, checks):
    first = drilled(3)
    first.close()
    other = Store.open("lin")  # opened before: its record of the files is the older one
    drilled(2).close()
    other.record(answer(decks.load(DECK).cards()[7]))
    other.close()
    checks.clear()
    again = Store.open("lin")
    assert again.applied_seq() == 6
    assert checks.get("cards", 0) == 0  # the last drill to close knew every byte
    assert progress.check(store_dir("lin")) == []


@pytest.mark.parametrize("record", [b"not json", b"[]", b'{"trainee.json": [1]}',
                                    b'{"trainee.json": [-5, "x"]}', b'{"trainee.json": [10, 12345]}'])
def test_a_record_of_the_files_that_is_garbage_counts_as_none(drill_home, checks, record):
    drilled(5).close()
    (store_dir("lin") / ".checked").write_bytes(record)
    checks.clear()
    store = Store.open("lin")
    assert checks.get("cards", 0) > 0  # checked again, record by record
    assert store.applied_seq() == 5


def test_a_record_of_the_files_that_is_a_link_is_not_followed(drill_home, tmp_path):
    drilled(5).close()
    checked = store_dir("lin") / ".checked"
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"trainee.json": [1, 2]}))
    checked.unlink()
    os.symlink(elsewhere, checked)
    with pytest.raises(StoreError) as err:  # a link in a store folder is refused, as ever
        Store.open("lin")
    assert "symbolic link" in str(err.value)


def test_a_packed_log_replaced_outside_drill_is_checked(drill_home):
    import gzip

    drilled(8, MARCH).close()
    packed = store_dir("lin") / "reviews-2026-03.json.gz"
    lines = gzip.decompress(packed.read_bytes()).split(b"\n")
    assert b'"rating":4' in lines[3]
    lines[3] = lines[3].replace(b'"rating":4', b'"rating":9')
    packed.write_bytes(gzip.compress(b"\n".join(lines)))
    with pytest.raises(StoreError) as err:
        list(Store.open("lin").reviews())
    assert f"{packed}:4:" in str(err.value)


def test_a_file_read_a_few_lines_at_a_time_reads_the_same_and_names_a_bad_line(drill_home, monkeypatch):
    from drill.core import tinydb_engine

    drilled(9).close()
    whole = Store.open("lin")
    expected = (sorted(c.card for c in whole.cards()), [r.seq for r in whole.reviews()])
    whole.close()
    monkeypatch.setattr(tinydb_engine, "APPLY_BYTES", 300)  # a few lines, or one long line, at a time
    (store_dir("lin") / ".checked").unlink()
    pieces = Store.open("lin")
    assert (sorted(c.card for c in pieces.cards()), [r.seq for r in pieces.reviews()]) == expected
    pieces.close()
    trainee = store_dir("lin") / "trainee.json"
    lines = trainee.read_bytes().split(b"\n")
    bad = len(lines) - 3
    lines[bad] = b'["days", 77, {"day": 5}]'
    trainee.write_bytes(b"\n".join(lines))
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert f"{trainee}:{bad + 1}:" in str(err.value)
