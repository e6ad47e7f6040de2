"""A failure of the store in one line a person can act on, for the screens and the CLI:
they ask the services, never the store, what went wrong (the store recognises the faults,
hubtui/store/faults.py)."""

from __future__ import annotations

from hubtui.store.faults import DISK_FULL, LOCKED, fault_message, is_database_error, one_line

__all__ = ["DISK_FULL", "LOCKED", "fault_message", "is_database_error", "one_line"]
