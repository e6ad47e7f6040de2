"""Setting an order's tracking (carrier, number, link): from ReadyToDispatch on, also after
dispatch (SPEC 3). One transaction, the version checked, audited with before and after."""

from __future__ import annotations

from hubtui.domain.permissions import Permission
from hubtui.domain.tracking import Tracking, tracking_problems, tracking_refusal
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_access import check_version, lock_order, read_back, touch
from hubtui.services.refusals import refusals_recorded
from hubtui.services.views import OrderDetail


@refusals_recorded("set tracking")
def set_tracking(ctx: Context, number: str, tracking: Tracking, *,
                 expected_version: int | None = None) -> OrderDetail:
    ctx.require(Permission.set_tracking)
    tracking = tracking.stripped()
    problems = tracking_problems(tracking)
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field, problems=problems)
    with ctx.store.write() as session:
        order = lock_order(session, ctx, number)
        check_version(order, expected_version)
        refusal = tracking_refusal(order.number, order.status)
        if refusal:
            raise InvalidInput(refusal, "status")
        before = {"carrier": order.tracking_carrier, "number": order.tracking_number, "link": order.tracking_link}
        after = {"carrier": tracking.carrier, "number": tracking.number, "link": tracking.link}
        if after == before:
            raise InvalidInput(f"{order.number} already has this tracking; nothing to change.", "tracking_number")
        order.tracking_carrier, order.tracking_number, order.tracking_link = (tracking.carrier, tracking.number,
                                                                              tracking.link)
        touch(order, ctx)
        verb = "changed" if before["number"] else "set"
        carrier = f"{tracking.carrier} " if tracking.carrier else ""
        audit.record(session, ctx, order_id=order.id, action="tracking",
                     summary=f"Tracking {verb}: {carrier}{tracking.number}", before=before, after=after)
        number = order.number
    return read_back(ctx, number)


__all__ = ["Tracking", "set_tracking"]
