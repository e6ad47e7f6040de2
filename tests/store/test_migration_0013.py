"""Revision 0013 on a database made by 0012: channel prices keep their values as the first
observations of a history (a second one for the same channel can now be stored), rules are
numbered by id within their organisation, and the price board is filled with a row per active
product; a downgrade keeps the latest price per product and channel."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from hubtui.store import schema
from hubtui.store.engine import Store


def _rows(path: Path, query: str) -> list[tuple]:  # type: ignore[type-arg]
    with closing(sqlite3.connect(path)) as con:
        return con.execute(query).fetchall()


def _at_0012(path: Path) -> Store:
    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as connection:
        command.upgrade(schema._config(connection), "0012")
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.executescript("""
            BEGIN;
            INSERT INTO organisations (id, code, name) VALUES (1, 'A', 'A Ltd'), (2, 'B', 'B Ltd');
            INSERT INTO microsites (org_id, code, name, currency, is_default) VALUES (1, 'a', 'A', 'GBP', 1);
            INSERT INTO products (id, org_id, stock_code, name, name_key, brand, category, price, cost, active)
            VALUES (1, 1, 'A-1', 'Drill One', 'drill one', 'Bosch', 'Drills', 10000, 5000, 1),
                   (2, 1, 'A-2', 'Saw Two', 'saw two', 'Makita', 'Saws', 5000, 1000, 1),
                   (3, 1, 'A-3', 'Gone', 'gone', 'Bosch', 'Saws', 5000, 1000, 0),
                   (4, 2, 'B-1', 'Other', 'other', 'Bosch', 'Saws', 680, 100, 1);
            INSERT INTO channel_prices (product_id, channel, price, updated_at)
            VALUES (1, 'amazon', 9000, '2026-11-01 10:00:00.000000'),
                   (1, 'ebay', 9500, '2026-11-02 10:00:00.000000'),
                   (1, 'website', 10000, '2026-11-02 10:00:00.000000'),
                   (4, 'app', 650, '2026-11-03 10:00:00.000000');
            INSERT INTO price_match_rules (id, org_id, name, scope, scope_value, channels, tolerance_kind,
                                           tolerance_value, min_margin_bp, action, active)
            VALUES (5, 1, 'Drills', 'category', 'Drills', 'amazon,ebay', 'amount', 0, 1000, 'match-lowest', 1),
                   (6, 2, 'All', 'all', '', 'app', 'percent', 500, 0, 'flag', 1),
                   (7, 1, 'All of A', 'all', '', 'amazon', 'percent', 500, 0, 'flag', 1);
            COMMIT;
        """)
    return store


def test_upgrade_to_0013_keeps_prices_numbers_rules_and_fills_the_board(tmp_path: Path) -> None:
    path = tmp_path / "0012.db"
    store = _at_0012(path)

    assert schema.upgrade(store.engine) == schema.HEAD_REVISION
    assert _rows(path, "SELECT product_id, channel, price, observed_at, source, recorded_by FROM channel_prices "
                       "ORDER BY id") == [
        (1, "amazon", 9000, "2026-11-01 10:00:00.000000", "entered", ""),
        (1, "ebay", 9500, "2026-11-02 10:00:00.000000", "entered", ""),
        (1, "website", 10000, "2026-11-02 10:00:00.000000", "entered", ""),
        (4, "app", 650, "2026-11-03 10:00:00.000000", "entered", ""),
    ]
    assert _rows(path, "SELECT id, priority FROM price_match_rules ORDER BY id") == [(5, 10), (6, 10), (7, 20)]
    assert _rows(path, "SELECT COUNT(*) FROM price_match_rules WHERE updated_at IS NULL") == [(0,)]
    # The inactive product has no row; a product without prices is there with no rule.
    assert _rows(path, "SELECT product_id, org_id, amazon_price, ebay_price, lowest, spread, verdict, rule_id, "
                       "suggested_price, reason FROM price_board ORDER BY product_id") == [
        (1, 1, 9000, 9500, 9000, 1000, "suggested", 5, 9000, "£10.00 above amazon (tolerance 0.00): match amazon"),
        (2, 1, None, None, None, None, "no_rule", None, None, "no active rule compares a channel with a price for it"),
        (4, 2, None, None, 650, 30, "parity", 6, None, "within 5% of app (6.50)"),
    ]
    # History: a second observation of the same product and channel is now allowed.
    with closing(sqlite3.connect(path)) as con:
        con.execute("INSERT INTO channel_prices (product_id, channel, price, observed_at) "
                    "VALUES (1, 'amazon', 8000, '2026-11-20 10:00:00.000000')")
        con.commit()

    with store.engine.begin() as connection:
        command.downgrade(schema._config(connection), "0012")
    assert _rows(path, "SELECT product_id, channel, price FROM channel_prices ORDER BY product_id, channel") == [
        (1, "amazon", 8000), (1, "ebay", 9500), (1, "website", 10000), (4, "app", 650)]
    assert "price_board" not in {n for (n,) in _rows(path, "SELECT name FROM sqlite_master")}
    store.dispose()
