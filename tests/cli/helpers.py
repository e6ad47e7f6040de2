"""Running the real `hubtui` program and reading what it left in the database.

Every CLI test runs the program in a child process (`python -m hubtui.cli …`, the same
`main()` the console script calls) with a clean environment: no HUBTUI_* variable from the
developer's shell, HUBTUI_CONFIG pointing at a file that does not exist, time zone UTC.
The database is always given with `--db`; HUBTUI_DATABASE_URL points at a decoy file so a
command that ignored `--db` would be caught (the decoy must never appear).

A few cheap variations run in-process through typer's CliRunner (`invoke`), with the
same environment.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Generous: a safety net against a hung child, not a timing assertion.
CHILD_TIMEOUT_S = 180

SNAPSHOT_TABLES = ("orders", "order_lines", "payments", "activity", "returns", "users", "organisations")


def db_url(path: Path) -> str:
    return f"sqlite:///{path}"


def clean_env(tmp: Path, **overrides: str | None) -> dict[str, str]:
    """The environment for a child `hubtui`: nothing leaks in from the caller's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUBTUI_")}
    env["HUBTUI_CONFIG"] = str(tmp / "no-such-dir" / "config.toml")
    env["HUBTUI_DATABASE_URL"] = db_url(tmp / "decoy-from-env.db")
    env["HUBTUI_TIMEZONE"] = "UTC"
    env["PYTHONUTF8"] = "1"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def decoy_path(env: dict[str, str]) -> Path | None:
    url = env.get("HUBTUI_DATABASE_URL", "")
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


@dataclass(frozen=True)
class Ran:
    """What one run of the program did."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.explain()
        return json.loads(self.out)

    @property
    def out_lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def explain(self) -> str:
        return f"hubtui {' '.join(self.args)}\nexit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def is_rule(line: str) -> bool:
    """The line Rich's box style "simple" draws under a table's header."""
    return bool(line.strip()) and set(line.strip()) == {"─"}


def without_rules(lines: list[str]) -> list[str]:
    return [line for line in lines if not is_rule(line)]


def popen(args: list[str] | tuple[str, ...], env: dict[str, str], *, ctrl_c: bool = False) -> subprocess.Popen[str]:
    """The program started in the background; `ctrl_c`: with Ctrl-C (SIGINT) handled as in a
    terminal, whatever the test run inherited (see _ctrl_c_as_in_a_terminal)."""
    with _ctrl_c_as_in_a_terminal() if ctrl_c else nullcontext():
        return subprocess.Popen(
            [sys.executable, "-m", "hubtui.cli", *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )


@contextmanager
def _ctrl_c_as_in_a_terminal() -> Iterator[None]:
    """A test run started as a background job of a shell without job control (`make test &` in
    a script) ignores SIGINT, and so would the program it starts, which then rightly goes on
    loading (hubtui.cli.demo keeps an ignored Ctrl-C ignored). For as long as the child is
    started, this process handles SIGINT as Python does by default, which the child starts with."""
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if not ignored or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def finish(process: subprocess.Popen[str], args: list[str] | tuple[str, ...]) -> Ran:
    out, err = process.communicate(timeout=CHILD_TIMEOUT_S)
    return Ran(tuple(args), process.returncode, out, err)


def run(args: list[str] | tuple[str, ...], env: dict[str, str]) -> Ran:
    """Run `hubtui ARGS` in a child process and wait for it."""
    return finish(popen(args, env), args)


def invoke(args: list[str], env: dict[str, str | None]) -> Ran:
    """Run `hubtui ARGS` in-process with typer's CliRunner (cheap variations only).

    An exception that escaped the commands would bypass main()'s last-resort handler
    here, so it is turned into a test failure rather than an exit status.
    """
    from typer.testing import CliRunner

    from hubtui.cli import app

    # CliRunner sets these for the call and restores them afterwards; None unsets.
    assert "HUBTUI_CONFIG" in env, "pass the clean environment, so no user config leaks in"
    runner_env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("HUBTUI_")}
    runner_env.update({k: v for k, v in env.items() if k.startswith("HUBTUI_")})  # None: unset
    result = CliRunner().invoke(app, args, env=runner_env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"hubtui {' '.join(args)} raised {result.exception!r}") from result.exception
    return Ran(tuple(args), result.exit_code, result.stdout, result.stderr)


def assert_handled_error(ran: Ran, *fragments: str, code: int = 1) -> str:
    """Exit `code`, exactly one line on stderr that starts with "hubtui:", no traceback.

    Returns that line. Every fragment must appear in it.
    """
    assert ran.code == code, ran.explain()
    assert "Traceback" not in ran.err, ran.explain()
    assert len(ran.err_lines) == 1, ran.explain()
    line = ran.err_lines[0]
    assert line.startswith("hubtui: "), ran.explain()
    assert "internal error" not in line, ran.explain()
    for fragment in fragments:
        assert fragment in line, ran.explain()
    return line


def assert_usage_error(ran: Ran, *fragments: str) -> None:
    """Bad usage (typer/click): exit 2, the reason on stderr, no traceback, nothing on stdout."""
    assert ran.code == 2, ran.explain()
    assert "Traceback" not in ran.err, ran.explain()
    assert ran.out == "", ran.explain()
    for fragment in fragments:
        assert fragment in ran.err, ran.explain()


# --------------------------------------------------------------------------- reading the store


def connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    return con


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    with closing(connect(path)) as con:
        return con.execute(sql, params).fetchall()


def scalar(path: Path, sql: str, params: tuple[Any, ...] = ()) -> Any:
    rows = query(path, sql, params)
    assert rows, f"no row for {sql} {params}"
    return rows[0][0]


def org_id(path: Path, code: str = "BTOOLS") -> int:
    return int(scalar(path, "SELECT id FROM organisations WHERE code = ?", (code,)))


def order_row(path: Path, number: str) -> dict[str, Any] | None:
    rows = query(path, "SELECT * FROM orders WHERE number = ?", (number,))
    return dict(rows[0]) if rows else None


def snapshot(path: Path, number: str | None = None) -> dict[str, Any]:
    """Row counts of the tables a command could touch, the newest ids, and one order's row."""
    with closing(connect(path)) as con:
        state: dict[str, Any] = {}
        for table in SNAPSHOT_TABLES:
            state[f"{table}.count"] = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            state[f"{table}.max_id"] = con.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0]
        state["order_tallies"] = [
            tuple(row)
            for row in con.execute(
                "SELECT org_id, microsite_id, status, payment_status, order_type, high_risk, n FROM order_tallies "
                "ORDER BY 1, 2, 3, 4, 5, 6"
            )
        ]
        if number is not None:
            row = con.execute("SELECT * FROM orders WHERE number = ?", (number,)).fetchone()
            state["order"] = dict(row) if row else None
    return state


def pick_order(path: Path, where: str, params: tuple[Any, ...] = (), org: str = "BTOOLS") -> dict[str, Any]:
    """The oldest order of `org` matching `where` (deterministic for the fixed demo data)."""
    rows = query(
        path,
        f"SELECT * FROM orders WHERE org_id = ? AND ({where}) ORDER BY id LIMIT 1",
        (org_id(path, org), *params),
    )
    assert rows, f"the demo data has no {org} order with {where} {params}"
    return dict(rows[0])


def sqlite_write_locked(path: Path) -> bool:
    """Whether another connection holds the SQLite database's write lock now: BEGIN IMMEDIATE on a
    connection that does not wait (busy_timeout 0) fails with "database is locked". When it
    succeeds the probe holds the lock itself, for no longer than its ROLLBACK."""
    con = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        con.execute("PRAGMA busy_timeout=0")
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "database is locked" in str(error):
                return True
            raise
        con.execute("ROLLBACK")
        return False
    finally:
        con.close()
