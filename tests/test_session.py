"""A drill session on a real deck: timing, hints, grading, overrides and the
summary, with every answer handed to the recorder exactly once."""

from __future__ import annotations

from conftest import DECKS

from drill.core import deck as decks
from drill.core.session import Session, hint_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class ListRecorder:
    def __init__(self) -> None:
        self.records = []
        self.amends = []

    def record(self, answered) -> None:
        answered.rating = 3 if answered.verdict == "correct" else 1
        answered.receipt = len(self.records)
        self.records.append((answered.card.id, answered.typed, answered.verdict, answered.hints))

    def amend(self, answered) -> None:
        self.amends.append((answered.receipt, answered.verdict))


def cards():
    deck = decks.load(next(iter(sorted(DECKS.glob("001_*.toml")))))
    return deck.cards()


def test_a_session_grades_times_and_records_each_answer_once():
    all_cards = cards()
    recall = [c for c in all_cards if c.kind == "recall"][:3]
    clock, recorder = Clock(), ListRecorder()
    session = Session(recall, recorder=recorder, clock=clock)
    session.show()
    clock.now += 12.5
    first = session.submit("\n".join(recall[0].answer))
    assert first.verdict == "correct" and first.seconds == 12.5
    session.next()
    clock.now += 3
    second = session.submit(recall[1].answer[0])
    assert second.verdict in ("partial", "wrong") and second.seconds == 3
    session.next()
    third = session.submit("不知道")
    assert third.verdict == "wrong"
    # the two missed cards come back, in the order they were missed
    assert session.next() is recall[1] and session.again()
    assert session.submit("\n".join(recall[1].answer)).verdict == "correct"
    assert session.next() is recall[2]
    assert session.submit("不知道").verdict == "wrong"
    assert session.next() is recall[2]  # still missed: again, as nothing else is left
    assert session.submit("\n".join(recall[2].answer)).verdict == "correct"
    assert session.next() is None and session.finished
    assert [r[0] for r in recorder.records] == [c.id for c in recall] + [recall[1].id, recall[2].id, recall[2].id]
    summary = session.summary()
    assert summary.done == 6 and summary.correct == 3 and summary.cards == 3
    assert summary.first_correct == 1 and summary.accuracy == 1 / 3
    assert summary.relearned == [recall[1], recall[2]] and summary.still_missed == []
    missed_items = {item for _, item in summary.missed}
    assert set(recall[2].answer) <= missed_items
    assert not set(recall[0].answer) & missed_items


def test_a_missed_card_comes_back_after_four_others_until_it_is_right():
    recall = [c for c in cards() if c.kind == "recall"][:7]
    session = Session(recall)
    session.show()
    session.submit("不知道")  # the first card, missed
    order = []
    while session.next() is not None:
        order.append(session.current.id)
        card = session.current
        session.submit("\n".join(card.answer))
    ids = [c.id for c in recall]
    assert order == ids[1:5] + [ids[0]] + ids[5:]
    summary = session.summary()
    assert summary.relearned == [recall[0]] and summary.first_correct == 6 and summary.cards == 7


def test_an_override_decides_whether_a_card_comes_back():
    recall = [c for c in cards() if c.kind == "recall"][:2]
    session = Session(recall)
    session.show()
    session.submit("不知道")
    session.override(True)  # it was right after all: it does not come back
    assert session.next() is recall[1]
    session.submit("\n".join(recall[1].answer))
    session.override(False)  # it was wrong after all: it comes back
    assert session.next() is recall[1]
    session.submit("\n".join(recall[1].answer))
    assert session.next() is None
    summary = session.summary()
    assert summary.still_missed == [] and summary.relearned == [recall[1]]


def test_override_amends_the_record_instead_of_adding_one():
    card = [c for c in cards() if c.kind == "recall"][0]
    recorder = ListRecorder()
    session = Session([card], recorder=recorder)
    session.show()
    answered = session.submit("不知道")
    assert answered.verdict == "wrong"
    session.override(True)
    assert answered.verdict == "correct" and answered.score == 1.0
    assert len(recorder.records) == 1
    assert recorder.amends == [(0, "correct")]
    assert session.summary().correct == 1 and session.summary().missed == []


def test_hints_reveal_the_next_items_first_characters_and_are_recorded():
    card = [c for c in cards() if c.kind == "recall" and len(c.answer) >= 3][0]
    recorder = ListRecorder()
    session = Session([card], recorder=recorder)
    session.show()
    assert session.hint() == card.answer[0][0] + "…"
    assert session.hint() == "、".join(a[0] + "…" for a in card.answer[:2])
    session.submit("\n".join(card.answer))
    assert recorder.records[0][3] == 2
    assert hint_for(card, 99).count("…") == len(card.answer)


def test_a_cloze_answered_with_another_item_of_its_framework_is_wrong():
    cloze = [c for c in cards() if c.kind == "cloze"][0]
    assert cloze.others
    session = Session([cloze])
    session.show()
    assert session.submit(cloze.others[0]).verdict == "wrong"


def test_a_hint_gives_a_character_not_a_quote_mark():
    from drill.core.deck import Card

    card = Card("x/recall", "d", "x", "recall", "p", ["“六渝”举措", "【双一号】工程", "——奋进"], True)
    assert hint_for(card, 3) == "六…、双…、奋…"
