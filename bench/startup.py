"""Time from typing `drill` to the first card being answerable, as one JSON object.

    python bench/startup.py [--runs N]

Each run starts a fresh Python process that builds the app the way `drill`
does (make_app on the bundled decks, a trainee named so the profile question
is skipped, a fresh DRILL_HOME), runs it headless, drills the first deck and
stops the moment the first card's answer area has focus. The parent times
the whole process, from before it starts until it has exited; the median of
N runs (default 5) is reported with every run, next to the time of
`python -c "import textual.app"` started the same way in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
TARGET_S = 1.0

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
print(getattr(app, "first_card", ""))
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
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs, bare = [], []
    cards = set()
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="drill-bench-") as home:
            env = _env(home)
            t, _ = _timed([sys.executable, "-c", "import textual.app"], env)
            bare.append(t)
            t, out = _timed([sys.executable, "-c", CHILD], env)
            runs.append(t)
            cards.add(out.splitlines()[-1] if out else "")
    if "" in cards:
        sys.exit("bench: a run ended before showing a card")
    med = statistics.median(runs)
    base = statistics.median(bare)
    print(json.dumps({
        "first_card_s_median": round(med, 3),
        "first_card_s_runs": [round(t, 3) for t in runs],
        "import_textual_app_s_median": round(base, 3),
        "ratio_to_import_textual": round(med / base, 2),
        "target_s": TARGET_S,
        "meets_target": med <= TARGET_S,
    }))


if __name__ == "__main__":
    main()
