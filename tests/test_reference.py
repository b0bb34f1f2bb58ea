"""The reference deck of national formulations, and bare names filled in from it."""

import json

import pytest

from drill import cli
from drill.core import deck as decks
from drill.core import reference, share
from drill.core.extract import extract_text
from drill.core.frameworks import Framework

REFERENCE = reference.reference_path()


def test_the_bundled_reference_deck_passes_deck_check(capsys):
    assert REFERENCE is not None and REFERENCE.name == "national_formulations.toml"
    deck, problems = decks.check(REFERENCE)
    assert problems == []
    assert deck.reference and deck.source == "" and deck.source_path() is None
    assert cli.main(["deck", "check", str(REFERENCE)]) == 0
    assert "ok, " in capsys.readouterr().err


def test_every_entry_says_where_it_was_stated():
    deck = decks.load(REFERENCE)
    assert len(deck.frameworks) >= 60
    for fw in deck.frameworks:
        assert fw.document and fw.url.startswith(("http://", "https://")), fw.name
        assert isinstance(fw.year, int) and 1949 <= fw.year <= 2030, fw.name
        assert fw.items and not fw.origin and not fw.quote, fw.name


def test_lookup_by_name_folded_and_by_alias():
    assert reference.lookup("四个意识").items == ["政治意识", "大局意识", "核心意识", "看齐意识"]
    assert reference.lookup("“四個意識”") is reference.lookup("四个意识")  # 繁体, quotes
    assert reference.lookup("「四个意识」") is reference.lookup("四个意识")
    assert reference.lookup("五大发展理念") is reference.lookup("新发展理念")  # an alias
    assert reference.lookup("中央八项规定").name == "八项规定"
    assert reference.lookup("三抓三促") is None and reference.lookup("") is None


def test_cards_of_the_reference_say_where_the_items_come_from(capsys):
    deck = decks.load(REFERENCE)
    cards = [c for c in deck.cards() if c.framework == reference.lookup("三大攻坚战").id]
    assert cards and all(c.stated_in == "出自：党的十九大报告（2017）" for c in cards)
    assert cli.main(["deck", "show", str(REFERENCE)]) == 0
    assert "出自：党的十九大报告（2017）" in capsys.readouterr().out


def test_the_anki_note_and_the_sheet_carry_the_source(tmp_path):
    deck = decks.load(REFERENCE)
    notes = share.anki_deck(deck).notes
    assert any(note.fields[4].startswith("出自：党的十九大报告（2017）") for note in notes)
    sheet = tmp_path / "ref.csv"
    share.export_table(deck, sheet)
    back = share.read_table(sheet, tmp_path / "ref.toml")
    assert back.bad == [] and back.deck.reference
    assert [(fw.name, fw.document, fw.year, fw.url, fw.aliases) for fw in back.deck.frameworks] == \
        [(fw.name, fw.document, fw.year, fw.url, fw.aliases) for fw in deck.frameworks]


# --- a reference deck's own rules --------------------------------------------

REF_HEAD = 'format = 1\ntitle = "参考"\nreference = true\n\n'


def _write(tmp_path, text, name="ref.toml"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_reference_entry_without_document_year_or_url_is_refused(tmp_path):
    path = _write(tmp_path, REF_HEAD + '[[frameworks]]\nid = "abb-1"\nkind = "abbreviation"\n'
                  'name = "两个务必"\nitems = ["务必谦虚谨慎", "务必艰苦奋斗"]\ndocument = "某报告"\n')
    _, problems = decks.check(path)
    assert [p.message for p in problems if not p.warning] == [
        "'两个务必' of a reference deck needs 'year', 'url' (where it was stated)"]
    assert problems[0].line == 5


def test_a_name_given_to_two_reference_entries_is_refused(tmp_path):
    entry = ('[[frameworks]]\nid = "{id}"\nkind = "abbreviation"\nname = "{name}"\nitems = ["甲一", "乙二"]\n'
             'document = "某报告"\nyear = 2020\nurl = "https://example.org/{id}"\naliases = [{aliases}]\n\n')
    path = _write(tmp_path, REF_HEAD + entry.format(id="a", name="两个甲乙", aliases="")
                  + entry.format(id="b", name="两个丙丁", aliases='"兩個甲乙"'))
    _, problems = decks.check(path)
    assert any("also 'a''s" in p.message for p in problems if not p.warning)


def test_a_speech_deck_is_not_asked_for_document_year_url(tmp_path):
    (tmp_path / "s.txt").write_text("我们要抓学习促提升。", "utf-8")
    path = _write(tmp_path, 'format = 1\ntitle = "讲话"\nsource = "s.txt"\n\n[[frameworks]]\nid = "par-1"\n'
                  'kind = "parallel"\nname = "抓学习"\nitems = ["抓学习", "促提升", "我们要"]\n')
    assert decks.check(path)[1] == []


# --- extraction fills a bare name ---------------------------------------------

PASSAGE = ("各级干部要增强“四个意识”、坚定“四个自信”，抓好“三比三争”，做到“两个维护”。"
           "我们开展“三比三赛”，即比学习赛提升、比执行赛落实、比效能赛发展。\n")


def test_a_bare_name_the_reference_knows_gets_its_items():
    ex = extract_text(PASSAGE)
    by_name = {fw.name: fw for fw in ex.frameworks if fw.kind == "abbreviation"}
    fw = by_name["四个意识"]
    assert fw.items == ["政治意识", "大局意识", "核心意识", "看齐意识"]
    assert fw.origin == "reference" and fw.document == "党的十九大报告" and fw.year == 2017
    # its place stays at the mention in the speech
    assert PASSAGE[fw.start:fw.end] == "四个意识" and fw.quote in PASSAGE and "四个意识" in fw.quote
    assert by_name["两个维护"].origin == "reference" and len(by_name["两个维护"].items) == 2
    # a name the reference does not know stays bare; items from the speech stay the speech's
    assert by_name["三比三争"].items == [] and by_name["三比三争"].origin == ""
    assert by_name["三比三赛"].origin == "" and by_name["三比三赛"].items == ["比学习赛提升", "比执行赛落实", "比效能赛发展"]


def test_a_numeral_term_inside_a_longer_reference_name_takes_that_name():
    text = ("要完善承包地“三权”分置制度。坚持在和平共处五项原则基础上发展友好合作，"
            "和平共处五项原则历久弥新。严格落实中央八项规定精神。")
    ex = extract_text(text)
    by_name = {fw.name: fw for fw in ex.frameworks if fw.kind == "abbreviation"}
    assert set(by_name) == {"三权分置", "和平共处五项原则", "八项规定"}
    three = by_name["三权分置"]
    assert text[three.start:three.end] == "三权”分置" and three.items == ["所有权", "承包权", "经营权"]
    five = by_name["和平共处五项原则"]
    assert text[five.start:five.end] == "和平共处五项原则" and len(five.items) == 5
    assert five.origin == "reference" and five.url
    # an alias never lengthens a name: 中央 is a qualifier
    assert text[by_name["八项规定"].start:by_name["八项规定"].end] == "八项规定"


def test_the_json_marks_items_from_the_reference(tmp_path, capsys):
    speech = tmp_path / "speech.txt"
    speech.write_text(PASSAGE, "utf-8")
    assert cli.main(["extract", str(speech), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    by_name = {fw["name"]: fw for fw in out["frameworks"]}
    assert by_name["四个自信"]["origin"] == "reference"
    assert by_name["四个自信"]["items"] == ["道路自信", "理论自信", "制度自信", "文化自信"]
    assert "origin" not in by_name["三比三争"] and "origin" not in by_name["三比三赛"]
    assert set(by_name["三比三赛"]) == {"id", "kind", "name", "items", "start", "end", "quote"}


def test_a_saved_deck_records_the_origin_and_passes_deck_check(tmp_path, capsys):
    speech = tmp_path / "speech.txt"
    speech.write_text(PASSAGE, "utf-8")
    out = tmp_path / "speech.toml"
    assert cli.main(["extract", str(speech), "-o", str(out)]) == 0
    text = out.read_text("utf-8")
    assert 'origin = "reference"' in text and 'document = "党的十九大报告"' in text and "year = 2017" in text
    deck, problems = decks.check(out)
    # a name the speech does not expand (and the reference deck does not know) makes no card yet
    assert [p.message for p in problems if not p.warning] == ["abbreviation '三比三争' makes no card: fill in its items"]
    fw = next(fw for fw in deck.frameworks if fw.name == "四个意识")
    assert fw.origin == "reference"
    card = decks.framework_cards(deck.id, fw)[0]
    assert card.stated_in == "条目取自参考提法库，出自：党的十九大报告（2017）"


def test_deck_check_refuses_an_item_the_reference_does_not_have(tmp_path):
    speech = tmp_path / "speech.txt"
    speech.write_text(PASSAGE, "utf-8")
    out = tmp_path / "speech.toml"
    decks.save(decks.deck_from_extraction(extract_text(PASSAGE, str(speech)), out), out)
    text = out.read_text("utf-8")
    assert '"看齐意识"' in text
    out.write_text(text.replace('"看齐意识"', '"忧患意识"'), "utf-8")
    _, problems = decks.check(out)
    errors = [p for p in problems if not p.warning and "makes no card" not in p.message]
    assert [p.message for p in errors] == ["item '忧患意识' is not one of the reference deck's items of '四个意识'"]
    assert errors[0].line == text.splitlines().index('    "看齐意识",') + 1
    # an item of the speech is still checked against the speech
    out.write_text(text.replace('"比学习赛提升"', '"比学习赛进步"'), "utf-8")
    assert any("'比学习赛进步' is not in the source" in p.message for p in decks.check(out)[1])


def test_origin_reference_for_a_name_the_reference_does_not_know_is_refused():
    fw = Framework(kind="abbreviation", name="三比三争", items=["比学习", "比干劲", "比实绩"], start=0, end=0,
                   quote="", id="abb-x", origin="reference")
    problems = decks.framework_problems(fw, "抓好“三比三争”")
    assert [p.message for p in problems] == [
        "'三比三争' is marked origin = \"reference\" but the reference deck does not know it"]


@pytest.mark.parametrize("bad", ['origin = "speech"', "year = \"2017\"", "aliases = \"五大\""])
def test_malformed_new_keys_are_reported(tmp_path, bad):
    (tmp_path / "s.txt").write_text("增强“四个意识”。", "utf-8")
    path = _write(tmp_path, 'format = 1\ntitle = "讲话"\nsource = "s.txt"\n\n[[frameworks]]\nid = "abb-1"\n'
                  f'kind = "abbreviation"\nname = "四个意识"\nitems = []\n{bad}\n')
    _, problems = decks.check(path)
    assert [p.line for p in problems if not p.warning and "makes no card" not in p.message] == [10]


async def test_the_drill_screen_says_where_a_reference_card_comes_from():
    from textual.geometry import Region

    from drill.tui.app import make_app
    from drill.tui.screens.drill import DrillScreen

    app = make_app(user="lin")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        index = next(i for i, deck in enumerate(app.decks) if deck.reference)
        await pilot.press(*["down"] * index, "space", "enter")  # choose the reference deck, drill it
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert {c.deck for c in app.session.cards} == {app.decks[index].id}
        prompt = app.screen.query_one("#prompt")
        width, height = prompt.outer_size
        text = "\n".join(s.text for s in prompt.render_lines(Region(0, 0, width, height)))
        assert app.session.current.stated_in.startswith("出自：")
        assert app.session.current.stated_in in "".join(text.split())  # wrapped to the screen


def test_reviewing_a_filled_in_framework(tmp_path):
    from drill.core.authoring import Review, Untraceable

    speech = tmp_path / "speech.txt"
    speech.write_text(PASSAGE, "utf-8")
    review = Review.start(extract_text(PASSAGE, str(speech)), tmp_path / "speech.toml")
    cand = next(c for c in review.candidates if c.fw.name == "四个意识")
    review.accept(cand)  # its items are the reference's, not the speech's: accepted all the same
    assert cand.fw.origin == "reference"
    review.edit(cand, "四个意识", ["看齐意识", "核心意识", "大局意识", "政治意识"])  # reordered: still the reference's
    assert cand.fw.origin == "reference" and cand.fw.own == []
    with pytest.raises(Untraceable):  # neither the reference's nor the speech's
        review.edit(cand, "四个意识", ["政治意识", "大局意识", "核心意识", "忧患意识"])
    review.edit(cand, "四个意识", ["政治意识", "大局意识", "核心意识", "忧患意识"], own_wording=True)
    assert cand.fw.origin == "" and cand.fw.document == "" and cand.fw.own == ["政治意识", "大局意识", "核心意识", "忧患意识"]


def test_the_review_screen_says_the_items_come_from_the_reference(tmp_path):
    from rich.console import Console

    from drill.core.authoring import Review
    from drill.tui.screens.author import candidate_text

    review = Review.start(extract_text(PASSAGE, str(tmp_path / "s.txt")), tmp_path / "s.toml")
    cand = next(c for c in review.candidates if c.fw.name == "四个自信")
    console = Console(width=100, record=True)
    console.print(candidate_text(review, cand))
    shown = console.export_text()
    assert "※ 条目取自参考提法库，出自：党的十九大报告（2017）" in shown and "? not in the speech" not in shown


def test_the_reference_deck_is_written_back_as_it_was(tmp_path):
    deck = decks.load(REFERENCE)
    assert decks.to_toml(deck) == REFERENCE.read_text("utf-8")  # no source or encoding added
    deck.frameworks[0].aliases = ["两确立"]
    deck.frameworks[0].url = ""
    out = tmp_path / "ref.toml"
    decks.save(deck, out)
    again, problems = decks.check(out)
    assert again.frameworks[0].aliases == ["两确立"]
    assert [p.message for p in problems] == [
        f"'{deck.frameworks[0].name}' of a reference deck needs 'url' (where it was stated)"]


def test_a_speech_deck_with_filled_in_items_goes_through_a_sheet_and_back(tmp_path, capsys):
    speech = tmp_path / "speech.txt"  # no bare name left without items: a sheet's row needs items
    speech.write_text("各级干部要增强“四个意识”。我们开展“三比三赛”，即比学习赛提升、比执行赛落实、比效能赛发展。\n",
                      "utf-8")
    deck_path = tmp_path / "speech.toml"
    assert cli.main(["extract", str(speech), "-o", str(deck_path)]) == 0
    sheet = tmp_path / "speech.csv"
    assert cli.main(["deck", "export", str(deck_path), "--csv", str(sheet)]) == 0
    header = sheet.read_text("utf-8-sig").splitlines()[3]  # below the title, id and source rows
    assert header.endswith(",document,year,url,origin")
    out = tmp_path / "back.toml"
    assert cli.main(["deck", "import", str(sheet), "-o", str(out)]) == 0
    original, back = decks.load(deck_path), decks.load(out)
    assert [(fw.name, fw.items, fw.origin, fw.document, fw.year, fw.url) for fw in back.frameworks] == \
        [(fw.name, fw.items, fw.origin, fw.document, fw.year, fw.url) for fw in original.frameworks]
    capsys.readouterr()
    # a row whose filled-in items are not the reference's is refused
    rows = sheet.read_text("utf-8-sig").replace("看齐意识", "忧患意识")
    sheet.write_text(rows, "utf-8-sig")
    assert cli.main(["deck", "import", str(sheet), "-o", str(tmp_path / "bad.toml")]) == 1
    assert "'忧患意识' is not one of the reference deck's items of '四个意识'" in capsys.readouterr().err


def test_without_a_readable_reference_deck_extraction_goes_on(tmp_path, monkeypatch):
    broken = tmp_path / "national_formulations.toml"
    broken.write_text("format = 1\ntitle = \n", "utf-8")
    monkeypatch.setattr(reference, "reference_path", lambda: broken)
    reference._index.cache_clear()
    try:
        ex = extract_text(PASSAGE)
        fw = next(fw for fw in ex.frameworks if fw.name == "四个意识")
        assert fw.items == [] and fw.origin == ""
    finally:
        reference._index.cache_clear()


def test_a_reference_phrase_whose_name_is_its_items_run_together_keeps_them_out_of_its_cards():
    fw = Framework(id="par-1", kind="parallel", name="勤学善思笃行", items=["勤学", "善思", "笃行"],
                   ordered=True, start=0, end=0, quote="",
                   document="某报告", year=2020, url="https://example.org/r")
    recall, *clozes, order = decks.framework_cards("ref", fw)
    assert recall.prompt == "某报告中以“勤”开头的一组提法：原话怎么说？（3项）"  # the document tells it from others of 勤
    assert [c.context for c in clozes] == ["某报告：＿＿、善思、笃行", "某报告：勤学、＿＿、笃行",
                                           "某报告：勤学、善思、＿＿"]
    assert order.prompt == "某报告中以“勤”开头的一组提法：按原文顺序排列"
    named = Framework(id="par-2", kind="parallel", name="学习三要", items=["勤学", "善思", "笃行"],
                      ordered=True, start=0, end=0, quote="",
                      document="某报告", year=2020, url="https://example.org/r")
    assert decks.framework_cards("ref", named)[1].context == "学习三要：＿＿、善思、笃行"  # a name that answers nothing


@pytest.mark.parametrize("text, items", [
    # a list of things by its shape, a formulation all the same; any order
    ("要深入实施区域重大战略、区域协调发展战略、主体功能区战略，优化布局。",
     ["区域重大战略", "区域协调发展战略", "主体功能区战略"]),
    # three members or more of a longer list, joined by 以及 / 和 / 到
    ("统筹推进政党协商、人大协商、政府协商以及社会组织协商。", ["政党协商", "人大协商", "政府协商", "社会组织协商"]),
    ("实现了从站起来、富起来到强起来的伟大飞跃。", ["站起来", "富起来", "强起来"]),
])
def test_a_list_the_reference_knows_is_found_as_it_is_written(text, items):
    ex = extract_text(text)
    found = [fw for fw in ex.frameworks if fw.kind == "parallel"]
    assert [fw.items for fw in found] == [items]
    for fw in found:
        assert [text[a:b] for a, b in fw.item_spans] == items


def test_two_members_of_a_known_list_are_no_phrase():
    text = "要深入实施区域重大战略、主体功能区战略。"
    assert [fw for fw in extract_text(text).frameworks if fw.kind == "parallel"] == []


def test_the_workbench_shows_a_filled_in_framework_at_its_mention(tmp_path):
    from drill.core.authoring import Review

    # 政治意识 stands in the speech, far from the mention of 四个意识
    text = PASSAGE + "\n第二部分。要讲政治意识，不能含糊。\n"
    speech = tmp_path / "speech.txt"
    speech.write_text(text, "utf-8")
    review = Review.start(extract_text(text, str(speech)), tmp_path / "speech.toml")
    cand = next(c for c in review.candidates if c.fw.name == "四个意识")
    assert cand.fw.origin == "reference"
    spans = review.spans(cand)
    assert spans == [(cand.fw.start, cand.fw.end)] and "四个意识" in text[slice(*spans[0])]
    assert text.index("政治意识") not in range(*spans[0])
