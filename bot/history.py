"""Per-chat conversation history, persisted in SQLite so follow-ups survive a restart.

Bounded twice: only the last ``MAX_TURNS`` turns are kept, and turns older than
``MAX_AGE`` no longer count as context (a question asked the next day starts afresh).
The chat's last ``MAX_TOPICS`` timeline topics are kept too, for their messages' page
buttons, which carry only a key of the topic (a topic need not fit in 64 bytes of button data).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path

MAX_TURNS = 6
MAX_AGE_SECONDS = 2 * 60 * 60
MAX_TOPICS = 50
"""Timeline topics kept per chat: the buttons of older timeline messages answer that they are stale."""


def fingerprint(texts: list[str]) -> str:
    """A short key of a conversation or a topic, for button data: a button whose key no longer
    matches what the chat holds is stale."""
    return hashlib.sha1("\x1f".join(texts).encode()).hexdigest()[:8]


class ChatHistory:
    """Recent questions of each chat."""

    def __init__(self, path: Path, max_turns: int = MAX_TURNS, max_age: float = MAX_AGE_SECONDS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(
            "create table if not exists turns (chat_id integer, at real, text text)"
        )
        self._connection.execute("create index if not exists turns_chat on turns (chat_id, at)")
        self._connection.execute("create index if not exists turns_at on turns (at)")
        self._connection.execute(
            "create table if not exists topics (chat_id integer, key text, topic text, at real, primary key (chat_id, key))"
        )
        self._lock = threading.Lock()
        self.max_turns = max_turns
        self.max_age = max_age

    def turns(self, chat_id: int) -> list[str]:
        """The chat's recent turns, oldest first."""
        with self._lock:
            return self._recent(chat_id)

    def _recent(self, chat_id: int) -> list[str]:
        rows = self._connection.execute(
            "select text from turns where chat_id = ? and at >= ? order by at desc, rowid desc limit ?",
            (chat_id, time.time() - self.max_age, self.max_turns),
        ).fetchall()
        return [row[0] for row in reversed(rows)]

    def add(self, chat_id: int, text: str) -> list[str]:
        """Record a turn, forget what falls outside the bounds, and return the turns up to this one.

        One step under the lock, so two questions arriving together each get their own
        conversation: the first never ends with the second.
        """
        with self._lock:
            now = time.time()  # taken under the lock, so turns are stored in the order they are numbered
            self._connection.execute("insert into turns values (?, ?, ?)", (chat_id, now, text))
            self._connection.execute("delete from turns where at < ?", (now - self.max_age,))  # every chat's: quiet ones too
            self._connection.execute(
                "delete from turns where chat_id = ? and rowid not in "
                "(select rowid from turns where chat_id = ? order by at desc, rowid desc limit ?)",
                (chat_id, chat_id, self.max_turns),
            )
            return self._recent(chat_id)

    def clear(self, chat_id: int) -> None:
        with self._lock:
            self._connection.execute("delete from turns where chat_id = ?", (chat_id,))

    def remember_topic(self, chat_id: int, topic: str) -> str:
        """Keep a timeline topic of the chat (forgetting its oldest beyond ``MAX_TOPICS``); returns its key."""
        key = fingerprint([topic])
        with self._lock:
            self._connection.execute("insert or replace into topics values (?, ?, ?, ?)", (chat_id, key, topic, time.time()))
            self._connection.execute(
                "delete from topics where chat_id = ? and key not in "
                "(select key from topics where chat_id = ? order by at desc, rowid desc limit ?)",
                (chat_id, chat_id, MAX_TOPICS),
            )
        return key

    def topic(self, chat_id: int, key: str) -> str | None:
        """The chat's timeline topic with ``key``, if it is still kept."""
        with self._lock:
            row = self._connection.execute("select topic from topics where chat_id = ? and key = ?", (chat_id, key)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self._connection.close()
