"""A PDF's text layer → report text, with ruled tables as rows of tab-separated cells.

pdfplumber (MIT; pdfminer.six underneath) finds the tables by their ruling lines, so each cell comes
out separately, merged cells included (``None`` for the positions a span covers → an empty cell, the
layout the table reader reads in HTML pages); a cell's text wrapped onto several lines is joined
again. Text outside the tables is read line by line, and lines that run to the right margin are joined
to the next one (a paragraph the page wrapped). Tables and text are put back in page order, page after
page: a table continued on the next page, its header rows repeated, reads as the ``page_break``
layout does. Measured against pypdfium2 and ``pdftotext -layout`` (README, "Formats"): those two give
the cells of a row separated by spaces only, so a label with a space in it and two cells look alike.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from indexer.extract.formats import FormatError, despace, join_wrapped

# Fewer visible characters than this per page on average: the PDF is a scan (or nearly empty).
MIN_CHARS_PER_PAGE = 40


@dataclass(frozen=True)
class PdfText:
    text: str
    pages: int
    chars: int  # visible characters of the text layer

    @property
    def image_only(self) -> bool:
        return self.chars < MIN_CHARS_PER_PAGE * max(self.pages, 1)


def _quiet() -> None:
    # pdfminer logs every odd font at WARNING; a build log is no place for them.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def cell_text(text: str | None) -> str:
    if not text:
        return ""
    out = ""
    for piece in text.split("\n"):
        out = join_wrapped(out, despace(piece.strip()))
    return out.replace("\t", " ")


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _page_items(page) -> list[tuple[float, str, list[str]]]:
    """(top, kind, lines) of the page's text lines and tables, in reading order."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, str, list[str]]] = []
    for t in tables:
        rows = ["\t".join(cell_text(c) for c in row) for row in t.extract()]
        items.append((t.bbox[1], "table", rows))
    rest = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = rest.extract_text_lines(return_chars=False)
    right = max((ln["x1"] for ln in lines), default=0.0)
    left = min((ln["x0"] for ln in lines), default=0.0)
    paras: list[tuple[float, list[str]]] = []
    open_para = False  # the last line ran to the right margin: the next may continue it
    for ln in lines:
        text = despace(ln["text"].strip())
        if not text:
            continue
        height = max(ln["bottom"] - ln["top"], 1.0)
        if open_para and ln["x0"] <= left + 0.5 * height:  # continuation lines start at the margin
            paras[-1][1].append(text)
        else:
            paras.append((ln["top"], [text]))
        open_para = ln["x1"] >= right - 1.5 * height
    items += [(top, "text", [_join(pieces)]) for top, pieces in paras]
    items.sort(key=lambda it: it[0])
    return items


def _join(pieces: list[str]) -> str:
    out = ""
    for p in pieces:
        out = join_wrapped(out, p)
    return out


def read_pdf(data: bytes) -> PdfText:
    """The text layer of a PDF (tables as tab rows). Raises :class:`FormatError` when it cannot be
    opened (damaged, encrypted)."""
    _quiet()
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    out: list[str] = []
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            for page in pdf.pages:
                chars += sum(1 for c in page.chars if not c["text"].isspace())
                for _, kind, lines in _page_items(page):
                    if kind == "table":
                        out += ["", *lines, ""]
                    else:
                        out += lines
                page.close()
    except PDFPasswordIncorrect:
        raise FormatError("encrypted PDF: needs a password") from None
    except Exception as err:  # pdfminer raises many kinds on damaged files
        raise FormatError(f"cannot read PDF: {type(err).__name__}: {err}") from None
    text = "\n".join(out).replace("\n\n\n", "\n\n").strip("\n") + "\n"
    return PdfText(text, pages, chars)
