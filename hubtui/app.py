"""The Textual application. It receives its store, operator and settings from the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.command import Hit, Hits, Provider
from textual.screen import Screen

from hubtui.screens.empty import EmptyDatabaseScreen
from hubtui.screens.orders import OrdersScreen
from hubtui.widgets.commands import ALL_COMMANDS, APP_COMMANDS, Command, bindings, known_ids
from hubtui.widgets.key_delivery import HoldsKeys, KeyHold
from hubtui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from hubtui.config import Settings
    from hubtui.services.context import Context
    from hubtui.startup import Pending, Prefetch
    from hubtui.store.engine import Store


class OrderNumberProvider(Provider):
    """`order: open BT…` — typing a number in the palette offers to open that order."""

    async def search(self, query: str) -> Hits:
        from hubtui.domain.errors import NumberFormatError
        from hubtui.domain.numbers import parse_order_number

        app = self.app
        if not isinstance(app, HubApp) or app.context is None:
            return
        try:
            number = parse_order_number(query.strip().removeprefix("order:").strip().removeprefix("open").strip())
        except NumberFormatError:
            return
        yield Hit(1.0, f"order: open {number}", partial(app.open_order, number), help="Open this order")


class HubApp(ReportsWorkerErrors, HoldsKeys):
    TITLE = "hubtui"
    # Each screen's stylesheet lives beside it; the app loads them all, because a screen's own
    # CSS_PATH is not read for the default screen.
    CSS_PATH = ["screens/orders.tcss", "screens/order_detail.tcss", "screens/dialogs.tcss", "screens/payment_dialog.tcss",
                "screens/new_order.tcss", "screens/returns.tcss", "screens/export_dialog.tcss",
                "screens/import_screen.tcss", "screens/price_match.tcss"]
    BINDINGS = bindings(APP_COMMANDS)
    COMMANDS = App.COMMANDS | {OrderNumberProvider}
    CONNECT_HOLD_S = 15.0  # keys typed at the first frame wait this long at most for the store (its busy timeout)

    def __init__(
        self,
        *,
        store: Store | None,
        context: Context | None,
        settings: Settings | None = None,
        prefetch: Prefetch | None = None,
        pending: Pending | None = None,
    ) -> None:
        """Either a store and context, or (fast start) the settings and a prefetched first page:
        the app then opens its own store after the first paint."""
        super().__init__()
        self.store = store
        self.context = context
        self.settings = settings
        self.prefetch = prefetch
        self.pending = pending  # a prefetch still running: its answer arrives after the app starts
        self.startup_error: str | None = None  # set when the prefetch refused: the CLI reports it
        self._connect_failed = False
        self._store_hold = KeyHold()  # keys typed at the first frame, waiting for the store (fast start)
        self.keymap_overrides = self._valid_keymap(settings.key_bindings if settings else {})

    def _valid_keymap(self, keys: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(keys) - known_ids())
        if unknown:
            self._unknown_binding_ids = unknown
        return {k: v for k, v in keys.items() if k in known_ids()}

    def on_mount(self) -> None:
        if self.context is None:
            # Fast start paints the first page before the app has its own store: keys typed at
            # that first frame (":5⏎p", "n" and a name) wait for it, then mean what they would later.
            # The hold ends when the store is open, or cannot be (_store_settled).
            if self._opening():
                self._store_hold = self.hold_keys(self.CONNECT_HOLD_S)
        if self.pending is not None:
            self.await_prefetch()
        elif self.context is None and self.prefetch is not None and not self.prefetch.empty_database:
            self.connect()
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        unknown = getattr(self, "_unknown_binding_ids", None)
        if unknown:
            self.notify(f"Unknown binding ids in config.toml [keys]: {', '.join(unknown)}", severity="warning")

    @property
    def quantity_confirm_above(self) -> int:
        from hubtui.domain.order_draft import DEFAULT_CONFIRM_ABOVE

        return self.settings.quantity_confirm_above if self.settings else DEFAULT_CONFIRM_ABOVE

    def _store_settled(self) -> None:
        """The store is open, or will not be (refused, failed, an empty database): keys go on."""
        self._store_hold.release()

    def _opening(self) -> bool:
        """Still opening the store (fast start): neither ready, nor refused, nor an empty database."""
        if self.context is not None or self.startup_error is not None or self._connect_failed:
            return False
        if self.prefetch is not None:
            return not self.prefetch.empty_database
        return self.pending is not None  # the start-up read has not answered yet

    def get_default_screen(self) -> Screen[None]:
        if self.pending is not None:
            return OrdersScreen(None, None)  # filled when the prefetch answers
        if self.prefetch is not None and self.context is None:
            if self.prefetch.empty_database:
                return EmptyDatabaseScreen()
            return OrdersScreen(None, self.prefetch)
        if self.context is None:
            return EmptyDatabaseScreen()
        return OrdersScreen(self.context)

    @work(thread=True, group="prefetch", exit_on_error=False, description="read the first page")
    def await_prefetch(self) -> None:
        """Textual started while the start-up process read; take its answer when it comes."""
        assert self.pending is not None
        self.call_from_thread(self.use_prefetch, self.pending.result())

    def use_prefetch(self, prefetch: Prefetch) -> None:
        self.prefetch = prefetch
        if prefetch.error:
            self.startup_error = prefetch.error
            self._store_settled()
            # After the next refresh: closing while the first screen still mounts upsets Textual.
            self.call_after_refresh(self.exit, return_code=1)
        elif prefetch.empty_database:
            self._store_settled()
            self.push_screen(EmptyDatabaseScreen())  # the default screen itself cannot be switched
        else:
            screen = self.screen_stack[0]
            if isinstance(screen, OrdersScreen):
                screen.show_prefetch(prefetch)
            self.connect()

    @work(thread=True, exclusive=True, group="connect", exit_on_error=False, description="open the database")
    def connect(self) -> None:
        """Fast start: open our own store and operator once the first page is on screen."""
        from dataclasses import replace

        from hubtui.services.database import connect as open_store
        from hubtui.services.session import sign_in

        assert self.settings is not None and self.prefetch is not None
        try:
            # The start-up reader checked the file and the schema; the operator is the one it signed in.
            store = open_store(self.settings.database_url)
            context = sign_in(store, replace(self.settings, user=self.prefetch.user_name, org=self.prefetch.org_code))
        except Exception as error:  # the start-up read worked, so this is rare: say so, keep the page on screen
            self.call_from_thread(self._not_connected, error)
            return
        self.call_from_thread(self._connected, store, context)

    def _not_connected(self, error: Exception) -> None:
        from hubtui.services.faults import one_line

        self._connect_failed = True
        self._store_settled()
        self.notify(one_line(error, lead="Could not open the database: "), title="Not connected", severity="error",
                    timeout=30)

    def _connected(self, store: Store, context: Context) -> None:
        self.store, self.context = store, context
        self._store_settled()
        for screen in self.screen_stack:
            if isinstance(screen, OrdersScreen):
                screen.context_ready(context)

    # ------------------------------------------------------------------ commands

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.context is None or self.store is None:
            return
        scope_commands: tuple[Command, ...] = getattr(screen, "HELP_COMMANDS", APP_COMMANDS)
        for command in scope_commands:
            if command.palette and command.scope != "app" and self._allowed_on(screen, command.action):
                yield SystemCommand(command.palette, command.help, partial(self._run_on_screen, screen, command.action))
        yield SystemCommand("view: orders", "The order list", self.action_view_orders)
        yield SystemCommand("view: returns", "The returns list", self.action_view_returns)
        yield SystemCommand("view: price match", "Channel prices, spreads and verdicts per product",
                            self.action_view_price_match)
        yield SystemCommand("view: price rules", "The price-match rules", self.action_view_price_rules)
        yield SystemCommand("order: open by number", "Type the number", self.action_jump)
        for code, name in self._organisations():
            if code != self.context.operator.org_code:
                yield SystemCommand(f"org: switch to {code}", f"Work in {name}", partial(self.switch_org, code))

    def _organisations(self) -> list[tuple[str, str]]:
        from hubtui.services.context import list_organisations

        assert self.store is not None and self.context is not None
        return list_organisations(self.store, self.context.operator.user_name)  # only theirs

    def _allowed_on(self, screen: Screen, action: str) -> bool:
        """Whether the palette should offer `action`: what the role or the order rules out is left out."""
        target, name, params = self._parse_action(action, screen)
        return target.check_action(name, params) is not None

    def _run_on_screen(self, screen: Screen, action: str) -> None:
        self.call_later(screen.run_action, action)

    def notify(self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Every notice as text: most carry something a person typed (a refused e-mail, a note), which
        must never be read as markup nor reach the terminal with its control characters."""
        from hubtui.domain.text import printable

        # Never as markup, whatever the caller passed: Screen.notify asks for markup by default.
        super().notify(printable(message), title=printable(title, one_line=True), severity=severity, timeout=timeout,
                       markup=False)

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        """A greyed key (check_action None) says in one line why it cannot be used now.

        Screens that grey actions out explain them with `refusal(action)`; a key check_action
        hides (False), e.g. a letter typed into a field, goes on as before.
        """
        # Textual's own parse of the action string (pinned 8.2.8), so the check is the one run_action makes.
        target, name, params = self._parse_action(action, self if default_namespace is None else default_namespace,
                                                  namespaces)
        refusal = getattr(target, "refusal", None)
        if refusal is not None and target.check_action(name, params) is None:
            why = refusal(name)
            if why:
                self.notify(why, title="Not now", severity="warning", timeout=4)
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "jump":
            # `:` runs first (a priority key, see hubtui.widgets.key_delivery): in a text field it is a character to type
            from textual.widgets import Input

            return not isinstance(self.focused, Input)
        return True

    def action_command_palette(self) -> None:
        """Textual's palette, but what is typed or pasted into it shows with marks (SPEC 8a)."""
        from textual.command import CommandPalette

        from hubtui.widgets.safe_text import safe_command_palette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(safe_command_palette(id="--command-palette"))

    def action_help(self) -> None:
        from hubtui.screens.help import HelpScreen

        screen = self.screen
        commands: tuple[Command, ...] = getattr(screen, "HELP_COMMANDS", APP_COMMANDS)
        title = getattr(screen, "HELP_TITLE", None) or screen.title or screen.__class__.__name__
        self.push_screen(HelpScreen(title, commands, self.keymap_overrides))

    async def action_jump(self) -> None:
        from hubtui.screens.dialogs import JumpDialog

        if self.context is None:
            return
        receive = getattr(self.screen, "action_receive", None)
        if receive is not None:  # on the returns screens `:` is the warehouse's receive prompt
            await self.run_action("receive", self.screen)
            return
        # Awaited: a priority key's action returns once its screen is mounted, so the keys typed
        # behind `:` are handed on to the dialog, not to the list (hubtui.widgets.key_delivery).
        await self.push_screen(JumpDialog(), self._jump_to)

    def _jump_to(self, text: str | None) -> None:
        if text:
            self.open_order(text)

    def action_view_orders(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    async def action_view_returns(self) -> None:
        from hubtui.screens.returns import ReturnsScreen

        await self._view(ReturnsScreen)

    async def action_view_price_match(self) -> None:
        from hubtui.screens.price_match import PriceMatchScreen

        await self._view(PriceMatchScreen)

    async def action_view_price_rules(self) -> None:
        from hubtui.screens.price_rules import PriceRulesScreen

        await self._view(PriceRulesScreen)

    async def _view(self, kind: type[Screen[None]]) -> None:
        """The screen of `kind` already open (what is above it closes), or a new one on top."""
        if self.context is None:
            self.notify("Still opening the database; try again in a moment.", timeout=2)
            return
        for screen in self.screen_stack:
            if isinstance(screen, kind):
                while self.screen is not screen:
                    self.pop_screen()
                return
        await self.push_screen(kind(self.context))  # type: ignore[call-arg]

    def open_return(self, number: str) -> None:
        """Open a return by its RMA number; keys typed while it is read are for its screen."""
        self.hold_keys(until=self._read_and_open(number, "return"))

    def raise_return(self, text: str) -> None:
        """The new-return screen for an order named by number or its customer's e-mail."""
        self.hold_keys(until=self._read_and_open(text, "new-return"))

    @work(thread=True, exclusive=True, group="open-return", exit_on_error=False, description="read the return")
    def _read_and_open(self, text: str, what: str) -> None:
        from hubtui.services.faults import one_line

        if self.context is None:
            return
        try:
            if what == "return":
                from hubtui.screens.return_detail import ReturnDetailScreen
                from hubtui.services.return_reads import get_return

                screen: Any = ReturnDetailScreen(self.context, get_return(self.context, text))
            else:
                from hubtui.screens.new_return import NewReturnScreen
                from hubtui.services.return_quotes import return_start

                screen = NewReturnScreen(self.context, return_start(self.context, text))
        except Exception as error:  # an unknown number or e-mail: one line, the screen stays
            self.call_from_thread(self.notify, one_line(error), title="Not found", severity="warning", timeout=5)
            return
        self.call_from_thread(self.push_screen, screen)

    # ------------------------------------------------------------------ orders and organisations

    def open_order(self, text: str) -> None:
        """Open an order by number; an unknown number says so and leaves the screen as it is.
        Keys typed while it is read are for the order's screen."""
        self.hold_keys(until=self._read_and_open_order(text))

    @work(thread=True, exclusive=True, group="open-order", exit_on_error=False, description="read the order")
    def _read_and_open_order(self, text: str) -> None:
        from hubtui.domain.errors import DomainError
        from hubtui.screens.order_detail import OrderDetailScreen
        from hubtui.services.order_reads import get_order

        if self.context is None:
            self.call_from_thread(self.notify, "Still opening the database; try again in a moment.", timeout=2)
            return
        try:
            detail = get_order(self.context, text)
        except DomainError as error:
            self.call_from_thread(self.notify, str(error), title="Not found", severity="error")
            return
        except Exception as error:  # e.g. the database locked for too long: one line, the app stays up
            from hubtui.services.faults import one_line

            self.call_from_thread(self.notify, one_line(error), title="Could not read the order", severity="error")
            return
        self.call_from_thread(self.push_screen, OrderDetailScreen(self.context, detail.number, detail))

    def switch_org(self, code: str) -> None:
        from hubtui.domain.errors import DomainError
        from hubtui.services.context import open_context

        assert self.context is not None and self.store is not None
        try:
            operator = self.context.operator
            self.context = open_context(self.store, operator.user_name, code, login=operator.login or None,
                                        vouched=bool(self.settings and self.settings.user_vouched), tz=self.context.tz)
        except DomainError as error:
            self.notify(str(error), severity="error")
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.switch_screen(OrdersScreen(self.context))
        self.notify(f"Now working in {self.context.operator.org_name}.")


__all__ = ["ALL_COMMANDS", "HubApp"]
