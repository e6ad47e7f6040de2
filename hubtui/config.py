"""Configuration, read once by the CLI and handed to whatever it starts.

Order of precedence: command-line options, then HUBTUI_* environment variables, then the
TOML file (HUBTUI_CONFIG, else config.toml in the platform's config directory), then
defaults. The database defaults to a SQLite file in the user data directory.
"""

from __future__ import annotations

import getpass
import os
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
    user: str
    org: str | None = None
    timezone: str | None = None
    key_bindings: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    # A quantity typed above this is asked about before it joins an order (a slip, not an order).
    quantity_confirm_above: int = DEFAULT_CONFIRM_ABOVE


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"Cannot read the configuration file {path}: {error}") from error


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; the user must then say who they are
        return ""


def load_settings(*, db: str | None = None, org: str | None = None, user: str | None = None) -> Settings:
    file = _read_file(config_path())
    env = os.environ
    keys = file.get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError("The [keys] table of the configuration file must map binding ids to keys.")
    confirm_above = file.get("quantity_confirm_above", DEFAULT_CONFIRM_ABOVE)
    if not isinstance(confirm_above, int) or isinstance(confirm_above, bool) or confirm_above < 1:
        raise ConfigError("quantity_confirm_above in the configuration file must be a whole number of at least 1.")
    return Settings(
        quantity_confirm_above=confirm_above,
        database_url=db or env.get("HUBTUI_DATABASE_URL") or file.get("database_url") or default_database_url(),
        user=user or env.get("HUBTUI_USER") or file.get("user") or _login_name(),
        org=org or env.get("HUBTUI_ORG") or file.get("org"),
        timezone=env.get("HUBTUI_TIMEZONE") or file.get("timezone"),
        key_bindings={str(k): str(v) for k, v in keys.items()},
    )
