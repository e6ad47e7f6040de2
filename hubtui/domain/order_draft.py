"""The order an agent is building on the phone, before it is placed.

Pure rules the wizard and the place-order service share: what a quantity may be, how a
picked product joins the lines, what the draft adds up to, and what a delivery address
must hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from hubtui.domain.errors import DomainError
from hubtui.domain.limits import text_problem
from hubtui.domain.postcodes import postcode_problem
from hubtui.domain.totals import LineMoney, OrderTotals, line_total, order_totals

MAX_QUANTITY = 9999  # more than this on one phone line is a typing slip, not an order
# Above this a typed quantity is asked about before it joins the order: a stock code's digits
# typed into a quantity ("1001 drills") is the slip it catches. A setting (quantity_confirm_above).
DEFAULT_CONFIRM_ABOVE = 99
COUNTRY_CODE_LENGTH = 2


class QuantityError(DomainError):
    pass


@dataclass(frozen=True)
class DraftLine:
    stock_code: str
    name: str
    unit_price: int  # minor units, tax-inclusive
    quantity: int = 1

    @property
    def total(self) -> int:
        return line_total(self.unit_price, self.quantity)


DraftTotals = OrderTotals  # what the wizard shows under its lines


def check_quantity(quantity: int) -> int:
    if quantity < 1:
        raise QuantityError("Quantity must be at least 1.")
    if quantity > MAX_QUANTITY:
        raise QuantityError(f"Quantity is at most {MAX_QUANTITY:,}.")
    return quantity


def parse_quantity(text: str) -> int:
    """A quantity as typed: a whole number from 1 to MAX_QUANTITY."""
    cleaned = text.strip()
    if not cleaned:
        raise QuantityError("Type a quantity.")
    if not cleaned.lstrip("+-").isdigit() or not cleaned.isascii():
        raise QuantityError(f"'{cleaned}' is not a whole number.")
    return check_quantity(int(cleaned))


# "3*dri-1000", "3 x drill", "dri-1000*3", "dri-1000 x3": a quantity typed with the search.
# x needs a space on its side of the words, so "2x4 timber" stays a search.
_QUANTITY_BEFORE = re.compile(r"\s*(\d{1,5})\s*(?:[*×]|[xX]\s)\s*(.*)", re.DOTALL)
_QUANTITY_AFTER = re.compile(r"(.*?)(?:\s*[*×]|\s+[xX])\s*(\d{1,5})\s*", re.DOTALL)


@dataclass(frozen=True)
class SearchWithQuantity:
    term: str  # what to search for
    quantity: int | None  # None: none typed (one unit)


def split_quantity(text: str) -> SearchWithQuantity:
    """A product search as typed, split into the search and a quantity typed beside it."""
    for pattern, term_group, quantity_group in ((_QUANTITY_BEFORE, 2, 1), (_QUANTITY_AFTER, 1, 2)):
        match = pattern.fullmatch(text)
        if match and match[term_group].strip():
            return SearchWithQuantity(match[term_group].strip(), int(match[quantity_group]))
    return SearchWithQuantity(text.strip(), None)


def needs_confirmation(quantity: int, confirm_above: int = DEFAULT_CONFIRM_ABOVE) -> bool:
    """Whether a typed quantity is far enough above the usual to ask before taking it."""
    return quantity > confirm_above


def add_product(lines: tuple[DraftLine, ...], line: DraftLine) -> tuple[tuple[DraftLine, ...], int]:
    """Add a picked product; picking one already on the order adds to that line's quantity.

    Returns the new lines and the index of the line that changed.
    """
    for index, existing in enumerate(lines):
        if existing.stock_code == line.stock_code:
            merged = replace(existing, quantity=check_quantity(existing.quantity + line.quantity))
            return lines[:index] + (merged,) + lines[index + 1:], index
    check_quantity(line.quantity)
    return lines + (line,), len(lines)


def set_quantity(lines: tuple[DraftLine, ...], index: int, quantity: int) -> tuple[DraftLine, ...]:
    check_quantity(quantity)
    return lines[:index] + (replace(lines[index], quantity=quantity),) + lines[index + 1:]


def remove_line(lines: tuple[DraftLine, ...], index: int) -> tuple[DraftLine, ...]:
    return lines[:index] + lines[index + 1:]


def totals(lines: tuple[DraftLine, ...], shipping: int = 0) -> OrderTotals:
    return order_totals((LineMoney(line.unit_price, line.quantity) for line in lines), shipping)


# A delivery address needs these; line2 is optional. Names as on the Address view.
REQUIRED_ADDRESS_PARTS = {"name": "a name", "line1": "the first line", "city": "a town or city",
                          "postcode": "a post code", "country": "a country code"}


def address_problems(parts: dict[str, str]) -> dict[str, str]:
    """What is missing or wrong in an address, by part: {"postcode": "Give a post code."}."""
    problems = {}
    for part, what in REQUIRED_ADDRESS_PARTS.items():
        if not parts.get(part, "").strip():
            problems[part] = f"Give {what}."
    country = parts.get("country", "").strip()
    if country and (len(country) != COUNTRY_CODE_LENGTH or not country.isalpha() or not country.isascii()):
        problems["country"] = "The country is a two-letter code such as GB or IE."
    return problems


def typed_address_problems(parts: dict[str, str]) -> dict[str, str]:
    """address_problems, and the post code's shape in its country: for an address an operator types
    (a new customer, an order's address changed). A stored address (a customer's, an imported
    order's) is taken as it is when an order is placed from it."""
    problems = address_problems(parts)
    postcode = parts.get("postcode", "")
    if not problems.keys() & {"postcode", "country"} and text_problem("postcode", postcode) is None:
        problem = postcode_problem(postcode, parts.get("country", "").strip())
        if problem:
            problems["postcode"] = problem
    return problems


__all__ = [
    "DEFAULT_CONFIRM_ABOVE",
    "MAX_QUANTITY",
    "SearchWithQuantity",
    "DraftLine",
    "DraftTotals",
    "QuantityError",
    "add_product",
    "address_problems",
    "typed_address_problems",
    "check_quantity",
    "needs_confirmation",
    "parse_quantity",
    "remove_line",
    "set_quantity",
    "split_quantity",
    "totals",
]
