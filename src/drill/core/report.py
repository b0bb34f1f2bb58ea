"""Reports for a centre's management: a class's view (instructor.py), or an
exam's results, written as CSV, JSON or a self-contained HTML page.

- **CSV**: one row per trainee (UTF-8 with a byte-order mark, as
  spreadsheets want it): a class's figures, or an exam's scores (its item
  analysis is in the JSON and the HTML). Every cell that a spreadsheet would run as a
  formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a line
  break) gets a leading apostrophe (share.neutralise), header cells too.
- **JSON**: the report's ``as_json()``, one object.
- **HTML**: one file that opens from disk with no network: its style inline,
  its charts inline SVG drawn by matplotlib (the optional extra ``report``:
  ``pip install 'tifa-drill[report]'``), no script, no link, no image
  fetched. Everything from the data (names, titles, answers) is escaped;
  the charts' text is SVG text, escaped by matplotlib and shown in the
  reader's own fonts (so Chinese shows whatever fonts this machine has).
  Without matplotlib, HTML is refused in one line that names the extra;
  CSV and JSON need nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from drill.core.errors import DrillError
from drill.core.files import write_atomically
from drill.core.share import neutralise

INSTALL_EXTRA = "pip install 'tifa-drill[report]'"


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"
    HTML = "html"


# --------------------------------------------------------------------------
# what a report holds, whatever it is written as


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Any]]
    heading: str = ""


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart: one bar per label; ``share``: values are 0–1, shown as %."""

    title: str
    labels: list[str]
    values: list[float]
    share: bool = True


@dataclass(frozen=True)
class Section:
    heading: str
    note: str = ""
    charts: list[Bars] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    rows: Table  # the CSV: one row per trainee
    data: dict[str, Any]  # the JSON


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def class_document(report) -> Document:
    """A class's view (an instructor.ClassReport) as a report."""
    m = report.mastery
    at = dt.datetime.fromtimestamp(report.at).strftime("%Y-%m-%d %H:%M")
    mastery_rows = [[t, *[_pct(m.cell(t, c.deck).share) for c in m.decks]] for t in m.trainees]
    mastery_rows.append(["class", *[_pct(m.class_share(c.deck)) for c in m.decks]])
    sections = [Section(
        "Mastery", "The share of each deck's cards a trainee has at a mastered state "
                   "(a stability of 21 days or more).",
        [Bars("Class mastery by deck", [c.title for c in m.decks], [m.class_share(c.deck) for c in m.decks])]
        if m.decks else [],
        [Table(["trainee", *[c.title for c in m.decks]], mastery_rows)])]
    risk_rows = [[s.trainee, "; ".join(r.said for r in s.risks)] for s in report.at_risk]
    sections.append(Section("Trainees at risk", "" if risk_rows else "No trainee is at risk.", [],
                            [Table(["trainee", "why"], risk_rows)] if risk_rows else []))
    weak = report.weakest_items
    sections.append(Section(
        "Weakest items and confusions", "",
        [Bars("Weakest items: share of answers that missed them", [w.item for w in weak],
              [w.miss_rate for w in weak])] if weak else [],
        [Table(["item", "framework", "missed", "trainees"],
               [[w.item, w.framework, f"{w.missed} of {w.seen}", w.trainees] for w in weak], "Weakest items"),
         Table(["framework", "confused with", "times", "trainees"],
               [[c.framework, c.other, c.count, c.trainees] for c in report.confusions], "Most frequent confusions")]))
    work = report.assignments
    sections.append(Section(
        "Assignments", "A trainee has completed an assignment when every card of its deck was reviewed by the "
                       "end of its due day." if work else "No assignments.",
        [Bars("Trainees who completed each assignment", [f"{a.title} (due {a.due.isoformat()})" for a in work],
              [a.completed / len(a.trainees) if a.trainees else 0.0 for a in work])] if work else [],
        [Table(["deck", "due", "completed", "started", "trainees"],
               [[a.title, a.due.isoformat(), a.completed, a.started, len(a.trainees)] for a in work])]
        if work else []))
    for exam in report.exams:
        sections.extend(exam_document(exam).sections)
    header = ["trainee", "last_active", "overdue", "due", "recent_retention", "before_retention", "at_risk",
              *[f"mastery: {c.title}" for c in m.decks],
              *[f"assignment: {a.title} (due {a.due.isoformat()})" for a in work]]
    by_trainee = {s.trainee: s for s in report.standings}
    rows = []
    for t in m.trainees:
        s = by_trainee[t]
        rows.append([t, s.last_active.isoformat() if s.last_active else "", s.overdue, s.due,
                     _rounded(s.recent_retention), _rounded(s.before_retention),
                     "; ".join(r.said for r in s.risks),
                     *[round(m.cell(t, c.deck).share, 4) for c in m.decks],
                     *[_done(next(w for w in a.trainees if w.trainee == t)) for a in work]])
    return Document(f"Class {report.class_name}", f"{len(m.trainees)} trainees · read {at}", sections,
                    Table(header, rows), report.as_json())


def _rounded(x: float | None) -> float | str:
    return "" if x is None else round(x, 4)


def _done(work) -> str:
    return f"{work.reviewed} of {work.cards}" + (" (completed)" if work.completed else "")


def _counted(found) -> str:
    return "; ".join(f"{c.text} ×{c.count}" for c in found)


def exam_document(results) -> Document:
    """An exam's results (an exam.ExamResults) as a report: each trainee's
    score, and each question's analysis (how many got it, the most frequent
    wrong answers, the items most missed, the frameworks it was confused with)."""
    e = results.exam
    scores, items = list(results.trainees), list(results.items)
    sections = [
        Section(f"Exam {e.name}: scores",
                f"{e.count} questions, {e.minutes} min, kinds {', '.join(e.kinds)}; a close item counts half.",
                [Bars(f"{e.name}: each trainee's score", [t.trainee for t in scores],
                      [t.percent / 100 for t in scores])] if scores else [],
                [Table(["trainee", "status", "answered", "correct", "points", "of", "score"],
                       [[t.trainee, str(t.status), t.answered, t.correct, round(t.points, 2), t.total,
                         f"{t.percent:.1f}%"] for t in scores])]),
        Section(f"Exam {e.name}: questions", "Got it: answered right, of those who answered it.",
                [Bars(f"{e.name}: share who got each question", [f"{i.question.position}. {_one_line(i.question)}"
                                                                 for i in items],
                      [i.facility for i in items])] if items else [],
                [Table(["#", "kind", "question", "framework", "got it", "mean score", "wrong answers",
                        "missed items", "confused with"],
                       [[i.question.position, i.question.card.kind, i.question.card.prompt,
                         i.question.framework_name, f"{i.correct} of {i.attempted}", f"{i.mean_score:.0%}",
                         _counted(i.wrong_answers), _counted(i.missed_items), _counted(i.confusions)]
                        for i in items])]),
    ]
    header = ["trainee", "status", "answered", "correct", "points", "total", "percent", "started", "finished"]
    rows = [[t.trainee, str(t.status), t.answered, t.correct, round(t.points, 4), t.total, t.percent,
             t.started.isoformat() if t.started else "", t.finished.isoformat() if t.finished else ""]
            for t in scores]
    return Document(f"Exam {e.name} ({e.class_name})", f"{len(scores)} trainees · {e.count} questions",
                    sections, Table(header, rows), results.as_json())


def _one_line(question) -> str:
    return " ".join(question.card.prompt.split())


# --------------------------------------------------------------------------
# writing it


def write(doc: Document, fmt: Format | str, path: Path) -> None:
    """Write ``doc`` to ``path`` as ``fmt`` (replacing the file whole, or leaving it as it was)."""
    fmt = Format(fmt)
    if fmt is Format.HTML:
        text = to_html(doc)  # made before the file is touched: a missing extra writes nothing
    elif fmt is Format.JSON:
        text = json.dumps(doc.data, ensure_ascii=False, indent=1) + "\n"
    else:
        text = to_csv(doc.rows)
    encoding = "utf-8-sig" if fmt is Format.CSV else "utf-8"

    def put(tmp: str) -> None:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write(text)

    write_atomically(Path(path), put)


def _cell(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(c) for c in table.columns])
    writer.writerows([[_cell(v) for v in row] for row in table.rows])
    return out.getvalue()


_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2em auto; max-width: 60em; color: #222; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } .sub { color: #666; margin-top: 0; }
section { margin: 2em 0; } table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
.note { color: #555; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def to_html(doc: Document) -> str:
    charts = _Charts()
    parts = ["<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_e(doc.title)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{_e(doc.title)}</h1>", f'<p class="sub">{_e(doc.subtitle)}</p>']
    for section in doc.sections:
        parts.append(f"<section><h2>{_e(section.heading)}</h2>")
        if section.note:
            parts.append(f'<p class="note">{_e(section.note)}</p>')
        for chart in section.charts:
            parts.append(f'<figure aria-label="{_e(chart.title)}">{charts.svg(chart)}</figure>')
        for table in section.tables:
            if table.heading:
                parts.append(f"<h3>{_e(table.heading)}</h3>")
            parts.append("<table><thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in table.columns)
                         + "</tr></thead><tbody>")
            parts += ["<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in table.rows]
            parts.append("</tbody></table>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def charts_available() -> None:
    """Nothing when the chart library is installed; else the one-line DrillError naming the extra."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        raise DrillError(f"the HTML report draws its charts with matplotlib, which is not installed: "
                         f"{INSTALL_EXTRA}") from None


class _Charts:
    """Bar charts as inline SVG, drawn with matplotlib (the ``report`` extra)."""

    def __init__(self) -> None:
        charts_available()
        from matplotlib.figure import Figure

        self._figure = Figure

    def svg(self, chart: Bars) -> str:
        import warnings

        import matplotlib

        n = max(1, len(chart.labels))
        with matplotlib.rc_context({"svg.fonttype": "none",  # text stays text: no glyphs from this machine's fonts
                                    "text.parse_math": False,  # a $ in a name is a $
                                    "text.usetex": False, "svg.hashsalt": "drill", "font.size": 9}), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")  # glyphs missing from matplotlib's own font: the reader's fonts draw them
            fig = self._figure(figsize=(7.5, 0.9 + 0.32 * n), layout="constrained")
            ax = fig.subplots()
            values = [v * 100 if chart.share else v for v in chart.values]
            ax.barh(range(len(values)), values, color="#4a7fb5")
            ax.set_yticks(range(len(values)), [_short(label) for label in chart.labels])
            ax.invert_yaxis()
            if chart.share:
                ax.set_xlim(0, 115)  # room for the label of a full bar
                ax.set_xticks(range(0, 101, 20))
                ax.set_xlabel("%")
            ax.set_title(chart.title)
            for spot, value in enumerate(values):
                ax.text(value, spot, f" {value:.0f}{'%' if chart.share else ''}", va="center")
            out = io.StringIO()
            fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                                      "Type": None})
        return _inline(out.getvalue())


def _short(label: str, most: int = 40) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _inline(svg: str) -> str:
    """matplotlib's SVG file as an element of the page: no XML prologue, no
    metadata, no namespace addresses (the HTML parser knows SVG's)."""
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    return svg.strip()
