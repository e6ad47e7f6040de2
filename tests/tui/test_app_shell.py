"""The app shell: which first screen, what it says, and that ctrl+q leaves.

Real SQLite files (the session's demo database copy, or a new empty one); the clock is
fixed. Waiting is on conditions the app owns (the count text appearing), never on sleeps.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from hubtui.app import HubApp
from hubtui.screens.empty import EmptyDatabaseScreen
from hubtui.screens.orders import OrdersScreen
from hubtui.widgets.status_line import StatusLine
from hubtui.services.context import open_context
from hubtui.services.order_reads import count_orders
from hubtui.store.engine import Store

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
SIZE = (100, 30)
WAIT_LIMIT_S = 5.0


def screen_text(app: App[None]) -> str:
    """What the current screen's Static widgets show, as plain text."""
    widgets = list(app.screen.query(Static)) + list(app.screen.query(StatusLine))
    return "\n".join(str(widget.render()) for widget in widgets)


async def wait_for(pilot: Pilot[None], predicate: Callable[[], bool], what: str) -> None:
    """Let the app run until `predicate()` holds; fail with `what` after WAIT_LIMIT_S."""
    clock = asyncio.get_running_loop().time
    deadline = clock() + WAIT_LIMIT_S
    while not predicate():
        if clock() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{screen_text(pilot.app)}")
        await pilot.pause(0.01)


def orders_in(store: Store, org_code: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(
            text("SELECT COUNT(*) FROM orders o JOIN organisations g ON g.id = o.org_id WHERE g.code = :code"),
            {"code": org_code},
        ).scalar_one()


async def quit_with_ctrl_q(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+q")
    await wait_for(pilot, lambda: not pilot.app.is_running, "the app to exit after ctrl+q")


async def test_empty_database_says_how_to_load_demo_data(empty_store):
    app = HubApp(store=empty_store, context=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert type(app.screen) is EmptyDatabaseScreen
        shown = screen_text(app)
        assert "no organisations" in shown
        assert "hubtui demo" in shown
        assert "[b]" not in shown  # markup is rendered, not shown
        await quit_with_ctrl_q(pilot)
    assert app.return_code == 0


async def test_order_list_shows_the_organisation_and_its_order_count(demo_store):
    ctx = open_context(demo_store, "alice", clock=lambda: FIXED_NOW, tz=timezone.utc)
    expected = count_orders(ctx)
    # The 2,000 demo orders are split between the two organisations; alice works in BTOOLS.
    assert expected == orders_in(demo_store, "BTOOLS")
    assert 0 < expected < 2000
    assert expected + orders_in(demo_store, "BFIX") == 2000

    app = HubApp(store=demo_store, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        assert type(app.screen) is OrdersScreen
        assert app.screen.title == "BTOOLS"
        await wait_for(pilot, lambda: f"of {expected:,}" in screen_text(app), f"'of {expected:,}'")
        assert f"1–50 of {expected:,}" in str(app.screen.query_one(StatusLine).render())
        assert "alice" in app.screen.sub_title
        await wait_for(pilot, lambda: app.screen.query_one(StatusLine).busy is False, "the spinner to stop")
        await quit_with_ctrl_q(pilot)
    assert app.return_code == 0


async def test_order_list_counts_only_the_chosen_organisation(demo_store):
    ctx = open_context(demo_store, "sam", "BFIX", clock=lambda: FIXED_NOW, tz=timezone.utc)
    expected = orders_in(demo_store, "BFIX")
    other = orders_in(demo_store, "BTOOLS")
    assert expected != other

    app = HubApp(store=demo_store, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        assert type(app.screen) is OrdersScreen
        # The page can come before its count ("1–50 of …"), and the widget before its paint:
        # wait for a painted count.
        await wait_for(pilot, lambda: re.search(r"of [0-9][0-9,]*", screen_text(app)) is not None,
                       "a painted order count")
        shown = screen_text(app)
        assert app.screen.title == "BFIX"
        assert f"of {expected:,}" in shown
        assert f"of {other:,}" not in shown
        assert "sam" in app.screen.sub_title
        await quit_with_ctrl_q(pilot)


async def test_fast_start_shows_the_prefetched_page_then_connects(demo_db):
    """The CLI's fast start: the first page comes from hubtui.startup, the store comes later."""
    from hubtui.config import Settings
    from hubtui.domain.order_query import OrderQuery
    from hubtui.domain.orders import QuickFilter
    from hubtui.services.order_reads import list_orders
    from hubtui.startup import read
    from hubtui.widgets.orders_table import OrdersTable

    settings = Settings(database_url=f"sqlite:///{demo_db}", user="alice", timezone="UTC")
    prefetch = read(settings)
    assert prefetch.error is None and prefetch.page is not None
    app = HubApp(store=None, context=None, settings=settings, prefetch=prefetch)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(OrdersTable)
        await wait_for(pilot, lambda: table.row_count > 0, "the prefetched page")
        assert [r.number for r in table.rows] == [r.number for r in prefetch.page.rows]
        assert app.focused is table
        await wait_for(pilot, lambda: app.context is not None, "the app's own store")
        await pilot.press("5")
        expected = list_orders(app.context, OrderQuery(quick_filter=QuickFilter.UNPAID))
        await wait_for(pilot, lambda: [r.number for r in table.rows] == [r.number for r in expected.rows],
                       "the unpaid orders")
        await quit_with_ctrl_q(pilot)


async def test_fast_start_takes_the_answer_of_the_start_up_process(demo_db):
    """As the CLI runs it: Textual starts while a forked process reads the first page."""
    from hubtui import startup
    from hubtui.config import Settings
    from hubtui.widgets.orders_table import OrdersTable

    settings = Settings(database_url=f"sqlite:///{demo_db}", user="sam", timezone="UTC")
    expected = startup.read(settings)
    app = HubApp(store=None, context=None, settings=settings, pending=startup.start(settings))
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(OrdersTable)
        await wait_for(pilot, lambda: table.row_count > 0, "the page read by the start-up process")
        assert [r.number for r in table.rows] == [r.number for r in expected.page.rows]
        assert app.screen.title == "BTOOLS"
        await wait_for(pilot, lambda: app.context is not None, "the app's own store")
        assert app.context.operator.user_name == "sam"
        await quit_with_ctrl_q(pilot)


async def test_fast_start_with_an_unknown_operator_closes_with_the_reason(demo_db):
    from hubtui import startup
    from hubtui.config import Settings

    settings = Settings(database_url=f"sqlite:///{demo_db}", user="nobody", timezone="UTC")
    app = HubApp(store=None, context=None, settings=settings, pending=startup.start(settings))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: not app.is_running, "the app to close")
    assert app.return_code == 1
    assert "Unknown user 'nobody'" in app.startup_error
