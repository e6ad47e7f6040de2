"""Finding customers by any part of their e-mail, phone digits, name or company name.

The new-order wizard first lists customers whose details start with what the agent typed
(index ranges, see services/catalogue.py); this module finds the others, whose details
merely contain it, without reading every customer:

- SQLite: `customers_fts`, an FTS5 trigram table with one row per customer (rowid = the
  customer's id) holding its e-mail, phone_key, first and last name keys and its company's
  name key. Triggers on customers keep it current, and one on companies carries a renamed
  company to its contacts. The table keeps its own copy of the values (12 MiB at 200k
  customers, beside 32 MiB of index) rather than reading them from customers: a
  delete then needs only the rowid, where an external-content table must be handed the
  exact old values, and one slip there corrupts the index for good.
- PostgreSQL: a pg_trgm GIN index over the four customer columns joined with spaces; a
  LIKE '%x%' on that expression reads it. Company names are not in it (an index cannot
  reach into another table): the few companies holding a word are found in the small
  companies table first and their contacts through ix_customers_company. Without the
  extension (not installed, or no right to create it) the migration leaves the index out
  and the same statement is answered by a scan of the customers (newest first, ending at
  `cap` matches when the planner sees many): slower, the same answers, nothing to switch.

A text is a list of needle groups: every group must occur somewhere in the customer's
values, and a group is satisfied by any of its alternatives (a typed phone number is its
digits or the text as typed). Needles never hold whitespace, so a match cannot straddle two
values joined with a space. A trigram index cannot answer a needle shorter than three
characters; such groups are only checked on the rows the longer ones found, and a text
made only of them is not searched here at all.

Bulk loads drop the SQLite triggers and rebuild the table once at the end (`rebuild`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

FTS_TABLE = "customers_fts"
# FTS5 keeps the index of a table in these shadow tables.
FTS_TABLES = frozenset({FTS_TABLE} | {f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config", "content")})
TRGM_INDEX = "ix_customers_search_trgm"
TRIGRAM = 3
TRIGGERS = (("customers_fts_insert", "customers"), ("customers_fts_update", "customers"),
            ("customers_fts_delete", "customers"), ("companies_fts_rename", "companies"))

Groups = Sequence[Sequence[str]]


def is_fts_table(name: str | None) -> bool:
    return name in FTS_TABLES


def is_search_index(name: str | None) -> bool:
    return name == TRGM_INDEX


# --- schema ---------------------------------------------------------------------------------

_COLUMNS = "email, phone, first_name, last_name, company"
_SQLITE_FTS = f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_COLUMNS}, tokenize='trigram')"
_COMPANY_OF_NEW = "COALESCE((SELECT name_key FROM companies WHERE id = NEW.company_id), '')"
_INSERT_NEW = (
    f"  INSERT INTO {FTS_TABLE} (rowid, {_COLUMNS})\n"
    f"  VALUES (NEW.id, NEW.email, NEW.phone_key, NEW.first_name_key, NEW.last_name_key, {_COMPANY_OF_NEW});\n"
)
_INDEXED = ("id", "email", "phone_key", "first_name_key", "last_name_key", "company_id")
_SQLITE_TRIGGERS = {
    "customers_fts_insert": f"CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN\n{_INSERT_NEW}END",
    # Only the indexed columns: an address change leaves the index alone.
    "customers_fts_update": f"CREATE TRIGGER customers_fts_update AFTER UPDATE OF {', '.join(_INDEXED)} ON customers\n"
    "WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _INDEXED) + "\nBEGIN\n"
    f"  DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id;\n{_INSERT_NEW}END",
    "customers_fts_delete": "CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN\n"
    f"  DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id;\nEND",
    "companies_fts_rename": "CREATE TRIGGER companies_fts_rename AFTER UPDATE OF name_key ON companies\n"
    "WHEN OLD.name_key IS NOT NEW.name_key BEGIN\n"
    f"  UPDATE {FTS_TABLE} SET company = NEW.name_key\n"
    "    WHERE rowid IN (SELECT id FROM customers WHERE company_id = NEW.id);\n"
    "END",
}
_SQLITE_FILL = (
    f"INSERT INTO {FTS_TABLE} (rowid, {_COLUMNS}) "
    "SELECT c.id, c.email, c.phone_key, c.first_name_key, c.last_name_key, COALESCE(co.name_key, '') "
    "FROM customers c LEFT JOIN companies co ON co.id = c.company_id ORDER BY c.id"
)

# The GIN index's expression: a look-up must spell it exactly for PostgreSQL to use the index.
_PG_VALUES = "(c.email || ' ' || c.phone_key || ' ' || c.first_name_key || ' ' || c.last_name_key)"
_PG_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON customers USING gin "
    "((email || ' ' || phone_key || ' ' || first_name_key || ' ' || last_name_key) gin_trgm_ops)"
)


def _execute(connection: Any, sql: str) -> None:
    connection.exec_driver_sql(sql)


def _postgres(connection: Any) -> bool:
    return connection.dialect.name == "postgresql"


def create(connection: Any) -> bool:
    """The index (filled from the customers stored so far) and, on SQLite, its triggers.

    On PostgreSQL, False when pg_trgm could not be created: look-ups then scan (see above).
    `connection` is a SQLAlchemy connection in a transaction (a migration's).
    """
    if not _postgres(connection):
        rebuild(connection)
        create_triggers(connection)
        return True
    try:
        # A failed CREATE EXTENSION aborts a PostgreSQL transaction: keep it to a savepoint.
        with connection.begin_nested():
            _execute(connection, "CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError:  # any refusal (no privilege, extension not shipped) means "no index"
        return False
    _execute(connection, _PG_INDEX)
    return True


def drop(connection: Any) -> None:
    if _postgres(connection):
        _execute(connection, f"DROP INDEX IF EXISTS {TRGM_INDEX}")  # the extension may serve others: kept
        return
    drop_triggers(connection)
    _execute(connection, f"DROP TABLE IF EXISTS {FTS_TABLE}")


def rebuild(connection: Any) -> None:
    """SQLite: the trigram table made afresh from customers and companies (expects the
    triggers dropped or absent). Dropping it is far quicker than deleting 200k rows' trigrams."""
    if _postgres(connection):
        return
    _execute(connection, f"DROP TABLE IF EXISTS {FTS_TABLE}")
    _execute(connection, _SQLITE_FTS)
    _execute(connection, _SQLITE_FILL)
    # One merged b-tree instead of the segments a mass insert leaves: a long text (eight
    # trigrams) then reads in 1 ms instead of 2.3 ms at 200k customers, for 1 s once here.
    _execute(connection, f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")


def create_triggers(connection: Any) -> None:
    if not _postgres(connection):
        for sql in _SQLITE_TRIGGERS.values():
            _execute(connection, sql)


def drop_triggers(connection: Any) -> None:
    if not _postgres(connection):
        for name, _table in TRIGGERS:
            _execute(connection, f"DROP TRIGGER IF EXISTS {name}")


# --- look-ups -------------------------------------------------------------------------------


def fts_phrase(needle: str) -> str:
    """A MATCH expression for a literal substring: one phrase, embedded quotes doubled."""
    return '"' + needle.replace('"', '""') + '"'


def like_pattern(needle: str) -> str:
    """LIKE '%needle%' with the needle's own %, _ and escape character taken literally."""
    return "%" + needle.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _indexable(group: Sequence[str]) -> bool:
    # FTS5 reads a MATCH expression as a C string: a NUL would end the phrase mid-way.
    return all(len(needle) >= TRIGRAM and "\x00" not in needle for needle in group)


def _holds(function: str, needle: str, values: Sequence[str]) -> str:
    return " OR ".join(f"{function}({value}, {needle}) > 0" for value in values)


_SQLITE_VALUES = ("c.email", "c.phone_key", "c.first_name_key", "c.last_name_key", "COALESCE(co.name_key, '')")


def _sqlite_sql(groups: Groups, params: dict[str, Any]) -> str:
    """FROM and WHERE of the SQLite look-up; fills `params`."""
    match = []
    checks = []
    for g, group in enumerate(groups):
        names = [f"n{g}_{a}" for a in range(len(group))]
        params.update(zip(names, group))
        if _indexable(group):
            match.append("(" + " OR ".join(fts_phrase(needle) for needle in group) + ")")
        # Checked on every row too: a needle under three characters is not in the MATCH, and
        # the tokenizer folds case its own way where the stored keys were lower-cased by Python.
        checks.append("(" + " OR ".join(_holds("instr", f":{n}", _SQLITE_VALUES) for n in names) + ")")
    params["match"] = " AND ".join(match)
    # CROSS JOIN keeps the trigram table the outer loop, read newest first, so LIMIT stops it
    # early; the companies join reads the real name, so a stale index can only miss.
    return (
        f"FROM {FTS_TABLE} f CROSS JOIN customers c ON c.id = f.rowid "
        "LEFT JOIN companies co ON co.id = c.company_id "
        f"WHERE {FTS_TABLE} MATCH :match AND c.org_id = :org_id AND " + " AND ".join(checks)
    )


def _company_ids(session: Any, org_id: int, group: Sequence[str]) -> list[int]:
    sql = "SELECT id FROM companies WHERE org_id = :org_id AND (" + " OR ".join(
        f"strpos(name_key, :n{a}) > 0" for a in range(len(group))) + ")"
    params = {"org_id": org_id, **{f"n{a}": needle for a, needle in enumerate(group)}}
    return [row[0] for row in session.execute(text(sql), params)]


def _postgres_sql(session: Any, org_id: int, groups: Groups, params: dict[str, Any]) -> str:
    """FROM and WHERE of the PostgreSQL look-up; fills `params`."""
    conditions = []
    for g, group in enumerate(groups):
        alternatives = []
        for a, needle in enumerate(group):
            name = f"n{g}_{a}"
            if len(needle) >= TRIGRAM:
                params[name] = like_pattern(needle)
                alternatives.append(f"{_PG_VALUES} LIKE :{name} ESCAPE '!'")
            else:
                # strpos keeps a short needle out of the GIN index, which could only list every row.
                params[name] = needle
                alternatives.append(f"strpos({_PG_VALUES}, :{name}) > 0")
        companies = _company_ids(session, org_id, group)
        if companies:
            names = [f"co{g}_{i}" for i in range(len(companies))]
            params.update(zip(names, companies))
            alternatives.append(f"c.company_id IN ({', '.join(':' + n for n in names)})")
        conditions.append("(" + " OR ".join(alternatives) + ")")
    return "FROM customers c WHERE c.org_id = :org_id AND " + " AND ".join(conditions)


def containing(session: Any, org_id: int, groups: Groups, exclude: Sequence[int], cap: int, limit: int) -> list[int]:
    """Ids of the first `limit` by name of the newest `cap` customers of the organisation
    holding every group, leaving out `exclude` (those already found by prefix). [] when no
    group has three characters, which no index answers.

    `session` is a SQLAlchemy Session in a read transaction.
    """
    groups = [tuple(g) for g in groups if g]
    if limit <= 0 or not any(_indexable(g) for g in groups):
        return []
    params: dict[str, Any] = {"org_id": org_id, "cap": cap, "limit": limit}
    if session.get_bind().dialect.name == "postgresql":
        where = _postgres_sql(session, org_id, groups, params)
        newest = " ORDER BY c.id DESC"
    else:
        where = _sqlite_sql(groups, params)
        newest = " ORDER BY f.rowid DESC"
    if exclude:
        names = [f"x{i}" for i in range(len(exclude))]
        params.update(zip(names, exclude))
        where += f" AND c.id NOT IN ({', '.join(':' + n for n in names)})"
    # Names are sorted in the outer query, over the candidates alone.
    sql = (f"SELECT id FROM (SELECT c.id, c.last_name_key, c.first_name_key {where}{newest} LIMIT :cap) AS found "
           "ORDER BY last_name_key, first_name_key, id LIMIT :limit")
    return [row[0] for row in session.execute(text(sql), params)]
