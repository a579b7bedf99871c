"""Text normalization shared by documents and questions.

Both sides go through the same function so that a Traditional question finds a
Simplified passage (and the reverse), and full-width forms match half-width ones.
The original text is kept for display; only the search keys are normalized.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")

# Curly quotes survive NFKC; folding them lets a question typed with ASCII quotes
# match a passage that uses typographic ones. (str.replace per quote is far faster
# than str.translate with a table on long texts.)
_QUOTE_FOLD = (("“", '"'), ("”", '"'), ("„", '"'), ("‘", "'"), ("’", "'"), ("「", '"'), ("」", '"'), ("『", '"'), ("』", '"'))

_COMMON_COMPATIBLE = tuple((char, unicodedata.normalize("NFKC", char)) for char in "，（）；：！？％　")
"""The full-width forms nearly every Chinese text uses. Replaced first (their NFKC forms take part
in no composition, so the result is the same), they leave most texts in NFKC already, which
``unicodedata`` then only checks instead of normalizing slowly: NFKC of reports is 20× faster."""

# Zero-width and other format characters (Unicode category Cf: soft hyphens, bidi marks, tags),
# variation selectors and C0/C1 controls
# other than newline and tab carry no meaning and break tokenization. Lone surrogates
# (a JSON message may carry one) cannot even be encoded for OpenCC.
_INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u206f\ud800-\udfff\ufe00-\ufe0f\ufeff\ufff9-\ufffc\U000e0000-\U000e007f]"
)


def strip_invisible(text: str) -> str:
    """Remove control, zero-width and lone surrogate characters, keeping newlines and tabs."""
    return _INVISIBLE.sub("", text)


T2S_PASSES = 3
"""OpenCC's longest chain of characters it maps again is two steps (薴→苧→苎); the bound keeps a
future cycle in its tables from hanging every question."""


def _simplified(text: str) -> str:
    """Traditional→Simplified until nothing changes: OpenCC maps a few characters to ones it
    maps again, and a key must not depend on whether its text was converted before."""
    for _ in range(T2S_PASSES):
        converted = _T2S.convert(text)
        if converted == text:
            break
        text = converted
    return text


def _nfkc(text: str) -> str:
    for char, plain in _COMMON_COMPATIBLE:
        if char in text:
            text = text.replace(char, plain)
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=8192)  # cleaning, speaker finding and chunking each key the same paragraphs
def normalize(text: str) -> str:
    """Search key of ``text``: NFKC, Traditional→Simplified, lower case, folded quotes."""
    text = _simplified(_nfkc(strip_invisible(text))).lower()
    for quote, plain in _QUOTE_FOLD:
        if quote in text:
            text = text.replace(quote, plain)
    return text


@lru_cache(maxsize=65536)
def _normalize_char(char: str) -> str:
    return normalize(char)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalized key and, for each key character, the index of the original
    character it came from.

    Used to map matches found in the normalized key back onto the original text
    (for highlighting). Most texts keep their length when normalized, and then the
    positions are the same; otherwise the text is normalized character by character
    (which can differ from phrase-level ``normalize`` on rare phrases: a missed
    highlight is the only consequence).
    """
    whole = normalize(text)
    if len(whole) == len(text):
        return whole, list(range(len(text)))
    key: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = _normalize_char(char)
        key.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(key), offsets


def compact(text: str) -> str:
    """Normalized text without any whitespace, for containment checks."""
    return re.sub(r"\s+", "", normalize(text))
