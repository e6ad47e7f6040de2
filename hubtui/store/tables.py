"""The tables of the store.

Enumerated values (statuses, methods, roles) are stored as their SPEC spelling in plain
string columns so that CSV, CLI and SQL all read the same words. Money is integer minor
units. Timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from hubtui.domain.orders import HIGH_RISK_SCORE

# Partial-index predicates, written once so the queries can repeat them word for word:
# SQLite only uses a partial index when the query carries the same terms.
UNFULFILLED_SQL = "status NOT IN ('Dispatched', 'Delivered', 'Cancelled')"
UNPAID_SQL = "payment_status IN ('Pending', 'Declined') AND status <> 'Cancelled'"
HIGH_RISK_SQL = f"fraud_score >= {HIGH_RISK_SCORE}"
PRE_ORDER_SQL = "order_type = 'PreOrder'"
EXCHANGE_ON_HOLD_SQL = "order_type = 'Exchange' AND status = 'OnHold'"


class Company(SQLModel, table=True):
    __tablename__ = "companies"
    __table_args__ = (Index("ix_companies_org_name", "org_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    name: str = Field(max_length=160)
    name_key: str = Field(max_length=160)
    account_number: str = Field(default="", max_length=32)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)


class Customer(SQLModel, table=True):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_org_email", "org_id", "email", unique=True),
        Index("ix_customers_org_name", "org_id", "last_name_key", "first_name_key"),
        Index("ix_customers_org_first_name", "org_id", "first_name_key", "last_name_key"),
        Index("ix_customers_org_phone", "org_id", "phone_key"),
        Index("ix_customers_company", "company_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    company_id: int | None = Field(default=None, foreign_key="companies.id")
    email: str = Field(max_length=254)  # stored lower-cased so "=" and prefix ranges use the index
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    first_name_key: str = Field(max_length=80)
    last_name_key: str = Field(max_length=80)
    phone: str = Field(default="", max_length=40)
    phone_key: str = Field(default="", max_length=40)
    line1: str = Field(default="", max_length=160)
    line2: str = Field(default="", max_length=160)
    city: str = Field(default="", max_length=80)
    postcode: str = Field(default="", max_length=16)
    country: str = Field(default="GB", max_length=2)
    created_at: datetime


class Product(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("org_id", "stock_code"),
        Index("ix_products_org_name", "org_id", "name_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    stock_code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    brand: str = Field(default="", max_length=80)
    category: str = Field(default="", max_length=80)
    price: int = 0  # own-website price, minor units, tax-inclusive
    cost: int = 0
    active: bool = True


class Promotion(SQLModel, table=True):
    __tablename__ = "promotions"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    code: str = Field(max_length=32)
    description: str = Field(default="", max_length=200)
    kind: str = Field(max_length=8)  # "percent" or "amount"
    percent_bp: int = 0  # basis points: 1250 = 12.5 %
    amount: int = 0
    active: bool = True
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    minimum: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # of eligible products
    # Stock codes of the products it is for, one per line; empty: every product.
    eligible_codes: str = Field(default="", max_length=4000, sa_column_kwargs={"server_default": ""})


PLACED_INDEX_COLUMNS = ("org_id", "placed_at", "id", "status", "payment_status", "order_type", "fraud_score",
                        "microsite_id", "customer_email", "customer_name_key", "shipping_postcode_key", "number")


class Order(SQLModel, table=True):
    """One order. Customer and address fields are a snapshot taken when it was placed."""

    __tablename__ = "orders"
    __table_args__ = (
        # The rest after placed_at, id: a walk of a period testing a "/" text and grouping by
        # the quick filters' columns (quick_counts.py, the dense text plans) reads this index
        # alone, 0.3-0.5 µs an order against 2.5 for the row (schema 0016).
        Index("ix_orders_org_placed", *PLACED_INDEX_COLUMNS),
        Index("ix_orders_org_status_placed", "org_id", "status", "placed_at", "id"),
        Index("ix_orders_org_total", "org_id", "order_total", "id"),
        # placed_at, id: the newest orders of a few e-mails, names or post codes (free-text
        # search) come from these indexes alone; only the page's rows are then read.
        # number: the quick-filter counts of a text that may also be an order number ("1")
        # keep, of the orders lacking the text by e-mail, name and post code, those it
        # starts the number of, without reading their rows (quick_counts.py).
        Index("ix_orders_org_email", "org_id", "customer_email", "placed_at", "id", "number"),
        Index("ix_orders_org_postcode", "org_id", "shipping_postcode_key", "placed_at", "id", "number"),
        Index("ix_orders_org_name", "org_id", "customer_name_key", "placed_at", "id", "number"),
        Index("ix_orders_org_external_ref", "org_id", "external_ref"),
        Index("ix_orders_customer", "customer_id"),
        Index(
            "ix_orders_unfulfilled", "org_id", "placed_at", "id",
            sqlite_where=text(UNFULFILLED_SQL), postgresql_where=text(UNFULFILLED_SQL),
        ),
        Index(
            "ix_orders_unpaid", "org_id", "placed_at", "id",
            sqlite_where=text(UNPAID_SQL), postgresql_where=text(UNPAID_SQL),
        ),
        Index(
            "ix_orders_high_risk", "org_id", "placed_at", "id",
            sqlite_where=text(HIGH_RISK_SQL), postgresql_where=text(HIGH_RISK_SQL),
        ),
        Index(
            "ix_orders_pre_orders", "org_id", "placed_at", "id",
            sqlite_where=text(PRE_ORDER_SQL), postgresql_where=text(PRE_ORDER_SQL),
        ),
        Index(
            "ix_orders_exchange_on_hold", "org_id", "placed_at", "id",
            sqlite_where=text(EXCHANGE_ON_HOLD_SQL), postgresql_where=text(EXCHANGE_ON_HOLD_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    number: str = Field(max_length=12, unique=True)
    external_ref: str | None = Field(default=None, max_length=64)
    microsite_id: int = Field(foreign_key="microsites.id")
    channel: str = Field(max_length=16)
    order_type: str = Field(max_length=16)
    status: str = Field(max_length=32)
    held_from_status: str | None = Field(default=None, max_length=32)
    payment_status: str = Field(max_length=24)
    payment_method: str | None = Field(default=None, max_length=24)
    currency: str = Field(max_length=3)
    customer_id: int | None = Field(default=None, foreign_key="customers.id")
    company_id: int | None = Field(default=None, foreign_key="companies.id")
    customer_email: str = Field(default="", max_length=254)  # lower-cased
    customer_first_name: str = Field(default="", max_length=80)
    customer_last_name: str = Field(default="", max_length=80)
    customer_name_key: str = Field(default="", max_length=161)  # "first last", lower-cased
    customer_phone: str = Field(default="", max_length=40)
    company_name: str = Field(default="", max_length=160)
    shipping_name: str = Field(default="", max_length=160)
    shipping_line1: str = Field(default="", max_length=160)
    shipping_line2: str = Field(default="", max_length=160)
    shipping_city: str = Field(default="", max_length=80)
    shipping_postcode: str = Field(default="", max_length=16)
    shipping_postcode_key: str = Field(default="", max_length=16)  # upper-cased, no spaces
    shipping_country: str = Field(default="GB", max_length=2)
    billing_name: str = Field(default="", max_length=160)
    billing_line1: str = Field(default="", max_length=160)
    billing_line2: str = Field(default="", max_length=160)
    billing_city: str = Field(default="", max_length=80)
    billing_postcode: str = Field(default="", max_length=16)
    billing_country: str = Field(default="GB", max_length=2)
    lines_total: int = 0  # sum of line totals, after line discounts
    discount_total: int = 0  # order-level discounts
    shipping_total: int = 0
    order_total: int = 0
    paid_total: int = 0
    refunded_total: int = 0
    customer_reference: str = Field(default="", max_length=64)
    tags: str = Field(default="", max_length=400)
    fraud_score: int = 0
    cancel_reason: str | None = Field(default=None, max_length=24)
    tracking_number: str = Field(default="", max_length=64)
    tracking_carrier: str = Field(default="", max_length=64)
    tracking_link: str = Field(default="", max_length=2000)
    placed_at: datetime
    created_at: datetime
    created_by: str = Field(max_length=64)
    updated_at: datetime
    updated_by: str = Field(max_length=64)
    version: int = 1


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_lines"
    __table_args__ = (Index("ix_order_lines_order", "order_id", "line_no"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    line_no: int
    product_id: int | None = Field(default=None, foreign_key="products.id")
    stock_code: str = Field(max_length=40)
    product_name: str = Field(max_length=200)
    quantity: int
    unit_price: int
    discount: int = 0
    line_total: int
    dispatched_quantity: int = 0


class Payment(SQLModel, table=True):
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_order", "order_id"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    method: str = Field(max_length=24)
    status: str = Field(max_length=24)
    amount: int
    reference: str = Field(default="", max_length=120)
    comment: str = Field(default="", max_length=400)
    source: str = Field(default="operator", max_length=16)  # operator | import
    paid_at: datetime
    recorded_at: datetime
    recorded_by: str = Field(max_length=64)


class OrderDiscount(SQLModel, table=True):
    __tablename__ = "order_discounts"
    __table_args__ = (Index("ix_order_discounts_order", "order_id"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    promotion_id: int | None = Field(default=None, foreign_key="promotions.id")
    code: str = Field(default="", max_length=32)
    description: str = Field(default="", max_length=200)
    percent_bp: int = 0
    amount: int
    created_at: datetime
    created_by: str = Field(max_length=64)


class Activity(SQLModel, table=True):
    """The activity log: when, who, what, before and after (JSON text)."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_order", "order_id", "id"),
        Index("ix_activity_rma", "rma_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    order_id: int | None = Field(default=None, foreign_key="orders.id")
    rma_id: int | None = Field(default=None, foreign_key="returns.id")
    at: datetime
    user_name: str = Field(max_length=64)
    action: str = Field(max_length=32)
    summary: str = Field(max_length=400)
    before: str | None = None
    after: str | None = None


class Attachment(SQLModel, table=True):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_order", "order_id"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    filename: str = Field(max_length=255)
    content_type: str = Field(default="application/octet-stream", max_length=100)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # empty: the file is in the folder store
    sha256: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    created_at: datetime
    created_by: str = Field(max_length=64)


class ImportedFile(SQLModel, table=True):
    """A file imported once: importing the same bytes again as the same kind changes nothing."""

    __tablename__ = "imports"
    __table_args__ = (UniqueConstraint("org_id", "kind", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    kind: str = Field(max_length=16)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    rows: int
    created: int
    updated: int
    skipped: int
    imported_at: datetime
    imported_by: str = Field(max_length=64)


class Sequence(SQLModel, table=True):
    """Number allocators (order and RMA numbers are never reused)."""

    __tablename__ = "sequences"

    name: str = Field(max_length=32, primary_key=True)
    value: int = 0


class SearchTerm(SQLModel, table=True):
    """A distinct e-mail, name key or post-code key of an organisation's orders.

    Kept by triggers on orders (see store/text_search.py); the free-text search of the
    order list finds terms here, then orders through the indexes on those columns.
    """

    __tablename__ = "search_terms"
    __table_args__ = (Index("ix_search_terms_org_kind_term", "org_id", "kind", "term", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int
    kind: str = Field(max_length=8)  # email | name | postcode
    term: str = Field(max_length=254)


# The organisation and user, tally, price-match and return tables live apart (one job each);
# imported here so that this module's metadata holds them.
from hubtui.store import org_tables as org_tables  # noqa: E402,F401
from hubtui.store import price_tables as price_tables  # noqa: E402,F401
from hubtui.store import return_tables as return_tables  # noqa: E402,F401
from hubtui.store import tally_tables as tally_tables  # noqa: E402,F401
