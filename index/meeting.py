"""The meeting a document reports, and the meeting a question names.

An archive holds the same kinds of meeting again and again — 国务院常务会议 every week, 中央经济工作会议
every December — told apart only by date, ordinal (第十九次, 十三届…第三十七次, 六中全会) and topic.
A meeting is recognised by the shape of its name (words ending in 会议, 座谈会, 全会 …, held: after 召开 or
举行, or the subject of a sentence that says it was held), never by a list of particular meetings. Its
*kind* is that name without ordinal and time (十三届全国人大常委会第三十七次会议 → 全国人大常委会会议), so
every meeting of a series shares it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from .normalize import normalize
from .speakers import PERSON_NAME, TITLES
from .tokenize import names_no_one, segment, tokenize_question, word_starts
from .when import number_value

_SUFFIX = (
    "电视电话会议|视频会议|常务会议|工作会议|全体会议|常委会会议|党组会议|党组会|常委会|座谈会|推进会|现场会|"
    "调度会|交流会|研讨会|报告会|汇报会|生活会|协调会|部署会|通报会|分析会|动员会|务虚会|茶话会|动员大会|大会|全会|例会|峰会|"
    "集体学习|会议"
)
MEETING_ENDING = rf"(?:{_SUFFIX})(?![议室厅员纪场所址堂])"
"""A meeting name's ending, not the start of another word (会议室, 人民大会堂, 常委会议 continues to 会议)."""
_NUMBER = "[零〇一二两三四五六七八九十百\\d]+"
_NAME_BODY = r"[^，。；：、！？,.;:!?\s《》（）()—–\-在]"
"""A character of a meeting's name (questions and titles are normalized: NFKC turns ，into ,); not 在, which
begins where it was held (县委书记某某在县委常委会议室…召开)."""
_ORDINAL_TAIL = rf"(?:第{_NUMBER}次(?:全体|[\u4e00-\u9fff]{{2,3}}?)?会议|{_NUMBER}次(?:全体)?会议)?"
HELD_AFTER_VERB = re.compile(
    rf"(?:主持召开|召开|举行|举办|主持|出席)了?(?P<name>{_NAME_BODY}{{2,40}}?{MEETING_ENDING}{_ORDINAL_TAIL})"
)
_HELD_BY_BODY = re.compile(
    rf"(?:^|(?<=[。！？\n ,]))(?P<name>{_NAME_BODY}{{2,20}}?)(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?(?:上午|下午|晚上)?"
    rf"(?:在[^，。,]{{1,15}}?)?(?:召开|举行)(?P<generic>(?:第{_NUMBER}次)?(?:(?:专题|全体|常务|党组)?会议|集体学习))"
)
"""中共中央政治局12月6日召开会议, 县政府召开第十次常务会议: the body that met, when the meeting's name is only its type."""
_HELD_AS_SUBJECT = re.compile(
    rf"(?:^|(?<=[。！？\n ,]))(?P<name>{_NAME_BODY}{{2,40}}?{MEETING_ENDING}{_ORDINAL_TAIL})"
    rf"(?=[^，。]{{0,24}}?(?:召开|举行|举办|开幕|闭幕|在京|在北京))"
)
ORDINAL_PARTS = re.compile(
    rf"(?:第?(?P<term>{_NUMBER})届)|第(?P<number>{_NUMBER})次|(?P<session>{_NUMBER})次(?=(?:全体)?会议)"
)
_PLENUM = re.compile(r"([一二三四五六七八九十]+)中全会")
_TIME_PARTS = re.compile(
    rf"\d{{4}}年(?:度|[初底末]|中(?![央共国华外]))?|[〇零一二][〇零○一二三四五六七八九]{{3}}年|\d{{1,2}}月(?:\d{{1,2}}日|[上中下]旬|[初底末])?|{_NUMBER}日"
)
_INNER_VERB = re.compile(r".*(?:主持召开|召开|举行|举办|主持|出席|参加|直播|当地时间)(?:了)?|^的")
"""What a name found as a sentence's subject may carry before the meeting's own name."""
_DETERMINERS = re.compile(r"本次|这次|那次|此次|该次|上次|这个|那个|今年|去年|前年|年[初中底末]|[上下]半年|月[初中底末]|[上中下]旬")
"""Words around a meeting's name in a question that say which one, not what it is called."""
_SESSION_PART_WORDS = r"(?P<part>开幕|闭幕)(?:会议?|式)"
SESSION_PART = re.compile(_SESSION_PART_WORDS)
"""A part of a meeting's session a question names it by (全国政协闭幕会上): that meeting's report of that day."""
MENTION = re.compile(
    rf"(?:第{_NUMBER}次|[一二三四五六七八九十]+届)?[^，。；：、！？,.;:!?\s《》（）()—–\-]{{0,30}}?"
    rf"(?:{_SESSION_PART_WORDS}(?![议室])|{MEETING_ENDING}{_ORDINAL_TAIL})"
)
"""A meeting as a question names it, with whatever comes before its name in the same clause (2022年年中那次
政治局会议, 韩正在雄安主持的…会议: unlike a report's name, where 在 begins the place it was held)."""
_HOLDING_VERB = re.compile(r"(?:主持召开|召开|举行|举办|开)了?")
_TRAILING_ORDINAL = re.compile(rf"{_ORDINAL_TAIL}$")
HOLDING_WORDS = frozenset({"开", "召开", "举行", "举办", "主持"})
"""Words saying a meeting was held or chaired (在人民大会堂主持的…会议): once it is named, none is asked about."""
_LEADING = HOLDING_WORDS | {"出席", "参加", "了", "的", "那次", "这次", "上次", "此次", "该次", "本次"}
"""Words that lead to a meeting's name in a question without being part of it."""
_CHAIRED_BY = re.compile(
    rf"(?![在由于对])(?P<name>{PERSON_NAME})(?:{TITLES})?(?:同志)?(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?(?:在(?P<place>[^,，]{{1,10}}?))?(?:主持(?:召开)?|开)的"
)
_PREPOSITIONS = "在由于对被经"
_HELD_AT = r"在(?P<place>[\u4e00-\u9fff]{1,8}?)(?:主持)?(?:召开|举行|举办|开)"
HELD_IN = re.compile(rf"{_HELD_AT}的")
"""Where a question says a meeting was held (在重庆主持召开的, 是哪两天在北京开的)."""
_HELD_IN_NAME = re.compile(rf"{_HELD_AT}了?")
"""Where a body held the meeting it is named with (中央有关部门在深圳开座谈会)."""
HELD_AT_MEETING = re.compile(rf"在(?P<place>[^，。；、]{{1,12}}?)(?:主持)?(?:召开|举行|举办)[^，。；]*?{MEETING_ENDING}")
"""Where a report says a meeting was held, in the clause holding it (在人民大会堂主持召开…汇报会)."""
_MEETING_TYPE = re.compile(rf"(?:专题|全体|常务|工作|视频|电视电话)?(?:{_SUFFIX})")
_ENDS_AS_MEETING = re.compile(rf"{MEETING_ENDING}{_ORDINAL_TAIL}$")
_TYPES = _SUFFIX.split("|")
_CHAIR = re.compile(
    rf"(?:(?:{TITLES})[、，,]?|^|(?<=[。,;\s]))(?P<name>{PERSON_NAME})(?:{TITLES})?(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?(?:上午|下午|晚上|晚)?"
    rf"(?:[在到][^，。,;]{{1,20}}?)?(?:(?:考察|调研|视察|检查)[^，。,;]{{0,20}}?并)?主持(?!人)"
)
"""Who chaired: a name (after a title, or opening a sentence) before 主持, with the day, the place, or the visit
it chaired the meeting on (李克强考察农业农村部并主持召开座谈会) between."""


@dataclass(frozen=True)
class Ordinal:
    """Where a meeting stands in its series: the term (届) and the number within it (次, 中全会)."""

    term: int | None
    number: int

    def __str__(self) -> str:
        return f"{self.term or ''}/{self.number}"

    @classmethod
    def parse(cls, stored: str | None) -> Ordinal | None:
        """The ordinal written by ``str`` (``13/37``, ``/8``), or None."""
        if not stored or "/" not in stored:
            return None
        term, _, number = stored.partition("/")
        return cls(int(term) if term else None, int(number)) if number.isdigit() else None

    def matches(self, asked: Ordinal) -> bool:
        """Whether this is the ordinal a question asks for (a question may leave out the term)."""
        return self.number == asked.number and (asked.term is None or asked.term == self.term)

    def label(self) -> str:
        return f"{'第' + str(self.term) + '届' if self.term else ''}第{self.number}次"


@dataclass(frozen=True)
class Meeting:
    """The meeting a document reports: its kind, ordinal and chair (its date is the document's)."""

    kind: str | None = None
    ordinal: Ordinal | None = None
    chair: str | None = None


ORDINAL_WORD = re.compile(rf"第(?P<number>{_NUMBER})(?P<unit>[次届轮批期])")
"""A word for the place of one in a series (第七轮, 第十三届, 第52次): of a meeting, or of what meets (巡视, 论坛)."""
ORDINAL_REACH = 6
"""Characters within which what an ordinal numbers follows it (第八次大督查, 第七轮巡视集中反馈)."""


def series_of(ordinal: str, numbered: str) -> re.Pattern[str] | None:
    """How a text numbers ``numbered`` with ordinals of the unit of ``ordinal`` (第七轮 of 巡视: 第5轮…巡视), the
    number as group ``number``. What it numbers follows within ``ORDINAL_REACH`` characters, maybe spelled out
    (第八届进博会: 第八届中国国际进口博览会)."""
    match = ORDINAL_WORD.fullmatch(ordinal)
    if match is None:
        return None
    spelled_out = "[^。；，]{0,4}?".join(map(re.escape, numbered))
    return re.compile(rf"第(?P<number>{_NUMBER}){match['unit']}[^。；]{{0,{ORDINAL_REACH}}}?{spelled_out}")


def _plenum_spelled_out(name: str) -> str:
    """十九届六中全会 → 十九届中央委员会第六次全体会议, as the plenum's own report names it."""
    return _PLENUM.sub(lambda match: f"中央委员会第{match[1]}次全体会议", name)


def ordinal_of(name: str) -> Ordinal | None:
    """The ordinal a meeting's name states (十三届…第三十七次会议, 第八次…大会, 十九届六中全会)."""
    term = number = None
    for match in ORDINAL_PARTS.finditer(_plenum_spelled_out(name)):
        if match["term"]:
            term = number_value(match["term"])
        elif number is None:
            number = number_value(match["number"] or match["session"])
    return Ordinal(term, number) if number else None


def held_by(words: str, places: Collection[str] = frozenset()) -> tuple[str | None, str | None, str]:
    """Who the words before a meeting's name say held it and where (李强总理主持的…, 李克强在重庆主持召开的…,
    在江西开的…), and the words without those; a name among ``places`` is a place, no person, an office or a body
    (总理在云南开的, 人大开的) no one's name, nor the end of a word (the 意见稿 of 征求意见|稿开的)."""
    key = _TIME_PARTS.sub(" ", normalize(words))
    held_in = HELD_IN.search(key)
    starts = sorted(_name_starts(key))
    chaired = next((m for at in starts if (m := _CHAIRED_BY.match(key, at)) and m["name"] not in places
                    and not _within_place(m, held_in)), None)
    located = chaired if chaired and chaired["place"] else held_in
    place = located["place"] if located else None
    for found in (chaired, located if located is not chaired else None):
        if found:
            key = key.replace(found[0], " ")
    chair = chaired["name"] if chaired and not (names_no_one(chaired["name"]) or is_office(chaired["name"])) else None
    return chair, place, key


def _name_starts(key: str) -> set[int]:
    """Where a name may begin: where a word does (not the 意见稿 of 征求意见|稿), or after a preposition jieba joined
    to a name's first character (由王|立新)."""
    starts, at = {0}, 0
    for word in segment(key):
        if len(word) == 2 and word[0] in _PREPOSITIONS:
            starts.add(at + 1)
        at += len(word)
        starts.add(at)
    return starts


def _within_place(chaired: re.Match[str], held_in: re.Match[str] | None) -> bool:
    """Whether a name read as the chair's overlaps where the meeting was held (the 会议室 of 在县委会议室开的, the 京召
    of 在京召开的)."""
    return held_in is not None and chaired.start("name") < held_in.end("place") and held_in.start("place") < chaired.end("name")


_OFFICE = re.compile(TITLES)


def is_office(word: str) -> bool:
    """Whether a word is an office (总理, 委员长, 县长), where a question may put who held a meeting (总理在云南开的,
    总理开座谈会): no one's name, and no word of the meeting's."""
    return bool(_OFFICE.fullmatch(word))


def mentions(key: str) -> Iterator[tuple[int, int, bool]]:
    """Where a normalized question names meetings, and whether a body's name leads to the meeting. A body's
    name followed by a verb of holding and a meeting (全国人大常委会开…座谈会, 县委常委会召开全体会议) is one
    mention: of the meeting it held, not of the body."""
    matches = list(MENTION.finditer(key))
    held = False
    for match, following in zip(matches, [*matches[1:], None]):
        if held:
            held = False
        elif following and following.start() == match.end() and _HOLDING_VERB.match(following[0]) and _is_body(match[0]):
            held = True
            yield match.start(), following.end(), True
        else:
            yield *match.span(), False


def _is_body(mention: str) -> bool:
    """Whether a mention may be the body holding the meeting after it (全国人大常委会开…): not a meeting
    itself, by its ordinal or its 会议 (政协常委会第二十三次会议开全体会议 names that meeting)."""
    return not _TRAILING_ORDINAL.search(mention)[0] and not mention.endswith("会议")


def session_part(mention: str) -> tuple[str, str | None]:
    """A mention of a meeting by a part of its session (全国政协闭幕会) as the meeting's (全国政协会议), and the
    part (闭幕), which its report of that day names; the mention itself and None when it names no part."""
    found = SESSION_PART.search(mention)
    named = found is not None and found.end() == len(mention) and found.start() > 0
    return (mention[: found.start()] + "会议", found["part"]) if named else (mention, None)


def type_spans(mention: str) -> list[tuple[int, int]]:
    """Where each type a meeting's name may end in lies (…常委会会议: 常委会会议 and 会议), before any ordinal after
    it (the 常委会 of …常委会第三十次会议; but the 会议 of 2022年12月第131次委员长会议, where no name is before the
    ordinal): a name each of whose types begins inside a word (强大|会招来) is no name."""
    before_ordinal = _TRAILING_ORDINAL.sub("", mention)
    named = before_ordinal if _ENDS_AS_MEETING.search(before_ordinal) else mention
    return [(len(named) - len(ending), len(named)) for ending in _TYPES if named.endswith(ending)]


def words_of_name(mention: str) -> tuple[str, ...]:
    """The words of a meeting's name in a question, without its ordinal, time and the words leading to it."""
    return tuple(word for word in tokenize_question(kind_of(mention)) if word not in _LEADING)


def describing(words: str) -> str:
    """What words before a meeting's name say of it, without its time and the verbs and determiners that
    only lead to its name (研究经济工作的那次 → 研究经济工作)."""
    return " ".join(word for word, leads in _leading_words(without_time(words)) if not leads)


def name_start(mention: str) -> int:
    """Where a meeting's own name begins in a question's mention of it: after the last word that says
    which one or who held it (韩正在雄安主持的…, 研究经济工作的那次…, 李克强开的…, 领导小组开全体会议)."""
    start = position = 0
    for word, leads in _leading_words(mention):
        position += len(word)
        if leads and not is_meeting_type(mention[position:]):  # 领导小组开全体会议: the group's own meeting
            start = position
    return start


def done_at_the_meeting(mention: str) -> bool:
    """Whether a mention names something done at the meeting a conversation is about (那次会上集体学习), not a
    meeting of its own."""
    return mention[name_start(mention):].startswith("会上")


def held_within(mention: str) -> tuple[str, str | None]:
    """A mention of a meeting without where its body held it, and that place (中央有关部门在深圳开座谈会 →
    中央有关部门座谈会, 深圳): the place is no word of the meeting's name, which its reports give without it."""
    for found in _HELD_IN_NAME.finditer(mention):
        if is_meeting_type(kind_of(mention[found.end():])):
            return mention[: found.start()] + mention[found.end():], found["place"]
    return mention, None


def _leading_words(text: str) -> list[tuple[str, bool]]:
    """The words of ``text``, each with whether it only leads to a meeting's name (a verb of holding it, 的
    but not 党的, 那次)."""
    words = segment(text)
    return [
        (word, word in _LEADING and not (word == "的" and index and words[index - 1].endswith("党")))
        for index, word in enumerate(words)
    ]


def without_time(name: str) -> str:
    """A meeting's name as a question gives it, without the time and determiners around it (2022年那次…)."""
    return _DETERMINERS.sub("", _TIME_PARTS.sub("", name))


def kind_of(name: str) -> str:
    """A meeting's name without its ordinal, time and determiners: the name its whole series shares."""
    return without_time(ORDINAL_PARTS.sub("", _plenum_spelled_out(name)))


def split_type(name: str) -> tuple[str, str]:
    """A meeting's name without its ordinal and time, cut before the type it ends in (深改委|会议)."""
    kind = kind_of(name)
    typed = re.search(rf"(?:{_MEETING_TYPE.pattern})$", kind)
    return (kind[: typed.start()], typed[0]) if typed else (kind, "")


def abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` is ``name`` shortened the usual way: the first characters of several of its words
    (or whole short ones), in their order (深改委 of 中央全面深化改革委员会, 国务院食安委 of 国务院食品安全
    委员会, 财经委 of 中央财经委员会)."""
    if not 2 <= len(short) <= 8 or not set(short) <= set(name):
        return False
    starts = sorted(word_starts(name))

    def rest_from(position: int, after: int, pieces: int) -> bool:
        if position == len(short):
            return pieces >= 2
        for start in (s for s in starts if s >= after):
            for length in (1, 2, 3):
                piece = short[position : position + length]
                if len(piece) == length and name.startswith(piece, start) and rest_from(position + length, start + length, pieces + 1):
                    return True
        return False

    return rest_from(0, 0, 0)


def is_meeting_name(phrase: str) -> bool:
    """Whether a phrase ends like a meeting's name (国务院常务会议, 全国安全生产电视电话会议)."""
    return bool(_ENDS_AS_MEETING.search(normalize(phrase)))


def is_meeting_type(word: str) -> bool:
    """Whether a word only says what type of meeting (会议, 全体会议, 座谈会), naming no particular series."""
    return bool(_MEETING_TYPE.fullmatch(normalize(word)))


def held_meeting_name(text: str) -> str | None:
    """The name of the meeting a title or opening sentence says was held, normalized; None when it names none."""
    key = normalize(text)
    by_body = _HELD_BY_BODY.search(key)
    found = [m for pattern in (_HELD_AS_SUBJECT, HELD_AFTER_VERB) if (m := pattern.search(key))]
    named = min(found, key=lambda match: match.start("name"))["name"] if found else None
    if by_body and (named is None or by_body.start() < key.find(named)):
        named = by_body["name"] + by_body["generic"]
    return _INNER_VERB.sub("", named) if named else None


def chair_of(text: str) -> str | None:
    """Who chaired the meeting, as the title or opening says (国务院总理李克强22日主持召开…)."""
    found = _CHAIR.search(normalize(text))
    return found["name"] if found else None


def identify_meeting(title: str, opening: list[str]) -> Meeting:
    """The meeting a document reports, from its title and first paragraphs: the first meeting the title or
    lead (its first two paragraphs: a communiqué's first repeats its title) says was held or attended (later
    paragraphs mention other meetings), its ordinal also from the lead's name for it; its chair from the first
    that names one."""
    texts = [title, *opening]
    names = [found for text in texts[:3] if (found := held_meeting_name(text))]
    name = names[0] if names else None
    fuller = [later for later in names[1:] if kind_of(names[0]) in kind_of(later)]
    name = max(fuller, key=len) if fuller else name  # the lead's official name (推动黄河流域…) over the title's
    chair = next((found for text in texts if (found := chair_of(text))), None)
    if name is None:
        return Meeting(chair=chair)
    kind = kind_of(name)
    # the lead's ordinal, where the title's name of the meeting states none
    ordinal = ordinal_of(name) or next((found for later in names[1:] if _same_series(name, later) and (found := ordinal_of(later))), None)
    return Meeting(kind=kind if len(kind) >= 2 else None, ordinal=ordinal, chair=chair)


def _same_series(name: str, other: str) -> bool:
    """Whether two names of a report's meeting are of one series, told in other words (the title's 全国政协主席会议,
    the lead's 政协第十三届全国委员会第六十六次主席会议): the same type after the same last word."""
    (words, meeting_type), (other_words, other_type) = split_type(name), split_type(other)  # each its kind's
    return meeting_type == other_type and bool(words) and bool(other_words) and segment(words)[-1] == segment(other_words)[-1]
