"""The facet registry: every field a search can filter or count on, declared once.

Modelled on Datasette's ``facets.py``: one class per facet kind. A facet says where its value comes
from in a facts record, how it is stored in whoosh (an ``ID`` or ``NUMERIC`` sortable column), how a
value typed in a URL or in query text is read, and how its counts are ordered. The schema
(``indexer.schema.make_schema``), the document mapping (``document.py``), the query language's field
filters, :class:`~indexer.engine.query.Query` parsing, facet counting (``columns.py``), the command
line's options and the web UI all read the registry, so a facet added here appears everywhere.

The core keeps names only; labels for people live in ``webui/labels.py``. A hierarchy
(province › city › county › town as one facet) is :class:`HierarchyFacet`.

The registry in force is :func:`current` (a context variable, :data:`DEFAULT` unless a test swaps
in its own with :func:`using`): the query language reads it while parsing, without a registry
being threaded through its grammar.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from whoosh.fields import ID, NUMERIC, FieldType

from indexer.engine.errors import QueryError
from indexer.extract.read import FORMATS

FACET_SIZE = 30  # values listed per facet, most frequent first (selected ones always)
FACET_MAX = 2000  # values listed when a facet is expanded

Extract = Callable[[Mapping[str, Any]], Any]


def fact(name: str) -> Extract:
    """The value of top-level fact ``name``."""
    return lambda facts: facts.get(name)


def subfact(group: str, key: str) -> Extract:
    """The value of ``facts[group][key]`` (a number group such as ``applications``)."""
    return lambda facts: (facts.get(group) or {}).get(key)


@dataclass(frozen=True)
class Facet:
    """One field of the index that searches filter on. ``listed``: counted for every search and shown
    in the facet lists, in registry order."""

    kind: ClassVar[str] = ""
    name: str
    extract: Extract
    listed: bool = True
    size: int | None = None  # values listed (None: FACET_SIZE); FACET_MAX when expanded
    # the value depends on other reports: read from the generation's corpus-facts table
    # (``corpusfacts.py``), not stored in the whoosh document; ``extract`` reads that table's row
    corpus: bool = False

    def shown(self, expanded: bool) -> int:
        """How many values to list, the selected ones aside."""
        if expanded:
            return FACET_MAX
        return FACET_SIZE if self.size is None else self.size

    def field(self) -> FieldType:
        raise NotImplementedError

    def stored(self, facts: Mapping[str, Any]) -> str | int | None:
        """The value put in the index document (None: the field is left out)."""
        raise NotImplementedError

    def parse(self, value: str) -> str:
        """A value from a URL argument or query text, as stored. Raises :class:`QueryError`."""
        return value

    def ordered(self, counts: Mapping[str, int], limit: int | None = None) -> list[tuple[str, int]]:
        """The counted values in display order (the first ``limit`` of them: a town facet over
        10,000 reports has thousands of values, and only the top ones are shown)."""
        if limit is not None and isinstance(counts, CodeCounts):
            return counts.most_frequent(limit)
        return _first(counts.items(), lambda kv: (-kv[1], kv[0]), limit)


@dataclass(frozen=True)
class ValueFacet(Facet):
    """A text value (a place, the publishing body, the data-quality status). ``order`` fixes the
    display order of known values (others follow, most frequent first)."""

    kind: ClassVar[str] = "value"
    order: tuple[str, ...] = ()

    def field(self) -> FieldType:
        return ID(stored=True, sortable=True)

    def stored(self, facts: Mapping[str, Any]) -> str | None:
        value = self.extract(facts)
        return str(value) if value else None

    def ordered(self, counts: Mapping[str, int], limit: int | None = None) -> list[tuple[str, int]]:
        if not self.order:
            return super().ordered(counts, limit)
        rank = {v: i for i, v in enumerate(self.order)}
        return _first(counts.items(), lambda kv: rank.get(kv[0], len(rank)), limit)


YES, NO, UNKNOWN = "yes", "no", "unknown"
_YES_NO_SPELLINGS = {
    **dict.fromkeys(("1", "yes", "true", "y", "是"), YES),
    **dict.fromkeys(("0", "no", "false", "n", "否"), NO),
    UNKNOWN: UNKNOWN,
}


def yes_no(value: str, name: str) -> str:
    """``yes``, ``no`` or ``unknown`` from any accepted spelling; the one parser of URL arguments
    and query text (``has_litigation=1`` and ``has_litigation:1`` mean the same)."""
    got = _YES_NO_SPELLINGS.get(value.strip().lower())
    if got is None:
        raise QueryError(f"{name} 取值为 1（是）、0（否）或 unknown")
    return got


@dataclass(frozen=True)
class YesNoFacet(Facet):
    """Whether a count is above zero (``unknown`` when the report does not give it)."""

    kind: ClassVar[str] = "yes/no"

    def field(self) -> FieldType:
        return ID(stored=True, sortable=True)

    def stored(self, facts: Mapping[str, Any]) -> str:
        n = self.extract(facts)
        if not isinstance(n, int):
            return UNKNOWN
        return YES if n > 0 else NO

    def parse(self, value: str) -> str:
        return yes_no(value, self.name)

    def ordered(self, counts: Mapping[str, int], limit: int | None = None) -> list[tuple[str, int]]:
        rank = {YES: 0, NO: 1, UNKNOWN: 2}
        return _first(counts.items(), lambda kv: rank.get(kv[0], 3), limit)


@dataclass(frozen=True)
class NumberFacet(Facet):
    """An integer. ``ranged``: the URL takes ``<name>_min`` / ``<name>_max``; a listed number (the
    year) is counted per value, newest first. Query text takes ``name:>=1``, ``name:[1 TO 5]``."""

    kind: ClassVar[str] = "number"
    listed: bool = False
    ranged: bool = False

    def field(self) -> FieldType:
        return NUMERIC(int, bits=32, stored=True, sortable=True, signed=True)

    def stored(self, facts: Mapping[str, Any]) -> int | None:
        value = self.extract(facts)
        return value if isinstance(value, int) else None

    def ordered(self, counts: Mapping[str, int], limit: int | None = None) -> list[tuple[str, int]]:
        return _first(counts.items(), lambda kv: -int(kv[0]), limit)


class CodeCounts(Mapping[str, int]):
    """One facet's counts over a matched set, as numpy counts per value code (code 0: no value).

    A town facet at 100,000 reports has tens of thousands of values; building a Counter of all of
    them and picking the top 30 cost tens of milliseconds a search. This reads as the same mapping
    (value → count, values counted at least once, in code order) but builds the dictionary only
    when asked for it, and picks the most frequent values with numpy (:meth:`most_frequent`).
    """

    __slots__ = ("_code_of", "_dict", "labels", "per_code")

    def __init__(self, labels: list[str], per_code, code_of: Mapping[str, int]) -> None:
        self.labels, self.per_code, self._code_of = labels, per_code, code_of
        self._dict: dict[str, int] | None = None

    def _as_dict(self) -> dict[str, int]:
        if self._dict is None:
            import numpy as np

            labels, per_code = self.labels, self.per_code
            self._dict = {labels[i]: int(per_code[i]) for i in (np.flatnonzero(per_code[1:]) + 1).tolist()}
        return self._dict

    def __getitem__(self, value: str) -> int:
        code = self._code_of.get(value)
        if not code or not self.per_code[code]:
            raise KeyError(value)
        return int(self.per_code[code])

    def __iter__(self) -> Iterator[str]:
        return iter(self._as_dict())

    def __len__(self) -> int:
        return int((self.per_code[1:] > 0).sum())

    def items(self):  # the dictionary's own view (the same pairs, faster)
        return self._as_dict().items()

    def most_frequent(self, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` values counted most, ties by value: ``sorted(items, key=(-count,
        value))[:limit]`` over the few codes at or above the ``limit``-th count only."""
        import numpy as np

        counts = self.per_code[1:]
        if limit <= 0 or not len(counts):
            return []
        if limit < len(counts):
            kth = np.partition(counts, len(counts) - limit)[len(counts) - limit]
            picked = np.flatnonzero(counts >= max(int(kth), 1))
        else:
            picked = np.flatnonzero(counts)
        labels = self.labels
        rows = [(labels[i + 1], int(counts[i])) for i in picked.tolist()]
        return sorted(rows, key=lambda kv: (-kv[1], kv[0]))[:limit]


def _first(items, key, limit: int | None) -> list[tuple[str, int]]:
    """``sorted(items, key=key)[:limit]``, without sorting all of them when only a few are wanted."""
    items = list(items)
    if limit is None or limit >= len(items):
        return sorted(items, key=key)
    return heapq.nsmallest(limit, items, key=key)


def share(numerator: Extract, denominator: Extract) -> Extract:
    """``numerator / denominator`` in whole per cent (None when either is unknown or the
    denominator is 0): a number facet of a rate."""

    def extract(facts: Mapping[str, Any]) -> int | None:
        a, b = numerator(facts), denominator(facts)
        if not isinstance(a, int) or not isinstance(b, int) or b <= 0:
            return None
        return round(100 * a / b)

    return extract


def total_of(*parts: Extract) -> Extract:
    """The sum of ``parts`` (None when any is unknown)."""

    def extract(facts: Mapping[str, Any]) -> int | None:
        values = [p(facts) for p in parts]
        return sum(values) if all(isinstance(v, int) for v in values) else None

    return extract


def reuse_bucket(facts: Mapping[str, Any]) -> str | None:
    """The reuse facet's bucket of ``reuse_max`` (the best share of the report's own text found in
    another report): ``under_20``, ``20_50``, ``50_80``, ``over_80`` (None when not computed)."""
    share = facts.get("reuse_max")
    if not isinstance(share, int | float):
        return None
    for bound, name in ((0.2, "under_20"), (0.5, "20_50"), (0.8, "50_80")):
        if share < bound:
            return name
    return "over_80"


def percent(name: str) -> Extract:
    """A 0..1 fact in whole per cent (a number facet: ranges and sorts take integers)."""

    def extract(facts: Mapping[str, Any]) -> int | None:
        value = facts.get(name)
        return round(100 * value) if isinstance(value, int | float) else None

    return extract


def table_total(group: str, row: str) -> Extract:
    """The 总计 column of row ``row`` of table ``group`` (``facts["tables"][group][row]["total"]``)."""
    return lambda facts: ((((facts.get("tables") or {}).get(group) or {}).get(row)) or {}).get("total")


@dataclass(frozen=True)
class HierarchyFacet:
    """Levels of other (value) facets read as one path, e.g. province › city › county › town. Not a
    field of its own: the URL's ``<name>=某省/某市`` filters each level, and the counts of the
    next level are that level's facet counts over the result set."""

    kind: ClassVar[str] = "hierarchy"
    name: str
    levels: tuple[str, ...]
    sep: str = "/"

    def parse(self, value: str) -> tuple[str, ...]:
        path = tuple(p.strip() for p in value.split(self.sep) if p.strip())
        if len(path) > len(self.levels):
            raise QueryError(f"{self.name} 最多 {len(self.levels)} 级（{self.sep} 分隔）")
        return path


class Registry:
    """The facets of one index, in display order (hierarchies aside: :attr:`hierarchies`)."""

    def __init__(self, facets: tuple[Facet | HierarchyFacet, ...]) -> None:
        self.hierarchies = tuple(f for f in facets if isinstance(f, HierarchyFacet))
        plain = tuple(f for f in facets if not isinstance(f, HierarchyFacet))
        names = [f.name for f in plain]
        if len(set(names)) != len(names):
            raise ValueError(f"facet names repeat: {names}")
        self.facets = plain
        self._by_name = {f.name: f for f in plain}
        # read for every facet value of every search: computed once
        numbers = [f for f in plain if isinstance(f, NumberFacet)]
        self.listed = tuple(f.name for f in plain if f.listed)  # counted for every search, in order
        self.rank = {name: i for i, name in enumerate(self.listed)}  # display place of a listed facet
        self.ranged = tuple(f.name for f in numbers if f.ranged)  # filtered with <name>_min / _max
        self.numbers = tuple(f.name for f in numbers)
        self.corpus = tuple(f.name for f in plain if f.corpus)  # from the corpus-facts table

    def __iter__(self) -> Iterator[Facet]:
        return iter(self.facets)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Facet:
        return self._by_name[name]

    def get(self, name: str) -> Facet | None:
        return self._by_name.get(name)

    def with_facet(self, facet: Facet) -> Registry:
        """This registry with one more facet (listed ones last among the listed)."""
        return Registry((*self.facets, *self.hierarchies, facet))

    def hierarchy(self, name: str) -> HierarchyFacet | None:
        return next((h for h in self.hierarchies if h.name == name), None)


DEFAULT = Registry((
    NumberFacet("year", fact("year"), listed=True),
    ValueFacet("province", fact("province")),
    ValueFacet("city", fact("city")),
    ValueFacet("county", fact("county")),
    ValueFacet("town", fact("town")),
    ValueFacet("status", fact("status"), order=("verified", "inconsistent", "partial", "no_tables")),
    # how the report was read: a scan read by OCR (its numbers as trustworthy as its identities say),
    # a PDF whose image pages were not read (read.FORMATS)
    ValueFacet("format", fact("format"), order=FORMATS),
    YesNoFacet("has_applications", subfact("applications", "new")),
    YesNoFacet("has_reconsideration", subfact("reconsideration", "total")),
    YesNoFacet("has_litigation", fact("litigation_total")),
    ValueFacet("body", fact("body"), listed=False),
    ValueFacet("body_id", fact("body_id"), listed=False),  # one body across years (/bodies/<id>)
    NumberFacet("applications_new", subfact("applications", "new"), ranged=True),
    NumberFacet("applications_total", subfact("applications", "handled_total")),
    NumberFacet("reconsideration_total", subfact("reconsideration", "total"), ranged=True),
    NumberFacet("litigation_total", fact("litigation_total"), ranged=True),
    NumberFacet("applications_carried_over", subfact("applications", "carried_over"), ranged=True),
    # 予以公开 / 办理结果总计, whole per cent
    NumberFacet("granted_share", share(subfact("applications", "granted"),
                                       subfact("applications", "handled_total")), ranged=True),
    # read by the overview of a result set (sums and rates), not filtered on
    NumberFacet("granted_full", subfact("applications", "granted")),
    NumberFacet("applications_partial", table_total("applications", "partial")),
    NumberFacet("applications_carried_forward", subfact("applications", "carried_forward")),
    NumberFacet("reconsideration_corrected", subfact("reconsideration", "corrected")),
    NumberFacet("litigation_corrected", total_of(subfact("litigation_direct", "corrected"),
                                                 subfact("litigation_after_reconsideration", "corrected"))),
    # facts that depend on other reports (corpusfacts.py): same counting, filters and sorts
    ValueFacet("cross_year", fact("cross_year"), corpus=True,
               order=("consistent", "inconsistent", "unknown")),
    ValueFacet("reuse", reuse_bucket, corpus=True, order=("over_80", "50_80", "20_50", "under_20")),
    ValueFacet("reuse_kind", fact("reuse_kind"), corpus=True, order=("other_body", "same_body", "none")),
    NumberFacet("reuse_share", percent("reuse_max"), corpus=True, ranged=True),  # reuse_max, whole %
    HierarchyFacet("place", ("province", "city", "county", "town")),
))

_current: contextvars.ContextVar[Registry] = contextvars.ContextVar("nianbao_facets", default=DEFAULT)


def current() -> Registry:
    """The registry in force (:data:`DEFAULT` unless inside :func:`using`)."""
    return _current.get()


@contextlib.contextmanager
def using(registry: Registry) -> Iterator[Registry]:
    """Build, open and search with ``registry`` inside this block (tests, a second corpus kind)."""
    token = _current.set(registry)
    try:
        yield registry
    finally:
        _current.reset(token)
