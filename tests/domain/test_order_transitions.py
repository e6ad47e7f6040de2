"""Exhaustive checks of the order lifecycle against the TRANSITIONS table."""

import itertools

import pytest

from hubtui.domain.errors import TransitionError
from hubtui.domain.orders import (
    FINAL_STATUSES,
    HOLDABLE_STATUSES,
    TRANSITIONS,
    CancelReason,
    OrderStatus,
    allowed_targets,
    check_transition,
)

S = OrderStatus
ALL_PAIRS = list(itertools.product(OrderStatus, OrderStatus))


def _attempt(current, target, held_from=None):
    """Try a move with a valid reason, so only the lifecycle decides."""
    check_transition(current, target, held_from=held_from, reason=CancelReason.Other)


def test_table_matches_spec_section_3():
    expected = {
        S.Incomplete: {S.Approved, S.Pending, S.AwaitingApproval, S.Cancelled},
        S.Pending: {S.Approved, S.AwaitingApproval, S.OnHold, S.Cancelled},
        S.AwaitingApproval: {S.Approved, S.OnHold, S.Cancelled},
        S.Approved: {S.SentToWarehouse, S.OnHold, S.AwaitingCustomerFeedback, S.Cancelled},
        S.OnHold: {S.Cancelled},
        S.AwaitingCustomerFeedback: {S.Approved, S.OnHold, S.Cancelled},
        S.SentToWarehouse: {S.AcceptedInWarehouse, S.ReturnedByWarehouse},
        S.AcceptedInWarehouse: {S.ReadyToDispatch, S.ReturnedByWarehouse},
        S.ReadyToDispatch: {S.PartiallyDispatched, S.Dispatched, S.ReturnedByWarehouse},
        S.PartiallyDispatched: {S.Dispatched},
        S.Dispatched: {S.Delivered},
        S.Delivered: set(),
        S.ReturnedByWarehouse: {S.Approved, S.OnHold, S.Cancelled},
        S.Cancelled: set(),
    }
    assert {k: set(v) for k, v in TRANSITIONS.items()} == expected


def test_status_values_in_spec_order():
    assert [s.value for s in OrderStatus] == (
        "Incomplete Pending AwaitingApproval Approved OnHold AwaitingCustomerFeedback "
        "SentToWarehouse AcceptedInWarehouse ReadyToDispatch PartiallyDispatched "
        "Dispatched Delivered ReturnedByWarehouse Cancelled"
    ).split()


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_every_pair_follows_the_table(current, target):
    if target in TRANSITIONS[current]:
        _attempt(current, target)
        assert target in allowed_targets(current)
    else:
        with pytest.raises(TransitionError) as info:
            _attempt(current, target)
        assert "\n" not in str(info.value)
        assert target not in allowed_targets(current)


@pytest.mark.parametrize(("held_from", "target"), ALL_PAIRS)
def test_releasing_a_hold_only_returns_to_where_it_was_held_from(held_from, target):
    may_return = held_from in HOLDABLE_STATUSES and target is held_from
    if target is S.Cancelled or may_return:
        _attempt(S.OnHold, target, held_from=held_from)
        assert target in allowed_targets(S.OnHold, held_from)
    else:
        with pytest.raises(TransitionError):
            _attempt(S.OnHold, target, held_from=held_from)
        assert target not in allowed_targets(S.OnHold, held_from)


def test_holdable_statuses_are_those_that_can_go_on_hold():
    assert HOLDABLE_STATUSES == {
        S.Pending, S.AwaitingApproval, S.Approved, S.AwaitingCustomerFeedback,
        S.ReturnedByWarehouse,
    }


@pytest.mark.parametrize("target", [s for s in OrderStatus if s not in (S.Cancelled, S.OnHold)])
def test_on_hold_without_known_origin_only_cancels(target):
    with pytest.raises(TransitionError, match="held from is not recorded"):
        _attempt(S.OnHold, target)


@pytest.mark.parametrize("current", [s for s in OrderStatus if S.Cancelled in TRANSITIONS[s]])
def test_cancelling_needs_a_reason(current):
    with pytest.raises(TransitionError, match="Cancelling needs a reason"):
        check_transition(current, S.Cancelled)
    with pytest.raises(TransitionError, match="not a cancel reason"):
        check_transition(current, S.Cancelled, reason="Bored")
    for reason in CancelReason:
        check_transition(current, S.Cancelled, reason=reason)
    check_transition(current, S.Cancelled, reason="Duplicate")


def test_reason_is_not_needed_for_other_moves():
    assert check_transition(S.Pending, S.Approved) is None


@pytest.mark.parametrize("status", list(OrderStatus))
def test_same_status_is_refused(status):
    with pytest.raises(TransitionError, match=f"already {status}"):
        _attempt(status, status, held_from=status)


def test_final_statuses_have_no_exits():
    assert FINAL_STATUSES == {S.Delivered, S.Cancelled}
    assert FINAL_STATUSES == {s for s, targets in TRANSITIONS.items() if not targets}


def test_messages():
    with pytest.raises(TransitionError) as info:
        check_transition(S.Dispatched, S.Approved)
    assert str(info.value) == "Cannot move an order from Dispatched to Approved; allowed: Delivered"
    with pytest.raises(TransitionError, match="Delivered is final"):
        check_transition(S.Delivered, S.Dispatched)
    with pytest.raises(TransitionError, match="'Shipped' is not an order status"):
        check_transition(S.Approved, "Shipped")


def test_statuses_may_be_given_as_stored_strings():
    check_transition("Approved", "SentToWarehouse")
    assert allowed_targets("OnHold", "Pending") == {S.Pending, S.Cancelled}
