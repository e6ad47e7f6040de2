"""Write-side cost of the orders table's indexes and triggers, on the large benchmark database.

    .venv/bin/python bench/bench_writes.py [--db bench/bench-1m.db] [--old-db OLD.db] [--orders 2000]
                                           [--load 1000000] [--before OLD_RESULTS.md]

Row at a time, as the services and an import without the bulk loader write: copies of
existing orders inserted one INSERT each (every index and trigger of the orders table
runs: tallies, search terms, per-customer tallies), then their status changed, then their
e-mail, one UPDATE each, all in one transaction rolled back at the end, so the database is
left as it was. Per order, medians of 7 rounds. `--old-db` names the same data at an older
schema revision: its rounds alternate with this database's, so that other work on the
machine weighs on both alike. `--load N` also times `hubtui demo --orders N` into a new file
(the bulk loader: indexes, tallies and terms rebuilt once), then deletes it; `--before`
takes that figure of an earlier version from a RESULTS.md this script wrote for it.

Results go to the "Writes" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from results import replace_section  # noqa: E402

ROUNDS = 7
SECTION = "Writes"
LOAD = "`hubtui demo --orders {orders:,}` (s)"


def _order_columns(con: sqlite3.Connection) -> list[str]:
    return [row[1] for row in con.execute("PRAGMA table_info(orders)") if row[1] not in ("id", "number")]


def _round(con: sqlite3.Connection, orders: int) -> dict[str, float]:
    """µs per order of each write, in a transaction that is rolled back."""
    columns = _order_columns(con)
    first = con.execute("SELECT MAX(id) FROM orders").fetchone()[0] + 1
    sources = [r[0] for r in con.execute("SELECT id FROM orders ORDER BY id DESC LIMIT ?", (orders,))]
    insert = (f"INSERT INTO orders (id, number, {', '.join(columns)}) "
              f"SELECT ?, ?, {', '.join(columns)} FROM orders WHERE id = ?")
    timings = {}
    con.execute("BEGIN IMMEDIATE")
    try:
        started = time.perf_counter()
        for k, source in enumerate(sources):
            con.execute(insert, (first + k, f"BX{first + k:07d}", source))
        timings["insert an order"] = time.perf_counter() - started
        started = time.perf_counter()
        for k in range(orders):
            con.execute("UPDATE orders SET status = 'OnHold', payment_status = 'Paid' WHERE id = ?", (first + k,))
        timings["change its status and payment status"] = time.perf_counter() - started
        started = time.perf_counter()
        for k in range(orders):
            con.execute("UPDATE orders SET customer_email = ? WHERE id = ?", (f"moved.{k % 50}@example.com", first + k))
        timings["change its e-mail"] = time.perf_counter() - started
    finally:
        con.execute("ROLLBACK")
    return {name: seconds * 1e6 / orders for name, seconds in timings.items()}


def row_at_a_time(dbs: list[Path], orders: int) -> list[dict[str, float]]:
    """Per database, the median µs per order of each write; rounds alternate between them."""
    cons = [sqlite3.connect(db, isolation_level=None) for db in dbs]
    try:
        for con in cons:
            con.execute("PRAGMA foreign_keys=ON")
            _round(con, orders)  # warms the pages the rounds touch
        rounds: list[list[dict[str, float]]] = [[] for _ in cons]
        for k in range(ROUNDS):
            for i in (range(len(cons)) if k % 2 == 0 else reversed(range(len(cons)))):
                rounds[i].append(_round(cons[i], orders))
    finally:
        for con in cons:
            con.close()
    return [{name: statistics.median(r[name] for r in found) for name in found[0]} for found in rounds]


def demo_load(orders: int) -> float:
    with tempfile.TemporaryDirectory(dir=HERE) as folder:
        target = Path(folder) / "load.db"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "hubtui.cli", "demo", "--db", f"sqlite:///{target}", "--orders", str(orders),
             "--seed", "1"],
            check=True, env={**os.environ, "HUBTUI_USER": "bench"}, capture_output=True,
        )
        return time.perf_counter() - started


def read_before(path: Path) -> dict[str, float]:
    """operation -> this version's figure, from the Writes table of an earlier RESULTS.md."""
    section = path.read_text().split(f"## {SECTION}", 1)[-1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[2].replace(".", "", 1).isdigit():
            found[cells[0]] = float(cells[2])
    return found


def _revision(db: Path) -> str:
    return sqlite3.connect(db).execute("SELECT version_num FROM alembic_version").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=HERE / "bench-1m.db")
    parser.add_argument("--old-db", type=Path, help="the same data at an older schema revision")
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--load", type=int, default=0, help="also time `hubtui demo --orders N` into a new file")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--before", type=Path, help="a RESULTS.md this script wrote for an earlier version")
    args = parser.parse_args()
    dbs = [args.old_db, args.db] if args.old_db else [args.db]
    measured = row_at_a_time(dbs, args.orders)
    old, new = (measured[0], measured[1]) if args.old_db else ({}, measured[0])
    figures = [(f"{name} (µs per order)", old.get(name), us) for name, us in new.items()]
    if args.load:
        name = LOAD.format(orders=args.load)
        earlier = read_before(args.before).get(name) if args.before else None
        figures.append((name, earlier, demo_load(args.load)))
    for name, earlier, value in figures:
        print(f"{name:60} {earlier or float('nan'):10.1f} {value:10.1f}", flush=True)
    old_label = f"schema {_revision(args.old_db)} / earlier version" if args.old_db else "earlier version"
    body = [
        f"`bench/bench_writes.py`: {args.orders:,} copies of the newest orders of {args.db.name} inserted one INSERT",
        "at a time, then their status and payment status changed, then their e-mail, one UPDATE each (every index",
        "and trigger of the orders table runs), in one transaction rolled back; medians of "
        f"{ROUNDS} rounds, the rounds on the two schemas in turns. The demo load is the bulk loader into a new file.",
        f"Load average at the end: {os.getloadavg()[0]:.1f}.",
        "",
        f"| write | {old_label} | schema {_revision(args.db)} / this version | ratio |",
        "|---|---:|---:|---:|",
    ]
    for name, earlier, value in figures:
        ratio = f"{value / earlier:.2f}" if earlier else ""
        body.append(f"| {name} | {'' if earlier is None else f'{earlier:.1f}'} | {value:.1f} | {ratio} |")
    replace_section(args.results, SECTION, body)
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
