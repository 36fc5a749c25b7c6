"""What a typed query is searched as: the one home of the forgiving reading that the page, the API,
the exports and the command line share, so that an export holds exactly the reports the page listed.

Places typed without their suffix are read as the indexed place (``town:某楼`` → ``town:某楼镇``;
a prefix that begins several places is left as typed and the candidates named), and a ``name:``
that is no field of the index is a typo, not text to find: it is taken out and what follows is
searched as words. The core returns what it did; the web layer and the CLI word it for people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from indexer.engine.backend import OpenIndex
from indexer.engine.query import Query


@dataclass(frozen=True)
class Corrected:
    query: Query  # what is searched
    typed: Query  # what was asked
    matched: list[tuple[str, str, str]]  # (place field, typed, indexed value read for it)
    ambiguous: list[tuple[str, str, list[str]]]  # (place field, typed, the indexed places it begins)
    unknown: list[str]  # field names that are no field (their ``name:`` taken out)

    @property
    def changed(self) -> bool:
        return self.query != self.typed


def corrected(index: OpenIndex, query: Query) -> Corrected:
    """``query`` as it is searched on ``index``, and every change made to it. Raises nothing the
    search would not (a malformed query is the search's :class:`QueryError` to raise)."""
    forgiven = index.forgiving(query)
    searched = forgiven.query
    unknown = index.unknown_fields(query.q)
    for name in unknown:
        searched = replace(searched, q=re.sub(rf"(^|[\s(-]){re.escape(name)}:", r"\1", searched.q))
    return Corrected(searched, query, forgiven.matched, forgiven.ambiguous, unknown)
