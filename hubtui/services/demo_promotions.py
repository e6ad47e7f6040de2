"""The demo's promotion codes: one for every rule a code is checked against (SPEC 3, issue 11),
so an operator trying `d` meets each answer: applies, withdrawn, not started, ended, under its
minimum, for other products only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from hubtui.store.tables import Promotion


def add_promotions(session: Session, org_id: int, now: datetime,
                   products: Sequence[tuple[int, str, str, int]]) -> Promotion:
    """The organisation's promotions; returns SAVE10, the one the demo orders use."""
    drills = "\n".join(code for _, code, _, _ in products if "-DRI-" in code)
    screws = "\n".join(code for _, code, _, _ in products if "-SCR-" in code)
    save10 = Promotion(org_id=org_id, code="SAVE10", description="10% off everything", kind="percent",
                       percent_bp=1000)
    session.add(save10)
    day = timedelta(days=1)
    session.add_all([
        Promotion(org_id=org_id, code="FIVEOFF", description="£5 off orders of £50 or more", kind="amount",
                  amount=500, minimum=5000),
        Promotion(org_id=org_id, code="WINTER15", description="15% off the winter range (withdrawn)",
                  kind="percent", percent_bp=1500, active=False),
        Promotion(org_id=org_id, code="SUMMER20", description="20% off, last summer", kind="percent",
                  percent_bp=2000, starts_at=now - 180 * day, ends_at=now - 90 * day),
        Promotion(org_id=org_id, code="NEWYEAR25", description="25% off from the new year", kind="percent",
                  percent_bp=2500, starts_at=now + 31 * day, ends_at=now + 60 * day),
        Promotion(org_id=org_id, code="DRILLS20", description="20% off drills, £100 of drills or more",
                  kind="percent", percent_bp=2000, minimum=10000, eligible_codes=drills),
        Promotion(org_id=org_id, code="SCREWS2", description="£2 off screws", kind="amount", amount=200,
                  eligible_codes=screws),
    ])
    return save10


__all__ = ["add_promotions"]
