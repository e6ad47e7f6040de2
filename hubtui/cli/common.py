"""What every command shares: the global options, the shared option types, one-line output and
errors, JSON, money, and opening the store through the services.

Exit status: 0 success, 1 a handled error (one line on stderr), 2 bad usage (Typer's own).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from hubtui.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from hubtui.services.context import Context
    from hubtui.store.engine import Store

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: HUBTUI_DATABASE_URL, else a local SQLite file).")]
OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation code, e.g. BTOOLS.")]
UserOption = Annotated[str | None, typer.Option("--user", help="Operator name (default: your login name).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@dataclass(frozen=True)
class GlobalOptions:
    """--db, --org and --user given before the command (`hubtui --db URL orders list`): the root
    callback puts them in the Typer context (`ctx.obj`); a command's own option wins."""

    db: str | None = None
    org: str | None = None
    user: str | None = None


def global_options(ctx: typer.Context) -> GlobalOptions:
    return ctx.find_object(GlobalOptions) or GlobalOptions()


# --------------------------------------------------------------------------- output


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


def emit_json(value: Any) -> None:
    from hubtui.domain.text import json_escaped
    from hubtui.services.views import to_jsonable

    # Stored text comes back exactly (json.loads), but no DEL, C1 or bidi control reaches a terminal.
    write(json_escaped(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False)))


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


def parse_money_option(text: str, field: str) -> int:
    from hubtui.domain.money import parse_money

    try:
        return parse_money(text)
    except ValueError as error:
        fail(f"{field}: {error}")


# --------------------------------------------------------------------------- settings and sessions


def settings_for(ctx: typer.Context, db: str | None = None, org: str | None = None,
                 user: str | None = None) -> Settings:
    """The settings for this command: its own --db/--org/--user, else the global ones, else the
    environment and the config file (hubtui.config)."""
    given = global_options(ctx)
    for option, value in (("--db", db), ("--org", org), ("--user", user), ("--db", given.db), ("--org", given.org),
                          ("--user", given.user)):
        if value is not None and not value.strip():
            fail(f"{option} needs a value; leave it out to use the default")  # '' must not mean "the default"
    return load_settings(db=db or given.db, org=org or given.org, user=user or given.user)


def open_store(settings: Settings, *, create: bool = False) -> Store:
    """The store the settings name; a missing SQLite file is an error unless `create`."""
    from hubtui.services import session

    return session.open_store(settings, create=create)


def signed_in(ctx: typer.Context, db: str | None, org: str | None, user: str | None) -> Context:
    """The operator's session on the store (services.session.open_session)."""
    from hubtui.services import session

    return session.open_session(settings_for(ctx, db, org, user))
