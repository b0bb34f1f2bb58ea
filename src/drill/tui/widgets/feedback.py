"""How a graded answer is shown: the judgement first (verdict, score,
rating), then each item marked, close items with a character diff, extra
pieces, and the full answer one item a line.

Labels and marks sit in a column of their own, so a long item or quote
wraps under itself rather than under its label; Chinese text has no
spaces to break at, and a label followed by one would otherwise stand on a
line of its own.

Everything the trainee or a deck wrote is appended to ``rich.text.Text`` as
plain text, never parsed as markup, so ``[bold]`` shows as typed.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from drill.core.grading import Grade, ItemVerdict, Verdict
from drill.tui.widgets.wrapped import Wrapped

MARKS = {
    ItemVerdict.CORRECT: ("✓", "bold green"),
    ItemVerdict.CLOSE: ("≈", "bold yellow"),
    ItemVerdict.MISSING: ("✗", "bold red"),
    ItemVerdict.OUT_OF_PLACE: ("↕", "bold magenta"),
}
VERDICT_WORDS = {Verdict.CORRECT: "对 correct", Verdict.PARTIAL: "部分 partial", Verdict.WRONG: "错 wrong"}
VERDICT_STYLES = {Verdict.CORRECT: "bold green", Verdict.PARTIAL: "bold yellow", Verdict.WRONG: "bold red"}


def labelled(label: str, value: Text | Wrapped, label_style: str = "bold dim") -> Table:
    """``label value`` on one line; a long value wraps under itself."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(Text(label, style=label_style), value if isinstance(value, Wrapped) else Wrapped(value))
    return grid


# The character diff reads without colour too: each change is in brackets.
DIFF_LEGEND = "〔错→对〕 错 typed for 对 · 〔+对〕 left out · 〔−错〕 typed too much"


def diff_text(item) -> Text:
    """The expected item with what was typed woven in: kept, wrong (struck),
    missed; every change in brackets, so it reads without colour."""
    out = Text()
    for op in item.diff():
        if op.op == "equal":
            out.append(op.typed)
        elif op.op == "replace":
            out.append("〔", style="dim")
            out.append(op.typed, style="red strike")
            out.append("→", style="dim")
            out.append(op.expected, style="green underline")
            out.append("〕", style="dim")
        elif op.op == "delete":
            out.append("〔+", style="dim")
            out.append(op.expected, style="green underline")
            out.append("〕", style="dim")
        else:  # insert: typed but not in the item
            out.append("〔−", style="dim")
            out.append(op.typed, style="red strike")
            out.append("〕", style="dim")
    return out


def _diffed(grade: Grade) -> bool:
    return any(item.verdict != ItemVerdict.CORRECT and item.typed for item in grade.items)


def verdict_text(grade: Grade, rating_name: str = "", overridden: str = "") -> Text:
    out = Text(f"{VERDICT_WORDS.get(grade.verdict, grade.verdict)}", style=VERDICT_STYLES.get(grade.verdict, ""))
    out.append(f"   score {grade.score:.0%}")
    if rating_name:
        out.append(f"   rating {rating_name}")
    if overridden:
        out.append(f"   ({overridden})", style="italic")
    return out


def items_table(grade: Grade) -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)  # the mark
    grid.add_column(no_wrap=True, justify="right")  # the item's number
    grid.add_column(ratio=1, overflow="fold")
    for n, item in enumerate(grade.items, start=1):
        mark, style = MARKS.get(item.verdict, ("?", ""))
        if item.verdict == ItemVerdict.CORRECT:
            text = Text(item.expected)
        elif item.typed:
            text = diff_text(item)
        else:
            text = Text(item.expected, style="dim")
            text.append("  (missing)", style="red")
        if item.note:
            text.append(f"  — {item.note}", style="italic dim")
        grid.add_row(Text(mark, style=style), f"{n}.", Wrapped(text))
    if grade.extra:
        grid.add_row(Text("+", style="bold cyan"), "", Wrapped(Text("extra: ", style="bold cyan") + Text("、".join(grade.extra))))
    return grid


def answer_view(items: list[str]):
    """The full answer: on the label's line when it is one item, else one item a line."""
    if len(items) == 1:
        return labelled("answer", Text(items[0]), label_style="bold")
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(ratio=1, overflow="fold")
    for n, item in enumerate(items, start=1):
        grid.add_row(f"{n}.", Wrapped(item))
    return Group(Text("answer", style="bold"), grid)


def intrusions_text(grade: Grade) -> list[Text]:
    """One line per piece typed that belongs to another framework: 盯项目 belongs to 四盯."""
    lines = []
    for intrusion in grade.intrusions:
        line = Text(intrusion.typed, style="bold magenta")
        line.append(" belongs to ")
        line.append(intrusion.framework, style="bold")
        lines.append(line)
    return lines


def feedback_view(grade: Grade, answer: list[str], rating_name: str = "", overridden: str = "",
                  note: str = "") -> Group:
    """What the trainee sees after an answer: the verdict, each item, the
    expected answer and the framework's note (the instructor's words)."""
    intrusions = intrusions_text(grade)
    return Group(
        verdict_text(grade, rating_name, overridden),
        Text(),
        items_table(grade),
        *([Text(), *intrusions] if intrusions else []),
        *([Text(DIFF_LEGEND, style="dim")] if _diffed(grade) else []),
        Text(),
        answer_view(answer),
        *([Text(), labelled("note", Wrapped(note.strip(), style="cyan"))] if note.strip() else []),
        Text(),
        Text("Enter next · r I was right · w I was wrong · u undo", style="dim"),
    )
