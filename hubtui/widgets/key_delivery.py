"""Keys typed ahead are delivered in order, where they were meant: the one place that does it.

An agent types without waiting for the screen: ":1234⏎" then "p" means pay *that* order;
"n" then a name belongs in the wizard's search box; "dri-1000⏎2⏎" means quantity 2 of the
product the enter picks; "5 j j p" pays the third order of the Unpaid list; "Zed⏎Quirke⏎"
fills two fields, not one. Textual hands each key to whatever has focus when the app reads
it, and runs most bindings only once the key has bubbled back up to the app, behind every key
queued meanwhile. So the app (`HoldsKeys`) holds keys while something they depend on is still
coming (a `KeyHold`, key_holds.py), and hands them on one at a time, each once the one before
it has been handled; the widgets (`TypeAhead`, `EagerInput`, type_ahead.py) act on the keys
that move focus as they arrive. The sequence of keys then means the same whether the computer was quick or slow.

Keys contract: what a screen or widget does so that typed-ahead keys land right
-------------------------------------------------------------------------------
1. Fields and lists. A focusable widget that takes keys mixes in `TypeAhead` *after* its
   Textual class (`class PickList(OptionList, TypeAhead)`); a text field is an `EagerInput`
   (`on_enter=` says what enter does; by default, on to the next field). They act on enter,
   tab and shift+tab, and run any other binding of a non-printable key (ctrl+s, esc), as the
   key arrives; pass a key that reaches them after focus has moved on to the widget that now
   has it; and tell the app when they kept a key. `on_enter_now` and `inline_keys` add keys
   acted on at once (the arrows of a search box that move its list). A plain Textual widget
   still works: the app waits for each key it was handed to come back up, or for IN_FLIGHT_S.
2. Screens. Pushing, switching and popping a screen hold keys by themselves until the screen
   on top has focus (and, after a pop, has heard it is back): every screen sets `AUTO_FOCUS`
   or focuses something as it mounts; one with nothing to focus makes keys wait KEY_HOLD_S.
   A screen that reads again when it is back starts its hold in `on_screen_resume`.
3. Holds. When keys typed from now on are for something still to come, start a hold before
   control goes back to the event loop, and say what ends it:
   `hold_keys(self, until=worker)` for a read or a save (`writing=True` for a save: its limit
   is the database's busy timeout) — it ends once the worker has finished and its node has
   handled what the worker posted (the answer, a refusal), so the keys are for what that does;
   `hold = hold_keys(self)` … `hold.release()` where the code itself sees the moment (the
   answer to the text an enter waits for arrived, the text changed). A hold also ends when the
   screen of the node that started it leaves the stack, and at its limit (KEY_HOLD_S,
   ANSWER_HOLD_S, WRITE_HOLD_S): a safety net for an answer that never comes, not the way a
   hold normally ends. Nothing polls: a hold is looked at only when something it waits for
   happened.
4. Priority bindings. A key that opens a screen (`:`, `n`, `p`) is a priority binding
   (`Command(…, priority=True)` in hubtui.widgets.commands): it runs as the key arrives, before
   the keys behind it are handed on, which then wait for its screen.
   Its action pushes the screen at once — `async def action_x(self): await self.app.push_screen(…)`,
   so the next key is handed on only once it is mounted — or, when it must read first, starts
   `hold_keys(self, until=worker)` on the worker that pushes it. Its `check_action` refuses it
   (False) while a text field has focus: there the key is a character to type.

Textual's private names key delivery relies on (tests/tui/test_textual_private_names.py
fails, naming the name, should one go or change kind): a message's `_stop_propagation` and
`_sender` slots here, `App._check_bindings` and `Widget._forward_event` in type_ahead.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from hubtui.widgets.key_holds import KeyHold, Until



# ---------------------------------------------------------------------- holds

def hold_keys(node: DOMNode, *, until: Until | None = None, writing: bool = False) -> KeyHold:
    """Hold the keys typed from now on for what `node` is waiting for: until `until` (a worker,
    or an awaitable) is done, or `release()`; for at most ANSWER_HOLD_S, WRITE_HOLD_S if `writing`."""
    app = node.app
    if not isinstance(app, HoldsKeys):  # a widget tried out in a plain App types as Textual does
        return KeyHold()
    return app.hold_keys(app.WRITE_HOLD_S if writing else app.ANSWER_HOLD_S, until=until, node=node)


# ---------------------------------------------------------------------- the app

@dataclass
class _InFlight:
    """A key handed to a widget and not yet handled."""

    sent: float
    key: events.Key
    target: DOMNode


@dataclass
class _Settling:
    """A handled key whose messages may still be climbing to its screen."""

    started: float
    at: DOMNode
    arrived: bool = False


class HoldsKeys(App[Any]):
    """The app side: holds keys while a `KeyHold` is on, and hands them on one at a time.

    Nothing here runs on a clock. A key handed to a widget is followed by a callback queued
    behind it there (and at each node it bubbles on to); one that a priority binding ran, by a
    callback climbing to its screen behind what the binding posted. Holds end as their contract
    says. Each of those wakes the delivery, in the app's own queue; the one timer is a one-shot
    at the earliest limit, for a key or an answer that never comes.
    """

    KEY_HOLD_S = 0.5  # a new screen focusing its first field
    ANSWER_HOLD_S = 3.0  # a read or search the keys depend on; past it they go where focus is (1.5 s was
    # passed by a customer search with both cores busy under the whole test suite)
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
        self._holds: list[KeyHold] = []
        self._in_flight: list[_InFlight] = []
        self._settling: list[_Settling] = []
        self._heard_screens: set[Screen[Any]] = set()  # screens whose messages may end a hold's condition
        self._release_queued = False
        # The one clock: the earliest limit of what the held keys wait for, a safety net.
        self._limit_timer: Timer | None = None
        self._limit_at = 0.0

    # ------------------------------------------------------------------ holding

    def hold_keys(self, limit_s: float | None = None, *, until: Until | None = None,
                  node: DOMNode | None = None) -> KeyHold:
        """Hold the keys typed from now on until `until` is done or the hold is released, for at
        most `limit_s` (ANSWER_HOLD_S); `node` (default the app) started it: its screen closing
        ends it too."""
        if not self.HOLDING:
            return KeyHold()
        hold = KeyHold(self, node or self, self.ANSWER_HOLD_S if limit_s is None else limit_s)
        self._holds.append(hold)
        if until is not None:
            hold._end_with(until)
        return hold

    def _hold_while(self, waiting: Callable[[], bool], limit_s: float, *, node: DOMNode | None = None,
                    heard: Screen[Any] | None = None) -> KeyHold:
        if not self.HOLDING:
            return KeyHold()
        hold = KeyHold(self, node or self, limit_s, waiting, heard)
        self._holds.append(hold)
        if heard is not None and heard not in self._heard_screens and self.is_running:
            heard.message_signal.subscribe(self, self._screen_heard, immediate=True)
            self._heard_screens.add(heard)
        return hold

    def _screen_heard(self, _message: Message) -> None:
        self._wake()

    def _hold_ended(self, hold: KeyHold) -> None:
        self._forget(hold)
        self._wake()

    def _forget(self, hold: KeyHold) -> None:
        if hold in self._holds:
            self._holds.remove(hold)
        heard = hold._heard
        if heard is not None and heard in self._heard_screens and all(h._heard is not heard for h in self._holds):
            heard.message_signal.unsubscribe(self)
            self._heard_screens.discard(heard)

    def _still_waiting(self) -> bool:
        now = monotonic()
        for hold in [hold for hold in self._holds if not hold._holding(now)]:
            hold._released = True
            self._forget(hold)
        return bool(self._holds)

    def _hold_for_focus(self, resumed: list[bool] | None = None) -> None:
        """Keys wait until the screen on top has focus (after a pop: and has heard it is back)."""
        if not self.HOLDING:
            return
        # The focus of the screen on top (whichever that is by then) ends it: Screen.focused is reactive.
        self.watch(self.screen, "focused", self._wake, init=False)
        self._hold_while(lambda: (resumed is not None and not resumed) or self.screen.focused is None,
                         self.KEY_HOLD_S)

    def _release_holds_of_closed_screens(self) -> None:
        stack = self.screen_stack
        for hold in list(self._holds):
            node = hold.node
            if node is None or node is self:
                continue
            if isinstance(node, Screen):
                open_ = node in stack
            else:
                open_ = node.is_attached and node.screen in stack
            if not open_:
                hold.release()

    def key_handled(self) -> None:
        """A widget kept a key (a letter typed into a field): the next one can go at once."""
        self._wake()

    def key_redirected(self, key: events.Key, to: Widget) -> None:
        """A widget passed `key` on to `to` (focus had moved on): follow it there."""
        if any(entry.key is key for entry in self._in_flight):
            self._follow(key, to)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        pushed = super().push_screen(*args, **kwargs)
        self._hold_for_focus()
        return pushed

    def switch_screen(self, *args: Any, **kwargs: Any) -> Any:
        switched = super().switch_screen(*args, **kwargs)
        self._hold_for_focus()
        self._release_holds_of_closed_screens()
        return switched

    def pop_screen(self) -> Any:
        popped = super().pop_screen()
        # The screen below hears it is back (ScreenResume, queued) and may read again what it
        # shows: the keys wait for that, as a callback queued behind it tells.
        resumed: list[bool] = []
        if not self.screen.call_later(self._screen_resumed, resumed):
            resumed.append(True)
        self._hold_for_focus(resumed)
        self._release_holds_of_closed_screens()
        return popped

    def _screen_resumed(self, resumed: list[bool]) -> None:
        resumed.append(True)
        self._wake()

    # ------------------------------------------------------------------ keys ahead

    def _keys_ahead_busy(self) -> bool:
        """Whether a key delivered earlier is still being handled, or what it set going (a
        message from the list to its screen, say "open this row") has not arrived yet."""
        now = monotonic()
        busy = []
        for entry in self._in_flight:
            if now - entry.sent >= self.IN_FLIGHT_S:
                continue
            if entry.key._stop_propagation:  # noqa: SLF001  # a widget kept it
                self._settle(entry.target)
            else:
                busy.append(entry)
        self._in_flight = busy
        self._settling = [s for s in self._settling
                          if now - s.started < self.IN_FLIGHT_S and not s.arrived and s.at.is_attached]
        return bool(self._in_flight or self._settling)

    def _follow(self, key: events.Key, node: DOMNode) -> None:
        """Queue a callback behind `key` at `node`, and at each node it bubbles on to: a node that
        kept it (stopped it) lets the next key go; from the screen it goes up to the app, which
        sees it come back (on_event)."""

        def handled_at(here: DOMNode) -> None:
            if not any(entry.key is key for entry in self._in_flight):
                return
            if key._stop_propagation:  # noqa: SLF001
                self._wake()
                return
            parent = here.parent
            if not isinstance(here, Screen) and isinstance(parent, Widget):
                parent.call_later(handled_at, parent)

        node.call_later(handled_at, node)

    def _settle(self, widget: DOMNode) -> None:
        """Wait for the messages a key's handling posted at `widget` to reach its screen: a
        callback passed up from node to node queues behind them at each."""
        settling = _Settling(monotonic(), widget)
        self._settling.append(settling)

        def arrived() -> None:
            settling.arrived = True
            self._wake()

        def climb(node: DOMNode) -> None:
            parent = node.parent
            if isinstance(node, Screen) or not isinstance(parent, Widget) or not node.is_attached:
                arrived()
            else:
                settling.at = parent
                if not parent.call_later(climb, parent):
                    arrived()  # it is closing: nothing more can come from it

        if not widget.call_later(climb, widget):
            settling.arrived = True

    # ------------------------------------------------------------------ delivering

    def _wake(self) -> None:
        """Something the held keys may wait for happened: look again, in the app's own turn."""
        if self._held_keys and not self._release_queued:
            self._release_queued = self.call_later(self._release_keys)

    def _arm_limit(self) -> None:
        """Wake at the earliest limit of what the held keys wait for, should nothing else end it."""
        if not self._held_keys:
            return
        limits = ([hold.deadline for hold in self._holds]
                  + [entry.sent + self.IN_FLIGHT_S for entry in self._in_flight]
                  + [s.started + self.IN_FLIGHT_S for s in self._settling])
        if not limits:
            self._wake()
            return
        at = min(limits)
        if self._limit_timer is not None:
            if self._limit_at <= at:
                return
            self._limit_timer.stop()
        self._limit_at = at
        # Never a zero delay: Textual's timer divides by it when it is late.
        self._limit_timer = self.set_timer(max(at - monotonic(), 0.002), self._limit_reached)

    def _limit_reached(self) -> None:
        self._limit_timer = None
        self._wake()

    async def _release_keys(self) -> None:
        # Run as a callback in the app's own queue: keys typed meanwhile are queued there ahead of
        # it, and are added behind the held ones as they arrive (on_event).
        self._release_queued = False
        while self._held_keys and not self._still_waiting():
            key = self._held_keys.pop(0)
            if not await self._deliver(key):
                self._held_keys.insert(0, key)
                break
        self._arm_limit()

    async def _deliver(self, key: events.Key) -> bool:
        """Hand `key` to the bindings and focus as Textual does; False if it must wait for the keys ahead."""
        if self._keys_ahead_busy():
            return False
        # Textual stops a key sent by the app as it leaves the screen, though it still comes
        # up to the app; without a sender, a stopped key is one a widget kept.
        key._sender = None  # noqa: SLF001
        await super().on_event(key)
        target = self.focused
        if key.is_forwarded and key.is_printable and isinstance(target, Input):
            pass  # a character for a field: typed there, after those before it, whatever comes next
        elif key.is_forwarded:
            to = target or self.screen
            self._in_flight.append(_InFlight(monotonic(), key, to))
            self._follow(key, to)
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
            for entry in [entry for entry in self._in_flight if entry.key is event]:
                self._in_flight.remove(entry)
                self._settle(entry.target)
        elif self._held_keys or self._still_waiting() or not await self._deliver(event):
            self._held_keys.append(event)
            self._arm_limit()


__all__ = ["HoldsKeys", "KeyHold", "hold_keys"]
