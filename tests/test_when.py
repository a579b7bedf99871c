"""The time scope a question names, and whether a meeting date is in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path

import pytest

from index.tokenize import tokenize_question
from index.store import Store
from index.when import Period, find_period

TODAY = date(2026, 12, 1)
OPEN = None
"""An end that runs until now."""


def _d(text: str) -> date:
    return date.fromisoformat(text)


SCOPES: list[tuple[str, tuple[date, date | None, str] | None]] = [
    # a year, absolute or relative to today
    ("2023年高标准农田有什么要求", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    ("2023年度考核工作怎么安排", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    ("二〇二三年粮食生产目标", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    ("２０２３年的防汛部署", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    ("今年的重点工作是什么", (_d("2026-01-01"), _d("2026-12-31"), "今年")),
    ("本年度安全生产目标", (_d("2026-01-01"), _d("2026-12-31"), "今年")),
    ("去年的会议提了哪些要求", (_d("2025-01-01"), _d("2025-12-31"), "去年（2025年）")),
    ("前年乡村振兴怎么部署的", (_d("2024-01-01"), _d("2024-12-31"), "前年（2024年）")),
    ("2023年中央一号文件怎么落实", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    ("2023年内蒙古农牧业会议", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    # a part of a year, of the year named or of this one
    ("2023年上半年经济运行情况", (_d("2023-01-01"), _d("2023-06-30"), "2023年上半年")),
    ("2023年的下半年有什么安排", (_d("2023-07-01"), _d("2023-12-31"), "2023年下半年")),
    ("去年下半年召开了哪些会议", (_d("2025-07-01"), _d("2025-12-31"), "去年（2025年）下半年")),
    ("上半年重点工作", (_d("2026-01-01"), _d("2026-06-30"), "今年上半年")),
    ("一季度经济形势分析", (_d("2026-01-01"), _d("2026-03-31"), "今年第一季度")),
    ("2024年第四季度安全检查", (_d("2024-10-01"), _d("2024-12-31"), "2024年第四季度")),
    ("前三季度完成了多少投资", (_d("2026-01-01"), _d("2026-09-30"), "今年前三季度")),
    ("3月召开的会议讲了什么", (_d("2026-03-01"), _d("2026-03-31"), "今年3月")),
    ("今年3月份防汛会议", (_d("2026-03-01"), _d("2026-03-31"), "今年3月")),
    ("十一月的调度会", (_d("2026-11-01"), _d("2026-11-30"), "今年11月")),
    ("2023年3月15日的会议", (_d("2023-03-15"), _d("2023-03-15"), "2023年3月15日")),
    ("2024年2月29日召开的会议", (_d("2024-02-29"), _d("2024-02-29"), "2024年2月29日")),
    # from a point until now
    ("2024年以来乡村振兴取得哪些成效", (_d("2024-01-01"), OPEN, "2024年以来")),
    ("自2024年以来开了哪些会", (_d("2024-01-01"), OPEN, "2024年以来")),
    ("从2022年起实施了哪些措施", (_d("2022-01-01"), OPEN, "2022年以来")),
    ("从今年开始有哪些新要求", (_d("2026-01-01"), OPEN, "今年以来")),
    ("2022年至今高标准农田建设", (_d("2022-01-01"), OPEN, "2022年以来")),
    ("去年以来安全生产形势", (_d("2025-01-01"), OPEN, "去年（2025年）以来")),
    ("今年以来粮食生产情况", (_d("2026-01-01"), OPEN, "今年以来")),
    ("今年3月以来的防汛工作", (_d("2026-03-01"), OPEN, "今年3月以来")),
    # the last N years: the N years before this one, and this one so far
    ("近三年高标准农田建设情况", (_d("2023-01-01"), OPEN, "近三年（2023年以来）")),
    ("近两年来农民收入", (_d("2024-01-01"), OPEN, "近两年（2024年以来）")),
    ("近5年的培训工作", (_d("2021-01-01"), OPEN, "近5年（2021年以来）")),
    ("近三年内召开的会议", (_d("2023-01-01"), OPEN, "近三年（2023年以来）")),
    ("近三年年均增长多少", (_d("2023-01-01"), OPEN, "近三年（2023年以来）")),
    # ranges
    ("2022年到2024年高标准农田建设", (_d("2022-01-01"), _d("2024-12-31"), "2022年至2024年")),
    ("2022—2024年粮食产量", (_d("2022-01-01"), _d("2024-12-31"), "2022年至2024年")),
    ("2022年至2024年的会议", (_d("2022-01-01"), _d("2024-12-31"), "2022年至2024年")),
    ("从去年到今年的整改情况", (_d("2025-01-01"), _d("2026-12-31"), "去年（2025年）至今年")),
    ("2023年3月至6月的会议", (_d("2023-03-01"), _d("2023-06-30"), "2023年3月至6月")),
    ("2023年第一季度至第三季度", (_d("2023-01-01"), _d("2023-09-30"), "2023年第一季度至第三季度")),
    # Traditional
    ("2023年以來鄉村振興工作", (_d("2023-01-01"), OPEN, "2023年以来")),
    ("從2022年起有哪些變化", (_d("2022-01-01"), OPEN, "2022年以来")),
    ("近兩年的會議", (_d("2024-01-01"), OPEN, "近两年（2024年以来）")),
    ("去年下半年的會議", (_d("2025-07-01"), _d("2025-12-31"), "去年（2025年）下半年")),
    # a scope beside times that are no time of meetings
    ("2023年粮食产量比去年增长多少", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    ("2023年的会议对12月底前完成的任务有什么要求", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    ("2023年会议部署的2035年目标", (_d("2023-01-01"), _d("2023-12-31"), "2023年")),
    # numbers that are no years
    ("建成2000亩高标准农田", None),
    ("补贴30万元", None),
    ("投资2023万元建设什么", None),
    ("第2023号文件", None),
    ("粮食产量年均增长多少", None),
    ("十三五期间年均增长多少", None),
    ("2000年代以来的变化", None),
    # plans' names, targets, deadlines, bounds
    ("三年行动计划有哪些任务", None),
    ("十四五规划有哪些目标", None),
    ("2023—2025年三年行动计划的目标", None),
    ("三年行动计划（2023—2025年）的任务", None),
    ("12月底前要完成哪些任务", None),
    ("3月15日前完成摸底", None),
    ("到2025年建成多少亩", None),
    ("截至2024年建成多少亩", None),
    ("2025年底前完成什么", None),
    ("今年内完成哪些整改", None),
    ("2023年以后的会议", None),
    ("2023年初提出了什么", (date(2023, 1, 1), date(2023, 2, 28), "2023年年初")),
    ("2022年年中那次会议", (date(2022, 6, 1), date(2022, 7, 31), "2022年年中")),
    ("2022年4月底那次会议", (date(2022, 4, 21), date(2022, 4, 30), "2022年4月底")),
    ("2021年9月下旬的会议", (date(2021, 9, 21), date(2021, 9, 30), "2021年9月下旬")),
    ("2022年2月中央的会议", (date(2022, 2, 1), date(2022, 2, 28), "2022年2月")),
    ("2022年中央经济工作会议", (date(2022, 1, 1), date(2022, 12, 31), "2022年")),
    ("12月底前完成", None),
    # comparisons
    ("粮食产量比去年增长多少", None),
    ("与去年相比有什么变化", None),
    ("去年同期发生了几起事故", None),
    # years ahead
    ("2035年远景目标是什么", None),
    ("2027年的工作安排", None),
    ("明年上半年的计划", None),
    # several periods, or one not read
    ("2023年和2024年的会议", None),
    ("2023、2024年的会议", None),
    ("去年和今年的会议", None),
    ("2022年 2024年 高标准农田", None),
    ("2022年至2024的会议", None),
    ("2024年至2022年的会议", None),
    ("2023年2月30日的会议", None),
    ("13月的会议", None),
    ("自2023年实施以来有哪些成效", None),
    ("2023年起草的文件", None),
    ("今年开始实施的政策", None),
    # words that only look like a scope
    ("每年3月召开的会议", None),
    ("上一季度的工作", None),
    ("前一季度的工作", None),
    ("如今年轻人返乡创业", None),
    ("目前年产多少吨", None),
    ("以前年度的欠款", None),
    # vague
    ("近期有哪些会议", None),
    ("近年来取得了哪些成绩", None),
    ("近几年的变化", None),
    ("年度工作计划", None),
]


@pytest.mark.parametrize(("question", "expected"), SCOPES, ids=[question for question, _ in SCOPES])
def test_find_period(question: str, expected: tuple[date, date | None, str] | None) -> None:
    period = find_period(question, TODAY)
    assert (period and (period.start, period.end, period.label)) == expected


@pytest.mark.parametrize(
    ("question", "remaining"),
    [
        ("2023年高标准农田有什么要求", "高标准农田有什么要求"),
        ("自2024年以来开了哪些会", "开了哪些会"),
        ("高标准农田近三年来建了多少", "高标准农田建了多少"),
        ("乡村振兴2022—2024年取得哪些成效", "乡村振兴取得哪些成效"),
        ("從2022年起有哪些變化", "有哪些變化"),
    ],
)
def test_the_span_is_the_expression_so_what_remains_is_searched(question: str, remaining: str) -> None:
    period = find_period(question, TODAY)
    assert period is not None
    start, end = period.span
    assert question[:start] + question[end:] == remaining
    assert not any(char.isdigit() or char == "年" for token in tokenize_question(remaining) for char in token)


def test_the_span_indexes_the_question_as_typed() -> None:
    """Normalizing drops the zero-width space: the span still points into the original."""
    question = "\u200b高标准农田２０２３年以來有什么进展"
    period = find_period(question, TODAY)
    assert period is not None
    assert question[slice(*period.span)] == "２０２３年以來"


def test_a_period_is_immutable() -> None:
    period = find_period("2023年", TODAY)
    assert period is not None
    with pytest.raises(FrozenInstanceError):
        period.label = "2024年"  # type: ignore[misc]


YEAR_2023 = Period(start=date(2023, 1, 1), end=date(2023, 12, 31), label="2023年", span=(0, 5))
SINCE_2024 = Period(start=date(2024, 1, 1), end=None, label="2024年以来", span=(0, 7))
SINCE_2023 = Period(start=date(2023, 1, 1), end=None, label="2023年以来", span=(0, 7))


@pytest.mark.parametrize(
    ("meeting_date", "period", "inside"),
    [
        ("2023-01-01", YEAR_2023, True),
        ("2023-06-15", YEAR_2023, True),
        ("2023-12-31", YEAR_2023, True),
        ("2022-12-31", YEAR_2023, False),
        ("2024-01-01", YEAR_2023, False),
        ("2024-01-01", SINCE_2024, True),
        ("2026-11-30", SINCE_2024, True),
        ("2023-12-31", SINCE_2024, False),
        ("--06-15", YEAR_2023, False),
        ("--06-15", SINCE_2024, False),
        (None, YEAR_2023, False),
        (None, SINCE_2024, False),
        ("2023-13-01", YEAR_2023, False),
        ("2023-13-01", SINCE_2023, False),
        ("2023-02-30", SINCE_2023, False),
        ("2023年6月", YEAR_2023, False),
    ],
    ids=[
        "first-day", "within", "last-day", "day-before", "day-after", "open-start", "open-end", "before-open",
        "partial-in-year", "partial-since", "undated-year", "undated-since", "invalid-month", "invalid-month-since", "invalid-day-since", "not-iso",
    ],
)
def test_documents_held_between(held_on, meeting_date: str | None, period: Period, inside: bool) -> None:
    """A partial date or none is in no period: its year is unknown; an impossible one neither."""
    store = held_on([meeting_date, "2023-06-15", "2025-06-15"])
    held = store.documents_held_between(period.start, period.end)
    assert ("d0" in held) is inside
    assert held == sorted(held, key=lambda doc_id: store.document(doc_id).date)


def test_documents_held_between_takes_what_find_period_finds(held_on) -> None:
    month, year = find_period("今年3月召开的会议", TODAY), find_period("今年以来召开的会议", TODAY)
    assert month is not None and year is not None
    store = held_on(["2026-02-28", "2026-03-01", "2026-03-31", "2026-04-01", "--03-15", "2026-02-30", "2026-03-01"])
    assert store.documents_held_between(month.start, month.end) == ["d1", "d6", "d2"], "same day: by id"
    assert "d5" not in store.documents_held_between(year.start, year.end), "2026-02-30 is no day of this year"


@pytest.fixture
def held_on(tmp_path: Path) -> Iterator[Callable[[list[str | None]], Store]]:
    """A catalogue whose document ``d{n}`` was held on the n-th of the meeting dates given."""
    stores: list[Store] = []

    def catalogue(meeting_dates: list[str | None]) -> Store:
        store = Store(tmp_path / f"meetings-{len(stores)}.db")
        stores.append(store)
        with store.transaction() as db:
            for number, meeting_date in enumerate(meeting_dates):
                db.execute("insert into documents (id, name, title, date) values (?, ?, ?, ?)",
                           [f"d{number}", f"d{number}.txt", f"会议{number}", meeting_date])
        return store

    yield catalogue
    for store in stores:
        store.close()


def test_a_part_named_alone_is_of_the_year_given() -> None:
    period = find_period("那7月那次呢", date(2026, 12, 7), year=2022)
    assert period is not None and (period.start, period.end, period.label) == (date(2022, 7, 1), date(2022, 7, 31), "2022年7月")
    assert find_period("那2021年那次呢", date(2026, 12, 7), year=2022).label == "2021年"


@pytest.mark.parametrize(
    ("question", "label"),
    [("那上一年的呢", "2021年"), ("那前一年呢", "2021年"), ("那次年呢", "2023年"), ("那第二年的呢", "2023年"),
     ("那同年7月那次呢", "2022年7月"), ("那当年年底那次呢", "2022年年底")],
)
def test_a_year_named_from_the_conversations(question: str, label: str) -> None:
    period = find_period(question, date(2026, 12, 7), year=2022)
    assert period is not None and period.label == label
    assert find_period(question, date(2026, 12, 7)) is None  # with no year to count from, no scope


@pytest.mark.parametrize("year", [None, 2022])
def test_a_year_named_from_the_questions_own_time_is_what_it_is_about(year: int | None) -> None:
    period = find_period("那2021年1月那次全体会议，对当年政府工作提了啥要求", date(2026, 12, 7), year=year)
    assert period is not None and period.label == "2021年1月"


def test_a_time_the_question_asks_about_is_not_when_the_meeting_was_held() -> None:
    period = find_period("2022年1月国务院开全体会议，对一季度工作是怎么安排的", date(2026, 12, 7))
    assert period is not None and period.label == "2022年1月"
    assert find_period("会议对上半年工作提了什么要求", date(2026, 12, 7)) is None


def test_the_year_a_meeting_plans_for_is_not_when_it_was_held() -> None:
    period = find_period("2022年12月初研究2023年经济工作的那次会议", date(2026, 12, 7))
    assert period is not None and period.label == "2022年12月初"
