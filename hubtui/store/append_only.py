"""The activity log and the refusals are append-only (SPEC 8): the store itself refuses an
UPDATE or DELETE of their rows, whatever code or tool sends it."""

from __future__ import annotations

from sqlalchemy import Connection

TABLES = ("activity", "refusals")
MESSAGE = "the activity log is append-only"


def _trigger(table: str, event: str) -> str:
    return f"{table}_no_{event.lower()}"


def create(bind: Connection) -> None:
    if bind.dialect.name == "sqlite":
        for table in TABLES:
            for event in ("UPDATE", "DELETE"):
                bind.exec_driver_sql(
                    f"CREATE TRIGGER {_trigger(table, event)} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )
        return
    bind.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION hubtui_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql"
    )
    for table in TABLES:
        bind.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION hubtui_append_only()"
        )
        bind.exec_driver_sql(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hubtui_append_only()"
        )


def drop(bind: Connection) -> None:
    if bind.dialect.name == "sqlite":
        for table in TABLES:
            for event in ("UPDATE", "DELETE"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_trigger(table, event)}")
        return
    for table in TABLES:
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS hubtui_append_only()")


def trigger_names(dialect: str) -> list[str]:
    """The triggers create() makes, for checks of a database's completeness."""
    if dialect == "sqlite":
        return [_trigger(t, e) for t in TABLES for e in ("UPDATE", "DELETE")]
    return [f"{t}_{kind}" for t in TABLES for kind in ("append_only", "no_truncate")]
