"""Grading speed on realistic answers, printed as one JSON object.

    python bench/grade.py [--runs N] [--answers M]

answers: made from every framework of the bundled decks the way trainees
type them: exact with 、, one item per line, run together, numbered
(一是…), in another order, one item missing, a same-sound slip (提生), one
wrong character, an invented extra item, traditional characters, and
"不知道". M answers (default 5,000) are graded N times (default 5) in this
process after one warm-up pass; the median pass gives answers per second
(target: at least 10,000/s).

baseline: in the same run, the same answers "graded" by the least a grader
must do — fold each answer (width, 繁→简) and look each piece up in the set
of items — so a slow machine shows up in both, and the ratio says what the
alignment costs.

long answers: a framework of the first 10, 25, 50 and 100 distinct items of
the bundled decks (each size its own items, so none is graded before its
first timing), answered with slips: one item left out, a same-sound slip in
every seventh, a wrong last character in every eleventh, every thirteenth
run together with the next. `items_first_ms` is the first answer to each
framework (nothing of it worked out yet); `items_ms` the median of N fresh
answers after it (other slips, the framework known, as in a session); beside
each, the baseline's time for the same answers and the ratio. `items50_ms` is
the 50-item median (target: at most 20 ms).

first call: a fresh `python -c` that imports the grader and grades one
answer needing every lazy load (rapidfuzz, OpenCC, pypinyin), timed inside
the child from before the import to the verdict; N runs, the median, next to
a bare `python -c "import json"` started the same way.

Runs from any directory: the decks and the source are found next to this file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
DECKS = ROOT / "decks"
TARGET_PER_S = 10_000
TARGET_ITEMS50_MS = 20.0
LONG_SIZES = (10, 25, 50, 100)

FIRST_CALL = """\
import time
t0 = time.perf_counter()
from drill.core.grading import grade
g = grade(["抓学习促提升", "抓执行促落实", "抓效能促发展"], "抓学习促提生、抓執行促落實、三是抓效能促發展")
t1 = time.perf_counter()
assert g.verdict == "correct", g
print(t1 - t0)
"""

SLIPS = {"升": "生", "实": "时", "展": "占", "强": "墙", "新": "心", "进": "近", "力": "立",
         "治": "制", "发": "法", "作": "做", "设": "社", "化": "画", "动": "洞", "高": "搞"}


def frameworks() -> list[tuple[list[str], bool]]:
    out = []
    for path in sorted(DECKS.glob("*.toml")):
        for fw in tomllib.loads(path.read_text("utf-8"))["frameworks"]:
            out.append((fw["items"], fw.get("ordered", True)))
    return out


def variants(items: list[str], rng: random.Random, s2t) -> list[str]:
    """What trainees type for one framework."""
    out = ["、".join(items), "\n".join(items), "".join(items),
           "，".join(f"{'一二三四五六七八九十'[i % 10]}是{x}" for i, x in enumerate(items)),
           "；".join(rng.sample(items, len(items))), s2t.convert("、".join(items)), "不知道"]
    if len(items) > 1:
        out.append("、".join(items[1:]))
    out.append("、".join(items[:-1] + [items[-1][:-1] + "乱"]))
    out.append("、".join(items + ["加强党的建设"]))
    out.append("、".join(_slip(items, rng)))
    return out


def _slip(items: list[str], rng: random.Random) -> list[str]:
    out = list(items)
    for n, item in enumerate(out):
        spots = [i for i, ch in enumerate(item) if ch in SLIPS]
        if spots:
            i = rng.choice(spots)
            out[n] = item[:i] + SLIPS[item[i]] + item[i + 1:]
            break
    return out


def distinct_items() -> list[str]:
    seen: dict[str, None] = {}
    for items, _ordered in frameworks():
        for item in items:
            seen.setdefault(item, None)
    return list(seen)


def long_answer(items: list[str], rng: random.Random) -> str:
    """A long framework's answer with slips: one item left out, same-sound
    slips, wrong last characters, two items run together."""
    shift = rng.randrange(7)
    left_out = rng.randrange(len(items))
    out = []
    for k, item in enumerate(items):
        if k == left_out:
            continue
        if (k + shift) % 7 == 3:
            item = _slip([item], rng)[0]
        if (k + shift) % 11 == 5:
            item = item[:-1] + "乱"
        out.append(item)
        out.append("" if (k + shift) % 13 == 8 else "、")
    return "".join(out[:-1])


def long_timings(grade, runs: int) -> dict:
    """Per size: the first answer's time and the median of ``runs`` fresh ones, in ms, with the baseline's."""
    pool = distinct_items()
    rng = random.Random(50)
    grade(["抓学习促提升", "抓执行促落实"], "抓学习促提生、抓執行")  # the lazy loads, paid before any timing
    out = {}
    start = 0
    for n in LONG_SIZES:
        items = pool[start:start + n]
        start += n
        typed = [long_answer(items, rng) for _ in range(runs + 1)]
        t0 = time.perf_counter()
        grade(items, typed[0], True)
        first = time.perf_counter() - t0
        times, base = [], []
        for answer in typed[1:]:
            t0 = time.perf_counter()
            grade(items, answer, True)
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            baseline([(items, answer, True)])
            base.append(time.perf_counter() - t0)
        out[n] = (first * 1000, statistics.median(times) * 1000, statistics.median(base) * 1000)
    return out


def answers(count: int) -> list[tuple[list[str], str, bool]]:
    import opencc

    rng = random.Random(2026)
    s2t = opencc.OpenCC("s2t")
    pool = [(items, answer, ordered) for items, ordered in frameworks()
            for answer in variants(items, rng, s2t)]
    rng.shuffle(pool)
    return [pool[i % len(pool)] for i in range(count)]


def baseline(batch) -> int:
    """The least a grader does: fold, split, look up."""
    import re

    from drill.core.text import fold

    found = 0
    for items, answer, _ordered in batch:
        wanted = {fold(i) for i in items}
        found += sum(1 for piece in re.split(r"[、,;，；\s]+", fold(answer)) if piece in wanted)
    return found


def timed_passes(fn, batch, runs: int) -> list[float]:
    fn(batch)  # warm-up: lazy loads and caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(batch)
        times.append(time.perf_counter() - start)
    return times


def first_call(runs: int) -> tuple[list[float], list[float]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    calls, bare = [], []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import json"], env=env, check=True)
        bare.append(time.perf_counter() - start)
        proc = subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"bench: the first-call child failed:\n{proc.stderr}")
        calls.append(float(proc.stdout))
    return calls, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--answers", type=int, default=5000)
    args = parser.parse_args()
    sys.path.insert(0, str(SRC))
    from drill.core.grading import grade

    long = long_timings(grade, max(args.runs, 7))
    batch = answers(args.answers)

    def run(b):
        return [grade(items, answer, ordered).verdict for items, answer, ordered in b]

    verdicts = run(batch)
    grade_times = timed_passes(run, batch, args.runs)
    base_times = timed_passes(baseline, batch, args.runs)
    calls, bare = first_call(args.runs)
    med = statistics.median(grade_times)
    base = statistics.median(base_times)
    per_s = len(batch) / med
    print(json.dumps({
        "answers": len(batch),
        "frameworks": len(frameworks()),
        "verdicts": {v: verdicts.count(v) for v in ("correct", "partial", "wrong")},
        "answers_per_s_median": round(per_s),
        "answers_per_s_runs": [round(len(batch) / t) for t in grade_times],
        "ms_per_answer_median": round(med / len(batch) * 1000, 4),
        "baseline_answers_per_s_median": round(len(batch) / base),
        "ratio_to_baseline": round(med / base, 1),
        "first_call_ms_median": round(statistics.median(calls) * 1000, 1),
        "first_call_ms_runs": [round(t * 1000, 1) for t in calls],
        "python_start_ms_median": round(statistics.median(bare) * 1000, 1),
        "target_answers_per_s": TARGET_PER_S,
        "meets_target": per_s >= TARGET_PER_S,
        "items_first_ms": {str(n): round(first, 2) for n, (first, _, _) in long.items()},
        "items_ms": {str(n): round(med, 2) for n, (_, med, _) in long.items()},
        "items_baseline_ms": {str(n): round(b, 3) for n, (_, _, b) in long.items()},
        "items_ratio_to_baseline": {str(n): round(med / b, 1) for n, (_, med, b) in long.items()},
        "items50_ms": round(long[50][1], 2),
        "items50_first_ms": round(long[50][0], 2),
        "items50_ratio_to_baseline": round(long[50][1] / long[50][2], 1),
        "target_items50_ms": TARGET_ITEMS50_MS,
        "meets_items50_target": long[50][1] <= TARGET_ITEMS50_MS,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
