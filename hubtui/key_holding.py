"""Keys typed ahead of an answer are held, then delivered in order, where they were meant.

An agent types without waiting for the screen: ":1234⏎" then "p" means pay *that* order;
"n" then a name belongs in the wizard's search box; "dri-1000⏎2⏎" means quantity 2 of the
product the enter picks; "5 j j p" pays the third order of the Unpaid list. Textual would
hand each of those later keys to whatever has focus meanwhile (the list, a screen that has
not focused its first field, the search box). So the app holds keys while something they
depend on is still coming (`hold_keys_while`), at most for a limit, and then delivers
them in the order typed. The sequence of keys then means the same whether the computer was
quick or slow.

Each key is also held until the one before it has been handled. Textual hands a key to the
focused widget's queue and runs most bindings only when it has bubbled back up to the app,
while priority bindings (p, n, :) run at once: "j j p" would pay the first row while the j's
still queue at the list. A key is handled once it is back at the app, or a widget kept it
(stopped it), and the messages its handling posted (the list telling its screen "open this
row") have reached the screen. Textual marks a key sent by the app as stopped on its way
from the screen up to the app, so keys are delivered without a sender. Letters for a text
field are not waited on: they queue there in order, and nothing they do can be overtaken.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input


class HoldsKeys(App[Any]):
    KEY_HOLD_S = 0.5  # a new screen focusing its first field
    ANSWER_HOLD_S = 1.5  # a read or search the keys depend on; past it they go where focus is
    WRITE_HOLD_S = 5.0  # a save: what is typed behind it is for the screen after (the busy timeout)
    # Each key waits until the one before it has been handled: a priority key (p, n, :, …)
    # runs in the app as it arrives, so "j j p" would pay the first row while the j's queue at
    # the list; "5 j j" would move on the page the 5 is replacing. At most IN_FLIGHT_S: a key
    # can be dropped on the way, e.g. by a screen that just closed.
    IN_FLIGHT_S = 0.5
    HOLDING = True  # False: Textual's own delivery (bench/bench_keys.py measures the difference)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: list[events.Key] = []  # in the order typed
        self._holds: list[tuple[float, Callable[[], bool]]] = []  # (deadline, still waiting?)
        # Forwarded to a widget and not yet handled: (when, key, the widget).
        self._in_flight: list[tuple[float, events.Key, Widget]] = []
        # Handled keys whose messages are still climbing to the screen: (when, still climbing?).
        self._settling: list[tuple[float, Callable[[], bool]]] = []
        self._release_timer: Any = None

    # ------------------------------------------------------------------ holding

    def hold_keys_while(self, waiting: Callable[[], bool], limit_s: float = ANSWER_HOLD_S) -> None:
        """Hold the keys typed from now on while `waiting()` is true, for at most `limit_s`."""
        if not self.HOLDING:
            return
        self._holds.append((monotonic() + limit_s, waiting))
        self._release_soon()

    def key_handled(self) -> None:
        """A widget kept a key (a letter typed into a field): the next one can go at once,
        rather than at the next tick of the release timer."""
        if self._held_keys:
            self.call_later(self._release_keys)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        self.hold_keys_while(self._screen_unfocused, self.KEY_HOLD_S)
        return super().push_screen(*args, **kwargs)

    def switch_screen(self, *args: Any, **kwargs: Any) -> Any:
        self.hold_keys_while(self._screen_unfocused, self.KEY_HOLD_S)
        return super().switch_screen(*args, **kwargs)

    def pop_screen(self) -> Any:
        popped = super().pop_screen()
        # The screen below hears it is back (ScreenResume, queued) and may read again what it
        # shows: the keys wait for that, as a callback queued behind it tells.
        resumed: list[bool] = []
        self.screen.call_later(resumed.append, True)
        self.hold_keys_while(lambda: not resumed or self._screen_unfocused(), self.KEY_HOLD_S)
        return popped

    def _screen_unfocused(self) -> bool:
        return self.screen.focused is None

    def _still_waiting(self) -> bool:
        now = monotonic()
        self._holds = [(deadline, waiting) for deadline, waiting in self._holds if now < deadline and waiting()]
        return bool(self._holds)

    def _keys_ahead_busy(self) -> bool:
        """Whether a key delivered earlier is still being handled, or what it set going (a
        message from the list to its screen, say "open this row") has not arrived yet."""
        now = monotonic()
        busy = []
        for sent, key, target in self._in_flight:
            if now - sent >= self.IN_FLIGHT_S:
                continue
            if key._stop_propagation:  # noqa: SLF001  # a widget kept it
                self._settle(target)
            else:
                busy.append((sent, key, target))
        self._in_flight = busy
        self._settling = [(started, climbing) for started, climbing in self._settling
                          if now - started < self.IN_FLIGHT_S and climbing()]
        return bool(self._in_flight or self._settling)

    def _settle(self, widget: Widget) -> None:
        """Wait for the messages a key's handling posted at `widget` to reach its screen: a
        callback passed up from node to node queues behind them at each."""
        arrived: list[bool] = []
        at: list[Widget] = [widget]

        def climb(node: Widget) -> None:
            parent = node.parent
            if isinstance(node, Screen) or not isinstance(parent, Widget) or not node.is_attached:
                arrived.append(True)
                self.call_later(self._release_keys)
            else:
                at[0] = parent
                parent.call_later(climb, parent)

        # A node taken off the screen (a dialog that closed) runs no more callbacks: nothing
        # more can come from it either.
        self._settling.append((monotonic(), lambda: not arrived and at[0].is_attached))
        widget.call_later(climb, widget)

    # ------------------------------------------------------------------ delivering

    def _release_soon(self) -> None:
        if self._release_timer is None:
            self._release_timer = self.set_interval(0.005, self._release_keys)

    async def _release_keys(self) -> None:
        # Delivered here, in the app's own turn, not posted back to its queue: keys typed
        # meanwhile are already queued there, and must come after these.
        while self._held_keys and not self._still_waiting():
            key = self._held_keys.pop(0)
            if not await self._deliver(key):
                self._held_keys.insert(0, key)
                break
        if not self._held_keys and not self._still_waiting() and self._release_timer is not None:
            self._release_timer.stop()
            self._release_timer = None

    async def _deliver(self, key: events.Key) -> bool:
        """Hand `key` to the bindings and focus as Textual does; False if it must wait for the keys ahead."""
        if self._keys_ahead_busy():
            self._release_soon()
            return False
        # Textual stops a key sent by the app as it leaves the screen, though it still comes
        # up to the app; without a sender, a stopped key is one a widget kept.
        key._sender = None  # noqa: SLF001
        await super().on_event(key)
        target = self.focused
        if key.is_forwarded and key.is_printable and isinstance(target, Input):
            pass  # a character for a field: typed there, after those before it, whatever comes next
        elif key.is_forwarded:
            self._in_flight.append((monotonic(), key, target or self.screen))
        else:  # run here by a priority binding: what it started may still be on its way
            self._settle(self.screen)
        return True

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.key == "ctrl+j" and not event.is_forwarded:
            # A line feed is an enter that went through a terminal still in line mode (typed while
            # hubtui started, see hubtui.early_keys); nothing binds ctrl+j.
            event = events.Key("enter", "\r")
        if not isinstance(event, events.Key) or not self.HOLDING:
            await super().on_event(event)
        elif event.is_forwarded:  # back up at the app: its bindings run now, then it is handled
            await super().on_event(event)
            for entry in [entry for entry in self._in_flight if entry[1] is event]:
                self._in_flight.remove(entry)
                self._settle(entry[2])
        elif self._held_keys or self._still_waiting() or not await self._deliver(event):
            self._held_keys.append(event)
            self._release_soon()
