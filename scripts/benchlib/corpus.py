"""The benchmark corpus: generated once per (N, seed) under the work folder, copied for each run.

``scripts/make_corpus.py`` (``write_corpus``) makes it when present; until then (or if it fails to
import) the five sample reports in ``corpus/`` are replicated with small perturbations.
"""

from __future__ import annotations

import importlib
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from indexer.extract.normalise import search_text
from indexer.extract.read import ReadError, discover, read_source

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "corpus"
DONE = ".bench-complete"


@dataclass
class Texts:
    """Every report of a corpus as the index sees it: relpath → normalised text."""

    norm: dict[str, str]
    text_bytes: int  # UTF-8 bytes of the reports' text as read
    file_bytes: int  # bytes on disk


def generator() -> str:
    """"make_corpus" when scripts/make_corpus.py can be imported, else "samples"."""
    return "make_corpus" if _make_corpus() is not None else "samples"


def _make_corpus():
    if not (ROOT / "scripts" / "make_corpus.py").exists():
        return None
    try:
        return importlib.import_module("make_corpus")
    except Exception as err:  # a half-written generator: fall back, say so
        print(f"note: scripts/make_corpus.py does not import ({type(err).__name__}: {err}); "
              "using perturbed samples")
        return None


def ensure_corpus(workdir: Path, n: int, seed: int) -> tuple[Path, str]:
    """The cached corpus of ``n`` reports for ``seed`` (made if missing or made by an older generator)."""
    out = workdir / f"corpus-n{n}-s{seed}"
    gen = generator()
    marker = out / DONE
    if marker.exists() and json.loads(marker.read_text()).get("generator") == gen:
        return out, gen
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if gen == "make_corpus":
        _make_corpus().write_corpus(out, n, seed)
    else:
        write_perturbed_samples(out, n, seed)
    marker.write_text(json.dumps({"generator": gen, "reports": n, "seed": seed}))
    return out, gen


def working_copy(corpus: Path, dest: Path) -> Path:
    """A fresh copy of ``corpus`` the incremental step may change (the cached one stays intact)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(corpus, dest)
    return dest


def load_texts(corpus: Path) -> Texts:
    """Read and normalise every report with the project's own reader and normaliser."""
    norm: dict[str, str] = {}
    text_bytes = file_bytes = 0
    for path in discover(corpus):
        rel = path.relative_to(corpus).as_posix()
        try:
            text = read_source(path).text
        except ReadError:
            continue  # the build skips it too
        norm[rel] = search_text(text).text
        text_bytes += len(text.encode("utf-8"))
        file_bytes += path.stat().st_size
    return Texts(norm, text_bytes, file_bytes)


# ---------------------------------------------------------------------------------------------
# Fallback: the five samples, perturbed

_FILLER = [
    "本年度通过政务新媒体发布信息{k}条。", "全年召开新闻发布会{k}次，解读政策文件{k}件。",
    "通过微信公众号发布政务信息{k}条，阅读量持续增长。", "组织信息公开业务培训{k}次。",
    "在政府网站更新财政预决算信息{k}条。", "受理群众来信来访{k}件，均已按期办结。",
]


def write_perturbed_samples(out: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    samples = [read_source(p).text for p in sorted(SAMPLES.glob("*.txt"))]
    for i in range(n):
        text = samples[i % len(samples)]
        year = rng.choice([2018, 2019, 2020, 2021, 2022, 2023])
        text = re.sub(r"20[12]\d(?= ?年)", str(year), text)
        extra = "".join(rng.choice(_FILLER).format(k=rng.randint(1, 99)) for _ in range(rng.randint(1, 4)))
        lines = text.split("\n")
        at = rng.randint(len(lines) // 4, max(len(lines) // 4, len(lines) // 2))
        lines.insert(at, extra)
        (out / f"r{i:06d}.txt").write_text("\n".join(lines), encoding="utf-8")
