"""The collection end to end: ingest, idempotent re-index, search, rebuild, remove."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

import index.collection
from index.collection import Collection
from index.store import SCHEMA_VERSION


def test_indexes_folder_and_answers_with_source(collection: Collection, meeting_files: Path) -> None:
    report = collection.add_paths([meeting_files])
    assert len(report.added) == 2 and not report.skipped
    answer = collection.ask(["秋粮收购有什么要求"])
    assert answer.passages, "a question about the grain meeting must find it"
    top = answer.passages[0]
    assert "秋粮" in top.title
    assert top.date == "2023-09-12"
    assert top.source_url == "http://nyj.example.gov.cn/xw/202309/t20230913_1.html"
    assert any("秋粮" in top.text[a:b] for a, b in top.highlights)


def test_reindexing_same_files_changes_nothing(collection: Collection, meeting_files: Path) -> None:
    collection.add_paths([meeting_files])
    chunks_before = collection.store.chunk_count()
    again = collection.add_paths([meeting_files])
    assert not again.added and len(again.unchanged) == 2
    assert collection.store.chunk_count() == chunks_before
    assert collection.index.num_docs() == chunks_before


def test_same_text_in_another_encoding_is_the_same_document(collection: Collection, tmp_path: Path, meeting_files: Path) -> None:
    collection.add_paths([meeting_files / "grain.txt"])
    gbk = tmp_path / "grain-gbk.txt"
    gbk.write_bytes((meeting_files / "grain.txt").read_text(encoding="utf-8").encode("gbk"))
    assert collection.add_paths([gbk]).unchanged == [str(gbk)]


def test_rebuild_swaps_generation_and_keeps_answers(collection: Collection, meeting_files: Path) -> None:
    collection.add_paths([meeting_files])
    old_generation = collection.index.generation
    report = collection.rebuild()
    assert len(report.added) == 2
    assert collection.index.generation != old_generation
    assert collection.ask(["河道清淤"]).passages


def test_remove_document(collection: Collection, meeting_files: Path) -> None:
    report = collection.add_paths([meeting_files])
    river = next(record for record in report.added if "河湖" in record.title)
    assert collection.remove(river.id)
    assert not collection.ask(["河道清淤"]).passages
    assert collection.store.chunk_count() == collection.index.num_docs()
    assert not collection.remove(river.id)


def test_missing_index_is_rebuilt_from_catalogue(tmp_path: Path, meeting_files: Path) -> None:
    first = Collection(tmp_path / "c.db")
    first.add_paths([meeting_files])
    generation_dir = first.index.path
    first.close()
    shutil.rmtree(generation_dir)
    reopened = Collection(tmp_path / "c.db")
    assert reopened.ask(["河道清淤"]).passages


def test_a_version_1_catalogue_gets_the_token_texts_a_new_one_stores(tmp_path: Path) -> None:
    """Version 1 stored no token texts of headings, titles and places; opening it adds them, cut as a new
    catalogue cuts them, and its rebuilds publish into the widened tables."""
    db = tmp_path / "c.db"
    first = Collection(db)
    first.add_paths([Path(__file__).parent / "meetings"])
    first.close()
    columns = {"documents": ["title_tokens", "place_tokens"], "chunks": ["heading_tokens"]}
    with closing(sqlite3.connect(db)) as connection, connection:
        expected = {table: connection.execute(f"select {', '.join(names)} from {table} order by rowid").fetchall()
                    for table, names in columns.items()}
        for table, names in columns.items():
            for name in names:
                connection.execute(f"alter table {table} drop column {name}")
        connection.execute("update meta set value = '1' where key = 'schema_version'")
    shutil.rmtree(db.with_name(db.name + ".tantivy"))  # rebuilt from the catalogue's stored tokens on opening
    reopened = Collection(db)
    with closing(sqlite3.connect(db)) as connection, connection:
        assert {table: connection.execute(f"select {', '.join(names)} from {table} order by rowid").fetchall()
                for table, names in columns.items()} == expected
        assert connection.execute("select value from meta where key = 'schema_version'").fetchone() == (SCHEMA_VERSION,)
        connection.execute("update chunks set heading_tokens = null")  # as a version 1 program still running writes
    assert any(heading for (heading,) in expected["chunks"]) and all(title for title, _place in expected["documents"])
    assert {chunk.heading_tokens for _document, chunk in reopened.store.iter_chunks()} == set(heading for (heading,) in expected["chunks"])
    assert len(reopened.rebuild().added) == len(expected["documents"])
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("select heading_tokens from chunks order by rowid").fetchall() == expected["chunks"]
    assert reopened.ask(["高标准农田建设有什么要求"]).passages
    reopened.close()


def test_unrelated_question_gets_nothing(collection: Collection, meeting_files: Path) -> None:
    collection.add_paths([meeting_files])
    assert collection.ask(["载人航天发射计划"]).passages == []


def test_follow_up_inherits_topic(collection: Collection, meeting_files: Path) -> None:
    collection.add_paths([meeting_files])
    follow_up = collection.ask(["秋粮收购工作", "具体时间节点呢"])
    assert follow_up.query.terms.get("秋粮", 0) > 0, "the follow-up must carry the previous topic"
    assert follow_up.passages and "秋粮" in follow_up.passages[0].title


def test_seeded_collection_answers_farmland_question(tmp_path: Path) -> None:
    seeded = Collection(tmp_path / "seeded.db")
    seeded.ensure_seeded()
    assert len(seeded.documents()) == 5
    answer = seeded.ask(["会议对高标准农田提出了什么要求"])
    assert answer.passages and "高标准农田" in answer.passages[0].text


def test_more_documents_than_the_record_cache_holds_are_all_returned(collection: Collection, meeting_files: Path, monkeypatch) -> None:
    import index.store

    collection.add_paths([meeting_files])
    ids = [document.id for document in collection.documents()]
    monkeypatch.setattr(index.store, "CACHED_DOCUMENTS", 1)
    assert set(collection.store.documents_by_id(ids)) == set(ids)
    assert set(collection.store.documents_by_id(ids)) == set(ids), "and again, partly from the cache"


def test_an_upload_by_another_process_waits_for_a_rebuild_and_is_kept(
    collection: Collection, meeting_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adding holds the catalogue's lock shared, a rebuild exclusive: an upload from another
    process (here another Collection on the same files) waits for the swap instead of being
    overwritten by it."""
    collection.add_paths([meeting_files / "grain.txt"])
    other = Collection(collection.db_path)
    building = index.collection.build_all
    rebuilding, finished = threading.Event(), []

    def slow_build(*args: object, **kwargs: object) -> Iterator[object]:
        for built in building(*args, **kwargs):
            rebuilding.set()
            time.sleep(0.5)
            yield built

    def upload() -> None:
        rebuilding.wait(10)
        other.add_paths([meeting_files / "river.txt"])
        finished.append(time.monotonic())

    monkeypatch.setattr(index.collection, "build_all", slow_build)
    uploader = threading.Thread(target=upload)
    uploader.start()
    collection.rebuild()
    swapped = time.monotonic()
    monkeypatch.undo()
    uploader.join(10)
    assert finished and finished[0] >= swapped, "the upload waited for the rebuild"
    assert len(collection.documents()) == 2
    deadline = time.monotonic() + 10  # this process's reader follows the other's commit within moments
    while collection.index.num_docs() != collection.store.chunk_count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert collection.index.num_docs() == collection.store.chunk_count()
    assert any("河" in passage.title for passage in collection.ask(["河长制工作有什么要求"]).passages)
    other.close()
