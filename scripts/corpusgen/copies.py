"""Planted copies: reports that reuse another report's text, with the true share known.

A copy C of a source report S (an earlier, original report of the corpus with tables) is a fresh
report of its own (own tables, own numbers) whose prose blocks of some parts are replaced by S's:

- ``same_body``: S's body one year later (or earlier when S is of 2025), S's numbers changed (every
  run of digits redrawn, S's year replaced by C's);
- ``other_body``: another body of the same kind (so "我镇" stays right), same year, every name of S's
  (body, short name, town, county, city, province) replaced by C's, numbers changed;
- full copies (every part) or partial ones (part one, or two of intro/part one/part five).

The true share is the share of C's paragraph characters (Chinese characters only, so digits and
punctuation do not count; headings and tables are template wording) that came from S. Sources are
originals, never copies, and each is copied at most once, so the only planted reuse of C is S (and
S's of C). The gold entry gets ``reuse``: ``{"from": file, "kind", "share", "parts", "passages"}``
(``null`` for originals); ``passages`` are the copied paragraphs as they stand in C, so a test can
tell which of C's sentences came from S. Where part one is copied, the proactive total the prose
states is S's (redrawn), not C's tables', so the copy's ``truth.proactive_total`` is null.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from .corpus import make_report
from .places import Place, pick_place

PARTIAL = ((1,), (0, 1), (1, 5), (0, 5))  # part five alone is a fifth of the prose: too little
FULL_SHARE = 0.4  # of copies that copy every part
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"\d+")
PROSE = ("p", "h2")  # blocks a copy takes; the share counts paragraphs ("p") only


def _parts(blocks: list) -> list[list]:
    """Blocks grouped by part: 0 is what stands before the first part heading."""
    out: list[list] = [[]]
    for b in blocks:
        if b[0] == "h1":
            out.append([])
        out[-1].append(b)
    return out


def _cjk(text: str) -> int:
    return len(_CJK.findall(text))


def _names(ctx) -> list[str | None]:
    p: Place = ctx.place
    return [ctx.body, ctx.short, p.official, p.county_ref, p.upper + p.county, p.town, p.county,
            p.city, p.province]


def _translator(src, dst, rng: random.Random, rename: bool):
    """S's text as C would have written it: S's year → C's, other numbers redrawn, and for another body
    S's names → C's (a body copying its own report keeps its names as they were)."""
    pairs: dict[str, str] = {}
    for a, b in zip(_names(src), _names(dst), strict=True):
        if rename and a and b and a not in pairs:
            pairs[a] = b
    alternation = re.compile("|".join(re.escape(a) for a in sorted(pairs, key=len, reverse=True)) or "(?!)")

    def number(m: re.Match) -> str:
        s = m.group(0)
        if s == str(src.year):
            return str(dst.year)
        if len(s) == 4 and s.startswith("20"):
            return s
        return str(rng.randint(1, 10 ** len(s) - 1))

    def translate(text: str) -> str:
        return _DIGITS.sub(number, alternation.sub(lambda m: pairs[m.group(0)], text))

    return translate


def _capture(i: int, seed: int, layouts) -> tuple[str, dict, list, object]:
    got: dict = {}

    def keep(blocks, ctx):
        got["blocks"], got["ctx"] = list(blocks), ctx
        return blocks

    name, _, gold = make_report(i, seed, layouts, edit=keep)
    return name, gold, got["blocks"], got["ctx"]


def _other_place(rng: random.Random, like: Place, year: int) -> Place:
    for _ in range(1000):
        p = pick_place(rng, year)
        if p.kind == like.kind and (p.town, p.county, p.dept) != (like.town, like.county, like.dept):
            return p
    return like  # pragma: no cover - the gazetteer has thousands of towns and counties


def make_copy(i: int, seed: int, layouts, src: int) -> tuple[str, bytes, dict] | None:
    """Report i as a copy of report ``src``; None when ``src`` has no tables (pre-2019 prose)."""
    src_name, src_gold, src_blocks, sctx = _capture(src, seed, layouts)
    if src_gold["edition"] is None:
        return None
    rng = random.Random(f"nianbao-copy:{seed}:{i}")
    kind = "same_body" if rng.random() < 0.5 else "other_body"
    if kind == "same_body":
        place, year = sctx.place, sctx.year + 1 if sctx.year < 2025 else sctx.year - 1
    else:
        place, year = _other_place(rng, sctx.place, sctx.year), sctx.year
    parts = tuple(range(7)) if rng.random() < FULL_SHARE else PARTIAL[rng.randrange(len(PARTIAL))]
    table_layouts = [x for x in layouts if x != "prose_pre2019"] or ["tabs"]
    src_parts = _parts(src_blocks)
    record: dict = {}

    def plant(blocks, ctx):
        translate = _translator(sctx, ctx, rng, kind == "other_body")
        own = _parts(blocks)
        copied = 0
        out: list = []
        record["passages"] = []
        for k, part in enumerate(own):
            if k not in parts or k >= len(src_parts):
                out += part
                continue
            lead = [b for b in part if b[0] in ("title", "h1")]
            taken = [(b[0], translate(b[1])) for b in src_parts[k] if b[0] in PROSE]
            out += lead + taken + [b for b in part if b[0] not in PROSE and b[0] not in ("title", "h1")]
            copied += sum(_cjk(t) for kind_, t in taken if kind_ == "p")
            record["passages"] += [t for kind_, t in taken if kind_ == "p"]
        total = sum(_cjk(b[1]) for b in out if b[0] == "p")
        record["share"] = round(copied / total, 4) if total else 0.0
        if 1 in parts:
            ctx.truth["proactive_total"] = None
        return out

    name, data, gold = make_report(i, seed, table_layouts, place=place, year=year, edit=plant)
    gold["reuse"] = {"from": src_name, "kind": kind, "share": record["share"], "parts": list(parts),
                     "passages": record["passages"]}
    gold["notes"] += f" Planted copy ({kind}) of {src_name}, parts {list(parts)}."
    return name, data, gold


def iter_with_copies(n: int, seed: int, layouts, rate: float) -> Iterator[tuple[str, bytes, dict]]:
    """Reports 0..n-1, a share ``rate`` of them (after the first) planted copies of an earlier original."""
    originals: list[int] = []
    for i in range(n):
        rng = random.Random(f"nianbao-copyplan:{seed}:{i}")
        made = None
        if originals and rng.random() < rate:
            src = originals.pop(rng.randrange(len(originals)))  # copied once: no two copies of one text
            made = make_copy(i, seed, layouts, src)
        if made is None:
            name, data, gold = make_report(i, seed, layouts)
            gold["reuse"] = None
            originals.append(i)
            made = (name, data, gold)
        yield made
