"""The time scope a question names: 2023年, 去年下半年, 2022年以来, 近三年, 2022—2024年, 2022年年底, 4月下旬.

"2023年高标准农田有什么要求" asks about the meetings held in 2023, not about passages that
happen to contain 2023年: the caller searches 高标准农田有什么要求 among the documents whose
meeting date is in the period. A wrong scope hides the answer, a missed one only ranks it
lower, so anything unclear is no scope: deadlines (12月底前), comparisons (比去年), targets
(到2025年), plans' names (2023—2025年三年行动计划, 十四五), years ahead, several periods
(2023年和2024年), vague ones (近期, 近年来), and any time named in a way not read
(2022年至2024, 2023年2月30日) — then the question has no scope at all. A deadline beside a
scope (2023年的会议对12月底前完成的任务…) leaves the scope; a part of a year named alone
(上半年, 3月) is this year's. Loose parts of a year or month (年初, 年中, 年底; 4月初, 4月底, 中旬) are
taken wide (``_SEASONS``, ``_TENTHS``): an archive's meetings are told apart by them (年中那次政治局会议).

Expressions are read on the normalized question (Traditional, full-width digits), so
以來, 從…起 and ２０２３年 read as their Simplified, half-width forms.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .normalize import normalize_with_offsets


@dataclass(frozen=True)
class Period:
    """A time scope named in a question."""

    start: date | None
    """First day of the period; None when it has no beginning."""
    end: date | None
    """Last day of the period (inclusive); None when it runs until now (2022年以来)."""
    label: str
    """How a reply states the scope: 2023年上半年, 去年（2025年）以来, 近三年（2023年以来）."""
    span: tuple[int, int]
    """Where the expression is in the question (start, end), to drop it before tokenizing."""


_CN_DIGITS = {char: value for value, char in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "两": 2}
_CN_NUMBER = "[一二三]?十[一二三四五六七八九]?|[一二两三四五六七八九]"
"""一 … 三十一: months, days and counts of years in Chinese numerals."""
_YEAR_NUMBER = r"(?:19|20)\d{2}|(?:一九|二[〇零○])[〇零○一二三四五六七八九]{2}"
"""A year as 2023 or 二〇二三; the 19 or 20 keeps other four-digit numbers out."""
_RELATIVE_YEAR = (
    "(?<![如迄现当])今|(?<![过失回出下上进离除])去|(?<![目以之提当此事空眼会节年面生日])前|本(?=年度)"
)
"""今年, 去年, 前年, 本年度 — but not the 今年 of 如今年轻人, the 去年 of 过去年均, the 前年 of 目前年产."""
_ANCHORED_STEPS = {"同": 0, "当": 0, "那": 0, "这一": 0, "上一": -1, "前一": -1, "次": 1, "翌": 1, "第二": 1, "后一": 1, "下一": 1}
"""A year named from the one a conversation is about (同年, 那年, 上一年, 次年, 第二年), by its step from it."""
_ANCHORED_YEAR = "|".join(_ANCHORED_STEPS)
_SEPARATOR = "至|到|[-‐–—―~〜]{1,2}"
_LIST = "[、和与及或]"
_SINCE_MARKER = "以来|至今(?!年)|迄今|[到至](?:现在|目前|今天)|起|开始"


def _group(side: str | None, name: str) -> str:
    """A named group's opening, or an unnamed one's when ``side`` is None (a lookahead's copy)."""
    return f"(?P<{side}_{name}>" if side else "(?:"


def _part_pattern(side: str | None) -> str:
    """A part of a year: 上半年, 前三季度, 第一季度, 3月份, 3月15日."""
    return (
        rf"(?:{_group(side, 'half')}[上下])半年|前{_group(side, 'quarters')}[二两三23])个?季度"
        rf"|第?{_group(side, 'quarter')}[一二三四1-4])季度"
        rf"|{_group(side, 'month')}\d{{1,2}}|{_CN_NUMBER})月份?"
        rf"(?:{_group(side, 'day')}\d{{1,2}}|{_CN_NUMBER})[日号]|{_group(side, 'tenth')}[上中下]旬|[初底末](?!步)))?"
        rf"|(?:年|(?<=年)){_group(side, 'season')}[初底末]|中(?![央国华共心])))"
    )


def _point_pattern(side: str) -> str:
    """A point in time, its groups prefixed with ``side``: a year with or without a part of it
    (2023年, 去年下半年, 2023年的3月), or a part alone (一季度, 3月份: of the year around it)."""
    year = rf"(?:(?P<{side}_year>{_YEAR_NUMBER})|(?P<{side}_relative>{_RELATIVE_YEAR})|(?P<{side}_anchored>{_ANCHORED_YEAR}))年度?"
    part = _part_pattern(None)
    # A part after a year word that is no scope (每年3月, 明年上半年, 上一季度) belongs to that word.
    return rf"(?:{year}(?:的(?={part}))?|(?<![年上下本每前后全半多一二两三四五六七八九十])(?={part})){_part_pattern(side)}?"


_TIME_EXPRESSION = re.compile(
    r"(?<![\d〇零○一二两三四五六七八九十比较到至止(、\-‐–—―~〜])"
    rf"(?:(?P<recent>近(?P<count>\d{{1,2}}|{_CN_NUMBER})年(?:以?来|内)?)"
    rf"|(?P<since>从|自)?(?:(?P<bare>{_YEAR_NUMBER})(?=\s*(?:{_SEPARATOR}|{_LIST}))|{_point_pattern('a')})"
    rf"(?:\s*(?:(?P<separator>{_SEPARATOR})|(?P<list>{_LIST}))\s*{_point_pattern('b')}|(?P<open>{_SINCE_MARKER}))?)"
)
"""A time expression: 近三年; a point (2023年上半年); a range of two points (2022—2024年, 3月至6月);
a point and what runs from it (自2022年以来, 从去年起, 2023年至今); or two points listed (2023年和2024年).
Not after a number (12023年, 十二月's 二月), a comparison (比去年, 较上半年), a target
(到2025年, 截至2024年), an opening parenthesis (三年行动计划（2023—2025年）: a name) or a range's
or list's beginning not read as one (the 2025年 of （2023—2025年）)."""
_NOT_WHEN_HELD_AFTER = re.compile(
    r"[底末初前后均]|内(?![蒙江])|[上中下]旬|以[前后内]|之[前后]|相比|同期|[轻纪龄代限薪级]|要(?!求)"
    r"|(?:[\d一二两三四五六七八九十]+年)?(?:行动计划|行动方案|规划|纲要)"
)
"""What makes the expression before it no time of meetings: a deadline or a bound (12月底前, 2023年以后,
今年内), a target (上半年要大头落地), a comparison (与去年相比, 去年同期), a word its 年 is part of (年均, 年轻, 年代), a plan's
name (2023—2025年三年行动计划)."""
_NOT_WHEN_HELD_BEFORE = re.compile(r"(?:研究|部署|谋划|安排|做好|分析|对)$")
"""What makes the expression after it the time a meeting plans for (研究2023年经济工作, 对一季度工作), not when it was held."""
_UNREAD_AFTER = re.compile(r"\s*(?:至|到|[-‐–—―~〜])?\s*\d")
"""A date or range the expression only begins (2022年至2024, 2023年3号, 2022年 2024年)."""
_OPEN_ONLY_AFTER_SINCE = frozenset({"起", "开始"})
"""2023年起草, 今年开始实施: only 从…起 and 自…开始 say when a period begins."""
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Point(NamedTuple):
    start: date
    end: date
    label: str
    year: int


def number_value(text: str) -> int | None:
    """The value of digits or Chinese numerals: 12, 十二, 三十一, 一百三十一, and digit by digit 二〇二三;
    None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(char not in _CN_DIGITS and char not in "十百" for char in text):
        return None
    if "十" not in text and "百" not in text:
        return int("".join(str(_CN_DIGITS[char]) for char in text))
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        else:
            total += (current or 1) * (10 if char == "十" else 100)
            current = 0
    return total + current


def _number(text: str) -> int:
    """``number_value`` of a numeral the time expressions matched (always one)."""
    value = number_value(text)
    assert value is not None, text
    return value


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _named_year(number: str | None, relative: str | None, today: date) -> tuple[int, str] | None:
    """The year a point names and how to state it; 去年 and 前年 with the year they were taken
    to be (a question asked in early January may mean another), 今年 as it is."""
    if number:
        year = _number(number)
        return year, f"{year}年"
    if relative in ("今", "本"):
        return today.year, "今年"
    if relative:
        year = today.year - (1 if relative == "去" else 2)
        return year, f"{relative}年（{year}年）"
    return None


def _day_or_month(year: int, month_text: str, day_text: str | None) -> tuple[date, date, str] | None:
    month = _number(month_text)
    if not 1 <= month <= 12:
        return None
    if day_text is None:
        return date(year, month, 1), _month_end(year, month), f"{month}月"
    day = _number(day_text)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day), date(year, month, day), f"{month}月{day}日"


def _part_of_year(match: re.Match[str], side: str, year: int) -> tuple[date, date, str] | None:
    """The part of ``year`` a point names (half, quarters, month, day), the whole year when it names
    none; None when it names no real one (13月, 2月30日)."""
    if half := match[f"{side}_half"]:
        first = half == "上"
        return date(year, 1 if first else 7, 1), _month_end(year, 6 if first else 12), f"{half}半年"
    if quarters := match[f"{side}_quarters"]:
        count = _number(quarters)
        return date(year, 1, 1), _month_end(year, 3 * count), f"前{'一二三'[count - 1]}季度"
    if quarter := match[f"{side}_quarter"]:
        number = _number(quarter)
        return date(year, 3 * number - 2, 1), _month_end(year, 3 * number), f"第{'一二三四'[number - 1]}季度"
    if month := match[f"{side}_month"]:
        if tenth := match[f"{side}_tenth"]:
            return _tenth_of_month(year, _number(month), tenth)
        return _day_or_month(year, month, match[f"{side}_day"])
    if season := match[f"{side}_season"]:
        first, last = _SEASONS[season]
        return date(year, first, 1), _month_end(year, last), f"年{season}"
    return date(year, 1, 1), date(year, 12, 31), ""


_SEASONS = {"初": (1, 2), "中": (6, 7), "底": (11, 12), "末": (11, 12)}
"""The months a part of a year named loosely (年初, 年中, 年底) is taken to span: wider rather than narrower."""
_TENTHS = {"上旬": (1, 10), "初": (1, 10), "中旬": (11, 20), "下旬": (21, 31), "底": (21, 31), "末": (21, 31)}


def _tenth_of_month(year: int, month: int, tenth: str) -> tuple[date, date, str] | None:
    """The days of a month's part (4月底: the 21st to its end; 5月初 and 上旬: the 1st to the 10th)."""
    if not 1 <= month <= 12:
        return None
    first, last = _TENTHS[tenth]
    end = min(last, calendar.monthrange(year, month)[1])
    return date(year, month, first), date(year, month, end), f"{month}月{tenth}"


def _point(match: re.Match[str], side: str, today: date, default: tuple[int, str], anchor: int | None = None) -> _Point | None:
    """The point ``side`` of the expression names; a part alone is of the ``default`` year, a year named from
    the conversation's (次年) of ``anchor``: without one, it names none."""
    if anchored := match[f"{side}_anchored"]:
        if anchor is None:
            return None
        year = anchor + _ANCHORED_STEPS[anchored]
        default = (year, f"{year}年")
    year, year_label = _named_year(match[f"{side}_year"], match[f"{side}_relative"], today) or default
    part = _part_of_year(match, side, year)
    if part is None:
        return None
    start, end, part_label = part
    return _Point(start, end, year_label + part_label, year)


def _recent_years(count_text: str, today: date) -> tuple[date, date | None, str] | None:
    """近三年: the three years before this one and this one so far (from 2023 when asked in 2026):
    wider rather than narrower, as a scope too narrow loses the answer."""
    count = _number(count_text)
    if count < 1:
        return None
    start = date(today.year - count, 1, 1)
    return start, None, f"近{count_text}年（{start.year}年以来）"


def _read(match: re.Match[str], today: date, year: int | None = None) -> tuple[date, date | None, str] | None:
    """The period an expression names, or None when it names no single period."""
    if match["recent"]:
        return _recent_years(match["count"], today)
    if match["list"]:
        return None
    bare = match["bare"]  # the 2022 of 2022—2024年, a year by the range's 年
    alone = (year, f"{year}年") if year else (today.year, "今年")
    first = _point(match, "a", today, _named_year(bare, None, today) or alone, year)
    if first is None:
        return None
    if match["separator"]:
        last = _point(match, "b", today, (first.year, ""), year)
        if last is None or last.end < first.start:
            return None
        return first.start, last.end, f"{first.label}至{last.label}"
    if match["open"]:
        if match["open"] in _OPEN_ONLY_AFTER_SINCE and not match["since"]:
            return None
        return first.start, None, f"{first.label}以来"
    if match["since"] or bare:
        return None  # 自2023年实施以来: what began in 2023 is something else, said after it
    return first.start, first.end, first.label


def _is_past(start: date, end: date | None, today: date) -> bool:
    """No meeting is held after today: a period ahead (明年, 2030年, 下半年 asked in March) is a
    target or a plan, not when meetings were held."""
    return start <= today and (end is None or end.year <= today.year)


def _is_anchored(match: re.Match[str]) -> bool:
    """Whether a time expression is a year named from another (当年, 次年): what a time is about, when the
    question names a time of its own."""
    return bool(match["a_anchored"] or match["b_anchored"])


def find_period(question: str, today: date, year: int | None = None) -> Period | None:
    """The one time scope ``question`` names, relative to ``today``; None when it names none, or
    several, or one that is unclear. ``year`` is the conversation's (a follow-up's: 那7月那次呢 after
    2022年1月…): a part of a year named alone (7月, 年底) is of it when given, else of this year; a year
    named from it (同年, 次年, 上一年) is read only with it, and not at all beside a time of the question's own."""
    key, offsets = normalize_with_offsets(question)
    found: list[tuple[date, date | None, str, tuple[int, int]]] = []
    matches = list(_TIME_EXPRESSION.finditer(key))
    if not all(map(_is_anchored, matches)):  # 2021年1月那次…当年政府工作: named from the question's own time
        matches = [match for match in matches if not _is_anchored(match)]
    for match in matches:
        period = None if _UNREAD_AFTER.match(key, match.end()) else _read(match, today, year)
        if period is None:
            return None  # a time named in a way not read: no scope is safer than a wrong one
        start, end, label = period
        when_held = not _NOT_WHEN_HELD_AFTER.match(key, match.end()) and not _NOT_WHEN_HELD_BEFORE.search(key, 0, match.start())
        if when_held and _is_past(start, end, today):
            found.append((start, end, label, match.span()))
    if len(found) != 1:
        return None
    start, end, label, (first, last) = found[0]
    return Period(start=start, end=end, label=label, span=(offsets[first], offsets[last - 1] + 1))


def meeting_day(meeting_date: str | None) -> date | None:
    """The day of a full ``YYYY-MM-DD`` meeting date; None for a partial, missing or impossible one
    (a source's own date is kept as given: 2023-13-01)."""
    if meeting_date is None or not _ISO_DATE.fullmatch(meeting_date):
        return None
    try:
        return date.fromisoformat(meeting_date)
    except ValueError:
        return None
