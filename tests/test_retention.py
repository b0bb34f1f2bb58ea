"""Retention has one definition (answers passed, of all answers), named
`retention` in stats and the report, and null where there is no answer."""

from __future__ import annotations

import json

from conftest import DECKS

from drill import cli
from drill.core import deck as decks
from drill.core import stats
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import Store, store_dir

DECK = DECKS / "001_2cf52c944239bc02.toml"


def answer(card, typed=None):
    typed = "、".join(card.answer) if typed is None else typed
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def test_retention_is_null_before_any_answer(drill_home, capsys, engine_kind):
    deck = decks.load(DECK)
    Store.open("lin").close()
    result = stats.compute(Store.open("lin"), [deck])
    assert result.retention is None and result.as_json()["retention"] is None
    assert all(d["retention"] is None for d in result.as_json()["decks"])


def test_retention_is_the_share_of_answers_passed_everywhere(drill_home, capsys, engine_kind):
    deck = decks.load(DECK)
    store = Store.open("lin")
    cards = [c for c in deck.cards() if c.kind == "recall"][:4]
    for card in cards[:3]:
        store.record(answer(card))
    store.record(answer(cards[3], "不知道"))
    result = stats.compute(Store.open("lin"), [deck])
    assert result.retention == 0.75
    (shown,) = [d for d in result.decks if d.seen]
    assert shown.retention == 0.75
    assert cli.main(["stats", "--user", "lin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["retention"] == 0.75
    if engine_kind == "tinydb":  # the report reads copies of trainees' folders
        assert cli.main(["report", str(store_dir("lin")), "--json"]) == 0
        assert [json.loads(line)["retention"] for line in capsys.readouterr().out.splitlines()] == [0.75]
    assert cli.main(["stats", "--user", "lin"]) == 0
    assert "retention: 75% of answers passed" in capsys.readouterr().out
