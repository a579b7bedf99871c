"""The Telegram bot: officials ask in chat, follow up, page through sources; admins add documents.

One ``Application`` with typed async handlers (the python-telegram-bot examples'
pattern). Searches run in a worker thread so one slow query never stalls other
chats; the collection answers through the same ``Collection.ask`` as the CLI.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from html import escape
from pathlib import Path
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import __version__
from bot.config import Settings
from bot.health import reach_bot_api, unhealthy
from bot.history import ChatHistory, fingerprint
from bot.logs import quiet_transport
from bot.render import display_date, example_questions, no_timeline_line, question_refusal
from bot.telegram_format import (
    answer_messages,
    context_html,
    digest_messages,
    document_html,
    nothing_found_html,
    split_messages,
    timeline_html,
)
from bot.webhook import serve_webhook
from index.answer import Answer
from index.collection import Collection
from index.search import Passage
from index.read import SUPPORTED_SUFFIXES, safe_name, unsupported

log = logging.getLogger(__name__)

PAGE_SIZE = 3
MAX_PAGES = 5
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""Telegram's Bot API download limit."""
DOCS_PAGE = 10
TIMELINE_PAGE = 5
MORE_BUTTON = re.compile(r"\Amore:([0-9a-f]{8}):([0-9]{1,2})\Z")
"""更多: the conversation's fingerprint and the page."""
CONTEXT_BUTTON = re.compile(r"\Actx:([\w.-]{1,40}):([0-9]{1,7})\Z")
"""原文: the document and the passage's position."""
SOURCE_BUTTON = re.compile(r"\Asrc:([\w.-]{1,48})\Z")
"""来源: the document."""
DOCS_BUTTON = re.compile(r"\Adocs:([0-9]{1,4})\Z")
"""A page of /docs."""
TIMELINE_BUTTON = re.compile(r"\Atl:([0-9a-f]{8}):([0-9]{1,3})\Z")
"""A page of /timeline: the topic's key (``ChatHistory.remember_topic``) and the page."""
DIGEST_BUTTON = re.compile(r"\Adig:([\w.-]{1,48})\Z")
"""要点: the document."""
CALLBACK = re.compile("|".join(f"(?:{kind.pattern})" for kind in (MORE_BUTTON, CONTEXT_BUTTON, SOURCE_BUTTON, DOCS_BUTTON, TIMELINE_BUTTON, DIGEST_BUTTON)))
"""Every button the bot makes (document ids may be Chinese, hence ``\\w``). A press is acted on only
if its data matches a kind whole: ``\\Z``, as ``$`` lets a trailing newline through; ``[0-9]``, as
``\\d`` takes any script's digits."""

COMMANDS = [
    BotCommand("start", "开始使用"),
    BotCommand("help", "使用说明和示例问题"),
    BotCommand("ask", "提问（群聊中使用）"),
    BotCommand("new", "开始新话题"),
    BotCommand("timeline", "某个话题的会议时间线，如 /timeline 高标准农田"),
    BotCommand("digest", "某次会议的要求、责任单位和时限"),
    BotCommand("docs", "已收录的会议文件"),
    BotCommand("stats", "收录统计"),
]
"""The command menu everyone sees."""
ADMIN_COMMANDS = [
    *COMMANDS,
    BotCommand("reindex", "重建索引（管理员）"),
    BotCommand("remove", "删除文件（管理员）"),
]
"""The command menu of each admin's private chat with the bot."""


class BotState:
    """What the handlers share: settings, the collection, chat histories, rate limits."""

    def __init__(self, settings: Settings, collection: Collection, history: ChatHistory) -> None:
        self.settings = settings
        self.collection = collection
        self.history = history
        self.recent_questions: OrderedDict[int, deque[float]] = OrderedDict()
        """Each user's questions of the last minute, the user who asked longest ago first."""
        self.reindexing = False

    def allowed(self, user_id: int | None, chat_id: int | None) -> bool:
        users, chats = self.settings.allowed_user_ids, self.settings.allowed_chat_ids
        if not users and not chats:
            return True
        return (user_id in users) or (chat_id in chats) or (user_id in self.settings.admin_ids)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def over_rate(self, user_id: int) -> bool:
        now = time.monotonic()
        while self.recent_questions:  # users quiet for a minute are forgotten
            oldest = next(iter(self.recent_questions.values()))
            if now - oldest[-1] <= 60:
                break
            self.recent_questions.popitem(last=False)
        recent = self.recent_questions.setdefault(user_id, deque())
        self.recent_questions.move_to_end(user_id)
        while recent and now - recent[0] > 60:
            recent.popleft()
        if len(recent) >= self.settings.questions_per_minute:
            return True
        recent.append(now)
        return False


NOT_REPEATED_AFTER_TIMEOUT = frozenset({"answerCallbackQuery", "editMessageText"})
"""Requests that fail when repeated after Telegram did carry them out (a button is answered once;
an edit to the same text is refused), so a timed-out one is not sent again."""


class RetryingRateLimiter(AIORateLimiter):
    """PTB's rate limiter, which waits out flood control (429), also retrying network failures and 5xx.

    PTB retries getUpdates itself but no other request, so without this one dropped connection
    loses a reply. Waits double from ``delay``; ``attempts`` bounds the tries. A request that
    timed out may have reached Telegram all the same, and retrying it then sends the message
    twice: a reply is delivered at least once, as a duplicate answer does less harm than none.
    """

    def __init__(self, attempts: int, delay: float) -> None:
        super().__init__(max_retries=3)
        self._attempts = attempts
        self._delay = delay

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 1
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except NetworkError as error:  # TimedOut is one; BadRequest too, but resending will not fix it
                repeats_harm = isinstance(error, TimedOut) and endpoint in NOT_REPEATED_AFTER_TIMEOUT
                if isinstance(error, BadRequest) or repeats_harm or attempt >= self._attempts:
                    raise
                wait = self._delay * 2 ** (attempt - 1)
                log.warning("%s failed (%s: %s); try %d of %d in %.1f s", endpoint, type(error).__name__, error, attempt + 1, self._attempts, wait)
                await asyncio.sleep(wait)
                attempt += 1


def _state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.application.bot_data["state"]


@dataclasses.dataclass
class Handled:
    """What one update asked for and how many passages it got, for its log line."""

    asked: str | None
    """A command, ``question``, a kind of button; None when the update was not for the bot."""
    passages: int = 0


_handled: contextvars.ContextVar[Handled] = contextvars.ContextVar("handled")
"""The update being handled by the current task."""


def _returned(passages: int) -> None:
    """Note how many passages (entries, requirements) the update's reply holds."""
    _handled.get().passages = passages


HandlerCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def _logged(asked: str, callback: HandlerCallback) -> HandlerCallback:
    """``callback`` logging one line per update at INFO: the chat's kind, what was asked for, the
    passages returned and the milliseconds taken; never the text, the asker or the token."""

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled = Handled(asked)
        reset = _handled.set(handled)
        started = time.perf_counter()
        try:
            await callback(update, context)
        finally:
            _handled.reset(reset)
            if handled.asked:
                chat = update.effective_chat.type if update.effective_chat else "no"
                milliseconds = (time.perf_counter() - started) * 1000
                log.info("handled %s in a %s chat: %d passages in %.0f ms", handled.asked, chat, handled.passages, milliseconds)

    return handle


def _button(text: str, data: str) -> InlineKeyboardButton | None:
    return InlineKeyboardButton(text, callback_data=data) if len(data.encode()) <= 64 and CALLBACK.match(data) else None


def _keyboard(answer: Answer, turns: list[str], page: int) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    for number, passage in enumerate(answer.passages, start=page * PAGE_SIZE + 1):
        row = [
            _button(f"原文 {number}", f"ctx:{passage.doc_id}:{passage.position}"),
            _button(f"来源 {number}", f"src:{passage.doc_id}"),
            _button(f"要点 {number}", f"dig:{passage.doc_id}"),
        ]
        rows.append([button for button in row if button])
    if len(answer.passages) == PAGE_SIZE and page + 1 < MAX_PAGES:
        more = _button("更多", f"more:{fingerprint(turns)}:{page + 1}")
        rows.append([more] if more else [])
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def _answer(context: ContextTypes.DEFAULT_TYPE, turns: list[str], page: int) -> Answer:
    """Run the search off the event loop and keep one page of passages."""
    collection = _state(context).collection
    answer = await asyncio.to_thread(collection.ask, turns, PAGE_SIZE * (page + 1))
    return dataclasses.replace(answer, passages=answer.passages[page * PAGE_SIZE :])


async def _send_answer(message: Message, context: ContextTypes.DEFAULT_TYPE, turns: list[str], page: int) -> None:
    state = _state(context)
    answer = await _answer(context, turns, page)
    _returned(len(answer.passages))
    if not answer.passages:
        if page:
            await message.reply_text("没有更多相关段落了。")
            return
        documents, points = await asyncio.to_thread(state.collection.coverage) if answer.lists_the_collection else ([], [])
        await message.reply_text(nothing_found_html(answer, documents, points), parse_mode=ParseMode.HTML)
        return
    texts = answer_messages(answer, first_number=page * PAGE_SIZE + 1)
    for index, text in enumerate(texts):
        markup = _keyboard(answer, turns, page) if index == len(texts) - 1 else None
        await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True)


# -- access -----------------------------------------------------------------


async def check_access(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: outsiders get a polite refusal and nothing else."""
    user = update.effective_user
    chat = update.effective_chat
    if _state(context).allowed(user.id if user else None, chat.id if chat else None):
        return
    log.info("refused an update from outside the allowed users and chats in a %s chat", chat.type if chat else "no")
    try:
        if update.callback_query:
            await update.callback_query.answer("抱歉，你没有使用权限。", show_alert=True)
        elif update.effective_message and (chat is None or chat.type == ChatType.PRIVATE or _for_bot(update.effective_message, context.bot)):
            await update.effective_message.reply_text("抱歉，这个机器人仅供授权人员使用。")
    except TelegramError as error:  # a refusal that could not be sent must not let the update through
        log.warning("could not send a refusal: %s", error)
    raise ApplicationHandlerStop


def _addressed(message: Message, bot: Bot) -> str | None:
    """A group message's text without the bot's @mention, if it mentions the bot or replies to it; else None.

    Mentions are read from the message's entities, so ``@meeting_bot_fan`` or an e-mail
    address does not count as ``@meeting_bot``.
    """
    mention = f"@{bot.username}".lower()
    mentions = [entity for entity, name in message.parse_entities([MessageEntity.MENTION]).items() if name.lower() == mention]
    if mentions:
        text = (message.text or "").encode("utf-16-le")  # entity offsets count UTF-16 code units
        for entity in sorted(mentions, key=lambda entity: entity.offset, reverse=True):
            text = text[: 2 * entity.offset] + text[2 * (entity.offset + entity.length) :]
        return text.decode("utf-16-le")
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return message.text or ""
    return None


def _for_bot(message: Message, bot: Bot) -> bool:
    """Whether a group message is meant for this bot: one of its commands, a mention, or a reply to it."""
    entities = message.entities
    if message.text and entities and entities[0].type == MessageEntity.BOT_COMMAND and entities[0].offset == 0:
        _, _, target = message.parse_entity(entities[0]).partition("@")
        return not target or target.lower() == (bot.username or "").lower()
    return _addressed(message, bot) is not None


def _require_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return _state(context).is_admin(user.id if user else None)


async def _show_action(context: ContextTypes.DEFAULT_TYPE, chat_id: int, action: str) -> None:
    """Show "typing…": a courtesy, so failing to show it must not cost the user the answer."""
    try:
        await context.bot.send_chat_action(chat_id, action)
    except TelegramError as error:
        log.warning("could not show %s: %s", action, error)


# -- questions -------------------------------------------------------------


async def ask_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Answer a question in the context of the chat's recent turns."""
    message = update.effective_message
    state = _state(context)
    question = question.strip()
    refusal = question_refusal([question])
    if refusal:
        await message.reply_text(refusal)
        return
    if state.over_rate(update.effective_user.id):
        await message.reply_text("提问太频繁了，请稍等一分钟再问。")
        return
    chat_id = update.effective_chat.id
    await _show_action(context, chat_id, ChatAction.TYPING)
    turns = await asyncio.to_thread(state.history.add, chat_id, question)  # before replying: the next turn may come at once
    await _send_answer(message, context, turns, page=0)


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question."""
    await ask_question(update, context, update.effective_message.text)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, answer only when mentioned or replied to."""
    question = _addressed(update.effective_message, context.bot)
    if question is None:
        _handled.get().asked = None  # people talking among themselves: nothing to log
        return
    await ask_question(update, context, question)


async def cmd_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION — ask explicitly (the way to ask in groups)."""
    await ask_question(update, context, " ".join(context.args or []))


def _timeline_page(topic: str, key: str, passages: list[Passage], page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of a timeline, with buttons that carry the topic's ``key`` (``ChatHistory.remember_topic``)."""
    pages = max(1, -(-len(passages) // TIMELINE_PAGE))
    page = min(page, pages - 1)  # a forged or outdated page number
    start = page * TIMELINE_PAGE
    shown = passages[start : start + TIMELINE_PAGE]
    _returned(len(shown))
    text = timeline_html(topic, shown, start + 1, len(passages))
    buttons = [
        button
        for button in (
            _button("上一页", f"tl:{key}:{page - 1}") if page > 0 else None,
            _button("下一页", f"tl:{key}:{page + 1}") if page + 1 < pages else None,
        )
        if button
    ]
    return text, InlineKeyboardMarkup([buttons]) if buttons else None


async def cmd_timeline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timeline TOPIC — every meeting on the topic, in meeting-date order, paged."""
    topic = " ".join(context.args or []).strip()
    refusal = question_refusal([topic]) if topic else "请在命令后写上话题，例如：/timeline 高标准农田"
    if refusal:
        await update.effective_message.reply_text(refusal)
        return
    state = _state(context)
    passages = await asyncio.to_thread(state.collection.timeline, topic)
    if not passages:
        await update.effective_message.reply_text(no_timeline_line(topic))
        return
    key = await asyncio.to_thread(state.history.remember_topic, update.effective_chat.id, topic)
    text, markup = _timeline_page(topic, key, passages, 0)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True)


async def _send_digest(message: Message, context: ContextTypes.DEFAULT_TYPE, doc_id: str) -> bool:
    """Send a document's requirements; False when there is no such document."""
    found = await asyncio.to_thread(_state(context).collection.digest, doc_id)
    if found is None:
        return False
    _returned(sum(len(section.requirements) for section in found[1]))
    for text in digest_messages(*found):
        await message.reply_text(text, parse_mode=ParseMode.HTML)
    return True


async def cmd_digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest DOC_ID — a meeting's requirements, with who is to do them and by when."""
    if not context.args:
        await update.effective_message.reply_text("用法：/digest 文件编号（见 /docs），或点回答下的“要点”按钮。")
        return
    if not await _send_digest(update.effective_message, context, context.args[0]):
        await update.effective_message.reply_text("没有这个文件编号，请用 /docs 查看。")


async def cmd_new(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/new — forget the conversation so far."""
    await asyncio.to_thread(_state(context).history.clear, update.effective_chat.id)
    await update.effective_message.reply_text("好的，已开始新话题。")


# -- information -------------------------------------------------------------


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start — greet and explain."""
    await cmd_help(update, context)


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help — how to ask, with example questions drawn from the newest meetings' outlines."""
    _documents, points = await asyncio.to_thread(_state(context).collection.coverage)
    examples = example_questions(points)
    lines = [
        "直接发送问题，我会找出会议文件中最相关的段落，并注明来源。",
        "可以接着追问，例如“具体措施呢”“是哪天开的”；/new 开始新话题。",
        "",
        *(["示例问题：", *(f"• {example}" for example in examples), ""] if examples else []),
        "/timeline 话题：各次会议怎么说、何时说的（如 /timeline 高标准农田）",
        "/digest 文件编号，或回答下的“要点”：会议布置的要求、责任单位和时限",
        "/docs 已收录的会议文件 · /stats 收录统计",
    ]
    if _require_admin(update, context):
        lines.append("管理员：私聊发送 .txt/.md/.docx/.doc/.wps/.pdf/.jsonl 文件或 .png/.jpg 扫描页即可添加；/reindex 重建索引；/remove 文件编号 删除")
    await update.effective_message.reply_text(escape("\n".join(lines)), parse_mode=ParseMode.HTML)


def _docs_page(documents: list, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    page = min(page, max(0, len(documents) - 1) // DOCS_PAGE)  # a forged or outdated page number
    start = page * DOCS_PAGE
    shown = documents[start : start + DOCS_PAGE]
    lines = [f"共 {len(documents)} 份会议文件（第 {page + 1} 页）："]
    lines += [
        f"{start + i}. {escape(record.title[:40])}\n   {escape(display_date(record.date))} · {escape(record.place or '—')} · <code>{escape(record.id)}</code>"
        for i, record in enumerate(shown, start=1)
    ]
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton("上一页", callback_data=f"docs:{page - 1}"))
    if start + DOCS_PAGE < len(documents):
        buttons.append(InlineKeyboardButton("下一页", callback_data=f"docs:{page + 1}"))
    return "\n".join(lines), InlineKeyboardMarkup([buttons]) if buttons else None


async def cmd_docs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/docs — list the documents, paged."""
    documents = await asyncio.to_thread(_state(context).collection.documents)
    text, markup = _docs_page(documents, 0)
    await update.effective_message.reply_text(split_messages([text])[0], parse_mode=ParseMode.HTML, reply_markup=markup)


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats — how much is indexed."""
    documents = await asyncio.to_thread(_state(context).collection.documents)
    chunks = sum(record.chunk_count for record in documents)
    characters = sum(record.char_count for record in documents)
    await update.effective_message.reply_text(f"已收录 {len(documents)} 份文件，{chunks} 个段落，共 {characters} 字。")


# -- buttons -----------------------------------------------------------------


async def _on_live_message(query: CallbackQuery) -> bool:
    """Whether a pressed button's message can still be answered; if not, the press is told so."""
    if query.message is None or not query.message.is_accessible:  # an inline message, or deleted or over 48 hours old
        await query.answer("这个按钮已过期，请重新提问。", show_alert=True)
        return False
    return True


async def on_more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """更多: the next page of the chat's last answer, unless the conversation has moved on."""
    query = update.callback_query
    if not await _on_live_message(query):
        return
    version, page = context.match.groups()
    turns = await asyncio.to_thread(_state(context).history.turns, update.effective_chat.id)
    if not turns or fingerprint(turns) != version:
        await query.answer("这个按钮已过期，请重新提问。", show_alert=True)
        return
    await query.answer()
    await _send_answer(query.message, context, turns, page=int(page))


async def on_context(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """原文: a passage between its neighbouring paragraphs."""
    query = update.callback_query
    if not await _on_live_message(query):
        return
    doc_id, position = context.match[1], int(context.match[2])
    collection = _state(context).collection
    document = await asyncio.to_thread(collection.document, doc_id)
    chunks = await asyncio.to_thread(collection.neighbours, doc_id, position) if document else []
    if not document or not chunks:
        await query.answer("该文件已更新或删除，请重新提问。", show_alert=True)
        return
    _returned(len(chunks))
    await query.answer()
    await query.message.reply_text(context_html(document, chunks, position), parse_mode=ParseMode.HTML)


async def on_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """来源: a document's details and where else it was published."""
    query = update.callback_query
    if not await _on_live_message(query):
        return
    collection = _state(context).collection
    document = await asyncio.to_thread(collection.document, context.match[1])
    if not document:
        await query.answer("该文件已删除。", show_alert=True)
        return
    await query.answer()
    others = await asyncio.to_thread(collection.also_published, document.id)
    await query.message.reply_text(document_html(document, others), parse_mode=ParseMode.HTML, disable_web_page_preview=True)


async def on_docs_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A page of /docs, in place of the one shown."""
    query = update.callback_query
    if not await _on_live_message(query):
        return
    documents = await asyncio.to_thread(_state(context).collection.documents)
    text, markup = _docs_page(documents, int(context.match[1]))
    await query.answer()
    await query.edit_message_text(split_messages([text])[0], parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_timeline_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A page of a /timeline, in place of the one shown; its topic is kept in the chat's history."""
    query = update.callback_query
    if not await _on_live_message(query):
        return
    key, page = context.match.groups()
    state = _state(context)
    topic = await asyncio.to_thread(state.history.topic, update.effective_chat.id, key)
    if topic is None:
        await query.answer("这个按钮已过期，请重新发送 /timeline。", show_alert=True)
        return
    passages = await asyncio.to_thread(state.collection.timeline, topic)
    text, markup = _timeline_page(topic, key, passages, int(page))
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True)


async def on_digest_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """要点: the requirements of the passage's meeting, as /digest."""
    query = update.callback_query
    if not await _on_live_message(query):
        return
    await query.answer()  # at once: a digest may take a moment, and the button would spin
    if not await _send_digest(query.message, context, context.match[1]):
        await query.message.reply_text("该文件已删除，请重新提问。")


def _not_a_button(data: object) -> bool:
    """Whether a press carries data no button of the bot's does (forged, or from an older version).
    Its handler comes first: PTB hands a press without data to any handler with a pattern."""
    return not (isinstance(data, str) and CALLBACK.match(data))


async def on_invalid_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press of data no button of the bot's carries: acted on never."""
    await update.callback_query.answer("无效的按钮。")


# -- admin -------------------------------------------------------------------


async def cmd_reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex — rebuild the index in the background; questions keep being answered meanwhile."""
    if not _require_admin(update, context):
        await update.effective_message.reply_text("只有管理员可以重建索引。")
        return
    state = _state(context)
    if state.reindexing:
        await update.effective_message.reply_text("正在重建索引，请稍候。")
        return
    state.reindexing = True
    message = update.effective_message
    await message.reply_text("开始重建索引；期间仍可正常提问。")

    async def rebuild() -> None:
        try:
            report = await asyncio.to_thread(state.collection.rebuild)
        except BaseException as error:
            state.reindexing = False
            if not isinstance(error, Exception):  # cancelled at shutdown
                raise
            log.exception("re-index failed; the previous index stays live")
            await message.reply_text("重建失败，原索引仍在使用。详情见日志。")
            return
        state.reindexing = False  # before saying so: a /reindex sent on reading it starts a new one
        await message.reply_text(f"索引重建完成：{len(report.added)} 份文件，跳过 {len(report.skipped)} 份。")

    context.application.create_task(rebuild(), update=update)


async def cmd_remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove DOC_ID — delete a document."""
    if not _require_admin(update, context):
        await update.effective_message.reply_text("只有管理员可以删除文件。")
        return
    if not context.args:
        await update.effective_message.reply_text("用法：/remove 文件编号（见 /docs）")
        return
    removed = await asyncio.to_thread(_state(context).collection.remove, context.args[0])
    await update.effective_message.reply_text("已删除。" if removed else "没有这个编号的文件。")


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin sends a file: add it to the collection and say what happened."""
    message = update.effective_message
    if not _require_admin(update, context):
        await message.reply_text("只有管理员可以添加文件。")
        return
    document = message.document
    name = safe_name(document.file_name)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        await message.reply_text(unsupported(suffix, listing=True))
        return
    if document.file_size and document.file_size > MAX_UPLOAD_BYTES:
        await message.reply_text("文件超过 20 MB，Telegram 无法下载；请拆分后再发送。")
        return
    await _show_action(context, update.effective_chat.id, ChatAction.UPLOAD_DOCUMENT)
    telegram_file = await document.get_file()
    data = bytes(await telegram_file.download_as_bytearray())
    report = await asyncio.to_thread(_state(context).collection.add_file, name, data)
    lines = [f"已添加 {len(report.added)} 份，未变 {len(report.unchanged)} 份，跳过 {len(report.skipped)} 份。"]
    lines += [f"＋ {record.title[:40]}（{record.chunk_count} 段）" for record in report.added[:10]]
    lines += [f"✕ {error.name.rsplit('/', 1)[-1]}：{error.reason}" for error in report.skipped[:10]]
    await message.reply_text("\n".join(lines))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error and tell the user briefly."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text("抱歉，处理时出错了，请稍后再试。")
        except TelegramError:  # the failure may be Telegram itself
            log.warning("could not tell the user about the error")


async def _post_init(application: Application) -> None:
    """Show the command menu: admin commands only in the admins' private chats (Telegram's scopes)."""
    await application.bot.set_my_commands(COMMANDS)
    for admin in sorted(application.bot_data["state"].settings.admin_ids):
        try:
            await application.bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin))
        except BadRequest as error:  # "chat not found": the admin has not started a chat with the bot yet
            log.warning("could not show the admin commands to admin %d (%s); they work all the same", admin, error)


def build_application(settings: Settings, collection: Collection, history: ChatHistory) -> Application:
    """The Application with every handler registered; the caller starts it."""
    application = (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .rate_limiter(RetryingRateLimiter(settings.send_attempts, settings.retry_delay))
        .read_timeout(settings.request_timeout)
        .get_updates_read_timeout(settings.request_timeout)
        .concurrent_updates(True)
        .post_init(_post_init)
        .build()
    )
    application.bot_data["state"] = BotState(settings, collection, history)
    application.add_handler(TypeHandler(Update, check_access), group=-1)
    for name, callback in (
        ("start", cmd_start), ("help", cmd_help), ("ask", cmd_ask), ("new", cmd_new), ("docs", cmd_docs),
        ("timeline", cmd_timeline), ("digest", cmd_digest),
        ("stats", cmd_stats), ("reindex", cmd_reindex), ("remove", cmd_remove),
    ):
        application.add_handler(CommandHandler(name, _logged(f"/{name}", callback)))
    application.add_handler(CallbackQueryHandler(_logged("invalid button", on_invalid_button), pattern=_not_a_button))
    for pattern, asked, callback in (
        (MORE_BUTTON, "more button", on_more), (CONTEXT_BUTTON, "context button", on_context),
        (SOURCE_BUTTON, "source button", on_source), (DOCS_BUTTON, "docs page button", on_docs_page),
        (TIMELINE_BUTTON, "timeline page button", on_timeline_page), (DIGEST_BUTTON, "digest button", on_digest_button),
    ):
        application.add_handler(CallbackQueryHandler(_logged(asked, callback), pattern=pattern))
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL, _logged("file", on_document)))  # files in groups are for people
    text = filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & text, _logged("question", on_private_text)))
    application.add_handler(MessageHandler(filters.ChatType.GROUPS & text, _logged("question", on_group_text)))
    application.add_error_handler(on_error)
    quiet_transport(logging.getLogger().getEffectiveLevel())  # httpx logs each URL, and they hold the token
    return application


def run(settings: Settings) -> None:
    """Start the bot: long polling, or a webhook when WEBHOOK_URL is set. A Bot API that refuses the
    token or cannot be reached is found before anything else is opened (Unhealthy, one line)."""
    me = reach_bot_api(settings)
    collection = Collection(settings.db_path)
    collection.ensure_seeded()
    history = ChatHistory(settings.data_dir / "chats.db")
    application = build_application(settings, collection, history)
    threading.Thread(target=collection.warm_up, name="warm-up", daemon=True).start()  # while polling starts
    summary = collection.summary()
    log.info(
        "meeting-bot %s started as @%s (%s): catalogue %s, %d documents, %d passages, index generation %s",
        __version__, me.username, "webhook" if settings.webhook_url else "long polling", settings.db_path,
        summary.documents, summary.passages, summary.generation,
    )
    try:
        if settings.webhook_url:
            asyncio.run(serve_webhook(application, collection, settings))
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except TelegramError as error:  # say, the Bot API gone since getMe, or a WEBHOOK_URL Telegram refuses
        raise unhealthy(error, settings) from None
