"""Reprints: one meeting report indexed from several sites is one family, and shown once.

Over the meetings in tests/meetings, whose annotations name the reprint pair and the distinct
meetings of the same place and topic. ``pytest -s`` prints the measured similarities.
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

import index.collection
import index.search_index
from bot.render import also_at_line, answer_text
from index.collection import Collection
from index.conversation import resolve
from index.document import Document, build_document
from index.normalize import compact
from index.read import read_path
from index.reprints import (
    BANDS,
    FOLD_SIMILARITY,
    NUM_PERM,
    SEED,
    SHINGLE,
    band_keys,
    fold_reprints,
    minhash,
    shingle_hashes,
    signature,
    similarity,
)
from index.search import Passage
from index.store import DocumentRecord
from tests.conftest import MEETING_REPORT

MEETINGS = Path(__file__).parent / "meetings"
ANNOTATIONS = json.loads((MEETINGS / "annotations.json").read_text(encoding="utf-8"))
FILES = sorted(MEETINGS.glob("*.txt"))
(ORIGINAL, REPRINT), = ANNOTATIONS["reprints"]
DISTINCT = ANNOTATIONS["distinct_same_topic"]


def _documents() -> dict[str, Document]:
    return {path.name: build_document(next(iter(read_path(path)))) for path in FILES}


def _shingle_jaccard(first: Document, second: Document) -> float:
    """The exact Jaccard similarity of two documents' shingle sets (what the signatures estimate)."""
    def shingles(document: Document) -> set[str]:
        text = compact("".join(chunk.text for chunk in document.chunks))
        return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}

    a, b = shingles(first), shingles(second)
    return len(a & b) / len(a | b)


def _added(collection: Collection, paths: list[Path]) -> dict[str, str]:
    """Add files one run each, in order; each file's name → document id."""
    ids = {}
    for path in paths:
        (record,) = collection.add_paths([path]).added
        ids[path.name] = record.id
    return ids


def _reprint_rows(db: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("select doc_id, family from reprints order by sequence").fetchall()


def _band_counts(db: Path) -> dict[str, int]:
    """Band keys stored per document."""
    with closing(sqlite3.connect(db)) as connection:
        return dict(connection.execute("select doc_id, count(*) from reprint_bands group by doc_id").fetchall())


def test_only_the_reprint_pair_is_similar_enough_to_fold() -> None:
    documents = _documents()
    measured = sorted(
        ((similarity(documents[a].signature, documents[b].signature), a, b) for a, b in itertools.combinations(documents, 2)),
        reverse=True,
    )
    (top, *others) = measured
    assert {top[1], top[2]} == {ORIGINAL, REPRINT}
    assert top[0] >= FOLD_SIMILARITY
    assert all(estimate < FOLD_SIMILARITY for estimate, _a, _b in others), "no other pair of the meetings may fold"
    for a, b in DISTINCT:
        assert similarity(documents[a].signature, documents[b].signature) < FOLD_SIMILARITY
    closest = others[0]
    print(
        f"\nreprint pair {ORIGINAL} / {REPRINT}: estimated {top[0]:.3f}, exact {_shingle_jaccard(documents[ORIGINAL], documents[REPRINT]):.3f}"
        f"\nclosest other pair {closest[1]} / {closest[2]}: estimated {closest[0]:.3f}, exact"
        f" {_shingle_jaccard(documents[closest[1]], documents[closest[2]]):.3f}"
        + "".join(
            f"\ndistinct same topic {a} / {b}: estimated {similarity(documents[a].signature, documents[b].signature):.3f},"
            f" exact {_shingle_jaccard(documents[a], documents[b]):.3f}"
            for a, b in DISTINCT
        )
        + f"\nfold threshold {FOLD_SIMILARITY}"
    )


def test_the_reprint_pair_is_one_family_and_every_other_pair_is_not(collection: Collection) -> None:
    ids = _added(collection, FILES)
    families = collection.families(ids.values())
    assert families[ids[REPRINT]] == families[ids[ORIGINAL]] == ids[ORIGINAL], "the earliest-added names the family"
    for a, b in itertools.combinations(ids, 2):
        if {a, b} != {ORIGINAL, REPRINT}:
            assert families[ids[a]] != families[ids[b]], f"{a} and {b} are different meetings"
    assert [record.id for record in collection.also_published(ids[REPRINT])] == [ids[ORIGINAL]]
    assert [record.id for record in collection.also_published(ids[ORIGINAL])] == [ids[REPRINT]]
    assert collection.also_published(ids["zhangqiu_farmland_acceptance.txt"]) == []


def test_an_answer_from_both_reprints_shows_the_passage_once_with_the_other_site(collection: Collection) -> None:
    ids = _added(collection, FILES)
    question = "孟庆华强调了什么"
    searched = collection.search(collection.synonyms.expand(resolve(question, None, collection.names())))
    assert {ids[ORIGINAL], ids[REPRINT]} <= {passage.doc_id for passage in searched}, "both sites' passages rank"
    passages = collection.ask([question]).passages
    shown = [passage for passage in passages if "严格把控工程质量" in passage.text]
    assert len(shown) == 1
    other = ORIGINAL if shown[0].doc_id == ids[REPRINT] else REPRINT
    record = collection.document(ids[other])
    assert shown[0].also_at == ((record.title, record.source_url),)


def test_a_paragraph_only_one_site_printed_is_still_shown(collection: Collection) -> None:
    """The government site's last paragraph is not in the WeChat reprint: folding keeps it."""
    ids = _added(collection, [MEETINGS / REPRINT, MEETINGS / ORIGINAL])
    passages = collection.ask(["各科室明确专人包联项目"]).passages
    assert passages and passages[0].doc_id == ids[ORIGINAL]
    assert passages[0].also_at == ((collection.document(ids[REPRINT]).title, None),), "the WeChat copy has no link"


def _passage(doc_id: str, text: str) -> Passage:
    return Passage(doc_id=doc_id, title="", date=None, place=None, source_url=None, paragraph=1, position=0,
                   text=text, heading="", speakers=(), score=1.0, coverage=1.0)


def test_folding_compares_a_passage_with_the_other_members_passages_only() -> None:
    heading, paragraph = "市林业局召开森林防火工作会议", "3月2日，市林业局召开森林防火工作会议。会议要求严格落实森林防火责任。"
    site = DocumentRecord("a", "a.txt", "森林防火会议", None, None, "http://a", {}, 2, 60, "", "森林 防火 会议", "")
    reprint = replace(site, id="b", name="b.txt", source_url=None)
    families, members = {"a": "a", "b": "a"}, {"a": [site, reprint]}
    folded = fold_reprints([_passage("a", heading), _passage("a", paragraph), _passage("b", paragraph[:30]),
                            _passage("b", "另一段")], families, members)
    assert [(p.doc_id, p.text) for p in folded] == [("a", heading), ("a", paragraph), ("b", "另一段")]
    assert [p.also_at for p in folded] == [(("森林防火会议", None),)] * 2 + [(("森林防火会议", "http://a"),)]


def test_a_timeline_lists_a_reprinted_meeting_once_by_its_first_publication(collection: Collection) -> None:
    ids = _added(collection, FILES)
    query = collection.synonyms.expand(resolve("章丘区高标准农田建设项目", None, collection.names()))
    ranked = collection.search(query, 50)
    assert {ids[ORIGINAL], ids[REPRINT]} <= {passage.doc_id for passage in ranked}
    listed = collection.fold(ranked, one_per_family=True)
    (entry,) = [passage for passage in listed if passage.doc_id in (ids[ORIGINAL], ids[REPRINT])]
    assert entry.doc_id == ids[ORIGINAL] and entry.also_at == ((collection.document(ids[REPRINT]).title, None),)
    assert len({passage.doc_id for passage in listed}) == len(listed)


def test_an_exact_reupload_is_skipped_as_unchanged(collection: Collection, tmp_path: Path) -> None:
    ids = _added(collection, [MEETINGS / ORIGINAL])
    copy = tmp_path / "the-same-page-saved-again.txt"
    copy.write_bytes((MEETINGS / ORIGINAL).read_bytes())
    again = collection.add_paths([copy])
    assert not again.added and again.unchanged == [str(copy)]
    uploaded = collection.add_file("upload.txt", (MEETINGS / ORIGINAL).read_bytes())
    assert not uploaded.added and uploaded.unchanged == ["upload.txt"]
    assert _reprint_rows(collection.db_path) == [(ids[ORIGINAL], ids[ORIGINAL])]


def test_removing_the_first_member_hands_the_family_to_the_next(collection: Collection, tmp_path: Path) -> None:
    """The next-added member takes the family over, and the rest move with it."""
    third = tmp_path / "zhangqiu_farmland_county_portal.txt"
    third.write_text((MEETINGS / ORIGINAL).read_text(encoding="utf-8").replace("扫一扫在手机打开当前页", "来源：章丘区融媒体中心"),
                     encoding="utf-8")
    ids = _added(collection, [MEETINGS / ORIGINAL, MEETINGS / REPRINT, third])
    members = [ids[ORIGINAL], ids[REPRINT], ids[third.name]]
    assert set(collection.families(members).values()) == {ids[ORIGINAL]}
    assert collection.remove(ids[ORIGINAL])
    assert collection.families(members[1:]) == {ids[REPRINT]: ids[REPRINT], ids[third.name]: ids[REPRINT]}
    assert [record.id for record in collection.also_published(ids[third.name])] == [ids[REPRINT]]
    assert _reprint_rows(collection.db_path) == [(ids[REPRINT], ids[REPRINT]), (ids[third.name], ids[REPRINT])]


def test_a_family_changed_by_another_process_is_read_again(collection: Collection) -> None:
    ids = _added(collection, [MEETINGS / ORIGINAL])
    other = Collection(collection.db_path)
    ids |= _added(other, [MEETINGS / REPRINT])
    other.close()
    assert collection.families([ids[REPRINT]]) == {ids[REPRINT]: ids[ORIGINAL]}
    assert collection.remove(ids[ORIGINAL]), "this process knew nothing of the reprint until now"
    assert collection.families([ids[REPRINT]]) == {ids[REPRINT]: ids[REPRINT]}


def test_rebuild_keeps_families(collection: Collection) -> None:
    """Added newest file first, so the WeChat copy (whose id sorts after the other's) founds the family."""
    ids = _added(collection, FILES[::-1])
    before = _reprint_rows(collection.db_path)
    collection.rebuild()
    assert _reprint_rows(collection.db_path) == before
    assert _band_counts(collection.db_path) == {doc_id: BANDS for doc_id in ids.values()}
    assert collection.families([ids[ORIGINAL]]) == {ids[ORIGINAL]: ids[REPRINT]}
    assert collection.remove(ids[REPRINT])
    assert collection.families([ids[ORIGINAL]]) == {ids[ORIGINAL]: ids[ORIGINAL]}, "and the rebuilt families are live"


def test_a_failed_batch_leaves_no_reprints_row(collection: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _added(collection, [MEETINGS / "zhangqiu_farmland_acceptance.txt"])

    def failing_commit(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(index.search_index.Writing, "commit", failing_commit)
    with pytest.raises(OSError):
        collection.add_paths([MEETINGS / ORIGINAL])
    monkeypatch.undo()
    assert _reprint_rows(collection.db_path) == [(doc_id, doc_id) for doc_id in ids.values()]
    assert _band_counts(collection.db_path) == {doc_id: BANDS for doc_id in ids.values()}
    ids |= _added(collection, [MEETINGS / REPRINT])
    assert collection.families([ids[REPRINT]]) == {ids[REPRINT]: ids[REPRINT]}, "the failed batch's document is forgotten"


@pytest.mark.parametrize("older", [
    ["drop table reprints"],
    ["drop table reprint_bands", "update reprints set family = doc_id"],
    ["update reprints set signature = x'00', family = doc_id"],
    ["update reprints set signature = cast(x'02' || substr(signature, 2) as blob), family = doc_id"],
], ids=["no signatures", "no band keys", "another signature", "another format"])
def test_a_catalogue_from_before_reprints_is_signed_on_the_first_write(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, older: list[str]
) -> None:
    """Without signatures, without band keys, or signed another way (by an earlier version); one
    document per transaction here, in the order they were added, so the first founds the family."""
    monkeypatch.setattr(index.collection, "SIGNING_BATCH", 1)
    db = tmp_path / "old.db"
    old = Collection(db)
    ids = _added(old, [MEETINGS / ORIGINAL, MEETINGS / REPRINT])
    old.close()
    with closing(sqlite3.connect(db)) as connection, connection:
        for statement in older:
            connection.execute(statement)
    reopened = Collection(db)
    assert reopened.families(ids.values()) == {doc_id: doc_id for doc_id in ids.values()}, "unsigned: nothing folds yet"
    with caplog.at_level(logging.WARNING, logger="index.collection"):
        _added(reopened, [MEETINGS / "zhangqiu_farmland_acceptance.txt"])
    assert caplog.text.count("signing 1 documents stored without a current reprint signature") == 2
    assert reopened.families(ids.values()) == {ids[ORIGINAL]: ids[ORIGINAL], ids[REPRINT]: ids[ORIGINAL]}
    reopened.close()


def test_a_new_document_is_compared_only_with_those_sharing_a_band_key(collection: Collection) -> None:
    """The family of a new document is found through the stored band keys, not by reading every signature."""
    ids = _added(collection, FILES)
    with closing(sqlite3.connect(collection.db_path)) as connection:
        (stored,), = connection.execute("select signature from reprints where doc_id = ?", [ids[REPRINT]]).fetchall()
    candidates = [doc_id for doc_id, _family, _signature in collection.store.reprint_rows().candidates(band_keys(stored))]
    assert ids[ORIGINAL] in candidates and ids[REPRINT] in candidates
    assert len(candidates) <= 3, f"{len(candidates)} of {len(FILES)} documents share a band with the reprint"


@pytest.mark.parametrize("text", ["", "一", "高标准农田", "会议要求，各地要加快建设高标准农田。" * 300, "𠀀𠀁𠀂𠀃 emoji 🙂 and ASCII"])
def test_signatures_are_datasketch_minhashes(text: str) -> None:
    """The values datasketch's MinHash gives the same shingle hashes (the reference, as rank-bm25 is for BM25)."""
    datasketch = pytest.importorskip("datasketch")
    hashes = shingle_hashes([text])
    reference = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
    reference.update_batch(hashes.tolist())
    assert minhash(hashes).tolist() == reference.hashvalues.tolist()
    assert similarity(signature([text]), signature([text])) == 1.0


def test_shingles_are_the_bodys_four_character_runs_without_whitespace() -> None:
    assert len(shingle_hashes(["会议 要求\n各地"])) == len("会议要求各地") - SHINGLE + 1
    assert shingle_hashes(["会议要求"]).tolist() == shingle_hashes(["会议\n要求"]).tolist()
    assert shingle_hashes(["会议要求"]).tolist() != shingle_hashes(["要求会议"]).tolist()


def test_a_folder_of_near_copies_names_their_title_once(collection: Collection) -> None:
    """Twelve copies of one report without a link, each with its own closing line, and three of the
    linked original: the answer shows the passage once, naming the copies' title once, not per copy,
    and not the original's own link as somewhere else."""
    unlinked = "\n".join(line for line in MEETING_REPORT.splitlines() if "http" not in line)
    collection.add_file("original.txt", MEETING_REPORT.encode())
    for number in range(12):
        collection.add_file(f"copy{number}.txt", f"{unlinked}\n（第{number + 1}次转载，编辑{number + 1}号）\n".encode())
    for number in range(3):
        collection.add_file(f"linked{number}.txt", f"{MEETING_REPORT}\n（转载{number + 1}）\n".encode())
    answer = collection.ask(["秋粮收购有什么要求"])
    first = answer.passages[0]
    url = "http://nyj.example.gov.cn/xw/202309/t20230913_1.html"
    expected = {(first.title, None)} | ({(first.title, url)} if first.source_url != url else set())
    assert sorted(first.also_at, key=str) == sorted(expected, key=str), "each place once, never the passage's own link"
    lines = [line for line in answer_text(answer).splitlines() if "同一报道也发布于" in line]
    assert lines and all(line.count(first.title) <= 1 for line in lines), lines
