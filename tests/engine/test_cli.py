"""The command line: build, search and check share the core with the web UI."""

from __future__ import annotations

import json

from indexer.__main__ import main


def test_build_prints_a_summary_and_search_prints_hits_and_facets(corpus_dir, tmp_path, capsys):
    ix = tmp_path / "ix"
    assert main(["build", str(corpus_dir), "--index", str(ix), "--quiet", "--procs", "1"]) == 0
    out = capsys.readouterr().out
    assert "reports in index: 5" in out and "skipped: 0" in out

    assert main(["search", '"微信公众号"', "--index", str(ix)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 reports match")
    assert "【微信公众号】" in out
    year_line = next(line for line in out.splitlines() if "(year)" in line)
    assert "2020: 2" in year_line and "2021: 1" in year_line

    assert main(["search", "--index", str(ix), "--has-litigation", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 1 and data["hits"][0]["town"] == "李楼镇"


def test_search_with_a_malformed_query_exits_2_with_a_message(sample_index, capsys):
    assert main(["search", '"微信', "--index", str(sample_index)]) == 2
    assert "引号不成对" in capsys.readouterr().err


def test_search_without_an_index_says_how_to_build_one(tmp_path, capsys):
    assert main(["search", "微信", "--index", str(tmp_path / "none")]) == 2
    assert "python -m indexer build" in capsys.readouterr().err


def test_check_prints_status_table_and_summary(corpus_dir, capsys):
    assert main(["check", str(corpus_dir)]) == 0
    out = capsys.readouterr().out
    assert "5 reports: verified 5" in out
    assert main(["check", str(corpus_dir), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"verified": 5} and len(data["reports"]) == 5


def test_snippets_print_bold_on_a_terminal_and_in_brackets_otherwise():
    from indexer.__main__ import PLAIN_EMPHASIS, TTY_EMPHASIS, snippet_text

    assert snippet_text("通过微信公众号发布", ((2, 7),), TTY_EMPHASIS) == "通过\x1b[1m微信公众号\x1b[0m发布"
    assert snippet_text("通过微信公众号发布", ((2, 7),), PLAIN_EMPHASIS) == "通过【微信公众号】发布"
    assert snippet_text("a<b>&c", (), PLAIN_EMPHASIS) == "a<b>&c"  # plain text: nothing escaped


def test_search_prints_a_report_text_as_written_not_html_escaped(sample_index, capsys):
    assert main(["search", '"微信公众号"', "--index", str(sample_index), "--per-page", "20"]) == 0
    out = capsys.readouterr().out
    assert "&lt;" not in out and "&gt;" not in out and "<mark>" not in out


def test_search_reads_places_and_typos_as_the_page_does_and_says_so(sample_index, capsys):
    assert main(["search", "town:刘楼", "--index", str(sample_index), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["total"] == 1
    assert "乡镇“刘楼”按“刘楼镇”检索" in captured.err
    assert main(["search", "foo:微信公众号", "--index", str(sample_index), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["total"] >= 3 and "没有名为“foo”的字段" in captured.err
