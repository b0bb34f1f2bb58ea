"""A new framework is learned before it is tested: first sight, a choice, a
cloze, then full recall, with the stages kept in the store (learning.py)."""

from __future__ import annotations

import pytest
from conftest import DECKS, until
from test_tui import shown_text

from drill.core import deck as decks
from drill.core import reference, stats
from drill.core.audit import Flaw, audit_cards
from drill.core.deck import Deck
from drill.core.frameworks import Framework
from drill.core.grading import Verdict
from drill.core.learning import Learning, Stage, choice_card, distractors, grade_choice, stage_after, stands_for
from drill.core.session import Session
from drill.core.store import Store, check_trainee, default_learning
from drill.core.text import fold
from drill.tui.app import make_app
from drill.tui.screens.decks import DecksScreen
from drill.tui.screens.drill import DrillScreen
from drill.tui.screens.summary import SummaryScreen

DECK = DECKS / "001_2cf52c944239bc02.toml"
T0 = 1_800_000_000.0

# every test on both engines (conftest.py), but those of TinyDB's files
pytestmark = pytest.mark.usefixtures("engine_kind")


def right(card) -> str:
    """A right answer to any card: the numbers of a choice's right options, else the items."""
    if card.kind == "choice":
        return " ".join(str(n) for n, option in enumerate(card.options, 1) if option in card.answer)
    return "\n".join(card.answer)


def wrong(card) -> str:
    if card.kind == "choice":
        return " ".join(str(n) for n, option in enumerate(card.options, 1) if option not in card.answer)
    return "不知道"


def own_deck() -> Deck:
    """A deck of three frameworks written for these tests."""
    return Deck(None, "测试讲话", "", frameworks=[
        Framework("abbreviation", "三强", ["工业强县", "农业强镇", "文化强村"], 0, 0, "", id="abb-1"),
        Framework("enumeration", "三个要", ["生态美县", "交通畅通", "服务群众的水平明显提高"], 0, 0, "",
                  id="enu-1"),
        Framework("enumeration", "两个坚持", ["坚持稳中求进", "坚持改革创新"], 0, 0, "", id="enu-2"),
    ], ident="test-deck")


def first_sight(store, deck, now=T0):
    """The deck's first new framework, as its first sight, in a session that
    takes it through its stages."""
    teach = default_learning([deck])
    first = store.queue([deck], now=now, teach=teach)[0]
    return first, Session([first], store, learning=teach)


def read(session):
    """The first sight read: on to the next card (the framework's choice)."""
    session.show()
    session.submit("")
    session.next()


def climb(session, answers, now=T0):
    """Answer the session's cards in turn (``answers``: card → typed) until it ends."""
    session.show()
    steps = []
    while session.current is not None:
        card = session.current
        session.submit(answers(card))
        steps.append((card.kind, card.stage, session.answered[-1].verdict))
        session.next()
    return steps


# --- the stages --------------------------------------------------------------


def test_the_stages_climb_on_right_answers_and_fall_back_on_wrong_ones():
    assert stage_after("show", Verdict.WRONG) == Stage.CHOICE  # read, whatever
    assert stage_after("choice", Verdict.CORRECT) == Stage.CLOZE
    assert stage_after("choice", Verdict.PARTIAL) == Stage.CHOICE
    assert stage_after("cloze", Verdict.CORRECT) == Stage.RECALL
    assert stage_after("cloze", Verdict.WRONG) == Stage.CHOICE
    assert stage_after("recall", Verdict.WRONG) == Stage.LEARNED  # the scheduler has it from now


def test_a_new_framework_comes_as_its_first_sight_and_its_other_cards_wait():
    deck = decks.load(DECK)
    store = Store.open("lin")
    queue = store.queue([deck], now=T0)
    assert queue and all(c.kind == "show" for c in queue)
    assert len({c.framework for c in queue}) == len(queue) == min(store.settings.new_per_day,
                                                                   len(deck.frameworks))
    shown = queue[0]
    fw = next(f for f in deck.frameworks if f.id == shown.framework)
    assert shown.prompt == fw.name and shown.answer == [i for i in fw.items if i.strip()]
    assert shown.context == fw.quote  # the sentence the items stand in


def test_a_session_takes_a_framework_from_first_sight_to_full_recall_and_fsrs_starts_there():
    deck = decks.load(DECK)
    store = Store.open("lin")
    first, session = first_sight(store, deck)
    steps = climb(session, right)
    assert [(kind, stage) for kind, stage, _ in steps] == [
        ("show", "show"), ("choice", "choice"), ("cloze", "cloze"), ("recall", "recall")]
    assert all(verdict == Verdict.CORRECT for *_, verdict in steps)
    reopened = Store.open("lin")
    assert reopened.stages() == {first.framework: Stage.LEARNED}
    # only the full recall is a review of the scheduler's: one card state, the recall's
    assert [c.card for c in reopened.cards()] == [f"{first.framework}/recall"]
    # every learning answer is in the log, with the stage it was asked at
    assert [r.stage for r in reopened.reviews()] == ["show", "choice", "cloze", "recall"]
    # the framework's other cards come now, as new cards (after every framework's first sight)
    reopened.update_settings(new_per_day=1000)
    later = reopened.queue([deck], now=T0 + 60)
    assert any(c.framework == first.framework and c.kind == "cloze" and not c.stage for c in later)
    assert check_trainee("lin") == []


def test_a_wrong_choice_comes_back_and_a_wrong_cloze_goes_back_to_the_choice():
    deck = decks.load(DECK)
    store = Store.open("lin")
    first, session = first_sight(store, deck)
    missed: set[str] = set()

    def answers(card):
        # each of choice and cloze is missed once, the first time it comes
        if card.kind in ("choice", "cloze") and card.kind not in missed:
            missed.add(card.kind)
            return wrong(card)
        return right(card)

    steps = [(kind, verdict) for kind, _stage, verdict in climb(session, answers)]
    assert steps == [("show", Verdict.CORRECT), ("choice", Verdict.WRONG), ("choice", Verdict.CORRECT),
                     ("cloze", Verdict.WRONG), ("choice", Verdict.CORRECT), ("cloze", Verdict.CORRECT),
                     ("recall", Verdict.CORRECT)]
    summary = session.summary()
    assert (summary.shown, summary.steps, summary.learned) == (1, 5, 1)
    assert summary.cards == 1 and summary.accuracy == 1.0  # learning steps are counted apart


def test_the_next_session_resumes_a_framework_at_its_stage_without_counting_it_new():
    deck = decks.load(DECK)
    store = Store.open("lin")
    store.update_settings(new_per_day=1)
    teach = default_learning([deck])
    first = store.queue([deck], teach=teach)[0]  # today: the day's new cards are counted by the clock
    session = Session([first], store, learning=teach)
    session.show()
    session.submit("")  # read
    session.next()
    choice = session.current
    session.submit(right(choice))  # and chosen right: the cloze is next
    queue = Store.open("lin").queue([deck])
    assert [(c.framework, c.stage) for c in queue] == [(first.framework, "cloze")]  # the day's one new is used


def test_learning_answers_are_recorded_but_left_out_of_retention():
    deck = decks.load(DECK)
    store = Store.open("lin")
    first, session = first_sight(store, deck)
    read(session)
    session.submit(wrong(session.current))  # a wrong choice
    result = stats.compute(Store.open("lin"), [deck])
    assert result.reviews == 0 and result.retention is None and result.true_retention is None
    assert result.learning_answers == 2
    assert result.learning["choice"] == 1
    assert "1 being learned (1 at the choice)" in stats.learning_said(result)
    # the full recall is the first answer retention counts
    session.next()
    while session.current is not None and session.current.stage != "recall":
        session.submit(right(session.current))
        session.next()
    session.submit("不知道")
    result = stats.compute(Store.open("lin"), [deck])
    assert (result.reviews, result.retention) == (1, 0.0)


def test_undo_and_override_of_a_learning_answer_move_its_stage_back_and_rebuild_agrees():
    deck = decks.load(DECK)
    store = Store.open("lin")
    first, session = first_sight(store, deck)
    read(session)
    choice = session.current
    session.submit(right(choice))
    assert Store.open("lin").stages() == {first.framework: "cloze"}
    session.override(right=False)  # "I was wrong": the choice is asked again
    assert Store.open("lin").stages() == {first.framework: "choice"}
    session.override(right=True)
    assert Store.open("lin").stages() == {first.framework: "cloze"}
    session.undo()  # taken back: where the first sight left it
    assert Store.open("lin").stages() == {first.framework: "choice"}
    assert session.current is choice
    kept = Store.open("lin")
    before = kept.stages()
    kept.rebuild()
    assert Store.open("lin").stages() == before
    assert check_trainee("lin") == []


def test_the_deck_list_counts_a_new_framework_as_one_new_card_and_a_part_learned_one_as_due():
    deck = decks.load(DECK)
    store = Store.open("lin")
    store.update_settings(new_per_day=1000)
    counts = store.deck_counts(deck)
    frameworks = [fw for fw in deck.frameworks if any(i.strip() for i in fw.items)]
    assert (counts.due, counts.new, counts.unseen) == (0, len(frameworks), len(frameworks))
    teach = default_learning([deck])
    first = store.queue([deck], teach=teach)[0]
    session = Session([first], store, learning=teach)
    session.show()
    session.submit("")  # read: at the choice now
    counts = Store.open("lin").deck_counts(deck)
    assert (counts.due, counts.new) == (1, len(frameworks) - 1)
    assert [c.stage for c in Store.open("lin").queue([deck])][:1] == ["choice"]


def test_learning_steps_can_be_turned_off_and_new_cards_are_asked_cold():
    deck = decks.load(DECK)
    store = Store.open("lin")
    store.update_settings(learn_first=False)
    assert {c.kind for c in store.queue([deck], now=T0)} == {"recall"}


def test_a_framework_learned_before_stages_were_kept_is_not_learned_again():
    deck = decks.load(DECK)
    store = Store.open("lin")
    store.update_settings(learn_first=False)
    cold = store.queue([deck], now=T0)[0]
    Session([cold], store).submit("\n".join(cold.answer))
    store.update_settings(learn_first=True)
    queue = store.queue([deck], now=T0 + 60)
    assert all(c.framework != cold.framework or (c.kind != "show" and not c.stage) for c in queue)


def test_setting_a_learning_card_aside_sets_its_framework_aside():
    deck = decks.load(DECK)
    store = Store.open("lin")
    first = store.queue([deck], now=T0)[0]
    store.suspend([stands_for(first)])
    assert stands_for(first) == f"{first.framework}/recall"
    assert first.framework not in {c.framework for c in store.queue([deck], now=T0)}


# --- choice cards ------------------------------------------------------------


def test_distractors_are_real_items_of_the_same_shape_never_an_item_or_part_of_one():
    pool = {"三个要": ["生态美县", "交通畅通", "服务群众的水平明显提高"], "其他": ["工业", "工业强县"],
            "两个坚持": ["坚持稳中求进", "坚持改革创新"]}
    picked = distractors(["工业强县", "农业强镇", "文化强村"], pool, 2, seed="x")
    assert picked[0] == "生态美县"  # four characters ending in 县, like 工业强县
    assert "工业" not in picked and "工业强县" not in picked  # part of an item, the item itself
    assert set(picked) <= {i for items in pool.values() for i in items}  # never invented


def test_a_choice_card_is_answered_by_numbers_or_words():
    deck = own_deck()
    teach = default_learning([deck])
    card = teach.card(deck.id, "abb-1", Stage.CHOICE)
    assert card.kind == "choice" and card.id == "abb-1/choice" and card.stage == "choice"
    assert set(card.answer) == {"工业强县", "农业强镇", "文化强村"} and set(card.answer) < set(card.options)
    assert "选出属于它的3项（多选）" in card.prompt
    numbers = [n for n, option in enumerate(card.options, 1) if option in card.answer]
    assert grade_choice(card, " ".join(map(str, numbers))).verdict == Verdict.CORRECT
    assert grade_choice(card, "".join(map(str, numbers))).verdict == Verdict.CORRECT
    assert grade_choice(card, "、".join(card.answer)).verdict == Verdict.CORRECT
    one_wrong = next(n for n in range(1, len(card.options) + 1) if n not in numbers)
    partial = grade_choice(card, f"{numbers[0]} {numbers[1]}")
    assert partial.verdict == Verdict.PARTIAL and [i.verdict for i in partial.items].count("missing") == 1
    mixed = grade_choice(card, f"{numbers[0]} {numbers[1]} {one_wrong}")
    # a wrong pick costs what an extra piece typed costs: two of three and one extra is 50%
    assert mixed.verdict == Verdict.PARTIAL and mixed.extra == [card.options[one_wrong - 1]]
    assert mixed.score == 0.5
    assert grade_choice(card, f"{numbers[0]} {one_wrong}").verdict == Verdict.WRONG  # 1/6 is below a fifth
    again = teach.card(deck.id, "abb-1", Stage.CHOICE, turn=1)
    assert sorted(again.options) == sorted(card.options) and again.options != card.options  # reshuffled
    assert grade_choice(card, "").verdict == Verdict.WRONG


def test_a_framework_of_one_item_is_a_single_answer_choice():
    deck = own_deck()
    deck.frameworks.append(Framework("enumeration", "一个中心", ["以经济建设为中心"], 0, 0, "", id="enu-3"))
    card = choice_card(deck.id, deck.frameworks[-1], {"三强": ["工业强县", "农业强镇"]})
    assert card.answer == ["以经济建设为中心"] and len(card.options) == 3
    assert "选出属于它的一项（单选）" in card.prompt


def test_no_choice_without_real_distractors_the_cloze_comes_instead():
    lonely = Deck(None, "独篇", "", frameworks=[Framework("enumeration", "两个坚持",
                                                           ["坚持稳中求进", "坚持改革创新"], 0, 0, "", id="enu-9")], ident="lonely")
    teach = Learning([lonely], lambda card: {})  # no other framework anywhere
    card = teach.card("lonely", "enu-9", Stage.CHOICE)
    assert card.kind == "cloze" and card.stage == "cloze"


def test_every_bundled_deck_s_choice_cards_are_fair():
    loaded, problems = decks.load_all([DECKS])
    assert not problems
    refs = {fold(i) for fw in reference.frameworks() for i in fw.items}
    count = 0
    for deck in loaded:
        teach = default_learning(loaded)
        cards = [teach.card(deck.id, fw.id, Stage.CHOICE) for fw in deck.frameworks if fw.items]
        cards = [c for c in cards if c is not None and c.kind == "choice"]
        count += len(cards)
        findings = audit_cards(cards, {fw.id: fw for fw in deck.frameworks})
        assert [f for f in findings if f.flaw in (Flaw.GIVES_AWAY, Flaw.SAME_PROMPT, Flaw.SHARED)] == [], deck.id
        others = {fold(i) for d in loaded for fw in d.frameworks for i in fw.items} | refs
        for card in cards:
            assert 2 <= len(card.options) <= 9
            assert len({fold(o) for o in card.options}) == len(card.options)  # no option twice
            assert set(card.answer) < set(card.options)
            assert all(fold(o) in others for o in card.options)  # every distractor is a real item
    assert count >= 20


# --- in the app --------------------------------------------------------------


async def test_a_trainee_reads_chooses_fills_in_and_recalls_a_new_framework_in_the_app():
    app = make_app(user="lin")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the deck list")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill")
        screen = app.screen
        session = app.session
        first = session.current
        assert first.kind == "show"
        assert "learning 1/4" in str(screen.query_one("#progress").render())
        assert not screen.query_one("#answer").display  # nothing to type: read, then Enter
        await pilot.press("enter")
        await until(pilot, lambda: len(session.answered) == 1 and session.current is not first,
                    what="the next card after the first sight")
        seen = []
        while True:
            card = session.current
            if card.kind == "show":
                await pilot.press("enter")
                await until(pilot, lambda c=card: session.current is not c, what="past a first sight")
                continue
            done = len(session.answered)
            if card.kind == "choice":
                assert "numbers of your choices" in str(screen.query_one("#answer").placeholder)
                keys = [k for k in right(card) if k != " "]
                await pilot.press(*keys)
                if len(card.answer) > 1:
                    await pilot.press("enter")  # several numbers, then Enter
            else:
                screen.query_one("#answer").text = right(card)
                await pilot.press("ctrl+s")
            await until(pilot, lambda d=done: len(session.answered) > d and screen.phase == "judged",
                        what="the judgement")
            if card.framework == first.framework:
                seen.append((card.kind, session.answered[-1].verdict))
            if card.framework == first.framework and card.kind == "choice":
                feedback = shown_text(screen.query_one("#feedback"))
                assert "a blank to fill in comes next" in feedback and "rating" not in feedback
            if card.framework == first.framework and card.stage == "recall":
                break
            await pilot.press("enter")
            await until(pilot, lambda c=card: session.current is not c, what="the next card")
        assert seen == [("choice", "correct"), ("cloze", "correct"), ("recall", "correct")]
        await pilot.press("enter", "escape")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen), what="the summary")
        assert "learning   " in shown_text(app.screen.query_one("#summary"))
    assert Store.open("lin").stages()[first.framework] == "learned"
