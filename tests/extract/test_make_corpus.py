"""The synthetic corpus generator: reproducible, identities hold, every layout, honest encodings."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import make_corpus  # noqa: E402
from corpusgen.places import gazetteer  # noqa: E402

GOLD_FILE = ROOT / "tests" / "data" / "gold.json"
EXTRA_KEYS = {"layout", "edition", "encoding", "truth"}
GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
FOUR = ("maintained", "corrected", "other", "pending")


@lru_cache(maxsize=4)
def corpus(n: int = 200, seed: int = 11) -> tuple:
    return tuple(make_corpus.generate(n, seed))


GOLD_KEYS = {"file", "year", "body", "town", "county", "city", "province", "source_url", "published",
             "applications", "reconsideration", "litigation_direct", "litigation_after_reconsideration",
             "litigation_total", "notes"}


def shared_keys() -> set[str]:
    """The keys of the hand-made gold of the five samples (tests/data/gold.json)."""
    for path in (GOLD_FILE,):
        if path.exists():
            keys = set(json.loads(path.read_text(encoding="utf-8"))[0])
            assert keys == GOLD_KEYS
            return keys
    return GOLD_KEYS


# ------------------------------------------------------------- reproducibility

def test_same_seed_same_bytes():
    first = make_corpus.generate(40, 5)
    again = make_corpus.generate(40, 5)
    assert [(n, b) for n, b, _ in first] == [(n, b) for n, b, _ in again]
    assert json.dumps([g for *_, g in first], ensure_ascii=False) == json.dumps([g for *_, g in again],
                                                                                 ensure_ascii=False)


def test_different_seeds_differ():
    a = [b for _, b, _ in make_corpus.generate(20, 1)]
    b = [b for _, b, _ in make_corpus.generate(20, 2)]
    assert sum(x != y for x, y in zip(a, b, strict=True)) >= 19


def test_prefix_stable_and_layout_restriction():
    longer = make_corpus.generate(30, 5)
    assert [b for _, b, _ in make_corpus.generate(10, 5)] == [b for _, b, _ in longer[:10]]
    only = make_corpus.generate(30, 5, layouts=["html", "web_oneline"])
    assert {g["layout"] for *_, g in only} == {"html", "web_oneline"}
    with pytest.raises(ValueError):
        make_corpus.generate(1, 5, layouts=["nope"])


def test_cli_writes_identical_corpora(tmp_path):
    for out in ("a", "b"):
        assert make_corpus.main(["--reports", "25", "--seed", "3", "--out", str(tmp_path / out)]) == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(files) == 26 and "gold.json" in files
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    gold = json.loads((tmp_path / "a" / "gold.json").read_text(encoding="utf-8"))
    assert [g["file"] for g in gold] == sorted(f for f in files if f != "gold.json")


# ------------------------------------------------------------------ ground truth

def check_part3(rows: dict, edition: int) -> None:
    outcomes = [r for r in rows if r not in ("new", "carried_over", "handled_total", "carried_forward")]
    assert len(outcomes) == (19 if edition == 2019 else 21)
    for row, values in rows.items():
        assert len(values) == 7 and values[6] == sum(values[:6]), row
        assert all(isinstance(v, int) and v >= 0 for v in values), row
    for c in range(7):
        handled = rows["handled_total"][c]
        assert rows["new"][c] + rows["carried_over"][c] == handled + rows["carried_forward"][c]
        assert sum(rows[o][c] for o in outcomes) == handled


def test_truth_obeys_every_identity():
    for _, _, gold in corpus():
        truth = gold["truth"]
        if gold["edition"] is None:
            assert truth["part3"] is None and truth["part4"] is None and truth["part2"] is None
            continue
        check_part3(truth["part3"], gold["edition"])
        for g in GROUPS:
            assert truth["part4"][g]["total"] == sum(truth["part4"][g][k] for k in FOUR)
            assert gold[g] == truth["part4"][g]
        assert gold["applications"]["new"] == truth["part3"]["new"][6]
        assert gold["applications"]["handled_total"] == truth["part3"]["handled_total"][6]
        assert gold["litigation_total"] == gold["litigation_direct"]["total"] + \
            gold["litigation_after_reconsideration"]["total"]


def test_editions_follow_years_and_numbers_look_real():
    golds = [g for *_, g in corpus()]
    for g in golds:
        expected = None if g["year"] < 2019 else 2019 if g["year"] <= 2020 else 2021
        assert g["edition"] == expected
        assert (g["layout"] == "prose_pre2019") == (g["year"] < 2019)
    tabled = [g for g in golds if g["edition"]]
    zero = sum(g["applications"]["new"] == 0 for g in tabled)
    assert 0.2 * len(tabled) < zero < 0.8 * len(tabled)
    assert max(g["applications"]["new"] for g in tabled) >= 20


def test_gold_keys_match_shared_gold():
    keys = shared_keys()
    for _, _, gold in corpus():
        assert set(gold) == keys | EXTRA_KEYS
        assert set(gold["applications"]) == {"new", "carried_over", "granted", "handled_total",
                                             "carried_forward"}


def test_pre2019_gold_holds_only_what_prose_states():
    pre = [(b, g) for _, b, g in corpus() if g["edition"] is None]
    assert pre
    for data, g in pre:
        text = data.decode(g["encoding"])
        assert "\t" not in text and "结果维持" not in text
        assert g["applications"]["carried_over"] is None
        new = g["applications"]["new"]
        # applications are counted in 件, or in 条 as some reports do ("申请21条")
        assert new is not None and (any(f"申请{new}{u}" in text for u in "件条") if new else "申请" in text)


def test_places_come_from_the_gazetteer():
    gz = gazetteer()
    by_name = {}
    for d in gz.by_code.values():
        by_name.setdefault(d.name, []).append(d)
    for _, data, g in corpus():
        text = data.decode(g["encoding"])
        assert g["body"] in text
        county = [d for d in by_name[g["county"]] if d.level == 3]
        matches = []
        for d in county:
            parent = gz.by_code[d.parent_code]
            city = parent.name if parent.level == 2 else None
            province = parent.name if parent.level == 1 else gz.by_code[parent.parent_code].name
            matches.append((city, province))
        assert (g["city"], g["province"]) in matches
        if len(county) > 1:  # a shared county name: the text names its city (or municipality)
            assert (g["city"] or g["province"]) in text
        if g["town"]:
            assert g["town"] in text and g["body"].endswith(("人民政府", "办事处"))
            if gz.town_count[g["town"]] > 1:
                assert g["county"] in text


# ---------------------------------------------------------------------- layouts

def test_every_layout_appears_in_200_reports():
    seen = {g["layout"] for *_, g in corpus()}
    assert seen == set(make_corpus.LAYOUTS)
    for name, _, g in corpus():
        ext = {"html": "html", "md": "md"}.get(g["layout"], "txt")
        assert name == f"{name[:6]}_{g['layout']}.{ext}" and name == g["file"]


def splits(digits: str, cells: int, groups: int) -> list[list[int]]:
    """Brute force: every way to cut ``digits`` into groups of ``cells`` numbers (no leading zeros)
    where each group's last number is the sum of the others."""
    total_cells = cells * groups
    found = []

    def walk(pos: int, parts: list[int]) -> None:
        if len(parts) == total_cells:
            if pos == len(digits):
                found.append(parts)
            return
        ends = [pos + 1] if digits[pos:pos + 1] == "0" else range(pos + 1, len(digits) + 1)
        for end in ends:
            if len(digits) - end < total_cells - len(parts) - 1:
                break
            value = int(digits[pos:end])
            group = [*parts, value][-(len(parts) % cells + 1):]
            if len(group) == cells and value != sum(group[:-1]):
                continue
            walk(end, [*parts, value])

    walk(0, [])
    return found


def test_run_together_rows_split_uniquely():
    web = [(b, g) for _, b, g in corpus() if g["layout"] == "web_oneline"]
    assert web
    for data, g in web:
        text = data.decode(g["encoding"])
        assert text.count("\n") == 1 and text.endswith("\n")
        rows = g["truth"]["part3"]
        for row, values in rows.items():
            digits = "".join(map(str, values))
            assert splits(digits, 7, 1) == [values], (g["file"], row)
        assert "一、本年新收政府信息公开申请数量" + "".join(map(str, rows["new"])) in text
        assert "（七）总计" + "".join(map(str, rows["handled_total"])) in text
        cells = [g["truth"]["part4"][grp][k] for grp in GROUPS for k in (*FOUR, "total")]
        four = "".join(map(str, cells))
        assert four in text and splits(four, 5, 3) == [cells]


def test_brute_force_splitter_sees_ambiguity():
    assert splits("350100238", 7, 1) == [[35, 0, 1, 0, 0, 2, 38]]
    assert len(splits("1111113", 7, 1)) == 0
    assert len(splits("11111122", 7, 1)) == 0
    assert len(splits("101000011", 7, 1)) > 1  # 10,1,0,0,0,0,11 and 1,0,10,0,0,0,11


def test_files_decode_with_declared_encoding():
    encodings = set()
    for _, data, g in corpus():
        enc = g["encoding"]
        encodings.add(enc)
        assert data.startswith(b"\xef\xbb\xbf") == (enc == "utf-8-sig")
        text = data.decode(enc)
        if enc == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        if g["layout"] == "html":
            assert text.lstrip("\ufeff").startswith("<!DOCTYPE html>") and "<table" in text
            assert ('charset="gb18030"' in text) == (enc == "gb18030")
    assert encodings == {"utf-8", "utf-8-sig", "gb18030"}


def test_layouts_look_like_their_kind():
    by_layout = {}
    for _, data, g in corpus():
        by_layout.setdefault(g["layout"], []).append(data.decode(g["encoding"]))
    assert all("\n\n\t" in t and "\n\t0\n\t0\n" in t for t in by_layout["cell_per_line"])
    assert all("rowspan=" in t and "colspan=" in t for t in by_layout["html"])
    assert all("| --- |" in t for t in by_layout["md"])
    assert any("０" in t for t in by_layout["fullwidth_markup"])
    assert all(t.count("申请人情况") >= 2 for t in by_layout["page_break"])
    assert all("当前位置：首页" in t for t in by_layout["web_oneline"])


def test_the_corpus_holds_the_cases_real_reports_break_on():
    """Wrapped titles, field labels, bodies named only in the page header, towns the gazetteer does not
    know, a portal's home page beside the report's address, 条 counts and statistics lines before 2019
    (some with figures run together): accuracy.py measures each of them."""
    import re

    from indexer.extract.gazetteer import gazetteer as extract_gazetteer
    texts = [(data.decode(g["encoding"]), g) for _, data, g in corpus(400, 11)]
    seen = {
        "wrapped title": any(re.search(r"工作的?\n年度报告", t) for t, _ in texts),
        "title label": any("标题：" in t for t, _ in texts),
        "header body": any("发布机构：" + g["body"] in t for t, g in texts),
        "unknown town": any(g["town"] and not extract_gazetteer().lookup_town(g["town"]) for _, g in texts),
        "portal": any(re.search(r"门户网站（http://[^/）]+/）发布", t) for t, _ in texts),
        "tiao": any(re.search(r"申请\d+条", t) for t, _ in texts),
        "statistics lines": any("行政诉讼数 件" in t for t, _ in texts),
        "run together": any(g["edition"] is None and re.search(r"(申请数|行政复议数|行政诉讼数) 件 \d+\n", t)
                            for t, g in texts),
    }
    assert all(seen.values()), seen
