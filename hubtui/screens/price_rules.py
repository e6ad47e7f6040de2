"""The price-match rules in the order they run (SPEC 5): add, edit, move a rule earlier or later,
deactivate or activate it. Every change is the service's, audited there; the Price Match screen
evaluates again when it is back on top."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import Worker

from hubtui.domain.permissions import Permission, why_not
from hubtui.services.price_match_views import RuleView
from hubtui.widgets.commands import APP_COMMANDS, PRICE_RULES_COMMANDS, bindings
from hubtui.widgets.hub_footer import HubFooter
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.rules_table import RulesTable
from hubtui.widgets.status_line import StatusLine, counted
from hubtui.widgets.worker_errors import RETRY_HINT, ReportsWorkerErrors

if TYPE_CHECKING:
    from hubtui.services.context import Context

CHANGES = ("new_rule", "edit_rule", "move_rule", "toggle_active")


class PriceRulesScreen(ReportsWorkerErrors, Screen[None]):
    AUTO_FOCUS = "#rules-table"
    BINDINGS = bindings(PRICE_RULES_COMMANDS)
    HELP_COMMANDS = APP_COMMANDS + PRICE_RULES_COMMANDS
    HELP_TITLE = "Price-match rules"
    RETRY_KEY_HINT = RETRY_HINT

    class Loaded(Message):
        def __init__(self, rules: tuple[RuleView, ...], keep: str | None) -> None:
            super().__init__()
            self.rules = rules
            self.keep = keep

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.loads = 0  # rule lists shown so far: tests wait on it

    def compose(self) -> ComposeResult:
        yield Header()
        yield RulesTable(id="rules-table")
        yield StatusLine(id="rules-status")
        yield HubFooter()

    def on_mount(self) -> None:
        operator = self.context.operator
        self.title = f"{operator.org_code} price-match rules"
        self.sub_title = "the first active rule that takes a product decides"
        self.load()

    @property
    def table(self) -> RulesTable:
        return self.query_one(RulesTable)

    @property
    def rules(self) -> tuple[RuleView, ...]:
        return self.table.rows

    # ------------------------------------------------------------------ reads and writes

    def load(self, keep: str | None = None) -> Worker[None]:
        self.query_one(StatusLine).busy = True
        return self._run(lambda: self._list(), keep or self.table.highlighted_key(), "read the rules")

    def _list(self) -> tuple[RuleView, ...]:
        from hubtui.services.price_rules import list_rules

        return list_rules(self.context)

    def _run(self, call: Any, keep: str | None, what: str) -> Worker[None]:
        """`call` (a service call) in a worker; the rules it returns, or the list read afresh, are shown."""

        def change() -> None:
            result = call()
            rules = result if isinstance(result, tuple) else self._list()
            self.post_message(self.Loaded(rules, keep))

        worker = self.run_worker(change, thread=True, exclusive=True, group="rules", exit_on_error=False,
                                 description=what)
        hold_keys(self, until=worker)  # keys typed behind a move are for the list as it is then
        return worker

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.query_one(StatusLine).busy = False
        self.table.show_rows(message.rules, keep=message.keep)
        active = sum(1 for view in message.rules if view.rule.active)
        words = f"{counted(len(message.rules), 'rule')}, {active} active" if message.rules else \
            "No rules yet: n adds one. Without a rule every product's verdict is \"no rule\"."
        self.query_one(StatusLine).update(words)
        self.loads += 1

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        self.query_one(StatusLine).busy = False
        super().worker_failed(worker, error)
        if worker.group == "rules" and worker.description != "read the rules":
            self.load()  # show the rules as they are now

    def failure_title(self, worker: Worker[Any]) -> str:
        return f"Could not {worker.description}" if worker.description else super().failure_title(worker)

    # ------------------------------------------------------------------ keys

    def action_refresh(self) -> None:
        self.load()

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _highlighted(self) -> RuleView | None:
        return self.table.highlighted()

    async def action_new_rule(self) -> None:
        from hubtui.screens.rule_dialog import RuleDialog

        following = max((view.rule.priority for view in self.rules), default=0) + 10
        await self.app.push_screen(RuleDialog(self.context, None, next_priority=following), self._saved)

    async def action_edit_rule(self) -> None:
        from hubtui.screens.rule_dialog import RuleDialog

        view = self._highlighted()
        if view is None:
            self.notify("No rule to edit: n adds one.", timeout=3)
            return
        await self.app.push_screen(RuleDialog(self.context, view.rule), self._saved)

    def _saved(self, rule: Any) -> None:
        if rule is not None:
            self.notify(f"Rule {rule.name} saved.", timeout=3)
            self.load(keep=str(rule.id))

    def action_move_rule(self, up: bool) -> None:
        from hubtui.services.price_rules import move_rule

        view = self._highlighted()
        if view is None:
            return
        rule_id = view.rule.id
        self._run(lambda: move_rule(self.context, rule_id, up), str(rule_id), "move the rule")

    def action_toggle_active(self) -> None:
        from hubtui.services.price_rules import set_rule_active

        view = self._highlighted()
        if view is None:
            return
        rule_id, active = view.rule.id, not view.rule.active
        self._run(lambda: set_rule_active(self.context, rule_id, active), str(rule_id),
                  "activate the rule" if active else "deactivate the rule")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if self.refusal(action) else True

    def refusal(self, action: str) -> str | None:
        if action not in CHANGES:
            return None
        return why_not(self.context.operator.role, Permission.manage_price_rules)


__all__ = ["PriceRulesScreen"]
