"""`drill assign …`: decks set to a class with a due date, on a PostgreSQL
progress store.

    drill assign add CLASS DECK --due YYYY-MM-DD
    drill assign list [CLASS] [--json]
    drill assign remove CLASS DECK

DECK is a deck's id, or a deck file's path or name (one drill finds: the
bundled decks, the user's, ``--decks DIR``). The administrator (the owner
of drill's tables) or an instructor of the class adds and removes; anyone
in a class lists its assignments (a trainee's login: their classes').
"""

from __future__ import annotations

import argparse
from pathlib import Path

from drill.class_cli import server_url
from drill.core.errors import DrillError
from drill.core.text import json_line, printable

EXIT_OK = 0


def add_parser(sub) -> None:
    asg = sub.add_parser("assign", help="set decks to a class with a due date (PostgreSQL store)",
                         description="Assignments need a PostgreSQL progress store (--store URL or DRILL_STORE). "
                                     "The administrator or an instructor of the class adds and removes them; "
                                     "a class's trainees see them first in their deck list.")
    asg_sub = asg.add_subparsers(dest="assign_command", metavar="ACTION", required=True)
    add = asg_sub.add_parser("add", help="assign a deck to a class, due on a date")
    add.add_argument("class_name", metavar="CLASS")
    add.add_argument("deck", metavar="DECK", help="a deck id, or a deck file's path or name")
    add.add_argument("--due", metavar="YYYY-MM-DD", required=True)
    listing = asg_sub.add_parser("list", help="the assignments (of one class, or of every class you may see)")
    listing.add_argument("class_name", metavar="CLASS", nargs="?")
    listing.add_argument("--json", action="store_true", help="one JSON object per assignment, one per line")
    remove = asg_sub.add_parser("remove", help="remove a deck's assignment from a class")
    remove.add_argument("class_name", metavar="CLASS")
    remove.add_argument("deck", metavar="DECK", help="a deck id, or a deck file's path or name")


def _decks(args):
    from drill import paths
    from drill.core import deck as decks

    found, _errors = decks.load_all(paths.deck_dirs([Path(d) for d in args.decks]))
    return found


def find_deck(args, given: str):
    """The deck ``given`` names: a deck file's path, or the id, file name or
    file stem of a deck drill finds; None: no such deck."""
    from drill.core import deck as decks

    path = Path(given).expanduser()
    if path.is_file():
        return decks.load(path)
    for deck in _decks(args):
        if deck.id == given or (deck.path is not None and given in (deck.path.name, deck.path.stem)):
            return deck
    return None


def run(args: argparse.Namespace) -> int:
    url = server_url("drill assign")
    from drill.core import pg_assign
    from drill.core.assignments import parse_due

    if args.assign_command == "add":
        due = parse_due(args.due)
        deck = find_deck(args, args.deck)
        if deck is None:
            raise DrillError("no such deck (give a deck id, or a deck file's path or name)", args.deck)
        new = pg_assign.add(url, args.class_name, deck.id, due)
        said = "assigned to {}, due {}" if new else "already assigned to {}; now due {}"
        print(f"{printable(deck.title)} ({deck.id}): " + said.format(printable(args.class_name.strip()), due.isoformat()))
        return EXIT_OK
    if args.assign_command == "remove":
        deck = find_deck(args, args.deck)
        deck_id = deck.id if deck is not None else args.deck.strip()  # a deck no longer here: by its id
        pg_assign.remove(url, args.class_name, deck_id)
        print(f"{printable(deck_id)}: no longer assigned to {printable(args.class_name.strip())}")
        return EXIT_OK
    found = pg_assign.listed(url, args.class_name)
    if args.json:
        for assignment in found:
            print(json_line(assignment.as_json()))
        return EXIT_OK
    if not found:
        print("No assignments." if args.class_name is None else
              f"No assignments for {printable(args.class_name.strip())}.")
        return EXIT_OK
    titles = {deck.id: deck.title for deck in _decks(args)}
    for assignment in found:
        title = titles.get(assignment.deck)
        shown = f"{printable(title)} ({assignment.deck})" if title else assignment.deck
        print(f"{assignment.due.isoformat()}  {printable(assignment.class_name)}  {shown}")
    return EXIT_OK
