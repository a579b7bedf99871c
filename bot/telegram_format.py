"""Telegram HTML for answers, passages in context and document details.

Every piece of document or user text goes through ``html.escape``; only the tags
written here (<b>, <i>, <a>) reach Telegram unescaped. Long replies are split
between passages so no message exceeds Telegram's 4096-character limit, which it
counts in UTF-16 units (an emoji is two).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from bot.render import (
    also_at_summary,
    digest_heading,
    display_date,
    excerpt,
    mark,
    meeting_line,
    no_requirements_line,
    unanswered_lines,
    requirement_line,
    scope_line,
    section_label,
    source_line,
    timeline_entry,
    timeline_heading,
)
from index.answer import Answer
from index.digest import DigestSection
from index.search import Passage
from index.store import ChunkRecord, DocumentRecord

MESSAGE_LIMIT = 4096
_TAG = re.compile(r"<(/?)[a-z]+[^>]*>")


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
    if passage.also_at:
        lines.append(_also_at_html(passage.also_at))
    return "\n".join(lines)


def _copy_html(title: str, url: str | None) -> str:
    """A copy of a report: its title linked, or marked as having no link."""
    if url and re.match(r"https?://", url):
        return f'<a href="{escape(url, quote=True)}">{escape(title)}</a>'
    return escape(f"《{title}》（未附链接）")


def _also_at_html(copies: Sequence[tuple[str, str | None]]) -> str:
    """Where else a report was published (``render.also_at_summary``), each copy escaped."""
    return also_at_summary(copies, _copy_html)


def answer_messages(answer: Answer, first_number: int = 1) -> list[str]:
    """The answer as one or more HTML messages, each under the Telegram limit."""
    blocks = [passage_html(first_number + i, passage) for i, passage in enumerate(answer.passages)]
    if answer.meeting:
        blocks.insert(0, escape(meeting_line(answer.meeting)))
    if answer.scope:
        blocks.insert(0, f"<i>{escape(scope_line(answer.scope))}</i>")
    return split_messages(blocks)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def _fitting(text: str, limit: int) -> int:
    """How many leading characters of ``text`` fit in ``limit`` UTF-16 units."""
    end = min(len(text), limit)
    while (excess := utf16_len(text[:end]) - limit) > 0:
        end -= (excess + 1) // 2
    return end


def _cut(block: str, limit: int) -> int:
    """Where to cut a block too long for one message: its last line end within ``limit``, else
    the last place there outside any tag, entity or element (Telegram rejects a broken one)."""
    end = _fitting(block, limit)
    line_end = block.rfind("\n", 0, end)
    if line_end > 0:
        return line_end
    for opening, closing in (("&", ";"), ("<", ">")):
        start = block.rfind(opening, 0, end)
        if start > block.rfind(closing, 0, end):
            end = start
    opened: list[int] = []
    for tag in _TAG.finditer(block, 0, end):
        opened = opened[:-1] if tag[1] else [*opened, tag.start()]
    return (opened[0] if opened else end) or _fitting(block, limit)


def split_messages(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack blocks into messages of at most ``limit`` UTF-16 units, never splitting inside a block
    unless one block alone is too long (then it is cut by ``_cut``)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        while utf16_len(block) > limit:
            cut = _cut(block, limit)
            messages.append(block[:cut])
            block = block[cut:].lstrip("\n")
        candidate = f"{current}\n\n{block}" if current else block
        if utf16_len(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def nothing_found_html(answer: Answer, documents: list[DocumentRecord], points: list[str]) -> str:
    """An answer without passages (``render.unanswered_lines``), escaped."""
    lines = ([scope_line(answer.scope)] if answer.scope else []) + unanswered_lines(answer, documents, points)
    rephrase = "" if answer.small_talk or answer.unheld else "\n可以换个说法再问。"
    return "\n".join(escape(line) for line in lines) + rephrase


def _escaped_within(text: str, budget: int) -> str:
    """``text`` escaped, shortened with "…" to fit ``budget`` UTF-16 units."""
    escaped = escape(text)
    if utf16_len(escaped) <= budget:
        return escaped
    low, high = 0, len(text)  # the longest prefix whose escaped form and "…" fit
    while low < high:
        middle = (low + high + 1) // 2
        if utf16_len(escape(text[:middle])) < budget:
            low = middle
        else:
            high = middle - 1
    return escape(text[:low]) + "…"


def context_html(document: DocumentRecord, chunks: list[ChunkRecord], position: int) -> str:
    """A passage (marked ▶) between its neighbours, in one message: the texts share what the
    title and labels leave, the shortest served first, so one long paragraph cannot push out the passage."""
    head = f"<b>{escape(document.title)}</b>\n<i>{escape(display_date(document.date))}</i>"
    labels = {c.position: f"<b>▶ 第{c.paragraph}段</b>" if c.position == position else f"第{c.paragraph}段" for c in chunks}
    budget = MESSAGE_LIMIT - utf16_len(head) - sum(utf16_len(label) + 3 for label in labels.values())  # 3 line breaks each
    texts: dict[int, str] = {}
    for served, chunk in enumerate(sorted(chunks, key=lambda c: len(c.text))):
        texts[chunk.position] = _escaped_within(chunk.text, budget // (len(chunks) - served))
        budget -= utf16_len(texts[chunk.position])
    body = "\n\n".join(f"{labels[c.position]}\n{texts[c.position]}" for c in chunks)
    return split_messages([f"{head}\n\n{body}"])[0]


def document_html(document: DocumentRecord, also_published: Sequence[DocumentRecord] = ()) -> str:
    """A document's details; ``also_published``: the other sites' copies of its report (its reprints)."""
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
    if also_published:
        lines.append(_also_at_html([(other.title, other.source_url) for other in also_published]))
    return "\n".join(lines)


def timeline_html(topic: str, passages: list[Passage], first_number: int, total: int) -> str:
    """One page of a topic's timeline, in one message."""
    blocks = [f"<b>{escape(timeline_heading(topic, total))}</b>"]
    for number, passage in enumerate(passages, start=first_number):
        head, text, spans = timeline_entry(number, passage)
        lines = [f"<b>{escape(head)}</b>", mark(text, spans, wrap=lambda s: f"<b>{s}</b>", escape=escape)]
        if passage.source_url:
            lines.append(_link(passage.source_url))
        if passage.also_at:
            lines.append(_also_at_html(passage.also_at))
        blocks.append("\n".join(lines))
    return split_messages(["\n\n".join(blocks)])[0]


def digest_messages(document: DocumentRecord, sections: list[DigestSection]) -> list[str]:
    """A meeting's requirements under its headings, as one or more HTML messages."""
    if not sections:
        return [escape(no_requirements_line(document))]
    blocks = [f"<b>{escape(digest_heading(document, sections))}</b>"]
    for section in sections:
        items = "\n".join(f"• {escape(requirement_line(requirement))}" for requirement in section.requirements)
        blocks.append(f"<b>{escape(section_label(section))}</b>\n{items}")
    return split_messages(blocks)
