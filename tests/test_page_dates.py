"""A page's date line, from the uploaded bytes to the document: the page's date, never a passage or a title."""

from __future__ import annotations

import pytest

from index.document import Document, build_document
from index.read import SourceText, read_bytes

TITLE = "县政府召开常务会议 部署春耕生产"
BODY = "会议要求，各乡镇要抓紧抓实春耕备耕，确保不误农时。"


def document(text: str, name: str = "report.txt") -> Document:
    [source] = read_bytes(name, text.encode("utf-8"))
    assert isinstance(source, SourceText)
    built = build_document(source)
    assert built is not None
    return built


@pytest.mark.parametrize(
    ("date_line", "opening"),
    [
        ("2023-01-05", "县长王明1月4日主持召开县政府常务会议，部署春耕生产。"),
        ("发布时间：2023-01-05 19:00", "1月4日，县长王明主持召开县政府常务会议。"),
        ("2023年01月05日 19:00　来源：县融媒体中心", "1月4日上午，县政府召开常务会议。"),
    ],
)
def test_a_date_line_under_the_title_dates_the_meeting_and_is_no_passage(date_line: str, opening: str) -> None:
    built = document(f"{TITLE}\n{date_line}\n{opening}\n{BODY}\n")
    assert built.meta.title == TITLE
    assert built.meta.date == "2023-01-04"
    assert [chunk.text for chunk in built.chunks] == [opening, BODY]


def test_a_date_line_is_the_date_of_a_text_whose_opening_names_another_day() -> None:
    text = f"{TITLE}\n2023年01月05日 19:00　来源：县融媒体中心\n会议审议通过《办法》，自2023年6月1日起施行。\n{BODY}\n"
    built = document(text)
    assert built.meta.date == "2023-01-05"
    assert built.meta.place == "县融媒体中心"
    assert all("2023年01月05日" not in chunk.text for chunk in built.chunks)


def test_a_jsonl_rows_date_gives_way_to_the_meetings_day_its_lead_states() -> None:
    row = '{"title": "%s", "date": "2023-01-06", "text": "2023-01-05\\n1月4日，县政府召开常务会议。"}' % TITLE
    built = document(row, name="rows.jsonl")
    assert built.meta.date == "2023-01-04"
    assert [chunk.text for chunk in built.chunks] == ["1月4日，县政府召开常务会议。"]
