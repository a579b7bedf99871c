"""Normalization and tokenization: both sides of the search share them."""

from __future__ import annotations

import pytest

from index.normalize import compact, normalize, normalize_with_offsets, strip_invisible
from index.tokenize import QUESTION_WORDS, char_bigrams, tokenize, tokenize_question

# -- normalization ----------------------------------------------------------------


def test_traditional_and_simplified_normalize_alike() -> None:
    assert normalize("德州召開鄉村振興專題會議") == normalize("德州召开乡村振兴专题会议") == "德州召开乡村振兴专题会议"


def test_full_width_folds_to_half_width_and_lower_case() -> None:
    assert normalize("ＧＤＰ增长５．２％（预计）") == "gdp增长5.2%(预计)"


def test_curly_quotes_fold_to_ascii() -> None:
    assert normalize("“三农”和‘千万工程’「样板」") == "\"三农\"和'千万工程'\"样板\""


def test_invisible_characters_are_removed_but_newlines_kept() -> None:
    assert strip_invisible("乡\u200b村\ufeff振兴\n\t第二行\x07") == "乡村振兴\n\t第二行"
    assert normalize("高标\u200d准农田") == "高标准农田"


def test_compact_drops_whitespace() -> None:
    assert compact("微信 扫一扫\u3000关注\n公众号") == "微信扫一扫关注公众号"


def test_normalize_with_offsets_maps_back_to_original() -> None:
    text = "鄉村ＡＢ振興"
    key, offsets = normalize_with_offsets(text)
    assert key == "乡村ab振兴"
    assert len(offsets) == len(key)
    start = key.index("振兴")
    assert text[offsets[start] : offsets[start + 1] + 1] == "振興"


# -- tokenization -------------------------------------------------------------------


def test_traditional_and_simplified_give_same_tokens() -> None:
    traditional = tokenize("德州召開鄉村振興五大專班專題會議，強調加強高標準農田建設")
    simplified = tokenize("德州召开乡村振兴五大专班专题会议，强调加强高标准农田建设")
    assert traditional == simplified
    assert "乡村振兴" in simplified and "高标准农田" in simplified


def test_full_width_and_half_width_give_same_tokens() -> None:
    assert tokenize("ＧＤＰ增长５．２％，２０２３年") == tokenize("GDP增长5.2%，2023年")
    assert "gdp" in tokenize("GDP增长")


@pytest.mark.parametrize(
    "text, word",
    [
        ("要抓紧抓实高标准农田建设", "高标准农田"),
        ("持续推进农村人居环境整治工作", "人居环境整治"),
        ("巩固拓展脱贫攻坚成果", "脱贫攻坚"),
        ("发展壮大村级集体经济", "村级集体经济"),
    ],
)
def test_domain_words_stay_single_tokens(text: str, word: str) -> None:
    tokens = tokenize(text)
    assert word in tokens
    assert not any(token != word and token in word and len(token) > 1 for token in tokens), tokens


@pytest.mark.parametrize("word", ["什么", "哪些", "如何", "要求"])
def test_question_words_dropped_from_questions_only(word: str) -> None:
    question = f"会议对高标准农田{word}"
    assert word in tokenize(question)
    assert word not in tokenize_question(question)
    assert "高标准农田" in tokenize_question(question)


@pytest.mark.parametrize(("question", "kept"), [("这部法什么时候开始实施", ["法", "开始", "实施"]), ("国务院提请审议了哪几部法律草案", ["国务院", "提请", "审议", "法律", "草案"]),
     ("有没有哪次会议专门部署过低空经济", ["会议", "专门", "低空", "经济"])])
def test_interrogatives_and_pointing_words_name_nothing(question: str, kept: list[str]) -> None:
    assert tokenize_question(question) == kept


def test_question_keeps_topic_words() -> None:
    # In a collection of meetings, "会议" in a question means the meeting asked about, not a topic.
    assert tokenize_question("会议对高标准农田提出了什么要求") == ["高标准农田"]
    assert tokenize_question("哪些单位如何推进人居环境整治") == ["单位", "推进", "人居环境整治"]


def test_question_words_list_is_loaded() -> None:
    assert {"什么", "哪些", "如何", "要求"} <= QUESTION_WORDS


def test_masked_names_and_punctuation_are_dropped() -> None:
    tokens = tokenize("x书记、**县长、xx局长在会上讲话。、，！？…—《》“”")
    assert tokens == ["书记", "县长", "局长", "会上", "讲话"]


def test_stopwords_are_dropped() -> None:
    tokens = tokenize("我们的工作和他们的工作都是为了群众")
    assert "的" not in tokens and "和" not in tokens and "我们" not in tokens
    assert "工作" in tokens and "群众" in tokens


def test_numbers_are_kept() -> None:
    assert "2023" in tokenize("2023年全县粮食产量")


def test_empty_text_has_no_tokens() -> None:
    assert tokenize("") == [] and tokenize("，。！") == [] and tokenize_question("什么？") == []


# -- character bigrams and fine parts ---------------------------------------------------


def test_char_bigrams_overlap_within_chinese_runs() -> None:
    assert char_bigrams("高标准农田") == ["高标", "标准", "准农", "农田"]


def test_char_bigrams_do_not_cross_non_chinese_characters() -> None:
    assert char_bigrams("农田 abc 建设，管护") == ["农田", "建设", "管护"]
    assert "田建" not in char_bigrams("农田 建设")


@pytest.mark.parametrize("key", ["", "农", "abc 123", "，。"])
def test_char_bigrams_of_short_or_non_chinese_text_are_empty(key: str) -> None:
    assert char_bigrams(key) == []


def test_char_bigrams_of_traditional_text_after_normalization() -> None:
    assert char_bigrams(normalize("鄉村振興")) == char_bigrams("乡村振兴")


def test_traditional_question_drops_question_words_too() -> None:
    assert tokenize_question("會議對高標準農田提出了什麼要求") == tokenize_question("会议对高标准农田提出了什么要求")
