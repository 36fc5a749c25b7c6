"""One report's facts as one JSON-able record: the keys of the gold file, plus what we add.

``extract_facts`` is a pure function (text in, record out); reading files and writing the index stay
at the edges (``read.py``, ``build.py``).  The report is NFKC-folded once here and every extractor
reads that text; :func:`extract` also hands the search text (what the index stores) to the build, so
that it does not fold the report again.

Beyond the gold keys: ``body_id``, a stable identity of the issuing body across years (16 hex digits
of the sha1 of ``body_canonical``: "province/city/county/town|organ", the organ with its place names
and spelling variants taken out, so "X镇政府" in 2020 and "某市X镇人民政府" in 2021 are one body and
two towns of one name in different counties are two); ``problems`` also holds the prose's reading
problems (figures run together, sentence and statistics line disagreeing) when the numbers come from
the prose, every count the prose states that the tables contradict ("prose and table disagree on …"),
and places corrected ("place_corrected: …").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, NamedTuple

from indexer.extract.meta import read_meta
from indexer.extract.normalise import nfkc_string, search_string_of_nfkc
from indexer.extract.parts import split_parts
from indexer.extract.places import body_id, canonical_body, resolve_places
from indexer.extract.tables.reader import read_tables
from indexer.extract.tables.result import TableReading

# The keys of shared/corpus/gold.json, in its order.
GOLD_KEYS = (
    "file", "year", "body", "town", "county", "city", "province", "source_url", "published",
    "applications", "reconsideration", "litigation_direct", "litigation_after_reconsideration",
    "litigation_total", "notes",
)


def report_id(relpath: str) -> str:
    """A stable, URL-safe id from the file's path relative to the corpus folder."""
    return hashlib.sha1(relpath.encode("utf-8")).hexdigest()[:16]


class Extraction(NamedTuple):
    """A report's facts, and its text as the index sees it (``normalise.search_string(text)``)."""

    facts: dict[str, Any]
    search_text: str


def extract_facts(text: str, file: str, reading: Sequence[str] = ()) -> dict[str, Any]:
    """Every fact nianbao extracts from a report's text. Unknown is ``None``, never a guess."""
    return extract(text, file, reading).facts


def extract(text: str, file: str, reading: Sequence[str] = ()) -> Extraction:
    """The facts of a report and its search text, from one NFKC fold of the text. ``reading``: what
    reading the file could not do (``SourceText.problems``: image pages not read), kept with the
    report's problems and notes."""
    norm = nfkc_string(text)
    search = search_string_of_nfkc(norm)
    meta = read_meta(norm)
    places = resolve_places(norm, meta.title)
    tables = read_tables(norm, search, original=text)
    gold = tables.gold_facts()
    problems = [*tables.problems, *_prose_problems(tables, gold), *places.corrections, *reading]
    notes = _notes(tables, problems[len(tables.problems):])
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
        "problems": problems,
        "places_ambiguous": list(getattr(places, "ambiguous", []) or []),
        "body_id": body_id(places),
        "body_canonical": canonical_body(places),
        "parts": [{"number": p.number, "heading": p.heading} for p in split_parts(norm)],
        "tables": tables.to_json(),
    }
    return Extraction(facts, search)


_CHECKED = (("applications.new", lambda g: g["applications"]["new"]),
            ("reconsideration.total", lambda g: g["reconsideration"]["total"]),
            ("litigation_total", lambda g: g["litigation_total"]))


def _prose_problems(tables: TableReading, gold: dict[str, Any]) -> list[str]:
    """The prose's own reading problems when its numbers are the report's; when the tables are,
    every count the prose states that the tables contradict."""
    p = tables.prose
    if p is None:
        return []
    if tables.source != "tables":
        return list(p.problems)
    stated = {"applications.new": p.applications["new"], "reconsideration.total": p.reconsideration["total"],
              "litigation_total": p.litigation_total}
    out = []
    for key, get in _CHECKED:
        said, table = stated[key], get(gold)
        if said is not None and table is not None and said != table:
            out.append(f"prose and table disagree on {key}: the prose says {said}, the table {table}")
    return out


def _notes(tables: TableReading, extra: list[str]) -> str | None:
    """What a reader of the numbers should know: failed identities, missing tables, rows derived
    from the identities rather than read, numbers taken from prose, prose and tables that disagree,
    places corrected."""
    parts = [*tables.problems, *extra]
    rows = list(dict.fromkeys(key.split(".")[0] for key in tables.derived))
    if rows:
        parts.append("derived from the identities, not read: " + ", ".join(rows))
    if tables.source == "prose":
        parts.append("numbers from the prose (no tables)")
    return "; ".join(parts) or None


def has_value(n: int | None) -> str:
    """The yes/no/unknown bucket of a count."""
    if n is None:
        return "unknown"
    return "yes" if n > 0 else "no"
