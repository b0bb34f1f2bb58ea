"""Verdicts, overrides and ratings are enums in the code and plain strings
and numbers on the wire: `drill grade` prints, and the review log stores,
exactly what it did when they were spelled as strings."""

from __future__ import annotations

import dataclasses
import io
import json

import fsrs
import pytest
from conftest import DECKS

from drill import cli
from drill.core import deck as decks
from drill.core import scheduler
from drill.core.grading import ItemVerdict, Override, Verdict, grade
from drill.core.scheduler import Rating
from drill.core.session import Session
from drill.core.store import Store, StoreError, check
from drill.tui.widgets.feedback import verdict_text

SAN_ZHUA = ["抓学习促提升", "抓执行促落实", "抓效能促发展"]


def drill_grade(monkeypatch, capsys, *requests: dict) -> str:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode("utf-8")), encoding="utf-8"))
    assert cli.main(["grade"]) == 0
    return capsys.readouterr().out


def test_drill_grade_prints_every_verdict_as_it_always_did(monkeypatch, capsys):
    out = drill_grade(monkeypatch, capsys,
                      {"expected": SAN_ZHUA, "answer": "抓效能促发展、抓学习促提高", "ordered": True},
                      {"expected": SAN_ZHUA, "answer": "、".join(SAN_ZHUA)},
                      {"expected": SAN_ZHUA, "answer": "不知道"})
    partial, correct, wrong = out.splitlines()
    # the bytes drill printed when the verdicts were plain strings
    assert partial == (
        '{"score": 0.3333, "verdict": "partial", "items": ['
        '{"expected": "抓学习促提升", "typed": "抓学习促提高", "verdict": "close"}, '
        '{"expected": "抓执行促落实", "typed": "", "verdict": "missing"}, '
        '{"expected": "抓效能促发展", "typed": "抓效能促发展", "verdict": "out_of_place"}], '
        '"extra": [], "intrusions": []}')
    assert json.loads(correct)["verdict"] == "correct"
    assert json.loads(wrong)["verdict"] == "wrong"
    for line in (partial, correct, wrong):
        got = json.loads(line)
        assert type(got["verdict"]) is str
        assert all(type(item["verdict"]) is str for item in got["items"])


def test_a_grade_carries_enum_members():
    g = grade(SAN_ZHUA, "抓效能促发展、抓学习促提高", ordered=True)
    assert g.verdict is Verdict.PARTIAL
    assert [item.verdict for item in g.items] == [ItemVerdict.CLOSE, ItemVerdict.MISSING, ItemVerdict.OUT_OF_PLACE]
    assert all(type(item.verdict) is ItemVerdict for item in g.items)
    assert grade(SAN_ZHUA, "不知道").verdict is Verdict.WRONG
    assert grade(SAN_ZHUA, "、".join(SAN_ZHUA)).verdict is Verdict.CORRECT
    # a value read back from JSON is a plain string, and still compares equal
    assert Verdict.PARTIAL == "partial" and Verdict("partial") is Verdict.PARTIAL


def test_the_ratings_are_fsrs_ratings_by_value():
    assert {r.name.lower(): int(r) for r in Rating} == {r.name.lower(): int(r) for r in fsrs.Rating}
    rating = scheduler.rating_for(Verdict.CORRECT, 1.0, 1.0, 6)
    assert type(rating) is Rating and rating is Rating.EASY
    assert type(scheduler.rating_for(Verdict.CORRECT, 1.0, 1.0, 6, hints=1)) is Rating
    assert type(scheduler.rating_for(Verdict.WRONG, 0.0, 1.0, 6, overridden=Override.RIGHT)) is Rating
    assert scheduler.RATING_NAMES[Rating.AGAIN] == "Again" and scheduler.RATING_NAMES[4] == "Easy"


def _session(store: Store):
    deck = decks.load(DECKS / "001_2cf52c944239bc02.toml")
    cards = [c for c in deck.cards() if c.kind == "recall"][:2]
    now = iter(range(100))
    return deck, cards, Session(cards, recorder=store, clock=lambda: float(next(now)))


def test_an_override_goes_through_the_store_as_plain_values_and_comes_back(drill_home):
    store = Store.open("lin")
    deck, cards, session = _session(store)
    session.show()
    answered = session.submit("不知道")
    assert answered.verdict is Verdict.WRONG and answered.rating is Rating.AGAIN
    answered = session.override(True)
    assert answered.overridden is Override.RIGHT
    assert answered.verdict is Verdict.CORRECT and answered.rating is Rating.GOOD
    session.next()
    second = session.submit("、".join(cards[1].answer))
    assert second.overridden is Override.NONE
    store.close()

    # the log holds the plain strings and numbers, the override as one more review
    docs = []
    for path in sorted(store.folder.glob("reviews-*.json")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            row = json.loads(line)
            docs += [r[2] for r in (row if isinstance(row[0], list) else [row])]
    assert [(d["verdict"], d["rating"], d["overridden"]) for d in docs] == [
        ("wrong", 1, ""), ("correct", 3, "right"), ("correct", int(second.rating), "")]
    assert all(type(d["verdict"]) is str and type(d["rating"]) is int and type(d["overridden"]) is str
               for d in docs)

    # read back, a review's judgement is the enums again
    again = Store.open("lin")
    first, later = again.reviews()
    assert first.overridden is Override.RIGHT and later.overridden is Override.NONE
    assert first.verdict is Verdict.CORRECT and first.rating is Rating.GOOD
    assert type(later.verdict) is Verdict and type(later.rating) is Rating
    # the item tallies count an item overridden right as recalled, rebuilt from the log too
    missed = {t.item: t.missed for t in again.items()}
    again.rebuild()
    assert {t.item: t.missed for t in again.items()} == missed
    assert all(missed[item] == 0 for item in cards[0].answer)
    again.close()


def test_the_summary_and_the_feedback_know_a_partial_answer():
    deck = decks.load(DECKS / "001_2cf52c944239bc02.toml")
    card = next(c for c in deck.cards() if c.kind == "recall" and 2 <= len(c.answer) <= 5)
    session = Session([card])
    session.show()
    answered = session.submit("、".join(card.answer[:-1]))  # the last item forgotten
    assert answered.verdict is Verdict.PARTIAL
    summary = session.summary()
    assert (summary.correct, summary.partial, summary.wrong) == (0, 1, 0)
    assert verdict_text(answered.grade).plain.startswith("部分 partial")
    assert verdict_text(dataclasses.replace(answered.grade, verdict=Verdict.WRONG)).plain.startswith("错 wrong")


def test_a_verdict_or_override_the_enums_do_not_know_is_a_damaged_line(drill_home):
    store = Store.open("lin")
    _deck, _cards, session = _session(store)
    session.show()
    session.submit("不知道")
    session.override(True)
    store.close()
    (log,) = store.folder.glob("reviews-*.json")
    good = log.read_text(encoding="utf-8")
    # the answer is the log's line 2, the override (a review of its own) line 3
    for key, was, damaged, line in (("verdict", "wrong", "wrongish", 2), ("overridden", "right", "maybe", 3)):
        assert f'"{key}":"{was}"' in good
        log.write_text(good.replace(f'"{key}":"{was}"', f'"{key}":"{damaged}"'), encoding="utf-8")
        problems = check(store.folder)
        assert len(problems) == 1 and f"{log}:{line}:" in problems[0], problems
        assert f"whose '{key}' is '{damaged}'" in problems[0]
        with pytest.raises(StoreError) as raised:
            Store.open("lin")
        assert str(log) in str(raised.value) and "\n" not in str(raised.value)
