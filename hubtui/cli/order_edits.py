"""`hubtui orders lines` and `hubtui orders discount`: an order's lines and discounts, with the
same services as the TUI's `l` and `d` (registered on the `orders` group)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from hubtui.cli.common import DbOption, JsonOption, OrgOption, UserOption, emit_json, fail, handled_errors, say, signed_in
from hubtui.cli.orders import _done, app

def _code_and_quantity(option: str, value: str) -> tuple[str, int]:
    code, colon, quantity = value.rpartition(":")
    if not colon or not code.strip() or not quantity.strip().lstrip("-").isdigit():
        fail(f"{option} {value}: give STOCK_CODE:QUANTITY with a whole number, e.g. BT-DRI-1000:3.")
    return code.strip(), int(quantity)


@app.command("lines")
def orders_lines(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    add: Annotated[list[str] | None, typer.Option("--add", metavar="SKU:QTY",
                                                  help="Add QTY of a product (to its line if it has one).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", metavar="SKU:QTY",
                                                   help="The quantity of the line with this stock code.")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", metavar="SKU", help="Take a line off.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    expected_version: Annotated[int | None, typer.Option("--expected-version")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Change an order's lines (before SentToWarehouse, or while ReturnedByWarehouse); the discounts,
    the total and the balance due or credit owed follow."""
    from hubtui.domain.order_edits import AddProduct, RemoveProduct, SetProductQuantity

    edits: list[Any] = [AddProduct(*_code_and_quantity("--add", v)) for v in add or ()]
    edits += [SetProductQuantity(*_code_and_quantity("--set", v)) for v in set_ or ()]
    edits += [RemoveProduct(code) for code in remove or ()]
    if not edits:
        raise typer.BadParameter("give at least one --add, --set or --remove", param_hint="--add/--set/--remove")
    with handled_errors():
        from hubtui.services.order_lines import change_lines, preview_lines

        context = signed_in(ctx, db, org, user)
        if dry_run:
            change = preview_lines(context, number, edits)
        else:
            detail = change_lines(context, number, edits, expected_version=expected_version)
    if not dry_run:
        _done(detail, as_json, f"{detail.number}: lines changed; {detail.activity[0].summary.removeprefix('Lines changed: ')}")
        return
    if as_json:
        emit_json(_preview_json(change))
        return
    _print_preview(change)


def _preview_json(change: Any) -> dict[str, Any]:
    p = change.preview
    return {
        "number": change.number, "dry_run": True, "currency": change.currency, "version": change.version,
        "lines": [{"line": l.line_no, "stock_code": l.stock_code, "name": l.name, "unit_price": l.unit_price,
                   "quantity_before": l.was_quantity or 0, "quantity_after": l.quantity} for l in p.lines],
        "discounts": [{"label": r.discount.label, "before": r.discount.amount, "after": r.amount,
                       "dropped": r.dropped} for r in p.discounts],
        "shares": list(p.shares), "before": asdict(p.before), "after": asdict(p.after),
    }


def _print_preview(change: Any) -> None:
    from hubtui.domain.money import format_money

    def money(minor: int) -> str:
        return format_money(minor, change.currency)

    p = change.preview
    say(f"{change.number} (dry run, nothing written):")
    for line in p.lines:
        if line.changed:
            was = "new" if line.is_new else str(line.was_quantity)
            now = "removed" if line.quantity == 0 else str(line.quantity)
            say(f"  line {line.line_no} {line.stock_code}  {was} → {now}  "
                f"{money(line.was_value)} → {money(line.value if line.quantity else 0)}")
    for r in p.discounts:
        after = f"dropped: {r.dropped}" if r.dropped else f"−{money(r.amount)}"
        say(f"  discount {r.discount.label}  −{money(r.discount.amount)} → {after}")
    from hubtui.services.order_pricing import money_sentence

    say(f"  {money_sentence(p.before, p.after, change.currency)}")


@app.command("discount")
def orders_discount(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument()],
    code: Annotated[str | None, typer.Option("--code", help="A promotion code.")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="An amount off, e.g. 5.00 (needs --reason).")] = None,
    percent: Annotated[str | None, typer.Option("--percent", help="A percentage off, e.g. 12.5 (needs --reason).")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept on the order).")] = "",
    remove: Annotated[int | None, typer.Option("--remove", metavar="ID",
                                               help="Take a discount off (orders show --json lists them).")] = None,
    expected_version: Annotated[int | None, typer.Option("--expected-version")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Apply a promotion code, give a discount of your own, or take one off."""
    chosen = [name for name, value in (("--code", code), ("--amount", amount), ("--percent", percent),
                                       ("--remove", remove)) if value is not None]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of them", param_hint="--code/--amount/--percent/--remove")
    if (amount is not None or percent is not None) and not reason.strip():
        raise typer.BadParameter("a discount of your own needs --reason", param_hint="--reason")
    with handled_errors():
        from hubtui.cli.common import parse_money_option
        from hubtui.domain.money import format_money, money_symbol
        from hubtui.services import order_discounts as discounts

        context = signed_in(ctx, db, org, user)
        if code is not None:
            detail = discounts.apply_promotion(context, number, code, expected_version=expected_version)
        elif remove is not None:
            detail = discounts.remove_discount(context, number, remove, expected_version=expected_version)
        elif amount is not None:
            detail = discounts.add_discount(context, number, reason=reason, amount=parse_money_option(amount, "--amount"),
                                            written_in=money_symbol(amount), expected_version=expected_version)
        else:
            assert percent is not None
            detail = discounts.add_discount(context, number, reason=reason, percent=discounts.parse_percent(percent),
                                            expected_version=expected_version)
    _done(detail, as_json, f"{detail.number}: {detail.activity[0].summary} Discounts now "
                           f"{format_money(detail.discount_total, detail.currency)}.")
