"""Tab completion of a file path, as a shell does it: the longest part every match shares, a
folder gaining its `/` when it is the only match."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.widgets import Input


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


SHOWN_NAMES = 12  # names a hint lists when several match


def complete_field(field: Input) -> str | None:
    """tab in a path field: the field completed in place (cursor at its end) and "" returned;
    when nothing could be added but several names match, they are returned as a hint to show;
    None when there is nothing to complete (the caller moves on, as a shell's tab would not)."""
    completed, names = complete_path(field.value)
    if completed != field.value:
        field.value = completed
        field.cursor_position = len(completed)
        return ""
    if len(names) > 1:
        return "  ".join(names[:SHOWN_NAMES]) + ("  …" if len(names) > SHOWN_NAMES else "")
    return None
