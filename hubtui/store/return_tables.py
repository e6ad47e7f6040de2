"""The tables of returns: the RMA, the order lines it takes back, and the refunds paid on an
order (for a return or not)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Return(SQLModel, table=True):
    """A return merchandise authorisation (RMA)."""

    __tablename__ = "returns"
    __table_args__ = (
        Index("ix_returns_org_status", "org_id", "status", "id"),
        Index("ix_returns_order", "order_id"),
        Index("ix_returns_org_id", "org_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    number: str = Field(max_length=12, unique=True)
    order_id: int = Field(foreign_key="orders.id")
    status: str = Field(max_length=32)
    action: str = Field(max_length=16)
    reason: str = Field(max_length=24)
    raised_from: str = Field(max_length=24)
    note: str = Field(default="", max_length=400)
    replacement_order_id: int | None = Field(default=None, foreign_key="orders.id")
    credit_note_number: str = Field(default="", max_length=32)
    credit_note_amount: int = 0
    created_at: datetime
    created_by: str = Field(max_length=64)
    updated_at: datetime
    updated_by: str = Field(max_length=64)
    version: int = 1


class ReturnLine(SQLModel, table=True):
    __tablename__ = "return_lines"
    __table_args__ = (Index("ix_return_lines_rma", "rma_id"),)

    id: int | None = Field(default=None, primary_key=True)
    rma_id: int = Field(foreign_key="returns.id")
    order_line_id: int = Field(foreign_key="order_lines.id")
    quantity: int
    reason: str = Field(max_length=24)
    received_quantity: int | None = None  # what the warehouse confirmed; None until received


class Refund(SQLModel, table=True):
    __tablename__ = "refunds"
    __table_args__ = (Index("ix_refunds_order", "order_id"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    rma_id: int | None = Field(default=None, foreign_key="returns.id")
    amount: int
    method: str = Field(max_length=24)
    reference: str = Field(default="", max_length=120)
    status: str = Field(default="Processed", max_length=24)
    created_at: datetime
    created_by: str = Field(max_length=64)


__all__ = ["Refund", "Return", "ReturnLine"]
