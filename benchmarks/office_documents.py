"""Make the documents an office has from a meeting text: a .docx laid out as officials lay one out,
and the .pdf LibreOffice prints from it or from the plain text; a scanned page of that .pdf.

Used to make the committed test fixtures (``python benchmarks/office_documents.py``, which
rewrites ``tests/documents/``) and, by ``benchmarks/formats.py``, the seeds' variants in a
temporary folder. Needs LibreOffice (``soffice``), poppler's ``pdftoppm`` and Pillow; the .docx is
written with python-docx.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "documents"
MEETINGS = ("estates", "farmland")
"""The meeting texts in ``FIXTURES`` written for the PDF and scan tests (tests/test_formats.py)."""
BODY_FONT = "Noto Serif CJK SC"
TITLE_FONT = "Noto Sans CJK SC"
_TITLE_BREAK = re.compile(r"(?=暨)|(?<=召开)|(?<=关于)|[:：]")
"""Where a title set over two lines is broken: before 暨, after 召开/关于, at a colon."""


def tools_missing() -> list[str]:
    """The command-line tools this module needs and the machine lacks."""
    return [tool for tool in ("soffice", "pdftoppm") if shutil.which(tool) is None]


def title_lines(text: str) -> tuple[list[str], list[str]]:
    """The text's title split in two lines (none when its first line is a sentence, not a title),
    and the lines after it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0]
    if len(first) > 60 or first.endswith(("。", "；", "，")):
        return [], lines
    breaks = [m.start() for m in _TITLE_BREAK.finditer(first) if 4 <= m.start() <= len(first) - 4]
    if not breaks:
        return [first], lines[1:]
    cut = min(breaks, key=lambda at: abs(at - len(first) / 2))
    head, tail = first[:cut], first[cut:].lstrip(":：")
    return [head + (first[cut] if first[cut] in ":：" else ""), tail], lines[1:]


def laid_out_docx(text: str, footer: str = "— {page} —", header: str = "") -> bytes:
    """A .docx of ``text`` as an office lays it out: a centred two-line title in a larger font, a
    centred date line (when the text's next line is a date), body paragraphs in 16 pt with a
    two-character first-line indent, and a page-number footer (``{page}`` and ``{pages}`` are fields)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    title, body = title_lines(text)
    for line in title:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.font.size = Pt(22)
        run.font.bold = True
        run.font.name = TITLE_FONT
        run.element.rPr.rFonts.set(qn("w:eastAsia"), TITLE_FONT)
    if body and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", body[0]):
        date = document.add_paragraph(body.pop(0))
        date.alignment = WD_ALIGN_PARAGRAPH.CENTER
        date.paragraph_format.space_after = Pt(12)
    for line in body:
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    section = document.sections[0]
    fill_with_fields(section.footer.paragraphs[0], footer, WD_ALIGN_PARAGRAPH.CENTER)
    if header:
        fill_with_fields(section.header.paragraphs[0], header, WD_ALIGN_PARAGRAPH.CENTER)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def fill_with_fields(paragraph, template: str, alignment) -> None:
    """Write ``template`` into a header or footer paragraph, ``{page}``/``{pages}`` as Word fields (a
    page number as Word shows it on each page: — {page} —)."""
    paragraph.alignment = alignment
    for part in re.split(r"(\{page\}|\{pages\})", template):
        if part in ("{page}", "{pages}"):
            _field(paragraph.add_run(), "PAGE" if part == "{page}" else "NUMPAGES")
        elif part:
            paragraph.add_run(part)


def _field(run, code: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def convert(source: Path, out_dir: Path, to: str = "pdf") -> Path:
    """``source`` (.txt in UTF-8, .docx) converted by LibreOffice with its ``--convert-to`` filter ``to``
    (pdf, docx:MS Word 2007 XML, doc:MS Word 97) into ``out_dir``, with a profile of its own."""
    with tempfile.TemporaryDirectory() as profile:
        command = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless"]
        if source.suffix == ".txt":
            command.append("--infilter=Text (encoded):UTF8,LF,,,")
        subprocess.run(
            [*command, "--convert-to", to, "--outdir", str(out_dir), str(source)],
            check=True, capture_output=True, timeout=300,
        )
    return out_dir / f"{source.stem}.{to.split(':')[0]}"


def scan(pdf: Path, dpi: int = 150, angle: float = 1.2, seed: int = 18):
    """The first page of ``pdf`` as a scanner returns it: greyscale at ``dpi``, turned by ``angle``
    degrees, with specks of dust and a grey cast (a Pillow image)."""
    from PIL import Image, ImageFilter

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", "1", "-l", "1", str(pdf), f"{folder}/page"],
            check=True, capture_output=True, timeout=120,
        )
        page = Image.open(next(Path(folder).glob("page*.png"))).convert("L")
    page = page.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=235)
    noise = random.Random(seed)
    pixels = page.load()
    width, height = page.size
    for _ in range(width * height // 400):
        x, y = noise.randrange(width), noise.randrange(height)
        pixels[x, y] = noise.choice((40, 90, 160))
    page = page.filter(ImageFilter.GaussianBlur(0.6)).point(lambda value: min(value, 238))
    return page.quantize(16)  # a scanner's few grey levels keep the file small


def write_fixtures(out_dir: Path = FIXTURES) -> list[Path]:
    """Rewrite the committed fixtures from the meeting texts in ``out_dir``: each text's plain-import
    .pdf, laid-out .docx and its .pdf; a scanned .png of one laid-out page and a scanned .pdf of it."""
    written: list[Path] = []
    footers = {"farmland": ("— {page} —", ""), "estates": ("第{page}页 共{pages}页", "城南街道办事处")}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for stem in MEETINGS:
            text_path = out_dir / f"{stem}.txt"
            footer, header = footers.get(stem, ("— {page} —", ""))
            plain = convert(text_path, work)
            written.append(Path(shutil.copy(plain, out_dir / f"{stem}.plain.pdf")))
            docx_path = out_dir / f"{stem}.laid.docx"
            docx_path.write_bytes(laid_out_docx(text_path.read_text(encoding="utf-8"), footer, header))
            written.append(docx_path)
            written.append(Path(shutil.copy(convert(docx_path, work), out_dir / f"{stem}.laid.pdf")))
        image = scan(out_dir / "estates.laid.pdf")
        image.save(out_dir / "estates.scan.png", optimize=True)
        image.convert("L").save(out_dir / "estates.scan.pdf", resolution=150)
        written += [out_dir / "estates.scan.png", out_dir / "estates.scan.pdf"]
    return written


if __name__ == "__main__":
    for path in write_fixtures():
        print(f"{path.stat().st_size:>8} {path}")
