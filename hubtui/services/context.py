"""Who is acting, in which organisation, on which store, at what time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo

from sqlalchemy import select

from hubtui.domain.permissions import Permission, Role, require
from hubtui.services.errors import NotFound, UnknownUser
from hubtui.store.engine import Store
from hubtui.store.tables import Organisation, User


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def local_timezone() -> tzinfo:
    return datetime.now().astimezone().tzinfo or timezone.utc


@dataclass(frozen=True)
class Operator:
    user_name: str
    role: Role
    org_id: int
    org_code: str
    org_name: str


@dataclass(frozen=True)
class Context:
    """Everything a use case needs besides its arguments."""

    store: Store
    operator: Operator
    clock: Callable[[], datetime] = utc_now
    tz: tzinfo = field(default_factory=local_timezone)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    def require(self, permission: Permission) -> None:
        require(self.operator.role, permission)


def open_context(
    store: Store,
    user_name: str,
    org_code: str | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    tz: tzinfo | None = None,
) -> Context:
    """Sign `user_name` in to an organisation (theirs by default, else the first)."""
    with store.read() as session:
        user = session.scalars(select(User).where(User.name == user_name)).first()
        if user is None or not user.active:
            raise UnknownUser(
                f"Unknown user '{user_name}': an admin can add it with "
                f"`hubtui users add {user_name} --role agent`, or pass --user NAME."
            )
        if org_code:
            org = session.scalars(
                select(Organisation).where(Organisation.code == org_code.upper())
            ).first()
            if org is None:
                raise NotFound(f"Unknown organisation '{org_code}'.")
        elif user.default_org_id is not None:
            org = session.get(Organisation, user.default_org_id)
        else:
            org = session.scalars(select(Organisation).order_by(Organisation.code)).first()
        if org is None:
            raise NotFound("There is no organisation yet: run `hubtui demo` to load demo data.")
        operator = Operator(user.name, Role(user.role), org.id, org.code, org.name)
    return Context(store, operator, clock, tz or local_timezone())


def list_organisations(store: Store) -> list[tuple[str, str]]:
    with store.read() as session:
        return [(o.code, o.name) for o in session.scalars(select(Organisation).order_by(Organisation.code))]
