"""The progress store at a realistic size, beside Anki's collection, printed as one JSON object.

    python bench/store.py [--cards 5000] [--reviews 100000] [--answers 300] [--runs 3]

(at most 50,000 cards and 1,000,000 reviews)

The workload: a trainee who answers 200 cards a day for two years. CARDS
cards in decks of 40 frameworks, and REVIEWS answers spread over the two
years before today, each card's state made by replaying its answers through
fsrs. The same history (the same cards, answer times and ratings) is built
twice, in a temporary folder: as drill's progress store (``build_store``,
the one place that knows drill's file format) and, when the ``anki`` package
is installed, as Anki's own collection (``build_anki``: one Basic note per
card in one deck per drill deck under a parent deck, by bulk inserts).

Each side is then measured in a process of its own, started after the
build, so that building the data never counts in its memory. The process
runs RUNS sessions; a session opens the store afresh, takes today's queue,
computes the stats, and answers cards from the queue's head: one card, or
ANSWERS cards in the last session. Every ``*_ms`` figure is a median over
the sessions unless said otherwise:

- open_ms: opening the store. drill: Store.open (reading trainee.json's
  index: the profile and the small tables, no card state; trainee.json
  itself is read whole only when the index is not of it).
  Anki: ``Collection(path)``.
- queue_ms: today's queue over every deck (due first, then new up to the
  day's limit). drill: Store.queue over every deck. Anki: the v3
  scheduler's queue of the parent deck (so of every deck), all of it
  handed back: ``col.sched.get_queued_cards(fetch_limit=<every card>)``,
  with drill's new cards a day and the day's review limit at Anki's
  highest, 9,999 (drill has none: past some 30,000 cards more than 9,999
  are due, and Anki's queue stops there); a fresh open builds it from
  scratch. ``queue_len`` / ``anki_queue_len`` are the lengths.
- stats_ms: the stats over every deck. drill: stats.compute (totals,
  streak, forecast, per deck, weak frameworks). Anki: its statistics page
  over the whole collection for the deck's life: ``col.stats()`` with
  ``wholeCollection`` set, ``report(type=PERIOD_LIFE)`` (today, the due
  forecast, reviews per day, intervals, hours, answer buttons, card counts:
  aggregate SQL over cards and revlog).
- answer_ms_median / answer_ms_p95: the ANSWERS answers of the last
  session, each durable when it returns on drill's side (Store.record of a
  graded answer to the queue's next card, a random card once the queue
  runs out, 30% of them missing an item; the review log fsync'd). Anki: ``col.sched.answerCard``
  on the card ``col.sched.getCard()`` gives (the v3 scheduler working out
  the card's next states and answering; getting the card is not timed),
  70% Good and 30% Again. Anki commits each answer to its SQLite file (WAL
  journal, synchronous=FULL: fsync'd).
- answer_first_ms: the first answer of a session (after its fresh open,
  queue and stats), the median over the sessions.
- rss_mb: the peak resident memory of the measuring process (getrusage
  RUSAGE_SELF ru_maxrss): the interpreter, its imports (drill and its decks,
  or Anki), the store opened, the queue, the stats and the answers.
- bytes_per_review: the file sizes in the store's folder after the sessions
  (drill: the trainee's store folder; Anki: the collection's folder, its
  notes included), over the reviews it then holds (REVIEWS plus the answers).

``anki`` holds the same keys measured on Anki's collection in the same run
(null when the ``anki`` package is missing), ``ratio_to_anki`` each of them
as ours over Anki's. ``baseline_fsync_append_ms_median`` is an fsync'd
append of one line to a file on the same disk: the floor any durable answer
pays. ``build_s`` / ``anki_build_s``: writing drill's store / building
Anki's collection (the fsrs replay of the history not counted).
``reviews_in_log``: the reviews read back from drill's log at the end (the
history and the answers); ``stats_reviews``: the reviews drill's stats
counted in the last session.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ITEMS = ["抓学习促提升", "抓执行促落实", "抓效能促发展", "工业兴渝", "三农稳渝", "文旅活渝", "城乡美渝",
         "生态绿渝", "党建强渝", "盯目标", "盯一线", "盯问题", "盯作风", "项目就是题目", "现场就是考场"]
TARGETS = {"answer_ms_median": 2.0, "open_ms": 300.0, "queue_ms": 300.0, "stats_ms": 300.0}
MAX_CARDS, MAX_REVIEWS = 50_000, 1_000_000
USER = "bench"
SPAN_S = 730 * 86400  # the history covers the two years before today
ANKI_MAX_REVIEWS_PER_DAY = 9999
SIDE_KEYS = ("open_ms", "queue_ms", "stats_ms", "answer_ms_median", "answer_first_ms", "rss_mb",
             "bytes_per_review")


# --------------------------------------------------------------------------
# the workload, in nobody's format


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


def deck_cards(n_cards: int):
    decks = make_decks(n_cards)
    return decks, [c for d in decks for c in d.cards()][:n_cards]


class History:
    """Every answer of the history, and each card's state after its last.

    ``events``: (time, card index, rating, interval in days the answer gave),
    in time order. ``cards[i]``: (fsrs state, reps, lapses, first, last) of
    card i."""

    def __init__(self, events: list[tuple[float, int, int, int]], cards: list[tuple]) -> None:
        self.events = events
        self.cards = cards


def make_history(n_cards: int, n_reviews: int, now: float):
    """``n_reviews`` answers over ``n_cards`` cards, spread over the two years
    before ``now`` as a daily habit spreads them, replayed through fsrs."""
    from drill.core import scheduler

    rng = random.Random(2)
    settings = scheduler.Settings()
    per_card = max(1, n_reviews // n_cards)
    extra = n_reviews - per_card * n_cards
    timeline = []
    for n in range(n_cards):
        for _ in range(per_card + (n < extra)):
            timeline.append((now - SPAN_S + rng.random() * (SPAN_S - 3600), n,
                             rng.choices([1, 2, 3, 4], weights=[1, 2, 6, 1])[0]))
    timeline.sort()
    states: list = [None] * n_cards
    reps, lapses = [0] * n_cards, [0] * n_cards
    first: list = [None] * n_cards
    last = [0.0] * n_cards
    events = []
    for at, n, rating in timeline:
        state = scheduler.review(states[n], rating, dt.datetime.fromtimestamp(at, dt.UTC), settings)
        states[n] = state
        reps[n] += 1
        lapses[n] += rating == 1
        first[n] = first[n] or at
        last[n] = at
        events.append((at, n, rating, max(1, round((scheduler.due_of(state).timestamp() - at) / 86400))))
    del timeline
    return History(events, [(states[n], reps[n], lapses[n], first[n], last[n]) for n in range(n_cards)])


# --------------------------------------------------------------------------
# drill's store: the one function that knows its file format


def build_store(folder: Path, user: str, cards, history: History, now: float) -> None:
    """Write drill's progress store of ``history`` over ``cards`` into ``folder``,
    directly in the store's file format (tinydb_engine.py), a month's review
    log at a time; then open and close it once, as the trainee's last session
    left it (closed months packed, the files known sound, trainee.json's index
    written)."""
    from drill.core import scheduler, store
    from drill.core.tinydb_engine import LogStorage

    def write(path: Path, data: dict) -> None:
        storage = LogStorage(path)
        storage.data = data
        storage.rewrite()

    folder.mkdir(parents=True)
    settings = scheduler.Settings()
    days, items, month_ends = {}, {}, {}
    month, rows, rid = None, {}, 0
    for rid, (at, n, rating, _ivl) in enumerate(history.events, 1):
        card = cards[n]
        when = dt.datetime.fromtimestamp(at)
        if when.strftime("%Y-%m") != month:
            if rows:
                write(folder / f"reviews-{month}.json", {"reviews": rows})
            month, rows = when.strftime("%Y-%m"), {}
        month_ends[month] = rid
        verdicts = ["correct" if rating > 1 else "missing"] * len(card.answer)
        rows[str(rid)] = {
            "card": card.id, "deck": card.deck, "fw": card.framework, "kind": card.kind,
            "at": round(at, 3), "typed": "、".join(card.answer),
            "items": [[e, e if v == "correct" else "", v] for e, v in zip(card.answer, verdicts)],
            "extra": [], "score": 1.0 if rating > 1 else 0.0, "verdict": "correct" if rating > 1 else "wrong",
            "rating": rating, "seconds": 9.5, "hints": 0, "overridden": "", "seq": rid}
        day = when.date().isoformat()
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
    if rows:
        write(folder / f"reviews-{month}.json", {"reviews": rows})
    card_docs = {}
    for n, (state, reps, lapses, first, last) in enumerate(history.cards):
        if state is None:
            continue
        card = cards[n]
        card_docs[str(len(card_docs) + 1)] = {
            "card": card.id, "deck": card.deck, "fw": card.framework, "kind": card.kind, "fsrs": state,
            "due": scheduler.due_of(state).timestamp(), "stability": scheduler.stability_of(state),
            "reps": reps, "lapses": lapses, "first": first, "last": last}
    data = {"profile": {"1": {"name": user, "settings": settings.as_json(), "created": now - SPAN_S,
                              "seq": rid, "seq_month": month or ""}},
            "cards": card_docs,
            "days": {str(i + 1): d for i, d in enumerate(days.values())},
            "items": {str(i + 1): d for i, d in enumerate(items.values())},
            "months": {str(i + 1): {"month": m, "last": last} for i, (m, last) in enumerate(month_ends.items())}}
    write(folder / store.TRAINEE_FILE, data)
    store.Store.open(user, folder).close()


# --------------------------------------------------------------------------
# Anki's collection


def anki_installed() -> bool:
    try:
        import anki.collection  # noqa: F401
    except ImportError:
        return False
    return True


def build_anki(path: Path, decks, cards, history: History, now: float) -> None:
    """Anki's collection of the same history: a Basic note per card, in a deck
    per drill deck under one parent deck, added in one ``add_notes``; each
    card's state and the review log set by ``executemany`` in one transaction."""
    from anki.collection import AddNoteRequest, Collection

    from drill.core import scheduler

    path.parent.mkdir(parents=True)
    col = Collection(str(path))
    try:
        col.set_config("fsrs", True)  # drill schedules with fsrs: so does Anki here
        model = col.models.by_name("Basic")
        deck_ids = {d.id: col.decks.id(f"drill::{d.title}") for d in decks}
        requests = []
        for card in cards:
            note = col.new_note(model)
            note["Front"] = f"{card.framework} {card.kind} {card.id}"
            note["Back"] = "、".join(card.answer)
            requests.append(AddNoteRequest(note=note, deck_id=deck_ids[card.deck]))
        col.add_notes(requests)
        card_of_note = dict(col.db.all("select nid, id from cards"))
        card_ids = [card_of_note[r.note.id] for r in requests]
        del requests

        conf = col.decks.config_dict_for_deck_id(deck_ids[decks[0].id])  # the default, every deck's
        conf["new"]["perDay"] = scheduler.Settings().new_per_day
        # drill has no review limit; Anki's highest (it resets a higher one to its default, 200)
        conf["rev"]["perDay"] = ANKI_MAX_REVIEWS_PER_DAY
        conf["desiredRetention"] = scheduler.Settings().desired_retention
        col.decks.save(conf)
        col.decks.select(col.decks.id("drill"))

        today = col.sched.today
        today_date = dt.date.fromtimestamp(now)
        rows = []
        for n, (state, reps, lapses, _first, last) in enumerate(history.cards):
            if state is None:
                continue
            due = scheduler.due_of(state)
            ivl = max(1, round((due.timestamp() - last) / 86400))
            data = json.dumps({"s": round(scheduler.stability_of(state), 4),
                               "d": round(float(state.get("difficulty") or 5.0), 3),
                               "lrt": int(last)})
            rows.append((today + (due.astimezone().date() - today_date).days, ivl, 2500, reps, lapses,
                         data, card_ids[n]))
        taken: set[int] = set()
        revlog = []
        last_ivl = [0] * len(cards)
        for at, n, rating, ivl in history.events:
            rid = int(at * 1000)
            while rid in taken:  # the review log's key is the answer's time in ms
                rid += 1
            taken.add(rid)
            revlog.append((rid, card_ids[n], rating, ivl, last_ivl[n], 2500, 9500, 1 if last_ivl[n] else 0))
            last_ivl[n] = ivl

        def fill() -> None:
            col.db.executemany("update cards set type=2, queue=2, due=?, ivl=?, factor=?, reps=?, lapses=?, "
                               "data=?, mod=0, usn=-1 where id=?", rows)
            col.db.executemany("insert into revlog (id,cid,usn,ease,ivl,lastIvl,factor,time,type) "
                               "values (?,?,-1,?,?,?,?,?,?)", revlog)

        col.db.transact(fill)
    finally:
        col.close()


# --------------------------------------------------------------------------
# measuring, in a process of its own


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return round(kb / 1024 / (1024 if sys.platform == "darwin" else 1), 1)


def sessions(runs: int, n_answers: int, open_, queue, stats, answer, close) -> dict:
    """RUNS sessions of open, queue, stats and answers (one, or ``n_answers``
    in the last); the times in ms and what the last queue and stats gave."""
    open_t, queue_t, stats_t, first_t, answer_t = [], [], [], [], []
    queued = result = None
    answered = 0
    for run in range(runs):
        t = time.perf_counter()
        s = open_()
        open_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        queued = queue(s)
        queue_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        result = stats(s)
        stats_t.append(time.perf_counter() - t)
        times = []
        for i in range(n_answers if run == runs - 1 else 1):
            took = answer(s, queued, i)
            if took is None:
                break
            times.append(took)
        answered += len(times)
        if times:
            first_t.append(times[0])
        if run == runs - 1:
            answer_t = sorted(times)
        close(s)
    ms = lambda xs, nd=1: round(statistics.median(xs) * 1000, nd) if xs else None  # noqa: E731
    return {"open_ms": ms(open_t), "queue_ms": ms(queue_t), "stats_ms": ms(stats_t),
            "answer_ms_median": ms(answer_t, 3), "answer_first_ms": ms(first_t, 3),
            "answer_ms_p95": ms(answer_t[max(0, int(len(answer_t) * 0.95) - 1):][:1], 3),
            "answered": answered, "queued": queued, "result": result}


def measure_drill(args) -> dict:
    from drill.core import stats, store
    from drill.core.grading import grade
    from drill.core.session import Answered

    decks, cards = deck_cards(args.cards)
    rng = random.Random(3)
    spare = iter(rng.sample(cards, len(cards)))  # when the queue runs out

    def answer(s, queued, i):
        card = queued[i] if i < len(queued) else next(spare, None)
        if card is None:
            return None
        typed = "、".join(card.answer[:-1]) if rng.random() < 0.3 else "、".join(card.answer)
        a = Answered(card, typed, grade(card.answer, typed, card.ordered), 8.0, 0)
        t = time.perf_counter()
        s.record(a)
        return time.perf_counter() - t

    out = sessions(args.runs, args.answers, lambda: store.Store.open(USER), lambda s: s.queue(decks),
                   lambda s: stats.compute(s, decks), answer, lambda s: s.close())
    out["queue_len"] = len(out.pop("queued"))
    out["stats_reviews"] = out.pop("result").reviews
    out["rss_mb"] = peak_rss_mb()
    return out


def measure_anki(args) -> dict:
    from anki.collection import Collection
    from anki.stats import PERIOD_LIFE

    path = str(Path(args.dir) / "anki" / "collection.anki2")
    rng = random.Random(3)

    def queue(col):
        return len(col.sched.get_queued_cards(fetch_limit=args.cards).cards)

    def stats(col):
        report = col.stats()
        report.wholeCollection = True
        return len(report.report(type=PERIOD_LIFE))

    def answer(col, _queued, _i):
        card = col.sched.getCard()
        if card is None:
            return None
        ease = 1 if rng.random() < 0.3 else 3
        t = time.perf_counter()
        col.sched.answerCard(card, ease)
        return time.perf_counter() - t

    out = sessions(args.runs, args.answers, lambda: Collection(path), queue, stats, answer,
                   lambda col: col.close())
    out["queue_len"] = out.pop("queued")
    out.pop("result")
    out["rss_mb"] = peak_rss_mb()
    return out


# --------------------------------------------------------------------------
# the run


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


def build(args) -> dict:
    from drill.core import store

    now = time.time()
    decks, cards = deck_cards(args.cards)
    history = make_history(len(cards), args.reviews, now)
    t = time.perf_counter()
    build_store(store.store_dir(USER), USER, cards, history, now)
    out = {"build_s": round(time.perf_counter() - t, 1), "anki_build_s": None}
    if anki_installed():
        t = time.perf_counter()
        build_anki(Path(args.dir) / "anki" / "collection.anki2", decks, cards, history, now)
        out["anki_build_s"] = round(time.perf_counter() - t, 1)
    return out


def child(role: str, args, env: dict) -> dict:
    """Run this script to build (``--build``) or measure a side (``--measure
    drill|anki``) in a process of its own; the JSON it prints."""
    flags = ["--build"] if role == "build" else ["--measure", role]
    cmd = [sys.executable, str(Path(__file__).resolve()), *flags, "--dir", args.dir,
           "--cards", str(args.cards), "--reviews", str(args.reviews), "--answers", str(args.answers),
           "--runs", str(args.runs)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench/store.py: the {role} process failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--reviews", type=int, default=100000)
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    # the processes a run starts: one builds both sides in DIR, then one measures each
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", choices=["drill", "anki"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.cards <= MAX_CARDS:
        parser.error(f"--cards must be from 1 to {MAX_CARDS}")
    if not 1 <= args.reviews <= MAX_REVIEWS:
        parser.error(f"--reviews must be from 1 to {MAX_REVIEWS}")
    if args.answers < 1 or args.runs < 1:
        parser.error("--answers and --runs must be at least 1")

    if args.build or args.measure:
        role = build if args.build else {"drill": measure_drill, "anki": measure_anki}[args.measure]
        print(json.dumps(role(args)))
        return

    with tempfile.TemporaryDirectory(prefix="drill-bench-") as tmp:
        args.dir = tmp
        home = Path(tmp) / "home"
        env = dict(os.environ, DRILL_HOME=str(home))
        built = child("build", args, env)
        ours = child("drill", args, env)
        anki = child("anki", args, env) if built["anki_build_s"] is not None else None
        store_folder = next((home / "progress").iterdir())
        for side, folder in ((ours, store_folder), (anki, Path(tmp) / "anki")):
            if side is not None:
                side["bytes_per_review"] = round(folder_bytes(folder) / (args.reviews + side["answered"]), 1)
        base = fsync_baseline(Path(tmp), min(args.answers, 300))

        os.environ["DRILL_HOME"] = str(home)
        from drill.core import store

        reviews_read = sum(1 for _ in store.Store.open_readonly(store_folder).reviews())
        out = {
            "cards": args.cards,
            "reviews": args.reviews,
            "reviews_in_log": reviews_read,
            "build_s": built["build_s"],
            "open_ms": ours["open_ms"],
            "queue_ms": ours["queue_ms"],
            "queue_len": ours["queue_len"],
            "stats_ms": ours["stats_ms"],
            "stats_reviews": ours["stats_reviews"],
            "answer_ms_median": ours["answer_ms_median"],
            "answer_ms_p95": ours["answer_ms_p95"],
            "answer_first_ms": ours["answer_first_ms"],
            "rss_mb": ours["rss_mb"],
            "bytes_per_review": ours["bytes_per_review"],
            "baseline_fsync_append_ms_median": round(base, 3),
            "anki": {k: anki[k] for k in SIDE_KEYS} if anki else None,
        }
        if anki:
            out["anki_queue_len"] = anki["queue_len"]
            out["anki_build_s"] = built["anki_build_s"]
            out["ratio_to_anki"] = {k: round(out[k] / anki[k], 2) if out[k] and anki[k] else None
                                    for k in SIDE_KEYS}
        out["targets"] = TARGETS
        out["meets_targets"] = all(out[k] is not None and out[k] <= v for k, v in TARGETS.items())
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
