"""Sharing without losing anything: the spreadsheet round trip keeps every
decision `drill author` records, `--append` adds rows to a deck, cells a
spreadsheet would run are neutralised, and a re-export to Anki lists the
notes of cards that left the deck (checked in a real Anki collection)."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import DECKS, ROOT
from test_bad_input import assert_one_line_error, run

from drill.core import authoring as au
from drill.core import deck as decks
from drill.core import share
from drill.core.frameworks import framework_id

SHIPPED = sorted(DECKS.glob("*.toml"))
SPEECH = ROOT / "tests" / "author_speech.txt"
OUTLINE = "out-55e802ce6c"
ABBREV = "abb-be1d1f01d0"  # 四个一流
FOUR = "par-ab76fcd6f1"  # its expansion, found as a parallel phrase
GAPS = "enu-9e8f1ac345"  # 一是…二是…三是…
WINDOWS = "par-cfec5ccbc5"  # 一窗受理、一网通办、一次办好
THREE = "enu-d55a7952fe"  # 第一…第二…第三…


def state(deck: decks.Deck) -> dict:
    """Everything a deck holds, but where it lives: what must come back."""
    fields = [f.name for f in dataclasses.fields(decks.Framework) if f.name not in ("warnings", "item_spans")]
    return {
        "title": deck.title, "encoding": deck.encoding, "note": deck.note, "reference": deck.reference,
        "source": deck.source_path().resolve() if deck.source_path() else None,
        "rejected": deck.rejected, "anki_exported": deck.anki_exported,
        "frameworks": [{name: getattr(fw, name) for name in fields} for fw in deck.frameworks],
        "cards": [(c.id, c.prompt, c.answer, c.context) for c in deck.cards()],
    }


def round_trip(capsys, deck_path: Path, sheet: Path, out: Path, *flags: str) -> decks.Deck:
    sheet.parent.mkdir(parents=True, exist_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    code, _, err = run(capsys, "deck", "export", str(deck_path), "--csv", str(sheet))
    assert code == 0, err
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out), *flags)
    assert code == 0, err
    checked, problems = decks.check(out)
    assert [p for p in problems if not p.warning] == [], problems
    return checked


# --------------------------------------------------------------------------
# the round trip


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_bundled_deck_comes_back_the_same_through_csv(tmp_path, capsys, path):
    imported = round_trip(capsys, path, tmp_path / "sheets" / "deck.csv", tmp_path / "decks" / "deck.toml")
    assert state(imported) == state(decks.load(path))


@pytest.fixture
def reviewed(tmp_path) -> Path:
    """A deck made in `drill author`'s core: accepted, rejected, merged, edited
    into own wording, split; saved, then exported to Anki once."""
    speech = tmp_path / "speech.txt"
    speech.write_bytes(SPEECH.read_bytes())
    path = tmp_path / "decks" / "speech.toml"
    text, encoding, earlier = au.read_inputs(speech, path)
    review = au.start_review(speech, path, text, encoding, earlier)
    get = review.find
    review.accept(get(OUTLINE))
    review.reject(get(GAPS))
    review.merge(get(ABBREV), get(FOUR))
    review.edit(get(WINDOWS), "三个一", ["一窗受理", "一网通办", "一次都不跑"], own_wording=True)
    review.split(get(THREE), 2)
    review.save()
    deck = decks.load(path)
    deck.frameworks[0].tags = ["营商环境", "提纲"]
    deck.frameworks[0].note = "-开头的注释\n第二行"
    deck.note = "@全体学员"
    deck.anki_exported = share.anki_keys(deck)
    decks.save(deck, path)
    return path


def test_own_wording_rejections_merges_and_fingerprints_survive_the_round_trip(tmp_path, capsys, reviewed):
    original = decks.load(reviewed)
    by_id = {fw.id: fw for fw in original.frameworks}
    # the deck holds every kind of decision, or the test proves nothing
    assert original.rejected == [GAPS]
    assert by_id[ABBREV].merged == [FOUR]
    assert by_id[WINDOWS].own == ["一次都不跑"]
    assert f"{THREE}.2" in by_id and all(fw.extracted for fw in original.frameworks)
    for name in ("deck.csv", "deck.tsv"):
        imported = round_trip(capsys, reviewed, tmp_path / "sheets" / name, tmp_path / "back" / f"{name}.toml")
        assert state(imported) == state(original), name
    # a later review of the speech into the imported deck sees the same decisions
    back = tmp_path / "back" / "deck.csv.toml"
    text, encoding, earlier = au.read_inputs(tmp_path / "speech.txt", back)
    again = au.start_review(tmp_path / "speech.txt", back, text, encoding, earlier)
    assert again.offered() == []
    assert again.find(GAPS).status == au.REJECTED and again.find(FOUR).status == au.MERGED


def test_skip_bad_keeps_the_decisions_of_the_good_rows(tmp_path, capsys, reviewed):
    sheet = tmp_path / "deck.csv"
    share.export_table(decks.load(reviewed), sheet)
    with open(sheet, "a", encoding="utf-8", newline="") as fh:
        fh.write("enu-x,enumeration,不在讲话里,甲乙丙、丁戊己,,,,,,\r\n")
    out = tmp_path / "decks" / "skipped.toml"
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out), "--skip-bad")
    assert code == 1 and "skipped 1 bad row" in err
    lines = sheet.read_text("utf-8-sig").splitlines()
    assert f"{sheet}:{len(lines)}: item '甲乙丙' is not in the source" in err
    assert state(decks.load(out)) == state(decks.load(reviewed))


def test_own_wording_is_refused_only_when_the_sheet_does_not_say_so(tmp_path, capsys):
    (tmp_path / "speech.txt").write_text("一要稳住基本盘。二要培育新动能。\n", "utf-8")
    sheet = tmp_path / "s.csv"
    head = "source,speech.txt\nkind,name,items,own\n"
    sheet.write_text(head + "enumeration,几个要,稳住基本盘、培育新动能、守住底线,守住底线\n", "utf-8")
    out = tmp_path / "s.toml"
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out))
    assert code == 0, err
    fw = decks.load(out).frameworks[0]
    assert fw.items[-1] == "守住底线" and fw.own == ["守住底线"]
    assert decks.check(out)[1] == []
    sheet.write_text(head + "enumeration,几个要,稳住基本盘、守住底线,\n", "utf-8")
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(tmp_path / "t.toml"))
    assert code == 1 and not (tmp_path / "t.toml").exists()
    assert f"{sheet}:3: item '守住底线' is not in the source speech.txt" in err and "'own' column" in err


# --------------------------------------------------------------------------
# --append and hand-written rows


def test_append_adds_rows_and_keeps_the_decks_comments_order_and_decisions(tmp_path, capsys, reviewed):
    text = reviewed.read_text("utf-8").replace("[[frameworks]]", "# 讲师：先练提纲\n[[frameworks]]", 1)
    reviewed.write_text(text, "utf-8")
    before = decks.load(reviewed)
    outline = before.frameworks[0]
    assert outline.id == OUTLINE == framework_id("outline", outline.name)
    sheet = tmp_path / "decks" / "more.csv"
    sheet.write_text(
        "source,../speech.txt\n"  # the deck's speech, relative to the sheet
        "id,kind,name,items,ordered,tags,note\n"
        ",parallel,两个有,无事不扰、有求必应,,手写,\n"  # hand-written: no id
        f"{THREE},enumeration,三件事,全面推行“证照分离”改革,,,\n"  # already in the deck
        f",outline,{outline.name},充分认清形势,,,\n", "utf-8")  # its kind and name make the outline's id
    code, _, err = run(capsys, "deck", "import", str(sheet), "--append", "-o", str(reviewed))
    assert code == 0, err
    assert f"{sheet}:4: warning: '三件事' ({THREE}) is in the deck already (its id); not added again" in err
    assert f"{sheet}:5: warning: '{outline.name}' ({OUTLINE}) is in the deck already (its kind and name)" in err
    assert "added 1 framework to" in err
    after = decks.load(reviewed)
    new = framework_id("parallel", "两个有")
    assert [fw.id for fw in after.frameworks] == [fw.id for fw in before.frameworks] + [new]
    assert state(after)["frameworks"][:-1] == state(before)["frameworks"]  # nothing of the old changed
    assert after.frameworks[-1].items == ["无事不扰", "有求必应"] and after.frameworks[-1].tags == ["手写"]
    assert (after.rejected, after.anki_exported) == (before.rejected, before.anki_exported)
    assert "# 讲师：先练提纲\n[[frameworks]]" in reviewed.read_text("utf-8")
    assert decks.check(reviewed)[1] == []
    # the same sheet again adds nothing, and the deck file is left as it is
    saved = reviewed.read_bytes()
    code, _, err = run(capsys, "deck", "import", str(sheet), "--append", "-o", str(reviewed))
    assert code == 0, err
    assert f"{sheet}:3: warning: '两个有' ({new}) is in the deck already (its kind and name)" in err
    assert "nothing to add" in err
    assert reviewed.read_bytes() == saved


def test_append_takes_rejections_and_refuses_another_speech_or_a_bad_row(tmp_path, capsys, reviewed):
    saved = reviewed.read_bytes()
    other = tmp_path / "other.txt"
    other.write_text("另一篇讲话。\n", "utf-8")
    sheet = tmp_path / "s.csv"
    sheet.write_text(f"source,{other}\nkind,name,items\nparallel,两个有,无事不扰、有求必应\n", "utf-8")
    code, _, err = run(capsys, "deck", "import", str(sheet), "--append", "-o", str(reviewed))
    assert code == 1
    assert_one_line_error(err, f"{sheet}:1", "not the deck's")
    sheet.write_text("kind,name,items\nparallel,两个有,无事不扰、有求必应\nparallel,错的,不在讲话里、也不在\n",
                     "utf-8")
    code, _, err = run(capsys, "deck", "import", str(sheet), "--append", "-o", str(reviewed))
    assert code == 1 and f"{sheet}:3: item '不在讲话里' is not in the source" in err
    assert reviewed.read_bytes() == saved  # a bad row: nothing written
    code, _, err = run(capsys, "deck", "import", str(sheet), "--append")
    assert code == 1
    assert_one_line_error(err, str(sheet), "-o DECK.toml")
    code, _, err = run(capsys, "deck", "import", str(sheet), "--append", "-o", str(tmp_path / "none.toml"))
    assert code == 1
    assert_one_line_error(err, str(tmp_path / "none.toml"), "no such deck")
    # rejected ids in the sheet join the deck's; one the sheet adds as a framework leaves them
    sheet.write_text(f"rejected,enu-aaaa {WINDOWS}-x\nkind,name,items\nparallel,两个有,无事不扰、有求必应\n", "utf-8")
    code, _, err = run(capsys, "deck", "import", str(sheet), "--append", "-o", str(reviewed))
    assert code == 0, err
    assert decks.load(reviewed).rejected == [GAPS, "enu-aaaa", f"{WINDOWS}-x"]


def test_hand_written_rows_get_the_ids_extraction_gives_unique_in_the_deck(tmp_path, capsys):
    sheet = tmp_path / "hand.csv"
    sheet.write_text("kind,name,items\nenumeration,两个要,甲、乙\nenumeration,两个要,丙、丁\n"
                     "abbreviation,两个确立,\n", "utf-8")
    out = tmp_path / "hand.toml"
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out))
    assert code == 0, err
    base = framework_id("enumeration", "两个要")
    assert [fw.id for fw in decks.load(out).frameworks] == [base, f"{base}-2",
                                                            framework_id("abbreviation", "两个确立")]
    # appended to that deck, another 两个要 is taken for the one already there
    more = tmp_path / "more.csv"
    more.write_text("kind,name,items\nenumeration,两个要,戊、己\nenumeration,三个要,庚、辛、壬\n", "utf-8")
    code, _, err = run(capsys, "deck", "import", str(more), "--append", "-o", str(out))
    assert code == 0, err
    assert [fw.id for fw in decks.load(out).frameworks][-1] == framework_id("enumeration", "三个要")
    assert len(decks.load(out).frameworks) == 4


# --------------------------------------------------------------------------
# spreadsheet safety

RISKY = {
    "name": "=HYPERLINK(\"http://example.com\",\"点我\")",
    "items": ["+1 提升", "-负面清单", "@全体", "——走在前列", "'引号开头", "'=也是引号", "''-两个引号"],
    "note": "\t缩进的注释",
    "quote": "\r回车开头",
    "tags": ["-减号", "@at"],
}


def test_formula_cells_are_neutralised_on_export_and_restored_on_import(tmp_path, capsys):
    path = tmp_path / "risky.toml"
    deck = decks.Deck(path, "-减号开头的标题", "", note="=1+1")
    deck.frameworks.append(decks.Framework(
        kind="enumeration", name=RISKY["name"], items=RISKY["items"], start=0, end=0,
        quote=RISKY["quote"], id="-enu-1", tags=RISKY["tags"], note=RISKY["note"], own=["-负面清单"]))
    decks.save(deck, path)
    assert [p for p in decks.check(path)[1] if not p.warning] == []
    sheet = tmp_path / "risky.csv"
    share.export_table(decks.load(path), sheet)
    with open(sheet, encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    # no cell a spreadsheet would run; each risky one is the text after a quote
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert f"'{RISKY['name']}" in cells and "'-减号开头的标题" in cells and "'=1+1" in cells
    assert f"'{RISKY['note']}" in cells and "'-enu-1" in cells
    items = next(c for c in cells if "负面清单" in c and "走在前列" in c)
    assert items.startswith("'+1 提升")
    # an author's own quote before plain text is left alone; before a risky start it gets one more
    for item, written in (("'引号开头", "'引号开头"), ("'=也是引号", "''=也是引号"), ("''-两个引号", "'''-两个引号")):
        assert share.neutralise(item) == written and share.restore(written) == item
    assert share.neutralise("——走在前列") == "——走在前列"
    out = tmp_path / "back" / "risky.toml"
    imported = round_trip(capsys, path, tmp_path / "back" / "risky.csv", out)
    # the sheet is read as text, where a carriage return is a line break
    assert imported.frameworks[0].quote == "\n回车开头"
    imported.frameworks[0].quote = RISKY["quote"]
    assert state(imported)["frameworks"] == state(decks.load(path))["frameworks"]
    assert (imported.title, imported.note) == ("-减号开头的标题", "=1+1")


def test_a_quote_the_author_typed_stays_and_a_formula_is_refused(tmp_path, capsys):
    sheet = tmp_path / "hand.csv"
    sheet.write_text("kind,name,items,note\n"
                     "parallel,'两句,'甲、乙,'=SUM(A1)\n", "utf-8")
    out = tmp_path / "hand.toml"
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out))
    assert code == 0, err
    fw = decks.load(out).frameworks[0]
    assert (fw.name, fw.items, fw.note) == ("'两句", ["'甲", "乙"], "=SUM(A1)")
    # a formula a spreadsheet saved as such is no text: the row is bad, the deck is not written
    sheet.write_text("kind,name,items,note\nparallel,两句,甲、乙,\n"
                     "parallel,\"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",丙、丁,\n", "utf-8")
    saved = out.read_bytes()
    code, stdout, err = run(capsys, "deck", "import", str(sheet), "-o", str(out), "--force")
    assert code == 1 and stdout == "" and "Traceback" not in err
    first, last = err.splitlines()
    assert first.startswith(f"{sheet}:3: the name cell is a spreadsheet formula (=HYPERLINK")
    assert "nothing written" in last
    assert out.read_bytes() == saved
    # in a deck row it stops the import at its line
    sheet.write_text("title,=A1&B1\nkind,name,items\nparallel,两句,甲、乙\n", "utf-8")
    code, _, err = run(capsys, "deck", "import", str(sheet), "-o", str(out), "--force")
    assert code == 1
    assert_one_line_error(err, f"{sheet}:1", "formula")
    assert out.read_bytes() == saved


@pytest.mark.parametrize("content, line, words", [
    (b"\x00\x01\x02PK binary\x00", None, "binary"),
    (b"   \n", None, "empty"),
    (b"kind,name,items\nenumeration,\xb2\xe2\xca\xd4,\xff\xfe\x80\x80\xa1\n", 2, "not UTF-8"),
    ("名称,条目\n甲,乙\n".encode("gbk"), 1, "header"),
    (b"kind,name,items,when\nenumeration,x,y\n", 1, "unknown column 'when'"),
])
def test_bad_sheets_are_one_line_errors_and_never_replace_a_deck(tmp_path, capsys, content, line, words):
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(content)
    out = tmp_path / "deck.toml"
    out.write_bytes((DECKS / "000_1683a12e265f175a.toml").read_bytes())
    saved = out.read_bytes()
    for flags in (["--force"], ["--append"]):
        code, stdout, err = run(capsys, "deck", "import", str(sheet), "-o", str(out), *flags)
        assert code == 1 and stdout == ""
        assert_one_line_error(err, str(sheet) if line is None else f"{sheet}:{line}", words)
        assert out.read_bytes() == saved


def test_a_gbk_sheet_is_read(tmp_path, capsys):
    sheet = tmp_path / "gbk.csv"
    sheet.write_bytes("title,手写的表\r\nkind,name,items\r\nparallel,两个有,无事不扰、有求必应\r\n".encode("gbk"))
    code, out, err = run(capsys, "deck", "import", str(sheet))
    assert code == 0, err
    assert 'title = "手写的表"' in out and '"有求必应"' in out


# --------------------------------------------------------------------------
# Anki


def anki_notes(collection: Path, package: Path | None = None, search: str = "") -> set[str]:
    """Import ``package`` (if any) into the collection; the Card keys of the notes ``search`` finds."""
    col = Collection(str(collection))
    try:
        if package is not None:
            col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package),
                                                             options=ImportAnkiPackageOptions()))
        return {col.get_note(nid)["Card"] for nid in col.find_notes(search)}
    finally:
        col.close()


def test_a_reexport_lists_the_notes_anki_keeps_for_cards_that_left_the_deck(tmp_path, capsys):
    path = tmp_path / "speech_deck.toml"
    path.write_bytes((DECKS / "000_1683a12e265f175a.toml").read_bytes())
    collection = tmp_path / "collection.anki2"
    code, stdout, err = run(capsys, "deck", "export", str(path), "--anki", str(tmp_path / "1.apkg"))
    assert code == 0 and stdout == "" and "left the deck" not in err
    deck = decks.load(path)
    assert deck.anki_exported == share.anki_keys(deck)  # recorded in the deck, which still checks
    assert [p for p in decks.check(path)[1] if not p.warning] == []  # (its speech is not beside it)
    first = anki_notes(collection, tmp_path / "1.apkg")
    assert first == set(deck.anki_exported)
    # the instructor drops a framework and rewords an item of another (its cloze card changes id)
    dropped, edited = deck.frameworks[1], deck.frameworks[2]
    deck.frameworks.remove(dropped)
    old_item = edited.items[0]
    edited.items[0] = old_item + "（改）"
    decks.save(deck, path)
    gone = {f"{deck.id}/{c.id}" for c in decks.framework_cards(deck.id, dropped)}
    gone |= {f"{deck.id}/{edited.id}/cloze/{decks._item_key(old_item)}"}
    code, search, err = run(capsys, "deck", "export", str(path), "--anki", str(tmp_path / "2.apkg"))
    assert code == 0, err
    assert f"Anki still has {len(gone)} notes of cards that left the deck" in err
    assert {line.strip() for line in err.splitlines() if line.startswith("  ")} == gone
    assert f'"c_rd:{dropped.id}' not in search  # the deck id leads every key
    # importing the new package leaves those notes in Anki, and the search finds exactly them
    assert anki_notes(collection, tmp_path / "2.apkg") == first | set(share.anki_keys(decks.load(path)))
    assert anki_notes(collection, search=search.strip()) == gone
    assert decks.load(path).anki_exported == share.anki_keys(decks.load(path))
    # the export after that has nothing to list
    code, stdout, err = run(capsys, "deck", "export", str(path), "--anki", str(tmp_path / "3.apkg"))
    assert code == 0 and stdout == "" and "left the deck" not in err


def test_the_anki_search_names_exactly_its_notes():
    keys = ["d_1/abb-1/recall", "d_1/abb-1/name", "d_1/par-2/cloze/aaaa", 'd_1/x*"y/recall']
    search = share.anki_search(keys, keep=["d_1/par-2/recall"])
    assert search == ('"c_rd:d\\_1/abb-1/*" or "c_rd:d\\_1/par-2/cloze/aaaa" or '
                      '"c_rd:d\\_1/x\\*\\"y/recall"')


def test_exporting_a_bundled_deck_leaves_it_as_it_is(tmp_path, capsys):
    path = DECKS / "003_b93a616289133548.toml"
    saved = path.read_bytes()
    code, _, err = run(capsys, "deck", "export", str(path), "--anki", str(tmp_path / "b.apkg"))
    assert code == 0, err
    assert "a bundled deck is not changed" in err
    assert path.read_bytes() == saved


def test_deck_check_reads_the_exported_notes_and_refuses_a_bad_value(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text('format = 1\ntitle = "t"\nsource = ""\nanki_exported = ["good/x/recall"]\n\n'
                    '[[frameworks]]\nid = "x"\nkind = "parallel"\nname = "两句"\nitems = ["甲", "乙"]\n', "utf-8")
    assert decks.check(good)[1] == [] and decks.load(good).anki_exported == ["good/x/recall"]
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text("utf-8").replace('["good/x/recall"]', "3"), "utf-8")
    code, stdout, _ = run(capsys, "deck", "check", str(bad))
    assert code == 1
    assert stdout == f"{bad}:4: 'anki_exported' must be a list of the notes' Card keys\n"


def test_long_id_lists_take_several_rows_and_come_back_whole(tmp_path, capsys, reviewed):
    deck = decks.load(reviewed)
    deck.anki_exported = [f"speech/par-{n:04d}/cloze/{n:08x}" for n in range(250)]
    decks.save(deck, reviewed)
    sheet = tmp_path / "long.csv"
    share.export_table(decks.load(reviewed), sheet)
    with open(sheet, encoding="utf-8-sig", newline="") as fh:
        rows = [row for row in csv.reader(fh) if row and row[0] == "anki_exported"]
    assert [len(row[1].split()) for row in rows] == [100, 100, 50]
    imported = round_trip(capsys, reviewed, tmp_path / "again" / "long.csv", tmp_path / "back" / "long.toml")
    assert imported.anki_exported == deck.anki_exported
    assert state(imported) == state(decks.load(reviewed))
