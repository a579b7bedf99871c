"""Read files into decoded texts: formats (.txt/.md, .docx, .pdf, .jsonl, scans) and encodings.

Every failure becomes a ``ReadError`` with a one-line reason, in Chinese for the person who sent
the file, so one bad file in a folder never stops the others from loading.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import CharsetMatch, from_bytes

from .errors import Unreadable
from .normalize import strip_invisible
from .office import OFFICE_SUFFIXES, convert_to_docx
from .pdf_layout import Paragraph, read_image, read_pdf

TEXT_SUFFIXES = frozenset({".txt", ".md"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
"""Photos or scans of a page, read by OCR."""
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | OFFICE_SUFFIXES | IMAGE_SUFFIXES | {".docx", ".pdf", ".jsonl"}
MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest single document file read into memory (.jsonl archives are streamed instead)."""
MAX_JSONL_LINE_BYTES = 20 * 1024 * 1024
LINE_TOO_LONG = f"这一行太长（超过 {MAX_JSONL_LINE_BYTES >> 20} MB）"
MAX_NAME_CHARS = 120
MAX_TITLE_CHARS = 200
"""A longer "title" in a .jsonl row is text, not a title; it is cut so that every reply can show it."""
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
"""Controls, format characters (zero-width, bidi overrides that reorder what is shown), line
separators and lone surrogates (which SQLite and terminals cannot take)."""
_CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]{3}")
EMPTY_FILE = "空文件"
NO_TEXT = "文件里没有文字"
HIDDEN = "隐藏的文件或文件夹"
NOT_FOUND = "文件或文件夹不存在"
_OS_REASONS = {
    errno.ENOENT: NOT_FOUND,
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ENAMETOOLONG: "路径太长",
    errno.ELOOP: "符号链接层数太多（可能首尾相连）",
    errno.EIO: "读取出错（磁盘或文件系统故障）",
}
"""What the system's refusals to open or list something mean (its own words are English)."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """Where a page of a paged document (a PDF, a scan) starts in its text, and how it was read."""

    number: int | None
    """From 1; None for a photo of a page."""
    start: int
    """Offset in ``SourceText.text`` of the first paragraph that starts on the page."""
    ocr: bool


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
    headings: tuple[tuple[str, int], ...] = ()
    """Lines of ``text`` its file marks as headings (a Word heading style), with their outline rank."""
    pages: tuple[Page, ...] = ()
    """The pages of a PDF or scan, in order; empty for other formats."""


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

    A file pasted together from UTF-8 and legacy parts (some lines are Chinese in valid
    UTF-8, others are not UTF-8) is decoded line by line: detection over the whole would
    read the UTF-8 part as GB18030 mojibake, or give up.

    Raises ``Unreadable`` for data that is binary or in no supported encoding.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:4096]:
        raise Unreadable("是二进制数据，不是文本")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    as_utf8 = [_utf8_or_none(line) for line in lines]
    if not any(text and _CHINESE_RUN.search(text) for text in as_utf8):
        return str(_legacy(data))
    legacy = _legacy(b"".join(line for line, text in zip(lines, as_utf8) if text is None)).encoding
    return "".join(line.decode(legacy, errors="replace") if text is None else text for line, text in zip(lines, as_utf8))


def _utf8_or_none(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _legacy(data: bytes) -> CharsetMatch:
    """The best reading of ``data`` in GB18030 or Big5."""
    guess = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    if guess is None:
        raise Unreadable("文字编码无法识别（不是 UTF-8、GB18030/GBK 或 Big5）")
    return guess


def _visible(text: str) -> str:
    """``text`` on one line, without the characters that hide, reorder or break it (``_HIDDEN_CATEGORIES``)."""
    return "".join(
        char if unicodedata.category(char) not in _HIDDEN_CATEGORIES else " " if char.isspace() else "" for char in text
    )


def safe_name(name: str | None) -> str:
    """An uploaded file's name as it may be stored and shown: its last path part, visible
    characters only, no leading dots, at most ``MAX_NAME_CHARS`` (its end, so the suffix stays)."""
    base = _visible(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return base[-MAX_NAME_CHARS:].strip(". ") or "upload"


def _path_name(path: Path) -> str:
    """A file's name in reports and the catalogue: its path as given, in UTF-8 even where the
    file system's bytes are not (SQLite refuses the surrogates Python keeps them as), visible."""
    return _visible(os.fsencode(path).decode("utf-8", errors="replace"))


def unsupported(suffix: str, listing: bool = False) -> str:
    """Why a file of this suffix is not read; with ``listing``, the suffixes that are (for one file
    sent, not for each of a folder's)."""
    reason = f"不支持的文件类型 {suffix or '（无后缀）'}"
    return f"{reason}；支持 {' '.join(sorted(SUPPORTED_SUFFIXES))}" if listing else reason


def _paged_text(paragraphs: list[Paragraph]) -> tuple[str, tuple[Page, ...]]:
    """A paged document's paragraphs as one text, and where each page starts: a paragraph a line,
    after a blank line when it is set apart (as a text sets a title apart; cleaning joins lines
    broken mid-sentence, and a blank line keeps a title from being taken for one)."""
    parts: list[str] = []
    pages: list[Page] = []
    length = 0
    for paragraph in paragraphs:
        if parts:
            parts.append("\n\n" if paragraph.set_apart else "\n")
            length += len(parts[-1])
        if not pages or (pages[-1].number, pages[-1].ocr) != (paragraph.page, paragraph.ocr):
            pages.append(Page(paragraph.page, length, paragraph.ocr))
        parts.append(strip_invisible(paragraph.text))
        length += len(parts[-1])
    return "".join(parts), tuple(pages)


def _jsonl_row(name: str, line_number: int, line: bytes) -> SourceText | ReadError:
    where = f"{name}:{line_number}"
    try:
        row = json.loads(decode(line))
    except json.JSONDecodeError as error:
        return ReadError(where, f"不是有效的 JSON（第 {error.colno} 列有误）")
    except Unreadable as error:
        return ReadError(where, str(error))
    except ValueError:  # json's other limits (a number of thousands of digits)
        return ReadError(where, "不是有效的 JSON")
    except RecursionError:
        return ReadError(where, "不是有效的 JSON（嵌套太深）")
    if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
        return ReadError(where, '应是含非空 "text" 字段的 JSON 对象')
    def optional(key: str) -> str | None:
        value = row.get(key)
        return _visible(str(value)).strip() or None if value is not None else None
    source = optional("source") or optional("source_url")
    title = optional("title")
    if title and len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1] + "…"
    return SourceText(
        name=f"{name}#{optional('id') or line_number}",
        text=strip_invisible(row["text"]),
        format="jsonl",
        original=line.strip(),
        doc_id=optional("id"),
        title=title,
        date=optional("date"),
        source=source,
    )


def read_bytes(name: str, data: bytes) -> Iterator[SourceText | ReadError]:
    """Decode one uploaded file's bytes by its suffix, under its ``safe_name``. A .jsonl file
    yields one item per line."""
    name = safe_name(name)
    if Path(name).suffix.lower() == ".jsonl":
        yield from _jsonl_rows(name, data.splitlines())
    else:
        yield read_document(name, data)


def read_document(name: str, data: bytes) -> SourceText | ReadError:
    """Decode a single-document file (.txt, .md, .docx, .doc, .wps, .pdf, .png/.jpg)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES - {".jsonl"}:
        return ReadError(name, unsupported(suffix, listing=True))
    if not data.strip():
        return ReadError(name, EMPTY_FILE)
    headings: tuple[tuple[str, int], ...] = ()
    pages: tuple[Page, ...] = ()
    try:
        if suffix in OFFICE_SUFFIXES or suffix == ".docx":
            from .docx_reader import read_docx  # python-docx loads lxml: only Word files need it

            word = read_docx(convert_to_docx(data, suffix) if suffix in OFFICE_SUFFIXES else data)
            text, headings = word.text, word.headings
        elif suffix == ".pdf":
            text, pages = _paged_text(read_pdf(data))
        elif suffix in IMAGE_SUFFIXES:
            text, pages = _paged_text(read_image(data))
        else:
            text = decode(data)
    except Unreadable as error:
        return ReadError(name, f"无法读取 {suffix} 文件：{error}")
    except Exception as error:  # every parser has its own exception types, in English: logged for the admin
        log.info("cannot read %s: %s: %s", name, type(error).__name__, error)
        return ReadError(name, f"无法读取 {suffix} 文件：文件已损坏，或不是真正的 {suffix} 文件")
    text = strip_invisible(text)
    if not text.strip():
        return ReadError(name, NO_TEXT)
    return SourceText(name=name, text=text, format=suffix[1:], original=data, headings=headings, pages=pages)


def read_path(path: Path) -> Iterator[SourceText | ReadError]:
    """Read a file, or walk a folder recursively in a stable (sorted) order.

    What the admin names is read, through a symbolic link too; within a folder, hidden entries,
    links that lead out of it or to a folder, and what is no regular file (a FIFO would block, a
    device never end) are skipped, each with its reason, as is a part that cannot be read (a path
    longer than the system takes): the walk stays inside the folder and goes on past them.
    """
    try:
        if path.is_dir():
            yield from _walk(path, path.resolve())
            return
    except OSError as error:
        yield ReadError(_path_name(path), _os_reason(error))
        return
    if not os.path.lexists(path):  # said before its suffix is judged: a mistyped folder has none
        yield ReadError(_path_name(path), NOT_FOUND)
        return
    yield from _read_file(path)


def _walk(folder: Path, root: Path) -> Iterator[SourceText | ReadError]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        yield ReadError(_path_name(folder), f"无法列出文件夹：{_os_reason(error)}")
        return
    for entry in entries:
        child = folder / entry.name
        if entry.name.startswith("."):
            yield ReadError(_path_name(child), HIDDEN)
            continue
        try:
            if entry.is_symlink():
                target = child.resolve()
                if not target.is_relative_to(root):
                    yield ReadError(_path_name(child), "符号链接指向文件夹之外，不跟随")
                    continue
                if target.is_dir():
                    yield ReadError(_path_name(child), "符号链接指向文件夹，不跟随")
                    continue
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk(child, root)
                continue
        except OSError as error:
            yield ReadError(_path_name(child), _os_reason(error))
            continue
        yield from _read_file(child)


def _os_reason(error: OSError) -> str:
    return _OS_REASONS.get(error.errno or 0, f"无法读取（系统错误 {error.errno}）")


_SPECIAL_FILES = ((stat.S_ISFIFO, "命名管道"), (stat.S_ISCHR, "设备"), (stat.S_ISBLK, "设备"), (stat.S_ISSOCK, "套接字"))


def _read_file(path: Path) -> Iterator[SourceText | ReadError]:
    """Read one file, refusing what is no regular file before a byte of it is read, and reading at
    most ``MAX_FILE_BYTES`` (a .jsonl archive a line at a time) whatever size it claims."""
    name = _path_name(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield ReadError(name, unsupported(suffix))
        return
    try:
        # Opened without waiting (a FIFO's open waits for a writer), then judged by what is open.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        yield ReadError(name, _os_reason(error))
        return
    with open(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = next((f"（{kind}）" for is_kind, kind in _SPECIAL_FILES if is_kind(status.st_mode)), "")
            yield ReadError(name, f"不是普通文件{kind}")
            return
        if suffix == ".jsonl":
            yield from _jsonl_rows(name, _bounded_lines(handle, MAX_JSONL_LINE_BYTES))
            return
        data = handle.read(MAX_FILE_BYTES + 1) if status.st_size <= MAX_FILE_BYTES else b""
    size = max(status.st_size, len(data))
    if size > MAX_FILE_BYTES:
        yield ReadError(name, f"文件太大（{size >> 20} MB，上限 {MAX_FILE_BYTES >> 20} MB）")
        return
    yield read_document(name, data)


def _bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes]:
    """The lines of ``handle``, none read beyond ``limit + 1`` bytes: a longer line (a file with
    no line breaks at all) comes back cut there, its rest skipped a megabyte at a time."""
    while line := handle.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield line


def _jsonl_rows(name: str, lines: Iterable[bytes]) -> Iterator[SourceText | ReadError]:
    """One item per non-blank line; an archive of none is an error, not a silent no-op."""
    empty = True
    for number, line in enumerate(lines, start=1):
        too_long = len(line) > MAX_JSONL_LINE_BYTES
        if not too_long and not line.strip():
            continue
        empty = False
        yield ReadError(f"{name}:{number}", LINE_TOO_LONG) if too_long else _jsonl_row(name, number, line)
    if empty:
        yield ReadError(name, EMPTY_FILE)


def archive_of(name: str, format: str) -> str | None:
    """The .jsonl file a document's stored ``name`` (``file#id``) says it came from; None for another format."""
    return name.rsplit("#", 1)[0] if format == "jsonl" else None


def read_original(name: str, format: str, content: bytes) -> SourceText | ReadError:
    """Decode a stored original again (for a rebuild with the current cleaning rules)."""
    archive = archive_of(name, format)
    if archive is not None:
        return _jsonl_row(archive, 1, content)
    return read_document(name if name.lower().endswith(f".{format}") else f"{name}.{format}", content)
