"""What the quick-filter counts decide before reading (a Plan), and the reads several of their
ways share: the orders a walk reads, and a few days' orders holding a text."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from hubtui.domain.month_cover import Piece
from hubtui.domain.order_query import OrderQuery
from hubtui.domain.orders import QuickFilter
from hubtui.store import count_costs as c
from hubtui.store import lacking_orders as lo
from hubtui.store import order_queries as q
from hubtui.store import text_tally
from hubtui.store.engine import RawRead
from hubtui.store.indexed_counts import tallies
from hubtui.store.spans import share_of_period


@dataclass(frozen=True)
class Plan:
    way: str  # "indexed" | "chars" | "numbers" | "none" | "tally" | "months" | "direct" | "complement" | "walk"
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
    char: str | None = None  # the chars way: the one-character text
    whole_days: tuple[q.Scope, ...] = ()  # the numbers way: runs of days every order of which holds the text
    days: tuple[Any, ...] = ()  # the numbers way: numbers_way.Day, the other days holding some of its numbers


def walked_orders(reader: RawRead, scope: q.Scope) -> int:
    """The orders a walk of the scope's organisation reads over all time (no index holds the
    microsite: its test is made on each entry)."""
    return tallies(reader, replace(scope, microsite=None, placed_from=None, placed_to=None))[QuickFilter.ALL]


def holding_in(
    reader: RawRead, query: OrderQuery, window: q.Scope, match: q.TextMatch,
) -> tuple[str, list[str], dict[str, Any]]:
    """filter_terms for the orders of a window (today and yesterday, the end of a month) holding
    the text: its candidates by id, or a walk of the window when they are more than WALK_SHARE
    of its orders ('r' over those two days: 10,000 of 17,000, 25 ms by id, 6 walked)."""
    if match.plan == "sparse" and q.count_candidates(reader, match, window, c.SURELY_BY_ID) >= c.SURELY_BY_ID:
        limit = max(1, math.ceil(walked_orders(reader, window) * share_of_period(reader, window) * c.WALK_SHARE))
        if q.count_candidates(reader, match, window, limit) >= limit:
            match = replace(match, plan="dense")
    return q.filter_terms(reader, query, window, match)


__all__ = ["Plan", "holding_in", "walked_orders"]
