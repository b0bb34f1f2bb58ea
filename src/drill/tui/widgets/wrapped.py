"""Text wrapped by Chinese rules (see :func:`drill.core.text.line_starts`):
no closing punctuation begins a line, no opening one ends it. Neither Rich
nor Textual wraps this way, so prompts, feedback and source sentences are
drawn through this renderable."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from drill.core.text import line_starts


class Wrapped:
    """``text`` (a rich Text, styles kept) broken into lines at the width it is drawn."""

    def __init__(self, text: Text | str, style: str = "") -> None:
        self.text = text if isinstance(text, Text) else Text(text, style=style)

    @property
    def plain(self) -> str:
        return self.text.plain

    def lines(self, width: int) -> list[Text]:
        starts = line_starts(self.text.plain, width)
        lines = []
        for line in self.text.divide(starts[1:]):
            line.rstrip()
            if line.plain.endswith("\n"):
                line.right_crop(1)
            lines.append(line)
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            line.no_wrap = True
            line.overflow = "fold"
            line.end = "\n"
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widths = [Text(part).cell_len for part in self.text.plain.split("\n")] or [0]
        longest = max(widths)
        return Measurement(min(longest, 2), longest)
