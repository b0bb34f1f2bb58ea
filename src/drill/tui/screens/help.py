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
               ("enter", "drill the chosen decks, else the highlighted one"),
               ("a", "drill everything due"), ("m", "study more: 10 more new cards today"),
               ("z", "session size: all, 10, 20 or 50 cards"), ("s", "stats"), ("p", "switch trainee"),
               ("o", "settings: retention, new cards a day, theme"),
               ("x", "take an exam open to you (a class on a server)")]),
    ("Drill", [("typing", "items one a line, or with any separators"),
               ("enter", "a new line in the answer: it never submits"),
               ("ctrl+s", "submit the answer"), ("f2", "hint: next item's first character (rating ≤ Hard)"),
               ("f3", "show the source sentence"), ("f4", "I don't know: show the answer (Again)"),
               ("enter", "after the judgement: the next card"),
               ("r / w", "I was right / I was wrong: yours is what is saved"),
               ("u", "undo: take the answer back; the card is asked again"),
               ("f5", "bury the card until tomorrow"),
               ("f6", "suspend the card (drill unsuspend brings it back)"),
               ("escape", "end the session (asks if an answer is typed)")]),
    ("Exam", [("ctrl+s", "submit the answer (no hints; the score comes at the end)"),
              ("escape", "leave: the time runs on, and you may come back until the deadline"),
              ("enter", "at the end: back to the decks")]),
    ("Stats", [("1-5", "overview, reviews, forecast, retention, weakest"),
               ("enter", "on a weak framework or item: drill it now"),
               ("escape", "back to the decks")]),
    ("Class (an instructor's view)", [("1-5", "mastery, at risk, weakest, assignments, exams"),
                                      ("r", "read the class again"), ("c", "the next class you teach")]),
    ("Everywhere", [("f1", "this help"), ("ctrl+p", "command palette: every action"),
                    ("ctrl+q / ctrl+c", "quit (every answer is already saved; asks if one is typed)")]),
]


def help_text() -> Text:
    out = Text()
    for section, keys in KEYS:
        out.append(f"{section}\n", style="bold")
        for key, what in keys:
            out.append(f"  {key:<15}", style="bold cyan")
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
