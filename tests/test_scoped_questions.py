"""Questions that name a time (2023年, 2024年以来) look only in the meetings held then, and say so."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.render import answer_text
from index.collection import Collection

MEETINGS = Path(__file__).parent / "meetings"


@pytest.fixture(scope="module")
def meetings(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    collection = Collection(tmp_path_factory.mktemp("scoped") / "m.db")
    collection.add_paths([MEETINGS])
    return collection


@pytest.mark.parametrize(
    ("question", "first", "last", "label"),
    [
        ("2023年高标准农田建设有什么要求", "2023-01-01", "2023-12-31", "2023年"),
        ("2024年以来防汛工作有什么部署", "2024-01-01", "9999-12-31", "2024年以来"),
        ("2022年至2023年安全生产有什么要求", "2022-01-01", "2023-12-31", "2022年至2023年"),
    ],
)
def test_a_named_period_limits_the_answer_to_its_meetings(
    meetings: Collection, question: str, first: str, last: str, label: str
) -> None:
    answer = meetings.ask([question])
    assert answer.passages
    assert all(passage.date and first <= passage.date <= last for passage in answer.passages)
    assert answer.scope is not None and label in answer.scope
    assert f"范围：{answer.scope}" in answer_text(answer)


def test_the_time_is_no_search_word(meetings: Collection) -> None:
    answer = meetings.ask(["2023年高标准农田建设有什么要求"])
    assert not any(term.startswith("2023") for term in answer.query.terms)


def test_a_period_without_meetings_answers_from_all_and_says_so(meetings: Collection) -> None:
    answer = meetings.ask(["2021年高标准农田有什么要求"])
    assert answer.passages, "the question is still answered"
    assert answer.scope == "没有2021年召开的相关会议，以下不限时间"
    assert "范围：没有2021年召开的相关会议" in answer_text(answer)


def test_a_follow_up_naming_a_period_keeps_the_topic(meetings: Collection) -> None:
    answer = meetings.ask(["高标准农田有什么要求", "2024年呢"])
    assert answer.passages and all(passage.date and passage.date.startswith("2024") for passage in answer.passages)
    assert all("高标准农田" in passage.text or "农田" in passage.title for passage in answer.passages)


def test_a_question_without_time_or_place_states_no_scope(meetings: Collection) -> None:
    assert meetings.ask(["高标准农田有什么要求"]).scope is None


def test_a_place_the_question_names_is_looked_in_first_and_said(meetings: Collection) -> None:
    answer = meetings.ask(["赤峰市高标准农田建设有什么要求"])
    assert answer.passages[0].place == "赤峰市农牧局"
    assert answer.scope is not None and "赤峰" in answer.scope


def test_a_year_that_is_what_is_asked_about_is_no_scope(meetings: Collection) -> None:
    """Without words of what meetings said (要求, 部署, 会议 …) a year is the subject: 2023年建成多少 is
    answered by the 2024 meeting that reports it."""
    answer = meetings.ask(["2023年全区建成高标准农田多少亩"])
    assert answer.scope is None
    assert answer.passages and "4.2万亩" in answer.passages[0].text
