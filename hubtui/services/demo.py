"""Demo data: two organisations, their catalogue and customers, and a history of orders.

Deterministic for a given seed and clock. Reference data goes through the ORM; orders,
lines, payments and their log go through the bulk loader, so a million orders load in
about a minute. All of it is one transaction of the loader (SPEC 8a): killed at any point,
the database holds nothing of the demo, and `hubtui demo --if-empty` loads it afresh.

The orders are built as plain rows (demo_orders.py) by a second process (demo_worker.py)
while this one writes them.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hubtui.domain.orders import CHANNEL_LABELS, OrderStatus
from hubtui.domain.permissions import Role
from hubtui.domain.price_match import PRICE_MATCH_CHANNELS
from hubtui.services import database
from hubtui.services.context import utc_now
from hubtui.services.demo_attachments import add_attachments
from hubtui.services.demo_orders import (
    ACTIVITY_COLUMNS,
    DISCOUNT_COLUMNS,
    LINE_COLUMNS,
    ORDER_COLUMNS,
    PAYMENT_COLUMNS,
    REFUND_COLUMNS,
    RETURN_COLUMNS,
    RETURN_LINE_COLUMNS,
    DemoCustomer,
    DemoOrg,
    DemoRefused,
)
from hubtui.services.demo_prices import DemoProduct, add_prices
from hubtui.services.demo_promotions import add_promotions
from hubtui.services.demo_worker import worker_batches
from hubtui.store.bulk import BulkLoader
from hubtui.store.engine import Store
from hubtui.store.org_tables import Microsite, Organisation, OrgChannel, OrgSetting, User, UserOrganisation
from hubtui.store.tables import Company, Customer, Product

Progress = Callable[[int, int], None]
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
) -> list[DemoOrg]:
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
                    DemoCustomer(customer.id, customer.company_id, company.name if company else "", customer.email, first,
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
            result.append(DemoOrg(org.id, org.code, sites, tuple(customers), tuple(products), (promotion.id, promotion.code, 1000), all_products))
    return result


def _checker(stop: Callable[[], bool] | None) -> Callable[[], None]:
    def check() -> None:
        if stop is not None and stop():
            raise KeyboardInterrupt

    return check


def _orders(
    loader: BulkLoader, rng: random.Random, now: datetime, orgs: list[DemoOrg], total: int, progress: Progress | None,
    check: Callable[[], None],
) -> dict[str, int]:
    """The orders and all that hangs from them, in the loader's transaction (which also
    brings the tallies, search terms and number sequences up to them)."""
    counts = {"lines": 0, "payments": 0, "returns": 0}
    if total == 0:
        return counts
    ids = (loader.next_id("orders"), loader.next_id("order_lines"), loader.next_id("returns"))
    done = 0
    with worker_batches(rng, now, orgs, loader.timestamp, ids, total, check) as batches:
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
