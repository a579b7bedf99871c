"""The real python-telegram-bot Application, talking HTTP to a Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import CALLBACK, build_application
from bot.config import Settings
from bot.history import ChatHistory
from index.collection import Collection
from tests.conftest import MEETING_REPORT, RIVER_REPORT
from tests.telegram_stub import BotApiStub, running

TOKEN = "123456789:AAtest_token_for_the_stand_in_server_xx"
ADMIN = 1
USER = 2


@dataclasses.dataclass
class Running:
    stub: BotApiStub
    collection: Collection
    history: ChatHistory


async def _start(tmp_path: Path, unknown_chats: frozenset[int] = frozenset(), **overrides: object) -> AsyncIterator[Running]:
    stub = BotApiStub(TOKEN, unknown_chats)
    stub.start()
    settings = Settings(
        data_dir=tmp_path, telegram_token=TOKEN, base_url=stub.base_url, base_file_url=stub.base_file_url,
        **{"admin_ids": frozenset({ADMIN}), **overrides},
    )
    collection = Collection(tmp_path / "meetings.db")
    collection.add_file("grain.txt", MEETING_REPORT.encode())
    collection.add_file("river.txt", RIVER_REPORT.encode())
    history = ChatHistory(tmp_path / "chats.db")
    async with running(build_application(settings, collection, history)):
        yield Running(stub, collection, history)
    stub.stop()
    collection.close()


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Running]:
    async for running in _start(tmp_path):
        yield running


async def test_admin_commands_are_in_the_admins_menu_only(bot: Running) -> None:
    menus = await bot.stub.wait_for(2, "setMyCommands")
    everyone = [menu for menu in menus if "scope" not in menu]
    admins = [menu for menu in menus if menu.get("scope") == {"type": "chat", "chat_id": ADMIN}]
    assert len(everyone) == len(admins) == 1 and len(menus) == 2
    names = {command["command"] for command in everyone[0]["commands"]}
    assert {"start", "help", "ask", "new", "docs", "stats"} <= names and not names & {"reindex", "remove"}
    assert {command["command"] for command in admins[0]["commands"]} == names | {"reindex", "remove"}


async def test_an_admin_who_never_started_the_bot_does_not_stop_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    stranger = 99
    async for running in _start(tmp_path, unknown_chats=frozenset({stranger}), admin_ids=frozenset({ADMIN, stranger})):
        running.stub.send_text(10, USER, "河道清淤")
        assert "河道清淤" in (await running.stub.wait_for(1, chat_id=10))[0]["text"]
        scopes = [menu.get("scope", {}).get("chat_id") for menu in running.stub.sent("setMyCommands")]
        assert scopes == [None, ADMIN], "the menus Telegram took: everyone's and the reachable admin's"
    assert any("could not show the admin commands" in record.getMessage() for record in caplog.records)


async def test_question_gets_passages_with_source_and_buttons(bot: Running) -> None:
    bot.stub.send_text(10, USER, "秋粮收购有什么要求")
    reply = (await bot.stub.wait_for(1, chat_id=10))[0]
    assert reply["parse_mode"] == "HTML"
    assert "秋粮收购工作推进会" in reply["text"]
    assert "<b>秋粮" in reply["text"], "matched words are bold"
    assert "2023年9月12日" in reply["text"]
    assert 'href="http://nyj.example.gov.cn' in reply["text"]
    assert bot.stub.sent("sendChatAction", chat_id=10), "typing is shown while searching"
    buttons = [button for row in reply["reply_markup"]["inline_keyboard"] for button in row]
    assert buttons and all(CALLBACK.match(b["callback_data"]) and len(b["callback_data"].encode()) <= 64 for b in buttons)


async def test_follow_up_uses_chat_history_and_chats_are_isolated(bot: Running) -> None:
    bot.stub.send_text(10, USER, "河湖长制工作会议")
    await bot.stub.wait_for(1, chat_id=10)
    bot.stub.send_text(10, USER, "具体措施呢")
    follow_up = (await bot.stub.wait_for(2, chat_id=10))[1]
    assert "河道清淤" in follow_up["text"]
    assert bot.history.turns(10) == ["河湖长制工作会议", "具体措施呢"]
    assert bot.history.turns(11) == []
    bot.stub.send_text(11, 3, "具体措施呢")
    other = (await bot.stub.wait_for(1, chat_id=11))[0]
    assert "河道清淤" not in other["text"], "another chat's history must not leak in"


async def test_new_clears_context(bot: Running) -> None:
    bot.stub.send_text(10, USER, "河湖长制工作会议")
    await bot.stub.wait_for(1, chat_id=10)
    bot.stub.send_text(10, USER, "/new")
    await bot.stub.wait_for(2, chat_id=10)
    assert bot.history.turns(10) == []


async def test_source_and_context_buttons(bot: Running) -> None:
    bot.stub.send_text(10, USER, "秋粮收购有什么要求")
    reply = (await bot.stub.wait_for(1, chat_id=10))[0]
    buttons = {b["text"]: b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row}
    bot.stub.press(10, USER, buttons["来源 1"])
    details = (await bot.stub.wait_for(2, chat_id=10))[1]
    assert "张建国" in details["text"] and "2023年9月12日" in details["text"]
    bot.stub.press(10, USER, buttons["原文 1"])
    context = (await bot.stub.wait_for(3, chat_id=10))[2]
    assert "▶" in context["text"]
    assert len(bot.stub.sent("answerCallbackQuery")) == 2


async def test_stale_and_forged_buttons_answer_gracefully(bot: Running) -> None:
    bot.stub.press(10, USER, "more:deadbeef:1")
    bot.stub.press(10, USER, "src:no-such-document")
    bot.stub.press(10, USER, "'; drop table chunks; --")
    answers = await bot.stub.wait_for(3, "answerCallbackQuery")
    texts = " ".join(str(a.get("text")) for a in answers)
    assert "过期" in texts and "删除" in texts and "无效" in texts
    assert bot.collection.store.chunk_count() > 0


async def test_nothing_found_says_so(bot: Running) -> None:
    bot.stub.send_text(10, USER, "载人航天发射计划")
    reply = (await bot.stub.wait_for(1, chat_id=10))[0]
    assert "没有找到" in reply["text"] and "河湖长制" in reply["text"]
    assert "9月12日" in reply["text"], "documents are listed with their dates"


async def test_asking_when_the_meeting_was_held_answers_with_the_last_answers_meeting(bot: Running) -> None:
    bot.stub.send_text(10, USER, "河道清淤有什么要求")
    await bot.stub.wait_for(1, chat_id=10)
    bot.stub.send_text(10, USER, "是哪天开的")
    reply = (await bot.stub.wait_for(2, chat_id=10))[1]
    assert reply["text"].startswith("上一条回答出自：《市水利局召开河湖长制工作会议》")
    assert "<b>5月8日</b>" in reply["text"], "the date, highlighted in the passage that states it"
    assert reply["parse_mode"] == "HTML"


async def test_admin_upload_is_indexed_and_escaped(bot: Running) -> None:
    document = "市林业局召开森林防火工作会议\n\n3月2日，市林业局召开森林防火会议。会议要求<script>alert(1)</script>严格落实森林防火责任，加强巡山护林。"
    bot.stub.send_document(10, ADMIN, "../../etc/森林防火.txt", document.encode("gbk"))
    report = (await bot.stub.wait_for(1, chat_id=10))[0]
    assert "已添加 1 份" in report["text"]
    assert any(r.name == "森林防火.txt" for r in bot.collection.documents())
    bot.stub.send_text(10, ADMIN, "森林防火有什么要求")
    answer = (await bot.stub.wait_for(2, chat_id=10))[1]
    assert "森林防火" in answer["text"] and "<script>" not in answer["text"] and "&lt;script&gt;" in answer["text"]


async def test_non_admin_cannot_change_the_collection(bot: Running) -> None:
    before = len(bot.collection.documents())
    bot.stub.send_document(10, USER, "x.txt", "某某会议要求严格落实安全生产责任制。".encode())
    bot.stub.send_text(10, USER, "/reindex")
    bot.stub.send_text(10, USER, f"/remove {bot.collection.documents()[0].id}")
    replies = await bot.stub.wait_for(3, chat_id=10)
    assert all("只有管理员" in reply["text"] for reply in replies)
    assert len(bot.collection.documents()) == before


async def test_reindex_keeps_answering(bot: Running) -> None:
    bot.stub.send_text(10, ADMIN, "/reindex")
    bot.stub.send_text(11, USER, "河道清淤")
    answer = (await bot.stub.wait_for(1, chat_id=11))[0]
    assert "河道清淤" in answer["text"]
    done = await bot.stub.wait_for(2, chat_id=10)
    assert "索引重建完成" in done[-1]["text"]
    assert bot.collection.ask(["秋粮收购"]).passages


async def test_group_answers_only_when_addressed(bot: Running) -> None:
    bot.stub.send_text(-50, USER, "河道清淤", chat_type="supergroup")
    bot.stub.send_text(-50, USER, "@meeting_test_bot 河道清淤", chat_type="supergroup")
    replies = await bot.stub.wait_for(1, chat_id=-50)
    assert len(replies) == 1 and "河道清淤" in replies[0]["text"]


async def test_question_length_is_bounded(bot: Running) -> None:
    bot.stub.send_text(10, USER, "农" * 5000)
    reply = (await bot.stub.wait_for(1, chat_id=10))[0]
    assert "太长" in reply["text"]


async def test_allowlist_refuses_others(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.app")
    async for running in _start(tmp_path, allowed_user_ids=frozenset({USER})):
        running.stub.send_text(20, 99, "河道清淤")
        running.stub.send_text(21, USER, "河道清淤")
        refusal = (await running.stub.wait_for(1, chat_id=20))[0]
        allowed = (await running.stub.wait_for(1, chat_id=21))[0]
        assert "授权" in refusal["text"] and "河道" not in refusal["text"]
        assert "河道清淤" in allowed["text"]
    logged = [record.getMessage() for record in caplog.records if record.name == "bot.app"]
    assert sum(line.startswith("refused ") for line in logged) == 1 and sum(line.startswith("handled ") for line in logged) == 1
    assert not any("河道" in line for line in logged)


async def test_one_info_line_per_update_without_text_names_or_token(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    questions = [f"{topic}有什么要求" for topic in ("秋粮收购", "河道清淤", "堤防加固", "烘干设备", "粮食质量", "河湖长巡河", "仓容", "安全生产", "种粮农民", "汛期")]
    caplog.set_level(logging.INFO, logger="bot.app")
    async for running in _start(tmp_path):
        for question in questions:
            running.stub.send_text(10, USER, question)
        await running.stub.wait_for(len(questions), chat_id=10)
    lines = [record.getMessage() for record in caplog.records if record.name == "bot.app" and record.getMessage().startswith("handled ")]
    assert len(lines) == len(questions), lines
    for line in lines:
        assert re.fullmatch(r"handled question in a private chat: \d+ passages in \d+ ms", line), line
    assert sum(int(re.search(r"(\d+) passages", line)[1]) for line in lines) > 0, "passages returned are counted"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not any(question in logged or question[:2] in logged for question in questions), "no message text"
    assert TOKEN not in logged and "user2" not in logged, "no token, no names"
