"""Questions over an archive of recurring meetings: the meeting a question names (kind, ordinal, time)
is answered from that meeting, one the archive does not hold is said to be absent, follow-ups keep it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from bot.render import answer_text
from index.collection import Collection
from index.read import SourceText
from index.search import _untaken
from index.tokenize import tokenize

TODAY = date(2024, 6, 1)


def test_each_report_knows_its_meeting(archive: Collection) -> None:
    meetings = {Path(d.name).name: (d.date, d.meeting.kind, str(d.meeting.ordinal or ""), d.meeting.chair) for d in archive.documents()}
    assert meetings["01.txt"] == ("2023-09-11", "县政府常务会议", "/10", "王立新")
    assert meetings["02.txt"][:3] == ("2023-11-20", "县政府常务会议", "/11")
    assert meetings["03.txt"][:2] == ("2024-01-09", "县委农村工作会议")


def test_an_ordinal_is_answered_from_that_meeting(archive: Collection) -> None:
    answer = archive.ask(["县政府第十一次常务会议提出了什么要求"], today=TODAY)
    assert answer.passages and {p.doc_id for p in answer.passages} == {archive_id(archive, "02.txt")}


def test_a_meeting_the_archive_does_not_hold_is_named_absent_with_the_nearest(archive: Collection) -> None:
    answer = archive.ask(["县政府第十二次常务会议提出了什么要求"], today=TODAY)
    assert not answer.passages
    assert [held.ordinal.number for held in answer.absent[:2]] == [11, 10]
    text = answer_text(answer)
    assert "没有县政府第十二次常务会议" in text and "2023年11月20日" in text


@pytest.mark.parametrize("question", ["中央外事工作会议对安全责任提了什么要求", "全国生态环境保护大会对安全责任有什么要求",
                                      "浙江省委常委会会议对安全责任提了什么要求", "深圳市政府常务会议对安全责任有什么要求"])
def test_a_meeting_named_by_its_own_name_that_no_report_is_of_is_absent(archive: Collection, question: str) -> None:
    # 安全责任 is in the archive's passages, but none of them reports the meeting asked about
    answer = archive.ask([question], today=TODAY)
    assert not answer.passages and answer.unheld and not answer.absent
    text = answer_text(answer)
    assert f"收录的会议中没有{question[:8]}" in text and "最接近的有" not in text


def test_a_name_close_to_a_reports_title_is_that_meeting(archive: Collection) -> None:
    answer = archive.ask(["全县安全生产调度电视电话会议提出了什么要求"], today=TODAY)
    assert answer.passages and {p.doc_id for p in answer.passages} == {archive_id(archive, "07.txt")}


def test_kind_and_year_choose_among_the_series(archive: Collection) -> None:
    this = archive.ask(["2024年县委农村工作会议对高标准农田有什么要求"], today=TODAY)
    last = archive.ask(["2023年县委农村工作会议对高标准农田有什么要求"], today=TODAY)
    assert this.passages[0].doc_id == archive_id(archive, "03.txt")
    assert last.passages[0].doc_id == archive_id(archive, "04.txt")


def test_a_year_the_archive_holds_no_meeting_of_is_no_answer(archive: Collection) -> None:
    answer = archive.ask(["2021年县委农村工作会议对高标准农田有什么要求"], today=TODAY)
    assert not answer.passages and answer.absent


def test_another_bodys_meeting_of_the_kind_is_absent(archive: Collection) -> None:
    answer = archive.ask(["兰陵县政府常务会议对秋粮收购有什么要求"], today=TODAY)
    assert not answer.passages and answer.absent


def test_a_follow_up_naming_another_year_keeps_the_meeting_and_topic(archive: Collection) -> None:
    answer = archive.ask(["2024年县委农村工作会议对高标准农田有什么要求", "那去年呢"], today=TODAY)
    assert answer.passages[0].doc_id == archive_id(archive, "04.txt")
    assert "两万亩" in answer.passages[0].text


@pytest.mark.parametrize(
    ("turns", "document"),
    [
        (["2024年县委农村工作会议对高标准农田有什么要求", "那上一年的呢"], "04.txt"),
        (["县委农村工作会议对高标准农田有什么要求", "那前一年呢"], "04.txt"),  # the year of the meeting answered
        (["县政府第十次常务会议提出了什么要求", "那同年11月那次呢"], "02.txt"),  # that kind then, whatever its number
    ],
)
def test_a_follow_up_naming_a_year_from_the_conversations(archive: Collection, turns: list[str], document: str) -> None:
    answer = archive.ask(turns, today=TODAY)
    assert answer.passages and answer.passages[0].doc_id == archive_id(archive, document)


def test_a_part_of_the_year_names_the_meeting_held_then(archive: Collection) -> None:
    answer = archive.ask(["2023年年底那次县政府常务会议部署了什么"], today=TODAY)
    assert answer.passages and answer.passages[0].doc_id == archive_id(archive, "02.txt")


def test_requirements_come_before_the_paragraph_announcing_the_meeting(archive: Collection) -> None:
    answer = archive.ask(["县政府第十次常务会议提出了什么要求"], today=TODAY)
    assert answer.passages[0].text.startswith("会议要求")
    assert not any("主持召开" in p.text for p in answer.passages[:2])


def test_who_chaired_a_named_meeting(archive: Collection) -> None:
    answer = archive.ask(["2023年县委农村工作会议是谁主持的"], today=TODAY)
    assert answer.meeting is not None and answer.meeting.id == archive_id(archive, "04.txt")
    assert "孙海波主持" in answer.passages[0].text


def test_a_fact_of_a_meeting_described_not_named_comes_from_the_report_its_words_find(collection: Collection) -> None:
    """征求…意见的座谈会 is no kind's name (its report calls it 党外人士座谈会): the report the question's words find
    is the meeting it describes, and its date is answered, not its paragraphs on the same words."""
    _add_texts(collection, [
        ("talk.txt", "县委召开党外人士座谈会\n2023-09-12\n县委9月10日召开党外人士座谈会，就县委全会决议稿听取意见建议。\n"
                     "县委书记李明主持座谈会并讲话。李明指出，大家对决议稿提出的意见建议很有价值。\n"),
        ("other.txt", "县政府召开常务会议\n2023-09-20\n县政府9月20日召开常务会议，研究秋粮收购工作。\n"),
    ])
    answer = collection.ask(["2023年县委就全会决议稿征求党外人士意见的座谈会，是哪天开的"], today=TODAY)
    assert answer.meeting is not None and answer.meeting.id == archive_id(collection, "talk.txt")
    assert answer.passages and "9月10日" in answer.passages[0].text


def test_a_fact_of_a_described_meeting_is_not_sought_where_no_meeting_was_held(archive: Collection) -> None:
    """No meeting of 2022 is held: the reply says so and looks everywhere, not a 2023 meeting's chair as 2022's;
    and which meeting said something is answered with the passages that say it, with their sources."""
    answer = archive.ask(["2022年研究秋粮收购的会议是谁主持的"], today=TODAY)
    assert "没有2022年" in (answer.scope or "")
    which = archive.ask(["高标准农田建设是在哪次会议上提出的"], today=TODAY)
    assert which.passages and all("高标准农田" in passage.text for passage in which.passages)


def test_a_place_before_a_kind_its_reports_open_with_names_that_meeting(collection: Collection) -> None:
    """纪念中央苏区创建90周年座谈会: its report is named for 中央革命根据地, and its opening says 中央苏区; a place its
    openings never write (井冈山), or write only as one of a list of others (浙江省委、广东省委作交流发言), is another
    body's meeting, which the archive does not hold."""
    _add_texts(collection, [
        ("memorial.txt", "纪念中央革命根据地创建90周年座谈会在京举行\n2021-11-02\n"
                         "纪念中央革命根据地创建90周年座谈会2日在京举行，回顾中央苏区的光辉历史。王华出席座谈会并讲话。\n"
                         "王华表示，要传承好红色基因。\n"),
        ("cewc.txt", "中央经济工作会议举行\n2021-12-10\n中央经济工作会议8日至10日举行，浙江省委、广东省委作交流发言。\n"
                     "会议要求，要稳字当头。\n"),
    ])
    answer = collection.ask(["2021年11月纪念中央苏区创建90周年座谈会上王华讲了啥"])
    assert not answer.unheld and answer.passages and answer.passages[0].doc_id == archive_id(collection, "memorial.txt")
    for question in ("2021年11月纪念井冈山创建90周年座谈会上王华讲了啥", "浙江省委经济工作会议提了什么要求"):
        other = collection.ask([question])
        assert other.unheld and not other.passages, question


@pytest.mark.parametrize("turn", ["好的谢谢", "嗯", "abc", "？？"])
def test_a_turn_with_nothing_to_search_gets_no_passages(archive: Collection, turn: str) -> None:
    answer = archive.ask(["县政府第十次常务会议提出了什么要求", turn], today=TODAY)
    assert answer.small_talk and not answer.passages


def _add_texts(collection: Collection, named_texts: Iterable[tuple[str, str]]) -> None:
    """Add plain-text documents, each (file name, text)."""
    for name, text in named_texts:
        collection.add_sources([SourceText(name=name, text=text, format="txt", original=text.encode())])


def archive_id(collection: Collection, name: str) -> str:
    return next(d.id for d in collection.documents() if Path(d.name).name == name)


def test_a_meeting_held_by_another_chair_is_absent(archive: Collection) -> None:
    held = archive.ask(["王立新主持的县政府常务会议对秋粮收购有什么要求"], today=TODAY)
    other = archive.ask(["李四主持的县政府常务会议对秋粮收购有什么要求"], today=TODAY)
    assert held.passages and held.passages[0].doc_id == archive_id(archive, "01.txt")
    assert not other.passages and other.absent


def test_an_office_holding_a_meeting_of_a_bare_type_names_no_kind(collection: Collection) -> None:
    """县长开座谈会: who held a 座谈会, not the kind 县长与企业家座谈会 whose name holds 县长."""
    _add_texts(collection, (
        ("forum.txt", "县长与企业家座谈会召开\n2023-06-12\n6月12日，县长与企业家座谈会召开。\n会议要求，优化营商环境。\n"),
        ("hearing.txt", "县政府召开座谈会听取对政府工作报告的意见\n2023-01-10\n1月10日，县长王立新主持召开座谈会，"
                        "听取对政府工作报告的意见。\n退休教师李华等发了言。\n"),
    ))
    assert collection.lookups().archive.named_in("2023年初县长开座谈会听取意见，谁发的言") is None
    answer = collection.ask(["2023年初县长开座谈会听取政府工作报告意见，谁发的言"])
    assert not answer.unheld and answer.passages and answer.passages[0].title.startswith("县政府召开座谈会")


def test_a_chair_named_by_office_alone_names_no_other_chair(archive: Collection) -> None:
    answer = archive.ask(["县长主持的县政府常务会议对秋粮收购有什么要求"], today=TODAY)
    assert answer.passages and answer.passages[0].doc_id == archive_id(archive, "01.txt") and not answer.unheld


def test_a_meeting_named_by_some_words_of_its_name_in_order_is_that_meeting(collection: Collection) -> None:
    """稳 before 投资保就业座谈会 is a word of that meeting's own name, not of another kind's."""
    _add_texts(collection, (
        ("forum.txt", "县政府召开稳投资促消费保就业座谈会\n2023-05-18\n5月18日，县长王立新主持召开稳投资促消费保就业座谈会。\n"
                      "会议要求，各乡镇要加快项目开工，稳住就业基本盘。\n"),
        ("safety.txt", "县政府召开安全生产座谈会\n2023-06-02\n6月2日，县政府召开安全生产座谈会。\n会议要求，稳步推进隐患排查。\n"),
    ))
    answer = collection.ask(["2023年5月的稳投资保就业座谈会提了什么要求"])
    assert answer.passages and not answer.unheld
    assert {p.title for p in answer.passages} == {"县政府召开稳投资促消费保就业座谈会"}


def test_a_follow_up_naming_another_type_of_the_bodys_meetings(archive: Collection) -> None:
    answer = archive.ask(["2023年5月县委农村工作领导小组专题会议部署了什么", "那12月那次全体会议呢"], today=TODAY)
    assert answer.passages and answer.passages[0].doc_id == archive_id(archive, "06.txt")


def test_what_else_a_meeting_said_leaves_the_answered_topic_for_last(archive: Collection) -> None:
    answer = archive.ask(["2023年12月县委农村工作领导小组全体会议对防止返贫有什么要求", "那次会还说了什么"], today=TODAY)
    assert answer.passages and answer.passages[0].doc_id == archive_id(archive, "06.txt")
    assert "返贫" not in answer.passages[0].text and "会议室召开" not in answer.passages[0].text


def test_a_report_dated_just_after_the_period_still_answers_for_it(archive: Collection) -> None:
    answer = archive.ask(["2023年9月上旬的县政府常务会议部署了什么"], today=TODAY)
    assert answer.passages and answer.passages[0].doc_id == archive_id(archive, "01.txt")
    assert not archive.ask(["2023年8月下旬的县政府常务会议部署了什么"], today=TODAY).passages


def test_a_place_whose_meetings_say_nothing_on_the_topic_says_so(collection: Collection) -> None:
    _add_texts(collection, (
        ("dezhou.txt", "德州召开秋粮收购工作推进会\n\n会议要求，各县要全力做好秋粮收购准备，确保仓容充足。\n"),
        ("liaocheng.txt", "聊城召开河湖长制工作会议\n\n会议要求，加快推进河道清淤，确保汛前完成堤防加固。\n"),
    ))
    answer = collection.ask(["秋粮收购有什么要求", "聊城呢"])
    assert not answer.passages and answer.scope == "聊城的会议中没有相关内容"
    text = answer_text(answer)
    assert "范围：聊城的会议中没有相关内容" in text and "目前收录的会议包括" not in text
    assert collection.ask(["秋粮收购有什么要求", "德州呢"]).scope == "德州的会议"


ROUTINE_MEETINGS = (
    ("第一次", "2023-03-01", "3月1日", "会议要求，推动县域经济高质量发展，加快发展农村电商，带动农民增收。"),
    ("第二次", "2023-04-05", "4月5日", "会议要求，抓好春季农业生产，推动现代农业发展。"),
    ("第三次", "2023-05-10", "5月10日", "会议要求，压实安全生产责任，推动安全发展。"),
    ("第四次", "2023-06-14", "6月14日", "会议要求，做好防汛备汛工作，确保安全度汛。"),
    ("第五次", "2023-07-19", "7月19日", "会议要求，抓好秋粮生产，推动粮食产业发展。"),
)


def test_a_topic_a_kind_of_meeting_never_took_up_is_not_answered_from_its_common_words(collection: Collection) -> None:
    """The county's executive meetings never speak of 直播 (a training session does): their one passage on
    电商 and 发展 — a word all of them use — is no answer about 直播电商."""
    texts = {f"{n}.txt": f"县政府召开{n}常务会议\n{day}\n{said}，县长王立新主持召开县政府{n}常务会议。\n{asked}\n"
             for n, day, said, asked in ROUTINE_MEETINGS}
    texts["live.txt"] = "县商务局召开直播电商培训会\n2023-07-02\n7月2日，县商务局召开直播电商培训会。\n" \
                        "培训会要求，各乡镇要培育直播带货人才，规范直播电商经营。\n"
    _add_texts(collection, texts.items())
    assert not collection.ask(["县政府常务会议对直播电商发展提了什么要求"]).passages
    answer = collection.ask(["县政府常务会议对农村电商提了什么要求"])
    assert answer.passages and "农村电商" in answer.passages[0].text


def test_a_name_is_read_within_one_headline_and_a_title_that_only_mentions_a_meeting_reports_none(collection: Collection) -> None:
    _add_texts(collection, (
        ("standing.txt", "市委常委会召开会议 听取全市国土调查情况汇报 审议《干部组织工作规定》 市委书记主持会议\n2023-04-30\n"
                         "4月30日，市委常委会召开会议。\n会议要求，要建设忠诚干净担当的高素质干部队伍。\n"),
        ("article.txt", "市委机关刊发表文章《在全市政协工作会议上的讲话》\n2023-05-16\n"
                        "文章指出，要把平安建设摆在突出位置，加强政协委员队伍建设。\n"),
    ))
    archive = collection.lookups().archive
    organisation = archive.named_in("2023年全市组织工作会议对干部队伍建设作了哪些部署")
    assert organisation is not None and not archive.resolve(organisation, None).doc_ids, "全市 and 组织工作 are in two headlines"
    legal = archive.named_in("2023年全市政法工作会议对平安建设提了什么要求")
    assert legal is not None and not archive.resolve(legal, None).doc_ids, "an article, not a report of 政协工作会议 either"
    assert not collection.ask(["2023年全市政法工作会议对平安建设提了什么要求"]).passages


def test_a_named_meetings_other_paragraphs_on_the_question_follow_its_best(collection: Collection) -> None:
    """The lead meets every word of the question; the requirement only some, yet it is of the meeting asked about."""
    _add_texts(collection, (
        ("forum.txt", "省政府召开稳投资促就业座谈会\n2023-05-18\n5月18日，省长王立新在南平主持召开稳投资促就业座谈会，"
                      "分析当前投资和就业形势。\n会议听取了省发展改革委关于投资形势的汇报。\n王立新要求，要加快项目开工，稳住就业基本盘。\n"),
        ("safety.txt", "省政府召开安全生产座谈会\n2023-06-02\n6月2日，省政府在福州召开安全生产座谈会。\n会议要求，稳步推进隐患排查。\n"),
    ))
    answer = collection.ask(["2023年5月稳投资促就业座谈会上省长王立新对就业形势提了什么要求"])
    assert answer.passages and "稳住就业基本盘" in " ".join(p.text for p in answer.passages[:3])
    assert {p.title for p in answer.passages} == {"省政府召开稳投资促就业座谈会"}


def test_a_word_of_the_kinds_name_shortened_before_its_other_words_is_that_kind(collection: Collection) -> None:
    """环保 is 环境保护 shortened: 市生态环保督察领导小组 is the held 市生态环境保护督察工作领导小组, no other kind."""
    text = ("市生态环境保护督察工作领导小组会议召开\n2023-05-29\n5月29日，市生态环境保护督察工作领导小组会议召开。\n"
            "会议要求，列出问题清单，逐项整改销号。\n")
    other = "全市环保工作会议召开\n2023-02-10\n2月10日，全市环保工作会议召开。\n会议要求，打好蓝天保卫战。\n"
    _add_texts(collection, (("inspection.txt", text), ("other.txt", other)))  # 环保 is a word of the other's kind
    answer = collection.ask(["市生态环保督察领导小组开会，督察发现的问题怎么整改"])
    assert answer.named is not None and not answer.unheld and answer.passages


def test_a_meeting_held_somewhere_is_not_named_by_the_place(collection: Collection) -> None:
    """在东湖开会 says where the group met: no 东湖…会议 (a kind of meeting the archive holds) is named."""
    _add_texts(collection, (
        ("group.txt", "市乡村振兴领导小组会议召开\n2023-05-29\n5月29日，市乡村振兴领导小组会议在东湖召开。\n"
                      "会议要求，抓好防止返贫动态监测。\n"),
        ("district.txt", "东湖新区建设推进会议召开\n2023-06-02\n6月2日，东湖新区建设推进会议召开。\n会议要求，加快道路建设。\n"),
    ))
    answer = collection.ask(["市乡村振兴领导小组在东湖开会那次，对防止返贫提了什么要求"])
    assert not answer.unheld and answer.passages and "防止返贫" in answer.passages[0].text
    assert collection.lookups().archive.named_in("现在市乡村振兴领导小组开会说了什么") is not None, "现在 is no 在"


def test_where_a_body_held_its_meeting_is_no_word_of_the_meetings_name(collection: Collection) -> None:
    """中央有关部门在东湖开座谈会 names the departments' 座谈会, held in 东湖: no 东湖…座谈会 the archive lacks."""
    _add_texts(collection, (
        ("forum.txt", "中央有关部门举办座谈会听取企业界意见\n2023-03-01\n中央有关部门2月28日在东湖召开座谈会，"
                      "听取企业界代表对优化营商环境的意见。\n与会代表建议，进一步压缩审批时限。\n"),
        ("other.txt", "全市招商工作会议召开\n2023-02-10\n2月10日，全市招商工作会议召开。\n会议要求，优化营商环境。\n"),
    ))
    named = collection.lookups().archive.named_in("中央有关部门在东湖开座谈会，听取了企业界对什么的意见")
    assert named is not None and named.held_in == "东湖" and "东湖" not in named.kind_words
    answer = collection.ask(["中央有关部门在东湖开座谈会，听取了企业界对什么的意见"])
    assert not answer.unheld and answer.passages and answer.passages[0].title.startswith("中央有关部门举办座谈会")


def test_a_body_written_out_in_full_is_the_kinds_own(collection: Collection) -> None:
    """政协全国委员会 is 全国政协 in full: its 第五次主席会议 is the 全国政协主席会议 held."""
    _add_texts(collection, (
        ("cppcc.txt", "李华主持召开全国政协主席会议\n2023-03-01\n政协第十四届全国委员会第五次主席会议1日在京召开。全国政协主席李华主持。\n"
                      "会议审议通过了年度协商计划。\n"),
        ("other.txt", "全市招商工作会议召开\n2023-02-10\n2月10日，全市招商工作会议召开。\n会议要求，审议通过招商计划。\n"),
    ))
    archive = collection.lookups().archive
    named = archive.named_in("政协十四届全国委员会第五次主席会议审议通过了什么")
    assert named is not None and named.differs_by is None
    answer = collection.ask(["政协十四届全国委员会第五次主席会议审议通过了什么"])
    assert not answer.unheld and {p.title for p in answer.passages} == {"李华主持召开全国政协主席会议"}


def test_a_place_asked_in_short_is_where_a_report_names_it_in_full(collection: Collection) -> None:
    """在河南南阳开的 is the meeting held 在河南省南阳市; 在湖北襄阳开的 is none the archive holds."""
    _add_texts(collection, [("water.txt", "调水工程座谈会召开\n2023-05-14\n5月14日，调水工程座谈会在河南省南阳市召开。\n"
                                          "会议要求，科学推进调水工程规划建设。\n")])
    assert collection.ask(["在河南南阳开的调水工程座谈会提了什么要求"]).passages
    assert collection.ask(["在湖北襄阳开的调水工程座谈会提了什么要求"]).unheld


def test_a_place_the_titles_write_before_a_kinds_words_is_part_of_its_name(collection: Collection) -> None:
    """在京全国人大代表座谈会: 京 is no other body's, the titles write it before the kind's words."""
    _add_texts(collection, [("npc.txt", "李明主持召开部分在京全国人大代表座谈会\n2023-01-25\n"
                                        "全国人大常委会委员长李明25日在京主持召开座谈会，听取部分在京全国人大代表意见建议。\n"
                                        "李明强调，要加强人大自身建设。\n")])
    answer = collection.ask(["李明2023年1月主持的那个在京全国人大代表座谈会提了哪些要求"])
    assert answer.named is not None and answer.named.differs_by is None and not answer.unheld and answer.passages


@pytest.mark.parametrize("question", ["2023年1月县委常委班子民主生活会上对改进作风提了什么要求",
                                      "2023年1月县委常委班子民主生活会对改进作风提了什么要求"])
def test_a_democratic_life_meeting_is_named_with_a_postposition_after_it(collection: Collection, question: str) -> None:
    """民主生活会 is a type of meeting (jieba cuts it 生活|会, and joins 会上); so are 汇报会, 茶话会 …"""
    _add_texts(collection, [("life.txt", "县委常委班子召开民主生活会\n2023-01-12\n1月12日，县委常委班子召开民主生活会。\n"
                                         "会议要求，常委班子成员要带头改进作风，深入基层调查研究。\n")])
    answer = collection.ask([question])
    assert answer.named is not None and answer.named.kind_words[-1] == "会" and answer.passages
    assert "改进作风" in answer.passages[0].text


def test_a_shortened_name_is_answered_from_the_kind_it_shortens(collection: Collection) -> None:
    _add_texts(collection, (
        ("reform.txt", "市委全面深化改革委员会第五次会议召开\n2023-03-02\n3月2日，市委全面深化改革委员会第五次会议召开。\n"
                       "会议要求，加快推进国有企业改革，年底前完成混合所有制改革试点。\n"),
        ("finance.txt", "市财经委员会第五次会议召开\n2023-04-03\n4月3日，市财经委员会第五次会议召开。\n"
                        "会议要求，国有企业要严控债务风险，年底前完成隐性债务清理。\n"),
    ))
    named = collection.lookups().archive.named_in("市深改委第五次会议对国有企业提了什么要求")
    assert named is not None and named.text == "市深改委第五次会议"
    answer = collection.ask(["市深改委第五次会议对国有企业提了什么要求"])
    assert answer.passages and {p.title for p in answer.passages} == {"市委全面深化改革委员会第五次会议召开"}
    assert collection.lookups().archive.named_in("市改深委第五次会议对国有企业提了什么要求") is None
    met = collection.ask(["市深改委开会对国有企业提了什么要求"])
    assert met.named is not None and {p.title for p in met.passages} == {"市委全面深化改革委员会第五次会议召开"}
    held = collection.lookups().archive.named_in("市委召开会议对国有企业提了什么要求")
    assert held is not None and held.text == "市委召开会议", "the 开会 inside 召开会议 is left alone"


def test_words_that_only_hold_a_meetings_type_name_none(archive: Collection) -> None:
    assert archive.lookups().archive.named_in("改革力度太过强大会招来反对吗") is None
    assert archive.lookups().archive.named_in("县政府常务会议的要求") is not None


@pytest.mark.parametrize("question", ["王立新在会上作会议总结时强调了什么", "干部们围绕什么主题作大会发言"])
def test_a_kind_begins_on_a_whole_word(archive: Collection, question: str) -> None:
    # the 作 of 作会议总结 is inside 工作 of 县委农村工作会议, but names no kind
    assert archive.lookups().archive.named_in(question) is None


def test_a_follow_up_naming_another_meeting_asks_that_meetings_facts(archive: Collection) -> None:
    answer = archive.ask(["2023年县委农村工作会议对高标准农田有什么要求", "2024年县委农村工作会议是谁主持的"], today=TODAY)
    assert answer.meeting is not None and answer.meeting.id == archive_id(archive, "03.txt")


@pytest.mark.parametrize(
    ("turns", "document"),
    [
        (["县政府第十次常务会议提出了什么要求", "那第十一次呢"], "02.txt"),
        (["县政府第十一次常务会议提出了什么要求", "那上一次呢"], "01.txt"),
        (["2023年最后一次县政府常务会议部署了什么"], "02.txt"),
        (["研究冬季供暖那次的县政府常务会议提出了什么要求"], "02.txt"),
        (["研究秋粮收购那次的县政府常务会议提出了什么要求"], "01.txt"),
    ],
)
def test_which_meeting_of_a_series(archive: Collection, turns: list[str], document: str) -> None:
    answer = archive.ask(turns, today=TODAY)
    assert answer.passages and {p.doc_id for p in answer.passages} == {archive_id(archive, document)}


def test_a_meeting_said_to_be_held_where_its_reports_never_name_is_absent(archive: Collection) -> None:
    answer = archive.ask(["在兰陵开的县政府常务会议提出了什么要求"], today=TODAY)
    assert not answer.passages and answer.absent


def test_words_the_archive_never_uses_are_no_evidence_against_the_meeting_named(archive: Collection) -> None:
    answer = archive.ask(["2023年9月县政府常务会议对烘干设备检修怎么拆解落实"], today=TODAY)
    assert answer.passages and "烘干设备" in answer.passages[0].text


def test_a_topic_the_archive_never_mentions_is_not_answered_from_the_meeting_named(archive: Collection) -> None:
    """半导体 is in no report: the 2023年9月 meeting's one word on 安全 is no answer about 半导体 (the asker's own
    words, 拆解 above, still do not sink a passage that meets the rest)."""
    assert archive.index.doc_freqs("body", ["半导体"])["半导体"] == 0, "precondition"
    assert not archive.ask(["2023年9月县政府常务会议对半导体和高标准农田安全有什么要求"], today=TODAY).passages
    assert archive.ask(["2023年9月县政府常务会议对高标准农田安全有什么要求"], today=TODAY).passages, "without 半导体"


def test_who_spoke_and_who_chaired_are_told_apart(archive: Collection) -> None:
    spoke = archive.ask(["全县安全生产电视电话会议提出了什么要求", "谁在会上讲的话"], today=TODAY)
    assert spoke.passages and "刘明在会上讲话" in spoke.passages[0].text
    chaired = archive.ask(["2023年县委农村工作会议对高标准农田有什么要求", "谁主持的"], today=TODAY)
    assert chaired.passages and "孙海波主持" in chaired.passages[0].text


LAW_SYMPOSIUM = (
    "law.txt",
    "县人大常委会召开种子法实施座谈会\n2023-05-10\n"
    "5月10日，县人大常委会召开种子法实施座谈会。县人大常委会主任李明出席并讲话。\n"
    "李明指出，实施好种子法，要提高认识，各级人大要发挥好职能作用。\n"
    "李明强调，一要加强种质资源保护。二要扶持良种繁育基地。三要严厉打击假劣种子。四要做好执法检查。\n"
    "县农业农村局负责同志在座谈会上发言。\n",
)


def test_what_else_a_meeting_said_begins_with_its_fullest_statement_of_requirements(collection: Collection) -> None:
    """A paragraph of four sentences of requirements says more of what the meeting required than one of one."""
    _add_texts(collection, [LAW_SYMPOSIUM])
    statements = collection.meeting_statements(collection.documents()[0].id, 2)
    assert "一要加强种质资源保护" in statements[0].text


def test_a_named_meetings_passages_are_followed_by_its_other_requirements(collection: Collection) -> None:
    """The paragraph listing 一要…四要 names the law only through the meeting's name: after the passages that
    meet the question come the meeting's statements of requirements, not nothing."""
    _add_texts(collection, [LAW_SYMPOSIUM])
    answer = collection.ask(["贯彻种子法，人大开的那次实施座谈会提了要求吗"])
    texts = [passage.text for passage in answer.passages]
    assert texts and "种子法" in texts[0]
    assert any("一要加强种质资源保护" in text for text in texts[:3])


def test_asking_for_the_points_made_is_answered_with_the_list_that_numbers_them(collection: Collection) -> None:
    """哪几条要求 asks for a list: 一要…四要 comes first, though it names the law only through the meeting's name."""
    _add_texts(collection, [LAW_SYMPOSIUM])
    answer = collection.ask(["贯彻种子法，人大开的那次实施座谈会提了哪几条要求"])
    assert answer.passages and answer.passages[0].text.startswith("李明强调，一要加强种质资源保护")


def test_a_list_asked_for_comes_a_list_at_a_time_in_the_order_of_its_points(collection: Collection) -> None:
    """The list sharing more of the question's words comes first, its points in their order, though the one
    continuing it (二要…) shares more words than the one opening it; the paragraph saying the question's words most
    but numbering nothing (会议认为…) after it, and the list the question's words did not find (一是…, what was
    learnt) not before that."""
    _add_texts(collection, [(
        "straw.txt",
        "县委召开秸秆综合利用工作推进会\n2023-06-02\n"
        "6月2日，县委召开秸秆综合利用工作推进会。\n"
        "会议认为，秸秆综合利用事关大局，全县秸秆综合利用成效明显，秸秆综合利用水平不断提高。\n"
        "会议指出，几年来积累了宝贵经验。一是坚持农民主体。二是坚持因地制宜。\n"
        "会议强调，推进秸秆综合利用，一要抓好秸秆还田。\n"
        "二要培育秸秆收储运主体，完善收储运网络，秸秆综合利用要见实效。三要严防秸秆露天焚烧，落实网格化监管责任，做到全域覆盖、不留死角。\n"
        "会议对秸秆综合利用其他工作作了安排。\n",
    )])
    texts = [passage.text for passage in collection.ask(["县委推进会对秸秆综合利用提了哪几点要求"], limit=4).passages]
    assert texts[2].startswith("会议认为") and texts[:2] == ["会议强调，推进秸秆综合利用，一要抓好秸秆还田。", "二要培育秸秆收储运主体，完善收储运网络，秸秆综合利用要见实效。三要严防秸秆露天焚烧，落实网格化监管责任，做到全域覆盖、不留死角。"]


def test_an_office_the_question_names_is_met_by_the_one_who_holds_it(collection: Collection) -> None:
    """委员长要求… asks what the office holder said, and the report, having given him that office (委员长李明), writes
    his name (李明强调): that passage answers, whether the question names the meeting or not. An office the report
    never gives him (县长) is not his."""
    _add_texts(collection, [
        ("river.txt", "李明在某市主持召开河湖保护立法座谈会\n2023-04-13\n"
                      "全国人大常委会委员长李明13日在某市主持召开河湖保护立法座谈会，听取意见建议。\n"
                      "李明强调，要把生态保护修复、水资源节约集约利用和防洪安全作为立法的主要内容。\n"),
        ("other.txt", "委员长会议举行\n2023-04-20\n委员长会议20日举行，委员长王华主持。县长赵强列席。\n"),
    ])
    answer = collection.ask(["2023年4月河湖保护立法座谈会上，委员长要求这部法重点写进哪些内容"])
    assert any(e.stands_for == "委员长" and e.tokens == tuple(tokenize("李明")) for e in answer.query.expansions)
    assert any(passage.text.startswith("李明强调") and passage.coverage == 1.0 for passage in answer.passages)
    unnamed = collection.ask(["委员长对河湖保护立法的主要内容提了什么要求"])
    assert unnamed.passages and unnamed.passages[0].text.startswith("李明强调") and unnamed.passages[0].coverage == 1.0
    other = collection.ask(["2023年4月河湖保护立法座谈会上，县长要求写进哪些内容"])
    assert not any(e.stands_for == "县长" for e in other.query.expansions)


def test_what_a_person_named_said_comes_from_where_he_speaks(collection: Collection) -> None:
    """李明讲了啥 asks for his words: his paragraph comes before one saying the question's words more often in no
    one's voice."""
    _add_texts(collection, [(
        "close.txt",
        "全县干部专题研讨班结业\n2023-05-12\n全县干部专题研讨班12日结业。县委书记李明出席结业式并讲话。\n"
        "研讨班期间，学员们围绕乡村振兴、乡村振兴人才培养深入研讨，结业式上交流了乡村振兴心得。\n"
        "李明表示，研讨班学员要把学习成果转化为推进乡村振兴的实际行动。\n"
        "县长王华指出，乡村振兴要抓好人才培养，乡村振兴人才要留得住。\n",
    )])
    texts = [passage.text[:4] for passage in collection.ask(["研讨班结业式上李明对乡村振兴讲了啥"], limit=4).passages]
    assert texts.index("李明表示") < texts.index("研讨班期")


def test_an_offices_own_meeting_is_a_kind_not_who_held_it(collection: Collection) -> None:
    """委员长会议 and 主任会议 are the meetings of those offices: 第十四次主任会议, which the archive does not hold,
    is said to be absent, with the ones it does (总理开座谈会 still names who held it: see above)."""
    _add_texts(collection, [
        (f"{number}.txt", f"县人大常委会举行第{word}次主任会议\n2023-0{month}-09\n"
                          f"县人大常委会第{word}次主任会议9日举行。会议决定，常委会会议下月举行。\n")
        for number, word, month in ((12, "十二", 3), (13, "十三", 4))
    ])
    answer = collection.ask(["第十四次主任会议定了什么"])
    assert not answer.passages and [held.ordinal.number for held in answer.absent[:2]] == [13, 12]
    timed = collection.ask(["2023年4月第13次主任会议决定了什么"])  # the time before the ordinal is no part of a name
    assert timed.passages and {p.title for p in timed.passages} == {"县人大常委会举行第十三次主任会议"}


def test_a_session_of_several_days_named_by_its_ordinal_is_one_meeting(collection: Collection) -> None:
    """市政协八届四次会议's opening, group meetings and closing, reported on five days, are one meeting: its
    words are not weighed by their rarity among them, as a kind's many meetings are."""
    parts = ("开幕", "举行第二次全体会议", "举行第三次全体会议", "举行小组会议", "闭幕")
    _add_texts(collection, [
        (f"{day}.txt", f"市政协八届四次会议{part}\n2023-03-0{day}\n市政协八届四次会议{day}日{part}。会议听取了提案工作报告。\n")
        for day, part in enumerate(parts, start=1)
    ])
    answer = collection.ask(["市政协八届四次会议听取了什么报告"])
    assert answer.query.one_meeting and not answer.query.kind_scope and len(answer.query.doc_ids) == 5


def test_a_collective_study_session_is_a_meeting_the_archive_may_not_hold(collection: Collection) -> None:
    """集体学习 is a meeting like any other: 中央政治局第二十九次集体学习 is not the county's study session."""
    _add_texts(collection, [("study.txt", "县委理论学习中心组举行集体学习\n2023-05-09\n"
                                          "县委理论学习中心组5月9日举行集体学习，学习领会中央经济工作会议精神。县委书记王强主持并讲话。\n")])
    assert not collection.ask(["中央政治局第二十九次集体学习是请谁讲解的，讲了什么内容"]).passages
    assert collection.ask(["县委理论学习中心组集体学习讲了什么"]).passages


def test_what_a_meeting_required_comes_from_the_paragraph_stating_requirements(collection: Collection) -> None:
    """会议认为 assesses 春耕 three times; 会议要求 states three requirements and names 春耕 once: it answers."""
    _add_texts(collection, [("spring.txt", "县政府召开第十二次常务会议\n2023-03-05\n"
                                           "3月5日，县长王立新主持召开县政府第十二次常务会议，研究春耕生产工作。\n"
                                           "会议认为，今年春耕生产形势总体平稳，春耕物资供应充足，春耕生产进度快于去年。\n"
                                           "会议要求，要抓好春耕生产，确保种子化肥供应。各乡镇要组织农技人员下田指导。要加快高标准农田建设。\n")])
    answer = collection.ask(["县政府第十二次常务会议对春耕生产提了什么要求"])
    assert answer.query.one_meeting and answer.passages[0].text.startswith("会议要求")


def test_a_part_of_a_session_names_that_days_report(collection: Collection) -> None:
    """市政协闭幕会上: the 市政协会议's report of its closing day, not its opening's, which says as much on 协商."""
    _add_texts(collection, [
        ("open.txt", "市政协八届四次会议开幕\n2023-03-01\n市政协八届四次会议1日开幕。市政协主席李华作常委会工作报告，要求委员们搞好协商。\n"),
        ("close.txt", "市政协八届四次会议闭幕\n2023-03-05\n市政协八届四次会议5日闭幕。\n李华在闭幕会上讲话，要求委员们提高协商质量。\n"),
    ])
    answer = collection.ask(["2023年3月市政协闭幕会上，对委员们搞好协商提了什么要求"])
    assert answer.named is not None and answer.named.description == ("闭幕",)
    assert collection.lookups().archive.at_part(answer.named, "北京冬奥会闭幕式上讲了什么") is None, "another's closing"
    full = collection.ask(["市政协八届四次会议闭幕会上，对委员们搞好协商提了什么要求"])
    assert full.named is not None and full.named.description == ("闭幕",)
    assert full.passages and {p.title for p in full.passages} == {"市政协八届四次会议闭幕"}
    assert answer.passages and {p.title for p in answer.passages} == {"市政协八届四次会议闭幕"}


def _county_meetings(topics: list[str]) -> list[tuple[str, str]]:
    """A year of the county government's executive meetings, one a month, each on its topic."""
    return [(f"exec{month:02d}.txt", f"县政府召开常务会议\n2023-{month:02d}-10\n{month}月10日，县长王立新主持召开县政府常务会议。\n"
                                     f"会议要求，各乡镇要抓好{topic}工作，确保按期完成。\n")
            for month, topic in enumerate(topics, start=1)]


def test_a_year_of_a_kinds_meetings_is_no_one_meeting_and_a_topic_none_took_up_is_refused(collection: Collection) -> None:
    """2023年县政府常务会议 names six meetings, not one: 集成电路, which the collection uses (in another body's
    report) but none of them does, is a topic they never took up, though their passages share 产业 and 发展 with it."""
    _add_texts(collection, [
        *_county_meetings(["秋粮收购", "产业发展", "安全生产", "产业园区发展", "整治违规收费", "产业项目发展"]),
        ("tech.txt", "市科技局召开集成电路产业座谈会\n2023-03-02\n会议要求，加快集成电路产业发展。\n"),
        ("fees.txt", "市场监管局通报乱收费问题\n2023-04-02\n通报指出，部分单位存在乱收费问题。\n"),
    ])
    assert not collection.ask(["2023年县政府常务会议对集成电路产业发展有什么部署"]).passages
    answer = collection.ask(["2023年县政府常务会议对秋粮收购有什么要求"])
    assert answer.passages and "秋粮收购" in answer.passages[0].text
    meetings = tuple(d.id for d in collection.documents() if Path(d.name).name.startswith("exec"))
    assert _untaken(collection.index, ["集成电路"], meetings)
    assert not _untaken(collection.index, ["乱收费"], meetings), "their 违规收费 takes it up in other words"


def test_an_office_the_question_names_is_answered_where_its_holder_speaks(collection: Collection) -> None:
    """书记对…提了什么要求 asks what 李明 said, whom the report titles 县委书记李明 and 李明书记: the paragraph where
    he speaks comes before one where another speaker mentions him with more of the question's words."""
    _add_texts(collection, [(
        "seed.txt",
        "县委召开种业振兴座谈会\n2023-05-10\n"
        "5月10日，县委书记李明主持召开种业振兴座谈会。\n"
        "李明强调，要加强种质资源保护，扶持良种繁育基地，做好种业振兴后续工作。\n"
        "县长赵强在讲话中表示，要认真学习贯彻李明书记讲话精神，推进种业振兴后续工作，抓好种业振兴后续任务。\n",
    )])
    answer = collection.ask(["书记对种业振兴后续工作提了什么要求"])
    assert any(e.stands_for == "书记" and e.tokens == tuple(tokenize("李明")) for e in answer.query.expansions)
    assert answer.passages and answer.passages[0].text.startswith("李明强调")


def test_an_ordinal_the_question_names_must_be_the_one_written_of_what_it_numbers(collection: Collection) -> None:
    """第五轮巡视 is not the 第七轮, however many other words their reports share; nor is a 第五轮 of something else
    (第五轮谈判) it. The ordinal may be written in digits (第7轮) and what it numbers spelled out (进博会)."""
    _add_texts(collection, [
        ("tour.txt", "县委第7轮巡察完成反馈\n2023-06-02\n"
                     "6月2日，县委召开第7轮巡察集中反馈会议，巡察组指出了被巡察单位整改不到位等共性问题。\n"),
        ("talks.txt", "第五轮招商谈判举行\n2023-06-05\n6月5日，第五轮招商谈判举行，会议指出了一些共性问题。\n"),
        ("fair.txt", "第八届中国国际进口博览会圆满举办\n2023-11-10\n第八届中国国际进口博览会圆满举办，意向成交金额达80亿元。\n"),
    ])
    assert not collection.ask(["第五轮巡察反馈时指出了哪些共性问题"]).passages
    found = collection.ask(["第七轮巡察反馈时指出了哪些共性问题"]).passages
    assert found and found[0].doc_id == archive_id(collection, "tour.txt")
    fair = collection.ask(["第八届进博会意向成交金额"]).passages
    assert fair and "80亿元" in fair[0].text


def test_a_meeting_whose_spirit_is_studied_is_not_the_meeting_asked_about(collection: Collection) -> None:
    """五中全会精神研讨班 is where the plenum's spirit is studied, weeks later: the question is not about the plenum."""
    _add_texts(collection, (
        ("plenum.txt", "中国共产党第十九届中央委员会第五次全体会议在京举行\n2020-10-29\n"
                       "中国共产党第十九届中央委员会第五次全体会议10月26日至29日在北京举行。\n全会提出，全面推进乡村振兴。\n"),
        ("class.txt", "学习贯彻党的十九届五中全会精神专题研讨班开班\n2021-01-11\n"
                      "学习贯彻党的十九届五中全会精神专题研讨班11日上午开班。\n"
                      "李明强调，要把学习成果转化为推动乡村振兴的实际行动。\n"),
    ))
    archive = collection.lookups().archive
    assert archive.named_in("五中全会对乡村振兴提了什么要求") is not None
    assert archive.named_in("五中全会精神研讨班开班时，对乡村振兴提了什么要求") is None
    assert archive.named_in("五中全会精神对乡村振兴提了什么要求") is not None  # the plenum's own
    answer = collection.ask(["五中全会精神研讨班开班时，对乡村振兴提了什么要求"])
    assert answer.passages and answer.passages[0].doc_id == archive_id(collection, "class.txt")


def test_a_named_meetings_decisions_asked_with_no_topic_are_what_it_stated(collection: Collection) -> None:
    """王立新主持的…定了些什么 names the meeting by its chair and asks no topic: the answer is what it decided, not the
    opening that names him."""
    _add_texts(collection, [(
        "meeting.txt",
        "县政府召开第十次常务会议\n2023-05-10\n"
        "5月10日，县长王立新主持召开县政府第十次常务会议。\n"
        "会议听取了全县春耕生产情况汇报，审议通过了《县农田水利设施管护办法》。\n"
        "会议要求，要抓紧修复损毁渠道，要落实管护责任，要保障粮、油供应。\n",
    )])
    for question in ("王立新主持的县政府第十次常务会议定了些什么", "县长王立新主持的县政府第十次常务会议研究了什么"):
        answer = collection.ask([question])  # its chair, his office and the verb asking are no topic
        assert answer.passages and not answer.passages[0].text.startswith("5月10日"), question
        assert any("农田水利设施管护办法" in passage.text for passage in answer.passages[:2]), question
    grain = collection.ask(["王立新主持的县政府第十次常务会议对粮提了什么要求"])  # a lone word its report writes
    assert grain.passages and "粮、油" in grain.passages[0].text


def test_a_place_a_meeting_was_held_at_may_be_said_after_days_of_a_visit(collection: Collection) -> None:
    """A visit's report says where its meeting was held only when it comes to the meeting (20日上午，李明在县会堂主持
    召开…汇报会): that is where it was held; a place named in passing elsewhere is not."""
    _add_texts(collection, [(
        "visit.txt",
        "李明在县里考察并主持召开春耕工作汇报会\n2023-03-21\n"
        "县委书记李明近日在县里考察，主持召开春耕工作汇报会并讲话。\n"
        "19日，李明来到青山镇，察看春耕备耕情况。\n"
        "李明还询问了县体育馆建设进度。\n"
        "20日上午，李明在县会堂主持召开春耕工作汇报会后，来到县图书馆。李明强调，要抓紧修复水毁农田。\n",
    )])
    held = collection.ask(["2023年3月在县会堂开的春耕工作汇报会提了什么要求"])
    assert not held.unheld and any("修复水毁农田" in passage.text for passage in held.passages)
    for place in ("县体育馆", "县图书馆"):
        elsewhere = collection.ask([f"2023年3月在{place}开的春耕工作汇报会提了什么要求"])
        assert elsewhere.unheld and not elsewhere.passages, place


def test_a_follow_up_naming_another_session_by_its_number_asks_that_session(collection: Collection) -> None:
    """五次会议呢, after a question on 十三届全国人大四次会议: the same series, the fifth session."""
    _add_texts(collection, (
        ("fourth.txt", "县十八届人大四次会议开幕\n2023-01-10\n县十八届人大四次会议10日开幕。\n大会秘书处共收到代表提出的议案45件。\n"),
        ("fifth.txt", "县十八届人大五次会议开幕\n2024-01-09\n县十八届人大五次会议9日开幕。\n大会秘书处共收到代表提出的议案52件。\n"),
    ))
    answer = collection.ask(["县十八届人大四次会议上代表一共提了多少件议案", "五次会议呢"])
    assert answer.passages and {p.doc_id for p in answer.passages} == {archive_id(collection, "fifth.txt")}


def test_a_peoples_congress_session_is_named_by_its_short_name(collection: Collection) -> None:
    """人代会 is what officials call a session of a people's congress (县十八届人大五次会议)."""
    _add_texts(collection, (
        ("fourth.txt", "县十八届人大四次会议开幕\n2023-01-10\n县十八届人大四次会议10日开幕。\n大会秘书处共收到代表提出的议案45件。\n"),
        ("fifth.txt", "县十八届人大五次会议开幕\n2024-01-09\n县十八届人大五次会议9日开幕。\n大会秘书处共收到代表提出的议案52件。\n"),
    ))
    answer = collection.ask(["2024年县人代会上代表提了多少件议案"])
    assert answer.named is not None and answer.passages
    assert {p.doc_id for p in answer.passages} == {archive_id(collection, "fifth.txt")}


def test_what_a_meeting_found_first_required_comes_from_its_paragraphs_stating_requirements(collection: Collection) -> None:
    """A question naming no meeting, answered from one meeting's report: its paragraph stating what to do comes
    before one that says the question's words more often in assessing (会议认为…)."""
    _add_texts(collection, [(
        "push.txt",
        "县委召开秸秆综合利用工作推进会\n2023-06-02\n"
        "6月2日，县委召开秸秆综合利用工作推进会。\n"
        "会议认为，全县秸秆综合利用工作扎实，秸秆综合利用成效明显。\n"
        "会议要求，要抓好秸秆综合利用工作，扩大还田面积。要培育收储运主体。要严防露天焚烧。\n",
    )])
    answer = collection.ask(["秸秆综合利用工作有什么要求"])
    assert answer.passages and answer.passages[0].text.startswith("会议要求")


def test_a_bodys_work_report_is_not_a_meeting_of_that_body(collection: Collection) -> None:
    """人大常委会工作报告 is delivered at the congress's session, not at a 人大常委会会议."""
    _add_texts(collection, (
        ("standing.txt", "县人大常委会第十次会议召开\n2023-02-20\n2月20日，县十八届人大常委会第十次会议召开，审议通过了有关决定。\n"),
        ("session.txt", "县十八届人大四次会议开幕\n2023-01-10\n县十八届人大四次会议10日开幕。\n"
                        "县人大常委会主任李明在报告中指出，过去一年，常委会制定地方性法规3件。\n"),
    ))
    archive = collection.lookups().archive
    assert archive.named_in("人大常委会第十次会议审议通过了什么") is not None
    assert archive.named_in("人大常委会工作报告讲过去一年制定了多少件法规") is None


SERIES_ROUNDS = (
    ("seventh.txt", "县委常委会会议听取第七轮巡察综合报告\n2023-05-30\n5月30日，县委常委会会议听取第七轮巡察综合报告。\n"
                    "会议要求，被巡察的学校要抓好整改，巡察整改要见底。\n"),
    ("eighth.txt", "县委常委会会议听取第八轮巡察综合报告\n2023-11-20\n11月20日，县委常委会会议听取第八轮巡察综合报告。\n"
                   "会议要求，被巡察的乡镇要压实责任，巡察整改要见底。\n"),
)
STUDY_CLASSES = (
    ("open22.txt", "全县干部专题研讨班开班\n2022-01-10\n全县干部专题研讨班10日开班。县委书记王华出席开班式并讲话。\n"),
    ("close22.txt", "全县干部专题研讨班结业\n2022-01-14\n全县干部专题研讨班14日结业。\n"
                    "李明在结业式上表示，要把学习成果转化为推动秋粮收购的实际行动。\n"),
    ("close21.txt", "全县干部专题研讨班结业\n2021-01-15\n全县干部专题研讨班15日结业。\n"
                    "李明在结业式上表示，要把学习成果转化为推动春耕备耕的实际行动，抓好结业式后的各项工作。\n"),
)


@pytest.mark.parametrize(
    ("texts", "turns", "expected"),
    [
        # 那第八轮巡察的呢, after the 第七轮's report in 2023年5月: another round, reported another time and elsewhere
        (SERIES_ROUNDS, ["2023年5月底县委常委会会议听取第七轮巡察综合报告，对学校提了哪些要求", "那第八轮巡察的综合报告呢"], "eighth.txt"),
        # a question of its own naming no time, after one naming 2022年1月: that class's closing, not 2021's, which
        # says more of the question's words
        (STUDY_CLASSES, ["2022年1月学习全会精神的全县干部专题研讨班是哪天开班的", "在结业式上李明又提了啥要求"], "close22.txt"),
    ],
)
def test_a_turn_answers_from_the_report_its_conversation_points_to(
    collection: Collection, texts: tuple[tuple[str, str], ...], turns: list[str], expected: str
) -> None:
    _add_texts(collection, texts)
    answer = collection.ask(turns)
    assert answer.passages and answer.passages[0].doc_id == archive_id(collection, expected)


@pytest.mark.parametrize(
    ("report", "question"),
    [
        # who held it, before its name: its report says 国务院召开…, though its title names only the meeting
        ("李明在全国春耕生产电视电话会议上强调 抓好春耕\n2023-03-05\n国务院3月5日召开全国春耕生产电视电话会议。李明出席并讲话。\n"
         "李明强调，要抓好春耕生产，要备足农资。\n", "国务院全国春耕生产电视电话会议提了什么要求"),
        # where, said in full in a later passage: 在河南南阳开的 met by 在河南省南阳市主持召开…
        ("李明考察南水北调工程并主持召开座谈会\n2023-05-14\n县委书记李明近日考察南水北调工程，主持召开座谈会并讲话。\n"
         "12日，李明来到渠首，察看引水闸运行情况。\n"
         "14日上午，李明在河南省南阳市主持召开推进南水北调后续工程座谈会。李明强调，要坚持节水优先。\n",
         "2023年5月在河南南阳开的推进南水北调后续工程座谈会提了什么要求"),
    ],
)
def test_a_meeting_named_by_who_held_it_or_where_as_its_report_says_is_held(
    collection: Collection, report: str, question: str
) -> None:
    _add_texts(collection, [("report.txt", report)])
    answer = collection.ask([question])
    assert not answer.unheld and answer.passages


def test_a_source_named_in_a_dateline_is_no_body_holding_the_kind(collection: Collection) -> None:
    """新华社北京12月12日电 makes 新华社北京 the report's source, not 北京 the one holding 中央经济工作会议."""
    _add_texts(collection, [(
        "cewc.txt",
        "中央经济工作会议在北京举行\n2022-12-16\n"
        "新华社北京12月16日电 中央经济工作会议12月15日至16日在北京举行。\n会议要求，要着力扩大国内需求。\n",
    )])
    answer = collection.ask(["北京经济工作会议提了什么要求"])
    assert answer.unheld and not answer.passages


def test_a_meetings_own_report_is_still_that_meeting(collection: Collection) -> None:
    """县纪委二次全会工作报告 is delivered at that plenum: only a body's name before 工作报告 names another meeting."""
    _add_texts(collection, [(
        "plenum.txt", "县纪委二次全会召开\n2023-01-20\n1月20日，县纪委二次全会召开，审议通过了工作报告。\n会议要求，要严查群众身边的腐败。\n",
    )])
    assert collection.lookups().archive.named_in("县纪委二次全会工作报告提了什么要求") is not None


def test_something_done_at_the_meeting_talked_about_is_no_meeting_of_its_own(collection: Collection) -> None:
    _add_texts(collection, [(
        "study.txt", "县委理论学习中心组举行集体学习\n2023-03-01\n3月1日，县委理论学习中心组举行集体学习。\n",
    )])
    archive = collection.lookups().archive
    assert archive.named_in("县委理论学习中心组集体学习讲了什么") is not None
    assert archive.named_in("那次会上集体学习是请谁作的报告") is None
