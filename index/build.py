"""Build documents from decoded texts, on every core for bulk indexing.

Cleaning, chunking and tokenizing one document does not depend on any other, and
it is the cost of indexing; SQLite and tantivy writes stay in the calling process.
A bounded number of texts is in the worker processes at a time, so a large archive
is never held in memory whole, and results come back in input order. The workers segment
with the admin's words the calling process has installed (``tokenize.install_words``), so
documents are cut as the questions will be.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor

from .document import Document, build_document
from .read import ReadError, SourceText
from .tokenize import install_words, installed_words

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 32
"""Texts handed out per worker process and not yet taken back: enough to keep it busy while
the caller writes, few enough to bound memory."""

Built = Document | ReadError
"""A built document, or why a text gave none."""


def build_one(source: SourceText, strict: bool = False) -> Built:
    """``build_document``, with a text that leaves nothing turned into a reason; so is a
    failure, unless ``strict`` (a rebuild must stop rather than drop a stored document)."""
    try:
        document = build_document(source)
    except Exception as error:
        if strict:
            raise
        log.exception("failed to process %s", source.name)
        return ReadError(source.name, f"could not be processed: {error}")
    return document if document is not None else ReadError(source.name, "no text left after removing page chrome")


def build_all(sources: Iterable[SourceText | ReadError], workers: int = 1, strict: bool = False) -> Iterator[Built]:
    """Each source built (or its read error passed on), in order, on ``workers`` processes;
    ``strict`` as for ``build_one``."""
    if workers <= 1:
        for source in sources:
            yield source if isinstance(source, ReadError) else build_one(source, strict)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=install_words, initargs=(installed_words(),)) as pool:
        pending: deque[ReadError | Future[Built]] = deque()
        for source in sources:
            pending.append(source if isinstance(source, ReadError) else pool.submit(build_one, source, strict))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield _outcome(pending.popleft())
        while pending:
            yield _outcome(pending.popleft())


def _outcome(item: ReadError | Future[Built]) -> Built:
    return item if isinstance(item, ReadError) else item.result()
