"""Fixtures for the free-text search tests: a demo database with awkward customers, plan settings."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubtui.services.order_writes import change_status

from hubtui.services.order_payments import PaymentDraft, record_payment
from hubtui.store import order_queries
from hubtui.store.engine import Store
from tests.pg.conftest import pg_url, postgres  # noqa: F401  (the PostgreSQL variant's fixtures)
from tests.services.support import Catalog, SharedDemo, Sql, place

# Customers whose details hold what SQL, LIKE or FTS5 treat specially:
# (email, first name, last name, post code, microsite).
AWKWARD = (
    ("%percent@example.com", "Zoë", "O'Brien", "%1 2AB", None),
    ("_under_score@example.com", "Anna", "Müller", "AB1 2CD", None),
    ('quote"mark@example.com', "Back\\slash", "Test", "A_1 9ZZ", None),
    ("o'brien@example.com", "O'Brien", "Smith", "EH1 1YZ", "bt-ie"),
    ("müller.k@example.de", "MÜLLER", "Kraus", "D02 X285", "bt-ie"),
    ("near.or@example.com", "Near", "Or-And", "N1 9GU", None),
    ("bt0000123@example.com", "Bee", "Tee", "BT1 5GS", None),
)

# Limits that force each plan of order_queries (see its module docstring), so every text
# is read by every plan on a database far smaller than the one the defaults are tuned for.
PLAN_SETTINGS = {
    # top, ordered (in chunks of one page) or sparse: never a dense walk
    "indexed": {"TERM_CAP": 10**6, "TOP_LIMIT": 10**9, "SPARSE_LIMIT": 10**9, "COUNT_LIMIT": 10**9,
                "DENSE_BIAS": 10**9, "ORDERED_CHUNK": 1},
    "dense": {"TERM_CAP": 0, "TOP_LIMIT": 0, "SPARSE_LIMIT": 0, "COUNT_LIMIT": 0},
    # decided by the candidate counts and the tallies, as in production, at a smaller scale
    "probed": {"TERM_CAP": 25, "TOP_LIMIT": 120, "SPARSE_LIMIT": 40, "COUNT_LIMIT": 200},
}


def add_awkward_customers(demo: SharedDemo) -> list[str]:
    """The AWKWARD customers, one order each (placed through the services); their numbers."""
    sql, alice = demo.sql, demo.context("alice")
    numbers = []
    for email, first, last, postcode, microsite in AWKWARD:
        sql.execute(
            "INSERT INTO customers (org_id, email, first_name, last_name, first_name_key, last_name_key, phone, "
            "phone_key, line1, line2, city, postcode, country, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, '', '', '1 Test St', '', 'Testville', ?, 'GB', '2026-11-01 10:00:00.000000')",
            (demo.catalog.org_id, email, first, last, first.lower(), last.lower(), postcode),
        )
        customer = sql.scalar("SELECT id FROM customers WHERE org_id = ? AND email = ?", (demo.catalog.org_id, email))
        numbers.append(place(alice, demo.catalog, customer=customer, microsite=microsite).number)
    record_payment(alice, numbers[0], PaymentDraft("Cheque", "Paid"))
    record_payment(alice, numbers[3], PaymentDraft("Cash", "Paid"))
    change_status(demo.context("sam"), numbers[3], "OnHold")
    return numbers


@pytest.fixture(scope="module")
def search_demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedDemo]:
    """A module's own demo database (2,000 orders) plus the awkward customers' orders."""
    path = tmp_path_factory.mktemp("search-demo") / "demo.db"
    shutil.copyfile(demo_template, path)
    store = Store(f"sqlite:///{path}")
    sql = Sql(path)
    demo = SharedDemo(store, sql, Catalog.of(sql, "BTOOLS"))
    add_awkward_customers(demo)
    yield demo
    store.dispose()


@pytest.fixture(params=list(PLAN_SETTINGS))
def plan_setting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in PLAN_SETTINGS[request.param].items():
        monkeypatch.setattr(order_queries, name, value)
    return request.param
