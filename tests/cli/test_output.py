"""The CLI's tables (hubtui.cli.output): aligned, typed text shown as typed, whole when piped,
shortened with "…" only on a terminal too narrow for them."""

from __future__ import annotations

import sys

import pytest
from rich.cells import cell_len

from hubtui.cli import output
from hubtui.cli.output import Column, print_table

COLUMNS = (Column("NUMBER"), Column("CUSTOMER", shrink=True), Column("TOTAL", right=True))
ROWS = [("BT0000001", "[bold red]Ada[/] :smile: 中文", "£1,234.50"), ("BT0000002", "Bo\x1b[2J\nx", "£5.00")]


def test_piped_the_table_is_whole_aligned_and_plain(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(COLUMNS, ROWS)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NUMBER", "CUSTOMER", "TOTAL"]
    assert set(lines[1]) == {"─"}
    assert "[bold red]Ada[/] :smile: 中文" in lines[2]  # not markup, not an emoji code
    assert "Bo\ufffd ⏎ x" in lines[3] and "\x1b" not in "".join(lines)  # printable, one line
    assert lines[2].endswith("£1,234.50") and lines[3].endswith("    £5.00")  # money to the right
    assert len({cell_len(line) for line in (lines[0], lines[2], lines[3])}) == 1  # right edges line up


def test_a_long_list_lines_up_across_the_chunks_it_is_rendered_in(capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "_CHUNK", 3)
    rows = [(f"BT{n:07d}", "x" * n, f"£{n}.00") for n in range(1, 11)]
    print_table(COLUMNS, rows)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 + 10
    assert {len(line) for line in lines[2:]} == {len(lines[0])}  # the widest name sets every row's width


def test_on_a_narrow_terminal_the_text_columns_are_shortened(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(output, "_terminal_width", lambda: 40)
    print_table(COLUMNS, [("BT0000001", "Alexandra Featherstonehaugh-Smythe", "£1,234.50")])
    row = capsys.readouterr().out.splitlines()[-1]
    assert row.startswith("BT0000001") and row.endswith("£1,234.50") and "…" in row
    assert len(row) <= 40


def test_an_empty_list_without_a_header_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(COLUMNS, [], header=False)
    assert capsys.readouterr().out == ""
