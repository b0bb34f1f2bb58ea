"""After a session: what was done, how well, and what was missed."""

from __future__ import annotations

import datetime as dt
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from drill.core.session import Summary


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


def summary_text(summary: Summary, next_due: str = "") -> Text:
    minutes, seconds = divmod(int(summary.seconds), 60)
    out = Text()
    out.append("Session done\n\n", style="bold")
    out.append(f" cards      {summary.done}\n")
    out.append(f" correct    {summary.correct}   partial {summary.partial}   wrong {summary.wrong}\n")
    out.append(f" accuracy   {summary.accuracy:.0%}\n")
    out.append(f" time       {minutes} min {seconds:02d} s\n")
    if next_due:
        out.append(f" next due   {next_due}\n")
    if summary.missed:
        out.append("\nMissed this session\n", style="bold")
        seen = set()
        for card, item in summary.missed:
            if (card.framework, item) in seen:
                continue
            seen.add((card.framework, item))
            out.append(" · ")
            out.append(item)
            out.append(f"   ({card.prompt.split('：', 1)[0]})\n", style="dim")
    return out


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("enter", "back", "Back to decks"),
        Binding("escape", "back", "Back", show=False),
        Binding("s", "app.stats", "Stats"),
    ]

    def __init__(self, summary: Summary, next_due: str = "") -> None:
        super().__init__()
        self.summary = summary
        self.next_due = next_due

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(summary_text(self.summary, self.next_due), id="summary")
        yield Footer(compact=True)

    def action_back(self) -> None:
        self.app.show_decks()
