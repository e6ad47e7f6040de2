"""SPEC 8a: a full disk is said to be one, in one line; nothing is half-written; reads keep working.

A real full disk where the machine allows it: a small tmpfs mounted for the test (needs root and
mount; skipped with the reason otherwise, and always unmounted), the database copied onto it,
the rest filled. Without a -shm file (no other program has the database open) SQLite cannot even
start a read there ("disk I/O error", SQLITE_IOERR_SHMSIZE); the store then reads through a
connection that keeps the WAL index in memory. SQLITE_FULL itself also comes from SQLite's page
limit (PRAGMA max_page_count), which needs no privilege.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from hubtui.store import faults

from .conftest import CliDemo
from .helpers import assert_handled_error, db_url, invoke, pick_order, snapshot

INCOMPLETE = "status = 'Incomplete' AND fraud_score < 70 AND order_total > 0 AND payment_status = 'Pending'"


def _mounted(where: Path) -> bool:
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        return any(line.split()[1] == str(where) for line in mounts if len(line.split()) > 1)


@contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` at `where`, unmounted afterwards whatever happens."""
    if not Path("/proc/self/mounts").exists() or shutil.which("mount") is None:
        pytest.skip("no mount command or /proc/self/mounts here: cannot make a small disk")
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)
        assert not _mounted(where), f"{where} is still mounted"


def fill(folder: Path) -> Path:
    """Take every free byte of the file system holding `folder`."""
    filler = folder / "filler"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    with open(filler, "ab", buffering=0) as out:  # and the last bytes of a partial block
        try:
            while True:
                out.write(b"\0")
        except OSError:
            pass
    assert shutil.disk_usage(folder).free < 4096
    return filler


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture
def full_disk_db(cli_demo: CliDemo, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(database, filler): the CLI demo database alone on a full disk; no program has it open."""
    size_kb = cli_demo.path.stat().st_size // 1024 + 1024
    with small_disk(tmp_path / "disk", size_kb) as disk:
        path = cli_demo.copy(disk / "demo.db")
        with closing(sqlite3.connect(path)) as con:  # fold the WAL in: the copy is one file
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for leftover in (disk / "demo.db-wal", disk / "demo.db-shm"):
            leftover.unlink(missing_ok=True)
        filler = fill(disk)
        yield path, filler


def test_on_a_full_disk_reads_work_and_writes_say_the_disk_is_full(full_disk_db, env):
    path, filler = full_disk_db
    url = db_url(path)
    # The order to write to, read without touching the full disk's files (immutable, read-only).
    with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as con:
        number = con.execute(f"SELECT number FROM orders WHERE {INCOMPLETE} ORDER BY id LIMIT 1").fetchone()[0]
        balance = con.execute("SELECT order_total FROM orders WHERE number = ?", (number,)).fetchone()[0]
    assert balance > 0

    listed = invoke(["orders", "list", "--limit", "5", "--json", "--db", url, "--user", "alice"], env)
    assert listed.code == 0, listed.explain()
    assert len(listed.json()) == 5
    shown = invoke(["orders", "show", number, "--db", url, "--user", "alice"], env)
    assert shown.code == 0 and number in shown.out, shown.explain()

    for write in (["orders", "note", number, "Customer called back"],
                  ["orders", "pay", number, "--method", "CardOverPhone", "--status", "Paid"],
                  ["orders", "status", number, "Approved"]):
        ran = invoke([*write, "--db", url, "--user", "alice"], env)
        assert_handled_error(ran, faults.DISK_FULL)

    filler.unlink()  # room again: the database is as it was, whole, and takes the write
    assert integrity(path) == "ok"
    before = snapshot(path, number)
    assert before["order"]["status"] == "Incomplete" and before["order"]["version"] == 1
    ran = invoke(["orders", "note", number, "Customer called back", "--db", url, "--user", "alice"], env)
    assert ran.code == 0, ran.explain()
    assert snapshot(path, number)["activity.count"] == before["activity.count"] + 1


def test_a_disk_that_fills_while_the_database_is_open_refuses_writes_and_keeps_reading(cli_demo, tmp_path, env):
    """Another program (a TUI) has the database open, so its -shm file is there: SQLite's own
    SQLITE_FULL on the write."""
    size_kb = cli_demo.path.stat().st_size // 1024 + 1024
    with small_disk(tmp_path / "disk", size_kb) as disk:
        path = cli_demo.copy(disk / "demo.db")
        url = db_url(path)
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("PRAGMA journal_mode=WAL")
            before = snapshot(path)
            number = pick_order(path, INCOMPLETE)["number"]
            filler = fill(disk)
            ran = invoke(["orders", "pay", number, "--method", "CardOverPhone", "--status", "Paid", "--db", url,
                          "--user", "alice"], env)
            assert_handled_error(ran, faults.DISK_FULL)
            listed = invoke(["orders", "list", "--limit", "3", "--db", url, "--user", "alice"], env)
            assert listed.code == 0 and number[:2] in listed.out, listed.explain()
            assert snapshot(path) == before  # read on the full disk, through the open -shm
            filler.unlink()
            assert integrity(path) == "ok"
        finally:
            other.close()


@pytest.fixture
def page_limit(monkeypatch):
    """Every connection the store opens may not grow the database (PRAGMA max_page_count)."""
    from hubtui.store import engine

    prepare = engine._prepare_sqlite

    def limited(dbapi_connection, bound):  # type: ignore[no-untyped-def]
        prepare(dbapi_connection, bound)
        dbapi_connection.execute("PRAGMA max_page_count = 1")  # never below the size it has: no growth

    monkeypatch.setattr(engine, "_prepare_sqlite", limited)


def test_sqlite_full_is_said_to_be_a_full_disk(page_limit, demo_db, env):
    """SQLITE_FULL without a small disk: notes until one needs a new page, which is refused."""
    url = db_url(demo_db)
    number = pick_order(demo_db, INCOMPLETE)["number"]
    for attempt in range(400):
        before = snapshot(demo_db, number)
        ran = invoke(["orders", "note", number, f"Call {attempt}: " + "x" * 380, "--db", url, "--user", "alice"],
                     env)
        if ran.code != 0:
            break
    else:
        pytest.fail("400 notes went into a database that may not grow")
    assert_handled_error(ran, faults.DISK_FULL)
    assert snapshot(demo_db, number) == before
    assert integrity(demo_db) == "ok"
    listed = invoke(["orders", "list", "--limit", "3", "--json", "--db", url, "--user", "alice"], env)
    assert listed.code == 0, listed.explain()


def test_the_classifier_knows_a_full_disk() -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = faults.SQLITE_FULL  # type: ignore[attr-defined]
    shm = sqlite3.OperationalError("disk I/O error")
    shm.sqlite_errorcode = faults.SQLITE_IOERR_SHMSIZE  # type: ignore[attr-defined]
    other_io = sqlite3.OperationalError("disk I/O error")
    other_io.sqlite_errorcode = 778  # SQLITE_IOERR_WRITE: a full disk only where the engine found one
    assert faults.fault_message(full) == faults.fault_message(shm) == faults.DISK_FULL
    assert faults.fault_message(other_io) is None
    assert faults.one_line(other_io) == "database error: disk I/O error"
    setattr(other_io, faults.DISK_FULL_MARK, True)
    assert faults.fault_message(other_io) == faults.DISK_FULL

    import psycopg

    assert faults.fault_message(psycopg.errors.DiskFull("could not extend file")) == faults.DISK_FULL
