"""`hubtui` without a command: open the TUI. Textual is imported only here, and only then."""

from __future__ import annotations

from typing import Any

import typer

from hubtui.cli.common import DbOption, GlobalOptions, OrgOption, UserOption, fail, handled_errors, settings_for


def root(
    ctx: typer.Context,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Open the TUI (or run one of the commands below)."""
    ctx.obj = GlobalOptions(db, org, user)  # what the command below reads, unless it has its own
    if ctx.invoked_subcommand is not None:
        return
    with handled_errors():
        from hubtui.services import session

        settings = settings_for(ctx)
        session.time_zone(settings)  # a bad time zone is refused before anything starts
        from hubtui import startup

        # The first page is read in a second process (forked before Typer loaded, if it could)...
        pending = startup.take_early(settings) or startup.start(settings)
        from hubtui.app import HubApp  # ...while this one loads Textual

        app: Any
        if pending is not None:
            # Textual starts now; the first page arrives when the start-up process has read it.
            app = HubApp(store=None, context=None, settings=settings, pending=pending)
        else:
            from hubtui.services import database

            store = session.open_store(settings)
            context = session.sign_in(store, settings) if database.has_organisations(store) else None
            app = HubApp(store=store, context=context, settings=settings)
    from hubtui.escape_key import keep_escapes_apart

    keep_escapes_apart()
    app.run()
    if app.startup_error:  # e.g. an unknown operator, found by the start-up process
        fail(app.startup_error)
