"""Digest a meeting document: the work it assigns, under its own headings.

Speeches and minutes assign work in requirement sentences: a clause that opens with a
modal or imperative marker (要, 必须, 确保, 严禁 …), often right after the bodies it binds
(区农业农村局、财政局要…, 各乡镇要…, 县农业农村局牵头…), and often with a deadline
(6月底前, 年内, 3个月内). The digest keeps those sentences, grouped under the heading
path they stand under (第二点意见 › 一是…), with the bodies and deadlines they name, as
written. Descriptions that share the words (要素保障方面，去年…; 已完成整改; 确保了…) are
told apart by where the marker stands and by tense, never by the phrases of particular
documents. Matching runs on the normalized key, so Traditional text is read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from dataclasses import dataclass

from .chunk import HEADING_SEPARATOR, heading_label, heading_rank
from .normalize import normalize_with_offsets
from .speakers import split_sentences
from .store import ChunkRecord
from .tasks import read_task_row

_BODY_SUFFIX = (
    r"(?:局|委|办|厅|院|中心|站|所|队|组|科|室|处|政府|府|会|社|部门|部|支部|党委|纪委|街道|镇街|乡镇|镇|乡|村|街|"
    r"区|县|市|省|旗|盟|单位|企业|公司|集团|银行|机构|专班|指挥部|负责人|负责同志|责任人|班子|领导|书记|组长)"
)
_BODY_END = re.compile(_BODY_SUFFIX + r"$")
_PART = r"(?:[\u4e00-\u9fff]|\([^()]{1,8}\))"
"""A character of a body's name, or a parenthesized qualifier of it (各县(市、区), 各乡镇(街道))."""
_SUBJECT = rf"(?:{_PART}{{1,16}}、){{0,8}}{_PART}{{0,15}}?{_BODY_SUFFIX}(?:\([^()]{{1,8}}\))?"
"""Bodies listed with 、, the last ending like a body (区农业农村局、财政局, 住建、市场监管等部门)."""
_MAX_BODY_CHARS = 12
"""A body named after 会同/由 runs on into the verb (会同县气象局加强…): the name is the longest
stretch ending like a body within this many characters."""

_MODAL = (
    r"(?:还|也|都|均|仍|更|必)?"
    r"(?:(?<![主重需只必纪简摘提概紧首次想])要(?![素点闻害件地职塞案员道求])|必须|务必|须|应当|应于"
    r"|确保|坚决|严格|抓紧|切实|严禁|(?<![来免少记怪巴恨顾舍])不得|禁止|尽快|立即|限期|严防)"
)
"""Markers that make a clause a requirement wherever its subject comes from."""
_DUTY = r"(?:负责(?!人|同志)|牵头(?!单位|部门)|配合|会同|联合)"
"""Verbs that assign work only right after the bodies they bind (县农业农村局牵头)."""
_LEAD = re.compile(
    r"^(?:(?:会议|他|她)?(?:还|并|再次|进一步)?(?:要求|强调|指出|提出))?"
    r"(?:不仅|不但)?(?:今年|明年|今后|下一步|近期|当前|目前|同时|此外|另外|届时|主?汛期|[\u4e00-\u9fff]{0,3}期间)?由?"
)
"""What may stand before a clause's subject: a reported-speech verb, 不仅, a time, 由."""
_DATE = r"(?:\d{4}年)?\d{1,2}月"
_DEADLINE = re.compile(
    "|".join(
        (
            rf"(?<!\d){_DATE}(?:\d{{1,2}}日|上旬|中旬|下旬|底|末)?(?:之前|以前|前)(?!后)",
            rf"(?<!截至)(?<!截止)(?<!\d){_DATE}(?:底|末)",
            r"(?<![去前])(?:今年|本年度?|年度?)(?:底|末)(?:之前|前)?",
            r"(?:本|当|每)(?:月|季度|周|旬)(?:底|末|内)(?:之前|前)?",
            r"(?<![去前\d一二三四五六七八九十两])(?:本年度|年度|年)内",
            r"[\d一二三四五六七八九十两半]+个?(?:工作日|日|天|周|星期|月|季度|年)(?:之内|内)",
            r"(?:春节|元旦|国庆节?|五一|中秋|主汛期|汛期|入汛|春播|秋收|麦收|封冻|上冻|雨季)(?:之前|前)(?!后)|汛前",
        )
    )
)
"""Deadlines: a date or period with 前/底/内 (6月底前, 10月15日前, 年内, 3个月内, 春节前). 限期 (within a
time limit) orders haste but names no time, so it is a marker, not a deadline."""
_MARKER = re.compile(rf"{_MODAL}|{_DUTY}")
_BODY_CLAUSE = re.compile(rf"(?P<subject>{_SUBJECT})(?:{_DEADLINE.pattern})?(?={_MODAL}|{_DUTY}|是|作为)")
"""Bodies opening a clause, before a marker, a duty verb or 是, with perhaps a deadline between (各镇街年内要…)."""
_TOPIC_CLAUSE = re.compile(rf"(?P<topic>[\u4e00-\u9fff]{{0,8}}?){_MODAL}")
_DONE = re.compile(r"(?:已经?|曾经?)$")
"""Right before a marker, the work is reported as done (各乡镇已严格落实), not ordered."""
_PAST_TIME = re.compile(r"(?:去年|前年|上年|过去|此前|以往|近年来|截至|截止)")
"""A clause opening with a past time reports what was done; so do the clauses after it (去年，我们严格…)."""
_COMPLETED = re.compile(r"(?<![不而早])已经?[\u4e00-\u9fff]{1,8}?了(?!解)")
"""A clause without a marker that tells of something already done (已经通报了…, 已开展了): the sentence reports,
and a later clause orders only the bodies it names (…，各乡镇要…), not its listeners' reaction
(…，我们必须照单全收)."""
_NAMED_BODY = re.compile(rf"(?:会同|联合|由)({_PART}{{1,{_MAX_BODY_CHARS}}})")
_CLAUSE_END = re.compile(r"[,;:]")
_QUOTED = re.compile(r'"[^"]*"|《[^》]*》')
_JOINERS = re.compile(r"和|及|与|以及")
_ORDERS, _REPORTS = "orders", "reports"
_HELD = re.compile(r"召开|举行|举办")
"""A clause that holds the meeting (我市召开…会议，坚决落实…) opens a report of it, not an order."""
_POINT = re.compile(r"^[\"【\[ ]*(?:[一二三四五六七八九十]+[是要]|\d{1,2}[、.](?!\d)|\(\d{1,2}\))")
"""The numbering of a point (一是, 一要, 1、, (1)), whose first clause is its label."""


@dataclass(frozen=True)
class Requirement:
    """A sentence that assigns work, and what it says about who and by when."""

    text: str
    owners: tuple[str, ...]
    """Bodies the sentence makes responsible, as written (区农业农村局, 财政局, 各乡镇)."""
    deadlines: tuple[str, ...]
    """Deadline phrases, as written and in order (6月底前, 年内, 3个月内)."""
    position: int
    """Position of the chunk the sentence is in."""


@dataclass(frozen=True)
class DigestSection:
    """The requirements under one heading path of the document."""

    heading: str
    """Heading path, outermost first, joined with ``HEADING_SEPARATOR``; empty before any heading."""
    requirements: tuple[Requirement, ...]


def digest(chunks: list[ChunkRecord]) -> list[DigestSection]:
    """A document's requirements in order, grouped by the heading path they stand under."""
    sections: list[DigestSection] = []
    for heading, requirement in _requirements(chunks):
        if sections and sections[-1].heading == heading:
            sections[-1] = DigestSection(heading, sections[-1].requirements + (requirement,))
        else:
            sections.append(DigestSection(heading, (requirement,)))
    return sections


def requirement_count(chunk: ChunkRecord, enough: int) -> int:
    """How many requirements a passage states, up to ``enough``: what a meeting required is in the passages that
    state most."""
    return sum(1 for _requirement in islice(_requirements([chunk]), enough))


def _requirements(chunks: Iterable[ChunkRecord]) -> Iterator[tuple[str, Requirement]]:
    """(heading path, requirement) for each requirement sentence of ``chunks``.

    A chunk's heading path comes from its paragraph's start; points numbered inside the
    paragraph (（一）…。一是…。二是…。) refine it sentence by sentence, until the paragraph ends.
    A task table's row (任务：…；牵头单位：…；完成时限：…。) is a requirement as a whole.
    """
    outline: list[tuple[int, str]] = []
    paragraph = None
    for chunk in chunks:
        if chunk.paragraph != paragraph:
            paragraph = chunk.paragraph
            outline = _outline_of(chunk.heading)
        row = read_task_row(chunk.text)
        if row:
            deadlines = (row.deadline,) if row.deadline else ()
            yield chunk.heading, Requirement(chunk.text.strip(), row.owners, deadlines, chunk.position)
            continue
        for sentence in split_sentences(chunk.text):
            rank = heading_rank(sentence)
            if rank is not None:
                outline = [entry for entry in outline if entry[0] < rank] + [(rank, heading_label(sentence))]
            requirement = read_requirement(sentence, chunk.position)
            if requirement:
                yield HEADING_SEPARATOR.join(label for _rank, label in outline), requirement


def _outline_of(heading: str) -> list[tuple[int, str]]:
    """The heading stack a stored heading path stands for (each label keeps its numbering)."""
    labels = heading.split(HEADING_SEPARATOR) if heading else []
    return [(heading_rank(label) or index + 1, label) for index, label in enumerate(labels)]


def read_requirement(sentence: str, position: int = 0) -> Requirement | None:
    """The requirement ``sentence`` states, or None when it describes, reports or is a heading.

    A clause without bodies of its own binds the bodies the sentence named last
    (各村党支部、村委会是管护主体，要…); a marker whose verb is past (确保了…) makes the whole
    sentence a report of work done.
    """
    text = sentence.strip()
    key, offsets = normalize_with_offsets(text)
    masked = _QUOTED.sub(lambda quote: quote[0][0] + "〇" * (len(quote[0]) - 2) + quote[0][-1], key)
    start = _body_start(masked, text)
    if start is None:
        return None
    owners: list[str] = []
    subject: list[str] = []
    orders = reported = False
    for clause_start, clause_end in _clauses(masked, start):
        if _PAST_TIME.match(masked, clause_start):
            break
        spans, verdict = _read_clause(masked[clause_start:clause_end])
        if verdict == _REPORTS:
            return None
        if verdict is None and _HELD.search(masked, clause_start, clause_end):
            break
        reported = reported or (verdict is None and bool(_COMPLETED.search(masked, clause_start, clause_end)))
        if spans:
            subject = [_written(text, offsets, clause_start + a, clause_start + b) for a, b in spans]
        if verdict == _ORDERS and (subject or not reported):
            orders = True
            owners.extend(subject)
            owners.extend(_named_bodies(masked, text, offsets, clause_start, clause_end))
    if not orders:
        return None
    owners = list(dict.fromkeys(owners))
    return Requirement(text=text, owners=tuple(owners), deadlines=find_deadlines(text), position=position)


def find_deadlines(text: str) -> tuple[str, ...]:
    """The deadline phrases of ``text``, as written and in order (6月底前, 年内, 3个月内)."""
    key, offsets = normalize_with_offsets(text)
    return tuple(_written(text, offsets, match.start(), match.end()) for match in _DEADLINE.finditer(key))


def _body_start(key: str, text: str) -> int | None:
    """Where a sentence's content starts in ``key``, or None for a heading.

    Outline headings (一、… / （一）… / 第一，…) and lines without end punctuation are headings
    however they are worded. A numbered point (一是抓紧完成前期工作，…) starts with its label
    clause, unless that clause opens with the bodies it binds (一是县农业农村局要…); one numbered with its
    modal (二要…) is a requirement from its 要 on.
    """
    rank = heading_rank(text)
    if rank is None:
        return 0
    point = _POINT.match(key)
    if rank <= 2 or point is None or not re.search(r"[。！？!?；;]['\"”’」』)）]*$", text):
        return None
    if point[0].endswith("要"):  # 二要扶持良种繁育基地: the numbering is the modal, the point a requirement
        return point.end() - 1
    label = _CLAUSE_END.search(key, point.end())
    label_end = label.end() if label else len(key)
    spans, verdict = _read_clause(key[point.end() : label_end])
    return point.end() if spans and verdict == _ORDERS else label_end


def _clauses(key: str, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each clause of ``key`` from ``start``, split at commas, semicolons and colons."""
    for match in re.finditer(r"[^,;:。！？!?]+", key[start:]):
        yield start + match.start(), start + match.end()


def _read_clause(clause: str) -> tuple[list[tuple[int, int]], str | None]:
    """The bodies a clause opens with (spans in ``clause``), and its verdict: ``_ORDERS`` when it
    assigns work, ``_REPORTS`` when its marker tells of work done, None when it has no marker.

    Bodies followed by 是/作为 (各村党支部是管护主体) are named for a later clause's marker;
    bodies followed by a marker or a duty verb are bound by it.
    """
    lead = _LEAD.match(clause)
    head = lead.end() if lead else 0
    bodies = _BODY_CLAUSE.match(clause, head)
    if bodies:
        marker = _MARKER.match(clause, bodies.end())
        verdict = None if marker is None else _tense(clause, "", marker.end())
        return _split_subject(bodies["subject"], bodies.start()), verdict
    topic = _TOPIC_CLAUSE.match(clause, head)
    if topic is None:
        return [], None
    before = topic["topic"]
    if before.endswith(("是", "为")) and re.match(r"[\u4e00-\u9fff]{1,4}的", clause[topic.end() :]):
        return [], None  # 是必须守牢的底线: the marker qualifies a noun
    return [], _tense(clause, before, topic.end())


def _tense(clause: str, before: str, end: int) -> str:
    """``_REPORTS`` when the work a marker names is done (各乡镇已严格…, 确保了…), else ``_ORDERS``."""
    done = _DONE.search(before) or re.match(r"[\u4e00-\u9fff]{0,4}了(?!解)", clause[end:])
    return _REPORTS if done else _ORDERS


def _unqualified(name: str) -> str:
    """A body's name without a trailing parenthesized qualifier: 各乡镇(街道) ends like 各乡镇."""
    return re.sub(r"\([^()]*\)$", "", name)


def _split_subject(subject: str, offset: int) -> list[tuple[int, int]]:
    """Spans of the bodies a subject lists: 县发改局、财政局 are two; 市场监管等部门 after 住建、
    is one phrase (not every item is a body); 各科室和二级单位 splits at 和 only when both sides
    are bodies, so 市自然资源和规划局 stays whole."""
    items = _top_level_items(subject)
    if not all(_BODY_END.search(_unqualified(subject[a:b])) for a, b in items):
        return [(offset, offset + len(subject))]
    spans: list[tuple[int, int]] = []
    for a, b in items:
        spans.extend((offset + x, offset + y) for x, y in _joined_bodies(subject, a, b))
    return spans


def _top_level_items(subject: str) -> list[tuple[int, int]]:
    """Spans of the 、-separated items of ``subject``, not splitting inside parentheses."""
    items: list[tuple[int, int]] = []
    depth, start = 0, 0
    for index, char in enumerate(subject):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "、" and depth == 0:
            items.append((start, index))
            start = index + 1
    items.append((start, len(subject)))
    return items


def _joined_bodies(subject: str, start: int, end: int) -> list[tuple[int, int]]:
    """An item split at 和/及/与 when every part is a body of its own."""
    parts: list[tuple[int, int]] = []
    cursor = start
    for joiner in _JOINERS.finditer(subject, start, end):
        parts.append((cursor, joiner.start()))
        cursor = joiner.end()
    parts.append((cursor, end))
    if len(parts) > 1 and all(b > a and _BODY_END.search(_unqualified(subject[a:b])) for a, b in parts):
        return parts
    return [(start, end)]


def _named_bodies(key: str, text: str, offsets: list[int], start: int, end: int) -> list[str]:
    """Bodies a requirement clause names with 会同/联合/由 (会同县自然资源局, 由市营商办汇总)."""
    bodies: list[str] = []
    for match in _NAMED_BODY.finditer(key, start, end):
        words = match.group(1)
        for length in range(len(words), 1, -1):
            if _BODY_END.search(_unqualified(words[:length])):
                bodies.append(_written(text, offsets, match.start(1), match.start(1) + length))
                break
    return bodies


def _written(text: str, offsets: list[int], start: int, end: int) -> str:
    """The original text of a key span ``[start, end)``."""
    return text[offsets[start] : offsets[end - 1] + 1]
