"""Is the bot able to serve? The Bot API probe a start makes, and ``meeting-bot check`` for a supervisor.

Each failure is one line saying what to check, in Chinese, with no traceback and never the token;
the network library's or Telegram's own (English) words go to the log at INFO.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from urllib.parse import urlsplit

from telegram import Bot, User
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.logs import redact
from index.collection import Summary, inspect

log = logging.getLogger(__name__)


class Unhealthy(Exception):
    """Something the bot needs is missing or broken; the message is one line for the admin."""


async def _get_me(settings: Settings) -> User:
    timeout = settings.request_timeout
    request = HTTPXRequest(connect_timeout=timeout, read_timeout=timeout, write_timeout=timeout, pool_timeout=timeout)
    bot = Bot(settings.require_token(), base_url=settings.base_url, base_file_url=settings.base_file_url, request=request)
    async with bot:  # initialize() calls getMe
        return bot.bot


def reach_bot_api(settings: Settings) -> User:
    """The bot's own user as getMe gives it, or Unhealthy saying why the Bot API did not answer."""
    try:
        return asyncio.run(_get_me(settings))
    except TelegramError as error:
        raise unhealthy(error, settings) from None


def unhealthy(error: TelegramError, settings: Settings) -> Unhealthy:
    """What a Bot API failure means for the admin, in one line without the token."""
    if isinstance(error, InvalidToken):  # 401 or 404; PTB's message holds the token, so it is not repeated
        return Unhealthy("Telegram 拒绝了 TELEGRAM_BOT_TOKEN（无效或已被撤销）；请向 @BotFather 核对令牌后写入 .env")
    log.info("Bot API: %s: %s", type(error).__name__, redact(str(error)))
    if isinstance(error, NetworkError):  # also TimedOut
        host = urlsplit(settings.base_url).netloc or settings.base_url
        timed_out = "，超时" if isinstance(error, TimedOut) else ""
        return Unhealthy(f"连不上 Bot API（{host}{timed_out}）；请检查网络、代理和 TELEGRAM_BASE_URL（加 -v 可看原因）")
    return Unhealthy("Bot API 拒绝了请求（加 -v 可看原因）")


def catalogue_state(db_path: Path) -> Summary:
    """The catalogue's summary if it exists and its index opens and agrees with it; else Unhealthy."""
    if not db_path.is_file():
        raise Unhealthy(f"没有目录文件 {db_path}；先用 meeting-bot index 添加文件，或运行一次 meeting-bot run")
    summary = inspect(db_path)
    if summary.generation is None or summary.indexed is None:
        raise Unhealthy(f"{db_path} 的搜索索引打不开；下次启动会从目录重建，或运行 meeting-bot index --rebuild")
    if not summary.in_step:
        raise Unhealthy(
            f"搜索索引有 {summary.indexed} 个段落，目录有 {summary.passages} 个，二者不一致；"
            "下次启动会自动重建，或运行 meeting-bot index --rebuild"
        )
    return summary


def check(settings: Settings, db_path: Path) -> str:
    """One line saying all is well, or Unhealthy (or ConfigError, CatalogueError) saying what is not."""
    settings.require_token()
    summary = catalogue_state(db_path)
    me = reach_bot_api(settings)
    return (
        f"正常：{summary.documents} 份文件，{summary.passages} 个段落，索引 {summary.generation}；"
        f"Bot API 已应答（@{me.username}）"
    )
