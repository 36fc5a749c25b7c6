"""One synthetic report end to end: seeded rng → body → truth → document → bytes + gold entry.

Pre-2019 reports (layout ``prose_pre2019``) have no tables. Their gold holds only what the prose states:
``applications.new`` (0 for "未收到…申请"), ``granted``/``handled_total``/``carried_forward`` when a
sentence gives them ("均已按时答复" → handled_total = new; "全部予以公开" → granted = new;
"已办结h件，k件正在办理中" → handled_total = h, carried_forward = k), ``carried_over`` never (always null).
Reconsideration and litigation:
"未发生…行政复议、行政诉讼案件" → every field 0 and litigation_total 0; "行政复议r件，行政诉讼l件" →
reconsideration.total = r (all five 0 when r = 0; maintained/corrected too when the prose splits them,
other/pending then 0) and litigation_total = l, the direct/after-reconsideration split null; no sentence →
all null. Everything not stated is null (unknown).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from . import narrative, render, truth
from .places import Place, pick_place, site_domain, unknown_town

APP_KEYS = ("new", "carried_over", "granted", "handled_total", "carried_forward")
WEB_LAYOUTS = ("web_oneline", "html")
LAYOUT_WEIGHTS = {"tabs": 14, "cell_per_line": 9, "pdf": 12, "page_break": 8, "blank_zero": 9,
                  "fullwidth_markup": 8, "web_oneline": 9, "html": 10, "prose_pre2019": 12, "md": 9,
                  "column_order": 6, "column_cells": 5,
                  "pdftotext": 8}
CN_DIGITS = "〇一二三四五六七八九"
PRE_NOTE = "pre-2019: no tables, numbers only in prose, fields the prose does not state are null"


def pick(rng: random.Random, seq):
    return seq[rng.randrange(len(seq))]


# ------------------------------------------------------------------ naming

def body_name(rng: random.Random, place: Place, with_county: bool = False) -> tuple[str, bool]:
    """(gold body as the report names itself, whether that name carries the county)."""
    r = rng.random()
    if with_county:  # a town the gazetteer does not know is placed by the county in its name
        r = max(r, 0.55)
    if place.kind == "town":
        if r < 0.55:
            return place.official, False
        prefix = place.county_ref if r < 0.85 else place.upper + place.county
        return prefix + place.official, True
    if r < 0.8:  # a shared county name gets its city from a context sentence instead
        return place.official, True
    return place.upper + place.official, True


def context_mentions(rng: random.Random, place: Place, year: int, county_named: bool, me: str) -> list[str]:
    """Sentences that name the places a careful reader needs (and some they do not need)."""
    out = []
    ref = place.county_ref
    if place.kind == "town" and (not county_named and (place.town_shared or rng.random() < 0.4)):
        out.append(pick(rng, (
            f"在{ref}人民政府门户网站的政府信息公开专栏下设{place.official}信息公开子栏目，及时上传政府信息，方便公民查看。",
            f"根据《{ref}人民政府办公室关于印发{year}年{ref}政务公开工作要点的通知》要求，进一步明确{me}政务公开任务。",
            f"在{ref}委、{ref}政府的正确领导下，{me}政务公开工作有序推进。",
        )))
    elif place.kind != "town" and place.county_shared:
        out.append(f"根据《{place.upper}人民政府办公室关于做好{year}年度政府信息公开工作年度报告编制和发布工作的通知》"
                   f"要求，{me}认真编制本报告。")
    if place.city and rng.random() < 0.2:
        out.append(f"按照{place.city}、{ref}关于政务公开工作的部署要求，{me}扎实推进基层政务公开标准化规范化建设。")
    if rng.random() < 0.25:
        out.append(f"{me}认真贯彻落实《{place.province}政府信息公开办法》等文件精神，深入推进政府信息公开工作。")
    return out


def context_note(place: Place, body: str, mentions: list[str]) -> str:
    text = body + "".join(mentions)
    named = [x for x in (place.province, place.city, place.county) if x and x in text]
    parts = [f"named in the text: {'、'.join(named) if named else 'no level above the body'}"]
    if place.county_shared:
        parts.append(f"{place.county} is shared nationally, so it is named with {place.upper}")
    if place.town_shared:
        parts.append(f"{place.town} is shared nationally, so the county is named")
    if place.city is None:
        parts.append("no prefecture level in the gazetteer: city null")
    return "; ".join(parts)


# ------------------------------------------------------------------- dates/urls

def cn_date(d: date) -> str:
    def num(v: int) -> str:
        if v < 10:
            return CN_DIGITS[v]
        tens, ones = divmod(v, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    year = "".join(CN_DIGITS[int(ch)] for ch in str(d.year))
    return f"{year}年{num(d.month)}月{num(d.day)}日"


def source_url(rng: random.Random, place: Place, year: int) -> str:
    domain = site_domain(place)
    n = rng.randint(1000, 999999)
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    path = pick(rng, (f"col/col{n}/index.html", f"art/{year + 1}/{month}/{day}/art_{n}.html",
                      f"zwgk/xxgkml/{year + 1}{month:02d}/t{n}.html", "", f"xxgk/ndbg/{n}.jhtml"))
    return f"http://{domain}/{path}"


# ------------------------------------------------------------------------ truth

def draw_truth(rng: random.Random, kind: str, edition: int, unique_runs: bool) -> dict:
    """Tables obeying every identity; for run-together layouts, re-drawn until every row splits uniquely."""
    scale = kind
    for attempt in range(200):
        if attempt == 20:
            scale = "town"  # large numbers rarely split uniquely: fall back to a small report
        part3 = truth.make_part3(rng, scale, edition)
        part4 = truth.make_part4(rng, scale, part3["new"][6] > 0)
        if not unique_runs or truth.runs_split_uniquely(part3, part4):
            break
    else:  # pragma: no cover - an all-zero report always splits uniquely
        part3 = {r: [0] * 7 for r in truth.part3_rows(edition)}
        part4 = {g: dict.fromkeys(truth.OUTCOMES4, 0) for g in truth.GROUPS}
    return {"part2": truth.make_part2(rng, kind, edition), "part3": part3, "part4": part4}


def proactive_total(rng: random.Random, kind: str) -> int | None:
    if rng.random() < 0.2:
        return None
    hi = {"town": 300, "county_dept": 800, "county_gov": 5000}[kind]
    return rng.randint(5, hi)


def lawsuits(part4: dict) -> int:
    return part4["litigation_direct"]["total"] + part4["litigation_after_reconsideration"]["total"]


def gold_numbers(t: dict | None, stated: dict | None) -> dict:
    if t is not None:
        p3, p4 = t["part3"], t["part4"]
        rows = {"new": "new", "carried_over": "carried_over", "granted": "granted",
                "handled_total": "handled_total", "carried_forward": "carried_forward"}
        return {
            "applications": {k: p3[r][6] for k, r in rows.items()},
            **{g: dict(p4[g]) for g in truth.GROUPS},
            "litigation_total": lawsuits(p4),
        }
    out = {"applications": {k: stated.get(k) for k in APP_KEYS}}
    for g in truth.GROUPS:
        group = dict.fromkeys(truth.OUTCOMES4)
        group.update(stated.get(g, {}))
        out[g] = group
    out["litigation_total"] = stated.get("litigation_total")
    return out


# ---------------------------------------------------------------------- report

def choose_layout(rng: random.Random, layouts) -> str:
    return rng.choices(layouts, [LAYOUT_WEIGHTS[x] for x in layouts])[0]


def choose_encoding(rng: random.Random) -> str:
    r = rng.random()
    return "gb18030" if r < 0.1 else "utf-8-sig" if r < 0.18 else "utf-8"


@dataclass
class Drawn:
    """A report before rendering: its blocks, context and gold (without the file name), and the rng
    in the state the renderer continues from."""

    blocks: list
    ctx: narrative.Ctx
    rng: random.Random
    layout: str
    encoding: str
    gold: dict


def make_report(i: int, seed: int, layouts, *, place: Place | None = None, year: int | None = None,
                edit=None, rng_key: str = "nianbao-corpus") -> tuple[str, bytes, dict]:
    """Report i of the corpus. ``place``/``year`` fix the body and year, and ``edit(blocks, ctx)`` may
    rewrite the document before it is rendered (``copies`` plants copied text that way); without them
    the rng draws are the same as ever, so the default corpus does not change."""
    d = draw_report(i, seed, layouts, place=place, year=year, edit=edit, rng_key=rng_key)
    text, ext = render_layout(d.blocks, d.layout, d.ctx, d.rng, d.encoding)
    name = f"{i:06d}_{d.layout}.{ext}"
    return name, text.encode(d.encoding), {"file": name, **d.gold}


def draw_report(i: int, seed: int, layouts, *, place: Place | None = None, year: int | None = None,
                edit=None, rng_key: str = "nianbao-corpus") -> Drawn:
    """Report i of the seed drawn up to its rendering (office.py renders the same draw as DOCX/PDF)."""
    rng = random.Random(f"{rng_key}:{seed}:{i}")
    layout = choose_layout(rng, layouts)
    pre = layout == "prose_pre2019"
    drawn_year = rng.randint(2008, 2018) if pre else rng.randint(2019, 2025)
    year = drawn_year if year is None else year
    edition = None if pre else 2019 if year <= 2020 else 2021
    drawn_place = pick_place(rng, year)
    fixed_place = place is not None
    place = drawn_place if place is None else place
    variant = random.Random(rng.random())  # the variants below draw here: the main stream stays as it was
    unknown = not fixed_place and place.kind == "town" and variant.random() < 0.05
    if unknown:
        place = unknown_town(variant, place)
    body, county_named = body_name(rng, place, with_county=unknown)
    short, me = narrative.self_names(place, rng)
    if short == place.official:
        short = body

    url = source_url(rng, place, year) if rng.random() < 0.35 else None
    url_in_text = url is not None and (layout not in WEB_LAYOUTS or rng.random() < 0.4)
    d = date(year + 1, rng.randint(1, 3) if pre else 1, rng.randint(5, 28) if pre else rng.randint(5, 31))
    signed = rng.random() < 0.45
    web_time = layout in WEB_LAYOUTS and rng.random() < 0.7
    sign_date = (cn_date(d) if rng.random() < 0.1 else f"{d.year}年{d.month}月{d.day}日") if signed else None

    tables = None if pre else draw_truth(rng, place.kind, edition, layout == "web_oneline")
    t = {"edition": edition, "columns": list(truth.COLUMNS) if tables else None,
         "part2": None, "part3": None, "part4": None, "proactive_total": proactive_total(rng, place.kind),
         "stated": None}
    if tables:
        t.update(tables)
    ctx = narrative.Ctx(rng=rng, place=place, year=year, edition=edition, body=body, short=short, me=me,
                        truth=t, source_url=url, url_in_text=url_in_text,
                        published=d.isoformat() if signed or web_time else None, sign_date=sign_date,
                        bare_headings=rng.random() < 0.12)
    ctx.variant = variant
    ctx.split_title = layout in ("tabs", "pdf", "page_break", "blank_zero", "prose_pre2019") and \
        variant.random() < 0.15
    ctx.header_body = layout in WEB_LAYOUTS and variant.random() < 0.3
    ctx.title_label = layout == "web_oneline" and variant.random() < 0.3
    ctx.portal = url is not None and variant.random() < 0.4
    ctx.mentions = context_mentions(rng, place, year, county_named, me)
    if pre:
        ctx.pre_apps = truth.draw_total(rng, place.kind)
        cases = truth.make_part4(rng, place.kind, ctx.pre_apps > 0)
        ctx.pre_cases = (cases["reconsideration"]["total"], lawsuits(cases))
        ctx.stat_lines = variant.random() < 0.3
        blocks, stated = narrative.build_pre2019(ctx)
        t["stated"] = stated
    else:
        blocks = narrative.build_document(ctx)
    if edit is not None:
        blocks = edit(blocks, ctx)

    encoding = choose_encoding(rng)
    gold = {
        "year": year, "body": body, "town": place.town, "county": place.county,
        "city": place.city, "province": place.province, "source_url": url, "published": ctx.published,
        **gold_numbers(tables, t["stated"]),
        "notes": (f"Synthetic report, layout {layout}, "
                  f"{f'{edition} template edition' if edition else PRE_NOTE}; "
                  f"{place.kind}; {context_note(place, body, ctx.mentions)}; encoding {encoding}."),
        "layout": layout, "edition": edition, "encoding": encoding, "truth": t,
    }
    return Drawn(blocks, ctx, rng, layout, encoding, gold)


def render_layout(blocks: list, layout: str, ctx, rng: random.Random, encoding: str) -> tuple[str, str]:
    if layout == "html":
        charset = "utf-8"
        if encoding == "gb18030":
            charset = "gb18030"
        return render.render_html(blocks, ctx, rng, charset), "html"
    if layout == "md":
        return render.render_md(blocks, rng), "md"
    if layout == "web_oneline":
        return render.render_web_oneline(blocks, ctx, rng), "txt"
    return render.render_text(blocks, layout, rng), "txt"
