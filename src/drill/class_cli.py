"""`drill class …`: classes on a PostgreSQL progress store.

    drill class create NAME
    drill class add CLASS --trainee NAME | --instructor NAME | --roster FILE.csv
    drill class list [--json]
    drill class show CLASS [--json]
    drill class report CLASS [--json] [--format csv|json|html --output FILE]
    drill class view [CLASS]

The owner of drill's tables (the administrator) makes classes and adds
people; a new person's first password is printed once (stdout), and kept
nowhere. ``report`` and ``view`` are the instructor's view of a class
(core/instructor.py), read as whoever logs in: an instructor, the classes
they teach; the administrator, any class. ``view`` opens the app on it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drill.core.errors import DrillError
from drill.core.text import json_line, printable

EXIT_OK = 0
EXIT_PROBLEMS = 1


def add_parser(sub) -> None:
    cl = sub.add_parser("class", help="make classes and add trainees and instructors (PostgreSQL store)",
                        description="Classes need a PostgreSQL progress store (--store URL or DRILL_STORE), "
                                    "reached as the owner of drill's tables. Each person added is a login "
                                    "role of the server; a new person's first password is printed once.")
    cl_sub = cl.add_subparsers(dest="class_command", metavar="ACTION", required=True)
    create = cl_sub.add_parser("create", help="make a class")
    create.add_argument("name", metavar="NAME")
    add = cl_sub.add_parser("add", help="add a trainee, an instructor or a roster to a class",
                            description="Add people to a class, making each new one a login with a first "
                                        "password (printed once, or the roster's). A roster is a CSV file "
                                        "with the columns name, role (trainee or instructor) and, "
                                        "optionally, password; every bad row is reported as FILE:LINE: "
                                        "message, and then no one is added.")
    add.add_argument("class_name", metavar="CLASS")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--trainee", metavar="NAME")
    who.add_argument("--instructor", metavar="NAME")
    who.add_argument("--roster", metavar="FILE.csv")
    listing = cl_sub.add_parser("list", help="the classes, with how many trainees and instructors each has")
    listing.add_argument("--json", action="store_true", help="one JSON object per class, one per line")
    show = cl_sub.add_parser("show", help="a class's members")
    show.add_argument("class_name", metavar="CLASS")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    report = cl_sub.add_parser("report", help="the instructor's view of a class: mastery, trainees at risk, "
                                              "weakest items, assignments",
                               description="Read as the login of the store's address: an instructor reads the "
                                           "classes they teach, the administrator any class. --format and "
                                           "--output write the report to a file (HTML needs the report extra: "
                                           "pip install 'tifa-drill[report]').")
    report.add_argument("class_name", metavar="CLASS")
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument("--format", choices=["csv", "json", "html"], help="write the report as this format")
    report.add_argument("--output", metavar="FILE", help="the file --format writes")
    view = cl_sub.add_parser("view", help="open the app on the instructor's view of a class")
    view.add_argument("class_name", metavar="CLASS", nargs="?",
                      help="the class (by default the first one you teach)")


def server_url(command: str = "drill class") -> str:
    """The PostgreSQL store's address ``command`` works on; without one, an error saying so."""
    from drill.core import store

    url = store.server()
    if url is None:
        raise DrillError(f"{command} needs a PostgreSQL progress store: give --store postgresql://USER@HOST/DB "
                         "(or set DRILL_STORE)")
    return url


def run(args: argparse.Namespace) -> int:
    url = server_url()
    if args.class_command == "report":
        return _report(args, url)
    if args.class_command == "view":
        return _view(args, url)
    from drill.core import pg_classes
    from drill.core.roster import Entry, Role

    if args.class_command == "create":
        pg_classes.create_class(url, args.name)
        print(f"made the class {printable(args.name.strip())}")
        return EXIT_OK
    if args.class_command == "add":
        if args.roster:
            from drill.core import roster

            entries, problems = roster.read(Path(args.roster))
            if problems:
                for problem in problems:
                    print(f"drill: {problem}", file=sys.stderr)
                print(f"drill: {args.roster}: the roster has problems; no one was added", file=sys.stderr)
                return EXIT_PROBLEMS
        else:
            role = Role.TRAINEE if args.trainee is not None else Role.INSTRUCTOR
            entries = [Entry((args.trainee if args.trainee is not None else args.instructor).strip(), role, None, 0)]
        for added in pg_classes.add_members(url, args.class_name, entries):
            print(_added_line(added, args.class_name.strip()))
        return EXIT_OK
    if args.class_command == "list":
        found = pg_classes.classes(url)
        if args.json:
            for row in found:
                print(json_line(row))
        elif not found:
            print("No classes yet. Make one with: drill class create NAME")
        for row in found if not args.json else ():
            print(f"{printable(row['name'])}  — {row['trainees']} trainee(s), {row['instructors']} instructor(s)")
        return EXIT_OK
    shown = pg_classes.members(url, args.class_name)
    if args.json:
        print(json_line(shown))
        return EXIT_OK
    print(f"{printable(shown['name'])}: {len(shown['members'])} member(s)")
    for member in shown["members"]:
        print(f"  {member['role']:<10}  {printable(member['name'])}")
    return EXIT_OK


def _added_line(added, class_name: str) -> str:
    who = f"{printable(added.name)} ({added.role.value})"
    if added.password is None:
        return f"{who}: {'already in' if added.member_already else 'added to'} {printable(class_name)}"
    if added.given:
        return f"{who}: added to {printable(class_name)}, with the roster's password"
    return f"{who}: added to {printable(class_name)}; first password (shown once): {added.password}"


def _report(args: argparse.Namespace, url: str) -> int:
    from drill.assign_cli import _decks
    from drill.core import instructor, report

    if (args.format is None) != (args.output is None):
        raise DrillError("--format and --output go together: drill class report CLASS --format html --output FILE")
    if args.format == "html":
        report.charts_available()  # a missing extra is said before the server is read
    found = instructor.class_report(url, args.class_name, _decks(args))
    if args.format is not None:
        report.write(report.class_document(found), args.format, Path(args.output))
        print(f"drill: wrote {printable(args.output)}", file=sys.stderr)
    if args.json:
        print(json_line(found.as_json()))
    elif args.format is None:
        print(report_text(found))
    return EXIT_OK


def report_text(found) -> str:
    """The class's view as lines of text (each name and title made printable)."""
    m = found.mastery
    lines = [f"class {printable(found.class_name)}: {len(m.trainees)} trainee(s)", "", "mastery (cards mastered, "
             "of the deck's):"]
    for column in m.decks:
        lines.append(f"  {printable(column.title)}: class {m.class_share(column.deck):.0%}")
        for trainee in m.trainees:
            cell = m.cell(trainee, column.deck)
            lines.append(f"    {printable(trainee)}  {cell.share:.0%}  ({cell.mastered} of {cell.cards})")
    lines += ["", "at risk:" if found.at_risk else "at risk: no one"]
    for standing in found.at_risk:
        lines.append(f"  {printable(standing.trainee)}: " + "; ".join(r.said for r in standing.risks))
    if found.weakest_items:
        lines += ["", "weakest items:"]
        lines += [f"  {printable(w.item)}  ({printable(w.framework)}): missed {w.missed} of {w.seen}, "
                  f"by {w.trainees} trainee(s)" for w in found.weakest_items]
    if found.confusions:
        lines += ["", "most frequent confusions:"]
        lines += [f"  {c.count}×  {printable(c.framework)} confused with {printable(c.other)}"
                  for c in found.confusions]
    if found.assignments:
        lines += ["", "assignments:"]
        lines += [f"  {printable(a.title)} due {a.due.isoformat()}: {a.completed} of {len(a.trainees)} completed, "
                  f"{a.started} started" for a in found.assignments]
    for results in found.exams:
        e, scores = results.exam, results.trainees
        sat = [t.percent for t in scores if t.started is not None]
        lines += ["", f"exam {printable(e.name)}: {e.count} questions, {len(sat)} of {len(scores)} started"
                  + (f", mean {sum(sat) / len(sat):.0f}%" if sat else "")]
        lines += [f"  {printable(t.trainee)}  {t.points:g} of {t.total} ({t.percent:.0f}%), {t.status}" for t in scores]
    return "\n".join(lines)


def _view(args: argparse.Namespace, url: str) -> int:
    from drill.core import instructor

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise DrillError("drill class view needs a terminal (drill class report CLASS prints the same)")
    classes = instructor.taught(url)
    name = args.class_name.strip() if args.class_name else (classes[0] if classes else None)
    if name is None:
        raise DrillError("no class to view: you teach none (the administrator adds instructors with "
                         "drill class add CLASS --instructor NAME)")
    if name not in classes:
        raise DrillError(f"no class {name!r} (or not one you teach)")
    from drill.tui.app import make_app

    app = make_app([Path(d) for d in args.decks], user=None, class_name=name)
    app.run()
    if app.error:
        print(f"drill: {app.error}", file=sys.stderr)
    return app.return_code or EXIT_OK
