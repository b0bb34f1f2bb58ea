"""What a trainee confuses: intrusions recorded with the answer, tallied,
shown in stats and in the class report, and taken back with an undo."""

from __future__ import annotations

import pytest
from conftest import DECKS

from drill import cli
from drill.core import deck as decks
from drill.core import stats
from drill.core.session import Intruders, Session
from drill.core.store import Store, check_trainee, store_dir

DECK = DECKS / "001_2cf52c944239bc02.toml"

# every test on both engines (conftest.py), but those of TinyDB's files
pytestmark = pytest.mark.usefixtures("engine_kind")


def pair(deck):
    """A framework to ask, and another whose first item is a plain phrase."""
    target = next(fw for fw in deck.frameworks if fw.kind == "abbreviation" and len(fw.items) >= 3)
    other = next(fw for fw in deck.frameworks if fw.id != target.id and len(fw.items) >= 2
                 and not set(fw.items) & set(target.items)
                 and 3 <= len(fw.items[0]) <= 8 and all("\u4e00" <= ch <= "\u9fff" for ch in fw.items[0]))
    return target, other


def confuse(store, deck):
    target, other = pair(deck)
    card = next(c for c in deck.cards() if c.framework == target.id and c.kind == "recall")
    session = Session([card], store, intruders=Intruders([deck]))
    session.show()
    answered = session.submit("\n".join([*target.items[:-1], other.items[0]]))
    return session, answered, target, other


def test_an_intrusion_is_recorded_tallied_and_shown_in_stats(drill_home):
    deck = decks.load(DECK)
    store = Store.open("lin")
    _session, answered, target, other = confuse(store, deck)
    assert [(i.typed, i.framework) for i in answered.grade.intrusions] == [(other.items[0], other.name)]
    (review,) = Store.open("lin").reviews()
    assert review.intrusions == [[other.items[0], other.name]]
    (tally,) = Store.open("lin").confusions()
    assert (tally.fw, tally.other, tally.count) == (target.id, other.name, 1)
    result = stats.compute(Store.open("lin"), [deck])
    assert [c.said() for c in result.confusions] == [f"you confuse {target.name} with {other.name}"]
    assert result.as_json()["confusions"][0]["other"] == other.name


def test_an_undone_answer_takes_its_confusion_back(drill_home):
    deck = decks.load(DECK)
    store = Store.open("lin")
    session, _answered, _target, _other = confuse(store, deck)
    session.undo()
    assert [c.count for c in Store.open("lin").confusions()] == [0]
    assert stats.compute(Store.open("lin"), [deck]).confusions == []
    assert check_trainee("lin") == []


@pytest.mark.tinydb_only
def test_the_report_names_the_class_s_confusions(drill_home, tmp_path, capsys):
    deck = decks.load(DECK)
    for user in ("lin", "wang"):
        confuse(Store.open(user), deck)
    _target, other = pair(deck)
    assert cli.main(["report", str(store_dir("lin").parent)]) == 0
    out = capsys.readouterr().out
    assert "most frequent confusions in the class:" in out and "2×" in out and other.name in out
    sheet = tmp_path / "class.csv"
    assert cli.main(["report", str(store_dir("lin").parent), "--csv", str(sheet)]) == 0
    header, *rows = sheet.read_text("utf-8-sig").splitlines()
    assert header.endswith(",confusions") and all(other.name in row for row in rows)
