"""Where newsdesk keeps its data and configuration, and who the analyst is.

The database lives in the user data directory and the TOML config in the user
config directory; NEWSDESK_DB and NEWSDESK_CONFIG override them (tests point
both at temporary paths).
"""
from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "newsdesk"


class ConfigError(Exception):
    """The config file exists but cannot be read or parsed."""


def _place(variable: str, folder: str, name: str) -> Path:
    """$variable if set (tests point it at a temporary path), else `name` in the user's
    platformdirs `folder` (data, config or state)."""
    override = os.environ.get(variable)
    if override:
        return Path(override).expanduser()
    base = {"data": platformdirs.user_data_dir, "config": platformdirs.user_config_dir,
            "state": platformdirs.user_state_dir, "cache": platformdirs.user_cache_dir}[folder]
    return Path(base(APP_NAME)) / name


def default_db_path() -> Path:
    return _place("NEWSDESK_DB", "data", "newsdesk.db")


def config_path() -> Path:
    return _place("NEWSDESK_CONFIG", "config", "config.toml")


def export_dir() -> Path:
    """Where exports from the app land (the CLI writes where it is told)."""
    return _place("NEWSDESK_EXPORT_DIR", "data", "exports")


def state_path() -> Path:
    """Small UI preferences that stick between runs (which highlight layers are on)."""
    return _place("NEWSDESK_STATE", "state", "state.json")


def cache_dir() -> Path:
    """Files newsdesk can rebuild from what it ships with (the place gazetteer's tables)."""
    return _place("NEWSDESK_CACHE", "cache", "")


def load_state() -> dict:
    try:
        data = json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: preferences start over, nothing else depends on them
    return data if isinstance(data, dict) else {}


def save_state(state: dict) -> None:
    path = state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only home must not stop the reader; the choice just won't persist


@dataclass(frozen=True)
class Config:
    analyst: str | None = None
    theme: str | None = None
    # binding id -> comma-separated keys, as Textual's set_keymap takes them
    keymap: dict[str, str] = field(default_factory=dict)
    # on a double-coded article, another coder's events show once both coders are done
    blind_double_coding: bool = True


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    if not path.exists():
        return Config()
    import tomllib  # only when there is a file to read: 5-10 ms of every start otherwise

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
    ):
        raise ConfigError(f"{path}: [keymap] must map binding ids to key strings")
    analyst = data.get("analyst")
    theme = data.get("theme")
    blind = data.get("blind_double_coding", True)
    if not isinstance(blind, bool):
        raise ConfigError(f"{path}: blind_double_coding must be true or false")
    return Config(
        analyst=analyst if isinstance(analyst, str) else None,
        theme=theme if isinstance(theme, str) else None,
        keymap=dict(keymap),
        blind_double_coding=blind,
    )


def resolve_analyst(cli_value: str | None, config: Config) -> str:
    """--analyst beats the config file, which beats the login name."""
    if cli_value:
        return cli_value
    if config.analyst:
        return config.analyst
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "analyst"
