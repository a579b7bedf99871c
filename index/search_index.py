"""The BM25 index served by tantivy, fed the pipeline's own tokens.

Fields are whitespace-tokenized, so tantivy indexes exactly the tokens that
``tokenize`` produced and a query term matches exactly; BM25 (k1=1.2, b=0.75) is
scored per field, which lets the title, heading, speaker and place fields be
boosted separately from the body.

Each full build goes into a new *generation* directory beside the old ones; the
catalogue records which generation is live, so a rebuild swaps atomically and a
failed (or killed) one leaves the old generation serving.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy

from .errors import IndexBusy

log = logging.getLogger(__name__)

SEARCH_FIELDS = ("body", "bigram", "title", "heading", "speaker", "place")
WRITER_HEAP_BYTES = 128 * 1024 * 1024
WRITER_WAIT_SECONDS = 120.0
"""How long a writer waits for tantivy's writer lock, which another process holds only after our
own cross-process lock is free while its last segment merges finish (an upload's, in the background)."""
_WRITER_RETRY_SECONDS = 0.1


@dataclass(frozen=True)
class IndexedChunk:
    """What the index needs of one chunk: its key and the tokens of each field (space-separated)."""

    doc_id: str
    position: int
    fields: Mapping[str, str]


@dataclass(frozen=True)
class Hit:
    doc_id: str
    position: int
    score: float


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    builder.add_integer_field("position", stored=True, indexed=False)
    for name in SEARCH_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="freq")
    return builder.build()


SCHEMA = _schema()
SCOPE_COUNTS_KEPT = 4096
"""Counts ``doc_freqs_within`` remembers before starting afresh (a few hundred bytes each)."""


class SearchIndex:
    """One generation of the tantivy index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
        self._writer_free = threading.Lock()
        """Held by the one writer tantivy allows, until its merges are done."""
        self._scope_counts: dict[tuple[object, ...], int] = {}
        """``doc_freqs_within``'s counts, by the index's size, field, documents and term."""

    @property
    def generation(self) -> str:
        return self.path.name

    def num_docs(self) -> int:
        """Chunks in the index; the reader follows commits itself (``write`` also reloads)."""
        return self._index.searcher().num_docs

    @contextmanager
    def writing(self, merge_in_background: bool = False) -> Iterator[Writing]:
        """One writer for several commits (a bulk run), whose segment merges run alongside
        and are waited for once at the end, or, with ``merge_in_background``, after the
        caller has gone on (what was committed is searchable already). The next writer
        waits until they are done."""
        self._writer_free.acquire()
        try:
            writer = self._writer()
        except BaseException:
            self._writer_free.release()
            raise
        try:
            yield Writing(self._index, writer)
        except BaseException:
            self._finish(writer)
            raise
        if merge_in_background:
            threading.Thread(target=self._finish, args=(writer,), name="tantivy-merges", daemon=True).start()
        else:
            self._finish(writer)

    def _writer(self) -> tantivy.IndexWriter:
        """tantivy's one writer, waiting up to ``WRITER_WAIT_SECONDS`` while another process holds it
        (tantivy does not wait: it says LockBusy); ``IndexBusy`` after that."""
        deadline = time.monotonic() + WRITER_WAIT_SECONDS
        while True:
            try:
                return self._index.writer(WRITER_HEAP_BYTES)
            except ValueError as error:
                if "LockBusy" not in str(error):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusy(f"另一个进程仍在写入搜索索引 {self.path}；请等它结束后再试") from None
            time.sleep(_WRITER_RETRY_SECONDS)

    def _finish(self, writer: tantivy.IndexWriter) -> None:
        try:
            writer.wait_merging_threads()
        finally:
            self._writer_free.release()

    def write(self, chunks: Iterable[IndexedChunk], delete_doc_ids: Iterable[str] = ()) -> int:
        """Delete whole documents, add chunks and commit once; returns the number added."""
        with self.writing() as writing:
            return writing.commit(chunks, delete_doc_ids)

    def doc_freqs(self, field: str, terms: Iterable[str]) -> dict[str, int]:
        """How many chunks contain each term in ``field`` (one searcher for all of them)."""
        searcher = self._index.searcher()
        return {term: searcher.doc_freq(field, term) for term in terms}

    def doc_freqs_within(self, field: str, terms: Iterable[str], doc_ids: Iterable[str]) -> tuple[int, dict[str, int]]:
        """How many chunks ``doc_ids`` have, and how many of them contain each term in ``field``. Remembered
        while the index holds as many chunks: questions name the same kinds of meeting again and again."""
        searcher = self._index.searcher()
        ids = tuple(doc_ids)
        scope_key = (searcher.num_docs, field, hash(ids))
        if len(self._scope_counts) > SCOPE_COUNTS_KEPT:
            self._scope_counts.clear()
        scope = _of_documents(ids)

        def count(term: str | None) -> int:
            key = (*scope_key, term)
            if key not in self._scope_counts:
                query = scope if term is None else tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, field, term)), (tantivy.Occur.Must, scope)]
                )
                self._scope_counts[key] = searcher.search(query, 1, count=True).count
            return self._scope_counts[key]

        return count(None), {term: count(term) for term in terms}

    def count_in(self, field: str, term: str, doc_id: str) -> int:
        """How many of one document's chunks contain ``term`` in ``field``."""
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, field, term)),
                (tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, "doc_id", doc_id)),
            ]
        )
        return self._index.searcher().search(query, 1, count=True).count

    def search(
        self,
        weighted_terms: Iterable[tuple[str, str, float]],
        limit: int,
        doc_ids: Iterable[str] | None = None,
    ) -> list[Hit]:
        """BM25 summed over ``(field, term, weight)`` clauses, each clause's score times its weight,
        over the chunks of ``doc_ids`` only when it is given."""
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(SCHEMA, field, term), weight))
            for field, term, weight in weighted_terms
            if weight > 0
        ]
        if not clauses:
            return []
        query = tantivy.Query.boolean_query(clauses)
        if doc_ids is not None:  # a filter, scored 0: a doc_id's BM25 would favour the chunks of short documents
            scope_filter = tantivy.Query.const_score_query(_of_documents(doc_ids), 0.0)
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, scope_filter)])
        searcher = self._index.searcher()
        result = searcher.search(query, limit, count=False)
        hits = []
        for score, address in result.hits:
            stored = searcher.doc(address)
            hits.append(Hit(stored["doc_id"][0], stored["position"][0], score))
        return hits


def _of_documents(doc_ids: Iterable[str]) -> tantivy.Query:
    """The chunks of ``doc_ids`` (one term-set query: a union of term queries is several times slower)."""
    return tantivy.Query.term_set_query(SCHEMA, "doc_id", list(doc_ids))


class Writing:
    """An open writer of one generation."""

    def __init__(self, index: tantivy.Index, writer: tantivy.IndexWriter) -> None:
        self._index = index
        self._writer = writer

    def commit(self, chunks: Iterable[IndexedChunk], delete_doc_ids: Iterable[str] = ()) -> int:
        """Delete whole documents, add chunks and commit (all or nothing); returns the number added."""
        writer = self._writer
        try:
            for doc_id in delete_doc_ids:
                writer.delete_documents_by_term("doc_id", doc_id)
            added = 0
            for chunk in chunks:
                document = tantivy.Document(doc_id=chunk.doc_id, position=chunk.position)
                for name in SEARCH_FIELDS:
                    document.add_text(name, chunk.fields.get(name, ""))
                writer.add_document(document)
                added += 1
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        self._index.reload()
        return added


class Generations:
    """The generation directories of one catalogue, e.g. ``meetings.db.tantivy/g1732500000000``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def open(self, name: str) -> SearchIndex:
        """An existing generation; FileNotFoundError if it holds no index (tantivy would create an
        empty one, which answers nothing)."""
        if not self.exists(name):
            raise FileNotFoundError(f"no search index in {self.root / name}")
        return SearchIndex(self.root / name)

    def create(self) -> SearchIndex:
        return SearchIndex(self.root / f"g{time.time_ns()}")

    def exists(self, name: str | None) -> bool:
        return bool(name) and (self.root / name / "meta.json").exists()

    @contextmanager
    def locked(self, shared: bool = False, wait: bool = True) -> Iterator[bool]:
        """Hold the catalogue's cross-process lock: exclusive to write documents (tantivy has one
        writer), build and swap in a generation or remove leftovers; shared for what only changes
        the catalogue beside a writer (so it does not run during a rebuild either). Yields whether it
        is held (without ``wait``, False if it is taken); a wait is announced in one log line.

        An ``flock`` on a descriptor this process alone holds (Python's files are not inherited by
        the processes it starts): the system releases it when its holder ends, however it ends."""
        lock_path = self.root.with_name(self.root.name + ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        with open(lock_path, "a") as lock_file:  # closing it releases the lock
            try:
                fcntl.flock(lock_file, mode | fcntl.LOCK_NB)
                held = True
            except BlockingIOError:
                if wait:
                    log.warning("另一个进程正在写入 %s，等它结束后继续", self.root.with_suffix(""))
                    fcntl.flock(lock_file, mode)
                held = wait
            yield held

    def remove_all_but(self, keep: str) -> None:
        """Delete superseded or abandoned generations (a process still reading one keeps its open files)."""
        if not self.root.exists():
            return
        for path in self.root.iterdir():
            if path.is_dir() and path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
