"""A report's text as comparable units: sentences, digits and the report's own place names masked.

Sentences are split at 。；！？, tabs, line breaks and runs of two spaces, except a line break that
wraps a sentence (between two Chinese characters, beside a comma-like mark, or between a closing quote
and a Chinese character or a Chinese character and an opening quote: PDF lines), and before
a heading's numeral (一、 （一）, for text run together on one line). A full stop ``.`` ends a
sentence only where it is not a row number (``2.``), a decimal or part of a web address. Only pieces
that end with a sentence mark count: headings, table labels and signature lines are not sentences,
and their form changes with the layout, not with copying. Each sentence weighs its masked length, so
a share is a share of the text.

Headings run into a sentence: ``search_string`` joins a heading line to the paragraph after it when
both are Chinese, so most layouts read "（五）监督保障情况主动接受社会监督…" as one piece. The index
learns headings from the corpus (short pieces that end no sentence, found alone in many reports:
``boilerplate``) and :func:`strip_heading` takes the longest learned one off a sentence's front
before the sentence is keyed and weighed.

A sentence counts as found in another report only as part of a run (:meth:`Sequence.runs`): it and
the sentence before or after it stand there too, one after the other, in a run that holds at least
one shingle that is not a stock run. Stock sentences recur in unrelated reports one by one, and some
stock pairs recur too; a copy keeps whole runs, its stock sentences inside them. A sentence rare as
written whole (:func:`whole_key`: a web address, a name that is not masked) counts standing alone
(:meth:`Sequence.lone_in`). Measured on 3,000 generated reports: 87.1 % of the planted copies'
shares within 5 points of the provenance's before, 89.4 % with it (95.1 % of the provenance's extended
by the sentences standing the same beside it, ``reuse_bench.extended``), precision and recall the same.

Masking: every run of digits (after NFKC) → ``#``, a four-numeral Chinese year (二〇二〇年) → ``#年``,
each of the report's own place names and their stems (某楼镇 and 某楼) → ``@``, a body's name with its
city and county taken off as well (湖州市吴兴区杨家埠街道办事处 → 杨家埠街道办事处), a stem that is a
common word never (安全乡 → 安全: :func:`common_words`); a two-character stem standing bare is marked
(:data:`BARE`) and keyed as a name unless the sentence as written stands in another report
(:class:`Keyed`: 惠农 of 惠农区 in 惠农补贴); whitespace and punctuation dropped (layouts write the
template's row labels as 1．/1./1、).
A sentence is known by its last :data:`KEY_CHARS` masked characters: a heading the index has not
learned, or a page header, can still run into its front ("（三）…管理情况全面梳理…"), and the end of
a sentence stays the same either way (measured: keyed whole, a third of the planted full copies into
another layout lost over 20 points of share; 24 characters against 30: 13 % of the planted shares
more than 5 points off against 15 %, recall the same). Units shorter than :data:`MIN_UNIT_CHARS`
after masking ("#件") are left out. Offsets always refer to the text passed in. Pass the text as the
index sees it (``search_string``): measured on planted copies, the text with its lines (``nfkc``)
found half as many, its line breaks differing more between layouts than the sentences do.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.extract.normalise import is_cjk, nfkc_string

MIN_UNIT_CHARS = 6
KEY_CHARS = 24  # a sentence is known by its last 24 masked characters (see the module docstring)
_ENDS = "。；;！!？?."
_SPLIT = re.compile(r"[。；;！!？?]+|(?<!\d)\.(?![0-9A-Za-z])|\s*[\n\r\t]\s*|[ \u3000]{2,}"
                    r"|(?=[一二三四五六七八九十]{1,3}、)|(?=[（(][一二三四五六七八九十]{1,3}[）)])")
_OPENS = set("、，,：:（(《“‘")  # a line ending with one of these goes on
_CLOSES = set("、，,。；;：:）)》”’")  # a line starting with one of these continues the one before
_ENDS_LINE = set("。；;！!？?")  # a line starting with one of these ends the line before
_ENDS_GOING_ON = set("、，,（(《“‘")  # a line ending with one of these goes on, even a heading
# a quote or title closed at a line's end, or opened at the next one's start, beside a Chinese
# character: a PDF wrapped the sentence there ("围绕垃圾分类、“三公”" / "经费等重点工作…")
_QUOTE_CLOSES = set("”’）)》」』")
_QUOTE_OPENS = set("“‘（(《「『")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}年")
_NOT_WORD = re.compile(r"[\W_]+")
# 水口镇政府 and 水口镇 are one name; 县公安局 and 市卫生健康局 too once the department is masked; and
# "某镇政府信息公开…" reads as 某镇政府 + 信息公开 or 某镇 + 政府信息公开: @信息 is written @政府信息
_MASKS = re.compile(r"[省市县区旗]?(?:@(?:人民政府|政府)?)+")
_PLACE_SUFFIXES = ("人民政府办公室", "人民政府", "政府", "街道办事处", "街道", "自治县", "自治州", "镇", "乡",
                   "县", "市", "区", "省", "旗")


@dataclass(frozen=True)
class Unit:
    """One sentence: where it stands in the text, its masked key's hash and its weight (length)."""

    start: int
    end: int
    key: int  # 64-bit hash of the masked sentence's end (KEY_CHARS)
    weight: int
    whole: int | None = None  # 64-bit hash of the whole masked sentence (None: the same as ``key``)


def place_terms(names: Iterable[str | None]) -> tuple[str, ...]:
    """The names to mask and their stems (某楼镇 → 某楼; 某山县 → 某山), and what is left of a name
    once the other names are taken off its front, as often as one starts it (某市某区某街道办事处 →
    某街道办事处; 某县教育局 → 教育局: a department names itself so), longest first so that a body name
    is masked whole before its parts. A stem that is a common word (安全乡 → 安全, 建设街道 → 建设:
    :func:`common_words`) is not masked: the report's every "食品安全" would be "食品@", no other body's."""
    given = [n for n in names if n]
    by_length = sorted(given, key=len, reverse=True)
    terms: set[str] = set()
    for name in given:
        rest = name
        while (front := next((o for o in by_length if o != name and rest.startswith(o)
                              and _names_itself(rest[len(o):])), None)) is not None:
            rest = rest[len(front):]
        if rest != name:
            terms.add(rest)
    common = common_words()
    for name in given:
        terms.add(name)
        for suffix in _PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2 and name[: -len(suffix)] not in common:
                terms.add(name[: -len(suffix)])
    return tuple(sorted(terms, key=lambda t: (-len(t), t)))


def _names_itself(rest: str) -> bool:
    """What is left of a name can name the body alone: not a bare 人民政府 / 政府 / 办事处."""
    return len(rest) >= 2 and rest not in ("人民政府", "政府", "办事处")


_COMMON_WORDS = Path(__file__).with_name("data") / "common_words.txt"


@functools.cache
def common_words() -> frozenset[str]:
    """Words a place's stem must not mask: jieba's dictionary's common words that are not names
    (``data/common_words.txt``, written by scripts/make_common_words.py; the rule is there)."""
    lines = _COMMON_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w and not w.startswith("#"))


def mask(sentence: str, terms: tuple[str, ...]) -> str:
    """The sentence as compared: NFKC, place names → @, digits → #, no whitespace (bare stems as
    names: :func:`named`)."""
    return named(_masked(nfkc_string(sentence), terms))


def _masked(folded: str, terms: tuple[str, ...]) -> str:
    s = _NOT_WORD.sub("", folded)  # the text's own # and @ (markdown) go here too
    for t in terms:
        if t in s:
            s = _stem_masked(s, t) if len(t) == 2 and t[-1] not in _NAME_ENDS else s.replace(t, "@")
    s = _CN_YEAR.sub("#年", s)
    s = _DIGITS.sub("#", s)
    return _collapsed(s)


# a two-character term ending with a one-character place suffix is a whole name (攸县), not a stem
_NAME_ENDS = {suffix for suffix in _PLACE_SUFFIXES if len(suffix) == 1}


def _stem_masked(s: str, stem: str) -> str:
    """``s`` with the two-character ``stem`` masked where it stands as a name, not where its characters
    belong to the words beside it: 周至 (周至县) in 每周至少 is 每周 + 至少, and the sentence is the
    same as another body's (a character and its neighbour make a common word: :func:`common_words`)."""
    common = common_words()
    out, at = [], 0
    while (i := s.find(stem, at)) >= 0:
        split = (i > 0 and s[i - 1] + stem[0] in common) or s[i + 1:i + 3] in common
        out.append(s[at:i] + (stem if split else BARE + stem))
        at = i + 2
    return "".join(out) + s[at:]


# before a bare stem masked as a name where it may be a word of the domain that jieba's dictionary
# does not rate common (惠农 of 惠农区 in 惠农补贴, 振兴 in 乡村振兴): the piece is kept with the mark, and
# its sentence is keyed with the stem masked (``named``) unless the sentence with the stem as written
# (``plain``) stands in another report (``Keyed.taking``)
BARE = "\ue000"
_BARE_STEM = re.compile(BARE + "..")


def named(masked: str) -> str:
    """The masked text with every marked bare stem masked (→ @): the stems as names."""
    if BARE not in masked:
        return masked
    return _collapsed(_BARE_STEM.sub("@", masked))


def plain(masked: str) -> str:
    """The masked text with every marked bare stem as written: the stems as words."""
    return masked.replace(BARE, "")


def _collapsed(s: str) -> str:
    return _MASKS.sub("@", s).replace("@信息", "@政府信息")


def key_hash(masked: str) -> int:
    """A stable 64-bit hash (Python's ``hash`` is salted per process; the index is persisted)."""
    return int.from_bytes(hashlib.blake2b(masked.encode("utf-8"), digest_size=8).digest(), "little")


_NUMERAL = "[一二三四五六七八九十]{1,3}"
_HEADING = re.compile(rf"[#*>\s]*(?:{_NUMERAL}、|[（(]{_NUMERAL}[）)]|\d{{1,2}}[.、])")
_SENTENCE_MARK = re.compile(r"[。；;！!？?]")
# a heading's numeral at the front of a piece (一、 （一） 1. and markdown marks): not part of its key
_MARKER = re.compile(rf"[#*>\s]*(?:{_NUMERAL}、|[（(]{_NUMERAL}[）)]|\d{{1,2}}[.、](?!\d))?\s*")
HEADING_MIN_CHARS = 4
HEADING_MAX_CHARS = 40
# what may be a heading before masking: not a table cell of digits, not a long table run
_HEADING_LIKE = re.compile(r"\s*(?=.*[\u4e00-\u9fff]).{4,80}", re.S)


def _whole_line(line: str) -> bool:
    """A heading (一、 （一） 1.) or the title (…报告) standing on its own line, with no sentence mark."""
    if _SENTENCE_MARK.search(line):
        return False
    return bool(_HEADING.match(line)) or line.rstrip("*# ").endswith("报告")


def _joins(text: str, a: int, b: int) -> bool:
    """Whether the line break text[a:b] is a wrap inside a sentence (PDF lines, pages): between two
    Chinese characters (as ``search_text`` reads it), or next to a comma-like mark; never after a
    heading or title line (unless a comma or an opening quote ends it, or a comma or a closing mark
    starts the next), never at a tab; always before a sentence mark."""
    if a == 0 or b >= len(text) or "\t" in text[a:b]:
        return False
    before, after = text[a - 1], text[b]
    if after in _ENDS_LINE:  # a sentence mark never starts a line of its own: a wrap before it
        return True
    if not ((is_cjk(before) and is_cjk(after)) or before in _OPENS or after in _CLOSES
            or (before in _QUOTE_CLOSES and is_cjk(after)) or (is_cjk(before) and after in _QUOTE_OPENS)):
        return False
    # a heading never ends with a comma or an opening quote, and no line after one starts with a
    # comma or a closing mark: a numbered line so wrapped is a heading run into its paragraph
    # ("（一）主动公开情况我乡充分利用…多种形式，" then the rest of the sentence; "…查阅资料" then
    # "，方便群众…"; "…杜绝“僵尸" then "”账号现象。")
    return (before in _ENDS_GOING_ON or after in _CLOSES
            or not _whole_line(text[text.rfind("\n", 0, a) + 1:a]))


def _boundaries(text: str) -> list[re.Match]:
    out = []
    for m in _SPLIT.finditer(text):
        g = m.group(0)
        if ("\n" in g or "\r" in g) and "\t" not in g and _joins(text, m.start(), m.end()):
            continue  # most breaks are table cells (tabs): no need to look around them
        out.append(m)
    return out


@dataclass(frozen=True)
class Piece:
    """A piece of text between two boundaries, masked (its leading heading numeral left out):
    a sentence when it ends with a sentence mark, else a heading, label or signature line."""

    start: int
    end: int
    masked: str
    sentence: bool


def pieces(text: str, places: Iterable[str | None]) -> list[Piece]:
    """The text's pieces in order: sentences, and the short pieces that may be headings (see
    :func:`heading_candidates`); blank and long non-sentence pieces (table runs) left out."""
    terms = place_terms(places)
    folded = nfkc_string(text)
    source = folded if len(folded) == len(text) else None  # same length: fold once, not per sentence
    out: list[Piece] = []
    pos = 0
    for m in [*_boundaries(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        nxt = m.end() if m else len(text)
        sentence = m is not None and bool(m.group(0)) and m.group(0)[0] in _ENDS
        if (sentence and piece.strip()) or (not sentence and _HEADING_LIKE.fullmatch(piece)):
            part = nfkc_string(piece) if source is None else source[pos:end]
            masked = _masked(part[_MARKER.match(part).end():], terms)  # type: ignore[union-attr]
            if sentence or HEADING_MIN_CHARS <= len(masked) <= HEADING_MAX_CHARS:
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece) - len(piece.rstrip())
                out.append(Piece(pos + lead, end - trail, masked, sentence))
        pos = nxt
    return out


def heading_candidates(found: Iterable[Piece]) -> set[str]:
    """What may be a heading: a short piece that does not end a sentence and has a Chinese word in it
    (headings, table labels, the title). The index keeps those found so in many reports."""
    return {named(p.masked) for p in found if not p.sentence and any(is_cjk(c) for c in p.masked)}


_FRONTS: dict[frozenset[str], frozenset[str]] = {}


def _fronts(headings: Collection[str]) -> frozenset[str]:
    """The first HEADING_MIN_CHARS characters of every learned heading (kept per frozen heading set:
    its hash is computed once, so the lookup is cheap)."""
    if not isinstance(headings, frozenset):
        return frozenset(h[:HEADING_MIN_CHARS] for h in headings)
    got = _FRONTS.get(headings)
    if got is None:
        if len(_FRONTS) > 8:
            _FRONTS.clear()
        got = _FRONTS[headings] = frozenset(h[:HEADING_MIN_CHARS] for h in headings)
    return got


def strip_heading(masked: str, headings: Collection[str]) -> str:
    """The sentence without a heading run into its front ("（五）监督保障情况主动接受…" in a layout that
    writes the heading and its paragraph on one line): the longest learned heading it starts with,
    as often as one does (a layout that runs a table into the text: its last row's label and values,
    then the next part's heading "收到和处理政府信息公开申请情况", then the sentence).
    What is left may be too short to be a sentence ("六、其他需要报告的事项无"): then it is none."""
    if not headings:
        return masked
    fronts = _fronts(headings)
    n = _heading_at(masked, headings, fronts)
    while n:  # and again: a table's last label (its values, "#"), then the part's heading
        masked = masked[n:]
        values = len(masked) - len(masked.lstrip("#"))
        following = _heading_at(masked[values:], headings, fronts)
        n = values + following if following else 0
    return masked


def _heading_at(masked: str, headings: Collection[str], fronts: frozenset[str]) -> int:
    """The length of the longest learned heading the text starts with (0: none)."""
    if masked[:HEADING_MIN_CHARS] not in fronts:  # most sentences: no learned heading starts so
        return 0
    return next((n for n in range(min(len(masked), HEADING_MAX_CHARS), HEADING_MIN_CHARS - 1, -1)
                 if masked[:n] in headings), 0)


def whole_key(key: int, masked: str) -> int:
    """The hash of the whole masked sentence: its key where the key stands for all of it."""
    return key if len(masked) <= KEY_CHARS else key_hash(masked)


def whole_keys(keys: np.ndarray, masked: list[str]) -> np.ndarray:
    """:func:`whole_key` of each sentence (uint64), from its key and the masked text it stands for."""
    return np.fromiter((whole_key(int(k), m) for k, m in zip(keys.tolist(), masked, strict=True)),
                       dtype=np.uint64, count=len(masked))


# which of these sentence keys stand in another report (the index's sentence counts, or the other
# report's keys when two texts are compared alone): what decides a marked sentence's key (``Keyed``)
Known = Callable[[np.ndarray], np.ndarray]


def sentence_key(masked: str, headings: Collection[str] = ()) -> tuple[int, int, str] | None:
    """A sentence's (key, weight, masked text it stands for), its bare stems as names (:func:`named`)
    and a learned heading taken off its front; None for a sentence too short to count."""
    return _key_of(strip_heading(named(masked), headings))


def _key_of(masked: str) -> tuple[int, int, str] | None:
    if len(masked) >= MIN_UNIT_CHARS and masked.strip("#@"):
        return key_hash(masked[-KEY_CHARS:]), len(masked), masked
    return None


def plain_key(masked: str, headings: Collection[str], named_key: int) -> tuple[int, int, str] | None:
    """:func:`sentence_key` with the sentence's marked bare stems as written (:func:`plain`), where that
    gives another key than ``named_key`` (a stem beyond the key's last characters changes none)."""
    if BARE not in masked:
        return None
    got = _key_of(strip_heading(plain(masked), headings))
    return got if got is not None and got[0] != named_key else None


@dataclass(frozen=True)
class Keyed:
    """A report's sentences keyed in order (keys uint64, weights uint32, the masked texts they stand
    for), and for each sentence with a marked bare stem its key with the stems as written (``plain``:
    position, key, weight, masked text). A bare stem is a name (惠农 alone for 惠农区) or a word (惠农补贴,
    乡村振兴) the dictionary did not know as common: where the sentence as written stands in another
    report, which another body's copy of it does, it was a word (``taking``); a name written bare
    (a WeChat account or a portal named after the place) stands as written only in its own body's
    reports, which mark it too. Measured
    at 100,000 generated reports: the last planted share of 22,641 more than 5 points off the overlap
    (惠农补贴 in a 惠农区 township's report, copied by another body; 26.1 points) comes within 5 (the
    largest error is now 3.8 points), and 2 more planted copies are found (recall 0.9541 → 0.9542)."""

    keys: np.ndarray
    weights: np.ndarray
    masked: list[str]
    plain: tuple[tuple[int, int, int, str], ...] = ()
    at: tuple[int, ...] = ()  # which of the sentences keyed were kept (``_keyed``)

    def wholes(self) -> np.ndarray:
        return whole_keys(self.keys, self.masked)

    def taking(self, known: Known) -> Keyed:
        """The sentences whose plain key ``known`` finds keyed with the stems as written."""
        if not self.plain:
            return self
        hit = known(np.fromiter((p[1] for p in self.plain), dtype=np.uint64, count=len(self.plain)))
        if not hit.any():
            return dataclasses.replace(self, plain=())
        keys, weights, masked = self.keys.copy(), self.weights.copy(), list(self.masked)
        for (i, key, weight, text), taken in zip(self.plain, hit.tolist(), strict=True):
            if taken:
                keys[i], weights[i], masked[i] = key, weight, text
        return dataclasses.replace(self, keys=keys, weights=weights, masked=masked, plain=())


def keyed(found: Iterable[Piece], headings: Collection[str] = (), known: Known | None = None
          ) -> list[tuple[Unit, str]]:
    """The sentences of :func:`pieces` as units, learned headings taken off their fronts, each with
    the masked text its key stands for; ``known``: as :meth:`Keyed.taking` (None: stems as names)."""
    kept = [p for p in found if p.sentence]
    got = _keyed([p.masked for p in kept], headings, with_plain=known is not None)
    if known is not None:
        got = got.taking(known)
    where = [kept[i] for i in got.at]
    return [(Unit(p.start, p.end, key, weight, whole_key(key, text)), text) for p, key, weight, text
            in zip(where, got.keys.tolist(), got.weights.tolist(), got.masked, strict=True)]


def _keyed(sentences: Iterable[str], headings: Collection[str], with_plain: bool = True) -> Keyed:
    """The masked sentences keyed (too short ones left out: ``Keyed.at`` says which were kept)."""
    got: list[tuple[int, int, str]] = []
    at: list[int] = []
    plain: list[tuple[int, int, int, str]] = []
    for n, m in enumerate(sentences):
        if (k := sentence_key(m, headings)) is not None:
            if with_plain and (alt := plain_key(m, headings, k[0])) is not None:
                plain.append((len(got), *alt))
            got.append(k)
            at.append(n)
    keys = np.fromiter((k[0] for k in got), dtype=np.uint64, count=len(got))
    weights = np.fromiter((k[1] for k in got), dtype=np.uint32, count=len(got))
    return Keyed(keys, weights, [k[2] for k in got], tuple(plain), tuple(at))


@dataclass(frozen=True)
class Packed:
    """A report's pieces as the full build needs them (masked texts in order, which end a sentence):
    what a build worker cuts from the report's text (``pack``), so that the build's parent, which
    sees every report, only keys and counts them, and what its spool holds instead of the text."""

    masked: tuple[str, ...]
    sentence: bytes  # 1 per piece that ends a sentence
    headings: frozenset[str]  # :func:`heading_candidates` of the pieces

    def keyed(self, headings: Collection[str] = ()) -> Keyed:
        """The sentences keyed in order, bare stems as names, with their plain keys (``Keyed``)."""
        return _keyed((m for m, s in zip(self.masked, self.sentence, strict=True) if s), headings)


def pack(found: Iterable[Piece]) -> Packed:
    found = list(found)
    return Packed(tuple(p.masked for p in found), bytes(p.sentence for p in found),
                  frozenset(heading_candidates(found)))


def units_of(found: Iterable[Piece], headings: Collection[str] = (), known: Known | None = None
             ) -> list[Unit]:
    return [u for u, _ in keyed(found, headings, known)]


def units(text: str, places: Iterable[str | None], headings: Collection[str] = (),
          known: Known | None = None) -> list[Unit]:
    """The text's sentences in order, with their masked keys; too-short sentences left out.
    ``headings``: the index's learned headings (``Boilerplate.headings``), taken off a sentence's front;
    ``known``: which plain keys of sentences with a bare stem stand elsewhere (:meth:`Keyed.taking`)."""
    return units_of(pieces(text, places), headings, known)


_MIX = np.uint64(0x9E3779B97F4A7C15)


def in_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_keys)`` for keys already sorted (the learned layers are): a binary
    search, where ``np.isin`` sorts the learned layer again on every call (0.5 ms a report)."""
    if not len(sorted_keys) or not len(values):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[at] == values


def pair_keys(keys: np.ndarray) -> np.ndarray:
    """The key of each two consecutive sentences (a shingle; ``len(keys) - 1`` of them, never 0)."""
    a, b = keys[:-1], keys[1:]
    with np.errstate(over="ignore"):
        out = (a * _MIX) ^ ((b << np.uint64(21)) | (b >> np.uint64(43)))
    out[out == 0] = 1
    return out


_NONE = np.zeros(0, dtype=np.uint64)
_NONE1 = np.zeros(1, dtype=np.uint64)


@dataclass(frozen=True)
class Sequence:
    """A report's own sentences in order (keys uint64, weights uint32), the shingle linking each
    to the next (``links``; 0 after the last) and whether that shingle is a *seed* (not a stock run,
    see ``boilerplate``), with the distinct keys, shingles and seeds sorted (for ``np.isin``): what
    the signature index keeps per report. Own: every sentence that is not a template sentence; the
    template sentences are left out before the shingles are formed. ``lone``: the sentences whose
    whole masked text is rare (not in ``common_wholes``: found in few reports), which count as found
    in another report standing alone (see :meth:`lone_in`)."""

    keys: np.ndarray
    weights: np.ndarray
    links: np.ndarray
    seeds: np.ndarray  # per link: not a stock run
    distinct: np.ndarray
    shingles: np.ndarray  # every link
    seeded: np.ndarray  # the seed links
    bits: np.ndarray  # per sentence: how unlikely by chance, log2(reports / reports that have it)
    wholes: np.ndarray  # per sentence: the whole masked sentence's key (``whole_key``)
    lone: np.ndarray  # per sentence: its whole masked text is rare (counts standing alone)
    lone_wholes: np.ndarray  # the whole-sentence keys of the lone sentences, sorted

    @classmethod
    def of(cls, found: list[Unit], template: np.ndarray = _NONE, common: np.ndarray = _NONE,
           rarity: Callable[[np.ndarray], np.ndarray] | None = None, common_wholes: np.ndarray | None = None,
           wording: np.ndarray = _NONE) -> Sequence:
        keys = np.fromiter((u.key for u in found), dtype=np.uint64, count=len(found))
        weights = np.fromiter((u.weight for u in found), dtype=np.uint32, count=len(found))
        wholes = np.fromiter((u.key if u.whole is None else u.whole for u in found), dtype=np.uint64,
                             count=len(found))
        return cls.of_keys(keys, weights, template, common, rarity, wholes, common_wholes, wording)

    @classmethod
    def of_keys(cls, keys: np.ndarray, weights: np.ndarray, template: np.ndarray = _NONE,
                common: np.ndarray = _NONE, rarity: Callable[[np.ndarray], np.ndarray] | None = None,
                wholes: np.ndarray | None = None, common_wholes: np.ndarray | None = None,
                wording: np.ndarray = _NONE) -> Sequence:
        """:meth:`of` from the sentences' keys and weights (a full build keeps those, not units) and
        their whole-sentence keys (``whole_keys``; None: the keys). ``common_wholes`` (sorted): the
        whole sentences found in too many reports to count alone; None: no sentence counts alone.
        ``wording`` (sorted): common wording, kept in the sequence with weight 0 (``boilerplate``)."""
        if wholes is None:
            wholes = keys
        if len(template) and len(keys):
            keep = ~in_sorted(keys, template)
            keys, weights, wholes = keys[keep], weights[keep], wholes[keep]
        if len(wording) and len(keys):
            weights = np.where(in_sorted(keys, wording), 0, weights).astype(np.uint32)
        links = np.concatenate((pair_keys(keys), _NONE1)) if len(keys) else _NONE
        seeds = (links != 0) & ~in_sorted(links, common)
        bits = rarity(keys) if rarity is not None else np.zeros(len(keys), dtype=np.float32)
        if common_wholes is None:
            lone = np.zeros(len(keys), dtype=bool)
        else:
            lone = ~in_sorted(wholes, common_wholes)
        return cls(keys, weights, links, seeds, np.unique(keys), np.unique(links[links != 0]),
                   np.unique(links[seeds]), bits, wholes, lone, np.unique(wholes[lone]))

    @property
    def total(self) -> int:
        return int(self.weights.sum())

    def runs(self, other_shingles: Collection[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which of these sentences count as found in the other report, the number of the run each
        is in (0: none), and which stand in the other report only in stock runs: the sentence and the
        one before or after it stand there too, one after the other (a shingle both have), in a run
        of such shingles that holds at least one seed. Stock runs alone never make two reports
        related (unrelated reports share them by chance), but a copy's stock sentences count with
        the run they were copied in, and in a pair that shares a seeded run they count anyway (see
        :meth:`counted`): they are text this report has in the other's too. Plain loops: a report
        has a few dozen sentences, too few for numpy's set operations to pay off."""
        other = set(other_shingles.tolist()) if isinstance(other_shingles, np.ndarray) else other_shingles
        links, seeds = self.links.tolist(), self.seeds.tolist()
        n = len(links)
        run = [0] * n
        stock = [False] * n
        number = i = 0
        while i < n:
            if links[i] not in other:
                i += 1
                continue
            j, seeded = i, False
            while j < n and links[j] in other:
                seeded = seeded or seeds[j]
                j += 1
            if seeded:  # links i..j-1 join sentences i..j
                number += 1
                run[i:j + 1] = [number] * (j + 1 - i)
            else:
                stock[i:j + 1] = [True] * (j + 1 - i)
            i = j
        found = np.array(run, dtype=np.int64)
        return found > 0, found, np.array(stock, dtype=bool)

    def lone_in(self, other_lone: np.ndarray) -> np.ndarray:
        """Which of these sentences count as found in the other report standing alone: a lone one
        (its whole masked text rare in the corpus) that is a lone one there too. A copied paragraph
        of one sentence, or one whose neighbours are not copied ("本报告在“中国·某县”(http://…)上全文
        公开…"), shares no shingle, and its end (the key) is often stock wording; its whole text, web
        address and all, is found in no unrelated report. Never evidence: a share, not a decision."""
        if not len(self.lone_wholes) or not len(other_lone):
            return np.zeros(len(self.keys), dtype=bool)
        hit = self.lone_wholes[in_sorted(self.lone_wholes, other_lone)]
        if not len(hit):
            return np.zeros(len(self.keys), dtype=bool)
        return self.lone & np.isin(self.wholes, hit)

    def counted(self, other_shingles: Collection[int], other_lone: np.ndarray = _NONE) -> np.ndarray:
        """Which of these sentences count as found in the other report: in a shared run (see
        :meth:`runs`; stock runs too once a seeded run is shared), or standing alone
        (:meth:`lone_in`, given the other's ``lone_wholes``)."""
        found, _, stock = self.runs(other_shingles)
        return self.with_stock(found, stock) | self.lone_in(other_lone)

    @staticmethod
    def with_stock(found: np.ndarray, stock: np.ndarray) -> np.ndarray:
        """The sentences of seeded runs and, when there is one, those of the stock runs: in a pair
        related by a seeded run, shared stock text is shared text like any other (the share is how
        much of this report stands there), though on its own it relates nothing."""
        return found | stock if found.any() else found

    def evidence(self, counted: np.ndarray, run: np.ndarray) -> float:
        """The bits of the strongest shared run: how unlikely it is that an unrelated report has all
        of its sentences (``bits`` summed, as if independent)."""
        if not counted.any():
            return 0.0
        return float(np.bincount(run[counted], weights=self.bits[counted]).max())
