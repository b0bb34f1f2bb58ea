"""Extraction scored against a held-out annotation, printed as one JSON object.

    python bench/heldout.py --reports REPO [--local DIR] [--verbose]

The texts are not in this repository; only their annotation is, in
bench/data/heldout/NAME.gold.json (kind, name, items, count: no quotes).

--reports REPO   a copy of the public corpus the national reports come from
                 (github.com/aldohemsn/chinese-political-corpora, a checkout
                 or its bare git directory). gwr-YEAR is the government work
                 report of YEAR in its government_work_reports.jsonl, as
                 published on Wikisource.
--local DIR      a folder holding local-N.txt, the local speeches listed in
                 bench/data/heldout/LOCAL_SOURCES.md, as the pages gave them.

A framework annotated counts as found when an extracted one shares at least
60% of its items (compared after 繁→简, width and punctuation folding, a
near match or one holding the other at half its length or more), or, for an
abbreviation annotated without items, its name; an extracted framework is
correct when it matches an annotated one the same way. These are the rules
extraction is measured by elsewhere, so the figures compare.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "data" / "heldout"
sys.path.insert(0, str(ROOT / "src"))

from rapidfuzz import fuzz  # noqa: E402

from drill.core.extract import extract_text  # noqa: E402
from drill.core.text import fold  # noqa: E402

PUNCT = re.compile(r"[\s\u3000，。、；：！？“”‘’（）《》「」『』【】,.;:!?\"'()\[\]<>…—\-·]+")
SHARE = 0.6  # of an annotated framework's items an extracted one must hold


def norm(text: str) -> str:
    return PUNCT.sub("", fold(text or ""))


def item_hit(a: str, pool: list[str]) -> bool:
    a = norm(a)
    if not a:
        return False
    for b in map(norm, pool):
        if not b:
            continue
        if a == b or fuzz.ratio(a, b) >= 80 or (
                len(a) >= 4 and (a in b or b in a) and min(len(a), len(b)) / max(len(a), len(b)) >= 0.5):
            return True
    return False


def matches(gold: dict, pred: dict) -> bool:
    gi = [x for x in gold.get("items") or [] if norm(x)]
    pi = [x for x in pred.get("items") or [] if norm(x)]
    if len(gi) >= 2 and pi:
        return sum(item_hit(x, pi) for x in gi) >= math.ceil(SHARE * len(gi))
    gn, pn = norm(gold.get("name", "")), norm(pred.get("name", ""))
    return bool(gn and pn and (gn == pn or (len(gn) >= 2 and fuzz.ratio(gn, pn) >= 90)))


def report_texts(repo: Path) -> dict[str, str]:
    """gwr-YEAR → the report's text, from the corpus's JSON lines."""
    listing = repo / "government_work_reports.jsonl"
    if listing.is_file():
        lines = listing.read_text("utf-8").splitlines()
    else:
        out = subprocess.run(["git", "--git-dir", str(repo), "show", "HEAD:government_work_reports.jsonl"],
                             capture_output=True, text=True, check=True)
        lines = out.stdout.splitlines()
    texts = {}
    for line in lines:
        row = json.loads(line)
        if row.get("year") and "政府工作报告" in row.get("title", ""):
            texts[f"gwr-{row['year']}"] = row["content"]
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, required=True)
    parser.add_argument("--local", type=Path)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    texts = report_texts(args.reports)
    if args.local:
        texts.update({p.stem: p.read_text("utf-8") for p in sorted(args.local.glob("local-*.txt"))})
    totals = {"gold": Counter(), "found": Counter(), "predicted": Counter(), "correct": Counter()}
    files = {}
    for gold_path in sorted(GOLD.glob("*.gold.json")):
        name = gold_path.name[: -len(".gold.json")]
        if name not in texts:
            print(f"heldout: no text for {name}", file=sys.stderr)
            continue
        gold = json.loads(gold_path.read_text("utf-8"))
        pred = [fw.as_json() for fw in extract_text(texts[name], name).frameworks]
        row = {"gold": len(gold), "found": 0, "predicted": len(pred), "correct": 0}
        for g in gold:
            totals["gold"][g["kind"]] += 1
            if any(matches(g, p) for p in pred):
                totals["found"][g["kind"]] += 1
                row["found"] += 1
            elif args.verbose:
                print(f"  {name} MISSED {g['kind']} {g['name']} {g['items'][:4]}", file=sys.stderr)
        for p in pred:
            totals["predicted"][p["kind"]] += 1
            if any(matches(g, p) or matches(p, g) for g in gold):
                totals["correct"][p["kind"]] += 1
                row["correct"] += 1
            elif args.verbose:
                print(f"  {name} EXTRA  {p['kind']} {p['name'][:40]} {p['items'][:4]}", file=sys.stderr)
        files[name] = row

    def ratio(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    kinds = sorted(set(totals["gold"]) | set(totals["predicted"]))
    result = {
        "files": files,
        "kinds": {k: {"recall": f"{totals['found'][k]}/{totals['gold'][k]}",
                      "precision": f"{totals['correct'][k]}/{totals['predicted'][k]}"} for k in kinds},
    }
    for group, prefix in (("reports", "gwr-"), ("local", "local-")):
        rows = [r for n, r in files.items() if n.startswith(prefix)]
        if rows:
            result[group] = {
                "recall": ratio(sum(r["found"] for r in rows), sum(r["gold"] for r in rows)),
                "precision": ratio(sum(r["correct"] for r in rows), sum(r["predicted"] for r in rows)),
            }
    result["recall"] = ratio(sum(totals["found"].values()), sum(totals["gold"].values()))
    result["precision"] = ratio(sum(totals["correct"].values()), sum(totals["predicted"].values()))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
