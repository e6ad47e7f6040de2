"""Issue 11 on PostgreSQL: lines and discounts edited against the version seen, promotions with
their dates, and attachments kept in the database (the organisation's setting)."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from hubtui.domain.order_edits import AddProduct, SetQuantity
from hubtui.services import database
from hubtui.services.attachments import IN_DATABASE, STORAGE_SETTING, attach_file, attachment_folder, save_attachment
from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.services.errors import ConflictError, InvalidInput
from hubtui.services.order_discounts import apply_promotion
from hubtui.services.order_lines import change_lines
from hubtui.services.order_reads import get_order, list_orders
from hubtui.domain.order_query import OrderQuery
from hubtui.store.engine import Store
from tests.conftest import FIXED_NOW, fixed_clock


def test_lines_discounts_and_attachments_on_postgres(pg_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HUBTUI_ATTACHMENTS_DIR", str(tmp_path / "folder"))
    store = Store(pg_url)
    database.upgrade(store)
    load_demo(store, orders=200, seed=5, now=FIXED_NOW)
    alice = open_context(store, "alice", clock=fixed_clock, tz=timezone.utc)
    pete = open_context(store, "pete", clock=fixed_clock, tz=timezone.utc)
    number = list_orders(alice, OrderQuery(status="Approved")).rows[0].number
    seen = get_order(alice, number)
    with store.read() as session:
        code = session.execute(text("SELECT stock_code FROM products WHERE org_id = :org AND active ORDER BY id "
                                    "LIMIT 1"), {"org": alice.operator.org_id}).scalar_one()
    changed = change_lines(pete, number, [AddProduct(code, 2)], expected_version=seen.version)
    with pytest.raises(ConflictError, match="pete"):
        change_lines(alice, number, [SetQuantity(1, 5)], expected_version=seen.version)
    assert get_order(alice, number).lines == changed.lines
    with pytest.raises(InvalidInput, match="NEWYEAR25 starts on"):
        apply_promotion(alice, number, "NEWYEAR25")  # dates stored without a zone, compared as UTC
    discounted = apply_promotion(alice, number, "SAVE10")
    assert discounted.discount_total == (changed.lines_total + 5) // 10

    with store.write() as session:
        session.execute(text("INSERT INTO org_settings (org_id, key, value) VALUES (:org, :key, :value)"),
                        {"org": alice.operator.org_id, "key": STORAGE_SETTING, "value": IN_DATABASE})
    source = tmp_path / "note.txt"
    source.write_bytes(b"Gate code 4321\n")
    view = attach_file(alice, number, str(source))
    assert not attachment_folder(store).exists()
    assert save_attachment(alice, number, view.id, str(tmp_path / "copy.txt")).read_bytes() == b"Gate code 4321\n"
    store.dispose()
