"""Helpers for the service tests: plain-SQL access to the test database and oracles.

The oracles read the store with sqlite3 (never through the code under test) and apply
the rules written out here or in hubtui.domain, so a wrong SQL filter, a wrong key column
or a wrong keyset cannot hide behind the same mistake in the check.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from pathlib import Path
from typing import Any

from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter, matches_quick_filter
from hubtui.services.context import Context, open_context
from hubtui.store.engine import Store
from hubtui.services.order_reads import list_orders
from hubtui.services.order_writes import NewLine, NewOrder, place_order
from hubtui.services.views import OrderDetail, OrderRow, Page


# The clock of tests/conftest.py (its FIXED_NOW); test_shared_clock_is_the_fixtures_clock keeps
# the two equal. Repeated here so module-scoped fixtures need not import the root conftest.
FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def fixed_clock() -> datetime:
    return FIXED_NOW


class Sql:
    """A sqlite3 connection to one database file in autocommit mode: each statement sees what was
    committed before it and holds no lock after it. One connection is kept (a new one parses the
    whole schema, triggers and all: about 3 ms), and made again when the file was replaced or its
    schema changed (a connection's PRAGMAs read the schema it loaded)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._con: sqlite3.Connection | None = None
        self._seen: tuple[int, int, int] | None = None  # the file (device, inode) and schema version

    def _connect(self) -> sqlite3.Connection:
        stat = self.path.stat() if self.path.exists() else None
        file = (stat.st_dev, stat.st_ino) if stat else (0, 0)
        if self._con is not None and self._seen is not None and self._seen[:2] == file:
            if self._con.execute("PRAGMA schema_version").fetchone()[0] == self._seen[2]:
                return self._con
        self.close()
        self._con = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        self._con.row_factory = sqlite3.Row
        self._seen = (*file, self._con.execute("PRAGMA schema_version").fetchone()[0])
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def rows(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return list(self._connect().execute(query, params))

    def one(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row:
        found = self.rows(query, params)
        assert len(found) == 1, f"expected one row from {query!r}, got {len(found)}"
        return found[0]

    def scalar(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self.one(query, params)[0]

    def execute(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        return self._connect().execute(query, params).rowcount

    def order(self, number: str) -> sqlite3.Row:
        return self.one("SELECT * FROM orders WHERE number = ?", (number,))

    def activity(self, number: str) -> list[sqlite3.Row]:
        return self.rows(
            "SELECT a.* FROM activity a JOIN orders o ON o.id = a.order_id WHERE o.number = ? ORDER BY a.id",
            (number,),
        )

    def snapshot(self) -> dict[str, Any]:
        """What a refused write must leave exactly as it was."""
        return {
            "orders": self.scalar("SELECT COUNT(*) FROM orders"),
            "lines": self.scalar("SELECT COUNT(*) FROM order_lines"),
            "payments": self.scalar("SELECT COUNT(*) FROM payments"),
            "activity": self.scalar("SELECT COUNT(*) FROM activity"),
            "sequence": self.scalar("SELECT value FROM sequences WHERE name = 'order_number'"),
            "versions": self.scalar("SELECT SUM(version) FROM orders"),
            "tallies": [tuple(r) for r in self.rows("SELECT * FROM order_tallies WHERE n != 0 ORDER BY 1,2,3,4,5,6")],
        }

    def org_id(self, code: str) -> int:
        return self.scalar("SELECT id FROM organisations WHERE code = ?", (code,))


def parse_ts(text: str) -> datetime:
    """A stored SQLite timestamp (UTC without an offset) as an aware datetime."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Fact:
    """One order as the oracle sees it, read with plain SQL."""

    id: int
    number: str
    microsite: str
    placed_at: datetime
    status: str
    payment_status: str
    order_type: str
    fraud_score: int
    channel: str
    payment_method: str | None
    email: str
    first_name: str
    last_name: str
    postcode: str
    total: int


def facts(sql: Sql, org_code: str = "BTOOLS") -> list[Fact]:
    rows = sql.rows(
        """SELECT o.id, o.number, m.code AS microsite, o.placed_at, o.status, o.payment_status,
                  o.order_type, o.fraud_score, o.channel, o.payment_method, o.customer_email,
                  o.customer_first_name, o.customer_last_name, o.shipping_postcode, o.order_total
           FROM orders o JOIN microsites m ON m.id = o.microsite_id
           JOIN organisations g ON g.id = o.org_id
           WHERE g.code = ?""",
        (org_code,),
    )
    return [
        Fact(r["id"], r["number"], r["microsite"], parse_ts(r["placed_at"]), r["status"], r["payment_status"],
             r["order_type"], r["fraud_score"], r["channel"], r["payment_method"], r["customer_email"],
             r["customer_first_name"], r["customer_last_name"], r["shipping_postcode"], r["order_total"])
        for r in rows
    ]


def in_quick_filter(fact: Fact, quick: QuickFilter, today: date, tz: tzinfo = timezone.utc) -> bool:
    return quick in _quick_filters(fact.status, fact.payment_status, fact.order_type, fact.fraud_score,
                                   fact.placed_at.astimezone(tz).date(), today)


@functools.lru_cache(maxsize=None)
def _quick_filters(status: str, payment_status: str, order_type: str, fraud_score: int, placed_on: date,
                   today: date) -> frozenset[QuickFilter]:
    """The domain's rule asked once per kind of order: the oracles ask it of thousands of orders
    for each of hundreds of queries."""
    return frozenset(
        quick for quick in QuickFilter
        if matches_quick_filter(quick, status=status, payment_status=payment_status,  # type: ignore[arg-type]
                                order_type=order_type, fraud_score=fraud_score, placed_on=placed_on, today=today)
    )


def _squash(text: str) -> str:
    return "".join(text.split()).upper()


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def matches(
    fact: Fact, query: OrderQuery, today: date, placed: tuple[date, date] | None = None, tz: tzinfo = timezone.utc
) -> bool:
    """The oracle for OrderQuery. ``placed`` is the [from, to) range of local dates the period means."""
    if not in_quick_filter(fact, query.quick_filter, today, tz):
        return False
    if placed is not None and not placed[0] <= fact.placed_at.astimezone(tz).date() < placed[1]:
        return False
    for wanted, actual in (
        (query.microsite, fact.microsite), (query.status, fact.status), (query.order_type, fact.order_type),
        (query.channel, fact.channel), (query.payment_method, fact.payment_method),
        (query.payment_status, fact.payment_status), (query.number, fact.number),
    ):
        if wanted and wanted != actual:
            return False
    if query.email and query.email.strip() and not fact.email.lower().startswith(query.email.strip().lower()):
        return False
    if query.postcode and _squash(query.postcode) and not _squash(fact.postcode).startswith(_squash(query.postcode)):
        return False
    if query.name and _words(query.name) and not _words(f"{fact.first_name} {fact.last_name}").startswith(
        _words(query.name)
    ):
        return False
    return True


def sort_key(fact: Fact, sort: SortKey) -> tuple[Any, ...]:
    if sort is SortKey.TOTAL:
        return (fact.total, fact.id)
    if sort is SortKey.STATUS:
        return (fact.status, fact.placed_at, fact.id)
    return (fact.placed_at, fact.id)


def oracle(
    all_facts: Iterable[Fact], query: OrderQuery, today: date, placed: tuple[date, date] | None = None,
    tz: tzinfo = timezone.utc,
) -> list[str]:
    """Order numbers the query should list, in display order."""
    chosen = [f for f in all_facts if matches(f, query, today, placed, tz)]
    chosen.sort(key=lambda f: sort_key(f, query.sort), reverse=query.descending)
    return [f.number for f in chosen]


def walk(ctx: Context, query: OrderQuery, limit: int = 37) -> tuple[list[OrderRow], list[Page[OrderRow]]]:
    """Every row of the query, read page by page with after=page.last."""
    pages = [list_orders(ctx, query, limit=limit)]
    while pages[-1].has_after:
        assert len(pages) < 10_000, "paging does not end"
        pages.append(list_orders(ctx, query, after=pages[-1].last, limit=limit))
    rows = [row for page in pages for row in page.rows]
    for index, page in enumerate(pages):
        assert page.has_before == (index > 0)
        if index < len(pages) - 1:
            assert len(page.rows) == limit
        else:
            assert len(page.rows) <= limit
    return rows, pages


@dataclass(frozen=True)
class Catalog:
    """Reference data of the demo database an order can be placed with."""

    org_id: int
    customers: tuple[int, ...]
    products: tuple[tuple[str, int], ...]  # active (stock code, price)
    inactive: tuple[str, ...]

    @classmethod
    def of(cls, sql: Sql, org_code: str) -> Catalog:
        org_id = sql.org_id(org_code)
        customers = tuple(r[0] for r in sql.rows("SELECT id FROM customers WHERE org_id = ? ORDER BY id", (org_id,)))
        products = tuple(
            (r[0], r[1])
            for r in sql.rows(
                "SELECT stock_code, price FROM products WHERE org_id = ? AND active ORDER BY id", (org_id,)
            )
        )
        inactive = tuple(
            r[0] for r in sql.rows("SELECT stock_code FROM products WHERE org_id = ? AND NOT active", (org_id,))
        )
        return cls(org_id, customers, products, inactive)


def place(ctx: Context, catalog: Catalog, *, n_lines: int = 2, customer: int | None = None, **changes: Any) -> OrderDetail:
    lines = tuple(NewLine(code, quantity=i + 1) for i, (code, _) in enumerate(catalog.products[:n_lines]))
    draft = NewOrder(customer_id=customer or catalog.customers[0], lines=lines, **changes)
    return place_order(ctx, draft)


@dataclass(frozen=True)
class SharedDemo:
    """A demo database shared by the read-only tests of one module."""

    store: Store
    sql: Sql
    catalog: Catalog

    def context(self, user: str = "alice", org: str | None = None) -> Context:
        return open_context(self.store, user, org, clock=fixed_clock, tz=timezone.utc)
