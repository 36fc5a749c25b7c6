"""What the search page says about a query beside its results: how words were cut (and the exact
phrase one click away), a facet that answers a query naming a table's subject, places read
forgivingly, field names that do not exist. Data for the template; labels from ``labels.py``."""

from __future__ import annotations

from dataclasses import dataclass, replace

from indexer.engine import querylang
from indexer.engine.correcting import Corrected
from indexer.engine.query import Query
from indexer.extract.normalise import normalise_query_phrase

from .labels import FACET_LABELS, SUBJECT_FACETS


@dataclass
class WordCut:
    typed: str
    words: list[str]
    phrase_query: Query  # the same search with this word as an exact phrase


@dataclass
class FacetHint:
    subject: str
    facet: str
    label: str  # the facet's label, e.g. 有行政诉讼
    query: Query  # the search with that facet selected


def word_cuts(query: Query) -> list[WordCut]:
    """Each word of the query that jieba cut into several words (matched as words, not a phrase)."""
    try:
        node = querylang.parse(query.q)
    except querylang.QueryError:
        return []
    out: list[WordCut] = []
    for leaf in querylang.positive_leaves(node):
        if isinstance(leaf, querylang.Word):
            words = querylang.query_words(normalise_query_phrase(leaf.text))
            if len(words) > 1:
                q = query.q.replace(leaf.text, f'"{leaf.text}"', 1)
                out.append(WordCut(leaf.text, words, replace(query, q=q, page=1)))
    return out


def facet_hints(query: Query) -> list[FacetHint]:
    """Facets that answer a query naming a table's subject (行政诉讼 → 有行政诉讼), not yet selected."""
    out: list[FacetHint] = []
    seen: set[str] = set()
    for subject, facet in SUBJECT_FACETS.items():
        if subject in query.q and facet not in seen and "yes" not in query.selected(facet) \
                and f"{facet}:" not in query.q:
            seen.add(facet)
            out.append(FacetHint(subject, facet, FACET_LABELS.get(facet, facet), query.toggled(facet, "yes")))
    return out


def correction_notes(c: Corrected) -> list[str]:
    """What the search did to the typed query, in words (places read with their suffix, a place
    that begins several, an unknown field name taken out)."""
    notes = [f"{FACET_LABELS.get(n, n)}“{typed}”按“{got}”检索" for n, typed, got in c.matched]
    notes += [f"{FACET_LABELS.get(n, n)}“{typed}”不是完整地名，可能是：{'、'.join(cands)}；请选其一"
              for n, typed, cands in c.ambiguous]
    notes += [f"没有名为“{name}”的字段，已去掉“{name}:”、按其后的文字检索全文；可用字段见检索语法"
              for name in c.unknown]
    return notes
