"""The Price Match screen's queries, all on the price board (store/price_board.py).

The page walks an index of the board in the order asked, (stock_code) or (spread_rank,
stock_code), with a keyset on those columns; the verdict filter has indexes of its own with
the verdict in front; the counts are one GROUP BY verdict on the organisation's part of an
index. Brand and category use their indexes when given alone; the channel and the text
filters are checked on the rows the index walk reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, tuple_
from sqlalchemy.orm import Session

from hubtui.domain.price_match import COMPARED_CHANNELS, PriceMatchQuery
from hubtui.store.price_board import board
from hubtui.store.price_board import Db
from hubtui.store.price_tables import PriceMatchRule
from hubtui.store.tables import Product

products = Product.__table__  # type: ignore[attr-defined]
rules = PriceMatchRule.__table__  # type: ignore[attr-defined]


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def conditions(org_id: int, query: PriceMatchQuery, *, with_verdict: bool = True) -> list[ColumnElement[bool]]:
    c = board.c
    found: list[ColumnElement[bool]] = [c.org_id == org_id]
    if with_verdict and query.verdict is not None:
        found.append(c.verdict == query.verdict.value)
    if query.brand:
        found.append(c.brand == query.brand)
    if query.category:
        found.append(c.category == query.category)
    if query.channel:
        assert query.channel in COMPARED_CHANNELS  # the service refuses any other first
        found.append(c[f"{query.channel}_price"].is_not(None))
    text = query.text.strip().lower()
    if text:
        found.append(c.search_key.like(f"%{escape_like(text)}%", escape="\\"))
    return found


def sort_columns(query: PriceMatchQuery) -> tuple[Any, ...]:
    c = board.c
    return (c.spread_rank, c.stock_code) if query.sort == "spread" else (c.stock_code,)


def sort_key(query: PriceMatchQuery, row: Any) -> tuple[Any, ...]:
    """A board row's keyset value under the query's sort."""
    return (row.spread_rank, row.stock_code) if query.sort == "spread" else (row.stock_code,)


def _beyond(columns: tuple[Any, ...], key: Sequence[Any], after: bool) -> ColumnElement[bool]:
    if len(columns) == 1:
        return columns[0] > key[0] if after else columns[0] < key[0]
    pair, value = tuple_(*columns), tuple_(*key)
    return pair > value if after else pair < value


SEARCH_INDEX = "ix_price_board_org_verdict_search"


def execute_hinted(db: Db, statement: Select[Any], hint: str) -> Any:
    """Run `statement`; on SQLite with `hint` (INDEXED BY ..., NOT INDEXED) after the first
    price_board it reads from, which SQLAlchemy does not write for SQLite. Values come back as
    the driver gives them: for ids, verdicts and counts."""
    connection = db.connection() if isinstance(db, Session) else db
    if connection.dialect.name != "sqlite" or not hint:
        return connection.execute(statement)
    compiled = statement.compile(dialect=connection.dialect)
    sql = str(compiled).replace("FROM price_board", f"FROM price_board {hint}", 1)
    params = compiled.construct_params()
    return connection.exec_driver_sql(sql, tuple(params[name] for name in compiled.positiontup or ()))


def _joined(columns: Select[Any]) -> Select[Any]:
    return columns.select_from(board.join(products, products.c.id == board.c.product_id)
                               .outerjoin(rules, rules.c.id == board.c.rule_id))


def page_rows(db: Db, org_id: int, query: PriceMatchQuery, *, key: Sequence[Any] | None, before: bool,
              from_end: bool, limit: int) -> tuple[list[Any], bool]:
    """The page's rows (board columns, the product's name, cost and the deciding rule's name) in
    the sort's order, and whether there are more beyond them in the direction read."""
    columns = sort_columns(query)
    backwards = before or from_end
    order = [c.desc() if backwards else c.asc() for c in columns]
    keyset = [_beyond(columns, key, after=not before)] if key is not None and not from_end else []
    rows = _joined(select(board, products.c.name, products.c.cost, rules.c.name.label("rule_name")))
    if query.text.strip():
        # A search matches anywhere in the text: rather than walk the sort's index reading every
        # row until a page of matches is found (37 ms for a rare text at 50,000 products), the
        # page's keys come from the search index alone (it holds both sorts' columns: 4 ms), and
        # only the page's rows are read.
        keys = (select(board.c.product_id).where(and_(*conditions(org_id, query), *keyset)).order_by(*order)
                .limit(limit + 1))
        ids = [r[0] for r in execute_hinted(db, keys, f"INDEXED BY {SEARCH_INDEX}")]
        statement = rows.where(board.c.product_id.in_(ids))
    else:
        statement = rows.where(and_(*conditions(org_id, query), *keyset))
    found = list(db.execute(statement.order_by(*order).limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    if backwards:
        found.reverse()
    return found, more


def exists_beyond(db: Db, org_id: int, query: PriceMatchQuery, key: Sequence[Any], *, after: bool) -> bool:
    statement = (select(board.c.product_id).where(and_(*conditions(org_id, query)))
                 .where(_beyond(sort_columns(query), key, after=after)).limit(1))
    hint = f"INDEXED BY {SEARCH_INDEX}" if query.text.strip() else ""
    return execute_hinted(db, statement, hint).first() is not None


def counts_by_verdict(db: Db, org_id: int, query: PriceMatchQuery) -> dict[str, int]:
    """Rows per verdict under the query's filters but its verdict."""
    statement = (select(board.c.verdict, func.count()).where(and_(*conditions(org_id, query, with_verdict=False)))
                 .group_by(board.c.verdict))
    # SQLite would walk the verdict index for the GROUP BY and read each row from it (45 ms at
    # 50,000 products): a brand's or category's index holds the verdict (1.6 ms), and no index
    # the channels' prices, so the table read straight through is quicker (7 ms).
    hint = ""
    if query.brand:
        hint = "INDEXED BY ix_price_board_org_brand"
    elif query.category:
        hint = "INDEXED BY ix_price_board_org_category"
    elif query.channel:
        hint = "NOT INDEXED"
    return {verdict: int(n) for verdict, n in execute_hinted(db, statement, hint)}


def distinct_values(db: Db, org_id: int, column: str) -> tuple[str, ...]:
    """The organisation's brands or categories on the board, in order, without the empty one."""
    col = board.c[column]
    statement = select(col).where(board.c.org_id == org_id, col != "").group_by(col).order_by(col)
    return tuple(v for (v,) in db.execute(statement))


def rows_by_code(db: Db, org_id: int, stock_codes: Sequence[str]) -> list[Any]:
    """Board rows (with name, cost and rule name) of these stock codes, as stored."""
    if not stock_codes:
        return []
    statement = (_joined(select(board, products.c.name, products.c.cost, rules.c.name.label("rule_name")))
                 .where(board.c.org_id == org_id, board.c.stock_code.in_(list(stock_codes)))
                 .order_by(board.c.stock_code))
    return list(db.execute(statement))


def suggested_rows(db: Db, org_id: int) -> list[Any]:
    statement = (_joined(select(board, products.c.name, products.c.cost, rules.c.name.label("rule_name")))
                 .where(board.c.org_id == org_id, board.c.verdict == "suggested")
                 .order_by(board.c.stock_code))
    return list(db.execute(statement))
