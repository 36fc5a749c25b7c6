"""A page is answered from one index version, even when a build commits while it is being made."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.engine.build import build_index
from indexer.engine.search import SearchIndex
from webui import create_app


def test_a_build_committing_between_a_pages_search_and_its_overview_does_not_mix_versions(
        corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, procs=1)
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/").status_code == 200  # the index is open before the race
    search, overview = SearchIndex.search, SearchIndex.overview
    seen: dict[str, int] = {}

    def search_then_commit(self, query):
        result = search(self, query)
        seen["hits"] = result.total
        if "committed" not in seen:
            sorted(corpus_copy.iterdir())[0].unlink()
            seen["committed"] = build_index(corpus_copy, index_dir, procs=1).deleted
        return result

    def overview_seen(self, query, top=10):
        data = overview(self, query, top)
        seen["overview"] = data["reports"]
        return data

    monkeypatch.setattr(SearchIndex, "search", search_then_commit)
    monkeypatch.setattr(SearchIndex, "overview", overview_seen)
    page = client.get("/?q=")
    assert page.status_code == 200 and seen["committed"] == 1
    assert seen["overview"] == seen["hits"] == 5  # both from the version the page first read
    client.get("/?q=")  # the next page reads the new version
    assert seen["overview"] == seen["hits"] == 4
