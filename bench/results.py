"""What the benchmarks share: RESULTS.md, where each owns a "## …" section and replaces only
that, and the median timing they report."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPEAT = 15


def median_ms(action: Callable[[], object], repeat: int = REPEAT) -> float:
    """The median of `repeat` timed runs of `action`, in ms, after one untimed run that warms
    the page cache and the statement caches."""
    action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def replace_section(path: Path, title: str, body: list[str]) -> None:
    """Write `## title` with `body` in place of that section (or at the end when it is new)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    section = "\n".join([f"## {title}", "", *body]).rstrip("\n") + "\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
