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
    assert session.next() is None and session.finished
    assert [r[0] for r in recorder.records] == [c.id for c in recall]
    summary = session.summary()
    assert summary.done == 3 and summary.correct == 1
    assert summary.accuracy == 1 / 3
    missed_items = {item for _, item in summary.missed}
    assert set(recall[2].answer) <= missed_items
    assert not set(recall[0].answer) & missed_items


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
