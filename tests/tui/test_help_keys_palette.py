"""'?' help, remapping keys from the settings, and the ctrl+p command palette (driven by key presses)."""

from __future__ import annotations

from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets._footer import FooterKey

from hubtui.widgets.commands import key_label
from hubtui.config import Settings
from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.screens.help import HelpScreen
from hubtui.screens.order_detail import OrderDetailScreen
from hubtui.screens.orders import OrdersScreen
from hubtui.services.order_reads import count_orders, get_order, list_orders

from .helpers import (
    SIZE,
    back_to_list,
    jump_to,
    short,
    assert_list_shows,
    list_settled,
    notifications,
    press_and_wait,
    start_list,
    static_text,
    type_text,
    visible_text,
    wait_for,
)


async def open_help(pilot) -> tuple[HelpScreen, str]:
    app = pilot.app
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
    help_screen = app.screen
    body = help_screen.query_one("#help-body")
    assert app.focused is body
    return help_screen, static_text(body.query_one("Static"))


def help_row(text: str, binding_id: str) -> str:
    """One command's entry, its lines joined: keys, what they do, and last, on a line of its own, the id."""
    lines = text.splitlines()
    ends = [i for i, line in enumerate(lines) if line.strip() == binding_id]
    assert len(ends) == 1, f"help shows {len(ends)} lines holding just {binding_id}"
    start = ends[0] - 1
    while start > 0 and len(lines[start]) - len(lines[start].lstrip()) > 2:  # a wrapped line, not the keys
        start -= 1
    return " ".join(line.strip() for line in lines[start:ends[0] + 1])


async def close_help(pilot, underneath) -> None:
    await pilot.press("escape")
    await wait_for(pilot, lambda: pilot.app.screen is underneath, "esc to close the help")


async def test_help_lists_each_screens_commands_with_their_keys(make_app, alice):
    number = list_orders(alice, OrderQuery()).rows[0].number
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        listing = await start_list(pilot)
        _, text = await open_help(pilot)
        for command in OrdersScreen.HELP_COMMANDS:
            row = help_row(text, command.id)
            assert row.lstrip().startswith(key_label(command.keys)), row
            assert command.help in row
        assert "order.lines" not in text, "the list's help lists only the list's keys"
        assert "Keys:" in visible_text(app)
        await close_help(pilot, listing)

        detail = await jump_to(pilot, short(number), number)
        _, text = await open_help(pilot)
        for command in OrderDetailScreen.HELP_COMMANDS:
            row = help_row(text, command.id)
            assert row.lstrip().startswith(key_label(command.keys)), row
            assert command.help in row
        assert "orders.sort" not in text
        await close_help(pilot, detail)
        await back_to_list(pilot)


async def test_a_remapped_key_sorts_the_old_one_does_not_and_help_shows_it(make_app, alice, demo_db):
    settings = Settings(database_url=f"sqlite:///{demo_db}", user="alice",
                        key_bindings={"orders.sort": "s", "orders.no_such_command": "x"})
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        assert any("orders.no_such_command" in n.message and n.severity == "warning" for n in notifications(app))

        await press_and_wait(pilot, screen, "s", what="the list sorted by total after s")
        by_total = OrderQuery(sort=SortKey.TOTAL)
        assert screen.order_query == by_total
        assert_list_shows(screen, list_orders(alice, by_total), count_orders(alice, by_total))

        # 'o' is no longer sort: had it sorted, the next 's' would go from status back to date.
        await pilot.press("o")
        await press_and_wait(pilot, screen, "s", what="the list sorted by status after s")
        by_status = OrderQuery(sort=SortKey.STATUS, descending=False)
        assert screen.order_query == by_status
        assert_list_shows(screen, list_orders(alice, by_status), count_orders(alice, by_status))

        sort_keys = [key for key in screen.query(FooterKey) if key.action == "cycle_sort"]
        assert [key.key for key in sort_keys] == ["s"], "the footer shows the remapped key"

        _, text = await open_help(pilot)
        row = help_row(text, "orders.sort")
        assert row.split()[0] == "s", row
        await close_help(pilot, screen)


async def run_in_palette(pilot, typed: str, expected_hit: str) -> None:
    """ctrl+p, type, wait for the hit titled `expected_hit` to be offered first, choose it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
    palette = app.screen
    assert app.focused is palette.query_one(CommandInput)
    await type_text(pilot, typed)
    hits = palette.query_one(CommandList)

    def first_hit() -> str | None:
        option = hits.get_option_at_index(0) if hits.option_count else None
        return getattr(getattr(option, "hit", None), "text", None)

    await wait_for(pilot, lambda: first_hit() == expected_hit,
                   f"the palette to offer {expected_hit!r} first for {typed!r}")
    await pilot.press("down", "enter")
    await wait_for(pilot, lambda: app.screen is not palette, "the palette to close")


async def test_palette_runs_a_quick_filter_and_opens_an_order_by_number(make_app, alice):
    number = list_orders(alice, OrderQuery()).rows[2].number
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        painted = screen.pages_painted
        await run_in_palette(pilot, "filter: unpaid", "filter: unpaid")
        unpaid = OrderQuery(quick_filter=QuickFilter.UNPAID)
        await wait_for(pilot, lambda: screen.order_query == unpaid and screen.pages_painted > painted
                       and list_settled(screen),
                       "the unpaid list")
        assert_list_shows(screen, list_orders(alice, unpaid), count_orders(alice, unpaid))

        await run_in_palette(pilot, number, f"order: open {number}")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen), f"the details of {number}")
        assert app.screen.detail == get_order(alice, number)
        assert app.focused is app.screen.query_one("#detail-body")


async def test_palette_order_provider_understands_its_own_title(make_app, alice):
    """Drives the provider directly (typing a long query into the palette makes it search every prefix,
    and a 'No matches found' from a prefix cannot be told apart from one for the whole query)."""
    from hubtui.app import OrderNumberProvider

    number = list_orders(alice, OrderQuery()).rows[2].number
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        provider = OrderNumberProvider(app.screen)
        for typed in (number, short(number), f"open {number}", f"order: open {number}", f"order: open {short(number)}"):
            titles = [hit.text async for hit in provider.search(typed)]
            assert titles == [f"order: open {number}"], typed
