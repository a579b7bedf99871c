"""/timeline, /digest and the 要点 button, through the real Application and the Bot API stand-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import CALLBACK
from tests.test_bot_e2e import USER, Running, _start

MEETINGS = Path(__file__).parent / "meetings"
ANNOTATIONS = json.loads((MEETINGS / "annotations.json").read_text(encoding="utf-8"))


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Running]:
    async for running in _start(tmp_path):
        running.collection.add_paths([MEETINGS])
        yield running


def _titles_in_order(bot: Running, names: list[str]) -> list[str]:
    by_name = {Path(record.name).name: record.title for record in bot.collection.documents()}
    return [by_name[name] for name in names]


def _buttons(reply: dict) -> dict[str, str]:
    markup = reply.get("reply_markup") or {"inline_keyboard": []}
    return {button["text"]: button["callback_data"] for row in markup["inline_keyboard"] for button in row}


async def test_registers_the_new_commands(bot: Running) -> None:
    commands = (await bot.stub.wait_for(1, "setMyCommands"))[0]["commands"]
    assert {"timeline", "digest"} <= {command["command"] for command in commands}
    bot.stub.send_text(10, USER, "/help")
    help_text = (await bot.stub.wait_for(1, chat_id=10))[0]["text"]
    assert "/timeline" in help_text and "/digest" in help_text


async def test_timeline_lists_the_meetings_in_date_order_and_pages(bot: Running) -> None:
    expected = _titles_in_order(bot, ANNOTATIONS["timelines"]["高标准农田"])
    bot.stub.send_text(10, USER, "/timeline 高标准农田")
    first = (await bot.stub.wait_for(1, chat_id=10))[0]
    assert first["parse_mode"] == "HTML" and "<b>高标准农田</b>" in first["text"]
    buttons = _buttons(first)
    assert set(buttons) == {"下一页"} and all(CALLBACK.match(data) for data in buttons.values())
    bot.stub.press(10, USER, buttons["下一页"])
    second = (await bot.stub.wait_for(1, "editMessageText", chat_id=10))[0]
    shown = first["text"] + second["text"]
    positions = [shown.find(title) for title in dict.fromkeys(expected)]
    assert all(position >= 0 for position in positions), "every meeting on the topic is listed"
    assert positions == sorted(positions), "in meeting-date order"
    assert "【日期不详】" in second["text"], "the undated meeting comes last, marked"
    assert "上一页" in _buttons(second)


async def test_timeline_of_an_unknown_topic_says_so(bot: Running) -> None:
    bot.stub.send_text(10, USER, "/timeline 载人航天")
    reply = (await bot.stub.wait_for(1, chat_id=10))[0]
    assert "没有找到" in reply["text"]


async def test_an_earlier_timelines_buttons_still_page_their_own_topic(bot: Running) -> None:
    bot.stub.send_text(10, USER, "/timeline 高标准农田")
    first = (await bot.stub.wait_for(1, chat_id=10))[0]
    bot.stub.send_text(10, USER, "/timeline 防汛")
    await bot.stub.wait_for(2, chat_id=10)
    bot.stub.press(10, USER, _buttons(first)["下一页"])
    page = (await bot.stub.wait_for(1, "editMessageText", chat_id=10))[0]
    assert "<b>高标准农田</b>" in page["text"] and "上一页" in _buttons(page)


async def test_timeline_buttons_work_after_a_restart(tmp_path: Path) -> None:
    async for running in _start(tmp_path):
        running.collection.add_paths([MEETINGS])
        running.stub.send_text(10, USER, "/timeline 高标准农田")
        first = (await running.stub.wait_for(1, chat_id=10))[0]
    async for restarted in _start(tmp_path):
        restarted.stub.press(10, USER, _buttons(first)["下一页"])
        page = (await restarted.stub.wait_for(1, "editMessageText", chat_id=10))[0]
        assert "<b>高标准农田</b>" in page["text"] and "【日期不详】" in page["text"], "the second page of that timeline"


async def test_a_timeline_button_of_a_topic_the_chat_never_asked_is_stale(bot: Running) -> None:
    bot.stub.send_text(10, USER, "/timeline 高标准农田")
    first = (await bot.stub.wait_for(1, chat_id=10))[0]
    bot.stub.press(11, USER, _buttons(first)["下一页"])
    answered = await bot.stub.wait_for(1, "answerCallbackQuery")
    assert "过期" in answered[0].get("text", "")
    assert not bot.stub.sent("editMessageText")


async def test_start_offers_example_questions_the_collection_answers(bot: Running) -> None:
    bot.stub.send_text(10, USER, "/start")
    greeting = (await bot.stub.wait_for(1, chat_id=10))[0]["text"]
    examples = [line.removeprefix("• ") for line in greeting.splitlines() if line.startswith("• ")]
    assert len(examples) == 3
    titles = [record.title for record in bot.collection.documents()]
    assert not any(title[:10] in example for title in titles for example in examples), "not a cut title"
    for number, example in enumerate(examples, start=2):  # each a question of its own: no /new needed
        bot.stub.send_text(10, USER, example)
        answer = (await bot.stub.wait_for(number, chat_id=10))[-1]
        assert "没有找到" not in answer["text"] and "<b>" in answer["text"], example


async def test_the_digest_button_lists_requirements_with_owners_and_deadlines(bot: Running) -> None:
    bot.stub.send_text(10, USER, "集贤县高标准农田项目区选址有什么要求")
    reply = (await bot.stub.wait_for(1, chat_id=10))[0]
    bot.stub.press(10, USER, _buttons(reply)["要点 1"])
    digest = (await bot.stub.wait_for(2, chat_id=10))[1]
    assert digest["parse_mode"] == "HTML"
    assert "第一点意见" in digest["text"] or "第二点意见" in digest["text"], "under the document's own headings"
    assert "责任：县农业农村局" in digest["text"] and "时限：3月15日前" in digest["text"]


async def test_digest_command_takes_a_document_id(bot: Running) -> None:
    record = next(r for r in bot.collection.documents() if Path(r.name).name == "ningyang_safety_speech.txt")
    bot.stub.send_text(10, USER, f"/digest {record.id}")
    replies = await bot.stub.wait_for(1, chat_id=10)
    assert "要点" in replies[0]["text"] and "责任：" in replies[0]["text"]
    bot.stub.send_text(10, USER, "/digest no-such-document")
    assert "没有这个文件" in (await bot.stub.wait_for(2, chat_id=10))[-1]["text"]


async def test_forged_digest_data_is_refused(bot: Running) -> None:
    bot.stub.press(10, USER, "dig:../../etc/passwd")
    answered = await bot.stub.wait_for(1, "answerCallbackQuery")
    assert "无效" in answered[0].get("text", "")


async def test_a_reprinted_report_is_shown_once_with_where_else_it_was_published(bot: Running) -> None:
    bot.stub.send_text(10, USER, "/timeline 高标准农田")
    text = (await bot.stub.wait_for(1, chat_id=10))[0]["text"]
    assert text.count("· 《章丘区召开2024年高标准农田建设项目推进会》") == 1, "one entry for the report and its reprint"
    assert "同一报道也发布于" in text
