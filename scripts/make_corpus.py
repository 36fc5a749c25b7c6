#!/usr/bin/env python3
"""Write a seeded synthetic corpus of government information-disclosure annual reports with gold.

    python scripts/make_corpus.py --reports N --seed S --out DIR [--layouts a,b,...] [--copies RATE]

writes ``DIR/{i:06d}_{layout}.{txt|html|md}`` and ``DIR/gold.json``: a list with the keys of
``corpus/gold.json`` plus ``layout``, ``edition`` (2019 | 2021 | null before 2019), ``encoding``
(utf-8 | utf-8-sig | gb18030) and ``truth`` (every table: part two, part three as row id → 7 columns,
part four's 15 numbers, the proactive total stated in prose, and for pre-2019 reports what the prose states).
Same arguments → byte-identical output. Importable: ``generate(n, seed, layouts=None)`` and
``write_corpus(out_dir, n, seed, layouts=None)``. Layouts: see ``corpusgen.render.LAYOUTS``.
``--copies RATE`` (``copies=`` in the functions) plants copied reports (``corpusgen.copies``): that
share of the reports reuse an earlier report's text, and their gold says which and how much
(``reuse``); without it the corpus is byte-identical to what it always was.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpusgen.copies import iter_with_copies
from corpusgen.corpus import make_report
from corpusgen.render import LAYOUTS

__all__ = ["LAYOUTS", "generate", "iter_reports", "write_corpus"]


def _layouts(layouts: Iterable[str] | None) -> tuple[str, ...]:
    chosen = tuple(layouts) if layouts else LAYOUTS
    unknown = [x for x in chosen if x not in LAYOUTS]
    if unknown:
        raise ValueError(f"unknown layouts {unknown}; choose from {', '.join(LAYOUTS)}")
    return chosen


def iter_reports(n: int, seed: int, layouts: Iterable[str] | None = None, copies: float = 0.0
                 ) -> Iterator[tuple[str, bytes, dict]]:
    """(file name, file bytes, gold entry) for reports 0..n-1; report i depends only on (seed, i, layouts)
    (and with copies, on the reports before it)."""
    chosen = _layouts(layouts)
    if copies > 0:
        yield from iter_with_copies(n, seed, chosen, copies)
        return
    for i in range(n):
        yield make_report(i, seed, chosen)


def generate(n: int, seed: int, layouts: Iterable[str] | None = None, copies: float = 0.0
             ) -> list[tuple[str, bytes, dict]]:
    return list(iter_reports(n, seed, layouts, copies))


def write_corpus(out_dir: str | Path, n: int, seed: int, layouts: Iterable[str] | None = None,
                 copies: float = 0.0) -> int:
    """Write the reports and gold.json into out_dir (created if needed); returns the number written.

    gold.json is one JSON list with one report per line, streamed so that memory stays flat.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(out / "gold.json", "w", encoding="utf-8", newline="\n") as gold:
        gold.write("[")
        for name, data, entry in iter_reports(n, seed, layouts, copies):
            (out / name).write_bytes(data)
            gold.write(("\n" if count == 0 else ",\n") + json.dumps(entry, ensure_ascii=False))
            count += 1
        gold.write("\n]\n")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, required=True, help="number of reports")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--layouts", help=f"comma-separated subset of: {','.join(LAYOUTS)}")
    parser.add_argument("--copies", type=float, default=0.0,
                        help="share of reports planted as copies of an earlier one (0..1; default none)")
    args = parser.parse_args(argv)
    layouts = [x.strip() for x in args.layouts.split(",") if x.strip()] if args.layouts else None
    try:
        _layouts(layouts)
    except ValueError as exc:
        parser.error(str(exc))
    if not 0.0 <= args.copies <= 1.0:
        parser.error("--copies is a share between 0 and 1")
    count = write_corpus(args.out, args.reports, args.seed, layouts, args.copies)
    print(f"wrote {count} reports and gold.json to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
