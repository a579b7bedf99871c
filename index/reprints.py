"""Reprints: the same meeting report published by several sites, recognised and shown once.

A document's *signature* is a MinHash (datasketch's, computed here) of the character 4-grams of its cleaned,
normalized body with the whitespace removed, so a page's line breaks, its chrome and the
script it is written in do not matter. The documents that may reprint a new one are those
sharing an LSH band key with it (``Reprints``, over keys stored in the catalogue); each is
checked with the estimated Jaccard similarity before the new document joins the *family* of
the earliest-added one it reprints. A family is named by its first member's id.

Parameters, measured on tests/meetings, the seeds and the 31 provincial government work
reports (50 documents, 1 225 pairs; tests/test_reprints.py prints the figures with ``-s``):

- 4-grams: the reprint pair in tests/meetings shares 0.787 of its 3-grams, 0.775 of its
  4-grams, 0.765 of its 5-grams; the closest pair of distinct documents 0.149, 0.090, 0.069
  (two provincial reports, which share their genre's phrases; the distinct 章丘 meeting on the
  same topic 0.124, 0.089, 0.069). From 3 to 4 characters the unrelated pairs fall much more
  than the reprint; beyond 4 they hardly fall, while every edited character costs one more
  shingle.
- 64 permutations: over 40 seeds the reprint pair (exact 0.775) was estimated at 0.767 on
  average, never below 0.656 (128 permutations: 0.777, never below 0.680), far above the
  threshold and the distinct pairs; 128 take twice the permuting time (signing with datasketch,
  128 permutations and CRC-32 shingles once cost the bulk build 466 k characters a second at
  150 k paragraphs, against 658 k before signatures).
- ``FOLD_SIMILARITY`` 0.5, midway: a reprint must share half its shingles with the page it
  reprints (a page trimmed by a third, or grown by half, still does).
- ``BANDS`` × ``ROWS`` = 20 × 3 for the LSH: a pair at 0.5 is a candidate with probability
  0.93, at 0.7 0.999; one at 0.15 with 0.07, at 0.09 0.015 (each candidate costs one
  comparison of signatures).

Signing costs about 0.2 µs per character (numpy), next to some 2 µs for cleaning and tokenizing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from hashlib import blake2b
from typing import TYPE_CHECKING

import numpy as np

from .normalize import normalize
from .tokenize import char_bigrams

if TYPE_CHECKING:
    from .search import Passage
    from .store import DocumentRecord, ReprintRows

SHINGLE = 4
NUM_PERM = 64
SEED = 1
FOLD_SIMILARITY = 0.5
"""Estimated Jaccard similarity of two bodies' shingles from which one reprints the other."""
BANDS, ROWS = 20, 3
SAME_PASSAGE = 0.8
"""Share of the shorter passage's character pairs found in the other, from which two passages of
one family are the same paragraph: a reprint may cut a paragraph in two at a line break, or drop
a clause (in tests/meetings such pairs share 0.955 or more; different paragraphs of the pair at
most 0.4)."""
SIGNATURE_FORMAT = b"\x01"
"""First byte of a stored signature: how it was made. A change to the shingles, the hash, the
permutations or the seed must change it, so the stored signatures are made again
(``Collection.sign_unsigned``) rather than compared with new ones."""
SIGNATURE_SIZE = len(SIGNATURE_FORMAT) + 4 * NUM_PERM
"""The bytes of a signature made by ``signature`` (one made another way may have another size)."""
_MULTIPLIER = 0x9E3779B1
"""Odd, so the polynomial of a shingle's code points mod 2**32 mixes every one of them."""
_BATCH = 1024
_SPACE = re.compile(r"\s+")


def shingle_hashes(normalized_texts: Iterable[str]) -> np.ndarray:
    """A 32-bit hash of each 4-character shingle of a body, from its chunks' normalized texts in
    order with the whitespace removed: a polynomial of the shingle's code points, computed by
    numpy for all of them at once (no shingle is a Python object). Weak on its own; ``minhash``
    mixes it first, as datasketch does."""
    compacted = _SPACE.sub("", "".join(normalized_texts)) or " "
    codes = np.frombuffer(compacted.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint32)
    count = max(len(codes) - SHINGLE + 1, 1)
    hashes = codes[:count].copy()
    for offset in range(1, SHINGLE):
        hashes *= _MULTIPLIER
        hashes += codes[offset : offset + count] if offset + count <= len(codes) else 0
    return hashes


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The ``NUM_PERM`` affine permutations h → a·h + b (mod 2³², a odd), drawn as datasketch's
    ``MinHash(num_perm=NUM_PERM, seed=SEED)`` draws them."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _mixed(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, a bijection that spreads weak hashes (datasketch's pre-mix)."""
    hashes = hashes ^ (hashes >> np.uint32(16))
    hashes = hashes * np.uint32(0x85EBCA6B)
    hashes ^= hashes >> np.uint32(13)
    hashes *= np.uint32(0xC2B2AE35)
    return hashes ^ (hashes >> np.uint32(16))


def minhash(hashes: np.ndarray) -> np.ndarray:
    """The MinHash of a set of 32-bit hashes: per permutation, the least permuted hash. The values
    of datasketch's ``MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)`` after ``update_batch``
    with the same hashes (tests/test_reprints.py checks they are equal), without importing it:
    datasketch imports scipy, 56 MB and half a second in every process that signs, which took the
    serving process of a million paragraphs past 500 MB. Permuted in slices of ``_BATCH`` hashes,
    so each slice × permutations array stays in the CPU cache."""
    a, b = _permutations()
    mixed = _mixed(hashes)
    least = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(mixed), _BATCH):
        np.minimum(least, (mixed[start : start + _BATCH, None] * a + b).min(axis=0), out=least)
    return least


def signature(normalized_texts: Iterable[str]) -> bytes:
    """A document body's MinHash as stored: a format byte, then ``NUM_PERM`` little-endian values."""
    return SIGNATURE_FORMAT + minhash(shingle_hashes(normalized_texts)).astype("<u4").tobytes()


def _values(signature: bytes) -> np.ndarray:
    return np.frombuffer(signature, dtype="<u4", offset=len(SIGNATURE_FORMAT))


def similarity(first: bytes, second: bytes) -> float:
    """The estimated Jaccard similarity of two signatures' bodies: the share of equal values."""
    return float(np.count_nonzero(_values(first) == _values(second))) / NUM_PERM


def band_keys(signature: bytes) -> list[int]:
    """The LSH key of each of the signature's ``BANDS`` bands of ``ROWS`` values: two documents
    are candidate reprints when they share one (the banding of datasketch's MinHashLSH)."""
    values = _values(signature)
    return [
        int.from_bytes(blake2b(values[band * ROWS : (band + 1) * ROWS].tobytes(), digest_size=8, person=bytes([band])).digest(),
                       "little", signed=True)
        for band in range(BANDS)
    ]


class Reprints:
    """Each document's reprint family, decided as documents are added and removed, over the
    signatures and band keys in ``rows`` (the live catalogue's or a rebuild's).

    The band keys live in the catalogue, indexed, rather than in datasketch's in-memory
    ``MinHashLSH`` (whose other storage backends are Redis and Cassandra): held in memory, the
    LSH of 44 000 documents took 196 MB and 3 s to read on a process's first write.
    """

    def __init__(self, rows: ReprintRows) -> None:
        self.rows = rows

    def put(self, signatures: Iterable[tuple[str, bytes]]) -> None:
        """Add documents in order, replacing those already here."""
        signatures = list(signatures)
        for doc_id, _stored in signatures:
            self.remove(doc_id)
        for doc_id, stored in signatures:
            self._add(doc_id, stored)

    def _add(self, doc_id: str, stored: bytes) -> None:
        """Join the family of the earliest-added document this one reprints, else found one."""
        keys = band_keys(stored)
        family = next(
            (family for _other, family, theirs in self.rows.candidates(keys)
             if similarity(stored, theirs) >= FOLD_SIMILARITY),
            doc_id,
        )
        self.rows.insert(doc_id, family, stored, keys)

    def remove(self, doc_id: str) -> None:
        """Forget a document (if it is here). When it was its family's first member, the next one
        added takes the family over and every member moves to it: they stay one family, as
        reprints of the same report."""
        family = self.rows.family_of(doc_id)
        self.rows.delete(doc_id)
        if family == doc_id:
            members = self.rows.members(family)
            if members:
                self.rows.move(family, members[0])


def fold_reprints(
    passages: Sequence[Passage],
    families: Mapping[str, str],
    members: Mapping[str, Sequence[DocumentRecord]],
    one_per_family: bool = False,
) -> list[Passage]:
    """``passages`` (best first) with each family's repeats left out, each carrying in ``also_at``
    where else its document's family was published: the other members' distinct (title, link),
    oldest first, a link the passage's own document has left out (copies of one page are one place).

    ``families``: each passage's document's family (``Collection.families``); ``members``: the
    documents of each family of more than one, oldest first. A passage is a repeat when an earlier one from another
    member of its family is the same paragraph (``SAME_PASSAGE``; a document's own passages are
    never compared: one may well hold another, as a heading its paragraph). With
    ``one_per_family`` (a timeline lists each meeting once, however many sites published it),
    a family is shown by one passage: the best of its earliest-added member's, where the family
    first ranks.
    """
    if one_per_family:
        passages = _each_family_once(passages, families, members)
    shown: dict[str, list[tuple[str, set[str]]]] = {}
    folded: list[Passage] = []
    for passage in passages:
        family = families.get(passage.doc_id, passage.doc_id)
        others = [member for member in members.get(family, ()) if member.id != passage.doc_id]
        also_at = tuple(dict.fromkeys(
            (member.title, member.source_url) for member in others if not (member.source_url and member.source_url == passage.source_url)
        ))
        if others:  # else no other member's passage can be its repeat
            pairs = set(char_bigrams(normalize(passage.text)))
            earlier = shown.setdefault(family, [])
            if any(doc_id != passage.doc_id and _same_paragraph(pairs, other) for doc_id, other in earlier):
                continue
            earlier.append((passage.doc_id, pairs))
        folded.append(replace(passage, also_at=also_at))
    return folded


def _each_family_once(
    passages: Sequence[Passage], families: Mapping[str, str], members: Mapping[str, Sequence[DocumentRecord]]
) -> list[Passage]:
    """One passage per family, at the place of the family's best: its earliest-added member's best."""
    added = {member.id: rank for family in members.values() for rank, member in enumerate(family)}
    chosen: dict[str, Passage] = {}
    for passage in passages:
        family = families.get(passage.doc_id, passage.doc_id)
        kept = chosen.get(family)
        if kept is None or added.get(passage.doc_id, len(added)) < added.get(kept.doc_id, len(added)):
            chosen[family] = passage
    return list(chosen.values())


def _same_paragraph(pairs: set[str], other: set[str]) -> bool:
    """Whether most of the shorter passage's character pairs occur in the other."""
    shorter = min(len(pairs), len(other))
    return shorter > 0 and len(pairs & other) >= SAME_PASSAGE * shorter
