"""`hubtui users list` and `hubtui users add` (SPEC 6 and 8): only admins add users, except the first."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import assert_handled_error, db_url, invoke, query, snapshot

DEMO_ROLES = {"alice": "agent", "pete": "agent", "wendy": "warehouse", "sam": "supervisor", "admin": "admin"}


def _roles(path: Path) -> dict[str, str]:
    return {r["name"]: r["role"] for r in query(path, "SELECT name, role FROM users")}


def _listed(out_lines: list[str]) -> dict[str, str]:
    return {line.split()[0]: line.split()[1] for line in out_lines}


def test_users_list_shows_the_demo_users(demo_db, hubtui):
    ran = hubtui("users", "list", "--db", db_url(demo_db))
    assert ran.code == 0, ran.explain()
    assert ran.err == ""
    listed = _listed(ran.out_lines)
    assert listed == _roles(demo_db)
    assert DEMO_ROLES.items() <= listed.items()
    assert [line.split()[0] for line in ran.out_lines] == sorted(listed)
    for line in ran.out_lines:
        if line.split()[0] in DEMO_ROLES:
            assert "BTOOLS" in line  # their default organisation


def test_users_list_json(demo_db, env):
    ran = invoke(["users", "list", "--json", "--db", db_url(demo_db)], env)
    users = {u["name"]: u for u in ran.json()}
    assert {name: u["role"] for name, u in users.items()} == _roles(demo_db)
    assert users["wendy"]["default_org"] == "BTOOLS"
    assert users["wendy"]["member_of"] == ["BFIX", "BTOOLS"]  # the demo's users work in both
    assert users["wendy"]["active"] is True


def test_an_admin_adds_a_user(demo_db, hubtui, env):
    ran = hubtui("users", "add", "bob", "--role", "agent", "--full-name", "Bob Builder", "--user", "admin",
                 "--db", db_url(demo_db))
    assert ran.code == 0, ran.explain()
    assert ran.out_lines == ["Added bob (agent)."]
    assert ran.err == ""
    rows = query(demo_db, "SELECT name, role, full_name, active FROM users WHERE name = 'bob'")
    assert [tuple(r) for r in rows] == [("bob", "agent", "Bob Builder", 1)]

    listed = invoke(["users", "list", "--db", db_url(demo_db)], env)
    assert _listed(listed.out_lines)["bob"] == "agent"

    # The new operator can work straight away, as an agent.
    listed_orders = invoke(["orders", "list", "--limit", "1", "--json", "--db", db_url(demo_db), "--user", "bob"], env)
    assert len(listed_orders.json()) == 1


def test_an_agent_may_not_add_users(demo_db, hubtui):
    before = snapshot(demo_db)
    ran = hubtui("users", "add", "bob", "--role", "agent", "--user", "alice", "--db", db_url(demo_db))
    assert_handled_error(ran, "may not manage users")
    assert snapshot(demo_db) == before
    assert "bob" not in _roles(demo_db)


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["carol", "--role", "boss", "--user", "admin"], ("boss",)),
        (["carol", "--role", "Agent", "--user", "admin"], ("Agent",)),
        (["Carol", "--role", "agent", "--user", "admin"], ("Carol",)),
        (["carol smith", "--role", "agent", "--user", "admin"], ("carol smith",)),
        (["alice", "--role", "admin", "--user", "admin"], ("alice", "exists")),
        (["carol", "--role", "agent", "--user", "nobody"], ("nobody",)),
        (["carol", "--role", "agent", "--user", "sam"], ("may not",)),
        (["carol", "--role", "agent", "--default-org", "NOPE", "--user", "admin"], ("NOPE",)),
    ],
    ids=["unknown-role", "role-wrong-case", "upper-case-name", "space-in-name", "duplicate", "unknown-actor",
         "supervisor-actor", "unknown-org"],
)
def test_bad_users_add_is_refused(args, fragments, demo_db, env):
    before = snapshot(demo_db)
    ran = invoke(["users", "add", *args, "--db", db_url(demo_db)], env)
    assert_handled_error(ran, *fragments)
    assert snapshot(demo_db) == before
    assert _roles(demo_db)["alice"] == "agent"


def test_the_first_user_of_an_empty_database_needs_no_actor(tmp_path, hubtui, env, monkeypatch):
    path = tmp_path / "fresh.db"
    first = hubtui("users", "add", "olga", "--role", "admin", "--db", db_url(path), env_overrides={"HUBTUI_USER": None})
    assert first.code == 0, first.explain()
    assert first.out_lines == ["Added olga (admin)."]
    assert _roles(path) == {"olga": "admin"}

    # From now on it takes an admin.
    refused = invoke(["users", "add", "ivan", "--role", "agent", "--user", "nobody", "--db", db_url(path)], env)
    assert_handled_error(refused, "nobody")
    # Nor may a login that is not olga act as her...
    impostor = invoke(["users", "add", "ivan", "--role", "agent", "--user", "olga", "--db", db_url(path)], env)
    assert_handled_error(impostor, "may not act as 'olga'")
    # ...but olga's own login may.
    monkeypatch.setattr("hubtui.config._login_name", lambda: "olga")
    second = invoke(["users", "add", "ivan", "--role", "agent", "--db", db_url(path)], env)
    assert second.code == 0, second.explain()
    assert _roles(path) == {"olga": "admin", "ivan": "agent"}


def test_demo_fills_a_database_whose_first_user_was_added_by_hand(tmp_path, hubtui):
    path = tmp_path / "fresh.db"
    added = hubtui("users", "add", "admin", "--role", "admin", "--db", db_url(path), env_overrides={"HUBTUI_USER": None})
    assert added.code == 0, added.explain()
    ran = hubtui("demo", "--db", db_url(path), "--orders", "20", "--if-empty", env_overrides={"HUBTUI_USER": "admin"})
    assert ran.code == 0, ran.explain()
    assert query(path, "SELECT COUNT(*) FROM orders")[0][0] == 20
    assert DEMO_ROLES.items() <= _roles(path).items()
