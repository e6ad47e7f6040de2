"""Order-list benchmark: services against the bare SQL they need, on a large demo database.

    .venv/bin/python bench/bench_orders.py [--orders 1000000] [--db bench/bench-1m.db] [--rebuild]

Builds the database with `hubtui demo` when it is missing (timing the load), then times,
in one run, each operation through the services and the same SQL through the bare sqlite3
driver, and writes the medians and ratios to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from hubtui.domain.order_query import OrderQuery  # noqa: E402
from hubtui.domain.orders import QuickFilter  # noqa: E402
from hubtui.services.context import open_context  # noqa: E402
from hubtui.services.order_reads import get_order, list_orders, quick_filter_counts  # noqa: E402
from hubtui.store import order_queries as q  # noqa: E402
from hubtui.store.engine import Store  # noqa: E402

REPEAT = 15


def median_ms(action: Callable[[], object], repeat: int = REPEAT) -> float:
    action()  # warm the page cache and statement caches
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def bare_sql(store: Store, query: OrderQuery, scope: q.Scope, limit: int = 50) -> str:
    """The SQL a keyset page needs, with its values inlined, for the bare driver."""
    from sqlalchemy import select

    keys = q.sort_columns(query.sort)
    stmt = select(*q.LIST_COLUMNS).where(*q.conditions(query, scope)).order_by(*[k.desc() for k in keys]).limit(limit + 1)
    return str(stmt.compile(dialect=store.engine.dialect, compile_kwargs={"literal_binds": True}))


def bare_count_sql(store: Store, query: OrderQuery, scope: q.Scope) -> str:
    from sqlalchemy import func, select

    stmt = select(func.count()).select_from(q.orders).where(*q.conditions(query, scope))
    return str(stmt.compile(dialect=store.engine.dialect, compile_kwargs={"literal_binds": True}))


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
    args = parser.parse_args()
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    load_seconds = build(args.db, args.orders)

    store = Store(f"sqlite:///{args.db}")
    ctx = open_context(store, "bench", tz=timezone.utc)
    raw = sqlite3.connect(args.db)
    org = ctx.operator.org_id
    total_orders = raw.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    rows: list[tuple[str, float, float | None]] = []

    def compare(name: str, service: Callable[[], object], sql: str | None) -> None:
        service_ms = median_ms(service)
        bare_ms = median_ms(lambda: raw.execute(sql).fetchall()) if sql else None
        rows.append((name, service_ms, bare_ms))
        ratio = f"{service_ms / bare_ms:5.1f}x" if bare_ms else ""
        print(f"{name:42} {service_ms:8.2f} ms  bare {bare_ms or 0:8.3f} ms  {ratio}", flush=True)

    for quick in QuickFilter:
        query = OrderQuery(quick_filter=quick)
        with store.read() as session:
            from hubtui.services.order_reads import _scope  # the service's own date arithmetic

            scope = _scope(session, ctx, query)
        first = list_orders(ctx, query)
        compare(f"first page: {quick.value}", lambda query=query: list_orders(ctx, query), bare_sql(store, query, scope))
        if first.last is not None:
            compare(f"next page: {quick.value}", lambda query=query, first=first: list_orders(ctx, query, after=first.last), None)

    count_sql = [bare_count_sql(store, OrderQuery(quick_filter=f), q.Scope(org_id=org)) for f in QuickFilter]
    compare("counts of every quick filter", lambda: quick_filter_counts(ctx), None)
    rows.append(("  bare: separate COUNT(*) per quick filter", median_ms(lambda: [raw.execute(s).fetchone() for s in count_sql], 3), None))
    number = raw.execute("SELECT number FROM orders WHERE org_id = ? ORDER BY id DESC LIMIT 1 OFFSET 12345", (org,)).fetchone()[0]
    compare("lookup by number (full detail)", lambda: get_order(ctx, number), f"SELECT * FROM orders WHERE number = '{number}'")
    email = raw.execute("SELECT customer_email FROM orders WHERE org_id = ? LIMIT 1 OFFSET 777", (org,)).fetchone()[0]
    postcode = raw.execute("SELECT shipping_postcode FROM orders WHERE org_id = ? LIMIT 1 OFFSET 555", (org,)).fetchone()[0]
    for label, query in (
        (f"email prefix '{email[:8]}'", OrderQuery(email=email[:8])),
        (f"email exact '{email}'", OrderQuery(email=email)),
        (f"post code '{postcode.lower()}'", OrderQuery(postcode=postcode.lower())),
    ):
        with store.read() as session:
            from hubtui.services.order_reads import _scope

            scope = _scope(session, ctx, query)
        compare(label, lambda query=query: list_orders(ctx, query), bare_sql(store, query, scope))

    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "hubtui.cli", "--db", f"sqlite:///{args.db}", "--user", "bench", "orders", "list",
         "--filter", "unpaid", "--limit", "50", "--json"],
        check=True, capture_output=True,
    )
    cli_seconds = time.perf_counter() - started
    write_results(args.results, total_orders, load_seconds, cli_seconds, rows)


def write_results(path: Path, total: int, load_seconds: float | None, cli_seconds: float, rows: list[tuple[str, float, float | None]]) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}. Database: {total:,} orders (demo data, seed 1).",
        f"Medians of {REPEAT} runs after one warm-up; bare = the same SQL through the sqlite3 driver.",
        "",
    ]
    if load_seconds is not None:
        lines.append(f"- `hubtui demo --orders {total:,}`: {load_seconds:.1f} s")
    lines.append(f"- `hubtui orders list --filter unpaid --limit 50 --json` (whole process): {cli_seconds:.2f} s")
    lines += ["", "| operation | service ms | bare SQL ms | ratio |", "|---|---:|---:|---:|"]
    for name, service_ms, bare_ms in rows:
        ratio = f"{service_ms / bare_ms:.1f}" if bare_ms else ""
        bare = f"{bare_ms:.3f}" if bare_ms is not None else ""
        lines.append(f"| {name} | {service_ms:.2f} | {bare} | {ratio} |")
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
