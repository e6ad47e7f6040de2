"""Reference data the screens offer as choices: organisations, microsites, channels."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from hubtui.domain.orders import channel_label
from hubtui.services.context import Context
from hubtui.store.org_tables import Microsite, Organisation, OrgChannel


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def organisations(ctx: Context) -> list[Choice]:
    with ctx.store.read() as session:
        return [Choice(o.code, o.name) for o in session.scalars(select(Organisation).order_by(Organisation.code))]


def microsites(ctx: Context) -> list[Choice]:
    with ctx.store.read() as session:
        rows = session.scalars(
            select(Microsite).where(Microsite.org_id == ctx.operator.org_id).order_by(Microsite.is_default.desc(), Microsite.code)
        )
        return [Choice(m.code, f"{m.name} ({m.currency})") for m in rows]


def channels(ctx: Context) -> list[Choice]:
    """The channels configured for the operator's organisation."""
    with ctx.store.read() as session:
        rows = session.scalars(
            select(OrgChannel.code).where(OrgChannel.org_id == ctx.operator.org_id, OrgChannel.enabled).order_by(OrgChannel.code)
        )
        return [Choice(code, channel_label(code)) for code in rows]
