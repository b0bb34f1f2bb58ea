"""The prompt audit over every bundled deck, and the cases it must catch:
a prompt that gives an item away, two cards with one prompt, a prompt that
asks for what its items are not, a question asked twice, and a deck in
traditional characters asked in simplified ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DECKS

from drill.core import deck as decks
from drill.core.audit import Flaw, audit, audit_cards
from drill.core.deck import Card, Deck, framework_cards
from drill.core.frameworks import Framework


def fw(kind, name, items, quote="", **more):
    return Framework(kind=kind, name=name, items=items, start=0, end=len(quote), quote=quote,
                     id=more.pop("id", f"{kind[:3]}-{name}"), **more)


def deck_of(*frameworks) -> Deck:
    return Deck(path=Path("mine.toml"), title="mine", source="", frameworks=list(frameworks))


def flaws(found) -> set[Flaw]:
    return {f.flaw for f in found}


@pytest.mark.parametrize("path", sorted(DECKS.glob("*.toml")), ids=lambda p: p.name)
def test_every_bundled_deck_passes_the_audit(path):
    found = audit(decks.load(path))
    assert not found, "\n".join(map(str, found))


# --- each flaw, on frameworks and cards made up here ----------------------


def test_a_recall_prompt_holding_an_item_gives_it_away():
    card = Card("x/recall", "mine", "x", "recall", "烧水泡茶：分别是什么？（2项）", ["烧水", "泡茶"], True)
    found = audit_cards([card])
    assert flaws(found) == {Flaw.GIVES_AWAY} and {f.detail for f in found} == {"烧水", "泡茶"}


def test_a_cloze_whose_sentence_still_shows_its_item_gives_it_away():
    card = Card("x/cloze/1", "mine", "x", "cloze", "原话填空", ["泡茶"], True,
                context="先＿＿，再泡茶", others=["烧水"])
    assert flaws(audit_cards([card])) == {Flaw.GIVES_AWAY}


def test_a_name_card_showing_its_name_gives_it_away():
    card = Card("x/name", "mine", "x", "name", "这几项合称什么？两茶、红茶", ["两茶"], True)
    assert flaws(audit_cards([card])) == {Flaw.GIVES_AWAY}


def test_two_cards_asking_different_things_with_one_prompt_are_found():
    a = Card("a/recall", "mine", "a", "recall", "以“早”开头的一组提法：原话怎么说？（3项）", ["早起", "早睡", "早饭"], True)
    b = Card("b/recall", "mine", "b", "recall", "以“早”开头的一组提法：原话怎么说？（3项）", ["早操", "早读", "早茶"], True)
    found = audit_cards([a, b])
    assert [(f.card, f.flaw) for f in found] == [("b/recall", Flaw.SHARED)]
    # order cards show other items, but their prompt must still say which framework they are about
    c = Card("a/order", "mine", "a", "order", "按原文顺序排列", ["早起", "早睡", "早饭"], True)
    d = Card("b/order", "mine", "b", "order", "按原文顺序排列", ["早操", "早读", "早茶"], True)
    assert [(f.card, f.flaw) for f in audit_cards([c, d])] == [("b/order", Flaw.SAME_PROMPT)]


def test_a_name_counting_a_word_its_items_lack_is_found_and_generation_asks_for_the_openings():
    three = fw("enumeration", "学茶很有必要：三个“觉得”", ["茶香扑鼻", "茶价实惠", "茶友众多"],
               quote="一是茶香扑鼻，让人觉得舒心。")
    made = framework_cards("mine", three)
    recall = next(c for c in made if c.kind == "recall")
    assert recall.prompt == "学茶很有必要：三个“觉得”：每一点开头怎么说？（3项）"
    assert audit_cards(made, {three.id: three}) == []
    unfair = Card(recall.id, "mine", three.id, "recall", "学茶很有必要：三个“觉得”：分别是什么？（3项）",
                  recall.answer, True)
    assert flaws(audit_cards([unfair], {three.id: three})) == {Flaw.ASKS_WHAT_ITEMS_ARE_NOT}
    # a word that numbers the points (一是…二是…) names the points themselves
    marked = fw("enumeration", "学茶：三个“是”", ["是闻香", "是品味", "是交友"])
    assert "分别是什么" in framework_cards("mine", marked)[0].prompt


def test_a_name_that_asks_is_not_asked_again():
    asks = fw("enumeration", "泡好茶：要抓哪三个环节", ["选好茶叶", "烧好开水", "控好时间"])
    made = framework_cards("mine", asks)
    assert made[0].prompt == "泡好茶：要抓哪三个环节？（3项）"
    assert audit_cards(made, {asks.id: asks}) == []
    doubled = Card(made[0].id, "mine", asks.id, "recall", "泡好茶：要抓哪三个环节：分别是什么？（3项）",
                   made[0].answer, True)
    assert flaws(audit_cards([doubled], {asks.id: asks})) == {Flaw.ASKS_TWICE}


def test_a_deck_in_traditional_characters_is_asked_in_traditional_characters():
    trad = fw("enumeration", "泡好茶的四個“要”", ["要選好茶葉", "要燒好開水", "要控好時間", "要備好茶具"],
              quote="泡茶首先是要選好茶葉。")
    made = framework_cards("mine", trad)
    prompts = {c.kind: c.prompt for c in made}
    assert prompts["recall"] == "泡好茶的四個“要”：分別是什麼？（4項）"
    assert prompts["order"] == "泡好茶的四個“要”：按原文順序排列"
    assert audit_cards(made, {trad.id: trad}) == []
    simplified = Card(made[0].id, "mine", trad.id, "recall", "泡好茶的四個“要”：分别是什么？（4项）",
                      made[0].answer, True)
    assert flaws(audit_cards([simplified], {trad.id: trad})) == {Flaw.WRONG_SCRIPT}
    # a deck in simplified characters stays in simplified ones
    simple = fw("enumeration", "泡好茶的四个“要”", ["要选好茶叶", "要烧好开水", "要控好时间", "要备好茶具"])
    assert framework_cards("mine", simple)[0].prompt == "泡好茶的四个“要”：分别是什么？（4项）"


def test_a_reference_set_phrase_is_prompted_by_its_usage_in_the_note():
    phrase = fw("parallel", "清淡香", ["清", "淡", "香"], document="茶经", year=760, url="https://example.org",
                note="茶经：饮茶当以清淡香为上；条目是连写的单字。")
    recall = framework_cards("mine", phrase)[0]
    assert recall.prompt.startswith("茶经 饮茶当以＿＿为上"), recall.prompt
    assert audit_cards([recall], {phrase.id: phrase}) == []
