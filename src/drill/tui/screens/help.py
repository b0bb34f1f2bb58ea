"""Every key, on one screen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Decks", [("↑ ↓", "move"), ("space", "choose a deck (several may be chosen)"),
               ("enter", "drill the chosen decks (or the one under the cursor)"),
               ("a", "drill everything due"), ("s", "stats"), ("p", "switch trainee")]),
    ("Drill", [("typing", "items on separate lines or with any separators; Enter is a new line"),
               ("ctrl+s", "submit the answer"), ("f2", "hint: the next item's first character (caps the rating)"),
               ("f3", "show the source sentence"), ("enter", "next card (after the judgement)"),
               ("r / w", "I was right / I was wrong: your judgement is what is recorded"),
               ("escape", "end the session")]),
    ("Everywhere", [("f1", "this help"), ("ctrl+p", "command palette: every action"), ("ctrl+q", "quit")]),
]


def help_text() -> Text:
    out = Text()
    for section, keys in KEYS:
        out.append(f"{section}\n", style="bold")
        for key, what in keys:
            out.append(f"  {key:<8}", style="bold cyan")
            out.append(f" {what}\n")
        out.append("\n")
    out.append("escape or f1 closes this help", style="dim")
    return out


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("f1", "close", "Close", show=False),
                Binding("q", "close", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_text())

    def action_close(self) -> None:
        self.dismiss(None)
