"""The channel-prices import on PostgreSQL (issue 14): the observations written in Core batches
with their moments in UTC, the board refreshed in the same transaction, a stored observation
recognised again (an aware timestamp there, naive on SQLite), all or nothing."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.services.imports import import_file
from hubtui.store.engine import Store

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
HEADER = "stock_code,channel,price,observed_at\n"


def test_channel_prices_import_on_postgres(pg_url: str, tmp_path: Path) -> None:
    store = Store(pg_url)
    try:
        load_demo(store, orders=10, seed=5, now=FIXED_NOW)
        sam = open_context(store, "sam", "BTOOLS", clock=lambda: FIXED_NOW, tz=timezone.utc)
        with store.engine.connect() as connection:
            code = connection.execute(text("SELECT stock_code FROM products p JOIN organisations g ON g.id = p.org_id "
                                           "WHERE g.code = 'BTOOLS' AND p.active ORDER BY p.id LIMIT 1")).scalar_one()
            before = connection.execute(text("SELECT COUNT(*) FROM channel_prices")).scalar_one()
        good = tmp_path / "good.csv"
        good.write_text(HEADER + f"{code},flipkart,1.11,2026-11-28T10:00:00+05:30\n{code},website,2.22,\n")
        bad = tmp_path / "bad.csv"
        bad.write_text(good.read_text() + f"{code},etsy,1.00,\n")
        refused = import_file(sam, "channel-prices", bad)
        assert (refused.written, [(p.row, p.column) for p in refused.problems]) == (False, [(4, "channel")])
        done = import_file(sam, "channel-prices", good)
        assert (done.created, done.written) == (2, True)
        with store.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT c.channel, c.price, c.observed_at, c.source, c.recorded_by FROM channel_prices c "
                "JOIN products p ON p.id = c.product_id WHERE p.stock_code = :code AND c.source = 'import' "
                "ORDER BY c.channel"), {"code": code}).all()
            board = connection.execute(text("SELECT flipkart_price FROM price_board WHERE stock_code = :code"),
                                       {"code": code}).scalar_one()
            count = connection.execute(text("SELECT COUNT(*) FROM channel_prices")).scalar_one()
        assert [tuple(r) for r in rows] == [
            ("flipkart", 111, datetime(2026, 11, 28, 4, 30, tzinfo=timezone.utc), "import", "sam"),
            ("website", 222, FIXED_NOW, "import", "sam")]
        assert (board, count) == (111, before + 2)
        again = tmp_path / "again.csv"
        again.write_text(HEADER + f"{code},flipkart,1.11,2026-11-27 23:00-00:00\n"
                         f"{code},flipkart,1.12,2026-11-28 04:30Z\n")
        report = import_file(sam, "channel-prices", again)
        assert [(p.row, p.column, p.value) for p in report.problems] == [(3, "price", "1.12")]
        assert "is recorded already at 1.11" in report.problems[0].reason and not report.written
    finally:
        store.dispose()
