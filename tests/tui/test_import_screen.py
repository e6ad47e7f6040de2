"""`i` on the order list: the import screen by keys (issue 13): a dry run first, the rejected rows
listed, then ctrl+s imports; an agent may not import."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubtui.domain.import_columns import ORDER_COLUMNS
from hubtui.screens.import_screen import ImportScreen

from .helpers import SIZE, SMALL, notifications, start_list, type_text, wait_for

ROW = ("{ref},,web,Standard,2026-11-20 10:00,{status},Paid,GBP,new.person@example.com,New,Person,07700900123,,,"
       "1 High St,,Leeds,LS1 4AP,GB,4.95,0,24.95,,,5")


def _file(tmp_path: Path, *rows: tuple[str, str]) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(",".join(ORDER_COLUMNS) + "\n" + "\n".join("," + ROW.format(ref=r, status=s) for r, s in rows)
                    + "\n")
    return path


def _count(context, ref: str) -> int:
    from sqlalchemy import func, select

    from hubtui.store.tables import Order

    with context.store.read() as session:
        return session.scalar(select(func.count()).select_from(Order).where(Order.external_ref == ref))


async def test_a_dry_run_lists_the_bad_row_then_skip_rows_imports_the_good(make_app, context_for, tmp_path) -> None:
    admin = context_for("admin")
    path = _file(tmp_path, ("EXT-1", "Approved"), ("EXT-2", "Nope"))
    app = make_app("admin")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), "the import screen")
        screen = app.screen
        await type_text(pilot, str(path))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "problem(s)" in str(screen.query_one("#import-summary").content), "the dry run")
        assert "ctrl+s would import nothing" in str(screen.query_one("#import-summary").content)
        assert "row 3, status 'Nope'" in str(screen.query_one("#import-problems").content)
        assert _count(admin, "EXT-1") == 0
        await pilot.press("tab", "s")  # bad rows: skip them
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _count(admin, "EXT-1") == 1, "the good row imported")
        await wait_for(pilot, lambda: "were created" in str(screen.query_one("#import-summary").content),
                       "what was done")
        bar = screen.query_one("#import-progress")
        # The bar went to the end of the file as it was read and written, and is put away when done.
        assert (bar.total, bar.progress, bar.display) == (path.stat().st_size, path.stat().st_size, False)
    assert _count(admin, "EXT-2") == 0



async def test_channel_prices_are_a_kind_of_the_screen_checked_then_recorded(make_app, context_for, tmp_path) -> None:
    from hubtui.domain.price_match import PriceMatchQuery
    from hubtui.services.price_match import price_history, price_match_page

    admin = context_for("admin")
    code = price_match_page(admin, PriceMatchQuery()).rows[0].stock_code
    seen = len(price_history(admin, code).by_channel.get("ebay", ()))
    path = tmp_path / "prices.csv"
    path.write_text(f"stock_code,channel,price\n{code},ebay,12.34\n{code},fax,1.00\n")
    app = make_app("admin")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), "the import screen")
        screen = app.screen
        await pilot.press("shift+tab", "c", "tab")  # the kind: a letter picks it
        await type_text(pilot, str(path))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "problem(s)" in str(screen.query_one("#import-summary").content), "the dry run")
        assert "1 channel prices would be recorded" in str(screen.query_one("#import-summary").content)
        assert "row 3, channel 'fax'" in str(screen.query_one("#import-problems").content)
        await pilot.press("tab", "s", "ctrl+s")  # bad rows: skip them
        await wait_for(pilot, lambda: "were recorded" in str(screen.query_one("#import-summary").content),
                       "what was done")
    ebay = price_history(admin, code).by_channel["ebay"]
    assert len(ebay) == seen + 1 and ebay[0].price == 1234

async def test_tab_completes_the_path_and_an_agent_may_not_import(make_app, context_for, tmp_path) -> None:
    path = _file(tmp_path, ("EXT-9", "Approved"))
    app = make_app("admin")
    async with app.run_test(size=SMALL) as pilot:
        await start_list(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), "the import screen")
        await type_text(pilot, str(tmp_path / "ord"))
        await pilot.press("tab")
        assert app.screen.query_one("#import-path").value == str(path)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _count(context_for("admin"), "EXT-9") == 1, "imported")
    agent = make_app("alice")
    async with agent.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: any("import" in str(n.message) for n in notifications(agent)), "why i does nothing")
        assert not isinstance(agent.screen, ImportScreen)



@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_import_preview_snapshot(snap_compare, make_app, tmp_path, monkeypatch, size) -> None:
    _file(tmp_path, ("EXT-1", "Approved"), ("EXT-2", "Nope"), ("EXT-3", "Approved"))
    monkeypatch.chdir(tmp_path)  # the path typed is "orders.csv", the same in every run

    async def previewed(pilot) -> None:
        await start_list(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ImportScreen), "the import screen")
        await type_text(pilot, "orders.csv")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "problem(s)" in str(pilot.app.screen.query_one("#import-summary").content),
                       "the dry run")
        pilot.app.screen.query_one("#import-path").cursor_blink = False

    assert snap_compare(make_app("admin"), terminal_size=size, run_before=previewed)
