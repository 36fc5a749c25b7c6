"""One report's facts as one JSON-able record: the keys of the gold file, plus what we add.

``extract_facts`` is a pure function (text in, record out); reading files and writing the index stay
at the edges (``read.py``, ``build.py``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from indexer.extract.meta import read_meta
from indexer.extract.normalise import nfkc
from indexer.extract.parts import split_parts
from indexer.extract.places import resolve_places
from indexer.extract.tables.reader import read_tables

# The keys of shared/corpus/gold.json, in its order.
GOLD_KEYS = (
    "file", "year", "body", "town", "county", "city", "province", "source_url", "published",
    "applications", "reconsideration", "litigation_direct", "litigation_after_reconsideration",
    "litigation_total", "notes",
)


def report_id(relpath: str) -> str:
    """A stable, URL-safe id from the file's path relative to the corpus folder."""
    return hashlib.sha1(relpath.encode("utf-8")).hexdigest()[:16]


def extract_facts(text: str, file: str) -> dict[str, Any]:
    """Every fact nianbao extracts from a report's text. Unknown is ``None``, never a guess."""
    norm = nfkc(text).text
    meta = read_meta(norm)
    places = resolve_places(norm, meta.title)
    tables = read_tables(norm)
    gold = tables.gold_facts()
    notes = _notes(tables)
    facts: dict[str, Any] = {
        "file": file,
        "year": meta.year,
        "body": places.body,
        "town": places.town,
        "county": places.county,
        "city": places.city,
        "province": places.province,
        "source_url": meta.source_url,
        "published": meta.published,
        "applications": gold["applications"],
        "reconsideration": gold["reconsideration"],
        "litigation_direct": gold["litigation_direct"],
        "litigation_after_reconsideration": gold["litigation_after_reconsideration"],
        "litigation_total": gold["litigation_total"],
        "notes": notes,
        # -- beyond the gold keys --
        "title": meta.title,
        "status": tables.status,
        "problems": list(tables.problems),
        "places_ambiguous": list(getattr(places, "ambiguous", []) or []),
        "parts": [{"number": p.number, "heading": p.heading} for p in split_parts(norm)],
        "tables": tables.to_json(),
    }
    return facts


def _notes(tables) -> str | None:
    """What a reader of the numbers should know: failed identities, missing tables, rows derived
    from the identities rather than read, numbers taken from prose."""
    parts = list(tables.problems)
    derived = tables.to_json().get("derived") or {}
    rows = list(dict.fromkeys(key.split(".")[0] for key in derived))
    if rows:
        parts.append("derived from the identities, not read: " + ", ".join(rows))
    if getattr(tables, "source", None) == "prose":
        parts.append("numbers from the prose (no tables)")
    return "; ".join(parts) or None


def has_value(n: int | None) -> str:
    """The yes/no/unknown bucket of a count."""
    if n is None:
        return "unknown"
    return "yes" if n > 0 else "no"
