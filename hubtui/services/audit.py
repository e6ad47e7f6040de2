"""The activity log: every change says when, who, what, before and after."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from hubtui.services.context import Context
from hubtui.store.tables import Activity

SUMMARY_LIMIT = 400


def _dump(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)


def record(
    session: Session,
    ctx: Context,
    *,
    action: str,
    summary: str,
    order_id: int | None = None,
    rma_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        Activity(
            org_id=ctx.operator.org_id,
            order_id=order_id,
            rma_id=rma_id,
            at=ctx.now(),
            user_name=ctx.operator.user_name,
            action=action,
            # A summary longer than the column (a comment at its limit after "Status A → B: ") is
            # cut with a mark, so the view shows that there is more; `after` holds it whole.
            summary=summary if len(summary) <= SUMMARY_LIMIT else summary[:SUMMARY_LIMIT - 1] + "…",
            before=_dump(before),
            after=_dump(after),
        )
    )


def load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)
