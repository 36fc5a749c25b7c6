"""Reuse detection: which text of a report was copied from last year's or another body's, and how much.

Self-contained (the build, facets and UI wire it in): ``ReuseIndex.build(reports)`` for a full
computation, ``add``/``remove``/``update`` for incremental builds (each returns the ids whose figures
changed), ``neighbours``/``facts`` to read, ``save``/``load`` with an index generation folder, and
``shared_passages`` for the side-by-side view. Modules: ``units`` (masked sentences and shingles),
``boilerplate`` (template wording learned from the corpus), ``index`` (signatures, LSH, shares),
``store`` (the index as an SQLite file in the generation, read and written by the row),
``passages`` (shared and differing spans of two texts), ``minhash`` (datasketch's signature in numpy).
"""

from .boilerplate import Boilerplate
from .index import BOILERPLATE_FILE, INDEX_FILE, RULE, Neighbour, ReportInput, ReuseIndex, Settings, places_of
from .passages import Comparison, Passage, shared_passages

__all__ = ["BOILERPLATE_FILE", "INDEX_FILE", "RULE", "Boilerplate", "Comparison", "Neighbour", "Passage",
           "ReportInput", "ReuseIndex", "Settings", "places_of", "shared_passages"]
