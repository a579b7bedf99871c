"""The ``meeting-bot`` command: index documents, ask questions, chat, list documents, run the bot.

A thin layer over ``index.collection.Collection``; the Telegram bot answers through
the same ``Collection.ask`` path.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings, load_settings
from index.errors import CatalogueError, IndexBusy
from bot.render import answer_json, answer_text, digest_text, display_date, question_refusal, timeline_text

if TYPE_CHECKING:
    from index.answer import Answer
    from index.collection import Collection

log = logging.getLogger("meeting-bot")


def _collection(settings: Settings, db: Path | None, seed: bool):
    from index.collection import Collection  # imported here so `--help` stays instant

    collection = Collection(db or settings.db_path)
    if seed and db is None:
        collection.ensure_seeded()
    return collection


def _progress(items: Iterable) -> Iterable:
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, unit=" doc", file=sys.stderr)


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    collection = _collection(settings, args.db, seed=False)
    if args.rebuild:
        report = collection.rebuild(workers=args.workers)
        print(f"rebuilt from stored originals: {len(report.added)} documents")
    else:
        report = collection.add_paths(args.paths, wrap=_progress, workers=args.workers)
    for record in report.added if not args.rebuild else ():
        print(f"added    {record.id}  {record.title[:40]}  ({record.chunk_count} chunks)")
    for name in report.unchanged:
        print(f"unchanged {name}")
    for error in report.skipped:
        print(f"skipped  {error.name}: {error.reason}")
    print(f"{len(report.added)} added, {len(report.unchanged)} unchanged, {len(report.skipped)} skipped")
    return 0 if report.added or report.unchanged or not report.skipped else 1


def _readable(collection: Collection, answer: Answer) -> str:
    """The answer for the terminal; when nothing is found, with what the collection covers."""
    coverage = collection.coverage() if answer.lists_the_collection else ([], [])
    return answer_text(answer, bold=sys.stdout.isatty(), coverage=coverage)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.turns:
        refusal = question_refusal(args.turns)
        if refusal:
            print(refusal, file=sys.stderr)
            return 2
        collection = _collection(settings, args.db, seed=True)
        answer = collection.ask(args.turns, args.k)
        print(answer_json(answer) if args.json else _readable(collection, answer))
        return 0
    if not args.json:
        print("give a question, or use --json to read {\"turns\": [...]} lines from stdin", file=sys.stderr)
        return 2
    import json

    collection = _collection(settings, args.db, seed=True)
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            turns = json.loads(line)["turns"]
            if not isinstance(turns, list):
                raise TypeError('"turns" must be a list of strings')
            turns = [str(turn) for turn in turns]
            refusal = question_refusal(turns)
            if refusal:
                raise ValueError(refusal)
            print(answer_json(collection.ask(turns, args.k)), flush=True)
        except (ValueError, KeyError, TypeError) as error:
            print(json.dumps({"error": f"line {number}: {error}"}, ensure_ascii=False), flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    collection = _collection(settings, args.db, seed=True)
    print("输入问题，/new 开始新话题，/quit 退出。")
    turns: list[str] = []
    while True:
        try:
            line = input("问> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
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
        print(_readable(collection, collection.ask(turns, args.k)))


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    collection = _collection(settings, args.db, seed=True)
    for record in collection.documents():
        print(f"{record.id}  {display_date(record.date)}  {record.place or '-'}  {record.chunk_count} chunks  {record.title}")
    return 0


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    refusal = question_refusal([args.topic])
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    collection = _collection(settings, args.db, seed=True)
    print(timeline_text(args.topic, collection.timeline(args.topic), bold=sys.stdout.isatty()))
    return 0


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    collection = _collection(settings, args.db, seed=True)
    found = collection.digest(args.doc_id)
    if found is None:
        print(f"meeting-bot: no document {args.doc_id!r} (see `meeting-bot docs`)", file=sys.stderr)
        return 2
    print(digest_text(*found))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run

    run(settings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meeting-bot", description="Ask what meetings said and decided.")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_db(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument("--db", type=Path, help="catalogue file (default: DATA_DIR/meetings.db)")
        return command

    index = with_db(commands.add_parser("index", help="add or update documents"))
    index.add_argument("paths", nargs="*", type=Path, help="files or folders (.txt .md .docx .pdf .jsonl)")
    index.add_argument("--rebuild", action="store_true", help="re-process every stored original into a fresh index")
    index.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes that clean and tokenize (default: one per core)"
    )
    index.set_defaults(run=cmd_index)

    ask = with_db(commands.add_parser("ask", help="answer the last turn; earlier turns are the chat so far"))
    ask.add_argument("-k", type=int, default=3, help="number of passages (default 3)")
    ask.add_argument("--json", action="store_true", help="JSON output; without TURN, read {\"turns\": [...]} lines")
    ask.add_argument("turns", nargs="*", metavar="TURN")
    ask.set_defaults(run=cmd_ask)

    chat = with_db(commands.add_parser("chat", help="converse in the terminal"))
    chat.add_argument("-k", type=int, default=3)
    chat.set_defaults(run=cmd_chat)

    docs = with_db(commands.add_parser("docs", help="list indexed documents"))
    docs.set_defaults(run=cmd_docs)

    timeline = with_db(commands.add_parser("timeline", help="every meeting on a topic, in meeting-date order"))
    timeline.add_argument("topic", metavar="TOPIC")
    timeline.set_defaults(run=cmd_timeline)

    digest = with_db(commands.add_parser("digest", help="a meeting's requirements, with who and by when"))
    digest.add_argument("doc_id", metavar="DOC_ID", help="a document id from `meeting-bot docs`")
    digest.set_defaults(run=cmd_digest)

    run = commands.add_parser("run", help="run the Telegram bot (reads .env)")
    run.set_defaults(run=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        if args.command == "index" and not args.rebuild and not args.paths:
            print("meeting-bot index: give files or folders, or --rebuild", file=sys.stderr)
            return 2
        return args.run(args, settings)
    except (ConfigError, CatalogueError, IndexBusy) as error:
        print(f"meeting-bot: {error}", file=sys.stderr)
        return 2
