"""The command line as people use it: options, errors in one line, pipes, the terminal chat,
the documents table, and settings read only for the commands that need them."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wcwidth import wcswidth

from bot import __version__
from bot.cli import build_parser, main
from tests.test_cli import PROJECT, env, indexed  # noqa: F401  (fixtures)


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PROJECT), "LANG": "C.UTF-8",
            "DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path), **settings}


def test_version_is_the_package_version(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True,
                            env=_environment(tmp_path), cwd=tmp_path, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"meeting-bot {__version__}"


@pytest.mark.parametrize("argv", [["docs"], ["ask", "河道清淤"], ["index", "."], ["digest", "x"], ["timeline", "河道"]])
def test_db_in_a_missing_folder_is_a_one_line_error(env: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    db = env / "no-such-folder" / "meetings.db"
    assert main([*argv, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(db.parent) in err and "不存在" in err
    assert not db.parent.exists(), "no empty catalogue is made"


@pytest.mark.parametrize("value", ["0", "-1", "two"])
@pytest.mark.parametrize("command", ["ask", "chat"])
def test_k_below_one_is_refused(value: str, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args([command, "-k", value, *(["question"] if command == "ask" else [])])
    assert exit.value.code == 2 and "at least 1" in capsys.readouterr().err


def test_output_into_a_closed_pipe_ends_without_traceback(indexed: Path, tmp_path: Path) -> None:
    """`meeting-bot ask --json < many.jsonl | head -1`: the reader leaves after one line."""
    questions = b"".join(json.dumps({"turns": ["河道清淤"]}).encode() + b"\n" for _ in range(400))
    process = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json", "--db", str(indexed)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=_environment(tmp_path), cwd=tmp_path)
    process.stdin.write(questions)
    process.stdin.close()
    assert json.loads(process.stdout.readline())["query"] == "河道清淤"
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 1
    assert stderr == b"", stderr


def test_docs_columns_line_up_however_wide_the_characters(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from index.collection import Collection

    documents = Collection(indexed).documents()
    assert main(["docs", "--db", str(indexed)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(documents) + 1
    titles = ["标题"] + [record.title for record in documents]
    title_columns = {wcswidth(line[: line.rindex(title)]) for line, title in zip(lines, titles)}
    date_columns = {wcswidth(line[: line.index(line.split()[1])]) for line in lines}
    assert len(title_columns) == 1 and len(date_columns) == 1, lines


def test_docs_json_gives_one_object_per_document(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "--json", "--db", str(indexed)]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(listed) == 2
    grain = next(entry for entry in listed if "秋粮收购" in entry["title"])
    assert grain["date"] == "2023-09-12" and grain["passages"] >= 1 and grain["characters"] > 0
    assert grain["source"] == "http://nyj.example.gov.cn/xw/202309/t20230913_1.html"
    assert set(grain) == {"id", "title", "date", "place", "source", "passages", "characters"}


def test_a_bad_bot_setting_does_not_stop_the_other_commands(
    indexed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUESTIONS_PER_MINUTE", "many")
    monkeypatch.setenv("ADMIN_IDS", "alice")
    assert main(["docs", "--db", str(indexed)]) == 0
    assert main(["ask", "--db", str(indexed), "河道清淤"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAtest_token_for_the_stand_in_server_xx")
    assert main(["run"]) == 2, "the bot needs them"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("QUESTIONS_PER_MINUTE" in err or "ADMIN_IDS" in err)


def _read_until(fd: int, wanted: bytes, timeout: float = 60) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise AssertionError(f"no {wanted!r} in {seen.decode(errors='replace')!r}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_chat_has_line_editing_and_does_not_repeat_the_question(indexed: Path, tmp_path: Path) -> None:
    """On a terminal: the cursor moved left with the arrow key puts 河道 before 清淤 (readline);
    the answer follows the typed question without echoing it as 问：…"""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "bot", "chat", "--db", str(indexed)], stdin=terminal,
                               stdout=terminal, stderr=terminal, env=_environment(tmp_path, TERM="xterm"),
                               cwd=tmp_path, close_fds=True)
    os.close(terminal)
    try:
        _read_until(controller, "问> ".encode())
        os.write(controller, "清淤".encode() + b"\x1b[D\x1b[D" + "河道".encode() + b"\r")
        answer = _read_until(controller, "问> ".encode()).decode("utf-8", errors="replace")
        os.write(controller, b"/quit\r")
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        os.close(controller)
    assert "河湖长制" in answer, answer
    assert "问：" not in answer, "the typed question is not echoed again"


@pytest.mark.parametrize("argv", [["ask", "河道清淤"], ["ask", "--json", "河道清淤"], ["docs"]])
def test_short_output_into_a_pipe_closed_at_once_ends_without_traceback(indexed: Path, tmp_path: Path, argv: list[str]) -> None:
    """`meeting-bot docs | true`: the reader is gone before anything is written."""
    process = subprocess.Popen([sys.executable, "-m", "bot", *argv, "--db", str(indexed)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=_environment(tmp_path), cwd=tmp_path)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 1
    assert stderr == b"", stderr
