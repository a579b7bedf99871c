"""Settings, read once from the environment (and a ``.env`` file) into one typed object.

No other module reads environment variables. Each part is checked when a command first
needs it, so a bad bot setting stops ``meeting-bot run`` but not ``meeting-bot docs``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from platformdirs import user_data_path

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_PATTERN = r"\d{5,}:[A-Za-z0-9_-]{30,}"
"""What a Bot API token looks like (123456789:AA…), to check one and to find one in a log line."""
_TOKEN_SHAPE = re.compile(rf"^{TOKEN_PATTERN}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the user."""


def read_environment(env_file: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment over the values in ``env_file``, stripped; an empty value is no value,
    so an empty ``DATA_DIR=`` copied from ``.env.example`` leaves the default (or the unit's) in force."""
    from dotenv import dotenv_values

    from_file = dotenv_values(env_file) if env_file is not None and env_file.is_file() else {}
    merged = {name: value.strip() for name, value in from_file.items() if value and value.strip()}
    merged.update((name, value.strip()) for name, value in os.environ.items() if value.strip())
    return merged


def _value(environ: Mapping[str, str], name: str) -> str | None:
    return (environ.get(name) or "").strip() or None


def _ids(raw: str | None, name: str) -> frozenset[int]:
    if not raw:
        return frozenset()
    try:
        return frozenset(int(part) for part in re.split(r"[,\s]+", raw) if part)
    except ValueError:
        raise ConfigError(f"{name} 应是以逗号分隔的 Telegram 数字 id") from None


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _value(environ, name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) == 0:
        raise ConfigError(f"{name} 应是正整数，而不是 {value!r}")
    return int(value)


def data_dir(environ: Mapping[str, str]) -> Path:
    """Where the catalogue, the index and the chat histories live."""
    return Path(_value(environ, "DATA_DIR") or user_data_path("meeting-bot", appauthor=False)).expanduser()


@dataclass(frozen=True)
class LogSettings:
    level: int | None
    """``LOG_LEVEL``; None leaves it to the command (INFO for the bot, WARNING for the others)."""
    json_lines: bool
    """``LOG_FORMAT=json``: one JSON object per line, for a log collector."""


def log_settings(environ: Mapping[str, str]) -> LogSettings:
    level = _value(environ, "LOG_LEVEL")
    if level is not None and level.upper() not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL 应是 {'、'.join(LOG_LEVELS)} 之一，而不是 {level!r}")
    log_format = (_value(environ, "LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT 应是 text 或 json，而不是 {log_format!r}")
    return LogSettings(logging.getLevelName(level.upper()) if level else None, log_format == "json")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    telegram_token: str | None = field(default=None, repr=False)
    admin_ids: frozenset[int] = frozenset()
    allowed_user_ids: frozenset[int] = frozenset()
    allowed_chat_ids: frozenset[int] = frozenset()
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str = DEFAULT_BASE_FILE_URL
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    questions_per_minute: int = 12
    """Per-user limit on questions, so one user cannot monopolise the search threads."""
    request_timeout: float = 5.0
    """Seconds to wait for Telegram to answer one request (the long poll gets this on top of its own wait)."""
    send_attempts: int = 4
    """Tries per request to Telegram that fails on the network or with a 5xx, so a brief outage loses no reply."""
    retry_delay: float = 1.0
    """Seconds before the first retry; each further retry waits twice as long."""

    @property
    def db_path(self) -> Path:
        return self.data_dir / "meetings.db"

    def require_token(self) -> str:
        """The bot token, or a one-line ConfigError saying what is wrong with it."""
        if not self.telegram_token:
            raise ConfigError("没有设置 TELEGRAM_BOT_TOKEN；请写入 .env（见 .env.example）")
        if not _TOKEN_SHAPE.match(self.telegram_token):
            raise ConfigError("TELEGRAM_BOT_TOKEN 格式不对；应形如 @BotFather 给出的 123456789:AA...")
        return self.telegram_token


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
    """The bot's settings from ``environ`` (default: ``read_environment(env_file)``), checked."""
    if environ is None:
        environ = read_environment(env_file)
    return Settings(
        data_dir=data_dir(environ),
        telegram_token=_value(environ, "TELEGRAM_BOT_TOKEN"),
        admin_ids=_ids(_value(environ, "ADMIN_IDS"), "ADMIN_IDS"),
        allowed_user_ids=_ids(_value(environ, "ALLOWED_USER_IDS"), "ALLOWED_USER_IDS"),
        allowed_chat_ids=_ids(_value(environ, "ALLOWED_CHAT_IDS"), "ALLOWED_CHAT_IDS"),
        base_url=_value(environ, "TELEGRAM_BASE_URL") or DEFAULT_BASE_URL,
        base_file_url=_value(environ, "TELEGRAM_BASE_FILE_URL") or DEFAULT_BASE_FILE_URL,
        webhook_url=_value(environ, "WEBHOOK_URL"),
        webhook_listen=_value(environ, "WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=_positive_int(environ, "WEBHOOK_PORT", 8443),
        questions_per_minute=_positive_int(environ, "QUESTIONS_PER_MINUTE", 12),
    )


class Config:
    """The environment read once; each part is parsed and checked when first asked for."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = dict(environ)

    @cached_property
    def data_dir(self) -> Path:
        return data_dir(self._environ)

    @cached_property
    def logging(self) -> LogSettings:
        return log_settings(self._environ)

    @cached_property
    def settings(self) -> Settings:
        """The bot's settings (``run`` and ``check``)."""
        return load_settings(self._environ)
