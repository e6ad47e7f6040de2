"""One table of commands feeds the key bindings, the footer, the help screen and the palette.

Every command has a binding id (`orders.next_page`), so an operator can remap its keys in
the `[keys]` table of config.toml: `"orders.next_page" = "pagedown,ctrl+n"`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from textual.binding import Binding

from hubtui.domain.orders import QuickFilter
from hubtui.domain.returns import ReturnsFilter


@dataclass(frozen=True)
class Command:
    id: str  # binding id: "<scope>.<name>"
    keys: str  # default keys, comma-separated, Textual key names
    action: str  # the action it runs on its screen (or the app)
    label: str  # the footer's word for it
    help: str  # one line for the help screen
    palette: str | None = None  # "noun: verb" title in the command palette
    show: bool = True  # shown in the footer
    # Opens a screen: run as the key arrives, so the keys typed after it wait for that screen
    # (see hubtui.widgets.key_delivery) instead of going to the list behind it. Refused while typing text.
    priority: bool = False

    @property
    def scope(self) -> str:
        return self.id.split(".", 1)[0]

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.label, show=self.show, id=self.id, tooltip=self.help,
                       priority=self.priority)


QUICK_FILTER_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "minus", "equals_sign")
QUICK_FILTER_LABELS = {
    QuickFilter.ALL: "All",
    QuickFilter.TODAY: "Today",
    QuickFilter.YESTERDAY: "Yesterday",
    QuickFilter.UNFULFILLED: "Unfulfilled",
    QuickFilter.UNPAID: "Unpaid",
    QuickFilter.AWAITING_APPROVAL: "Awaiting approval",
    QuickFilter.HIGH_RISK: "High risk",
    QuickFilter.PRE_ORDERS: "Pre-orders",
    QuickFilter.AWAITING_FEEDBACK: "Awaiting feedback",
    QuickFilter.RETURNED_FROM_WAREHOUSE: "Returned from warehouse",
    QuickFilter.ON_HOLD: "On hold",
    QuickFilter.EXCHANGE_ON_HOLD: "Exchange on hold",
}
# Short names for the quick-filter bar, so all twelve fit on three lines at 80 columns.
QUICK_FILTER_SHORT = {
    QuickFilter.ALL: "All", QuickFilter.TODAY: "Today", QuickFilter.YESTERDAY: "Yesterday",
    QuickFilter.UNFULFILLED: "Unfulfilled", QuickFilter.UNPAID: "Unpaid", QuickFilter.AWAITING_APPROVAL: "Approval",
    QuickFilter.HIGH_RISK: "Risk", QuickFilter.PRE_ORDERS: "Pre-order", QuickFilter.AWAITING_FEEDBACK: "Feedback",
    QuickFilter.RETURNED_FROM_WAREHOUSE: "Returned", QuickFilter.ON_HOLD: "Hold", QuickFilter.EXCHANGE_ON_HOLD: "Exch.hold",
}
KEY_LABELS = {
    "plus": "+", "delete": "del",
    "escape": "esc", "minus": "-", "equals_sign": "=", "question_mark": "?", "colon": ":", "slash": "/",
    "left_square_bracket": "[", "right_square_bracket": "]",
}

APP_COMMANDS = (
    Command("app.help", "question_mark,f1", "help", "Help", "Keys for this screen and what they do", "app: help"),
    Command("app.jump", "colon", "jump", "Jump", "Open an order by its number (BT prefix optional)", "order: open by number",
            priority=True),
    Command("app.palette", "ctrl+p", "command_palette", "Palette", "Search every command", show=False),
    Command("app.quit", "ctrl+q", "quit", "Quit", "Leave hubtui", "app: quit", show=False),
)

ORDERS_COMMANDS = (
    Command("orders.open", "enter", "open_order", "Open", "Open the highlighted order"),
    # The footer shows them in this order and a narrow terminal cuts the last: what an agent does most, first.
    Command("orders.new", "n", "new_order", "New", "Take a new phone order", "order: new", priority=True),
    Command("orders.pay", "p", "pay", "Pay", "Record a payment for the highlighted order", "order: pay",
            priority=True),
    Command("orders.filter", "slash", "focus_filter", "Filter", "Type part of a number, e-mail, name or post code",
            "orders: filter by text"),
    Command("orders.search", "f", "advanced_search", "Search", "Search by any field, period and date range",
            "orders: advanced search", priority=True),
    Command("orders.clear", "escape", "clear_search", "Clear", "Clear the text filter and the search (the period stays)",
            "orders: clear search", show=False),
    Command("orders.down", "j", "cursor_down", "Down", "Next order (at the end of the page, the next page)", show=False),
    Command("orders.up", "k", "cursor_up", "Up", "Previous order", show=False),
    Command("orders.next_page", "right_square_bracket", "next_page", "Next page",
            "The next page of orders (PgDn at the bottom of a page does the same)", "orders: next page", show=False),
    Command("orders.previous_page", "left_square_bracket", "previous_page", "Previous page",
            "The previous page of orders (PgUp at the top of a page does the same)", "orders: previous page", show=False),
    Command("orders.first_page", "g", "first_page", "First", "The newest orders (the first page)",
            "orders: first page", show=False),
    Command("orders.last_page", "G", "last_page", "Last", "The oldest orders (the last page)", "orders: last page",
            show=False),
    Command("orders.sort", "o", "cycle_sort", "Sort", "Sort by date, total or status", "orders: change sort"),
    Command("orders.reverse", "O", "reverse_sort", "Reverse", "Reverse the sort order", "orders: reverse sort",
            show=False),
    Command("orders.period", "D", "cycle_period", "Period", "Cycle the date period: any, today, last 7 days, …",
            "orders: change period"),
    Command("orders.microsite", "m", "cycle_microsite", "Microsite", "Show one microsite, or all",
            "orders: change microsite"),
    Command("orders.refresh", "r,ctrl+r", "refresh", "Refresh", "Read the list and counts again", "orders: refresh",
            show=False),
    Command("orders.returns", "R", "returns", "Returns", "The returns list (RMAs): approve, receive, QC, refund",
            show=False, priority=True),
    Command("orders.export", "x", "export", "Export",
            "Export orders, their lines or payments to an xlsx file (a range, the list's filter; e-mail it)",
            "orders: export", show=False, priority=True),
    Command("orders.price_match", "M", "price_match", "Price match",
            "The Price Match screen: each product's channel prices, the spread and its rule's verdict",
            show=False, priority=True),
    Command("orders.import", "i", "import_file", "Import",
            "Import orders, items, payments or a Shopify export from a CSV or xlsx file (a dry run first)",
            "import: csv",
            show=False, priority=True),
) + tuple(
    Command(f"orders.quick.{quick.value}", key, f"quick_filter('{quick.value}')", QUICK_FILTER_LABELS[quick],
            f"Quick filter: {QUICK_FILTER_LABELS[quick].lower()}", f"filter: {quick.value}", show=False)
    for quick, key in zip(QuickFilter, QUICK_FILTER_KEYS)
)

ORDER_COMMANDS = (
    Command("order.back", "escape", "back", "Back", "Back to the list"),
    Command("order.status", "s", "change_status", "Status", "Move the order to another status", "order: change status",
            priority=True),
    Command("order.pay", "p", "pay", "Pay", "Record a payment", "order: pay", priority=True),
    Command("order.note", "a", "add_note", "Note", "Add a note to the activity log", "order: add note", priority=True),
    Command("order.details", "e", "edit_details", "Addresses",
            "Shipping and billing address, phone and the customer's reference (before SentToWarehouse)",
            "order: edit addresses", show=False, priority=True),
    Command("order.attachments", "A", "attachments", "Files",
            "Attachments: attach a file by its path, save a copy, open one", "order: attachments", show=False,
            priority=True),
    Command("order.lines", "l", "edit_lines", "Lines",
            "Change the lines: add products, quantities, remove lines; a money preview before saving",
            "order: edit lines", priority=True),
    Command("order.discount", "d", "discount", "Discount",
            "A promotion code, a discount of your own (amount or %) with a reason, or take one off",
            "order: discount", show=False, priority=True),
    Command("order.tracking", "t", "tracking", "Tracking", "Carrier, tracking number and link (from ReadyToDispatch on)",
            "order: tracking", priority=True),
    Command("order.release", "h", "release_hold", "Release",
            "On hold: back to the status it was held from, in one key", "order: release hold", show=False),
    Command("order.correct_payment", "P", "correct_payment", "Fix payment",
            "Correct a recorded payment's status: a declined card that went through, a bounced cheque",
            "order: correct a payment", show=False, priority=True),
    Command("order.return", "u", "raise_return", "Return",
            "Raise a return (RMA) of dispatched units: refund, replacement, exchange or credit note",
            "order: raise a return", show=False, priority=True),
    Command("order.refresh", "r,ctrl+r", "refresh", "Refresh", "Read the order again", "order: refresh", show=False),
)

NEW_ORDER_COMMANDS = (
    Command("new_order.save", "ctrl+s", "save", "Review/Place",
            "On customer or products: go to the review; on the review: place the order and record its payment"),
    Command("new_order.leave", "escape", "leave", "Leave",
            "Leave the new order (asks first when something is entered); back out of a quantity or a company"),
    Command("new_order.companies", "ctrl+t", "toggle_companies", "Companies",
            "Customer step: search companies (B2B) instead of people, and back"),
    Command("new_order.new_customer", "ctrl+n", "new_customer", "New customer",
            "Customer step: add a caller not on file yet (name, e-mail, phone and address, all checked)"),
    Command("new_order.customer", "f2", "go_step('customer')", "Customer", "Step 1: find the customer"),
    Command("new_order.products", "f3", "go_step('products')", "Products", "Step 2: add products and quantities"),
    Command("new_order.review", "f4", "go_step('review')", "Review", "Step 3: addresses, shipping, reference, totals and the payment"),
    Command("new_order.next", "down", "move(1)", "Next", "Move down the search results while typing", show=False),
    Command("new_order.previous", "up", "move(-1)", "Previous", "Move up the search results while typing", show=False),
    Command("new_order.more", "plus", "change_quantity(1)", "+1",
            "On a line, or in the empty product search for the line just added: one more", show=False),
    Command("new_order.less", "minus", "change_quantity(-1)", "-1",
            "On a line, or in the empty product search for the line just added: one fewer", show=False),
    Command("new_order.remove", "delete", "remove_line", "Remove", "On a line: remove it from the order", show=False),
)

LINES_COMMANDS = (
    Command("lines.save", "ctrl+s", "save", "Preview/Save",
            "Show what the change does to the order's money; ctrl+s again there saves it"),
    Command("lines.leave", "escape", "leave", "Leave", "Back to the order (asks first when lines were changed)"),
    Command("lines.next", "down", "move(1)", "Next", "Move down the search results while typing", show=False),
    Command("lines.previous", "up", "move(-1)", "Previous", "Move up the search results while typing", show=False),
    Command("lines.more", "plus", "change_quantity(1)", "+1",
            "On a line, or in the empty search for the line just added: one more", show=False),
    Command("lines.less", "minus", "change_quantity(-1)", "-1",
            "On a line, or in the empty search for the line just added: one fewer", show=False),
    Command("lines.remove", "delete", "remove_line", "Remove",
            "On a line: take it off (greyed until saved; del again puts it back)", show=False),
)

RETURNS_FILTER_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8")
RETURNS_FILTER_LABELS = {
    ReturnsFilter.ALL: "All", ReturnsFilter.OPEN: "Open", ReturnsFilter.AWAITING_APPROVAL: "Approval",
    ReturnsFilter.AWAITING_RECEIPT: "Receipt", ReturnsFilter.AWAITING_QC: "QC", ReturnsFilter.TO_PROCESS: "To process",
    ReturnsFilter.PROBLEMS: "Problems", ReturnsFilter.DONE_TODAY: "Done today",
}

RETURNS_COMMANDS = (
    Command("returns.open", "enter", "open_row", "Open", "Open the highlighted return"),
    Command("returns.receive", "colon", "receive", "Receive",
            "Receive parcels: scan or type an RMA or order number, enter shows what is expected, enter receives it",
            "returns: receive", priority=True),
    Command("returns.new", "n", "new_return", "New", "Raise a return: type the order number or e-mail first",
            "returns: new", priority=True),
    Command("returns.filter", "slash", "focus_filter", "Filter", "Type an RMA or order number, or part of an e-mail",
            "returns: filter by text"),
    Command("returns.action", "a", "cycle_action", "Action", "Show one action (refund, replacement, …), or all",
            "returns: change action filter"),
    Command("returns.status", "S", "pick_status", "Status", "Show one status (any of the 22), or all",
            "returns: filter by status", priority=True),
    Command("returns.period", "D", "cycle_period", "Period", "Raised: any time, today, last 7 days, last 30 days",
            "returns: change period"),
    Command("returns.back", "escape", "back", "Orders", "Back to the order list (clears the text filter first)"),
    Command("returns.down", "j", "cursor_down", "Down", "Next return", show=False),
    Command("returns.up", "k", "cursor_up", "Up", "Previous return", show=False),
    Command("returns.next_page", "right_square_bracket", "next_page", "Next page", "The next page of returns",
            show=False),
    Command("returns.previous_page", "left_square_bracket", "previous_page", "Previous page",
            "The previous page of returns", show=False),
    Command("returns.refresh", "r,ctrl+r", "refresh", "Refresh", "Read the list and counts again", "returns: refresh",
            show=False),
) + tuple(
    Command(f"returns.quick.{quick.value}", key, f"quick_filter('{quick.value}')", RETURNS_FILTER_LABELS[quick],
            f"Returns: {RETURNS_FILTER_LABELS[quick].lower()}", f"returns: {quick.value.replace('-', ' ')}", show=False)
    for quick, key in zip(ReturnsFilter, RETURNS_FILTER_KEYS)
)

RETURN_COMMANDS = (
    Command("return.back", "escape", "back", "Back", "Back to where you came from"),
    Command("return.order", "enter", "open_order", "Order", "Open the order this return is for"),
    Command("return.status", "s", "change_status", "Status", "Move the return on: only the moves allowed now",
            "return: change status", priority=True),
    Command("return.receive", "colon", "receive", "Receive", "Confirm what came back, line by line",
            "return: receive", priority=True),
    Command("return.qc", "q", "qc", "QC", "QC of the goods received, with a note", "return: QC", priority=True),
    Command("return.refund", "f", "refund", "Refund", "Refund what the returned units cost (or less)",
            "return: refund", priority=True),
    Command("return.replace", "r", "replace", "Replace", "Create a replacement order at no charge",
            "return: replacement order", priority=True),
    Command("return.credit", "c", "credit", "Credit", "Record a credit note instead of a refund",
            "return: credit note", priority=True),
    Command("return.refresh", "ctrl+r", "refresh", "Refresh", "Read the return again", "return: refresh",
            show=False),
)

NEW_RETURN_COMMANDS = (
    Command("new_return.save", "ctrl+s", "save", "Create", "Create the return (RMA) from any field"),
    Command("new_return.leave", "escape", "leave", "Leave", "Back without a return (asks when something is entered)"),
    Command("new_return.all", "a", "all_lines", "All",
            "On the lines: every returnable unit (again: none)"),
)

# Commands, not bare bindings, so that `?` over the dialog explains its keys.
CHOICE_COMMANDS = (
    Command("choice.previous", "left", "move(-1)", "Previous",
            "Method or status: the choice to the left (or type its first letter)", show=False),
    Command("choice.next", "right", "move(1)", "Next",
            "Method or status: the choice to the right (or type its first letter)", show=False),
    Command("choice.next_field", "enter", "next_field", "Next field",
            "Method or status: on to the next field (in an input, enter does the same; in the comment it saves)",
            show=False),
)
PAYMENT_COMMANDS = (
    Command("dialog.save", "ctrl+s", "save", "Save", "Record the payment, from any field"),
    Command("dialog.cancel", "escape", "cancel", "Cancel", "Close without recording anything"),
    # A modal screen cuts the app's own bindings off, `?` among them.
    Command("dialog.help", "f1,question_mark", "app.help", "Help", "These keys (? types itself in a text field)"),
)


class PriceMatchFilter(StrEnum):
    """The Price Match screen's quick filters: every product, or one verdict (VerdictKind's values)."""

    all = "all"
    suggested = "suggested"
    flagged = "flagged"
    parity = "parity"
    no_rule = "no_rule"


PRICE_MATCH_FILTER_KEYS = ("1", "2", "3", "4", "5")
PRICE_MATCH_FILTER_LABELS = {
    PriceMatchFilter.all: "All", PriceMatchFilter.suggested: "Suggested", PriceMatchFilter.flagged: "Flagged",
    PriceMatchFilter.parity: "Parity", PriceMatchFilter.no_rule: "No rule",
}

PRICE_MATCH_COMMANDS = (
    Command("price_match.history", "enter", "open_row", "History", "The highlighted product's price history per channel"),
    Command("price_match.enter_price", "e", "enter_price", "Price",
            "Enter a channel's price for the highlighted product (channel, price, when it was seen)",
            "price match: enter a channel price", priority=True),
    Command("price_match.apply", "a", "apply", "Apply",
            "Apply the suggested price of the selected products (or the highlighted one): a confirmation first",
            "price match: apply suggestions", priority=True),
    Command("price_match.select", "space", "toggle_select", "Select", "Select or unselect the highlighted product"),
    Command("price_match.rules", "R", "rules", "Rules", "The price-match rules: add, edit, reorder, deactivate",
            priority=True),
    Command("price_match.filter", "slash", "focus_filter", "Filter", "Type part of a stock code or name",
            "price match: filter by text"),
    Command("price_match.sort", "o", "cycle_sort", "Sort", "Sort by stock code, or by spread (largest first)",
            "price match: change sort"),
    Command("price_match.brand", "b", "pick_brand", "Brand", "Show one brand, or all", "price match: filter by brand",
            show=False, priority=True),
    Command("price_match.category", "c", "pick_category", "Category", "Show one category, or all",
            "price match: filter by category", show=False, priority=True),
    Command("price_match.channel", "h", "pick_channel", "Channel", "Show products with a price on one channel, or all",
            "price match: filter by channel", show=False, priority=True),
    Command("price_match.back", "escape", "back", "Back", "Back to the order list (clears the text filter first)"),
    Command("price_match.down", "j", "cursor_down", "Down", "Next product", show=False),
    Command("price_match.up", "k", "cursor_up", "Up", "Previous product", show=False),
    Command("price_match.next_page", "right_square_bracket", "next_page", "Next page", "The next page of products",
            show=False),
    Command("price_match.previous_page", "left_square_bracket", "previous_page", "Previous page",
            "The previous page of products", show=False),
    Command("price_match.first_page", "g", "first_page", "First", "The first page of products", show=False),
    Command("price_match.last_page", "G", "last_page", "Last", "The last page of products", show=False),
    Command("price_match.refresh", "r,ctrl+r", "refresh", "Refresh", "Read the list and counts again",
            "price match: refresh", show=False),
) + tuple(
    Command(f"price_match.quick.{quick.value}", key, f"quick_filter('{quick.value}')", PRICE_MATCH_FILTER_LABELS[quick],
            f"Price match: {PRICE_MATCH_FILTER_LABELS[quick].lower()}",
            f"price match: {PRICE_MATCH_FILTER_LABELS[quick].lower()}", show=False)
    for quick, key in zip(PriceMatchFilter, PRICE_MATCH_FILTER_KEYS)
)

PRICE_RULES_COMMANDS = (
    Command("price_rules.edit", "enter,e", "edit_rule", "Edit", "Edit the highlighted rule", "price rules: edit",
            priority=True),
    Command("price_rules.new", "n", "new_rule", "New", "Add a rule", "price rules: new", priority=True),
    Command("price_rules.up", "K,ctrl+up", "move_rule(True)", "Move up", "Run the highlighted rule earlier (priority)",
            "price rules: move up"),
    Command("price_rules.down", "J,ctrl+down", "move_rule(False)", "Move down",
            "Run the highlighted rule later (priority)", "price rules: move down"),
    Command("price_rules.active", "t", "toggle_active", "On/off", "Deactivate the highlighted rule, or activate it",
            "price rules: activate or deactivate"),
    Command("price_rules.back", "escape", "back", "Back", "Back to the Price Match screen"),
    Command("price_rules.cursor_down", "j", "cursor_down", "Down", "Next rule", show=False),
    Command("price_rules.cursor_up", "k", "cursor_up", "Up", "Previous rule", show=False),
    Command("price_rules.refresh", "r,ctrl+r", "refresh", "Refresh", "Read the rules again", show=False),
)


ALL_COMMANDS = (APP_COMMANDS + ORDERS_COMMANDS + ORDER_COMMANDS + NEW_ORDER_COMMANDS + LINES_COMMANDS
                + PAYMENT_COMMANDS + CHOICE_COMMANDS + RETURNS_COMMANDS + RETURN_COMMANDS + NEW_RETURN_COMMANDS
                + PRICE_MATCH_COMMANDS + PRICE_RULES_COMMANDS)


def bindings(commands: tuple[Command, ...]) -> list[Binding]:
    return [command.binding() for command in commands]


def key_label(keys: str) -> str:
    """The keys as an operator reads them: "g, home"; "-"."""
    return ", ".join(KEY_LABELS.get(k.strip(), k.strip()) for k in keys.split(","))


def known_ids() -> set[str]:
    return {command.id for command in ALL_COMMANDS}
