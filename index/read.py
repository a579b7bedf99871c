"""Read files into decoded texts: formats (.txt/.md, .docx, .pdf, .jsonl) and encodings.

Every failure becomes a ``ReadError`` with a one-line reason, so one bad file in a
folder never stops the others from loading.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .normalize import strip_invisible

TEXT_SUFFIXES = frozenset({".txt", ".md"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf", ".jsonl"}
MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest single document file read into memory (.jsonl archives are streamed instead)."""
MAX_JSONL_LINE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class SourceText:
    """One document's decoded text, before cleaning, with what its file said about it."""

    name: str
    text: str
    format: str
    original: bytes
    doc_id: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ReadError:
    """A file (or a line of a .jsonl file) that could not be read, and why."""

    name: str
    reason: str


def content_id(text: str) -> str:
    """Stable document id from its text, insensitive to encoding, BOM and line endings."""
    canonical = "\n".join(line.strip() for line in text.replace("\r\n", "\n").splitlines()).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def decode(data: bytes) -> str:
    """Decode text bytes: BOM first, then strict UTF-8, then statistical detection
    restricted to the Chinese legacy encodings (GB18030 covers GBK and GB2312).

    Raises ``ValueError`` for data that is binary or in no supported encoding.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:4096]:
        raise ValueError("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    if guess is None:
        raise ValueError("unknown text encoding (not UTF-8, GB18030/GBK or Big5)")
    return str(guess)


def _read_docx(data: bytes) -> str:
    import docx  # python-docx; imported lazily, only .docx uploads need it

    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _read_pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if not text.strip():
        raise ValueError("PDF has no text layer (scanned image?); run OCR first")
    return text


def _jsonl_row(name: str, line_number: int, line: bytes) -> SourceText | ReadError:
    where = f"{name}:{line_number}"
    try:
        row = json.loads(decode(line))
    except (ValueError, UnicodeDecodeError) as error:
        return ReadError(where, f"not a JSON object ({error})")
    if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
        return ReadError(where, 'needs a non-empty "text" string')
    def optional(key: str) -> str | None:
        value = row.get(key)
        return str(value).strip() or None if value is not None else None
    source = optional("source") or optional("source_url")
    return SourceText(
        name=f"{name}#{optional('id') or line_number}",
        text=strip_invisible(row["text"]),
        format="jsonl",
        original=line.strip(),
        doc_id=optional("id"),
        title=optional("title"),
        date=optional("date"),
        source=source,
    )


def read_bytes(name: str, data: bytes) -> Iterator[SourceText | ReadError]:
    """Decode one file's bytes by its suffix. A .jsonl file yields one item per line."""
    if Path(name).suffix.lower() == ".jsonl":
        yield from _jsonl_rows(name, data.splitlines())
    else:
        yield read_document(name, data)


def read_document(name: str, data: bytes) -> SourceText | ReadError:
    """Decode a single-document file (.txt, .md, .docx, .pdf)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES - {".jsonl"}:
        return ReadError(name, f"unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    if not data.strip():
        return ReadError(name, "empty file")
    try:
        if suffix == ".docx":
            text = _read_docx(data)
        elif suffix == ".pdf":
            text = _read_pdf(data)
        else:
            text = decode(data)
    except Exception as error:  # every parser has its own exception types; all mean "unreadable"
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return ReadError(name, f"cannot read {suffix[1:]}: {reason}")
    text = strip_invisible(text)
    if not text.strip():
        return ReadError(name, "no text in file")
    return SourceText(name=name, text=text, format=suffix[1:], original=data)


def read_path(path: Path) -> Iterator[SourceText | ReadError]:
    """Read a file or walk a folder recursively, in a stable (sorted) order."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith("."):
                yield from read_path(child)
        return
    if not path.exists():
        yield ReadError(str(path), "no such file or folder")
        return
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield ReadError(str(path), f"unsupported file type {suffix or '(none)'}")
        return
    if suffix == ".jsonl":
        yield from _stream_jsonl(path)
        return
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        yield ReadError(str(path), f"file too large ({size // 1_000_000} MB > {MAX_FILE_BYTES // 1_000_000} MB)")
        return
    yield read_document(str(path), path.read_bytes())


def _stream_jsonl(path: Path) -> Iterator[SourceText | ReadError]:
    """Read a .jsonl archive line by line so a large archive never sits in memory at once."""
    with path.open("rb") as handle:
        yield from _jsonl_rows(str(path), handle)


def _jsonl_rows(name: str, lines: Iterable[bytes]) -> Iterator[SourceText | ReadError]:
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_JSONL_LINE_BYTES:
            yield ReadError(f"{name}:{number}", "line too long")
        elif line.strip():
            yield _jsonl_row(name, number, line)


def read_original(name: str, format: str, content: bytes) -> SourceText | ReadError:
    """Decode a stored original again (for a rebuild with the current cleaning rules)."""
    if format == "jsonl":
        return _jsonl_row(name.rsplit("#", 1)[0], 1, content)
    return read_document(name if name.lower().endswith(f".{format}") else f"{name}.{format}", content)
