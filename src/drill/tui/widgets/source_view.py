"""A speech shown as it is, with one framework's span and items highlighted,
and a cursor to select the items of a framework extraction missed.

The text is a rich Text, never markup: a speech containing ``[bold]`` shows
``[bold]``. To bring a span into view the widget works out on which wrapped
line an offset falls, at the width it is drawn.

Selecting: with the speech focused, the arrow keys move a cursor (ctrl+←/→
by clause), space marks the start of an item and space again its end;
dragging the mouse over words marks them as an item, and a click moves the
cursor. The marked items are posted as :class:`SourceView.Marked`.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from drill.core.text import counted, drawable

SPAN_STYLE = "underline"
ITEM_STYLE = "bold reverse"
CURSOR_STYLE = "black on yellow"
MARKING_STYLE = "black on magenta"  # from the start mark to the cursor
MARKED_STYLE = "black on green"  # items marked for a framework to add
LONG_SPAN = 600  # an outline's span is most of the speech: only its items are marked
CLAUSE_MARKS = "，,、；;。！？!?：:\n“”\"（）()"


class SourceView(Static, can_focus=True):
    """The speech; :meth:`show` marks a span and its items."""

    BINDINGS = [
        Binding("space", "mark", "Mark start/end"),
        Binding("backspace", "unmark", "Drop item"),
        Binding("escape", "clear_marks", "Clear marks"),
        Binding("left", "move(-1)", "←", show=False),
        Binding("right", "move(1)", "→", show=False),
        Binding("up", "line(-1)", "↑", show=False),
        Binding("down", "line(1)", "↓", show=False),
        Binding("ctrl+left", "clause(-1)", "clause ←", show=False),
        Binding("ctrl+right", "clause(1)", "clause →", show=False),
        Binding("home", "line_edge(0)", "line start", show=False),
        Binding("end", "line_edge(1)", "line end", show=False),
        Binding("pageup", "line(-10)", "page ↑", show=False),
        Binding("pagedown", "line(10)", "page ↓", show=False),
    ]

    class Marked(Message):
        """The items marked in the speech changed."""

        def __init__(self, view: SourceView, note: str) -> None:
            super().__init__()
            self.view, self.note = view, note

    def __init__(self, text: str, **kwargs) -> None:
        self.shown = drawable(text)  # as drawn: the same offsets, no raw control characters
        super().__init__(Text(self.shown), **kwargs)
        self.source = text
        self.spans: list[tuple[int, int]] = []
        self.range: tuple[int, int] | None = None
        self.cursor = 0
        self.anchor: int | None = None  # where the item being marked starts
        self.marks: list[tuple[int, int]] = []  # items marked, in the order marked
        self._starts: tuple[int, list[int]] | None = None  # (width, offset where each line starts)
        self._paragraphs = [0]
        for k, ch in enumerate(text):
            if ch == "\n":
                self._paragraphs.append(k + 1)

    # --- showing -------------------------------------------------------------

    def show(self, spans: list[tuple[int, int]], span: tuple[int, int] | None) -> None:
        self.spans, self.range = list(spans), span
        self._draw()

    def _draw(self) -> None:
        text = Text(self.shown)
        span = self.range
        if span is not None and 0 < span[1] - span[0] <= LONG_SPAN:
            text.stylize(SPAN_STYLE, *span)
        for a, b in self.spans:
            text.stylize(ITEM_STYLE, a, b)
        for a, b in self.marks:
            text.stylize(MARKED_STYLE, a, b)
        if self.anchor is not None:
            a, b = sorted((self.anchor, self.cursor))
            text.stylize(MARKING_STYLE, a, b + 1)
        if self.has_focus and self.source:
            text.stylize(CURSOR_STYLE, self.cursor, self.cursor + 1)
        self.update(text)

    def on_focus(self) -> None:
        self._draw()

    def on_blur(self) -> None:
        self._draw()

    def marked_items(self) -> list[str]:
        return [self.source[a:b] for a, b in self.marks]

    # --- where things are drawn ------------------------------------------------

    def line_of(self, offset: int) -> int:
        """The wrapped line (0-based) on which ``offset`` is drawn."""
        starts = self.line_starts()
        return max(0, bisect_right(starts, offset) - 1)

    def line_starts(self) -> list[int]:
        """The offset at which each drawn line starts."""
        width = max(1, self.content_size.width or self.size.width or 1)
        if self._starts is None or self._starts[0] != width:
            drawn = self._drawn_starts()
            if not drawn:  # not drawn yet: where rich would wrap it
                return self._line_starts(width)
            self._starts = (width, drawn)
        return self._starts[1]

    def _drawn_starts(self) -> list[int]:
        """The line starts as drawn: each drawn segment says which line of
        the text and which character in it it starts at (what the selection
        by mouse reads too). Empty when the widget is not drawn yet."""
        if not self.size.height:
            return []
        starts: list[int] = []
        for y in range(self.size.height):
            for segment in self.render_line(y):
                style = segment.style
                meta = style.meta if style is not None else {}
                if "offset" in meta and meta["offset"][1] is not None:
                    x, line = meta["offset"]
                    if line >= len(self._paragraphs):
                        return []
                    starts.append(self._paragraphs[line] + x)
                    break
            else:
                starts.append(starts[-1] if starts else 0)
        return starts if starts and starts == sorted(starts) else []

    def _line_starts(self, width: int) -> list[int]:
        console = self.app.console
        starts: list[int] = []
        pos = 0
        for paragraph in self.shown.split("\n"):
            if not paragraph:
                starts.append(pos)
            else:
                at = pos
                for line in Text(paragraph).wrap(console, width):
                    starts.append(at)
                    at += len(line.plain)
            pos += len(paragraph) + 1
        return starts

    def on_resize(self) -> None:
        self._starts = None

    def bring_into_view(self, offset: int) -> None:
        """Scroll the container so that the line holding ``offset`` shows,
        a third of the way down, unless it shows already."""
        box = self.parent
        if box is None or not hasattr(box, "scroll_y"):
            return
        line = self.line_of(offset)
        top = box.scroll_y
        height = max(1, box.scrollable_content_region.height)
        if not top + 1 <= line < top + height - 1:
            box.scroll_to(y=max(0, line - height // 3), animate=False)

    # --- the cursor ------------------------------------------------------------

    def move_to(self, offset: int) -> None:
        self.cursor = max(0, min(len(self.source) - 1, offset))
        self._draw()
        self.call_after_refresh(self.bring_into_view, self.cursor)

    def action_move(self, by: int) -> None:
        self.move_to(self.cursor + by)

    def action_line(self, by: int) -> None:
        starts = self.line_starts()
        line = self.line_of(self.cursor)
        column = self.cursor - starts[line]
        target = max(0, min(len(starts) - 1, line + by))
        end = starts[target + 1] - 1 if target + 1 < len(starts) else len(self.source) - 1
        self.move_to(min(starts[target] + column, max(starts[target], end)))

    def action_line_edge(self, end: int) -> None:
        starts = self.line_starts()
        line = self.line_of(self.cursor)
        if not end:
            self.move_to(starts[line])
        else:
            stop = starts[line + 1] - 1 if line + 1 < len(starts) else len(self.source) - 1
            self.move_to(stop)

    def action_clause(self, direction: int) -> None:
        """To the start of the next clause (or of this one, going back)."""
        text, pos = self.source, self.cursor
        if direction > 0:
            while pos < len(text) and text[pos] not in CLAUSE_MARKS:
                pos += 1
            while pos < len(text) and text[pos] in CLAUSE_MARKS:
                pos += 1
        else:
            pos -= 1
            while pos > 0 and text[pos - 1] in CLAUSE_MARKS:
                pos -= 1
            while pos > 0 and text[pos - 1] not in CLAUSE_MARKS:
                pos -= 1
        self.move_to(pos)

    # --- marking ---------------------------------------------------------------

    def action_mark(self) -> None:
        """The first press marks where an item starts, the second where it
        ends (the character under the cursor is its last)."""
        if self.anchor is None:
            self.anchor = self.cursor
            self._draw()
            self.post_message(self.Marked(self, "item starts here: move to its last character, space"))
            return
        a, b = sorted((self.anchor, self.cursor))
        self.anchor = None
        self.add_mark(a, b + 1)

    def add_mark(self, start: int, end: int) -> None:
        """Mark ``source[start:end]`` as an item, without the spaces around it."""
        while start < end and self.source[start].isspace():
            start += 1
        while end > start and self.source[end - 1].isspace():
            end -= 1
        if end <= start:
            self._draw()
            return
        self.marks.append((start, end))
        self._draw()
        self.post_message(self.Marked(self, f"item {len(self.marks)}: {self.source[start:end]}"))

    def action_unmark(self) -> None:
        if self.anchor is not None:
            self.anchor = None
        elif self.marks:
            self.marks.pop()
        self._draw()
        self.post_message(self.Marked(self, f"{counted(len(self.marks), 'item')} marked"))

    def action_clear_marks(self) -> None:
        self.anchor = None
        self.marks = []
        self._draw()
        self.post_message(self.Marked(self, "marks cleared"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_marks":
            return bool(self.marks) or self.anchor is not None
        if action == "unmark":
            return bool(self.marks) or self.anchor is not None
        return True

    # --- the mouse ---------------------------------------------------------------

    def offset_at(self, screen_x: int, screen_y: int) -> int | None:
        """The offset in the speech of the character drawn at a place on the screen."""
        widget, where = self.screen.get_widget_and_offset_at(screen_x, screen_y)
        if widget is not self or where is None or where.y >= len(self._paragraphs):
            return None
        return min(len(self.source) - 1, self._paragraphs[where.y] + where.x)

    def on_click(self, event: events.Click) -> None:
        at = self.offset_at(event.screen_x, event.screen_y)
        if at is not None:
            self.cursor = at
            self._draw()

    def take_selection(self) -> bool:
        """The text selected with the mouse becomes a marked item."""
        selection = self.text_selection
        if selection is None or selection.start is None or selection.end is None:
            return False
        (x1, y1), (x2, y2) = selection.start, selection.end
        if y1 >= len(self._paragraphs) or y2 >= len(self._paragraphs):
            return False
        start, end = self._paragraphs[y1] + x1, self._paragraphs[y2] + x2
        self.screen.clear_selection()
        if end - start > LONG_SPAN or end <= start:
            return False
        self.cursor = max(0, end - 1)
        self.add_mark(start, end)
        return True
