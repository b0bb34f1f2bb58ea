"""Today's queue puts in order only the cards that may come today: the cards
it picks and their order are exactly those of putting every card of the
decks in order, as the queue first did (kept here, ``reference_queue``), on
random collections: new, due, overdue and not yet due cards, frameworks at
each learning step, suspended and buried cards, a day's limit, frameworks
two decks share, decks chosen twice, due times that tie."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drill.core import learning
from drill.core.deck import Deck
from drill.core.frameworks import Framework
from drill.core.grading import grade
from drill.core.learning import Stage
from drill.core.session import Answered, Intruders
from drill.core.store import Store, default_learning, queue_of

DAY = 86400.0
NOW = dt.datetime(2026, 3, 2, 9, 0).timestamp()
ITEMS = ["抓学习", "促提升", "抓执行", "促落实", "强基础", "补短板", "惠民生", "防风险"]


# --- the queue as it was: every card of the decks put in order -------------


def introduction_order(cards: list) -> list:
    sibling: dict[str, int] = {}
    turn: dict[str, int] = {}
    seen_in_deck: dict[str, dict[str, int]] = {}
    keys = []
    for index, card in enumerate(cards):
        rank = sibling.get(card.framework, 0)
        sibling[card.framework] = rank + 1
        frameworks = seen_in_deck.setdefault(card.deck, {})
        place = frameworks.setdefault(card.framework, len(frameworks))
        deck_turn = turn.setdefault(card.deck, len(turn))
        keys.append((rank, place, deck_turn, index))
    return [cards[k[-1]] for k in sorted(keys)]


def build_queue(card_ids, due_at, now, new_limit, due_only=False):
    due = sorted((due_at[c], i, c) for i, c in enumerate(card_ids) if c in due_at and due_at[c] <= now)
    queue = [c for _, _, c in due]
    if not due_only and new_limit > 0:
        seen: set[str] = set()
        for c in card_ids:
            if c not in due_at and c not in seen:
                seen.add(c)
                queue.append(c)
                if len(seen) >= new_limit:
                    break
    return queue


def reference_queue(decks, due_at, held, stages, teach, limit, now, due_only=False) -> list:
    cards = introduction_order([c for d in decks for c in d.cards()])
    by_id: dict[str, object] = {}
    steps: list = []
    if stages is not None:
        scheduled = {c.framework for c in cards if c.id in due_at}
        learned = scheduled | {fw for fw, stage in stages.items() if stage == Stage.LEARNED}
        for c in cards:
            if c.id in due_at or c.framework in learned:
                pass
            elif c.kind != "recall":
                continue
            else:
                stage = stages.get(c.framework)
                card = teach.card(c.deck, c.framework, Stage(stage) if stage else Stage.SHOW)
                if card is None or c.id in held:
                    continue
                if stage:
                    steps.append(card)
                    continue
                c = card
            if c.id not in held:
                by_id.setdefault(c.id, c)
    else:
        for c in cards:
            if c.id not in held:
                by_id.setdefault(c.id, c)
    order = build_queue(list(by_id), due_at, now, limit, due_only)
    due = sum(1 for c in order if c in due_at)
    return [by_id[c] for c in order[:due]] + steps + [by_id[c] for c in order[due:]]


def described(cards) -> list[tuple[str, str, str, str]]:
    return [(c.id, c.deck, c.kind, c.stage) for c in cards]


# --- random collections ----------------------------------------------------

# (framework id, name, items) to draw from: two decks drawing one hold the
# same framework (their cards have the same ids), a deck drawing one twice holds it twice
POOL = [(f"enu-{n:04d}", f"第{n}组提法", n % 4 + 1) for n in range(12)]


@st.composite
def collections(draw):
    n_decks = draw(st.integers(1, 4))
    made = []
    for d in range(n_decks):
        picks = draw(st.lists(st.integers(0, len(POOL) - 1), max_size=6))
        frameworks = []
        for p in picks:
            fw_id, name, n_items = POOL[p]
            # a shared framework may have other items in another deck (other clozes)
            start = draw(st.integers(0, 2))
            items = ITEMS[start:start + draw(st.sampled_from([0, n_items, n_items + 1]))]
            frameworks.append(Framework(kind="enumeration", name=name, items=items, start=0, end=0,
                                        quote="、".join(items), id=fw_id, ordered=draw(st.booleans())))
        # two deck files may share a name (one id)
        path = Path(f"/decks/deck{draw(st.integers(0, n_decks))}.toml")
        made.append(Deck(path=path, title=f"第{d}篇", source="", frameworks=frameworks))
    chosen = draw(st.lists(st.sampled_from(made), min_size=1, max_size=n_decks + 1))
    cards = [c for deck in made for c in deck.cards()]
    ids = sorted({c.id for c in cards})
    fws = sorted({c.framework for c in cards})
    # due times from a few, so that some tie: overdue, due now, due later today, not yet due
    times = st.sampled_from([NOW - 3 * DAY, NOW - DAY, NOW - 60, NOW, NOW + 60, NOW + DAY])
    states = draw(st.dictionaries(st.sampled_from(ids), times)) if ids else {}
    if draw(st.booleans()):
        states.update(draw(st.dictionaries(st.sampled_from(["gone/recall", "enu-0000/show", "enu-0001/show"]),
                                           times)))  # cards no deck holds now; a hand-written first sight
    held = set(draw(st.lists(st.sampled_from(ids + ["enu-0002/show"])))) if ids else set()
    stages = None
    if draw(st.booleans()):
        stages = draw(st.dictionaries(st.sampled_from(fws), st.sampled_from([s.value for s in Stage]))) if fws else {}
    # who teaches: all the decks, with or without other frameworks' items to choose
    # from, or only some of them (a framework the others hold has no learning card)
    teachers = draw(st.lists(st.sampled_from(made), min_size=0, max_size=len(made)))
    pool = draw(st.sampled_from(["none", "decks"]))
    if draw(st.booleans()):
        teachers = made
    teach = learning.Learning(teachers, (lambda card: {}) if pool == "none" else Intruders(teachers, []))
    limit = draw(st.integers(0, 8))
    return chosen, states, held, stages, teach, limit, draw(st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(collections())
def test_the_queue_picks_and_orders_the_cards_the_whole_sort_did(collection):
    chosen, states, held, stages, teach, limit, due_only = collection
    expected = reference_queue(chosen, states, held, stages, teach, limit, NOW, due_only)
    got = queue_of(chosen, states, held, stages, teach, limit, NOW, due_only)
    assert described(got) == described(expected)
    assert got == expected


def bench_like(n_decks: int, per_deck: int) -> list[Deck]:
    out = []
    for d in range(n_decks):
        frameworks = []
        for f in range(per_deck):
            items = [f"{ITEMS[(d + f + i) % len(ITEMS)]}{d}-{f}-{i}" for i in range(3)]
            frameworks.append(Framework(kind="enumeration", name=f"第{d}篇第{f}组", items=items, start=0, end=0,
                                        quote="、".join(items), id=f"enu-{d:03d}{f:04d}"))
        out.append(Deck(path=Path(f"/decks/big{d}.toml"), title=f"第{d}篇", source="", frameworks=frameworks))
    return out


@pytest.mark.parametrize("learn_first", [True, False])
def test_a_larger_collection_with_most_cards_seen(learn_first):
    """Some hundreds of cards, most with a state, due times spread (and a few tied)."""
    import random

    rng = random.Random(7)
    chosen = bench_like(5, 30)
    cards = [c for d in chosen for c in d.cards()]
    states = {c.id: NOW + rng.choice([-1, 1]) * rng.randrange(0, 30) * 3600.0
              for c in cards if rng.random() < 0.8}
    held = {c.id for c in rng.sample(cards, 20)}
    stages = ({c.framework: rng.choice([s.value for s in Stage]) for c in rng.sample(cards, 30)}
              if learn_first else None)
    teach = default_learning(chosen)
    for limit in (0, 5, 400):
        assert (described(queue_of(chosen, states, held, stages, teach, limit, NOW))
                == described(reference_queue(chosen, states, held, stages, teach, limit, NOW)))


def test_the_store_queue_is_the_reference_queue_of_what_the_store_holds(drill_home):
    """Through a real store: answers given (some cards due again soon, some
    not for days), frameworks part-learned, a card suspended and one buried."""
    chosen = bench_like(3, 6)
    store = Store.open("lin")
    first = store.queue(chosen, now=NOW)
    assert first
    for n, card in enumerate(first):
        typed = "不知道" if n % 2 else "、".join(card.answer)
        store.record(Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0), now=NOW)
    later = NOW + 3600
    recalls = [c for d in chosen for c in d.cards() if c.kind == "recall"]
    store.suspend([recalls[-1].id])
    store.bury([recalls[-2].id], now=later)
    for learn_first in (True, False):
        store.update_settings(learn_first=learn_first)
        teach = default_learning(chosen)
        got = store.queue(chosen, now=later, teach=teach)
        expected = reference_queue(chosen, store.due_at(), store.held(later),
                                   store.stages() if learn_first else None, teach,
                                   store.new_left_today(later), later)
        assert described(got) == described(expected)
        assert store.queue(chosen, now=later, teach=teach, due_only=True) == reference_queue(
            chosen, store.due_at(), store.held(later), store.stages() if learn_first else None, teach,
            store.new_left_today(later), later, due_only=True)
    store.close()


def test_a_first_sight_with_a_state_is_never_new():
    """A store written by hand may hold a state of a learning card: the first
    sight due comes with the due cards, one not yet due not at all."""
    chosen = bench_like(2, 3)
    fws = [d.frameworks[0].id for d in chosen]
    states = {f"{fws[0]}/show": NOW + DAY, f"{fws[1]}/show": NOW - DAY}
    teach = default_learning(chosen)
    got = queue_of(chosen, states, set(), {}, teach, 3, NOW)
    assert described(got) == described(reference_queue(chosen, states, set(), {}, teach, 3, NOW))
    assert [c.framework for c in got if c.kind == "show"][:1] == [fws[1]]
    assert fws[0] not in {c.framework for c in got}
