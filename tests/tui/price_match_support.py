"""Helpers for the Price Match and rules screen tests: open them by keys, wait for what they show,
and read what the store holds through the services (never the screens' own state)."""

from __future__ import annotations

from typing import Any

from hubtui.domain.price_match import PriceMatchQuery, VerdictKind
from hubtui.widgets.quick_filter_bar import QuickFilterBar

from .helpers import list_settled, start_list, wait_for


def bar_ready(screen: Any) -> bool:
    return list_settled(screen) and screen.query_one(QuickFilterBar).counts is not None


async def open_price_match(pilot: Any) -> Any:
    """The order list, then `M`: wait for the first page, its total and the verdict counts."""
    from hubtui.screens.price_match import PriceMatchScreen

    app = pilot.app
    await start_list(pilot)
    await pilot.press("M")
    await wait_for(pilot, lambda: isinstance(app.screen, PriceMatchScreen) and bar_ready(app.screen),
                   "the Price Match screen, its page and counts")
    return app.screen


async def settle(pilot: Any, screen: Any, painted: int, what: str) -> None:
    """A page painted after `painted`, the total and the counts known."""
    await wait_for(pilot, lambda: screen.pages_painted > painted and bar_ready(screen), what)


async def press_and_settle(pilot: Any, screen: Any, *keys: str) -> None:
    painted = screen.pages_painted
    await pilot.press(*keys)
    await settle(pilot, screen, painted, f"the list after {' '.join(keys)}")


def shown_codes(screen: Any) -> list[str]:
    return [row.stock_code for row in screen.price_table.rows]


def row_of(ctx: Any, stock_code: str) -> Any:
    """The product's row as the service reads it now."""
    from hubtui.services.price_match import price_match_page

    rows = [row for row in price_match_page(ctx, PriceMatchQuery(text=stock_code), limit=50).rows
            if row.stock_code == stock_code]
    assert len(rows) == 1, f"{stock_code} is not listed once"
    return rows[0]


def suggested_codes(ctx: Any, n: int) -> list[str]:
    """The first `n` products (by stock code) with a suggested price."""
    from hubtui.services.price_match import price_match_page

    rows = price_match_page(ctx, PriceMatchQuery(verdict=VerdictKind.suggested), limit=50).rows
    assert len(rows) >= n, f"the demo has fewer than {n} products with a suggestion"
    return [row.stock_code for row in rows[:n]]
