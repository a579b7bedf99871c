"""Killed and concurrent index runs: build workers die with their parent, hold none of its locks,
and a second writer waits its turn with one line instead of failing.

The kills are `benchmarks/kill_index.py` in short (a few kills while the workers are up); the
benchmark itself runs 60 and more of each kind at random moments.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tantivy

from benchmarks.kill_index import descendants, environment, write_corpus
from index.build import build_all
from index.collection import Collection
from index.read import SourceText

PROJECT = Path(__file__).resolve().parents[1]


def test_index_runs_killed_mid_build_leave_no_process_and_lose_nothing() -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "kill_index.py"), "--bulk", "2", "--rebuild", "2",
         "--documents", "200", "--mid-build", "--seed", "7"],
        cwd=PROJECT, env=environment(), capture_output=True, text=True, timeout=600,
    )
    summary = json.loads(done.stdout.splitlines()[-1])
    for kind in ("bulk", "rebuild"):
        tally = summary[kind]
        assert tally["kills"] == 2 and tally["killed_with_workers_up"] == 2, done.stdout
        assert tally["processes_left"] == 0, f"{kind}: workers outlived their killed parent\n{done.stdout}"
        assert (tally["documents_lost"], tally["disagreements"], tally["next_command_failures"]) == (0, 0, 0), done.stdout
    assert done.returncode == 0, done.stderr[-2000:]


def _open_files(pid: int) -> set[str]:
    folder = Path(f"/proc/{pid}/fd")
    files = set()
    for entry in folder.iterdir():
        try:
            files.add(os.readlink(entry))
        except OSError:
            continue
    return files


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads /proc")
def test_build_workers_hold_none_of_the_writers_locks(tmp_path: Path) -> None:
    """A forked worker held the collection's lock file and tantivy's writer lock as long as it lived."""
    collection = Collection(tmp_path / "c.db")
    text = "东湖县水利局召开河道清淤工作会议\n\n会议要求，要加快推进河道清淤工作。\n"
    sources = [SourceText(name=f"{number}.txt", text=f"第{number}次{text}", format="txt", original=b"") for number in range(40)]
    lock_file = str(collection.generations.root.with_name(collection.generations.root.name + ".lock"))
    with collection.generations.locked(), collection.index.writing():
        mine = _open_files(os.getpid())
        assert lock_file in mine and any(name.endswith(".tantivy-writer.lock") for name in mine)
        built = build_all(sources, workers=2)
        next(built)
        workers = descendants(os.getpid())
        held = {name for pid in workers for name in _open_files(pid) if name == lock_file or name.endswith(".lock")}
        list(built)
    assert workers, "the build ran on worker processes"
    assert not held


TIE = r'''
import multiprocessing, os, sys, time
from index.build import _tie_to_parent

def worker(parent, by_signal):
    _tie_to_parent(parent, by_signal)
    time.sleep(60)

if __name__ == "__main__":
    child = multiprocessing.get_context("spawn").Process(target=worker, args=(os.getpid(), sys.argv[1] == "signal"))
    child.start()
    print(child.pid, flush=True)
    time.sleep(60)
'''


@pytest.mark.parametrize("by", ["signal", "watch"])
def test_a_worker_ends_when_its_parent_is_killed(tmp_path: Path, by: str) -> None:
    """Linux's parent-death signal, and the watching thread used where there is none."""
    if by == "signal" and sys.platform != "linux":
        pytest.skip("prctl is Linux's")
    script = tmp_path / "tie.py"
    script.write_text(TIE, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script), by], cwd=PROJECT, env=environment(), stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    time.sleep(1.0)  # the worker has started and tied itself
    assert worker in descendants(parent.pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(worker):
        time.sleep(0.05)
    assert not _running(worker), "the worker outlived its parent"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cli(db: Path, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "index", *arguments, "--db", str(db)],
        cwd=db.parent, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )


def test_a_second_writer_waits_its_turn_with_one_line(tmp_path: Path) -> None:
    """Another process writing (here: holding the collection's lock) makes `index` wait, saying so once."""
    db = tmp_path / "c.db"
    Collection(db).close()
    folder = write_corpus(tmp_path / "docs", 0, 20, random.Random(3))
    holder = Collection(db)
    with holder.generations.locked():
        second = _cli(db, str(folder), "--workers", "1")
        assert second.stderr is not None
        said, _, _ = select.select([second.stderr], [], [], 60)
        line = second.stderr.readline() if said else ""
        assert "另一个进程正在写入" in line and str(db) in line, "it says why it waits"
        time.sleep(0.5)
        assert second.poll() is None, "it waits while the other writer holds the lock"
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert "Traceback" not in err and not err.strip(), "one line only"
    assert len(holder.documents()) == 20


def _tantivy_writer(path: Path, patience: float = 60.0) -> tantivy.IndexWriter:
    """tantivy's writer for ``path``, once the upload's own merges (in this process) have let it go."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return tantivy.Index.open(str(path)).writer(15_000_000)
        except ValueError as refused:
            if "LockBusy" not in str(refused) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_writer_waits_for_another_process_to_release_tantivys_writer(tmp_path: Path) -> None:
    """An upload's segment merges keep tantivy's writer after its process's lock is released;
    `index` waited for nothing and failed with a LockBusy traceback."""
    db = tmp_path / "c.db"
    collection = Collection(db)
    collection.add_file("first.txt", "东湖县召开河道清淤工作会议\n\n会议要求，要加快推进河道清淤工作。\n".encode())
    folder = write_corpus(tmp_path / "docs", 0, 10, random.Random(4))
    writer = _tantivy_writer(collection.index.path)
    second = _cli(db, str(folder), "--workers", "1")
    time.sleep(1.5)
    assert second.poll() is None
    writer.wait_merging_threads()  # releases tantivy's lock
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0 and "Traceback" not in err, err
    assert len(collection.documents()) == 11
