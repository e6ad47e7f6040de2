"""Order list queries: keyset pages and counts, and the plan that reads a "/" text's orders.

Every list query is scoped to one organisation and pages with a keyset on its sort key
plus id, so the millionth row costs what the first does. The list is the hottest read of
the program, so its SQL is written as text, built once per *shape* of query and cached
(list_statements.py, which also names the indexes the planner would miss); each call only
binds values and runs it on a DBAPI cursor (engine.RawRead). Building and compiling a
SQLAlchemy statement per call, and its per-row type processing, cost several times the
query itself at a 50-row page.

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

The candidates' terms, number ranges and index branches are text_candidates.py's; the names
of text_candidates, list_statements and order_scope that the quick-filter counts
(quick_counts.py and its ways) use are re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import HIGH_RISK_SCORE, QuickFilter
from hubtui.store.engine import RawRead
from hubtui.store.list_statements import (
    EQUALS,
    INDEXED_FILTERS,
    LIST_COLUMNS,
    QUICK_SQL,
    count_statement,
    filter_terms,
    prefix_branch,
    prefix_end,
    prefix_searches,
    prepare,
    sort_key_of,
)
from hubtui.store.order_scope import Scope, bind_period
from hubtui.store.tally_counts import tally_counts, tally_rows
from hubtui.store.text_candidates import (
    NUMBER_INDEX,
    TERM_CAP,
    TextMatch,
    candidates_sql,
    count_candidates,
    narrowed,
    numbers_outweigh_period,
    range_sql,
    term_branch_sql,
    text_params,
    text_terms,
    text_test_sql,
)


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


# --- free text --------------------------------------------------------------------------------


def _has_row_filters(query: OrderQuery, scope: Scope) -> bool:
    """Whether anything besides org, period and keyset needs the order row."""
    return bool(
        QUICK_SQL.get(query.quick_filter) or scope.microsite
        or any(getattr(query, name) for name in EQUALS)
        or prefix_searches(query)
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
            dense = in_filter if query.quick_filter in INDEXED_FILTERS else everyone // 10
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


def _prefix_top(
    reader: RawRead, query: OrderQuery, scope: Scope, keyset: Sequence[Any] | None, descending: bool,
) -> bool:
    """Whether a lone prefix search (advanced search: e-mail, post code or name) reads its
    page's ids from its covering index, like the top plan of the free text: when it is
    the only filter that needs the row, the sort is by date, and fewer than TOP_LIMIT
    orders match (more: walking the date index meets matches soon enough)."""
    prefixes = prefix_searches(query)
    if (
        query.text or len(prefixes) != 1 or query.sort is not SortKey.PLACED or QUICK_SQL.get(query.quick_filter)
        or scope.microsite or any(getattr(query, name) for name in EQUALS)
    ):
        return False
    column, low, high = prefixes[0]
    extra = range_sql(scope.placed_from is not None, scope.placed_to is not None, keyset is not None, descending)
    branch = prefix_branch(reader.dialect, column, high is not None, extra, "1")
    sql = f"SELECT COUNT(*) FROM ({branch} LIMIT :probe) AS c"
    params: dict[str, Any] = {"org_id": scope.org_id, f"{column}_lo": low, "probe": TOP_LIMIT}
    if high is not None:
        params[f"{column}_hi"] = high
    bind_period(reader, scope, keyset, params)
    return int(reader.scalar(sql, params)) < TOP_LIMIT



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
        sql, params = prepare(reader, query, scope, text, descending=descending, keyset=keyset, count=False,
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
    rows_sql, params = prepare(reader, query, scope, text, descending=descending, keyset=None, count=False)
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
    sql, params = prepare(reader, query, scope, text, descending=True, keyset=None, count=True)
    return int(reader.scalar(sql, params))


def microsite_exists(reader: RawRead, org_id: int, code: str) -> bool:
    return reader.scalar(
        "SELECT 1 FROM microsites WHERE org_id = :org_id AND code = :code", {"org_id": org_id, "code": code}
    ) is not None


def statement_for(reader: RawRead, query: OrderQuery, scope: Scope, *, limit: int = 50) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters fetch_page runs for a first page (for benchmarks and tests)."""
    text = resolve_text(reader, query, scope) if query.text else None
    prefix_top = text is None and _prefix_top(reader, query, scope, None, query.descending)
    sql, params = prepare(reader, query, scope, text, descending=query.descending, keyset=None, count=False,
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
