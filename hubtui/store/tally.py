"""Order tallies: counts per (org, microsite, status, payment status, type, risk).

Kept by triggers so every write path (services, imports, hand-written SQL) keeps them
right. Bulk loads drop the triggers, insert, then rebuild the tallies in one GROUP BY.
"""

from __future__ import annotations

from sqlalchemy import Connection

from hubtui.domain.orders import HIGH_RISK_SCORE

KEY = "org_id, microsite_id, status, payment_status, order_type, high_risk"
HIGH_RISK = HIGH_RISK_SCORE  # the domain's threshold, spelled into the triggers' SQL

_SQLITE_TRIGGERS = {
    "orders_tally_insert": f"""
CREATE TRIGGER orders_tally_insert AFTER INSERT ON orders BEGIN
  INSERT INTO order_tallies ({KEY}, n)
  VALUES (NEW.org_id, NEW.microsite_id, NEW.status, NEW.payment_status, NEW.order_type,
          NEW.fraud_score >= {HIGH_RISK}, 1)
  ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
END""",
    "orders_tally_update": f"""
CREATE TRIGGER orders_tally_update
AFTER UPDATE OF org_id, microsite_id, status, payment_status, order_type, fraud_score ON orders
WHEN OLD.org_id IS NOT NEW.org_id OR OLD.microsite_id IS NOT NEW.microsite_id
  OR OLD.status IS NOT NEW.status OR OLD.payment_status IS NOT NEW.payment_status
  OR OLD.order_type IS NOT NEW.order_type
  OR (OLD.fraud_score >= {HIGH_RISK}) IS NOT (NEW.fraud_score >= {HIGH_RISK})
BEGIN
  UPDATE order_tallies SET n = n - 1
   WHERE org_id = OLD.org_id AND microsite_id = OLD.microsite_id AND status = OLD.status
     AND payment_status = OLD.payment_status AND order_type = OLD.order_type
     AND high_risk = (OLD.fraud_score >= {HIGH_RISK});
  INSERT INTO order_tallies ({KEY}, n)
  VALUES (NEW.org_id, NEW.microsite_id, NEW.status, NEW.payment_status, NEW.order_type,
          NEW.fraud_score >= {HIGH_RISK}, 1)
  ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
END""",
    "orders_tally_delete": f"""
CREATE TRIGGER orders_tally_delete AFTER DELETE ON orders BEGIN
  UPDATE order_tallies SET n = n - 1
   WHERE org_id = OLD.org_id AND microsite_id = OLD.microsite_id AND status = OLD.status
     AND payment_status = OLD.payment_status AND order_type = OLD.order_type
     AND high_risk = (OLD.fraud_score >= {HIGH_RISK});
END""",
}

_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION orders_tally() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE order_tallies SET n = n - 1
     WHERE org_id = OLD.org_id AND microsite_id = OLD.microsite_id AND status = OLD.status
       AND payment_status = OLD.payment_status AND order_type = OLD.order_type
       AND high_risk = (OLD.fraud_score >= {HIGH_RISK});
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO order_tallies ({KEY}, n)
    VALUES (NEW.org_id, NEW.microsite_id, NEW.status, NEW.payment_status, NEW.order_type,
            NEW.fraud_score >= {HIGH_RISK}, 1)
    ON CONFLICT ({KEY}) DO UPDATE SET n = order_tallies.n + 1;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql"""

_POSTGRES_TRIGGERS = {
    "orders_tally_insert": "CREATE TRIGGER orders_tally_insert AFTER INSERT ON orders "
    "FOR EACH ROW EXECUTE FUNCTION orders_tally()",
    "orders_tally_update": "CREATE TRIGGER orders_tally_update AFTER UPDATE OF org_id, "
    "microsite_id, status, payment_status, order_type, fraud_score ON orders FOR EACH ROW "
    "WHEN (ROW(OLD.org_id, OLD.microsite_id, OLD.status, OLD.payment_status, OLD.order_type, "
    f"OLD.fraud_score >= {HIGH_RISK}) IS DISTINCT FROM ROW(NEW.org_id, NEW.microsite_id, "
    f"NEW.status, NEW.payment_status, NEW.order_type, NEW.fraud_score >= {HIGH_RISK})) "
    "EXECUTE FUNCTION orders_tally()",
    "orders_tally_delete": "CREATE TRIGGER orders_tally_delete AFTER DELETE ON orders "
    "FOR EACH ROW EXECUTE FUNCTION orders_tally()",
}


def create_triggers(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_POSTGRES_FUNCTION)
        for sql in _POSTGRES_TRIGGERS.values():
            connection.exec_driver_sql(sql)
    else:
        for sql in _SQLITE_TRIGGERS.values():
            connection.exec_driver_sql(sql)


def drop_triggers(connection: Connection) -> None:
    suffix = " ON orders" if connection.dialect.name == "postgresql" else ""
    for name in _SQLITE_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{suffix}")


def rebuild(connection: Connection) -> None:
    """Recount every tally from the orders table (after a bulk load)."""
    connection.exec_driver_sql("DELETE FROM order_tallies")
    connection.exec_driver_sql(
        f"INSERT INTO order_tallies ({KEY}, n) "
        "SELECT org_id, microsite_id, status, payment_status, order_type, "
        f"fraud_score >= {HIGH_RISK}, COUNT(*) FROM orders "
        "GROUP BY org_id, microsite_id, status, payment_status, order_type, "
        f"fraud_score >= {HIGH_RISK}"
    )


# The orders with an id above :after, counted in one statement (store.order_upkeep).
ADD_AFTER_SQL = (
    f"INSERT INTO order_tallies ({KEY}, n) "
    "SELECT org_id, microsite_id, status, payment_status, order_type, "
    f"fraud_score >= {HIGH_RISK}, COUNT(*) FROM orders WHERE id > :after "
    "GROUP BY org_id, microsite_id, status, payment_status, order_type, "
    f"fraud_score >= {HIGH_RISK} ON CONFLICT ({KEY}) DO UPDATE SET n = order_tallies.n + excluded.n"
)

ADD_SQL = (
    f"INSERT INTO order_tallies ({KEY}, n) VALUES (:org_id, :microsite_id, :status, :payment_status, "
    f":order_type, :high_risk, :n) ON CONFLICT ({KEY}) DO UPDATE SET n = order_tallies.n + excluded.n"
)


def add_rows(counts: dict[tuple[int, int, str, str, str, bool], int]) -> list[dict[str, object]]:
    """Counts made while loading, as parameters for ADD_SQL (cheaper than a rebuild)."""
    names = ("org_id", "microsite_id", "status", "payment_status", "order_type", "high_risk")
    return [{**dict(zip(names, key)), "n": n} for key, n in counts.items()]
