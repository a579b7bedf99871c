"""Load run: 50 chats asking at once for a while, then the same while an admin re-indexes again and again.

The bot is ``meeting-bot run`` in a process of its own (the real Application, long polling the
Bot API stand-in of tests/telegram_stub.py on 127.0.0.1 through TELEGRAM_BASE_URL), so the
peak memory printed is the bot's alone: its ``ru_maxrss``. Each chat holds conversations
(questions and follow-ups), one turn after another, pausing ``--pause`` seconds after each
answer, for ``--seconds``. Latency is the stand-in's clock from the getUpdates response that
hands a question over to the first sendMessage answering it. The second phase runs the same
chats in a fresh bot process while the admin sends /reindex again as soon as the previous
re-index has finished (``Collection.rebuild`` on the bot's worker thread).

    python benchmarks/load.py                          # 50 chats, 60 s per phase
    python benchmarks/load.py --seconds 20 --pause 5   # shorter, and under Telegram's rate

The collection is ../shared/corpus/gov_reports_2026_provincial.jsonl when it is present,
indexed into a temporary folder (nothing is copied into the project), asked in its own words
as benchmarks/bench.py asks it; else, or with ``--seeds``, the seed collection with
bot_latency.py's conversations.

Printed per phase: questions answered per second; p50/p95/p99 latency; errors (error replies,
questions unanswered after a minute, failed re-indexes, ERROR lines in the bot's log); answers
that found nothing; the bot's peak memory; in the second phase, the re-indexes done. Replies
go through PTB's rate limiter, which keeps to Telegram's 30 messages per second (an answer is
a "typing…" action plus a message): 50 chats pausing 1 s ask for more than that, so the
figures include its queue; ``--pause 5`` keeps under it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench import CORPUS, _conversations  # noqa: E402
from benchmarks.bot_latency import CONVERSATIONS, TOKEN, percentile  # noqa: E402
from index.collection import Collection  # noqa: E402
from tests.telegram_stub import BotApiStub  # noqa: E402

REPORTS = CORPUS / "gov_reports_2026_provincial.jsonl"
ADMIN = 1
WARM_UP_CHAT = 999
FIRST_CHAT = 1000
ANSWER_TIMEOUT = 60.0
REINDEX_TIMEOUT = 600.0
FAILED_REPLIES = ("处理时出错", "提问太频繁")
"""The bot's reply when handling failed, and when a user is over the question limit (set out of reach here)."""
NOTHING_FOUND = "没有找到"
REINDEXED, REINDEX_BUSY = "索引重建完成", "正在重建索引"
ERROR_LINE = re.compile(r"(?:.* )?ERROR [\w.]+: |Exception in thread ")
"""A logged error (``meeting-bot``'s log format, with or without the time), or an exception no thread caught."""


@dataclass
class Phase:
    """What one phase measured."""

    latencies: list[float] = field(default_factory=list)
    started: float = 0.0
    last_answer: float = 0.0
    """``time.perf_counter()`` when the chats began, and when the last answer arrived."""
    failed_replies: int = 0
    unanswered: int = 0
    nothing_found: int = 0
    later_messages: int = 0
    """Messages after the first of an answer (a long answer is split)."""
    reindexes: list[float] = field(default_factory=list)
    failed_reindexes: int = 0
    error_lines: int = 0
    peak_mb: float = 0.0

    @property
    def seconds(self) -> float:
        return self.last_answer - self.started

    @property
    def errors(self) -> int:
        return self.failed_replies + self.unanswered + self.failed_reindexes + self.error_lines


class Inbox:
    """The stand-in's sendMessage calls, read once each, in order, and queued per chat with their arrival time."""

    def __init__(self, stub: BotApiStub) -> None:
        self.stub = stub
        self.chats: defaultdict[int, asyncio.Queue[tuple[str, float]]] = defaultdict(asyncio.Queue)
        self._read = 0

    async def run(self) -> None:
        while True:
            arrived = len(self.stub.call_times)  # appended after ``calls``, which holds these too
            calls = zip(self.stub.calls[self._read : arrived], self.stub.call_times[self._read : arrived])
            for (method, params), at in calls:
                if method == "sendMessage":
                    self.chats[int(params["chat_id"])].put_nowait((str(params.get("text", "")), at))
            self._read = arrived
            await asyncio.sleep(0.005)

    async def next(self, chat_id: int, timeout: float = ANSWER_TIMEOUT) -> tuple[str, float]:
        """The chat's next message and when it arrived."""
        return await asyncio.wait_for(self.chats[chat_id].get(), timeout)

    def drop_waiting(self, chat_id: int) -> int:
        """Drop the messages the chat has not read; how many there were."""
        queue = self.chats[chat_id]
        dropped = queue.qsize()
        while not queue.empty():
            queue.get_nowait()
        return dropped


async def chat(stub: BotApiStub, inbox: Inbox, chat_id: int, turns: list[str], pause: float, until: float, phase: Phase) -> None:
    """One user: turn after turn until ``until``, reading each answer and pausing after it."""
    await asyncio.sleep(pause * (chat_id % 10) / 10)  # people do not all start in the same instant
    for turn in cycle(turns):
        if time.monotonic() >= until:
            return
        phase.later_messages += inbox.drop_waiting(chat_id)
        update_id = stub.send_text(chat_id, chat_id, turn)
        try:
            text, at = await inbox.next(chat_id)
        except TimeoutError:
            phase.unanswered += 1
            return
        phase.latencies.append(at - stub.delivered_at[update_id])
        phase.last_answer = max(phase.last_answer, at)
        phase.failed_replies += any(marker in text for marker in FAILED_REPLIES)
        phase.nothing_found += NOTHING_FOUND in text
        await asyncio.sleep(pause)


async def reindex_repeatedly(stub: BotApiStub, inbox: Inbox, until: float, phase: Phase) -> None:
    """The admin sends /reindex, waits for the bot to report it done, and sends it again, until ``until``."""
    while time.monotonic() < until:
        sent = time.perf_counter()
        stub.send_text(ADMIN, ADMIN, "/reindex")
        try:
            started, _ = await inbox.next(ADMIN)
            if REINDEX_BUSY in started:  # the bot clears its flag only after reporting the last one done
                await asyncio.sleep(0.05)
                continue
            done, at = await inbox.next(ADMIN, REINDEX_TIMEOUT)
        except TimeoutError:
            phase.failed_reindexes += 1
            return
        if REINDEXED in done:
            phase.reindexes.append(at - sent)
        else:
            phase.failed_reindexes += 1


def start_bot(stub: BotApiStub, data_dir: Path, log_path: Path) -> subprocess.Popen[bytes]:
    """``meeting-bot run`` against the stand-in, with the question limit out of reach and ADMIN as admin."""
    settings = {
        "DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": stub.base_url,
        "TELEGRAM_BASE_FILE_URL": stub.base_file_url, "ADMIN_IDS": str(ADMIN), "ALLOWED_USER_IDS": "",
        "ALLOWED_CHAT_IDS": "", "WEBHOOK_URL": "", "QUESTIONS_PER_MINUTE": "1000000",
    }
    with log_path.open("wb") as log:
        return subprocess.Popen(  # in the data folder, so no .env of the project's is read
            [sys.executable, "-m", "bot", "run"], cwd=data_dir, env={**os.environ, "PYTHONPATH": str(ROOT), **settings},
            stdout=log, stderr=subprocess.STDOUT,
        )


async def until_ready(stub: BotApiStub, inbox: Inbox, bot: subprocess.Popen[bytes], log_path: Path, warm_up: str) -> None:
    """Wait for the bot to register its commands, then for its answer to one unmeasured question."""
    deadline = time.monotonic() + 120
    while not stub.sent("setMyCommands"):
        if bot.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the bot did not start; its log:\n{log_path.read_text(errors='replace')}")
        await asyncio.sleep(0.05)
    stub.send_text(WARM_UP_CHAT, WARM_UP_CHAT, warm_up)
    await inbox.next(WARM_UP_CHAT, ANSWER_TIMEOUT)


def stop_bot(bot: subprocess.Popen[bytes]) -> float:
    """Stop the bot as Ctrl-C does; its peak resident memory in MB (``ru_maxrss`` of that process)."""
    if bot.returncode is not None:  # it did not start
        return 0.0
    bot.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 30
    pid, status, usage = os.wait4(bot.pid, os.WNOHANG)
    while not pid:
        if time.monotonic() > deadline:
            bot.kill()
            pid, status, usage = os.wait4(bot.pid, 0)
            break
        time.sleep(0.05)
        pid, status, usage = os.wait4(bot.pid, os.WNOHANG)
    bot.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024


async def run_phase(data_dir: Path, scripts: list[list[str]], pause: float, seconds: float, reindex: bool) -> Phase:
    """A fresh bot process, the chats (and the admin re-indexing, with ``reindex``) for ``seconds``."""
    for leftover in data_dir.glob("chats.db*"):  # each phase starts with no conversations
        leftover.unlink()
    phase = Phase()
    stub = BotApiStub(TOKEN)
    stub.start()
    log_path = data_dir / f"bot-{'reindexing' if reindex else 'steady'}.log"
    bot = start_bot(stub, data_dir, log_path)
    inbox = Inbox(stub)
    reading = asyncio.create_task(inbox.run())
    try:
        await until_ready(stub, inbox, bot, log_path, scripts[0][0])
        phase.started = time.perf_counter()
        until = time.monotonic() + seconds
        admin = asyncio.create_task(reindex_repeatedly(stub, inbox, until, phase)) if reindex else None
        await asyncio.gather(*(chat(stub, inbox, FIRST_CHAT + number, turns, pause, until, phase)
                               for number, turns in enumerate(scripts)))
        if admin:
            await admin  # the last re-index, begun before the end, finishes
    finally:
        reading.cancel()
        phase.peak_mb = await asyncio.to_thread(stop_bot, bot)
        stub.stop()
    phase.error_lines = sum(bool(ERROR_LINE.match(line)) for line in log_path.read_text(errors="replace").splitlines())
    return phase


def prepare(data_dir: Path, reports: Path | None) -> str:
    """Index the collection the bot will serve; what it holds."""
    collection = Collection(data_dir / "meetings.db")
    if reports:
        collection.add_paths([reports], workers=os.cpu_count() or 1)
    else:
        collection.ensure_seeded()
    held = f"{len(collection.documents())} documents, {collection.store.chunk_count():,} passages"
    collection.close()
    return f"{held} ({'the provincial reports' if reports else 'the seed collection'})"


def scripts_for(chats: int, reports: Path | None) -> list[list[str]]:
    """Each chat's turns: its own conversations from the collection's words, or bot_latency's, each chat starting elsewhere."""
    if reports:
        return [[turn for conversation in _conversations(reports, 40, seed=100 + number) for turn in conversation]
                for number in range(chats)]
    flat = [turn for conversation in CONVERSATIONS for turn in conversation]
    return [flat[start:] + flat[:start] for start in (number * 3 % len(flat) for number in range(chats))]


def summary(name: str, phase: Phase) -> str:
    ms = [value * 1000 for value in phase.latencies]
    line = (
        f"{name}: {len(ms)} questions in {phase.seconds:.1f} s, {len(ms) / phase.seconds:.1f} questions/s; "
        f"update delivered -> reply received p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms; errors {phase.errors} (error replies {phase.failed_replies}, "
        f"unanswered {phase.unanswered}, failed re-indexes {phase.failed_reindexes}, ERROR log lines {phase.error_lines}); "
        f"nothing found {phase.nothing_found}; further messages of split answers {phase.later_messages}; "
        f"bot peak memory {phase.peak_mb:.0f} MB"
    )
    if phase.reindexes:
        line += f"; {len(phase.reindexes)} re-indexes, {statistics.mean(phase.reindexes):.1f} s each on average"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds a chat waits after an answer")
    parser.add_argument("--seeds", action="store_true", help="serve the seed collection even when the provincial reports are present")
    args = parser.parse_args()
    reports = REPORTS if REPORTS.is_file() and not args.seeds else None
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        held = prepare(data_dir, reports)
        scripts = scripts_for(args.chats, reports)
        print(f"{args.chats} chats (pause {args.pause:g} s) over {held}; {args.seconds:g} s per phase, "
              f"the bot in its own process", flush=True)
        for name, reindex in (("steady", False), ("re-indexing", True)):
            print(summary(name, asyncio.run(run_phase(data_dir, scripts, args.pause, args.seconds, reindex))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
