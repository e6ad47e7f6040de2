"""The `hubtui` command. Every command calls the services; none touches the store itself.

Exit status: 0 success, 1 a handled error (one line on stderr), 2 bad usage.
Heavy modules (the store, Textual) are imported inside the commands that need them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from hubtui.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from hubtui.services.context import Context
    from hubtui.store.engine import Store

T = TypeVar("T")

app = typer.Typer(
    help="hubtui: a keyboard-driven back office for orders.",
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=False,
)
orders_app = typer.Typer(help="List, show and change orders.", no_args_is_help=True)
db_app = typer.Typer(help="Create, upgrade and inspect the database.", no_args_is_help=True)
users_app = typer.Typer(help="Operators and their roles.", no_args_is_help=True)
customers_app = typer.Typer(help="Customers orders are taken for.", no_args_is_help=True)
app.add_typer(orders_app, name="orders")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(customers_app, name="customers")

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: HUBTUI_DATABASE_URL, else a local SQLite file).")]
OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation code, e.g. BTOOLS.")]
UserOption = Annotated[str | None, typer.Option("--user", help="Operator name (default: your login name).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@dataclass
class _Global:
    db: str | None = None
    org: str | None = None
    user: str | None = None


_global = _Global()


def say(line: str, *, err: bool = False) -> None:
    """One line of output: what a person or a file wrote reaches the terminal without its control
    characters, and a newline inside it is a visible mark, so no value can forge a line (SPEC 8a)."""
    from hubtui.domain.text import printable

    write(printable(line, one_line=True), err=err)


def write(text: str, *, err: bool = False) -> None:
    """Output that the reader may stop taking: `| head` closes the pipe (we stop, quietly), a full
    disk refuses it (one line on stderr, exit 1), never "cannot open the database"."""
    import errno

    try:
        typer.echo(text, err=err)
    except BrokenPipeError:
        # Nothing more can be written; point stdout at nothing so the exit's flush is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except OSError as error:
        if err:
            raise typer.Exit(1) from None
        reason = "the disk is full" if error.errno == errno.ENOSPC else (error.strerror or str(error))
        typer.echo(f"hubtui: cannot write the output: {reason}", err=True)
        raise typer.Exit(1) from None


def fail(message: str) -> NoReturn:
    # The contract is one line: say() shows a line break inside the message (a refused value that
    # held one, a driver's second line) as a visible mark, and every control character as one, so
    # what was typed is shown as it was, not folded into spaces.
    say(f"hubtui: {message.strip()}", err=True)
    raise typer.Exit(1)


@contextmanager
def handled_errors() -> Iterator[None]:
    """Turn every error a person can act on into one line on stderr and exit status 1.

    SQLAlchemy's exception classes are looked at only when something failed: importing them
    loads all of SQLAlchemy, which the TUI's fast start keeps out of this process.
    """
    from hubtui.domain.errors import DomainError

    try:
        yield
    except (DomainError, ConfigError) as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot open the database: {error}")
    except Exception as error:
        from hubtui.services import faults

        said = faults.fault_message(error)  # a lock held too long, a full disk: the same words on every store
        if said:
            fail(said)
        if not faults.is_database_error(error):
            raise
        if not type(error).__module__.startswith("sqlalchemy"):
            fail(faults.one_line(error))  # the driver's own error, from the raw read path
        from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

        if isinstance(error, DBAPIError):
            fail(faults.one_line(error))
        if isinstance(error, (ArgumentError, NoSuchModuleError)):
            fail(f"cannot use that database URL: {error}")
        raise


def _settings(db: str | None, org: str | None, user: str | None) -> Settings:
    for option, value in (("--db", db), ("--org", org), ("--user", user), ("--db", _global.db), ("--org", _global.org),
                          ("--user", _global.user)):
        if value is not None and not value.strip():
            fail(f"{option} needs a value; leave it out to use the default")  # '' must not mean "the default"
    return load_settings(db=db or _global.db, org=org or _global.org, user=user or _global.user)


def open_store(settings: Settings, *, create: bool = False) -> Store:
    """The store the settings name; a missing SQLite file is an error unless `create`."""
    from hubtui.services import database
    from hubtui.services.database import connect

    if not create:
        database.refuse_missing(settings.database_url)
    store = connect(settings.database_url)
    database.ensure_ready(store)
    return store


def _timezone(settings: Settings):  # type: ignore[no-untyped-def]
    if not settings.timezone:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"unknown time zone '{settings.timezone}' (HUBTUI_TIMEZONE or the config file)")


def open_context(db: str | None, org: str | None, user: str | None) -> Context:
    settings = _settings(db, org, user)
    store = open_store(settings)
    if not settings.user:
        fail("cannot tell who you are: pass --user NAME or set HUBTUI_USER")
    return sign_in(store, settings)


def sign_in(store: Store, settings: Settings) -> Context:
    """The operator the settings name, if the login may act as them (SPEC 8)."""
    from hubtui.services.context import open_context as open_service_context

    return open_service_context(store, settings.user, settings.org, login=settings.login,
                                vouched=settings.user_vouched, tz=_timezone(settings))


def emit_json(value: Any) -> None:
    from hubtui.domain.text import json_escaped
    from hubtui.services.views import to_jsonable

    # Stored text comes back exactly (json.loads), but no DEL, C1 or bidi control reaches a terminal.
    write(json_escaped(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False)))


def parse_money_option(text: str, field: str) -> int:
    from hubtui.domain.money import parse_money

    try:
        return parse_money(text)
    except ValueError as error:
        fail(f"{field}: {error}")


# --------------------------------------------------------------------------- TUI


@app.callback(invoke_without_command=True)
def root(
    context: typer.Context,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Open the TUI (or run one of the commands below)."""
    _global.db, _global.org, _global.user = db, org, user
    if context.invoked_subcommand is not None:
        return
    with handled_errors():
        settings = _settings(db, org, user)
        _timezone(settings)  # a bad time zone is refused before anything starts
        from hubtui import startup

        # The first page is read in a second process (forked before Typer loaded, if it could)...
        pending = startup.take_early(settings) or startup.start(settings)
        from hubtui.app import HubApp  # ...while this one loads Textual

        app: Any
        if pending is not None:
            # Textual starts now; the first page arrives when the start-up process has read it.
            app = HubApp(store=None, context=None, settings=settings, pending=pending)
        else:
            store = open_store(settings)
            from hubtui.services import database

            ctx = None
            if database.has_organisations(store):
                ctx = sign_in(store, settings)
            app = HubApp(store=store, context=ctx, settings=settings)
    app.run()
    if app.startup_error:  # e.g. an unknown operator, found by the start-up process
        fail(app.startup_error)


# --------------------------------------------------------------------------- demo


@app.command()
def demo(
    db: DbOption = None,
    orders: Annotated[int, typer.Option("--orders", min=0, max=5_000_000, help="How many orders to create.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same data.")] = 1,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing when the database already holds data.")] = False,
) -> None:
    """Fill a new database with demo organisations, customers, products and orders."""
    import time

    with handled_errors():
        from hubtui.services import database
        from hubtui.services.demo import load_demo
        from hubtui.services.database import connect

        settings = _settings(db, None, None)
        store = connect(settings.database_url)
        database.ensure_ready(store)
        if if_empty and database.has_organisations(store):
            typer.echo("The database already holds data; nothing loaded.")
            return
        started = time.perf_counter()
        try:
            with _progress(orders) as progress:
                summary = load_demo(store, orders=orders, seed=seed, login_name=settings.login or None,
                                    progress=progress)
        except KeyboardInterrupt:
            typer.echo("hubtui: interrupted; nothing was loaded (the demo loads all or nothing)", err=True)
            raise typer.Exit(130) from None
        elapsed = time.perf_counter() - started
    typer.echo(
        f"Loaded {summary.orders:,} orders ({summary.lines:,} lines, {summary.payments:,} payments, "
        f"{summary.returns:,} returns), {summary.customers} customers and {summary.products} products "
        f"in {elapsed:.1f} s."
    )
    typer.echo(f"Users: {', '.join(summary.users)}. Open it with: hubtui" + (f" --db {db}" if db else ""))


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int, int], None] | None]:
    if total < 20_000 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("orders", total=total)
        yield lambda done, _total: bar.update(task, completed=done)


# --------------------------------------------------------------------------- orders


def _order_row_json(row: Any) -> dict[str, Any]:
    """Money in JSON is integer minor units, as in `orders show --json`: exact and unambiguous."""
    return {
        "number": row.number,
        "placed_at": row.placed_at.isoformat(),
        "customer_name": row.customer_name,
        "customer_email": row.customer_email,
        "microsite": row.microsite,
        "channel": row.channel,
        "order_type": row.order_type,
        "status": row.status,
        "payment_status": row.payment_status,
        "order_total": row.order_total,
        "currency": row.currency,
        "tags": row.tags,
        "fraud_score": row.fraud_score,
    }


@orders_app.command("list")
def orders_list(
    filter: Annotated[str, typer.Option("--filter", help="Quick filter: all, today, unpaid, on-hold, …")] = "all",
    status: Annotated[str | None, typer.Option("--status")] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail prefix, any case.")] = None,
    postcode: Annotated[str | None, typer.Option("--postcode", help="Post code prefix, spaces and case ignored.")] = None,
    number: Annotated[str | None, typer.Option("--number")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Customer name prefix (first last).")] = None,
    channel: Annotated[str | None, typer.Option("--channel")] = None,
    microsite: Annotated[str | None, typer.Option("--microsite")] = None,
    order_type: Annotated[str | None, typer.Option("--type")] = None,
    payment_status: Annotated[str | None, typer.Option("--payment-status")] = None,
    payment_method: Annotated[str | None, typer.Option("--payment-method")] = None,
    period: Annotated[str | None, typer.Option("--period", help="today, yesterday, last-7-days, …")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, e.g. 2026-11-01.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, inclusive.")] = None,
    sort: Annotated[str, typer.Option("--sort", help="placed, total or status.")] = "placed",
    ascending: Annotated[bool, typer.Option("--ascending", help="Oldest / smallest first.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """List orders, newest first."""
    with handled_errors():
        from hubtui.domain.order_query import OrderQuery, SortKey
        from hubtui.domain.orders import Channel, OrderStatus, OrderType, PaymentMethod, PaymentStatus, QuickFilter
        from hubtui.domain.periods import Period, parse_date
        from hubtui.services.order_reads import count_orders, list_orders

        if period and _choice(Period, period, "--period") == Period.CUSTOM and not (date_from or date_to):
            fail("--period custom needs --from, --to or both")

        query = OrderQuery(
            quick_filter=_choice(QuickFilter, filter, "--filter"),
            status=_choice(OrderStatus, status, "--status").value if status else None,
            order_type=_choice(OrderType, order_type, "--type").value if order_type else None,
            payment_status=_choice(PaymentStatus, payment_status, "--payment-status").value if payment_status else None,
            payment_method=_choice(PaymentMethod, payment_method, "--payment-method").value if payment_method else None,
            channel=_choice(Channel, channel, "--channel").value if channel else None,
            microsite=microsite,
            email=email,
            postcode=postcode,
            number=number,
            name=name,
            period=_choice(Period, period, "--period") if period else (Period.CUSTOM if date_from or date_to else None),
            date_from=parse_date(date_from) if date_from else None,
            date_to=parse_date(date_to) if date_to else None,
            sort=_choice(SortKey, sort, "--sort"),
            descending=not ascending,
        )
        ctx = open_context(db, org, user)
        rows: list[Any] = []
        after = None
        while len(rows) < limit:
            page = list_orders(ctx, query, after=after, limit=min(500, limit - len(rows)))
            rows.extend(page.rows)
            if not page.has_after:
                break
            after = page.last
        if as_json:
            emit_json([_order_row_json(r) for r in rows])
            return
        if not rows:
            say(f"No orders match ({query.describe()}).")
            return
        _print_order_table(rows)
        if len(rows) == limit:
            total = count_orders(ctx, query)
            typer.echo(f"{len(rows)} of {total:,} orders", err=True)


def _choice(enum: Any, value: str | None, option: str) -> Any:
    if value is None:
        return None
    for member in enum:
        if member.value.lower() == value.lower():
            return member
    fail(f"{option}: '{value}' is not one of {', '.join(m.value for m in enum)}")


def _print_order_table(rows: list[Any]) -> None:
    from hubtui.domain.money import format_money
    from hubtui.domain.text import printable

    header = ("NUMBER", "PLACED", "CUSTOMER", "EMAIL", "CHANNEL", "TYPE", "STATUS", "PAYMENT", "TOTAL")
    table = [header] + [
        (
            r.number, r.placed_at.strftime("%Y-%m-%d %H:%M"), printable(r.customer_name, one_line=True)[:24],
            printable(r.customer_email, one_line=True)[:32],
            r.channel, r.order_type, r.status, r.payment_status, format_money(r.order_total, r.currency),
        )
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(header))]
    for line in table:
        cells = [str(c).ljust(w) if i < len(header) - 1 else str(c).rjust(w) for i, (c, w) in enumerate(zip(line, widths))]
        say("  ".join(cells).rstrip())


@orders_app.command("show")
def orders_show(
    number: Annotated[str, typer.Argument(help="Order number, with or without BT.")],
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Show one order: customer, lines, payments, returns and its activity log."""
    with handled_errors():
        from hubtui.services.order_reads import get_order

        detail = get_order(open_context(db, org, user), number)
    if as_json:
        emit_json(detail)
        return
    _print_detail(detail)


def _print_detail(d: Any) -> None:
    from hubtui.domain.money import format_money

    def money(v: int) -> str:
        return format_money(v, d.currency)

    out = say
    out(f"{d.number}  {d.channel_label}  {d.order_type}  {d.status}  payment {d.payment_status}")
    out(f"placed {d.placed_at:%Y-%m-%d %H:%M} UTC in {d.org_code}/{d.microsite}; version {d.version}, "
        f"last changed by {d.updated_by}")
    out(f"customer: {d.customer_name} <{d.customer_email}> {d.customer_phone}" + (f", {d.company_name}" if d.company_name else ""))
    out(f"ship to:  {', '.join(d.shipping.lines())}")
    if d.customer_reference or d.tags:
        out(f"reference: {d.customer_reference}  tags: {d.tags}")
    if d.tracking_number:
        out(f"tracking: {d.tracking_carrier} {d.tracking_number} {d.tracking_link}")
    out("lines:")
    for line in d.lines:
        out(f"  {line.line_no:>2}. {line.stock_code:<16} {line.product_name[:36]:<36} {line.quantity:>3} x "
            f"{money(line.unit_price):>10}  -{money(line.discount):>8}  = {money(line.line_total):>10}")
    out(f"lines {money(d.lines_total)}  discount -{money(d.discount_total)}  shipping {money(d.shipping_total)}  "
        f"total {money(d.order_total)}  paid {money(d.paid_total)}  refunded {money(d.refunded_total)}  "
        f"due {money(d.balance_due)}")
    if d.payments:
        out("payments:")
        for p in d.payments:
            out(f"  {p.recorded_at:%Y-%m-%d %H:%M} {p.method:<14} {p.status:<10} {money(p.amount):>10} "
                f"{p.reference} by {p.recorded_by}")
    if d.returns:
        out("returns:")
        for r in d.returns:
            out(f"  {r.number} {r.status} {r.action} {r.reason}")
    out("activity (newest first):")
    for a in d.activity:
        out(f"  {a.at:%Y-%m-%d %H:%M} {a.user_name:<10} {a.summary}")


@orders_app.command("status")
def orders_status(
    number: Annotated[str, typer.Argument()],
    status: Annotated[str, typer.Argument(help="The new status, e.g. Approved.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is cancelled (needed for Cancelled).")] = None,
    comment: Annotated[str, typer.Option("--comment", help="Why, or what was agreed: kept in the activity log.")] = "",
    expected_version: Annotated[int | None, typer.Option("--expected-version", help="Refuse if the order changed since this version.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Move an order to another status."""
    with handled_errors():
        from hubtui.services.order_writes import change_status

        detail = change_status(open_context(db, org, user), number, status, reason=reason, comment=comment,
                               expected_version=expected_version)
    _done(detail, as_json, f"{detail.number} is now {detail.status}.")


@orders_app.command("pay")
def orders_pay(
    number: Annotated[str, typer.Argument()],
    method: Annotated[str, typer.Option("--method", help="Bacs, Cheque, Cash, CardOverPhone, FOC or MOTO.")],
    status: Annotated[str, typer.Option("--status", help="Pending, Authorized, Paid or Declined.")],
    amount: Annotated[str | None, typer.Option("--amount", help="e.g. 12.50 (default: the balance due).")] = None,
    reference: Annotated[str, typer.Option("--reference")] = "",
    comment: Annotated[str, typer.Option("--comment")] = "",
    expected_version: Annotated[int | None, typer.Option("--expected-version")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Record a payment taken offline."""
    with handled_errors():
        from hubtui.domain.money import format_money, money_symbol
        from hubtui.services.order_payments import PaymentDraft, record_payment

        minor = parse_money_option(amount, "--amount") if amount is not None else None
        draft = PaymentDraft(method=method, status=status, amount=minor, reference=reference, comment=comment,
                             written_in=money_symbol(amount) if amount is not None else None)
        detail = record_payment(open_context(db, org, user), number, draft, expected_version=expected_version)
    _done(
        detail, as_json,
        f"{detail.number}: payment recorded; payment {detail.payment_status}, status {detail.status}, "
        f"due {format_money(detail.balance_due, detail.currency)}.",
    )


@orders_app.command("note")
def orders_note(
    number: Annotated[str, typer.Argument()],
    text: Annotated[str, typer.Argument(help="The note.")],
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Add a note to an order's activity log."""
    with handled_errors():
        from hubtui.services.order_writes import add_note

        detail = add_note(open_context(db, org, user), number, text)
    _done(detail, as_json, f"{detail.number}: note added.")


def _done(detail: Any, as_json: bool, message: str) -> None:
    if as_json:
        emit_json(detail)
    else:
        say(message)


# --------------------------------------------------------------------------- db


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or bring it to the newest schema."""
    with handled_errors():
        from hubtui.services import database
        from hubtui.services.database import connect

        settings = _settings(db, None, None)
        revision = database.upgrade(connect(settings.database_url))
    typer.echo(f"{database.safe_url(settings.database_url)} is at schema revision {revision}.")


@db_app.command("info")
def db_info(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Print the database URL, its schema revision and row counts."""
    with handled_errors():
        from hubtui.services import database
        from hubtui.services.database import connect

        url = _settings(db, None, None).database_url
        database.refuse_missing(url)
        info = database.info(connect(url))
    if as_json:
        emit_json({"url": info.url, "dialect": info.dialect, "revision": info.revision, "head": info.head,
                   "up_to_date": info.up_to_date, "row_counts": info.row_counts})
        return
    typer.echo(f"url:      {info.url}")
    state = "up to date" if info.up_to_date else f"needs `hubtui db upgrade` to {info.head}"
    typer.echo(f"revision: {info.revision or 'none (empty database)'} ({state})")
    for table, count in info.row_counts.items():
        typer.echo(f"  {table:<20} {count:>12,}")


@db_app.command("check")
def db_check(db: DbOption = None) -> None:
    """Check the database is complete: indexes, triggers, tallies, search terms, number sequences.

    Prints "ok" (exit 0), or each problem on a line of its own (exit 1)."""
    with handled_errors():
        from hubtui.services import database
        from hubtui.services.db_check import check_database
        from hubtui.services.database import connect

        url = _settings(db, None, None).database_url
        database.refuse_missing(url)
        problems = check_database(connect(url))
    if not problems:
        typer.echo("ok")
        return
    for problem in problems:
        say(problem)
    fail(f"the database is incomplete: {len(problems)} problem{'s' if len(problems) > 1 else ''} (listed above)")


# --------------------------------------------------------------------------- users


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option("--role", help="agent, warehouse, supervisor or admin.")],
    full_name: Annotated[str, typer.Option("--full-name")] = "",
    org_code: Annotated[str | None, typer.Option("--default-org", help="The organisation the user opens in.")] = None,
    member_of: Annotated[list[str] | None, typer.Option(
        "--member-of", help="An organisation the user may act in (repeat it; default: every one there is).")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add an operator (admins only, except the first user of a database)."""
    with handled_errors():
        from hubtui.services.users import add_user

        settings = _settings(db, None, user)
        # The first user of a new database is how an administrator sets one up: this may create it.
        added = add_user(open_store(settings, create=True), settings.user, name, role, full_name=full_name,
                         org_code=org_code, member_of=tuple(member_of or ()), login=settings.login,
                         vouched=settings.user_vouched)
    say(f"Added {added.name} ({added.role}).")


@users_app.command("list")
def users_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List operators."""
    with handled_errors():
        from hubtui.services.users import list_users

        users = list_users(open_store(_settings(db, None, None)))
    if as_json:
        emit_json(users)
        return
    for u in users:
        say(f"{u.name:<16} {u.role:<11} {u.default_org or '-':<8} {','.join(u.member_of) or '-':<14} "
            f"{'' if u.active else 'inactive '}{u.full_name}")


# --------------------------------------------------------------------------- customers


@customers_app.command("add")
def customers_add(
    first_name: Annotated[str, typer.Option("--first-name")],
    last_name: Annotated[str, typer.Option("--last-name")],
    email: Annotated[str, typer.Option("--email")],
    phone: Annotated[str, typer.Option("--phone")],
    line1: Annotated[str, typer.Option("--line1", help="First line of the address.")],
    city: Annotated[str, typer.Option("--city")],
    postcode: Annotated[str, typer.Option("--postcode")],
    line2: Annotated[str, typer.Option("--line2")] = "",
    country: Annotated[str, typer.Option("--country", help="Two-letter code.")] = "GB",
    company: Annotated[str | None, typer.Option("--company", help="Account number of the company they order for.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Add a customer (complete: name, e-mail, phone and address), so orders can be taken for them."""
    with handled_errors():
        from hubtui.services.customers import NewCustomer, create_customer
        from hubtui.services.views import Address

        address = Address(f"{first_name} {last_name}".strip(), line1, line2, city, postcode, country)
        added = create_customer(open_context(db, org, user),
                                NewCustomer(first_name, last_name, email, phone, address, company))
    if as_json:
        emit_json(added)
        return
    say(f"Added customer {added.name} <{added.email}> (id {added.id}).")


def _not_utf8(args: list[str]) -> int | None:
    """The position of the first argument that was not valid UTF-8 (Python keeps such bytes as
    lone surrogates, which nothing downstream can store or print), or None."""
    for position, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return position
    return None


def main() -> None:
    bad = _not_utf8(sys.argv[1:])
    if bad is not None:
        typer.echo(f"hubtui: argument {bad} is not valid UTF-8; check the terminal's or the script's encoding",
                   err=True)
        sys.exit(2)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # a bug: one line for the operator, the traceback only on request
        if os.environ.get("HUBTUI_DEBUG"):
            raise
        typer.echo(f"hubtui: internal error: {error.__class__.__name__}: {error} (HUBTUI_DEBUG=1 shows details)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
