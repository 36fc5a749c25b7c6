"""scripts/bench.py end to end at a tiny size: every figure present, phrase hit sets agree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECONDS = ("build_seconds", "jieba_floor_seconds", "fts5_build_seconds", "incremental_add_seconds",
           "incremental_change_seconds", "incremental_delete_seconds")
MILLISECONDS = ("query_p50_ms", "query_p95_ms", "fts5_query_p50_ms", "fts5_query_p95_ms", "scan_query_p50_ms")
BYTES = ("text_bytes", "build_peak_rss_bytes", "index_bytes", "serve_rss_bytes")
KINDS = ("word", "common", "phrase", "facet", "range", "empty", "deep")


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    work = tmp_path_factory.mktemp("bench")
    out = work / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--reports", "30", "--queries", "20",
         "--workdir", str(work), "--json", str(out), "--procs", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8")), proc.stdout


def test_every_figure_is_there_with_a_sane_type(bench):
    result, _ = bench
    assert result["errors"] == []
    assert result["reports"] == 30
    for key in (*SECONDS, *MILLISECONDS):
        assert isinstance(result[key], float) and result[key] > 0, key
    for key in BYTES:
        assert isinstance(result[key], int) and result[key] > 0, key
    assert result["build_peak_rss_bytes"] > 20 * 2**20  # a Python process tree, not a stray sample
    assert result["query_p50_ms"] <= result["query_p95_ms"]
    assert result["fts5_ratio"] == pytest.approx(result["query_p95_ms"] / result["fts5_query_p95_ms"])
    assert result["build_over_floor"] > 0
    assert result["machine"]["cores"] >= 1 and result["machine"]["python"].startswith("3.")
    assert isinstance(result["date"], str)


def test_per_kind_latencies_cover_the_whole_mix(bench):
    result, _ = bench
    by_kind = result["query_by_kind"]
    assert set(by_kind) == set(KINDS)
    assert sum(k["ours"]["n"] for k in by_kind.values()) == result["queries"] == 20
    for stats in by_kind.values():
        assert stats["ours"]["n"] >= 1
        assert {"ours", "fts5", "scan"} <= set(stats)


def test_phrase_hits_agree_with_fts5_and_the_scan(bench):
    result, _ = bench
    check = result["phrase_check"]
    assert check["checked"] >= 3 and check["against"] == ["fts5", "scan"]
    assert result["phrase_hits_agree"] is True, check["disagreements"]
    assert result["filter_totals_agree"] is True


def test_incremental_changes_reach_the_index(bench):
    result, _ = bench
    assert result["incremental_summaries"]["add"]["indexed"] == 1
    assert result["incremental_summaries"]["change"]["indexed"] == 1
    assert result["incremental_summaries"]["delete"]["deleted"] == 1
    assert all(result["incremental_visible_fresh"].values())


def test_the_table_shows_targets_beside_figures(bench):
    _, stdout = bench
    for label in ("build / floor", "query p50 / p95", "FTS5 p50 / p95", "incremental", "serve RSS",
                  "phrase hits agree"):
        assert label in stdout
    assert "≤ 1.5 ×" in stdout and "p95 ≤ 100 ms" in stdout and "< 1 GiB" in stdout
