"""The bulk loader is all or nothing, and the completeness check sees what it would leave
half done (SPEC 8a, issue 9). The kill -9 test is tests/cli/test_demo_interrupted.py."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from hubtui.services import database
from hubtui.services.db_check import check_database
from hubtui.services.demo import DemoRefused, load_demo
from hubtui.store import integrity, text_search
from hubtui.store.engine import Store
from tests.conftest import FIXED_NOW, sqlite_url

TABLES = ("organisations", "users", "customers", "products", "orders", "order_lines", "payments", "activity",
          "order_tallies", "order_text_tallies", "search_terms", "sequences")


def _counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as con:
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def _schema(path: Path) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(path)) as con:
        return con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def _journal_mode(path: Path) -> str:
    with closing(sqlite3.connect(path)) as con:
        return con.execute("PRAGMA journal_mode").fetchone()[0]


@pytest.fixture
def schema_only(tmp_path: Path) -> Path:
    path = tmp_path / "schema.db"
    store = Store(sqlite_url(path))
    database.ensure_ready(store)
    store.dispose()
    return path


def _check(path: Path) -> list[str]:
    store = Store(sqlite_url(path))
    try:
        return check_database(store)
    finally:
        store.dispose()


def test_the_check_knows_every_index_trigger_and_trigram_table_of_a_migrated_database(schema_only: Path) -> None:
    store = Store(sqlite_url(schema_only))
    with store.engine.connect() as connection:
        have = integrity.present(connection)
    store.dispose()
    want = integrity.expected("sqlite")
    # Every index but those SQLite makes for a table's UNIQUE and PRIMARY KEY constraints.
    assert {name for name in have.indexes if not name.startswith("sqlite_autoindex_")} == want.indexes
    assert have.triggers == want.triggers
    assert have.virtual_tables == want.virtual_tables == {"search_terms_fts", "customers_fts"}
    assert _check(schema_only) == []


def test_a_demo_passes_and_every_kind_of_damage_is_named(demo_db: Path) -> None:
    assert _check(demo_db) == []
    with closing(sqlite3.connect(demo_db)) as con:
        con.executescript("""
            DROP INDEX ix_orders_unpaid;
            DROP TRIGGER orders_terms_insert;
            DROP TABLE customers_fts;
            UPDATE order_tallies SET n = n + 1 WHERE status = 'Pending';
            UPDATE order_char_day_tallies SET c_w = c_w + 1 WHERE rowid = (SELECT MIN(rowid) FROM order_char_day_tallies);
            DELETE FROM order_text_tallies WHERE rowid IN (SELECT rowid FROM order_text_tallies LIMIT 3);
            DELETE FROM search_terms WHERE id IN (SELECT id FROM search_terms WHERE kind = 'postcode' LIMIT 40);
            INSERT INTO search_terms_fts (search_terms_fts) VALUES ('delete-all');
            DELETE FROM sequences WHERE name = 'order_number';
        """)
    found = _check(demo_db)
    assert found[:3] == ["missing index ix_orders_unpaid", "missing trigram table customers_fts",
                         "missing trigger orders_terms_insert"]
    rest = "\n".join(found[3:])
    for fragment in ("order_tallies do not match a recount", "order_text_tallies do not match a recount",
                     "order_char_day_tallies do not match a recount",
                     "search_terms lacks", "postcode value(s)", "trigram table search_terms_fts indexes 0 of",
                     "sequence order_number is at 0, behind the highest number used (2,000)"):
        assert fragment in rest, found


def test_an_empty_file_has_no_schema_to_check(tmp_path: Path) -> None:
    path = tmp_path / "nothing.db"
    sqlite3.connect(path).close()
    assert _check(path) == ["no schema: the database is empty (`hubtui db upgrade` creates the schema)"]


def test_a_demo_is_complete_and_back_in_wal_mode(schema_only: Path) -> None:
    store = Store(sqlite_url(schema_only))
    summary = load_demo(store, orders=1500, seed=2, now=FIXED_NOW)
    store.dispose()
    assert _counts(schema_only)["orders"] == summary.orders == 1500
    assert _check(schema_only) == []
    assert _journal_mode(schema_only) == "wal"
    assert not schema_only.with_name(schema_only.name + "-journal").exists()


@pytest.mark.parametrize("where", ["while loading the orders", "while rebuilding the search terms"])
def test_a_demo_that_fails_leaves_the_database_as_it_was(schema_only: Path, monkeypatch, where: str) -> None:
    before, schema = _counts(schema_only), _schema(schema_only)
    store = Store(sqlite_url(schema_only))
    progress = None
    if where == "while loading the orders":
        def progress(done: int, total: int) -> None:  # noqa: ARG001 - after the first chunk is written
            raise OSError("the disk is full")
    else:
        def fill(connection) -> None:  # type: ignore[no-untyped-def]
            raise OSError("the disk is full")
        monkeypatch.setattr(text_search, "fill", fill)
    with pytest.raises(OSError):
        load_demo(store, orders=12_000, seed=2, now=FIXED_NOW, progress=progress)
    store.dispose()
    assert _counts(schema_only) == before
    assert _schema(schema_only) == schema  # every index and trigger the load had set aside is back
    assert _journal_mode(schema_only) == "wal"
    assert _check(schema_only) == []
    store = Store(sqlite_url(schema_only))
    monkeypatch.undo()
    load_demo(store, orders=300, seed=2, now=FIXED_NOW)  # nothing of the failed one is in the way
    store.dispose()
    assert _check(schema_only) == []


def test_with_another_connection_open_the_load_stays_in_wal_and_is_still_all_or_nothing(schema_only: Path,
                                                                                         tmp_path: Path) -> None:
    second = shutil.copyfile(schema_only, tmp_path / "second.db")
    assert second != schema_only
    for path, fails in ((schema_only, False), (second, True)):
        reader = sqlite3.connect(path)  # a TUI left open: the journal mode cannot change
        reader.execute("PRAGMA journal_mode=WAL").fetchone()
        reader.execute("SELECT COUNT(*) FROM orders").fetchone()
        store = Store(sqlite_url(path))

        def progress(done: int, total: int) -> None:  # noqa: ARG001
            if fails:
                raise OSError("stopped")

        try:
            load_demo(store, orders=500, seed=2, now=FIXED_NOW, progress=progress)
        except OSError:
            assert fails
        store.dispose()
        assert reader.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == (0 if fails else 500)
        reader.close()
        assert _check(path) == []
        assert _journal_mode(path) == "wal"


def test_a_second_demo_is_refused_inside_the_load(demo_store: Store, demo_db: Path, monkeypatch) -> None:
    """Another demo that filled the database after the first look is seen in the load's transaction."""
    before = _counts(demo_db)
    monkeypatch.setattr(database, "has_organisations", lambda store: False)
    with pytest.raises(DemoRefused, match="already holds data"):
        load_demo(demo_store, orders=10, seed=2, now=FIXED_NOW)
    assert _counts(demo_db) == before


def test_the_load_raises_the_number_sequences_past_the_numbers_it_stored(demo_db: Path) -> None:
    with closing(sqlite3.connect(demo_db)) as con:
        highest = con.execute("SELECT MAX(number) FROM returns").fetchone()[0]
        values = dict(con.execute("SELECT name, value FROM sequences").fetchall())
    assert values == {"order_number": 2000, "rma_number": int(highest[3:])}
