"""Keys typed ahead land where the operator meant them.

Textual hands each key to the widget focused when the app reads it, and runs bindings such
as enter, tab and ctrl+s only after the key has bubbled back up. Keys typed ahead (a fast
agent, a burst over SSH, a paste) therefore queue at the field they were typed *from*:
"Zed⏎Quirke⏎" would put both names in the first field. Widgets built on TypeAhead:

- act on enter, tab and shift+tab, and run any other binding of a non-printable key
  (ctrl+s, esc, …), as the key arrives; focus moves with `Screen.set_focus`, which takes
  effect at once;
- pass every key that reaches them after focus has moved on to the widget that now has it;
- tell the app when they have kept a key, so that it sends the next one at once.

HubApp (hubtui.key_holding) sends the keys one at a time and holds them while an answer
they depend on is still to come. These widgets make sure no key is lost or misplaced when
a key overtakes another all the same (a handler slower than the app's patience).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.widget import Widget

from hubtui.widgets.safe_text import SafeInput


def hold_keys_while(node: Widget, waiting: Callable[[], bool], *, writing: bool = False) -> None:
    """Keys typed while `waiting()` holds are for what the wait ends in (the next screen, the
    picked product's quantity): the app holds them till then (HubApp.hold_keys_while), a
    little longer for a write (`writing`) than for a read."""
    hold = getattr(node.app, "hold_keys_while", None)
    if hold is not None:  # a widget tried out in a plain App types as Textual does
        hold(waiting, node.app.WRITE_HOLD_S if writing else node.app.ANSWER_HOLD_S)  # type: ignore[attr-defined]


class TypeAhead(Widget):
    """Mix in *after* a Textual widget class, `class X(OptionList, TypeAhead)`: Textual takes a
    widget's default CSS from its first base, and none of them defines `on_event`."""

    on_enter_now: Callable[[], None] | None = None  # None: enter does what the widget itself does
    # Other keys acted on as they arrive, e.g. the arrows of a search box that move its list:
    # as screen bindings they would run after an enter typed just behind them. A callable that
    # returns False leaves the key to the widget (e.g. "+" is text unless the box is empty).
    inline_keys: dict[str, Callable[[], bool | None]] = {}

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        await self._on_key_event(event)
        if event._stop_propagation:  # noqa: SLF001  # kept here: the app may send the next key
            handled = getattr(self.app, "key_handled", None)
            if handled is not None:
                handled()

    async def _on_key_event(self, event: events.Key) -> None:
        # The focus of the screen on top: a key typed behind an esc can reach a field of the
        # dialog that esc closed.
        focused = self.app.focused
        if focused is not None and focused is not self:
            focused._forward_event(event)  # the same key: the app follows it until it is handled
            return
        if not self.is_attached:
            event.stop()  # its screen has closed: nobody is left to hear it
            return
        inline = self.inline_keys.get(event.key)
        if inline is not None and inline() is not False:
            event.stop()
            event.prevent_default()
            return
        if event.key in ("tab", "shift+tab") or (event.key == "enter" and self.on_enter_now is not None):
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            elif event.key == "shift+tab":
                self.screen.focus_previous()
            else:
                self.on_enter_now()  # type: ignore[misc]
            return
        if not event.is_printable and await self._run_binding_now(event.key):
            event.stop()
            event.prevent_default()
            return
        await super().on_event(event)

    async def _run_binding_now(self, key: str) -> bool:
        """Run the binding of `key` (this widget's, then its screen's) as the key arrives.

        Textual would run it once the key has bubbled back up to the app, behind every key
        queued meanwhile: "ctrl+s" then "p" would type the p into this field before ctrl+s
        places the order. Printable keys stay with the widget: in a field they are text.
        """
        # The same look-up the app makes when the key comes back up (textual 8.2, pinned).
        return await self.app._check_bindings(key)  # noqa: SLF001


class EagerInput(SafeInput, TypeAhead):
    """An Input (shown safely) whose enter calls `on_enter(value)` at once (default: on to the next field)."""

    def __init__(self, *args: Any, on_enter: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_enter = on_enter
        self.on_enter_now = self._entered

    def _entered(self) -> None:
        if self.on_enter is None:
            self.screen.focus_next()
        else:
            self.on_enter(self.value)

    async def action_submit(self) -> None:  # enter arriving another way than as a key
        self._entered()
