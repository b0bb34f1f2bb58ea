"""Time from typing `drill` to the first card being answerable, as one JSON object.

    python bench/startup.py [--decks N] [--runs R]

Each run starts a fresh Python process that builds the app the way `drill`
does (make_app on the bundled decks and the trainee's own, a trainee named
so the profile question is skipped, a fresh DRILL_HOME), runs it headless,
drills the first deck and stops the moment the first card is shown. The
parent times the whole process, from before it starts until it has exited.

A run's home has seen drill once: the same launch, untimed, went before it
(as a trainee's home has, from the second start on: the deck cache and the
progress store are there). That first launch is timed too, as the cold
start (``first_card_cold_s``: a home drill never saw, every deck read from
its file).

The floor is a bare Textual app (one Static) started and timed the same way
in the same run, stopping after its first paint: what any Textual program
pays. With ``--decks N`` the trainee owns N speech decks: the five bundled
ones and copies of them with ids of their own (see _decks.py).

Prints ``first_card_s`` and ``floor_s`` (medians of R runs, default 5),
their ratio, ``first_card_cold_s``, and every run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _decks import make_collection

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
# the goal: the first card in at most this many times the bare first paint
TARGET_RATIO = 1.3

CHILD = """\
from drill.tui.app import make_app
from drill.tui.screens import drill as drill_screen

app = make_app(user="bench")
shown = drill_screen.DrillScreen.show_card

def show_card(screen):
    shown(screen)
    screen.app.first_card = screen.session.current.id
    screen.app.call_after_refresh(screen.app.exit)

drill_screen.DrillScreen.show_card = show_card
loaded = app._open_progress

def open_progress():
    loaded()
    app.start_session(app.decks[:1])

app._open_progress = open_progress
app.run(headless=True, size=(80, 24))
print(getattr(app, "first_card", ""), len(app.decks))
"""

FLOOR = """\
from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("drill")

    def on_mount(self):
        self.call_after_refresh(self.exit)


Bare().run(headless=True, size=(80, 24))
print("painted")
"""


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["DRILL_HOME"] = home
    return env


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(argv[:2])}… failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decks", type=int, default=5, help="speech decks the trainee owns (at least 5)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs, floor, cold = [], [], []
    shown = set()
    with tempfile.TemporaryDirectory(prefix="drill-bench-decks-") as made:
        make_collection(Path(made), args.decks)
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="drill-bench-") as home:
                shutil.copytree(Path(made) / "decks", Path(home) / "decks")
                env = _env(home)
                t, out = _timed([sys.executable, "-c", FLOOR], env)
                if out.splitlines()[-1:] != ["painted"]:
                    sys.exit("bench: the bare app did not paint")
                floor.append(t)
                t, out = _timed([sys.executable, "-c", CHILD], env)  # the home's first start
                cold.append(t)
                shown.add(out.splitlines()[-1] if out else "")
                t, out = _timed([sys.executable, "-c", CHILD], env)
                runs.append(t)
                shown.add(out.splitlines()[-1] if out else "")
    said = [line.split() for line in shown]
    if len(said) != 1 or len(said[0]) != 2:
        sys.exit(f"bench: a run ended before showing a card ({sorted(shown)})")
    found = int(said[0][1])
    med, base = statistics.median(runs), statistics.median(floor)
    print(json.dumps({
        "decks": args.decks,
        "decks_found": found,  # the speech decks and the bundled reference deck
        "first_card_s": round(med, 3),
        "floor_s": round(base, 3),
        "ratio": round(med / base, 2),
        "target_ratio": TARGET_RATIO,
        "meets_target": med <= TARGET_RATIO * base,
        "first_card_cold_s": round(statistics.median(cold), 3),
        "cold_ratio": round(statistics.median(cold) / base, 2),
        "first_card_s_runs": [round(t, 3) for t in runs],
        "first_card_cold_s_runs": [round(t, 3) for t in cold],
        "floor_s_runs": [round(t, 3) for t in floor],
    }))


if __name__ == "__main__":
    main()
