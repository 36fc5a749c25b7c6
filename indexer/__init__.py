"""nianbao (年报检索): full-text and faceted search over government information-disclosure annual
reports. The library's front door; a session over a corpus folder::

    import indexer

    indexer.build_index("corpus", "index")
    with indexer.open_index("index") as ix:
        result = ix.search(indexer.Query.of(q='"微信公众号"', year=2020))
        print(result.total, {v.value: v.count for v in result.facets["province"]})

``import indexer`` is cheap: the engine (whoosh, numpy, jieba) loads on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.engine.build import BuildSummary
    from indexer.engine.query import Query
    from indexer.engine.search import SearchIndex

__all__ = ["BuildSummary", "Query", "SearchIndex", "build_index", "extract_file", "open_index"]


def extract_file(path: str | Path, name: str | None = None) -> dict[str, Any]:
    """Every fact nianbao reads from one report file (``.txt`` or ``.html``), as the ``extract``
    command prints it. ``name``: the file name recorded in the facts (default: the file's name).
    Raises ``indexer.extract.read.ReadError`` for a file that cannot be read as a report."""
    from indexer.extract.read import read_source
    from indexer.extract.report import extract_facts

    path = Path(path)
    source = read_source(path)
    facts = extract_facts(source.text, path.name if name is None else name, source.problems)
    facts["encoding"] = source.encoding
    return facts


def build_index(corpus: str | Path, index_dir: str | Path, *, full: bool = False,
                procs: int | None = None) -> BuildSummary:
    """Build the index of the report files under ``corpus`` in ``index_dir``, or update it: only
    changed files are parsed again unless ``full``. ``procs``: parser processes (default: all
    cores). The index being served stays whole until the new one is committed."""
    from indexer.engine.backend import WHOOSH

    return WHOOSH.build(corpus, index_dir, full=full, procs=procs)


def open_index(index_dir: str | Path) -> SearchIndex:
    """The index in ``index_dir``, open for searching (a context manager; thread-safe). Raises
    ``indexer.engine.errors.IndexMissing`` when there is none."""
    from indexer.engine.search import SearchIndex

    return SearchIndex(index_dir)


def __getattr__(name: str):
    """``Query``, ``SearchIndex``, ``BuildSummary`` on first use (keeps ``import indexer`` cheap)."""
    if name == "Query":
        from indexer.engine.query import Query

        return Query
    if name == "SearchIndex":
        from indexer.engine.search import SearchIndex

        return SearchIndex
    if name == "BuildSummary":
        from indexer.engine.build import BuildSummary

        return BuildSummary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
