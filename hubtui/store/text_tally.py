"""Order counts per searched values: the orders of each (e-mail, name key, post-code key)
in each microsite, status, payment status, type and risk, kept in `order_text_tallies`.

The quick-filter bar counts the orders holding a "/" text under each quick filter. From
the orders that costs a row per order holding it (about 3 µs at 1,000,000 orders, 237 ms
for the 36,000 holding "edwards"), and an index entry carrying the columns would still
cost 1-2 µs once SQLite groups it. The orders of one customer repeat the same three
searched values, so the counts are kept per combination of the three with the columns the
quick filters test: the rows holding a text are found through the same terms as the
orders (search_terms, text_search.py) and summed. Each order lies in exactly one row, so
an order holding the text in its e-mail and its name is counted once; counts kept per
term would count it once per kind.

The rows know no dates: the counts over all time come from here, those of a period, of
today and of yesterday from the orders (quick_counts.py).

Triggers on orders keep the rows current for every write path, as tally.py does for
order_tallies. A row is deleted when its count falls to zero, so a text's rows are the
combinations its orders hold now, not every status they ever passed through. Bulk loads
drop the triggers and add their own counts once (`ADD_SQL`), or `rebuild` recounts.
"""

from __future__ import annotations

from typing import Any

from hubtui.store import text_search
from hubtui.store.tally import HIGH_RISK
from hubtui.store.tally_triggers import TallyTriggers

TABLE = "order_text_tallies"
# The primary key, in its column order: the e-mail leads, so it serves look-ups by e-mail;
# ix_order_text_tallies_name and _postcode serve the other two kinds.
KEY = ("org_id", "customer_email", "customer_name_key", "shipping_postcode_key", "microsite_id", "status",
       "payment_status", "order_type", "high_risk")


def _value(column: str, row: str, dialect: str) -> str:
    return f"({row}.fraud_score >= {HIGH_RISK})" if column == "high_risk" else f"{row}.{column}"


TRIGGERS_OF = TallyTriggers(
    table=TABLE, function="orders_text_tally", key=KEY, value=_value,
    watched=("org_id", "microsite_id", "status", "payment_status", "order_type", "customer_email",
             "customer_name_key", "shipping_postcode_key", "fraud_score"),
)
TRIGGERS = TRIGGERS_OF.names
ADD_SQL = TRIGGERS_OF.add_sql()
create_triggers = TRIGGERS_OF.create
drop_triggers = TRIGGERS_OF.drop
drop_function = TRIGGERS_OF.drop_function
rebuild = TRIGGERS_OF.rebuild


def add_rows(counts: dict[tuple[Any, ...], int]) -> list[dict[str, Any]]:
    """Counts made while loading (keys in KEY order), as parameters for ADD_SQL."""
    return [{**dict(zip(KEY, key)), "n": n} for key, n in counts.items()]


# The same counts per UTC month placed, in `order_text_month_tallies`: a period's counts under a
# text sum the rows of its whole months and read only the orders of the days at its edges
# (quick_counts.py: 31 ms for "edwards" over the last 30 days from 8,800 orders, against a few
# hundred). Kept apart from order_text_tallies, whose counts over all time would otherwise sum a
# row a month.
MONTH_TABLE = "order_text_month_tallies"
MONTH_KEY = ("org_id", "customer_email", "customer_name_key", "shipping_postcode_key", "month", "microsite_id",
             "status", "payment_status", "order_type", "high_risk")


def _month_value(column: str, row: str, dialect: str) -> str:
    if column == "month":  # 'YYYY-MM' of the UTC instant; SQLite stores it as UTC text
        return (f"substr({row}.placed_at, 1, 7)" if dialect == "sqlite"
                else f"to_char({row}.placed_at AT TIME ZONE 'UTC', 'YYYY-MM')")
    return _value(column, row, dialect)


MONTH_TRIGGERS_OF = TallyTriggers(
    table=MONTH_TABLE, function="orders_text_month_tally", key=MONTH_KEY, value=_month_value,
    watched=(*TRIGGERS_OF.watched, "placed_at"),
)


# --- reads ------------------------------------------------------------------------------------
#
# `reader` is an engine.RawRead; `match` a TextMatch of order_queries (its terms of each kind,
# its needles). Rows are (status, payment_status, order_type, high_risk, n), as
# tally_counts.tally_rows gives them, so tally_counts folds both.

_GROUP = "GROUP BY status, payment_status, order_type, high_risk"
_SUMS = "SELECT status, payment_status, order_type, high_risk, SUM(n)"
_MICROSITE = "o.microsite_id = (SELECT id FROM microsites WHERE org_id = :org_id AND code = :microsite)"
# The index of each kind's column (the primary key's leads with the e-mail), named on SQLite:
# its sampled statistics take org_id alone for selective, and it walked all the
# organisation's rows (23 ms for "edwards" instead of 2).
INDEX_OF = {"email": f"sqlite_autoindex_{TABLE}_1", "name": "ix_order_text_tallies_name",
            "postcode": "ix_order_text_tallies_postcode"}
MONTH_INDEX_OF = {"email": f"sqlite_autoindex_{MONTH_TABLE}_1", "name": "ix_order_text_month_tallies_name",
                  "postcode": "ix_order_text_month_tallies_postcode"}
# The month rows between :month_from and :month_to (inclusive): in each index, after its value.
_MONTHS = " AND o.month >= :month_from AND o.month <= :month_to"


def _within(dialect: str, kind: str, name: str) -> str:
    """The tally rows (`o`) whose column of `kind` is one of the list parameter :name."""
    column = text_search.COLUMN_OF[kind]
    if dialect == "postgresql":
        return f"o.{column} = ANY(:{name})"
    return f"o.{column} IN (SELECT value FROM json_each(:{name}))"


def _source(dialect: str, kind: str, months: bool = False) -> str:
    table, index_of = (MONTH_TABLE, MONTH_INDEX_OF) if months else (TABLE, INDEX_OF)
    return f"{table} o" if dialect == "postgresql" else f"{table} o INDEXED BY {index_of[kind]}"


def _branch(dialect: str, kind: str, name: str, columns: str, months: bool = False) -> str:
    """SELECT `columns` of the organisation's rows whose column of `kind` is one of :name (of
    the month rows between :month_from and :month_to, with `months`)."""
    within = _within(dialect, kind, name)
    return (f"SELECT {columns} FROM {_source(dialect, kind, months)} WHERE o.org_id = :org_id AND {within}"
            + (_MONTHS if months else ""))


def as_parameter(reader: Any, values: list[str] | tuple[str, ...]) -> Any:
    """A list of values as the statement parameter _within reads (a JSON array on SQLite)."""
    return reader.list_value(values)


def _microsite(microsite: str | None, params: dict[str, Any]) -> str:
    if not microsite:
        return ""
    params["microsite"] = microsite
    return f" AND {_MICROSITE}"


def _holds(dialect: str, kinds: tuple[str, ...]) -> str:
    """Whether the row holds the text in one of its columns (parameters :x_<kind>)."""
    contains = "strpos" if dialect == "postgresql" else "instr"
    return "(" + " OR ".join(f"{contains}(o.{text_search.COLUMN_OF[k]}, :x_{k}) > 0" for k in kinds) + ")"


def _terms(reader: Any, match: Any) -> tuple[list[str], dict[str, Any]]:
    found = [(kind, terms) for kind, terms in match.terms if terms]
    return [kind for kind, _ in found], {f"t_{kind}": as_parameter(reader, terms) for kind, terms in found}


def _month_params(months: tuple[str, str] | None) -> dict[str, str]:
    return {"month_from": months[0], "month_to": months[1]} if months else {}


def holding(reader: Any, match: Any, org_id: int, microsite: str | None, *,
            months: tuple[str, str] | None = None) -> list[tuple[Any, ...]]:
    """The rows of the orders holding the text in an e-mail, name or post code (not by number);
    with `months` (the first and last, 'YYYY-MM'), those placed in these months.

    `match` must have every kind's terms (not over the cap) and at least one of them. A row
    holding the text by two kinds is read once: the kinds are an OR on PostgreSQL, a UNION
    of rowids on SQLite (each through its index)."""
    kinds, params = _terms(reader, match)
    params.update(org_id=org_id, **_month_params(months))
    site = _microsite(microsite, params)
    table = MONTH_TABLE if months else TABLE
    if reader.dialect == "postgresql":
        within = " OR ".join(_within(reader.dialect, kind, f"t_{kind}") for kind in kinds)
        sql = (f"{_SUMS} FROM {table} o WHERE o.org_id = :org_id AND ({within}){_MONTHS if months else ''}{site} "
               f"{_GROUP}")
    else:
        rowids = " UNION ".join(_branch(reader.dialect, kind, f"t_{kind}", "o.rowid", bool(months)) for kind in kinds)
        sql = f"{_SUMS} FROM {table} o NOT INDEXED WHERE o.rowid IN ({rowids}){site} {_GROUP}"
    return reader.all(sql, params)


def count_holding(reader: Any, match: Any, org_id: int, limit: int, *,
                  months: tuple[str, str] | None = None) -> int:
    """How many rows hold a term of the text (in `months`, as for `holding`), counted up to
    `limit` from the indexes alone (a row holding it by two kinds counts twice)."""
    kinds, params = _terms(reader, match)
    if not kinds:
        return 0
    branches = " UNION ALL ".join(_branch(reader.dialect, kind, f"t_{kind}", "1", bool(months)) for kind in kinds)
    return int(reader.scalar(f"SELECT COUNT(*) FROM ({branches} LIMIT :probe) AS c",
                             {**params, **_month_params(months), "org_id": org_id, "probe": limit}))


# --- every row, the text tested on each ----------------------------------------------------------
#
# A text most values hold ("w", "2": a third of the combinations or more) costs more through its
# terms (an index look-up a row, about 1.5 µs) than one pass over the organisation's rows testing
# it on each (about 0.45 µs a row: 15 ms for its 34,000 rows at 1,000,000 orders), and needs no
# list of terms, so it serves a text over TERM_CAP too.

MONTH_ORDER_INDEX = "ix_order_text_month_tallies_month"  # (org_id, month)


def count_rows(reader: Any, org_id: int, limit: int, *, months: tuple[str, str] | None = None) -> int:
    """The organisation's rows (in `months`), counted up to `limit` from an index alone."""
    if months:
        source = MONTH_TABLE if reader.dialect == "postgresql" else f"{MONTH_TABLE} INDEXED BY {MONTH_ORDER_INDEX}"
        where = "org_id = :org_id AND month >= :month_from AND month <= :month_to"
    else:
        source = TABLE if reader.dialect == "postgresql" else f"{TABLE} INDEXED BY {INDEX_OF['name']}"
        where = "org_id = :org_id"
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT :probe) AS c"
    return int(reader.scalar(sql, {"org_id": org_id, "probe": limit, **_month_params(months)}))


def whole_table_pays(reader: Any, org_rows: int) -> bool:
    """Whether reading the whole table in its order costs less than the organisation's rows
    through an index: on SQLite when it holds at least half of them (a pass in order reads a row
    for about half of what a look-up through the index costs)."""
    if reader.dialect == "postgresql":
        return False
    highest = reader.scalar(f"SELECT MAX(rowid) FROM {TABLE}", {})  # about the rows stored
    return highest is not None and int(highest) <= 2 * org_rows


def scanned(reader: Any, match: Any, org_id: int, microsite: str | None, *,
            months: tuple[str, str] | None = None, whole_table: bool = False) -> list[tuple[Any, ...]]:
    """The rows holding the text in an e-mail, name or post code, as `holding` gives them, from
    every row of the organisation (of `months`) with the text tested on each. `whole_table`:
    over all time, read the table in its order rather than through the organisation's index."""
    params: dict[str, Any] = {"org_id": org_id, **_month_params(months),
                              **{f"x_{kind}": match.needles.of(kind) for kind in match.kinds}}
    site = _microsite(microsite, params)
    if reader.dialect == "postgresql":
        source = f"{MONTH_TABLE if months else TABLE} o"
    elif months:
        source = f"{MONTH_TABLE} o INDEXED BY {MONTH_ORDER_INDEX}"
    else:
        source = f"{TABLE} o NOT INDEXED" if whole_table else f"{TABLE} o INDEXED BY {INDEX_OF['name']}"
    sql = (f"{_SUMS} FROM {source} WHERE o.org_id = :org_id AND {_holds(reader.dialect, match.kinds)}"
           f"{_MONTHS if months else ''}{site} {_GROUP}")
    return reader.all(sql, params)


_NOT_HOLDING = {
    "sqlite": "SELECT term FROM search_terms WHERE org_id = :org_id AND kind = :kind "
              "AND instr(term, :needle) = 0 LIMIT :cap",
    "postgresql": "SELECT term FROM search_terms WHERE org_id = :org_id AND kind = :kind "
                  "AND strpos(term, :needle) = 0 LIMIT :cap",
}


def terms_without(reader: Any, org_id: int, kind: str, needle: str, cap: int) -> list[str] | None:
    """The values of one kind that do not hold `needle`: its terms without it, and the empty
    value (no term); None when there are more than `cap`."""
    found = reader.all(_NOT_HOLDING[reader.dialect], {"org_id": org_id, "kind": kind, "needle": needle, "cap": cap + 1})
    return None if len(found) > cap else [row[0] for row in found] + [""]


class Lacking:
    """The rows of the orders that do not hold the text, found through the values of one
    kind that do not hold it (every such order has one of them)."""

    def __init__(self, reader: Any, match: Any, org_id: int, microsite: str | None, kind: str,
                 terms: list[str]) -> None:
        self.kind, self.terms = kind, terms
        self._reader = reader
        self._params: dict[str, Any] = {"org_id": org_id, "lacking": as_parameter(reader, terms)}
        self._where = _microsite(microsite, self._params)
        if match.kinds:
            self._where += f" AND NOT {_holds(reader.dialect, match.kinds)}"
            self._params.update({f"x_{k}": match.needles.of(k) for k in match.kinds})
        self._rows: list[tuple[Any, ...]] | None = None
        self._values: dict[str, list[str]] | None = None
        self._narrowest: tuple[str, list[str]] | None = None

    def _select(self, columns: str) -> str:
        return _branch(self._reader.dialect, self.kind, "lacking", columns) + self._where

    def count(self, limit: int) -> int:
        """Rows holding one of the terms (whether they hold the text or not), counted up to `limit`."""
        sql = f"SELECT COUNT(*) FROM ({_branch(self._reader.dialect, self.kind, 'lacking', '1')} LIMIT :probe) AS c"
        return int(self._reader.scalar(sql, {"org_id": self._params["org_id"], "lacking": self._params["lacking"],
                                             "probe": limit}))

    def rows(self) -> list[tuple[Any, ...]]:
        """The lacking rows, grouped as `holding` gives them."""
        self._read()
        assert self._rows is not None
        return self._rows

    def values(self) -> dict[str, list[str]]:
        """The e-mails, name keys and post-code keys of the orders lacking the text."""
        self._read()
        assert self._values is not None
        return self._values

    def _read(self) -> None:
        """rows() and values() from one read: the lacking rows are few (see TALLY_ROWS)."""
        if self._rows is not None:
            return
        columns = ", ".join(f"o.{column}" for _, column in text_search.KINDS)
        found = self._reader.all(self._select(f"{columns}, o.status, o.payment_status, o.order_type, o.high_risk, o.n"),
                                 self._params)
        groups: dict[tuple[Any, ...], int] = {}
        for row in found:
            groups[row[3:7]] = groups.get(row[3:7], 0) + row[7]
        self._rows = [(*key, n) for key, n in groups.items()]
        self._values = {kind: sorted({row[i] for row in found}) for i, (kind, _) in enumerate(text_search.KINDS)}

    def narrowest(self) -> tuple[str, list[str]] | None:
        """The kind and values of values() whose orders are fewest (a superset of those
        lacking the text, read through that kind's index); None when no order lacks it."""
        values = self.values()
        if self._narrowest is None and any(values.values()):
            sizes = orders_with(self._reader, self._params["org_id"], values)
            kind = min(values, key=lambda k: (sizes[k], k))
            self._narrowest = (kind, values[kind])
        return self._narrowest


def orders_with(reader: Any, org_id: int, values: dict[str, list[str]]) -> dict[str, int]:
    """For each kind, how many orders of the organisation hold one of its `values`."""
    parts = [f"SELECT '{kind}', COALESCE(SUM(n), 0) FROM ({_branch(reader.dialect, kind, f'v_{kind}', 'o.n')}) AS o"
             for kind in values]
    params: dict[str, Any] = {"org_id": org_id, **{f"v_{kind}": as_parameter(reader, found)
                                                   for kind, found in values.items()}}
    return {kind: int(n) for kind, n in reader.all(" UNION ALL ".join(parts), params)}


__all__ = [
    "ADD_SQL",
    "KEY",
    "Lacking",
    "MONTH_KEY",
    "MONTH_TABLE",
    "MONTH_TRIGGERS_OF",
    "TABLE",
    "TRIGGERS",
    "add_rows",
    "as_parameter",
    "count_holding",
    "count_rows",
    "create_triggers",
    "drop_function",
    "drop_triggers",
    "holding",
    "orders_with",
    "rebuild",
    "scanned",
    "terms_without",
    "whole_table_pays",
]
