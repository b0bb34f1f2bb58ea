"""The `drill` command. With no subcommand it opens the terminal app on the
decks (or, when not run in a terminal or with --list, lists them); the
subcommands are for instructors and for other tools.

Every error the user can act on is one line on stderr, naming the file (and
line), with a non-zero exit; never a traceback. `drill deck check` is the
exception that proves it: its problems are its report, printed on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from drill import __version__
from drill.core.errors import DrillError

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the input has problems (deck check found some, a file failed)
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drill",
        description="Memorise the formulations (提法) of Chinese speeches. "
                    "With no command, opens the drill on the decks drill finds.",
    )
    parser.add_argument("--version", action="version", version=f"drill {__version__}")
    parser.add_argument("--home", metavar="DIR",
                        help="keep everything drill writes under DIR (same as DRILL_HOME)")
    parser.add_argument("--decks", metavar="DIR", action="append", default=[],
                        help="also read the decks in DIR (may be given more than once)")
    parser.add_argument("--user", metavar="NAME", help="drill as this trainee (skips the question)")
    parser.add_argument("--list", action="store_true",
                        help="list the decks instead of opening the app (the default when not in a terminal)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ex = sub.add_parser("extract", help="find a speech's frameworks and write them as a deck",
                        description="Find the frameworks (abbreviations, enumerations, outline, "
                                    "parallel phrases) of one or more speeches.")
    ex.add_argument("paths", nargs="+", metavar="PATH", help="a speech as a text file")
    ex.add_argument("-o", "--output", metavar="DECK.toml",
                    help="write the deck here (a folder when there are several PATHs)")
    ex.add_argument("--json", action="store_true",
                    help="print one JSON object per PATH, one per line, instead of a deck")
    ex.add_argument("--force", action="store_true", help="replace an existing deck file")

    sub.add_parser(
        "grade", help="grade answers given as JSON lines on stdin",
        description='Read JSON lines on stdin, each {"expected": [...], "answer": "...", '
                    '"ordered": true|false}, and write one JSON line per input, in order: '
                    '{"score", "verdict", "items": [{"expected", "typed", "verdict"}], "extra"}. '
                    'A line that cannot be graded gets {"error": ...} and grading goes on.')

    deck = sub.add_parser("deck", help="check or show deck files")
    deck_sub = deck.add_subparsers(dest="deck_command", metavar="ACTION", required=True)
    chk = deck_sub.add_parser("check", help="validate decks; print every problem as FILE:LINE: message")
    chk.add_argument("decks", nargs="+", metavar="DECK")
    show = deck_sub.add_parser("show", help="print a deck's frameworks and the cards they make")
    show.add_argument("deck", metavar="DECK")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.home:
        os.environ["DRILL_HOME"] = str(Path(args.home).expanduser())
    try:
        if args.command == "extract":
            return _extract(args)
        if args.command == "grade":
            return _grade(sys.stdin.buffer, sys.stdout)
        if args.command == "deck":
            if args.deck_command == "check":
                return _deck_check(args)
            return _deck_show(args)
        if args.list or not (sys.stdin.isatty() and sys.stdout.isatty()):
            return _list_decks(args)
        return _open_app(args)
    except DrillError as exc:
        print(f"drill: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (drill extract … | head): nothing more to say
        sys.stderr.close()
        return EXIT_OK


def _note(message: str) -> None:
    print(f"drill: {message}", file=sys.stderr)


def _extract(args) -> int:
    from drill.core import deck as decks
    from drill.core.extract import extract_file

    paths = [Path(p) for p in args.paths]
    out = Path(args.output) if args.output else None
    if out is not None and len(paths) > 1 and not out.is_dir() and not args.json:
        raise DrillError("with several PATHs, -o must be an existing folder", out)
    status = EXIT_OK
    for path in paths:
        try:
            result = extract_file(path)
        except DrillError as exc:
            _note(str(exc))
            status = EXIT_PROBLEMS
            continue
        for note in result.notes:
            _note(f"{path}: {note}")
        if args.json:
            print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
            continue
        if out is None:
            deck = decks.deck_from_extraction(result, None)
            sys.stdout.write(decks.to_toml(deck))
            continue
        target = out / f"{path.stem}.toml" if out.is_dir() else out
        if target.exists() and not args.force:
            _note(f"{target}: the deck exists; use --force to replace it "
                  "(it may hold an instructor's edits)")
            status = EXIT_PROBLEMS
            continue
        deck = decks.deck_from_extraction(result, target)
        decks.save(deck, target)
        cards = len(deck.cards())
        _note(f"wrote {target}: {len(deck.frameworks)} frameworks, {cards} cards")
    return status


def _grade_request(line: bytes) -> dict:
    """One input line of `drill grade` → its output object."""
    from drill.core.grading import grade

    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return {"error": f"not UTF-8 (byte {exc.start})"}
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        return {"error": f"not JSON: {exc.msg} (column {exc.colno})"}
    if not isinstance(request, dict):
        return {"error": "expected a JSON object"}
    expected = request.get("expected")
    if not isinstance(expected, list) or not expected or not all(isinstance(e, str) for e in expected):
        return {"error": '"expected" must be a non-empty list of strings'}
    answer = request.get("answer", "")
    if answer is None:
        answer = ""
    if not isinstance(answer, str):
        return {"error": '"answer" must be a string'}
    ordered = request.get("ordered", False)
    if not isinstance(ordered, bool):
        return {"error": '"ordered" must be true or false'}
    try:
        return grade(expected, answer, ordered).as_json()
    except Exception as exc:  # one answer the grader cannot take must not stop the batch
        return {"error": f"could not grade this answer ({type(exc).__name__}: {exc})"}


def _grade(stdin, stdout) -> int:
    """`drill grade`: JSON lines in, one JSON line out per input line, in order.

    Blank lines are not inputs. A line that cannot be graded gets an error
    object naming its line number, and the exit status is 1 at the end.
    """
    status = EXIT_OK
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        result = _grade_request(line)
        if "error" in result:
            result = {"error": f"line {number}: {result['error']}", "line": number}
            status = EXIT_PROBLEMS
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        stdout.flush()
    return status


def _deck_check(args) -> int:
    from drill.core import deck as decks

    status = EXIT_OK
    for name in args.decks:
        deck, problems = decks.check(name)
        for p in problems:
            print(p)
        if any(not p.warning for p in problems):
            status = EXIT_PROBLEMS
        elif deck is not None:
            _note(f"{name}: ok, {len(deck.frameworks)} frameworks, {len(deck.cards())} cards")
    return status


def _deck_show(args) -> int:
    from drill.core import deck as decks

    deck = decks.load(args.deck)
    print(f"{deck.title}  ({deck.path})")
    for fw in deck.frameworks:
        order = "ordered" if fw.ordered else "any order"
        print(f"\n[{fw.kind}] {fw.name}  ({len(fw.items)} items, {order}; id {fw.id})")
        for item in fw.items:
            print(f"  - {item}")
    cards = deck.cards()
    kinds = {k: sum(1 for c in cards if c.kind == k) for k in decks.CARD_KINDS}
    print(f"\n{len(cards)} cards: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    return EXIT_OK


def _open_app(args) -> int:
    for d in args.decks:
        if not Path(d).is_dir():
            raise DrillError("no such folder", d)
    from drill.tui.app import make_app

    app = make_app([Path(d) for d in args.decks], user=args.user)
    app.run()
    return app.return_code or EXIT_OK


def _list_decks(args) -> int:
    from drill import paths
    from drill.core import deck as decks

    dirs = paths.deck_dirs([Path(d) for d in args.decks])
    for d in args.decks:
        if not Path(d).is_dir():
            raise DrillError("no such folder", d)
    found = decks.find_decks(dirs)
    if not found:
        print("No decks found. Make one with: drill extract SPEECH.txt -o DECK.toml")
        return EXIT_OK
    print("Decks:")
    for path in found:
        try:
            deck = decks.load(path)
        except DrillError as exc:
            print(f"  {path.name}: cannot be read ({exc.message})")
            continue
        print(f"  {deck.title}  — {len(deck.frameworks)} frameworks, {len(deck.cards())} cards  ({path})")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
