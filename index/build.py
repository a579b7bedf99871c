"""Build documents from decoded texts, on every core for bulk indexing.

Cleaning, chunking and tokenizing one document does not depend on any other, and
it is the cost of indexing; SQLite and tantivy writes stay in the calling process.
A bounded number of texts is in the worker processes at a time, so a large archive
is never held in memory whole, and results come back in input order. The workers segment
with the admin's words the calling process has installed (``tokenize.install_words``), so
documents are cut as the questions will be.

The workers are started fresh (``spawn``), not forked: a forked worker would hold copies of the
caller's open files, and with them the collection's lock and tantivy's writer lock, for as long
as it lives. And they die with the caller (``_tie_to_parent``): a caller killed mid-build
(SIGKILL runs no clean-up) would otherwise leave them waiting for work forever.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor

from .document import Document, build_document
from .read import ReadError, SourceText
from .tokenize import install_words, installed_words
from .words import Words

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 32
"""Texts handed out per worker process and not yet taken back: enough to keep it busy while
the caller writes, few enough to bound memory."""

Built = Document | ReadError
"""A built document, or why a text gave none."""
PROCESSING_FAILED = "处理时出错（原因已写入日志）"
"""The reason given for a text the pipeline failed on: the error itself is the admin's to read."""
_PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal this process gets when the thread that started it ends."""
PARENT_CHECK_SECONDS = 0.2
"""How often a worker without that signal (not on Linux) looks whether its caller is still there."""


def _tie_to_parent(parent: int, by_signal: bool = sys.platform == "linux") -> None:
    """End this worker when ``parent`` is gone: by the kernel's SIGKILL on Linux, else by a thread
    that watches for this process being handed to another parent. A parent that died before the
    tie was made is seen at once."""
    if by_signal:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _start_worker(parent: int, words: Words) -> None:
    """A build worker's initializer: tied to the caller, segmenting with its words."""
    _tie_to_parent(parent)
    install_words(words)


def build_one(source: SourceText, strict: bool = False) -> Built:
    """``build_document``, with a text that leaves nothing turned into a reason; so is a
    failure, unless ``strict`` (a rebuild must stop rather than drop a stored document)."""
    try:
        document = build_document(source)
    except Exception:
        if strict:
            raise
        log.exception("failed to process %s", source.name)
        return ReadError(source.name, PROCESSING_FAILED)
    return document if document is not None else ReadError(source.name, "去掉页眉页脚等版面内容后没有正文")


def build_all(sources: Iterable[SourceText | ReadError], workers: int = 1, strict: bool = False) -> Iterator[Built]:
    """Each source built (or its read error passed on), in order, on ``workers`` processes;
    ``strict`` as for ``build_one``."""
    if workers <= 1:
        for source in sources:
            yield source if isinstance(source, ReadError) else build_one(source, strict)
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(), installed_words()),
    ) as pool:
        pending: deque[ReadError | Future[Built]] = deque()
        for source in sources:
            pending.append(source if isinstance(source, ReadError) else pool.submit(build_one, source, strict))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield _outcome(pending.popleft())
        while pending:
            yield _outcome(pending.popleft())


def _outcome(item: ReadError | Future[Built]) -> Built:
    return item if isinstance(item, ReadError) else item.result()
