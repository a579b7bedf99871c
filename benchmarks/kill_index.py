"""Kill `meeting-bot index` (a bulk add and a `--rebuild`) with SIGKILL at random moments, and check what is left.

After every kill: no process of the killed run is left (its build workers die with it), the next
command (`meeting-bot docs`, then for a bulk add the same `meeting-bot index` again) succeeds at
once, no document is lost, and catalogue and index agree (documents and chunks per document, read
with sqlite3 and tantivy themselves), with no staging tables or abandoned generations left.

usage: python benchmarks/kill_index.py [--bulk 60] [--rebuild 60] [--documents 3000] [--workers 2] [--seed 1]
       [--mid-build]   (kill shortly after the build workers are up, instead of anywhere in the run)
Prints one line per kill and a JSON summary last; exits 1 if any check failed. The corpus is synthetic
meeting reports written into a temporary folder. This process makes itself the subreaper of what it
starts (Linux), so a worker that outlived its parent is handed to it and counted.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import tantivy

PROJECT = Path(__file__).resolve().parents[1]
PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 5.0
"""How long the killed run's processes may take to end before they count as left behind."""
NEXT_COMMAND_SECONDS = 120.0

PLACES = ["东湖县", "西山市", "南岭区", "北塘镇", "青石县", "白沙市", "红河区", "金水县", "云台县", "松江镇"]
BODIES = ["水利局", "教育局", "应急管理局", "住建局", "交通运输局", "卫生健康委", "文旅局", "市场监管局", "农业农村局"]
TOPICS = ["河道清淤", "森林防火", "安全生产", "校园安全", "垃圾分类", "防汛抗旱", "食品安全", "道路养护", "老旧小区改造",
          "高标准农田", "农村供水", "冬春季造林"]
ACTIONS = ["要加快推进", "要切实抓好", "要全面落实", "要统筹做好", "要持续深化", "必须严格落实"]
GOALS = ["确保按期完成任务", "确保群众满意", "确保不发生重大事故", "形成长效机制", "压实各方责任", "做到应改尽改"]
CHAIRS = ["王志强", "刘海燕", "陈立新", "杨春生", "赵文静", "孙国庆"]


def meeting_report(number: int, rng: random.Random) -> str:
    """A synthetic meeting report of several paragraphs, distinct for each ``number``."""
    place, body, topic = rng.choice(PLACES), rng.choice(BODIES), rng.choice(TOPICS)
    lines = [
        f"{place}{body}召开第{number}次{topic}工作会议",
        "",
        f"{rng.randint(2019, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{place}{body}召开{topic}工作会议。"
        f"{rng.choice(CHAIRS)}主持会议并讲话。",
    ]
    for _ in range(rng.randint(4, 9)):
        lines.append("".join(f"{rng.choice(ACTIONS)}{rng.choice(TOPICS)}工作，{rng.choice(GOALS)}。" for _ in range(rng.randint(2, 5))))
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, first: int, count: int, rng: random.Random) -> Path:
    folder.mkdir(parents=True)
    for number in range(first, first + count):
        (folder / f"m{number:06d}.txt").write_text(meeting_report(number, rng), encoding="utf-8")
    return folder


def environment() -> dict[str, str]:
    """This project importable, no developer's settings."""
    kept = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM", "DATA_DIR", "PYTHONPATH"))}
    return {**kept, "PYTHONPATH": str(PROJECT), "PYTHONIOENCODING": "utf-8"}


def command(db: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "bot", *arguments, "--db", str(db)]


# -- processes ----------------------------------------------------------------


def _parents() -> dict[int, int]:
    """Each live process's parent (zombies left out: they have ended)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            parents[int(entry)] = int(parent)
    return parents


def descendants(pid: int) -> set[int]:
    """The live processes below ``pid``."""
    parents = _parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def reap() -> None:
    """Collect the exit status of whatever was handed to this subreaper and has ended."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


@dataclass
class Kill:
    """What one killed run left."""

    seconds: float
    """When it was killed, after its start."""
    workers_up: int
    """Processes it had started that were alive when it was killed."""
    left: int
    """Of its processes (those seen at the kill and any handed to this subreaper since), how many were
    still alive ``GRACE_SECONDS`` after it; they are then killed, so the next trial starts clean."""
    gone_after: float
    """Seconds until its last process had ended."""
    finished: bool
    """It ended on its own before the kill."""


def run_killed(arguments: list[str], cwd: Path, kill_after: float | None, mid_build: float | None) -> Kill:
    """Start ``arguments``; SIGKILL it ``kill_after`` seconds after its start, or (``mid_build``)
    that many seconds after its first worker is up."""
    start = time.perf_counter()
    errors = cwd / "killed.err"  # a file, not a pipe: processes it leaves behind would hold a pipe open
    with errors.open("wb") as stderr:
        child = subprocess.Popen(arguments, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL, stderr=stderr)
    if mid_build is not None:
        while child.poll() is None and not descendants(child.pid):
            time.sleep(0.01)
        time.sleep(mid_build)
    else:
        assert kill_after is not None
        time.sleep(max(0.0, kill_after - (time.perf_counter() - start)))
    seen = descendants(child.pid)
    killed_at = time.perf_counter()
    child.send_signal(signal.SIGKILL)
    child.wait()
    finished = child.returncode != -signal.SIGKILL
    if finished and child.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed on its own: {errors.read_text(errors='replace')[-2000:]}")
    me = os.getpid()
    while True:
        reap()
        alive = {pid for pid, parent in _parents().items() if pid in seen or parent == me}
        elapsed = time.perf_counter() - killed_at
        if not alive or elapsed > GRACE_SECONDS:
            break
        time.sleep(0.02)
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    reap()
    return Kill(killed_at - start, len(seen), len(alive), elapsed, finished)


# -- the collection as stored -------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A catalogue and its live index, read without opening a collection."""

    chunks: dict[str, int]
    """Chunks per document in the catalogue."""
    indexed: dict[str, int]
    """Chunks per document in the live index generation."""
    originals: frozenset[str]
    leftovers: tuple[str, ...]
    """Staging tables and index generations other than the live one."""

    @property
    def agree(self) -> bool:
        return self.chunks == self.indexed and self.originals == set(self.chunks) and not self.leftovers


def stored(db: Path) -> Stored:
    connection = sqlite3.connect(db)
    try:
        chunks = dict(connection.execute("select doc_id, count(*) from chunks group by doc_id"))
        documents = {row[0]: row[1] for row in connection.execute("select id, chunk_count from documents")}
        assert all(chunks.get(doc_id, 0) == count for doc_id, count in documents.items()), "chunk counts of documents"
        originals = frozenset(row[0] for row in connection.execute("select id from originals"))
        live = connection.execute("select value from meta where key = 'generation'").fetchone()[0]
        staging = [row[0] for row in connection.execute("select name from sqlite_master where type='table' and name like '%_next'")]
    finally:
        connection.close()
    root = db.with_name(db.name + ".tantivy")
    searcher = tantivy.Index.open(str(root / live)).searcher()
    hits = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1), count=False).hits
    indexed = Counter(searcher.doc(address)["doc_id"][0] for _score, address in hits)
    generations = [path.name for path in root.iterdir() if path.name != live]
    return Stored(chunks, dict(indexed), originals, tuple(staging + generations))


def next_command(arguments: list[str], cwd: Path) -> float:
    """Run the command after a kill; its seconds (it must succeed within ``NEXT_COMMAND_SECONDS``)."""
    start = time.perf_counter()
    done = subprocess.run(arguments, cwd=cwd, env=environment(), capture_output=True, timeout=NEXT_COMMAND_SECONDS)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(arguments[2:])} failed after a kill: {done.stderr.decode(errors='replace')[-1500:]}")
    return time.perf_counter() - start


# -- trials -------------------------------------------------------------------


@dataclass
class Tally:
    kills: int = 0
    finished_before_kill: int = 0
    killed_with_workers_up: int = 0
    processes_left: int = 0
    documents_lost: int = 0
    disagreements: int = 0
    next_command_failures: int = 0
    slowest_next_command: float = 0.0
    """`docs`, the first command after the kill."""
    slowest_completion: float = 0.0
    """For a bulk add: the same `index` again, to its end."""
    slowest_end_of_processes: float = 0.0

    def note(self, kill: Kill) -> None:
        self.kills += 1
        self.finished_before_kill += kill.finished
        self.killed_with_workers_up += kill.workers_up > 0 and not kill.finished
        self.processes_left += kill.left
        self.slowest_end_of_processes = max(self.slowest_end_of_processes, kill.gone_after)

    def check(self, after: Stored, must_hold: set[str]) -> None:
        """Count the documents of ``must_hold`` missing from ``after``, and whether it disagrees."""
        self.documents_lost += len(must_hold - set(after.chunks))
        self.disagreements += not after.agree

    @property
    def failed(self) -> bool:
        return bool(self.processes_left or self.documents_lost or self.disagreements or self.next_command_failures)


def _copy_collection(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if source.with_name(source.name + suffix).exists():
            shutil.copy2(source.with_name(source.name + suffix), target.with_name(target.name + suffix))
    shutil.copytree(source.with_name(source.name + ".tantivy"), target.with_name(target.name + ".tantivy"))


def _moment(rng: random.Random, full: float, mid_build: bool) -> tuple[float | None, float | None]:
    return (None, rng.uniform(0.0, 0.3)) if mid_build else (rng.uniform(0.0, full), None)


def bulk_trials(work: Path, trials: int, documents: int, workers: str, rng: random.Random, mid_build: bool) -> Tally:
    """Each trial: a catalogue of a few documents, a folder of ``documents`` new ones indexed and killed,
    then `docs`, then the same `index` to its end; nothing stored before or committed by the killed run is lost."""
    base = work / "base.db"
    write_corpus(work / "base-docs", 0, 20, rng)
    subprocess.run(command(base, "index", str(work / "base-docs"), "--workers", "1"), cwd=work, env=environment(), check=True,
                   capture_output=True)
    folder = write_corpus(work / "bulk-docs", 1000, documents, rng)
    reference = work / "reference.db"
    _copy_collection(base, reference)
    start = time.perf_counter()
    subprocess.run(command(reference, "index", str(folder), "--workers", workers), cwd=work, env=environment(), check=True,
                   capture_output=True)
    full = time.perf_counter() - start
    everything = set(stored(reference).chunks)
    print(f"bulk: {len(everything)} documents after an uninterrupted run of {full:.1f} s", flush=True)
    tally = Tally()
    initial = set(stored(base).chunks)
    for trial in range(trials):
        db = work / f"bulk{trial}.db"
        _copy_collection(base, db)
        kill_after, after_workers = _moment(rng, full, mid_build)
        kill = run_killed(command(db, "index", str(folder), "--workers", workers), work, kill_after, after_workers)
        tally.note(kill)
        try:
            tally.slowest_next_command = max(tally.slowest_next_command, next_command(command(db, "docs"), work))
            after_kill = stored(db)
            tally.check(after_kill, initial)
            completion = next_command(command(db, "index", str(folder), "--workers", workers), work)
            tally.slowest_completion = max(tally.slowest_completion, completion)
            final = stored(db)
            tally.check(final, everything | set(after_kill.chunks))
            outcome = f"{len(after_kill.chunks) - len(initial)} documents committed before the kill"
        except (AssertionError, subprocess.TimeoutExpired) as error:
            tally.next_command_failures += 1
            outcome = f"NEXT COMMAND FAILED: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
        print(f"bulk {trial + 1}: killed at {kill.seconds:.2f} s, {kill.workers_up} processes up, {kill.left} left; {outcome}",
              flush=True)
        for path in work.glob(f"bulk{trial}.db*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return tally


def rebuild_trials(work: Path, trials: int, documents: int, workers: str, rng: random.Random, mid_build: bool) -> Tally:
    """Each trial: `index --rebuild` of a catalogue of ``documents`` killed, then `docs`: the same
    documents, old or new generation whole, the killed rebuild's staging tables and generation gone."""
    db = work / "rebuild.db"
    subprocess.run(command(db, "index", str(write_corpus(work / "rebuild-docs", 0, documents, rng)), "--workers", workers),
                   cwd=work, env=environment(), check=True, capture_output=True)
    expected = stored(db)
    start = time.perf_counter()
    subprocess.run(command(db, "index", "--rebuild", "--workers", workers), cwd=work, env=environment(), check=True,
                   capture_output=True)
    full = time.perf_counter() - start
    print(f"rebuild: {len(expected.chunks)} documents, an uninterrupted rebuild takes {full:.1f} s", flush=True)
    tally = Tally()
    for trial in range(trials):
        kill_after, after_workers = _moment(rng, full, mid_build)
        kill = run_killed(command(db, "index", "--rebuild", "--workers", workers), work, kill_after, after_workers)
        tally.note(kill)
        try:
            tally.slowest_next_command = max(tally.slowest_next_command, next_command(command(db, "docs"), work))
            after = stored(db)
            tally.check(after, set(expected.chunks))
            tally.disagreements += after.chunks != expected.chunks
            outcome = "agree" if after.agree and after.chunks == expected.chunks else f"DISAGREE {after.leftovers}"
        except (AssertionError, subprocess.TimeoutExpired) as error:
            tally.next_command_failures += 1
            outcome = f"NEXT COMMAND FAILED: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
        print(f"rebuild {trial + 1}: killed at {kill.seconds:.2f} s, {kill.workers_up} processes up, {kill.left} left; {outcome}",
              flush=True)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", type=int, default=60, help="killed bulk adds")
    parser.add_argument("--rebuild", type=int, default=60, help="killed rebuilds")
    parser.add_argument("--documents", type=int, default=3000, help="documents a killed run builds")
    parser.add_argument("--workers", default="2", help="build processes of the killed runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mid-build", action="store_true", help="kill 0-0.3 s after the first worker is up")
    args = parser.parse_args()
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kill-index-") as folder:
        work = Path(folder)
        tallies = {
            "bulk": bulk_trials(work, args.bulk, args.documents, args.workers, rng, args.mid_build) if args.bulk else Tally(),
            "rebuild": rebuild_trials(work, args.rebuild, args.documents, args.workers, rng, args.mid_build)
            if args.rebuild else Tally(),
        }
    summary = {name: {key: round(value, 2) if isinstance(value, float) else value for key, value in vars(tally).items()}
               for name, tally in tallies.items()}
    summary["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(summary))
    return 1 if any(tally.failed for tally in tallies.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
