"""Order list queries: filters, keyset pages and counts, as cached SQL text.

Every list query is scoped to one organisation and pages with a keyset on its sort key
plus id, so the millionth row costs what the first does. Quick filters repeat the
predicates of the partial indexes in tables.py word for word so the planner can use them;
on SQLite the statement names the partial index (INDEXED BY) when nothing more selective
narrows the query, because with sampled statistics the planner prefers to walk
ix_orders_org_placed or ix_orders_org_status_placed and filter, which is 10-20 times
slower for the rarer filters (high-risk, exchange-on-hold).

The list is the hottest read of the program, so its SQL is written here as text, built
once per *shape* of query (which filters are present, sort, direction, plan) and cached;
each call only binds values and runs it on a DBAPI cursor (engine.RawRead). Building
and compiling a SQLAlchemy statement per call, and its per-row type processing, cost
several times the query itself at a 50-row page.

Free text (OrderQuery.text, the "/" filter bar) is resolved in two steps: the search
terms containing it (text_search.py), then the orders holding those terms or starting
with the number it may be (the *candidates*), read by one of these plans, chosen in
resolve_text from a capped count of the candidates (index-only) and the tallies:

- none: nothing holds the text: no orders query at all.
- top: nothing but org, period and keyset (all on the index) filters, sort by date: the
  newest candidates come from the covering indexes (org_id, column, placed_at, id) alone,
  and only the page's rows are read.
- ordered: other filters too, sort by date: candidates in date order from the indexes, a
  chunk at a time, and of each chunk the rows that pass the filters, until a page is full.
- sparse: other sorts: every candidate row is read, filtered and sorted.
- dense: too many candidates (or matching terms, beyond TERM_CAP): walk the sort index,
  or the quick filter's own index, and test each row with instr(); dense matches fill a
  page after a few rows.

A lone prefix search of the advanced search (e-mail, post code, name) uses the top plan's
way too (`_prefix_top`).

The candidates' terms, number ranges and index branches are text_candidates.py's (its names
used by the quick-filter counts are re-exported here with Scope, order_scope.py's); the
quick-filter bar's twelve counts under the other filters (quick_counts.py) read them with
filter_terms.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from hubtui.domain.order_query import OrderQuery, SortKey, email_key, name_key, postcode_key
from hubtui.domain.orders import HIGH_RISK_SCORE, OrderStatus, QuickFilter
from hubtui.store import text_search
from hubtui.store.engine import RawRead
from hubtui.store.order_scope import Scope, bind_period
from hubtui.store.text_candidates import (
    NUMBER_INDEX,
    TERM_CAP,
    TextMatch,
    index_branches,
    candidates_sql,
    count_candidates,
    narrowed,
    newest_candidates,
    numbers_outweigh_period,
    range_sql,
    term_branch_sql,
    text_params,
    text_terms,
    text_test_sql,
)
from hubtui.store.tally_counts import tally_counts, tally_rows
from hubtui.store.tables import (
    EXCHANGE_ON_HOLD_SQL,
    HIGH_RISK_SQL,
    PRE_ORDER_SQL,
    UNFULFILLED_SQL,
    UNPAID_SQL,
)

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

_QUICK_SQL = {
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
_INDEXED_FILTERS = frozenset(_PARTIAL_INDEX) | {f for f, sql in _QUICK_SQL.items() if sql.startswith("status = ")}
_EQUALS = ("status", "order_type", "channel", "payment_method", "payment_status", "number")

# Candidates (orders holding a matching term or number) up to which the top plan beats
# walking the date index: measured on 1,000,000 orders, both cost ~5 ms around 30,000.
TOP_LIMIT = 30_000
# Candidates up to which reading every candidate row (sparse) beats the dense walk, for
# the sorts the candidate indexes cannot give (total, status).
SPARSE_LIMIT = 5_000
# Candidates up to which a count reads the indexes alone rather than the orders.
COUNT_LIMIT = 100_000
# The ordered plan reads candidates in chunks of 4, 8, 16... pages.
ORDERED_CHUNK = 4
# Weight of the dense walk's estimated rows against the ordered plan's: a row of the
# ordered plan costs about twice as much (its candidate queries, the last chunk read
# whole), measured on 1,000,000 orders: "amelia.e" + high-risk 6 ms ordered, 10-16 ms
# dense; + on-hold (estimates 3,400 against 5,600 rows) 17-35 ms ordered, 14-20 ms dense.
DENSE_BIAS = 0.5




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


# --- free text --------------------------------------------------------------------------------



def _has_row_filters(query: OrderQuery, scope: Scope) -> bool:
    """Whether anything besides org, period and keyset needs the order row."""
    return bool(
        _QUICK_SQL.get(query.quick_filter) or scope.microsite
        or any(getattr(query, name) for name in _EQUALS)
        or _prefixes(query)
    )


def resolve_text(
    reader: RawRead, query: OrderQuery, scope: Scope, *, cursor: Sequence[Any] | None = None,
    descending: bool = True, counting: bool = False, page: int = 51,
) -> TextMatch | None:
    """The terms and plan for query.text; None when the text is blank (no text filter).

    `page`: the rows a page reads (limit + 1). Costs below are in rows visited.
    """
    match = text_terms(reader, query.text, scope.org_id)
    if match is None or match.plan != "sparse":
        return match
    if numbers_outweigh_period(reader, match, scope):
        return TextMatch(match.needles, match.terms, "dense")
    by_date = query.sort is SortKey.PLACED
    row_filters = _has_row_filters(query, scope)
    keyset = cursor if by_date and not counting else None

    def candidates(limit: int) -> int:
        return count_candidates(reader, match, scope, limit, keyset=keyset, descending=descending)

    if counting:
        found = candidates(COUNT_LIMIT)
        if found >= COUNT_LIMIT:
            plan = "dense"
        elif not row_filters:
            plan = "top"  # COUNT over the union of the index branches
        else:
            everyone, in_filter = _filter_sizes(reader, query, scope)
            # Dense counting reads the quick filter's index and its rows, or scans the table
            # (sequential, about a tenth of the cost of a look-up per row).
            dense = in_filter if query.quick_filter in _INDEXED_FILTERS else everyone // 10
            plan = "sparse" if found < dense * DENSE_BIAS else "dense"
    elif not by_date:
        plan = "sparse" if candidates(SPARSE_LIMIT) < SPARSE_LIMIT else "dense"
    else:
        found = candidates(TOP_LIMIT)
        if found >= TOP_LIMIT:
            plan = "dense"
        elif not row_filters:
            plan = "top"
        else:
            # Walking the filter's index meets a candidate every everyone/found rows; the
            # candidates in date order meet a filter member every everyone/in_filter rows.
            everyone, in_filter = _filter_sizes(reader, query, scope)
            dense = min(in_filter, page * everyone / max(found, 1))
            ordered = min(found, page * everyone / max(in_filter, 1))
            plan = "ordered" if ordered <= dense * DENSE_BIAS else "dense"
    return TextMatch(match.needles, match.terms, plan)










def _filter_sizes(reader: RawRead, query: OrderQuery, scope: Scope) -> tuple[int, int]:
    """(orders of the organisation, orders in the query's quick filter), from the tallies."""
    counts = tally_counts(tally_rows(reader, scope.org_id, None))
    everyone = counts[QuickFilter.ALL]
    return everyone, counts.get(query.quick_filter, everyone)




_KIND_OF_COLUMN = {column: kind for kind, column in text_search.KINDS}


def _prefix_branch(dialect: str, column: str, bounded: bool, extra: str, columns: str) -> str:
    """The orders whose e-mail, name key or post-code key starts with :<column>_lo, from the
    covering index (org_id, column, placed_at, id) alone."""
    index = text_search.INDEX_OF[_KIND_OF_COLUMN[column]]
    source = "orders" if dialect == "postgresql" else f"orders INDEXED BY {index}"
    upper = f" AND {column} < :{column}_hi" if bounded else ""
    return f"SELECT {columns} FROM {source} WHERE org_id = :org_id AND {column} >= :{column}_lo{upper}{extra}"


def _prefix_top(
    reader: RawRead, query: OrderQuery, scope: Scope, keyset: Sequence[Any] | None, descending: bool,
) -> bool:
    """Whether a lone prefix search (advanced search: e-mail, post code or name) reads its
    page's ids from its covering index, like the top plan of the free text: when it is
    the only filter that needs the row, the sort is by date, and fewer than TOP_LIMIT
    orders match (more: walking the date index meets matches soon enough)."""
    prefixes = _prefixes(query)
    if (
        query.text or len(prefixes) != 1 or query.sort is not SortKey.PLACED or _QUICK_SQL.get(query.quick_filter)
        or scope.microsite or any(getattr(query, name) for name in _EQUALS)
    ):
        return False
    column, low, high = prefixes[0]
    extra = range_sql(scope.placed_from is not None, scope.placed_to is not None, keyset is not None, descending)
    branch = _prefix_branch(reader.dialect, column, high is not None, extra, "1")
    sql = f"SELECT COUNT(*) FROM ({branch} LIMIT :probe) AS c"
    params: dict[str, Any] = {"org_id": scope.org_id, f"{column}_lo": low, "probe": TOP_LIMIT}
    if high is not None:
        params[f"{column}_hi"] = high
    bind_period(reader, scope, keyset, params)
    return int(reader.scalar(sql, params)) < TOP_LIMIT










# --- statements -------------------------------------------------------------------------------

def _prefixes(query: OrderQuery) -> tuple[tuple[str, str, str | None], ...]:
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
    f for f, sql in _QUICK_SQL.items() if sql.startswith("status = ")
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
    quick = _QUICK_SQL.get(shape.quick)
    if quick:
        where.append(quick)
    if shape.microsite:
        where.append("o.microsite_id = (SELECT id FROM microsites WHERE org_id = :org_id AND code = :microsite)")
    if shape.placed_from:
        where.append("o.placed_at >= :placed_from")
    if shape.placed_to:
        where.append("o.placed_at < :placed_to")
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
        branch = _prefix_branch(shape.dialect, column, bounded, extra, "id, placed_at")
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


def _prepare(
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
    prefixes = _prefixes(query)
    equals = tuple(name for name in _EQUALS if getattr(query, name))
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
    return _prepare(reader, query, scope, None, descending=True, keyset=None, count=True)


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


def fetch_page(
    reader: RawRead,
    query: OrderQuery,
    scope: Scope,
    *,
    limit: int,
    after: Sequence[Any] | None = None,
    before: Sequence[Any] | None = None,
    from_end: bool = False,
) -> tuple[list[tuple[Any, ...]], bool]:
    """One page in display order, and whether more rows lie beyond it in the direction read.

    `after`: the page following that key; `before`: the page preceding it; `from_end`: the
    last page. Reading backwards flips the order in SQL and the rows back in Python.
    Rows are LIST_COLUMNS with placed_at as an aware UTC datetime.
    """
    backwards = before is not None or from_end
    descending = query.descending != backwards
    keyset = after if after is not None else before
    text = None
    if query.text:
        text = resolve_text(reader, query, scope, cursor=keyset, descending=descending, page=limit + 1)
        if text is not None and text.plan == "none":
            return [], False
    if text is not None and text.plan == "ordered":
        rows = _fetch_ordered(reader, query, scope, text, limit + 1, keyset, descending)
    else:
        prefix_top = text is None and _prefix_top(reader, query, scope, keyset, descending)
        sql, params = _prepare(reader, query, scope, text, descending=descending, keyset=keyset, count=False,
                               prefix_top=prefix_top)
        params["limit"] = limit + 1
        rows = reader.all(sql, params)
    more = len(rows) > limit
    if more:
        del rows[limit:]
    if backwards:
        rows.reverse()
    if reader.sqlite:  # the common case, inlined: placed_at is never NULL
        parse = datetime.fromisoformat
        return [(r[0], r[1], parse(r[2] + "+00:00"), *r[3:]) for r in rows], more
    to_datetime = reader.datetime
    return [(r[0], r[1], to_datetime(r[2]), *r[3:]) for r in rows], more


def _fetch_ordered(
    reader: RawRead, query: OrderQuery, scope: Scope, text: TextMatch, wanted: int,
    keyset: Sequence[Any] | None, descending: bool,
) -> list[Any]:
    """The ordered plan: candidates in date order from the indexes alone, a chunk at a time,
    and of each chunk the rows that pass the other filters, until a page is full.

    Reads about page/(share of orders in the filter) rows, where walking the filter's index
    would read page/(share of orders holding the text): for a text held by 1% of the orders
    and a filter holding 4%, a fifth of the rows.
    """
    rows_sql, params = _prepare(reader, query, scope, text, descending=descending, keyset=None, count=False)
    chunk = ORDERED_CHUNK * wanted
    found: list[Any] = []
    key = keyset
    candidates_params = text_params(reader, text, scope, key)
    while True:
        sql = candidates_sql(reader.dialect, text.kinds, len(text.needles.numbers), scope.placed_from is not None,
                              scope.placed_to is not None, key is not None, descending)
        candidates_params["chunk"] = chunk
        candidates = reader.all(sql, candidates_params)
        if not candidates:
            return found
        ids = [c[0] for c in candidates]
        params["ids"] = ids if reader.dialect == "postgresql" else json.dumps(ids)
        params["limit"] = wanted - len(found)
        found.extend(reader.all(rows_sql, params))
        if len(found) >= wanted or len(candidates) < chunk:
            return found
        # The next chunk starts after this one's last candidate (values as stored: no conversion).
        candidates_params["k0"], candidates_params["k1"] = candidates[-1][1], candidates[-1][0]
        key = candidates[-1]
        chunk *= 2


def count(reader: RawRead, query: OrderQuery, scope: Scope) -> int:
    text = None
    if query.text:
        text = resolve_text(reader, query, scope, counting=True)
        if text is not None and text.plan == "none":
            return 0
    sql, params = _prepare(reader, query, scope, text, descending=True, keyset=None, count=True)
    return int(reader.scalar(sql, params))


def microsite_exists(reader: RawRead, org_id: int, code: str) -> bool:
    return reader.scalar(
        "SELECT 1 FROM microsites WHERE org_id = :org_id AND code = :code", {"org_id": org_id, "code": code}
    ) is not None


def statement_for(reader: RawRead, query: OrderQuery, scope: Scope, *, limit: int = 50) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters fetch_page runs for a first page (for benchmarks and tests)."""
    text = resolve_text(reader, query, scope) if query.text else None
    prefix_top = text is None and _prefix_top(reader, query, scope, None, query.descending)
    sql, params = _prepare(reader, query, scope, text, descending=query.descending, keyset=None, count=False,
                           prefix_top=prefix_top)
    params["limit"] = limit + 1
    return sql, params


__all__ = [
    "HIGH_RISK_SCORE",
    "LIST_COLUMNS",
    "NUMBER_INDEX",
    "TERM_CAP",
    "Scope",
    "TextMatch",
    "count",
    "count_candidates",
    "count_statement",
    "fetch_page",
    "filter_terms",
    "microsite_exists",
    "narrowed",
    "numbers_outweigh_period",
    "prefix_end",
    "resolve_text",
    "sort_key_of",
    "statement_for",
    "term_branch_sql",
    "text_terms",
    "text_test_sql",
]
