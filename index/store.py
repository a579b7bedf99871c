"""The SQLite catalogue (via sqlite-utils): originals, documents, chunks and their tokens.

SQLite is the source of truth. The tantivy index is derived from it and can be
rebuilt from the stored tokens (or, for new cleaning rules, from the stored
originals) at any time. Every change happens in one transaction, so the
catalogue is never half-written; WAL mode lets readers go on during a write.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from .chunk import HEADING_SEPARATOR, distinct_speakers
from .document import Document
from .errors import CatalogueError
from .meeting import Meeting, Ordinal
from .tokenize import token_text
from .when import meeting_day

log = logging.getLogger(__name__)
SCHEMA_VERSION = "4"
"""2: the token texts of each chunk's heading path and each document's title and issuer are stored
(``_TOKEN_TEXT_COLUMNS``), so checking a candidate never segments text.
3: each document's meeting (``_MEETING_COLUMNS``), filled by re-processing the originals (the
pipeline version changed with it).
4: each chunk's page and whether OCR read it (``_PAGE_COLUMNS``), filled by re-processing the originals."""
_TOKEN_TEXT_COLUMNS = {"documents": {"title_tokens": "title", "place_tokens": "place"}, "chunks": {"heading_tokens": "heading"}}
"""The stored token text columns of each live table, and the column each is cut from."""
_MEETING_COLUMNS = ("meeting_kind", "meeting_ordinal", "chair")
"""The meeting a document reports (``index.meeting.Meeting``): kind, ordinal as ``Ordinal`` writes it, chair."""
_PAGE_COLUMNS = {"page": int, "ocr": int}
"""Where a chunk of a paged document (PDF, scan) stands: its page number (NULL for other formats or
a photo) and 1 when OCR read it."""
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
"""SQLite's primary result codes for a file that is not, or no longer, a readable database."""
CACHED_DOCUMENTS = 5_000
"""Document records kept in memory for the search path (each a few hundred bytes)."""
_DOCUMENTS_VERSION = "documents_version"
_STAGED_TABLES = (
    ("documents_next", "documents"), ("chunks_next", "chunks"), ("reprints_next", "reprints"),
    ("reprint_bands_next", "reprint_bands"),
)
"""A rebuild's side tables and the live tables they replace."""


@dataclass(frozen=True)
class DocumentRecord:
    """A document's catalogue entry, as listed and shown with passages."""

    id: str
    name: str
    title: str
    date: str | None
    place: str | None
    source_url: str | None
    speakers: dict[str, list[int]]
    chunk_count: int
    char_count: int
    added_at: str
    title_tokens: str
    place_tokens: str
    """Space-separated search tokens of ``title`` and ``place``, as indexed."""
    meeting: Meeting = Meeting()
    """The meeting the document reports (its date is ``date``)."""


@dataclass(frozen=True)
class ChunkRecord:
    doc_id: str
    position: int
    paragraph: int
    text: str
    heading: str
    voices: tuple[str, ...]
    """The speaker of each sentence that has one (see ``Chunk.voices``)."""
    token_text: str
    """The chunk's search tokens, space-separated, as stored and indexed."""
    heading_tokens: str
    """The search tokens of ``heading``, space-separated, as indexed."""
    page: int | None = None
    """The page of a PDF the chunk starts on; None for other formats."""
    ocr: bool = False
    """Whether the chunk's text was read by OCR from a scan."""

    @property
    def speakers(self) -> tuple[str, ...]:
        return distinct_speakers(self.voices)

    @property
    def tokens(self) -> list[str]:
        return self.token_text.split()


@dataclass(frozen=True)
class StoredOriginal:
    id: str
    name: str
    format: str
    content: bytes


class Store:
    """Catalogue in one SQLite file; one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._records: tuple[str | None, OrderedDict[str, DocumentRecord]] = (None, OrderedDict())
        self._records_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.reporting_damage():
            self._create_schema()

    @property
    def db(self) -> Database:
        database = getattr(self._local, "db", None)
        if database is None:
            connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            connection.execute("PRAGMA busy_timeout = 30000")
            database = Database(connection)
            self._local.db = database
        return database

    def _rows(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        """Rows addressable by column name, made by sqlite3 itself (dicts built in Python cost
        more than the lookups on the search path)."""
        cursor = self.db.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, list(params))

    def close(self) -> None:
        database = getattr(self._local, "db", None)
        if database is not None:
            database.close()
            self._local.db = None

    @contextmanager
    def reporting_damage(self) -> Iterator[None]:
        """Turn SQLite's report of a damaged file into a ``CatalogueError`` that names the file and
        what to do (a busy or locked database is not damage, and is raised as it is)."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorcode", 0) & 0xFF not in _DAMAGED:
                raise
            log.info("catalogue %s: %s", self.path, error)  # SQLite's words, for the admin who asks for them
            raise CatalogueError(
                f"目录文件 {self.path} 已损坏；搜索索引是从它保存的原件重建的，它自己无法重建："
                "请从备份恢复，或把它移走、从空目录开始重新添加文件"
            ) from error

    def _create_schema(self) -> None:
        db = self.db
        db.enable_wal()
        with self.transaction():  # sqlite-utils reads the schema before it writes (see ``transaction``)
            db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
            db["originals"].create(
                {"id": str, "name": str, "format": str, "content": bytes, "added_at": str}, pk="id", if_not_exists=True
            )
            self._create_content_tables(*(live for _staged, live in _STAGED_TABLES))  # an older catalogue gets the new tables
            self._store_token_texts()
            for column in _MEETING_COLUMNS:  # a version 2 catalogue: filled when its originals are re-processed
                if column not in self.db["documents"].columns_dict:
                    self.db["documents"].add_column(column, str)
            for column, kind in _PAGE_COLUMNS.items():  # a version 3 catalogue: filled when its originals are re-processed
                if column not in self.db["chunks"].columns_dict:
                    self.db["chunks"].add_column(column, kind)
            if self.get_meta("schema_version") in (None, "1"):  # a later version's label is left as it is
                self.set_meta("schema_version", SCHEMA_VERSION)

    def _store_token_texts(self) -> None:
        """Give a version 1 catalogue's documents and chunks the token text columns it lacks, cut from the
        stored text by the one ``token_text``."""
        missing = [
            (table, column, source)
            for table, columns in _TOKEN_TEXT_COLUMNS.items()
            for column, source in columns.items()
            if column not in self.db[table].columns_dict
        ]
        if not missing:
            return
        log.warning("storing the token texts of headings, titles and places in %s (once, for catalogue version 2)", self.path)
        conn = self.db.conn
        conn.create_function("token_text", 1, lambda text: token_text(text or ""), deterministic=True)
        for table, column, source in missing:
            self.db[table].add_column(column, str)
            conn.execute(f"update {table} set {column} = token_text({source})")

    def _create_content_tables(self, documents_table: str, chunks_table: str, reprints_table: str, bands_table: str) -> None:
        db = self.db
        db[documents_table].create(
            {
                "id": str, "name": str, "title": str, "date": str, "place": str, "source_url": str,
                "speakers": str, "chunk_count": int, "char_count": int, "content_hash": str, "added_at": str,
                "title_tokens": str, "place_tokens": str,  # last, where a version 1 catalogue adds them
                **{column: str for column in _MEETING_COLUMNS},  # then where version 2 adds them
            },
            pk="id",
            if_not_exists=True,
        )
        db[chunks_table].create(
            {
                "doc_id": str, "position": int, "paragraph": int, "text": str, "heading": str,
                "speakers": str, "tokens": str, "heading_tokens": str,
                **_PAGE_COLUMNS,  # last, where a version 3 catalogue adds them
            },
            pk=("doc_id", "position"),
            if_not_exists=True,
        )
        # Each document's reprint signature and family (see ``index.reprints``); ``sequence`` is the
        # order in which documents were added, which decides a family's first member.
        db[reprints_table].create(
            {"doc_id": str, "family": str, "signature": bytes, "sequence": int}, pk="doc_id", if_not_exists=True
        )
        db[reprints_table].create_index(["family"], if_not_exists=True)
        db[reprints_table].create_index(["sequence"], if_not_exists=True)
        # The keys of each signature's LSH bands: the documents that may reprint a new one are those
        # sharing a key with it, found by the index instead of a family index held in memory.
        db[bands_table].create({"key": int, "doc_id": str}, if_not_exists=True)
        db[bands_table].create_index(["key"], if_not_exists=True)
        db[bands_table].create_index(["doc_id"], if_not_exists=True)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """All writes inside commit together or not at all; nested, a savepoint.

        The write lock is taken first (``BEGIN IMMEDIATE``), waiting out another connection's
        write: a transaction that reads before it writes would otherwise fail at once with
        "database is locked" while another one writes (SQLite does not wait to turn a read
        into a write).
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic() as db:
                yield db
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """One statement, so it waits out another connection's write (see ``transaction``)."""
        self.db.execute(
            "insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value", [key, value]
        )

    def content_hash(self, doc_id: str) -> str | None:
        row = self.db.execute("select content_hash from documents where id = ?", [doc_id]).fetchone()
        return row[0] if row else None

    def put_documents(self, documents: Iterable[Document]) -> None:
        """Insert or replace documents, their chunks and originals (call inside ``transaction``;
        their reprint signatures go in through ``reprint_rows``)."""
        self._write(documents, "documents", "chunks", with_originals=True)

    def _write(self, documents: Iterable[Document], documents_table: str, chunks_table: str, with_originals: bool) -> None:
        # Plain executemany per table: building a row dict per chunk for sqlite-utils'
        # insert_all cost more than the writing itself in bulk runs.
        documents = list(documents)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        conn = self.db.conn
        if documents_table == "documents":
            self._documents_changed()
        conn.executemany(f"delete from {chunks_table} where doc_id = ?", [(document.id,) for document in documents])
        if with_originals:
            conn.executemany(
                "insert or replace into originals (id, name, format, content, added_at) values (?, ?, ?, ?, ?)",
                [(d.id, d.name, d.format, d.original, now) for d in documents],
            )
        rows = [_document_row(document, now) for document in documents]
        if rows:
            columns = ", ".join(rows[0])
            conn.executemany(
                f"insert or replace into {documents_table} ({columns}) values ({', '.join('?' * len(rows[0]))})",
                [tuple(row.values()) for row in rows],
            )
        conn.executemany(
            f"insert into {chunks_table} (doc_id, position, paragraph, text, heading, speakers, tokens, heading_tokens, page, ocr)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (document.id, chunk.position, chunk.paragraph, chunk.text, chunk.heading,
                 json.dumps(chunk.voices, ensure_ascii=False), tokens, heading_tokens,
                 page.number if page else None, int(bool(page and page.ocr)))
                for document in documents
                for chunk, tokens, heading_tokens, page in zip(
                    document.chunks, document.chunk_tokens, document.heading_tokens, document.chunk_pages
                )
            ],
        )

    def reprint_rows(self) -> ReprintRows:
        """The live documents' reprint signatures, families and band keys."""
        return ReprintRows(self, "reprints", "reprint_bands")

    def staging(self) -> Staging:
        """Empty side tables for a rebuild, published in one transaction when it is complete."""
        return Staging(self)

    def drop_staging(self) -> None:
        """Drop a rebuild's side tables: once published, after it failed, or left by a killed one."""
        for staged, _live in _STAGED_TABLES:
            self.db.execute(f"drop table if exists {staged}")

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document, its chunks and its original (call inside ``transaction``; its reprint
        rows go with ``ReprintRows.delete``, which may hand its family on)."""
        db = self.db
        found = db.execute("select 1 from documents where id = ?", [doc_id]).fetchone() is not None
        for table, column in (("chunks", "doc_id"), ("documents", "id"), ("originals", "id")):
            db.execute(f"delete from {table} where {column} = ?", [doc_id])
        self._documents_changed()
        return found

    def documents(self, limit: int = -1) -> list[DocumentRecord]:
        """Documents, newest meeting first (at most ``limit``; all when it is -1)."""
        rows = self._rows("select * from documents order by coalesce(date, '') desc, title limit ?", [limit])
        return [_record(row) for row in rows]

    def documents_version(self) -> str | None:
        """A key that changes whenever documents are added, replaced or removed (in any process)."""
        return self.get_meta(_DOCUMENTS_VERSION)

    def _documents_changed(self) -> None:
        """Bump ``documents_version``, inside the transaction that changes the documents."""
        self.db.execute(
            "insert into meta (key, value) values (?, '1') on conflict (key) do update set value = value + 1",
            [_DOCUMENTS_VERSION],
        )

    def document(self, doc_id: str) -> DocumentRecord | None:
        return self.documents_by_id([doc_id]).get(doc_id)

    def documents_by_id(self, doc_ids: Iterable[str]) -> dict[str, DocumentRecord]:
        """Documents by id (missing ids are left out): from memory while no document has
        changed since they were read, else in one query."""
        version = self.documents_version()
        if self._records[0] != version:
            self._records = (version, OrderedDict())
        cache = self._records[1]
        wanted = list(dict.fromkeys(doc_ids))
        with self._records_lock:
            found = {doc_id: cache[doc_id] for doc_id in wanted if doc_id in cache}
        missing = [doc_id for doc_id in wanted if doc_id not in found]
        if missing:
            rows = self._rows(f"select * from documents where id in ({', '.join('?' * len(missing))})", missing)
            fetched = {row["id"]: _record(row) for row in rows}
            found |= fetched
            with self._records_lock:
                cache.update(fetched)
                while len(cache) > CACHED_DOCUMENTS:
                    cache.popitem(last=False)
        return {doc_id: found[doc_id] for doc_id in wanted if doc_id in found}

    def documents_held_between(self, start: date | None, end: date | None) -> list[str]:
        """Ids of the documents whose meeting day falls in [start, end], either end open, earliest first
        (then by id).

        Only a full, possible date counts (``when.meeting_day``): a partial one (``--06-04``) or
        none is in no period, for every period names its years (even 3月 is this year's), and a
        report whose year is unknown would otherwise be in every scope; 2023-13-01 is in none.
        """
        rows = self.db.execute(
            "select id, date from documents where date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
            " and date >= ? and date <= ? order by date, id",
            [start.isoformat() if start else "0000-00-00", end.isoformat() if end else "9999-99-99"],
        ).fetchall()
        return [doc_id for doc_id, held in rows if meeting_day(held) is not None]

    def chunk_count(self) -> int:
        return self.db.execute("select count(*) from chunks").fetchone()[0]

    def chunks(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], ChunkRecord]:
        """Chunks by (document id, position); missing keys are left out."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        # Joined from the list of keys, so each is one primary-key lookup (a row-value IN list scans the table).
        rows = self._rows(
            f"select c.* from (values {', '.join(['(?, ?)'] * len(wanted))}) as k"
            " join chunks c on c.doc_id = k.column1 and c.position = k.column2",
            [value for key in wanted for value in key],
        )
        return {(row["doc_id"], row["position"]): _chunk(row) for row in rows}

    def chunks_of(self, doc_id: str, first: int = 0, last: int | None = None) -> list[ChunkRecord]:
        """A document's chunks with positions in [first, last], in order."""
        rows = self._rows(
            "select * from chunks where doc_id = ? and position >= ? and position <= ? order by position",
            [doc_id, first, last if last is not None else 2**62],
        )
        return [_chunk(row) for row in rows]

    def first_chunk_under(self, doc_id: str, label: str, first: int, last: int | None = None) -> ChunkRecord | None:
        """The first chunk in positions [first, last] whose heading path has ``label`` as one of its points."""
        rows = self._rows(
            "select * from chunks where doc_id = ? and position >= ? and position <= ? and instr(heading, ?) > 0"
            " order by position",
            [doc_id, first, last if last is not None else 2**62, label],
        )
        return next((chunk for chunk in map(_chunk, rows) if label in chunk.heading.split(HEADING_SEPARATOR)), None)

    def headings(self, doc_ids: list[str]) -> list[str]:
        """The distinct heading paths of some documents, in document and position order."""
        rows = self.db.execute(
            f"select heading from chunks where doc_id in ({', '.join('?' * len(doc_ids))}) and heading != ''"
            " group by doc_id, heading order by min(rowid)",
            doc_ids,
        ).fetchall()
        return [row[0] for row in rows]

    def iter_chunks(self) -> Iterator[tuple[DocumentRecord, ChunkRecord]]:
        """Every chunk with its document, for rebuilding the search index from stored tokens."""
        for document in self.documents():
            for chunk in self.chunks_of(document.id):
                yield document, chunk

    def originals(self) -> Iterator[StoredOriginal]:
        """The stored originals in the order their documents were added (then those of documents
        without a reprint signature, oldest first), so a rebuild founds the same reprint families."""
        rows = self._rows(
            "select o.id, o.name, o.format, o.content from originals o left join reprints r on r.doc_id = o.id"
            " order by r.sequence is null, r.sequence, o.added_at, o.id"
        )
        for row in rows:
            yield StoredOriginal(row["id"], row["name"], row["format"], row["content"])

    def origin(self, doc_id: str) -> tuple[str, str] | None:
        """The name and format of a document's stored original, if it is stored."""
        row = self.db.execute("select name, format from originals where id = ?", [doc_id]).fetchone()
        return (row[0], row[1]) if row else None

    def forget_stale_band_keys(self, signature_format: bytes, signature_size: int) -> None:
        """Delete the band keys of signatures not of ``signature_size`` bytes starting with
        ``signature_format``: until signed again, such a document is no candidate reprint of any
        (its signature could not be compared), and is listed by ``unsigned_documents``."""
        stale, parameters = _stale_signature("signature", signature_format, signature_size)
        self.db.execute(f"delete from reprint_bands where doc_id in (select doc_id from reprints where {stale})", parameters)

    def unsigned_documents(self, signature_format: bytes, signature_size: int, limit: int) -> list[str]:
        """Ids of at most ``limit`` documents without a reprint signature of ``signature_size`` bytes
        starting with ``signature_format`` and its band keys (stored before there were any, or signed
        another way), in the order they were added (those never signed after the rest, oldest first)."""
        stale, parameters = _stale_signature("r.signature", signature_format, signature_size)
        rows = self.db.execute(
            "select d.id from documents d left join originals o on o.id = d.id left join reprints r on r.doc_id = d.id"
            f" where r.doc_id is null or {stale}"
            " or not exists (select 1 from reprint_bands b where b.doc_id = d.id)"
            " order by r.sequence is null, r.sequence, o.added_at, d.id limit ?",
            [*parameters, limit],
        ).fetchall()
        return [row[0] for row in rows]

    def families(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Each document's reprint family: the id of the earliest-added document it reprints, else its
        own (also for a document without a signature yet)."""
        wanted = list(dict.fromkeys(doc_ids))
        if not wanted:
            return {}
        rows = self.db.execute(
            f"select doc_id, family from reprints where doc_id in ({', '.join('?' * len(wanted))})", wanted
        ).fetchall()
        found = dict(rows)
        return {doc_id: found.get(doc_id, doc_id) for doc_id in wanted}

    def family_members(self, families: Iterable[str]) -> dict[str, list[DocumentRecord]]:
        """The documents of each reprint family of more than one, in the order they were added (its
        first member first); a family of one is left out (most are, and need no records read)."""
        wanted = list(dict.fromkeys(families))
        if not wanted:
            return {}
        rows = self.db.execute(
            f"select family, doc_id from reprints where family in ({', '.join('?' * len(wanted))}) order by sequence", wanted
        ).fetchall()
        grouped: dict[str, list[str]] = {}
        for family, doc_id in rows:
            grouped.setdefault(family, []).append(doc_id)
        grouped = {family: doc_ids for family, doc_ids in grouped.items() if len(doc_ids) > 1}
        records = self.documents_by_id(doc_id for doc_ids in grouped.values() for doc_id in doc_ids)
        return {family: [records[doc_id] for doc_id in doc_ids if doc_id in records] for family, doc_ids in grouped.items()}


def _stale_signature(column: str, signature_format: bytes, signature_size: int) -> tuple[str, list[object]]:
    """SQL true for a stored signature made another way (another size or format byte), and its parameters."""
    return f"(length({column}) != ? or substr({column}, 1, ?) != ?)", [signature_size, len(signature_format), signature_format]


def _document_row(document: Document, added_at: str) -> dict[str, object]:
    meta = document.meta
    return {
        "id": document.id, "name": document.name, "title": meta.title, "date": meta.date, "place": meta.place,
        "source_url": meta.source_url, "speakers": json.dumps(document.speakers, ensure_ascii=False),
        "chunk_count": len(document.chunks), "char_count": sum(len(c.text) for c in document.chunks),
        "content_hash": document.content_hash, "added_at": added_at,
        "title_tokens": document.title_tokens, "place_tokens": document.place_tokens,
        "meeting_kind": document.meeting.kind, "meeting_ordinal": str(document.meeting.ordinal or "") or None,
        "chair": document.meeting.chair,
    }


def _json(text: str | None, empty: type[list] | type[dict]) -> list | dict:
    """A stored JSON list or object; most are empty, and skipping the parser for them shows
    on the search path (fifty chunks per question)."""
    return json.loads(text) if text and len(text) > 2 else empty()


def _record(row: sqlite3.Row) -> DocumentRecord:
    return DocumentRecord(
        id=row["id"], name=row["name"], title=row["title"], date=row["date"], place=row["place"],
        source_url=row["source_url"], speakers=_json(row["speakers"], dict),
        chunk_count=row["chunk_count"], char_count=row["char_count"], added_at=row["added_at"],
        title_tokens=_token_text(row, "title_tokens", "title"), place_tokens=_token_text(row, "place_tokens", "place"),
        meeting=Meeting(row["meeting_kind"], Ordinal.parse(row["meeting_ordinal"]), row["chair"]),
    )


def _chunk(row: sqlite3.Row) -> ChunkRecord:
    return ChunkRecord(
        doc_id=row["doc_id"], position=row["position"], paragraph=row["paragraph"], text=row["text"],
        heading=row["heading"], voices=tuple(_json(row["speakers"], list)), token_text=row["tokens"],
        heading_tokens=_token_text(row, "heading_tokens", "heading"), page=row["page"], ocr=bool(row["ocr"]),
    )


def _token_text(row: sqlite3.Row, column: str, source: str) -> str:
    """A stored token text, or for a row written without one (by a version 1 program still running
    beside this one) its source column's, cut now."""
    stored = row[column]
    return stored if stored is not None else token_text(row[source] or "")


class Staging:
    """Side tables that receive a rebuilt catalogue while the live one keeps serving."""

    def __init__(self, store: Store) -> None:
        self.store = store
        with store.transaction():
            store.drop_staging()
            store._create_content_tables(*(staged for staged, _live in _STAGED_TABLES))

    def put_documents(self, documents: Iterable[Document]) -> None:
        self.store._write(documents, "documents_next", "chunks_next", with_originals=False)

    def reprint_rows(self) -> ReprintRows:
        return ReprintRows(self.store, "reprints_next", "reprint_bands_next")

    def publish(self) -> None:
        """Replace the live rows with the staged ones (call inside ``transaction``)."""
        for staged, live in _STAGED_TABLES:
            columns = ", ".join(self.store.db[staged].columns_dict)  # by name: an older live table added some last
            self.store.db.execute(f"delete from {live}")
            self.store.db.execute(f"insert into {live} ({columns}) select {columns} from {staged}")
        self.store._documents_changed()
        self.store.drop_staging()


class ReprintRows:
    """The reprint signatures, families and LSH band keys of the live documents or of a rebuild's
    (``index.reprints.Reprints`` decides the families; call inside ``transaction``)."""

    def __init__(self, store: Store, table: str, bands_table: str) -> None:
        self.store = store
        self.table = table
        self.bands_table = bands_table

    def candidates(self, keys: list[int]) -> list[tuple[str, str, bytes]]:
        """(id, family, signature) of the documents sharing a band key with ``keys``, in the order added."""
        return self.store.db.execute(
            f"select doc_id, family, signature from {self.table} where doc_id in"
            f" (select doc_id from {self.bands_table} where key in ({', '.join('?' * len(keys))})) order by sequence",
            keys,
        ).fetchall()

    def insert(self, doc_id: str, family: str, signature: bytes, keys: list[int]) -> None:
        """Store a document's signature as added after every stored one."""
        conn = self.store.db.conn
        conn.execute(
            f"insert into {self.table} (doc_id, family, signature, sequence)"
            f" select ?, ?, ?, coalesce(max(sequence), 0) + 1 from {self.table}",
            [doc_id, family, signature],
        )
        conn.executemany(f"insert into {self.bands_table} (key, doc_id) values (?, ?)", [(key, doc_id) for key in keys])

    def family_of(self, doc_id: str) -> str | None:
        row = self.store.db.execute(f"select family from {self.table} where doc_id = ?", [doc_id]).fetchone()
        return row[0] if row else None

    def members(self, family: str) -> list[str]:
        """A family's documents in the order they were added."""
        rows = self.store.db.execute(f"select doc_id from {self.table} where family = ? order by sequence", [family])
        return [row[0] for row in rows]

    def move(self, family: str, heir: str) -> None:
        """Every member of ``family`` into the family ``heir``."""
        self.store.db.execute(f"update {self.table} set family = ? where family = ?", [heir, family])

    def delete(self, doc_id: str) -> None:
        for table in (self.table, self.bands_table):
            self.store.db.execute(f"delete from {table} where doc_id = ?", [doc_id])
