"""Import benchmark (issue 13): `import orders` then `import items` through the service against a
bare `csv` + `executemany` load of the same rows, in the same run.

    .venv/bin/python bench/bench_import.py [--orders 100000] [--rounds 3] [--profile]

A demo database with no orders (`hubtui demo --orders 0`) is the template; each round copies it
twice, once for each loader. The files: N orders of BTOOLS by external reference (a blank
order number, so hubtui numbers them), customers matched by e-mail (a fifth new, created by the
import), and three item rows an order of the organisation's products.

- service: hubtui.services.imports.import_file, orders then items: every value parsed and
  checked, the store checked (channels, microsite and currency, customers, the orders and
  products named, an order's lines adding up to its total), the customers created, an
  imported payment for each order the file calls Paid, an activity entry per order, the
  `imports` row; one transaction per file.
- bare: csv.reader and sqlite3 executemany into the same tables (orders, then order_lines with
  the order ids read back by external reference and the products' by stock code), with money
  as `int(text.replace(".", ""))` and nothing checked: the least a program can do to put the
  same rows in. Both fire the same triggers (search terms, tallies).

Rounds alternate the two (other work on the machine weighs on both alike); medians. Memory:
peak RSS of an orders import in a fresh process for N/10 and for N orders. Results go to the
"Import" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import platform
import pstats
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from results import replace_section  # noqa: E402

from hubtui.domain.import_columns import ITEM_COLUMNS, ORDER_COLUMNS  # noqa: E402

# The services and the store are imported where they are used, not here: the import's reading
# process (spawned) imports this script again as its main module, and SQLAlchemy and the
# services cost it 0.4 s before its first batch, which `hubtui import` (a light main) does not.

ORG = "BTOOLS"
USER = "sam"
LINES_PER_ORDER = 3
BARE_ORDER_COLUMNS = (
    "org_id", "number", "external_ref", "microsite_id", "channel", "order_type", "status", "payment_status",
    "currency", "customer_email", "customer_first_name", "customer_last_name", "customer_phone", "company_name",
    "shipping_name", "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode", "shipping_country",
    "shipping_total", "discount_total", "order_total", "customer_reference", "tags", "fraud_score", "placed_at",
    "lines_total", "paid_total", "refunded_total", "created_at", "created_by", "updated_at", "updated_by", "version",
    "billing_name", "billing_line1", "billing_line2", "billing_city", "billing_postcode", "billing_country",
    "customer_name_key", "shipping_postcode_key", "tracking_number", "tracking_carrier", "tracking_link",
)
BARE_LINE_COLUMNS = ("order_id", "line_no", "product_id", "stock_code", "product_name", "quantity", "unit_price",
                     "discount", "line_total", "dispatched_quantity")


def make_template(folder: Path) -> Path:
    path = folder / "template.db"
    subprocess.run([sys.executable, "-m", "hubtui", "demo", "--db", f"sqlite:///{path}", "--orders", "0"],
                   check=True, cwd=HERE.parent, capture_output=True)
    return path


def write_files(template: Path, folder: Path, count: int) -> tuple[Path, Path]:
    """An orders file and an items file of `count` orders; totals add up to the lines."""
    rng = random.Random(13)
    connection = sqlite3.connect(template)
    (org_id,) = connection.execute("SELECT id FROM organisations WHERE code = ?", (ORG,)).fetchone()
    products = connection.execute("SELECT stock_code, name, price FROM products WHERE org_id = ? AND price > 0 "
                                  "LIMIT 400", (org_id,)).fetchall()
    customers = connection.execute("SELECT email, first_name, last_name FROM customers WHERE org_id = ? LIMIT 20000",
                                   (org_id,)).fetchall()
    connection.close()
    orders, items = folder / "orders.csv", folder / "items.csv"
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with open(orders, "w", newline="") as order_file, open(items, "w", newline="") as item_file:
        order_out, item_out = csv.writer(order_file), csv.writer(item_file)
        order_out.writerow(ORDER_COLUMNS)
        item_out.writerow(ITEM_COLUMNS)
        for n in range(1, count + 1):
            if rng.random() < 0.2:
                email, first, last = f"new.{n}@example.com", "New", f"Person{n}"
            else:
                email, first, last = rng.choice(customers)
            lines = [rng.choice(products) for _ in range(LINES_PER_ORDER)]
            quantities = [rng.randint(1, 4) for _ in lines]
            lines_total = sum(p[2] * q for p, q in zip(lines, quantities))
            shipping = rng.choice((0, 495, 695))
            paid = rng.random() < 0.7
            ref = f"MKT-{n:07d}"
            placed = start + timedelta(seconds=n * 137)
            order_out.writerow([
                "", ref, "", rng.choice(("web", "telephone", "amazon", "ebay")), "Standard", placed.strftime("%Y-%m-%d %H:%M:%S"),
                "Approved" if paid else "Incomplete", "Paid" if paid else "Pending", "GBP", email, first, last,
                "07700 900123", "", "", f"{n} High Street", "", "Leeds", "LS1 4AP", "GB",
                f"{shipping / 100:.2f}", "0.00", f"{(lines_total + shipping) / 100:.2f}", "", "", "5",
            ])
            for product, quantity in zip(lines, quantities):
                item_out.writerow([ref, product[0], product[1], quantity, f"{product[2] / 100:.2f}", "0.00"])
    return orders, items


def bare_load(db: Path, orders: Path, items: Path, *, same_rows: bool = False, cache_kib: int = 0) -> int:
    """The file's orders and lines by csv.reader and executemany; with `same_rows`, also every other
    row the import writes (the new customers, a payment for each Paid order, an activity entry an
    order for each file), still with nothing checked; with `cache_kib`, SQLite's page cache as large
    as the import makes its own."""
    connection = sqlite3.connect(db, isolation_level=None)
    if cache_kib:
        connection.execute(f"PRAGMA cache_size=-{cache_kib}")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("BEGIN IMMEDIATE")
    (org_id,) = connection.execute("SELECT id FROM organisations WHERE code = ?", (ORG,)).fetchone()
    (site_id,) = connection.execute("SELECT id FROM microsites WHERE org_id = ? ORDER BY is_default DESC LIMIT 1",
                                    (org_id,)).fetchone()
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    money = lambda text: int(text.replace(".", ""))  # noqa: E731
    marks = ", ".join("?" for _ in BARE_ORDER_COLUMNS)
    customers = dict(connection.execute("SELECT email, id FROM customers WHERE org_id = ?", (org_id,)))
    if same_rows:
        with open(orders, newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            new: dict[str, tuple] = {}
            for r in reader:
                if r[9] not in customers and r[9] not in new:
                    new[r[9]] = (org_id, r[9], r[10], r[11], r[10].lower(), r[11].lower(), r[12],
                                 r[12].replace(" ", ""), r[15], r[16], r[17], r[18], r[19], now)
        connection.executemany("INSERT INTO customers (org_id, email, first_name, last_name, first_name_key, "
                               "last_name_key, phone, phone_key, line1, line2, city, postcode, country, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new.values())
        customers = dict(connection.execute("SELECT email, id FROM customers WHERE org_id = ?", (org_id,)))

    paid: dict[str, tuple[int, str]] = {}

    def order_rows():
        with open(orders, newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for n, r in enumerate(reader, start=1):
                total = money(r[22])
                if r[7] == "Paid":
                    paid[r[1]] = (total, r[5])
                yield (org_id, f"BT{n:07d}", r[1], site_id, r[3], r[4], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                       r[13], r[14] or f"{r[10]} {r[11]}", r[15], r[16], r[17], r[18], r[19], money(r[20]), money(r[21]),
                       total, r[23], r[24], int(r[25]), r[5], total - money(r[20]), 0, 0, now, USER, now, USER, 1,
                       r[14] or f"{r[10]} {r[11]}", r[15], r[16], r[17], r[18], r[19],
                       f"{r[10]} {r[11]}".lower(), r[18].replace(" ", ""), "", "", "")

    connection.executemany(f"INSERT INTO orders ({', '.join(BARE_ORDER_COLUMNS)}, customer_id) VALUES ({marks}, ?)",
                           (row + (customers.get(row[9]),) for row in order_rows()))
    ids = dict(connection.execute("SELECT external_ref, id FROM orders WHERE org_id = ?", (org_id,)))
    if same_rows:
        connection.executemany(
            "INSERT INTO payments (order_id, method, status, amount, reference, comment, source, paid_at, recorded_at, "
            "recorded_by) VALUES (?, 'Card', 'Paid', ?, 'import', '', 'payment_taken', ?, ?, ?)",
            ((ids[ref], total, placed, now, USER) for ref, (total, placed) in paid.items()))
        connection.executemany("INSERT INTO activity (org_id, order_id, at, user_name, action, summary, after) "
                               "VALUES (?, ?, ?, ?, 'import', ?, ?)",
                               ((org_id, i, now, USER, f"Imported from orders.csv row {n}", f'{{"row": {n}}}')
                                for n, i in enumerate(ids.values(), start=2)))
    products = dict(connection.execute("SELECT stock_code, id FROM products WHERE org_id = ?", (org_id,)))
    line_no: dict[int, int] = {}

    def line_rows():
        with open(items, newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for r in reader:
                order_id = ids[r[0]]
                line_no[order_id] = line_no.get(order_id, 0) + 1
                quantity, price, discount = int(r[3]), money(r[4]), money(r[5])
                yield (order_id, line_no[order_id], products[r[1]], r[1], r[2], quantity, price, discount,
                       price * quantity - discount, 0)

    marks = ", ".join("?" for _ in BARE_LINE_COLUMNS)
    connection.executemany(f"INSERT INTO order_lines ({', '.join(BARE_LINE_COLUMNS)}) VALUES ({marks})", line_rows())
    if same_rows:
        connection.executemany("INSERT INTO activity (org_id, order_id, at, user_name, action, summary, after) "
                               "VALUES (?, ?, ?, ?, 'import', ?, ?)",
                               ((org_id, i, now, USER, f"Imported {n} line(s) from items.csv", f'{{"lines": {n}}}')
                                for i, n in line_no.items()))
    connection.execute("COMMIT")
    (count,) = connection.execute("SELECT COUNT(*) FROM orders").fetchone()
    connection.close()
    return int(count)


def service_load(db: Path, orders: Path, items: Path) -> int:
    from hubtui.services.context import open_context
    from hubtui.services.imports import import_file
    from hubtui.store.engine import Store

    store = Store(f"sqlite:///{db}")
    try:
        ctx = open_context(store, USER, ORG, tz=timezone.utc)
        first = import_file(ctx, "orders", orders)
        second = import_file(ctx, "items", items)
        if not (first.written and second.written):
            raise SystemExit(f"the import refused the bench files: {first.problems[:3]} {second.problems[:3]}")
        return first.created
    finally:
        store.dispose()


def child(db: str, orders: str) -> None:
    """Import `orders` into `db` in this fresh process; print the peak RSS (KiB)."""
    from hubtui.services.context import open_context
    from hubtui.services.imports import import_file
    from hubtui.store.engine import Store

    store = Store(f"sqlite:///{db}")
    report = import_file(open_context(store, USER, ORG, tz=timezone.utc), "orders", orders)
    print(report.created, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def peak_rss(template: Path, folder: Path, count: int) -> tuple[int, int]:
    sub = folder / f"rss-{count}"
    sub.mkdir()
    orders, _ = write_files(template, sub, count)
    db = sub / "rss.db"
    shutil.copy(template, db)
    done = subprocess.run([sys.executable, __file__, "--child", str(db), str(orders)], capture_output=True,
                          text=True, check=True)
    created, rss = done.stdout.split()
    return int(created), int(rss)


def main() -> None:
    from hubtui.services import imports  # noqa: F401 - imported before any round is timed
    from hubtui.store.row_writer import BULK_CACHE_KIB

    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one service load, print the top, write nothing")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        template = make_template(folder)
        orders, items = write_files(template, folder, args.orders)
        if args.profile:
            shutil.copy(template, folder / "profile.db")
            profiler = cProfile.Profile()
            profiler.runcall(service_load, folder / "profile.db", orders, items)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            return
        timing: dict[str, list[float]] = {"service": [], "bare": [], "same": [], "cached": []}
        loaders = (("service", service_load), ("bare", bare_load),
                   ("same", lambda db, o, i: bare_load(db, o, i, same_rows=True)),
                   ("cached", lambda db, o, i: bare_load(db, o, i, same_rows=True, cache_kib=BULK_CACHE_KIB)))
        for round_no in range(args.rounds):
            for how, load in loaders:
                db = folder / f"{how}-{round_no}.db"
                shutil.copy(template, db)
                started = time.perf_counter()
                loaded = load(db, orders, items)
                timing[how].append(time.perf_counter() - started)
                if loaded != args.orders:
                    raise SystemExit(f"{how} loaded {loaded:,} orders of {args.orders:,}")
                db.unlink()
        small = peak_rss(template, folder, args.orders // 10)
        large = peak_rss(template, folder, args.orders)
    service, bare, same, cached = (statistics.median(timing[k]) for k in ("service", "bare", "same", "cached"))
    rows = args.orders * (1 + LINES_PER_ORDER)
    load = os.getloadavg()[0]
    body = [
        f"`bench/bench_import.py --orders {args.orders} --rounds {args.rounds}`: {args.orders:,} orders of {ORG} "
        f"and {args.orders * LINES_PER_ORDER:,} item rows, imported into a demo database with no orders by the "
        "service (`import_file` orders then items: every value parsed and checked against the store, customers "
        "created, imported payments, an activity entry per order, one transaction per file) and by a bare "
        "csv.reader + sqlite3 executemany into the same tables, nothing checked: of the file's rows, and of the "
        "same database rows the import writes (also with the page cache the import gives itself, "
        f"{BULK_CACHE_KIB // 1024} MiB, where SQLite's default is 2 MiB). The four alternate round by round; "
        "medians. "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; load average at the end {load:.1f}.",
        "",
        "| load | rows | seconds | rows/s |",
        "|---|---:|---:|---:|",
        f"| service | {rows:,} | {service:.1f} | {rows / service:,.0f} |",
        f"| bare: the file's orders and lines | {rows:,} | {bare:.1f} | {rows / bare:,.0f} |",
        f"| bare: the same database rows as the import | {rows:,} | {same:.1f} | {rows / same:,.0f} |",
        f"| bare: the same database rows, the import's page cache | {rows:,} | {cached:.1f} | {rows / cached:,.0f} |",
        "",
        f"Throughput ratio (bare time / service time), issue 13 asks at least 0.7: against a bare load of the same "
        f"database rows the import writes (the new customers, a payment for each Paid order, an activity entry an "
        f"order for each file: what the service must write besides the file's rows) **{same / service:.2f}**; "
        f"against a bare load of the file's orders and lines alone {bare / service:.2f}; against the same rows "
        f"loaded with the import's page cache {cached / service:.2f}. "
        + "Rounds (s): " + "; ".join(f"{k} {', '.join(f'{t:.1f}' for t in v)}" for k, v in timing.items()) + ".",
        "",
        f"Memory (an orders import in a fresh process, peak RSS): {small[0]:,} orders {small[1] / 1024:.0f} MiB; "
        f"{large[0]:,} orders {large[1] / 1024:.0f} MiB.",
    ]
    replace_section(HERE / "RESULTS.md", "Import", body)
    print("\n".join(body))


if __name__ == "__main__":
    main()
