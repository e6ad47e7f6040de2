"""The headless core never imports Textual or Typer, and the CLI loads Textual only to open the TUI.

Each check runs in a fresh interpreter, because this test process has long since imported
both (the TUI tests, typer's CliRunner).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HEADLESS_PACKAGES = ("hubtui.domain", "hubtui.store", "hubtui.services")
# Alembic's env.py is a script alembic runs with its own context, not a module to import.
NOT_IMPORTABLE = {"hubtui.store.migrations.env"}
UI_MODULES = ("textual", "typer", "click", "rich", "hubtui.app", "hubtui.cli", "hubtui.screens", "hubtui.widgets")


def run_python(code: str, tmp_path: Path) -> dict:
    """Run `code` in a new interpreter; it prints one JSON object as its last line."""
    env = {"PATH": "/usr/bin:/bin", "HUBTUI_CONFIG": str(tmp_path / "absent.toml"), "PYTHONUTF8": "1"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=Path(__file__).parent.parent, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_domain_store_and_services_import_no_ui(tmp_path):
    result = run_python(
        f"""
        import importlib, json, pkgutil, sys
        imported = []
        for package_name in {HEADLESS_PACKAGES!r}:
            package = importlib.import_module(package_name)
            imported.append(package_name)
            for info in pkgutil.walk_packages(package.__path__, package_name + "."):
                if info.name in {sorted(NOT_IMPORTABLE)!r}:
                    continue
                importlib.import_module(info.name)
                imported.append(info.name)
        loaded = {{name: any(m == name or m.startswith(name + ".") for m in sys.modules) for name in {UI_MODULES!r}}}
        print(json.dumps({{"imported": imported, "loaded": loaded,
                          "textual": "textual" in sys.modules, "typer": "typer" in sys.modules}}))
        """,
        tmp_path,
    )
    imported = set(result["imported"])
    # The walk really found the modules (a broken walk would prove nothing).
    for expected in ("hubtui.domain.orders", "hubtui.domain.money", "hubtui.store.engine", "hubtui.store.tables",
                     "hubtui.store.order_queries", "hubtui.services.order_reads", "hubtui.services.order_writes",
                     "hubtui.services.demo", "hubtui.services.users", "hubtui.services.database"):
        assert expected in imported
    assert (result["textual"], result["typer"]) == (False, False)
    assert result["loaded"] == {name: False for name in UI_MODULES}


def test_importing_the_cli_does_not_import_textual_or_the_store(tmp_path):
    result = run_python(
        """
        import json, sys
        import hubtui.cli
        print(json.dumps({name: name in sys.modules
                          for name in ("textual", "hubtui.app", "sqlalchemy", "sqlmodel", "hubtui.store.tables")}))
        """,
        tmp_path,
    )
    assert result == {"textual": False, "hubtui.app": False, "sqlalchemy": False, "sqlmodel": False,
                      "hubtui.store.tables": False}


def test_commands_other_than_the_tui_do_not_load_textual(tmp_path):
    """Run real commands in-process (on a new database) and look at what they loaded."""
    db = f"sqlite:///{tmp_path / 'new.db'}"
    commands = [["db", "upgrade", "--db", db], ["db", "info", "--json", "--db", db], ["users", "list", "--db", db],
                ["orders", "list", "--json", "--db", db, "--user", "nobody"]]
    result = run_python(
        f"""
        import json, sys
        from hubtui.cli import app
        seen = []
        for command in {commands!r}:
            code = app(command, standalone_mode=False)
            seen.append([code, "textual" in sys.modules, "hubtui.app" in sys.modules])
        print(json.dumps({{"seen": seen, "store": "hubtui.store.engine" in sys.modules}}))
        """,
        tmp_path,
    )
    # Each command ran to its end (orders list refuses the unknown operator with status 1), and
    # reached the store, and none of them loaded Textual.
    assert result == {"seen": [[None, False, False], [None, False, False], [None, False, False], [1, False, False]],
                      "store": True}
