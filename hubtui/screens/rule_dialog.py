"""`n` or `e` on the rules screen: every field of a price-match rule; ctrl+s saves. What cannot be
read (a priority that is not a number, a percent with letters) is shown under its field before
anything is sent; the service checks the rule whole and its problems go under their fields too."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from hubtui.domain.money import MoneyError, format_money, parse_money
from hubtui.domain.price_match import (
    COMPARED_CHANNELS,
    NAME_LIMIT,
    SCOPE_VALUES_LIMIT,
    Action,
    Rule,
    Scope,
    ToleranceKind,
    percent_text,
)
from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.widgets.choice_row import ChoiceRow
from hubtui.widgets.form_field import FormField
from hubtui.widgets.key_delivery import hold_keys
from hubtui.widgets.safe_text import safe

CHANNELS_LIMIT = 80
NUMBER_LIMIT = 12
# The RuleDraft fields, in the order the form shows them.
FIELDS = ("name", "priority", "active", "action", "scope", "scope_values", "channels", "tolerance_kind",
          "tolerance_value", "min_margin_bp")


class ChoiceField(Vertical):
    """A caption, a row of fixed choices and what is wrong with it, as FormField has for text."""

    DEFAULT_CSS = """
    ChoiceField {
        height: auto;
    }
    ChoiceField > Horizontal {
        height: 1;
    }
    ChoiceField .field-caption {
        width: 16;
        color: $text-muted;
    }
    ChoiceField .field-error {
        color: $error;
        padding-left: 16;
        display: none;
    }
    ChoiceField.-invalid .field-error {
        display: block;
    }
    """

    def __init__(self, caption: str, choices: tuple[str, ...], value: str, *, input_id: str) -> None:
        super().__init__(id=f"field-{input_id}")
        self.caption, self.choices, self.initial, self.input_id = caption, choices, value, input_id

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.caption, classes="field-caption")
            yield ChoiceRow(self.choices, self.initial, id=self.input_id, tight=True)
        yield Label("", classes="field-error", markup=False)

    @property
    def value(self) -> str:
        return self.query_one(ChoiceRow).value

    def set_error(self, message: str | None) -> None:
        self.query_one(".field-error", Label).update(safe(message or ""))
        self.set_class(bool(message), "-invalid")


def split_list(text: str) -> tuple[str, ...]:
    """"amazon, ebay" -> ("amazon", "ebay"); blanks dropped."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def read_percent(text: str) -> int:
    """"5", "2.5%" -> basis points (500, 250)."""
    try:
        value = Decimal(text.strip().removesuffix("%").strip())
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not a percent; write it like 5 or 2.5") from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")) or abs(value) > 100000:
        raise ValueError(f"{text.strip()!r} is not a percent with at most two decimals")
    return int(value * 100)


class RuleDialog(ModalScreen[Any]):
    """Returns the saved Rule, or None when backed out."""

    AUTO_FOCUS = "#name"
    BINDINGS = CANCEL_BINDINGS + [Binding("ctrl+s", "save", "Save", id="dialog.save")]

    def __init__(self, context: Any, rule: Rule | None = None, *, next_priority: int = 10) -> None:
        super().__init__()
        self.context = context
        self.rule = rule
        self.next_priority = next_priority

    def compose(self) -> ComposeResult:
        rule = self.rule
        title = "New price-match rule" if rule is None else f"Rule {safe(rule.name)}"
        kind = ToleranceKind(rule.tolerance_kind) if rule else ToleranceKind.percent
        tolerance = "" if rule is None else (percent_text(rule.tolerance_value).removesuffix("%")
                                             if kind is ToleranceKind.percent else format_money(rule.tolerance_value))
        with Vertical(classes="dialog", id="rule-dialog"):
            yield Label(title, classes="dialog-title", markup=False)
            with VerticalScroll(id="rule-fields"):
                yield FormField("Name", rule.name if rule else "", input_id="name", max_length=NAME_LIMIT,
                                placeholder="e.g. Match Amazon on toys", id="field-name")
                yield FormField("Priority", str(rule.priority if rule else self.next_priority), input_id="priority",
                                max_length=NUMBER_LIMIT, placeholder="lower runs first", id="field-priority")
                yield ChoiceField("Active", ("yes", "no"), "yes" if rule is None or rule.active else "no",
                                  input_id="active")
                yield ChoiceField("Action", tuple(a.value for a in Action),
                                  Action(rule.action).value if rule else Action.flag.value, input_id="action")
                yield ChoiceField("Scope", tuple(s.value for s in Scope), Scope(rule.scope).value if rule else "all",
                                  input_id="scope")
                yield FormField("Scope values", ", ".join(rule.scope_values) if rule else "", input_id="scope_values",
                                max_length=SCOPE_VALUES_LIMIT, placeholder="brands, categories or stock codes, by commas",
                                id="field-scope_values")
                yield FormField("Channels", ", ".join(rule.channels) if rule else ", ".join(COMPARED_CHANNELS),
                                input_id="channels", max_length=CHANNELS_LIMIT, placeholder=", ".join(COMPARED_CHANNELS),
                                id="field-channels")
                yield ChoiceField("Tolerance in", tuple(k.value for k in ToleranceKind), kind.value,
                                  input_id="tolerance_kind")
                yield FormField("Tolerance", tolerance, input_id="tolerance_value", max_length=NUMBER_LIMIT,
                                placeholder="5 (percent) or 0.50 (amount)", id="field-tolerance_value")
                yield FormField("Floor margin %", percent_text(rule.min_margin_bp).removesuffix("%") if rule else "",
                                input_id="min_margin_bp", max_length=NUMBER_LIMIT, placeholder="over cost, e.g. 10",
                                id="field-min_margin_bp")
            yield Label("", id="rule-error", classes="dialog-error", markup=False)
            yield Label("enter next field · a letter picks a choice · ctrl+s save · esc cancel", classes="dialog-hint")

    def _field(self, name: str) -> Any:
        return self.query_one(f"#field-{name}")

    def typed(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The draft's fields as typed, and what could not be read (field -> message)."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        values["name"] = self._field("name").value.strip()
        try:
            values["priority"] = int(self._field("priority").value.strip())
        except ValueError:
            problems["priority"] = "The priority is a whole number; lower runs first."
        values["active"] = self._field("active").value == "yes"
        values["action"] = Action(self._field("action").value)
        values["scope"] = Scope(self._field("scope").value)
        values["scope_values"] = split_list(self._field("scope_values").value)
        values["channels"] = tuple(c.lower() for c in split_list(self._field("channels").value))
        kind = ToleranceKind(self._field("tolerance_kind").value)
        values["tolerance_kind"] = kind
        text = self._field("tolerance_value").value.strip() or "0"
        try:
            values["tolerance_value"] = read_percent(text) if kind is ToleranceKind.percent else parse_money(text)
        except (ValueError, MoneyError) as error:
            problems["tolerance_value"] = str(error)
        try:
            values["min_margin_bp"] = read_percent(self._field("min_margin_bp").value.strip() or "0")
        except ValueError as error:
            problems["min_margin_bp"] = str(error)
        return values, problems

    def show_problems(self, problems: dict[str, str], general: str = "") -> None:
        for name in FIELDS:
            self._field(name).set_error(problems.get(name))
        unplaced = [message for field, message in problems.items() if field not in FIELDS]
        self.query_one("#rule-error", Label).update(safe(general or "; ".join(unplaced)))
        first = next((name for name in FIELDS if name in problems), None)
        if first is not None:
            self.set_focus(self.query_one(f"#{first}"))
            self._field(first).scroll_visible()

    def action_save(self) -> None:
        values, problems = self.typed()
        if problems:
            self.show_problems(problems)
            return
        self.query_one("#rule-error", Label).update("Saving…")
        # In a worker: a rule change evaluates every product again, which takes a while on a big catalogue.
        worker = self.run_worker(lambda: self._save(values), thread=True, exclusive=True, group="rule-save",
                                 exit_on_error=False, description="save the rule")
        hold_keys(self, until=worker, writing=True)  # keys typed behind ctrl+s wait for the answer

    def _save(self, values: dict[str, Any]) -> None:
        from hubtui.services.errors import InvalidInput

        try:
            from hubtui.domain.price_match import RuleDraft
            from hubtui.services.price_rules import add_rule, edit_rule

            draft = RuleDraft(**values)
            saved = add_rule(self.context, draft) if self.rule is None else edit_rule(self.context, self.rule.id, draft)
        except InvalidInput as error:
            self.app.call_from_thread(self.show_problems, dict(error.problems), "" if error.problems else str(error))
            return
        except Exception as error:  # refused (a role, a lock): one line, what was typed stays
            from hubtui.services.faults import one_line

            self.app.call_from_thread(self.show_problems, {}, one_line(error))
            return
        self.app.call_from_thread(self.call_later, self._close, saved)

    def _close(self, saved: Any) -> None:
        self.dismiss(saved)  # not awaited: this runs in the dialog's own message loop

    def action_cancel(self) -> None:
        self.dismiss(None)
