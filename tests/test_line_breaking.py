"""Chinese line breaking: no closing punctuation begins a line, no opening
punctuation ends one, and numbers and Latin words stay whole."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from drill.core.text import NO_LINE_END, NO_LINE_START, cell_width, line_starts
from drill.tui.widgets.wrapped import Wrapped


def lines(text: str, width: int) -> list[str]:
    starts = line_starts(text, width) + [len(text)]
    return [text[a:b].rstrip("\n") for a, b in zip(starts, starts[1:])]


def cells(line: str) -> int:
    return sum(cell_width(ch) for ch in line)


def test_closing_punctuation_takes_the_character_before_it_down():
    # seven characters fit; 点 would end the line and ： begin the next
    assert lines("我们要做到三点：一是加强学习", 14) == ["我们要做到三", "点：一是加强学", "习"]


def test_a_bracketed_count_stays_whole_and_no_line_ends_with_an_opening_bracket():
    assert lines("原话怎么说？（3项）", 14) == ["原话怎么说？", "（3项）"]
    assert lines("讲话的几个部分？（3项）", 20) == ["讲话的几个部分？", "（3项）"]


def test_a_full_stop_never_stands_alone_and_quotes_keep_their_words():
    out = lines("他说：“不争第一就是落后。”我们", 12)
    assert all(line[:1] not in NO_LINE_START for line in out[1:])
    assert all(line[-1:] not in NO_LINE_END for line in out)
    assert "".join(out) == "他说：“不争第一就是落后。”我们"


def test_latin_words_and_numbers_are_not_split_unless_wider_than_a_line():
    assert lines("GDP增长5.2%左右", 8) == ["GDP增长", "5.2%左右"]
    assert lines("增长5.2%左右", 6) == ["增长", "5.2%左", "右"]
    assert lines("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]


def test_newlines_always_begin_a_line():
    assert lines("一是学习\n二是落实", 40) == ["一是学习", "二是落实"]


word = st.text(alphabet="学习落实抓促提升干部作风", min_size=1, max_size=6)
mark = st.sampled_from(["，", "。", "、", "；", "：", "？", "！"])
clause = st.tuples(st.sampled_from(["", "“", "（", "《"]), word, st.sampled_from(["", "”", "）", "》"]), mark)
sentence = st.lists(clause, min_size=1, max_size=12).map(lambda cs: "".join("".join(c) for c in cs))


@settings(max_examples=300, deadline=None)
@given(sentence, st.integers(8, 40))
def test_any_sentence_keeps_every_character_and_keeps_the_rules(text, width):
    out = lines(text, width)
    assert "".join(out) == text
    for k, line in enumerate(out):
        assert cells(line) <= width
        assert line[-1] not in NO_LINE_END
        if k:
            assert line[0] not in NO_LINE_START


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="学习，。（）“”…—ab 12\n", max_size=80), st.integers(2, 30))
def test_any_text_at_all_keeps_every_character(text, width):
    starts = line_starts(text, width)
    assert starts == sorted(set(starts)) and starts[0] == 0 and all(s <= len(text) for s in starts)
    assert "".join(lines(text, width)) == text.replace("\n", "")


def test_the_renderable_keeps_styles_and_wraps_at_the_drawn_width():
    text = Text()
    text.append("原话怎么说？", style="bold")
    text.append("（3项）", style="dim")
    console = Console(width=14, file=io.StringIO(), record=True)
    console.print(Wrapped(text))
    assert console.export_text().splitlines() == ["原话怎么说？", "（3项）"]
    assert [line.spans[0].style for line in Wrapped(text).lines(14)] == ["bold", "dim"]


async def test_the_drill_screen_draws_prompts_by_these_rules():
    from textual.geometry import Region

    from drill.tui.app import make_app
    from drill.tui.screens.drill import DrillScreen
    from conftest import until

    app = make_app(user="林")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: app.screen.focused is not None, what="the deck list")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the first card")
        prompt = app.screen.query_one("#prompt")
        width = prompt.content_size.width
        # as wide as the line, less one character: a naive wrap ends the line with （
        crafted = "字" * (width // 2 - 1) + "（3项）。"
        prompt.update(Wrapped(crafted))
        await pilot.pause()
        w, h = prompt.outer_size
        drawn = [s.text.rstrip() for s in prompt.render_lines(Region(0, 0, w, h)) if s.text.strip()]
        assert drawn[-1].strip() == "（3项）。"
        assert all(line.strip()[-1] not in NO_LINE_END for line in drawn)
