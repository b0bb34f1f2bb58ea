"""Every deck with its due cards, the new cards today's limit lets in, its total
and a mastery bar; choose and start."""

from __future__ import annotations

import dataclasses
import math
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from drill.core.assignments import first_per_deck
from drill.core.text import counted
from drill.tui.widgets.footer import KeysFooter

BAR = 10  # the bar and its percentage fill the 15-cell column
# "Study more today" adds this many new cards to today's limit.
STUDY_MORE = 10
# The session sizes z steps through; 0 is all of today's queue.
SESSION_SIZES = (0, 10, 20, 50)


def mastery_bar(share: float) -> Text:
    filled = round(max(0.0, min(1.0, share)) * BAR)
    out = Text("█" * filled, style="green")
    out.append("░" * (BAR - filled), style="dim")
    out.append(f"{share:4.0%}")
    return out


class DeckCountsCache:
    """Each deck's counts as the deck list shows them, made again only when
    they may have changed. All of them when the store is another one
    (another trainee), or its settings changed (such as the learning steps
    turned on or off), or the clock passed the next card's due time. Those
    of the decks a change touched when the store changed (an answer, an
    override or an undo, here or in another drill: its applied_seq): the
    decks holding a card whose due time is another (an answer moves it,
    an undo moves it back), a card suspended, buried or freed, or a
    framework whose learning stage is another; a change that moved no
    card's due time, no held card and no stage recounts every deck. A deck
    whose cards are other cards is counted again. Today's new-card
    allowance is applied to the kept counts as they are read (it changes
    with every new card seen, and a deck's unseen cards do not). The app
    keeps one for all its deck lists, so going back to the list counts
    only what changed."""

    def __init__(self) -> None:
        self._store: object | None = None
        self._seq: int | None = None
        self._settings: object | None = None
        self._held: frozenset[str] = frozenset()
        self._due_at: dict[str, float] = {}
        self._stages: dict[str, str] = {}
        self._until = -math.inf  # the counts hold until this time (the next card falls due then)
        self._kept: dict[str, tuple[tuple[str, ...], object]] = {}

    def _forget_touched(self, progress, decks, now: float) -> None:
        """Drop the kept counts the store's changes since they were made may touch."""
        seq, settings = progress.applied_seq(), progress.settings
        held = frozenset(progress.held(now))
        if progress is not self._store or settings != self._settings or now >= self._until:
            self._kept = {}
            due_at, stages = dict(progress.due_at()), progress.stages()
        elif seq != self._seq or held != self._held:
            due_at, stages = dict(progress.due_at()), progress.stages()
            before = self._due_at
            cards = {c for c, due in due_at.items() if before.get(c) != due}
            cards.update(c for c in before if c not in due_at)
            cards.update(held ^ self._held)
            frameworks = {fw for fw in stages.keys() | self._stages.keys() if stages.get(fw) != self._stages.get(fw)}
            if not cards and not frameworks:
                self._kept = {}  # something changed that no due time tells: count everything
            else:
                for deck in decks:
                    if deck.id in self._kept:
                        keys = deck.card_keys()
                        if not cards.isdisjoint(keys.ids) or not frameworks.isdisjoint(keys.frameworks):
                            del self._kept[deck.id]
        else:
            return
        if not self._kept or seq != self._seq:
            later = progress.next_due(now=now)
            self._until = math.inf if later is None else later
        self._store, self._seq, self._settings, self._held = progress, seq, settings, held
        self._due_at, self._stages = due_at, stages

    def counts(self, progress, decks, now: float | None = None) -> list:
        """The counts of ``decks`` (``progress.deck_counts`` of each) at ``now``;
        those not kept are counted with one ``progress.decks_counts``."""
        now = time.time() if now is None else now
        self._forget_touched(progress, decks, now)
        ids = [deck.card_ids() for deck in decks]
        stale = []
        for deck, these in zip(decks, ids):
            kept = self._kept.get(deck.id)
            if kept is None or (kept[0] is not these and kept[0] != these):
                stale.append((deck, these))
        if stale:  # counted together: what the decks share is read once
            made = progress.decks_counts([deck for deck, _ in stale], now)
            for (deck, these), counts in zip(stale, made):
                self._kept[deck.id] = (these, counts)
        left = progress.new_left_today(now)
        out = []
        for deck in decks:
            counts = self._kept[deck.id][1]
            if counts.new != min(counts.unseen, left):
                counts = dataclasses.replace(counts, new=min(counts.unseen, left))
            out.append(counts)
        return out


class DeckTable(DataTable):
    """The decks table; it takes Enter itself, so it is the one to show it."""

    BINDINGS = [Binding("enter", "select_cursor", "Drill")]


class DecksScreen(Screen):
    BINDINGS = [
        Binding("space", "toggle", "Choose"),
        Binding("enter", "start", "Drill", show=False),
        Binding("a", "all_due", "All due"),
        Binding("m", "study_more", "Study more", show=False),
        Binding("z", "session_size", "Session size", show=False),
        Binding("s", "app.stats", "Stats"),
        Binding("p", "app.switch_profile", "Trainee"),
        Binding("o", "app.settings", "Settings", show=False),
        Binding("x", "exams", "Exams"),  # only while an exam is open to the trainee
    ]

    def __init__(self) -> None:
        super().__init__()
        self.chosen: set[str] = set()
        self.chosen_for: object | None = None  # the store the decks were chosen from
        self.built_width = 0  # the width of the title column the table was built for
        self.shown: list | None = None  # the rows as the table shows them
        self.said: dict[str, tuple] = {}  # what the Statics show
        self.order: list = []  # the decks as the rows show them: assigned ones first, soonest due first
        self.assigned: dict | None = None  # deck id -> its assignment (None: read them again)
        self.composed = False  # its widgets made (see compose)

    def compose(self) -> ComposeResult:
        # A list covered before it is ever shown (a session started with the
        # app, the choice of a trainee over it) is made when it first shows:
        # its widgets and its rows cost nothing until then.
        self.composed = self.app.screen is self
        if not self.composed:
            return
        yield Header()
        yield Static(id="who")
        note = Static(id="exam-note")
        note.display = False
        yield note
        yield DeckTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static(id="decks-note")
        yield KeysFooter(compact=True)

    # fixed columns: mark, due, new, total, mastery; each cell has 1 cell of padding a side
    FIXED = 2 + 4 + 4 + 5 + 15
    PADDING = 2 * 6 + 4  # cell padding, the table's margin and scrollbar

    def on_mount(self) -> None:
        if self.composed:
            self.build_table()
            self.show_exams()
            self.query_one(DataTable).focus()

    async def on_screen_resume(self) -> None:
        if not self.composed:  # shown for the first time: made now, painted once made
            if self.app.screen is not self:
                return
            self.composed = True
            with self.app.batch_update():
                await self.recompose()
                self.app.check_store()
                self.build_table()
                self.query_one(DataTable).focus()
        elif not self.built_width:
            return  # (mounting: its mount builds the table)
        else:
            self.app.check_store()  # back from a dialog or a session: what changed meanwhile
            self.assigned = None  # an instructor may have set work meanwhile
            self.refresh_decks()
        self.show_exams()
        look = getattr(self.app, "look_for_exams", None)
        if look is not None:
            look()  # an instructor may have set an exam meanwhile

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "exams":
            return bool(getattr(self.app, "open_exams", None))
        return True

    def action_exams(self) -> None:
        self.app.action_exams()

    def show_exams(self) -> None:
        """Say which exams are open to the trainee, and show the Exams key while one is."""
        if not self.query("#exam-note"):
            return
        found = getattr(self.app, "open_exams", [])
        note = self.query_one("#exam-note", Static)
        note.display = bool(found)
        if found:
            first = found[0].exam
            said = Text("exam open: ", style="bold yellow")
            said.append(f"{first.name} ({first.class_name}, {counted(first.count, 'question')}, {first.minutes} min)")
            if len(found) > 1:
                said.append(f" and {len(found) - 1} more")
            said.append(" · x takes it", style="dim")
            note.update(said)
        self.refresh_bindings()

    def on_resize(self) -> None:
        # (the first resize comes with the mount: built already, or built when first shown)
        if self.built_width and self.title_width() != self.built_width:
            self.build_table()

    def title_width(self) -> int:
        return max(12, self.app.size.width - self.FIXED - self.PADDING)

    def build_table(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        self.shown = None
        width = self.built_width = self.title_width()
        # labels as Text: a str label is read as markup, whose emoji codes cost a table of them to load
        for label, key, size in ((" ", "mark", 2), ("Deck", "title", width), ("Due", "due", 4),
                                 ("New", "new", 4), ("Total", "total", 5), ("Mastery", "mastery", 15)):
            table.add_column(Text(label), key=key, width=size)
        self.refresh_decks()
        if row and row < table.row_count:
            table.move_cursor(row=row)

    def refresh_decks(self) -> None:
        """Show every deck's counts as they are now; the table's rows are made
        again only when a row changed (counts are kept: :class:`DeckCountsCache`)."""
        tables = self.query(DataTable)
        if not self.built_width or not tables:
            return  # not mounted yet (or being taken down): its mount builds the table
        table = tables.first()
        width = table.columns["title"].width
        app = self.app
        if app.progress is not self.chosen_for:  # the first showing, or another trainee's store
            known = {deck.id for deck in app.decks}
            self.chosen = {d for d in app.progress.last_decks() if d in known}
            self.chosen_for = app.progress
            self.shown = None
            self.assigned = None
        if self.assigned is None:
            self.assigned = first_per_deck(app.progress.assignments())
        assigned = self.assigned
        self.order = sorted(app.decks, key=lambda d: (0, assigned[d.id].due) if d.id in assigned else (1,))
        who = Text("trainee: ", style="dim")
        who.append(app.user or "—", style="bold")
        if getattr(app.progress, "offline", False):
            who.append("  · the progress server is away: answers are kept on this machine, sent when it is back",
                       style="yellow")
        self._say("#who", who)
        # new cards: those today's limit still lets in, as Anki counts them
        left = app.progress.new_left_today()
        order = self.order
        if self.shown is None and len(order) > self.first_rows():
            # a list filled anew: the rows a screen can show first, the rest
            # once they are painted (counted and laid out after that frame)
            order = order[:self.first_rows()]
            self.call_after_refresh(self.refresh_decks)
        counts = app.deck_counts_cache.counts(app.progress, order)
        rows = [(deck.id, self._titled(deck), str(c.due), str(min(c.new, left)), str(c.total), c.mastery)
                for deck, c in zip(order, counts)]
        if rows != self.shown:
            self._show_rows(table, rows, width)
        self._say_note()

    def first_rows(self) -> int:
        """How many rows a list filled anew shows at first: as many as the screen has lines."""
        return max(1, self.app.size.height)

    def _show_rows(self, table: DataTable, rows: list, width: int) -> None:
        shown = self.shown
        if shown is not None and [r[0] for r in rows[:len(shown)]] == [r[0] for r in shown]:
            # the same decks: only the cells that changed are written (after
            # a session, the drilled deck's and the new cards' of the rest),
            # and the rows not shown yet are added
            for before, now in zip(shown, rows):
                for column, was, value in zip(("title", "due", "new", "total", "mastery"), before[1:], now[1:]):
                    if was != value:
                        table.update_cell(now[0], column, self._cell(column, value, width))
            self.shown = rows
            self._add_rows(table, rows[len(shown):], width)
            return
        self.shown = rows
        row = table.cursor_row
        table.clear()
        self._add_rows(table, rows, width)
        if 0 < row < len(rows):
            table.move_cursor(row=row)

    def _add_rows(self, table: DataTable, rows: list, width: int) -> None:
        cell = self._cell
        for key, name, due, new, total, mastery in rows:
            table.add_row(self._mark(key in self.chosen), cell("title", name, width), cell("due", due, width),
                          cell("new", new, width), cell("total", total, width), cell("mastery", mastery, width),
                          key=key)

    def _titled(self, deck) -> str:
        """The deck's title, after its due date when it is assigned."""
        assignment = (self.assigned or {}).get(deck.id)
        return f"due {assignment.due.isoformat()} · {deck.title}" if assignment else deck.title

    @staticmethod
    def _cell(column: str, value, width: int):
        """What a row's cell in ``column`` shows for ``value``."""
        if column == "title":
            title = Text(value, no_wrap=True, overflow="ellipsis")
            title.truncate(width, overflow="ellipsis")
            return title
        if column == "mastery":
            return mastery_bar(value)
        return Text(value, no_wrap=True, end="")  # (a str would be read as markup, emoji codes and all)

    @staticmethod
    def _mark(chosen: bool) -> Text:
        return Text("✓" if chosen else "", no_wrap=True, end="")

    def _say_note(self) -> None:
        app = self.app
        if app.deck_errors:
            text = Text("Not loaded: ", style="bold red")
            text.append("; ".join(app.deck_errors))
            self._say("#decks-note", text)
        elif not app.decks:
            self._say("#decks-note", Text("No decks found. Make one with: drill extract SPEECH.txt -o DECK.toml"))
        else:
            size = self.app.session_size
            more = app.progress.more_new_today()
            # the keys the footer has no room for (at most 72 columns)
            said = (f"space chooses · m more new today{f' (+{more})' if more else ''}"
                    f" · z session: {counted(size, 'card') if size else 'all'} · o settings")
            self._say("#decks-note", Text(said, style="dim"))

    def _say(self, where: str, text: Text) -> None:
        """Show ``text`` in the Static ``where``, unless it shows it already
        (an update redraws it, and the list is refreshed at every look at the store)."""
        shown = (text.plain, str(text.style), list(text.spans))
        if self.said.get(where) != shown:
            self.said[where] = shown
            self.query_one(where, Static).update(text)

    def _deck_under_cursor(self):
        table = self.query_one(DataTable)
        if not self.order or table.cursor_row is None:
            return None
        return self.order[table.cursor_row]

    def action_toggle(self) -> None:
        deck = self._deck_under_cursor()
        if deck is None:
            return
        self.chosen.symmetric_difference_update({deck.id})
        table = self.query_one(DataTable)
        table.update_cell(deck.id, "mark", self._mark(deck.id in self.chosen))

    def action_start(self) -> None:
        from drill.core.errors import DrillError

        try:  # the decks chosen with space are chosen again next time
            self.app.progress.set_last_decks([d.id for d in self.app.decks if d.id in self.chosen])
        except DrillError as exc:  # a convenience: the session goes on
            self.app.notify(f"could not remember the decks chosen: {exc}", title="drill", markup=False)
        decks = [d for d in self.app.decks if d.id in self.chosen]
        if not decks:
            deck = self._deck_under_cursor()
            decks = [deck] if deck is not None else []
        if decks:
            self.app.start_session(decks)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # Enter on a row: the table takes the key and says which row it was
        self.action_start()

    def action_study_more(self) -> None:
        """Today's new-card limit grows by STUDY_MORE."""
        from drill.core.errors import DrillError

        try:
            total = self.app.progress.study_more(STUDY_MORE)
        except DrillError as exc:
            self.app.notify(f"not saved: {exc}", title="drill", markup=False, severity="error")
            return
        self.app.notify(f"{total} more new cards today than the daily limit", title="drill", markup=False)
        self.refresh_decks()

    def action_session_size(self) -> None:
        sizes = SESSION_SIZES
        at = sizes.index(self.app.session_size) if self.app.session_size in sizes else 0
        self.app.session_size = sizes[(at + 1) % len(sizes)]
        self.refresh_decks()

    def action_all_due(self) -> None:
        self.app.start_session(list(self.app.decks), due_only=True)
