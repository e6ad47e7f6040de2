"""A fast start for the TUI: the first page is read in a second process while Textual loads.

Importing the SQL stack (SQLAlchemy, SQLModel, the tables) takes about 0.6 s and Textual
about 0.25 s; one after the other they miss the one-second start. So the CLI forks before
importing Textual: the child opens the store, checks the operator and reads the first page
and the counts, and hands them over through a pipe as plain values; the parent meanwhile
loads Textual, paints that page, and imports the SQL stack after the first paint.

This module imports nothing heavy; neither does unpickling its result (OrderRow and friends
are plain dataclasses). It never imports the CLI: hubtui.__main__ calls start_early() and then
the CLI, whose root command takes the early read (take_early) or starts one.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubtui.config import Settings
    from hubtui.services.views import OrderRow, Page


@dataclass(frozen=True)
class Prefetch:
    """What the first screen shows before the parent has a store of its own."""

    error: str | None = None
    empty_database: bool = False
    user_name: str = ""
    role: str = ""
    org_id: int = 0
    org_code: str = ""
    org_name: str = ""
    page: Page[OrderRow] | None = None
    total: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


def read(settings: Settings) -> Prefetch:
    """Everything the first screen needs, read through the services (runs in the child)."""
    from hubtui.domain.errors import DomainError
    from hubtui.domain.order_query import OrderQuery
    from hubtui.services import database, session
    from hubtui.services.order_reads import count_orders, list_orders, quick_filter_counts

    try:
        store = session.open_store(settings)
        if not database.has_organisations(store):
            return Prefetch(empty_database=True)
        ctx = session.sign_in(store, settings)
        operator = ctx.operator
        return Prefetch(
            user_name=operator.user_name, role=operator.role.value, org_id=operator.org_id,
            org_code=operator.org_code, org_name=operator.org_name,
            page=list_orders(ctx, OrderQuery()), total=count_orders(ctx, OrderQuery()),
            counts={quick.value: n for quick, n in quick_filter_counts(ctx).items()},
        )
    except DomainError as error:
        return Prefetch(error=str(error))


class Pending:
    """A prefetch running in a child process."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd

    def result(self) -> Prefetch:
        chunks = []
        with os.fdopen(self.fd, "rb") as pipe:
            while chunk := pipe.read(1 << 16):
                chunks.append(chunk)
        os.waitpid(self.pid, 0)
        if not chunks:
            return Prefetch(error="the start-up reader stopped without an answer")
        value = pickle.loads(b"".join(chunks))
        if not isinstance(value, Prefetch):
            return Prefetch(error="the start-up reader gave an unexpected answer")
        return value


def start(settings: Settings) -> Pending | None:
    """Fork the reader; None where fork is not available (the caller then reads itself)."""
    if not hasattr(os, "fork"):
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave without running the parent's exit handlers
        os.close(read_end)
        try:
            try:
                answer = read(settings)
            except Exception as error:  # reported by the parent as one line
                from hubtui.services import faults

                if faults.is_database_error(error):  # a lock held too long, a full disk, …: what the store said
                    answer = Prefetch(error=faults.one_line(error))
                else:
                    answer = Prefetch(error=f"internal error: {error.__class__.__name__}: {error}")
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(answer, pipe)
        finally:
            os._exit(0)
    os.close(write_end)
    return Pending(pid, read_end)


_early: tuple[Settings, Pending] | None = None


def _tui_options(argv: list[str]) -> dict[str, str] | None:
    """--db/--org/--user when the command line only opens the TUI; None for anything else."""
    names = {"--db": "db", "--org": "org", "--user": "user"}
    found: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        name, eq, value = arg.partition("=")
        if name not in names:
            return None
        if not eq:
            value = next(args, "")
        if not value or value.startswith("-"):
            return None
        found[names[name]] = value
    return found


def start_early(argv: list[str]) -> None:
    """Fork the start-up read before the CLI loads Typer: about 0.1 s off the first paint."""
    global _early
    options = _tui_options(argv)
    if options is None:
        return
    from hubtui.early_keys import keep_typed_keys

    keep_typed_keys()
    from hubtui.config import ConfigError, load_settings

    try:
        settings = load_settings(**options)
    except ConfigError:
        return  # the CLI reports it
    pending = start(settings)
    if pending is not None:
        _early = (settings, pending)


def take_early(settings: Settings) -> Pending | None:
    """The early read, if it was started for exactly these settings."""
    global _early
    if _early is None:
        return None
    early_settings, pending = _early
    _early = None
    if early_settings != settings:
        pending.result()  # reap the child; its answer is for other settings
        return None
    return pending
