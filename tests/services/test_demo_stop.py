"""load_demo's `stop` (the CLI's Ctrl-C, as a flag): asked between batches and once more before the
commit, and whenever it says so the load is rolled back whole, however late that is."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubtui.services.db_check import check_database
from hubtui.services.demo import load_demo
from hubtui.store.bulk import BulkLoader
from hubtui.store.engine import Store
from tests.conftest import FIXED_NOW, sqlite_url

ORDERS = 3000


def _orders(path: Path) -> tuple[int, list[str]]:
    """The orders the file holds, and what `hubtui db check` says of it."""
    store = Store(sqlite_url(path))
    try:
        with store.engine.connect() as connection:
            return connection.exec_driver_sql("SELECT COUNT(*) FROM orders").scalar_one(), check_database(store)
    finally:
        store.dispose()


@pytest.mark.parametrize("when", ["at once", "once every order is written"])
def test_a_stop_rolls_the_whole_load_back(when: str, tmp_path: Path) -> None:
    written = [0]

    def progress(done: int, total: int) -> None:
        written[0] = done

    def stop() -> bool:
        return when == "at once" or written[0] == ORDERS

    store = Store(sqlite_url(tmp_path / "demo.db"))
    try:
        with pytest.raises(KeyboardInterrupt):
            load_demo(store, orders=ORDERS, seed=3, now=FIXED_NOW, progress=progress, stop=stop)
    finally:
        store.dispose()
    assert _orders(tmp_path / "demo.db") == (0, [])


def test_a_stop_that_never_comes_loads_everything(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path / "demo.db"))
    try:
        load_demo(store, orders=ORDERS, seed=3, now=FIXED_NOW, stop=lambda: False)
    finally:
        store.dispose()
    assert _orders(tmp_path / "demo.db") == (ORDERS, [])


def test_what_is_raised_just_before_the_commit_rolls_the_load_back(empty_store: Store) -> None:
    def refuse() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), BulkLoader(empty_store, before_commit=refuse) as loader:
        loader.insert("organisations", ("id", "code", "name"), [(1, "X", "X Ltd")])
    with empty_store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM organisations").scalar_one() == 0
