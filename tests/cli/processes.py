"""Watching a child process through /proc (Linux): its children, the files it has open, whether
it still runs, and that nothing it started outlives a `kill -9`. The kill tests use these to
wait for the moment they mean to kill at instead of hoping a timer hits it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def proc_stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, None when there is no such process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def child_processes(pid: int) -> list[tuple[int, int]]:
    """(pid, start time) of the processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(int(entry))
            if stat is not None and stat[0] == pid:
                found.append((int(entry), stat[2]))
    return found


def running_with(marker: str) -> list[tuple[int, int]]:
    """(pid, start time) of the running processes with an argument ending in `marker` (a worker
    forked by a command has the command's command line, whoever its parent is now)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        stat = proc_stat(int(entry))
        if marker.encode() + b"\0" in command and stat is not None and stat[1] != "Z":  # an argument's end
            found.append((int(entry), stat[2]))
    return found


def is_alive(pid: int, started: int) -> bool:
    """Whether that process (not another that took its pid) still runs; a zombie has ended."""
    stat = proc_stat(pid)
    return stat is not None and stat[2] == started and stat[1] != "Z"


def assert_no_survivors(children: list[tuple[int, int]], when: str, marker: str | None = None) -> None:
    """Neither the children seen before the kill nor any process running the same command
    (`marker`: its database) is left a moment after it."""
    deadline = time.monotonic() + 10
    if marker is not None:
        time.sleep(0.2)
        children = children + running_with(marker)
    while any(is_alive(*child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid, started in children if is_alive(pid, started)]
    for pid in survivors:  # not to leave them to the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"processes of the killed command outlived it ({when}): {survivors}"


def has_open(pid: int, path: Path) -> bool:
    """Whether the process has the file at `path` open now (one of its /proc/PID/fd links to it)."""
    target = str(path.resolve())
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    for fd in descriptors:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                return True
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # closed while we looked
    return False


def poll(process: subprocess.Popen[str], check: Callable[[], T], deadline_s: float = 120,
         pause_s: float = 0.001) -> T | None:
    """check()'s first truthy answer, asked every `pause_s` while the process runs; None when the
    process ends or `deadline_s` passes first (the caller says what it waited for)."""
    deadline = time.monotonic() + deadline_s
    while process.poll() is None and time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(pause_s)
    return None
