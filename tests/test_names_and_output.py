"""Names and output: every trainee name has a store of its own, and what
drill prints to a terminal or a spreadsheet never runs (control characters
and terminal escapes shown escaped, formula cells neutralised)."""

from __future__ import annotations

import datetime as dt

from conftest import DECKS

from drill import cli
from drill.core import deck as decks
from drill.core.grading import grade
from drill.core.session import Answered
from drill.core.store import Store
from drill.core.text import printable

T0 = dt.datetime(2026, 3, 2, 9, 0).timestamp()


def test_printable_escapes_controls_escapes_and_bidi_overrides_only():
    assert printable("三抓三促\x1b[31m红") == "三抓三促\\x1b[31m红"
    assert printable("a\nb\tc\rd\x00") == "a\\x0ab\\x09c\\x0dd\\x00"
    assert printable("abc\u202edef") == "abc\\u202edef"
    assert printable("“四个意识”（参考）、——第一") == "“四个意识”（参考）、——第一"


def test_the_deck_list_shows_a_title_with_escapes_escaped(tmp_path, capsys):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "bad.toml").write_text(
        'format = 1\ntitle = "坏\\u001b[2J\\u001b[31m标题"\n\n[[frameworks]]\nid = "par-1"\n'
        'kind = "parallel"\nname = "三项"\nitems = ["守规矩", "强作风", "优环境"]\n', "utf-8")
    assert cli.main(["--list", "--decks", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "坏\\x1b[2J\\x1b[31m标题" in out


def _answer(card):
    typed = "、".join(card.answer)
    return Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)


def test_stats_and_the_report_escape_a_trainee_name_and_neutralise_formula_cells(
        drill_home, tmp_path, capsys):
    card = [c for c in decks.load(DECKS / "001_2cf52c944239bc02.toml").cards() if c.kind == "recall"][0]
    for name in ("=HYPERLINK(1)", "红\x1b[31m"):
        store = Store.open(name)
        store.record(_answer(card), now=T0)
        store.close()
    assert cli.main(["stats", "--user", "红\x1b[31m"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "红\\x1b[31m" in out
    sheet = tmp_path / "class.csv"
    assert cli.main(["report", str(drill_home), "--csv", str(sheet)]) == 0
    rows = sheet.read_text("utf-8-sig").splitlines()[1:]
    assert any(row.startswith("'=HYPERLINK(1)") for row in rows), rows
    assert not any(row.startswith("=") for row in rows)
    assert cli.main(["report", str(drill_home)]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_different_trainee_names_never_share_a_store(drill_home, engine_kind):
    from drill.core.store import profiles, store_dir

    names = ["a/b", "a_b", "a:b", "x" * 80 + "1", "x" * 80 + "2", "..", ".hidden", "100%"]
    folders = {store_dir(name) for name in names}
    assert len(folders) == len(names)
    for folder in folders:
        assert folder.parent == drill_home / "progress"
    for name in names:
        Store.open(name).close()
    assert sorted(profiles()) == sorted(names)
    assert {Store.open(name).name for name in names} == set(names)


def test_a_name_too_long_for_a_folder_is_a_clear_error(drill_home, capsys, engine_kind):
    assert cli.main(["settings", "--user", "林" * 100, "--retention", "0.8"]) == 1
    err = capsys.readouterr().err
    assert "too long" in err and len(err.strip().splitlines()) == 1


def test_a_store_made_under_the_older_folder_name_is_still_found(drill_home):
    from drill.core.store import store_dir

    old = drill_home / "progress" / "a_b"
    Store.open("a/b", folder=old).close()  # as an earlier drill named it
    assert store_dir("a/b") == old
    assert Store.open("a/b").folder == old
    assert store_dir("a:b") != old  # its profile names another trainee
