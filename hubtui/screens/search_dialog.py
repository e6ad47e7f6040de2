"""Advanced search (`f`): every field of SPEC 3, combined with a quick filter and a period."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from hubtui.domain.errors import DomainError
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import OrderStatus, OrderType, PaymentMethod, PaymentStatus, QuickFilter
from hubtui.domain.periods import Period, parse_date
from hubtui.services.context import Context
from hubtui.widgets.commands import QUICK_FILTER_LABELS
from hubtui.widgets.safe_text import SafeInput, safe
from hubtui.widgets.worker_errors import ReportsWorkerErrors

TEXT_FIELDS = (("email", "E-mail starts with"), ("postcode", "Post code starts with"), ("number", "Order number"),
               ("name", "Customer name"))


def _options(values: Any) -> list[tuple[str, str]]:
    return [(str(v.value if hasattr(v, "value") else v), str(v.value if hasattr(v, "value") else v)) for v in values]


class AdvancedSearchDialog(ReportsWorkerErrors, ModalScreen[OrderQuery | None]):
    AUTO_FOCUS = "#search-quick"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "apply", "Search", id="dialog.save"),
        Binding("ctrl+l", "clear", "Clear fields", id="dialog.clear"),
    ]

    def __init__(self, context: Context, query: OrderQuery) -> None:
        super().__init__()
        self.context = context
        self.initial = query

    def compose(self) -> ComposeResult:
        q = self.initial
        with Vertical(classes="dialog", id="search"):
            yield Label("Advanced search — ctrl+s search · ctrl+l clear · esc cancel", classes="dialog-title")
            with VerticalScroll(id="search-fields"):
                with Grid(id="search-grid"):
                    yield Label("Quick filter")
                    yield Select([(QUICK_FILTER_LABELS[f], f.value) for f in QuickFilter], value=q.quick_filter.value,
                                 allow_blank=False, id="search-quick")
                    yield Label("Period")
                    yield Select(_options(Period), value=q.period.value if q.period else Select.NULL,
                                 prompt="any time", id="search-period")
                    yield Label("From (custom)")
                    yield SafeInput(str(q.date_from or ""), placeholder="e.g. 2026-11-01", id="search-from")
                    yield Label("To (custom)")
                    yield SafeInput(str(q.date_to or ""), placeholder="e.g. 2026-11-30", id="search-to")
                    for field, enum in (("status", OrderStatus), ("order_type", OrderType),
                                        ("payment_status", PaymentStatus), ("payment_method", PaymentMethod)):
                        yield Label(field.replace("_", " ").capitalize())
                        yield Select(_options(enum), value=getattr(q, field) or Select.NULL, prompt="any",
                                     id=f"search-{field}")
                    yield Label("Channel")
                    yield Select([], prompt="any", id="search-channel")
                    yield Label("Microsite")
                    yield Select([], prompt="any", id="search-microsite")
                    for field, label in TEXT_FIELDS:
                        yield Label(label)
                        yield SafeInput(getattr(q, field) or "", id=f"search-{field}")
            yield Label("", id="search-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        # Compact fields (one line each) so all fifteen fit on a 30-line terminal.
        for widget in (*self.query(Select), *self.query(Input)):
            widget.compact = True
        self.load_choices()

    @work(thread=True, group="search-choices", exit_on_error=False, description="read the channels and microsites")
    def load_choices(self) -> None:
        from hubtui.services.reference import channels, microsites

        channel_options = [(c.label, c.value) for c in channels(self.context)]
        microsite_options = [(c.label, c.value) for c in microsites(self.context)]
        self.app.call_from_thread(self._fill, channel_options, microsite_options)

    def _fill(self, channel_options: list[tuple[str, str]], microsite_options: list[tuple[str, str]]) -> None:
        for field, options in (("channel", channel_options), ("microsite", microsite_options)):
            select = self.query_one(f"#search-{field}", Select)
            select.set_options(options)
            current = getattr(self.initial, field)
            if current and current in {value for _, value in options}:
                select.value = current

    def _value(self, field: str) -> str | None:
        widget = self.query_one(f"#search-{field}")
        if isinstance(widget, Select):
            return None if widget.is_blank() else str(widget.value)
        value = widget.value.strip()  # type: ignore[attr-defined]
        return value or None

    def action_apply(self) -> None:
        error = self.query_one("#search-error", Label)
        try:
            date_from = parse_date(self._value("from")) if self._value("from") else None  # type: ignore[arg-type]
            date_to = parse_date(self._value("to")) if self._value("to") else None  # type: ignore[arg-type]
        except DomainError as problem:
            error.update(safe(problem))  # it repeats the date typed
            return
        if date_from and date_to and date_from > date_to:
            error.update("The 'from' date is after the 'to' date.")
            return
        period_value = self._value("period")
        period = Period(period_value) if period_value else (Period.CUSTOM if date_from or date_to else None)
        self.dismiss(
            self.initial.with_changes(
                quick_filter=QuickFilter(self._value("quick") or "all"),
                period=period,
                date_from=date_from,
                date_to=date_to,
                status=self._value("status"),
                order_type=self._value("order_type"),
                payment_status=self._value("payment_status"),
                payment_method=self._value("payment_method"),
                channel=self._value("channel"),
                microsite=self._value("microsite"),
                email=self._value("email"),
                postcode=self._value("postcode"),
                number=self._value("number"),
                name=self._value("name"),
            )
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()

    def action_clear(self) -> None:
        for select in self.query(Select):
            if select.id != "search-quick":
                select.clear()
        for field in self.query(Input):
            field.value = ""

    def action_cancel(self) -> None:
        self.dismiss(None)
