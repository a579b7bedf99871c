"""Word segmentation: normalized text → search tokens.

Documents and questions share ``tokenize``, so index-time and query-time tokens
always agree; questions additionally drop the words that only shape a question.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import rjieba

from .normalize import normalize
from .words import NO_WORDS, Words, parse_words, read_words

PIPELINE_VERSION = "15"
"""Changes with anything that changes the tokens of a text (cleaning, normalization, segmentation,
filtering) or what is stored of its meeting: a catalogue built by another version is re-processed from its originals.
2: OpenCC's C++ converter and jieba-rs instead of their pure-Python versions; lone letters dropped.
3: Traditional→Simplified until nothing changes, lone surrogates dropped; cleaning reads header
lines of several fields and nested markup, keeps body lines after notices.
4: a page's date lines are its date, not body; each document's meeting (kind, ordinal, chair) is stored.
5: Word documents with their list numbers, heading styles and table rows; Traditional marks read as Simplified.
6: a PDF's paragraphs are rebuilt from its layout (``index.pdf_layout``), scans read by OCR; each chunk's page is stored.
7: a meeting's ordinal is also read from its lead's name for it when the title's states none.
8: a meeting's type and ordinal after a body that ends like a meeting (…常委会第一百三十次委员长会议) name it.
9: 集体学习 is a meeting (全国政协党组举行集体学习).
10: more types of meeting: 汇报会, 民主生活会, 协调会, 部署会, 通报会, 分析会, 动员会, 务虚会, 茶话会.
11: a speaker titled before the day he spoke (总理李克强5日主持) is one whose sentences are attributed.
12: a date given with a text (a .jsonl row's) is its page's: the meeting's is the one its opening states.
13: 希望 and 肯定 are speech (习近平希望…); 他强调 after a sentence a speaker began is his.
14: 13's reading of 他强调 after a sentence a name began is undone (it took 习近平 from 习近平新时代…); a sentence
where a name is praised (郭伟的工作得到了…肯定) is not his.
15: only 肯定 is kept from a sentence where the name 得到/受到 something (郭伟得到消息后强调 is his again)."""

_MASK_CHARS = frozenset("x*_×")


def _word_list(name: str) -> frozenset[str]:
    text = resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


STOPWORDS = _word_list("stopwords.txt")
QUESTION_WORDS = _word_list("question_words.txt")
SMALL_TALK = _word_list("small_talk.txt")
"""Acknowledgements and greetings: a turn of only these has nothing to search."""


BUILT_IN_WORDS = parse_words(resources.files(__package__).joinpath("data/userdict.txt").read_bytes(), "userdict.txt")
"""The domain words (高标准农田, 村两委 …) jieba's dictionary lacks or cuts."""

_words = NO_WORDS
"""The admin's words this process segments with (``install_words``)."""
_built: tuple[Words, rjieba.Jieba] | None = None
"""The segmenter and the admin's words it was built with."""


def _segmenter() -> rjieba.Jieba:
    """The segmenter for the words in force, built again when they change: compared by identity,
    so the check costs nothing per text, and a thread that built it for words replaced meanwhile
    leaves a pair the next call rebuilds."""
    global _built
    built, words = _built, _words
    if built is None or built[0] is not words:
        built = _built = (words, _build_segmenter(words))
    return built[1]


def _build_segmenter(words: Words) -> rjieba.Jieba:
    """jieba's dictionary with the domain words added, then the admin's (so theirs win where they
    repeat one), in jieba-rs (about 20× faster than jieba); about 0.2 s."""
    segmenter = rjieba.Jieba()
    for entry in (*BUILT_IN_WORDS.entries, *words.entries):
        segmenter.add_word(entry.word, entry.freq, entry.tag)
    return segmenter


def use_words(path: Path) -> Words:
    """Read the admin's words file (``DATA_DIR/words.txt``) and segment with it from now on in
    this process; the value is what ``build_all`` hands its workers and what a catalogue records."""
    words = read_words(path)
    install_words(words)
    return words


def install_words(words: Words) -> None:
    """Segment with ``words`` instead of the admin's words before, from now on in this process
    (a build worker's initializer: the words reach it whatever the start method)."""
    global _words
    if words != _words:
        _words = words
        token_text.cache_clear()  # titles and headings cut with the words before
        word_starts.cache_clear()


def installed_words() -> Words:
    """The admin's words this process segments with."""
    return _words


def segment(key: str) -> list[str]:
    """jieba's cut (with its HMM for unknown words) of normalized text: every piece, words and the rest."""
    return _segmenter().cut(key, True)


def names_no_one(word: str) -> bool:
    """Whether ``word`` is a body or an office (人大, 国务院, 县委, 总理), where a question may put the name of who
    chaired (李克强, 王立新): jieba's dictionary has it as one organisation or abbreviation (nt, j), or it ends
    as a committee or government does. Not a noun at large: jieba tags some people's names as nouns or places."""
    tagged = _segmenter().tag(word, True)
    return len(tagged) == 1 and tagged[0][1] in ("nt", "j") or word.endswith(("委", "政府"))


_COMPOUND_HEAD = frozenset({"n", "vn", "v", "nz", "j"})
"""Tags of a word a compound may start with (电子 烟, 预制 菜, 电子商务 法); not a time (月初 国常会)."""
_COMPOUND_TAIL = frozenset({"n", "j", "ng"})
"""Tags of the one character that may end it: a noun (烟, 菜) or an abbreviation (法)."""
POSTPOSITIONS = frozenset("时后前中上下里内外")
"""Characters that follow a phrase to say when or where (闭幕时, 会议上), no part of a word."""


class CutCompound(NamedTuple):
    """A word and the one-character noun after it that jieba cut apart, and the word after that, if any."""

    word: str
    char: str
    following: str


def cut_compounds(key: str) -> list[CutCompound]:
    """Word and one-character noun pairs jieba cut apart in normalized text (电子 烟): maybe one word it does not
    know, a compound the caller can look up as written, or the character may begin the next word (发展 茶 产业)."""
    tagged = [*_segmenter().tag(key, True), ("", "")]
    return [CutCompound(word, char, following)
            for (word, head), (char, tail), (following, _tag) in zip(tagged, tagged[1:], tagged[2:])
            if len(word) >= 2 and len(char) == 1 and char not in POSTPOSITIONS and head in _COMPOUND_HEAD and tail in _COMPOUND_TAIL]


@lru_cache(maxsize=1 << 12)  # asked of the archive's meeting names again and again
def word_starts(key: str) -> frozenset[int]:
    """Where a word begins in normalized text, the words inside longer ones included (深化改革 holds 改革)."""
    return frozenset(start for _word, start, _end in _segmenter().tokenize(key, "search", True))


@lru_cache(maxsize=1 << 18)  # a collection's vocabulary repeats: most tokens are seen before
def _is_content(token: str) -> bool:
    """False for whitespace, punctuation and symbols, masked names (``x``, ``**``), lone letters and stopwords."""
    if token in STOPWORDS or not token.strip():
        return False
    if all(char in _MASK_CHARS for char in token):
        return False
    if len(token) == 1 and token.isascii() and token.isalpha():
        return False  # a lone letter is a unit or a fragment (℃ → c, C罗 → c), not a word
    return any(unicodedata.category(char)[0] in "LN" for char in token)


def tokenize_normalized(key: str) -> list[str]:
    """Tokens of text that has already been through ``normalize``."""
    return [token for token in segment(key) if _is_content(token)]


def tokenize(text: str) -> list[str]:
    """Search tokens of a document text (normalized, segmented, filtered)."""
    return tokenize_normalized(normalize(text))


@lru_cache(maxsize=1 << 15)  # bounded: an entry (a heading path and its tokens) is a few hundred bytes
def token_text(text: str) -> str:
    """Space-separated tokens of a title, issuer or heading path, cut once: a document's chunks
    share them when indexed and stored (candidates are checked with the stored ones)."""
    return " ".join(tokenize(text))


_INTERROGATIVE = re.compile(r"^[哪几][一几]?[\u4e00-\u9fff]$|^[这那该此][部项条个份件种]$")
"""An interrogative with a measure word or noun (哪支, 哪国, 哪一年, 几次, 哪几部), or a demonstrative with one
(这部法, 该项): it asks, or points back to what the question names, and names nothing itself."""


def is_question_word(token: str) -> bool:
    """Whether a question's token only shapes the question (什么, 如何, 何时, 哪部 …)."""
    return token in QUESTION_WORDS or bool(_INTERROGATIVE.match(token))


_MEETING_SUBJECT = re.compile(r"^\s*(?:本次|这次|此次|该次|那次)?(?:会议|会上)")
"""A question opening with 会议 (会议对…提出了什么要求) asks about the meeting it means, not about 会议."""


_ASKING = re.compile(r"^[哪几]一?$")
"""An interrogative jieba cut from its measure word (哪 次, 哪 一次): the pair asks, as 哪次 does."""


def tokenize_question(text: str) -> list[str]:
    """Search tokens of a question: ``tokenize`` minus question-shaping words, an interrogative and the
    measure word jieba cut from it (有没有哪 次 会议) included."""
    pieces = segment(_MEETING_SUBJECT.sub(" ", normalize(text)))
    kept: list[str] = []
    for before, token in zip(["", *pieces], pieces):
        asked = _ASKING.match(before) and (len(token) == 1 or token.startswith("一") and len(token) == 2)
        if _is_content(token) and not is_question_word(token) and not asked:
            kept.append(token)
    return kept


_CJK_PAIR = re.compile(r"(?=([\u3400-\u9fff]{2}))")
"""Each position where two Chinese characters start (a lookahead, so the pairs overlap)."""


def char_bigrams(key: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters in normalized text.

    A second, segmentation-free view of the text: it still matches where jieba cut a
    question and a passage differently (工作作风 / 作风).
    """
    return _CJK_PAIR.findall(key)
