"""`hubtui users …`: operators and their roles."""

from __future__ import annotations

from typing import Annotated

import typer

from hubtui.cli.common import DbOption, JsonOption, UserOption, emit_json, handled_errors, open_store, say, settings_for
from hubtui.cli.output import print_users

app = typer.Typer(help="Operators and their roles.", no_args_is_help=True)


@app.command("add")
def users_add(
    ctx: typer.Context,
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

        settings = settings_for(ctx, db, None, user)
        # The first user of a new database is how an administrator sets one up: this may create it.
        added = add_user(open_store(settings, create=True), settings.user, name, role, full_name=full_name,
                         org_code=org_code, member_of=tuple(member_of or ()), login=settings.login,
                         vouched=settings.user_vouched)
    say(f"Added {added.name} ({added.role}).")


@app.command("list")
def users_list(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List operators."""
    with handled_errors():
        from hubtui.services.users import list_users

        users = list_users(open_store(settings_for(ctx, db)))
    if as_json:
        emit_json(users)
        return
    print_users(users)
