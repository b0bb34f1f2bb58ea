"""Sharing decks: the Anki package is imported into a real Anki collection
(the ``anki`` package, as the desktop app uses it), and the spreadsheet is
written, read back with the csv module, and imported again with the command.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import DECKS
from test_bad_input import assert_one_line_error, run

from drill.core import deck as decks
from drill.core import share
from drill.core.frameworks import framework_id

SHIPPED = sorted(DECKS.glob("*.toml"))
DECK_000 = DECKS / "000_1683a12e265f175a.toml"


def strip_html(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def anki_import(collection_path: Path, package: Path, *, always: bool = False):
    """Import a package into the collection at ``collection_path`` (made if missing)."""
    col = Collection(str(collection_path))
    try:
        options = ImportAnkiPackageOptions()
        if always:
            options.update_notes = 1  # IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
        log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options)).log
        notes = {}
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            notes[note["Card"]] = note
        seen = {
            "notes": col.note_count(),
            "cards": col.card_count(),
            "new": len(log.new), "updated": len(log.updated), "duplicate": len(log.duplicate),
            "by_card": {key: {"type": note.note_type()["name"], "cloze": note.note_type()["type"] == 1,
                              "fields": dict(note.items()), "tags": list(note.tags),
                              "cards": [(c.question(), c.answer(), col.decks.name(c.did))
                                        for c in note.cards()]}
                        for key, note in notes.items()},
        }
    finally:
        col.close()
    return seen


def write_deck(path: Path, frameworks: str, title: str = "测试讲话") -> Path:
    path.write_text(f'format = 1\ntitle = "{title}"\nsource = ""\n\n{frameworks}', "utf-8")
    return path


# --------------------------------------------------------------------------
# Anki


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_anki_package_of_a_bundled_deck_imports_into_real_anki(tmp_path, capsys, path):
    deck = decks.load(path)
    cards = deck.cards()
    out = tmp_path / "deck.apkg"
    code, _, err = run(capsys, "deck", "export", str(path), "--anki", str(out))
    assert code == 0, err
    assert f"{len(cards)} notes" in err
    seen = anki_import(tmp_path / "collection.anki2", out)
    # one note and one card per drill card, nothing else in the collection
    assert seen["notes"] == len(cards) and seen["cards"] == len(cards) and seen["new"] == len(cards)
    frameworks = {fw.id: fw for fw in deck.frameworks}
    assert set(seen["by_card"]) == {f"{deck.id}/{c.id}" for c in cards}
    for card in cards:
        got = seen["by_card"][f"{deck.id}/{card.id}"]
        fw = frameworks[card.framework]
        fields = got["fields"]
        assert got["tags"] == sorted({*fw.tags, f"drill::{card.kind}"}, key=str.lower)
        assert [name for _, _, name in got["cards"]] == [deck.title]
        assert strip_html(fields["Quote"]) == fw.quote
        question, answer = (strip_html(x) for x in got["cards"][0][:2])
        if card.kind == "cloze":
            item = card.answer[0]
            assert got["cloze"] and got["type"] == "drill 提法 填空"
            assert html.unescape(fields["Text"]) == card.context.replace(decks.BLANK, f"{{{{c1::{item}}}}}", 1)
            assert "[...]" in question and card.prompt in question
            assert item in answer
        else:
            assert not got["cloze"] and got["type"] == "drill 提法"
            assert strip_html(fields["Prompt"]) == card.prompt
            assert re.findall(r"<li>(.*?)</li>", fields["Answer"]) == \
                [html.escape(a, quote=False) for a in card.answer] or \
                (len(card.answer) == 1 and html.unescape(fields["Answer"]) == card.answer[0])
            assert card.prompt in question
            for item in card.answer:
                assert item in answer
            if card.kind == "order":  # the items to put in order are on the front, shuffled
                shown = [strip_html(x) for x in re.findall(r"<li>(.*?)</li>", fields["Context"])]
                assert sorted(shown) == sorted(card.answer)
                assert shown == share.order_shown(card)
    kinds = {k: sum(1 for c in cards if c.kind == k) for k in decks.CARD_KINDS}
    assert sum(1 for g in seen["by_card"].values() if g["cloze"]) == kinds["cloze"]
    print(f"{path.stem}: {seen['notes']} notes, {seen['cards']} cards in Anki; {kinds}")


def test_reexporting_updates_the_notes_in_anki_instead_of_adding_copies(tmp_path, capsys):
    path = tmp_path / "deck.toml"
    path.write_bytes(DECK_000.read_bytes())
    deck = decks.load(path)
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    share.export_anki(deck, first, timestamp=1_700_000_000)
    collection = tmp_path / "collection.anki2"
    seen = anki_import(collection, first)
    total = seen["notes"]
    # the same package again adds nothing
    again = anki_import(collection, first)
    assert again["notes"] == total and again["cards"] == total and again["new"] == 0
    # an instructor edits a note and a name, and exports again, later
    fw = deck.frameworks[0]
    fw.note = "考试常考"
    fw.name = "三点意见"
    decks.save(deck, path)
    share.export_anki(decks.load(path), second, timestamp=1_700_000_100)
    updated = anki_import(collection, second)
    assert updated["notes"] == total and updated["cards"] == total and updated["new"] == 0
    assert updated["updated"] == total  # a newer package: Anki takes every note from it, in place
    recall = updated["by_card"][f"{deck.id}/{fw.id}/recall"]["fields"]
    assert recall["Note"] == "考试常考" and recall["Prompt"].startswith("三点意见：")
    assert seen["by_card"][f"{deck.id}/{fw.id}/recall"]["fields"]["Note"] == ""


def test_anki_ids_are_derived_not_random(tmp_path):
    deck = decks.load(DECK_000)
    a, b = share.anki_deck(deck), share.anki_deck(decks.load(DECK_000))
    assert a.deck_id == b.deck_id
    assert [n.guid for n in a.notes] == [n.guid for n in b.notes]
    assert len({n.guid for n in a.notes}) == len(a.notes)
    assert [n.model.model_id for n in a.notes] == [n.model.model_id for n in b.notes]
    other = share.anki_deck(decks.load(SHIPPED[1]))
    assert other.deck_id != a.deck_id
    assert {n.model.model_id for n in other.notes} == {n.model.model_id for n in a.notes}


def test_anki_shows_markup_in_a_deck_as_text(tmp_path):
    """`[bold]`, `<b>`, `&amp;` and Anki's own cloze syntax in a deck reach the trainee as typed."""
    items = ["[bold]抓学习[/bold]", "<b>抓执行</b>", "抓{{c2::效能}}", "A&amp;B: C"]
    path = write_deck(tmp_path / "markup.toml", "[[frameworks]]\n" + "\n".join([
        'id = "enu-markup"', 'kind = "enumeration"', 'name = "<i>四个</i>[red]抓[/red]"',
        "items = [" + ", ".join(f"'{i}'" for i in items) + "]",
        "ordered = true", 'tags = ["<script>", "两 个词"]', "note = '<img src=x onerror=alert(1)>'",
        "quote = '一是[bold]抓学习[/bold]，二是<b>抓执行</b>，三是抓{{c2::效能}}，四是A&amp;B: C。'",
    ]) + "\n")
    deck = decks.load(path)
    out = tmp_path / "markup.apkg"
    share.export_anki(deck, out)
    seen = anki_import(tmp_path / "collection.anki2", out)
    cards = deck.cards()
    assert seen["notes"] == len(cards) and seen["cards"] == len(cards)  # no second cloze from {{c2::
    for card in cards:
        got = seen["by_card"][f"{deck.id}/{card.id}"]
        for name, value in got["fields"].items():
            assert "<b>" not in value and "<i>" not in value and "<img" not in value, (name, value)
        question, answer = got["cards"][0][:2]
        assert "<img" not in answer and "<b>抓" not in answer
        if card.kind == "cloze":
            assert got["fields"]["Text"].count("{{c1::") == 1
            assert card.answer[0] in strip_html(answer)
        else:
            for item in card.answer:
                assert item in strip_html(answer)
        assert "两_个词" in got["tags"] and "<script>" in got["tags"]
    recall = seen["by_card"][f"{deck.id}/enu-markup/recall"]
    assert strip_html(recall["fields"]["Prompt"]) == cards[0].prompt
    assert strip_html(recall["fields"]["Note"]) == "<img src=x onerror=alert(1)>"


# --------------------------------------------------------------------------
# spreadsheets: the round trip


def frameworks_of(deck) -> list[tuple]:
    return [(fw.id, fw.kind, fw.name, fw.items, fw.ordered, fw.tags, fw.note, fw.quote, fw.start, fw.end)
            for fw in deck.frameworks]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_csv_round_trip_of_a_bundled_deck_gives_back_the_same_deck(tmp_path, capsys, path):
    sheet = tmp_path / "sheet" / "deck.csv"
    sheet.parent.mkdir()
    code, _, err = run(capsys, "deck", "export", str(path), "--csv", str(sheet))
    assert code == 0, err
    out = tmp_path / "decks" / "deck.toml"
    out.parent.mkdir()
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out))
    assert code == 0, err
    original, imported = decks.load(path), decks.load(out)
    assert frameworks_of(imported) == frameworks_of(original)
    assert (imported.title, imported.encoding, imported.note) == (original.title, original.encoding, original.note)
    assert imported.reference == original.reference
    if original.reference:  # no speech; where each framework was stated comes back
        assert imported.source_path() is None
        assert [(fw.document, fw.year, fw.url, fw.aliases) for fw in imported.frameworks] == \
            [(fw.document, fw.year, fw.url, fw.aliases) for fw in original.frameworks]
    else:
        assert imported.source_path().resolve() == original.source_path().resolve()
    assert [c.id for c in imported.cards()] == [c.id for c in original.cards()]
    # and the imported deck passes `drill deck check`, items checked against the speech
    assert decks.check(out) == (decks.check(out)[0], [])
    code, _, err = run(capsys, "deck", "check", str(out))
    assert code == 0 and "ok" in err


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_exported_csv_reads_back_with_the_csv_module_as_excel_would(tmp_path, path):
    sheet = tmp_path / "deck.csv"
    share.export_table(decks.load(path), sheet)
    data = sheet.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads it as UTF-8
    with open(sheet, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, dialect="excel"))
    deck = decks.load(path)
    header = next(i for i, row in enumerate(rows) if row[:len(share.COLUMNS)] == list(share.COLUMNS))
    columns = rows[header]
    if deck.reference:  # no speech; where each framework was stated, in columns of its own
        assert [row[0] for row in rows[:header]] == ["title", "id", "reference", "note"] and rows[0][1] == deck.title
        assert columns[len(share.COLUMNS):] == ["document", "year", "url", "aliases"]
    else:
        assert [row[0] for row in rows[:header]] == ["title", "id", "source"] and rows[0][1] == deck.title
        assert rows[1][1] == deck.id
        # the speech, relative to the sheet (or absolute when the two share only the root)
        assert (sheet.parent / rows[2][1]).resolve() == deck.source_path().resolve()
        assert columns == list(share.COLUMNS)  # nothing new for a speech's deck
    body = [dict(zip(columns, row)) for row in rows[header + 1:]]
    assert len(body) == len(deck.frameworks)
    for row, fw in zip(body, deck.frameworks):
        assert (row["id"], row["kind"], row["name"]) == (fw.id, fw.kind, fw.name)
        assert share.split_items(row["items"]) == fw.items
        if not any("、" in i for i in fw.items):
            assert row["items"] == "、".join(fw.items)  # what an instructor types
        assert row["ordered"] == ("true" if fw.ordered else "false")
        assert row["tags"].split() == fw.tags


def test_tsv_export_and_import_and_a_tab_separated_file_named_csv(tmp_path, capsys):
    sheet = tmp_path / "deck.tsv"
    share.export_table(decks.load(DECK_000), sheet)
    assert "\t" in sheet.read_text("utf-8-sig").splitlines()[2]
    assert frameworks_of(share.read_table(sheet, tmp_path / "a.toml").deck) == frameworks_of(decks.load(DECK_000))
    misnamed = tmp_path / "deck.csv"
    misnamed.write_bytes(sheet.read_bytes())
    assert frameworks_of(share.read_table(misnamed, tmp_path / "b.toml").deck) == \
        frameworks_of(decks.load(DECK_000))


# --------------------------------------------------------------------------
# spreadsheets written by hand

HEADER = "kind,name,items,ordered,tags,note\n"


def test_hand_written_sheet_in_gbk_as_excel_saves_it_on_chinese_windows(tmp_path, capsys):
    text = ("title,三抓三促动员会\r\n" + HEADER.replace("\n", "\r\n")
            + "abbreviation,三抓三促,抓学习促提升、抓执行促落实、抓效能促发展,否,缩略语 重点,\r\n"
            + "enumeration,四个要,\"要解放思想\n要领导带头\n要创新方法\n要改进作风\",TRUE,,考试常考\r\n"
            + ",,,,,\r\n")
    gbk = tmp_path / "手写.csv"
    gbk.write_bytes(text.encode("gbk"))
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(text.encode("utf-8"))
    out = tmp_path / "手写.toml"
    code, _, err = run(capsys, "deck", "import", str(gbk), "-o", str(out))
    assert code == 0, err
    assert "2 frameworks" in err
    deck = decks.load(out)
    assert deck.title == "三抓三促动员会"
    assert [(fw.kind, fw.name, fw.items, fw.ordered, fw.tags, fw.note) for fw in deck.frameworks] == [
        ("abbreviation", "三抓三促", ["抓学习促提升", "抓执行促落实", "抓效能促发展"], False, ["缩略语", "重点"], ""),
        ("enumeration", "四个要", ["要解放思想", "要领导带头", "要创新方法", "要改进作风"], True, [], "考试常考"),
    ]
    # ids are the ones extraction would give, so a later extraction finds the same frameworks
    assert [fw.id for fw in deck.frameworks] == [framework_id("abbreviation", "三抓三促"),
                                                 framework_id("enumeration", "四个要")]
    assert frameworks_of(share.read_table(utf8, out).deck) == frameworks_of(deck)
    code, _, err = run(capsys, "deck", "check", str(out))
    assert code == 0, err


def test_rows_without_an_id_get_unique_ids(tmp_path):
    sheet = tmp_path / "s.csv"
    given = framework_id("enumeration", "两个要")
    sheet.write_text("id," + HEADER + f",enumeration,两个要,甲、乙,,,\n{given},enumeration,两个要,丙、丁,,,\n",
                     "utf-8")
    result = share.read_table(sheet)
    assert result.bad == []
    assert [fw.id for fw in result.deck.frameworks] == [f"{given}-2", given]


BAD_SHEET = """\
title,坏表
id,kind,name,items,ordered,tags,note,quote
enu-1,enumeration,好的一条,"第一项
第二项",true,,,
enu-2,enumeration,,甲、乙,,,,
enu-3,enumeration,没有项目,,,,,
enu-4,slogan,未知类型,甲、乙,,,,
enu-5,enumeration,顺序写错,甲、乙,maybe,,,
enu-1,enumeration,重复编号,丙、丁,,,,
abb-6,abbreviation,三抓三促,抓学习、抓执行,,,,
enu-7,enumeration,重复的项,甲、甲,,,,
enu-8,enumeration,多出一格,甲、乙,,,,,多余
enu-9,outline,最后一条好的,一、二、三,,,,
"""


def test_bad_rows_are_reported_with_their_lines_and_nothing_is_written(tmp_path, capsys):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(BAD_SHEET, "utf-8")
    out = tmp_path / "bad.toml"
    code, stdout, err = run(capsys, "deck", "import", str(sheet), "-o", str(out))
    assert code == 1
    assert not out.exists() and stdout == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    # every bad row, with its line in the file (the header is line 2, the first row spans 3-4)
    expected = [(5, "no name"), (6, "no items"), (7, "unknown kind 'slogan'"),
                (8, "ordered must be true or false"), (9, "duplicate id 'enu-1' (also at line 3)"),
                (10, "'三抓三促' says 3 but has 2 items"), (11, "item '甲' appears twice"),
                (12, "9 cells, but the header names 8 columns")]
    assert len(lines) == len(expected) + 1
    for line, (number, words) in zip(lines, expected):
        assert line.startswith(f"{sheet}:{number}: "), line
        assert words in line, line
    assert_one_line_error(lines[-1] + "\n", str(sheet), "8 of 10 rows are bad", "--skip-bad")


def test_skip_bad_imports_the_rest_and_still_reports_the_bad_rows(tmp_path, capsys):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(BAD_SHEET, "utf-8")
    out = tmp_path / "bad.toml"
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out), "--skip-bad")
    assert code == 1  # rows were left out: a script can tell
    assert sum(1 for line in err.splitlines() if line.startswith(f"{sheet}:")) == 8
    assert "skipped 8 bad rows" in err
    deck = decks.load(out)
    assert [(fw.id, fw.items) for fw in deck.frameworks] == [("enu-1", ["第一项", "第二项"]),
                                                              ("enu-9", ["一", "二", "三"])]
    assert deck.title == "坏表"
    code, _, err = run(capsys, "deck", "check", str(out))
    assert code == 0, err


def test_items_not_in_the_named_source_are_bad_rows(tmp_path, capsys):
    (tmp_path / "speech.txt").write_text("一是抓学习。二是抓执行。三是抓效能。\n", "utf-8")
    sheet = tmp_path / "s.csv"
    sheet.write_text("source,speech.txt\n" + HEADER + "enumeration,三抓,抓学习、抓执行、抓效能,,,\n"
                     "enumeration,三促,促提升、促落实,,,\n", "utf-8")
    out = tmp_path / "decks" / "s.toml"
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out), "--skip-bad")
    assert code == 1
    assert f"{sheet}:4: item '促提升' is not in the source speech.txt (" in err
    deck = decks.load(out)
    assert deck.source == "../speech.txt"
    assert [fw.name for fw in deck.frameworks] == ["三抓"]
    assert decks.check(out)[1] == []


@pytest.mark.parametrize("content, line, words", [
    (b"", None, "empty"),
    (b"\n \r\n", None, "empty"),
    (b"PK\x03\x04\x00\x00binary\x00\x00", None, "binary"),
    (b"kind,name\nenumeration,x\n", 1, "header"),
    ("title,只有标题\n".encode(), None, "no header row"),
    ("编号,类型,名称\n".encode(), 1, "header"),
    (b"kind,name,items,colour\n", 1, "unknown column 'colour'"),
    (b"kind,name,items\n", 1, "no frameworks"),
    (b"id,name,items\n", 1, "no column 'kind'"),
    (b"kind,name,items,kind\nenumeration,x,y\n", 1, "column 'kind' is named twice"),
    ("title,坏表\n\nkind,name,items\n".encode("utf-16"), 3, "no frameworks"),
])
def test_a_file_that_is_not_a_sheet_is_one_line_error(tmp_path, capsys, content, line, words):
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(content)
    out = tmp_path / "out.toml"
    code, stdout, err = run(capsys, "deck", "import", str(sheet), "-o", str(out))
    assert code == 1 and stdout == "" and not out.exists()
    assert_one_line_error(err, str(sheet) if line is None else f"{sheet}:{line}", words)


@pytest.mark.parametrize("row, words", [
    ('enumeration,"没关上,甲、乙,,,\n', "not closed"),
    ('enumeration,"引号"之后,甲、乙,,,\n', "after the closing"),
])
def test_a_broken_quote_is_reported_at_its_row(tmp_path, capsys, row, words):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(HEADER + "enumeration,好的,甲、乙,,,\n" + row + "enumeration,又一条,丙、丁,,,\n", "utf-8")
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(tmp_path / "o.toml"), "--skip-bad")
    assert code == 1 and not (tmp_path / "o.toml").exists()
    assert_one_line_error(err, f"{sheet}:3", words)


def test_a_missing_file_and_a_folder_are_one_line_errors(tmp_path, capsys):
    code, _, err = run(capsys, "deck", "import", str(tmp_path / "none.csv"))
    assert code == 1
    assert_one_line_error(err, str(tmp_path / "none.csv"), "no such file")
    code, _, err = run(capsys, "deck", "import", str(tmp_path))
    assert code == 1
    assert_one_line_error(err, str(tmp_path), "directory")


def test_import_and_export_never_replace_a_file_without_force(tmp_path, capsys):
    sheet = tmp_path / "deck.csv"
    assert run(capsys, "deck", "export", str(DECK_000), "--csv", str(sheet))[0] == 0
    out = tmp_path / "deck.toml"
    out.write_text("# an instructor's deck\n", "utf-8")
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out))
    assert code == 1
    assert_one_line_error(err, str(out), "--force")
    assert out.read_text("utf-8") == "# an instructor's deck\n"
    assert run(capsys, "deck", "import", str(sheet), "-o", str(out), "--force")[0] == 0
    assert frameworks_of(decks.load(out)) == frameworks_of(decks.load(DECK_000))

    before = sheet.read_bytes()
    code, _, err = run(capsys, "deck", "export", str(out), "--csv", str(sheet), "--anki", str(tmp_path / "d.apkg"))
    assert code == 1
    assert_one_line_error(err, str(sheet), "--force")
    assert sheet.read_bytes() == before and not (tmp_path / "d.apkg").exists()
    code, _, err = run(capsys, "deck", "export", str(out), "--csv", str(tmp_path), "--force")
    assert code == 1
    assert_one_line_error(err, str(tmp_path), "is a directory")


def test_import_without_output_prints_the_deck(tmp_path, capsys):
    sheet = tmp_path / "s.csv"
    sheet.write_text(HEADER + "parallel,两句,项目就是题目、现场就是考场,,,\n", "utf-8-sig")
    code, out, err = run(capsys, "deck", "import", str(sheet))
    assert code == 0, err
    assert 'items = [\n    "项目就是题目",\n    "现场就是考场",\n]' in out
    printed = tmp_path / "printed.toml"
    printed.write_text(out, "utf-8")
    assert decks.load(printed).frameworks[0].ordered is True  # a parallel phrase is ordered by default


def test_export_of_a_broken_deck_is_one_line_error(tmp_path, capsys):
    bad = write_deck(tmp_path / "bad.toml", '[[frameworks]]\nid = "x"\nkind = "slogan"\nname = "n"\nitems = []\n')
    code, _, err = run(capsys, "deck", "export", str(bad), "--csv", str(tmp_path / "o.csv"))
    assert code == 1
    assert_one_line_error(err, f"{bad}:7", "unknown kind")
    assert not (tmp_path / "o.csv").exists()


def test_exported_and_saved_files_can_be_read_by_others(tmp_path):
    """Decks and packages are for sharing: written with the usual permissions, not a temp file's 0600."""
    import os
    import stat

    deck = decks.load(DECKS / "003_b93a616289133548.toml")
    old = os.umask(0o022)
    try:
        share.export_table(deck, tmp_path / "d.csv")
        share.export_anki(deck, tmp_path / "d.apkg")
        decks.save(deck, tmp_path / "d.toml")
    finally:
        os.umask(old)
    for name in ("d.csv", "d.apkg", "d.toml"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.apkg", "d.csv", "d.toml"]  # no temp file left
