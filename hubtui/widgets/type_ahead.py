"""Keys typed ahead land where the operator meant them.

Textual hands each key to the widget focused when the app reads it, and runs enter and tab
(bindings) only after the key has bubbled back up. Keys typed ahead (a fast agent, a burst
over SSH, a paste) therefore queue at the field they were typed *from*: "Zed⏎Quirke⏎"
would put both names in the first field. Widgets built on TypeAhead act on enter, tab and
shift+tab as the key arrives, move focus with `Screen.set_focus` (which takes effect at
once), and pass every key that reaches them after focus has moved on to the widget that
now has it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.widget import Widget
from textual.widgets import Input


class TypeAhead(Widget):
    """Mix in *after* a Textual widget class, `class X(OptionList, TypeAhead)`: Textual takes a
    widget's default CSS from its first base, and none of them defines `on_event`."""

    on_enter_now: Callable[[], None] | None = None  # None: enter does what the widget itself does
    # Other keys acted on as they arrive, e.g. the arrows of a search box that move its list:
    # as screen bindings they would run after an enter typed just behind them.
    inline_keys: dict[str, Callable[[], None]] = {}

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.is_attached:
            focused = self.screen.focused
            if focused is not None and focused is not self:
                focused._forward_event(events.Key(event.key, event.character))
                return
            inline = self.inline_keys.get(event.key)
            if inline is not None:
                event.stop()
                event.prevent_default()
                inline()
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
        await super().on_event(event)


class EagerInput(Input, TypeAhead):
    """An Input whose enter calls `on_enter(value)` at once (default: on to the next field)."""

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
