"""Stored text that is hostile to a terminal is shown as text (SPEC 8a): markup, escapes, newlines."""

from __future__ import annotations

import pytest

from hubtui.services.order_writes import add_note

from .helpers import SIZE, SMALL, jump_to, short, start_list, static_text, type_text, visible_text, wait_for
from .new_order_support import Db, open_wizard, search

HOSTILE = "rang back [/] [b]bold?[/b] \x1b]0;pwned\x07\x1b[2J\nadmin  Refund approved"


@pytest.fixture
def db(demo_db) -> Db:
    return Db(demo_db)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
async def test_a_hostile_note_opens_and_shows_as_typed(make_app, alice, db: Db, size) -> None:
    number = db.scalar("SELECT o.number FROM orders o JOIN organisations g ON g.id = o.org_id "
                       "WHERE g.code = 'BTOOLS' ORDER BY o.id LIMIT 1")
    add_note(alice, number, HOSTILE)
    app = make_app("alice")
    async with app.run_test(size=size) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        activity = static_text(screen.query_one("#activity"), width=400)
        assert "rang back [/] [b]bold?[/b]" in activity, "markup is shown as typed, not read"
        assert "\x1b" not in activity and "\x07" not in activity
        entry = [line for line in activity.splitlines() if "rang back" in line]
        assert len(entry) == 1 and "⏎ admin  Refund approved" in entry[0], "the newline cannot forge a line"
        assert app.is_running
        assert "\x1b" not in visible_text(app)


async def test_a_status_comment_with_markup_is_saved_and_shown(make_app, db: Db) -> None:
    number = db.scalar("SELECT o.number FROM orders o JOIN organisations g ON g.id = o.org_id "
                       "WHERE g.code = 'BTOOLS' AND o.status = 'Approved' ORDER BY o.id LIMIT 1")
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        targets = [t.value for t in screen._status_targets()]
        await pilot.press("s", str(targets.index("OnHold") + 1))
        await type_text(pilot, "hold [/] till Friday")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and screen.detail.status == "OnHold", "on hold")
        assert "hold [/] till Friday" in static_text(screen.query_one("#activity"), width=200)
        assert app.is_running


async def test_markup_typed_into_searches_and_filters_is_text(make_app) -> None:
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        await pilot.press("slash")
        await type_text(pilot, "[/]x")
        await pilot.press("enter")
        await wait_for(pilot, lambda: listing.order_query.text == "[/]x" and listing.page is not None
                       and "No orders match" in visible_text(app), "the filter answered")
        await pilot.press("escape")
        screen = await open_wizard(pilot)
        await search(pilot, screen.customer_step, "[/]zz")
        assert "No customer matches “[/]zz”" in visible_text(app)
        assert app.is_running
