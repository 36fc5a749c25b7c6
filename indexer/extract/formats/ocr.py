"""Image-only PDFs (scans, 图片版) → text by OCR, in the shape the text reports have.

The optional extra ``pip install nianbao[ocr]`` brings RapidOCR (Apache-2.0; PP-OCR models inside its
wheel, run by onnxruntime: nothing is downloaded at run time). Without it, a scan is skipped with a
reason that says so. Measured on generated scans (README, "Formats"): RapidOCR read every number of
the tables; tesseract (chi_sim) read the prose but garbled the ruled tables, so it is not used.

Each page is rendered (pypdfium2, which pdfplumber already depends on) at 150 dpi, the usual scan
resolution; the recognised text boxes are grouped into lines by their vertical centres and, within
a line, ordered left to right and separated by tabs: a table row comes out as tab-separated cells,
as the table reader wants it. A line that runs to the right margin is joined to the next line when
that one starts at the left margin (a wrapped paragraph). The text then goes through the same
extractor as every report; its identities decide whether the numbers are trusted.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable

from indexer.extract.formats import FormatError, despace, join_wrapped

DPI = 150
# A page is rendered at most this many pixels (A0 at 150 dpi): a damaged or hostile page size
# (595268 pt wide: 2 G pixels at 150 dpi) is rendered smaller, not in gigabytes of memory.
MAX_PIXELS = 40_000_000
MIN_CONFIDENCE = 0.3


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


Box = tuple[float, float, float, float, str]  # x0, top, x1, bottom, text


def lines_of(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into lines: a box whose vertical centre falls inside the current line's span
    joins it."""
    lines: list[list[Box]] = []
    span = (0.0, -1.0)
    for box in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        centre = (box[1] + box[3]) / 2
        if lines and span[0] <= centre <= span[1]:
            lines[-1].append(box)
        else:
            lines.append([box])
            span = (box[1], box[3])
    return [sorted(line, key=lambda b: b[0]) for line in lines]


def page_text(boxes: list[Box]) -> list[str]:
    """A page's recognised boxes → its lines of text (cells separated by tabs)."""
    lines = lines_of(boxes)
    if not lines:
        return []
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    out: list[str] = []
    open_para = False
    for line in lines:
        height = max(b[3] - b[1] for b in line)
        if len(line) == 1:
            x0, _, x1, _, text = line[0]
            if open_para and x0 <= left + 0.5 * height:
                out[-1] = join_wrapped(out[-1], text)
            else:
                out.append(text)
            open_para = x1 >= right - 1.5 * height
            continue
        out.append("\t".join(b[4] for b in line))
        open_para = False
    return out


def _recognise(image) -> list[Box]:
    import numpy as np

    result, _ = _engine()(np.asarray(image.convert("RGB")))
    boxes: list[Box] = []
    for quad, text, conf in result or []:
        if float(conf) < MIN_CONFIDENCE or not text.strip():
            continue
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        boxes.append((min(xs), min(ys), max(xs), max(ys), despace(text.strip())))
    return boxes


NOT_INSTALLED = "OCR not installed (pip install nianbao[ocr])"


def render_scale(width: float, height: float) -> float:
    """Pixels per point for a page of ``width`` × ``height`` points: DPI, less for a page that would
    take more than MAX_PIXELS."""
    scale = DPI / 72
    area = max(width * height, 1.0)
    return min(scale, (MAX_PIXELS / area) ** 0.5)


def ocr_pdf(data: bytes) -> str:
    """The text of an image-only PDF by OCR. Raises :class:`FormatError` when OCR is not installed."""
    if not available():
        raise FormatError(f"image-only PDF (scanned, no text layer): {NOT_INSTALLED}")
    lines = ocr_pages(data, None)
    return "\n".join(line for n in sorted(lines) for line in lines[n]) + "\n"


def ocr_pages(data: bytes, pages: Iterable[int] | None) -> dict[int, list[str]]:
    """The lines of the given pages (0-based; None: every page) by OCR. Raises
    :class:`FormatError` when OCR is not installed or the PDF cannot be opened."""
    if not available():
        raise FormatError(NOT_INSTALLED)
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(io.BytesIO(data))
    except pdfium.PdfiumError as err:
        raise FormatError(f"cannot read PDF: {err}") from None
    out: dict[int, list[str]] = {}
    try:
        for i in range(len(pdf)) if pages is None else pages:
            try:  # a damaged file: a page its page tree counts may not load or render
                page = pdf[i]
                image = page.render(scale=render_scale(*page.get_size()), grayscale=True).to_pil()
            except pdfium.PdfiumError as err:
                raise FormatError(f"cannot read PDF: page {i + 1}: {err}") from None
            out[i] = page_text(_recognise(image))
            page.close()
    finally:
        pdf.close()
    return out
