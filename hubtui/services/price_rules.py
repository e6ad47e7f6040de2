"""Price-match rules: list, add, edit, reorder, (de)activate (SPEC 5, issue 14).

Every change is checked whole by domain.price_match.rule_problems against the organisation's
other rules, audited with before and after, and re-evaluates the whole price board in the
same transaction, so the screen never shows a verdict of a rule that has changed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubtui.domain.permissions import Permission
from hubtui.domain.price_match import (
    MAX_PRIORITY,
    Rule,
    RuleDraft,
    Scope,
    percent_text,
    rule_problems,
)
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput, NotFound
from hubtui.services.price_match_views import RuleView
from hubtui.services.refusals import refusals_recorded
from hubtui.store import price_board
from hubtui.store.price_board import board, join_values, rule_of
from hubtui.store.price_tables import PriceMatchRule

PRIORITY_STEP = 10


def _ordered(rules: list[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda r: (r.priority, r.id))


def _all_rules(session: Session, ctx: Context) -> list[Rule]:
    return _ordered(price_board.rules_of(session, ctx.operator.org_id))


def _in_scope(session: Session, ctx: Context, rule: Rule) -> int:
    statement = select(func.count()).select_from(board).where(board.c.org_id == ctx.operator.org_id)
    if rule.scope is not Scope.all:
        column = {Scope.brand: board.c.brand, Scope.category: board.c.category,
                  Scope.stock_codes: board.c.stock_code}[rule.scope]
        statement = statement.where(func.lower(column).in_([v.lower() for v in rule.scope_values]))
    return int(session.scalar(statement) or 0)


def _views(session: Session, ctx: Context) -> tuple[RuleView, ...]:
    return tuple(RuleView(r, _in_scope(session, ctx, r)) for r in _all_rules(session, ctx))


def list_rules(ctx: Context) -> tuple[RuleView, ...]:
    """The organisation's rules in priority order, each with how many products its scope takes."""
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        return _views(session, ctx)


def get_rule(ctx: Context, rule_id: int) -> Rule:
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        return rule_of(_row(session, ctx, rule_id))


def next_priority(ctx: Context) -> int:
    """A priority after every rule's: what a new rule gets when none is chosen."""
    ctx.require(Permission.view_orders)
    with ctx.store.read() as session:
        highest = session.scalar(select(func.max(PriceMatchRule.priority))
                                 .where(PriceMatchRule.org_id == ctx.operator.org_id)) or 0
    return min(MAX_PRIORITY, (highest // PRIORITY_STEP + 1) * PRIORITY_STEP)


def _row(session: Session, ctx: Context, rule_id: int, *, for_update: bool = False) -> PriceMatchRule:
    statement = select(PriceMatchRule).where(PriceMatchRule.id == rule_id,
                                             PriceMatchRule.org_id == ctx.operator.org_id)
    if for_update:
        statement = statement.with_for_update()
    found = session.scalars(statement).first()
    if found is None:
        raise NotFound(f"No price-match rule {rule_id}.")
    return found


def _clean(draft: RuleDraft) -> RuleDraft:
    values = tuple(dict.fromkeys(v.strip() for v in draft.scope_values if v.strip()))
    channels = tuple(c.strip().lower() for c in draft.channels if c.strip())
    return replace(draft, name=draft.name.strip(), scope_values=values, channels=channels)


def _check(draft: RuleDraft, others: list[Rule]) -> None:
    problems = rule_problems(draft, others)
    if problems:
        raise InvalidInput.of(problems)


def _store(row: PriceMatchRule, draft: RuleDraft, ctx: Context) -> None:
    row.name = draft.name
    row.priority = draft.priority
    row.active = draft.active
    row.scope = draft.scope.value
    row.scope_value = join_values(draft.scope_values)
    row.channels = ",".join(draft.channels)
    row.tolerance_kind = draft.tolerance_kind.value
    row.tolerance_value = draft.tolerance_value
    row.min_margin_bp = draft.min_margin_bp
    row.action = draft.action.value
    row.updated_at = ctx.now()


def described(rule: Rule | RuleDraft) -> dict[str, Any]:
    """A rule's fields as the audit entry keeps them."""
    return {"name": rule.name, "priority": rule.priority, "active": rule.active, "scope": rule.scope.value,
            "scope_values": list(rule.scope_values), "channels": list(rule.channels),
            "tolerance_kind": rule.tolerance_kind.value, "tolerance_value": rule.tolerance_value,
            "min_margin_bp": rule.min_margin_bp, "floor_margin": percent_text(rule.min_margin_bp),
            "action": rule.action.value}


def _reevaluate(session: Session, ctx: Context) -> None:
    session.flush()
    price_board.refresh(session, ctx.operator.org_id, None, reread_prices=False)


@refusals_recorded("price rule")
def add_rule(ctx: Context, draft: RuleDraft) -> Rule:
    ctx.require(Permission.manage_price_rules)
    draft = _clean(draft)
    with ctx.store.write() as session:
        _check(draft, _all_rules(session, ctx))
        row = PriceMatchRule(org_id=ctx.operator.org_id, name="", scope="all", channels="", action="flag")
        _store(row, draft, ctx)
        session.add(row)
        session.flush()
        rule = rule_of(row)
        audit.record(session, ctx, action="price rule", summary=f"Price rule {rule.name!r} added",
                     after=described(rule))
        _reevaluate(session, ctx)
        return rule


@refusals_recorded("price rule")
def edit_rule(ctx: Context, rule_id: int, draft: RuleDraft) -> Rule:
    ctx.require(Permission.manage_price_rules)
    draft = _clean(draft)
    with ctx.store.write() as session:
        row = _row(session, ctx, rule_id, for_update=True)
        before = rule_of(row)
        _check(draft, [r for r in _all_rules(session, ctx) if r.id != rule_id])
        if RuleDraft.of(before) == draft:
            return before
        _store(row, draft, ctx)
        session.flush()
        rule = rule_of(row)
        audit.record(session, ctx, action="price rule", summary=f"Price rule {rule.name!r} changed",
                     before=described(before), after=described(rule))
        _reevaluate(session, ctx)
        return rule


@refusals_recorded("price rule")
def set_rule_active(ctx: Context, rule_id: int, active: bool) -> Rule:
    """Activate or deactivate a rule (an inactive rule decides nothing); activating is refused
    when an active rule with an overlapping scope has the same priority."""
    ctx.require(Permission.manage_price_rules)
    with ctx.store.write() as session:
        row = _row(session, ctx, rule_id, for_update=True)
        before = rule_of(row)
        if before.active == active:
            return before
        draft = replace(RuleDraft.of(before), active=active)
        _check(draft, [r for r in _all_rules(session, ctx) if r.id != rule_id])
        _store(row, draft, ctx)
        session.flush()
        rule = rule_of(row)
        audit.record(session, ctx, action="price rule",
                     summary=f"Price rule {rule.name!r} {'activated' if active else 'deactivated'}",
                     before={"active": before.active}, after={"active": active, "name": rule.name})
        _reevaluate(session, ctx)
        return rule


@refusals_recorded("price rule")
def move_rule(ctx: Context, rule_id: int, up: bool) -> tuple[RuleView, ...]:
    """Swap the rule's priority with its neighbour's (up: the one tried just before it). When
    the two share a priority the rules are numbered afresh in steps of ten, in the new order.
    At the top (or bottom) nothing changes."""
    ctx.require(Permission.manage_price_rules)
    with ctx.store.write() as session:
        _row(session, ctx, rule_id, for_update=True)
        rules = _all_rules(session, ctx)
        at = next(i for i, r in enumerate(rules) if r.id == rule_id)
        other = at - 1 if up else at + 1
        if not 0 <= other < len(rules):
            return _views(session, ctx)
        mine, theirs = rules[at], rules[other]
        rules[at], rules[other] = theirs, mine
        if mine.priority != theirs.priority:
            priorities = {mine.id: theirs.priority, theirs.id: mine.priority}
        else:
            priorities = {r.id: (i + 1) * PRIORITY_STEP for i, r in enumerate(rules)}
        moved = [replace(r, priority=priorities.get(r.id, r.priority)) for r in rules]
        for rule in moved:
            if rule.id in priorities:
                _check(RuleDraft.of(rule), [r for r in moved if r.id != rule.id])
        before = {str(r.id): r.priority for r in rules if r.id in priorities}
        for rule in moved:
            if rule.id in priorities and priorities[rule.id] != before[str(rule.id)]:
                row = _row(session, ctx, rule.id, for_update=True)
                row.priority = rule.priority
                row.updated_at = ctx.now()
        audit.record(session, ctx, action="price rule",
                     summary=f"Price rule {mine.name!r} moved {'up' if up else 'down'}, past {theirs.name!r}",
                     before={"priorities": before}, after={"priorities": {str(k): v for k, v in priorities.items()}})
        _reevaluate(session, ctx)
        return _views(session, ctx)


__all__ = ["add_rule", "edit_rule", "get_rule", "list_rules", "move_rule", "next_priority", "set_rule_active"]
