"""Template wording learned from the corpus itself, in three layers, each by how many reports have it.

1. **Headings**: short pieces that end no sentence (headings, table labels, the title) found standing
   alone in at least ``max(min_count, share × N)`` of the N reports. They never count, and where a
   layout runs a heading into the sentence after it ("（五）监督保障情况主动接受…"), the heading is
   taken off the sentence's front before the sentence is keyed, so the sentence is the same sentence
   in every layout.
2. **Template sentences**: a masked sentence (see ``units``) found in at least
   ``max(min_count, template_share × N)`` reports (default 30 %): the statutory sentences, the fixed
   phrases of the template. They are left out of a report's own text.
   **Common wording**: a sentence found in at least ``max(min_count, wording_share × N)`` reports
   (default 20 %) but not a template sentence stays in the report's sequence (it still joins the
   sentences either side of it into a run, and a run's evidence counts its bits) but weighs nothing:
   it counts in no share, neither as found nor in the report's own text. Such a sentence ("现将某年本镇
   政府信息公开年度报告向社会公布", "二是工作人员业务能力有待提高") is found in a copy whether it was
   copied or written afresh from the same wording, so counting it made shares wrong both ways.
3. **Stock runs**: two consecutive own sentences (a *shingle*) found together in at least
   ``max(min_count, share × N)`` reports (default 2 %). Stock sentences ("二是主动公开目录更新不够
   及时") recur one by one in 5-25 % of unrelated reports; a copy keeps them in the order it took them,
   and an order that many reports share is template wording again: a stock run alone never counts
   as found in another report, only inside a run that holds a shingle that is not one, or in a pair
   that shares such a run elsewhere (``units``: in a related pair it is shared text like any other).
   Stock sentences stay own text (a share's denominator), as they are the report's prose.

The sentence counts are kept too (``bits``): how many reports have a sentence tells how much its
being in two reports says (``index``: evidence). And the whole sentences (keyed whole, not by their
end) found in more than :func:`lone_bound` reports (10, one body's reports over a decade, or 1 in
5,000 of all reports where that is more): any other own sentence is *lone*, rare as written, and
counts as found in another report that has it even standing alone (``units.Sequence.lone_in``).
Why a share as well as 10 (index format 13): rarity is relative. A county's sentence about its
portal ("本报告在“某县人民政府门户网站”(http://…)上全文公开…", names and digits masked) stands in a few
of its bodies' reports; 10,000 generated reports hold it in at most 10, 100,000 in 11-16, so past
50,000 reports a copied one of them no longer counted, and 8 planted copies' shares fell 8-26
points under the overlap. At 1 in 5,000 a sentence is as rare at 100,000 reports as at 10 in 50,000.

Why sentences at 30 % and runs at 2 %: measured on 2,000 generated reports, a sentence rule at 2 %
(the first version) left the median report ~190 characters of own text out of ~500 of prose, too
little to tell a copy from chance (most planted copies rested on fewer than 250 shared characters,
and recall was 0.12 of all planted copies); sentences at 30 % and runs at 2 % leave ~490 characters
of own text and the planted shares close to what was copied. The minimum count keeps a small
corpus (or a body's own ten reports) from calling its own repeated text template wording. The set
is learned on a full build and kept in the index (``reuse_boilerplate.json`` beside it lists each
item, its report count and its masked text); incremental adds use it as it is until the next full
build.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BOILERPLATE_SHARE = 0.02
TEMPLATE_SHARE = 0.3
WORDING_SHARE = 0.2
BOILERPLATE_MIN_COUNT = 20
LONE_MAX_REPORTS = 10
LONE_MAX_SHARE = 1 / 5000


def lone_bound(n_reports: int, least: int = LONE_MAX_REPORTS, share: float = LONE_MAX_SHARE) -> int:
    """The most reports a whole sentence may be found in and still count standing alone: ``least``,
    or ``share`` of the reports where that is more (see the module docstring)."""
    return max(least, int(n_reports * share))


# the fewest reports rarity and the evidence bar are reckoned on (see bits, ReuseIndex.min_evidence)
FEWEST_REPORTS = 100
# The year the revised 条例 took effect (2019-05-15) and the annual report template with it: reports
# before it follow the old regulation (prose, no fixed tables) and share its wording among themselves
NEW_EDITION_FROM = 2019


def edition(year: int | None) -> int:
    """The template edition a report of ``year`` follows: 0 before 2019, 1 from 2019 (and without a
    year). A sentence's rarity is counted among the reports of its report's edition (``bits``)."""
    return 0 if year is not None and year < NEW_EDITION_FROM else 1


def threshold(n_reports: int, share: float = BOILERPLATE_SHARE,
              min_count: int = BOILERPLATE_MIN_COUNT) -> int:
    """How many reports a piece must be found in to be template wording."""
    return max(min_count, int(np.ceil(share * n_reports)))


def _keys(chosen: dict[int, int]) -> np.ndarray:
    return np.array(sorted(chosen), dtype=np.uint64)


@dataclass
class Boilerplate:
    """The learned layers (sorted uint64 keys, for ``np.isin``) and what explains them."""

    headings: frozenset[str] = frozenset()
    template: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    common: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # stock runs
    counts: dict[int, int] = field(default_factory=dict)  # template sentence key → reports it is in
    # common wording (sorted keys): sentences in many reports, not template ones, that weigh nothing
    wording: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    wording_counts: dict[int, int] = field(default_factory=dict)
    run_counts: dict[int, int] = field(default_factory=dict)  # stock run key → reports it is in
    heading_counts: dict[str, int] = field(default_factory=dict)
    # shingles found in more reports than a signature takes (``bulk``; stock runs are not seeds anyway)
    frequent: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    df_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # every sentence
    df_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))  # reports it is in
    # the same per template edition (``edition``): its sentence keys, their counts, its reports
    edition_df: dict[int, tuple[np.ndarray, np.ndarray, int]] = field(default_factory=dict)
    # whole-sentence keys found in more than lone_max_reports reports (``units.whole_key``); None: not
    # learned (an index of an older format), so no sentence counts standing alone
    common_wholes: np.ndarray | None = None
    lone_max_reports: int = LONE_MAX_REPORTS
    examples: dict[int, str] = field(default_factory=dict)  # key → its masked text
    n_reports: int = 0
    # ordered pairs of those reports that name the same body (two reports of one body: 2); the pairs a
    # same-body neighbour could be by chance, as ~N² are for any neighbour (``ReuseIndex.min_evidence``)
    same_body_pairs: int = 0
    min_reports: int = 0  # for headings and stock runs
    min_template_reports: int = 0
    min_wording_reports: int = 0

    @classmethod
    def learn_headings(cls, df: Counter, n_reports: int, share: float = BOILERPLATE_SHARE,
                       min_count: int = BOILERPLATE_MIN_COUNT) -> Boilerplate:
        """The first layer (the others need it: a sentence is keyed without its heading)."""
        need = threshold(n_reports, share, min_count)
        chosen = {h: c for h, c in df.items() if c >= need}
        return cls(headings=frozenset(chosen), heading_counts=chosen, n_reports=n_reports, min_reports=need)

    def learn_template(self, keys: np.ndarray, counts: np.ndarray, share: float = TEMPLATE_SHARE,
                       min_count: int = BOILERPLATE_MIN_COUNT, wording_share: float = WORDING_SHARE) -> None:
        """Template sentences and common wording from every sentence key (sorted) and the reports it
        is found in."""
        self.min_template_reports = threshold(self.n_reports, share, min_count)
        chosen = counts >= self.min_template_reports
        self.template = keys[chosen]
        self.counts = dict(zip(self.template.tolist(), counts[chosen].tolist(), strict=True))
        self.min_wording_reports = min(threshold(self.n_reports, wording_share, min_count),
                                       self.min_template_reports)
        common = (counts >= self.min_wording_reports) & ~chosen
        self.wording = keys[common]
        self.wording_counts = dict(zip(self.wording.tolist(), counts[common].tolist(), strict=True))

    def learn_runs(self, keys: np.ndarray, counts: np.ndarray, signature_max_reports: int) -> None:
        """Stock runs from every shingle key (sorted) and its report count; and the shingles found in
        more than ``signature_max_reports`` reports that are not stock runs (left out of signatures)."""
        chosen = counts >= self.min_reports
        self.common = keys[chosen]
        self.run_counts = dict(zip(self.common.tolist(), counts[chosen].tolist(), strict=True))
        self.frequent = keys[(counts > signature_max_reports) & ~chosen]

    def learn_wholes(self, keys: np.ndarray, counts: np.ndarray, lone_max_reports: int = LONE_MAX_REPORTS
                     ) -> None:
        """The whole sentences too common to count standing alone, from every whole-sentence key
        (sorted) and the reports it is found in."""
        self.lone_max_reports = lone_max_reports
        self.common_wholes = keys[counts > lone_max_reports]

    def learn_rarity(self, keys: np.ndarray, counts: np.ndarray,
                     by_edition: dict[int, tuple[np.ndarray, np.ndarray, int]] | None = None) -> None:
        """How many reports each sentence is found in (keys sorted), for :meth:`bits`; and the same
        among the reports of each template edition (``edition``: keys, counts, reports)."""
        self.df_keys, self.df_counts = keys, counts.astype(np.uint32)
        self.edition_df = {e: (k, c.astype(np.uint32), n) for e, (k, c, n) in (by_edition or {}).items()}

    def bits(self, keys: np.ndarray, edition: int | None = None) -> np.ndarray:
        """log2(reports / reports a sentence is found in), as learned: the information that an
        unrelated report has it too; a sentence the build never saw counts as found in one. With
        ``edition``, both are counted among the reports of that template edition: the old
        regulation's reports (before 2019, a few percent of a corpus) draw on wording of their own,
        so a sentence found in 2% of all reports may be in a third of theirs, and counted over all
        reports its bits overstated how unlikely a shared run of them is (measured: unrelated pre-2019
        reports reached 40 bits at 100,000 reports, the others 33.0 = 2·log2(N)). A corpus of fewer
        than :data:`FEWEST_REPORTS` counts as that many (as ``min_evidence`` does): a handful of
        reports cannot tell how rare a sentence is, and a copy among five reports is still a copy."""
        learned = self.edition_df.get(edition) if edition is not None else None
        df_keys, df_counts, n_reports = learned if learned is not None else (
            self.df_keys, self.df_counts, self.n_reports)
        n = max(n_reports, FEWEST_REPORTS)
        if not len(df_keys) or not len(keys):
            return np.full(len(keys), np.log2(n), dtype=np.float32)
        at = np.minimum(np.searchsorted(df_keys, keys), len(df_keys) - 1)
        counts = np.where(df_keys[at] == keys, df_counts[at], 1).astype(np.float64)
        return np.log2(n / np.maximum(counts, 1)).astype(np.float32)

    @property
    def keys(self) -> np.ndarray:
        """The template sentences' keys (what the first version's ``keys`` held)."""
        return self.template

    def __len__(self) -> int:
        return len(self.headings) + len(self.template) + len(self.common)

    def __contains__(self, key: int) -> bool:
        """Whether a sentence key or a shingle key is template wording."""
        return key in self.counts or key in self.run_counts

    def to_json(self) -> dict:
        def rows(counts: dict) -> list[dict]:
            return [{"key": f"{k:016x}", "reports": c, "text": self.examples.get(k, "")}
                    for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

        wholes = None if self.common_wholes is None else [f"{k:016x}" for k in self.common_wholes.tolist()]
        return {
            "rule": f"of {self.n_reports} reports: a heading found alone in at least {self.min_reports}, "
                    f"a sentence found in at least {self.min_template_reports}, two consecutive sentences "
                    f"found together in at least {self.min_reports} are template wording and do not count; "
                    f"a sentence found in at least {self.min_wording_reports} is common wording and "
                    "counts in no share",
            "reports": self.n_reports, "same_body_pairs": self.same_body_pairs,
            "min_reports": self.min_reports,
            "min_template_reports": self.min_template_reports,
            "min_wording_reports": self.min_wording_reports,
            "headings": [{"text": h, "reports": c}
                         for h, c in sorted(self.heading_counts.items(), key=lambda kv: (-kv[1], kv[0]))],
            "sentences": rows(self.counts),
            "wording": rows(self.wording_counts),
            "shingles": rows(self.run_counts),
            "lone_max_reports": self.lone_max_reports,
            # the whole sentences found in more reports than that (None: not learned)
            "common_wholes": wholes,
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Boilerplate:
        """What ``write`` wrote, enough to compare two texts as the index does (``shared_passages``):
        a page needs the learned wording, not the whole signature index."""
        data = json.loads(path.read_text(encoding="utf-8"))

        def counts(rows: list[dict]) -> dict[int, int]:
            return {int(r["key"], 16): int(r["reports"]) for r in rows}

        sentences, runs = counts(data.get("sentences", [])), counts(data.get("shingles", []))
        wording = counts(data.get("wording", []))
        headings = {r["text"]: int(r["reports"]) for r in data.get("headings", [])}
        examples = {int(r["key"], 16): r.get("text", "")
                    for key in ("sentences", "shingles", "wording") for r in data.get(key, [])}
        wholes = data.get("common_wholes")
        common_wholes = None if wholes is None else np.array(sorted(int(k, 16) for k in wholes),
                                                             dtype=np.uint64)
        return cls(headings=frozenset(headings), template=_keys(sentences), common=_keys(runs),
                   wording=_keys(wording), wording_counts=wording,
                   common_wholes=common_wholes,
                   lone_max_reports=int(data.get("lone_max_reports", LONE_MAX_REPORTS)),
                   counts=sentences, run_counts=runs, heading_counts=headings, examples=examples,
                   n_reports=int(data.get("reports", 0)),
                   same_body_pairs=int(data.get("same_body_pairs", 0)),
                   min_reports=int(data.get("min_reports", 0)),
                   min_template_reports=int(data.get("min_template_reports", 0)),
                   min_wording_reports=int(data.get("min_wording_reports", 0)))
