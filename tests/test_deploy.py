"""The Dockerfile and the systemd unit, read against the settings: the data folder they give the bot
is the one it uses (an ``.env`` copied from ``.env.example`` changes nothing), and it may write there.
No Docker engine or systemd is needed: both files' rules for environment files are applied here."""

from __future__ import annotations

import json
import os
import re
import shlex
import tomllib
from pathlib import Path, PurePosixPath
from unittest import mock

from bot.cli import build_parser
from bot.config import load_settings, read_environment

PROJECT = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAtest_token_for_the_stand_in_server_xx"


def _env_file_lines(text: str) -> dict[str, str]:
    """``NAME=value`` lines as ``docker run --env-file`` and systemd's EnvironmentFile= read them
    (comments skipped; an empty value is set, empty)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";")) and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value
    return values


def _admins_env_file() -> str:
    """``.env.example`` as the README says to fill it in: the token and an admin id, nothing else."""
    example = (PROJECT / ".env.example").read_text(encoding="utf-8")
    return example.replace("TELEGRAM_BOT_TOKEN=\n", f"TELEGRAM_BOT_TOKEN={TOKEN}\n").replace("ADMIN_IDS=\n", "ADMIN_IDS=42\n")


def _dockerfile() -> list[tuple[str, str]]:
    text = (PROJECT / "Dockerfile").read_text(encoding="utf-8")
    return [(match[1].upper(), match[2]) for match in re.finditer(r"(?m)^(\w+)\s+(.*)$", text)]


def _unit() -> dict[str, list[str]]:
    service: dict[str, list[str]] = {}
    section = None
    for line in (PROJECT / "deploy" / "meeting-bot.service").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            service.setdefault(key, []).append(value)
    return service


def _command(words: list[str]) -> None:
    """``words`` run this project's command with a subcommand it has."""
    assert PurePosixPath(words[0]).name in tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["scripts"]
    build_parser().parse_args(words[1:])


def test_docker_image_serves_from_its_volume(tmp_path: Path) -> None:
    instructions = _dockerfile()
    image_env = {}
    for kind, rest in instructions:
        if kind == "ENV":
            image_env |= dict(pair.split("=", 1) for pair in shlex.split(rest))
    # `docker run --env-file .env`: the file's lines override the image's ENV; no .env is copied into the image.
    assert not any(kind == "COPY" and ".env" in rest for kind, rest in instructions)
    settings = load_settings(_as_bot_reads_it(image_env | _env_file_lines(_admins_env_file()), tmp_path / ".env"))
    volumes = [path for kind, rest in instructions if kind == "VOLUME" for path in shlex.split(rest)]
    assert str(settings.data_dir) in volumes
    user = next(rest for kind, rest in instructions if kind == "USER")
    assert any(kind == "RUN" and f"chown {user} {settings.data_dir}" in rest for kind, rest in instructions), \
        "the bot's user may write its data folder"
    for kind, rest in instructions:
        if kind in {"CMD", "HEALTHCHECK"}:
            _command(json.loads(rest[rest.index("["):]))  # the exec form is a JSON list


def test_systemd_unit_serves_from_a_writable_data_folder(tmp_path: Path) -> None:
    unit = _unit()
    environ = dict(line.split("=", 1) for line in unit["Environment"])
    (env_file,) = unit["EnvironmentFile"]
    assert env_file == f"{unit['WorkingDirectory'][0]}/.env", "the file the bot also reads from its working directory"
    environ |= _env_file_lines(_admins_env_file())  # systemd: EnvironmentFile= overrides Environment=
    (tmp_path / ".env").write_text(_admins_env_file(), encoding="utf-8")
    settings = load_settings(_as_bot_reads_it(environ, tmp_path / ".env"))
    writable = [PurePosixPath(path) for line in unit["ReadWritePaths"] for path in line.split()]
    data = PurePosixPath(settings.data_dir)
    assert any(data == path or path in data.parents for path in writable), (data, writable)
    assert unit["ProtectSystem"] == ["strict"], "only ReadWritePaths may be written"
    assert not str(data).startswith(("/home", "/root")) or unit.get("ProtectHome") != ["true"]
    _command(shlex.split(unit["ExecStart"][0]))


def _as_bot_reads_it(process_env: dict[str, str], env_file: Path) -> dict[str, str]:
    """What ``read_environment`` makes of this process environment and ``env_file`` (if it exists)."""
    with mock.patch.dict(os.environ, process_env, clear=True):
        return read_environment(env_file)
