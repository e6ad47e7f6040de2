"""An input that passes on the keys typed after its enter moved the agent elsewhere.

Textual hands each key to the widget focused when the app reads it, so keys typed ahead
(a fast agent, a burst over SSH, a paste) all queue at the search box before it has acted
on the enter among them. An agent who types "saw⏎2⏎" would add the saw twice and type "2"
into the search. This input acts on enter at once (no Submitted round trip) and, once
focus has moved on, forwards every further key it still receives to the focused widget.
Callers move focus with `Screen.set_focus`, which takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.widgets import Input


class EagerInput(Input):
    def __init__(self, *args: Any, on_enter: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_enter = on_enter

    async def action_submit(self) -> None:  # enter arriving another way than as a key (e.g. a binding)
        self.on_enter(self.value)

    async def on_event(self, event: events.Event) -> None:
        focused = self.screen.focused if self.is_attached else None

        if isinstance(event, events.Key):
            if focused is not None and focused is not self:
                focused._forward_event(events.Key(event.key, event.character))
                return
            if event.key == "enter":
                # As a binding, enter would run only after the keys queued behind it.
                event.stop()
                event.prevent_default()
                self.on_enter(self.value)
                return
        await super().on_event(event)
