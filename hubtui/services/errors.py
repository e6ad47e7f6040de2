"""Errors a person can act on. Every one carries a one-line message."""

from __future__ import annotations

from datetime import datetime

from hubtui.domain.errors import DomainError, PermissionDenied, TransitionError

__all__ = [
    "ConflictError",
    "DomainError",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "TransitionError",
    "UnknownUser",
]


class NotFound(DomainError):
    pass


class UnknownUser(NotFound):
    pass


class InvalidInput(DomainError):
    """Bad input; `field` names the field the message belongs next to, `line` the order line (1-based).

    `problems` holds every field's problem when a form was checked whole (field -> message), so a
    form can mark them all at once; the message and `field` are the first of them.
    """

    def __init__(self, message: str, field: str | None = None, *, line: int | None = None,
                 problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.problems = problems or ({field: message} if field else {})

    @classmethod
    def of(cls, problems: dict[str, str]) -> InvalidInput:
        field, message = next(iter(problems.items()))
        return cls(message, field, problems=problems)


class ConflictError(DomainError):
    """A save based on a stale copy: someone else changed the record since it was read."""

    def __init__(self, number: str, changed_by: str, changed_at: datetime, current_version: int) -> None:
        when = changed_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(
            f"{number} was changed by {changed_by} at {when} after you opened it; "
            "reload it and make your change again."
        )
        self.number = number
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.current_version = current_version
