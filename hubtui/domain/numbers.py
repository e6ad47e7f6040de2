"""Order and RMA numbers: a fixed prefix and seven digits."""

from __future__ import annotations

import re

from hubtui.domain.errors import NumberFormatError

_DIGITS = 7
_MAX_SEQUENCE = 10**_DIGITS - 1


def _format(prefix: str, seq: int) -> str:
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise NumberFormatError(f"A {prefix} number needs a whole sequence, got {seq!r}")
    if not 1 <= seq <= _MAX_SEQUENCE:
        raise NumberFormatError(
            f"{prefix} numbers run from 1 to {_MAX_SEQUENCE:,}; {seq:,} is out of range"
        )
    return f"{prefix}{seq:0{_DIGITS}d}"


def _parse(prefix: str, text: str) -> str:
    # People read numbers off screens and phone calls, so the prefix and the
    # leading zeros are optional and case does not matter.
    pattern = rf"(?:{prefix})?\s*([0-9]{{1,{_DIGITS}}})"
    cleaned = text.strip().upper() if isinstance(text, str) else ""
    match = re.fullmatch(pattern, cleaned, re.ASCII)
    if match is None or int(match[1]) == 0:
        raise NumberFormatError(
            f"{text!r} is not a {prefix} number; expected {prefix} and up to "
            f"{_DIGITS} digits, like {prefix}0001234"
        )
    return _format(prefix, int(match[1]))


def format_order_number(seq: int) -> str:
    return _format("BT", seq)


def parse_order_number(text: str) -> str:
    """The canonical ``BT0001234`` for anything a person might type for it."""
    return _parse("BT", text)


def order_sequence(number: str) -> int:
    return int(parse_order_number(number)[2:])


def format_rma_number(seq: int) -> str:
    return _format("RMA", seq)


def parse_rma_number(text: str) -> str:
    """The canonical ``RMA0001234`` for anything a person might type for it."""
    return _parse("RMA", text)


def rma_sequence(number: str) -> int:
    return int(parse_rma_number(number)[3:])
