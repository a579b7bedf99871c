"""Which documents a word of a question names: a place or body in their title or issuer;
and which of the documents' speakers a question names.

"德州呢" moves a conversation to the 德州 document; "浙江省对低空经济有什么部署"
is about one report among thirty. A word names documents when it is the name of a
place or body (jieba's dictionary tags it as one, or it ends like one: 省, 县, 局 …)
and it occurs in the title or issuer of some documents but not of most.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import cache
from itertools import accumulate

import jieba

from .normalize import normalize
from .store import DocumentRecord
from .speakers import names_pattern

_NAME_TAGS = frozenset({"ns", "nt"})
"""jieba's part-of-speech tags of place names and organisations."""
_NAME_ENDING = re.compile(r"(?:省|市|县|区|旗|盟|州|镇|乡|村|局|委|办|厅|部)$")
_GENERIC_PLACE = re.compile(
    r"^[全本各我该此][省市县区旗盟州镇乡村]|^[省市县区旗盟州镇乡村]?(?:党委|党组|委|政府|人大|政协)$"
)
"""全县, 本市, 我省, 县委, 市政府 …: the speaker's own place or body, whichever it is; they name no particular document."""
_ADMIN_SUFFIX = re.compile(r"(?:自治区|自治州|自治县|省|市|县|区|旗|盟|镇|乡)$")
MAX_NAMED_SHARE = 0.5
"""A word in the titles of more than this share of the documents describes them all."""
MAX_NAMED_DOCUMENTS = 500
"""A word in more titles than this (中国, 全国 in a large archive) is no scope to search in."""


@cache
def name_words() -> frozenset[str]:
    """The words jieba's main dictionary (the one ``tokenize`` uses too) tags as place names or
    organisations: about 22,000, read once (about 0.3 s) and kept as a small set."""
    with jieba.dt.get_dict_file() as dictionary:
        entries = (line.decode("utf-8").split() for line in dictionary)
        return frozenset(entry[0] for entry in entries if len(entry) >= 3 and entry[2] in _NAME_TAGS)


def looks_like_name(word: str) -> bool:
    if _GENERIC_PLACE.match(word):
        return False
    return bool(_NAME_ENDING.search(word)) or word in name_words()


def _name_key(word: str) -> str:
    """The part of a place name that documents also use: 集贤县 → 集贤, 广东省 → 广东."""
    return place_stem(word) or word


def place_stem(word: str) -> str | None:
    """The name inside an administrative place (兰陵县 → 兰陵, 浙江省 → 浙江), or None for a word that is not one."""
    stem = _ADMIN_SUFFIX.sub("", word)
    return stem if stem != word and len(stem) >= 2 and not _GENERIC_PLACE.match(word) else None


class TextLines:
    """One normalized line per document, searched all at once: a name is looked up in a
    few milliseconds among tens of thousands of titles."""

    def __init__(self, lines: list[str]) -> None:
        self._text = "\n".join(lines)
        self._starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))

    def containing(self, key: str, most: int) -> list[int]:
        """Indexes of the lines that contain ``key`` (no line break in it), in order; at most ``most``."""
        found: list[int] = []
        position = self._text.find(key)
        while position >= 0 and len(found) < most:
            line = bisect_right(self._starts, position) - 1
            found.append(line)
            following = self._starts[line + 1] if line + 1 < len(self._starts) else len(self._text)
            position = self._text.find(key, following)
        return found


class DocumentNames:
    """The titles and issuers of a collection's documents, to look names up in."""

    def __init__(self, documents: Iterable[DocumentRecord]) -> None:
        documents = list(documents)
        self._ids = [document.id for document in documents]
        self._titles = TextLines([normalize(document.title).replace("\n", " ") for document in documents])
        self._places = TextLines([normalize(document.place or "").replace("\n", " ") for document in documents])
        speakers = {speaker for document in documents for speaker in document.speakers}
        self._speakers = re.compile(names_pattern(speakers)) if speakers else None
        self._named: dict[str, tuple[str, ...]] = {}
        """Words already looked up (a question's words are looked up several times); the
        instance lives until the documents change."""

    def __len__(self) -> int:
        return len(self._ids)

    def speakers_in(self, key: str, boundaries: set[int]) -> list[tuple[int, int]]:
        """Spans of normalized text that name one of the documents' speakers, starting and ending
        on word ``boundaries``: jieba may cut 杨洪涛 into 杨 + 洪涛, but 张建 is no name in 主张建设."""
        if self._speakers is None:
            return []
        return [m.span() for m in self._speakers.finditer(key) if m.start() in boundaries and m.end() in boundaries]

    def named_by(self, word: str) -> tuple[str, ...]:
        """The documents ``word`` names (best first: issuer matches before title matches), or ()."""
        if word not in self._named:
            self._named[word] = self._look_up(word)
        return self._named[word]

    def _look_up(self, word: str) -> tuple[str, ...]:
        key = _name_key(word)
        if len(key) < 2 or "\n" in key or not looks_like_name(word):
            return ()
        most = max(1, min(MAX_NAMED_DOCUMENTS, int(MAX_NAMED_SHARE * len(self._ids))))
        named = list(dict.fromkeys(self._places.containing(key, most + 1) + self._titles.containing(key, most + 1)))
        if not named or len(named) > most:
            return ()
        return tuple(self._ids[index] for index in named)
