"""The prompt audit: is every card of a deck fair to ask?

A card is unfair when its prompt gives away what it asks for, when another
card of the deck shows the same prompt (an order card's prompt must say
which framework it is about, not only its items), or when
the prompt cannot say what it asks: it asks for what the items are not
(四个“深感” asks for what each 深感 says, the items are what each point
opens with), asks twice (…要抓哪三个方面：分别是什么？), or is worded in
simplified characters for a deck written in traditional ones.

Order cards show their items by design, and a cloze card shows the
framework's other items; what they must not show is the item asked for.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from drill.core.deck import (BLANK, OPENINGS_QUESTION, QUESTIONS, Card, Deck, asks_itself,
                             counted_word_missing, order_shown)
from drill.core.frameworks import Framework
from drill.core.text import fold, is_traditional, to_traditional


class Flaw(enum.Enum):
    GIVES_AWAY = "gives away an item it asks for"
    SHARED = "shares its prompt with another card that asks for something else"
    ASKS_WHAT_ITEMS_ARE_NOT = "names what its items are not"
    ASKS_TWICE = "asks its question twice"
    WRONG_SCRIPT = "is worded in simplified characters in a deck written in traditional ones"
    SAME_PROMPT = "is another card's prompt too"


# What `drill deck check` refuses; the other flaws it warns of.
ERRORS = frozenset({Flaw.GIVES_AWAY, Flaw.SHARED, Flaw.SAME_PROMPT})


@dataclass(frozen=True)
class Finding:
    card: str  # the card's id
    flaw: Flaw
    detail: str

    def __str__(self) -> str:
        return f"{self.card}: the prompt {self.flaw.value}: {self.detail}"


# Asked of items (a parallel's single characters 紧、严、细、实): a prompt
# holding one of them gives it away only when it holds it as a whole
# word, which for a single character cannot be told; so they are checked
# only from this many characters on.
GIVE_AWAY_MIN_CHARS = 2
_GENERIC = tuple(f"：{q}？" for q in (*QUESTIONS.values(), OPENINGS_QUESTION, "分别是什么"))
_COUNT = re.compile(r"（\d+[项項]）$")


def _key(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def asked(card: Card) -> str:
    """What tells the card from the others before its answer is given: its
    prompt, and a cloze's sentence (an order card's prompt must say which
    framework it is about on its own: its items do not)."""
    return card.prompt + ("\n" + card.context if card.kind == "cloze" else "")


def face(card: Card) -> str:
    """What the card shows before it is answered: the prompt, and a cloze's
    sentence or an order card's items."""
    shown = card.prompt
    if card.kind == "cloze":
        shown += "\n" + card.context
    elif card.kind == "order":
        shown += "\n" + "\n".join(order_shown(card))
    elif card.kind == "choice":
        shown += "\n" + "\n".join(card.options)
    return shown


def audit_cards(cards: list[Card], frameworks: dict[str, Framework] | None = None) -> list[Finding]:
    """Every unfair prompt among ``cards`` (one deck's), with what is wrong with it."""
    frameworks = frameworks or {}
    found: list[Finding] = []
    by_face: dict[str, Card] = {}
    by_prompt: dict[str, Card] = {}
    for card in cards:
        fw = frameworks.get(card.framework)
        if card.kind in ("recall", "cloze", "name", "choice"):  # a choice's options show items by design
            shown = _key(card.prompt + ("\n" + card.context.replace(BLANK, "\n") if card.kind == "cloze" else ""))
            for item in card.answer:
                k = _key(item)
                if len(k) >= GIVE_AWAY_MIN_CHARS and k in shown:
                    found.append(Finding(card.id, Flaw.GIVES_AWAY, item))
        seen = by_face.get(_key(face(card)))
        if seen is not None and [_key(a) for a in seen.answer] != [_key(a) for a in card.answer]:
            found.append(Finding(card.id, Flaw.SHARED, f"{card.prompt} (as {seen.id})"))
        else:
            twin = by_prompt.get(_key(asked(card)))
            if twin is not None:
                found.append(Finding(card.id, Flaw.SAME_PROMPT, f"{card.prompt} (as {twin.id})"))
        by_face.setdefault(_key(face(card)), card)
        by_prompt.setdefault(_key(asked(card)), card)
        if card.kind == "recall":
            cue = _COUNT.sub("", card.prompt)
            generic = next((q for q in _GENERIC if cue.endswith(q) or fold(cue).endswith(fold(q))), "")
            if generic:
                cue = cue[: -len(generic)]
                if asks_itself(cue) and (fw is None or cue == fw.name):
                    found.append(Finding(card.id, Flaw.ASKS_TWICE, card.prompt))
                if fw is not None and cue == fw.name and generic != f"：{OPENINGS_QUESTION}？" \
                        and counted_word_missing(fw.name, list(card.answer)):
                    word = counted_word_missing(fw.name, list(card.answer))
                    found.append(Finding(card.id, Flaw.ASKS_WHAT_ITEMS_ARE_NOT,
                                         f"it counts “{word}”, which none of its items holds"))
        if fw is not None and is_traditional(fw.name + "".join(fw.items) + fw.quote):
            ours = _words_of_drill(card, fw)
            if ours and to_traditional(ours) != ours:
                found.append(Finding(card.id, Flaw.WRONG_SCRIPT, ours))
    return found


def _words_of_drill(card: Card, fw: Framework) -> str:
    """The words of the prompt drill wrote, not taken from the deck."""
    text = card.prompt
    for taken in sorted([fw.name, *card.answer, *fw.items], key=len, reverse=True):
        if taken:
            text = text.replace(taken, "")
    if fw.quote:
        # a lead cut from the quote: what is left besides it
        text = "".join(ch for ch in text if ch not in fw.quote)
    return text


def audit(deck: Deck) -> list[Finding]:
    """Every unfair prompt of ``deck``'s cards."""
    return audit_cards(deck.cards(), {fw.id: fw for fw in deck.frameworks})
