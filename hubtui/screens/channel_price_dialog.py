"""`e` on a Price Match row: a price seen on one channel, and when (now unless told). A new
observation is added; the ones before it stay in the product's history."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from hubtui.domain.money import MoneyError, check_symbol, money_symbol, parse_money
from hubtui.domain.price_match import COMPARED_CHANNELS
from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.services.price_match_views import PriceMatchRow
from hubtui.widgets.choice_row import ChoiceRow
from hubtui.widgets.form_field import FormField
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.price_match_table import money
from hubtui.widgets.safe_text import safe

WHEN_FORMAT = "%Y-%m-%d %H:%M"
WHEN_LIMIT = 32
PRICE_LIMIT = 24


def parse_when(text: str, now: datetime) -> datetime:
    """"2026-11-27 09:30" or "2026-11-27" in the session's time zone; never after `now`."""
    text = text.strip()
    for pattern in (WHEN_FORMAT, "%Y-%m-%d"):
        try:
            when = datetime.strptime(text, pattern)
        except ValueError:
            continue
        when = when.replace(tzinfo=now.tzinfo)
        if when > now:
            raise ValueError("When it was seen cannot be in the future.")
        return when
    raise ValueError(f"{text!r} is not a date; write it like {now:{WHEN_FORMAT}} or {now:%Y-%m-%d}.")


class ChannelPriceDialog(ModalScreen[bool]):
    AUTO_FOCUS = "#channel-choice"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, context, row: PriceMatchRow) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.context = context
        self.row = row

    def compose(self) -> ComposeResult:
        row = self.row
        now = self.context.now().astimezone(self.context.tz)
        with Vertical(classes="dialog", id="channel-price-dialog"):
            yield Label(f"A channel price for {safe(row.stock_code)} {safe(row.name)}", classes="dialog-title",
                        markup=False)
            yield Label(f"Website price {money(row.own_price, row.currency)}", classes="dialog-caption", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Label("Channel         ", classes="dialog-caption")
                yield ChoiceRow(COMPARED_CHANNELS, COMPARED_CHANNELS[0], id="channel-choice", tight=True)
            yield Label("", id="channel-error", classes="dialog-error", markup=False)
            yield FormField("Price", "", input_id="price", placeholder="e.g. 9.99", max_length=PRICE_LIMIT,
                            id="field-price")
            yield FormField("Seen at", now.strftime(WHEN_FORMAT), input_id="observed_at",
                            placeholder="YYYY-MM-DD HH:MM", max_length=WHEN_LIMIT, id="field-observed_at")
            yield Label("", id="channel-price-error", classes="dialog-error", markup=False)
            yield Label("a letter picks the channel · ctrl+s save · esc cancel",
                        classes="dialog-hint")

    def _typed(self) -> tuple[str, int | None, datetime | None, dict[str, str]]:
        problems: dict[str, str] = {}
        channel = self.query_one("#channel-choice", ChoiceRow).value
        price: int | None = None
        text = self.query_one("#field-price", FormField).value
        try:
            price = parse_money(text)
            check_symbol(money_symbol(text), self.row.currency)
        except MoneyError as error:
            problems["price"] = str(error)
        when: datetime | None = None
        try:
            when = parse_when(self.query_one("#field-observed_at", FormField).value,
                              self.context.now().astimezone(self.context.tz))
        except ValueError as error:
            problems["observed_at"] = str(error)
        return channel, price, when, problems

    def _show(self, problems: dict[str, str], general: str = "") -> None:
        for name in ("price", "observed_at"):
            self.query_one(f"#field-{name}", FormField).set_error(problems.get(name))
        self.query_one("#channel-error", Label).update(safe(problems.get("channel", "")))
        self.query_one("#channel-price-error", Label).update(safe(general))

    def action_save(self) -> None:
        channel, price, when, problems = self._typed()
        self._show(problems)
        if problems or price is None:
            return
        # In a worker, as every write: the screen stays live while the store answers.
        worker = self.run_worker(lambda: self._save(channel, price, when), thread=True, exclusive=True,
                                 group="channel-price-save", exit_on_error=False, description="record the price")
        hold_keys(self, until=worker, writing=True)  # keys typed behind ctrl+s wait for the answer

    def _save(self, channel: str, price: int, when: datetime | None) -> None:
        from hubtui.services.errors import InvalidInput

        try:
            from hubtui.services.channel_prices import record_channel_price

            record_channel_price(self.context, self.row.stock_code, channel, price, when)
        except InvalidInput as error:
            known = {k: v for k, v in error.problems.items() if k in ("price", "observed_at", "channel")}
            self.app.call_from_thread(self._show, known, "" if known else str(error))
            return
        except Exception as error:  # refused (a role, a lock): one line, what was typed stays
            from hubtui.services.faults import one_line

            self.app.call_from_thread(self._show, {}, one_line(error))
            return
        done = f"{self.row.stock_code}: {channel} {money(price, self.row.currency)} recorded."
        self.app.call_from_thread(self.notify, done, timeout=3)
        self.app.call_from_thread(self.call_later, self._close)

    def _close(self) -> None:
        self.dismiss(True)  # not awaited: this runs in the dialog's own message loop

    def action_cancel(self) -> None:
        self.dismiss(False)
