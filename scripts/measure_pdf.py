#!/usr/bin/env python3
"""Which PDF text extractor: measured on generated reports exported to PDF by LibreOffice.

    python scripts/measure_pdf.py --reports 10 --seed 1

For each candidate: seconds per page; the share of prose paragraphs found intact (Chinese text
correct: the paragraph's characters in order, whitespace ignored); the share of table rows read in
order with their cells separable (a line whose cells, split on tabs, are the row's non-empty cells);
and the share of reports whose every gold field the extractor then gets right. Candidates:
``pdfplumber`` (our reader, indexer/extract/formats/pdf.py), ``pypdfium2`` (its text page, rows as
one line with cells split by single spaces), ``pdftotext -layout`` (poppler; runs of 2+ spaces taken
as cell boundaries).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from accuracy import flat_fields  # noqa: E402
from corpusgen import office  # noqa: E402
from corpusgen.corpus import draw_report  # noqa: E402
from corpusgen.tablemodel import grid  # noqa: E402

from indexer.extract.report import extract_facts  # noqa: E402


def with_pdfplumber(data: bytes) -> str:
    from indexer.extract.formats.pdf import read_pdf

    return read_pdf(data).text


def with_pypdfium2(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        pages.append(tp.get_text_range().replace("\r\n", "\n"))
        tp.close()
        page.close()
    pdf.close()
    return "\n".join(pages)


def with_pdftotext(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", f.name, "-"], capture_output=True,
                             check=True).stdout.decode("utf-8")
    return "\n".join(re.sub(r" {2,}", "\t", ln.strip()) for ln in out.splitlines())


CANDIDATES: dict[str, tuple[Callable[[bytes], str], str]] = {
    "pdfplumber": (with_pdfplumber, "\t"),
    "pypdfium2": (with_pypdfium2, " "),
    "pdftotext -layout": (with_pdftotext, "\t"),
}


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    drawn = [draw_report(i, args.seed, ("tabs",)) for i in range(args.reports)]
    docx = {f"{i:06d}.docx": office.render_docx(d.blocks) for i, d in enumerate(drawn)}
    pdfs = office.soffice_convert_many(docx, "pdf")
    import pypdfium2 as pdfium

    pages = sum(len(pdfium.PdfDocument(b)) for b in pdfs.values())
    print(f"{args.reports} reports, {pages} pages\n")
    print(f"| {'library':<18} | s/page | prose intact | table rows in order, cells separable | "
          "reports all gold fields exact |")
    print("|---|---|---|---|---|")
    for name, (fn, sep) in CANDIDATES.items():
        t0 = time.perf_counter()
        texts = [fn(pdfs[f"{i:06d}.docx"]) for i in range(args.reports)]
        secs = (time.perf_counter() - t0) / pages
        para_ok = para_n = row_ok = row_n = exact = 0
        for d, text in zip(drawn, texts, strict=True):
            flat = _squash(text)
            lines = [[_squash(c) for c in ln.split(sep) if c.strip()] for ln in text.splitlines()]
            for block in d.blocks:
                if block[0] == "p":
                    para_n += 1
                    para_ok += _squash(block[1]) in flat
                elif block[0] == "table":
                    for row in grid(block[1]):
                        cells = [_squash(t) for t, _ in row if t]
                        row_n += 1
                        row_ok += cells in lines
            want = flat_fields(d.gold)
            got = flat_fields(extract_facts(text, "x"))
            exact += all(got.get(k) == v for k, v in want.items())
        print(f"| {name:<18} | {secs:.3f} | {para_ok / para_n:.1%} | {row_ok / row_n:.1%} | "
              f"{exact}/{args.reports} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
