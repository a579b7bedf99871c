"""The ``meeting-bot`` command: index documents, ask questions, chat, list documents, run the bot.

A thin layer over ``index.collection.Collection``; the Telegram bot answers through
the same ``Collection.ask`` path. What users read is in Chinese (``--help`` stays English).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from bot import __version__
from bot.config import LOG_LEVELS, Config, ConfigError, LogSettings, read_environment
from bot.logs import configure_logging
from bot.render import answer_json, answer_text, digest_text, display_date, question_refusal, timeline_text
from index.errors import CatalogueError, IndexBusy

if TYPE_CHECKING:
    from index.answer import Answer
    from index.collection import Collection
    from index.store import DocumentRecord

MAX_BATCH_LINE_BYTES = 1 << 20
"""A batch line longer than this is refused unread (a conversation of six 300-character turns is far shorter)."""


class UsageError(Exception):
    """The command line asks for something that cannot be done; the message is one line."""


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """``text`` with each lone surrogate (an undecodable byte in an argument, ``\\ud800`` in JSON)
    replaced by U+FFFD, so whatever echoes it prints valid UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def _db_path(args: argparse.Namespace, config: Config) -> Path:
    """``--db``, whose folder must exist (a typo must not make an empty catalogue), or DATA_DIR's."""
    if args.db is None:
        return config.data_dir / "meetings.db"
    if not args.db.parent.is_dir():
        raise UsageError(f"--db {args.db}：文件夹 {args.db.parent} 不存在")
    return args.db


def _collection(args: argparse.Namespace, config: Config, seed: bool) -> Collection:
    from index.collection import Collection  # imported here so `--help` stays instant

    collection = Collection(_db_path(args, config))
    if seed and args.db is None:
        collection.ensure_seeded()
    return collection


def _progress(items: Iterable) -> Iterable:
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, unit=" 份", file=sys.stderr)


def cmd_index(args: argparse.Namespace, config: Config) -> int:
    if not args.rebuild and not args.paths:
        raise UsageError("index：请给出文件或文件夹，或用 --rebuild")
    collection = _collection(args, config, seed=False)
    if args.rebuild:
        report = collection.rebuild(workers=args.workers)
        print(f"已从保存的原件重建：{len(report.added)} 份文件")
    else:
        report = collection.add_paths(args.paths, wrap=_progress, workers=args.workers)
    for record in report.added if not args.rebuild else ():
        print(f"添加  {record.id}  {record.title[:40]}（{record.chunk_count} 段）")
    for name in report.unchanged:
        print(f"未变  {name}")
    for error in report.skipped:
        print(f"跳过  {error.name}：{error.reason}")
    print(f"共添加 {len(report.added)} 份，未变 {len(report.unchanged)} 份，跳过 {len(report.skipped)} 份")
    return 0 if report.added or report.unchanged or not report.skipped else 1


def _readable(collection: Collection, answer: Answer, echo: bool = True) -> str:
    """The answer for the terminal; when nothing is found, with what the collection covers."""
    coverage = collection.coverage() if answer.lists_the_collection else ([], [])
    return answer_text(answer, bold=sys.stdout.isatty(), coverage=coverage, echo=echo)


def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    if args.turns:
        turns = [valid_text(turn) for turn in args.turns]
        refusal = question_refusal(turns)
        if refusal:
            print(refusal, file=sys.stderr)
            return 2
        collection = _collection(args, config, seed=True)
        answer = collection.ask(turns, args.k)
        print(answer_json(answer) if args.json else _readable(collection, answer))
        return 0
    if not args.json:
        raise UsageError('ask：请给出问题，或用 --json 从标准输入逐行读取 {"turns": [...]}')
    collection = _collection(args, config, seed=True)
    for number, line in _batch_lines(sys.stdin.buffer):
        try:
            print(answer_json(collection.ask(batch_turns(line), args.k)), flush=True)
        except ValueError as error:
            print(json.dumps({"line": number, "error": f"第 {number} 行：{error}"}, ensure_ascii=False), flush=True)
    return 0


def _batch_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their numbers; a line over MAX_BATCH_LINE_BYTES is cut there, the rest skipped."""
    number = 0
    while line := stream.readline(MAX_BATCH_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_BATCH_LINE_BYTES:
            while (rest := stream.readline(MAX_BATCH_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        if line.strip():
            yield number, line


def batch_turns(line: bytes) -> list[str]:
    """The conversation one batch line asks, or ValueError saying in one line what is wrong with it."""
    if len(line) > MAX_BATCH_LINE_BYTES:
        raise ValueError(f"太长（超过 {MAX_BATCH_LINE_BYTES} 字节）")
    try:
        text = line.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise ValueError(f"不是有效的 UTF-8 文本（第 {error.start + 1} 个字节起）") from None
    try:
        request = json.loads(text)
    except RecursionError:
        raise ValueError("JSON 嵌套太深") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"不是有效的 JSON（第 {error.colno} 列有误）") from None
    if not isinstance(request, dict) or "turns" not in request:
        raise ValueError('应是 {"turns": ["问题", …]} 形式的对象')
    turns = request["turns"]
    if not isinstance(turns, list) or not all(isinstance(turn, str) for turn in turns):
        raise ValueError('"turns" 应是字符串列表，例如 {"turns": ["会议提出了什么要求", "具体措施呢"]}')
    turns = [valid_text(turn) for turn in turns]
    refusal = question_refusal(turns)
    if refusal:
        raise ValueError(refusal)
    return turns


def cmd_chat(args: argparse.Namespace, config: Config) -> int:
    try:
        import readline  # noqa: F401  (gives input() line editing and history)
    except ImportError:  # not built on this platform
        pass
    collection = _collection(args, config, seed=True)
    print("输入问题，/new 开始新话题，/quit 退出。")
    turns: list[str] = []
    while True:
        try:
            line = valid_text(input("问> ").strip())
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        except UnicodeDecodeError:
            print("输入不是有效的 UTF-8 文本，请重新输入。")
            continue
        if line in {"/quit", "/exit"}:
            return 0
        if line == "/new":
            turns = []
            print("已开始新话题。")
            continue
        refusal = question_refusal([line])
        if refusal:
            print(refusal)
            continue
        turns.append(line)
        print(_readable(collection, collection.ask(turns, args.k), echo=False))


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a Chinese character takes two)."""
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)  # a control character: count it as one


def docs_table(documents: list[DocumentRecord]) -> list[str]:
    """One line per document, its columns aligned however wide their characters are."""
    header = ("编号", "日期", "地点", "段落", "标题")
    rows = [header] + [
        (record.id, display_date(record.date), record.place or "-", str(record.chunk_count), record.title)
        for record in documents
    ]
    widths = [max(_width(row[column]) for row in rows) for column in range(4)]
    lines = []
    for row in rows:
        cells = [cell + " " * (width - _width(cell)) for cell, width in zip(row[:3], widths)]
        cells.append(" " * (widths[3] - _width(row[3])) + row[3])  # numbers to the right
        lines.append("  ".join([*cells, row[4]]))
    return lines


def document_json(record: DocumentRecord) -> str:
    return json.dumps({
        "id": record.id, "title": record.title, "date": record.date, "place": record.place,
        "source": record.source_url, "passages": record.chunk_count, "characters": record.char_count,
    }, ensure_ascii=False)


def cmd_docs(args: argparse.Namespace, config: Config) -> int:
    documents = _collection(args, config, seed=True).documents()
    if args.json:
        for record in documents:
            print(document_json(record))
    elif documents:
        print("\n".join(docs_table(documents)))
    return 0


def cmd_timeline(args: argparse.Namespace, config: Config) -> int:
    topic = valid_text(args.topic)
    refusal = question_refusal([topic])
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    collection = _collection(args, config, seed=True)
    print(timeline_text(topic, collection.timeline(topic), bold=sys.stdout.isatty()))
    return 0


def cmd_digest(args: argparse.Namespace, config: Config) -> int:
    doc_id = valid_text(args.doc_id)
    found = _collection(args, config, seed=True).digest(doc_id)
    if found is None:
        raise UsageError(f"没有编号为 {doc_id!r} 的文件（见 meeting-bot docs）")
    print(digest_text(*found))
    return 0


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    from bot.health import Unhealthy, check

    try:
        print(check(config.settings, _db_path(args, config)))
    except Unhealthy as error:
        print(f"meeting-bot: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from bot.app import run
    from bot.health import Unhealthy

    settings = config.settings
    settings.require_token()
    try:
        run(settings)
    except Unhealthy as error:
        print(f"meeting-bot: {error}", file=sys.stderr)
        return 1
    return 0


def _positive(value: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return number


def _logging_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--log-level", choices=LOG_LEVELS, type=str.upper, default=default,
                        help="log level (default: LOG_LEVEL, else INFO for run and WARNING otherwise)")
    parser.add_argument("-v", "--verbose", action="count", default=default, help="log more (repeat for more still)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meeting-bot", description="Ask what meetings said and decided.")
    parser.add_argument("--version", action="version", version=f"meeting-bot {__version__}")
    _logging_options(parser, default=None)
    common = argparse.ArgumentParser(add_help=False)
    _logging_options(common, default=argparse.SUPPRESS)  # also after the command, without resetting it
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, summary: str, run, db: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary, parents=[common])
        if db:
            sub.add_argument("--db", type=Path, help="catalogue file (default: DATA_DIR/meetings.db)")
        sub.set_defaults(run=run)
        return sub

    index = command("index", "add or update documents", cmd_index)
    index.add_argument("paths", nargs="*", type=Path, help="files or folders (.txt .md .docx .doc .wps .pdf .jsonl, .png .jpg scans)")
    index.add_argument("--rebuild", action="store_true", help="re-process every stored original into a fresh index")
    index.add_argument(
        "--workers", type=_positive, default=os.cpu_count() or 1, help="processes that clean and tokenize (default: one per core)"
    )

    ask = command("ask", "answer the last turn; earlier turns are the chat so far", cmd_ask)
    ask.add_argument("-k", type=_positive, default=3, help="number of passages (default 3)")
    ask.add_argument("--json", action="store_true", help="JSON output; without TURN, read {\"turns\": [...]} lines")
    ask.add_argument("turns", nargs="*", metavar="TURN")

    chat = command("chat", "converse in the terminal", cmd_chat)
    chat.add_argument("-k", type=_positive, default=3, help="number of passages (default 3)")

    docs = command("docs", "list indexed documents", cmd_docs)
    docs.add_argument("--json", action="store_true", help="one JSON object per document and line")

    timeline = command("timeline", "every meeting on a topic, in meeting-date order", cmd_timeline)
    timeline.add_argument("topic", metavar="TOPIC")

    digest = command("digest", "a meeting's requirements, with who and by when", cmd_digest)
    digest.add_argument("doc_id", metavar="DOC_ID", help="a document id from `meeting-bot docs`")

    command("check", "exit 0 if settings, catalogue, index and the Bot API are all fine", cmd_check)
    command("run", "run the Telegram bot (reads .env)", cmd_run, db=False)
    return parser


def _log_level(args: argparse.Namespace, settings: LogSettings) -> int:
    """--log-level, else LOG_LEVEL, else the command's own (INFO for the bot); each -v one step lower."""
    if args.log_level:
        return logging.getLevelName(args.log_level)
    level = settings.level or (logging.INFO if args.command == "run" else logging.WARNING)
    return max(logging.DEBUG, level - 10 * (args.verbose or 0))


def _stdout_closed() -> None:
    """The reader of our output went away (``| head``): write the rest nowhere, as Python's docs advise."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = Config(read_environment())
        configure_logging(_log_level(args, config.logging), config.logging.json_lines)
        status = args.run(args, config)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is met below
        return status
    except (ConfigError, CatalogueError, IndexBusy, UsageError) as error:
        print(f"meeting-bot: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        _stdout_closed()
        return 1
    except KeyboardInterrupt:
        return 130
