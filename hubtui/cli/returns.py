"""`hubtui returns …`: raise a return (RMA), list and show returns, and move one along to its
refund, replacement or credit note, with the same services as the TUI's returns screens.

Stock codes stand for line numbers here (`--line SKU:QTY`): a person reads them off the
order or the parcel. Money typed with `--amount` is read as `orders pay` reads it, in the
order's currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from hubtui.cli.common import (
    DbOption,
    JsonOption,
    OrgOption,
    UserOption,
    emit_json,
    fail,
    handled_errors,
    say,
    signed_in,
)
from hubtui.cli.orders import _choice, _done
from hubtui.cli.output import Column, print_table
from hubtui.domain.returns import RaisedFrom, ReturnAction, ReturnReason, ReturnsFilter, RmaStatus

if TYPE_CHECKING:
    from hubtui.services.return_views import ReturnDetail, ReturnRow

app = typer.Typer(help="Raise, list, show and process returns (RMAs).", no_args_is_help=True)

RmaArgument = Annotated[str, typer.Argument(metavar="RMA", help="Return number, with or without RMA.")]
LinesOption = Annotated[list[str] | None, typer.Option("--line", metavar="SKU:QTY",
                                                       help="QTY units of the order's line with this stock code "
                                                            "(repeat for more lines).")]
VersionOption = Annotated[int | None, typer.Option("--expected-version",
                                                   help="Refuse if the return changed since this version.")]

_MAX_QUANTITY_DIGITS = 9  # more is a typo, and int() of a very long string is refused by Python itself


def _sku_quantities(values: Sequence[str]) -> dict[str, tuple[str, int]]:
    """`--line SKU:QTY` values as stock code (any case) -> (as typed, units); the same code given
    twice adds up. A value that is not SKU:whole-number is bad usage (exit 2)."""
    found: dict[str, tuple[str, int]] = {}
    for value in values:
        code, colon, quantity = value.rpartition(":")
        code, quantity = code.strip(), quantity.strip()
        if not colon or not code or not (quantity.isascii() and quantity.isdigit()) \
                or len(quantity) > _MAX_QUANTITY_DIGITS:
            raise typer.BadParameter(f"{value!r}: give SKU:QTY with a whole number of units, e.g. BT-DRI-1000:2",
                                     param_hint="--line")
        key = code.lower()
        typed, before = found.get(key, (code, 0))
        found[key] = (typed, before + int(quantity))
    return found


def _rows_json(rows: Sequence[ReturnRow]) -> list[dict[str, object]]:
    """Money in JSON is integer minor units, as everywhere in `--json`."""
    return [{"number": r.number, "order_number": r.order_number, "customer_name": r.customer_name,
             "customer_email": r.customer_email, "status": r.status, "action": r.action, "lines": r.lines,
             "units": r.units, "amount": r.amount, "currency": r.currency, "raised_from": r.raised_from,
             "created_at": r.created_at.isoformat()} for r in rows]


# --------------------------------------------------------------------------- raising and reading


@app.command("create")
def returns_create(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(metavar="ORDER", help="The order's number, with or without BT.")],
    action: Annotated[ReturnAction, _choice("--action", ReturnAction, "ACTION", "What the customer wants. ")],
    reason: Annotated[ReturnReason, _choice("--reason", ReturnReason, "REASON")],
    lines: LinesOption = None,
    via: Annotated[RaisedFrom, _choice("--via", RaisedFrom, "PLACE",
                                       "Where it was raised. ")] = RaisedFrom.CustomerSupport,
    comment: Annotated[str, typer.Option("--comment", help="Kept on the return.")] = "",
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Raise a return of some dispatched units of an order."""
    if not lines:
        raise typer.BadParameter("give at least one --line SKU:QTY", param_hint="--line")
    wanted = _sku_quantities(lines)
    with handled_errors():
        from hubtui.services.return_quotes import returnable_lines
        from hubtui.services.returns import create_return, line_numbers_for

        context = signed_in(ctx, db, org, user)
        quantities = line_numbers_for(returnable_lines(context, number), dict(wanted.values()))
        detail = create_return(context, number, quantities, action=action.value, reason=reason.value,
                               raised_from=via.value, comment=comment)
    units = sum(line.quantity for line in detail.lines)
    _done(detail, as_json, f"{detail.number} raised on {detail.order_number}: {units} unit(s) on {len(detail.lines)} "
                           f"line(s) for {detail.action} ({detail.reason}) via {detail.raised_from}; "
                           f"status {detail.status}.")


@app.command("list")
def returns_list(
    ctx: typer.Context,
    quick: Annotated[ReturnsFilter, _choice("--filter", ReturnsFilter, "FILTER", "Quick filter. ")] = ReturnsFilter.ALL,
    status: Annotated[RmaStatus | None, _choice("--status", RmaStatus, "STATUS")] = None,
    action: Annotated[ReturnAction | None, _choice("--action", ReturnAction, "ACTION")] = None,
    text: Annotated[str | None, typer.Option("--text", help="An RMA or order number, or part of a name or "
                                                            "e-mail.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """List returns, newest first."""
    with handled_errors():
        from hubtui.domain.returns_query import ReturnsQuery
        from hubtui.services.return_reads import count_returns, list_returns

        query = ReturnsQuery(quick_filter=quick, status=status.value if status else None,
                             action=action.value if action else None, text=text)
        context = signed_in(ctx, db, org, user)
        page = list_returns(context, query, limit=limit)
        if as_json:
            emit_json(_rows_json(page.rows))
            return
        if not page.rows:
            say(f"No returns match ({query.describe()}).")
            return
        _print_returns(page.rows)
        if page.has_after:
            typer.echo(f"{len(page.rows)} of {count_returns(context, query):,} returns", err=True)


RETURN_COLUMNS = (Column("RMA"), Column("ORDER"), Column("CUSTOMER", shrink=True), Column("STATUS"),
                  Column("ACTION"), Column("LINES", right=True), Column("AMOUNT", right=True), Column("VIA"),
                  Column("RAISED"))


def _print_returns(rows: Sequence[ReturnRow]) -> None:
    from hubtui.domain.money import format_money

    print_table(RETURN_COLUMNS, ((r.number, r.order_number, r.customer_name[:24], r.status, r.action, str(r.lines),
                           format_money(r.amount, r.currency), r.raised_from, f"{r.created_at:%Y-%m-%d %H:%M}")
                          for r in rows))


@app.command("show")
def returns_show(
    ctx: typer.Context,
    rma: RmaArgument,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Show one return: lines, money, refunds, outcome, the moves open to it, history."""
    with handled_errors():
        from hubtui.services.return_reads import get_return

        detail = get_return(signed_in(ctx, db, org, user), rma)
    if as_json:
        emit_json(detail)
        return
    _print_return(detail)


def _print_return(d: ReturnDetail) -> None:
    """One fact a line; every text a person typed goes through say() (SPEC 8a)."""
    from hubtui.domain.money import format_money

    def money(minor: int) -> str:
        return format_money(minor, d.currency)

    out = say
    out(f"{d.number}  order {d.order_number} ({d.order_status})  {d.status}  {d.action}  {d.reason}  "
        f"via {d.raised_from}")
    out(f"raised {d.created_at:%Y-%m-%d %H:%M} UTC by {d.created_by}; version {d.version}, last changed by "
        f"{d.updated_by} at {d.updated_at:%Y-%m-%d %H:%M}")
    out(f"customer: {d.customer_name} <{d.customer_email}>")
    if d.note:
        out(f"note: {d.note}")
    out("lines:")
    for line in d.lines:
        received = "-" if line.received is None else str(line.received)
        out(f"  {line.line_no:>2}. {line.stock_code:<16} {line.product_name[:36]:<36} requested {line.quantity:>3}  "
            f"received {received:>3}  {money(line.amount):>10}")
    out(f"amount {money(d.amount)}  refunded {money(d.refunded)}  still refundable on order "
        f"{money(d.still_refundable)}  refund cap {money(d.refund_cap)}")
    if d.refunds:
        out("refunds:")
        for r in d.refunds:
            reference = f" ref {r.reference}" if r.reference else ""
            out(f"  {r.created_at:%Y-%m-%d %H:%M} {r.method:<14} {r.status:<10} {money(r.amount):>10}{reference} "
                f"by {r.created_by}")
    if d.replacement_order_number:
        out(f"replacement order: {d.replacement_order_number}")
    if d.credit_note_number:
        out(f"credit note: {d.credit_note_number} {money(d.credit_note_amount)}")
    if d.final:
        out(f"closed: {d.status} is final")
    else:
        out(f"moves: {', '.join(d.moves) or 'none by returns status'}")
    out("history (newest first):")
    for a in d.history:
        out(f"  {a.at:%Y-%m-%d %H:%M} {a.user_name:<10} {a.summary}")


# --------------------------------------------------------------------------- moving a return along


@app.command("status")
def returns_status(
    ctx: typer.Context,
    rma: RmaArgument,
    status: Annotated[RmaStatus, typer.Argument(case_sensitive=False, metavar="STATUS",
                                                help="The new status (any case); `returns show` lists the moves "
                                                     "open now.")],
    comment: Annotated[str, typer.Option("--comment", help="Why: kept in the return's history.")] = "",
    expected_version: VersionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Move a return to another status (approve, reject, pickup, ...)."""
    from hubtui.domain.returns import RMA_OUTCOME_VERBS

    if status in RMA_OUTCOME_VERBS:
        fail(f"{status.value} is reached by `hubtui returns {RMA_OUTCOME_VERBS[status]}`, not by a status move.")
    with handled_errors():
        from hubtui.services.returns import move_return

        detail = move_return(signed_in(ctx, db, org, user), rma, status.value, comment=comment,
                             expected_version=expected_version)
    _done(detail, as_json, f"{detail.number} is now {detail.status}.")


def _received_by_line(detail: ReturnDetail, counted: dict[str, tuple[str, int]]) -> dict[int, int]:
    """Stock code -> units as the return's line number -> units; a code on several lines fills
    them in order (the last takes what is left, so too many is refused by the service)."""
    found: dict[int, int] = {}
    for key, (typed, units) in counted.items():
        matching = [line for line in detail.lines if line.stock_code.lower() == key]
        if not matching:
            codes = ", ".join(dict.fromkeys(line.stock_code for line in detail.lines))
            fail(f"{detail.number} has no line for {typed}; its lines are {codes}.")
        left = units
        for line in matching:
            take = left if line is matching[-1] else min(left, line.quantity)
            found[line.line_no] = found.get(line.line_no, 0) + take
            left -= take
    return found


@app.command("receive")
def returns_receive(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(metavar="RMA_OR_ORDER",
                                          help="The RMA, or the order number: its return waiting for goods.")],
    lines: Annotated[list[str] | None, typer.Option("--line", metavar="SKU:QTY",
                                                    help="What came back of this stock code; lines not given "
                                                         "count 0. Without --line: all that was expected.")] = None,
    comment: Annotated[str, typer.Option("--comment", help="Kept in the return's history.")] = "",
    expected_version: VersionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Confirm the goods that came back (nothing at all: ReturnNotReceived)."""
    counted = _sku_quantities(lines) if lines else None
    with handled_errors():
        from hubtui.services.return_reads import return_to_receive
        from hubtui.services.returns import receive_return

        context = signed_in(ctx, db, org, user)
        waiting = return_to_receive(context, number)
        received = _received_by_line(waiting, counted) if counted is not None else None
        detail = receive_return(context, waiting.number, received, comment=comment, expected_version=expected_version)
    came = sum(line.received or 0 for line in detail.lines)
    expected = sum(line.quantity for line in detail.lines)
    _done(detail, as_json, f"{detail.number}: {came} of {expected} unit(s) received; status {detail.status}.")


@app.command("qc")
def returns_qc(
    ctx: typer.Context,
    rma: RmaArgument,
    note: Annotated[str, typer.Option("--note", help="What QC found: kept in the return's history.")] = "",
    failed: Annotated[bool, typer.Option("--failed", help="The goods failed QC: the return ends as "
                                                          "ReturnCantBeProcessed.")] = False,
    expected_version: VersionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Record QC of the goods that came back."""
    with handled_errors():
        from hubtui.services.returns import pass_qc

        detail = pass_qc(signed_in(ctx, db, org, user), rma, note=note, passed=not failed,
                         expected_version=expected_version)
    _done(detail, as_json, f"{detail.number}: QC complete{' (failed)' if failed else ''}; status {detail.status}.")
