"""Crash safety: processes killed in the middle of writing, and damaged files found at start.

The catalogue (SQLite in WAL mode, one transaction per batch) is the source of truth and the
tantivy index is derived from it. So a process killed at any moment must leave a collection
that opens, answers from the last good index, has catalogue and index in step and has lost no
committed document; a damaged or missing index is rebuilt from the stored tokens; a damaged
catalogue is reported as such, since nothing can rebuild it.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import tantivy

from index.collection import Collection
from index.search_index import SearchIndex
from index.errors import CatalogueError
from benchmarks.kill_index import write_corpus
from tests.conftest import MEETING_REPORT

PROJECT = Path(__file__).resolve().parents[1]
SEED = 20240917
REBUILD_DOCUMENTS = 800
"""Enough documents that a rebuild takes a second or two, so a kill can land anywhere in it."""
ADD_DOCUMENTS = 300
REBUILD_TRIALS = 7
ADD_TRIALS = 6
KNOWN_QUESTION = "秋粮收购有什么要求"
"""Answered by the grain meeting, which every collection here holds from the start."""

DRIVER = r'''
"""Open a collection, say so, then rebuild it or add a folder, printing what each batch committed."""
import os, signal, sys
from pathlib import Path

import index.collection
import index.search_index
import index.store

db, action, folder, kill_at = sys.argv[1:5]
index.collection.BATCH_DOCUMENTS = 50  # many commits, so kills land between and inside them
real_commit, real_write_batch = index.search_index.Writing.commit, index.collection.Collection._write_batch
commits = 0


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def commit(self, *args, **kwargs):
    global commits
    commits += 1
    if kill_at == "before-second-index-commit" and commits == 2:
        die()
    added = real_commit(self, *args, **kwargs)
    if kill_at == "after-index-commit":  # before the catalogue's transaction commits
        die()
    return added


def write_batch(self, batch, *args):
    real_write_batch(self, batch, *args)
    print("committed", *(document.id for document in batch), flush=True)


index.search_index.Writing.commit = commit
index.collection.Collection._write_batch = write_batch
if kill_at == "publish":
    index.store.Staging.publish = lambda self: die()
collection = index.collection.Collection(Path(db))
collection.warm_up()  # the segmenter's dictionary, so the time to the kill is spent writing
print("ready", flush=True)
if action == "rebuild":
    collection.rebuild()
else:
    collection.add_paths([Path(folder)])
print("done", flush=True)
'''


@dataclass
class Run:
    """What a driver process did before it ended."""

    killed: bool
    committed: set[str]
    """Documents of the batches it reported committed (an add's; a rebuild's are only staged)."""
    seconds: float
    """From its collection being open to its end."""


def _child_environment() -> dict[str, str]:
    """This project importable, and no developer's DATA_DIR."""
    environment = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "DATA_DIR"}}
    environment.update(PYTHONPATH=str(PROJECT), PYTHONIOENCODING="utf-8")
    return environment


def _drive(db: Path, action: str, folder: Path | None = None, kill_at: str = "-", kill_after: float | None = None) -> Run:
    """Run the driver; SIGKILL it ``kill_after`` seconds after it opened the collection (or let it
    kill itself at ``kill_at``, or finish)."""
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), action, str(folder or "-"), kill_at],
        cwd=PROJECT, env=_child_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    start = time.perf_counter()
    if ready.strip() == "ready" and kill_after is not None:
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)  # a no-op if it has finished
    out, err = child.communicate(timeout=120)
    seconds = time.perf_counter() - start
    lines = out.splitlines()
    killed = child.returncode == -signal.SIGKILL
    assert ready.strip() == "ready" and (killed or (child.returncode == 0 and lines[-1:] == ["done"])), err
    committed = {doc_id for line in lines if line.startswith("committed ") for doc_id in line.split()[1:]}
    return Run(killed, committed, seconds)


def _catalogue_rows(db: Path, sql: str) -> list[str]:
    """A query's first column, read with plain sqlite3 (no collection opened, so nothing cleaned up)."""
    connection = sqlite3.connect(db)
    try:
        return [row[0] for row in connection.execute(sql)]
    finally:
        connection.close()


def _live_generation(db: Path) -> str:
    return _catalogue_rows(db, "select value from meta where key = 'generation'")[0]


def _leftovers(db: Path) -> tuple[list[str], list[str]]:
    """Generation directories other than the live one, and staging tables, as the last process left them."""
    live = _live_generation(db)
    tables = _catalogue_rows(db, "select name from sqlite_master where type = 'table' and name like '%_next' order by name")
    root = db.with_name(db.name + ".tantivy")
    return sorted(path.name for path in root.iterdir() if path.name != live), tables


def _indexed_chunks(index_path: Path) -> Counter[str]:
    """Chunks per document in an index generation, read with tantivy itself."""
    searcher = tantivy.Index.open(str(index_path)).searcher()
    hits = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1), count=False).hits
    return Counter(searcher.doc(address)["doc_id"][0] for _score, address in hits)


def _assert_whole(collection: Collection, committed: set[str]) -> set[str]:
    """Catalogue and index agree, every ``committed`` document is in both, the known question is
    answered and nothing is left over; returns the documents stored."""
    store = collection.store
    documents = {record.id: record.chunk_count for record in collection.documents()}
    originals = {original.id for original in store.originals()}
    assert collection.index.num_docs() == store.chunk_count() == sum(documents.values())
    assert dict(_indexed_chunks(collection.index.path)) == documents, "the index holds each stored document's chunks"
    assert originals == set(documents), "every stored original is a stored document"
    assert not committed - set(documents), f"{len(committed - set(documents))} committed documents lost"
    answer = collection.ask([KNOWN_QUESTION])
    assert answer.passages and "秋粮" in answer.passages[0].title
    assert _leftovers(collection.db_path) == ([], [])
    return set(documents)


@pytest.fixture
def grain_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "grain"
    folder.mkdir()
    (folder / "grain.txt").write_text(MEETING_REPORT, encoding="utf-8")
    return folder


# -- killed at random moments ------------------------------------------------


def _reopened(db: Path, caplog: pytest.LogCaptureFixture) -> tuple[Collection, bool]:
    """The collection opened again, and whether it found its index out of step and rebuilt it."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="index.collection"):
        collection = Collection(db)
    return collection, "rebuilding it from stored tokens" in caplog.text


def test_rebuilds_killed_at_random_moments_lose_nothing(tmp_path: Path, grain_folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(SEED)
    db = tmp_path / "kill.db"
    with_meetings = Collection(db)
    with_meetings.add_paths([grain_folder, write_corpus(tmp_path / "docs", 0, REBUILD_DOCUMENTS, rng)])
    stored = _assert_whole(with_meetings, set())
    with_meetings.close()
    full = _drive(db, "rebuild")
    outcomes: Counter[str] = Counter()
    for _trial in range(REBUILD_TRIALS):
        before = _live_generation(db)
        run = _drive(db, "rebuild", kill_after=rng.uniform(0.0, full.seconds))
        leftovers = _leftovers(db)
        reopened, repaired = _reopened(db, caplog)
        assert not repaired, "a rebuild never touches the live generation"
        assert _assert_whole(reopened, stored) == stored, "a rebuild neither adds nor drops documents"
        swapped = reopened.index.generation != before
        assert swapped or run.killed
        outcomes["finished" if not run.killed else "killed after the swap" if swapped else "killed before the swap"] += 1
        outcomes["left a half-written generation or staging tables"] += bool(leftovers[0] or leftovers[1])
        reopened.close()
    print(f"\nrebuild of {len(stored)} documents ({full.seconds:.2f} s), {REBUILD_TRIALS} kill trials: {dict(outcomes)}")
    assert outcomes["killed before the swap"], "no kill landed in a rebuild (timing is far off)"

    completed = subprocess.run(
        [sys.executable, "-m", "bot", "index", "--rebuild", "--workers", "1", "--db", str(db)],
        cwd=tmp_path, env=_child_environment(), capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"已从保存的原件重建：{len(stored)} 份文件" in completed.stdout
    _assert_whole(Collection(db), stored)


def test_bulk_adds_killed_at_random_moments_lose_nothing(tmp_path: Path, grain_folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(SEED + 1)
    db = tmp_path / "kill.db"
    first = _drive(db, "add", write_corpus(tmp_path / "docs0", 0, ADD_DOCUMENTS, rng))
    with_grain = Collection(db)
    with_grain.add_paths([grain_folder])
    stored = _assert_whole(with_grain, first.committed)
    with_grain.close()
    outcomes: Counter[str] = Counter()
    for trial in range(1, ADD_TRIALS + 1):
        folder = write_corpus(tmp_path / f"docs{trial}", trial * ADD_DOCUMENTS, ADD_DOCUMENTS, rng)
        run = _drive(db, "add", folder, kill_after=rng.uniform(0.0, first.seconds))
        reopened, repaired = _reopened(db, caplog)
        after_kill = _assert_whole(reopened, stored | run.committed)
        outcomes["finished" if not run.killed else "killed"] += 1
        outcomes["index found a batch ahead, rebuilt at start"] += repaired
        outcomes["documents committed before the kill"] += len(after_kill - stored)
        rerun = reopened.add_paths([folder])
        assert len(rerun.added) + len(rerun.unchanged) == ADD_DOCUMENTS and not rerun.skipped
        assert len(rerun.unchanged) == len(after_kill - stored), "what was committed before the kill is not added again"
        stored = _assert_whole(reopened, after_kill)
        assert len(stored) == 1 + (trial + 1) * ADD_DOCUMENTS
        reopened.close()
    print(f"\nbulk add of {ADD_DOCUMENTS} documents ({first.seconds:.2f} s), {ADD_TRIALS} kill trials: {dict(outcomes)}")
    assert outcomes["killed"], "no kill landed in an add (timing is far off)"


# -- killed at chosen moments ------------------------------------------------


@pytest.mark.parametrize("kill_at", ["before-second-index-commit", "publish"])
def test_restart_after_a_killed_rebuild_serves_the_old_index_and_drops_the_new(
    tmp_path: Path, grain_folder: Path, kill_at: str
) -> None:
    """Killed half-way (one batch written) or just before the swap (all written): the half-built
    generation and staging tables are left behind, and the next start removes them."""
    db = tmp_path / "c.db"
    first = Collection(db)
    first.add_paths([grain_folder, write_corpus(tmp_path / "docs", 0, 120, random.Random(SEED))])
    generation, stored = first.index.generation, _assert_whole(first, set())
    first.close()

    assert _drive(db, "rebuild", kill_at=kill_at).killed
    abandoned, staging = _leftovers(db)
    assert len(abandoned) == 1 and staging == ["chunks_next", "documents_next", "reprint_bands_next", "reprints_next"]

    reopened = Collection(db)
    assert reopened.index.generation == generation
    assert _assert_whole(reopened, stored) == stored
    assert len(reopened.rebuild().added) == len(stored)
    _assert_whole(reopened, stored)


def test_add_killed_between_index_and_catalogue_commits_is_repaired_at_start(
    tmp_path: Path, grain_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The index holds a batch the catalogue does not: it is out of step, so rebuilt from the catalogue."""
    db = tmp_path / "c.db"
    Collection(db).add_paths([grain_folder])
    folder = write_corpus(tmp_path / "docs", 0, 120, random.Random(SEED))
    run = _drive(db, "add", folder, kill_at="after-index-commit")
    assert run.killed and not run.committed
    reopened, repaired = _reopened(db, caplog)
    assert repaired
    assert len(_assert_whole(reopened, set())) == 1
    assert len(reopened.add_paths([folder]).added) == 120
    _assert_whole(reopened, set())


def test_a_start_while_another_process_rebuilds_leaves_its_work_alone(tmp_path: Path, grain_folder: Path) -> None:
    db = tmp_path / "c.db"
    rebuilding = Collection(db)
    rebuilding.add_paths([grain_folder])
    in_progress = rebuilding.generations.create()
    rebuilding.store.staging()
    with rebuilding.generations.locked():  # as a rebuild in another process holds it
        Collection(db).close()
        assert _leftovers(db) == ([in_progress.generation], ["chunks_next", "documents_next", "reprint_bands_next", "reprints_next"])
    _assert_whole(Collection(db), set())


def test_a_generation_removed_by_a_further_swap_gives_way_to_the_newer_one(
    tmp_path: Path, meeting_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader follows a swap, but before it opens the generation it read, another rebuild
    swaps again and removes that one (seen with rebuilds in a loop beside questions)."""
    reader = Collection(tmp_path / "c.db")
    reader.add_paths([meeting_files])
    rebuilder = Collection(tmp_path / "c.db")
    rebuilder.rebuild()
    real_open, swapped_again = reader.generations.open, []

    def open_after_another_swap(name: str) -> SearchIndex:
        if not swapped_again:
            swapped_again.append(rebuilder.rebuild())
        return real_open(name)

    monkeypatch.setattr(reader.generations, "open", open_after_another_swap)
    assert "河湖长制" in reader.ask(["河道清淤"]).passages[0].title
    assert swapped_again and reader.index.generation == rebuilder.index.generation


# -- damaged files found at start --------------------------------------------


def _segment_file(generation: Path, suffix: str) -> Path:
    return next(path for path in sorted(generation.iterdir()) if path.suffix == suffix)


def _replace(path: Path, content: bytes) -> None:
    """Put ``content`` in ``path``'s place: a file truncated in place under this process's own
    memory map of it would kill the process (SIGBUS) at the next read."""
    damaged = path.with_name(path.name + ".damaged")
    damaged.write_bytes(content)
    os.replace(damaged, path)


def _another_schema(generation: Path) -> None:
    shutil.rmtree(generation)
    generation.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True)
    writer = tantivy.Index(builder.build(), path=str(generation)).writer(15_000_000)
    writer.add_document(tantivy.Document(text="秋粮"))
    writer.commit()
    writer.wait_merging_threads()


def _one_document_deleted(generation: Path) -> None:
    index = tantivy.Index.open(str(generation))
    writer = index.writer(15_000_000)
    writer.delete_documents_by_term("doc_id", next(iter(_indexed_chunks(generation))))
    writer.commit()
    writer.wait_merging_threads()


DAMAGE: dict[str, Callable[[Collection, Path], object]] = {
    "generation directory deleted": lambda collection, generation: shutil.rmtree(generation),
    "segment file deleted": lambda collection, generation: _segment_file(generation, ".idx").unlink(),
    "segment file truncated": lambda collection, generation: _replace(
        segment := _segment_file(generation, ".term"), segment.read_bytes()[: segment.stat().st_size // 2]
    ),
    "segment file emptied": lambda collection, generation: _replace(_segment_file(generation, ".store"), b""),
    "meta.json garbage": lambda collection, generation: (generation / "meta.json").write_text("garbage{", encoding="utf-8"),
    "live generation names nothing": lambda collection, generation: collection.store.set_meta("generation", "g0"),
    "written with another schema": lambda collection, generation: _another_schema(generation),
    "index behind the catalogue": lambda collection, generation: _one_document_deleted(generation),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_rebuilt_from_stored_tokens(
    tmp_path: Path, meeting_files: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    db = tmp_path / "c.db"
    first = Collection(db)
    first.add_paths([meeting_files])
    generation = first.index.path
    DAMAGE[damage](first, generation)
    first.close()

    with caplog.at_level(logging.WARNING, logger="index.collection"):
        reopened = Collection(db)
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any("search index" in message and "rebuilding it from stored tokens" in message for message in warnings), warnings
    assert reopened.index.generation != generation.name
    _assert_whole(reopened, {document.id for document in reopened.documents()})
    assert "河湖长制" in reopened.ask(["河道清淤"]).passages[0].title


def test_catalogue_is_written_ahead_in_wal_mode(collection: Collection) -> None:
    assert collection.store.db.execute("pragma journal_mode").fetchone()[0] == "wal"


def _another_connection_writes(db: Path, seconds: float) -> threading.Thread:
    """Hold the catalogue's write lock from another connection for ``seconds``."""
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("begin immediate")
    other.execute("insert or replace into meta (key, value) values ('other-writer', '1')")

    def commit() -> None:
        time.sleep(seconds)
        other.execute("commit")
        other.close()

    writer = threading.Thread(target=commit)
    writer.start()
    return writer


def test_writes_wait_out_another_connections_write(collection: Collection, meeting_files: Path) -> None:
    """SQLite does not wait to turn a read into a write: a transaction that read first failed at
    once with "database is locked" while another connection wrote (seen in rebuilds beside uploads)."""
    river = next(record for record in collection.add_paths([meeting_files]).added if "河湖" in record.title)
    for write in (collection.rebuild, lambda: collection.remove(river.id)):
        writer = _another_connection_writes(collection.db_path, 0.3)
        write()
        writer.join()
    _assert_whole(collection, set())


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_catalogue_is_reported_clearly(tmp_path: Path, meeting_files: Path, damage: str) -> None:
    db = tmp_path / "c.db"
    first = Collection(db)
    first.add_paths([meeting_files])
    first.close()  # the last connection checkpoints the WAL into the file
    assert not db.with_name("c.db-wal").exists()
    db.write_bytes(b"not a database " * 1_000 if damage == "garbage" else db.read_bytes()[: db.stat().st_size // 2])
    with pytest.raises(CatalogueError, match="已损坏") as raised:
        Collection(db)
    assert str(db) in str(raised.value) and "从备份恢复" in str(raised.value)
