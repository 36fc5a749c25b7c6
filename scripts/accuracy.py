#!/usr/bin/env python3
"""Per-field extraction accuracy on a generated corpus (scripts/make_corpus.py) or a folder with gold.json.

    python scripts/accuracy.py --reports 1000 --seed 1 [--layouts tabs,pdf] [--failures 10] [--json]
    python scripts/accuracy.py --corpus DIR     # DIR/gold.json + the files it names
    python scripts/accuracy.py --formats docx,pdf[,doc,scan,mixed,pdftotext] --reports 20  # office files

Prints the share of reports whose every gold field is exact, each field's accuracy (numbers per
sub-field), exactness per layout, the quality statuses, and the first failures. With ``--formats``,
each generated report (layouts tabs and prose_pre2019) is also written as .docx (scripts/corpusgen/
office.py), exported to PDF (and .doc) by LibreOffice, and scanned to an image-only PDF (``scan``:
read by OCR when installed) or scanned in part (``mixed``: the last two pages, where the tables
stand, as images), or saved as text by poppler's ``pdftotext -layout`` (``pdftotext``: every other
report's zero cells left blank in the Word file, so only spaces stand where they are); "layout" is
then the format, and every format's facts are compared with those of the same report's text
rendering.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from indexer.extract.read import ReadError, source_from_bytes  # noqa: E402
from indexer.extract.report import GOLD_KEYS, extract_facts  # noqa: E402

COMPARED = [k for k in GOLD_KEYS if k not in ("file", "notes")]
# The gold keys that are numbers read from the tables (or the prose): what `verified` vouches for.
NUMBER_KEYS = ("applications", "reconsideration", "litigation_direct", "litigation_after_reconsideration",
               "litigation_total")


def flat_fields(facts: dict) -> dict[str, object]:
    """gold keys, with number groups split into sub-fields (applications.new …)."""
    out: dict[str, object] = {}
    for key in COMPARED:
        value = facts.get(key)
        if isinstance(value, dict):
            for sub, v in value.items():
                out[f"{key}.{sub}"] = v
        else:
            out[key] = value
    return out


def cells_wrong(gold: dict, facts: dict) -> dict[str, dict]:
    """Every cell of parts three and four the generator's truth holds (``gold["truth"]``: all seven
    applicant columns of every row, all fifteen numbers of part four) against what was read, by
    the template's row and column order; {} when the truth has no tables or nothing differs. A
    verified report must have every one right, not only the totals the gold fields name."""
    truth = gold.get("truth") or {}
    tables = facts.get("tables") or {}
    wrong: dict[str, dict] = {}
    rows, read = truth.get("part3"), tables.get("applications") or {}
    if rows:
        columns = tables.get("columns") or []
        if len(read) != len(rows):
            return {"part3": {"got": f"{len(read)} rows", "gold": f"{len(rows)} rows"}}
        for cells, (key, got_row) in zip(rows.values(), read.items(), strict=True):
            for i, want in enumerate(cells):
                got = got_row.get(columns[i]) if i < len(columns) else None
                if got != want:
                    wrong[f"part3.{key}.{columns[i] if i < len(columns) else i}"] = {"got": got, "gold": want}
    four, read4 = truth.get("part4"), tables.get("part_four") or {}
    for group, cells in (four or {}).items():
        for key, want in cells.items():
            got = (read4.get(group) or {}).get(key)
            if got != want:
                wrong[f"part4.{group}.{key}"] = {"got": got, "gold": want}
    return wrong


def evaluate(items) -> dict:
    """items: iterable of (file name, bytes, gold dict). Returns the accuracy report as a dict."""
    field_ok: Counter[str] = Counter()
    field_n: Counter[str] = Counter()
    layout_ok: Counter[str] = Counter()
    layout_n: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    failures: list[dict] = []
    verified_n: Counter[str] = Counter()
    verified_ok: Counter[str] = Counter()
    wrong_verified: list[dict] = []
    problem_kinds: Counter[str] = Counter()
    exact = total = cells_checked = 0
    for name, data, gold in items:
        total += 1
        layout = gold.get("layout", "?")
        layout_n[layout] += 1
        try:
            source = source_from_bytes(data, Path(name).suffix)
            facts = extract_facts(source.text, name, source.problems)
        except ReadError as err:
            facts = {"status": f"unreadable: {err}"}
        statuses[str(facts.get("status"))] += 1
        want, got = flat_fields(gold), flat_fields(facts)
        wrong = {}
        for key, value in want.items():
            field_n[key] += 1
            if got.get(key) == value:
                field_ok[key] += 1
            else:
                wrong[key] = {"got": got.get(key), "gold": value}
        for p in facts.get("problems") or []:
            if p.startswith(("prose and table disagree", "place_corrected", "prose:")):
                problem_kinds[p.split(":")[0]] += 1
        if facts.get("status") == "verified":
            verified_n[layout] += 1
            bad = {k: v for k, v in wrong.items() if k.split(".")[0] in NUMBER_KEYS}
            cells = cells_wrong(gold, facts)
            cells_checked += bool(gold.get("truth", {}) and gold["truth"].get("part3"))
            bad.update(cells)
            if bad:
                wrong_verified.append({"file": name, "layout": layout, "wrong": bad})
            else:
                verified_ok[layout] += 1
        if wrong:
            failures.append({"file": name, "layout": layout, "status": facts.get("status"),
                             "problems": facts.get("problems"), "wrong": wrong})
        else:
            exact += 1
            layout_ok[layout] += 1
    by_layout = {k: {"reports": layout_n[k], "exact": layout_ok[k]} for k in sorted(layout_n)}
    return {
        "reports": total,
        "exact_reports": exact,
        "exact_share": exact / total if total else 0.0,
        "fields": {k: {"accuracy": field_ok[k] / field_n[k], "wrong": field_n[k] - field_ok[k]}
                   for k in field_n},
        "by_layout": by_layout,
        "statuses": dict(statuses),
        "verified": {"reports": sum(verified_n.values()), "right": sum(verified_ok.values()),
                     "precision": (sum(verified_ok.values()) / sum(verified_n.values()))
                     if verified_n else None,
                     "by_layout": {k: {"reports": verified_n[k], "right": verified_ok[k]}
                                   for k in sorted(verified_n)},
                     "wrong": wrong_verified,
                     # verified reports whose every cell of parts three and four was checked
                     "every_cell_checked": cells_checked},
        "flagged": dict(problem_kinds),
        "failures": failures,
    }


def generated_items(n: int, seed: int, layouts: list[str] | None):
    from make_corpus import iter_reports

    return iter_reports(n, seed, layouts)


FORMAT_LAYOUTS = ("tabs", "prose_pre2019")
FORMATS = ("docx", "pdf", "doc", "scan", "mixed", "pdftotext")


def format_items(n: int, seed: int, formats: list[str]) -> list[tuple[str, bytes, dict]]:
    """Report i's text rendering (layout tabs or prose_pre2019) and its office renderings, gold
    ``layout`` set to the format (``text`` for the text rendering)."""
    from corpusgen import office
    from corpusgen.corpus import draw_report, render_layout

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise SystemExit(f"unknown formats {unknown}; choose from {', '.join(FORMATS)}")
    items: list[tuple[str, bytes, dict]] = []
    docx: dict[str, bytes] = {}
    golds: dict[str, dict] = {}
    blocks: dict[str, list] = {}
    for i in range(n):
        d = draw_report(i, seed, FORMAT_LAYOUTS)
        stem = f"{i:06d}_{d.layout}"
        docx[f"{stem}.docx"] = office.render_docx(d.blocks)
        blocks[stem] = d.blocks
        text, ext = render_layout(d.blocks, d.layout, d.ctx, d.rng, d.encoding)
        golds[stem] = d.gold
        items.append((f"{stem}.{ext}", text.encode(d.encoding), {**d.gold, "layout": "text"}))
    pdf = office.soffice_convert_many(docx, "pdf") if {"pdf", "scan", "mixed", "pdftotext"} & set(formats) \
        else {}
    # pdftotext: poppler's -layout text of the PDF, every other report's zero cells left blank (those
    # are written and exported again; the others' PDF is the one above)
    laid_out: dict[str, str] = {}
    if "pdftotext" in formats:
        blank = {name: office.render_docx(blocks[name[:-5]], blank_zeros=True) for name in docx
                 if int(name[:6]) % 2 == 1}
        exported = {**pdf, **(office.soffice_convert_many(blank, "pdf") if blank else {})}
        laid_out = {name: office.pdftotext_layout(exported[name]) for name in docx}
    doc = office.soffice_convert_many(docx, "doc:MS Word 97") if "doc" in formats else {}
    for name, data in docx.items():
        stem = name[:-5]
        if "docx" in formats:
            items.append((name, data, {**golds[stem], "layout": "docx"}))
        if "pdf" in formats:
            items.append((f"{stem}.pdf", pdf[name], {**golds[stem], "layout": "pdf"}))
        if "doc" in formats:
            items.append((f"{stem}.doc", doc[name], {**golds[stem], "layout": "doc"}))
        if "scan" in formats:
            items.append((f"{stem}.scan.pdf", office.scanned_pdf(pdf[name], seed=int(stem[:6])),
                          {**golds[stem], "layout": "scan"}))
        if "pdftotext" in formats:
            items.append((f"{stem}.pdftotext.txt", laid_out[name].encode("utf-8"),
                          {**golds[stem], "layout": "pdftotext"}))
        if "mixed" in formats:
            items.append((f"{stem}.mixed.pdf", office.mixed_pdf(pdf[name], seed=int(stem[:6])),
                          {**golds[stem], "layout": "mixed"}))
    return items


def same_as_text(items: list[tuple[str, bytes, dict]]) -> dict[str, dict]:
    """Per format: how many reports' extracted facts equal those of their text rendering, and which
    fields differ where they do not."""
    facts: dict[tuple[str, str], dict] = {}
    for name, data, gold in items:
        try:
            source = source_from_bytes(data, Path(name).suffix)
            got = flat_fields(extract_facts(source.text, name, source.problems))
            got["format"] = source.format
        except ReadError as err:
            got = {"status": f"unreadable: {err}"}
        facts[(name[:6], gold["layout"])] = got
    out: dict[str, dict] = {}
    for (i, layout), got in sorted(facts.items()):
        if layout == "text":
            continue
        ref = facts[(i, "text")]
        rec = out.setdefault(layout, {"reports": 0, "same": 0, "formats": Counter(), "differ": []})
        rec["reports"] += 1
        rec["formats"][str(got.pop("format", None))] += 1
        diff = {k: {"got": got.get(k), "text": v}
                for k, v in ref.items() if k != "format" and got.get(k) != v}
        if diff:
            rec["differ"].append({"report": i, "fields": diff})
        else:
            rec["same"] += 1
    return out


def folder_items(corpus: Path):
    gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    for g in gold:
        yield g["file"], (corpus / g["file"]).read_bytes(), g


def print_report(rep: dict, failures: int) -> None:
    print(f"{rep['exact_reports']}/{rep['reports']} reports with every gold field exact "
          f"({rep['exact_share']:.2%})")
    print("\nper field:")
    groups: dict[str, list[float]] = defaultdict(list)
    for key, v in sorted(rep["fields"].items()):
        groups[key.split(".")[0]].append(v["accuracy"])
        print(f"  {key:<45} {v['accuracy']:.2%}  ({v['wrong']} wrong)")
    print("\nper layout:")
    for layout, v in rep["by_layout"].items():
        print(f"  {layout:<18} {v['exact']}/{v['reports']}")
    print("\nstatuses:", ", ".join(f"{k} {v}" for k, v in sorted(rep["statuses"].items())))
    v = rep["verified"]
    if v["precision"] is None:
        print("\nverified precision: no report verified")
    else:
        print(f"\nverified precision: {v['right']}/{v['reports']} ({v['precision']:.2%}) of the reports "
              "marked verified have every extracted gold number right, and of those with the "
              f"generator's tables ({v['every_cell_checked']}) every cell of parts three and four")
        for layout, c in v["by_layout"].items():
            print(f"  {layout:<18} {c['right']}/{c['reports']}")
        for w in v["wrong"][:failures]:
            print(f"  WRONG BUT VERIFIED {w['file']} [{w['layout']}]: {w['wrong']}")
    if rep["flagged"]:
        print("flagged problems:", ", ".join(f"{k} {n}" for k, n in sorted(rep["flagged"].items())))
    for f in rep["failures"][:failures]:
        print(f"\nFAIL {f['file']} [{f['layout']}] status={f['status']} problems={f['problems']}")
        for key, v in f["wrong"].items():
            print(f"   {key}: got {v['got']!r}, gold {v['gold']!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--layouts", default=None, help="comma-separated layouts (generated corpus)")
    ap.add_argument("--corpus", type=Path, default=None, help="a folder with gold.json instead")
    ap.add_argument("--failures", type=int, default=10, help="how many failures to print")
    ap.add_argument("--json", type=Path, default=None, help="write the report as JSON here")
    ap.add_argument("--formats", default=None,
                    help=f"comma-separated office renderings to measure ({','.join(FORMATS)})")
    args = ap.parse_args(argv)
    same = None
    if args.formats:
        items = format_items(args.reports, args.seed, args.formats.split(","))
        same = same_as_text(items)
    elif args.corpus:
        if not (args.corpus / "gold.json").is_file():
            raise SystemExit(f"{args.corpus}/gold.json not found: --corpus takes a folder with the gold "
                             "file and the reports it names (the samples' gold: tests/data/gold.json)")
        items = folder_items(args.corpus)
    else:
        items = generated_items(args.reports, args.seed, args.layouts.split(",") if args.layouts else None)
    rep = evaluate(items)
    print_report(rep, args.failures)
    if same is not None:
        rep["same_as_text"] = same
        print("\nfacts equal to the text rendering's:")
        for layout, v in same.items():
            read_as = ", ".join(f"{k} {n}" for k, n in sorted(v["formats"].items()))
            print(f"  {layout:<8} {v['same']}/{v['reports']}  (read as: {read_as})")
            for d in v["differ"][:args.failures]:
                print(f"     report {d['report']}: " + "; ".join(
                    f"{k}: got {x['got']!r}, text {x['text']!r}" for k, x in d["fields"].items()))
    if args.json:
        args.json.write_text(json.dumps(rep, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if rep["exact_reports"] == rep["reports"] else 1


if __name__ == "__main__":
    sys.exit(main())
