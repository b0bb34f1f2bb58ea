"""Who is drilling: a name on first run; later runs start with the last one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static


class NameInput(Input):
    """The name box; the arrows leave it for the list of known names."""

    BINDINGS = [Binding("down", "screen.to_list", show=False), Binding("up", "screen.to_list", show=False)]


class ProfileScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, known: list[str]) -> None:
        super().__init__()
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical(id="profile"):
            yield Static(Text("Who is drilling?", style="bold"))
            if self.known:
                yield OptionList(*[Text(name) for name in self.known], id="known")
                yield Static(Text("…or a new name:", style="dim"))
            yield NameInput(placeholder="your name, then Enter", id="name")
            keys = "↑↓ and Enter pick a name · Esc cancels" if self.known else "Esc quits"
            yield Static(Text(keys, style="dim"), id="profile-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_to_list(self) -> None:
        if self.known:
            names = self.query_one("#known", OptionList)
            names.focus()
            if names.highlighted is None:
                names.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(name)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.known[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
