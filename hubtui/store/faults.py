"""What went wrong in the store, said in one line an operator can act on (SPEC 8a).

Two faults get their own sentence, the same on SQLite and PostgreSQL:

- a lock held by another connection for longer than the bound (engine.lock_timeout_ms):
  SQLite's SQLITE_BUSY / SQLITE_LOCKED ("database is locked"), PostgreSQL's
  lock_not_available (55P03, from lock_timeout) and deadlock_detected (40P01);
- a full disk: SQLite's SQLITE_FULL ("database or disk is full"), SQLITE_IOERR_SHMSIZE (the
  shared-memory index beside a WAL database cannot be given its 32 KiB, which SQLite reports
  as "disk I/O error"), any other SQLITE_IOERR the engine found on a full file system (it marks
  those, see engine._mark_disk_full), and PostgreSQL's disk_full (53100).

Errors are recognised by their attributes (sqlite3's `sqlite_errorcode`, psycopg's `sqlstate`)
along the chain SQLAlchemy wraps them in, so nothing here imports SQLAlchemy or a driver: the
CLI and the TUI call this only once something failed.
"""

from __future__ import annotations

LOCKED = "Another operator's change is holding this record; nothing was saved — try again in a moment."
DISK_FULL = "The disk holding the database is full: nothing was saved; free some space and try again."

# SQLite result codes (https://sqlite.org/rescode.html).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_IOERR_SHMSIZE = 4874
SQLITE_IOERR_SHMMAP = 5386

# PostgreSQL SQLSTATEs.
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"
DISK_FULL_STATE = "53100"

# Set on a driver's exception by the engine when an I/O error happened on a full file system.
DISK_FULL_MARK = "hubtui_disk_full"


def _chain(error: BaseException) -> list[BaseException]:
    """The error, the driver's error SQLAlchemy wraps (`orig`), and their causes."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo and len(seen) < 16:
        current = todo.pop(0)
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        orig = getattr(current, "orig", None)
        todo.extend([orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__])
    return seen


def sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def shared_memory_failed(error: BaseException) -> bool:
    """SQLite could not size or map the WAL's shared-memory file (-shm): on a full disk, what
    stops even a read from starting."""
    return sqlite_code(error) in (SQLITE_IOERR_SHMSIZE, SQLITE_IOERR_SHMMAP)


def _kind(error: BaseException) -> str | None:
    if getattr(error, DISK_FULL_MARK, False):
        return "full"
    code = sqlite_code(error)
    if code is not None:
        primary = code & 0xFF
        if primary in (SQLITE_BUSY, SQLITE_LOCKED):
            return "locked"
        if primary == SQLITE_FULL or code == SQLITE_IOERR_SHMSIZE:
            return "full"
        return None
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str):
        if state in (LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED):
            return "locked"
        if state == DISK_FULL_STATE:
            return "full"
        return None
    if type(error).__module__ == "sqlite3":  # a driver without error codes: its words
        text = str(error)
        if text.startswith(("database is locked", "database table is locked")):
            return "locked"
        if text.startswith("database or disk is full"):
            return "full"
    return None


def fault_message(error: BaseException) -> str | None:
    """LOCKED or DISK_FULL when `error` (or what it wraps) is one of those faults, else None."""
    for link in _chain(error):
        kind = _kind(link)
        if kind == "locked":
            return LOCKED
        if kind == "full":
            return DISK_FULL
    return None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def is_database_error(error: BaseException) -> bool:
    """Raised by SQLAlchemy or a database driver (sqlite3, psycopg)."""
    module = type(error).__module__
    return module == "sqlite3" or module.startswith(("sqlalchemy", "psycopg"))


def one_line(error: BaseException, lead: str = "") -> str:
    """What to tell the operator about `error`, on one line: a store fault's own sentence as it
    is; otherwise `lead` then the error (a driver's own message, not SQLAlchemy's SQL dump)."""
    said = fault_message(error)
    if said:
        return said
    orig = getattr(error, "orig", None)
    if isinstance(orig, BaseException) and is_database_error(error):
        text = f"database error: {_first_line(str(orig)) or type(orig).__name__}"
    elif is_database_error(error):
        text = f"database error: {_first_line(str(error)) or type(error).__name__}"
    else:
        text = _first_line(str(error)) or type(error).__name__
    return f"{lead}{text}"
