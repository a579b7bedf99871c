"""Speakers: names introduced with a title, and who speaks in each sentence."""

from __future__ import annotations

import pytest

from index.speakers import attribute, find_speaker_names, holders_of, split_sentences


@pytest.mark.parametrize(
    "paragraph, name",
    [
        ("4月17日，市委书记李猛主持召开专题会议并讲话。", "李猛"),
        ("局党组书记、局长王世平主持会议并讲话。", "王世平"),
        ("县委副书记、县长郭伟出席会议并对近期重点工作作了安排部署。", "郭伟"),
        ("市委書記李猛強調，要狠抓落實。", "李猛"),
        ("国务院总理李明5日主持召开国务院常务会议。", "李明"),  # the day he held it, right after his name
    ],
)
def test_name_after_title(paragraph: str, name: str) -> None:
    assert find_speaker_names([paragraph]) == [name]


def test_names_in_order_of_first_appearance_without_duplicates() -> None:
    paragraphs = [
        "6月4日，局长王世平主持会议。",
        "县长郭伟出席会议。局长王世平强调，要抓好落实。",
        "市委书记李猛讲话。",
    ]
    assert find_speaker_names(paragraphs) == ["王世平", "郭伟", "李猛"]


@pytest.mark.parametrize(
    "paragraph",
    ["各位局长要亲自抓。", "县长在会上作了讲话。", "书记的讲话很重要。", "局长对此作了部署。"],
)
def test_title_without_name_gives_no_speaker(paragraph: str) -> None:
    assert find_speaker_names([paragraph]) == []


@pytest.mark.parametrize(
    "paragraph",
    ["会议由县委书记主持。", "县委书记强调，要抓好落实。", "县委书记讲话。", "会议由市委副书记、市长主持。",
     "会议由县委书记主持并讲话。"],
)
def test_verb_or_title_after_title_is_not_a_name(paragraph: str) -> None:
    assert find_speaker_names([paragraph]) == []


def test_split_sentences_keeps_all_text() -> None:
    paragraph = "李猛强调：“要狠抓落实。”会议要求，各地要细化措施！还有问题吗？最后一句没有句号"
    sentences = split_sentences(paragraph)
    assert "".join(sentences) == paragraph
    assert sentences[0] == "李猛强调：“要狠抓落实。”"
    assert len(sentences) == 4


def test_speaker_is_attributed_from_speech_verb() -> None:
    paragraphs = ["会议听取了工作汇报。市委书记李猛强调，要狠抓落实。要细化措施。"]
    names = find_speaker_names(paragraphs)
    sentences = [split_sentences(p) for p in paragraphs]
    assert attribute(sentences, names) == [[None, "李猛", "李猛"]]


def test_pronoun_continues_previous_speaker() -> None:
    paragraphs = [
        "4月17日，市委书记李猛主持召开专题会议并讲话。",
        "李猛强调，要聚焦短板弱项，狠抓工作落实。",
        "他要求，各专班要细化工作措施。",
        "会议指出，要加强组织领导。",
    ]
    sentences = [split_sentences(p) for p in paragraphs]
    result = attribute(sentences, find_speaker_names(paragraphs))
    assert result == [["李猛"], ["李猛"], ["李猛"], [None]]


def test_pronoun_after_a_paragraph_without_speaker_has_none() -> None:
    paragraphs = ["市委书记李猛出席会议。", "会议听取了工作汇报。", "他要求，各地要抓好落实。"]
    result = attribute([split_sentences(p) for p in paragraphs], find_speaker_names(paragraphs))
    assert result[2] == [None]


def test_one_praised_is_not_speaking() -> None:
    paragraphs = ["县长郭伟出席会议。", "郭伟的工作得到了与会人员的充分肯定。", "郭伟得到消息后强调，要连夜抢修。"]
    assert attribute([split_sentences(p) for p in paragraphs], find_speaker_names(paragraphs))[1:] == [[None], ["郭伟"]]


@pytest.mark.parametrize("said", ["习近平希望各民主党派围绕中心工作履职尽责。", "习近平充分肯定过去一年的工作。"])
def test_hoping_and_approving_are_spoken(said: str) -> None:
    paragraphs = ["中共中央总书记习近平出席座谈会。", said]
    assert attribute([split_sentences(p) for p in paragraphs], find_speaker_names(paragraphs))[1] == ["习近平"]


def test_second_speaker_takes_over() -> None:
    paragraphs = ["局长王世平主持会议，县长郭伟出席。", "王世平指出，要抓好春耕。郭伟强调，要保障农资供应。"]
    result = attribute([split_sentences(p) for p in paragraphs], find_speaker_names(paragraphs))
    assert result[1] == ["王世平", "郭伟"]


def test_no_names_gives_no_speakers() -> None:
    sentences = [split_sentences("会议强调，要抓好落实。会议要求，细化措施。")]
    assert attribute(sentences, []) == [[None, None]]


def test_an_office_is_held_by_the_name_written_after_it_or_a_speaker_written_before_it() -> None:
    """委员长王华主持 and 李明书记要求 both say who holds the office; a name before it counts only for a speaker
    the report quotes (not the 道别 of 同书记道别, nor anyone before a longer office: 总书记)."""
    paragraphs = ["县委书记李明5日主持召开座谈会。", "要认真学习贯彻李明书记讲话精神。", "群众同书记道别。"]
    assert holders_of("书记", paragraphs, ["李明"]) == {"李明": 2, "道别": 1}
    assert holders_of("书记", paragraphs) == {"李明": 1, "道别": 1}
    assert holders_of("书记", ["中共中央总书记王华主持会议。", "学习王华总书记讲话。"], ["王华"]) == {}
