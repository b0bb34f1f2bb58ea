"""A card as the trainee sees it: what the drill shows before the answer,
and the answer it expects. `drill deck show` prints it; `drill author`
previews a framework's cards with it."""

from __future__ import annotations

from dataclasses import dataclass

from drill.core.deck import Card, order_numbered

KIND_NAMES = {"recall": "recall all items", "cloze": "fill in the blank", "name": "name the abbreviation",
              "order": "put in order"}


@dataclass
class Face:
    kind: str  # what the drill calls the card: fill in the blank…
    prompt: str
    shown: list[str]  # lines shown under the prompt: the cloze's sentence, an order card's shuffled items
    stated_in: str  # where the items come from, when not from a speech
    answer: list[str]  # what the trainee is expected to type
    ordered: bool
    note: str = ""  # the framework's note, shown with the answer


def face(card: Card) -> Face:
    """What the drill shows for ``card`` (as its screen does) and expects."""
    if card.kind == "cloze" and card.context:
        shown = [card.context]
    elif card.kind == "order":
        shown = order_numbered(card)
    else:
        shown = []
    return Face(KIND_NAMES.get(card.kind, card.kind), card.prompt, shown, card.stated_in, list(card.answer),
                card.ordered and len(card.answer) > 1, card.note)


def lines(card: Card, note: bool = True) -> list[str]:
    """The card as plain lines: the prompt, what is shown with it, the
    answer, and (unless ``note`` is False) the framework's note."""
    f = face(card)
    out = [f"{f.kind}: {f.prompt}"]
    if f.stated_in:
        out.append(f"  {f.stated_in}")
    out += [f"  {line}" for line in f.shown]
    order = " (in this order)" if f.ordered else ""
    out.append(f"  → {'、'.join(f.answer)}{order}")
    if note and f.note:
        first, *more = f.note.strip().splitlines() or [""]
        out.append(f"  note: {first}")
        out += [f"        {line}" for line in more]
    return out
