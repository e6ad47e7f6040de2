"""change_status: the lifecycle of SPEC 3, who may set which status, holds and cancels."""

from __future__ import annotations

import pytest

from hubtui.domain.errors import PermissionDenied, TransitionError
from hubtui.domain.orders import OrderStatus
from hubtui.domain.permissions import Permission, Role, can, status_permission
from hubtui.services.errors import ConflictError, InvalidInput
from hubtui.services.order_reads import get_order
from hubtui.services.order_writes import change_status

from .support import Catalog, Sql, place

ROLE_OF = {"alice": Role.agent, "wendy": Role.warehouse, "sam": Role.supervisor, "admin": Role.admin}


def test_walk_to_delivered_with_the_right_roles(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    wendy = context_for("wendy")
    order = place(alice, catalog)
    steps = [
        (alice, "Approved"),
        (alice, "SentToWarehouse"),
        (wendy, "AcceptedInWarehouse"),
        (wendy, "ReadyToDispatch"),
        (wendy, "PartiallyDispatched"),
        (wendy, "Dispatched"),
        (wendy, "Delivered"),
    ]
    previous = "Incomplete"
    for number_of_steps, (ctx, target) in enumerate(steps, start=1):
        detail = change_status(ctx, order.number, target, expected_version=number_of_steps)
        assert detail.status == target
        assert detail.version == number_of_steps + 1
        assert detail.updated_by == ctx.operator.user_name
        entry = detail.activity[0]
        assert (entry.action, entry.user_name) == ("status", ctx.operator.user_name)
        assert entry.before == {"status": previous, "held_from_status": None}
        sent = {"lines_dispatched_in_full": len(order.lines)} if target == "Dispatched" else {}
        assert entry.after == {"status": target, "held_from_status": None, "cancel_reason": None, **sent}
        row = sql.order(order.number)
        assert (row["status"], row["version"], row["updated_by"]) == (target, number_of_steps + 1, ctx.operator.user_name)
        previous = target

    history = [(a["action"], a["user_name"]) for a in sql.activity(order.number)]
    assert history == [("placed", "alice")] + [("status", c.operator.user_name) for c, _ in steps]
    with pytest.raises(TransitionError):
        change_status(context_for("admin"), order.number, "Cancelled", reason="Other")


@pytest.mark.parametrize("user", ["alice", "wendy", "sam", "admin"])
@pytest.mark.parametrize("target", ["Approved", "Cancelled", "OnHold", "SentToWarehouse", "Dispatched",
                                    "AcceptedInWarehouse", "ReturnedByWarehouse", "Delivered"])
def test_permission_follows_the_domain_rule(user: str, target: str, context_for, sql: Sql) -> None:
    """Each role either may set the status, or is refused before anything is read or written."""
    ctx = context_for(user)
    allowed = can(ROLE_OF[user], status_permission(OrderStatus(target)))
    # Spot checks of the rule itself, so a change in permissions.py cannot make this vacuous.
    if (user, target) in {("alice", "Dispatched"), ("wendy", "Approved"), ("wendy", "Cancelled")}:
        assert not allowed
    if user in ("sam", "admin") or (user == "wendy" and target == "Dispatched"):
        assert allowed
    # An order for which the move is legal, so only the permission decides.
    source = {
        "Approved": "Incomplete", "Cancelled": "Incomplete", "OnHold": "Pending",
        "SentToWarehouse": "Approved", "Dispatched": "ReadyToDispatch",
        "AcceptedInWarehouse": "SentToWarehouse", "ReturnedByWarehouse": "SentToWarehouse",
        "Delivered": "Dispatched",
    }[target]
    number = sql.scalar(
        "SELECT number FROM orders WHERE org_id = 1 AND status = ? ORDER BY id LIMIT 1", (source,)
    )
    before = sql.snapshot()
    if allowed:
        detail = change_status(ctx, number, target, reason="Other" if target == "Cancelled" else None)
        assert detail.status == target
        assert sql.order(number)["status"] == target
    else:
        with pytest.raises(PermissionDenied):
            change_status(ctx, number, target, reason="Other")
        assert sql.snapshot() == before
        assert sql.order(number)["status"] == source


def test_agent_may_not_dispatch(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    for target in ("Approved", "SentToWarehouse"):
        change_status(alice, order.number, target)
    wendy = context_for("wendy")
    change_status(wendy, order.number, "AcceptedInWarehouse")
    change_status(wendy, order.number, "ReadyToDispatch")
    before = sql.snapshot()
    with pytest.raises(PermissionDenied) as denied:
        change_status(alice, order.number, "Dispatched")
    assert "agent" in str(denied.value).lower()
    assert sql.snapshot() == before
    assert can(Role.agent, Permission.change_status)  # the refusal is about dispatch, not status in general


def test_warehouse_may_not_approve_or_cancel(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    wendy = context_for("wendy")
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(PermissionDenied):
        change_status(wendy, order.number, "Approved")
    with pytest.raises(PermissionDenied):
        change_status(wendy, order.number, "Cancelled", reason="CustomerRequest")
    assert sql.snapshot() == before


def test_on_hold_returns_only_where_it_was_held_from(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    change_status(alice, order.number, "Pending")
    held = change_status(alice, order.number, "OnHold")
    assert (held.status, held.held_from_status) == ("OnHold", "Pending")
    assert sql.order(order.number)["held_from_status"] == "Pending"
    assert held.activity[0].after == {"status": "OnHold", "held_from_status": "Pending", "cancel_reason": None}

    for wrong in ("Approved", "AwaitingApproval", "SentToWarehouse", "Incomplete"):
        before = sql.snapshot()
        with pytest.raises(TransitionError) as refused:
            change_status(alice, order.number, wrong)
        assert "Pending" in str(refused.value)
        assert sql.snapshot() == before

    released = change_status(alice, order.number, "Pending")
    assert (released.status, released.held_from_status) == ("Pending", None)
    row = sql.order(order.number)
    assert (row["status"], row["held_from_status"]) == ("Pending", None)
    assert released.activity[0].before == {"status": "OnHold", "held_from_status": "Pending"}

    # Held again from Approved: now Approved is the way back, Pending is not.
    change_status(alice, order.number, "Approved")
    change_status(alice, order.number, "OnHold")
    assert sql.order(order.number)["held_from_status"] == "Approved"
    with pytest.raises(TransitionError):
        change_status(alice, order.number, "Pending")
    assert change_status(alice, order.number, "Approved").held_from_status is None


def test_on_hold_can_be_cancelled_and_clears_the_hold(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    change_status(alice, order.number, "Approved")
    change_status(alice, order.number, "OnHold")
    cancelled = change_status(alice, order.number, "Cancelled", reason="StockIssue")
    assert (cancelled.status, cancelled.held_from_status, cancelled.cancel_reason) == ("Cancelled", None, "StockIssue")
    row = sql.order(order.number)
    assert (row["status"], row["held_from_status"], row["cancel_reason"]) == ("Cancelled", None, "StockIssue")


def test_cancel_needs_a_reason_and_stores_it(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(TransitionError) as refused:
        change_status(alice, order.number, "Cancelled")
    assert "reason" in str(refused.value)
    assert sql.snapshot() == before

    with pytest.raises(InvalidInput) as unknown:
        change_status(alice, order.number, "Cancelled", reason="Changed my mind")
    assert unknown.value.field == "reason"
    assert sql.snapshot() == before

    cancelled = change_status(alice, order.number, "Cancelled", reason="Duplicate")
    assert (cancelled.status, cancelled.cancel_reason) == ("Cancelled", "Duplicate")
    assert "Duplicate" in cancelled.activity[0].summary
    assert cancelled.activity[0].after["cancel_reason"] == "Duplicate"
    row = sql.order(order.number)
    assert (row["status"], row["cancel_reason"], row["version"]) == ("Cancelled", "Duplicate", 2)

    # Cancelled is final.
    with pytest.raises(TransitionError):
        change_status(alice, order.number, "Approved")


def test_unknown_status_is_invalid_input(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    before = sql.snapshot()
    for bad in ("Shipped", "approved", ""):
        with pytest.raises(InvalidInput) as refused:
            change_status(alice, order.number, bad)
        assert refused.value.field == "status"
    assert sql.snapshot() == before


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), "Dispatched"),
        ((), "SentToWarehouse"),
        ((), "Incomplete"),
        (("Approved",), "Pending"),
        (("Approved", "SentToWarehouse"), "Approved"),
        (("Approved", "SentToWarehouse"), "Cancelled"),
        (("Approved", "SentToWarehouse", "AcceptedInWarehouse", "ReadyToDispatch", "Dispatched"),
         "ReturnedByWarehouse"),
    ],
)
def test_illegal_transitions_change_nothing(path, target: str, context_for, catalog: Catalog, sql: Sql) -> None:
    sam = context_for("sam")  # a supervisor may set every status, so only the lifecycle refuses
    order = place(sam, catalog)
    for step in path:
        change_status(sam, order.number, step)
    before = sql.snapshot()
    row_before = dict(sql.order(order.number))
    with pytest.raises(TransitionError):
        change_status(sam, order.number, target, reason="Other")
    assert sql.snapshot() == before
    assert dict(sql.order(order.number)) == row_before
    assert len(get_order(sam, order.number).activity) == len(path) + 1


def test_returned_by_warehouse_goes_back_to_approved(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    wendy = context_for("wendy")
    order = place(alice, catalog)
    change_status(alice, order.number, "Approved")
    change_status(alice, order.number, "SentToWarehouse")
    returned = change_status(wendy, order.number, "ReturnedByWarehouse")
    assert returned.status == "ReturnedByWarehouse"
    again = change_status(alice, order.number, "Approved")
    assert again.status == "Approved"
    assert sql.order(order.number)["status"] == "Approved"


def test_stale_version_is_a_conflict(context_for, alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    change_status(context_for("pete"), order.number, "Pending")
    before = sql.snapshot()
    with pytest.raises(ConflictError) as conflict:
        change_status(alice, order.number, "Approved", expected_version=order.version)
    assert conflict.value.changed_by == "pete"
    assert conflict.value.current_version == 2
    assert sql.snapshot() == before


def test_an_agent_may_release_a_hold_it_may_place_even_back_to_a_warehouse_status(context_for, catalog) -> None:
    move = change_status
    alice, wendy = context_for("alice"), context_for("wendy")
    order = place(alice, catalog)
    for target, who in (("Approved", alice), ("SentToWarehouse", alice), ("ReturnedByWarehouse", wendy), ("OnHold", alice)):
        order = move(who, order.number, target)
    assert (order.status, order.held_from_status) == ("OnHold", "ReturnedByWarehouse")
    released = move(alice, order.number, "ReturnedByWarehouse")
    assert (released.status, released.held_from_status) == ("ReturnedByWarehouse", None)
    with pytest.raises(PermissionDenied):
        move(alice, order.number, "AcceptedInWarehouse")  # not a release: still the warehouse's to set


def test_a_comment_goes_into_the_activity_entry_of_the_change(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    moved = change_status(alice, order.number, "Approved", comment="  card checked with the bank  ")
    entry = moved.activity[0]
    assert entry.summary == "Status Incomplete → Approved: card checked with the bank"
    assert entry.after["comment"] == "card checked with the bank"
    held = change_status(alice, order.number, "OnHold")
    assert held.activity[0].summary == "Status Approved → OnHold" and "comment" not in held.activity[0].after


def test_a_comment_over_the_note_limit_changes_nothing(alice, catalog: Catalog, sql: Sql) -> None:
    from hubtui.domain.limits import NOTE_LIMIT

    order = place(alice, catalog)
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        change_status(alice, order.number, "Approved", comment="x" * (NOTE_LIMIT + 1))
    assert refused.value.field == "comment"
    assert sql.snapshot() == before


def test_cancelling_a_paid_order_leaves_its_money_owed_back(alice, catalog: Catalog, sql: Sql) -> None:
    from hubtui.services.order_payments import PaymentDraft, record_payment

    order = place(alice, catalog)
    paid = record_payment(alice, order.number, PaymentDraft(method="Cash", status="Paid"))
    assert paid.owed_to_customer == 0
    cancelled = change_status(alice, order.number, "Cancelled", reason="CustomerRequest")
    assert cancelled.owed_to_customer == paid.paid_total == order.order_total
