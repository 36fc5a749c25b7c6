"""A Word .docx → report text: paragraphs as lines, tables as rows of tab-separated cells.

Read straight from the zip's ``word/document.xml`` with the standard library (no python-docx at run
time: one XML walk is all a report needs, and it is 5x faster than building python-docx's objects).
Body order is kept: paragraphs and tables as they stand. A cell spanning n grid columns
(``gridSpan``) is followed by n-1 empty cells and a cell continuing a vertical merge (``vMerge``
without ``restart``) is empty — the layout HTML tables get, which the table reader reads. A table
inside a cell is layout: its text joins the cell's. Text in text boxes, headers and footers is left
out (page furniture); deleted revisions (``w:del``) are left out, insertions kept.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from indexer.extract.formats import FormatError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML = 64 * 1024 * 1024  # a report's document.xml is well under 1 MB; a zip bomb is not


def _para_text(p: ET.Element) -> str:
    out: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == f"{W}t":
            out.append(el.text or "")
        elif tag == f"{W}tab":
            out.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif tag == f"{W}delText":
            continue
    return "".join(out)


def _cell_text(tc: ET.Element) -> str:
    parts = []
    for p in tc.iter(f"{W}p"):
        t = _para_text(p).replace("\n", "").strip()
        if t:
            parts.append(t)
    return "".join(parts)


def _table_rows(tbl: ET.Element) -> list[str]:
    rows = []
    for tr in tbl.findall(f"{W}tr"):
        cells: list[str] = []
        for tc in tr.findall(f"{W}tc"):
            pr = tc.find(f"{W}tcPr")
            span, cont = 1, False
            if pr is not None:
                gs = pr.find(f"{W}gridSpan")
                if gs is not None:
                    try:
                        span = max(1, min(int(gs.get(f"{W}val", "1")), 100))
                    except ValueError:
                        span = 1
                vm = pr.find(f"{W}vMerge")
                cont = vm is not None and vm.get(f"{W}val", "continue") != "restart"
            cells.append("" if cont else _cell_text(tc))
            cells.extend([""] * (span - 1))
        rows.append("\t".join(cells))
    return rows


def _body_lines(body: ET.Element) -> list[str]:
    out: list[str] = []
    # a stack of the bodies being read (content controls nest, as deep as a file likes: no recursion)
    stack = [iter(body)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
        elif el.tag == f"{W}p":
            out.extend(_para_text(el).split("\n"))
        elif el.tag == f"{W}tbl":
            out += ["", *_table_rows(el), ""]
        elif el.tag == f"{W}sdt":  # a content control wraps body elements
            content = el.find(f"{W}sdtContent")
            if content is not None:
                stack.append(iter(content))
    return out


def read_docx(data: bytes) -> str:
    """The report text of a .docx. Raises :class:`FormatError` when it is not a Word document."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            try:
                info = z.getinfo("word/document.xml")
            except KeyError:
                raise FormatError("not a Word document (zip without word/document.xml)") from None
            if info.file_size > MAX_XML:
                raise FormatError(f"document.xml too large ({info.file_size} bytes)")
            if info.flag_bits & 0x1:
                raise FormatError("encrypted .docx: needs a password")
            xml = z.read(info)
    except FormatError:
        raise
    except zipfile.BadZipFile as err:
        raise FormatError(f"damaged .docx: {err}") from None
    except Exception as err:  # zipfile raises many kinds on damaged files: zlib.error, EOFError,
        # NotImplementedError (an unknown compression method or zip version), ValueError (an offset
        # before the file's start), UnicodeDecodeError (a name flagged UTF-8 that is not)
        raise FormatError(f"damaged .docx: {type(err).__name__}: {err}") from None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as err:
        raise FormatError(f"damaged .docx: document.xml: {err}") from None
    body = root.find(f"{W}body")
    if body is None:
        raise FormatError("damaged .docx: no document body")
    lines = [ln.strip() if "\t" not in ln else ln for ln in _body_lines(body)]
    return "\n".join(lines).replace("\n\n\n", "\n\n").strip("\n") + "\n"
