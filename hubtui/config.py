"""Configuration, read once by the CLI and handed to whatever it starts.

Order of precedence: command-line options, then HUBTUI_* environment variables, then the
TOML file (HUBTUI_CONFIG, else config.toml in the platform's config directory), then
defaults. The database defaults to a SQLite file in the user data directory.
"""

from __future__ import annotations

import os
import pwd
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir

from hubtui.domain.order_draft import DEFAULT_CONFIRM_ABOVE

APP_NAME = "hubtui"


def default_database_url() -> str:
    return f"sqlite:///{Path(user_data_dir(APP_NAME)) / 'hubtui.db'}"


def config_path() -> Path:
    explicit = os.environ.get("HUBTUI_CONFIG")
    return Path(explicit) if explicit else Path(user_config_dir(APP_NAME)) / "config.toml"


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str
    user: str  # who is to act: --user, else HUBTUI_USER, else the config file, else the login
    org: str | None = None
    timezone: str | None = None
    key_bindings: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    # A quantity typed above this is asked about before it joins an order (a slip, not an order).
    quantity_confirm_above: int = DEFAULT_CONFIRM_ABOVE
    # Who the operating system says is at the keyboard ("" when it cannot tell); None when the
    # settings were made in-process for `user` themselves (tests, embedding).
    login: str | None = None
    # The config file naming `user` is one an administrator controls: acting as them needs no admin login.
    user_vouched: bool = False


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"Cannot read the configuration file {path}: {error}") from error


def _login_name() -> str:
    # The account the process runs as, not $USER or $LOGNAME: anyone can set those.
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except (KeyError, OSError):  # a uid without an account (some containers): they must say who they are
        return ""


def controlled_by_an_administrator(path: Path) -> bool:
    """Owned by root and writable by nobody else, nor is the folder it is in: a user cannot
    name themselves someone else through it."""
    try:
        for item in (path, path.parent):
            status = item.stat()
            if status.st_uid != 0 or status.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


def load_settings(*, db: str | None = None, org: str | None = None, user: str | None = None) -> Settings:
    file = _read_file(config_path())
    env = os.environ
    keys = file.get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError("The [keys] table of the configuration file must map binding ids to keys.")
    confirm_above = file.get("quantity_confirm_above", DEFAULT_CONFIRM_ABOVE)
    if not isinstance(confirm_above, int) or isinstance(confirm_above, bool) or confirm_above < 1:
        raise ConfigError("quantity_confirm_above in the configuration file must be a whole number of at least 1.")
    login = _login_name()
    requested = user or env.get("HUBTUI_USER")
    configured = file.get("user")
    if configured is not None and not isinstance(configured, str):
        raise ConfigError("user in the configuration file must be a user name.")
    vouched = bool(configured) and not requested and controlled_by_an_administrator(config_path())
    return Settings(
        login=login,
        user_vouched=vouched,
        quantity_confirm_above=confirm_above,
        database_url=db or env.get("HUBTUI_DATABASE_URL") or file.get("database_url") or default_database_url(),
        user=requested or configured or login,
        org=org or env.get("HUBTUI_ORG") or file.get("org"),
        timezone=env.get("HUBTUI_TIMEZONE") or file.get("timezone"),
        key_bindings={str(k): str(v) for k, v in keys.items()},
    )
