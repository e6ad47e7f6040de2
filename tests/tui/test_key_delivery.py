"""The key-delivery API on a tiny app: a hold ends on its event (a worker's answer handled, an
explicit release), not at its limit, and keys held meanwhile arrive in order where focus is then.

The limits are set far beyond the test's wait, so a hold that only ended at its limit fails.
"""

from __future__ import annotations

import threading
from typing import Any

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Input

from hubtui.widgets.key_delivery import HoldsKeys, KeyHold, hold_keys
from hubtui.widgets.type_ahead import EagerInput

from .helpers import type_text, wait_for


class Answered(Message):
    pass


class TwoFields(HoldsKeys):
    ANSWER_HOLD_S = 60.0  # a hold that waits for its limit would outlast the test
    KEY_HOLD_S = 60.0

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.hold: KeyHold = KeyHold()

    def compose(self) -> ComposeResult:
        yield EagerInput(id="first")
        yield EagerInput(id="second")

    def on_mount(self) -> None:
        self.query_one("#first").focus()

    def ask(self) -> None:
        """A read whose answer moves the cursor: the keys typed meanwhile are for where it goes."""

        def read() -> None:
            self.gate.wait(10)
            self.post_message(Answered())

        self.hold = hold_keys(self.screen, until=self.run_worker(read, thread=True))

    def on_answered(self) -> None:
        self.query_one("#second").focus()


def value(app: App[Any], selector: str) -> str:
    return app.query_one(selector, Input).value


async def test_a_hold_on_a_worker_ends_once_its_answer_is_handled() -> None:
    app = TwoFields()
    async with app.run_test() as pilot:
        app.ask()
        await type_text(pilot, "abc")
        await pilot.pause(0.1)
        assert (value(app, "#first"), value(app, "#second")) == ("", ""), "the keys waited for the answer"
        app.gate.set()
        await wait_for(pilot, lambda: value(app, "#second") == "abc", "the keys in the field the answer focused")
        assert value(app, "#first") == ""
        assert app.hold.released


async def test_a_released_hold_lets_the_keys_go_in_the_order_typed() -> None:
    app = TwoFields()
    async with app.run_test() as pilot:
        hold = hold_keys(app.query_one("#first"))
        await type_text(pilot, "xy")
        await pilot.press("enter")  # on to the second field, then the rest there
        await type_text(pilot, "z")
        await pilot.pause(0.1)
        assert (value(app, "#first"), value(app, "#second")) == ("", "")
        hold.release()
        hold.release()  # a second release does nothing
        await wait_for(pilot, lambda: value(app, "#second") == "z", "the keys after the release")
        assert value(app, "#first") == "xy"


async def test_in_a_plain_app_a_hold_is_already_over() -> None:
    class Plain(App[None]):
        def compose(self) -> ComposeResult:
            yield EagerInput(id="first")

    app = Plain()
    async with app.run_test() as pilot:
        hold = hold_keys(app.query_one("#first"))
        assert hold.released
        app.query_one("#first").focus()
        await type_text(pilot, "ok")
        await wait_for(pilot, lambda: value(app, "#first") == "ok", "typing as Textual does")
