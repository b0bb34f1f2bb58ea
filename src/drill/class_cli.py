"""`drill class …`: classes on a PostgreSQL progress store, run by its owner.

    drill class create NAME
    drill class add CLASS --trainee NAME | --instructor NAME | --roster FILE.csv
    drill class list [--json]
    drill class show CLASS [--json]

A new person's first password is printed once (stdout), and kept nowhere.
"""

from __future__ import annotations

import argparse
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
                import sys

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
