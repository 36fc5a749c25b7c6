"""Errors shared by the query core and its callers."""


class QueryError(ValueError):
    """A query the user must fix: the message is shown as is (page) or as JSON (API, 400)."""


class Unsupported(QueryError):
    """A field of the facet registry that the backend in use does not index (on the xapian backend,
    a corpus-derived one the whoosh build computes in its generation's side table): said as a
    message (HTTP 400), not an empty result that would look like an answer. ``name`` is the field's
    name; the web layer names it by its label (``webui/labels.py``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"“{name}”在 Xapian 后端上不可用：这个字段只有 whoosh 后端索引"
                         f"（{name} is not indexed by the xapian backend）")


class IndexMissing(RuntimeError):
    """No index at the configured folder: build one with `python -m indexer build`."""
