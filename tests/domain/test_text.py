"""printable: what a person or a file wrote, safe to show (SPEC 8a)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.text import NEWLINE_MARK, REPLACEMENT, printable


@pytest.mark.parametrize("raw, shown", [
    ("plain [b]markup[/b] stays as typed", "plain [b]markup[/b] stays as typed"),
    ("café 10% off", "café 10% off"),
    ("\x1b]0;pwned\x07title", f"{REPLACEMENT}title"),  # set the window title
    ("\x1b[2J\x1b[Hblank", f"{REPLACEMENT}{REPLACEMENT}blank"),  # clear the screen
    ("bell\x07 and nul\x00", f"bell{REPLACEMENT} and nul{REPLACEMENT}"),
    ("c1 \x9b31m csi", f"c1 {REPLACEMENT} csi"),
    ("\x1bPq#0;2;0;0;0\x1b\\sixel", f"{REPLACEMENT}sixel"),
    ("tab\tstays", "tab\tstays"),
])
def test_escape_sequences_and_controls_are_marked_not_passed_on(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_a_newline_stays_in_a_block_and_is_a_mark_on_one_line() -> None:
    note = "called back\r\n12:00 admin  Refund approved"
    assert printable(note) == "called back\n12:00 admin  Refund approved"
    assert printable(note, one_line=True) == f"called back {NEWLINE_MARK} 12:00 admin  Refund approved"
    assert printable("a\tb", one_line=True) == "a b"


@given(st.text())
def test_nothing_a_terminal_acts_on_is_left(text: str) -> None:
    assert printable(text, one_line=True) == printable(printable(text, one_line=True), one_line=True)  # settled
    for one_line in (False, True):
        shown = printable(text, one_line=one_line)
        assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in shown)
        assert not any(0x7F <= ord(ch) <= 0x9F for ch in shown)
        if one_line:
            assert "\n" not in shown and "\t" not in shown
