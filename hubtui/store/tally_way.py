"""The tally way of the quick-filter counts (see quick_counts.py): a text and no advanced-search
field over all time, or a period holding most of the orders as all time less the rest, from
order_text_tallies (text_tally.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.store import count_costs as c
from hubtui.store import lacking_orders as lo
from hubtui.store import order_queries as q
from hubtui.store import text_tally
from hubtui.store.count_plan import Plan, holding_in
from hubtui.store.engine import RawRead
from hubtui.store.grouped_counts import by_id, grouped, others, text_values
from hubtui.store.indexed_counts import DATE_FILTERS, Days, day_counts, holds_orders, tallies
from hubtui.store.spans import number_share, share_of_period
from hubtui.store.tally_counts import tally_counts

CountRest = Callable[[RawRead, OrderQuery, q.Scope, Days], dict[QuickFilter, int]]


def plan(reader: RawRead, match: q.TextMatch, scope: q.Scope, outside_allowed: bool) -> Plan | None:
    """The tally way and its cheapest source, or None (a period holding few of the orders,
    or a text no e-mail, name or post code holds: the orders' own ways then).

    Costs are the rows each source reads; a source is left out when its tally rows pass
    lacking_orders.TALLY_ROWS. Whichever of holding and lacking looks smaller by its terms
    is probed first, and the other only up to what would still beat it.
    """
    outside: tuple[q.Scope, ...] = ()
    if scope.placed_from is not None or scope.placed_to is not None:
        if not outside_allowed or share_of_period(reader, scope) <= c.OUTSIDE_SHARE:
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
        costs["gaps"] = known[QuickFilter.ALL] * (1.0 - share) * c.ROW_COST
    terms = sum(len(found) for _, found in match.terms if found) if match.plan == "sparse" else q.TERM_CAP

    def probe_lacking(limit: int) -> None:
        if lacking is not None and limit > 0 and (rows := lacking.count(limit)) < limit:
            cost = rows * c.TALLY_ROW_COST
            if share:  # its orders: the index entries tested for a number, the rows of those started
                cost += sum(int(r[-1]) for r in lacking.rows()) * (c.ENTRY_COST + share * c.ROW_COST)
            costs["lacking"] = cost

    def probe_holding(limit: int) -> None:
        if match.plan == "sparse" and limit > 0 and (rows := text_tally.count_holding(reader, match, whole.org_id,
                                                                                        limit)) < limit:
            costs["holding"] = rows * c.TALLY_ROW_COST + started * c.ROW_COST

    def probe_scan(limit: int) -> int:
        if limit > 0 and (rows := text_tally.count_rows(reader, whole.org_id, limit)) < limit:
            costs["scan"] = rows * c.SCAN_ROW_COST + started * c.ROW_COST
            return rows
        return 0

    def limit_beating(way: str, row_cost: float = c.TALLY_ROW_COST, cap: int = lo.TALLY_ROWS) -> int:
        """Tally rows up to which `way` still costs less than the cheapest source so far."""
        best = min((costs[w] * c.TALLY_WEIGHTS[w] for w in costs), default=math.inf)
        weight = c.TALLY_WEIGHTS[way]
        fixed = started * c.ROW_COST if way in ("holding", "scan") else 0.0
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
        if "holding" not in costs or share or c.TALLY_WEIGHTS["lacking"] < c.TALLY_WEIGHTS["holding"]:
            lacking = lo.cheapest_lacking(reader, match, whole.org_id, whole.microsite, q.TERM_CAP)
            probe_lacking(lo.TALLY_ROWS if share else limit_beating("lacking"))
    # Every row, the text tested on each: what a text most values hold comes to (and one over
    # the term cap, which the others cannot read).
    scan_rows = probe_scan(limit_beating("scan", c.SCAN_ROW_COST, c.SCAN_ROWS))
    if not costs:
        return None
    source = min(costs, key=lambda w: costs[w] * c.TALLY_WEIGHTS[w])
    whole_table = source == "scan" and text_tally.whole_table_pays(reader, scan_rows)
    return Plan("tally", match, tallies=known, source=source, lacking=lacking, outside=outside,
                whole_table=whole_table)


def counts(
    reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days, plan: Plan, count_rest: CountRest,
) -> dict[QuickFilter, int]:
    """The counts by the tally way; `count_rest` counts a part of time outside the period
    (quick_counts' own ways, never this one again)."""
    whole = replace(scope, placed_from=None, placed_to=None)
    counts = _all_time(reader, query, whole, plan)
    recent = _recent(reader, query, whole, days, plan)
    counts.update({f: recent[f] for f in DATE_FILTERS})
    for part in plan.outside:
        beyond = count_rest(reader, query, part, days)
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
        counts = tally_counts(rows)
        if ranges:  # the orders it starts the number of, holding it nowhere else
            where += [f"o.id IN ({lo.number_ids(reader, len(ranges))})", f"NOT {holds}"]
            started = grouped(reader, by_id(reader), where, params, None)
            counts = {f: counts[f] + started[f] for f in counts}
        return counts
    known = plan.tallies if plan.tallies is not None else tallies(reader, whole)
    if plan.source == "lacking":
        assert plan.lacking is not None
        lacking = tally_counts(plan.lacking.rows())
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
        access, where, params = holding_in(reader, query, window, match)
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


__all__ = ["CountRest", "counts", "plan"]
