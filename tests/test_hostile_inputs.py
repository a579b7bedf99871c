"""Hostile and broken inputs: each is refused with a clear one-line reason or handled, and
none of them disturbs the index or the documents already in it.

Through the real paths: ``Collection.add_file`` / ``add_paths`` / ``ask``, the command line
(``bot.cli.main``), and the bot (the real Application over HTTP, against the Bot API stand-in).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import html
import io
import json
import os
import random
import re
import sys
import tracemalloc
import unicodedata
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.render import MAX_QUESTION_CHARS
from bot.telegram_format import MESSAGE_LIMIT, split_messages, utf16_len
from index.collection import Collection, IngestReport
from index.docx_reader import MAX_UNPACKED_BYTES
from index.read import (
    EMPTY_FILE,
    LINE_TOO_LONG,
    MAX_FILE_BYTES,
    MAX_NAME_CHARS,
    MAX_TITLE_CHARS,
    NO_TEXT,
)
from tests.conftest import MEETING_REPORT, RIVER_REPORT
from tests.telegram_stub import BotApiStub
from tests.test_bot_e2e import ADMIN, USER, Running, _start

REFERENCE = "秋粮收购有什么要求"
"""A question the earlier documents answer; its answer must not move when a bad input comes."""
FOREST = "市林业局召开森林防火工作会议\n\n3月2日，市林业局召开森林防火工作会议。会议要求严格落实森林防火责任，加强巡山护林。\n"
FOREST_QUESTION = "森林防火有什么要求"
FOREST_TRADITIONAL = "市林業局召開森林防火工作會議\n\n3月2日，市林業局召開森林防火工作會議。會議要求嚴格落實森林防火責任，加強巡山護林。\n"
SAFETY = "市应急管理局召开安全生产专题会议\n\n4月9日，市应急管理局召开安全生产专题会议。会议要求开展危化品安全隐患排查整治，压实企业主体责任。\n"
HUGE = 200 * 1024 * 1024
HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}
"""Unicode categories no stored name or printed line may hold: controls, format characters
(zero-width, bidi overrides), line separators, lone surrogates."""


# -- building hostile bytes ----------------------------------------------------------


def _docx(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    """A zip archive, but not a Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _blank_pdf() -> bytes:
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _random_bytes(count: int, low: int = 0) -> bytes:
    """The same noise on every run (no byte below ``low``)."""
    rng = random.Random(count)
    return bytes(rng.randrange(low, 256) for _ in range(count))


def _jsonl(*rows: dict[str, Any]) -> bytes:
    """A .jsonl archive in ASCII escapes, which can carry lone surrogates as JSON allows."""
    return "\n".join(json.dumps(row) for row in rows).encode()


def _sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk space and no memory to make."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


DOCX = _docx(*FOREST.split("\n\n"))
# Files no document can be read from: (name, bytes, what the one-line reason says).
REFUSED = [
    pytest.param("empty.txt", b"", EMPTY_FILE, id="empty-txt"),
    pytest.param("blank.md", b" \r\n\t\n", EMPTY_FILE, id="whitespace-md"),
    pytest.param("empty.docx", b"", EMPTY_FILE, id="empty-docx"),
    pytest.param("empty.pdf", b"", EMPTY_FILE, id="empty-pdf"),
    pytest.param("empty.jsonl", b"\n  \n", EMPTY_FILE, id="blank-jsonl"),
    pytest.param("invisible.txt", "\u200b\u200d\ufeff\u2060\n".encode(), NO_TEXT, id="only-zero-width"),
    pytest.param("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _random_bytes(512), "二进制", id="png-as-txt"),
    pytest.param("program.md", b"\x7fELF\x02\x01\x01\x00" + _random_bytes(512), "二进制", id="elf-as-md"),
    pytest.param("archive.txt", gzip.compress(FOREST.encode()), "二进制", id="gzip-as-txt"),
    pytest.param("report.txt", DOCX, "二进制", id="docx-as-txt"),
    pytest.param("noise.txt", _random_bytes(4096, low=1), "编码无法识别", id="random-bytes-without-nul"),
    pytest.param("notes.txt", "Réunion: café, élève, déjà vu, naïve façade.\n".encode("cp1252") * 20, "编码无法识别", id="cp1252"),
    pytest.param("utf16.txt", FOREST.encode("utf-16-le"), "二进制", id="utf16-without-bom"),
    pytest.param("nul.txt", FOREST.replace("防火", "防\x00火").encode(), "二进制", id="nul-bytes-in-text"),
    pytest.param("blank.pdf", _blank_pdf(), NO_TEXT, id="pdf-without-text"),
    pytest.param("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF\n", "无法读取 .pdf 文件", id="corrupt-pdf"),
    pytest.param("broken.docx", _random_bytes(2048), "无法读取 .docx 文件", id="random-docx"),
    pytest.param("truncated.docx", DOCX[: len(DOCX) // 2], "无法读取 .docx 文件", id="truncated-docx"),
    pytest.param("renamed.docx", FOREST.encode(), "无法读取 .docx 文件", id="text-as-docx"),
    pytest.param("hollow.docx", _zip({"readme.txt": FOREST.encode()}), "无法读取 .docx 文件", id="zip-without-document"),
    pytest.param("rows.jsonl", b'not json\n{"text": "unterminated\n', "不是有效的 JSON", id="jsonl-not-json"),
    pytest.param("rows.jsonl", _jsonl({"title": "无正文"}, {"text": "  "}), '"text"', id="jsonl-without-text"),
    pytest.param("rows.jsonl", b'{"text": "\x00\x01"}\n', "二进制", id="jsonl-nul-bytes"),
]
# One of each kind, for the slower path through the bot.
BOT_REFUSED = [case for case in REFUSED if case.id in {
    "empty-txt", "blank-jsonl", "png-as-txt", "nul-bytes-in-text", "utf16-without-bom",
    "pdf-without-text-layer", "truncated-docx", "text-as-docx",
}]

# Documents that are read, but whose text is hard to show in Telegram HTML: (name, bytes, [(question, phrase found)]).
HARD_TO_SHOW = [
    pytest.param(
        "notes.txt", FOREST.replace("严格落实", "<script>alert(1)</script>严格落实").replace("。\n", "，防火期 a<b && c>d 照常执行。\n").encode(),
        [(FOREST_QUESTION, "<script>alert(1)</script>严格落实森林防火责任"), ("防火期照常执行", "a<b && c>d")],
        id="html-like-text",
    ),
    pytest.param(
        "page.txt",
        ("<html><head><style>p {color: red}</style></head><body><h1>市林业局召开森林防火工作会议</h1>"
         "<p>3月2日，市林业局召开森林防火工作会议。会议要求严格落实森林防火责任&amp;加强巡山护林，禁止携带&lt;火种&gt;进山。</p>"
         "</body></html>").encode(),
        [(FOREST_QUESTION, "严格落实森林防火责任&加强巡山护林，禁止携带<火种>进山")],
        id="html-page",
    ),
    pytest.param(
        "notes.md",
        ("# 市林业局召开森林防火工作会议\n\n3月2日，市林业局召开森林防火工作会议。会议要求**严格落实森林防火责任**，"
         "加强[巡山护林](https://lyj.example.gov.cn/a?b=1&c=2)，_禁止_ `野外用火`。\n").encode(),
        [(FOREST_QUESTION, "严格落实森林防火责任"), ("巡山护林", "巡山护林")],
        id="markdown",
    ),
    pytest.param(
        "quotes.txt", FOREST.replace("严格落实", '"严格"落实\'&#x27;&nbsp;').encode(),
        [(FOREST_QUESTION, '"严格"落实\'&#x27;&nbsp;森林防火责任')],
        id="quotes-and-entity-lookalikes",
    ),
    pytest.param(
        "rows.jsonl", _jsonl({"id": "forest-1", "title": "森林防火" * 3000, "text": FOREST}),
        [(FOREST_QUESTION, "严格落实森林防火责任")],
        id="jsonl-huge-title",
    ),
    pytest.param(
        "long.txt",
        ("市林业局召开森林防火工作会议\n\n会议要求" + "，".join(["严格落实森林防火责任&<巡山护林>😀"] * 250) + "。\n").encode(),
        [(FOREST_QUESTION, "严格落实森林防火责任&<巡山护林>😀")],
        id="long-paragraph-of-entities-and-emoji",
    ),
]
# Documents in awkward encodings or with awkward content, all of which must be read and found.
HANDLED = [
    pytest.param("mixed.txt", FOREST.encode("gbk") + SAFETY.encode(), [(FOREST_QUESTION, "森林防火"), ("危化品安全隐患排查", "危化品")],
                 id="half-gbk-half-utf8"),
    pytest.param("mixed.md", SAFETY.encode() + FOREST.encode("gb18030"), [(FOREST_QUESTION, "森林防火"), ("危化品安全隐患排查", "危化品")],
                 id="half-utf8-half-gb18030"),
    pytest.param("big5.txt", FOREST_TRADITIONAL.encode("big5"), [(FOREST_QUESTION, "森林防火責任"), ("巡山护林", "巡山護林")],
                 id="big5-unlabelled"),
    pytest.param("gbk.txt", FOREST.encode("gbk"), [(FOREST_QUESTION, "森林防火责任")], id="gbk-unlabelled"),
    pytest.param("emoji.txt", FOREST.replace("责任，", "责任🔥，").replace("会议要求", "会议要求👍").encode(),
                 [(FOREST_QUESTION, "会议要求👍严格落实森林防火责任🔥")], id="emoji"),
    pytest.param("rows.jsonl",
                 _jsonl({"id": "forest\u200b-\udc80", "title": "\u202e森林防火\ud800会议", "text": FOREST.replace("森林", "森\ud800林")}),
                 [(FOREST_QUESTION, "森林防火责任")], id="jsonl-lone-surrogates"),
    *HARD_TO_SHOW,
]

INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u200f", "\u2066", "\x01", "\x1b", "\x7f", "\x0b", "\x0c",
    "\x85", "\u00ad", "\u061c", "\u180e", "\u034f", "\ufe0f", "\U000e0041",
]
INSIDE_WORDS = [pytest.param(char, id=f"U+{ord(char):04X}") for char in INVISIBLE]

NOISE_QUESTIONS = [
    pytest.param("？？？！！！……", id="punctuation"),
    pytest.param("?!.,;:()[]{}<>&", id="ascii-punctuation"),
    pytest.param("的了吗呢啊", id="stopwords"),
    pytest.param("是什么呢？", id="question-words"),
    pytest.param("😀😀🔥", id="emoji"),
    pytest.param("\u200b\u200d\ufeff", id="zero-width"),
    pytest.param("<b></b>**__**``", id="empty-markup"),
]
FOUND_QUESTIONS = [
    pytest.param("秋\u200b粮收\u200d购有什么要求", id="zero-width-inside-words"),
    pytest.param("秋粮\x00收购有什么要求", id="nul"),
    pytest.param("秋粮收购\x1b有什么\x07要求\x08", id="control-characters"),
    pytest.param("秋粮😀收购有什么要求🔥", id="emoji"),
    pytest.param("<b>秋粮收购</b>有什么<i>要求</i>", id="html"),
    pytest.param("**秋粮收购**有什么`要求`", id="markdown"),
]

HOSTILE_NAMES = [
    pytest.param("../../森林防火.txt", id="parent-dirs"),
    pytest.param("../" * 40 + "森林防火.txt", id="many-parent-dirs"),
    pytest.param("{outside}/森林防火.txt", id="absolute-path"),
    pytest.param("..\\..\\森林防火.txt", id="windows-parent-dirs"),
    pytest.param("C:\\Windows\\System32\\森林防火.txt", id="windows-absolute"),
    pytest.param("森林\x00防火.txt", id="nul"),
    pytest.param("报告\u202etxt.exe\u202c.txt", id="rtl-override"),
    pytest.param("\u200f森林防火\u200e\u2066.txt", id="bidi-marks"),
    pytest.param("森林\n防火\r\t.txt", id="line-breaks"),
    pytest.param("\x1b[31m森林防火\x1b[0m.txt", id="terminal-escapes"),
    pytest.param("森" * 5000 + ".txt", id="very-long"),
    pytest.param("...森林防火.txt", id="leading-dots"),
]
BOT_NAMES = [case for case in HOSTILE_NAMES if case.id in {"parent-dirs", "absolute-path", "nul", "rtl-override", "very-long"}]
DISK_NAMES = [
    pytest.param("\x1b[31m森林防火\x1b[0m.txt", id="terminal-escapes"),
    pytest.param("森林\n防火\t.txt", id="line-breaks"),
    pytest.param("报告\u202etxt.exe\u202c.txt", id="rtl-override"),
    pytest.param("\u200b森林防火\u200f.txt", id="zero-width-and-bidi-marks"),
    pytest.param(os.fsdecode("森林防火".encode("gbk")) + ".txt", id="name-not-utf8"),
    pytest.param("森" * 80 + ".txt", id="very-long"),
]


# -- what must not change --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """What a refused input must leave as it was."""

    documents: tuple[str, ...]
    chunks: int
    indexed: int
    answer: tuple[tuple[str, int, str], ...]


def snapshot(collection: Collection) -> Snapshot:
    """The documents, the catalogue's and the index's chunk counts, and the answer to ``REFERENCE``."""
    return Snapshot(
        documents=tuple(sorted(record.id for record in collection.documents())),
        chunks=collection.store.chunk_count(),
        indexed=collection.index.num_docs(),
        answer=tuple((p.doc_id, p.position, p.text) for p in collection.ask([REFERENCE]).passages),
    )


def assert_still_serving(collection: Collection, before: Snapshot) -> None:
    """After an accepted input: the earlier documents are all there and answer as before, and the
    index holds exactly what the catalogue does."""
    after = snapshot(collection)
    assert set(before.documents) <= set(after.documents)
    assert after.answer == before.answer and before.answer
    assert after.indexed == after.chunks


def assert_refused(report: IngestReport, reason: str) -> None:
    assert not report.added and not report.unchanged
    assert report.skipped
    for error in report.skipped:
        assert reason in error.reason, error
        assert error.reason.strip() and "\n" not in error.reason


def assert_found(collection: Collection, question: str, phrase: str) -> None:
    passages = collection.ask([question]).passages
    assert passages, f"{question!r} finds nothing"
    assert any(phrase in passage.text for passage in passages), (question, [passage.text for passage in passages])


def assert_visible(text: str) -> None:
    """No character that hides, reorders or breaks a line, and nothing a terminal or SQLite cannot take."""
    hidden = [char for char in text if unicodedata.category(char) in HIDDEN]
    assert not hidden, f"{hidden!r} in {text!r}"


def assert_safe_name(name: str) -> None:
    assert_visible(name)
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".") and len(name) <= MAX_NAME_CHARS
    assert name.endswith(".txt")


def traced_peak(run: Callable[[], IngestReport]) -> tuple[IngestReport, int]:
    """What ``run`` returns, and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        return run(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@contextlib.contextmanager
def writing_only_into(data: Path) -> Iterator[None]:
    """Fails when the block writes a file outside ``data``: elsewhere under its parent, or beside that."""
    root = data.parent
    neighbours = sorted(root.parent.iterdir())
    yield
    assert [path for path in root.rglob("*") if path.is_file() and data not in path.parents] == []
    assert sorted(root.parent.iterdir()) == neighbours


def hostile(name: str, data: Path) -> str:
    """``name`` with its placeholder for an absolute path outside ``data`` filled in."""
    return name.replace("{outside}", str(data.parent / "outside"))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/data, with the test run from an empty tmp_path/work/deep: a file name used as a
    path (../, absolute) would land in tmp_path outside data/."""
    data, work = tmp_path / "data", tmp_path / "work" / "deep"
    data.mkdir()
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return data


@pytest.fixture
def library(collection: Collection) -> Collection:
    """The two reports of conftest, uploaded as the bot would."""
    collection.add_file("grain.txt", MEETING_REPORT.encode())
    collection.add_file("river.txt", RIVER_REPORT.encode())
    return collection


# -- files: Collection.add_file and add_paths ------------------------------------------


@pytest.mark.parametrize(("name", "data", "reason"), REFUSED)
def test_uploaded_file_is_refused_and_changes_nothing(library: Collection, name: str, data: bytes, reason: str) -> None:
    before = snapshot(library)
    assert_refused(library.add_file(name, data), reason)
    assert snapshot(library) == before


@pytest.mark.parametrize(("name", "data", "reason"), REFUSED)
def test_file_on_disk_is_refused_and_changes_nothing(library: Collection, tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / "incoming" / name
    path.parent.mkdir()
    path.write_bytes(data)
    before = snapshot(library)
    assert_refused(library.add_paths([path]), reason)
    assert snapshot(library) == before


@pytest.mark.parametrize(("name", "data", "found"), HANDLED)
def test_awkward_file_is_read_and_found(library: Collection, name: str, data: bytes, found: list[tuple[str, str]]) -> None:
    before = snapshot(library)
    report = library.add_file(name, data)
    assert len(report.added) == 1 and not report.skipped
    for question, phrase in found:
        assert_found(library, question, phrase)
    record = report.added[0]
    assert_visible(record.name + record.title + record.id)
    assert len(record.title) <= MAX_TITLE_CHARS
    assert_still_serving(library, before)


@pytest.mark.parametrize("char", INSIDE_WORDS)
def test_invisible_characters_inside_words_do_not_hide_them(library: Collection, char: str) -> None:
    before = snapshot(library)
    text = FOREST.replace("森林防火", f"森{char}林防{char}火").replace("巡山护林", f"巡{char}山{char}护林")
    assert library.add_file("forest.txt", text.encode()).added
    assert_found(library, FOREST_QUESTION, "严格落实森林防火责任")
    assert_found(library, "巡山护林", "巡山护林")
    assert_found(library, f"森林防{char}火有什么要求", "森林防火")
    assert_still_serving(library, before)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".docx", ".pdf", ".jsonl"])
def test_huge_file_is_refused_before_it_is_read(library: Collection, tmp_path: Path, suffix: str) -> None:
    path = _sparse(tmp_path / f"huge{suffix}", HUGE)
    before = snapshot(library)
    report, peak = traced_peak(lambda: library.add_paths([path]))
    assert_refused(report, LINE_TOO_LONG if suffix == ".jsonl" else "文件太大")
    assert peak < MAX_FILE_BYTES, f"{peak >> 20} MB held while refusing a {HUGE >> 20} MB file"
    assert snapshot(library) == before


def test_docx_that_unzips_into_a_huge_file_is_refused(library: Collection) -> None:
    buffer = io.BytesIO(DOCX)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
        block = bytes(1 << 20)
        for _ in range(MAX_UNPACKED_BYTES // len(block) + 1):
            member.write(block)
    bomb = buffer.getvalue()
    assert len(bomb) < MAX_FILE_BYTES // 50
    before = snapshot(library)
    report, peak = traced_peak(lambda: library.add_file("bomb.docx", bomb))
    assert_refused(report, "解压后太大")
    assert peak < MAX_FILE_BYTES
    assert snapshot(library) == before


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_uploaded_file_name_is_stored_safely(data_dir: Path, name: str) -> None:
    with writing_only_into(data_dir), contextlib.closing(Collection(data_dir / "meetings.db")) as collection:
        report = collection.add_file(hostile(name, data_dir), FOREST.encode())
        assert len(report.added) == 1
        assert_safe_name(report.added[0].name)
        assert [record.name for record in collection.documents()] == [report.added[0].name]
        assert_found(collection, FOREST_QUESTION, "森林防火")


# -- questions: Collection.ask ---------------------------------------------------------------


@pytest.mark.parametrize("question", NOISE_QUESTIONS)
def test_question_with_no_words_finds_nothing(library: Collection, question: str) -> None:
    assert library.ask([question]).passages == []


@pytest.mark.parametrize("question", FOUND_QUESTIONS)
def test_question_with_noise_around_its_words_is_answered(library: Collection, question: str) -> None:
    expected = library.ask([REFERENCE]).passages
    assert [p.doc_id for p in library.ask([question]).passages][:1] == [expected[0].doc_id]


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, meeting_files: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The two conftest reports indexed by the command line; settings point into tmp_path
    (no developer's .env is read)."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "cli.db"
    assert main(["index", str(meeting_files), "--db", str(db)]) == 0
    capsys.readouterr()
    return db


def _cli_snapshot(db: Path) -> Snapshot:
    """``snapshot`` of the command line's catalogue, opened and closed again."""
    with contextlib.closing(Collection(db)) as collection:
        return snapshot(collection)


@pytest.mark.parametrize(("name", "data", "reason"), REFUSED)
def test_cli_index_refuses_with_one_line_each(indexed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             name: str, data: bytes, reason: str) -> None:
    path = tmp_path / "incoming" / name
    path.parent.mkdir()
    path.write_bytes(data)
    before = _cli_snapshot(indexed)
    assert main(["index", str(path), "--db", str(indexed)]) == 1
    lines = capsys.readouterr().out.splitlines()
    skipped = [line for line in lines if line.startswith("跳过 ")]
    assert skipped and all(str(path) in line and reason in line for line in skipped)
    assert lines[-1] == f"共添加 0 份，未变 0 份，跳过 {len(skipped)} 份"
    assert _cli_snapshot(indexed) == before


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".jsonl"])
def test_cli_index_refuses_a_huge_file(indexed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    path = _sparse(tmp_path / f"huge{suffix}", HUGE)
    before = _cli_snapshot(indexed)
    assert main(["index", str(path), "--db", str(indexed)]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"^跳过  {re.escape(str(path))}\S*：(文件太大（200 MB，上限 50 MB）|{LINE_TOO_LONG})$", out, re.MULTILINE), out
    assert _cli_snapshot(indexed) == before


@pytest.mark.parametrize("name", DISK_NAMES)
def test_cli_index_prints_and_stores_odd_file_names_visibly(indexed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / name).write_bytes(FOREST.encode())
    assert main(["index", str(folder), "--db", str(indexed)]) == 0
    assert main(["index", str(folder), "--db", str(indexed)]) == 0  # the second run names the file: unchanged
    lines = capsys.readouterr().out.split("\n")
    assert [line.split()[0] for line in lines if line] == ["添加", "共添加", "未变", "共添加"], lines
    for line in lines:
        assert_visible(line)
    with contextlib.closing(Collection(indexed)) as collection:
        for record in collection.documents():
            assert_visible(record.name)
        assert_found(collection, FOREST_QUESTION, "森林防火")


@pytest.mark.parametrize("question", NOISE_QUESTIONS)
def test_cli_question_with_no_words_says_nothing_was_found(indexed: Path, capsys: pytest.CaptureFixture[str], question: str) -> None:
    assert main(["ask", "--db", str(indexed), question]) == 0
    out = capsys.readouterr().out
    assert "没有找到" in out and "目前收录的会议包括" in out
    assert "[1]" not in out


@pytest.mark.parametrize("turns", [["农" * 50_000], ["要求" * 25_000, "秋粮收购"]], ids=["question", "earlier-turn"])
def test_cli_refuses_a_huge_question_briefly(indexed: Path, capsys: pytest.CaptureFixture[str], turns: list[str]) -> None:
    assert main(["ask", "--db", str(indexed), *turns]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "太长" in captured.err and "50000" in captured.err and str(MAX_QUESTION_CHARS) in captured.err
    assert len(captured.err) < 100


@pytest.mark.parametrize("turns", [[""], ["  ", "\t"]], ids=["empty", "blank"])
def test_cli_refuses_an_empty_question(indexed: Path, capsys: pytest.CaptureFixture[str], turns: list[str]) -> None:
    assert main(["ask", "--db", str(indexed), *turns]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "请直接输入问题" in captured.err


def test_cli_batch_answers_around_a_huge_question(indexed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [{"turns": ["农" * 50_000]}, {"turns": [REFERENCE]}, {"turns": ["？？？"]}]
    batch = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(batch), encoding="utf-8"))
    assert main(["ask", "--json", "--db", str(indexed)]) == 0
    refused, answered, empty = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert set(refused) == {"line", "error"} and refused["error"].startswith("第 1 行") and "太长" in refused["error"]
    assert len(refused["error"]) < 100
    assert answered["query"] == REFERENCE and answered["results"]
    assert empty == {"query": "？？？", "results": []}


# -- the bot ----------------------------------------------------------------------------------

_TELEGRAM_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler", "span"})
_HTML_TOKEN = re.compile(
    r'<(/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)>'  # a tag
    r"|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);"  # an entity Telegram knows
    r"|[<>&]",  # a bare one, which makes Telegram refuse the whole message
    re.IGNORECASE,
)


def parsed(text: str) -> str:
    """The text Telegram's HTML parser makes of ``text``, failing where it would refuse the
    message: unknown or unbalanced tags, a bare < > or &, an entity it does not know."""
    parts: list[str] = []
    open_tags: list[str] = []
    last = 0
    for token in _HTML_TOKEN.finditer(text):
        parts.append(text[last : token.start()])
        last = token.end()
        around = text[max(0, token.start() - 30) : token.end() + 30]
        assert len(token[0]) > 1, f"bare {token[0]!r} in {around!r}"
        if token[0].startswith("&"):
            parts.append(html.unescape(token[0]))
        elif token[1]:
            assert open_tags and open_tags.pop() == token[2].lower(), f"unbalanced {token[0]} in {around!r}"
        else:
            assert token[2].lower() in _TELEGRAM_TAGS, f"{token[0]} in {around!r}"
            open_tags.append(token[2].lower())
    assert not open_tags, f"unclosed {open_tags} in {text!r}"
    return "".join(parts) + text[last:]


def shown(message: dict[str, Any]) -> str:
    """What a Telegram client shows for a sent message, having checked that Telegram would accept
    it: valid HTML when sent as HTML, at most 4096 UTF-16 units once parsed."""
    text = parsed(message["text"]) if message.get("parse_mode") == "HTML" else message["text"]
    assert 0 < utf16_len(text) <= MESSAGE_LIMIT
    return text


def _buttons(reply: dict[str, Any]) -> dict[str, str]:
    """A reply's buttons: label → callback data."""
    return {button["text"]: button["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for button in row}


def send_document_of_size(stub: BotApiStub, chat_id: int, user_id: int, file_name: str, size: int) -> None:
    """A document message whose reported size is ``size``; no such file exists to download."""
    document = {"file_id": "huge", "file_unique_id": "huge", "file_name": file_name, "file_size": size}
    stub._push({"message": stub.message(chat_id, user_id, document=document)})


@pytest.fixture
async def bot(data_dir: Path) -> AsyncIterator[Running]:
    """The bot of tests/test_bot_e2e.py, with the two conftest reports, its data in ``data_dir``."""
    async for running in _start(data_dir):
        yield running


@pytest.mark.parametrize(("name", "data", "reason"), BOT_REFUSED)
async def test_bot_upload_is_refused_with_the_reason(bot: Running, name: str, data: bytes, reason: str) -> None:
    before = snapshot(bot.collection)
    bot.stub.send_document(10, ADMIN, name, data)
    text = shown((await bot.stub.wait_for(1, chat_id=10))[0])
    assert text.startswith("已添加 0 份，未变 0 份，跳过")
    assert f"✕ {name}" in text and reason in text
    assert snapshot(bot.collection) == before


@pytest.mark.parametrize("name", ["huge.txt", "huge.pdf", "huge.jsonl"])
async def test_bot_refuses_a_huge_upload_without_downloading_it(bot: Running, name: str) -> None:
    before = snapshot(bot.collection)
    send_document_of_size(bot.stub, 10, ADMIN, name, HUGE)
    text = shown((await bot.stub.wait_for(1, chat_id=10))[0])
    assert "20 MB" in text
    assert bot.stub.sent("getFile") == []
    assert snapshot(bot.collection) == before


@pytest.mark.parametrize("name", BOT_NAMES)
async def test_bot_stores_an_upload_under_a_safe_name(bot: Running, data_dir: Path, name: str) -> None:
    before = snapshot(bot.collection)
    with writing_only_into(data_dir):
        bot.stub.send_document(10, ADMIN, hostile(name, data_dir), FOREST.encode())
        text = shown((await bot.stub.wait_for(1, chat_id=10))[0])
    assert text.startswith("已添加 1 份")
    assert_visible(text.replace("\n", ""))
    (added,) = [record for record in bot.collection.documents() if record.id not in before.documents]
    assert_safe_name(added.name)
    assert_still_serving(bot.collection, before)


@pytest.mark.parametrize(("name", "data", "found"), HARD_TO_SHOW)
async def test_bot_shows_a_hard_document_as_text_telegram_accepts(bot: Running, name: str, data: bytes, found: list[tuple[str, str]]) -> None:
    bot.stub.send_document(10, ADMIN, name, data)
    assert shown((await bot.stub.wait_for(1, chat_id=10))[0]).startswith("已添加 1 份")
    question, phrase = found[0]
    passage = bot.collection.ask([question]).passages[0]
    bot.stub.send_text(10, USER, question)
    reply = (await bot.stub.wait_for(2, chat_id=10))[1]
    assert phrase in shown(reply)
    buttons = _buttons(reply)
    bot.stub.press(10, USER, buttons["原文 1"])
    bot.stub.press(10, USER, buttons["来源 1"])
    in_context, source = sorted((await bot.stub.wait_for(4, chat_id=10))[2:], key=lambda m: "▶" not in m["text"])
    assert passage.text[:200] in shown(in_context), "the passage itself is shown in its context"
    assert passage.title in shown(source)


@pytest.mark.parametrize("question", NOISE_QUESTIONS)
async def test_bot_question_with_no_words_says_nothing_was_found(bot: Running, question: str) -> None:
    bot.stub.send_text(10, USER, question)
    reply = (await bot.stub.wait_for(1, chat_id=10))[0]
    text = shown(reply)
    assert "没有找到" in text and not re.search(r"第\d+段", text)
    assert "reply_markup" not in reply


@pytest.mark.parametrize("question", FOUND_QUESTIONS)
async def test_bot_question_with_noise_around_its_words_is_answered(bot: Running, question: str) -> None:
    bot.stub.send_text(10, USER, question)
    text = shown((await bot.stub.wait_for(1, chat_id=10))[0])
    assert "秋粮收购工作推进会" in text and re.search(r"第\d+段", text)


async def test_bot_echoes_an_unanswerable_html_question_escaped(bot: Running) -> None:
    question = '<a href="javascript:alert(1)">载人航天</a>&<i>'
    bot.stub.send_text(10, USER, question)
    reply = (await bot.stub.wait_for(1, chat_id=10))[0]
    assert reply["parse_mode"] == "HTML" and "没有找到" in reply["text"]
    assert question in shown(reply) and "<a " not in reply["text"]


@pytest.mark.parametrize("question", ["农" * 50_000, "秋粮收购" + "😀" * 49_996], ids=["chinese", "emoji"])
async def test_bot_refuses_a_huge_question_briefly(bot: Running, question: str) -> None:
    before = snapshot(bot.collection)
    bot.stub.send_text(10, USER, question)
    text = shown((await bot.stub.wait_for(1, chat_id=10))[0])
    assert "太长" in text and len(text) < 100
    assert bot.history.turns(10) == []
    assert snapshot(bot.collection) == before


@pytest.mark.parametrize(
    "block", ["&amp;" * 3000, "😀" * 5000, "森林防火&lt;b&gt;" * 800, "<b>森林</b>防火&quot;" * 700],
    ids=["entities", "emoji", "mixed", "inline-tags"],
)
def test_an_oversized_html_block_is_split_into_messages_telegram_accepts(block: str) -> None:
    messages = split_messages([block])
    assert len(messages) > 1
    assert "".join(shown({"text": message, "parse_mode": "HTML"}) for message in messages) == parsed(block)
