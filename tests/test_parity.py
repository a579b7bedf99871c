"""Ranking parity: tantivy's BM25 over the stored tokens agrees with rank-bm25.

tantivy uses Lucene's IDF (log(1 + (N - n + 0.5) / (n + 0.5))) and quantized field
lengths, rank-bm25 the classic Okapi IDF with a floor, so the two top-10 lists are
close but not identical; the test asserts a mean overlap of at least 0.7.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rank_bm25 import BM25Okapi

from index.collection import Collection
from index.read import SourceText

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "gov_reports_2026_provincial.jsonl"
DOCUMENTS = 40
PARAGRAPHS_PER_DOCUMENT = 4
QUERIES = 30
TOP = 10
MIN_MEAN_OVERLAP = 0.7

_SUBJECTS = ["县委", "市政府", "县农业农村局", "区水利局", "各乡镇", "市发改委", "县财政局", "镇党委", "市生态环境局", "县交通运输局"]
_ACTIONS = ["要加快推进", "要统筹抓好", "要切实加强", "要持续深化", "要全力保障", "要认真落实", "要扎实开展", "要着力提升"]
_OBJECTS = [
    "高标准农田建设", "农村人居环境整治", "秋粮收购工作", "河道清淤和堤防加固", "村级集体经济发展", "安全生产大检查",
    "森林防火工作", "营商环境优化", "招商引资项目落地", "农村改厕和生活污水治理", "防止返贫动态监测", "粮食安全责任制",
    "耕地保护和土地流转", "养老服务体系建设", "义务教育均衡发展", "城乡医疗卫生服务", "乡村治理能力", "电商平台建设",
]
_PURPOSES = [
    "确保年底前全面完工", "切实保护群众利益", "推动高质量发展", "确保各项任务落到实处", "形成工作合力",
    "提高群众满意度", "守住不发生规模性返贫的底线", "为全年目标任务完成打下基础",
]


def _generated_paragraphs(rng: random.Random, count: int) -> list[str]:
    paragraphs = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(2, 5)):
            sentences.append(
                f"{rng.choice(_SUBJECTS)}{rng.choice(_ACTIONS)}{rng.choice(_OBJECTS)}，"
                f"{rng.choice(_ACTIONS)[1:]}{rng.choice(_OBJECTS)}，{rng.choice(_PURPOSES)}。"
            )
        paragraphs.append("".join(sentences))
    return paragraphs


def _corpus_paragraphs(count: int) -> list[str]:
    """Paragraphs of the first government work reports (internal test corpus), if present."""
    if not CORPUS.is_file():
        return []
    paragraphs: list[str] = []
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                text = json.loads(line)["text"]
            except (ValueError, KeyError):
                continue
            paragraphs.extend(p.strip() for p in text.split("\n") if 40 <= len(p.strip()) <= 380 and p.strip().endswith("。"))
            if len(paragraphs) >= count:
                break
    return paragraphs[:count]


def _sources(origin: str) -> list[SourceText]:
    needed = DOCUMENTS * PARAGRAPHS_PER_DOCUMENT
    if origin == "corpus":
        paragraphs = _corpus_paragraphs(needed)
        if len(paragraphs) < needed:
            pytest.skip(f"{CORPUS} is absent or too short")
    else:
        paragraphs = _generated_paragraphs(random.Random(20240601), needed)
    sources = []
    for number in range(DOCUMENTS):
        body = paragraphs[number * PARAGRAPHS_PER_DOCUMENT : (number + 1) * PARAGRAPHS_PER_DOCUMENT]
        text = f"第{number + 1}号会议纪要\n\n" + "\n\n".join(body) + "\n"
        sources.append(SourceText(name=f"doc{number:02d}.txt", text=text, format="txt", original=text.encode("utf-8")))
    return sources


@pytest.fixture(scope="module", params=["generated", "corpus"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A collection of 40 small documents: generated text, and (when present) report paragraphs."""
    origin = request.param
    sources = _sources(origin)
    collection = Collection(tmp_path_factory.mktemp("parity") / "parity.db")
    report = collection.add_sources(sources)
    assert len(report.added) == DOCUMENTS and not report.skipped
    yield collection, origin
    collection.close()


def _queries(chunk_tokens: list[list[str]]) -> list[list[str]]:
    rng = random.Random(7)
    queries: list[list[str]] = []
    candidates = [tokens for tokens in chunk_tokens if len(set(tokens)) >= 3]
    while len(queries) < QUERIES:
        tokens = sorted(set(rng.choice(candidates)))
        query = rng.sample(tokens, rng.randint(1, 3))
        if query not in queries:
            queries.append(query)
    return queries


def test_tantivy_top10_agrees_with_rank_bm25(built) -> None:
    collection, origin = built
    keys, chunk_tokens = [], []
    for document, chunk in collection.store.iter_chunks():
        keys.append((document.id, chunk.position))
        chunk_tokens.append(chunk.tokens)
    assert len(keys) == collection.index.num_docs() >= DOCUMENTS * 2

    reference = BM25Okapi(chunk_tokens, k1=1.2, b=0.75)  # tantivy's parameters
    overlaps = []
    for tokens in _queries(chunk_tokens):
        scores = reference.get_scores(tokens)
        matching = [i for i, tokens_of in enumerate(chunk_tokens) if set(tokens) & set(tokens_of)]
        k = min(TOP, len(matching))
        expected = {keys[i] for i in sorted(matching, key=lambda i: -scores[i])[:k]}
        hits = collection.index.search([("body", term, 1.0) for term in tokens], TOP)
        got = {(hit.doc_id, hit.position) for hit in hits[:k]}
        assert len(hits) == min(TOP, len(matching)), "tantivy returns every chunk that has a query term"
        assert got <= {keys[i] for i in matching}, "tantivy returns only chunks that have a query term"
        overlaps.append(len(got & expected) / k)
    mean = sum(overlaps) / len(overlaps)
    print(f"\nmean top-{TOP} overlap with rank-bm25 over {len(overlaps)} queries ({origin} text, {len(keys)} chunks): {mean:.3f}")
    assert mean >= MIN_MEAN_OVERLAP


def test_best_hit_of_single_rare_term_matches_reference(built) -> None:
    """For one-term queries on the rarest terms both rankings mostly prefer the same chunk."""
    collection, _ = built
    keys, chunk_tokens = [], []
    for document, chunk in collection.store.iter_chunks():
        keys.append((document.id, chunk.position))
        chunk_tokens.append(chunk.tokens)
    reference = BM25Okapi(chunk_tokens, k1=1.2, b=0.75)
    counts: dict[str, int] = {}
    for tokens in chunk_tokens:
        for token in set(tokens):
            counts[token] = counts.get(token, 0) + 1
    rare = sorted((token for token, count in counts.items() if count >= 2), key=lambda t: (counts[t], t))[:10]
    assert len(rare) == 10
    agree = 0
    for term in rare:
        scores = reference.get_scores([term])
        best = max(scores)
        best_keys = {keys[i] for i, score in enumerate(scores) if score >= best * 0.97}
        (hit, *_) = collection.index.search([("body", term, 1.0)], 1)
        agree += (hit.doc_id, hit.position) in best_keys
    assert agree >= len(rare) * 0.8
