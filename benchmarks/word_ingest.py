"""Word ingest speed: .docx and .doc read and built, beside the same texts as .txt.

    python benchmarks/word_ingest.py [--repeat 20]

Needs LibreOffice (soffice). For each seed text and each meeting text of tests/documents it makes, in
a temporary folder, the .docx and the .doc LibreOffice makes of the text (a plain import), and times
reading and building (clean, metadata, chunks, tokens, signature) each file ``--repeat`` times, the
text's .txt alike: characters per second for all three, documents and pages per second for .docx
(pages: those of the PDF LibreOffice prints the .docx to), seconds per .doc (its
conversion by LibreOffice included, once per document). It also says whether each .docx and .doc
gives its text's title and chunk count.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from index.document import build_document  # noqa: E402
from index.read import SourceText, read_document  # noqa: E402
from office_documents import convert  # noqa: E402


def pages(docx: Path, folder: Path) -> int:
    """The pages of ``docx`` as LibreOffice lays it out: those of the PDF it prints it to."""
    import pypdfium2

    return len(pypdfium2.PdfDocument(convert(docx, folder / "printed")))


def built(path: Path) -> tuple[SourceText, float, tuple[str, int]]:
    """The file read and built once: its source, the seconds it took, and its title and chunk count."""
    start = time.perf_counter()
    source = read_document(path.name, path.read_bytes())
    assert isinstance(source, SourceText), source
    document = build_document(source)
    seconds = time.perf_counter() - start
    return source, seconds, (document.meta.title, len(document.chunks)) if document else ("", 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("soffice") is None:
        print("LibreOffice (soffice) is not installed")
        return 1
    texts = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "documents").glob("*.txt"))
    totals = {kind: [0.0, 0] for kind in ("txt", "docx", "doc")}  # seconds, characters
    page_count = same = 0
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for text in texts:
            copy = folder / text.name
            shutil.copyfile(text, copy)
            docx, doc = convert(copy, folder, "docx:MS Word 2007 XML"), convert(copy, folder, "doc:MS Word 97")
            page_count += (count := pages(docx, folder))
            _, doc_seconds, doc_shape = built(doc)  # each .doc converted once: LibreOffice dominates
            totals["doc"][0] += doc_seconds
            shapes = {}
            for kind, path in (("txt", copy), ("docx", docx)):
                source, _, shapes[kind] = built(path)
                totals[kind][0] += sum(built(path)[1] for _ in range(args.repeat)) / args.repeat
                totals[kind][1] += len(source.text)
            parity = shapes["docx"] == shapes["txt"] == doc_shape
            same += parity
            print(f"{text.name[:28]:28}  {count:2} pages  title and chunks as the text: {'yes' if parity else f'no {shapes} {doc_shape}'}")
    documents = len(texts)
    txt_seconds, txt_chars = totals["txt"]
    docx_seconds, docx_chars = totals["docx"]
    doc_seconds = totals["doc"][0]
    print(f"\n{documents} documents, {page_count} pages (as LibreOffice lays them out), {txt_chars} characters")
    print(f".txt   {txt_chars / txt_seconds:10.0f} chars/s  {documents / txt_seconds:7.1f} docs/s")
    print(f".docx  {docx_chars / docx_seconds:10.0f} chars/s  {documents / docx_seconds:7.1f} docs/s  {page_count / docx_seconds:7.1f} pages/s")
    print(f".doc   {doc_seconds / documents:10.2f} s per document (LibreOffice's conversion included)")
    print(f"title and chunk count as the text: {same}/{documents} (.docx and .doc)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
