"""One return drawn for its details screen: summary, lines, money, outcome, history.

Everything a person or a file supplied goes through `shown`/`safe` (SPEC 8a).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hubtui.domain.money import format_money
from hubtui.services.return_views import ReturnDetail
from hubtui.widgets.safe_text import safe, shown


def money(d: ReturnDetail, minor: int) -> str:
    return format_money(minor, d.currency, grouping=True)


def summary(d: ReturnDetail) -> Text:
    text = Text()
    text.append(d.number, style="bold")
    text.append(f"  for {d.order_number} ({d.order_status}, enter opens it)  ")
    text.append(d.status, style="bold reverse")
    text.append(f"\n{d.action} · {d.reason} · raised via {d.raised_from} by {safe(d.created_by)} "
                f"{d.created_at:%d %b %Y %H:%M}")
    text.append(f"\ncustomer {safe(d.customer_name)} <{safe(d.customer_email)}>")
    if d.note:
        text.append("\n")
        text.append(shown(d.note, "italic"))
    if d.final:
        text.append(f"\nClosed as {d.status}.", style="bold")
        if d.status in ("RejectRequest", "ExchangeDenied"):
            text.append(" A new request is needed (u on the order raises one).", style="bold")
    elif d.moves:
        text.append(f"\nnext: {', '.join(d.moves)}", style="dim")
    return text


def lines(d: ReturnDetail) -> Table:
    table = Table(title="Lines", title_justify="left", expand=True, box=None, padding=(0, 1))
    for name, justify in (("#", "right"), ("Stock code", "left"), ("Product", "left"), ("Return", "right"),
                          ("Received", "right"), ("Amount", "right")):
        table.add_column(name, justify=justify, no_wrap=name != "Product")  # type: ignore[arg-type]
    for line in d.lines:
        table.add_row(Text(str(line.line_no)), shown(line.stock_code), shown(line.product_name),
                      Text(str(line.quantity)), Text("—" if line.received is None else str(line.received)),
                      Text(money(d, line.amount)))
    return table


def outcome(d: ReturnDetail) -> Text:
    text = Text("Money\n", style="bold")
    text.append(f"units coming back cost {money(d, d.amount)} · refunded {money(d, d.refunded)}")
    if d.credit_note_number:
        text.append(f" · credit note {safe(d.credit_note_number)} {money(d, d.credit_note_amount)}")
    text.append(f"\nstill refundable on the order {money(d, d.still_refundable)} · ")
    text.append(f"refund up to {money(d, d.refund_cap)}", style="bold" if not d.final else "dim")
    for refund in d.refunds:
        style = "red" if refund.status == "Failed" else ""
        ref = f" ref {safe(refund.reference)}" if refund.reference else ""
        text.append(f"\n{refund.created_at:%d %b %H:%M} refund {money(d, refund.amount)} {refund.method}{ref} "
                    f"{refund.status} by {safe(refund.created_by)}", style=style)
    if d.replacement_order_number:
        text.append(f"\nreplacement order {d.replacement_order_number}", style="green")
    return text


def history(d: ReturnDetail) -> RenderableType:
    table = Table(title="History (newest first)", title_justify="left", box=None, expand=True, padding=(0, 1))
    table.add_column("When", no_wrap=True)
    table.add_column("Who", no_wrap=True)
    table.add_column("What")
    for a in d.history:
        table.add_row(Text(f"{a.at:%d %b %Y %H:%M}"), shown(a.user_name), shown(a.summary))
    return Group(table) if d.history else Text("no history", style="dim")
