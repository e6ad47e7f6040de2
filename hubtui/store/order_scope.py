"""What an order-list query is scoped to that the store cannot work out itself (organisation,
microsite, period), and how the period and a date keyset are bound to a statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubtui.store.engine import RawRead


@dataclass(frozen=True)
class Scope:
    """The resolved parts of a query the store cannot work out itself."""

    org_id: int
    microsite: str | None = None  # a microsite code, resolved inside the statement
    placed_from: datetime | None = None  # inclusive, UTC
    placed_to: datetime | None = None  # exclusive, UTC
    # The text counted where it is held by value only, not at the start of order numbers (the
    # counts' numbers way, numbers_way.py, counts those itself).
    by_value: bool = False


def bind_period(reader: RawRead, scope: Scope, keyset: Sequence[Any] | None, params: dict[str, Any]) -> None:
    """The date range, and the date keyset (placed_at, id) when there is one, as statement parameters."""
    if scope.placed_from is not None:
        params["placed_from"] = reader.timestamp(scope.placed_from)
    if scope.placed_to is not None:
        params["placed_to"] = reader.timestamp(scope.placed_to)
    if keyset is not None:
        params["k0"], params["k1"] = reader.timestamp(keyset[0]), keyset[1]


__all__ = ["Scope", "bind_period"]
