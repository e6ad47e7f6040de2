"""A 30,000-order database (600 pages): the list pages through it holding at most two pages of rows.

The bound does not depend on the size; bench/bench_tui.py pages a million-order database."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest

from hubtui.app import HubApp
from hubtui.domain.order_query import OrderQuery
from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.services.order_reads import count_orders, list_orders
from hubtui.store.engine import Store

from .helpers import FIXED_NOW, SIZE, assert_list_shows, go_to_row, list_status, orders_table, press_and_wait, start_list

BIG_ORDERS = 30_000
BIG_SEED = 11


@pytest.fixture(scope="session")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per run (about 3 s): the tests only read it."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    store = Store(f"sqlite:///{path}")
    load_demo(store, orders=BIG_ORDERS, seed=BIG_SEED, now=FIXED_NOW)
    store.dispose()
    return path


@pytest.fixture
def big_store(big_db: Path) -> Store:
    store = Store(f"sqlite:///{big_db}")
    yield store
    store.dispose()


async def test_paging_through_30k_orders_keeps_at_most_two_pages(big_store):
    ctx = open_context(big_store, "alice", clock=lambda: FIXED_NOW, tz=timezone.utc)
    query = OrderQuery()
    total = count_orders(ctx, query)
    assert total > 15_000
    app = HubApp(store=big_store, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        table = orders_table(screen)
        page = list_orders(ctx, query)
        assert_list_shows(screen, page, total)

        for n in range(1, 5):
            if n % 2:
                await press_and_wait(pilot, screen, "right_square_bracket", what=f"page {n + 1} after ]")
            else:
                await go_to_row(pilot, screen, last=True)
                assert table.cursor_row == table.row_count - 1
                await press_and_wait(pilot, screen, "j", what=f"page {n + 1} after j on the last row")
            page = list_orders(ctx, query, after=page.last)
            assert_list_shows(screen, page, total, rows_before=50 * n)
            assert table.row_count <= 100
        assert f"201–250 of {total:,}" in list_status(screen)

        await press_and_wait(pilot, screen, "G", what="the last page after G")
        last = list_orders(ctx, query, from_end=True)
        assert_list_shows(screen, last, total, rows_before=total - len(last.rows))
        assert f"{total - len(last.rows) + 1:,}–{total:,} of {total:,}" in list_status(screen)

        await press_and_wait(pilot, screen, "left_square_bracket", what="the page before the last after [")
        before_last = list_orders(ctx, query, before=last.first)
        assert_list_shows(screen, before_last, total, rows_before=total - len(last.rows) - len(before_last.rows))

        await press_and_wait(pilot, screen, "g", what="the first page after g")
        assert_list_shows(screen, list_orders(ctx, query), total)
        assert table.row_count <= 100
        assert app.focused is table
