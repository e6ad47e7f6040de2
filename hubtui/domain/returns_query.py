"""What an operator asks of the returns list: a quick filter, a status, an action, dates, a text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from hubtui.domain.returns import ReturnsFilter


@dataclass(frozen=True)
class ReturnsQuery:
    quick_filter: ReturnsFilter = ReturnsFilter.ALL
    status: str | None = None
    action: str | None = None
    date_from: date | None = None  # raised on or after
    date_to: date | None = None  # raised on or before
    text: str | None = None  # an RMA or order number, or part of an e-mail or name

    def with_changes(self, **changes: object) -> ReturnsQuery:
        return replace(self, **changes)  # type: ignore[arg-type]

    def describe(self) -> str:
        parts = [self.quick_filter.value.replace("-", " ")]
        for label, value in (("status", self.status), ("action", self.action), ("from", self.date_from),
                             ("to", self.date_to), ("text", self.text)):
            if value not in (None, ""):
                parts.append(f"{label} {value}")
        return ", ".join(parts)


__all__ = ["ReturnsQuery"]
