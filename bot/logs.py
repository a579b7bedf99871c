"""Logging, set up once per process: to stderr, as text or JSON lines, never with a token.

python-telegram-bot's requests go to URLs that hold the bot token, and httpx logs each URL
(at INFO, and more at DEBUG); PTB's ``InvalidToken`` names it too. Every line this module's
handler writes is therefore redacted, whatever the level.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone

from bot.config import TOKEN_PATTERN

_TOKEN_IN_TEXT = re.compile(TOKEN_PATTERN.replace(":", "(?::|%3A)"), re.IGNORECASE)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TRANSPORT_LOGGERS = ("httpx", "httpcore")
"""Loggers of each HTTP request, kept at WARNING unless DEBUG is asked for."""


_hidden: set[str] = set()
"""Other secrets the process holds (the webhook's), replaced like tokens."""


def hide(secret: str) -> None:
    """Replace ``secret`` too in every line written from now on (PTB logs a webhook's secret at DEBUG)."""
    _hidden.add(secret)


def redact(text: str) -> str:
    """``text`` with anything shaped like a Bot API token (also URL-encoded) and every hidden secret replaced."""
    text = _TOKEN_IN_TEXT.sub("<token>", text)
    for secret in _hidden:
        text = text.replace(secret, "<secret>")
    return text


class TextFormatter(logging.Formatter):
    """One human-readable line per record (a traceback follows an error's line)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line (time, level, logger, message, and the exception if any), for a collector."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False))


def configure_logging(level: int, json_lines: bool = False) -> None:
    """Send records at ``level`` and above to stderr, replacing any handler set up before."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_transport(level)


def quiet_transport(level: int = logging.INFO) -> None:
    """Keep one line per HTTP request out of the logs unless DEBUG is asked for."""
    for name in TRANSPORT_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if level <= logging.DEBUG else logging.WARNING)
