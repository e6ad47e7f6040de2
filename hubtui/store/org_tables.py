"""The tables of organisations and the people who work in them: the organisation, its
microsites, channels and settings, the users, the organisations each may act in, and the
actions refused them (SPEC 8)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Organisation(SQLModel, table=True):
    __tablename__ = "organisations"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=120)


class Microsite(SQLModel, table=True):
    __tablename__ = "microsites"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    code: str = Field(max_length=32)
    name: str = Field(max_length=120)
    currency: str = Field(max_length=3)
    is_default: bool = False


class OrgChannel(SQLModel, table=True):
    """A channel configured for an organisation; only these may be used."""

    __tablename__ = "org_channels"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id")
    code: str = Field(max_length=16)
    enabled: bool = True


class OrgSetting(SQLModel, table=True):
    __tablename__ = "org_settings"

    org_id: int = Field(foreign_key="organisations.id", primary_key=True)
    key: str = Field(max_length=64, primary_key=True)
    value: str = Field(max_length=400)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    full_name: str = Field(default="", max_length=120)
    role: str = Field(max_length=16)
    default_org_id: int | None = Field(default=None, foreign_key="organisations.id")
    active: bool = True
    created_at: datetime


class UserOrganisation(SQLModel, table=True):
    """The organisations a user may act in (SPEC 8); `--org` chooses only among these."""

    __tablename__ = "user_organisations"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    org_id: int = Field(foreign_key="organisations.id", primary_key=True)


class Refusal(SQLModel, table=True):
    """An action refused for want of permission or identity: it changed nothing, but it is
    written down (SPEC 8). Append-only, like the activity log."""

    __tablename__ = "refusals"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    login: str = Field(max_length=64)  # the account at the keyboard
    user_name: str = Field(max_length=64)  # who they acted, or asked to act, as
    org_code: str = Field(default="", max_length=16)
    action: str = Field(max_length=32)
    subject: str = Field(default="", max_length=64)
    reason: str = Field(max_length=400)


__all__ = ["Microsite", "OrgChannel", "OrgSetting", "Organisation", "Refusal", "User", "UserOrganisation"]
