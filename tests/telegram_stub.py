"""A Telegram Bot API stand-in served on 127.0.0.1, for driving the real Application over HTTP.

It implements the methods the bot uses (getMe, getUpdates, sendMessage, editMessageText,
answerCallbackQuery, sendChatAction, setMyCommands, getFile, file download, ...), queues
updates pushed by a test, and records every call so the test can assert on replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, unquote

from telegram.ext import Application

BOT_USER = {"id": 777, "is_bot": True, "first_name": "Meeting", "username": "meeting_test_bot"}


class BotApiStub:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.call_times: list[float] = []
        """``time.perf_counter()`` at which each of ``calls`` arrived."""
        self.delivered_at: dict[int, float] = {}
        """When each update was first handed to the bot by getUpdates, by update_id."""
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._condition = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
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

    def send_text(self, chat_id: int, user_id: int, text: str, chat_type: str = "private", **fields: Any) -> int:
        """Queue a text message; returns its update_id."""
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        return self._push({"message": self.message(chat_id, user_id, chat_type, text=text, entities=entities, **fields)})

    def press(self, chat_id: int, user_id: int, data: str) -> None:
        message = self.message(chat_id, BOT_USER["id"], text="answer")
        message["from"] = BOT_USER
        self._push({"callback_query": {
            "id": str(next(self._ids)), "chat_instance": "ci", "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}, "message": message,
        }})

    def send_document(self, chat_id: int, user_id: int, file_name: str, content: bytes) -> None:
        file_id = f"file{next(self._ids)}"
        self.files[file_id] = content
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name, "file_size": len(content)}
        self._push({"message": self.message(chat_id, user_id, document=document)})

    # -- what a test reads ------------------------------------------------------

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._condition:
            return [p for m, p in self.calls if m == method and (chat_id is None or str(p.get("chat_id")) == str(chat_id))]

    async def wait_for(self, count: int, method: str = "sendMessage", chat_id: int | None = None, timeout: float = 20) -> list[dict[str, Any]]:
        """Wait (without blocking the event loop the bot runs on) for ``count`` calls of ``method``."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.sent(method, chat_id)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} {method} calls, got {len(found)}: {found}")
            await asyncio.sleep(0.02)

    # -- the HTTP side --------------------------------------------------------------

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
            chat_id = int(params.get("chat_id") or 0)
            message = self.message(chat_id, BOT_USER["id"], text=params.get("text", ""))
            message["from"] = BOT_USER
            return message
        if method == "getFile":
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}
        return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

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
                    self._reply(401, json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode())
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
                result = stub._result(method, params)
                with stub._condition:
                    if method != "getUpdates":
                        stub.calls.append((method, params))
                        stub.call_times.append(time.perf_counter())
                    stub._condition.notify_all()
                self._reply(200, json.dumps({"ok": True, "result": result}).encode())

        return Handler


@contextlib.asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:
    """Run ``application`` with long polling (against the stand-in) for the duration of the block."""
    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
