"""`A` on an order: its attachments. Type a path (tab completes it as a shell does) and enter
to attach a file; on a listed file, enter saves a copy to a path you type, `o` opens it with the
system's viewer when there is a display, else says where it is kept."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker

from hubtui.screens.dialogs import CANCEL_BINDINGS
from hubtui.services.context import Context
from hubtui.widgets.path_completion import complete_field
from hubtui.widgets.safe_text import SafeInput, safe, shown
from hubtui.widgets.worker_errors import ReportsWorkerErrors

HINT = "enter attach · tab complete · shift+tab files: enter copies, o opens"
PATH_LIMIT = 4096


class AttachmentsDialog(ReportsWorkerErrors, ModalScreen[bool]):
    """Dismissed with True when something was attached (the details read the order again)."""

    AUTO_FOCUS = "#attach-path"
    BINDINGS = CANCEL_BINDINGS + [
        # Not a priority binding: those are looked at as the key arrives, when the keys typed ahead
        # of this dialog's opening would find no path field yet.
        Binding("tab", "complete", "Complete", show=False, id="attachments.complete"),
        Binding("o", "open", "Open", show=False, id="attachments.open"),
    ]

    class Listed(Message):
        def __init__(self, attachments: list[Any], said: str = "") -> None:
            super().__init__()
            self.attachments = attachments
            self.said = said

    def __init__(self, context: Context, number: str) -> None:
        super().__init__()
        self.context = context
        self.number = number
        self.attachments: list[Any] = []
        self.saving: Any = None  # the attachment a path typed now is a copy of
        self.attached = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="attachments-dialog"):
            yield Label(f"Attachments of {self.number}", classes="dialog-title")
            yield OptionList(id="attachments-list")
            yield Label("Attach a file", id="attach-caption", classes="dialog-subtitle")
            yield SafeInput(placeholder="path of the file, e.g. ~/Downloads/note.pdf", max_length=PATH_LIMIT,
                            id="attach-path")
            yield Label("", id="attach-said", classes="dialog-error", markup=False)
            yield Label(HINT, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#attachments-list", OptionList).display = False
        self.read()

    # ------------------------------------------------------------------ the store, off the event loop

    @work(thread=True, exclusive=True, group="attachments", exit_on_error=False, description="read the attachments")
    def read(self, said: str = "") -> None:
        from hubtui.services.attachments import list_attachments

        self.post_message(self.Listed(list_attachments(self.context, self.number), said))

    @work(thread=True, exclusive=True, group="attachments", exit_on_error=False, description="attach the file")
    def attach(self, path: str) -> None:
        from hubtui.services.attachments import attach_file
        from hubtui.services.errors import InvalidInput

        try:
            added = attach_file(self.context, self.number, path)
        except InvalidInput as refused:
            self.app.call_from_thread(self._say, str(refused))
            return
        self.attached = True
        self.read(f"Attached {added.label} ({added.kind}, {added.size:,} bytes).")

    @work(thread=True, exclusive=True, group="attachments", exit_on_error=False, description="save a copy")
    def save_copy(self, attachment_id: int, path: str) -> None:
        from hubtui.services.attachments import save_attachment
        from hubtui.services.errors import InvalidInput

        try:
            written = save_attachment(self.context, self.number, attachment_id, path)
        except InvalidInput as refused:
            self.app.call_from_thread(self._say, str(refused))
            return
        self.app.call_from_thread(self._saved, f"Saved a copy to {written}.")

    def failure_title(self, worker: Worker[Any]) -> str:
        return "Could not read or write the attachments"

    # ------------------------------------------------------------------ showing

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        self.attachments = message.attachments
        listing = self.query_one("#attachments-list", OptionList)
        listing.clear_options()
        listing.add_options([Option(shown(f"{a.label}  ·  {a.kind}, {a.size:,} bytes, {a.added_by} "
                                          f"{a.added_at:%d %b %H:%M}"), id=str(a.id)) for a in self.attachments])
        listing.display = bool(self.attachments)
        if self.attachments:
            listing.highlighted = 0  # enter and o act on a file at once
        self._say(message.said or ("" if self.attachments else "No attachments yet."))
        if message.said:
            self.query_one("#attach-path", Input).value = ""

    def _say(self, text: str) -> None:
        self.query_one("#attach-said", Label).update(safe(text))

    def _saved(self, text: str) -> None:
        self._stop_saving()
        self._say(text)

    def _stop_saving(self) -> None:
        self.saving = None
        self.query_one("#attach-caption", Label).update("Attach a file")
        self.query_one("#attach-path", Input).value = ""

    # ------------------------------------------------------------------ keys

    @on(Input.Submitted, "#attach-path")
    def _path_entered(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self._say("Type the path of a file, or esc to close.")
        elif self.saving is not None:
            self.save_copy(self.saving.id, path)
        else:
            self.attach(path)

    @on(OptionList.OptionSelected, "#attachments-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.saving = next(a for a in self.attachments if str(a.id) == event.option.id)
        self.query_one("#attach-caption", Label).update(f"Save a copy of {safe(self.saving.label)} to")
        field = self.query_one("#attach-path", Input)
        field.value = os.path.join("~", self.saving.label)
        self.set_focus(field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "complete":
            return isinstance(self.focused, Input)
        if action == "open":
            return isinstance(self.focused, OptionList)
        return True

    def action_complete(self) -> None:
        field = self.query_one("#attach-path", Input)
        hint = complete_field(field)
        if hint:
            self._say(hint)

    def action_open(self) -> None:
        from hubtui.services.attachments import attachment_folder

        listing = self.query_one("#attachments-list", OptionList)
        if listing.highlighted is None or not self.attachments:
            return
        chosen = self.attachments[listing.highlighted]
        where = attachment_folder(self.context.store) / chosen.sha256[:2] / chosen.sha256
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        has_display = sys.platform == "darwin" or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if has_display and shutil.which(opener):
            subprocess.Popen([opener, str(where)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            self._say(f"Opened {chosen.label}.")
        else:
            self._say(f"No display to open it on here: {chosen.label} is kept at {where} "
                      "(enter saves a copy where you choose).")

    def action_cancel(self) -> None:
        if self.saving is not None:
            self._stop_saving()  # esc first leaves "save a copy", then the dialog
            self._say("")
            return
        self.dismiss(self.attached)
