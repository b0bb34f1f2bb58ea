"""The trainee's settings: desired retention, new cards a day, the theme and
whether new frameworks are learned first (learning.py).

Enter in a field (or ctrl+s anywhere) saves, escape cancels. A value out of
range is said in the dialog and nothing is saved.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Select, Static

from drill.core import scheduler
from drill.core.errors import DrillError


class SettingsScreen(ModalScreen[bool]):
    """Dismissed with True when the settings were saved."""

    AUTO_FOCUS = "#retention"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        current = self.app.progress.settings
        low, high = scheduler.RETENTION_RANGE
        themes = sorted(self.app.available_themes)
        theme = self.app.theme if self.app.theme in themes else themes[0]
        with Vertical(id="settings"):
            yield Static(Text(f"Settings of {self.app.user}", style="bold"))
            yield Static(Text(f"Desired retention, {low} to {high} (higher: more reviews)", style="dim"))
            yield Input(f"{current.desired_retention:g}", id="retention")
            yield Static(Text(f"New cards a day (0 to {scheduler.NEW_PER_DAY_MAX})", style="dim"))
            yield Input(str(current.new_per_day), id="new-per-day")
            yield Static(Text("Theme", style="dim"))
            yield Select([(name, name) for name in themes], value=theme, allow_blank=False, id="theme")
            yield Checkbox("New frameworks: show, choose, fill in, then recall", current.learn_first,
                           id="learn-first")
            yield Static(id="settings-message")
            yield Static(Text("enter in a box or ctrl+s saves · esc cancels · tab: next", style="dim"))
        yield Footer()

    def message(self, text: str) -> None:
        self.query_one("#settings-message", Static).update(Text(text, style="bold red"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        try:
            retention = scheduler.retention_from(self.query_one("#retention", Input).value.strip())
            per_day = scheduler.new_per_day_from(self.query_one("#new-per-day", Input).value.strip())
        except ValueError as exc:
            self.message(f"Not saved: {exc}")
            return
        theme = self.query_one("#theme", Select).value
        if not isinstance(theme, str) or theme not in self.app.available_themes:
            self.message("Not saved: choose a theme")
            return
        try:
            self.app.progress.update_settings(desired_retention=retention, new_per_day=per_day, theme=theme,
                                              learn_first=self.query_one("#learn-first", Checkbox).value)
        except DrillError as exc:
            self.message(f"Not saved: {exc}")
            return
        self.app.theme = theme  # already saved: the app's watch finds nothing to write
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
