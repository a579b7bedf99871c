"""From a decoded text to a searchable document: clean → metadata → chunks → tokens and reprint signature."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .chunk import Chunk, chunk_paragraphs
from .clean import clean
from .meeting import Meeting, identify_meeting
from .metadata import DocumentMeta, describe
from .read import Page, SourceText, content_id
from .normalize import compact, normalize
from .reprints import signature
from .tokenize import char_bigrams, token_text, tokenize_normalized


@dataclass(frozen=True)
class Document:
    """A cleaned, chunked document with its metadata and the original it came from."""

    id: str
    name: str
    meta: DocumentMeta
    meeting: Meeting
    """The meeting the document reports, from its title and opening paragraph."""
    chunks: list[Chunk]
    chunk_tokens: list[str]
    """Search tokens of each chunk's text, space-separated as stored and indexed, in chunk order
    (joined where the document is built, on the worker processes of a bulk run)."""
    chunk_bigrams: list[str]
    """Character bigrams of each chunk's normalized text, space-separated, in chunk order."""
    chunk_pages: list[Page | None]
    """The page each chunk starts on, in chunk order (None throughout for a text without pages)."""
    format: str
    original: bytes
    content_hash: str
    signature: bytes
    """MinHash of the normalized body (``reprints.signature``), to recognise it published elsewhere."""

    @property
    def title_tokens(self) -> str:
        """Search tokens of the title, space-separated, as stored and indexed."""
        return token_text(self.meta.title)

    @property
    def place_tokens(self) -> str:
        """Search tokens of the place or issuer, space-separated, as stored and indexed."""
        return token_text(self.meta.place or "")

    @property
    def heading_tokens(self) -> list[str]:
        """Search tokens of each chunk's heading path, space-separated, in chunk order."""
        return [token_text(chunk.heading) for chunk in self.chunks]

    @property
    def speakers(self) -> dict[str, list[int]]:
        """Each speaker and the paragraphs (from 1) in which they speak."""
        found: dict[str, list[int]] = {}
        for chunk in self.chunks:
            for speaker in chunk.speakers:
                paragraphs = found.setdefault(speaker, [])
                if chunk.paragraph not in paragraphs:
                    paragraphs.append(chunk.paragraph)
        return found


OPENING_PARAGRAPHS = 3
"""Paragraphs a report names its meeting and chair in (the lead; a chair is sometimes named after the speeches' summary)."""


def build_document(source: SourceText) -> Document | None:
    """Run the cleaning, metadata and chunking steps; None when no body text is left."""
    cleaned = clean(source.text)
    meta, body = describe(source, cleaned)
    chunks = chunk_paragraphs(body, {compact(line): rank for line, rank in source.headings})
    if not chunks:
        return None
    digest = content_id(source.text)
    keys = [normalize(chunk.text) for chunk in chunks]
    return Document(
        id=source.doc_id or digest,
        name=source.name,
        meta=meta,
        meeting=identify_meeting(meta.title, body[:OPENING_PARAGRAPHS]),
        chunks=chunks,
        chunk_tokens=[" ".join(tokenize_normalized(key)) for key in keys],
        chunk_bigrams=[" ".join(char_bigrams(key)) for key in keys],
        chunk_pages=chunk_pages(chunks, source),
        format=source.format,
        original=source.original,
        content_hash=digest,
        signature=signature(keys),
    )


PAGE_KEY_CHARS = 16
"""Characters of a chunk's opening looked for in the read text to find its page."""


def chunk_pages(chunks: list[Chunk], source: SourceText) -> list[Page | None]:
    """The page each chunk starts on: where its opening stands in the read text (cleaning drops
    and joins lines, and changes spaces, so the search skips whitespace), looking on from the
    previous chunk's; a chunk not found there is on the previous chunk's page."""
    if not source.pages:
        return [None] * len(chunks)
    offsets = [at for at, char in enumerate(source.text) if not char.isspace()]
    letters = "".join(source.text[at] for at in offsets)
    starts = [page.start for page in source.pages]
    found: list[Page | None] = []
    cursor = 0
    for chunk in chunks:
        key = "".join(chunk.text.split())[:PAGE_KEY_CHARS]
        at = letters.find(key, cursor) if key else -1
        if at < 0:
            found.append(found[-1] if found else source.pages[0])
            continue
        cursor = at + len(key)
        found.append(source.pages[max(bisect_right(starts, offsets[at]) - 1, 0)])
    return found
