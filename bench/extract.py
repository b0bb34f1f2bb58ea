"""Extraction time of the five seed speeches, and of inputs built to grow,
printed as one JSON object.

    python bench/extract.py [--runs N] [--repeats M] [--quick]

cold: a fresh `python -c` that imports drill and extracts every seeds/*.txt,
timed from before the process starts until it has exited, so the
interpreter's start, every import and any dictionary loading (OpenCC) are in
it. Run N times (default 5); the median is reported with every run.

baseline: a bare `python -c "import json"` in the same run, as often and
interleaved with the cold runs, so that a slow machine shows up in both.

warm: in this process, after one warm-up pass, every seed extracted again M
times (default 5); the median pass, per 10,000 characters of decoded text.

scaled: texts built from the seeds, each extracted warm at size n and 2n
(median of M runs, at most 3 for the large ones; wall-clock and CPU
seconds): a 20,000-character text of seed paragraphs (at 2n, that text
twice); 10,000 lines of numbered points (一是…，…；二是…); one sentence of
3,000 clauses joined by 、; 2,000 sections of a report (一、… （一）… 1、… 2、…
首先…其次…最后…). For each: seconds at n and 2n, the ratio of their
CPU times (2.0 when extraction is linear), and a baseline measured in the
same run on the same text — a plain Python pass that reads every character —
so that ``x_baseline`` (extraction CPU time over baseline CPU time) compares
inputs and machines. ``linear`` is true when every ratio stays under 2.6 (a
shared, busy machine makes single runs noisy). --quick halves every size.

Runs from any directory: the seeds and the source are found next to this file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
# Targets for the scaled inputs at their full size (n, not 2n).
TARGET_SEED_TEXT_S = 1.0
TARGET_NUMBERED_S = 10.0
CN = "一二三四五六七八九十"

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


# --------------------------------------------------------------------------
# inputs that grow, built from the seeds


def _seed_texts(seeds: list[Path]) -> list[str]:
    from drill.core.extract.source import read_text

    return [read_text(p)[0] for p in seeds]


def _phrases(texts: list[str]) -> list[str]:
    """Runs of four to eight Chinese characters from the seeds' body text
    (lines of speech, not the short lines of a site's chrome), each once, in order."""
    seen: dict[str, None] = {}
    for text in texts:
        for line in text.split("\n"):
            if len(line) > 60:
                for m in re.finditer(r"[\u4e00-\u9fff]{4,8}", line):
                    seen.setdefault(m.group(), None)
    return list(seen)


def seed_text(texts: list[str], chars: int) -> str:
    """Paragraphs of the seeds taken in turn from each, up to ``chars`` characters."""
    paras = [[p for p in t.split("\n") if p.strip()] for t in texts]
    out: list[str] = []
    size = 0
    i = 0
    while size < chars:
        para = paras[i % len(paras)][(i // len(paras)) % len(paras[i % len(paras)])]
        out.append(para)
        size += len(para) + 1
        i += 1
    return "\n".join(out)[:chars]


def numbered_points(phrases: list[str], lines: int) -> str:
    """Lines of two to four numbered points each: 一是…，…；二是…，…。"""
    out = []
    k = 0
    for i in range(lines):
        points = []
        for j in range(2 + i % 3):
            points.append(f"{CN[j]}是{phrases[k % len(phrases)]}，{phrases[(k + 1) % len(phrases)]}")
            k += 2
        out.append("；".join(points) + "。")
    return "\n".join(out) + "\n"


def clause_sentence(phrases: list[str], clauses: int) -> str:
    """One sentence of ``clauses`` clauses joined by 、."""
    return "我们要" + "、".join(phrases[i % len(phrases)] for i in range(clauses)) + "。\n"


def sections(phrases: list[str], count: int) -> str:
    """Sections of a report: a heading, a sub-heading, numbered points and
    首先/其次/最后, ``count`` times over."""
    out = []
    k = 0
    for i in range(count):
        p = [phrases[(k + j) % len(phrases)] for j in range(7)]
        k += 7
        out.append(f"{CN[i % 10]}、{p[0]}\n（一）{p[1]}。1、{p[2]}。2、{p[3]}。\n"
                   f"首先要{p[4]}，其次要{p[5]}，最后要{p[6]}。")
    return "\n".join(out) + "\n"


def _plain_pass(text: str) -> int:
    """The baseline: a plain Python pass that reads every character."""
    n = 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            n += 1
    return n


def _median_time(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return statistics.median(wall), statistics.median(cpu)


def scaled(seeds: list[Path], repeats: int, quick: bool) -> dict[str, dict]:
    """Each scaled input at n and 2n: seconds, ratio, baseline, frameworks."""
    sys.path.insert(0, str(SRC))
    from drill.core.extract import extract_text

    texts = _seed_texts(seeds)
    phrases = _phrases(texts)
    scale = 2 if quick else 1
    cases = [
        # at 2n, the n text twice: the seeds hold too little text for 2n new characters
        ("seed_text_20k_chars", 20_000 // scale, lambda n: seed_text(texts, n) if n <= 20_000 // scale
         else seed_text(texts, n // 2) + "\n" + seed_text(texts, n // 2), TARGET_SEED_TEXT_S),
        ("numbered_10k_lines", 10_000 // scale, lambda n: numbered_points(phrases, n), TARGET_NUMBERED_S),
        ("sentence_3k_clauses", 3_000 // scale, lambda n: clause_sentence(phrases, n), None),
        ("sections_2k", 2_000 // scale, lambda n: sections(phrases, n), None),
    ]
    out: dict[str, dict] = {}
    for name, n, build, target in cases:
        row: dict = {"n": n}
        for size, key in ((n, "n"), (2 * n, "2n")):
            text = build(size)
            found = len(extract_text(text).frameworks)  # also warms up
            runs = repeats if len(text) <= 50_000 else min(repeats, 3)
            t, t_cpu = _median_time(lambda: extract_text(text), runs)
            base, base_cpu = _median_time(lambda: _plain_pass(text), max(runs, 7))
            row[f"s_{key}"] = round(t, 4)
            row[f"cpu_s_{key}"] = round(t_cpu, 4)
            row[f"baseline_s_{key}"] = round(base, 5)
            row[f"x_baseline_{key}"] = round(t_cpu / base_cpu, 1) if base_cpu > 0 else None
            row[f"chars_{key}"] = len(text)
            row[f"frameworks_{key}"] = found
        # growth from CPU time: a busy machine stretches wall time, not the work
        row["ratio_2n_n"] = round(row["cpu_s_2n"] / row["cpu_s_n"], 2) if row["cpu_s_n"] > 0 else None
        if target is not None:
            row["target_s"] = target / scale
            row["meets_target"] = row["s_n"] <= target / scale
        out[name] = row
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, metavar="N", help="cold runs (default 5)")
    parser.add_argument("--repeats", type=int, default=5, metavar="M",
                        help="warm passes over all seeds, and runs of each scaled input (default 5)")
    parser.add_argument("--quick", action="store_true", help="scaled inputs at half their size")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.repeats < 1:
        parser.error("--runs and --repeats must be at least 1")
    seeds = sorted(SEEDS.glob("*.txt"))
    if not seeds:
        sys.exit(f"bench: no seeds in {SEEDS}")

    cold_runs, base_runs, cold_found = cold(seeds, args.runs)
    warm_pass, chars, warm_found = warm(seeds, args.repeats)
    grown = scaled(seeds, args.repeats, args.quick)
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
        "scaled": grown,
        "linear": all(row["ratio_2n_n"] is not None and row["ratio_2n_n"] < 2.6 for row in grown.values()),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
