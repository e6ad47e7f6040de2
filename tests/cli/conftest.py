"""Fixtures for the CLI tests: a clean environment, the program, a CLI-built demo database."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .helpers import Ran, clean_env, db_url, decoy_path, run

CLI_DEMO_ORDERS = 300
CLI_DEMO_SEED = 3


def copy_db(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return target


@functools.cache
def _command() -> Any:
    from typer.main import get_command

    from hubtui.cli import app

    return get_command(app)


@pytest.fixture(autouse=True)
def _command_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """typer's CliRunner builds the whole command tree again for every in-process call (reading
    every command's annotations: 70 ms, two thirds of a call); `invoke` reuses one tree."""
    import typer.testing

    monkeypatch.setattr(typer.testing, "_get_command", lambda app: _command())


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path)


@pytest.fixture(autouse=True)
def _no_decoy_database(env: dict[str, str]):
    """HUBTUI_DATABASE_URL names a decoy; every command here is given --db, so it must stay unused."""
    yield
    decoy = decoy_path(env)
    assert decoy is not None and not decoy.exists(), "a command used HUBTUI_DATABASE_URL instead of --db"


@pytest.fixture
def hubtui(env: dict[str, str]) -> Callable[..., Ran]:
    """hubtui("orders", "list", …) runs the real program in a child process."""

    def call(*args: str, env_overrides: dict[str, str | None] | None = None) -> Ran:
        child_env = dict(env)
        for key, value in (env_overrides or {}).items():
            if value is None:
                child_env.pop(key, None)
            else:
                child_env[key] = value
        return run(args, child_env)

    return call


@dataclass(frozen=True)
class CliDemo:
    """A database filled by `hubtui demo --orders 300 --seed 3`, run once per session."""

    path: Path
    ran: Ran
    env: dict[str, str]

    def copy(self, target: Path) -> Path:
        return copy_db(self.path, target)


@pytest.fixture(scope="session")
def cli_demo(tmp_path_factory: pytest.TempPathFactory) -> CliDemo:
    folder = tmp_path_factory.mktemp("cli-demo")
    path = folder / "demo.db"
    env = clean_env(folder)
    ran = run(["demo", "--db", db_url(path), "--orders", str(CLI_DEMO_ORDERS), "--seed", str(CLI_DEMO_SEED)], env)
    assert ran.code == 0, ran.explain()
    return CliDemo(path, ran, env)


@pytest.fixture
def cli_demo_db(cli_demo: CliDemo, tmp_path: Path) -> Path:
    """A private copy of the CLI-built demo database (orders placed relative to the real clock)."""
    return cli_demo.copy(tmp_path / "cli-demo.db")
