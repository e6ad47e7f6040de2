"""Free-text search of the order list: the search-terms table, its triggers and its look-ups.

The "/" filter bar looks for a piece of text inside an e-mail, a customer name or a post
code, and at the start of an order number. `LIKE '%x%'` over the orders scans them all, so
the store keeps the distinct values of the three searched columns per organisation in
`search_terms` (a few thousand rows where orders run to millions):

- kind `email`: `orders.customer_email` (stored lower-cased),
- kind `name`: `orders.customer_name_key` ("first last", lower-cased),
- kind `postcode`: `orders.shipping_postcode_key` (upper-cased, without spaces).

Each term is stored exactly as the orders column holds it, so the terms a text matches
select orders by `customer_email IN (...)` etc. through the existing indexes. On SQLite an
FTS5 trigram index (`search_terms_fts`, an external-content table over `search_terms`)
finds the terms containing a text of three or more characters; shorter texts (below the
trigram size) and PostgreSQL read the organisation's terms of one kind with `instr` /
`strpos`, which is cheap because terms are few.

Triggers on orders keep the terms current for every write path. Bulk loads drop them,
then fill the table once (`fill`). On SQLite, where writers are serialised, a term no
order uses any more is deleted with its last order; on PostgreSQL it is left behind (two
concurrent transactions could otherwise delete a term the other one has just started
using): a stale term matches no order, so it costs a look-up, never a wrong result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# kind -> the orders column whose values are the terms of that kind
KINDS = (("email", "customer_email"), ("name", "customer_name_key"), ("postcode", "shipping_postcode_key"))
COLUMN_OF = dict(KINDS)
# kind -> the orders index (org_id, column, placed_at, id) that covers it
INDEX_OF = {"email": "ix_orders_org_email", "name": "ix_orders_org_name", "postcode": "ix_orders_org_postcode"}
FTS_TABLE = "search_terms_fts"
# FTS5 keeps the index of an external-content table in these shadow tables.
FTS_TABLES = frozenset({FTS_TABLE} | {f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config", "content")})
TRIGRAM = 3
TERM_TRIGGERS = ("orders_terms_insert", "orders_terms_update", "orders_terms_delete")
FTS_TRIGGERS = ("search_terms_fts_insert", "search_terms_fts_delete")


def is_fts_table(name: str | None) -> bool:
    return name in FTS_TABLES


# --- schema ---------------------------------------------------------------------------------

_SQLITE_FTS = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(term, content='search_terms', content_rowid='id', "
    "tokenize='trigram')"
)

_SQLITE_FTS_TRIGGERS = {
    "search_terms_fts_insert": f"""
CREATE TRIGGER search_terms_fts_insert AFTER INSERT ON search_terms BEGIN
  INSERT INTO {FTS_TABLE} (rowid, term) VALUES (NEW.id, NEW.term);
END""",
    "search_terms_fts_delete": f"""
CREATE TRIGGER search_terms_fts_delete AFTER DELETE ON search_terms BEGIN
  INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, term) VALUES ('delete', OLD.id, OLD.term);
END""",
}


def _sqlite_add_new() -> str:
    parts = " UNION ALL ".join(
        f"SELECT NEW.org_id, '{kind}', NEW.{column} WHERE NEW.{column} <> ''" for kind, column in KINDS
    )
    return f"  INSERT OR IGNORE INTO search_terms (org_id, kind, term) {parts};\n"


def _sqlite_drop_old(changed_only: bool) -> str:
    statements = []
    for kind, column in KINDS:
        changed = f" AND (OLD.org_id IS NOT NEW.org_id OR OLD.{column} IS NOT NEW.{column})" if changed_only else ""
        statements.append(
            f"  DELETE FROM search_terms WHERE org_id = OLD.org_id AND kind = '{kind}'\n"
            f"    AND term = OLD.{column}{changed}\n"
            f"    AND NOT EXISTS (SELECT 1 FROM orders WHERE org_id = OLD.org_id AND {column} = OLD.{column});\n"
        )
    return "".join(statements)


_COLUMNS = ", ".join(column for _, column in KINDS)
_SQLITE_TERM_TRIGGERS = {
    "orders_terms_insert": "CREATE TRIGGER orders_terms_insert AFTER INSERT ON orders BEGIN\n"
    + _sqlite_add_new() + "END",
    "orders_terms_update": f"CREATE TRIGGER orders_terms_update AFTER UPDATE OF org_id, {_COLUMNS} ON orders\n"
    "WHEN OLD.org_id IS NOT NEW.org_id OR "
    + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for _, c in KINDS)
    + "\nBEGIN\n" + _sqlite_add_new() + _sqlite_drop_old(changed_only=True) + "END",
    "orders_terms_delete": "CREATE TRIGGER orders_terms_delete AFTER DELETE ON orders BEGIN\n"
    + _sqlite_drop_old(changed_only=False) + "END",
}

_POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION orders_search_terms() RETURNS trigger AS $$\nBEGIN\n"
    "  INSERT INTO search_terms (org_id, kind, term)\n"
    "  SELECT NEW.org_id, v.kind, v.term FROM (VALUES "
    + ", ".join(f"('{kind}', NEW.{column})" for kind, column in KINDS)
    + ") AS v (kind, term)\n  WHERE v.term <> '' ON CONFLICT DO NOTHING;\n"
    "  RETURN NULL;\nEND $$ LANGUAGE plpgsql"
)
_POSTGRES_TRIGGERS = {
    "orders_terms_insert": "CREATE TRIGGER orders_terms_insert AFTER INSERT ON orders "
    "FOR EACH ROW EXECUTE FUNCTION orders_search_terms()",
    "orders_terms_update": f"CREATE TRIGGER orders_terms_update AFTER UPDATE OF org_id, {_COLUMNS} ON orders "
    "FOR EACH ROW WHEN (ROW(OLD.org_id, " + ", ".join(f"OLD.{c}" for _, c in KINDS)
    + ") IS DISTINCT FROM ROW(NEW.org_id, " + ", ".join(f"NEW.{c}" for _, c in KINDS)
    + ")) EXECUTE FUNCTION orders_search_terms()",
}


# The terms of the orders with an id above :after, in one statement (store.order_upkeep, SQLite).
ADD_AFTER_SQL = "INSERT OR IGNORE INTO search_terms (org_id, kind, term) " + " UNION ".join(
    f"SELECT org_id, '{kind}', {column} FROM orders WHERE id > :after AND {column} <> ''" for kind, column in KINDS)


def _execute(connection: Any, sql: str) -> None:
    connection.exec_driver_sql(sql)


def _postgres(connection: Any) -> bool:
    return connection.dialect.name == "postgresql"


def create_fts(connection: Any) -> None:
    """The trigram index over search_terms (SQLite only; fill() builds its content)."""
    if not _postgres(connection):
        _execute(connection, _SQLITE_FTS)


def drop_fts(connection: Any) -> None:
    if not _postgres(connection):
        drop_fts_triggers(connection)
        _execute(connection, f"DROP TABLE IF EXISTS {FTS_TABLE}")


def create_fts_triggers(connection: Any) -> None:
    if not _postgres(connection):
        for sql in _SQLITE_FTS_TRIGGERS.values():
            _execute(connection, sql)


def drop_fts_triggers(connection: Any) -> None:
    if not _postgres(connection):
        for name in FTS_TRIGGERS:
            _execute(connection, f"DROP TRIGGER IF EXISTS {name}")


def create_triggers(connection: Any) -> None:
    """The triggers on orders that add (and on SQLite retire) terms."""
    if _postgres(connection):
        _execute(connection, _POSTGRES_FUNCTION)
        for sql in _POSTGRES_TRIGGERS.values():
            _execute(connection, sql)
    else:
        for sql in _SQLITE_TERM_TRIGGERS.values():
            _execute(connection, sql)


def drop_triggers(connection: Any) -> None:
    suffix = " ON orders" if _postgres(connection) else ""
    for name in TERM_TRIGGERS:
        _execute(connection, f"DROP TRIGGER IF EXISTS {name}{suffix}")


def fill(connection: Any) -> None:
    """Add the terms of every order (after a bulk load or an upgrade), then rebuild the index.

    Expects the FTS triggers to be dropped (bulk load) or absent (upgrade): one rebuild of
    the trigram index costs far less than one index update per new term.
    """
    postgres = _postgres(connection)
    conflict = " ON CONFLICT DO NOTHING" if postgres else ""
    verb = "INSERT INTO" if postgres else "INSERT OR IGNORE INTO"
    for kind, column in KINDS:
        # DISTINCT over (org_id, column) reads the covering index of the kind, in order; left to
        # itself SQLite walked another index and read every row (2.7 s instead of 0.13 s at 1M).
        source = "orders" if postgres else f"orders INDEXED BY {INDEX_OF[kind]}"
        _execute(
            connection,
            f"{verb} search_terms (org_id, kind, term) SELECT DISTINCT org_id, '{kind}', {column} "
            f"FROM {source} WHERE {column} <> ''{conflict}",
        )
    if not _postgres(connection):
        _execute(connection, f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")


# --- what a text means ----------------------------------------------------------------------

_NUMBER = re.compile(r"(BT)?([0-9]{0,7})", re.ASCII)
_DIGITS = 7


@dataclass(frozen=True)
class Needles:
    """A filter-bar text in the spelling of each searched column."""

    email: str  # trimmed, lower-cased: e-mails are stored lower-cased
    name: str  # lower-cased, runs of spaces made one, like customer_name_key
    postcode: str  # upper-cased without spaces, like shipping_postcode_key
    numbers: tuple[tuple[str, str], ...]  # inclusive [low, high] ranges of order numbers

    def of(self, kind: str) -> str:
        return getattr(self, kind)

    @property
    def empty(self) -> bool:
        return not (self.email or self.name or self.postcode or self.numbers)


def number_ranges(text: str) -> tuple[tuple[str, str], ...]:
    """The order numbers a text can be the start of, as inclusive ranges on the number.

    `BT0012` or `0012` (digits with their leading zeros): numbers starting `BT0012`.
    `12345` or `BT12345` (no leading zero): numbers whose value starts with those digits,
    as people read them: BT0012345, BT0123450-9, BT1234500-99. `BT` alone: every number.
    Anything else: no number. At most seven ranges, each a range scan of the unique index.
    """
    squashed = "".join(text.split()).upper()
    match = _NUMBER.fullmatch(squashed)
    if match is None or not squashed:
        return ()
    digits = match[2]
    if not digits:
        return (("BT", "BT" + "9" * _DIGITS),) if match[1] else ()
    if digits.startswith("0"):
        low = digits.ljust(_DIGITS, "0")
        high = digits.ljust(_DIGITS, "9")
        return ((f"BT{low}", f"BT{high}"),)
    value = int(digits)
    ranges = []
    for extra in range(_DIGITS - len(digits) + 1):
        low, high = value * 10**extra, (value + 1) * 10**extra - 1
        ranges.append((f"BT{low:0{_DIGITS}d}", f"BT{high:0{_DIGITS}d}"))
    return tuple(ranges)


def needles(text: str | None) -> Needles:
    text = text or ""
    return Needles(
        email=text.strip().lower(),
        name=" ".join(text.lower().split()),
        postcode="".join(text.split()).upper(),
        numbers=number_ranges(text),
    )


def fts_phrase(needle: str) -> str:
    """A MATCH expression for a literal substring: one phrase, embedded quotes doubled."""
    return '"' + needle.replace('"', '""') + '"'


# --- look-ups -------------------------------------------------------------------------------

# CROSS JOIN keeps the FTS query the outer loop: joined the other way round, SQLite runs
# the MATCH once per term of the organisation (5 ms instead of 0.2 ms at 300 terms).
_SQLITE_FTS_LOOKUP = (
    f"SELECT t.term FROM {FTS_TABLE} f CROSS JOIN search_terms t ON t.id = f.rowid "
    f"WHERE {FTS_TABLE} MATCH :phrase AND t.org_id = :org_id AND t.kind = :kind "
    "AND instr(t.term, :needle) > 0 LIMIT :cap"
)
_SQLITE_SCAN_LOOKUP = (
    "SELECT term FROM search_terms WHERE org_id = :org_id AND kind = :kind AND instr(term, :needle) > 0 LIMIT :cap"
)
_POSTGRES_LOOKUP = (
    "SELECT term FROM search_terms WHERE org_id = :org_id AND kind = :kind AND strpos(term, :needle) > 0 LIMIT :cap"
)


def lookup_sql(dialect: str, needle: str) -> str:
    if dialect == "postgresql":
        return _POSTGRES_LOOKUP
    # FTS5 reads a MATCH expression as a C string: a NUL (pasted into the filter bar) would end
    # the phrase mid-way, "unterminated string". instr takes it as it is.
    return _SQLITE_FTS_LOOKUP if len(needle) >= TRIGRAM and "\x00" not in needle else _SQLITE_SCAN_LOOKUP


def matching_terms(reader: Any, org_id: int, kind: str, needle: str, cap: int) -> tuple[str, ...] | None:
    """The terms of one kind that contain `needle`, or None when there are more than `cap`.

    `reader` is an engine.RawRead (a DBAPI cursor in a read transaction; `:name` parameters).
    """
    if not needle:
        return ()
    params = {"org_id": org_id, "kind": kind, "needle": needle, "cap": cap + 1, "phrase": fts_phrase(needle)}
    found = tuple(row[0] for row in reader.all(lookup_sql(reader.dialect, needle), params))
    return None if len(found) > cap else found
