"""The months way of the quick-filter counts (see quick_counts.py): a text over a period that is
not most of the orders, from order_text_month_tallies for its whole months and from the orders
for the parts of months at its ends."""

from __future__ import annotations

import math
from dataclasses import replace

from hubtui.domain.month_cover import cover
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.store import count_costs as c
from hubtui.store import order_queries as q
from hubtui.store import text_tally
from hubtui.store.count_plan import Plan, holding_in, walked_orders
from hubtui.store.engine import RawRead
from hubtui.store.grouped_counts import grouped
from hubtui.store.indexed_counts import DATE_FILTERS, Days
from hubtui.store.spans import share_of_period
from hubtui.store.tally_counts import tally_counts


def plan(reader: RawRead, match: q.TextMatch, scope: q.Scope, budget: float) -> Plan | None:
    """The months way when it reads less than `budget` orders would cost and than the direct
    way, or None (see the module). A text that may start order numbers is left to the other
    ways, as are periods open at an end and texts without every kind's terms."""
    if (not c.MONTHS or match.plan != "sparse" or not match.kinds or match.needles.numbers
            or scope.placed_from is None or scope.placed_to is None):
        return None
    covered = cover(scope.placed_from, scope.placed_to)
    months, pieces = covered.month_keys, covered.pieces
    if months is None:
        return None
    allowed = budget * c.ROW_COST / c.MONTHS_WEIGHT if c.MONTHS_WEIGHT else math.inf  # µs it may cost
    read = _rows_cost(reader, match, scope.org_id, months, allowed)
    if read is None:
        return None
    cost, source = read
    everyone = walked_orders(reader, scope)
    for piece in pieces:
        if cost >= allowed:
            return None
        part = replace(scope, placed_from=piece.start, placed_to=piece.end)
        walk = everyone * share_of_period(reader, part) * c.WALK_ROW_COST  # _holding_in reads the cheaper
        probe = math.ceil(min(allowed - cost, walk) / c.ROW_COST)
        found = q.count_candidates(reader, match, part, probe) if probe > 0 else 0
        cost += found * c.ROW_COST if found < probe else walk
    direct = math.ceil(cost * c.MONTHS_WEIGHT / c.ROW_COST) + 1  # the period's candidates up to which reading them costs less
    if cost >= allowed or q.count_candidates(reader, match, scope, direct) < direct:
        return None
    return Plan("months", match, months=months, pieces=pieces, source=source, cost=cost)


def _rows_cost(
    reader: RawRead, match: q.TextMatch, org_id: int, months: tuple[str, str], allowed: float,
) -> tuple[float, str | None] | None:
    """What reading the whole months' rows costs (µs, under `allowed`) and how: those holding
    the text through its terms (None), or every row of the months with the text tested on each
    ("scan"), whichever costs less; None when neither fits."""
    best: tuple[float, str | None] | None = None
    limit = c.MONTH_ROWS if allowed == math.inf else min(c.MONTH_ROWS, math.ceil(allowed / c.TALLY_ROW_COST))
    if limit > 0 and (rows := text_tally.count_holding(reader, match, org_id, limit, months=months)) < limit:
        best = (rows * c.TALLY_ROW_COST, None)
        allowed = best[0]
    scan_allowed = allowed / c.MONTH_SCAN_WEIGHT if c.MONTH_SCAN_WEIGHT else math.inf
    limit = c.SCAN_ROWS if scan_allowed == math.inf else min(c.SCAN_ROWS, math.ceil(scan_allowed / c.SCAN_ROW_COST))
    if limit > 0 and (rows := text_tally.count_rows(reader, org_id, limit, months=months)) < limit:
        return rows * c.SCAN_ROW_COST, "scan"
    return best


def counts(reader: RawRead, query: OrderQuery, scope: q.Scope, days: Days, plan: Plan) -> dict[QuickFilter, int]:
    match = plan.text
    assert match is not None and plan.months is not None
    rows = (text_tally.scanned(reader, match, scope.org_id, scope.microsite, months=plan.months)
            if plan.source == "scan" else
            text_tally.holding(reader, match, scope.org_id, scope.microsite, months=plan.months))
    counts = tally_counts(rows)
    counts.update({f: 0 for f in DATE_FILTERS})
    for piece in plan.pieces:
        part = replace(scope, placed_from=piece.start, placed_to=piece.end)
        access, where, params = holding_in(reader, query, part, match)
        found = grouped(reader, access, where, params, None)
        counts = {f: counts[f] + piece.sign * found[f] for f in QuickFilter}
    assert scope.placed_from is not None and scope.placed_to is not None
    low, high = max(scope.placed_from, days.yesterday), min(scope.placed_to, days.tomorrow)
    if low < high:
        access, where, params = holding_in(reader, query, replace(scope, placed_from=low, placed_to=high), match)
        recent = grouped(reader, access, where, params, days)
        counts.update({f: recent[f] for f in DATE_FILTERS})
    return counts


__all__ = ["counts", "plan"]
