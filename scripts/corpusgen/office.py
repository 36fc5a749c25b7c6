"""A generated report as the files offices publish: Word (.docx, .doc), PDF exported from Word, and
the scanned PDF (图片版) of a printout; plus the column-order text some PDF tools produce.

The .docx starts from a copy of the official template (``data/template.docx``: its styles, A4 page
and margins) with its body replaced by the report: 宋体 paragraphs, and the template's tables as ruled
tables (single 1pt borders on every cell, as the template draws them) with the generator's spans
merged, header rows marked to repeat on every page. Narrow label columns make long labels wrap onto
two lines, and part three's 28 rows run over a page break. LibreOffice headless turns it into PDF
(Debian's Noto CJK fonts stand in for 宋体) or .doc; ``pdftoppm`` + Pillow make the scan.

Needs python-docx (the test extra) and, for PDF/.doc, ``soffice``; the scan needs ``pdftoppm``.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .tablemodel import Table, grid

TEMPLATE = Path(__file__).resolve().parent / "data" / "template.docx"
FONT = "宋体"
# Table width in twips (the template's 9740 is wider than its text area; 8306 fits A4 with its margins).
TABLE_TWIPS = 8306


def _docx():
    import docx  # python-docx: only the generator needs it

    return docx


def _set_font(run, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _blank_template():
    """The template with its body emptied (section properties kept)."""
    docx = _docx()
    doc = docx.Document(str(TEMPLATE))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return doc


def _positions(table: Table) -> list[tuple[int, int, str, int, int, bool]]:
    """(row, col, text, rowspan, colspan, is_number) of each cell, columns resolved past the rowspans."""
    covered: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(table.rows):
        col = 0
        for text, rowspan, colspan, number in row:
            while (r, col) in covered:
                col += 1
            out.append((r, col, text, rowspan, colspan, number))
            for rr in range(r, r + rowspan):
                for cc in range(col, col + colspan):
                    covered.add((rr, cc))
            col += colspan
    return out


def _column_widths(table: Table) -> list[int]:
    """Label columns narrow enough that long labels wrap; number columns share the rest."""
    label_cols = {"part2": 1, "part3": 3, "part4": 0}[table.kind]
    if table.kind == "part2":
        return [TABLE_TWIPS * 4 // 10] + [TABLE_TWIPS * 2 // 10] * 3
    if label_cols == 0:
        return [TABLE_TWIPS // table.ncols] * table.ncols
    label = [1000, 1400, 1900]
    rest = (TABLE_TWIPS - sum(label)) // (table.ncols - label_cols)
    return label + [rest] * (table.ncols - label_cols)


def _rule(tc) -> None:
    from docx.oxml.ns import qn

    tcpr = tc.get_or_add_tcPr()
    borders = tcpr.makeelement(qn("w:tcBorders"), {})
    for side in ("top", "left", "bottom", "right"):
        borders.append(borders.makeelement(qn(f"w:{side}"), {
            qn("w:val"): "single", qn("w:sz"): "8", qn("w:space"): "0", qn("w:color"): "000000"}))
    tcpr.append(borders)


def _repeat_header(row) -> None:
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))


def add_table(doc, table: Table, blank_zeros: bool = False) -> None:
    """The table with the template's ruling; ``blank_zeros``: a zero cell left empty, as many offices
    fill the form."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Twips

    widths = _column_widths(table)
    t = doc.add_table(rows=len(table.rows), cols=table.ncols)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for r in range(table.header_rows):
        _repeat_header(t.rows[r])
    for k, col in enumerate(t._tbl.tblGrid.findall(qn("w:gridCol"))):  # LibreOffice lays out by the grid
        col.set(qn("w:w"), str(widths[k]))
    for row in t.rows:
        for k, cell in enumerate(row.cells):
            cell.width = Twips(widths[k])
    for r, col, text, rowspan, colspan, number in _positions(table):
        cell = t.cell(r, col)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(t.cell(r + rowspan - 1, col + colspan - 1))
        for extra in cell.paragraphs[1:]:  # merging concatenates the covered cells' empty paragraphs
            extra._element.getparent().remove(extra._element)
        para = cell.paragraphs[0]
        para.alignment = 1 if number else 0
        _set_font(para.add_run("" if blank_zeros and number and text == "0" else text), 9)
    for tc in t._tbl.iter(qn("w:tc")):  # each cell once: row.cells repeats a merged cell
        _rule(tc)


def render_docx(blocks: list, blank_zeros: bool = False) -> bytes:
    """The report's blocks as a .docx (bytes); ``blank_zeros``: the tables' zero cells left empty."""
    doc = _blank_template()
    for block in blocks:
        kind = block[0]
        if kind == "title":
            para = doc.add_paragraph()
            para.alignment = 1
            _set_font(para.add_run(block[1]), 16, bold=True)
        elif kind in ("h1", "h2"):
            _set_font(doc.add_paragraph().add_run(block[1]), 12, bold=True)
        elif kind == "p":
            para = doc.add_paragraph()
            para.paragraph_format.first_line_indent = 2 * 12 * 12700  # two characters, in EMU
            _set_font(para.add_run(block[1]), 12)
        elif kind == "table":
            add_table(doc, block[1], blank_zeros)
            doc.add_paragraph()
        elif kind == "sign":
            for line in block[1]:
                para = doc.add_paragraph()
                para.alignment = 2
                _set_font(para.add_run(line), 12)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def soffice_convert_many(files: dict[str, bytes], to: str, timeout: float = 600.0) -> dict[str, bytes]:
    """Convert documents with one LibreOffice headless run (``to``: pdf, doc, docx …): its start-up
    takes most of a single conversion's 3 s. ``files``: name (with suffix) → bytes; the result is
    keyed by the same names. A run over a few hundred files sometimes leaves one out (seen: 1 of
    300 under load); those are converted again in a run of their own (once)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    ext = to.split(":")[0]
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        for attempt in range(2):
            todo = [name for name in files if name not in out]
            if not todo:
                break
            srcs = []
            for name in todo:
                src = Path(tmp) / f"in{attempt}" / name
                src.parent.mkdir(exist_ok=True)
                src.write_bytes(files[name])
                srcs.append(str(src))
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{Path(tmp) / 'profile'}", "--headless",
                 "--convert-to", to, "--outdir", str(Path(tmp) / f"out{attempt}"), *srcs],
                check=True, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
            for name in todo:
                done = Path(tmp) / f"out{attempt}" / f"{Path(name).stem}.{ext}"
                if done.is_file():
                    out[name] = done.read_bytes()
    missing = [name for name in files if name not in out]
    if missing:
        raise RuntimeError(f"LibreOffice did not convert {', '.join(missing[:5])} to {to}")
    return out


def soffice_convert(data: bytes, suffix: str, to: str, timeout: float = 120.0) -> bytes:
    """Convert one document's bytes with LibreOffice headless."""
    return soffice_convert_many({f"report{suffix}": data}, to, timeout)[f"report{suffix}"]


def pdftotext_layout(pdf: bytes, timeout: float = 60.0) -> str:
    """The PDF's text as poppler's ``pdftotext -layout`` prints it (a real producer of the space-aligned
    tables saved as .txt: cells padded with spaces to where they stand, a form feed between pages)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed")
    done = subprocess.run([tool, "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, check=True,
                          capture_output=True, timeout=timeout)
    return done.stdout.decode("utf-8")


def docx_to_pdf(data: bytes) -> bytes:
    return soffice_convert(data, ".docx", "pdf")


def docx_to_doc(data: bytes) -> bytes:
    return soffice_convert(data, ".docx", "doc:MS Word 97")


def scanned_pdf(pdf: bytes, dpi: int = 150, seed: int = 0, bilevel: bool = False) -> bytes:
    """An image-only PDF of a text PDF: each page rasterised (``pdftoppm``) and put back as an image,
    slightly greyed as a scanner leaves it, or black and white (``bilevel``: a fax-like scan, a tenth
    of the size); no text layer."""
    from PIL import Image, ImageOps

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="nianbao-scan-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(Path(tmp) / "p")],
                       check=True, capture_output=True, timeout=300)
        pages = []
        for png in sorted(Path(tmp).glob("p*.png")):
            img = Image.open(png).convert("L")
            grey = rng.randint(0, 25)
            img = ImageOps.autocontrast(img).point(lambda v, k=grey: max(0, v - k))
            pages.append(img.point(lambda v: 255 if v > 160 else 0).convert("1") if bilevel else img)
        out = io.BytesIO()
        pages[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])
        return out.getvalue()


def spliced_pdf(text: bytes, scan: bytes, scanned: Iterable[int]) -> bytes:
    """The pages of ``text`` (a PDF), those numbered in ``scanned`` (0-based) taken from ``scan``
    instead (its scan: the same pages as images)."""
    import pypdfium2 as pdfium

    docs = pdfium.PdfDocument(text), pdfium.PdfDocument(scan)
    out = pdfium.PdfDocument.new()
    try:
        pages = set(scanned)
        for n in range(len(docs[0])):
            out.import_pages(docs[1] if n in pages else docs[0], [n])
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        for d in (out, *docs):
            d.close()


def mixed_pdf(pdf: bytes, seed: int = 0, scanned_last: int = 2) -> bytes:
    """A PDF typed and scanned in part, as offices make it when the signed statistics tables are
    printed, stamped and scanned back in: the text PDF's last ``scanned_last`` pages (never its
    first) replaced by their scan (:func:`scanned_pdf`), the pages before kept with their text."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    n = len(doc)
    doc.close()
    return spliced_pdf(pdf, scanned_pdf(pdf, seed=seed), range(max(1, n - scanned_last), n))


def column_order_text(blocks: list) -> str:
    """The text some PDF tools produce from a ruled table: a column's cells one after another (all the
    labels, then all the numbers of the first column, …), one cell per line, the prose as it is."""
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "table":
            rows = grid(block[1])
            ncols = max(len(r) for r in rows)
            for col in range(ncols):
                out.extend(r[col][0] for r in rows if col < len(r) and r[col][0])
        elif kind == "sign":
            out.extend(block[1])
        else:
            out.append(block[1])
    return "\n".join(out) + "\n"
