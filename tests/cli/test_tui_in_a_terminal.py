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


@pytest.mark.slow
def test_keys_typed_the_moment_hubtui_starts_reach_the_order_they_name(demo_db, env):
    """`:`, a number, enter and `p`, typed before anything is painted: that order's payment opens."""
    order = pick_order(demo_db, "status = 'Incomplete' AND order_total > 0 AND paid_total = 0")
    number = order["number"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: hubtui, as an agent would start it
        os.environ.clear()
        os.environ.update({**env, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"})
        os.execv(sys.executable, [sys.executable, "-m", "hubtui", "--db", db_url(demo_db), "--user", "alice"])
    try:
        os.write(fd, f":{int(number[2:])}\rp".encode())  # typed at once, before the first frame
        shown = _read_until(fd, f"Payment on {number}".encode(), limit_s=20)
        assert f"Payment on {number}".encode() in shown, shown[-2000:]
        os.write(fd, b"\x1b")  # esc closes the dialog; ctrl+q leaves
        time.sleep(0.3)
        os.write(fd, b"\x11")
        _read_until(fd, b"\x1b[?1049l", limit_s=10)  # the program leaves the alternate screen
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
