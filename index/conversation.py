"""Follow-up questions: decide whether a turn stands alone or continues the topic.

A chat is replayed turn by turn (the CLI's ``ask`` with several turns and the
Telegram bot's stored history take the same path). A turn that is short or
elliptical (具体措施呢 / 那培训方面 / 还有哪些) inherits the previous topic's terms
at a lower weight than its own words; a turn that carries a full question of its
own starts a new topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .search import Query
from .tokenize import tokenize_question

CONTEXT_WEIGHT = 0.5
"""Weight of inherited topic terms relative to the turn's own words."""
MAX_OWN_TERMS_FOR_FOLLOWUP = 3
MAX_FOLLOWUP_CHARS = 12
_FOLLOWUP_MARKERS = re.compile(r"^(?:那么?|还有|另外|此外|其中|具体|这个|这些|该|其|再|又)|(?:呢|吗|呀)[？?。!！]*$|具体|怎么样[？?]*$")


@dataclass(frozen=True)
class Topic:
    """What the conversation is about after a turn: the query that was searched."""

    query: Query


def is_followup(turn: str, own_terms: list[str], previous: Topic | None) -> bool:
    """Whether ``turn`` continues the previous topic rather than starting a new one."""
    if previous is None:
        return False
    if not own_terms:
        return True
    short = len(set(own_terms)) <= MAX_OWN_TERMS_FOR_FOLLOWUP and len(turn.strip()) <= MAX_FOLLOWUP_CHARS
    return short or bool(_FOLLOWUP_MARKERS.search(turn.strip()))


def resolve(turn: str, previous: Topic | None) -> Query:
    """The query to search for ``turn``, given the topic before it."""
    own = tokenize_question(turn)
    terms: dict[str, float] = {}
    for token in own:
        terms[token] = terms.get(token, 0.0) + 1.0
    if previous is None or not is_followup(turn, own, previous):
        return Query(text=turn, terms=terms)
    for token, weight in previous.query.terms.items():
        if token not in terms:
            terms[token] = min(weight, 1.0) * CONTEXT_WEIGHT
    return Query(text=turn, terms=terms, follow_up=True)
