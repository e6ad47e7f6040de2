"""Data on screen as text: never read as Rich markup, never with its control characters (SPEC 8a).

Rich reads any str it is handed (a table cell, a Static, a Label, a notification) as markup:
a note holding "[/]" ends the app, "[link=…]" reaches the terminal. Everything a person or a
file supplied goes on screen through `shown`.
"""

from __future__ import annotations

from rich.text import Text

from hubtui.domain.text import printable


def shown(value: object, style: str = "", *, one_line: bool = True) -> Text:
    """`value` as plain text; on one line unless `one_line` is False (a newline then stays one)."""
    return Text(printable("" if value is None else str(value), one_line=one_line), style=style)


def safe(value: object, *, one_line: bool = True) -> str:
    """`value` as a str for Text.append and f-strings that end up in a Text (never in markup)."""
    return printable("" if value is None else str(value), one_line=one_line)
