"""Hostile PDF and Word files in a build: each is skipped with its reason, the rest still indexes.

The kinds issue 11 names for the format readers: a truncated PDF, an encrypted PDF (made by
LibreOffice, a real producer, where it is installed), a PDF with tens of thousands of pages (bounded by
the per-file time limit), a ``.docx`` that is a zip bomb and one that is not a zip at all.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import pdf_of

from indexer.engine.build import build_index
from indexer.extract.formats import FormatError
from indexer.extract.formats.docx import MAX_XML, read_docx
from indexer.extract.formats.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "formats"
SAMPLE = sorted((ROOT / "corpus").glob("*.txt"))[0]


def many_pages_pdf(pages: int) -> bytes:
    """A valid PDF of ``pages`` pages with one short line each, written object by object."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]  # 2: the page tree, below
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for n in range(pages):
        line = f"page {n + 1} of the report, a line of text as long as a text layer has"
        stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content, font))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
        pages, b" ".join(b"%d 0 R" % k for k in kids))
    return pdf_of(objects)


def zip_bomb_docx() -> bytes:
    """A .docx whose document.xml unpacks to more than the reader accepts (from a ~100 kB file)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (MAX_XML + 1024) + b"</w:document>")
    return buf.getvalue()


def encrypted_pdf(tmp: Path) -> bytes | None:
    """The Word fixture exported by LibreOffice as a PDF that needs a password (None: no soffice)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    tmp.mkdir(parents=True, exist_ok=True)
    src = tmp / "report.docx"
    shutil.copy(FIXTURES / "000012_tabs.docx", src)
    options = json.dumps({"EncryptFile": {"type": "boolean", "value": "true"},
                          "DocumentOpenPassword": {"type": "string", "value": "secret"}})
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless",
                    "--convert-to", f"pdf:writer_pdf_Export:{options}", "--outdir", str(tmp / "out"),
                    str(src)], check=True, capture_output=True, timeout=180)
    return (tmp / "out" / "report.pdf").read_bytes()


def test_a_truncated_pdf_is_refused_with_a_reason():
    data = (FIXTURES / "000012_tabs.pdf").read_bytes()
    with pytest.raises(FormatError, match="PDF"):
        read_pdf(data[: len(data) // 3])


def test_an_encrypted_pdf_is_refused_as_needing_a_password(tmp_path):
    data = encrypted_pdf(tmp_path)
    if data is None:
        pytest.skip("LibreOffice (soffice) is not installed: no producer for an encrypted PDF")
    assert data.startswith(b"%PDF") and b"/Encrypt" in data
    with pytest.raises(FormatError, match="encrypted"):
        read_pdf(data)


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked():
    data = zip_bomb_docx()
    assert len(data) < MAX_XML // 100  # small on disk, huge unpacked
    with pytest.raises(FormatError, match="too large"):
        read_docx(data)


def test_a_docx_that_is_not_a_zip_is_refused():
    with pytest.raises(FormatError, match="damaged"):
        read_docx(b"PK\x03\x04" + b"not really a zip file " * 50)


def test_the_thousand_page_pdf_is_a_valid_pdf_that_reads():
    text = read_pdf(many_pages_pdf(3)).text
    assert "page 3 of the report" in text


def test_a_build_skips_each_hostile_format_file_with_its_reason_and_indexes_the_rest(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SAMPLE, corpus / "good.txt")
    shutil.copy(FIXTURES / "000012_tabs.docx", corpus / "good.docx")
    (corpus / "truncated.pdf").write_bytes((FIXTURES / "000012_tabs.pdf").read_bytes()[:5000])
    # enough pages that no machine reads them within the limit (a text layer on each: not a scan)
    (corpus / "thousands-of-pages.pdf").write_bytes(many_pages_pdf(40000))
    (corpus / "bomb.docx").write_bytes(zip_bomb_docx())
    (corpus / "not-a-zip.docx").write_bytes(b"PK\x03\x04" + b"\x00\xff garbage " * 400)
    want = {"truncated.pdf": "PDF", "thousands-of-pages.pdf": "took longer than",
            "bomb.docx": "too large", "not-a-zip.docx": "DOCX"}
    enc = encrypted_pdf(tmp_path / "lo")
    if enc is not None:
        (corpus / "encrypted.pdf").write_bytes(enc)
        want["encrypted.pdf"] = "encrypted"
    summary = build_index(corpus, tmp_path / "index", procs=1, file_timeout=3.0)
    skipped = dict(summary.skipped)
    assert set(skipped) == set(want), skipped
    for name, reason in want.items():
        assert reason in skipped[name], (name, skipped[name])
    assert summary.total == 2 and summary.indexed == 2
