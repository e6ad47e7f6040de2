"""The quick-filter bar's twelve counts under a text: this version against an earlier one, in turns.

    .venv/bin/python bench/bench_quick_counts.py --old-code DIR --old-db OLD.db [--db bench/bench-1m.db]

DIR holds the earlier version's source (`git archive <commit> | tar -x -C DIR`), OLD.db the
same data at that version's schema revision (a copy taken before `hubtui db upgrade`). A
child process runs the earlier version's quick_filter_counts on OLD.db, this process runs
this version's on the database, and each case is timed run by run in turns (which goes
first alternates), so that other work on the machine weighs on both alike: a run of
bench_orders.py on each version, minutes apart, differed by up to 1.6x for the same code.
Medians of 15 after a warm-up; both versions must give the same twelve counts. Writes the
"Quick counts under a text" section of RESULTS.md (--section: another, for the same cases on data
numbered as placed, made by numbered_by_placement.py). --data-change: the same version's code on
two demos that differ (OLD.db made by an earlier `hubtui demo`); the counts then differ too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from datetime import timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if "--serve" not in sys.argv:  # the child puts the earlier version first on its own path
    sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from results import REPEAT, replace_section  # noqa: E402

# (text, period, microsite): the five texts of the requirement, with and without a period,
# then order numbers, a microsite and the longer periods.
CASES: list[tuple[str, str | None, str | None]] = [
    *((text, period, None) for text in ("amelia.e", "edwards", "e", "1", "ls1 6") for period in (None, "last-7-days")),
    ("BT", None, None), ("12345", None, None), ("e", None, "bt-ie"), ("edwards", None, "bt-uk"),
    ("edwards", "this-year", None), ("1", "this-year", None), ("edwards", "last-30-days", None),
    ("e", "last-30-days", None), ("amelia.e", "last-30-days", None), ("edwards", "last-month", None),
    ("edwards", "this-month", None), ("jo", "last-7-days", "bt-ie"), ("jo", "last-30-days", None),
    # one digit: it may start a hundred thousand order numbers
    ("2", None, None), ("2", "last-month", None), ("7", "last-30-days", "bt-uk"),
    # every number below BT1000000 over a short period; one letter most values hold
    ("0", "today", None), ("BT0", "yesterday", None), ("w", None, None), ("w", "this-year", None),
    ("w", "last-month", None), ("w", "last-7-days", None), ("r", "last-30-days", None), ("ll", "last-month", None),
    # one character today in a microsite; digits that start a hundred thousand numbers, or eleven thousand
    ("e", "today", "bt-ie"), ("9", "last-30-days", None), ("07", None, None), ("bt1", "last-30-days", None),
    ("12", "last-month", None), ("42", None, None),
    # two letters a third of the values hold, over a week: a walk of the week's orders
    ("ll", "last-7-days", None), ("on", "last-7-days", "bt-uk"),
]


def _counter(db: Path):  # type: ignore[no-untyped-def]
    """A function that runs quick_filter_counts for a case and returns (ms, counts)."""
    from hubtui.domain.order_query import OrderQuery
    from hubtui.domain.periods import Period
    from hubtui.services.context import open_context
    from hubtui.services.order_reads import quick_filter_counts
    from hubtui.store.engine import Store

    ctx = open_context(Store(f"sqlite:///{db}"), "bench", tz=timezone.utc)

    def run(text: str, period: str | None, microsite: str | None) -> tuple[float, dict[str, int]]:
        query = OrderQuery(text=text, period=Period(period) if period else None, microsite=microsite)
        started = time.perf_counter()
        counts = quick_filter_counts(ctx, query)
        return (time.perf_counter() - started) * 1000, {f.value: n for f, n in counts.items()}

    return run


def serve(db: Path) -> None:
    """The child: one JSON case a line on stdin, one JSON (ms, counts) a line on stdout."""
    run = _counter(db)
    for line in sys.stdin:
        print(json.dumps(run(*json.loads(line))), flush=True)


def _way(db: Path, case: tuple[str, str | None, str | None]) -> str:
    from hubtui.domain.order_query import OrderQuery
    from hubtui.domain.periods import Period
    from hubtui.services.context import open_context
    from hubtui.services.order_reads import _scope
    from hubtui.store import quick_counts
    from hubtui.store.engine import Store

    store = Store(f"sqlite:///{db}")
    ctx = open_context(store, "bench", tz=timezone.utc)
    text, period, microsite = case
    query = OrderQuery(text=text, period=Period(period) if period else None, microsite=microsite)
    with store.raw_read() as reader:
        plan = quick_counts.plan_counts(reader, query, _scope(ctx, query))
    store.dispose()
    return plan.way + (f" ({plan.source}{' less the rest' if plan.outside else ''})" if plan.source else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=HERE / "bench-1m.db")
    parser.add_argument("--old-db", type=Path, required="--serve" not in sys.argv)
    parser.add_argument("--old-code", type=Path, required="--serve" not in sys.argv)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--section", default="Quick counts under a text",
                        help="the RESULTS.md section written (another for data numbered otherwise)")
    parser.add_argument("--data-change", action="store_true",
                        help="OLD.db holds other data (an earlier demo): its counts are not compared")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.db)
        return
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", "--db", str(args.old_db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(args.old_code.resolve())},
    )

    def old(case: tuple[Any, ...]) -> tuple[float, dict[str, int]]:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(case) + "\n")
        child.stdin.flush()
        ms, counts = json.loads(child.stdout.readline())
        return ms, counts

    new = _counter(args.db)
    rows = []
    try:
        for case in CASES:
            (_, old_counts), (_, new_counts) = old(case), new(*case)
            assert args.data_change or old_counts == new_counts, (case, old_counts, new_counts)
            samples: tuple[list[float], list[float]] = ([], [])
            for k in range(REPEAT):
                for which in ((0, 1) if k % 2 == 0 else (1, 0)):
                    samples[which].append(old(case)[0] if which == 0 else new(*case)[0])
            before, after = statistics.median(samples[0]), statistics.median(samples[1])
            rows.append((case, before, after, _way(args.db, case), new_counts["all"]))
            print(f"{case!s:45} {before:8.2f} {after:8.2f} ms  {rows[-1][3]}", flush=True)
    finally:
        child.stdin.close()  # type: ignore[union-attr]
        child.wait()
    compared = (f"on the earlier demo ({args.old_db.name}) and on this one ({args.db.name}), one version's code; "
                "the orders column is this demo's") if args.data_change else \
        (f"on the previous version ({args.old_db.name}, its schema) and on this one ({args.db.name}); both gave the "
         "same counts")
    body = [
        *textwrap.wrap("`bench/bench_quick_counts.py`: the twelve counts of the quick-filter bar under a \"/\" text, "
                       f"one service call, {compared}. Timed in turns run by run; medians of {REPEAT}. Load average at "
                       f"the end: {os.getloadavg()[0]:.1f}.", 110),
        "",
        "| text | period | microsite | orders | before ms | after ms | after: way |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for (text, period, microsite), before, after, way, orders in rows:
        body.append(f"| '{text}' | {period or ''} | {microsite or ''} | {orders:,} | {before:.2f} | {after:.2f} | "
                    f"{way} |")
    replace_section(args.results, args.section, body)
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
