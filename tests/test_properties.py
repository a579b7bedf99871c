"""Properties of the text pipeline and of search, checked on generated texts (hypothesis).

Cleaning, chunking and normalization must take any text (users upload whatever they
have), lose none of the body, and change nothing when run on their own output; a
question of any Unicode must get an answer (maybe an empty one), never an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from index.chunk import Chunk, chunk_paragraphs
from index.clean import clean, ends_sentence, is_header_line
from index.collection import Collection, seed_sources
from index.normalize import _nfkc, compact, normalize, normalize_with_offsets
from index.read import SourceText
from index.speakers import split_sentences

_FRAGMENTS = [
    # Simplified and Traditional meeting-report words, pinyin glosses as some sites print them.
    "县委召开", "乡村振兴", "工作推进会", "会议强调", "要抓紧抓实", "高标准农田建设", "确保年底前全面完工",
    "市委书记李猛主持会议并讲话", "李猛强调", "他要求", "9月3日", "2024年", "德州召開鄉(xiāng)村振興會議",
    "落實黨中央決策部(bù)署", "鄉\n(xiāng)", "麼(me)", "鄉（xiāng）", "(GDP)", "工作(上)", "的", "和",
    # Words of chrome and notices, which may also occur in body sentences.
    "版权", "转载", "侵权", "授权", "本站", "分享", "在看", "点赞", "扫一", "扫", "编辑", "来源", "领取",
    # Punctuation, full-width forms and whitespace.
    "，", "。", "、", "；", "：", "！", "？", "“", "”", "（", "）", "【", "】", "《", "》", "——", "…", "|",
    "ＡＢＣ１２３", "　", " ", "\t",
    # Invisible and control characters, emoji.
    "\u200b", "\u200d", "\ufeff", "\u2028", "\x00", "\x07", "\x0b", "\x1b", "\x1c", "\x85", "😀", "👍", "🇨🇳", "👉",
    # Markup some documents are saved as.
    "<p>", "</p>", "<br/>", "&amp;", "&lt;p&gt;", "**", "__", "# ", "- ", "> ", "[链接](http://example.com)",
    "http://www.example.gov.cn/a.html",
]
_LINES = [
    # Web and WeChat chrome, credits, notices and labels.
    "免责声明", "【免责声明】本文转自网络，版权归原作者所有，如有侵权请联系删除。", "微信扫一扫", "关注该公众号",
    "查看全文", "原文链接：http://www.example.gov.cn/a.html", "信息来源：某县融媒体中心", "编辑：李四", "记者|周九",
    "分享 收藏 点赞 在看", "►学习资料这里找", "微信号", "xianweiyan", "功能介绍", "推荐阅读", "相关新闻",
    "①凡本网注明的作品，均为本网所有。", "②如有疑问，请致电编辑部。",
    # Outline markers and numbered headings.
    "【提纲】一、压实责任二、强化保障", "一、提高政治站位", "二、", "（一）统一思想认识", "(二)", "1.加强学习", "2、",
    "第二点意见", "一是要抓生产。", "二要压实责任",
]
_BREAKS = ["\n", "\n", "\n\n", "\r\n", "\r", " \n", "\n\u3000\n"]

_CHROME_PROSE = [
    "会议要求", "规范", "版权", "转载", "授权", "侵权", "本站", "免责", "声明", "查看", "全文", "扫一", "扫", "点赞", "在看",
    "分享", "采编", "编辑", "来源", "：", "|", "，", "，", "。", "http://", "a.cn", "鄉", "(xiāng)", "[", "](", ")", "**",
]
"""Words chrome rules look for, to be split and joined across line breaks."""
_LINE = st.one_of(
    st.sampled_from(_LINES),
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=8).map("".join),
    st.lists(st.sampled_from(_CHROME_PROSE), min_size=1, max_size=6).map("".join),
)
DOCUMENT = st.lists(st.tuples(_LINE, st.sampled_from(_BREAKS)), max_size=24).map(
    lambda lines: "".join(line + end for line, end in lines)
)
"""Documents of meeting-report lines, chrome, markup and arbitrary characters, broken in every way."""
TEXT = st.one_of(DOCUMENT, st.text())
_SPEECH = [
    "会议强调，要深入学习贯彻党的二十大精神，坚持农业农村优先发展。", "一是要抓好粮食生产，稳定播种面积。", "二是", "三要",
    "（一）", "1.", "第二点意见，", "县长郭伟强调，", "他要求，", "要统筹推进各项重点工作", "；", "。", "！", "”", "……", "，",
]
LONG_DOCUMENT = st.lists(
    st.lists(st.one_of(st.sampled_from(_SPEECH), st.text(max_size=3)), min_size=20, max_size=150).map("".join),
    min_size=1,
    max_size=4,
).map("\n\n".join)
"""Speeches given as one long paragraph each: numbered points, speakers, semicolons, sentences longer than a chunk."""
BODY = st.one_of(TEXT, LONG_DOCUMENT)


def _chunks_by_paragraph(chunks: list[Chunk]) -> dict[int, list[str]]:
    by_paragraph: dict[int, list[str]] = {}
    for chunk in chunks:
        by_paragraph.setdefault(chunk.paragraph, []).append(chunk.text)
    return by_paragraph


# -- never crash ------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_cleaning_chunking_and_normalizing_take_any_text(text: str) -> None:
    cleaned = clean(text)
    assert all(paragraph.strip() and "\n" not in paragraph for paragraph in cleaned.paragraphs)
    chunks = chunk_paragraphs(cleaned.paragraphs)
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    key, offsets = normalize_with_offsets(text)
    assert len(offsets) == len(key)
    assert offsets == sorted(offsets) and all(0 <= offset < len(text) for offset in offsets)
    assert compact(text) == "".join(key.split())


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(categories=["Cs"]), st.sampled_from("会議，。 \n")), min_size=1))
def test_lone_surrogates_are_dropped_from_keys(text: str) -> None:
    """A JSON message can carry a lone surrogate, which no encoder (OpenCC's neither) accepts."""
    assert not any("\ud800" <= char <= "\udfff" for char in normalize(text))
    chunk_paragraphs(clean(text).paragraphs)


# -- no body text lost ------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(BODY)
def test_every_sentence_of_the_cleaned_body_lands_in_a_chunk_of_its_paragraph(text: str) -> None:
    paragraphs = clean(text).paragraphs
    by_paragraph = _chunks_by_paragraph(chunk_paragraphs(paragraphs))
    assert sorted(by_paragraph) == list(range(1, len(paragraphs) + 1))
    for number, paragraph in enumerate(paragraphs, start=1):
        chunks = [compact(chunk) for chunk in by_paragraph[number]]
        assert "".join(chunks) == compact(paragraph), "a paragraph's chunks are the paragraph, in order"
        for sentence in split_sentences(paragraph):
            assert any(compact(sentence) in chunk for chunk in chunks), f"sentence lost: {sentence!r}"


_BODY_WORDS = [
    "会议强调", "要抓紧抓实", "高标准农田建设", "确保年底前全面完工", "乡村振兴", "9月3日", "2024年", "县委召开",
    "德州召開鄉(xiāng)村振興會議", "落實黨中央決策部(bù)署", "一、提高政治站位", "（一）统一思想认识", "1.加强学习",
    "第二点意见", "一是", "【提纲】", "李猛强调", "，", "、", " ", "ＡＢＣ", "“", "”",
]
_BODY_LINE = st.builds(
    str.__add__,
    st.lists(st.sampled_from(_BODY_WORDS), min_size=1, max_size=6).map("".join).filter(
        lambda line: any("\u4e00" <= char <= "\u9fff" for char in line)
    ),
    st.sampled_from(["。", "！", "？", "；", "：", "”", "，", ""]),
).filter(lambda line: not is_header_line(line))
"""A line of body text: words no chrome rule looks for, glosses, numbered headings, any ending (but a date
standing alone, 2024年9月3日, which is the page's date line)."""
_CHROME = {
    "【免责声明】本文转自网络，版权归原作者所有，如有侵权请联系删除。": "legal", "免责声明：本站部分内容转载自网络。": "legal",
    "原文链接：http://www.example.gov.cn/a.html": "label", "信息来源：某县融媒体中心": "label", "编辑：李四": "label",
    "采编：张三": "label", "记者|周九": "label", "微信号": "account", "功能介绍": "account", "微信扫一扫": "chrome",
    "关注该公众号": "chrome", "查看全文": "chrome", "分享 收藏 点赞 在看": "chrome", "►学习资料这里找": "chrome",
    "前往“发现”-“看一看”浏览“朋友在看”": "chrome", "推荐阅读": "related", "相关新闻": "related",
}
_GLOSSES = [("鄉(xiāng)", "鄉"), ("部(bù)", "部")]


def _unglossed(line: str) -> str:
    for glossed, plain in _GLOSSES:
        line = line.replace(glossed, plain)
    return line


def _surviving_body(lines: list[tuple[str, str]]) -> list[str]:
    """The body lines cleaning keeps, by its stated rules on what follows chrome: a legal notice's
    numbered lines (1.…) are the notice's; a short line after an account label is the account's name
    or motto; a related-reading label that no body sentence follows ends the article."""
    survivors: list[str] = []
    labels: list[int] = []
    in_legal = after_account = False
    for line, kind in lines:
        if kind == "label":
            continue
        if kind == "related":
            labels.append(len(survivors))
            continue
        if in_legal and (kind != "body" or line.strip().startswith("1.")):
            continue
        in_legal = kind == "legal"
        if after_account and len(compact(_unglossed(line))) <= 40:
            after_account = False
            continue
        after_account = kind == "account"
        if kind == "body":
            survivors.append(_unglossed(line))
    last_sentence = max((index for index, line in enumerate(survivors) if ends_sentence(line)), default=-1)
    return survivors[: next((at for at in labels if at > last_sentence), len(survivors))]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.tuples(_BODY_LINE, st.just("body")), st.sampled_from(sorted(_CHROME.items()))), max_size=16
    ),
    st.lists(st.sampled_from(["\n", "\n\n"]), min_size=16, max_size=16),
)
@example(lines=[("【免责声明】本文转自网络，版权归原作者所有，如有侵权请联系删除。", "legal"), ("9月3日。", "body")],
         breaks=["\n"] * 16)  # a date is no numbered clause of the notice
def test_cleaning_keeps_every_body_line_in_order_and_drops_the_chrome(
    lines: list[tuple[str, str]], breaks: list[str]
) -> None:
    text = "".join(line + end for (line, _), end in zip(lines, breaks))
    body = compact("".join(clean(text).paragraphs))
    position = 0
    for line in _surviving_body(lines):
        found = body.find(compact(line), position)
        assert found >= 0, f"body line lost or out of order: {line!r}"
        position = found + len(compact(line))
    for line, kind in lines:
        if kind != "body":
            assert compact(line) not in body, f"chrome kept: {line!r}"


# -- idempotence ------------------------------------------------------------------

_ANY_GLOSS = re.compile(r"[（(][a-zA-Zü\u00e0-\u01dc\u1e3f]{1,7}[1-5]?[)）]")
"""Every parenthesized latin syllable, gloss or not."""


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("&amp;编辑：李四")  # credits cut off a line, leaving no Chinese
@example("会议要求(xiāng)(xiāng)")  # a gloss after a gloss
@example("- - 会议强调，要抓紧。")  # nested list markers
@example("会议要求：**\n会议要求**")  # bold across a line break
@example("<p>&lt;p&gt;会议&lt;/p&gt;</p><p>强调</p>")  # escaped tags
@example("：转载\n版权授权")  # notice words that make a notice only once the lines are joined
@example("会议，查看全文。采编：" + "张" * 40)  # chrome once its credits are cut
@example("会议强调，要抓紧。\n乡村振兴。\n确保完工。\n县委召开。\n相关新闻\n" + "查看全文\n" * 10 + "会议要求。")
def test_cleaning_its_own_output_changes_nothing(text: str) -> None:
    once = clean(text).paragraphs
    assert clean("\n\n".join(once)).paragraphs == once


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_cleaning_its_output_without_blank_lines_only_rejoins_paragraphs(text: str) -> None:
    """Without the blank lines between them, paragraphs may be joined as broken lines are (a
    blank line after 会议强调， is the author's break, a single line break is not), but the text
    is the same, and every paragraph break made is one of the first cleaning's. Unless a paragraph
    starts with a parenthesized syllable: without the blank line before it, it is a pinyin gloss
    of the last character before (规范 / (xiāng)点赞 is 规范点赞, a line of buttons)."""
    once = clean(text).paragraphs
    assume(not any(_ANY_GLOSS.match(paragraph) for paragraph in once[1:]))
    again = clean("\n".join(once)).paragraphs
    rest = list(once)
    for paragraph in again:
        joined = ""
        while rest and len(joined) < len(paragraph):
            joined += rest.pop(0)
        assert joined == paragraph
    assert not rest


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, st.text(alphabet=st.characters(codec="utf-8", min_codepoint=0x3000))))
@example("薴")  # OpenCC: 薴→苧→苎
def test_normalizing_a_key_changes_nothing(text: str) -> None:
    key = normalize(text)
    assert normalize(key) == key


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("，（）；：！？％　<=>"), st.characters(categories=["M", "Lo"]))))
def test_normalization_folds_common_full_width_forms_as_nfkc_does(text: str) -> None:
    assert _nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=300, deadline=None)
@given(BODY)
def test_rechunking_the_chunks_gives_the_same_chunks(text: str) -> None:
    """A paragraph's chunks joined are the paragraph, so chunking them again gives the same chunks,
    headings and speakers. Each chunk taken as a paragraph of its own is one chunk with the same text,
    but its heading and speakers may differ by design: points numbered inside a paragraph end with it,
    and a paragraph's speaker carries on to its next sentences, not to the next paragraph."""
    paragraphs = clean(text).paragraphs
    chunks = chunk_paragraphs(paragraphs)
    rejoined = ["".join(texts) for texts in _chunks_by_paragraph(chunks).values()]
    assert rejoined == paragraphs
    assert chunk_paragraphs(rejoined) == chunks
    texts = [chunk.text for chunk in chunks]
    assert [chunk.text for chunk in chunk_paragraphs(texts)] == texts


# -- search -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    """The seed documents, indexed once for the module."""
    collection = Collection(tmp_path_factory.mktemp("properties") / "seeded.db")
    collection.add_sources(seed_sources())
    yield collection
    collection.close()


def _assert_answered(collection: Collection, turns: list[str]) -> None:
    answer = collection.ask(turns)
    event("with passages" if answer.passages else "no passage")
    for passage in answer.passages:
        end = 0
        for start, stop in passage.highlights:
            assert end <= start < stop <= len(passage.text), "highlights are sorted, disjoint spans of the text"
            end = stop


_SEED_SENTENCES = [
    sentence for source in seed_sources() if isinstance(source, SourceText) for sentence in split_sentences(source.text)
]


@st.composite
def _seed_phrase(draw: st.DrawFn) -> str:
    """A piece of a seed document's sentence, as a question about it would quote it."""
    sentence = draw(st.sampled_from(_SEED_SENTENCES)).strip()
    start = draw(st.integers(0, max(len(sentence) - 2, 0)))
    return sentence[start : start + draw(st.integers(2, 16))]


_ASKING = ["什么", "吗", "呢", "那", "具体措施", "有什么要求", "谁讲的", "什么时候", "在哪里开的", "？", ""]
QUESTION = st.one_of(
    st.text(min_size=1),
    st.text(min_size=2000, max_size=6000),
    st.text(alphabet=st.characters(categories=["P", "S", "Z"]), min_size=1),
    st.lists(st.one_of(st.sampled_from(_ASKING + _FRAGMENTS), st.text(max_size=3)), min_size=1, max_size=8).map("".join),
    st.lists(st.one_of(_seed_phrase(), st.sampled_from(_ASKING), st.text(max_size=2)), min_size=1, max_size=4).map("".join),
).filter(str.strip)
"""Any surrogate-free Unicode, very long strings, only punctuation, and pieces of the seeds with question words."""
_SHARED_COLLECTION = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@settings(_SHARED_COLLECTION, max_examples=150)
@given(question=QUESTION)
@example(question="河湖长制\udc00有什么要求")  # a lone surrogate, as a JSON message may carry
def test_any_question_is_answered_without_error(seeded: Collection, question: str) -> None:
    _assert_answered(seeded, [question])


@settings(_SHARED_COLLECTION, max_examples=80)
@given(first=QUESTION, second=QUESTION)
def test_any_follow_up_is_answered_without_error(seeded: Collection, first: str, second: str) -> None:
    _assert_answered(seeded, [first, second])


@pytest.mark.parametrize("blank", ["", " ", "\n\t\u3000"])
def test_a_blank_question_is_refused(seeded: Collection, blank: str) -> None:
    with pytest.raises(ValueError):
        seeded.ask([blank])
