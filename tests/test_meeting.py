"""The meeting a report says was held: kind, ordinal and chair, recognised by shape."""

from __future__ import annotations

import pytest

from index.meeting import (
    abbreviates, Ordinal, chair_of, describing, held_by, held_meeting_name, held_within, identify_meeting, is_meeting_name, is_meeting_type, kind_of, mentions, name_start,
    ordinal_of, series_of, session_part, type_spans, words_of_name,
)
from index.when import number_value


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("李克强主持召开国务院常务会议", "国务院常务会议"),
        ("全国政协十三届常委会第十九次会议22日在京开幕", "全国政协十三届常委会第十九次会议"),
        ("中共中央政治局12月6日召开会议，分析研究明年经济工作", "中共中央政治局会议"),
        ("9月11日，县长王立新主持召开县政府第十次常务会议，研究部署秋粮收购", "县政府第十次常务会议"),
        ("全国春季农业生产工作会议2月13日在山东省德州市召开", "全国春季农业生产工作会议"),
        ("会议要求，各地要抓好秋粮收购。", None),
        ("县委理论学习中心组5月9日举行集体学习", "县委理论学习中心组集体学习"),
    ],
)
def test_the_held_meeting_is_named_by_shape(text: str, name: str | None) -> None:
    assert held_meeting_name(text) == name


@pytest.mark.parametrize(
    ("name", "kind", "ordinal"),
    [
        ("十三届全国人大常委会第三十七次会议", "全国人大常委会会议", Ordinal(13, 37)),
        ("第十次全国深化“放管服”改革电视电话会议", "全国深化“放管服”改革电视电话会议", Ordinal(None, 10)),
        ("十九届六中全会", "中央委员会全体会议", Ordinal(19, 6)),
        ("中国共产党第十九届中央委员会第六次全体会议", "中国共产党中央委员会全体会议", Ordinal(19, 6)),
        ("2022年中央经济工作会议", "中央经济工作会议", None),
        ("去年年底那次政治局会议", "政治局会议", None),
    ],
)
def test_a_series_shares_its_kind_and_ordinals_tell_its_meetings_apart(name: str, kind: str, ordinal: Ordinal | None) -> None:
    assert kind_of(name) == kind
    assert ordinal_of(name) == ordinal


def test_ordinals_round_trip_and_match_without_a_term() -> None:
    assert Ordinal.parse(str(Ordinal(13, 37))) == Ordinal(13, 37)
    assert Ordinal.parse(str(Ordinal(None, 8))) == Ordinal(None, 8)
    assert Ordinal.parse(None) is None
    assert Ordinal(13, 37).matches(Ordinal(None, 37))
    assert not Ordinal(13, 6).matches(Ordinal(19, 6))


@pytest.mark.parametrize(
    ("text", "value"), [("十二", 12), ("三十七", 37), ("一百三十一", 131), ("66", 66), ("二〇二三", 2023), ("两", 2), ("第一", None)]
)
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert number_value(text) == value


def test_a_series_is_numbered_of_what_it_numbers_in_digits_or_numerals_maybe_spelled_out() -> None:
    series = series_of("第五轮", "巡视")
    assert [m["number"] for m in series.finditer("十九届中央第七轮巡视集中反馈；第8轮巡视启动")] == ["七", "8"]
    assert not series.search("第五轮招商引资谈判指出了巡视中的问题。")
    assert series_of("第八届", "进博会").search("第八届中国国际进口博览会圆满成功")
    assert series_of("五轮", "巡视") is None


def test_a_report_knows_its_meeting_and_chair() -> None:
    meeting = identify_meeting(
        "县政府召开第十次常务会议 部署秋粮收购",
        ["9月11日，县长王立新主持召开县政府第十次常务会议，研究部署秋粮收购和安全生产工作。"],
    )
    assert (meeting.kind, meeting.ordinal, meeting.chair) == ("县政府常务会议", Ordinal(None, 10), "王立新")


def test_a_meeting_mentioned_later_is_not_the_reports() -> None:
    meeting = identify_meeting("多措并举 加快构建新发展格局", ["国家各部委如何落实？", "中央经济工作会议提出，要强化国家战略科技力量。"])
    assert meeting.kind is None


def test_meeting_names_by_their_ending() -> None:
    assert is_meeting_name("国务院常务会议") and is_meeting_name("全国安全生产电视电话会议")
    assert not is_meeting_name("国常会议题") and not is_meeting_name("高标准农田")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("县委书记战明秀在县委常委会议室通过视频会议系统主持召开县委经济工作会议。", "县委经济工作会议"),
        ("韩正6日在济南主持召开推动黄河流域生态保护领导小组全体会议。", "推动黄河流域生态保护领导小组全体会议"),
        ("人民大会堂举行纪念活动。", None),
    ],
)
def test_a_name_ends_on_a_word_and_begins_after_where_it_was_held(text: str, name: str | None) -> None:
    assert held_meeting_name(text) == name


def test_the_leads_fuller_name_wins_over_the_titles() -> None:
    meeting = identify_meeting("韩正主持召开黄河流域生态保护领导小组全体会议", ["韩正6日在济南主持召开推动黄河流域生态保护领导小组全体会议。"])
    assert meeting.kind == "推动黄河流域生态保护领导小组全体会议"


def test_the_leads_ordinal_is_the_meetings_when_the_titles_name_states_none() -> None:
    meeting = identify_meeting("李华主持召开市政协主席会议", ["政协第八届某某市委员会第二十一次主席会议9日召开。市政协主席李华主持。"])
    assert meeting.kind == "市政协主席会议" and meeting.ordinal == Ordinal(8, 21)
    other = identify_meeting("李华主持召开市政协主席会议", ["会议决定，3月召开政协第八届某某市委员会常务委员会第五次会议。"])
    assert other.kind == "市政协主席会议" and other.ordinal is None, "another series' meeting, which it decided to hold"


def test_a_meeting_of_a_standing_committee_is_named_after_its_ordinal() -> None:
    """常委会 ends a meeting's name, but 第一百三十次委员长会议 after it is the meeting held: its type and ordinal
    are read past the body's ending, as a 主任会议 or 主席会议 after 常委会 or 委员会 would be."""
    meeting = identify_meeting("某某主持召开十三届全国人大常委会第一百三十次委员长会议", ["十三届全国人大常委会第一百三十次委员长会议9日上午在京举行。"])
    assert meeting.kind == "全国人大常委会委员长会议" and meeting.ordinal == Ordinal(13, 130)
    assert kind_of("市人大常委会第十二次主任会议") == "市人大常委会主任会议"


def test_a_part_of_a_year_is_no_word_of_a_meetings_name() -> None:
    assert words_of_name("2021年初县委工作会议") == ("县委", "工作", "会议")
    assert words_of_name("2022年中央经济工作会议") == ("中央", "经济", "工作", "会议"), "年 then 中央, not 年中"


def test_the_chair_is_named_with_a_title_before_or_after() -> None:
    assert chair_of("沈跃跃副委员长主持会议。") == "沈跃跃"
    assert chair_of("国务院总理李克强22日主持召开国务院常务会议") == "李克强"
    assert chair_of("副县长刘明到县水利局调研并主持召开座谈会") == "刘明"
    assert chair_of("刘明在县水利局调研时指出，要主持好会议") is None
    assert held_by("2021年4月韩正在雄安主持的")[:2] == ("韩正", "雄安")
    assert held_by("李强总理主持的")[:2] == ("李强", None)
    assert held_by("在江西开的", places={"江西"})[:2] == (None, "江西")
    assert held_by("那次李克强主持的")[0] == "李克强"
    assert held_by("人大开的那次")[0] is None and held_by("县委开的")[0] is None, "a body holds, no one chairs"
    assert held_by("总理在云南开的")[:2] == (None, "云南"), "an office, not a name"
    assert held_by("在县委会议室开的")[:2] == (None, "县委会议室"), "the place's end, not a name"
    assert held_by("黄坤明主持的")[0] == "黄坤明" and held_by("万钢主持的")[0] == "万钢", "names jieba tags as a place or noun"
    assert held_by("就报告征求意见稿开的")[0] is None, "the end of a word (征求意见|稿) is no name"
    assert held_by("总理李强主持的")[0] == "李强" and held_by("由王立新主持的")[0] == "王立新"
    assert held_by("授权国务院搞房地产税改革试点的那次")[:2] == (None, None)


def test_the_name_in_a_question_begins_after_the_words_saying_which() -> None:
    mention = "研究经济工作的那次政治局会议"
    assert mention[name_start(mention):] == "政治局会议"
    assert "冬奥会工作领导小组开全体会议"[name_start("冬奥会工作领导小组开全体会议"):] == "冬奥会工作领导小组开全体会议"
    assert "党的十九届六中全会"[name_start("党的十九届六中全会"):] == "党的十九届六中全会"
    assert is_meeting_type("全体会议") and not is_meeting_type("全国人大常委会")


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("全国人大常委会开水污染防治法实施座谈会，提了什么要求", [("全国人大常委会开水污染防治法实施座谈会", True)]),
        ("县委常委会召开全体会议部署了什么", [("县委常委会召开全体会议", True)]),
        ("县委常委会会议和全县工作会议", [("县委常委会会议", False), ("和全县工作会议", False)]),
        ("县人大常委会第十次会议开全体会议那天说了什么", [("县人大常委会第十次会议", False), ("开全体会议", False)]),
    ],
)
def test_a_body_holding_a_meeting_is_one_mention(question: str, named: list[tuple[str, bool]]) -> None:
    assert [(question[start:end], by_body) for start, end, by_body in mentions(question)] == named


def test_where_a_meetings_types_lie() -> None:
    assert type_spans("太过强大会") == [(3, 5)], "inside 强大: no name"
    assert type_spans("十三届全国人大常委会第三十九次会议") == [(len("十三届全国人大"), len("十三届全国人大常委会"))]
    assert type_spans("人大常委会会议") == [(2, 7), (5, 7)]
    assert type_spans("政治局民主生活会") == [(len("政治局民主"), len("政治局民主生活会"))]
    assert type_spans("2022年12月第131次委员长会议") == [(len("2022年12月第131次委员长"), len("2022年12月第131次委员长会议"))]


def test_what_words_before_a_name_say_of_the_meeting() -> None:
    assert describing("研究2023年经济工作的那次").split() == ["研究", "经济", "工作"]
    assert describing("蒋中正召开了").split() == ["蒋中正"]


@pytest.mark.parametrize(
    ("short", "name", "shortens"),
    [
        ("深改委", "中央全面深化改革委员会", True),
        ("中央深改委", "中央全面深化改革委员会", True),
        ("财经委", "中央财经委员会", True),
        ("中财委", "中央财经委员会", True),
        ("改深委", "中央全面深化改革委员会", False),  # out of order
        ("央面", "中央全面深化改革委员会", False),  # not where words begin
        ("深", "中央全面深化改革委员会", False),  # one piece is a word, not a short name
    ],
)
def test_a_shortened_name_takes_the_first_characters_of_its_words(short: str, name: str, shortens: bool) -> None:
    assert abbreviates(short, name) is shortens


@pytest.mark.parametrize(
    ("mention", "held"),
    [
        ("中央有关部门在深圳开座谈会", ("中央有关部门座谈会", "深圳")),
        ("领导小组在雄安召开了全体会议", ("领导小组全体会议", "雄安")),
        ("在京召开的会议", ("在京召开的会议", None)),
        ("存在问题整改推进会议", ("存在问题整改推进会议", None)),
    ],
)
def test_where_a_body_held_its_meeting_is_taken_out_of_the_name(mention: str, held: tuple[str, str | None]) -> None:
    assert held_within(mention) == held


@pytest.mark.parametrize(
    ("mention", "read"),
    [("全国政协闭幕会", ("全国政协会议", "闭幕")), ("市人代会开幕式", ("市人代会会议", "开幕")), ("闭幕会", ("闭幕会", None)),
     ("县委常委会会议", ("县委常委会会议", None))],
)
def test_a_meeting_named_by_a_part_of_its_session(mention: str, read: tuple[str, str | None]) -> None:
    assert session_part(mention) == read

