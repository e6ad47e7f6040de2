"""One CSV row of an orders, items or payments import read into a record, or the problems with
it (SPEC 7): each problem names the row, the column, the value as given and the reason. Pure:
what the store knows (channels, customers, products, orders) is checked by the import service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from datetime import datetime, timezone, tzinfo
from typing import Any, Callable, NamedTuple

from hubtui.domain.csv_values import CsvValueError, parse_csv_datetime, parse_csv_money, parse_csv_quantity
from hubtui.domain.errors import NumberFormatError
from hubtui.domain.limits import LIMITS, text_problem
from hubtui.domain.numbers import parse_order_number
from hubtui.domain.orders import OrderStatus, OrderType, PaymentMethod, PaymentStatus
from hubtui.domain.price_match import MAX_PRICE, PRICE_MATCH_CHANNELS
from hubtui.domain.spreadsheet_text import GUARD, strip_guard

_PLAIN_AMOUNT = re.compile(r"([0-9]{1,13})(?:\.([0-9]{1,2}))?", re.ASCII)  # as csv_values reads it
_CANONICAL_NUMBER = re.compile(r"BT[0-9]{7}", re.ASCII)  # what domain.numbers.parse_order_number gives
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LIMITS = {  # columns that are not in domain.limits under the same name
    "external_ref": 64, "microsite": 32, "channel": 16, "company": 160, "stock_code": 40, "product_name": 200,
    "customer_first_name": 80, "customer_last_name": 80, "customer_email": 254, "shipping_name": 160,
    "shipping_line1": 160, "shipping_line2": 160, "shipping_city": 80, "shipping_postcode": 16,
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str


class _Row:
    """Reads the columns of one row, collecting a problem per bad column."""

    def __init__(self, row: int, values: Mapping[str, str], delimiter: str, tz: tzinfo) -> None:
        self.row, self.values, self.delimiter, self.tz = row, values, delimiter, tz
        self.problems: list[Problem] = []

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.values.get(column)
        value = value.strip() if value else ""
        if value[:1] == GUARD:  # an export writes formula-looking text with a guard ('=1+1); it comes off here
            value = strip_guard(value)
        if not value:
            if required:
                self.problem(column, value, "is empty; it is needed")
            return value
        limit = _LIMITS.get(column)
        if limit is not None:
            if len(value) > limit:
                self.problem(column, value, f"is longer than {limit} characters")
            elif "\x00" in value:
                self.problem(column, value, "holds a NUL character")
        elif column in LIMITS:
            found = text_problem(column, value)
            if found:
                self.problem(column, value, found)
        elif "\x00" in value:
            self.problem(column, value, "holds a NUL character")
        return value

    def parsed(self, column: str, parse: Callable[[str], Any], *, required: bool = True, default: Any = None) -> Any:
        value = (self.values.get(column) or "").strip()
        if not value:
            if required:
                self.problem(column, value, "is empty; it is needed")
            return default
        try:
            return parse(value)
        except (CsvValueError, NumberFormatError, ValueError) as error:
            self.problem(column, value, str(error))
            return default

    def money(self, column: str, *, required: bool = True) -> int | None:
        value = self.values.get(column)
        plain = _PLAIN_AMOUNT.fullmatch(value) if value else None
        if plain is not None:  # 12.50, as nearly every row has it: read here without the general reading's work
            units, cents = plain.groups()
            return int(units) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
        return self.parsed(column, partial(parse_csv_money, delimiter=self.delimiter), required=required,
                           default=None if not required else 0)

    def when(self, column: str) -> datetime | None:
        return self.parsed(column, partial(parse_csv_datetime, tz=self.tz))

    def choice(self, column: str, kind: type, *, default: str | None = None) -> str:
        value = (self.values.get(column) or "").strip()
        if not value and default is not None:
            return default
        by_name = _choices(kind)
        if value.lower() not in by_name:
            self.problem(column, value, f"is not one of {', '.join(by_name.values())}")
            return value
        return by_name[value.lower()]

    def problem(self, column: str, value: str, reason: str) -> None:
        self.problems.append(Problem(self.row, column, value, reason))


@cache
def _choices(kind: type) -> dict[str, str]:
    """An enum's values by their lower-case form."""
    return {k.value.lower(): k.value for k in kind}  # type: ignore[attr-defined]


def _order_number(value: str) -> str:
    return parse_order_number(value)


class OrderRecord(NamedTuple):  # a tuple: a batch of them crosses to another process cheaply
    row: int
    order_number: str | None
    external_ref: str
    microsite: str
    channel: str
    order_type: str
    placed_at: datetime
    status: str
    payment_status: str
    currency: str
    email: str
    first_name: str
    last_name: str
    phone: str
    company: str
    shipping: dict[str, str]
    shipping_total: int
    discount_total: int
    order_total: int
    customer_reference: str
    tags: str
    fraud_score: int
    payment_taken: int | None


def read_order(row: int, values: Mapping[str, str], *, delimiter: str = ",",
               tz: tzinfo | None = None) -> tuple[OrderRecord | None, list[Problem]]:
    r = _Row(row, values, delimiter, tz or timezone.utc)
    number = r.parsed("order_number", _order_number, required=False)
    external = r.text("external_ref")
    if number is None and not external and not r.problems:
        r.problem("order_number", "", "is empty and so is external_ref: one of them names the order")
    email = r.text("customer_email", required=True).lower()
    if email and not _EMAIL.fullmatch(email):
        r.problem("customer_email", email, "is not an e-mail address")
    currency = r.text("currency", required=True).upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        r.problem("currency", currency, "is not a three-letter currency code such as GBP")
    country = (values.get("shipping_country") or "").strip().upper() or "GB"
    if not re.fullmatch(r"[A-Z]{2}", country):
        r.problem("shipping_country", country, "is not a two-letter country code such as GB")
    fraud = r.parsed("fraud_score", _fraud_score, required=False,
                     default=0)
    record = OrderRecord(
        row=row, order_number=number, external_ref=external, microsite=r.text("microsite"),
        channel=r.text("channel", required=True).lower(),
        order_type=r.choice("order_type", OrderType, default=OrderType.Standard.value),
        placed_at=r.when("order_date"),  # type: ignore[arg-type]
        status=r.choice("status", OrderStatus), payment_status=r.choice("payment_status", PaymentStatus),
        currency=currency, email=email, first_name=r.text("customer_first_name"),
        last_name=r.text("customer_last_name"), phone=r.text("customer_phone"), company=r.text("company"),
        shipping={part: r.text(f"shipping_{part}") for part in ("name", "line1", "line2", "city", "postcode")}
        | {"country": country},
        shipping_total=r.money("shipping_total", required=False) or 0,
        discount_total=r.money("discount_total", required=False) or 0,
        order_total=r.money("order_total") or 0,
        customer_reference=r.text("customer_reference"), tags=r.text("tags"), fraud_score=fraud or 0,
        payment_taken=r.money("payment_taken", required=False) if "payment_taken" in values else None,
    )
    return (None if r.problems else record), r.problems


class ItemRecord(NamedTuple):  # a tuple: a batch of them crosses to another process cheaply
    row: int
    order_ref: str  # an order number (canonical) or the external reference of an order in the file
    stock_code: str
    product_name: str
    quantity: int
    unit_price: int
    discount: int


def read_item(row: int, values: Mapping[str, str], *, delimiter: str = ",") -> tuple[ItemRecord | None, list[Problem]]:
    plain = _plain_item(row, values)
    if plain is not None:
        return plain, []
    return _read_item_in_full(row, values, delimiter)


def _read_item_in_full(row: int, values: Mapping[str, str], delimiter: str) -> tuple[ItemRecord | None, list[Problem]]:
    r = _Row(row, values, delimiter, timezone.utc)
    ref = r.text("order_number", required=True)
    record = ItemRecord(row, _canonical_ref(ref), r.text("stock_code", required=True), r.text("product_name"),
                        r.parsed("quantity", _quantity) or 0,
                        r.money("unit_price") or 0, r.money("discount", required=False) or 0)
    return (None if r.problems else record), r.problems


_ITEM_TEXT = (("order_number", 64), ("stock_code", _LIMITS["stock_code"]), ("product_name", _LIMITS["product_name"]))
_QUANTITY = re.compile(r"[1-9][0-9]{0,5}", re.ASCII)  # 1 to 999,999: within what read_item allows


def _plain_item(row: int, values: Mapping[str, str]) -> ItemRecord | None:
    """The record read_item gives for a row as nearly every file writes it (texts that fit, no
    guard, no NUL; a plain quantity and amounts), without its general reading; None for any other
    row, which the general reading then takes (and says what is wrong with it)."""
    texts = []
    for column, limit in _ITEM_TEXT:
        value = values.get(column)
        if value is None:
            return None
        value = value.strip()
        if len(value) > limit or value[:1] == GUARD or "\x00" in value:
            return None
        texts.append(value)
    ref, code, name = texts
    quantity, price = values.get("quantity") or "", values.get("unit_price") or ""
    discount = values.get("discount") or "0"
    if not (ref and code and _QUANTITY.fullmatch(quantity)):
        return None
    price_found, discount_found = _PLAIN_AMOUNT.fullmatch(price), _PLAIN_AMOUNT.fullmatch(discount)
    if price_found is None or discount_found is None:
        return None
    return ItemRecord(row, _canonical_ref(ref), code, name, int(quantity), _minor(price_found), _minor(discount_found))


def _minor(found: re.Match[str]) -> int:
    units, cents = found.groups()
    return int(units) * 100 + (int(cents.ljust(2, "0")) if cents else 0)


class PaymentRecord(NamedTuple):  # a tuple: a batch of them crosses to another process cheaply
    row: int
    order_ref: str
    method: str
    status: str
    amount: int
    reference: str
    paid_at: datetime


def read_payment(row: int, values: Mapping[str, str], *, delimiter: str = ",",
                 tz: tzinfo | None = None) -> tuple[PaymentRecord | None, list[Problem]]:
    r = _Row(row, values, delimiter, tz or timezone.utc)
    ref = r.text("order_number", required=True)
    record = PaymentRecord(row, _canonical_ref(ref), r.choice("method", PaymentMethod),
                           r.choice("status", PaymentStatus), r.money("amount") or 0, r.text("reference"),
                           r.when("paid_at"))  # type: ignore[arg-type]
    return (None if r.problems else record), r.problems


class ChannelPriceRecord(NamedTuple):  # a tuple: a batch of them crosses to another process cheaply
    row: int
    stock_code: str
    channel: str  # one of PRICE_MATCH_CHANNELS, lower case
    price: int
    observed_at: datetime | None  # None: the import's own moment


def read_channel_price(row: int, values: Mapping[str, str], *, delimiter: str = ",",
                       tz: tzinfo | None = None) -> tuple[ChannelPriceRecord | None, list[Problem]]:
    """A price seen on a price-match channel: `website` is the own site's (kept as history), the
    others are compared with it. A price is more than zero: a listing at 0 is a slip, and would
    pull every suggestion down to the floor."""
    r = _Row(row, values, delimiter, tz or timezone.utc)
    code = r.text("stock_code", required=True)
    channel = (values.get("channel") or "").strip().lower()  # one of six names: that is its only check
    if not channel:
        r.problem("channel", channel, "is empty; it is needed")
    elif channel not in PRICE_MATCH_CHANNELS:
        r.problem("channel", channel, f"is not a price-match channel ({', '.join(PRICE_MATCH_CHANNELS)})")
    read_before = len(r.problems)
    price = r.money("price")
    given = (values.get("price") or "").strip()
    if len(r.problems) > read_before and "negative" in r.problems[-1].reason:
        r.problems[-1] = Problem(row, "price", given, "is negative; a channel's price is more than 0")
    elif price == 0 and len(r.problems) == read_before:  # read, and 0 (not empty, not refused already)
        r.problem("price", given, "is 0; a channel's price is more than 0")
    elif price is not None and price > MAX_PRICE:
        r.problem("price", given, f"is more than a price can be ({MAX_PRICE // 100:,}.00)")
    observed = r.when("observed_at") if (values.get("observed_at") or "").strip() else None
    record = ChannelPriceRecord(row, code, channel, price or 0, observed)
    return (None if r.problems else record), r.problems


def looks_like_order_number(ref: str) -> bool:
    """Whether a reference read by `_canonical_ref` is an order number in its canonical form."""
    return _CANONICAL_NUMBER.fullmatch(ref) is not None


_fraud_score = partial(parse_csv_quantity, minimum=0, maximum=100)
_quantity = partial(parse_csv_quantity, minimum=1, maximum=1_000_000)


@lru_cache(maxsize=4096)  # an order's reference is on each of its item and payment rows
def _canonical_ref(value: str) -> str:
    """An order number in its canonical form when it is one; else as given (an external reference)."""
    try:
        return parse_order_number(value)
    except NumberFormatError:
        return value


__all__ = ["ChannelPriceRecord", "ItemRecord", "looks_like_order_number", "OrderRecord", "PaymentRecord", "Problem", "read_channel_price", "read_item", "read_order",
           "read_payment"]
