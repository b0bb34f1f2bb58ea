"""Rotating backups of a progress store, and `drill store check` / `drill
store repair`: real stores in a temporary DRILL_HOME, real zip files."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from conftest import DECKS

from drill import cli
from drill.core import backups
from drill.core import deck as decks
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import Store, store_dir

MARCH = dt.datetime(2026, 3, 2, 9, 0).timestamp()


def cards():
    return [c for c in decks.load(DECKS / "001_2cf52c944239bc02.toml").cards() if c.kind == "recall"]


def answered(card):
    typed = "、".join(card.answer)
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def drilled(count: int, start: float = MARCH) -> Store:
    store = Store.open("lin")
    for n in range(count):
        store.record(answered(cards()[n % 5]), now=start + 60 * n)
    return store


def test_closing_a_store_written_to_makes_a_backup_outside_it(drill_home):
    drilled(3).close()
    (backup,) = backups.backups(store_dir("lin"))
    assert backup.parent == drill_home / "backups" / "lin"
    with zipfile.ZipFile(backup) as zf:
        # March is a closed month: its log was packed as the store closed, before the backup
        assert sorted(zf.namelist()) == ["reviews-2026-03.json.gz", "trainee.json"]
        assert zf.read("trainee.json") == (store_dir("lin") / "trainee.json").read_bytes()
    assert not [p for p in store_dir("lin").iterdir() if p.suffix == ".zip"]
    Store.open("lin").close()  # nothing written: no backup
    drilled(1).close()  # written, but the last backup is younger than half an hour
    assert len(backups.backups(store_dir("lin"))) == 1


def test_backups_rotate_keeping_the_newest_ten(drill_home, monkeypatch):
    monkeypatch.setattr(backups, "BACKUP_EVERY_S", 0)
    made = []
    for n in range(12):
        store = drilled(1, MARCH + 600 * n)
        made.append(backups.make(store, now=MARCH + 600 * n))
    kept = backups.backups(store_dir("lin"))
    assert len(kept) == backups.BACKUPS_KEPT and kept == sorted(made, reverse=True)[:10]


def test_store_check_healthy_and_a_tally_that_does_not_count_the_log(drill_home, capsys):
    drilled(4).close()
    assert cli.main(["store", "check", "--user", "lin"]) == 0
    assert "healthy" in capsys.readouterr().out
    # a card state that lost a review (what an override race did)
    path = store_dir("lin") / "trainee.json"
    text = path.read_text("utf-8").replace('"reps":1,', '"reps":7,', 1)
    path.write_text(text, "utf-8")
    assert cli.main(["store", "check", "--user", "lin"]) == 1
    out = capsys.readouterr().out
    assert "card states do not count the reviews" in out and str(path) in out
    assert path.read_text("utf-8") == text  # check writes nothing
    assert cli.main(["store", "repair", "--user", "lin"]) == 1
    assert "rebuilt" in capsys.readouterr().out
    assert cli.main(["store", "check", "--user", "lin"]) == 0
    store = Store.open("lin")
    assert sum(c.reps for c in store.cards()) == 4 and store.applied_seq() == 4
    assert cli.main(["store", "repair", "--user", "lin"]) == 0  # healthy: nothing done


def test_store_repair_restores_the_newest_good_backup_and_keeps_the_damaged_store(drill_home, capsys,
                                                                                  monkeypatch):
    monkeypatch.setattr(backups, "BACKUP_EVERY_S", 0)
    drilled(3).close()
    good = backups.backups(store_dir("lin"))[0]
    path = store_dir("lin") / "trainee.json"
    with open(path, "ab") as fh:
        fh.write(b'["cards",999,{"x":1}]\n')
    damaged = path.read_bytes()
    assert cli.main(["store", "check", "--user", "lin"]) == 1
    assert f"{path}:" in capsys.readouterr().out
    assert cli.main(["store", "repair", "--user", "lin"]) == 1
    out = capsys.readouterr().out
    assert str(good) in out
    assert cli.main(["store", "check", "--user", "lin"]) == 0
    assert len(list(Store.open("lin").reviews())) == 3
    (aside,) = (drill_home / "backups" / "lin").glob("replaced-*")
    assert (aside / "trainee.json").read_bytes() == damaged  # nothing already saved is lost


def test_store_repair_from_a_backup_file(drill_home, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "BACKUP_EVERY_S", 0)
    drilled(2).close()
    first = backups.backups(store_dir("lin"))[0]
    drilled(3, MARCH + 3600).close()
    assert len(list(Store.open("lin").reviews())) == 5
    assert cli.main(["store", "repair", "--user", "lin", "--from-backup", str(first)]) == 1
    assert len(list(Store.open("lin").reviews())) == 2
    capsys.readouterr()
    not_zip = tmp_path / "b.zip"
    not_zip.write_text("hello", "utf-8")
    assert cli.main(["store", "repair", "--user", "lin", "--from-backup", str(not_zip)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(not_zip) in err and "Traceback" not in err
    assert cli.main(["store", "repair", "--user", "lin", "--from-backup", str(tmp_path / "none.zip")]) == 2
    assert len(list(Store.open("lin").reviews())) == 2  # left as it was


def test_store_usage_errors_exit_2(drill_home, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["store"])
    assert exit_.value.code == 2
    assert cli.main(["store", "check", "--user", "nobody"]) == 2


def test_store_check_reports_answers_the_state_lacks_and_repair_replays_them(drill_home, capsys):
    store = drilled(2)
    path = store_dir("lin") / "trainee.json"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:-2]) + b"\n")  # the last answer's state line lost
    assert cli.main(["store", "check", "--user", "lin"]) == 1
    assert "lack answers" in capsys.readouterr().out
    assert cli.main(["store", "repair", "--user", "lin"]) == 1
    assert cli.main(["store", "check", "--user", "lin"]) == 0
    assert json.loads(path.read_text("utf-8").splitlines()[0]) == {"drill-store": 2}
    assert sum(c.reps for c in Store.open("lin").cards()) == 2
    store.close()
