"""Reviewing extracted candidates (`drill author`'s core): decisions kept by
framework id across runs, on the same speech and on a corrected one."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from drill.core import authoring as au
from drill.core import deck as decks

SPEECH = ROOT / "tests" / "author_speech.txt"
OUTLINE = "out-55e802ce6c"
ABBREV = "abb-be1d1f01d0"  # 四个一流, found without its expansion
FOUR = "par-ab76fcd6f1"  # 一流的政务服务、… : the expansion, found as a parallel phrase
GAPS = "enu-9e8f1ac345"  # 一是…二是…三是…
WINDOWS = "par-cfec5ccbc5"  # 一窗受理、一网通办、一次办好
THREE = "enu-d55a7952fe"  # 第一…第二…第三…


def start(speech: Path, deck_path: Path) -> au.Review:
    text, encoding, earlier = au.read_inputs(speech, deck_path)
    return au.start_review(speech, deck_path, text, encoding, earlier)


@pytest.fixture
def speech(tmp_path) -> Path:
    path = tmp_path / "speech.txt"
    path.write_bytes(SPEECH.read_bytes())
    return path


def first_review(speech: Path, deck_path: Path) -> au.Review:
    """Accept the outline and 第一…, reject 一是…, merge the expansion into 四个一流,
    edit 一窗受理…; leave the rest undecided; save."""
    review = start(speech, deck_path)
    assert [c.id for c in review.offered()] == [OUTLINE, ABBREV, FOUR, GAPS, WINDOWS, THREE]
    assert all(c.status == au.NEW for c in review.candidates)
    get = review.find
    review.accept(get(OUTLINE))
    review.accept(get(THREE))
    review.reject(get(GAPS))
    review.merge(get(ABBREV), get(FOUR))
    review.edit(get(WINDOWS), "三个一", ["一窗受理", "一网通办"])
    review.toggle_order(get(THREE))
    review.save()
    return review


def test_decisions_are_written_to_a_deck_that_passes_check(speech, tmp_path):
    path = tmp_path / "decks" / "speech.toml"
    first_review(speech, path)
    deck, problems = decks.check(path)
    assert [p for p in problems if not p.warning] == []
    assert [fw.id for fw in deck.frameworks] == [OUTLINE, ABBREV, WINDOWS, THREE]
    abbrev = deck.frameworks[1]
    assert abbrev.items == ["一流的政务服务", "一流的市场环境", "一流的法治保障", "一流的人文氛围"]
    assert abbrev.merged == [FOUR]
    assert deck.frameworks[2].name == "三个一" and deck.frameworks[2].items == ["一窗受理", "一网通办"]
    assert deck.frameworks[3].ordered is False
    assert deck.rejected == [GAPS]
    assert all(fw.extracted for fw in deck.frameworks)
    assert deck.source == "../speech.txt"
    # the rejected are not drilled
    assert GAPS not in {c.framework for c in decks.load(path).cards()}


def test_a_second_run_keeps_the_decisions_and_offers_only_the_undecided(speech, tmp_path):
    path = tmp_path / "speech.toml"
    first_review(speech, path)
    again = start(speech, path)
    assert [c.id for c in again.offered()] == []  # everything was judged
    status = {c.id: c.status for c in again.candidates}
    assert status == {OUTLINE: au.ACCEPTED, ABBREV: au.ACCEPTED, FOUR: au.MERGED, GAPS: au.REJECTED,
                      WINDOWS: au.ACCEPTED, THREE: au.ACCEPTED}
    assert again.find(WINDOWS).fw.items == ["一窗受理", "一网通办"]  # the edit, not the extraction
    assert again.find(FOUR).merged_into == ABBREV
    # saving again without a decision changes nothing
    before = path.read_text("utf-8")
    again.save()
    assert path.read_text("utf-8") == before


def test_undecided_candidates_are_offered_again(speech, tmp_path):
    path = tmp_path / "speech.toml"
    review = start(speech, path)
    review.accept(review.find(OUTLINE))
    review.save()
    again = start(speech, path)
    assert [c.id for c in again.offered()] == [ABBREV, FOUR, GAPS, WINDOWS, THREE]
    assert all(c.status == au.NEW for c in again.offered())


def test_a_corrected_speech_offers_only_what_is_new_or_changed(speech, tmp_path):
    path = tmp_path / "speech.toml"
    first_review(speech, path)
    text = speech.read_text("utf-8")
    # the speaker's office corrects the speech: a fourth gap, a new list, a typo fixed
    text = text.replace("三是政策兑现慢、企业获得感不强。", "三是政策兑现慢、企业获得感不强；四是中介服务乱收费。")
    text = text.replace("第四，完善企业诉求快速响应机制。", "第四，完善企业诉求快速响应机制。"
                        "我们还要做到三个坚持：一是坚持企业需求导向，二是坚持改革创新，三是坚持依法行政。")
    assert "四是中介服务乱收费" in text
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(text, "utf-8")
    again = start(corrected, path)
    offered = {c.id: c for c in again.offered()}
    new = [c for c in offered.values() if c.status == au.NEW]
    assert len(new) == 1 and new[0].fw.items == ["坚持企业需求导向", "坚持改革创新", "坚持依法行政"]
    # the rejected list grew an item: still rejected, not offered
    assert again.find(GAPS).status == au.REJECTED and GAPS not in offered
    assert len(again.find(GAPS).fw.items) == 4
    # accepted ones whose extraction did not change are not offered
    assert set(offered) == {new[0].id}
    again.accept(new[0])
    again.save()
    deck = decks.load(path)
    assert deck.source == "corrected.txt"
    assert [fw.id for fw in deck.frameworks][-1] == new[0].id
    assert decks.check(path)[1] == [] or all(p.warning for p in decks.check(path)[1])


def test_an_accepted_framework_whose_extraction_changed_is_offered_with_the_edits_kept(speech, tmp_path):
    path = tmp_path / "speech.toml"
    first_review(speech, path)
    text = speech.read_text("utf-8").replace("第四，完善企业诉求快速响应机制。",
                                             "第四，完善企业诉求快速响应机制；第五，开展营商环境评价。")
    speech.write_text(text, "utf-8")
    again = start(speech, path)
    assert [c.id for c in again.offered()] == [THREE]
    three = again.find(THREE)
    assert three.reason == au.CHANGED and three.status == au.ACCEPTED
    assert len(three.fw.items) == 4 and len(three.origin.items) == 5  # kept edits; the new extraction beside
    assert three.fw.ordered is False
    again.reset(three)  # take the items extraction gives now; the order choice stays
    assert three.fw.items == three.origin.items and three.status == au.ACCEPTED
    assert three.fw.ordered is False
    again.save()
    assert start(speech, path).offered() == []


def test_an_item_no_longer_in_the_speech_is_offered_again(speech, tmp_path):
    path = tmp_path / "speech.toml"
    first_review(speech, path)
    text = speech.read_text("utf-8").replace("一网通办", "一网统办")
    speech.write_text(text, "utf-8")
    again = start(speech, path)
    windows = again.find(WINDOWS)
    assert windows in again.offered() and windows.reason.startswith("not in the speech any more: 一网通办")
    with pytest.raises(au.Untraceable) as exc:
        again.accept(windows)
    assert exc.value.items == ["一网通办"]


def test_own_wording_is_allowed_when_marked_and_untraceable_items_are_refused(speech, tmp_path):
    path = tmp_path / "speech.toml"
    review = start(speech, path)
    gaps = review.find(GAPS)
    items = ["审批事项多、流程长", "检查太多", "政策兑现慢、企业获得感不强"]
    with pytest.raises(au.Untraceable) as exc:
        review.edit(gaps, gaps.fw.name, items)
    assert exc.value.items == ["检查太多"]
    assert gaps.status == au.NEW and gaps.fw.items[1] == "涉企检查多、标准不一"  # nothing changed
    review.edit(gaps, gaps.fw.name, items, own_wording=True)
    assert gaps.fw.own == ["检查太多"] and gaps.status == au.ACCEPTED
    # marked once, it stays marked through a later edit
    review.edit(gaps, "差距", items)
    review.save()
    deck, problems = decks.check(path)
    assert [p for p in problems if not p.warning] == []
    assert deck.frameworks[0].own == ["检查太多"]
    # the same item without the mark fails `drill deck check`
    text = path.read_text("utf-8")
    path.write_text(text.replace('own = ["检查太多"]\n', ""), "utf-8")
    _, problems = decks.check(path)
    assert any("'检查太多' is not in the source" in p.message and not p.warning for p in problems)


def test_an_operation_that_would_break_the_deck_is_refused(speech, tmp_path):
    review = start(speech, tmp_path / "speech.toml")
    abbrev = review.find(ABBREV)
    with pytest.raises(au.ReviewError, match="says 4 but has 3 items"):
        review.merge(abbrev, review.find(WINDOWS))
    assert abbrev.fw.items == [] and review.find(WINDOWS).status == au.NEW
    with pytest.raises(au.ReviewError, match="both sides"):
        review.split(review.find(WINDOWS), 0)
    with pytest.raises(au.ReviewError, match="needs a name"):
        review.edit(review.find(WINDOWS), "  ", ["一窗受理"])


def test_split_makes_a_second_framework_and_reset_undoes_it(speech, tmp_path):
    path = tmp_path / "speech.toml"
    review = start(speech, path)
    three = review.find(THREE)
    with pytest.raises(au.ReviewError, match="has one item: a list needs at least two"):
        review.split(three, 1)  # a list of one is no list
    assert len(three.fw.items) == 4 and review.find(f"{THREE}.2") is None
    piece = review.split(three, 2)
    assert three.fw.items == ["全面推行“证照分离”改革", "深化工程建设项目审批制度改革"]
    assert piece.id == f"{THREE}.2" and piece.fw.items == ["健全常态化政企沟通机制", "完善企业诉求快速响应机制"]
    assert piece.fw.start > three.fw.start and "第三" in piece.fw.quote
    assert review.candidates.index(piece) == review.candidates.index(three) + 1
    review.save()
    again = start(speech, path)
    offered = {c.id for c in again.offered()}  # the undecided others, not the two pieces
    assert offered == {OUTLINE, ABBREV, FOUR, GAPS, WINDOWS}
    assert again.find(f"{THREE}.2").status == au.ACCEPTED
    again.edit(again.find(f"{THREE}.2"), "今年重点抓好四件事（续）",
               ["健全常态化政企沟通机制", "完善企业诉求快速响应机制", "一窗受理", "一次办好"])
    again.split(again.find(f"{THREE}.2"), 2)  # a piece of a piece
    assert again.find(f"{THREE}.2.2").fw.name == "今年重点抓好四件事（续）"
    assert again.find(f"{THREE}.2.2").fw.items == ["一窗受理", "一次办好"]
    again.reset(again.find(f"{THREE}.2.2"))  # resetting a piece resets what it was split off
    assert again.find(f"{THREE}.2") is None and again.find(f"{THREE}.2.2") is None
    assert len(again.find(THREE).fw.items) == 4
    again.save()
    assert [fw.id for fw in decks.load(path).frameworks] == [THREE]


def test_reset_takes_a_merged_candidate_out_again(speech, tmp_path):
    review = start(speech, tmp_path / "speech.toml")
    abbrev, four = review.find(ABBREV), review.find(FOUR)
    review.merge(abbrev, four)
    with pytest.raises(au.ReviewError, match="merged into"):
        review.accept(four)
    review.reset(abbrev)
    assert four.status == au.NEW and abbrev.fw.items == []


def test_a_deck_made_by_extract_is_offered_for_review(speech, tmp_path):
    from drill.core.extract import extract_file

    path = tmp_path / "speech.toml"
    decks.save(decks.deck_from_extraction(extract_file(speech), path), path)
    review = start(speech, path)
    assert all(c.status == au.ACCEPTED and c.reason == au.NOT_REVIEWED for c in review.offered() if c.id != ABBREV)
    assert review.find(ABBREV).status == au.NEW  # it makes no card: undecided, not accepted
    assert len(review.offered()) == 6


def extracted_deck(speech: Path, path: Path) -> None:
    """The deck `drill extract SPEECH -o PATH` writes."""
    from drill.cli import main

    assert main(["extract", str(speech), "-o", str(path)]) == 0
    assert all(not fw.extracted for fw in decks.load(path).frameworks)


def test_saving_an_extracted_deck_judges_only_what_was_decided(speech, tmp_path):
    path = tmp_path / "speech.toml"
    extracted_deck(speech, path)
    review = start(speech, path)
    offered = [c.id for c in review.offered()]
    assert offered == [OUTLINE, ABBREV, FOUR, GAPS, WINDOWS, THREE]
    review.save()  # nothing decided
    assert all(not fw.extracted for fw in decks.load(path).frameworks)
    again = start(speech, path)
    assert [c.id for c in again.offered()] == offered  # still to review, none judged
    assert all(c.reason == au.NOT_REVIEWED for c in again.offered() if c.id != ABBREV)
    again.accept(again.find(WINDOWS))
    again.save()
    judged = {fw.id for fw in decks.load(path).frameworks if fw.extracted}
    assert judged == {WINDOWS}
    third = start(speech, path)
    assert [c.id for c in third.offered()] == [OUTLINE, ABBREV, FOUR, GAPS, THREE]
    assert third.find(WINDOWS).status == au.ACCEPTED and not third.find(WINDOWS).offered


def test_each_decision_on_an_extracted_deck_judges_its_frameworks(speech, tmp_path):
    path = tmp_path / "speech.toml"
    extracted_deck(speech, path)
    review = start(speech, path)
    review.merge(review.find(ABBREV), review.find(FOUR))
    review.reject(review.find(GAPS))
    review.split(review.find(THREE), 2)
    review.save()
    deck = decks.load(path)
    judged = {fw.id for fw in deck.frameworks if fw.extracted}
    assert judged == {ABBREV, THREE, f"{THREE}.2"}
    assert deck.rejected == [GAPS]
    again = start(speech, path)
    assert [c.id for c in again.offered()] == [OUTLINE, WINDOWS]
    again.change_kind(again.find(WINDOWS), "enumeration")
    again.save()
    assert [c.id for c in start(speech, path).offered()] == [OUTLINE]


def test_accept_all_judges_the_frameworks_of_an_extracted_deck(speech, tmp_path):
    path = tmp_path / "speech.toml"
    extracted_deck(speech, path)
    review = start(speech, path)
    accepted, refused, skipped = review.accept_all()
    assert {c.id for c in accepted} == {OUTLINE, FOUR, GAPS, WINDOWS, THREE}
    assert refused == [] and [c.id for c in skipped] == [ABBREV]  # makes no card
    review.save()
    assert [c.id for c in start(speech, path).offered()] == [ABBREV]


def test_an_undecided_changed_framework_is_offered_again_after_a_save(speech, tmp_path):
    path = tmp_path / "speech.toml"
    first_review(speech, path)
    text = speech.read_text("utf-8").replace("第四，完善企业诉求快速响应机制。",
                                             "第四，完善企业诉求快速响应机制；第五，开展营商环境评价。")
    speech.write_text(text, "utf-8")
    again = start(speech, path)
    assert [c.id for c in again.offered()] == [THREE]
    again.save()  # THREE left as it was
    third = start(speech, path)
    assert [c.id for c in third.offered()] == [THREE] and third.find(THREE).reason == au.CHANGED


def test_bad_inputs_give_one_line_errors(tmp_path):
    from drill.core.errors import DrillError

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 50)
    for name, message in (("missing.txt", "no such file"), ("empty.txt", "the file is empty"),
                          ("bin.txt", "binary file")):
        with pytest.raises(DrillError, match=message):
            au.read_inputs(tmp_path / name, tmp_path / "x.toml")
    (tmp_path / "broken.toml").write_text("title = \n", "utf-8")
    with pytest.raises(DrillError, match="not valid TOML"):
        au.read_inputs(SPEECH, tmp_path / "broken.toml")


def test_a_gbk_speech_is_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SPEECH.read_text("utf-8").encode("gbk"))
    review = start(path, tmp_path / "gbk.toml")
    assert review.encoding == "gb18030"
    assert [c.id for c in review.offered()] == [OUTLINE, ABBREV, FOUR, GAPS, WINDOWS, THREE]
    review.accept(review.find(THREE))
    review.save()
    assert decks.load(tmp_path / "gbk.toml").encoding == "gb18030"


def test_the_default_deck_is_named_after_the_speech_in_the_decks_folder(drill_home, tmp_path):
    assert au.deck_path_for(Path("x/讲话.txt")) == drill_home / "decks" / "讲话.toml"
    assert au.deck_path_for(Path("x/讲话.txt"), tmp_path) == tmp_path / "讲话.toml"
    assert au.deck_path_for(Path("x/讲话.txt"), tmp_path / "a.toml") == tmp_path / "a.toml"


# --------------------------------------------------------------------------
# the review's keys in a deck file, as `drill deck check` reads them


def test_deck_check_reads_the_review_keys(speech, tmp_path):
    path = tmp_path / "speech.toml"
    first_review(speech, path)
    text = path.read_text("utf-8")
    assert 'rejected = ["enu-9e8f1ac345"]' in text and 'merged = ["par-ab76fcd6f1"]' in text
    # a framework listed as rejected, and an own-wording mark on no item: warnings
    bad = text.replace('rejected = ["enu-9e8f1ac345"]', f'rejected = ["enu-9e8f1ac345", "{OUTLINE}"]')
    bad = bad.replace('name = "三个一"', 'name = "三个一"\nown = ["没有这一项"]')
    path.write_text(bad, "utf-8")
    _, problems = decks.check(path)
    assert sorted((p.warning, p.message) for p in problems) == [
        (True, f"'{OUTLINE}' is listed as rejected too; it is drilled"),
        (True, "'own' lists '没有这一项', which is not an item"),
        (True, "the name says 3 but there are 2 items"),  # 三个一, edited down to two
    ]
    # a rejected list that is not one: an error on its line
    path.write_text(text.replace('rejected = ["enu-9e8f1ac345"]', 'rejected = "enu-9e8f1ac345"'), "utf-8")
    _, problems = decks.check(path)
    line = text.splitlines().index('rejected = ["enu-9e8f1ac345"]') + 1
    assert [(p.line, p.message, p.warning) for p in problems if not p.warning] == \
        [(line, "'rejected' must be a list of framework ids", False)]


def test_review_keys_survive_a_hand_edited_deck_and_go_when_emptied(speech, tmp_path):
    path = tmp_path / "speech.toml"
    first_review(speech, path)
    path.write_text("# my note on this deck\n" + path.read_text("utf-8"), "utf-8")
    again = start(speech, path)
    again.reset(again.find(ABBREV))  # takes 一流的… out of 四个一流 again
    again.accept(again.find(FOUR))
    again.accept(again.find(GAPS))  # changed one's mind: rejected before, accepted now
    again.save()
    text = path.read_text("utf-8")
    assert text.startswith("# my note on this deck\n")
    assert "merged =" not in text and "rejected =" not in text
    deck = decks.load(path)
    assert deck.rejected == [] and {FOUR, GAPS} <= {fw.id for fw in deck.frameworks}


def test_undo_and_redo_name_the_framework_each_decision_was_about(speech, tmp_path):
    review = start(speech, tmp_path / "speech.toml")
    review.split(review.find(THREE), 2)
    review.merge(review.find(ABBREV), review.find(FOUR))
    review.accept(review.find(OUTLINE))
    review.reject(review.find(GAPS))
    review.toggle_order(review.find(WINDOWS))
    review.retitle("试讲")
    assert review.undo() == au.Undone("title", None)  # the deck's, no framework's
    for fid in (WINDOWS, GAPS, OUTLINE, ABBREV, THREE):
        undone = review.undo()
        assert undone.framework == fid and review.find(fid) is not None
    assert review.find(f"{THREE}.2") is None
    assert review.redo().framework == THREE and review.find(f"{THREE}.2") is not None
    assert review.redo().framework == ABBREV
    added = review.add("enumeration", "三件事", ["全面推行“证照分离”改革", "健全常态化政企沟通机制"], [])
    assert review.undo().framework is None  # the added framework is gone: nothing to show
    redone = review.redo()
    assert redone.framework == added.id and review.find(added.id) is not None
