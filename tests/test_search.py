"""Ranking details: words jieba cuts differently in a question and in the passages."""

from __future__ import annotations

from index.collection import Collection
from index.read import SourceText
from index.search import _known_parts, _similarity
from index.tokenize import is_question_word, tokenize_question

VILLAGE_REPORT = """镇党委召开村级集体经济发展座谈会

会上，潘淑介绍了会稽句章村发展集体经济的经验，提出要盘活闲置资产。
镇长王立新要求，各村要建立集体资产台账，年底前完成清产核资。
"""


def _add(collection: Collection, text: str, name: str = "village.txt") -> None:
    collection.add_sources([SourceText(name=name, text=text, format="txt", original=text.encode())])


def test_known_parts_cover_a_glued_word_with_indexed_words() -> None:
    assert _known_parts("潘淑是", {"潘淑": 3}) == ["潘淑"]
    assert _known_parts("干部作风", {"干部": 5, "作风": 2, "部作": 0}) == ["干部", "作风"]
    assert _known_parts("太空", {"太": 4}) == []


def test_name_glued_to_the_next_character_still_finds_its_passage(collection: Collection) -> None:
    assert tokenize_question("潘淑是怎么说的") == ["潘淑是"], "precondition: jieba glues the name to 是"
    _add(collection, VILLAGE_REPORT)
    answer = collection.ask(["潘淑是怎么说的"])
    assert answer.passages and "潘淑" in answer.passages[0].text


def test_word_only_found_inside_longer_tokens_counts_as_covered(collection: Collection) -> None:
    assert tokenize_question("句章在哪里") == ["句章"], "precondition: the text segments 会稽句/章村 instead"
    _add(collection, VILLAGE_REPORT)
    answer = collection.ask(["句章在哪里"])
    assert answer.passages and "句章" in answer.passages[0].text
    assert answer.passages[0].coverage == 1.0


def test_words_absent_from_the_collection_still_get_nothing(collection: Collection) -> None:
    _add(collection, VILLAGE_REPORT)
    assert collection.ask(["太空探索有什么进展"]).passages == []


def test_interrogatives_with_measure_words_are_question_words() -> None:
    assert all(is_question_word(word) for word in ("哪支", "哪国", "几次", "何时", "什么"))
    assert not any(is_question_word(word) for word in ("农田", "村", "几乎是"))


def test_generic_verbs_of_asking_do_not_sink_a_question(collection: Collection) -> None:
    """怎么做/怎么搞 ask how; the verb is not a topic the passage must contain."""
    _add(collection, "镇党委召开换届工作会议\n\n会议要求，各村要严格按照程序做好两委换届选举工作。\n")
    for question in ("两委换届怎么做", "两委换届怎么搞"):
        assert collection.ask([question]).passages, question


def test_a_reprinted_paragraph_is_shown_once(collection: Collection) -> None:
    """The same paragraph in two reprints of a report (one with a changed word) appears once."""
    body = "会议要求，各村要建立集体资产台账，年底前完成清产核资，严防集体资产流失。"
    _add(collection, f"县农业农村局召开清产核资会议\n\n{body}\n", name="a.txt")
    _add(collection, f"清产核资会议召开\n\n{body.replace('严防', '防止')}\n\n另据了解，全县清产核资工作进展顺利。\n", name="b.txt")
    texts = [passage.text for passage in collection.ask(["清产核资有什么要求"], 5).passages]
    assert len(texts) == 2, texts
    assert sum("集体资产台账" in text for text in texts) == 1


def test_passages_without_chinese_pairs_are_never_duplicates() -> None:
    assert _similarity(set(), set()) == 0.0 and _similarity({"会议"}, set()) == 0.0
    assert _similarity({"会议", "议要"}, {"会议", "议要"}) == 1.0
