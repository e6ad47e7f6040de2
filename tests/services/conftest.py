"""Fixtures for the service tests (the demo database itself comes from tests/conftest.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hubtui.services.context import Context
from hubtui.store.engine import Store

from .support import Catalog, SharedDemo, Sql


@pytest.fixture
def sql(demo_db: Path) -> Iterator[Sql]:
    """Plain sqlite3 access to the same file the services use."""
    plain = Sql(demo_db)
    yield plain
    plain.close()


@pytest.fixture
def catalog(sql: Sql) -> Catalog:
    return Catalog.of(sql, "BTOOLS")


@pytest.fixture
def bfix_catalog(sql: Sql) -> Catalog:
    return Catalog.of(sql, "BFIX")


@pytest.fixture
def alice(context_for: Callable[..., Context]) -> Context:
    return context_for("alice")


@pytest.fixture(scope="module")
def shared_demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedDemo]:
    """A module's own copy of the demo database; tests using it must only read."""
    path = tmp_path_factory.mktemp("shared-demo") / "demo.db"
    shutil.copyfile(demo_template, path)
    store = Store(f"sqlite:///{path}")
    sql = Sql(path)
    yield SharedDemo(store, sql, Catalog.of(sql, "BTOOLS"))
    sql.close()
    store.dispose()
