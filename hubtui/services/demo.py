"""Demo data: two organisations, their catalogue and customers, and a history of orders.

Deterministic for a given seed and clock. Reference data goes through the ORM; orders,
lines, payments and their log go through the bulk loader, so a million orders load in
about a minute. All of it is one transaction of the loader (SPEC 8a): killed at any point,
the database holds nothing of the demo, and `hubtui demo --if-empty` loads it afresh.

The orders are built by a second process while this one writes. It dies with this one,
even under `kill -9` (PR_SET_PDEATHSIG on Linux, a watch on its parent elsewhere), and
ignores Ctrl-C, which stops this one: this one then ends it.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import random
import signal
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import select

from hubtui.domain.numbers import format_rma_number
from hubtui.domain.order_query import name_key, postcode_key
from hubtui.domain.orders import CHANNEL_LABELS, HIGH_RISK_SCORE, Channel, OrderStatus, OrderType, PaymentStatus
from hubtui.domain.permissions import Role
from hubtui.domain.price_match import PRICE_MATCH_CHANNELS
from hubtui.domain.returns import RaisedFrom, ReturnAction, ReturnReason, RmaStatus
from hubtui.services.demo_attachments import add_attachments
from hubtui.services.demo_prices import DemoProduct, add_prices
from hubtui.services.demo_promotions import add_promotions
from hubtui.services import database
from hubtui.services.context import utc_now
from hubtui.services.errors import DomainError
from hubtui.store.bulk import BulkLoader
from hubtui.store.engine import Store
from hubtui.store.tables import (
    Company,
    Customer,
    Microsite,
    Organisation,
    OrgChannel,
    OrgSetting,
    Product,
    Promotion,
    User,
    UserOrganisation,
)

Progress = Callable[[int, int], None]
# Payment states a zero total never reaches through the services.
_NOTHING_TO_TAKE = (PaymentStatus.Authorized, PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded)

HISTORY_DAYS = 120
_FIRST_DAYS_ORDERS = 40  # placed today and yesterday, whatever the demo's size
CHUNK = 10_000
DEMO_USERS = (
    ("alice", Role.agent, "Alice Agent"),
    ("pete", Role.agent, "Pete Phones"),
    ("wendy", Role.warehouse, "Wendy Warehouse"),
    ("sam", Role.supervisor, "Sam Supervisor"),
    ("admin", Role.admin, "Administrator"),
)
ORGS = (
    ("BTOOLS", "BetterTools", (("bt-uk", "BetterTools UK", "GBP"), ("bt-ie", "BetterTools Ireland", "EUR"))),
    ("BFIX", "BetterFixings", (("bf-uk", "BetterFixings UK", "GBP"), ("bf-de", "BetterFixings Deutschland", "EUR"))),
)
FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Ivy", "Leo", "Freya",
    "Arthur", "Lily", "Muhammad", "Florence", "Oscar", "Willow", "Charlie", "Sophia", "Jacob", "Grace",
    "Thomas", "Evie", "Aoife", "Seán", "Zoë", "Chloé", "Priya", "Kwame",
)
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
    "Robinson", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "O'Brien", "Murphy", "Kelly", "Müller", "Nowak", "Okafor", "Singh", "Clarke", "Hughes", "Edwards",
)
CITIES = (
    ("London", "SW1A 1AA"), ("Manchester", "M1 1AE"), ("Birmingham", "B1 1BB"), ("Leeds", "LS1 4AP"),
    ("Glasgow", "G1 1XQ"), ("Bristol", "BS1 4DJ"), ("Cardiff", "CF10 1EP"), ("Dublin", "D02 X285"),
    ("Cork", "T12 RX7D"), ("Edinburgh", "EH1 1YZ"), ("Liverpool", "L1 8JQ"), ("Belfast", "BT1 5GS"),
)
STREETS = ("High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Victoria Road", "Queen's Way")
COMPANY_WORDS = ("Acme", "Northern", "Summit", "Keystone", "Riverside", "Oakwood", "Pinnacle", "Harbour", "Sterling", "Vertex")
COMPANY_KINDS = ("Builders", "Joinery", "Electrical", "Plumbing", "Facilities", "Construction", "Interiors", "Roofing")
BRANDS = ("Bosch", "Makita", "DeWalt", "Stanley", "Draper", "Milwaukee", "Ryobi", "Spax", "Fischer", "Hilti")
CATEGORIES = (  # (category, what one product is called, lowest and highest price)
    ("Drills", "Combi Drill", 4999, 24999), ("Saws", "Circular Saw", 2999, 19999),
    ("Screws", "Wood Screws x200", 199, 2499), ("Wall plugs", "Wall Plugs x100", 149, 1299),
    ("Hand tools", "Claw Hammer", 399, 4999), ("Sanders", "Orbital Sander", 3999, 15999),
    ("Fixings", "Frame Fixings x50", 99, 1999), ("Batteries", "18V Battery", 2999, 12999),
    ("Measuring", "Laser Measure", 499, 8999), ("Storage", "Tool Box", 1499, 9999),
)
CARRIERS = (("Royal Mail", "https://track.example/rm/"), ("DPD", "https://track.example/dpd/"), ("DHL", "https://track.example/dhl/"))
NOTES = (
    "Customer called to check delivery date.", "Leave with neighbour if out.", "Gift wrap requested.",
    "Asked for a VAT invoice.", "Delivery address confirmed by phone.", "Customer prefers e-mail contact.",
)

# Status mix by age: the newest orders are still moving, the oldest are settled.
RECENT_STATUSES = (
    (OrderStatus.Incomplete, 10), (OrderStatus.Pending, 8), (OrderStatus.AwaitingApproval, 6),
    (OrderStatus.Approved, 14), (OrderStatus.OnHold, 5), (OrderStatus.AwaitingCustomerFeedback, 4),
    (OrderStatus.SentToWarehouse, 12), (OrderStatus.AcceptedInWarehouse, 10), (OrderStatus.ReadyToDispatch, 8),
    (OrderStatus.PartiallyDispatched, 3), (OrderStatus.Dispatched, 10), (OrderStatus.ReturnedByWarehouse, 3),
    (OrderStatus.Cancelled, 5), (OrderStatus.Delivered, 2),
)
OLD_STATUSES = (
    (OrderStatus.Delivered, 70), (OrderStatus.Dispatched, 10), (OrderStatus.Cancelled, 8),
    (OrderStatus.OnHold, 1), (OrderStatus.AwaitingCustomerFeedback, 1), (OrderStatus.Incomplete, 2),
    (OrderStatus.ReturnedByWarehouse, 1), (OrderStatus.PartiallyDispatched, 1), (OrderStatus.Pending, 1),
)
CHANNEL_WEIGHTS = (
    (Channel.web, 45), (Channel.mobile, 12), (Channel.telephone, 12), (Channel.amazon, 10), (Channel.ebay, 6),
    (Channel.etsy, 2), (Channel.store, 4), (Channel.admin, 3), (Channel.support, 3), (Channel.email, 3),
)
TYPE_WEIGHTS = ((OrderType.Standard, 90), (OrderType.PreOrder, 4), (OrderType.Exchange, 3), (OrderType.Replacement, 3))
METHOD_BY_CHANNEL = {
    Channel.web: "Card", Channel.mobile: "PayPal", Channel.telephone: "CardOverPhone", Channel.amazon: "Marketplace",
    Channel.ebay: "Marketplace", Channel.etsy: "Marketplace", Channel.store: "Cash", Channel.admin: "Bacs",
    Channel.support: "MOTO", Channel.email: "Cheque",
}
SETTLED = {OrderStatus.Dispatched, OrderStatus.Delivered}
TRACKED = {OrderStatus.ReadyToDispatch, OrderStatus.PartiallyDispatched, OrderStatus.Dispatched, OrderStatus.Delivered}
HOLD_FROM = (OrderStatus.Approved, OrderStatus.Pending, OrderStatus.AwaitingApproval)
CANCEL_REASONS = ("CustomerRequest", "PaymentIssue", "StockIssue", "FraudSuspected", "Duplicate", "Other")

ORDER_COLUMNS = (
    "id", "org_id", "number", "external_ref", "microsite_id", "channel", "order_type", "status",
    "held_from_status", "payment_status", "payment_method", "currency", "customer_id", "company_id",
    "customer_email", "customer_first_name", "customer_last_name", "customer_name_key", "customer_phone",
    "company_name", "shipping_name", "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode",
    "shipping_postcode_key", "shipping_country", "billing_name", "billing_line1", "billing_line2",
    "billing_city", "billing_postcode", "billing_country", "lines_total", "discount_total", "shipping_total",
    "order_total", "paid_total", "refunded_total", "customer_reference", "tags", "fraud_score",
    "cancel_reason", "tracking_number", "tracking_carrier", "tracking_link", "placed_at", "created_at",
    "created_by", "updated_at", "updated_by", "version",
)
LINE_COLUMNS = (
    "order_id", "line_no", "product_id", "stock_code", "product_name", "quantity", "unit_price", "discount",
    "line_total", "dispatched_quantity",
)
PAYMENT_COLUMNS = (
    "order_id", "method", "status", "amount", "reference", "comment", "source", "paid_at", "recorded_at", "recorded_by",
)
ACTIVITY_COLUMNS = ("org_id", "order_id", "at", "user_name", "action", "summary")
DISCOUNT_COLUMNS = ("order_id", "promotion_id", "code", "description", "percent_bp", "amount", "created_at", "created_by")
RETURN_COLUMNS = (
    "id", "org_id", "number", "order_id", "status", "action", "reason", "raised_from", "note", "created_at",
    "created_by", "updated_at", "updated_by", "version",
)
RETURN_LINE_COLUMNS = ("rma_id", "order_line_id", "quantity", "reason")
REFUND_COLUMNS = ("order_id", "rma_id", "amount", "method", "reference", "status", "created_at", "created_by")


class DemoRefused(DomainError):
    pass


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    customers: int
    products: int
    orders: int
    lines: int
    payments: int
    returns: int
    users: tuple[str, ...]


@dataclass(frozen=True)
class _Customer:
    id: int
    company_id: int | None
    company_name: str
    email: str
    first: str
    last: str
    phone: str
    line1: str
    city: str
    postcode: str
    country: str


@dataclass(frozen=True)
class _Org:
    id: int
    code: str
    microsites: tuple[tuple[int, str], ...]  # (id, currency), default first
    customers: tuple[_Customer, ...]
    products: tuple[tuple[int, str, str, int], ...]  # (id, stock code, name, price)
    promotion: tuple[int, str, int]  # (id, code, percent bp)
    product_count: int  # active or not


def _ascii(text: str) -> str:
    """E-mail addresses in the demo stay ASCII even for names like Zoë or Müller."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _postcode(rng: random.Random, sample: str) -> str:
    """A post code in the city's district, varied so post-code searches are as selective as real ones."""
    outward = sample.split()[0]
    if sample.split()[1][0].isalpha():  # an Irish Eircode: routing key and four characters
        return f"{outward} {''.join(rng.choice('ACDEFHKNPRTVWXY0123456789') for _ in range(4))}"
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{outward} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"


def load_demo(
    store: Store,
    *,
    orders: int = 2000,
    seed: int = 1,
    now: datetime | None = None,
    login_name: str | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> DemoSummary:
    """Fill an empty database, all or nothing. Refuses a database that already holds organisations.

    `stop`: asked between batches and before the commit; when it says so the load is rolled back
    and KeyboardInterrupt raised (the CLI's Ctrl-C: a flag its signal handler sets, which no
    finalizer running at that moment can swallow, as it could the KeyboardInterrupt itself)."""
    if orders < 0:
        raise DemoRefused("--orders cannot be negative.")
    database.ensure_ready(store)
    if database.has_organisations(store):
        raise DemoRefused("This database already holds data; give `hubtui demo` a new --db to fill.")
    now = now or utc_now()
    rng = random.Random(seed)
    users = _users(login_name)
    check = _checker(stop)
    with BulkLoader(store, before_commit=check) as loader:
        orgs = _reference_data(loader, rng, now, users)
        counts = _orders(loader, rng, now, orgs, orders, progress, check)
        with loader.session() as session:
            add_attachments(session, now)
    return DemoSummary(
        organisations=len(orgs),
        customers=sum(len(o.customers) for o in orgs),
        products=sum(o.product_count for o in orgs),
        orders=orders,
        lines=counts["lines"],
        payments=counts["payments"],
        returns=counts["returns"],
        users=tuple(name for name, _, _ in users),
    )


def _users(login_name: str | None) -> tuple[tuple[str, Role, str], ...]:
    names = {name for name, _, _ in DEMO_USERS}
    if login_name and login_name not in names:
        # Whoever loads the demo can open it straight away under their own login name.
        return DEMO_USERS + ((login_name, Role.admin, login_name),)
    return DEMO_USERS


def _reference_data(
    loader: BulkLoader, rng: random.Random, now: datetime, users: tuple[tuple[str, Role, str], ...]
) -> list[_Org]:
    result = []
    customer_split = {"BTOOLS": 220, "BFIX": 80}
    product_split = {"BTOOLS": 350, "BFIX": 150}
    company_split = {"BTOOLS": 14, "BFIX": 6}
    with loader.session() as session:
        if session.execute(select(Organisation.id).limit(1)).first() is not None:  # loaded meanwhile
            raise DemoRefused("This database already holds data; give `hubtui demo` a new --db to fill.")
        org_rows = []
        for code, name, microsites in ORGS:
            org = Organisation(code=code, name=name)
            session.add(org)
            session.flush()
            sites = []
            for i, (site_code, site_name, currency) in enumerate(microsites):
                site = Microsite(org_id=org.id, code=site_code, name=site_name, currency=currency, is_default=i == 0)
                session.add(site)
                session.flush()
                sites.append((site.id, currency))
            for channel in CHANNEL_LABELS:
                session.add(OrgChannel(org_id=org.id, code=channel.value))
            session.add(OrgSetting(org_id=org.id, key="return_eligible_from", value=OrderStatus.Dispatched.value))
            org_rows.append((org, tuple(sites)))
        btools_id = org_rows[0][0].id
        existing = set(session.scalars(select(User.name)))
        for name, role, full_name in users:
            if name in existing:  # added by hand before the demo: keep them as they are
                continue
            session.add(User(name=name, role=role.value, full_name=full_name, default_org_id=btools_id, created_at=now))
        session.flush()
        # Every user belongs to every demo organisation (users added by hand before had none to join).
        for user_id in session.scalars(select(User.id)):
            session.add_all(UserOrganisation(user_id=user_id, org_id=org.id) for org, _ in org_rows)
        for org, sites in org_rows:
            companies = []
            for i in range(company_split[org.code]):
                company_name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)} Ltd"
                company = Company(
                    org_id=org.id, name=company_name, name_key=company_name.lower(),
                    account_number=f"{org.code[:2]}{10000 + i}", email=f"accounts{i}@{company_name.split()[0].lower()}.example",
                    phone=f"0161 555 {1000 + i}",
                )
                session.add(company)
                session.flush()
                companies.append(company)
            customers = []
            for i in range(customer_split[org.code]):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                city, sample = rng.choice(CITIES)
                postcode = _postcode(rng, sample)
                company = companies[i % len(companies)] if i % 5 == 0 else None
                local = _ascii(f"{first}.{last}".lower().replace("'", "").replace(" ", ""))
                email = f"{local}{i}@{'example.co.uk' if company is None else company.name.split()[0].lower() + '.example'}"
                phone = f"07{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"
                customer = Customer(
                    org_id=org.id, company_id=company.id if company else None, email=email.lower(),
                    first_name=first, last_name=last, first_name_key=first.lower(), last_name_key=last.lower(),
                    phone=phone, phone_key=phone.replace(" ", ""), line1=f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
                    city=city, postcode=postcode, country="IE" if city in ("Dublin", "Cork") else "GB", created_at=now,
                )
                session.add(customer)
                session.flush()
                customers.append(
                    _Customer(customer.id, customer.company_id, company.name if company else "", customer.email, first,
                              last, phone, customer.line1, city, postcode, customer.country)
                )
            products = []
            all_products = 0
            prefix = "BT" if org.code == "BTOOLS" else "BF"
            catalogue = []
            for i in range(product_split[org.code]):
                category, item, low, high = CATEGORIES[i % len(CATEGORIES)]
                brand = BRANDS[(i * 7) % len(BRANDS)]
                price = rng.randrange(low, high) // 100 * 100 + 99
                name = f"{brand} {item} {chr(65 + i % 26)}{100 + i}"
                product = Product(
                    org_id=org.id, stock_code=f"{prefix}-{category[:3].upper()}-{1000 + i}", name=name,
                    name_key=name.lower(), brand=brand, category=category, price=price, cost=price * 6 // 10,
                    active=i % 97 != 13,
                )
                session.add(product)
                session.flush()
                all_products += 1
                if product.active:
                    products.append((product.id, product.stock_code, product.name, price))
                # Drawn here, one per price-match channel as ever, so the orders drawn after them stay the same.
                deltas = tuple(rng.randrange(-12, 12) for _ in PRICE_MATCH_CHANNELS)
                catalogue.append(DemoProduct(product.id, product.stock_code, brand, category, price, product.active,
                                             deltas[1:]))
            promotion = add_promotions(session, org.id, now, products)
            add_prices(session, org.id, now, catalogue)
            result.append(_Org(org.id, org.code, sites, tuple(customers), tuple(products), (promotion.id, promotion.code, 1000), all_products))
    return result


def _checker(stop: Callable[[], bool] | None) -> Callable[[], None]:
    def check() -> None:
        if stop is not None and stop():
            raise KeyboardInterrupt

    return check


def _orders(
    loader: BulkLoader, rng: random.Random, now: datetime, orgs: list[_Org], total: int, progress: Progress | None,
    check: Callable[[], None],
) -> dict[str, int]:
    """The orders and all that hangs from them, in the loader's transaction (which also
    brings the tallies, search terms and number sequences up to them)."""
    counts = {"lines": 0, "payments": 0, "returns": 0}
    if total == 0:
        return counts
    ids = (loader.next_id("orders"), loader.next_id("order_lines"), loader.next_id("returns"))
    done = 0
    with _worker_batches(rng, now, orgs, loader.timestamp, ids, total, check) as batches:
        for batch in batches:
            check()
            loader.insert("orders", ORDER_COLUMNS, batch.orders)
            loader.insert("order_lines", ("id",) + LINE_COLUMNS, batch.lines)
            loader.insert("payments", PAYMENT_COLUMNS, batch.payments)
            loader.insert("order_discounts", DISCOUNT_COLUMNS, batch.discounts)
            loader.insert("returns", RETURN_COLUMNS, batch.returns)
            loader.insert("return_lines", RETURN_LINE_COLUMNS, batch.return_lines)
            loader.insert("refunds", REFUND_COLUMNS, batch.refunds)
            loader.insert("activity", ACTIVITY_COLUMNS, batch.activity)
            loader.count_orders(batch.tallies)
            loader.count_text_tallies(batch.text_tallies)
            loader.count_day_tallies(batch.day_tallies)
            counts["lines"] += len(batch.lines)
            counts["payments"] += len(batch.payments)
            counts["returns"] += len(batch.returns)
            done += len(batch.orders)
            if progress:
                progress(done, total)
    return counts


@dataclass(frozen=True)
class _Rows:
    orders: list[tuple]  # type: ignore[type-arg]
    lines: list[tuple]  # type: ignore[type-arg]
    payments: list[tuple]  # type: ignore[type-arg]
    discounts: list[tuple]  # type: ignore[type-arg]
    returns: list[tuple]  # type: ignore[type-arg]
    return_lines: list[tuple]  # type: ignore[type-arg]
    refunds: list[tuple]  # type: ignore[type-arg]
    activity: list[tuple]  # type: ignore[type-arg]
    tallies: dict[tuple, int]  # type: ignore[type-arg]
    text_tallies: dict[tuple, int]  # type: ignore[type-arg]
    day_tallies: dict[tuple, int]  # type: ignore[type-arg]


def _produce(out, parent, rng, now, orgs, timestamp, ids, total) -> None:  # type: ignore[no-untyped-def]
    """Worker process: build every chunk of orders and hand each over as plain rows."""
    _die_with(parent)
    try:
        order_id, line_id, rma_id = ids
        done = 0
        while done < total:
            batch = _OrderBatch(rng, now, orgs, timestamp, order_id, line_id, rma_id, done, total)
            batch.build(min(CHUNK, total - done))
            order_id, line_id, rma_id = batch.next_order_id, batch.next_line_id, batch.next_rma_id
            done += len(batch.orders)
            out.put(_Rows(batch.orders, batch.lines, batch.payments, batch.discounts, batch.returns,
                          batch.return_lines, batch.refunds, batch.activity, batch.tallies, batch.text_tallies, batch.day_tallies))
        out.put(None)
    except BaseException as error:  # the parent re-raises it
        out.put(DemoRefused(f"Building demo orders failed: {error}"))


_PR_SET_PDEATHSIG = 1


@lru_cache(maxsize=4096)
def _utc_day(days_since_epoch: int) -> date:
    return date(1970, 1, 1) + timedelta(days=days_since_epoch)


def _die_with(parent: int) -> None:
    """Make the worker end with the process that started it, however that one ends.

    Its parent's Ctrl-C is the parent's to handle (it ends the worker); a parent killed
    outright (`kill -9`) cannot, so the kernel is asked to kill the worker then (Linux), and
    a thread watches for the worker being handed to another parent (everywhere).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before the request above was made
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@contextmanager
def _worker_batches(rng, now, orgs, timestamp, ids, total, check) -> Iterator[Iterator[_Rows]]:  # type: ignore[no-untyped-def]
    """Chunks of rows built by a second process, so building and writing use both cores.
    The process is ended when the block ends, however it ends (an error, Ctrl-C)."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    ready = context.Queue(maxsize=3)
    worker = context.Process(target=_produce, args=(ready, os.getpid(), rng, now, orgs, timestamp, ids, total),
                             daemon=True, name="hubtui-demo-orders")
    worker.start()

    def batches() -> Iterator[_Rows]:
        while True:
            try:
                item = ready.get(timeout=0.2)
            except queue.Empty:
                check()
                if not worker.is_alive():
                    raise DemoRefused("The demo data worker stopped unexpectedly.") from None
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    try:
        yield batches()
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        ready.close()


def _table(pairs: tuple[tuple[object, int], ...], size: int = 1000) -> tuple[object, ...]:
    """A lookup table for weighted picks: table[int(random() * size)] is one draw."""
    total = sum(w for _, w in pairs)
    table: list[object] = []
    for value, weight in pairs:
        table.extend([value] * round(weight * size / total))
    while len(table) < size:
        table.append(pairs[0][0])
    return tuple(table[:size])


_RECENT = _table(RECENT_STATUSES)  # type: ignore[arg-type]
_OLD = _table(OLD_STATUSES)  # type: ignore[arg-type]
_CHANNELS = _table(CHANNEL_WEIGHTS)  # type: ignore[arg-type]
_TYPES = _table(TYPE_WEIGHTS)  # type: ignore[arg-type]
_LINE_COUNTS = _table(((1, 15), (2, 25), (3, 25), (4, 20), (5, 15)), 100)
_QUANTITIES = (1, 1, 1, 2, 3)
_FORCED_STATUSES = tuple(OrderStatus)
_FORCED_CHANNELS = tuple(Channel)
_PAID_LIKE = {PaymentStatus.Paid, PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded}


def _customer_columns(c: _Customer) -> tuple:  # type: ignore[type-arg]
    """The order columns from customer_id to billing_country, in ORDER_COLUMNS order."""
    full_name = f"{c.first} {c.last}"
    address = (full_name, c.line1, "", c.city, c.postcode)
    return (
        c.id, c.company_id, c.email, c.first, c.last, name_key(c.first, c.last), c.phone, c.company_name,
        *address, postcode_key(c.postcode), c.country, *address, c.country,
    )


class _OrderBatch:
    """Builds the rows of a chunk of orders; every row is a plain tuple for executemany.

    Written for speed (a million orders): weighted picks come from lookup tables and the
    customer part of each order row is prepared once per customer.
    """

    def __init__(self, rng, now, orgs, timestamp, order_id, line_id, rma_id, offset, total):  # type: ignore[no-untyped-def]
        self.rng = rng
        self.total = total
        self.now_epoch = int(now.timestamp())
        self.orgs = orgs
        self.ts = timestamp
        self.next_order_id = order_id
        self.next_line_id = line_id
        self.next_rma_id = rma_id
        self.offset = offset
        self.customer_columns = {o.id: [(c, _customer_columns(c)) for c in o.customers] for o in orgs}
        self.orders: list[tuple] = []  # type: ignore[type-arg]
        self.lines: list[tuple] = []  # type: ignore[type-arg]
        self.payments: list[tuple] = []  # type: ignore[type-arg]
        self.discounts: list[tuple] = []  # type: ignore[type-arg]
        self.returns: list[tuple] = []  # type: ignore[type-arg]
        self.return_lines: list[tuple] = []  # type: ignore[type-arg]
        self.refunds: list[tuple] = []  # type: ignore[type-arg]
        self.activity: list[tuple] = []  # type: ignore[type-arg]
        self.tallies: dict[tuple, int] = {}  # type: ignore[type-arg]
        self.text_tallies: dict[tuple, int] = {}  # type: ignore[type-arg]
        self.day_tallies: dict[tuple, int] = {}  # type: ignore[type-arg]

    def build(self, size: int) -> None:
        random_ = self.rng.random
        for k in range(size):
            index = self.offset + k
            org = self.orgs[0] if random_() < 0.8 else self.orgs[1]
            age = self._age(index, random_())
            if index < _FIRST_DAYS_ORDERS:
                age = int(random_() * 86400 * (index % 2 + 1))  # the first orders cover today and yesterday
            status = (_RECENT if age < 12 * 86400 else _OLD)[int(random_() * 1000)]
            order_type = _TYPES[int(random_() * 1000)]
            channel = _CHANNELS[int(random_() * 1000)]
            # The first orders walk every status, type and channel so each quick filter has members.
            if index < len(_FORCED_STATUSES):
                status = _FORCED_STATUSES[index]
            if index < len(_FORCED_CHANNELS):
                channel = _FORCED_CHANNELS[index]
            if index in (14, 15):
                status, order_type = OrderStatus.OnHold, OrderType.Exchange
            elif index in (16, 17):
                order_type = OrderType.PreOrder
            self._order(org, age, status, order_type, channel)  # type: ignore[arg-type]

    def _age(self, index: int, jitter: float) -> int:
        """Seconds since an order after the first ones was placed: older as the index (and the
        number) rises, so each day holds a narrow run of numbers, as it does where the services
        number orders as they are placed (the numbers rise with the dates there: the demo counts
        from the newest, which keeps its first orders, the ones every quick filter shows, near
        the top of the list). The ages are spread evenly over the history."""
        later = max(1, self.total - _FIRST_DAYS_ORDERS)
        return int((index - _FIRST_DAYS_ORDERS + jitter) * HISTORY_DAYS * 86400 / later)

    def _payment_status(self, status: OrderStatus) -> PaymentStatus:
        r = self.rng.random()
        if status in SETTLED:
            return PaymentStatus.PartiallyRefunded if r < 0.04 else PaymentStatus.Refunded if r < 0.06 else PaymentStatus.Paid
        if status == OrderStatus.Incomplete:
            return PaymentStatus.Declined if r < 0.15 else PaymentStatus.Pending
        if status == OrderStatus.Pending:
            return PaymentStatus.Pending
        if status == OrderStatus.Cancelled:
            return PaymentStatus.Refunded if r < 0.3 else PaymentStatus.Declined if r < 0.6 else PaymentStatus.Pending
        if status == OrderStatus.OnHold:
            return PaymentStatus.Pending if r < 0.4 else PaymentStatus.Paid
        return PaymentStatus.Authorized if r < 0.2 else PaymentStatus.Paid

    def _order(self, org: _Org, age: int, status: OrderStatus, order_type: OrderType, channel: Channel) -> None:
        random_ = self.rng.random
        order_id = self.next_order_id
        self.next_order_id += 1
        customers = self.customer_columns[org.id]
        customer, customer_columns = customers[int(random_() * len(customers))]
        site_id, currency = org.microsites[0] if random_() < 0.85 else org.microsites[1]
        placed_epoch = self.now_epoch - age
        placed = self.ts(placed_epoch)
        updated = self.ts(min(self.now_epoch, placed_epoch + int(random_() * 86400 * 3)))
        payment_status = self._payment_status(status)
        high_risk = random_() < 0.04 or status == OrderStatus.AwaitingApproval
        fraud = 70 + int(random_() * 30) if high_risk else int(random_() * 60)
        lines = self.lines
        products = org.products
        n_lines = _LINE_COUNTS[int(random_() * 100)]
        lines_total = 0
        first_line_id = self.next_line_id
        zero_price = order_type == OrderType.Replacement
        settled = status in SETTLED
        for line_no in range(1, n_lines + 1):
            pid, code, pname, price = products[int(random_() * len(products))]
            quantity = _QUANTITIES[int(random_() * 5)]
            unit = 0 if zero_price else price
            discount = unit * quantity // 10 if random_() < 0.05 else 0
            line_total = unit * quantity - discount
            lines_total += line_total
            dispatched = quantity if settled or (line_no == 1 and status == OrderStatus.PartiallyDispatched) else 0
            lines.append((self.next_line_id, order_id, line_no, pid, code, pname, quantity, unit, discount, line_total, dispatched))
            self.next_line_id += 1
        discount_total = 0
        if not zero_price and random_() < 0.05:
            promo_id, promo_code, bp = org.promotion
            discount_total = (lines_total * bp + 5000) // 10000
            self.discounts.append((order_id, promo_id, promo_code, "10% off everything", bp, discount_total, placed, "system"))
        shipping = 0 if zero_price or lines_total >= 5000 else 495
        order_total = lines_total - discount_total + shipping
        if order_total == 0 and payment_status in _NOTHING_TO_TAKE:
            # Nothing to pay, authorise or refund: recorded, it is paid (domain.orders.payment_status_for).
            payment_status = PaymentStatus.Paid
        paid = order_total if payment_status in _PAID_LIKE else 0
        refunded = order_total if payment_status == PaymentStatus.Refunded else (
            order_total // 3 if payment_status == PaymentStatus.PartiallyRefunded else 0)
        method = None
        created_by = "pete" if channel == Channel.telephone else "alice" if channel in (Channel.admin, Channel.support) else "system"
        if payment_status != PaymentStatus.Pending or status == OrderStatus.OnHold:
            method = METHOD_BY_CHANNEL[channel]
            recorded = PaymentStatus.Paid if paid else payment_status
            self.payments.append((order_id, method, recorded, paid or order_total, f"PSP{order_id:09d}", "",
                                  "import", placed, placed, created_by))
        external = None
        if channel in (Channel.amazon, Channel.ebay, Channel.etsy):
            external = f"{channel[:3].upper()}-{order_id * 7919 % 10_000_000:07d}"
        if status in TRACKED:
            carrier, link = CARRIERS[order_id % 3]
            tracking_number = f"TRK{order_id:010d}"
            tracking = (tracking_number, carrier, link + tracking_number)
        else:
            tracking = ("", "", "")
        tags = "vip" if order_id % 23 == 0 else ("gift" if order_id % 31 == 0 else "")
        reference = ""
        if customer.company_id:
            tags = "b2b" if not tags else f"b2b,{tags}"
            reference = f"PO-{order_id % 100000:05d}"
        self.orders.append((
            order_id, org.id, f"BT{order_id:07d}", external, site_id, channel, order_type, status,
            HOLD_FROM[order_id % 3] if status == OrderStatus.OnHold else None,
            payment_status, method, currency, *customer_columns,
            lines_total, discount_total, shipping, order_total, paid, refunded, reference, tags, fraud,
            CANCEL_REASONS[order_id % 6] if status == OrderStatus.Cancelled else None,
            *tracking, placed, placed, created_by, updated, created_by, 1,
        ))
        key = (org.id, site_id, status.value, payment_status.value, order_type.value, fraud >= HIGH_RISK_SCORE)
        self.tallies[key] = self.tallies.get(key, 0) + 1
        # In text_tally.KEY order; the e-mail, name key and post-code key as the row holds them.
        text_key = (org.id, customer_columns[2], customer_columns[5], customer_columns[13], *key[1:])
        self.text_tallies[text_key] = self.text_tallies.get(text_key, 0) + 1
        day_key = (org.id, *key[2:], _utc_day(placed_epoch // 86400), site_id)  # in day_tally.KEY order
        self.day_tallies[day_key] = self.day_tallies.get(day_key, 0) + 1
        activity = self.activity
        activity.append((org.id, order_id, placed, created_by, "placed",
                         f"Order placed via {CHANNEL_LABELS[channel]}: {n_lines} line(s)"))
        if status not in (OrderStatus.Incomplete, OrderStatus.Delivered):
            activity.append((org.id, order_id, updated, "system", "status", f"Status → {status}"))
        if order_id % 20 == 0:
            activity.append((org.id, order_id, updated, "alice", "note", NOTES[order_id % len(NOTES)]))
        rma_id = self._return(org, order_id, first_line_id, updated, refunded) if settled and random_() < 0.015 \
            else None
        if refunded:  # the refund behind the order's refunded total, by the return that asked for it if any
            self.refunds.append((order_id, rma_id, refunded, method or "Card", f"RF{order_id:09d}", "Processed",
                                 updated, "sam"))

    def _return(self, org: _Org, order_id: int, line_id: int, at: str, refunded: int) -> int | None:
        """A return of the order's first line; its id when it is the one refunded."""
        rng = self.rng
        rma_id = self.next_rma_id
        self.next_rma_id += 1
        status = rng.choice((RmaStatus.ReturnRequested, RmaStatus.ApproveRequest, RmaStatus.ReturnReceived,
                             RmaStatus.RMAQCcomplete, RmaStatus.RefundProcessed, RmaStatus.RejectRequest))
        if status == RmaStatus.RefundProcessed and not refunded:  # no money went back: still being processed
            status = RmaStatus.ProcessReturn
        reason = rng.choice(list(ReturnReason))
        number = format_rma_number(rma_id)
        self.returns.append((rma_id, org.id, number, order_id, status, ReturnAction.Refund, reason,
                             rng.choice(list(RaisedFrom)), "", at, "alice", at, "alice", 1))
        self.return_lines.append((rma_id, line_id, 1, reason))
        self.activity.append((org.id, order_id, at, "alice", "return", f"Return {number} raised ({reason})"))
        return rma_id if status == RmaStatus.RefundProcessed else None
