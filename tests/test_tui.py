"""The terminal app, driven the way a trainee drives it (Pilot), on the
bundled decks and a real progress store in a temporary DRILL_HOME."""

from __future__ import annotations

import re

import pytest
from conftest import DECKS, until, asked_cold

from drill.core.deck import BLANK, blank_answer
from drill.core.store import Store, last_profile, store_dir
from drill.tui.app import make_app
from drill.tui.screens.decks import DecksScreen
from drill.tui.screens.drill import AnswerArea, DrillScreen
from drill.tui.screens.help import HelpScreen
from drill.tui.screens.profile import ProfileScreen
from drill.tui.screens.stats import StatsScreen
from drill.tui.screens.summary import SummaryScreen

SIZE = (80, 24)


def shown(widget) -> list[str]:
    """The lines a widget draws (border and padding included), as plain text."""
    from textual.geometry import Region

    width, height = widget.outer_size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


def shown_text(widget) -> str:
    return "\n".join(shown(widget))


async def ready(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str):
    await pilot.press(*[("enter" if ch == "\n" else ch) for ch in text])


async def answer(pilot, text: str):
    await type_text(pilot, text)
    await pilot.press("ctrl+s")
    await saved(pilot)


async def saved(pilot):
    """Wait until the answer is written (it is saved in the background)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.slow  # a whole session
async def test_a_whole_session():
    asked_cold("林")
    app = make_app(user="林")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, DecksScreen)
        assert len(app.decks) == 6  # the five seed speeches and the reference deck
        await pilot.press("down", "space", "enter")  # choose the second deck, drill it
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        session = app.session
        assert {c.deck for c in session.cards} == {app.decks[1].id}

        first = session.current
        await answer(pilot, "\n".join(first.answer))  # right, one item a line
        assert session.answered[-1].verdict == "correct"
        feedback = shown_text(app.screen.query_one("#feedback"))
        assert "correct" in feedback and "score 100%" in feedback
        await pilot.press("enter")
        await pilot.pause()

        second = session.current
        assert second is not first
        await answer(pilot, second.answer[0][:-1] + "错")  # a real error in the last character
        judged = session.answered[-1]
        assert judged.verdict in ("partial", "wrong")
        await pilot.press("r")  # "I was right"
        await pilot.pause()
        assert judged.overridden == "right" and judged.rating == 3
        assert "you said: right" in shown_text(app.screen.query_one("#feedback"))
        await pilot.press("enter")
        await pilot.pause()

        await answer(pilot, "不知道")
        assert session.answered[-1].verdict == "wrong"
        await pilot.press("enter", "escape")  # end the session
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = shown_text(app.screen.query_one("#summary"))
        assert "cards      3" in text and "Missed this session" in text
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert "reviews        3" in str(app.screen.query_one("#overview-text").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen)

    store = Store.open("林")
    reviews = list(store.reviews())
    assert len(reviews) == 3
    assert [r.overridden for r in reviews] == ["", "right", ""]
    assert last_profile() == "林"


async def test_enter_in_the_answer_is_a_new_line_never_a_submit():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await _to_drill(pilot)
        await type_text(pilot, "抓学习\n\n")  # an IME confirming a candidate sends Enter
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and app.session.answered == []
        assert app.screen.query_one(AnswerArea).text == "抓学习\n\n"


async def test_a_hint_shows_the_first_character_and_caps_the_rating():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await _to_drill(pilot)
        card = app.session.current
        await pilot.press("f2")
        await pilot.pause()
        assert card.answer[0][0] in shown_text(app.screen.query_one("#hint"))
        await answer(pilot, "、".join(card.answer))
        judged = app.session.answered[-1]
        assert judged.verdict == "correct" and judged.hints == 1 and judged.rating == 2


async def test_first_run_asks_for_a_name_and_the_next_run_remembers_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, ProfileScreen)
        await type_text(pilot, "王芳")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen) and app.user == "王芳"
    again = make_app()
    assert again.user == "王芳"


async def test_deck_text_that_looks_like_markup_is_shown_literally(tmp_path):
    deck_dir = tmp_path / "decks"
    deck_dir.mkdir()
    text = next(iter(sorted(DECKS.glob("002_*.toml")))).read_text("utf-8")
    text = text.replace('title = "', 'title = "[bold]加粗[/bold] [/] ', 1)
    text = re.sub(r'^id = ".*"$', 'id = "markup"', text, count=1, flags=re.M)  # a deck of its own
    assert "[bold]" in text
    (deck_dir / "markup.toml").write_text(text, "utf-8")
    app = make_app([deck_dir], user="lin")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        titles = [d.title for d in app.decks]
        assert any(t.startswith("[bold]加粗[/bold] [/]") for t in titles)
        table = app.screen.query_one("#decks")
        shown = [str(table.get_cell_at((row, 1))) for row in range(table.row_count)]
        assert any(s.startswith("[bold]加粗[/bold]") for s in shown)


@pytest.mark.slow  # a whole session, twice
async def test_answers_are_kept_when_the_app_is_closed_mid_session():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await _to_drill(pilot)
        for _ in range(2):
            await answer(pilot, "、".join(app.session.current.answer))
            await pilot.press("enter")
            await pilot.pause()
        await type_text(pilot, "typing the third when the terminal closes")
        app.exit()  # what Ctrl+Q, Ctrl+C or a closed terminal come to
    assert len(list(Store.open("lin").reviews())) == 2


async def test_help_lists_every_key_and_closes():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("Static").render())
        for key in ("ctrl+s", "f2", "f3", "space", "ctrl+p"):
            assert key in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen)


async def test_a_damaged_store_stops_the_app_with_one_line_and_keeps_the_file():
    folder = store_dir("lin")
    folder.mkdir(parents=True)
    (folder / "trainee.json").write_bytes(b"\x00garbage")
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        # the decks are loaded, then the store is opened and refused
        await until(pilot, lambda: app.return_code is not None, what="the app to stop")
    assert app.return_code == 1
    assert "trainee.json:1:" in app.error
    assert (folder / "trainee.json").read_bytes() == b"\x00garbage"


# --- the look of the main screens at 80×24 ---------------------------------


@pytest.fixture
def snap_app():
    asked_cold()  # the recall card and its feedback (the learning cards: test_learning.py)
    return make_app(user="lin")


async def _to_drill(pilot, learn_first: bool | None = False):
    """The first card of the first deck, asked cold unless ``learn_first``
    (None: as the trainee's settings say)."""
    from drill.tui.screens.drill import AnswerArea, DrillScreen

    await _ready(pilot)
    app = pilot.app
    if learn_first is not None:
        app.progress.update_settings(learn_first=learn_first)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DrillScreen) and isinstance(app.screen.focused, AnswerArea),
                what="the first card, its answer box focused")
    await pilot.pause()


async def _to_feedback(pilot):
    await _to_drill(pilot)
    card = pilot.app.session.current
    text = "\n".join(card.answer[:-1] + [card.answer[-1][:-1] + "错"])
    await pilot.press(*[("enter" if ch == "\n" else ch) for ch in text])
    await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    screen = pilot.app.screen
    await until(pilot, lambda: screen.phase == "judged" and screen.focused is screen.query_one("#feedback-box"),
                what="the feedback, focused")
    await pilot.pause()


async def _ready(pilot):
    from drill.tui.screens.decks import DecksScreen

    await pilot.app.workers.wait_for_complete()
    await until(pilot, lambda: isinstance(pilot.app.screen, DecksScreen) and pilot.app.screen.focused is not None,
                what="the deck list, focused")
    await pilot.pause()


def test_snapshot_decks(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=SIZE, run_before=_ready)


def test_snapshot_drill_card(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=SIZE, run_before=_to_drill)


def test_snapshot_feedback(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=SIZE, run_before=_to_feedback)


def test_snapshot_help(snap_compare, snap_app):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)



# --- what a trainee sees at 80×24 ------------------------------------------


def footer_keys(app) -> dict[str, tuple[str, object]]:
    return {key.key: (key.description, key.region) for key in app.screen.query("FooterKey")}


def assert_footer_fits(app) -> None:
    keys = footer_keys(app)
    palette = keys.pop(app.COMMAND_PALETTE_BINDING)[1]
    assert "f1" in keys and "ctrl+q" in keys
    for key, (_, region) in keys.items():
        assert region.right <= palette.x, f"{key} is hidden behind the palette key"


async def test_every_key_shows_in_the_footer_at_80_columns():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert_footer_fits(app)
        assert footer_keys(app)["enter"][0] == "Drill"  # the table takes Enter: it must say so
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill")
        assert app.session.current.kind == "show"  # a new framework's first sight
        assert_footer_fits(app)
        assert footer_keys(app)["enter"][0] == "Next"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, (SummaryScreen, DecksScreen)), what="the end")
        if isinstance(app.screen, SummaryScreen):
            await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DecksScreen), what="the deck list")
        app.progress.update_settings(learn_first=False)
        await pilot.press("enter")
        await pilot.pause()
        assert_footer_fits(app)
        await answer(pilot, "不知道")
        assert {"enter", "r", "w"} <= set(footer_keys(app))
        assert_footer_fits(app)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert_footer_fits(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert_footer_fits(app)


async def test_the_palette_lists_every_action_before_anything_is_typed():
    from textual.command import CommandPalette

    from drill.tui.app import DrillCommands

    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        options = app.screen.query_one("CommandList")
        wanted = [name for name, _, screens, _ in DrillCommands.ACTIONS
                  if screens is None or "DecksScreen" in screens]

        def listed() -> list[str]:
            return [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]

        await until(pilot, lambda: all(any(name in line for line in listed()) for name in wanted),
                    timeout=30, what="every action to be listed")
        assert not any("End this session" in line for line in listed())  # no session to end here
        await type_text(pilot, "everything due")
        await until(pilot, lambda: any("everything due" in line.lower() for line in listed()),
                    timeout=30, what="the search to narrow the list")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen)  # nothing due on a first day: it stays, and says why


async def drill_these(app, pilot, cards):
    """Open the drill on these cards, as the weakest list does for a framework."""
    from drill.core.session import Session

    app.session = Session(cards, recorder=app.progress)
    app.switch_screen(DrillScreen(app.session))
    await pilot.pause()


def long_order_card(app):
    return next(c for d in app.decks for c in d.cards() if c.kind == "order" and len(c.answer) >= 6)


async def test_the_judgement_shows_first_and_the_answer_one_item_a_line():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        card = long_order_card(app)
        await drill_these(app, pilot, [card])
        typed = [card.answer[1], card.answer[0], *card.answer[2:-1]]  # two swapped, the last missing
        await answer(pilot, "\n".join(typed))
        box = app.screen.query_one("#feedback-box")
        full = [line.strip() for line in shown(app.screen.query_one("#feedback"))]
        visible = full[: box.scrollable_content_region.height]  # what shows before any scrolling
        assert box.scroll_y == 0 and any("partial" in line and "score" in line for line in visible), visible
        start = full.index("answer")
        for n, item in enumerate(card.answer, start=1):
            assert f"{n}. {item}" in full[start + n], full  # each item on a line of its own


async def test_an_item_out_of_place_says_where_it_was_typed():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        card = long_order_card(app)
        await drill_these(app, pilot, [card])
        await answer(pilot, "\n".join([card.answer[1], card.answer[0], *card.answer[2:]]))  # 1 and 2 swapped
        box = app.screen.query_one("#feedback-box")
        full = [line.strip() for line in shown(app.screen.query_one("#feedback"))]
        shown_items = "".join(full).replace(" ", "")
        # the item shown as 1. was typed 2nd (or the one shown as 2. 1st), and the note
        # names the item it was swapped with
        assert ("typed2nd,belongs1st:swappedwithitem2" in shown_items
                or "typed1st,belongs2nd:swappedwithitem1" in shown_items), full
        assert "belongsinplace" not in shown_items
        assert box.display


async def test_the_source_starts_on_the_line_of_its_label():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        card = long_order_card(app)
        await drill_these(app, pilot, [card])
        await pilot.press("f3")
        await pilot.pause()
        quote = blank_answer(app.quote_for(card), card.answer)
        lines = shown(app.screen.query_one("#source"))
        assert lines[0].startswith("source") and quote[:10] in lines[0], lines
        assert all(line.startswith(" " * len("source")) for line in lines[1:]), lines  # wraps under itself


async def test_the_source_hides_the_answer_until_the_card_is_judged():
    app = make_app(user="lin")
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        card = next(c for d in app.decks for c in d.cards()
                    if c.kind == "recall" and all(len(i) > 2 and i in app.quote_for(c) for i in c.answer))
        await drill_these(app, pilot, [card])
        await pilot.press("f3")
        await pilot.pause()
        before = "".join(line.strip() for line in shown(app.screen.query_one("#source")))
        assert BLANK in before and not any(item in before for item in card.answer), before
        await answer(pilot, "不知道")
        after = "".join(line.strip() for line in shown(app.screen.query_one("#source")))
        assert all(item in after for item in card.answer), after  # judged: the sentence in full


async def test_the_summary_lists_missed_items_under_their_framework():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        cards = next(cs for d in app.decks for fw in d.frameworks
                     if len(cs := [c for c in d.cards() if c.framework == fw.id]) >= 2 and len(cs[0].answer) >= 3)
        first = cards[0]
        await drill_these(app, pilot, cards[:2])  # two cards of one framework, both missed
        await answer(pilot, "不知道")
        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, "不知道")
        await pilot.press("enter")  # the first card comes back: missed cards are relearned
        await pilot.pause()
        assert app.session.current is first and app.session.again()
        assert "again" in str(app.screen.query_one("#progress").render())
        await pilot.press("escape")  # end the session: on to the summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        lines = [line.rstrip() for line in shown(app.screen.query_one("#summary"))]
        text = "\n".join(lines)
        assert "first try  0% right" in text and "still to learn 2" in text, text
        name = next(fw.name for d in app.decks for fw in d.frameworks if fw.id == first.framework)
        assert sum(name in line for line in lines) == 1, lines  # once, as a heading
        heading = next(n for n, line in enumerate(lines) if name in line)
        for n, item in enumerate(first.answer, start=1):
            assert lines[heading + n].strip() == f"· {item}", lines


async def test_ending_a_session_before_any_answer_goes_back_to_the_decks():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await _to_drill(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen)


def toasts(app) -> str:
    """The notifications on screen, their wrapped lines joined again."""
    lines = [line.strip("▌ ") for toast in app.screen.query("Toast") for line in shown(toast)]
    return " ".join(line for line in lines if line)


async def test_nothing_to_drill_says_why_and_what_to_do():
    from drill.core.scheduler import Settings

    app = make_app(user="lin")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(app, pilot)
        await pilot.press("a")  # a first day: nothing is due, every card is new
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen)
        assert "new cards wait" in toasts(app), toasts(app)
        app.progress.set_settings(Settings(new_per_day=1, learn_first=False))
        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, "不知道")
        await pilot.press("escape")  # the one new card of the day, missed: end with the summary
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen)
        said = toasts(app)
        assert "today's 1 new card is done" in said and "tomorrow" in said, said
        app.clear_notifications()
        await pilot.press("up", "enter")  # the deck drilled: its failed card comes back soon
        await pilot.pause()
        assert "The next card is due in" in toasts(app), toasts(app)


async def test_switching_trainee_picks_a_known_name_with_the_arrows():
    for name in ("甲", "乙"):
        app = make_app(user=name)
        async with app.run_test(size=SIZE) as pilot:
            await ready(app, pilot)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.user == "乙"  # the last one who drilled
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        known = app.screen.known
        assert "↑↓" in shown_text(app.screen.query_one("#profile-keys"))  # it says how
        await pilot.press("down")  # from the name box into the list
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen) and app.user == known[0]


async def test_the_retention_chart_spans_the_thirty_days_even_after_one_day():
    import datetime as dt

    asked_cold()
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await _to_drill(pilot)
        await answer(pilot, "不知道")
        await pilot.press("enter", "escape", "s", "4")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        chart = shown_text(app.screen.query_one("#retention-plot"))
        first_day = (dt.date.today() - dt.timedelta(days=29)).strftime("%m-%d")
        assert first_day in chart, chart  # today's point at the right end, not alone in the middle


async def test_the_empty_answer_area_says_how_to_answer_and_submit():
    app = make_app(user="lin")
    async with app.run_test(size=SIZE) as pilot:
        await _to_drill(pilot)
        text = shown_text(app.screen.query_one(AnswerArea))
        assert "Enter" in text and "Ctrl+S" in text, text
        await type_text(pilot, "抓")
        await pilot.pause()
        assert "Ctrl+S" not in shown_text(app.screen.query_one(AnswerArea))


async def test_an_order_card_numbers_its_items_and_takes_their_numbers():
    from drill.core.deck import order_shown

    app = make_app(user="lin")
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        card = next(c for d in app.decks for c in d.cards() if c.kind == "order" and len(c.answer) == 3)
        await drill_these(app, pilot, [card])
        items = order_shown(card)
        context = "".join(line.strip() for line in shown(app.screen.query_one("#context"))).replace(" ", "")
        for mark, item in zip("①②③", items):
            assert f"{mark}{item.replace(' ', '')}" in context, context
        numbers = " ".join(str(items.index(item) + 1) for item in card.answer)
        await answer(pilot, numbers)
        judged = app.screen.last
        assert judged.verdict == "correct", [(i.typed, i.verdict) for i in judged.grade.items]
        assert judged.typed == numbers  # recorded as typed
        feedback = "".join(line.strip() for line in shown(app.screen.query_one("#feedback")))
        assert "correct" in feedback


async def test_an_item_of_another_framework_typed_is_named_in_the_feedback():
    app = make_app(user="lin")
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        deck = next(d for d in app.decks if not d.reference)
        target = next(fw for fw in deck.frameworks if fw.kind == "abbreviation" and len(fw.items) >= 3)
        # another framework whose first item is a plain phrase (no punctuation inside)
        other = next(fw for fw in deck.frameworks if fw.id != target.id and len(fw.items) >= 2
                     and not set(fw.items) & set(target.items)
                     and 3 <= len(fw.items[0]) <= 8 and all("\u4e00" <= ch <= "\u9fff" for ch in fw.items[0]))
        app.drill_framework(target.id)  # the app's own session, as the weakest list opens it
        await pilot.pause()
        assert app.session.current.kind == "recall"
        await answer(pilot, "\n".join([*target.items[:-1], other.items[0]]))
        judged = app.screen.last
        assert [(i.typed, i.framework) for i in judged.grade.intrusions] == [(other.items[0], other.name)]
        feedback = [line.strip() for line in shown(app.screen.query_one("#feedback"))]
        assert f"{other.items[0]} belongs to {other.name}" in feedback, feedback


async def test_one_miss_puts_the_items_in_the_weakest_list_said_in_words():
    asked_cold()
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_drill(pilot)
        await answer(pilot, "不知道")
        await pilot.press("enter", "escape")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen), what="the summary")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, StatsScreen), what="the stats")
        await pilot.press("5")
        await pilot.pause()
        table = app.screen.query_one("#weak")
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert ["framework", "1 of 1"] == rows[0][:2]
        items = [r for r in rows if r[0] == "item"]
        assert items and all(r[1] == "1 of 1" for r in items)
        assert all(r[2].endswith(f"  in {rows[0][2]}") for r in items)  # the framework missed
