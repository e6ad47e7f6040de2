"""Quick-filter counts of an organisation (or one microsite) in a period, without reading an
order row: the tallies over all time, the day tallies (day_tally.py) over the period's whole
UTC days or, when the period holds most orders, over what lies outside it, and index range
counts of each quick filter's own index over the hours at the ends.

The "indexed" way of quick_counts.py, and the base its complement ways subtract from. With a
character (`Held`), the same counts of the orders holding it, from the character tallies
(char_tally.py): the "chars" way; the hours at a period's ends are then counted by the other
ways of quick_counts.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import HIGH_RISK_SCORE, QuickFilter, matches_quick_filter
from hubtui.store import char_tally, day_tally
from hubtui.store import order_queries as q
from hubtui.store.engine import RawRead
from hubtui.store.spans import share_of_period
from hubtui.store.tally_counts import DATE_FILTERS, tally_counts, tally_rows

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


# The counts of some quick filters over placed_at ranges ([low, high), None: open), summed.
RangeCounts = Callable[[RawRead, q.Scope, list[tuple[datetime | None, datetime | None]], Days,
                        tuple[QuickFilter, ...]], dict[QuickFilter, int]]


@dataclass(frozen=True)
class Held:
    """Count the orders holding `char` (a one-character text); `ranges` counts them over the
    hours the day tallies do not cover."""

    char: str
    ranges: RangeCounts


def tallies(reader: RawRead, scope: q.Scope, held: Held | None = None) -> dict[QuickFilter, int]:
    """The quick filters but today and yesterday, of the organisation or microsite, any time."""
    if held is not None:
        return tally_counts(char_tally.tally_rows(reader, scope.org_id, scope.microsite, held.char))
    return dict(reader.remembered(("tallies", scope.org_id, scope.microsite),
                                  lambda: tally_counts(tally_rows(reader, scope.org_id, scope.microsite))))


def indexed(
    reader: RawRead, scope: q.Scope, days: Days, known: dict[QuickFilter, int] | None = None,
    held: Held | None = None,
) -> dict[QuickFilter, int]:
    """The twelve counts of the scope. `known`: its tallies, when already read; `held`: of the
    orders holding a character."""
    low, high = scope.placed_from, scope.placed_to
    if low is None and high is None:
        return {**(known or tallies(reader, scope, held)), **_date_counts(reader, scope, days, held)}
    if share_of_period(reader, scope) <= 0.5:
        return _period_counts(reader, scope, days, held)
    whole = indexed(reader, replace(scope, placed_from=None, placed_to=None), days, known, held)
    outside = [(None, low)] if low is not None else []
    outside += [(high, None)] if high is not None else []
    for part_low, part_high in outside:
        beyond = _period_counts(reader, replace(scope, placed_from=part_low, placed_to=part_high), days, held)
        whole = {f: whole[f] - beyond[f] for f in QuickFilter}
    return whole


def day_counts(reader: RawRead, scope: q.Scope, days: Days) -> dict[QuickFilter, int]:
    """Today's and yesterday's counts of the scope's organisation or microsite."""
    return _date_counts(reader, replace(scope, placed_from=None, placed_to=None), days)


def _date_counts(reader: RawRead, scope: q.Scope, days: Days, held: Held | None = None) -> dict[QuickFilter, int]:
    """Today's and yesterday's counts within the scope's period: an organisation's from the
    index on placed_at (two day-long ranges of index entries, about 1 ms each at 1,000,000
    orders); a microsite's, which no index holds, and those of a character from the day
    tallies when the operator's days are UTC days, else from the rows of those two days."""
    low, high = scope.placed_from, scope.placed_to
    if (scope.microsite or held is not None) and _aligned(days):
        first, end = day_tally.whole_days(low, high)
        inside = {0: _holds(first, end, days.today.date()), 1: _holds(first, end, days.yesterday.date())}
        table, column = _day_counts_of(held)
        rows = day_tally.by_day(reader, scope.org_id, scope.microsite, days.today.date(), days.yesterday.date(),
                                table=table, column=column)
        counts = fold([row for row in rows if inside[int(row[4])]])
        return {f: counts[f] for f in DATE_FILTERS}
    return (held.ranges if held else _range_counts)(reader, scope, [(low, high)], days, DATE_FILTERS)


def _day_counts_of(held: Held | None) -> tuple[str, str]:
    """The table of day counts and its column: the orders, or those holding a character."""
    return (char_tally.DAY_TABLE, char_tally.column_of(held.char)) if held else (day_tally.TABLE, "n")


def _aligned(days: Days) -> bool:
    """Whether the operator's days are UTC days (the day tallies' days)."""
    return all(day_tally.utc_midnight(instant) for instant in (days.yesterday, days.today, days.tomorrow))


def _period_counts(reader: RawRead, scope: q.Scope, days: Days, held: Held | None) -> dict[QuickFilter, int]:
    """The twelve counts of a period: its whole UTC days from the day tallies, the hours at
    its ends (an operator's day not starting at UTC midnight, a custom instant) from the
    quick filters' indexes (or `held.ranges`)."""
    low, high = scope.placed_from, scope.placed_to
    ranges = held.ranges if held else _range_counts
    first, end = day_tally.whole_days(low, high)
    if first is not None and end is not None and first >= end:  # less than a UTC day
        return ranges(reader, scope, [(low, high)], days, tuple(QuickFilter))
    table, column = _day_counts_of(held)
    counts = fold(day_tally.sums(reader, scope.org_id, scope.microsite, first, end, table=table, column=column))
    whole_low = day_tally.day_start(first) if first is not None else None
    whole_high = day_tally.day_start(end) if end is not None else None
    edges = [(low, whole_low)] if low is not None and whole_low is not None and low < whole_low else []
    edges += [(whole_high, high)] if high is not None and whole_high is not None and whole_high < high else []
    more = [ranges(reader, scope, edges, days, tuple(QuickFilter))] if edges else []
    more.append(_date_counts(reader, replace(scope, placed_from=whole_low, placed_to=whole_high), days, held))
    for extra in more:
        counts = {f: counts[f] + extra.get(f, 0) for f in QuickFilter}
    return counts


def _holds(first: date | None, end: date | None, day: date) -> bool:
    return (first is None or first <= day) and (end is None or day < end)


def fold(rows: list[tuple[Any, ...]]) -> dict[QuickFilter, int]:
    """The twelve counts from grouped rows (status, payment status, type, high risk, day, n)."""
    counts = {f: 0 for f in QuickFilter}
    for status, payment_status, order_type, high_risk, day, n in rows:
        for f in _filters_of(status, payment_status, order_type, bool(high_risk), int(day)):
            counts[f] += int(n)
    return counts


@lru_cache(maxsize=8192)
def _filters_of(status: str, payment_status: str, order_type: str, high_risk: bool, day: int) -> frozenset[QuickFilter]:
    """The quick filters a group counts towards; day 0 is today, 1 yesterday, 2 any other day.

    Asked of the domain once per distinct group, not once per group and filter on every call.
    """
    today = date(2000, 1, 3)  # any date: only the distance from today matters
    return frozenset(
        f for f in QuickFilter
        if matches_quick_filter(
            f, status=status, payment_status=payment_status, order_type=order_type,  # type: ignore[arg-type]
            fraud_score=HIGH_RISK_SCORE if high_risk else 0, placed_on=today - timedelta(days=day), today=today,
        )
    )


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


__all__ = ["DATE_FILTERS", "Days", "Held", "RangeCounts", "day_counts", "fold", "holds_orders", "indexed", "tallies"]
