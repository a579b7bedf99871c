"""Plain-text rendering shared by the terminal and Telegram: excerpts, meeting facts, nothing found."""

from __future__ import annotations

import dataclasses

from bot.render import MAX_COPIES_SHOWN, also_at_line, excerpt, meeting_line, nothing_found_lines, timeline_entry
from bot.telegram_format import passage_html
from index.search import Passage
from index.store import DocumentRecord

FILLER = "会议听取了各乡镇的工作汇报，大家结合实际作了交流发言。"


def _passage(text: str, highlights: list[tuple[int, int]]) -> Passage:
    return Passage(
        doc_id="d", title="t", date=None, place=None, source_url=None, paragraph=1, position=0,
        text=text, heading="", speakers=(), score=1.0, coverage=1.0, highlights=highlights,
    )


def _document(**fields) -> DocumentRecord:
    values = dict(id="d1", name="a.txt", title="县委农村工作会议", date="2024-03-05", place="某县", source_url=None,
                  speakers={"王强": [2]}, chunk_count=3, char_count=300, added_at="",
                  title_tokens="县委 农村 工作 会议", place_tokens="某县")
    return DocumentRecord(**{**values, **fields})


def test_a_long_passage_leads_with_its_best_sentence() -> None:
    best = "要在年底前完成高标准农田建设任务。"
    text = FILLER * 12 + best + FILLER * 2
    start = text.index("高标准农田")
    shown, spans = excerpt(_passage(text, [(start, start + 5)]), limit=120)
    assert shown.startswith("…" + best), "the sentence with the matched words comes first"
    assert len(shown) <= 120 + 4
    assert [shown[b:e] for b, e in spans] == ["高标准农田"], "highlights move with the text"


def test_one_long_sentence_is_cut_around_its_matched_word() -> None:
    text = "为进一步巩固脱贫攻坚成果、推动乡村全面振兴、促进农民持续增收，" * 4 + "各乡镇要加快推进高标准农田建设，确保年底前全部完工。"
    start = text.index("高标准农田")
    shown, spans = excerpt(_passage(text, [(start, start + 5)]), limit=90)
    assert "高标准农田" in shown, "the cut keeps the word the entry is listed for"
    assert [shown[b:e] for b, e in spans] == ["高标准农田"]
    assert shown.startswith("…") and len(shown) <= 92


def test_where_else_a_report_was_published_names_each_copy_once_and_counts_the_rest() -> None:
    copies = (("县农业农村局召开秋粮收购推进会", None),) * 59 + tuple((f"转载{i}", f"http://site{i}.example/a") for i in range(8))
    passage = dataclasses.replace(_passage("会议要求抓好秋粮收购。", []), also_at=copies)
    for line in (also_at_line(passage), passage_html(1, passage).splitlines()[-1]):
        assert line.count("县农业农村局召开秋粮收购推进会") == 1, line
        assert line.count("；") == MAX_COPIES_SHOWN - 1
        assert line.endswith("等9处"), "nine distinct places, some not named"
    few = dataclasses.replace(passage, also_at=copies[:3])
    assert also_at_line(few) == "同一报道也发布于：《县农业农村局召开秋粮收购推进会》（未附链接）"


def test_a_timeline_entry_marks_a_missing_date_once_and_no_missing_place() -> None:
    head, _text, _spans = timeline_entry(3, _passage("会议要求抓好秋粮收购。", []))
    assert head == "3. 【日期不详】 · 《t》"
    dated, _text, _spans = timeline_entry(1, dataclasses.replace(_passage("x", []), date="--04-17", place="某县"))
    assert dated == "1. 4月17日（未注明年份） · 某县 · 《t》"


def test_a_short_passage_is_shown_whole() -> None:
    text = "会议要求，抓好春耕备耕。"
    assert excerpt(_passage(text, [(5, 9)])) == (text, [(5, 9)])


def test_meeting_line_states_date_place_and_speakers() -> None:
    line = meeting_line(_document())
    assert "2024年3月5日" in line and "某县" in line and "王强" in line
    assert "日期未注明" in meeting_line(_document(date=None, place=None, speakers={}))


def test_nothing_found_says_so_and_lists_what_is_covered() -> None:
    lines = nothing_found_lines("电子竞技", [_document()], ["高标准农田建设"])
    assert "没有找到" in lines[0] and "电子竞技" in lines[0]
    assert any("县委农村工作会议" in line for line in lines)
    assert any("高标准农田建设" in line for line in lines)
