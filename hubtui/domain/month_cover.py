"""How a period is covered by whole UTC months and the parts of months at its ends.

Counts kept per month (the text tallies per month) answer a period from its whole months;
the parts of the months it only starts or ends in are counted from the orders: the part
inside when it is half the month or less, else the whole month less the parts outside.
Either way an instant is counted once exactly when it lies in the period (the tests hold
this for any period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True)
class Piece:
    """Part of a month read from the orders: added (+1), or taken from a whole month (-1)."""

    start: datetime
    end: datetime
    sign: int


@dataclass(frozen=True)
class MonthCover:
    months: tuple[datetime, ...]  # the starts of the whole months taken, a run in order
    pieces: tuple[Piece, ...]

    @property
    def month_keys(self) -> tuple[str, str] | None:
        """The first and last month taken as 'YYYY-MM' (UTC), or None when none is."""
        if not self.months:
            return None
        return month_key(self.months[0]), month_key(self.months[-1])


def month_key(instant: datetime) -> str:
    """The month of an aware instant, as 'YYYY-MM' in UTC."""
    return instant.astimezone(timezone.utc).strftime("%Y-%m")


def month_start(instant: datetime) -> datetime:
    return instant.astimezone(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


def cover(low: datetime, high: datetime) -> MonthCover:
    """The cover of the period [low, high) (aware instants). Only its first and last month can
    be partly inside, so the months taken are a run."""
    taken: list[datetime] = []
    pieces: list[Piece] = []
    start = month_start(low)
    while start < high:
        end = next_month(start)
        inside_low, inside_high = max(start, low), min(end, high)
        if (inside_low, inside_high) == (start, end):
            taken.append(start)
        elif (inside_high - inside_low) * 2 <= end - start:
            if inside_low < inside_high:  # an empty period reads nothing
                pieces.append(Piece(inside_low, inside_high, 1))
        else:
            taken.append(start)
            pieces.extend(Piece(a, b, -1) for a, b in ((start, inside_low), (inside_high, end)) if a < b)
        start = end
    return MonthCover(tuple(taken), tuple(pieces))


__all__ = ["MonthCover", "Piece", "cover", "month_key", "month_start", "next_month"]
