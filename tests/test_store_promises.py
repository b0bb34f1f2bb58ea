"""The progress store keeps its promises under faults: an override racing
other writers, a writer killed between the two writes of an answer, a review
log cut short, and records of the wrong shape.

Real store files in a temporary DRILL_HOME, real decks, real processes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from conftest import DECKS, ROOT

from drill import cli
from drill.core import deck as decks
from drill.core import scheduler, stats
from drill.core.grading import Override, grade
from drill.core.session import Answered
from drill.core.store import FAULT_ENV, Store, StoreError, store_dir

DECK = DECKS / "001_2cf52c944239bc02.toml"

# every test on both engines (conftest.py), but those of TinyDB's files
pytestmark = pytest.mark.usefixtures("engine_kind")


def deck():
    return decks.load(DECK)


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def _env(home: Path, **extra) -> dict:
    return dict(os.environ, DRILL_HOME=str(home), PYTHONPATH=str(ROOT / "src"), **extra)


def _consistent(store: Store) -> None:
    """Every card's state counts exactly the reviews of it in the log, and the
    day tallies count every review."""
    logged = Counter(r.card for r in store.reviews())
    reps = {c.card: c.reps for c in store.cards()}
    assert reps == dict(logged)
    assert sum(d.reviews for d in store.days()) == sum(logged.values())


# --- defect 1: an override racing other writers ---------------------------

WRITER = textwrap.dedent("""
    import os, random, sys, time
    from drill.core import deck as decks
    from drill.core.grading import Override, Verdict, grade
    from drill.core.session import Answered
    from drill.core.store import Store
    d = decks.load(sys.argv[1])
    cards = [c for c in d.cards() if c.kind == "recall"][:3]  # few cards: writers meet on them
    tag, count = sys.argv[2], int(sys.argv[3])
    rng = random.Random(tag)
    store = Store.open("lin")
    print("ready", flush=True)
    while not os.path.exists(sys.argv[4]):  # every writer starts answering at once
        time.sleep(0.001)
    overrides = 0
    for n in range(count):
        card = cards[rng.randrange(len(cards))]
        typed = f"{tag}-{n}" if rng.random() < 0.5 else "、".join(card.answer)
        a = Answered(card, typed, grade(card.answer, typed, card.ordered), 1.0, 0)
        store.record(a)
        if rng.random() < 0.1:
            time.sleep(0.02)  # the trainee reads the judgement; the other writers go on meanwhile
            a.overridden = Override.WRONG if a.verdict == Verdict.CORRECT else Override.RIGHT
            store.amend(a)
            overrides += 1
    print(count, overrides, flush=True)
""")


def test_overrides_racing_four_writers_lose_no_review(drill_home):
    Store.open("lin").close()
    drill_home.mkdir(exist_ok=True)  # a server's store makes no folder there
    go = drill_home / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(DECK), tag, "100", str(go)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(drill_home))
               for tag in ("a", "b", "c", "d")]
    for w in writers:
        assert w.stdout.readline().strip() == "ready"
    go.touch()
    outs = [w.communicate(timeout=600) for w in writers]
    errors = [err for _, err in outs if err.strip()]
    assert errors == [] and [w.returncode for w in writers] == [0, 0, 0, 0]
    recorded = sum(int(out.split()[0]) for out, _ in outs)
    overrides = sum(int(out.split()[1]) for out, _ in outs)
    assert recorded == 400 and overrides > 0
    store = Store.open("lin")
    reviews = list(store.reviews())
    assert len(reviews) == 400
    assert sum(1 for r in reviews if r.overridden) == overrides
    _consistent(store)
    # each card's state is the log's reviews of it replayed in order, overrides included
    for doc in store.cards():
        mine = sorted((r for r in reviews if r.card == doc.card), key=lambda r: r.seq)
        assert doc.seq == mine[-1].seq
        assert doc.lapses == sum(r.rating == 1 for r in mine)
        state = None
        for r in mine:
            state = scheduler.review(state, r.rating, dt.datetime.fromtimestamp(r.at, dt.UTC),
                                     scheduler.Settings())
        assert abs(doc.due - scheduler.due_of(state).timestamp()) < 1


def test_an_override_after_another_process_reviewed_the_card_keeps_that_review(drill_home):
    card = [c for c in deck().cards() if c.kind == "recall"][0]
    mine, other = Store.open("lin"), Store.open("lin")
    a = answer(card, typed="不知道")
    mine.record(a)
    other.record(answer(card))  # another drill answers the same card meanwhile
    a.overridden = Override.RIGHT
    mine.amend(a)
    mine.record(answer(card))  # and the overriding drill goes on answering: no clash of ids
    store = Store.open("lin")
    assert [r.rating for r in sorted(store.reviews(), key=lambda r: r.seq)][0] == 3
    assert store.card_state(card.id).reps == 3 and store.card_state(card.id).lapses == 0
    _consistent(store)


def test_overrides_of_two_processes_on_one_card_both_count(drill_home):
    card = [c for c in deck().cards() if c.kind == "recall"][0]
    mine, other = Store.open("lin"), Store.open("lin")
    a, b = answer(card, typed="不知道"), answer(card, typed="不知道")
    mine.record(a)
    other.record(b)
    a.overridden = Override.RIGHT
    mine.amend(a)  # rebuilds the card with the other's review after it
    b.overridden = Override.RIGHT
    other.amend(b)  # the state before b changed meanwhile: rebuilt from the log
    store = Store.open("lin")
    assert [r.rating for r in store.reviews()] == [3, 3]
    assert store.card_state(card.id).lapses == 0 and store.card_state(card.id).reps == 2
    _consistent(store)


A_CARD_OLD = {"card": "old-card", "deck": "old", "fw": "f", "kind": "recall", "due": 1.7e9, "reps": 1,
              "lapses": 0, "first": 1.7e9, "last": 1.7e9, "stability": 3.0,
              "fsrs": {"card_id": 0, "state": 2, "step": None, "stability": 3.0, "difficulty": 5.0,
                       "due": "2026-03-05T09:00:00+00:00", "last_review": "2026-03-02T09:00:00+00:00"}}


# --- defect 2: an answer is two writes ------------------------------------

KILLED = textwrap.dedent("""
    import os, sys
    from drill.core import deck as decks
    from drill.core.grading import grade
    from drill.core.session import Answered
    from drill.core.store import FAULT_ENV, Store
    d = decks.load(sys.argv[1])
    cards = [c for c in d.cards() if c.kind == "recall"]
    store = Store.open("lin")
    for n, card in enumerate(cards[:4]):
        if n == 3:
            os.environ[FAULT_ENV] = "after-review"  # killed between the review and the state
        typed = "不知道" if n == 3 else "、".join(card.answer)
        store.record(Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0))
        print(n, flush=True)
""")


def _killed_between_the_writes(home: Path) -> list[str]:
    child = subprocess.run([sys.executable, "-c", KILLED, str(DECK)], capture_output=True, text=True,
                           env=_env(home), timeout=300)
    assert child.returncode == -9, child.stderr  # SIGKILL at the fault point
    return child.stdout.split()


def _raw_profile(folder: Path) -> dict:
    """The profile as trainee.json holds it on disk, read without opening the store."""
    profile = {}
    for line in (folder / "trainee.json").read_text("utf-8").splitlines()[1:]:
        line = json.loads(line)
        for row in line if isinstance(line[0], list) else [line]:
            if row[0] == "profile":
                profile = row[2]
    return profile


@pytest.mark.tinydb_only
def test_a_writer_killed_between_the_review_and_the_state_loses_nothing(drill_home):
    acknowledged = _killed_between_the_writes(drill_home)
    assert acknowledged == ["0", "1", "2"]
    folder = store_dir("lin")
    assert _raw_profile(folder)["seq"] == 3  # the fourth review is in the log, not in the state
    trainee = (folder / "trainee.json").read_bytes()
    # a reader (stats, report) sees the fourth answer, and writes nothing
    readonly = Store.open_readonly(folder)
    assert stats.compute(readonly, [deck()]).reviews == 4
    assert (folder / "trainee.json").read_bytes() == trainee
    # the next drill to open the store replays it into the state and the tallies
    store = Store.open("lin")
    assert _raw_profile(folder)["seq"] == 4
    _consistent(store)
    fourth = [c for c in deck().cards() if c.kind == "recall"][3]
    assert store.card_state(fourth.id).lapses == 1
    missed = {d.item for d in store.items() if d.missed}
    assert missed == set(fourth.answer)
    assert sum(d.new for d in store.days()) == 4
    # and it goes on numbering answers after the replayed one
    store.record(answer(fourth))
    assert max(r.seq for r in Store.open("lin").reviews()) == 5
    _consistent(Store.open("lin"))


@pytest.mark.tinydb_only
def test_trainee_json_cut_at_any_line_boundary_reopens_whole_from_the_log(drill_home):
    _answers(Store.open("lin"), 6, MARCH)
    path = store_dir("lin") / "trainee.json"
    whole = path.read_bytes()
    count = whole.count(b"\n")
    for keep in range(2, count + 1):  # the profile is on line 2: every answer's line after it
        path.write_bytes(b"\n".join(whole.split(b"\n")[:keep]) + b"\n")
        store = Store.open("lin")  # each answer's state is one line: a cut drops whole answers
        _consistent(store)
        assert store.applied_seq() == 6
        store.close()
        path.write_bytes(whole)


@pytest.mark.tinydb_only
def test_a_store_an_earlier_drill_wrote_is_read_and_rewritten_in_this_format(drill_home):
    folder = store_dir("lin")
    folder.mkdir(parents=True)
    card = A_CARD_OLD
    (folder / "trainee.json").write_text("\n".join([
        '{"drill-store": 1}',
        json.dumps(["profile", 1, {"name": "lin", "settings": {"desired_retention": 0.9, "new_per_day": 20},
                                   "created": MARCH}]),
        json.dumps(["cards", 1, card]),
        json.dumps(["days", 1, {"day": "2026-03-01", "reviews": 1, "passed": 1}]),
    ]) + "\n", "utf-8")
    store = Store.open("lin")
    assert store.card_state(card["card"]).reps == 1
    other = [c for c in deck().cards() if c.kind == "recall"][0]
    store.record(answer(other), now=MARCH)
    assert (folder / "trainee.json").read_text("utf-8").startswith('{"drill-store": 2}')
    again = Store.open("lin")
    assert again.card_state(card["card"]).reps == 1 and again.card_state(other.id).reps == 1
    assert sum(d.reviews for d in again.days()) == 2


@pytest.mark.tinydb_only
def test_a_drill_already_open_replays_a_killed_writers_answer_before_its_own(drill_home):
    store = Store.open("lin")  # open before the other drill is killed
    _killed_between_the_writes(drill_home)
    card = [c for c in deck().cards() if c.kind == "recall"][5]
    store.record(answer(card))
    again = Store.open("lin")
    assert sorted(r.seq for r in again.reviews()) == [1, 2, 3, 4, 5]
    _consistent(again)


# --- defect 3: a review log cut short -------------------------------------

MARCH = dt.datetime(2026, 3, 2, 9, 0).timestamp()
FEBRUARY = dt.datetime(2026, 2, 2, 9, 0).timestamp()


def _answers(store: Store, count: int, start: float) -> None:
    cards = deck().cards()
    for n in range(count):
        store.record(answer(cards[n % len(cards)]), now=start + 60 * n)


def _cut(path: Path, keep_lines: int) -> bytes:
    """Cut ``path`` at a line boundary, keeping its first ``keep_lines`` lines."""
    lines = path.read_bytes().split(b"\n")
    cut = b"\n".join(lines[:keep_lines]) + b"\n"
    path.write_bytes(cut)
    return cut


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.tinydb_only
def test_a_review_log_cut_at_a_line_boundary_is_an_error_and_nothing_is_written(drill_home, capsys):
    _answers(Store.open("lin"), 30, MARCH)
    folder = store_dir("lin")
    log = folder / "reviews-2026-03.json"
    _cut(log, 15)  # the header and 14 of the 30 reviews
    before = _files(folder)
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert f"{log}:16:" in str(err.value) and "cut short" in str(err.value)
    with pytest.raises(StoreError):
        Store.open_readonly(folder)
    for argv in (["stats", "--user", "lin"], ["settings", "--user", "lin", "--retention", "0.8"],
                 ["settings", "--user", "lin"], ["report", str(drill_home)]):
        code = cli.main(argv)
        out, stderr = capsys.readouterr()
        assert code == 1, argv
        assert stderr.count("\n") == 1 and str(log) in stderr and "Traceback" not in stderr, argv
    assert _files(folder) == before  # nothing written, no lock file made


@pytest.mark.tinydb_only
def test_an_earlier_months_log_cut_short_is_an_error_too(drill_home):
    store = Store.open("lin")
    _answers(store, 10, FEBRUARY)
    _answers(store, 10, MARCH)
    log = store_dir("lin") / "reviews-2026-02.json"
    _cut(log, 6)
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert str(log) in str(err.value)
    log.unlink()  # a month's log gone altogether
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert str(log) in str(err.value) and "missing" in str(err.value)


@pytest.mark.tinydb_only
def test_a_log_cut_only_of_an_unfinished_line_opens_as_before(drill_home):
    _answers(Store.open("lin"), 5, MARCH)
    log = store_dir("lin") / "reviews-2026-03.json"
    with open(log, "ab") as fh:
        fh.write(b'["reviews",6,{"card":"half')  # a kill in the middle of the review's line
    store = Store.open("lin")
    assert len(list(store.reviews())) == 5
    _consistent(store)


# --- defect 4: records of the wrong shape ----------------------------------

A_CARD = {"card": "c", "deck": "d", "fw": "f", "kind": "recall", "due": 1.0e9, "reps": 1, "lapses": 0,
          "first": 1.0e9, "last": 1.0e9,
          "fsrs": {"card_id": 0, "state": 2, "step": None, "stability": 3.0, "difficulty": 5.0,
                   "due": "2026-03-05T09:00:00+00:00", "last_review": "2026-03-02T09:00:00+00:00"}}

WRONG_SHAPES = {
    "unknown fields": ["cards", 999, {"x": 1}],
    "a due date that is text": ["cards", 998, {**A_CARD, "due": "soon"}],
    "a due date past any calendar": ["cards", 997, {**A_CARD, "due": 1e300}],
    "an fsrs state that is a list": ["cards", 996, {**A_CARD, "fsrs": [1, 2]}],
    "an fsrs state with a bad date": ["cards", 995, {**A_CARD, "fsrs": {**A_CARD["fsrs"], "due": "x"}}],
    "reps that are text": ["cards", 994, {**A_CARD, "reps": "3"}],
    "a day that is no date": ["days", 99, {"day": "yesterday", "reviews": 1}],
    "a tally that is text": ["days", 98, {"day": "2026-03-02", "reviews": "many"}],
    "an item tally without its item": ["items", 99, {"fw": "f", "deck": "d", "seen": 1, "missed": 0}],
    "a profile whose name is a list": ["profile", 1, {"name": ["lin"]}],
    "settings that are text": ["profile", 1, {"name": "lin", "settings": "fast"}],
    "a theme that is no name": ["profile", 1, {"name": "lin", "settings": {"theme": ["nord"]}}],
    "a table drill does not keep": ["notes", 1, {"text": "hello"}],
    "an id that is text": ["cards", "7", {"x": 1}],
    "an id of zero": ["cards", 0, A_CARD],
    "two fields only": ["cards", 7],
    "a document that is a list": ["cards", 7, [1, 2]],
    "an object": {"cards": 7},
    "a number": 42,
    "null": None,
}


def _store_with(drill_home: Path, bad_line: bytes, at_end: bool) -> tuple[Path, int]:
    """A store of a few answers with ``bad_line`` in trainee.json (its 3rd
    line, or its last); the file and the bad line's number."""
    _answers(Store.open("lin"), 3, MARCH)
    path = store_dir("lin") / "trainee.json"
    lines = path.read_bytes().split(b"\n")[:-1]
    where = len(lines) if at_end else 2
    lines.insert(where, bad_line)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, where + 1


@pytest.mark.parametrize("at_end", [False, True], ids=["inside", "last line"])
@pytest.mark.parametrize("what", list(WRONG_SHAPES))
@pytest.mark.tinydb_only
def test_a_record_of_the_wrong_shape_is_reported_as_file_and_line(drill_home, capsys, what, at_end):
    bad = json.dumps(WRONG_SHAPES[what]).encode()
    path, line = _store_with(drill_home, bad, at_end)
    folder = path.parent
    before = _files(folder)
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert str(err.value).startswith(f"{path}:{line}: ")
    for argv in (["stats", "--user", "lin"], ["stats", "--user", "lin", "--json"], ["report", str(drill_home)],
                 ["settings", "--user", "lin"], ["settings", "--user", "lin", "--new-per-day", "5"]):
        code = cli.main(argv)
        _, stderr = capsys.readouterr()
        assert code == 1, argv
        assert stderr.count("\n") == 1 and f"{path}:{line}:" in stderr and "Traceback" not in stderr, argv
    assert _files(folder) == before  # settings wrote nothing to the damaged store


@pytest.mark.tinydb_only
def test_a_review_of_the_wrong_shape_is_reported_as_file_and_line(drill_home):
    _answers(Store.open("lin"), 3, MARCH)
    log = store_dir("lin") / "reviews-2026-03.json"
    with open(log, "ab") as fh:
        fh.write(b'["reviews",99,{"card":"x","rating":9}]\n')
    before = log.read_bytes()
    with pytest.raises(StoreError) as err:
        Store.open("lin")
    assert str(err.value).startswith(f"{log}:5: ")
    assert log.read_bytes() == before


@pytest.mark.tinydb_only
async def test_the_app_opening_on_a_store_with_a_wrong_shape_record_says_so(drill_home):
    from conftest import until

    from drill.tui.app import make_app

    path, line = _store_with(drill_home, b'["cards",999,{"x":1}]', at_end=False)
    before = path.read_bytes()
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: bool(app.error), what="the store's error")
    assert app.return_code == 1
    assert app.error.startswith(f"{path}:{line}: ") and "\n" not in app.error
    assert path.read_bytes() == before
