"""Peak memory and seconds of `meeting-bot index` on hostile files, each in a fresh process.

usage: python benchmarks/hostile_files.py
Prints one line per case: what it is, the peak RSS of the process (MB), its seconds, and the last
line of its report. The files are made in a temporary folder; nothing outside it is read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.kill_index import environment  # noqa: E402
from tests.conftest import MEETING_REPORT  # noqa: E402
from tests.test_hostile_files import deep_folder, tiny_paragraphs_docx, understated  # noqa: E402


def _lines(folder: Path, line: str, count: int) -> Path:
    path = folder / "lines.txt"
    path.write_text(f"{line}\n" * count, encoding="utf-8")
    return path


def _run_on(folder: Path) -> Path:
    path = folder / "run-on.txt"
    path.write_text("会议要求" + "加快推进高标准农田建设" * 1_500_000, encoding="utf-8")
    return path


def _docx_file(folder: Path, understate: bool) -> Path:
    path = folder / ("understated.docx" if understate else "tiny-paragraphs.docx")
    bomb = tiny_paragraphs_docx(190 << 20)
    path.write_bytes(understated(bomb, "word/document.xml") if understate else bomb)
    return path


def _links_and_fifo(folder: Path) -> Path:
    walked = folder / "walked"
    walked.mkdir()
    (walked / "report.txt").write_text(MEETING_REPORT, encoding="utf-8")
    (walked / "zero.txt").symlink_to("/dev/zero")
    (walked / "outside.txt").symlink_to(PROJECT / "README.md")
    os.mkfifo(walked / "pipe.txt")
    (walked / ".hidden.txt").write_text(MEETING_REPORT, encoding="utf-8")
    return walked


def _nested_jsonl(folder: Path) -> Path:
    path = folder / "nested.jsonl"
    good = json.dumps({"id": "good", "text": MEETING_REPORT}, ensure_ascii=False)
    path.write_text(good + "\n" + "[" * 10_000_000 + "]" * 10_000_000 + "\n", encoding="utf-8")
    return path


def _past_path_max(folder: Path) -> Path:
    root = folder / "deep"
    root.mkdir()
    (root / "report.txt").write_text(MEETING_REPORT, encoding="utf-8")
    deep_folder(root)
    return root


CASES: list[tuple[str, Callable[[Path], Path]]] = [
    ("6 MB: 3 M one-letter lines", lambda folder: _lines(folder, "a", 3_000_000)),
    ("12 MB: 3 M one-character Chinese lines", lambda folder: _lines(folder, "字", 3_000_000)),
    ("15 MB: 3 M outline-numbered lines (一、)", lambda folder: _lines(folder, "一、", 3_000_000)),
    ("50 MB: one sentence that never ends", _run_on),
    (".docx unzipping to 190 MB of tiny paragraphs", lambda folder: _docx_file(folder, understate=False)),
    (".docx, the same with its header understating it", lambda folder: _docx_file(folder, understate=True)),
    ("folder: links to /dev/zero and out of it, a FIFO, a hidden file", _links_and_fifo),
    (".jsonl: a 20 MB nested line beside a good one", _nested_jsonl),
    ("folder: a report past PATH_MAX beside a good one", _past_path_max),
]


def measure(path: Path, db: Path) -> tuple[float, float, str]:
    """Peak RSS (MB) and seconds of `meeting-bot index PATH`, and the last line it printed."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "index", str(path), "--db", str(db), "--workers", "1"],
        cwd=db.parent, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    assert child.stdout is not None
    output = child.stdout.read().decode(errors="replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in output.splitlines() if line.strip()]
    return usage.ru_maxrss / 1024, time.perf_counter() - start, (lines[-1] if lines else "")[:100]


def main() -> int:
    """Each case's file is made by a process of its own: a child's peak RSS starts from its parent's,
    so this one stays small."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        work = Path(folder)
        print(f"{'case':<62} {'peak MB':>8} {'seconds':>8}  report")
        rss, seconds, last = measure(work / "nothing-here.txt", work / "empty.db")
        print(f"{'(start-up alone: a missing file)':<62} {rss:8.0f} {seconds:8.1f}  {last}")
        for number, (name, _make) in enumerate(CASES):
            case = work / f"case{number}"
            case.mkdir()
            made = subprocess.run([sys.executable, __file__, "--make", str(number), str(case)], env=environment(),
                                  check=True, capture_output=True, text=True)
            rss, seconds, last = measure(Path(made.stdout.strip()), work / f"case{number}.db")
            print(f"{name:<62} {rss:8.0f} {seconds:8.1f}  {last}", flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make"]:
        print(CASES[int(sys.argv[2])][1](Path(sys.argv[3])))
        sys.exit(0)
    sys.exit(main())
