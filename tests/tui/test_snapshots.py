"""Snapshots of the main screens (pytest-textual-snapshot, synchronous tests: snap_compare runs its own loop).

The data is fixed (the demo built at FIXED_NOW with a fixed seed, the clock fixed, UTC), the Header
has no clock, and every snapshot waits for the screen to have loaded before it is taken.
Update after a deliberate change with `pytest tests/tui/test_snapshots.py --snapshot-update` and
look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest

from hubtui.domain.order_query import OrderQuery
from hubtui.screens.help import HelpScreen
from hubtui.services.order_reads import list_orders
from hubtui.widgets.quick_filter_bar import QuickFilterBar

from .helpers import SIZE, SMALL, jump_to, short, start_list, wait_for


async def list_loaded(pilot) -> None:
    screen = await start_list(pilot)
    bar = screen.query_one(QuickFilterBar)
    await wait_for(pilot, lambda: bar.counts is not None, "the quick-filter counts")


def phone_order(ctx) -> str:
    """The newest phone order: its details show the 'Phone Order' label, lines and a payment."""
    return next(row.number for row in list_orders(ctx, OrderQuery()).rows if row.channel == "telephone")


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_order_list(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=list_loaded)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_order_details(snap_compare, make_app, alice, size):
    number = phone_order(alice)

    async def details_loaded(pilot) -> None:
        await list_loaded(pilot)
        await jump_to(pilot, short(number), number)

    assert snap_compare(make_app(), terminal_size=size, run_before=details_loaded)


def test_help_on_the_order_list(snap_compare, make_app):
    async def help_open(pilot) -> None:
        await list_loaded(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help screen")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=help_open)


async def test_advanced_search_dialog(snapshot, make_app):
    """An async test comparing export_screenshot() (snap_compare swallows the app's crash, so an xfail could not
    tell the bug from a changed picture)."""
    from pytest_textual_snapshot import SVGImageExtension

    from hubtui.screens.search_dialog import AdvancedSearchDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await list_loaded(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, AdvancedSearchDialog), "the search dialog")
        dialog = app.screen
        # The channel and microsite choices are read by a worker; wait for them.
        await wait_for(pilot, lambda: len(getattr(dialog.query_one("#search-microsite"), "_options", ())) > 1,
                       "the microsites")
        await pilot.wait_for_scheduled_animations()
        svg = app.export_screenshot(title=app.title)
    assert snapshot.use_extension(SVGImageExtension) == svg
