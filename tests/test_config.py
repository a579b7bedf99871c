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


def test_empty_values_are_no_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty line in .env or an empty variable (docker --env-file, systemd EnvironmentFile=) leaves the default."""
    from bot.config import read_environment

    env_file = tmp_path / ".env"
    env_file.write_text("DATA_DIR=\nQUESTIONS_PER_MINUTE=  \nWEBHOOK_PORT=9000\nADMIN_IDS=7\n", encoding="utf-8")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "from-process"))
    monkeypatch.setenv("ADMIN_IDS", "")
    monkeypatch.setenv("WEBHOOK_LISTEN", " ")
    settings = load_settings(read_environment(env_file))
    assert settings.data_dir == tmp_path / "from-process", "an empty line in .env does not override the environment"
    assert settings.questions_per_minute == 12 and settings.webhook_port == 9000 and settings.webhook_listen == "127.0.0.1"
    assert settings.admin_ids == {7}, "an empty variable gives way to .env's value"
    monkeypatch.setenv("DATA_DIR", "")
    from platformdirs import user_data_path

    assert load_settings(read_environment(env_file)).data_dir == user_data_path("meeting-bot", appauthor=False)


def test_env_example_sets_nothing_that_has_a_default() -> None:
    """Copied into .env as it is, .env.example must not override the Dockerfile's or the unit's DATA_DIR."""
    from dotenv import dotenv_values

    set_by_example = dotenv_values(Path(__file__).resolve().parents[1] / ".env.example")
    assert set(set_by_example) == {"TELEGRAM_BOT_TOKEN", "ADMIN_IDS"}


def test_each_part_of_the_config_is_read_once_and_only_when_asked(tmp_path: Path) -> None:
    from bot.config import Config

    config = Config({"DATA_DIR": str(tmp_path), "QUESTIONS_PER_MINUTE": "many"})
    assert config.data_dir == tmp_path and config.logging.level is None
    with pytest.raises(ConfigError, match="QUESTIONS_PER_MINUTE"):
        config.settings
    good = Config({"DATA_DIR": str(tmp_path)})
    assert good.settings is good.settings
