"""PDF, DOCX, DOC and scanned reports: read into the same text shape, and the same facts as the text
rendering of the same generated report.

Fixtures (tests/data/formats/, seed 1 report 12 of ``draw_report(12, 1, ("tabs",))``, made by
scripts/corpusgen/office.py): the .docx, its PDF and .doc exported by LibreOffice, and a black and
white scan of the PDF. Tests marked ``slow`` render further reports through LibreOffice.
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from accuracy import flat_fields  # noqa: E402
from corpusgen import office  # noqa: E402
from corpusgen.corpus import draw_report, render_layout  # noqa: E402

from indexer.extract.formats import despace, join_wrapped  # noqa: E402
from indexer.extract.formats import ocr as ocr_mod  # noqa: E402
from indexer.extract.formats.docx import read_docx  # noqa: E402
from indexer.extract.formats.pdf import _continue_split_row, read_pdf  # noqa: E402
from indexer.extract.read import FORMATS, ReadError, read_source, scan, sniff, source_from_bytes  # noqa: E402
from indexer.extract.report import extract_facts  # noqa: E402

DATA = ROOT / "tests" / "data" / "formats"
STEM = "000012_tabs"
HAS_SOFFICE = shutil.which("soffice") is not None


@cache
def text_facts(i: int, seed: int = 1, layouts: tuple[str, ...] = ("tabs",)) -> dict:
    """Facts of report i's text rendering (what every other rendering must equal)."""
    d = draw_report(i, seed, layouts)
    text, ext = render_layout(d.blocks, d.layout, d.ctx, d.rng, d.encoding)
    return flat_fields(extract_facts(text, f"x.{ext}"))


def facts_of(name: str, data: bytes) -> tuple[str, dict]:
    source = source_from_bytes(data, Path(name).suffix)
    return source.format, flat_fields(extract_facts(source.text, name))


def test_fixture_is_the_generated_report_with_numbers() -> None:
    gold = flat_fields(draw_report(12, 1, ("tabs",)).gold)
    assert text_facts(12) == gold
    assert gold["applications.new"] == 5 and gold["reconsideration.total"] == 4
    assert gold["litigation_total"] == 3


@pytest.mark.parametrize("suffix, fmt", [(".docx", "docx"), (".pdf", "pdf")])
def test_docx_and_pdf_fixture_facts_equal_the_text_rendering(suffix: str, fmt: str) -> None:
    got_fmt, facts = facts_of(STEM + suffix, (DATA / (STEM + suffix)).read_bytes())
    assert got_fmt == fmt
    assert facts == text_facts(12)


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice not installed")
def test_doc_fixture_is_read_through_libreoffice() -> None:
    got_fmt, facts = facts_of(STEM + ".doc", (DATA / (STEM + ".doc")).read_bytes())
    assert got_fmt == "doc"
    assert facts == text_facts(12)


def test_doc_without_libreoffice_is_skipped_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_SOFFICE", "")
    with pytest.raises(ReadError, match=r"LibreOffice \(soffice\) not installed"):
        source_from_bytes((DATA / (STEM + ".doc")).read_bytes(), ".doc")


def test_pdf_tables_come_out_as_tab_rows() -> None:
    text = read_pdf((DATA / (STEM + ".pdf")).read_bytes()).text
    rows = [line.split("\t") for line in text.splitlines() if "\t" in line]
    new = next(r for r in rows if r[0].startswith("一、本年新收政府信息公开申请数量"))
    assert [c for c in new[1:] if c][-1] == "5"  # the total column, after the six applicant columns
    # the header rows reprinted where part three continues on the next page
    assert sum(1 for r in rows if r[0].startswith("（本列数据的勾稽关系为")) >= 2


def test_scan_is_detected_as_image_only() -> None:
    pdf = read_pdf((DATA / (STEM + ".scan.pdf")).read_bytes())
    assert pdf.image_only and pdf.pages == 5
    assert not read_pdf((DATA / (STEM + ".pdf")).read_bytes()).image_only


def test_scan_without_ocr_is_skipped_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_mod, "available", lambda: False)
    with pytest.raises(ReadError, match=r"image-only PDF .*OCR not installed"):
        source_from_bytes((DATA / (STEM + ".scan.pdf")).read_bytes(), ".pdf")


def mixed_pdf(scanned: list[int]) -> bytes:
    """The fixture PDF with the pages ``scanned`` (0-based) taken from its scan: typed and scanned in part."""
    text, scan = (DATA / (STEM + ".pdf")).read_bytes(), (DATA / (STEM + ".scan.pdf")).read_bytes()
    return office.spliced_pdf(text, scan, scanned)


def test_scanned_pages_inside_a_typed_pdf_are_found_and_left_out_of_its_text() -> None:
    whole = read_pdf((DATA / (STEM + ".pdf")).read_bytes())
    part = read_pdf(mixed_pdf([3, 4]))
    assert part.image_pages == (3, 4) and not part.image_only and part.pages == 5
    assert whole.image_pages == ()
    assert part.text.strip() and whole.text.startswith(part.text.rstrip("\n").rsplit("\n", 1)[0])
    assert "（一）维持行政行为" not in part.text.split("四、行政复议")[-1]  # part four stood on page 4-5
    filled = part.filled({3: ["第四页"], 4: ["第五页"]})
    assert filled.index("第四页") < filled.index("第五页") and filled.startswith(part.text.rstrip("\n"))


def test_scanned_pages_without_ocr_are_named_and_the_report_is_not_verified(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_mod, "available", lambda: False)
    source = source_from_bytes(mixed_pdf([3, 4]), ".pdf")
    assert source.format == "pdf-part"
    assert source.problems == ("image pages not read: page 4, 5 of 5 (scanned, no text layer; "
                               "OCR not installed (pip install nianbao[ocr]))",)
    facts = extract_facts(source.text, "mixed.pdf", source.problems)
    assert facts["status"] != "verified"
    assert source.problems[0] in facts["problems"] and source.problems[0] in facts["notes"]


def test_a_scanned_middle_page_is_read_in_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_mod, "available", lambda: True)
    monkeypatch.setattr(ocr_mod, "ocr_pages", lambda data, pages: {n: [f"OCR 第{n + 1}页"] for n in pages})
    source = source_from_bytes(mixed_pdf([1]), ".pdf")
    assert source.format == "pdf-ocr"
    assert source.problems == ("read by OCR: page 2 of 5 (scanned, no text layer)",)
    whole = read_pdf((DATA / (STEM + ".pdf")).read_bytes()).text
    first_page_end = source.text.index("OCR 第2页")
    assert whole.startswith(source.text[:first_page_end].rstrip("\n"))  # page 1, then page 2's OCR, then 3-5
    rest = read_pdf(mixed_pdf([0, 1])).text  # pages 3-5 as the text layer gives them
    assert source.text.endswith(rest)


@pytest.mark.slow
@pytest.mark.skipif(not ocr_mod.available(), reason="OCR extra (rapidocr) not installed")
def test_scanned_pages_are_read_by_ocr_and_their_numbers_trusted_only_as_the_identities_say() -> None:
    source = source_from_bytes(mixed_pdf([3, 4]), ".pdf")
    assert source.format == "pdf-ocr"
    facts = extract_facts(source.text, "mixed.pdf", source.problems)
    want, got = text_facts(12), flat_fields(facts)
    numbers = [k for k in want if k.startswith(("applications", "reconsideration", "litigation"))]
    if facts["status"] == "verified":
        assert {k: got[k] for k in numbers} == {k: want[k] for k in numbers}
    else:
        assert facts["status"] in ("inconsistent", "partial") and facts["problems"]


@pytest.mark.slow
@pytest.mark.skipif(not ocr_mod.available(), reason="OCR extra (rapidocr) not installed")
def test_scan_is_read_by_ocr_and_the_identities_decide_whether_its_numbers_are_trusted() -> None:
    source = source_from_bytes((DATA / (STEM + ".scan.pdf")).read_bytes(), ".pdf")
    assert source.format == "pdf-ocr"
    facts = extract_facts(source.text, "scan.pdf")
    want, got = text_facts(12), flat_fields(facts)
    assert got["year"] == want["year"]
    assert any(line.count("\t") >= 6 for line in source.text.splitlines())  # table rows as cells
    numbers = [k for k in want if k.startswith(("applications", "reconsideration", "litigation"))]
    if facts["status"] == "verified":
        assert {k: got[k] for k in numbers} == {k: want[k] for k in numbers}
    else:  # a misread digit (this black-and-white 150 dpi scan has some) fails an identity
        assert facts["status"] in ("inconsistent", "partial") and facts["problems"]


def test_signature_decides_over_the_suffix() -> None:
    pdf = (DATA / (STEM + ".pdf")).read_bytes()
    docx = (DATA / (STEM + ".docx")).read_bytes()
    assert sniff(pdf) == "pdf" and sniff(docx) == "docx" and sniff(b"plain text") is None
    assert source_from_bytes(pdf, ".doc").format == "pdf"
    assert source_from_bytes(docx, ".pdf").format == "docx"
    page = "<html><body><p>一、总体情况</p></body></html>".encode()
    assert source_from_bytes(page, ".pdf").format == "html"


def test_a_file_that_is_not_what_its_suffix_says_is_skipped() -> None:
    with pytest.raises(ReadError, match="not a PDF file"):
        source_from_bytes("一、总体情况".encode(), ".pdf")
    with pytest.raises(ReadError, match="cannot read PDF"):
        source_from_bytes(b"%PDF-1.7\n garbage", ".pdf")
    with pytest.raises(ReadError, match="not a Word document"):
        source_from_bytes(_zip({"word/other.xml": b"<x/>"}), ".docx")


def test_scan_finds_every_format(tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "c.html", "d.pdf", "e.docx", "f.doc", "g.xls"):
        (tmp_path / name).write_bytes(b"x")
    assert [e.rel for e in scan(tmp_path)] == ["a.txt", "b.md", "c.html", "d.pdf", "e.docx", "f.doc"]


def test_read_source_records_the_format(tmp_path: Path) -> None:
    for name in ("r.txt", "r.md", "r.html"):
        (tmp_path / name).write_text("<p>一、总体情况</p>\n", encoding="utf-8")
    assert [read_source(tmp_path / n).format for n in ("r.txt", "r.md", "r.html")] == ["txt", "md", "html"]
    assert set(FORMATS) == {"txt", "md", "html", "pdf", "pdf-ocr", "pdf-part", "docx", "doc"}


# ------------------------------------------------------------------ DOCX tables

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _docx(body: str) -> bytes:
    xml = f'<w:document {W}><w:body>{body}</w:body></w:document>'
    return _zip({"word/document.xml": xml.encode("utf-8")})


def _tc(text: str, pr: str = "") -> str:
    return f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_docx_spans_become_empty_cells_as_in_html_tables() -> None:
    span, restart, cont = '<w:gridSpan w:val="3"/>', '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    body = ("<w:p><w:r><w:t>标题</w:t></w:r></w:p><w:tbl>"
            f"<w:tr>{_tc('申请人情况', span)}</w:tr>"
            f"<w:tr>{_tc('三、本年度办理结果', restart)}{_tc('予以公开')}{_tc('5')}</w:tr>"
            f"<w:tr>{_tc('', cont)}{_tc('部分公开')}{_tc('1')}</w:tr>"
            "</w:tbl><w:p><w:r><w:t>结</w:t></w:r><w:r><w:t>尾</w:t></w:r></w:p>")
    assert read_docx(_docx(body)).splitlines() == [
        "标题", "", "申请人情况\t\t", "三、本年度办理结果\t予以公开\t5", "\t部分公开\t1", "", "结尾"]


def test_docx_cell_paragraphs_join_without_spaces() -> None:
    cell = ("<w:tc><w:p><w:r><w:t>（二）部分公开</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>（区分处理的）</w:t></w:r></w:p></w:tc>")
    assert read_docx(_docx(f"<w:tbl><w:tr>{cell}{_tc('3')}</w:tr></w:tbl>")).strip() == \
        "（二）部分公开（区分处理的）\t3"


# ------------------------------------------------------------------ PDF pieces


def test_row_cut_by_a_page_break_is_joined_again() -> None:
    head = [["（本列数据）", None, "申请人情况"]]
    prev = [*head, ["（四）无法提供", "2．没有现成", "0"]]
    rows = [*head, ["", "信息需要另行制作", ""], ["", "3．补正后申请内容仍不明确", "1"]]
    rest = _continue_split_row(prev, rows)
    assert prev[-1] == ["（四）无法提供", "2．没有现成信息需要另行制作", "0"]
    assert rest == [*head, ["", "3．补正后申请内容仍不明确", "1"]]


def test_section_heading_at_the_top_of_a_page_stays_a_row() -> None:
    prev = [["信息内容", "上一年项目数量", "本年增/减"], ["行政许可", "0", "+1"]]
    rows = [["第二十条第（六）项", None, None], ["行政处罚", "6", "0"]]
    assert _continue_split_row(prev, rows) == rows
    assert prev[-1] == ["行政许可", "0", "+1"]


def test_spaces_next_to_chinese_dropped_latin_kept() -> None:
    assert despace("本 报 告 电 子 版 （ http://a.gov.cn/x y ） 查阅 16 篇") == \
        "本报告电子版（http://a.gov.cn/x y）查阅16篇"
    assert join_wrapped("http://www.a.gov", "cn") == "http://www.a.gov cn"
    assert join_wrapped("不予公", "开") == "不予公开"


def test_ocr_boxes_become_lines_with_tab_separated_cells() -> None:
    boxes = [(10, 100, 200, 120, "规章"), (300, 102, 320, 118, "0"), (400, 99, 420, 121, "12"),
             (10, 10, 500, 30, "坚持政策性文件与解读材料同步起草"), (10, 40, 200, 60, "同步发布。"),
             (10, 130, 150, 150, "规范性文件"), (300, 131, 320, 149, "3")]
    assert ocr_mod.page_text(boxes) == [
        "坚持政策性文件与解读材料同步起草同步发布。", "规章\t0\t12", "规范性文件\t3"]


# ------------------------------------------------------------------ column-order text


def test_column_order_text_never_gives_verified_wrong_numbers() -> None:
    for i in range(8):
        d = draw_report(i, 1, ("tabs",))
        facts = extract_facts(office.column_order_text(d.blocks), "x.txt")
        if facts["status"] == "verified":
            assert flat_fields(facts) == flat_fields(d.gold), i


def test_column_order_text_holds_each_column_in_turn() -> None:
    d = draw_report(12, 1, ("tabs",))
    lines = office.column_order_text(d.blocks).splitlines()
    i = lines.index("一、本年新收政府信息公开申请数量")
    assert lines[i + 1] == "二、上年结转政府信息公开申请数量"  # labels follow labels, not numbers


# ------------------------------------------------------------------ rendered in the test (slow)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice not installed")
def test_generated_reports_read_the_same_from_docx_and_pdf() -> None:
    layouts = ("tabs", "prose_pre2019")
    ids = range(20, 26)
    docx = {f"{i:06d}.docx": office.render_docx(draw_report(i, 1, layouts).blocks) for i in ids}
    pdfs = office.soffice_convert_many(docx, "pdf")
    for i in ids:
        want = text_facts(i, 1, layouts)
        assert facts_of("r.docx", docx[f"{i:06d}.docx"]) == ("docx", want), i
        assert facts_of("r.pdf", pdfs[f"{i:06d}.docx"]) == ("pdf", want), i
