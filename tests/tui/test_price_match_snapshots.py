"""Snapshots of the Price Match screen, its confirmation and the rules screen at 100x30 and at
the 80x24 minimum (issue 14). Demo data and clock are fixed (tests/conftest.py)."""

from __future__ import annotations

import pytest

from hubtui.screens.apply_dialog import ApplyDialog
from hubtui.screens.price_rules import PriceRulesScreen
from hubtui.screens.rule_dialog import RuleDialog

from .helpers import SIZE, SMALL, wait_for
from .price_match_support import open_price_match, press_and_settle

SIZES = pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])


async def _still(pilot) -> None:  # type: ignore[no-untyped-def]
    """No blinking cursor: a snapshot must not depend on when it is taken."""
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False


@SIZES
def test_price_match_screen(snap_compare, make_app, size):
    assert snap_compare(make_app("sam"), terminal_size=size, run_before=open_price_match)


@SIZES
def test_apply_confirmation(snap_compare, make_app, size):
    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = await open_price_match(pilot)
        await press_and_settle(pilot, screen, "2")
        await pilot.press("space", "j", "space", "a")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ApplyDialog), "the confirmation")

    assert snap_compare(make_app("sam"), terminal_size=size, run_before=opened)


@SIZES
def test_rules_screen(snap_compare, make_app, size):
    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_price_match(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PriceRulesScreen) and pilot.app.screen.loads > 0,
                       "the rules")

    assert snap_compare(make_app("sam"), terminal_size=size, run_before=opened)


@SIZES
def test_rule_form(snap_compare, make_app, size):
    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_price_match(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PriceRulesScreen) and pilot.app.screen.loads > 0,
                       "the rules")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RuleDialog), "the rule form")
        await _still(pilot)

    assert snap_compare(make_app("sam"), terminal_size=size, run_before=opened)
