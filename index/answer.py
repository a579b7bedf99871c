"""From a turn's reading to its answer: the documents it points to, then their passages.

Resolve, then rank: a reading that names a meeting or a time is first resolved to the documents of
that meeting (``Archive.resolve``) or time; a meeting the archive does not hold is said to be absent,
with the nearest ones it holds. Only then are passages ranked, within those documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .archive import Archive, HeldMeeting, NamedMeeting
from .conversation import Topic
from .meeting import is_office
from .normalize import normalize
from .reading import Reading
from .search import PREFERRED_COVERAGE, Expansion, Passage, Query
from .speakers import holders_of
from .store import DocumentRecord
from .synonyms import with_expansions
from .tokenize import tokenize
from .when import Period

if TYPE_CHECKING:
    from .collection import Collection


_ASKING_VERB = re.compile(r"([\u4e00-\u9fff]{2})了?(?:些)?(?:什么|啥|哪些|哪几)")
"""A verb asking what a meeting did (研究了什么, 审议了啥, 通过了哪些): no topic of its own."""
KIND_SCOPE_REPORTS = 5
"""Reports of a kind of meeting from which words are weighed by how rare they are among them (``Query.kind_scope``):
among fewer, a word they all happen to use or none does says little (DRCD: 3 passages on 忽里台大会)."""
OFFICE_PASSAGES = 10
"""Passages on a question naming an office (委员长要求…) in which to read who holds it (委员长栗战书)."""
_FOUND_FACTS = frozenset({"date", "place", "chair"})
"""What a question may ask of a meeting it describes without naming (…座谈会是哪天开的); not which meeting said
something (高标准农田建设是在哪次会议上提出的), which the passages found answer with their sources."""


@dataclass(frozen=True)
class Answer:
    """The passages answering the last turn of a conversation."""

    question: str
    query: Query
    passages: list[Passage]
    meeting: DocumentRecord | None = None
    """For a question about a meeting's facts (``query.about``): that meeting's document."""
    scope: str | None = None
    """The meetings the question was limited to or looked in first, as the reply states it
    (2023年召开的会议; 德州的会议优先), when it named a time, a meeting or a place."""
    named: NamedMeeting | None = None
    """The meeting the turn named, or its conversation did (2022年中央经济工作会议 … 那2021年呢)."""
    period: Period | None = None
    """The time the turn named, or its conversation did."""
    unheld: bool = False
    """The turn named a meeting the archive holds no report of."""
    absent: tuple[HeldMeeting, ...] = ()
    """When ``unheld``: the nearest meetings of the kind named that the archive does hold, if any."""
    small_talk: bool = False
    """The turn had nothing to search (好的谢谢, 嗯, abc): it gets a short reply, not the old topic's passages."""

    @property
    def lists_the_collection(self) -> bool:
        """Whether the reply should say what the collection covers: nothing was found, and the question was
        no small talk, named no absent meeting and was not limited to a meeting, a time or a place."""
        return not self.passages and not self.small_talk and not self.unheld and not self.scope

    @property
    def sources(self) -> tuple[str, ...]:
        """The documents the answer came from, best first."""
        return tuple(dict.fromkeys(passage.doc_id for passage in self.passages))

    @property
    def topic(self) -> Topic:
        """What the conversation is about after this answer, for the next turn to continue: the query as
        read, without the equivalent phrasings added to it (the next turn's are added anew)."""
        asked = {term: weight for term, weight in self.query.terms.items() if term not in self.query.expanded}
        read = replace(self.query, terms=asked, expansions=(), expanded=frozenset())
        return Topic(read, self.sources, self.named, self.period)


def answer(collection: Collection, archive: Archive, reading: Reading, limit: int) -> Answer:
    """The answer to a reading: its documents (the meetings of ``archive`` it names), then their passages."""
    query, named, period = reading.query, reading.named, reading.period
    if reading.small_talk:
        return Answer(reading.turn, query, [], small_talk=True)
    if reading.aspect in _FOUND_FACTS and named is None:  # a meeting described, not named: its fact, from the report found
        facts = _fact_of_found(collection, reading, limit)
        if facts is not None:
            return facts
    if query.about or (named is None and period is None):
        found = passages(collection, reading.turn, query, limit)
        then = _then_first(collection, reading, found, limit) if reading.earlier_period else None
        if then:  # still about the time the conversation named, as the reply says
            return replace(then, period=reading.earlier_period, scope=scope_of(reading.earlier_period, then.query))
        return replace(found, scope=scope_of(None, found.query, found=bool(found.passages)))
    resolution = archive.resolve(named, period)
    if resolution is None:  # a time alone: the meetings held then
        doc_ids = _held_in(collection, period)
    elif resolution.doc_ids:
        doc_ids = resolution.doc_ids
    else:  # no report of it: those of its kind writing what the question puts before it, or any speaking of it
        doc_ids = collection.opening_with(named.differs_by, resolution.of_kind) if named.differs_by else ()
        doc_ids = doc_ids or collection.mentioning(named.said)
        if not doc_ids:
            return Answer(reading.turn, query, [], named=named, period=period, unheld=True, absent=resolution.nearest)
    if resolution is not None and named.held_in:  # 在重庆主持召开的…: its reports name the place
        doc_ids = tuple(d for d in doc_ids if collection.names_place(d, named.held_in))
        if not doc_ids:
            return Answer(reading.turn, query, [], named=named, period=period, unheld=True, absent=archive.nearest(named, period))
    if resolution is not None and named.description:  # 授权…房地产税改革试点的那次人大常委会: which of them
        doc_ids = _described(collection, archive, named.description, doc_ids)
    if reading.aspect and doc_ids:  # 2022年3月那次国常会是谁主持的
        facts = passages(collection, reading.turn, replace(query, about=reading.aspect, doc_ids=doc_ids), limit)
        return replace(facts, named=named, period=period, scope=scope_of(period, query, named))
    allowed = set(doc_ids)
    within = tuple(d for d in query.doc_ids or doc_ids if d in allowed)
    preferred = query.preferred_doc_id if query.preferred_doc_id in within else None
    narrowed = named is not None and bool(period or named.ordinal or named.chair or named.held_in or named.description)
    # Named by more than its kind (a time, an ordinal …): one meeting, unless what names it holds many (2021年国常会):
    # then, as for a kind, its reports are many enough (one or more a meeting day) to weigh words by their rarity.
    days = len(set(archive.days_of(within).values()))
    one_meeting = (narrowed and days < KIND_SCOPE_REPORTS) or (named is not None and days == 1) or _one_session(collection, named, within)
    of_a_kind = bool(resolution and resolution.doc_ids) and len(within) >= KIND_SCOPE_REPORTS and not one_meeting
    query = replace(query, doc_ids=within, preferred_doc_id=preferred, naming_terms=query.naming_terms if preferred else frozenset(),
                    one_meeting=one_meeting, kind_scope=of_a_kind)
    if named and within and not _topic_words(collection, query):  # 2022年中央经济工作会议提了哪些要求: what it said
        found = Answer(reading.turn, query, collection.meeting_statements(within[0], limit))
    elif reading.what_else and reading.continued:  # 那次会还说了什么
        answered = frozenset(reading.continued.query.terms)
        found = Answer(reading.turn, query, collection.meeting_statements(reading.continued.sources[0], limit, answered))
    else:
        found = passages(collection, reading.turn, query, limit) if within else Answer(reading.turn, query, [])
        if query.wants_decisions and 0 < len(found.passages) < limit and (one_meeting or _titled_by(found.passages[0], query)):
            found = replace(found, passages=_with_statements(collection, found.passages, limit))
    if not found.passages and resolution is None:  # a time alone, none of its meetings about it: everywhere, saying so
        for everywhere in (reading.as_asked, reading.query):  # as asked, else without the time
            found = passages(collection, reading.turn, everywhere, limit)
            if found.passages:
                break
        return replace(found, scope=scope_of(None, found.query, missed=period))
    return replace(found, named=named, period=period, scope=scope_of(period, query, named, found=bool(found.passages)))


def _fact_of_found(collection: Collection, reading: Reading, limit: int) -> Answer | None:
    """The ``reading.aspect`` of the meeting whose report the question's words find first (in the time it names);
    None when no meeting was held then (the reply says so, and looks everywhere)."""
    period, query = reading.period, reading.query
    held = _held_in(collection, period) if period else None
    if held == ():
        return None
    found = passages(collection, reading.turn, replace(query, doc_ids=held), limit)
    if not found.passages:
        return replace(found, period=period, scope=scope_of(period, found.query, found=False))
    facts = passages(collection, reading.turn, replace(query, about=reading.aspect, doc_ids=(found.passages[0].doc_id,)), limit)
    return replace(facts, period=period, scope=scope_of(period, query))


def _held_in(collection: Collection, period: Period) -> tuple[str, ...]:
    """The reports of the meetings held in ``period``."""
    return tuple(collection.store.documents_held_between(period.start, period.end))


def _office_as_holder(collection: Collection, query: Query) -> Query:
    """``query`` with an office it names (委员长要求…, 总理对…怎么说的) also met by the name of the one who holds it
    where the question is answered: the name its passages write most often with the office (委员长栗战书).
    They then say 栗战书强调, not 委员长强调."""
    offices = [term for term in query.terms if is_office(term) and term not in query.expanded]
    if not offices:
        return query
    found = collection.search(query, OFFICE_PASSAGES)
    texts = [f"{passage.title}\n{passage.text}" for passage in found]
    speakers = {name for document in collection.store.documents_by_id(p.doc_id for p in found).values() for name in document.speakers}
    expansions = []
    for office in offices:
        holders = holders_of(office, texts, speakers)
        if holders:  # ties go to the name written most (习近平, not the 道别 of 同总书记道别)
            holder = max(holders, key=lambda name: (holders[name], sum(text.count(name) for text in texts)))
            expansions.append(Expansion(office, tuple(tokenize(holder))))
    return with_expansions(query, expansions)


def _one_session(collection: Collection, named: NamedMeeting | None, doc_ids: tuple[str, ...]) -> bool:
    """Whether the reports are of one meeting by the ordinal the question names, all of them numbered with it: a
    session of several days (全国政协十三届四次会议: its opening, group meetings and closing) is still one meeting."""
    if named is None or named.ordinal is None or not doc_ids:
        return False
    ordinals = {d.meeting.ordinal for d in collection.store.documents_by_id(doc_ids).values()}
    return len(ordinals) == 1 and None not in ordinals and ordinals.pop().matches(named.ordinal)  # one term's


def _then_first(collection: Collection, reading: Reading, found: Answer, limit: int) -> Answer | None:
    """The passages of the meetings held when the conversation said (``reading.earlier_period``), those ``found``
    elsewhere after them, if they meet the question at least ``PREFERRED_COVERAGE`` as well as the best found: the
    question is most likely still about that time. None when the answer found begins there already, or they don't."""
    period = reading.earlier_period
    held = _held_in(collection, period) if period else ()
    if not held or (found.passages and found.passages[0].doc_id in held):
        return None
    preferred = reading.query.preferred_doc_id if reading.query.preferred_doc_id in held else None
    then = passages(collection, reading.turn, replace(reading.query, doc_ids=held, preferred_doc_id=preferred), limit)
    best = max((passage.coverage for passage in found.passages), default=0.0)
    if not then.passages or max(passage.coverage for passage in then.passages) < PREFERRED_COVERAGE * best:
        return None
    shown = {(passage.doc_id, passage.position) for passage in then.passages}
    return replace(then, passages=[*then.passages, *(p for p in found.passages if (p.doc_id, p.position) not in shown)][:limit])


def _topic_words(collection: Collection, query: Query) -> list[str]:
    """The words of a question on one meeting that say what it asks of it (its name, place and chair are read off
    already: 汪洋主持的第52次政协主席会议定了些什么): not a lone character its reports never write as a word, a piece
    of the asking phrase (定, 些; but the 粮 of 对粮提了什么要求 where they write 粮), nor the verb asking (研究了什么)."""
    lone = [term for term in query.terms if len(term) == 1]
    _, written = collection.index.doc_freqs_within("body", lone, query.doc_ids) if lone else (0, {})
    asking = {found[1] for found in _ASKING_VERB.finditer(normalize(query.text))}
    return [term for term in query.terms if (len(term) > 1 or written.get(term, 0)) and term not in asking]


def _titled_by(passage: Passage, query: Query) -> bool:
    """Whether the passage's report is about the question's topic as a whole: its title holds one of the question's
    words (乡村振兴促进法实施座谈会), not only one of its paragraphs (县政府召开常务会议)."""
    title = normalize(passage.title)
    return any(term in title for term in query.terms if len(term) > 1 and term not in query.expanded)


def _with_statements(collection: Collection, found: list[Passage], limit: int) -> list[Passage]:
    """``found`` (a meeting's passages on the question), then what else its first report required: the paragraph
    stating the requirements often names the topic only through the meeting's name (栗战书强调，一要…二要…). For
    one meeting's answer, or a report about the topic as a whole; not a kind's, padded with another topic."""
    shown = {(passage.doc_id, passage.position) for passage in found}
    more = collection.meeting_statements(found[0].doc_id, limit)
    return found + [passage for passage in more if (passage.doc_id, passage.position) not in shown][: limit - len(found)]


def _described(
    collection: Collection, archive: Archive, description: tuple[str, ...], doc_ids: tuple[str, ...]
) -> tuple[str, ...]:
    """The reports of the one meeting among ``doc_ids`` whose passages best meet the words describing it
    (those of its day: one meeting, several reports); all of them when none does or they are one meeting."""
    days = archive.days_of(doc_ids)
    if len(set(days.values())) <= 1:
        return doc_ids
    best = collection.search(Query(" ".join(description), dict.fromkeys(description, 1.0), doc_ids=doc_ids), 1)
    if not best:
        return doc_ids
    return tuple(doc_id for doc_id in doc_ids if days[doc_id] == days[best[0].doc_id])


def passages(collection: Collection, question: str, query: Query, limit: int) -> Answer:
    """The passages on ``query``, or, for a question about a meeting's facts, the passage stating them."""
    if query.about and query.doc_ids:
        facts = collection.meeting_passage(query.doc_ids[0], query.about)
        return Answer(question, query, collection.fold([facts[1]]) if facts else [], meeting=facts[0] if facts else None)
    query = _office_as_holder(collection, query)
    return Answer(question, query, collection.folded_search(query, limit))


def scope_of(
    period: Period | None, query: Query, named: NamedMeeting | None = None, found: bool = True, missed: Period | None = None
) -> str | None:
    """How the reply states where the question looked: the meeting and period it was limited to (or
    that none of their passages is about it, or that no meeting of the period it named is, so it looked
    everywhere), the place it preferred."""
    where = f"{period.label if period else ''}{named.text if named else '召开的会议'}" if period or named else ""
    parts = [where if found else f"{where}中没有相关内容"] if where else []
    if missed:
        parts.append(f"没有{missed.label}召开的相关会议，以下不限时间")
    places = "、".join(sorted(query.naming_terms))
    if query.preferred_doc_id and places:
        parts.append(f"{places}的会议优先")
    elif query.doc_ids and places and not where:  # 德州呢: the topic in the documents the place names
        parts.append(f"{places}的会议" if found else f"{places}的会议中没有相关内容")
    return "；".join(parts) or None
