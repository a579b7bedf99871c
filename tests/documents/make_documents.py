"""Make the Word fixtures of tests/test_docx_reader.py from the meeting texts written for them.

    .venv/bin/python tests/documents/make_documents.py

- ``spring_planting.docx``: ``spring_planting.txt`` laid out as an office sends it: a centred title
  over two lines, a centred date line, first-line indents, its numbered points in Heading 1, a running
  title in the header and a page number field in the footer.
- ``straw_plan.docx``: a work plan with Word's own list numbering (一、 / （一） from numbering.xml,
  not typed), a heading in a style named 标题 1, a task table (columns in their own order, a lead
  body's cell merged over two rows), header and footer.
- made only where LibreOffice is installed: ``grain_minutes.doc``, ``grain_minutes.txt`` as a Word
  document saved by LibreOffice in the old binary format; ``spring_planting_import.docx``,
  ``spring_planting.txt`` opened in LibreOffice as a text and saved as .docx.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from benchmarks.office_documents import convert, fill_with_fields  # noqa: E402

TITLE_SPLIT = 14
"""Where the laid-out title breaks onto its second line (characters of its first)."""


def _header_and_footer(document, running_title: str) -> None:  # noqa: ANN001
    section = document.sections[0]
    section.header.paragraphs[0].text = running_title
    fill_with_fields(section.footer.paragraphs[0], "— {page} —", WD_ALIGN_PARAGRAPH.CENTER)


def _centred(document, text: str, size: int, bold: bool = False) -> None:  # noqa: ANN001
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold


def laid_out(text: str, running_title: str) -> docx.Document:
    """A meeting text laid out: title on two centred lines, date line, indented paragraphs, headings."""
    title, date_line, *body = text.strip().splitlines()
    document = docx.Document()
    _centred(document, title[:TITLE_SPLIT], 22, bold=True)
    _centred(document, title[TITLE_SPLIT:], 22, bold=True)
    document.add_paragraph()
    _centred(document, date_line, 16)
    for line in body:
        if line[1:2] == "、":  # the text's numbered points (一、…) as headings
            document.add_heading(line, level=1)
            continue
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.add_run(line).font.size = Pt(16)
    _header_and_footer(document, running_title)
    return document


_OUTLINE_NUMBERING = f"""
<w:abstractNum {nsdecls('w')} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>"""
_OUTLINE_NUM = f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def _numbered(document, text: str, style: str, level: int) -> None:  # noqa: ANN001
    """A paragraph numbered by Word's list 90 at ``level`` (the number is not in its text)."""
    paragraph = document.add_paragraph(text, style=style)
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = level
    numbering.get_or_add_numId().val = 90


def straw_plan() -> docx.Document:
    document = docx.Document()
    root = document.part.numbering_part.element
    root.insert(0, parse_xml(_OUTLINE_NUMBERING))  # abstract numberings come before the nums
    root.append(parse_xml(_OUTLINE_NUM))
    document.add_paragraph("集贤县2025年秸秆综合利用工作方案", style="Title")
    document.add_paragraph("为推进秸秆综合利用，减少露天焚烧，改善空气质量，结合我县实际，制定本方案。")
    _numbered(document, "总体要求", "Heading 1", 0)
    document.add_paragraph("坚持农用优先、多元利用，全县秸秆综合利用率稳定在95%以上。")
    _numbered(document, "重点任务", "Heading 1", 0)
    _numbered(document, "秸秆还田", "Heading 2", 1)
    document.add_paragraph("各乡镇要推广秸秆深翻还田和免耕覆盖还田，秋收后及时组织机械作业。")
    _numbered(document, "离田利用", "Heading 2", 1)
    document.add_paragraph("支持秸秆饲料化、燃料化利用，培育秸秆收储运主体，年内新建收储点10个。")
    chinese_heading = document.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    chinese_heading.font.bold = True
    document.add_paragraph("任务分工", style=chinese_heading)
    rows = [
        ("序号", "任务", "责任单位", "牵头单位", "完成时限"),
        ("1", "建设秸秆收储点10个", "各乡镇", "县农业农村局", "2025年11月底前"),
        ("2", "完成秸秆还田面积120万亩", "各乡镇、县农机中心", "", "秋收后一个月内"),
        ("3", "开展秸秆禁烧巡查", "各乡镇", "县生态环境局", "全年"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    table.cell(1, 3).merge(table.cell(2, 3))  # one lead body for the first two tasks
    table.cell(1, 3).text = "县农业农村局"
    _numbered(document, "保障措施", "Heading 1", 0)
    document.add_paragraph("县财政局要统筹安排秸秆综合利用资金，县生态环境局要加强禁烧巡查，发现火点限期处置。")
    _header_and_footer(document, "集贤县人民政府办公室文件")
    return document


def plain(text: str) -> docx.Document:
    document = docx.Document()
    for line in text.strip().splitlines():
        document.add_paragraph(line)
    return document


def libreoffice(source: Path, target: Path, to: str) -> None:
    """Convert ``source`` into ``target`` with LibreOffice (``to``: its --convert-to filter)."""
    with tempfile.TemporaryDirectory() as folder:
        shutil.copyfile(convert(source, Path(folder), to), target)


def main() -> None:
    laid_out((HERE / "spring_planting.txt").read_text(encoding="utf-8"), "集贤县农业农村局").save(HERE / "spring_planting.docx")
    straw_plan().save(HERE / "straw_plan.docx")
    if shutil.which("soffice") is None:
        print("LibreOffice (soffice) is not installed: the .doc and the imported .docx were not made")
        return
    with tempfile.TemporaryDirectory() as folder:
        minutes = Path(folder) / "grain_minutes.docx"
        plain((HERE / "grain_minutes.txt").read_text(encoding="utf-8")).save(minutes)
        libreoffice(minutes, HERE / "grain_minutes.doc", "doc:MS Word 97")
        text = Path(folder) / "spring_planting_import.txt"
        shutil.copyfile(HERE / "spring_planting.txt", text)
        libreoffice(text, HERE / "spring_planting_import.docx", "docx:MS Word 2007 XML")


if __name__ == "__main__":
    main()
