"""The signature index: every report's shingles and MinHash, an LSH table, each report's nearest others.

Candidates come from MinHash + LSH (datasketch's bands, the signature computed in numpy: ``minhash``)
over each report's seed shingles (two consecutive own sentences that are not a stock run), never
from all pairs; the share is then computed exactly
on the candidates' kept sequences, so the index alone (not the corpus) answers an add, remove or update:

    share(A → B) = weight(A's own sentences found in B) / weight(A's own sentences)

"own" = not template wording (see ``boilerplate``); weights are masked sentence lengths (0 for
common wording, found in 20 % of reports or more), so a share is the part of A's own text found in B
(directional: a short report copied whole into a long one shares 1.0 of itself, the long one less).
Found: the sentence and the one before or after it stand in B too, one after the other (a shingle
both have; stock sentences recur one by one, a copy keeps them in order; a stock run counts once
the pair shares a run that is not one, as it is text A has in B too); or the sentence is *lone*,
its whole masked text found in at most ``boilerplate.lone_bound`` reports (10, or 1 in 5,000 where
that is more) at the full build, and B has it too: a copied one-sentence paragraph ("本报告在“中国·
某县”(http://…)上全文公开…"), whose end is stock wording and whose neighbours were not copied, shares
no shingle. Lone sentences add to the share, never to the evidence.

Facts per report (``facts``): ``reuse_from`` the neighbour with the best share that is *reuse*: a
share of at least ``min_share`` (0.4) on at least ``min_chars`` (100) characters, resting on a
shared run whose *evidence* reaches ``2·log2(N) + margin`` bits (N the reports the boilerplate was
learned on; the margin 2 bits). A sentence found in d of the N_e reports of its report's template
edition (``boilerplate.edition``: before 2019, or from 2019) is worth log2(N_e/d) bits (a sentence
only the two reports have: log2(N_e/2)); a run's evidence is the sum over its sentences, the
chance that an unrelated report has them all; the ~N²/2 pairs of unrelated reports reach about
2·log2(N) bits by chance at most.
``reuse_kind`` ``same_body`` / ``other_body`` by its body; ``reuse_max`` that share. With no such
neighbour ``reuse_kind`` is ``none``, ``reuse_from`` null and ``reuse_max`` the best share of any
neighbour (0.0 without one).

Why evidence and not a number of characters (the first version asked for 250): generated reports
draw their prose from phrase banks, so unrelated reports share stock runs by chance, up to 0.77 of
their own text at 10,000 reports; measured there, the strongest chance run of unrelated reports
reached 28.5 bits (2·log2(N) = 26.6) and 96 % of the planted copies with a share of 0.4 or more had
a run of at least 29.6 bits; 250 characters kept out most planted copies, whose own text is short.
A copy of only template and stock wording is not called reuse (nothing in it tells it from chance).

Why rarity per template edition (format 10; before it the margin grew one bit per doubling past
10,000 reports): the reports of the old regulation (before 2019: prose, no tables; 7.4 % of a
generated corpus) draw on wording of their own, so counted over all reports each of their
sentences looked 3.7 bits rarer than it is among the reports that could share it. Unrelated
pre-2019 reports then shared runs of 40.4 bits at 100,000 reports (29.6 at 10,000), where the
others' strongest chance run was 33.2 (26.6): 2·log2(N) both times, as the pairs predict. Counted
per edition, the strongest chance run of all unrelated reports is 33.0 at 100,000 (26.4 at 10,000),
pre-2019 ones 21.2 at 10,000. The margin of 2 bits leaves about 2^-3 chance pairs a corpus over the
bar if the bits were exact, and the growing margin (39.5 bits at 100,000) is gone: recall of the
planted copies at 100,000 went from 0.852 to the figure in the README.

Why a bar of its own for the same body (format 11, rule 4): a body's report of another year is a
neighbour chance can pick from only P pairs (the ordered pairs of reports naming one body:
186,922 among 100,000 generated reports, 50,222 bodies), not from the ~N² of all reports, so its
strongest chance run is about log2(P) bits and the bar log2(P) + 2 (19.5 bits there, where another
body needs 35.2). Measured there on the planted copies: recall of same-body partial copies of part
one went from 0.86-0.89 to 0.99-1.0, overall recall from 0.922 to the README's figure, with no
report without a planted copy called reuse. It is the case the issue puts first: last year's
report with the year changed.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import bulk, minhash
from .boilerplate import (
    BOILERPLATE_MIN_COUNT,
    BOILERPLATE_SHARE,
    FEWEST_REPORTS,
    LONE_MAX_REPORTS,
    LONE_MAX_SHARE,
    TEMPLATE_SHARE,
    WORDING_SHARE,
    Boilerplate,
    edition,
    lone_bound,
)
from .store import Bucket, NeighbourRow, Store, dumps
from .units import Keyed, Packed, Sequence, in_sorted, pack, pair_keys, pieces

_NO_KEYS = np.zeros(0, dtype=np.uint64)
INDEX_FILE = "reuse.sqlite"  # see ``store``
OLD_INDEX_FILE = "reuse.pkl"  # format 2 (the whole index as one pickle): removed when a new file is saved
BOILERPLATE_FILE = "reuse_boilerplate.json"
FORMAT = 14  # 4: signatures leave out frequent shingles (bulk); 5: lone sentences (whole-sentence keys);
# 6: common wording weighs nothing (``boilerplate``); 7: a numbered line wrapped at a comma goes on;
# 8: names masked after every containing place is taken off, stems that are common words kept,
# learned headings taken off a sentence's front as often as one starts it, a line starting with 。 goes on
# 9: a pair related by a seeded run counts its shared stock runs too (``Sequence.with_stock``);
# 10: sentence rarity counted per template edition (``boilerplate.edition``);
# 11: the same-body pairs counted (``Boilerplate.same_body_pairs``) for the same-body bar
# 12: a line break between a closing quote and a Chinese character (or one and an opening quote) wraps;
# a two-character stem is not masked where its characters belong to the words beside it (每周至少)
# 13: a line starting with a closing mark goes on after a numbered line too (“僵尸 / ”账号); a whole
# sentence counts alone in up to 1 in 5,000 reports where that is more than 10 (``lone_bound``)
# 14: a sentence with a bare stem is keyed as written where so it stands in another report (``Keyed``)
RULE = 4  # how a neighbour is called reuse (is_reuse); 2: the evidence margin grows past 10,000 reports;
# 3: rarity per template edition, a fixed margin of 2 bits; 4: a same-body neighbour's bar log2(P) + 2
# (``evidence_bar``)


@dataclass(frozen=True)
class ReportInput:
    """What the detector needs of a report: ``body`` is any string naming the issuing body (the
    build's ``body_id``; body + town/county until then), ``places`` the names to mask."""

    id: str
    body: str
    year: int | None
    text: str
    places: tuple[str | None, ...] = ()
    pieces: Packed | None = None  # the text's pieces, cut by a build worker (then ``text`` may be "")

    def packed(self) -> Packed:
        """The text's pieces as the index keys them."""
        return self.pieces if self.pieces is not None else pack(pieces(self.text, self.places))


def places_of(facts: Mapping) -> tuple[str | None, ...]:
    """The names a report's text is masked with, from its facts: the body and its places."""
    return tuple(facts.get(k) for k in ("body", "town", "county", "city", "province"))


@dataclass(frozen=True)
class Neighbour:
    """Another report sharing text with this one: ``share`` of this report's own text found there."""

    id: str
    share: float
    kind: str  # same_body | other_body
    when: str  # earlier | later | same_year | unknown (the other report's year against this one's)
    chars: int = 0  # of this report's own text found there (the share's numerator)
    evidence: float = 0.0  # bits of the strongest shared run (how unlikely by chance; module docstring)


@dataclass(frozen=True)
class Settings:
    k: int = 5  # neighbours kept per report
    min_share: float = 0.4  # under it: reuse_kind none
    min_chars: int = 100  # shared characters a share must rest on to call it reuse
    evidence_margin: float = 2.0  # bits over 2·log2(reports) a shared run needs (module docstring)
    num_perm: int = 128
    lsh_threshold: float = 0.1  # Jaccard of own sets; a 0.4 share of two equal reports is J = 0.25
    seed: int = 1
    boilerplate_share: float = BOILERPLATE_SHARE  # headings and stock runs
    template_share: float = TEMPLATE_SHARE  # template sentences
    wording_share: float = WORDING_SHARE  # common wording: in the sequence, in no share
    boilerplate_min_count: int = BOILERPLATE_MIN_COUNT
    signature_max_reports: int = 100  # shingles found in more reports stay out of signatures (bulk)
    # a whole sentence in at most this many reports, or this share of them where more, counts alone
    lone_max_reports: int = LONE_MAX_REPORTS
    lone_max_share: float = LONE_MAX_SHARE


@dataclass
class _Entry:
    body: str
    year: int | None
    full: np.ndarray  # distinct keys of every sentence (boilerplate too: counted for the next build)
    own: Sequence  # the sentences that count, in order
    total: int  # their weight
    signature: np.ndarray | None  # MinHash values (None: nothing of its own)
    neighbours: list[Neighbour] = field(default_factory=list)
    _keys: frozenset | None = field(default=None, compare=False, repr=False)  # not saved
    _links: frozenset | None = field(default=None, compare=False, repr=False)  # not saved

    @property
    def keys(self) -> frozenset:
        """The own seed shingles as a set: most candidates share none, and a set test (in C) tells so
        ~20x faster than ``np.isin``."""
        if self._keys is None:
            self._keys = frozenset(self.own.seeded.tolist())
        return self._keys

    @property
    def links(self) -> frozenset:
        """Every own shingle as a set (the other side of ``Sequence.runs``)."""
        if self._links is None:
            self._links = frozenset(self.own.shingles.tolist())
        return self._links

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_keys"] = state["_links"] = None
        return state

    def blob(self) -> bytes:
        """The stored row (``store``: the neighbours are rows of their own)."""
        return dumps((self.body, self.year, self.full, self.own, self.total, self.signature))

    @classmethod
    def of(cls, blob: bytes, neighbours: list[NeighbourRow]) -> _Entry:
        body, year, full, own, total, signature = pickle.loads(blob)
        return cls(body, year, full, own, total, signature, [Neighbour(*row) for row in neighbours])


def _row(n: Neighbour) -> NeighbourRow:
    return n.id, n.share, n.kind, n.when, n.chars, n.evidence


class _StoredEntries(MutableMapping[str, _Entry]):
    """The entries of an opened file: every id known, an entry read (with its neighbours) when first
    asked for; a new entry is written to the file at once (inside the open transaction)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # every id in the order added (a dict's), read when first iterated: reading 100,000 ids scans
        # the whole table, blobs and all (0.5-0.9 s), and an add asks for a few ids only
        self._ids: dict[str, None] | None = None
        self._read: dict[str, _Entry] = {}

    @property
    def _all(self) -> dict[str, None]:
        if self._ids is None:
            self._ids = dict.fromkeys(self._store.ids())
        return self._ids

    def __getitem__(self, rid: str) -> _Entry:
        entry = self._read.get(rid)
        if entry is None:
            blob = self._store.entry(rid) if self._ids is None or rid in self._ids else None
            if blob is None:
                raise KeyError(rid)
            entry = self._read[rid] = _Entry.of(blob, self._store.neighbours(rid))
        return entry

    def __setitem__(self, rid: str, entry: _Entry) -> None:
        self._store.put_entry(rid, entry.blob())
        self._store.set_neighbours(rid, [_row(n) for n in entry.neighbours])
        if self._ids is not None:
            self._ids.pop(rid, None)
            self._ids[rid] = None
        self._read[rid] = entry

    def __delitem__(self, rid: str) -> None:
        if not self._store.delete_entry(rid):
            raise KeyError(rid)
        if self._ids is not None:
            del self._ids[rid]
        self._read.pop(rid, None)

    def __contains__(self, rid: object) -> bool:
        if self._ids is not None:
            return rid in self._ids
        return rid in self._read or (isinstance(rid, str) and self._store.has_entry(rid))

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._ids) if self._ids is not None else self._store.count_entries()


_Found = tuple[str, float, int, float]  # other id, share, chars, evidence
_WHEN = {"earlier": 0, "same_year": 1, "unknown": 2, "later": 3}


def _order(n: Neighbour) -> tuple:
    return (-n.share, n.kind != "same_body", _WHEN[n.when], n.id)


def _share_once(a: _Entry, b: _Entry) -> tuple[float, int, float]:
    """:meth:`ReuseIndex._share` without keeping the two entries' sets (a full build meets each
    entry in a few pairs only; kept, the sets of 100,000 entries would hold about a gigabyte)."""
    keep_a, keep_b = a._keys is None and a._links is None, b._keys is None and b._links is None
    try:
        return ReuseIndex._share(a, b)
    finally:
        if keep_a:
            a._keys = a._links = None
        if keep_b:
            b._keys = b._links = None


def _examples(reports: Iterable[ReportInput], bp: Boilerplate) -> dict[int, str]:
    """The masked text of each learned sentence (template and common wording) and stock run (two
    sentences: "a / b"), from the first reports that have them: a pass that stops once every one is
    found."""
    want_sentences, want_runs = set(bp.counts) | set(bp.wording_counts), set(bp.run_counts)
    out: dict[int, str] = {}
    for r in reports:
        if not want_sentences and not want_runs:
            break
        got = r.packed().keyed(bp.headings)
        keys = got.keys
        texts = dict(zip(keys.tolist(), got.masked, strict=True))
        for k in want_sentences & texts.keys():
            out[k] = texts[k]
        want_sentences -= texts.keys()
        own = keys[~in_sorted(keys, bp.template)]
        if want_runs and len(own) > 1:
            for x, y, k in zip(own[:-1].tolist(), own[1:].tolist(), pair_keys(own).tolist(), strict=True):
                if k in want_runs:
                    out[k] = texts[x] + " / " + texts[y]
                    want_runs.discard(k)
    return {k: out.get(k, "") for k in (*bp.counts, *bp.wording_counts, *bp.run_counts)}


class ReuseIndex:
    """Add, remove, update reports; read neighbours and facts; save and load with a generation."""

    def __init__(self, settings: Settings | None = None, boilerplate: Boilerplate | None = None) -> None:
        self.settings = settings or Settings()
        self.boilerplate = boilerplate if boilerplate is not None else Boilerplate()  # an empty one is falsy
        # sentence key → reports it is found in: sorted arrays after a full build, a Counter once an
        # add or remove changes them (``_counter``)
        self._df_arrays: tuple[np.ndarray, np.ndarray] = (np.zeros(0, dtype=np.uint64),
                                                          np.zeros(0, dtype=np.uint32))
        self._df: Counter | None = None
        self._entries: MutableMapping[str, _Entry] = {}
        self._cited: dict[str, set[str]] = {}  # id → reports that list it among their neighbours
        # the LSH table of an index in memory (bucket → ids), made when an add or remove first needs it
        self._table: dict[Bucket, set[str]] | None = None
        # the LSH bands: an index opened from its file (``load``) has its own saved; a new one takes
        # datasketch's choice when it first needs them (``_bands``)
        self._saved_bands: list[tuple[int, int]] | None = None
        # an index opened from a file (``load``): entries, neighbours, who cites whom, the LSH buckets
        # and the sentence counts are read from it and written to it, not kept in the fields above
        self._store: Store | None = None
        # small values a caller saves with the index (corpusfacts: whether its table caught up)
        self.notes: dict[str, object] = {}

    @property
    def _bands(self) -> list[tuple[int, int]]:
        if self._saved_bands is None:
            self._saved_bands = list(minhash.lsh_bands(self.settings.lsh_threshold, self.settings.num_perm))
        return self._saved_bands

    @property
    def df(self) -> Counter:
        """Sentence key → reports it is found in (a copy, for an index opened from a file)."""
        return Counter(self._counter()) if self._store is None else self._store.df()

    def _counter(self) -> Counter:
        if self._df is None:
            keys, counts = self._df_arrays
            self._df = Counter(dict(zip(keys.tolist(), counts.tolist(), strict=True)))
        return self._df

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, reports: Iterable[ReportInput], settings: Settings | None = None) -> ReuseIndex:
        """Full computation, in three passes over ``reports`` (a list, or anything that can be
        iterated again, such as the build's spool; a one-pass iterator is read into a list): the
        headings learned, then every report's sentence keys (arrays), from which the template
        sentences, stock runs and rarity are counted (``bulk``), then the examples of what was learned.
        Then signatures, the LSH bands grouped by sorting, and each candidate pair's exact shares
        (each pair once). Memory: the keys and signatures as arrays, the entries, the pairs."""
        if iter(reports) is reports:
            reports = list(reports)
        index = cls(settings)
        s = index.settings
        heading_df: Counter = Counter()
        n = 0
        for r in reports:
            heading_df.update(r.packed().headings)
            n += 1
        bp = Boilerplate.learn_headings(heading_df, n, s.boilerplate_share, s.boilerplate_min_count)
        del heading_df
        who: list[tuple[str, str, int | None]] = []
        keys_of: list[np.ndarray] = []
        weights_of: list[np.ndarray] = []
        wholes_of: list[np.ndarray] = []
        marked: dict[int, Keyed] = {}  # reports with a sentence a bare stem may key either way
        for r in reports:
            keyed = r.packed().keyed(bp.headings)
            if keyed.plain:  # keyed again below, against every report's keys: its wholes then
                marked[len(who)] = keyed
            who.append((r.id, r.body, r.year))
            keys_of.append(keyed.keys)
            weights_of.append(keyed.weights)
            wholes_of.append(_NO_KEYS if keyed.plain else keyed.wholes())
        if marked:
            every = np.unique(np.concatenate(keys_of))
            for i, keyed in marked.items():
                taken = keyed.taking(lambda keys: in_sorted(keys, every))
                keys_of[i], weights_of[i], wholes_of[i] = taken.keys, taken.weights, taken.wholes()
        del marked
        bp.same_body_pairs = sum(c * (c - 1) for c in Counter(body for _rid, body, _year in who).values())
        editions = [edition(year) for _rid, _body, year in who]
        by_edition = {e: (*bulk.count_distinct(np.unique(k) for k, ed in zip(keys_of, editions, strict=True)
                                               if ed == e), editions.count(e))
                      for e in sorted(set(editions))}
        df_keys, df_counts = bulk.summed_counts(by_edition.values())
        bp.learn_template(df_keys, df_counts, s.template_share, s.boilerplate_min_count, s.wording_share)
        bp.learn_runs(*bulk.count_distinct(np.unique(pair_keys(k[~in_sorted(k, bp.template)]))
                                           for k in keys_of if len(k) > 1), s.signature_max_reports)
        bp.learn_rarity(df_keys, df_counts, by_edition)
        bp.learn_wholes(*bulk.count_distinct(np.unique(w) for w in wholes_of),
                        lone_bound(n, s.lone_max_reports, s.lone_max_share))
        bp.examples = _examples(reports, bp)
        index.boilerplate = bp
        index._df_arrays = (df_keys, df_counts)
        ids: list[str] = []
        signatures: list[np.ndarray] = []
        for (rid, body, year), keys, weights, wholes in zip(who, keys_of, weights_of, wholes_of, strict=True):
            entry = index._entry_of(body, year, keys, weights, wholes)
            index._entries[rid] = entry
            if entry.signature is not None:
                ids.append(rid)
                signatures.append(entry.signature)
        del who, keys_of, weights_of, wholes_of
        shares: dict[str, list[_Found]] = {rid: [] for rid in index._entries}
        pairs = bulk.band_pairs(np.array(signatures, dtype=np.uint64).reshape(len(ids), s.num_perm),
                                index._bands)
        del signatures
        width = max(len(ids), 1)
        for i, j in zip((pairs // width).tolist(), (pairs % width).tolist(), strict=True):
            rid, other = ids[i], ids[j]
            entry, them = index._entries[rid], index._entries[other]
            for x, y, mine, theirs in ((rid, other, entry, them), (other, rid, them, entry)):
                got = _share_once(mine, theirs)
                if got[1]:
                    shares[x].append((y, *got))
        for rid, found_shares in shares.items():
            index._set_neighbours(rid, index._rank(rid, found_shares))
        return index

    def _entry(self, r: ReportInput) -> _Entry:
        got = r.packed().keyed(self.boilerplate.headings).taking(self.known)
        return self._entry_of(r.body, r.year, got.keys, got.weights, got.wholes())

    def known(self, keys: np.ndarray) -> np.ndarray:
        """Which of these sentence keys the index's reports have (``units.Known``)."""
        if self._store is not None:
            return self._store.known(keys)
        if self._df is None:
            return in_sorted(keys, self._df_arrays[0])
        return np.fromiter((self._df.get(k, 0) > 0 for k in keys.tolist()), dtype=bool, count=len(keys))

    def _entry_of(self, body: str, year: int | None, keys: np.ndarray, weights: np.ndarray,
                  wholes: np.ndarray) -> _Entry:
        bp = self.boilerplate
        ed = edition(year)
        own = Sequence.of_keys(keys, weights, bp.template, bp.common, lambda k: bp.bits(k, ed), wholes,
                               bp.common_wholes,
                               bp.wording)
        return _Entry(body, year, np.unique(keys), own, own.total, self._signature(own))

    def _signature(self, own: Sequence) -> np.ndarray | None:
        """MinHash of the seed shingles found in at most ``signature_max_reports`` reports (``bulk``)."""
        seeds = own.seeded[~in_sorted(own.seeded, self.boilerplate.frequent)]
        if not len(seeds):
            return None
        return minhash.signature(seeds, self.settings.num_perm, self.settings.seed)

    # ------------------------------------------------------------------ shares

    @staticmethod
    def _share(a: _Entry, b: _Entry) -> tuple[float, int, float]:
        """(share, shared characters, evidence in bits) of a's own text found in b: the sentences in
        shared runs and the lone ones standing alone (``Sequence.counted``); the evidence is the
        runs' (a lone sentence is a share, not a decision)."""
        if not a.total:
            return 0.0, 0, 0.0
        alone = a.own.lone_in(b.own.lone_wholes)
        if a.keys.isdisjoint(b.keys):  # no seed shingle in common: no run counts
            chars = int(a.own.weights[alone].sum())
            return chars / a.total, chars, 0.0
        counted, run, stock = a.own.runs(b.links)
        chars = int(a.own.weights[Sequence.with_stock(counted, stock) | alone].sum())
        return chars / a.total, chars, round(a.own.evidence(counted, run), 1)

    def _neighbour(self, rid: str, found: _Found) -> Neighbour:
        other, share, chars, evidence = found
        me, them = self._entries[rid], self._entries[other]
        kind = "same_body" if me.body == them.body else "other_body"
        if me.year is None or them.year is None:
            when = "unknown"
        else:
            when = "earlier" if them.year < me.year else "later" if them.year > me.year else "same_year"
        return Neighbour(other, round(share, 3), kind, when, chars, evidence)

    def _rank(self, rid: str, found: list[_Found]) -> list[Neighbour]:
        """Top k by share; ties: same body first, then an earlier year, then id (stable order)."""
        ns = [self._neighbour(rid, f) for f in found]
        ns.sort(key=_order)
        return ns[: self.settings.k]

    def is_reuse(self, n: Neighbour) -> bool:
        """Whether a neighbour's share is called reuse (see the module docstring)."""
        s = self.settings
        return n.share >= s.min_share and n.chars >= s.min_chars and n.evidence >= self.evidence_bar(n.kind)

    @property
    def min_evidence(self) -> float:
        """2·log2(N) + margin bits, N the reports the boilerplate was learned on (100 at least): among
        N²/2 pairs of unrelated reports some share runs worth about 2·log2(N) bits by chance (the
        margin: ``evidence_margin``; see the module docstring)."""
        n = max(self.boilerplate.n_reports, FEWEST_REPORTS)
        return 2 * float(np.log2(n)) + self.settings.evidence_margin

    def evidence_bar(self, kind: str) -> float:
        """The bits a neighbour of this kind needs: ``min_evidence`` for another body; for the same
        body log2(P) + margin, P the ordered pairs of reports naming one body (100 at least, never over
        ``min_evidence``): chance has only those pairs to pick its strongest run from, as it has the
        ~N² of all reports for another body (module docstring, "Why a bar of its own")."""
        if kind != "same_body":
            return self.min_evidence
        pairs = max(self.boilerplate.same_body_pairs, FEWEST_REPORTS)
        return min(float(np.log2(pairs)) + self.settings.evidence_margin, self.min_evidence)

    def _set_neighbours(self, rid: str, ns: list[Neighbour]) -> bool:
        entry = self._entries[rid]
        if ns == entry.neighbours:
            return False
        if self._store is not None:  # who cites whom: the neighbours table's other column
            entry.neighbours = ns
            self._store.set_neighbours(rid, [_row(n) for n in ns])
            return True
        for n in entry.neighbours:
            self._cited.get(n.id, set()).discard(rid)
        entry.neighbours = ns
        for n in ns:
            self._cited.setdefault(n.id, set()).add(rid)
        return True

    def _buckets(self, signature: np.ndarray) -> list[Bucket]:
        """The signature's LSH buckets as stored: the band's number and its values' key."""
        rows = np.stack([np.asarray(signature, dtype=np.uint64)[a:b] for a, b in self._bands])
        return list(enumerate(bulk.band_keys(rows).tolist()))

    def _memory_table(self) -> dict[Bucket, set[str]]:
        """The LSH table of an index in memory, made from the entries' signatures when an add or
        remove first needs it (a full build groups the bands by sorting and never makes it)."""
        if self._table is None:
            self._table = {}
            for rid, entry in self._entries.items():
                if entry.signature is not None:
                    for b in self._buckets(entry.signature):
                        self._table.setdefault(b, set()).add(rid)
        return self._table

    def _candidates(self, rid: str, entry: _Entry) -> list[str]:
        if entry.signature is None:
            return []
        if self._store is None:
            table = self._memory_table()
            found = sorted({o for b in self._buckets(entry.signature) for o in table.get(b, ())})
        else:
            found = sorted(self._store.bucketed(self._buckets(entry.signature)))
        return [o for o in found if o != rid and o in self._entries]

    def _bucket(self, rid: str, signature: np.ndarray | None) -> None:
        if signature is None:
            return
        if self._store is None:
            table = self._memory_table()
            for b in self._buckets(signature):
                table.setdefault(b, set()).add(rid)
        else:
            self._store.add_buckets(rid, self._buckets(signature))

    def _unbucket(self, rid: str, signature: np.ndarray | None) -> None:
        if signature is None:
            return
        if self._store is None:
            table = self._memory_table()
            for b in self._buckets(signature):
                table.get(b, set()).discard(rid)
        else:
            self._store.remove_buckets(rid, self._buckets(signature))

    def _count(self, keys: np.ndarray, by: int) -> None:
        if self._store is None:
            self._counter().update(dict.fromkeys(keys.tolist(), by))
        else:
            self._store.count(keys, by)

    def _recompute(self, rid: str) -> bool:
        entry = self._entries[rid]
        found = []
        for other in self._candidates(rid, entry):
            got = self._share(entry, self._entries[other])
            if got[1]:
                found.append((other, *got))
        return self._set_neighbours(rid, self._rank(rid, found))

    # ------------------------------------------------------------------ incremental

    def add(self, r: ReportInput) -> set[str]:
        """Add a report (replacing one with the same id); returns every id whose figures changed: the
        report itself and the reports that now list it among their nearest."""
        if r.id in self._entries:
            return self.update(r)
        entry = self._entry(r)
        self._count(entry.full, 1)
        candidates = self._candidates(r.id, entry)
        self._entries[r.id] = entry
        changed = {r.id}
        found = []
        for other in candidates:
            them = self._entries[other]
            got = self._share(entry, them)
            if got[1]:
                found.append((other, *got))
            back = self._share(them, entry)
            if back[1]:
                mine = [(n.id, n.share, n.chars, n.evidence) for n in them.neighbours] + [(r.id, *back)]
                if self._set_neighbours(other, self._rank(other, mine)):
                    changed.add(other)
        self._bucket(r.id, entry.signature)
        self._set_neighbours(r.id, self._rank(r.id, found))
        return changed

    def remove(self, rid: str) -> set[str]:
        """Remove a report; returns the ids whose figures changed (those that listed it)."""
        entry = self._entries.get(rid)
        if entry is None:
            return set()
        self._set_neighbours(rid, [])
        self._unbucket(rid, entry.signature)
        del self._entries[rid]
        self._count(entry.full, -1)
        affected = self._cited.pop(rid, set()) if self._store is None else self._store.cited(rid)
        for other in affected:
            self._recompute(other)
        return set(affected)

    def update(self, r: ReportInput) -> set[str]:
        """A report's text, body or year changed: remove then add."""
        return self.remove(r.id) | self.add(r)

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, rid: str) -> bool:
        return rid in self._entries

    def ids(self) -> list[str]:
        return list(self._entries)

    def neighbours(self, rid: str) -> list[Neighbour]:
        """The report's nearest others (at most k), best share first."""
        return list(self._entries[rid].neighbours)

    def facts(self, rid: str) -> dict:
        """``reuse_max``, ``reuse_from``, ``reuse_kind`` of a report (see the module docstring)."""
        return self._facts_of(self._entries[rid].neighbours)

    def _facts_of(self, ns: list[Neighbour]) -> dict:
        best = next((n for n in ns if self.is_reuse(n)), None)
        if best is None:
            return {"reuse_max": ns[0].share if ns else 0.0, "reuse_from": None, "reuse_kind": "none"}
        return {"reuse_max": best.share, "reuse_from": best.id, "reuse_kind": best.kind}

    def every_facts(self) -> Iterator[tuple[str, dict]]:
        """``facts`` of every report, reading only the neighbours (a stored index: one pass over its
        neighbours table, no entry unpickled)."""
        if self._store is None:
            for rid in self._entries:
                yield rid, self.facts(rid)
            return
        listed = set()
        for rid, rows in self._store.every_neighbours():
            listed.add(rid)
            yield rid, self._facts_of([Neighbour(*row) for row in rows])
        for rid in self._store.ids():
            if rid not in listed:
                yield rid, self._facts_of([])

    def sequence(self, rid: str) -> Sequence:
        """The report's own (non-boilerplate) sentences in order, as the shares count them."""
        return self._entries[rid].own

    def share(self, a: str, b: str) -> float:
        """The exact share of a's own text found in b (for any two reports, candidates or not)."""
        return round(self._share(self._entries[a], self._entries[b])[0], 3)

    def neighbour(self, a: str, b: str) -> Neighbour:
        """b as a neighbour of a (share, characters, kind, distinctive sentences), listed or not."""
        return self._neighbour(a, (b, *self._share(self._entries[a], self._entries[b])))

    # ------------------------------------------------------------------ files

    def save(self, folder: str | Path) -> Path:
        """Write the index into a generation folder (``reuse.sqlite``, see ``store``) and the learned
        boilerplate beside it (``reuse_boilerplate.json``, for the pages). An index loaded from that
        folder commits what changed since (one transaction); any other is written whole, in one pass."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / INDEX_FILE
        if self._store is not None and self._store.path == path:
            if self.notes != self._store.meta("notes"):
                self._store.set_meta("notes", dict(self.notes))
            self._store.commit()
        else:
            self._write(path)
            (folder / OLD_INDEX_FILE).unlink(missing_ok=True)
        if self._store is None or not (folder / BOILERPLATE_FILE).exists():
            self.boilerplate.write(folder / BOILERPLATE_FILE)
        return path

    def _write(self, path: Path) -> None:
        """The whole index into a new file, every table streamed (no list of all rows)."""
        entries = self._entries
        meta = {"format": FORMAT, "settings": self.settings, "boilerplate": self.boilerplate,
                "bands": self._bands, "notes": dict(self.notes)}
        if self._store is None and self._df is None:
            keys, counts = self._df_arrays
        else:
            df = self._counter() if self._store is None else self._store.df()
            keys = np.fromiter(df.keys(), dtype=np.uint64, count=len(df))
            counts = np.fromiter(df.values(), dtype=np.int64, count=len(df))
        signed_keys = np.asarray(keys, dtype=np.uint64).view(np.int64)
        order = np.argsort(signed_keys)
        ids = [rid for rid in entries if entries[rid].signature is not None]
        signatures = np.array([entries[rid].signature for rid in ids], dtype=np.uint64)
        Store.write(
            path, meta,
            ((rid, entries[rid].blob()) for rid in entries),
            ((rid, i, *_row(n)) for rid in entries for i, n in enumerate(entries[rid].neighbours)),
            bulk.bucket_rows(ids, signatures.reshape(len(ids), self.settings.num_perm), self._bands),
            zip(signed_keys[order].tolist(), np.asarray(counts)[order].tolist(), strict=True))

    @classmethod
    def load(cls, folder: str | Path) -> ReuseIndex:
        """Open a generation's index: the settings and boilerplate are read now, every other row when
        an add, remove or reading needs it. Changes are written at ``save`` (to this folder), or
        dropped at ``close``. ValueError: a file of another format (rebuild it)."""
        store = Store.open(Path(folder) / INDEX_FILE, FORMAT)
        index = cls(store.meta("settings"), store.meta("boilerplate"))
        index._store = store
        index._saved_bands = [(a, b) for a, b in store.meta("bands")]
        index._entries = _StoredEntries(store)
        index.notes = dict(store.meta("notes") or {})
        return index

    @staticmethod
    def save_notes(folder: str | Path, notes: Mapping[str, object]) -> None:
        """Update the saved notes of a folder's index alone (one small transaction)."""
        store = Store.open(Path(folder) / INDEX_FILE, FORMAT)
        try:
            store.set_meta("notes", {**(store.meta("notes") or {}), **notes})
            store.commit()
        finally:
            store.close()

    def close(self) -> None:
        """Close an index opened from a file, dropping what was not saved."""
        if self._store is not None:
            self._store.close()
