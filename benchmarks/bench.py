"""Scale benchmark: build, start and answer at 10 k, 150 k and 1 M paragraphs, side by side with rank-bm25.

    python benchmarks/bench.py                                 # 10 k, 150 k and 1 M paragraphs
    python benchmarks/bench.py --sizes 10000 150000 --queries 200

For each size it writes a collection with ``../shared/corpus/make_synthetic.py``, adds the
provincial reports, and measures, each step in a fresh process so the figures are its own:
the bulk build (``meeting-bot index`` on every core: seconds, characters per second,
peak memory), the size on disk, the cold start (a new ``meeting-bot ask`` process to its
first answer), the latency of questions and follow-ups through ``Collection.ask`` (the
call the bot makes, tokenization and follow-up handling included, Telegram excluded),
one at a time after a warm-up of other questions,
the serving process's peak memory, and how long one new document takes to become
searchable. At 10 k and 150 k it also times rank-bm25's ``BM25Okapi.get_scores`` on the
same chunks' tokens and compares its top 10 with tantivy's BM25 on the body field.

Nothing from ../shared is copied into the project: the collections live in --work.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus"
PAGE_SIZE = 3
"""Passages the bot asks for per answer (``bot.app.PAGE_SIZE``)."""
FOLLOW_UPS = ["具体措施呢", "还有哪些要求", "是哪天开的", "广东呢", "时间节点呢"]
OFF_TOPIC = ["电子竞技比赛门票", "载人航天发射计划", "高铁票价多少", "明星演唱会"]
TEMPLATES = ["{}有什么要求", "关于{}是怎么部署的", "{}", "如何推进{}"]
WARM_UP = 200
"""Conversations asked, unmeasured, before the measured ones: other questions from the same
generator, so the process and the page cache are warm but hold none of the measured answers."""


# -- what is measured, each in its own process ------------------------------------


def _peak_mb() -> float:
    """Peak resident memory of this process and of the largest child it waited for, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_build(db: Path, paths: list[Path], workers: int) -> dict:
    from index.collection import Collection

    started = time.perf_counter()
    collection = Collection(db)
    report = collection.add_paths(paths, workers=workers)
    seconds = time.perf_counter() - started
    chunks = collection.store.chunk_count()
    collection.close()
    return {"seconds": seconds, "documents": len(report.added), "chunks": chunks, "peak_mb": _peak_mb()}


def run_serve(db: Path, warm_up: list[list[str]], conversations: list[list[str]]) -> dict:
    from index.collection import Collection

    started = time.perf_counter()
    collection = Collection(db)
    collection.ask(warm_up[0][:1], PAGE_SIZE)
    first_answer = time.perf_counter() - started
    for conversation in warm_up:
        for turn in range(1, len(conversation) + 1):
            collection.ask(conversation[:turn], PAGE_SIZE)
    latencies, answered = [], 0
    for conversation in conversations:
        for turn in range(1, len(conversation) + 1):  # a chat asks its turns in order, as in the bot
            began = time.perf_counter()
            answer = collection.ask(conversation[:turn], PAGE_SIZE)
            if turn == len(conversation):
                latencies.append(time.perf_counter() - began)
                answered += bool(answer.passages)
    phrase = "本次新增文件专门研究镁铝合金轮毂回收再利用试点"
    run = time.time_ns()  # a new text each run: an upload seen before is recognised and skipped
    text = f"市工信局召开镁铝合金轮毂回收试点推进会\n{phrase}，要求各县区在年底前建成回收网点（批次{run}）。\n"
    began = time.perf_counter()
    report = collection.add_file(f"new-document-{run}.txt", text.encode())
    assert report.added, "the new document was not added"
    while not any(phrase[:12] in p.text for p in collection.ask([phrase], PAGE_SIZE).passages):
        time.sleep(0.001)
    searchable = time.perf_counter() - began
    collection.close()
    return {"first_answer": first_answer, "latencies": latencies, "answered": answered,
            "new_document": searchable, "peak_mb": _peak_mb()}


def run_bm25(db: Path, questions: list[str]) -> dict:
    """rank-bm25 and tantivy's BM25 on the same chunk tokens and question tokens."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    from index.collection import Collection
    from index.tokenize import tokenize_question

    collection = Collection(db)
    keys, corpus = [], []
    for document, chunk in collection.store.iter_chunks():
        keys.append((document.id, chunk.position))
        corpus.append(chunk.tokens)
    began = time.perf_counter()
    reference = BM25Okapi(corpus, k1=1.2, b=0.75)  # tantivy's parameters
    built = time.perf_counter() - began
    ours, scorer, theirs, overlaps = [], [], [], []
    for question in questions:
        tokens = [token for token in tokenize_question(question) if token]
        if not tokens:
            continue
        began = time.perf_counter()
        scores = reference.get_scores(tokens)
        theirs.append(time.perf_counter() - began)
        began = time.perf_counter()
        hits = collection.index.search([("body", token, 1.0) for token in dict.fromkeys(tokens)], 10)
        scorer.append(time.perf_counter() - began)
        began = time.perf_counter()
        collection.ask([question], PAGE_SIZE)
        ours.append(time.perf_counter() - began)
        top = {keys[i] for i in np.argsort(-scores)[:10] if scores[i] > 0}
        if top:
            overlaps.append(len(top & {(h.doc_id, h.position) for h in hits}) / len(top))
    collection.close()
    return {"init": built, "rank_bm25": theirs, "tantivy": scorer, "ours": ours, "overlap": overlaps}


# -- the run -------------------------------------------------------------------------


def _in_child(command: str, *args: object) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, f"_{command}", *map(str, args)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _conversations(corpus: Path, count: int, seed: int = 11) -> list[list[str]]:
    """Questions and follow-ups in the collection's own words, and some off-topic ones."""
    rng = random.Random(seed)
    paragraphs = []
    with corpus.open(encoding="utf-8") as rows:
        for number, line in enumerate(rows):
            if number >= 2000:
                break
            paragraphs.extend(json.loads(line)["text"].split("\n"))
    conversations = []
    for _ in range(count):
        if rng.random() < 0.05:
            conversations.append([rng.choice(OFF_TOPIC)])
            continue
        paragraph = rng.choice(paragraphs)
        start = rng.randrange(max(1, len(paragraph) - 12))
        phrase = paragraph[start : start + rng.randint(5, 10)].strip("，。；、：")
        question = rng.choice(TEMPLATES).format(phrase)
        conversations.append([question, rng.choice(FOLLOW_UPS)] if rng.random() < 0.3 else [question])
    return conversations


def _disk_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def _chars(paths: list[Path]) -> int:
    return sum(len(json.loads(line)["text"]) for path in paths for line in path.open(encoding="utf-8"))


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def measure(size: int, work: Path, queries: int, bm25_queries: int, workers: int) -> dict:
    synthetic = work / f"synthetic-{size}.jsonl"
    if not synthetic.exists():
        subprocess.run([sys.executable, CORPUS / "make_synthetic.py", synthetic, "--chunks", str(size)], check=True,
                       capture_output=True)
    paths = [synthetic, CORPUS / "gov_reports_2026_provincial.jsonl"]
    db = work / f"db-{size}" / "meetings.db"
    shutil.rmtree(db.parent, ignore_errors=True)
    build = _in_child("build", db, workers, *paths)
    conversations = _conversations(synthetic, queries)
    questions_file = work / f"questions-{size}.json"
    warm_up = _conversations(synthetic, WARM_UP, seed=12)
    questions_file.write_text(json.dumps({"warm_up": warm_up, "measured": conversations}, ensure_ascii=False),
                              encoding="utf-8")
    cold = []
    for conversation in conversations[:3]:
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "ask", "--db", str(db), conversation[0]], check=True,
                       capture_output=True, cwd=ROOT)
        cold.append(time.perf_counter() - began)
    serve = _in_child("serve", db, questions_file)
    result = {
        "size": size, "chunks": build["chunks"], "build_s": build["seconds"],
        "chars_per_s": _chars(paths) / build["seconds"], "build_peak_mb": build["peak_mb"],
        "catalogue_mb": _disk_mb(db), "index_mb": _disk_mb(db.with_name(db.name + ".tantivy")),
        "cold_start_s": statistics.median(cold), "latency_ms": _percentiles(serve["latencies"]),
        "answered": f"{serve['answered']}/{len(serve['latencies'])}", "serve_peak_mb": serve["peak_mb"],
        "new_document_s": serve["new_document"],
    }
    if size <= 150_000 and bm25_queries:
        questions = [conversation[0] for conversation in conversations[:bm25_queries]]
        bm25 = _in_child("bm25", db, json.dumps(questions, ensure_ascii=False))
        theirs, scorer, ours = (statistics.mean(bm25[key]) for key in ("rank_bm25", "tantivy", "ours"))
        result |= {
            "bm25_ms": theirs * 1000, "tantivy_ms": scorer * 1000, "ours_ms": ours * 1000,
            "scorer_speedup": theirs / scorer, "speedup": theirs / ours,
            "top10_overlap": statistics.mean(bm25["overlap"]), "bm25_queries": len(bm25["ours"]),
        }
    return result


def print_result(result: dict) -> None:
    p50, p95, p99 = result["latency_ms"]
    print(f"\n## {result['size']:,} paragraphs ({result['chunks']:,} chunks with the provincial reports)")
    rows = [
        ("bulk build", f"{result['build_s']:.1f} s, {result['chars_per_s'] / 1000:,.0f} k chars/s, peak {result['build_peak_mb']:.0f} MB"),
        ("on disk", f"catalogue {result['catalogue_mb']:,.0f} MB (originals included), index {result['index_mb']:,.0f} MB"),
        ("cold start", f"{result['cold_start_s']:.2f} s (new process → first answer, median of 3)"),
        ("query latency", f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms ({result['answered']} answered)"),
        ("serving memory", f"peak {result['serve_peak_mb']:.0f} MB"),
        ("new document", f"{result['new_document_s'] * 1000:.0f} ms until searchable"),
    ]
    if "speedup" in result:
        rows.append(("vs rank-bm25", f"get_scores {result['bm25_ms']:.1f} ms; tantivy BM25 top 10 "
                                     f"{result['tantivy_ms']:.2f} ms ({result['scorer_speedup']:.0f}×); whole ask "
                                     f"{result['ours_ms']:.2f} ms ({result['speedup']:.0f}×); top-10 agreement "
                                     f"{result['top10_overlap']:.3f} ({result['bm25_queries']} questions)"))
    for name, value in rows:
        print(f"| {name:<15} | {value} |")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        command, *args = sys.argv[1:]
        if command == "_build":
            print(json.dumps(run_build(Path(args[0]), [Path(a) for a in args[2:]], int(args[1]))))
        elif command == "_serve":
            questions = json.loads(Path(args[1]).read_text(encoding="utf-8"))
            print(json.dumps(run_serve(Path(args[0]), questions["warm_up"], questions["measured"])))
        elif command == "_bm25":
            print(json.dumps(run_bm25(Path(args[0]), json.loads(args[1]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 150_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--bm25-queries", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, help="folder for the collections (default: a temporary one)")
    args = parser.parse_args()
    if not (CORPUS / "make_synthetic.py").exists():
        print(f"skipping: {CORPUS} not found")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="meeting-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"collections in {work}; {os.cpu_count()} cores, {args.workers} build workers")
    for size in args.sizes:
        print_result(measure(size, work, args.queries, args.bm25_queries, args.workers))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
