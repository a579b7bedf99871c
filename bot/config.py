"""Settings, read once from the environment (and a ``.env`` file) into one typed object.

No other module reads environment variables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_path

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
_TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the user."""


def _ids(raw: str | None, name: str) -> frozenset[int]:
    if not raw or not raw.strip():
        return frozenset()
    try:
        return frozenset(int(part) for part in re.split(r"[,\s]+", raw.strip()) if part)
    except ValueError:
        raise ConfigError(f"{name} must be a comma-separated list of numeric Telegram ids") from None


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
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set; put it in .env (see .env.example)")
        if not _TOKEN_SHAPE.match(self.telegram_token):
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed; it looks like 123456789:AA... from @BotFather")
        return self.telegram_token


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
    """Settings from ``environ`` (default: the process environment, after loading ``env_file``)."""
    if environ is None:
        if env_file is not None and env_file.is_file():
            from dotenv import load_dotenv

            load_dotenv(env_file, override=False)
        environ = os.environ
    data_dir = environ.get("DATA_DIR") or str(user_data_path("meeting-bot", appauthor=False))
    port = _positive_int(environ, "WEBHOOK_PORT", 8443)
    return Settings(
        data_dir=Path(data_dir).expanduser(),
        telegram_token=(environ.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
        admin_ids=_ids(environ.get("ADMIN_IDS"), "ADMIN_IDS"),
        allowed_user_ids=_ids(environ.get("ALLOWED_USER_IDS"), "ALLOWED_USER_IDS"),
        allowed_chat_ids=_ids(environ.get("ALLOWED_CHAT_IDS"), "ALLOWED_CHAT_IDS"),
        base_url=environ.get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL,
        base_file_url=environ.get("TELEGRAM_BASE_FILE_URL") or DEFAULT_BASE_FILE_URL,
        webhook_url=environ.get("WEBHOOK_URL") or None,
        webhook_listen=environ.get("WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=port,
        questions_per_minute=_positive_int(environ, "QUESTIONS_PER_MINUTE", 12),
    )


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = (environ.get(name) or "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) == 0:
        raise ConfigError(f"{name} must be a positive whole number, not {value!r}")
    return int(value)
