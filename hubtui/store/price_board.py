"""The price board: one row per active product with its latest compared prices and verdict.

`refresh` brings rows up to the products, their latest channel prices and the organisation's
rules. It is called in the transaction that changed any of those (a price recorded, a file of
prices imported, a suggestion applied, a rule changed) and by migration 0013, so it works on a
Connection or a Session alike (Core and plain-text statements, no ORM objects). Only rows whose
values changed are written, so refreshing a few products, or the whole board after a rule change
that moves few verdicts, writes little.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.orm import Session

from hubtui.domain.price_match import (
    COMPARED_CHANNELS,
    Action,
    ProductPrices,
    Rule,
    Scope,
    ToleranceKind,
    REASON_LIMIT,
    PreparedRule,
    evaluate_prepared,
    prepare,
)
from hubtui.store.org_tables import Microsite
from hubtui.store.price_tables import BOARD_CHANNELS, PriceBoard, PriceMatchRule
from hubtui.store.tables import Product

assert BOARD_CHANNELS == COMPARED_CHANNELS  # one column pair per compared channel

SPREAD_RANK_NONE = 2_000_000_000  # the rank of a product without compared prices: after all others
CHUNK = 500  # ids per IN (...) list
SEARCH_SEPARATOR = "\x1f"  # between stock code and name in search_key: no search spans the two

Db = Connection | Session
board = PriceBoard.__table__  # type: ignore[attr-defined]
products = Product.__table__  # type: ignore[attr-defined]
rules_table = PriceMatchRule.__table__  # type: ignore[attr-defined]

PRICE_COLUMNS = tuple(f"{c}_price" for c in BOARD_CHANNELS)
AT_COLUMNS = tuple(f"{c}_at" for c in BOARD_CHANNELS)
# What follows from the product and the rules; with the prices and their times, a whole row.
DERIVED_COLUMNS = ("org_id", "stock_code", "search_key", "brand", "category", "own_price", "lowest", "spread",
                   "spread_rank", "verdict", "rule_id", "lowest_channel", "rule_lowest", "floor", "suggested_price",
                   "reason")
VALUE_COLUMNS = (*DERIVED_COLUMNS, *PRICE_COLUMNS, *AT_COLUMNS)
# The last of DERIVED_COLUMNS, which only the rules move: a rule change that leaves the product
# and its spread alone rewrites these, and so only the indexes that hold the verdict.
VERDICT_AT = DERIVED_COLUMNS.index("verdict")


def split_values(text: str) -> tuple[str, ...]:
    """Scope values as the rules table keeps them: one per line."""
    return tuple(v for v in (line.strip() for line in text.split("\n")) if v)


def join_values(values: Iterable[str]) -> str:
    return "\n".join(v.strip() for v in values if v.strip())


def rule_of(row: Any) -> Rule:
    """A price_match_rules row as the domain's Rule."""
    return Rule(
        id=row.id, name=row.name, priority=row.priority, active=bool(row.active), scope=Scope(row.scope),
        scope_values=split_values(row.scope_value),
        channels=tuple(c for c in (c.strip() for c in row.channels.split(",")) if c),
        tolerance_kind=ToleranceKind(row.tolerance_kind), tolerance_value=row.tolerance_value,
        min_margin_bp=row.min_margin_bp, action=Action(row.action),
    )


def rules_of(db: Db, org_id: int) -> list[Rule]:
    """The organisation's rules, active or not, in the order they are tried (inactive last)."""
    rows = db.execute(select(rules_table).where(rules_table.c.org_id == org_id)).all()
    return sorted((rule_of(r) for r in rows), key=lambda r: (not r.active, r.priority, r.id))


def org_currency(db: Db, org_id: int) -> str:
    sites = Microsite.__table__  # type: ignore[attr-defined]
    found = db.execute(select(sites.c.currency).where(sites.c.org_id == org_id)
                       .order_by(sites.c.is_default.desc(), sites.c.id).limit(1)).scalar()
    return found or ""


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


# The refresh reads and writes with plain-text statements: their values come back as the driver
# gives them (on SQLite a timestamp is its stored text) and go in again unchanged, without a
# conversion of each of the 500,000 timestamps a board of 50,000 products holds.
_LATEST_SQL = ("SELECT cp.product_id, cp.channel, cp.price, cp.observed_at FROM channel_prices cp {join} "
               "WHERE {where} AND cp.channel IN ({channels}) "
               "ORDER BY cp.product_id, cp.channel, cp.observed_at, cp.id")
_CHANNELS_SQL = ", ".join(f"'{c}'" for c in BOARD_CHANNELS)


def latest_prices(db: Db, org_id: int, product_ids: Sequence[int] | None) -> dict[int, dict[str, tuple[int, Any]]]:
    """product id -> compared channel -> (price, observed_at as the driver gives it) of its latest
    observation (the latest observed; of two at the same moment, the one recorded last); of
    these products, or of every product of the organisation."""
    found: dict[int, dict[str, tuple[int, Any]]] = {}

    def read(statement: Any, params: dict[str, Any]) -> None:
        for product_id, channel, price, observed_at in db.execute(statement, params):
            found.setdefault(product_id, {})[channel] = (price, observed_at)

    if product_ids is None:
        read(text(_LATEST_SQL.format(join="JOIN products p ON p.id = cp.product_id", where="p.org_id = :org",
                                     channels=_CHANNELS_SQL)), {"org": org_id})
        return found
    statement = text(_LATEST_SQL.format(join="", where="cp.product_id IN :ids", channels=_CHANNELS_SQL)
                     ).bindparams(bindparam("ids", expanding=True))
    for chunk in _chunks(list(product_ids)):
        read(statement, {"ids": list(chunk)})
    return found


def _product_rows(db: Db, org_id: int, product_ids: Sequence[int] | None) -> list[Any]:
    c = products.c
    columns = select(c.id, c.stock_code, c.name_key, c.brand, c.category, c.price, c.cost, c.active)
    if product_ids is None:
        return list(db.execute(columns.where(c.org_id == org_id)))
    rows: list[Any] = []
    for chunk in _chunks(list(product_ids)):
        rows.extend(db.execute(columns.where(c.org_id == org_id, c.id.in_(chunk))))
    return rows


def _board_rows(db: Db, org_id: int, product_ids: Sequence[int] | None,
                columns: Sequence[str]) -> dict[int, tuple[Any, ...]]:
    """product id -> the values of `columns`, as the driver gives them."""
    listed = ", ".join(("product_id", *columns))
    if product_ids is None:
        rows = db.execute(text(f"SELECT {listed} FROM price_board WHERE org_id = :org"), {"org": org_id})
        return {r[0]: tuple(r[1:]) for r in rows}
    statement = text(f"SELECT {listed} FROM price_board WHERE org_id = :org AND product_id IN :ids").bindparams(
        bindparam("ids", expanding=True))
    found: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(list(product_ids)):
        found.update((r[0], tuple(r[1:])) for r in db.execute(statement, {"org": org_id, "ids": list(chunk)}))
    return found


def board_values(product: Any, org_id: int, prices: dict[str, tuple[int, Any]], prepared: Sequence[PreparedRule],
                 currency: str, *, with_prices: bool = True) -> tuple[Any, ...]:
    """The board row of one product (a products row) with these latest prices, under these rules:
    the values of VALUE_COLUMNS, or of DERIVED_COLUMNS only unless `with_prices`."""
    own = product.price
    verdict = evaluate_prepared(ProductPrices(product.id, product.stock_code, product.brand, product.category, own,
                                              product.cost, {ch: p for ch, (p, _) in prices.items()}, currency),
                                prepared)
    lowest = min((p for p, _ in prices.values()), default=None)
    spread = None if lowest is None else own - lowest
    derived = (org_id, product.stock_code, f"{product.stock_code.lower()}{SEARCH_SEPARATOR}{product.name_key}",
               product.brand, product.category, own, lowest, spread,
               SPREAD_RANK_NONE if spread is None else -spread, verdict.kind.value, verdict.rule_id,
               verdict.lowest_channel, verdict.lowest_price, verdict.floor, verdict.suggested_price,
               verdict.reason[:REASON_LIMIT])
    if not with_prices:
        return derived
    none = (None, None)
    return (derived + tuple(prices.get(ch, none)[0] for ch in BOARD_CHANNELS)
            + tuple(prices.get(ch, none)[1] for ch in BOARD_CHANNELS))


def refresh(db: Db, org_id: int, product_ids: Iterable[int] | None, *, reread_prices: bool = True) -> int:
    """Bring the board rows of these products (None: every product of the organisation) up to
    date; returns how many rows were written. `reread_prices=False` trusts the latest prices the
    board holds (after a rule change: the prices did not move), reads them only for products
    without a row yet, and writes only the columns that follow from the rules and the product."""
    ids = None if product_ids is None else sorted(set(product_ids))
    _serialise(db, org_id)
    prepared = prepare(rules_of(db, org_id))
    currency = org_currency(db, org_id)
    found = _product_rows(db, org_id, ids)
    active = [p for p in found if p.active]
    kept = {p.id for p in active}
    written = VALUE_COLUMNS if reread_prices else DERIVED_COLUMNS
    n = len(DERIVED_COLUMNS)
    if reread_prices:
        existing = _board_rows(db, org_id, ids, VALUE_COLUMNS)
        latest = latest_prices(db, org_id, ids)
    else:
        existing = _board_rows(db, org_id, ids, (*DERIVED_COLUMNS, *PRICE_COLUMNS))
        latest = {pid: {ch: (p, None) for ch, p in zip(BOARD_CHANNELS, row[n:]) if p is not None}
                  for pid, row in existing.items()}
        missing = [p.id for p in active if p.id not in existing]
        if missing:
            latest.update(latest_prices(db, org_id, missing))
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    verdicts: list[dict[str, Any]] = []
    width = len(written)
    for product in active:
        old = existing.get(product.id)
        values = board_values(product, org_id, latest.get(product.id, {}), prepared, currency,
                              with_prices=old is None or reread_prices)
        if old is None:
            inserts.append({"product_id": product.id, **dict(zip(VALUE_COLUMNS, values))})
        elif old[:width] == values[:width]:
            continue
        elif old[:VERDICT_AT] == values[:VERDICT_AT] and old[n:width] == values[n:width]:
            verdicts.append({"b_product_id": product.id, **dict(zip(DERIVED_COLUMNS[VERDICT_AT:],
                                                                    values[VERDICT_AT:n]))})
        else:
            updates.append({"b_product_id": product.id, **dict(zip(written, values))})
    # Rows of products no longer active (or, asked for by id, no longer in the organisation).
    gone = sorted(pid for pid in existing if pid not in kept)
    for chunk in _chunks(gone):
        db.execute(text("DELETE FROM price_board WHERE product_id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": list(chunk)})
    if inserts:
        columns = ("product_id", *VALUE_COLUMNS)
        _execute_many(db, text(f"INSERT INTO price_board ({', '.join(columns)}) "
                               f"VALUES ({', '.join(':' + c for c in columns)})"), inserts)
    for changed, columns in ((updates, written), (verdicts, DERIVED_COLUMNS[VERDICT_AT:])):
        if changed:
            assignments = ", ".join(f"{c} = :{c}" for c in columns)
            _execute_many(db, text(f"UPDATE price_board SET {assignments} WHERE product_id = :b_product_id"),
                          changed)
    return len(inserts) + len(updates) + len(verdicts) + len(gone)


# pg_advisory_xact_lock keys: this number plus the organisation's id.
BOARD_LOCK = 0x7072_6963_6500_0000


def _serialise(db: Db, org_id: int) -> None:
    """One refresh of an organisation's board at a time, until its transaction ends.

    SQLite's write transactions are serial already. On PostgreSQL two could otherwise each read
    the board, products and rules before the other commits, and the later write would put back
    what the earlier one changed (a rule change writing a price from before an apply). Each
    statement after the lock sees what the transaction before it committed."""
    connection = db.connection() if isinstance(db, Session) else db
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BOARD_LOCK + org_id})


def _execute_many(db: Db, statement: Any, rows: list[dict[str, Any]]) -> None:
    if isinstance(db, Session):
        db.connection().execute(statement, rows)
    else:
        db.execute(statement, rows)
