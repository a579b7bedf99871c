"""``meeting-bot ask --json`` reading question lines from standard input: each bad line gets its
own one-line error, the others their answers, and the output is valid UTF-8 whatever came in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import MAX_BATCH_LINE_BYTES, main
from tests.test_cli import PROJECT, _stdin, env, indexed  # noqa: F401  (fixtures)

GOOD = json.dumps({"turns": ["河道清淤"]}, ensure_ascii=False).encode()


def _batch(indexed: Path, stdin: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", _stdin(stdin))
    assert main(["ask", "--json", "--db", str(indexed)]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_deeply_nested_line_is_its_own_error(indexed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    nested = b'{"turns": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    answers = _batch(indexed, GOOD + b"\n" + nested + b"\n" + GOOD + b"\n", monkeypatch, capsys)
    assert [answer.get("line") for answer in answers] == [None, 2, None]
    assert "嵌套太深" in answers[1]["error"]
    assert answers[0]["results"] and answers[2]["results"]


def test_overlong_line_is_refused_unread_and_the_next_answered(
    indexed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    long_line = b'{"turns": ["' + b"a" * (2 * MAX_BATCH_LINE_BYTES) + b'"]}'
    answers = _batch(indexed, long_line + b"\n" + GOOD + b"\n", monkeypatch, capsys)
    assert len(answers) == 2 and answers[0]["line"] == 1 and "太长" in answers[0]["error"]
    assert answers[1]["query"] == "河道清淤"


@pytest.mark.parametrize("turns", [[1, "河道清淤"], [None], ["河道清淤", ["具体措施呢"]], "河道清淤", {"0": "河道清淤"}])
def test_turns_must_be_a_list_of_strings(
    indexed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], turns: object
) -> None:
    (answer,) = _batch(indexed, json.dumps({"turns": turns}).encode() + b"\n", monkeypatch, capsys)
    assert set(answer) == {"line", "error"} and "字符串列表" in answer["error"]


@pytest.mark.parametrize("line", [b"[]", b'"turns"', b'{"question": "x"}', b"{}"])
def test_line_without_turns_says_what_a_line_holds(
    indexed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], line: bytes
) -> None:
    (answer,) = _batch(indexed, line + b"\n", monkeypatch, capsys)
    assert answer["error"] == '第 1 行：应是 {"turns": ["问题", …]} 形式的对象'


def _process(indexed: Path, args: list[str | bytes], stdin: bytes, io_encoding: str) -> subprocess.CompletedProcess[bytes]:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PROJECT), "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": io_encoding, "DATA_DIR": str(indexed.parent / "data"),
    }
    return subprocess.run([sys.executable, "-m", "bot", "ask", "--db", str(indexed), *args], input=stdin,
                          capture_output=True, env=environment, cwd=indexed.parent, timeout=120)


# Under C.UTF-8 Python reads and writes with surrogateescape; under another UTF-8 locale strictly.
ENCODINGS = ["utf-8:surrogateescape", "utf-8:strict"]


@pytest.mark.parametrize("io_encoding", ENCODINGS)
def test_invalid_utf8_lines_get_a_clear_error_line(indexed: Path, io_encoding: str) -> None:
    stdin = b'{"turns": ["\xff\xfe\xb2\xbb"]}\n' + GOOD + b"\n" + b"{\"turns\": [\"\xe6\xb2\"]}\n" + '{"turns": ["河道清淤"]}'.encode("gbk") + b"\n"
    result = _process(indexed, ["--json"], stdin, io_encoding)
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
    answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]  # strict: valid UTF-8
    assert [answer.get("line") for answer in answers] == [1, None, 3, 4]
    assert all("不是有效的 UTF-8" in answers[index]["error"] for index in (0, 2, 3))
    assert answers[1]["query"] == "河道清淤" and answers[1]["results"]


@pytest.mark.parametrize("io_encoding", ENCODINGS)
def test_lone_surrogates_in_arguments_and_lines_give_valid_utf8(indexed: Path, io_encoding: str) -> None:
    argument = _process(indexed, ["--json", b"\xff\xed\xa0\x80" + "河道清淤".encode()], b"", io_encoding)
    assert argument.returncode == 0 and b"Traceback" not in argument.stderr, argument.stderr
    answer = json.loads(argument.stdout.decode("utf-8"))
    assert answer["query"].endswith("河道清淤") and "\ufffd" in answer["query"] and answer["results"]

    text = _process(indexed, [b"\xff" + "河道清淤".encode()], b"", io_encoding)
    assert text.returncode == 0 and b"Traceback" not in text.stderr
    assert "河湖长制" in text.stdout.decode("utf-8")

    escaped = _process(indexed, ["--json"], b'{"turns": ["\\ud800\\u6cb3\\u9053\\u6e05\\u6de4"]}\n', io_encoding)
    (line,) = escaped.stdout.decode("utf-8").splitlines()
    assert json.loads(line)["query"] == "\ufffd河道清淤"
