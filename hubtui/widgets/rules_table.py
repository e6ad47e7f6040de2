"""The price-match rules in the order they run: priority, name, whether active, the action, the
tolerance and floor margin, then the scope and the channels compared (a scroll to the right at
80 columns)."""

from __future__ import annotations

from collections.abc import Sequence

from hubtui.domain.money import format_money
from hubtui.domain.price_match import Action, Rule, Scope, ToleranceKind, percent_text
from hubtui.services.price_match_views import RuleView
from hubtui.widgets.line_table import Cell, Column, LineTable

COLUMNS = (
    Column("Prio", 4, right=True), Column("Name", 18), Column("On", 3), Column("Action", 13),
    Column("Tolerance", 9, right=True), Column("Floor", 6, right=True), Column("Scope", 16), Column("Channels", 22),
)
ACTION_WORDS = {Action.flag: "flag", Action.match_lowest: "match lowest", Action.match_lowest_above_floor: "match ≥ floor"}


def tolerance_words(rule: Rule) -> str:
    if ToleranceKind(rule.tolerance_kind) is ToleranceKind.percent:
        return percent_text(rule.tolerance_value)
    return format_money(rule.tolerance_value)


def scope_words(rule: Rule) -> str:
    scope = Scope(rule.scope)
    if scope is Scope.all:
        return "all products"
    return f"{scope.value.replace('_', ' ')}: {', '.join(rule.scope_values)}"


class RulesTable(LineTable[RuleView]):
    COLUMNS = COLUMNS

    def cells(self, row: RuleView) -> Sequence[Cell]:
        rule = row.rule
        dim = "" if rule.active else "dim"
        return [
            Cell(str(rule.priority), dim), Cell(rule.name, dim), Cell("yes" if rule.active else "no", dim),
            Cell(ACTION_WORDS.get(Action(rule.action), str(rule.action)), dim), Cell(tolerance_words(rule), dim),
            Cell(percent_text(rule.min_margin_bp), dim), Cell(scope_words(rule), dim), Cell(", ".join(rule.channels), dim),
        ]

    def row_key(self, row: RuleView) -> str:
        return str(row.rule.id)
