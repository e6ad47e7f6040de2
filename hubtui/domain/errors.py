"""Errors raised by the domain rules.

Every message is a single line an operator can act on, because the CLI prints
``str(error)`` on stderr and the TUI shows it in a notification as is.
"""


class DomainError(Exception):
    """A business rule refused the request."""


class TransitionError(DomainError):
    """A status change that the order or return lifecycle does not allow."""


class MoneyError(DomainError, ValueError):
    """An amount that cannot be read or does not add up."""


class NumberFormatError(DomainError, ValueError):
    """An order or RMA number that is not in the expected shape."""


class PermissionDenied(DomainError):
    """The operator's role may not do this."""
