"""The gazetteer's cache file: read back equal to a fresh build, rebuilt when unreadable, named by
what it is built from, and never needed (an unwritable folder only means building)."""

from __future__ import annotations

from pathlib import Path

from indexer.extract import gazetteer as gz


def _fresh(monkeypatch, folder) -> gz.Gazetteer:
    monkeypatch.setenv("NIANBAO_CACHE", str(folder))
    gz.gazetteer.cache_clear()
    try:
        return gz.gazetteer()
    finally:
        gz.gazetteer.cache_clear()


def test_the_cached_gazetteer_is_the_built_one(monkeypatch, tmp_path):
    first = _fresh(monkeypatch, tmp_path)
    files = list(tmp_path.glob("gazetteer-*.pickle"))
    assert len(files) == 1 and files[0] == gz._cache_path()
    again = _fresh(monkeypatch, tmp_path)  # read from the file this time
    built = gz.build_gazetteer()
    for g in (first, again):
        assert g.by_code == built.by_code and g.by_name == built.by_name and g.by_stem == built.by_stem
        assert g.area_codes == built.area_codes and g.near == built.near


def test_an_unreadable_cache_file_is_rebuilt_and_replaced(monkeypatch, tmp_path):
    monkeypatch.setenv("NIANBAO_CACHE", str(tmp_path))
    path = gz._cache_path()
    assert path is not None
    path.write_bytes(b"not a pickle")
    got = _fresh(monkeypatch, tmp_path)
    assert got.lookup_town("城关镇")
    assert path.read_bytes() != b"not a pickle"


def test_an_unwritable_cache_folder_only_means_building(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would be")
    got = _fresh(monkeypatch, blocker / "cache")
    assert got.lookup_town("城关镇") and not (blocker / "cache").exists()


def test_the_cache_name_changes_with_the_code_that_builds_it(monkeypatch, tmp_path):
    monkeypatch.setenv("NIANBAO_CACHE", str(tmp_path))
    before = gz._cache_path()
    edited = tmp_path / "gazetteer.py"
    edited.write_bytes(Path(gz.__file__).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(gz, "__file__", str(edited))
    assert gz._cache_path() not in (None, before)
