"""The return (RMA) lifecycle and its quantity and refund limits (SPEC section 4)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from hubtui.domain.errors import TransitionError


class RmaStatus(StrEnum):
    ReturnRequested = "ReturnRequested"
    ApproveRequest = "ApproveRequest"
    RejectRequest = "RejectRequest"
    ReturnReceived = "ReturnReceived"
    ProcessReturn = "ProcessReturn"
    ReturnCantBeProcessed = "ReturnCantBeProcessed"
    ReturnProcessingProblem = "ReturnProcessingProblem"
    ReturnNotReceived = "ReturnNotReceived"
    ReplacementOrderCreated = "ReplacementOrderCreated"
    RefundProcessed = "RefundProcessed"
    RefundPaymentProblems = "RefundPaymentProblems"
    CreditNoteCreated = "CreditNoteCreated"
    CourierReturn = "CourierReturn"
    DTO = "DTO"
    ExchangeDenied = "ExchangeDenied"
    ExchangeRequested = "ExchangeRequested"
    ReturnOutforPickup = "ReturnOutforPickup"
    ReturnPickedup = "ReturnPickedup"
    ReturnPickupCancelled = "ReturnPickupCancelled"
    ReturnPickupRescheduled = "ReturnPickupRescheduled"
    RMAQCcomplete = "RMAQCcomplete"
    RMAReceived = "RMAReceived"


class ReturnAction(StrEnum):
    Refund = "Refund"
    Replacement = "Replacement"
    Exchange = "Exchange"
    CreditNote = "CreditNote"


class ReturnReason(StrEnum):
    Damaged = "Damaged"
    Faulty = "Faulty"
    WrongItem = "WrongItem"
    NotAsDescribed = "NotAsDescribed"
    NoLongerNeeded = "NoLongerNeeded"
    Late = "Late"
    Other = "Other"


class RaisedFrom(StrEnum):
    MyAccount = "MyAccount"
    CustomerSupport = "CustomerSupport"
    InStore = "InStore"
    Courier = "Courier"


_R = RmaStatus

# A return opens in one of these: asked for by the customer, or sent back by
# the courier (CourierReturn, DTO) without being asked for.
RMA_INITIAL_STATUSES = frozenset(
    {_R.ReturnRequested, _R.ExchangeRequested, _R.CourierReturn, _R.DTO}
)

_OUTCOMES = frozenset({_R.RefundProcessed, _R.ReplacementOrderCreated, _R.CreditNoteCreated})

RMA_TRANSITIONS: Mapping[RmaStatus, frozenset[RmaStatus]] = MappingProxyType(
    {
        _R.ReturnRequested: frozenset({_R.ApproveRequest, _R.RejectRequest}),
        _R.ExchangeRequested: frozenset({_R.ApproveRequest, _R.ExchangeDenied}),
        _R.ApproveRequest: frozenset(
            {_R.ReturnOutforPickup, _R.ReturnReceived, _R.ReturnNotReceived}
        ),
        _R.RejectRequest: frozenset(),
        _R.ExchangeDenied: frozenset(),
        _R.ReturnOutforPickup: frozenset(
            {_R.ReturnPickedup, _R.ReturnPickupRescheduled, _R.ReturnPickupCancelled}
        ),
        _R.ReturnPickupRescheduled: frozenset(
            {_R.ReturnOutforPickup, _R.ReturnPickupCancelled}
        ),
        # SPEC is silent here. A cancelled pickup can be rebooked, the customer
        # may still bring or post the goods, or the return is closed as never
        # received; making it final would strand goods that do turn up.
        _R.ReturnPickupCancelled: frozenset(
            {_R.ReturnOutforPickup, _R.ReturnReceived, _R.ReturnNotReceived}
        ),
        _R.ReturnPickedup: frozenset({_R.ReturnReceived, _R.ReturnNotReceived}),
        # Goods written off as not received sometimes arrive late.
        _R.ReturnNotReceived: frozenset({_R.ReturnReceived}),
        _R.CourierReturn: frozenset({_R.ReturnReceived}),
        _R.DTO: frozenset({_R.ReturnReceived}),
        _R.ReturnReceived: frozenset({_R.RMAReceived, _R.RMAQCcomplete}),
        _R.RMAReceived: frozenset({_R.RMAQCcomplete}),
        _R.RMAQCcomplete: frozenset({_R.ProcessReturn, _R.ReturnCantBeProcessed}),
        # Failing QC ends the return; SPEC lists only the two problem states
        # as retryable.
        _R.ReturnCantBeProcessed: frozenset(),
        _R.ProcessReturn: _OUTCOMES
        | {_R.ReturnProcessingProblem, _R.RefundPaymentProblems},
        _R.ReturnProcessingProblem: frozenset({_R.ProcessReturn}),
        _R.RefundPaymentProblems: frozenset({_R.RefundProcessed}),
        _R.RefundProcessed: frozenset(),
        _R.ReplacementOrderCreated: frozenset(),
        _R.CreditNoteCreated: frozenset(),
    }
)

RMA_FINAL_STATUSES = frozenset(s for s, targets in RMA_TRANSITIONS.items() if not targets)


def _rma_status(value: RmaStatus | str) -> RmaStatus:
    try:
        return RmaStatus(value)
    except ValueError:
        raise TransitionError(f"{value!r} is not a return status") from None


def check_rma_transition(current: RmaStatus, target: RmaStatus) -> None:
    """Refuse, with a message for the operator, a move SPEC 4 does not allow."""
    current, target = _rma_status(current), _rma_status(target)
    if current is target:
        raise TransitionError(f"The return is already {current}")
    allowed = RMA_TRANSITIONS[current]
    if target in allowed:
        return
    if not allowed:
        raise TransitionError(
            f"The return is closed as {current}; raise a new return instead of "
            f"moving it to {target}"
        )
    names = ", ".join(s for s in RmaStatus if s in allowed)
    raise TransitionError(
        f"Cannot move a return from {current} to {target}; allowed: {names}"
    )


def returnable_quantity(dispatched: int, claimed_by_other_returns: int) -> int:
    """How many units a new return line may claim."""
    return max(0, dispatched - claimed_by_other_returns)


def refund_cap(paid_for_units: int, still_refundable: int) -> int:
    """The most a return may refund: what its units cost, within what is left."""
    return max(0, min(paid_for_units, still_refundable))
