"""A speech shown as it is, with one framework's span and items highlighted.

The text is a rich Text, never markup: a speech containing ``[bold]`` shows
``[bold]``. To bring a span into view the widget works out on which wrapped
line an offset falls, at the width it is drawn.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.text import Text
from textual.widgets import Static

SPAN_STYLE = "underline"
ITEM_STYLE = "bold reverse"
LONG_SPAN = 600  # an outline's span is most of the speech: only its items are marked


class SourceView(Static):
    """The speech; :meth:`show` marks a span and its items."""

    def __init__(self, text: str, **kwargs) -> None:
        super().__init__(Text(text), **kwargs)
        self.source = text
        self.spans: list[tuple[int, int]] = []
        self.range: tuple[int, int] | None = None
        self._starts: tuple[int, list[int]] | None = None  # (width, offset where each line starts)

    def show(self, spans: list[tuple[int, int]], span: tuple[int, int] | None) -> None:
        self.spans, self.range = list(spans), span
        text = Text(self.source)
        if span is not None and 0 < span[1] - span[0] <= LONG_SPAN:
            text.stylize(SPAN_STYLE, *span)
        for a, b in self.spans:
            text.stylize(ITEM_STYLE, a, b)
        self.update(text)

    def line_of(self, offset: int) -> int:
        """The wrapped line (0-based) on which ``offset`` is drawn."""
        width = max(1, self.content_size.width or self.size.width or 1)
        if self._starts is None or self._starts[0] != width:
            self._starts = (width, self._line_starts(width))
        return max(0, bisect_right(self._starts[1], offset) - 1)

    def _line_starts(self, width: int) -> list[int]:
        console = self.app.console
        starts: list[int] = []
        pos = 0
        for paragraph in self.source.split("\n"):
            if not paragraph:
                starts.append(pos)
            else:
                at = pos
                for line in Text(paragraph).wrap(console, width):
                    starts.append(at)
                    at += len(line.plain)
            pos += len(paragraph) + 1
        return starts
