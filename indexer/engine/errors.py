"""Errors shared by the query core and its callers."""


class QueryError(ValueError):
    """A query the user must fix: the message is shown as is (page) or as JSON (API, 400)."""


class IndexMissing(RuntimeError):
    """No index at the configured folder: build one with `python -m indexer build`."""
