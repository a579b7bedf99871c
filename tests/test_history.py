"""Chat history: bounded, persistent, and one consistent snapshot per question."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.history import MAX_TOPICS, ChatHistory


def test_add_returns_the_conversation_up_to_that_turn(tmp_path: Path) -> None:
    history = ChatHistory(tmp_path / "chats.db", max_turns=3)
    assert history.add(1, "问一") == ["问一"]
    assert history.add(1, "问二") == ["问一", "问二"]
    assert history.add(2, "别的群") == ["别的群"]
    history.add(1, "问三")
    assert history.add(1, "问四") == ["问二", "问三", "问四"]
    history.close()


def test_concurrent_questions_each_end_with_their_own_turn(tmp_path: Path) -> None:
    history = ChatHistory(tmp_path / "chats.db", max_turns=50)
    seen: dict[str, list[str]] = {}

    def ask(text: str) -> None:
        seen[text] = history.add(7, text)

    threads = [threading.Thread(target=ask, args=(f"问题{n}",)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(turns[-1] == text for text, turns in seen.items())
    history.close()


def test_history_survives_reopening(tmp_path: Path) -> None:
    ChatHistory(tmp_path / "chats.db").add(1, "会议对高标准农田提出了什么要求")
    reopened = ChatHistory(tmp_path / "chats.db")
    assert reopened.turns(1) == ["会议对高标准农田提出了什么要求"]
    reopened.close()


def test_timeline_topics_are_kept_by_key_across_a_restart_and_bounded(tmp_path: Path) -> None:
    history = ChatHistory(tmp_path / "chats.db")
    keys = [history.remember_topic(1, f"话题{n}") for n in range(MAX_TOPICS + 1)]
    history.close()
    reopened = ChatHistory(tmp_path / "chats.db")
    assert reopened.topic(1, keys[-1]) == f"话题{MAX_TOPICS}"
    assert reopened.topic(1, keys[1]) == "话题1"
    assert reopened.topic(1, keys[0]) is None, "the oldest beyond the bound is forgotten"
    assert reopened.topic(2, keys[-1]) is None, "another chat's topics are not this chat's"
    reopened.close()
