#!/usr/bin/env python3
"""Per-field extraction accuracy on a generated corpus (scripts/make_corpus.py) or a folder with gold.json.

    python scripts/accuracy.py --reports 1000 --seed 1 [--layouts tabs,pdf] [--failures 10] [--json]
    python scripts/accuracy.py --corpus DIR     # DIR/gold.json + the files it names

Prints the share of reports whose every gold field is exact, each field's accuracy (numbers per
sub-field), exactness per layout, the quality statuses, and the first failures.
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
    exact = total = 0
    for name, data, gold in items:
        total += 1
        layout = gold.get("layout", "?")
        layout_n[layout] += 1
        try:
            source = source_from_bytes(data, Path(name).suffix)
            facts = extract_facts(source.text, name)
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
                     "wrong": wrong_verified},
        "flagged": dict(problem_kinds),
        "failures": failures,
    }


def generated_items(n: int, seed: int, layouts: list[str] | None):
    from make_corpus import iter_reports

    return iter_reports(n, seed, layouts)


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
              "marked verified have every extracted gold number right")
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
    args = ap.parse_args(argv)
    if args.corpus:
        items = folder_items(args.corpus)
    else:
        items = generated_items(args.reports, args.seed, args.layouts.split(",") if args.layouts else None)
    rep = evaluate(items)
    print_report(rep, args.failures)
    if args.json:
        args.json.write_text(json.dumps(rep, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if rep["exact_reports"] == rep["reports"] else 1


if __name__ == "__main__":
    sys.exit(main())
