"""``meeting-bot run`` as a real process: a start that cannot work ends in one or two lines on
stderr, a non-zero exit, no traceback and never the token; one that works logs its start line."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from urllib.parse import quote

import pytest

from tests.telegram_stub import BOT_USER, BotApiStub

PROJECT = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAtest_token_for_the_stand_in_server_xx"
OTHER_TOKEN = "987654321:BBanother_token_the_stand_in_rejects"


def bot_environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """A clean environment: no developer's .env (cwd is tmp_path), data under tmp_path."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PROJECT), "HOME": str(tmp_path),
        "LANG": "C.UTF-8", "DATA_DIR": str(tmp_path / "data"), **settings,
    }


def run_bot(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=bot_environment(tmp_path, **settings),
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *expected: str, verbose: bool = False) -> None:
    """One or two lines on stderr (with DEBUG logs asked for, the log lines before them), the words
    ``expected`` in them, no traceback, and no token anywhere."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2 or verbose, result.stderr
    assert lines[-1].startswith("meeting-bot: "), result.stderr
    assert "Traceback" not in result.stderr
    for secret in (TOKEN, TOKEN.split(":")[1], quote(TOKEN, safe=""), OTHER_TOKEN, OTHER_TOKEN.split(":")[1]):
        assert secret not in result.stderr + result.stdout
    for word in expected:
        assert word in lines[-1], result.stderr


@pytest.fixture
def stub() -> Iterator[BotApiStub]:
    server = BotApiStub(TOKEN)
    server.start()
    yield server
    server.stop()


@contextlib.contextmanager
def answering_404() -> Iterator[str]:
    """A server that answers every Bot API request 404, as Telegram does for some unknown tokens."""

    class NotFound(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode()
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/bot"
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("verbosity", [[], ["-vv"], ["--log-level", "DEBUG"]])
def test_rejected_token_is_one_line(tmp_path: Path, stub: BotApiStub, verbosity: list[str]) -> None:
    result = run_bot(tmp_path, "run", *verbosity, TELEGRAM_BOT_TOKEN=OTHER_TOKEN, TELEGRAM_BASE_URL=stub.base_url)
    assert_one_clear_line(result, "TELEGRAM_BOT_TOKEN", "@BotFather", verbose=bool(verbosity))
    assert stub.tried("getMe") == [], "the stand-in counts only its own token's calls"
    assert not (tmp_path / "data" / "meetings.db").exists(), "refused before the collection is opened"


def test_token_answered_404_is_one_line(tmp_path: Path) -> None:
    with answering_404() as base_url:
        result = run_bot(tmp_path, "run", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=base_url)
    assert_one_clear_line(result, "TELEGRAM_BOT_TOKEN")


@pytest.mark.parametrize("verbosity", [[], ["-vv"]])
def test_unreachable_bot_api_is_one_line(tmp_path: Path, verbosity: list[str]) -> None:
    port = closed_port()
    result = run_bot(tmp_path, "run", *verbosity, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot")
    assert_one_clear_line(result, f"127.0.0.1:{port}", "TELEGRAM_BASE_URL", verbose=bool(verbosity))
    said = result.stderr.strip().splitlines()
    assert "连不上 Bot API" in said[-1] and "ConnectError" not in said[-1], "the line is Chinese"
    assert "ConnectError" in "\n".join(said[:-1]), "the network library's words are in the log line before it"


@pytest.mark.parametrize(("settings", "named"), [
    ({}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "123:short"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "QUESTIONS_PER_MINUTE": "many"}, "QUESTIONS_PER_MINUTE"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "ADMIN_IDS": "alice"}, "ADMIN_IDS"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
])
def test_missing_or_malformed_setting_is_one_line(tmp_path: Path, settings: dict[str, str], named: str) -> None:
    assert_one_clear_line(run_bot(tmp_path, "run", **settings), named)


def test_start_line_then_one_line_per_question_without_its_text(tmp_path: Path, stub: BotApiStub) -> None:
    """The bar: a normal start logs its start line; answering ten questions logs ten lines, no text."""
    from bot import __version__

    environment = bot_environment(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=stub.base_url,
                                  TELEGRAM_BASE_FILE_URL=stub.base_file_url, LOG_FORMAT="json")
    log_file = tmp_path / "bot.log"
    questions = [f"第{number}次会议对高标准农田提出了什么要求" for number in range(1, 11)]
    with log_file.open("w") as log:  # a file, not a pipe: the bot never waits for the test to read its log
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=environment,
                                   stderr=log, stdout=subprocess.DEVNULL)
    try:
        _wait(lambda: "Application started" in log_file.read_text(encoding="utf-8"), process)
        for question in questions:
            stub.send_text(10, 42, question)
        _wait(lambda: len(stub.sent("sendMessage", chat_id=10)) >= 10, process)
        process.send_signal(signal.SIGTERM)  # PTB stops on it once started
        process.wait(timeout=30)
    finally:
        process.kill()
    logged = log_file.read_text(encoding="utf-8")
    assert process.returncode == 0, logged
    records = [json.loads(line) for line in logged.splitlines()]  # every line a JSON object
    (start,) = [record for record in records if record["message"].startswith("meeting-bot ")]
    assert start["level"] == "INFO" and start["logger"] == "bot.app"
    message = start["message"]
    assert f"meeting-bot {__version__}" in message and f"@{BOT_USER['username']}" in message
    assert str(tmp_path / "data" / "meetings.db") in message
    assert "5 documents" in message, "the five seeds"
    generation = next((tmp_path / "data" / "meetings.db.tantivy").iterdir()).name
    assert f"index generation {generation}" in message
    handled = [record for record in records if record["message"].startswith("handled question")]
    assert len(handled) == 10 and all(record["level"] == "INFO" for record in handled)
    for secret in [TOKEN.split(":")[1], *questions, "高标准农田"]:
        assert secret not in logged


def _wait(done: Callable[[], bool], process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert process.poll() is None, "the bot ended"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
