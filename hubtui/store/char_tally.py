"""Order counts per character held: for each key of order_tallies (over all time) and of
order_day_tallies (per UTC day), how many of its orders hold each letter and digit the way a
one-character "/" text finds them, kept in `order_char_tallies` and `order_char_day_tallies`.

A one-character text ("w", "2") is held by most of the searched values and, for a digit, starts
a ninth of the order numbers: at 1,000,000 orders its twelve counts read 34,000 tally rows or
111,000 orders (30-200 ms). Here they are the sums of one column over the same few hundred rows
the counts without a text read (quick_counts.py, the "chars" way).

A column c_<x> counts the orders whose e-mail, name key or post-code key holds x in that
column's spelling (text_search.needles) or whose number x starts (text_search.number_ranges),
which is the text test of order_queries.text_test_sql for the text "x". Both tables are kept
by triggers (tally_triggers.py) that evaluate the 36 tests on the row written; rows stay at
zero, as order_tallies' do.
"""

from __future__ import annotations

from typing import Any

from hubtui.store import day_tally, text_search
from hubtui.store.tally import HIGH_RISK
from hubtui.store.tally_triggers import TallyTriggers

CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
COLUMNS = tuple(f"c_{char}" for char in CHARS)
TABLE = "order_char_tallies"
DAY_TABLE = "order_char_day_tallies"
KEY = ("org_id", "microsite_id", "status", "payment_status", "order_type", "high_risk")
DAY_KEY = day_tally.KEY
INPUTS = (*(column for _, column in text_search.KINDS), "number")


def char_of(text: str | None) -> str | None:
    """The character whose column counts the orders holding `text`, or None: a text that is
    one letter or digit once trimmed, in either case."""
    needles = text_search.needles(text)
    char = needles.email
    if len(char) != 1 or char not in CHARS or text_search.needles(char) != needles:
        return None
    return char


def column_of(char: str) -> str:
    if char not in CHARS:
        raise ValueError(f"no column counts {char!r}")
    return f"c_{char}"


def holds_sql(char: str, row: str, dialect: str) -> str:
    """1 when the row `row` holds the one-character text `char`, else 0."""
    needles = text_search.needles(char)
    contains = "strpos" if dialect == "postgresql" else "instr"
    tests = [f"{contains}({row}.{column}, '{needles.of(kind)}') > 0" for kind, column in text_search.KINDS]
    tests += [f"{row}.number BETWEEN '{low}' AND '{high}'" for low, high in needles.numbers]
    return f"(CASE WHEN {' OR '.join(tests)} THEN 1 ELSE 0 END)"


def _measure(column: str, row: str, dialect: str) -> str:
    return holds_sql(column.removeprefix("c_"), row, dialect)


def _value(column: str, row: str, dialect: str) -> str:
    return f"({row}.fraud_score >= {HIGH_RISK})" if column == "high_risk" else f"{row}.{column}"


ALL_TIME = TallyTriggers(
    table=TABLE, function="orders_char_tally", key=KEY, value=_value,
    watched=("org_id", "microsite_id", "status", "payment_status", "order_type", "fraud_score"),
    counted=COLUMNS, measure=_measure, measured_from=INPUTS, keep_zero=True,
)
DAYS = TallyTriggers(
    table=DAY_TABLE, function="orders_char_day_tally", key=DAY_KEY, value=day_tally.TRIGGERS_OF.value,
    watched=day_tally.TRIGGERS_OF.watched, counted=COLUMNS, measure=_measure, measured_from=INPUTS, keep_zero=True,
)
TALLIES = (ALL_TIME, DAYS)


def create_triggers(connection: Any) -> None:
    for tallied in TALLIES:
        tallied.create(connection)


def drop_triggers(connection: Any) -> None:
    for tallied in TALLIES:
        tallied.drop(connection)


def drop_functions(connection: Any) -> None:
    for tallied in TALLIES:
        tallied.drop_function(connection)


def rebuild(connection: Any) -> None:
    """Recount both tables from the orders: the days from the orders (the 36 tests on each), the
    days summed for all time (half the time of testing every order twice: 18 s at 1,000,000)."""
    DAYS.rebuild(connection)
    connection.exec_driver_sql(f"DELETE FROM {TABLE}")
    counts = ", ".join(f"SUM({column})" for column in ("n", *COLUMNS))
    connection.exec_driver_sql(f"INSERT INTO {TABLE} ({', '.join((*KEY, 'n', *COLUMNS))}) SELECT {', '.join(KEY)}, "
                               f"{counts} FROM {DAY_TABLE} GROUP BY {', '.join(KEY)}")


_MICROSITE = " AND microsite_id = (SELECT id FROM microsites WHERE org_id = :org_id AND code = :microsite)"


def tally_rows(reader: Any, org_id: int, microsite: str | None, char: str) -> list[tuple[Any, ...]]:
    """(status, payment_status, order_type, high_risk, orders holding `char`) of one organisation
    or microsite over all time, as tally_counts.tally_rows gives the orders."""
    column = column_of(char)
    params: dict[str, Any] = {"org_id": org_id}
    site = ""
    if microsite:
        site, params["microsite"] = _MICROSITE, microsite
    return reader.all(f"SELECT status, payment_status, order_type, high_risk, SUM({column}) FROM {TABLE} "
                      f"WHERE org_id = :org_id{site} GROUP BY status, payment_status, order_type, high_risk", params)


__all__ = ["ALL_TIME", "CHARS", "COLUMNS", "DAYS", "DAY_TABLE", "TABLE", "TALLIES", "char_of", "column_of",
           "create_triggers", "drop_functions", "drop_triggers", "holds_sql", "rebuild", "tally_rows"]
