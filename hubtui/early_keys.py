"""Keys typed while hubtui starts keep their meaning.

Until Textual puts the terminal in raw mode, about a second into the start, the terminal is
in line mode: what an agent types is echoed onto the screen, and enter arrives as a line
feed, which Textual reads as ctrl+j, so ":30⏎p" became "30p" in the jump box. Taking the
terminal out of line mode first thing leaves those keys waiting, unechoed and as typed,
for Textual to read with everything after them; the app then holds them until it can act
(hubtui.widgets.key_delivery). The terminal's own settings come back when the program ends.

It stays here, beside hubtui.startup, rather than under hubtui/widgets: it runs before Textual
(or the CLI) is imported, and imports nothing but the standard library.
"""

from __future__ import annotations

import atexit
import sys


def keep_typed_keys() -> None:
    """Stop line editing and echo on a terminal, as Textual would, until the program exits."""
    try:
        import termios
    except ImportError:  # not a POSIX terminal: nothing to keep
        return
    stream = sys.stdin
    try:
        if not stream.isatty():
            return
        fd = stream.fileno()
        before = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):
        return
    raw = termios.tcgetattr(fd)
    # Enter stays a carriage return; ctrl+s and ctrl+q are keys, not the terminal's flow control
    # (ctrl+s, save, would otherwise be swallowed and stop the output).
    raw[0] &= ~(termios.ICRNL | termios.INLCR | termios.IGNCR | termios.IXON | termios.IXOFF)
    raw[3] &= ~(termios.ICANON | termios.ECHO)  # keys are neither held for a whole line nor echoed
    try:
        termios.tcsetattr(fd, termios.TCSANOW, raw)
    except termios.error:
        return

    def restore() -> None:
        try:
            termios.tcsetattr(fd, termios.TCSANOW, before)
        except (OSError, termios.error):
            pass

    atexit.register(restore)
