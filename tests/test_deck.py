"""Deck files: writing, reading, hand edits that survive, checking, cards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DECKS, ROOT, SEEDS, seed

from drill import cli
from drill.core import deck as decks
from drill.core.extract import extract_file


def make_deck(tmp_path: Path, prefix: str = "002") -> Path:
    """A deck extracted from a seed, with the seed copied beside it."""
    src = tmp_path / "speech.txt"
    src.write_bytes(seed(prefix).read_bytes())
    path = tmp_path / "decks" / "speech.toml"
    deck = decks.deck_from_extraction(extract_file(src), path)
    decks.save(deck, path)
    return path


def test_extracted_deck_reads_back_the_same(tmp_path):
    path = make_deck(tmp_path)
    deck = decks.load(path)
    fresh = extract_file(tmp_path / "speech.txt")
    assert deck.source == "../speech.txt"
    assert deck.source_path().resolve() == (tmp_path / "speech.txt").resolve()
    assert [(fw.id, fw.kind, fw.name, fw.items, fw.start, fw.end, fw.quote) for fw in deck.frameworks] == \
        [(fw.id, fw.kind, fw.name, fw.items, fw.start, fw.end, fw.quote) for fw in fresh.frameworks]
    assert decks.check(path)[1] == []


def test_hand_edits_comments_and_order_survive_a_round_trip(tmp_path):
    path = make_deck(tmp_path)
    text = path.read_text("utf-8")
    # An instructor adds comments and moves the last framework to the top.
    blocks = text.split("[[frameworks]]")
    head, body, last = blocks[0], blocks[1:-1], blocks[-1]
    edited = head + "# 先背这一条\n[[frameworks]]" + last.rstrip("\n") + "\n\n" + \
        "".join("[[frameworks]]" + b for b in body)
    edited = edited.replace('title = "', '# 讲话题目\ntitle = "', 1)
    path.write_text(edited, "utf-8")
    deck = decks.load(path)
    first_id = deck.frameworks[0].id
    deck.frameworks[1].note = "考试常考"
    decks.save(deck, path)
    saved = path.read_text("utf-8")
    assert "# 先背这一条" in saved and "# 讲话题目" in saved
    assert 'note = "考试常考"' in saved
    again = decks.load(path)
    assert again.frameworks[0].id == first_id
    assert again.frameworks[1].note == "考试常考"
    # saving without changes writes the same bytes
    decks.save(again, path)
    assert path.read_text("utf-8") == saved


def test_removing_and_editing_keeps_the_ids_of_the_rest(tmp_path):
    path = make_deck(tmp_path)
    deck = decks.load(path)
    ids = [fw.id for fw in deck.frameworks]
    del deck.frameworks[1]
    deck.frameworks[0].items = deck.frameworks[0].items[:2]
    decks.save(deck, path)
    again = decks.load(path)
    assert [fw.id for fw in again.frameworks] == ids[:1] + ids[2:]
    assert len(again.frameworks[0].items) == 2


def lines_of(problems):
    return [(p.line, p.message) for p in problems if not p.warning]


def test_check_reports_every_problem_with_its_line(tmp_path):
    (tmp_path / "s.txt").write_text("会议强调“三抓三促”,即抓学习促提升、抓执行促落实、抓效能促发展。", "utf-8")
    deck = tmp_path / "d.toml"
    deck.write_text("""format = 1
title = "测试"
source = "s.txt"
colour = "red"

[[frameworks]]
id = "abb-1"
kind = "abbreviation"
name = "三抓三促"
items = ["抓学习促提升", "抓执行促落实"]

[[frameworks]]
id = "abb-1"
kind = "parallel"
name = "x"
items = [
    "抓学习促提升",
    "",
    "抓创新促突破",
]
shape = 1

[[frameworks]]
id = "z"
kind = "riddle"
name = "y"
items = ["a"]
""", "utf-8")
    _, problems = decks.check(deck)
    got = lines_of(problems)
    assert (4, "unknown key 'colour'") in got
    assert (10, "'三抓三促' says 3 but has 2 items") in got
    assert (13, "duplicate id 'abb-1' (also at line 7)") in got
    assert (18, "empty item") in got
    assert (19, "item '抓创新促突破' is not in the source any more") in got
    assert (21, "unknown key 'shape'") in got
    assert (25, "unknown kind 'riddle' (one of abbreviation, enumeration, outline, parallel)") in got
    assert len(got) == 7
    assert all(str(p).startswith(f"{deck}:{p.line}: ") for p in problems)


def test_check_command_exit_status(tmp_path, capsys):
    good = make_deck(tmp_path)
    assert cli.main(["deck", "check", str(good)]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "t"\n[[frameworks]]\nid = "a"\nkind = "outline"\nname = "n"\nitems = [1]\n', "utf-8")
    capsys.readouterr()
    assert cli.main(["deck", "check", str(good), str(bad)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"{bad}:6: 'items' must be a list of strings"]


def test_cards_of_each_kind_with_stable_unique_ids(tmp_path):
    deck = decks.load(make_deck(tmp_path, "000"))
    cards = deck.cards()
    assert {c.kind for c in cards} == set(decks.CARD_KINDS)
    assert len({c.id for c in cards}) == len(cards)
    liuyu = next(fw for fw in deck.frameworks if fw.name == "六渝")
    mine = [c for c in cards if c.framework == liuyu.id]
    kinds = sorted(c.kind for c in mine)
    assert kinds == ["cloze"] * 6 + ["name", "recall"]  # not ordered: no ordering card
    name_card = next(c for c in mine if c.kind == "name")
    assert name_card.answer == ["六渝"] and "工业兴渝" in name_card.prompt
    cloze = next(c for c in mine if c.kind == "cloze" and c.answer == ["文旅活渝"])
    assert "文旅活渝" not in cloze.context and decks.BLANK in cloze.context
    assert "三农稳渝" in cloze.context
    # editing one item keeps every other card's id
    before = {c.id for c in mine}
    liuyu.items[0] = "工业强渝"
    after = {c.id for c in deck.cards() if c.framework == liuyu.id}
    assert len(before - after) == 1 and len(after - before) == 1


def test_order_card_only_for_ordered_frameworks_of_three_or_more(tmp_path):
    deck = decks.load(make_deck(tmp_path, "001"))
    for fw in deck.frameworks:
        has_order = any(c.kind == "order" for c in decks.framework_cards(deck.id, fw))
        assert has_order == (fw.ordered and len(fw.items) >= 3)


def test_extract_command_writes_a_deck_and_refuses_to_overwrite(tmp_path, capsys):
    src = tmp_path / "s.txt"
    src.write_bytes(seed("002").read_bytes())
    out = tmp_path / "d.toml"
    assert cli.main(["extract", str(src), "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    original = out.read_bytes()
    assert cli.main(["extract", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "use --force" in err and str(out) in err
    assert out.read_bytes() == original
    assert cli.main(["extract", str(src), "-o", str(out), "--force"]) == 0


def test_json_output_has_exactly_the_promised_names(tmp_path, capsys):
    import json

    assert cli.main(["extract", str(seed("000")), str(seed("004")), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line, prefix in zip(lines, ("000", "004")):
        obj = json.loads(line)
        assert list(obj) == ["source", "title", "encoding", "frameworks"]
        assert obj["source"] == str(seed(prefix))
        for fw in obj["frameworks"]:
            assert list(fw) == ["id", "kind", "name", "items", "start", "end", "quote"]


# --------------------------------------------------------------------------
# the shipped decks


SHIPPED = sorted(DECKS.glob("*.toml"))
# The decks of the seed speeches; the reference deck of national formulations
# has no speech (tests/test_reference.py checks it).
SPEECH_DECKS = [p for p in SHIPPED if not decks.load(p).reference]


def test_a_deck_ships_for_every_seed():
    assert [p.stem for p in SPEECH_DECKS] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert [p.name for p in SHIPPED if p not in SPEECH_DECKS] == ["national_formulations.toml"]


@pytest.mark.parametrize("path", SPEECH_DECKS, ids=lambda p: p.stem)
def test_shipped_deck_is_clean_and_traced_to_its_seed(path):
    deck, problems = decks.check(path)
    assert problems == []
    source = deck.source_path().read_text("utf-8")
    assert deck.frameworks
    for fw in deck.frameworks:
        for item in fw.items:
            assert item in source, (fw.name, item)
        assert fw.quote in source


def test_installed_package_finds_the_bundled_decks(tmp_path):
    """After `pip install .` the decks travel with the package (a wheel is built here)."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheel_dir), str(ROOT)], check=True, capture_output=True)
    import zipfile

    (wheel,) = wheel_dir.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for p in SHIPPED:
        assert f"drill/data/decks/{p.name}" in names
    for p in SEEDS.glob("*.txt"):
        assert f"drill/data/seeds/{p.name}" in names


def test_drill_lists_the_decks_it_finds(tmp_path, capsys, drill_home):
    mine = drill_home / "decks"
    mine.mkdir(parents=True)
    make = make_deck(tmp_path, "002")
    (mine / "mine.toml").write_bytes(make.read_bytes())
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "mine.toml" in out
    for p in SHIPPED:
        assert p.name in out


def test_an_order_card_never_shows_its_items_already_in_order():
    from drill.core.deck import order_shown

    order_cards = [c for path in sorted(DECKS.glob("*.toml")) for c in decks.load(path).cards()
                   if c.kind == "order"]
    assert len(order_cards) > 50
    for card in order_cards:
        shown = order_shown(card)
        assert sorted(shown) == sorted(card.answer)
        assert shown != card.answer, card.id
        assert shown == order_shown(card)  # the same every time the card comes up


def _all_cards():
    return [c for path in sorted(DECKS.glob("*.toml")) for c in decks.load(path).cards()]


def test_no_prompt_gives_its_answer_away():
    from drill.core.text import fold

    cards = [c for c in _all_cards() if c.kind != "name"]  # naming shows the items by design
    assert len(cards) > 500
    for card in cards:
        shown = fold(card.prompt + (card.context if card.kind == "cloze" else ""))
        # (a one-character item, 紧 of 紧严细实, may well occur in other words)
        assert not any(fold(item) in shown for item in card.answer if len(item) > 1), \
            (card.id, card.prompt, card.context)


def test_a_set_phrase_named_by_its_own_words_is_prompted_by_the_words_leading_into_it(tmp_path):
    from drill.core.frameworks import Framework

    quote = "纵深推进“守规矩、强作风、优环境”活动，全面打造“渝快学”品牌。"
    fw = Framework(id="par-1", kind="parallel", name="守规矩、强作风、优环境",
                   items=["守规矩", "强作风", "优环境"], ordered=True, quote=quote, start=0, end=0)
    recall, *clozes, order = decks.framework_cards("d", fw)
    assert recall.prompt == f"纵深推进“{decks.BLANK}”活动：原话怎么说？（3项）"
    assert [c.prompt for c in clozes] == ["原话填空"] * 3
    assert clozes[1].context == quote.replace("强作风", decks.BLANK)
    assert order.prompt == f"纵深推进“{decks.BLANK}”活动：按原文顺序排列"  # which set phrase, without its order
    bare = Framework(id="par-2", kind="parallel", name="找得到、谈得拢、落得下",
                     items=["找得到", "谈得拢", "落得下"], ordered=True, quote="找得到、谈得拢、落得下。", start=0, end=0)
    assert decks.framework_cards("d", bare)[0].prompt == "以“找”开头的一组提法：原话怎么说？（3项）"
    named = Framework(id="abb-1", kind="abbreviation", name="三抓三促",
                      items=["抓学习促提升", "抓执行促落实", "抓效能促发展"], quote="", start=0, end=0)
    assert decks.framework_cards("d", named)[0].prompt == "三抓三促：它指哪几项？（3项）"


def test_a_cloze_whose_sentence_is_only_numbering_shows_the_other_items():
    from drill.core.frameworks import Framework

    fw = Framework(id="out-1", kind="outline", name="三点意见", items=["要提高站位干", "要讲究方法干", "要真督实查干"],
                   ordered=True, quote="第一,要提高站位干", start=0, end=0)
    cloze = decks.framework_cards("d", fw)[1]
    assert cloze.answer == ["要提高站位干"]
    assert cloze.context == f"{decks.BLANK}、要讲究方法干、要真督实查干"
    for card in _all_cards():
        if card.kind == "cloze":
            rest = card.context.replace(decks.BLANK, "")
            assert len(decks._NUMBERING.sub("", rest)) >= decks.CONTEXT_MIN_CHARS, (card.id, card.context)


def test_a_framework_with_too_many_items_is_refused_at_its_line(tmp_path, capsys):
    items = "\n".join(f'    "第{i}件事",' for i in range(decks.MAX_FRAMEWORK_ITEMS + 1))
    path = tmp_path / "long.toml"
    path.write_text('format = 1\ntitle = "long"\nsource = ""\n\n[[frameworks]]\nid = "enu-1"\n'
                    f'kind = "enumeration"\nname = "许多件事"\nitems = [\n{items}\n]\n', "utf-8")
    assert cli.main(["deck", "check", str(path)]) == 1
    out = capsys.readouterr()
    assert f"{path}:9: {decks.MAX_FRAMEWORK_ITEMS + 1} items; a framework has at most " \
           f"{decks.MAX_FRAMEWORK_ITEMS}" in out.out + out.err
    with pytest.raises(decks.DrillError):
        decks.load(path)


def test_a_long_framework_s_cards_grow_with_its_items_not_their_square():
    # what keeps generation linear: each card holds a bounded window of the
    # quote, never the whole of it (its time is for a benchmark, not a test)
    from drill.core.frameworks import Framework

    items = [f"第{i}件要事" for i in range(4000)]
    fw = Framework(kind="enumeration", name="许多件事", items=items, start=0, end=0,
                   quote="，".join(items) + "。", id="enu-1")
    cards = decks.framework_cards("d", fw)
    clozes = [c for c in cards if c.kind == "cloze"]
    assert len(clozes) == 4000
    middle = clozes[2000]
    assert middle.answer == [items[2000]] and list(middle.others) == items[:2000] + items[2001:]
    # the sentence shown is a window around the blank, not all 4,000 items
    assert decks.BLANK in middle.context and len(middle.context) <= 2 * decks.QUOTE_WINDOW + 4
    assert sum(len(c.context) for c in clozes) <= len(clozes) * (2 * decks.QUOTE_WINDOW + 4)


def test_a_deck_is_read_without_tomlkit_and_written_back_with_its_comments(tmp_path, monkeypatch):
    # drilling reads every deck: with tomllib; only writing one back parses
    # it with tomlkit, from the text read, so its comments and layout stay
    import tomlkit

    path = make_deck(tmp_path)
    text = path.read_text("utf-8").replace('title = "', '# 讲话题目\ntitle = "', 1)
    text = text.replace("[[frameworks]]", "# 先背这一条\n[[frameworks]]", 1)
    path.write_text(text, "utf-8")
    parsed = []
    real = tomlkit.parse
    monkeypatch.setattr(tomlkit, "parse", lambda t: parsed.append(t) or real(t))
    deck = decks.load(path)
    assert parsed == [] and deck.document is None
    assert deck.cards()  # drilled without tomlkit
    path.write_text("# the file changed on disk since it was read\n" + text, "utf-8")
    deck.frameworks[0].note = "考试常考"
    decks.save(deck, path)
    assert parsed == [text]  # the text read, parsed once, when written
    saved = path.read_text("utf-8")
    assert "# 先背这一条" in saved and "# 讲话题目" in saved and 'note = "考试常考"' in saved
    assert "changed on disk" not in saved
    assert saved == text.replace('note = ""', 'note = "考试常考"', 1)


@pytest.mark.parametrize("path", sorted(DECKS.glob("*.toml")), ids=lambda p: p.name)
def test_tomllib_reads_every_bundled_deck_as_tomlkit_does(path):
    import tomllib

    import tomlkit

    text = path.read_text("utf-8")
    assert tomllib.loads(text) == tomlkit.parse(text).unwrap()
