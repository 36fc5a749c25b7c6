"""Searches on one index version run at once, in many threads, and answer as they do one at a time."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

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


BOTH_READING_TIMEOUT_S = 10.0


def held_until_both_read(work: list[Callable[[], object]]) -> list[object]:
    """Run the two calls of ``work`` in two threads, each held at its first read of an index file
    (``os.pread``, under engine/files.py's and gramkeys.py's reads) until the other thread has reached
    a read too: only the other thread's progress releases it. With a lock that lets one search at a
    time read an index version (around a search, a version, a file or a read), the first thread waits
    inside it for a read the second cannot reach, and the barrier's timeout fails the test instead of
    hanging it. Their answers, in order."""
    both_reading = threading.Barrier(2, timeout=BOTH_READING_TIMEOUT_S)
    held: dict[int, bool] = {}  # racing thread -> whether it has been held already
    real_pread = os.pread

    def pread(fd: int, size: int, at: int) -> bytes:
        me = threading.get_ident()
        if held.get(me) is False:
            held[me] = True
            both_reading.wait()
        return real_pread(fd, size, at)

    answers: list[object] = [None, None]
    errors: list[BaseException] = []

    def run(k: int) -> None:
        held[threading.get_ident()] = False
        try:
            answers[k] = work[k]()
        except BaseException as err:  # reported below, with the barrier's state
            errors.append(err)

    threads = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(2)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "pread", pread)
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=3 * BOTH_READING_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads), "a search never finished"
    assert not both_reading.broken, (
        f"the two searches were never reading the index at the same time: one waited "
        f"{BOTH_READING_TIMEOUT_S:.0f} s for the other (a lock lets one search at a time read it); "
        f"{errors!r}")
    assert errors == []
    assert sorted(held.values()) == [True, True]  # each thread did read the index, and was held there
    return answers


def test_two_searches_read_one_open_index_at_the_same_time(sample_index: Path):
    index = SearchIndex(sample_index)
    plan = [("微信公众号", "relevance"), ("政府信息公开", "year")]
    expected = [_answer(index, *item) for item in plan]
    fresh = SearchIndex(sample_index)  # its matched sets are not cached: the searches read more
    try:
        got = held_until_both_read([lambda: _answer(fresh, *plan[0]), lambda: _answer(fresh, *plan[1])])
    finally:
        index.close()
        fresh.close()
    assert got == expected


def test_two_requests_to_the_app_search_one_index_at_the_same_time(sample_index: Path):
    from webui import create_app

    app = create_app({"INDEX_DIR": str(sample_index), "TESTING": True})
    app.test_client().get("/api/search?q=公开")  # the app opens its index before the race

    def search(q: str) -> Callable[[], object]:
        def get() -> object:
            resp = app.test_client().get("/api/search?" + urlencode({"q": q, "per_page": "5"}))
            assert resp.status_code == 200
            return [h["id"] for h in resp.get_json()["hits"]]
        return get

    got = held_until_both_read([search("微信公众号"), search("申请 OR 复议")])
    assert all(got)
