"""Places: the issuing body and its town/county/city/province, on the samples and generated cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.extract.gazetteer import build_gazetteer, gazetteer, stems
from indexer.extract.meta import read_meta
from indexer.extract.normalise import nfkc
from indexer.extract.places import Places, body_id, canonical_body, resolve_places

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
PLACE_KEYS = ("body", "town", "county", "city", "province")


def _places(text: str) -> Places:
    norm = nfkc(text).text
    return resolve_places(norm, read_meta(norm).title)


def _as_dict(p: Places) -> dict:
    return {k: getattr(p, k) for k in PLACE_KEYS}


# --- the five samples --------------------------------------------------------------------------------


def test_samples_match_gold(gold: list[dict]) -> None:
    for g in gold:
        text = (CORPUS / g["file"]).read_text(encoding="utf-8")
        got = _as_dict(_places(text))
        assert got == {k: g[k] for k in PLACE_KEYS}, g["file"]


def test_samples_work_without_nfkc_and_without_title(gold: list[dict]) -> None:
    for g in gold:
        text = (CORPUS / g["file"]).read_text(encoding="utf-8")
        assert _as_dict(resolve_places(text)) == {k: g[k] for k in PLACE_KEYS}, g["file"]


def test_sample_places_are_unambiguous(gold: list[dict]) -> None:
    for g in gold:
        p = _places((CORPUS / g["file"]).read_text(encoding="utf-8"))
        assert p.ambiguous == []
        assert p.evidence  # says where the facts came from


# --- generated cases ---------------------------------------------------------------------------------

PARTS = "\n一、总体情况\n{body}\n二、主动公开政府信息情况\n六、其他需要报告的事项\n无。\n"


R = "年政府信息公开工作年度报告"  # a title's tail, after the year


def doc(title: str, body: str = "", tail: str = "") -> str:
    return title + "\n" + PARTS.format(body=body) + tail


def test_county_department_has_no_town() -> None:
    p = resolve_places(doc("汶上县教育局2020" + R))
    assert _as_dict(p) == {"body": "汶上县教育局", "town": None, "county": "汶上县", "city": "济宁市",
                           "province": "山东省"}


def test_county_government() -> None:
    p = resolve_places(doc("金乡县人民政府2021" + R))
    assert _as_dict(p) == {"body": "金乡县人民政府", "town": None, "county": "金乡县", "city": "济宁市",
                           "province": "山东省"}


def test_generic_title_takes_the_full_name_from_the_text() -> None:
    p = resolve_places(doc("县教育局2020" + R, "本报告由汶上县教育局按照要求编制。"))
    assert (p.body, p.county, p.city) == ("汶上县教育局", "汶上县", "济宁市")


def test_ambiguous_district_without_context_is_not_guessed() -> None:
    p = resolve_places(doc("鼓楼区人民政府2020" + R))
    assert (p.body, p.town, p.county, p.city, p.province) == ("鼓楼区人民政府", None, "鼓楼区", None, None)
    assert sorted(p.ambiguous) == sorted([
        "江苏省/南京市/鼓楼区", "江苏省/徐州市/鼓楼区", "福建省/福州市/鼓楼区", "河南省/开封市/鼓楼区",
    ])


def test_ambiguous_district_with_city_in_text() -> None:
    p = resolve_places(doc("鼓楼区人民政府2020" + R, "在徐州市委、市政府的领导下"))
    assert (p.county, p.city, p.province, p.ambiguous) == ("鼓楼区", "徐州市", "江苏省", [])


def test_ambiguous_district_with_city_in_body() -> None:
    p = resolve_places(doc("南京市鼓楼区人民政府2020" + R))
    assert (p.body, p.county, p.city, p.province) == ("南京市鼓楼区人民政府", "鼓楼区", "南京市", "江苏省")


def test_province_alone_narrows_but_does_not_decide() -> None:
    p = resolve_places(doc("鼓楼区人民政府2020" + R, "根据《江苏省政府信息公开条例实施办法》"))
    assert (p.county, p.city, p.province) == ("鼓楼区", None, "江苏省")
    assert sorted(p.ambiguous) == ["江苏省/南京市/鼓楼区", "江苏省/徐州市/鼓楼区"]


def test_area_code_disambiguates() -> None:
    p = resolve_places(doc("鼓楼区人民政府2020" + R, "联系电话：0591-87654321"))
    assert (p.county, p.city, p.province) == ("鼓楼区", "福州市", "福建省")


def test_municipality_district() -> None:
    p = resolve_places(doc("北京市朝阳区人民政府2020" + R))
    assert _as_dict(p) == {"body": "北京市朝阳区人民政府", "town": None, "county": "朝阳区", "city": None,
                           "province": "北京市"}


def test_municipality_district_bare_name_needs_context() -> None:
    bare = resolve_places(doc("朝阳区人民政府2020" + R))
    assert (bare.city, bare.province) == (None, None) and len(bare.ambiguous) == 2
    p = resolve_places(doc("朝阳区人民政府2020" + R, "联系电话：010-65099999"))
    assert (p.county, p.city, p.province) == ("朝阳区", None, "北京市")


def test_street_office_in_a_municipality() -> None:
    p = resolve_places(doc("建外街道2020" + R, "本报告由北京市朝阳区建外街道办事处编制。"))
    assert _as_dict(p) == {"body": "北京市朝阳区建外街道办事处", "town": "建外街道", "county": "朝阳区",
                           "city": None, "province": "北京市"}


def test_renamed_town_found_by_stem_with_context() -> None:
    # 李楼镇 of 洛龙区 is 李楼街道 in the 2025 table; an exact-name lookup finds only 老河口市's 李楼镇.
    p = resolve_places(doc("李楼镇人民政府2019" + R, "在洛龙区委、区政府的正确领导下"))
    assert _as_dict(p) == {"body": "李楼镇人民政府", "town": "李楼镇", "county": "洛龙区", "city": "洛阳市",
                           "province": "河南省"}


def test_renamed_town_without_context_takes_the_unit_with_the_written_name() -> None:
    # Nothing in the text points at 洛龙区: the unit still called 李楼镇 wins, the stem matches
    # (李楼街道, 李楼乡) are kept as alternatives, not as a guess.
    p = resolve_places(doc("李楼镇人民政府2019" + R))
    assert (p.town, p.county, p.city, p.province) == ("李楼镇", "老河口市", "襄阳市", "湖北省")
    assert p.ambiguous == []
    assert "河南省/洛阳市/洛龙区/李楼街道" in p.alternatives


def test_renamed_town_with_weak_context_stays_ambiguous() -> None:
    # "区政府" rules out 老河口市 (a 县级市) but not the two districts holding a 李楼.
    p = resolve_places(doc("李楼镇人民政府2019" + R, "在区委、区政府的正确领导下"))
    assert (p.town, p.county, p.city, p.province) == ("李楼镇", None, None, None)
    assert "河南省/洛阳市/洛龙区/李楼街道" in p.ambiguous
    assert all("老河口市" not in c for c in p.ambiguous)


def test_exact_town_name_beats_stem_siblings() -> None:
    p = resolve_places(doc("于家镇人民政府2021" + R))
    assert (p.town, p.county, p.city, p.province) == ("于家镇", "榆树市", "长春市", "吉林省")
    p = resolve_places(doc("茅兰沟满族蒙古族乡2015" + R, "本报告由平泉市茅兰沟满族蒙古族乡人民政府编制。"))
    assert (p.body, p.town, p.county) == ("平泉市茅兰沟满族蒙古族乡人民政府", "茅兰沟满族蒙古族乡", "平泉市")


def test_shared_town_name_settled_by_county_mention() -> None:
    text = doc("刘楼镇 2020 " + R, "在东明县人民政府门户网站设刘楼镇人民政府信息公开专栏。")
    p = resolve_places(text)
    assert (p.body, p.town, p.county, p.city) == ("刘楼镇人民政府", "刘楼镇", "东明县", "菏泽市")


def test_bare_place_title_without_confirmation_has_no_body() -> None:
    p = resolve_places(doc("穴坊镇2020" + R))
    assert (p.body, p.town, p.county, p.city) == (None, "穴坊镇", "莱阳市", "烟台市")


def test_short_government_name_is_completed_when_confirmed() -> None:
    own = "我镇编制了《齐都镇人民政府2020年政府信息公开工作年度报告》"
    p = resolve_places(doc("2020年齐都镇政府信息公开工作年度报告", own))
    assert (p.body, p.town, p.county) == ("齐都镇人民政府", "齐都镇", "临淄区")


def test_body_from_signature_when_title_has_none() -> None:
    p = resolve_places(doc("2020年度政府信息公开工作年度报告", tail="\n金乡县人民政府\n2021年1月20日\n"))
    assert (p.body, p.county, p.city) == ("金乡县人民政府", "金乡县", "济宁市")


def test_fuller_name_from_signature_wins() -> None:
    p = resolve_places(doc("卜集镇人民政府2021" + R, tail="\n金乡县卜集镇人民政府\n2022年1月20日\n"))
    assert p.body == "金乡县卜集镇人民政府"


def test_provincial_county_level_unit_has_no_city() -> None:
    p = resolve_places(doc("仙桃市人民政府2020" + R))
    assert (p.county, p.city, p.province) == ("仙桃市", None, "湖北省")


def test_town_of_a_prefecture_without_counties() -> None:
    p = resolve_places(doc("虎门镇人民政府2020" + R))
    assert (p.town, p.county, p.city, p.province) == ("虎门镇", None, "东莞市", "广东省")


def test_old_city_name_stated_is_kept() -> None:
    p = resolve_places(doc("莱芜市钢城区人民政府2018" + R))
    assert (p.county, p.city, p.province) == ("钢城区", "莱芜市", "山东省")


def test_place_names_that_start_with_a_level_character() -> None:
    p = resolve_places(doc("市中区人民政府2020" + R, "联系电话：0632-1234567"))
    assert (p.body, p.county, p.city) == ("市中区人民政府", "市中区", "枣庄市")


def test_no_body_at_all() -> None:
    p = resolve_places("政府信息公开工作年度报告\n一、总体情况\n本年度未收到申请。\n")
    assert _as_dict(p) == dict.fromkeys(PLACE_KEYS)


# --- the gazetteer -----------------------------------------------------------------------------------


def test_gazetteer_is_cached_and_deterministic() -> None:
    # (its build time is a benchmark figure, not a unit-test assertion)
    assert gazetteer() is gazetteer()
    assert build_gazetteer().area_codes == gazetteer().area_codes


def test_gazetteer_levels_and_stems() -> None:
    g = gazetteer()
    assert stems("李楼街道") == ("李楼",)
    assert stems("大河回族乡") == ("大河", "大河回族")
    assert [d.name for d in g.lookup_town("李楼镇")].count("李楼街道") == 1
    (xiantao,) = g.lookup("仙桃市")
    assert [d.name for d in g.path(xiantao)] == ["湖北省", "仙桃市"]


def test_area_code_table_resolves_completely() -> None:
    g = gazetteer()
    path = ROOT / "indexer" / "extract" / "data" / "area_codes.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    assert sum(len(v) for v in g.area_codes.values()) == len(rows)  # every row names a real unit
    assert [d.name for d in g.area_code_units("0537")] == ["济宁市"]
    assert {d.name for d in g.area_code_units("0558")} == {"阜阳市", "亳州市"}
    assert [d.name for d in g.area_code_units("010")] == ["北京市"]
    prefectures = {d.code for d in g.by_code.values() if d.level == 2}
    covered = {d.code for units in g.area_codes.values() for d in units}
    whole = {d.code[:2] for d in g.by_code.values() if d.code in covered and d.level == 1}
    assert {c for c in prefectures if c not in covered and c[:2] not in whole} == set()


@pytest.mark.parametrize("path", ["indexer/extract/gazetteer.py", "indexer/extract/places.py",
                                  "indexer/extract/meta.py", "indexer/extract/html.py"])
def test_code_does_not_name_the_samples(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert not re.search(r"刘楼|穴坊|齐都|卜集|李楼|dcf4e469|dba21300|ef34a76a|89d79d27|a536c629", text)


# --- one-line pages, wrapped PDF text, names inside names ----------------------------------------------


def test_signature_inside_a_page_saved_as_one_line_completes_the_body() -> None:
    text = ("当前位置：首页 > 政务公开 > 正文 转塘街道关于2021年度政府信息公开工作的年度报告 "
            "来源：西湖区人民政府 一、总体情况 本年度工作平稳。六、其他需要报告的事项 无。 "
            "杭州市西湖区转塘街道办事处 2022年1月30日 分享到：微信 微博 【打印】【关闭】")
    p = _places(text)
    assert _as_dict(p) == {"body": "杭州市西湖区转塘街道办事处", "town": "转塘街道", "county": "西湖区",
                           "city": "杭州市", "province": "浙江省"}


def test_name_wrapped_over_lines_in_pdf_text() -> None:
    text = ("转塘街道2023年政府信息公开工作年度报告\n\n本报告根据《条例》的有关要求，由杭州市\n\n"
            "西湖区转塘街道办事处编制。\n一、总体情况\n无。\n")
    assert _places(text).body == "杭州市西湖区转塘街道办事处"


def test_a_county_named_inside_a_longer_county_name_is_not_named() -> None:
    # 新宁镇 is in 武宁县 (江西) and in 宁县 (甘肃): "武宁县委" names the first only.
    text = ("新宁镇人民政府2022年政府信息公开工作年度报告\n一、总体情况\n"
            "在武宁县委、武宁县政府的正确领导下，我镇政务公开工作有序推进。\n")
    p = _places(text)
    assert (p.town, p.county, p.city, p.province) == ("新宁镇", "武宁县", "九江市", "江西省")


def test_rare_han_characters_and_chinese_numeral_dates_on_one_line_pages() -> None:
    text = ("当前位置：首页 > 正文 㵲阳镇人民政府关于2023年度政府信息公开工作的年度报告 来源：镇远县人民政府 "
            "一、总体情况 本年度工作平稳。六、其他需要报告的事项 无。 "
            "黔东南苗族侗族自治州镇远县㵲阳镇人民政府 二〇二四年一月十八日 分享到：微信 微博")
    p = _places(text)
    assert (p.body, p.town, p.county) == ("黔东南苗族侗族自治州镇远县㵲阳镇人民政府", "㵲阳镇", "镇远县")
    assert read_meta(nfkc(text).text).published == "2024-01-18"


# --- municipalities, unknown units, typos, cited regulations --------------------------------------------

REG = "根据《{p}政府信息公开办法》，现将本年度报告如下。\n"


def test_municipality_bodies_have_the_municipality_as_province_and_no_city() -> None:
    for title, province in (("2024 年上海市科委政府信息公开工作\n年度报告\n", "上海市"),
                            ("北京市海淀区人民政府2020年政府信息公开工作年度报告\n", "北京市"),
                            ("重庆市渝中区人民政府2020年政府信息公开工作年度报告\n", "重庆市"),
                            ("天津市和平区人民政府2020年政府信息公开工作年度报告\n", "天津市")):
        p = _places(title + "现将报告如下。\n")
        assert p.province == province and p.city is None, (title, p)


def test_body_missing_from_the_gazetteer_gets_its_province_from_the_regulation_it_cites() -> None:
    text = "平潭综合实验区管理委员会2020年政府信息公开工作年度报告\n" + REG.format(p="福建省")
    p = _places(text)
    assert (p.body, p.province, p.city, p.county) == ("平潭综合实验区管理委员会", "福建省", None, None)
    both = text + "参照《浙江省政府信息公开规定》。\n"
    assert _places(both).province is None  # two provinces cited: no guess


def test_county_typo_is_corrected_only_when_unique_and_placed_by_the_text() -> None:
    title = "沐阳县人民政府2020年政府信息公开工作年度报告\n"
    # the real county written elsewhere (its stem, or one of its towns) singles it out
    for hint in ("全县（沭阳）各乡镇。", "沭城街道完成公开栏建设。"):
        p = _places(title + REG.format(p="江苏省") + hint)
        assert (p.county, p.city, p.province) == ("沭阳县", "宿迁市", "江苏省"), hint
        assert p.corrections == ["place_corrected: 沐阳县 → 沭阳县"]
    # 射阳县, 沭阳县 and 泗阳县 are all one character off and in 江苏省: no correction, no guess
    p = _places(title + REG.format(p="江苏省"))
    assert p.county == "沐阳县" and p.city is None and not p.corrections
    alone = _places(title + "现将报告如下。\n")
    assert alone.county == "沐阳县" and alone.province is None and not alone.corrections
    elsewhere = _places(title + REG.format(p="河北省") + "沭城街道。")
    assert not elsewhere.corrections and elsewhere.city is None  # the text places it elsewhere


def test_county_typo_unique_in_the_province_the_text_names() -> None:
    p = _places("涞源县人民政府2020年政府信息公开工作年度报告\n" + REG.format(p="河北省"))
    assert not p.corrections  # a real name is never corrected
    g = gazetteer()
    near = [d for d in g.one_off("赞口县") if d.level == 3]
    assert len(near) > 1 and [d.name for d in near if g.at_level(d, 1).name == "河北省"] == ["赞皇县"]
    p = _places("赞口县人民政府2020年政府信息公开工作年度报告\n" + REG.format(p="河北省"))
    assert (p.county, p.city, p.province) == ("赞皇县", "石家庄市", "河北省")
    assert p.corrections == ["place_corrected: 赞口县 → 赞皇县"]
    assert not _places("赞口县人民政府2020年政府信息公开工作年度报告\n").corrections  # not placed: kept


def test_town_missing_from_the_gazetteer_is_placed_by_its_county() -> None:
    # on an independent corpus a third of Hebei reports lost province and city: their towns were not in
    # the table (renamed, merged, or written "王安镇镇" there), and nothing was read from the county.
    for body in ("保定市涞源县王大庄镇人民政府", "涞源县王大庄镇人民政府", "河北省涞源县王大庄镇人民政府"):
        p = _places(f"{body}2020年政府信息公开工作年度报告\n" + REG.format(p="河北省"))
        assert (p.town, p.county, p.city, p.province) == ("王大庄镇", "涞源县", "保定市", "河北省"), body


def test_town_written_with_its_suffix_doubled_in_the_table() -> None:
    p = _places("保定市涞源县王安镇人民政府2020年政府信息公开工作年度报告\n现将报告如下。\n")
    assert (p.town, p.county, p.city, p.province) == ("王安镇", "涞源县", "保定市", "河北省")


def test_hebei_bodies_in_several_phrasings_keep_province_and_city() -> None:
    g = gazetteer()
    county = g.lookup("涞源县")[0]
    towns = [d.name for d in g.by_code.values() if d.parent_code == county.code][:6]
    for town in towns:
        for body in (f"{town}人民政府", f"涞源县{town}人民政府", f"保定市涞源县{town}人民政府"):
            p = _places(f"{body}2021年政府信息公开工作年度报告\n" + REG.format(p="河北省"))
            assert (p.county, p.city, p.province) == ("涞源县", "保定市", "河北省"), body


# --- labels, page headers, signatures --------------------------------------------------------------------


def test_field_labels_are_stripped_from_body_names() -> None:
    p = _places("标题:大瑶镇人民政府2020年政府信息公开工作年度报告\n在浏阳市委、市政府领导下。\n")
    assert p.body == "大瑶镇人民政府" and p.county == "浏阳市"


def test_body_stated_only_in_the_page_header() -> None:
    text = ("发布机构：涞源县王安镇人民政府 时间：2021-01-05 浏览次数：12\n"
            "镇政府2020年政府信息公开工作年度报告\n现将报告如下。\n")
    assert _places(text).body == "涞源县王安镇人民政府"
    oneline = ("当前位置：首页 > 正文 王安镇政府2020年政府信息公开工作年度报告发布机构：涞源县王安镇人民政府"
               " 浏览次数：12 现将报告如下。")
    assert _places(oneline).body == "涞源县王安镇人民政府"


def test_body_stated_only_in_the_closing_signature() -> None:
    text = "2020年政府信息公开工作年度报告\n现将报告如下。\n\n涞源县王安镇人民政府\n2021年1月5日\n"
    p = _places(text)
    assert (p.body, p.county, p.province) == ("涞源县王安镇人民政府", "涞源县", "河北省")


# --- body_id --------------------------------------------------------------------------------------------


def test_body_id_is_stable_across_years_and_wordings() -> None:
    a = _places("保定市涞源县王安镇人民政府2020年政府信息公开工作年度报告\n")
    b = _places("王安镇政府2021年政府信息公开工作年度报告\n在涞源县委、县政府领导下。\n")
    c = _places("标题：涞源县 王安镇人民政府2022年政府信息公开工作年度报告\n")
    assert body_id(a) == body_id(b) == body_id(c) is not None
    assert canonical_body(a) == "河北省/保定市/涞源县/王安镇|人民政府"
    assert re.fullmatch(r"[0-9a-f]{16}", body_id(a))


def test_body_id_tells_apart_same_named_towns_and_different_organs() -> None:
    g = gazetteer()
    shared = next(name for name, units in g.by_name.items()
                  if name.endswith("镇") and len({g.at_level(d, 3).name for d in units
                                                  if d.level == 4 and g.at_level(d, 3)}) >= 2)
    counties = sorted({g.at_level(d, 3).name for d in g.by_name[shared] if d.level == 4 and g.at_level(d, 3)
                       and len(g.lookup(g.at_level(d, 3).name)) == 1})[:2]
    ids = {body_id(_places(f"{c}{shared}人民政府2020年政府信息公开工作年度报告\n")) for c in counties}
    assert len(ids) == 2
    gov = _places("涞源县人民政府2020年政府信息公开工作年度报告\n")
    dept = _places("涞源县教育局2020年政府信息公开工作年度报告\n")
    assert body_id(gov) != body_id(dept)
    assert body_id(Places()) is None


def test_municipality_named_without_shi_at_the_start_of_a_body() -> None:
    bodies = (("重庆两江新区管理委员会", "重庆市"), ("天津滨海高新技术产业开发区管理委员会", "天津市"),
              ("北京经济技术开发区管理委员会", "北京市"))
    for body, province in bodies:
        p = _places(f"{body}2020年政府信息公开工作年度报告\n")
        assert (p.body, p.province, p.city) == (body, province, None), body
    # a unit of the gazetteer that starts with a municipality's name is that unit (广州's 北京街道)
    p = _places("北京街道办事处2020年政府信息公开工作年度报告\n在越秀区委、区政府领导下。\n")
    assert (p.town, p.county, p.province) == ("北京街道", "越秀区", "广东省")


def test_the_signature_beats_the_page_header_source() -> None:
    text = ("来源：涞源县人民政府 时间：2021-01-02\n2020年政府信息公开工作年度报告\n现将报告如下。\n"
            "涞源县王安镇人民政府\n2021年1月5日\n")
    assert _places(text).body == "涞源县王安镇人民政府"
    assert _places(text.replace("涞源县王安镇人民政府\n", "")).body == "涞源县人民政府"


def test_a_page_source_label_does_not_lengthen_the_body_the_report_names() -> None:
    head = ("{label}：南通市通州区人民政府 时间：2021-01-28\n"
            "通州区人民政府2020年政府信息公开工作年度报告\n现将报告如下。\n")
    assert _places(head.format(label="来源")).body == "通州区人民政府"
    assert _places(head.format(label="发布机构")).body == "南通市通州区人民政府"
