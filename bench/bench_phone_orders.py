"""Phone-order benchmark: the wizard's look-ups and writes on a large catalogue.

    .venv/bin/python bench/bench_phone_orders.py [--customers 200000] [--products 20000] [--before OLD.md]

Builds a demo database of 10,000 orders, adds synthetic customers and products (through
the bulk loader, with the same key columns the app writes; it rebuilds the customers'
trigram index once at the end), then times, through the services the wizard and the
payment dialog call, each search as an agent types it (prefix texts, and texts found only
inside an e-mail, a phone number or a surname), placing a two-line order and recording a
payment. Medians go to the "Phone orders" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from results import REPEAT, median_ms, replace_section  # noqa: E402

from hubtui.services.catalogue import search_companies, search_customers, search_products  # noqa: E402
from hubtui.services.context import open_context  # noqa: E402
from hubtui.services.order_writes import NewLine, NewOrder, place_order, record_payment  # noqa: E402
from hubtui.services.order_payments import PaymentDraft
from hubtui.store.bulk import BulkLoader  # noqa: E402
from hubtui.store.engine import Store  # noqa: E402

FIRST = ("Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Freya", "Arthur", "Ivy", "Leo", "Mia", "Theo")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Evans", "Walker", "Wright", "Hughes", "Edwards", "Green", "Hall")


def grow(db: Path, customers: int, products: int) -> float:
    """Synthetic customers and products for BTOOLS, as `hubtui customers add` would store them;
    returns the seconds the load took (the trigram index rebuild included)."""
    rng = random.Random(7)
    con = sqlite3.connect(db)
    org = con.execute("SELECT id FROM organisations WHERE code = 'BTOOLS'").fetchone()[0]
    con.close()
    store = Store(f"sqlite:///{db}")
    started = time.perf_counter()
    with BulkLoader(store) as loader:
        now = loader.timestamp(int(datetime(2026, 11, 28, tzinfo=timezone.utc).timestamp()))
        rows = []
        for i in range(customers):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            phone = f"07{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"
            rows.append((org, f"{first}.{last}.{i}@bulk.example".lower(), first, last, first.lower(), last.lower(),
                         phone, phone.replace(" ", ""), f"{i % 300} High Street", "", "Leeds", "LS1 4AP", "GB", now))
        loader.insert("customers", ("org_id", "email", "first_name", "last_name", "first_name_key", "last_name_key",
                                    "phone", "phone_key", "line1", "line2", "city", "postcode", "country",
                                    "created_at"), rows)
        kinds = ("Drill", "Saw", "Sander", "Screws", "Hammer", "Wall Plugs", "Spirit Level", "Chisel")
        loader.insert(
            "products", ("org_id", "stock_code", "name", "name_key", "brand", "category", "price", "cost", "active"),
            [(org, f"BK-{kinds[i % len(kinds)][:3].upper()}-{100000 + i}", name, name.lower(), "Bulk",
              kinds[i % len(kinds)], 999 + i % 5000, 500, 1)
             for i in range(products) for name in [f"Bulk {kinds[i % len(kinds)]} {i}"]])
    seconds = time.perf_counter() - started
    store.dispose()
    return seconds


def earlier_figures(path: Path) -> dict[str, tuple[str, str]]:
    """operation -> (ms, rows) from the "Phone orders" table of an earlier RESULTS.md."""
    section = path.read_text().split("## Phone orders", 1)[-1].split("\n## ", 1)[0]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines() if line.startswith("| ")]
    return {c[0]: (c[1], c[2]) for c in cells if len(c) >= 3 and c[0] != "operation"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=HERE / "bench-phone.db")
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--before", type=Path, help="a RESULTS.md written by an earlier version of hubtui, "
                        "run just before on the same machine: its figures become a 'before' column")
    args = parser.parse_args()
    args.db.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "hubtui.cli", "demo", "--db", f"sqlite:///{args.db}", "--orders", "10000"],
                   check=True, capture_output=True, env={"HUBTUI_USER": "bench", "PATH": ""})
    load_seconds = grow(args.db, args.customers, args.products)
    store = Store(f"sqlite:///{args.db}")
    ctx = open_context(store, "bench", "BTOOLS")
    con = sqlite3.connect(args.db)
    counts = con.execute("SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM products)").fetchone()
    # The last four digits of one bulk customer's phone: found only inside the number.
    (phone,) = con.execute("SELECT phone_key FROM customers WHERE email LIKE '%.123457@bulk.example'").fetchone()
    index_pages = con.execute("SELECT COUNT(*) FROM dbstat WHERE name LIKE 'customers_fts%'").fetchone()[0] \
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'customers_fts'").fetchone() else 0
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()

    rows: list[tuple[str, float, int]] = []
    # Prefix texts, then texts found only inside a value: an e-mail fragment, a phone's last
    # four digits, part of a surname, and a text nobody matches.
    for typed in ("amelia.smith.1", "07700 9", "edw", "amelia ev", "zzqx", "evans.1234", phone[-4:], "dwar",
                  "qxzv"):
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
        "dialog call (each search is what one keystroke costs). Rows 'evans.1234' to 'dwar' are found only",
        "inside an e-mail, a phone number (its last four digits) or a surname, through the trigram index;",
        "'qxzv' matches nobody.",
        f"Bulk load of the customers and products: {load_seconds:.1f} s, the index rebuild included; the",
        f"index takes {index_pages * page_size / 2**20:.1f} MiB. Load average during the run:"
        f" {os.getloadavg()[0]:.1f} (other work on the 2 cores slows every row alike).", "",
        "| operation | ms (median) | rows |", "|---|---:|---:|",
        *[f"| {name} | {ms:.2f} | {n} |" for name, ms, n in rows],
    ]
    if args.before:
        before = earlier_figures(args.before)
        body[-len(rows) - 3:] = [
            "The before columns: the same benchmark on the previous version, run just before this one.", "",
            "| operation | ms (median) | rows | before: ms | before: rows |", "|---|---:|---:|---:|---:|",
            *[f"| {name} | {ms:.2f} | {n} | {' | '.join(before.get(name, ('', '')))} |" for name, ms, n in rows],
        ]
    replace_section(args.results, "Phone orders", body)
    for name, ms, n in rows:
        print(f"{name:<40} {ms:8.2f} ms  {n} rows")


if __name__ == "__main__":
    main()
