"""A few demo orders with files attached (issue 11): a delivery note, a customer's e-mail and a
spreadsheet of serial numbers, kept in the database rows themselves so a copied demo file brings
them along, each listed in its order's activity log."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.attachments import CONTENT_TYPES, kind_of
from hubtui.store.tables import Activity, Attachment, Order

FILES = (
    ("delivery note.txt", b"Delivery note\r\nLeave with the neighbour at no. 12 if nobody is in.\r\n"),
    ("customer email.eml", b"From: customer@example.com\r\nSubject: Order query\r\n\r\n"
                           b"Could you confirm the delivery date, please?\r\n"),
    ("serial numbers.csv", b"stock_code,serial\r\nBT-DRI-1000,SN-0001\r\nBT-DRI-1000,SN-0002\r\n"),
)
ORDERS_WITH_FILES = 3


def add_attachments(session: Session, now: datetime) -> int:
    """Attach FILES to the first few orders; returns how many were attached."""
    first_org = select(Order.org_id).order_by(Order.org_id).limit(1).scalar_subquery()  # BTOOLS, opened first
    orders = session.execute(select(Order.id, Order.org_id).where(Order.org_id == first_org).order_by(Order.id)
                             .limit(ORDERS_WITH_FILES)).all()
    for (order_id, org_id), (label, data) in zip(orders, FILES):
        kind = kind_of(data, label)
        assert kind is not None, label
        session.add(Attachment(order_id=order_id, filename=label, content_type=CONTENT_TYPES[kind], size=len(data),
                               data=data, sha256=hashlib.sha256(data).hexdigest(), created_at=now,
                               created_by="system"))
        session.add(Activity(org_id=org_id, order_id=order_id, at=now, user_name="system", action="attachment",
                             summary=f"Attached {label} ({kind}, {len(data):,} bytes)"))
    return len(orders)


__all__ = ["add_attachments"]
