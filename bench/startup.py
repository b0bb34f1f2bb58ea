"""Time from typing `drill` to the first card on screen, as one JSON object.

    python bench/startup.py [--decks N] [--runs R]

Each run starts a fresh Python process that builds the app the way `drill`
does (make_app on the bundled decks and the trainee's own, a trainee named
so the profile question is skipped, a fresh DRILL_HOME), runs it headless
and drills the first deck. The time is from before the parent starts the
process until the app paints its first frame of the drill screen (the
app's display of that screen, hooked; the card was put on it at its mount,
before any frame of it), as the child reads the system's monotonic clock,
the one the parent read. The child then exits; its exit is not timed
(``first_card_exit_s`` has the time to the process's end, for the record).

A run's home has seen drill once: the same launch, untimed, went before it
(as a trainee's home has, from the second start on: the deck cache and the
progress store are there). That first launch is timed too, as the cold
start (``first_card_cold_s``: a home drill never saw, every deck read from
its file).

The floor is a bare Textual app (one Static) started and timed the same way
in the same run, to its first frame. With ``--decks N`` the trainee owns N
speech decks: the five bundled ones and copies of them with ids of their
own (see _decks.py).

drill's modules are compiled to bytecode first, as installing drill does
(pip compiles them): Textual's are, and a start that compiled drill's
sources would time the compiler (PYTHONDONTWRITEBYTECODE keeps an editable
install from ever keeping them).

Prints ``first_card_s`` and ``floor_s`` (medians of R runs, default 5),
their ratio, ``first_card_cold_s``, and every run; ``paired_ratio`` is the
median of each run's own ratio (its floor and its start run one after the
other, so a machine whose load changes between runs moves both).
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
import time

from drill.tui.app import make_app
from drill.tui.screens import drill as drill_screen

app = make_app(user="bench")
shown = drill_screen.DrillScreen.show_card
painted = []

def show_card(screen):
    shown(screen)
    screen.app.first_card = screen.session.current.id

drill_screen.DrillScreen.show_card = show_card
display = app._display

def displayed(screen, renderable):
    display(screen, renderable)
    if (renderable is not None and not app._batch_count and not painted
            and isinstance(screen, drill_screen.DrillScreen) and getattr(app, "first_card", "")):
        painted.append(time.monotonic())  # the card's first frame
        app.exit()

app._display = displayed
loaded = app._open_progress

def open_progress():
    loaded()
    app.start_session(app.decks[:1])

app._open_progress = open_progress
app.run(headless=True, size=(80, 24))
print(painted[0] if painted else "")
print(getattr(app, "first_card", ""), len(app.decks))
"""

FLOOR = """\
import time

from textual.app import App
from textual.widgets import Static

painted = []


class Bare(App):
    def compose(self):
        yield Static("drill")

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is not None and not self._batch_count and not painted:
            painted.append(time.monotonic())  # the first frame
            self.exit()


Bare().run(headless=True, size=(80, 24))
print(painted[0] if painted else "")
print("painted")
"""


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["DRILL_HOME"] = home
    return env


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds to the first frame the child says it painted, seconds to its
    exit, what else it printed)."""
    start = time.monotonic()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    ended = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(argv[:2])}… failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    lines = proc.stdout.strip().splitlines()
    try:
        painted = float(lines[0]) - start
    except (IndexError, ValueError):
        sys.exit(f"bench: {' '.join(argv[:2])}… painted nothing:\n{proc.stdout[-2000:]}")
    return painted, ended, "\n".join(lines[1:])


def _compile() -> None:
    """drill's modules as bytecode, as an install makes them."""
    import compileall

    if not compileall.compile_dir(str(SRC / "drill"), quiet=1):
        sys.exit("bench: drill's modules do not compile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decks", type=int, default=5, help="speech decks the trainee owns (at least 5)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs, floor, cold, exits = [], [], [], []
    shown = set()
    _compile()
    with tempfile.TemporaryDirectory(prefix="drill-bench-decks-") as made:
        make_collection(Path(made), args.decks)
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="drill-bench-") as home:
                shutil.copytree(Path(made) / "decks", Path(home) / "decks")
                env = _env(home)
                t, ended, out = _timed([sys.executable, "-c", FLOOR], env)
                if out.splitlines()[-1:] != ["painted"]:
                    sys.exit("bench: the bare app did not paint")
                floor.append((t, ended))
                t, _, out = _timed([sys.executable, "-c", CHILD], env)  # the home's first start
                cold.append(t)
                shown.add(out.splitlines()[-1] if out else "")
                t, ended, out = _timed([sys.executable, "-c", CHILD], env)
                runs.append(t)
                exits.append(ended)
                shown.add(out.splitlines()[-1] if out else "")
    said = [line.split() for line in shown]
    if len(said) != 1 or len(said[0]) != 2:
        sys.exit(f"bench: a run ended before showing a card ({sorted(shown)})")
    found = int(said[0][1])
    floor, floor_exits = [t for t, _ in floor], [e for _, e in floor]
    med, base = statistics.median(runs), statistics.median(floor)
    print(json.dumps({
        "decks": args.decks,
        "decks_found": found,  # the speech decks and the bundled reference deck
        "first_card_s": round(med, 3),
        "floor_s": round(base, 3),
        "ratio": round(med / base, 2),
        "paired_ratio": round(statistics.median(t / f for t, f in zip(runs, floor)), 2),
        "target_ratio": TARGET_RATIO,
        "meets_target": med <= TARGET_RATIO * base,
        "first_card_cold_s": round(statistics.median(cold), 3),
        "cold_ratio": round(statistics.median(cold) / base, 2),
        "first_card_exit_s": round(statistics.median(exits), 3),
        "floor_exit_s": round(statistics.median(floor_exits), 3),
        "first_card_s_runs": [round(t, 3) for t in runs],
        "first_card_cold_s_runs": [round(t, 3) for t in cold],
        "floor_s_runs": [round(t, 3) for t in floor],
    }))


if __name__ == "__main__":
    main()
