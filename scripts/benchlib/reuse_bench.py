"""Reuse detector bench: accuracy on planted copies and the time figures.

    python scripts/bench.py --reuse --reports N [--seed 1]   (or: python scripts/benchlib/reuse_bench.py)

Generates N reports with planted copies (``make_corpus --copies``), reads them as the build does
(decode, HTML to text, ``search_string``), then measures: the full computation (``ReuseIndex.build``),
save/load, one incremental add (the mean of several, each of a report not in the index yet) and one
remove; and against the planted truth: precision and recall of the detected pairs, the error of each
reported share against the planted one, and how many reports without a planted copy say ``none``.
Nothing is asserted here (the tests do); the figures are printed and returned.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import numpy as np  # noqa: E402

from indexer.engine.reuse import INDEX_FILE, ReportInput, ReuseIndex, Settings, places_of  # noqa: E402
from indexer.engine.reuse.units import KEY_CHARS, Sequence, units  # noqa: E402
from indexer.extract.normalise import nfkc_string, search_string  # noqa: E402
from indexer.extract.read import source_from_bytes  # noqa: E402

BUILD_S_AT_10K = 117.3  # README (Performance): the last full build of 10,000 reports measured (2026-12-08)
COPY_RATE = 0.25


def body_key(gold: dict) -> str:
    """The body as the tests know it until facts carry ``body_id``: province/county/town, or for a
    county body the part of its name after the county (人民政府, 教育局…)."""
    county = gold.get("county") or ""
    if gold.get("town"):
        return f"{gold.get('province')}/{county}/{gold['town']}"
    body = gold.get("body") or ""
    rest = body[body.find(county) + len(county):] if county and county in body else body
    return f"{gold.get('province')}/{county}/{rest}"


def report_input(name: str, data: bytes, gold: dict) -> ReportInput:
    text = search_string(source_from_bytes(data, "." + name.rsplit(".", 1)[-1]).text)
    return ReportInput(name, body_key(gold), gold.get("year"), text, places_of(gold))


def corpus(n: int, seed: int, rate: float = COPY_RATE) -> tuple[list[ReportInput], dict[str, dict]]:
    from make_corpus import iter_reports

    inputs, golds = [], {}
    for name, data, gold in iter_reports(n, seed, copies=rate):
        inputs.append(report_input(name, data, gold))
        golds[name] = gold
    return inputs, golds


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text NFKC-folded without whitespace, and each kept character's offset in the text."""
    folded = nfkc_string(text)
    if len(folded) != len(text):  # an expanding fold (rare in reports): fold character by character
        pairs = [(c, i) for i, ch in enumerate(text) for c in nfkc_string(ch)]
    else:
        pairs = list(zip(folded, range(len(text)), strict=True))
    kept = [(c, i) for c, i in pairs if not c.isspace()]
    return "".join(c for c, _ in kept), [i for _, i in kept]


def planted_mask(index: ReuseIndex, r: ReportInput, passages: list[str]) -> np.ndarray:
    """Which of the report's own sentences (``index.sequence``, in order) the generator copied: each copied
    sentence (of the paragraphs the generator took from the source) is found in the copy's text as
    written; the copy's own sentences lying mostly in such places are the planted ones. A sentence is
    judged by its end, the part its key stands for (``units.KEY_CHARS``): a heading or a page header
    that a layout runs into its front is not part of the copied paragraph (the provenance lists
    paragraphs only) and not part of what is compared."""
    squeezed, where = _squeezed(r.text)
    copied = np.zeros(len(r.text) + 1, dtype=bool)
    for p in passages:
        for sentence in re.split(r"(?<=[。；])", nfkc_string(p)):
            needle = re.sub(r"\s+", "", sentence)
            at = squeezed.find(needle) if len(needle) >= 4 else -1
            if at >= 0:
                copied[where[at]:where[at + len(needle) - 1] + 1] = True
    template = set(index.boilerplate.template.tolist())  # the sequence leaves out those sentences
    return np.array([copied[max(u.start, u.end - min(KEY_CHARS, u.weight)):u.end].mean() >= 0.5
                     for u in units(r.text, r.places, index.boilerplate.headings, index.known)
                     if u.key not in template],
                    dtype=bool)


def extended(copy: np.ndarray, source: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The copied sentences of ``mask`` and, next to them, the sentences that stand the same in both
    reports (each step: a sentence beside a marked one, equal to the source's sentence beside that
    one's place there, on the same side). The generator writes a copy's uncopied parts afresh from
    the same phrase banks, so a copied paragraph is often followed by the very sentence that follows
    it in the source ("本年度未收到…申请"): text that also stands there, which the provenance alone
    does not count."""
    a, b = copy.tolist(), source.tolist()
    where: dict[int, list[int]] = {}
    for i, k in enumerate(b):
        where.setdefault(k, []).append(i)
    out = mask.copy()
    grew = True
    while grew:
        grew = False
        for j in range(len(a)):
            if out[j]:
                continue
            for step in (-1, 1):
                nb = j + step
                if 0 <= nb < len(a) and out[nb] and any(0 <= i - step < len(b) and b[i - step] == a[j]
                                                        for i in where.get(a[nb], ())):
                    out[j] = grew = True
                    break
    return out


def overlap(copy: Sequence, source: Sequence, mask: np.ndarray) -> np.ndarray:
    """The sentences of ``mask`` and every sentence that stands in both reports: in a run of two or
    more that stands there in the same order (stock wording or not), or alone where its whole masked
    text is rare (``Sequence.lone_in``). What a diff of the two texts shows in both, however it got
    there: a copy's uncopied parts are written afresh from the generator's phrase banks, so some of
    their runs ("二是…；三是…") stand in the source by chance, and a body's web address stands in
    each of its years. The detector counts those too: they are text that also appears there."""
    a, b = copy.keys.tolist(), source.keys.tolist()
    pairs = set(itertools.pairwise(b))
    out = mask | copy.lone_in(source.lone_wholes)
    for j in range(len(a) - 1):
        if (a[j], a[j + 1]) in pairs:
            out[j] = out[j + 1] = True
    return out


def planted_share(index: ReuseIndex, r: ReportInput, passages: list[str], source: str | None = None
                  ) -> tuple[float, int]:
    """The exact share from the generator's provenance (``planted_mask``) and its characters; with
    ``source`` (the copied report's id), of the provenance ``extended`` by the same sentences beside it."""
    seq = index.sequence(r.id)
    mask = planted_mask(index, r, passages)
    if source is not None:
        mask = extended(seq.keys, index.sequence(source).keys, mask)
    return _share_of(seq, mask)


def _share_of(seq: Sequence, mask: np.ndarray) -> tuple[float, int]:
    """The share of the sequence's own text the mask marks, and its characters."""
    hit = int(seq.weights[mask].sum())
    return (hit / seq.total if seq.total else 0.0), hit


def _within(errors: list[float]) -> float:
    return round(sum(e <= 0.05 for e in errors) / len(errors), 3)


PARTS = {(0, 1, 2, 3, 4, 5, 6): "full", (1,): "part1", (0, 1): "intro+part1", (1, 5): "part1+part5",
         (0, 5): "intro+part5"}


def evaluate(index: ReuseIndex, inputs: list[ReportInput], golds: dict[str, dict]) -> dict:
    """Detected pairs (a report and its ``reuse_from``, unordered) against the planted ones whose exact
    share (``planted_share``) reaches the rule's minimum (share ≥ min_share on at least min_chars);
    share errors of every planted copy against its planted share; the same per planted kind (which
    parts were copied, and same or other body)."""
    s = index.settings
    by_id = {r.id: r for r in inputs}
    planted, weak = set(), set()
    errors: list[float] = []
    errors_ext: list[float] = []
    errors_overlap: list[float] = []
    kinds_right = 0
    per: dict[str, dict] = {}
    for name, g in golds.items():
        if not g.get("reuse"):
            continue
        truth = g["reuse"]
        seq = index.sequence(name)
        mask = planted_mask(index, by_id[name], truth["passages"])  # the text searched once for both truths
        share, chars = _share_of(seq, mask)
        source = index.sequence(truth["from"])
        ext = extended(seq.keys, source.keys, mask)
        share_ext, _ = _share_of(seq, ext)
        share_overlap, _ = _share_of(seq, overlap(seq, source, ext))
        pair = frozenset((name, truth["from"]))
        strong = share >= s.min_share and chars >= s.min_chars
        (planted if strong else weak).add(pair)
        got = index.share(name, truth["from"])
        error = abs(got - share)
        errors.append(error)
        errors_ext.append(abs(got - share_ext))
        errors_overlap.append(abs(got - share_overlap))
        f = index.facts(name)
        right = f["reuse_kind"] == truth["kind"] and f["reuse_from"] == truth["from"]
        kinds_right += right
        k = per.setdefault(f"{PARTS.get(tuple(truth['parts']), truth['parts'])} {truth['kind']}",
                           {"copies": 0, "planted": 0, "found": 0, "errors": [], "errors_ext": [],
                            "errors_overlap": []})
        k["copies"] += 1
        k["planted"] += strong
        k["found"] += strong and f["reuse_from"] == truth["from"]
        k["errors"].append(error)
        k["errors_ext"].append(errors_ext[-1])
        k["errors_overlap"].append(errors_overlap[-1])
    involved = {x for pair in planted | weak for x in pair}
    detected = set()
    for name in golds:
        f = index.facts(name)
        if f["reuse_kind"] != "none":
            detected.add(frozenset((name, f["reuse_from"])))
    clean = [name for name in golds if name not in involved]
    clean_none = sum(index.facts(name)["reuse_kind"] == "none" for name in clean)
    judged = detected - weak  # a weak planted pair found anyway is neither right nor wrong
    hit = len(judged & planted)
    by_kind = {label: {"copies": k["copies"], "planted": k["planted"],
                       "recall": round(k["found"] / k["planted"], 3) if k["planted"] else None,
                       "share_error_mean": round(statistics.fmean(k["errors"]), 4),
                       "share_error_max": round(max(k["errors"]), 4),
                       "within_5pp": _within(k["errors"]), "within_5pp_extended": _within(k["errors_ext"]),
                       "within_5pp_overlap": _within(k["errors_overlap"])}
               for label, k in sorted(per.items())}
    return {
        "planted": len(planted), "planted_too_weak": len(weak), "detected": len(detected),
        "precision": hit / len(judged) if judged else 1.0,
        "recall": hit / len(planted) if planted else 1.0,
        "share_error_max": max(errors, default=0.0),
        "share_error_mean": statistics.fmean(errors) if errors else 0.0,
        "share_error_over_5pp": sum(e > 0.05 for e in errors),
        "share_within_5pp": sum(e <= 0.05 for e in errors) / len(errors) if errors else 1.0,
        # against the provenance extended by the sentences that stand the same beside it (``extended``)
        "share_error_mean_extended": statistics.fmean(errors_ext) if errors_ext else 0.0,
        "share_error_max_extended": max(errors_ext, default=0.0),
        "share_within_5pp_extended": sum(e <= 0.05 for e in errors_ext) / len(errors_ext) if errors else 1.0,
        # against the text standing in both reports (``overlap``)
        "share_error_mean_overlap": statistics.fmean(errors_overlap) if errors_overlap else 0.0,
        "share_error_max_overlap": max(errors_overlap, default=0.0),
        "share_within_5pp_overlap": (sum(e <= 0.05 for e in errors_overlap) / len(errors_overlap)
                                     if errors_overlap else 1.0),
        "copies_kind_and_source_right": kinds_right / len(errors) if errors else 1.0,
        "clean_reports": len(clean), "clean_none": clean_none, "by_kind": by_kind,
    }


def timings(inputs: list[ReportInput], settings: Settings | None = None, adds: int = 20) -> dict:
    """Full computation over all but ``adds`` reports, then each of those added one at a time."""
    base, extra = inputs[:-adds], inputs[-adds:]
    t0 = time.perf_counter()
    index = ReuseIndex.build(base, settings)
    full = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        index.save(tmp)
        save = time.perf_counter() - t0
        size = (Path(tmp) / INDEX_FILE).stat().st_size
        t0 = time.perf_counter()
        index = ReuseIndex.load(tmp)
        load = time.perf_counter() - t0
        # the loaded index writes its changes to the saved folder: add while it exists
        add_times, changed = [], []
        for r in extra:
            t0 = time.perf_counter()
            changed.append(len(index.add(r)))
            add_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        index.remove(extra[0].id)
        remove = time.perf_counter() - t0
        t0 = time.perf_counter()
        index.update(extra[0])
        update = time.perf_counter() - t0
    build_s = BUILD_S_AT_10K * len(inputs) / 10_000
    return {"reports": len(inputs), "full_s": full, "full_share_of_build": full / build_s,
            "save_s": save, "load_s": load, "index_bytes": size,
            "boilerplate_items": len(index.boilerplate),
            "add_mean_s": statistics.fmean(add_times), "add_max_s": max(add_times),
            "add_changed_mean": statistics.fmean(changed), "remove_s": remove, "update_s": update}


def run(n: int, seed: int = 1, rate: float = COPY_RATE) -> dict:
    t0 = time.perf_counter()
    inputs, golds = corpus(n, seed, rate)
    prep = time.perf_counter() - t0
    t = timings(inputs)
    t0 = time.process_time()
    index = ReuseIndex.build(inputs)
    t["full_cpu_s"] = time.process_time() - t0
    return {"generate_and_read_s": prep, **t, **evaluate(index, inputs, golds)}


def print_figures(fig: dict) -> None:
    for k, v in fig.items():
        if isinstance(v, dict):
            print(f"  {k}")
            for label, row in v.items():
                print(f"    {label:28} " + "  ".join(f"{c} {x}" for c, x in row.items()))
        else:
            print(f"  {k:32} {v:.4f}" if isinstance(v, float) else f"  {k:32} {v}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="reuse detector: accuracy on planted copies, time figures")
    p.add_argument("--reports", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--copies", type=float, default=COPY_RATE, help="share of reports planted as copies")
    args = p.parse_args(argv)
    print(f"reuse bench: {args.reports} reports, seed {args.seed}, copies {args.copies}")
    print_figures(run(args.reports, args.seed, args.copies))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
