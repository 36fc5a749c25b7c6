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


def test_prose_that_contradicts_the_table_is_a_problem(corpus_dir, extracted):
    path = corpus_dir / "000_dcf4e469761e050f.txt"  # its prose states no count
    said = "一、总体情况\n本年度共收到政府信息公开申请7件。"
    text = read_source(path).text.replace("一、总体情况", said, 1)
    facts = extract_facts(text, path.name)
    assert facts["applications"]["new"] == 0  # the table's figure stands, and is verified
    assert facts["status"] == "verified"
    assert "prose and table disagree on applications.new: the prose says 7, the table 0" in facts["problems"]
    assert not [p for f in extracted.values() for p in f["problems"] if "disagree" in p]


def test_facts_carry_a_body_id_beside_the_gold_keys(extracted):
    ids = {name: f["body_id"] for name, f in extracted.items()}
    assert all(isinstance(i, str) and len(i) == 16 for i in ids.values())
    assert len(set(ids.values())) == len(ids)
    assert "body_id" not in GOLD_KEYS


def test_a_corrected_place_is_said_in_problems():
    text = ("沐阳县人民政府2020年政府信息公开工作年度报告\n根据《江苏省政府信息公开办法》，"
            "沭城街道等各单位现将本年度报告如下。\n")
    facts = extract_facts(text, "x.txt")
    assert facts["county"] == "沭阳县" and "place_corrected: 沐阳县 → 沭阳县" in facts["problems"]
