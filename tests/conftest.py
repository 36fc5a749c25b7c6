"""Shared fixtures: the sample corpus shipped in corpus/, and one index built over it per session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "data" / "gold.json"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    """The gold facts of the five samples (tests/data/gold.json, a copy of the hand-checked gold)."""
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index over the five sample reports, built once."""
    from indexer.engine.build import build_index

    index_dir = tmp_path_factory.mktemp("index")
    build_index(CORPUS, index_dir, procs=1)
    return index_dir


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the sample corpus a test may change."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst
