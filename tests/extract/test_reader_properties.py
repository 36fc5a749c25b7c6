"""Property-based tests of the file readers over raw bytes: whatever a file holds, reading it gives a
:class:`SourceText` or raises :class:`ReadError`, and the PDF and Word readers called directly raise
nothing but :class:`FormatError`.

Inputs: arbitrary bytes under every suffix; bytes built from the readers' signatures and markup
(BOMs, NULs, ``%PDF-``, ``PK\\x03\\x04`` + ``word/``, nesting thousands deep); and valid files mutated
(truncated, bytes flipped, runs zeroed or replaced, junk spliced in): a one-page PDF made here, a page
of the LibreOffice-made fixture PDF (tests/data/formats), the fixture .docx and a small .docx made
here, the sample reports and an HTML page. Hypothesis, derandomized, with a bounded number of
examples; each ``@example`` is an input that raised something else before its reader was fixed.

The .doc reader's LibreOffice is turned off here (``NIANBAO_SOFFICE`` empty: the reader says it is
not installed) and OCR is a stand-in that recognises nothing, so that the tests take the same time
on every machine; the readers' own code still runs on every input.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from helpers import pdf_of
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer.extract.formats import FormatError
from indexer.extract.formats import ocr as ocr_mod
from indexer.extract.formats.docx import read_docx
from indexer.extract.formats.pdf import PdfText, read_pdf
from indexer.extract.read import FORMATS, SUFFIXES, ReadError, SourceText, source_from_bytes

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "formats"
SAMPLE_TEXT = sorted((ROOT / "corpus").glob("*.txt"))[0].read_bytes()

PROPS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# the PDF reader takes ~0.05 s on a page of the fixture: fewer examples
PDF_PROPS = settings(PROPS, max_examples=60)

ALL_SUFFIXES = (*SUFFIXES, ".TXT", ".Pdf", ".DOCX", "")


@pytest.fixture(autouse=True, scope="module")
def _no_libreoffice_and_a_blind_ocr():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIANBAO_SOFFICE", "")
        mp.setattr(ocr_mod, "available", lambda: True)
        mp.setattr(ocr_mod, "_engine", lambda: lambda image: ([], 0.0))
        yield


# -- valid files to mutate -------------------------------------------------------------------------

def small_pdf() -> bytes:
    """A one-page PDF with two lines of text and a ruled 2×3 table, its content stream compressed."""
    lines = ["Annual report on government information disclosure, 2021 edition",
             "Part one: overall situation of the year, as the template asks"]
    ops = [f"BT /F1 11 Tf 72 {740 - 16 * i} Td ({t}) Tj ET" for i, t in enumerate(lines)]
    xs, ys = (72, 232, 392, 552), (660, 640, 620)
    ops += [f"{x} {ys[-1]} m {x} {ys[0]} l S" for x in xs] + [f"{xs[0]} {y} m {xs[-1]} {y} l S" for y in ys]
    for r, row in enumerate([["applications", "new", "12"], ["handled", "total", "11"]]):
        ops += [f"BT /F1 10 Tf {xs[c] + 4} {ys[r] - 14} Td ({t}) Tj ET" for c, t in enumerate(row)]
    stream = zlib.compress("\n".join(ops).encode())
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                   b"/Resources << /Font << /F1 5 0 R >> >> >>",
                   b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
                   b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def fixture_page() -> bytes:
    """The fixture PDF's third page (its table) as a PDF of its own: a real producer's fonts and streams."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument((FIXTURES / "000012_tabs.pdf").read_bytes())
    page = pdfium.PdfDocument.new()
    page.import_pages(src, [2])
    buf = io.BytesIO()
    page.save(buf)
    return buf.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_XML = (
    f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>'
    '<w:sdt><w:sdtContent><w:p><w:r><w:t>本年度</w:t><w:tab/><w:t>收到申请</w:t><w:br/></w:r></w:p>'
    '</w:sdtContent></w:sdt><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r>'
    '<w:t>申请</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc>'
    '<w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>办结</w:t></w:r></w:p></w:tc><w:tc><w:p>'
    '<w:r><w:t>11</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>')


def docx_of(xml: str | bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


SMALL_PDF = small_pdf()
FIXTURE_PAGE = fixture_page()
SMALL_DOCX = docx_of(DOCUMENT_XML)
FIXTURE_DOCX = (FIXTURES / "000012_tabs.docx").read_bytes()
PAGE_HTML = ("<html><head><title>某县2021年政府信息公开工作年度报告</title><script>x()</script></head><body>"
             "<div class='nav'>首页</div><div id='content'><h1>某县2021年政府信息公开工作年度报告</h1>"
             "<p>一、总体情况</p><table><tr><td colspan='2'>申请</td><td rowspan='2'>12</td></tr>"
             "<tr><td>办结</td><td>11</td></tr></table><pre>二、主动公开\n  情况</pre></div></body></html>"
             ).encode()
SEEDS = {"small.pdf": SMALL_PDF, "page.pdf": FIXTURE_PAGE, "small.docx": SMALL_DOCX,
         "fixture.docx": FIXTURE_DOCX, "sample.txt": SAMPLE_TEXT, "sample.gb18030.txt":
         SAMPLE_TEXT.decode("utf-8").encode("gb18030"), "page.html": PAGE_HTML}


# -- damaged zips that raised zipfile's and zlib's own errors out of read_docx ------------------------

def _central(data: bytes, name: bytes) -> int:
    """Where the central directory record of ``name`` starts."""
    at = data.index(b"PK\x01\x02")
    while data[at + 46:at + 46 + struct.unpack_from("<H", data, at + 28)[0]] != name:
        at = data.index(b"PK\x01\x02", at + 46)
    return at


def _patch(data: bytes, at: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, at, value)
    return bytes(out)


_CD = _central(SMALL_DOCX, b"word/document.xml")
_LOCAL = struct.unpack_from("<I", SMALL_DOCX, _CD + 42)[0]
_DATA = _LOCAL + 30 + sum(struct.unpack_from("<HH", SMALL_DOCX, _LOCAL + 26))  # the deflated bytes
_EOCD = SMALL_DOCX.rindex(b"PK\x05\x06")
BAD_DEFLATE = SMALL_DOCX[:_DATA] + b"\xff" + SMALL_DOCX[_DATA + 1:]  # was zlib.error (invalid block type)
UNKNOWN_METHOD = _patch(SMALL_DOCX, _CD + 10, "<H", 99)  # was NotImplementedError
UNKNOWN_VERSION = _patch(SMALL_DOCX, _CD + 6, "<H", 255)  # was NotImplementedError (zip file version)
ENCRYPTED_ENTRY = _patch(SMALL_DOCX, _CD + 8, "<H", 0x1)  # was RuntimeError (password required)
OFFSET_PAST_START = _patch(SMALL_DOCX, _EOCD + 16, "<I",  # was ValueError (negative seek value)
                           struct.unpack_from("<I", SMALL_DOCX, _EOCD + 16)[0] + 4096)
# a name flagged UTF-8 that is not: was UnicodeDecodeError
BAD_UTF8_NAME = _patch(_patch(SMALL_DOCX, _CD + 8, "<H", 0x800), _CD + 46, "B", 0xE3)
# content controls nested past Python's recursion limit: was RecursionError
DEEP_SDT = docx_of(f'<w:document xmlns:w="{W}"><w:body>' + "<w:sdt><w:sdtContent>" * 3000
                   + "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>" + "</w:sdtContent></w:sdt>" * 3000
                   + "</w:body></w:document>")
# elements nested past Python's recursion limit: was RecursionError (html.py's walks recursed)
DEEP_HTML = b"<div>" * 1500 + "<p>一、总体情况</p><pre>某镇。</pre>".encode() + b"</div>" * 1500
# 1,800 levels (libxml2 keeps 2,048 with huge_tree)
DEEP_TABLES = b"<table><tr><td>" * 600 + "一、总体情况".encode()
# a page tree that counts a page it does not hold: pdfplumber reads no page (a "scan"), and the OCR's
# pypdfium2 could not load the page: was PdfiumError out of ocr_pdf
MISSING_PAGE = pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                       b"<< /Type /Font >>"])
# a page 595268 pt wide (a digit flipped in the fixture's MediaBox): 2 G pixels at the OCR's 150 dpi,
# minutes and gigabytes to render before the OCR bounded a page's pixels
HUGE_PAGE = pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595268 842] >>"])


# -- strategies ------------------------------------------------------------------------------------

@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """``seed`` truncated, or with bytes flipped, runs zeroed or overwritten, or junk spliced in."""
    data = bytearray(seed)
    kind = draw(st.sampled_from(["truncate", "flip", "set", "zero", "splice"]))
    if kind == "truncate":
        return bytes(data[:draw(st.integers(0, len(data) - 1))])
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            data[at] = draw(st.integers(0, 255))
        elif kind == "zero":
            end = min(len(data), at + draw(st.integers(1, 64)))
            data[at:end] = bytes(end - at)
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16) | st.sampled_from(_PIECES))
    return bytes(data)


# signatures, encodings' marks and markup, so that generated bytes reach every reader's paths
_PIECES = [b"%PDF-", b"%PDF-1.7\n", b"PK\x03\x04", b"word/", b"word/document.xml", b"\xef\xbb\xbf",
           b"\xff\xfe", b"\xfe\xff", b"\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<", b">", b"<html>",
           b"<table><tr><td colspan=99999999999999>", b"<td rowspan=-3>", b"</td></tr>", b"<pre>", b"<br>",
           b"<script>", b"<!--", b"<![CDATA[", b"&#x110000;", b"&#0;",
           b"<?xml version='1.0' encoding='utf-16'?>",
           b"<meta charset=big5>", b"<div>" * 400, "一、总体情况\n".encode(), "年度报告".encode("gb18030"),
           "申请\t12\n".encode("utf-16-le"), b"\r", b"\n", b"\t", b"\x80", b"\xe4\xb8", b"obj", b"endobj",
           b"stream\n", b"xref", b"trailer", b"/FlateDecode", b"startxref"]
PIECED = st.lists(st.sampled_from(_PIECES) | st.binary(max_size=8), max_size=30).map(b"".join)
ARBITRARY = st.binary(max_size=3000) | PIECED
# what reaches the PDF and DOCX readers past read.sniff: their signatures ahead of anything
SIGNED = st.one_of(st.tuples(st.sampled_from([b"%PDF-", b"%PDF-1.4\n", b"junk%PDF-"]), ARBITRARY),
                   st.tuples(st.just(b"PK\x03\x04"), ARBITRARY.map(lambda d: b"word/" + d))).map(b"".join)
MUTATED_FILES = st.sampled_from(sorted(SEEDS)).flatmap(
    lambda name: st.tuples(st.just(name), mutated(SEEDS[name])))


def read_or_refuse(data: bytes, suffix: str) -> SourceText | None:
    """``source_from_bytes``: a SourceText, or ReadError with a reason (None); anything else fails."""
    try:
        source = source_from_bytes(data, suffix)
    except ReadError as err:
        assert str(err).strip(), f"ReadError without a reason for {data[:60]!r}"
        return None
    assert isinstance(source, SourceText)
    assert isinstance(source.text, str) and source.format in FORMATS
    assert "\r" not in source.text
    return source


# -- source_from_bytes -----------------------------------------------------------------------------

@PROPS
@given(ARBITRARY, st.sampled_from(ALL_SUFFIXES))
@example(DEEP_HTML, ".html")
@example(DEEP_TABLES, ".htm")
@example(DEEP_SDT, ".docx")
@example(BAD_DEFLATE, ".docx")
@example(MISSING_PAGE, ".pdf")
def test_arbitrary_bytes_under_any_suffix_read_or_raise_read_error(data, suffix):
    read_or_refuse(data, suffix)


@PROPS
@given(SIGNED, st.sampled_from(ALL_SUFFIXES))
def test_bytes_behind_a_pdf_or_docx_signature_read_or_raise_read_error(data, suffix):
    read_or_refuse(data, suffix)


@PDF_PROPS
@given(MUTATED_FILES, st.sampled_from(ALL_SUFFIXES))
def test_mutated_valid_files_read_or_raise_read_error(named, suffix):
    _, data = named
    read_or_refuse(data, suffix)


def test_the_seeds_are_valid_files_their_readers_read():
    formats = {name: source_from_bytes(data, Path(name).suffix).format for name, data in SEEDS.items()}
    assert formats == {"small.pdf": "pdf", "page.pdf": "pdf", "small.docx": "docx", "fixture.docx": "docx",
                       "sample.txt": "txt", "sample.gb18030.txt": "txt", "page.html": "html"}
    assert "applications\tnew\t12" in read_pdf(SMALL_PDF).text
    assert "申请\t\t12" in read_docx(SMALL_DOCX)


def test_the_recursion_examples_are_read_as_reports():
    """The inputs that raised RecursionError are read, not merely refused."""
    assert source_from_bytes(DEEP_HTML, ".html").text == "一、总体情况\n某镇。\n"
    assert "一、总体情况" in source_from_bytes(DEEP_TABLES, ".html").text
    assert read_docx(DEEP_SDT) == "一、总体情况\n"


def test_a_pdf_whose_page_does_not_load_is_refused_with_a_reason():
    with pytest.raises(ReadError, match="cannot read PDF"):
        source_from_bytes(MISSING_PAGE, ".pdf")


def test_a_scan_with_a_huge_page_size_is_rendered_for_ocr_within_the_pixel_bound(monkeypatch):
    assert ocr_mod.render_scale(595.28, 841.89) == ocr_mod.DPI / 72  # an A4 scan: 150 dpi as before
    rendered: list[tuple[int, ...]] = []

    def engine(image):
        rendered.append(image.shape[:2])
        return [], 0.0

    monkeypatch.setattr(ocr_mod, "_engine", lambda: engine)
    monkeypatch.setattr(ocr_mod, "MAX_PIXELS", 2_000_000)  # the bound, made small for the test
    with pytest.raises(ReadError, match="holds no text"):
        source_from_bytes(HUGE_PAGE, ".pdf")
    [(height, width)] = rendered
    # the whole page, scaled down (pdfium rounds each side up to a whole pixel)
    assert (height - 1) * (width - 1) <= 2_000_000 and width > 100 * height


# -- the PDF and Word readers directly -------------------------------------------------------------

def returns_or_format_error(read, data: bytes, returns: type) -> None:
    """``read(data)`` gives a ``returns`` or raises FormatError with a reason, nothing else."""
    try:
        got = read(data)
    except FormatError as err:
        assert str(err).strip()
        return
    assert isinstance(got, returns)
    if isinstance(got, PdfText):
        assert isinstance(got.text, str) and got.pages >= 0


def pdf_or_format_error(data: bytes) -> None:
    returns_or_format_error(read_pdf, data, PdfText)


def docx_or_format_error(data: bytes) -> None:
    returns_or_format_error(read_docx, data, str)


@PDF_PROPS
@given(mutated(SMALL_PDF) | mutated(FIXTURE_PAGE) | SIGNED)
def test_read_pdf_raises_only_format_error_on_damaged_pdfs(data):
    pdf_or_format_error(data)


@PROPS
@given(mutated(SMALL_DOCX) | mutated(FIXTURE_DOCX) | SIGNED)
@example(BAD_DEFLATE)
@example(UNKNOWN_METHOD)
@example(UNKNOWN_VERSION)
@example(ENCRYPTED_ENTRY)
@example(OFFSET_PAST_START)
@example(BAD_UTF8_NAME)
@example(DEEP_SDT)
def test_read_docx_raises_only_format_error_on_damaged_zips(data):
    docx_or_format_error(data)


@PROPS
@given(mutated(DOCUMENT_XML.encode("utf-8")))
def test_read_docx_raises_only_format_error_on_a_damaged_document_xml(xml):
    docx_or_format_error(docx_of(xml))


@pytest.mark.parametrize("data", [BAD_DEFLATE, UNKNOWN_METHOD, UNKNOWN_VERSION, ENCRYPTED_ENTRY,
                                  OFFSET_PAST_START, BAD_UTF8_NAME],
                         ids=["bad deflate", "unknown method", "unknown version", "encrypted entry",
                              "offset past start", "bad utf-8 name"])
def test_each_damaged_zip_is_refused_with_its_reason(data):
    with pytest.raises(FormatError, match=r"(damaged|encrypted) \.docx"):
        read_docx(data)
