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
from drill.core.text import counted, json_line, printable

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
    parser.add_argument("--store", metavar="URL",
                        help="keep progress on this PostgreSQL server (postgresql://USER@HOST/DB; "
                             "same as DRILL_STORE); by default it is kept in files under the home")
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

    au = sub.add_parser("author", help="review a speech's extracted frameworks in the app and save a deck",
                        description="Review the frameworks extraction finds in a speech: accept, reject, "
                                    "edit, merge, split, then save the deck. Run it again on the same "
                                    "speech (or a corrected one) to see only what is new or changed.")
    au.add_argument("speech", metavar="SPEECH|DECK.toml",
                    help="the speech, a text file, or a deck (reviewed with its source speech)")
    au.add_argument("-o", "--output", metavar="DECK.toml",
                    help="the deck to write, and whose earlier decisions to keep (a folder takes "
                         "SPEECH-NAME.toml; default: the deck given, else your decks folder, "
                         "$DRILL_HOME/decks/SPEECH-NAME.toml)")

    sub.add_parser(
        "grade", help="grade answers given as JSON lines on stdin",
        description='Read JSON lines on stdin, each {"expected": [...], "answer": "...", '
                    '"ordered": true|false, "others": {"NAME": [...]}} ("others", optional: the items '
                    'of other frameworks), and write one JSON line per input, in order: '
                    '{"score", "verdict", "items": [{"expected", "typed", "verdict"}], "extra", '
                    '"intrusions": [{"typed", "framework"}]}. '
                    'A line that cannot be graded gets {"error": ...} and grading goes on.')

    stats = sub.add_parser("stats", help="a trainee's progress: reviews, retention, streak, weakest items")
    stats.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                       help="whose stats (default: the last trainee who drilled here)")
    stats.add_argument("--json", action="store_true", help="print one JSON object")

    settings = sub.add_parser("settings", help="show or change a trainee's settings",
                              description="Desired retention (the share of reviews fsrs aims to have "
                                          "answered correctly), new cards per day and the app's theme. "
                                          "With no option, shows them. A running app takes a change "
                                          "in within a few seconds.")
    settings.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                          help="whose settings (default: the last trainee who drilled here)")
    settings.add_argument("--retention", metavar="R", type=_retention,
                          help="desired retention, from 0.70 to 0.99 (default 0.9)")
    settings.add_argument("--new-per-day", metavar="N", type=_new_per_day,
                          help="new cards a day, from 0 to 1000 (default 20)")
    settings.add_argument("--theme", metavar="NAME",
                          help="the app's colour theme, one of Textual's (default textual-dark)")
    settings.add_argument("--learn-first", metavar="on|off", type=_on_off,
                          help="show a new framework, then ask it as a choice and a cloze, before "
                               "full recall (default on); off asks new cards cold")
    settings.add_argument("--json", action="store_true", help="print the settings as one JSON object")

    unsuspend = sub.add_parser("unsuspend", help="bring suspended cards back into the queue",
                               description="Cards suspended in a session (F6) are never drilled until "
                                           "unsuspended. With no card id, every suspended card comes back.")
    unsuspend.add_argument("cards", nargs="*", metavar="CARD_ID", help="the cards (default: all)")
    unsuspend.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                           help="whose cards (default: the last trainee who drilled here)")
    unsuspend.add_argument("--list", action="store_true", help="list the suspended cards, change nothing")

    report = sub.add_parser("report", help="a class report across trainees' progress stores",
                            description="One row per trainee per deck: reviews, retention, mastery, "
                                        "last active, weakest items. Each store is read, never written.")
    report.add_argument("stores", nargs="+", metavar="STORE_OR_DIR",
                        help="a trainee's progress folder, or a folder holding several (a DRILL_HOME works)")
    report.add_argument("--csv", metavar="OUT", help="also write the rows as CSV to OUT")
    report.add_argument("--json", action="store_true", help="print the rows as JSON lines")

    st = sub.add_parser("store", help="check or repair a trainee's progress store",
                        description="check: verify every record, every review log and that the card states "
                                    "and tallies count the log's reviews. repair: rebuild the states and "
                                    "tallies from the log, or restore a backup (the newest good one, or "
                                    "--from-backup FILE) when the store cannot be read. Exit status: 0 "
                                    "healthy, 1 problems found or repaired, 2 usage.")
    st_sub = st.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    st_check = st_sub.add_parser("check", help="verify a progress store; print every problem")
    st_check.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                          help="whose store (default: the last trainee who drilled here)")
    st_repair = st_sub.add_parser("repair", help="rebuild a store's states from its log, or restore a backup")
    st_repair.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                           help="whose store (default: the last trainee who drilled here)")
    st_repair.add_argument("--from-backup", metavar="FILE", help="restore this backup")

    deck = sub.add_parser("deck", help="check, show, export or import deck files")
    deck_sub = deck.add_subparsers(dest="deck_command", metavar="ACTION", required=True)
    chk = deck_sub.add_parser("check", help="validate decks; print every problem as FILE:LINE: message")
    chk.add_argument("decks", nargs="+", metavar="DECK")
    chk.add_argument("--fix", action="store_true",
                     help="re-anchor quotes and start/end to the speech after it changed, then check")
    show = deck_sub.add_parser("show", help="print a deck's frameworks and the cards they make")
    show.add_argument("deck", metavar="DECK")
    exp = deck_sub.add_parser("export", help="write a deck as an Anki package or a spreadsheet",
                              description="Write a deck as an Anki package (one note per card; "
                                          "re-importing updates the notes) and/or as CSV or TSV, "
                                          "one framework per row. The deck records the notes of "
                                          "the package (anki_exported), so that a re-export lists "
                                          "the notes Anki still has for cards that left the deck, "
                                          "with a search that finds them in Anki's browser.")
    exp.add_argument("deck", metavar="DECK")
    exp.add_argument("--anki", metavar="OUT.apkg", help="write an Anki package")
    exp.add_argument("--csv", metavar="OUT.csv",
                     help="write a spreadsheet: CSV (UTF-8 with BOM, for Excel), or TSV for a .tsv name")
    exp.add_argument("--force", action="store_true", help="replace existing files")
    imp = deck_sub.add_parser("import", help="read a spreadsheet (CSV or TSV) of frameworks as a deck",
                              description="Read a sheet with one framework per row (columns id, kind, "
                                          "name, items, ordered, tags, note, quote, start, end; items "
                                          "separated by 、) and write it as a deck, or add its rows to "
                                          "one with --append. Every bad row is "
                                          "reported as FILE:LINE: message, and nothing is written "
                                          "unless --skip-bad is given.")
    imp.add_argument("table", metavar="FILE.csv|FILE.tsv")
    imp.add_argument("-o", "--output", metavar="DECK.toml",
                     help="write the deck here (default: print it)")
    imp.add_argument("--skip-bad", action="store_true",
                     help="import the good rows even if some are bad (they are still reported)")
    imp.add_argument("--force", action="store_true", help="replace an existing deck file")
    imp.add_argument("--append", action="store_true",
                     help="add the rows to the existing deck -o DECK.toml (its comments, order and "
                          "decisions stay; a row whose framework it has is reported, not added)")
    from drill import assign_cli, class_cli, exam_cli

    class_cli.add_parser(sub)
    assign_cli.add_parser(sub)
    exam_cli.add_parser(sub)
    return parser


def _retention(text: str) -> float:
    from drill.core.scheduler import retention_from

    try:
        return retention_from(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _new_per_day(text: str) -> int:
    from drill.core.scheduler import new_per_day_from

    try:
        return new_per_day_from(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.home:
        os.environ["DRILL_HOME"] = str(Path(args.home).expanduser())
    if args.store:
        os.environ["DRILL_STORE"] = args.store
    try:
        _ask_password()
        if args.command == "extract":
            return _extract(args)
        if args.command == "author":
            return _author(args)
        if args.command == "stats":
            return _stats(args)
        if args.command == "settings":
            return _settings(args)
        if args.command == "unsuspend":
            return _unsuspend(args)
        if args.command == "report":
            return _report(args)
        if args.command == "store":
            return _store_command(args)
        if args.command == "class":
            from drill import class_cli

            return class_cli.run(args)
        if args.command == "assign":
            from drill import assign_cli

            return assign_cli.run(args)
        if args.command == "exam":
            from drill import exam_cli

            return exam_cli.run(args)
        if args.command == "grade":
            return _grade(sys.stdin.buffer, sys.stdout)
        if args.command == "deck":
            if args.deck_command == "check":
                return _deck_check(args)
            if args.deck_command == "export":
                return _deck_export(args, parser)
            if args.deck_command == "import":
                return _deck_import(args)
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
    except OSError as exc:
        # a file drill could not read or write that no check above foresaw: one line, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"drill: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS


def _note(message: str) -> None:
    print(f"drill: {message}", file=sys.stderr)


def _ask_password() -> None:
    """A progress server that wants a password none was given for (in the
    address, PGPASSWORD or ~/.pgpass): asked for, when drill runs in a
    terminal, and handed to libpq through this process's PGPASSWORD."""
    from drill.core import store

    url = store.server()
    if url is None or not sys.stdin.isatty():
        return
    import contextlib
    import getpass

    from drill.core import pg_engine

    try:
        with contextlib.closing(pg_engine.connect(url)):
            return
    except DrillError as exc:
        if "no password supplied" not in str(exc):
            return  # said again, in its place, by the command
    os.environ["PGPASSWORD"] = getpass.getpass(f"password for {pg_engine.where(url)}: ")


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
            print(json_line(result.as_json()), flush=True)
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
        _note(f"wrote {target}: {counted(len(deck.frameworks), 'framework')}, {counted(cards, 'card')}")
    return status


def _author(args) -> int:
    from drill.core import authoring

    # a speech, or a deck (opened with its source speech); bad input: one line, no app
    speech, target, text, encoding, earlier = authoring.author_inputs(
        Path(args.speech), Path(args.output) if args.output else None)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise DrillError("drill author needs a terminal (to write a deck without one: drill extract)", speech)
    _note(f"{target}: " + ("keeping the decisions in this deck" if earlier else "the deck will be saved here"))
    from drill.tui.app import make_author_app

    app = make_author_app(speech, target, text, encoding, earlier)
    app.run()
    if app.error:
        print(f"drill: {app.error}", file=sys.stderr)
        return app.return_code or EXIT_PROBLEMS
    if app.saved is not None:
        deck = app.saved
        _note(f"wrote {target}: {counted(len(deck.frameworks), 'framework')}, {counted(len(deck.cards()), 'card')}, "
              f"{len(deck.rejected)} rejected")
    else:
        _note(f"{target}: nothing saved")
    return app.return_code or EXIT_OK


def _known_decks(args) -> list:
    from drill import paths
    from drill.core import deck as decks

    # a broken deck is reported by `drill deck check`, not here
    found, _errors = decks.load_all(paths.deck_dirs([Path(d) for d in args.decks]))
    return found


def _trainee(args) -> str:
    """The trainee a command is about: --user, else the last one who drilled here."""
    from drill.core import store

    user = getattr(args, "user", None) or store.last_profile()
    if not user:
        names = store.profiles()
        if len(names) != 1:
            raise DrillError("no trainee given and none drilled here yet; use --user NAME"
                             if not names else "several trainees drill here; say which with --user NAME",
                             store.progress_dir())
        user = names[0]
    return user


def _on_off(text: str) -> bool:
    word = text.strip().lower()
    if word in ("on", "yes", "true", "1"):
        return True
    if word in ("off", "no", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is neither on nor off")


def _settings(args) -> int:
    from drill.core import scheduler, store

    user = _trainee(args)
    if args.theme is not None:
        from drill.tui.app import theme_names

        names = theme_names()
        if args.theme not in names:
            shown = ", ".join(n for n in THEMES_SHOWN if n in names)
            _note(f"--theme: {printable(args.theme)!r} is not a theme; try {shown} "
                  f"(all {len(names)} in the app: ctrl+p, Theme)")
            return EXIT_USAGE
    if args.retention is None and args.new_per_day is None and args.theme is None and args.learn_first is None:
        if store.has_store(user):
            current = store.open_reader(user).settings
        else:
            current = scheduler.Settings()
    else:
        changes = {"desired_retention": args.retention, "new_per_day": args.new_per_day, "theme": args.theme,
                   "learn_first": args.learn_first}
        opened = store.Store.open(user)
        current = opened.update_settings(**{k: v for k, v in changes.items() if v is not None})
        opened.close()
    if args.json:
        print(json_line({"user": user, **current.as_json()}))
    else:
        print(f"{printable(user)}: desired retention {current.desired_retention:g}, "
              f"{current.new_per_day} new cards a day, theme {printable(current.theme)}, "
              f"learning steps {'on' if current.learn_first else 'off'}")
    return EXIT_OK


def _unsuspend(args) -> int:
    from drill.core import store

    user = _trainee(args)
    if not store.has_store(user):
        raise DrillError(f"no progress for {printable(user)!r} yet", store.where(user))
    if args.list:
        for card_id in sorted(store.open_reader(user).suspended()):
            print(printable(card_id))
        return EXIT_OK
    opened = store.Store.open(user)
    try:
        freed = opened.unsuspend(args.cards or None)
    finally:
        opened.close()
    print(f"{printable(user)}: {counted(freed, 'card')} unsuspended")
    return EXIT_OK


# the themes an unknown --theme suggests (those the app has)
THEMES_SHOWN = ("textual-dark", "textual-light", "nord", "gruvbox", "dracula", "solarized-light")


def _stats(args) -> int:
    from drill.core import stats, store

    user = _trainee(args)
    if not store.has_store(user):
        raise DrillError(f"no progress for {user!r} yet", store.where(user))
    result = stats.compute(store.open_reader(user), _known_decks(args))
    if args.json:
        print(json_line(result.as_json()))
    else:
        print(_stats_text(result))
    return EXIT_OK


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _stats_text(result) -> str:
    from drill.core import stats

    minutes = int(result.seconds // 60)
    lines = [f"{printable(result.user)}: {counted(result.reviews, 'review')}, streak {result.streak} "
             f"{'day' if result.streak == 1 else 'days'}, {minutes} min spent"]
    lines.append("retention: " + (f"{result.retention:.0%} of answers passed" if result.retention is not None
                                  else "no answers yet"))
    learning = stats.learning_said(result)
    if learning or result.learning_answers:
        lines.append(f"learning: {counted(result.learning_answers, 'step')} answered (not in retention)"
                     + (f", frameworks {learning}" if learning else ""))
    if result.true_retention is None:
        lines.append("true retention: no mature cards reviewed yet")
    else:
        lines.append(f"true retention: {result.true_retention:.0%} of {result.mature_reviews} mature reviews")
    recent = result.reviews_per_day[-14:]
    if recent:
        lines.append("reviews per day: " + ", ".join(f"{d[5:]} {n}" for d, n in recent))
    lines.append("due, next 30 days: " + " ".join(str(n) for n in result.forecast))
    lines.append("decks:")
    for deck in result.decks:
        lines.append(f"  {deck.mastery:4.0%} mastered  {deck.seen}/{deck.cards} seen  {printable(deck.title)}")
    if result.weakest_frameworks:
        lines.append("weakest frameworks:")
        lines += [f"  {w.missed}/{w.seen} missed  {printable(w.name)}" for w in result.weakest_frameworks]
    if result.weakest_items:
        lines.append("weakest items:")
        lines += [f"  {w.missed}/{w.seen} missed  {printable(w.name)}" + (f"  (in {printable(w.of)})" if w.of else "")
                  for w in result.weakest_items]
    if result.confusions:
        lines.append("confused:")
        lines += [f"  {c.count}×  {printable(c.said())}" for c in result.confusions]
    return "\n".join(lines)


REPORT_FIELDS = ["trainee", "deck", "title", "reviews", "retention", "mastery", "last_active", "weakest_items",
                 "confusions"]
# A report row names this many of the deck's most frequent confusions, and the
# report ends with the class's.
CONFUSIONS_SHOWN = 3


def _store_folders(target: Path) -> list[Path]:
    from drill.core import store

    if (target / store.TRAINEE_FILE).is_file():
        return [target]
    if not target.is_dir():
        raise DrillError("no such store or folder", target)
    for root in (target, target / "progress"):
        found = sorted(p for p in root.iterdir() if (p / store.TRAINEE_FILE).is_file()) if root.is_dir() else []
        if found:
            return found
    raise DrillError("no progress stores in this folder", target)


def _report(args) -> int:
    import csv

    from drill.core import share, stats, store

    from collections import Counter

    decks = _known_decks(args)
    rows, status = [], EXIT_OK
    in_class: Counter[tuple[str, str]] = Counter()
    for name in args.stores:
        try:
            folders = _store_folders(Path(name))
        except DrillError as exc:
            _note(str(exc))
            status = EXIT_PROBLEMS
            continue
        for folder in folders:
            try:
                result = stats.compute(store.Store.open_readonly(folder), decks)
            except DrillError as exc:
                _note(str(exc))
                status = EXIT_PROBLEMS
                continue
            for c in result.confusions:
                in_class[(c.name, c.other)] += c.count
            for deck in result.decks:
                if not deck.seen:
                    continue
                confused = [f"{c.name} ← {c.other}" for c in result.confusions if c.deck == deck.deck]
                rows.append({"trainee": result.user, "deck": deck.deck, "title": deck.title,
                             "reviews": deck.reviews,
                             "retention": round(deck.retention, 4) if deck.retention is not None else None,
                             "mastery": round(deck.mastery, 4), "last_active": deck.last_active,
                             "weakest_items": deck.weakest_items, "confusions": confused[:CONFUSIONS_SHOWN]})
    if args.csv:
        out = Path(args.csv)
        try:
            with open(out, "w", newline="", encoding="utf-8-sig") as fh:
                writer = csv.DictWriter(fh, fieldnames=REPORT_FIELDS)
                writer.writeheader()
                writer.writerows({key: share.neutralise(value) if isinstance(value, str) else value
                                  for key, value in {**row, "weakest_items": " / ".join(row["weakest_items"]),
                                                     "confusions": " / ".join(row["confusions"])}.items()}
                                 for row in rows)
        except OSError as exc:
            raise DrillError(f"cannot write the report: {exc.strerror}", out) from None
        _note(f"wrote {out}: {counted(len(rows), 'row')}")
    if args.json:
        for row in rows:
            print(json_line(row))
    elif not args.csv:
        for row in rows:
            print(f"{printable(row['trainee'])}\t{printable(row['title'])}\t{row['reviews']} reviews\t"
                  f"retention {_percent(row['retention'])}\tmastery {row['mastery']:.0%}\t"
                  f"last {row['last_active']}\t{printable(' / '.join(row['weakest_items']))}")
        if in_class:
            print("most frequent confusions in the class:")
            for (name, other), count in in_class.most_common(CONFUSIONS_SHOWN * 3):
                print(f"  {count}×\t{printable(name)} confused with {printable(other)}")
    return status


# A `drill grade` line longer than this is refused before it is parsed.
GRADE_LINE_MAX = 64 * 1024


def _grade_request(line: bytes) -> dict:
    """One input line of `drill grade` → its output object."""
    from drill.core.grading import grade, size_problem

    if len(line) > GRADE_LINE_MAX:
        return {"error": f"a line of {len(line)} bytes; at most {GRADE_LINE_MAX}"}
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return {"error": f"not UTF-8 (byte {exc.start})"}
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        return {"error": f"not JSON: {exc.msg} (column {exc.colno})"}
    except RecursionError:
        return {"error": "not JSON drill can read: nested too deep"}
    except ValueError as exc:  # an integer too long to convert, and the like
        why = "a number with too many digits" if "digits" in str(exc) else str(exc)
        return {"error": f"not JSON drill can read: {why}"}
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
    others = request.get("others", {})
    if others is None:
        others = {}
    if not isinstance(others, dict) or not all(
            isinstance(items, list) and all(isinstance(i, str) for i in items) for items in others.values()):
        return {"error": '"others" must be an object of framework names to lists of strings'}
    problem = size_problem(expected, answer, others)
    if problem:
        return {"error": f"too big to grade: {problem}"}
    try:
        return grade(expected, answer, ordered, intruders=others).as_json()
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
        stdout.write(json_line(result) + "\n")
        stdout.flush()
    return status


def _deck_check(args) -> int:
    from drill.core import deck as decks

    status = EXIT_OK
    for name in args.decks:
        if getattr(args, "fix", False):
            from drill.core.authoring import reanchor

            try:
                fixed, left = reanchor(Path(name))
            except DrillError as exc:
                print(exc)
                status = EXIT_PROBLEMS
                continue
            for fw_name in fixed:
                _note(f"{name}: re-anchored '{fw_name}'")
            for message in left:
                print(f"{name}: cannot re-anchor {message}")
            if left:
                status = EXIT_PROBLEMS
        deck, problems = decks.check(name)
        for p in problems:
            print(p)
        if any(not p.warning for p in problems):
            status = EXIT_PROBLEMS
        elif deck is not None:
            _note(f"{name}: ok, {counted(len(deck.frameworks), 'framework')}, {counted(len(deck.cards()), 'card')}")
    return status


def _deck_show(args) -> int:
    from drill.core import deck as decks
    from drill.core import preview

    deck = decks.load(args.deck)
    print(f"{deck.title}  ({deck.path})")
    for fw in deck.frameworks:
        order = "ordered" if fw.ordered else "any order"
        print(f"\n[{fw.kind}] {fw.name}  ({counted(len(fw.items), 'item')}, {order}; id {fw.id})")
        for item in fw.items:
            print(f"  - {item}")
        stated = fw.stated_in()
        if stated:
            print(f"  {stated}" + (f"  {fw.url}" if fw.url else ""))
        if fw.tags:
            print("  tags: " + ", ".join(fw.tags))
        for n, line in enumerate(fw.note.strip().splitlines()):
            print(("  note: " if n == 0 else "        ") + line)
        fw_cards = decks.framework_cards(deck.id, fw)
        if fw_cards:
            print(f"  cards ({len(fw_cards)}):")
        for card in fw_cards:
            first, *rest = preview.lines(card, note=False)
            print(f"  · {first}")
            for line in rest:
                print(f"    {line}")
    cards = deck.cards()
    kinds = {k: sum(1 for c in cards if c.kind == k) for k in decks.CARD_KINDS}
    print(f"\n{counted(len(cards), 'card')}: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    return EXIT_OK


def _deck_export(args, parser) -> int:
    from drill.core import deck as decks
    from drill.core import share

    if not args.anki and not args.csv:
        parser.error("deck export: say what to write, with --anki OUT.apkg and/or --csv OUT.csv")
    deck = decks.load(args.deck)
    outs = [Path(p) for p in (args.anki, args.csv) if p]
    for out in outs:
        if out.is_dir():
            raise DrillError("is a directory; give the name of the file to write", out)
        if out.exists() and not args.force:
            raise DrillError("the file exists; use --force to replace it", out)
    if args.anki:
        gone = share.anki_gone(deck)
        notes = share.export_anki(deck, args.anki)
        _note(f"wrote {args.anki}: {counted(notes, 'note')}, one per card, for Anki")
        if gone:
            _note(f"Anki still has {counted(len(gone), 'note')} of cards that left "
                  "the deck since its last export (a package cannot delete them):")
            for key in gone:
                print(f"  {key}", file=sys.stderr)
            _note("find them in Anki's browser with this search, and delete them there:")
            print(share.anki_search(gone, share.anki_keys(deck)))
        _record_anki_export(deck, share.anki_keys(deck))
    if args.csv:
        rows = share.export_table(deck, args.csv)
        _note(f"wrote {args.csv}: {counted(rows, 'framework')}, one per row")
    return EXIT_OK


def _record_anki_export(deck, keys: list[str]) -> None:
    """Record in the deck the notes its package holds; a bundled deck (or
    one that cannot be written) is left as it is, and says so."""
    from drill import paths
    from drill.core import deck as decks

    if deck.anki_exported == keys or deck.path is None:
        return
    bundled = paths.bundled_decks_dir()
    if bundled is not None and deck.path.resolve().parent == bundled.resolve():
        _note(f"{deck.path}: a bundled deck is not changed, so a later export cannot list "
              "the notes of cards that leave it")
        return
    deck.anki_exported = keys
    try:
        decks.save(deck, deck.path)
    except OSError as exc:
        _note(f"{deck.path}: the notes exported are not recorded ({exc.strerror or exc})")
    else:
        _note(f"{deck.path}: recorded the {counted(len(keys), 'note')} exported (anki_exported)")


def _save(deck, out: Path) -> None:
    from drill.core import deck as decks

    try:
        decks.save(deck, out)
    except OSError as exc:
        raise DrillError(f"cannot write the deck: {exc.strerror or exc}", out) from None


def _deck_import(args) -> int:
    from drill.core import deck as decks
    from drill.core import share

    out = Path(args.output) if args.output else None
    into = None
    if args.append:
        if out is None:
            raise DrillError("--append adds the rows to a deck: name it with -o DECK.toml", args.table)
        if not out.is_file():
            raise DrillError("no such deck to add the rows to (import without --append to make one)", out)
        into = decks.load(out)
    elif out is not None and out.exists() and not args.force:
        raise DrillError("the deck exists; use --force to replace it (it may hold an instructor's edits), "
                         "or --append to add the rows to it", out)
    result = share.read_table(args.table, out, into=into)
    for problem in result.bad + result.warnings + result.present:
        print(problem, file=sys.stderr)
    bad_lines = len({p.line for p in result.bad})
    if bad_lines and not args.skip_bad:
        raise DrillError(f"{bad_lines} of {counted(result.rows, 'row')} {'is' if bad_lines == 1 else 'are'} bad; nothing written "
                         "(fix them, or import the rest with --skip-bad)", args.table)
    deck = result.deck
    skipped = f"; skipped {counted(bad_lines, 'bad row')}" if bad_lines else ""
    if into is not None:
        rejected = list(into.rejected)
        added = share.append(into, result)
        if not added and into.rejected == rejected:
            if bad_lines:
                raise DrillError("no good rows to add; nothing written", args.table)
            _note(f"{out}: nothing to add, the deck has every framework of {args.table}")
            return EXIT_OK
        _save(into, out)
        _note(f"added {counted(added, 'framework')} to {out}: now "
              f"{counted(len(into.frameworks), 'framework')}, {counted(len(into.cards()), 'card')}{skipped}")
        return EXIT_PROBLEMS if bad_lines else EXIT_OK
    if not deck.frameworks:
        raise DrillError("no good rows to import; nothing written", args.table)
    if out is None:
        sys.stdout.write(decks.to_toml(deck))
    else:
        _save(deck, out)
    _note(f"{'wrote ' + str(out) if out else 'read ' + args.table}: {counted(len(deck.frameworks), 'framework')}, "
          f"{counted(len(deck.cards()), 'card')}{skipped}")
    return EXIT_PROBLEMS if bad_lines else EXIT_OK


def _store_command(args) -> int:
    from drill.core import backups, store

    user = _trainee(args)
    if store.server() is not None:
        return _server_store_command(args, user)
    folder = store.store_dir(user)
    if not (folder / store.TRAINEE_FILE).is_file():
        _note(f"{folder}: no progress store for {printable(user)!r}")
        return EXIT_USAGE
    problems = store.check(folder)
    if args.store_command == "check":
        for problem in problems:
            print(printable(problem))
        if not problems:
            print(f"{printable(user)}: the progress store is healthy ({folder})")
        return EXIT_PROBLEMS if problems else EXIT_OK
    if args.from_backup:
        backup = Path(args.from_backup)
        if not backup.is_file():
            _note(f"{backup}: no such backup")
            return EXIT_USAGE
        aside = backups.restore(folder, backup, store.check)
        print(f"{printable(user)}: restored from {backup}; the store it replaced is in {aside}")
        return EXIT_PROBLEMS
    if not problems:
        print(f"{printable(user)}: the progress store is healthy ({folder})")
        return EXIT_OK
    for problem in problems:
        print(printable(problem))
    try:
        opened = store.Store.open(user)
    except DrillError:
        opened = None
    if opened is not None:
        opened.rebuild()
        opened.close()
        left = store.check(folder)
        if not left:
            print(f"{printable(user)}: rebuilt the card states and tallies from the review log")
            return EXIT_PROBLEMS
    for backup in backups.backups(folder):
        try:
            aside = backups.restore(folder, backup, store.check)
        except DrillError:
            continue  # not a sound store: try the next older one
        print(f"{printable(user)}: restored from {backup}; the store it replaced is in {aside}")
        return EXIT_PROBLEMS
    raise DrillError("the progress store cannot be repaired from its log and no backup of it is sound; "
                     "it was left as it is", folder)


def _server_store_command(args, user: str) -> int:
    """`drill store check|repair` on the progress server: the same checks;
    a repair rebuilds the state from the review log (the server keeps its
    own backups)."""
    from drill.core import store

    shown = store.where(user)
    if not store.has_store(user):
        _note(f"{shown}: no progress for {printable(user)!r}")
        return EXIT_USAGE
    if getattr(args, "from_backup", None):
        _note(f"{shown}: --from-backup restores a store's files; a server's progress is restored "
              "from the server's own backups")
        return EXIT_USAGE
    problems = store.check_trainee(user)
    for problem in problems:
        print(printable(problem))
    if not problems:
        print(f"{printable(user)}: the progress store is healthy ({shown})")
        return EXIT_OK
    if args.store_command == "check":
        return EXIT_PROBLEMS
    opened = store.Store.open(user)
    try:
        opened.rebuild()
    finally:
        opened.close()
    if store.check_trainee(user):
        raise DrillError("the progress cannot be rebuilt from its review log; it was left as the rebuild made it",
                         shown)
    print(f"{printable(user)}: rebuilt the card states and tallies from the review log")
    return EXIT_PROBLEMS


def _open_app(args) -> int:
    for d in args.decks:
        if not Path(d).is_dir():
            raise DrillError("no such folder", d)
    from drill.core import store

    store.reach()  # a progress server named but not there: one line, before the app starts
    from drill.tui.app import make_app

    app = make_app([Path(d) for d in args.decks], user=args.user)
    app.run()
    if app.progress is not None:
        try:
            app.progress.close()  # makes the backup
        except DrillError as exc:
            _note(str(exc))
    if app.error:
        print(f"drill: {app.error}", file=sys.stderr)
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
            print(f"  {printable(path.name)}: cannot be read ({printable(exc.message)})")
            continue
        print(f"  {printable(deck.title)}  — {counted(len(deck.frameworks), 'framework')}, {counted(len(deck.cards()), 'card')}  "
              f"({printable(str(path))})")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
