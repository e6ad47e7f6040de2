"""Operators and their roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubtui.domain.limits import LIMITS, text_problem
from hubtui.domain.text import printable
from hubtui.domain.permissions import Permission, Role, require
from hubtui.services.context import utc_now
from hubtui.services.context import may_act_as
from hubtui.services.errors import InvalidInput, PermissionDenied
from hubtui.services.refusals import record_refusal
from hubtui.store.engine import Store
from hubtui.store.org_tables import Organisation, User, UserOrganisation

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,%d}" % (LIMITS["user_name"] - 1))


@dataclass(frozen=True)
class UserView:
    name: str
    role: str
    full_name: str
    default_org: str | None
    active: bool
    member_of: tuple[str, ...] = ()  # the organisations they may act in


def add_user(
    store: Store, acting_user: str | None, name: str, role: str, *, full_name: str = "", org_code: str | None = None,
    member_of: tuple[str, ...] = (), login: str | None = None, vouched: bool = False,
) -> UserView:
    """Add an operator. Only an admin may, except for the very first user of a database.

    The user belongs to the organisations `member_of` and `org_code` (their default) name,
    or to every organisation there is now when neither is given. `login`/`vouched` as for
    context.open_context: who is at the keyboard, when it is not `acting_user`.
    """
    try:
        new_role = Role(role)
    except ValueError:
        raise InvalidInput(f"Unknown role '{role}'; one of {', '.join(r.value for r in Role)}.", "role") from None
    if text_problem("user_name", name):
        raise InvalidInput(text_problem("user_name", name), "name")  # type: ignore[arg-type]
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidInput(
            f"User name '{printable(name, one_line=True)[:80]}' must be at most {LIMITS['user_name']} lower-case "
            "letters, digits, '.', '_' or '-'.", "name"
        )
    if text_problem("full_name", full_name):
        raise InvalidInput(text_problem("full_name", full_name), "full_name")  # type: ignore[arg-type]
    refused: PermissionDenied | None = None
    with store.read() as session:
        if session.execute(select(func.count()).select_from(User)).scalar_one():
            try:
                actor = may_act_as(session, acting_user or "", login=login, vouched=vouched)
                require(Role(actor.role), Permission.manage_users)
            except PermissionDenied as error:
                refused = error
    if refused is not None:
        record_refusal(store, login=(acting_user or "") if login is None else login, user_name=acting_user or "", org_code="",
                       action="add user", subject=name, reason=str(refused))
        raise refused
    with store.write() as session:
        if session.scalars(select(User).where(User.name == name)).first() is not None:
            raise InvalidInput(f"User '{name}' already exists.", "name")
        org_id = None
        if org_code:
            org_id = _org_id(session, org_code, "org")
        members = {_org_id(session, code, "member_of") for code in member_of}
        if org_id is not None:
            members.add(org_id)
        if not member_of and org_id is None:
            members = set(session.scalars(select(Organisation.id)))
        user = User(name=name, role=new_role.value, full_name=full_name, default_org_id=org_id, created_at=utc_now())
        session.add(user)
        session.flush()
        session.add_all(UserOrganisation(user_id=user.id, org_id=org) for org in sorted(members))
        codes = tuple(sorted(session.scalars(select(Organisation.code).where(Organisation.id.in_(members)))))
        return UserView(name, new_role.value, full_name, org_code.upper() if org_code else None, True, codes)


def _org_id(session: Session, code: str, field: str) -> int:
    org_id = session.execute(select(Organisation.id).where(Organisation.code == code.upper())).scalar()
    if org_id is None:
        raise InvalidInput(f"Unknown organisation '{printable(code, one_line=True)[:40]}'.", field)
    return org_id


def list_users(store: Store) -> list[UserView]:
    with store.read() as session:
        rows = session.execute(
            select(User, Organisation.code).outerjoin(Organisation, User.default_org_id == Organisation.id).order_by(User.name)
        )
        members: dict[int, list[str]] = {}
        for user_id, org_code in session.execute(
            select(UserOrganisation.user_id, Organisation.code)
            .join(Organisation, Organisation.id == UserOrganisation.org_id).order_by(Organisation.code)
        ):
            members.setdefault(user_id, []).append(org_code)
        return [UserView(u.name, u.role, u.full_name, code, u.active, tuple(members.get(u.id, ()))) for u, code in rows]
