"""A hold on typed-ahead keys (the keys contract, 3, in key_delivery.py): keys typed from the
moment it starts wait until it ends. The app that honours it is key_delivery.HoldsKeys."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual.dom import DOMNode
from textual.screen import Screen
from textual.worker import Worker

if TYPE_CHECKING:
    from hubtui.widgets.key_delivery import HoldsKeys

Until = Worker[Any] | Awaitable[object]
_WAITING: set[asyncio.Task[None]] = set()  # the tasks that end holds on a worker or awaitable, kept alive


class KeyHold:
    """Keys typed from the moment a hold starts wait until it ends (see the keys contract, 3).

    `release()` ends it; so does what it was started `until`, its node's screen leaving the
    stack, or its deadline. Releasing it again, or a hold in an app that does not hold keys
    (`KeyHold()`, what a widget tried out in a plain App gets), does nothing.
    """

    def __init__(self, app: HoldsKeys | None = None, node: DOMNode | None = None, limit_s: float = 0.0,
                 waiting: Callable[[], bool] | None = None, heard: Screen[Any] | None = None) -> None:
        self._app = app
        self.node = node
        self.deadline = monotonic() + limit_s
        # A condition (a screen's focus, an older caller's predicate): looked at when something
        # it depends on has happened, never on a clock.
        self._waiting = waiting
        self._heard = heard  # the screen whose messages may end the condition
        self._released = app is None

    @property
    def released(self) -> bool:
        return self._released

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        if self._app is not None:
            self._app._hold_ended(self)

    def _holding(self, now: float) -> bool:
        return not self._released and now < self.deadline and (self._waiting is None or self._waiting())

    def _end_with(self, until: Until) -> None:
        async def wait() -> None:
            try:
                if isinstance(until, Worker):
                    if not until.is_finished:
                        await until.wait()
                else:
                    await until
            except Exception:  # noqa: BLE001  # failed or cancelled: over all the same
                pass
            # What a worker posted its node (an answer, a refusal) is handled first: a callback
            # queued there now comes after it. A node that is closing takes no more messages.
            if isinstance(until, Worker) and until.node.call_later(self.release):
                return
            self.release()

        # Never cancelled: cancelling a task cancels what it awaits, here the worker itself. Once
        # the hold has ended some other way, its release() at the end does nothing.
        task = asyncio.get_running_loop().create_task(wait())
        _WAITING.add(task)
        task.add_done_callback(_WAITING.discard)


__all__ = ["KeyHold", "Until"]
