"""Reprints: the same meeting report published by several sites, recognised and shown once.

A document's *signature* is a MinHash (datasketch) of the character 4-grams of its cleaned,
normalized body with the whitespace removed, so a page's line breaks, its chrome and the
script it is written in do not matter. The collection's signatures sit in a ``MinHashLSH``
(``Reprints``), which finds the documents a new one may reprint; each candidate is checked
with the estimated Jaccard similarity before the new document joins the *family* of the
earliest-added one it reprints. A family is named by its first member's id.

Parameters, measured on tests/meetings, the seeds and the 31 provincial government work
reports (50 documents, 1 225 pairs; tests/test_reprints.py prints the figures with ``-s``):

- 4-grams: the reprint pair in tests/meetings shares 0.787 of its 3-grams, 0.775 of its
  4-grams, 0.765 of its 5-grams; the closest pair of distinct documents 0.149, 0.090, 0.069
  (two provincial reports, which share their genre's phrases; the distinct 章丘 meeting on the
  same topic 0.124, 0.089, 0.069). From 3 to 4 characters the unrelated pairs fall much more
  than the reprint; beyond 4 they hardly fall, while every edited character costs one more
  shingle.
- 128 permutations: over ten seeds, estimates were off the exact Jaccard by 0.014 (RMS;
  64 permutations: 0.021); the reprint pair was never estimated below 0.742, no distinct pair
  above 0.156.
- ``FOLD_SIMILARITY`` 0.5, midway: a reprint must share half its shingles with the page it
  reprints (a page trimmed by a third, or grown by half, still does).
- ``BANDS`` × ``ROWS`` = 10 × 3 for the LSH: a pair at 0.7 is a candidate with probability
  0.985, at 0.775 0.998, at 0.5 0.74; one at 0.15 with 0.03. Fewer bands than datasketch's
  optimum (32 × 4 for a threshold of 0.4) because each band costs memory per document:
  the LSH of 44 000 documents (a million paragraphs) takes 154 MB in 10 bands, 494 MB in 32
  (with the signatures, ``Reprints`` holds 196 MB, read from the catalogue in 3 s).

datasketch imports scipy, which takes most of a second; a process that only answers questions
never needs it, so it is imported on the first signature or the first write.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from .normalize import normalize
from .tokenize import char_bigrams

if TYPE_CHECKING:
    from datasketch import LeanMinHash, MinHash

    from .search import Passage
    from .store import DocumentRecord

SHINGLE = 4
NUM_PERM = 128
SEED = 1
FOLD_SIMILARITY = 0.5
"""Estimated Jaccard similarity of two bodies' shingles from which one reprints the other."""
BANDS, ROWS = 10, 3
SAME_PASSAGE = 0.8
"""Share of the shorter passage's character pairs found in the other, from which two passages of
one family are the same paragraph: a reprint may cut a paragraph in two at a line break, or drop
a clause (in tests/meetings such pairs share 0.955 or more; different paragraphs of the pair at
most 0.4)."""
_BYTE_ORDER = "<"
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _permutations() -> MinHash:
    """A MinHash whose permutations every signature shares (drawing them costs 0.4 ms a document)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED)


def signature(normalized_texts: Iterable[str]) -> bytes:
    """The serialized MinHash of a document's body, from its chunks' normalized texts in order.

    Shingles are cut from the UTF-32 bytes (4 per character), so none is encoded on its own, and
    hashed with zlib's CRC-32: together a third of the time of str shingles and datasketch's
    default SHA-1, with estimates as close (0.0140 vs 0.0145 RMS over the pairs above).
    Signing still costs about 0.6 µs per character, half as much again as building a document.
    """
    from datasketch import LeanMinHash, MinHash

    data = _SPACE.sub("", "".join(normalized_texts)).encode("utf-32-le", "surrogatepass")
    width = 4 * SHINGLE
    shingles = {data[start : start + width] for start in range(0, max(len(data) - width + 4, 4), 4)}
    template = _permutations()
    minhash = MinHash(
        num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32, permutations=template.permutations, scheme=template.scheme
    )
    minhash.update_batch(shingles)
    lean = LeanMinHash(minhash)
    buffer = bytearray(lean.bytesize(_BYTE_ORDER))
    lean.serialize(buffer, _BYTE_ORDER)
    return bytes(buffer)


def _minhash(signature: bytes) -> LeanMinHash:
    from datasketch import LeanMinHash

    return LeanMinHash.deserialize(signature, _BYTE_ORDER)


def similarity(first: bytes, second: bytes) -> float:
    """The estimated Jaccard similarity of two signatures' bodies."""
    return _minhash(first).jaccard(_minhash(second))


class Reprints:
    """The collection's signatures in a MinHashLSH, and each document's family.

    ``rows`` are (document id, family, signature) in the order the documents were added, as
    stored; their families are taken as stored, and ``put`` and ``remove`` keep them up to date.
    """

    def __init__(self, rows: Iterable[tuple[str, str, bytes]] = ()) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        self._signatures: dict[str, LeanMinHash] = {}
        self._added: dict[str, int] = {}
        """Each document's place in the order of addition."""
        self._added_count = 0
        self._family: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        """Each family's members in the order they were added, its first member first."""
        for doc_id, family, stored in rows:
            self._insert(doc_id, family, _minhash(stored))

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._family

    def put(self, signatures: Iterable[tuple[str, bytes]]) -> dict[str, str]:
        """Add documents in order, replacing those already here; returns each one's family, and the
        new family of any other document whose family lost its first member to a replacement."""
        signatures = list(signatures)
        changed: dict[str, str] = {}
        for doc_id, _stored in signatures:
            changed |= self.remove(doc_id)
        for doc_id, stored in signatures:
            changed[doc_id] = self._add(doc_id, _minhash(stored))
        return changed

    def _add(self, doc_id: str, minhash: LeanMinHash) -> str:
        """Join the family of the earliest-added document this one reprints, else found one."""
        reprinted = [
            other for other in self._lsh.query(minhash)
            if minhash.jaccard(self._signatures[other]) >= FOLD_SIMILARITY
        ]
        earliest = min(reprinted, key=self._added.__getitem__, default=None)
        family = self._family[earliest] if earliest is not None else doc_id
        self._insert(doc_id, family, minhash)
        return family

    def _insert(self, doc_id: str, family: str, minhash: LeanMinHash) -> None:
        self._lsh.insert(doc_id, minhash)
        self._signatures[doc_id] = minhash
        self._added[doc_id] = self._added_count
        self._added_count += 1
        self._family[doc_id] = family
        self._members.setdefault(family, []).append(doc_id)

    def remove(self, doc_id: str) -> dict[str, str]:
        """Forget a document (if it is here). When it was its family's first member, the next one
        added takes the family over and every member moves to it: they stay one family, as
        reprints of the same report. Returns the members that moved, with their new family."""
        if doc_id not in self:
            return {}
        self._lsh.remove(doc_id)
        del self._signatures[doc_id], self._added[doc_id]
        family = self._family.pop(doc_id)
        members = self._members.pop(family)
        members.remove(doc_id)
        if not members:
            return {}
        heir = members[0] if family == doc_id else family
        self._members[heir] = members
        if heir == family:
            return {}
        for member in members:
            self._family[member] = heir
        return {member: heir for member in members}


def fold_reprints(
    passages: Sequence[Passage],
    families: Mapping[str, str],
    members: Mapping[str, Sequence[DocumentRecord]],
    one_per_family: bool = False,
) -> list[Passage]:
    """``passages`` (best first) with each family's repeats left out, each carrying in ``also_at``
    the other members of its document's family (title, link), oldest first.

    ``families``: each passage's document's family (``Collection.families``); ``members``: each
    family's documents, oldest first. A passage is a repeat when an earlier one from another
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
        also_at = tuple((member.title, member.source_url) for member in members.get(family, ()) if member.id != passage.doc_id)
        if also_at:  # else no other member's passage can be its repeat
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
