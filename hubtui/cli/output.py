"""Printing what the commands read: tables (Rich, box style simple) and one order in full.

Every value a person or a file supplied goes into a table as `rich.text.Text` made `printable`
(SPEC 8a): never read as Rich markup or emoji codes, never a control character, a line break a
visible mark. On a terminal the header is bold and the long text columns are shortened (with "…") to fit
the window; anywhere else (a pipe, a file) there is no colour and each column is as wide as its
widest cell, so nothing is cut or wrapped.
Rich is imported only when a table is printed.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hubtui.cli.common import say, write

if TYPE_CHECKING:
    from hubtui.services.users import UserView
    from hubtui.services.views import OrderDetail, OrderRow

_GAP = 3  # columns between two columns: padding, the box's blank divider, padding
_SHRUNK = 12  # the narrowest a shortened column gets on a narrow terminal
_CHUNK = 500  # rows rendered at a time: output starts at once, and stops when the reader goes


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False  # numbers and money
    shrink: bool = False  # on a terminal too narrow for the table, shortened with "…"


def print_table(columns: Sequence[Column], rows: Iterable[Sequence[str]], *, header: bool = True) -> None:
    """One line per row, columns aligned, trailing spaces dropped.

    Rich renders a table cell by cell (about 0.5 ms a row), so a long list is printed as a series
    of tables of _CHUNK rows with the same column widths, measured once over every row: the first
    lines appear at once, `| head` stops the work, and the columns line up as in one table.
    """
    from rich.cells import cell_len
    from rich.console import Console

    from hubtui.domain.text import printable

    cells = [[printable(cell, one_line=True) for cell in row] for row in rows]
    if not cells and not header:
        return
    widths = [max([cell_len(column.header) if header else 0, 1, *(cell_len(row[i]) for row in cells)])
              for i, column in enumerate(columns)]
    terminal = sys.stdout.isatty()
    if terminal:
        widths = _fit(columns, widths, _terminal_width())
    console = Console(file=io.StringIO(), force_terminal=terminal, color_system="auto" if terminal else None,
                      width=sum(widths) + _GAP * len(widths), emoji=False, markup=False, highlight=False)
    for start in range(0, max(len(cells), 1), _CHUNK):
        table = _table(columns, widths, header=header and start == 0)
        for row in cells[start:start + _CHUNK]:
            table.add_row(*_texts(row))
        with console.capture() as captured:
            console.print(table)
        write("\n".join(line.rstrip() for line in captured.get().rstrip("\n").splitlines()))


def _fit(columns: Sequence[Column], widths: list[int], room: int) -> list[int]:
    """Narrower `shrink` columns, widest first, until the table fits `room` or they are _SHRUNK;
    a table that still does not fit is left to the terminal to wrap, as a pipe would get it."""
    widths = list(widths)
    excess = sum(widths) + _GAP * (len(widths) - 1) - room
    while excess > 0:
        widest = max((i for i, c in enumerate(columns) if c.shrink and widths[i] > _SHRUNK),
                     key=lambda i: widths[i], default=None)
        if widest is None:
            break
        widths[widest] -= 1
        excess -= 1
    return widths


def _table(columns: Sequence[Column], widths: Sequence[int], *, header: bool) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, show_header=header, highlight=False,
                  header_style="bold")
    for column, width in zip(columns, widths):
        table.add_column(Text(column.header), justify="right" if column.right else "left", width=width,
                         no_wrap=True, overflow="ellipsis" if column.shrink else "crop")
    return table


def _texts(row: Sequence[str]) -> Iterator[Any]:
    from rich.text import Text

    return (Text(cell) for cell in row)  # as text: "[bold]" or ":smile:" in a name stays as typed


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size().columns


ORDER_COLUMNS = (Column("NUMBER"), Column("PLACED"), Column("CUSTOMER", shrink=True), Column("EMAIL", shrink=True),
                 Column("CHANNEL"), Column("TYPE"), Column("STATUS"), Column("PAYMENT"), Column("TOTAL", right=True))


def print_orders(rows: Sequence[OrderRow]) -> None:
    from hubtui.domain.money import format_money
    from hubtui.domain.text import printable

    print_table(ORDER_COLUMNS, (
        (r.number, f"{r.placed_at:%Y-%m-%d %H:%M}", printable(r.customer_name, one_line=True)[:24],
         printable(r.customer_email, one_line=True)[:32], r.channel, r.order_type, r.status, r.payment_status,
         format_money(r.order_total, r.currency))
        for r in rows
    ))


def order_row_json(row: OrderRow) -> dict[str, Any]:
    """Money in JSON is integer minor units, as in `orders show --json`: exact and unambiguous."""
    return {
        "number": row.number,
        "placed_at": row.placed_at.isoformat(),
        "customer_name": row.customer_name,
        "customer_email": row.customer_email,
        "microsite": row.microsite,
        "channel": row.channel,
        "order_type": row.order_type,
        "status": row.status,
        "payment_status": row.payment_status,
        "order_total": row.order_total,
        "currency": row.currency,
        "tags": row.tags,
        "fraud_score": row.fraud_score,
    }


USER_COLUMNS = (Column("NAME"), Column("ROLE"), Column("ORG"), Column("MEMBER OF"), Column("FULL NAME", shrink=True))


def print_users(users: Sequence[UserView]) -> None:
    """One line per operator, no header (as `users list` has always printed it)."""
    print_table(USER_COLUMNS, (
        (u.name, u.role, u.default_org or "-", ",".join(u.member_of) or "-",
         f"{'' if u.active else 'inactive '}{u.full_name}")
        for u in users
    ), header=False)


def print_detail(d: OrderDetail) -> None:
    """`orders show`: the order, its lines, payments, returns and activity, one fact a line."""
    from hubtui.domain.money import format_money

    def money(v: int) -> str:
        return format_money(v, d.currency)

    out = say
    out(f"{d.number}  {d.channel_label}  {d.order_type}  {d.status}  payment {d.payment_status}")
    out(f"placed {d.placed_at:%Y-%m-%d %H:%M} UTC in {d.org_code}/{d.microsite}; version {d.version}, "
        f"last changed by {d.updated_by}")
    out(f"customer: {d.customer_name} <{d.customer_email}> {d.customer_phone}" + (f", {d.company_name}" if d.company_name else ""))
    out(f"ship to:  {', '.join(d.shipping.lines())}")
    if d.customer_reference or d.tags:
        out(f"reference: {d.customer_reference}  tags: {d.tags}")
    if d.tracking_number:
        out(f"tracking: {d.tracking_carrier} {d.tracking_number} {d.tracking_link}")
    out("lines:")
    for line in d.lines:
        out(f"  {line.line_no:>2}. {line.stock_code:<16} {line.product_name[:36]:<36} {line.quantity:>3} x "
            f"{money(line.unit_price):>10}  -{money(line.discount):>8}  = {money(line.line_total):>10}")
    out(f"lines {money(d.lines_total)}  discount -{money(d.discount_total)}  shipping {money(d.shipping_total)}  "
        f"total {money(d.order_total)}  paid {money(d.paid_total)}  refunded {money(d.refunded_total)}  "
        f"due {money(d.balance_due)}")
    if d.discounts:
        out("discounts (ids for orders discount --remove):")
        for x in d.discounts:
            percent = f" {x.percent_bp / 100:g}%" if x.percent_bp else ""
            out(f"  {x.id:>6}  {x.code or x.description}{percent}  -{money(x.amount)}  by {x.created_by}")
    if d.payments:
        out("payments:")
        for p in d.payments:
            out(f"  {p.recorded_at:%Y-%m-%d %H:%M} {p.method:<14} {p.status:<10} {money(p.amount):>10} "
                f"{p.reference} by {p.recorded_by}")
    if d.returns:
        out("returns:")
        for r in d.returns:
            out(f"  {r.number} {r.status} {r.action} {r.reason}")
    if d.refunds:
        out("refunds:")
        for f in d.refunds:
            out(f"  {f.created_at:%Y-%m-%d %H:%M} {money(f.amount):>10} {f.method} {f.status} {f.rma_number or ''} "
                f"{f.reference} by {f.created_by}")
    if d.replacement_for:
        out(f"replacement for: {d.replacement_for}")
    out("activity (newest first):")
    for a in d.activity:
        out(f"  {a.at:%Y-%m-%d %H:%M} {a.user_name:<10} {a.summary}")
