"""Searches on one index version run at once, in many threads, and answer as they do one at a time."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.engine.files import READ_AHEAD, PositionalFile, PositionalStorage
from indexer.engine.query import Query
from indexer.engine.search import SearchIndex


def test_positional_file_keeps_one_position_per_thread(tmp_path: Path):
    data = bytes(range(256)) * 400  # 102,400 bytes: several read-ahead buffers
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    f = PositionalFile.open(str(path))
    errors: list[str] = []
    barrier = threading.Barrier(4)

    def reader(k: int) -> None:
        barrier.wait()
        for i in range(300):
            at = (k * 7919 + i * 331) % (len(data) - 40)
            f.seek(at)
            got = f.read(3) + f.read(37)  # two reads: the position must survive other threads' seeks
            if got != data[at:at + 40] or f.tell() != at + 40:
                errors.append(f"thread {k} at {at}")

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    f.close()
    assert not errors


def test_positional_file_windows_read_their_own_range(tmp_path: Path):
    data = b"".join(i.to_bytes(4, "big") for i in range(READ_AHEAD))
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    f = PositionalFile.open(str(path))
    window = f.subset(1000, 5000)
    assert window.read(8) == data[1000:1008]
    window.seek(0, 2)
    assert window.tell() == 5000 and window.read(10) == b""
    window.seek(4990)
    assert window.read(100) == data[5990:6000]  # clipped at the window's end
    assert f.read(4) == data[:4]  # the whole file's position is its own
    big = f.read(3 * READ_AHEAD)  # a read larger than the buffer
    assert big == data[4:4 + 3 * READ_AHEAD]
    f.close()
    with pytest.raises(ValueError):
        f.seek(len(data) - 1)
        f.read(1)


def test_storage_opens_the_sample_index_for_reading(sample_index: Path):
    from indexer.engine.generations import current_generation

    gen = current_generation(sample_index)
    assert gen is not None
    ix = PositionalStorage(str(gen)).open_index()
    with ix.searcher() as s:
        assert s.doc_count() == 5
        assert all(f["id"] for f in s.all_stored_fields())


QUERIES = ["", "政府信息公开", "微信公众号", '"政务新媒体"', "申请 OR 复议", "year:2020", "NOT 诉讼",
           "status:verified", '"结果维持"', "行政 -诉讼", "公开", "2020"]


def _answer(index: SearchIndex, q: str, sort: str) -> tuple:
    res = index.search(Query.from_args({"q": q, "sort": sort, "per_page": "5"}))
    facets = {name: [(v.value, v.count) for v in values] for name, values in res.facets.items()}
    return res.total, [(h.id, tuple(s.text for s in h.snippets), tuple(s.marks for s in h.snippets),
                        h.hit_count) for h in res.hits], facets


def test_many_threads_searching_one_version_answer_as_one_thread_does(sample_index: Path):
    index = SearchIndex(sample_index)
    plan = [(q, sort) for q in QUERIES for sort in ("relevance", "year")]
    expected = {item: _answer(index, *item) for item in plan}
    # a fresh index: its caches are filled by the threads racing, not by the serial pass
    racing = SearchIndex(sample_index)
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda item: (item, _answer(racing, *item)), plan * 6))
    views = list(ThreadPoolExecutor(max_workers=8).map(
        lambda rid: racing.report(rid, "公开"), [h[0] for h in expected[("公开", "year")][1]] * 4))
    index.close()
    racing.close()
    assert [g for item, g in got if g != expected[item]] == []
    assert all(v is not None and v.marks for v in views)
