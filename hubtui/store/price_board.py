"""The price board: one row per active product with its latest compared prices and verdict.

`refresh` brings rows up to the products, their latest channel prices and the organisation's
rules. It is called in the transaction that changed any of those (a price recorded, a file of
prices imported, a suggestion applied, a rule changed) and by migration 0013, so it works on a
Connection or a Session alike, with Core statements only. Only rows whose values changed are
written, so refreshing a few products, or the whole board after a rule change that moves few
verdicts, writes little.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from hubtui.domain.price_match import (
    COMPARED_CHANNELS,
    Action,
    ProductPrices,
    Rule,
    Scope,
    ToleranceKind,
    evaluate_ordered,
    in_order,
)
from hubtui.store.tables import BOARD_CHANNELS, ChannelPrice, Microsite, PriceBoard, PriceMatchRule, Product

assert BOARD_CHANNELS == COMPARED_CHANNELS  # one column pair per compared channel

SPREAD_RANK_NONE = 2_000_000_000  # the rank of a product without compared prices: after all others
CHUNK = 500  # ids per IN (...) list
SEARCH_SEPARATOR = "\x1f"  # between stock code and name in search_key: no search spans the two

Db = Connection | Session
board = PriceBoard.__table__  # type: ignore[attr-defined]
prices_table = ChannelPrice.__table__  # type: ignore[attr-defined]
products = Product.__table__  # type: ignore[attr-defined]
rules_table = PriceMatchRule.__table__  # type: ignore[attr-defined]

PRICE_COLUMNS = tuple(f"{c}_price" for c in BOARD_CHANNELS)
AT_COLUMNS = tuple(f"{c}_at" for c in BOARD_CHANNELS)
VALUE_COLUMNS = ("org_id", "stock_code", "search_key", "brand", "category", "own_price", *PRICE_COLUMNS, *AT_COLUMNS,
                 "lowest", "spread", "spread_rank", "verdict", "rule_id", "lowest_channel", "rule_lowest", "floor",
                 "suggested_price", "reason")


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


def latest_prices(db: Db, product_ids: Sequence[int]) -> dict[int, dict[str, tuple[int, datetime]]]:
    """product id -> compared channel -> (price, observed_at) of its latest observation
    (the latest observed; of two at the same moment, the one recorded last)."""
    found: dict[int, dict[str, tuple[int, datetime]]] = {}
    c = prices_table.c
    for chunk in _chunks(list(product_ids)):
        statement = (select(c.product_id, c.channel, c.price, c.observed_at)
                     .where(c.product_id.in_(chunk), c.channel.in_(BOARD_CHANNELS))
                     .order_by(c.product_id, c.channel, c.observed_at, c.id))
        for product_id, channel, price, observed_at in db.execute(statement):
            found.setdefault(product_id, {})[channel] = (price, observed_at)
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


def _board_rows(db: Db, org_id: int, product_ids: Sequence[int] | None) -> dict[int, dict[str, Any]]:
    statement = select(board).where(board.c.org_id == org_id)
    if product_ids is None:
        return {r["product_id"]: dict(r) for r in db.execute(statement).mappings()}
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(list(product_ids)):
        found.update((r["product_id"], dict(r)) for r in db.execute(statement.where(board.c.product_id.in_(chunk)))
                     .mappings())
    return found


def board_values(product: Any, org_id: int, prices: dict[str, tuple[int, datetime]], ordered: Sequence[Rule],
                 currency: str) -> dict[str, Any]:
    """The board row of one product (a products row) with these latest prices, under these rules."""
    verdict = evaluate_ordered(ProductPrices(product.id, product.stock_code, product.brand, product.category,
                                             product.price, product.cost, {ch: p for ch, (p, _) in prices.items()},
                                             currency), ordered)
    lowest = min((p for p, _ in prices.values()), default=None)
    spread = None if lowest is None else product.price - lowest
    row: dict[str, Any] = {
        "org_id": org_id, "stock_code": product.stock_code,
        "search_key": f"{product.stock_code.lower()}{SEARCH_SEPARATOR}{product.name_key}",
        "brand": product.brand, "category": product.category, "own_price": product.price,
        "lowest": lowest, "spread": spread, "spread_rank": SPREAD_RANK_NONE if spread is None else -spread,
        "verdict": verdict.kind.value, "rule_id": verdict.rule_id, "lowest_channel": verdict.lowest_channel,
        "rule_lowest": verdict.lowest_price, "floor": verdict.floor, "suggested_price": verdict.suggested_price,
        "reason": verdict.reason[:200],
    }
    for channel in BOARD_CHANNELS:
        price, at = prices.get(channel, (None, None))
        row[f"{channel}_price"] = price
        row[f"{channel}_at"] = at
    return row


def _prices_on_board(row: dict[str, Any]) -> dict[str, tuple[int, datetime]]:
    return {ch: (row[f"{ch}_price"], row[f"{ch}_at"]) for ch in BOARD_CHANNELS if row[f"{ch}_price"] is not None}


def refresh(db: Db, org_id: int, product_ids: Iterable[int] | None, *, reread_prices: bool = True) -> int:
    """Bring the board rows of these products (None: every product of the organisation) up to
    date; returns how many rows were written. `reread_prices=False` trusts the latest prices the
    board holds (after a rule change: the prices did not move) and reads them only for products
    without a row yet."""
    ids = None if product_ids is None else sorted(set(product_ids))
    ordered = in_order(rules_of(db, org_id))
    currency = org_currency(db, org_id)
    found = _product_rows(db, org_id, ids)
    existing = _board_rows(db, org_id, ids)
    active = [p for p in found if p.active]
    if reread_prices:
        latest = latest_prices(db, [p.id for p in active])
    else:
        latest = {pid: _prices_on_board(row) for pid, row in existing.items()}
        latest.update(latest_prices(db, [p.id for p in active if p.id not in existing]))
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for product in active:
        values = board_values(product, org_id, latest.get(product.id, {}), ordered, currency)
        old = existing.get(product.id)
        if old is None:
            inserts.append({"product_id": product.id, **values})
        elif any(old[k] != v for k, v in values.items()):
            updates.append({"b_product_id": product.id, **values})
    gone = [pid for pid in existing if pid not in {p.id for p in active}]
    if ids is not None:  # a product asked for that is no longer in the catalogue
        gone += [pid for pid in ids if pid in existing and pid not in {p.id for p in found}]
    for chunk in _chunks(sorted(set(gone))):
        db.execute(delete(board).where(board.c.product_id.in_(chunk)))
    if inserts:
        db.execute(insert(board), inserts)
    if updates:
        statement = update(board).where(board.c.product_id == bindparam("b_product_id")).values(
            {k: bindparam(k) for k in VALUE_COLUMNS})
        # Core's executemany of an UPDATE: one statement, many parameter sets.
        _execute_many(db, statement, updates)
    return len(inserts) + len(updates) + len(gone)


def _execute_many(db: Db, statement: Any, rows: list[dict[str, Any]]) -> None:
    if isinstance(db, Session):
        db.connection().execute(statement, rows)
    else:
        db.execute(statement, rows)
