"""Taking the data away: CSV and JSON Lines of the whole result set, the whole data set, the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from indexer.__main__ import main
from webui import create_app
from webui.export import COLUMNS, csv_lines, safe_cell


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).test_client()


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith("\ufeff".encode())  # Excel reads the Chinese
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_search_csv_has_every_page_a_row_per_report_and_a_column_per_fact(client):
    resp = client.get("/api/search.csv?per_page=1&page=3&year=2020&year=2019")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = read_csv(resp.data)
    assert len(rows) == 4
    assert list(rows[0]) == list(COLUMNS)
    li = next(r for r in rows if r["town"] == "李楼镇")
    assert (li["applications_new"], li["litigation_direct_total"],
            li["litigation_after_reconsideration_total"], li["litigation_total"]) == ("3", "3", "1", "4")
    assert li["url"].startswith("http://localhost/reports/")


def test_whole_data_set_csv_and_json_exports(client):
    assert len(read_csv(client.get("/api/data.csv").data)) == 5
    lines = client.get("/api/search.jsonl?q=微信公众号").get_data(as_text=True).splitlines()
    assert len(lines) == 4 and all("facts" in json.loads(line) for line in lines)
    body = client.get("/api/search.json?all=1&per_page=1").get_json()
    assert body["total"] == 5 and len(body["hits"]) == 5 and "tables" in body["hits"][0]["facts"]


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    for s in ("+1", "-1", "@x", "\tx"):
        assert safe_cell(s) == "'" + s
    assert safe_cell("刘楼镇") == "刘楼镇" and safe_cell(None) == "" and safe_cell(-3) == -3
    text = "".join(csv_lines([("a", "f.txt", "=cmd|' /C calc'!A0", {"year": 2020})], bom=False))
    assert "'=cmd" in text


def test_cli_search_csv_prints_every_matching_report(sample_index, capsys):
    assert main(["search", "--index", str(sample_index), "--csv", "--per-page", "1"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert len(rows) == 5


def test_cli_filters_by_a_place_path(sample_index, capsys):
    assert main(["search", "--index", str(sample_index), "--place", "山东省/济宁市", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 2


def test_cli_takes_a_dash_word_as_not_without_a_double_dash(sample_index, capsys):
    assert main(["search", '"微信公众号"', "-微博", "--index", str(sample_index), "--json"]) == 0
    with_not = json.loads(capsys.readouterr().out)["total"]
    assert main(["search", "--index", str(sample_index), "--json", "--", '"微信公众号"', "-微博"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == with_not
    with pytest.raises(SystemExit):
        main(["search", "x", "--no-such-option", "--index", str(sample_index)])
