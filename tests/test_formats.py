"""A meeting as an office has it: the .pdf LibreOffice printed from its plain text and from a laid-out
.docx, and a scan of a page, give the text's document and answers (fixtures in tests/documents/,
made by benchmarks/office_documents.py from the two meeting texts there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import index.ocr
from bot.cli import main
from bot.render import OCR_MARK, source_line
from index.collection import Collection
from index.document import build_document
from index.read import ReadError, read_document

DOCUMENTS = Path(__file__).parent / "documents"
QUESTIONS = {
    "farmland": ["高标准农田建设什么时候开工", "油菜播种面积有什么要求", "县财政局要做什么", "森林防火有什么部署"],
    "estates": ["夜间施工有什么规定", "物业服务企业星级评定", "加装电梯多少部", "居民议事会有什么作用"],
}
PDF_VARIANTS = ("plain.pdf", "laid.pdf")
needs_ocr = pytest.mark.skipif(not index.ocr.available(), reason="OCR extra not installed (pip install -e '.[ocr]')")


def _document(path: Path):
    source = read_document(path.name, path.read_bytes())
    assert not isinstance(source, ReadError), source
    return source, build_document(source)


def _top3(db: Path, path: Path, questions: list[str]) -> list[list[str]]:
    collection = Collection(db)
    try:
        report = collection.add_file(path.name, path.read_bytes())
        assert len(report.added) == 1, report.skipped
        return [[passage.text for passage in collection.ask([question]).passages[:3]] for question in questions]
    finally:
        collection.close()


@pytest.mark.parametrize("variant", PDF_VARIANTS)
@pytest.mark.parametrize("meeting", sorted(QUESTIONS))
def test_pdf_gives_the_texts_title_paragraphs_and_passages(meeting: str, variant: str, tmp_path: Path) -> None:
    _source, text = _document(DOCUMENTS / f"{meeting}.txt")
    _paged, pdf = _document(DOCUMENTS / f"{meeting}.{variant}")
    assert pdf.meta.title == text.meta.title
    assert pdf.meta.date == text.meta.date
    assert [chunk.text for chunk in pdf.chunks] == [chunk.text for chunk in text.chunks]
    questions = QUESTIONS[meeting]
    expected = _top3(tmp_path / "text.db", DOCUMENTS / f"{meeting}.txt", questions)
    assert all(expected), "every question is about the meeting"
    assert _top3(tmp_path / "pdf.db", DOCUMENTS / f"{meeting}.{variant}", questions) == expected


def test_chunks_know_the_page_they_start_on() -> None:
    source, document = _document(DOCUMENTS / "farmland.laid.pdf")
    assert [page.number for page in source.pages] == [1, 2]
    pages = [page.number for page in document.chunk_pages]
    assert pages[0] == 1 and pages[-1] == 2 and pages == sorted(pages)
    second_page = source.text[source.pages[1].start :]
    for chunk, page in zip(document.chunks, pages):
        assert (chunk.text in second_page) == (page == 2), chunk.text[:20]
    assert not any(page.ocr for page in document.chunk_pages)


def test_json_and_terminal_answers_name_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    db = str(tmp_path / "cli.db")
    assert main(["index", "--db", db, str(DOCUMENTS / "estates.laid.pdf"), str(DOCUMENTS / "farmland.txt")]) == 0
    capsys.readouterr()
    assert main(["ask", "--json", "--db", db, "物业服务企业星级评定"]) == 0
    top = json.loads(capsys.readouterr().out)["results"][0]
    assert "星级评定" in top["text"] and top["page"] == 2 and top["ocr"] is False
    assert main(["ask", "--json", "--db", db, "冬小麦播种面积"]) == 0
    top = json.loads(capsys.readouterr().out)["results"][0]
    assert "冬小麦" in top["text"] and top["page"] is None
    assert main(["ask", "--db", db, "物业服务企业星级评定"]) == 0
    assert "第2页 · 第" in capsys.readouterr().out


def test_a_catalogue_without_pages_gets_them_when_its_originals_are_processed_again(tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    db = tmp_path / "old.db"
    first = Collection(db)
    first.add_file("estates.laid.pdf", (DOCUMENTS / "estates.laid.pdf").read_bytes())
    first.close()
    with closing(sqlite3.connect(db)) as connection, connection:  # as schema 3 and pipeline 5 left it
        connection.execute("alter table chunks drop column page")
        connection.execute("alter table chunks drop column ocr")
        connection.execute("update meta set value = '5' where key = 'pipeline'")
    reopened = Collection(db)
    try:
        pages = [chunk.page for _document, chunk in reopened.store.iter_chunks()]
        assert set(pages) == {1, 2}
    finally:
        reopened.close()


@needs_ocr
@pytest.mark.parametrize("name, page", [("estates.scan.png", None), ("estates.scan.pdf", 1)])
def test_a_scanned_page_is_answered_with_the_right_passage_marked_as_ocr(name: str, page: int | None, tmp_path: Path) -> None:
    collection = Collection(tmp_path / "scan.db")
    try:
        collection.add_file("farmland.txt", (DOCUMENTS / "farmland.txt").read_bytes())  # not the only document
        report = collection.add_file(name, (DOCUMENTS / name).read_bytes())
        assert len(report.added) == 1, report.skipped
        assert "老旧小区改造" in report.added[0].title
        answer = collection.ask(["夜间施工有什么规定"])
        top = answer.passages[0]
        assert "22时至次日6时" in top.text and top.text.startswith("第二")
        assert top.ocr and top.page == page
        assert OCR_MARK in source_line(top) and ("第1页" in source_line(top)) == (page == 1)
    finally:
        collection.close()


def test_a_scan_without_the_ocr_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(index.ocr, "available", lambda: False)
    monkeypatch.setitem(sys.modules, "PIL", None)  # installed with the extra: absent too
    for name in ("estates.scan.png", "estates.scan.pdf"):
        result = read_document(name, (DOCUMENTS / name).read_bytes())
        assert isinstance(result, ReadError)
        assert result.reason == f"无法读取 {Path(name).suffix} 文件：{index.ocr.OcrMissing()}"
        assert index.ocr.INSTALL_HINT in result.reason and "\n" not in result.reason


def test_an_image_too_large_to_read_is_refused_before_its_pixels_are_decoded() -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (8000, 6000), 1).save(buffer, format="PNG")
    result = read_document("huge.png", buffer.getvalue())
    assert isinstance(result, ReadError) and result.reason == "无法读取 .png 文件：图片太大（8000×6000 像素，上限 4000 万像素）"


def test_a_scan_of_more_pages_than_ocr_reads_is_refused_before_any_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from PIL import Image

    from index.pdf_layout import MAX_OCR_PAGES

    def never(*_args: object) -> None:
        raise AssertionError("no page is read")

    monkeypatch.setattr(index.ocr, "image_lines", never)
    pages = [Image.new("L", (60, 80), 255) for _ in range(MAX_OCR_PAGES + 1)]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:])
    result = read_document("long-scan.pdf", buffer.getvalue())
    assert isinstance(result, ReadError) and f"{MAX_OCR_PAGES + 1} 页没有文字层" in result.reason
