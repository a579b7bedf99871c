"""Rank passages for a query and decide whether any of them is really about it.

tantivy supplies BM25 candidates; each candidate is then checked for how much of
the query's content it covers, weighting each query term by its IDF, so a
passage that only shares a common word (计划, 工作) with an off-topic question is
not returned. The decision uses the collection's own statistics, so it holds as
the collection grows or shrinks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from .chunk import first_point, heading_label, heading_rank
from .clean import ends_sentence
from .digest import requirement_count
from .meeting import ORDINAL_WORD, series_of
from .normalize import compact, normalize, normalize_with_offsets
from .scope import place_stem
from .search_index import SearchIndex
from .speakers import split_sentences
from .store import ChunkRecord, DocumentRecord, Store
from .tokenize import char_bigrams, cut_compounds, tokenize_question
from .when import number_value

FIELD_WEIGHTS = {"body": 1.0, "title": 0.4, "heading": 0.3, "speaker": 1.0, "place": 0.5}
"""Weight of a word's match in each field, relative to the body."""
SPEAKER_MENTION_WEIGHT = 0.3
"""Weight, outside the speaker field, of a question's word that names a speaker."""
OTHER_SPEAKER_WEIGHT = 0.5
"""Weight of a passage where he does not speak (others do, or no one), when the question asks what an office's holder
(总书记要求…) or a person it names (王沪宁讲了啥) said."""
BIGRAM_WEIGHT = 0.4
"""Weight of a character-bigram match, relative to a word match in the body."""
CANDIDATES = 30
"""BM25 hits checked for coverage per question. 30 answer the dev sets as 50 did (same Hit@1 on seeds_dev and
provincial_dev, same R@1 on CMRC/DRCD; CMRC R@5 0.995 vs 0.996) for two thirds of the fetching and checking."""
COMMON_SHARE = 0.2
"""Share of the passages from which a word is common: searched in the body only (``_clauses``). At 0.2 the
dev sets score as with every clause (seeds_dev, provincial_dev Hit@1/3; CMRC and DRCD R@1/R@5/MRR@10)."""
MIN_COLLECTION_COVERAGE = 0.5
"""Share of the query's IDF mass that must occur somewhere in the collection: below it,
the question's main subject (太空, 足球 …) is something the collection never mentions."""
MIN_COVERAGE = 0.2
"""Share of the query's IDF mass a passage must contain to count as being about it."""
SINGLE_TERM_COVERAGE = 0.5
"""For a question with a word the collection never uses: below this share of its IDF mass, a
passage must use the question's words more than once to count as being about it."""
SINGLE_CHARACTER_WEIGHT = 0.5
"""Share of its IDF a lone Chinese character of a question weighs (``term_weight``). At 0.5 xwlb_dev4 and
xwlb_heldout3 each gain a first-right answer, and no set loses one."""
RELATIVE_COVERAGE = 0.6
RELATIVE_SCORE = 0.25
PREFERRED_COVERAGE = 0.5
"""A preferred document (or time: ``answer._then_first``) comes first when its best passage covers this share of what
the best passage anywhere does."""
HEADING_ONLY_CHARS = 60
"""A numbered point this short, alone in its paragraph, is a heading over the passages after it."""
_OUTLINE = re.compile(r"^\s*[【\[](?:提纲|提要|要点|目录)[】\]]")
ANNOUNCEMENT_WEIGHT = 0.5
"""Score kept, for a question about what was decided, by a report's opening paragraph (…召开…会议, …率执法检查组
在…检查): the decisions are stated in the paragraphs after it, which come first unless they match far less."""
REQUIREMENT_WEIGHT = 1.0
"""How much a passage stating ``REQUIREMENTS_IN_FULL`` requirements or more raises its score (fewer, in proportion),
for what one meeting required: its report's paragraphs that assess (会议认为…) or recount share the question's
words as much. At 1, five archive dev sets gain 8 first answers and lose none (at 0.5, as many; for every meeting,
not only one named, provincial_dev loses one in the first three)."""
REQUIREMENTS_IN_FULL = 3
DOCUMENT_COVERAGE_WEIGHT = 2.0
"""How much the share of the question a document's passages meet together raises its best passage's score
(``_documents_first``). At 2, xwlb_dev3 gains a first-right answer and one in the first three, DRCD 22 first-right
(3295 → 3317) and CMRC one; at 5, CMRC loses two, and ordering by that share alone (then by score) costs CMRC 6."""
DUPLICATE_SIMILARITY = 0.8
"""Passages sharing this share of their character pairs are one passage shown twice."""


@dataclass(frozen=True)
class Expansion:
    """An equivalent phrasing of one of the question's terms, as tokens."""

    stands_for: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """What to search for: weighted tokens, and optionally the documents to search in."""

    text: str
    terms: dict[str, float]
    doc_ids: tuple[str, ...] | None = None
    follow_up: bool = False
    """A turn read in the context of the previous one: its own words may name an aspect
    (时间节点, 具体措施) the documents never use, which is then no evidence against a passage."""
    focus: frozenset[str] = frozenset()
    """A follow-up's own words (培训 in 培训方面呢): passages with them come before those with
    only the inherited topic's."""
    expansions: tuple[Expansion, ...] = ()
    """Equivalent phrasings of the question's terms (两委 → 村两委) whose tokens were added to ``terms``."""
    expanded: frozenset[str] = frozenset()
    """The tokens in ``terms`` that only come from ``expansions``."""
    preferred_doc_id: str | None = None
    """The document to look in first (the one the question names, or the last answer's)."""
    naming_terms: frozenset[str] = frozenset()
    """Terms that name the preferred document, or the documents searched (德州, 浙江省): looking in
    them satisfies these, so they are not searched for there."""
    phrases: tuple[str, ...] = ()
    """Quoted phrases of the question (normalized, no spaces): a passage must hold each as written."""
    one_meeting: bool = False
    """Searched within the reports of the meeting the question named by more than its kind (a time, an
    ordinal, its chair or place, or what it did), unless that names many (2021年国常会: ``kind_scope``): its words
    the collection never uses are the asker's own (拆成, 分给), no evidence against that meeting's passages."""
    wants_decisions: bool = False
    """The question asks what a meeting required, decided or deployed (要求, 部署, 措施 …): the paragraphs
    stating it come before the report's opening, which says what was held."""
    kind_scope: bool = False
    """Searched within the reports of a kind of meeting the question named (国常会, 双周协商座谈会): words those
    reports all use (会议, 委员) say little there, and a word none of them uses is a topic they never took up."""
    describing: frozenset[str] = frozenset()
    """Words of the question's clauses that ask nothing (2022年初…那次，无党派人士是谁代表发言的): they choose
    the documents, and the asking clause's words choose the passages within each."""
    wants_points: bool = False
    """The question asks for the points something made (哪几点要求, 从哪几个方面): within a document, passages that
    number theirs (一要…二要…) come before those that only share its words."""
    about: str | None = None
    """Set when the turn asks about the meeting of the last answer (``date``, ``place``,
    ``speaker`` or ``meeting``) rather than for passages on ``terms``."""


@dataclass(frozen=True)
class Passage:
    """A ranked chunk with everything needed to show it and cite its source."""

    doc_id: str
    title: str
    date: str | None
    place: str | None
    source_url: str | None
    paragraph: int
    position: int
    text: str
    heading: str
    speakers: tuple[str, ...]
    score: float
    coverage: float
    highlights: list[tuple[int, int]] = field(default_factory=list)
    """Character spans of ``text`` that matched the query, sorted and disjoint."""
    page: int | None = None
    """The PDF page the passage starts on; None for other formats."""
    ocr: bool = False
    """Whether the passage was read by OCR from a scan (its words may be misread)."""
    also_at: tuple[tuple[str, str | None], ...] = ()
    """(title, link) of the other publications of this passage's document: the other members of its
    reprint family, oldest first (set by ``reprints.fold_reprints``)."""


def passage_of(
    chunk: ChunkRecord, document: DocumentRecord, score: float, coverage: float, highlights: list[tuple[int, int]]
) -> Passage:
    """A chunk as shown and cited: its text with its document's title, date, place and link."""
    return Passage(
        doc_id=document.id, title=document.title, date=document.date, place=document.place,
        source_url=document.source_url, paragraph=chunk.paragraph, position=chunk.position,
        text=chunk.text, heading=chunk.heading, speakers=chunk.speakers, score=round(score, 4),
        coverage=round(coverage, 3), highlights=highlights, page=chunk.page, ocr=chunk.ocr,
    )


def _idf(total: int, frequency: int) -> float:
    """BM25's IDF as tantivy computes it, so coverage weighs terms as the ranking does."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))


def term_weight(term: str, total: int, frequency: int, about_decisions: bool) -> float:
    """A question word's weight in coverage: its IDF, halved for a lone Chinese character of a question about what
    meetings decided (the 提 of 提了哪些要求, the 写 of 写进): there mostly a piece jieba cut from the asking phrase,
    which passages seldom hold alone, so its IDF overstates it (a named meeting's passage meeting 落实 was refused
    for lacking 提). Elsewhere it may be the very thing asked about: CMRC's questions lose 7 first answers."""
    lone = about_decisions and len(term) == 1 and bool(_CJK_WORD.fullmatch(term))
    return _idf(total, frequency) * (SINGLE_CHARACTER_WEIGHT if lone else 1.0)


def highlight_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` whose normalized form is one of ``terms``, overlapping ones merged.

    Each term is found with ``str.find``: a regular expression of the terms would be
    compiled anew for nearly every question, which costs more than the search.
    """
    if not terms:
        return []
    key, offsets = normalize_with_offsets(text)
    found: list[tuple[int, int]] = []
    for term in terms:
        start = key.find(term)
        while start >= 0:
            found.append((offsets[start], offsets[start + len(term) - 1] + 1))
            start = key.find(term, start + 1)
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _present(chunk: ChunkRecord, document: DocumentRecord, wanted: set[str]) -> set[str]:
    """Which of ``wanted`` a chunk can be found by: its body, speakers, title, place and heading.

    The few query words (tokens: never empty, never with a space) are looked for in the
    stored token texts, rather than a set made of every token of every candidate; the title,
    place and heading path are looked at only for the words the body and speakers lack.
    """
    body = f" {chunk.token_text} "
    speakers = chunk.speakers
    present = {term for term in wanted if f" {term} " in body or term in speakers}
    if len(present) < len(wanted):
        fields = _spaced(document.title_tokens, document.place_tokens, chunk.heading_tokens)
        present.update(term for term in wanted - present if f" {term} " in fields)
    return present


def _spaced(*token_texts: str) -> str:
    """Token texts joined with one space and one around, so `` {term} `` finds whole tokens only."""
    return f" {' '.join(text for text in token_texts if text)} "


def _known_parts(term: str, known: dict[str, int]) -> list[str]:
    """The fewest indexed words (two characters or more) that cover most of ``term``.

    jieba's HMM glues an unknown name to its neighbour in a short question (潘淑是,
    白岳峰现) and may cut a compound differently from the passages (干部作风); the
    indexed words inside recover the match.
    """
    length = len(term)
    # best[i]: (uncovered characters, pieces) for term[:i], and the pieces themselves.
    best: list[tuple[tuple[int, int], list[str]]] = [((0, 0), [])] + [((length + 1, 0), [])] * length
    for end in range(1, length + 1):
        (gaps, pieces), words = best[end - 1]
        best[end] = ((gaps + 1, pieces), words)
        for start in range(end - 1):
            word = term[start:end]
            if word != term and known.get(word, 0) > 0:
                (gaps, pieces), words = best[start]
                if (gaps, pieces + 1) < best[end][0]:
                    best[end] = ((gaps, pieces + 1), [*words, word])
    return best[length][1]


_CJK_WORD = re.compile(r"[\u3400-\u9fff]+")
"""Only Chinese words are split into the words inside them: iphone holds no word ip."""


def _inner_words(term: str) -> list[str]:
    """Every string of two characters or more inside ``term``, but itself: the words it may hold."""
    return [term[i:j] for i in range(len(term)) for j in range(i + 2, len(term) + 1) if j - i < len(term)]


def split_unknown_terms(
    index: SearchIndex, terms: dict[str, float], keep: frozenset[str] = frozenset()
) -> tuple[dict[str, float], dict[str, int]]:
    """Replace each word the body has never seen (but those in ``keep``) by the indexed words inside it.

    The parts share the word's weight; a word with no indexed part is kept, to be
    matched through its character bigrams. Returns the terms and their body
    document frequencies (looked up here anyway, so the ranker need not again).
    """
    frequencies = index.doc_freqs("body", terms)
    unknown = [
        term for term in terms
        if frequencies[term] == 0 and term not in keep and len(term) >= 3 and _CJK_WORD.fullmatch(term)
    ]
    inner = {part for term in unknown for part in _inner_words(term)}
    known = index.doc_freqs("body", inner)
    result: dict[str, float] = {}
    for term, weight in terms.items():
        parts = _known_parts(term, known) if term in unknown else []
        for part in parts or [term]:
            share = weight / math.sqrt(len(parts)) if parts else weight
            result[part] = max(result.get(part, 0.0), share)
    counts = frequencies | known
    return result, {term: counts[term] for term in result}


def _spelled_frequencies(index: SearchIndex, unknown: list[str]) -> dict[str, int]:
    """For words no chunk was segmented into, but whose every character pair occurs:
    an estimate of their document frequency (their rarest pair's).

    Such a word (a name jieba cut as 柳素 in the question but 柳素云 in the text) is
    still in the collection, found through the bigram field and matched as a substring.
    """
    pairs = {term: char_bigrams(term) for term in unknown if len(term) >= 2}
    counts = index.doc_freqs("bigram", {pair for term_pairs in pairs.values() for pair in term_pairs})
    return {
        term: min(counts[pair] for pair in term_pairs)
        for term, term_pairs in pairs.items()
        if term_pairs and all(counts[pair] for pair in term_pairs)
    }


def unheard_compounds(index: SearchIndex, text: str, terms: set[str]) -> frozenset[str]:
    """The words of ``terms`` that jieba cut from a compound the collection never writes: a word and the
    one-character noun after it in the question (电子 烟, 预制 菜, 电子商务 法) whose joined spelling has a
    character pair no passage holds, unless the character begins the next word as passages write it (发展 茶产业).
    A passage meeting 电子 does not meet 电子烟: such parts are no evidence."""
    if not any(len(term) == 1 for term in terms):
        return frozenset()  # no lone character: nothing cut from a compound (and no tagging, the common case)
    compounds = [cut for cut in cut_compounds(normalize(text)) if cut.word in terms and cut.char in terms]
    spelled = _spelled_frequencies(index, [spelling for cut in compounds for spelling in (cut.word + cut.char, cut.char + cut.following)])
    return frozenset(part for cut in compounds if cut.word + cut.char not in spelled and cut.char + cut.following not in spelled
                     for part in (cut.word, cut.char))


def _untaken(index: SearchIndex, absent: list[str], doc_ids: tuple[str, ...]) -> bool:
    """Whether the words ``absent`` (which the collection uses, but not the reports ``doc_ids``) are a topic those
    reports never took up: no part of any of them is there either (集成电路 in a year's 政治局会议); 乱收费 beside
    reports on 违规收费 may be the asker's wording (their 收费 is there). A two-character word has no parts: absent,
    it is untaken (骑手, where the reports say 灵活就业, is a paraphrase this cannot tell from a new topic)."""
    parts = {term: _inner_words(term) for term in absent}
    _size, in_scope = index.doc_freqs_within("body", {part for inner in parts.values() for part in inner}, doc_ids)
    return bool(parts) and all(not any(in_scope.get(part, 0) for part in inner) for inner in parts.values())


def _names_unknown_place(index: SearchIndex, unknown: list[str]) -> bool:
    """Whether one of a question's unknown words is a place (兰陵县) whose name the collection never uses,
    not even in another form (金华 for 金华县) or cut otherwise (no passage holds its character pairs)."""
    stems = {stem for term in unknown if (stem := place_stem(term))}
    if not stems:
        return False
    counts = index.doc_freqs("body", stems)
    spelled = _spelled_frequencies(index, [stem for stem, count in counts.items() if not count])
    return any(not counts[stem] and stem not in spelled for stem in stems)


def _holds_phrases(chunk: ChunkRecord, phrases: tuple[str, ...]) -> bool:
    """Whether a chunk's text or heading holds every quoted phrase as written (spaces aside)."""
    key = compact(f"{chunk.heading}\n{chunk.text}")
    return all(phrase in key for phrase in phrases)


def _search_key(chunk: ChunkRecord, document: DocumentRecord) -> str:
    """Normalized title and text of a chunk, where spelled words are looked up as substrings."""
    return normalize(f"{document.title}\n{chunk.text}")


def _similarity(pairs: set[str], other: set[str]) -> float:
    """Jaccard similarity of two passages' character-bigram sets (0 when either has none: nothing to compare)."""
    return len(pairs & other) / len(pairs | other) if pairs and other else 0.0


class _ShownOnce:
    """The passages of an answer so far, so a paragraph printed twice (a reprint, a repeated
    summary) is shown once."""

    def __init__(self) -> None:
        self._pairs: list[set[str]] = []

    def is_new(self, text: str) -> bool:
        pairs = set(char_bigrams(normalize(text)))
        if any(_similarity(pairs, other) >= DUPLICATE_SIMILARITY for other in self._pairs):
            return False
        self._pairs.append(pairs)
        return True


def _mentions(chunk: ChunkRecord, document: DocumentRecord, terms: set[str]) -> int:
    """How often a chunk and its document's title use ``terms``: a passage about something
    names it more than once, or comes from the document titled by it."""
    title = _spaced(document.title_tokens)
    tokens = chunk.tokens
    return sum(tokens.count(term) + (f" {term} " in title) for term in terms)


def _outline_items(text: str) -> list[str] | None:
    """The numbered points of an outline passage (【提纲】一、… 二、…), or None for other passages."""
    key, offsets = normalize_with_offsets(text)
    marker = _OUTLINE.match(key)  # on the normalized key: 【提綱】 is 【提纲】
    if not marker:
        return None
    rest = text[offsets[marker.end() - 1] + 1 :]
    return [sentence for sentence in split_sentences(rest) if heading_rank(sentence) is not None]


def introduced_body(chunk: ChunkRecord, store: Store, matched: set[str]) -> ChunkRecord | None:
    """For a heading line or an outline, the passage it introduces, led by the line or the outline
    point the question matched; None for a passage that is not a heading.

    A bare heading (（六）扩大高水平对外开放…), a headline (国务院安委办部署春节安全防范工作) or an
    outline says what follows, not what was decided: the answer is the body under it, found by the
    heading path chunking gave it, or the paragraph after a headline.
    """
    items = _outline_items(chunk.text)
    if items is None and _is_headline(chunk.text):  # a news item's headline: the paragraph after it
        following = store.chunks_of(chunk.doc_id, chunk.position + 1, chunk.position + 1)
        if following and not _is_headline(following[0].text):
            return replace(following[0], text=f"{chunk.text.strip()}\n{following[0].text}")
        return None
    if items is None:
        if len(chunk.text) > HEADING_ONLY_CHARS or heading_rank(chunk.text) is None:
            return None
        items = [chunk.text]
    scored = [(sum(term in normalize(item) for term in matched), item) for item in items]
    hits, item = max(scored, default=(0, ""), key=lambda pair: pair[0])
    if not hits:
        return None
    last = chunk.position + 1 if item == chunk.text else None  # a bare heading's body follows it at once
    body = store.first_chunk_under(chunk.doc_id, heading_label(item), chunk.position + 1, last)
    return replace(body, text=f"{item.strip()}\n{body.text}") if body else None


def _is_headline(text: str) -> bool:
    """Whether a paragraph is a headline: short, unnumbered and no sentence (a bulletin's item title)."""
    return len(text) <= HEADING_ONLY_CHARS and heading_rank(text) is None and not ends_sentence(text.strip())


def opens_report(chunk: ChunkRecord, document: DocumentRecord) -> bool:
    """Whether a chunk is the opening paragraph of a meeting's report with more after it: it says what was held (the
    meeting, or the inspection or visit it was part of: 栗战书率执法检查组在黑龙江检查…), the paragraphs after it what
    was required there. (Not any document's opening: CMRC's encyclopedia entries lost two first answers.)"""
    return chunk.position == 0 and document.chunk_count > 1 and document.meeting.kind is not None


def _clauses(terms: dict[str, float], speakers: set[str], common: set[str]) -> list[tuple[str, str, float]]:
    """(field, term, weight) clauses: each word in every field, and its character bigrams.

    A word that is the name of a speaker is looked for mainly where that person speaks:
    "王世平强调了什么" wants what he said, not the line listing who attended. A ``common`` word
    (in more than ``COMMON_SHARE`` of the passages: 推进, 发展) is looked for in the body only,
    its bigrams only as parts of other words: its low idf makes its title, heading and bigram
    clauses score little, and their posting lists are the longest (without them tantivy took a
    quarter less time over the benchmark's questions).
    """
    mention = {term: SPEAKER_MENTION_WEIGHT if term in speakers else 1.0 for term in terms}
    clauses = [
        (field, term, weight * boost * (mention[term] if field != "speaker" else 1.0))
        for term, weight in terms.items()
        for field, boost in FIELD_WEIGHTS.items()
        if field == "body" or term not in common
    ]
    bigrams: dict[str, float] = {}
    for term, weight in terms.items():
        for pair in char_bigrams(term):
            if pair not in common:
                bigrams[pair] = max(bigrams.get(pair, 0.0), weight * mention[term])
    clauses.extend(("bigram", pair, weight * BIGRAM_WEIGHT) for pair, weight in bigrams.items())
    return clauses


class _Candidate(NamedTuple):
    """A passage being ranked."""

    score: float
    coverage: float
    shown: set[str]
    """The terms it matched, as highlighted."""
    chunk: ChunkRecord
    document: DocumentRecord
    asked: float
    """The weight of the asking clause's words it matches (``Query.describing``), lowered as ``score`` is
    for a report's opening paragraph."""


def rank(index: SearchIndex, store: Store, query: Query, limit: int) -> list[Passage]:
    """The passages about ``query``, best first (at most ``limit``); empty when none is."""
    if not query.terms:
        return []
    voiced = {term for term, count in index.doc_freqs("speaker", query.terms).items() if count}
    holders = [e for e in query.expansions if all(token in voiced for token in e.tokens)]  # 总书记: 习近平
    speakers = voiced | {e.stands_for for e in holders}
    asked_of = {token for e in holders for token in e.tokens}  # whose words an office asks for
    if query.wants_decisions:  # and a speaker's name, asking what he said or required
        asked_of |= {term for term in query.terms if term in voiced and term not in query.expanded}
    asked = {t: w for t, w in query.terms.items() if t not in query.expanded}
    own, frequencies = split_unknown_terms(index, asked, keep=speakers)
    expanded = {term: query.terms[term] for term in query.expanded}
    query = replace(query, terms={**expanded, **own})
    frequencies |= index.doc_freqs("body", expanded.keys() - frequencies.keys())
    total = max(index.num_docs(), 1)
    common = {term for term, count in frequencies.items() if count > COMMON_SHARE * total}
    hits = index.search(_clauses(query.terms, speakers, common), max(CANDIDATES, limit * 2), query.doc_ids)
    if not hits:
        return []
    chunks = store.chunks((hit.doc_id, hit.position) for hit in hits)
    documents = store.documents_by_id(hit.doc_id for hit in hits)
    numbered = _numbered(index, query.text) if not query.doc_ids else []
    if numbered:  # 第五轮巡视: not what the 第七轮 did, however much else it shares
        documents = _of_the_ordinals(store, documents, chunks.values(), numbered)
        if not documents:
            return []
        hits = [hit for hit in hits if hit.doc_id in documents]
    spelled = _spelled_frequencies(index, [term for term, count in frequencies.items() if count == 0])
    frequencies.update(spelled)
    known = {term for term, count in frequencies.items() if count > 0}
    known |= {e.stands_for for e in query.expansions if all(token in known for token in e.tokens)}
    weights = {
        term: weight * term_weight(term, total, frequencies[term], query.wants_decisions)
        for term, weight in query.terms.items()
        if term not in query.expanded and not ((query.follow_up or query.one_meeting) and term not in known)
    }
    mass = sum(weights.values()) or 1.0
    # What meetings decided on 电子烟: a topic the collection never writes. (Only for such questions: in CMRC's,
    # jieba tags verbs as nouns in context, 越语 指.)
    hollow = unheard_compounds(index, query.text, set(asked)) if query.wants_decisions else frozenset()
    untaken = False  # words the collection uses, but none of the reports of the kind asked about (``_untaken``)
    # A word the collection never uses holds passages to a stricter test below: one dropped as the asker's in
    # one meeting's reports (拆成, 半导体) too, but not a follow-up's aspect, nor a lone character (the 副 of 哪位副主席).
    unheard_of = bool(hollow) or any(term not in known and len(term) > 1 for term in (weights if query.follow_up else own))
    if _names_unknown_place(index, [term for term in weights if term not in known]):
        return []  # a place the collection never names (兰陵县): nothing in it is about that one
    if sum(weight for term, weight in weights.items() if term in known) / mass < MIN_COLLECTION_COVERAGE:
        return []
    if query.kind_scope and query.doc_ids:  # a kind's reports: words weigh as rare as they are there
        rephrased = {e.stands_for for e in query.expansions}  # found in their other wording, maybe
        indexed = [term for term in weights if frequencies.get(term, 0) > 0 and term not in spelled and term not in rephrased]
        scope_size, in_scope = index.doc_freqs_within("body", indexed, query.doc_ids)
        weights = {term: query.terms[term] * _idf(max(scope_size, 1), in_scope.get(term, 0 if term not in known else 1))
                   for term in weights}
        mass = sum(weights.values()) or 1.0  # (their IDF there, not halved for a lone character: none is among them)
        absent = [term for term, count in in_scope.items() if count == 0 and len(term) > 1]  # all known elsewhere
        unheard_of |= bool(absent)
        untaken = _untaken(index, absent, query.doc_ids)
        common |= {term for term, count in in_scope.items() if count > COMMON_SHARE * scope_size}
    wanted = set(weights).union(*(e.tokens for e in query.expansions))
    asking = {term: weight for term, weight in weights.items() if term not in query.describing} if query.describing else {}
    scored: list[_Candidate] = []
    for hit in hits:
        chunk = chunks.get((hit.doc_id, hit.position))
        document = documents.get(hit.doc_id)
        if chunk is None or document is None:  # changed by a concurrent re-index
            continue
        if query.phrases and not _holds_phrases(chunk, query.phrases):
            continue
        present = _present(chunk, document, wanted)
        matched = {term for term in weights if term in present}
        equivalents = [e for e in query.expansions if e.stands_for in weights and present.issuperset(e.tokens)]
        matched |= {e.stands_for for e in equivalents}
        if spelled:
            matched |= {term for term in spelled.keys() & weights.keys() if term in _search_key(chunk, document)}
        matched -= hollow
        coverage = sum(weights[term] for term in matched) / mass
        if unheard_of and coverage < SINGLE_TERM_COVERAGE and (untaken or hollow and not query.one_meeting or _mentions(chunk, document, matched - common) < 2):
            continue  # the question names what the collection never mentions; a word in passing (最新, 天气) is no
            # evidence, nor is a common one (发展) used alongside it, nor any beside a topic a kind's reports never took
            # up, or a compound never written (预制菜) outside one meeting's reports, where the question's own wording
            # is no evidence against them
        shown = matched.union(*(e.tokens for e in equivalents))
        opening = query.wants_decisions and opens_report(chunk, document)
        lowered = ANNOUNCEMENT_WEIGHT if opening else 1.0
        if asked_of and asked_of.isdisjoint(chunk.speakers):
            lowered *= OTHER_SPEAKER_WEIGHT  # 总书记要求…: not what 韩正 said of it, nor the report's own words
        if query.wants_decisions and query.one_meeting:  # what a meeting required: the paragraphs stating it
            lowered *= _requiring(chunk)
        asked_weight = lowered * sum(asking[term] for term in matched if term in asking)
        scored.append(_Candidate(hit.score * lowered, coverage, shown, chunk, document, asked_weight))
    if not scored:
        return []
    best_score = max(item.score for item in scored)
    best_coverage = max(item.coverage for item in scored)
    if best_coverage < MIN_COVERAGE:
        return []
    scored.sort(key=lambda item: -item.score)  # the openings' scores were lowered
    if query.focus:
        scored.sort(key=lambda item: not any(term in word for term in item.shown for word in query.focus))
    relevant = [item.coverage >= max(MIN_COVERAGE, best_coverage * RELATIVE_COVERAGE) and item.score >= best_score * RELATIVE_SCORE
                for item in scored]
    kept = [item for item, kept_for_itself in zip(scored, relevant) if kept_for_itself]
    if not query.focus:  # a follow-up's passages with its own words come first, whichever document they are in
        kept = _documents_first(kept, weights)
    if asking:
        kept = _first_within_documents(kept, lambda item: -item.asked)
    elif query.wants_decisions and not (query.one_meeting or query.focus) and kept and kept[0].document.meeting.kind is not None:
        kept = _requirements_first_in(kept, kept[0].chunk.doc_id)  # a meeting's report found first
    if query.wants_points:  # each document's lists first; the first one's though they share few words with the question
        kept = _points_first(_with_points_of(kept, scored, store, wanted))
    if query.one_meeting:  # the meeting named: its other paragraphs meeting the question follow, all are about it
        kept += [item for item, kept_for_itself in zip(scored, relevant) if not kept_for_itself]  # no floor either:
        # with MIN_COVERAGE, xwlb_heldout, xwlb_heldout2 and xwlb_dev5 each lost one answer in the first three
    passages: list[Passage] = []
    shown = _ShownOnce()
    for item in kept:
        chunk = introduced_body(item.chunk, store, item.shown) or item.chunk
        if not shown.is_new(chunk.text):
            continue
        passages.append(passage_of(chunk, item.document, item.score, item.coverage, highlight_spans(chunk.text, item.shown)))
        if len(passages) == limit:
            break
    return passages


def _numbered(index: SearchIndex, text: str) -> list[tuple[int, re.Pattern[str]]]:
    """The ordinals a question writes (第五轮, 第52次), each with how texts number what it numbers (``series_of``):
    the rarer of the question's next two words (the 人口普查 of 第五次全国人口普查, not its 全国). Not a 第一次: often
    the first of a time the question names otherwise."""
    key = normalize(text)
    numbered = []
    for found in ORDINAL_WORD.finditer(key):
        number = number_value(found["number"])
        after = [word for word in tokenize_question(key[found.end():]) if len(word) > 1][:2]
        if number and number > 1 and after:
            frequencies = index.doc_freqs("body", after)
            numbered.append((number, series_of(found[0], min(after, key=lambda word: frequencies[word]))))
    return numbered


def _of_the_ordinals(store: Store, documents: dict[str, DocumentRecord], hit_chunks: Iterable[ChunkRecord],
                     numbered: list[tuple[int, re.Pattern[str]]]) -> dict[str, DocumentRecord]:
    """``documents`` but those numbering what the question numbers otherwise (第七轮巡视 for 第五轮巡视) where they
    say what they report (title, opening) or where they were found; none when they number it and none with the
    question's ordinal. Where none numbers it, all: a text may write it another way (第二次评选中山十景)."""
    found: dict[str, list[str]] = {}
    for chunk in hit_chunks:
        found.setdefault(chunk.doc_id, []).append(chunk.text)
    written: dict[str, list[set[int | None]]] = {}
    for doc_id, document in documents.items():
        opening = [chunk.text for chunk in store.chunks_of(doc_id, 0, 1)]
        text = normalize("\n".join([document.title, *opening, *found.get(doc_id, [])]))
        written[doc_id] = [{number_value(match["number"]) for match in series.finditer(text)} for _, series in numbered]
    holding = {doc_id for doc_id, numbers in written.items() if all(n in ns for (n, _), ns in zip(numbered, numbers))}
    others = {doc_id for doc_id, numbers in written.items() if any(ns and n not in ns for (n, _), ns in zip(numbered, numbers))}
    if others and not holding:
        return {}
    return {doc_id: document for doc_id, document in documents.items() if doc_id not in others}


def _documents_first(ranked: list[_Candidate], weights: dict[str, float]) -> list[_Candidate]:
    """``ranked`` a document at a time, in the order of their best passage's score raised by how much of the
    question the document's passages meet together (``DOCUMENT_COVERAGE_WEIGHT``); each one's passages in
    their order. The meeting first, then its paragraphs: a report whose passages meet 防汛 in one and 内涝 in
    the next is about a question on both more than one meeting either alone."""
    mass = sum(weights.values()) or 1.0
    met: dict[str, set[str]] = {}
    best: dict[str, float] = {}
    for item in ranked:
        met.setdefault(item.chunk.doc_id, set()).update(term for term in item.shown if term in weights)
        best[item.chunk.doc_id] = max(best.get(item.chunk.doc_id, 0.0), item.score)
    strength = {doc_id: best[doc_id] * (1 + DOCUMENT_COVERAGE_WEIGHT * sum(weights[term] for term in terms) / mass)
                for doc_id, terms in met.items()}
    return sorted(ranked, key=lambda item: -strength[item.chunk.doc_id])  # stable: each document's order kept


def _requirements_first_in(ranked: list[_Candidate], doc_id: str) -> list[_Candidate]:
    """``ranked`` with the passages of the meeting report found first reordered as a named meeting's are: their
    scores raised with the requirements they state (what it required, not only the paragraph sharing most words).
    (Not a work report's: provincial_dev lost an answer in the first three; nor where a follow-up's own words lead,
    培训方面呢, or a clause that asks orders the passages.)"""
    return _first_within_documents(ranked, lambda item: -item.score * _requiring(item.chunk) if item.chunk.doc_id == doc_id else 0.0)


def _with_points_of(ranked: list[_Candidate], scored: list[_Candidate], store: Store, wanted: set[str]) -> list[_Candidate]:
    """``ranked`` with the passages of its first document that number points and were not kept, after that
    document's own: those scored, or when none of them numbers points, those not found at all (栗战书强调，一要…，
    二要… answers 提了哪几条要求 without the words of the meeting it names; but a long report's other lists do not
    come before the one the question's words found)."""
    if not ranked:
        return ranked
    document = ranked[0].document
    kept = {item.chunk.position for item in ranked if item.chunk.doc_id == document.id}
    found = {item.chunk.position: item for item in scored if item.chunk.doc_id == document.id}
    if any(first_point(item.chunk.text) for item in found.values()):
        points = [item for position, item in sorted(found.items()) if position not in kept and first_point(item.chunk.text)]
    else:
        points = [_Candidate(score=0.0, coverage=0.0, shown=_present(chunk, document, wanted), chunk=chunk, document=document, asked=0.0)
                  for chunk in store.chunks_of(document.id) if first_point(chunk.text)]
    last = max(i for i, item in enumerate(ranked) if item.chunk.doc_id == document.id)
    return ranked[:last + 1] + points + ranked[last + 1:]


def _points_first(ranked: list[_Candidate]) -> list[_Candidate]:
    """``ranked`` with each document's passages that number points first: a list at a time (from its 一是 on), the
    list with the best-scored passage first, and each list's passages in the order they make their points."""
    lists: dict[tuple[str, int], tuple[str, int]] = {}  # (document, position) -> the list's (document, start)
    best: dict[tuple[str, int], float] = {}
    for item in sorted(ranked, key=lambda item: (item.chunk.doc_id, item.chunk.position)):
        number = first_point(item.chunk.text)
        if number is None:
            continue
        key = (item.chunk.doc_id, item.chunk.position)
        previous = lists.get((item.chunk.doc_id, item.chunk.position - 1))
        start = previous if previous and number != 1 else key
        lists[key] = start
        best[start] = max(best.get(start, 0.0), item.score)

    def order(item: _Candidate) -> tuple[float, int]:
        start = lists.get((item.chunk.doc_id, item.chunk.position))
        return (-best[start], item.chunk.position) if start else (math.inf, 0)
    return _first_within_documents(ranked, order)


def _requiring(chunk: ChunkRecord) -> float:
    """How much a passage's score rises with the requirements it states: up to ``1 + REQUIREMENT_WEIGHT`` at
    ``REQUIREMENTS_IN_FULL``."""
    return 1 + REQUIREMENT_WEIGHT * requirement_count(chunk, REQUIREMENTS_IN_FULL) / REQUIREMENTS_IN_FULL


def _first_within_documents(ranked: list[_Candidate], key: Callable[[_Candidate], Any]) -> list[_Candidate]:
    """``ranked`` with each document's passages in the places its passages hold, reordered by ``key`` (stable):
    the whole question ranked the documents, a part of it (the clause that asks, the points it asks for) ranks
    the passages within one."""
    by_document: dict[str, list[_Candidate]] = {}
    for item in ranked:
        by_document.setdefault(item.chunk.doc_id, []).append(item)
    queues = {doc_id: iter(sorted(items, key=key)) for doc_id, items in by_document.items()}
    return [next(queues[item.chunk.doc_id]) for item in ranked]


def _is_where_named(index: SearchIndex, doc_id: str, names: frozenset[str]) -> bool:
    """Whether the document is where the collection speaks of each name: it holds at least
    half the passages that mention it (a report by 德州, not an article that mentions 德国)."""
    frequencies = index.doc_freqs("body", names)
    return all(index.count_in("body", name, doc_id) * 2 >= count for name, count in frequencies.items() if count)


def search(index: SearchIndex, store: Store, query: Query, limit: int) -> list[Passage]:
    """``rank``, with the passages of the query's preferred document first.

    The preferred document is the one the question names or continues. It comes first
    when it is where the collection speaks of the names, and its best passage covers the
    rest of the question at least half as well as the best passage anywhere: a place
    named in passing must not pull in a document that merely carries its name.
    """
    preferred = query.preferred_doc_id
    if preferred is None or not _is_where_named(index, preferred, query.naming_terms):
        return rank(index, store, query, limit)
    inside = replace(query, terms={t: w for t, w in query.terms.items() if t not in query.naming_terms})
    first = rank(index, store, replace(inside, doc_ids=(preferred,)), limit) if inside.terms else []
    if not first:
        return rank(index, store, query, limit)
    anywhere = rank(index, store, inside, limit)
    if max(p.coverage for p in first) < PREFERRED_COVERAGE * max((p.coverage for p in anywhere), default=0.0):
        return rank(index, store, query, limit) if query.naming_terms else anywhere
    shown = _ShownOnce()
    merged = first + [p for p in anywhere if p.doc_id != preferred]
    return [p for p in merged if shown.is_new(p.text)][:limit]
