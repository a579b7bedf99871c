"""The command line, run in-process (and once as ``python -m bot``)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from index.collection import Collection
from index.read import SUPPORTED_SUFFIXES
from tests.conftest import MEETING_REPORT

PROJECT = Path(__file__).resolve().parents[1]
RESULT_KEYS = {"doc_id", "title", "date", "source", "page", "paragraph", "ocr", "text", "score"}


def _stdin(text: str | bytes) -> io.TextIOWrapper:
    """Standard input holding ``text`` (bytes as they are), with the byte stream beneath it as a real one has."""
    return io.TextIOWrapper(io.BytesIO(text.encode() if isinstance(text, str) else text), encoding="utf-8")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings point at tmp_path; no .env of the developer's is read."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def indexed(env: Path, meeting_files: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = env / "cli.db"
    assert main(["index", str(meeting_files), "--db", str(db)]) == 0
    capsys.readouterr()
    return db


def test_index_prints_added_then_unchanged(env: Path, meeting_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (meeting_files / "notes.xlsx").write_bytes(b"PK\x03\x04")
    db = env / "cli.db"

    assert main(["index", str(meeting_files), "--db", str(db)]) == 0
    first = capsys.readouterr().out.splitlines()
    added = [line for line in first if line.startswith("添加 ")]
    assert len(added) == 2
    assert any("秋粮收购" in line for line in added) and any("河湖长制" in line for line in added)
    assert any(line.startswith("跳过") and "notes.xlsx" in line and "不支持的文件类型 .xlsx" in line for line in first)
    assert first[-1] == "共添加 2 份，未变 0 份，跳过 1 份"

    assert main(["index", str(meeting_files), "--db", str(db)]) == 0
    second = capsys.readouterr().out.splitlines()
    assert not any(line.startswith("添加 ") for line in second)
    assert sorted(line.split(maxsplit=1)[1] for line in second if line.startswith("未变 ")) == sorted(
        [str(meeting_files / "grain.txt"), str(meeting_files / "river.txt")]
    )
    assert second[-1] == "共添加 0 份，未变 2 份，跳过 1 份"


def test_index_without_paths_is_a_usage_error(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--db", str(env / "cli.db")]) == 2
    assert "请给出文件或文件夹" in capsys.readouterr().err


def test_index_of_only_unreadable_files_fails(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = env / "empty.txt"
    bad.write_bytes(b"")
    assert main(["index", str(bad), "--db", str(env / "cli.db")]) == 1
    assert "跳过" in capsys.readouterr().out


def test_index_does_not_touch_data_dir_when_db_given(env: Path, meeting_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["index", str(meeting_files), "--db", str(env / "cli.db")])
    assert not (env / "data" / "meetings.db").exists()


def test_ask_json_prints_one_object_with_documented_keys(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--db", str(indexed), "秋粮收购有什么要求"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert set(answer) == {"query", "results"}
    assert answer["query"] == "秋粮收购有什么要求"
    assert answer["results"], "the grain meeting answers this"
    for result in answer["results"]:
        assert set(result) == RESULT_KEYS
        assert isinstance(result["paragraph"], int) and isinstance(result["score"], float)
        assert result["page"] is None and result["ocr"] is False, "text files have no pages"
    top = answer["results"][0]
    assert "秋粮" in top["title"] and "秋粮" in top["text"]
    assert top["date"] == "2023-09-12"
    assert top["source"] == "http://nyj.example.gov.cn/xw/202309/t20230913_1.html"
    scores = [result["score"] for result in answer["results"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_json_k_limits_results(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "--json", "-k", "1", "--db", str(indexed), "秋粮收购有什么要求"])
    assert len(json.loads(capsys.readouterr().out)["results"]) == 1


def test_ask_json_unrelated_question_gives_empty_results(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "--json", "--db", str(indexed), "载人航天发射计划"])
    assert json.loads(capsys.readouterr().out) == {"query": "载人航天发射计划", "results": []}


def test_ask_text_output_names_source(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--db", str(indexed), "河道清淤"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("问：河道清淤")
    assert "河湖长制" in out and "【" in out


def test_ask_batch_mode_answers_each_line_in_order(
    indexed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        {"turns": ["河道清淤"]},
        {"turns": ["秋粮收购工作", "具体时间节点呢"]},
        {"turns": ["载人航天发射计划"]},
        {"turns": ["秋粮收购有什么要求"]},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n"
    monkeypatch.setattr(sys, "stdin", _stdin(stdin))
    assert main(["ask", "--json", "--db", str(indexed)]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [answer["query"] for answer in answers] == ["河道清淤", "具体时间节点呢", "载人航天发射计划", "秋粮收购有什么要求"]
    assert "河湖长制" in answers[0]["results"][0]["title"]
    assert answers[1]["results"], "the follow-up inherits the grain topic"
    assert "秋粮" in answers[1]["results"][0]["title"]
    assert answers[2]["results"] == []
    assert "秋粮" in answers[3]["results"][0]["title"]


def test_ask_batch_mode_reports_bad_lines_and_goes_on(
    indexed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = 'not json\n{"question": "x"}\n{"turns": []}\n{"turns": ["河道清淤"]}\n'
    monkeypatch.setattr(sys, "stdin", _stdin(stdin))
    assert main(["ask", "--json", "--db", str(indexed)]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(answers) == 4
    assert [set(answer) for answer in answers[:3]] == [{"line", "error"}] * 3
    assert [answer["line"] for answer in answers[:3]] == [1, 2, 3]
    assert answers[0]["error"].startswith("第 1 行") and answers[2]["error"].startswith("第 3 行")
    assert '{"turns": ["问题", …]}' in answers[1]["error"], "says what a line must hold, not just 'turns'"
    assert answers[3]["query"] == "河道清淤" and answers[3]["results"]


def test_ask_batch_mode_string_turns_is_not_split_into_characters(
    indexed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _stdin('{"turns": "河道清淤"}\n'))
    main(["ask", "--json", "--db", str(indexed)])
    (answer,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "error" in answer or answer["query"] == "河道清淤"


def test_ask_without_question_or_json_is_usage_error(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--db", str(indexed)]) == 2
    assert "--json" in capsys.readouterr().err


def test_docs_lists_documents(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "--db", str(indexed)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].split() == ["编号", "日期", "地点", "段落", "标题"]
    grain = next(line for line in lines if "秋粮收购" in line)
    assert "2023年9月12日" in grain
    river = next(line for line in lines if "河湖长制" in line)
    assert "5月8日（未注明年份）" in river


def test_docs_with_db_does_not_load_seeds(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "--db", str(env / "empty.db")]) == 0
    assert capsys.readouterr().out == ""


def _python_m_bot(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` run as a user runs it, its data in tmp_path."""
    environment = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "DATA_DIR"}}
    environment.update(DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(PROJECT), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        cwd=tmp_path, env=environment, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


def test_python_m_bot_answers_from_seeds(tmp_path: Path) -> None:
    completed = _python_m_bot(tmp_path, "ask", "--json", "会议对高标准农田提出了什么要求")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert answer["query"] == "会议对高标准农田提出了什么要求"
    assert answer["results"]
    for result in answer["results"]:
        assert set(result) == RESULT_KEYS
        assert "乡村振兴" in result["title"] or "高标准农田" in result["text"]
    assert "高标准农田" in answer["results"][0]["text"]
    assert (tmp_path / "data" / "meetings.db").exists(), "the seeds are indexed into DATA_DIR"


def test_index_reports_bad_inputs_in_chinese(tmp_path: Path) -> None:
    """Every line `meeting-bot index` writes of a folder of bad inputs and one good file is Chinese:
    no English word outside the paths, suffixes and document ids it names."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "rows.jsonl").write_text('{"text": 没有引号的正文}\n', encoding="utf-8")
    (folder / ".hidden.txt").write_text(MEETING_REPORT, encoding="utf-8")
    (folder / "grain.txt").write_text(MEETING_REPORT, encoding="utf-8")
    db = tmp_path / "c.db"

    completed = _python_m_bot(tmp_path, "index", str(folder), "--db", str(db))

    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[-1] == "共添加 1 份，未变 0 份，跳过 5 份"
    assert sorted(line.split("：")[0].split()[-1] for line in lines if line.startswith("跳过")) == sorted(
        str(folder / name) for name in (".hidden.txt", "empty.txt", "junk.txt", "rows.jsonl:1", "table.xlsx")
    ), "each bad input has its line"
    with contextlib.closing(Collection(db)) as collection:
        ids = [record.id for record in collection.documents()]
    format_names = ["JSON"]  # what a .jsonl line must be, named as the admin who made it knows it
    literals = [str(path) for path in folder.iterdir()] + ids + sorted(SUPPORTED_SUFFIXES | {".xlsx"}) + format_names
    said = completed.stdout + completed.stderr
    for literal in sorted(literals, key=len, reverse=True):
        said = said.replace(literal, " ")
    assert not re.findall(r"[A-Za-z]{3,}", said), completed.stdout + completed.stderr
