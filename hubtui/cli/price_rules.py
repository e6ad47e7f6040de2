"""`hubtui pricematch rules list|add|edit|disable|enable|move` (issue 14): the price-match rules,
through services.price_rules, which checks them (domain.price_match.rule_problems) and audits
every change.

A refused rule is one line naming the option to fix ("--tolerance: …"), exit 1. Percentages
are given as a person writes them (`5`, `2.5`, `5%`) and kept in basis points; an amount
tolerance as money (`3.00`) in minor units.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hubtui.cli.common import DbOption, JsonOption, OrgOption, UserOption, emit_json, fail, handled_errors, say, \
    signed_in
from hubtui.cli.output import Column, print_table
from hubtui.domain.price_match import Action, Scope, ToleranceKind, percent_text

if TYPE_CHECKING:
    from hubtui.domain.price_match import Rule
    from hubtui.services.price_match_views import RuleView

app = typer.Typer(help="List, add, change, disable, enable and reorder price-match rules.", no_args_is_help=True)

# A Rule's field -> the option that sets it, for the one line that says what to fix.
OPTION_OF = {"name": "--name", "priority": "--priority", "active": "--active", "scope": "--scope",
             "scope_values": "--scope-value", "channels": "--channel", "tolerance_kind": "--tolerance-kind",
             "tolerance_value": "--tolerance", "min_margin_bp": "--min-margin", "action": "--action"}

NameOption = Annotated[str | None, typer.Option("--name", help="What the rule is called.")]
PriorityOption = Annotated[int | None, typer.Option("--priority", help="Lower runs first.")]
ActiveOption = Annotated[bool | None, typer.Option("--active/--inactive", help="Whether the rule is used.")]
ScopeOption = Annotated[Scope | None, typer.Option("--scope", case_sensitive=False, metavar="SCOPE",
                                                   help="The products it takes: " + ", ".join(Scope) + ".")]
ScopeValuesOption = Annotated[list[str] | None, typer.Option(
    "--scope-value", metavar="VALUE", help="A brand, category or stock code of the scope (repeat it for more).")]
ChannelsOption = Annotated[list[str] | None, typer.Option(
    "--channel", metavar="CHANNEL", help="A channel compared: app, amazon, ebay, flipkart, myntra (repeat it).")]
ToleranceKindOption = Annotated[ToleranceKind | None, typer.Option(
    "--tolerance-kind", case_sensitive=False, metavar="KIND", help="amount or percent.")]
ToleranceOption = Annotated[str | None, typer.Option(
    "--tolerance", metavar="VALUE", help="How far above the lowest price is still parity: 5 or 2.5 (percent), "
                                         "3.00 (amount).")]
MarginOption = Annotated[str | None, typer.Option(
    "--min-margin", metavar="PERCENT", help="The floor is the cost plus this much percent, e.g. 15.")]
ActionOption = Annotated[Action | None, typer.Option("--action", case_sensitive=False, metavar="ACTION",
                                                     help="What it does: " + ", ".join(Action) + ".")]


@contextmanager
def refusals(option_of: dict[str, str]) -> Iterator[None]:
    """Input the service refuses: one line, each problem after the option that sets its field
    (`option_of`: field -> option); a problem of no option's field as the service says it."""
    from hubtui.services.errors import InvalidInput

    try:
        yield
    except InvalidInput as error:
        if not error.problems:
            fail(str(error))
        # "A: the first.; B: …" reads badly: each problem without its full stop, one at the end.
        fail("; ".join(f"{option_of[field]}: {message.rstrip('.')}" if field in option_of else message.rstrip(".")
                       for field, message in error.problems.items()) + ".")


def _refusals() -> Any:
    return refusals(OPTION_OF)


@app.command("list")
def rules_list(ctx: typer.Context, as_json: JsonOption = False, db: DbOption = None, org: OrgOption = None,
               user: UserOption = None) -> None:
    """The rules in the order they are tried (priority)."""
    with handled_errors():
        from hubtui.services.price_rules import list_rules

        views = list_rules(signed_in(ctx, db, org, user))
    if as_json:
        emit_json([{**rule_json(v.rule), "products_in_scope": v.products_in_scope} for v in views])
        return
    if not views:
        say("No price-match rules yet (hubtui pricematch rules add).")
        return
    print_rules(views)


RULE_COLUMNS = (Column("ID", right=True), Column("PRI", right=True), Column("ACTIVE"), Column("NAME", shrink=True),
                Column("SCOPE", shrink=True), Column("CHANNELS"), Column("TOLERANCE", right=True),
                Column("MARGIN", right=True), Column("ACTION"), Column("PRODUCTS", right=True))


def print_rules(views: tuple[RuleView, ...]) -> None:
    print_table(RULE_COLUMNS, (
        (str(r.id), str(r.priority), "yes" if r.active else "no", r.name, scope_words(r), ",".join(r.channels),
         tolerance_words(r), percent_text(r.min_margin_bp), r.action.value,
         "" if v.products_in_scope is None else f"{v.products_in_scope:,}")
        for v in views for r in (v.rule,)))


def scope_words(rule: Rule) -> str:
    return rule.scope.value if rule.scope is Scope.all else f"{rule.scope.value}: {', '.join(rule.scope_values)}"


def tolerance_words(rule: Rule) -> str:
    from hubtui.domain.money import format_money

    if rule.tolerance_kind is ToleranceKind.percent:
        return percent_text(rule.tolerance_value)
    return format_money(rule.tolerance_value)


def rule_json(rule: Rule) -> dict[str, Any]:
    """Tolerance and margin as stored: basis points, or minor units for an amount."""
    values = asdict(rule)
    return {**values, "scope": rule.scope.value, "tolerance_kind": rule.tolerance_kind.value,
            "action": rule.action.value, "scope_values": list(rule.scope_values), "channels": list(rule.channels)}


def parse_percent(text: str, option: str) -> int:
    """`5`, `2.5`, `5%` -> basis points (500, 250, 500); at most two decimal places."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        value = Decimal(cleaned) * 100
    except InvalidOperation:
        fail(f"{option}: '{text}' is not a percentage; write it like 5 or 2.5")
    if not value.is_finite() or value != value.to_integral_value():
        fail(f"{option}: '{text}' is not a percentage with at most two decimal places")
    if abs(value) > 10**9:
        fail(f"{option}: '{text}' is too large a percentage")
    return int(value)


def _tolerance(text: str, kind: ToleranceKind) -> int:
    from hubtui.domain.money import parse_money

    if kind is ToleranceKind.percent:
        return parse_percent(text, "--tolerance")
    try:
        return parse_money(text.strip(), allow_negative=True)
    except ValueError as error:
        fail(f"--tolerance: {error}")


def _cleaned(values: list[str] | None) -> tuple[str, ...] | None:
    """Repeated options, each may also be a comma-separated list; None when not given."""
    if values is None:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _draft(base: dict[str, Any], name: str | None, priority: int | None, active: bool | None, scope: Scope | None,
           scope_values: list[str] | None, channels: list[str] | None, tolerance_kind: ToleranceKind | None,
           tolerance: str | None, min_margin: str | None, action: Action | None) -> Any:
    """The RuleDraft of `base` (a rule's fields) with what the options give."""
    from hubtui.domain.price_match import RuleDraft

    given = {"name": name if name is None else name.strip(), "priority": priority, "active": active, "scope": scope,
             "scope_values": _cleaned(scope_values),
             "channels": None if channels is None else tuple(c.lower() for c in _cleaned(channels) or ()),
             "tolerance_kind": tolerance_kind, "action": action,
             "min_margin_bp": None if min_margin is None else parse_percent(min_margin, "--min-margin")}
    values = {**base, **{k: v for k, v in given.items() if v is not None}}
    if tolerance is not None:
        values["tolerance_value"] = _tolerance(tolerance, values["tolerance_kind"])
    if values["scope"] is Scope.all and scope_values is None:
        values["scope_values"] = ()
    wanted = {f.name for f in fields(RuleDraft)}
    return RuleDraft(**{k: v for k, v in values.items() if k in wanted})


@app.command("add")
def rules_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="What the rule is called.")],
    channels: Annotated[list[str] | None, typer.Option(
        "--channel", metavar="CHANNEL", help="A channel compared: app, amazon, ebay, flipkart, myntra (repeat it, "
                                             "or a comma-separated list); at least one.")] = None,
    priority: Annotated[int | None, typer.Option("--priority", help="Lower runs first (default: after the "
                                                                    "last rule).")] = None,
    active: Annotated[bool, typer.Option("--active/--inactive", help="Whether the rule is used.")] = True,
    scope: Annotated[Scope, typer.Option("--scope", case_sensitive=False, metavar="SCOPE",
                                         help="The products it takes: " + ", ".join(Scope) + ".")] = Scope.all,
    scope_values: ScopeValuesOption = None,
    tolerance_kind: Annotated[ToleranceKind, typer.Option("--tolerance-kind", case_sensitive=False, metavar="KIND",
                                                          help="amount or percent.")] = ToleranceKind.percent,
    tolerance: Annotated[str, typer.Option("--tolerance", metavar="VALUE", help="How far above the lowest price "
                                           "is still parity: 5 or 2.5 (percent), 3.00 (amount).")] = "0",
    min_margin: Annotated[str, typer.Option("--min-margin", metavar="PERCENT",
                                            help="The floor is the cost plus this much percent.")] = "0",
    action: Annotated[Action, typer.Option("--action", case_sensitive=False, metavar="ACTION",
                                           help="What it does: " + ", ".join(Action) + ".")] = Action.flag,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Add a rule; it is checked whole, and refused with every problem on one line."""
    with handled_errors(), _refusals():
        from hubtui.services.price_rules import add_rule, next_priority

        context = signed_in(ctx, db, org, user)
        if priority is None:
            priority = next_priority(context)
        base = {"name": "", "priority": priority, "active": active, "scope": scope, "scope_values": (),
                "channels": (), "tolerance_kind": tolerance_kind, "tolerance_value": 0, "min_margin_bp": 0,
                "action": action}
        rule = add_rule(context, _draft(base, name, None, None, None, scope_values, channels, None, tolerance,
                                        min_margin, None))
    _done("added", rule, as_json)


@app.command("edit")
def rules_edit(
    ctx: typer.Context,
    rule_id: Annotated[int, typer.Argument(metavar="RULE_ID", help="The rule's id (rules list).")],
    name: NameOption = None,
    priority: PriorityOption = None,
    active: ActiveOption = None,
    scope: ScopeOption = None,
    scope_values: ScopeValuesOption = None,
    channels: ChannelsOption = None,
    tolerance_kind: ToleranceKindOption = None,
    tolerance: ToleranceOption = None,
    min_margin: MarginOption = None,
    action: ActionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Change what the options give of a rule; the rest stays as it is."""
    with handled_errors(), _refusals():
        from hubtui.services.price_rules import edit_rule, get_rule

        context = signed_in(ctx, db, org, user)
        rule = get_rule(context, rule_id)
        if tolerance_kind is not None and tolerance is None and tolerance_kind is not rule.tolerance_kind:
            fail("--tolerance: give the tolerance in its new kind too")
        base = {f.name: getattr(rule, f.name) for f in fields(rule) if f.name != "id"}
        rule = edit_rule(context, rule_id, _draft(base, name, priority, active, scope, scope_values, channels,
                                                  tolerance_kind, tolerance, min_margin, action))
    _done("changed", rule, as_json)


def _set_active(ctx: typer.Context, rule_id: int, active: bool, as_json: bool, db: str | None, org: str | None,
                user: str | None) -> None:
    with handled_errors(), _refusals():
        from hubtui.services.price_rules import set_rule_active

        rule = set_rule_active(signed_in(ctx, db, org, user), rule_id, active)
    _done("enabled" if active else "disabled", rule, as_json)


RuleIdArgument = Annotated[int, typer.Argument(metavar="RULE_ID", help="The rule's id (rules list).")]


@app.command("disable")
def rules_disable(ctx: typer.Context, rule_id: RuleIdArgument, as_json: JsonOption = False, db: DbOption = None,
                  org: OrgOption = None, user: UserOption = None) -> None:
    """Stop using a rule (it stays, to enable again)."""
    _set_active(ctx, rule_id, False, as_json, db, org, user)


@app.command("enable")
def rules_enable(ctx: typer.Context, rule_id: RuleIdArgument, as_json: JsonOption = False, db: DbOption = None,
                 org: OrgOption = None, user: UserOption = None) -> None:
    """Use a disabled rule again (refused when another active rule has its priority and overlaps it)."""
    _set_active(ctx, rule_id, True, as_json, db, org, user)


@app.command("move")
def rules_move(
    ctx: typer.Context,
    rule_id: RuleIdArgument,
    up: Annotated[bool, typer.Option("--up/--down", help="Tried earlier (up) or later (down).")] = True,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Swap a rule's priority with the rule tried just before it (--up) or after it (--down)."""
    with handled_errors(), _refusals():
        from hubtui.services.price_rules import move_rule

        views = move_rule(signed_in(ctx, db, org, user), rule_id, up)
    if as_json:
        emit_json([{**rule_json(v.rule), "products_in_scope": v.products_in_scope} for v in views])
        return
    print_rules(views)


def _done(verb: str, rule: Rule, as_json: bool) -> None:
    if as_json:
        emit_json(rule_json(rule))
        return
    say(f"Rule {rule.id} {verb}: {rule.name} (priority {rule.priority}, {'active' if rule.active else 'inactive'}, "
        f"{scope_words(rule)}, {','.join(rule.channels)}, tolerance {tolerance_words(rule)}, margin "
        f"{percent_text(rule.min_margin_bp)}, {rule.action.value})")


__all__ = ["app", "parse_percent", "refusals"]
