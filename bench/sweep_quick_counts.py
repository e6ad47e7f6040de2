"""The quick-filter bar's twelve counts over many texts, every period and three microsite choices:
how many arrive within the 20 ms the requirement asks of any "/" text, and which do not.

    .venv/bin/python bench/sweep_quick_counts.py [--db bench/bench-1m.db] [--texts a,b,c] [--limit-ms 20]

bench_quick_counts.py times chosen cases against an earlier version; this one looks across: each
text under each period (none, and the seven of `D`) in all microsites, bt-uk and bt-ie, the median
of REPEAT runs after a warm-up, through the same service call. Writes the "Quick counts: a sweep"
section of RESULTS.md. The database is a demo of 1,000,000 orders (`hubtui demo --orders 1000000
--db sqlite:///FILE`) with a user "bench" of its first organisation only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_quick_counts import _counter, _way  # noqa: E402
from results import replace_section  # noqa: E402

# One and two characters most values hold, digits that start many order numbers, a post-code
# district that also starts numbers ("bt1"), names, e-mail pieces and a text nothing holds.
TEXTS = ("e", "w", "5", "an", "ma", "ll", "on", "li", "jo", "th", "ie", "ex", "12", "33", "07", "42", "bt", "bt1",
         "smith", "edwards", "amelia.e", "@acme", "ls1 6", "zzzz-nobody")
PERIODS = (None, "today", "yesterday", "last-7-days", "last-30-days", "this-month", "last-month", "this-year")
MICROSITES = (None, "bt-uk", "bt-ie")
REPEAT = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=HERE / "bench-1m.db")
    parser.add_argument("--texts", default=",".join(TEXTS), help="comma-separated texts")
    parser.add_argument("--limit-ms", type=float, default=20.0)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    run = _counter(args.db)
    texts = [t for t in args.texts.split(",") if t]
    timed: list[tuple[float, tuple[str, str | None, str | None]]] = []
    for text in texts:
        for period in PERIODS:
            for microsite in MICROSITES:
                case = (text, period, microsite)
                run(*case)
                timed.append((statistics.median(run(*case)[0] for _ in range(REPEAT)), case))
        worst = max(ms for ms, case in timed if case[0] == text)
        print(f"{text!r:14} worst {worst:7.2f} ms", flush=True)
    over = sorted(((ms, case) for ms, case in timed if ms > args.limit_ms), reverse=True)
    bounds = (5.0, 10.0, args.limit_ms, 2 * args.limit_ms)
    shares = [sum(1 for ms, _ in timed if ms <= b) for b in bounds]
    by_text: dict[str, list[float]] = defaultdict(list)
    for ms, (text, _, _) in timed:
        by_text[text].append(ms)
    body = [
        *textwrap.wrap(
            f"`bench/sweep_quick_counts.py` on {args.db.name}: {len(texts)} texts x {len(PERIODS)} periods (none and "
            f"the seven of D) x {len(MICROSITES)} microsite choices (all, bt-uk, bt-ie) = {len(timed)} cases, each "
            f"the median of {REPEAT} service calls after a warm-up. Load average at the end: "
            f"{os.getloadavg()[0]:.1f}.", 110),
        "",
        "| within | " + " | ".join(f"{b:g} ms" for b in bounds) + " | more |",
        "|---|" + "---:|" * (len(bounds) + 1),
        "| cases | " + " | ".join(f"{n} ({n / len(timed):.0%})" for n in shares)
        + f" | {len(timed) - shares[-1]} |",
        "",
        "| text | median ms | worst ms | cases over " + f"{args.limit_ms:g} ms |",
        "|---|---:|---:|---:|",
        *(f"| '{text}' | {statistics.median(found):.1f} | {max(found):.1f} | "
          f"{sum(1 for ms in found if ms > args.limit_ms)} |" for text, found in by_text.items()),
        "",
        f"The cases over {args.limit_ms:g} ms, slowest first, with the way each is counted:",
        "",
        "| ms | text | period | microsite | way |",
        "|---:|---|---|---|---|",
        *(f"| {ms:.1f} | '{text}' | {period or ''} | {microsite or ''} | {_way(args.db, (text, period, microsite))} |"
          for ms, (text, period, microsite) in over),
    ]
    replace_section(args.results, "Quick counts: a sweep", body)
    print(f"{len(over)} of {len(timed)} over {args.limit_ms:g} ms; wrote {args.results}")


if __name__ == "__main__":
    main()
