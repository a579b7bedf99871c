"""Document metadata from a cleaned text: title, meeting date, place or issuer, link.

A meeting's date is only taken from where a report states it (the dateline, or the date
its opening sentences attach to 召开/举行/主持/出席), never from a deadline or another
day the text names; without one, the page's own date (a date line, the link) is the
document's. A year is only added when the text, the page's date or the link gives one:
a partial date stays partial (``--06-04``), never invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .clean import URL, CleanText, ends_sentence, is_header_line, is_heading
from .meeting import HELD_AFTER_VERB
from .normalize import normalize, normalize_with_offsets
from .read import SourceText
from .speakers import names_pattern
from .when import meeting_day

_FULL_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
_STATED_DATE = re.compile(
    r"(?<!\d)(?:(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?|(\d{1,2})月(\d{1,2})日)"
)
"""A date as a text states it: with its year (2024年3月21日, 2024-3-21) or without (3月21日)."""
_SENTENCE_ENDS = "。！？!?\n"
_CLAUSE_ENDS = _SENTENCE_ENDS + "，,；;：:"
_DATELINE_PREFIX = re.compile(r"\s*(?:[\u4e00-\u9fff]{1,12}讯\s*(?:[（(][^）)]{0,20}[)）])?\s*)?")
"""What may open a sentence before its dateline: nothing, or an agency's 集贤讯 / 本报讯（记者 张三）."""
_NAMED_PREFIX = re.compile(r"\s*[\u4e00-\u9fff]{2,10}")
"""A publisher's name opening a dateline without 讯 (集贤微言3月24日，…), taken as one only in a sentence
that goes on to report a meeting: 截至3月25日，全县… is no dateline."""
_DATELINE_REST = re.compile(r"(?:[至到\-—－]\d{1,2}日)?(?:上午|下午|中午|晚上|晚间|晚|早上|凌晨)?\s*[，,]")
_WIRE_PREFIX = re.compile(r"\s*[\u4e00-\u9fff]{1,12}")
_WIRE_REST = re.compile(r"电(?=[\s（(])")
"""A wire's dateline: 新华社北京1月4日电（记者 …）."""
_ENCLOSED_PREFIX = re.compile(r"\s*[（(]")
_ENCLOSED_REST = re.compile(r"[)）]\s*(?:\n|$)")
"""A speech's dateline, a line of its own under the title: （2023年2月20日）."""
_MEETING_ACT = re.compile(r"(?:主持)?(?:召开|举行|举办)|主持|出席")
_MEETING_ACT_CHARS = 24
"""How much of a clause after its date may hold the meeting's verb (李强1月4日在北京主持召开)."""
_NOT_THAT_DAY = re.compile(r"前|起|后|以[前后来]|之[前后]")
"""What makes a date a deadline or a start (1月4日前召开, 自6月1日起举办), not the day of the meeting."""
_ANNOUNCED = re.compile(r"明年|下月|下周|将|拟|定于|决定|宣布|计划|建议|预计|准备|延期|推迟")
"""What, in its sentence before the meeting's verb, makes a date a session a text announces
(建议明年3月4日召开, 会议决定，…3月4日举行, 大会3月4日将在京举行), not one it reports."""
REPORTED_WITHIN_DAYS = 92
"""How long after a meeting a page given its date (a .jsonl row's) may report it: a quarter. A date its opening
states further back (2016年…召开) is another meeting's, or history."""
_URL_DATE = re.compile(r"(?<!\d)(20\d{2})[-/_]?(\d{2})(?:[-/_]?(\d{2}))?(?!\d)")
_MEETING_VERB = re.compile(r"召开|举行|举办|主持召开|组织召开")
_HELD_AT = re.compile(r"在([^，。；,;]{2,40}?(?:会议|大会|会))上")
_DATELINE = re.compile(r"^([\u4e00-\u9fff]{2,10}?)(?:讯|电|消息)?(?=\d{1,2}月\d{1,2}日)")
_GENERIC_SUBJECTS = re.compile(r"^(?:我|本|全|各|该|市|县|区|省|会议|今天|近日|日前)")
_ISSUER_FIELDS = ("信息来源", "来源", "稿源", "出处")
_NO_ISSUER = re.compile(r"^(?:网络|互联网|本站|本网|原创|转载|网友)")
"""来源 values that name no one (来源：网络整理)."""
_LINK_FIELDS = ("原文链接", "原文地址", "链接", "来源", "信息来源", "出处")
_HEAD_CHARS = 300
_HEAD_PARAGRAPHS = 3
"""How many paragraphs open a text: where its title and its page's date and source lines stand."""
_TITLE_CHARS = 80


@dataclass(frozen=True)
class DocumentMeta:
    title: str
    date: str | None
    place: str | None
    source_url: str | None


def _is_title_like(paragraph: str) -> bool:
    return (
        len(paragraph) <= _TITLE_CHARS
        and not ends_sentence(paragraph)
        and not is_heading(paragraph)
        and not is_header_line(paragraph)
    )


def split_title(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take a title line from the first few paragraphs, returning it and the body without it.

    A page's date, source or time line (原创 章丘农业 2024年03月22日 18:05) is passed over: it
    is short and ends no sentence, as a title, but names no meeting.
    """
    for index, paragraph in enumerate(paragraphs[:_HEAD_PARAGRAPHS]):
        if _is_title_like(paragraph):
            return paragraph, paragraphs[:index] + paragraphs[index + 1 :]
    return None, paragraphs


def _first_sentence(paragraphs: list[str]) -> str:
    for paragraph in paragraphs:
        if len(paragraph) > 8 and not is_header_line(paragraph):  # skip salutations such as 同志们：
            return re.split(r"(?<=[。！？!?])", paragraph, maxsplit=1)[0]
    return ""


def _derived_title(paragraphs: list[str], fallback: str) -> str:
    """A title for a text without a title line: its meeting's name, or its first sentence."""
    sentence = _first_sentence(paragraphs)
    without_dateline = re.sub(r"^.{0,12}?\d{1,2}月\d{1,2}日[，,]?", "", sentence).rstrip("。")
    if 0 < len(without_dateline) <= 40:
        return without_dateline
    key, offsets = normalize_with_offsets(sentence)
    meeting = HELD_AFTER_VERB.search(key)
    if meeting:
        return sentence[offsets[meeting.start("name")] : offsets[meeting.end("name") - 1] + 1]
    return (without_dateline[:30] + "…") if without_dateline else fallback


def _page_date(stamps: Sequence[str], urls: list[str]) -> tuple[int, int, int | None] | None:
    """The page's own date as year, month and day (None when only the month is known): the first
    of its date lines ``stamps`` that holds a full date, else its link's, the day when the link
    has one (/202306/t20230606_1.html is 2023-06-06)."""
    for stamp in stamps:
        full = _FULL_DATE.search(stamp)
        if full and _valid(int(full[1]), int(full[2]), int(full[3])):
            return int(full[1]), int(full[2]), int(full[3])
    for url in urls:
        dates = [(int(year), int(month), day) for year, month, day in _URL_DATE.findall(url) if 1 <= int(month) <= 12]
        days = [(year, month, int(day)) for year, month, day in dates if day and _valid(year, month, int(day))]
        if days or dates:
            return days[0] if days else (dates[0][0], dates[0][1], None)
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _bounds(text: str, start: int, end: int, ends: str) -> tuple[str, str]:
    """The text before ``start`` back to the last of ``ends``, and after ``end`` up to the next one."""
    opening = max(text.rfind(char, 0, start) for char in ends) + 1
    closing = min((found for found in (text.find(char, end) for char in ends) if found >= 0), default=len(text))
    return text[opening:start], text[end:closing]


def _is_dateline(text: str, found: re.Match[str]) -> bool:
    """Whether a date opens its sentence as the day the report is about: 1月4日上午，… /
    集贤讯3月24日，… / 集贤微言3月24日，县委召开… / 新华社北京1月4日电（…） / a speech's
    （2023年2月20日）, not 3月21日发生的… or 会议指出，3月18日，…"""
    before, sentence_rest = _bounds(text, found.start(), found.end(), _SENTENCE_ENDS)
    after = text[found.end() :]
    if _DATELINE_REST.match(after):
        named = _NAMED_PREFIX.fullmatch(before) and _MEETING_ACT.search(sentence_rest)
        return bool(_DATELINE_PREFIX.fullmatch(before) or named)
    return bool(
        (_WIRE_PREFIX.fullmatch(before) and _WIRE_REST.match(after))
        or (_ENCLOSED_PREFIX.fullmatch(before) and _ENCLOSED_REST.match(after))
    )


def _is_meeting_day(text: str, found: re.Match[str]) -> bool:
    """Whether a date is the one its clause gives the meeting it reports: the clause goes on to
    召开/举行/主持/出席 (国务院总理李强1月4日主持召开…, 会议于1月4日在京举行), and the date is
    no deadline or start (1月4日前召开), the day of a meeting referred to (传达1月4日召开的…) or of a
    session announced (建议明年3月4日召开…)."""
    _, after = _bounds(text, found.start(), found.end(), _CLAUSE_ENDS)
    sentence_before, _ = _bounds(text, found.start(), found.end(), _SENTENCE_ENDS)
    act = _MEETING_ACT.search(after[:_MEETING_ACT_CHARS])
    return (
        act is not None
        and not after.startswith("的", act.end())
        and not _NOT_THAT_DAY.match(after)
        and not _ANNOUNCED.search(sentence_before + after[: act.start()])
    )


def _meeting_date(text_head: str) -> tuple[int | None, int, int] | None:
    """The year (None when not stated), month and day of the first date the opening of a text
    gives its meeting: a dateline or a date attached to the meeting's verb. Any other date it
    names (6月1日起施行, 3月21日发生的事故, 6月底前) is not the meeting's."""
    for found in _STATED_DATE.finditer(text_head):
        year = int(found[1]) if found[1] else None
        month, day = (int(found[2]), int(found[3])) if found[1] else (int(found[4]), int(found[5]))
        possible = _valid(year or 2000, month, day)  # a leap year: 2月29日 may be a day of the year not stated
        if possible and (_is_dateline(text_head, found) or _is_meeting_day(text_head, found)):
            return year, month, day
    return None


def find_date(text_head: str, urls: list[str], given: str | None, stamps: Sequence[str] = ()) -> str | None:
    """The meeting date of a text (``text_head``: its title line, then its opening), as ``YYYY-MM-DD`` or
    ``--MM-DD``: the one its opening states for the meeting, else the page's own date. A full date given with it
    (a .jsonl row's) is its page's: the date its lead (the first paragraph after the title) states is taken only
    within ``REPORTED_WITHIN_DAYS`` before it (中共中央8月31日召开…, broadcast on 10月13日); else the given one.

    ``stamps`` are the page's date lines (发布时间：2023-01-05 19:00, a line 2023-01-05 of its own):
    like a link's date, they give a month and day its year, the year before when the month is later
    than theirs (reported after the meeting, as 12月30日 under 2025-01-03).
    """
    if given:
        full = _FULL_DATE.search(given)
        if not full or not _valid(int(full[1]), int(full[2]), int(full[3])):
            return given
        published = date(int(full[1]), int(full[2]), int(full[3]))
        lead = text_head.partition("\n")[2].partition("\n")[0]  # after the title line, the opening's first
        stated = find_date(lead, urls, None, [given, *stamps])
        held = meeting_day(stated)
        reported_after = (published - held).days if held else -1
        return stated if 0 <= reported_after <= REPORTED_WITHIN_DAYS else published.isoformat()
    page = _page_date(stamps, urls)
    stated = _meeting_date(normalize(text_head))  # its marks (召开, 讯, 将 …) read as 召開, 訊, 將 too
    if stated is None:
        return date(page[0], page[1], page[2]).isoformat() if page and page[2] else None
    year, month, day = stated
    if year is None and page:
        year = page[0] if month <= page[1] else page[0] - 1
    if year is None or not _valid(year, month, day):  # 2月29日 in a year that has none stays partial
        return f"--{month:02d}-{day:02d}"
    return date(year, month, day).isoformat()


def find_place(title: str | None, paragraphs: list[str], fields: dict[str, str]) -> str | None:
    """Who held or published the meeting: a 来源 line, the dateline, or the subject of 召开."""
    for label in _ISSUER_FIELDS:
        value = fields.get(label, "")
        if value and not URL.search(value) and not _NO_ISSUER.match(normalize(value)):
            return value
    first = _first_sentence(paragraphs)
    key, offsets = normalize_with_offsets(first)
    dateline = _DATELINE.match(key)
    if dateline and not _GENERIC_SUBJECTS.match(dateline.group(1)):
        return first[offsets[dateline.start(1)] : offsets[dateline.end(1) - 1] + 1]
    for text in (title or "", first):
        match = re.search(r"([\u4e00-\u9fff]{2,10}?)(?:" + _MEETING_VERB.pattern + ")", normalize(text))
        if match and not _GENERIC_SUBJECTS.match(match.group(1)):
            return text[match.start(1) : match.end(1)]
    return None


def find_link(fields: dict[str, str], urls: list[str]) -> str | None:
    for label in _LINK_FIELDS:
        found = URL.search(fields.get(label, ""))
        if found:
            return found.group(0)
    return urls[0] if urls else None


def describe(source: SourceText, cleaned: CleanText) -> tuple[DocumentMeta, list[str]]:
    """Metadata of a cleaned document, and its body paragraphs (without the title line)."""
    if source.title:
        # A given title (a .jsonl row's) only replaces a first line that repeats it.
        repeats = cleaned.paragraphs[:1] == [source.title]
        title_line, body = (source.title, cleaned.paragraphs[1:]) if repeats else (None, cleaned.paragraphs)
    else:
        title_line, body = split_title(cleaned.paragraphs)
    title = source.title or title_line or _derived_title(body, fallback=source.name)
    link = source.source if source.source and URL.match(source.source) else find_link(cleaned.fields, cleaned.urls)
    head = (title_line or "") + "\n" + "\n".join(body)[:_HEAD_CHARS]
    stamps = cleaned.page_dates + [line for line in cleaned.paragraphs[:_HEAD_PARAGRAPHS] if is_header_line(line)]
    date = find_date(head, [link] if link else [], source.date, stamps)
    place = find_place(title_line or source.title, body, cleaned.fields)
    if place is None and source.source and not URL.match(source.source):
        place = source.source
    return DocumentMeta(title=title, date=date, place=place, source_url=link), body


def meeting_fact_spans(text: str, aspect: str, speakers: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Where a passage states its meeting's ``aspect``: dates for ``date``, the speakers'
    names for ``speaker``, a held-meeting phrase (召开…会议) for ``place`` and ``meeting``.

    Matched on the Simplified form, spans index ``text``; empty when the passage says nothing of it.
    """
    key, offsets = normalize_with_offsets(text)
    if aspect == "date":
        patterns = [_FULL_DATE, _MONTH_DAY]
    elif aspect in ("speaker", "chair"):
        patterns = [re.compile(names_pattern(speakers))] if speakers else []
    else:
        patterns = [HELD_AFTER_VERB, _HELD_AT]
    spans = sorted(
        {(offsets[m.start()], offsets[m.end() - 1] + 1) for pattern in patterns for m in pattern.finditer(key) if m.end() > m.start()}
    )
    return [span for index, span in enumerate(spans) if index == 0 or span[0] >= spans[index - 1][1]]
