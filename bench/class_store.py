"""A class's progress on one store: answers, the instructor's view, a server restarted, as one JSON object.

    python bench/class_store.py --store URL [--trainees 1000] [--cards 5000] [--answers 1000000]
                                [--concurrent N] [--seconds 60] [--restart-cmd 'SHELL COMMAND']
                                [--timed 500] [--home DIR]

``--store`` is a ``postgresql://`` address (the server is the one given: its
drill tables are made or upgraded there, and the bench's trainees, named
``bench-NNNNN``, made again), or ``tinydb:PATH`` (a folder of TinyDB stores,
one per trainee, made anew: the comparison).

The data: CARDS cards (decks of enumerations, as bench/store.py makes them)
and TRAINEES trainees, with ANSWERS answers spread evenly over them across
the year before today, each trainee answering a window of the cards once
each (so up to ANSWERS card states), with their day tallies. On a server it
is written in bulk (COPY); on TinyDB each store is written in its file
format (bench/store.py's build_store), one history for every trainee.

The figures:

- answer_ms_median / answer_ms_p95: TIMED answers of one trainee, one after
  the other, each through the real path (Store.record on its engine: on a
  server one transaction, acknowledged after its commit, or after the
  journal's fsync while the server is away).
- class_view_ms: the instructor's class view (core/class_view.py: per
  trainee reviews, cards, cards due, the last 30 days' retention; over the
  class): the median of three runs. Classes are not in the schema yet, so
  the class is every trainee of the organisation; on TinyDB the view reads
  every trainee's folder.
- with ``--concurrent N``: N simulated trainees (threads, each with its own
  store and connection) answering as fast as they can for SECONDS; with
  ``--restart-cmd`` that command is run (by the shell) half-way through, to
  restart the server. At the end each trainee's journal is sent (waiting
  until the server takes it), and every answer acknowledged is looked for
  on the server by its id: answers_sent (acknowledged), answers_lost
  (acknowledged, not on the server), answers_duplicated (rows beyond the
  first per answer id, plus answers recorded twice by content: the same
  trainee, card, time and text under two ids), answers_kept_locally (those
  acknowledged from the journal while the server was away),
  answers_failed (not acknowledged: the trainee was told "not saved").
  concurrent_answer_ms_median / _p95 are the answers' times in that run.
  answers_sent counts the timed answers too.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGETS = {"answer_ms_median": 5.0, "class_view_ms": 1000.0}
PREFIX = "bench-"
SPAN_S = 365 * 86400


def _bench_store():
    spec = importlib.util.spec_from_file_location("bench_store", ROOT / "bench" / "store.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def name_of(t: int) -> str:
    return f"{PREFIX}{t:05d}"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def plan(trainee: int, n_trainees: int, n_cards: int, n_answers: int) -> list[int]:
    """The card indexes trainee ``trainee`` (0-based) answered, in order."""
    per = n_answers // n_trainees + (trainee < n_answers % n_trainees)
    start = (trainee * 37) % n_cards
    return [(start + i) % n_cards for i in range(per)]


# --------------------------------------------------------------------------
# building the data


def fsrs_templates(now: float, n: int = 24):
    """Card states of one answer each, made by fsrs at spread times and ratings."""
    from drill.core import scheduler

    settings = scheduler.Settings()
    out = []
    for k in range(n):
        at = now - (k * 15 + 1) * 86400
        rating = [1, 2, 3, 3, 3, 4][k % 6]
        state = scheduler.review(None, rating, dt.datetime.fromtimestamp(at, dt.UTC), settings)
        out.append((json.dumps(state), scheduler.due_of(state).timestamp(), scheduler.stability_of(state), rating))
    return out


def build_server(url: str, cards, n_trainees: int, n_answers: int, now: float) -> None:
    import psycopg

    from drill.core import pg_engine, scheduler

    settings = json.dumps(scheduler.Settings().as_json())
    templates = fsrs_templates(now)
    with psycopg.connect(url, autocommit=True) as conn:
        pg_engine.migrate(conn, pg_engine.where(url))
        conn.execute("DELETE FROM trainees WHERE org = %s AND name LIKE %s", (pg_engine.DEFAULT_ORG, PREFIX + "%"))
        with conn.transaction(), conn.cursor() as cur:
            names = [name_of(t) for t in range(n_trainees)]
            rows = cur.execute(
                "INSERT INTO trainees (org, name, profile) SELECT %s, n, jsonb_build_object('name', n, "
                "'settings', %s::jsonb, 'created', %s::float8) FROM unnest(%s::text[]) n RETURNING trainee, name",
                (pg_engine.DEFAULT_ORG, settings, now - SPAN_S, names)).fetchall()
            ids = {name: trainee for trainee, name in rows}
            seqs = []
            with cur.copy("COPY reviews (org, trainee, seq, review_id, card, deck, fw, kind, at, verdict, rating, "
                          "score, seconds, typed, items, is_new, was_mature) FROM STDIN") as copy:
                import uuid

                for t in range(n_trainees):
                    tid = ids[name_of(t)]
                    mine = plan(t, n_trainees, len(cards), n_answers)
                    for i, n in enumerate(mine, 1):
                        card = cards[n]
                        at = now - SPAN_S + SPAN_S * i / (len(mine) + 1)
                        rating = templates[(t + i) % len(templates)][3]
                        passed = rating > 1
                        items = json.dumps([[e, e if passed else "", "correct" if passed else "missing"]
                                            for e in card.answer], ensure_ascii=False)
                        copy.write_row(("default", tid, i, str(uuid.UUID(int=random.getrandbits(128), version=4)),
                                        card.id, card.deck, card.framework, card.kind, round(at, 3),
                                        "correct" if passed else "wrong", rating, 1.0 if passed else 0.0, 9.5,
                                        "、".join(card.answer), items, True, False))
                    seqs.append((len(mine), tid))
            with cur.copy("COPY cards (org, trainee, card, deck, fw, kind, fsrs, due, reps, lapses, \"first\", "
                          "\"last\", stability, seq) FROM STDIN") as copy:
                for t in range(n_trainees):
                    tid = ids[name_of(t)]
                    mine = plan(t, n_trainees, len(cards), n_answers)
                    last_of = {n: i for i, n in enumerate(mine, 1)}
                    for n, i in last_of.items():
                        card = cards[n]
                        at = now - SPAN_S + SPAN_S * i / (len(mine) + 1)
                        fsrs, due, stability, rating = templates[(t + i) % len(templates)]
                        copy.write_row(("default", tid, card.id, card.deck, card.framework, card.kind, fsrs, due,
                                        1, int(rating == 1), round(at, 3), round(at, 3), stability, i))
            with cur.copy("COPY days (org, trainee, day, reviews, passed, seconds, new) FROM STDIN") as copy:
                for t in range(n_trainees):
                    tid = ids[name_of(t)]
                    mine = plan(t, n_trainees, len(cards), n_answers)
                    tally: dict[str, list] = {}
                    for i in range(1, len(mine) + 1):
                        at = now - SPAN_S + SPAN_S * i / (len(mine) + 1)
                        day = dt.datetime.fromtimestamp(at).date().isoformat()
                        passed = templates[(t + i) % len(templates)][3] > 1
                        row = tally.setdefault(day, [0, 0])
                        row[0] += 1
                        row[1] += passed
                    for day, (reviews, passed) in tally.items():
                        copy.write_row(("default", tid, day, reviews, passed, 9.5 * reviews, reviews))
            cur.executemany("UPDATE trainees SET seq = %s, version = 1, active = now() "
                            "WHERE org = 'default' AND trainee = %s", seqs)
        conn.execute("ANALYZE")


def build_tinydb(root: Path, cards, n_trainees: int, n_answers: int, now: float) -> list[Path]:
    bench_store = _bench_store()
    per = max(1, n_answers // max(1, n_trainees))
    n_cards = min(len(cards), per)
    history = bench_store.make_history(n_cards, per, now)
    folders = []
    (root / "progress").mkdir(parents=True, exist_ok=True)
    for t in range(n_trainees):
        folder = root / "progress" / name_of(t)
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        bench_store.build_store(folder, name_of(t), cards[:n_cards], history, now)
        folders.append(folder)
    return folders


# --------------------------------------------------------------------------
# answering


class Answers:
    """Graded answers to the cards, made once (an answer object is made per answer from them)."""

    def __init__(self, cards) -> None:
        from drill.core.grading import grade

        rng = random.Random(3)
        self.cards = cards
        self.graded = []
        for card in cards:
            typed = "、".join(card.answer) if rng.random() < 0.7 else "、".join(card.answer[:-1])
            self.graded.append((typed, grade(card.answer, typed, card.ordered)))

    def answer(self, n: int):
        from drill.core.session import Answered

        typed, graded = self.graded[n % len(self.cards)]
        return Answered(self.cards[n % len(self.cards)], typed, graded, 8.0, 0)


def open_store(args, t: int):
    from drill.core.store import Store

    if args.tinydb is not None:
        return Store.open(name_of(t), args.tinydb / "progress" / name_of(t))
    return Store.open(name_of(t))


def timed_answers(args, answers: Answers, acked: list) -> list[float]:
    store = open_store(args, 0)
    times = []
    try:
        for i in range(args.timed):
            answered = answers.answer(i * 7)
            start = time.perf_counter()
            receipt = store.record(answered)
            times.append((time.perf_counter() - start) * 1000)
            acked.append((0, receipt.review.id))
    finally:
        store.close()
    return times


def concurrent(args, answers: Answers, acked: list) -> dict:
    from drill.core.errors import StoreError

    deadline = time.monotonic() + args.seconds
    lock = threading.Lock()
    times: list[float] = []
    kept = [0]
    failed = [0]
    errors: list[str] = []
    unsent = [0]

    def trainee(t: int) -> None:
        try:
            store = open_store(args, t)
        except StoreError as exc:
            with lock:
                errors.append(str(exc))
            return
        mine, mine_times, mine_failed, i = [], [], 0, t * 1000
        try:
            while time.monotonic() < deadline:
                i += 1
                start = time.perf_counter()
                try:
                    receipt = store.record(answers.answer(i))
                except StoreError as exc:
                    mine_failed += 1
                    if len(errors) < 5:
                        errors.append(str(exc))
                    continue
                mine_times.append((time.perf_counter() - start) * 1000)
                mine.append((t, receipt.review.id))
            # the journal sent before the end: wait until the server takes it
            until = time.monotonic() + 120
            while not store.send_journal() and time.monotonic() < until:
                time.sleep(0.2)  # a retry loop, bounded in time
            left = len(store.journal.entries()) if store.journal is not None else 0
        finally:
            with contextlib.suppress(StoreError):
                store.close()
        with lock:
            acked.extend(mine)
            times.extend(mine_times)
            kept[0] += store.kept_locally
            failed[0] += mine_failed
            unsent[0] += left

    restart: dict = {}

    def restarter() -> None:
        wait = deadline - args.seconds / 2 - time.monotonic()
        if wait > 0:
            time.sleep(wait)  # half-way through the run
        start = time.monotonic()
        done = subprocess.run(args.restart_cmd, shell=True, capture_output=True, text=True)
        restart.update(restart_s=round(time.monotonic() - start, 3), restart_rc=done.returncode)

    threads = [threading.Thread(target=trainee, args=(t,)) for t in range(args.concurrent)]
    if args.restart_cmd:
        threads.append(threading.Thread(target=restarter))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"concurrent_answer_ms_median": round(statistics.median(times), 3) if times else None,
            "concurrent_answer_ms_p95": round(percentile(times, 0.95), 3) if times else None,
            "answers_kept_locally": kept[0], "answers_failed": failed[0], "journal_left": unsent[0],
            "errors": errors[:5], **restart}


# --------------------------------------------------------------------------
# counting what the store holds


def verify_server(url: str, acked: list, since: float) -> dict:
    import psycopg

    ids = [answer_id for _t, answer_id in acked]
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT review_id::text, count(*) FROM reviews WHERE org = 'default' "
                            "AND review_id = ANY(%s::uuid[]) GROUP BY 1", (ids,)).fetchall()
        by_content = conn.execute(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM reviews r JOIN trainees t "
            "USING (org, trainee) WHERE r.org = 'default' AND t.name LIKE %s AND r.at >= %s "
            "GROUP BY r.trainee, r.card, r.at, r.typed, r.amends HAVING count(*) > 1) d",
            (PREFIX + "%", since)).fetchone()[0]
    found = {answer_id: n for answer_id, n in rows}
    return {"answers_lost": sum(1 for answer_id in set(ids) if answer_id not in found),
            "answers_duplicated": sum(n - 1 for n in found.values()) + int(by_content),
            "answers_duplicated_by_id": sum(n - 1 for n in found.values()),
            "answers_duplicated_by_content": int(by_content)}


def verify_tinydb(args, acked: list, since: float) -> dict:
    from collections import Counter

    from drill.core.store import Store

    lost = dup = by_content = 0
    for t in sorted({t for t, _ in acked}):
        store = Store.open_readonly(args.tinydb / "progress" / name_of(t))
        try:
            mine = [r for r in store.engine.reviews() if r.at >= since]
        finally:
            store.close()
        counts = Counter(r.id for r in mine)
        dup += sum(n - 1 for n in counts.values())
        by_content += sum(n - 1 for n in Counter((r.card, r.at, r.typed, r.amends) for r in mine).values())
        lost += sum(1 for tt, answer_id in acked if tt == t and answer_id not in counts)
    return {"answers_lost": lost, "answers_duplicated": dup + by_content, "answers_duplicated_by_id": dup,
            "answers_duplicated_by_content": by_content}


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="a postgresql:// address, or tinydb:PATH")
    parser.add_argument("--trainees", type=int, default=1000)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--concurrent", type=int, default=0, help="trainees answering at once")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long they answer")
    parser.add_argument("--restart-cmd", help="a shell command run half-way through, to restart the server")
    parser.add_argument("--timed", type=int, default=500, help="answers of one trainee timed one by one")
    parser.add_argument("--home", help="DRILL_HOME for the run (the journals): a temporary folder by default")
    parser.add_argument("--skip-build", action="store_true", help="use the data a run before built")
    args = parser.parse_args(argv)
    if args.trainees < 1 or args.cards < 1 or args.answers < 0 or args.concurrent < 0:
        parser.error("--trainees and --cards need at least 1; --answers and --concurrent no less than 0")
    if args.concurrent > args.trainees:
        parser.error("--concurrent is at most --trainees (each simulated trainee is one of them)")
    store_arg = args.store.strip()
    args.tinydb = Path(store_arg[len("tinydb:"):]).expanduser() if store_arg.startswith("tinydb:") else None
    if args.tinydb is None and not store_arg.startswith(("postgresql://", "postgres://")):
        print(f"bench/class_store.py: --store {store_arg!r} is neither a postgresql:// address nor tinydb:PATH",
              file=sys.stderr)
        return 2
    home = args.home or tempfile.mkdtemp(prefix="drill-class-bench-")
    os.environ["DRILL_HOME"] = home
    if args.tinydb is None:
        os.environ["DRILL_STORE"] = store_arg
    else:
        os.environ.pop("DRILL_STORE", None)

    from drill.core import class_view
    from drill.core.errors import DrillError

    bench_store = _bench_store()
    _decks, cards = bench_store.deck_cards(args.cards)
    now = time.time()
    out: dict = {"store": "tinydb" if args.tinydb else "postgresql", "trainees": args.trainees,
                 "cards": len(cards), "answers": args.answers}
    try:
        start = time.monotonic()
        folders: list[Path] = []
        if args.tinydb is not None:
            folders = build_tinydb(args.tinydb, cards, args.trainees, args.answers, now) if not args.skip_build \
                else [args.tinydb / "progress" / name_of(t) for t in range(args.trainees)]
        elif not args.skip_build:
            build_server(store_arg, cards, args.trainees, args.answers, now)
        out["build_s"] = round(time.monotonic() - start, 1)
        answers = Answers(cards)
        acked: list = []
        since = time.time()
        times = timed_answers(args, answers, acked) if args.timed else []
        out["answers_timed"] = len(times)
        out["answer_ms_median"] = round(statistics.median(times), 3) if times else None
        out["answer_ms_p95"] = round(percentile(times, 0.95), 3) if times else None
        views = []
        for _ in range(3):
            start = time.perf_counter()
            view = (class_view.folders_view(folders) if args.tinydb is not None
                    else class_view.class_view(store_arg))
            views.append((time.perf_counter() - start) * 1000)
        out["class_view_ms"] = round(statistics.median(views), 1)
        out["class_view_trainees"] = len(view.trainees)
        out["class_view_reviews"] = view.reviews
        if args.concurrent:
            out.update(concurrent=args.concurrent, seconds=args.seconds)
            out.update(concurrent_run(args, answers, acked))
        out["answers_sent"] = len(acked)
        out.update(verify_tinydb(args, acked, since) if args.tinydb is not None
                   else verify_server(store_arg, acked, since))
    except DrillError as exc:
        print(f"bench/class_store.py: {exc}", file=sys.stderr)
        return 1
    out["targets"] = TARGETS
    out["met"] = {key: out.get(key) is not None and out[key] <= limit for key, limit in TARGETS.items()}
    if args.concurrent:
        out["met"]["none_lost_or_duplicated"] = out["answers_lost"] == 0 and out["answers_duplicated"] == 0
    print(json.dumps(out, ensure_ascii=False))
    return 0


def concurrent_run(args, answers: Answers, acked: list) -> dict:
    return concurrent(args, answers, acked)


if __name__ == "__main__":
    sys.exit(main())
