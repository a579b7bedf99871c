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
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from .answer import Answer, answer
from .archive import letters
from .build import build_all
from .conversation import Topic, resolve
from .digest import DigestSection, digest
from .document import Document
from .meeting import HELD_AT_MEETING, chair_of
from .metadata import meeting_fact_spans
from .normalize import normalize
from .overview import main_points
from .read import ReadError, SourceText, archive_of, read_bytes, read_original, read_path
from .reading import Lookups, read_turn
from .reprints import SIGNATURE_FORMAT, SIGNATURE_SIZE, Reprints, fold_reprints, signature
from .scope import DocumentNames, name_words
from .search import Passage, Query, opens_report, passage_of, search
from .search_index import Generations, IndexedChunk, SearchIndex, Writing
from .speakers import names_pattern
from .store import ChunkRecord, DocumentRecord, Store
from .synonyms import FILE_NAME as SYNONYMS_FILE, Synonyms
from .timeline import meetings_in_order
from .tokenize import PIPELINE_VERSION, char_bigrams, install_words, tokenize, use_words
from .words import FILE_NAME as WORDS_FILE

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


@dataclass(frozen=True)
class Summary:
    """What a catalogue holds and what its live index holds, for a start line or a health check."""

    documents: int
    passages: int
    generation: str | None
    """The live index generation; None for a catalogue never indexed."""
    indexed: int | None
    """Passages in the live generation; None when it cannot be opened."""

    @property
    def in_step(self) -> bool:
        return self.indexed == self.passages


def inspect(db_path: Path) -> Summary:
    """A catalogue's summary, read without repairing anything (a health check must not start a
    rebuild in a serving bot's catalogue). CatalogueError when the catalogue is damaged."""
    store = Store(db_path)
    try:
        with store.reporting_damage():
            generation = store.get_meta(_GENERATION_KEY)
            documents, passages = len(store.documents()), store.chunk_count()
        generations = Generations(db_path.with_name(db_path.name + ".tantivy"))
        try:
            indexed = generations.open(generation).num_docs() if generation else None
        except (OSError, ValueError):  # tantivy: missing or damaged files
            indexed = None
        return Summary(documents, passages, generation, indexed)
    finally:
        store.close()


@dataclass
class IngestReport:
    """What an ingest run did, for the admin to read."""

    added: list[DocumentRecord] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[ReadError] = field(default_factory=list)


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


class _AnsweredTopics:
    """The topic each recent conversation prefix left (its words, meeting, time and the documents its
    answer came from), least recently used forgotten first; shared by the threads answering questions."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._entries: OrderedDict[tuple, Topic] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Topic | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
            return self._entries.get(key)

    def put(self, key: tuple, topic: Topic) -> None:
        with self._lock:
            self._entries[key] = topic
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
        self._answered = _AnsweredTopics()
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

        claimed: dict[str, str] = {}
        """The archive each id named by a .jsonl archive in this run came from."""

        def new_documents() -> Iterator[Document]:
            for built in build_all(sources, workers):
                if _skipped(built, report) or _skipped(self._held_elsewhere(built, claimed), report):
                    continue
                if self.store.content_hash(built.id) == built.content_hash:
                    report.unchanged.append(built.name)
                else:
                    yield built

        with self._write_lock, self.generations.locked(), self.index.writing(merge_in_background) as writing:
            for batch in _batches(new_documents()):
                self._write_batch(batch, report, self.store.put_documents, writing)
        self.store.set_meta(_SEEDED_KEY, "1")
        return report

    def _held_elsewhere(self, document: Document, claimed: dict[str, str]) -> Document | ReadError:
        """``document``, or why not when its .jsonl archive gives it an id that another document holds:
        one from another file, or one read earlier in this run (``claimed``: each id's first holder). Ids
        are an archive's own (two archives numbered 1, 2, 3 would replace each other's documents): only
        reading the same archive again replaces its documents."""
        archive = archive_of(document.name, document.format)
        if archive is None or document.id == document.content_hash:
            return document
        if document.id in claimed:
            holder = f"本次先读入的 {claimed[document.id]}"
        else:
            claimed[document.id] = document.name
            stored = self.store.origin(document.id)
            if stored is None or archive_of(*stored) == archive:
                return document
            holder = stored[0]
        return ReadError(document.name, f"编号“{document.id}”已被 {holder} 使用，未替换（请换一个编号）")

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
        with self._write_lock, self.generations.locked(), self._changing_families() as reprints:
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
            serving = self.words
            self.words = use_words(self.db_path.parent / WORDS_FILE)  # the admin's words now, for the new tokens
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
                install_words(serving)  # questions are cut as the index still serving was
                self.words = serving
                raise
            self._index = fresh
            self.generations.remove_all_but(fresh.generation)
            return report

    # -- reading ---------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        return self.store.documents()

    def summary(self) -> Summary:
        """Documents and passages held, and the live generation (open and in step, as opening made it)."""
        passages = self.store.chunk_count()
        return Summary(len(self.store.documents()), passages, self.index.generation, self.index.num_docs())

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
            threading.Thread(target=self._read_lookups, name="document-lookups", daemon=True).start()
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
        if aspect == "chair":  # who chaired it: the passage that says so first, its chair highlighted
            chaired = next((chunk for chunk in chunks if chair_of(chunk.text)), None)
            chunks, speakers = ([chaired, *chunks], (chair_of(chaired.text) or "", *speakers)) if chaired else (chunks, speakers)
        elif aspect == "speaker" and speakers:  # who spoke: the passage where one of them gives a speech first
            spoke = re.compile(f"(?:{names_pattern(speakers)})[^，。,]{{0,12}}?(?:讲话|发言|致辞|作报告|作了报告)")
            chunks = sorted(chunks, key=lambda chunk: not spoke.search(normalize(chunk.text)))
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

    def folded_search(self, query: Query, limit: int) -> list[Passage]:
        """``search`` with reprints folded, asking again for as many more passages as were folded
        away, so an answer still holds ``limit`` passages when the collection has them."""
        wanted = limit
        while True:
            found = self.search(query, wanted)
            passages = self.fold(found)
            if len(passages) >= limit or len(found) < wanted:
                return passages[:limit]
            wanted *= 2  # a report many sites reprinted folds many passages away

    def names_place(self, doc_id: str, place: str) -> bool:
        """Whether a document says its meeting was held at a place: its title or opening passages name it, or later
        a clause holding a meeting there (20日上午，习近平在人民大会堂主持召开…汇报会, after days of a visit); each word
        of it as written there or as part of a longer name (河南南阳 in 在河南省南阳市)."""
        document = self.store.document(doc_id)
        if document is None:
            return False
        words = tokenize(place) or [place]

        def named(text: str) -> bool:
            return place in text or all(word in text for word in words)

        if named(normalize("\n".join([document.title, *(chunk.text for chunk in self.store.chunks_of(doc_id, 0, 1))]))):
            return True
        if not all(self.index.count_in("bigram", pair, doc_id) for word in words for pair in char_bigrams(word)):
            return False  # (its other passages read only where the index finds each word's characters)
        later = (normalize(chunk.text) for chunk in self.store.chunks_of(doc_id, 2))
        return any(named(held["place"]) for text in later if named(text) for held in HELD_AT_MEETING.finditer(text))

    def mentioning(self, said: str) -> tuple[str, ...]:
        """The documents whose passages name a meeting as a question did (中共八届九中全会): the collection
        speaks of it there, though it holds no report of that meeting."""
        terms = dict.fromkeys(tokenize(said), 1.0)
        found = self.search(Query(said, terms), MENTION_CHECKS) if terms else []
        return tuple(dict.fromkeys(passage.doc_id for passage in found if said in letters(passage.text)))

    def opening_with(self, said: str, doc_ids: Iterable[str]) -> tuple[str, ...]:
        """Those of ``doc_ids`` whose title or opening paragraph, where a report names its meeting and who held it,
        writes ``said`` (script aside), not as where it was held or who sent the report (在北京举行, 新华社北京:
        北京经济工作会议 is not the one held in 北京), nor as one of a list (浙江省委、广东省委作交流发言)."""
        written = re.compile(f"(?<![在于赴到、])(?<!新华社)(?<!新华社 ){re.escape(said)}(?!、)")
        documents = self.store.documents_by_id(doc_ids)
        openings = self.store.chunks((doc_id, 0) for doc_id in documents)

        def opens_with(document: DocumentRecord) -> bool:
            opening = openings.get((document.id, 0))
            return any(written.search(normalize(text)) for text in (document.title, opening.text if opening else ""))

        return tuple(doc_id for doc_id, document in documents.items() if opens_with(document))

    def meeting_statements(self, doc_id: str, limit: int, answered: frozenset[str] = frozenset()) -> list[Passage]:
        """What a meeting said, for a question that names it and no topic (or asks what else it said): its
        report's passages, those stating the most requirements first (then in order); those on the ``answered``
        topic's words and its opening (…召开…会议) after those that state what else it decided."""
        document = self.store.document(doc_id)
        if document is None:
            return []
        chunks = self.store.chunks_of(doc_id)
        requiring = Counter(requirement.position for section in digest(chunks) for requirement in section.requirements)

        def told(chunk: ChunkRecord) -> tuple[bool, bool, int]:
            return opens_report(chunk, document), bool(answered.intersection(chunk.tokens)), -requiring[chunk.position]

        chunks = sorted(chunks, key=told)
        return [passage_of(chunk, document, score=0.0, coverage=1.0, highlights=[]) for chunk in chunks[:limit]]

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
        answered = self._answer_turn(history[-1], topic, lookups, limit, today)
        self._answered.put((state, *history), answered.topic)
        return answered

    def _answer_turn(self, turn: str, topic: Topic | None, lookups: Lookups, limit: int, today: date | None) -> Answer:
        """One turn: its reading, then the documents it points to and their passages."""
        known = lambda words: any(self.index.doc_freqs("body", words).values())  # noqa: E731
        reading = read_turn(turn, topic, lookups, self.synonyms, today or date.today(), known)
        return answer(self, lookups.archive, reading, limit)

    def warm_up(self) -> None:
        """Load what the first questions would otherwise wait for (the segmenter's dictionary, the
        place and body names), and sign what an older version stored unsigned before an admin's
        first upload would."""
        tokenize("会议")
        name_words()
        self.sign_unsigned()

    def close(self) -> None:
        self.store.close()
