"""Read a Word document (.docx) as Word shows it: body text in order, list numbers, headings, tables.

python-docx gives paragraphs and tables, but not what a reader of the document sees: a list
number (一、, （一）) is computed by Word from numbering.xml when it shows the page, a heading
is a paragraph style (Heading 1, 标题 1) or an outline level, and paragraphs and tables
interleave only in the body's XML. This module walks the body in order and writes:

- each paragraph on a line, its list number in front, as a plain text of the meeting would;
- a title set over several centred lines of the same look as one line (the cleaner would
  otherwise take its first line alone);
- each table row under a header row as one line ``任务：…；牵头单位：…；完成时限：…。``
  (``index/tasks.py`` reads a task table's rows back for the digest), a row of a two-column
  form without one as ``label：value``, a table set apart by blank lines so no sentence runs into it;
- headers and footers not at all (running titles, page numbers live in their own parts).

The headings found (their text as written, with their outline rank) go with the text, for the
chunker's heading path: a heading style says what the text alone cannot (总体要求 is a heading).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.shared import Length
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

from .clean import strip_glosses
from .normalize import normalize
from .tasks import is_task_label
from .unzip import check_unpacked_size

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""Largest total a .docx may unzip to: python-docx loads every part, so a small zip bomb would fill memory."""
MAX_UNPACKED_MARKUP_BYTES = 20 * 1024 * 1024
"""Largest amount of XML a .docx may unzip to (a few thousand pages): its parsed tree takes many times that."""
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$")
"""A heading style's name, read on its normalized form (Heading 1, 标题 1, 標題 1)."""
_TITLE_STYLES = frozenset({"title", "标题"})
_BODY_OUTLINE_LEVEL = 9
"""``w:outlineLvl`` 9 is body text; 0–8 are outline levels 1–9."""
_SENTENCE_END = re.compile(r"[。！？!?；;]$")
"""How a sentence ends; a title set over two lines may break after its colon (…专题会议：/ 聚焦…)."""
_DATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
)
"""A date line's date: 2025年3月5日, 2025-03-05, or in characters as official documents date (二〇二五年三月五日)."""
_TITLE_CHARS = 40
"""A line of a title set over several lines is short (counted without pinyin glosses and spaces); a longer
centred line is text."""
_HEADER_CELL_CHARS = 20
_HEADER_PUNCTUATION = re.compile(r"[。！？；;，,]")
_ROW_NUMBER_COLUMNS = frozenset({"序号", "编号"})
"""Columns that only number a table's rows: they say nothing a passage needs."""
_CHINESE_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class WordText:
    """A Word document's text as the cleaner reads it, and the headings its styles declare."""

    text: str
    headings: tuple[tuple[str, int], ...] = ()
    """Each heading paragraph's line as in ``text`` and its outline rank (1 outermost)."""


def read_docx(data: bytes) -> WordText:
    """Read a .docx file's bytes. Raises ``Unreadable`` for a file that unzips too large."""
    check_unpacked_size(data, MAX_UNPACKED_BYTES, MAX_UNPACKED_MARKUP_BYTES)
    document = Document(io.BytesIO(data))
    numbering = _Numbering(document)
    blocks = list(_blocks(document))
    lines: list[str] = []
    levels: list[tuple[str, int]] = []
    start = _join_title(blocks, lines)
    for block in blocks[start:]:
        if isinstance(block, Table):
            lines.extend(["", *_table_lines(block), ""])
            continue
        line = (numbering.label(block) + block.text).strip()
        level = _heading_level(block)
        if level is not None and line and any(lines):  # the first line is the title's, in any style
            levels.append((line, level))
            lines.extend([line, ""])  # a heading never runs on into the paragraph under it
        else:
            lines.append(line)
    return WordText("\n".join(lines), _ranked(levels))


def _blocks(document: DocxDocument) -> Iterator[Paragraph | Table]:
    """The body's paragraphs and tables in document order, content controls (w:sdt) opened."""

    def walk(parent: _Element) -> Iterator[Paragraph | Table]:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield Paragraph(child, document)
            elif child.tag == qn("w:tbl"):
                yield Table(child, document)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from walk(content)

    yield from walk(document.element.body)


def _ranked(levels: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """Heading levels made ranks from 1: a document whose headings start at Heading 2 (its
    title took Heading 1) has them at rank 1, as its text's 一、 would be."""
    order = {level: rank for rank, level in enumerate(sorted({level for _, level in levels}), start=1)}
    return tuple((line, order[level]) for line, level in levels)


def _style_chain(paragraph: Paragraph) -> Iterator[ParagraphStyle]:
    """A paragraph's style and the styles it is based on, nearest first."""
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:  # a style's base chain may loop in a broken file
        yield style
        style, seen = style.base_style, seen + 1


def _heading_level(paragraph: Paragraph) -> int | None:
    """The outline level (1–9) a paragraph's style or properties give it, or None for body text."""
    for element in [paragraph._p, *(style.element for style in _style_chain(paragraph))]:
        outline = element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if outline is not None:
            value = int(outline.get(qn("w:val"), _BODY_OUTLINE_LEVEL))
            return value + 1 if value < _BODY_OUTLINE_LEVEL else None
    for style in _style_chain(paragraph):
        named = _HEADING_STYLE.match(normalize(style.name or ""))
        if named:
            return int(named[1])
    return None


def _is_title_style(paragraph: Paragraph) -> bool:
    return any(normalize(style.name or "").strip() in _TITLE_STYLES for style in _style_chain(paragraph))


def _centred(paragraph: Paragraph) -> bool:
    if paragraph.paragraph_format.alignment is not None:
        return paragraph.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    return any(style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER for style in _style_chain(paragraph))


def _look(paragraph: Paragraph) -> tuple[Length | None, bool]:
    """Font size and boldness of a paragraph's first run with text, as set on it or its style."""
    run = next((run for run in paragraph.runs if run.text.strip()), None)
    size = run.font.size if run is not None else None
    bold = run.font.bold if run is not None else None
    for style in _style_chain(paragraph):
        size = size if size is not None else style.font.size
        bold = bold if bold is not None else style.font.bold
    return size, bool(bold)


def _title_line(paragraph: Paragraph) -> bool:
    """Whether a paragraph may be a line of a title set over several: centred (or in the Title
    style), short, no sentence, no date (a date line stands under the title, not in it)."""
    text = paragraph.text.strip()
    return (
        (_centred(paragraph) or _is_title_style(paragraph))
        and 0 < len(strip_glosses(text).replace(" ", "")) <= _TITLE_CHARS
        and not _SENTENCE_END.search(text)
        and not _DATE.search(text)
        and not text.startswith(("—", "－", "-"))
    )


def _join_title(blocks: list[Paragraph | Table], lines: list[str]) -> int:
    """Write a title set over consecutive lines of one look as one line; how many blocks it took.

    Leading empty paragraphs are kept as they are."""
    index = 0
    while index < len(blocks) and isinstance(blocks[index], Paragraph) and not blocks[index].text.strip():
        lines.append("")
        index += 1
    first = index
    while index < len(blocks) and isinstance(blocks[index], Paragraph) and _title_line(blocks[index]):
        if index > first and _look(blocks[index]) != _look(blocks[first]):
            break
        index += 1
    if index - first < 2:
        return first
    lines.extend(["".join(block.text.strip() for block in blocks[first:index]), ""])  # a title never runs on into the text
    return index


def _cell_text(cell: _Cell) -> str:
    return " ".join(paragraph.text.strip() for paragraph in cell.paragraphs if paragraph.text.strip())


def _row_cells(row: _Row) -> list[tuple[CT_Tc, str]]:
    """Each grid column's cell element and text (a merged cell repeats over the columns it spans)."""
    return [(cell._tc, _cell_text(cell)) for cell in row.cells]


def _is_header(cells: list[tuple[CT_Tc, str]]) -> bool:
    """Whether a first row labels the columns: three or more short labels (a two-column table's first
    row is as often a form's first label and value, 会议名称 | 春耕会议), or a task table's labels."""
    texts = list(dict.fromkeys(text for _, text in cells if text))
    if len(texts) >= 2 and all(is_task_label(text) for text in texts):
        return True
    return (
        len(texts) >= 3
        and all(len(text) <= _HEADER_CELL_CHARS and not _HEADER_PUNCTUATION.search(text) for text in texts)
        and not any(text.isdigit() for text in texts)
    )


def _table_lines(table: Table) -> list[str]:
    """A table's rows as lines: ``header：value；…。`` under a header row, ``label：value`` in a
    two-column form, else the cells spaced."""
    rows = [_row_cells(row) for row in table.rows]
    if len(rows) >= 2 and _is_header(rows[0]):
        header = rows[0]
        return [line for row in rows[1:] if (line := _labelled_row(header, row))]
    lines = []
    for row in rows:
        texts = [text for index, (tc, text) in enumerate(row) if text and (index == 0 or row[index - 1][0] is not tc)]
        if len(texts) == 2 and not _HEADER_PUNCTUATION.search(texts[0]) and len(texts[0]) <= _HEADER_CELL_CHARS:
            lines.append(f"{texts[0]}：{texts[1]}")
        elif texts:
            lines.append(" ".join(texts))
    return lines


def _labelled_row(header: list[tuple[CT_Tc, str]], row: list[tuple[CT_Tc, str]]) -> str:
    pairs: list[str] = []
    previous: tuple[CT_Tc, CT_Tc] | None = None
    for (label_tc, label), (value_tc, value) in zip(header, row):
        if (label_tc, value_tc) == previous:
            continue  # the same merged cells again, one grid column on
        previous = (label_tc, value_tc)
        value = value.rstrip("。；;，, ")
        if value and normalize(label) not in _ROW_NUMBER_COLUMNS:
            pairs.append(f"{label}：{value}" if label else value)
    return "；".join(pairs) + "。" if pairs else ""


class _Numbering:
    """Word's list numbers: the label (一、, （二）, 1.) each numbered paragraph shows, counted in order.

    Lists (w:num) of one definition (w:abstractNum) count on together, as Word counts them, unless a
    list restarts its numbers (w:startOverride)."""

    def __init__(self, document: DocxDocument) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        """numId → ilvl → (numFmt, lvlText, start)."""
        self.counter_of: dict[str, str] = {}
        """numId → the counter it counts on: its definition's, or its own when it restarts."""
        self.counts: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError):  # a document without lists has no numbering part
            return
        abstract = {
            node.get(qn("w:abstractNumId")): {
                int(level.get(qn("w:ilvl"), 0)): (
                    _val(level, "w:numFmt") or "decimal",
                    _val(level, "w:lvlText") or "",
                    int(_val(level, "w:start") or 1),
                )
                for level in node.findall(qn("w:lvl"))
            }
            for node in root.findall(qn("w:abstractNum"))
        }
        for num in root.findall(qn("w:num")):
            num_id, abstract_id = num.get(qn("w:numId")), _val(num, "w:abstractNumId")
            levels = dict(abstract.get(abstract_id, {}))
            self.counter_of[num_id] = f"abstract {abstract_id}"
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), 0))
                start = _val(override, "w:startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = (levels[ilvl][0], levels[ilvl][1], int(start))
                    self.counter_of[num_id] = f"num {num_id}"
            self.levels[num_id] = levels

    def label(self, paragraph: Paragraph) -> str:
        """The number Word shows before ``paragraph``, counting it; empty for an unnumbered one."""
        found = _num_pr(paragraph)
        if found is None or found[0] not in self.levels:
            return ""
        num_id, ilvl = found
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counts = self.counts.setdefault(self.counter_of[num_id], {})
        counts[ilvl] = counts.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [level for level in counts if level > ilvl]:
            del counts[deeper]
        number_format, text, _start = levels[ilvl]
        if number_format in ("bullet", "none"):
            return ""

        def number(match: re.Match[str]) -> str:
            level = int(match[1]) - 1
            value = counts.get(level, levels.get(level, ("decimal", "", 1))[2])
            return _formatted(value, levels.get(level, (number_format,))[0])

        return re.sub(r"%([1-9])", number, text)


def _val(element: _Element, tag: str) -> str | None:
    child = element.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


def _num_pr(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, ilvl) of a paragraph's list, set on it or on its style; None when it has none."""
    for element in [paragraph._p, *(style.element for style in _style_chain(paragraph))]:
        num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            num_id = _val(num_pr, "w:numId")
            if num_id is None or num_id == "0":
                return None
            return num_id, int(_val(num_pr, "w:ilvl") or 0)
    return None


def _formatted(value: int, number_format: str) -> str:
    """``value`` in a list number format of Word's: the ones Chinese documents use, letters, else digits."""
    if number_format.startswith("chinese") or number_format in ("ideographDigital", "japaneseCounting"):
        return _chinese_count(value)
    if number_format == "ideographTraditional" and 1 <= value <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[value - 1]
    if number_format.startswith("decimalEnclosedCircle") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if number_format in ("upperLetter", "lowerLetter") and value >= 1:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if number_format == "upperLetter" else letter.lower()
    return str(value)


def _chinese_count(value: int) -> str:
    """一, 十, 十一, 二十三, 一百零五: how Chinese documents count their points."""
    if not 0 < value < 1000:
        return str(value)
    hundreds, tens, ones = value // 100, value // 10 % 10, value % 10
    text = f"{_CHINESE_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _CHINESE_DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (_CHINESE_DIGITS[ones] if ones else "")

