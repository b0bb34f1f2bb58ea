"""Time to go back to the deck list, as one JSON object.

    python bench/decklist.py [--decks N] [--runs R]

The app runs headless in this process on N speech decks (the five bundled
ones and copies with ids of their own, see _decks.py) in a fresh DRILL_HOME.
Each round drills the first deck, answers its first card (so the store has
changed, as it has after any session) and goes back to the deck list; the
time is from asking for the list until the last frame the app paints of
it (the app's display of the deck list's screen, hooked; the bench then
checks that every deck's row is there). A second series goes back without
answering (from a session left at once). Medians of R rounds (default 7)
and every round; ``return_ms`` is the goal's figure, the median return
after an answer (``back_after_answer_ms``).

Once the list is first shown, what exists is kept out of Python's cycle
collector's rounds, as `drill`'s run of the app does after its first
screen (DrillApp.run): the rounds are timed as the app runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _decks import make_collection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET_MS = 100


async def _until(pilot, condition, limit_s: float = 120.0) -> None:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > limit_s:
            raise SystemExit("bench: the app did not get there in time")
        await pilot.pause()


async def measure(decks: int, runs: int) -> dict:
    from textual.widgets import DataTable

    from drill.tui.app import make_app
    from drill.tui.screens.decks import DecksScreen
    from drill.tui.screens.drill import DrillScreen

    app = make_app(user="bench")
    after_answer: list[float] = []
    without: list[float] = []
    first_list = 0.0
    painted: list[float] = []
    async with app.run_test(size=(100, 40)) as pilot:
        start = time.perf_counter()
        display = app._display

        def displayed(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and isinstance(screen, DecksScreen):
                painted.append(time.perf_counter())

        app._display = displayed

        def listed() -> bool:
            screen = app.screen
            if not isinstance(screen, DecksScreen) or not screen.is_mounted:
                return False
            tables = screen.query(DataTable)
            return bool(tables) and tables.first().row_count == len(app.decks) > 0

        await _until(pilot, listed)
        await pilot.pause()
        first_list = time.perf_counter() - start
        gc.freeze()  # as DrillApp.run does once the first screen is painted

        async def back(answer: bool) -> float:
            app.start_session(app.decks[:1])
            await _until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.is_mounted)
            await pilot.pause()
            if answer:
                app.session.submit("不知道")
            painted.clear()
            t0 = time.perf_counter()
            app.action_decks()
            await _until(pilot, listed)
            await pilot.pause()  # everything the return asked for is done, and painted
            if not painted:
                raise SystemExit("bench: the deck list was not painted")
            return painted[-1] - t0

        for _ in range(runs):
            after_answer.append(await back(answer=True))
            without.append(await back(answer=False))
    return {
        "decks": decks,
        "decks_found": len(app.decks),
        "cards": sum(len(d.cards()) for d in app.decks),
        "first_list_s": round(first_list, 3),
        "return_ms": round(statistics.median(after_answer) * 1000, 1),
        "back_after_answer_ms": round(statistics.median(after_answer) * 1000, 1),
        "back_unchanged_ms": round(statistics.median(without) * 1000, 1),
        "target_ms": TARGET_MS,
        "meets_target": statistics.median(after_answer) * 1000 <= TARGET_MS,
        "back_after_answer_ms_runs": [round(t * 1000, 1) for t in after_answer],
        "back_unchanged_ms_runs": [round(t * 1000, 1) for t in without],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decks", type=int, default=100, help="speech decks the trainee owns (at least 5)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drill-bench-") as home:
        os.environ["DRILL_HOME"] = home
        make_collection(Path(home), args.decks)
        print(json.dumps(asyncio.run(measure(args.decks, args.runs))))


if __name__ == "__main__":
    main()
