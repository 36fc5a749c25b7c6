"""How a report becomes Xapian terms and values: the prefixes and slots both build and search use.

Terms (the analysis is the whoosh backend's, so the same query matches the same reports):

* jieba words of the normalised text, unprefixed, with positions (matching and BM25);
* ``XT``/``XB`` + word: words of the title and of the body's name (ranking only, weighted 3 and 2
  as the whoosh fields are boosted);
* ``G`` + character bigram at each position of the normalised text (the last character alone), so
  an exact phrase of n characters is an ``OP_PHRASE`` over its n-1 bigrams, and a single character
  a wildcard over ``G<char>*``: exactly the reports whose normalised text contains it;
* ``Q`` + report id (unique: replace and delete by it);
* ``X<FIELD>:`` + value: the keyword fields (facets, yes/no and status filters, body, body id,
  file) as boolean terms.

Stored: the document's data is the report's record without its text (id, file, sha1, title,
facts: what a result row and an export need); the text (for snippets and the report page) is kept
apart in its shard's metadata under :func:`text_key`, so that reading result rows never moves the
texts over the network (the remote backend sends a document's data and all its values at once).

Values: facet strings for ``ValueCountMatchSpy``, numbers as ``sortable_serialise`` for ranges and
sorts, ``group NUL number`` pairs for the overview's sums by year, body and status, the file name,
and one sort key per sort order (the remote backend takes no ``KeyMaker``:
a sort is by one slot, so each key is the number, fixed-width and inverted when descending, then the
file name, with unknown numbers last, as the whoosh backend sorts).
"""

from __future__ import annotations

SCHEMA_VERSION = "x4"  # x3: the text in the shard's metadata, not in the document's data; x4: format

ID_PREFIX = "Q"
GRAM_PREFIX = "G"
TITLE_PREFIX = "XT"
BODY_PREFIX = "XB"
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 2.0
MAX_TERM_BYTES = 240  # Xapian refuses terms over 245 bytes

# The facets of the registry (``facets.DEFAULT``) this schema indexes, by name: their values are
# taken from the facts by the registry's own facets (``Facet.stored``), as the whoosh document is.
# A facet the registry gains later (a corpus-derived one, read from a whoosh generation's side
# table) is not here: searching on it is refused with a message (``search.Unsupported``), never a
# silently empty answer.
KEYWORD_FACETS: tuple[str, ...] = ("province", "city", "county", "town", "status", "has_applications",
                                   "has_reconsideration", "has_litigation", "body", "body_id", "format")
NUMBER_FACETS: tuple[str, ...] = (
    "year", "applications_new", "applications_total", "reconsideration_total", "litigation_total",
    "applications_carried_over", "granted_share", "granted_full", "applications_partial",
    "applications_carried_forward", "reconsideration_corrected", "litigation_corrected")
# Fields that take ``field:value`` in the query language: boolean terms.
KEYWORD_FIELDS: tuple[str, ...] = (*KEYWORD_FACETS, "file")

FILE_SLOT = 0
# Listed facets (and the body's name, for the overview and the autocomplete) hold the value as
# text, for ``ValueCountMatchSpy`` (the year too, as its facet shows it).
FACET_SLOTS: dict[str, int] = {
    "year": 1, "province": 2, "city": 3, "county": 4, "town": 5, "status": 6,
    "has_applications": 7, "has_reconsideration": 8, "has_litigation": 9, "body": 10, "format": 11,
}
# Number slots hold sortable_serialise(value); an unknown number has no value.
NUMBER_SLOTS: dict[str, int] = {name: 20 + i for i, name in enumerate(NUMBER_FACETS)}

# Sort order → (number field, descending, slot of its precomputed key).
SORT_SLOTS: dict[str, tuple[str, bool, int]] = {
    "year": ("year", True, 40), "year_asc": ("year", False, 41),
    "applications": ("applications_new", True, 42), "litigation": ("litigation_total", True, 43),
}

# Grouped sums for a result set's overview, counted by Xapian's match spies across the shards: a
# slot per (group, number) holding ``group value NUL number`` (only when both are known), so a
# ``ValueCountMatchSpy`` over it gives, per group value, how many reports have each number: their sum.
PAIR_SEP = "\0"
GROUPED: dict[tuple[str, str], int] = {
    pair: 50 + i for i, pair in enumerate(
        [("year", n) for n in ("applications_new", "reconsideration_total", "litigation_total")]
        + [("body", n) for n in ("applications_new", "litigation_total")]
        + [("status", n) for n in ("granted_full", "applications_partial", "applications_total",
                                   "reconsideration_corrected", "reconsideration_total",
                                   "litigation_corrected", "litigation_total")])}
_BIAS = 1 << 62


def sort_key(value: int | None, descending: bool, file: str) -> bytes:
    """A key whose byte order is: known values by ``value`` (descending or not), unknown last, then
    by file name (UTF-8 byte order is code point order, as Python sorts strings)."""
    if value is None:
        head = b"~"
    else:
        head = b"%016x" % ((_BIAS - value) if descending else (_BIAS + value))
    return head + b"\0" + file.encode("utf-8")


def field_term(field: str, value: str) -> str:
    """The boolean term of a keyword field's value."""
    return f"X{field.upper()}:{value}"


def id_term(report_id: str) -> str:
    return ID_PREFIX + report_id


def text_key(report_id: str) -> str:
    """The shard metadata key holding a report's text (zlib-compressed UTF-8)."""
    return "nianbao_text:" + report_id


def shard_of(report_id: str, shards: int) -> int:
    """The shard a report lives in: a stable hash of its id (the same on every machine and run)."""
    import zlib

    return zlib.crc32(report_id.encode("ascii")) % shards
