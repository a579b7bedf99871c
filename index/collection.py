"""The collection: the one API the CLI and the Telegram bot use.

It ties the steps together — read → build document → store (SQLite) and index
(tantivy) → search — and owns the rules that keep them consistent: writes are
transactional, a full rebuild goes into a new index generation that is swapped in
atomically, and an index found missing or out of step with the catalogue at
start-up is rebuilt from the stored tokens.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from datetime import date
from importlib import resources
from pathlib import Path

from .build import build_all
from .archive import Archive, HeldMeeting, NamedMeeting, letters
from .meeting import chair_of
from .speakers import split_sentences
from .conversation import Topic, is_small_talk, meeting_aspect, resolve
from .digest import DigestSection, digest, read_requirement
from .document import Document
from .metadata import meeting_fact_spans
from .normalize import normalize
from .overview import main_points
from .read import ReadError, SourceText, read_bytes, read_original, read_path
from .reprints import SIGNATURE_FORMAT, SIGNATURE_SIZE, Reprints, fold_reprints, signature
from .scope import DocumentNames, name_words
from .search import Passage, Query, announces_meeting, passage_of, search
from .search_index import Generations, IndexedChunk, SearchIndex, Writing
from .store import ChunkRecord, DocumentRecord, Store
from .synonyms import FILE_NAME as SYNONYMS_FILE, Synonyms
from .timeline import meetings_in_order
from .tokenize import PIPELINE_VERSION, char_bigrams, tokenize, use_words
from .words import FILE_NAME as WORDS_FILE
from .when import Period, find_period

log = logging.getLogger(__name__)

BATCH_DOCUMENTS = 2_000
BATCH_CHUNKS = 20_000
"""A bulk run commits once per this many documents or chunks, whichever comes first: each
commit is a tantivy segment, and a million paragraphs in 2 000-chunk commits were left in 21
segments, searched 25 % slower than 5 (measured with one commit of the same chunks)."""
MAX_HISTORY_TURNS = 6
MENTION_CHECKS = 10
"""Passages looked at for a meeting a question names that the collection holds no report of."""
TIMELINE_PASSAGES = 200
"""Passages a timeline is drawn from (each meeting shows its best one)."""
SIGNING_BATCH = 500
"""Documents re-signed per transaction by ``Collection.sign_unsigned`` (about half a second)."""
NAMES_READ_INLINE = 2_000
"""Documents up to which changed names are re-read before the next question (see ``Collection.names``)."""
_GENERATION_KEY = "generation"
_SEEDED_KEY = "initialized"
_PIPELINE_KEY = "pipeline"
_WORDS_KEY = "words"


@dataclass
class IngestReport:
    """What an ingest run did, for the admin to read."""

    added: list[DocumentRecord] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[ReadError] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    """The passages answering the last turn of a conversation."""

    question: str
    query: Query
    passages: list[Passage]
    meeting: DocumentRecord | None = None
    """For a question about the last answer's meeting (``query.about``): that meeting's document."""
    scope: str | None = None
    """The meetings the question was limited to or looked in first, as the reply states it
    (2023年召开的会议; 德州的会议优先), when it named a time or a place."""
    named: NamedMeeting | None = None
    """The meeting the turn named, or its conversation did (2022年中央经济工作会议 … 那2021年呢)."""
    period: Period | None = None
    """The time the turn named, or its conversation did."""
    absent: tuple[HeldMeeting, ...] = ()
    """When the turn named a meeting the archive does not hold: the nearest ones it does."""
    small_talk: bool = False
    """The turn had nothing to search (好的谢谢, 嗯, abc): it gets a short reply, not the old topic's passages."""

    @property
    def sources(self) -> tuple[str, ...]:
        """The documents the answer came from, best first."""
        return tuple(dict.fromkeys(passage.doc_id for passage in self.passages))

    @property
    def topic(self) -> Topic:
        """What the conversation is about after this answer, for the next turn to continue: the query as
        read, without the equivalent phrasings added to it (the next turn's are added anew)."""
        asked = {term: weight for term, weight in self.query.terms.items() if term not in self.query.expanded}
        read = replace(self.query, terms=asked, expansions=(), expanded=frozenset())
        return Topic(read, self.sources, self.named, self.period)


def seed_sources() -> Iterator[SourceText | ReadError]:
    """The seed documents shipped with the package."""
    folder = resources.files("seeds")
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".txt"):
            yield from read_bytes(entry.name, entry.read_bytes())


def _indexed_chunks(document: DocumentRecord, chunks: Iterable[tuple[int, str, tuple[str, ...], str, str]]) -> Iterator[IndexedChunk]:
    """Index entries from (position, heading token text, voices, token text, bigram text) per chunk."""
    for position, heading_tokens, voices, tokens, bigrams in chunks:
        yield IndexedChunk(
            doc_id=document.id,
            position=position,
            fields={
                "body": tokens,
                "bigram": bigrams,
                "title": document.title_tokens,
                "heading": heading_tokens,
                "speaker": " ".join(voices),  # once per sentence: where a person says most, they match best
                "place": document.place_tokens,
            },
        )


def _document_chunks(document: Document, record: DocumentRecord) -> Iterator[IndexedChunk]:
    return _indexed_chunks(
        record,
        (
            (chunk.position, heading_tokens, chunk.voices, tokens, bigrams)
            for chunk, heading_tokens, tokens, bigrams in zip(
                document.chunks, document.heading_tokens, document.chunk_tokens, document.chunk_bigrams
            )
        ),
    )


def _stored_chunks(document: DocumentRecord, chunks: Iterable[ChunkRecord]) -> Iterator[IndexedChunk]:
    """Index entries rebuilt from the catalogue: stored tokens, bigrams recomputed from the text."""
    return _indexed_chunks(
        document,
        ((c.position, c.heading_tokens, c.voices, c.token_text, " ".join(char_bigrams(normalize(c.text)))) for c in chunks),
    )


_MEETING_CONTENT = re.compile(r"会议|会上|召开|要求|部署|提出|强调|指出|讲话|措施|举措|安排|任务|意见|精神")
"""Words of a question about what meetings said or decided: only then is a year it names the meetings'
time (2023年高标准农田有什么要求), not its subject (2025年地区生产总值是多少, 1995年谁获得冠军)."""


_HOLDING = re.compile(r"召开|举行|举办|开的|开会")
"""Words of a question about how a meeting was held, which its opening paragraph states."""
_WHAT_ELSE = re.compile(r"还|另外|其他|其它|别的|此外")
"""Words of a follow-up asking what else the last answer's meeting said (那次会还说了什么)."""
_DECISIONS = re.compile(r"要求|部署|措施|举措|提出|强调|安排|决定|确定|指出|任务|怎么|说了|讲了|定调")
"""Words of a question about what a meeting required, decided or deployed."""


def _asks_decisions(turn: str, continued: Topic | None, named: NamedMeeting | None, rest: str) -> bool:
    """Whether the turn asks what a meeting required or decided: in so many words, by continuing a topic
    that did (具体呢), or by naming a meeting and not asking how it was held (…会议通过什么方式召开)."""
    continues = bool(continued and continued.query.wants_decisions)
    return bool(_DECISIONS.search(turn)) or continues or (named is not None and not _HOLDING.search(rest))


def _about_meetings(turn: str, topic: Topic | None) -> bool:
    """Whether the turn, or the conversation it continues, asks what meetings said or decided."""
    return bool(_MEETING_CONTENT.search(turn) or (topic and (topic.named or _MEETING_CONTENT.search(topic.query.text))))


def _without(turn: str, *spans: tuple[int, int]) -> str:
    """The turn without the words at ``spans`` (the period and the meeting it names, which may overlap),
    which are not searched for."""
    cut = {i for start, end in spans for i in range(start, end)}
    return "".join(" " if i in cut else char for i, char in enumerate(turn))


def _scope(
    period: Period | None, query: Query, named: NamedMeeting | None = None, found: bool = True,
    missed: Period | None = None,
) -> str | None:
    """How the reply states where the question looked: the meeting and period it was limited to (or
    that none of their passages is about it, or that no meeting of the period it named is, so it looked
    everywhere), the place it preferred."""
    where = f"{period.label if period else ''}{named.text if named else '召开的会议'}" if period or named else ""
    parts = [where if found else f"{where}中没有相关内容"] if where else []
    if missed:
        parts.append(f"没有{missed.label}召开的相关会议，以下不限时间")
    if query.preferred_doc_id and query.naming_terms:
        parts.append(f"{'、'.join(sorted(query.naming_terms))}的会议优先")
    return "；".join(parts) or None


class Lookups(NamedTuple):
    """What questions are read with, re-read when the documents change."""

    names: DocumentNames
    archive: Archive

    @classmethod
    def of(cls, documents: list[DocumentRecord]) -> Lookups:
        return cls(DocumentNames(documents), Archive(documents))


_CJK_OR_DIGIT = re.compile(r"[\u3400-\u9fff\d]")


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    """Documents in commit-sized batches (``BATCH_DOCUMENTS`` or ``BATCH_CHUNKS``), in order."""
    batch: list[Document] = []
    chunks = 0
    for document in documents:
        batch.append(document)
        chunks += len(document.chunks)
        if len(batch) >= BATCH_DOCUMENTS or chunks >= BATCH_CHUNKS:
            yield batch
            batch, chunks = [], 0
    if batch:
        yield batch


def _skipped(built: Document | ReadError, report: IngestReport) -> bool:
    """Whether ``built`` is an unreadable original, noted in ``report``."""
    if isinstance(built, ReadError):
        report.skipped.append(built)
        return True
    return False


def _record_of(document: Document) -> DocumentRecord:
    meta = document.meta
    return DocumentRecord(
        id=document.id, name=document.name, title=meta.title, date=meta.date, place=meta.place,
        source_url=meta.source_url, speakers=document.speakers, chunk_count=len(document.chunks),
        char_count=sum(len(chunk.text) for chunk in document.chunks), added_at="",
        title_tokens=document.title_tokens, place_tokens=document.place_tokens, meeting=document.meeting,
    )


class _AnsweredSources:
    """The documents each recent conversation prefix was answered from, least recently used
    forgotten first; shared by the threads answering questions."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._entries: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[str, ...] | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
            return self._entries.get(key)

    def put(self, key: tuple, sources: tuple[str, ...]) -> None:
        with self._lock:
            self._entries[key] = sources
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


class Collection:
    """A catalogue file and its search index generations."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.store = Store(db_path)
        self.generations = Generations(db_path.with_name(db_path.name + ".tantivy"))
        self._index: SearchIndex | None = None
        self._write_lock = threading.Lock()
        self.words = use_words(db_path.parent / WORDS_FILE)
        self.synonyms = Synonyms.load(db_path.parent / SYNONYMS_FILE)
        self._lookups: tuple[str | None, Lookups] | None = None
        self._reading_names = threading.Lock()
        self._answered = _AnsweredSources()
        self._all_signed = False
        """Whether this process has signed the documents stored unsigned (see ``sign_unsigned``)."""
        self._ensure_index()
        self._ensure_pipeline()
        if not self.store.chunk_count():
            self.store.set_meta(_WORDS_KEY, self.words.fingerprint)
        elif self.words_changed():
            log.warning("%s has changed since the documents were indexed; a rebuild (/reindex, meeting-bot index --rebuild)"
                        " applies it", db_path.parent / WORDS_FILE)

    def words_changed(self) -> bool:
        """Whether the admin's words differ from those the stored tokens were cut with (a rebuild applies them)."""
        return (self.store.get_meta(_WORDS_KEY) or "") != self.words.fingerprint

    # -- index lifecycle -------------------------------------------------

    def _ensure_index(self) -> None:
        """Open the live generation; rebuild it from stored tokens if it is missing, unreadable or
        out of step with the catalogue (say a process was killed between the index's commit and
        the catalogue's). What a killed rebuild left is removed, unless another process is rebuilding."""
        with self.store.reporting_damage():
            generation = self.store.get_meta(_GENERATION_KEY)
            self._index = self._open_in_step(generation)
            if self._index is not None:
                with self.generations.locked(wait=False) as alone:
                    if alone:
                        self._remove_leftovers()
                return
            with self._write_lock, self.generations.locked():
                # Looked at again under the lock: another process may have been adding a batch, or rebuilt it meanwhile.
                self._index = self._open_in_step(self.store.get_meta(_GENERATION_KEY))
                if self._index is None:
                    fresh = self.generations.create()
                    fresh.write(self._all_stored_chunks())
                    self.store.set_meta(_GENERATION_KEY, fresh.generation)
                    self._index = fresh
                self._remove_leftovers()

    def _open_in_step(self, generation: str | None) -> SearchIndex | None:
        """The live generation if it opens and holds as many chunks as the catalogue; else None, with a warning."""
        if generation is None:  # a new catalogue
            return None
        chunks = self.store.chunk_count()
        try:
            index = self.generations.open(generation)
            indexed = index.num_docs()
        except (OSError, ValueError) as error:  # tantivy: missing or damaged files, or another schema
            log.warning("search index %s cannot be opened (%s); rebuilding it from stored tokens", generation, error)
            return None
        if indexed != chunks:
            log.warning("search index %s holds %d chunks, the catalogue %d; rebuilding it from stored tokens",
                        generation, indexed, chunks)
            return None
        return index

    def _remove_leftovers(self) -> None:
        """Drop a killed rebuild's staging tables and every generation but the live one
        (holding ``generations.exclusive``, so no rebuild is using them)."""
        self.store.drop_staging()
        self.generations.remove_all_but(self.index.generation)

    def _ensure_pipeline(self) -> None:
        """Re-process the stored originals when they were tokenized by another version of the
        pipeline than questions now are (their tokens would not match the questions')."""
        built_with = self.store.get_meta(_PIPELINE_KEY)
        if built_with != PIPELINE_VERSION and self.store.chunk_count():
            log.warning("documents were tokenized by pipeline %s, questions are by %s; re-processing the originals",
                        built_with or "1", PIPELINE_VERSION)
            try:
                self.rebuild()
            except Exception:  # keep serving the old tokens (answers are still found); try again next start
                log.exception("re-processing the originals failed; serving the index built by pipeline %s",
                              built_with or "1")
                return
        self.store.set_meta(_PIPELINE_KEY, PIPELINE_VERSION)

    def _all_stored_chunks(self) -> Iterator[IndexedChunk]:
        for document in self.store.documents():
            yield from _stored_chunks(document, self.store.chunks_of(document.id))

    @property
    def index(self) -> SearchIndex:
        """The live generation, following a swap made by another thread or process.

        A generation is removed only after a swap away from it, so one still live once opened
        was opened whole; one superseded meanwhile may have been opened half-removed (tantivy
        then fails, at once or at the first question), and gives way to the newer one.
        """
        while True:
            generation = self.store.get_meta(_GENERATION_KEY)
            if self._index is not None and (not generation or generation == self._index.generation):
                return self._index
            assert generation is not None
            try:
                index = self.generations.open(generation)
            except (OSError, ValueError):
                if self.store.get_meta(_GENERATION_KEY) == generation:  # still live, so unreadable
                    raise
                continue
            if self.store.get_meta(_GENERATION_KEY) == generation:
                self._index = index
                return index

    # -- adding and removing ---------------------------------------------

    def add_sources(
        self, sources: Iterable[SourceText | ReadError], workers: int = 1, merge_in_background: bool = False
    ) -> IngestReport:
        """Add or update documents, built on ``workers`` processes; unchanged ones are recognised by content and skipped.

        Each batch is committed to the catalogue and the index together, so what is
        searchable is always what is stored; one index writer serves the whole run, and
        its segment merges may finish in the background (a serving process's uploads).
        """
        report = IngestReport()
        self.sign_unsigned()

        def new_documents() -> Iterator[Document]:
            for built in build_all(sources, workers):
                if _skipped(built, report):
                    continue
                if self.store.content_hash(built.id) == built.content_hash:
                    report.unchanged.append(built.name)
                else:
                    yield built

        with self._write_lock, self.generations.locked(shared=True), self.index.writing(merge_in_background) as writing:
            for batch in _batches(new_documents()):
                self._write_batch(batch, report, self.store.put_documents, writing)
        self.store.set_meta(_SEEDED_KEY, "1")
        return report

    def _write_batch(
        self,
        batch: list[Document],
        report: IngestReport,
        put: Callable[[list[Document]], None],
        writing: Writing,
        rebuilding: Reprints | None = None,
    ) -> None:
        """Store a batch with ``put`` and index it, in one transaction (a failed commit rolls both back),
        its reprint families decided by ``rebuilding`` (a rebuild's), else by the live ones."""
        if not batch:
            return
        unique = list({document.id: document for document in batch}.values())
        records = [_record_of(document) for document in unique]
        with self._changing_families(rebuilding) as reprints:
            put(unique)
            reprints.put((document.id, document.signature) for document in unique)
            chunks = (chunk for document, record in zip(unique, records) for chunk in _document_chunks(document, record))
            writing.commit(chunks, delete_doc_ids=[document.id for document in unique])
        report.added.extend(records)

    def add_paths(
        self, paths: Iterable[Path], wrap: Callable[[Iterable], Iterable] = lambda items: items, workers: int = 1
    ) -> IngestReport:
        """Add files and folders (walked recursively); ``wrap`` can add a progress bar."""
        return self.add_sources(wrap(source for path in paths for source in read_path(path)), workers)

    def add_file(self, name: str, data: bytes) -> IngestReport:
        """Add one uploaded file (a .jsonl file may hold many documents); searchable on return."""
        return self.add_sources(read_bytes(name, data), merge_in_background=True)

    def ensure_seeded(self) -> None:
        """Load the seed documents into a catalogue that has never been filled."""
        if self.store.get_meta(_SEEDED_KEY) is None and not self.store.documents():
            self.add_sources(seed_sources())

    def remove(self, doc_id: str) -> bool:
        """Delete a document from the catalogue and the index; False if it was not there."""
        self.sign_unsigned()
        with self._write_lock, self.generations.locked(shared=True), self._changing_families() as reprints:
            reprints.remove(doc_id)  # the next member may take its family over
            found = self.store.delete_document(doc_id)
            if found:
                self.index.write((), delete_doc_ids=[doc_id])
        return found

    @contextmanager
    def _changing_families(self, rebuilding: Reprints | None = None) -> Iterator[Reprints]:
        """A write transaction, with the reprint families it changes: a rebuild's, else the live ones."""
        with self.store.transaction():
            yield rebuilding if rebuilding is not None else Reprints(self.store.reprint_rows())

    def sign_unsigned(self) -> None:
        """Sign the documents stored without a current reprint signature (before reprints were
        recognised, or signed another way) from their stored chunks (the text ``build_document``
        signs), in the order they were added, ``SIGNING_BATCH`` to a transaction so other writers
        wait seconds, not minutes (a million paragraphs take about a minute). Once per process:
        by the bot's warm-up, else before its first write. Documents not yet signed again have no
        band keys (``forget_stale_band_keys``), so no signed one can join their family: the
        families come out as if the documents were added again in their order."""
        while not self._all_signed:
            with self._write_lock, self.generations.locked(shared=True), self.store.transaction():
                self.store.forget_stale_band_keys(SIGNATURE_FORMAT, SIGNATURE_SIZE)
                unsigned = self.store.unsigned_documents(SIGNATURE_FORMAT, SIGNATURE_SIZE, SIGNING_BATCH)
                if unsigned:
                    log.warning("signing %d documents stored without a current reprint signature", len(unsigned))
                    Reprints(self.store.reprint_rows()).put(
                        (doc_id, signature(normalize(chunk.text) for chunk in self.store.chunks_of(doc_id)))
                        for doc_id in unsigned
                    )
            self._all_signed = len(unsigned) < SIGNING_BATCH

    def rebuild(self, workers: int = 1) -> IngestReport:
        """Re-process every stored original into a new index generation, then swap it in.

        Until the final transaction the old catalogue rows and index keep serving;
        if anything fails before it, they stay live and the new generation is dropped
        (by the next start, if the process was killed). One rebuild runs at a time, in all processes.
        """
        with self._write_lock, self.generations.locked():
            self.words = use_words(self.db_path.parent / WORDS_FILE)
            fresh = self.generations.create()
            report = IngestReport()
            staging = self.store.staging()
            rebuilt = Reprints(staging.reprint_rows())  # the originals come in the order added: families founded alike
            try:
                sources = (read_original(o.name, o.format, o.content) for o in self.store.originals())
                built = build_all(sources, workers, strict=True)
                with fresh.writing() as writing:
                    for batch in _batches(item for item in built if not _skipped(item, report)):
                        self._write_batch(batch, report, staging.put_documents, writing, rebuilt)
                with self.store.transaction():
                    staging.publish()
                    self.store.set_meta(_GENERATION_KEY, fresh.generation)
                    self.store.set_meta(_WORDS_KEY, self.words.fingerprint)
            except BaseException:
                self.store.drop_staging()
                self.generations.remove_all_but(self.index.generation)
                raise
            self._index = fresh
            self.generations.remove_all_but(fresh.generation)
            return report

    # -- reading ---------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        return self.store.documents()

    def document(self, doc_id: str) -> DocumentRecord | None:
        return self.store.document(doc_id)

    def coverage(self, documents: int = 5, points: int = 6) -> tuple[list[DocumentRecord], list[str]]:
        """The newest documents and the main points of their outlines: what to suggest asking about."""
        newest = self.store.documents(limit=documents)
        return newest, main_points(self.store.headings([document.id for document in newest]), points)

    def neighbours(self, doc_id: str, position: int, radius: int = 1) -> list[ChunkRecord]:
        """A passage with the chunks around it, for reading it in context."""
        return self.store.chunks_of(doc_id, max(0, position - radius), position + radius)

    def lookups(self, version: str | None = None) -> Lookups:
        """The documents' names and meetings to read questions with (``version``:
        ``store.documents_version()``, when the caller has read it).

        When the documents change, a small collection's are re-read before the next
        question; a large one's in the background, the previous ones serving meanwhile:
        re-reading 44 000 documents takes 1.5 s, which no question should wait for (the new
        document's passages are searchable at once, its name as a place a moment later).
        """
        version = version if version is not None else self.store.documents_version()
        current = self._lookups
        if current is not None and current[0] == version:
            return current[1]
        if current is None or len(current[1].names) <= NAMES_READ_INLINE:
            self._lookups = (version, Lookups.of(self.store.documents()))
            return self._lookups[1]
        if self._reading_names.acquire(blocking=False):
            threading.Thread(target=self._read_lookups, name="document-names", daemon=True).start()
        return current[1]

    def names(self, version: str | None = None) -> DocumentNames:
        """The documents' titles and issuers to look names up in (see ``lookups``)."""
        return self.lookups(version).names

    def _read_lookups(self) -> None:
        try:
            version = self.store.documents_version()
            self._lookups = (version, Lookups.of(self.store.documents()))
        except Exception:  # the previous ones keep serving; the next question tries again
            log.exception("re-reading the document names failed")
        finally:
            self.store.close()  # this thread's connection
            self._reading_names.release()

    def timeline(self, topic: str) -> list[Passage]:
        """The meetings that address ``topic`` — those among its best ``TIMELINE_PASSAGES`` passages —
        each by its best passage, reprints folded, in meeting-date order, undated last."""
        query = self.synonyms.expand(resolve(topic, None, self.names()))
        return meetings_in_order(self.fold(self.search(query, TIMELINE_PASSAGES), one_per_family=True))

    def digest(self, doc_id: str) -> tuple[DocumentRecord, list[DigestSection]] | None:
        """A document and its requirements under its own headings; None for an unknown document."""
        document = self.store.document(doc_id)
        return (document, digest(self.store.chunks_of(doc_id))) if document else None

    def search(self, query: Query, limit: int = 5) -> list[Passage]:
        return search(self.index, self.store, query, limit)

    def meeting_passage(self, doc_id: str, aspect: str) -> tuple[DocumentRecord, Passage] | None:
        """A document and its passage that states its meeting's ``aspect`` (the first that does;
        else the first that names the meeting held; else the opening one), the statement highlighted."""
        document = self.store.document(doc_id)
        chunks = self.store.chunks_of(doc_id)
        if document is None or not chunks:
            return None
        speakers = tuple(document.speakers)
        chaired = next((chunk for chunk in chunks if chair_of(chunk.text)), None) if aspect == "speaker" else None
        if chaired:  # who chaired it: the passage that says so first, its chair highlighted
            chunks = [chaired, *chunks]
            speakers = (chair_of(chaired.text) or "", *speakers)
        for wanted in dict.fromkeys((aspect, "meeting")):  # failing the aspect, where the meeting is stated
            for chunk in chunks:
                spans = meeting_fact_spans(chunk.text, wanted, speakers)
                if spans:
                    return document, passage_of(chunk, document, score=0.0, coverage=1.0, highlights=spans)
        return document, passage_of(chunks[0], document, score=0.0, coverage=1.0, highlights=[])

    def families(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Each document's reprint family: the id of the earliest-added document whose report it
        reprints, else its own."""
        return self.store.families(doc_ids)

    def also_published(self, doc_id: str) -> list[DocumentRecord]:
        """The other publications of a document's report (its reprint family's other members), oldest first."""
        family = self.store.families([doc_id])[doc_id]
        return [member for member in self.store.family_members([family]).get(family, []) if member.id != doc_id]

    def fold(self, passages: list[Passage], one_per_family: bool = False) -> list[Passage]:
        """``passages`` with reprints folded: a paragraph several sites published shown once (or, with
        ``one_per_family``, a report once), the other sites in its ``also_at`` (``reprints.fold_reprints``)."""
        families = self.families(passage.doc_id for passage in passages)
        return fold_reprints(passages, families, self.store.family_members(families.values()), one_per_family)

    def _folded_search(self, query: Query, limit: int) -> list[Passage]:
        """``search`` with reprints folded, asking again for as many more passages as were folded
        away, so an answer still holds ``limit`` passages when the collection has them."""
        wanted = limit
        while True:
            found = self.search(query, wanted)
            passages = self.fold(found)
            if len(passages) >= limit or len(found) < wanted:
                return passages[:limit]
            wanted *= 2  # a report many sites reprinted folds many passages away

    def _answer(self, question: str, query: Query, limit: int) -> Answer:
        if query.about and query.doc_ids:
            found = self.meeting_passage(query.doc_ids[0], query.about)
            return Answer(question, query, self.fold([found[1]]) if found else [], meeting=found[0] if found else None)
        return Answer(question, query, self._folded_search(query, limit))

    def ask(self, turns: list[str], limit: int = 5, today: date | None = None) -> Answer:
        """Answer the last turn, reading the earlier turns as the conversation so far.

        Each earlier turn is read with the documents its answer came from, as the user saw
        them: those answers are remembered (a chat asks its turns in order), and answered
        again only when they are not. ``today`` places relative times (去年); default the real day.
        """
        history = [turn for turn in turns if turn.strip()][-MAX_HISTORY_TURNS:]
        if not history:
            raise ValueError("no question given")
        version = self.store.documents_version()
        lookups = self.lookups(version)
        state = (self.index.generation, version, today)
        topic: Topic | None = None
        for number in range(1, len(history)):
            key = (state, *history[:number])
            remembered = self._answered.get(key)
            if remembered is None:
                remembered = self._answer_turn(history[number - 1], topic, lookups, limit, today).topic
                self._answered.put(key, remembered)
            topic = remembered
        answer = self._answer_turn(history[-1], topic, lookups, limit, today)
        self._answered.put((state, *history), answer.topic)
        return answer

    def _answer_turn(self, turn: str, topic: Topic | None, lookups: Lookups, limit: int, today: date | None) -> Answer:
        """One turn: its reading (the meeting and time it names, its search words), the documents
        they point to, then the passages of those documents."""
        if is_small_talk(turn) or (topic and self._unheard_of(turn)):  # in a conversation, ？？ and abc are slips
            return Answer(turn, Query(turn, {}), [], small_talk=True)
        text = self.synonyms.meetings_spelled_out(turn)  # normalized: the spans below are of it
        own_meeting = lookups.archive.named_in(text)
        if own_meeting is None and topic and topic.named:  # 那12月那次全体会议呢: the same body's other type
            own_meeting = lookups.archive.retyped(topic.named, text)
        year = topic.period.start.year if topic and topic.period and topic.period.start else None
        about = own_meeting or _about_meetings(text, topic)
        period = find_period(text, today or date.today(), year) if about else None
        rest = _without(text, *(part.span for part in (own_meeting, period) if part))
        query = self.synonyms.expand(resolve(rest, topic, lookups.names))
        continued = topic if topic and query.follow_up else None
        named = own_meeting or (replace(continued.named, chair=None) if continued and continued.named else None)
        query = replace(query, wants_decisions=_asks_decisions(text, continued, named, rest))
        period = period or (continued.period if continued and not own_meeting else None)
        if query.about or (named is None and period is None):
            answer = self._answer(turn, query, limit)
            return replace(answer, scope=_scope(None, answer.query))
        resolution = lookups.archive.resolve(named, period)
        if resolution is None:  # a time alone: the meetings held then
            doc_ids: tuple[str, ...] = tuple(self.store.documents_held_between(period.start, period.end))
        elif not resolution.doc_ids:  # no report of it: the documents that speak of it, if any
            doc_ids = self._mentioning(named.said)
            if not doc_ids:
                return Answer(turn, query, [], named=named, period=period, absent=resolution.nearest)
        else:
            doc_ids = resolution.doc_ids
        aspect = meeting_aspect(rest) if named else None
        if aspect and doc_ids:  # 2022年3月那次国常会是谁主持的
            found = self.meeting_passage(doc_ids[0], aspect)
            return Answer(turn, replace(query, about=aspect), self.fold([found[1]]) if found else [],
                          meeting=found[0] if found else None, named=named, period=period, scope=_scope(period, query, named))
        within = tuple(d for d in query.doc_ids or doc_ids if d in set(doc_ids))
        preferred = query.preferred_doc_id if query.preferred_doc_id in within else None
        query = replace(query, doc_ids=within, preferred_doc_id=preferred,
                        naming_terms=query.naming_terms if preferred else frozenset())
        if not query.terms and named and within:  # 2022年中央经济工作会议提了哪些要求: what it said
            answer = Answer(turn, query, self._meeting_statements(within[0], limit))
        elif continued and continued.sources and not query.focus and _WHAT_ELSE.search(text):  # 那次会还说了什么
            answered = frozenset(continued.query.terms)
            answer = Answer(turn, query, self._meeting_statements(continued.sources[0], limit, answered))
        else:
            answer = self._answer(turn, query, limit) if within else Answer(turn, query, [])
        if not answer.passages and resolution is None:  # a time alone, none of its meetings about it: everywhere, saying so
            for words in (text, rest):  # as asked, else without the time words
                answer = self._answer(turn, self.synonyms.expand(resolve(words, topic, lookups.names)), limit)
                if answer.passages:
                    break
            return replace(answer, scope=_scope(None, answer.query, missed=period))
        return replace(answer, named=named, period=period, scope=_scope(period, query, named, found=bool(answer.passages)))

    def _mentioning(self, said: str) -> tuple[str, ...]:
        """The documents whose passages name a meeting as a question did (中共八届九中全会): the collection
        speaks of it there, though it holds no report of that meeting."""
        terms = dict.fromkeys(tokenize(said), 1.0)
        found = self.search(Query(said, terms), MENTION_CHECKS) if terms else []
        return tuple(dict.fromkeys(passage.doc_id for passage in found if said in letters(passage.text)))

    def _meeting_statements(self, doc_id: str, limit: int, answered: frozenset[str] = frozenset()) -> list[Passage]:
        """What a meeting said, for a question that names it and no topic (or asks what else it said): its
        report's passages in order, those stating requirements first; those on the ``answered`` topic's words
        and the one that announces it (…召开…会议) after those that state what else it decided."""
        document = self.store.document(doc_id)
        if document is None:
            return []

        def told(chunk: ChunkRecord) -> tuple[bool, bool, int]:
            requirements = sum(read_requirement(sentence) is not None for sentence in split_sentences(chunk.text))
            answered_here = any(f" {term} " in f" {chunk.token_text} " for term in answered)
            return announces_meeting(chunk, document), answered_here, -min(requirements, 1)

        chunks = sorted(self.store.chunks_of(doc_id), key=told)
        return [passage_of(chunk, document, score=0.0, coverage=1.0, highlights=[]) for chunk in chunks[:limit]]

    def _unheard_of(self, turn: str) -> bool:
        """Whether a turn has no Chinese word or number and none of its words (if any) is in the
        collection (abc, ？？): in a conversation, no follow-up, but a slip."""
        if _CJK_OR_DIGIT.search(normalize(turn)):
            return False
        words = set(tokenize(turn))
        return not words or not any(self.index.doc_freqs("body", words).values())

    def warm_up(self) -> None:
        """Load what the first questions would otherwise wait for (the segmenter's dictionary, the
        place and body names), and sign what an older version stored unsigned before an admin's
        first upload would."""
        tokenize("会议")
        name_words()
        self.sign_unsigned()

    def close(self) -> None:
        self.store.close()
