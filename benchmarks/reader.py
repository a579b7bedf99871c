"""What the reader sees, counted: timeline excerpts that show none of their matched words, and the
sentences the digest reads as requirements.

    python benchmarks/reader.py            # both counts
    python benchmarks/reader.py --list     # also every requirement sentence, to diff two commits' output

Timelines are built over the seeds and ``tests/meetings`` for a fixed list of topics; requirement
sentences are read from the seeds, ``tests/meetings`` and, when present, the corpora in
``../shared/corpus`` (nothing from them is copied into the project).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.render import timeline_entry  # noqa: E402
from index.collection import Collection  # noqa: E402
from index.digest import read_requirement  # noqa: E402
from index.speakers import split_sentences  # noqa: E402

SHARED = ROOT.parent / "shared"
MEETINGS = ROOT / "tests" / "meetings"
TOPICS = ["高标准农田", "防汛", "安全生产", "营商环境", "脱贫攻坚", "乡村振兴", "整改", "粮食", "管护", "督导",
          "农田建设", "耕地保护", "资金", "项目建设", "责任"]


def timeline_misses() -> tuple[int, int]:
    """(entries whose excerpt shows none of their passage's matched words, entries) over ``TOPICS``."""
    with tempfile.TemporaryDirectory() as folder:
        collection = Collection(Path(folder) / "reader.db")
        collection.ensure_seeded()
        collection.add_paths([MEETINGS])
        entries = misses = 0
        for topic in TOPICS:
            for number, passage in enumerate(collection.timeline(topic), start=1):
                _head, _text, spans = timeline_entry(number, passage)
                entries += 1
                misses += bool(passage.highlights) and not spans
        collection.close()
    return misses, entries


def texts() -> Iterator[tuple[str, str]]:
    """(name, text) of every document read for requirement sentences."""
    for path in sorted((ROOT / "seeds").glob("*.txt")) + sorted(MEETINGS.glob("*.txt")):
        yield path.name, path.read_text(encoding="utf-8", errors="replace")
    for corpus in sorted((SHARED / "corpus").glob("*.jsonl")):
        with corpus.open(encoding="utf-8") as lines:
            for line in lines:
                document = json.loads(line)
                yield document["id"], document["text"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="print every requirement sentence found")
    listed = parser.parse_args().list
    misses, entries = timeline_misses()
    print(f"timeline entries showing none of their matched words: {misses} of {entries}")
    sentences = requirements = 0
    for name, text in texts():
        for paragraph in text.splitlines():
            for sentence in split_sentences(paragraph):
                sentences += 1
                requirement = read_requirement(sentence)
                if requirement:
                    requirements += 1
                    if listed:
                        print(name, requirement.owners, requirement.deadlines, requirement.text, sep="\t")
    print(f"requirement sentences: {requirements} of {sentences} sentences")


if __name__ == "__main__":
    main()
