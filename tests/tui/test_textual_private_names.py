"""Textual's private names hubtui relies on are still there, and still of the same kind.

Key delivery (hubtui.widgets.key_delivery and type_ahead), the escape key's parser
(hubtui.escape_key) and the app read and write a few of Textual's underscored names; an upgrade that renames or reshapes one
would misplace keys without an error. Each check names the name that went. No app is run: this is a look at the classes.
"""

from __future__ import annotations

import inspect
import types

import pytest
from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.reactive import Reactive
from textual.screen import Screen
from textual.signal import Signal
from textual.widget import Widget


def _method(owner: type, name: str, *, coroutine: bool, parameters: tuple[str, ...]) -> list[str]:
    """What changed about `owner.name`; [] when it is the plain method of that shape still."""
    found = inspect.getattr_static(owner, name, None)
    if found is None:
        return [f"{owner.__name__}.{name} is gone from Textual"]
    if not inspect.isfunction(found):
        return [f"{owner.__name__}.{name} is no longer a plain method: {found!r}"]
    problems = []
    if inspect.iscoroutinefunction(found) != coroutine:
        problems.append(f"{owner.__name__}.{name} is {'no longer' if coroutine else 'now'} a coroutine function")
    names = tuple(inspect.signature(found).parameters)[1:]
    if names[:len(parameters)] != parameters:
        problems.append(f"{owner.__name__}.{name} now takes {names}, not {parameters}")
    return problems


def _slot(name: str) -> list[str]:
    """What changed about Message.name; [] when every message still has that attribute slot."""
    found = inspect.getattr_static(Message, name, None)
    problems = []
    if not isinstance(found, types.MemberDescriptorType):
        problems.append(f"Message.{name} is no longer an attribute slot of every message: {found!r}")
    if not hasattr(events.Key("a", "a"), name):
        problems.append(f"a new events.Key has no {name}")
    return problems


CHECKS = {
    # hubtui.widgets.type_ahead: TypeAhead runs a key's binding as it arrives, the same look-up the
    # app makes when the key comes back up.
    "App._check_bindings": lambda: _method(App, "_check_bindings", coroutine=True, parameters=("key", "priority")),
    # TypeAhead passes a key that reached it after focus moved on to the widget now focused.
    "Widget._forward_event": lambda: _method(Widget, "_forward_event", coroutine=False, parameters=("event",)),
    # Whether a widget kept a key (stopped it): read by HoldsKeys and TypeAhead.
    "Message._stop_propagation": lambda: _slot("_stop_propagation"),
    # Cleared by HoldsKeys before handing a key on, so that Textual does not stop it on its way up.
    "Message._sender": lambda: _slot("_sender"),
    # hubtui.app: HubApp.run_action parses an action as Textual does, to explain a greyed key.
    "App._parse_action": lambda: _method(App, "_parse_action", coroutine=False,
                                         parameters=("action", "default_namespace", "namespaces")),
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_a_private_textual_name_relied_on_is_still_there(name: str) -> None:
    assert CHECKS[name]() == []


def test_the_stop_a_widget_makes_is_the_flag_key_delivery_reads() -> None:
    key = events.Key("a", "a")
    assert key._stop_propagation is False  # noqa: SLF001
    key.stop()
    assert key._stop_propagation is True, "Message.stop() no longer sets Message._stop_propagation"  # noqa: SLF001
    key._sender = None  # noqa: SLF001  # writable, as HoldsKeys writes it
    assert key._sender is None  # noqa: SLF001


def test_the_public_hooks_holds_end_on_are_still_what_they_were() -> None:
    """Not private, but low-level: a hold ends when the screen on top takes focus (a reactive
    watched), and the older condition holds are asked again on a screen's messages (a signal)."""
    assert isinstance(inspect.getattr_static(Screen, "focused", None), Reactive), "Screen.focused is not reactive"
    assert isinstance(getattr(MessagePump(), "message_signal", None), Signal), "MessagePump.message_signal is gone"
    assert inspect.iscoroutinefunction(inspect.getattr_static(App, "push_screen", None)) is False
    assert "wait_for_dismiss" in inspect.signature(App.push_screen).parameters, "App.push_screen lost wait_for_dismiss"


def test_the_parser_the_escape_key_module_replaces_is_still_built_and_timed_as_it_was() -> None:
    """hubtui.escape_key puts its parser where the Linux driver looks up XTermParser, and makes
    the parser's wait for the rest of a sequence run out by setting its _timeout_time."""
    import textual._xterm_parser as xterm_parser

    parser_class = getattr(xterm_parser, "XTermParser", None)
    assert parser_class is not None, "textual._xterm_parser.XTermParser is gone"
    try:
        from textual.drivers import linux_driver
    except ImportError:
        pytest.skip("no Linux driver here")
    assert "XTermParser(" in inspect.getsource(linux_driver.LinuxDriver), \
        "the Linux driver no longer builds its parser from the name XTermParser"
    parser = parser_class()
    list(parser.feed("\x1b"))
    assert parser._timeout_time is not None, "after an ESC the parser no longer waits with _timeout_time"  # noqa: SLF001
    parser._timeout_time = 0.0  # noqa: SLF001
    assert [event.key for event in parser.tick()] == ["escape"], "tick() no longer ends the wait"
