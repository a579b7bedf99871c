"""Word documents (index/docx_reader.py, index/tasks.py, index/office.py) on fixtures made for them.

The fixtures in tests/documents are made by tests/documents/make_documents.py from meeting texts
written for these tests: a laid-out .docx of a text, the .docx LibreOffice imports from it, a work
plan with Word list numbering and a task table, and a .doc saved by LibreOffice.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from opencc import OpenCC

from index.collection import Collection
from index.document import build_document
from index.docx_reader import read_docx
from index.office import MISSING_OFFICE
from index.read import SourceText, read_document, read_path
from index.tasks import TaskRow, read_task_row
from tests.documents.make_documents import _OUTLINE_NUM, _OUTLINE_NUMBERING, _numbered

DOCUMENTS = Path(__file__).parent / "documents"
PROJECT = Path(__file__).resolve().parent.parent
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def _collection(folder: Path, *names: str) -> tuple[Collection, list[str]]:
    collection = Collection(folder / "meetings.db")
    report = collection.add_paths([DOCUMENTS / name for name in names])
    assert not report.skipped, report.skipped
    return collection, [record.id for record in report.added]


@pytest.fixture
def plan(tmp_path: Path) -> tuple[Collection, str]:
    collection, (doc_id,) = _collection(tmp_path, "straw_plan.docx")
    return collection, doc_id


def test_headings_come_from_heading_styles_and_word_list_numbers(plan: tuple[Collection, str]) -> None:
    collection, doc_id = plan
    chunks = {chunk.text: chunk.heading for chunk in collection.store.chunks_of(doc_id)}
    assert "一、总体要求" in chunks, "the number Word shows (numbering.xml) is part of the heading"
    assert chunks["各乡镇要推广秸秆深翻还田和免耕覆盖还田，秋收后及时组织机械作业。"] == "二、重点任务 › （一）秸秆还田"
    assert chunks["支持秸秆饲料化、燃料化利用，培育秸秆收储运主体，年内新建收储点10个。"] == "二、重点任务 › （二）离田利用"
    assert chunks["任务分工"] == "任务分工", "a heading in the style named 标题 1, without a number, is one"
    assert chunks["三、保障措施"] == "三、保障措施", "a list's numbers go on after other paragraphs"


def test_headers_and_footers_are_not_body_text(plan: tuple[Collection, str]) -> None:
    collection, doc_id = plan
    record = collection.document(doc_id)
    assert record.title == "集贤县2025年秸秆综合利用工作方案"
    texts = [chunk.text for chunk in collection.store.chunks_of(doc_id)]
    assert not any("人民政府办公室文件" in text or "—" in text for text in texts), "running title and page number stay out"


def test_task_table_rows_are_passages_in_document_order(plan: tuple[Collection, str]) -> None:
    collection, doc_id = plan
    chunks = collection.store.chunks_of(doc_id)
    texts = [chunk.text for chunk in chunks]
    first_row = "任务：建设秸秆收储点10个；责任单位：各乡镇；牵头单位：县农业农村局；完成时限：2025年11月底前。"
    assert first_row in texts, "a row is one passage of labelled values, without its row number"
    assert texts.index("任务分工") < texts.index(first_row) < texts.index("三、保障措施"), "the table stands where it is"
    merged = next(text for text in texts if text.startswith("任务：完成秸秆还田面积"))
    assert "牵头单位：县农业农村局" in merged, "a lead body's cell merged over two rows belongs to both"
    answer = collection.ask(["秸秆收储点建设由哪个单位牵头"])
    assert answer.passages and answer.passages[0].text == first_row


def test_task_table_gives_the_digest_its_owners_and_deadlines(plan: tuple[Collection, str]) -> None:
    collection, doc_id = plan
    _, sections = collection.digest(doc_id)
    by_heading = {section.heading: section.requirements for section in sections}
    rows = [(item.owners, item.deadlines) for item in by_heading["任务分工"]]
    assert rows == [
        (("县农业农村局", "各乡镇"), ("2025年11月底前",)),
        (("县农业农村局", "各乡镇", "县农机中心"), ("秋收后一个月内",)),
        (("县生态环境局", "各乡镇"), ("全年",)),
    ]
    assert any("县财政局" in item.owners for item in by_heading["三、保障措施"]), "sentences are still read as before"


@pytest.mark.parametrize("name", ["spring_planting.docx", "spring_planting_import.docx"])
def test_a_word_copy_of_a_text_gives_its_title_chunks_and_answers(tmp_path: Path, name: str) -> None:
    """The laid-out copy (two-line centred title, date line, indents, headings, page-number footer)
    and LibreOffice's import of the text answer as the text does."""
    text, (text_id,) = _collection(tmp_path / "text", "spring_planting.txt")
    word, (word_id,) = _collection(tmp_path / "word", name)
    assert word.document(word_id).title == text.document(text_id).title == "集贤县召开2025年春耕生产暨高标准农田建设工作会议"
    assert word.document(word_id).chunk_count == text.document(text_id).chunk_count
    assert [c.heading for c in word.store.chunks_of(word_id)] == [c.heading for c in text.store.chunks_of(text_id)]
    for question in ("高标准农田建设有什么要求", "农机具检修什么时候完成", "春耕生产谁是第一责任人"):
        top = [(passage.text, passage.heading) for passage in text.ask([question]).passages[:3]]
        assert top, question
        assert [(passage.text, passage.heading) for passage in word.ask([question]).passages[:3]] == top, question


def test_a_task_row_is_read_in_any_column_order_and_in_traditional() -> None:
    row = "完成时限：6月底前；牵头单位：县水利局；任务：完成病险水库除险加固；责任单位：各乡镇、县财政局。"
    expected = TaskRow("完成病险水库除险加固", ("县水利局", "各乡镇", "县财政局"), "6月底前")
    assert read_task_row(row) == expected
    traditional = read_task_row(OpenCC("s2t").convert(row))
    converted = OpenCC("s2t").convert
    assert traditional == TaskRow(converted(expected.task), tuple(map(converted, expected.owners)), expected.deadline)
    assert read_task_row("任务：完成病险水库除险加固。") is None, "a task without owner or deadline is no assignment"
    assert read_task_row("会议要求，各乡镇要在6月底前完成任务：除险加固。") is None


@needs_soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_old_word_and_wps_files_are_converted_by_libreoffice(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"grain_minutes{suffix}"  # a WPS file is Word's binary format under its own suffix
    path.write_bytes((DOCUMENTS / "grain_minutes.doc").read_bytes())
    (source,) = read_path(path)
    assert isinstance(source, SourceText), source
    assert source.format == suffix[1:]
    assert source.text == (DOCUMENTS / "grain_minutes.txt").read_text(encoding="utf-8").strip()


def _without_soffice(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH holds no LibreOffice (only an empty folder)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    environment = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "DATA_DIR"}}
    environment.update(PATH=str(empty), PYTHONPATH=str(PROJECT), PYTHONIOENCODING="utf-8", DATA_DIR=str(tmp_path / "data"))
    return environment


def test_without_libreoffice_the_cli_says_what_to_install(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "index", str(DOCUMENTS / "grain_minutes.doc"), "--db", str(tmp_path / "m.db")],
        cwd=tmp_path, env=_without_soffice(tmp_path), capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert completed.returncode == 1, "nothing could be added"
    [skipped] = [line for line in completed.stdout.splitlines() if "grain_minutes.doc" in line]
    assert MISSING_OFFICE in skipped
    assert "apt-get install libreoffice-writer-nogui" in MISSING_OFFICE and ".docx" in MISSING_OFFICE


def test_a_title_in_a_heading_style_leaves_the_body_headings_their_ranks() -> None:
    document = docx.Document()
    document.add_heading("全县防汛工作会议纪要", level=1)
    document.add_heading("总体要求", level=2)
    document.add_paragraph("各乡镇要压实防汛责任。")
    document.add_heading("（一）加强巡查", level=3)
    word = read_docx(_saved(document))
    assert word.headings == (("总体要求", 1), ("（一）加强巡查", 2)), "ranks from the body's shallowest heading, as （一） reads"


def _saved(document: WordDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_list_numbers_count_on_across_lists_of_one_definition_unless_restarted() -> None:
    document = docx.Document()
    root = document.part.numbering_part.element
    root.insert(0, parse_xml(_OUTLINE_NUMBERING))
    root.append(parse_xml(_OUTLINE_NUM))
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/></w:num>'))
    restarted = f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="92"><w:abstractNumId w:val="90"/>{restarted}</w:num>'))
    document.add_paragraph("县政府常务会议纪要")
    for point in range(11):
        _numbered(document, f"议题{point + 1}", "Normal", 0)
    paragraph = document.add_paragraph("议题12", style="Normal")  # another list of the same definition
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val, numbering.get_or_add_numId().val = 0, 91
    paragraph = document.add_paragraph("附件一", style="Normal")  # a list that starts again
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val, numbering.get_or_add_numId().val = 0, 92
    lines = read_docx(_saved(document)).text.splitlines()
    assert lines[1:3] == ["一、议题1", "二、议题2"]
    assert lines[10:14] == ["十、议题10", "十一、议题11", "十二、议题12", "一、附件一"]


def test_a_two_column_form_is_read_label_by_value() -> None:
    document = docx.Document()
    document.add_paragraph("会议通知")
    table = document.add_table(rows=2, cols=2)
    for row, (label, value) in zip(table.rows, [("会议名称", "全县春耕生产工作会议"), ("会议时间", "3月5日上午9时")]):
        row.cells[0].text, row.cells[1].text = label, value
    assert read_docx(_saved(document)).text.splitlines()[2:4] == ["会议名称：全县春耕生产工作会议", "会议时间：3月5日上午9时"]


def test_a_heading_with_a_comma_stays_apart_and_a_date_in_characters_is_no_title_line() -> None:
    document = docx.Document()
    for line in ("全县安全生产", "工作会议纪要", "二〇二五年三月五日"):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading("压实责任，强化监管", level=1)
    document.add_paragraph("各乡镇要开展隐患排查，")
    document.add_paragraph("县应急局要加强督导。")
    built = build_document(read_document("plan.docx", _saved(document)))
    assert built.meta.title == "全县安全生产工作会议纪要"
    texts = [chunk.text for chunk in built.chunks]
    assert texts == ["二〇二五年三月五日", "压实责任，强化监管", "各乡镇要开展隐患排查，县应急局要加强督导。"]
    assert built.chunks[-1].heading == "压实责任", "the styled heading heads the paragraph (by its first clause)"


def test_a_title_broken_after_its_colon_and_glossed_is_one_title_apart_from_the_text() -> None:
    document = docx.Document()
    for line in ("全县秋冬种专题会议：", "抓(zhuā)好(hǎo)秋冬种 压(yā)实(shí)责(zé)任(rèn) 确(què)保(bǎo)颗粒归仓取得实效"):
        title = document.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.add_run(line).bold = True
    document.add_paragraph("10月9日，县里召开秋冬种专题会议，研究部署秋冬种和秋粮收储工作，要求各乡镇抓紧抓实")
    document.add_paragraph("各项措施。")
    built = build_document(read_document("seasons.docx", _saved(document)))
    assert built.meta.title == "全县秋冬种专题会议：抓好秋冬种 压实责任 确保颗粒归仓取得实效"
    assert [chunk.text for chunk in built.chunks] == ["10月9日，县里召开秋冬种专题会议，研究部署秋冬种和秋粮收储工作，要求各乡镇抓紧抓实各项措施。"]
