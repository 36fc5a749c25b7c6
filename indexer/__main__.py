"""Command line: ``python -m indexer {extract,build,search,check}``.

The same core as the web UI: ``extract`` and ``check`` call :func:`indexer.extract_file`, ``search``
builds a :class:`indexer.engine.query.Query` from its options exactly as the web UI does from URL
arguments (the filter options are the facet registry's), and prints the web layer's labels and JSON.
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
    from indexer import extract_file

    return extract_file(path, name)


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
    """Exit status: 0 every report file indexed, 1 built but some files skipped (listed with their
    reasons), 2 no build (corpus missing, disk full, another error; the index serving is unchanged)."""
    import errno

    from indexer.engine.build import build_index

    try:
        if args.backend == "xapian":  # N shard databases (docs/xapian.md)
            from indexer.engine.xapian.build import build_xapian

            summary = build_xapian(args.corpus, args.index, shards=args.shards, full=args.full,
                                   procs=args.procs, progress=not args.quiet)
        else:
            summary = build_index(args.corpus, args.index, full=args.full, procs=args.procs,
                                  progress=not args.quiet, file_timeout=args.timeout)
    except FileNotFoundError as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    except OSError as err:
        why = "disk full" if getattr(err, "errno", None) == errno.ENOSPC else type(err).__name__
        sys.stderr.write(f"error: build failed ({why}: {err}); the index that was serving is unchanged\n")
        return 2
    for line in summary.lines():
        _print(line)
    return 1 if summary.skipped else 0


def _query_args(args: argparse.Namespace) -> dict[str, list[str]]:
    from indexer.engine import facets

    registry = facets.current()
    out: dict[str, list[str]] = {"q": [" ".join(args.query)]}
    for name in registry.listed:
        vals = getattr(args, name, None)
        if vals:
            out[name] = vals
    for name in registry.ranged:
        for bound in ("min", "max"):
            v = getattr(args, f"{name}_{bound}", None)
            if v is not None:
                out[f"{name}_{bound}"] = [str(v)]
    for h in registry.hierarchies:
        v = getattr(args, h.name, None)
        if v:
            out[h.name] = [v]
    out["sort"] = [args.sort]
    out["page"] = [str(args.page)]
    out["per_page"] = [str(args.per_page)]
    return out


def cmd_search(args: argparse.Namespace) -> int:

    from indexer.engine.correcting import corrected
    from indexer.engine.query import Query
    from indexer.engine.xapian.search import open_index
    from webui.hints import correction_notes
    from webui.labels import facet_label, value_label
    from webui.present import result_json

    try:
        typed = Query.from_args(_query_args(args))
        with open_index(args.index) as index:  # NIANBAO_BACKEND / NIANBAO_SHARDS choose the backend
            fixed = corrected(index, typed)  # as the page searches it: places read, typos out
            query = fixed.query
            for note in correction_notes(fixed):
                sys.stderr.write(f"note: {note}\n")
            if args.csv:
                from webui.export import csv_lines

                # every report of the result set, not one page (no BOM on a terminal)
                for line in csv_lines(index.iter_facts(query), bom=not sys.stdout.isatty()):
                    sys.stdout.write(line)
                return 0
            result = index.search(query)
    except QueryError as err:
        sys.stderr.write(f"query error: {err}\n")
        return 2
    except IndexMissing as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    if args.json:
        _print(json.dumps(result_json(result), ensure_ascii=False, indent=1))
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
        emphasis = TTY_EMPHASIS if sys.stdout.isatty() else PLAIN_EMPHASIS
        for snip in hit.snippets:
            _print(f"   {snippet_text(snip.text, snip.marks, emphasis)}")
    _print("\nfacets:")
    for name, values in result.facets.items():
        if values:
            shown = ", ".join(f"{'*' if v.selected else ''}{value_label(name, v.value)}: {v.count}"
                              for v in values[:12])
            _print(f"  {facet_label(name)} ({name}): {shown}")
    return 0


def _n(v: int | None) -> str:
    return "?" if v is None else str(v)


TTY_EMPHASIS = ("\x1b[1m", "\x1b[0m")  # ANSI bold on a terminal
PLAIN_EMPHASIS = ("【", "】")  # piped or redirected: brackets survive any viewer


def snippet_text(text: str, marks, emphasis: tuple[str, str]) -> str:
    """A snippet as terminal text: each marked span between ``emphasis``'s opening and closing."""
    out: list[str] = []
    pos = 0
    for s, e in marks:
        out += [text[pos:s], emphasis[0], text[s:e], emphasis[1]]
        pos = e
    out.append(text[pos:])
    return "".join(out)


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
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds one file may take to parse before it is skipped (default: 60)")
    p.add_argument("--backend", choices=["whoosh", "xapian"],
                   default=os.environ.get("NIANBAO_BACKEND", "whoosh"))
    p.add_argument("--shards", type=int, default=1, help="xapian: number of shard databases (default: 1)")
    p.set_defaults(func=cmd_build)

    from indexer.engine import facets
    from indexer.engine.query import SORTS

    registry = facets.current()
    p = sub.add_parser("search", help="search the index; prints hits, snippets and facet counts")
    p.add_argument("query", nargs="*", default=[])
    p.add_argument("--index", default=DEFAULT_INDEX)
    for name in registry.listed:
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, action="append", metavar="VALUE")
    for name in registry.ranged:
        p.add_argument(f"--{name.replace('_', '-')}-min", dest=f"{name}_min", type=int)
        p.add_argument(f"--{name.replace('_', '-')}-max", dest=f"{name}_max", type=int)
    for h in registry.hierarchies:
        p.add_argument(f"--{h.name.replace('_', '-')}", dest=h.name, metavar="A/B/…",
                       help=f"{' › '.join(h.levels)}, from the top, separated by {h.sep}")
    p.add_argument("--sort", default="relevance", choices=list(SORTS))
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--per-page", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.add_argument("--csv", action="store_true",
                   help="print every matching report's facts as CSV (all pages, a column per fact)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("check", help="table of reports with their data-quality status and problems")
    p.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    args, extra = parser.parse_known_args(argv)
    if extra:
        # `search 微信 -微博`: a dash word that is no option is query text (NOT 微博), as documented
        unknown = [a for a in extra if a.startswith("--") or args.func is not cmd_search]
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        args.query = [*args.query, *extra]
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
