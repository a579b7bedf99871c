"""Chunking: one chunk per paragraph, long paragraphs split at sentence ends, heading paths, speakers."""

from __future__ import annotations

import pytest

from index.chunk import HEADING_SEPARATOR, MAX_CHUNK_CHARS, chunk_paragraphs, first_point, heading_label, heading_rank
from index.speakers import split_sentences

SENTENCES = [
    "会议强调，要深入学习贯彻党的二十大精神，全面落实中央和省委关于三农工作的决策部署，坚持农业农村优先发展。",
    "一是要抓好粮食生产，稳定播种面积，提高单产水平，确保全年粮食产量稳定在合理区间。",
    "二是要抓好高标准农田建设，加快项目进度，强化质量监管，确保按期建成并发挥效益。",
    "三是要抓好农村人居环境整治，持续推进农村改厕和生活污水治理，建设美丽宜居乡村。",
    "四是要抓好农民增收，发展壮大村级集体经济，拓宽农民就业增收渠道。",
    "县长郭伟强调，各乡镇各部门要压实责任，细化措施，确保各项任务落到实处。",
    "他要求，要加强督导检查，对工作不力的严肃问责。",
    "会议还对秋冬季森林防火、安全生产和信访维稳等工作作了安排部署。",
]
LONG_PARAGRAPH = "".join(SENTENCES * 2)


def test_short_paragraphs_are_one_chunk_each() -> None:
    paragraphs = ["县委召开农业农村工作会议", SENTENCES[0], SENTENCES[1] + SENTENCES[2]]
    chunks = chunk_paragraphs(paragraphs)
    assert [chunk.text for chunk in chunks] == paragraphs
    assert [chunk.paragraph for chunk in chunks] == [1, 2, 3]
    assert [chunk.position for chunk in chunks] == [0, 1, 2]


def test_paragraph_of_exactly_max_length_is_one_chunk() -> None:
    paragraph = ("要" * (MAX_CHUNK_CHARS - 1)) + "。"
    (chunk,) = chunk_paragraphs([paragraph])
    assert chunk.text == paragraph


def test_long_paragraph_is_split_at_sentence_ends() -> None:
    assert len(LONG_PARAGRAPH) > MAX_CHUNK_CHARS
    chunks = chunk_paragraphs([LONG_PARAGRAPH])
    assert len(chunks) >= 2
    assert "".join(chunk.text for chunk in chunks) == LONG_PARAGRAPH
    assert all(len(chunk.text) <= MAX_CHUNK_CHARS for chunk in chunks)
    assert all(chunk.paragraph == 1 for chunk in chunks)
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert chunk.text.endswith("。"), "a chunk ends at a sentence end"
    sentences = split_sentences(LONG_PARAGRAPH)
    for sentence in sentences:
        assert any(sentence in chunk.text for chunk in chunks), f"sentence cut across chunks: {sentence}"


def test_long_paragraph_prefers_to_start_chunks_at_numbered_points() -> None:
    chunks = chunk_paragraphs([LONG_PARAGRAPH])
    starts = [chunk.text[:2] for chunk in chunks[1:]]
    assert any(start in {"一是", "二是", "三是", "四是"} for start in starts)


def test_sentence_longer_than_a_chunk_is_kept_whole() -> None:
    giant = "会议强调" + "，要统筹推进各项重点工作" * 40 + "。"
    assert len(giant) > MAX_CHUNK_CHARS and "；" not in giant
    paragraph = SENTENCES[0] + giant + SENTENCES[4]
    chunks = chunk_paragraphs([paragraph])
    assert "".join(chunk.text for chunk in chunks) == paragraph
    assert any(giant in chunk.text for chunk in chunks)
    assert all(len(chunk.text) <= MAX_CHUNK_CHARS for chunk in chunks if giant not in chunk.text)


def test_sentence_longer_than_a_chunk_is_split_at_semicolons() -> None:
    clause = "要统筹推进高标准农田建设和农村人居环境整治，确保各项任务按期完成"
    giant = "；".join([clause] * 14) + "。"
    assert len(giant) > MAX_CHUNK_CHARS
    chunks = chunk_paragraphs([giant])
    assert len(chunks) >= 2
    assert "".join(chunk.text for chunk in chunks) == giant
    assert all(len(chunk.text) <= MAX_CHUNK_CHARS for chunk in chunks)
    assert all(chunk.text.endswith(("；", "。")) for chunk in chunks)


def test_heading_path_under_numbered_points() -> None:
    paragraphs = [
        "第二点意见，关于高标准农田建设",
        "一是要加快项目建设进度。各乡镇要倒排工期、挂图作战。",
        "要加强质量监管，确保工程质量。",
        "二是要强化资金保障。财政部门要及时拨付资金。",
        "第三点意见，关于人居环境整治",
        "各地要持续推进农村改厕。",
    ]
    headings = [chunk.heading for chunk in chunk_paragraphs(paragraphs)]
    assert headings == [
        "第二点意见",
        f"第二点意见{HEADING_SEPARATOR}一是要加快项目建设进度",
        f"第二点意见{HEADING_SEPARATOR}一是要加快项目建设进度",
        f"第二点意见{HEADING_SEPARATOR}二是要强化资金保障",
        "第三点意见",
        "第三点意见",
    ]
    assert HEADING_SEPARATOR == " › "


def test_outline_headings_nest_by_rank() -> None:
    paragraphs = ["一、提高政治站位", "（一）统一思想认识", "1.加强学习", "学习要经常化。", "二、强化组织领导", "领导要带头。"]
    headings = [chunk.heading for chunk in chunk_paragraphs(paragraphs)]
    assert headings[3] == " › ".join(["一、提高政治站位", "（一）统一思想认识", "1.加强学习"])
    assert headings[5] == "二、强化组织领导"


def test_points_numbered_inside_a_long_paragraph_end_with_it() -> None:
    chunks = chunk_paragraphs(["第二点意见，关于农业生产", LONG_PARAGRAPH, "会议最后对下一步工作进行了安排。"])
    inner = [chunk for chunk in chunks if chunk.paragraph == 2]
    assert any(f"{HEADING_SEPARATOR}" in chunk.heading for chunk in inner), "a chunk starting at 一是/三是 is under it"
    assert all(chunk.heading.startswith("第二点意见") for chunk in inner)
    assert chunks[-1].heading == "第二点意见"


@pytest.mark.parametrize(("text", "number"), [
    ("李明强调，一要加强种质资源保护，二要扶持良种繁育基地。", 1),
    ("二是做好赛时运行工作。三是推进赛会服务保障。", 2),
    ("会议强调：第三，要严防露天焚烧。", 3),
    ("（四）强化组织保障。", 4),
    ("要坚持统一要求，统一标准。", None),  # the 一要 of 统一要求 starts no clause
    ("第一、二季度经济运行平稳。", None),  # items of a list, not points
    ("会议要求，要抓好秸秆综合利用工作。", None),
])
def test_the_first_point_a_passage_numbers_is_read_where_a_clause_starts(text: str, number: int | None) -> None:
    assert first_point(text) == number


def test_speakers_attached_to_chunks() -> None:
    paragraphs = [
        "4月17日，市委书记李猛主持召开专题会议并讲话。",
        "李猛强调，要聚焦短板弱项，狠抓工作落实。",
        "他要求，各专班要细化工作措施。",
        "会议指出，要加强组织领导。",
        "县长郭伟出席会议并作了部署。李猛最后强调，要确保任务完成。",
    ]
    speakers = [chunk.speakers for chunk in chunk_paragraphs(paragraphs)]
    assert speakers == [("李猛",), ("李猛",), ("李猛",), (), ("郭伟", "李猛")]


def test_speakers_of_split_chunks_follow_their_sentences() -> None:
    chunks = chunk_paragraphs(["县长郭伟出席会议。", LONG_PARAGRAPH])
    split = [chunk for chunk in chunks if chunk.paragraph == 2]
    assert split[0].speakers == (), "the opening sentences precede 郭伟强调"
    assert any(chunk.speakers == ("郭伟",) for chunk in split)


@pytest.mark.parametrize(
    "sentence, rank",
    [("第二点意见，关于农业", 1), ("一、提高政治站位", 1), ("第一，要抓学习。", 2), ("（三）强化保障", 2),
     ("一是要抓生产。", 3), ("二要压实责任。", 3), ("1.加强学习", 4), ("“一是要抓生产。", 3), ("会议强调。", None),
     ("2023年工作", None)],
)
def test_heading_rank(sentence: str, rank: int | None) -> None:
    assert heading_rank(sentence) == rank


def test_heading_label() -> None:
    assert heading_label("一是要加快项目建设进度。各乡镇要倒排工期。") == "一是要加快项目建设进度"
    assert heading_label("第一，要抓好理论学习。") == "第一，要抓好理论学习"
    long_label = heading_label("一是要" + "抓好" * 20 + "。")
    assert long_label.endswith("…") and len(long_label) == 25


def test_empty_body_has_no_chunks() -> None:
    assert chunk_paragraphs([]) == []
