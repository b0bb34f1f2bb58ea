"""How a graded answer is shown: each item marked, close items with a
character diff, extra pieces, the score and the full answer.

Everything the trainee or a deck wrote is appended to ``rich.text.Text`` as
plain text, never parsed as markup, so ``[bold]`` shows as typed.
"""

from __future__ import annotations

from rich.text import Text

from drill.core.grading import CLOSE, CORRECT, MISSING, OUT_OF_PLACE, Grade

MARKS = {
    CORRECT: ("✓", "bold green"),
    CLOSE: ("≈", "bold yellow"),
    MISSING: ("✗", "bold red"),
    OUT_OF_PLACE: ("↕", "bold magenta"),
}
VERDICT_WORDS = {CORRECT: "对 correct", "partial": "部分 partial", "wrong": "错 wrong"}
VERDICT_STYLES = {CORRECT: "bold green", "partial": "bold yellow", "wrong": "bold red"}


def diff_text(item) -> Text:
    """The expected item with what was typed woven in: kept, wrong (struck), missed."""
    out = Text()
    for op in item.diff():
        if op.op == "equal":
            out.append(op.typed)
        elif op.op == "replace":
            out.append(op.typed, style="red strike")
            out.append(op.expected, style="green underline")
        elif op.op == "delete":
            out.append(op.expected, style="green underline")
        else:  # insert: typed but not in the item
            out.append(op.typed, style="red strike")
    return out


def feedback_text(grade: Grade, rating_name: str = "", overridden: str = "") -> Text:
    out = Text()
    for n, item in enumerate(grade.items, start=1):
        mark, style = MARKS.get(item.verdict, ("?", ""))
        out.append(f" {mark} ", style=style)
        out.append(f"{n}. ")
        if item.verdict == CORRECT:
            out.append(item.expected)
        elif item.typed:
            out.append_text(diff_text(item))
        else:
            out.append(item.expected, style="dim")
            out.append("  (missing)", style="red")
        if item.note:
            out.append(f"  — {item.note}", style="italic dim")
        out.append("\n")
    if grade.extra:
        out.append(" + extra: ", style="bold cyan")
        out.append("、".join(grade.extra))
        out.append("\n")
    out.append("\n")
    out.append(f" {VERDICT_WORDS.get(grade.verdict, grade.verdict)}", style=VERDICT_STYLES.get(grade.verdict, ""))
    out.append(f"   score {grade.score:.0%}")
    if rating_name:
        out.append(f"   rating {rating_name}")
    if overridden:
        out.append(f"   ({overridden})", style="italic")
    out.append("\n")
    return out


def answer_text(items: list[str]) -> Text:
    out = Text(" answer: ", style="bold")
    out.append("、".join(items))
    return out
