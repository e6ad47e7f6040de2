"""The quick-filter counts of a "/" text that starts many order numbers, cut at the days where
every order holds it: the "numbers" way of quick_counts.py.

Orders are numbered as they are placed, so the orders whose number a text starts ("07":
BT0700000-BT0799999, a tenth of them at 1,000,000 orders) were placed on a few days, and on the
days whose span of numbers (day_numbers.py) lies inside one of the text's ranges every order
holds the text. The counts are then the orders holding the text by value over the period (the
other ways, with Scope.by_value), plus the orders of those runs of days that do not (the day
tallies, indexed_counts.py, less the runs' own orders holding it by value), plus, on the few days
at a range's ends, the orders whose number holds it and nothing else does (read by number or by
walking the day). Where orders were not numbered in that order (every day spanning most of the
numbers) those days are too many, and the other ways count the text as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.store import count_costs as c
from hubtui.store import day_numbers, day_tally
from hubtui.store import lacking_orders as lo
from hubtui.store import order_queries as q
from hubtui.store.count_plan import Plan
from hubtui.store.day_numbers import WELL_FORMED, DaySpan
from hubtui.store.engine import RawRead
from hubtui.store.grouped_counts import by_id, grouped, others, text_values
from hubtui.store.indexed_counts import Days, indexed
from hubtui.store.spans import number_value, numbers_in_use

# Numbers in use a text's ranges must hold for this way: below, reading their orders by number
# (2.5 µs each) costs less than the counts this way makes.
MIN_NUMBERS = 5_000
# Numbers a run of whole days must span to be counted as without a text, less the orders holding
# it by value (two counts, a few ms): below, its days are read like the days at a range's ends.
MIN_RUN = 8_000
# What a run costs (µs) beyond the other ways' reads: its day tallies, and its orders holding
# the text by value counted.
RUN_COST = 5_000.0
# What reading a day at a range's end costs (µs, 1,000,000 orders): an order found by number and
# its row read (3.8 µs), or an entry of the day's placed index walked, the number tested first
# (1.5 ms for the 8,300 orders of a day: 0.18 µs).
NUMBERED_ROW_COST = 3.5
WALKED_ENTRY_COST = 0.2
# Days at the ranges' ends read at most: more, and the numbers lie across the period (not numbered
# as placed); the other ways count the text.
MOST_DAYS = 24


@dataclass(frozen=True)
class Day:
    """A day (or the part of it in the period) holding some of the text's numbers and others."""

    scope: q.Scope
    ranges: tuple[tuple[str, str], ...]  # the text's ranges cut to the day's span
    by_number: bool  # read through the number index, else the day's orders walked


def plan(reader: RawRead, match: q.TextMatch, scope: q.Scope) -> Plan | None:
    """The runs of whole days every order of which holds the text, and the other days holding
    some of its numbers; None when that would not save reading the numbers' orders."""
    ranges = match.needles.numbers
    if not ranges or scope.by_value or not all(WELL_FORMED.fullmatch(end) for r in ranges for end in r):
        return None
    numbered = numbers_in_use(reader, ranges)
    if numbered < MIN_NUMBERS:
        return None
    low, high = scope.placed_from, scope.placed_to
    first = low.astimezone(timezone.utc).date() if low is not None else None
    end = _day_after(high) if high is not None else None
    spans = day_numbers.spans(reader, scope.org_id, first, end)
    if not spans or not all(span.well_formed for span in spans):
        return None
    whole_first, whole_end = day_tally.whole_days(low, high)
    runs: list[list[DaySpan]] = [[]]
    for span in spans:
        whole = (whole_first is None or span.day >= whole_first) and (whole_end is None or span.day < whole_end)
        if whole and any(lo <= span.low and span.high <= hi for lo, hi in ranges):
            runs[-1].append(span)
        elif runs[-1]:
            runs.append([])
    kept = [run for run in runs if _width(run) >= MIN_RUN]
    in_runs = {span.day for run in kept for span in run}
    days = []
    # The other ways read every order a range holds by its number (or walk the period).
    cost, most = len(kept) * RUN_COST, numbered * c.ROW_COST
    for span in spans:
        cut = _cut(ranges, span)
        if span.day in in_runs or not cut:
            continue
        walk = _width([span]) * WALKED_ENTRY_COST
        by_number = sum(number_value(hi) - number_value(lo) + 1 for lo, hi in cut) * NUMBERED_ROW_COST
        cost += min(walk, by_number)
        start, stop = day_tally.day_start(span.day), day_tally.day_start(span.day + timedelta(days=1))
        days.append(Day(replace(scope, placed_from=max(start, low) if low else start,
                                placed_to=min(stop, high) if high else stop), cut, by_number < walk))
        if cost > most or len(days) > MOST_DAYS:
            return None
    runs_scopes = tuple(replace(scope, placed_from=day_tally.day_start(run[0].day),
                                placed_to=day_tally.day_start(run[-1].day + timedelta(days=1))) for run in kept)
    return Plan("numbers", match, whole_days=runs_scopes, days=tuple(days))


Rest = Callable[[q.Scope], dict[QuickFilter, int]]


def counts(reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days, plan: Plan, rest: Rest) -> dict[QuickFilter, int]:
    """The orders holding the text by value over the period (`rest` counts a scope by the other
    ways), plus those of the runs that do not (every order there holds it by number), plus those
    of the other days whose number holds it and nothing else does."""
    assert plan.text is not None
    found = [rest(replace(scope, by_value=True))]
    for run in plan.whole_days:
        found.append(indexed(reader, run, days))
        found.append({f: -n for f, n in rest(replace(run, by_value=True)).items()})
    found += [_numbered_only(reader, query, plan.text, day, days) for day in plan.days]
    return {f: sum(part[f] for part in found) for f in QuickFilter}


def _numbered_only(reader: RawRead, query: OrderQuery, match: q.TextMatch, day: Day, days: Days) -> dict[QuickFilter, int]:
    """The orders of the day whose number is in the day's ranges and that hold the text nowhere
    else, grouped."""
    where, params = others(reader, query, day.scope)
    where.append(lo.number_test(day.ranges))
    if match.kinds:
        where.append(f"NOT {q.text_test_sql(reader.dialect, match.kinds, 0)}")
    params.update(text_values(q.narrowed(match, day.ranges)))
    if day.by_number:
        where.append(f"o.id IN ({lo.number_ids(reader, len(day.ranges))})")
        access = by_id(reader)
    else:  # the placed index carries every column read (schema 0016)
        access = " INDEXED BY ix_orders_org_placed" if reader.sqlite else ""
    return grouped(reader, access, where, params, days)


def _day_after(instant: datetime) -> date:
    """The day after the last UTC day [.., instant) touches."""
    utc = instant.astimezone(timezone.utc)
    return utc.date() if day_tally.utc_midnight(utc) else utc.date() + timedelta(days=1)


def _cut(ranges: tuple[tuple[str, str], ...], span: DaySpan) -> tuple[tuple[str, str], ...]:
    """The ranges cut to the span (those it does not meet left out)."""
    return tuple((max(lo, span.low), min(hi, span.high)) for lo, hi in ranges if span.low <= hi and span.high >= lo)


def _width(run: list[DaySpan]) -> int:
    """The numbers the spans hold at most (their orders, were every number used)."""
    return sum(number_value(span.high) - number_value(span.low) + 1 for span in run)


__all__ = ["MIN_NUMBERS", "MIN_RUN", "Day", "counts", "plan"]
