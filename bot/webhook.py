"""Webhook mode: the Application fed by our own small web server, which also answers ``/healthz``.

The shape of python-telegram-bot's ``customwebhookbot`` example (Starlette and uvicorn):
PTB's built-in webhook server has no room for a health route, and needs tornado besides.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import signal
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.logs import hide
from index.collection import Collection

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_secret(token: str) -> str:
    """The secret Telegram sends with each update (and the path it posts to): derived from the
    token, so it stays the same across restarts without being the token."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


class _Server(uvicorn.Server):
    """uvicorn's server, stopped by SIGINT or SIGTERM like uvicorn's own, but without raising the signal
    again once stopped (uvicorn does, to end the process): the Application has yet to stop cleanly."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def web_app(application: Application, collection: Collection, secret: str) -> Starlette:
    """Updates posted to ``/<secret>`` go to the Application; ``GET /healthz`` says whether it serves."""

    async def receive_update(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            return Response(status_code=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, TypeError, KeyError):
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response()

    async def healthz(_: Request) -> Response:
        if not application.running:
            return JSONResponse({"status": "stopped"}, status_code=503)
        summary = await asyncio.to_thread(collection.summary)
        body = {"status": "ok" if summary.in_step else "index out of step", "documents": summary.documents,
                "passages": summary.passages, "generation": summary.generation}
        return JSONResponse(body, status_code=200 if summary.in_step else 503)

    return Starlette(routes=[
        Route(f"/{secret}", receive_update, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])


async def serve_webhook(application: Application, collection: Collection, settings: Settings) -> None:
    """Register the webhook with Telegram and serve until SIGINT or SIGTERM."""
    secret = webhook_secret(settings.require_token())
    hide(secret)
    server = _Server(uvicorn.Config(
        web_app(application, collection, secret), host=settings.webhook_listen, port=settings.webhook_port,
        log_config=None, access_log=False, lifespan="off",  # our logging; no line per request (the path is the secret)
    ))
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.bot.set_webhook(
            url=f"{settings.webhook_url.rstrip('/')}/{secret}", secret_token=secret, allowed_updates=Update.ALL_TYPES,
        )
        await application.start()
        try:
            await server.serve()
        finally:
            await application.stop()
