"""A closed month's review log is packed (gzipped) when the store closes;
packing, and unpacking for an answer dated in a packed month, never lose
an answer, even when killed midway."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import DECKS

from drill import cli
from drill.core import deck as decks
from drill.core import stats
from drill.core import store as progress
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import FAULT_ENV, Store, StoreError, store_dir

DECK = DECKS / "001_2cf52c944239bc02.toml"
MARCH = dt.datetime(2026, 3, 2, 9, 0).timestamp()
APRIL = dt.datetime(2026, 4, 6, 9, 0).timestamp()


def cards():
    return decks.load(DECK).cards()


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def drilled(count: int, start: float, store: Store | None = None) -> Store:
    store = store or Store.open("lin")
    some = cards()
    for n in range(count):
        store.record(answer(some[n % len(some)], "不知道" if n % 4 == 3 else None), now=start + 60 * n)
    return store


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(("reviews-", ".reviews-")))


def logged(folder: Path) -> list[dict]:
    return [r.as_doc() for r in Store.open_readonly(folder).reviews()]


def test_closing_packs_the_closed_months_and_every_answer_reads_as_before(drill_home):
    store = drilled(30, MARCH)
    drilled(30, APRIL, store)
    drilled(5, dt.datetime.now().timestamp() - 5, store)  # this month's: stays plain
    folder = store_dir("lin")
    before = logged(folder)
    plain = {n: (folder / n).stat().st_size for n in names(folder)}
    store.close()
    this_month = f"reviews-{dt.datetime.now():%Y-%m}.json"
    assert names(folder) == ["reviews-2026-03.json.gz", "reviews-2026-04.json.gz", this_month]
    assert (folder / "reviews-2026-03.json.gz").stat().st_size < plain["reviews-2026-03.json"] / 4
    assert logged(folder) == before
    assert progress.check(folder) == []
    again = Store.open("lin")
    assert again.applied_seq() == 65
    assert stats.compute(again, [decks.load(DECK)]).reviews == 65


def test_opening_a_packed_store_reads_no_packed_log(drill_home, monkeypatch):
    drilled(20, MARCH).close()
    folder = store_dir("lin")
    assert names(folder) == ["reviews-2026-03.json.gz"]
    read = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real(self))
    store = Store.open("lin")
    store.record(answer(cards()[0]))
    assert not [n for n in read if n.endswith(".gz")]
    assert len(list(store.reviews())) == 21  # and read whole when every answer is asked for
    assert "reviews-2026-03.json.gz" in read


def test_an_answer_dated_in_a_packed_month_unpacks_it_and_is_kept(drill_home):
    drilled(10, MARCH).close()
    folder = store_dir("lin")
    store = Store.open("lin")
    store.record(answer(cards()[2]), now=MARCH + 3600 * 5)  # the clock was put back to March
    assert names(folder) == ["reviews-2026-03.json"]
    assert [r.seq for r in store.reviews()] == list(range(1, 12))
    store.close()
    assert names(folder) == ["reviews-2026-03.json.gz"]
    assert [r.seq for r in Store.open("lin").reviews()] == list(range(1, 12))
    assert progress.check(folder) == []


KILLED = textwrap.dedent("""
    import datetime as dt, os, sys
    from drill.core import deck as decks
    from drill.core.grading import grade
    from drill.core.session import Answered
    from drill.core.store import FAULT_ENV, Store
    cards = decks.load(sys.argv[1]).cards()
    fault, when = sys.argv[2], sys.argv[3]
    march = dt.datetime(2026, 3, 2, 9, 0).timestamp()
    def answer(card):
        typed = "、".join(card.answer)
        return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)
    store = Store.open("lin")
    if when == "close":
        for n in range(12):
            store.record(answer(cards[n]), now=march + 60 * n)
            print(n, flush=True)
        os.environ[FAULT_ENV] = fault
        store.close()
    else:  # an answer dated in a packed month
        os.environ[FAULT_ENV] = fault
        store.record(answer(cards[13]), now=march + 7200)
        print("recorded", flush=True)
""")


def _killed(home: Path, fault: str, when: str) -> list[str]:
    env = {**os.environ, "DRILL_HOME": str(home)}
    env.pop(FAULT_ENV, None)
    child = subprocess.run([sys.executable, "-c", KILLED, str(DECK), fault, when], capture_output=True,
                           text=True, env=env, timeout=300)
    assert child.returncode == -9, child.stderr  # SIGKILL at the fault point
    return child.stdout.split()


@pytest.mark.parametrize("fault", ["pack-before-rename", "pack-after-rename"])
def test_a_packing_killed_midway_loses_no_answer(drill_home, fault):
    acknowledged = _killed(drill_home, fault, "close")
    assert acknowledged == [str(n) for n in range(12)]
    folder = store_dir("lin")
    left = names(folder)
    assert "reviews-2026-03.json" in left  # the plain log is removed only once the packed one is whole
    store = Store.open("lin")  # the leftover of a killed packing goes; the plain log is read
    assert [r.seq for r in store.reviews()] == list(range(1, 13))
    assert progress.check(folder) == []
    store.close()  # and the packing is done again, whole
    assert names(folder) == ["reviews-2026-03.json.gz"]
    assert [r.seq for r in Store.open("lin").reviews()] == list(range(1, 13))
    assert progress.check(folder) == []


@pytest.mark.parametrize("fault", ["unpack-before-rename", "unpack-after-rename"])
def test_an_unpacking_killed_midway_loses_no_answer(drill_home, fault):
    drilled(12, MARCH).close()
    folder = store_dir("lin")
    before = logged(folder)
    assert _killed(drill_home, fault, "answer") == []  # killed before the answer was logged
    store = Store.open("lin")
    assert [r.as_doc() for r in store.reviews()] == before
    store.record(answer(cards()[13]), now=MARCH + 7200)  # the retry is kept, once
    assert [r.seq for r in store.reviews()] == list(range(1, 14))
    store.close()
    assert names(folder) == ["reviews-2026-03.json.gz"]
    assert progress.check(folder) == []


def test_a_damaged_packed_log_is_an_error_naming_it_and_is_left_as_it_is(drill_home, capsys):
    drilled(12, MARCH).close()
    packed = store_dir("lin") / "reviews-2026-03.json.gz"
    damaged = packed.read_bytes()[:-40] + bytes(40)
    packed.write_bytes(damaged)
    with pytest.raises(StoreError) as err:
        list(Store.open_readonly(store_dir("lin")).reviews())
    assert str(packed) in str(err.value) and "damaged" in str(err.value)
    assert cli.main(["store", "check", "--user", "lin"]) == 1
    out, stderr = capsys.readouterr()
    assert str(packed) in out + stderr and "Traceback" not in out + stderr
    assert packed.read_bytes() == damaged


def test_a_packed_log_replaced_by_a_shorter_one_is_found_cut_short(drill_home):
    drilled(12, MARCH).close()
    packed = store_dir("lin") / "reviews-2026-03.json.gz"
    lines = gzip.decompress(packed.read_bytes()).split(b"\n")
    packed.write_bytes(gzip.compress(b"\n".join(lines[:7]) + b"\n"))  # the header and six answers
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert str(packed) in str(err.value) and "cut short" in str(err.value)


def test_a_drill_already_open_reads_a_month_another_drill_packed(drill_home):
    drilled(8, MARCH).close()
    reader = Store.open("lin")
    assert len(list(reader.reviews())) == 8  # the packed month, read
    writer = Store.open("lin")
    writer.record(answer(cards()[9]), now=MARCH + 7200)  # unpacks it, appends
    assert len(list(reader.reviews())) == 9
    writer.close()  # packs it again
    reader.reread()
    assert [r.seq for r in reader.reviews()] == list(range(1, 10))
    reader.record(answer(cards()[10]))
    assert [r.seq for r in reader.reviews()] == list(range(1, 11))
