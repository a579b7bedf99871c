"""Health answers for a supervisor: ``meeting-bot check`` as a process, and ``/healthz`` on the webhook server."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.webhook import SECRET_HEADER, webhook_secret
from tests.telegram_stub import BotApiStub
from tests.test_startup import (  # noqa: F401 (stub is a fixture)
    OTHER_TOKEN, TOKEN, assert_one_clear_line, bot_environment, closed_port, run_bot, stub,
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the seed collection, built once for the module."""
    from index.collection import Collection

    data = tmp_path_factory.mktemp("seeded") / "data"
    collection = Collection(data / "meetings.db")
    collection.ensure_seeded()
    collection.close()
    return data


@pytest.fixture
def data(tmp_path: Path, seeded: Path) -> Path:
    shutil.copytree(seeded, tmp_path / "data")
    return tmp_path / "data"


def test_check_passes_when_all_is_well(tmp_path: Path, data: Path, stub: BotApiStub) -> None:
    result = run_bot(tmp_path, "check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=stub.base_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1 and "5 份文件" in result.stdout and "@meeting_test_bot" in result.stdout
    assert len(stub.tried("getMe")) == 1


def test_check_fails_without_a_catalogue(tmp_path: Path, stub: BotApiStub) -> None:
    result = run_bot(tmp_path, "check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=stub.base_url)
    assert_one_clear_line(result, "meetings.db")
    assert not (tmp_path / "data" / "meetings.db").exists(), "check creates nothing"


def test_check_fails_when_the_index_cannot_be_opened_and_repairs_nothing(tmp_path: Path, data: Path, stub: BotApiStub) -> None:
    (generation,) = (data / "meetings.db.tantivy").iterdir()
    (generation / "meta.json").unlink()
    result = run_bot(tmp_path, "check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=stub.base_url)
    assert_one_clear_line(result, "搜索索引")
    assert not (generation / "meta.json").exists() and [generation] == list((data / "meetings.db.tantivy").iterdir())


def test_check_fails_when_index_and_catalogue_disagree(tmp_path: Path, data: Path, stub: BotApiStub) -> None:
    import sqlite3

    with sqlite3.connect(data / "meetings.db") as connection:  # as a kill between the two commits leaves them
        connection.execute("DELETE FROM chunks WHERE rowid IN (SELECT rowid FROM chunks LIMIT 1)")
    result = run_bot(tmp_path, "check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=stub.base_url)
    assert_one_clear_line(result, "不一致")


@pytest.mark.parametrize("problem", ["rejected token", "unreachable", "bad setting"])
def test_check_fails_on_the_bot_api_or_settings(tmp_path: Path, data: Path, stub: BotApiStub, problem: str) -> None:
    settings = {
        "rejected token": {"TELEGRAM_BOT_TOKEN": OTHER_TOKEN, "TELEGRAM_BASE_URL": stub.base_url},
        "unreachable": {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": f"http://127.0.0.1:{closed_port()}/bot"},
        "bad setting": {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": stub.base_url, "WEBHOOK_PORT": "http"},
    }[problem]
    assert_one_clear_line(run_bot(tmp_path, "check", **settings))


def _http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_for_server(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _http("GET", url)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.1)


async def test_webhook_server_answers_healthz_and_takes_updates(tmp_path: Path, data: Path, stub: BotApiStub) -> None:
    port = closed_port()
    environment = bot_environment(
        tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=stub.base_url, LOG_FORMAT="json", LOG_LEVEL="DEBUG",
        WEBHOOK_URL="https://bot.example.org/hook/", WEBHOOK_PORT=str(port),
    )
    log_file = tmp_path / "bot.log"
    with log_file.open("w") as log:  # a file, not a pipe: DEBUG lines must never wait for the test to read them
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=environment,
                                   stderr=log, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    secret = webhook_secret(TOKEN)
    try:
        _wait_for_server(f"{base}/healthz", process)
        status, body = _http("GET", f"{base}/healthz")
        assert status == 200
        health = json.loads(body)
        assert health["status"] == "ok" and health["documents"] == 5 and health["generation"].startswith("g")

        (webhook,) = stub.sent("setWebhook")
        assert webhook["url"] == f"https://bot.example.org/hook/{secret}" and webhook["secret_token"] == secret

        update = {"update_id": 1, "message": stub.message(10, 42, text="高标准农田有什么要求")}
        forged = _http("POST", f"{base}/{secret}", json.dumps(update).encode(), {"Content-Type": "application/json"})
        assert forged[0] == 403, "an update without Telegram's secret header is refused"
        headers = {"Content-Type": "application/json", SECRET_HEADER: secret}
        assert _http("POST", f"{base}/{secret}", json.dumps(update).encode(), headers)[0] == 200
        assert _http("POST", f"{base}/{secret}", b"{not json", headers)[0] == 400
        (reply,) = await stub.wait_for(1, chat_id=10, timeout=30)
        assert "高标准农田" in reply["text"]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        process.kill()
    logged = log_file.read_text(encoding="utf-8")
    assert process.returncode == 0, logged
    records = [json.loads(line) for line in logged.splitlines()]
    assert any(record["message"] == "Application started" for record in records)
    assert any("setWebhook" in record["message"] for record in records), "DEBUG shows the calls"
    assert TOKEN.split(":")[1] not in logged and secret not in logged


def test_webhook_telegram_will_not_set_is_one_line(tmp_path: Path, data: Path, stub: BotApiStub) -> None:
    stub.fail("setWebhook", "server_error", calls=100)
    result = run_bot(tmp_path, "run", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=stub.base_url, LOG_LEVEL="ERROR",
                     WEBHOOK_URL="https://bot.example.org/hook", WEBHOOK_PORT=str(closed_port()))
    assert_one_clear_line(result, "Bot API")
    assert len(stub.tried("setWebhook")) >= 1
