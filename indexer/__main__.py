"""Command line: ``python -m indexer {extract,build,search,check}``.

The same core as the web UI: ``extract`` and ``check`` call :func:`indexer.extract.report.extract_facts`,
``search`` builds a :class:`indexer.engine.query.Query` from its options exactly as the web UI does from
URL arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from indexer.engine.errors import IndexMissing, QueryError

DEFAULT_INDEX = os.environ.get("NIANBAO_INDEX", "index")
DEFAULT_CORPUS = os.environ.get("NIANBAO_CORPUS", "corpus")


def _print(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _facts_of(path: Path, name: str) -> dict:
    from indexer.extract.read import read_source
    from indexer.extract.report import extract_facts

    source = read_source(path)
    facts = extract_facts(source.text, name)
    facts["encoding"] = source.encoding
    return facts


def cmd_extract(args: argparse.Namespace) -> int:
    from indexer.extract.read import ReadError
    from indexer.extract.report import GOLD_KEYS

    status = 0
    for f in args.files:
        path = Path(f)
        try:
            facts = _facts_of(path, path.name)
        except (ReadError, OSError) as err:
            sys.stderr.write(f"skipped {path}: {err}\n")
            status = 1
            continue
        if args.gold_only:
            facts = {k: facts[k] for k in GOLD_KEYS}
        _print(json.dumps(facts, ensure_ascii=False))
    return status


def cmd_build(args: argparse.Namespace) -> int:
    from indexer.engine.build import build_index

    try:
        if args.backend == "xapian":  # N shard databases (docs/xapian.md)
            from indexer.engine.xapian.build import build_xapian

            summary = build_xapian(args.corpus, args.index, shards=args.shards, full=args.full,
                                   procs=args.procs, progress=not args.quiet)
        else:
            summary = build_index(args.corpus, args.index, full=args.full, procs=args.procs,
                                  progress=not args.quiet)
    except FileNotFoundError as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    for line in summary.lines():
        _print(line)
    return 0


def _query_args(args: argparse.Namespace) -> dict[str, list[str]]:
    from indexer.engine.query import FACETS, RANGES

    out: dict[str, list[str]] = {"q": [" ".join(args.query)]}
    for name in FACETS:
        vals = getattr(args, name, None)
        if vals:
            out[name] = vals
    for name in RANGES:
        for bound in ("min", "max"):
            v = getattr(args, f"{name}_{bound}", None)
            if v is not None:
                out[f"{name}_{bound}"] = [str(v)]
    out["sort"] = [args.sort]
    out["page"] = [str(args.page)]
    out["per_page"] = [str(args.per_page)]
    return out


def cmd_search(args: argparse.Namespace) -> int:
    import re

    from indexer.engine.query import FACET_LABELS, Query
    from indexer.engine.xapian.search import open_index

    try:
        query = Query.from_args(_query_args(args))
        with open_index(args.index) as index:  # NIANBAO_BACKEND / NIANBAO_SHARDS choose the backend
            result = index.search(query)
    except QueryError as err:
        sys.stderr.write(f"query error: {err}\n")
        return 2
    except IndexMissing as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    if args.json:
        _print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    first = (query.page - 1) * query.per_page + 1
    _print(f"{result.total} reports match; showing {first}–{first + len(result.hits) - 1} "
           f"({result.took_ms:.1f} ms)")
    for i, hit in enumerate(result.hits, first):
        place = " ".join(p for p in (hit.province, hit.city, hit.county, hit.town) if p)
        nums = (f"申请 {_n(hit.applications_new)} · 复议 {_n(hit.reconsideration_total)} · "
                f"诉讼 {_n(hit.litigation_total)} · {hit.status}")
        _print(f"\n{i}. {hit.title}  [{hit.file}]")
        _print(f"   {hit.year or '?'} · {hit.body or '?'} · {place or '?'} · {nums}")
        for snip in hit.snippets:
            text = re.sub(r"<mark>(.*?)</mark>", "\x1b[1;33m\\1\x1b[0m" if sys.stdout.isatty() else "【\\1】",
                          snip)
            _print(f"   {_unescape(text)}")
    _print("\nfacets:")
    for name, values in result.facets.items():
        if values:
            shown = ", ".join(f"{'*' if v.selected else ''}{v.label}: {v.count}" for v in values[:12])
            _print(f"  {FACET_LABELS.get(name, name)} ({name}): {shown}")
    return 0


def _n(v: int | None) -> str:
    return "?" if v is None else str(v)


def _unescape(s: str) -> str:
    import html

    return html.unescape(s)


def cmd_check(args: argparse.Namespace) -> int:
    from indexer.extract.read import ReadError, discover

    corpus = Path(args.corpus)
    try:
        files = discover(corpus)
    except FileNotFoundError as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    rows = []
    for path in files:
        rel = path.relative_to(corpus).as_posix() if corpus.is_dir() else path.name
        try:
            facts = _facts_of(path, rel)
            rows.append({"file": rel, "status": facts.get("status"), "problems": facts.get("problems", []),
                         "year": facts.get("year"), "body": facts.get("body")})
        except (ReadError, OSError) as err:
            rows.append({"file": rel, "status": "unreadable", "problems": [str(err)], "year": None,
                         "body": None})
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    if args.json:
        _print(json.dumps({"reports": rows, "summary": counts, "total": len(rows)}, ensure_ascii=False,
                          indent=1))
        return 0
    width = max([len(r["file"]) for r in rows] + [4])
    _print(f"{'file':<{width}}  {'status':<12}  problems")
    for r in rows:
        _print(f"{r['file']:<{width}}  {r['status']:<12}  {'; '.join(r['problems']) or '-'}")
    _print(f"\n{len(rows)} reports: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer", description="nianbao 年报检索: extract, "
                                     "build, search, check")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print the extracted facts of report files, one JSON per line")
    p.add_argument("files", nargs="+")
    p.add_argument("--gold-only", action="store_true",
                   help="only the keys of the gold file (default: also status, problems, every table cell "
                        "read, the parts)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("build", help="build or update the index over a corpus folder")
    p.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    p.add_argument("--index", default=DEFAULT_INDEX)
    p.add_argument("--full", action="store_true", help="rebuild from scratch (default: incremental)")
    p.add_argument("--procs", type=int, default=None, help="parser processes (default: all cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--backend", choices=["whoosh", "xapian"],
                   default=os.environ.get("NIANBAO_BACKEND", "whoosh"))
    p.add_argument("--shards", type=int, default=1, help="xapian: number of shard databases (default: 1)")
    p.set_defaults(func=cmd_build)

    from indexer.engine.query import FACETS, RANGES, SORTS

    p = sub.add_parser("search", help="search the index; prints hits, snippets and facet counts")
    p.add_argument("query", nargs="*", default=[])
    p.add_argument("--index", default=DEFAULT_INDEX)
    for name in FACETS:
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, action="append", metavar="VALUE")
    for name in RANGES:
        p.add_argument(f"--{name.replace('_', '-')}-min", dest=f"{name}_min", type=int)
        p.add_argument(f"--{name.replace('_', '-')}-max", dest=f"{name}_max", type=int)
    p.add_argument("--sort", default="relevance", choices=list(SORTS))
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--per-page", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("check", help="table of reports with their data-quality status and problems")
    p.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
