"""Editing a record shown on a screen (an order, a return) through a dialog: the dialog opens on
the record as shown, its value is saved by a service call in a worker against the version the
operator saw, and a refused save reopens the dialog with what was typed and why.

The screen using it has `detail` (with `version`), `load()` reading the record again, and a
`Loaded(detail)` message that shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.screen import Screen

from hubtui.widgets.key_delivery import hold_keys


class RecordEdits:
    detail: Any
    Loaded: Any

    async def _edit(self, dialog: Callable[[Any, str], Screen[Any]], change: Callable[[Any, int], Any],
                    done: str | Callable[[Any], str]) -> None:
        """Open `dialog(None, "")` on the order as shown; what it returns is saved by
        `change(value, version)`, checked against the version the operator saw. A save that fails
        reopens `dialog(value, why)` with what was typed; after someone else's change, saving from
        it applies the same change to the order as it is now."""
        assert self.detail is not None

        def saver(version: int) -> Callable[[Any], None]:
            def save(value: Any) -> None:
                if value is None or value is False:  # backed out, or "no" to a question
                    return
                worker = self._write(lambda: change(value, version), done,
                                     again=lambda error, fresh=None: self.app.push_screen(dialog(value, error),
                                                                                          saver(fresh or version)))
                # Keys typed behind the save are for the record as saved (its keys follow its status).
                hold_keys(self, until=worker, writing=True)  # type: ignore[arg-type]
            return save

        # Awaited, as every priority key's screen is: the keys typed behind its key are for the dialog.
        await self.app.push_screen(dialog(None, ""), saver(self.detail.version))

    @work(thread=True, group="order-writes", exit_on_error=False, description="save the change")
    def _write(self, change, done, again=None) -> None:  # type: ignore[no-untyped-def]
        """Run `change` (a service call); `done` is the notice, or makes it from the order as stored.
        When it fails, `again(message)` reopens the dialog with what was typed, so nothing is lost;
        after another operator's change, `again(message, version)`: saving from it applies the
        same change to the order as it is now (the service checks it again there)."""
        try:
            detail = change()
        except Exception as error:  # refused changes are explained, never half-written
            from hubtui.services.errors import ConflictError, InvalidInput
            from hubtui.services.faults import fault_message, one_line

            message = one_line(error)
            self.app.call_from_thread(self.notify, message, title="Not saved", severity="error", timeout=8)
            self.app.call_from_thread(self.load)  # show what is stored now, e.g. after a conflict
            if again is None:
                return
            if isinstance(error, ConflictError):
                who = f"{error.changed_by} changed {error.number} at {error.changed_at:%H:%M:%S} after you opened it"
                self.app.call_from_thread(again, f"Not saved: {who}. ctrl+s saves your change on the order as it "
                                                 "is now; esc drops it.", error.current_version)
            # A lock, a full disk or a text to correct: the same change can be made again.
            elif fault_message(error) or isinstance(error, InvalidInput):
                self.app.call_from_thread(again, message)
            return
        self.post_message(self.Loaded(detail))
        self.app.call_from_thread(self.notify, done if isinstance(done, str) else done(detail), timeout=4)
