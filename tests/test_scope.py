"""Which documents a word of a question names: a place or body in their title or issuer."""

from __future__ import annotations

import pytest

from index.scope import DocumentNames
from index.store import DocumentRecord
from index.tokenize import token_text


def _record(doc_id: str, title: str, place: str | None = None) -> DocumentRecord:
    return DocumentRecord(
        id=doc_id, name=f"{doc_id}.txt", title=title, date=None, place=place, source_url=None,
        speakers={}, chunk_count=1, char_count=len(title), added_at="",
        title_tokens=token_text(title), place_tokens=token_text(place or ""),
    )


FOUR_MEETINGS = [
    _record("dezhou", "德州市召开全市乡村振兴工作推进会议"),
    _record("jixian", "全县农业农村重点工作调度会议召开", place="集贤微言"),
    _record("herding", "全市农牧业实用技术培训工作会议", place="呼伦贝尔市农牧局"),
    _record("ningyang", "宁阳县安全生产工作会议"),
]
"""Every title has 会议 and 工作; each place or body is in one title or issuer."""


@pytest.fixture
def names() -> DocumentNames:
    return DocumentNames(FOUR_MEETINGS)


@pytest.mark.parametrize(
    ("word", "named"),
    [
        ("德州", "dezhou"),
        ("德州市", "dezhou"),
        ("宁阳县", "ningyang"),
        ("市农牧局", "herding"),
        ("集贤县", "jixian"),
    ],
    ids=["place-in-title", "title-place-with-suffix", "county-in-title", "body-in-issuer", "county-as-issuer-stem"],
)
def test_a_place_or_body_names_the_document_that_carries_it(names: DocumentNames, word: str, named: str) -> None:
    """集贤县 names the report issued by 集贤微言: the county's name without its 县."""
    assert names.named_by(word) == (named,)


def test_issuer_matches_come_before_title_matches() -> None:
    names = DocumentNames([
        _record("title", "宁阳县乡村振兴工作座谈会"),
        _record("issuer", "全县安全生产工作会议", place="宁阳县应急管理局"),
        _record("other", "德州市防汛工作会议"),
        _record("fourth", "市农牧局技术培训会议"),
    ])
    assert names.named_by("宁阳县") == ("issuer", "title")


@pytest.mark.parametrize(
    ("word", "documents"),
    [
        ("会议", FOUR_MEETINGS),
        ("工作", FOUR_MEETINGS),
        ("乡村振兴", FOUR_MEETINGS),
        ("德州", [
            _record("a", "德州市乡村振兴工作会议"),
            _record("b", "德州市安全生产工作会议"),
            _record("c", "德州市防汛抗旱工作会议"),
            _record("d", "宁阳县防汛抗旱工作会议"),
        ]),
    ],
    ids=["word-in-every-title", "another-word-in-every-title", "content-word-in-one-title", "place-in-most-titles"],
)
def test_words_that_do_not_single_out_documents_name_nothing(word: str, documents: list[DocumentRecord]) -> None:
    assert DocumentNames(documents).named_by(word) == ()


@pytest.mark.parametrize("word", ["全县", "全市", "县委", "市委", "党委", "县政府"])
def test_the_speakers_own_place_or_body_is_not_a_name(word: str) -> None:
    """全县 (the whole county), 县委 (the county's Party committee) …: whose, depends on who speaks."""
    documents = [*FOUR_MEETINGS, _record("generic", f"{word}召开{word}党建工作推进会议")]
    assert DocumentNames(documents).named_by(word) == ()
