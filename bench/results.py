"""RESULTS.md is shared by the benchmarks: each one owns a "## …" section and replaces only that."""

from __future__ import annotations

import re
from pathlib import Path


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
