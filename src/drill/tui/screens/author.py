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
from textual.widgets import Footer, Header, Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from drill.core import authoring as au
from drill.core import masks, preview
from drill.core.errors import DrillError
from drill.core.frameworks import KINDS
from drill.core.text import counted, with_article
from drill.tui.widgets.source_view import SourceView

MARKS = {au.NEW: ("•", "yellow"), au.ACCEPTED: ("✓", "green"), au.REJECTED: ("✗", "red"),
         au.MERGED: ("⊂", "dim")}
KIND_TAGS = {"abbreviation": "缩", "enumeration": "列", "outline": "纲", "parallel": "排"}
OWN_MARK = "✎"
MASK_MARK = "◌"  # an item with a masked name the instructor should fill in


def candidate_row(cand: au.Candidate, width: int) -> Text:
    """One line of the candidates list: status, changed mark, kind, name, item count."""
    mark, style = MARKS[cand.status]
    row = Text()
    row.append(mark, style=style)
    flagged = cand.reason or masks.masked_items([i for i in cand.fw.items if i not in cand.fw.own])
    row.append("!" if flagged else " ", style="bold yellow")
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
    head.append(f"{fw.kind} · {status} · {order} · {counted(len(fw.items), 'item')}", style="dim")

    reference = au.from_reference(fw)  # items filled in from the reference deck

    def mark(item: str) -> Text:
        if item in fw.own:
            return Text(OWN_MARK, style="magenta")
        if reference:
            return Text("※", style="cyan")
        if not au.in_speech(item, review.text):
            return Text("?", style="bold red")
        if masks.has_mask(item):
            return Text(MASK_MARK, style="bold yellow")
        return Text(" ")

    parts: list = [head, _items_table(fw.items, mark)]
    tail = Text()
    if not review.preview(cand):
        tail.append("makes no card: fill in its items (e adds them, or m merges another in)\n",
                    style="bold yellow")
    if any(i in fw.own for i in fw.items):
        tail.append(f"{OWN_MARK} your own wording, not the speech's\n", style="magenta")
    if reference:
        tail.append(f"※ {fw.stated_in()}: the speech names it without its items\n", style="cyan")
    elif any(i not in fw.own and not au.in_speech(i, review.text) for i in fw.items):
        tail.append("? not in the speech: e corrects it or keeps it as your own wording\n", style="red")
    if masks.masked_items([i for i in fw.items if i not in fw.own]):
        tail.append(f"{MASK_MARK} a masked name (**, xx, ××): e fills it in as your own wording\n",
                    style="yellow")
    said = {masks.warning(i) for i in fw.items}  # the masked names are flagged above
    for warning in fw.warnings:
        if warning not in said:
            tail.append(f"! extraction: {warning}\n", style="yellow")
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
    if fw.tags:
        foot.append("tags: " + ", ".join(fw.tags) + "\n", style="dim")
    if fw.note.strip():
        foot.append("note: ", style="dim")
        foot.append(fw.note.strip() + "\n")
    if fw.merged:
        foot.append("merged in: " + "、".join(_name(review, m) for m in fw.merged) + "\n", style="dim")
    foot.append(f"id {fw.id}", style="dim")
    parts.append(foot)
    return Group(*parts)


def _name(review: au.Review, framework_id: str) -> str:
    cand = review.find(framework_id)
    return f"“{cand.fw.name}”" if cand is not None else framework_id


class SpeechView(SourceView):
    """The speech of the workbench. With it focused the footer shows the keys
    of marking and adding first, and leaves out some of the list's (merge,
    split, search: they still work) so that every key shown fits 80 columns."""

    BINDINGS = [
        Binding("space", "mark", "Mark", tooltip="mark where an item starts, then where it ends"),
        Binding("backspace", "unmark", "Unmark", show=False, tooltip="drop the last item marked"),
        Binding("escape", "clear_marks", "Clear", show=False, tooltip="clear the items marked"),
        Binding("n", "screen.add", "Add", tooltip="add a framework with the items marked"),
        Binding("m", "screen.merge", "Merge", show=False),
        Binding("s", "screen.split", "Split", show=False),
        Binding("slash", "screen.search", "Search", show=False),
    ]


class AuthorCommands(Provider):
    """Every action of the author screen, in the command palette."""

    ACTIONS = [
        ("Accept the candidate", "accept"), ("Reject the candidate", "reject"),
        ("Edit the name and items", "edit"), ("Toggle whether order matters", "order"),
        ("Merge two candidates", "merge"), ("Split the candidate in two", "split"),
        ("Reset to what extraction gives", "reset"), ("Show all candidates / only the new", "toggle_all"),
        ("Add a framework extraction missed (from the items marked in the speech, or typed)", "add"),
        ("Change the framework's kind", "kind"), ("Edit the framework's tags and note", "tags"),
        ("Edit the deck's title", "title"), ("Accept all the undecided candidates shown", "accept_all"),
        ("Search the candidates", "search"), ("Preview the cards the framework makes", "preview"),
        ("Undo the last decision", "undo"), ("Redo the decision undone", "redo"),
        ("Move between the speech and the candidates", "switch_focus"),
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
    # The footer shows the keys used most; ? lists them all (HelpScreen).
    BINDINGS = [
        Binding("a", "accept", "Accept", tooltip="accept the candidate and move on"),
        Binding("x", "reject", "Reject", tooltip="reject the candidate and move on"),
        Binding("e", "edit", "Edit", tooltip="edit the name and items"),
        Binding("o", "order", "Order", show=False, tooltip="order matters / any order"),
        Binding("m", "merge", "Merge", tooltip="merge: m on one, move to the other, m again"),
        Binding("s", "split", "Split", tooltip="split in two (choose the item the second part begins at)"),
        Binding("u", "reset", "Reset", show=False,
                tooltip="reset to the items extraction gives (undoes item edits, merges and splits)"),
        Binding("v", "toggle_all", "All", show=False, tooltip="all candidates / only those to review"),
        Binding("n", "add", "Add", show=False,
                tooltip="add a framework extraction missed (the items marked in the speech, or typed)"),
        Binding("k", "kind", "Kind", show=False, tooltip="change the framework's kind"),
        Binding("g", "tags", "Tags/note", show=False, tooltip="the framework's tags and note"),
        Binding("t", "title", "Title", show=False, tooltip="the deck's title"),
        Binding("A", "accept_all", "Accept all", show=False, tooltip="accept all the undecided candidates shown"),
        Binding("slash", "search", "Search", tooltip="search names, items, tags, notes"),
        Binding("c", "preview", "Cards", show=False, tooltip="preview the cards the framework makes"),
        Binding("ctrl+z", "undo", "Undo", tooltip="undo the last decision"),
        Binding("ctrl+y", "redo", "Redo", show=False, tooltip="redo the decision undone"),
        Binding("tab", "switch_focus", "Speech⇄list", show=False, tooltip="move between the speech and the candidates"),
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="save the deck"),
        Binding("escape", "escape", "Cancel", show=False, tooltip="cancel a merge; clear the search"),
        Binding("question_mark", "help", "Keys", tooltip="every key of this screen"),
    ]

    def __init__(self, speech: Path, deck_path: Path, text: str, encoding: str, earlier) -> None:
        super().__init__()
        self.speech, self.deck_path = speech, deck_path
        self.text, self.encoding, self.earlier = text, encoding, earlier
        self.review: au.Review | None = None
        self.show_all = False
        self.merging: au.Candidate | None = None
        self.shown: list[au.Candidate] = []
        self.query_text = ""  # the search: only the candidates that match it are listed

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="author"):
            with VerticalScroll(id="author-source"):
                yield SpeechView(self.text, id="source-view")
            with Vertical(id="author-side"):
                yield Input(placeholder="search names, items, tags (enter: to the list, escape: clear)",
                            id="author-search")
                yield OptionList(id="candidates")
                with VerticalScroll(id="candidate-box"):
                    yield Static(id="candidate")
        yield Static(id="author-status")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#author-source").border_title = self.speech.name
        cands = self.query_one("#candidates", OptionList)
        cands.border_title = "candidates"
        cands.add_option(Option(Text("finding frameworks…", style="italic"), disabled=True))
        cands.focus()
        self.query_one("#author-search", Input).display = False
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
            self.say(f"{counted(offered, 'candidate')} · saves to {self.deck_path}")
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
        if self.query_text:
            self.shown = review.search(self.query_text, self.shown)
        # the room for text: less the border, the padding and the scrollbar that many options bring
        width = max(10, (cands.outer_size.width or 40) - 4 - (2 if len(self.shown) > 7 else 0))
        cands.clear_options()
        if not self.shown and self.query_text:
            cands.add_option(Option(Text(f"Nothing matches “{self.query_text}”. / changes the search.",
                                         style="italic"), disabled=True))
            self.query_one("#candidate", Static).update("")
            self.query_one(SourceView).show([], None)
        elif not self.shown:
            judged = len(review.candidates)
            cands.add_option(Option(Text(
                f"Nothing new or changed: all {counted(judged, 'candidate')} were judged before. v shows them all."
                if judged else "No frameworks found in this speech.", style="italic"), disabled=True))
            self.query_one("#candidate", Static).update("")
            self.query_one(SourceView).show([], None)
        else:
            cands.add_options([Option(candidate_row(c, width), id=str(i)) for i, c in enumerate(self.shown)])
            index = self.shown.index(keep) if keep in self.shown else 0
            cands.highlighted = index
            self.show_candidate(self.shown[index])
        undecided = sum(1 for c in self.shown if au.undecided(c))
        cands.border_title = f"{'all' if self.show_all else 'to review'}: {len(self.shown)}"
        if self.query_text:
            cands.border_title += f" matching “{self.query_text}”"
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
        if not view.has_focus and view.anchor is None:
            view.cursor = max(0, min(len(view.source) - 1, first))  # selecting starts from here
        self.call_after_refresh(view.bring_into_view, first)

    # --- deciding ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "escape":
            return self.merging is not None or bool(self.query_text)
        if action in ("accept", "reject", "edit", "order", "split", "reset", "toggle_all", "save",
                      "add", "kind", "tags", "title", "accept_all", "search", "preview", "undo", "redo"):
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

    def action_escape(self) -> None:
        """Escape cancels a merge being chosen, else clears the search."""
        if self.merging is not None:
            self.merging = None
            self.refresh_bindings()
            self.say("merge cancelled")
        elif self.query_text:
            self.clear_search()

    def clear_search(self) -> None:
        box = self.query_one("#author-search", Input)
        box.value = ""
        box.display = False
        self.query_text = ""
        self.rebuild()
        self.refresh_bindings()
        self.query_one("#candidates", OptionList).focus()

    # --- the workbench: adding, editing the deck, working faster ----------------

    def on_source_view_marked(self, event: SourceView.Marked) -> None:
        marked = len(event.view.marks)
        more = f" · {marked} marked: n adds, backspace drops the last" if marked else ""
        self.say(f"{event.note}{more}", "bold cyan")

    def on_text_selected(self, event) -> None:
        view = self.query_one(SourceView)
        if view.take_selection():
            view.focus()

    def action_switch_focus(self) -> None:
        view = self.query_one(SourceView)
        if view.has_focus:
            self.query_one("#candidates", OptionList).focus()
        else:
            view.focus()
            view.bring_into_view(view.cursor)
            self.say("speech: ←→↑↓ move (ctrl: by clause); space marks start, then end; n adds", "cyan")

    def action_add(self) -> None:
        view = self.query_one(SourceView)
        items, spans = view.marked_items(), list(view.marks)

        def apply(kind: str, name: str, typed: list[str], own: bool) -> None:
            self.added = self.review.add(kind, name, typed, spans, own_wording=own)

        def added(done: bool | None) -> None:
            if not done:
                return
            cand = self.added
            view.marks, view.anchor = [], None
            self.rebuild(keep=cand)
            self.say(f"added “{cand.fw.name}” ({cand.fw.kind}, {counted(len(cand.fw.items), 'item')}, id {cand.id})",
                     "green")

        self.app.push_screen(AddScreen(items, apply), added)

    def action_kind(self) -> None:
        cand = self.current
        if cand is None:
            return

        def chosen(kind: str | None) -> None:
            if kind and self._do(lambda c: self.review.change_kind(c, kind)):
                order = "order matters" if cand.fw.ordered else "any order"
                self.say(f"“{cand.fw.name}” is {with_article(kind)} now ({order}; o toggles)", "green")

        self.app.push_screen(KindScreen(cand.fw.name, cand.fw.kind), chosen)

    def action_tags(self) -> None:
        cand = self.current
        if cand is None:
            return

        def apply(tags: str, note: str) -> None:
            self.review.annotate(cand, tags, note)

        def edited(done: bool | None) -> None:
            if done:
                self.rebuild(keep=cand)
                self.say(f"“{cand.fw.name}”: tags {' '.join(cand.fw.tags) or '(none)'}"
                         + (f" · note {cand.fw.note}" if cand.fw.note else ""), "green")

        self.app.push_screen(TagsScreen(cand.fw.name, cand.fw.tags, cand.fw.note, apply), edited)

    def action_title(self) -> None:
        def apply(title: str) -> None:
            self.review.retitle(title)

        def edited(done: bool | None) -> None:
            if done:
                self.rebuild()
                self.say(f"the deck's title: {self.review.deck_title()}", "green")

        self.app.push_screen(TitleScreen(self.review.deck_title(), apply), edited)

    def action_accept_all(self) -> None:
        if self.review is None:
            return
        try:
            accepted, refused, skipped = self.review.accept_all(self.shown)
        except au.ReviewError as exc:
            self.say(exc.message, "bold red")
            return
        self.rebuild()
        left = f"; {len(refused)} left undecided (“{refused[0][0].fw.name}”: {refused[0][1]})" if refused else ""
        left += f"; {au.no_card(len(skipped))}" if skipped else ""
        self.say(f"accepted {len(accepted)}{left} · ctrl+z undoes", "green" if not left else "yellow")

    def action_search(self) -> None:
        box = self.query_one("#author-search", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "author-search":
            self.query_text = event.value.strip()
            self.rebuild()
            self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search goes to the list, on the first undecided candidate shown."""
        if event.input.id == "author-search":
            cands = self.query_one("#candidates", OptionList)
            cands.focus()
            if not event.value.strip():
                event.input.display = False
            undecided = next((k for k, c in enumerate(self.shown) if au.undecided(c)), None)
            if undecided is not None:
                cands.highlighted = undecided

    def on_key(self, event) -> None:
        box = self.query_one("#author-search", Input)
        if event.key == "escape" and box.has_focus:
            event.stop()
            self.clear_search()

    def action_preview(self) -> None:
        cand = self.current
        if cand is None:
            return
        self.app.push_screen(PreviewScreen(cand.fw.name, self.review.preview(cand)))

    def _history(self, step) -> None:
        cand = self.current
        keep = cand.id if cand is not None else None
        try:
            what = step()
        except au.ReviewError as exc:
            self.say(exc.message, "bold red")
            return
        self.merging = None
        self.refresh_bindings()
        keep = what.framework or keep  # back on the framework the decision was about
        self.rebuild(keep=self.review.find(keep) if keep else None)
        self.say(f"{'undid' if step == self.review.undo else 'redid'}: {what.what}", "green")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(help_rows(self)))

    def action_undo(self) -> None:
        self._history(self.review.undo)

    def action_redo(self) -> None:
        self._history(self.review.redo)

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
        self.say(f"saved {self.deck_path}: {counted(len(deck.frameworks), 'framework')}, {counted(len(deck.cards()), 'card')}, "
                 f"{len(deck.rejected)} rejected", "green")


class EditScreen(ModalScreen[bool]):
    """A framework's name and items, one item a line. The dialog opens on the
    name; Enter there goes to the items, where Enter is a new line (an input
    method's Enter too); ctrl+a or ctrl+s saves from either field."""

    AUTO_FOCUS = "#edit-name"
    BINDINGS = [
        Binding("ctrl+a", "save(False)", "Save", priority=True),
        Binding("ctrl+s", "save(False)", "Save", priority=True, show=False),
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


class AddScreen(EditScreen):
    """A framework extraction missed: its kind, its name and its items (the
    ones marked in the speech, or typed one a line)."""

    def __init__(self, items: list[str], apply) -> None:
        super().__init__("", items, [], apply)

    def compose(self) -> ComposeResult:
        with Vertical(id="author-edit"):
            yield Static(Text("Add a framework", style="bold"))
            yield Select([(kind, kind) for kind in KINDS], value="enumeration", allow_blank=False,
                         id="add-kind")
            yield Static(Text("Name", style="bold"))
            yield Input("", id="edit-name", placeholder="its name: 三大攻坚战, 今年重点抓好三件事…")
            yield Static(Text("Items, one a line (marked in the speech, or typed: words of the speech, "
                              "or ctrl+o for your own)", style="bold"))
            yield TextArea("\n".join(self.items), id="edit-items", soft_wrap=True, show_line_numbers=True)
            yield Static(id="edit-message")
        yield Footer()

    def action_save(self, own: bool) -> None:
        kind = self.query_one("#add-kind", Select).value
        name = self.query_one("#edit-name", Input).value
        items = self.query_one("#edit-items", TextArea).text.split("\n")
        try:
            self.apply(kind, name, items, own)
        except au.Untraceable as exc:
            self.message(f"{exc.message}. Correct them, or ctrl+o keeps them as your own wording.", "bold red")
            return
        except au.ReviewError as exc:
            self.message(exc.message, "bold red")
            return
        self.dismiss(True)


class KindScreen(ModalScreen[str | None]):
    """Another kind for a framework."""

    BINDINGS = [Binding("enter", "choose", "Choose", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, kind: str) -> None:
        super().__init__()
        self.name_text, self.kind = name, kind

    def compose(self) -> ComposeResult:
        with Vertical(id="author-split"):
            yield Static(Text(f"“{self.name_text}” is {with_article(self.kind)}; make it", style="bold"))
            yield OptionList(*[Option(Text(kind), id=kind, disabled=kind == self.kind) for kind in KINDS],
                             id="kind-options")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#kind-options", OptionList)
        options.highlighted = next(k for k, kind in enumerate(KINDS) if kind != self.kind)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self) -> None:
        options = self.query_one("#kind-options", OptionList)
        if options.highlighted is not None:
            self.dismiss(KINDS[options.highlighted])

    def action_cancel(self) -> None:
        self.dismiss(None)


class _FieldsScreen(ModalScreen[bool]):
    """A small form: Enter goes to the next field and saves in the last one
    (a note is a text: Enter is a new line there); ctrl+a or ctrl+s saves
    from any field; escape cancels."""

    BINDINGS = [Binding("ctrl+a", "save", "Save", priority=True),
                Binding("ctrl+s", "save", "Save", priority=True, show=False),
                Binding("escape", "cancel", "Cancel")]

    def message(self, text: str, style: str) -> None:
        self.query_one("#edit-message", Static).update(Text(text, style=style))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = [w for w in self.query("Input, TextArea") if w.can_focus]
        if fields and event.input is fields[-1]:
            self.action_save()
        else:
            self.focus_next()

    def apply_fields(self) -> None:
        raise NotImplementedError

    def action_save(self) -> None:
        try:
            self.apply_fields()
        except au.ReviewError as exc:
            self.message(exc.message, "bold red")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class TitleScreen(_FieldsScreen):
    """The deck's title."""

    AUTO_FOCUS = "#title-input"

    def __init__(self, title: str, apply) -> None:
        super().__init__()
        self.title_text, self.apply = title, apply

    def compose(self) -> ComposeResult:
        with Vertical(id="author-edit"):
            yield Static(Text("The deck's title", style="bold"))
            yield Input(self.title_text, id="title-input")
            yield Static(id="edit-message")
        yield Footer()

    def apply_fields(self) -> None:
        self.apply(self.query_one("#title-input", Input).value)


class TagsScreen(_FieldsScreen):
    """A framework's tags and note."""

    AUTO_FOCUS = "#tags-input"

    def __init__(self, name: str, tags: list[str], note: str, apply) -> None:
        super().__init__()
        self.name_text, self.tags, self.note, self.apply = name, tags, note, apply

    def compose(self) -> ComposeResult:
        with Vertical(id="author-edit"):
            yield Static(Text(f"“{self.name_text}”", style="bold"))
            yield Static(Text("Tags, separated by spaces or commas", style="bold"))
            # the cursor after the tags, nothing selected: typing adds a tag
            yield Input(" ".join(self.tags), id="tags-input", select_on_focus=False)
            yield Static(Text("Note (shown with the cards)", style="bold"))
            yield TextArea(self.note, id="note-input", soft_wrap=True)
            yield Static(id="edit-message")
        yield Footer()

    def apply_fields(self) -> None:
        self.apply(self.query_one("#tags-input", Input).value, self.query_one("#note-input", TextArea).text)


def help_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """Every key of ``screen`` and of the app (key, name, what it does), from
    their bindings: the list cannot miss a key the screen has."""
    rows = []
    for binding in [*type(screen).BINDINGS, *type(screen.app).BINDINGS]:
        if isinstance(binding, Binding) and binding.description:
            rows.append((screen.app.get_key_display(binding), binding.description, binding.tooltip))
    return rows


class HelpScreen(ModalScreen[None]):
    """Every key of the workbench and what it does."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("question_mark", "close", "Close", show=False)]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, name, what in self.rows:
            table.add_row(key, name, what)
        with VerticalScroll(id="author-preview"):
            yield Static(Text("Keys (ctrl+p lists every action)", style="bold"))
            yield Static(table, id="help-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#author-preview").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class PreviewScreen(ModalScreen[None]):
    """The cards a framework makes, as the trainee is shown them, each with
    the answer it expects."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "close", "Close", show=False)]

    def __init__(self, name: str, cards: list) -> None:
        super().__init__()
        self.name_text, self.cards = name, cards

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="author-preview"):
            yield Static(preview_text(self.name_text, self.cards), id="preview-cards")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#author-preview").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def preview_text(name: str, cards: list) -> Group:
    """Each card as the drill shows it (its kind, prompt, what is shown
    with it) and the answer it expects."""
    parts: list = [Text(f"“{name}” makes {counted(len(cards), 'card')}", style="bold")]
    if not cards:
        parts.append(Text("no cards: a framework needs items", style="italic"))
    for n, card in enumerate(cards, 1):
        face = preview.face(card)
        block = Text()
        block.append(f"\n{n}. {face.kind}\n", style="dim")
        block.append(face.prompt, style="bold")
        if face.stated_in:
            block.append("\n" + face.stated_in, style="dim")
        for line in face.shown:
            block.append("\n" + line)
        block.append("\nanswer: ", style="green")
        block.append("、".join(face.answer) + ("  (in this order)" if face.ordered else ""))
        if face.note.strip():
            block.append("\nnote: ", style="cyan")
            block.append(face.note.strip())
        parts.append(block)
    return Group(*parts)


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
    CSS_PATH = [str(Path(__file__).resolve().parent.parent / name) for name in ("drill.tcss", "author.tcss")]
    TITLE = "drill author"
    COMMANDS = App.COMMANDS | {AuthorCommands}
    # Not priority bindings: a key typed just before (a, then ctrl+q at once)
    # must reach the screen first, or its decision would be missed by the
    # question about unsaved ones. In the edit dialog Ctrl+C copies.
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", tooltip="quit (asks first if decisions are unsaved)"),
        Binding("ctrl+c", "quit", "Quit", show=False, tooltip="quit, as ctrl+q"),
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
