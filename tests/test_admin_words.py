"""Words admins teach the segmenter (``DATA_DIR/words.txt``): read, validated, installed, fingerprinted."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import build_all
from index.read import SourceText
from index.tokenize import _segmenter, install_words, segment, token_text, tokenize, tokenize_question, use_words
from index.words import NO_WORDS, read_words

UNKNOWN = "共富工坊"
"""A programme name jieba's dictionary lacks (it cuts it 共富 | 工坊)."""

REPORT = f"""市农业农村局召开{UNKNOWN}建设推进会

6月3日，市农业农村局召开{UNKNOWN}建设推进会，部署下半年强村富民工作。
会议要求，各县要在9月底前建成一批{UNKNOWN}，带动农户就近就业增收。
"""


@pytest.fixture(autouse=True)
def no_admin_words() -> Iterator[None]:
    """Each test starts and ends with only the built-in words: installed words are process-wide."""
    install_words(NO_WORDS)
    yield
    install_words(NO_WORDS)


def _words_file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "words.txt"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_an_admin_word_jieba_splits_is_one_token_once_installed(tmp_path: Path) -> None:
    assert not _segmenter().has_word(UNKNOWN) and segment(UNKNOWN) == ["共富", "工坊"]
    words = use_words(_words_file(tmp_path, f"{UNKNOWN} nz\n"))
    assert [entry.word for entry in words.entries] == [UNKNOWN]
    assert tokenize(f"推进{UNKNOWN}建设") == ["推进", UNKNOWN, "建设"]
    assert UNKNOWN in tokenize_question(f"{UNKNOWN}建了多少个"), "questions are cut with the same words"


def test_titles_cut_before_the_words_changed_are_cut_again(tmp_path: Path) -> None:
    title = f"{UNKNOWN}建设推进会"
    assert UNKNOWN not in token_text(title).split()
    use_words(_words_file(tmp_path, UNKNOWN))
    assert UNKNOWN in token_text(title).split()


def test_words_are_normalized_like_the_text_they_are_found_in(tmp_path: Path) -> None:
    use_words(_words_file(tmp_path, "浙裡辦\n"))
    assert "浙里办" in tokenize("打開浙裡辦申請")


def test_a_missing_file_means_no_extra_words(tmp_path: Path) -> None:
    use_words(_words_file(tmp_path, UNKNOWN))
    words = use_words(tmp_path / "absent.txt")
    assert words == NO_WORDS and words.fingerprint == ""
    assert segment(UNKNOWN) == ["共富", "工坊"], "installing replaces the words before"


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_worker_processes_cut_with_the_words_of_the_process_that_starts_them(
    tmp_path: Path, start_method: str
) -> None:
    source = SourceText(name="report.txt", text=REPORT, format="txt", original=REPORT.encode())
    use_words(_words_file(tmp_path, UNKNOWN))
    previous = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(start_method, force=True)
    try:
        spread = list(build_all([source, source], workers=2))  # one text for each worker
    finally:
        multiprocessing.set_start_method(previous, force=True)
    [alone] = build_all([source], workers=1)
    assert any(UNKNOWN in tokens.split() for tokens in alone.chunk_tokens)
    assert [document.chunk_tokens for document in spread] == [alone.chunk_tokens] * 2


def test_malformed_lines_are_skipped_with_a_warning_naming_the_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = "\n".join([
        "# 浙江的地名和工作品牌",  # 1
        f"{UNKNOWN} 300 nz",  # 2
        "浙里 办",  # 3: a word with a space inside
        "山海协作 1.5 n",  # 4: not a whole-number frequency
        "一" * 21,  # 5: too long
        "",  # 6
        "数智乡村  # 2024年起",  # 7: a comment after the word
    ]).encode() + b"\n\xff\xfe\xe5\n\xef\xbb\xbf\xe4\xb8\x89\xe7\xa0\x81 ns\n"  # 8: not UTF-8; 9: 三码 with a BOM
    with caplog.at_level(logging.WARNING, logger="index.words"):
        words = read_words(_words_file(tmp_path, text))
    assert [(entry.word, entry.freq, entry.tag) for entry in words.entries] == [
        (UNKNOWN, 300, "nz"), ("数智乡村", None, None), ("三码", None, "ns"),
    ]
    assert [record.getMessage().split(" skipped")[0].rsplit("/", 1)[-1] for record in caplog.records] == [
        "words.txt line 3", "words.txt line 4", "words.txt line 5", "words.txt line 8",
    ]


def test_the_fingerprint_follows_the_words_not_their_order_or_comments(tmp_path: Path) -> None:
    def fingerprint(text: str) -> str:
        return read_words(_words_file(tmp_path, text)).fingerprint

    base = fingerprint(f"{UNKNOWN} nz\n三码\n浙里办 100\n")
    assert len(base) == 12
    assert fingerprint(f"# 品牌\n浙里办 100  # 政务服务\n\n三码\n{UNKNOWN} nz\n三码\n") == base
    assert fingerprint(f"{UNKNOWN} nz\n三码\n浙裡辦 100\n") == base, "Traditional or Simplified, one word"
    assert fingerprint(f"{UNKNOWN} nz\n三码\n浙里办 200\n") != base, "a frequency changes the cut"
    assert fingerprint(f"{UNKNOWN} nz\n三码\n") != base
    assert fingerprint(f"{UNKNOWN} nz\n三码\n浙里办 100\n山海协作\n") != base


def test_a_failed_rebuild_keeps_the_words_the_serving_index_was_cut_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from index import collection as collection_module
    from index.collection import Collection
    from index.tokenize import installed_words

    (tmp_path / "words.txt").write_text("千万工程\n", encoding="utf-8")
    collection = Collection(tmp_path / "m.db")
    serving = installed_words()
    (tmp_path / "words.txt").write_text("千万工程\n浙里办\n", encoding="utf-8")

    def failing(*args: object, **kwargs: object) -> Iterator[object]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(collection_module, "build_all", failing)
    with pytest.raises(RuntimeError):
        collection.rebuild()
    assert installed_words() == serving and collection.words == serving
    collection.close()
