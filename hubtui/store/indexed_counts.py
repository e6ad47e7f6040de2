"""Quick-filter counts of an organisation (or one microsite) in a period, without reading an
order row: the tallies, and index-only range counts of each quick filter's own index over
the period or, when the period holds most orders, over what lies outside it.

The "indexed" way of quick_counts.py, and the base its complement ways subtract from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.store import order_queries as q
from hubtui.store.engine import RawRead

DATE_FILTERS = (QuickFilter.TODAY, QuickFilter.YESTERDAY)
# The same pattern as engine.pyformat's: statement parameters are :name, never inside literals.
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Days:
    """Where the operator's yesterday, today and tomorrow begin, as aware UTC instants."""

    yesterday: datetime
    today: datetime
    tomorrow: datetime

    def of(self, quick: QuickFilter) -> tuple[datetime, datetime]:
        return (self.today, self.tomorrow) if quick is QuickFilter.TODAY else (self.yesterday, self.today)


def tallies(reader: RawRead, scope: q.Scope) -> dict[QuickFilter, int]:
    """The quick filters but today and yesterday, of the organisation or microsite, any time."""
    return q.tally_counts(q.tally_rows(reader, scope.org_id, scope.microsite))


def indexed(
    reader: RawRead, scope: q.Scope, days: Days, known: dict[QuickFilter, int] | None = None,
) -> dict[QuickFilter, int]:
    """The twelve counts of the scope. `known`: its tallies, when already read."""
    low, high = scope.placed_from, scope.placed_to
    if low is None and high is None:
        return {**(known or tallies(reader, scope)), **day_counts(reader, scope, days)}
    assert not scope.microsite, "the quick filters' indexes do not hold the microsite"
    if share_of_period(reader, scope) <= 0.5:
        return _range_counts(reader, scope, [(low, high)], days, tuple(QuickFilter))
    whole = indexed(reader, replace(scope, placed_from=None, placed_to=None), days, known)
    outside = [(None, low)] if low is not None else []
    outside += [(high, None)] if high is not None else []
    beyond = _range_counts(reader, scope, outside, days, tuple(QuickFilter))
    return {f: whole[f] - beyond[f] for f in QuickFilter}


def day_counts(reader: RawRead, scope: q.Scope, days: Days) -> dict[QuickFilter, int]:
    """Today's and yesterday's counts of the scope's organisation or microsite (a microsite's
    from the rows of those days: no index holds the microsite)."""
    return _range_counts(reader, replace(scope, placed_from=None, placed_to=None), [(None, None)], days, DATE_FILTERS)


def _range_counts(
    reader: RawRead, scope: q.Scope, ranges: list[tuple[datetime | None, datetime | None]], days: Days,
    filters: tuple[QuickFilter, ...],
) -> dict[QuickFilter, int]:
    """The planner's COUNT(*) of each filter in each placed_at range, summed per filter: one
    statement of scalar subqueries, each reading its filter's own index over the range."""
    parts: list[str] = []
    owners: list[QuickFilter] = []
    params: dict[str, Any] = {}
    for low, high in ranges:
        for quick in filters:
            if quick in DATE_FILTERS:
                start, end = days.of(quick)
                low_q = start if low is None else max(low, start)
                high_q = end if high is None else min(high, end)
                if low_q >= high_q:
                    continue
            else:
                low_q, high_q = low, high
            sql, values = q.count_statement(
                reader, OrderQuery(quick_filter=quick), replace(scope, placed_from=low_q, placed_to=high_q)
            )
            prefix = f"c{len(parts)}_"
            parts.append(_PARAMETER.sub(lambda m: f":{prefix}{m[1]}", sql))
            params.update({prefix + name: value for name, value in values.items()})
            owners.append(quick)
    counts = {f: 0 for f in filters}
    if parts:
        row = reader.all("SELECT " + ", ".join(f"({part})" for part in parts), params)[0]
        for quick, n in zip(owners, row):
            counts[quick] += int(n)
    return counts


def _placed_bounds(reader: RawRead, org_id: int) -> tuple[datetime, datetime] | None:
    params = {"org_id": org_id}
    first = reader.scalar("SELECT MIN(placed_at) FROM orders WHERE org_id = :org_id", params)
    last = reader.scalar("SELECT MAX(placed_at) FROM orders WHERE org_id = :org_id", params)
    if first is None or last is None:
        return None
    return reader.datetime(first), reader.datetime(last)


def holds_orders(reader: RawRead, scope: q.Scope) -> bool:
    """Whether the organisation has an order in the scope's period (any microsite)."""
    sql = "SELECT 1 FROM orders WHERE org_id = :org_id"
    params: dict[str, Any] = {"org_id": scope.org_id}
    if scope.placed_from is not None:
        sql += " AND placed_at >= :placed_from"
        params["placed_from"] = reader.timestamp(scope.placed_from)
    if scope.placed_to is not None:
        sql += " AND placed_at < :placed_to"
        params["placed_to"] = reader.timestamp(scope.placed_to)
    return reader.scalar(sql + " LIMIT 1", params) is not None


def share_of_period(reader: RawRead, scope: q.Scope) -> float:
    """About what share of the organisation's orders the period holds, from the time it spans
    of theirs (1.0 without a period); good enough to choose a way, never used as a count."""
    if scope.placed_from is None and scope.placed_to is None:
        return 1.0
    bounds = _placed_bounds(reader, scope.org_id)
    if bounds is None:
        return 0.0
    first, last = bounds
    low = max(scope.placed_from or first, first)
    high = min(scope.placed_to or last, last)
    span = (last - first).total_seconds()
    if span <= 0:
        return 1.0 if low <= first <= high else 0.0
    return max(0.0, (high - low).total_seconds()) / span


__all__ = ["DATE_FILTERS", "Days", "day_counts", "holds_orders", "indexed", "share_of_period", "tallies"]
