"""Triggers on orders that keep a tally table current: one row per key, its order count.

A tally's key is a list of columns, each the value of an expression over the orders row
(NEW or OLD); the insert trigger adds one to the new row's key, the delete trigger takes
one from the old row's and deletes the row at zero (so a tally holds the combinations its
orders hold now), and the update trigger does both when the key changed. Used by
text_tally.py, day_tally.py and char_tally.py; order_tallies (tally.py) keeps its zero rows
and predates this.

A tally may count more than its orders (`counted`): each counted column adds up, for the
orders of its key, an expression of the row that is 0 or 1 (`measure`: "the order holds the
character w"). Its update trigger then also moves an order whose `measured_from` columns
changed, and `keep_zero` leaves rows at zero in place (one statement less per move; the rows
of a key come back, so they stay few).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (column, row "NEW" or "OLD", dialect) -> the SQL value of that key column for the row.
Expression = Callable[[str, str, str], str]


@dataclass(frozen=True)
class TallyTriggers:
    table: str
    function: str  # the PostgreSQL trigger function; the triggers are <function>_insert etc.
    key: tuple[str, ...]
    watched: tuple[str, ...]  # the orders columns an update must touch to move an order
    value: Expression
    counted: tuple[str, ...] = ()  # columns adding up `measure` over the key's orders
    measure: Expression | None = None  # (counted column, row, dialect) -> 0 or 1
    measured_from: tuple[str, ...] = ()  # the orders columns the measures read
    keep_zero: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"{self.function}_{event}" for event in ("insert", "update", "delete"))

    @property
    def _watched(self) -> tuple[str, ...]:
        return (*self.watched, *(c for c in self.measured_from if c not in self.watched))

    def _values(self, row: str, dialect: str) -> list[str]:
        return [self.value(column, row, dialect) for column in self.key]

    def _measures(self, row: str, dialect: str) -> list[str]:
        assert self.measure is not None or not self.counted
        return [self.measure(column, row, dialect) for column in self.counted]  # type: ignore[misc]

    def _columns(self) -> str:
        return ", ".join((*self.key, "n", *self.counted))

    def _summed(self) -> str:
        """The conflict clause's SET: each count plus the row's (`excluded`) count."""
        return ", ".join(f"{c} = {self.table}.{c} + excluded.{c}" for c in ("n", *self.counted))

    def _matches(self, row: str, dialect: str) -> str:
        return " AND ".join(f"{c} = {v}" for c, v in zip(self.key, self._values(row, dialect)))

    def _add(self, dialect: str) -> str:
        values = ", ".join((*self._values("NEW", dialect), "1", *self._measures("NEW", dialect)))
        if not self.counted:
            return (f"INSERT INTO {self.table} ({self._columns()}) VALUES ({values}) "
                    f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET n = {self.table}.n + 1;")
        return (f"INSERT INTO {self.table} ({self._columns()}) VALUES ({values}) "
                f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET {self._summed()};")

    def _remove(self, dialect: str) -> str:
        matches = self._matches("OLD", dialect)
        less = ", ".join(["n = n - 1", *(f"{c} = {c} - {m}" for c, m in zip(self.counted, self._measures("OLD", dialect)))])
        update = f"UPDATE {self.table} SET {less} WHERE {matches};"
        return update if self.keep_zero else f"{update}\n  DELETE FROM {self.table} WHERE {matches} AND n = 0;"

    def _sqlite(self) -> list[str]:
        insert, update, delete = self.names
        changed = " OR ".join(
            [f"({old}) IS NOT ({new})" for old, new in zip(self._values("OLD", "sqlite"), self._values("NEW", "sqlite"))]
            + [f"OLD.{c} IS NOT NEW.{c}" for c in self.measured_from]
        )
        return [
            f"CREATE TRIGGER {insert} AFTER INSERT ON orders BEGIN\n  {self._add('sqlite')}\nEND",
            f"CREATE TRIGGER {update} AFTER UPDATE OF {', '.join(self._watched)} ON orders\nWHEN {changed}\n"
            f"BEGIN\n  {self._remove('sqlite')}\n  {self._add('sqlite')}\nEND",
            f"CREATE TRIGGER {delete} AFTER DELETE ON orders BEGIN\n  {self._remove('sqlite')}\nEND",
        ]

    def _postgres(self) -> list[str]:
        # A concurrent insert into a row another transaction has just emptied and deleted
        # waits for it, then inserts afresh: INSERT ... ON CONFLICT guarantees one or the other.
        function = (f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger AS $$\nBEGIN\n"
                    f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n    {self._remove('postgresql')}\n  END IF;\n"
                    f"  IF TG_OP IN ('UPDATE', 'INSERT') THEN\n    {self._add('postgresql')}\n  END IF;\n"
                    "  RETURN NULL;\nEND $$ LANGUAGE plpgsql")
        insert, update, delete = self.names
        old = ", ".join([*self._values("OLD", "postgresql"), *(f"OLD.{c}" for c in self.measured_from)])
        new = ", ".join([*self._values("NEW", "postgresql"), *(f"NEW.{c}" for c in self.measured_from)])
        run = f"FOR EACH ROW EXECUTE FUNCTION {self.function}()"
        return [
            function,
            f"CREATE TRIGGER {insert} AFTER INSERT ON orders {run}",
            f"CREATE TRIGGER {update} AFTER UPDATE OF {', '.join(self._watched)} ON orders FOR EACH ROW "
            f"WHEN (ROW({old}) IS DISTINCT FROM ROW({new})) EXECUTE FUNCTION {self.function}()",
            f"CREATE TRIGGER {delete} AFTER DELETE ON orders {run}",
        ]

    def create(self, connection: Any) -> None:
        statements = self._postgres() if connection.dialect.name == "postgresql" else self._sqlite()
        for sql in statements:
            connection.exec_driver_sql(sql)

    def drop(self, connection: Any) -> None:
        suffix = " ON orders" if connection.dialect.name == "postgresql" else ""
        for name in self.names:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{suffix}")

    def drop_function(self, connection: Any) -> None:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {self.function}()")

    def rebuild(self, connection: Any) -> None:
        """Recount every row from the orders (an upgrade, or a bulk load that did not count)."""
        connection.exec_driver_sql(f"DELETE FROM {self.table}")
        connection.exec_driver_sql(f"INSERT INTO {self.table} ({self._columns()}) {self.counts_sql(connection.dialect.name)}")

    def counts_sql(self, dialect: str, where: str = "") -> str:
        """SELECT the tally's rows as counted from the orders (`where`: which of them): the key,
        n and each counted column, in the table's column order."""
        columns = ", ".join(self.value(c, "orders", dialect) for c in self.key)
        sums = "".join(f", SUM({m})" for m in self._measures("orders", dialect))
        return f"SELECT {columns}, COUNT(*){sums} FROM orders {where}GROUP BY {columns}"

    def add_after_sql(self, dialect: str) -> str:
        """The orders with an id above :after, counted into the tally in one statement."""
        return (f"INSERT INTO {self.table} ({self._columns()}) {self.counts_sql(dialect, 'WHERE orders.id > :after ')} "
                f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET {self._summed()}")

    def add_sql(self) -> str:
        """Counts made while loading: parameters named after the key columns, and n."""
        assert not self.counted, "a measured tally is counted from the orders (add_after_sql)"
        key = ", ".join(self.key)
        return (f"INSERT INTO {self.table} ({key}, n) VALUES ({', '.join(':' + c for c in self.key)}, :n) "
                f"ON CONFLICT ({key}) DO UPDATE SET n = {self.table}.n + excluded.n")
