"""A deck's identity: its `id` line, not its file name, so renaming a deck
file keeps the trainee's progress; stores filed under an older id follow."""

from __future__ import annotations

import re
import time

from conftest import DECKS

from drill import cli
from drill.core import deck as decks
from drill.core import stats
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import Store

BUNDLED = DECKS / "001_2cf52c944239bc02.toml"
T0 = time.time() - 7200


def answer(card):
    typed = "、".join(card.answer)
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def copy_deck(folder, name, keep_id=True):
    text = BUNDLED.read_text("utf-8").replace('source = "../seeds/', f'source = "{DECKS.parent}/seeds/', 1)
    if not keep_id:
        text = re.sub(r'^id = ".*"\n', "", text, count=1, flags=re.M)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_a_renamed_deck_keeps_its_id_and_its_progress(tmp_path, drill_home, engine_kind):
    path = copy_deck(tmp_path, "speech.toml")
    deck = decks.load(path)
    assert deck.id == "001_2cf52c944239bc02"
    store = Store.open("lin")
    store.update_settings(learn_first=False)  # every card counted as one (test_learning.py counts frameworks)
    card = deck.cards()[0]
    store.record(answer(card), now=T0)
    renamed = path.rename(tmp_path / "renamed.toml")
    again = decks.load(renamed)
    assert again.id == deck.id
    counts = Store.open("lin").deck_counts(again, now=T0 + 60)
    assert counts.unseen == counts.total - 1
    s = stats.compute(Store.open("lin"), [again], now=T0 + 60)
    assert [(d.deck, d.seen) for d in s.decks] == [(deck.id, 1)]


def test_a_deck_without_an_id_gets_its_file_name_frozen_on_first_save(tmp_path):
    path = copy_deck(tmp_path, "old.toml", keep_id=False)
    deck = decks.load(path)
    assert deck.id == "old" and not deck.ident
    decks.save(deck, path)
    assert 'id = "old"' in path.read_text("utf-8")
    moved = path.rename(tmp_path / "new-name.toml")
    assert decks.load(moved).id == "old"


def test_a_store_filed_under_an_older_id_is_moved_to_the_decks_id(tmp_path, drill_home, engine_kind):
    # progress made when the deck was still known by its file name
    path = copy_deck(tmp_path, "first-name.toml", keep_id=False)
    deck = decks.load(path)
    store = Store.open("lin")
    for card in deck.cards()[:3]:
        store.record(answer(card), now=T0)
    store.set_last_decks(["first-name"])
    store.close()
    # the deck is now a deck of its own id
    text = path.read_text("utf-8").replace('title = "', 'id = "speech-7"\ntitle = "', 1)
    path.write_text(text, "utf-8")
    deck = decks.load(path)
    assert deck.id == "speech-7"
    store = Store.open("lin")
    assert {c.deck for c in store.cards()} == {"first-name"}
    assert store.adopt([deck]) == 3
    again = Store.open("lin")
    assert {c.deck for c in again.cards()} == {"speech-7"}
    assert {i.deck for i in again.items()} == {"speech-7"}
    assert again.last_decks() == ["speech-7"]
    assert again.adopt([deck]) == 0  # nothing more to move, nothing written


def test_two_deck_files_with_one_id_use_the_first_and_name_the_second(tmp_path, capsys):
    copy_deck(tmp_path, "a.toml")
    copy_deck(tmp_path, "b.toml")
    found, errors = decks.load_all([tmp_path])
    assert [d.path.name for d in found] == ["a.toml"]
    assert len(errors) == 1 and errors[0].startswith(str(tmp_path / "b.toml")) and "a.toml" in errors[0]


def test_a_bad_id_is_reported_with_its_line(tmp_path, capsys):
    path = copy_deck(tmp_path, "bad.toml")
    text = re.sub(r'^id = ".*"$', 'id = "a/b"', path.read_text("utf-8"), count=1, flags=re.M)
    path.write_text(text, "utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("id = "))
    assert cli.main(["deck", "check", str(path)]) != 0
    err = capsys.readouterr()
    assert f"{path}:{line}:" in err.out + err.err and "'id'" in err.out + err.err
