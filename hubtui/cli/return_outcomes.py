"""`hubtui returns refund|replace|credit`: what a processed return ends in, with the same
services as the return's screen (f, r, c). They join the `returns` group of cli/returns.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hubtui.cli.common import DbOption, JsonOption, OrgOption, UserOption, handled_errors, parse_money_option, \
    signed_in
from hubtui.cli.orders import _choice, _done
from hubtui.cli.returns import RmaArgument, VersionOption, _sku_quantities, app
from hubtui.domain.orders import PaymentMethod

if TYPE_CHECKING:
    from hubtui.services.context import Context


def _amount_in_currency(context: Context, rma: str, text: str) -> int:
    """An amount typed for this return, in minor units: read as `orders pay` reads it, and
    refused if written with another currency's symbol than the order's."""
    from hubtui.domain.money import check_symbol, money_symbol

    minor = parse_money_option(text, "--amount")
    symbol = money_symbol(text)
    if symbol is not None:
        from hubtui.services.return_reads import get_return

        check_symbol(symbol, get_return(context, rma).currency)
    return minor


@app.command("refund")
def returns_refund(
    ctx: typer.Context,
    rma: RmaArgument,
    amount: Annotated[str | None, typer.Option("--amount", help="e.g. 12.50 (default: the most it may be, "
                                                                "`returns show` says).")] = None,
    method: Annotated[PaymentMethod | None, _choice("--method", PaymentMethod, "METHOD",
                                                    "Default: the way the order was paid. ")] = None,
    reference: Annotated[str, typer.Option("--reference", help="The payment provider's or the cheque's.")] = "",
    failed: Annotated[bool, typer.Option("--failed", help="The provider refused it: the return waits in "
                                                          "RefundPaymentProblems for another try.")] = False,
    expected_version: VersionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Refund a return after QC (within what its units cost and what the order has left)."""
    with handled_errors():
        from hubtui.domain.money import format_money
        from hubtui.services.return_outcomes import refund_return

        context = signed_in(ctx, db, org, user)
        minor = _amount_in_currency(context, rma, amount) if amount is not None else None
        detail = refund_return(context, rma, amount=minor, method=method.value if method else None,
                               reference=reference, failed=failed, expected_version=expected_version)
    last = detail.refunds[-1]
    said = f"{format_money(last.amount, detail.currency)} by {last.method}"
    if failed:
        message = f"{detail.number}: refund of {said} failed; status {detail.status}, ready for another try."
    else:
        message = (f"{detail.number}: refund of {said} recorded; status {detail.status}, refunded "
                   f"{format_money(detail.refunded, detail.currency)}, still refundable on {detail.order_number} "
                   f"{format_money(detail.still_refundable, detail.currency)}.")
    _done(detail, as_json, message)


@app.command("replace")
def returns_replace(
    ctx: typer.Context,
    rma: RmaArgument,
    lines: Annotated[list[str] | None, typer.Option("--line", metavar="SKU:QTY",
                                                    help="For an exchange: send these products instead of the "
                                                         "returned ones (repeat for more).")] = None,
    expected_version: VersionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Send the returned units again: a linked Replacement order at no charge."""
    with handled_errors():
        from hubtui.services.return_outcomes import replace_return

        products = {typed: units for typed, units in _sku_quantities(lines).values()} if lines else None
        detail = replace_return(signed_in(ctx, db, org, user), rma, products=products,
                                expected_version=expected_version)
    _done(detail, as_json, f"{detail.number}: replacement order {detail.replacement_order_number} created at no "
                           f"charge; status {detail.status}.")


@app.command("credit")
def returns_credit(
    ctx: typer.Context,
    rma: RmaArgument,
    credit_note: Annotated[str, typer.Option("--number", help="The credit note's number.")],
    amount: Annotated[str | None, typer.Option("--amount", help="e.g. 12.50 (default: the most it may be).")] = None,
    expected_version: VersionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Record a credit note for a return after QC."""
    with handled_errors():
        from hubtui.domain.money import format_money
        from hubtui.services.return_outcomes import credit_return

        context = signed_in(ctx, db, org, user)
        minor = _amount_in_currency(context, rma, amount) if amount is not None else None
        detail = credit_return(context, rma, credit_note, amount=minor, expected_version=expected_version)
    _done(detail, as_json, f"{detail.number}: credit note {detail.credit_note_number} of "
                           f"{format_money(detail.credit_note_amount, detail.currency)} recorded; "
                           f"status {detail.status}.")
