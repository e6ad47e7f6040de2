"""An order's money, added up one way for the wizard, the services and the CLI: each line is
its unit price times its quantity less its discount, the order is its lines less the order
discount plus shipping. Integer minor units; nothing here rounds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LineMoney:
    unit_price: int
    quantity: int
    discount: int = 0  # on this line, minor units


@dataclass(frozen=True)
class OrderTotals:
    lines: int  # number of lines
    items: int  # units over all lines
    lines_total: int  # after line discounts
    discount: int  # the order's own discount, on top of the lines'
    shipping: int
    order_total: int


def line_total(unit_price: int, quantity: int, discount: int = 0) -> int:
    return unit_price * quantity - discount


def order_totals(lines: Iterable[LineMoney], shipping: int = 0, discount: int = 0) -> OrderTotals:
    lines = list(lines)
    lines_total = sum(line_total(line.unit_price, line.quantity, line.discount) for line in lines)
    return OrderTotals(
        lines=len(lines), items=sum(line.quantity for line in lines), lines_total=lines_total, discount=discount,
        shipping=shipping, order_total=lines_total - discount + shipping,
    )


__all__ = ["LineMoney", "OrderTotals", "line_total", "order_totals"]
