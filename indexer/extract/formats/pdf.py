"""A PDF's text layer → report text, with ruled tables as rows of tab-separated cells.

pdfplumber (MIT; pdfminer.six underneath) finds the tables by their ruling lines, so each cell comes out
separately, merged cells included (``None`` for the positions a span covers → an empty cell, the layout
the table reader reads in HTML pages); a cell's text wrapped onto several lines is joined again. Text
outside the tables is read line by line, and lines that run to the right margin are joined to the next
one (a paragraph the page wrapped, on the same page or the next). Tables and text are put back in page
order, page after page: a table continued on the next page, its header rows repeated, reads as the
``page_break`` layout does, and a row the page break cut in two is joined again. Measured against
pypdfium2 and ``pdftotext -layout`` (README, "Formats"): those two give the cells of a row separated by
spaces only, so a label with a space in it and two cells look alike. A page that is an image (a
scanned page in a typed report) is kept as its number, for OCR to fill in (``read._with_image_pages``).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indexer.extract.formats import FormatError, despace, join_wrapped

# Fewer visible characters than this per page on average: the PDF is a scan (or nearly empty).
MIN_CHARS_PER_PAGE = 40


@dataclass(frozen=True)
class PdfText:
    """A PDF's text layer in page order: ``pieces`` are lines of text, or (an ``int``) the number of
    a page that is an image (a scanned page in a PDF whose other pages have text), whose text is
    filled in by OCR (:meth:`filled`) or left out (:attr:`text`)."""

    pieces: tuple[str | int, ...]
    pages: int
    chars: int  # visible characters of the text layer

    @property
    def image_only(self) -> bool:
        return self.chars < MIN_CHARS_PER_PAGE * max(self.pages, 1)

    @property
    def image_pages(self) -> tuple[int, ...]:
        """The pages (0-based) that are images with next to no text layer."""
        return tuple(p for p in self.pieces if isinstance(p, int))

    @property
    def text(self) -> str:
        """The text layer, image pages left out."""
        return self.filled({})

    def filled(self, page_lines: Mapping[int, list[str]]) -> str:
        """The text with each image page's lines (by OCR) in its place."""
        out: list[str] = []
        for piece in self.pieces:
            out += [piece] if isinstance(piece, str) else ["", *page_lines.get(piece, []), ""]
        return "\n".join(out).replace("\n\n\n", "\n\n").strip("\n") + "\n"


def is_image_page(chars: int, images: int) -> bool:
    """A page that holds an image and next to no text: a scanned page (a page number or a stamp's
    caption may be all its text layer holds)."""
    return images > 0 and chars < MIN_CHARS_PER_PAGE


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


Row = list[str | None]  # a table row's cells; None where a merged cell covers the position


@dataclass
class _Para:
    """A paragraph's lines, and what decides whether the next page's first line continues it."""

    top: float
    pieces: list[str]
    at_margin: bool  # its first line starts at the left margin (no indent)
    height: float  # of its lines
    open_end: bool = False  # its last line runs to the right margin


def _page_items(page) -> list[tuple[float, str, Any]]:
    """(top, kind, content) of the page's paragraphs (kind ``text``, content: a :class:`_Para`) and
    tables (kind ``table``, content: rows of cells), in reading order. (``Any``: the kind says which
    type the content has, which a type checker cannot follow through the tuple.)"""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, str, Any]] = [(t.bbox[1], "table", t.extract()) for t in tables]
    rest = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = [ln for ln in rest.extract_text_lines(return_chars=False) if ln["text"].strip()]
    right = max((ln["x1"] for ln in lines), default=0.0)
    left = min((ln["x0"] for ln in lines), default=0.0)
    middle = (left + right) / 2
    paras: list[_Para] = []
    prev_height = 0.0
    open_para = False  # the last line ran to the right margin: the next may continue it
    for ln in lines:
        text = despace(ln["text"].strip())
        height = max(ln["bottom"] - ln["top"], 1.0)
        # A continuation line has the same size and starts at the margin, or (a centred title) is
        # centred; a right-aligned signature line is neither.
        continues = open_para and abs(height - prev_height) <= 0.15 * height and (
            ln["x0"] <= left + 0.5 * height or abs((ln["x0"] + ln["x1"]) / 2 - middle) <= height)
        if continues:
            paras[-1].pieces.append(text)
        else:
            paras.append(_Para(ln["top"], [text], ln["x0"] <= left + 0.5 * height, height))
        open_para = ln["x1"] >= right - 1.5 * height
        paras[-1].open_end = open_para
        prev_height = height
    items += [(para.top, "text", para) for para in paras]
    items.sort(key=lambda it: it[0])
    return items


_NUMBER = re.compile(r"[+-]?[\d.,，]+")


def _has_number(row: Row) -> bool:
    return any(c and _NUMBER.fullmatch(cell_text(c)) for c in row)


def _texts(row: Row) -> list[str]:
    return [t for t in (cell_text(c) for c in row) if t]


def _continue_split_row(prev: list[Row], rows: list[Row]) -> list[Row]:
    """A table continued on a new page whose first row is the rest of a row the page break cut
    (word processors let rows break across pages): that fragment is merged back into the previous
    page's last row. The fragment is the first row after the repeated header rows (those whose texts
    equal those of the previous part's first rows) when it holds no numbers and the last row does,
    and its texts stand in label cells. The two parts may have different column counts (a page that
    lacks a row with a column boundary has no ruling for it), so cells are matched from the right,
    where the number columns are, each fragment text joining the last row's nearest label text. A
    section heading row (第二十条第（五）项) holds no numbers either, but the previous row's numbers
    stand where its merged cell is, so it stays a row of its own."""
    head = 0
    while head < len(rows) and head < len(prev) and _texts(rows[head]) == _texts(prev[head]):
        head += 1
    if head >= len(rows) or not prev:
        return rows
    frag, last = rows[head], prev[-1]
    if _has_number(frag) or not _has_number(last):
        return rows
    shift = len(frag) - len(last)
    first_number = min(k for k, c in enumerate(last) if c and _NUMBER.fullmatch(cell_text(c)))
    labels = [k for k in range(first_number) if cell_text(last[k])]
    if not labels:
        return rows
    merged = [cell_text(c) if c is not None else None for c in last]
    for j, c in enumerate(frag):
        pos = j - shift
        if c is None and first_number <= pos < len(last) and last[pos] is not None:
            return rows  # a merged cell over the number columns: a heading row, not a fragment
        text = cell_text(c)
        if not text:
            continue
        if pos >= first_number:
            return rows
        target = min(labels, key=lambda k: (abs(k - pos), -k))
        merged[target] = join_wrapped(merged[target] or "", text)
    prev[-1] = merged
    return rows[:head] + rows[head + 1:]


def _tab_rows(rows: list[Row]) -> list[str]:
    return ["\t".join(cell_text(c) for c in row) for row in rows]


def _continues(prev: _Para, para: _Para) -> bool:
    return prev.open_end and para.at_margin and abs(prev.height - para.height) <= 0.15 * para.height


def _join(pieces: list[str]) -> str:
    out = ""
    for p in pieces:
        out = join_wrapped(out, p)
    return out


def _needs_password(err: BaseException) -> bool:
    """Whether ``err`` (or what it wraps: its cause, context or arguments) is pdfminer's
    wrong-password error."""
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    seen: list[BaseException] = [err]
    while seen:
        e = seen.pop()
        if isinstance(e, PDFPasswordIncorrect):
            return True
        seen += [x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException)]
    return False


def read_pdf(data: bytes) -> PdfText:
    """The text layer of a PDF (tables as tab rows). Raises :class:`FormatError` when it cannot be
    opened (damaged, encrypted)."""
    _quiet()
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    items: list[tuple[str, Any]] = []  # (kind, content) as _page_items gives them
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            for number, page in enumerate(pdf.pages):
                page_chars = sum(1 for c in page.chars if not c["text"].isspace())
                chars += page_chars
                if is_image_page(page_chars, len(page.images)):
                    items.append(("scan", number))
                    page.close()
                    continue
                for n, (_, kind, content) in enumerate(_page_items(page)):
                    last: tuple[str, Any] = items[-1] if items else ("", None)  # None: kind "" matches none
                    prev_kind, prev = last
                    if n == 0 and kind == "table" and prev_kind == "table":
                        content = _continue_split_row(prev, content)
                    elif n == 0 and kind == "text" and prev_kind == "text" and _continues(prev, content):
                        prev.pieces += content.pieces  # a paragraph the page break cut
                        prev.open_end = content.open_end
                        continue
                    items.append((kind, content))
                page.close()
    except PDFPasswordIncorrect:
        raise FormatError("encrypted PDF: needs a password") from None
    except Exception as err:  # pdfminer raises many kinds on damaged files
        if _needs_password(err):  # pdfplumber wraps pdfminer's error in its own
            raise FormatError("encrypted PDF: needs a password") from None
        raise FormatError(f"cannot read PDF: {type(err).__name__}: {err}") from None
    out: list[str | int] = []
    for kind, content in items:
        if kind == "scan":
            out.append(content)
        else:
            out += ["", *_tab_rows(content), ""] if kind == "table" else [_join(content.pieces)]
    return PdfText(tuple(out), pages, chars)
