"""SPEC 8a in the TUI: a lock held too long or a full disk is one clear sentence, the app stays up,
the payment dialog keeps what was typed, and nothing is written."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import timezone
from pathlib import Path

import pytest
from textual.widgets import Label

from hubtui.app import HubApp
from hubtui.screens.dialogs import NoteDialog, StatusDialog
from hubtui.screens.payment_dialog import PaymentDialog
from hubtui.services.context import open_context
from hubtui.services import faults
from hubtui.store.engine import Store
from tests.conftest import fixed_clock, sqlite_url

from .helpers import (
    SIZE,
    error_notifications,
    jump_to,
    notifications,
    short,
    start_list,
    static_text,
    type_text,
    wait_for,
)
from .test_order_detail import choose_status

BOUND_MS = 300
INCOMPLETE = ("SELECT number FROM orders o JOIN organisations g ON g.id = o.org_id WHERE g.code = 'BTOOLS' "
              "AND o.status = 'Incomplete' AND o.payment_status = 'Pending' AND o.order_total > 0 "
              "AND o.fraud_score < 70 ORDER BY o.id LIMIT 1")


def stored(db: Path, number: str) -> tuple:
    with closing(sqlite3.connect(db)) as con:
        return con.execute(
            "SELECT o.status, o.payment_status, o.paid_total, o.version, "
            "(SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id), "
            "(SELECT COUNT(*) FROM activity a WHERE a.order_id = o.id) FROM orders o WHERE o.number = ?",
            (number,)).fetchone()


def first_incomplete(db: Path) -> str:
    with closing(sqlite3.connect(db)) as con:
        return con.execute(INCOMPLETE).fetchone()[0]


@contextmanager
def another_program_writing(db: Path) -> Iterator[None]:
    """Another program holds the write lock and does not finish until the block ends."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.fixture
def bounded_store(demo_db: Path) -> Iterator[Store]:
    """The demo copy, waiting at most BOUND_MS for a lock."""
    store = Store(sqlite_url(demo_db), lock_timeout=BOUND_MS)
    yield store
    store.dispose()


def app_on(store: Store) -> HubApp:
    return HubApp(store=store, context=open_context(store, "alice", clock=fixed_clock, tz=timezone.utc))


def payment_error(dialog: PaymentDialog) -> str:
    label = dialog.query_one("#payment-error", Label)
    return static_text(label) if label.display else ""


async def open_payment(pilot, number: str) -> PaymentDialog:
    app = pilot.app
    await start_list(pilot)
    await jump_to(pilot, short(number), number)
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog) and app.screen.focused is not None,
                   "the payment dialog, ready")
    return app.screen


async def type_reference(pilot, dialog: PaymentDialog, text: str) -> None:
    for _ in range(3):  # method → status → amount → reference
        await pilot.press("enter")
    assert pilot.app.focused is dialog.query_one("#payment-reference")
    await type_text(pilot, text)


async def test_a_payment_behind_another_programs_write_lock_is_refused_and_the_dialog_keeps_it(
        bounded_store, demo_db):
    number = first_incomplete(demo_db)
    before = stored(demo_db, number)
    app = app_on(bounded_store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_payment(pilot, number)
        await type_reference(pilot, dialog, "AUTH-77")
        with another_program_writing(demo_db):
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not dialog.saving and bool(payment_error(dialog)), "the refusal")
            said = payment_error(dialog)
            assert faults.LOCKED in " ".join(said.split()), said
            assert "Traceback" not in said and "[SQL" not in said
            assert app.is_running and app.screen is dialog, "the dialog stays open"
            assert dialog.query_one("#payment-reference").value == "AUTH-77", "what was typed is kept"
            assert stored(demo_db, number) == before
        await pilot.press("ctrl+s")  # the other program is done: the same answer goes through
        await wait_for(pilot, lambda: app.screen is not dialog, "the payment saved")
    assert stored(demo_db, number)[4] == before[4] + 1


async def test_a_status_change_behind_a_lock_is_one_notification_and_nothing_changes(bounded_store, demo_db):
    number = first_incomplete(demo_db)
    before = stored(demo_db, number)
    app = app_on(bounded_store)
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        with another_program_writing(demo_db):
            await choose_status(pilot, "Approved")
            await type_text(pilot, "Agreed on the phone")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: bool(error_notifications(app)), "the notice", limit=BOUND_MS / 1000 + 5)
            # Nothing typed is lost: the dialog is back with the choice, the comment and why.
            await wait_for(pilot, lambda: isinstance(app.screen, StatusDialog), "the status dialog again")
            dialog = app.screen
            assert dialog.chosen == "Approved"
            assert dialog.query_one("#status-comment").value == "Agreed on the phone"
            assert faults.LOCKED in " ".join(static_text(dialog.query_one("#status-error", Label)).split())
            assert app.focused is dialog.query_one("#status-comment")
        assert error_notifications(app) == [faults.LOCKED]
        assert [n.title for n in notifications(app) if n.severity == "error"] == ["Not saved"]
        assert app.is_running
        assert stored(demo_db, number) == before
        await pilot.press("ctrl+s")  # the other program is done: the same change goes through
        await wait_for(pilot, lambda: app.screen is screen, "the details again")
        await wait_for(pilot, lambda: stored(demo_db, number)[0] == "Approved", "the change stored")
    with closing(sqlite3.connect(demo_db)) as con:
        assert con.execute("SELECT summary FROM activity ORDER BY id DESC LIMIT 1").fetchone()[0].endswith(
            ": Agreed on the phone")


async def test_a_note_behind_a_lock_comes_back_with_its_text(bounded_store, demo_db):
    number = first_incomplete(demo_db)
    before = stored(demo_db, number)
    app = app_on(bounded_store)
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        screen = await jump_to(pilot, short(number), number)
        with another_program_writing(demo_db):
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog), "the note dialog")
            await type_text(pilot, "Parcel left with a neighbour")
            await pilot.press("enter")
            await wait_for(pilot, lambda: bool(error_notifications(app)), "the notice", limit=BOUND_MS / 1000 + 5)
            await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog), "the note dialog again")
            dialog = app.screen
            assert dialog.query_one("#note-text").value == "Parcel left with a neighbour"
            assert faults.LOCKED in " ".join(static_text(dialog.query_one("#note-error", Label)).split())
            assert stored(demo_db, number) == before
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the details again")
        await wait_for(pilot, lambda: stored(demo_db, number)[5] == before[5] + 1, "the note stored")


async def test_on_a_full_disk_the_list_reads_and_a_payment_says_the_disk_is_full(demo_db, tmp_path):
    from tests.cli.test_disk_full import fill, small_disk

    size_kb = demo_db.stat().st_size // 1024 + 1024
    with small_disk(tmp_path / "disk", size_kb) as disk:
        path = disk / "demo.db"
        path.write_bytes(demo_db.read_bytes())
        number = first_incomplete(path)
        before = stored(path, number)
        filler = fill(disk)
        store = Store(sqlite_url(path), lock_timeout=5000)
        try:
            app = app_on(store)
            async with app.run_test(size=SIZE) as pilot:
                dialog = await open_payment(pilot, number)  # the list, the order: read on the full disk
                await type_reference(pilot, dialog, "AUTH-78")
                await pilot.press("ctrl+s")
                await wait_for(pilot, lambda: not dialog.saving and bool(payment_error(dialog)), "the refusal",
                               limit=15)
                said = " ".join(payment_error(dialog).split())
                assert faults.DISK_FULL in said, said
                assert app.is_running and app.screen is dialog
                assert dialog.query_one("#payment-reference").value == "AUTH-78"
        finally:
            store.dispose()
        filler.unlink()
        assert stored(path, number) == before
