"""The instructor's view of one class in a centre's data, as one JSON object.

    python bench/class_report.py --store URL [--trainees 1000] [--cards 5000] [--answers 1000000]
                                 [--class-size 30] [--instructor NAME] [--skip-build]

``--store`` is a ``postgresql://`` address of the administrator (the owner of
drill's tables, who may make roles). The centre is built there as
bench/class_store.py builds it (TRAINEES trainees named ``bench-NNNNN``,
ANSWERS answers, their card states and day tallies, in bulk), with item
tallies made from the card states; then one class, ``bench-class``, of the
first CLASS_SIZE trainees, taught by the login NAME (``bench_instructor``
by default; made once, its password set each run), with one assignment. The view is read
as that instructor's own login, so through row-level security, as the app
and ``drill class report`` read it.

The figures: class_report_ms (the median of three reads of
core/instructor.py's class_report), and what it found (trainees, decks,
weakest items, at risk), to show it read the class and only the class.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

CLASS = "bench-class"
INSTRUCTOR = "bench_instructor"
PASSWORD = "bench-instructor-password"
TARGETS = {"class_report_ms": 1000.0}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_class(url: str, class_size: int, teacher: str = INSTRUCTOR) -> None:
    import psycopg

    from drill.core import pg_classes
    from drill.core.roster import Entry, Role

    class_store = _module("class_store")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO items (org, trainee, fw, item, deck, seen, missed) "
                     "SELECT org, trainee, fw, card, deck, reps, lapses FROM cards WHERE org = 'default' "
                     "ON CONFLICT DO NOTHING")
    if CLASS not in [c["name"] for c in pg_classes.classes(url)]:
        pg_classes.create_class(url, CLASS)
    pg_classes.add_members(url, CLASS, [Entry(teacher, Role.INSTRUCTOR, PASSWORD, 0)])
    names = [class_store.name_of(t) for t in range(class_size)]
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute(psycopg.sql.SQL("ALTER ROLE {} PASSWORD {}").format(psycopg.sql.Identifier(teacher),
                                                                         psycopg.sql.Literal(PASSWORD)))
        # the class's trainees as people (they read nothing here: no login roles are needed)
        conn.execute("DELETE FROM people WHERE org = 'default' AND kind = 'trainee' AND name LIKE 'bench-%'")
        conn.execute("INSERT INTO people (org, login, name, kind, trainee) SELECT org, name, name, 'trainee', trainee "
                     "FROM trainees WHERE org = 'default' AND name = ANY(%s)", (names,))
        conn.execute("INSERT INTO class_members (org, class_id, person, role) SELECT p.org, c.class_id, p.person, "
                     "'trainee' FROM people p JOIN classes c ON c.org = p.org AND c.name = %s "
                     "WHERE p.org = 'default' AND p.name = ANY(%s) ON CONFLICT DO NOTHING", (CLASS, names))
        deck = conn.execute("SELECT deck FROM cards WHERE org = 'default' LIMIT 1").fetchone()
        if deck:
            conn.execute("INSERT INTO assignments (org, class_id, deck, due) SELECT 'default', class_id, %s, %s "
                         "FROM classes WHERE org = 'default' AND name = %s ON CONFLICT DO NOTHING",
                         (deck[0], dt.date.today(), CLASS))
        conn.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, metavar="URL")
    parser.add_argument("--trainees", type=int, default=1000)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--class-size", type=int, default=30)
    parser.add_argument("--instructor", default=INSTRUCTOR, metavar="NAME", help="the instructor's login")
    parser.add_argument("--skip-build", action="store_true", help="the centre is built already (by a run before)")
    args = parser.parse_args(argv)
    os.environ["DRILL_HOME"] = tempfile.mkdtemp(prefix="drill-class-report-bench-")
    from psycopg import conninfo

    from drill.core import instructor
    from drill.core.errors import DrillError

    class_store = _module("class_store")
    bench_store = _module("store")
    decks, cards = bench_store.deck_cards(args.cards)
    now = time.time()
    out: dict = {"trainees": args.trainees, "cards": len(cards), "answers": args.answers,
                 "class_size": args.class_size}
    try:
        start = time.monotonic()
        if not args.skip_build:
            class_store.build_server(args.store, cards, args.trainees, args.answers, now)
        make_class(args.store, args.class_size, args.instructor)
        out["build_s"] = round(time.monotonic() - start, 1)
        url = conninfo.make_conninfo(args.store, user=args.instructor, password=PASSWORD)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            report = instructor.class_report(url, CLASS, decks)
            times.append((time.perf_counter() - start) * 1000)
    except DrillError as exc:
        print(f"bench/class_report.py: {exc}", file=sys.stderr)
        return 1
    out["class_report_ms"] = round(statistics.median(times), 1)
    out["report_trainees"] = len(report.trainees)
    out["report_decks"] = len(report.mastery.decks)
    out["report_weakest_items"] = len(report.weakest_items)
    out["report_at_risk"] = len(report.at_risk)
    out["targets"] = TARGETS
    out["met"] = {key: out[key] <= limit for key, limit in TARGETS.items()}
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
