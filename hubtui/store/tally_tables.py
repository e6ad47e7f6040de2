"""The tally tables: order counts kept by triggers on orders so that the quick-filter counts read a
few hundred rows instead of the orders (tally.py, text_tally.py, day_tally.py, char_tally.py), and the span of numbers each day holds
(day_numbers.py).

Part of the store's tables (tables.py imports this module, so one metadata holds them all).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Table
from sqlmodel import Field, SQLModel


class OrderTally(SQLModel, table=True):
    """Order counts per (org, microsite, status, payment status, type, risk).

    Kept by database triggers so that quick-filter counts at a million orders read a few
    hundred rows instead of scanning the orders table.
    """

    __tablename__ = "order_tallies"

    org_id: int = Field(primary_key=True)
    microsite_id: int = Field(primary_key=True)
    status: str = Field(max_length=32, primary_key=True)
    payment_status: str = Field(max_length=24, primary_key=True)
    order_type: str = Field(max_length=16, primary_key=True)
    high_risk: bool = Field(primary_key=True)
    n: int = 0


class OrderTextTally(SQLModel, table=True):
    """Order counts per (org, e-mail, name key, post-code key, microsite, status, payment
    status, type, risk); rows at zero are deleted.

    Kept by database triggers (store/text_tally.py) so that the quick-filter counts under a
    "/" text sum the rows of the customers holding it instead of reading their orders.
    """

    __tablename__ = "order_text_tallies"
    __table_args__ = (
        Index("ix_order_text_tallies_name", "org_id", "customer_name_key"),
        Index("ix_order_text_tallies_postcode", "org_id", "shipping_postcode_key"),
    )

    org_id: int = Field(primary_key=True)
    customer_email: str = Field(max_length=254, primary_key=True)
    customer_name_key: str = Field(max_length=161, primary_key=True)
    shipping_postcode_key: str = Field(max_length=16, primary_key=True)
    microsite_id: int = Field(primary_key=True)
    status: str = Field(max_length=32, primary_key=True)
    payment_status: str = Field(max_length=24, primary_key=True)
    order_type: str = Field(max_length=16, primary_key=True)
    high_risk: bool = Field(primary_key=True)
    n: int = 0


class OrderTextMonthTally(SQLModel, table=True):
    """OrderTextTally's counts per UTC month placed ('YYYY-MM'); rows at zero are deleted.
    Kept by triggers (store/text_tally.py) so that a period's counts under a "/" text sum its
    whole months and read only the orders at its edges."""

    __tablename__ = "order_text_month_tallies"
    __table_args__ = (
        Index("ix_order_text_month_tallies_name", "org_id", "customer_name_key", "month"),
        Index("ix_order_text_month_tallies_postcode", "org_id", "shipping_postcode_key", "month"),
        Index("ix_order_text_month_tallies_month", "org_id", "month"),
    )

    org_id: int = Field(primary_key=True)
    customer_email: str = Field(max_length=254, primary_key=True)
    customer_name_key: str = Field(max_length=161, primary_key=True)
    shipping_postcode_key: str = Field(max_length=16, primary_key=True)
    month: str = Field(max_length=7, primary_key=True)
    microsite_id: int = Field(primary_key=True)
    status: str = Field(max_length=32, primary_key=True)
    payment_status: str = Field(max_length=24, primary_key=True)
    order_type: str = Field(max_length=16, primary_key=True)
    high_risk: bool = Field(primary_key=True)
    n: int = 0


class OrderDayTally(SQLModel, table=True):
    """Order counts per (org, UTC day placed, microsite, status, payment status, type, risk);
    rows at zero are deleted. Kept by triggers (store/day_tally.py) so that the quick-filter
    counts of a period sum its days' rows instead of counting its orders.
    """

    __tablename__ = "order_day_tallies"

    org_id: int = Field(primary_key=True)
    status: str = Field(max_length=32, primary_key=True)
    payment_status: str = Field(max_length=24, primary_key=True)
    order_type: str = Field(max_length=16, primary_key=True)
    high_risk: bool = Field(primary_key=True)
    day: date = Field(primary_key=True)
    microsite_id: int = Field(primary_key=True)
    n: int = 0


class OrderDayNumbers(SQLModel, table=True):
    """The lowest and highest order number an organisation placed on each UTC day; a span only
    widens. Kept by triggers (store/day_numbers.py) so that the counts under a text of digits
    read whole days where every order's number holds it."""

    __tablename__ = "order_day_numbers"

    org_id: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    low: str = Field(max_length=12)
    high: str = Field(max_length=12)


def _char_tally(name: str, key: list[Column]) -> Table:  # type: ignore[type-arg]
    """A table of order counts per key (n) and per character held (store/char_tally.py)."""
    from hubtui.store.char_tally import COLUMNS

    counts = [Column(column, Integer, nullable=False) for column in ("n", *COLUMNS)]
    return Table(name, SQLModel.metadata, *key, *counts)


def _key(name: str, kind: Any) -> Column:  # type: ignore[type-arg]
    return Column(name, kind, primary_key=True, nullable=False, autoincrement=False)


def _group_key() -> list[Column]:  # type: ignore[type-arg]
    return [_key("status", String(32)), _key("payment_status", String(24)), _key("order_type", String(16)),
            _key("high_risk", Boolean)]


# Orders per (org, microsite, status, payment status, type, risk) over all time, and per UTC day
# placed, with how many of them hold each letter and digit; kept by triggers, rows stay at zero.
ORDER_CHAR_TALLIES = _char_tally("order_char_tallies", [_key("org_id", Integer), _key("microsite_id", Integer),
                                                        *_group_key()])
ORDER_CHAR_DAY_TALLIES = _char_tally("order_char_day_tallies", [_key("org_id", Integer), *_group_key(),
                                                                _key("day", Date), _key("microsite_id", Integer)])
