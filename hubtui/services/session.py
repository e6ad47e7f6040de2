"""Opening a session: the store the settings name, ready for use, with the operator signed in.

The CLI, the TUI's start-up reader and the app all begin this way. The settings are whatever
object carries the fields below (hubtui.config.Settings does); services never read the
configuration themselves.

Importing this module loads nothing heavy: the TUI's fast start checks the time zone here
before the SQL stack is imported (see hubtui.startup).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Protocol

from hubtui.services.errors import InvalidInput, UnknownUser

if TYPE_CHECKING:
    from hubtui.services.context import Context
    from hubtui.store.engine import Store


class SessionSettings(Protocol):
    """What opening a session needs to know (see hubtui.config.Settings)."""

    @property
    def database_url(self) -> str: ...

    @property
    def user(self) -> str: ...

    @property
    def org(self) -> str | None: ...

    @property
    def login(self) -> str | None: ...

    @property
    def user_vouched(self) -> bool: ...

    @property
    def timezone(self) -> str | None: ...


def open_store(settings: SessionSettings, *, create: bool = False) -> Store:
    """The store the settings name, its schema current; a missing SQLite file is refused unless
    `create` (SPEC 8a: a command that only reads or changes data never creates a database)."""
    from hubtui.services import database

    if not create:
        database.refuse_missing(settings.database_url)
    store = database.connect(settings.database_url)
    database.ensure_ready(store)
    return store


def time_zone(settings: SessionSettings) -> tzinfo | None:
    """The configured time zone (None: the machine's); an unknown name is refused."""
    if not settings.timezone:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone '{settings.timezone}' (HUBTUI_TIMEZONE or the config file)",
                           "timezone") from None


def sign_in(store: Store, settings: SessionSettings) -> Context:
    """The operator the settings name, if the login may act as them (SPEC 8)."""
    from hubtui.services.context import open_context

    if not settings.user:
        raise UnknownUser("cannot tell who you are: pass --user NAME or set HUBTUI_USER")
    return open_context(store, settings.user, settings.org, login=settings.login, vouched=settings.user_vouched,
                        tz=time_zone(settings))


def open_session(settings: SessionSettings, *, create: bool = False) -> Context:
    """Connect, refuse a missing SQLite file (unless `create`), make sure the schema is current, and
    sign the operator in. The context holds the store (`ctx.store`)."""
    return sign_in(open_store(settings, create=create), settings)
