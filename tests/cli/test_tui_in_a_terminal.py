"""The real program in a real terminal (a pty): keys typed as it starts keep their meaning."""

from __future__ import annotations

import os
import select
import sys
import time

import pytest

from .helpers import db_url, pick_order

pty = pytest.importorskip("pty")


def _read_until(fd: int, wanted: bytes, limit_s: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + limit_s
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the program ended
                break
    return seen


def _start(demo_db, env) -> tuple[int, int]:
    """hubtui in a new terminal, as an agent would start it: (pid, the terminal's fd)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.clear()
        os.environ.update({**env, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"})
        os.execv(sys.executable, [sys.executable, "-m", "hubtui", "--db", db_url(demo_db), "--user", "alice"])
    return pid, fd


def _stop(pid: int, fd: int) -> None:
    os.write(fd, b"\x11")  # ctrl+q
    _read_until(fd, b"\x1b[?1049l", limit_s=10)  # the program leaves the alternate screen
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)


def _wait_for_line_mode_off(fd: int) -> None:
    """Until the program's first step (hubtui.early_keys) has taken the terminal out of line mode.

    Keys typed before the program runs at all are the shell's terminal's: there an enter is a
    line feed (still read as enter) and ctrl+s is flow control, which no program ever sees."""
    import termios

    deadline = time.monotonic() + 10
    while termios.tcgetattr(fd)[3] & termios.ECHO and time.monotonic() < deadline:
        time.sleep(0.005)


@pytest.mark.slow
def test_keys_typed_the_moment_hubtui_starts_reach_the_order_they_name(demo_db, env):
    """`:`, a number, enter and `p`, typed before anything is painted: that order's payment opens."""
    order = pick_order(demo_db, "status = 'Incomplete' AND order_total > 0 AND paid_total = 0")
    number = order["number"]
    pid, fd = _start(demo_db, env)
    try:
        os.write(fd, f":{int(number[2:])}\rp".encode())  # typed at once, before the first frame
        shown = _read_until(fd, f"Payment on {number}".encode(), limit_s=20)
        assert f"Payment on {number}".encode() in shown, shown[-2000:]
        os.write(fd, b"\x1b")  # esc closes the dialog
        time.sleep(0.3)
    finally:
        _stop(pid, fd)


@pytest.mark.slow
def test_a_whole_phone_order_typed_as_hubtui_starts_is_placed_and_paid(demo_db, env):
    """Ctrl+s is a key, not the terminal's XOFF, even before Textual has the terminal."""
    from .helpers import query

    email = query(demo_db, "SELECT email FROM customers WHERE company_id IS NULL AND line1 <> '' "
                           "ORDER BY id LIMIT 1")[0]["email"]
    code = query(demo_db, "SELECT stock_code FROM products WHERE active ORDER BY id LIMIT 1")[0]["stock_code"]
    pid, fd = _start(demo_db, env)
    try:
        _wait_for_line_mode_off(fd)  # hubtui has the terminal, long before Textual has
        os.write(fd, f"n{email}\r{code}\r\x13AUTH-PTY\x13".encode())
        shown = _read_until(fd, b"Phone order placed", limit_s=30)
        assert b"Phone order placed" in shown, shown[-2000:]
    finally:
        _stop(pid, fd)
    payments = query(demo_db, "SELECT method, status, reference FROM payments WHERE reference = 'AUTH-PTY'")
    assert [tuple(p) for p in payments] == [("CardOverPhone", "Paid", "AUTH-PTY")]


@pytest.mark.slow
def test_an_escape_and_the_key_after_it_in_one_read_are_two_keys(demo_db, env):
    """esc then D typed while the program was busy reach it in one read: the filter closes and
    the period changes (Textual alone read the pair as alt+shift+d, and did nothing)."""
    pid, fd = _start(demo_db, env)
    try:
        _wait_for_line_mode_off(fd)
        os.write(fd, b"/07\r")
        shown = _read_until(fd, b"07", limit_s=20)
        assert b"07" in shown, shown[-2000:]
        time.sleep(0.5)
        os.write(fd, b"\x1bD")
        shown = _read_until(fd, "today · all microsites".encode(), limit_s=10)
        assert "today · all microsites".encode() in shown, shown[-2000:]
    finally:
        _stop(pid, fd)
