"""An organisation's settings (org_settings): read with a default, so a missing row means the default."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubtui.domain.returns import DEFAULT_ELIGIBLE_FROM
from hubtui.store.org_tables import OrgSetting

RETURN_ELIGIBLE_FROM = "return_eligible_from"  # the order status returns open from
REFUND_SUPERVISOR_ABOVE = "refund_supervisor_above"  # minor units; a bigger refund needs a supervisor
DEFAULT_REFUND_SUPERVISOR_ABOVE = 10_000


def read_setting(session: Session, org_id: int, key: str, default: str) -> str:
    value = session.scalar(select(OrgSetting.value).where(OrgSetting.org_id == org_id, OrgSetting.key == key))
    return default if value is None else value


def write_setting(session: Session, org_id: int, key: str, value: str) -> None:
    row = session.get(OrgSetting, (org_id, key))
    if row is None:
        session.add(OrgSetting(org_id=org_id, key=key, value=value))
    else:
        row.value = value


def return_eligible_from(session: Session, org_id: int) -> str:
    return read_setting(session, org_id, RETURN_ELIGIBLE_FROM, DEFAULT_ELIGIBLE_FROM.value)


def refund_supervisor_above(session: Session, org_id: int) -> int:
    text = read_setting(session, org_id, REFUND_SUPERVISOR_ABOVE, str(DEFAULT_REFUND_SUPERVISOR_ABOVE))
    try:
        return max(0, int(text))
    except ValueError:
        return DEFAULT_REFUND_SUPERVISOR_ABOVE


__all__ = ["REFUND_SUPERVISOR_ABOVE", "RETURN_ELIGIBLE_FROM", "read_setting", "refund_supervisor_above",
           "return_eligible_from", "write_setting"]
