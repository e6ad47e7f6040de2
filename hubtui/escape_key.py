"""An escape typed just before another key is an escape, however fast the two arrive.

A terminal sends the escape key as the byte ESC, and alt+x as ESC then x. Textual tells them
apart by time: an ESC with nothing after it within a tenth of a second (ESCDELAY) is the escape
key. When the program is busy, or the keys cross a slow link, an agent's escape and the key
after it reach it in one read, and Textual reads the pair as one key: esc D became alt+shift+d
(the filter stayed open, D did nothing), esc / a bare "/" (the escape lost), esc 1 a "¡" typed
into the field. hubtui binds no alt key, so here an ESC followed by anything that cannot
continue an escape sequence is the escape key, and the key after it is itself.

Textual's private names relied on (tests/tui/test_textual_private_names.py checks them):
`textual._xterm_parser.XTermParser`, the name the Linux driver builds its parser from
(`textual.drivers.linux_driver.XTermParser`), and the parser's `_timeout_time`.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser

ESC = "\x1b"
# What may follow ESC in what a terminal sends: CSI, SS3, DCS, OSC and APC sequences, the string
# terminator (ESC \\) that ends some, and a second ESC (the parser's own case: the first is the
# escape key).
SEQUENCE_STARTS = frozenset("[OP]_\\" + ESC)


class EscapeApartParser(XTermParser):
    """XTermParser that reads an ESC followed by a plain key as the escape key, then that key,
    whether the two came in one read or the key came in the next before the parser's wait ran out."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._escape_last = False  # the last read ended with an ESC

    def feed(self, data: str) -> Iterable[events.Event]:  # type: ignore[override]
        if self._escape_last and data and data[0] not in SEQUENCE_STARTS:
            yield from self._escape_alone()
        self._escape_last = data.endswith(ESC)
        start = 0
        for at in range(len(data) - 1):
            if data[at] == ESC and data[at + 1] not in SEQUENCE_STARTS:
                yield from super().feed(data[start:at + 1])
                yield from self._escape_alone()
                start = at + 1
        if start < len(data) or not data:
            yield from super().feed(data[start:])

    def _escape_alone(self) -> Iterable[events.Event]:
        """The ESC just fed, as the escape key: what the parser does when its wait for more runs
        out (nothing when it is not waiting: the wait ran out already)."""
        if self._timeout_time is not None:  # noqa: SLF001
            self._timeout_time = 0.0  # noqa: SLF001  # due now
            yield from self.tick()


def keep_escapes_apart() -> None:
    """Make the Linux driver read keys with EscapeApartParser (call before the app runs)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # not a POSIX system: another driver, with its own reading of keys
        return
    if getattr(linux_driver, "XTermParser", None) is XTermParser:
        linux_driver.XTermParser = EscapeApartParser  # type: ignore[misc]


__all__ = ["EscapeApartParser", "keep_escapes_apart"]
