"""`hubtui demo`: fill a new database with demo data."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from hubtui.cli.common import DbOption, handled_errors, open_store, settings_for


def demo(
    ctx: typer.Context,
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

        settings = settings_for(ctx, db)
        store = open_store(settings, create=True)  # the one command besides `db upgrade` that makes a database
        if if_empty and database.has_organisations(store):
            typer.echo("The database already holds data; nothing loaded.")
            return
        started = time.perf_counter()
        try:
            with _progress(orders) as progress, _ctrl_c() as asked:
                summary = load_demo(store, orders=orders, seed=seed, login_name=settings.login or None,
                                    progress=progress, stop=asked.is_set)
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
def _ctrl_c() -> Iterator[threading.Event]:
    """Ctrl-C as a flag the load asks after (see load_demo's `stop`), not an exception raised
    wherever the main thread happens to be; the handler before is put back afterwards."""
    asked = threading.Event()
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started to ignore it (a background job): so be it
        yield asked
        return
    previous = signal.signal(signal.SIGINT, lambda *_: asked.set())
    try:
        yield asked
    finally:
        signal.signal(signal.SIGINT, previous)


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
