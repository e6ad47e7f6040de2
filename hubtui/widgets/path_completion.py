"""Tab completion of a file path, as a shell does it: the longest part every match shares, a
folder gaining its `/` when it is the only match."""

from __future__ import annotations

import os
from pathlib import Path


def complete_path(text: str) -> tuple[str, list[str]]:
    """The completed text and the names that still match (for a hint when there are several)."""
    if "\x00" in text:
        return text, []
    expanded = os.path.expanduser(text) if text.startswith("~") else text
    folder, _, start = expanded.rpartition("/")
    where = Path(folder or ("/" if expanded.startswith("/") else "."))
    if expanded.startswith("/") and not folder:
        where = Path("/")
    try:
        names = sorted(name for name in os.listdir(where) if name.startswith(start)
                       and (start.startswith(".") or not name.startswith(".")))
    except OSError:
        return text, []
    if not names:
        return text, []
    common = os.path.commonprefix(names)
    typed_folder = text[: len(text) - len(start)]
    completed = typed_folder + common
    if len(names) == 1 and (where / names[0]).is_dir():
        completed += "/"
    return completed, names


__all__ = ["complete_path"]
