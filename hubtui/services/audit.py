"""The activity log: every change says when, who, what, before and after."""

from __future__ import annotations

import json
from datetime import datetime
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
            summary=_summary(summary),
            before=_dump(before),
            after=_dump(after),
        )
    )


ACTIVITY_COLUMNS = ("org_id", "order_id", "rma_id", "at", "user_name", "action", "summary", "before", "after")


def activity_row(ctx: Context, *, action: str, summary: str, order_id: int | None = None,
                 before: dict[str, Any] | None = None, after: dict[str, Any] | str | None = None,
                 at: datetime | None = None) -> tuple[Any, ...]:
    """The entry `record` adds, as values in the order of ACTIVITY_COLUMNS, for store.row_writer.
    `after` may be given as its JSON already (as _dump writes it: keys sorted; for many entries
    spared a json.dumps each); `at` is now unless given."""
    return (ctx.operator.org_id, order_id, None, at or ctx.now(), ctx.operator.user_name, action, _summary(summary),
            _dump(before), after if isinstance(after, str) else _dump(after))


def json_value(value: Any) -> str:
    """One value as _dump writes it inside an entry, to build many entries' JSON from."""
    return json.dumps(value, default=str, ensure_ascii=False)


def _summary(text: str) -> str:
    # A summary longer than the column (a comment at its limit after "Status A → B: ") is
    # cut with a mark, so the view shows that there is more; `after` holds it whole.
    return text if len(text) <= SUMMARY_LIMIT else text[:SUMMARY_LIMIT - 1] + "…"


def load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)
