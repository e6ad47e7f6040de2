"""Phone-order benchmark: the wizard's look-ups and writes on a large catalogue.

    .venv/bin/python bench/bench_phone_orders.py [--customers 200000] [--products 20000]

Builds a demo database of 10,000 orders, adds synthetic customers and products (bulk
inserts with the same key columns the app writes), then times, through the services the
wizard and the payment dialog call, each search as an agent types it, placing a two-line
order and recording a payment. Medians go to the "Phone orders" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from results import REPEAT, median_ms, replace_section  # noqa: E402

from hubtui.services.catalogue import search_companies, search_customers, search_products  # noqa: E402
from hubtui.services.context import open_context  # noqa: E402
from hubtui.services.order_writes import NewLine, NewOrder, PaymentDraft, place_order, record_payment  # noqa: E402
from hubtui.store.engine import Store  # noqa: E402

FIRST = ("Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Freya", "Arthur", "Ivy", "Leo", "Mia", "Theo")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Evans", "Walker", "Wright", "Hughes", "Edwards", "Green", "Hall")


def grow(db: Path, customers: int, products: int) -> None:
    """Synthetic customers and products for BTOOLS, as `hubtui customers add` would store them."""
    rng = random.Random(7)
    now = datetime(2026, 11, 28, tzinfo=timezone.utc).isoformat(sep=" ")
    con = sqlite3.connect(db)
    org = con.execute("SELECT id FROM organisations WHERE code = 'BTOOLS'").fetchone()[0]
    rows = []
    for i in range(customers):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = f"07{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"
        rows.append((org, f"{first}.{last}.{i}@bulk.example".lower(), first, last, first.lower(), last.lower(), phone,
                     phone.replace(" ", ""), f"{i % 300} High Street", "Leeds", "LS1 4AP", "GB", now))
    con.executemany(
        "INSERT INTO customers (org_id, email, first_name, last_name, first_name_key, last_name_key, phone, phone_key,"
        " line1, line2, city, postcode, country, created_at) VALUES (?,?,?,?,?,?,?,?,?,'',?,?,?,?)", rows)
    kinds = ("Drill", "Saw", "Sander", "Screws", "Hammer", "Wall Plugs", "Spirit Level", "Chisel")
    con.executemany(
        "INSERT INTO products (org_id, stock_code, name, name_key, brand, category, price, cost, active)"
        " VALUES (?,?,?,?,?,?,?,?,1)",
        [(org, f"BK-{kinds[i % len(kinds)][:3].upper()}-{100000 + i}", name, name.lower(), "Bulk", kinds[i % len(kinds)],
          999 + i % 5000, 500)
         for i in range(products) for name in [f"Bulk {kinds[i % len(kinds)]} {i}"]])
    con.commit()
    con.execute("ANALYZE")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=HERE / "bench-phone.db")
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    args.db.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "hubtui.cli", "demo", "--db", f"sqlite:///{args.db}", "--orders", "10000"],
                   check=True, capture_output=True, env={"HUBTUI_USER": "bench", "PATH": ""})
    grow(args.db, args.customers, args.products)
    store = Store(f"sqlite:///{args.db}")
    ctx = open_context(store, "bench", "BTOOLS")
    counts = sqlite3.connect(args.db).execute(
        "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM products)").fetchone()

    rows: list[tuple[str, float, int]] = []
    for typed in ("amelia.smith.1", "07700 9", "edw", "amelia ev", "zzqx"):
        rows.append((f"customer search '{typed}'", median_ms(lambda t=typed: search_customers(ctx, t)),
                     len(search_customers(ctx, typed))))
    rows.append(("company search 'build'", median_ms(lambda: search_companies(ctx, "build")),
                 len(search_companies(ctx, "build"))))
    for typed in ("BK-DRI-1001", "bosch drill", "saw 123", "zzqx"):
        rows.append((f"product search '{typed}'", median_ms(lambda t=typed: search_products(ctx, t)),
                     len(search_products(ctx, typed))))
    customer = search_customers(ctx, "amelia.smith")[0]
    codes = [p.stock_code for p in search_products(ctx, "BK-DRI-10")[:2]]
    draft = NewOrder(customer_id=customer.id, lines=(NewLine(codes[0], 2), NewLine(codes[1], 1)))
    rows.append(("place a two-line order", median_ms(lambda: place_order(ctx, draft)), 1))
    numbers = iter([place_order(ctx, draft).number for _ in range(REPEAT + 1)])
    rows.append(("record a CardOverPhone payment",
                 median_ms(lambda: record_payment(ctx, next(numbers), PaymentDraft("CardOverPhone", "Paid"))), 1))
    store.dispose()

    body = [
        f"`bench/bench_phone_orders.py`: {counts[0]:,} customers and {counts[1]:,} products (BTOOLS: demo data",
        "plus bulk rows), 10,000 orders. Medians of 15 runs through the services the wizard and the payment",
        "dialog call (each search is what one keystroke costs).", "",
        "| operation | ms (median) | rows |", "|---|---:|---:|",
        *[f"| {name} | {ms:.2f} | {n} |" for name, ms, n in rows],
    ]
    replace_section(args.results, "Phone orders", body)
    for name, ms, n in rows:
        print(f"{name:<40} {ms:8.2f} ms  {n} rows")


if __name__ == "__main__":
    main()
