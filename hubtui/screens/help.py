"""`?` — the keys of the screen underneath, as the operator has them mapped now."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from hubtui.widgets.commands import Command, key_label


class HelpScreen(ModalScreen[None]):
    AUTO_FOCUS = "#help-body"
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, title: str, commands: tuple[Command, ...], keymap: dict[str, str]) -> None:
        super().__init__()
        self.help_title = title
        self.commands = commands
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        # A binding id is typed into config.toml exactly as shown, so it is never wrapped: it has
        # a line of its own under what its keys do.
        table = Table(box=None, expand=True, show_header=True, padding=(0, 1))
        table.add_column("Keys", style="bold", no_wrap=True)
        table.add_column("Does (binding id)", ratio=1)
        for command in self.commands:
            does = Text(command.help)
            does.append(f"\n{command.id}", style="dim")
            table.add_row(key_label(self.keymap.get(command.id, command.keys)), does)
        with Vertical(classes="dialog", id="help"):
            yield Label(f"Keys: {self.help_title}", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(table)
            yield Label("Remap any key in config.toml: \\[keys] \"orders.sort\" = \"s\" · ↑↓ scroll · esc close", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
