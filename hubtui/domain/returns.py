"""The return (RMA) lifecycle and its quantity and refund limits (SPEC section 4)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from hubtui.domain.errors import TransitionError
from hubtui.domain.orders import OrderStatus as _O
from hubtui.domain.permissions import Permission as _P


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


# ---------------------------------------------------------------------------- who moves a return
#
# SPEC 8: agents raise returns and arrange pickups, supervisors approve or reject them, the
# warehouse receives and checks the goods. The outcomes (refund, replacement, credit note) are
# never a bare status move: each is written by its own service with the money or order it makes.

RMA_MOVE_PERMISSIONS: Mapping[RmaStatus, _P] = MappingProxyType({
    _R.ApproveRequest: _P.approve_return,
    _R.RejectRequest: _P.approve_return,
    _R.ExchangeDenied: _P.approve_return,
    _R.ReturnOutforPickup: _P.raise_return,
    _R.ReturnPickedup: _P.raise_return,
    _R.ReturnPickupRescheduled: _P.raise_return,
    _R.ReturnPickupCancelled: _P.raise_return,
    _R.ReturnReceived: _P.receive_return,
    _R.ReturnNotReceived: _P.receive_return,
    _R.RMAReceived: _P.receive_return,
    _R.RMAQCcomplete: _P.qc_return,
    _R.ReturnCantBeProcessed: _P.qc_return,
    _R.ProcessReturn: _P.raise_return,
    _R.ReturnProcessingProblem: _P.raise_return,
})

# Reached only through the service that makes what the status says was made.
RMA_OUTCOME_VERBS: Mapping[RmaStatus, str] = MappingProxyType({
    _R.RefundProcessed: "refund",
    _R.RefundPaymentProblems: "refund",
    _R.ReplacementOrderCreated: "replace",
    _R.CreditNoteCreated: "credit",
})


def status_moves(current: RmaStatus | str) -> tuple[RmaStatus, ...]:
    """The plain status moves from `current` (not the outcomes), in the order of RmaStatus."""
    allowed = RMA_TRANSITIONS[_rma_status(current)]
    return tuple(s for s in RmaStatus if s in allowed and s not in RMA_OUTCOME_VERBS)


def opening_status(action: ReturnAction | str) -> RmaStatus:
    """A customer's request opens as an exchange request or a return request."""
    return _R.ExchangeRequested if ReturnAction(action) is ReturnAction.Exchange else _R.ReturnRequested


# ---------------------------------------------------------------------------- the returns list

class ReturnsFilter(StrEnum):
    ALL = "all"
    OPEN = "open"
    AWAITING_APPROVAL = "awaiting-approval"
    AWAITING_RECEIPT = "awaiting-receipt"
    AWAITING_QC = "awaiting-qc"
    TO_PROCESS = "to-process"
    PROBLEMS = "problems"
    DONE_TODAY = "done-today"


RETURNS_FILTER_STATUSES: Mapping[ReturnsFilter, frozenset[RmaStatus]] = MappingProxyType({
    ReturnsFilter.ALL: frozenset(RmaStatus),
    ReturnsFilter.OPEN: frozenset(RmaStatus) - RMA_FINAL_STATUSES,
    ReturnsFilter.AWAITING_APPROVAL: frozenset({_R.ReturnRequested, _R.ExchangeRequested}),
    ReturnsFilter.AWAITING_RECEIPT: frozenset({
        _R.ApproveRequest, _R.ReturnOutforPickup, _R.ReturnPickedup, _R.ReturnPickupRescheduled,
        _R.ReturnPickupCancelled, _R.ReturnNotReceived, _R.CourierReturn, _R.DTO}),
    ReturnsFilter.AWAITING_QC: frozenset({_R.ReturnReceived, _R.RMAReceived}),
    ReturnsFilter.TO_PROCESS: frozenset({_R.RMAQCcomplete, _R.ProcessReturn}),
    ReturnsFilter.PROBLEMS: frozenset({_R.ReturnProcessingProblem, _R.RefundPaymentProblems}),
    ReturnsFilter.DONE_TODAY: RMA_FINAL_STATUSES,  # and changed today (the query adds the day)
})

# Where the warehouse may confirm goods as come back.
RECEIVABLE_STATUSES = frozenset(s for s in RmaStatus if _R.ReturnReceived in RMA_TRANSITIONS[s])
# Where the goods are in and QC may be passed.
QC_STATUSES = frozenset(s for s in RmaStatus if _R.RMAQCcomplete in RMA_TRANSITIONS[s])
# Where an outcome may be made: after QC (ProcessReturn is recorded on the way) or at ProcessReturn.
OUTCOME_READY = frozenset({_R.RMAQCcomplete, _R.ProcessReturn})


# ---------------------------------------------------------------------------- which orders may return

# The order's way through the warehouse: eligibility starts at one of these (a setting,
# Dispatched by default) and holds for every later one.
RETURN_PIPELINE: tuple[_O, ...] = (
    _O.Approved, _O.SentToWarehouse, _O.AcceptedInWarehouse, _O.ReadyToDispatch, _O.PartiallyDispatched,
    _O.Dispatched, _O.Delivered,
)
DEFAULT_ELIGIBLE_FROM = _O.Dispatched


def eligibility_refusal(order_status: str, eligible_from: str) -> str | None:
    """Why an order in `order_status` may not be returned yet, None when it may."""
    start = RETURN_PIPELINE.index(_O(eligible_from)) if eligible_from in RETURN_PIPELINE else \
        RETURN_PIPELINE.index(DEFAULT_ELIGIBLE_FROM)
    if order_status in RETURN_PIPELINE[start:]:
        return None
    return (f"The order is {order_status}: returns open from {RETURN_PIPELINE[start]} on "
            f"(the setting return_eligible_from).")


def parse_products(text: str) -> dict[str, int]:
    """Products typed for an exchange: stock codes separated by spaces or commas, each with an
    optional quantity as `2*CODE` or `CODE:2` (one by default). ValueError names what is wrong."""
    found: dict[str, int] = {}
    for token in text.replace(",", " ").split():
        quantity, star, code = token.partition("*")
        if not star:
            code, colon, quantity = token.rpartition(":")
            if not colon:
                code, quantity = token, "1"
        if not code or not quantity.isdigit() or int(quantity) < 1 or len(quantity) > 4:
            raise ValueError(f"{token!r}: give a stock code, or 2*CODE / CODE:2 for two of it.")
        found[code.upper()] = found.get(code.upper(), 0) + int(quantity)
    return found
