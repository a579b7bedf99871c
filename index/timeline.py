"""Topic timelines: every meeting that addresses a topic, one entry each, in meeting-date order.

A meeting's entry is its best passage (the search ranks passages, best first); meetings
whose date has no year (``--06-04``) or no date at all cannot be placed and come last.
"""

from __future__ import annotations

from .search import Passage
from .when import meeting_day


def is_dated(date: str | None) -> bool:
    """Whether a meeting date can be placed on a timeline (a real day, with its year)."""
    return meeting_day(date) is not None


def meetings_in_order(passages: list[Passage]) -> list[Passage]:
    """The best passage of each document among ``passages`` (ranked best first), ordered by
    meeting date, the undated ones last in the order they ranked."""
    best: dict[str, Passage] = {}
    for passage in passages:
        best.setdefault(passage.doc_id, passage)
    ranked = list(best.values())
    dated = sorted((p for p in ranked if is_dated(p.date)), key=lambda p: p.date or "")
    return dated + [p for p in ranked if not is_dated(p.date)]
