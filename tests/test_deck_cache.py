"""The deck cache (drill.core.deck_cache): a deck read again comes from the
cache, and the cache gives way to the deck file whenever the file is not
what the cache was made of, and to nothing at all when it is damaged."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import DECKS, until

from drill import paths
from drill.core import deck as decks
from drill.core import deck_cache
from drill.core.store import Store

SPEECH = DECKS / "001_2cf52c944239bc02.toml"

DECK = """\
format = 1
id = "mine"
title = "我的讲话"

[[frameworks]]
id = "enu-0000000001"
kind = "enumeration"
name = "三个方面"
items = ["抓学习", "促提升", "见实效"]
ordered = true
quote = "一是抓学习，二是促提升，三是见实效。"

[[frameworks]]
id = "abb-0000000002"
kind = "abbreviation"
name = "两个坚持"
items = ["坚持人民至上", "坚持自信自立"]
ordered = false
"""


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "decks"
    path.mkdir()
    return path


class Reads:
    """The deck files parsed (not taken from the cache), by name."""

    def __init__(self, monkeypatch):
        self.names: list[str] = []
        real = deck_cache.load
        monkeypatch.setattr(deck_cache, "load", lambda path, data=None: self.names.append(path.name) or
                            real(path, data))


def cards_of(deck) -> list:
    return [(c.id, c.deck, c.framework, c.kind, c.prompt, list(c.answer), c.context, list(c.others))
            for c in deck.cards()]


def loaded(folder):
    found, errors = decks.load_all([folder])
    return found, errors


def test_a_deck_read_again_comes_from_the_cache_and_is_the_same_deck(folder, monkeypatch):
    for path in sorted(DECKS.glob("*.toml")):
        shutil.copy(path, folder / path.name)
    reads = Reads(monkeypatch)
    first, _ = loaded(folder)
    assert len(reads.names) == len(first) > 0
    reads.names.clear()
    again, errors = loaded(folder)
    assert reads.names == [] and errors == []  # nothing parsed
    assert [d.id for d in again] == [d.id for d in first]
    for cached, parsed in zip(again, first):
        # its counts' keys come without making a card, and are the cards'
        assert cached.card_ids() == parsed.card_ids()
        assert cached.card_keys() == parsed.card_keys()
        assert cached == parsed  # every field, the frameworks read from the cache
        assert cards_of(cached) == cards_of(parsed)
        assert cached.file_text == parsed.file_text == cached.path.read_text("utf-8-sig")


def write_same_size_and_times(path, text: str) -> None:
    """Write ``text`` over ``path``, keeping its size and its access and modification times."""
    before = path.stat()
    assert len(text.encode("utf-8")) == before.st_size
    path.write_text(text, "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_deck_edited_keeping_its_size_and_times_is_read_again(folder):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    (deck,), _ = loaded(folder)
    assert deck.title == "我的讲话"
    assert deck.frameworks[0].items[1] == "促提升"
    write_same_size_and_times(path, DECK.replace("我的讲话", "你的讲话").replace("促提升", "促发展"))
    (deck,), _ = loaded(folder)
    assert deck.title == "你的讲话"
    assert deck.frameworks[0].items[1] == "促发展"
    assert "促发展" in {c.answer[0] for c in deck.cards() if c.kind == "cloze"}
    assert deck.card_ids() == decks.load(path).card_ids()  # the cards of the edited items


def test_replaced_touched_deleted_and_new_decks(folder):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    shutil.copy(SPEECH, folder / SPEECH.name)
    found, _ = loaded(folder)
    assert [d.id for d in found] == ["001_2cf52c944239bc02", "mine"]

    # replaced by another file (a rename over it), with fewer frameworks
    other = folder / "other.tmp"
    other.write_text(DECK.split("[[frameworks]]")[0] + "[[frameworks]]" + DECK.split("[[frameworks]]")[2], "utf-8")
    other.replace(path)
    found, _ = loaded(folder)
    mine = next(d for d in found if d.id == "mine")
    assert [fw.id for fw in mine.frameworks] == ["abb-0000000002"]
    assert mine.card_ids() == decks.load(path).card_ids()

    # touched: the same content, the same deck
    os.utime(path)
    found, _ = loaded(folder)
    assert next(d for d in found if d.id == "mine").card_ids() == decks.load(path).card_ids()

    # deleted: gone, and its entry with it
    (folder / SPEECH.name).unlink()
    found, _ = loaded(folder)
    assert [d.id for d in found] == ["mine"]
    cache = json.loads((paths.cache_dir() / deck_cache.FILE_NAME).read_text("utf-8"))
    assert len(cache["decks"]) == 1
    assert len(list((paths.cache_dir() / deck_cache.FRAMEWORKS_DIR).glob("*.json"))) == 1

    # a new deck
    (folder / "new.toml").write_text(DECK.replace('id = "mine"', 'id = "new"'), "utf-8")
    found, _ = loaded(folder)
    assert [d.id for d in found] == ["mine", "new"]


def test_a_deck_that_does_not_load_says_so_again_and_loads_once_mended(folder, monkeypatch):
    path = folder / "mine.toml"
    path.write_text(DECK.replace('kind = "abbreviation"', 'kind = "acronym"'), "utf-8")
    found, errors = loaded(folder)
    reads = Reads(monkeypatch)
    assert found == [] and len(errors) == 1 and "unknown kind 'acronym'" in errors[0]
    assert loaded(folder) == ([], errors) and reads.names == []  # the same line, from the cache
    path.write_text(DECK, "utf-8")
    found, errors = loaded(folder)
    assert [d.id for d in found] == ["mine"] and errors == [] and reads.names == ["mine.toml"]


@pytest.mark.parametrize("damage", [
    b"", b"\x00\xff garbage", b'{"format": 1, "stamp": ', b"[1, 2, 3]", b'{"format": 1}',
    "stamp",  # the right stamp, entries of the wrong shape
])
def test_a_damaged_cache_is_ignored_and_made_again(folder, damage, monkeypatch):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    (first,), _ = loaded(folder)
    cache_file = paths.cache_dir() / deck_cache.FILE_NAME
    if damage == "stamp":
        held = json.loads(cache_file.read_text("utf-8"))
        for entry in held["decks"].values():
            entry["ids"], entry["reference"], entry["title"] = 7, "yes", ["x"]
        damage = json.dumps(held).encode()
    cache_file.write_bytes(damage)
    reads = Reads(monkeypatch)
    (deck,), errors = loaded(folder)
    assert errors == [] and reads.names == ["mine.toml"]
    assert deck == first and cards_of(deck) == cards_of(first)
    json.loads(cache_file.read_text("utf-8"))  # written again, whole
    reads.names.clear()
    (deck,), _ = loaded(folder)
    assert reads.names == [] and deck == first


def test_damaged_frameworks_beside_the_cache_are_read_from_the_deck(folder):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    (first,), _ = loaded(folder)
    (kept,) = (paths.cache_dir() / deck_cache.FRAMEWORKS_DIR).glob("*.json")
    for damage in ("{not json", '[{"kind": "enumeration"}]', "[]"):
        kept.write_text(damage, "utf-8")
        (deck,), errors = loaded(folder)
        assert errors == [] and deck.frameworks == first.frameworks
        assert deck.card_ids() == first.card_ids() and cards_of(deck) == cards_of(first)
    kept.unlink()
    (deck,), _ = loaded(folder)
    assert deck.frameworks == first.frameworks


def test_a_cache_that_cannot_be_written_leaves_the_decks_read(folder, drill_home):
    drill_home.mkdir(parents=True, exist_ok=True)
    (drill_home / "cache").write_text("a file where the cache folder goes", "utf-8")
    (folder / "mine.toml").write_text(DECK, "utf-8")
    for _ in range(2):
        (deck,), errors = loaded(folder)
        assert errors == [] and deck.title == "我的讲话"


def test_another_version_of_the_reading_code_reads_the_decks_again(folder, monkeypatch):
    (folder / "mine.toml").write_text(DECK, "utf-8")
    loaded(folder)
    reads = Reads(monkeypatch)
    monkeypatch.setattr(deck_cache, "code_stamp", lambda: "another version")
    loaded(folder)
    assert reads.names == ["mine.toml"]


def test_a_cached_decks_cards_come_from_the_cache_and_are_the_files(folder, monkeypatch):
    for path in sorted(DECKS.glob("*.toml")):
        shutil.copy(path, folder / path.name)
    first, _ = loaded(folder)
    made = [d.cards() for d in first]
    monkeypatch.setattr(decks, "framework_cards", lambda *a: pytest.fail("a cached deck's cards were made"))
    again, _ = loaded(folder)
    for cached, cards in zip(again, made):
        assert cached.cards() == cards  # every field of every card
    monkeypatch.undo()
    # a framework edited in place: its cards are made again, from it
    (deck,) = [d for d in loaded(folder)[0] if d.id == first[1].id]
    deck.frameworks[0].items.append("再落实")
    assert deck.cards() == [c for fw in deck.frameworks for c in decks.framework_cards(deck.id, fw)]
    assert len(deck.cards()) > len(made[1])


@pytest.mark.parametrize("damage", ["shape", "types", "ids"])
def test_damaged_cards_beside_the_cache_are_made_from_the_deck(folder, damage):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    (first,), _ = loaded(folder)
    (kept,) = (paths.cache_dir() / deck_cache.FRAMEWORKS_DIR).glob("*.json")
    held = json.loads(kept.read_text("utf-8"))
    if damage == "shape":
        held["cards"][0] = held["cards"][0][:-1]
    elif damage == "types":
        held["cards"][0][5] = "not a list"  # the answer
    else:
        held["cards"] = held["cards"][1:] + held["cards"][:1]  # not the cards the entry names
    text = json.dumps(held, ensure_ascii=False)
    kept.write_text(text, "utf-8")
    entries = json.loads((paths.cache_dir() / deck_cache.FILE_NAME).read_text("utf-8"))
    for entry in entries["decks"].values():  # the entry names the damaged file: only its content is wrong
        entry["frameworks"] = deck_cache.digest(text.encode("utf-8"))
    (paths.cache_dir() / deck_cache.FILE_NAME).write_text(json.dumps(entries, ensure_ascii=False), "utf-8")
    (deck,), errors = loaded(folder)
    assert errors == [] and deck.cards() == first.cards() and deck.frameworks == first.frameworks


def test_a_cached_decks_frameworks_edited_make_their_cards_again(folder):
    (folder / "mine.toml").write_text(DECK, "utf-8")
    loaded(folder)
    (deck,), _ = loaded(folder)
    before = deck.card_ids()
    deck.frameworks[0].items.append("再落实")  # edited in place
    assert len(deck.card_ids()) == len(before) + 1
    assert deck.card_ids() == tuple(c.id for c in deck.cards())
    assert deck.card_keys().frameworks == tuple(c.framework for c in deck.cards())
    deck.frameworks = deck.frameworks[1:]  # replaced
    assert deck.card_ids() == tuple(c.id for c in deck.cards())
    assert all(c.framework == "abb-0000000002" for c in deck.cards())


def test_the_cache_lives_under_drill_home(drill_home, folder):
    (folder / "mine.toml").write_text(DECK, "utf-8")
    loaded(folder)
    assert (drill_home / "cache" / deck_cache.FILE_NAME).is_file()


async def test_the_app_shows_a_deck_edited_between_two_starts(drill_home):
    from drill.tui.app import make_app
    from drill.tui.screens.decks import DecksScreen

    mine = drill_home / "decks" / "mine.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text(DECK, "utf-8")

    async def listed() -> dict[str, tuple[str, str]]:
        app = make_app(user="lin")
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.screen.shown is not None
                        and app.decks_checked, what="the deck list, its files checked")
            await pilot.pause()
            table = app.screen.query_one("#decks")
            rows = {}
            for n in range(table.row_count):
                row = table.get_row_at(n)
                rows[app.decks[n].id] = (str(row[1]), str(row[4]))  # the title and the total
            app.exit()
        return rows

    first = await listed()
    assert first["mine"] == ("我的讲话", str(len(decks.load(mine).cards())))
    # another title and an item less, the file's size and times as they were
    edited = DECK.replace("我的讲话", "新的讲话").replace('"抓学习", "促提升", "见实效"]',
                                                     '"抓学习", "促提升"]' + " " * 13)
    write_same_size_and_times(mine, edited)
    again = await listed()
    assert again["mine"] == ("新的讲话", str(len(decks.load(mine).cards())))
    assert again["mine"][1] != first["mine"][1]
    assert {k: v for k, v in again.items() if k != "mine"} == {k: v for k, v in first.items() if k != "mine"}


async def test_the_app_counts_what_another_drill_answered_with_cached_decks(drill_home):
    from drill.core.grading import grade
    from drill.core.session import Answered
    from drill.tui.app import make_app
    from drill.tui.screens.decks import DecksScreen

    decks.load_all(paths.deck_dirs())  # the cache made: this app reads its decks from it
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DecksScreen) and app.screen.shown is not None,
                    what="the deck list")
        assert "frameworks" not in vars(app.decks[1])  # from the cache, not read yet
        table = app.screen.query_one("#decks")

        def row() -> tuple[str, ...]:
            return tuple(str(cell) for cell in table.get_row_at(1)[2:5])

        def truth() -> tuple[str, ...]:
            store = Store.open("lin")
            try:
                c, left = store.deck_counts(app.decks[1]), store.new_left_today()
            finally:
                store.close()
            return (str(c.due), str(min(c.new, left)), str(c.total))

        before = row()
        assert before == truth()
        card = next(c for c in app.decks[1].cards() if c.kind == "recall")
        other = Store.open("lin")  # another drill, the same trainee
        other.record(Answered(card, "不知道", grade(card.answer, "不知道", card.ordered), 8.0, 0))
        other.close()
        await until(pilot, lambda: row() != before, what="the other drill's answer counted")
        assert row() == truth()


def test_the_learning_steps_take_a_cached_decks_cards(folder, monkeypatch):
    from drill.core import learning
    from drill.core.learning import Learning, Stage

    (folder / "mine.toml").write_text(DECK, "utf-8")
    (parsed,), _ = loaded(folder)
    want = Learning([parsed], lambda card: {}).card(parsed.id, "enu-0000000001", Stage.CLOZE)
    (deck,), _ = loaded(folder)
    monkeypatch.setattr(learning, "framework_cards", lambda *a: pytest.fail("the cards were made again"))
    assert Learning([deck], lambda card: {}).card(deck.id, "enu-0000000001", Stage.CLOZE) == want
    monkeypatch.undo()
    deck.frameworks[0].items.append("再落实")  # edited: its cards, and its steps', are made of it
    cloze = Learning([deck], lambda card: {}).card(deck.id, "enu-0000000001", Stage.CLOZE)
    assert "再落实" in cloze.others or "再落实" in cloze.answer


# --- a start takes the decks by their paths, and checks their files after ----


class FileReads:
    """The deck files whose bytes are read (for their digest or to parse them), by name."""

    def __init__(self, monkeypatch):
        self.names: list[str] = []
        for module in (decks, deck_cache):
            real = module.read_limited
            monkeypatch.setattr(module, "read_limited", lambda path, *a, real=real, **k: self.names.append(
                path.name) or real(path, *a, **k))


def test_a_start_takes_the_decks_unread_and_its_check_reads_every_file(folder, monkeypatch):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    shutil.copy(SPEECH, folder / SPEECH.name)
    first, _ = loaded(folder)
    reads = FileReads(monkeypatch)
    found, errors, check = decks.recall_all([folder])
    assert reads.names == [] and errors == []  # taken by their paths: no file read
    assert [d.id for d in found] == [d.id for d in first]
    assert [d.card_keys() for d in found] == [d.card_keys() for d in first]
    assert not check.done
    again, errors = check.run()
    assert sorted(reads.names) == sorted([SPEECH.name, "mine.toml"]) and errors == [] and check.done
    assert all(a is b for a, b in zip(again, found))  # the files are what the cache said: the same decks
    for cached, parsed in zip(again, first):
        assert cached == parsed and cards_of(cached) == cards_of(parsed)
        assert cached.file_text == cached.path.read_text("utf-8-sig")


def test_a_deck_edited_before_or_during_a_start_is_read_again_by_its_check(folder):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    shutil.copy(SPEECH, folder / SPEECH.name)
    loaded(folder)
    edited = DECK.replace("我的讲话", "你的讲话").replace("促提升", "促发展")
    write_same_size_and_times(path, edited)  # before the start
    found, _, check = decks.recall_all([folder])
    mine = next(d for d in found if d.id == "mine")
    assert mine.title == "我的讲话"  # what the cache held: the check is to tell
    again, errors = check.run()
    now = next(d for d in again if d.id == "mine")
    assert errors == [] and now is not mine
    assert now.title == "你的讲话" and now.frameworks[0].items[1] == "促发展"
    assert now.card_ids() == decks.load(path).card_ids() and cards_of(now) == cards_of(decks.load(path))
    assert next(d for d in again if d.id != "mine") is next(d for d in found if d.id != "mine")

    # during a start: taken unread, edited, then checked
    found, _, check = decks.recall_all([folder])
    assert next(d for d in found if d.id == "mine").title == "你的讲话"  # the cache saved what the check read
    write_same_size_and_times(path, DECK)
    again, _ = check.run()
    assert next(d for d in again if d.id == "mine").title == "我的讲话"
    # and the next start takes what this check read
    found, _, check = decks.recall_all([folder])
    assert next(d for d in found if d.id == "mine").title == "我的讲话"


def test_a_start_checks_new_deleted_and_broken_deck_files(folder):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    shutil.copy(SPEECH, folder / SPEECH.name)
    loaded(folder)
    found, _, check = decks.recall_all([folder])
    (folder / SPEECH.name).unlink()  # deleted
    (folder / "new.toml").write_text(DECK.replace('id = "mine"', 'id = "new"'), "utf-8")  # new
    path.write_text(DECK.replace('kind = "abbreviation"', 'kind = "acronym"'), "utf-8")  # broken
    again, errors = check.run()
    assert [d.id for d in again] == ["new"]
    assert len(errors) == 1 and "mine.toml" in errors[0]
    assert loaded(folder) == (again, errors) or [d.id for d in loaded(folder)[0]] == ["new"]


def test_a_deck_verified_before_the_check_is_its_file_now(folder):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    shutil.copy(SPEECH, folder / SPEECH.name)
    loaded(folder)
    found, _, check = decks.recall_all([folder])
    speech, mine = found
    assert check.verify(speech) is speech  # unchanged: the very deck
    write_same_size_and_times(path, DECK.replace("我的讲话", "你的讲话"))
    now = check.verify(mine)
    assert now is not mine and now.title == "你的讲话"
    again, _ = check.run()
    assert again == [speech, now] and again[1] is now  # the check keeps what was verified
    path.write_text(DECK.replace('kind = "abbreviation"', 'kind = "acronym"'), "utf-8")
    found, _, check = decks.recall_all([folder])
    with pytest.raises(decks.DrillError, match="mine.toml"):
        check.verify(found[1])


async def test_the_app_shows_a_deck_edited_during_its_start(drill_home, monkeypatch):
    from drill.tui.app import DrillApp, make_app
    from drill.tui.screens.decks import DecksScreen

    mine = drill_home / "decks" / "mine.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text(DECK, "utf-8")
    decks.load_all(paths.deck_dirs())  # the cache made
    edited = DECK.replace("我的讲话", "新的讲话")
    real = DrillApp._decks_loaded

    def loaded_then_edited(app, found, errors, check=None, teaching=None):
        # the decks taken from the cache, then the file edited before the check reads it
        assert next(d for d in found if d.id == "mine").title == "我的讲话"
        write_same_size_and_times(mine, edited)
        real(app, found, errors, check, teaching)

    monkeypatch.setattr(DrillApp, "_decks_loaded", loaded_then_edited)
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        def title() -> str:
            screen = app.screen
            if not isinstance(screen, DecksScreen) or screen.shown is None:
                return ""
            table = screen.query_one("#decks")
            n = [d.id for d in screen.order].index("mine")
            return str(table.get_row_at(n)[1])

        await until(pilot, lambda: app.decks_checked and title() == "新的讲话",
                    what="the edited deck's new title on the list")
        mine_deck = next(d for d in app.decks if d.id == "mine")
        assert mine_deck.title == "新的讲话" and mine_deck.card_ids() == decks.load(mine).card_ids()


async def test_a_session_started_before_the_check_drills_the_deck_as_its_file_is(drill_home, monkeypatch):
    from drill.tui.app import DrillApp, make_app
    from drill.tui.screens.drill import DrillScreen

    mine = drill_home / "decks" / "mine.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text(DECK, "utf-8")
    decks.load_all(paths.deck_dirs())  # the cache made
    # an item edited between two starts, the file's size and times as they were
    write_same_size_and_times(mine, DECK.replace("促提升", "促发展"))
    monkeypatch.setattr(DrillApp, "check_decks", lambda app, check: None)  # the check never comes back
    app = make_app(user="lin")
    opened = app._open_progress

    def open_and_drill() -> None:
        opened()
        assert not app.decks_checked
        app.start_session([d for d in app.decks if d.id == "mine"])

    monkeypatch.setattr(app, "_open_progress", open_and_drill)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.is_mounted
                    and app.session.current is not None, what="the drill, its first card shown")
        await pilot.pause()
        assert app.session.cards and all(c.deck == "mine" for c in app.session.cards)
        # the edited framework's cards (its first learning step, or its cards) ask the file's items
        asked = {item for c in app.session.cards if c.framework == "enu-0000000001" for item in c.answer}
        assert "促发展" in asked and "促提升" not in asked
        assert next(d for d in app.decks if d.id == "mine").frameworks[0].items[1] == "促发展"


def test_a_start_that_must_not_read_files_is_told_when_one_must_be(folder, monkeypatch):
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    assert decks.recall_all([folder], read=False) is None  # no cache yet: the file must be read
    loaded(folder)
    reads = FileReads(monkeypatch)
    found, errors, _ = decks.recall_all([folder], read=False)
    assert [d.id for d in found] == ["mine"] and errors == [] and reads.names == []
    (folder / "new.toml").write_text(DECK.replace('id = "mine"', 'id = "new"'), "utf-8")
    assert decks.recall_all([folder], read=False) is None and reads.names == []


@pytest.mark.parametrize("damage", ["ids", "fws", "kinds", "lengths"])
def test_damaged_card_keys_in_an_entry_give_the_files_cards(folder, damage):
    # an entry's keys are split when first asked: damaged then, the deck's cards are its file's
    path = folder / "mine.toml"
    path.write_text(DECK, "utf-8")
    (first,), _ = loaded(folder)
    cache_file = paths.cache_dir() / deck_cache.FILE_NAME
    held = json.loads(cache_file.read_text("utf-8"))
    for entry in held["decks"].values():
        if damage == "lengths":
            entry["ids"] = entry["ids"].rsplit(deck_cache.SEP, 1)[0]
        elif damage == "kinds":
            entry["kinds"] = entry["kinds"].replace("recall", "recite")
        else:
            entry[damage] = [1, 2]
    cache_file.write_text(json.dumps(held), "utf-8")
    for found, _ in (loaded(folder), decks.recall_all([folder])[:2]):
        (deck,) = found
        assert deck.card_keys() == first.card_keys() and deck.card_ids() == first.card_ids()
        assert cards_of(deck) == cards_of(first) and deck.frameworks == first.frameworks
