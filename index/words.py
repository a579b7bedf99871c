"""Words admins teach the segmenter: place and programme names jieba would cut (浙里办 → 浙里 办).

They live in ``DATA_DIR/words.txt`` in jieba's userdict format (``word [frequency] [tag]`` per
line, ``#`` comments). A bad line costs that word, never the start-up: it is skipped with a
warning naming its line. Documents and questions must be cut with the same words, so the file is
read once into a ``Words`` value that travels to the build workers, and its ``fingerprint`` is
what a catalogue records to know its tokens were cut with these words.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from .normalize import normalize

log = logging.getLogger(__name__)

FILE_NAME = "words.txt"
MAX_WORD_LENGTH = 20
"""Longer is a sentence pasted by mistake: as one word it would hide every shorter word inside it."""
_TAG = re.compile(r"[A-Za-z]+")
"""jieba's part-of-speech tags (ns place, nt organisation, nz other proper noun …)."""


class Word(NamedTuple):
    """One line of the file: the word (normalized, as the segmenter sees text) and its optional
    frequency and tag (``None``: jieba suggests the least frequency that keeps the word whole)."""

    word: str
    freq: int | None
    tag: str | None


@dataclass(frozen=True)
class Words:
    """Entries of a userdict-format file, one per word."""

    entries: tuple[Word, ...] = ()

    @cached_property
    def fingerprint(self) -> str:
        """A short hash of the sorted entries: the same words (with their frequencies and tags)
        give the same value whatever their order and comments; ``""`` for none, so a catalogue
        that never recorded one matches a missing file."""
        if not self.entries:
            return ""
        lines = sorted(f"{entry.word}\t{entry.freq}\t{entry.tag}" for entry in self.entries)
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:12]


NO_WORDS = Words()


def read_words(path: Path) -> Words:
    """The valid entries of the admin's file; a missing file means no words."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return NO_WORDS
    return parse_words(data, str(path))


def parse_words(data: bytes, name: str) -> Words:
    """The valid entries of a file in the userdict format, each malformed line skipped with a
    warning naming ``name`` and the line (decoded line by line: one bad byte costs one line)."""
    entries: dict[str, Word] = {}
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            line = raw.decode("utf-8").lstrip("\ufeff")  # a BOM, as Windows editors save
        except UnicodeDecodeError:
            log.warning("%s line %d skipped: not UTF-8", name, number)
            continue
        entry = _parse_line(line)
        if isinstance(entry, str):
            log.warning("%s line %d skipped: %s", name, number, entry)
        elif entry is not None:
            entries[entry.word] = entry  # a repeated word keeps its last values, as jieba would
    return Words(tuple(entries.values()))


def _parse_line(line: str) -> Word | str | None:
    """The entry of one line, ``None`` for a blank or comment line, or why the line is malformed."""
    fields = line.split("#", 1)[0].split()
    if not fields:
        return None
    word, rest = normalize(fields[0]), fields[1:]
    freq = int(rest.pop(0)) if rest and rest[0].isascii() and rest[0].isdigit() else None
    tag = rest.pop(0) if rest and _TAG.fullmatch(rest[0]) else None
    if rest:
        return f"{rest[0]!r} is neither a frequency nor a tag (expected 'word [frequency] [tag]'; a word has no spaces)"
    if not word:
        return "no word left once invisible characters are removed"
    if len(word) > MAX_WORD_LENGTH:
        return f"word longer than {MAX_WORD_LENGTH} characters"
    return Word(word, freq, tag)
