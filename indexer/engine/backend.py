"""The face a search engine shows the rest of nianbao, so a second backend can offer the same.

The whoosh engine (``build.py`` + ``search.py``) is :data:`WHOOSH`; the CLI, the web UI and the
library front door (``indexer/__init__.py``) need only what is declared here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from indexer.engine.build import BuildSummary
from indexer.engine.query import Query
from indexer.engine.results import ReportView, SearchResult


@runtime_checkable
class OpenIndex(Protocol):
    """A served index: searched by many threads at once, closed once."""

    def search(self, query: Query) -> SearchResult: ...

    def report(self, report_id: str, q: str = "") -> ReportView | None: ...

    def close(self) -> None: ...


class Backend(Protocol):
    """Builds an index over a corpus folder and opens it for searching."""

    def build(self, corpus: str | Path, index_dir: str | Path, *, full: bool = False,
              procs: int | None = None) -> BuildSummary: ...

    def open(self, index_dir: str | Path) -> OpenIndex: ...


class WhooshBackend:
    """The whoosh index of this repository."""

    def build(self, corpus: str | Path, index_dir: str | Path, *, full: bool = False,
              procs: int | None = None) -> BuildSummary:
        from indexer.engine.build import build_index

        return build_index(corpus, index_dir, full=full, procs=procs)

    def open(self, index_dir: str | Path) -> OpenIndex:
        from indexer.engine.search import SearchIndex

        return SearchIndex(index_dir)


WHOOSH: Backend = WhooshBackend()
