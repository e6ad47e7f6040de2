"""Refused actions are written down too (SPEC 8): who, what, why, in a transaction of
their own, since the refused one changed nothing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from hubtui.domain.errors import PermissionDenied
from hubtui.store.engine import Store
from hubtui.store.org_tables import Refusal

if TYPE_CHECKING:
    from hubtui.services.context import Context

Call = TypeVar("Call", bound=Callable[..., Any])


# The column sizes of the refusals table (store/tables.py).
SIZES = {"user_name": 64, "org_code": 16, "action": 32, "subject": 64, "reason": 400}


def _clip(text: str, field: str) -> str:
    return text[: SIZES[field]]


def record_refusal(store: Store, *, login: str, user_name: str, org_code: str, action: str, subject: str,
                   reason: str) -> None:
    """Write the refusal down; a store that cannot take it does not stop the person being told."""
    try:
        with store.write() as session:
            session.add(Refusal(
                at=datetime.now(timezone.utc), login=_clip(login, "user_name"), user_name=_clip(user_name, "user_name"),
                org_code=_clip(org_code, "org_code"), action=_clip(action, "action"),
                subject=_clip(subject, "subject"), reason=_clip(reason, "reason"),
            ))
    except SQLAlchemyError:
        pass


def refusals_recorded(action: str) -> Callable[[Call], Call]:
    """A use case whose permission refusals are written down. Its first argument is the
    Context; a first positional string after it (an order number) is the subject."""

    def wrap(use_case: Call) -> Call:
        @functools.wraps(use_case)
        def run(ctx: Context, *args: Any, **kwargs: Any) -> Any:
            try:
                return use_case(ctx, *args, **kwargs)
            except PermissionDenied as error:
                operator = ctx.operator
                subject = args[0] if args and isinstance(args[0], str) else ""
                record_refusal(ctx.store, login=operator.login or operator.user_name, user_name=operator.user_name,
                               org_code=operator.org_code, action=action, subject=subject, reason=str(error))
                raise

        return run  # type: ignore[return-value]

    return wrap


def recent_refusals(store: Store, limit: int = 50) -> list[Refusal]:
    with store.read() as session:
        return list(session.scalars(select(Refusal).order_by(Refusal.id.desc()).limit(limit)))
