"""Telegram HTML: escaping of document text and splitting under the 4096-character limit."""

from __future__ import annotations

from bot.telegram_format import MESSAGE_LIMIT, passage_html, split_messages
from index.search import Passage


def _passage(text: str) -> Passage:
    return Passage(
        doc_id="d1", title="<b>标题</b> & 会议", date="2023-06-04", place="某县", source_url="http://x.example/a?b=1&c=2",
        paragraph=3, position=2, text=text, heading="", speakers=(), score=1.0, coverage=1.0, highlights=[(0, 2)],
    )


def test_document_text_is_escaped_and_highlights_bold() -> None:
    html = passage_html(1, _passage("农田<script>&*_markdown_*"))
    assert "<b>农田</b>" in html
    assert "&lt;script&gt;&amp;*_markdown_*" in html
    assert "&lt;b&gt;标题&lt;/b&gt; &amp; 会议" in html
    assert 'href="http://x.example/a?b=1&amp;c=2"' in html


def test_long_answers_split_between_blocks_under_the_limit() -> None:
    blocks = [f"第{i}段" + "农" * 1500 for i in range(6)]
    messages = split_messages(blocks)
    assert all(len(message) <= MESSAGE_LIMIT for message in messages)
    assert "".join(messages).replace("\n", "") == "".join(blocks)
    oversized = split_messages(["行\n" * 5000])
    assert all(len(message) <= MESSAGE_LIMIT for message in oversized) and len(oversized) > 1
