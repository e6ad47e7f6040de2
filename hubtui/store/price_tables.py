"""The price-match tables: channel prices observed, the rules that compare them, and the
board each rule's products are shown on (SPEC 5).

Part of the store's tables (tables.py imports this module, so one metadata holds them all).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class ChannelPrice(SQLModel, table=True):
    """One observation of a product's price on a price-match channel. Append-only: a new
    observation never overwrites an old one, so the history stays (SPEC 5, issue 14)."""

    __tablename__ = "channel_prices"
    __table_args__ = (Index("ix_channel_prices_product_channel_observed", "product_id", "channel", "observed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id")
    channel: str = Field(max_length=16)
    price: int
    observed_at: datetime
    source: str = Field(default="entered", max_length=16,  # entered | import | apply | demo
                        sa_column_kwargs={"server_default": "entered"})
    recorded_by: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})


class PriceMatchRule(SQLModel, table=True):
    __tablename__ = "price_match_rules"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    name: str = Field(max_length=80)
    priority: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # lower is tried first
    scope: str = Field(max_length=16)  # all | brand | category | stock_codes
    scope_value: str = Field(default="", max_length=400)  # brands, categories or stock codes, one per line
    channels: str = Field(max_length=200)  # comma-separated price-match channels
    tolerance_kind: str = Field(default="percent", max_length=8)  # amount | percent
    tolerance_value: int = 0  # minor units, or basis points for percent
    min_margin_bp: int = 0
    action: str = Field(max_length=32)  # flag | match-lowest | match-lowest-above-floor
    active: bool = True
    updated_at: datetime | None = None


# The board's columns of the latest price and its time, per compared channel.
BOARD_CHANNELS = ("app", "amazon", "ebay", "flipkart", "myntra")


class PriceBoard(SQLModel, table=True):
    """One row per product: its latest compared prices and the verdict of the first matching rule.

    Derived from products, channel_prices and price_match_rules, and kept current by the
    services in the transaction that changes any of them (store/price_board.py), so that the
    Price Match screen's page, verdict filter, spread sort and counts are indexed queries at
    50,000 products instead of evaluating every rule for every product on each read.
    """

    __tablename__ = "price_board"
    __table_args__ = (
        Index("ix_price_board_org_code", "org_id", "stock_code"),
        Index("ix_price_board_org_verdict_code", "org_id", "verdict", "stock_code"),
        Index("ix_price_board_org_rank", "org_id", "spread_rank", "stock_code"),
        Index("ix_price_board_org_verdict_rank", "org_id", "verdict", "spread_rank", "stock_code"),
        # A brand's (category's) page in stock-code order, its verdicts checked in the index, and
        # its counts from the index alone.
        Index("ix_price_board_org_brand", "org_id", "brand", "stock_code", "verdict"),
        Index("ix_price_board_org_category", "org_id", "category", "stock_code", "verdict"),
        # A search reads this index, not the rows: the counts (4 ms, not 45, at 50,000 products),
        # and the page's keys, of which only the page's rows are then read (store/price_match_queries.py).
        Index("ix_price_board_org_verdict_search", "org_id", "verdict", "search_key", "stock_code", "spread_rank"),
    )

    product_id: int = Field(foreign_key="products.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    org_id: int = Field(foreign_key="organisations.id")
    stock_code: str = Field(max_length=40)
    search_key: str = Field(max_length=241)  # stock code and name, lower-cased, for "any part" search
    brand: str = Field(default="", max_length=80)
    category: str = Field(default="", max_length=80)
    own_price: int
    app_price: int | None = None
    app_at: datetime | None = None
    amazon_price: int | None = None
    amazon_at: datetime | None = None
    ebay_price: int | None = None
    ebay_at: datetime | None = None
    flipkart_price: int | None = None
    flipkart_at: datetime | None = None
    myntra_price: int | None = None
    myntra_at: datetime | None = None
    lowest: int | None = None  # of every compared channel with a price
    spread: int | None = None  # own_price - lowest
    # -spread, or SPREAD_RANK_NONE without prices: ascending order is widest spread first on
    # SQLite and PostgreSQL alike (they sort NULLs at opposite ends).
    spread_rank: int
    verdict: str = Field(max_length=16)
    rule_id: int | None = None
    lowest_channel: str | None = Field(default=None, max_length=16)  # of the deciding rule's channels
    rule_lowest: int | None = None
    floor: int | None = None
    suggested_price: int | None = None
    reason: str = Field(default="", max_length=200)


__all__ = ["BOARD_CHANNELS", "ChannelPrice", "PriceBoard", "PriceMatchRule"]
