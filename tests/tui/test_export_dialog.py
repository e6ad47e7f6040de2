"""`x` on the order list: the export dialog, by keys (issue 13), and its snapshots."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from textual.widgets import Input

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period
from hubtui.screens.export_dialog import ExportDialog
from hubtui.services.export import ExportRange, export_sheet
from tests.smtp_server import SmtpServer, smtp_table

from .helpers import SIZE, SMALL, notifications, press_and_wait, start_list, type_text, wait_for

PASSWORD_ENV = "HUBTUI_TEST_SMTP_PASSWORD"


@pytest.fixture
def sam(context_for):
    return context_for("sam")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "out"
    made.mkdir()
    return made


async def open_export(pilot, *, unpaid: bool = True) -> ExportDialog:
    """The list (on Unpaid), then x: the dialog, with its cursors still (snapshots)."""
    app = pilot.app
    screen = await start_list(pilot)
    if unpaid:
        await press_and_wait(pilot, screen, "5", what="the Unpaid list")
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog) and app.screen.focused is not None,
                   "the export dialog")
    for field in app.screen.query(Input):
        field.cursor_blink = False
    return app.screen


def said(dialog: ExportDialog) -> str:
    return str(dialog.query_one("#export-said").content)


async def test_x_exports_the_lists_filter_over_the_range_chosen_to_the_file_typed(make_app, sam, folder):
    out = folder / "unpaid.xlsx"
    expected = export_sheet(sam, "orders", folder / "expected.xlsx", span=ExportRange(Period.LAST_30_DAYS),
                            query=OrderQuery(quick_filter=QuickFilter.UNPAID))
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        assert app.focused is dialog.query_one("#export-kind")
        assert dialog.query_one("#export-filter").value is True  # the list's filter, Unpaid, ticked
        await pilot.press("tab", "left", "tab", "tab")  # placed: this month -> last 30 days; on to the file
        assert app.focused is dialog.query_one("#export-path")
        await type_text(pilot, str(out))  # the default name was selected: typing replaces it
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Wrote" in said(dialog) and not dialog.running, "the export", limit=20)
        assert said(dialog) == f"Wrote {expected.rows} orders (last 30 days, filter unpaid) to {out}."
        assert dialog.query_one("#export-progress").percentage == 1.0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows == list(openpyxl.load_workbook(expected.path).active.iter_rows(values_only=True))
    assert len(rows) == expected.rows + 1 > 10


async def test_items_without_the_filter_get_their_own_default_name(make_app, sam, folder, monkeypatch):
    monkeypatch.chdir(folder)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        # items; placed: this month -> t: this year -> t: today; the filter unticked
        await pilot.press("i", "tab", "t", "t", "tab", "space", "ctrl+s")
        await wait_for(pilot, lambda: "Wrote" in said(dialog) and not dialog.running, "the export", limit=20)
        written = folder / "items-2026-11-28.xlsx"
        assert dialog.query_one("#export-path").value == "items-2026-11-28.xlsx"
        expected = export_sheet(sam, "items", folder / "expected.xlsx", span=ExportRange(Period.TODAY))
        assert said(dialog) == f"Wrote {expected.summary()} to {written}."
        assert expected.rows > 0 and "filter" not in expected.summary()


async def test_a_custom_range_from_after_to_is_refused_in_the_dialog(make_app, folder, monkeypatch):
    monkeypatch.chdir(folder)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        assert not dialog.query_one("#export-days").display
        await pilot.press("tab", "c")  # custom: from and to appear
        assert dialog.query_one("#export-days").display
        await pilot.press("tab")
        await type_text(pilot, "2026-11-20")
        await pilot.press("tab")
        await type_text(pilot, "2026-11-01")
        await pilot.press("ctrl+s")
        assert said(dialog) == "The from date 2026-11-20 is after the to date 2026-11-01"
        assert dialog.query_one("#export-said").has_class("-error")
        assert app.focused is dialog.query_one("#export-from") and not dialog.running
    assert list(folder.iterdir()) == []


async def test_tab_completes_the_file_path_as_a_shell_does(make_app, folder):
    (folder / "exports-for-finance").mkdir()
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot, unpaid=False)  # no list filter: its box is greyed and skipped
        await pilot.press("tab", "tab")
        path = dialog.query_one("#export-path", Input)
        assert app.focused is path
        await type_text(pilot, f"{folder}/exp")
        await pilot.press("tab")
        assert path.value == f"{folder}/exports-for-finance/"
        await type_text(pilot, "nov.xlsx")
        await pilot.press("tab")  # nothing more to complete: on to the e-mail
        assert app.focused is dialog.query_one("#export-email")


async def test_the_file_is_e_mailed_and_the_dialog_names_the_address(make_app, folder, monkeypatch):
    server = SmtpServer(users={"exports": "s3cret"}).start()
    try:
        config = folder.parent / "config.toml"
        config.write_text(smtp_table(server, addresses={"sam": "sam@bettertools.test"}))
        monkeypatch.setenv("HUBTUI_CONFIG", str(config))
        monkeypatch.setenv(PASSWORD_ENV, "s3cret")
        out = folder / "orders.xlsx"
        app = make_app("sam")
        async with app.run_test(size=SIZE) as pilot:
            dialog = await open_export(pilot)
            await pilot.press("tab", "tab", "tab")
            await type_text(pilot, str(out))
            await pilot.press("enter")  # on to the e-mail
            await type_text(pilot, "me")
            await pilot.press("enter")  # enter there exports
            await wait_for(pilot, lambda: "e-mailed" in said(dialog), "the export and its mail", limit=20)
            assert said(dialog).endswith(f"to {out} and e-mailed it to sam@bettertools.test.")
        ((name, _, data),) = server.received[0].attachments()
        assert name == "orders.xlsx" and data == out.read_bytes()
    finally:
        server.stop()


async def test_esc_while_it_runs_stops_it_and_leaves_no_file(make_app, folder, monkeypatch):
    import time

    from hubtui.services import export as service

    slow = service._Sheet.append_all

    def slowly(sheet, rows, tz) -> None:  # a batch that takes a while, as on a big database
        time.sleep(0.3)
        slow(sheet, rows, tz)

    monkeypatch.setattr(service._Sheet, "append_all", slowly)
    monkeypatch.chdir(folder)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot, unpaid=False)
        await pilot.press("tab", "a", "ctrl+s")  # all time: four batches
        bar = dialog.query_one("#export-progress")
        await wait_for(pilot, lambda: dialog.running and (bar.progress or 0) > 0, "the export under way")
        await pilot.press("escape")
        await wait_for(pilot, lambda: any("Export stopped; no file was written." in str(n.message)
                                          for n in notifications(app)), "the export stopped")
        assert not isinstance(app.screen, ExportDialog)
    assert list(folder.iterdir()) == []


async def test_x_is_greyed_for_an_agent_and_says_why(make_app):
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: any("An agent may not export data; ask a supervisor." in str(n.message)
                                          for n in notifications(app)), "why x does nothing")
        assert not any(isinstance(s, ExportDialog) for s in app.screen_stack)


async def test_x_in_the_filter_box_is_a_letter(make_app):
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        await pilot.press("slash")
        await type_text(pilot, "xavier")
        assert screen.query_one("#filter-text", Input).value == "xavier"
        assert not any(isinstance(s, ExportDialog) for s in app.screen_stack)


async def test_the_lists_text_shows_as_typed_in_the_dialog(make_app):
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_list(pilot)
        await pilot.press("slash")
        await type_text(pilot, "[/]")
        await wait_for(pilot, lambda: screen.order_query.text == "[/]", "the text filter")
        await pilot.press("enter")  # back to the list
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        label = app.screen.query_one("#export-filter").label.plain
        assert label == "the list's: text [/]"  # as typed, not read as markup


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_export_dialog(snap_compare, make_app, size):
    async def run_before(pilot) -> None:
        await open_export(pilot)

    assert snap_compare(make_app("sam"), terminal_size=size, run_before=run_before)
