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
    counted as placed on another day (the caller counts today and yesterday otherwise)."""
    if days is None:
        return fold(reader.all(GROUPED.format(day="2", access=access, where=" AND ".join(where)), params))
    params = {
        **params, "day_yesterday": reader.timestamp(days.yesterday), "day_today": reader.timestamp(days.today),
        "day_tomorrow": reader.timestamp(days.tomorrow),
    }
    return fold(reader.all(GROUPED.format(day=DAY, access=access, where=" AND ".join(where)), params))


def text_values(match: q.TextMatch) -> dict[str, Any]:
    """The parameters of text_test_sql."""
    params: dict[str, Any] = {f"x_{kind}": match.needles.of(kind) for kind in match.kinds}
    for i, (low, high) in enumerate(match.needles.numbers):
        params[f"n{i}_lo"], params[f"n{i}_hi"] = low, high
    return params


__all__ = ["DAY", "GROUPED", "by_id", "grouped", "others", "text_values"]
