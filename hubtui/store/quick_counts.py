"""The twelve counts of the quick-filter bar under every other filter of the list.

Each count is "this quick filter, and everything else the list is filtered by": period,
microsite, the "/" text, the advanced-search fields. Twelve planner counts would resolve
the text twelve times and read the same orders up to twelve times. Instead one grouped
read says how many of the filtered orders fall in each (status, payment status, type,
high risk, placed today / yesterday / another day) group, and the domain's one definition
of each quick filter (matches_quick_filter) folds the groups into the twelve counts, as
order_queries.tally_counts does for the tallies.

Reading an order row costs about 3 µs at 1,000,000 orders (it is wide and found by id) and
an index entry about 0.07 µs, so the counts come from whichever way reads the fewest rows:

- indexed: nothing that needs the row (organisation and period only, or a microsite
  without a period): the tallies, or index-only range counts of each quick filter's own
  index, over the period or, when the period holds most orders, over what lies outside it.
- direct: the rows of the orders holding the text (the planner's term candidates), grouped.
- complement: a text nearly every order holds ("e"): the indexed counts without the text,
  less the grouped rows of the orders that do not hold it. Those are found through the
  terms that do not contain the text (every order's e-mail, name key and post-code key is
  a term or empty: text_search keeps it so), or the order numbers the text cannot start.
- walk: neither is small, or the filters need the row anyway: the planner's own walk of
  the filtered orders, testing the text on each row.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import HIGH_RISK_SCORE, QuickFilter, matches_quick_filter
from hubtui.store import order_queries as q
from hubtui.store import text_search
from hubtui.store.engine import RawRead

# Candidates up to which the direct way is taken without looking at the complement.
FEW = 5_000
# Share of the orders in scope (organisation or microsite, period) above which reading the
# candidates one by one costs more than walking the filtered orders.
WALK_SHARE = 0.5
# What a row of the complement costs against a row read directly: about the same (both are
# look-ups by id; the complement's indexed counts cost a few ms at most).
COMPLEMENT_WEIGHT = 1.0

_DATE_FILTERS = (QuickFilter.TODAY, QuickFilter.YESTERDAY)
_FIELDS = ("status", "order_type", "channel", "payment_method", "payment_status", "number")
_PREFIX_FIELDS = ("email", "postcode", "name")
_GROUPED = (
    "SELECT o.status, o.payment_status, o.order_type, o.fraud_score >= " + str(HIGH_RISK_SCORE) + ", "
    "CASE WHEN o.placed_at >= :day_tomorrow THEN 2 WHEN o.placed_at >= :day_today THEN 0 "
    "WHEN o.placed_at >= :day_yesterday THEN 1 ELSE 2 END, COUNT(*) "
    "FROM orders o{access} WHERE {where} GROUP BY 1, 2, 3, 4, 5"
)
# The same pattern as engine.pyformat's: statement parameters are :name, never inside literals.
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_NON_MATCHING = {
    "sqlite": "SELECT term FROM search_terms WHERE org_id = :org_id AND kind = :kind "
              "AND instr(term, :needle) = 0 LIMIT :cap",
    "postgresql": "SELECT term FROM search_terms WHERE org_id = :org_id AND kind = :kind "
                  "AND strpos(term, :needle) = 0 LIMIT :cap",
}
_TERMS = "SELECT COUNT(*) FROM search_terms WHERE org_id = :org_id AND kind = :kind"


@dataclass(frozen=True)
class Days:
    """Where the operator's yesterday, today and tomorrow begin, as aware UTC instants."""

    yesterday: datetime
    today: datetime
    tomorrow: datetime

    def of(self, quick: QuickFilter) -> tuple[datetime, datetime]:
        return (self.today, self.tomorrow) if quick is QuickFilter.TODAY else (self.yesterday, self.today)


@dataclass(frozen=True)
class Driver:
    """Orders that may lack the text, read by id: a superset of those that do."""

    sql: str  # SELECT id ...
    params: dict[str, Any]
    size: int  # counted up to the cap it was probed with


@dataclass(frozen=True)
class Plan:
    way: str  # "indexed" | "none" | "direct" | "complement" | "walk"
    text: q.TextMatch | None = None
    driver: Driver | None = None
    tallies: dict[QuickFilter, int] | None = None  # of the scope's organisation or microsite, once read


def quick_counts(reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days) -> dict[QuickFilter, int]:
    """The count of every quick filter with every other filter of `query` applied.

    `scope` is the query's for the quick filter "all" (its period only); `days` places
    today and yesterday.
    """
    query = _without_quick_filter(query)
    plan = plan_counts(reader, query, scope)
    if plan.way == "none":
        return {f: 0 for f in QuickFilter}
    if plan.way == "indexed":
        return _indexed(reader, scope, days)
    if plan.way == "complement":
        assert plan.text is not None and plan.driver is not None
        base = _indexed(reader, scope, days, plan.tallies)
        others = replace(query, text=None)
        _, where, params = q.filter_terms(reader, others, scope, None)
        where += [f"NOT {q.text_test_sql(reader.dialect, plan.text.kinds, len(plan.text.needles.numbers))}",
                  f"o.id IN ({plan.driver.sql})"]
        params.update(_text_values(plan.text))
        params.update(plan.driver.params)
        lacking = _grouped(reader, _by_id(reader), where, params, days)
        return {f: base[f] - lacking[f] for f in QuickFilter}
    access, where, params = q.filter_terms(reader, query, scope, plan.text)
    return _grouped(reader, access, where, params, days)


def plan_counts(reader: RawRead, query: OrderQuery, scope: q.Scope) -> Plan:
    """How quick_counts reads the counts of `query` (see the module's docstring)."""
    query = _without_quick_filter(query)
    match = q.text_terms(reader, query.text, scope.org_id) if query.text else None
    indexed = not _has_fields(query) and not (scope.microsite and (scope.placed_from or scope.placed_to))
    if match is None:
        return Plan("indexed" if indexed else "walk")
    if match.plan == "none":
        return Plan("none", match)
    if match.plan == "sparse" and q.count_candidates(reader, match, scope, FEW) < FEW:
        return Plan("direct", match)
    tallies = _tallies(reader, scope)
    in_scope = int(tallies[QuickFilter.ALL] * _share_of_period(reader, scope))
    cap = max(FEW, int(in_scope * WALK_SHARE))
    driver = _cheapest_driver(reader, match, scope, in_scope, cap) if indexed else None
    if match.plan == "sparse":
        limit = min(cap, math.ceil(driver.size * COMPLEMENT_WEIGHT)) if driver is not None else cap
        if q.count_candidates(reader, match, scope, limit) < limit:
            return Plan("direct", match)
    if driver is not None and driver.size < cap:
        return Plan("complement", match, driver, tallies)
    return Plan("walk", replace(match, plan="dense"))


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


def _without_quick_filter(query: OrderQuery) -> OrderQuery:
    return query.with_changes(quick_filter=QuickFilter.ALL)


def _has_fields(query: OrderQuery) -> bool:
    """Whether an advanced-search field narrows the query (those need the order row)."""
    return any(getattr(query, name) for name in _FIELDS) or any(
        (getattr(query, name) or "").strip() for name in _PREFIX_FIELDS
    )


def _by_id(reader: RawRead) -> str:
    # Rows fetched by id: SQLite would otherwise walk an index of the other filters.
    return " NOT INDEXED" if reader.sqlite else ""


def _grouped(
    reader: RawRead, access: str, where: list[str], params: dict[str, Any], days: Days,
) -> dict[QuickFilter, int]:
    params = {
        **params, "day_yesterday": reader.timestamp(days.yesterday), "day_today": reader.timestamp(days.today),
        "day_tomorrow": reader.timestamp(days.tomorrow),
    }
    return fold(reader.all(_GROUPED.format(access=access, where=" AND ".join(where)), params))


def _text_values(match: q.TextMatch) -> dict[str, Any]:
    """The parameters of text_test_sql."""
    params: dict[str, Any] = {f"x_{kind}": match.needles.of(kind) for kind in match.kinds}
    for i, (low, high) in enumerate(match.needles.numbers):
        params[f"n{i}_lo"], params[f"n{i}_hi"] = low, high
    return params


# --- indexed -----------------------------------------------------------------------------------

def _tallies(reader: RawRead, scope: q.Scope) -> dict[QuickFilter, int]:
    """The quick filters but today and yesterday, of the organisation or microsite, any time."""
    return q.tally_counts(q.tally_rows(reader, scope.org_id, scope.microsite))


def _indexed(
    reader: RawRead, scope: q.Scope, days: Days, tallies: dict[QuickFilter, int] | None = None,
) -> dict[QuickFilter, int]:
    """Counts of an organisation (or one microsite) in a period, without reading an order row."""
    low, high = scope.placed_from, scope.placed_to
    if low is None and high is None:
        counts = {**(tallies or _tallies(reader, scope)), QuickFilter.TODAY: 0, QuickFilter.YESTERDAY: 0}
        counts.update(_range_counts(reader, scope, [(None, None)], days, _DATE_FILTERS))
        return counts
    assert not scope.microsite, "the quick filters' indexes do not hold the microsite"
    if _share_of_period(reader, scope) <= 0.5:
        return _range_counts(reader, scope, [(low, high)], days, tuple(QuickFilter))
    whole = _indexed(reader, replace(scope, placed_from=None, placed_to=None), days, tallies)
    outside = [(None, low)] if low is not None else []
    outside += [(high, None)] if high is not None else []
    beyond = _range_counts(reader, scope, outside, days, tuple(QuickFilter))
    return {f: whole[f] - beyond[f] for f in QuickFilter}


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
            if quick in _DATE_FILTERS:
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


def _share_of_period(reader: RawRead, scope: q.Scope) -> float:
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


# --- the orders that do not hold a text ------------------------------------------------------

def _cheapest_driver(
    reader: RawRead, match: q.TextMatch, scope: q.Scope, in_scope: int, cap: int,
) -> Driver | None:
    """The smallest set, read by id, holding every order in scope that lacks the text, when
    it is likely under `cap`: the orders whose column of one kind holds none of the text
    (its terms without the needle, and the empty value), or whose number the text cannot start."""
    candidates: list[tuple[float, str, dict[str, Any]]] = []
    for kind, _ in text_search.KINDS:
        needle = match.needles.of(kind)
        if not needle:
            continue  # no order holds an empty needle's text this way: every order lacks it
        found = reader.all(_NON_MATCHING[reader.dialect],
                           {"org_id": scope.org_id, "kind": kind, "needle": needle, "cap": q.TERM_CAP + 1})
        if len(found) > q.TERM_CAP:
            continue
        total = max(1, int(reader.scalar(_TERMS, {"org_id": scope.org_id, "kind": kind})))
        terms = [row[0] for row in found] + [""]
        sql = q.term_branch_sql(reader.dialect, kind, scope.placed_from is not None, scope.placed_to is not None)
        params: dict[str, Any] = {f"t_{kind}": terms if reader.dialect == "postgresql" else json.dumps(terms)}
        candidates.append((in_scope * len(found) / total, sql, params))
    if match.needles.numbers:
        estimate, sql, params = _number_gaps(reader, match, scope, in_scope)
        candidates.append((estimate, sql, params))
    best: Driver | None = None
    for estimate, sql, params in sorted(candidates, key=lambda c: c[0]):
        limit = cap if best is None else best.size
        if estimate >= limit or limit == 0:
            break
        bound = {"org_id": scope.org_id, **params, **_period_values(reader, scope), "probe": limit}
        size = int(reader.scalar(f"SELECT COUNT(*) FROM ({sql} LIMIT :probe) AS lacking", bound))
        if size < limit:
            best = Driver(sql, {**params, **_period_values(reader, scope)}, size)
    return best


def _number_gaps(
    reader: RawRead, match: q.TextMatch, scope: q.Scope, in_scope: int,
) -> tuple[float, str, dict[str, Any]]:
    """The orders whose number lies outside every range the text can start (with an estimate
    of how many, from the share of the numbers in use the ranges leave out)."""
    ranges = sorted(match.needles.numbers)
    tests = ["g.number < :g0_hi"]
    params: dict[str, Any] = {"g0_hi": ranges[0][0]}
    for i, ((_, high), (low, _)) in enumerate(zip(ranges, ranges[1:]), start=1):
        tests.append(f"(g.number > :g{i}_lo AND g.number < :g{i}_hi)")
        params[f"g{i}_lo"], params[f"g{i}_hi"] = high, low
    tests.append(f"g.number > :g{len(ranges)}_lo")
    params[f"g{len(ranges)}_lo"] = ranges[-1][1]
    period = ""
    if scope.placed_from is not None:
        period += " AND +g.placed_at >= :placed_from"
    if scope.placed_to is not None:
        period += " AND +g.placed_at < :placed_to"
    # Unary + keeps org_id and placed_at from tempting the planner away from the unique
    # index on number (with a period it walked the period's orders instead: 190 ms for "BT").
    sql = f"SELECT g.id FROM orders g WHERE ({' OR '.join(tests)}) AND +g.org_id = :org_id{period}"
    highest = reader.scalar("SELECT MAX(number) FROM orders", {})
    used = _number_value(highest) + 1 if highest else 1
    covered = sum(max(0, min(_number_value(high), used - 1) - _number_value(low) + 1) for low, high in ranges)
    return in_scope * max(0, used - covered) / used, sql, params


def _number_value(number: str) -> int:
    digits = number[2:].ljust(7, "0")
    return int(digits) if digits.isdigit() else 0


def _period_values(reader: RawRead, scope: q.Scope) -> dict[str, Any]:
    values = {}
    if scope.placed_from is not None:
        values["placed_from"] = reader.timestamp(scope.placed_from)
    if scope.placed_to is not None:
        values["placed_to"] = reader.timestamp(scope.placed_to)
    return values


__all__ = ["Days", "Driver", "Plan", "fold", "plan_counts", "quick_counts"]
