"""Operators and their roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from hubtui.domain.limits import LIMITS, too_long
from hubtui.domain.text import printable
from hubtui.domain.permissions import Permission, Role, require
from hubtui.services.context import utc_now
from hubtui.services.errors import InvalidInput, UnknownUser
from hubtui.store.engine import Store
from hubtui.store.tables import Organisation, User

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,%d}" % (LIMITS["user_name"] - 1))


@dataclass(frozen=True)
class UserView:
    name: str
    role: str
    full_name: str
    default_org: str | None
    active: bool


def add_user(
    store: Store, acting_user: str | None, name: str, role: str, *, full_name: str = "", org_code: str | None = None
) -> UserView:
    """Add an operator. Only an admin may, except for the very first user of a database."""
    try:
        new_role = Role(role)
    except ValueError:
        raise InvalidInput(f"Unknown role '{role}'; one of {', '.join(r.value for r in Role)}.", "role") from None
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidInput(
            f"User name '{printable(name, one_line=True)[:80]}' must be at most {LIMITS['user_name']} lower-case "
            "letters, digits, '.', '_' or '-'.", "name"
        )
    if too_long("full_name", full_name):
        raise InvalidInput(too_long("full_name", full_name), "full_name")  # type: ignore[arg-type]
    with store.write() as session:
        existing_users = session.execute(select(func.count()).select_from(User)).scalar_one()
        if existing_users:
            actor = session.scalars(select(User).where(User.name == (acting_user or ""))).first()
            if actor is None or not actor.active:
                raise UnknownUser(f"Unknown user '{acting_user}'.")
            require(Role(actor.role), Permission.manage_users)
        if session.scalars(select(User).where(User.name == name)).first() is not None:
            raise InvalidInput(f"User '{name}' already exists.", "name")
        org_id = None
        if org_code:
            org_id = session.execute(select(Organisation.id).where(Organisation.code == org_code.upper())).scalar()
            if org_id is None:
                raise InvalidInput(f"Unknown organisation '{org_code}'.", "org")
        session.add(User(name=name, role=new_role.value, full_name=full_name, default_org_id=org_id,
                         created_at=utc_now()))
        return UserView(name, new_role.value, full_name, org_code.upper() if org_code else None, True)


def list_users(store: Store) -> list[UserView]:
    with store.read() as session:
        rows = session.execute(
            select(User, Organisation.code).outerjoin(Organisation, User.default_org_id == Organisation.id).order_by(User.name)
        )
        return [UserView(u.name, u.role, u.full_name, code, u.active) for u, code in rows]
