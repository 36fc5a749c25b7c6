"""What a search gives back: data only. Labels and URLs are the web layer's (``webui/urls.py``,
``webui/labels.py``); here a link is the :class:`Query` it leads to, a report its id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from indexer.engine import highlight
from indexer.engine.facets import FACET_SIZE
from indexer.engine.query import Query


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool
    toggle: Query  # the query with this value switched on or off


@dataclass
class Hit:
    id: str
    file: str
    title: str
    body: str | None
    year: int | None
    town: str | None
    county: str | None
    city: str | None
    province: str | None
    applications_new: int | None
    reconsideration_total: int | None
    litigation_total: int | None
    status: str | None
    snippets: list[highlight.Snippet]  # passages with the hits to mark; renderers make HTML or text
    source_url: str | None
    score: float | None = None
    marked: bool = False  # the report page marks a hit of the query (its link can jump to the first)
    hit_count: int = 0  # how many places of the whole text the query marks
    body_id: str | None = None  # the publishing body across years (/bodies/<id>)
    # corpus facts (corpusfacts.py): None on a backend that does not compute them
    cross_year: str | None = None  # consistent | inconsistent | unknown
    reuse_max: float | None = None  # the best share of this report's own text found in another
    reuse_from: str | None = None  # that report's id (None: no reuse)
    reuse_kind: str | None = None  # same_body | other_body | none


@dataclass
class FacetMore:
    """The link under a facet list: all its ``total`` values, or (``expanded``) back to the top ones."""

    expanded: bool
    total: int
    toggle: Query


@dataclass
class SearchResult:
    query: Query
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: float
    needles: list[str] = field(default_factory=list)  # what was highlighted
    facet_totals: dict[str, int] = field(default_factory=dict)  # distinct values of each facet

    def facet_more(self, name: str) -> FacetMore | None:
        """The link that lists facet ``name`` in full or folds it back; None when every value is
        already shown."""
        from indexer.engine import facets

        total = self.facet_totals.get(name, 0)
        if name in self.query.expand:
            facet = facets.current().get(name)
            top = facet.shown(False) if facet is not None else FACET_SIZE
            return FacetMore(True, total, self.query.expand_toggled(name)) if total > top else None
        if total > len(self.facets.get(name, [])):
            return FacetMore(False, total, self.query.expand_toggled(name))
        return None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


@dataclass
class ReportView:
    """One report for its page: the text as written, with every hit of the query marked."""

    id: str
    file: str
    title: str
    facts: dict[str, Any]  # every extracted fact (the `extract` JSON)
    text: str  # the original text
    marks: list[tuple[int, int]]  # (start, end) in ``text`` of what the query matched, in order
    hit_count: int
    source_url: str | None

    def to_json(self) -> dict:
        return {"id": self.id, "file": self.file, "title": self.title, "facts": self.facts,
                "text": self.text, "hit_count": self.hit_count, "source_url": self.source_url}


class Forgiven(NamedTuple):
    """A query with its place filters read forgivingly: ``matched`` (field, typed, indexed value) for
    each place read as another spelling; ``ambiguous`` (field, typed, candidates) for a place typed
    that begins several indexed ones, left as typed (nianbao does not pick one for the user)."""

    query: Query
    matched: list[tuple[str, str, str]]
    ambiguous: list[tuple[str, str, list[str]]]
