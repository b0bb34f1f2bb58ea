"""A trainee's progress: numbers, charts in the terminal, and the weakest
frameworks and items, each one key (Enter) away from a drill of them."""

from __future__ import annotations

import datetime as dt
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from drill.core.stats import Stats, learning_said
from drill.core.text import counted
from drill.tui.screens.decks import mastery_bar
from drill.tui.widgets.footer import KeysFooter

CHART_DAYS = 30
# the five tab keys show in the footer as one entry, "1 2 3 4 5 Tabs"
TABS = Binding.Group("Tabs")


def overview_text(s: Stats) -> Text:
    out = Text()
    out.append(f"{s.user}\n\n", style="bold")
    minutes = int(s.seconds // 60)
    out.append(f" reviews        {s.reviews}\n")
    out.append(f" streak         {counted(s.streak, 'day')}\n")
    out.append(f" time spent     {minutes // 60} h {minutes % 60} min\n")
    if s.retention is None:
        out.append(" retention      no answers yet\n")
    else:
        out.append(f" retention      {s.retention:.0%} of answers passed\n")
    if s.true_retention is None:
        out.append(" true retention no mature cards reviewed yet\n")
    else:
        out.append(f" true retention {s.true_retention:.0%} of {s.mature_reviews} mature reviews\n")
    if s.learning_answers or learning_said(s):
        out.append(f" learning       {counted(s.learning_answers, 'step')}"
                   + (f", {learning_said(s)}" if learning_said(s) else "") + "\n")
    out.append(f" due today      {s.forecast[0] if s.forecast else 0}\n\n")
    out.append("Mastery\n", style="bold")
    for deck in s.decks:
        out.append(" ")
        out.append_text(mastery_bar(deck.mastery))
        out.append("  ")
        out.append(deck.title)
        out.append("\n")
    return out


class StatsScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("1", "tab('overview')", "Overview", group=TABS),
        Binding("2", "tab('reviews')", "Reviews", group=TABS),
        Binding("3", "tab('forecast')", "Forecast", group=TABS),
        Binding("4", "tab('retention')", "Retention", group=TABS),
        Binding("5", "tab('weakest')", "Weakest", group=TABS),
    ]

    def __init__(self, stats: Stats, daily: list) -> None:
        super().__init__()
        self.stats = stats
        self.daily = daily  # the store's day tallies, for retention over time

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="overview"):
            with TabPane("Overview", id="overview"):
                yield Static(overview_text(self.stats), id="overview-text")
            with TabPane("Reviews", id="reviews"):
                yield PlotextPlot(id="reviews-plot")
            with TabPane("Forecast", id="forecast"):
                yield PlotextPlot(id="forecast-plot")
            with TabPane("Retention", id="retention"):
                yield PlotextPlot(id="retention-plot")
            with TabPane("Weakest", id="weakest"):
                yield DataTable(id="weak", cursor_type="row")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        today = dt.date.today()
        days = [today - dt.timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]
        labels = [d.strftime("%m-%d") for d in days]
        per_day = dict(self.stats.reviews_per_day)
        plot = self.query_one("#reviews-plot", PlotextPlot).plt
        plot.bar(labels, [per_day.get(d.isoformat(), 0) for d in days])
        plot.title(f"Reviews per day, last {CHART_DAYS} days")
        plot.xticks(list(range(1, CHART_DAYS + 1, 7)), labels[::7])

        ahead = [(today + dt.timedelta(days=n)).strftime("%m-%d") for n in range(len(self.stats.forecast))]
        plot = self.query_one("#forecast-plot", PlotextPlot).plt
        plot.bar(ahead, self.stats.forecast)
        plot.title("Cards due, next 30 days (overdue on today)")
        plot.xticks(list(range(1, len(ahead) + 1, 7)), ahead[::7])

        by_day = {d.day: d for d in self.daily}
        xs, ys = [], []
        for n, d in enumerate(days):
            doc = by_day.get(d.isoformat())
            if doc and doc.reviews:
                xs.append(n + 1)
                ys.append(100 * doc.passed / doc.reviews)
        plot = self.query_one("#retention-plot", PlotextPlot).plt
        if xs:
            plot.plot(xs, ys, marker="braille")
            plot.ylim(0, 100)
        plot.xlim(1, CHART_DAYS)  # the month's days, however few have answers
        plot.title("Answers passed per day, % (last 30 days)")
        plot.xticks(list(range(1, CHART_DAYS + 1, 7)), labels[::7])

        table = self.query_one("#weak", DataTable)
        table.add_column("What", key="what", width=10)
        table.add_column("Missed", key="missed", width=12)
        table.add_column("Framework, or item and its framework", key="name")
        self._weak_rows: list[str] = []
        for w in self.stats.weakest_frameworks:
            table.add_row("framework", f"{w.missed} of {w.seen}", Text(w.name))
            self._weak_rows.append(w.framework)
        for w in self.stats.weakest_items:
            name = Text(w.name)
            if w.of:
                name.append(f"  in {w.of}", style="dim")
            table.add_row("item", f"{w.missed} of {w.seen}", name)
            self._weak_rows.append(w.framework)
        for c in self.stats.confusions:
            table.add_row("confused", f"{c.count}×", Text(c.said()))
            self._weak_rows.append(c.framework)
        if not self._weak_rows:
            table.add_row("", "", Text("Nothing weak yet: answer a few cards first.", style="dim"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        rows = getattr(self, "_weak_rows", [])
        if 0 <= event.cursor_row < len(rows):
            self.app.drill_framework(rows[event.cursor_row])

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "weakest":
            self.query_one("#weak", DataTable).focus()  # Enter drills the row under the cursor

    def action_back(self) -> None:
        self.app.show_decks()


def open_stats(app) -> StatsScreen:
    from drill.core import stats

    result = stats.compute(app.progress, app.decks, now=time.time())
    return StatsScreen(result, app.progress.days())
