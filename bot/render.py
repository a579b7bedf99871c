"""Turn answers into text for people (terminal) and machines (JSON).

The Telegram HTML rendering builds on the same pieces (dates, source lines,
trimming), so the two front ends describe a passage the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from index.chunk import HEADING_SEPARATOR
from index.answer import Answer
from index.digest import DigestSection, Requirement
from index.search import Passage
from index.speakers import split_sentences
from index.store import DocumentRecord

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


OCR_MARK = "识别文字（OCR，可能有误）"


def source_line(passage: Passage) -> str:
    """Where a passage comes from: date · place · speaker · page · paragraph · heading, and 识别文字
    when OCR read it from a scan."""
    parts = [display_date(passage.date)]
    if passage.place:
        parts.append(passage.place)
    if passage.speakers:
        parts.append("发言：" + "、".join(passage.speakers))
    if passage.page is not None:
        parts.append(f"第{passage.page}页")
    parts.append(f"第{passage.paragraph}段")
    if passage.heading:
        parts.append(passage.heading)
    if passage.ocr:
        parts.append(OCR_MARK)
    return " · ".join(parts)


def meeting_line(document: DocumentRecord) -> str:
    """The facts of the last answer's meeting, for a question about it (是哪天开的)."""
    date = f"日期：{display_date(document.date)}" if document.date else display_date(None)
    parts = [f"《{document.title}》", date, f"发布/地点：{document.place or '未注明'}"]
    if document.speakers:
        parts.append("发言：" + "、".join(document.speakers))
    return "上一条回答出自：" + " · ".join(parts)


def scope_line(scope: str) -> str:
    """Where the question looked, when it named a time or a place (``Answer.scope``)."""
    return f"范围：{scope}"


def nothing_found_lines(question: str, documents: list[DocumentRecord], points: list[str]) -> list[str]:
    """Say plainly that nothing was found, and what the collection does cover."""
    lines = [f"没有找到与“{question[:100]}”相关的会议内容。"]
    if documents:
        lines.append("目前收录的会议包括：")
        lines.extend(f"• {document.title}（{display_date(document.date)}）" for document in documents)
    if points:
        lines.append("可以问问：" + "、".join(points))
    return lines


EXAMPLE_TOPIC_CHARS = 10
"""Longest outline point offered as an example's topic: a longer heading is a sentence, not a topic."""


def example_questions(points: list[str], limit: int = 3) -> list[str]:
    """Questions to try, each about one main point of the newest meetings' outlines
    (``Collection.coverage``): a whole point, never a cut one, and only a plain phrase of words."""
    topics = [point.removeprefix("关于") for point in points]
    fitting = [topic for topic in topics if re.fullmatch(rf"[\u4e00-\u9fff]{{2,{EXAMPLE_TOPIC_CHARS}}}", topic)]
    return [f"关于{topic}，会议提出了哪些要求？" for topic in fitting[:limit]]


SMALL_TALK_REPLY = "好的。想了解哪次会议、哪方面的内容，直接发问题即可，例如：会议对高标准农田提出了什么要求"


def absent_meeting_lines(answer: Answer) -> list[str]:
    """For a meeting the collection does not hold (第十二次…, 2021年…): say so, and name the nearest ones it does."""
    asked = f"{answer.period.label if answer.period else ''}{answer.named.text if answer.named else '的会议'}"
    lines = [f"收录的会议中没有{asked}。", *(["最接近的有："] if answer.absent else [])]
    for held in answer.absent:
        ordinal = f"（{held.ordinal.label()}）" if held.ordinal else ""
        lines.append(f"• {held.kind}{ordinal}，{display_date(held.date)}")
    return lines


def unanswered_lines(answer: Answer, documents: list[DocumentRecord], points: list[str]) -> list[str]:
    """What an answer without passages says: a short reply to small talk, the nearest meetings to one the
    collection does not hold, or plainly that nothing was found and what the collection covers."""
    if answer.small_talk:
        return [SMALL_TALK_REPLY]
    if answer.unheld:
        return absent_meeting_lines(answer)
    return nothing_found_lines(answer.question, documents, points)


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
        begin, end = _window(begin, end, highlights, limit)
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


def _window(begin: int, end: int, highlights: list[tuple[int, int]], limit: int) -> tuple[int, int]:
    """A sentence longer than ``limit`` cut to ``limit`` characters around its first matched word
    (a little context before it), so the cut never leaves the word out."""
    if end - begin <= limit:
        return begin, end
    first = min((h_begin for h_begin, h_end in highlights if begin <= h_begin < end), default=begin)
    start = max(begin, min(first - limit // 4, end - limit))
    return start, start + limit


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


def answer_text(
    answer: Answer, bold: bool = False, coverage: tuple[list[DocumentRecord], list[str]] = ([], []), echo: bool = True
) -> str:
    """A readable plain-text answer for the terminal; ``coverage`` is suggested when nothing is found.
    ``echo`` repeats the question first (not in ``chat``, where it was just typed)."""
    question = [f"问：{answer.question}"] if echo else []
    scope = [scope_line(answer.scope)] if answer.scope else []
    if not answer.passages:
        return "\n".join([*question, *scope, *unanswered_lines(answer, *coverage)])
    wrap = _terminal_wrap(bold)
    lines = [*question, *scope]
    if answer.meeting:
        lines.append(meeting_line(answer.meeting))
    for number, passage in enumerate(answer.passages, start=1):
        text, spans = excerpt(passage)
        lines.append(f"\n[{number}] {passage.title}")
        lines.append(f"    {source_line(passage)}")
        lines.append(f"    {mark(text, spans, wrap)}")
        lines.extend(_link_lines(passage))
    return "\n".join(lines)


def _link_lines(passage: Passage) -> list[str]:
    """A passage's link and its reprints', indented for the terminal."""
    lines = [f"    原文链接：{passage.source_url}"] if passage.source_url else []
    return lines + ([f"    {also_at_line(passage)}"] if passage.also_at else [])


def _terminal_wrap(bold: bool) -> Callable[[str], str]:
    """How the terminal marks matched words: bold on a terminal, 【】 in a file or pipe."""
    return (lambda s: f"\033[1m{s}\033[0m") if bold else (lambda s: f"【{s}】")


MAX_COPIES_SHOWN = 5
"""Reprints named per passage: a report fifty sites copied must not push the passages out of a message."""


def also_at_summary(copies: Sequence[tuple[str, str | None]], place: Callable[[str, str | None], str]) -> str:
    """Where else a report was published: each distinct copy (title, link) through ``place``, at most
    ``MAX_COPIES_SHOWN`` of them, then how many there are (等N处) when some are left out."""
    distinct = list(dict.fromkeys(copies))
    named = "；".join(place(title, url) for title, url in distinct[:MAX_COPIES_SHOWN])
    more = f"等{len(distinct)}处" if len(distinct) > MAX_COPIES_SHOWN else ""
    return f"同一报道也发布于：{named}{more}"


def also_at_line(passage: Passage) -> str:
    """Where else the same report was published (its reprints, folded into this passage), for the terminal."""
    return also_at_summary(passage.also_at, lambda title, url: url or f"《{title}》（未附链接）")


TIMELINE_EXCERPT_CHARS = 90
"""A timeline entry shows its meeting's best sentence, not the whole passage."""


def no_timeline_line(topic: str) -> str:
    return f"没有找到提到“{topic}”的会议。"


def no_requirements_line(document: DocumentRecord) -> str:
    return f"《{document.title}》中没有找到布置工作的要求。"


def timeline_heading(topic: str, meetings: int) -> str:
    return f"“{topic}”的会议时间线：{meetings} 次会议（按会议日期排列，未注明日期的列在最后）"


UNDATED = "【日期不详】"
"""A timeline entry's date when its meeting states none (one with a day but no year says so itself)."""


def timeline_entry(number: int, passage: Passage) -> tuple[str, str, list[tuple[int, int]]]:
    """One meeting on a timeline: its date, issuer and title; its best sentence with the topic's spans."""
    when = display_date(passage.date) if passage.date else UNDATED
    head = " · ".join([f"{number}. {when}", *([passage.place] if passage.place else []), f"《{passage.title}》"])
    text, spans = excerpt(passage, TIMELINE_EXCERPT_CHARS)
    return head, text, spans


def timeline_text(topic: str, passages: list[Passage], bold: bool = False) -> str:
    """A timeline for the terminal."""
    if not passages:
        return no_timeline_line(topic)
    wrap = _terminal_wrap(bold)
    lines = [timeline_heading(topic, len(passages))]
    for number, passage in enumerate(passages, start=1):
        head, text, spans = timeline_entry(number, passage)
        lines += [head, f"    {mark(text, spans, wrap)}", *_link_lines(passage)]
    return "\n".join(lines)


def requirement_line(requirement: Requirement) -> str:
    """A requirement with who is to do it and by when (when the sentence says so)."""
    notes = []
    if requirement.owners:
        notes.append("责任：" + "、".join(requirement.owners))
    if requirement.deadlines:
        notes.append("时限：" + "、".join(requirement.deadlines))
    return requirement.text + (f"（{'；'.join(notes)}）" if notes else "")


def digest_heading(document: DocumentRecord, sections: list[DigestSection]) -> str:
    count = sum(len(section.requirements) for section in sections)
    return f"《{document.title}》（{display_date(document.date)}）的要点：{count} 条要求"


def section_label(section: DigestSection) -> str:
    return section.heading.replace(HEADING_SEPARATOR, " › ") if section.heading else "（未分节）"


def digest_text(document: DocumentRecord, sections: list[DigestSection]) -> str:
    """A meeting's requirements for the terminal, under its own headings."""
    if not sections:
        return no_requirements_line(document)
    lines = [digest_heading(document, sections)]
    for section in sections:
        lines.append(f"\n■ {section_label(section)}")
        lines.extend(f"  • {requirement_line(requirement)}" for requirement in section.requirements)
    return "\n".join(lines)


def _meeting_json(document: DocumentRecord) -> dict:
    return {"doc_id": document.id, "title": document.title, "date": document.date, "place": document.place,
            "speakers": list(document.speakers), "source_url": document.source_url}


def answer_json(answer: Answer) -> str:
    """One JSON line: ``{"query", "results": [{doc_id, title, date, source, page, paragraph, ocr, text, score}]}``
    (``page`` is null for a passage not from a PDF; ``ocr`` says whether OCR read it),
    plus ``"meeting"`` (the document's facts) for a question about the last answer's meeting and
    ``"scope"`` when the question named a time or a place."""
    return json.dumps(
        {
            "query": answer.question,
            "results": [
                {
                    "doc_id": p.doc_id, "title": p.title, "date": p.date, "source": p.source_url or p.place,
                    "page": p.page, "paragraph": p.paragraph, "ocr": p.ocr, "text": p.text, "score": p.score,
                    **({"also_at": [{"title": title, "source_url": url} for title, url in p.also_at]} if p.also_at else {}),
                }
                for p in answer.passages
            ],
            **({"meeting": _meeting_json(answer.meeting)} if answer.meeting else {}),
            **({"scope": answer.scope} if answer.scope else {}),
        },
        ensure_ascii=False,
    )
