"""Concurrency: many chats at once while an admin re-indexes, and the engine under parallel readers and writers.

Every chat asks about a document of its own, so an answer from another chat's document (a
mixed-up conversation, or an index read half-swapped) shows, as does any error. The structures
that grow with the number of chats and users are checked to stay bounded.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
import threading
import time
import traceback
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import bot.app as app_module
from bot.app import BotState
from bot.config import Settings
from bot.history import ChatHistory
from index.collection import Collection, _AnsweredTopics
from index.store import Store
from tests.test_bot_e2e import ADMIN, Running, _start

TOPICS = [
    ("区教育局", "防溺水教育", "组织学生观看防溺水专题片，在危险水域设置警示标志"),
    ("县市场监管局", "过期食品清查", "逐户检查超市货架，当场下架销毁过期食品"),
    ("市住建局", "加装电梯", "简化老旧小区加装电梯审批，给予每台电梯财政补贴"),
    ("市交通局", "桥梁检测", "对危旧桥梁开展荷载检测，限期完成加固维修"),
    ("县卫健委", "疫苗冷链", "冷链运输全程记录温度，疫苗冷库配备备用电源"),
    ("市民政局", "老年助餐", "社区助餐点为高龄老人送餐上门，餐费给予补助"),
    ("市城管局", "厨余垃圾", "小区设置厨余垃圾投放点，督导员定时值守"),
    ("市文旅局", "古建筑修缮", "聘请专业团队修缮古建筑，修缮方案报文物部门审核"),
    ("市应急局", "危化品仓库", "排查危化品仓库储存条件，严禁超量储存"),
    ("市水务局", "管网漏损", "更换老化供水管道，降低管网漏损率"),
    ("县供电公司", "农网改造", "改造农村低压线路，解决末端电压偏低问题"),
    ("市医保局", "欺诈骗保", "开展定点医药机构专项检查，严厉打击欺诈骗保"),
    ("市人社局", "就业见习", "募集高校毕业生就业见习岗位，按月发放见习补贴"),
    ("市消防救援支队", "消防通道", "清理高层住宅消防通道堆放杂物，划定禁停标线"),
    ("县畜牧局", "非洲猪瘟", "加强生猪养殖场消毒防疫，严防非洲猪瘟传入"),
    ("市气象局", "人工增雨", "抓住有利天气时机开展人工增雨作业，缓解旱情"),
]
"""One meeting per topic; no two share a word of the question asked about them."""
WHEN = "是哪天开的"
"""A follow-up answered from the document of the chat's last answer alone."""


def _report(number: int, batch: int = 0) -> tuple[str, str]:
    """The file name and text of topic ``number``'s meeting (``batch`` makes another document of it)."""
    issuer, topic, requirement = TOPICS[number]
    again = f"第{batch}次" if batch else ""
    return f"topic{number}-{batch}.txt", (
        f"{issuer}召开{topic}工作会议\n\n"
        f"{number % 12 + 1}月{number + 2}日，{issuer}{again}召开{topic}工作会议。\n"
        f"会议要求，{requirement}。\n"
    )


def _question(number: int) -> str:
    return f"{TOPICS[number][1]}有什么要求"


def _add(collection: Collection, number: int, batch: int = 0) -> str:
    """Add topic ``number``'s meeting; its document id."""
    name, text = _report(number, batch)
    return collection.add_file(name, text.encode()).added[0].id


def _doc_ids(reply: dict[str, Any]) -> set[str]:
    """The documents a reply's passages come from, read off its 来源 buttons."""
    keyboard = (reply.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["callback_data"][4:] for row in keyboard for button in row if button["callback_data"].startswith("src:")}


# -- the bot: many chats while the admin re-indexes --------------------------


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Running]:
    """The bot, with the question limit out of reach."""
    async for running in _start(tmp_path, questions_per_minute=1000):
        yield running


async def test_chats_asking_during_reindexes_each_get_answers_from_their_own_document(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    own = {number: _add(bot.collection, number) for number in range(len(TOPICS))}
    for number, doc_id in own.items():  # what each chat must get: its own document and nothing else
        assert bot.collection.ask([_question(number)], 3).sources == (doc_id,)
        assert bot.collection.ask([_question(number), WHEN], 3).sources == (doc_id,)
    chats = {100 + number: number for number in own}
    rounds = 2
    asking = True
    reindexed = 0

    async def reindex_until_the_chats_are_done() -> None:
        nonlocal reindexed
        said = 0
        while asking:
            bot.stub.send_text(ADMIN, ADMIN, "/reindex")
            said += 1
            begun = (await bot.stub.wait_for(said, chat_id=ADMIN, timeout=30))[-1]["text"]
            if "正在重建索引" in begun:  # the bot clears its flag only after saying the last one is done
                continue
            said += 1
            done = (await bot.stub.wait_for(said, chat_id=ADMIN, timeout=30))[-1]["text"]
            assert "索引重建完成" in done, done
            reindexed += 1

    async def converse(chat_id: int) -> list[dict[str, Any]]:
        replies: list[dict[str, Any]] = []
        for _ in range(rounds):
            for turn in (_question(chats[chat_id]), WHEN):
                bot.stub.send_text(chat_id, chat_id, turn)
                replies = await bot.stub.wait_for(len(replies) + 1, chat_id=chat_id, timeout=30)
        return replies

    admin = asyncio.create_task(reindex_until_the_chats_are_done())
    await bot.stub.wait_for(1, chat_id=ADMIN)  # the first re-index has begun
    conversations = await asyncio.gather(*(converse(chat_id) for chat_id in chats))
    asking = False
    await admin

    for chat_id, replies in zip(chats, conversations):
        assert len(replies) == 2 * rounds, replies
        assert all(_doc_ids(reply) == {own[chats[chat_id]]} for reply in replies), (chat_id, replies)
    assert reindexed >= 2
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


# -- the engine: readers alongside rebuild, add and remove --------------------


def test_asking_while_rebuilding_adding_and_removing_never_fails_nor_shows_a_removed_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection = Collection(tmp_path / "meetings.db")
    stable = {number: _add(collection, number) for number in range(8)}
    churned = range(8, 12)  # topics whose meeting is added, asked about and removed, over and over
    removed_at: dict[str, float] = {}
    failures: list[str] = []
    counts = {"asked": 0, "rebuilt": 0, "churned": 0}
    monkeypatch.setattr(threading, "excepthook", lambda hook: failures.append("".join(traceback.format_exception(hook.exc_value))))
    deadline = time.monotonic() + 6

    def ask_stable() -> None:
        for number, doc_id in stable.items():
            for turns in ([_question(number)], [_question(number), WHEN]):
                sources = collection.ask(turns, 3).sources
                counts["asked"] += 1
                if sources != (doc_id,):
                    failures.append(f"{turns} answered from {sources}, not {doc_id}")

    def ask_churned() -> None:
        for number in churned:
            asked = time.monotonic()
            sources = collection.ask([_question(number)], 3).sources
            counts["asked"] += 1
            shown = [doc_id for doc_id in sources if removed_at.get(doc_id, asked) < asked]
            if shown:
                failures.append(f"{_question(number)} answered from {shown}, removed before it was asked")

    def churner(numbers: range) -> Callable[[], None]:
        """Add a meeting on one of ``numbers``, check it is searchable, remove it; a new document each time."""
        batches = itertools.count(1)

        def churn() -> None:
            batch = next(batches)
            number = numbers[batch % len(numbers)]
            doc_id = _add(collection, number, batch)
            if collection.ask([_question(number)], 3).sources != (doc_id,):
                failures.append(f"{doc_id} not searchable when add_file returned")
            assert collection.remove(doc_id)
            removed_at[doc_id] = time.monotonic()
            counts["churned"] += 1

        return churn

    def rebuild() -> None:
        collection.rebuild()
        counts["rebuilt"] += 1
        time.sleep(0.001)  # else this thread takes the write lock straight back, and add and remove wait

    def repeatedly(work: Callable[[], None]) -> threading.Thread:
        def run() -> None:
            while time.monotonic() < deadline and len(failures) < 10:
                try:
                    work()
                except Exception:
                    failures.append(traceback.format_exc())
            collection.store.close()  # this thread's connection

        return threading.Thread(target=run)

    works = (ask_stable, ask_stable, ask_churned, churner(churned[:2]), churner(churned[2:]), rebuild)
    threads = [repeatedly(work) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    collection.close()
    assert not failures, "\n".join(failures)
    assert counts["rebuilt"] >= 3 and counts["churned"] >= 3 and counts["asked"] >= 100, counts


def test_a_reindex_or_a_removal_during_an_upload_waits_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A re-index or a removal begun while an upload is still writing waits for it rather than failing
    with "database is locked" (SQLite cannot wait to turn a transaction that has read into one that
    writes). A slow disk is simulated by holding the upload's last write open."""
    collection = Collection(tmp_path / "meetings.db")
    doc_id = _add(collection, 0)
    writing = threading.Event()
    set_meta = Store.set_meta

    def slow_set_meta(store: Store, key: str, value: str) -> None:
        with store.transaction():
            set_meta(store, key, value)
            if threading.current_thread().name == "upload":
                writing.set()
                time.sleep(0.3)

    monkeypatch.setattr(Store, "set_meta", slow_set_meta)
    upload = threading.Thread(target=_add, args=(collection, 1), name="upload")
    upload.start()
    assert writing.wait(5), "the upload no longer ends with writing its seeded flag; hold another of its writes open"
    try:
        collection.rebuild()
        assert collection.remove(doc_id)
    finally:
        upload.join()
        collection.close()


# -- bounded structures --------------------------------------------------------


def test_remembered_answers_and_document_records_stay_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("index.store.CACHED_DOCUMENTS", 4)
    collection = Collection(tmp_path / "meetings.db")
    for number in range(len(TOPICS)):
        _add(collection, number)
    collection._answered = _AnsweredTopics(size=10)
    for opening in ("第一轮", "第二轮", "第三轮"):
        for number in range(len(TOPICS)):
            collection.ask([opening, _question(number), WHEN], 3)
    assert len(collection._answered._entries) == 10
    assert len(collection.store._records[1]) <= 4
    collection.close()


def _stored_turns(path: Path) -> list[int]:
    """How many turns the history file holds per chat."""
    with sqlite3.connect(path) as history:
        return [count for (count,) in history.execute("select count(*) from turns group by chat_id")]


def test_chat_history_keeps_a_bounded_number_of_turns_per_chat(tmp_path: Path) -> None:
    history = ChatHistory(tmp_path / "chats.db", max_turns=3)
    for chat_id in range(50):
        for turn in range(8):
            history.add(chat_id, f"问题{turn}")
    history.close()
    assert _stored_turns(tmp_path / "chats.db") == [3] * 50


def test_chat_history_forgets_the_turns_of_chats_that_went_quiet(tmp_path: Path) -> None:
    """Turns past ``max_age`` no longer count; they must not stay on disk for every chat that ever asked."""
    history = ChatHistory(tmp_path / "chats.db", max_age=0.05)
    for chat_id in range(50):
        history.add(chat_id, "会议对高标准农田提出了什么要求")
    time.sleep(0.1)
    history.add(1000, "具体措施呢")
    history.close()
    assert _stored_turns(tmp_path / "chats.db") == [1]


def test_rate_limits_forget_users_who_went_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One entry per user who asked in the last minute, not one per user since the bot started."""
    clock = SimpleNamespace(monotonic=lambda: 1000.0)
    monkeypatch.setattr(app_module, "time", clock)
    state = BotState(Settings(data_dir=tmp_path), collection=None, history=None)  # type: ignore[arg-type]
    for user_id in range(500):
        assert not state.over_rate(user_id)
    clock.monotonic = lambda: 1061.0
    assert not state.over_rate(9999)
    assert len(state.recent_questions) <= 1
