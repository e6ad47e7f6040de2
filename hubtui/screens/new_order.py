"""The phone-order wizard (`n`): customer, products, review; ctrl+s places the order.

The draft lives only on this screen until it is placed: nothing is written before ctrl+s
on the review, and a refusal then (a product withdrawn meanwhile, an incomplete address)
leads the agent to the field or line it names, with nothing written.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.containers import Horizontal
from textual.widgets import ContentSwitcher, DataTable, Header, Input, Static

from hubtui.domain.errors import DomainError, MoneyError
from hubtui.domain.money import format_money
from hubtui.domain.order_draft import DEFAULT_CONFIRM_ABOVE, totals
from hubtui.services.context import Context
from hubtui.services.views import CustomerChoice, OrderDetail
from hubtui.screens.new_order_customer import CustomerStep
from hubtui.screens.new_order_products import ProductsStep
from hubtui.screens.new_order_review import ReviewStep
from hubtui.widgets.commands import APP_COMMANDS, NEW_ORDER_COMMANDS, bindings
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.payment_fields import CHECKED_FIELDS
from hubtui.widgets.safe_text import safe
from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.worker_errors import ReportsWorkerErrors

STEPS = (("customer", "1 Customer"), ("products", "2 Products"), ("review", "3 Review"))
FIRST_FIELD = {"customer": "#customer-search", "products": "#product-search", "review": "#shipping_name"}


class NewOrderScreen(ReportsWorkerErrors, Screen[None]):
    AUTO_FOCUS = "#customer-search"
    BINDINGS = bindings(NEW_ORDER_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + NEW_ORDER_COMMANDS
    HELP_TITLE = "New phone order"

    class _Placed(Message):
        def __init__(self, detail: OrderDetail) -> None:
            super().__init__()
            self.detail = detail

    class _Refused(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.step = "customer"
        self.customer: CustomerChoice | None = None
        self.placing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wizard-bar"):
            yield Static(id="wizard-steps")
            yield Static(id="wizard-summary")
        with ContentSwitcher(initial="customer", id="wizard-body"):
            yield CustomerStep(self.context, self._customer_picked, id="customer")
            yield ProductsStep(self.context, confirm_above=getattr(self.app, "quantity_confirm_above",
                                                                   DEFAULT_CONFIRM_ABOVE), id="products")
            yield ReviewStep(id="review")
        yield HubFooter()

    def on_mount(self) -> None:
        self.title = "New phone order"
        operator = self.context.operator
        self.sub_title = f"{operator.org_code} · {operator.user_name} ({operator.role})"
        self._draw_steps()

    @property
    def products(self) -> ProductsStep:
        return self.query_one(ProductsStep)

    @property
    def review(self) -> ReviewStep:
        return self.query_one(ReviewStep)

    @property
    def customer_step(self) -> CustomerStep:
        return self.query_one(CustomerStep)

    def _draw_steps(self) -> None:
        bar = Text()
        for name, label in STEPS:
            bar.append(f" {label} ", style="bold reverse" if name == self.step else "dim")
            bar.append(" › " if name != "review" else "")
        self.query_one("#wizard-steps", Static).update(bar)
        summary = Text(no_wrap=True, overflow="ellipsis", justify="right")
        t = totals(self.products.lines)
        if t.lines:
            summary.append(format_money(t.lines_total, self.products.currency, grouping=True), style="bold")
            summary.append(f" · {t.lines} line{'s' if t.lines != 1 else ''} · ")
        c = self.customer
        summary.append(safe(c.name) if c else "no customer yet", style="" if c else "italic dim")
        self.query_one("#wizard-summary", Static).update(summary)

    # ------------------------------------------------------------------ moving between steps

    def action_go_step(self, step: str) -> None:
        if self.step == "products" and step != "products" and not self.products.commit_editor():
            return  # the quantity on screen is not one the order can take yet: said beside it
        self.step = step
        self.query_one(ContentSwitcher).current = step
        if step == "review":
            self.review.use_lines(self.products.lines, self.products.currency)
        self._draw_steps()
        # Now, not after the keys already typed: they are for the field the cursor lands on.
        self.set_focus(self.review.first_field() if step == "review" else self.query_one(FIRST_FIELD[step]))

    def _customer_picked(self, customer: CustomerChoice) -> None:
        self.customer = customer
        self.customer_step.set_error(None)
        self.review.use_customer(customer)
        self.action_go_step("products")

    @on(ProductsStep.LinesChanged)
    def _lines_changed(self) -> None:
        self._draw_steps()

    def action_move(self, delta: int) -> None:
        if self.step == "customer":
            self.customer_step.move(delta)
        elif self.step == "products":
            self.products.move(delta)
        else:  # on the review the arrows walk the form
            self.focus_next() if delta > 0 else self.focus_previous()

    def action_toggle_companies(self) -> None:
        self.customer_step.toggle_companies()

    def action_new_customer(self) -> None:
        from hubtui.screens.new_customer_dialog import NewCustomerDialog

        def added(customer: CustomerChoice | None) -> None:
            if customer is not None:
                self.notify(f"Customer added: {customer.name} <{customer.email}>.", timeout=4)
                self._customer_picked(customer)

        typed = self.customer_step.search_input.value if not self.customer_step.companies else ""
        self.app.push_screen(NewCustomerDialog(self.context, typed), added)

    def action_change_quantity(self, delta: int) -> None:
        self.products.change_quantity(delta)

    def action_remove_line(self) -> None:
        self.products.remove()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("change_quantity", "remove_line"):
            # Only on the lines table: in a search box these keys type.
            return isinstance(self.focused, DataTable)
        if action in ("toggle_companies", "new_customer"):
            return True if self.step == "customer" else None
        return True

    def refusal(self, action: str) -> str | None:
        """Why a greyed key does nothing here (said when it is pressed)."""
        if action in ("toggle_companies", "new_customer") and self.step != "customer":
            return "Companies and new callers belong to the customer step: F2 goes back to it."
        return None

    # ------------------------------------------------------------------ leaving

    def action_leave(self) -> None:
        if self.products.close_editor() or self.customer_step.back():
            return
        if not self.products.lines and self.customer is None:
            self.app.pop_screen()
            return
        from hubtui.screens.dialogs import ConfirmDialog

        lines = len(self.products.lines)
        what = f"its {lines} line{'s' if lines != 1 else ''}" if lines else "the customer chosen"
        self.app.push_screen(ConfirmDialog(f"Leave this phone order? {what.capitalize()} will be lost."),
                             self._leave_confirmed)

    def _leave_confirmed(self, leave: bool | None) -> None:
        if leave:
            self.app.pop_screen()

    # ------------------------------------------------------------------ placing

    def _ready(self) -> bool:
        """Customer and lines are there; otherwise show what is missing where it is missing."""
        if self.customer is None:
            self.action_go_step("customer")
            self.customer_step.set_error("Choose a customer first: type an e-mail, phone or name, then enter.")
            return False
        if not self.products.lines:
            self.action_go_step("products")
            self.products.set_error("Add at least one product: type a stock code or name, then enter.")
            return False
        return True

    def action_save(self) -> None:
        if self.placing or not self.products.commit_editor() or not self._ready():
            return
        if self.step != "review":
            self.action_go_step("review")
            return
        wrong = self.review.check()
        if wrong:
            self.query_one(f"#{wrong[0]}", Input).focus()
            return
        self.place()

    def _draft(self):  # type: ignore[no-untyped-def]
        from hubtui.services.drafts import NewLine, NewOrder

        review = self.review
        shipping = review.address("shipping")
        assert self.customer is not None
        return NewOrder(
            customer_id=self.customer.id,
            lines=tuple(NewLine(line.stock_code, line.quantity) for line in self.products.lines),
            shipping_total=review.shipping_charge(),
            customer_reference=review.field("customer_reference").value.strip(),
            shipping=shipping,
            billing=shipping if review.bill_to_shipping else review.address("billing"),
        )

    def place(self) -> None:
        try:
            draft = self._draft()
        except MoneyError as error:
            self.review.field("shipping_total").set_error(str(error))
            return
        payment = None
        if self.review.take_payment:
            payment = self.review.payment_draft()
            if payment is None:
                return  # the amount is wrong: said beside it, the cursor is on it
        self.placing = True
        # The step bar, not the header: a header retitled just before the screen closes can
        # update itself after its parts are gone.
        self.query_one("#wizard-steps", Static).update(Text(" Placing the order…", style="bold"))
        # Keys typed from now on are for the details: held until the answer has been handled
        # (the order opened, or the refusal shown where it points).
        hold_keys(self, until=self._place(draft, payment), writing=True)

    @work(thread=True, group="order-writes", exit_on_error=False, description="place the order")
    def _place(self, draft, payment) -> None:  # type: ignore[no-untyped-def]
        from hubtui.services.order_writes import place_order

        try:
            self.post_message(self._Placed(place_order(self.context, draft, payment)))
        except Exception as error:  # refused: nothing was written; the message says what to fix
            self.post_message(self._Refused(error))

    @on(_Placed)
    def _placed(self, message: _Placed) -> None:
        from hubtui.screens.order_detail import OrderDetailScreen

        d = message.detail
        self.app.pop_screen()
        # Said on the order itself, not in a notice that would cover its lines.
        self.app.push_screen(OrderDetailScreen(self.context, d.number, d, flash=placed_message(d)))

    @on(_Refused)
    def _refused(self, message: _Refused) -> None:
        from hubtui.services.errors import InvalidInput

        self.placing = False
        self._draw_steps()
        error = message.error
        if isinstance(error, InvalidInput) and error.line is not None:
            self.action_go_step("products")
            self.products.show_problem(error.line, str(error))
            return
        if isinstance(error, InvalidInput) and error.field == "customer":
            self.customer = None
            self.action_go_step("customer")
            self.customer_step.set_error(str(error))
            return
        if isinstance(error, InvalidInput) and error.field in CHECKED_FIELDS and self.review.take_payment:
            self.action_go_step("review")
            self.review.payment.show_error(error.field, str(error))
            self.review.payment.retype(error.field)
            return
        if isinstance(error, InvalidInput) and error.field and self.review.query(f"#field-{error.field}"):
            self.action_go_step("review")
            self.review.field(error.field).set_error(str(error))
            self.query_one(f"#{error.field}", Input).focus()
            return
        from hubtui.services.faults import fault_message, one_line

        said = fault_message(error)  # a lock held too long, a full disk: says itself that nothing was saved
        severity_title = "Not placed" if isinstance(error, DomainError) or said else "Could not place the order"
        self.notify(said or f"{one_line(error)} Nothing was saved.", title=severity_title, severity="error",
                    timeout=10)


def placed_message(d: OrderDetail) -> str:
    said = f"Phone order placed for {d.customer_name}: {format_money(d.order_total, d.currency, grouping=True)}"
    if d.payment_method is None:
        return said + ". p records the payment."
    return said + f", payment {d.payment_method} {d.payment_status}."
