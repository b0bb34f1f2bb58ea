"""`drill exam …`: exams of a class on a PostgreSQL progress store.

    drill exam create CLASS NAME --deck D [--deck D] --count N [--kind K] --minutes M [--seed S] [--moves-schedule]
    drill exam list [CLASS] [--json]
    drill exam show NAME [--class CLASS] [--json]
    drill exam results NAME [--class CLASS] [--json]
    drill exam take NAME [--class CLASS]
    drill exam export NAME [--class CLASS] --format csv|json|html --output FILE   (report_cli.py)

The administrator (the owner of drill's tables) or an instructor of the
class defines an exam; its questions are drawn then, by the seed, from the
decks (each a deck id, or a deck file's path or name). A trainee's login
takes it, in the app (or from the deck list's Exams key). Results: each
trainee's score, and each question's analysis (pg_exam.py).
"""

from __future__ import annotations

import argparse

from drill.assign_cli import find_deck
from drill.class_cli import server_url
from drill.core.errors import DrillError
from drill.core.text import counted, json_line, printable

EXIT_OK = 0


def _whole(text: str | None, option: str, low: int = 1, high: int = 2**31 - 1) -> int | None:
    """``text`` as a whole number from ``low`` to ``high``; anything else is a DrillError naming ``option``."""
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise DrillError(f"{option} takes a whole number, not {text!r}") from None
    if not low <= value <= high:
        raise DrillError(f"{option} takes a whole number from {low} to {high}, not {text!r}")
    return value


def add_parser(sub) -> None:
    ex = sub.add_parser("exam", help="define, take and read exams of a class (PostgreSQL store)",
                        description="Exams need a PostgreSQL progress store (--store URL or DRILL_STORE). "
                                    "The administrator or an instructor of the class defines them; the "
                                    "class's trainees take them in the app, once, within the time limit.")
    ex_sub = ex.add_subparsers(dest="exam_command", metavar="ACTION", required=True)
    create = ex_sub.add_parser("create", help="define an exam: its questions are drawn now, by the seed",
                               description="Define an exam of a class. Every trainee gets the same questions, "
                                           "in the same order, drawn by the seed from the decks' cards of the "
                                           "kinds given (each framework once before any twice).")
    create.add_argument("class_name", metavar="CLASS")
    create.add_argument("name", metavar="NAME")
    create.add_argument("--deck", metavar="D", action="append", required=True, dest="exam_decks",
                        help="a deck id, or a deck file's path or name (may be given more than once)")
    create.add_argument("--count", metavar="N", required=True, help="how many questions")
    create.add_argument("--kind", metavar="K", action="append", default=[],
                        help="a kind of card to ask: recall, cloze, name, order (may be given more than "
                             "once; all of them by default)")
    create.add_argument("--minutes", metavar="M", required=True, help="the time limit, in minutes")
    create.add_argument("--seed", metavar="S", help="the seed the questions are drawn by (a whole number; "
                                                    "a new one by default, printed)")
    create.add_argument("--moves-schedule", action="store_true",
                        help="record the exam's answers as drill answers too, moving each trainee's review "
                             "schedule (by default an exam moves no schedule)")
    listing = ex_sub.add_parser("list", help="the exams (of one class, or of every class you may see)")
    listing.add_argument("class_name", metavar="CLASS", nargs="?")
    listing.add_argument("--json", action="store_true", help="one JSON object per exam, one per line")
    for action, said in (("show", "an exam's definition and questions"),
                         ("results", "each trainee's score and each question's analysis"),
                         ("take", "take an exam in the app (a trainee's login)")):
        one = ex_sub.add_parser(action, help=said)
        one.add_argument("name", metavar="NAME")
        one.add_argument("--class", dest="class_name", metavar="CLASS",
                         help="the exam's class (when several of yours have an exam of that name)")
        if action != "take":
            one.add_argument("--json", action="store_true", help="print one JSON object")
        if action == "results":
            one.add_argument("--regrade", action="store_true",
                             help="grade every answer again from what was typed, rather than trust the grade "
                                  "kept (says how many differed)")
    from drill.report_cli import add_exam_export

    add_exam_export(ex_sub)


def run(args: argparse.Namespace) -> int:
    url = server_url("drill exam")
    from drill.core import pg_exam

    if args.exam_command == "create":
        count, minutes = _whole(args.count, "--count", high=10_000), _whole(args.minutes, "--minutes", high=100_000)
        seed = _whole(args.seed, "--seed", low=0, high=2**63 - 1)
        found = []
        for given in args.exam_decks:
            deck = find_deck(args, given)
            if deck is None:
                raise DrillError("no such deck (give a deck id, or a deck file's path or name)", given)
            found.append(deck)
        made = pg_exam.create(url, args.class_name, args.name, found, count or 1, args.kind, minutes or 1, seed,
                              args.moves_schedule)
        fewer = f" (the decks hold no more of those kinds; {count} asked)" if made.count < (count or 1) else ""
        moves = "; its answers move the trainees' schedules" if made.moves_schedule else ""
        print(f"made the exam {printable(made.name)} for {printable(made.class_name)}: {counted(made.count, 'question')}"
              f"{fewer}, {made.minutes} min, kinds {', '.join(made.kinds)}, seed {made.seed}{moves}")
        return EXIT_OK
    if args.exam_command == "list":
        found = pg_exam.listed(url, args.class_name)
        if args.json:
            for listed in found:
                print(json_line(listed.as_json()))
            return EXIT_OK
        if not found:
            print("No exams." if args.class_name is None else f"No exams for {printable(args.class_name.strip())}.")
        for listed in found:
            e = listed.exam
            status = f"  {listed.status}" if listed.status is not None else \
                f"  {listed.started} started, {listed.finished} finished"
            print(f"{printable(e.class_name)}  {printable(e.name)}  — {counted(e.count, 'question')}, {e.minutes} min{status}")
        return EXIT_OK
    if args.exam_command == "show":
        detail = pg_exam.show(url, args.name, args.class_name)
        if args.json:
            print(json_line(detail.as_json()))
            return EXIT_OK
        e = detail.exam
        print(f"{printable(e.name)} ({printable(e.class_name)}): {counted(e.count, 'question')}, {e.minutes} min, "
              f"kinds {', '.join(e.kinds)}, decks {', '.join(map(printable, e.decks))}"
              + (f", seed {e.seed}" if e.seed is not None else "")
              + ("; moves the schedule" if e.moves_schedule else ""))
        for question in detail.questions:
            print(f"  {question.position:>3}. [{question.card.kind}] {_asked(question.card)}")
        return EXIT_OK
    if args.exam_command == "export":
        from drill.report_cli import run_exam_export

        return run_exam_export(args, url)
    if args.exam_command == "results":
        results = pg_exam.results(url, args.name, args.class_name, regrade=args.regrade)
        if args.json:
            print(json_line(results.as_json()))
            return EXIT_OK
        _print_results(results)
        return EXIT_OK
    return _take(args, url)


def _asked(card, width: int = 70) -> str:
    """What a question asks, on one line: a cloze's sentence with its blank after its prompt."""
    return _one_line(f"{card.prompt}: {card.context}" if card.kind == "cloze" and card.context else card.prompt,
                     width)


def _one_line(text: str, width: int = 70) -> str:
    text = printable(" ".join(text.split()))
    return text if len(text) <= width else text[:width - 1] + "…"


def _print_results(results) -> None:
    from drill.core.exam import points_shown

    e = results.exam
    print(f"{printable(e.name)} ({printable(e.class_name)}): {counted(e.count, 'question')}, {e.minutes} min")
    if not results.trainees:
        print("  no trainees")
    for t in results.trainees:
        print(f"  {printable(t.trainee):<20} {points_shown(t.points):>5}/{t.total}  {t.percent:5.1f}%  "
              f"{t.correct} right, {t.answered} answered  ({t.status})")
    if results.regraded is not None:
        print(f"  graded again from what was typed: {results.regraded} answer(s) had another grade kept")
    for item in results.items:
        q = item.question
        print(f"  {q.position:>3}. [{q.card.kind}] {_asked(q.card, 60)}: "
              f"{item.correct}/{item.attempted} right")
        for label, found in (("wrong answers", item.wrong_answers), ("missed", item.missed_items),
                             ("confused with", item.confusions)):
            if found:
                print(f"       {label}: " + "; ".join(f"{_one_line(c.text, 40)} ×{c.count}" for c in found))


def _take(args, url: str) -> int:
    import sys
    from pathlib import Path

    from drill.core import pg_exam

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise DrillError("drill exam take needs a terminal")
    pg_exam.find_open(url, args.name, args.class_name)  # refused here, in one line, before the app
    from drill.tui.app import make_app

    app = make_app([Path(d) for d in args.decks], user=args.user or "trainee")
    app.exam_to_take = (args.name, args.class_name)
    app.run()
    if app.error:
        print(f"drill: {app.error}", file=sys.stderr)
        return 1
    return EXIT_OK
