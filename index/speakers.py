"""Who speaks where: find the people a report quotes and attribute sentences to them.

Reports name a speaker with an official title (市委书记李猛, 局长王世平) and then
quote them with a speech verb (李猛强调, 他要求). A sentence belongs to the last
speaker named with a speech verb, within the paragraph; a paragraph that opens
with 他/她 continues the previous paragraph's speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .normalize import normalize

TITLES = (
    "总书记|书记|副书记|局长|副局长|市长|副市长|县长|副县长|区长|副区长|镇长|乡长|旗长|盟长|主任|副主任|"
    "厅长|省长|副省长|部长|组长|副主席|主席|副总理|总理|处长|科长|副委员长|委员长|委员|常委|秘书长|院长|行长|董事长|总经理"
)
PERSON_NAME = r"[\u4e00-\u9fff]{2,3}?"
"""A person's name as reports write it after a title (two or three characters)."""
_AFTER_NAME = r"(?=主持|讲话|出席|强调|指出|要求|表示|作了|作|在|就|代表|对|参加|组织|带队|同志|[，。、：:,])"
_NAME_END = rf"(?:{_AFTER_NAME}|(?=\d))"
"""What follows a titled name: a verb, a particle, punctuation, or the day it did so (总理李克强5日主持)."""
_TITLED_NAME = re.compile(rf"(?:{TITLES})[、，,]?({PERSON_NAME}){_NAME_END}")
_NOT_NAME = re.compile(r"[的在和对要是了为与及等各全本该这那我他她们关于会议工作同志领导干部]")
_NOT_A_NAME_WORD = re.compile(rf"{TITLES}|主持|强调|讲话|指出|要求|出席|表示|参加|组织|带队|代表")
_SPEECH = r"(?:[^，。；,;]{0,30}?(?:强调|指出|要求|表示|讲话|说|提出|部署|主持|讲了|作了|做了|总结|宣布|希望)|(?:(?!得到|受到)[^，。；,;]){0,30}?肯定)"
"""A name's sentence he speaks (李明强调…, 郭伟充分肯定…); not one where he is praised (郭伟的工作得到了…充分肯定)."""
_PRONOUN_START = re.compile(r"^[“\"]?(?:他|她)(?:还|并|也|又)?(?:强调|指出|要求|表示|说|提出)")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』\"']*|[^。！？!?]+$")


def names_pattern(names: Iterable[str]) -> str:
    """A regex alternation of ``names``, longest first so 李明华 is found whole, not as 李明."""
    return "|".join(map(re.escape, sorted(set(names), key=len, reverse=True)))


def holders_of(office: str, paragraphs: Iterable[str], speakers: Iterable[str] = ()) -> Counter[str]:
    """The names ``paragraphs`` write right after ``office`` (委员长栗战书出席), or, of the ``speakers`` they quote,
    right before it (习近平总书记), counted: who holds it there. Not after a longer office that ends in it (the 主席
    of 副主席王晨, the 书记 of 总书记习近平)."""
    longer = {title[-len(office) - 1] for title in TITLES.split("|") if len(title) > len(office) and title.endswith(office)}
    not_longer = "".join(f"(?<!{re.escape(char)})" for char in sorted(longer))
    titled = re.compile(rf"{not_longer}{re.escape(office)}({PERSON_NAME}){_NAME_END}")
    texts = [normalize(paragraph) for paragraph in paragraphs]
    holders = Counter(name for text in texts for name in titled.findall(text) if _may_be_name(name))
    if speakers := set(speakers):
        before = re.compile(rf"({names_pattern(speakers)}){re.escape(office)}")
        holders.update(name for text in texts for name in before.findall(text))
    return holders


def _may_be_name(word: str) -> bool:
    """Whether the characters read after a title may be a person's name: no function word or title in them."""
    return not _NOT_NAME.search(word) and not _NOT_A_NAME_WORD.search(word)


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, each keeping its end punctuation and closing quotes."""
    return [sentence for sentence in _SENTENCE.findall(paragraph) if sentence.strip()]


def find_speaker_names(paragraphs: list[str]) -> list[str]:
    """Names introduced with an official title, in order of first appearance (Simplified)."""
    names: list[str] = []
    for paragraph in paragraphs:
        for name in _TITLED_NAME.findall(normalize(paragraph)):
            if _may_be_name(name) and name not in names:
                names.append(name)
    return names


def attribute(paragraphs: list[list[str]], names: list[str]) -> list[list[str | None]]:
    """For each sentence of each paragraph, the speaker it belongs to (or None)."""
    if not names:
        return [[None] * len(sentences) for sentences in paragraphs]
    marker = re.compile(f"({names_pattern(names)}){_SPEECH}")
    result: list[list[str | None]] = []
    previous: str | None = None
    for sentences in paragraphs:
        keys = [normalize(sentence) for sentence in sentences]
        current = previous if keys and _PRONOUN_START.match(keys[0]) else None
        speakers: list[str | None] = []
        for key in keys:
            found = marker.search(key)
            if found:
                current = found.group(1)
            speakers.append(current)
        result.append(speakers)
        previous = current
    return result
