"""After a session: what was done, how well, and what was missed."""

from __future__ import annotations

import datetime as dt
import time

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from drill.core.session import Summary
from drill.tui.widgets.footer import KeysFooter


def when(ts: float, now: float | None = None) -> str:
    """A due time as a trainee reads it: in 10 min, in 3 h, tomorrow, on 12-03."""
    now = now or time.time()
    delta = ts - now
    if delta < 3600:
        return f"in {max(1, round(delta / 60))} min"
    if delta < 86400:
        return f"in {round(delta / 3600)} h"
    day = dt.date.fromtimestamp(ts)
    if day == dt.date.fromtimestamp(now) + dt.timedelta(days=1):
        return "tomorrow"
    return f"on {day.isoformat()}"


def summary_view(summary: Summary, next_due: str = "", names: dict[str, str] | None = None) -> Group:
    """The session's numbers, then the items missed, under their framework's name
    (``names``: framework id → name; else the card's prompt up to its colon)."""
    minutes, seconds = divmod(int(summary.seconds), 60)
    out = Text()
    out.append("Session done\n\n", style="bold")
    if summary.shown or summary.steps:
        out.append(f" learning   {summary.shown} new shown   {summary.steps} steps   "
                   f"{summary.learned} on to full recall\n")
    if summary.done or not (summary.shown or summary.steps):
        out.append(f" cards      {summary.cards or summary.done}")
        if summary.cards and summary.done != summary.cards:
            out.append(f"   answers {summary.done}")
        out.append("\n")
        out.append(f" correct    {summary.correct}   partial {summary.partial}   wrong {summary.wrong}\n")
        out.append(f" first try  {summary.accuracy:.0%} right\n")
    if summary.relearned or summary.still_missed:
        out.append(f" relearned  {len(summary.relearned)}")
        if summary.still_missed:
            out.append(f"   still to learn {len(summary.still_missed)}")
        out.append("\n")
    out.append(f" time       {minutes} min {seconds:02d} s")
    if next_due:
        out.append(f"\n next due   {next_due}")
    parts: list = [out]
    if summary.missed:
        parts += [Text(), Text("Missed this session", style="bold")]
        grouped: dict[str, list[str]] = {}
        heads: dict[str, str] = {}
        for card, item in summary.missed:
            heads.setdefault(card.framework, (names or {}).get(card.framework) or card.prompt.split("：", 1)[0])
            items = grouped.setdefault(card.framework, [])
            if item not in items:
                items.append(item)
        for framework, items in grouped.items():
            parts.append(Padding(Text(heads[framework], style="dim"), (0, 0, 0, 1)))
            grid = Table.grid(padding=(0, 1, 0, 0))
            grid.add_column(no_wrap=True)
            grid.add_column(ratio=1, overflow="fold")
            for item in items:
                grid.add_row("·", Text(item))
            parts.append(Padding(grid, (0, 0, 0, 3)))
    return Group(*parts)


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("enter", "back", "Back to decks"),
        Binding("escape", "back", "Back", show=False),
        Binding("s", "app.stats", "Stats"),
    ]

    def __init__(self, summary: Summary, next_due: str = "", names: dict[str, str] | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.next_due = next_due
        self.names = names or {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(summary_view(self.summary, self.next_due, self.names), id="summary")
        yield KeysFooter(compact=True)

    def action_back(self) -> None:
        self.app.show_decks()
