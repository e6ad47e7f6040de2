"""`kill -9` of `hubtui demo` on PostgreSQL: the database is as before or complete (SPEC 8a).

The PostgreSQL side of tests/cli/test_demo_interrupted.py, at five moments: the whole
demo is one transaction, so a killed client's backend rolls it back. Also: the check of a
database's completeness knows every index and trigger a migrated PostgreSQL database holds.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from hubtui.services import database
from hubtui.services.db_check import check_database
from hubtui.services.demo import load_demo
from hubtui.store import integrity
from hubtui.store.engine import Store
from tests.cli.helpers import clean_env, finish, invoke, popen
from tests.cli.processes import assert_no_survivors, child_processes
from tests.cli.test_demo_interrupted import COUNTED
from tests.conftest import FIXED_NOW
from tests.pg.server import PostgresServer

ORDERS = 1500
SEED = 7
KILLS = 5


def _counts(url: str) -> dict[str, int] | None:
    """Row counts of the demo's tables; None when the database holds no schema."""
    store = Store(url)
    try:
        with store.engine.connect() as connection:
            if connection.exec_driver_sql("SELECT to_regclass('orders')").scalar() is None:
                return None
            return {t: connection.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar() for t in COUNTED}
    finally:
        store.dispose()


def _check(url: str) -> list[str]:
    store = Store(url)
    try:
        return check_database(store)
    finally:
        store.dispose()


def _demo(url: str, orders: int = ORDERS, *extra: str) -> list[str]:
    return ["demo", "--db", url, "--orders", str(orders), "--seed", str(SEED), *extra]


def test_the_check_knows_every_index_and_trigger_of_a_migrated_database(pg_url: str) -> None:
    store = Store(pg_url)
    database.upgrade(store)
    with store.engine.connect() as connection:
        have = integrity.present(connection)
        want = integrity.expected("postgresql", trigram_index=integrity._has_pg_trgm(connection))  # noqa: SLF001
        constraints = {r[0] for r in connection.exec_driver_sql("SELECT conname FROM pg_constraint")}
    assert want.indexes <= have.indexes and want.triggers <= have.triggers
    assert have.indexes - constraints == want.indexes  # every index that is not a constraint's
    assert have.triggers == want.triggers
    load_demo(store, orders=200, seed=3, now=FIXED_NOW)
    assert check_database(store) == []
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_orders_unpaid")
        connection.exec_driver_sql("DROP TRIGGER orders_text_tally_insert ON orders")
        connection.exec_driver_sql("UPDATE order_tallies SET n = n + 1 WHERE status = 'Pending'")
        connection.exec_driver_sql("UPDATE sequences SET value = 3 WHERE name = 'order_number'")
    found = check_database(store)
    assert found[:2] == ["missing index ix_orders_unpaid", "missing trigger orders_text_tally_insert"]
    assert any(p.startswith("order_tallies do not match") for p in found)
    assert any(p.startswith("sequence order_number is at 3") for p in found)
    store.dispose()


@pytest.mark.slow
def test_kill_9_of_demo_on_postgres_leaves_it_as_before_or_complete(postgres: PostgresServer, tmp_path) -> None:
    env = clean_env(tmp_path)
    full = postgres.create_database("demo_full")
    started = time.monotonic()
    ran = finish(popen(_demo(full), env), _demo(full))
    elapsed = time.monotonic() - started
    assert ran.code == 0, ran.explain()
    complete = _counts(full)
    assert complete is not None and complete["orders"] == ORDERS

    scale = elapsed
    outcomes: list[str] = []
    for attempt in range(3 * KILLS):
        if len(outcomes) == KILLS:
            break
        i = len(outcomes)
        url = postgres.create_database(f"demo_kill_{attempt}")
        had_schema = i % 2 == 1
        if had_schema:
            database.upgrade(Store(url))
        at = scale * (0.3 + 0.67 * i / (KILLS - 1))
        when = f"kill {i} at {at:.2f} s (a full run took {elapsed:.2f} s)"
        process = popen(_demo(url), env)
        time.sleep(at)
        children = child_processes(process.pid)
        finished = process.poll() is not None
        process.kill()
        out, err = process.communicate()
        when += f"\n--- stdout\n{out}\n--- stderr\n{err}"
        assert_no_survivors(children, when, marker=url)

        counts = _counts(url)
        if counts is not None and counts["orders"]:
            assert counts == complete, when
            assert _check(url) == [], when
            if finished:
                scale *= 0.85
                continue
            outcomes.append("complete")
        else:
            assert not finished, when
            assert counts is None or counts == dict.fromkeys(COUNTED, 0), f"{when}: {counts}"
            if counts is not None:
                assert _check(url) == [], when
            outcomes.append("as before")
            reload = invoke(_demo(url, 100, "--if-empty"), env)
            assert reload.code == 0 and "Loaded 100 orders" in reload.out, f"{when}\n{reload.explain()}"
            assert _check(url) == [], when
        store = Store(url)
        with store.engine.connect() as connection:  # what the filtered lists read
            assert connection.execute(text("SELECT COUNT(*) FROM orders WHERE payment_status = 'Pending'")).scalar()
        store.dispose()
    assert len(outcomes) == KILLS, outcomes
    assert "as before" in outcomes, outcomes
