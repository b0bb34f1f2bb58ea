"""Extraction time of the five seed speeches, printed as one JSON object.

    python bench/extract.py [--runs N] [--repeats M]

cold: a fresh `python -c` that imports drill and extracts every seeds/*.txt,
timed from before the process starts until it has exited, so the
interpreter's start, every import and any dictionary loading (OpenCC) are in
it. Run N times (default 5); the median is reported with every run.

baseline: a bare `python -c "import json"` in the same run, as often and
interleaved with the cold runs, so that a slow machine shows up in both.

warm: in this process, after one warm-up pass, every seed extracted again M
times (default 5); the median pass, per 10,000 characters of decoded text.

Runs from any directory: the seeds and the source are found next to this file.
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
SEEDS = ROOT / "seeds"
SRC = ROOT / "src"
TARGET_COLD_S = 2.0

# The child extracts every seed named on its command line and prints how many
# frameworks it found, so the parent can tell that it really did the work.
COLD = """\
import sys
from drill.core.extract import extract_file
n = 0
for path in sys.argv[1:]:
    n += len(extract_file(path).frameworks)
print(n)
"""


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    # Measure this checkout, whatever is installed.
    env["PYTHONPATH"] = os.pathsep.join([str(SRC)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["DRILL_HOME"] = home
    return env


def _timed(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(argv[:3])}… failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed, proc.stdout.strip()


def cold(seeds: list[Path], runs: int) -> tuple[list[float], list[float], int]:
    """(cold run times, baseline run times, frameworks found per cold run)."""
    cold_runs: list[float] = []
    base_runs: list[float] = []
    found = set()
    with tempfile.TemporaryDirectory(prefix="drill-bench-") as home:
        env = _env(home)
        for _ in range(runs):
            t, _out = _timed([sys.executable, "-c", "import json"], env, home)
            base_runs.append(t)
            t, out = _timed([sys.executable, "-c", COLD, *map(str, seeds)], env, home)
            cold_runs.append(t)
            found.add(int(out))
    if len(found) != 1:
        sys.exit(f"bench: the cold runs found different numbers of frameworks: {sorted(found)}")
    return cold_runs, base_runs, found.pop()


def warm(seeds: list[Path], repeats: int) -> tuple[float, int, int]:
    """(median seconds per pass over all seeds, characters, frameworks)."""
    sys.path.insert(0, str(SRC))
    from drill.core.extract import extract_file

    first = [extract_file(p) for p in seeds]  # warm-up: imports, OpenCC, caches
    chars = sum(len(r.source.text) for r in first)
    frameworks = sum(len(r.frameworks) for r in first)
    passes = []
    for _ in range(repeats):
        start = time.perf_counter()
        for p in seeds:
            extract_file(p)
        passes.append(time.perf_counter() - start)
    return statistics.median(passes), chars, frameworks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, metavar="N", help="cold runs (default 5)")
    parser.add_argument("--repeats", type=int, default=5, metavar="M",
                        help="warm passes over all seeds (default 5)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.repeats < 1:
        parser.error("--runs and --repeats must be at least 1")
    seeds = sorted(SEEDS.glob("*.txt"))
    if not seeds:
        sys.exit(f"bench: no seeds in {SEEDS}")

    cold_runs, base_runs, cold_found = cold(seeds, args.runs)
    warm_pass, chars, warm_found = warm(seeds, args.repeats)
    if cold_found != warm_found:
        sys.exit(f"bench: cold runs found {cold_found} frameworks, warm runs {warm_found}")

    cold_median = statistics.median(cold_runs)
    baseline = statistics.median(base_runs)
    result = {
        "cold_all_seeds_s": round(cold_median, 4),
        "cold_runs_s": [round(t, 4) for t in cold_runs],
        "baseline_python_s": round(baseline, 4),
        "baseline_runs_s": [round(t, 4) for t in base_runs],
        "cold_minus_baseline_s": round(cold_median - baseline, 4),
        "warm_per_10k_chars_ms": round(warm_pass * 1000 / chars * 10_000, 3),
        "warm_all_seeds_ms": round(warm_pass * 1000, 3),
        "chars": chars,
        "seeds": len(seeds),
        "frameworks": warm_found,
        "runs": args.runs,
        "repeats": args.repeats,
        "python": sys.version.split()[0],
        "target_cold_s": TARGET_COLD_S,
        "meets_target": cold_median <= TARGET_COLD_S,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
