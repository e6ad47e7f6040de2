"""Many orders inserted in one write transaction, their tallies and search terms kept by a
statement a table instead of five triggers a row.

Each orders row inserted fires five triggers (order_tallies, order_text_tallies,
order_text_month_tallies, order_day_tallies, search_terms): at 100,000 orders the four
other than the month tallies' cost 3.3 of the insert's 5.4 s. Inside the caller's transaction, on SQLite, `inserting_orders` sets those insert triggers aside, lets
the caller insert, then adds what the new orders (every id above the highest before) bring with
one grouped INSERT ... SELECT a table and puts the triggers back as they were (their own SQL,
read from the schema). SQLite's DDL is transactional: rolled back or killed, the triggers are
as before. The update and delete triggers stay, so the caller may change orders that existed
before, but must not update or delete an order it inserted inside the block (its update
trigger would move a count the block has not added yet).

Elsewhere (PostgreSQL), or when orders carries an insert trigger this module does not know,
nothing is set aside and the triggers do the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hubtui.store import char_tally, day_numbers, day_tally, tally, text_search, text_tally

_TALLIED = (text_tally.TRIGGERS_OF, text_tally.MONTH_TRIGGERS_OF, day_tally.TRIGGERS_OF, *char_tally.TALLIES)
INSERT_TRIGGERS = ("orders_tally_insert", text_search.TERM_TRIGGERS[0], *(t.names[0] for t in _TALLIED),
                   day_numbers.TRIGGERS[0])


@contextmanager
def inserting_orders(connection: Any) -> Iterator[None]:
    """Around inserts of many orders in `connection`'s write transaction (see the module)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    triggers = {name: sql for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders'")
        if " INSERT ON " in sql.upper()}
    if set(triggers) != set(INSERT_TRIGGERS):  # one we do not know, or one missing: leave them be
        yield
        return
    after = connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM orders").scalar_one()
    for name in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    _add_orders_after(connection, int(after))
    for sql in triggers.values():
        connection.exec_driver_sql(sql)


def _add_orders_after(connection: Any, after: int) -> None:
    """What the insert triggers would have added for each order with an id above `after`."""
    params = {"after": after}
    connection.exec_driver_sql(tally.ADD_AFTER_SQL, params)
    for tallied in _TALLIED:
        connection.exec_driver_sql(tallied.add_after_sql("sqlite"), params)
    connection.exec_driver_sql(text_search.ADD_AFTER_SQL, params)
    connection.exec_driver_sql(day_numbers.add_after_sql("sqlite"), params)


__all__ = ["INSERT_TRIGGERS", "inserting_orders"]
