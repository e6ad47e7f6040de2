"""The orders a "/" text may select (its *candidates*): the search terms holding it, the order
numbers it may start, and the index reads that find, count and order those orders.

A text resolves first to its terms (text_search.py) and its number ranges (a TextMatch); each
kind of term and each number range is then one index branch, the covering indexes (org_id,
column, placed_at, id, number) for the terms and the unique index on number for the ranges.
order_queries.py chooses how a list page or a count reads them (its plans); the quick-filter
counts (quick_counts.py and its ways) count them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from hubtui.store import spans, text_search
from hubtui.store.engine import RawRead
from hubtui.store.order_scope import Scope, bind_period

# The unique constraint's index on orders.number, as SQLite names it. Named in the number
# branches: the searched-column indexes carry the number too (since revision 0005), and with
# a period the planner took one of them, skipping through every e-mail, for a covering read.
NUMBER_INDEX = "sqlite_autoindex_orders_1"
# Free text: at most this many terms per kind go into an IN list; beyond it, dense plan.
TERM_CAP = 500


@dataclass(frozen=True)
class TextMatch:
    """What a filter-bar text resolved to, and the plan that reads its orders."""

    needles: text_search.Needles
    terms: tuple[tuple[str, tuple[str, ...] | None], ...]  # (kind, terms or None: over the cap)
    plan: str  # "none" | "top" | "ordered" | "sparse" | "dense"

    @property
    def kinds(self) -> tuple[str, ...]:
        """Kinds with at least one matching term (in KINDS order)."""
        return tuple(kind for kind, found in self.terms if found is None or found)

    def shape(self) -> tuple[Any, ...]:
        return (self.plan, self.kinds, len(self.needles.numbers))


def text_terms(reader: RawRead, text: str | None, org_id: int) -> TextMatch | None:
    """The terms holding a filter-bar text, before a plan is chosen; None when the text is blank.

    The plan says what the terms allow: "none" (nothing can match), "dense" (more terms than
    TERM_CAP: only a walk testing each row will do), else "sparse" (the candidates can be
    read through the term indexes; resolve_text picks the cheapest way).
    """
    needles = text_search.needles(text)
    if needles.empty:
        return None
    terms = tuple(
        (kind, text_search.matching_terms(reader, org_id, kind, needles.of(kind), TERM_CAP))
        for kind, _ in text_search.KINDS
    )
    match = TextMatch(needles, terms, "none")
    if not match.kinds and not needles.numbers:
        return match
    if any(found is None for _, found in terms):
        return TextMatch(needles, terms, "dense")
    return TextMatch(needles, terms, "sparse")


def narrowed(match: TextMatch, numbers: tuple[tuple[str, str], ...]) -> TextMatch:
    """The match with the text's number ranges replaced by `numbers` (a part of them, or none)."""
    needles = replace(match.needles, numbers=numbers)
    if not match.kinds and not numbers:
        return TextMatch(needles, match.terms, "none")
    return TextMatch(needles, match.terms, match.plan)


def numbers_outweigh_period(reader: RawRead, match: TextMatch, scope: Scope, weight: float = 1.0) -> bool:
    """Whether the text's number ranges hold more of the orders than the scope's period.

    The index on number has no placed_at, so a number branch reads the row of every order in
    its ranges to test the period: "0" (every number below BT1000000) over today read
    1,000,000 rows, 540 ms, where walking today's orders reads a few thousand. Such a text is
    read by walking the period (the dense plan). `weight` multiplies the ranges' share (tests
    force a way with 0)."""
    if not match.needles.numbers or (scope.placed_from is None and scope.placed_to is None) or weight == 0:
        return False
    return spans.number_share(reader, match.needles.numbers) * weight > spans.share_of_period(reader, scope)


def count_candidates(
    reader: RawRead, match: TextMatch, scope: Scope, limit: int, *, keyset: Sequence[Any] | None = None,
    descending: bool = True,
) -> int:
    """How many orders hold a matching term or number (the same order once per term kind it
    matches by), counted up to `limit` from the indexes alone."""
    sql = _probe_sql(reader.dialect, match.kinds, len(match.needles.numbers), scope.placed_from is not None,
                     scope.placed_to is not None, keyset is not None, descending)
    params = text_params(reader, match, scope, keyset)
    params["probe"] = limit
    return int(reader.scalar(sql, params))


def range_sql(placed_from: bool, placed_to: bool, keyset: bool, descending: bool) -> str:
    """The period and keyset, on the placed_at and id of an index branch."""
    extra = ""
    if placed_from:
        extra += " AND placed_at >= :placed_from"
    if placed_to:
        extra += " AND placed_at < :placed_to"
    if keyset:
        extra += f" AND (placed_at, id) {'<' if descending else '>'} (:k0, :k1)"
    return extra


def index_branches(
    dialect: str, kinds: tuple[str, ...], n_ranges: int, placed_from: bool, placed_to: bool,
    keyset: bool, descending: bool, columns: str,
) -> list[str]:
    """One SELECT per kind with terms and per number range, each served by one index."""
    extra = range_sql(placed_from, placed_to, keyset, descending)
    branches = []
    for kind in kinds:
        column = text_search.COLUMN_OF[kind]
        if dialect == "postgresql":
            source, within = "orders", f"{column} = ANY(:t_{kind})"
        else:
            # The covering index (org_id, column, placed_at, id), whatever the statistics say.
            source = f"orders INDEXED BY {text_search.INDEX_OF[kind]}"
            within = f"{column} IN (SELECT value FROM json_each(:t_{kind}))"
        branches.append(f"SELECT {columns} FROM {source} WHERE org_id = :org_id AND {within}{extra}")
    source = "orders" if dialect == "postgresql" else f"orders INDEXED BY {NUMBER_INDEX}"
    for i in range(n_ranges):
        # Unary + keeps org_id from tempting the planner away from the unique index on number.
        branches.append(
            f"SELECT {columns} FROM {source} WHERE number BETWEEN :n{i}_lo AND :n{i}_hi AND +org_id = :org_id{extra}"
        )
    return branches


@lru_cache(maxsize=256)
def _probe_sql(
    dialect: str, kinds: tuple[str, ...], n_ranges: int, placed_from: bool, placed_to: bool, keyset: bool,
    descending: bool,
) -> str:
    """How many candidates, counted up to :probe from the indexes alone."""
    branches = index_branches(dialect, kinds, n_ranges, placed_from, placed_to, keyset, descending, "1")
    union = " UNION ALL ".join(branches)
    return f"SELECT COUNT(*) FROM ({union} LIMIT :probe) AS candidates"


def text_params(reader: RawRead, match: TextMatch, scope: Scope, keyset: Sequence[Any] | None) -> dict[str, Any]:
    params: dict[str, Any] = {"org_id": scope.org_id}
    for kind, found in match.terms:
        if found:
            params[f"t_{kind}"] = list(found) if reader.dialect == "postgresql" else json.dumps(found)
        params[f"x_{kind}"] = match.needles.of(kind)
    for i, (low, high) in enumerate(match.needles.numbers):
        params[f"n{i}_lo"], params[f"n{i}_hi"] = low, high
    bind_period(reader, scope, keyset, params)
    return params


def text_test_sql(dialect: str, kinds: tuple[str, ...], n_ranges: int) -> str:
    """Whether the row `o` holds the text (parameters :x_<kind>, :n<i>_lo/hi of text_params)."""
    contains = "strpos" if dialect == "postgresql" else "instr"
    tests = [f"{contains}(o.{text_search.COLUMN_OF[kind]}, :x_{kind}) > 0" for kind in kinds]
    tests += [f"o.number BETWEEN :n{i}_lo AND :n{i}_hi" for i in range(n_ranges)]
    return "(" + " OR ".join(tests) + ")"


def newest_candidates(branches: list[str], direction: str, limit: str) -> str:
    """(id, placed_at) of the first :limit candidates in date order.

    Each branch's own first rows (a sort that keeps only :limit rows), then the first rows
    of their union: an order among the overall first is among the first of its branch, and
    the union (which drops orders found twice) sorts a few rows instead of all of them.
    """
    order = f"ORDER BY placed_at{direction}, id{direction} LIMIT :{limit}"
    tops = " UNION ".join(
        f"SELECT id, placed_at FROM ({branch} {order}) AS b{i}" for i, branch in enumerate(branches)
    )
    return f"SELECT id, placed_at FROM ({tops}) AS candidates {order}"


@lru_cache(maxsize=256)
def candidates_sql(
    dialect: str, kinds: tuple[str, ...], n_ranges: int, placed_from: bool, placed_to: bool, keyset: bool,
    descending: bool,
) -> str:
    branches = index_branches(dialect, kinds, n_ranges, placed_from, placed_to, keyset, descending, "id, placed_at")
    return newest_candidates(branches, " DESC" if descending else "", "chunk")


def term_branch_sql(dialect: str, kind: str, placed_from: bool, placed_to: bool) -> str:
    """The ids of the orders whose `kind` column is one of :t_<kind>, from its covering index."""
    (branch,) = index_branches(dialect, (kind,), 0, placed_from, placed_to, False, True, "id")
    return branch


__all__ = [
    "NUMBER_INDEX", "TERM_CAP", "TextMatch", "index_branches", "candidates_sql", "count_candidates", "narrowed",
    "newest_candidates", "numbers_outweigh_period", "range_sql", "term_branch_sql", "text_params", "text_terms",
    "text_test_sql",
]
