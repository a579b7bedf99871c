"""How much a zip archive (.docx and the other office formats) unpacks to, counted as it is unpacked.

A zip header states each member's size, and a crafted one understates it; a parser given the
archive then unpacks whatever it holds. So the members are decompressed here first, a block at a
time and nothing kept, and the archive is refused as soon as the bytes actually produced pass a
limit: the cost of the check is bounded by the limit, not by what the header claims.
"""

from __future__ import annotations

import io
import zipfile

from .errors import Unreadable

BLOCK_BYTES = 1 << 20
MARKUP_SUFFIXES = (".xml", ".rels")
"""Members a parser turns into a tree in memory, many times their size (the rest, such as images,
are only carried along)."""


def check_unpacked_size(data: bytes, limit: int, markup_limit: int) -> None:
    """Raise ``Unreadable`` when the archive ``data`` unpacks to more than ``limit`` bytes in all, or
    to more than ``markup_limit`` bytes of markup (``MARKUP_SUFFIXES``); ``zipfile.BadZipFile`` when
    it is no zip archive."""
    total = markup = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            counts_as_markup = member.filename.lower().endswith(MARKUP_SUFFIXES)
            with archive.open(member) as unpacking:
                while block := unpacking.read(BLOCK_BYTES):
                    total += len(block)
                    markup += len(block) if counts_as_markup else 0
                    if total > limit:
                        raise Unreadable(f"解压后太大（超过 {limit >> 20} MB）")
                    if markup > markup_limit:
                        raise Unreadable(f"解压后文字标记太多（XML 超过 {markup_limit >> 20} MB）")

