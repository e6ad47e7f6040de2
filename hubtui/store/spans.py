"""About what share of an organisation's orders a period or a set of order-number ranges
holds: good enough to choose how to read them, never used as a count.

Both are read off the extremes of an index (MIN/MAX of placed_at, MAX of number), so they
cost a few look-ups whatever the size of the table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hubtui.store.engine import RawRead

_NUMBER_DIGITS = 7


def placed_bounds(reader: RawRead, org_id: int) -> tuple[datetime, datetime] | None:
    """When the organisation's first and last orders were placed (None: it has none)."""
    return reader.remembered(("placed_bounds", org_id), lambda: _placed_bounds(reader, org_id))


def _placed_bounds(reader: RawRead, org_id: int) -> tuple[datetime, datetime] | None:
    params = {"org_id": org_id}
    first = reader.scalar("SELECT MIN(placed_at) FROM orders WHERE org_id = :org_id", params)
    last = reader.scalar("SELECT MAX(placed_at) FROM orders WHERE org_id = :org_id", params)
    if first is None or last is None:
        return None
    return reader.datetime(first), reader.datetime(last)


def share_of_period(reader: RawRead, scope: Any) -> float:
    """About what share of the organisation's orders the period of `scope` (an
    order_queries.Scope) holds, from the time it spans of theirs (1.0 without a period)."""
    if scope.placed_from is None and scope.placed_to is None:
        return 1.0
    bounds = placed_bounds(reader, scope.org_id)
    if bounds is None:
        return 0.0
    first, last = bounds
    low = max(scope.placed_from or first, first)
    high = min(scope.placed_to or last, last)
    span = (last - first).total_seconds()
    if span <= 0:
        return 1.0 if low <= first <= high else 0.0
    return max(0.0, (high - low).total_seconds()) / span


def number_share(reader: RawRead, ranges: tuple[tuple[str, str], ...]) -> float:
    """About what share of the order numbers in use the ranges hold (numbers are given in
    sequence, so their spread is even enough to choose a way by)."""
    if not ranges:
        return 0.0
    return min(1.0, numbers_in_use(reader, ranges) / (_highest(reader) + 1))


def numbers_in_use(reader: RawRead, ranges: tuple[tuple[str, str], ...]) -> int:
    """How many of the numbers up to the highest given the ranges hold."""
    used = _highest(reader) + 1
    return sum(max(0, min(number_value(high), used - 1) - number_value(low) + 1) for low, high in ranges)


def _highest(reader: RawRead) -> int:
    highest = reader.remembered("highest_number", lambda: reader.scalar("SELECT MAX(number) FROM orders", {}))
    return number_value(highest) if highest else 0


def number_value(number: str) -> int:
    """The sequence a number carries ("BT0000120": 120); 0 for a malformed one."""
    digits = number[2:].ljust(_NUMBER_DIGITS, "0")
    return int(digits) if digits.isdigit() else 0


__all__ = ["number_share", "number_value", "numbers_in_use", "placed_bounds", "share_of_period"]
