"""The face a search engine shows the rest of nianbao, so a second backend can offer the same.

The whoosh engine (``build.py`` + ``search.py``) is :data:`WHOOSH`; the CLI, the web UI and the
library front door (``indexer/__init__.py``) need only what is declared here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from indexer.engine.build import BuildSummary
from indexer.engine.query import Query
from indexer.engine.results import Forgiven, ReportView, SearchResult


@runtime_checkable
class OpenIndex(Protocol):
    """A served index: searched by many threads at once, closed once. Every method here is called
    by the web layer or the CLI, so a backend offers all of them (``tests/web`` checks each page and
    API route on both backends)."""

    def search(self, query: Query) -> SearchResult: ...

    def report(self, report_id: str, q: str = "") -> ReportView | None: ...

    def raw(self, report_id: str) -> tuple[bytes, str] | None: ...

    def stats(self) -> dict: ...

    def forgiving(self, query: Query) -> Forgiven: ...

    def unknown_fields(self, q: str) -> list[str]: ...

    def uncounted_facets(self, query: Query) -> list[str]: ...

    def iter_facts(self, query: Query) -> Iterator[tuple[str, str, str, dict]]: ...

    def overview(self, query: Query, top: int = 10) -> dict: ...

    def body_reports(self, body_id: str) -> list[tuple[str, str, dict]]: ...

    def reports_by_id(self, ids: list[str]) -> list[tuple[str, str, dict]]: ...

    def suggest(self, prefix: str, limit: int = 10) -> list[tuple[str, str]]: ...

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
