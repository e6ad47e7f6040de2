"""Recording a product's price on a price-match channel, as an operator enters it (`e` on the
Price Match screen). Each entry is a new observation: the history is never overwritten. The
import of a file of them is services/import_channel_prices.py."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hubtui.domain.money import format_money
from hubtui.domain.permissions import Permission
from hubtui.domain.price_match import COMPARED_CHANNELS, OWN_CHANNEL, channel_price_problem
from hubtui.services import audit
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.price_match import currency_of, find_product, refresh_board, row_view
from hubtui.services.price_match_views import PriceMatchRow
from hubtui.services.refusals import refusals_recorded
from hubtui.store import price_match_queries as pq
from hubtui.store.price_tables import ChannelPrice

# An observation may be dated this far ahead of the clock (another machine's clock), no further.
CLOCK_SLACK = timedelta(hours=1)
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)


def observed_at_problem(observed_at: datetime, now: datetime) -> str | None:
    if observed_at.tzinfo is None:
        return "The observation time needs a time zone."
    if observed_at > now + CLOCK_SLACK:
        return "The observation time is in the future."
    if observed_at < EARLIEST:
        return "The observation time is before 2000."
    return None


@refusals_recorded("record price")
def record_channel_price(ctx: Context, stock_code: str, channel: str, price: int,
                         observed_at: datetime | None = None) -> PriceMatchRow:
    """A new observation of the product's price on `channel` (one of COMPARED_CHANNELS), at
    `observed_at` (now unless given); returns the product's row as the screen shows it now."""
    ctx.require(Permission.set_prices)
    channel = channel.strip().lower()
    if channel == OWN_CHANNEL:
        raise InvalidInput("The own-website price is the product's price: apply a suggestion to change it.",
                           "channel")
    problem = channel_price_problem(channel, price)
    if problem:
        raise InvalidInput(problem, "channel" if channel not in COMPARED_CHANNELS else "price")
    now = ctx.now()
    at = observed_at or now
    problem = observed_at_problem(at, now)
    if problem:
        raise InvalidInput(problem, "observed_at")
    with ctx.store.write() as session:
        product = find_product(session, ctx, stock_code)
        currency = currency_of(session, ctx)
        session.add(ChannelPrice(product_id=product.id, channel=channel, price=price, observed_at=at,
                                 source="entered", recorded_by=ctx.operator.user_name))
        audit.record(session, ctx, action="price",
                     summary=f"{channel} price of {product.stock_code}: {format_money(price, currency or None)}",
                     after={"stock_code": product.stock_code, "channel": channel, "price": price,
                            "observed_at": at.isoformat()})
        session.flush()
        refresh_board(session, ctx, [product.id])
        rows = pq.rows_by_code(session, ctx.operator.org_id, [product.stock_code])
        if not rows:
            raise InvalidInput(f"{product.stock_code} is not an active product.", "stock_code")
        return row_view(rows[0], currency)


__all__ = ["observed_at_problem", "record_channel_price"]
