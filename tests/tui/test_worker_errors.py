"""A worker that fails says so in one line and the app stays up, on every screen that reads.

Each case makes a service the screen's worker calls raise (as a lost connection or a damaged
file would), drives the screen to that read with real keys, and checks the app is still
running, the operator was told what could not be done, and the screen still answers keys.
"""

from __future__ import annotations

from typing import Any

import pytest

from hubtui.screens.order_detail import OrderDetailScreen
from hubtui.screens.orders import OrdersScreen
from hubtui.screens.search_dialog import AdvancedSearchDialog

from .helpers import (
    SIZE, error_notifications, jump_to, list_settled, start_list, static_text, status_line, wait_for,
)

BROKEN = "the connection to the server was lost"


def broken(*_args: Any, **_kwargs: Any) -> Any:
    raise ConnectionError(BROKEN)


def told(app: Any, words: str) -> bool:
    return any(words in message for message in error_notifications(app))


def titled(app: Any, title: str) -> bool:
    return any(n.title == title for n in app._notifications if n.severity == "error")  # noqa: SLF001


async def test_the_list_says_it_could_not_read_and_reads_again_on_r(make_app, monkeypatch) -> None:
    import hubtui.services.order_reads as reads

    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        shown = list(screen.table.keys())
        working = {name: getattr(reads, name) for name in ("list_orders", "count_orders", "quick_filter_counts")}
        for name in working:
            monkeypatch.setattr(reads, name, broken)
        await pilot.press("r")
        await wait_for(pilot, lambda: told(app, BROKEN) and titled(app, "Could not read the orders"),
                       "the failed read told")
        assert app.is_running and isinstance(app.screen, OrdersScreen)
        assert any("press r to retry" in m for m in error_notifications(app))
        assert not status_line(screen).busy and screen.table.keys() == shown, "the list stays as it was"
        for name, function in working.items():
            monkeypatch.setattr(reads, name, function)
        painted = screen.pages_painted
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.pages_painted > painted and list_settled(screen), "the list read again")
        assert screen.table.keys() == shown


async def test_the_microsites_read_failing_leaves_the_list_usable(make_app, monkeypatch) -> None:
    import hubtui.services.reference as reference

    monkeypatch.setattr(reference, "microsites", broken)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        await wait_for(pilot, lambda: titled(app, "Could not read the microsites"), "the failed read told")
        before = screen.table.cursor_row
        await pilot.press("j")
        await wait_for(pilot, lambda: screen.table.cursor_row == before + 1, "the list still moving")
        assert app.is_running


async def test_an_order_that_cannot_be_read_again_stays_on_screen(make_app, alice, monkeypatch) -> None:
    import hubtui.services.order_reads as reads
    from hubtui.services.order_reads import list_orders

    number = list_orders(alice).rows[0].number
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        detail = await jump_to(pilot, number, number)
        monkeypatch.setattr(reads, "get_order", broken)
        await pilot.press("r")
        await wait_for(pilot, lambda: told(app, BROKEN), "the failed read told")
        assert app.is_running and app.screen is detail and isinstance(detail, OrderDetailScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, OrdersScreen), "back to the list")


async def test_opening_an_order_that_cannot_be_read_says_so(make_app, alice, monkeypatch) -> None:
    import hubtui.services.order_reads as reads
    from hubtui.services.order_reads import list_orders

    number = list_orders(alice).rows[0].number
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        monkeypatch.setattr(reads, "get_order", broken)
        await pilot.press("enter")
        await wait_for(pilot, lambda: told(app, BROKEN), f"the failed read of {number} told")
        assert app.is_running and isinstance(app.screen, OrdersScreen)


@pytest.mark.parametrize("service", ["channels", "microsites"])
async def test_the_search_dialog_without_its_choices_still_searches(make_app, monkeypatch, service: str) -> None:
    import hubtui.services.reference as reference

    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        monkeypatch.setattr(reference, service, broken)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, AdvancedSearchDialog), "the search dialog")
        await wait_for(pilot, lambda: titled(app, "Could not read the channels and microsites"), "the failure told")
        assert app.is_running
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, OrdersScreen), "the dialog closed")


async def test_the_wizard_says_its_customer_search_failed_and_stays_open(make_app, monkeypatch) -> None:
    import hubtui.services.catalogue as catalogue
    from hubtui.screens.new_order import NewOrderScreen

    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        monkeypatch.setattr(catalogue, "search_customers", broken)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewOrderScreen) and app.focused is not None, "the wizard")
        await pilot.press(*"smith")
        wizard = app.screen
        await wait_for(pilot, lambda: BROKEN in static_text(wizard.query_one("#customer-error")), "the failed search told")
        assert app.is_running and app.screen is wizard


async def test_paying_from_the_list_an_order_that_cannot_be_read_says_so(make_app, monkeypatch) -> None:
    import hubtui.services.order_reads as reads

    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        number = screen.table.highlighted_key()
        monkeypatch.setattr(reads, "get_order", broken)
        await pilot.press("p")
        await wait_for(pilot, lambda: titled(app, f"Could not read {number} for its payment") and told(app, BROKEN),
                       "the failed read told")
        assert app.is_running and app.screen is screen
