"""Hostile text: what a person or a file can put in any text field (SPEC 8a), as plain data.

Each entry is a `Hostile`: the text as typed (`value`) and, written out by hand, how a one-line
view must show it (`shown`): markup as typed, every escape sequence and control character one
mark (U+FFFD), a line break inside a value a visible "⏎" between spaces, a tab a space.
Nothing here is computed with hubtui, so the tests compare hubtui with an independent answer.

Every `value` starts and ends with a printable, non-space character, so trimming (which the
services do to names, notes and comments) leaves it as it is; the forged activity line, the
carriage return and the controls are inside. The one with a NUL is refused wherever it is
written (`REFUSED`); every other one is stored as given.
"""

from __future__ import annotations

from dataclasses import dataclass

MARK = "\ufffd"  # where an escape sequence or a control character was
NEWLINE = " ⏎ "  # a line break inside a one-line view

# Every character that must never reach a terminal: C0 but newline (and tab, which a one-line view
# turns into a space), DEL, C1, the bidirectional overrides and isolates, and the invisible
# zero-width characters a name can hide behind.
FORBIDDEN_ON_SCREEN = frozenset(
    [chr(c) for c in range(0x20) if c != 0x0A]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u061c", "\u200b", "\u200e", "\u200f", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)

C0 = "".join(chr(c) for c in range(0x01, 0x20) if c not in (0x09, 0x0A))  # 29 characters, \r among them
C1 = "".join(chr(c) for c in range(0x80, 0xA0))  # 32 characters


@dataclass(frozen=True)
class Hostile:
    name: str
    value: str
    shown: str  # on one line

    def __str__(self) -> str:  # pytest ids
        return self.name


CORPUS: tuple[Hostile, ...] = (
    # Rich markup: read as markup "[/]" ends the app, "[link]" and "[@click]" act.
    Hostile("markup-close", "[/]", "[/]"),
    Hostile("markup-style", "[bold red]x[/]", "[bold red]x[/]"),
    Hostile("markup-link", "[link=http://x]y[/link]", "[link=http://x]y[/link]"),
    Hostile("markup-click", "[@click=app.quit]q[/]", "[@click=app.quit]q[/]"),
    # Escape sequences: colour, clear screen and home, window title (OSC 0), hyperlink (OSC 8).
    Hostile("csi-colour", "\x1b[31mred\x1b[0m", f"{MARK}red{MARK}"),
    Hostile("clear-screen", "\x1b[2J\x1b[Hcleared", f"{MARK}{MARK}cleared"),
    Hostile("osc-title", "\x1b]0;pwned\x07title", f"{MARK}title"),
    Hostile("osc8-link", "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", f"{MARK}click{MARK}"),
    # C0 (\x01-\x1f but tab and newline; its \r is a line break), DEL and C1 (\x9b is a one-byte CSI).
    Hostile("c0", f"c0<{C0}>", "c0<" + MARK * 10 + NEWLINE + MARK * 18 + ">"),
    # NUL: PostgreSQL cannot store it, so every service refuses it (domain.limits.text_problem).
    Hostile("nul", "nul<\x00>", f"nul<{MARK}>"),
    Hostile("del-c1", f"del\x7f c1<{C1}>", f"del{MARK} c1<" + MARK * 32 + ">"),
    # A line break would let a note forge an activity line of its own.
    Hostile("forged-line", "rang back\n2026-11-30 12:00 admin  status Approved → Cancelled",
            f"rang back{NEWLINE}2026-11-30 12:00 admin  status Approved → Cancelled"),
    Hostile("carriage-return", "paid\r2026-11-30 12:00 admin  Refund approved",
            f"paid{NEWLINE}2026-11-30 12:00 admin  Refund approved"),
    Hostile("tab", "col\tumn", "col umn"),
    # Right-to-left override (the "Trojan Source" trick) and zero-width characters.
    Hostile("rtl-override", "invoice\u202egnp.exe", f"invoice{MARK}gnp.exe"),
    Hostile("zero-width", "ad\u200bmin\ufeffx", f"ad{MARK}min{MARK}x"),
)

BY_NAME = {h.name: h for h in CORPUS}
REFUSED = frozenset({"nul"})  # refused by every service: PostgreSQL cannot store a NUL
STORED = tuple(h for h in CORPUS if h.name not in REFUSED)

# Longer than every field's limit (domain.limits.LIMITS): refused with the limit's message.
LONG = "x" * 10_000

# Not valid UTF-8: a terminal or a script in another encoding; Python keeps the bytes as lone
# surrogates (surrogateescape), which nothing downstream can store or print.
NOT_UTF8 = b"caf\xe9\xff"


def at_limit(limit: int, hostile: Hostile | None = None) -> str:
    """A text exactly `limit` characters long that starts with the hostile value (cut to fit)."""
    head = (hostile.value if hostile else "")[:limit]
    return head + "y" * (limit - len(head))


def has_forbidden(text: str) -> list[str]:
    """The forbidden characters in `text`, as their code points (empty: clean)."""
    return sorted({f"U+{ord(ch):04X}" for ch in text if ch in FORBIDDEN_ON_SCREEN})


__all__ = ["BY_NAME", "C0", "C1", "CORPUS", "FORBIDDEN_ON_SCREEN", "Hostile", "LONG", "MARK", "NEWLINE", "NOT_UTF8",
           "REFUSED", "STORED", "at_limit", "has_forbidden"]
