"""More end-to-end scenarios: the real Application over HTTP against the Bot API stand-in.

Paging with 更多, a re-index that fails, chat history across a restart, and UTF-8 uploads.
The setup (stand-in server, settings, seed documents) is the one ``test_bot_e2e`` uses.
"""

from __future__ import annotations

import codecs
import dataclasses
import html
import sqlite3
from collections.abc import AsyncIterator, Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import index.build
from index.document import Document
from index.read import SourceText
from index.store import Staging
from tests.test_bot_e2e import ADMIN, USER, Running, _start

FOREST_TOPICS = ["巡山护林", "火源管控", "物资储备", "扑火队伍", "宣传教育", "值班值守"]
FOREST_REPORT = "市林业局召开森林防火工作会议\n\n" + "\n".join(
    f"会议要求，各乡镇要抓好森林防火{topic}工作，{'切实' * number}落实森林防火{topic}责任，严防发生森林火灾。"
    for number, topic in enumerate(FOREST_TOPICS, start=1)
)
"""Six passages about 森林防火 (one per topic) and nothing else: exactly two pages of answers."""

SCHOOL_REPORT = "区教育局召开校园安全工作会议\n\n4月9日，区教育局召开校园安全工作会议。会议要求，各学校要开展防溺水专题教育，全面排查校舍安全隐患。\n"
FOOD_REPORT = "县市场监管局召开食品安全工作会议\n\n6月3日，县市场监管局召开食品安全工作会议。会议要求，加强校园食堂食品安全检查，严查过期食品。\n"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Running]:
    """The bot with the two seed reports, running until the test ends."""
    async for running in _start(tmp_path):
        yield running


def _buttons(reply: dict[str, Any]) -> dict[str, str]:
    """Button text → callback data of a reply's inline keyboard (empty when it has none)."""
    keyboard = (reply.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in keyboard for button in row}


def _topics(text: str) -> list[str]:
    """Which forest topics a reply shows, in order of appearance."""
    return sorted((topic for topic in FOREST_TOPICS if topic in text), key=text.index)


# -- 更多 ----------------------------------------------------------------------


async def test_more_pages_through_all_passages_then_says_there_are_no_more(bot: Running) -> None:
    """更多 sends the next page as a new message, numbered on; past the last page it says so."""
    bot.collection.add_file("森林防火.txt", FOREST_REPORT.encode())
    bot.stub.send_text(10, USER, "森林防火有哪些要求")
    first = (await bot.stub.wait_for(1, chat_id=10))[0]
    first_topics = _topics(first["text"])
    assert len(first_topics) == 3 and "<b>1. " in first["text"] and "<b>4. " not in first["text"]
    more = _buttons(first)["更多"]

    bot.stub.press(10, USER, more)
    second = (await bot.stub.wait_for(2, chat_id=10))[1]
    second_topics = _topics(second["text"])
    assert len(second_topics) == 3 and not set(first_topics) & set(second_topics), "page 2 continues page 1"
    assert sorted(first_topics + second_topics) == sorted(FOREST_TOPICS)
    assert "<b>4. " in second["text"] and "<b>1. " not in second["text"]
    assert {"原文 4", "来源 6"} <= _buttons(second).keys()
    assert not bot.stub.sent("editMessageText"), "the first page stays as it was"

    bot.stub.press(10, USER, _buttons(second)["更多"])
    end = (await bot.stub.wait_for(3, chat_id=10))[2]
    assert "没有更多" in end["text"] and not end.get("reply_markup")
    assert len(await bot.stub.wait_for(2, "answerCallbackQuery")) == 2, "both presses are acknowledged"
    assert bot.history.turns(10) == ["森林防火有哪些要求"], "paging is not a new turn"


async def test_more_from_an_earlier_question_is_stale(bot: Running) -> None:
    """Once the chat has moved on, the old 更多 button no longer pages the old question."""
    bot.collection.add_file("森林防火.txt", FOREST_REPORT.encode())
    bot.stub.send_text(10, USER, "森林防火有哪些要求")
    more = _buttons((await bot.stub.wait_for(1, chat_id=10))[0])["更多"]
    bot.stub.send_text(10, USER, "秋粮收购有什么要求")
    await bot.stub.wait_for(2, chat_id=10)
    bot.stub.press(10, USER, more)
    answer = (await bot.stub.wait_for(1, "answerCallbackQuery"))[0]
    assert "过期" in answer["text"]
    assert len(bot.stub.sent(chat_id=10)) == 2, "no page is sent for a stale button"


# -- a failed re-index --------------------------------------------------------


def _fail_processing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Processing one stored original raises (say a cleaning rule crashes on it)."""
    real = index.build.build_document

    def build_document(source: SourceText) -> Document | None:
        if source.name == "river.txt":
            raise RuntimeError("cleaning rule crashed")
        return real(source)

    monkeypatch.setattr(index.build, "build_document", build_document)


def _fail_publishing(monkeypatch: pytest.MonkeyPatch) -> None:
    """New cleaning rules retitle every document, but the swap fails after the staged rows
    replaced the live ones (say the disk is full): nothing of the new rules may show."""
    real_build, real_publish = index.build.build_document, Staging.publish

    def build_document(source: SourceText) -> Document | None:
        document = real_build(source)
        assert document is not None
        return dataclasses.replace(document, meta=dataclasses.replace(document.meta, title=f"{document.meta.title}（新）"))

    def publish(self: Staging) -> None:
        real_publish(self)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(index.build, "build_document", build_document)
    monkeypatch.setattr(Staging, "publish", publish)


@pytest.mark.parametrize("break_rebuild", [_fail_processing, _fail_publishing], ids=["processing", "publishing"])
async def test_failed_reindex_keeps_the_old_index(bot: Running, monkeypatch: pytest.MonkeyPatch, break_rebuild: Callable[[pytest.MonkeyPatch], None]) -> None:
    """The admin hears that the re-index failed; answers keep coming from the old index, unchanged."""
    bot.stub.send_text(20, USER, "河道清淤有什么要求")
    before = (await bot.stub.wait_for(1, chat_id=20))[0]
    assert "河道清淤" in before["text"]
    documents = bot.collection.documents()
    generation = bot.collection.index.generation
    tantivy_root = bot.collection.generations.root

    break_rebuild(monkeypatch)
    bot.stub.send_text(10, ADMIN, "/reindex")
    replies = await bot.stub.wait_for(2, chat_id=10)
    assert "重建失败" in replies[1]["text"] and "原索引" in replies[1]["text"]
    assert "完成" not in replies[1]["text"]

    bot.stub.send_text(21, USER, "河道清淤有什么要求")
    after = (await bot.stub.wait_for(1, chat_id=21))[0]
    assert after["text"] == before["text"] and _buttons(after) == _buttons(before)
    assert bot.collection.documents() == documents
    assert bot.collection.index.generation == generation
    assert sorted(path.name for path in tantivy_root.iterdir()) == [generation], "the half-built generation is gone"

    monkeypatch.undo()
    bot.stub.send_text(10, ADMIN, "/reindex")
    done = await bot.stub.wait_for(4, chat_id=10)
    assert "索引重建完成：2 份文件" in done[3]["text"], "a failure does not block the next re-index"


# -- restart -------------------------------------------------------------------


async def test_follow_up_after_restart_keeps_the_earlier_question(tmp_path: Path) -> None:
    """A follow-up sent after the bot restarts on the same data folder is read in its chat's context."""
    async for running in _start(tmp_path):
        running.stub.send_text(10, USER, "河湖长制工作会议")
        await running.stub.wait_for(1, chat_id=10)
    running.history.close()

    async for running in _start(tmp_path):
        assert running.history.turns(10) == ["河湖长制工作会议"]
        running.stub.send_text(10, USER, "具体措施呢")
        running.stub.send_text(11, 3, "具体措施呢")
        continued = (await running.stub.wait_for(1, chat_id=10))[0]
        fresh = (await running.stub.wait_for(1, chat_id=11))[0]
        assert "河道清淤" in continued["text"] and "堤防加固" in continued["text"]
        assert "河道清淤" not in fresh["text"]
        assert continued["text"] != fresh["text"]
        assert running.history.turns(10) == ["河湖长制工作会议", "具体措施呢"]
    running.history.close()


async def test_more_button_still_works_after_restart(tmp_path: Path) -> None:
    """更多 carries no in-memory state: a button sent before a restart pages after it."""
    async for running in _start(tmp_path):
        running.collection.add_file("森林防火.txt", FOREST_REPORT.encode())
        running.stub.send_text(10, USER, "森林防火有哪些要求")
        first = (await running.stub.wait_for(1, chat_id=10))[0]
    running.history.close()

    async for running in _start(tmp_path):
        running.stub.press(10, USER, _buttons(first)["更多"])
        second = (await running.stub.wait_for(1, chat_id=10))[0]
        assert len(_topics(second["text"])) == 3 and not set(_topics(first["text"])) & set(_topics(second["text"]))
    running.history.close()


# -- UTF-8 uploads --------------------------------------------------------------


async def test_admin_upload_of_utf8_text_is_named_and_searchable(bot: Running) -> None:
    """A UTF-8 .txt upload is added; the reply names its title; questions then find it."""
    bot.stub.send_document(10, ADMIN, "校园安全.txt", SCHOOL_REPORT.encode("utf-8"))
    report = (await bot.stub.wait_for(1, chat_id=10))[0]["text"].splitlines()
    assert report[0] == "已添加 1 份，未变 0 份，跳过 0 份。"
    assert "＋ 区教育局召开校园安全工作会议（1 段）" in report
    assert [r.name for r in bot.collection.documents() if "校园安全" in r.title] == ["校园安全.txt"]

    bot.stub.send_text(11, USER, "防溺水教育有什么要求")
    answer = (await bot.stub.wait_for(1, chat_id=11))[0]["text"]
    assert "区教育局召开校园安全工作会议" in answer and "防溺水" in answer


async def test_admin_upload_of_utf8_with_bom(bot: Running) -> None:
    """A UTF-8 file with a BOM reads cleanly, and is the same document as its BOM-less copy."""
    bot.stub.send_document(10, ADMIN, "食品安全.txt", codecs.BOM_UTF8 + FOOD_REPORT.encode("utf-8"))
    report = (await bot.stub.wait_for(1, chat_id=10))[0]["text"].splitlines()
    assert report[0].startswith("已添加 1 份")
    assert "＋ 县市场监管局召开食品安全工作会议（1 段）" in report, "no BOM or mojibake in the title"
    [record] = [r for r in bot.collection.documents() if r.name == "食品安全.txt"]
    assert record.title == "县市场监管局召开食品安全工作会议"

    bot.stub.send_text(11, USER, "校园食堂食品安全检查")
    answer = (await bot.stub.wait_for(1, chat_id=11))[0]["text"]
    assert "县市场监管局召开食品安全工作会议" in answer and "严查过期" in answer

    count = len(bot.collection.documents())
    bot.stub.send_document(10, ADMIN, "食品安全-副本.txt", FOOD_REPORT.encode("utf-8"))
    again = (await bot.stub.wait_for(2, chat_id=10))[1]["text"]
    assert again.startswith("已添加 0 份，未变 1 份")
    assert len(bot.collection.documents()) == count


# -- long answers ---------------------------------------------------------------


class _TagBalance(HTMLParser):
    """Whether an HTML message opens and closes its tags in order (Telegram rejects it otherwise)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.balanced = self.balanced and bool(self.open) and self.open.pop() == tag


async def test_answer_too_long_for_one_message_is_split_into_valid_html(bot: Running) -> None:
    """Escaping expands `<`/`&` fourfold, so three passages overflow 4096 characters: the answer
    arrives as several messages, each within the limit and well-formed, buttons on the last."""
    symbols = "<&" * 150
    paragraphs = [f"第{n}项：消防安全检查{symbols}要落实到位。" for n in "一二三"]
    text = "县消防大队召开消防安全检查部署会\n\n" + "\n\n".join(paragraphs)
    bot.collection.add_file("fire.txt", text.encode("utf-8"))
    bot.stub.send_text(10, USER, "消防安全检查")
    await bot.stub.wait_for(2, chat_id=10)
    messages = bot.stub.sent(chat_id=10)
    assert len(messages) >= 2
    for message in messages:
        assert len(message["text"]) <= 4096
        checker = _TagBalance()
        checker.feed(message["text"])
        assert checker.balanced and not checker.open, message["text"][:200]
    assert "reply_markup" in messages[-1] and all("reply_markup" not in m for m in messages[:-1])
    shown = html.unescape("".join(m["text"] for m in messages))
    assert all(n in shown for n in ("第一项", "第二项", "第三项")) and "<&<&<&" in shown
