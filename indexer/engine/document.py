"""One mapping between a report's facts record and its index document, both ways.

Into the index (:func:`to_document`): the stored fields (id, file, hash, title, the facts as JSON,
the report's text as hits read it: ``textstore.py``) and one field per registered facet, its value
taken from the facts by the facet itself. Out of the index (:func:`from_stored`): the same report
back, and the facts a result lists (:func:`hit_facts`). The text postings (words, bigrams) are the
build worker's job (``prepare.py``); they only ever go in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, NamedTuple

from indexer.engine import facets as facet_registry
from indexer.engine.textstore import read_stored, stored_text
from indexer.extract.report import report_id

# The facts a search result carries beside its snippets (the API's hit keys, in this order).
HIT_FACTS = ("body", "year", "town", "county", "city", "province", "applications_new",
             "reconsideration_total", "litigation_total", "status")


def title_of(facts: Mapping[str, Any], rel: str) -> str:
    """The report's title, or its file name without the suffix."""
    return facts.get("title") or PurePosixPath(rel).stem


def to_document(facts: Mapping[str, Any], *, rel: str, sha1: str, text: str,
                registry: facet_registry.Registry | None = None) -> dict[str, Any]:
    """The stored and facet fields of the index document of one report (no text postings)."""
    doc: dict[str, Any] = {
        "id": report_id(rel),
        "file": rel,
        "sha1": sha1,
        "title": title_of(facts, rel),
        "facts": json.dumps(facts, ensure_ascii=False),
        "hit": json.dumps(hit_record(facts, registry), ensure_ascii=False),
        **stored_text(text),
    }
    for facet in registry or facet_registry.current():
        if facet.corpus:  # not a field of the document: see corpusfacts.py
            continue
        value = facet.stored(facts)
        if value is not None:
            doc[facet.name] = value
    return doc


class StoredReport(NamedTuple):
    """A report read back from its index document."""

    id: str
    file: str
    title: str
    facts: dict[str, Any]
    text: str  # the original text


def from_stored(stored: Mapping[str, Any]) -> StoredReport:
    """The report of an index document's stored fields (the inverse of :func:`to_document`)."""
    return StoredReport(stored["id"], stored["file"], stored.get("title") or stored["file"],
                        json.loads(stored["facts"]), read_stored(stored).original.whole())


def hit_facts(facts: Mapping[str, Any], registry: facet_registry.Registry | None = None) -> dict[str, Any]:
    """The facts a result lists, read by the facets that index them (``None`` when unknown)."""
    registry = registry or facet_registry.current()
    out: dict[str, Any] = {}
    for name in HIT_FACTS:
        facet = registry.get(name) or facet_registry.DEFAULT[name]
        out[name] = facet.extract(facts)
    return out


# Besides :data:`HIT_FACTS`, what a result carries from the facts record.
HIT_EXTRA = ("source_url", "body_id")


def hit_record(facts: Mapping[str, Any], registry: facet_registry.Registry | None = None) -> dict[str, Any]:
    """What a search result shows of a report's facts, stored apart from the whole record: that
    record is ~16 kB of JSON (every table cell with its provenance), and parsing it for each of a
    page's 20 hits was the largest part of a typical search (~0.5 ms a hit)."""
    return {**hit_facts(facts, registry), **{k: facts.get(k) for k in HIT_EXTRA}}


def stored_hit(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The :func:`hit_record` of an index document (from the whole record where it has none)."""
    raw = stored.get("hit")
    return json.loads(raw) if raw else hit_record(json.loads(stored["facts"]))
