"""What a start leaves until its first screen is painted, and does then:
the grader, fsrs and the items an answer is compared with are made ready,
so that the first answer of a session costs what any other does."""

from __future__ import annotations

import sys

from conftest import until

from drill.core import grading, reference
from drill.tui.app import DrillApp, make_app
from drill.tui.screens.drill import DrillScreen


def cached(text: str) -> bool:
    """Whether the grader's compared form of ``text`` is made already."""
    before = grading.key.cache_info().hits
    grading.key(text)
    return grading.key.cache_info().hits == before + 1


async def test_the_grader_fsrs_and_the_reference_items_are_made_ready_after_the_first_screen(monkeypatch):
    monkeypatch.setattr(DrillApp, "WARM_AFTER_S", 0.01)
    grading.key.cache_clear()
    warmed: list[bool] = []
    real = DrillApp.warm_grader
    monkeypatch.setattr(DrillApp, "warm_grader", lambda app: warmed.append(app.screen.is_mounted) or real(app))
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: bool(warmed), what="the warm-up")
        await app.workers.wait_for_complete()
        assert warmed == [True]  # once the first screen was up
        assert "fsrs" in sys.modules
        items = [item for fw in reference.frameworks() for item in fw.items]
        assert items and all(cached(item) for item in items)


async def test_a_sessions_first_answers_intruders_are_made_ready_while_its_first_card_is_read(monkeypatch):
    monkeypatch.setattr(DrillApp, "WARM_AFTER_S", 3600.0)  # the app's own warm-up out of the way
    warmed: list[object] = []
    real = DrillApp.warm_session
    monkeypatch.setattr(DrillApp, "warm_session", lambda app, session: warmed.append(
        isinstance(app.screen, DrillScreen) and app.screen.is_mounted) or real(app, session))
    app = make_app(user="lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.progress is not None and app.decks, what="the decks")
        await app.workers.wait_for_complete()
        grading.key.cache_clear()
        app.start_session(app.decks[:1])
        await until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.is_mounted
                    and app.session.current is not None, what="the first card")
        await until(pilot, lambda: bool(warmed), what="the warm-up")
        await app.workers.wait_for_complete()
        assert warmed == [True]  # once the drill was up
        session = app.session
        heads = session.cards[:DrillApp.WARM_CARDS]
        items = [item for card in heads for got in session.intruders(card).values() for item in got]
        assert items and all(cached(item) for item in items)
