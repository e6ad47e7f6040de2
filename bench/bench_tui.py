"""TUI benchmark: process start to a painted order list, page-down repaint, resident memory.

    .venv/bin/python bench/bench_tui.py [--db bench/bench-1m.db] [--small-db PATH]

Each measurement runs in a fresh process, the way an operator starts hubtui: interpreter
start, imports, opening the store and the operator, the first page painted. Results are
appended to bench/RESULTS.md under "TUI".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from results import replace_section  # noqa: E402

CHILD = r'''
import asyncio, json, sys, time
started = float(sys.argv[2])
from hubtui.config import load_settings
from hubtui.services.context import open_context
from hubtui.services import database
from hubtui.store.engine import Store
# (imports in the order the hubtui command makes them)
from hubtui.app import HubApp
from hubtui.screens.orders import OrdersScreen

# Key to paint: from the moment the screen acts on the key to the refresh that shows the
# new page (Pilot's own settling time after a press is not the app's latency).
key_at = {}
for name in ("action_next_page", "action_first_page"):
    original = getattr(OrdersScreen, name)
    def timed(self, _original=original):
        key_at["t"] = time.perf_counter()
        _original(self)
    setattr(OrdersScreen, name, timed)
painted_original = OrdersScreen._painted
def painted(self):
    key_at["painted"] = time.perf_counter()
    painted_original(self)
OrdersScreen._painted = painted

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

async def main():
    settings = load_settings(db=sys.argv[1], user="bench")
    store = Store(settings.database_url)
    database.ensure_ready(store)
    app = HubApp(store=store, context=open_context(store, "bench"), settings=settings)
    result = {}
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        while not isinstance(screen, OrdersScreen) or screen.pages_painted < 1:
            await asyncio.sleep(0.001)
            screen = app.screen
        result["first_paint_s"] = time.time() - started
        repaints = []
        for _ in range(int(sys.argv[3])):
            before = screen.pages_painted
            # Forward a page; at the end of a small list, back to the first page instead.
            key = "right_square_bracket" if screen.page.has_after else "g"
            await pilot.press(key)
            while screen.pages_painted == before:
                await asyncio.sleep(0.0005)
            repaints.append((key_at["painted"] - key_at["t"]) * 1000)
        result["page_down_ms"] = repaints
        result["rss_mib"] = rss_mib()
    print(json.dumps(result), flush=True)

asyncio.run(main())
'''


def real_start(db: str, user: str = "bench") -> float:
    """Seconds from starting the `hubtui` command in a terminal to its first painted list.

    The app writes the wall-clock time of that paint to HUBTUI_FIRST_PAINT_REPORT and exits.
    """
    import pty
    import tempfile

    report = Path(tempfile.mkstemp(prefix="hubtui-paint-")[1])
    started = time.time()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"HUBTUI_FIRST_PAINT_REPORT": str(report), "HUBTUI_CONFIG": "/nonexistent",
                           "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"})
        os.execv(sys.executable, [sys.executable, "-m", "hubtui", "--db", db, "--user", user])
    while True:  # drain the terminal so the app never blocks on output
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
    painted = float(report.read_text())
    report.unlink()
    return painted - started


def run_child(db: str, pages: int) -> dict:
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, db, repr(started), str(pages)],
        check=True, capture_output=True, text=True, cwd=HERE.parent,
        env={**os.environ, "HUBTUI_CONFIG": "/nonexistent"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(HERE / "bench-1m.db"))
    parser.add_argument("--small-db", default=str(HERE / "bench-1k.db"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if not Path(args.small_db).exists():
        subprocess.run([sys.executable, "-m", "hubtui.cli", "demo", "--db", f"sqlite:///{args.small_db}",
                        "--orders", "1000"], check=True, env={**os.environ, "HUBTUI_USER": "bench"})
    lines = ["Start: the `hubtui` command in a terminal (pty) until its first painted list; page-down and memory",
             "in a headless app, key to paint.", "",
             "| database | start to painted list s (median) | page-down repaint ms (median, p90) | RSS MiB |",
             "|---|---:|---:|---:|"]
    for label, db in (("1,000 orders", args.small_db), ("1,000,000 orders", args.db)):
        runs = [run_child(f"sqlite:///{db}", 20) for _ in range(args.runs)]
        first = statistics.median(real_start(f"sqlite:///{db}") for _ in range(args.runs))
        repaints = sorted(ms for r in runs for ms in r["page_down_ms"])
        p90 = repaints[int(len(repaints) * 0.9)]
        rss = max(r["rss_mib"] for r in runs)
        print(f"{label}: start {first:.3f} s, page-down {statistics.median(repaints):.1f} ms (p90 {p90:.1f}), RSS {rss:.0f} MiB")
        lines.append(f"| {label} | {first:.3f} | {statistics.median(repaints):.1f} ({p90:.1f}) | {rss:.0f} |")
    replace_section(args.results, "TUI", lines)


if __name__ == "__main__":
    main()
