"""`kill -9` of `hubtui import` at moments it is seen to be in: all of the file or none (issue 13,
"one transaction per file").

An orders file of 10,000 new orders, then an items file giving the first 5,000 of them their lines.
The import runs as the real program in a child process, on a copy of the demo database, and the
test looks only at the process and the database file to tell where it is. The import reads,
checks and writes the file a batch at a time inside its one transaction, so the moment that
matters is while the write lock is held (BEGIN IMMEDIATE on a connection of the test's own, which
does not wait, fails with "database is locked"), taken after the process was seen with the CSV
open (/proc/PID/fd): killed the moment the lock is seen (the file still being read), and after
delays scaled to how long a whole import holds it, the lock still held just before the kill.
After each kill a new connection recovers the database (what the killed writer left in the WAL
is dropped), `PRAGMA integrity_check` is ok, and every table is as before the import or as a
whole import leaves it. The file imported again after a kill goes in whole, once; and once more
changes nothing.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from hubtui.domain.import_columns import ITEM_COLUMNS
from hubtui.services.db_check import check_database
from hubtui.store.engine import Store
from tests.cli.helpers import CHILD_TIMEOUT_S, Ran, clean_env, db_url, popen, run, sqlite_write_locked
from tests.cli.processes import assert_no_survivors, has_open, poll

from .test_imports import _orders_csv

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the child process from /proc"),
]

ORDERS = 10_000
ITEMS = 5_000  # the lines of the first orders of the file
REF = "KILL-"
EMAIL = "kill.buyer"
# When to kill inside the write, as parts of the time a whole write held the lock.
ORDER_DELAYS = (0.05, 0.2, 0.5)
ITEM_DELAYS = (0.4,)
# What the clock writes: equal in two whole imports of the same file only without these.
CLOCK = frozenset({"at", "created_at", "updated_at", "recorded_at", "imported_at"})
# A safety net against a hung child, not a timing assertion: a whole write of the orders took
# up to 3 min on two busy cores.
WRITE_TIMEOUT_S = 900
NOTHING = "nothing of the file"
EVERYTHING = "all of the file"


# --------------------------------------------------------------------------- the files


def _orders_file(path: Path) -> Path:
    return _orders_csv(path, [
        {"external_ref": f"{REF}{i:06d}", "customer_email": f"{EMAIL}{i // 2}@example.com",
         "customer_first_name": "Kim", "customer_last_name": f"Buyer{i // 2}", "fraud_score": str(i % 90),
         "payment_status": "Pending" if i % 3 == 0 else "Paid"} for i in range(ORDERS)])


def _paid_in_the_file() -> int:
    return sum(1 for i in range(ORDERS) if i % 3)


def _items_file(path: Path, stock_code: str) -> Path:
    """One line for each of the first ITEMS orders, adding up to its total less shipping."""
    rows = [f"{REF}{i:06d},{stock_code},,1,20.00,0" for i in range(ITEMS)]
    path.write_text("\n".join([",".join(ITEM_COLUMNS), *rows]) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the database


def _facts(path: Path, kind: str, label: str) -> dict[str, int]:
    """What the file puts in: its orders (or their lines), the activity entries naming it, the
    record of the import, and (orders) the customers and the payments made with them."""
    with closing(sqlite3.connect(path)) as con:
        def one(sql: str, *args: str) -> int:
            return con.execute(sql, args).fetchone()[0]

        facts = {
            "activity naming the file": one("SELECT COUNT(*) FROM activity WHERE instr(summary, ?) > 0", label),
            "imports": one("SELECT COUNT(*) FROM imports WHERE file_name = ? AND kind = ?", label, kind),
        }
        if kind == "orders":
            facts |= {
                "orders": one("SELECT COUNT(*) FROM orders WHERE external_ref LIKE ?", f"{REF}%"),
                "distinct orders": one("SELECT COUNT(DISTINCT external_ref) FROM orders WHERE external_ref LIKE ?",
                                       f"{REF}%"),
                "customers": one("SELECT COUNT(*) FROM customers WHERE email LIKE ?", f"{EMAIL}%"),
                "payments": one("SELECT COUNT(*) FROM payments p JOIN orders o ON o.id = p.order_id "
                                "WHERE o.external_ref LIKE ?", f"{REF}%"),
            }
        else:
            facts |= {
                "lines": one("SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                             "WHERE o.external_ref LIKE ?", f"{REF}%"),
                "orders with lines": one("SELECT COUNT(DISTINCT l.order_id) FROM order_lines l JOIN orders o "
                                         "ON o.id = l.order_id WHERE o.external_ref LIKE ?", f"{REF}%"),
            }
        return facts


def _whole(kind: str) -> dict[str, int]:
    if kind == "orders":
        return {"activity naming the file": ORDERS, "imports": 1, "orders": ORDERS, "distinct orders": ORDERS,
                "customers": ORDERS // 2, "payments": _paid_in_the_file()}
    return {"activity naming the file": ITEMS, "imports": 1, "lines": ITEMS, "orders with lines": ITEMS}


def _state(path: Path, *, clock: bool = True) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (without the clock's columns unless
    `clock`), in an order that does not depend on how the rows went in."""
    state = {}
    with closing(sqlite3.connect(path)) as con:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
        for table in tables:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")') if clock or r[1] not in CLOCK]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'SELECT {listed} FROM "{table}" ORDER BY {listed}').fetchall()
            state[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def _differ(one: dict[str, tuple[int, str]], other: dict[str, tuple[int, str]]) -> list[str]:
    return [f"{t}: {one.get(t, (None,))[0]} rows, {other.get(t, (None,))[0]} rows"
            for t in sorted(one.keys() | other.keys()) if one.get(t) != other.get(t)]


def _recovered(path: Path) -> list[tuple[str]]:
    """A new connection after the kill: it recovers the WAL; then the whole file is checked."""
    with closing(sqlite3.connect(path)) as con:
        return con.execute("PRAGMA integrity_check").fetchall() + con.execute("PRAGMA foreign_key_check").fetchall()


def _settled_copy(source: Path, target: Path) -> Path:
    """A copy of the database with everything its WAL held (checkpointed first), and no WAL."""
    with closing(sqlite3.connect(source)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return shutil.copyfile(source, target)


def _wal_bytes(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


# --------------------------------------------------------------------------- the runs


@dataclass(frozen=True)
class Kill:
    moment: str
    left: str  # NOTHING or EVERYTHING
    wal_bytes: int  # what the killed process had written to the WAL (pages of a transaction not committed)
    path: Path
    ended: str = ""  # how it ended when it ended before the kill
    reading: bool = False  # the process still had the file open: killed between two batches' reads

    def __str__(self) -> str:
        return (f"{self.path.name}: killed {self.moment}, {self.wal_bytes:,} bytes in the WAL, left {self.left}"
                + (f"; {self.ended}" if self.ended else ""))


@dataclass
class Import:
    """One kind of file imported into copies of one database, killed at chosen moments."""

    kind: str
    source: Path
    base: Path  # the database before the import
    env: dict[str, str]
    folder: Path

    def __post_init__(self) -> None:
        self.label = self.source.name
        self.before = _state(self.base)
        self.kills: list[Kill] = []
        self.misses: list[str] = []

    def args(self, db: Path) -> list[str]:
        return ["import", self.kind, str(self.source), "--db", db_url(db), "--org", "BTOOLS", "--user", "admin"]

    def start(self, name: str) -> tuple[subprocess.Popen[str], Path]:
        db = _settled_copy(self.base, self.folder / f"{self.kind}-{name}.db")
        return popen(self.args(db), self.env), db

    def reading(self, process: subprocess.Popen[str]) -> bool:
        return has_open(process.pid, self.source)

    def kill(self, process: subprocess.Popen[str], db: Path, moment: str) -> Kill:
        """kill -9 now; then what it left: nothing of the file or all of it, and a sound database."""
        reading = self.reading(process)
        process.kill()
        out, err = process.communicate(timeout=CHILD_TIMEOUT_S)
        when = f"{self.kind} {db.name}, killed {moment}\n--- stdout\n{out}\n--- stderr\n{err}"
        assert_no_survivors([], when, marker=str(db))
        wal_bytes = _wal_bytes(db)  # before any connection of ours recovers it
        assert _recovered(db) == [("ok",)], when
        facts = _facts(db, self.kind, self.label)
        if facts == dict.fromkeys(facts, 0):
            assert _state(db) == self.before, f"{when}: {_differ(_state(db), self.before)}"
            left = NOTHING
        else:
            assert facts == _whole(self.kind), f"{when}: part of the file is in: {facts}"
            left = EVERYTHING  # committed just before the kill; compared with a whole import's state later
        ended = "" if process.returncode == -9 else f"it had ended, exit {process.returncode}: {err.strip()[-300:]}"
        kill = Kill(moment, left, wal_bytes, db, ended, reading)
        self.kills.append(kill)
        return kill

    def wait_for_the_lock(self, process: subprocess.Popen[str], db: Path) -> bool:
        """Until the process has the file open (it is reading it), then holds the write lock."""
        return bool(poll(process, lambda: self.reading(process))) and bool(
            poll(process, lambda: sqlite_write_locked(db)))

    def run(self, process: subprocess.Popen[str], db: Path) -> tuple[Ran, float]:
        """Let an import finish; how long it held the write lock (seconds; no more than a scale)."""
        assert self.wait_for_the_lock(process, db), f"{self.kind} into {db.name}: the write lock was never seen"
        taken = time.monotonic()
        poll(process, lambda: not sqlite_write_locked(db), deadline_s=WRITE_TIMEOUT_S)
        held = time.monotonic() - taken
        out, err = process.communicate(timeout=WRITE_TIMEOUT_S)
        return Ran(tuple(self.args(db)), process.returncode, out, err), held

    # the moments -------------------------------------------------------------

    def kill_while_writing(self, delay: float, name: str) -> Kill | None:
        """Killed `delay` s after the write lock is first seen, if the lock is still held then."""
        process, db = self.start(name)
        seen = self.wait_for_the_lock(process, db)
        if seen and delay:
            time.sleep(delay)
        held = seen and process.poll() is None and sqlite_write_locked(db)
        kill = self.kill(process, db, f"writing, {delay:.2f} s after the lock was seen" if held
                         else f"(missed: writing, {delay:.2f} s after the lock)")
        if held:
            return kill
        self.misses.append(str(kill))
        return None

    def kill_later_while_writing(self, parts: tuple[float, ...], write_s: float) -> None:
        """At each part of a whole write's time; a moment the write outran is tried again sooner."""
        scale = write_s
        for i, part in enumerate(parts):
            for attempt in range(3):
                if self.kill_while_writing(part * scale, f"writing-{i}-{attempt}") is not None:
                    break
                scale *= 0.6

    def kinds(self) -> list[str]:
        return [k.moment.split(",")[0] for k in self.kills if not k.moment.startswith("(")]


def _import_again_after_a_kill(imp: Import, killed: Kill) -> tuple[dict[str, tuple[int, str]], float]:
    """The file imported again into the database a kill left: all of it goes in, once; and once
    more, nothing changes. Returns that database's state (without the clock) and how long the
    write held the lock."""
    db = killed.path
    process = popen(imp.args(db), imp.env)
    ran, held = imp.run(process, db)
    rows = ORDERS if imp.kind == "orders" else ITEMS
    assert ran.code == 0 and ran.out.startswith(f"{imp.label}: {rows:,} row(s); {rows:,} orders "), ran.explain()
    assert _facts(db, imp.kind, imp.label) == _whole(imp.kind), ran.explain()
    assert _recovered(db) == [("ok",)]
    store = Store(db_url(db))
    try:
        assert check_database(store) == []  # tallies, search terms, sequences agree with the orders
    finally:
        store.dispose()
    whole = _state(db)
    again = popen(imp.args(db), imp.env)
    out, err = again.communicate(timeout=CHILD_TIMEOUT_S)
    assert again.returncode == 0 and "nothing was changed again" in out, (out, err)
    assert _state(db) == whole
    return _state(db, clock=False), held


def _check_outcomes(imp: Import, whole: dict[str, tuple[int, str]]) -> None:
    """What every kill left is the state before or the state of a whole import (clock aside)."""
    for kill in imp.kills:
        if kill.left == EVERYTHING:
            assert _state(kill.path, clock=False) == whole, str(kill)


def _stock_code(path: Path) -> str:
    with closing(sqlite3.connect(path)) as con:
        return con.execute("SELECT p.stock_code FROM products p JOIN organisations g ON g.id = p.org_id "
                           "WHERE g.code = 'BTOOLS' AND p.active ORDER BY p.id LIMIT 1").fetchone()[0]


def test_a_killed_import_leaves_all_of_the_file_or_none(demo_template: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    base = _settled_copy(demo_template, tmp_path / "before.db")

    orders = Import("orders", _orders_file(tmp_path / "kill-orders.csv"), base, env, tmp_path)
    at_once = orders.kill_while_writing(0, "writing-at-once")
    assert at_once is not None and at_once.left == NOTHING, orders.misses
    whole, write_s = _import_again_after_a_kill(orders, at_once)
    orders.kill_later_while_writing(ORDER_DELAYS, write_s)
    _check_outcomes(orders, whole)

    # The lines of those orders, into the database the orders import left.
    with_orders = _settled_copy(at_once.path, tmp_path / "with-orders.db")
    items = Import("items", _items_file(tmp_path / "kill-items.csv", _stock_code(with_orders)), with_orders, env,
                   tmp_path)
    items_at_once = items.kill_while_writing(0, "writing-at-once")
    assert items_at_once is not None and items_at_once.left == NOTHING, items.misses
    items_whole, items_write_s = _import_again_after_a_kill(items, items_at_once)
    items.kill_later_while_writing(ITEM_DELAYS, items_write_s)
    _check_outcomes(items, items_whole)

    report = "\n".join(map(str, orders.kills + items.kills))
    missed = "\n".join(orders.misses + items.misses)
    print(f"\n{report}\nmissed: {missed or 'none'}\na whole write held the lock {write_s:.1f} s (orders), "
          f"{items_write_s:.1f} s (items)")
    report += f"\nmissed:\n{missed}"
    # Each moment was reached: a moment the process outran is tried again, so these fail only when
    # it never came.
    assert orders.kinds() == ["writing"] * (1 + len(ORDER_DELAYS)), report
    assert items.kinds() == ["writing"] * (1 + len(ITEM_DELAYS)), report
    # The file is read inside the transaction, a batch at a time: killed while it was still open.
    assert at_once.reading and items_at_once.reading, report
    # A kill inside the write left nothing of the file: the transaction was open, and what it had
    # written to the WAL was dropped when the database was opened again. (All but at most one: a
    # kill could land as the commit ends, which leaves all of the file.)
    writes = [k for k in orders.kills + items.kills if k.moment.startswith("writing")]
    assert [k.left for k in writes].count(NOTHING) >= len(writes) - 1, report
    # (What a killed write had put in the WAL is in the report; it may be nothing at all: the import
    # keeps its pages in a large page cache until the commit, so the lock is the proof it was inside.)


def test_the_same_files_imported_by_two_processes_give_the_same_rows_and_ids(demo_template: Path,
                                                                             tmp_path: Path) -> None:
    """A kill that comes too late leaves a whole import, compared row for row, ids included, with
    the import run to its end: what the import writes must not follow Python's per-process string
    hashing (the items' activity entries did, by the order of a set)."""
    base = _settled_copy(demo_template, tmp_path / "base.db")
    orders_file = _orders_file(tmp_path / "orders.csv")
    states = []
    for seed in ("1", "2"):
        db = shutil.copyfile(base, tmp_path / f"seed-{seed}.db")
        env = {**clean_env(tmp_path), "PYTHONHASHSEED": seed}
        for kind, source in (("orders", orders_file), ("items", _items_file(tmp_path / "items.csv", _stock_code(db)))):
            ran = run(["import", kind, str(source), "--db", db_url(db), "--org", "BTOOLS", "--user", "admin"], env)
            assert ran.code == 0, ran.explain()
        states.append(_state(db, clock=False))
    assert states[0]["activity"][0] > 17_000 and states[0] == states[1], _differ(*states)
