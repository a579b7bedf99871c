"""A Telegram Bot API stand-in served on 127.0.0.1, for driving the real Application over HTTP.

It implements the methods the bot uses (getMe, getUpdates, sendMessage, editMessageText,
answerCallbackQuery, sendChatAction, setMyCommands, getFile, file download, ...), queues
updates pushed by a test, and records every call so the test can assert on replies.

It can also misbehave the ways Telegram and the network do (``fail``): flood control (429
with ``retry_after``), server errors (5xx), a request that hangs past the client's timeout,
one answered only after the client gave up, and a connection dropped without a response.
A call counts in ``calls`` only when the stand-in carried it out, as Telegram would.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

from telegram.ext import Application

BOT_USER = {"id": 777, "is_bot": True, "first_name": "Meeting", "username": "meeting_test_bot"}
MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")

FaultKind = Literal["retry_after", "server_error", "timeout", "late", "drop"]
"""How a request fails: ``timeout`` hangs and is never carried out; ``late`` is carried out
but answered only after ``delay`` (when the client has given up); ``drop`` closes the
connection without a response, unprocessed."""


@dataclasses.dataclass
class Fault:
    """One way a method fails, for a number of calls or until a moment (an outage)."""

    kind: FaultKind
    calls: int | None
    until: float | None
    """``time.perf_counter()`` at which the outage ends."""
    retry_after: int
    delay: float

    def active(self, now: float) -> bool:
        return self.calls > 0 if self.calls is not None else now < (self.until or 0)


@dataclasses.dataclass(frozen=True)
class Attempt:
    """One request as it arrived: its method, what the stand-in did with it, and when."""

    method: str
    outcome: FaultKind | Literal["ok"]
    at: float


def _utf16_length(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram's clients attach: a leading /command, and @mentions."""
    entities = []
    if text.startswith("/"):
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_length(text.split()[0])})
    for match in MENTION.finditer(text):
        entities.append({"type": "mention", "offset": _utf16_length(text[: match.start()]), "length": _utf16_length(match[0])})
    return entities


class _Server(ThreadingHTTPServer):
    """The stand-in's HTTP server, with a listen backlog like a real one's: the default of 5 overflows when
    a dozen chats and the long poll connect at once on a busy machine, and the poll then fails to read."""

    request_queue_size = 128


class BotApiStub:
    def __init__(self, token: str, unknown_chats: frozenset[int] = frozenset()) -> None:
        self.token = token
        self.unknown_chats = unknown_chats
        """Chats Telegram answers "chat not found" for (a user who never started the bot)."""
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.call_times: list[float] = []
        """``time.perf_counter()`` at which each of ``calls`` arrived."""
        self.attempts: list[Attempt] = []
        """Every request (getUpdates included), failed or not, in order of arrival."""
        self.delivered_at: dict[int, float] = {}
        """When each update was first handed to the bot by getUpdates, by update_id."""
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, Fault] = {}
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._condition = threading.Condition()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/file/bot"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()  # releases requests held by a ``timeout`` or ``late`` fault
        self._server.shutdown()
        self._server.server_close()

    # -- what a test pushes ---------------------------------------------------

    def _push(self, update: dict[str, Any]) -> int:
        with self._condition:
            update_id = next(self._ids)
            self.updates.append({"update_id": update_id, **update})
            self._condition.notify_all()
        return update_id

    def message(self, chat_id: int, user_id: int, chat_type: str = "private", **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type, **({"title": "group"} if chat_type != "private" else {})},
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
            **fields,
        }

    def bot_message(self, chat_id: int, text: str, chat_type: str = "private") -> dict[str, Any]:
        """A message as the bot sent it (to reply to, or to carry buttons)."""
        return {**self.message(chat_id, BOT_USER["id"], chat_type, text=text), "from": BOT_USER}

    def send_text(self, chat_id: int, user_id: int, text: str, chat_type: str = "private", **fields: Any) -> int:
        """Queue a text message; returns its update_id."""
        return self._push({"message": self.message(chat_id, user_id, chat_type, text=text, entities=_entities(text), **fields)})

    def press(self, chat_id: int, user_id: int, data: str, chat_type: str = "private", accessible: bool = True) -> int:
        """Queue a button press on a message of the bot's; an inaccessible one is older than Telegram keeps."""
        message = self.bot_message(chat_id, "answer", chat_type)
        if not accessible:
            message = {"chat": message["chat"], "message_id": message["message_id"], "date": 0}
        return self._push({"callback_query": {
            "id": str(next(self._ids)), "chat_instance": "ci", "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}, "message": message,
        }})

    def send_document(self, chat_id: int, user_id: int, file_name: str, content: bytes, chat_type: str = "private") -> int:
        file_id = f"file{next(self._ids)}"
        self.files[file_id] = content
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name, "file_size": len(content)}
        return self._push({"message": self.message(chat_id, user_id, chat_type, document=document)})

    def fail(
        self, method: str, kind: FaultKind, *, calls: int | None = None, seconds: float | None = None,
        retry_after: int = 1, delay: float = 2.0,
    ) -> Fault:
        """Make ``method`` fail the next ``calls`` times, or for ``seconds`` from now (an outage)."""
        if (calls is None) == (seconds is None):
            raise ValueError("give either calls or seconds")
        until = time.perf_counter() + seconds if seconds is not None else None
        fault = Fault(kind, calls, until, retry_after, delay)
        with self._condition:
            self.faults[method] = fault
        return fault

    # -- what a test reads ------------------------------------------------------

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._condition:
            return [p for m, p in self.calls if m == method and (chat_id is None or str(p.get("chat_id")) == str(chat_id))]

    def tried(self, method: str = "sendMessage", outcome: str | None = None) -> list[Attempt]:
        """Requests for ``method`` (with that ``outcome``, when given), failed ones included."""
        with self._condition:
            return [a for a in self.attempts if a.method == method and (outcome is None or a.outcome == outcome)]

    async def wait_for(self, count: int, method: str = "sendMessage", chat_id: int | None = None, timeout: float = 20) -> list[dict[str, Any]]:
        """Wait (without blocking the event loop the bot runs on) for ``count`` calls of ``method``."""
        return await self._wait(lambda: self.sent(method, chat_id), count, timeout, f"{method} calls")

    async def wait_for_attempts(self, count: int, method: str, outcome: str | None = None, timeout: float = 20) -> list[Attempt]:
        """Wait for ``count`` requests for ``method`` (with ``outcome``), e.g. to know an outage has begun."""
        return await self._wait(lambda: self.tried(method, outcome), count, timeout, f"{method} requests ({outcome or 'any'})")

    @staticmethod
    async def _wait(found: Callable[[], list[Any]], count: int, timeout: float, what: str) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            items = found()
            if len(items) >= count:
                return items
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} {what}, got {len(items)}: {items}")
            await asyncio.sleep(0.02)

    # -- the HTTP side --------------------------------------------------------------

    def _take_fault(self, method: str) -> Fault | None:
        """The fault this request meets, if any, with the request noted in ``attempts``."""
        with self._condition:
            now = time.perf_counter()
            fault = self.faults.get(method)
            if fault is not None and not fault.active(now):
                fault = None
            if fault is not None and fault.calls is not None:
                fault.calls -= 1
            self.attempts.append(Attempt(method, fault.kind if fault else "ok", now))
            return fault

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            with self._condition:
                while True:
                    pending = [u for u in self.updates if u["update_id"] >= offset]
                    if pending or time.monotonic() >= deadline:
                        now = time.perf_counter()
                        for update in pending:
                            self.delivered_at.setdefault(update["update_id"], now)
                        return pending
                    self._condition.wait(0.05)
        if method in {"sendMessage", "editMessageText"}:
            return self.bot_message(int(params.get("chat_id") or 0), params.get("text", ""))
        if method == "getFile":
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}
        return True

    def _carry_out(self, method: str, params: dict[str, Any]) -> Any:
        result = self._result(method, params)
        with self._condition:
            if method != "getUpdates":
                self.calls.append((method, params))
                self.call_times.append(time.perf_counter())
            self._condition.notify_all()
        return result

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                with contextlib.suppress(ConnectionError):  # the client gave up: a cancelled long poll, a ``late`` fault
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def _error(self, status: int, description: str, **parameters: Any) -> None:
                body = {"ok": False, "error_code": status, "description": description}
                self._reply(status, json.dumps(body | ({"parameters": parameters} if parameters else {})).encode())

            def do_GET(self) -> None:
                prefix = f"/file/bot{stub.token}/documents/"
                path = unquote(self.path)
                if path.startswith(prefix) and path[len(prefix):] in stub.files:
                    self._reply(200, stub.files[path[len(prefix):]], "application/octet-stream")
                else:
                    self._reply(404, f"not found {self.path}".encode(), "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                prefix = f"/bot{stub.token}/"
                if not self.path.startswith(prefix):
                    self._error(401, "Unauthorized")
                    return
                method = self.path[len(prefix):]
                if raw.startswith("{"):
                    params = json.loads(raw)
                else:
                    params = {}
                    for key, value in parse_qsl(raw, keep_blank_values=True):
                        try:
                            params[key] = json.loads(value) if value[:1] in "[{" else value
                        except ValueError:
                            params[key] = value
                scope = params.get("scope")
                if isinstance(scope, dict) and scope.get("chat_id") in stub.unknown_chats:
                    self._error(400, "Bad Request: chat not found")
                    return
                fault = stub._take_fault(method)
                kind = fault.kind if fault else "ok"
                if fault and kind in {"timeout", "late"}:
                    stub._stopping.wait(fault.delay)
                if fault and kind == "retry_after":
                    self._error(429, f"Too Many Requests: retry after {fault.retry_after}", retry_after=fault.retry_after)
                elif kind == "server_error":
                    self._error(500, "Internal Server Error")
                elif kind in {"timeout", "drop"}:
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                else:
                    self._reply(200, json.dumps({"ok": True, "result": stub._carry_out(method, params)}).encode())

        return Handler


@contextlib.asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:
    """Run ``application`` with long polling (against the stand-in) for the duration of the block.

    Leaving the block waits for every update already fetched to be fully handled, so a test
    can count replies afterwards knowing that none is still on its way.
    """
    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
