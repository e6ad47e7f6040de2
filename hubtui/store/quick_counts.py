"""The twelve counts of the quick-filter bar under every other filter of the list.

Each count is "this quick filter, and everything else the list is filtered by": period,
microsite, the "/" text, the advanced-search fields. Twelve planner counts would resolve
the text twelve times and read the same orders up to twelve times. Instead grouped reads
say how many of the filtered orders fall in each (status, payment status, type, high risk,
placed today / yesterday / another day) group, and the domain's one definition of each
quick filter (matches_quick_filter) folds the groups into the twelve counts, as
tally_counts.py does for the tallies.

Reading an order row costs about 3 µs at 1,000,000 orders (it is wide and found by id), a
tally row about 1.5 µs and an index entry 0.1-0.6 µs, so the counts come from whichever
way reads the least:

- indexed: nothing that needs the row (organisation or microsite, and period): the
  tallies and day tallies, indexed_counts.py.
- chars: a text of one letter or digit and no advanced-search field: the same from the
  character tallies (char_tally.py), which count the orders holding each; the hours at a
  period's ends that no whole UTC day covers, by the ways below.
- numbers: a text that starts many order numbers ("07"), and no advanced-search field: the
  orders holding it by value, by the ways below; the runs of whole days whose numbers it starts
  (every order there holds it) as without a text, less those; the few other days holding some
  of its numbers read (numbers_way.py).
- tally: a text and no advanced-search field, over all time: order_text_tallies
  (text_tally.py) holds the orders per customer's e-mail, name and post code and per
  group. The counts are the rows holding the text ("holding"), or the organisation's
  tallies less the rows lacking it ("lacking"). A text that may also start order numbers
  ("1") adds the orders whose number it starts among those not holding it otherwise: from
  the number index (holding), or from a term index that carries the number (lacking); or
  the tallies less the orders whose number it cannot start and that lack it ("gaps").
  Today and yesterday are counted over those two days by the ways below. A period holding
  most of the orders (this year) is all time less the parts outside it. A text most values
  hold ("w", "2") reads every tally row of the organisation with the text tested on each
  ("scan": about 0.5 µs a row, against 1.5 through the terms), and needs no list of terms.
- months: a text and a period that is not most of the orders: order_text_month_tallies holds
  the orders per customer's values and UTC month; the counts are the rows of the period's
  whole months holding the text, plus the orders holding it in the part of a month the period
  only starts or ends in, or less those in the part it leaves out, whichever is shorter. The
  months' rows holding the text are read through its terms, or all of them tested ("scan").
  Today and yesterday are counted over those two days, as for the tally way.
- direct: the rows of the orders holding the text (the planner's term candidates), grouped.
- complement: a text nearly every order holds ("e"): the indexed counts without the text,
  less the grouped rows of the orders that do not hold it (lacking_orders.py).
- walk: neither is small, or the filters need the row anyway: the planner's own walk of
  the filtered orders, testing the text on each; from the placed index alone, which carries
  every column the test and the groups need (schema 0016, about 0.5 µs an order). The orders
  of a few days (today and yesterday, the ends of months) are read the same way when most of
  them hold the text (count_plan.holding_in).

The tally way is tally_way.py, the months way months_way.py; what each read costs and the
limits that choose between them are count_costs.py.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.store import char_tally
from hubtui.store import count_costs as c
from hubtui.store import lacking_orders as lo
from hubtui.store import months_way, numbers_way, tally_way
from hubtui.store import order_queries as q
from hubtui.store.count_plan import Plan
from hubtui.store.engine import RawRead
from hubtui.store.grouped_counts import by_id, grouped, others, text_values
from hubtui.store.indexed_counts import DATE_FILTERS, Days, Held, fold, indexed, tallies
from hubtui.store.spans import share_of_period

_FIELDS = ("status", "order_type", "channel", "payment_method", "payment_status", "number")
_PREFIX_FIELDS = ("email", "postcode", "name")


def quick_counts(reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days) -> dict[QuickFilter, int]:
    """The count of every quick filter with every other filter of `query` applied.

    `scope` is the query's for the quick filter "all" (its period only); `days` places
    today and yesterday.
    """
    return _counts(reader, _without_quick_filter(query), scope, days)


def _counts(
    reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days, *, outside: bool = True, chars: bool = True,
) -> dict[QuickFilter, int]:
    plan = plan_counts(reader, query, scope, outside=outside, chars=chars)
    if plan.way == "none":
        return {f: 0 for f in QuickFilter}
    if plan.way == "indexed":
        return indexed(reader, scope, days)
    if plan.way == "chars":
        assert plan.char is not None
        return indexed(reader, scope, days, held=_held(query, plan.char))
    if plan.way == "numbers":
        return numbers_way.counts(reader, query, scope, days, plan,
                                  lambda part: _counts(reader, query, part, days, chars=False))
    if plan.way == "tally":
        return tally_way.counts(reader, query, scope, days, plan, _rest)
    if plan.way == "months":
        return months_way.counts(reader, query, scope, days, plan)
    if plan.way == "complement":
        assert plan.text is not None and plan.driver is not None
        base = indexed(reader, scope, days, plan.tallies)
        if plan.driver.sql is None:
            return base
        where, params = others(reader, query, scope)
        where += [f"NOT {q.text_test_sql(reader.dialect, plan.text.kinds, len(plan.text.needles.numbers))}",
                  f"o.id IN ({plan.driver.sql})"]
        params.update(text_values(plan.text))
        params.update(plan.driver.params)
        lacking = grouped(reader, by_id(reader), where, params, days)
        return {f: base[f] - lacking[f] for f in QuickFilter}
    access, where, params = q.filter_terms(reader, query, scope, plan.text)
    return grouped(reader, access, where, params, days)


def plan_counts(
    reader: RawRead, query: OrderQuery, scope: q.Scope, *, outside: bool = True, chars: bool = True,
) -> Plan:
    """How quick_counts reads the counts of `query` (see the module's docstring).

    `outside`: whether a period may be counted as all time less the rest (not for the rest
    itself: that would count its own rest, and so on); `chars`: whether the character tallies
    may count it (not for the hours they leave to the other ways, nor for a text held by value
    only: its tallies count the numbers too)."""
    query = _without_quick_filter(query)
    if chars and not scope.by_value and (char := held_char(query)) is not None:
        return Plan("chars", char=char)
    match = q.text_terms(reader, query.text, scope.org_id) if query.text else None
    if match is not None and scope.by_value:
        match = q.narrowed(match, ())
    indexed_ = not _has_fields(query)
    if match is None:
        return Plan("indexed" if indexed_ else "walk")
    if match.plan == "none":
        return Plan("none", match)
    if c.NUMBERS and indexed_ and outside and chars:
        numbers = numbers_way.plan(reader, match, scope)
        if numbers is not None:
            return numbers
    if c.TALLY and not _has_fields(query):
        plan = tally_way.plan(reader, match, scope, outside)
        if plan is not None:
            return plan
    # Candidates whose number ranges outweigh the period are read row by row to test it (see
    # order_queries.numbers_outweigh_period): the complement or the walk read fewer.
    direct = match.plan == "sparse" and not q.numbers_outweigh_period(reader, match, scope, c.NUMBERS_WEIGHT)
    if direct and q.count_candidates(reader, match, scope, c.FEW) < c.FEW:
        return Plan("direct", match)
    known = tallies(reader, scope)
    share = share_of_period(reader, scope)
    in_scope = int(known[QuickFilter.ALL] * share)
    # A walk reads every order of the organisation in the period (no index holds the microsite):
    # in bt-ie, 12% of them, counting it as the microsite's took 98 ms where reading the
    # candidates took 17.
    walked = int(tallies(reader, replace(scope, microsite=None))[QuickFilter.ALL] * share) if scope.microsite \
        else in_scope
    cap = max(c.FEW, int(walked * c.WALK_SHARE))
    # The months way must read less than the complement or the walk would. The complement's
    # driver through the values lacking the text costs their tally rows to find, and their
    # orders to size (DRIVER_ROW_COST a row: "r", 15,000 rows, 55 ms where a walk of yesterday
    # costs 4): it is looked for among a few rows first, among more only while that costs less
    # than the months way, and never beyond what the walk costs.
    most = min(lo.TALLY_ROWS, math.ceil(walked * c.WALK_ROW_COST / c.DRIVER_ROW_COST))
    searched = min(c.FIRST_DRIVER_ROWS, most)
    driver = lo.cheapest_driver(reader, match, scope, in_scope, share, cap, searched) if indexed_ else None
    if c.TALLY and indexed_:
        months = months_way.plan(reader, match, scope, min(cap, driver.size * c.COMPLEMENT_WEIGHT) if driver else cap)
        if months is not None:
            if driver is None:
                rows_limit = min(most, math.ceil(months.cost * c.MONTHS_WEIGHT / c.DRIVER_ROW_COST))
                if rows_limit > searched:
                    driver = lo.cheapest_driver(reader, match, scope, in_scope, share, cap, rows_limit)
                    searched = rows_limit
            if driver is None or months.cost * c.MONTHS_WEIGHT <= driver.size * c.COMPLEMENT_WEIGHT * c.ROW_COST:
                return months
    if indexed_ and driver is None and searched < most:
        driver = lo.cheapest_driver(reader, match, scope, in_scope, share, cap, most)
    if direct:
        limit = min(cap, math.ceil(driver.size * c.COMPLEMENT_WEIGHT)) if driver is not None else cap
        if q.count_candidates(reader, match, scope, limit) < limit:
            return Plan("direct", match)
    if driver is not None and driver.size < cap:
        return Plan("complement", match, driver, known)
    return Plan("walk", replace(match, plan="dense"))


def by_numbers(reader: RawRead, query: OrderQuery, scope: q.Scope) -> bool:
    """Whether the numbers way counts `query` (a cheaper answer than the planner's count of the
    list's header: count_orders asks; the other ways' probes are not made)."""
    query = _without_quick_filter(query)
    if not c.NUMBERS or not query.text or _has_fields(query) or held_char(query) is not None:
        return False
    match = q.text_terms(reader, query.text, scope.org_id)
    return match is not None and match.plan != "none" and numbers_way.plan(reader, match, scope) is not None


def held_char(query: OrderQuery) -> str | None:
    """The character whose tallies count `query` (a one-character text and no advanced-search
    field), or None."""
    return char_tally.char_of(query.text) if c.CHARS and not _has_fields(query) else None


def _rest(reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days) -> dict[QuickFilter, int]:
    return _counts(reader, query, scope, days, outside=False)


def _held(query: OrderQuery, char: str) -> Held:
    """The chars way's count of the orders holding `char`, with the hours the day tallies leave
    (the ends of a period, the operator's today and yesterday when they are not UTC days) counted
    by the other ways."""

    def ranges(reader: RawRead, scope: q.Scope, parts: list[tuple[datetime | None, datetime | None]], days: Days,
               filters: tuple[QuickFilter, ...]) -> dict[QuickFilter, int]:
        counts = {f: 0 for f in filters}
        for low, high in parts:
            if set(filters) <= set(DATE_FILTERS):  # only the hours of yesterday and today matter
                low = days.yesterday if low is None else max(low, days.yesterday)
                high = days.tomorrow if high is None else min(high, days.tomorrow)
            if low is not None and high is not None and low >= high:
                continue
            found = _counts(reader, query, replace(scope, placed_from=low, placed_to=high), days, outside=False,
                            chars=False)
            counts = {f: counts[f] + found[f] for f in filters}
        return counts

    return Held(char, ranges)


def _without_quick_filter(query: OrderQuery) -> OrderQuery:
    return query.with_changes(quick_filter=QuickFilter.ALL)


def _has_fields(query: OrderQuery) -> bool:
    """Whether an advanced-search field narrows the query (those need the order row)."""
    return any(getattr(query, name) for name in _FIELDS) or any(
        (getattr(query, name) or "").strip() for name in _PREFIX_FIELDS
    )


__all__ = ["Days", "Plan", "by_numbers", "fold", "held_char", "plan_counts", "quick_counts"]
