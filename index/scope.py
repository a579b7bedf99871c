"""Which documents a word of a question names: a place or body in their title or issuer;
and which of the documents' speakers a question names.

"德州呢" moves a conversation to the 德州 document; "浙江省对低空经济有什么部署"
is about one report among thirty. A word names documents when it is the name of a
place or body (jieba's dictionary tags it as one, or it ends like one: 省, 县, 局 …)
and it occurs in the title or issuer of some documents but not of most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .normalize import normalize
from .store import DocumentRecord
from .speakers import names_pattern

_NAME_TAGS = ("ns", "nt")
"""jieba's part-of-speech tags of place names and organisations."""
_NAME_ENDING = re.compile(r"(?:省|市|县|区|旗|盟|州|镇|乡|村|局|委|办|厅|部)$")
_GENERIC_PLACE = re.compile(
    r"^[全本各我该此][省市县区旗盟州镇乡村]|^[省市县区旗盟州镇乡村]?(?:党委|党组|委|政府|人大|政协)$"
)
"""全县, 本市, 我省, 县委, 市政府 …: the speaker's own place or body, whichever it is; they name no particular document."""
_ADMIN_SUFFIX = re.compile(r"(?:自治区|自治州|自治县|省|市|县|区|旗|盟|镇|乡)$")
MAX_NAMED_SHARE = 0.5
"""A word in the titles of more than this share of the documents describes them all."""


def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of every word of its main dictionary (the one ``tokenize`` uses
    too), read when ``jieba.posseg`` is first imported: about 0.5 s."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


def _looks_like_name(word: str) -> bool:
    if _GENERIC_PLACE.match(word):
        return False
    return bool(_NAME_ENDING.search(word)) or word_tags().get(word, "").startswith(_NAME_TAGS)


def _name_key(word: str) -> str:
    """The part of a place name that documents also use: 集贤县 → 集贤, 广东省 → 广东."""
    stem = _ADMIN_SUFFIX.sub("", word)
    return stem if len(stem) >= 2 else word


@dataclass(frozen=True)
class _Described:
    doc_id: str
    title: str
    place: str


class DocumentNames:
    """The titles and issuers of a collection's documents, to look names up in."""

    def __init__(self, documents: Iterable[DocumentRecord]) -> None:
        self._documents = []
        speakers: set[str] = set()
        for document in documents:
            self._documents.append(_Described(document.id, normalize(document.title), normalize(document.place or "")))
            speakers.update(document.speakers)
        self._speakers = re.compile(names_pattern(speakers)) if speakers else None

    def speakers_in(self, key: str, boundaries: set[int]) -> list[tuple[int, int]]:
        """Spans of normalized text that name one of the documents' speakers, starting and ending
        on word ``boundaries``: jieba may cut 杨洪涛 into 杨 + 洪涛, but 张建 is no name in 主张建设."""
        if self._speakers is None:
            return []
        return [m.span() for m in self._speakers.finditer(key) if m.start() in boundaries and m.end() in boundaries]

    def named_by(self, word: str) -> tuple[str, ...]:
        """The documents ``word`` names (best first: issuer matches before title matches), or ()."""
        key = _name_key(word)
        if len(key) < 2:
            return ()
        by_place = [d.doc_id for d in self._documents if key in d.place]
        by_title = [d.doc_id for d in self._documents if key in d.title and d.doc_id not in by_place]
        named = by_place + by_title
        if not named or len(named) > max(1, MAX_NAMED_SHARE * len(self._documents)) or not _looks_like_name(word):
            return ()
        return tuple(named)
