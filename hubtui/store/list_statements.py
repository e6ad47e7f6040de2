"""The order list's SQL: a statement per *shape* of query (which filters are present, sort,
direction, the text's plan), built once and cached; each call binds values only.

Quick filters repeat the predicates of the partial indexes in tables.py word for word so the
planner can use them; on SQLite the statement names the index (INDEXED BY) where the planner,
with sampled statistics, would walk ix_orders_org_placed or ix_orders_org_status_placed and
filter, 10-20 times slower for the rarer filters (high-risk, exchange-on-hold). order_queries.py
chooses the text's plan and runs these; the quick-filter counts read filter_terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hubtui.domain.order_query import OrderQuery, SortKey, email_key, name_key, postcode_key
from hubtui.domain.orders import OrderStatus, QuickFilter
from hubtui.store import text_search
from hubtui.store.engine import RawRead
from hubtui.store.order_scope import Scope, bind_period
from hubtui.store.tables import (
    EXCHANGE_ON_HOLD_SQL,
    HIGH_RISK_SQL,
    PRE_ORDER_SQL,
    UNFULFILLED_SQL,
    UNPAID_SQL,
)
from hubtui.store.text_candidates import (
    TextMatch,
    index_branches,
    newest_candidates,
    range_sql,
    text_params,
    text_test_sql,
)

# The period in a WHERE over `o` (grouped_counts.py binds other bounds to them, a day at a time).
PLACED_FROM_TERM = "o.placed_at >= :placed_from"
PLACED_TO_TERM = "o.placed_at < :placed_to"
# The order of these columns is the order fetch_page's rows unpack in.
LIST_COLUMNS = (
    "o.id", "o.number", "o.placed_at", "o.customer_first_name", "o.customer_last_name", "o.customer_email",
    "o.channel", "o.order_type", "o.status", "o.payment_status", "o.order_total", "o.currency", "o.tags",
    "m.code", "o.fraud_score",
)
_SELECT = ", ".join(LIST_COLUMNS)
_FROM = "orders o{hint} LEFT JOIN microsites m ON m.id = o.microsite_id"
_SORT_COLUMNS = {
    SortKey.PLACED: ("placed_at", "id"),
    SortKey.TOTAL: ("order_total", "id"),
    SortKey.STATUS: ("status", "placed_at", "id"),
}
_SORT_POSITIONS = {SortKey.PLACED: (2, 0), SortKey.TOTAL: (10, 0), SortKey.STATUS: (8, 2, 0)}

QUICK_SQL = {
    QuickFilter.UNFULFILLED: UNFULFILLED_SQL,
    QuickFilter.UNPAID: UNPAID_SQL,
    QuickFilter.HIGH_RISK: HIGH_RISK_SQL,
    QuickFilter.PRE_ORDERS: PRE_ORDER_SQL,
    QuickFilter.EXCHANGE_ON_HOLD: EXCHANGE_ON_HOLD_SQL,
    QuickFilter.AWAITING_APPROVAL: f"status = '{OrderStatus.AwaitingApproval.value}'",
    QuickFilter.AWAITING_FEEDBACK: f"status = '{OrderStatus.AwaitingCustomerFeedback.value}'",
    QuickFilter.RETURNED_FROM_WAREHOUSE: f"status = '{OrderStatus.ReturnedByWarehouse.value}'",
    QuickFilter.ON_HOLD: f"status = '{OrderStatus.OnHold.value}'",
}
# Quick filters with a partial index on (org_id, placed_at, id) carrying their predicate.
_PARTIAL_INDEX = {
    QuickFilter.UNFULFILLED: "ix_orders_unfulfilled",
    QuickFilter.UNPAID: "ix_orders_unpaid",
    QuickFilter.HIGH_RISK: "ix_orders_high_risk",
    QuickFilter.PRE_ORDERS: "ix_orders_pre_orders",
    QuickFilter.EXCHANGE_ON_HOLD: "ix_orders_exchange_on_hold",
}
INDEXED_FILTERS = frozenset(_PARTIAL_INDEX) | {f for f, sql in QUICK_SQL.items() if sql.startswith("status = ")}
EQUALS = ("status", "order_type", "channel", "payment_method", "payment_status", "number")


def prefix_end(prefix: str) -> str | None:
    """The first string after every string that starts with `prefix` (None: no such string)."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if 0xD800 <= code <= 0xDFFF:  # surrogates are not characters: step over them
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


_KIND_OF_COLUMN = {column: kind for kind, column in text_search.KINDS}


def prefix_branch(dialect: str, column: str, bounded: bool, extra: str, columns: str) -> str:
    """The orders whose e-mail, name key or post-code key starts with :<column>_lo, from the
    covering index (org_id, column, placed_at, id) alone."""
    index = text_search.INDEX_OF[_KIND_OF_COLUMN[column]]
    source = "orders" if dialect == "postgresql" else f"orders INDEXED BY {index}"
    upper = f" AND {column} < :{column}_hi" if bounded else ""
    return f"SELECT {columns} FROM {source} WHERE org_id = :org_id AND {column} >= :{column}_lo{upper}{extra}"


def prefix_searches(query: OrderQuery) -> tuple[tuple[str, str, str | None], ...]:
    """(column, low, high or None) of the prefix searches (email, post code, name)."""
    found = []
    for column, raw, key in (
        ("customer_email", query.email, email_key),
        ("shipping_postcode_key", query.postcode, postcode_key),
        ("customer_name_key", query.name, name_key),
    ):
        if raw and key(raw):
            low = key(raw)
            found.append((column, low, prefix_end(low)))
    return tuple(found)


@dataclass(frozen=True)
class _Shape:
    """Everything that changes the text of a statement (values are bound separately)."""

    dialect: str
    quick: QuickFilter
    microsite: bool
    placed_from: bool
    placed_to: bool
    equals: tuple[str, ...]
    prefixes: tuple[tuple[str, bool], ...]  # (column, has an upper bound)
    text: tuple[Any, ...] | None
    sort: SortKey
    descending: bool
    keyset: bool
    count: bool
    prefix_top: bool = False  # the lone prefix search's ids from its covering index


_STATUS_FILTERS = frozenset(
    f for f, sql in QUICK_SQL.items() if sql.startswith("status = ")
) | {QuickFilter.EXCHANGE_ON_HOLD}


def _access(shape: _Shape) -> str:
    """How SQLite must read orders for this shape (INDEXED BY / NOT INDEXED), or "".

    The choices the planner gets wrong, or gets right only with fresh statistics, are made
    here: a quick filter's partial index when nothing narrows the query more; the index
    that yields the sort order for a dense text walk; rowid look-ups (NOT INDEXED) for the
    candidates of a top or sparse text plan; the placed index alone to count dense text
    matches (it carries every column they test: 325 ms against 190 for 'w' at 1,000,000).
    """
    if shape.dialect != "sqlite":
        return ""
    plan = shape.text[0] if shape.text is not None else None
    if plan in ("top", "sparse", "ordered") or shape.prefix_top:
        return " NOT INDEXED"
    if shape.prefixes or "number" in shape.equals:
        return ""  # a selective index range exists: the planner's call
    status_known = shape.quick in _STATUS_FILTERS or "status" in shape.equals
    partial = _PARTIAL_INDEX.get(shape.quick) if "status" not in shape.equals else None
    if shape.count:
        if partial:
            return f" INDEXED BY {partial}"
        if plan == "dense":
            if status_known:
                return " INDEXED BY ix_orders_org_status_placed"
            # The placed index holds every column a text is tested on and a count groups by
            # (schema 0016): read alone, in order, it costs a fraction of the table's rows.
            return " INDEXED BY ix_orders_org_placed"
        return ""
    if shape.sort is SortKey.PLACED:
        if partial:
            return f" INDEXED BY {partial}"
        if plan == "dense":
            return " INDEXED BY " + ("ix_orders_org_status_placed" if status_known else "ix_orders_org_placed")
        return ""
    if plan == "dense":
        by_total = shape.sort is SortKey.TOTAL
        return " INDEXED BY " + ("ix_orders_org_total" if by_total else "ix_orders_org_status_placed")
    return ""


def _where(shape: _Shape) -> list[str]:
    where = ["o.org_id = :org_id"]
    quick = QUICK_SQL.get(shape.quick)
    if quick:
        where.append(quick)
    if shape.microsite:
        where.append("o.microsite_id = (SELECT id FROM microsites WHERE org_id = :org_id AND code = :microsite)")
    if shape.placed_from:
        where.append(PLACED_FROM_TERM)
    if shape.placed_to:
        where.append(PLACED_TO_TERM)
    for name in shape.equals:
        where.append(f"o.{name} = :{name}")
    for column, bounded in shape.prefixes:
        where.append(f"o.{column} >= :{column}_lo" + (f" AND o.{column} < :{column}_hi" if bounded else ""))
    if shape.text is not None:
        plan, kinds, n_ranges = shape.text
        if plan == "sparse":
            keyset = shape.keyset and shape.sort is SortKey.PLACED
            branches = index_branches(shape.dialect, kinds, n_ranges, shape.placed_from, shape.placed_to, keyset,
                                 shape.descending, "id")
            where.append(f"o.id IN ({' UNION '.join(branches)})")
        elif plan == "ordered":  # this chunk's candidates, given as :ids
            where.append("o.id = ANY(:ids)" if shape.dialect == "postgresql"
                         else "o.id IN (SELECT value FROM json_each(:ids))")
        elif plan == "dense":
            where.append(text_test_sql(shape.dialect, kinds, n_ranges))
    if shape.keyset:
        columns = ", ".join(f"o.{c}" for c in _SORT_COLUMNS[shape.sort])
        marks = ", ".join(f":k{i}" for i in range(len(_SORT_COLUMNS[shape.sort])))
        where.append(f"({columns}) {'<' if shape.descending else '>'} ({marks})")
    return where


@lru_cache(maxsize=1024)
def _statement(shape: _Shape) -> str:
    direction = " DESC" if shape.descending else ""
    if shape.text is not None and shape.text[0] == "top":
        # The page's ids from the covering indexes alone, then only those rows.
        _, kinds, n_ranges = shape.text
        branches = index_branches(shape.dialect, kinds, n_ranges, shape.placed_from, shape.placed_to, shape.keyset,
                             shape.descending, "id, placed_at")
        if shape.count:
            return f"SELECT COUNT(*) FROM ({' UNION '.join(branches)}) AS candidates"
        ids = f"SELECT id FROM ({newest_candidates(branches, direction, 'limit')}) AS newest"
        return (
            f"SELECT {_SELECT} FROM {_FROM.format(hint=_access(shape))} WHERE o.id IN ({ids}) "
            f"ORDER BY o.placed_at{direction}, o.id{direction}"
        )
    if shape.prefix_top and not shape.count:
        ((column, bounded),) = shape.prefixes
        extra = range_sql(shape.placed_from, shape.placed_to, shape.keyset, shape.descending)
        branch = prefix_branch(shape.dialect, column, bounded, extra, "id, placed_at")
        ids = f"SELECT id FROM ({branch} ORDER BY placed_at{direction}, id{direction} LIMIT :limit) AS newest"
        return (
            f"SELECT {_SELECT} FROM {_FROM.format(hint=_access(shape))} WHERE o.id IN ({ids}) "
            f"ORDER BY o.placed_at{direction}, o.id{direction}"
        )
    where = " AND ".join(_where(shape))
    if shape.count:
        return f"SELECT COUNT(*) FROM orders o{_access(shape)} WHERE {where}"
    order = ", ".join(f"o.{c}{direction}" for c in _SORT_COLUMNS[shape.sort])
    return f"SELECT {_SELECT} FROM {_FROM.format(hint=_access(shape))} WHERE {where} ORDER BY {order} LIMIT :limit"


def _bind_keyset(reader: RawRead, sort: SortKey, key: Sequence[Any], params: dict[str, Any]) -> None:
    for i, (column, value) in enumerate(zip(_SORT_COLUMNS[sort], key)):
        params[f"k{i}"] = reader.timestamp(value) if column == "placed_at" else value


def prepare(
    reader: RawRead, query: OrderQuery, scope: Scope, text: TextMatch | None, *, descending: bool,
    keyset: Sequence[Any] | None, count: bool, prefix_top: bool = False,
) -> tuple[str, dict[str, Any]]:
    shape, params = _shaped(reader, query, scope, text, descending=descending, keyset=keyset, count=count,
                            prefix_top=prefix_top)
    return _statement(shape), params


def _shaped(
    reader: RawRead, query: OrderQuery, scope: Scope, text: TextMatch | None, *, descending: bool,
    keyset: Sequence[Any] | None, count: bool, prefix_top: bool = False,
) -> tuple[_Shape, dict[str, Any]]:
    prefixes = prefix_searches(query)
    equals = tuple(name for name in EQUALS if getattr(query, name))
    shape = _Shape(
        dialect=reader.dialect, quick=query.quick_filter, microsite=bool(scope.microsite),
        placed_from=scope.placed_from is not None, placed_to=scope.placed_to is not None, equals=equals,
        prefixes=tuple((column, high is not None) for column, _, high in prefixes),
        text=text.shape() if text is not None else None, sort=query.sort, descending=descending,
        keyset=keyset is not None, count=count, prefix_top=prefix_top,
    )
    if text is not None:
        by_date = keyset if query.sort is SortKey.PLACED else None
        params = text_params(reader, text, scope, by_date)
    else:
        params = {"org_id": scope.org_id}
        bind_period(reader, scope, None, params)
    if scope.microsite:
        params["microsite"] = scope.microsite
    for name in equals:
        params[name] = getattr(query, name)
    for column, low, high in prefixes:
        params[f"{column}_lo"] = low
        if high is not None:
            params[f"{column}_hi"] = high
    if keyset is not None:
        _bind_keyset(reader, query.sort, keyset, params)
    return shape, params


def count_statement(reader: RawRead, query: OrderQuery, scope: Scope) -> tuple[str, dict[str, Any]]:
    """The COUNT(*) the planner runs for a query without text (a quick filter's own index)."""
    return prepare(reader, query, scope, None, descending=True, keyset=None, count=True)


def filter_terms(
    reader: RawRead, query: OrderQuery, scope: Scope, text: TextMatch | None,
) -> tuple[str, list[str], dict[str, Any]]:
    """How to read the orders a query matches, to count them another way than COUNT(*):
    the access hint after `orders o` (SQLite), the WHERE terms over `o`, and their parameters.

    The text's plan must be "sparse" (its candidates by id) or "dense" (a test of each row).
    """
    assert text is None or text.plan in ("sparse", "dense")
    shape, params = _shaped(reader, query, scope, text, descending=True, keyset=None, count=True)
    return _access(shape), _where(shape), params


def sort_key_of(row: Sequence[Any], sort: SortKey) -> tuple[Any, ...]:
    return tuple(row[i] for i in _SORT_POSITIONS[sort])


__all__ = [
    "EQUALS", "INDEXED_FILTERS", "LIST_COLUMNS", "PLACED_FROM_TERM", "PLACED_TO_TERM", "QUICK_SQL", "count_statement",
    "filter_terms", "prefix_branch", "prefix_end", "prefix_searches", "prepare", "sort_key_of",
]
