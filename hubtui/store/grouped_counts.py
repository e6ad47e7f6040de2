"""The twelve quick-filter counts of the orders a WHERE selects, read row by row and grouped
(quick_counts.py's direct, complement, walk, tally and months ways all end in one)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import HIGH_RISK_SCORE, QuickFilter
from hubtui.store import order_queries as q
from hubtui.store.engine import RawRead
from hubtui.store.indexed_counts import Days, fold
from hubtui.store.list_statements import PLACED_FROM_TERM, PLACED_TO_TERM

GROUPED = (
    "SELECT o.status, o.payment_status, o.order_type, o.fraud_score >= " + str(HIGH_RISK_SCORE) + ", {day}, COUNT(*) "
    "FROM orders o{access} WHERE {where} GROUP BY 1, 2, 3, 4, 5"
)
DAY = ("CASE WHEN o.placed_at >= :day_tomorrow THEN 2 WHEN o.placed_at >= :day_today THEN 0 "
       "WHEN o.placed_at >= :day_yesterday THEN 1 ELSE 2 END")


def by_id(reader: RawRead) -> str:
    # Rows fetched by id: SQLite would otherwise walk an index of the other filters.
    return " NOT INDEXED" if reader.sqlite else ""


def others(reader: RawRead, query: OrderQuery, scope: q.Scope) -> tuple[list[str], dict[str, Any]]:
    """The WHERE terms and parameters of everything but the text."""
    _, where, params = q.filter_terms(reader, replace(query, text=None), scope, None)
    return where, params


def grouped(
    reader: RawRead, access: str, where: list[str], params: dict[str, Any], days: Days | None,
) -> dict[QuickFilter, int]:
    """The twelve counts of the orders `where` selects; without `days`, every order is
    counted as placed on another day (the caller counts today and yesterday otherwise).

    Which day an order was placed on costs three comparisons of its placed_at per order read (a
    walk of a week's 47,000 orders held 'll' in 11,000: grouped in 27 ms, 20 without the day).
    A period in one class of day (today, yesterday, another) gives the day as a constant; orders
    read in date order (an index walk) are read a class at a time, each its own range of the
    index; orders read by id keep the comparisons (their candidates would be found again)."""
    if days is None:
        return _grouped(reader, access, where, params, "2")
    low, high = params.get("placed_from"), params.get("placed_to")
    classes = [(start, end, day) for start, end, day in _day_classes(reader, days)
               if not (end is not None and low is not None and end <= low)
               and not (start is not None and high is not None and start >= high)]
    if len(classes) == 1:
        return _grouped(reader, access, where, params, classes[0][2])
    walked = "INDEXED BY" in access and (low is None or PLACED_FROM_TERM in where) and (
        high is None or PLACED_TO_TERM in where)
    if not walked:
        day_params = {"day_yesterday": reader.timestamp(days.yesterday), "day_today": reader.timestamp(days.today),
                      "day_tomorrow": reader.timestamp(days.tomorrow)}
        return _grouped(reader, access, where, {**params, **day_params}, DAY)
    counts = {f: 0 for f in QuickFilter}
    for start, end, day in classes:
        # The class's bounds take the place of the period's: SQLite ranges the index on one bound
        # each way, and with a second one beside it read the whole period for each class.
        part_where, part_params = list(where), dict(params)
        if start is not None and (low is None or start > low):
            part_params["placed_from"] = start
            if low is None:
                part_where.append(PLACED_FROM_TERM)
        if end is not None and (high is None or end < high):
            part_params["placed_to"] = end
            if high is None:
                part_where.append(PLACED_TO_TERM)
        found = _grouped(reader, access, part_where, part_params, day)
        counts = {f: counts[f] + found[f] for f in QuickFilter}
    return counts


def _day_classes(reader: RawRead, days: Days) -> list[tuple[Any, Any, str]]:
    """(start, end, the day column's value) of each class of day, as bound values; None: open."""
    yesterday, today, tomorrow = (reader.timestamp(t) for t in (days.yesterday, days.today, days.tomorrow))
    return [(None, yesterday, "2"), (yesterday, today, "1"), (today, tomorrow, "0"), (tomorrow, None, "2")]


def _grouped(
    reader: RawRead, access: str, where: list[str], params: dict[str, Any], day: str,
) -> dict[QuickFilter, int]:
    return fold(reader.all(GROUPED.format(day=day, access=access, where=" AND ".join(where)), params))


def text_values(match: q.TextMatch) -> dict[str, Any]:
    """The parameters of text_test_sql."""
    params: dict[str, Any] = {f"x_{kind}": match.needles.of(kind) for kind in match.kinds}
    for i, (low, high) in enumerate(match.needles.numbers):
        params[f"n{i}_lo"], params[f"n{i}_hi"] = low, high
    return params


__all__ = ["DAY", "GROUPED", "by_id", "grouped", "others", "text_values"]
