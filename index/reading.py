"""A turn read once, into one value every later step reads: the meeting and time it names, its search
words (with what it inherits from the conversation), and what it asks for — passages on its words, a
meeting's facts (谁主持的), what else a meeting said, or nothing at all (好的谢谢).

The steps after it (``index.answer``) never look at the turn's text again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from .archive import Archive, NamedMeeting
from .meeting import HOLDING_WORDS, MEETING_ENDING, ORDINAL_WORD, is_office, kind_of
from .conversation import Topic, is_small_talk, meeting_aspect, resolve
from .normalize import normalize
from .scope import DocumentNames
from .search import Query
from .store import DocumentRecord
from .synonyms import Synonyms
from .tokenize import tokenize
from .when import Period, find_period, meeting_day, number_value

_MEETING_CONTENT = re.compile(rf"会上|召开|要求|部署|提出|强调|指出|讲话|讲了|座谈|措施|举措|安排|任务|意见|精神|{MEETING_ENDING}")
"""Words of a question about what meetings said or decided: only then is a year it names the meetings'
time (2023年高标准农田有什么要求), not its subject (2025年地区生产总值是多少, 1995年谁获得冠军)."""
_DECISIONS = re.compile(r"要求|部署|措施|举措|提出|强调|安排|决定|确定|指出|任务|怎么|说了|讲了|定调")
"""Words of a question about what a meeting required, decided or deployed."""
_FACT_ASKED = re.compile(r"谁|几[位个名项次家所部条]|多少|哪位|哪几位")
"""Asking who or how many: a fact of the meeting, not what it decided (its announcing paragraph may state it)."""
_POINTS_ASKED = re.compile(r"哪几[点条项]|哪几个?(?:方面|角度|要求|任务)|几[点条项](?:要求|意见|希望|建议)|哪些方面")
"""Asking for the points something made (提了哪几点要求, 从哪几个方面): a list, which reports number; not which ones
of a kind (在哪几个乡镇)."""

_HOLDING = re.compile(r"召开|举行|举办|开的|开会")
"""Words of a question about how a meeting was held, which its opening paragraph states."""
_WHAT_ELSE = re.compile(r"还|另外|其他|其它|别的|此外")
"""Words of a follow-up asking what else the last answer's meeting said (那次会还说了什么)."""
_THE_MEETING = frozenset({"会", "会议", "会上"})
"""Words a follow-up uses for the meeting just answered (那次会还说了什么), which ask about no topic."""
_CJK_OR_DIGIT = re.compile(r"[\u3400-\u9fff\d]")


class Lookups(NamedTuple):
    """What questions are read with, re-read when the documents change."""

    names: DocumentNames
    archive: Archive

    @classmethod
    def of(cls, documents: list[DocumentRecord]) -> Lookups:
        return cls(DocumentNames(documents), Archive(documents))


@dataclass(frozen=True)
class Reading:
    """What a turn asks, read once."""

    turn: str
    query: Query
    """Its search words with their weights, the place it prefers, quoted phrases, and what of the last
    answer's meeting it asks (``query.about``); searched for without the meeting and time it names."""
    named: NamedMeeting | None = None
    """The meeting it names, or the one the conversation it continues named."""
    period: Period | None = None
    """The time it names, or the one the conversation it continues named."""
    aspect: str | None = None
    """What it asks of the meeting it names rather than of its passages (2022年3月那次国常会是谁主持的), or of the one
    it describes, whose report its words find (中共中央就决议稿征求党外人士意见的座谈会是哪天开的)."""
    continued: Topic | None = None
    """The topic it continues, when it is a follow-up."""
    what_else: bool = False
    """It asks what else the last answer's meeting said (那次会还说了什么)."""
    small_talk: bool = False
    """It has nothing to search (好的谢谢, 嗯, or abc in a conversation)."""
    as_asked: Query | None = None
    """Its words with the time it names, for looking everywhere when none of that time's meetings is about it."""
    earlier_period: Period | None = None
    """The time the conversation named, for a question of its own naming no meeting or time (结业式上他又提了啥要求
    after 2022年1月…研讨班是哪天开班的): its meetings are looked at first."""


def read_turn(
    turn: str, topic: Topic | None, lookups: Lookups, synonyms: Synonyms, today: date, known: Callable[[set[str]], bool]
) -> Reading:
    """Read ``turn`` in the conversation whose topic is ``topic``; ``known`` tells whether the collection
    uses any of some words (a Latin-only slip like abc is no question)."""
    if is_small_talk(turn) or (topic and _is_slip(turn, known)):
        return Reading(turn, Query(turn, {}), small_talk=True)
    text = synonyms.meetings_spelled_out(turn)  # normalized: the spans below are of it
    own_meeting = lookups.archive.named_in(text)
    same_meeting = False  # 闭幕会上呢: the conversation's meeting, its report of that day (and its time)
    if own_meeting is None and topic and topic.named:  # 那12月那次全体会议呢, 那第52次呢: the same series
        own_meeting = lookups.archive.retyped(topic.named, text) or lookups.archive.renumbered(topic.named, text)
        if own_meeting is None:
            own_meeting = lookups.archive.at_part(topic.named, text)
            same_meeting = own_meeting is not None
    year = _conversation_year(topic, lookups.archive)
    about_meetings = own_meeting or _MEETING_CONTENT.search(text) or (topic and (topic.named or _MEETING_CONTENT.search(topic.query.text)))
    own_period = find_period(text, today, year) if about_meetings else None
    rest = _without(text, *(part.span for part in (own_meeting, own_period) if part))
    query = synonyms.expand(resolve(rest, topic, lookups.names))
    if query.about and (own_meeting or own_period):  # 2024年那次是谁主持的: that meeting's facts, not the last answer's
        query = replace(query, about=None, doc_ids=None)
    continued = topic if topic and query.follow_up else None
    renumbered = _renumbered(text, continued.query.terms) if continued else set()
    if renumbered:  # 那第八轮巡视的呢, after 第七轮: another of the series, at another time, in another report
        kept = {term: weight for term, weight in query.terms.items() if term not in renumbered}
        query = replace(query, terms=kept, preferred_doc_id=None, naming_terms=frozenset())
    named = own_meeting or (_same_kind(continued, own_period) if continued and continued.named else None)
    period = own_period or (continued.period if continued and (same_meeting or not own_meeting) and not renumbered else None)
    decisions = bool(_DECISIONS.search(text)) or bool(continued and continued.query.wants_decisions) \
        or (named is not None and not _HOLDING.search(rest) and not _FACT_ASKED.search(rest))
    if own_meeting:
        query = _without_naming_words(query, own_meeting)
    return Reading(
        turn=turn,
        query=replace(query, wants_decisions=decisions, wants_points=bool(_POINTS_ASKED.search(rest))),
        named=named,
        period=period,
        aspect=meeting_aspect(rest) if named or not continued else None,
        continued=continued,
        what_else=bool(continued and continued.sources and not query.focus - _THE_MEETING and _WHAT_ELSE.search(text)),
        as_asked=synonyms.expand(resolve(text, topic, lookups.names)) if period and not named else None,
        earlier_period=topic.period if topic and not (continued or named or period) else None,
    )


def _renumbered(text: str, topic_terms: dict[str, float]) -> set[str]:
    """The topic's ordinal words a follow-up puts another of the same unit for (the 第七轮 of 那第八轮巡视的呢), in
    digits or numerals; not one it names again (第七轮和第八轮比呢)."""
    numbers: dict[str, set[int | None]] = {}
    for found in ORDINAL_WORD.finditer(text):
        numbers.setdefault(found["unit"], set()).add(number_value(found["number"]))
    return {term for term in topic_terms if (found := ORDINAL_WORD.fullmatch(term)) and found["unit"] in numbers
            and number_value(found["number"]) not in numbers[found["unit"]]}


def _same_kind(continued: Topic, period: Period | None) -> NamedMeeting:
    """The meeting a follow-up continues: the one named before, whoever chaired it. At another time (那次年的呢
    after 中央财经委员会第九次会议), the meeting of that kind then, whatever its ordinal, unless the ordinal was
    counted in the time named before (2022年第一次国常会 … 那2021年呢: the first of 2021)."""
    named = replace(continued.named, chair=None)
    if period is None or named.ordinal is None or continued.period is not None:
        return named
    return replace(named, ordinal=None, description=(), text=kind_of(named.text), said=kind_of(named.said))


def _conversation_year(topic: Topic | None, archive: Archive) -> int | None:
    """The year a conversation is about, for a follow-up naming a time from it (那7月那次呢, 次年): the year
    its time named, else the year of its last answer's meeting."""
    if topic is None:
        return None
    if topic.period and topic.period.start:
        return topic.period.start.year
    day = meeting_day(next(iter(archive.days_of(topic.sources[:1]).values()), None))
    return day.year if day else None


def _is_slip(turn: str, known: Callable[[set[str]], bool]) -> bool:
    """Whether a turn has no Chinese word or number and none of its words (if any) is in the
    collection (abc, ？？): in a conversation, no follow-up, but a slip."""
    if _CJK_OR_DIGIT.search(normalize(turn)):
        return False
    words = set(tokenize(turn))
    return not words or not known(words)


def _without_naming_words(query: Query, named: NamedMeeting) -> Query:
    """``query`` without the one-character words that point back to what its meeting is named for (这部法 after
    湿地保护法实施座谈会, 该会), nor the place it says the meeting was held, who chaired it and the verb holding it
    (在北京主持的, 汪洋主持的): the meeting is resolved already, and its reports seldom use the bare word, or the
    others but where they announce it."""
    chair = {named.chair, *tokenize(named.chair), *filter(is_office, query.terms)} if named.chair else set()  # 栗战书委员长
    held = {*tokenize(named.held_in or ""), *chair, *HOLDING_WORDS}
    pointers = {term for term in query.terms
                if term in held or len(term) == 1 and any(len(word) > 1 and word.endswith(term) for word in named.kind_words)}
    return replace(query, terms={term: weight for term, weight in query.terms.items() if term not in pointers}) if pointers else query


def _without(text: str, *spans: tuple[int, int]) -> str:
    """``text`` without the words at ``spans`` (the meeting and time it names, which may overlap)."""
    cut = {i for start, end in spans for i in range(start, end)}
    return "".join(" " if i in cut else char for i, char in enumerate(text))
