"""Text a person or a file supplied, made safe to show (SPEC 8a).

A note, a reference or a name can hold terminal escape sequences (set the window title,
blank the screen) and control characters; on a one-line view a newline would let a note
forge a line of its own ("12:00 admin  Refund approved"). What is shown keeps every
printable character and marks what was taken out, so nothing disappears without trace.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"  # where a control character or an escape sequence was
NEWLINE_MARK = "⏎"  # a line break inside a one-line view

# ESC [ … final (CSI), ESC ] … BEL or ST (OSC), ESC P/X/^/_ … ST (DCS, SOS, PM, APC), and
# ESC with one more character; then any other C0 or C1 control but tab and newline, and the
# invisible format characters that change what a line seems to say: the bidirectional marks,
# embeddings, overrides and isolates (U+202E turns "invoice\u202egnp.exe" into "invoiceexe.png"
# on a terminal that reorders) and the zero-width space, word joiner and byte-order mark.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[\x20-\x7e]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` without escape sequences and control characters (each becomes one mark); tabs
    and newlines stay, unless `one_line`, where a tab is a space and a newline a visible mark."""
    if one_line:
        text = _LINE_BREAKS.sub(f" {NEWLINE_MARK} ", text).replace("\t", " ")
    else:
        text = _LINE_BREAKS.sub("\n", text)
    text = _ESCAPES.sub(REPLACEMENT, text)
    return _CONTROLS.sub(REPLACEMENT, text)


def printable_in_place(text: str) -> str:
    """`text` as an editable field shows it: each control character one mark, each line break a
    visible mark, one for one, so that a position in the text is the same position on screen.
    Tabs stay; what followed an ESC stays visible, harmless without it."""
    return _CONTROLS.sub(REPLACEMENT, text.replace("\r", NEWLINE_MARK).replace("\n", NEWLINE_MARK))


def json_escaped(json_text: str) -> str:
    """JSON text (json.dumps with ensure_ascii=False) with each character `printable` would mark
    written as its \\u escape: the same JSON, safe on a terminal. json.dumps escapes C0 itself
    but leaves DEL, C1 (\\x9b is a one-byte CSI) and the bidirectional and zero-width
    characters as they are. These occur only inside strings, where an escape means the same."""
    return _CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", json_text)


__all__ = ["NEWLINE_MARK", "REPLACEMENT", "json_escaped", "printable", "printable_in_place"]
