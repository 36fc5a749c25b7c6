"""A corpus of PDF, DOCX, DOC and scanned reports: the build counts each format and names the skipped
scan with its reason; /reports/<id>/raw serves the original with its content type; the report page
shows the extracted text."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from indexer.engine.build import build_index
from indexer.extract.formats import ocr
from indexer.extract.report import report_id
from webui import create_app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "formats"
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from corpusgen import office  # noqa: E402


def mixed_pdf() -> bytes:
    """The fixture PDF with its last two pages (part four's table) replaced by the scan's: a report
    typed and scanned in part."""
    return office.spliced_pdf((FIXTURES / "000012_tabs.pdf").read_bytes(),
                              (FIXTURES / "000012_tabs.scan.pdf").read_bytes(), [3, 4])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    corpus = tmp_path_factory.mktemp("corpus")
    for p in FIXTURES.iterdir():
        # .doc goes through LibreOffice: tested in tests/extract/test_formats.py; the pdftotext
        # texts are other reports' (tests/extract/test_pdftotext_real.py)
        if p.name.startswith("000012_") and p.suffix != ".doc":
            shutil.copy(p, corpus / p.name)
    (corpus / "000012_tabs.mixed.pdf").write_bytes(mixed_pdf())
    first_sample = sorted((ROOT / "corpus").glob("*.txt"))[0]
    shutil.copy(first_sample, corpus / first_sample.name)
    index_dir = tmp_path_factory.mktemp("index")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ocr, "available", lambda: False)  # as on a machine without the OCR extra
        summary = build_index(corpus, index_dir, procs=1, progress=False)
    return corpus, index_dir, summary


def test_build_counts_each_format_and_names_the_skipped_scan(built) -> None:
    _, _, summary = built
    assert dict(summary.formats) == {"docx": 1, "pdf": 1, "pdf-part": 1, "txt": 1}
    assert summary.skipped == [("000012_tabs.scan.pdf",
                                "image-only PDF (scanned, no text layer): OCR not installed "
                                "(pip install nianbao[ocr])")]
    lines = summary.lines()
    assert "parsed by format: docx 1, pdf 1, pdf-part 1, txt 1" in lines
    assert any("skipped 000012_tabs.scan.pdf: image-only PDF" in line for line in lines)


@pytest.mark.parametrize("name, ctype", [
    ("000012_tabs.pdf", "application/pdf"),
    ("000012_tabs.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_raw_serves_the_original_with_its_content_type(built, name: str, ctype: str) -> None:
    corpus, index_dir, _ = built
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    resp = client.get(f"/reports/{report_id(name)}/raw")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == ctype
    assert resp.data == (corpus / name).read_bytes()
    page = client.get(f"/reports/{report_id(name)}").get_data(as_text=True)
    assert "一、本年新收政府信息公开申请数量" in page and "本年新收" in page


def test_a_pdf_scanned_in_part_says_which_pages_were_not_read_on_its_page_and_in_the_facet(built) -> None:
    _, index_dir, _ = built
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    facts = client.get(f"/api/reports/{report_id('000012_tabs.mixed.pdf')}").get_json()["facts"]
    assert facts["format"] == "pdf-part"
    assert facts["status"] != "verified"  # part four stands on the unread pages
    assert any(p.startswith("image pages not read: page 4, 5 of 5") for p in facts["problems"])
    page = client.get(f"/reports/{report_id('000012_tabs.mixed.pdf')}").get_data(as_text=True)
    assert "image pages not read: page 4, 5 of 5" in page
    formats = client.get("/api/search?q=").get_json()["facets"]["format"]
    counts = {v["value"]: v["count"] for v in formats}
    assert counts == {"docx": 1, "pdf": 1, "pdf-part": 1, "txt": 1}
    assert client.get("/api/search?format=pdf-part").get_json()["total"] == 1
    html = client.get("/?q=").get_data(as_text=True)
    assert "文件格式" in html and "PDF（有图片页未识别）" in html
