"""Snapshots of each step of the phone-order wizard at 100x30 and at the 80x24 minimum.

Fixed demo data and clock; each step is reached by keys and photographed once its search has
answered. Update with `pytest tests/tui/test_new_order_snapshots.py --snapshot-update` and look
at the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from pytest_textual_snapshot import SVGImageExtension

from .helpers import SIZE, SMALL
from .new_order_support import Db, add_product, open_wizard, pick_customer, search

SIZES = pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])


async def _shot(app, pilot) -> str:
    from textual.widgets import Input

    # A blinking cursor would make the picture depend on the moment it is taken.
    for field in app.screen.query(Input):
        field.cursor_blink = False
    # The answer is listed; let the layout and paint it caused finish too, also on a busy machine.
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    return app.export_screenshot(title=app.title)


async def _to_products(pilot, db: Db):
    screen = await open_wizard(pilot)
    customer = db.customer("c.company_id IS NULL AND c.email LIKE 'o%'")
    await pick_customer(pilot, screen, customer["email"][:6], customer["id"])
    first, second = db.product(3), db.product(40)
    await add_product(pilot, screen, first["stock_code"], first["stock_code"], "2")
    await add_product(pilot, screen, second["stock_code"], second["stock_code"], None)
    await search(pilot, screen.products, "drill")
    return screen


@SIZES
async def test_customer_step(snapshot, make_app, size) -> None:
    app = make_app("alice")
    async with app.run_test(size=size) as pilot:
        screen = await open_wizard(pilot)
        await search(pilot, screen.customer_step, "ol")
        svg = await _shot(app, pilot)
    assert snapshot.use_extension(SVGImageExtension) == svg


@SIZES
async def test_products_step(snapshot, make_app, demo_db, size) -> None:
    app = make_app("alice")
    async with app.run_test(size=size) as pilot:
        await _to_products(pilot, Db(demo_db))
        svg = await _shot(app, pilot)
    assert snapshot.use_extension(SVGImageExtension) == svg


@SIZES
async def test_review_step(snapshot, make_app, demo_db, size) -> None:
    app = make_app("alice")
    async with app.run_test(size=size) as pilot:
        screen = await _to_products(pilot, Db(demo_db))
        await pilot.press("ctrl+s")
        assert screen.step == "review"
        svg = await _shot(app, pilot)
    assert snapshot.use_extension(SVGImageExtension) == svg


@SIZES
async def test_new_customer_dialog(snapshot, make_app, size) -> None:
    from hubtui.screens.new_customer_dialog import NewCustomerDialog

    from .helpers import wait_for

    app = make_app("alice")
    async with app.run_test(size=size) as pilot:
        screen = await open_wizard(pilot)
        await search(pilot, screen.customer_step, "zed quirke")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewCustomerDialog), "the new-customer dialog")
        svg = await _shot(app, pilot)
    assert snapshot.use_extension(SVGImageExtension) == svg
