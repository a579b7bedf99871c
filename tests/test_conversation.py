"""Follow-up turns: questions about the last answer's meeting, place switches, aspects, new topics."""

from __future__ import annotations

import time

import pytest

import index.collection as collection_module
from index.collection import Collection
from index.conversation import meeting_aspect, resolve
from index.read import SourceText
from index.search import Passage

DEZHOU_REPORT = """德州市召开全市乡村振兴工作推进会议

4月16日，德州市召开全市乡村振兴工作推进会议，总结去年工作，安排部署今年重点任务。
市委书记李某某强调，要把乡村振兴作为新时代“三农”工作总抓手，坚持产业兴旺为重点，做强特色种植和农产品精深加工。
李某某要求，各县市区要持续改善农村人居环境，扎实推进农村厕所革命和生活污水治理，建设宜居宜业和美乡村。
会议指出，要压紧压实五级书记抓乡村振兴责任，完善考核评价机制，确保各项任务落地见效。
"""

JIXIAN_REPORT = """全县农业农村重点工作调度会召开

3月24日，集贤县召开全县农业农村重点工作调度会，县委副书记王某某主持会议。
会议听取了各乡镇秋粮收购进度汇报。会议要求，要加快秋粮收购进度，严格执行最低收购价政策，严禁压级压价，确保农民售粮不难。
王某某强调，要组织开展农机操作技能培训，提升农机手作业水平，为春耕生产做好准备。
会议强调，要抓好春耕备耕，落实种子化肥等农资供应，确保不误农时。
信息来源：集贤微言
"""

HERDING_REPORT = """市农牧局举办全市农牧业实用技术培训班

6月5日，市农牧局举办全市农牧业实用技术培训班，各旗县区农牧技术骨干和合作社负责人共120人参加培训。
培训邀请区内专家围绕牲畜品种改良、饲草料种植、动物疫病防控等内容进行专题授课，并组织学员到示范基地现场观摩。
会议要求，要发挥农民专业合作社带动作用，推进合作社规范化建设，帮助社员对接市场、增产增收。
信息来源：呼伦贝尔市农牧局
"""

NINGYANG_REPORT = """宁阳县乡村振兴工作座谈会

今年以来，宁阳县坚持农业农村优先发展，各镇街特色产业规模不断扩大。
近日，宁阳县召开乡村振兴工作座谈会，交流各镇街推进乡村振兴的做法。
会议要求，要以乡村振兴统领“三农”工作，因地制宜发展乡村旅游和庭院经济，拓宽农民增收渠道。
会议强调，要加强村级党组织建设，选优配强村党组织书记，为乡村振兴提供组织保障。
"""
"""Has no date anywhere (近日 is all it says of when), and states its meeting only after the opening."""


@pytest.fixture
def reports(collection: Collection) -> dict[str, str]:
    """The four reports in ``collection``, by short name → document id."""
    ids = {}
    for name, text in {
        "dezhou": DEZHOU_REPORT, "jixian": JIXIAN_REPORT, "herding": HERDING_REPORT, "ningyang": NINGYANG_REPORT,
    }.items():
        report = collection.add_sources([SourceText(name=f"{name}.txt", text=text, format="txt", original=text.encode())])
        ids[name] = report.added[0].id
    return ids


def _highlighted(passage: Passage) -> list[str]:
    """The highlighted spans of a passage, as text."""
    return [passage.text[start:end] for start, end in passage.highlights]


# -- what a turn asks about the meeting ---------------------------------------


@pytest.mark.parametrize(
    ("turn", "aspect"),
    [
        ("是哪天开的", "date"),
        ("这个座谈会是哪几天开的", "date"),
        ("是哪两天在北京开的", "date"),
        ("会议是什么时候召开的", "date"),
        ("在哪开的", "place"),
        ("谁主持的", "chair"),
        ("谁讲的话", "speaker"),
        ("哪位领导讲的话", "speaker"),
        ("这是哪个会上的报告", "meeting"),
        ("这份报告出自哪次会议", "meeting"),
        ("谁主持的那次常务会议", "chair"),
    ],
)
def test_questions_about_the_meeting_name_their_aspect(turn: str, aspect: str) -> None:
    assert meeting_aspect(turn) == aspect


@pytest.mark.parametrize("turn", ["在哪里开的会", "会议在哪里召开", "在哪个城市开的", "会是在哪座城市开的"])
def test_where_with_zai_nali_asks_about_the_place(turn: str) -> None:
    assert meeting_aspect(turn) == "place"


@pytest.mark.parametrize("turn", ["高标准农田什么时候完成", "由谁牵头", "时间节点呢", "秋粮收购在哪些乡镇开展", "那次会上集体学习是请谁作的报告",
                                  "指定谁来召集出席县人大代表的选举会议"])  # what a meeting named in its clause did
def test_content_questions_using_meeting_words_are_not_about_the_meeting(turn: str) -> None:
    assert meeting_aspect(turn) is None


# -- answering a question about the last answer's meeting ---------------------


@pytest.mark.parametrize(
    ("turn", "aspect", "stated"),
    [
        ("是哪天开的", "date", "3月24日"),
        ("谁主持的", "chair", "王某某"),
        ("在哪开的", "place", "调度会"),
        ("这是哪个会上的报告", "meeting", "调度会"),
    ],
)
def test_meeting_question_answers_from_the_last_answers_document(
    collection: Collection, reports: dict[str, str], turn: str, aspect: str, stated: str
) -> None:
    topic = "秋粮收购有什么要求"
    assert collection.ask([topic]).passages[0].doc_id == reports["jixian"], "precondition"
    answer = collection.ask([topic, turn])
    assert answer.query.about == aspect
    assert answer.meeting is not None and answer.meeting.id == reports["jixian"]
    assert [passage.doc_id for passage in answer.passages] == [reports["jixian"]]
    assert any(stated in span for span in _highlighted(answer.passages[0]))


def test_meeting_without_a_date_still_answers_with_its_document(collection: Collection, reports: dict[str, str]) -> None:
    answer = collection.ask(["宁阳县乡村旅游怎么发展", "是哪天开的"])
    assert answer.meeting is not None and answer.meeting.id == reports["ningyang"]
    assert answer.meeting.date is None
    assert [passage.doc_id for passage in answer.passages] == [reports["ningyang"]]
    assert any("座谈会" in span for span in _highlighted(answer.passages[0])), "the passage saying which meeting was held"


def test_meeting_question_its_document_cannot_answer_shows_the_opening(collection: Collection, reports: dict[str, str]) -> None:
    """The training report names no speaker and holds a 培训班, not a 会议: its first passage is all there is."""
    answer = collection.ask(["合作社规范化建设有哪些措施", "谁讲的话"])
    assert answer.meeting is not None and answer.meeting.id == reports["herding"]
    assert len(answer.passages) == 1 and answer.passages[0].position == 0
    assert answer.passages[0].highlights == []


def test_meeting_question_with_nothing_before_it_is_an_ordinary_search(collection: Collection, reports: dict[str, str]) -> None:
    answer = collection.ask(["是哪天开的"])
    assert answer.meeting is None and answer.query.about is None


# -- the same topic elsewhere -------------------------------------------------


def test_place_switch_keeps_the_topic_in_the_named_document(collection: Collection, reports: dict[str, str]) -> None:
    answer = collection.ask(["德州乡村振兴有什么要求", "宁阳县呢"])
    assert answer.passages
    assert {passage.doc_id for passage in answer.passages} == {reports["ningyang"]}
    assert "乡村振兴" in answer.query.terms
    assert "德州" not in answer.query.terms


def test_place_switch_to_a_document_off_the_topic_finds_nothing(collection: Collection, reports: dict[str, str]) -> None:
    """德州's report never mentions 秋粮收购: none of its passages is an answer."""
    assert collection.ask(["集贤县秋粮收购有什么要求", "德州呢"]).passages == []


def test_switch_to_two_places_searches_both_and_not_the_last_answers(collection: Collection, reports: dict[str, str]) -> None:
    answer = collection.ask(["集贤县有什么会议要求", "德州和宁阳县呢"])
    assert answer.query.doc_ids is not None
    assert set(answer.query.doc_ids) == {reports["dezhou"], reports["ningyang"]}
    assert {passage.doc_id for passage in answer.passages} <= {reports["dezhou"], reports["ningyang"]}


def test_each_earlier_turn_is_read_with_the_answer_the_user_saw(tmp_path, reports: dict[str, str], collection: Collection) -> None:
    """A third turn asks about the meeting the second turn's answer came from, remembered or not."""
    chat = ["乡村振兴有什么要求", "组织保障方面呢"]
    shown = collection.ask(chat).sources[0]
    assert collection.ask([*chat, "是哪天开的"]).meeting.id == shown
    fresh = Collection(collection.db_path)  # no remembered answers: the earlier turns are searched again
    assert fresh.ask([*chat, "是哪天开的"]).meeting.id == shown
    fresh.close()


def test_a_speakers_name_inside_another_word_does_not_split_the_question(collection: Collection) -> None:
    text = "县委召开农田建设推进会\n县委书记张建主持会议。张建强调，要打通堵点。\n会议主张加快建设高标准农田，确保年底前完工。\n"
    collection.add_sources([SourceText(name="zhang.txt", text=text, format="txt", original=text.encode())])
    assert "张建" in collection.ask(["张建强调了什么"]).query.terms
    answer = collection.ask(["主张建设高标准农田有什么要求"])
    assert "张建" not in answer.query.terms and "高标准农田" in answer.query.terms
    assert answer.passages


def test_names_follow_documents_removed_and_added_within_a_second(collection: Collection) -> None:
    first = "聊城市召开秋粮收购会议\n会议要求，聊城市各县区要加快秋粮收购进度。\n"
    second = "泰安市召开秋粮收购会议\n会议要求，泰安市各县区要加快秋粮收购进度。\n"
    added = collection.add_sources([SourceText(name="a.txt", text=first, format="txt", original=first.encode())])
    assert collection.names().named_by("聊城")
    collection.remove(added.added[0].id)
    collection.add_sources([SourceText(name="b.txt", text=second, format="txt", original=second.encode())])
    assert collection.names().named_by("聊城") == ()
    assert collection.names().named_by("泰安")



def test_a_large_collection_re_reads_names_in_the_background(collection: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the inline size the question is answered with the previous names, and the new ones follow."""
    first = "聊城市召开秋粮收购会议\n会议要求，聊城市各县区要加快秋粮收购进度。\n"
    second = "泰安市召开秋粮收购会议\n会议要求，泰安市各县区要加快秋粮收购进度。\n"
    collection.add_sources([SourceText(name="a.txt", text=first, format="txt", original=first.encode())])
    assert collection.names().named_by("聊城")
    monkeypatch.setattr(collection_module, "NAMES_READ_INLINE", 0)
    collection.add_sources([SourceText(name="b.txt", text=second, format="txt", original=second.encode())])
    assert collection.ask(["泰安市秋粮收购有什么要求"]).passages, "the new document is searchable at once"
    deadline = time.monotonic() + 10
    while not collection.names().named_by("泰安") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert collection.names().named_by("泰安") and collection.names().named_by("聊城")


# -- an aspect of the topic ---------------------------------------------------


@pytest.mark.parametrize(
    "topic",
    ["集贤县秋粮收购有什么要求", "秋粮收购有什么要求"],
)
def test_aspect_follow_up_looks_first_in_the_last_answers_document(
    collection: Collection, reports: dict[str, str], topic: str
) -> None:
    """The herding report is all about 培训, yet the grain meeting's own line on it comes first."""
    answer = collection.ask([topic, "培训方面呢"])
    assert answer.query.follow_up
    assert answer.passages and answer.passages[0].doc_id == reports["jixian"]
    assert "培训" in answer.passages[0].text
    assert reports["herding"] in {passage.doc_id for passage in answer.passages}, "the other report still follows"


def test_aspect_word_weighs_more_than_each_inherited_word(collection: Collection, reports: dict[str, str]) -> None:
    terms = collection.ask(["集贤县秋粮收购有什么要求", "培训方面呢"]).query.terms
    inherited = {term: weight for term, weight in terms.items() if term in ("集贤县", "秋粮", "收购")}
    assert set(inherited) == {"集贤县", "秋粮", "收购"}
    assert all(terms["培训"] > weight for weight in inherited.values())


def test_a_lone_character_names_no_new_aspect(collection: Collection, reports: dict[str, str]) -> None:
    """那报告定了多少呢: its 定 weighs no more than each of the topic's words; its 报告 does (a word of its own)."""
    terms = collection.ask(["集贤县秋粮收购有什么要求", "那报告定了多少呢"]).query.terms
    assert terms["定"] <= min(terms[term] for term in ("秋粮", "收购")) < terms["报告"]


# -- a new question -----------------------------------------------------------


def test_new_standalone_question_resets_the_topic(collection: Collection, reports: dict[str, str]) -> None:
    answer = collection.ask(["集贤县秋粮收购有什么要求", "农民专业合作社规范化建设有哪些措施"])
    assert not answer.query.follow_up
    assert not {"集贤县", "秋粮", "收购"} & answer.query.terms.keys()
    assert answer.passages and answer.passages[0].doc_id == reports["herding"]


@pytest.mark.parametrize(
    ("question", "named", "place"),
    [("德州对乡村振兴有什么要求", "dezhou", "德州"), ("宁阳县对乡村振兴有什么要求", "ningyang", "宁阳县")],
)
def test_question_naming_a_place_looks_in_its_document_first(
    collection: Collection, reports: dict[str, str], question: str, named: str, place: str
) -> None:
    """Both reports talk about 乡村振兴; the one the question names comes first."""
    answer = collection.ask([question])
    assert answer.query.preferred_doc_id == reports[named]
    assert place in answer.query.naming_terms
    assert answer.passages and answer.passages[0].doc_id == reports[named]


def test_question_naming_no_place_prefers_no_document(collection: Collection, reports: dict[str, str]) -> None:
    answer = collection.ask(["乡村振兴有什么要求"])
    assert answer.query.preferred_doc_id is None
    assert {reports["dezhou"], reports["ningyang"]} <= {passage.doc_id for passage in answer.passages}


def test_a_follow_up_looks_in_the_last_answers_document_whatever_its_inherited_words_name(
    collection: Collection, reports: dict[str, str]
) -> None:
    """集贤县 named the grain meeting in the first turn; in 培训方面呢 it is only inherited, so it neither
    decides where to look first nor stops being searched there."""
    answer = collection.ask(["集贤县秋粮收购有什么要求", "培训方面呢"])
    assert answer.query.preferred_doc_id == reports["jixian"]
    assert answer.query.naming_terms == frozenset()
    assert answer.passages and answer.passages[0].doc_id == reports["jixian"]


def test_a_new_question_looks_first_in_the_last_answers_document(collection: Collection, reports: dict[str, str]) -> None:
    """Both reports talk about 乡村振兴: a new question on it, naming no place, is answered first from the
    report the conversation is in, as long as that report says at least half as much on it as the others."""
    answer = collection.ask(["德州对乡村振兴有什么要求", "乡村振兴要抓好哪些重点工作和主要任务"])
    assert not answer.query.follow_up and answer.query.preferred_doc_id == reports["dezhou"]
    assert answer.passages and answer.passages[0].doc_id == reports["dezhou"]


def test_the_words_of_clauses_that_ask_nothing_describe(collection: Collection) -> None:
    def describing(turn: str) -> frozenset[str]:
        return resolve(turn, None, collection.names()).describing

    assert describing("政协协商老旧小区改造那次，主题发言是哪位副主席作的") == {"政协", "协商", "老旧", "小区", "改造"}
    assert describing("会议对高标准农田提出了什么要求") == set(), "one clause: it asks"
    assert describing("高标准农田怎么建，资金从哪里来") == set(), "every clause asks"
    assert describing("几乎所有委员都发言那次，谁作的总结") == {"所有", "委员", "发言"}, "几乎 and 任何 ask nothing"
