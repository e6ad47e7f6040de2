"""hubtui.escape_key: an escape and the key after it stay two keys however they are read."""

from __future__ import annotations

import pytest

from hubtui.escape_key import EscapeApartParser, keep_escapes_apart

WAIT_RAN_OUT = "<the wait ran out>"  # not a read: the parser's wait for the rest of a sequence ends here


def _keys(*reads: str) -> list[str]:
    parser = EscapeApartParser()
    keys: list[str] = []
    for read in reads:
        if read == WAIT_RAN_OUT:
            parser._timeout_time = 0.0  # noqa: SLF001
            events = list(parser.tick())
        else:
            events = list(parser.feed(read))
        keys += [getattr(event, "key", type(event).__name__) for event in events]
    return keys


@pytest.mark.parametrize(("reads", "keys"), [
    (("\x1bD",), ["escape", "D"]),  # Textual alone: alt+shift+d
    (("\x1b/",), ["escape", "slash"]),  # Textual alone: slash, the escape lost
    (("\x1b1",), ["escape", "1"]),  # Textual alone: "¡"
    (("\x1b\r",), ["escape", "enter"]),
    (("\x1b\x1bD",), ["escape", "escape", "D"]),
    (("ab\x1bdx",), ["a", "b", "escape", "d", "x"]),
    (("\x1b", "D"), ["escape", "D"]),  # the key in the next read, before the wait ran out
    (("\x1b", WAIT_RAN_OUT, "D"), ["escape", "D"]),
    (("\x1b", WAIT_RAN_OUT), ["escape"]),
], ids=repr)
def test_an_escape_then_a_key_is_two_keys(reads: tuple[str, ...], keys: list[str]) -> None:
    assert _keys(*reads) == keys


@pytest.mark.parametrize(("reads", "keys"), [
    (("\x1b[A",), ["up"]),
    (("\x1b", "[A"), ["up"]),
    (("\x1bOP",), ["f1"]),
    (("\x1b[<0;10;5M",), ["MouseDown"]),
    (("\x1b[200~pasted\x1b[201~",), ["Paste"]),
], ids=repr)
def test_what_a_terminal_sends_as_one_sequence_stays_one(reads: tuple[str, ...], keys: list[str]) -> None:
    assert _keys(*reads) == keys


def test_the_linux_driver_builds_its_parser_from_the_class_put_in_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual._xterm_parser import XTermParser
    from textual.drivers import linux_driver

    monkeypatch.setattr(linux_driver, "XTermParser", XTermParser)
    keep_escapes_apart()
    assert linux_driver.XTermParser is EscapeApartParser
    keep_escapes_apart()  # once is enough; a second call changes nothing
    assert linux_driver.XTermParser is EscapeApartParser
