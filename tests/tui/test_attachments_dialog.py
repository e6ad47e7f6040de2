"""`A` on an order: attach a file by its path (tab completes), save a copy, open or say where."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, OptionList

from hubtui.domain.order_query import OrderQuery
from hubtui.screens.attachments_dialog import AttachmentsDialog
from hubtui.services.attachments import attach_file, list_attachments
from hubtui.services.order_reads import get_order, list_orders

from .helpers import SIZE, SMALL, burst, error_notifications, open_order_dialog, short, start_list, type_text, wait_for

PDF = b"%PDF-1.4\n%%EOF\n"


def an_order(ctx) -> str:
    return list_orders(ctx, OrderQuery(status="Pending")).rows[0].number


def said(dialog) -> str:
    return str(dialog.query_one("#attach-said", Label).content)


async def open_dialog(pilot, number: str) -> AttachmentsDialog:
    return await open_order_dialog(pilot, number, "A", AttachmentsDialog)


@pytest.mark.parametrize("pace", ["spaced", "burst"])
async def test_a_file_is_attached_by_its_path_with_tab_completing_it(pace, make_app, alice, tmp_path):
    number = an_order(alice)
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "delivery-note-4711.pdf").write_bytes(PDF)
    typed = str(folder / "deli")  # tab completes the rest
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        if pace == "spaced":
            dialog = await open_dialog(pilot, number)
            await type_text(pilot, typed)
            await pilot.press("tab")
            assert dialog.query_one("#attach-path", Input).value == str(folder / "delivery-note-4711.pdf")
            await pilot.press("enter")
        else:
            burst(app, [":", *short(number), "enter", "A", *typed, "tab", "enter"])
        await wait_for(pilot, lambda: bool(list_attachments(alice, number)) or bool(error_notifications(app)),
                       "the file to be attached", limit=15)
        dialog = app.screen
        assert isinstance(dialog, AttachmentsDialog)
        await wait_for(pilot, lambda: "Attached delivery-note-4711.pdf" in said(dialog), "the dialog to say so")
        (stored,) = list_attachments(alice, number)
        assert (stored.label, stored.kind, stored.size, stored.added_by) == ("delivery-note-4711.pdf", "pdf", 15,
                                                                             "alice")
        assert dialog.query_one("#attachments-list", OptionList).option_count == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AttachmentsDialog), "back on the details")
        await wait_for(pilot, lambda: app.screen.detail.activity[0].summary.startswith("Attached delivery-note"),
                       "the details read again, naming the file")


async def test_a_folder_is_refused_in_the_dialog_and_a_copy_is_saved_where_asked(make_app, alice, tmp_path):
    number = an_order(alice)
    (tmp_path / "note.pdf").write_bytes(PDF)
    attach_file(alice, number, str(tmp_path / "note.pdf"))
    before = get_order(alice, number).version
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, number)
        await type_text(pilot, str(tmp_path))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "is a folder" in said(dialog), "the refusal")
        assert len(list_attachments(alice, number)) == 1
        await pilot.press("shift+tab")  # to the files
        await pilot.press("enter")  # this one: save a copy to …
        field = dialog.query_one("#attach-path", Input)
        await wait_for(pilot, lambda: app.focused is field, "the path field, for the copy")
        assert field.value.endswith("note.pdf")
        field.value = ""
        await type_text(pilot, str(tmp_path / "copy.pdf"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Saved a copy" in said(dialog), "the copy")
        assert (tmp_path / "copy.pdf").read_bytes() == PDF
        await pilot.press("shift+tab", "o")  # no display in a test: it says where the file is kept
        await wait_for(pilot, lambda: "is kept at" in said(dialog) or "Opened" in said(dialog), "o's answer")
    assert get_order(alice, number).version == before  # an attachment is history, not an edit


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["100x30", "80x24"])
def test_attachments_dialog(snap_compare, make_app, alice, size, tmp_path):
    number = an_order(alice)
    for name in ("invoice.pdf", "signed-delivery.pdf"):
        (tmp_path / name).write_bytes(PDF + name.encode())
        attach_file(alice, number, str(tmp_path / name))

    async def run_before(pilot) -> None:
        dialog = await open_dialog(pilot, number)
        await wait_for(pilot, lambda: dialog.query_one("#attachments-list", OptionList).option_count == 2,
                       "the list")

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
