"""`hubtui pricematch …` (SPEC 5 and 6, issue 14): the products' channel prices and verdicts as a
table or JSON, applying suggested prices, and the rules (cli.price_rules).

`report` reads the same pages as the Price Match screen (services.price_match), keyset page by
keyset page, so a long report starts at once. `apply` prints before -> after for each product
and changes nothing with --dry-run; the service checks each change again (the same price as
read, never below the floor) and writes all of them or none.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hubtui.cli import price_rules
from hubtui.cli.common import DbOption, JsonOption, OrgOption, UserOption, emit_json, fail, handled_errors, say, \
    signed_in
from hubtui.cli.output import Column, print_table
from hubtui.domain.price_match import COMPARED_CHANNELS, OWN_CHANNEL, VerdictKind

if TYPE_CHECKING:
    from hubtui.services.price_match_views import PriceChange, PriceMatchRow

app = typer.Typer(help="Price match: channel prices against the own website, suggestions, rules.",
                  no_args_is_help=True)
app.add_typer(price_rules.app, name="rules")


class SortBy(StrEnum):
    stock_code = "stock_code"
    spread = "spread"


VERDICT_WORDS = {VerdictKind.suggested: "suggested", VerdictKind.flagged: "flagged", VerdictKind.parity: "parity",
                 VerdictKind.no_rule: "no rule"}
PAGE = 500  # rows a keyset page of the report


@app.command("report")
def report(
    ctx: typer.Context,
    verdict: Annotated[VerdictKind | None, typer.Option(
        "--verdict", case_sensitive=False, metavar="VERDICT",
        help="Only this verdict: " + ", ".join(VerdictKind) + ".")] = None,
    brand: Annotated[str, typer.Option("--brand", help="Only this brand.")] = "",
    category: Annotated[str, typer.Option("--category", help="Only this category.")] = "",
    channel: Annotated[str, typer.Option("--channel", help="Only products with a price on this channel.")] = "",
    search: Annotated[str, typer.Option("--search", help="Stock code or name, any part, any case.")] = "",
    sort: Annotated[SortBy, typer.Option("--sort", case_sensitive=False, help="stock_code or spread.")]
    = SortBy.stock_code,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many products "
                                                                     "(default: all).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Each product's own-website price, its latest channel prices, the spread and the verdict."""
    with handled_errors():
        from hubtui.domain.price_match import PriceMatchQuery
        from hubtui.services.price_match import price_match_counts, price_match_page

        if channel and channel.strip().lower() not in COMPARED_CHANNELS:
            fail(f"--channel: '{channel}' is not a compared channel ({', '.join(COMPARED_CHANNELS)})")
        query = PriceMatchQuery(verdict=verdict, brand=brand.strip(), category=category.strip(),
                                channel=channel.strip().lower(), text=search.strip(), sort=sort.value)
        context = signed_in(ctx, db, org, user)
        rows: list[PriceMatchRow] = []
        cursor = None
        while limit is None or len(rows) < limit:
            page = price_match_page(context, query, cursor, limit=min(PAGE, limit - len(rows)) if limit else PAGE)
            rows.extend(page.rows)
            if not page.has_after or not page.rows:
                break
            cursor = page.last
        counts = price_match_counts(context, query) if not as_json else None
    if as_json:
        emit_json([row_json(r) for r in rows])
        return
    if not rows:
        say("No products match.")
        return
    print_rows(rows)
    if counts is not None:
        by = ", ".join(f"{counts.by_verdict.get(kind, 0):,} {VERDICT_WORDS[kind]}" for kind in VerdictKind)
        say(f"{len(rows):,} product(s) shown; {by}", err=True)


REPORT_COLUMNS = (Column("STOCK CODE"), Column("NAME", shrink=True), Column(OWN_CHANNEL.upper(), right=True),
                  *(Column(c.upper(), right=True) for c in COMPARED_CHANNELS), Column("SPREAD", right=True),
                  Column("VERDICT"), Column("SUGGESTED", right=True), Column("RULE", shrink=True))


def print_rows(rows: list[PriceMatchRow]) -> None:
    from hubtui.domain.money import format_money

    def cells(r: PriceMatchRow) -> tuple[str, ...]:
        prices = {p.channel: format_money(p.price, r.currency) for p in r.prices}
        v = r.verdict
        return (r.stock_code, r.name, format_money(r.own_price, r.currency),
                *(prices.get(c, "-") for c in COMPARED_CHANNELS),
                "-" if r.spread is None else format_money(r.spread, r.currency), VERDICT_WORDS[v.kind],
                "" if v.suggested_price is None else format_money(v.suggested_price, r.currency), v.rule_name)

    print_table(REPORT_COLUMNS, (cells(r) for r in rows))


def row_json(r: PriceMatchRow) -> dict[str, Any]:
    """Money is integer minor units, as everywhere in --json."""
    v = r.verdict
    return {"stock_code": r.stock_code, "name": r.name, "brand": r.brand, "category": r.category,
            "currency": r.currency, "own_price": r.own_price, "cost": r.cost,
            "prices": {p.channel: {"price": p.price, "observed_at": p.observed_at.isoformat()} for p in r.prices},
            "spread": r.spread,
            "verdict": {"kind": v.kind.value, "rule_id": v.rule_id, "rule_name": v.rule_name,
                        "lowest_channel": v.lowest_channel, "lowest_price": v.lowest_price, "floor": v.floor,
                        "suggested_price": v.suggested_price, "reason": v.reason}}


@app.command("apply")
def apply(
    ctx: typer.Context,
    stock_codes: Annotated[list[str] | None, typer.Option("--stock-code", metavar="CODE",
                                                          help="A product whose suggestion to apply (repeat it "
                                                               "for more).")] = None,
    all_suggested: Annotated[bool, typer.Option("--all-suggested", help="Every product with a suggested "
                                                                        "price.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print before -> after; change nothing.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Change the own-website price of products to their suggested price: all of them or none."""
    codes = [code.strip() for code in stock_codes or () if code.strip()]
    if bool(codes) == all_suggested:
        raise typer.BadParameter("give --stock-code CODE (one or more) or --all-suggested, not both",
                                 param_hint="--stock-code / --all-suggested")
    with handled_errors(), price_rules.refusals({"stock_codes": "--stock-code"}):
        from hubtui.services.price_match import apply_suggestions, suggestions

        context = signed_in(ctx, db, org, user)
        changes = suggestions(context, None if all_suggested else codes, all_suggested=all_suggested)
        low = [c for c in changes if c.after < c.floor]
        if low:
            fail(f"{low[0].stock_code}: {_money(low[0].after)} is below its floor {_money(low[0].floor)}; "
                 "nothing was changed")
        if not dry_run and changes:
            changes = apply_suggestions(context, changes)
    if as_json:
        emit_json({"dry_run": dry_run, "changes": [_change_json(c) for c in changes]})
        return
    if not changes:
        say("No suggested prices to apply.")
        return
    print_table(CHANGE_COLUMNS, ((c.stock_code, c.name, _money(c.before), "->", _money(c.after), _money(c.floor),
                                  c.rule_name) for c in changes))
    say(f"{len(changes):,} price(s) {'would be' if dry_run else 'were'} changed.", err=True)


CHANGE_COLUMNS = (Column("STOCK CODE"), Column("NAME", shrink=True), Column("BEFORE", right=True), Column(""),
                  Column("AFTER", right=True), Column("FLOOR", right=True), Column("RULE", shrink=True))


def _money(minor: int) -> str:
    from hubtui.domain.money import format_money

    return format_money(minor)


def _change_json(c: PriceChange) -> dict[str, Any]:
    return {"stock_code": c.stock_code, "name": c.name, "before": c.before, "after": c.after, "floor": c.floor,
            "rule_name": c.rule_name}


__all__ = ["app"]
