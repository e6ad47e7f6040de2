"""Order-list benchmark: services against the bare SQL they run, on a large demo database.

    .venv/bin/python bench/bench_orders.py [--orders 1000000] [--db bench/bench-1m.db] [--rebuild]
                                           [--before OLD_RESULTS.md] [--old-db OLD.db]

Builds the database with `hubtui demo` when it is missing (timing the load), then times,
in one run, each operation through the services and the same statements through the bare
sqlite3 driver, and writes the medians and ratios to bench/RESULTS.md (keeping the "TUI"
section bench_tui.py appends).

"Bare" replays exactly the statements the service ran (recorded on engine.RawRead: for a
free-text search that is the term look-ups, the candidate count and the page), with the
same parameters, on a plain sqlite3 connection: the ratio is the cost of the service
layer (connection checkout, transaction, building the statement, rows to OrderRow).

`--before` names a RESULTS.md this script wrote for an earlier version of hubtui (run on
its own database); its service medians become a "before" column. The script runs against
older versions too (it asks the planner only for what they all have).

`--old-db` names a copy of the database at an older schema revision: every list read's bare
statements are then also timed on it, alternating with this database run by run so that
other work on the machine weighs on both alike ("Page reads" section): what the schema
change alone does to the reads.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from results import REPEAT, median_ms, replace_section  # noqa: E402

from hubtui.domain.order_query import OrderQuery  # noqa: E402
from hubtui.domain.orders import QuickFilter  # noqa: E402
from hubtui.domain.periods import Period  # noqa: E402
from hubtui.services.context import open_context  # noqa: E402
from hubtui.services.order_reads import _scope, count_orders, get_order, list_orders, quick_filter_counts  # noqa: E402
from hubtui.store import order_queries as q  # noqa: E402
from hubtui.store import quick_counts  # noqa: E402
from hubtui.store.engine import RawRead, Store  # noqa: E402

Statements = list[tuple[str, Any]]
QUICK_COUNTS_NOTE = (
    '- "quick counts": the twelve counts of the quick-filter bar under the list\'s other filters, one service '
    'call (`hubtui/store/quick_counts.py`); the note says how it read them (the tally way: from which source, '
    'and "less the rest" for a period counted as all time less the time outside it) and how many orders the '
    'filters hold.'
)


@contextmanager
def recording() -> Iterator[Statements]:
    """The statements (and parameters) the services run on the fast read path."""
    statements: Statements = []
    original_all, original_scalar = RawRead.all, RawRead.scalar

    def keep(sql: str, params: Any) -> None:
        if sql != "BEGIN":
            statements.append((sql, dict(params) if isinstance(params, Mapping) else tuple(params)))

    def all_(self: RawRead, sql: str, params: Any = ()) -> Any:
        keep(sql, params)
        return original_all(self, sql, params)

    def scalar(self: RawRead, sql: str, params: Any = ()) -> Any:
        keep(sql, params)
        return original_scalar(self, sql, params)

    RawRead.all, RawRead.scalar = all_, scalar  # type: ignore[method-assign]
    try:
        yield statements
    finally:
        RawRead.all, RawRead.scalar = original_all, original_scalar  # type: ignore[method-assign]


def recorded(action: Callable[[], object]) -> Statements:
    with recording() as statements:
        action()
    return statements


def build(db: Path, orders: int) -> float | None:
    if db.exists():
        return None
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "hubtui.cli", "demo", "--db", f"sqlite:///{db}", "--orders", str(orders), "--seed", "1"],
        check=True,
        env={**os.environ, "HUBTUI_USER": "bench"},
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=HERE / "bench-1m.db")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--before", type=Path, help="a RESULTS.md written by this script for an earlier version")
    parser.add_argument("--old-db", type=Path, help="the same data at an older schema revision")
    args = parser.parse_args()
    before = read_before(args.before) if args.before else None
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    load_seconds = build(args.db, args.orders)

    store = Store(f"sqlite:///{args.db}")
    ctx = open_context(store, "bench", tz=timezone.utc)
    raw = sqlite3.connect(args.db, isolation_level=None)
    org = ctx.operator.org_id
    total_orders = raw.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    rows: list[tuple[str, float, float | None, str]] = []
    old = sqlite3.connect(args.old_db, isolation_level=None) if args.old_db else None
    schemas: list[tuple[str, float, float]] = []

    def bare(statements: Statements, con: sqlite3.Connection = raw) -> Callable[[], object]:
        return lambda: [con.execute(sql, params).fetchall() for sql, params in statements]

    def compare(name: str, service: Callable[[], object], statements: Statements | None, note: str = "") -> None:
        service_ms = median_ms(service)
        bare_ms = median_ms(bare(statements)) if statements else None
        rows.append((name, service_ms, bare_ms, note))
        if old is not None and statements and not name.startswith("quick counts"):
            schemas.append((name, *alternating_ms(bare(statements, old), bare(statements))))
        ratio = f"{service_ms / bare_ms:5.1f}x" if bare_ms else ""
        print(f"{name:48} {service_ms:8.2f} ms  bare {bare_ms or 0:8.3f} ms  {ratio} {note}", flush=True)

    def plan_of(query: OrderQuery, counting: bool = False) -> str:
        with store.raw_read() as reader:
            match = q.resolve_text(reader, query, _scope(ctx, query), counting=counting)
        return f"plan: {match.plan}" if match else ""

    def list_and_pages(label: str, query: OrderQuery, note: str = "") -> None:
        first = list_orders(ctx, query)
        compare(f"first page: {label}", lambda: list_orders(ctx, query), recorded(lambda: list_orders(ctx, query)), note)
        if first.last is not None and first.has_after:
            nxt = lambda: list_orders(ctx, query, after=first.last)  # noqa: E731
            compare(f"next page: {label}", nxt, recorded(nxt))

    for quick in QuickFilter:
        list_and_pages(quick.value, OrderQuery(quick_filter=quick))

    compare("counts of every quick filter", lambda: quick_filter_counts(ctx), recorded(lambda: quick_filter_counts(ctx)))
    count_sql = []
    for f in QuickFilter:
        query = OrderQuery(quick_filter=f)  # a plain COUNT(*) of the filter instead of the tallies
        with store.raw_read() as reader:
            sql, params = q.count_statement(reader, query, _scope(ctx, query))
        count_sql.append((sql, params))
    rows.append(("  bare: a COUNT(*) per quick filter instead of the tallies",
                 median_ms(bare(count_sql), 3), None, ""))

    number = raw.execute("SELECT number FROM orders WHERE org_id = ? ORDER BY id DESC LIMIT 1 OFFSET 12345", (org,)).fetchone()[0]
    compare("lookup by number (full detail)", lambda: get_order(ctx, number),
            [("SELECT * FROM orders WHERE number = ?", (number,))], "ORM; bare is the order row only")

    email = raw.execute("SELECT customer_email FROM orders WHERE org_id = ? LIMIT 1 OFFSET 777", (org,)).fetchone()[0]
    postcode = raw.execute("SELECT shipping_postcode FROM orders WHERE org_id = ? LIMIT 1 OFFSET 555", (org,)).fetchone()[0]
    for label, query in (
        (f"advanced: email prefix '{email[:8]}'", OrderQuery(email=email[:8])),
        (f"advanced: email exact '{email}'", OrderQuery(email=email)),
        (f"advanced: post code '{postcode.lower()}'", OrderQuery(postcode=postcode.lower())),
    ):
        compare(label, lambda query=query: list_orders(ctx, query), recorded(lambda query=query: list_orders(ctx, query)))

    # The "/" filter bar: free text in e-mails, names, post codes and order numbers.
    texts = ["edwards", "amelia.e", "ls1 6", "example.co", "zzzz-nobody", "e", "ed", "o'brien", "12345", "BT00123"]
    for text in texts:
        query = OrderQuery(text=text)
        list_and_pages(f"text '{text}'", query, plan_of(query))
    for text, quick in (("amelia.e", QuickFilter.ON_HOLD), ("edwards", QuickFilter.UNPAID),
                        ("ls1 6", QuickFilter.HIGH_RISK), ("e", QuickFilter.EXCHANGE_ON_HOLD)):
        query = OrderQuery(text=text, quick_filter=quick)
        list_and_pages(f"text '{text}' + {quick.value}", query, plan_of(query))
    for text in ("amelia.e", "edwards", "zzzz-nobody", "e"):
        query = OrderQuery(text=text)
        compare(f"count: text '{text}'", lambda query=query: count_orders(ctx, query),
                recorded(lambda query=query: count_orders(ctx, query)), plan_of(query, counting=True))
    # The quick-filter bar under the list's other filters: the twelve counts in one service call.
    def way_of(query: OrderQuery) -> str:
        with store.raw_read() as reader:
            plan = quick_counts.plan_counts(reader, query, _scope(ctx, query))
        way = plan.way
        if getattr(plan, "source", None):
            way += f" ({plan.source}{' less the rest' if plan.outside else ''})"
        return f"way: {way}; {quick_filter_counts(ctx, query)[QuickFilter.ALL]:,} orders"

    for period in (Period.LAST_7_DAYS, Period.LAST_30_DAYS, Period.THIS_YEAR):
        query = OrderQuery(period=period)
        compare(f"quick counts: {period.value}", lambda query=query: quick_filter_counts(ctx, query),
                recorded(lambda query=query: quick_filter_counts(ctx, query)), way_of(query))
    for text in ("amelia.e", "edwards", "e", "1", "ls1 6"):
        for period in (None, Period.LAST_7_DAYS):
            query = OrderQuery(text=text, period=period)
            label = f"quick counts: text '{text}'" + (f" + {period.value}" if period else "")
            compare(label, lambda query=query: quick_filter_counts(ctx, query),
                    recorded(lambda query=query: quick_filter_counts(ctx, query)), way_of(query))
    # Texts that are order numbers, a microsite, and the longer periods.
    for text, period, microsite in (("BT", None, None), ("12345", None, None), ("e", None, "bt-ie"),
                                    ("edwards", None, "bt-uk"), ("edwards", Period.THIS_YEAR, None),
                                    ("1", Period.THIS_YEAR, None), ("edwards", Period.THIS_MONTH, None),
                                    ("edwards", Period.LAST_30_DAYS, None), ("e", Period.LAST_30_DAYS, None)):
        query = OrderQuery(text=text, period=period, microsite=microsite)
        label = f"quick counts: text '{text}'" + (f" + {period.value}" if period else "") + (
            f" in {microsite}" if microsite else "")
        compare(label, lambda query=query: quick_filter_counts(ctx, query),
                recorded(lambda query=query: quick_filter_counts(ctx, query)), way_of(query))
    like = ("SELECT id FROM orders WHERE org_id = ? AND (customer_email LIKE ? OR customer_name_key LIKE ? "
            "OR shipping_postcode_key LIKE ?) ORDER BY placed_at DESC, id DESC LIMIT 51")
    rows.append(("  bare: LIKE '%zzzz-nobody%' without the terms (a scan)",
                 median_ms(lambda: raw.execute(like, (org, "%zzzz-nobody%", "%zzzz-nobody%", "%ZZZZ-NOBODY%")).fetchall(), 3),
                 None, ""))

    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "hubtui.cli", "--db", f"sqlite:///{args.db}", "--user", "bench", "orders", "list",
         "--filter", "unpaid", "--limit", "50", "--json"],
        check=True, capture_output=True,
    )
    cli_seconds = time.perf_counter() - started
    write_results(args.results, total_orders, load_seconds, cli_seconds, rows, before)
    if old is not None:
        write_schemas(args.results, args.old_db, args.db, schemas)


def alternating_ms(first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    """Medians of both, timed in turns (which goes first alternates) after a warm-up of each."""
    first(), second()
    samples: tuple[list[float], list[float]] = ([], [])
    for k in range(REPEAT):
        for which in ((0, 1) if k % 2 == 0 else (1, 0)):
            started = time.perf_counter()
            (first, second)[which]()
            samples[which].append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def write_schemas(path: Path, old_db: Path, db: Path, schemas: list[tuple[str, float, float]]) -> None:
    revision = {p: sqlite3.connect(p).execute("SELECT version_num FROM alembic_version").fetchone()[0]
                for p in (old_db, db)}
    old, new = revision[old_db], revision[db]
    body = [
        f"The bare statements of each list read above, timed on the same data at schema {old} ({old_db.name}) and "
        f"{new} ({db.name}) in turns, run by run; medians of {REPEAT}. The statements are this version's.",
        "",
        f"| operation | {old} ms | {new} ms | ratio |",
        "|---|---:|---:|---:|",
    ]
    for name, old_ms, new_ms in schemas:
        body.append(f"| {name} | {old_ms:.3f} | {new_ms:.3f} | {new_ms / old_ms:.2f} |")
    replace_section(path, "Page reads on the old and new schema", body)


def read_before(path: Path) -> dict[str, float]:
    """operation -> service ms, from the table of a RESULTS.md this script wrote."""
    found = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1].replace(".", "", 1).isdigit():
            found.setdefault(cells[0], float(cells[1]))
    return found


def write_results(
    path: Path, total: int, load_seconds: float | None, cli_seconds: float,
    rows: list[tuple[str, float, float | None, str]], before: dict[str, float] | None = None,
) -> None:
    previous = path.read_text() if path.exists() else ""
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}. Database: {total:,} orders (demo data, seed 1).",
        f"Medians of {REPEAT} runs after one warm-up; bare = the same statements with the same parameters "
        "through the sqlite3 driver (`bench/bench_orders.py`).",
        "",
    ]
    if load_seconds is not None:
        lines.append(f"- `hubtui demo --orders {total:,}`: {load_seconds:.1f} s")
    else:
        kept = re.search(r"^- `hubtui demo --orders.*$", previous, re.MULTILINE)
        if kept:
            lines.append(kept[0] + ("" if "earlier run" in kept[0] else " (an earlier run)"))
    lines.append(f"- `hubtui orders list --filter unpaid --limit 50 --json` (whole process): {cli_seconds:.2f} s")
    lines.append(f"- Load average at the end of the run: {os.getloadavg()[0]:.1f} (other work on the 2 cores slows "
                 "every figure alike)")
    lines.append(QUICK_COUNTS_NOTE)
    if before is not None:
        lines.append("- before ms: the service medians of the previous version on its own database "
                     "(the same data, before `hubtui db upgrade`), run just before this one.")
    head = "| operation | service ms | bare SQL ms | ratio | note |"
    rule = "|---|---:|---:|---:|---|"
    if before is not None:
        head, rule = head.replace("| note |", "| before ms | note |"), "|---|---:|---:|---:|---:|---|"
    lines += ["", head, rule]
    for name, service_ms, bare_ms, note in rows:
        ratio = f"{service_ms / bare_ms:.1f}" if bare_ms else ""
        bare = f"{bare_ms:.3f}" if bare_ms is not None else ""
        earlier = ""
        if before is not None:
            earlier = f" {before[name]:.2f} |" if name in before else " |"
        lines.append(f"| {name} | {service_ms:.2f} | {bare} | {ratio} |{earlier} {note} |")
    text = "\n".join(lines) + "\n"
    if "\n## " in previous:  # the other benchmarks' sections
        text += previous[previous.index("\n## "):]
    path.write_text(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
