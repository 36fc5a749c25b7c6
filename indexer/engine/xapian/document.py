"""One report file → one Xapian document, through the same preparation as the whoosh build.

``prepare`` runs in worker processes (jieba is the slow part) and returns a plain picklable record;
``to_document`` turns it into a ``xapian.Document`` in the writer. The facts and the field values
come from ``extract_facts`` and ``search_string`` exactly as ``indexer.engine.prepare.prepare_document``
makes them for whoosh (same helpers, same mapping), so both backends index the same values.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

from indexer.engine import facets
from indexer.engine.prepare import Task, read_task
from indexer.engine.words import cut_words
from indexer.engine.xapian import schema as xs
from indexer.extract.normalise import search_string
from indexer.extract.read import ReadError
from indexer.extract.report import extract_facts, report_id


def fields_of(facts: dict[str, Any]) -> tuple[dict[str, str], dict[str, int]]:
    """(keyword fields, numbers) of a facts record: each value made by the registry's facet of that
    name (``Facet.stored``), the one rule the whoosh document uses too."""
    keywords: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name in xs.KEYWORD_FACETS:
        value = facets.DEFAULT[name].stored(facts)
        if value is not None:
            keywords[name] = str(value)
    for name in xs.NUMBER_FACETS:
        number = facets.DEFAULT[name].stored(facts)
        if isinstance(number, int):
            numbers[name] = number
    return keywords, numbers


def prepare(task: Task) -> tuple[str, dict[str, Any] | None, str | None]:
    """(relpath, record or None, skip reason or None) for one file (the whoosh build's contract:
    neither record nor reason when its content still has the hash the task carries)."""
    rel = task[1]
    try:
        source = read_task(task)
        if source is None:
            return rel, None, None
        facts = extract_facts(source.text, rel, source.problems)
    except ReadError as err:
        return rel, None, str(err)
    except Exception as err:  # an extractor bug must not lose the rest of the corpus
        return rel, None, f"extraction failed: {type(err).__name__}: {err}"
    facts["encoding"] = source.encoding
    facts["format"] = source.format  # as the whoosh build's facts (the last key)
    norm = search_string(source.text)
    title = facts.get("title") or Path(rel).stem
    keywords, numbers = fields_of(facts)
    rid = report_id(rel)
    data = {"id": rid, "file": rel, "sha1": source.sha1, "title": title, "facts": facts}
    return rel, {
        "id": rid, "file": rel, "sha1": source.sha1, "norm": norm, "format": source.format,
        "words": cut_words(norm),
        "title_words": cut_words(search_string(title)),
        "body_words": cut_words(facts.get("body") or ""),
        "keywords": keywords, "numbers": numbers,
        "data": zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6),
        "text": zlib.compress(source.text.encode("utf-8"), 6),  # the shard's metadata (schema.text_key)
    }, None


def to_document(rec: dict[str, Any]):
    """The ``xapian.Document`` of a prepared record (its text is written beside it, under
    ``schema.text_key``: see ``build._write_one``)."""
    import xapian

    doc = xapian.Document()
    doc.set_data(rec["data"])
    doc.add_boolean_term(xs.id_term(rec["id"]))
    doc.add_boolean_term(xs.field_term("file", rec["file"]))
    doc.add_value(xs.FILE_SLOT, rec["file"])
    for pos, word in enumerate(rec["words"], 1):
        if len(word.encode("utf-8")) <= xs.MAX_TERM_BYTES:
            doc.add_posting(word, pos)
    for prefix, words in ((xs.TITLE_PREFIX, rec["title_words"]), (xs.BODY_PREFIX, rec["body_words"])):
        for word in words:
            if len(word.encode("utf-8")) <= xs.MAX_TERM_BYTES:
                doc.add_term(prefix + word)
    norm = rec["norm"]
    for i in range(len(norm)):
        doc.add_posting(xs.GRAM_PREFIX + norm[i:i + 2], i + 1)
    for name, value in rec["keywords"].items():
        if len(value.encode("utf-8")) <= xs.MAX_TERM_BYTES:
            doc.add_boolean_term(xs.field_term(name, value))
        if name in xs.FACET_SLOTS:
            doc.add_value(xs.FACET_SLOTS[name], value)
    for name, value in rec["numbers"].items():
        doc.add_value(xs.NUMBER_SLOTS[name], xapian.sortable_serialise(value))
    groups = {**rec["keywords"], **{k: str(v) for k, v in rec["numbers"].items() if k == "year"}}
    for (group, name), slot in xs.GROUPED.items():
        if groups.get(group) and name in rec["numbers"]:
            doc.add_value(slot, f"{groups[group]}{xs.PAIR_SEP}{rec['numbers'][name]}")
    for name, descending, slot in xs.SORT_SLOTS.values():
        doc.add_value(slot, xs.sort_key(rec["numbers"].get(name), descending, rec["file"]))
    if "year" in rec["numbers"]:
        doc.add_value(xs.FACET_SLOTS["year"], str(rec["numbers"]["year"]))
    return doc
