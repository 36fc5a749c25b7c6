"""`python -m indexer extract` against the gold facts of the five sample reports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from indexer.extract.read import read_source
from indexer.extract.report import GOLD_KEYS, extract_facts

COMPARED = [k for k in GOLD_KEYS if k != "notes"]


@pytest.fixture(scope="module")
def extracted(corpus_dir) -> dict[str, dict]:
    out = {}
    for path in sorted(corpus_dir.glob("*.txt")):
        out[path.name] = extract_facts(read_source(path).text, path.name)
    return out


def test_every_gold_field_matches_for_every_sample(extracted, gold):
    mismatches = []
    for g in gold:
        got = extracted[g["file"]]
        for key in COMPARED:
            if got[key] != g[key]:
                mismatches.append(f"{g['file']} {key}: got {got[key]!r}, gold {g[key]!r}")
    assert not mismatches, "\n".join(mismatches)


def test_every_sample_is_verified(extracted):
    assert {name: f["status"] for name, f in extracted.items()} == dict.fromkeys(extracted, "verified")


def test_extract_cli_prints_one_json_object_per_file_with_the_gold_keys(corpus_dir, gold):
    files = sorted(str(p) for p in corpus_dir.glob("*.txt"))
    proc = subprocess.run([sys.executable, "-m", "indexer", "extract", *files], capture_output=True,
                          text=True, check=True)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 5
    by_file = {g["file"]: g for g in gold}
    for line in lines:
        obj = json.loads(line)
        assert set(GOLD_KEYS) <= set(obj)
        for key in COMPARED:
            assert obj[key] == by_file[obj["file"]][key], (obj["file"], key)


def test_extract_cli_reports_an_unreadable_file_and_goes_on(corpus_dir, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00")
    good = corpus_dir / "000_dcf4e469761e050f.txt"
    proc = subprocess.run([sys.executable, "-m", "indexer", "extract", str(bad), str(good)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "bad.txt" in proc.stderr
    assert json.loads(proc.stdout)["file"] == good.name
