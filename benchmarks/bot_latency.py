"""Bot latency: time from an update reaching the bot to its answer being sent.

The real Application polls a Bot API stand-in on 127.0.0.1 (tests/telegram_stub.py);
N chats each hold a conversation (questions and follow-ups) at the same time, one turn
after another as a person would. Latency is measured by the stand-in's own clock, from
the getUpdates response that hands over a question to the sendMessage carrying its answer.

    python benchmarks/bot_latency.py                 # 200 questions from 10 chats, seed collection
    python benchmarks/bot_latency.py --chats 50 --questions 1000 --pause 0

Each chat pauses ``--pause`` seconds after an answer before its next turn (a reader's
pause). With no pause, ten chats ask faster than Telegram's 30 messages per second
allow for answers plus "typing…" actions, and the figures measure PTB's rate limiter.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.history import ChatHistory  # noqa: E402
from index.collection import Collection  # noqa: E402
from tests.telegram_stub import BotApiStub, running  # noqa: E402

TOKEN = "123456789:AAbenchmark_token_for_the_stand_in_xxxx"
CONVERSATIONS = [
    ["会议对高标准农田提出了什么要求", "具体措施呢", "是哪天开的"],
    ["农村牧区人居环境整治", "还有哪些要求"],
    ["德州乡村振兴专班会议部署了什么", "短板弱项有哪些"],
    ["脱贫攻坚巡回观摩发现了哪些问题", "怎么整改"],
    ["农牧民合作社质量提升", "培训方面呢"],
    ["督导反馈问题整改落实的要求"],
    ["县域经济工作怎么抓", "集贤县呢"],
    ["村级集体经济发展", "具体措施呢"],
    ["太空探索有什么进展"],
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def chat(stub: BotApiStub, chat_id: int, turns: list[str], pause: float, latencies: list[float]) -> None:
    """One user's conversation: ask, wait for the answer, pause, ask the next turn."""
    for number, text in enumerate(turns, start=1):
        await asyncio.sleep(pause if number > 1 else pause * (chat_id % 10) / 10)
        update_id = stub.send_text(chat_id, chat_id, text)
        await stub.wait_for(number, chat_id=chat_id, timeout=120)
        answered = [at for (method, params), at in zip(stub.calls, stub.call_times)
                    if method == "sendMessage" and str(params.get("chat_id")) == str(chat_id)][number - 1]
        latencies.append(answered - stub.delivered_at[update_id])


async def measure(chats: int, questions: int, pause: float, data_dir: Path) -> list[float]:
    stub = BotApiStub(TOKEN)
    stub.start()
    collection = Collection(data_dir / "meetings.db")
    collection.ensure_seeded()
    collection.warm_up()  # as `meeting-bot run` does while polling starts
    history = ChatHistory(data_dir / "chats.db")
    settings = Settings(
        data_dir=data_dir, telegram_token=TOKEN, base_url=stub.base_url, base_file_url=stub.base_file_url,
        questions_per_minute=questions,
    )
    flat = [turn for conversation in CONVERSATIONS for turn in conversation]
    per_chat = questions // chats
    latencies: list[float] = []
    try:
        async with running(build_application(settings, collection, history)):
            scripts = [[flat[(chat_index * 7 + i) % len(flat)] for i in range(per_chat)] for chat_index in range(chats)]
            await asyncio.gather(*(chat(stub, 1000 + i, script, pause, latencies) for i, script in enumerate(scripts)))
    finally:
        stub.stop()
        collection.close()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=10)
    parser.add_argument("--questions", type=int, default=200, help="in total, spread evenly over the chats")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds a chat waits after an answer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        latencies = asyncio.run(measure(args.chats, args.questions, args.pause, Path(folder)))
        elapsed = time.perf_counter() - started
    ms = [value * 1000 for value in latencies]
    print(f"{len(ms)} questions from {args.chats} concurrent chats (pause {args.pause:g} s) over the seed collection, "
          f"{elapsed:.1f} s in all, {len(ms) / elapsed:.1f} questions/s")
    print(f"update received -> reply sent: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
          f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
