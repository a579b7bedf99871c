"""The tantivy index generation: writers, and what happens when another one holds the index."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import tantivy

from index.search_index import SCHEMA, IndexedChunk, SearchIndex


def _chunk(doc_id: str) -> IndexedChunk:
    return IndexedChunk(doc_id=doc_id, position=0, fields={"body": "秋粮 收购", "bigram": "秋粮 粮收 收购"})


def test_a_writer_refused_by_another_process_leaves_the_index_writable(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "g1")
    other = tantivy.Index(SCHEMA, path=str(tmp_path / "g1"), reuse=True).writer(15_000_000)  # as another process would
    with pytest.raises(Exception):
        index.write([_chunk("a")])
    other.wait_merging_threads()
    done = threading.Event()
    threading.Thread(target=lambda: (index.write([_chunk("b")]), done.set()), daemon=True).start()
    assert done.wait(10), "the failed attempt released the writer slot"
    assert index.num_docs() == 1


def test_background_merges_keep_the_next_writer_waiting_not_failing(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "g1")
    for number in range(5):
        with index.writing(merge_in_background=True) as writing:
            writing.commit([_chunk(f"d{number}")])
    assert index.num_docs() == 5


def test_searching_some_documents_scores_their_chunks_as_searching_all_does(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "g1")
    long_report = [
        IndexedChunk(doc_id="long", position=n, fields={"body": "秋粮 收购 进度" if n == 0 else f"其他 事项{n}"})
        for n in range(40)
    ]
    short_notice = [IndexedChunk(doc_id="short", position=0, fields={"body": "秋粮 收购 秋粮 仓容"})]
    index.write(long_report + short_notice)
    clauses = [("body", "秋粮", 1.0), ("body", "收购", 1.0)]
    everywhere = {(hit.doc_id, hit.position): hit.score for hit in index.search(clauses, 10)}
    scoped = index.search(clauses, 10, doc_ids=["long", "short"])
    assert {(hit.doc_id, hit.position): hit.score for hit in scoped} == pytest.approx(everywhere)
    assert [hit.doc_id for hit in index.search(clauses, 10, doc_ids=["long"])] == ["long"]


def test_counts_within_some_documents_follow_what_the_index_holds(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "g1")
    index.write([IndexedChunk(doc_id=doc_id, position=position, fields={"body": body})
                 for doc_id, position, body in (("a", 0, "秋粮 收购"), ("a", 1, "安全 生产"), ("b", 0, "秋粮 烘干"), ("c", 0, "秋粮"))])
    assert index.doc_freqs_within("body", ["秋粮", "安全", "半导体"], ["a", "b"]) == (3, {"秋粮": 2, "安全": 1, "半导体": 0})
    index.write([IndexedChunk(doc_id="b", position=1, fields={"body": "秋粮 安全"})])
    assert index.doc_freqs_within("body", ["秋粮", "安全"], ["a", "b"]) == (4, {"秋粮": 3, "安全": 2}), "not the counts before"
