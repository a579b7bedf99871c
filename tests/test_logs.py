"""Logging set up once: levels from the command line or LOG_LEVEL, JSON lines, no token at any level."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.cli import _log_level, build_parser
from bot.config import ConfigError, log_settings
from bot.logs import configure_logging

TOKEN = "123456789:AAtest_token_for_the_stand_in_server_xx"


class Captured:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def getvalue(self) -> str:
        return self._capsys.readouterr().err


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Iterator[Captured]:
    """What the configured handler writes; the root logger's handlers and levels restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    yield Captured(capsys)
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def _log_everything() -> None:
    logging.getLogger("bot.app").info("started on %s", "catalogue")
    logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1/bot%s/getMe", TOKEN)
    logging.getLogger("httpcore.http11").debug("send_request_headers url=/bot%s/getUpdates", quote(TOKEN, safe=""))
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        logging.getLogger("telegram.ext.Application").exception("failed")


@pytest.mark.parametrize("json_lines", [False, True])
def test_no_token_reaches_the_log_even_at_debug(stderr: Captured, json_lines: bool) -> None:
    configure_logging(logging.DEBUG, json_lines)
    _log_everything()
    written = stderr.getvalue()
    assert "HTTP Request: POST" in written and "send_request_headers" in written, "DEBUG shows each request"
    assert "started on catalogue" in written and "was rejected" in written
    for secret in (TOKEN, TOKEN.split(":")[1], quote(TOKEN, safe="")):
        assert secret not in written


def test_json_lines_are_one_object_per_record(stderr: Captured) -> None:
    configure_logging(logging.INFO, json_lines=True)
    _log_everything()
    records = [json.loads(line) for line in stderr.getvalue().splitlines()]
    assert [(record["level"], record["logger"]) for record in records] == [
        ("INFO", "bot.app"), ("ERROR", "telegram.ext.Application"),
    ], "httpx's per-request line is left out at INFO"
    assert records[0]["message"] == "started on catalogue" and records[0]["time"].endswith("+00:00")
    assert "RuntimeError" in records[1]["exception"]


def test_configured_once_info_gets_through(stderr: Captured) -> None:
    logging.basicConfig(level=logging.WARNING)  # what the command used to do before the bot's own set-up
    configure_logging(logging.INFO)
    configure_logging(logging.INFO)
    logging.getLogger("bot.app").info("one line per update")
    assert stderr.getvalue().count("one line per update") == 1
    assert len(logging.getLogger().handlers) == 1


@pytest.mark.parametrize(("argv", "environ", "level"), [
    (["run"], {}, logging.INFO),
    (["docs"], {}, logging.WARNING),
    (["run", "-v"], {}, logging.DEBUG),
    (["-v", "docs"], {}, logging.INFO),
    (["docs", "-vv"], {}, logging.DEBUG),
    (["run"], {"LOG_LEVEL": "warning"}, logging.WARNING),
    (["docs"], {"LOG_LEVEL": "INFO"}, logging.INFO),
    (["run", "--log-level", "error"], {"LOG_LEVEL": "DEBUG"}, logging.ERROR),
    (["--log-level", "DEBUG", "docs"], {}, logging.DEBUG),
])
def test_log_level_from_command_line_then_environment_then_command(argv: list[str], environ: dict[str, str], level: int) -> None:
    assert _log_level(build_parser().parse_args(argv), log_settings(environ)) == level


@pytest.mark.parametrize("environ", [{"LOG_LEVEL": "LOUD"}, {"LOG_FORMAT": "xml"}])
def test_bad_log_setting_is_a_config_error(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=next(iter(environ))):
        log_settings(environ)


def test_log_format_json(stderr: Captured) -> None:
    assert log_settings({"LOG_FORMAT": "JSON"}).json_lines and not log_settings({}).json_lines
