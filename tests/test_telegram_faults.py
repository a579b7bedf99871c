"""Telegram misbehaving: flood control, server errors, timeouts, dropped connections, outages.

The real Application against the stand-in made to fail (``BotApiStub.fail``). Replies are
counted after the bot has stopped, when every update it fetched has been handled in full,
so "exactly once" also means that no duplicate is still on its way.
"""

from __future__ import annotations

import itertools
import logging
import time
from pathlib import Path

import pytest
from telegram.error import NetworkError

from tests.telegram_stub import Attempt, BotApiStub, FaultKind
from tests.test_bot_e2e import USER, _start

TIMEOUT = 0.75
RETRY_DELAY = 0.1
ATTEMPTS = 3
QUICK = {"request_timeout": TIMEOUT, "send_attempts": ATTEMPTS, "retry_delay": RETRY_DELAY}
"""Short timeouts and waits, so a test sees several retries within a second or two."""
HELD = 2.5
"""How long a ``timeout`` or ``late`` fault holds a request: past even getUpdates' timeout
(``TIMEOUT`` plus the one-second long poll)."""
QUESTION = "河道清淤有什么要求"


def _outcomes(attempts: list[Attempt]) -> list[str]:
    return [attempt.outcome for attempt in attempts]


def _answered_at(stub: BotApiStub, chat_id: int) -> list[float]:
    """When the stand-in carried out each sendMessage to ``chat_id``."""
    return [at for (method, params), at in zip(stub.calls, stub.call_times)
            if method == "sendMessage" and str(params.get("chat_id")) == str(chat_id)]


# -- a reply that fails, then goes through ------------------------------------------

MIN_GAPS: dict[str, tuple[float, float]] = {
    "retry_after": (1.0, 1.0),  # Telegram's retry_after, waited out by PTB's AIORateLimiter
    "server_error": (RETRY_DELAY, 2 * RETRY_DELAY),  # the bot's own backoff, doubling
    "drop": (RETRY_DELAY, 2 * RETRY_DELAY),
    "timeout": (TIMEOUT, TIMEOUT + RETRY_DELAY),  # the client's timeout, then the backoff, less one backoff
}
"""Least time between attempts. A held request's arrival is noted when the stand-in's handler runs, which a
loaded machine delays by up to a backoff, so the gap after one that timed out is measured one backoff short."""


@pytest.mark.parametrize("kind", list(MIN_GAPS))
async def test_failed_reply_is_retried_with_backoff_and_sent_once(tmp_path: Path, kind: FaultKind) -> None:
    """sendMessage fails twice (429, 5xx, a hang, a dropped connection); the third try carries the answer."""
    async for bot in _start(tmp_path, **QUICK):
        bot.stub.fail("sendMessage", kind, calls=2, delay=HELD)
        bot.stub.send_text(10, USER, QUESTION)
        await bot.stub.wait_for(1, chat_id=10)
    [reply] = bot.stub.sent(chat_id=10)
    assert "河道清淤" in reply["text"]
    assert bot.history.turns(10) == [QUESTION], "the question is one turn, however often its reply was sent"
    attempts = bot.stub.tried("sendMessage")
    assert _outcomes(attempts) == [kind, kind, "ok"]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(attempts)]
    assert all(gap >= least for gap, least in zip(gaps, MIN_GAPS[kind])), gaps


async def test_reply_that_timed_out_after_telegram_sent_it_arrives_twice(tmp_path: Path) -> None:
    """The double-send risk, as the bot has it: Telegram carried the message out but answered only
    after the client's timeout, so the bot sent it again and the user sees the answer twice.
    Accepted by design (replies are sent at least once): a duplicate does less harm than a lost answer."""
    async for bot in _start(tmp_path, **QUICK):
        bot.stub.fail("sendMessage", "late", calls=1, delay=HELD)
        bot.stub.send_text(10, USER, QUESTION)
        await bot.stub.wait_for(2, chat_id=10)
    retried, late = bot.stub.sent(chat_id=10)
    assert retried == late and "河道清淤" in late["text"]
    assert _outcomes(bot.stub.tried("sendMessage")) == ["late", "ok"]
    assert bot.history.turns(10) == [QUESTION]


async def test_reply_during_a_brief_outage_goes_out_once_it_ends(tmp_path: Path) -> None:
    """Telegram answers 5xx for a second; the backoff (0.2, 0.4, 0.8 s …) outlasts it."""
    async for bot in _start(tmp_path, request_timeout=TIMEOUT, send_attempts=5, retry_delay=0.2):
        outage = bot.stub.fail("sendMessage", "server_error", seconds=1.0)
        bot.stub.send_text(10, USER, QUESTION)
        await bot.stub.wait_for(1, chat_id=10)
    assert len(bot.stub.sent(chat_id=10)) == 1
    outcomes = _outcomes(bot.stub.tried("sendMessage"))
    assert outcomes[-1] == "ok" and outcomes[:-1] and set(outcomes[:-1]) == {"server_error"}
    assert _answered_at(bot.stub, 10)[0] >= outage.until


async def test_typing_indicator_that_cannot_be_shown_does_not_cost_the_answer(tmp_path: Path) -> None:
    async for bot in _start(tmp_path, **QUICK):
        bot.stub.fail("sendChatAction", "server_error", calls=ATTEMPTS)
        bot.stub.send_text(10, USER, QUESTION)
        await bot.stub.wait_for(1, chat_id=10)
    assert len(bot.stub.sent(chat_id=10)) == 1
    assert not bot.stub.sent("sendChatAction") and len(bot.stub.tried("sendChatAction")) == ATTEMPTS


# -- a reply that fails for good ------------------------------------------------------


@pytest.mark.parametrize("apology_fails", [False, True], ids=["user-told", "user-not-told"])
async def test_reply_failing_every_try_is_logged_and_later_questions_are_answered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, apology_fails: bool
) -> None:
    """Every try of the answer fails: the error is logged, the user told if Telegram lets the
    apology through, and the bot answers the next question as usual."""
    failing = ATTEMPTS * (2 if apology_fails else 1)
    delivered = 1 if apology_fails else 2
    async for bot in _start(tmp_path, **QUICK):
        bot.stub.fail("sendMessage", "server_error", calls=failing)
        bot.stub.send_text(10, USER, QUESTION)
        await bot.stub.wait_for_attempts(failing, "sendMessage", "server_error")
        bot.stub.send_text(10, USER, "秋粮收购有什么要求")
        await bot.stub.wait_for(delivered, chat_id=10)
    *apology, answer = bot.stub.sent(chat_id=10)
    assert "秋粮收购" in answer["text"]
    assert [message["text"] for message in apology] == ([] if apology_fails else ["抱歉，处理时出错了，请稍后再试。"])
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR and record.name == "bot.app"]
    assert error.exc_info and isinstance(error.exc_info[1], NetworkError)
    retries = [record for record in caplog.records if record.levelno == logging.WARNING and "sendMessage failed" in record.getMessage()]
    assert len(retries) == (ATTEMPTS - 1) * (2 if apology_fails else 1)
    assert any("could not tell the user" in record.getMessage() for record in caplog.records) == apology_fails


# -- polling -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["server_error", "retry_after", "timeout", "late", "drop"])
async def test_questions_asked_during_a_polling_outage_are_answered_once_afterwards(tmp_path: Path, kind: FaultKind) -> None:
    """getUpdates fails for two seconds; PTB's polling loop retries, and the questions sent
    meanwhile are each answered once. A late getUpdates answer (after the client gave up) is
    fetched again with the same offset, not handled twice."""
    questions = {20: QUESTION, 21: "秋粮收购有什么要求", 22: "堤防加固"}
    async for bot in _start(tmp_path, **QUICK):
        outage = bot.stub.fail("getUpdates", kind, seconds=2.0, delay=HELD)
        await bot.stub.wait_for_attempts(1, "getUpdates", kind)
        for chat_id, question in questions.items():
            bot.stub.send_text(chat_id, chat_id, question)
        assert time.perf_counter() < outage.until, "the questions were sent during the outage"
        for chat_id in questions:
            await bot.stub.wait_for(1, chat_id=chat_id, timeout=30)
    for chat_id, question in questions.items():
        assert len(bot.stub.sent(chat_id=chat_id)) == 1
        assert bot.history.turns(chat_id) == [question]
        assert _answered_at(bot.stub, chat_id)[0] >= outage.until
