"""`kill -9` of `hubtui demo` at any moment: the database is as before or complete (SPEC 8a, issue 9).

The program is killed at 10 moments spread over a run of its own (timed first): while it
starts, creates the schema, writes the organisations, loads the orders, rebuilds the
indexes, tallies and search terms, commits. After each kill the database is either as it
was (no file, or the schema alone, as `hubtui db upgrade` leaves it; and `demo --if-empty`
then loads it) or complete (`hubtui db check` passes, the counts are a whole run's, a
filtered list works), and no process the demo started outlives it.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from hubtui.services.db_check import check_database
from hubtui.store.engine import Store

from .helpers import Ran, clean_env, db_url, finish, invoke, popen, run
from .processes import assert_no_survivors, child_processes, poll

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads child processes from /proc"),
]

ORDERS = 4000
SEED = 7
KILLS = 10
COUNTED = ("organisations", "users", "customers", "products", "orders", "order_lines", "payments", "returns",
           "activity", "order_tallies", "order_text_tallies", "search_terms", "sequences")


def _counts(path: Path) -> dict[str, int] | None:
    """Row counts of the demo's tables; None when the file holds no schema (absent, empty)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    with closing(sqlite3.connect(path)) as con:  # rolls back what a killed writer left in the journal
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in COUNTED}


def _check(path: Path) -> list[str]:
    store = Store(db_url(path))
    try:
        return check_database(store)
    finally:
        store.dispose()


def _demo(path: Path, orders: int = ORDERS, *extra: str) -> list[str]:
    return ["demo", "--db", db_url(path), "--orders", str(orders), "--seed", str(SEED), *extra]


@dataclass(frozen=True)
class FullRun:
    """One uninterrupted run into a new file, and a file holding the schema alone."""

    opened: float  # seconds from the start to the database file appearing (Python has started)
    elapsed: float  # seconds from the start to the end
    counts: dict[str, int]
    schema_only: Path


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> FullRun:
    folder = tmp_path_factory.mktemp("demo-full")
    env = clean_env(folder)
    path = folder / "full.db"
    started = time.monotonic()
    process = popen(_demo(path), env)
    while not path.exists() and process.poll() is None:
        time.sleep(0.005)
    opened = time.monotonic() - started
    ran = finish(process, _demo(path))
    elapsed = time.monotonic() - started
    assert ran.code == 0, ran.explain()
    counts = _counts(path)
    assert counts is not None and counts["orders"] == ORDERS
    schema_only = folder / "schema-only.db"
    assert run(["db", "upgrade", "--db", db_url(schema_only)], env).code == 0
    assert _counts(schema_only) == dict.fromkeys(COUNTED, 0)
    return FullRun(opened, elapsed, counts, schema_only)


def test_kill_9_of_demo_leaves_the_database_as_before_or_complete(full_run: FullRun, tmp_path: Path, env) -> None:
    # Kill moments from just before the file is opened to near the end of a run. A run that
    # ended before its moment (runs vary on a busy machine) does not count: the scale shrinks
    # and the moment is tried again.
    scale = full_run.elapsed - full_run.opened
    opened = full_run.opened  # shrinks too: start-up itself is quicker once the machine is less busy
    outcomes: list[str] = []
    for attempt in range(3 * KILLS):
        if len(outcomes) == KILLS:
            break
        i = len(outcomes)
        path = tmp_path / f"kill-{attempt}.db"
        had_schema = i % 2 == 1  # `make run` upgrades first, then loads with --if-empty
        if had_schema:
            shutil.copyfile(full_run.schema_only, path)
        at = opened * 0.9 + scale * 0.97 * i / (KILLS - 1)
        when = f"kill {i} at {at:.2f} s (a full run took {full_run.elapsed:.2f} s), " + (
            "the schema alone before" if had_schema else "no file before")
        process = popen(_demo(path), env)
        time.sleep(at)
        children = child_processes(process.pid)
        finished = process.poll() is not None
        process.kill()
        out, err = process.communicate()
        when += f"\n--- stdout\n{out}\n--- stderr\n{err}"
        assert_no_survivors(children, when, marker=str(path))

        counts = _counts(path)
        if counts is not None and counts["orders"]:
            assert counts == full_run.counts, when
            assert _check(path) == [], when
            if finished:
                scale *= 0.85
                opened *= 0.85
                continue
            outcomes.append("complete")
        else:
            assert not finished, when
            assert counts is None or counts == dict.fromkeys(COUNTED, 0), f"{when}: {counts}"
            if counts is not None:
                assert _check(path) == [], when  # the schema as it was: every index and trigger
            elif had_schema:
                pytest.fail(f"{when}: the schema that was there is gone")
            outcomes.append("as before")
            reload = invoke(_demo(path, 300, "--if-empty"), env)  # in-process: no second start-up
            assert reload.code == 0 and "Loaded 300 orders" in reload.out, f"{when}\n{reload.explain()}"
            assert _check(path) == [], when
        listed = invoke(["orders", "list", "--db", db_url(path), "--user", "admin", "--filter", "unpaid",
                         "--name", "o", "--limit", "5", "--json"], env)
        assert listed.code == 0 and isinstance(listed.json(), list), f"{when}\n{listed.explain()}"
    assert len(outcomes) == KILLS, outcomes
    assert "as before" in outcomes, outcomes


def _wait_for_worker(process, deadline_s: float = 60) -> list[tuple[int, int]]:
    return poll(process, lambda: child_processes(process.pid), deadline_s, pause_s=0.02) or []


def test_kill_9_while_the_worker_builds_orders_leaves_nothing_behind(full_run: FullRun, tmp_path: Path, env) -> None:
    """The timed kills above may all miss the worker on a quick or a busy machine: this one waits
    for it, so a kill -9 of the parent during the build is always tried."""
    path = shutil.copyfile(full_run.schema_only, tmp_path / "killed-building.db")
    process = popen(_demo(path, 200_000), env)
    children = _wait_for_worker(process)
    assert children, "the demo never started its worker"
    time.sleep(0.3)
    process.kill()
    process.communicate(timeout=60)
    assert_no_survivors(children, "kill -9 while the worker built orders", marker=str(path))
    assert _counts(path) == dict.fromkeys(COUNTED, 0)
    assert _check(path) == []


def test_ctrl_c_ends_the_worker_and_loads_nothing(full_run: FullRun, tmp_path: Path, env) -> None:
    """Ctrl-C (SIGINT) while the orders are built: exit 130, the worker ended, nothing loaded."""
    path = shutil.copyfile(full_run.schema_only, tmp_path / "interrupted.db")
    process = popen(_demo(path, 200_000), env, ctrl_c=True)
    children = _wait_for_worker(process)
    assert children, "the demo never started its worker"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted; nothing was loaded" in err, (process.returncode, out, err)
    assert_no_survivors(children, "after Ctrl-C")
    assert _counts(path) == dict.fromkeys(COUNTED, 0)
    ran: Ran = run(["db", "check", "--db", db_url(path)], env)
    assert ran.code == 0 and ran.out_lines == ["ok"], ran.explain()
