"""Price match at scale (issue 14): evaluating every rule for 50,000 products with six channel
prices each, and the first page of the Price Match screen on that data.

    .venv/bin/python bench/bench_price_match.py [--products 50000] [--db bench/bench-pm.db] [--rebuild]

Builds the database when it is missing: the demo's organisations, users and rules (no orders),
then the products of BTOOLS made up to --products, each with a price on each of the six
price-match channels (observed over the last 30 days), written with the driver's executemany
in one transaction (store/row_writer), then the board evaluated once. Times, through the
services: the whole board evaluated again (refresh_board for every product, one transaction),
the screen's first page under its filters and sort, the next page, the counts by verdict, and a
rule change followed by the first page. Medians after a warm-up. Writes the "Price match"
section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import sys
import time
from datetime import timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from results import median_ms, replace_section  # noqa: E402

from hubtui.domain.price_match import PRICE_MATCH_CHANNELS, PriceMatchQuery, VerdictKind  # noqa: E402
from hubtui.services.context import Context, open_context  # noqa: E402
from hubtui.services.demo import BRANDS, CATEGORIES, load_demo  # noqa: E402
from hubtui.services.import_channel_prices import PRICE_INSERT  # noqa: E402
from hubtui.services.price_match import price_match_counts, price_match_page, refresh_board  # noqa: E402
from hubtui.store.engine import Store  # noqa: E402
from hubtui.store.row_writer import insert_rows, reserve_ids  # noqa: E402
from hubtui.store.tables import Product  # noqa: E402

PRODUCT_INSERT = ("id", "org_id", "stock_code", "name", "name_key", "brand", "category", "price", "cost", "active")
BOARD_REPEAT = 5  # a whole evaluation takes seconds: fewer runs than the reads


def _product_ids(ctx: Context) -> list[int]:
    with ctx.store.read() as session:
        return list(session.scalars(Product.__table__.select().with_only_columns(Product.id).where(
            Product.org_id == ctx.operator.org_id).order_by(Product.id)))


def build(db: Path, products: int) -> float:
    """The database: the demo without orders, BTOOLS's products made up to `products`, six prices each."""
    started = time.perf_counter()
    store = Store(f"sqlite:///{db}")
    load_demo(store, orders=0, seed=1, login_name="bench")
    ctx = open_context(store, "bench", tz=timezone.utc)
    rng = random.Random(1)
    now = ctx.now()
    with store.write() as session:
        have = len(_product_ids(ctx))
        ids = reserve_ids(session, "products", max(products - have, 0))
        rows, prices = [], []
        for n, pid in enumerate(ids):
            category, item, low, high = CATEGORIES[n % len(CATEGORIES)]
            brand = BRANDS[(n * 7) % len(BRANDS)]
            price = rng.randrange(low, high) // 100 * 100 + 99
            name = f"{brand} {item} PM{n:06d}"
            rows.append((pid, ctx.operator.org_id, f"PM-{category[:3].upper()}-{n:06d}", name, name.lower(), brand,
                         category, price, price * 6 // 10, True))
            for channel in PRICE_MATCH_CHANNELS:
                seen = now - timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
                prices.append((pid, channel, max(1, price + rng.randrange(-15, 15) * price // 100), seen, "import",
                               "bench"))
        insert_rows(session, "products", PRODUCT_INSERT, rows)
        insert_rows(session, "channel_prices", PRICE_INSERT, prices)
    with store.write() as session:
        refresh_board(session, ctx, _product_ids(ctx))
    store.dispose()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--db", type=Path, default=HERE / "bench-pm.db")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if args.rebuild and args.db.exists():
        args.db.unlink()
    built = build(args.db, args.products) if not args.db.exists() else None
    store = Store(f"sqlite:///{args.db}")
    ctx = open_context(store, "bench", tz=timezone.utc)
    ids = _product_ids(ctx)
    with sqlite3.connect(args.db) as con:
        prices = con.execute("SELECT COUNT(*) FROM channel_prices").fetchone()[0]
    figures: list[tuple[str, float, str]] = []

    def evaluate_all() -> None:
        with store.write() as session:
            refresh_board(session, ctx, ids)

    figures.append((f"evaluate every rule for all {len(ids):,} products (refresh_board, one transaction)",
                    median_ms(evaluate_all, BOARD_REPEAT), f"median of {BOARD_REPEAT}"))
    with sqlite3.connect(args.db) as con:  # a product the bench made, to filter and search by
        code, brand, category = con.execute("SELECT stock_code, brand, category FROM products "
                                            "WHERE stock_code LIKE 'PM-%' ORDER BY id LIMIT 1 OFFSET 123").fetchone()
    queries = {
        "all, by stock code": PriceMatchQuery(),
        "all, by spread": PriceMatchQuery(sort="spread"),
        "suggested": PriceMatchQuery(verdict=VerdictKind.suggested),
        "flagged, by spread": PriceMatchQuery(verdict=VerdictKind.flagged, sort="spread"),
        f"brand {brand}, category {category}": PriceMatchQuery(brand=brand, category=category),
        "has a myntra price": PriceMatchQuery(channel="myntra"),
        "search 'drill'": PriceMatchQuery(text="drill"),
        f"search '{code}'": PriceMatchQuery(text=code),
    }
    for words, query in queries.items():
        page = price_match_page(ctx, query)
        figures.append((f"first page (50): {words}", median_ms(lambda: price_match_page(ctx, query)),
                        f"{len(page.rows)} rows"))
        if page.has_after:
            figures.append((f"next page: {words}", median_ms(lambda: price_match_page(ctx, query, page.last)), ""))
        figures.append((f"counts by verdict: {words}", median_ms(lambda: price_match_counts(ctx, query)), ""))
    figures.extend(_rule_change(ctx))
    store.dispose()
    figures.extend(_import(args.db))
    load = os.getloadavg()[0]
    body = [
        f"`bench/bench_price_match.py --products {args.products:,}`: {len(ids):,} products of BTOOLS with "
        f"{prices:,} channel prices (six channels each, and the demo's own), the demo's rules; "
        + (f"built in {built:.1f} s (bulk inserts and one evaluation); " if built is not None else "")
        + f"through the services. Medians of 15 after a warm-up unless said. Machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; load "
        f"average at the end {load:.1f} (other work on the cores slows every figure alike).",
        "",
        "| operation | ms | note |",
        "|---|---:|---|",
        *(f"| {words} | {ms:.2f} | {note} |" for words, ms, note in figures),
        "",
        "How the page does not wait for the evaluation: each product's verdict is kept in `price_board` (a row a "
        "product: its latest price per channel, spread, verdict, suggestion), refreshed in the transaction that "
        "changes a price, a product or a rule (`services.price_match.refresh_board`; an import refreshes the "
        "products it gave prices to, a rule change every product). The screen's page and counts read only that "
        "table, keyset-paged, so a first page costs the same whether an evaluation ran just before or not, and "
        "while a rule change re-evaluates (the two \"rule changed\" rows) other operators go on reading the board "
        "as it was until that transaction commits.",
    ]
    replace_section(args.results, "Price match", body)
    print("\n".join(body))


def _rule_change(ctx: Context) -> list[tuple[str, float, str]]:
    """A rule's tolerance changed (and changed back), then the first page: what an operator waits for."""
    from dataclasses import fields, replace

    from hubtui.domain.price_match import RuleDraft
    from hubtui.services.price_rules import edit_rule, list_rules

    views = list_rules(ctx)
    if not views:
        return []
    rule = views[0].rule
    draft = RuleDraft(**{f.name: getattr(rule, f.name) for f in fields(RuleDraft)})
    turns = iter(range(10**6))

    def change() -> None:
        step = next(turns) % 2
        edit_rule(ctx, rule.id, replace(draft, tolerance_value=draft.tolerance_value + step))

    def change_and_page() -> None:
        change()
        price_match_page(ctx, PriceMatchQuery())

    result = [("a rule's tolerance changed (edit_rule)", median_ms(change, BOARD_REPEAT), f"median of {BOARD_REPEAT}"),
              ("a rule changed, then the first page", median_ms(change_and_page, BOARD_REPEAT),
               f"median of {BOARD_REPEAT}")]
    edit_rule(ctx, rule.id, draft)
    return result


def _import(db: Path) -> list[tuple[str, float, str]]:
    """A file of a new price on each of the six channels for every product of BTOOLS, checked
    (dry run) and imported (import_file, one transaction, the board refreshed in it), once each on
    a copy of the database: a file imported is kept, so a second run would time another import."""
    import csv
    import shutil
    import tempfile

    from hubtui.services.imports import import_file

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.db"
        shutil.copyfile(db, copy)
        store = Store(f"sqlite:///{copy}")
        ctx = open_context(store, "bench", tz=timezone.utc)
        rng = random.Random(2)
        with sqlite3.connect(copy) as con:
            products = con.execute("SELECT stock_code, price FROM products WHERE org_id = ?",
                                   (ctx.operator.org_id,)).fetchall()
        path = Path(folder) / "channel-prices.csv"
        with path.open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["stock_code", "channel", "price"])
            for code, price in products:
                for channel in PRICE_MATCH_CHANNELS:
                    new = max(1, price + rng.randrange(-15, 15) * price // 100)
                    out.writerow([code, channel, f"{new // 100}.{new % 100:02d}"])
        rows = len(products) * len(PRICE_MATCH_CHANNELS)
        result = []
        for words, dry_run in (("checked, nothing written (--dry-run)", True), ("imported", False)):
            started = time.perf_counter()
            report = import_file(ctx, "channel-prices", path, dry_run=dry_run)
            ms = (time.perf_counter() - started) * 1000
            assert report.created == rows and not report.problems, report
            result.append((f"import channel-prices: {rows:,} rows ({len(products):,} products x 6), {words}", ms,
                           f"once; {rows / ms * 1000:,.0f} rows/s"))
        store.dispose()
    return result


if __name__ == "__main__":
    main()
