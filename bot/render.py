"""Turn answers into text for people (terminal) and machines (JSON).

The Telegram HTML rendering builds on the same pieces (dates, source lines,
trimming), so the two front ends describe a passage the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from index.collection import Answer
from index.search import Passage
from index.store import DocumentRecord
from index.speakers import split_sentences

EXCERPT_CHARS = 300
MAX_QUESTION_CHARS = 300
"""Longest turn either front end answers: anything longer is a pasted text, not a question,
and would only be cut into hundreds of search terms."""


def question_refusal(turns: list[str]) -> str | None:
    """Why a conversation is not asked as it stands (no question, or a turn too long); None if it is."""
    if not any(turn.strip() for turn in turns):
        return "请直接输入问题，例如：会议对高标准农田提出了什么要求"
    longest = max(len(turn.strip()) for turn in turns)
    if longest > MAX_QUESTION_CHARS:
        return f"问题太长了（{longest} 字），请控制在 {MAX_QUESTION_CHARS} 字以内。"
    return None


def display_date(date: str | None) -> str:
    """``2023-06-04`` → 2023年6月4日; ``--04-17`` → 4月17日（未注明年份）; None → 日期未注明."""
    if not date:
        return "日期未注明"
    full = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    if full:
        return f"{full[1]}年{int(full[2])}月{int(full[3])}日"
    partial = re.fullmatch(r"--(\d{2})-(\d{2})", date)
    if partial:
        return f"{int(partial[1])}月{int(partial[2])}日（未注明年份）"
    return date


def source_line(passage: Passage) -> str:
    """Where a passage comes from: date · place · speaker · paragraph · heading."""
    parts = [display_date(passage.date)]
    if passage.place:
        parts.append(passage.place)
    if passage.speakers:
        parts.append("发言：" + "、".join(passage.speakers))
    parts.append(f"第{passage.paragraph}段")
    if passage.heading:
        parts.append(passage.heading)
    return " · ".join(parts)


def meeting_line(document: DocumentRecord) -> str:
    """The facts of the last answer's meeting, for a question about it (是哪天开的)."""
    date = f"日期：{display_date(document.date)}" if document.date else display_date(None)
    parts = [f"《{document.title}》", date, f"发布/地点：{document.place or '未注明'}"]
    if document.speakers:
        parts.append("发言：" + "、".join(document.speakers))
    return "上一条回答出自：" + " · ".join(parts)


def nothing_found_lines(question: str, documents: list[DocumentRecord], points: list[str]) -> list[str]:
    """Say plainly that nothing was found, and what the collection does cover."""
    lines = [f"没有找到与“{question[:100]}”相关的会议内容。"]
    if documents:
        lines.append("目前收录的会议包括：")
        lines.extend(f"• {document.title}（{display_date(document.date)}）" for document in documents)
    if points:
        lines.append("可以问问：" + "、".join(points))
    return lines


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for sentence in split_sentences(text):
        spans.append((start, start + len(sentence)))
        start += len(sentence)
    return spans


def excerpt(passage: Passage, limit: int = EXCERPT_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """The passage trimmed to its best sentences (those with most highlighted characters):
    the best one first, the others after it in text order, with the highlight spans moved
    onto the excerpt and "…" wherever text is left out."""
    text, highlights = passage.text, passage.highlights
    if len(text) <= limit:
        return text, highlights

    def matched(span: tuple[int, int]) -> int:
        return sum(max(0, min(end, span[1]) - max(begin, span[0])) for begin, end in highlights)

    chosen: list[tuple[int, int]] = []
    used = 0
    for begin, end in sorted(_sentence_spans(text), key=lambda span: (-matched(span), span[0])):
        end = min(end, begin + limit)  # one very long sentence is cut rather than dropped
        if chosen and used + end - begin > limit:
            continue
        chosen.append((begin, end))
        used += end - begin
    pieces: list[str] = []
    moved: list[tuple[int, int]] = []
    length, previous_end = 0, 0
    for begin, end in chosen[:1] + sorted(chosen[1:]):
        if begin != previous_end:
            pieces.append("…")
            length += 1
        moved.extend(
            (length + max(h_begin, begin) - begin, length + min(h_end, end) - begin)
            for h_begin, h_end in highlights
            if h_begin < end and h_end > begin
        )
        pieces.append(text[begin:end])
        length += end - begin
        previous_end = end
    if previous_end < len(text):
        pieces.append("…")
    return "".join(pieces), moved


def mark(text: str, spans: list[tuple[int, int]], wrap: Callable[[str], str], escape: Callable[[str], str] = str) -> str:
    """``text`` with each span passed through ``wrap`` and everything escaped with ``escape``."""
    out, last = [], 0
    for begin, end in spans:
        if begin < last or end > len(text):
            continue
        out.append(escape(text[last:begin]))
        out.append(wrap(escape(text[begin:end])))
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def answer_text(answer: Answer, bold: bool = False, coverage: tuple[list[DocumentRecord], list[str]] = ([], [])) -> str:
    """A readable plain-text answer for the terminal; ``coverage`` is suggested when nothing is found."""
    if not answer.passages:
        return "\n".join([f"问：{answer.question}", *nothing_found_lines(answer.question, *coverage)])
    wrap = (lambda s: f"\033[1m{s}\033[0m") if bold else (lambda s: f"【{s}】")
    lines = [f"问：{answer.question}"]
    if answer.meeting:
        lines.append(meeting_line(answer.meeting))
    for number, passage in enumerate(answer.passages, start=1):
        text, spans = excerpt(passage)
        lines.append(f"\n[{number}] {passage.title}")
        lines.append(f"    {source_line(passage)}")
        lines.append(f"    {mark(text, spans, wrap)}")
        if passage.source_url:
            lines.append(f"    原文链接：{passage.source_url}")
    return "\n".join(lines)


def _meeting_json(document: DocumentRecord) -> dict:
    return {"doc_id": document.id, "title": document.title, "date": document.date, "place": document.place,
            "speakers": list(document.speakers), "source_url": document.source_url}


def answer_json(answer: Answer) -> str:
    """One JSON line: ``{"query", "results": [{doc_id, title, date, source, paragraph, text, score}]}``,
    plus ``"meeting"`` (the document's facts) for a question about the last answer's meeting."""
    return json.dumps(
        {
            "query": answer.question,
            "results": [
                {
                    "doc_id": p.doc_id, "title": p.title, "date": p.date, "source": p.source_url or p.place,
                    "paragraph": p.paragraph, "text": p.text, "score": p.score,
                }
                for p in answer.passages
            ],
            **({"meeting": _meeting_json(answer.meeting)} if answer.meeting else {}),
        },
        ensure_ascii=False,
    )
