"""Read a scanned page (a photo, or a PDF page without a text layer) by OCR.

RapidOCR's onnxruntime package runs PaddleOCR's Chinese detection and recognition models,
which its wheel carries: nothing is downloaded at run time. It is the optional extra ``[ocr]``;
without it a scan is refused with the install line (``OcrMissing``). The recognised lines are
straightened (a scan is rarely square) and handed to ``pdf_layout`` as lines with boxes, so a
scan's paragraphs are rebuilt by the same rules as a PDF's.
"""

from __future__ import annotations

import io
import math
import statistics
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import Unreadable
from .pdf_layout import Line, drop_spaces

if TYPE_CHECKING:
    from PIL.Image import Image

INSTALL_HINT = "pip install 'meeting-bot[ocr]'"
MAX_IMAGE_PIXELS = 40_000_000
"""Largest image read at all (a 20-megapixel photo is common; a decompression bomb is not)."""
OCR_LONG_SIDE = 2400
"""Pixels of a page's longer side when it is read: about 200 dpi for A4, enough for body text,
and a bound on the work per page whatever the photo's resolution."""
POINTS_PER_INCH = 72


class OcrMissing(Unreadable):
    """The OCR extra is not installed."""

    def __init__(self) -> None:
        super().__init__(f"扫描页要用文字识别（OCR）读取，但未安装（{INSTALL_HINT}）")


def available() -> bool:
    """Whether the OCR extra is installed."""
    from importlib.util import find_spec

    return find_spec("rapidocr_onnxruntime") is not None


def require() -> None:
    """Raise ``OcrMissing`` unless the OCR extra is installed (before any of its libraries, Pillow too, is imported)."""
    if not available():
        raise OcrMissing()


def _engine():
    require()
    return _loaded_engine()


@lru_cache(maxsize=1)
def _loaded_engine():
    """One engine per process: loading its three models takes a moment."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def open_image(data: bytes) -> Image:
    """A photo's bytes as a greyscale image, refused when it is larger than ``MAX_IMAGE_PIXELS``
    (read from its header, before its pixels are decoded)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ValueError("not an image (damaged or another format)") from None
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise Unreadable(f"图片太大（{image.width}×{image.height} 像素，上限 {MAX_IMAGE_PIXELS // 10_000} 万像素）")
    return ImageOps.exif_transpose(image).convert("L")


def page_image(page) -> tuple[Image, float]:
    """A pypdfium2 page rendered for OCR (its longer side ``OCR_LONG_SIDE`` pixels), and its dpi."""
    scale = OCR_LONG_SIDE / max(page.get_width(), page.get_height())
    return page.render(scale=scale, grayscale=True).to_pil(), POINTS_PER_INCH * scale


def image_lines(image: Image, dpi: float) -> list[Line]:
    """The text lines OCR finds on a page image, straightened and in reading order, in points
    (``dpi`` is the image's resolution, so a scan's font sizes compare with a PDF's)."""
    import numpy

    scale = min(1.0, OCR_LONG_SIDE / max(image.size))
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)))
        dpi *= scale
    # No angle classifier: a page is upright (its slight turn is straightened from the boxes), and the
    # classifier turned whole lines it took for upside down into nothing, at twice the time.
    found, _elapsed = _engine()(numpy.asarray(image.convert("RGB")), use_cls=False)
    boxes = [([tuple(map(float, point)) for point in box], text) for box, text, _score in found or [] if text.strip()]
    angle = _skew(boxes)
    to_points = POINTS_PER_INCH / dpi
    cos, sin = math.cos(-angle), math.sin(-angle)
    pieces = []
    for points, text in boxes:
        turned = [(x * cos - y * sin, x * sin + y * cos) for x, y in points]
        xs, ys = [x for x, _ in turned], [y for _, y in turned]
        pieces.append(Line(text.strip(), min(xs) * to_points, max(xs) * to_points, min(ys) * to_points,
                           max(ys) * to_points, (max(ys) - min(ys)) * to_points))
    return _merge_rows(pieces)


def _skew(boxes: list[tuple[list[tuple[float, float]], str]]) -> float:
    """The page's rotation in radians: the median slope of the longer boxes' top edges."""
    slopes = [
        math.atan2(points[1][1] - points[0][1], points[1][0] - points[0][0])
        for points, text in boxes
        if len(text) >= 4 and points[1][0] > points[0][0]
    ]
    return statistics.median(slopes) if slopes else 0.0


def _merge_rows(pieces: list[Line]) -> list[Line]:
    """Pieces of one printed line (OCR may cut a line at a wide gap) joined left to right; lines top to bottom."""
    rows: list[list[Line]] = []
    for piece in sorted(pieces, key=lambda line: (line.top + line.bottom) / 2):
        if rows:
            last = rows[-1][-1]
            overlap = min(last.bottom, piece.bottom) - max(last.top, piece.top)
            if overlap > 0.5 * min(last.size, piece.size):
                rows[-1].append(piece)
                continue
        rows.append([piece])
    lines = []
    for row in rows:
        row.sort(key=lambda line: line.x0)
        text = drop_spaces(" ".join(piece.text for piece in row))
        x0, x1 = row[0].x0, max(p.x1 for p in row)
        height = statistics.median(p.size for p in row)
        lines.append(Line(text, x0, x1, min(p.top for p in row), max(p.bottom for p in row), min(height, _advance(text, x1 - x0))))
    return lines


def _advance(text: str, width: float) -> float:
    """The font size a line's width says: a Chinese character is one em wide, a Latin one about half.
    A detected box's height is less sure, on a short line most (a box around 闭运输。 stands taller
    than its line's), so a line's size is the smaller of the two."""
    ems = sum(0.5 if char.isascii() else 1.0 for char in text if not char.isspace())
    return width / ems if ems else width
