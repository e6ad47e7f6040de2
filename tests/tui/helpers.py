"""Helpers for the Pilot tests: bounded waits on conditions the app owns, and what the screen shows.

Nothing here sleeps for a fixed time: every wait polls a predicate and fails, saying what it
waited for and what the screen showed, after WAIT_LIMIT_S.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)  # the clock tests/conftest.py builds the demo at
SIZE = (100, 30)
SMALL = (80, 24)  # the smallest terminal hubtui supports
WAIT_LIMIT_S = 5.0


def static_text(widget: Widget, width: int = 200) -> str:
    """The plain text of a Static's content (a str, rich Text or a rich Table), rendered `width` wide."""
    content = widget.content if isinstance(widget, Static) else widget.render()
    if isinstance(content, str):
        return content
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(content)
    return capture.get()


def visible_text(app: App[Any]) -> str:
    """The characters of the terminal as the current screen paints it (what the operator sees)."""
    strips = app.screen._compositor.render_strips()  # noqa: SLF001 — the only way to read the painted cells
    return "\n".join(strip.text for strip in strips)


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], bool], what: str,
                   limit: float = WAIT_LIMIT_S) -> None:
    """Let the app run until `predicate()` holds; fail with `what` after `limit` seconds."""
    clock = asyncio.get_running_loop().time
    deadline = clock() + limit
    while not predicate():
        if not pilot.app.is_running:
            raise AssertionError(f"the app stopped while waiting for {what}")
        if clock() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{visible_text(pilot.app)}")
        await pilot.pause(0.01)
    # A screen opened by a key the app held (hubtui.widgets.key_delivery) can appear between two polls,
    # before its widgets are mounted: what the test does next needs them.
    while pilot.app.is_running and not pilot.app.screen.is_mounted and clock() < deadline:
        await pilot.pause(0.01)


def region_text(app: App[Any], widget: Widget) -> str:
    """The characters painted inside `widget`'s region of the terminal."""
    region = widget.region
    lines = visible_text(app).splitlines()[region.y:region.y + region.height]
    return "\n".join(line[region.x:region.x + region.width] for line in lines)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type `text` one real key press at a time."""
    for char in text:
        await pilot.press(char)


def notifications(app: App[Any]) -> list[Any]:
    """The notifications the app is showing (Textual keeps them in App._notifications)."""
    return list(app._notifications)  # noqa: SLF001


def error_notifications(app: App[Any]) -> list[str]:
    return [n.message for n in notifications(app) if n.severity == "error"]


# ---------------------------------------------------------------------- the order list

def orders_table(screen: Any) -> Any:
    from hubtui.widgets.orders_table import OrdersTable

    return screen.query_one(OrdersTable)


def table_numbers(screen: Any) -> list[str]:
    """The order numbers the list's table holds, top to bottom."""
    return list(orders_table(screen).order_numbers())


def status_line(screen: Any) -> Any:
    from hubtui.widgets.status_line import StatusLine

    return screen.query_one("#list-status", StatusLine)


def list_status(screen: Any) -> str:
    return status_line(screen).text


def list_settled(screen: Any) -> bool:
    """The screen has a page for its current query, knows the total, and its spinner is off."""
    return screen.page is not None and screen.total is not None and not status_line(screen).busy


async def wait_for_list(pilot: Pilot[Any], screen: Any, painted_since: int, what: str) -> None:
    """Wait until the list has painted a page after `painted_since` pages (OrdersScreen.pages_painted)
    and is settled."""
    await wait_for(pilot, lambda: screen.pages_painted > painted_since and list_settled(screen), what)


async def press_and_wait(pilot: Pilot[Any], screen: Any, *keys: str, what: str | None = None) -> None:
    """Press `keys`, then wait for the list to paint a new page and settle."""
    painted = screen.pages_painted
    await pilot.press(*keys)
    await wait_for_list(pilot, screen, painted, what or f"a new page after pressing {' '.join(keys)}")


async def start_list(pilot: Pilot[Any]) -> Any:
    """Wait for the order list's first page and total; return the OrdersScreen."""
    from hubtui.screens.orders import OrdersScreen

    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, OrdersScreen), "the order list screen")
    screen = app.screen
    await wait_for_list(pilot, screen, 0, "the first page of orders and the total")
    return screen


async def go_to_row(pilot: Pilot[Any], screen: Any, last: bool) -> None:
    """end / home: the last or first row of the page."""
    table = orders_table(screen)
    await pilot.press("end" if last else "home")
    assert table.cursor_row == (table.row_count - 1 if last else 0)


def shown_order_lines(app: App[Any]) -> list[str]:
    """The table's lines on the terminal that show an order (they start with its number)."""
    return [line.strip() for line in visible_text(app).splitlines() if line.strip()[:2] == "BT"
            and line.strip()[2:9].isdigit()]


def assert_list_shows(screen: Any, page: Any, total: int, rows_before: int = 0) -> None:
    """The table holds exactly `page` (the service's answer), paints it, and the status line counts it."""
    from hubtui.domain.money import format_money

    table = orders_table(screen)
    expected = [row.number for row in page.rows]
    assert table_numbers(screen) == expected
    assert table.row_count <= 100, "the table holds more than two pages of rows"
    lines = shown_order_lines(screen.app)
    if page.rows:
        assert lines, "no order is painted"
        numbers = [line[:9] for line in lines]
        start = expected.index(numbers[0])
        assert numbers == expected[start:start + len(numbers)], "the painted rows are not the page, in order"
        for line, row in zip(lines, page.rows[start:]):
            # Columns may cut a long value short with "…": compare what fits.
            assert row.status[:15] in line and row.payment_status[:9] in line, line
            assert format_money(row.order_total, row.currency, grouping=True) in line, line
    else:
        assert lines == []
    status = list_status(screen)
    if page.rows:
        assert f"{rows_before + 1:,}–{rows_before + len(page.rows):,} of {total:,}" in status, status
    else:
        assert "No orders match" in status, status


def active_quick_labels(bar: Any) -> list[str]:
    """The parts of the quick-filter bar drawn as the active one (reverse bold)."""
    text = bar.content
    return [text.plain[span.start:span.end] for span in text.spans if str(span.style) == "reverse bold"]


# ---------------------------------------------------------------------- order details

def short(number: str) -> str:
    """How an operator types BT0000030 in a hurry: 30."""
    return str(int(number[2:]))


async def jump_to(pilot: Pilot[Any], typed: str, number: str) -> Any:
    """':' then the typed number and enter; wait for the details of `number`; return the OrderDetailScreen."""
    from hubtui.screens.dialogs import JumpDialog
    from hubtui.screens.order_detail import OrderDetailScreen

    app = pilot.app
    await pilot.press("colon")
    await wait_for(pilot, lambda: isinstance(app.screen, JumpDialog), "the jump dialog")
    assert app.focused is app.screen.query_one("#jump-number")
    await type_text(pilot, typed)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen) and app.screen.number == number
                   and app.screen.detail is not None, f"the details of {number}")
    screen = app.screen
    assert app.focused is screen.query_one("#detail-body"), "details start with the scrolling body focused"
    return screen


async def back_to_list(pilot: Pilot[Any]) -> Any:
    from hubtui.screens.orders import OrdersScreen

    app = pilot.app
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(app.screen, OrdersScreen), "esc back to the list")
    return app.screen


async def open_order_dialog(pilot: Pilot[Any], number: str, key: str, dialog: type) -> Any:
    """The list, `:` to the order, then `key`: wait for `dialog` with a field focused, its cursors
    still (a blinking cursor would make a snapshot depend on timing). Returns the dialog."""
    from textual.widgets import Input

    app = pilot.app
    await start_list(pilot)
    await jump_to(pilot, short(number), number)
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, dialog) and app.screen.focused is not None,
                   f"the {dialog.__name__}, ready")
    for field in app.screen.query(Input):
        field.cursor_blink = False
    return app.screen


KEY_NAMES = {":": "colon", " ": "space", "/": "slash", "-": "minus", ".": "full_stop", "_": "underscore",
             "*": "asterisk", "+": "plus", "?": "question_mark", "@": "at"}


def burst(app: App[Any], keys: list[str]) -> None:
    """Queue every key at once, as a paste or a fast typist over SSH delivers them: each a
    character ("a", ":") or a key name ("enter", "ctrl+s")."""
    from textual import events

    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key(KEY_NAMES.get(key, key), key))
        else:
            app.post_message(events.Key(key, {"colon": ":", "space": " "}.get(key)))


async def assert_greyed_key_says_why(pilot: Pilot[Any], number: str, key: str, action: str, why: str,
                                     dialog: type | None = None) -> None:
    """On `number`'s details, `key` is greyed (check_action None), pressing it says `why` in a
    notice, and `dialog` does not open; `:` pressed behind it still answers."""
    from hubtui.screens.dialogs import JumpDialog

    app = pilot.app
    await start_list(pilot)
    screen = await jump_to(pilot, short(number), number)
    assert screen.check_action(action, ()) is None
    await pilot.press(key, "colon")
    await wait_for(pilot, lambda: any(why in str(n.message) for n in notifications(app)), f"why {key} does nothing")
    await wait_for(pilot, lambda: isinstance(app.screen, JumpDialog), "the jump dialog, after the greyed key")
    if dialog is not None:
        assert not any(isinstance(s, dialog) for s in app.screen_stack)
