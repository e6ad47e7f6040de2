"""`hubtui orders …`: list, show and change orders."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from hubtui.cli.common import (
    DbOption,
    JsonOption,
    OrgOption,
    UserOption,
    emit_json,
    fail,
    handled_errors,
    parse_money_option,
    say,
    signed_in,
)
from hubtui.cli.output import order_row_json, print_detail, print_orders
from hubtui.domain.order_query import SortKey
from hubtui.domain.orders import CancelReason, Channel, OrderStatus, OrderType, PaymentMethod, PaymentStatus, QuickFilter
from hubtui.domain.periods import Period

app = typer.Typer(help="List, show and change orders.", no_args_is_help=True)


def _choice(option: str, enum: type[StrEnum], metavar: str, lead: str = "") -> Any:
    """An option whose values are `enum`'s, in any case; any other value is bad usage (exit 2,
    Typer's message). The help lists the values as they are written."""
    values = ", ".join(member.value for member in enum)
    return typer.Option(option, case_sensitive=False, metavar=metavar, help=f"{lead}One of {values} (any case).")


QuickOption = Annotated[QuickFilter, _choice("--filter", QuickFilter, "FILTER", "Quick filter. ")]
StatusOption = Annotated[OrderStatus | None, _choice("--status", OrderStatus, "STATUS")]
TypeOption = Annotated[OrderType | None, _choice("--type", OrderType, "TYPE")]
ChannelOption = Annotated[Channel | None, _choice("--channel", Channel, "CHANNEL")]
PaymentStatusOption = Annotated[PaymentStatus | None, _choice("--payment-status", PaymentStatus, "STATUS")]
PaymentMethodOption = Annotated[PaymentMethod | None, _choice("--payment-method", PaymentMethod, "METHOD")]
PeriodOption = Annotated[Period | None, _choice("--period", Period, "PERIOD", "custom needs --from, --to or both. ")]
SortOption = Annotated[SortKey, _choice("--sort", SortKey, "KEY")]
ReasonOption = Annotated[CancelReason | None, _choice("--reason", CancelReason, "REASON",
                                                      "Why it is cancelled (needed for Cancelled). ")]


@app.command("list")
def orders_list(
    ctx: typer.Context,
    quick: QuickOption = QuickFilter.ALL,
    status: StatusOption = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail prefix, any case.")] = None,
    postcode: Annotated[str | None, typer.Option("--postcode", help="Post code prefix, spaces and case ignored.")] = None,
    number: Annotated[str | None, typer.Option("--number")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Customer name prefix (first last).")] = None,
    channel: ChannelOption = None,
    microsite: Annotated[str | None, typer.Option("--microsite")] = None,
    order_type: TypeOption = None,
    payment_status: PaymentStatusOption = None,
    payment_method: PaymentMethodOption = None,
    period: PeriodOption = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, e.g. 2026-11-01.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, inclusive.")] = None,
    sort: SortOption = SortKey.PLACED,
    ascending: Annotated[bool, typer.Option("--ascending", help="Oldest / smallest first.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """List orders, newest first."""
    with handled_errors():
        from hubtui.domain.order_query import OrderQuery
        from hubtui.domain.periods import parse_date
        from hubtui.services.order_reads import count_orders, iter_orders

        if period == Period.CUSTOM and not (date_from or date_to):
            fail("--period custom needs --from, --to or both")
        query = OrderQuery(
            quick_filter=quick,
            status=status.value if status else None,
            order_type=order_type.value if order_type else None,
            payment_status=payment_status.value if payment_status else None,
            payment_method=payment_method.value if payment_method else None,
            channel=channel.value if channel else None,
            microsite=microsite,
            email=email,
            postcode=postcode,
            number=number,
            name=name,
            period=period or (Period.CUSTOM if date_from or date_to else None),
            date_from=parse_date(date_from) if date_from else None,
            date_to=parse_date(date_to) if date_to else None,
            sort=sort,
            descending=not ascending,
        )
        context = signed_in(ctx, db, org, user)
        rows = list(iter_orders(context, query, limit=limit))
        if as_json:
            emit_json([order_row_json(r) for r in rows])
            return
        if not rows:
            say(f"No orders match ({query.describe()}).")
            return
        print_orders(rows)
        if len(rows) == limit:
            total = count_orders(context, query)
            typer.echo(f"{len(rows)} of {total:,} orders", err=True)


@app.command("show")
def orders_show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Order number, with or without BT.")],
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Show one order: customer, lines, payments, returns and its activity log."""
    with handled_errors():
        from hubtui.services.order_reads import get_order

        detail = get_order(signed_in(ctx, db, org, user), number)
    if as_json:
        emit_json(detail)
        return
    print_detail(detail)


@app.command("status")
def orders_status(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    status: Annotated[OrderStatus, typer.Argument(case_sensitive=False, metavar="STATUS",
                                                  help="The new status: " + ", ".join(OrderStatus) + " (any case).")],
    reason: ReasonOption = None,
    comment: Annotated[str, typer.Option("--comment", help="Why, or what was agreed: kept in the activity log.")] = "",
    expected_version: Annotated[int | None, typer.Option("--expected-version", help="Refuse if the order changed since this version.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Move an order to another status."""
    with handled_errors():
        from hubtui.services.order_writes import change_status

        detail = change_status(signed_in(ctx, db, org, user), number, status.value,
                               reason=reason.value if reason else None, comment=comment,
                               expected_version=expected_version)
    _done(detail, as_json, f"{detail.number} is now {detail.status}.")


@app.command("pay")
def orders_pay(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    method: Annotated[PaymentMethod, _choice("--method", PaymentMethod, "METHOD")],
    status: Annotated[PaymentStatus, _choice("--status", PaymentStatus, "STATUS",
                                             "Refunded and PartiallyRefunded come only from refunds. ")],
    amount: Annotated[str | None, typer.Option("--amount", help="e.g. 12.50 (default: the balance due).")] = None,
    reference: Annotated[str, typer.Option("--reference")] = "",
    comment: Annotated[str, typer.Option("--comment")] = "",
    expected_version: Annotated[int | None, typer.Option("--expected-version")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Record a payment taken offline."""
    with handled_errors():
        from hubtui.domain.money import format_money, money_symbol
        from hubtui.services.drafts import PaymentDraft
        from hubtui.services.order_payments import record_payment

        minor = parse_money_option(amount, "--amount") if amount is not None else None
        draft = PaymentDraft(method=method.value, status=status.value, amount=minor, reference=reference, comment=comment,
                             written_in=money_symbol(amount) if amount is not None else None)
        detail = record_payment(signed_in(ctx, db, org, user), number, draft, expected_version=expected_version)
    _done(
        detail, as_json,
        f"{detail.number}: payment recorded; payment {detail.payment_status}, status {detail.status}, "
        f"due {format_money(detail.balance_due, detail.currency)}.",
    )


@app.command("payment")
def orders_payment(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    payment_id: Annotated[int, typer.Argument(metavar="ID", help="The payment's id (orders show --json lists them).")],
    status: Annotated[PaymentStatus, _choice("--status", PaymentStatus, "STATUS",
                                             "What the payment really is. Refunded and PartiallyRefunded come only "
                                             "from refunds. ")],
    comment: Annotated[str, typer.Option("--comment", help="Why: kept in the activity log.")] = "",
    expected_version: Annotated[int | None, typer.Option("--expected-version")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Correct a recorded payment's status (a declined card that went through, a bounced cheque)."""
    with handled_errors():
        from hubtui.domain.money import format_money
        from hubtui.services.order_payments import correct_payment

        detail = correct_payment(signed_in(ctx, db, org, user), number, payment_id, status.value, comment=comment,
                                 expected_version=expected_version)
    _done(
        detail, as_json,
        f"{detail.number}: payment {payment_id} is now {status.value}; payment {detail.payment_status}, "
        f"status {detail.status}, due {format_money(detail.balance_due, detail.currency)}.",
    )


@app.command("tracking")
def orders_tracking(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    tracking_number: Annotated[str, typer.Option("--number", help="The carrier's tracking number.")],
    link: Annotated[str, typer.Option("--link", help="http or https address, at most 2,000 characters.")] = "",
    carrier: Annotated[str, typer.Option("--carrier", help="e.g. DPD, Royal Mail.")] = "",
    expected_version: Annotated[int | None, typer.Option("--expected-version")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Set or change an order's tracking (from ReadyToDispatch on)."""
    with handled_errors():
        from hubtui.services.order_tracking import Tracking, set_tracking

        detail = set_tracking(signed_in(ctx, db, org, user), number, Tracking(carrier, tracking_number, link),
                              expected_version=expected_version)
    carrier_shown = f"{detail.tracking_carrier} " if detail.tracking_carrier else ""
    _done(detail, as_json, f"{detail.number}: tracking {carrier_shown}{detail.tracking_number}.")


@app.command("address")
def orders_address(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    shipping: Annotated[bool, typer.Option("--shipping", help="Change the address it is sent to.")] = False,
    billing: Annotated[bool, typer.Option("--billing", help="Change the address it is billed to.")] = False,
    name: Annotated[str | None, typer.Option("--name")] = None,
    line1: Annotated[str | None, typer.Option("--line1")] = None,
    line2: Annotated[str | None, typer.Option("--line2")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    postcode: Annotated[str | None, typer.Option("--postcode")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Two-letter code, e.g. GB.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Change an order's shipping or billing address (before SentToWarehouse, or while
    ReturnedByWarehouse). Parts not given stay as they are."""
    if shipping == billing:
        raise typer.BadParameter("give --shipping or --billing (one of them)", param_hint="--shipping/--billing")
    with handled_errors():
        from dataclasses import replace

        from hubtui.services.order_reads import get_order
        from hubtui.services.order_writes import OrderChanges, update_details

        session = signed_in(ctx, db, org, user)
        detail = get_order(session, number)
        which = "shipping" if shipping else "billing"
        given = {"name": name, "line1": line1, "line2": line2, "city": city, "postcode": postcode, "country": country}
        address = replace(getattr(detail, which), **{k: v for k, v in given.items() if v is not None})
        detail = update_details(session, number, OrderChanges(**{which: address}), expected_version=detail.version)
    _done(detail, as_json, f"{detail.number}: {'shipping' if shipping else 'billing'} address "
                           f"{', '.join(getattr(detail, 'shipping' if shipping else 'billing').lines())}.")


@app.command("attach")
def orders_attach(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    file: Annotated[str, typer.Argument(metavar="FILE", help="pdf, png, jpeg, gif, webp, txt, csv, xlsx or eml.")],
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Attach a file to an order (at most 10 MB; the type is judged by the content)."""
    with handled_errors():
        from hubtui.services.attachments import attach_file

        added = attach_file(signed_in(ctx, db, org, user), number, file)
    if as_json:
        emit_json(added)
        return
    say(f"Attached {added.label} as attachment {added.id} ({added.kind}, {added.size:,} bytes).")


@app.command("attachments")
def orders_attachments(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    save: Annotated[tuple[int, str] | None, typer.Option("--save", metavar="ID PATH",
                                                         help="Write a copy of attachment ID to PATH.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """List an order's attachments, or save one back out with --save ID PATH."""
    with handled_errors():
        from hubtui.services.attachments import list_attachments, save_attachment

        session = signed_in(ctx, db, org, user)
        if save is not None:
            written = save_attachment(session, number, save[0], save[1])
            say(f"Saved attachment {save[0]} to {written}.")
            return
        listed = list_attachments(session, number)
    if as_json:
        emit_json(listed)
        return
    if not listed:
        say(f"{number}: no attachments.")
        return
    for a in listed:
        say(f"{a.id:>6}  {a.added_at:%Y-%m-%d %H:%M}  {a.added_by:<12} {a.kind:<5} {a.size:>11,}  {a.label}")


@app.command("note")
def orders_note(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    text: Annotated[str, typer.Argument(help="The note.")],
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Add a note to an order's activity log."""
    with handled_errors():
        from hubtui.services.order_writes import add_note

        detail = add_note(signed_in(ctx, db, org, user), number, text)
    _done(detail, as_json, f"{detail.number}: note added.")


def _done(detail: Any, as_json: bool, message: str) -> None:
    if as_json:
        emit_json(detail)
    else:
        say(message)
