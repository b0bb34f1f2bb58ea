"""The instructor's view of a class (core/instructor.py): mastery class ×
deck, the trainees at risk, the weakest items and confusions, assignment
completion and exam results, one tab each. It is read from the server as
the instructor's own login, in a worker thread, so it holds only what the
server lets that login read; r reads it again, c goes to the next class
the instructor teaches."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from drill.core.errors import DrillError
from drill.core.exam import points_shown
from drill.tui.screens.decks import mastery_bar
from drill.tui.widgets.footer import KeysFooter

TABS = Binding.Group("Tabs")
TAB_IDS = ("mastery", "risk", "weakest", "work", "exams")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


class InstructorScreen(Screen):
    BINDINGS = [
        Binding("1", "tab('mastery')", "Mastery", group=TABS),
        Binding("2", "tab('risk')", "At risk", group=TABS),
        Binding("3", "tab('weakest')", "Weakest", group=TABS),
        Binding("4", "tab('work')", "Assignments", group=TABS),
        Binding("5", "tab('exams')", "Exams", group=TABS),
        Binding("r", "reload", "Read again"),
        Binding("c", "next_class", "Next class"),
    ]

    def __init__(self, url: str, class_name: str, classes: list[str] | None = None) -> None:
        super().__init__()
        self.url = url
        self.class_name = class_name
        self.taught_classes = classes or [class_name]
        self.report = None  # the instructor.ClassReport on show (None: being read)
        self.trouble = ""  # why the last read failed

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"class {self.class_name}: reading…"), id="class-title")
        with TabbedContent(initial="mastery"):
            with TabPane("Mastery", id="mastery"):
                yield Static(Text("Cards mastered (a stability of 21 days or more), of each deck's cards.",
                                  style="dim"), classes="note")
                yield DataTable(id="mastery-table", cursor_type="row", zebra_stripes=True)
            with TabPane("At risk", id="risk"):
                yield DataTable(id="risk-table", cursor_type="row")
            with TabPane("Weakest", id="weakest"):
                yield DataTable(id="weak-table", cursor_type="row")
            with TabPane("Assignments", id="work"):
                yield DataTable(id="work-table", cursor_type="row")
                yield DataTable(id="work-trainees", cursor_type="row")
            with TabPane("Exams", id="exams"):
                yield DataTable(id="exam-table", cursor_type="row")
                yield Static(Text("Scores", style="bold"), classes="note")
                yield DataTable(id="exam-scores", cursor_type="row")
                yield Static(Text("Questions: who got each, the most frequent wrong answers, the confusions",
                                  style="bold"), classes="note")
                yield DataTable(id="exam-items", cursor_type="row")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"class {self.class_name}"
        self.read()

    @work(thread=True, exclusive=True, group="class report")
    def read(self) -> None:
        from drill.core import instructor

        try:
            found = instructor.class_report(self.url, self.class_name, list(self.app.decks))
        except DrillError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self.show_report, found)

    def _failed(self, said: str) -> None:
        self.trouble = said
        self.query_one("#class-title", Static).update(Text(f"class {self.class_name}: {said}", style="red"))
        self.notify(said, title="drill", markup=False, severity="error")

    # --- filling the tabs ----------------------------------------------------

    def show_report(self, report) -> None:
        self.report, self.trouble = report, ""
        m = report.mastery
        title = Text(f"class {report.class_name}", style="bold")
        title.append(f"  ·  {len(m.trainees)} trainee(s)  ·  {len(report.at_risk)} at risk")
        if len(self.taught_classes) > 1:
            title.append(f"  ·  c: next of {len(self.taught_classes)} classes", style="dim")
        self.query_one("#class-title", Static).update(title)
        self._mastery(report)
        self._risks(report)
        self._weakest(report)
        self._work(report)
        self._exams(report)

    @staticmethod
    def _reset(table: DataTable, *columns: tuple[str, str]) -> None:
        table.clear(columns=True)
        for label, key in columns:
            table.add_column(Text(label), key=key)

    def _mastery(self, report) -> None:
        m = report.mastery
        table = self.query_one("#mastery-table", DataTable)
        self._reset(table, ("Trainee", "trainee"), *[(c.title if c.due is None else f"{c.title} (due {c.due})",
                                                      c.deck) for c in m.decks])
        for trainee in m.trainees:
            table.add_row(Text(trainee), *[mastery_bar(m.cell(trainee, c.deck).share) for c in m.decks],
                          key=trainee)
        if m.trainees:
            table.add_row(Text("class", style="bold"), *[mastery_bar(m.class_share(c.deck)) for c in m.decks],
                          key="\0class")
        else:
            table.add_row(Text("No trainees in this class yet.", style="dim"), *["" for _ in m.decks])

    def _risks(self, report) -> None:
        table = self.query_one("#risk-table", DataTable)
        self._reset(table, ("Trainee", "trainee"), ("Why", "why"), ("Overdue", "overdue"),
                    ("Retention 7 d", "recent"), ("Before", "before"), ("Last answer", "last"))
        for s in report.at_risk:
            table.add_row(Text(s.trainee), Text("; ".join(r.said for r in s.risks)), str(s.overdue),
                          _pct(s.recent_retention), _pct(s.before_retention),
                          s.last_active.isoformat() if s.last_active else "never", key=s.trainee)
        if not report.at_risk:
            table.add_row(Text("No trainee is at risk.", style="dim"), "", "", "", "", "")

    def _weakest(self, report) -> None:
        table = self.query_one("#weak-table", DataTable)
        self._reset(table, ("What", "what"), ("Missed", "missed"), ("Item, or framework and what it is confused "
                                                                   "with", "name"), ("Trainees", "trainees"))
        for w in report.weakest_items:
            name = Text(w.item)
            name.append(f"  in {w.framework}", style="dim")
            table.add_row("item", f"{w.missed} of {w.seen}", name, str(w.trainees))
        for c in report.confusions:
            table.add_row("confused", f"{c.count}×", Text(f"{c.framework} confused with {c.other}"), str(c.trainees))
        if not report.weakest_items and not report.confusions:
            table.add_row("", "", Text("Nothing weak yet.", style="dim"), "")

    def _work(self, report) -> None:
        table = self.query_one("#work-table", DataTable)
        self._reset(table, ("Deck", "deck"), ("Due", "due"), ("Completed", "completed"), ("Started", "started"))
        for a in report.assignments:
            table.add_row(Text(a.title), a.due.isoformat(), f"{a.completed} of {len(a.trainees)}",
                          f"{a.started} of {len(a.trainees)}", key=a.deck)
        if not report.assignments:
            table.add_row(Text("No assignments (drill assign add CLASS DECK --due DATE).", style="dim"), "", "", "")
        per = self.query_one("#work-trainees", DataTable)
        self._reset(per, ("Trainee", "trainee"), *[(f"{a.title} (due {a.due})", a.deck) for a in report.assignments])
        for trainee in report.trainees:
            cells = []
            for a in report.assignments:
                w = next(t for t in a.trainees if t.trainee == trainee)
                cells.append(Text(f"{w.reviewed} of {w.cards}" + (" ✓" if w.completed else ""),
                                  style="green" if w.completed else ""))
            per.add_row(Text(trainee), *cells, key=trainee)

    def _exams(self, report) -> None:
        table = self.query_one("#exam-table", DataTable)
        self._reset(table, ("Exam", "exam"), ("Questions", "count"), ("Minutes", "minutes"),
                    ("Finished", "finished"), ("Mean score (of those who started)", "mean"))
        for n, results in enumerate(report.exams):
            scores = results.trainees
            done = sum(1 for t in scores if t.finished is not None)
            sat = [t.percent for t in scores if t.started is not None]
            table.add_row(Text(results.exam.name), str(results.exam.count), str(results.exam.minutes),
                          f"{done} of {len(scores)}", f"{sum(sat) / len(sat):.0f}%" if sat else "—", key=str(n))
        if not report.exams:
            table.add_row(Text("No exams yet (drill exam create CLASS NAME …).", style="dim"), "", "", "", "")
        self.show_exam(0)

    def show_exam(self, n: int) -> None:
        """The scores and the item analysis of the class's ``n``-th exam (none: empty tables)."""
        exams = self.report.exams if self.report is not None else []
        results = exams[n] if 0 <= n < len(exams) else None
        scores = self.query_one("#exam-scores", DataTable)
        self._reset(scores, ("Trainee", "trainee"), ("Status", "status"), ("Points", "points"), ("Score", "score"),
                    ("Right", "right"), ("Answered", "answered"))
        items = self.query_one("#exam-items", DataTable)
        self._reset(items, ("#", "n"), ("Kind", "kind"), ("Question", "prompt"), ("Got it", "got"),
                    ("Wrong answers", "wrong"), ("Confused with", "confused"))
        if results is None:
            return
        for t in results.trainees:
            scores.add_row(Text(t.trainee), str(t.status), f"{points_shown(t.points)} of {t.total}", f"{t.percent:.0f}%",
                           str(t.correct), str(t.answered), key=t.trainee)
        for item in results.items:
            q = item.question
            items.add_row(str(q.position), q.card.kind, Text(" ".join(q.card.prompt.split())[:60]),
                          f"{item.correct} of {item.attempted}",
                          Text("; ".join(f"{c.text} ×{c.count}" for c in item.wrong_answers)),
                          Text("; ".join(f"{c.text} ×{c.count}" for c in item.confusions)), key=str(q.position))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "exam-table" and event.row_key.value is not None \
                and event.row_key.value.isdigit():
            self.show_exam(int(event.row_key.value))

    # --- keys ------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_reload(self) -> None:
        self.read()

    def action_next_class(self) -> None:
        if len(self.taught_classes) < 2:
            return
        at = self.taught_classes.index(self.class_name) if self.class_name in self.taught_classes else -1
        self.class_name = self.taught_classes[(at + 1) % len(self.taught_classes)]
        self.sub_title = f"class {self.class_name}"
        self.report = None
        self.query_one("#class-title", Static).update(Text(f"class {self.class_name}: reading…"))
        self.read()
