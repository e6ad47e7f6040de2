"""The `hubtui` command. Every command calls the services; none touches the store itself.

One module per command group (orders, db, users, customers, demo, pricematch; tui opens the TUI), what
they share in `common`, tables and order details in `output`. Exit status: 0 success, 1 a
handled error (one line on stderr), 2 bad usage. Heavy modules (the store, Textual, Rich)
are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys

import typer

from hubtui.cli import customers, db, demo, export, imports, order_edits, orders, pricematch, return_outcomes, returns, \
    tui, users

app = typer.Typer(
    help="hubtui: a keyboard-driven back office for orders.",
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=False,
)
app.callback(invoke_without_command=True)(tui.root)
app.command("demo")(demo.demo)
app.command("import")(imports.import_command)
app.command("template")(imports.template_command)
app.command("export")(export.export)
assert order_edits and return_outcomes  # their commands join the orders and returns groups
app.add_typer(orders.app, name="orders")
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(customers.app, name="customers")
app.add_typer(returns.app, name="returns")
app.add_typer(pricematch.app, name="pricematch")


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
    """Run the CLI (`python -m hubtui.cli`; the `hubtui` command first forks the TUI's start-up
    read, see hubtui.__main__)."""
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


__all__ = ["app", "main"]
