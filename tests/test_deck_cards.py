"""A deck's cards are made once and made again whenever what they are made of
changes, however the frameworks were edited."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import DECKS, ROOT

from drill.core import deck as decks
from drill.core.frameworks import Framework

DECK = DECKS / "001_2cf52c944239bc02.toml"
WINDOWS = "par-cfec5ccbc5"  # tests/author_speech.txt: 一窗受理、一网通办、一次办好
THREE = "enu-d55a7952fe"  # 第一…第二…第三…
MAKE = decks.framework_cards  # as it is, whatever a test puts in its place


def shown(cards) -> list[tuple]:
    """Everything a card says, as values."""
    return [(c.id, c.deck, c.framework, c.kind, c.prompt, list(c.answer), c.ordered, c.context,
             list(c.others), c.stated_in, c.note) for c in cards]


def fresh(deck: decks.Deck) -> list[tuple]:
    """The cards made from scratch, without the deck's cache."""
    return shown(card for fw in deck.frameworks for card in MAKE(deck.id, fw))


@pytest.fixture
def deck() -> decks.Deck:
    loaded = decks.load(DECK)
    loaded.cards()  # the cache is filled before every edit below
    return loaded


def a_list(deck: decks.Deck) -> Framework:
    return next(fw for fw in deck.frameworks if len(fw.items) >= 4 and fw.ordered)


def test_cards_are_made_once(deck, monkeypatch):
    made = []
    real = decks.framework_cards
    monkeypatch.setattr(decks, "framework_cards", lambda *a: made.append(a) or real(*a))
    first = deck.cards()
    assert made == [] and shown(first) == fresh(deck)
    assert shown(deck.cards()) == shown(first)
    assert made == []


def test_a_caller_changing_the_list_it_got_changes_no_other(deck):
    got = deck.cards()
    count = len(got)
    got.pop()
    got.reverse()
    got.append(got[0])
    assert len(deck.cards()) == count and shown(deck.cards()) == fresh(deck)


@pytest.mark.parametrize("edit", [
    lambda fw: fw.items.append("新加的一项"),
    lambda fw: fw.items.__setitem__(0, "改过的第一项"),
    lambda fw: fw.items.pop(),
    lambda fw: fw.items.reverse(),
    lambda fw: setattr(fw, "items", fw.items[:2]),
    lambda fw: setattr(fw, "name", fw.name + "（改名）"),
    lambda fw: setattr(fw, "id", fw.id + "-x"),
    lambda fw: setattr(fw, "kind", "abbreviation"),
    lambda fw: setattr(fw, "ordered", not fw.ordered),
    lambda fw: setattr(fw, "quote", "另一句原话：" + "、".join(fw.items) + "。"),
    lambda fw: setattr(fw, "note", "讲话的重点"),
    lambda fw: setattr(fw, "document", "党的二十大报告"),
    lambda fw: (setattr(fw, "document", "党的二十大报告"), setattr(fw, "year", 2022)),
    lambda fw: (setattr(fw, "document", "党的二十大报告"), setattr(fw, "origin", "reference")),
], ids=["item added in place", "item changed in place", "item removed in place", "items reversed in place",
        "items replaced", "renamed", "new id", "new kind", "order toggled", "new quote", "new note",
        "stated in a document", "stated in a year", "items from the reference"])
def test_a_framework_edited_changes_its_cards(deck, edit):
    before = shown(deck.cards())
    fw = a_list(deck)
    assert not fw.document  # a speech's framework: stated in no document yet
    edit(fw)
    after = shown(deck.cards())
    assert after != before
    assert after == fresh(deck)


def test_frameworks_added_removed_moved_or_replaced_change_the_cards(deck):
    every = list(deck.frameworks)
    moved = deck.frameworks.pop(0)
    assert deck.cards() and shown(deck.cards()) == fresh(deck)
    assert not any(c.framework == moved.id for c in deck.cards())
    deck.frameworks.append(moved)
    assert shown(deck.cards()) == fresh(deck) and deck.cards()[-1].framework == moved.id
    deck.frameworks = every[:1]
    assert {c.framework for c in deck.cards()} == {every[0].id}
    deck.frameworks.append(dataclasses.replace(every[1]))
    assert shown(deck.cards()) == fresh(deck)
    deck.frameworks.clear()
    assert deck.cards() == []


def test_a_new_deck_id_is_in_every_card(deck, tmp_path):
    deck.ident = "another-id"
    assert {c.deck for c in deck.cards()} == {"another-id"}
    deck.ident = ""
    decks.save(deck, tmp_path / "renamed.toml")  # saving moves the deck, and its id is its file's name
    assert {c.deck for c in deck.cards()} == {"renamed"}


def test_the_inputs_are_every_field_the_cards_read(deck):
    # every other field of a framework changed: the same cards, so the
    # fingerprint of CARD_INPUTS misses nothing a card is made of
    others = {
        "start": 1, "end": 2, "tags": ["别的标签"], "warnings": ["一条提示"], "item_spans": [(0, 1)],
        "own": ["自拟"], "merged": ["par-0000000000"], "extracted": "kept", "url": "https://example.org/",
        "aliases": ["别名"],
    }
    assert set(others) | set(decks.CARD_INPUTS) == {f.name for f in dataclasses.fields(Framework)}
    for fw in deck.frameworks:
        before = shown(decks.framework_cards(deck.id, fw))
        changed = dataclasses.replace(fw, **others)
        assert shown(decks.framework_cards(deck.id, changed)) == before
    # and every field of CARD_INPUTS is part of the fingerprint
    fw = a_list(deck)
    values = {"id": "x", "kind": "parallel" if fw.kind != "parallel" else "outline", "name": "x", "items": ["x"], "ordered": not fw.ordered,
              "quote": "x", "note": "x", "document": "x", "year": 1999, "origin": "x"}
    assert set(values) == set(decks.CARD_INPUTS)
    for key, value in values.items():
        assert decks._card_inputs(dataclasses.replace(fw, **{key: value})) != decks._card_inputs(fw), key


def test_a_review_of_an_earlier_deck_saves_the_edited_cards(tmp_path):
    # `drill author` edits a copy of a framework and gives the earlier deck
    # (read, its cards made) its new frameworks: the deck's cards are the edited ones
    from drill.core import authoring as au

    speech = tmp_path / "speech.txt"
    speech.write_bytes((ROOT / "tests" / "author_speech.txt").read_bytes())
    path = tmp_path / "speech.toml"

    def start() -> au.Review:
        text, encoding, earlier = au.read_inputs(speech, path)
        return au.start_review(speech, path, text, encoding, earlier)

    first = start()
    first.accept(first.find(WINDOWS))
    first.accept(first.find(THREE))
    first.save()
    again = start()
    earlier = again.earlier
    before = shown(earlier.cards())
    assert f"{WINDOWS}/recall" in {c.id for c in earlier.cards()}
    again.edit(again.find(WINDOWS), "两个一", ["一窗受理", "一网通办"])
    again.reject(again.find(THREE))
    again.save()
    cards = earlier.cards()  # the deck the review was given, its frameworks now the edited ones
    assert shown(cards) != before and shown(cards) == fresh(earlier)
    assert next(c for c in cards if c.id == f"{WINDOWS}/recall").answer == ["一窗受理", "一网通办"]
    assert not any(c.framework == THREE for c in cards)
    assert shown(decks.load(path).cards()) == shown(cards)
