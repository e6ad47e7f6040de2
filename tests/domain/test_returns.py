import itertools
from collections import deque

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hubtui.domain.errors import TransitionError
from hubtui.domain.returns import (
    RMA_FINAL_STATUSES,
    RMA_INITIAL_STATUSES,
    RMA_TRANSITIONS,
    RaisedFrom,
    ReturnAction,
    ReturnReason,
    RmaStatus,
    check_rma_transition,
    refund_cap,
    returnable_quantity,
)

R = RmaStatus


def test_enum_values_in_spec_order():
    assert [s.value for s in RmaStatus] == (
        "ReturnRequested ApproveRequest RejectRequest ReturnReceived ProcessReturn "
        "ReturnCantBeProcessed ReturnProcessingProblem ReturnNotReceived "
        "ReplacementOrderCreated RefundProcessed RefundPaymentProblems CreditNoteCreated "
        "CourierReturn DTO ExchangeDenied ExchangeRequested ReturnOutforPickup ReturnPickedup "
        "ReturnPickupCancelled ReturnPickupRescheduled RMAQCcomplete RMAReceived"
    ).split()
    assert [a.value for a in ReturnAction] == ["Refund", "Replacement", "Exchange", "CreditNote"]
    assert [r.value for r in ReturnReason] == [
        "Damaged", "Faulty", "WrongItem", "NotAsDescribed", "NoLongerNeeded", "Late", "Other",
    ]
    assert [r.value for r in RaisedFrom] == ["MyAccount", "CustomerSupport", "InStore", "Courier"]


def test_table_covers_every_status_and_stays_inside_it():
    assert set(RMA_TRANSITIONS) == set(RmaStatus)
    for targets in RMA_TRANSITIONS.values():
        assert targets <= set(RmaStatus)


def test_table_is_exactly_the_agreed_lifecycle():
    expected = {
        R.ReturnRequested: {R.ApproveRequest, R.RejectRequest},
        R.ExchangeRequested: {R.ApproveRequest, R.ExchangeDenied},
        R.ApproveRequest: {R.ReturnOutforPickup, R.ReturnReceived, R.ReturnNotReceived},
        R.RejectRequest: set(),
        R.ExchangeDenied: set(),
        R.ReturnOutforPickup: {R.ReturnPickedup, R.ReturnPickupRescheduled, R.ReturnPickupCancelled},
        R.ReturnPickupRescheduled: {R.ReturnOutforPickup, R.ReturnPickupCancelled},
        R.ReturnPickupCancelled: {R.ReturnOutforPickup, R.ReturnReceived, R.ReturnNotReceived},
        R.ReturnPickedup: {R.ReturnReceived, R.ReturnNotReceived},
        R.ReturnNotReceived: {R.ReturnReceived},
        R.CourierReturn: {R.ReturnReceived},
        R.DTO: {R.ReturnReceived},
        R.ReturnReceived: {R.RMAReceived, R.RMAQCcomplete},
        R.RMAReceived: {R.RMAQCcomplete},
        R.RMAQCcomplete: {R.ProcessReturn, R.ReturnCantBeProcessed},
        R.ReturnCantBeProcessed: set(),
        R.ProcessReturn: {
            R.RefundProcessed, R.ReplacementOrderCreated, R.CreditNoteCreated,
            R.ReturnProcessingProblem, R.RefundPaymentProblems,
        },
        R.ReturnProcessingProblem: {R.ProcessReturn},
        R.RefundPaymentProblems: {R.RefundProcessed},
        R.RefundProcessed: set(),
        R.ReplacementOrderCreated: set(),
        R.CreditNoteCreated: set(),
    }
    assert {k: set(v) for k, v in RMA_TRANSITIONS.items()} == expected


def test_spec_main_path_moves():
    moves = [
        (R.ReturnRequested, R.ApproveRequest),
        (R.ReturnRequested, R.RejectRequest),
        (R.ExchangeRequested, R.ApproveRequest),
        (R.ExchangeRequested, R.ExchangeDenied),
        (R.ApproveRequest, R.ReturnOutforPickup),
        (R.ApproveRequest, R.ReturnReceived),
        (R.ApproveRequest, R.ReturnNotReceived),
        (R.ReturnOutforPickup, R.ReturnPickedup),
        (R.ReturnOutforPickup, R.ReturnPickupRescheduled),
        (R.ReturnOutforPickup, R.ReturnPickupCancelled),
        (R.ReturnPickupRescheduled, R.ReturnOutforPickup),
        (R.ReturnPickedup, R.ReturnReceived),
        (R.ReturnPickedup, R.ReturnNotReceived),
        (R.ReturnNotReceived, R.ReturnReceived),
        (R.CourierReturn, R.ReturnReceived),
        (R.DTO, R.ReturnReceived),
        (R.ReturnReceived, R.RMAReceived),
        (R.ReturnReceived, R.RMAQCcomplete),
        (R.RMAReceived, R.RMAQCcomplete),
        (R.RMAQCcomplete, R.ProcessReturn),
        (R.RMAQCcomplete, R.ReturnCantBeProcessed),
        (R.ProcessReturn, R.RefundProcessed),
        (R.ProcessReturn, R.ReplacementOrderCreated),
        (R.ProcessReturn, R.CreditNoteCreated),
        (R.ProcessReturn, R.RefundPaymentProblems),
        (R.RefundPaymentProblems, R.RefundProcessed),
        (R.ProcessReturn, R.ReturnProcessingProblem),
        (R.ReturnProcessingProblem, R.ProcessReturn),
    ]
    assert [check_rma_transition(current, target) for current, target in moves] == [None] * len(moves) != []


def test_finals():
    assert {R.RejectRequest, R.ExchangeDenied} <= RMA_FINAL_STATUSES
    assert RMA_FINAL_STATUSES == {
        R.RejectRequest, R.ExchangeDenied, R.ReturnCantBeProcessed, R.RefundProcessed,
        R.ReplacementOrderCreated, R.CreditNoteCreated,
    }


@pytest.mark.parametrize(("current", "target"), list(itertools.product(RmaStatus, RmaStatus)))
def test_every_pair_follows_the_table(current, target):
    if target in RMA_TRANSITIONS[current]:
        assert check_rma_transition(current, target) is None
    else:
        with pytest.raises(TransitionError) as info:
            check_rma_transition(current, target)
        assert "\n" not in str(info.value)


def test_messages():
    with pytest.raises(TransitionError, match="closed as RejectRequest; raise a new return"):
        check_rma_transition(R.RejectRequest, R.ApproveRequest)
    with pytest.raises(TransitionError, match="already ProcessReturn"):
        check_rma_transition(R.ProcessReturn, R.ProcessReturn)
    with pytest.raises(TransitionError, match="allowed: ApproveRequest, RejectRequest"):
        check_rma_transition(R.ReturnRequested, R.RefundProcessed)
    with pytest.raises(TransitionError, match="'Lost' is not a return status"):
        check_rma_transition(R.ReturnRequested, "Lost")


def _reachable(starts):
    seen, queue = set(starts), deque(starts)
    while queue:
        for target in RMA_TRANSITIONS[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def test_every_status_is_reachable_from_an_opening_status():
    assert _reachable(RMA_INITIAL_STATUSES) == set(RmaStatus)


def test_every_status_can_still_reach_a_final_status():
    stuck = [status for status in RmaStatus if not _reachable([status]) & RMA_FINAL_STATUSES]
    assert stuck == [] and len(RmaStatus) > len(RMA_FINAL_STATUSES)


class RmaLifecycle(RuleBasedStateMachine):
    """Random walks from ReturnRequested, probing refused moves along the way."""

    def __init__(self):
        super().__init__()
        self.status = R.ReturnRequested

    @precondition(lambda self: RMA_TRANSITIONS[self.status])
    @rule(data=st.data())
    def advance(self, data):
        target = data.draw(st.sampled_from(sorted(RMA_TRANSITIONS[self.status])))
        check_rma_transition(self.status, target)
        self.status = target

    @rule(candidate=st.sampled_from(RmaStatus))
    def probe_any_move(self, candidate):
        if candidate in RMA_TRANSITIONS[self.status]:
            check_rma_transition(self.status, candidate)
        else:
            with pytest.raises(TransitionError):
                check_rma_transition(self.status, candidate)

    @invariant()
    def stays_within_rma_statuses(self):
        assert isinstance(self.status, RmaStatus)
        assert self.status in RMA_TRANSITIONS

    @invariant()
    def finals_have_no_exits(self):
        if self.status in RMA_FINAL_STATUSES:
            assert not RMA_TRANSITIONS[self.status]
            for target in RmaStatus:
                with pytest.raises(TransitionError):
                    check_rma_transition(self.status, target)


# Every walk reaches a final status well within 20 steps; longer runs only
# repeat probes of a closed return.
RmaLifecycle.TestCase.settings = settings(stateful_step_count=20)
TestRmaLifecycle = RmaLifecycle.TestCase


@pytest.mark.parametrize(
    ("dispatched", "claimed", "expected"), [(5, 0, 5), (5, 2, 3), (5, 5, 0), (5, 7, 0), (0, 0, 0)]
)
def test_returnable_quantity(dispatched, claimed, expected):
    assert returnable_quantity(dispatched, claimed) == expected


@pytest.mark.parametrize(
    ("paid_for", "refundable", "expected"),
    [(1000, 5000, 1000), (1000, 400, 400), (1000, 0, 0), (1000, -50, 0), (0, 100, 0)],
)
def test_refund_cap(paid_for, refundable, expected):
    assert refund_cap(paid_for, refundable) == expected
