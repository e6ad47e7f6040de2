"""The order list: one page of rows, drawn line by line, asking its screen for more at the edges.

Textual's DataTable lays out and renders every cell as Rich renderables; repainting a page
of orders that way costs about 100 ms. This widget formats each row once into a styled line
of fixed-width columns and paints only the lines in view, so a page change repaints in a few
milliseconds (the Line API, as in Toolong).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hubtui.domain.orders import HIGH_RISK_SCORE
from hubtui.domain.money import format_money
from hubtui.domain.text import printable
from hubtui.services.views import OrderRow

# What an operator scans for first comes first; the rest is a scroll to the right at 80 columns.
# Widths chosen so number, date, customer, total, status and payment fit 80 columns beside the
# scroll bar, so a long payment status ends in "…" rather than being cut off by the edge.
COLUMNS: tuple[tuple[str, int, bool], ...] = (  # (heading, width, right-aligned)
    ("Number", 9, False), ("Date", 11, False), ("Customer", 14, False), ("Total", 11, True),
    ("Status", 16, False), ("Payment", 10, False), ("Channel", 11, False), ("Type", 11, False),
    ("Email", 32, False), ("Tags", 12, False),
)
GAP = 1
LINE_WIDTH = sum(width for _, width, _ in COLUMNS) + GAP * len(COLUMNS)
STATUS_STYLES = {
    "Cancelled": "dim", "OnHold": "yellow", "AwaitingApproval": "bold yellow", "ReturnedByWarehouse": "magenta",
    "Delivered": "green", "Dispatched": "green",
}
PAYMENT_STYLES = {"Declined": "bold red", "Pending": "yellow", "Refunded": "dim", "PartiallyRefunded": "cyan"}


def _cell(text: str, width: int, right: bool) -> str:
    text = printable(text, one_line=True)  # names, e-mails and tags come from people and files
    text = text if len(text) <= width else text[: width - 1] + "…"
    return text.rjust(width) if right else text.ljust(width)


def format_row(row: OrderRow) -> Text:
    """One order as a line of fixed-width columns."""
    channel = "Phone Order" if row.channel == "telephone" else row.channel
    status = row.status + (" !" if row.fraud_score >= HIGH_RISK_SCORE else "")
    values = (
        (row.number, ""), (row.placed_at.strftime("%d/%m %H:%M"), ""), (row.customer_name, ""),
        (format_money(row.order_total, row.currency, grouping=True), ""),
        (status, STATUS_STYLES.get(row.status, "")), (row.payment_status, PAYMENT_STYLES.get(row.payment_status, "")),
        (channel, ""), (row.order_type, ""), (row.customer_email, ""), (row.tags, ""),
    )
    line = Text(" ", end="", no_wrap=True)
    for (value, style), (_, width, right) in zip(values, COLUMNS):
        line.append(_cell(value, width, right), style=style)
        line.append(" " * GAP)
    return line


def _header() -> Text:
    line = Text(" ", end="", no_wrap=True)
    for heading, width, right in COLUMNS:
        line.append(_cell(heading, width, right))
        line.append(" " * GAP)
    return line


class OrdersTable(ScrollView, can_focus=True):
    """Holds exactly the page it shows. `EdgeReached` asks for the next or previous page."""

    DEFAULT_CSS = """
    OrdersTable {
        height: 1fr;
        background: $surface;
    }
    OrdersTable > .orders-table--header {
        text-style: bold;
        background: $panel;
    }
    OrdersTable > .orders-table--cursor {
        background: $accent;
        color: $text;
    }
    OrdersTable > .orders-table--stripe {
        background: $boost;
    }
    """
    COMPONENT_CLASSES = {"orders-table--header", "orders-table--cursor", "orders-table--stripe"}
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "go_top", "Top of page", show=False),
        Binding("end", "go_bottom", "Bottom of page", show=False),
        Binding("enter", "choose", "Open", show=False),
        Binding("left", "scroll_left", show=False),
        Binding("right", "scroll_right", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class EdgeReached(Message):
        def __init__(self, forward: bool) -> None:
            super().__init__()
            self.forward = forward

    class Chosen(Message):
        """Enter on a row."""

        def __init__(self, number: str) -> None:
            super().__init__()
            self.number = number

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: tuple[OrderRow, ...] = ()
        self._lines: list[Text] = []
        self._segments: dict[int, list[Segment]] = {}  # row index -> its rendered line, made when first painted
        self._header_line = _header()

    # ------------------------------------------------------------------ data

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def order_numbers(self) -> list[str]:
        return [row.number for row in self.rows]

    def show_rows(self, rows: Sequence[OrderRow], *, cursor_at_end: bool = False, keep: str | None = None) -> None:
        """Replace the rows; the cursor stays on `keep` (an order number) when it is still there."""
        self.rows = tuple(rows)
        self._lines = [format_row(row) for row in self.rows]
        self._segments = {}
        self.virtual_size = Size(LINE_WIDTH, len(self.rows) + 1)
        target = len(self.rows) - 1 if cursor_at_end else 0
        if keep is not None:
            target = next((i for i, row in enumerate(self.rows) if row.number == keep), target)
        self.scroll_to(y=0 if target == 0 else None, animate=False, immediate=True)
        self.cursor_row = max(0, target)
        self.refresh()

    def highlighted_number(self) -> str | None:
        if not self.rows:
            return None
        return self.rows[min(self.cursor_row, len(self.rows) - 1)].number

    # ------------------------------------------------------------------ painting

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            segments = list(self._header_line.render(self.app.console))
            style = self.get_component_rich_style("orders-table--header")
        else:
            index = scroll_y + y - 1
            if index >= len(self._lines):
                return Strip.blank(width, self.rich_style)
            segments = self._segments.get(index)
            if segments is None:
                segments = self._segments[index] = list(self._lines[index].render(self.app.console))
            if index == self.cursor_row:
                style = self.get_component_rich_style("orders-table--cursor")
            elif index % 2:
                style = self.get_component_rich_style("orders-table--stripe")
            else:
                style = self.rich_style
        strip = Strip(Segment.apply_style(segments, style), LINE_WIDTH)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._keep_cursor_in_view()
        self.refresh()

    def _keep_cursor_in_view(self) -> None:
        visible = max(1, self.size.height - 1)  # the header takes a line
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    # ------------------------------------------------------------------ keys

    def action_cursor_down(self) -> None:
        if self.rows and self.cursor_row >= len(self.rows) - 1:
            self.post_message(self.EdgeReached(forward=True))
        elif self.rows:
            self.cursor_row += 1

    def action_cursor_up(self) -> None:
        if self.rows and self.cursor_row <= 0:
            self.post_message(self.EdgeReached(forward=False))
        elif self.rows:
            self.cursor_row -= 1

    def action_page_down(self) -> None:
        if self.rows and self.cursor_row >= len(self.rows) - 1:
            self.post_message(self.EdgeReached(forward=True))
        elif self.rows:
            self.cursor_row = min(len(self.rows) - 1, self.cursor_row + max(1, self.size.height - 2))

    def action_page_up(self) -> None:
        if self.rows and self.cursor_row <= 0:
            self.post_message(self.EdgeReached(forward=False))
        elif self.rows:
            self.cursor_row = max(0, self.cursor_row - max(1, self.size.height - 2))

    def action_go_top(self) -> None:
        if self.rows:
            self.cursor_row = 0

    def action_go_bottom(self) -> None:
        if self.rows:
            self.cursor_row = len(self.rows) - 1

    def action_choose(self) -> None:
        number = self.highlighted_number()
        if number is not None:
            self.post_message(self.Chosen(number))
