"""One order drawn for the details screen: summary, money, parties, lines, payments, history.

Every value that came from a person or a file (names, references, notes, addresses, who)
goes in through `shown`/`safe`, never as a str a Table or Static would read as markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hubtui.domain.money import format_money
from hubtui.domain.orders import HIGH_RISK_SCORE
from hubtui.services.views import OrderDetail
from hubtui.widgets.safe_text import safe, shown


def money(d: OrderDetail, minor: int) -> str:
    return format_money(minor, d.currency, grouping=True)


def summary(d: OrderDetail) -> Text:
    text = Text()
    text.append(d.number, style="bold")
    text.append(f"  {safe(d.channel_label)}", style="bold cyan" if d.channel == "telephone" else "cyan")
    text.append(f"  {d.order_type}  ")
    text.append(d.status, style="bold reverse")
    text.append(f"  payment {d.payment_status}")
    if d.fraud_score >= HIGH_RISK_SCORE:
        text.append(f"  fraud score {d.fraud_score}", style="bold red")
    text.append("\n")
    text.append_text(money_line(d))
    text.append(f"\nplaced {d.placed_at:%d %b %Y %H:%M} UTC on {safe(d.org_code)}/{safe(d.microsite)}")
    if d.external_ref:
        text.append(f" · ref {safe(d.external_ref)}")
    if d.customer_reference:
        text.append(f" · customer reference {safe(d.customer_reference)}")
    if d.tags:
        text.append(f" · tags {safe(d.tags)}")
    if d.cancel_reason:
        text.append(f" · cancelled: {d.cancel_reason}", style="dim")
    if d.held_from_status:
        text.append(f" · held from {d.held_from_status} (h releases it)", style="yellow")
    text.append(f"\nversion {d.version}, last changed {d.updated_at:%d %b %H:%M} by {safe(d.updated_by)}", style="dim")
    return text


def money_line(d: OrderDetail) -> Text:
    """Total, paid, what is still due and what is owed back, on one line."""
    text = Text()
    text.append(f"total {money(d, d.order_total)}", style="bold")
    text.append(f" · paid {money(d, d.paid_total)}")
    if d.refunded_total:
        text.append(f" · refunded {money(d, d.refunded_total)}")
    text.append(" · balance due ")
    text.append(money(d, d.balance_due), style="bold yellow" if d.balance_due else "bold")
    if d.owed_to_customer:
        text.append(" · owed back to the customer ")
        text.append(money(d, d.owed_to_customer), style="bold red")
    return text


def customer(d: OrderDetail) -> Text:
    text = Text("Customer\n", style="bold")
    text.append("\n".join(safe(part) for part in (d.customer_name, d.customer_email, d.customer_phone)))
    if d.company_name:
        text.append(f"\n{safe(d.company_name)}", style="italic")
    return text


def address(title: str, lines: list[str]) -> Text:
    return Text(f"{title}\n", style="bold") + Text("\n".join(safe(line) for line in lines) or "—")


def lines(d: OrderDetail) -> Table:
    table = Table(title="Lines", title_justify="left", expand=True, box=None, padding=(0, 1))
    for name, justify in (("#", "right"), ("Stock code", "left"), ("Product", "left"), ("Qty", "right"),
                          ("Unit", "right"), ("Discount", "right"), ("Line total", "right"), ("Sent", "right")):
        table.add_column(name, justify=justify, no_wrap=name != "Product")  # type: ignore[arg-type]
    for line in d.lines:
        table.add_row(Text(str(line.line_no)), shown(line.stock_code), shown(line.product_name), Text(str(line.quantity)),
                      Text(money(d, line.unit_price)), Text(money(d, line.discount) if line.discount else ""),
                      Text(money(d, line.line_total)), Text(str(line.dispatched_quantity)))
    if d.discounts:
        # Which discounts make up the order's (d changes them); each line's share is worked out from them.
        table.caption = shown("Order discounts: " + " · ".join(
            f"{x.code or x.description[:30]} −{money(d, x.amount)}" for x in d.discounts) + " (d)", "dim")
        table.caption_justify = "left"
    return table


def totals(d: OrderDetail) -> Table:
    table = Table(title="Totals", title_justify="left", box=None, show_header=False, expand=True)
    table.add_column()
    table.add_column(justify="right")
    for label, value in (("Lines", d.lines_total), ("Discount", -d.discount_total), ("Shipping", d.shipping_total),
                         ("Order total", d.order_total), ("Paid", d.paid_total), ("Refunded", d.refunded_total),
                         ("Balance due", d.balance_due), ("Owed back", d.owed_to_customer)):
        if label == "Owed back" and not value:
            continue
        style = "bold" if label in ("Order total", "Balance due") else ""
        table.add_row(Text(label, style=style), Text(money(d, value), style=style))
    return table


def payments(d: OrderDetail) -> RenderableType:
    if not d.payments:
        return Text("Payments ", style="bold") + Text("none yet", style="dim")
    # Columns as wide as their longest value, so rows of separate grids line up; each comment gets
    # a whole line under its payment instead of a narrow wrapped cell, so this fits 80 columns.
    rows = [(f"{p.recorded_at:%d %b %H:%M}", safe(p.recorded_by), p.method, p.status, money(d, p.amount),
             safe(p.reference)) for p in d.payments]
    header = ("When", "By", "Method", "Status", "Amount", "Reference")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(5)]
    widths[1] = min(widths[1], 12)

    def grid(cells: tuple[str, ...], style: str = "") -> Table:
        table = Table.grid(expand=True, padding=(0, 1, 0, 0))
        for i, width in enumerate(widths):
            table.add_column(width=width, justify="right" if i == 4 else "left", no_wrap=True, overflow="ellipsis")
        table.add_column(ratio=1, overflow="fold")
        table.add_row(*(Text(cell) for cell in cells), style=style)
        return table

    parts: list[RenderableType] = [Text("Payments", style="bold"), grid(header, style="bold")]
    for payment, row in zip(d.payments, rows):
        parts.append(grid(row))
        if payment.comment:
            parts.append(Text(f"  {safe(payment.comment)}", style="italic dim"))
    return Group(*parts)


LINK_SHOWN = 120  # a link of up to 2,000 characters would push the rest of the order off the screen


def tracking(d: OrderDetail) -> Text:
    text = Text("Shipping and tracking\n", style="bold")
    text.append(f"Shipping charge {money(d, d.shipping_total)}\n")
    if d.tracking_number:
        link = d.tracking_link if len(d.tracking_link) <= LINK_SHOWN else d.tracking_link[:LINK_SHOWN - 1] + "…"
        text.append(f"{safe(d.tracking_carrier)} {safe(d.tracking_number)}\n{safe(link)}")
    else:
        text.append("no tracking yet", style="dim")
    return text


def returns(d: OrderDetail) -> Text:
    text = Text("Returns and refunds", style="bold")
    text.append("  (u raises a return · R lists them)\n", style="dim")
    if d.replacement_for:
        text.append(f"Replacement for {d.replacement_for}\n", style="green")
    if not d.returns and not d.refunds:
        return text + Text("none", style="dim")
    for r in d.returns:
        text.append(f"{r.number} {r.status} · {r.action} · {r.reason} · via {r.raised_from}\n")
    for refund in d.refunds:
        ref = f" ref {safe(refund.reference)}" if refund.reference else ""
        text.append(f"refund {money(d, refund.amount)} {refund.method}{ref} {refund.status}"
                    f"{' for ' + refund.rma_number if refund.rma_number else ''} · {refund.created_at:%d %b %H:%M} "
                    f"{safe(refund.created_by)}\n", style="red" if refund.status == "Failed" else "")
    return text


def activity(d: OrderDetail) -> RenderableType:
    table = Table(title="Activity (newest first)", title_justify="left", box=None, expand=True, padding=(0, 1))
    table.add_column("When", no_wrap=True)
    table.add_column("Who", no_wrap=True)
    table.add_column("What")
    for a in d.activity:
        # One line per entry: a newline in a note is shown as a mark, so it cannot forge a line.
        table.add_row(Text(f"{a.at:%d %b %Y %H:%M}"), shown(a.user_name), shown(a.summary))
    return Group(table) if d.activity else Text("no activity", style="dim")
