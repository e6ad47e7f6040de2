"""The twelve counts of the quick-filter bar under every other filter of the list.

Each count is "this quick filter, and everything else the list is filtered by": period,
microsite, the "/" text, the advanced-search fields. Twelve planner counts would resolve
the text twelve times and read the same orders up to twelve times. Instead grouped reads
say how many of the filtered orders fall in each (status, payment status, type, high risk,
placed today / yesterday / another day) group, and the domain's one definition of each
quick filter (matches_quick_filter) folds the groups into the twelve counts, as
order_queries.tally_counts does for the tallies.

Reading an order row costs about 3 µs at 1,000,000 orders (it is wide and found by id), a
tally row about 1.5 µs and an index entry 0.1-0.6 µs, so the counts come from whichever
way reads the least:

- indexed: nothing that needs the row (organisation or microsite, and period): the
  tallies and day tallies, indexed_counts.py.
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
  them hold the text (_holding_in).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from hubtui.domain.month_cover import Piece, cover
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.store import lacking_orders as lo
from hubtui.store import order_queries as q
from hubtui.store import text_tally
from hubtui.store.engine import RawRead
from hubtui.store.grouped_counts import by_id, grouped, others, text_values
from hubtui.store.indexed_counts import (
    DATE_FILTERS,
    Days,
    day_counts,
    fold,
    holds_orders,
    indexed,
    tallies,
)
from hubtui.store.spans import number_share, share_of_period

# Candidates up to which the direct way is taken without looking at the complement.
FEW = 5_000
# Share of the orders in scope (organisation or microsite, period) above which reading the
# candidates one by one (2.5 µs each) costs more than walking the filtered orders (the placed
# index alone since schema 0016: about 0.5 µs an order).
WALK_SHARE = 0.2
WALK_ROW_COST = 0.5
# Candidates of a few days' orders below which they are read by id without weighing a walk.
SURELY_BY_ID = 500
# What a row of the complement costs against a row read directly: about the same (both are
# look-ups by id; the complement's indexed counts cost a few ms at most).
COMPLEMENT_WEIGHT = 1.0
# The tally way, and the weights its choices multiply their costs by (tests force each way).
TALLY = True
TALLY_WEIGHTS = {"holding": 1.0, "lacking": 1.0, "gaps": 1.0, "scan": 1.0}
# Share of the organisation's orders above which a period is counted as all time less the
# rest (the tally way); below, the orders in it are read.
OUTSIDE_SHARE = 0.5
# Costs in µs at 1,000,000 orders (2 cores, SQLite 3.40): a tally row read and grouped, an
# order row read by id and grouped, a term index entry tested for its number.
TALLY_ROW_COST = 1.5
ROW_COST = 2.5
ENTRY_COST = 0.6
# A tally row read in a pass over the organisation's (or a month's) rows, the text tested on it,
# and the rows up to which such a pass is tried (90 ms; a walk of 1,000,000 orders costs 800).
SCAN_ROW_COST = 0.45
SCAN_ROWS = 200_000
# Tally rows lacking a text up to which the complement's driver through their values is looked
# for before the months way is weighed (3 ms of reading).
FIRST_DRIVER_ROWS = 2_000
DRIVER_ROW_COST = 3.7  # µs a tally row lacking the text costs to turn into the complement's driver
# The months way (tests turn it off to reach the others), and the month tally rows beyond which
# it is not tried: their cost alone would pass what reading FEW orders costs.
MONTHS = True
MONTH_ROWS = math.ceil(FEW * ROW_COST / TALLY_ROW_COST)
MONTHS_WEIGHT = 1.0  # what the months way's cost is multiplied by against the direct way's
MONTH_SCAN_WEIGHT = 1.0  # what a pass over the months' rows costs against reading those holding the text

# What the share of the orders a text's number ranges hold is multiplied by against the period's
# share, above which its candidates are not read (order_queries.numbers_outweigh_period).
NUMBERS_WEIGHT = 1.0

_FIELDS = ("status", "order_type", "channel", "payment_method", "payment_status", "number")
_PREFIX_FIELDS = ("email", "postcode", "name")


@dataclass(frozen=True)
class Plan:
    way: str  # "indexed" | "none" | "tally" | "months" | "direct" | "complement" | "walk"
    text: q.TextMatch | None = None
    driver: lo.Driver | None = None
    tallies: dict[QuickFilter, int] | None = None  # of the scope's organisation or microsite, once read
    source: str | None = None  # the tally way's: "holding" | "lacking" | "gaps" | "scan"; the months way's: "scan"
    whole_table: bool = False  # the tally way's scan: the table in its order, not the organisation's index
    lacking: text_tally.Lacking | None = None
    outside: tuple[q.Scope, ...] = ()  # the tally way under a period: the time outside it
    months: tuple[str, str] | None = None  # the months way: the first and last whole month
    pieces: tuple[Piece, ...] = ()  # the months way: the parts of months read from the orders
    cost: float = 0.0  # the months way: what it is expected to cost, in µs


def quick_counts(reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days) -> dict[QuickFilter, int]:
    """The count of every quick filter with every other filter of `query` applied.

    `scope` is the query's for the quick filter "all" (its period only); `days` places
    today and yesterday.
    """
    return _counts(reader, _without_quick_filter(query), scope, days)


def _counts(
    reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days, *, outside: bool = True,
) -> dict[QuickFilter, int]:
    plan = plan_counts(reader, query, scope, outside=outside)
    if plan.way == "none":
        return {f: 0 for f in QuickFilter}
    if plan.way == "indexed":
        return indexed(reader, scope, days)
    if plan.way == "tally":
        return _by_tally(reader, query, scope, days, plan)
    if plan.way == "months":
        return _by_months(reader, query, scope, days, plan)
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


def plan_counts(reader: RawRead, query: OrderQuery, scope: q.Scope, *, outside: bool = True) -> Plan:
    """How quick_counts reads the counts of `query` (see the module's docstring).

    `outside`: whether a period may be counted as all time less the rest (not for the rest
    itself: that would count its own rest, and so on)."""
    query = _without_quick_filter(query)
    match = q.text_terms(reader, query.text, scope.org_id) if query.text else None
    indexed_ = not _has_fields(query)
    if match is None:
        return Plan("indexed" if indexed_ else "walk")
    if match.plan == "none":
        return Plan("none", match)
    if TALLY and not _has_fields(query):
        plan = _tally_plan(reader, match, scope, outside)
        if plan is not None:
            return plan
    # Candidates whose number ranges outweigh the period are read row by row to test it (see
    # order_queries.numbers_outweigh_period): the complement or the walk read fewer.
    direct = match.plan == "sparse" and not q.numbers_outweigh_period(reader, match, scope, NUMBERS_WEIGHT)
    if direct and q.count_candidates(reader, match, scope, FEW) < FEW:
        return Plan("direct", match)
    known = tallies(reader, scope)
    share = share_of_period(reader, scope)
    in_scope = int(known[QuickFilter.ALL] * share)
    # A walk reads every order of the organisation in the period (no index holds the microsite):
    # in bt-ie, 12% of them, counting it as the microsite's took 98 ms where reading the
    # candidates took 17.
    walked = int(tallies(reader, replace(scope, microsite=None))[QuickFilter.ALL] * share) if scope.microsite \
        else in_scope
    cap = max(FEW, int(walked * WALK_SHARE))
    # The months way must read less than the complement or the walk would. The complement's
    # driver through the values lacking the text costs their tally rows to find, and their
    # orders to size (DRIVER_ROW_COST a row: "r", 15,000 rows, 55 ms where a walk of yesterday
    # costs 4): it is looked for among a few rows first, among more only while that costs less
    # than the months way, and never beyond what the walk costs.
    most = min(lo.TALLY_ROWS, math.ceil(walked * WALK_ROW_COST / DRIVER_ROW_COST))
    searched = min(FIRST_DRIVER_ROWS, most)
    driver = lo.cheapest_driver(reader, match, scope, in_scope, share, cap, searched) if indexed_ else None
    if TALLY and indexed_:
        months = _months_plan(reader, match, scope, min(cap, driver.size * COMPLEMENT_WEIGHT) if driver else cap)
        if months is not None:
            if driver is None:
                rows_limit = min(most, math.ceil(months.cost * MONTHS_WEIGHT / DRIVER_ROW_COST))
                if rows_limit > searched:
                    driver = lo.cheapest_driver(reader, match, scope, in_scope, share, cap, rows_limit)
                    searched = rows_limit
            if driver is None or months.cost * MONTHS_WEIGHT <= driver.size * COMPLEMENT_WEIGHT * ROW_COST:
                return months
    if indexed_ and driver is None and searched < most:
        driver = lo.cheapest_driver(reader, match, scope, in_scope, share, cap, most)
    if direct:
        limit = min(cap, math.ceil(driver.size * COMPLEMENT_WEIGHT)) if driver is not None else cap
        if q.count_candidates(reader, match, scope, limit) < limit:
            return Plan("direct", match)
    if driver is not None and driver.size < cap:
        return Plan("complement", match, driver, known)
    return Plan("walk", replace(match, plan="dense"))


def _without_quick_filter(query: OrderQuery) -> OrderQuery:
    return query.with_changes(quick_filter=QuickFilter.ALL)


def _has_fields(query: OrderQuery) -> bool:
    """Whether an advanced-search field narrows the query (those need the order row)."""
    return any(getattr(query, name) for name in _FIELDS) or any(
        (getattr(query, name) or "").strip() for name in _PREFIX_FIELDS
    )


# --- tally ----------------------------------------------------------------------------------

def _tally_plan(reader: RawRead, match: q.TextMatch, scope: q.Scope, outside_allowed: bool) -> Plan | None:
    """The tally way and its cheapest source, or None (a period holding few of the orders,
    or a text no e-mail, name or post code holds: the orders' own ways then).

    Costs are the rows each source reads; a source is left out when its tally rows pass
    lacking_orders.TALLY_ROWS. Whichever of holding and lacking looks smaller by its terms
    is probed first, and the other only up to what would still beat it.
    """
    outside: tuple[q.Scope, ...] = ()
    if scope.placed_from is not None or scope.placed_to is not None:
        if not outside_allowed or share_of_period(reader, scope) <= OUTSIDE_SHARE:
            return None
        parts = (replace(scope, placed_from=low, placed_to=high)
                 for low, high in ((None, scope.placed_from), (scope.placed_to, None)) if (low or high) is not None)
        outside = tuple(part for part in parts if holds_orders(reader, part))
    if not match.kinds:
        return None
    whole = replace(scope, placed_from=None, placed_to=None)
    share = number_share(reader, match.needles.numbers)
    known = tallies(reader, whole) if share else None
    started = known[QuickFilter.ALL] * share if known else 0.0  # orders whose number the text may start
    costs: dict[str, float] = {}
    if known:
        costs["gaps"] = known[QuickFilter.ALL] * (1.0 - share) * ROW_COST
    terms = sum(len(found) for _, found in match.terms if found) if match.plan == "sparse" else q.TERM_CAP

    def probe_lacking(limit: int) -> None:
        if lacking is not None and limit > 0 and (rows := lacking.count(limit)) < limit:
            cost = rows * TALLY_ROW_COST
            if share:  # its orders: the index entries tested for a number, the rows of those started
                cost += sum(int(r[-1]) for r in lacking.rows()) * (ENTRY_COST + share * ROW_COST)
            costs["lacking"] = cost

    def probe_holding(limit: int) -> None:
        if match.plan == "sparse" and limit > 0 and (rows := text_tally.count_holding(reader, match, whole.org_id,
                                                                                        limit)) < limit:
            costs["holding"] = rows * TALLY_ROW_COST + started * ROW_COST

    def probe_scan(limit: int) -> int:
        if limit > 0 and (rows := text_tally.count_rows(reader, whole.org_id, limit)) < limit:
            costs["scan"] = rows * SCAN_ROW_COST + started * ROW_COST
            return rows
        return 0

    def limit_beating(way: str, row_cost: float = TALLY_ROW_COST, cap: int = lo.TALLY_ROWS) -> int:
        """Tally rows up to which `way` still costs less than the cheapest source so far."""
        best = min((costs[w] * TALLY_WEIGHTS[w] for w in costs), default=math.inf)
        weight = TALLY_WEIGHTS[way]
        fixed = started * ROW_COST if way in ("holding", "scan") else 0.0
        if weight == 0 or best == math.inf:
            return cap
        return max(0, min(cap, math.ceil((best / weight - fixed) / row_cost)))

    # A kind with fewer values lacking the text than there are terms holding it: its rows are
    # likely the fewer, so they are probed first; otherwise only when holding cannot answer
    # alone (or a number makes its orders dear).
    lacking = lo.cheapest_lacking(reader, match, whole.org_id, whole.microsite, min(q.TERM_CAP, terms))
    if lacking is not None:
        probe_lacking(lo.TALLY_ROWS)
        probe_holding(limit_beating("holding"))
    else:
        probe_holding(limit_beating("holding"))
        if "holding" not in costs or share or TALLY_WEIGHTS["lacking"] < TALLY_WEIGHTS["holding"]:
            lacking = lo.cheapest_lacking(reader, match, whole.org_id, whole.microsite, q.TERM_CAP)
            probe_lacking(lo.TALLY_ROWS if share else limit_beating("lacking"))
    # Every row, the text tested on each: what a text most values hold comes to (and one over
    # the term cap, which the others cannot read).
    scan_rows = probe_scan(limit_beating("scan", SCAN_ROW_COST, SCAN_ROWS))
    if not costs:
        return None
    source = min(costs, key=lambda w: costs[w] * TALLY_WEIGHTS[w])
    whole_table = source == "scan" and text_tally.whole_table_pays(reader, scan_rows)
    return Plan("tally", match, tallies=known, source=source, lacking=lacking, outside=outside,
                whole_table=whole_table)


def _by_tally(reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days, plan: Plan) -> dict[QuickFilter, int]:
    whole = replace(scope, placed_from=None, placed_to=None)
    counts = _all_time(reader, query, whole, plan)
    recent = _recent(reader, query, whole, days, plan)
    counts.update({f: recent[f] for f in DATE_FILTERS})
    for part in plan.outside:
        beyond = _counts(reader, query, part, days, outside=False)
        counts = {f: counts[f] - beyond[f] for f in QuickFilter}
    return counts


def _all_time(reader: RawRead, query: OrderQuery, whole: q.Scope, plan: Plan) -> dict[QuickFilter, int]:
    """The counts but today and yesterday over all time, from the tallies (see _tally_plan)."""
    match = plan.text
    assert match is not None
    ranges = match.needles.numbers
    where, params = others(reader, query, whole)
    params.update(text_values(match))
    holds = q.text_test_sql(reader.dialect, match.kinds, 0)
    if plan.source in ("holding", "scan"):
        rows = (text_tally.holding(reader, match, whole.org_id, whole.microsite) if plan.source == "holding" else
                text_tally.scanned(reader, match, whole.org_id, whole.microsite, whole_table=plan.whole_table))
        counts = q.tally_counts(rows)
        if ranges:  # the orders it starts the number of, holding it nowhere else
            where += [f"o.id IN ({lo.number_ids(reader, len(ranges))})", f"NOT {holds}"]
            started = grouped(reader, by_id(reader), where, params, None)
            counts = {f: counts[f] + started[f] for f in counts}
        return counts
    known = plan.tallies if plan.tallies is not None else tallies(reader, whole)
    if plan.source == "lacking":
        assert plan.lacking is not None
        lacking = q.tally_counts(plan.lacking.rows())
        counts = {f: known[f] - lacking[f] for f in lacking}
        narrowest = plan.lacking.narrowest() if ranges else None
        if narrowest is not None:  # the lacking orders whose number it starts hold it after all
            sql, driver_params = lo.values_branch(reader, *narrowest, whole)
            where += [f"o.id IN ({sql} AND {lo.number_test(ranges)})", f"NOT {holds}"]
            started = grouped(reader, by_id(reader), where, {**params, **driver_params}, None)
            counts = {f: counts[f] + started[f] for f in counts}
        return counts
    _, sql, driver_params = lo.number_gaps(reader, match, whole, known[QuickFilter.ALL])
    where += [f"NOT {q.text_test_sql(reader.dialect, match.kinds, len(ranges))}", f"o.id IN ({sql})"]
    lacking = grouped(reader, by_id(reader), where, {**params, **driver_params}, None)
    return {f: known[f] - lacking[f] for f in known}


def _recent(reader: RawRead, query: OrderQuery, whole: q.Scope, days: Days, plan: Plan) -> dict[QuickFilter, int]:
    """Today's and yesterday's counts, over those two days, read the way all time's were:
    the orders holding the text (holding, scan); or the two days' counts less their orders lacking
    it, found through the same values (lacking) or numbers (gaps)."""
    match = plan.text
    assert match is not None
    window = replace(whole, placed_from=days.yesterday, placed_to=days.tomorrow)
    if plan.source in ("holding", "scan"):
        access, where, params = _holding_in(reader, query, window, match)
        return grouped(reader, access, where, params, days)
    base = day_counts(reader, whole, days)
    if plan.source == "lacking":
        assert plan.lacking is not None
        narrowest = plan.lacking.narrowest()
        if narrowest is None:
            return base
        sql, driver_params = lo.values_branch(reader, *narrowest, window)
    else:
        _, sql, driver_params = lo.number_gaps(reader, match, window, 0)
    where, params = others(reader, query, window)
    where += [f"NOT {q.text_test_sql(reader.dialect, match.kinds, len(match.needles.numbers))}", f"o.id IN ({sql})"]
    lacking = grouped(reader, by_id(reader), where, {**params, **text_values(match), **driver_params}, days)
    return {f: base[f] - lacking[f] for f in DATE_FILTERS}


# --- months ---------------------------------------------------------------------------------

def _months_plan(reader: RawRead, match: q.TextMatch, scope: q.Scope, budget: float) -> Plan | None:
    """The months way when it reads less than `budget` orders would cost and than the direct
    way, or None (see the module). A text that may start order numbers is left to the other
    ways, as are periods open at an end and texts without every kind's terms."""
    if (not MONTHS or match.plan != "sparse" or not match.kinds or match.needles.numbers
            or scope.placed_from is None or scope.placed_to is None):
        return None
    covered = cover(scope.placed_from, scope.placed_to)
    months, pieces = covered.month_keys, covered.pieces
    if months is None:
        return None
    allowed = budget * ROW_COST / MONTHS_WEIGHT if MONTHS_WEIGHT else math.inf  # µs it may cost
    read = _month_rows_cost(reader, match, scope.org_id, months, allowed)
    if read is None:
        return None
    cost, source = read
    everyone = _walked(reader, scope)
    for piece in pieces:
        if cost >= allowed:
            return None
        part = replace(scope, placed_from=piece.start, placed_to=piece.end)
        walk = everyone * share_of_period(reader, part) * WALK_ROW_COST  # _holding_in reads the cheaper
        probe = math.ceil(min(allowed - cost, walk) / ROW_COST)
        found = q.count_candidates(reader, match, part, probe) if probe > 0 else 0
        cost += found * ROW_COST if found < probe else walk
    direct = math.ceil(cost * MONTHS_WEIGHT / ROW_COST) + 1  # the period's candidates up to which reading them costs less
    if cost >= allowed or q.count_candidates(reader, match, scope, direct) < direct:
        return None
    return Plan("months", match, months=months, pieces=pieces, source=source, cost=cost)


def _month_rows_cost(
    reader: RawRead, match: q.TextMatch, org_id: int, months: tuple[str, str], allowed: float,
) -> tuple[float, str | None] | None:
    """What reading the whole months' rows costs (µs, under `allowed`) and how: those holding
    the text through its terms (None), or every row of the months with the text tested on each
    ("scan"), whichever costs less; None when neither fits."""
    best: tuple[float, str | None] | None = None
    limit = MONTH_ROWS if allowed == math.inf else min(MONTH_ROWS, math.ceil(allowed / TALLY_ROW_COST))
    if limit > 0 and (rows := text_tally.count_holding(reader, match, org_id, limit, months=months)) < limit:
        best = (rows * TALLY_ROW_COST, None)
        allowed = best[0]
    scan_allowed = allowed / MONTH_SCAN_WEIGHT if MONTH_SCAN_WEIGHT else math.inf
    limit = SCAN_ROWS if scan_allowed == math.inf else min(SCAN_ROWS, math.ceil(scan_allowed / SCAN_ROW_COST))
    if limit > 0 and (rows := text_tally.count_rows(reader, org_id, limit, months=months)) < limit:
        return rows * SCAN_ROW_COST, "scan"
    return best


def _by_months(reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days, plan: Plan) -> dict[QuickFilter, int]:
    match = plan.text
    assert match is not None and plan.months is not None
    rows = (text_tally.scanned(reader, match, scope.org_id, scope.microsite, months=plan.months)
            if plan.source == "scan" else
            text_tally.holding(reader, match, scope.org_id, scope.microsite, months=plan.months))
    counts = q.tally_counts(rows)
    counts.update({f: 0 for f in DATE_FILTERS})
    for piece in plan.pieces:
        part = replace(scope, placed_from=piece.start, placed_to=piece.end)
        access, where, params = _holding_in(reader, query, part, match)
        found = grouped(reader, access, where, params, None)
        counts = {f: counts[f] + piece.sign * found[f] for f in QuickFilter}
    assert scope.placed_from is not None and scope.placed_to is not None
    low, high = max(scope.placed_from, days.yesterday), min(scope.placed_to, days.tomorrow)
    if low < high:
        access, where, params = _holding_in(reader, query, replace(scope, placed_from=low, placed_to=high), match)
        recent = grouped(reader, access, where, params, days)
        counts.update({f: recent[f] for f in DATE_FILTERS})
    return counts


# --- a few days' orders ----------------------------------------------------------------------

def _walked(reader: RawRead, scope: q.Scope) -> int:
    """The orders a walk of the scope's organisation reads over all time (no index holds the
    microsite: its test is made on each entry)."""
    return tallies(reader, replace(scope, microsite=None, placed_from=None, placed_to=None))[QuickFilter.ALL]


def _holding_in(reader: RawRead, query: OrderQuery, window: q.Scope, match: q.TextMatch) -> tuple[str, list[str],
                                                                                                   dict[str, Any]]:
    """filter_terms for the orders of a window (today and yesterday, the end of a month) holding
    the text: its candidates by id, or a walk of the window when they are more than WALK_SHARE
    of its orders ('r' over those two days: 10,000 of 17,000, 25 ms by id, 6 walked)."""
    if match.plan == "sparse" and q.count_candidates(reader, match, window, SURELY_BY_ID) >= SURELY_BY_ID:
        limit = max(1, math.ceil(_walked(reader, window) * share_of_period(reader, window) * WALK_SHARE))
        if q.count_candidates(reader, match, window, limit) >= limit:
            match = replace(match, plan="dense")
    return q.filter_terms(reader, query, window, match)


__all__ = ["Days", "Plan", "fold", "plan_counts", "quick_counts"]
