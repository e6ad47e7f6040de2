"""What an export is asked for, checked before anything is read (SPEC 6, 7): which days (a
period, from/to days, or all time), which of the list's filters narrow it, in words, and where
the file goes. services.export writes the file; these are its names too."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hubtui.domain.errors import DomainError
from hubtui.domain.import_columns import ExportKind
from hubtui.domain.order_query import OrderQuery, SortKey
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period, period_range
from hubtui.domain.text import printable

__all__ = ["ExportError", "ExportRange", "check_out_path", "default_file_name", "export_query", "filter_words"]


class ExportError(DomainError):
    """The export was refused, or the file could not be written; nothing was left behind."""


@dataclass(frozen=True)
class ExportRange:
    """Which days: a period (today, last-7-days, …), or from/to days (either may be open), or
    neither: all time. `date_to` is inclusive."""

    period: Period | None = None
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.period is not None:
            try:
                period: Period | None = Period(self.period)
            except ValueError:
                raise ExportError(f"'{printable(str(self.period), one_line=True)}' is not a range; use one of "
                                  f"{', '.join(p.value for p in Period if p is not Period.CUSTOM)}") from None
            # custom means the days given
            object.__setattr__(self, "period", None if period is Period.CUSTOM else period)
        if self.period is not None and (self.date_from or self.date_to):
            raise ExportError(f"give either the range {self.period} or from/to days, not both")
        if self.date_from and self.date_to:
            period_range(Period.CUSTOM, self.date_from, date_from=self.date_from, date_to=self.date_to)  # from > to

    def words(self) -> str:
        if self.period is not None:
            return self.period.value.replace("-", " ")
        if self.date_from and self.date_to:
            return f"{self.date_from} to {self.date_to}"
        if self.date_from:
            return f"from {self.date_from}"
        if self.date_to:
            return f"until {self.date_to}"
        return "all time"


def default_file_name(kind: ExportKind | str, today: date) -> str:
    """orders-2026-12-01.xlsx"""
    return f"{ExportKind(kind).value}-{today.isoformat()}.xlsx"


def export_query(query: OrderQuery | None, span: ExportRange) -> OrderQuery:
    """The list's query (its quick filter, search fields and text) over the export's range, oldest first."""
    base = query or OrderQuery()
    custom = span.date_from is not None or span.date_to is not None
    return base.with_changes(period=Period.CUSTOM if custom else span.period, date_from=span.date_from,
                             date_to=span.date_to, sort=SortKey.PLACED, descending=False)


def filter_words(query: OrderQuery | None) -> str:
    """What narrows the export besides its range, in words ("" when nothing does)."""
    if query is None:
        return ""
    parts = [] if query.quick_filter is QuickFilter.ALL else [f"filter {query.quick_filter.value}"]
    for label, value in (("status", query.status), ("type", query.order_type), ("channel", query.channel),
                         ("microsite", query.microsite), ("payment method", query.payment_method),
                         ("payment status", query.payment_status), ("email", query.email),
                         ("post code", query.postcode), ("number", query.number), ("name", query.name),
                         ("text", query.text)):
        if value not in (None, ""):
            parts.append(f"{label} {printable(str(value), one_line=True)}")
    return ", ".join(parts)


def check_out_path(out: str | os.PathLike[str], example: str = "orders.xlsx") -> Path:
    """Where the file goes, refused (nothing written) when it cannot be an xlsx file there."""
    text = os.fspath(out)
    if not text.strip():
        raise ExportError(f"give the file to write, e.g. {example}")
    if "\x00" in text:
        raise ExportError("the file name holds a NUL character")
    path = Path(text).expanduser().absolute()
    shown = printable(str(path), one_line=True)
    if path.is_dir():
        raise ExportError(f"{shown} is a folder; give a file name in it, e.g. {printable(str(path / example), one_line=True)}")
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"{shown}: the file name must end in .xlsx")
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"the folder {printable(str(folder), one_line=True)} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write in the folder {printable(str(folder), one_line=True)}: permission denied")
    if path.exists() and not path.is_file():
        raise ExportError(f"{shown} is not a regular file")
    return path
