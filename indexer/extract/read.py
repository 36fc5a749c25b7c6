"""Finding report files and turning their bytes into text.

Government files come as UTF-8 (with or without BOM), GB18030/GBK, sometimes UTF-16; .html pages
are reduced to their report text; PDF, .docx and .doc files are read by ``indexer.extract.formats``
(chosen by the file's signature bytes first, since portals serve a PDF as .doc or a page as .pdf, and
by its suffix otherwise). :attr:`SourceText.format` records which reader made the text.
A file that cannot be read raises :class:`ReadError` with a reason
a person can act on; the build reports it and goes on.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from indexer.extract.formats.pdf import PdfText

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".doc")
# What SourceText.format can be: the build summary counts reports by it. ``pdf-ocr``: a PDF read by
# OCR, all of it (a scan) or its image pages; ``pdf-part``: a PDF with image pages that were not read
# (OCR not installed), the rest of it read from its text layer.
FORMATS = ("txt", "md", "html", "pdf", "pdf-ocr", "pdf-part", "docx", "doc")
_TEXT_FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}


class ReadError(Exception):
    """A file that cannot be used as a report; ``str(err)`` says why."""


@dataclass(frozen=True)
class SourceText:
    """A report file's text as written (for .html: the report text extracted from the page)."""

    text: str
    encoding: str
    sha1: str  # of the file's bytes: unchanged files are not parsed again
    is_html: bool
    format: str = "txt"  # one of FORMATS
    # what reading could not do, for the report's problems (image pages left unread)
    problems: tuple[str, ...] = ()


class FileEntry(NamedTuple):
    """A report file found by :func:`scan`: its path relative to the corpus (``/``-separated), size
    and modification time (what an incremental build compares before hashing)."""

    rel: str
    size: int
    mtime_ns: int


def scan(corpus: Path, unreadable: list[tuple[str, str]] | None = None) -> list[FileEntry]:
    """Report files under ``corpus`` (recursively), sorted by path, hidden files and folders left out.
    ``unreadable`` gets (path, reason) for what cannot be read at all: a folder that cannot be listed,
    a link to nothing, a file that vanished or cannot be looked at (so a build names it as skipped).

    ``os.scandir`` with string paths and plain tuples until the end: at 100,000 files, walking with
    ``os.walk`` and ``pathlib`` and then calling ``stat`` on each took 4 s of an incremental build,
    a loop of ``FileEntry`` per ``DirEntry`` 0.6-0.8 s; this takes ~0.45 s, most of it the stat calls.
    """
    if corpus.is_file():
        st = corpus.stat()
        return [FileEntry(corpus.name, st.st_size, st.st_mtime_ns)]
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    problems: list[tuple[str, str]] = unreadable if unreadable is not None else []
    found: list[tuple[str, int, int]] = []
    stack: list[tuple[str, str]] = [(str(corpus), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            listing = os.scandir(folder)
        except OSError as err:  # its files cannot be indexed either
            problems.append((prefix or "./", f"folder cannot be read: {err.strerror or err}"))
            continue
        with listing:
            for entry in listing:
                name = entry.name
                if name[0] == ".":
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, f"{prefix}{name}/"))
                    elif name.lower().endswith(SUFFIXES):
                        if entry.is_file():
                            st = entry.stat()
                            found.append((prefix + name, st.st_size, st.st_mtime_ns))
                        elif entry.is_symlink() and not os.path.exists(entry.path):
                            problems.append((prefix + name, "a link to a file that does not exist"))
                except OSError as err:  # vanished, or cannot be looked at, between listing and stat
                    problems.append((prefix + name, f"cannot be read: {err.strerror or err}"))
    found.sort()  # by path: paths are unique
    problems.sort()
    return list(map(FileEntry._make, found))


def discover(corpus: Path) -> list[Path]:
    """Report files under ``corpus`` (recursively), sorted, hidden files and folders left out."""
    if corpus.is_file():
        return [corpus]
    return [corpus / e.rel for e in scan(corpus)]


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). Tries BOMs, then strict UTF-8, then strict GB18030."""
    if not data.strip():
        raise ReadError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is not None:
            return found
        if data.count(b"\x00") * 1000 > len(data):
            raise ReadError("binary file (contains NUL bytes), not a text report")
        data = data.replace(b"\x00", b"")  # a stray NUL or two in a text file: the rest is the report
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as err:
        raise ReadError(
            f"cannot decode: neither UTF-8 nor GB18030 ({err.reason} at byte {err.start})"
        ) from None
    if not _looks_like_text(text):
        raise ReadError("cannot decode: bytes are neither UTF-8 nor plausible GB18030 text")
    return text, "gb18030"


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM: NUL bytes (the high byte of ASCII characters) all on one side of
    each byte pair, and the whole decodes to plausible text."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for encoding, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls and other * 4 <= nuls:  # 一 (U+4E00) and the like put a few on the other side
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return (text, encoding) if _looks_like_text(text) else None
    return None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ReadError(f"cannot decode as {encoding}: {err.reason} at byte {err.start}") from None


def _looks_like_text(text: str) -> bool:
    """GB18030 decodes almost any byte string: reject results full of control or private-use chars."""
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text) < 0.01


def sniff(data: bytes) -> str | None:
    """The binary format the bytes' signature names (``pdf``, ``docx``, ``doc``), or None."""
    head = data[:1024]
    if b"%PDF-" in head:  # the header may follow a few junk bytes
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word 97-2003 (or Excel…)
        return "doc"
    return None


def source_from_bytes(data: bytes, suffix: str) -> SourceText:
    """A report's text from its file's bytes and suffix (reads no file: tests and tools call it directly;
    a .doc runs LibreOffice, a scan OCR)."""
    sha1 = hashlib.sha1(data).hexdigest()
    kind = sniff(data)
    suffix = suffix.lower()
    if kind is None and suffix in (".pdf", ".docx", ".doc") and not _looks_like_markup(data):
        raise ReadError(f"not a {suffix[1:].upper()} file (no {suffix[1:].upper()} signature) "
                        "and not text")
    if kind is not None:
        text, fmt, problems = _read_binary(data, kind)
        return SourceText(_lines(text), "binary", sha1, False, fmt, problems)
    text, encoding = decode(data)
    fmt = _TEXT_FORMATS.get(suffix, "txt")
    if suffix in (".pdf", ".docx", ".doc"):  # an HTML page (a portal's error or viewer page) saved as one
        fmt = "html"
    is_html = fmt == "html"
    if is_html:
        from indexer.extract.html import html_to_text

        text = html_to_text(text)
        if not text.strip():
            raise ReadError("HTML page holds no report text")
    return SourceText(_lines(text), encoding, sha1, is_html, fmt)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_markup(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _read_binary(data: bytes, kind: str) -> tuple[str, str, tuple[str, ...]]:
    """(text, format, problems) of a PDF, .docx or .doc; ReadError when it holds no usable text."""
    from indexer.extract.formats import FormatError

    problems: tuple[str, ...] = ()
    try:
        if kind == "docx":
            from indexer.extract.formats.docx import read_docx

            text, fmt = read_docx(data), "docx"
        elif kind == "doc":
            from indexer.extract.formats.doc import read_doc

            text, fmt = read_doc(data), "doc"
        else:
            from indexer.extract.formats.pdf import read_pdf

            pdf = read_pdf(data)
            if pdf.image_only:
                from indexer.extract.formats.ocr import ocr_pdf

                text, fmt = ocr_pdf(data), "pdf-ocr"
            elif pdf.image_pages:
                text, fmt, problems = _with_image_pages(data, pdf)
            else:
                text, fmt = pdf.text, "pdf"
    except FormatError as err:
        raise ReadError(str(err)) from None
    if not text.strip():
        raise ReadError(f"{fmt} file holds no text")
    return text, fmt, problems


def _with_image_pages(data: bytes, pdf: PdfText) -> tuple[str, str, tuple[str, ...]]:
    """A PDF with text pages and scanned pages (a signed table scanned into a typed report): the
    image pages read by OCR in their place; without OCR the rest is read and the report says which
    pages were not, so that a table on them reads as missing for a reason a person can see."""
    from indexer.extract.formats import ocr

    pages = pdf.image_pages
    listed = ", ".join(str(n + 1) for n in pages)
    if ocr.available():
        return (pdf.filled(ocr.ocr_pages(data, pages)), "pdf-ocr",
                (f"read by OCR: page {listed} of {pdf.pages} (scanned, no text layer)",))
    return pdf.text, "pdf-part", (f"image pages not read: page {listed} of {pdf.pages} "
                                  f"(scanned, no text layer; {ocr.NOT_INSTALLED})",)


def read_source(path: Path) -> SourceText:
    """Read one report file. Raises :class:`ReadError` when it cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(f"cannot read file: {err.strerror or err}") from None
    return source_from_bytes(data, path.suffix)
