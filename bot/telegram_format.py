"""Telegram HTML for answers, passages in context and document details.

Every piece of document or user text goes through ``html.escape``; only the tags
written here (<b>, <i>, <a>) reach Telegram unescaped. Long replies are split
between passages so no message exceeds Telegram's 4096-character limit.
"""

from __future__ import annotations

import re
from html import escape

from bot.render import display_date, excerpt, mark, meeting_line, nothing_found_lines, source_line
from index.collection import Answer
from index.search import Passage
from index.store import ChunkRecord, DocumentRecord

MESSAGE_LIMIT = 4096


def _link(url: str) -> str:
    return f'<a href="{escape(url, quote=True)}">原文链接</a>' if re.match(r"https?://", url) else escape(url)


def passage_html(number: int, passage: Passage) -> str:
    text, spans = excerpt(passage)
    lines = [
        f"<b>{number}. {escape(passage.title)}</b>",
        f"<i>{escape(source_line(passage))}</i>",
        mark(text, spans, wrap=lambda s: f"<b>{s}</b>", escape=escape),
    ]
    if passage.source_url:
        lines.append(_link(passage.source_url))
    return "\n".join(lines)


def answer_messages(answer: Answer, first_number: int = 1) -> list[str]:
    """The answer as one or more HTML messages, each under the Telegram limit."""
    blocks = [passage_html(first_number + i, passage) for i, passage in enumerate(answer.passages)]
    if answer.meeting:
        blocks.insert(0, escape(meeting_line(answer.meeting)))
    return split_messages(blocks)


def split_messages(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack blocks into messages of at most ``limit`` characters, never splitting inside a block
    unless one block alone is too long (then it is cut at a line end)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        while len(block) > limit:
            cut = block.rfind("\n", 0, limit)
            cut = cut if cut > 0 else limit
            messages.append(block[:cut])
            block = block[cut:].lstrip("\n")
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def nothing_found_html(question: str, documents: list[DocumentRecord], points: list[str]) -> str:
    return "\n".join(escape(line) for line in nothing_found_lines(question, documents, points)) + "\n可以换个说法再问。"


def context_html(document: DocumentRecord, chunks: list[ChunkRecord], position: int) -> str:
    lines = [f"<b>{escape(document.title)}</b>", f"<i>{escape(display_date(document.date))}</i>", ""]
    for chunk in chunks:
        text = escape(chunk.text)
        lines.append(f"<b>▶ 第{chunk.paragraph}段</b>\n{text}" if chunk.position == position else f"第{chunk.paragraph}段\n{text}")
        lines.append("")
    return split_messages(["\n".join(lines).strip()])[0]


def document_html(document: DocumentRecord) -> str:
    lines = [
        f"<b>{escape(document.title)}</b>",
        f"日期：{escape(display_date(document.date))}",
        f"发布/地点：{escape(document.place or '未注明')}",
    ]
    if document.speakers:
        speakers = "；".join(f"{escape(name)}（第{'、'.join(map(str, paragraphs))}段）" for name, paragraphs in document.speakers.items())
        lines.append(f"发言人：{speakers}")
    lines.append(f"段落：{document.chunk_count} 段 · {document.char_count} 字")
    lines.append(f"编号：<code>{escape(document.id)}</code>")
    if document.source_url:
        lines.append(_link(document.source_url))
    return "\n".join(lines)
