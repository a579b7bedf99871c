"""Do the documents an office makes from a meeting text give the text's answers? And how fast are they read?

For each meeting text (the five seeds and the test meetings in tests/documents/), LibreOffice
makes a plain import (.docx, .pdf) and a laid-out document (a .docx with a centred two-line title,
a date line, first-line indents and a page-number footer, and its .pdf), in a temporary folder.
Each variant is compared with the text: its title, its chunks (count, and text without whitespace), and the top-3
passages for questions about it — one per chunk of the text, its opening clause. A scan of each
laid-out first page (150 dpi, turned 1.2°, dust) is read by OCR: seconds per page, and whether
each question whose answer is on that page finds it. Ingest speed: read + clean + chunk +
tokenize, once, in a fresh process per format: pages/s for .pdf and .docx beside chars/s for the text.

    .venv/bin/python benchmarks/formats.py [--libraries]

``--libraries`` also compares the PDF libraries that expose line geometry (pypdfium2, used, and
pdfplumber/pdfminer.six) on the same PDFs, through the same layout rules.
"""

from __future__ import annotations

import argparse
import difflib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from office_documents import FIXTURES, MEETINGS, convert, laid_out_docx, scan, tools_missing  # noqa: E402

from index import ocr  # noqa: E402
from index.collection import Collection  # noqa: E402
from index.document import build_document  # noqa: E402
from index.read import ReadError, read_document  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted((ROOT / "seeds").glob("*.txt")) + [FIXTURES / f"{meeting}.txt" for meeting in MEETINGS]
VARIANTS = ("plain.docx", "plain.pdf", "laid.docx", "laid.pdf")


def questions_of(document) -> list[str]:
    """One question per chunk: its opening clause (at most 20 characters), as a reader would ask."""
    questions = []
    for chunk in document.chunks:
        clause = re.split(r"[，。；：,;:！？]", chunk.text.lstrip("【】[]"), maxsplit=1)[0][:20]
        if len(clause) >= 4:
            questions.append(clause)
    return questions


def _bare(text: str) -> str:
    """``text`` without whitespace: an office suite prints no space characters, so a space typed
    between two Chinese characters cannot be told from the gaps of justified text, and is lost."""
    return "".join(text.split())


def top3(db: Path, path: Path, questions: list[str]) -> list[list[str]]:
    collection = Collection(db)
    try:
        collection.add_file(path.name, path.read_bytes())
        return [[_bare(p.text) for p in collection.ask([q]).passages[:3]] for q in questions]
    finally:
        collection.close()


def build(path: Path):
    source = read_document(path.name, path.read_bytes())
    if isinstance(source, ReadError):
        raise SystemExit(f"{path.name}: {source.reason}")
    return source, build_document(source)


def ingest_seconds(paths: list[Path]) -> float:
    """Seconds to read and build ``paths`` once, in a fresh process (after one warm-up document):
    in this one, the tokens of a text already built would come from memory."""
    result = subprocess.run([sys.executable, __file__, "--time-files", *map(str, paths)], check=True, capture_output=True, text=True)
    return float(result.stdout)


def _time_files(paths: list[Path]) -> None:
    build(FIXTURES / "farmland.txt")  # loads the dictionaries
    start = time.perf_counter()
    for path in paths:
        build(path)
    print(time.perf_counter() - start)


def pdf_pages(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def make_variants(text_path: Path, folder: Path) -> dict[str, Path]:
    stem = text_path.stem
    made = {"plain.pdf": convert(text_path, folder)}
    docx_folder = folder / "plain"
    docx_folder.mkdir()
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless", "--infilter=Text (encoded):UTF8,LF,,,",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(docx_folder), str(text_path)],
        check=True, capture_output=True, timeout=300,
    )
    made["plain.docx"] = docx_folder / f"{stem}.docx"
    laid = folder / f"{stem}.laid.docx"
    laid.write_bytes(laid_out_docx(text_path.read_text(encoding="utf-8")))
    made["laid.docx"] = laid
    made["laid.pdf"] = convert(laid, folder)
    return made


def compare(text_path: Path, work: Path, rows: list[dict], speeds: dict[str, list[tuple[int, Path]]],
            scans: list[dict]) -> None:
    folder = work / text_path.stem
    folder.mkdir()
    _source, text = build(text_path)
    questions = questions_of(text)
    expected = top3(folder / "text.db", text_path, questions)
    speeds["txt"].append((len(text_path.read_text(encoding="utf-8")), text_path))
    variants = make_variants(text_path, folder)
    for variant, path in variants.items():
        _paged, document = build(path)
        got = top3(folder / f"{variant}.db", path, questions)
        rows.append({
            "text": text_path.stem[:12], "variant": variant, "title": document.meta.title == text.meta.title,
            "chunks": f"{len(document.chunks)}/{len(text.chunks)}",
            "same_chunks": [_bare(c.text) for c in document.chunks] == [_bare(c.text) for c in text.chunks],
            "top3": sum(a == b for a, b in zip(got, expected)), "questions": len(questions),
        })
        pages = pdf_pages(variants[variant.replace(".docx", ".pdf")])  # a .docx has the pages of its print
        speeds[variant.split(".")[1]].append((pages, path))
    if ocr.available():
        scans.append(scan_row(text_path, variants["laid.pdf"], questions, expected, folder))


def scan_row(text_path: Path, laid_pdf: Path, questions: list[str], expected: list[list[str]], folder: Path) -> dict:
    """OCR one scanned first page: seconds, and for each question whose text answer starts on that page (by
    the laid-out .pdf's text layer), whether the scan's top passage starts as that one does (their first
    30 characters 80 % alike: OCR misreads a character now and then, and a page may end mid-passage)."""
    image_path = folder / f"{text_path.stem}.scan.png"
    scan(laid_pdf).save(image_path)
    start = time.perf_counter()
    read_document(image_path.name, image_path.read_bytes())
    seconds = time.perf_counter() - start
    printed, _document = build(laid_pdf)
    first_page = _bare(printed.text[: printed.pages[1].start if len(printed.pages) > 1 else None])
    on_page = [(q, e[0]) for q, e in zip(questions, expected) if e and e[0][:30] in first_page]
    collection = Collection(folder / "scan.db")
    try:
        collection.add_file(image_path.name, image_path.read_bytes())
        right = 0
        for question, answer in on_page:
            passages = collection.ask([question]).passages
            top = _bare(passages[0].text) if passages else ""
            right += difflib.SequenceMatcher(None, top[:30], answer[:30]).ratio() >= 0.8
    finally:
        collection.close()
    return {"text": text_path.stem[:12], "seconds": seconds, "answerable": len(on_page), "right": right}


def compare_libraries(work: Path) -> None:
    """pypdfium2 and pdfplumber lines through the same layout rules: seconds per page and chunk parity."""
    import pdfplumber
    import pypdfium2

    from index.pdf_layout import Line, drop_spaces, layout, pdf_lines

    def plumber_lines(page) -> list[Line]:
        lines = []
        for found in page.extract_text_lines(return_chars=True, strip=True):
            sizes = [char["size"] for char in found["chars"]] or [10.0]
            lines.append(Line(drop_spaces(found["text"]), found["x0"], found["x1"], found["top"], found["bottom"], statistics.median(sizes)))
        return lines

    def pdfium_pages(path: Path) -> list[list[Line]]:
        document = pypdfium2.PdfDocument(path)
        try:
            return [pdf_lines(page) for page in document]
        finally:
            document.close()

    def plumber_pages(path: Path) -> list[list[Line]]:
        with pdfplumber.open(path) as document:
            return [plumber_lines(page) for page in document.pages]

    pdfs = sorted(work.glob("*/*.pdf"))
    for name, extract in (("pypdfium2", pdfium_pages), ("pdfplumber", plumber_pages)):
        pages = 0
        seconds = 0.0
        same = 0
        for path in pdfs:
            text_path = next(p for p in TEXTS if p.stem == path.stem.split(".")[0])
            _source, text = build(text_path)
            start = time.perf_counter()
            laid = extract(path)
            seconds += time.perf_counter() - start
            pages += len(laid)
            paragraphs = [_bare(block.text) for block in layout(laid)]
            same += paragraphs == [_bare(line) for line in text_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"{name:11} {pages} pages  {1000 * seconds / pages:6.1f} ms/page  paragraphs equal to the text's lines: {same}/{len(pdfs)} PDFs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--libraries", action="store_true", help="also compare pypdfium2 with pdfplumber")
    parser.add_argument("--time-files", nargs="+", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_files:
        _time_files(args.time_files)
        return
    if missing := tools_missing():
        raise SystemExit(f"needs {', '.join(missing)} (apt-get install libreoffice-writer-nogui fonts-noto-cjk poppler-utils)")
    rows: list[dict] = []
    speeds: dict[str, list[tuple[int, Path]]] = {"txt": [], "docx": [], "pdf": []}
    scans: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for text_path in TEXTS:
            compare(text_path, work, rows, speeds, scans)
        print(f"{'text':12} {'variant':10} title chunks same-chunks top-3")
        for row in rows:
            print(f"{row['text']:12} {row['variant']:10} {'yes' if row['title'] else 'NO':5} {row['chunks']:6} "
                  f"{'yes' if row['same_chunks'] else 'NO':10}  {row['top3']}/{row['questions']}")
        for variant in VARIANTS:
            of = [row for row in rows if row["variant"] == variant]
            full = sum(row["title"] and row["same_chunks"] and row["top3"] == row["questions"] for row in of)
            print(f"{variant}: {full}/{len(of)} give the text's title, chunks and top-3 for every question")
        for kind, unit in (("txt", "chars"), ("pdf", "pages"), ("docx", "pages")):
            amount = sum(a for a, _ in speeds[kind])
            seconds = ingest_seconds([path for _, path in speeds[kind]])
            print(f"ingest {kind:4}: {amount:.0f} {unit} in {seconds:.3f} s = {amount / seconds:,.0f} {unit}/s")
        if scans:
            for row in scans:
                print(f"scan {row['text']:12} OCR {row['seconds']:.1f} s/page, right passage {row['right']}/{row['answerable']}")
            print(f"OCR: {statistics.mean(r['seconds'] for r in scans):.1f} s per page (mean of {len(scans)}); right passage "
                  f"{sum(r['right'] for r in scans)}/{sum(r['answerable'] for r in scans)}")
        else:
            print("OCR not installed: scans not measured")
        if args.libraries:
            compare_libraries(work)


if __name__ == "__main__":
    main()
