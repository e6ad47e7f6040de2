"""`hubtui db check`: "ok" and exit 0 on a complete database; each problem on a line and exit 1."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from .helpers import assert_handled_error, db_url, invoke


def test_db_check_says_ok_on_a_demo_database(cli_demo_db: Path, env) -> None:
    ran = invoke(["db", "check", "--db", db_url(cli_demo_db)], env)
    assert ran.code == 0, ran.explain()
    assert ran.out_lines == ["ok"] and ran.err == ""


def test_db_check_lists_each_problem_and_exits_1(cli_demo_db: Path, env, hubtui) -> None:
    with closing(sqlite3.connect(cli_demo_db)) as con:
        highest_rma = int(con.execute("SELECT MAX(number) FROM returns").fetchone()[0][3:])
        con.executescript("""
            DROP INDEX ix_orders_org_status_placed;
            DROP TRIGGER orders_tally_update;
            DELETE FROM sequences;
        """)
    ran = hubtui("db", "check", "--db", db_url(cli_demo_db))
    assert_handled_error(ran, "the database is incomplete: 4 problems")
    assert ran.out_lines == [
        "missing index ix_orders_org_status_placed",
        "missing trigger orders_tally_update",
        "sequence order_number is at 0, behind the highest number used (300)",
        f"sequence rma_number is at 0, behind the highest number used ({highest_rma:,})",
    ]


def test_db_check_never_creates_a_database(tmp_path: Path, env) -> None:
    missing = tmp_path / "typo.db"
    assert_handled_error(invoke(["db", "check", "--db", db_url(missing)], env), "No database at")
    assert not missing.exists()
