"""The fixed, seeded query mix: what a user of the search page does, by kind.

Every item is ``{"kind", "args", "text", "text_kind"}``: ``args`` go to ``Query.from_args`` (the
API's parameters); ``text``/``text_kind`` ("word", "phrase" or None) say what ``q`` holds, so the
peers can run the same query without parsing our query language.
"""

from __future__ import annotations

import json
import random

from indexer.engine.query import Query, SearchIndex
from indexer.engine.words import cut_words

# Share of each kind in the mix (every kind appears at least once).
WEIGHTS: dict[str, float] = {
    "word": 0.18, "common": 0.08, "phrase": 0.30, "facet": 0.14, "range": 0.10, "empty": 0.06,
    "deep": 0.14,
}
WORDS = ["行政复议", "行政诉讼", "依申请公开", "主动公开", "政府网站", "财政预决算", "微信", "公众号",
         "政务公开", "乡村振兴", "疫情防控", "规范性文件", "政策解读", "保密审查", "公开栏", "不予公开"]
COMMON = ["信息公开", "政府信息", "公开", "工作", "年度报告", "政府", "信息", "主动公开", "申请", "情况",
          "人民政府", "公开工作", "办理", "条例", "政务"]
# Phrases across jieba's word boundaries (微信|公众号, 政务|新媒体, …) and inside words.
BOUNDARY_PHRASES = ["微信公众号", "政务新媒体", "公众号", "新媒体", "号政务", "府信息公", "开工作年度",
                    "信息公开工作", "政府信息公开", "年度报告", "务公开", "复议", "诉讼案件"]
_BAD_IN_PHRASE = set('"“”「」()（）') | {"\\"}


def kind_counts(n: int) -> dict[str, int]:
    """How many queries of each kind in a mix of ``n`` (largest remainder, at least one each)."""
    raw = {k: max(1.0, n * w) for k, w in WEIGHTS.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True):
        if sum(counts.values()) >= max(n, len(WEIGHTS)):
            break
        counts[k] += 1
    return counts


def sample_phrase(rng: random.Random, texts: list[str]) -> str:
    """A 2–8 character substring of a random report (no whitespace or quote characters)."""
    while True:
        t = rng.choice(texts)
        size = rng.randint(2, 8)
        if len(t) <= size:
            continue
        start = rng.randrange(len(t) - size)
        s = t[start:start + size]
        if not any(ch.isspace() or ch in _BAD_IN_PHRASE for ch in s) and any(ch.isalnum() for ch in s):
            return s


def sample_word(rng: random.Random, texts: list[str]) -> str:
    """A jieba word (2+ characters, no digits) from a random report, cut as the index cuts it."""
    while True:
        words = [w for w in cut_words(rng.choice(texts)[:4000]) if len(w) >= 2 and not w.isascii()]
        if words:
            return rng.choice(words)


def facet_values(idx: SearchIndex) -> dict[str, list[str]]:
    """Facet values of the whole index, most frequent first (from an empty search)."""
    res = idx.search(Query.from_args({}))
    return {name: [v.value for v in vals] for name, vals in res.facets.items()}


def _pick(rng: random.Random, values: list[str], fallback: str) -> str:
    return rng.choice(values[:10]) if values else fallback


def _item(kind: str, args: dict, text: str | None = None, text_kind: str | None = None) -> dict:
    if text is not None:
        args = {"q": f'"{text}"' if text_kind == "phrase" else text, **args}
    return {"kind": kind, "args": {k: str(v) for k, v in args.items()}, "text": text,
            "text_kind": text_kind}


def _make(kind: str, i: int, rng: random.Random, texts: list[str], fv: dict[str, list[str]]) -> dict:
    year = _pick(rng, fv.get("year", []), "2020")
    province = _pick(rng, fv.get("province", []), "山东省")
    if kind == "word":
        word = WORDS[(i // 2) % len(WORDS)] if i % 2 == 0 else sample_word(rng, texts)
        return _item(kind, {}, word, "word")
    if kind == "common":
        return _item(kind, {}, COMMON[i % len(COMMON)], "word")
    if kind == "phrase":
        if i % 2 == 0:
            phrase = sample_phrase(rng, texts)
        else:
            phrase = BOUNDARY_PHRASES[(i // 2) % len(BOUNDARY_PHRASES)]
        return _item(kind, {}, phrase, "phrase")
    if kind == "facet":
        city = _pick(rng, fv.get("city", []), "菏泽市")
        options = [
            ({"year": year}, None), ({"province": province}, None), ({"has_litigation": "1"}, None),
            ({"year": year}, "行政复议"), ({"city": city}, None),
            ({"province": province, "has_applications": "1"}, None),
        ]
        args, word = options[i % len(options)]
        return _item(kind, args, word, "word" if word else None)
    if kind == "range":
        k = rng.randint(1, 10)
        options = [
            ({"applications_new_min": 5 + k}, None), ({"litigation_total_min": 1}, None),
            ({"reconsideration_total_min": rng.randint(1, 3)}, None),
            ({"litigation_total_min": 1}, "行政诉讼"),
            ({"applications_new_min": 1, "applications_new_max": 10 + k}, None),
        ]
        args, word = options[i % len(options)]
        return _item(kind, args, word, "word" if word else None)
    if kind == "empty":
        sorts = ["relevance", "year", "applications", "year_asc"]
        return _item(kind, {"sort": sorts[i % len(sorts)]} if i % len(sorts) else {})
    if kind == "deep":
        word = COMMON[(i // 4) % len(COMMON)]
        phrase = BOUNDARY_PHRASES[(i // 4) % len(BOUNDARY_PHRASES)]
        options = [({"page": 50}, word, "word"), ({"page": "last"}, phrase, "phrase"),
                   ({"page": "last", "sort": ["year", "applications"][i % 2]}, None, None),
                   ({"page": "last"}, word, "word")]
        args, text, text_kind = options[i % len(options)]
        return _item(kind, args, text, text_kind)
    raise ValueError(kind)


def resolve_last_pages(idx: SearchIndex, mix: list[dict]) -> None:
    """Replace ``page=last`` by the number of the last page (one untimed search each)."""
    for item in mix:
        if item["args"].get("page") == "last":
            probe = {**item["args"], "page": "1"}
            item["args"]["page"] = str(idx.search(Query.from_args(probe)).pages)


def distinct(mix: list[dict]) -> int:
    """How many different matched sets the mix asks for (the engine may cache repeats)."""
    return len({json.dumps({k: v for k, v in m["args"].items() if k not in ("page", "sort", "per_page")},
                           sort_keys=True, ensure_ascii=False) for m in mix})


def make_mix(n: int, seed: int, texts: list[str], idx: SearchIndex) -> list[dict]:
    """``n`` queries of every kind, in a seeded random order."""
    rng = random.Random(seed)
    fv = facet_values(idx)
    mix = [_make(kind, i, rng, texts, fv) for kind, count in kind_counts(n).items() for i in range(count)]
    rng.shuffle(mix)
    resolve_last_pages(idx, mix)
    return mix
