"""The channel-prices import (SPEC 7, issue 14): prices seen on the price-match channels, one
observation a row (`stock_code, channel, price[, observed_at]`), through the same pipeline as
the order imports (services.imports.import_file: the reader, the report, all or nothing, the
same file never twice).

An observation never overwrites another: each row adds one, so a product's history per channel
stays. A row the store has already (the same product, channel, moment and price) changes
nothing; the same moment with another price is refused, as is a moment in the future (beyond
the clock slack an entered price has). A `website` row is history only: the own-website price
is the product's, changed by applying a suggestion, never by a file. The board of verdicts is
refreshed for every product the file gave prices to, in the same transaction; each of them gets
an activity entry naming the file and rows.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select

from hubtui.domain.import_rows import ChannelPriceRecord, Problem
from hubtui.services import audit
from hubtui.services.channel_prices import observed_at_problem
from hubtui.services.imports import Importer, batched
from hubtui.services.price_match import refresh_board
from hubtui.store.row_writer import insert_rows
from hubtui.store.price_tables import ChannelPrice
from hubtui.store.tables import Product

PRICE_INSERT = ("product_id", "channel", "price", "observed_at", "source", "recorded_by")
SOURCE = "import"  # channel_prices.source: where an observation came from


def _utc(moment: datetime) -> datetime:
    """A moment as the store gives it back (naive UTC on SQLite), to compare with what is there."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


class ChannelPriceImporter(Importer):
    kind = "channel-prices"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.at = self.ctx.now()  # the moment of a row without observed_at
        self.products: dict[str, tuple[int, str] | None] = {}  # stock code, upper case -> (id, code)
        self.seen: dict[tuple[int, str, datetime], int] = {}  # (product, channel, moment) -> its first row
        self.touched: dict[int, tuple[str, list[tuple[int, str, int]]]] = {}  # product -> code, (row, channel, price)

    def _look_up(self, records: list[ChannelPriceRecord]) -> None:
        org = self.ctx.operator.org_id
        codes = {r.stock_code.upper() for r in records} - self.products.keys()
        for batch in batched(codes):
            for pid, code in self.session.execute(select(Product.id, Product.stock_code).where(
                    Product.org_id == org, func.upper(Product.stock_code).in_(batch))):
                self.products[code.upper()] = (pid, code)
        self.products.update((code, None) for code in codes - self.products.keys())

    def _recorded(self, records: list[ChannelPriceRecord]) -> dict[tuple[int, str, datetime], int]:
        """What the store holds already at the moments the rows give: (product, channel, moment) -> price."""
        ids = {self.products[r.stock_code.upper()][0] for r in records  # type: ignore[index]
               if r.observed_at is not None and self.products[r.stock_code.upper()] is not None}
        found: dict[tuple[int, str, datetime], int] = {}
        for batch in batched(ids):
            for pid, channel, price, observed in self.session.execute(select(
                    ChannelPrice.product_id, ChannelPrice.channel, ChannelPrice.price, ChannelPrice.observed_at)
                    .where(ChannelPrice.product_id.in_(batch))):
                found[(pid, channel, _utc(observed))] = price
        return found

    def check_and_write(self, records: list[ChannelPriceRecord], write: bool) -> None:
        self._look_up(records)
        recorded = self._recorded(records)
        user, org_code = self.ctx.operator.user_name, self.ctx.operator.org_code
        rows = []
        for r in records:
            product = self.products[r.stock_code.upper()]
            if product is None:
                self.refuse(Problem(r.row, "stock_code", r.stock_code, f"is not a stock code of {org_code}"))
                continue
            observed = r.observed_at or self.at
            refused = observed_at_problem(observed, self.at)  # as an entered price is checked
            if refused:
                self.refuse(Problem(r.row, "observed_at", f"{observed:%Y-%m-%d %H:%M}", refused))
                continue
            key = (product[0], r.channel, _utc(observed))
            if key in self.seen:
                self.refuse(Problem(r.row, "channel", r.channel, f"{product[1]} has a {r.channel} price at that "
                                                                 f"moment in row {self.seen[key]} already"))
                continue
            self.seen[key] = r.row
            # A row without its moment is seen now: a new observation, whatever the store has.
            there = recorded.get(key) if r.observed_at is not None else None
            if there == r.price:
                self.unchanged += 1
                continue
            if there is not None:
                self.refuse(Problem(r.row, "price", f"{r.price / 100:.2f}", f"{product[1]} on {r.channel} at "
                                    f"{observed:%Y-%m-%d %H:%M} is recorded already at {there / 100:.2f}"))
                continue
            self.created += 1
            self.touched.setdefault(product[0], (product[1], []))[1].append((r.row, r.channel, r.price))
            rows.append((product[0], r.channel, r.price, observed, SOURCE, user))
        if write:
            insert_rows(self.session, "channel_prices", PRICE_INSERT, rows)

    def finish(self, write: bool) -> None:
        """The verdicts of the products given prices, and an activity entry each."""
        if not write or not self.touched:
            return
        refresh_board(self.session, self.ctx, sorted(self.touched))
        file_json = audit.json_value(self.label)
        insert_rows(self.session, "activity", audit.ACTIVITY_COLUMNS, (audit.activity_row(
            self.ctx, action="channel prices", at=self.at,
            after=f'{{"file": {file_json}, "rows": [{", ".join(str(row) for row, _, _ in seen)}], '
                  f'"stock_code": {audit.json_value(code)}}}',
            summary=f"Channel prices for {code} from {self.label}: "
                    + ", ".join(f"{channel} {price / 100:.2f}" for _, channel, price in seen))
            for code, seen in self.touched.values()))


__all__ = ["ChannelPriceImporter", "PRICE_INSERT"]
