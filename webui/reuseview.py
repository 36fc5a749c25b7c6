"""The side-by-side view of two reports: the text one shares with the other marked in both.

Computed on request from the two stored texts (``shared_passages`` of the reuse core, on the text as
the index sees it, mapped back to the text as written), so it needs nothing stored by the build; the
template wording learned by the last reuse build (``reuse_boilerplate.json`` in the index
generation) is used when it is there, so that statutory sentences and headings are not marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

from indexer.engine.generations import current_generation
from indexer.engine.reuse import BOILERPLATE_FILE, Boilerplate, places_of, shared_passages
from indexer.extract.normalise import search_text

from . import get_index
from .urls import report_url

__all__ = ["bp", "side_by_side"]

bp = Blueprint("reuse", __name__)


@dataclass(frozen=True)
class Column:
    """One report of the pair: its page, its text with the shared passages marked, its share."""

    id: str
    title: str
    url: str
    share: float  # of its own text found in the other report
    html: Markup
    passages: int


@lru_cache(maxsize=4)
def _learned(path: str, mtime: float) -> Boilerplate:
    return Boilerplate.read(Path(path))


def boilerplate() -> Boilerplate | None:
    """The template wording the last reuse build learned, if the index generation has it."""
    try:
        gen = current_generation(Path(current_app.config["INDEX_DIR"]))
    except OSError:
        return None
    path = gen / BOILERPLATE_FILE if gen is not None else None
    if path is None or not path.is_file():
        return None
    return _learned(str(path), path.stat().st_mtime)


def marked(text: str, spans: list[tuple[int, int, int]], side: str, other: str) -> Markup:
    """``text`` escaped, each (start, end, n) span in ``<mark class="shared" id="{side}-n">`` with a
    link to passage n in the other column."""
    out: list[str] = []
    pos = 0
    for start, end, n in sorted(spans):
        if start < pos:  # a passage of the other text matched twice here: mark it once
            continue
        out.append(str(escape(text[pos:start])))
        out.append(f'<a class="pair" href="#{other}-{n}" title="对方的第 {n} 段">{n}</a>'
                   f'<mark class="shared" id="{side}-{n}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def side_by_side(a, b, learned: Boilerplate | None) -> tuple[Column, Column]:
    """The two report views (``ReportView``) compared: shared passages in both texts as written."""
    na, nb = search_text(a.text), search_text(b.text)
    cmp = shared_passages(na.text, places_of(a.facts or {}), nb.text, places_of(b.facts or {}),
                          learned or ())

    def back(norm, start: int, end: int) -> tuple[int, int]:
        return norm.orig(start), norm.orig(end - 1) + 1

    spans_a = [(*back(na, p.a_start, p.a_end), n) for n, p in enumerate(cmp.shared, 1)]
    spans_b = [(*back(nb, p.b_start, p.b_end), n) for n, p in enumerate(cmp.shared, 1)]
    return (Column(a.id, a.title or a.file, report_url(a.id), cmp.share_a, marked(a.text, spans_a, "a", "b"),
                   len(spans_a)),
            Column(b.id, b.title or b.file, report_url(b.id), cmp.share_b, marked(b.text, spans_b, "b", "a"),
                   len(spans_b)))


@bp.get("/reports/<report_id>/reuse/<other_id>")
def reuse(report_id: str, other_id: str):
    index = get_index()
    a, b = index.report(report_id), index.report(other_id)
    if a is None or b is None:
        missing = report_id if a is None else other_id
        return render_template("error.html", code=404, title="找不到该报告",
                               message=f"没有编号为 {missing} 的报告。"), 404
    learned = boilerplate()
    left, right = side_by_side(a, b, learned)
    return render_template("reuse.html", left=left, right=right, learned=learned is not None,
                           skip_target="pair")
