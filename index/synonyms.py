"""Query expansion with equivalent phrasings (两委 → 村两委, 农险 → 农业保险).

Officials ask in abbreviations the reports spell out, and the reverse. A question
that contains one phrase of a group also searches the other phrases' words, at
``EXPANSION_WEIGHT`` of its own words; the ranker counts a passage that has the
expansion as covering the word it stands for. The built-in table can be extended by
a file of the same format in ``DATA_DIR``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from importlib import resources
from pathlib import Path

from .meeting import is_meeting_name
from .normalize import normalize
from .search import Expansion, Query
from .tokenize import tokenize

EXPANSION_WEIGHT = 0.5
FILE_NAME = "synonyms.txt"


def parse_groups(text: str) -> list[list[str]]:
    """Groups of normalized phrases from the table format (``a | b | c`` per line, ``#`` comments)."""
    groups = []
    for line in text.splitlines():
        phrases = [normalize(phrase.strip()) for phrase in line.split("#", 1)[0].split("|")]
        phrases = list(dict.fromkeys(phrase for phrase in phrases if phrase))
        if len(phrases) >= 2:
            groups.append(phrases)
    return groups


class Synonyms:
    """The equivalence groups in force: built in, plus an admin's file if present."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.groups = groups

    @cached_property
    def _group_tokens(self) -> list[list[tuple[str, tuple[str, ...]]]]:
        """Each group's phrases with their tokens, segmented once (on first use, not at start-up)."""
        return [[(phrase, tuple(tokenize(phrase))) for phrase in group] for group in self.groups]

    @classmethod
    def load(cls, extra_file: Path | None = None) -> "Synonyms":
        text = resources.files(__package__).joinpath(f"data/{FILE_NAME}").read_text("utf-8")
        if extra_file is not None and extra_file.is_file():
            text += "\n" + extra_file.read_text("utf-8", errors="replace")
        return cls(parse_groups(text))

    def meetings_spelled_out(self, text: str) -> str:
        """Normalized ``text`` with each abbreviated meeting name written out (国常会 → 国务院常务会议: the
        longest phrase of a group whose longest is a meeting's name), to recognise the meeting a question names."""
        key = normalize(text)
        for abbreviations, longest in self._meeting_names:
            for phrase in abbreviations:
                if phrase in key and longest not in key:
                    key = key.replace(phrase, longest)
        return key

    @cached_property
    def _meeting_names(self) -> list[tuple[list[str], str]]:
        """Each group whose longest phrase is a meeting's name: its other phrases, and that name."""
        named = [(group, max(group, key=len)) for group in self.groups]
        return [([phrase for phrase in group if phrase != longest], longest) for group, longest in named if is_meeting_name(longest)]

    def expand(self, query: Query) -> Query:
        """``query`` plus the tokens of every phrase equivalent to one it uses (in its text or
        in the terms a follow-up inherited)."""
        key = normalize(query.text) + "\n" + "\n".join(query.terms)
        expansions: list[Expansion] = []
        for group in self._group_tokens:
            used = next((phrase for phrase, _tokens in group if phrase in key), None)
            own = [term for term in query.terms if used and (term in used or used in term)]
            if not own:
                continue
            stands_for = max(own, key=len)
            expansions.extend(Expansion(stands_for, tokens) for phrase, tokens in group if phrase != used and tokens)
        return with_expansions(query, expansions)


def with_expansions(query: Query, expansions: list[Expansion]) -> Query:
    """``query`` plus each expansion's tokens it lacks, at ``EXPANSION_WEIGHT``: a passage holding them meets the
    term they stand for."""
    added = {token for e in expansions for token in e.tokens if token not in query.terms}
    if not added:
        return query
    return replace(
        query,
        terms={**query.terms, **dict.fromkeys(sorted(added), EXPANSION_WEIGHT)},
        expansions=query.expansions + tuple(expansions),
        expanded=query.expanded | added,
    )
