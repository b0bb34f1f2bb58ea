"""Learning a framework before it is tested: its stages, and the cards of each.

A new framework is not asked cold. It moves through these stages, each a
form of card, the easier forms first (as Quizlet's Learn mode and Anki's
learning steps do):

1. ``show``: first sight. Its name, its items and the sentence they stand
   in; the trainee reads them and goes on.
2. ``choice``: multiple choice. Pick its items from among real items of
   other frameworks of the same shape (党建强渝 beside 工业兴渝): drill never
   invents a distractor, since a made-up one would teach a wrong 提法.
3. ``cloze``: one of its items blanked in its sentence.
4. ``recall``: all its items. This is the first answer the scheduler
   (FSRS) counts: the framework is learned from then on, and its other
   cards (cloze, name, order) come as new cards.

How fast a framework climbs follows its answers: a right answer moves it
one stage on, a choice answered wrong is asked again, and a cloze answered
wrong sends it back to the choice. A stage a framework has no card for (a
cloze for one item, a choice with no real distractors) is passed over.

The stage a framework is at is the stage after its last learning answer
(:func:`stage_after` of the stage it was asked at and the verdict), so the
store keeps it as a fold of its log. Learning answers are recorded, but
they are no reviews of the scheduler's and are left out of retention.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from enum import StrEnum

from drill.core.deck import Card, Deck, asks_itself, framework_cards, framework_cue, speaker
from drill.core.frameworks import Framework
from drill.core.grading import EXTRA_PENALTY, WRONG_BELOW, Grade, ItemGrade, ItemVerdict, Verdict, positions
from drill.core.text import fold


class Stage(StrEnum):
    """Where a framework stands in being learned; the value is what the store keeps."""

    SHOW = "show"
    CHOICE = "choice"
    CLOZE = "cloze"
    RECALL = "recall"
    LEARNED = "learned"


# The stages whose answers are learning steps: recorded, never scheduled.
STEPS = frozenset({Stage.SHOW, Stage.CHOICE, Stage.CLOZE})
_STAGE_OF = {stage.value: stage for stage in Stage}


def stage_after(asked: str, verdict: Verdict) -> Stage:
    """The stage a framework is at after an answer asked at stage ``asked``."""
    stage = _STAGE_OF.get(asked, Stage.LEARNED)
    if stage == Stage.SHOW:
        return Stage.CHOICE
    if stage == Stage.CHOICE:
        return Stage.CLOZE if verdict == Verdict.CORRECT else Stage.CHOICE
    if stage == Stage.CLOZE:
        return Stage.RECALL if verdict == Verdict.CORRECT else Stage.CHOICE
    return Stage.LEARNED


def is_step(card: Card) -> bool:
    """Whether an answer to ``card`` is a learning step (no review of the scheduler's)."""
    return card.stage in STEPS


def stands_for(card: Card) -> str:
    """The id of the card the scheduler knows that ``card`` stands for: a
    learning card stands for its framework's recall card (suspending or
    burying it sets the framework aside), any other card for itself."""
    return f"{card.framework}/recall" if card.stage else card.id


# A choice card's options are answered with the keys 1–9.
OPTIONS_MAX = 9
# A framework's items shown among the options: all of them up to this many,
# else this many of them (every framework's items would crowd the screen).
RIGHT_MAX = 6
RIGHT_SAMPLE = 5
# Real items of other frameworks shown beside them.
DISTRACTORS = 3


def _common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a, b]))


def _shape(candidate: str, items: list[str]) -> float:
    """How much ``candidate`` looks like one of ``items``: the same length,
    the same ending (…兴渝, …强渝), the same opening (抓…促…)."""
    best = 0.0
    for item in items:
        score = 2.0 * (len(candidate) == len(item)) - 0.25 * abs(len(candidate) - len(item))
        score += 3.0 * _common_prefix(candidate[::-1], item[::-1]) + 2.0 * _common_prefix(candidate, item)
        best = max(best, score)
    return best


def distractors(items: list[str], pool: Mapping[str, Sequence[str]], count: int, seed: str) -> list[str]:
    """Up to ``count`` real items of other frameworks (``pool``: their items by
    name) to set beside ``items``: those most of the same shape, never one
    that is an item, holds one or is held by one (发展 beside 高质量发展)."""
    own = [fold(item) for item in items]
    seen: set[str] = set(own)
    candidates: list[str] = []
    for others in pool.values():
        for other in others:
            key = fold(other)
            if not key.strip() or key in seen or any(key in o or o in key for o in own):
                continue
            seen.add(key)
            candidates.append(other)
    rng = random.Random(seed)
    ties = {c: rng.random() for c in candidates}
    ranked = sorted(candidates, key=lambda c: (-_shape(fold(c), own), ties[c]))
    return ranked[:count]


def choice_card(deck_id: str, fw: Framework, pool: Mapping[str, Sequence[str]], turn: int = 0) -> Card | None:
    """The framework's multiple-choice card: pick its items (a single answer
    for a framework of one item) from among real items of other frameworks;
    None when there are none to choose between. Each ``turn`` (the choice
    asked again) puts the options in another order, so that they are not
    answered by where they stood."""
    items = list(dict.fromkeys(i for i in fw.items if i.strip()))
    if not items:
        return None
    card_id = f"{fw.id}/choice"
    rng = random.Random(card_id)
    right = items if len(items) <= RIGHT_MAX else [
        items[k] for k in sorted(rng.sample(range(len(items)), RIGHT_SAMPLE))]
    others = distractors(items, pool, min(DISTRACTORS, OPTIONS_MAX - len(right)), card_id)
    if not others:
        return None
    options = right + others
    random.Random(f"{card_id}/{turn}").shuffle(options)
    say = speaker(fw)
    cue = framework_cue(fw)
    many = "单选" if len(right) == 1 else "多选"
    if asks_itself(cue):  # 谋划工作要抓哪三个方面 is asked as it stands
        question = say(f"？（{many}）" if len(right) == 1 else f"？（选出{len(right)}项，{many}）")
    else:
        question = say(f"：选出属于它的{'一' if len(right) == 1 else len(right)}项（{many}）")
    return Card(card_id, deck_id, fw.id, "choice", cue + question, right, False,
                options=options, stage=Stage.CHOICE.value, stated_in=fw.stated_in(), note=fw.note)


def show_card(deck_id: str, fw: Framework) -> Card | None:
    """The framework's first sight: its name, items and sentence, to read."""
    items = [i for i in fw.items if i.strip()]
    if not items:
        return None
    return Card(f"{fw.id}/show", deck_id, fw.id, "show", fw.name, items, fw.ordered, context=fw.quote,
                stage=Stage.SHOW.value, stated_in=fw.stated_in(), note=fw.note)


def chosen(card: Card, typed: str) -> list[int] | None:
    """The option numbers (1…) an answer to a choice card picks: 1 3 4, 134,
    ①③④, or the options' words typed out; None when it names no option."""
    numbers = positions(typed, len(card.options))
    if numbers is not None:
        return sorted(set(numbers))
    pieces = {fold(p).strip() for p in typed.replace("，", "、").replace(",", "、").replace("\n", "、").split("、")}
    picked = [n for n, option in enumerate(card.options, 1) if fold(option).strip() in pieces]
    return picked or None


def grade_choice(card: Card, typed: str) -> Grade:
    """A choice answer: each right option picked is an item recalled, each
    wrong one picked an extra piece, costing what an extra piece typed costs
    (grading.EXTRA_PENALTY). Right when exactly the right ones are picked;
    wrong below grading.WRONG_BELOW, as a typed answer is."""
    picked = chosen(card, typed) or []
    picked_options = [card.options[n - 1] for n in picked]
    items = [ItemGrade(item, item if item in picked_options else "",
                       ItemVerdict.CORRECT if item in picked_options else ItemVerdict.MISSING,
                       1.0 if item in picked_options else 0.0) for item in card.answer]
    extra = [option for option in picked_options if option not in card.answer]
    hits = sum(1 for item in items if item.verdict == ItemVerdict.CORRECT)
    score = max(0.0, (hits - EXTRA_PENALTY * len(extra)) / len(card.answer)) if card.answer else 0.0
    if hits == len(card.answer) and not extra:
        verdict = Verdict.CORRECT
    elif hits and score >= WRONG_BELOW:
        verdict = Verdict.PARTIAL
    else:
        verdict = Verdict.WRONG
    return Grade(items, extra, score, verdict, False)


def seen_grade(card: Card) -> Grade:
    """A first sight read: nothing asked, nothing missed."""
    return Grade([], [], 1.0, Verdict.CORRECT, card.ordered)


class Learning:
    """The cards of each stage for the frameworks of ``decks``; ``pool`` gives,
    for a card, the items of other frameworks by name (session.Intruders)."""

    def __init__(self, decks: list[Deck], pool: Callable[[Card], Mapping[str, Sequence[str]]]) -> None:
        # each deck's frameworks by id, read when one of them is first asked
        self._decks: dict[str, list[Deck]] = {}
        for deck in decks:
            self._decks.setdefault(deck.id, []).append(deck)
        self._frameworks: dict[str, dict[str, Framework]] = {}
        self._pool = pool
        self._cards: dict[tuple[str, str], list[Card]] = {}

    def _deck_frameworks(self, deck_id: str) -> dict[str, Framework]:
        got = self._frameworks.get(deck_id)
        if got is None:
            got = self._frameworks[deck_id] = {fw.id: fw for deck in self._decks.get(deck_id, [])
                                               for fw in deck.frameworks}
        return got

    def _own(self, deck_id: str, fw: Framework) -> list[Card]:
        got = self._cards.get((deck_id, fw.id))
        if got is None:
            got = self._cards[(deck_id, fw.id)] = self._made(deck_id, fw)
        return got

    def _made(self, deck_id: str, fw: Framework) -> list[Card]:
        """``fw``'s cards: those its deck made (or its deck cache kept), or made here."""
        for deck in self._decks.get(deck_id, []):
            if any(f is fw for f in deck.frameworks):
                by_framework: dict[str, list[Card]] = {}
                for card in deck.cards():
                    by_framework.setdefault(card.framework, []).append(card)
                for other in deck.frameworks:  # the deck's other frameworks' too, made once
                    self._cards.setdefault((deck_id, other.id), by_framework.get(other.id, []))
                return by_framework.get(fw.id, [])
        return framework_cards(deck_id, fw)

    def card(self, deck_id: str, fw_id: str, stage: Stage, turn: int = 0) -> Card | None:
        """The card asking framework ``fw_id`` at ``stage`` (or the next stage
        it has a card for); ``turn`` (how often it was asked at that stage)
        picks which item a cloze blanks and the order of a choice's options. None
        once it is learned, or for a framework not in the decks."""
        fw = self._deck_frameworks(deck_id).get(fw_id)
        if fw is None or stage == Stage.LEARNED:
            return None
        cards = self._own(deck_id, fw)
        recall = next((c for c in cards if c.kind == "recall"), None)
        if recall is None:
            return None
        if stage == Stage.SHOW:
            return show_card(deck_id, fw)
        if stage == Stage.CHOICE:
            found = choice_card(deck_id, fw, self._pool(recall), turn)
            if found is not None:
                return found
            stage = Stage.CLOZE
        if stage == Stage.CLOZE:
            clozes = [c for c in cards if c.kind == "cloze"]
            if clozes:
                return replace(clozes[turn % len(clozes)], stage=Stage.CLOZE.value)
        return replace(recall, stage=Stage.RECALL.value)
