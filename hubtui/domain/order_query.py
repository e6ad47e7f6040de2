"""What an operator asks of the order list: a quick filter, a period, search fields, a sort."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period


class SortKey(StrEnum):
    PLACED = "placed"
    TOTAL = "total"
    STATUS = "status"


def email_key(text: str) -> str:
    return text.strip().lower()


def postcode_key(text: str) -> str:
    return "".join(text.split()).upper()


def name_key(first: str, last: str = "") -> str:
    return " ".join(f"{first} {last}".lower().split())


@dataclass(frozen=True)
class OrderQuery:
    quick_filter: QuickFilter = QuickFilter.ALL
    period: Period | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    order_type: str | None = None
    channel: str | None = None
    microsite: str | None = None
    payment_method: str | None = None
    payment_status: str | None = None
    email: str | None = None  # prefix, case-insensitive
    postcode: str | None = None  # prefix, ignoring spaces and case
    number: str | None = None
    name: str | None = None  # prefix of "first last", case-insensitive
    text: str | None = None  # free text from the filter bar: part of a number, e-mail, name or post code
    sort: SortKey = SortKey.PLACED
    descending: bool = True

    def with_changes(self, **changes: object) -> OrderQuery:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def has_search(self) -> bool:
        """True when anything narrows the list beyond the quick filter and microsite."""
        return any(
            value not in (None, "")
            for value in (
                self.period, self.date_from, self.date_to, self.status, self.order_type,
                self.channel, self.payment_method, self.payment_status, self.email,
                self.postcode, self.number, self.name, self.text,
            )
        )

    def describe(self) -> str:
        """The active filters in words, for "no orders match …" messages."""
        parts = [f"filter {self.quick_filter.value}"]
        for label, value in (
            ("period", self.period), ("from", self.date_from), ("to", self.date_to),
            ("status", self.status), ("type", self.order_type), ("channel", self.channel),
            ("microsite", self.microsite), ("payment method", self.payment_method),
            ("payment status", self.payment_status), ("email", self.email),
            ("post code", self.postcode), ("number", self.number), ("name", self.name),
            ("text", self.text),
        ):
            if value not in (None, ""):
                parts.append(f"{label} {value}")
        return ", ".join(parts)
