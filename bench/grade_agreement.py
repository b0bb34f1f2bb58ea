"""How often the grader agrees with an examiner's verdicts, printed as one JSON object.

    python bench/grade_agreement.py [--data FILE] [--show]

data: JSON lines (default bench/data/grade_variants.jsonl), each
{"expected": [...], "ordered": bool, "answer": "...", "verdict": "correct"|"partial"|"wrong",
 "items": ["correct"|"close"|"missing"|"out_of_place", ...], "why": "..."}: answers a
trainee would really type for the frameworks of the bundled decks, each marked by hand
the way a fair examiner would, the overall verdict and each expected item's verdict.

prints: overall agreement (answers whose verdict matches), per-item agreement (expected
items whose verdict matches), the confusion matrices (rows: the examiner, columns: the
grader), the number of answers with any disagreement, and with --show each of them:
the answer, the examiner's and the grader's verdicts, and the reason given for the label.

Runs from any directory: the data and the source are found next to this file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / "bench" / "data" / "grade_variants.jsonl"
TARGET = 0.90
VERDICTS = ("correct", "partial", "wrong")
ITEM_VERDICTS = ("correct", "close", "missing", "out_of_place")


def load(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            sys.exit(f"{path}:{n}: not JSON ({exc.msg})")
        if len(row.get("items", [])) != len(row.get("expected", [])):
            sys.exit(f"{path}:{n}: items and expected differ in length")
        row["line"] = n
        rows.append(row)
    return rows


def matrix(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> dict[str, dict[str, int]]:
    counts = Counter(pairs)
    return {human: {machine: counts[human, machine] for machine in labels} for human in labels}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", action="store_true", help="list every disagreement")
    args = parser.parse_args()

    from drill.core.grading import grade

    rows = load(args.data)
    overall: list[tuple[str, str]] = []
    items: list[tuple[str, str]] = []
    disagreements = []
    for row in rows:
        g = grade(row["expected"], row["answer"], row["ordered"])
        got_items = [i.verdict for i in g.items]
        overall.append((row["verdict"], g.verdict))
        items.extend(zip(row["items"], got_items))
        if g.verdict != row["verdict"] or got_items != row["items"]:
            disagreements.append({
                "line": row["line"], "answer": row["answer"], "expected": row["expected"],
                "ordered": row["ordered"], "why": row.get("why", ""),
                "verdict": {"examiner": row["verdict"], "grader": g.verdict},
                "items": [{"expected": e, "examiner": h, "grader": m, "typed": i.typed}
                          for e, h, m, i in zip(row["expected"], row["items"], got_items, g.items)
                          if h != m],
                "extra": g.extra,
            })

    agree = sum(h == m for h, m in overall) / len(overall)
    item_agree = sum(h == m for h, m in items) / len(items)
    out = {
        "answers": len(rows),
        "items": len(items),
        "overall_agreement": round(agree, 4),
        "item_agreement": round(item_agree, 4),
        "target": TARGET,
        "meets_target": agree >= TARGET and item_agree >= TARGET,
        "overall_confusion": matrix(overall, VERDICTS),
        "item_confusion": matrix(items, ITEM_VERDICTS),
        "answers_with_a_disagreement": len(disagreements),
        "overall_disagreements": sum(h != m for h, m in overall),
        "item_disagreements": sum(h != m for h, m in items),
    }
    if args.show:
        out["disagreements"] = disagreements
    print(json.dumps(out, ensure_ascii=False, indent=1 if args.show else None))


if __name__ == "__main__":
    main()
