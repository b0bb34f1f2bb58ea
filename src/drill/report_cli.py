"""`drill exam export`: an exam's results written for a centre's management.

    drill exam export NAME [--class CLASS] --format csv|json|html --output FILE

CSV: each trainee's score, one row each; JSON: the results whole (scores
and each question's analysis); HTML: one self-contained page with charts
(the report extra: pip install 'tifa-drill[report]'). See core/report.py.
The results are read as whoever logs in (an instructor: the classes they
teach; the administrator: any).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drill.core.text import printable

EXIT_OK = 0
FORMATS = ["csv", "json", "html"]


def add_exam_export(ex_sub) -> None:
    export = ex_sub.add_parser("export", help="write an exam's results as CSV, JSON or an HTML report",
                               description="Write an exam's results to a file: CSV (each trainee's score), JSON "
                                           "(scores and each question's analysis) or a self-contained HTML "
                                           "report with charts (needs: pip install 'tifa-drill[report]').")
    export.add_argument("name", metavar="NAME")
    export.add_argument("--class", dest="class_name", metavar="CLASS",
                        help="the exam's class (when several of yours have an exam of that name)")
    export.add_argument("--format", choices=FORMATS, required=True)
    export.add_argument("--output", metavar="FILE", required=True)


def run_exam_export(args: argparse.Namespace, url: str) -> int:
    from drill.core import pg_exam, report

    if args.format == "html":
        report.charts_available()  # said before the server is read
    results = pg_exam.results(url, args.name, args.class_name)
    report.write(report.exam_document(results), args.format, Path(args.output))
    print(f"drill: wrote {printable(args.output)}: {len(results.trainees)} trainee(s), "
          f"{len(results.items)} question(s)", file=sys.stderr)
    return EXIT_OK
