"""The orders that do not hold a "/" text, for the complement ways of the quick-filter counts
(quick_counts.py): a superset of them, read by id, whose rows are then tested.

Every order's e-mail, name key and post-code key is a term or empty (text_search keeps it
so), and every combination of the three that orders hold is a row of order_text_tallies
(text_tally.py). The orders lacking a text by all three are therefore the orders of the
combinations lacking it, and those have, in each column, one of the values those
combinations hold: read through that column's index, they are a superset as small as the
data allows (the terms lacking the text, as before, also take in every order that holds it
only in another column). Or the orders whose number the text cannot start: few when it
starts most numbers ("BT").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hubtui.store import order_queries as q
from hubtui.store import text_search, text_tally
from hubtui.store.spans import number_share
from hubtui.store.engine import RawRead

# Tally rows up to which reading the combinations lacking a text (to find the values their
# orders hold) costs less than it saves: about 1.5 µs a row, against 3 µs an order read.
TALLY_ROWS = 20_000


@dataclass(frozen=True)
class Driver:
    """Orders that may lack the text, read by id: a superset of those that do."""

    sql: str | None  # SELECT id ...; None: no order lacks the text
    params: dict[str, Any]
    size: int  # counted up to the cap it was probed with


def cheapest_lacking(
    reader: RawRead, match: q.TextMatch, org_id: int, microsite: str | None, cap: int | None = None,
) -> text_tally.Lacking | None:
    """The tally rows lacking the text, through the kind with the fewest values lacking it
    (at most `cap`, by default the planner's TERM_CAP); None when every kind has more."""
    cap = q.TERM_CAP if cap is None else cap
    best: tuple[str, list[str]] | None = None
    for kind, _ in text_search.KINDS:
        needle = match.needles.of(kind)
        if not needle:
            continue  # no value holds an empty needle's text: every value lacks it
        values = text_tally.terms_without(reader, org_id, kind, needle, cap)
        if values is not None and (best is None or len(values) < len(best[1])):
            best = (kind, values)
    return text_tally.Lacking(reader, match, org_id, microsite, *best) if best is not None else None


def number_test(ranges: tuple[tuple[str, str], ...]) -> str:
    """Whether `number` is in one of the text's ranges (parameters :n<i>_lo, :n<i>_hi).

    A binary search over the ranges (disjoint, as number_ranges makes them) in CASEs: three
    comparisons instead of fourteen for a digit's seven ranges, over every index entry a
    driver reads (6.6 ms against 2.1 ms for 11,000 entries).
    """
    order = sorted(range(len(ranges)), key=lambda i: ranges[i][0])
    assert all(ranges[a][1] < ranges[b][0] for a, b in zip(order, order[1:])), "ranges overlap"

    def search(first: int, last: int) -> str:
        if first == last:
            return f"number BETWEEN :n{order[first]}_lo AND :n{order[first]}_hi"
        middle = (first + last + 1) // 2
        return (f"CASE WHEN number < :n{order[middle]}_lo THEN {search(first, middle - 1)} "
                f"ELSE {search(middle, last)} END")

    return f"({search(0, len(order) - 1)})"


def _numbered(reader: RawRead, alias: str = "") -> str:
    """orders, read through the unique index on number on SQLite (see order_queries.NUMBER_INDEX)."""
    table = f"orders {alias}".rstrip()
    return table if reader.dialect == "postgresql" else f"{table} INDEXED BY {q.NUMBER_INDEX}"


def number_ids(reader: RawRead, n_ranges: int) -> str:
    """The ids of the organisation's orders whose number is in one of the text's ranges.

    Unary + keeps org_id from tempting the planner away from the unique index on number.
    """
    return " UNION ALL ".join(
        f"SELECT id FROM {_numbered(reader)} WHERE number BETWEEN :n{i}_lo AND :n{i}_hi AND +org_id = :org_id"
        for i in range(n_ranges)
    )


def values_branch(reader: RawRead, kind: str, values: list[str], scope: q.Scope) -> tuple[str, dict[str, Any]]:
    """The ids of the orders (of the scope's organisation and period) holding one of `values`
    in the column of `kind`, from its covering index."""
    sql = q.term_branch_sql(reader.dialect, kind, scope.placed_from is not None, scope.placed_to is not None)
    return sql, {f"t_{kind}": text_tally.as_parameter(reader, values), **period_values(reader, scope)}


def cheapest_driver(
    reader: RawRead, match: q.TextMatch, scope: q.Scope, in_scope: int, share: float, cap: int,
    rows_limit: int = TALLY_ROWS,
) -> Driver | None:
    """The smallest set, read by id, holding every order in scope that lacks the text, when
    it is likely under `cap`: the orders of one column's values of the combinations lacking
    the text, or those whose number the text cannot start. `share`: the period's share of
    the organisation's orders; `rows_limit`: the tally rows lacking the text up to which their
    values are read to find the first kind of driver."""
    candidates: list[tuple[float, str, dict[str, Any]]] = []
    lacking = cheapest_lacking(reader, match, scope.org_id, scope.microsite) if rows_limit > 0 else None
    if lacking is not None and lacking.count(rows_limit) < rows_limit:
        values = lacking.values()
        if not any(values.values()):
            return Driver(None, {}, 0)
        sizes = text_tally.orders_with(reader, scope.org_id, values)
        for kind, found in values.items():
            sql, params = values_branch(reader, kind, found, scope)
            candidates.append((sizes[kind] * share, sql, params))
    if match.needles.numbers:
        estimate, sql, params = number_gaps(reader, match, scope, in_scope)
        if scope.placed_from is not None or scope.placed_to is not None:
            # The index on number has no placed_at: every order in the gaps is read to test the
            # period ("2" over today read 890,000 rows, 550 ms, to find 4,000).
            estimate = estimate / share if share > 0 else math.inf
        candidates.append((estimate, sql, params))
    best: Driver | None = None
    for estimate, sql, params in sorted(candidates, key=lambda c: c[0]):
        limit = cap if best is None else best.size
        if estimate >= limit or limit == 0:
            break
        bound = {"org_id": scope.org_id, **params, "probe": limit}
        size = int(reader.scalar(f"SELECT COUNT(*) FROM ({sql} LIMIT :probe) AS lacking", bound))
        if size < limit:
            best = Driver(sql, params, size)
    return best


def number_gaps(
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
    # Unary + keeps org_id and placed_at from tempting SQLite's planner away from the unique
    # index on number (with a period it walked the period's orders instead: 190 ms for "BT").
    # PostgreSQL has no unary + for timestamps, nor the need.
    plus = "+" if reader.sqlite else ""
    period = ""
    if scope.placed_from is not None:
        period += f" AND {plus}g.placed_at >= :placed_from"
    if scope.placed_to is not None:
        period += f" AND {plus}g.placed_at < :placed_to"
    sql = f"SELECT g.id FROM {_numbered(reader, 'g')} WHERE ({' OR '.join(tests)}) AND {plus}g.org_id = :org_id{period}"
    params.update(period_values(reader, scope))
    return in_scope * (1.0 - number_share(reader, match.needles.numbers)), sql, params


def period_values(reader: RawRead, scope: q.Scope) -> dict[str, Any]:
    values = {}
    if scope.placed_from is not None:
        values["placed_from"] = reader.timestamp(scope.placed_from)
    if scope.placed_to is not None:
        values["placed_to"] = reader.timestamp(scope.placed_to)
    return values


__all__ = [
    "Driver",
    "cheapest_driver",
    "cheapest_lacking",
    "number_gaps",
    "number_ids",
    "number_test",
    "period_values",
    "values_branch",
]
