"""One way a failed worker is told: a line on screen, never the end of the app.

Textual ends the app when a worker raises, unless the worker is started with
exit_on_error=False; then its node gets Worker.StateChanged in the ERROR state (the message
does not bubble, so each screen that starts workers mixes this in, and so does the app).
`worker_failed` says "Could not read the orders: <what the store said> — press r to retry";
a screen overrides it to put its own state back (a busy marker off, a dialog's fields open
again) and calls it. Workers say what they do in their `description` ("read the page").
"""

from __future__ import annotations

from typing import Any

from textual.worker import Worker, WorkerState

RETRY_HINT = "press r to retry"


class ReportsWorkerErrors:
    """Mix in before the Textual class: `class S(ReportsWorkerErrors, Screen)`."""

    RETRY_KEY_HINT: str | None = None  # RETRY_HINT where `r` reads again

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(event.worker, event.worker.error)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        from hubtui.services.faults import one_line

        hint = f" — {self.RETRY_KEY_HINT}" if self.RETRY_KEY_HINT else ""
        self.notify(  # type: ignore[attr-defined]
            one_line(error) + hint, title=self.failure_title(worker), severity="error", timeout=8,
        )

    def failure_title(self, worker: Worker[Any]) -> str:
        what = worker.description or worker.name or "finish"
        return f"Could not {what}"


__all__ = ["RETRY_HINT", "ReportsWorkerErrors"]
