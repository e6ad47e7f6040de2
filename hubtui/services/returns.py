"""Raising a return and moving it along (SPEC 4): one transaction each, the permission SPEC 8
gives the move, an activity entry in the logs of both the return and its order.

Every write takes the order's write lock first and then the return's, as refunds do, so two
operators acting on one order's returns queue up instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.errors import TransitionError
from hubtui.domain.limits import text_problem
from hubtui.domain.numbers import format_rma_number
from hubtui.domain.permissions import Permission
from hubtui.domain.returns import (
    QC_STATUSES,
    RECEIVABLE_STATUSES,
    RMA_FINAL_STATUSES,
    RMA_MOVE_PERMISSIONS,
    RMA_OUTCOME_VERBS,
    RaisedFrom,
    ReturnAction,
    ReturnReason,
    RmaStatus,
    check_rma_transition,
    eligibility_refusal,
    opening_status,
)
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import ConflictError, InvalidInput
from hubtui.services.order_access import lock_order
from hubtui.services.org_settings import return_eligible_from
from hubtui.services.refusals import refusals_recorded
from hubtui.services.return_quotes import CLAIM_NOTHING, ReturnableLine, returnable_of
from hubtui.services.return_reads import find_return, get_return
from hubtui.services.return_views import ReturnDetail
from hubtui.store.sequences import RMA_NUMBERS, take_next
from hubtui.store.return_tables import Return, ReturnLine
from hubtui.store.tables import Order, OrderLine

OUTCOME_WORDS = {"refund": "recording the refund (f)", "replace": "creating the replacement order (r)",
                 "credit": "recording the credit note (c)"}


def _choice(kind: type, value: str, field: str, words: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(f"Unknown {words} '{value}'; one of {', '.join(k.value for k in kind)}.", field) from None


def clean_text(field: str, value: str) -> str:
    value = value.strip()
    problem = text_problem(field, value)
    if problem:
        raise InvalidInput(problem, field)
    return value


def line_numbers_for(lines: tuple[ReturnableLine, ...], by_code: Mapping[str, int]) -> dict[int, int]:
    """Stock code -> units, as line number -> units: a code on several lines fills them in order."""
    found: dict[int, int] = {}
    merged: dict[str, int] = {}
    typed: dict[str, str] = {}
    for code, wanted in by_code.items():  # "abc" and "ABC" are one product, not two claims on it
        key = code.strip().lower()
        merged[key] = merged.get(key, 0) + wanted
        typed.setdefault(key, code.strip())
    for code, wanted in merged.items():
        matching = [line for line in lines if line.stock_code.lower() == code]
        if not matching:
            raise InvalidInput(f"The order has no line for {typed[code]}.", "line")
        left = wanted
        for line in matching:
            take = min(left, line.returnable) if line is not matching[-1] else left
            if take:
                found[line.line_no] = found.get(line.line_no, 0) + take
            left -= take
    return found


def lock_return(session: Session, ctx: Context, number: str, expected_version: int | None) -> tuple[Return, Order]:
    """The return and its order under the write lock (the order first), its version checked."""
    rma = find_return(session, ctx, number)
    order = session.get(Order, rma.order_id)
    assert order is not None
    lock_order(session, ctx, order.number)
    # Both were read before the lock: on PostgreSQL another transaction (a refund) may have
    # committed since, and the locking SELECT does not overwrite what the session already holds.
    session.refresh(order)
    session.refresh(rma)
    if expected_version is not None and expected_version != rma.version:
        raise ConflictError(rma.number, rma.updated_by, rma.updated_at, rma.version)
    return rma, order


def refuse_if_closed(rma: Return, verb: str) -> None:
    if rma.status in RMA_FINAL_STATUSES:
        raise InvalidInput(f"{rma.number} is closed as {rma.status}: nothing more can be {verb}; "
                           "raise a new return if the customer asks again.", "status")


def refuse_if_units_taken(session: Session, rma: Return, target: RmaStatus) -> None:
    """A return that claims nothing (a cancelled pickup) claims its units again when it goes on:
    refused when other returns have claimed them since (SPEC 4: never more than was dispatched)."""
    order = session.get(Order, rma.order_id)
    assert order is not None
    lines = {line.order_line_id: line for line in returnable_of(session, order)}  # rma itself not counted
    for return_line in session.scalars(select(ReturnLine).where(ReturnLine.rma_id == rma.id)):
        line = lines[return_line.order_line_id]
        if return_line.quantity > line.returnable:
            raise InvalidInput(f"{rma.number} cannot move to {target.value}: line {line.line_no} ({line.stock_code}) "
                               f"asks for {return_line.quantity}, but other returns have claimed all but "
                               f"{line.returnable} of {line.dispatched} dispatched since {rma.status}; raise a new "
                               "return for what is left.", "status")


def record_move(session: Session, ctx: Context, rma: Return, target: RmaStatus, *, comment: str = "",
                summary: str = "", after: dict[str, Any] | None = None) -> None:
    """Move the return to `target` (checked against the domain's table) and log it on both logs."""
    try:
        check_rma_transition(RmaStatus(rma.status), target)
    except TransitionError as error:
        raise InvalidInput(str(error), "status") from None
    if rma.status in CLAIM_NOTHING and target not in CLAIM_NOTHING:
        refuse_if_units_taken(session, rma, target)
    was = rma.status
    rma.status = target.value
    rma.version += 1
    rma.updated_at = ctx.now()
    rma.updated_by = ctx.operator.user_name
    words = summary or f"Return {rma.number} {was} → {target.value}"
    if comment:
        words += f": {comment}"
    audit.record(session, ctx, order_id=rma.order_id, rma_id=rma.id, action="return", summary=words,
                 before={"status": was}, after={"status": target.value, **({"comment": comment} if comment else {}),
                                                **(after or {})})


@refusals_recorded("raise return")
def create_return(ctx: Context, number: str, quantities: Mapping[int, int], *, action: str, reason: str,
                  raised_from: str = RaisedFrom.CustomerSupport.value, comment: str = "") -> ReturnDetail:
    """Raise a return of `quantities` (order line number -> units) of the order numbered `number`."""
    ctx.require(Permission.raise_return)
    action_value = _choice(ReturnAction, action, "action", "return action")
    reason_value = _choice(ReturnReason, reason, "reason", "return reason")
    via = _choice(RaisedFrom, raised_from, "raised_from", "place a return is raised")
    comment = clean_text("comment", comment)
    wanted = {line_no: units for line_no, units in quantities.items() if units}
    if any(units < 0 for units in wanted.values()):
        raise InvalidInput("A quantity to return cannot be negative.", "quantity")
    if not wanted:
        raise InvalidInput("Choose at least one unit to return.", "quantity")
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        refusal = eligibility_refusal(order.status, return_eligible_from(session, order.org_id))
        if refusal:
            raise InvalidInput(f"{order.number} cannot be returned yet. {refusal}", "order")
        lines = {line.line_no: line for line in returnable_of(session, order)}
        for line_no, units in sorted(wanted.items()):
            line = lines.get(line_no)
            if line is None:
                raise InvalidInput(f"{order.number} has no line {line_no}.", "quantity", line=line_no)
            if units > line.returnable:
                raise InvalidInput(f"Line {line_no} ({line.stock_code}): {units} to return, but only "
                                   f"{line.returnable} of {line.dispatched} dispatched can come back.",
                                   "quantity", line=line_no)
        now = ctx.now()
        rma_number = format_rma_number(take_next(session, RMA_NUMBERS))
        status = opening_status(action_value)
        rma = Return(org_id=order.org_id, number=rma_number, order_id=order.id, status=status.value,  # type: ignore[arg-type]
                     action=action_value.value, reason=reason_value.value, raised_from=via.value, note=comment,
                     created_at=now, created_by=ctx.operator.user_name, updated_at=now,
                     updated_by=ctx.operator.user_name)
        session.add(rma)
        session.flush()
        for line_no, units in sorted(wanted.items()):
            session.add(ReturnLine(rma_id=rma.id, order_line_id=lines[line_no].order_line_id, quantity=units,  # type: ignore[arg-type]
                                   reason=reason_value.value))
        units = sum(wanted.values())
        summary = (f"Return {rma_number} raised: {units} unit(s) on {len(wanted)} line(s) for "
                   f"{action_value.value} ({reason_value.value}) via {via.value}")
        if comment:
            summary += f": {comment}"
        audit.record(session, ctx, order_id=order.id, rma_id=rma.id, action="return", summary=summary,
                     after={"status": status.value, "lines": {lines[n].stock_code: u for n, u in wanted.items()},
                            "action": action_value.value, "reason": reason_value.value, "raised_from": via.value})
    return get_return(ctx, rma_number)


@refusals_recorded("move return")
def move_return(ctx: Context, number: str, target: str, *, comment: str = "",
                expected_version: int | None = None) -> ReturnDetail:
    """A plain status move (approve, reject, pickup, QC failed, ...) with an optional comment."""
    status = _choice(RmaStatus, target, "status", "return status")
    if status in RMA_OUTCOME_VERBS:
        raise InvalidInput(f"{status.value} is reached by {OUTCOME_WORDS[RMA_OUTCOME_VERBS[status]]}, "
                           "not by a status move.", "status")
    if status is RmaStatus.ReturnReceived:
        return receive_return(ctx, number, None, comment=comment, expected_version=expected_version)
    needs = RMA_MOVE_PERMISSIONS.get(status)
    if needs is None:
        raise InvalidInput(f"A return never moves to {status.value}: it opens there.", "status")
    ctx.require(needs)
    comment = clean_text("comment", comment)
    with ctx.store.write() as session:
        rma, _order = lock_return(session, ctx, number, expected_version)
        refuse_if_closed(rma, "changed")
        record_move(session, ctx, rma, status, comment=comment)
        rma_number = rma.number
    return get_return(ctx, rma_number)


@refusals_recorded("receive return")
def receive_return(ctx: Context, number: str, received: Mapping[int, int] | None = None, *, comment: str = "",
                   expected_version: int | None = None) -> ReturnDetail:
    """The warehouse confirms what came back (line number -> units; None: all that was expected).
    Nothing at all is ReturnNotReceived; anything is ReturnReceived."""
    ctx.require(Permission.receive_return)
    comment = clean_text("comment", comment)
    with ctx.store.write() as session:
        rma, _order = lock_return(session, ctx, number, expected_version)
        refuse_if_closed(rma, "received")
        if rma.status not in RECEIVABLE_STATUSES:
            raise InvalidInput(f"{rma.number} is {rma.status}: goods are received only while a return waits for "
                               f"them ({', '.join(s.value for s in RmaStatus if s in RECEIVABLE_STATUSES)}).",
                               "status")
        by_line_no = {line.line_no: (return_line, line) for return_line, line in session.execute(
            select(ReturnLine, OrderLine).join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
            .where(ReturnLine.rma_id == rma.id))}
        counted = {n: (rl.quantity if received is None else received.get(n, 0)) for n, (rl, _) in by_line_no.items()}
        for line_no in (received or {}):
            if line_no not in by_line_no:
                raise InvalidInput(f"{rma.number} has no line {line_no}.", "quantity", line=line_no)
        for line_no, units in counted.items():
            return_line, line = by_line_no[line_no]
            if units < 0 or units > return_line.quantity:
                raise InvalidInput(f"Line {line_no} ({line.stock_code}): {units} received, but {return_line.quantity} "
                                   "were expected.", "quantity", line=line_no)
        total, expected = sum(counted.values()), sum(rl.quantity for rl, _ in by_line_no.values())
        if total == 0:
            record_move(session, ctx, rma, RmaStatus.ReturnNotReceived, comment=comment,
                        summary=f"Return {rma.number}: nothing of {expected} unit(s) received")
        else:
            for line_no, units in counted.items():
                by_line_no[line_no][0].received_quantity = units
            record_move(session, ctx, rma, RmaStatus.ReturnReceived, comment=comment,
                        summary=f"Return {rma.number}: {total} of {expected} unit(s) received",
                        after={"received": {by_line_no[n][1].stock_code: u for n, u in counted.items()}})
        rma_number = rma.number
    return get_return(ctx, rma_number)


@refusals_recorded("QC return")
def pass_qc(ctx: Context, number: str, *, note: str = "", passed: bool = True,
            expected_version: int | None = None) -> ReturnDetail:
    """QC of received goods: RMAQCcomplete with the note; not passed goes on to ReturnCantBeProcessed."""
    ctx.require(Permission.qc_return)
    note = clean_text("comment", note)
    with ctx.store.write() as session:
        rma, _order = lock_return(session, ctx, number, expected_version)
        refuse_if_closed(rma, "checked")
        if rma.status not in QC_STATUSES:
            raise InvalidInput(f"{rma.number} is {rma.status}: QC follows receiving the goods "
                               f"({', '.join(s.value for s in RmaStatus if s in QC_STATUSES)}).", "status")
        record_move(session, ctx, rma, RmaStatus.RMAQCcomplete, comment=note,
                    summary=f"Return {rma.number} QC complete" + ("" if passed else " (failed)"))
        if not passed:
            record_move(session, ctx, rma, RmaStatus.ReturnCantBeProcessed, comment=note)
        rma_number = rma.number
    return get_return(ctx, rma_number)


__all__ = ["create_return", "line_numbers_for", "lock_return", "move_return", "pass_qc", "receive_return",
           "record_move", "refuse_if_closed", "refuse_if_units_taken"]
