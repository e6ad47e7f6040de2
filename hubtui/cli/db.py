"""`hubtui db …`: create, upgrade, inspect and check the database."""

from __future__ import annotations

import typer

from hubtui.cli.common import DbOption, JsonOption, emit_json, fail, handled_errors, say, settings_for

app = typer.Typer(help="Create, upgrade and inspect the database.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade(ctx: typer.Context, db: DbOption = None) -> None:
    """Create the database or bring it to the newest schema."""
    with handled_errors():
        from hubtui.services import database

        settings = settings_for(ctx, db)
        revision = database.upgrade(database.connect(settings.database_url))
    typer.echo(f"{database.safe_url(settings.database_url)} is at schema revision {revision}.")


@app.command("info")
def db_info(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Print the database URL, its schema revision and row counts."""
    with handled_errors():
        from hubtui.services import database

        url = settings_for(ctx, db).database_url
        database.refuse_missing(url)
        info = database.info(database.connect(url))
    if as_json:
        emit_json({"url": info.url, "dialect": info.dialect, "revision": info.revision, "head": info.head,
                   "up_to_date": info.up_to_date, "row_counts": info.row_counts})
        return
    typer.echo(f"url:      {info.url}")
    state = "up to date" if info.up_to_date else f"needs `hubtui db upgrade` to {info.head}"
    typer.echo(f"revision: {info.revision or 'none (empty database)'} ({state})")
    for table, count in info.row_counts.items():
        typer.echo(f"  {table:<20} {count:>12,}")


@app.command("check")
def db_check(ctx: typer.Context, db: DbOption = None) -> None:
    """Check the database is complete: indexes, triggers, tallies, search terms, number sequences.

    Prints "ok" (exit 0), or each problem on a line of its own (exit 1)."""
    with handled_errors():
        from hubtui.services import database
        from hubtui.services.db_check import check_database

        url = settings_for(ctx, db).database_url
        database.refuse_missing(url)
        problems = check_database(database.connect(url))
    if not problems:
        typer.echo("ok")
        return
    for problem in problems:
        say(problem)
    fail(f"the database is incomplete: {len(problems)} problem{'s' if len(problems) > 1 else ''} (listed above)")
