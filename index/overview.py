"""What the collection covers, to suggest when a question finds nothing.

A report's own outline says what it is about: the key tasks it quotes
(“高标准农田建设”) or, failing those, its numbered points (（一）大力提振消费).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .chunk import HEADING_SEPARATOR

_QUOTED = re.compile(r"[“\"「]([^”\"」]{4,12})[”\"」]")
"""A quoted key task (“高标准农田建设”); shorter quotes are slogans (“两新”, “十四五”)."""
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十]+[，,、：:]?|[（(]?[一二三四五六七八九十\d]+[)）、.．]?[是要]?)")


def main_points(headings: Iterable[str], limit: int) -> list[str]:
    """Up to ``limit`` distinct points from heading paths: quoted key tasks first, then the
    points' own words without their numbering."""
    labels = [label for heading in headings if heading for label in heading.split(HEADING_SEPARATOR)]
    labels = list(dict.fromkeys(labels))
    quoted = [phrase for label in labels for phrase in _QUOTED.findall(label)]
    plain = [_NUMBERING.sub("", label).strip("，,。：: …") for label in labels if not _QUOTED.search(label)]
    points = list(dict.fromkeys(point for point in quoted + plain if len(_CJK.findall(point)) >= 2))
    return points[:limit]
