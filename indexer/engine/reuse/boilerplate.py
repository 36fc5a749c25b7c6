"""Template wording learned from the corpus itself: shingles found in too many reports to mean a copy.

The rule: a shingle (two consecutive masked sentences, see ``units``) is boilerplate when it is found
in at least ``max(min_count, share × N)`` of the N reports. Defaults: ``share`` 0.02, ``min_count``
20. Why 2 % and not 30 %: statutory sentences, headings and table labels are in most reports and
would go at 30 %, but stock sentences ("二是主动公开目录更新不够及时") each recur in 5-25 % of reports
without being copied; at 30 % two unrelated generated reports still share 23 % (median), at 2 %
13 %. The minimum count keeps a small corpus (or a body's own ten reports) from calling its own
repeated text template wording. The set is learned on a full build and kept in the index
(``reuse_boilerplate.json`` beside it lists each shingle, its report count and one example text);
incremental adds count their shingles but do not re-learn it until the next full build.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BOILERPLATE_SHARE = 0.02
BOILERPLATE_MIN_COUNT = 20


def threshold(n_reports: int, share: float = BOILERPLATE_SHARE,
              min_count: int = BOILERPLATE_MIN_COUNT) -> int:
    """How many reports a shingle must be found in to be template wording."""
    return max(min_count, int(np.ceil(share * n_reports)))


@dataclass
class Boilerplate:
    """The learned set (sorted uint64 keys, for ``np.isin``) and what explains it."""

    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    counts: dict[int, int] = field(default_factory=dict)  # key → reports it is found in
    examples: dict[int, str] = field(default_factory=dict)  # key → one text it stands for
    n_reports: int = 0
    min_reports: int = 0

    @classmethod
    def learn(cls, df: Counter, n_reports: int, examples: dict[int, str], share: float = BOILERPLATE_SHARE,
              min_count: int = BOILERPLATE_MIN_COUNT) -> Boilerplate:
        need = threshold(n_reports, share, min_count)
        chosen = {k: c for k, c in df.items() if c >= need}
        keys = np.array(sorted(chosen), dtype=np.uint64)
        return cls(keys, chosen, {k: examples.get(k, "") for k in chosen}, n_reports, need)

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: int) -> bool:
        return key in self.counts

    def to_json(self) -> dict:
        rows = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return {
            "rule": f"a shingle found in at least {self.min_reports} of {self.n_reports} reports "
                    f"(max(min_count, share × reports)) is template wording and does not count",
            "reports": self.n_reports, "min_reports": self.min_reports,
            "shingles": [{"key": f"{k:016x}", "reports": c, "text": self.examples.get(k, "")}
                         for k, c in rows],
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
