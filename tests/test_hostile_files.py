"""Hostile files in a folder walk and in index input: the walk stays inside the folder, skips what
is no regular file or is hidden (saying so), one bad input never stops the others, every input is
bounded before and while it is read, and an archive's ids never replace another file's documents.

Peak memory and seconds of these cases are printed by `benchmarks/hostile_files.py`.
"""

from __future__ import annotations

import io
import json
import os
import struct
import threading
import zipfile
from pathlib import Path

import pytest

from index.chunk import MAX_SENTENCE_CHARS
from index.clean import FOLD_CHARS, clean
from index.collection import Collection
from index.document import build_document
from index.docx_reader import MAX_UNPACKED_MARKUP_BYTES
from index.read import HIDDEN, ReadError, SourceText, read_bytes, read_path
from tests.conftest import MEETING_REPORT, RIVER_REPORT
from tests.test_hostile_inputs import DOCX, library, traced_peak  # noqa: F401 (a fixture)

SECRET = "机密文件：不应被收录的内部通报。\n\n会议要求，严格保守秘密，不得外传。\n"


def _reasons(results: list) -> dict[str, str]:
    return {Path(item.name).name: item.reason for item in results if isinstance(item, ReadError)}


def _texts(results: list) -> list[str]:
    return [item.text for item in results if isinstance(item, SourceText)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with one good report, next to a secret file outside it."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET, encoding="utf-8")
    inside = tmp_path / "docs"
    inside.mkdir()
    (inside / "grain.txt").write_text(MEETING_REPORT, encoding="utf-8")
    return inside


def test_links_out_of_the_folder_are_not_followed(folder: Path, tmp_path: Path) -> None:
    (folder / "secret.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "up").symlink_to(tmp_path / "outside")
    (folder / "copy.txt").symlink_to(folder / "grain.txt")  # inside the folder: read
    results = list(read_path(folder))
    reasons = _reasons(results)
    assert reasons["secret.txt"] == reasons["zero.txt"] == reasons["up"] == "符号链接指向文件夹之外，不跟随"
    assert not any("机密" in text for text in _texts(results))
    assert _texts(results) == [MEETING_REPORT, MEETING_REPORT]


def test_a_link_to_a_folder_inside_is_not_followed(folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to(folder)
    assert _reasons(list(read_path(folder)))["loop"] == "符号链接指向文件夹，不跟随"


def test_special_and_hidden_files_are_skipped_with_a_reason(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")
    (folder / ".hidden.txt").write_text(SECRET, encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "notes.txt").write_text(SECRET, encoding="utf-8")
    results: list = []
    walker = threading.Thread(target=lambda: results.extend(read_path(folder)), daemon=True)
    walker.start()
    walker.join(10)
    assert not walker.is_alive(), "a FIFO blocked the walk"
    reasons = _reasons(results)
    assert reasons["pipe.txt"] == "不是普通文件（命名管道）"
    assert reasons[".hidden.txt"] == reasons[".git"] == HIDDEN
    assert _texts(results) == [MEETING_REPORT]


def test_a_device_named_directly_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # a link the admin names is followed, to what it is
    (result,) = list(read_path(tmp_path / "zero.txt"))
    assert isinstance(result, ReadError) and result.reason == "不是普通文件（设备）"


def test_a_fifo_named_directly_is_skipped(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "named.txt")
    (result,) = list(read_path(tmp_path / "named.txt"))
    assert isinstance(result, ReadError) and result.reason == "不是普通文件（命名管道）"


def deep_folder(root: Path) -> None:
    """A report in folders nested past PATH_MAX (made relative to open folders, as only that can)."""
    descriptor = os.open(root, os.O_RDONLY)
    try:
        for _level in range(20):
            os.mkdir("d" * 250, dir_fd=descriptor)
            deeper = os.open("d" * 250, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = deeper
        report = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
        os.write(report, RIVER_REPORT.encode())
        os.close(report)
    finally:
        os.close(descriptor)


def test_a_path_past_path_max_is_reported_and_the_others_added(collection: Collection, folder: Path) -> None:
    deep_folder(folder)
    report = collection.add_paths([folder])
    assert [record.name for record in report.added] == [str(folder / "grain.txt")]
    (error,) = report.skipped
    assert len(error.name) > 4096 and error.reason == "无法列出文件夹：路径太长"


def test_a_deeply_nested_jsonl_line_is_reported_and_the_others_added(collection: Collection, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": MEETING_REPORT}, ensure_ascii=False),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"id": "b", "text": RIVER_REPORT}, ensure_ascii=False),
    ]
    (tmp_path / "archive.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = collection.add_paths([tmp_path / "archive.jsonl"])
    assert sorted(record.id for record in report.added) == ["a", "b"]
    (error,) = report.skipped
    assert error.name.endswith("archive.jsonl:2") and error.reason == "不是有效的 JSON（嵌套太深）"


def _archive(path: Path, texts: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps({"id": key, "text": text}, ensure_ascii=False) for key, text in texts.items()),
                    encoding="utf-8")
    return path


def test_an_archive_never_replaces_another_files_documents(collection: Collection, tmp_path: Path) -> None:
    first = _archive(tmp_path / "2023" / "a.jsonl", {"1": MEETING_REPORT, "2": RIVER_REPORT})
    second = _archive(tmp_path / "2024" / "a.jsonl", {"1": SECRET, "3": SECRET.replace("机密", "另一份")})
    assert len(collection.add_paths([first]).added) == 2
    report = collection.add_paths([second])
    assert [record.id for record in report.added] == ["3"]
    (refused,) = report.skipped
    assert refused.name == f"{second}#1" and f"已被 {first}#1 使用" in refused.reason
    assert collection.document("1").name == f"{first}#1", "the first archive's document is still there"
    again = _archive(first, {"1": MEETING_REPORT.replace("秋粮", "夏粮"), "2": RIVER_REPORT})
    assert [record.id for record in collection.add_paths([again]).added] == ["1"], "its own archive replaces it"


def test_an_id_given_twice_in_one_run_keeps_the_first(collection: Collection) -> None:
    data = "\n".join(json.dumps({"id": "7", "text": text}, ensure_ascii=False) for text in (MEETING_REPORT, RIVER_REPORT))
    report = collection.add_sources(read_bytes("twice.jsonl", data.encode()))
    assert [record.title for record in report.added] == [collection.document("7").title]
    assert "秋粮" in collection.document("7").title
    assert len(report.skipped) == 1 and "本次先读入的 twice.jsonl#7" in report.skipped[0].reason


@pytest.mark.parametrize("line", ["字", "一、", "是，"])
def test_a_text_cut_into_tiny_lines_costs_by_its_characters(line: str) -> None:
    """3 M one-character lines were 3 M paragraphs: a minute and 2.8 GB."""
    text = f"{line}\n" * 200_000
    paragraphs = clean(text).paragraphs
    characters = len(text) - text.count("\n")
    assert len(paragraphs) <= 2 * characters / FOLD_CHARS * 2 + 1
    document = build_document(SourceText("tiny.txt", text, "txt", text.encode()))
    assert document is not None and len(document.chunks) <= len(paragraphs) + characters * 2 // MAX_SENTENCE_CHARS + 1


def test_ordinary_short_lines_are_not_folded() -> None:
    report = "会议纪要\n\n一、总体要求\n（一）指导思想\n" + "会议要求，要加快推进高标准农田建设，确保按期完成任务。\n" * 3
    assert clean(report).paragraphs[:3] == ["会议纪要", "一、总体要求", "（一）指导思想"]


def test_a_text_without_sentence_ends_is_cut_into_bounded_chunks() -> None:
    text = "会议要求" + "加快推进高标准农田建设" * 50_000
    document = build_document(SourceText("run-on.txt", text, "txt", text.encode()))
    assert document is not None and max(len(chunk.text) for chunk in document.chunks) <= MAX_SENTENCE_CHARS


def understated(docx: bytes, member: str) -> bytes:
    """``docx`` with ``member``'s stated unpacked size cut to 1 KB in both its headers."""
    data = bytearray(docx)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        info = archive.getinfo(member)
    name = member.encode()
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, 1024)
    central = data.index(b"PK\x01\x02")
    while data[central + 46: central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 1024)
    return bytes(data)


def tiny_paragraphs_docx(markup_bytes: int) -> bytes:
    """A small .docx whose document.xml unzips to ``markup_bytes`` of one-letter paragraphs."""
    paragraph = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(DOCX)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))
                continue
            head, tail = source.read(info).split(b"<w:body>")
            with target.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(head + b"<w:body>")
                for _ in range(markup_bytes // len(paragraph) // 10_000 + 1):
                    member.write(paragraph * 10_000)
                member.write(tail)
    return buffer.getvalue()


def test_a_docx_of_tiny_paragraphs_is_refused_before_it_is_parsed(library: Collection) -> None:
    bomb = tiny_paragraphs_docx(MAX_UNPACKED_MARKUP_BYTES + (1 << 20))
    assert len(bomb) < 1 << 20
    report, peak = traced_peak(lambda: library.add_file("tiny.docx", bomb))
    (error,) = report.skipped
    assert "解压后文字标记太多" in error.reason and not report.added
    assert peak < 16 << 20, f"{peak >> 20} MB held while refusing it"


def test_a_docx_whose_header_understates_its_size_is_refused(library: Collection) -> None:
    bomb = understated(tiny_paragraphs_docx(MAX_UNPACKED_MARKUP_BYTES + (1 << 20)), "word/document.xml")
    report, peak = traced_peak(lambda: library.add_file("understated.docx", bomb))
    assert not report.added and len(report.skipped) == 1, report
    assert peak < 16 << 20, f"{peak >> 20} MB held while refusing it"
