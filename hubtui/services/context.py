"""Who is acting, in which organisation, on which store, at what time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo

from sqlalchemy import select

from sqlalchemy.orm import Session

from hubtui.domain.permissions import Permission, Role, require
from hubtui.domain.text import printable
from hubtui.services.errors import NotFound, PermissionDenied, UnknownUser
from hubtui.services.refusals import record_refusal
from hubtui.store.engine import Store
from hubtui.store.org_tables import Organisation, User, UserOrganisation


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
    login: str = ""  # the account at the keyboard when it is not user_name ("" when it is)


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
    login: str | None = None,
    vouched: bool = False,
    clock: Callable[[], datetime] = utc_now,
    tz: tzinfo | None = None,
) -> Context:
    """Sign `user_name` in to one of their organisations (their default one unless `org_code`).

    `login` is the account the operating system says is at the keyboard; None when the
    caller is that account itself (the TUI switching organisation, tests). Acting as someone
    else needs an admin login, or `vouched`: a config file an administrator controls names them.
    """
    with store.read() as session:
        try:
            user = may_act_as(session, user_name, login=login, vouched=vouched)
            org = _organisation(session, user, org_code)
        except PermissionDenied as error:
            refused = error
        else:
            acting_login = login if login and login != user.name else ""
            operator = Operator(user.name, Role(user.role), org.id, org.code, org.name, acting_login)
            return Context(store, operator, clock, tz or local_timezone())
    record_refusal(store, login=user_name if login is None else login, user_name=user_name, org_code=org_code or "",
                   action="sign in", subject=org_code or "", reason=str(refused))
    raise refused


def _named(name: str) -> str:
    return printable(name, one_line=True)[:80]


def _active_user(session: Session, name: str) -> User | None:
    user = session.scalars(select(User).where(User.name == name)).first()
    return user if user is not None and user.active else None


def may_act_as(session: Session, user_name: str, *, login: str | None, vouched: bool = False) -> User:
    """The user `login` may act as (SPEC 8: themselves; anyone when an admin or vouched for)."""
    user = _active_user(session, user_name)
    if login is not None and login != user_name and not vouched:
        acting = _active_user(session, login) if login else None
        if acting is None or Role(acting.role) != Role.admin:
            who = f"'{_named(login)}'" if login else "an unnamed login"
            raise PermissionDenied(
                f"{who} may not act as '{_named(user_name)}': only an admin may, or the configuration "
                "file an administrator controls; leave out --user (and HUBTUI_USER)."
            )
    if user is None:
        raise UnknownUser(
            f"Unknown user '{_named(user_name)}': an admin can add it with "
            f"`hubtui users add {_named(user_name)} --role agent`."
        )
    return user


def _organisation(session: Session, user: User, org_code: str | None) -> Organisation:
    member_of = list(session.scalars(
        select(Organisation).join(UserOrganisation, UserOrganisation.org_id == Organisation.id)
        .where(UserOrganisation.user_id == user.id).order_by(Organisation.code)
    ))
    if org_code:
        org = session.scalars(select(Organisation).where(Organisation.code == org_code.upper())).first()
        if org is None:
            raise NotFound(f"Unknown organisation '{_named(org_code)}'.")
        if org not in member_of:
            raise PermissionDenied(
                f"{user.name} does not belong to {org.code}; "
                f"{'choose one of ' + ', '.join(o.code for o in member_of) if member_of else 'ask an admin'}."
            )
        return org
    if not member_of:
        if session.scalars(select(Organisation.id)).first() is None:
            raise NotFound("There is no organisation yet: run `hubtui demo` to load demo data.")
        raise PermissionDenied(f"{user.name} belongs to no organisation; an admin can add them to one.")
    default = next((o for o in member_of if o.id == user.default_org_id), None)
    return default or member_of[0]


def list_organisations(store: Store, user_name: str | None = None) -> list[tuple[str, str]]:
    """Every organisation, or those `user_name` belongs to."""
    query = select(Organisation).order_by(Organisation.code)
    if user_name is not None:
        query = (query.join(UserOrganisation, UserOrganisation.org_id == Organisation.id)
                 .join(User, User.id == UserOrganisation.user_id).where(User.name == user_name))
    with store.read() as session:
        return [(o.code, o.name) for o in session.scalars(query)]
