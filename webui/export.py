"""A result set's facts as CSV or JSON Lines, one row per report, streamed.

Shared by ``/api/search.csv``, ``/api/search.jsonl``, ``/api/data.csv`` (every report) and the
command line's ``search --csv``. Number groups are flattened into one column per number
(``applications_new``, ``reconsideration_corrected`` …); the header is fixed, so rows can be written
as they are read. A cell that a spreadsheet would run as a formula (= + - @, tab, CR) gets a leading
``'``: the text comes from the reports, not from us.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from . import urls

PLAIN = ("id", "file", "title", "year", "body", "body_id", "province", "city", "county", "town", "status",
         "published", "source_url",
         # corpus facts (indexer/engine/corpusfacts.py): across years and copied text
         "cross_year", "cross_year_prev", "reuse_max", "reuse_from", "reuse_kind", "reuse_prev")
GROUPS: dict[str, tuple[str, ...]] = {
    "applications": ("new", "carried_over", "granted", "handled_total", "carried_forward"),
    "reconsideration": ("maintained", "corrected", "other", "pending", "total"),
    "litigation_direct": ("maintained", "corrected", "other", "pending", "total"),
    "litigation_after_reconsideration": ("maintained", "corrected", "other", "pending", "total"),
}
COLUMNS: tuple[str, ...] = (*PLAIN, *(f"{g}_{k}" for g, keys in GROUPS.items() for k in keys),
                            "litigation_total", "derived", "url")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def row_of(report_id: str, file: str, title: str, facts: dict[str, Any]) -> dict[str, Any]:
    """One report as a flat row (keys :data:`COLUMNS`)."""
    row: dict[str, Any] = {k: facts.get(k) for k in PLAIN}
    row.update(id=report_id, file=file, title=title)
    for group, keys in GROUPS.items():
        values = facts.get(group) or {}
        for k in keys:
            row[f"{group}_{k}"] = values.get(k)
    row["litigation_total"] = facts.get("litigation_total")
    derived = (facts.get("tables") or {}).get("derived") or {}
    row["derived"] = " ".join(sorted(derived)) if isinstance(derived, dict) else None
    row["url"] = urls.report_permalink(report_id)
    return row


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet reads it as text, never a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_lines(rows: Iterable[tuple[str, str, str, dict]], base_url: str = "",
              bom: bool = True) -> Iterator[str]:
    """The CSV text, a line at a time (a UTF-8 BOM first, so that Excel reads the Chinese)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")

    def flush() -> str:
        out = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return out

    writer.writerow(COLUMNS)
    yield ("\ufeff" if bom else "") + flush()
    for report in rows:
        row = row_of(*report)
        row["url"] = base_url + row["url"]
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
        yield flush()


def jsonl_lines(rows: Iterable[tuple[str, str, str, dict]], base_url: str = "") -> Iterator[str]:
    """One JSON object a line: the report's id, file, title, URL and every extracted fact."""
    for report_id, file, title, facts in rows:
        yield json.dumps({"id": report_id, "file": file, "title": title,
                          "url": base_url + urls.report_permalink(report_id), "facts": facts},
                         ensure_ascii=False) + "\n"
