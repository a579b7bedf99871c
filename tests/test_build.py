"""Building documents on worker processes, and the index-time and query-time pipelines agreeing."""

from __future__ import annotations

import logging
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import index.collection
from index.build import build_all
from index.collection import Collection, seed_sources
from index.document import build_document
from index.read import ReadError, SourceText
from index.tokenize import tokenize
from tests.conftest import MEETING_REPORT, RIVER_REPORT


def _source(name: str, text: str) -> SourceText:
    return SourceText(name=name, text=text, format="txt", original=text.encode())


def test_worker_processes_build_what_one_process_builds_in_input_order() -> None:
    sources = [
        _source("grain.txt", MEETING_REPORT), ReadError("broken.pdf", "no text layer"),
        _source("river.txt", RIVER_REPORT), _source("chrome.txt", "微信扫一扫\n分享\n"),
        *[item for item in seed_sources() if isinstance(item, SourceText)],
    ]
    alone = list(build_all(sources, workers=1))
    spread = list(build_all(sources, workers=2))
    assert [type(item) for item in spread] == [type(item) for item in alone]
    assert isinstance(spread[1], ReadError) and spread[1].name == "broken.pdf", "read errors keep their place"
    assert isinstance(spread[3], ReadError) and "没有正文" in spread[3].reason
    for one, other in zip(alone, spread):
        if not isinstance(one, ReadError):
            assert (other.id, other.chunks, other.chunk_tokens, other.chunk_bigrams) == (
                one.id, one.chunks, one.chunk_tokens, one.chunk_bigrams,
            )


def test_stored_tokens_are_the_tokens_a_question_with_the_same_text_gets() -> None:
    for source in seed_sources():
        document = build_document(source)
        assert document is not None
        for chunk, tokens in zip(document.chunks, document.chunk_tokens):
            assert tokens == " ".join(tokenize(chunk.text))


_TEXT = st.lists(
    st.sampled_from([*"會議鄉村振興體系农田建设要求，。、：“”（）ABC abc123１２３　\n", "xiāng", "高标准农田", "℃"]),
    min_size=1,
    max_size=60,
).map("".join)
"""Traditional and Simplified text, full-width forms, pinyin, units, punctuation and line breaks."""


@settings(max_examples=60, deadline=None)
@given(_TEXT)
def test_any_text_is_tokenized_alike_when_indexed_and_when_asked(text: str) -> None:
    document = build_document(_source("any.txt", text))
    for chunk, tokens in zip(document.chunks if document else [], document.chunk_tokens if document else []):
        assert tokens == " ".join(tokenize(chunk.text))


def test_a_catalogue_tokenized_by_another_pipeline_is_reprocessed(tmp_path: Path, caplog, monkeypatch) -> None:
    collection = Collection(tmp_path / "old.db")
    collection.add_sources([_source("grain.txt", MEETING_REPORT)])
    collection.close()
    monkeypatch.setattr(index.collection, "PIPELINE_VERSION", "next")
    with caplog.at_level(logging.WARNING, logger="index.collection"):
        reopened = Collection(tmp_path / "old.db")
    assert any("re-processing the originals" in record.getMessage() for record in caplog.records)
    assert reopened.store.get_meta("pipeline") == "next"
    assert reopened.ask(["秋粮收购有什么要求"]).passages, "answers come from the re-processed documents"
    reopened.close()
