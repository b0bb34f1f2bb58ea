"""`drill author`: review a speech's extracted candidates into a deck.

The speech on the left, the candidates on the right; moving through them
marks each one's span and items in the speech and scrolls to it. Every
decision is made by one key shown in the footer; the decisions themselves
(and every rule about them) live in :mod:`drill.core.authoring`, so this
screen only shows them. Extraction runs in a worker thread.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from drill.core import authoring as au
from drill.core.errors import DrillError
from drill.tui.widgets.source_view import SourceView

MARKS = {au.NEW: ("•", "yellow"), au.ACCEPTED: ("✓", "green"), au.REJECTED: ("✗", "red"),
         au.MERGED: ("⊂", "dim")}
KIND_TAGS = {"abbreviation": "缩", "enumeration": "列", "outline": "纲", "parallel": "排"}
OWN_MARK = "✎"


def candidate_row(cand: au.Candidate, width: int) -> Text:
    """One line of the candidates list: status, changed mark, kind, name, item count."""
    mark, style = MARKS[cand.status]
    row = Text()
    row.append(mark, style=style)
    row.append("!" if cand.reason else " ", style="bold yellow")
    row.append(KIND_TAGS.get(cand.fw.kind, "?"), style="cyan")
    row.append(f" {cand.fw.name}", style="dim" if cand.status in (au.REJECTED, au.MERGED) else "")
    count = Text(f" {len(cand.fw.items)}", style="dim")
    row.truncate(max(8, width - count.cell_len), overflow="ellipsis")
    row.append_text(count)
    return row


def _items_table(items: list[str], marks=None, style: str = "") -> Table:
    """Numbered items, a wrapped item hanging under its first line."""
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="dim", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for n, item in enumerate(items, 1):
        mark = marks(item) if marks else Text("")
        table.add_row(str(n), mark, Text(item, style=style))
    return table


def candidate_text(review: au.Review, cand: au.Candidate) -> Group:
    """Everything about one candidate, shown literally."""
    fw = cand.fw
    head = Text()
    head.append(fw.name, style="bold")
    head.append("\n")
    status = cand.status if cand.status != au.MERGED else f"merged into {_name(review, cand.merged_into)}"
    order = "in order" if fw.ordered else "any order"
    head.append(f"{fw.kind} · {status} · {order} · {len(fw.items)} items", style="dim")

    reference = au.from_reference(fw)  # items filled in from the reference deck

    def mark(item: str) -> Text:
        if item in fw.own:
            return Text(OWN_MARK, style="magenta")
        if reference:
            return Text("※", style="cyan")
        if item not in review.text:
            return Text("?", style="bold red")
        return Text(" ")

    parts: list = [head, _items_table(fw.items, mark)]
    tail = Text()
    if not fw.items:
        tail.append(" (no items: e adds them, or m merges another in)\n", style="italic")
    if any(i in fw.own for i in fw.items):
        tail.append(f"{OWN_MARK} your own wording, not the speech's\n", style="magenta")
    if reference:
        tail.append(f"※ {fw.stated_in()}: the speech names it without its items\n", style="cyan")
    elif any(i not in review.text and i not in fw.own for i in fw.items):
        tail.append("? not in the speech: e corrects it or keeps it as your own wording\n", style="red")
    if cand.reason:
        tail.append(f"! {cand.reason}\n", style="yellow")
    parts.append(tail)
    if cand.origin is not None and cand.origin.items != fw.items:
        if cand.origin.items:
            parts += [Text("extraction now gives (u takes it):", style="dim"),
                      _items_table(cand.origin.items, style="dim"), Text("")]
        else:
            parts.append(Text("extraction gives no items (u takes that)\n", style="dim"))
    foot = Text()
    if fw.merged:
        foot.append("merged in: " + "、".join(_name(review, m) for m in fw.merged) + "\n", style="dim")
    foot.append(f"id {fw.id}", style="dim")
    parts.append(foot)
    return Group(*parts)


def _name(review: au.Review, framework_id: str) -> str:
    cand = review.find(framework_id)
    return f"“{cand.fw.name}”" if cand is not None else framework_id


class AuthorCommands(Provider):
    """Every action of the author screen, in the command palette."""

    ACTIONS = [
        ("Accept the candidate", "accept"), ("Reject the candidate", "reject"),
        ("Edit the name and items", "edit"), ("Toggle whether order matters", "order"),
        ("Merge two candidates", "merge"), ("Split the candidate in two", "split"),
        ("Reset to what extraction gives", "reset"), ("Show all candidates / only the new", "toggle_all"),
        ("Save the deck", "save"), ("Quit", "app.quit"),
    ]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action in self.ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._runner(action), help=f"action: {action}")

    def _runner(self, action: str):
        async def run() -> None:
            screen = self.app.screen
            if isinstance(screen, AuthorScreen) or action.startswith("app."):
                await screen.run_action(action)
        return run


class AuthorScreen(Screen):
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("e", "edit", "Edit"),
        Binding("o", "order", "Order"),
        Binding("m", "merge", "Merge"),
        Binding("s", "split", "Split"),
        Binding("u", "reset", "Reset"),
        Binding("v", "toggle_all", "All"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel_merge", "Cancel"),
    ]

    def __init__(self, speech: Path, deck_path: Path, text: str, encoding: str, earlier) -> None:
        super().__init__()
        self.speech, self.deck_path = speech, deck_path
        self.text, self.encoding, self.earlier = text, encoding, earlier
        self.review: au.Review | None = None
        self.show_all = False
        self.merging: au.Candidate | None = None
        self.shown: list[au.Candidate] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="author"):
            with VerticalScroll(id="author-source"):
                yield SourceView(self.text, id="source-view")
            with Vertical(id="author-side"):
                yield OptionList(id="candidates")
                with VerticalScroll(id="candidate-box"):
                    yield Static(id="candidate")
        yield Static(id="author-status")
        yield Footer(compact=True, show_command_palette=False)  # 80 columns hold every key but ^p

    def on_mount(self) -> None:
        self.query_one("#author-source").border_title = self.speech.name
        cands = self.query_one("#candidates", OptionList)
        cands.border_title = "candidates"
        cands.add_option(Option(Text("finding frameworks…", style="italic"), disabled=True))
        cands.focus()
        self.say(f"saves to {self.deck_path}")
        self.extract()

    @work(thread=True, exclusive=True, group="extract")
    def extract(self) -> None:
        try:
            review = au.start_review(self.speech, self.deck_path, self.text, self.encoding, self.earlier)
        except DrillError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # extraction must not take the app down with a traceback
            self.app.call_from_thread(self._failed, f"{self.speech}: extraction failed ({type(exc).__name__}: {exc})")
            return
        self.app.call_from_thread(self._extracted, review)

    def _failed(self, message: str) -> None:
        self.app.error = message
        self.app.exit(return_code=1)

    def _extracted(self, review: au.Review) -> None:
        self.review = review
        earlier = sum(1 for c in review.candidates if not c.offered)
        offered = len(review.offered())
        if earlier:
            self.say(f"{offered} to review, {earlier} judged before (v shows all) · saves to {self.deck_path}")
        else:
            self.say(f"{offered} candidates · saves to {self.deck_path}")
        self.rebuild()
        self.refresh_bindings()

    # --- showing -----------------------------------------------------------

    def say(self, message: str, style: str = "dim") -> None:
        self.query_one("#author-status", Static).update(Text(message, style=style, no_wrap=True,
                                                             overflow="ellipsis"))

    def rebuild(self, keep: au.Candidate | None = None) -> None:
        review = self.review
        if review is None:
            return
        cands = self.query_one("#candidates", OptionList)
        keep = keep or self.current
        self.shown = list(review.candidates if self.show_all else review.offered())
        # the room for text: less the border, the padding and the scrollbar that many options bring
        width = max(10, (cands.outer_size.width or 40) - 4 - (2 if len(self.shown) > 7 else 0))
        cands.clear_options()
        if not self.shown:
            judged = len(review.candidates)
            cands.add_option(Option(Text(
                f"Nothing new or changed: all {judged} candidates were judged before. v shows them all."
                if judged else "No frameworks found in this speech.", style="italic"), disabled=True))
            self.query_one("#candidate", Static).update("")
            self.query_one(SourceView).show([], None)
        else:
            cands.add_options([Option(candidate_row(c, width), id=str(i)) for i, c in enumerate(self.shown)])
            index = self.shown.index(keep) if keep in self.shown else 0
            cands.highlighted = index
            self.show_candidate(self.shown[index])
        counts = review.counts(self.shown)
        undecided = counts[au.NEW]
        cands.border_title = f"{'all' if self.show_all else 'to review'}: {len(self.shown)}"
        cands.border_subtitle = f"{undecided} undecided" + (" · unsaved" if review.dirty else "")

    def on_resize(self) -> None:
        if self.review is not None:
            self.rebuild()

    @property
    def current(self) -> au.Candidate | None:
        index = self.query_one("#candidates", OptionList).highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "candidates" and self.current is not None:
            self.show_candidate(self.current)

    def show_candidate(self, cand: au.Candidate) -> None:
        review = self.review
        self.query_one("#candidate", Static).update(candidate_text(review, cand))
        self.query_one("#candidate-box").scroll_home(animate=False)
        spans = review.spans(cand)
        view = self.query_one(SourceView)
        view.show(spans, (cand.fw.start, cand.fw.end))
        first = spans[0][0] if spans else cand.fw.start
        self.call_after_refresh(self._scroll_to, first)

    def _scroll_to(self, offset: int) -> None:
        view = self.query_one(SourceView)
        box = self.query_one("#author-source", VerticalScroll)
        line = view.line_of(offset)
        top = box.scroll_y
        height = max(1, box.scrollable_content_region.height)
        if not top + 1 <= line < top + height - 1:
            box.scroll_to(y=max(0, line - height // 3), animate=False)

    # --- deciding ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_merge":
            return self.merging is not None
        if action in ("accept", "reject", "edit", "order", "split", "reset", "toggle_all", "save"):
            # while choosing what to merge, only moving, m and escape mean anything
            return self.review is not None and self.merging is None
        if action == "merge":
            return self.review is not None
        return True

    def _do(self, what, done: str = "", move: bool = False) -> bool:
        cand = self.current
        if cand is None:
            return False
        try:
            what(cand)
        except au.Untraceable as exc:
            self.say(f"{exc.message}: e edits it; ctrl+o there keeps them as your own wording", "bold red")
            return False
        except au.ReviewError as exc:
            self.say(exc.message, "bold red")
            return False
        self.rebuild(keep=cand)
        if move:
            cands = self.query_one("#candidates", OptionList)
            index = self.shown.index(cand) if cand in self.shown else None
            if index is not None and index + 1 < len(self.shown):
                cands.highlighted = index + 1
        if done:
            self.say(done.format(name=cand.fw.name), "green")
        return True

    def action_accept(self) -> None:
        self._do(self.review.accept, "accepted “{name}”", move=True)

    def action_reject(self) -> None:
        self._do(self.review.reject, "rejected “{name}”: it will not be offered again", move=True)

    def action_order(self) -> None:
        cand = self.current
        if cand is not None and self._do(self.review.toggle_order):
            self.say("order matters now" if cand.fw.ordered else "any order now", "green")

    def action_reset(self) -> None:
        cand = self.current
        if cand is None:
            return
        root = self.review.root(cand)  # a piece resets what it was split off
        if self._do(lambda c: self.review.reset(c)):
            self.rebuild(keep=root)
            self.say(f"“{root.fw.name}” is as extraction gives it again", "green")

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.rebuild()
        self.say("all candidates, judged before or not" if self.show_all else "only the new and changed")

    def action_edit(self) -> None:
        cand = self.current
        if cand is None:
            return
        if cand.status == au.MERGED:
            self.say(f"merged into {_name(self.review, cand.merged_into)}; reset that one to take it out",
                     "bold red")
            return

        def apply(name: str, items: list[str], own: bool) -> None:
            self.review.edit(cand, name, items, own_wording=own)

        def edited(done: bool | None) -> None:
            if done:
                self.rebuild(keep=cand)
                self.say(f"edited “{cand.fw.name}”", "green")

        self.app.push_screen(EditScreen(cand.fw.name, cand.fw.items, cand.fw.own, apply), edited)

    def action_split(self) -> None:
        cand = self.current
        if cand is None:
            return
        if len(cand.fw.items) < 2:
            self.say("a split needs at least two items", "bold red")
            return

        def chosen(at: int | None) -> None:
            if at is None:
                return
            try:
                piece = self.review.split(cand, at)
            except au.ReviewError as exc:
                self.say(exc.message, "bold red")
                return
            self.rebuild(keep=piece)
            self.say(f"split: the rest is “{piece.fw.name}”; e renames it", "green")

        self.app.push_screen(SplitScreen(cand.fw.name, cand.fw.items), chosen)

    def action_merge(self) -> None:
        cand = self.current
        if cand is None:
            return
        if self.merging is None or self.merging not in self.review.candidates:
            self.merging = cand
            self.say(f"merge into “{cand.fw.name}”: go to the other one, m (escape cancels)",
                     "bold yellow")
            self.refresh_bindings()
            return
        into, self.merging = self.merging, None
        self.refresh_bindings()
        if into is cand:
            self.say("merge cancelled")
            return
        try:
            self.review.merge(into, cand)
        except au.Untraceable as exc:
            self.say(exc.message, "bold red")
            return
        except au.ReviewError as exc:
            self.say(exc.message, "bold red")
            return
        self.rebuild(keep=into)
        self.say(f"merged “{cand.fw.name}” into “{into.fw.name}”", "green")

    def action_cancel_merge(self) -> None:
        if self.merging is not None:
            self.merging = None
            self.refresh_bindings()
            self.say("merge cancelled")

    def action_save(self) -> None:
        if self.review is None:
            return
        try:
            deck = self.review.save()
        except DrillError as exc:
            self.say(str(exc), "bold red")
            return
        self.app.saved = deck
        self.rebuild()
        self.say(f"saved {self.deck_path}: {len(deck.frameworks)} frameworks, {len(deck.cards())} cards, "
                 f"{len(deck.rejected)} rejected", "green")


class EditScreen(ModalScreen[bool]):
    """A framework's name and items, one item a line. Enter is a new line
    (an input method's Enter too); Ctrl+S saves."""

    BINDINGS = [
        Binding("ctrl+s", "save(False)", "Save", priority=True),
        Binding("ctrl+o", "save(True)", "Save, own wording", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, name: str, items: list[str], own: list[str], apply) -> None:
        super().__init__()
        self.name_text, self.items, self.own, self.apply = name, list(items), list(own), apply

    def compose(self) -> ComposeResult:
        with Vertical(id="author-edit"):
            yield Static(Text("Name", style="bold"))
            yield Input(self.name_text, id="edit-name")
            yield Static(Text("Items, one a line (words of the speech, or marked as your own)", style="bold"))
            yield TextArea("\n".join(self.items), id="edit-items", soft_wrap=True, show_line_numbers=True)
            yield Static(id="edit-message")
        yield Footer()

    def on_mount(self) -> None:
        if self.own:
            self.message(f"{OWN_MARK} your own wording already: " + "、".join(self.own), "magenta")
        self.query_one("#edit-items", TextArea).focus()

    def message(self, text: str, style: str) -> None:
        self.query_one("#edit-message", Static).update(Text(text, style=style))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#edit-items", TextArea).focus()

    def action_save(self, own: bool) -> None:
        name = self.query_one("#edit-name", Input).value
        items = self.query_one("#edit-items", TextArea).text.split("\n")
        try:
            self.apply(name, items, own)
        except au.Untraceable as exc:
            self.message(f"{exc.message}. Correct them, or ctrl+o keeps them as your own wording.", "bold red")
            return
        except au.ReviewError as exc:
            self.message(exc.message, "bold red")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class SplitScreen(ModalScreen[int | None]):
    """Where to split: the chosen item begins the second framework."""

    BINDINGS = [Binding("enter", "split", "Split before it", priority=True),
                Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, items: list[str]) -> None:
        super().__init__()
        self.name_text, self.items = name, items

    def compose(self) -> ComposeResult:
        with Vertical(id="author-split"):
            yield Static(Text(f"Split “{self.name_text}”: the second part begins at", style="bold"))
            yield OptionList(*[Option(Text(f"{n:>2} {item}"), disabled=n == 1)
                               for n, item in enumerate(self.items, 1)], id="split-items")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#split-items", OptionList)
        options.highlighted = 1
        options.focus()

    def action_split(self) -> None:
        at = self.query_one("#split-items", OptionList).highlighted
        if at is not None and at >= 1:
            self.dismiss(at)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmQuit(ModalScreen[str]):
    """Unsaved decisions: quit anyway, save first, or stay."""

    BINDINGS = [Binding("y", "choose('quit')", "Quit, lose them"),
                Binding("s", "choose('save')", "Save and quit"),
                Binding("n", "choose('stay')", "Stay"),
                Binding("escape", "choose('stay')", "Stay", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="author-confirm"):
            yield Static(Text("The decisions made since the last save are not saved.", style="bold"))
            yield Static(Text("y quits and loses them · s saves and quits · n stays"))
        yield Footer()

    def action_choose(self, what: str) -> None:
        self.dismiss(what)


class AuthorApp(App):
    CSS_PATH = str(Path(__file__).resolve().parent.parent / "drill.tcss")
    TITLE = "drill author"
    COMMANDS = App.COMMANDS | {AuthorCommands}
    # Not priority bindings: a key typed just before (a, then ctrl+q at once)
    # must reach the screen first, or its decision would be missed by the
    # question about unsaved ones. In the edit dialog Ctrl+C copies.
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False),
    ]

    def __init__(self, speech: Path, deck_path: Path, text: str, encoding: str, earlier=None) -> None:
        super().__init__()
        self.author = AuthorScreen(speech, deck_path, text, encoding, earlier)
        self.sub_title = speech.name
        self.saved = None  # the deck as last saved
        self.error = ""

    def on_mount(self) -> None:
        self.push_screen(self.author)

    async def action_quit(self) -> None:
        review = self.author.review
        if review is None or not review.dirty:
            self.exit()
            return
        if isinstance(self.screen, ConfirmQuit):
            return

        def chosen(what: str | None) -> None:
            if what == "quit":
                self.exit()
            elif what == "save":
                self.author.action_save()
                if not review.dirty:
                    self.exit()

        self.push_screen(ConfirmQuit(), chosen)
