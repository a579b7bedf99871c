"""Document metadata from a cleaned text: title, meeting date, place or issuer, link.

Dates are only taken from where a report states its meeting date (the dateline
or first sentences), and a year is only added when the text or the source link
gives one: a partial date stays partial (``--06-04``), never invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .clean import URL, CleanText, ends_sentence, is_heading
from .normalize import normalize, normalize_with_offsets
from .read import SourceText
from .speakers import names_pattern

_FULL_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
_DATELINE_DATE = re.compile(r"(?:^|(?<=[。！？\n]))\s*(\d{1,2})月(\d{1,2})日(?:上午|下午|晚上|晚|早上)?[，,]", re.M)
"""A month and day opening a report's sentence (6月4日上午，…): the day it reports on, not a deadline (6月底前)."""
_OPENS_SENTENCE = re.compile(r"(?:上午|下午|晚上|晚|早上)?[，,]")
PUBLISHED_WITHIN_DAYS = 7
"""A page's header date this many days after its dateline's is the day it was published, not the meeting's."""
_URL_DATE = re.compile(r"(?<!\d)(20\d{2})[-/_]?(\d{2})(?:[-/_]?(\d{2}))?(?!\d)")
_MEETING_VERB = re.compile(r"召开|举行|举办|主持召开|组织召开")
_MEETING_NAME = re.compile(
    r"(?:召开|举行|举办)了?([^，。；,;]{2,40}?(?:会议|座谈会|现场会|推进会|调度会|专题会|常委会|例会|大会|会))"
)
_HELD_AT = re.compile(r"在([^，。；,;]{2,40}?(?:会议|大会|会))上")
_DATELINE = re.compile(r"^([\u4e00-\u9fff]{2,10}?)(?:讯|电|消息)?(?=\d{1,2}月\d{1,2}日)")
_GENERIC_SUBJECTS = re.compile(r"^(?:我|本|全|各|该|市|县|区|省|会议|今天|近日|日前)")
_ISSUER_FIELDS = ("信息来源", "来源", "稿源", "出处")
_PUBLISHED_FIELDS = ("发布日期", "发布时间")
_NO_ISSUER = re.compile(r"^(?:网络|互联网|本站|本网|原创|转载|网友)")
"""来源 values that name no one (来源：网络整理)."""
_LINK_FIELDS = ("原文链接", "原文地址", "链接", "来源", "信息来源", "出处")
_HEAD_CHARS = 300
_TITLE_CHARS = 80


@dataclass(frozen=True)
class DocumentMeta:
    title: str
    date: str | None
    place: str | None
    source_url: str | None


def _is_title_like(paragraph: str) -> bool:
    return len(paragraph) <= _TITLE_CHARS and not ends_sentence(paragraph) and not is_heading(paragraph)


def split_title(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take a title line from the first few paragraphs, returning it and the body without it."""
    for index, paragraph in enumerate(paragraphs[:3]):
        if _is_title_like(paragraph):
            return paragraph, paragraphs[:index] + paragraphs[index + 1 :]
    return None, paragraphs


def _first_sentence(paragraphs: list[str]) -> str:
    for paragraph in paragraphs:
        if len(paragraph) > 8:  # skip salutations such as 同志们：
            return re.split(r"(?<=[。！？!?])", paragraph, maxsplit=1)[0]
    return ""


def _derived_title(paragraphs: list[str], fallback: str) -> str:
    """A title for a text without a title line: its meeting's name, or its first sentence."""
    sentence = _first_sentence(paragraphs)
    without_dateline = re.sub(r"^.{0,12}?\d{1,2}月\d{1,2}日[，,]?", "", sentence).rstrip("。")
    if 0 < len(without_dateline) <= 40:
        return without_dateline
    meeting = _MEETING_NAME.search(sentence)
    if meeting:
        return meeting.group(1)
    return (without_dateline[:30] + "…") if without_dateline else fallback


def _stamped_year_month(stamps: Sequence[str]) -> tuple[int, int] | None:
    for stamp in stamps:
        full = _FULL_DATE.search(stamp)
        if full and _valid(int(full[1]), int(full[2]), int(full[3])):
            return int(full[1]), int(full[2])
    return None


def _url_year_month(urls: list[str]) -> tuple[int, int] | None:
    for url in urls:
        for year, month, _day in _URL_DATE.findall(url):
            if 1 <= int(month) <= 12:
                return int(year), int(month)
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _reported_day(after: str, published: date) -> date | None:
    """The dateline's day when a page's full header date is its publication: a sentence opening
    with a month and day shortly before it (发布时间：2024-03-22 … 3月21日，区农业农村局召开…)."""
    dateline = _DATELINE_DATE.search(after)
    if not dateline:
        return None
    month, day = int(dateline[1]), int(dateline[2])
    year = published.year if month <= published.month else published.year - 1
    if not _valid(year, month, day):
        return None
    reported = date(year, month, day)
    return reported if 0 < (published - reported).days <= PUBLISHED_WITHIN_DAYS else None


def find_date(text_head: str, urls: list[str], given: str | None, stamps: Sequence[str] = ()) -> str | None:
    """The meeting date stated near the start of a text, as ``YYYY-MM-DD`` or ``--MM-DD``.

    ``stamps`` are the page's source lines (来源：章丘区农业农村局 发布日期：2024年03月22日) that may carry
    the day it was published: like a link's date, they give the year to a dateline's month and day.
    """
    if given:
        full = _FULL_DATE.search(given)
        return f"{full[1]}-{int(full[2]):02d}-{int(full[3]):02d}" if full else given
    full = _FULL_DATE.search(text_head)
    partial = _MONTH_DAY.search(text_head)
    # The first date stated is the meeting's; a later full date is usually a deadline.
    if full and (partial is None or full.start() <= partial.start()) and _valid(int(full[1]), int(full[2]), int(full[3])):
        stated = date(int(full[1]), int(full[2]), int(full[3]))
        if _OPENS_SENTENCE.match(text_head, full.end()):  # 2024年3月21日，… is the report's own dateline
            return stated.isoformat()
        return (_reported_day(text_head[full.end():], stated) or stated).isoformat()
    if not partial or not (1 <= int(partial[1]) <= 12 and 1 <= int(partial[2]) <= 31):
        return None
    month, day = int(partial[1]), int(partial[2])
    published = _stamped_year_month(stamps) or _url_year_month(urls)
    if published is None:
        return f"--{month:02d}-{day:02d}"
    year = published[0] if published[1] >= month else published[0] - 1  # reported after the meeting
    return f"{year}-{month:02d}-{day:02d}"


def find_place(title: str | None, paragraphs: list[str], fields: dict[str, str]) -> str | None:
    """Who held or published the meeting: a 来源 line, the dateline, or the subject of 召开."""
    for label in _ISSUER_FIELDS:
        value = fields.get(label, "")
        if value and not URL.search(value) and not _NO_ISSUER.match(normalize(value)):
            return value
    first = _first_sentence(paragraphs)
    dateline = _DATELINE.match(first)
    if dateline and not _GENERIC_SUBJECTS.match(dateline.group(1)):
        return dateline.group(1)
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
    stamps = [cleaned.fields[label] for label in _PUBLISHED_FIELDS + _ISSUER_FIELDS if label in cleaned.fields]
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
    elif aspect == "speaker":
        patterns = [re.compile(names_pattern(speakers))] if speakers else []
    else:
        patterns = [_MEETING_NAME, _HELD_AT]
    spans = sorted(
        {(offsets[m.start()], offsets[m.end() - 1] + 1) for pattern in patterns for m in pattern.finditer(key) if m.end() > m.start()}
    )
    return [span for index, span in enumerate(spans) if index == 0 or span[0] >= spans[index - 1][1]]
