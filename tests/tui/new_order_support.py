"""Driving the phone-order wizard by keys, and reading the demo database with plain sqlite3."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from .helpers import start_list, type_text, wait_for


class Db:
    """Plain sqlite3 reads of the test's database file: the oracle never goes through hubtui."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, query: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        con = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        con.row_factory = sqlite3.Row
        try:
            return list(con.execute(query, params))
        finally:
            con.close()

    def one(self, query: str, params: tuple[Any, ...] = ()) -> sqlite3.Row:
        (row,) = self.rows(query, params)
        return row

    def scalar(self, query: str, params: tuple[Any, ...] = ()) -> Any:
        return self.one(query, params)[0]

    def execute(self, query: str, params: tuple[Any, ...] = ()) -> None:
        con = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            con.execute(query, params)
        finally:
            con.close()

    def counts(self) -> dict[str, int]:
        """What a refused or abandoned order must leave as it was."""
        return {table: self.scalar(f"SELECT COUNT(*) FROM {table}")
                for table in ("orders", "order_lines", "payments", "activity")} | {
            "sequence": self.scalar("SELECT value FROM sequences WHERE name = 'order_number'")}

    def customer(self, where: str, params: tuple[Any, ...] = ()) -> sqlite3.Row:
        return self.rows(
            "SELECT c.* FROM customers c JOIN organisations o ON o.id = c.org_id WHERE o.code = 'BTOOLS' AND "
            + where + " ORDER BY c.id LIMIT 1", params)[0]

    def product(self, offset: int) -> sqlite3.Row:
        return self.one(
            "SELECT p.* FROM products p JOIN organisations o ON o.id = p.org_id "
            "WHERE o.code = 'BTOOLS' AND p.active ORDER BY p.id LIMIT 1 OFFSET ?", (offset,))


async def open_wizard(pilot: Pilot[Any]) -> Any:
    from hubtui.screens.new_order import NewOrderScreen

    await start_list(pilot)
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, NewOrderScreen), "the new-order wizard")
    screen = pilot.app.screen
    assert pilot.app.focused is screen.query_one("#customer-search"), "the wizard starts in the customer search"
    return screen


async def search(pilot: Pilot[Any], step: Any, text: str) -> None:
    """Type `text` into the step's (focused) search box and wait for its answer to be listed."""
    assert pilot.app.focused is step.search_input
    await type_text(pilot, text)
    await wait_for(pilot, lambda: step.shown_for == step.search_input.value == text, f"the results for {text!r}")


async def arrow_to(pilot: Pilot[Any], index: int) -> None:
    """Move a result list's highlight from the first answer to answer `index` with the down arrow."""
    for _ in range(index):
        await pilot.press("down")


async def pick_customer(pilot: Pilot[Any], screen: Any, typed: str, customer_id: int) -> None:
    """Search, move the highlight to the customer with the arrow keys, enter."""
    step = screen.customer_step
    await search(pilot, step, typed)
    await arrow_to(pilot, [c.id for c in step.found].index(customer_id))
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.step == "products", "the products step after picking the customer")
    assert screen.customer.id == customer_id
    assert pilot.app.focused is screen.products.search_input


async def add_product(pilot: Pilot[Any], screen: Any, typed: str, stock_code: str, quantity: str | None) -> None:
    """Search ("2*" in front for a quantity; None: one), arrow to the product, enter: the line is added
    and the search box is empty again for the next product."""
    step = screen.products
    before = next((line.quantity for line in step.lines if line.stock_code == stock_code), 0)
    await search(pilot, step, typed if quantity is None else f"{quantity}*{typed}")
    await arrow_to(pilot, [p.stock_code for p in step.found].index(stock_code))
    await pilot.press("enter")
    wanted = before + (1 if quantity is None else int(quantity))
    await wait_for(pilot, lambda: any(line.stock_code == stock_code and line.quantity == wanted for line in step.lines)
                   and step.search_input.value == "", f"{stock_code} × {wanted} on the order")
    assert pilot.app.focused is step.search_input, "back in the product search for the next product"


def stored_lines(db: Db, number: str) -> list[tuple[str, int, int, int]]:
    return [tuple(r) for r in db.rows(
        "SELECT l.stock_code, l.quantity, l.unit_price, l.line_total FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE o.number = ? ORDER BY l.line_no", (number,))]
