"""The widget side of typed-ahead keys (the keys contract, 1, in key_delivery.py): fields and
lists act on the keys that move focus as they arrive and pass on a key meant for another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.widget import Widget

from hubtui.widgets.key_delivery import HoldsKeys
from hubtui.widgets.safe_text import SafeInput


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
        app = self.app
        if event._stop_propagation and isinstance(app, HoldsKeys):  # noqa: SLF001  # kept here
            app.key_handled()

    async def _on_key_event(self, event: events.Key) -> None:
        # The focus of the screen on top: a key typed behind an esc can reach a field of the
        # dialog that esc closed.
        app = self.app
        focused = app.focused
        if focused is not None and focused is not self:
            focused._forward_event(event)  # noqa: SLF001  # the same key: the app follows it until it is handled
            if isinstance(app, HoldsKeys):
                app.key_redirected(event, focused)
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


__all__ = ["EagerInput", "TypeAhead"]
