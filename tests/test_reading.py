"""A turn read once: the meeting and time it names, its search words, what it asks for."""

from __future__ import annotations

from datetime import date

import pytest

from index.collection import Collection
from index.reading import Reading, read_turn

TODAY = date(2024, 6, 1)


def _read(collection: Collection, *turns: str) -> Reading:
    """The last turn's reading, the earlier ones answered as a chat would have them."""
    topic = collection.ask(list(turns[:-1]), today=TODAY).topic if len(turns) > 1 else None
    known = lambda words: any(collection.index.doc_freqs("body", words).values())  # noqa: E731
    return read_turn(turns[-1], topic, collection.lookups(), collection.synonyms, TODAY, known)


def test_the_meeting_and_time_named_are_not_search_words(archive: Collection) -> None:
    reading = _read(archive, "2023年县委农村工作会议对高标准农田有什么要求")
    assert reading.named is not None and reading.named.text == "县委农村工作会议"
    assert reading.period is not None and reading.period.label == "2023年"
    assert set(reading.query.terms) >= {"高标准农田"}
    assert not {"县委", "农村", "2023"} & set(reading.query.terms)
    assert reading.query.wants_decisions


def test_asking_who_or_how_many_of_a_named_meeting_is_no_question_about_its_decisions(archive: Collection) -> None:
    """Its opening paragraph, which says who attended and spoke, is not ranked down as a mere announcement."""
    assert not _read(archive, "2023年县委农村工作会议有几位同志作了发言").query.wants_decisions
    assert not _read(archive, "2023年县委农村工作会议谁作的总结讲话").query.wants_decisions
    assert _read(archive, "2023年县委农村工作会议部署了哪几项任务").query.wants_decisions


@pytest.mark.parametrize(("question", "points"), [
    ("2023年县委农村工作会议提了哪几点要求", True),
    ("县委农村工作会议要求从哪几个方面抓高标准农田", True),
    ("县委农村工作会议要求从哪几方面抓高标准农田", True),
    ("2023年县委农村工作会议对高标准农田有什么要求", False),
    ("2023年县委农村工作会议有哪几位同志发言", False),
    ("2023年县委农村工作会议安排在哪几个乡镇开展秋粮收购", False),  # which ones, not the points made
])
def test_asking_for_the_points_a_meeting_made_is_read(archive: Collection, question: str, points: bool) -> None:
    assert _read(archive, question).query.wants_points is points


def test_an_ordinal_before_a_meetings_kind_is_read_not_searched(archive: Collection) -> None:
    """后面第10次县政府常务会议: the 第10次 is the ordinal (reports write 第十次), not words to find as written."""
    reading = _read(archive, "后面第10次县政府常务会议提出了什么要求")
    assert reading.named is not None and reading.named.ordinal is not None and reading.named.ordinal.number == 10
    assert not {"第", "10", "次"} & set(reading.query.terms)


def test_a_follow_up_inherits_the_meeting_and_its_time_but_not_its_chair(archive: Collection) -> None:
    reading = _read(archive, "王立新主持的县政府常务会议对秋粮收购有什么要求", "那2023年11月那次呢")
    assert reading.named is not None and reading.named.chair is None
    assert reading.period is not None and reading.period.label == "2023年11月"
    assert reading.continued is not None


def test_a_follow_up_asking_what_else_and_one_asking_who_chaired(archive: Collection) -> None:
    first = "2023年12月县委农村工作领导小组全体会议对防止返贫有什么要求"
    assert _read(archive, first, "那次会还说了什么").what_else
    assert _read(archive, first, "谁主持的").query.about == "chair"
    assert _read(archive, "2023年县委农村工作会议是谁主持的").aspect == "chair"


@pytest.mark.parametrize(("turns", "small_talk"), [(("好的谢谢",), True), (("县委农村工作会议有什么要求", "abc"), True), (("abc",), False)])
def test_nothing_to_search(archive: Collection, turns: tuple[str, ...], small_talk: bool) -> None:
    assert _read(archive, *turns).small_talk is small_talk


def test_a_quoted_phrase_is_kept_whole(archive: Collection) -> None:
    assert _read(archive, "会议对“防止返贫”有什么要求").query.phrases == ("防止返贫",)


def test_an_aspect_follow_up_does_not_need_the_topics_quoted_phrase(archive: Collection) -> None:
    first = "2023年12月县委农村工作领导小组全体会议对“防止返贫”有什么要求"
    assert _read(archive, first, "农田水利方面呢").query.phrases == ()
    answer = archive.ask([first, "农田水利方面呢"], today=TODAY)
    assert answer.passages and "农田水利" in answer.passages[0].text


def test_a_meeting_a_body_held_is_named_without_the_body_and_a_word_pointing_back_is_no_search_word(archive: Collection) -> None:
    reading = _read(archive, "县人大常委会开水污染防治法实施座谈会，这部法什么时候施行")
    assert reading.named is not None and reading.named.text == "水污染防治法实施座谈会"
    assert set(reading.query.terms) == {"施行"}
    answer = archive.ask([reading.turn], today=TODAY)
    assert answer.passages and "2024年1月1日起施行" in answer.passages[0].text


def test_where_the_meeting_named_was_held_is_no_search_word(archive: Collection) -> None:
    """Its reports name the place only where they announce the meeting: what it required is asked."""
    reading = _read(archive, "在县委会议室开的县委农村工作领导小组全体会议提了什么要求")
    assert reading.named is not None and reading.named.held_in == "县委会议室"
    assert not reading.query.terms
    answer = archive.ask([reading.turn], today=TODAY)
    assert answer.passages and answer.passages[0].text.startswith("会议")
    chaired = _read(archive, "县委书记在县委会议室主持的县委农村工作领导小组全体会议提了什么要求")
    assert chaired.named is not None and not chaired.query.terms.keys() - {"县委书记"}, "nor is the verb holding it"


def test_a_follow_up_naming_a_part_of_the_session_is_the_same_meeting_that_day(archive: Collection) -> None:
    reading = _read(archive, "2023年县委农村工作会议对高标准农田有什么要求", "闭幕会上县委书记讲了什么")
    assert reading.named is not None and reading.named.text == "县委农村工作会议" and reading.named.description == ("闭幕",)
    assert reading.period is not None and reading.period.label == "2023年", "its time kept"


def test_a_time_is_the_meetings_when_the_question_names_any_kind_of_meeting(archive: Collection) -> None:
    reading = _read(archive, "2023年6月的座谈会讲了哪些重点")
    assert reading.period is not None and reading.period.label == "2023年6月"
    assert "2023" not in reading.query.terms


@pytest.mark.parametrize("question", ["2023年春节前县长和企业家座谈，讲了啥", "2023年6月县长下乡讲了哪些事", "2023年春节前县长和企业家座谈了哪些事"])
def test_a_time_is_the_meetings_when_the_question_asks_what_was_said_at_one(archive: Collection, question: str) -> None:
    """座谈 and 讲了 ask what a meeting said as 座谈会 and 讲话 do: the year is when it was held, not a word."""
    reading = _read(archive, question)
    assert reading.period is not None and reading.period.label.startswith("2023年")
    assert "2023" not in reading.query.terms


def test_a_follow_up_renumbers_the_topics_ordinal_only_for_another_number() -> None:
    from index.reading import _renumbered
    assert _renumbered("那第八轮巡察的呢", {"第七轮": 1.0, "巡察": 1.0}) == {"第七轮"}
    assert _renumbered("那第7轮巡察的整改呢", {"第七轮": 1.0}) == set(), "the same round in digits"
    assert _renumbered("第七轮和第八轮比呢", {"第七轮": 1.0}) == set(), "named again"
