"""Ranking details: words jieba cuts differently in a question and in the passages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from index.collection import Collection
from index.read import SourceText
from index.search import (
    FIELD_WEIGHTS, SINGLE_CHARACTER_WEIGHT, _Candidate, _clauses, _documents_first, _known_parts, _present, _similarity, opens_report,
    term_weight,
)
from index.store import ChunkRecord, DocumentRecord
from index.tokenize import cut_compounds, is_question_word, token_text, tokenize_question

VILLAGE_REPORT = """镇党委召开村级集体经济发展座谈会

会上，潘淑介绍了会稽句章村发展集体经济的经验，提出要盘活闲置资产。
镇长王立新要求，各村要建立集体资产台账，年底前完成清产核资。
"""


def _add(collection: Collection, text: str, name: str = "village.txt") -> None:
    collection.add_sources([SourceText(name=name, text=text, format="txt", original=text.encode())])


def test_known_parts_cover_a_glued_word_with_indexed_words() -> None:
    assert _known_parts("潘淑是", {"潘淑": 3}) == ["潘淑"]
    assert _known_parts("干部作风", {"干部": 5, "作风": 2, "部作": 0}) == ["干部", "作风"]
    assert _known_parts("太空", {"太": 4}) == []


def test_name_glued_to_the_next_character_still_finds_its_passage(collection: Collection) -> None:
    assert tokenize_question("潘淑是怎么说的") == ["潘淑是"], "precondition: jieba glues the name to 是"
    _add(collection, VILLAGE_REPORT)
    answer = collection.ask(["潘淑是怎么说的"])
    assert answer.passages and "潘淑" in answer.passages[0].text


def test_word_only_found_inside_longer_tokens_counts_as_covered(collection: Collection) -> None:
    assert tokenize_question("句章在哪里") == ["句章"], "precondition: the text segments 会稽句/章村 instead"
    _add(collection, VILLAGE_REPORT)
    answer = collection.ask(["句章在哪里"])
    assert answer.passages and "句章" in answer.passages[0].text
    assert answer.passages[0].coverage == 1.0


def test_words_absent_from_the_collection_still_get_nothing(collection: Collection) -> None:
    _add(collection, VILLAGE_REPORT)
    assert collection.ask(["太空探索有什么进展"]).passages == []


def test_interrogatives_with_measure_words_are_question_words() -> None:
    assert all(is_question_word(word) for word in ("哪支", "哪国", "几次", "何时", "什么", "咋", "这块"))
    assert not any(is_question_word(word) for word in ("农田", "村", "几乎是"))


def test_generic_verbs_of_asking_do_not_sink_a_question(collection: Collection) -> None:
    """怎么做/怎么搞 ask how; the verb is not a topic the passage must contain."""
    _add(collection, "镇党委召开换届工作会议\n\n会议要求，各村要严格按照程序做好两委换届选举工作。\n")
    for question in ("两委换届怎么做", "两委换届怎么搞"):
        assert collection.ask([question]).passages, question


def test_a_reprinted_paragraph_is_shown_once(collection: Collection) -> None:
    """The same paragraph in two reprints of a report (one with a changed word) appears once."""
    body = "会议要求，各村要建立集体资产台账，年底前完成清产核资，严防集体资产流失。"
    _add(collection, f"县农业农村局召开清产核资会议\n\n{body}\n", name="a.txt")
    _add(collection, f"清产核资会议召开\n\n{body.replace('严防', '防止')}\n\n另据了解，全县清产核资工作进展顺利。\n", name="b.txt")
    texts = [passage.text for passage in collection.ask(["清产核资有什么要求"], 5).passages]
    assert len(texts) == 2, texts
    assert sum("集体资产台账" in text for text in texts) == 1


def test_passages_without_chinese_pairs_are_never_duplicates() -> None:
    assert _similarity(set(), set()) == 0.0 and _similarity({"会议"}, set()) == 0.0
    assert _similarity({"会议", "议要"}, {"会议", "议要"}) == 1.0


CITY_MEETING = """市委召开乡村振兴专题会议

5月6日，市委召开乡村振兴专题会议，研究部署下一阶段重点工作。
市委书记周向东讲话。市长孙海波主持。市领导刘明、陈亮出席会议。
周向东强调，要坚持问题导向，扎实推进产业振兴，抓好特色种养和农产品加工，确保农民持续增收。
孙海波就贯彻落实会议精神讲了意见。他要求，各县区要压实责任，强化督导，建立问题清单，限期整改到位。要加强资金保障，确保项目按期开工。
"""

OUTLINE_SPEECH = """在全区农业农村工作会议上的讲话

【提纲】一、认清形势，增强做好农业农村工作的责任感。二、突出重点，全力抓好三项任务。一是要在“冬春农田水利建设”上实现新突破。二是要在“设施蔬菜扩面”上拿出新办法。
同志们：今天召开全区农业农村工作会议，主要任务是总结工作、部署任务。
一、认清形势，增强做好农业农村工作的责任感
过去一年，全区粮食总产稳定在十五万吨以上，农民收入持续增长。
二、突出重点，全力抓好三项任务
一是要在“冬春农田水利建设”上实现新突破。各乡镇要在12月底前完成渠道清淤，区水利局要加快泵站维修，确保春灌前全部完工。
二是要在“设施蔬菜扩面”上拿出新办法。区农业农村局要会同财政局研究大棚建设补贴办法，引导农户扩大种植面积。
"""


def test_a_speakers_own_words_come_before_the_line_that_names_them(collection: Collection) -> None:
    _add(collection, CITY_MEETING, "city.txt")
    answer = collection.ask(["孙海波讲了什么"])
    assert answer.passages, "the speaker is in the collection"
    assert "压实责任" in answer.passages[0].text, "his speech, not the roster line 'X主持。市领导…出席'"
    assert answer.passages[0].speakers == ("孙海波",)


def test_a_speakers_name_is_kept_whole_in_the_question(collection: Collection) -> None:
    _add(collection, CITY_MEETING, "city.txt")
    assert "周向东" in collection.ask(["周向东强调了什么"]).query.terms


def test_an_outline_point_is_shown_with_the_body_it_introduces(collection: Collection) -> None:
    _add(collection, OUTLINE_SPEECH, "outline.txt")
    answer = collection.ask(["设施蔬菜扩面有什么办法"])
    first = answer.passages[0]
    assert "大棚建设补贴" in first.text, "the body under the point, not only the outline"
    assert first.text.startswith("二是要在“设施蔬菜扩面”上拿出新办法")
    assert not any(passage.text.startswith("【提纲】") for passage in answer.passages), "the outline is not shown again"


def test_a_bare_heading_is_shown_with_the_passage_under_it(collection: Collection) -> None:
    _add(collection, OUTLINE_SPEECH, "outline.txt")
    answer = collection.ask(["认清形势增强责任感"])
    assert answer.passages[0].text.startswith("一、认清形势")
    assert "粮食总产" in answer.passages[0].text


def test_a_common_word_is_searched_in_the_body_only() -> None:
    """Its title, heading and bigram clauses score little and cost the most; the other words keep all theirs."""
    clauses = _clauses({"推进": 1.0, "零碳园区": 1.0}, set(), common={"推进"})
    assert {field for field, term, _weight in clauses if term == "推进"} == {"body"}
    assert {field for field, term, _weight in clauses if term == "零碳园区"} == set(FIELD_WEIGHTS)
    assert {term for field, term, _weight in clauses if field == "bigram"} == {"零碳", "碳园", "园区"}


def test_a_candidate_is_found_by_whole_tokens_of_each_field() -> None:
    """Each word counts where it is a token: the body, a speaker, the title, the issuer or the
    heading path; a word inside a longer token (改革 in 深化改革) or an empty field counts nowhere."""
    document = DocumentRecord(
        id="d", name="d.txt", title="深化改革工作会议", date=None, place="德州市人民政府", source_url=None,
        speakers={}, chunk_count=1, char_count=10, added_at="2026-12-01",
        title_tokens=token_text("深化改革工作会议"), place_tokens=token_text("德州市人民政府"),
    )
    chunk = ChunkRecord(
        doc_id="d", position=0, paragraph=0, text="…", heading="一、推进高标准农田建设", voices=("王立新",),
        token_text="清产核资 台账", heading_tokens=token_text("一、推进高标准农田建设"),
    )
    wanted = {"台账", "王立新", "深化改革", "德州市", "高标准农田", "改革", "农田", "乡村"}
    assert _present(chunk, document, wanted) == {"台账", "王立新", "深化改革", "德州市", "高标准农田"}
    bare = DocumentRecord(**{**document.__dict__, "title": "", "place": None, "title_tokens": "", "place_tokens": ""})
    headless = ChunkRecord(**{**chunk.__dict__, "heading": "", "heading_tokens": ""})
    assert _present(headless, bare, {"深化改革", "高标准农田"}) == set()


FARMLAND_REPORTS = (
    "县农业农村局召开高标准农田建设推进会\n\n会议要求，高标准农田建设要在10月底前完成验收。\n",
    "县农业农村局召开春耕生产会议\n\n会议要求，高标准农田要加快建设，年内新建两万亩。\n",
)


def test_a_quoted_phrase_must_be_matched_as_written(collection: Collection) -> None:
    for number, text in enumerate(FARMLAND_REPORTS):
        _add(collection, text, name=f"farmland{number}.txt")
    loose = collection.ask(["高标准农田建设有什么要求"])
    assert len({p.doc_id for p in loose.passages}) == 2, "precondition: unquoted, both reports match"
    quoted = collection.ask(["“高标准农田建设”有什么要求"])
    assert quoted.passages and all("高标准农田建设" in p.text for p in quoted.passages)
    assert not collection.ask(['"高标准水利建设"有什么要求']).passages


BULLETIN = """国内联播快讯

国务院安委办部署春节安全防范工作
国务院安委办要求各地紧盯烟花爆竹、道路交通和人员密集场所，严防重特大事故。
我国成功发射一颗通信技术试验卫星
卫星顺利进入预定轨道，发射任务获得圆满成功。
"""


def test_a_headline_is_shown_with_the_paragraph_it_heads(collection: Collection) -> None:
    _add(collection, BULLETIN, name="bulletin.txt")
    answer = collection.ask(["春节安全防范工作怎么部署"])
    assert answer.passages
    first = answer.passages[0].text
    assert first.startswith("国务院安委办部署春节安全防范工作\n") and "烟花爆竹" in first


def test_common_words_in_passing_are_no_evidence_for_a_topic_never_mentioned(collection: Collection) -> None:
    """低空 is in no passage; one passage uses 航空 once and the common 发展 once. Counting 发展 as a second
    mention of the question's words would make it an answer about 低空经济和通用航空."""
    topics = ("粮食生产", "就业优先", "生态保护", "科技创新", "养老服务", "城市更新", "乡村振兴", "安全生产",
              "医疗保障", "住房保障", "教育公平", "通用技术")
    lines = [f"会议要求，做好{topic}工作，{'促进经济平稳发展，' if i % 3 == 0 else ''}抓好落实。" for i, topic in enumerate(topics)]
    lines.append("会议决定，稳定外贸发展，用好航空货运运力，支持跨境电商出口。")
    _add(collection, "国务院召开常务会议\n\n" + "\n".join(lines) + "\n")
    assert collection.index.doc_freqs("body", ["低空"])["低空"] == 0, "precondition"
    assert collection.ask(["对发展低空经济和通用航空有什么部署"]).passages == []
    assert collection.ask(["航空货运有什么部署"]).passages, "the words it does use still find it"


CONSULTATIONS = {
    "spring.txt": "市政协召开专题协商会\n\n5月10日，市政协召开专题协商会，围绕提升老旧小区改造水平协商议政。市政协主席王立主持会议。\n"
                  "委员们建议，要完善老旧小区改造资金保障，提升老旧小区改造水平，加强改造后的物业管理。\n"
                  "市政协副主席李华作主题发言。市住建局负责人介绍了有关情况。\n",
    "autumn.txt": "市政协召开专题协商会\n\n9月8日，市政协召开专题协商会，围绕养老服务体系建设协商议政。市政协主席王立主持会议。\n"
                  "委员们建议，要扩大普惠养老服务供给，发展社区嵌入式养老。\n"
                  "市政协副主席赵敏作主题发言。市民政局负责人介绍了有关情况。\n",
}


def test_the_clause_that_asks_chooses_the_passage_within_the_meeting_the_others_describe(collection: Collection) -> None:
    """协商老旧小区改造那次 says which meeting; 主题发言是哪位副主席作的 which of its passages. The opening paragraph
    meets the describing words best, the answer only the asking ones. (副, cut from 副主席 in the question
    alone, is no word the collection never uses: the answer must not be dropped as about something unknown.)"""
    for name, text in CONSULTATIONS.items():
        _add(collection, text, name=name)
    answer = collection.ask(["政协协商老旧小区改造那次，主题发言是哪位副主席作的"])
    assert answer.passages and "李华作主题发言" in answer.passages[0].text
    first_meeting = [passage.text for passage in answer.passages if passage.doc_id == answer.passages[0].doc_id]
    assert any("老旧小区" in text for text in first_meeting), "the meeting described, not the other one"


def test_a_document_meeting_more_of_the_question_across_its_passages_comes_first() -> None:
    """A report meeting 防汛 in one paragraph and 排水 in the next comes before one whose single paragraph
    repeats 排水 and so scores a little higher; each report's own passages keep their order."""
    def candidate(doc_id: str, score: float, shown: set[str]) -> _Candidate:
        return _Candidate(score, 0.5, shown, SimpleNamespace(doc_id=doc_id), None, 0.0)  # type: ignore[arg-type]

    weights = {"防汛": 1.0, "排水": 1.0}
    ranked = [candidate("repeats", 1.4, {"排水"}), candidate("both", 1.2, {"防汛"}), candidate("both", 1.1, {"排水"})]
    assert [(c.chunk.doc_id, c.score) for c in _documents_first(ranked, weights)] == [("both", 1.2), ("both", 1.1), ("repeats", 1.4)]
    alone = [candidate("repeats", 3.0, {"排水"}), candidate("both", 1.2, {"防汛"}), candidate("both", 1.1, {"排水"})]
    assert _documents_first(alone, weights)[0].chunk.doc_id == "repeats", "a far better passage still leads"


def test_a_compound_the_collection_never_writes_is_not_met_by_its_parts(collection: Collection) -> None:
    """jieba cuts 电子烟, which it does not know, into 电子 and 烟: a report on 电子政务 meets a part, not the
    topic, and must not answer, though the collection uses 烟 elsewhere. The compound it does write (电子政务)
    still finds it."""
    assert [cut[:2] for cut in cut_compounds("对电子烟监管有什么部署")] == [("电子", "烟")], "precondition: jieba's cut"
    _add(collection, "国务院常务会议部署电子政务建设\n\n会议要求，构建统一的国家电子政务网络，加强监管，"
                     "打破信息孤岛。电子政务要实现应联尽联。\n")
    _add(collection, "市场监管工作会议召开\n\n会议要求，做好烟、酒、糖等商品的价格监测。\n", name="market.txt")
    assert collection.ask(["对电子烟监管有什么部署"]).passages == []
    assert collection.ask(["对电子政务网络监管有什么部署"]).passages


def test_only_a_word_and_a_one_character_noun_are_read_as_a_compound() -> None:
    assert ("电子商务", "法") in [cut[:2] for cut in cut_compounds("对电子商务法开展执法检查")]
    assert cut_compounds("12月初国常会对账款怎么要求") == [], "a time (月初) starts no compound"
    assert cut_compounds("会议闭幕时增补了委员") == [], "时 is when, no part of a word"


def test_a_character_beginning_the_next_word_as_passages_write_it_is_no_compound(collection: Collection) -> None:
    """发展 茶 产业: 展茶 is never written, but 茶产业 is: the question is about the tea industry."""
    assert [cut[:2] for cut in cut_compounds("会议对发展茶产业有什么要求")] == [("发展", "茶")], "precondition: jieba's cut"
    _add(collection, "县政府召开茶产业发展推进会\n\n会议要求，推动茶产业高质量发展，打造区域公用品牌。\n")
    assert collection.ask(["会议对发展茶产业有什么要求"]).passages


def test_a_lone_character_of_a_question_about_decisions_weighs_half_a_word_as_rare() -> None:
    """提 (of 提了哪些要求) is mostly a piece of the asking phrase, seldom a word of the passages: its IDF overstates
    it. In other questions a lone character may be what is asked about, and weighs in full."""
    assert term_weight("提", 1000, 3, True) == pytest.approx(term_weight("落实", 1000, 3, True) * SINGLE_CHARACTER_WEIGHT)
    assert term_weight("鱼", 1000, 3, False) == term_weight("落实", 1000, 3, False)
    assert term_weight("iphone", 1000, 3, True) == term_weight("落实", 1000, 3, True), "only Chinese characters alone"


def test_only_a_meeting_reports_opening_gives_way_to_the_paragraphs_after_it() -> None:
    """A meeting's report opens by saying what was held; an encyclopedia entry's opening may be the answer."""
    opening = SimpleNamespace(position=0)
    meeting = SimpleNamespace(chunk_count=3, meeting=SimpleNamespace(kind="县政府常务会议"))
    entry = SimpleNamespace(chunk_count=3, meeting=SimpleNamespace(kind=None))
    assert opens_report(opening, meeting)  # type: ignore[arg-type]
    assert not opens_report(opening, entry)  # type: ignore[arg-type]
    assert not opens_report(SimpleNamespace(position=1), meeting)  # type: ignore[arg-type]
