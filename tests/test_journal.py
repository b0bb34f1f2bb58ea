"""Answers kept while the progress server is away (journal.py): the journal's
file (appended and fsynced, an unfinished last line ignored, a damaged line
one error naming it), and, on a real server of the test's own that the test
kills and starts again, answers recorded while it is away, or while it dies
in the middle of one (even in its commit), sent once when it is back; a drill
killed before sending them, or in the middle of sending them, loses none
and records none twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import DECKS, ROOT, pg_server

from drill.core import deck as decks
from drill.core import pg_engine
from drill.core.errors import StoreError
from drill.core.grading import grade
from drill.core.journal import Journal, Snapshot, journal_path, server_key
from drill.core.records import Review
from drill.core.session import Answered
from drill.core.store import Store, check_trainee

DECK = DECKS / "001_2cf52c944239bc02.toml"
T0 = time.time() - 7200


def recall_cards():
    return [c for c in decks.load(DECK).cards() if c.kind == "recall"]


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def review(n: int) -> Review:
    return Review(card=f"c{n}", deck="d", fw="f", kind="recall", at=T0 + n, items=[], score=1.0,
                  verdict="correct", rating=3, seconds=2.0, id=f"00000000-0000-0000-0000-{n:012d}")


# --- the file ----------------------------------------------------------------


def test_the_journal_keeps_answers_in_order_and_takes_out_those_sent(tmp_path):
    journal = Journal(tmp_path / "j" / "lin.jsonl")
    assert journal.entries() == [] and not journal.pending()
    for n in range(1, 5):
        journal.append(review(n))
    assert [r.id for r in journal.entries()] == [review(n).id for n in range(1, 5)]
    assert journal.entries()[0] == review(1)
    journal.remove([review(1).id, review(3).id])
    assert [r.card for r in journal.entries()] == ["c2", "c4"]
    assert not list(journal.path.parent.glob(".*.tmp"))  # written aside, renamed over it
    journal.remove([review(2).id, review(4).id])
    assert not journal.path.exists() and not journal.pending()


def test_an_unfinished_last_line_is_ignored_and_cut_before_the_next(tmp_path):
    journal = Journal(tmp_path / "lin.jsonl")
    journal.append(review(1))
    with open(journal.path, "ab") as fh:
        fh.write(b'{"review": {"card": "c2", "de')  # a drill killed while writing
    assert [r.card for r in journal.entries()] == ["c1"]
    journal.append(review(3))
    assert [r.card for r in journal.entries()] == ["c1", "c3"]
    assert journal.path.read_bytes().count(b"\n") == 2


def test_a_damaged_line_is_one_error_naming_it_and_the_journal_is_left(tmp_path):
    journal = Journal(tmp_path / "lin.jsonl")
    journal.append(review(1))
    with open(journal.path, "ab") as fh:
        fh.write(b'{"review": {"card": 7}}\n')
    journal.append(review(2))
    before = journal.path.read_bytes()
    with pytest.raises(StoreError) as caught:
        journal.entries()
    said = str(caught.value)
    assert said.startswith(f"{journal.path}:2: ") and "\n" not in said, said
    with pytest.raises(StoreError):
        journal.remove([review(1).id])
    assert journal.path.read_bytes() == before


def test_the_journal_is_kept_per_server_and_trainee_without_the_password(drill_home):
    a = journal_path("postgresql://lin:one@host/db", "lin")
    assert a == journal_path("postgresql://lin:two@host/db", "lin")  # a new password keeps the journal
    assert a != journal_path("postgresql://lin@host/db", "wang")
    assert a != journal_path("postgresql://lin@host/other", "lin")
    assert server_key("postgresql:///db?host=/s&options=-csearch_path%3Da") != \
        server_key("postgresql:///db?host=/s&options=-csearch_path%3Db")
    assert str(a).startswith(str(drill_home / "journal")) and "one" not in str(a)


# --- a server of the test's own, killed and started again -------------------


@pytest.fixture
def own(monkeypatch):
    """A server of this test's own (stopping it disturbs no other test); DRILL_STORE names it."""
    import pg

    bindir = pg.binaries()
    if bindir is None:
        pg_server()  # skipped (or failed, under CI) as every server test is
    server = pg.Server(bindir, durable=True)  # a commit acknowledged survives halt()
    try:
        server.start()
        monkeypatch.setenv("DRILL_STORE", server.url())
        yield server
    finally:
        server.stop()


def on_server(server, query: str, *params):
    with server.connect() as conn:
        return conn.execute(query, params or None).fetchall()


def recorded(server) -> list[tuple]:
    """(review id, card, rows) of every answer on the server."""
    return on_server(server, "SELECT review_id::text, card, count(*) FROM reviews GROUP BY 1, 2 ORDER BY min(seq)")


def test_answers_while_the_server_is_away_are_kept_and_sent_once_when_it_is_back(own, monkeypatch):
    from drill.core import store as store_module

    monkeypatch.setattr(store_module, "RETRY_S", 0.0)  # each answer tries the server again
    cards = recall_cards()
    store = Store.open("lin")
    store.record(answer(cards[0]), now=T0)
    own.halt()
    kept = [store.record(answer(cards[i]), now=T0 + 60 * i) for i in (1, 2, 3)]
    assert store.offline and store.kept_locally == 3
    journal = Journal.of(os.environ["DRILL_STORE"], "lin")
    assert [r.id for r in journal.entries()] == [k.review.id for k in kept]
    # the queue moves on: the answers kept move the cards' states in memory
    assert {cards[i].id for i in range(4)} <= set(store.due_at())
    assert store.card_state(cards[2].id).reps == 1
    with pytest.raises(StoreError, match="away"):
        store.update_settings(new_per_day=3)  # only answers are kept while it is away
    own.resume()
    store.record(answer(cards[4]), now=T0 + 400)  # sends the journal first
    assert not store.offline and not journal.pending()
    rows = recorded(own)
    assert [row[1] for row in rows] == [cards[i].id for i in range(5)]
    assert all(row[2] == 1 for row in rows)
    assert {k.review.id for k in kept} <= {row[0] for row in rows}
    store.close()
    assert check_trainee("lin") == []
    again = Store.open("lin")
    assert len(list(again.reviews())) == 5 and all(s.reps == 1 for s in again.cards())
    again.close()


def test_an_answer_kept_while_away_can_be_overridden_once_it_is_sent(own):
    cards = recall_cards()
    store = Store.open("lin")
    own.halt()
    kept = answer(cards[0], typed="")
    store.record(kept, now=T0)
    own.resume()
    assert store.send_journal()
    kept.overridden = "right"
    store.amend(kept, now=T0 + 10)
    store.close()
    assert check_trainee("lin") == []
    reader = Store.open("lin")
    (only,) = list(reader.reviews())
    assert only.overridden == "right" and reader.card_state(cards[0].id).reps == 1
    reader.close()


@pytest.mark.parametrize("when", ["before the commit", "after the commit"])
def test_a_server_dying_in_the_middle_of_an_answer_loses_nothing_and_duplicates_nothing(own, monkeypatch, when):
    import psycopg

    cards = recall_cards()
    store = Store.open("lin")
    store.record(answer(cards[0]), now=T0)
    engine = store.engine
    with monkeypatch.context() as patch:
        if when == "before the commit":
            real_flush = engine._flush

            def die_then_flush(conn):
                own.halt()  # killed with the transaction open (its answer inserted): the commit fails
                real_flush(conn)

            patch.setattr(engine, "_flush", die_then_flush)
        else:
            real_flush = engine._flush

            def commit_then_lost(conn):
                real_flush(conn)  # the changes and their COMMIT, sent in one round trip, done
                # the commit landed and its answer was lost with the connection: the outcome unknown
                raise psycopg.OperationalError("server closed the connection unexpectedly")

            patch.setattr(engine, "_flush", commit_then_lost)
        store.record(answer(cards[1]), now=T0 + 60)
    assert store.offline and store.kept_locally == 1
    if when == "after the commit":
        assert len(recorded(own)) == 2  # on the server already, and in the journal
        own.halt()
    store.record(answer(cards[2]), now=T0 + 120)  # the server still away
    assert store.kept_locally == 2
    own.resume()
    assert store.send_journal()
    rows = recorded(own)
    assert [row[1] for row in rows] == [c.id for c in cards[:3]] and all(row[2] == 1 for row in rows)
    store.close()
    assert check_trainee("lin") == []  # each card's state counts its answer once


CHILD = textwrap.dedent("""
    import os, signal, subprocess, sys, time
    sys.path.insert(0, {tests!r})
    from test_journal import answer, recall_cards, T0
    from drill.core.store import Store

    what = sys.argv[1]
    store = Store.open("lin")
    cards = recall_cards()
    if what == "journal":
        subprocess.run({halt!r}, check=True, capture_output=True)
        for i in range(4):
            store.record(answer(cards[i]), now=T0 + 60 * i)
        assert store.offline
        print("kept", store.kept_locally, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # killed before the journal is sent
""")

CHILD_SENDING = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from drill.core import store as store_module

    sent = []
    real = store_module.Store._sent

    def sent_then_killed(self, *args):
        real(self, *args)
        sent.append(1)
        if len(sent) == 2:
            os.kill(os.getpid(), signal.SIGKILL)  # killed midway: two sent, the journal not yet rewritten

    store_module.Store._sent = sent_then_killed
    store_module.Store.open("lin")
    print("not killed", flush=True)
""")


def _run_child(source: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", source, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, cwd=ROOT)


def test_a_drill_killed_before_sending_its_journal_sends_it_on_the_next_start(own):
    child = _run_child(CHILD.format(tests=str(ROOT / "tests"), halt=own.halt_command()), "journal")
    assert child.returncode == -9 and "kept 4" in child.stdout, child.stderr
    journal = Journal.of(os.environ["DRILL_STORE"], "lin")
    assert len(journal.entries()) == 4
    own.resume()
    store = Store.open("lin")  # sends the journal on opening
    assert not journal.pending() and len(list(store.reviews())) == 4
    assert all(s.reps == 1 for s in store.cards())
    store.close()
    assert check_trainee("lin") == []


def test_a_drill_killed_midway_through_sending_its_journal_duplicates_nothing(own):
    child = _run_child(CHILD.format(tests=str(ROOT / "tests"), halt=own.halt_command()), "journal")
    assert child.returncode == -9, child.stderr
    own.resume()
    sending = _run_child(CHILD_SENDING.format(tests=str(ROOT / "tests")))
    assert sending.returncode == -9 and "not killed" not in sending.stdout, sending.stderr
    journal = Journal.of(os.environ["DRILL_STORE"], "lin")
    assert len(journal.entries()) == 4  # nothing taken out: the kill came before the rewrite
    assert len(recorded(own)) == 2
    store = Store.open("lin")  # sends all four again: two are on the server already
    assert not journal.pending()
    rows = recorded(own)
    assert len(rows) == 4 and all(row[2] == 1 for row in rows)
    assert all(s.reps == 1 for s in store.cards())
    store.close()
    assert check_trainee("lin") == []


def test_a_damaged_journal_stops_the_drill_with_one_line_naming_it(own, capsys):
    from drill import cli

    store = Store.open("lin")
    store.close()
    journal = Journal.of(os.environ["DRILL_STORE"], "lin")
    journal.append(review(1))
    with open(journal.path, "ab") as fh:
        fh.write(b"not json\n")
    before = journal.path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store.open("lin")
    assert str(caught.value).startswith(f"{journal.path}:2: ")
    assert journal.path.read_bytes() == before
    assert json.loads(before.split(b"\n")[0])["review"]["id"] == review(1).id


async def test_the_drill_screen_says_answers_are_kept_locally_and_goes_on(own):
    from conftest import asked_cold, until

    from drill.tui.app import make_app
    from drill.tui.screens.drill import DrillScreen

    asked_cold()  # typed answers to recall cards
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
        screen = app.screen
        own.halt()
        await pilot.press(*"不知道")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.phase == "judged", what="the answer kept")
        status = screen.query_one("#store-status")
        assert status.display and "kept on this machine" in str(status.render())
        assert app.progress.offline and app.progress.kept_locally == 1
    own.resume()
    store = Store.open("lin")  # the journal sent on opening
    assert len(list(store.reviews())) == 1
    store.close()


# --- the server away as drill starts ----------------------------------------------


def test_a_store_opened_while_its_server_is_away_and_nothing_kept_here_is_one_clear_error(own):
    own.halt()
    with pytest.raises(StoreError, match="no progress of 'lin' is kept on this machine") as caught:
        Store.open("lin")
    assert "cannot reach the progress server" in str(caught.value) and "\n" not in str(caught.value)
    assert not Snapshot.of(os.environ["DRILL_STORE"], "lin").exists()


def test_a_trainee_drills_from_the_state_kept_here_when_the_server_is_away_at_the_start(own, monkeypatch):
    from drill.core import store as store_module

    cards = recall_cards()
    url = os.environ["DRILL_STORE"]
    first = Store.open("lin")
    first.record(answer(cards[0]), now=T0)
    first.record(answer(cards[1], typed=""), now=T0 + 60)
    first.close()  # keeps the state on this machine
    kept = Snapshot.of(url, "lin")
    assert kept.exists() and (kept.path.stat().st_mode & 0o077) == 0  # the trainee's own
    own.halt()
    assert store_module.profiles() == ["lin"]  # the trainees who can drill here while it is away
    store_module.reach()  # no error: lin can drill
    store = Store.open("lin")
    assert store.offline
    # the state kept: both cards seen, the missed one due before the one recalled
    assert store.card_state(cards[0].id).reps == 1 and store.card_state(cards[1].id).lapses >= 0
    assert set(store.due_at()) == {cards[0].id, cards[1].id}
    receipt = store.record(answer(cards[2]), now=T0 + 120)
    assert store.kept_locally == 1 and store.card_state(cards[2].id).reps == 1
    store.close()  # still away: the journal waits for the next drill
    again = Store.open("lin")  # a second start while away: the kept state with the journal on top
    assert again.offline and again.card_state(cards[2].id).reps == 1
    own.resume()
    monkeypatch.setattr(store_module, "RETRY_S", 0.0)
    assert again.send_journal() and not again.offline
    rows = recorded(own)
    assert [row[1] for row in rows] == [c.id for c in cards[:3]] and all(row[2] == 1 for row in rows)
    assert receipt.review.id in {row[0] for row in rows}
    again.record(answer(cards[3]), now=T0 + 180)  # on the server again
    again.close()
    assert check_trainee("lin") == []
    assert len(recorded(own)) == 4


def test_a_damaged_state_kept_here_is_one_error_naming_it_and_is_left_as_it_is(own):
    url = os.environ["DRILL_STORE"]
    Store.open("lin").close()
    kept = Snapshot.of(url, "lin")
    kept.path.write_bytes(b'{"format": 1, "profile": {}, "seq": "x"}')
    own.halt()
    with pytest.raises(StoreError, match="damaged") as caught:
        Store.open("lin")
    assert caught.value.path == str(kept.path)
    assert kept.path.read_bytes() == b'{"format": 1, "profile": {}, "seq": "x"}'
    own.resume()
    Store.open("lin").close()  # the server back: the state is kept again
    assert kept.load()[1] == 0


async def test_the_app_opens_on_the_state_kept_here_while_the_server_is_away_and_keeps_the_answer(own):
    from conftest import asked_cold, until

    from drill.tui.app import make_app
    from drill.tui.screens.drill import DrillScreen

    asked_cold()  # lin drilled on this machine before (settings: typed answers to recall cards)
    own.halt()
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: app.progress is not None, what="the progress opened")
        assert app.progress.offline and app.return_code is None
        await until(pilot, lambda: app.screen.query("#who") and "server is away" in str(
            app.screen.query_one("#who").render()), what="the deck list saying the server is away")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
        screen = app.screen
        status = screen.query_one("#store-status")
        assert status.display and "server is away" in str(status.render())  # said before any answer
        await pilot.press(*"不知道")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.phase == "judged", what="the answer kept")
        assert app.progress.kept_locally == 1
    own.resume()
    store = Store.open("lin")  # the journal sent on opening
    assert len(list(store.reviews())) == 1
    store.close()
