"""`hubtui import orders|items|payments|shopify|channel-prices FILE` and `hubtui template KIND`
(SPEC 6 and 7).

What an import did, or would do with --dry-run, is one summary line; every rejected row is a
line on stderr (row, column, value, reason) and `--errors OUT.csv` writes them with the original
rows, to fix and import again. A file with any bad row imports nothing unless `--on-error
skip-row`; exit 1 then too, as nothing, or not everything, went in.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer

from hubtui.cli.common import DbOption, JsonOption, OrgOption, UserOption, emit_json, fail, handled_errors, say, \
    signed_in
from hubtui.domain.import_columns import ImportKind, template


class ImportTarget(StrEnum):
    orders = "orders"
    items = "items"
    payments = "payments"
    shopify = "shopify"
    channel_prices = "channel-prices"


class OnError(StrEnum):
    reject_file = "reject-file"
    skip_row = "skip-row"


def template_command(kind: Annotated[ImportKind, typer.Argument(help="orders, items, payments or channel-prices")]
                     ) -> None:
    """Print the header line of a CSV file of this kind."""
    say(template(kind))


def import_command(
    ctx: typer.Context,
    kind: Annotated[ImportTarget, typer.Argument(help="orders, items, payments, shopify (a Shopify store's "
                                                      "orders export) or channel-prices")],
    path: Annotated[str, typer.Argument(metavar="FILE", help="The CSV file or xlsx workbook (an export, edited "
                                                             "or not).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file and say what it would do; write "
                                                           "nothing.")] = False,
    errors: Annotated[str | None, typer.Option("--errors", metavar="OUT.csv",
                                               help="Write the rejected rows here, with the reason.")] = None,
    on_error: Annotated[OnError, typer.Option("--on-error", help="reject-file: any bad row imports nothing; "
                                                                 "skip-row: the good rows go in.")]
    = OnError.reject_file,
    channel: Annotated[str, typer.Option("--channel", help="shopify: the channel its orders came by (amazon, "
                                                           "ebay, ...).")] = "web",
    create_products: Annotated[bool, typer.Option("--create-products", help="shopify: add unknown SKUs, and items "
                                                                            "without one, as products.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Import orders, their items, their payments or channel prices from a CSV file or an xlsx workbook: all of
    it, or nothing."""
    with handled_errors():
        from hubtui.services.imports import import_file, write_errors

        context = signed_in(ctx, db, org, user)
        skip = on_error is OnError.skip_row
        with _progress_bar("checked" if dry_run else "imported") as progress:
            if kind is ImportTarget.shopify:
                from hubtui.services.shopify_import import import_shopify

                report = import_shopify(context, path, channel=channel.strip().lower(),
                                        create_products=create_products, dry_run=dry_run, skip_bad_rows=skip,
                                        progress=progress)
            else:
                report = import_file(context, kind.value, path, dry_run=dry_run, skip_bad_rows=skip,
                                     progress=progress)
        if errors and report.problems:
            write_errors(report, errors, path)
    if as_json:
        emit_json({"kind": report.kind, "file": report.file_name, "rows": report.rows, "created": report.created,
                   "updated": report.updated, "unchanged": report.unchanged, "dry_run": report.dry_run,
                   "written": report.written, "already": report.already,
                   "problems": [p.__dict__ for p in report.problems], "notes": list(report.notes)})
    else:
        for problem in report.problems:
            column = f", {problem.column}" if problem.column else ""
            value = f" {problem.value!r}" if problem.value else ""
            say(f"row {problem.row}{column}{value}: {problem.reason}", err=True)
        for note in report.notes:
            say(note)
        say(_summary(report))
    if report.problems and (report.dry_run or not report.written):
        fail(f"{report.file_name}: {len(report.problems)} problem(s) in {len({p.row for p in report.problems})} "
             f"row(s); nothing was imported" + (f" (listed in {errors})" if errors else "") + ".")
    if report.problems:
        fail(f"{report.file_name}: {len({p.row for p in report.problems})} row(s) skipped"
             + (f" (listed in {errors})" if errors else "") + "; the others were imported.")


def _summary(report) -> str:  # type: ignore[no-untyped-def]
    if report.already:
        return report.already
    what = {"orders": ("orders", "created"), "items": ("orders", "given their lines"),
            "payments": ("payments", "added"), "shopify": ("orders", "created"),
            "channel-prices": ("channel prices", "recorded")}[report.kind]
    verb = "would be" if report.dry_run else ("were" if report.written else "would have been")
    parts = [f"{report.file_name}: {report.rows:,} row(s)", f"{report.created:,} {what[0]} {verb} {what[1]}"]
    if report.updated:
        parts.append(f"{report.updated:,} {verb} updated")
    if report.unchanged:
        parts.append(f"{report.unchanged:,} already as in the file")
    return "; ".join(parts) + "."


@contextmanager
def _progress_bar(verb: str) -> Iterator[Callable[[int, int, int], None] | None]:
    """A Rich progress bar on stderr while a terminal shows it (the share of the file read,
    checked and written); nothing when the output is piped or captured."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading…", total=None)

        def show(rows: int, done: int, total: int) -> None:
            bar.update(task, description=f"{rows:,} rows {verb}", completed=done, total=total or None)

        yield show
