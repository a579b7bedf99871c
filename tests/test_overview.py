"""What the collection covers, and the questions it has nothing for (where the bot suggests that coverage)."""

from __future__ import annotations

import pytest

from index.chunk import HEADING_SEPARATOR
from index.collection import Collection
from index.overview import main_points
from index.read import SourceText
from index.tokenize import tokenize

ECONOMY_REPORT = """市政府召开全市经济运行调度会议

2024年5月20日，市政府召开全市经济运行调度会议，分析当前经济形势，部署下阶段重点工作。
（一）大力提振消费。要组织开展汽车、家电以旧换新活动，培育夜间经济等消费新业态。
（二）积极扩大有效投资。要加快重点项目建设进度，确保新开工项目按期落地。
（三）全力稳定外贸外资。要帮助外贸企业拓市场、抢订单，稳住外资企业在本地发展。
会议强调，各部门要压实责任，确保完成全年目标任务。
"""

FARMING_REPORT = """县农业农村局召开春季农业生产工作会议

2024年3月1日，县农业农村局召开春季农业生产工作会议，安排部署春耕生产。
一是抓好“高标准农田建设”。要在5月底前完成年度建设任务，同步建好灌排设施。
二是抓好“春耕备耕”。要落实种子化肥供应，气温稳定回升到12℃以上时及时组织播种。
三是加强农技服务。要组织农技人员深入田间地头开展技术指导。
"""
"""Older than the economy report; its points quote their key tasks."""


@pytest.fixture
def reports(collection: Collection) -> Collection:
    """``collection`` holding the economy and the farming report."""
    for name, text in (("economy.txt", ECONOMY_REPORT), ("farming.txt", FARMING_REPORT)):
        collection.add_sources([SourceText(name=name, text=text, format="txt", original=text.encode())])
    return collection


# -- main points of outlines --------------------------------------------------


def test_quoted_key_tasks_come_before_numbered_points() -> None:
    points = main_points(["（一）大力提振消费", "一是抓好“高标准农田建设”", "二是抓好“春耕备耕”"], limit=5)
    assert points[:2] == ["高标准农田建设", "春耕备耕"]
    assert "大力提振消费" in points


@pytest.mark.parametrize(
    ("label", "point"),
    [
        ("（一）大力提振消费", "大力提振消费"),
        ("一、扩大有效需求", "扩大有效需求"),
        ("第一，稳定粮食生产", "稳定粮食生产"),
        ("二要压实工作责任", "压实工作责任"),
        ("3.推进项目建设", "推进项目建设"),
    ],
)
def test_numbered_points_lose_their_numbering(label: str, point: str) -> None:
    assert main_points([label], limit=5) == [point]


def test_every_label_of_a_heading_path_is_a_point_once() -> None:
    headings = [
        f"一、扩大有效需求{HEADING_SEPARATOR}（一）大力提振消费",
        f"一、扩大有效需求{HEADING_SEPARATOR}（二）积极扩大有效投资",
        "（一）大力提振消费",
        "",
    ]
    assert main_points(headings, limit=10) == ["扩大有效需求", "大力提振消费", "积极扩大有效投资"]


def test_points_stop_at_the_limit() -> None:
    headings = ["（一）大力提振消费", "（二）积极扩大有效投资", "（三）全力稳定外贸外资"]
    assert main_points(headings, limit=2) == ["大力提振消费", "积极扩大有效投资"]


def test_points_need_two_chinese_characters() -> None:
    assert main_points(["（一）5G", "1.", "（二）稳", "（三）稳就业"], limit=5) == ["稳就业"]


def test_a_quoted_key_task_is_not_suggested_again_in_its_full_label() -> None:
    points = main_points(["一是抓好“高标准农田建设”", "三是加强农技服务"], limit=5)
    assert points == ["高标准农田建设", "加强农技服务"]


# -- what the collection covers -----------------------------------------------


def test_coverage_lists_the_newest_documents_and_their_points(reports: Collection) -> None:
    documents, points = reports.coverage()
    assert [document.title for document in documents] == ["市政府召开全市经济运行调度会议", "县农业农村局召开春季农业生产工作会议"]
    assert points[:2] == ["高标准农田建设", "春耕备耕"]
    assert "大力提振消费" in points


def test_coverage_takes_points_only_from_the_documents_it_lists(reports: Collection) -> None:
    documents, points = reports.coverage(documents=1)
    assert [document.title for document in documents] == ["市政府召开全市经济运行调度会议"]
    assert points == ["大力提振消费", "积极扩大有效投资", "全力稳定外贸外资"]


# -- questions the collection has nothing for ---------------------------------


@pytest.mark.parametrize("question", ["电子竞技比赛门票", "梅西和C罗谁的进球多"])
def test_question_off_the_collection_finds_nothing(reports: Collection, question: str) -> None:
    assert reports.ask([question]).passages == []


@pytest.mark.parametrize(
    ("question", "answered_by"),
    [("家电以旧换新怎么搞", "大力提振消费"), ("种子化肥供应有保障吗", "春耕备耕")],
)
def test_paraphrase_on_the_collection_still_finds_its_passage(reports: Collection, question: str, answered_by: str) -> None:
    passages = reports.ask([question]).passages
    assert passages and answered_by in passages[0].text


def test_a_unit_letter_is_no_word() -> None:
    """℃ normalizes to °C; the lone c would match C罗 with a temperature."""
    assert "c" not in tokenize("气温25℃")
    assert "c" not in tokenize("梅西和C罗")
