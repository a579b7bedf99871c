"""Paragraphs of a laid-out page, rebuilt from where its lines stand.

A PDF (or a scan's OCR) gives lines, not paragraphs: an office suite wraps each paragraph to
the column and adds page numbers, running headers and a title set over several lines. The
layout says where a paragraph starts, as a reader sees it: the line is indented, or the line
before it stopped short of the column's right edge, or a gap larger than the line pitch stands
between them, or the font size changes (a title's consecutive lines in one larger size are one
title). Words never decide it, so a wrapped line starting with 一是/第二 continues its paragraph.
Lines that repeat at the top or bottom of the pages, page numbers there (— 3 —, 第3页, 共12页),
and a header above the first page's title are page furniture and dropped.

Lines come from pypdfium2 (``pdf_lines``: PDFium's characters with their boxes and font sizes)
or from OCR boxes (``index.ocr``); this module only reads their geometry.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from enum import Enum

from .errors import Unreadable

INDENT_EMS = 0.8
"""A line starting this many ems right of the column's left edge is indented: a paragraph's first line."""
SHORT_EMS = 1.5
"""A line ending this many ems before the column's right edge ended its paragraph (a full line of
left-aligned Chinese may fall one character short where the next may not start a line: ，。)."""
WRAP_EMS = 3.0
"""A line ending less than this many ems short of the column (or than the next line's first Latin word
is wide), not on a sentence's end, was wrapped there: a character that may not start a line (”，。)
takes the one before it along (…巡视“回头 / 看”…)."""
_PARAGRAPH_ENDS = tuple("。！？!?；;：:…”」』）)")
LATIN_EMS = 0.6
"""Width of a Latin letter or digit, in ems (a monospaced one's; proportional ones are narrower)."""
_LEADING_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")
GAP_PITCHES = 1.4
"""A line this many line pitches below the one before it starts a paragraph (a blank line, spacing)."""
TITLE_SIZE = 1.15
"""A line this many times the body's font size is a title's (or a heading's)."""
TITLE_GAP_PITCHES = 2.0
"""Title lines (in one larger size) further apart than this many of their pitches are two titles
(titles are often spaced wider than body text)."""
FURNITURE_LINES = 2
"""Lines at each end of a page that may be a running header or footer."""
_PAGE_NUMBER = re.compile(
    r"[-—–－\s]*\d{1,4}[-—–－\s]*"
    r"|第\s*\d{1,4}\s*页\s*[，,/、]?\s*(?:共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[，,/、]?\s*(?:第\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?",
    re.IGNORECASE,
)
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_DROPPED_SPACE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}\d])|(?<=[{_CJK}\d])\s+(?=[{_CJK}])")
"""Spaces a text layer puts between Chinese characters, or between a digit and one (2025 年)."""


@dataclass(frozen=True)
class Line:
    """One line of text on a page, in points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    """Font size (for OCR, as its box measures it)."""


@dataclass(frozen=True)
class Column:
    """Where a document's body lines stand: left and right edges, body font size, line pitch."""

    left: float
    right: float
    size: float
    pitch: float


def is_page_number(text: str) -> bool:
    """A page number as offices print it: — 3 —, -3-, 3, 第3页, 共12页, 第3页 共12页, 3/12, Page 3."""
    return bool(_PAGE_NUMBER.fullmatch(text.strip()))


def strip_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """``pages`` without their running headers, footers and page numbers: among the first and
    last ``FURNITURE_LINES`` lines of a page, a page number, or a line that stands there, at the
    same height, on at least half the pages (two at least), read with its digits masked (城南街道
    第3页 and 城南街道 第4页 are one)."""
    def at_ends(lines: list[Line]) -> set[int]:
        return set(range(min(FURNITURE_LINES, len(lines)))) | set(range(max(len(lines) - FURNITURE_LINES, 0), len(lines)))

    seen = Counter(key for lines in pages for key in {_running_key(lines[i]) for i in at_ends(lines)})
    repeated = {key for key, count in seen.items() if count >= 2 and count * 2 >= len(pages)}
    kept = []
    for lines in pages:
        ends = at_ends(lines)
        kept.append([
            line for i, line in enumerate(lines)
            if not (i in ends and (is_page_number(line.text) or _running_key(line) in repeated))
        ])
    return kept


def _running_key(line: Line) -> tuple[str, int]:
    """A line as a running header or footer repeats: its text with digits masked, at its height on the page."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text)), round(line.top / max(line.size, 1.0))


def column_of(pages: list[list[Line]]) -> Column | None:
    """The body's column: the font size most characters have, the left edge most of its lines
    start at, the right edge most full lines reach, and the usual distance between lines."""
    lines = [line for page in pages for line in page]
    if not lines:
        return None
    sizes = Counter()
    for line in lines:
        sizes[round(line.size)] += len(line.text)
    size = float(max(sizes.most_common(1)[0][0], 1))
    body = [line for line in lines if _is_body(line, size)] or lines
    left = Counter(round(line.x0 / (size / 4)) for line in body).most_common(1)[0][0] * (size / 4)
    left = min((line.x0 for line in body if abs(line.x0 - left) <= size / 4), default=left)
    right = statistics.quantiles([line.x1 for line in body], n=10)[-1] if len(body) > 1 else body[0].x1
    steps = [
        later.top - earlier.top
        for page in pages
        for earlier, later in zip(page, page[1:])
        if _is_body(earlier, size) and _is_body(later, size) and 0 < later.top - earlier.top < 3 * size
    ]
    pitch = statistics.median(steps) if steps else size * 1.5
    return Column(left, right, size, pitch)


def _is_body(line: Line, size: float) -> bool:
    return abs(line.size - size) <= size * 0.2


class Break(Enum):
    """What stands between two lines."""

    WRAP = 0
    """The first line wrapped: the second continues its paragraph."""
    PARAGRAPH = 1
    """The second starts a paragraph (an indent, a short line before it)."""
    SET_APART = 2
    """The second starts a paragraph set apart by a gap or another font size (as a blank line sets one apart in a text)."""


def break_before(previous: Line, line: Line, column: Column, same_page: bool) -> Break:
    """What stands between ``previous`` and ``line`` (see the module's docstring)."""
    previous_title, title = (item.size >= column.size * TITLE_SIZE for item in (previous, line))
    if previous_title or title:
        alike = previous_title and title and abs(previous.size - line.size) <= 0.15 * max(previous.size, line.size)
        apart = same_page and line.top - previous.top > TITLE_GAP_PITCHES * column.pitch * line.size / column.size
        return Break.SET_APART if apart or not alike else Break.WRAP
    if same_page and line.top - previous.top > GAP_PITCHES * column.pitch:
        return Break.SET_APART
    em = column.size
    if line.x0 - column.left >= INDENT_EMS * em:
        return Break.PARAGRAPH
    short = column.right - previous.x1
    wrapped = max(WRAP_EMS, _leading_word_ems(line.text) + SHORT_EMS) * em
    if short >= SHORT_EMS * em and (short >= wrapped or previous.text.rstrip().endswith(_PARAGRAPH_ENDS)):
        return Break.PARAGRAPH
    return Break.WRAP


def _leading_word_ems(text: str) -> float:
    """About how wide the Latin word (or number) a line starts with is, in ems: the line before
    may have stopped short because it did not fit there (…農 / (nóng)村…)."""
    word = _LEADING_WORD.match(text)
    return LATIN_EMS * len(word.group()) if word else 0.0


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a paged document, the page it starts on and whether OCR read it."""

    text: str
    page: int | None
    """Page number from 1 (as ``paragraphs`` gives it, the index of its page); None for a photo of a page."""
    ocr: bool
    set_apart: bool
    """Set apart from the paragraph before by a gap or a change of font size (a title, a heading)."""


def strip_masthead(pages: list[list[Line]]) -> list[list[Line]]:
    """``pages`` without the lines above the title on the first page (a header or masthead, which a
    one-page scan cannot show as repeated): the title is the first line in a title size, and only
    when at most ``FURNITURE_LINES`` lines stand above it."""
    column = column_of(pages)
    if column is None or not pages[0]:
        return pages
    first = pages[0]
    title = next((i for i, line in enumerate(first) if line.size >= column.size * TITLE_SIZE), None)
    if title is None or title > FURNITURE_LINES:
        return pages
    return [first[title:], *pages[1:]]


def layout(pages: list[list[Line]]) -> list[Paragraph]:
    """The paragraphs of a document's pages, without page furniture."""
    return paragraphs(strip_masthead(strip_furniture(pages)))


def paragraphs(pages: list[list[Line]]) -> list[Paragraph]:
    """The paragraphs of a document's pages (furniture already stripped), in reading order, each
    with the index of the page it starts on."""
    column = column_of(pages)
    found: list[Paragraph] = []
    previous: Line | None = None
    previous_page = -1
    for number, lines in enumerate(pages):
        for line in lines:
            text = line.text.strip()
            if not text:
                continue
            between = Break.SET_APART if previous is None or column is None else break_before(previous, line, column, number == previous_page)
            if between is Break.WRAP:
                found[-1] = replace(found[-1], text=found[-1].text + _joint(found[-1].text, text) + text)
            else:
                found.append(Paragraph(text, number, False, between is Break.SET_APART))
            previous, previous_page = line, number
    return found


def _joint(before: str, after: str) -> str:
    """What stands between two wrapped lines: a space between two Latin words, else nothing."""
    return " " if _latin(before[-1:]) and _latin(after[:1]) else ""


def drop_spaces(text: str) -> str:
    """``text`` without spaces between Chinese characters or between a digit and one."""
    return _DROPPED_SPACE.sub("", text)


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def pdf_lines(page) -> list[Line]:
    """A pypdfium2 page's lines, top to bottom as PDFium reads them, with their boxes and font
    sizes. Spaces PDFium made up from gaps are kept only between Latin words or digits: between Chinese
    characters, or a digit and one (2025 年), a gap is the office suite's justification or spacing
    between scripts (a space typed there is lost with them: an office suite prints no space characters)."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    height = page.get_height()
    lines: list[Line] = []
    chars: list[tuple[str, float, float, float, float, float]] = []  # text, x0, x1, top, bottom, size

    def flush() -> None:
        if chars:
            text = "".join(char[0] for char in chars)
            lines.append(Line(
                text, min(c[1] for c in chars), max(c[2] for c in chars), min(c[3] for c in chars),
                max(c[4] for c in chars), statistics.median(c[5] for c in chars),
            ))
            chars.clear()

    pending_space = False
    try:
        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
            if char in "\r\n":
                flush()
                pending_space = False
                continue
            if char.isspace() and pdfium_c.FPDFText_IsGenerated(textpage, index):
                pending_space = bool(chars)
                continue
            if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Cn"):
                continue
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(textpage, index) or (top - bottom)
            top, bottom = height - top, height - bottom
            if chars and abs((top + bottom) / 2 - (chars[-1][3] + chars[-1][4]) / 2) > 0.5 * max(size, chars[-1][5]):
                flush()
                pending_space = False
            if pending_space and _latin(chars[-1][0]) and _latin(char):
                chars.append((" ", chars[-1][2], left, top, bottom, size))
            pending_space = False
            chars.append((char, left, right, top, bottom, size))
        flush()
    finally:
        textpage.close()
    return [line for line in lines if line.text.strip()]


MAX_PDF_PAGES = 2_000
MAX_OCR_PAGES = 20
"""Pages without a text layer read by OCR in one PDF (a few seconds each): a longer scan is refused."""


def read_pdf(data: bytes) -> list[Paragraph]:
    """A PDF's paragraphs: from its text layer where a page has one, by OCR where it has none.
    Consecutive pages read the same way are laid out together, so a paragraph runs on across them."""
    import pypdfium2

    from . import ocr

    document = pypdfium2.PdfDocument(data)
    try:
        if len(document) > MAX_PDF_PAGES:
            raise Unreadable(f"页数太多（{len(document)} 页，上限 {MAX_PDF_PAGES} 页）")
        pages = [pdf_lines(page) for page in document]
        scanned = [number for number, lines in enumerate(pages) if not lines and _has_image(document[number])]
        if len(scanned) > MAX_OCR_PAGES:
            raise Unreadable(f"{len(scanned)} 页没有文字层（文字识别最多读 {MAX_OCR_PAGES} 页）；请把扫描件拆开后分别发送")
        if scanned:
            ocr.require()
        for number in scanned:
            pages[number] = ocr.image_lines(*ocr.page_image(document[number]))
    finally:
        document.close()
    found: list[Paragraph] = []
    start = 0
    while start < len(pages):
        by_ocr = start in scanned
        end = start + 1
        while end < len(pages) and (end in scanned) == by_ocr:
            end += 1
        found += [replace(paragraph, page=start + paragraph.page + 1, ocr=by_ocr) for paragraph in layout(pages[start:end])]
        start = end
    return found


def _has_image(page) -> bool:
    """Whether a pypdfium2 page shows an image (a page without text or image is blank: nothing to read)."""
    import pypdfium2.raw as pdfium_c

    return next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2), None) is not None


def read_image(data: bytes) -> list[Paragraph]:
    """A photo or scan of a page (.png, .jpg), read by OCR."""
    from . import ocr

    ocr.require()
    image = ocr.open_image(data)
    dpi = image.info.get("dpi", (150, 150))[0] or 150
    return [replace(paragraph, page=None, ocr=True) for paragraph in layout([ocr.image_lines(image, dpi)])]
