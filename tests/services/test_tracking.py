"""set_tracking: carrier, number and link from ReadyToDispatch on; refused by the service itself."""

from __future__ import annotations

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.orders import TRACKING_STATUSES, OrderStatus
from hubtui.services.errors import ConflictError, InvalidInput
from hubtui.services.order_tracking import Tracking, set_tracking

from .support import Catalog, Sql, place

LINK = "https://track.example.com/parcel/TRK42?lang=en&ref=" + "a" * 1500  # longer than the old 400


def _at(status: OrderStatus, ctx, catalog: Catalog, sql: Sql) -> str:
    order = place(ctx, catalog)
    assert sql.execute("UPDATE orders SET status = ? WHERE number = ?", (status.value, order.number)) == 1
    return order.number


@pytest.mark.parametrize("status", list(OrderStatus), ids=str)
def test_tracking_is_set_only_from_ready_to_dispatch_on(status, context_for, alice, catalog: Catalog,
                                                        sql: Sql) -> None:
    number = _at(status, alice, catalog, sql)
    wendy = context_for("wendy")
    if status not in TRACKING_STATUSES:
        before = sql.snapshot()
        with pytest.raises(InvalidInput, match=f"is {status.value}: tracking is set from ReadyToDispatch on"):
            set_tracking(wendy, number, Tracking("DPD", "TRK42", LINK))
        assert sql.snapshot() == before
        return
    detail = set_tracking(wendy, number, Tracking(" DPD ", "TRK42", LINK))
    assert (detail.tracking_carrier, detail.tracking_number, detail.tracking_link) == ("DPD", "TRK42", LINK)
    row = sql.order(number)
    assert (row["tracking_carrier"], row["tracking_number"], row["tracking_link"], row["updated_by"]) == (
        "DPD", "TRK42", LINK, "wendy")
    entry = detail.activity[0]
    assert (entry.action, entry.summary, entry.user_name) == ("tracking", "Tracking set: DPD TRK42", "wendy")
    assert entry.before == {"carrier": "", "number": "", "link": ""}
    assert entry.after == {"carrier": "DPD", "number": "TRK42", "link": LINK}


def test_changing_it_after_dispatch_is_audited_with_before_and_after(context_for, alice, catalog: Catalog,
                                                                     sql: Sql) -> None:
    number = _at(OrderStatus.Dispatched, alice, catalog, sql)
    wendy = context_for("wendy")
    first = set_tracking(wendy, number, Tracking("DPD", "TRK1"))
    changed = set_tracking(wendy, number, Tracking("Evri", "H00A1", "https://evri.com/t/H00A1"),
                           expected_version=first.version)
    entry = changed.activity[0]
    assert entry.summary == "Tracking changed: Evri H00A1"
    assert entry.before == {"carrier": "DPD", "number": "TRK1", "link": ""}
    with pytest.raises(InvalidInput, match="already has this tracking"):
        set_tracking(wendy, number, Tracking("Evri", "H00A1", "https://evri.com/t/H00A1"))


def test_bad_fields_are_all_named_and_nothing_is_written(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    number = _at(OrderStatus.ReadyToDispatch, alice, catalog, sql)
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        set_tracking(context_for("wendy"), number, Tracking("x" * 65, "", "javascript:alert(1)"))
    assert set(refused.value.problems) == {"tracking_carrier", "tracking_number", "tracking_link"}
    assert sql.snapshot() == before


def test_a_stale_change_is_refused_naming_who_changed_the_order(context_for, alice, catalog: Catalog,
                                                                 sql: Sql) -> None:
    number = _at(OrderStatus.ReadyToDispatch, alice, catalog, sql)
    seen = set_tracking(context_for("wendy"), number, Tracking("DPD", "TRK1"))
    set_tracking(context_for("sam"), number, Tracking("DPD", "TRK2"))
    before = sql.snapshot()
    with pytest.raises(ConflictError, match="sam"):
        set_tracking(context_for("wendy"), number, Tracking("DPD", "TRK3"), expected_version=seen.version)
    assert sql.snapshot() == before


def test_an_agent_may_not_set_tracking(alice, catalog: Catalog, sql: Sql) -> None:
    number = _at(OrderStatus.ReadyToDispatch, alice, catalog, sql)
    before = sql.snapshot()
    with pytest.raises(PermissionDenied):
        set_tracking(alice, number, Tracking("DPD", "TRK1"))
    assert sql.snapshot() == before
