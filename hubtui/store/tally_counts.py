"""The twelve quick-filter counts from tally rows: the organisation's or a microsite's
order_tallies read, and any rows of the same shape (status, payment status, type, high risk, n)
folded into the counts by the domain's one definition of each quick filter.

The character, text and month tallies give rows of that shape too (char_tally.py,
text_tally.py), so every way of quick_counts.py that reads tallies ends here.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from hubtui.domain.orders import QuickFilter, matches_quick_filter
from hubtui.store.engine import RawRead

# The quick filters a tally cannot answer: they need the day each order was placed.
DATE_FILTERS = (QuickFilter.TODAY, QuickFilter.YESTERDAY)

_TALLY_SQL = (
    "SELECT status, payment_status, order_type, high_risk, SUM(n) FROM order_tallies "
    "WHERE org_id = :org_id AND n <> 0{microsite} GROUP BY status, payment_status, order_type, high_risk"
)
_TALLY_MICROSITE = " AND microsite_id = (SELECT id FROM microsites WHERE org_id = :org_id AND code = :microsite)"


def tally_rows(reader: RawRead, org_id: int, microsite: str | None) -> list[tuple[Any, ...]]:
    """(status, payment_status, order_type, high_risk, n) for one org, or one microsite."""
    if microsite:
        return reader.all(_TALLY_SQL.format(microsite=_TALLY_MICROSITE), {"org_id": org_id, "microsite": microsite})
    return reader.all(_TALLY_SQL.format(microsite=""), {"org_id": org_id})


@lru_cache(maxsize=4096)
def _tally_filters(status: str, payment_status: str, order_type: str, high_risk: bool) -> frozenset[QuickFilter]:
    """The quick filters (other than today/yesterday) a tally row counts towards.

    Asked of the domain's one definition once per distinct row, not once per row and
    filter on every call.
    """
    day = date(2000, 1, 1)  # these filters do not look at dates
    return frozenset(
        f for f in QuickFilter
        if f not in DATE_FILTERS and matches_quick_filter(
            f, status=status, payment_status=payment_status, order_type=order_type,  # type: ignore[arg-type]
            fraud_score=100 if high_risk else 0, placed_on=day, today=day,
        )
    )


def tally_counts(rows: list[tuple[Any, ...]]) -> dict[QuickFilter, int]:
    """Orders per quick filter (all but today and yesterday) from tally_rows."""
    counts = {f: 0 for f in QuickFilter if f not in DATE_FILTERS}
    for status, payment_status, order_type, high_risk, n in rows:
        for f in _tally_filters(status, payment_status, order_type, bool(high_risk)):
            counts[f] += int(n)
    return counts


__all__ = ["DATE_FILTERS", "tally_counts", "tally_rows"]
