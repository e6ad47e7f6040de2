"""`hubtui demo`, `hubtui db upgrade|info` and where the database URL comes from (SPEC 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hubtui.store.schema import head_revision
from hubtui.store import customer_search, text_search

from .conftest import CLI_DEMO_ORDERS, CLI_DEMO_SEED, CliDemo
from .helpers import (
    Ran,
    assert_handled_error,
    clean_env,
    db_url,
    finish,
    invoke,
    popen,
    query,
    scalar,
    snapshot,
)

DEMO_USERS = {"alice": "agent", "pete": "agent", "wendy": "warehouse", "sam": "supervisor", "admin": "admin"}
SUMMARY = re.compile(
    r"^Loaded 300 orders \([\d,]+ lines, [\d,]+ payments, [\d,]+ returns\), \d+ customers and \d+ products in [\d.]+ s\.$"
)
INFO_COUNT = re.compile(r"^\s+(\w+)\s+([\d,]+)$")


def _orders_fingerprint(path: Path) -> list[tuple[str, str, int]]:
    return [
        (row["org"], row["number"], row["order_total"])
        for row in query(
            path,
            "SELECT o.code AS org, r.number, r.order_total FROM orders r JOIN organisations o ON o.id = r.org_id "
            "ORDER BY r.number",
        )
    ]


def _all_counts(path: Path) -> dict[str, int]:
    tables = [row[0] for row in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: scalar(path, f'SELECT COUNT(*) FROM "{t}"') for t in tables}


def test_demo_fills_a_new_file_and_db_info_reports_it(cli_demo: CliDemo, tmp_path, hubtui):
    ran = cli_demo.ran
    assert ran.code == 0, ran.explain()
    assert "Traceback" not in ran.err
    assert SUMMARY.match(ran.out_lines[0]), ran.explain()
    users_line = ran.out_lines[1]
    assert users_line.startswith("Users: ")
    for name in DEMO_USERS:
        assert name in users_line

    # What the store holds, read directly.
    path = cli_demo.copy(tmp_path / "demo.db")
    assert scalar(path, "SELECT COUNT(*) FROM orders") == CLI_DEMO_ORDERS
    assert {r["code"] for r in query(path, "SELECT code FROM organisations")} == {"BTOOLS", "BFIX"}
    roles = {r["name"]: r["role"] for r in query(path, "SELECT name, role FROM users")}
    assert DEMO_USERS.items() <= roles.items()
    assert scalar(path, "SELECT version_num FROM alembic_version") == head_revision()

    info = hubtui("db", "info", "--db", db_url(path))
    assert info.code == 0, info.explain()
    assert info.err == ""
    text = info.out
    assert f"revision: {head_revision()} (up to date)" in text
    assert str(path) in text
    counts = {m[1]: int(m[2].replace(",", "")) for m in map(INFO_COUNT.match, info.out_lines) if m}
    assert counts["orders"] == CLI_DEMO_ORDERS
    assert counts["organisations"] == 2
    assert counts == {k: v for k, v in _all_counts(path).items() if k in counts}


def test_demo_refuses_a_database_that_holds_data(cli_demo: CliDemo, tmp_path, hubtui):
    path = cli_demo.copy(tmp_path / "demo.db")
    before = _all_counts(path)
    fingerprint = _orders_fingerprint(path)

    again = hubtui("demo", "--db", db_url(path), "--orders", "300", "--seed", str(CLI_DEMO_SEED))
    assert_handled_error(again, "already holds data")
    assert again.out == ""
    assert _all_counts(path) == before

    if_empty = hubtui("demo", "--db", db_url(path), "--orders", "300", "--if-empty")
    assert if_empty.code == 0, if_empty.explain()
    assert "nothing loaded" in if_empty.out
    assert "Loaded" not in if_empty.out
    assert _all_counts(path) == before
    assert _orders_fingerprint(path) == fingerprint


def test_demo_with_the_same_seed_gives_the_same_orders(cli_demo: CliDemo, tmp_path):
    """Two more databases, built side by side: seed 3 again, and seed 4."""
    same, other = tmp_path / "same-seed.db", tmp_path / "other-seed.db"
    env = clean_env(tmp_path)
    args_same = ["demo", "--db", db_url(same), "--orders", str(CLI_DEMO_ORDERS), "--seed", str(CLI_DEMO_SEED)]
    args_other = ["demo", "--db", db_url(other), "--orders", str(CLI_DEMO_ORDERS), "--seed", str(CLI_DEMO_SEED + 1)]
    children = [(popen(args_same, env), args_same), (popen(args_other, env), args_other)]
    for ran in [finish(child, args) for child, args in children]:
        assert ran.code == 0, ran.explain()

    reference = _orders_fingerprint(cli_demo.path)
    assert len(reference) == CLI_DEMO_ORDERS
    assert _orders_fingerprint(same) == reference
    different = _orders_fingerprint(other)
    assert len(different) == CLI_DEMO_ORDERS
    assert different != reference
    # Not just a shuffle of the same totals: the seed changes what is sold.
    assert sorted(t for _, _, t in different) != sorted(t for _, _, t in reference)


def test_db_upgrade_creates_the_schema_and_info_json_describes_it(tmp_path, hubtui, env):
    path = tmp_path / "sub" / "new.db"
    head = head_revision()

    upgraded = hubtui("db", "upgrade", "--db", db_url(path))
    assert upgraded.code == 0, upgraded.explain()
    assert upgraded.out_lines == [f"{db_url(path)} is at schema revision {head}."]
    assert path.exists()
    assert scalar(path, "SELECT version_num FROM alembic_version") == head
    tables = {r[0] for r in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"orders", "order_lines", "payments", "activity", "users", "organisations"} <= tables

    data = invoke(["db", "info", "--db", db_url(path), "--json"], env).json()
    assert data["revision"] == head
    assert data["head"] == head
    assert data["up_to_date"] is True
    assert data["dialect"] == "sqlite"
    assert data["url"] == db_url(path)
    assert isinstance(data["row_counts"], dict)
    assert data["row_counts"]["orders"] == 0
    # Every table but Alembic's own and the FTS5 indexes of the search terms and of the
    # customers (virtual tables and their shadow tables, which are not models).
    assert set(data["row_counts"]) == {t for t in tables - {"alembic_version"}
                                       if not (text_search.is_fts_table(t) or customer_search.is_fts_table(t))}
    assert all(count == 0 for count in data["row_counts"].values())


def test_db_info_json_on_a_demo_database(cli_demo_db, env):
    data = invoke(["db", "info", "--db", db_url(cli_demo_db), "--json"], env).json()
    assert data["revision"] == head_revision()
    assert data["row_counts"]["orders"] == CLI_DEMO_ORDERS
    assert data["row_counts"]["users"] == scalar(cli_demo_db, "SELECT COUNT(*) FROM users")
    assert data["row_counts"]["order_lines"] == scalar(cli_demo_db, "SELECT COUNT(*) FROM order_lines")


def test_db_upgrade_on_a_current_database_changes_nothing(cli_demo_db, env):
    before = snapshot(cli_demo_db)
    ran = invoke(["db", "upgrade", "--db", db_url(cli_demo_db)], env)
    assert ran.code == 0, ran.explain()
    assert ran.out.strip().endswith(f"is at schema revision {head_revision()}.")
    assert snapshot(cli_demo_db) == before


# --------------------------------------------------------------------------- configuration


def test_database_url_precedence_flag_then_environment_then_config_file(tmp_path, env, hubtui):
    """--db beats HUBTUI_DATABASE_URL, which beats database_url in the TOML file (HUBTUI_CONFIG)."""
    from_file, from_env, from_flag = tmp_path / "from-file.db", tmp_path / "from-env.db", tmp_path / "from-flag.db"
    config = tmp_path / "config.toml"
    config.write_text(f'database_url = "{db_url(from_file)}"\n', encoding="utf-8")
    every = (from_file, from_env, from_flag)

    def chosen(ran: Ran) -> Path:
        assert ran.code == 0, ran.explain()
        matches = [p for p in every if ran.out.startswith(db_url(p) + " ")]
        assert len(matches) == 1, ran.explain()
        return matches[0]

    # The cheaper in-process runs first, then the whole chain in a real process.
    assert chosen(invoke(["db", "upgrade"], {**env, "HUBTUI_CONFIG": str(config), "HUBTUI_DATABASE_URL": None})) == from_file
    assert [p.exists() for p in every] == [True, False, False]

    in_env = {**env, "HUBTUI_CONFIG": str(config), "HUBTUI_DATABASE_URL": db_url(from_env)}
    assert chosen(invoke(["db", "upgrade"], in_env)) == from_env
    assert [p.exists() for p in every] == [True, True, False]

    ran = hubtui("db", "upgrade", "--db", db_url(from_flag),
                 env_overrides={"HUBTUI_CONFIG": str(config), "HUBTUI_DATABASE_URL": db_url(from_env)})
    assert chosen(ran) == from_flag
    assert all(p.exists() for p in every)
    assert scalar(from_flag, "SELECT version_num FROM alembic_version") == head_revision()


def test_an_unreadable_config_file_is_one_line(tmp_path, env):
    config = tmp_path / "config.toml"
    config.write_text("database_url = [\n", encoding="utf-8")
    ran = invoke(["db", "info", "--db", db_url(tmp_path / "x.db")], {**env, "HUBTUI_CONFIG": str(config)})
    assert_handled_error(ran, "configuration file", str(config))


def test_bad_time_zone_setting_is_one_line(cli_demo_db, env):
    ran = invoke(
        ["orders", "list", "--db", db_url(cli_demo_db), "--user", "alice"],
        {**env, "HUBTUI_TIMEZONE": "Mars/Olympus_Mons"},
    )
    assert_handled_error(ran, "Mars/Olympus_Mons")
    assert ran.out == ""


def test_operator_precedence_flag_then_environment_then_config_file(cli_demo_db, tmp_path, env):
    """--user beats HUBTUI_USER, which beats `user` in the config file; the activity log shows who acted."""
    config = tmp_path / "config.toml"
    config.write_text('user = "wendy"\n', encoding="utf-8")
    number = scalar(
        cli_demo_db,
        "SELECT number FROM orders WHERE org_id = (SELECT id FROM organisations WHERE code = 'BTOOLS') ORDER BY id",
    )
    cases = (
        ("wendy", {}, []),
        ("sam", {"HUBTUI_USER": "sam"}, []),
        ("pete", {"HUBTUI_USER": "sam"}, ["--user", "pete"]),
    )
    assert number
    for expected, overrides, extra in cases:
        ran = invoke(
            ["orders", "note", number, f"by {expected}", "--db", db_url(cli_demo_db), *extra],
            {**env, "HUBTUI_CONFIG": str(config), **overrides},
        )
        assert ran.code == 0, ran.explain()
        last = query(cli_demo_db, "SELECT user_name, action, summary FROM activity ORDER BY id DESC LIMIT 1")[0]
        assert tuple(last) == (expected, "note", f"by {expected}")


@pytest.mark.parametrize("url", ["nonsense://", "sqlite:////proc/hubtui-no-such-dir/x.db"])
def test_unusable_database_url_is_one_line(url, hubtui):
    ran = hubtui("db", "info", "--db", url)
    assert ran.code == 1, ran.explain()
    assert "Traceback" not in ran.err
    assert len(ran.err_lines) == 1, ran.explain()
    assert ran.err_lines[0].startswith("hubtui: ")


def test_malformed_database_url_is_reported_as_a_usage_problem_not_an_internal_error(hubtui):
    ran = hubtui("db", "info", "--db", "nonsense://")
    assert_handled_error(ran, "nonsense")


def test_database_connection_error_is_one_line(hubtui):
    # Nothing listens on port 1: the connection is refused at once.
    ran = hubtui("db", "info", "--db", "postgresql://hub:s3cret-pw@127.0.0.1:1/hub")
    assert "s3cret-pw" not in ran.err
    assert_handled_error(ran, "database error")
