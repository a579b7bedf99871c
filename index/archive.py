"""Which documents report which meeting, and which of them a question's named meeting is.

A question names a meeting by kind (中央经济工作会议, 国常会, 政治局会议), by ordinal (第八次…大会,
六中全会), by time (2022年, 年中那次, 最后一次), by who held it and where (李克强在重庆主持召开的…), or by
what it did (授权…房地产税改革试点的那次人大常委会). Its kind matches the documents whose meeting kind
holds all of its words (政治局会议 ⊂ 中共中央政治局会议), or whose title holds them in order; the words
leading to the name (那次, 主持的) are no part of it. When the archive holds that kind but no meeting of
the ordinal, time, chair or place asked, or the question puts another body before the kind (浙江省委…),
it is about a meeting the archive does not hold: the reply says so and names the nearest ones it does,
instead of answering from them as if they were it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import accumulate
from datetime import timedelta

from .meeting import (
    MEETING_ENDING, MENTION, ORDINAL_PARTS, SESSION_PART, Ordinal, abbreviates, describing, done_at_the_meeting, held_by, held_within, is_meeting_type, is_office, mentions, name_start,
    ordinal_of, session_part, split_type, type_spans, without_time, words_of_name,
)
from .normalize import normalize, normalize_with_offsets
from .scope import TextLines, looks_like_name, name_words, place_stem
from .store import DocumentRecord
from .tokenize import POSTPOSITIONS, char_bigrams, segment, tokenize_question
from .when import Period, meeting_day, number_value

_PUNCTUATION = re.compile(r"[^\w]")
"""Quotes and the like, which a name may or may not carry (全国深化“放管服”改革…)."""
GENERIC_KIND_SHARE = 0.3
"""A word in the kind or title of more than this share of the documents (会议, 全国) names no kind by itself."""
GENERIC_KIND_DOCUMENTS = 20
"""In a small collection every word is in a large share of the titles: a word is generic only beyond this many."""
_LAST_ONE = re.compile(r"最后一次|最后那次")
_LAST = Ordinal(None, -1)
"""The last meeting of the kind in the period asked (上半年最后一次…): counted from the end by ``_nth_held``."""
_ANOTHER_ORDINAL = re.compile(
    r"第(?P<number>[零〇一二两三四五六七八九十百\d]+)次|(?P<session>[零〇一二两三四五六七八九十百\d]+)次(?=(?:全体)?会议)"
    r"|(?P<previous>上一次|前一次|上次)|(?P<next>下一次)"
)
_SPIRIT_STUDIED = re.compile(rf"精神[^，。；？！,;?!]{{0,8}}?(?:研讨班|培训班|{MEETING_ENDING})")
"""After a meeting's name, a gathering studying its spirit (五中全会精神专题研讨班, 全会精神座谈会)."""
_REPORT_OF = re.compile(r"(?:工作)?报告")
"""After a body's name that may be a meeting's (人大常委会), its report: delivered at another meeting, not its own."""
_BODIES = ("常委会", "委员会")
"""How the bodies end whose names are also their meetings' (人大常委会), unlike a plenum's (县纪委二次全会)."""
_MET = re.compile(r"(?<=[\u4e00-\u9fff])(?<!召)开会(?!议)")
"""A body that 开会 (深改委开会, 政治局开会) held its meeting, read as 深改委会议 (of the same length: the offsets
hold) and shown as asked; not the 开会 inside 召开会议, nor one after where it was held (领导小组在雄安开会)."""
_CLAUSE_START = re.compile(r"[，。；：！？,.;:!?\s]")
_PART_ALONE = re.compile(rf"(?:那么?|在)?{SESSION_PART.pattern}")
"""A follow-up opening on a part of the session alone (闭幕会上…), naming nothing before it (not 冬奥会闭幕式上)."""
_COUNT = re.compile(r"第?[零〇一二两三四五六七八九十百\d]+次")
DESCRIBING_WORDS = 2
"""Words before a meeting's name that pick which meeting of the kind it is (河南 暴雨 后国常会); fewer stay
search words of the question."""
REPORTED_WITHIN = timedelta(days=3)
"""When no report of a kind is dated in the period asked, one dated this many days after it still counts:
a page's date may be its publication's, a day or two after the meeting (4月底那次, reported 5月1日)."""
_BODY = r"[省市县区乡镇](?:委|政府|人大|政协)"
_OPENS_A_NAME = re.compile(rf"^(?:中共|中央|全国|国务院|国家|全[省市县区]|{_BODY})")
"""The bodies and scopes a meeting's own name opens with (中央外事工作会议, 全国…大会, 县委经济工作会议)."""
_PLACES_BODY = re.compile(rf"^(?P<place>[\u4e00-\u9fff]{{2,}}?){_BODY}$")
_POINTING_PLACE = re.compile(r"^(?:这|那|我|你|他|各|每|本|该)")
"""How a place is pointed at rather than named (这个县委, 我们区委, 各地市政府)."""
NEAREST = 3
"""Meetings named in a reply about a meeting the archive does not hold."""
TITLED_ALIKE = 0.5
"""Share of a name's character pairs a title must hold to be taken for it when none holds its words."""


@dataclass(frozen=True)
class NamedMeeting:
    """The meeting a question names: its kind's words, its ordinal, where it is in the question."""

    kind_words: tuple[str, ...]
    ordinal: Ordinal | None
    text: str
    """As the question names it, without its time (第十次全国…电视电话会议), for the reply."""
    span: tuple[int, int]
    """Where it is in the question, to search the rest."""
    differs_by: str | None = None
    """What the question puts just before the kind that no document of the kind has: a place or body
    (浙江省委经济工作会议), or a word of other kinds (安全生产工作会议 when only 农业生产…工作会议 is held)."""
    chair: str | None = None
    """Who the question says chaired it (李强总理主持的国务院常务会议)."""
    held_in: str | None = None
    """Where the question says it was held (在重庆主持召开的…): its reports name the place."""
    description: tuple[str, ...] = ()
    """The words before its name that say which meeting of the kind it is (授权…房地产税改革试点的那次
    人大常委会, 河南暴雨后国常会): they pick the meeting, and are not searched among its passages."""
    said: str = ""
    """The whole mention with its time, ordinal and chair, without punctuation (2023年中央经济工作会议): when
    a passage says it, the collection does speak of that meeting even if it holds no report of it."""


@dataclass(frozen=True)
class HeldMeeting:
    """One meeting of the archive, for a reply that names it: its kind, date and ordinal."""

    kind: str
    date: str | None
    ordinal: Ordinal | None


@dataclass(frozen=True)
class Resolution:
    """The documents a named meeting (and period) is, or why there are none."""

    doc_ids: tuple[str, ...]
    nearest: tuple[HeldMeeting, ...] = ()
    """When ``doc_ids`` is empty: the nearest meetings of the kind asked that the archive holds."""
    of_kind: tuple[str, ...] = ()
    """When the question puts a place or body before the kind that none of its reports' names has (``differs_by``):
    the kind's reports of the period (all of them when it names none), whose openings may still write it (全国工商联
    第十三次代表大会, reported as 中国工商业联合会第十三次全国代表大会闭幕。全国工商联…)."""


class Archive:
    """The meetings a collection's documents report, found by the words of their kind and title."""

    def __init__(self, documents: Iterable[DocumentRecord]) -> None:
        self._documents = sorted(documents, key=lambda d: (d.date or "", d.id))
        self._lines = TextLines([f"{letters(d.meeting.kind or '')} {letters(d.title)}" for d in self._documents])
        self._kinds = TextLines([letters(d.meeting.kind or "") for d in self._documents])
        self._days = {d.id: d.date for d in self._documents}
        self._title_texts = [letters(d.title) for d in self._documents]
        self._titles = TextLines(self._title_texts)
        # each title's headlines (中共中央政治局召开会议 分析研究… 审议《…组织工作条例》): a name is read within one
        self._headlines = [[letters(part) for part in d.title.split()] for d in self._documents]
        self._kind_words = frozenset(word for d in self._documents for word in tokenize_question(d.meeting.kind or ""))
        self._found: dict[tuple[int, str], frozenset[int]] = {}

    def _lines_with(self, word: str, lines: TextLines | None = None) -> frozenset[int]:
        """The documents (by position) whose ``lines`` (default: meeting kind and title) hold ``word``."""
        lines = lines or self._lines
        key = (id(lines), word)
        if key not in self._found:
            self._found[key] = frozenset(lines.containing(word, len(self._documents)))
        return self._found[key]

    def _documents_of(self, words: tuple[str, ...]) -> list[DocumentRecord]:
        """The documents of the kind ``words`` name, earliest first: those whose meeting's kind holds every
        one of them (政治局会议 in 中共中央政治局会议), and those whose title holds them in their order
        (全国政协召开双周协商座谈会) within one of its headlines, the kind's last word last."""
        if not words:
            return []
        found = frozenset.intersection(*(self._lines_with(word, self._kinds) for word in words))
        in_order = re.compile(".*?".join(map(re.escape, words)))
        titled = {i for i in frozenset.intersection(*(self._lines_with(word, self._titles) for word in words))
                  if any(in_order.search(headline) for headline in self._headlines[i])}
        return [self._documents[i] for i in sorted(found | titled)]

    @cached_property
    def _title_pairs(self) -> list[frozenset[str]]:
        """Each title's character pairs, made once for the names no kind holds."""
        return [frozenset(char_bigrams(title)) for title in self._title_texts]

    def _titled_alike(self, words: tuple[str, ...]) -> list[DocumentRecord]:
        """For a name no kind or title holds word for word: the reports of a meeting whose titles hold its type and
        most of its other character pairs (全国春耕生产工作会议 for 全国春季农业生产工作会议召开), the closest ones
        only; not an article whose title mentions a meeting (《在中央政协工作会议…上的讲话》 for 中央政法工作会议)."""
        name, meeting_type = split_type("".join(words))
        pairs = set(char_bigrams(name))
        if len(pairs) < 2 or not meeting_type:
            return []
        shares = [len(pairs & title_pairs) / len(pairs) if meeting_type in title and document.meeting.kind else 0.0
                  for title, title_pairs, document in zip(self._title_texts, self._title_pairs, self._documents)]
        best = max(shares, default=0.0)
        return [d for d, share in zip(self._documents, shares) if share == best] if best >= TITLED_ALIKE else []

    def _names_a_kind(self, words: tuple[str, ...]) -> bool:
        """Whether some documents hold all of ``words`` and at least one of them is particular to few (not 会议
        alone, nor 工作 会议: a type). A kind begins on a word of two characters or more: a single one (the 作 of
        作大会发言) is found inside other words (工作) and names nothing."""
        if not words or len(words[0]) < 2 or is_meeting_type("".join(words)):
            return False
        most = max(GENERIC_KIND_SHARE * len(self._documents), GENERIC_KIND_DOCUMENTS)
        particular = any(len(self._lines_with(w)) <= most and not is_meeting_type(w) for w in words)
        return particular and bool(self._documents_of(words))

    @cached_property
    def _kinds_by_name(self) -> list[tuple[str, str, str]]:
        """Each meeting kind the archive holds, most reported first, with its name (in ``letters``) and type
        apart (中央全面深化改革委员会|会议)."""
        counts = Counter(d.meeting.kind for d in self._documents if d.meeting.kind)
        kinds = []
        for kind, _count in counts.most_common():
            name, kind_type = split_type(kind)
            kinds.append((kind, letters(name), kind_type))
        return kinds

    def _abbreviated(self, mention: str) -> tuple[str, ...]:
        """The words of the kind a shortened name stands for (深改委会议: 中央全面深化改革委员会会议), the most
        reported one when several could; none when no kind's name shortens to it."""
        short, meeting_type = split_type(mention)
        short = letters(short)
        for kind, name, kind_type in self._kinds_by_name:
            if meeting_type and kind_type.endswith(meeting_type) and short not in name and abbreviates(short, name):
                return words_of_name(kind)
        return ()

    def _names_own_body(self, word: str, kind: tuple[str, ...]) -> bool:
        """Whether a word before a kind's words in a question belongs to the name of that kind's meetings: titles
        write it before them (部分在京全国人大代表座谈会), their reports say it held them (国务院召开全国稳住经济大盘
        电视电话会议), or it is their body written out in full, holding every
        character of it (政协全国委员会 of 全国政协, the body of 全国政协主席会议) as a full name holds its short one's."""
        documents = self._documents_of(kind)
        if self._documents_of((word, *kind)) or any(d.place and letters(d.place) == word for d in documents):
            return True  # titled so, or who held it (国务院 of 国务院全国稳住经济大盘电视电话会议: 国务院召开…)
        for name in _kind_names(documents):
            for kind_word in kind:
                name = name.replace(kind_word, "", 1)
            if len(name) >= 2 and set(name) <= set(word):
                return True
        return False

    def _kind_word_before(self, words: tuple[str, ...], kind: tuple[str, ...]) -> str | None:
        """The word just before a kind's words in a question, when meeting kinds use it (安全 in 安全生产工作会议)
        but not that kind's meetings (the 稳 of 稳增长保就业座谈会, short for 稳增长稳市场主体保就业座谈会; 环保, short
        for the 环境保护 of 中央生态环境保护督察工作领导小组会议): then the
        question names a kind of its own, not the one its last words match. A count (一次) is no such word."""
        if not words or words[-1] not in self._kind_words or _COUNT.fullmatch(words[-1]):
            return None
        word = words[-1]
        if self._documents_of((word, *kind)):
            return None
        return None if any(abbreviates(word, name) for name in _kind_names(self._documents_of(kind))) else word  # 环保 of 生态环境保护督察

    def named_in(self, question: str) -> NamedMeeting | None:
        """The meeting ``question`` names (with its ordinal, if any), by the words of its name the
        archive's meeting kinds and titles hold.

        Words before them that only say which (去年, 那次, 年底) are left out; a place or body before
        them (浙江省委经济工作会议, when the archive holds only 中央经济工作会议) names another body's
        meeting, which the archive does not hold."""
        if not self._documents:
            return None
        asked, offsets = normalize_with_offsets(question)
        key = _MET.sub(lambda met: met[0] if _held_where(asked, met.start()) else "会议", asked)
        ends = set(accumulate(map(len, segment(key))))
        for start, end, by_body in mentions(key):
            said, said_as_asked = key[start:end], asked[start:end]  # 深改委会议, as read for 深改委开会
            meeting_said, part = session_part(said)  # 全国政协闭幕会: the 全国政协会议, its closing day
            spans = type_spans(meeting_said) if not part else [(len(meeting_said) - 2, len(said))]
            if not _ends_word(end, key, ends) or all(_cut_type(start + at, start + type_end, ends) for at, type_end in spans):
                continue  # 国会议员 and 强大会 hold 会议 and 大会 but name no meeting
            if _SPIRIT_STUDIED.match(key, end) or said.endswith(_BODIES) and _REPORT_OF.match(key, end):
                continue  # 五中全会精神研讨班, 人大常委会工作报告: where the meeting's spirit is studied, a body's report
            if done_at_the_meeting(said):
                continue
            mention = said[name_start(said):]
            name, held_in = held_within(session_part(mention)[0])
            words = words_of_name(name)
            while words[1:] and is_office(words[0]) and words[1] != "会议":  # 总理开座谈会: who held it, no word of
                words = words[1:]  # its name; but 委员长会议 is the meeting of that office
            named = next((i for i in range(len(words)) if self._names_a_kind(words[i:])), None)
            if named is None:
                words, named = self._abbreviated(mention) or _unheld_name(words), 0  # 深改委…, 中央外事工作会议
                if not words:
                    continue
            body = _body_before(words[:named]) or self._kind_word_before(words[:named], words[named:])
            differs_by = None if body and self._names_own_body(body, words[named:]) else body
            chair, place, before = held_by(said[: len(said) - len(mention)], name_words())
            described = () if body else tuple(dict.fromkeys((*tokenize_question(describing(before)), *words[:named])))
            if by_body:  # 全国人大常委会开…座谈会: the body that held it, no words of the question's topic
                described = ()
            elif len(described) < DESCRIBING_WORDS:  # too little to pick a meeting by: searched with the question
                start, described = end - len(mention) + (_name_begins(mention, words[named]) if named and not body else 0), ()
            following = SESSION_PART.match(key, end)  # …四次会议闭幕会上: a part after the meeting's full name (still
            if following and not part:  # searched for: that day's report names it where it says what was passed)
                part = following["part"]
            described += (part,) if part else ()  # 闭幕会上: the report of its closing day
            return NamedMeeting(
                words[named:], _LAST if _LAST_ONE.search(said) else ordinal_of(mention),
                without_time(said_as_asked[len(said) - len(mention):]), (offsets[start], offsets[end - 1] + 1), differs_by,
                said=letters(said_as_asked), chair=chair, held_in=place or held_in, description=described,
            )
        return None

    def retyped(self, named: NamedMeeting, question: str) -> NamedMeeting | None:
        """The meeting a follow-up names by its type alone (那12月那次全体会议呢 after a 专题会议 of the same
        body): the earlier meeting's kind with that type instead of its own; None when it names no type
        or the archive holds no such kind."""
        key, offsets = normalize_with_offsets(question)
        for match in MENTION.finditer(key):
            mention = match[0][name_start(match[0]):]
            types = tuple(word for word in words_of_name(mention) if is_meeting_type(word))
            words = (*(word for word in named.kind_words if not is_meeting_type(word)), *types)
            if types and self._documents_of(words):
                start = match.end() - len(mention)
                span = (offsets[start], offsets[match.end() - 1] + 1)
                return NamedMeeting(words, ordinal_of(mention) or named.ordinal, "".join(words), span)
        return None

    def at_part(self, named: NamedMeeting, question: str) -> NamedMeeting | None:
        """The meeting a follow-up names by a part of its session alone (闭幕会上他讲了什么): the earlier meeting, its
        report of that day; None when it names no part."""
        key, offsets = normalize_with_offsets(question)
        found = _PART_ALONE.match(key)
        if found is None:
            return None
        span = (offsets[found.start()], offsets[found.end() - 1] + 1)
        return replace(named, span=span, description=(found["part"],))

    def renumbered(self, named: NamedMeeting, question: str) -> NamedMeeting | None:
        """The meeting a follow-up names by another ordinal of the same series (那第52次呢, 五次会议呢, 那上一次呢); None
        when it names none or the earlier meeting had no ordinal."""
        key, offsets = normalize_with_offsets(question)
        found = _ANOTHER_ORDINAL.search(key)
        if found is None or named.ordinal is None or named.ordinal == _LAST:
            return None
        step = -1 if found["previous"] else 1 if found["next"] else 0
        number = named.ordinal.number + step if step else number_value(found["number"] or found["session"])
        if not number:
            return None
        ordinal = Ordinal(named.ordinal.term, number)
        text = _COUNT.sub(lambda count: f"{'第' if count[0].startswith('第') else ''}{number}次", named.text, count=1)
        span = (offsets[found.start()], offsets[found.end() - 1] + 1)
        return replace(named, ordinal=ordinal, text=text, span=span, said=letters(text), description=())

    def days_of(self, doc_ids: Iterable[str]) -> dict[str, str | None]:
        """Each document's meeting day: reports of one day are one meeting."""
        return {doc_id: self._days.get(doc_id) for doc_id in doc_ids}

    def nearest(self, named: NamedMeeting, period: Period | None) -> tuple[HeldMeeting, ...]:
        """The archive's meetings of the kind named closest to its ordinal or ``period``."""
        return _nearest(self._documents_of(named.kind_words), named.ordinal, period)

    def resolve(self, named: NamedMeeting | None, period: Period | None) -> Resolution | None:
        """The documents of the meeting named (in ``period``); None when the question narrows nothing."""
        if named is None:
            return None
        documents = self._documents_of(named.kind_words) or self._titled_alike(named.kind_words)
        if not any(meeting_day(d.date) for d in documents):
            period = None  # a time tells apart only meetings whose days are known
        found = [d for d in documents if _in_period(d, period)] or [d for d in documents if _in_period(d, period, REPORTED_WITHIN)]
        if named.differs_by:  # a place or body its reports may write, not a word of other kinds (安全 of 安全生产…)
            of_kind = tuple(d.id for d in found) if looks_like_name(named.differs_by) else ()
            return Resolution((), _nearest(documents, named.ordinal, period), of_kind)
        if named.chair:  # a report names its chair in its lead or title
            found = [d for d in found if named.chair in (d.meeting.chair or d.title)]
            if not found:
                return Resolution((), _nearest(documents, named.ordinal, period))
        if named.ordinal == _LAST:
            found = _nth_held(found, -1)
        elif named.ordinal is not None:
            numbered = [d for d in found if d.meeting.ordinal and d.meeting.ordinal.matches(named.ordinal)]
            numbered_kind = any(d.meeting.ordinal for d in documents)
            if not numbered and period is not None:
                numbered = _nth_held(found, named.ordinal.number)  # 2022年第一次国常会: counted in the period
            if not numbered and numbered_kind:
                return Resolution((), _nearest(documents, named.ordinal, period))
            found = numbered or found  # a kind whose reports state no ordinal: its ranking decides
        if not found:
            return Resolution((), _nearest(documents, None, period))
        return Resolution(tuple(d.id for d in found))


def _kind_names(documents: Iterable[DocumentRecord]) -> set[str]:
    """The names (in ``letters``) of the meeting kinds ``documents`` report."""
    return {letters(d.meeting.kind) for d in documents if d.meeting.kind}


def _ends_word(end: int, key: str, ends: set[int]) -> bool:
    """Whether a meeting's name ends a word of the question where it ends, or would but for a postposition jieba
    joined to it (生活会上, 会议上): not the 会议 of 国会议员."""
    return end in ends or key[end:end + 1] in POSTPOSITIONS and end + 1 in ends


def _cut_type(type_at: int, type_end: int, ends: set[int]) -> bool:
    """Whether a word begun before a meeting's type ends inside it (强大|会招来: no 大会), by where words end in the
    question; not one that holds the whole type (四次会议, 全国人大常委会), nor a type jieba cuts itself (生活|会)."""
    if type_at == 0 or type_at in ends:
        return False
    return min(at for at in ends if at > type_at) < type_end


def _held_where(question: str, at: int) -> bool:
    """Whether the clause of ``question`` before ``at`` says where a meeting was held (领导小组在雄安开会): 在 as a
    word of its own, not inside 现在 or 正在."""
    return "在" in segment(_CLAUSE_START.split(question[:at])[-1])


def _unheld_name(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` when they are a meeting's own name by their shape, though no kind or title of the archive
    holds them: a body or scope opening them (中央, 全国, 省委, 浙江省), whole words after it before the
    meeting's type (中央外事工作会议, 全国生态环境保护大会), or a place's body alone before it (浙江省委常委会会议,
    深圳市政府常务会议); none for words that only end in a type (有没有哪次会议, 干部们围绕什么主题作大会发言)."""
    named = [word for word in words if not is_meeting_type(word)]
    places_body = bool(named) and _is_places_body(named[0])
    opens = bool(named) and (bool(_OPENS_A_NAME.match(named[0])) or place_stem(named[0]) is not None or places_body)
    whole = all(len(word) >= 2 for word in named)
    return words if opens and whole and (len(named) >= 2 or places_body) and len(words) > len(named) else ()


def _is_places_body(word: str) -> bool:
    """Whether ``word`` is a named place's body (浙江省委, 深圳市政府), not one pointed at (这个县委)."""
    found = _PLACES_BODY.match(word)
    return bool(found) and not _POINTING_PLACE.match(found["place"]) and place_stem(word[: found.end("place") + 1]) is not None


def _name_begins(mention: str, kind_word: str) -> int:
    """Where a meeting's name begins in a question's mention of it: at its kind's first word, or at an ordinal before
    it (后面第123次委员长会议: the 第123次 is read as the ordinal, not searched for as written)."""
    at = max(mention.find(kind_word), 0)
    numbered = ORDINAL_PARTS.search(mention, 0, at)
    return numbered.start() if numbered else at


def _body_before(words: list[str]) -> str | None:
    """The place or body just before a meeting's kind in a question (浙江省委 in 浙江省委经济工作会议), if any."""
    for length in (1, 2):
        body = "".join(words[-length:])
        if len(words) >= length and looks_like_name(body):
            return body
    return None


def letters(kind: str) -> str:
    """A name without punctuation, normalized: 全国深化“放管服”改革… and 全国深化放管服改革… are one kind."""
    return _PUNCTUATION.sub("", normalize(kind))


def _in_period(document: DocumentRecord, period: Period | None, late: timedelta = timedelta(0)) -> bool:
    """Whether a document's day falls in ``period``, or up to ``late`` after it (a report's day may be the
    day after its meeting's)."""
    if period is None:
        return True
    day = meeting_day(document.date)
    return day is not None and (period.start is None or period.start <= day) and (period.end is None or day <= period.end + late)


def _nth_held(documents: list[DocumentRecord], number: int) -> list[DocumentRecord]:
    """The documents of the ``number``-th meeting day among ``documents`` (reports of one day are one
    meeting); -1 is the last."""
    days = sorted({d.date for d in documents if meeting_day(d.date)})
    if not (1 <= number <= len(days) or (number == -1 and days)):
        return []
    number = len(days) if number == -1 else number
    return [d for d in documents if d.date == days[number - 1]]


def _nearest(documents: list[DocumentRecord], ordinal: Ordinal | None, period: Period | None) -> tuple[HeldMeeting, ...]:
    """The archive's meetings of the kind asked closest to the ordinal or the period asked, one per meeting."""
    target = period.start or period.end if period else None

    def distance(document: DocumentRecord) -> float:
        if ordinal is not None and document.meeting.ordinal is not None:
            return abs(document.meeting.ordinal.number - ordinal.number)
        day = meeting_day(document.date)
        return abs((day - target).days) if day and target else float("inf")

    meetings: dict[tuple, HeldMeeting] = {}
    for document in sorted(documents, key=lambda d: (distance(d), d.date or "", d.id)):
        key = (document.meeting.kind, str(document.meeting.ordinal) if document.meeting.ordinal else document.date)
        meetings.setdefault(key, HeldMeeting(document.meeting.kind or "", document.date, document.meeting.ordinal))
        if len(meetings) == NEAREST:
            break
    return tuple(meetings.values())
