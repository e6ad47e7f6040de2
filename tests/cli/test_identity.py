"""SPEC 8 through the command line: the login is the operator; `--user`, HUBTUI_USER and
`--org` are refused unless the rules allow them, and each refusal is written down.

The login is the process's account; these run in-process (CliRunner) with the account
name replaced, since the test itself runs as one account only.
"""

from __future__ import annotations

import os
import pwd
import sqlite3
from pathlib import Path

import pytest

from hubtui import config

from .helpers import db_url, invoke


def _as_login(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr(config, "_login_name", lambda: name)


def _scalar(path: Path, query: str) -> object:
    with sqlite3.connect(path) as con:
        return con.execute(query).fetchone()[0]


def _refusals(path: Path) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(path) as con:
        return con.execute("SELECT login, user_name, org_code, action, subject FROM refusals ORDER BY id").fetchall()


def test_the_login_comes_from_the_account_not_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("USER", "LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "admin")
    assert config._login_name() == pwd.getpwuid(os.getuid()).pw_name


def test_an_agent_login_cannot_add_an_admin_by_passing_user_admin(demo_db: Path, env, monkeypatch) -> None:
    _as_login(monkeypatch, "alice")
    ran = invoke(["users", "add", "eve", "--role", "admin", "--db", db_url(demo_db), "--user", "admin"], env)
    assert ran.code == 1
    assert ran.err.strip() == ("hubtui: 'alice' may not act as 'admin': only an admin may, or the configuration file "
                               "an administrator controls; leave out --user (and HUBTUI_USER).")
    assert _scalar(demo_db, "SELECT COUNT(*) FROM users WHERE name = 'eve'") == 0
    assert _refusals(demo_db) == [("alice", "admin", "", "add user", "eve")]


@pytest.mark.parametrize("how", ["--user", "HUBTUI_USER"])
def test_an_agent_login_cannot_cancel_as_someone_else(demo_db: Path, env, monkeypatch, how: str) -> None:
    _as_login(monkeypatch, "alice")
    number = _scalar(demo_db, "SELECT number FROM orders WHERE status = 'Incomplete' ORDER BY id LIMIT 1")
    args = ["orders", "status", str(number), "Cancelled", "--reason", "CustomerRequest", "--db", db_url(demo_db)]
    if how == "--user":
        args += ["--user", "sam"]
    else:
        env = {**env, "HUBTUI_USER": "sam"}
    ran = invoke(args, env)
    assert ran.code == 1 and "'alice' may not act as 'sam'" in ran.err
    assert _scalar(demo_db, f"SELECT status FROM orders WHERE number = '{number}'") == "Incomplete"
    assert _refusals(demo_db) == [("alice", "sam", "", "sign in", "")]


def test_an_admin_login_may_act_as_anyone(demo_db: Path, env, monkeypatch) -> None:
    _as_login(monkeypatch, "admin")
    number = _scalar(demo_db, "SELECT number FROM orders ORDER BY id LIMIT 1")
    ran = invoke(["orders", "note", str(number), "Called back", "--db", db_url(demo_db), "--user", "alice"], env)
    assert ran.code == 0, ran.explain()
    assert _scalar(demo_db, "SELECT user_name FROM activity ORDER BY id DESC LIMIT 1") == "alice"
    assert _refusals(demo_db) == []


def test_org_selects_only_among_the_logins_organisations(demo_db: Path, env, monkeypatch) -> None:
    _as_login(monkeypatch, "admin")
    added = invoke(["users", "add", "bob", "--role", "agent", "--member-of", "BTOOLS", "--db", db_url(demo_db)], env)
    assert added.code == 0, added.explain()
    _as_login(monkeypatch, "bob")
    listed = invoke(["orders", "list", "--limit", "1", "--db", db_url(demo_db)], env)
    assert listed.code == 0, listed.explain()
    refused = invoke(["orders", "list", "--org", "BFIX", "--db", db_url(demo_db)], env)
    assert refused.code == 1
    assert refused.err.strip() == "hubtui: bob does not belong to BFIX; choose one of BTOOLS."
    assert _refusals(demo_db) == [("bob", "bob", "BFIX", "sign in", "BFIX")]


@pytest.mark.skipif(os.getuid() != 0, reason="an administrator's file is one owned by root; needs to run as root")
@pytest.mark.parametrize(("mode", "vouched"), [(0o644, True), (0o664, False), (0o666, False)])
def test_a_config_file_an_administrator_controls_names_the_operator(
    demo_db: Path, env, monkeypatch, tmp_path: Path, mode: int, vouched: bool,
) -> None:
    folder = tmp_path / "etc-hubtui"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    path = folder / "config.toml"
    path.write_text('user = "alice"\n')
    path.chmod(mode)
    _as_login(monkeypatch, "shared-terminal")  # an account hubtui does not know
    ran = invoke(["orders", "note", "BT0000001", "From the counter", "--db", db_url(demo_db)],
                 {**env, "HUBTUI_CONFIG": str(path)})
    if vouched:
        assert ran.code == 0, ran.explain()
        assert _scalar(demo_db, "SELECT user_name FROM activity ORDER BY id DESC LIMIT 1") == "alice"
    else:
        assert ran.code == 1 and "'shared-terminal' may not act as 'alice'" in ran.err
        assert _refusals(demo_db) == [("shared-terminal", "alice", "", "sign in", "")]
