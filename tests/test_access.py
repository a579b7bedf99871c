"""Who may do what, through the real Application and the stand-in.

Admin commands and uploads, button data (validated, never trusted), allowlists of users and
chats, groups (answered only when addressed), and what reaches the logs. Where the point is
that the bot says nothing, a question in another chat is answered first (so every earlier
update has been fetched) and the replies are counted after the bot has stopped (so every
fetched update has been handled).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import RIVER_REPORT
from tests.telegram_stub import BotApiStub
from tests.test_bot_e2e import ADMIN, TOKEN, USER, Running, _start
from tests.test_bot_scenarios import FOREST_REPORT
from tests.test_telegram_faults import ATTEMPTS, QUICK

OUTSIDER = 99
ALLOWED_GROUP = -70
OTHER_GROUP = -71
GROUP = -50
QUESTION = "河道清淤有什么要求"
REFUSAL = "抱歉，这个机器人仅供授权人员使用。"
CONTENT_METHODS = {"sendMessage", "editMessageText", "sendChatAction", "getFile", "answerCallbackQuery"}
"""The calls that would show a user something or fetch what they sent."""


async def _settle(bot: Running) -> None:
    """Ask in a chat of its own and wait for the answer: every update pushed before has then been fetched."""
    bot.stub.send_text(USER, USER, "堤防加固")
    await bot.stub.wait_for(1, chat_id=USER)


def _content_calls(stub: BotApiStub, chat_id: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    return [(method, params) for method, params in stub.calls
            if method in CONTENT_METHODS and (chat_id is None or str(params.get("chat_id")) == str(chat_id))]


def _doc_id(bot: Running) -> str:
    return next(record.id for record in bot.collection.documents() if record.name == "river.txt")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Running]:
    async for running in _start(tmp_path):
        yield running


# -- admin commands and uploads ------------------------------------------------------


@pytest.mark.parametrize("command", ["/reindex", "/reindex@meeting_test_bot", "/remove {doc}", "/remove@meeting_test_bot {doc}"])
async def test_non_admin_cannot_run_admin_commands_in_a_group(tmp_path: Path, command: str) -> None:
    async for bot in _start(tmp_path):
        documents = bot.collection.documents()
        bot.stub.send_text(GROUP, USER, command.format(doc=_doc_id(bot)), chat_type="supergroup")
        [reply] = await bot.stub.wait_for(1, chat_id=GROUP)
    assert reply["text"].startswith("只有管理员")
    assert bot.collection.documents() == documents and len(bot.stub.sent(chat_id=GROUP)) == 1


async def test_allowlisted_user_is_still_no_admin(tmp_path: Path) -> None:
    """Being allowed to ask does not make a user an admin."""
    async for bot in _start(tmp_path, allowed_user_ids=frozenset({USER})):
        documents = bot.collection.documents()
        bot.stub.send_text(10, USER, "/reindex")
        bot.stub.send_text(10, USER, f"/remove {_doc_id(bot)}")
        bot.stub.send_document(10, USER, "新会议.txt", RIVER_REPORT.replace("5月8日", "6月9日").encode())
        replies = await bot.stub.wait_for(3, chat_id=10)
    assert all(reply["text"].startswith("只有管理员") for reply in replies)
    assert bot.collection.documents() == documents and not bot.stub.sent("getFile")


@pytest.mark.parametrize("sender", [ADMIN, USER], ids=["admin", "member"])
async def test_files_posted_in_a_group_are_left_alone(tmp_path: Path, sender: int) -> None:
    """Uploads are taken in a private chat only: files shared in a group are for its members."""
    async for bot in _start(tmp_path):
        documents = bot.collection.documents()
        bot.stub.send_document(GROUP, sender, "森林防火.txt", FOREST_REPORT.encode(), chat_type="supergroup")
        await _settle(bot)
    assert not _content_calls(bot.stub, GROUP) and not bot.stub.sent("getFile")
    assert bot.collection.documents() == documents


async def test_help_names_admin_commands_to_admins_only(bot: Running) -> None:
    bot.stub.send_text(10, USER, "/help")
    bot.stub.send_text(ADMIN, ADMIN, "/help")
    [member] = await bot.stub.wait_for(1, chat_id=10)
    [admin] = await bot.stub.wait_for(1, chat_id=ADMIN)
    assert "/reindex" not in member["text"] and "/reindex" in admin["text"]


# -- button data -----------------------------------------------------------------------


@pytest.mark.parametrize("data", ["remove:{doc}", "reindex", "admin:reindex", "del:{doc}", "docs:0;remove:{doc}"])
async def test_forged_admin_button_is_refused(tmp_path: Path, data: str) -> None:
    """The bot makes no admin buttons, so data naming an admin action is refused whoever sends it."""
    async for bot in _start(tmp_path):
        documents = bot.collection.documents()
        bot.stub.press(10, USER, data.format(doc=_doc_id(bot)))
        [answer] = await bot.stub.wait_for(1, "answerCallbackQuery")
    assert answer["text"] == "无效的按钮。"
    assert bot.collection.documents() == documents
    assert [method for method, _ in _content_calls(bot.stub)] == ["answerCallbackQuery"]


@pytest.mark.parametrize("data", [
    "src:{doc}\n",  # `$` would match before the newline
    "docs:٣",  # Arabic-Indic three: `\d` takes it and int() reads it
    "docs:１",  # fullwidth one
    "ctx:{doc}:٠",
    "src:{doc}:extra",
    "src:" + "a" * 49,
    "src:" + "a" * 5000,
    " docs:0",
    "more:DEADBEEF:1",
    "src:../../etc/passwd",
    "",
], ids=["newline", "arabic-digit", "fullwidth-digit", "ctx-arabic-digit", "extra-field", "long-id", "oversized",
        "leading-space", "upper-hex", "path", "empty"])
async def test_malformed_button_data_is_refused(tmp_path: Path, data: str) -> None:
    async for bot in _start(tmp_path):
        bot.stub.press(10, USER, data.format(doc=_doc_id(bot)))
        [answer] = await bot.stub.wait_for(1, "answerCallbackQuery")
    assert answer["text"] == "无效的按钮。"
    assert [method for method, _ in _content_calls(bot.stub)] == ["answerCallbackQuery"]


async def test_page_number_past_the_end_shows_the_last_page(bot: Running) -> None:
    bot.stub.press(10, USER, "docs:9999")
    [page] = await bot.stub.wait_for(1, "editMessageText")
    assert "（第 1 页）" in page["text"] and "河湖长制" in page["text"]


async def test_button_on_a_message_telegram_no_longer_keeps_is_stale(bot: Running) -> None:
    """Telegram sends an inaccessible message (date 0) for buttons on messages older than 48 hours."""
    bot.stub.press(10, USER, f"src:{_doc_id(bot)}", accessible=False)
    [answer] = await bot.stub.wait_for(1, "answerCallbackQuery")
    assert "过期" in answer["text"] and not bot.stub.sent()


async def test_more_button_pressed_in_another_chat_pages_nothing(tmp_path: Path) -> None:
    """更多 pages the conversation of the chat it is pressed in; another chat's button is stale there."""
    async for bot in _start(tmp_path):
        bot.collection.add_file("森林防火.txt", FOREST_REPORT.encode())
        bot.stub.send_text(10, USER, "森林防火有哪些要求")
        [first] = await bot.stub.wait_for(1, chat_id=10)
        more = next(b["callback_data"] for row in first["reply_markup"]["inline_keyboard"] for b in row if b["text"] == "更多")
        bot.stub.send_text(11, 3, "秋粮收购有什么要求")
        await bot.stub.wait_for(1, chat_id=11)
        bot.stub.press(11, 3, more)
        bot.stub.press(GROUP, 3, more, chat_type="supergroup")
        answers = await bot.stub.wait_for(2, "answerCallbackQuery")
    assert all("过期" in answer["text"] for answer in answers)
    assert len(bot.stub.sent(chat_id=10)) == 1 and len(bot.stub.sent(chat_id=11)) == 1 and not bot.stub.sent(chat_id=GROUP)


# -- allowlists ------------------------------------------------------------------------


def _guarded(tmp_path: Path) -> AsyncIterator[Running]:
    """The bot with an allowlist of one user and one group."""
    return _start(tmp_path, allowed_user_ids=frozenset({USER}), allowed_chat_ids=frozenset({ALLOWED_GROUP}))


@pytest.mark.parametrize("text", [QUESTION, f"/ask {QUESTION}", "/start", "/help", "/docs", "/stats", "/new", "/reindex", "/remove {doc}"])
async def test_outsider_message_or_command_gets_only_a_refusal(tmp_path: Path, text: str) -> None:
    async for bot in _guarded(tmp_path):
        bot.stub.send_text(OUTSIDER, OUTSIDER, text.format(doc=_doc_id(bot)))
        await bot.stub.wait_for(1, chat_id=OUTSIDER)
    assert [(method, params["text"]) for method, params in _content_calls(bot.stub, OUTSIDER)] == [("sendMessage", REFUSAL)]
    assert bot.history.turns(OUTSIDER) == [] and len(bot.collection.documents()) == 2


async def test_an_outsider_whose_refusal_cannot_be_sent_still_gets_nothing(tmp_path: Path) -> None:
    """Telegram failing every try of the refusal must not let the question through to the handlers."""
    async for bot in _start(tmp_path, allowed_user_ids=frozenset({USER}), **QUICK):
        bot.stub.fail("sendMessage", "server_error", calls=ATTEMPTS)
        bot.stub.send_text(OUTSIDER, OUTSIDER, QUESTION)
        await bot.stub.wait_for_attempts(ATTEMPTS, "sendMessage", "server_error")
        bot.stub.send_text(11, USER, QUESTION)  # answered after the outsider's update was handled
        await bot.stub.wait_for(1, chat_id=11)
    assert not bot.stub.sent(chat_id=OUTSIDER) and bot.history.turns(OUTSIDER) == []


async def test_outsider_upload_gets_only_a_refusal(tmp_path: Path) -> None:
    async for bot in _guarded(tmp_path):
        bot.stub.send_document(OUTSIDER, OUTSIDER, "森林防火.txt", FOREST_REPORT.encode())
        await bot.stub.wait_for(1, chat_id=OUTSIDER)
    assert [params["text"] for _, params in _content_calls(bot.stub, OUTSIDER)] == [REFUSAL]
    assert not bot.stub.sent("getFile") and len(bot.collection.documents()) == 2


@pytest.mark.parametrize("data", ["src:{doc}", "ctx:{doc}:0", "docs:0", "more:deadbeef:1"])
async def test_outsider_button_gets_only_a_refusal(tmp_path: Path, data: str) -> None:
    async for bot in _guarded(tmp_path):
        bot.stub.press(OUTSIDER, OUTSIDER, data.format(doc=_doc_id(bot)))
        [answer] = await bot.stub.wait_for(1, "answerCallbackQuery")
    assert answer["text"] == "抱歉，你没有使用权限。" and answer["show_alert"] in (True, "true")
    assert [method for method, _ in _content_calls(bot.stub)] == ["answerCallbackQuery"]


async def test_allowed_group_is_open_to_its_members_and_other_groups_are_refused_when_they_address_the_bot(tmp_path: Path) -> None:
    async for bot in _guarded(tmp_path):
        bot.stub.send_text(ALLOWED_GROUP, OUTSIDER, f"@meeting_test_bot {QUESTION}", chat_type="supergroup")
        bot.stub.send_text(OTHER_GROUP, OUTSIDER, QUESTION, chat_type="supergroup")
        bot.stub.send_text(OTHER_GROUP, OUTSIDER, f"/ask@other_bot {QUESTION}", chat_type="supergroup")
        bot.stub.send_text(OTHER_GROUP, OUTSIDER, f"@meeting_test_bot {QUESTION}", chat_type="supergroup")
        [answer] = await bot.stub.wait_for(1, chat_id=ALLOWED_GROUP)
        await bot.stub.wait_for(1, chat_id=OTHER_GROUP)
        await _settle(bot)
    assert "河道清淤" in answer["text"]
    assert [params["text"] for _, params in _content_calls(bot.stub, OTHER_GROUP)] == [REFUSAL]


async def test_admin_may_use_the_bot_without_being_on_the_allowlist(tmp_path: Path) -> None:
    async for bot in _guarded(tmp_path):
        bot.stub.send_text(ADMIN, ADMIN, QUESTION)
        [answer] = await bot.stub.wait_for(1, chat_id=ADMIN)
    assert "河道清淤" in answer["text"]


# -- groups: answered only when addressed -------------------------------------------------


@pytest.mark.parametrize(("text", "reply_to", "question"), [
    ("@meeting_test_bot 河道清淤", None, "河道清淤"),
    ("河道清淤 @Meeting_Test_Bot", None, "河道清淤"),
    ("具体措施 @meeting_test_bot 河道清淤", None, "具体措施  河道清淤"),
    ("河道清淤", "bot", "河道清淤"),
    ("/ask@meeting_test_bot 河道清淤", None, "河道清淤"),
    ("/ask 河道清淤", None, "河道清淤"),
    ("河道清淤", None, None),
    ("河道清淤", "member", None),
    ("@meeting_test_bot_fan 河道清淤", None, None),
    ("请发到 ops@meeting_test_bot.cn 河道清淤", None, None),
    ("/ask@other_bot 河道清淤", None, None),
    ("/help@other_bot", None, None),
], ids=["mention", "mention-any-case", "mention-inside", "reply-to-bot", "ask-at-bot", "ask", "plain",
        "reply-to-member", "other-username", "e-mail", "ask-at-other-bot", "help-at-other-bot"])
async def test_group_is_answered_only_when_it_addresses_the_bot(tmp_path: Path, text: str, reply_to: str | None, question: str | None) -> None:
    async for bot in _start(tmp_path):
        replied = {"bot": bot.stub.bot_message(GROUP, "上一条回答", "supergroup"),
                   "member": bot.stub.message(GROUP, 3, "supergroup", text="大家好")}.get(reply_to or "")
        bot.stub.send_text(GROUP, USER, text, chat_type="supergroup", **({"reply_to_message": replied} if replied else {}))
        await _settle(bot)
    replies = bot.stub.sent(chat_id=GROUP)
    if question is None:
        assert not replies and bot.history.turns(GROUP) == []
    else:
        assert len(replies) == 1 and "河道清淤" in replies[0]["text"]
        assert bot.history.turns(GROUP) == [question], "the mention is not part of the question"


# -- logs ---------------------------------------------------------------------------------


@pytest.fixture
def unconfigured_transport_logs() -> Iterator[None]:
    """httpx and httpcore at their default level, as if nothing had quietened them yet in this process."""
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.NOTSET)
    yield
    for logger, level in zip(loggers, levels):
        logger.setLevel(level)


async def test_token_and_messages_stay_out_of_info_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, unconfigured_transport_logs: None
) -> None:
    """A whole conversation at INFO, with flood control, a reply that fails for good, a refusal and an
    upload: no record holds the token (alone, or in a URL) or what anyone wrote."""
    caplog.set_level(logging.INFO)
    written = ["河湖长制工作会议", "具体措施呢", "外人的机密问题", "秋粮收购有什么要求", "堤防加固怎么做", "森林防火巡山护林"]
    async for bot in _start(tmp_path, allowed_user_ids=frozenset({USER}), **QUICK):
        stub = bot.stub
        stub.send_text(10, USER, "/start")
        stub.send_text(10, USER, written[0])
        await stub.wait_for(2, chat_id=10)
        stub.send_text(10, USER, written[1])
        answer = (await stub.wait_for(3, chat_id=10))[2]
        stub.press(10, USER, answer["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
        stub.send_text(OUTSIDER, OUTSIDER, written[2])
        await stub.wait_for(4, chat_id=10)
        await stub.wait_for(1, chat_id=OUTSIDER)
        stub.fail("sendMessage", "retry_after", calls=1)
        stub.send_text(10, USER, written[3])
        await stub.wait_for(5, chat_id=10)
        stub.fail("sendMessage", "server_error", calls=ATTEMPTS)
        stub.send_text(10, USER, written[4])
        await stub.wait_for(6, chat_id=10)
        stub.send_document(ADMIN, ADMIN, "森林防火.txt", FOREST_REPORT.replace("巡山护林", written[5]).encode())
        await stub.wait_for(1, chat_id=ADMIN)
    assert stub.sent(chat_id=10)[-1]["text"] == "抱歉，处理时出错了，请稍后再试。", "the error path was taken"
    assert any(record.levelno == logging.ERROR for record in caplog.records)
    assert any(record.levelno == logging.INFO and record.name.startswith("telegram") for record in caplog.records), "INFO is captured"
    logged = caplog.text
    for secret in [TOKEN, TOKEN.split(":")[1], quote(TOKEN, safe=""), *written]:
        assert secret not in logged, secret
