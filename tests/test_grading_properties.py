"""Properties of the grader that must hold for any answer: it never raises,
the exact answer is correct, an unordered answer's score ignores the order
of its items, and the score grows with every item recalled."""

from __future__ import annotations

import json
import tomllib

from conftest import DECKS
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from drill.core.grading import ItemVerdict, Verdict, grade, key

# Characters formulations are made of; numerals and the characters of list
# markers (一是, 首先) are left out so that a random item cannot start
# with a marker. Items from the bundled decks cover those.
POOL = "抓学习促提升执行落实效能发展工业兴渝农稳文旅活城乡美生态绿党建强盯目标线问题作风项目现场考场进度答卷谋定走前干好"
SEPARATORS = ["、", "，", ",", "；", ";", " ", "\n", "。", "  ", "、\n"]


def _deck_frameworks() -> list[list[str]]:
    out = []
    for path in sorted(DECKS.glob("*.toml")):
        for fw in tomllib.loads(path.read_text("utf-8"))["frameworks"]:
            if len({key(i) for i in fw["items"]}) == len(fw["items"]):
                out.append(fw["items"])
    return out


DECK_FRAMEWORKS = _deck_frameworks()

random_items = st.lists(st.text(alphabet=POOL, min_size=2, max_size=10), min_size=1, max_size=8,
                        unique_by=key)
item_lists = st.one_of(random_items, st.sampled_from(DECK_FRAMEWORKS))
anything = st.text(max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.lists(anything, max_size=6), anything, st.booleans())
def test_never_raises(expected, answer, ordered):
    g = grade(expected, answer, ordered)
    assert 0.0 <= g.score <= 1.0
    assert isinstance(g.verdict, Verdict)
    assert len(g.items) == len(expected)
    assert all(isinstance(item.verdict, ItemVerdict) for item in g.items)
    json.dumps(g.as_json(), ensure_ascii=False)
    for item in g.items:
        item.diff()


@settings(max_examples=200, deadline=None)
@given(item_lists, st.sampled_from(SEPARATORS), anything, st.booleans())
def test_never_raises_on_answers_made_of_the_items(items, sep, junk, ordered):
    g = grade(items, sep.join(items[::-1]) + junk + sep.join(items), ordered)
    assert 0.0 <= g.score <= 1.0


@settings(max_examples=300, deadline=None)
@given(item_lists, st.sampled_from(SEPARATORS), st.booleans())
def test_the_exact_answer_is_correct(items, sep, ordered):
    g = grade(items, sep.join(items), ordered)
    assert g.verdict is Verdict.CORRECT, [(i.expected, i.typed, i.verdict) for i in g.items]
    assert g.score == 1.0


@settings(max_examples=300, deadline=None)
@given(item_lists, st.data())
def test_unordered_score_does_not_depend_on_the_order(items, data):
    chosen = data.draw(st.lists(st.sampled_from(items), unique=True))
    sep = data.draw(st.sampled_from(SEPARATORS))
    shuffled = data.draw(st.permutations(chosen))
    a = grade(items, sep.join(chosen), ordered=False)
    b = grade(items, sep.join(shuffled), ordered=False)
    assert a.score == b.score
    assert a.verdict == b.verdict


@settings(max_examples=300, deadline=None)
@given(item_lists, st.data(), st.booleans())
def test_score_grows_with_every_item_recalled(items, data, ordered):
    assume(len(items) >= 2)
    sep = data.draw(st.sampled_from(SEPARATORS))
    order = data.draw(st.permutations(range(len(items))))
    k = data.draw(st.integers(0, len(items) - 1))
    fewer = sorted(order[:k]) if ordered else order[:k]
    more = sorted(order[:k + 1]) if ordered else order[:k + 1]
    low = grade(items, sep.join(items[i] for i in fewer), ordered)
    high = grade(items, sep.join(items[i] for i in more), ordered)
    assert low.score < high.score
