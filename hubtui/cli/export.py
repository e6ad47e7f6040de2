"""`hubtui export orders|items|payments`: an xlsx of the orders placed in a range, or of their
lines or payments, optionally e-mailed (services.export, services.mail)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from hubtui.cli.common import DbOption, JsonOption, OrgOption, UserOption, emit_json, fail, handled_errors, say, signed_in
from hubtui.cli.orders import QuickOption
from hubtui.domain.import_columns import ExportKind
from hubtui.domain.orders import QuickFilter
from hubtui.domain.periods import Period

# The periods of domain.periods (custom is --from/--to), and all time.
RangeName = StrEnum("RangeName", [("ALL", "all")] + [(p.name, p.value) for p in Period if p is not Period.CUSTOM])


def export(
    ctx: typer.Context,
    kind: Annotated[ExportKind, typer.Argument(case_sensitive=False,
                                               help="Orders, their lines (items) or their payments.")],
    span: Annotated[RangeName | None, typer.Option("--range", case_sensitive=False, metavar="PERIOD",
                                                   help="One of " + ", ".join(r.value for r in RangeName) + ".")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, e.g. 2026-11-01 (with or without --to).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, inclusive.")] = None,
    quick: QuickOption = QuickFilter.ALL,
    out: Annotated[str | None, typer.Option("--out", metavar="FILE.xlsx",
                                            help="Where to write it (default: e.g. orders-2026-12-01.xlsx here).")] = None,
    email: Annotated[str | None, typer.Option("--email", metavar="ADDRESS",
                                              help="Also e-mail it there; 'me': your own address (\\[smtp] in "
                                                   "config.toml).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Export orders, items or payments placed in a date range to an xlsx file (the import's columns)."""
    if span is not None and (date_from is not None or date_to is not None):
        raise typer.BadParameter("give --range or --from/--to, not both", param_hint="--range")
    if span is None and date_from is None and date_to is None:
        raise typer.BadParameter("give --range PERIOD (e.g. last-7-days, or all), or --from and/or --to",
                                 param_hint="--range")
    with handled_errors():
        from hubtui.domain.order_query import OrderQuery
        from hubtui.domain.periods import parse_date
        from hubtui.services import export as service
        from hubtui.services import mail

        period = None if span is None or span.value == "all" else Period(span.value)
        chosen = service.ExportRange(period, parse_date(date_from) if date_from else None,
                                     parse_date(date_to) if date_to else None)
        mail_settings = None
        if email is not None:  # the settings and the address are checked before anything is written
            from hubtui.config import config_path

            mail_settings = mail.read_mail_settings(config_path())
        context = signed_in(ctx, db, org, user)
        if mail_settings is not None:
            assert email is not None
            mail.recipient(mail_settings, email, context.operator.user_name)
            mail.password(mail_settings)
        target = out if out is not None else str(Path.cwd() / service.default_file_name(kind, context.today()))
        query = OrderQuery(quick_filter=quick) if quick is not QuickFilter.ALL else None
        result = _run(context, kind, target, chosen, query)
        emailed = None
        if mail_settings is not None:
            assert email is not None
            try:
                emailed = service.mail_export(context, result, email, mail_settings)
            except mail.MailError as error:
                if not as_json:
                    say(f"Wrote {result.summary()} to {result.path}.")
                fail(str(error))
    if as_json:
        emit_json({"file": str(result.path), "kind": result.kind.value, "rows": result.rows, "orders": result.orders,
                   "range": result.range_words, "filter": result.filter_words, "emailed_to": emailed})
        return
    say(f"Wrote {result.summary()} to {result.path}" + (f" and e-mailed it to {emailed}." if emailed else "."))


def _run(context: Any, kind: ExportKind, target: str, chosen: Any, query: Any) -> Any:
    """The export, with a progress bar on stderr when that is a terminal (none when it is piped)."""
    from hubtui.services.export import export_sheet

    if not sys.stderr.isatty():
        return export_sheet(context, kind, target, span=chosen, query=query)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(f"Exporting {kind.value}"), BarColumn(), MofNCompleteColumn(), TextColumn("orders"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(kind.value, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return export_sheet(context, kind, target, span=chosen, query=query, progress=progress)
