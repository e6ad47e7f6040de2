"""Shared fixtures: real SQLite files in tmp_path, demo data at a fixed clock."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hubtui import config
from hubtui.services.context import Context, open_context
from hubtui.services.demo import load_demo
from hubtui.store.engine import Store

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
DEMO_ORDERS = 2000
DEMO_SEED = 7


def fixed_clock() -> datetime:
    return FIXED_NOW


LOGIN = config._login_name()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database built once per run; tests get their own copy of the file."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    store = Store(sqlite_url(path))
    # As `hubtui demo` does, the login loading it becomes an admin: the CLI's --user needs one (SPEC 8).
    load_demo(store, orders=DEMO_ORDERS, seed=DEMO_SEED, now=FIXED_NOW, login_name=LOGIN)
    store.dispose()
    return path


@pytest.fixture(scope="session")
def reference_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's organisations, users, channels, microsites, catalogue and customers, the same
    as demo_template's (the same seed and clock: the orders are built after them), without a
    single order: a database an export of the demo can be imported into."""
    path = tmp_path_factory.mktemp("reference-template") / "reference.db"
    store = Store(sqlite_url(path))
    load_demo(store, orders=0, seed=DEMO_SEED, now=FIXED_NOW, login_name=LOGIN)
    store.dispose()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database (2,000 orders, clock fixed at FIXED_NOW)."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def demo_store(demo_db: Path) -> Store:
    store = Store(sqlite_url(demo_db))
    yield store
    store.dispose()


@pytest.fixture
def empty_store(tmp_path: Path) -> Store:
    """A new SQLite file with the schema and nothing else."""
    from hubtui.services import database

    store = Store(sqlite_url(tmp_path / "empty.db"))
    database.ensure_ready(store)
    yield store
    store.dispose()


@pytest.fixture
def context_for(demo_store: Store) -> Callable[..., Context]:
    """context_for("alice") -> a Context for that demo user at the fixed clock, in BTOOLS by default."""

    def make(user: str = "alice", org: str | None = None) -> Context:
        return open_context(demo_store, user, org, clock=fixed_clock, tz=timezone.utc)

    return make
