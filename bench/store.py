"""The progress store at a realistic size, printed as one JSON object.

    python bench/store.py [--cards 5000] [--reviews 100000] [--answers 300] [--runs 3]

A trainee who answers 200 cards a day for two years: CARDS cards in decks
of 40 frameworks, and REVIEWS answers spread over the months before today,
each card's state made by replaying its answers through fsrs. The store is
built in a temporary DRILL_HOME, in the store's own file format, then:

- open_ms: Store.open (reading trainee.json), the median of RUNS fresh opens;
- queue_ms: today's queue over every deck (due first, then new), median;
- stats_ms: stats.compute over every deck, median;
- answer_ms_median / answer_ms_p95: Store.record of ANSWERS graded answers,
  each durable (fsync'd) when it returns, to cards across the decks;
- baseline_fsync_append_ms_median: an fsync'd append of one line to a file
  on the same disk, measured in the same run: the floor any durable answer pays.

When the `anki` package is installed, the same workload runs in Anki's own
collection (its Rust core over SQLite): CARDS notes, REVIEWS review-log
rows, then ANSWERS cards answered through its v3 scheduler; the median is
`anki_answer_ms_median` and `ratio_to_anki` is ours over Anki's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ITEMS = ["抓学习促提升", "抓执行促落实", "抓效能促发展", "工业兴渝", "三农稳渝", "文旅活渝", "城乡美渝",
         "生态绿渝", "党建强渝", "盯目标", "盯一线", "盯问题", "盯作风", "项目就是题目", "现场就是考场"]
TARGETS = {"answer_ms_median": 2.0, "open_ms": 300.0, "queue_ms": 300.0, "stats_ms": 300.0}


def make_decks(n_cards: int):
    """Decks whose frameworks make ``n_cards`` cards (recall + clozes + order)."""
    from drill.core.deck import Deck
    from drill.core.frameworks import Framework

    rng = random.Random(1)
    decks, made, d = [], 0, 0
    while made < n_cards:
        frameworks = []
        for f in range(40):
            items = [f"{rng.choice(ITEMS)}{d}-{f}-{i}" for i in range(4)]
            fw = Framework(kind="enumeration", name=f"第{d}篇第{f}组", items=items, start=0, end=0,
                           quote="、".join(items), id=f"enu-{d:03d}{f:07d}", ordered=True)
            frameworks.append(fw)
            made += 6  # recall, four clozes, order
            if made >= n_cards:
                break
        decks.append(Deck(path=Path(f"/bench/deck{d:03d}.toml"), title=f"第{d}篇讲话", source="",
                          frameworks=frameworks))
        d += 1
    return decks


def build_store(folder: Path, user: str, cards, n_reviews: int, now: float) -> None:
    """Write a store with a history of ``n_reviews`` answers over ``cards``."""
    from drill.core import scheduler, store

    rng = random.Random(2)
    settings = scheduler.Settings()
    per_card = max(1, n_reviews // len(cards))
    span = 730 * 86400
    card_docs, review_rows, days, items = {}, {}, {}, {}
    rid = 0
    for n, card in enumerate(cards):
        reps = per_card + (1 if n < n_reviews - per_card * len(cards) else 0)
        state, lapses, first = None, 0, None
        # the card's answers spread over the two years, as a daily habit spreads them
        times = sorted(now - span + rng.random() * (span - 3600) for _ in range(reps))
        for at in times:
            rating = rng.choices([1, 2, 3, 4], weights=[1, 2, 6, 1])[0]
            state = scheduler.review(state, rating, dt.datetime.fromtimestamp(at, dt.UTC), settings)
            first = first or at
            lapses += rating == 1
            rid += 1
            month = dt.datetime.fromtimestamp(at).strftime("%Y-%m")
            verdicts = ["correct" if rating > 1 else "missing"] * len(card.answer)
            review_rows.setdefault(month, {})[str(rid)] = {
                "card": card.id, "deck": card.deck, "fw": card.framework, "kind": card.kind,
                "at": round(at, 3), "typed": "、".join(card.answer),
                "items": [[e, e if v == "correct" else "", v] for e, v in zip(card.answer, verdicts)],
                "extra": [], "score": 1.0 if rating > 1 else 0.0, "verdict": "correct" if rating > 1 else "wrong",
                "rating": rating, "seconds": 9.5, "hints": 0, "overridden": ""}
            day = dt.datetime.fromtimestamp(at).date().isoformat()
            tally = days.setdefault(day, {"day": day, "reviews": 0, "passed": 0, "mature": 0,
                                          "mature_passed": 0, "seconds": 0.0, "new": 0})
            tally["reviews"] += 1
            tally["passed"] += rating > 1
            tally["seconds"] += 9.5
            for item in card.answer:
                t = items.setdefault((card.framework, item), {"fw": card.framework, "deck": card.deck,
                                                                "item": item, "seen": 0, "missed": 0})
                t["seen"] += 1
                t["missed"] += rating == 1
        card_docs[str(n + 1)] = {"card": card.id, "deck": card.deck, "fw": card.framework, "kind": card.kind,
                                 "fsrs": state, "due": scheduler.due_of(state).timestamp(),
                                 "stability": scheduler.stability_of(state), "reps": reps, "lapses": lapses,
                                 "first": first, "last": at}
    folder.mkdir(parents=True)
    data = {"profile": {"1": {"name": user, "settings": settings.as_json(), "created": now - span}},
            "cards": card_docs,
            "days": {str(i + 1): d for i, d in enumerate(days.values())},
            "items": {str(i + 1): d for i, d in enumerate(items.values())}}
    _write(folder / store.TRAINEE_FILE, data)
    for month, rows in review_rows.items():
        _write(folder / f"reviews-{month}.json", {"reviews": rows})


def _write(path: Path, data: dict) -> None:
    from drill.core.tinydb_engine import LogStorage

    storage = LogStorage(path)
    storage.data = data
    storage.rewrite()


def answers(cards, count: int, rng: random.Random):
    from drill.core.grading import grade
    from drill.core.session import Answered

    out = []
    for card in rng.sample(cards, count):
        typed = "、".join(card.answer[:-1]) if rng.random() < 0.3 else "、".join(card.answer)
        out.append(Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0))
    return out


def fsync_baseline(folder: Path, n: int) -> float:
    path = folder / "baseline.log"
    times = []
    line = ("x" * 400 + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for _ in range(n):
            t = time.perf_counter()
            os.write(fd, line)
            os.fsync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
    return statistics.median(times) * 1000


def anki_answer_ms(n_cards: int, n_reviews: int, n_answers: int, folder: Path) -> float | None:
    try:
        from anki.collection import Collection
    except ImportError:
        return None
    col = Collection(str(folder / "bench.anki2"))
    try:
        model = col.models.by_name("Basic")
        deck_id = col.decks.id("bench")
        for i in range(n_cards):
            note = col.new_note(model)
            note["Front"] = f"第{i}组"
            note["Back"] = "、".join(ITEMS[:4])
            col.add_note(note, deck_id)
        card_ids = col.find_cards("deck:bench")
        # the review history, as Anki stores it: one revlog row per answer
        now_ms = int(time.time() * 1000)
        rows = [(now_ms - (n_reviews - i) * 60_000, card_ids[i % len(card_ids)], -1, 3, 10, 5, 2500, 9500, 1)
                for i in range(n_reviews)]
        col.db.executemany("insert into revlog (id,cid,usn,ease,ivl,lastIvl,factor,time,type) "
                           "values (?,?,?,?,?,?,?,?,?)", rows)
        col.decks.select(deck_id)
        conf = col.decks.config_dict_for_deck_id(deck_id)
        conf["new"]["perDay"] = n_answers + 10
        col.decks.save(conf)
        times = []
        for _ in range(n_answers):
            queued = col.sched.get_queued_cards()
            if not queued.cards:
                break
            card = col.sched.getCard()
            if card is None:
                break
            t = time.perf_counter()
            states = col._backend.get_scheduling_states(card.id)
            answer = col.sched.build_answer(card=card, states=states, rating=3)
            col.sched.answer_card(answer)
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000 if times else None
    finally:
        col.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--reviews", type=int, default=100000)
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="drill-bench-") as tmp:
        home = Path(tmp) / "home"
        os.environ["DRILL_HOME"] = str(home)
        from drill.core import stats, store

        decks = make_decks(args.cards)
        cards = [c for d in decks for c in d.cards()][:args.cards]
        now = time.time()
        t = time.perf_counter()
        build_store(store.store_dir("bench"), "bench", cards, args.reviews, now)
        build_s = time.perf_counter() - t

        open_t, queue_t, stats_t = [], [], []
        queued = 0
        for _ in range(args.runs):
            t = time.perf_counter()
            s = store.Store.open("bench")
            open_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            queued = len(s.queue(decks))
            queue_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            result = stats.compute(s, decks)
            stats_t.append(time.perf_counter() - t)
        s = store.Store.open("bench")
        answer_t = []
        for a in answers(cards, args.answers, random.Random(3)):
            t = time.perf_counter()
            s.record(a)
            answer_t.append(time.perf_counter() - t)
        answer_t.sort()
        base = fsync_baseline(Path(tmp), args.answers)
        reviews_read = sum(1 for _ in store.Store.open_readonly(store.store_dir("bench")).reviews())
        out = {
            "cards": len(cards),
            "reviews": args.reviews,
            "reviews_in_log": reviews_read,
            "build_s": round(build_s, 1),
            "open_ms": round(statistics.median(open_t) * 1000, 1),
            "queue_ms": round(statistics.median(queue_t) * 1000, 1),
            "queue_len": queued,
            "stats_ms": round(statistics.median(stats_t) * 1000, 1),
            "stats_reviews": result.reviews,
            "answer_ms_median": round(statistics.median(answer_t) * 1000, 3),
            "answer_ms_p95": round(answer_t[int(len(answer_t) * 0.95) - 1] * 1000, 3),
            "baseline_fsync_append_ms_median": round(base, 3),
        }
        anki = anki_answer_ms(args.cards, args.reviews, min(args.answers, 200), Path(tmp))
        if anki is not None:
            out["anki_answer_ms_median"] = round(anki, 3)
            out["ratio_to_anki"] = round(out["answer_ms_median"] / anki, 2)
        out["targets"] = TARGETS
        out["meets_targets"] = all(out[k] <= v for k, v in TARGETS.items())
        print(json.dumps(out))


if __name__ == "__main__":
    main()
