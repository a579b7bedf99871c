"""A Traditional document reads as its Simplified original does: outline, headings, date, digest.

The Traditional text is made from the Simplified one by OpenCC (s2t), never written by hand, so the
test holds for every marker word the cleaner, the chunker and the digest look for.
"""

from __future__ import annotations

import pytest
from opencc import OpenCC

from index.collection import Collection
from index.normalize import normalize
from index.read import SourceText

MEETING = """在全镇防汛备汛工作会议上的讲话

临河讯5月12日，镇党委召开全镇防汛备汛工作会议，镇党委书记王立新讲话，镇长赵明远主持。
【提纲】第一点意见，认清形势，把防汛备汛摆上重要位置。第二点意见，压实责任，抓好三项重点工作。一是要抓紧排查隐患。二是要备足抢险物资。
第一点意见，认清形势，把防汛备汛摆上重要位置
今年入汛以来，上游来水偏多，河道水位持续上涨，防汛形势不容乐观。
第二点意见，压实责任，抓好三项重点工作
一是要抓紧排查隐患。镇水利站要会同各村在5月底前完成堤防、涵闸全面排查，建立隐患清单，限期整改到位。
二是要备足抢险物资。镇应急办要在汛前备齐编织袋、救生衣等物资，各村要落实专人看管。
三是要严格值班值守。各村、镇直各部门要严格执行二十四小时值班制度，确保信息畅通。
"""


def _traditional(text: str) -> str:
    return OpenCC("s2t").convert(text)


def _add(collection: Collection, text: str, name: str) -> str:
    report = collection.add_sources([SourceText(name=name, text=text, format="txt", original=text.encode())])
    (record,) = report.added
    return record.id


@pytest.fixture
def both(collection: Collection) -> tuple[Collection, str, str]:
    assert _traditional(MEETING) != MEETING, "the marker words have Traditional forms"
    return collection, _add(collection, MEETING, "simplified.txt"), _add(collection, _traditional(MEETING), "traditional.txt")


def test_traditional_marks_give_the_same_title_date_place_and_headings(both: tuple[Collection, str, str]) -> None:
    collection, simplified, traditional = both
    simple, trad = collection.document(simplified), collection.document(traditional)
    assert (simple.date, simple.place) == ("--05-12", "临河"), "the dateline 临河讯5月12日 is read"
    assert (trad.date, normalize(trad.title), normalize(trad.place or "")) == (simple.date, normalize(simple.title), normalize(simple.place or ""))
    simple_chunks, trad_chunks = collection.store.chunks_of(simplified), collection.store.chunks_of(traditional)
    assert any("第二点意见" in chunk.heading and "一是" in chunk.heading for chunk in simple_chunks)
    assert [normalize(chunk.heading) for chunk in trad_chunks] == [chunk.heading for chunk in simple_chunks]
    assert [normalize(chunk.text) for chunk in trad_chunks] == [normalize(chunk.text) for chunk in simple_chunks]


def test_traditional_digest_finds_the_same_owners_and_deadlines(both: tuple[Collection, str, str]) -> None:
    collection, simplified, traditional = both

    def read(doc_id: str) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
        _, sections = collection.digest(doc_id)
        return [
            (normalize(section.heading), tuple(map(normalize, item.owners)), tuple(map(normalize, item.deadlines)))
            for section in sections for item in section.requirements
        ]

    simple = read(simplified)
    assert ("第二点意见 › 一是要抓紧排查隐患", ("镇水利站", "各村"), ("5月底前",)) in simple
    assert read(traditional) == simple


def test_traditional_outline_is_read_as_an_outline(collection: Collection) -> None:
    _add(collection, _traditional(MEETING), "traditional.txt")
    answer = collection.ask(["備足搶險物資有什麼要求"])
    assert answer.passages, "the point is in the collection"
    assert answer.passages[0].text.startswith("二是要備足搶險物資"), "the body under the outline's point"
    assert not any(passage.text.startswith("【提綱】") for passage in answer.passages), "the outline is not shown as a passage"


BROKEN_LINES = """镇政府召开安全生产会议
各村要把隐患排查与
整改落实结合起来。
镇安监办要将
检查结果按月通报。
"""


def test_traditional_broken_lines_are_joined_as_simplified_ones() -> None:
    from index.clean import clean

    simple = clean(BROKEN_LINES).paragraphs
    assert len(simple) == 3, "short lines broken after 与 and 将 are joined"
    assert [normalize(paragraph) for paragraph in clean(_traditional(BROKEN_LINES)).paragraphs] == simple
