"""`hubtui` without a command opens the TUI with the settings the CLI read (SPEC 6).

The app's run() is replaced by a recorder: these tests check what the CLI hands the app,
not the app itself (tests/tui does that).
"""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import assert_handled_error, db_url, invoke


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    from hubtui.app import HubApp

    apps: list[Any] = []

    def run(self: Any, *args: Any, **kwargs: Any) -> None:
        # Stand-in for the event loop: take the start-up process's answer as the app would.
        apps.append(self)
        if self.pending is not None:
            self.prefetch = self.pending.result()
            self.startup_error = self.prefetch.error

    monkeypatch.setattr(HubApp, "run", run)
    return apps


def test_an_empty_database_opens_the_empty_database_screen(tmp_path, env, launched):
    path = tmp_path / "new.db"
    assert invoke(["db", "upgrade", "--db", db_url(path)], env).code == 0  # a schema, no organisation yet
    ran = invoke(["--db", db_url(path), "--user", "alice"], env)
    assert ran.code == 0, ran.explain()
    [app] = launched
    assert app.context is None
    assert app.settings.database_url == db_url(path)
    assert app.prefetch.empty_database  # read by the start-up process


@pytest.mark.parametrize("make", ["missing", "empty file"])
def test_a_mistyped_database_path_is_an_error_not_a_new_database(make, tmp_path, env, launched):
    path = tmp_path / "typo" / "hubtu.db"
    if make == "empty file":
        path.parent.mkdir()
        path.touch()
    ran = invoke(["--db", db_url(path), "--user", "alice"], env)
    assert_handled_error(ran, str(path), "hubtui demo")
    assert launched == [] or launched[0].startup_error
    assert path.exists() == (make == "empty file") and (not path.exists() or path.stat().st_size == 0)
    for command in (["orders", "list", "--user", "alice"], ["orders", "show", "BT1", "--user", "alice"], ["db", "info"]):
        ran = invoke([*command, "--db", db_url(path)], env)
        assert_handled_error(ran, str(path))
    assert path.exists() == (make == "empty file") and (not path.exists() or path.stat().st_size == 0)


def test_a_demo_database_opens_for_the_named_operator_and_organisation(demo_db, env, launched):
    ran = invoke(["--db", db_url(demo_db), "--user", "wendy", "--org", "bfix"], env)
    assert ran.code == 0, ran.explain()
    [app] = launched
    prefetch = app.prefetch  # the fast start hands the app the operator and the first page
    assert (prefetch.user_name, prefetch.role, prefetch.org_code, prefetch.org_name) == (
        "wendy", "warehouse", "BFIX", "BetterFixings")
    assert app.settings.user == "wendy"
    from hubtui.domain.order_query import OrderQuery
    from hubtui.services.context import open_context
    from hubtui.services.order_reads import list_orders
    from hubtui.store.engine import Store

    ctx = open_context(Store(db_url(demo_db)), "wendy", "BFIX")
    assert prefetch.page.rows == list_orders(ctx, OrderQuery()).rows


def test_an_unknown_operator_is_refused_with_one_line(demo_db, env, launched):
    ran = invoke(["--db", db_url(demo_db), "--user", "nobody"], env)
    assert_handled_error(ran, "nobody")
    [app] = launched  # the app started while the operator was checked, and closes at once
    assert "nobody" in app.startup_error
