"""The PostgreSQL engine's own promises, on a real server the tests start
(tests/pg.py): its versioned schema and how it is upgraded, the keys every
row carries, an answer sent twice recorded once, two drills of one trainee
taking turns, a rebuild that is one transaction, and a server that is
named wrongly, not there, or restarted. (The store's rules run on this
engine in every store test: the engine_kind fixture.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse

import pytest
from conftest import DECKS, ROOT, pg_server

from drill import cli
from drill.core import deck as decks
from drill.core import pg_engine
from drill.core.engine import Engine
from drill.core.errors import StoreError
from drill.core.grading import grade
from drill.core.pg_engine import SCHEMA_VERSION, PgEngine
from drill.core.session import Answered
from drill.core.store import Store, check_trainee, has_store, open_reader, profiles

DECK = DECKS / "001_2cf52c944239bc02.toml"
T0 = time.time() - 7200


def recall_cards():
    return [c for c in decks.load(DECK).cards() if c.kind == "recall"]


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


@pytest.fixture
def url(monkeypatch) -> str:
    """A fresh, empty schema on the test server; DRILL_STORE names it."""
    address = pg_server().fresh_schema()
    monkeypatch.setenv("DRILL_STORE", address)
    return address


def sql(address: str, query: str, *params):
    import psycopg

    with psycopg.connect(address, autocommit=True) as conn:
        cur = conn.execute(query, params or None)
        return cur.fetchall() if cur.description else None


def schema_of(address: str) -> str:
    options = urllib.parse.parse_qs(urllib.parse.urlsplit(address).query)["options"][0]
    return options.split("=", 1)[1]


# --- the engine and its schema ---------------------------------------------


def test_the_postgresql_engine_is_an_engine(url):
    engine = PgEngine(url, "lin")
    wanted = [name for name in dir(Engine) if not name.startswith("_")]
    assert [name for name in wanted if not hasattr(engine, name)] == []
    assert engine.lagging() == [] and engine.applied_seq() == 0 and not engine.has_progress()
    engine.close()


def test_the_schema_is_made_once_versioned_and_upgraded_idempotently(url):
    Store.open("lin").close()
    assert sql(url, "SELECT version FROM drill_schema") == [(SCHEMA_VERSION,)]
    tables = {row[0] for row in sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = %s", schema_of(url))}
    assert tables == {"drill_schema", "orgs", "trainees", "reviews", "cards", "days", "items", "confusions",
                      "stages", "people", "classes", "class_members", "assignments", "exams", "exam_questions",
                      "exam_attempts", "exam_answers"}
    # again: nothing to do, nothing changes
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        assert pg_engine.migrate(conn) == SCHEMA_VERSION
        assert pg_engine.migrate(conn) == SCHEMA_VERSION
    assert sql(url, "SELECT count(*) FROM drill_schema") == [(1,)]
    assert sql(url, "SELECT org FROM orgs") == [("default",)]


def test_every_row_carries_its_org_and_every_key_starts_with_it(url):
    Store.open("lin").close()
    schema = schema_of(url)
    columns = {}
    for table, column in sql(url, "SELECT table_name, column_name FROM information_schema.columns "
                                  "WHERE table_schema = %s", schema):
        columns.setdefault(table, set()).add(column)
    per_trainee = {"trainees", "reviews", "cards", "days", "items", "confusions", "stages"}
    assert all({"org", "trainee"} <= columns[t] for t in per_trainee), columns
    assert {"class_id", "review_id", "seq"} <= columns["reviews"]
    # every index (keys included) of those tables starts with the org: no query scans every org's rows
    indexes = sql(url, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s", schema)
    for table, name, definition in indexes:
        if table in per_trainee:
            assert definition.split("(", 1)[1].startswith("org,"), (name, definition)
    defs = {name: definition for _table, name, definition in indexes}
    assert any("(org, trainee, seq)" in d for d in defs.values())  # the log, by trainee and number
    assert any("(org, review_id)" in d and "UNIQUE" in d for d in defs.values())  # each answer once
    assert any("(org, class_id, at)" in d for d in defs.values())  # a class's answers, for the class view


def test_an_answer_lands_in_one_row_with_its_trainee_org_and_id(url):
    store = Store.open("lin")
    card = recall_cards()[0]
    receipt = store.record(answer(card), now=T0)
    rows = sql(url, "SELECT r.org, r.class_id, r.seq, r.review_id::text, t.name FROM reviews r "
                    "JOIN trainees t USING (org, trainee)")
    assert rows == [("default", None, 1, receipt.review.id, "lin")]
    assert len(receipt.review.id) == 36  # a uuid the client made
    assert sql(url, "SELECT seq, version > 0 FROM trainees WHERE name = 'lin'") == [(1, True)]


def test_a_newer_schema_is_refused_and_left_as_it_is(url, capsys):
    Store.open("lin").close()
    sql(url, "UPDATE drill_schema SET version = %s", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="newer than this drill"):
        Store.open("kim")
    assert cli.main(["stats", "--user", "lin"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer than this drill" in err
    assert sql(url, "SELECT name FROM trainees") == [("lin",)]


MIGRATE = textwrap.dedent("""
    import os, sys
    from drill.core.store import Store
    while not os.path.exists(sys.argv[1]):  # every drill starts at once
        pass
    Store.open(sys.argv[2]).close()
    print("opened", flush=True)
""")


def test_drills_starting_together_on_a_new_server_make_the_tables_once(url, tmp_path):
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    starters = [subprocess.Popen([sys.executable, "-c", MIGRATE, str(go), f"t{n}"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env) for n in range(4)]
    go.touch()
    outs = [p.communicate(timeout=300) for p in starters]
    assert [p.returncode for p in starters] == [0, 0, 0, 0], [err for _, err in outs]
    assert all(out.strip() == "opened" for out, _ in outs)
    assert sql(url, "SELECT version FROM drill_schema") == [(SCHEMA_VERSION,)]
    assert sorted(profiles()) == ["t0", "t1", "t2", "t3"]


# --- answers -----------------------------------------------------------------


def test_an_answer_sent_again_is_recorded_once(url, monkeypatch):
    from drill.core import store as store_mod

    store = Store.open("lin")
    card = recall_cards()[0]
    monkeypatch.setattr(store_mod, "_new_id", lambda: "6f1d3b0e-8c1a-4c55-9d2e-2b7f0a9c1e01")
    first = store.record(answer(card), now=T0)
    again = store.record(answer(card), now=T0 + 60)  # the same answer, sent again after a lost reply
    assert again.review.seq == first.review.seq == 1
    assert sql(url, "SELECT count(*) FROM reviews") == [(1,)]
    reopened = Store.open("lin")
    assert reopened.card_state(card.id).reps == 1 and sum(d.reviews for d in reopened.days()) == 1
    assert check_trainee("lin") == []


def test_a_change_that_fails_leaves_nothing_on_the_server(url):
    store = Store.open("lin")
    cards = recall_cards()
    store.record(answer(cards[0]), now=T0)
    with pytest.raises(RuntimeError), store.engine.transaction():
        store.engine.log(store._review(answer(cards[1]), 3, T0 + 60, None), T0 + 60)
        store.engine.update_profile({"name": "changed"})
        raise RuntimeError("the block failed")
    assert sql(url, "SELECT count(*) FROM reviews") == [(1,)]
    assert store.name == "lin" and store.applied_seq() == 1  # memory as it was before the change
    store.record(answer(cards[1]), now=T0 + 120)
    assert [r.seq for r in Store.open("lin").reviews()] == [1, 2]


def test_a_rebuild_is_one_transaction(url):
    store = Store.open("lin")
    for n, card in enumerate(recall_cards()[:3]):
        store.record(answer(card, "不知道" if n else None), now=T0 + n)
    before = sql(url, "SELECT card, reps, lapses, due FROM cards ORDER BY card")
    with pytest.raises(RuntimeError), store.engine.rebuilding():
        raise RuntimeError("killed in the middle of the rebuild")
    assert sql(url, "SELECT card, reps, lapses, due FROM cards ORDER BY card") == before
    sql(url, "UPDATE days SET reviews = 99")  # a tally gone wrong
    assert check_trainee("lin") != []
    store.rebuild()
    assert sql(url, "SELECT card, reps, lapses, due FROM cards ORDER BY card") == before
    assert check_trainee("lin") == []


def test_two_drills_of_one_trainee_take_turns(url):
    first, second = Store.open("lin"), Store.open("lin")
    cards = recall_cards()
    holding, release = threading.Event(), threading.Event()

    def hold():
        with first.engine.transaction():
            first.engine.update_profile({"held": True})
            holding.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(60)
    done: list = []
    answering = threading.Thread(target=lambda: done.append(second.record(answer(cards[0]), now=T0)))
    answering.start()
    # the second drill waits on the trainee's row lock (seen by the server, never timed)
    deadline = time.monotonic() + 60
    while not sql(url, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"):
        assert time.monotonic() < deadline, "the second drill never waited for the first"
        time.sleep(0.01)
    assert done == []
    release.set()
    holder.join(60)
    answering.join(60)
    assert done and done[0].review.seq == 1
    assert second.engine.profile().get("held") is True  # it took in what the first committed
    first.record(answer(cards[1]), now=T0 + 60)
    assert [r.seq for r in Store.open("lin").reviews()] == [1, 2]


def test_another_trainees_drill_never_waits(url):
    lin, kim = Store.open("lin"), Store.open("kim")
    card = recall_cards()[0]
    with lin.engine.transaction():
        lin.engine.update_profile({"held": True})
        kim.record(answer(card), now=T0)  # would wait forever on a lock shared by trainees
    assert [r.seq for r in Store.open("kim").reviews()] == [1]
    assert list(Store.open("lin").reviews()) == []


def test_a_reader_sees_what_the_writer_commits_and_writes_nothing(url):
    assert not has_store("lin")
    writer = Store.open("lin")
    reader = open_reader("lin")
    assert reader.readonly and reader.cards() == []
    writer.record(answer(recall_cards()[0]), now=T0)
    reader.reread()
    assert len(reader.cards()) == 1 and has_store("lin")
    with pytest.raises(StoreError, match="read-only"):
        reader.rebuild()
    assert open_reader("nobody").cards() == [] and not has_store("nobody")


# --- the server named wrongly, away, or restarted ----------------------------


@pytest.mark.parametrize("address, said", [
    ("postgresql://lin:sekrit@127.0.0.1:1/drill", "127.0.0.1:1"),
    ("postgresql://lin:sekrit@[::1/drill", "postgresql://lin@"),
    ("postgresql:///drill?host=/nonexistent&password=sekrit", "/nonexistent"),
])
def test_a_server_that_cannot_be_reached_is_one_line_naming_it(address, said, capsys):
    code = cli.main(["--store", address, "stats", "--user", "lin"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("drill: ") and err.count("\n") == 1, err
    assert said in err and "sekrit" not in err and "Traceback" not in err


def test_a_store_that_is_not_an_address_is_one_line(capsys):
    assert cli.main(["--store", "mysql://somewhere", "settings", "--user", "lin"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "postgresql://" in err


def test_the_app_is_not_started_when_its_server_is_away(monkeypatch, capsys):
    import drill.tui.app

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(drill.tui.app, "make_app", lambda *a, **k: pytest.fail("the app was started"))
    assert cli.main(["--store", "postgresql://lin:sekrit@127.0.0.1:1/drill", "--user", "lin"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "127.0.0.1:1" in err and "sekrit" not in err


def test_the_commands_work_on_the_server(url, capsys):
    import json

    store = Store.open("lin")
    store.record(answer(recall_cards()[0]), now=time.time())
    store.close()
    assert cli.main(["stats", "--user", "lin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reviews"] == 1
    assert cli.main(["settings", "--user", "lin", "--new-per-day", "7"]) == 0
    assert open_reader("lin").settings.new_per_day == 7
    assert cli.main(["store", "check", "--user", "lin"]) == 0
    assert "healthy" in capsys.readouterr().out
    sql(url, "UPDATE cards SET reps = 5")
    assert cli.main(["store", "check", "--user", "lin"]) == 1
    assert cli.main(["store", "repair", "--user", "lin"]) == 1  # repaired: it says what it did
    assert "rebuilt" in capsys.readouterr().out
    assert cli.main(["store", "check", "--user", "lin"]) == 0
    assert cli.main(["store", "check", "--user", "nobody"]) == 2


def test_a_drill_goes_on_after_its_server_restarts(tmp_path, monkeypatch):
    import pg

    bindir = pg.binaries()
    if bindir is None:
        pg_server()  # skipped (or failed, under CI) as every server test is
    own = pg.Server(bindir)  # a server of this test's own: restarting it disturbs no other test
    try:
        own.start()
        monkeypatch.setenv("DRILL_STORE", own.url())
        store = Store.open("lin")
        cards = recall_cards()
        store.record(answer(cards[0]), now=T0)
        own.restart()
        store.record(answer(cards[1]), now=T0 + 60)  # its dropped connection is made again
        assert [r.seq for r in Store.open("lin").reviews()] == [1, 2]
    finally:
        own.stop()


def test_what_psycopg_logs_about_a_dropped_connection_is_not_drawn_over_the_app():
    import subprocess
    import sys

    # psycopg logs so while closing a pipeline the server dropped (a restart under a class's
    # answers); in a process of its own, as drill runs (no handler set up by the tests)
    code = ("import logging, drill.core.pg_engine; logging.getLogger('psycopg').warning("
            "'error ignored terminating <psycopg.Pipeline [BAD]>: the connection is lost')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
