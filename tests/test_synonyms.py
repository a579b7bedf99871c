"""Query expansion with equivalent phrasings, built in and from DATA_DIR."""

from __future__ import annotations

from pathlib import Path

from index.collection import Collection
from index.read import SourceText
from index.search import Query
from index.synonyms import EXPANSION_WEIGHT, Synonyms, parse_groups

INSURANCE_REPORT = """县农业农村局召开农业保险工作推进会

会议要求，各乡镇要扩大农业保险覆盖面，落实保费补贴资金，做到应保尽保。
会议强调，要规范理赔程序，确保受灾农户及时足额获得赔付。
"""


def _add(collection: Collection, text: str) -> None:
    collection.add_sources([SourceText(name="report.txt", text=text, format="txt", original=text.encode())])


def test_table_format_skips_comments_and_normalizes() -> None:
    groups = parse_groups("# comment\n\n農險 | 农业保险  # trailing\nsingle\n a | a | b ")
    assert groups == [["农险", "农业保险"], ["a", "b"]]


def test_expansion_adds_other_phrasings_below_the_question_words() -> None:
    synonyms = Synonyms([["农险", "农业保险"]])
    query = synonyms.expand(Query(text="农险怎么落实", terms={"农险": 1.0, "落实": 1.0}))
    assert query.terms["农业保险"] == EXPANSION_WEIGHT < query.terms["农险"]
    assert [(e.stands_for, e.tokens) for e in query.expansions] == [("农险", ("农业保险",))]
    assert query.expanded == {"农业保险"}
    unrelated = Query(text="秋粮收购", terms={"秋粮": 1.0, "收购": 1.0})
    assert synonyms.expand(unrelated) == unrelated


def test_abbreviation_finds_the_report_that_spells_it_out(collection: Collection) -> None:
    _add(collection, INSURANCE_REPORT)
    answer = collection.ask(["农险保费补贴怎么落实"])
    assert answer.passages and "保费补贴" in answer.passages[0].text
    top = answer.passages[0]
    assert "农业保险" in [top.text[a:b] for a, b in top.highlights]


def test_one_word_of_a_longer_equivalent_is_not_enough(collection: Collection) -> None:
    """主要领导 stands for 一把手 only as a whole: a passage with 领导 alone does not cover it."""
    _add(collection, "县安委会召开全体会议\n\n会议要求，各级领导要切实履行安全生产责任。\n")
    answer = collection.ask(["一把手安全生产责任"])
    assert all(passage.coverage < 1.0 for passage in answer.passages)
    assert all("领导" not in [p.text[a:b] for a, b in p.highlights] for p in answer.passages)


def test_follow_up_keeps_the_expansion_of_the_topic(collection: Collection) -> None:
    _add(collection, INSURANCE_REPORT)
    query = collection.ask(["农险保费补贴怎么落实", "理赔呢"]).query
    assert query.follow_up and "农业保险" in query.expanded


def test_expansion_does_not_answer_off_topic_questions(collection: Collection) -> None:
    _add(collection, INSURANCE_REPORT)
    assert collection.ask(["电子竞技比赛的门票多少钱"]).passages == []


def test_admins_extend_the_table_in_the_data_folder(tmp_path: Path) -> None:
    text = "市商务局召开保供稳价会议\n\n会议要求，全力做好蔬菜供应，稳定市场价格。\n"
    plain = Collection(tmp_path / "plain" / "meetings.db")
    _add(plain, text)
    assert not plain.ask(["菜篮子工程怎么抓"]).passages
    plain.close()

    (tmp_path / "extended").mkdir()
    (tmp_path / "extended" / "synonyms.txt").write_text("菜篮子 | 蔬菜供应\n", encoding="utf-8")
    extended = Collection(tmp_path / "extended" / "meetings.db")
    _add(extended, text)
    answer = extended.ask(["菜篮子工程怎么抓"])
    assert answer.passages and "蔬菜供应" in answer.passages[0].text
    extended.close()
