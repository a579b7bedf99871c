"""Settings: one typed object; clear one-line errors; the token never shown."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456789:AAtest_token_for_the_stand_in_server_xx"


def test_reads_ids_and_urls(tmp_path: Path) -> None:
    settings = load_settings(
        {"DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": TOKEN, "ADMIN_IDS": "1, 2", "ALLOWED_CHAT_IDS": "-100",
         "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}
    )
    assert settings.admin_ids == {1, 2} and settings.allowed_chat_ids == {-100}
    assert settings.base_url == "http://127.0.0.1:9/bot"
    assert settings.require_token() == TOKEN
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_missing_or_malformed_token_is_a_config_error(tmp_path: Path, token: str | None) -> None:
    environ = {"DATA_DIR": str(tmp_path)} | ({"TELEGRAM_BOT_TOKEN": token} if token else {})
    with pytest.raises(ConfigError):
        load_settings(environ).require_token()


def test_bad_id_list_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ADMIN_IDS"):
        load_settings({"DATA_DIR": str(tmp_path), "ADMIN_IDS": "alice"})


@pytest.mark.parametrize("name", ["WEBHOOK_PORT", "QUESTIONS_PER_MINUTE"])
@pytest.mark.parametrize("value", ["many", "0", "-3", "²"])
def test_bad_number_is_a_config_error(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({"DATA_DIR": str(tmp_path), name: value})


def test_rate_limit_is_configurable(tmp_path: Path) -> None:
    assert load_settings({"DATA_DIR": str(tmp_path)}).questions_per_minute == 12
    assert load_settings({"DATA_DIR": str(tmp_path), "QUESTIONS_PER_MINUTE": " 120 "}).questions_per_minute == 120


def test_every_setting_is_documented_in_env_example(tmp_path: Path) -> None:
    source = (Path(__file__).resolve().parents[1] / "bot" / "config.py").read_text(encoding="utf-8")
    example = (Path(__file__).resolve().parents[1] / ".env.example").read_text(encoding="utf-8")
    read = set(re.findall(r'environ, "([A-Z][A-Z_]+)"', source))
    documented = set(re.findall(r"(?m)^(?:# )?([A-Z][A-Z_]+)=", example))
    assert read and read <= documented, read - documented


def test_run_without_token_prints_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
        env={"DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_logging_setup_keeps_token_out_of_info_logs(caplog: pytest.LogCaptureFixture) -> None:
    from bot.logs import configure_logging

    configure_logging(logging.INFO)
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert TOKEN not in caplog.text
