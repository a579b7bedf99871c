"""Split a document's paragraphs into chunks, the unit that is searched and shown.

One chunk per paragraph; a paragraph longer than ``MAX_CHUNK_CHARS`` (whole
speeches often come as one line) is split at sentence ends, preferring to start
a chunk where the speaker starts a numbered point (一要…/二是…). Each chunk
carries its heading path (第二点意见 › 一是…) and its speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .normalize import compact, normalize
from .when import number_value
from .speakers import attribute, find_speaker_names, split_sentences

MAX_CHUNK_CHARS = 400
MIN_CHUNK_CHARS = 100
MAX_SENTENCE_CHARS = 10 * MAX_CHUNK_CHARS
"""Longer than any sentence a report writes: a longer run without a full stop or semicolon (a
text that never ends a sentence) is cut, so no chunk grows with the text."""
HEADING_SEPARATOR = " › "

_RANKS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"^第[一二三四五六七八九十百]+(?:点意见|部分|章)"), 1),
    (re.compile(r"^[一二三四五六七八九十]+[、.．]"), 1),
    (re.compile(r"^第[一二三四五六七八九十]+[，,、：:]"), 2),
    (re.compile(r"^[（(][一二三四五六七八九十]+[)）]"), 2),
    (re.compile(r"^[一二三四五六七八九十]+[是要]"), 3),
    (re.compile(r"^(?:\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[)）])"), 4),
]
_POINT_MARK = re.compile(
    r"(?:^|[，,。；;：:\s“\"])(?:(?P<point>[一二三四五六七八九十]+)[是要](?!否)|第(?P<nth>[一二三四五六七八九十]+)[，,：:]"
    r"|[（(](?P<item>[一二三四五六七八九十]+)[)）])"
)
"""A numbered point's mark where a clause starts (一要…，二要…; 第二，…; （三）), in a paragraph's run as at its start;
not inside a list of items (第一、二季度)."""
_LABEL_END = re.compile(r"[，,：:。；;！？!?]")
_LABEL_CHARS = 24
_NUMBERING_CHARS = 16
"""How much of a sentence's opening holds its numbering (第一百二十点意见 is the longest)."""


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: its text and where it sits."""

    position: int
    """Order of the chunk in its document, from 0."""
    paragraph: int
    """Paragraph number in the cleaned document, from 1 (split paragraphs share it)."""
    text: str
    heading: str
    """Heading path, outermost first, joined with ``HEADING_SEPARATOR``; empty when none."""
    voices: tuple[str, ...]
    """The speaker of each sentence that has one, in order: who speaks here, and how much."""

    @property
    def speakers(self) -> tuple[str, ...]:
        """People speaking in the chunk, in order of first sentence; empty for reports' own voice."""
        return distinct_speakers(self.voices)


def heading_rank(sentence: str) -> int | None:
    """Outline level of a sentence that starts a numbered point, or None; read on the normalized
    opening, so 第二點意見 is one as 第二点意见 is."""
    text = normalize(sentence.lstrip()[:_NUMBERING_CHARS]).lstrip("\"【[ ")
    for pattern, rank in _RANKS:
        if pattern.match(text):
            return rank
    return None


def first_point(text: str) -> int | None:
    """The number of the first point a passage numbers (5 for 五要加强…; 2 for 二是做好…), or None: what a question
    asking for the points (哪几点要求, 从哪几个方面) is answered with, before a paragraph sharing its words."""
    found = _POINT_MARK.search(text)
    return number_value(found["point"] or found["nth"] or found["item"]) if found else None


def heading_label(sentence: str) -> str:
    """Short label of a numbered point: its first clause (two when the first is just 第一)."""
    clauses = _LABEL_END.split(sentence.strip(), maxsplit=2)
    label = clauses[0]
    if len(label) <= 3 and len(clauses) > 1:
        label = f"{label}，{clauses[1]}"
    return label[:_LABEL_CHARS] + ("…" if len(label) > _LABEL_CHARS else "")


def _units(sentences: list[str]) -> list[str]:
    """Sentences, with any sentence longer than a chunk split at its semicolons, and a part longer
    than ``MAX_SENTENCE_CHARS`` into ``_pieces``."""
    units: list[str] = []
    for sentence in sentences:
        if len(sentence) <= MAX_CHUNK_CHARS:
            units.append(sentence)
            continue
        for part in re.findall(r"[^；;]*[；;]|[^；;]+$", sentence):
            units.extend(_pieces(part) if len(part) > MAX_SENTENCE_CHARS else [part] if part else [])
    return units


def _pieces(text: str) -> Iterator[str]:
    """``text`` in pieces of at most ``MAX_SENTENCE_CHARS``, each ending at its last comma past
    ``MAX_CHUNK_CHARS`` when it has one."""
    start = 0
    while len(text) - start > MAX_SENTENCE_CHARS:
        comma = max(text.rfind(mark, start + MAX_CHUNK_CHARS, start + MAX_SENTENCE_CHARS) for mark in "，,、")
        end = comma + 1 if comma >= 0 else start + MAX_SENTENCE_CHARS
        yield text[start:end]
        start = end
    yield text[start:]


def _group(units: list[str]) -> list[list[int]]:
    """Group unit indexes into chunks of at most MAX_CHUNK_CHARS, never splitting a unit."""
    groups: list[list[int]] = []
    length = 0
    for index, unit in enumerate(units):
        starts_point = heading_rank(unit) is not None
        if groups and (length + len(unit) > MAX_CHUNK_CHARS or (starts_point and length >= MIN_CHUNK_CHARS)):
            groups.append([])
            length = 0
        if not groups:
            groups.append([])
        groups[-1].append(index)
        length += len(unit)
    return groups


class _Outline:
    """The heading stack while walking a document."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []

    def enter(self, sentence: str, declared: int | None = None) -> None:
        """Enter ``sentence``'s point when it starts one; ``declared`` is a rank its file gave it."""
        rank = declared or heading_rank(sentence)
        if rank is not None:
            self.stack = [entry for entry in self.stack if entry[0] < rank] + [(rank, heading_label(sentence))]

    def path(self) -> str:
        return HEADING_SEPARATOR.join(label for _rank, label in self.stack)


def chunk_paragraphs(paragraphs: list[str], headings: Mapping[str, int] | None = None) -> list[Chunk]:
    """Chunks of a document body, in order. ``headings`` maps the ``compact`` key of a paragraph its
    file declares a heading (a Word heading style) to its rank; others are read by their numbering."""
    sentences = [split_sentences(paragraph) for paragraph in paragraphs]
    attributed = attribute(sentences, find_speaker_names(paragraphs))
    outline = _Outline()
    chunks: list[Chunk] = []
    for number, (paragraph, paragraph_sentences, sentence_speakers) in enumerate(
        zip(paragraphs, sentences, attributed), start=1
    ):
        outline.enter(paragraph, headings.get(compact(paragraph)) if headings else None)
        paragraph_level = list(outline.stack)
        if len(paragraph) <= MAX_CHUNK_CHARS:
            chunks.append(Chunk(len(chunks), number, paragraph, outline.path(), _voices(sentence_speakers)))
            continue
        units = _units(paragraph_sentences)
        unit_speakers = _spread(paragraph_sentences, sentence_speakers, units)
        for group in _group(units):
            if group[0] > 0:
                outline.enter(units[group[0]])
            text = "".join(units[i] for i in group)
            voices = _voices([unit_speakers[i] for i in group])
            chunks.append(Chunk(len(chunks), number, text, outline.path(), voices))
        outline.stack = paragraph_level  # points numbered inside a paragraph end with it
    return chunks


def _voices(speakers: list[str | None]) -> tuple[str, ...]:
    return tuple(speaker for speaker in speakers if speaker)


def distinct_speakers(voices: tuple[str, ...]) -> tuple[str, ...]:
    """Each speaker once, in order of appearance."""
    return tuple(dict.fromkeys(voices))


def _spread(sentences: list[str], speakers: list[str | None], units: list[str]) -> list[str | None]:
    """Speaker of each unit, given the speaker of each sentence the units were cut from."""
    result: list[str | None] = []
    for sentence, speaker in zip(sentences, speakers):
        parts = len(_units([sentence]))
        result.extend([speaker] * parts)
    return result[: len(units)]
