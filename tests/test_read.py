"""Reading files: encodings, formats, one-line errors, .jsonl rows, folders, content ids."""

from __future__ import annotations

import codecs
import io
import json
from pathlib import Path

import pytest

from index.errors import Unreadable
from index.read import (
    EMPTY_FILE, HIDDEN, NO_TEXT, NOT_FOUND, ReadError, SourceText, content_id, decode, read_bytes, read_document, read_path, unsupported,
)

SIMPLIFIED = (
    "县农业农村局召开秋粮收购工作推进会，局长张建国主持会议并讲话。"
    "张建国强调，要全力做好秋粮收购准备，确保仓容充足、资金到位，严禁压级压价，切实保护种粮农民利益。"
)
TRADITIONAL = (
    "縣農業農村局召開秋糧收購工作推進會，局長張建國主持會議並講話。"
    "張建國強調，要全力做好秋糧收購準備，確保倉容充足、資金到位，嚴禁壓級壓價，切實保護種糧農民利益。"
)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk"])
def test_simplified_text_decodes_in_each_encoding(encoding: str) -> None:
    data = SIMPLIFIED.encode(encoding)
    assert decode(data) == SIMPLIFIED


def test_utf8_with_bom_drops_the_bom() -> None:
    data = codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")
    decoded = decode(data)
    assert decoded == SIMPLIFIED
    assert not decoded.startswith("\ufeff")


def test_utf16_with_bom_decodes() -> None:
    assert decode(SIMPLIFIED.encode("utf-16")) == SIMPLIFIED


def test_big5_traditional_text_decodes() -> None:
    data = TRADITIONAL.encode("big5")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the detection path, not the UTF-8 shortcut, is under test
    assert decode(data) == TRADITIONAL


def test_gbk_file_read_through_read_document_keeps_text() -> None:
    result = read_document("report.txt", SIMPLIFIED.encode("gbk"))
    assert isinstance(result, SourceText)
    assert result.text == SIMPLIFIED
    assert result.format == "txt"


def test_binary_data_is_a_read_error() -> None:
    result = read_document("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02")
    assert isinstance(result, ReadError)
    assert result.reason == "无法读取 .txt 文件：是二进制数据，不是文本"


def test_decode_rejects_binary() -> None:
    with pytest.raises(Unreadable, match="二进制"):
        decode(b"abc\x00def")


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t "])
def test_empty_file_is_a_read_error(data: bytes) -> None:
    result = read_document("empty.txt", data)
    assert isinstance(result, ReadError)
    assert result.reason == EMPTY_FILE


def test_file_of_invisible_characters_only_is_a_read_error() -> None:
    result = read_document("blank.txt", "\u200b\u200c\u2060\n".encode("utf-8"))
    assert isinstance(result, ReadError)
    assert result.reason == NO_TEXT


@pytest.mark.parametrize("name", ["table.xlsx", "slides.pptx", "README"])
def test_unsupported_suffix_is_a_read_error(name: str) -> None:
    result = read_document(name, SIMPLIFIED.encode("utf-8"))
    assert isinstance(result, ReadError)
    assert result.reason == unsupported(Path(name).suffix, listing=True) and ".docx" in result.reason


def test_unsupported_suffix_in_read_path(tmp_path: Path) -> None:
    path = tmp_path / "notes.rtf"
    path.write_text(SIMPLIFIED, encoding="utf-8")
    (result,) = list(read_path(path))
    assert isinstance(result, ReadError) and result.reason == "不支持的文件类型 .rtf"


@pytest.mark.parametrize("name", ["nowhere.txt", "mistyped-folder"])
def test_missing_path_is_a_read_error(tmp_path: Path, name: str) -> None:
    (result,) = list(read_path(tmp_path / name))
    assert isinstance(result, ReadError) and result.reason == NOT_FOUND, "not judged by a suffix it has not"


def _docx_bytes(paragraphs: list[str], table_row: list[str] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table_row:
        table = document.add_table(rows=1, cols=len(table_row))
        for cell, text in zip(table.rows[0].cells, table_row):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_is_read(tmp_path: Path) -> None:
    path = tmp_path / "meeting.docx"
    path.write_bytes(
        _docx_bytes(
            ["市委召开乡村振兴工作会议", "会议要求加快推进高标准农田建设。"],
            table_row=["牵头单位", "市农业农村局"],
        )
    )
    (result,) = list(read_path(path))
    assert isinstance(result, SourceText)
    assert result.format == "docx"
    lines = result.text.splitlines()
    assert lines[:2] == ["市委召开乡村振兴工作会议", "会议要求加快推进高标准农田建设。"]
    assert "牵头单位" in result.text and "市农业农村局" in result.text
    assert result.original == path.read_bytes()


def test_corrupt_docx_gives_one_line_reason() -> None:
    import random

    rng = random.Random(7)
    garbage = bytes(rng.randrange(256) for _ in range(2048))
    result = read_document("broken.docx", garbage)
    assert isinstance(result, ReadError)
    assert result.name == "broken.docx"
    assert result.reason == "无法读取 .docx 文件：文件已损坏，或不是真正的 .docx 文件"
    assert "\n" not in result.reason and result.reason.strip()


def test_blank_pdf_is_a_read_error() -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    result = read_document("blank.pdf", buffer.getvalue())
    assert isinstance(result, ReadError)
    assert result.reason == NO_TEXT
    assert "\n" not in result.reason


def test_corrupt_pdf_gives_one_line_reason() -> None:
    result = read_document("broken.pdf", b"%PDF-1.4\nthis is not really a pdf\n")
    assert isinstance(result, ReadError)
    assert result.reason == "无法读取 .pdf 文件：文件已损坏，或不是真正的 .pdf 文件"
    assert "\n" not in result.reason


def _jsonl(*rows: object) -> bytes:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    return "\n".join(lines).encode("utf-8")


def test_jsonl_rows_keep_id_title_date_source() -> None:
    data = _jsonl(
        {"id": "m-1", "title": "秋粮收购推进会", "date": "2023-09-12", "source": "http://a.example.cn/1.html",
         "text": "9月12日，县农业农村局召开秋粮收购工作推进会。"},
        {"id": "m-2", "title": "河湖长制工作会议", "source_url": "http://b.example.cn/2.html",
         "text": "市水利局召开河湖长制工作会议。"},
    )
    first, second = list(read_bytes("archive.jsonl", data))
    assert isinstance(first, SourceText) and isinstance(second, SourceText)
    assert (first.doc_id, first.title, first.date, first.source) == (
        "m-1", "秋粮收购推进会", "2023-09-12", "http://a.example.cn/1.html",
    )
    assert first.text == "9月12日，县农业农村局召开秋粮收购工作推进会。"
    assert first.format == "jsonl"
    assert first.name == "archive.jsonl#m-1"
    assert second.source == "http://b.example.cn/2.html", "source_url is accepted as the source"
    assert second.date is None


def test_jsonl_bad_line_is_an_error_and_the_others_load(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl"
    path.write_bytes(
        _jsonl(
            {"id": "a", "text": "第一篇会议报道的正文。"},
            "{this is not json",
            {"id": "c", "text": ""},
            "",
            {"id": "d", "text": "第四行的会议报道正文。"},
        )
    )
    results = list(read_path(path))
    loaded = [item for item in results if isinstance(item, SourceText)]
    errors = [item for item in results if isinstance(item, ReadError)]
    assert [item.doc_id for item in loaded] == ["a", "d"]
    assert [error.name for error in errors] == [f"{path}:2", f"{path}:3"]
    assert all("\n" not in error.reason for error in errors)


def test_jsonl_row_without_id_is_named_by_line_number() -> None:
    (row,) = list(read_bytes("x.jsonl", _jsonl({"text": "会议正文。"})))
    assert isinstance(row, SourceText)
    assert row.doc_id is None and row.name == "x.jsonl#1"


def test_folder_is_walked_recursively(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "top.txt").write_text("顶层文件中的会议报道。", encoding="utf-8")
    (tmp_path / "a" / "middle.md").write_text("中间一层的会议纪要。", encoding="utf-8")
    (tmp_path / "a" / "b" / "deep.txt").write_bytes("最深一层的讲话稿，使用国标编码保存。".encode("gb18030"))
    (tmp_path / "a" / "b" / "rows.jsonl").write_bytes(_jsonl({"id": "r1", "text": "归档文件中的一篇报道。"}))
    (tmp_path / "a" / ".hidden.txt").write_text("隐藏文件不应读取。", encoding="utf-8")
    (tmp_path / "a" / "b" / "table.xlsx").write_bytes(b"PK\x03\x04")

    results = list(read_path(tmp_path))
    texts = sorted(item.text for item in results if isinstance(item, SourceText))
    assert texts == sorted(
        ["顶层文件中的会议报道。", "中间一层的会议纪要。", "最深一层的讲话稿，使用国标编码保存。", "归档文件中的一篇报道。"]
    )
    errors = [item for item in results if isinstance(item, ReadError)]
    assert [(Path(error.name).name, error.reason) for error in errors] == [
        (".hidden.txt", HIDDEN), ("table.xlsx", "不支持的文件类型 .xlsx")
    ], "each file left out says why"
    assert not any("隐藏" in item.text for item in results if isinstance(item, SourceText))


def test_folder_order_is_stable(tmp_path: Path) -> None:
    for name in ["c.txt", "a.txt", "b.txt"]:
        (tmp_path / name).write_text(f"文件{name}的会议内容。", encoding="utf-8")
    names = [Path(item.name).name for item in read_path(tmp_path)]
    assert names == ["a.txt", "b.txt", "c.txt"]


def test_content_id_ignores_line_endings() -> None:
    lf = "县委召开常委会议\n会议研究部署春耕生产工作。\n"
    crlf = lf.replace("\n", "\r\n")
    assert content_id(lf) == content_id(crlf)
    assert content_id(lf) != content_id(lf.replace("春耕", "秋收"))


def test_same_text_in_crlf_and_bom_files_reads_to_same_id() -> None:
    lf = "县委召开常委会议\n会议研究部署春耕生产工作。\n"
    a = read_document("a.txt", lf.encode("utf-8"))
    b = read_document("b.txt", codecs.BOM_UTF8 + lf.replace("\n", "\r\n").encode("utf-8"))
    c = read_document("c.txt", lf.replace("\n", "\r\n").encode("gb18030"))
    assert isinstance(a, SourceText) and isinstance(b, SourceText) and isinstance(c, SourceText)
    assert content_id(a.text) == content_id(b.text) == content_id(c.text)
