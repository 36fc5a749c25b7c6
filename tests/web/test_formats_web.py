"""A corpus of PDF, DOCX, DOC and scanned reports: the build counts each format and names the skipped
scan with its reason; /reports/<id>/raw serves the original with its content type; the report page
shows the extracted text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.engine.build import build_index
from indexer.extract.formats import ocr
from indexer.extract.report import report_id
from webui import create_app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "formats"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    corpus = tmp_path_factory.mktemp("corpus")
    for p in FIXTURES.iterdir():
        if p.suffix != ".doc":  # .doc goes through LibreOffice: tested in tests/extract/test_formats.py
            shutil.copy(p, corpus / p.name)
    first_sample = sorted((ROOT / "corpus").glob("*.txt"))[0]
    shutil.copy(first_sample, corpus / first_sample.name)
    index_dir = tmp_path_factory.mktemp("index")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ocr, "available", lambda: False)  # as on a machine without the OCR extra
        summary = build_index(corpus, index_dir, procs=1, progress=False)
    return corpus, index_dir, summary


def test_build_counts_each_format_and_names_the_skipped_scan(built) -> None:
    _, _, summary = built
    assert dict(summary.formats) == {"docx": 1, "pdf": 1, "txt": 1}
    assert summary.skipped == [("000012_tabs.scan.pdf",
                                "image-only PDF (scanned, no text layer): OCR not installed "
                                "(pip install nianbao[ocr])")]
    lines = summary.lines()
    assert "parsed by format: docx 1, pdf 1, txt 1" in lines
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
