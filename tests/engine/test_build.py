"""Building: decoding, skipping bad files, incremental updates, atomic rebuilds."""

from __future__ import annotations

import pytest

from indexer.engine.build import build_index, current_generation
from indexer.engine.query import Query, SearchIndex
from indexer.extract.read import ReadError, decode


def _total(index_dir, q: str = "") -> int:
    return SearchIndex(index_dir).search(Query.from_args({"q": q})).total


def test_decode_accepts_utf8_bom_gb18030_and_utf16():
    text = "政府信息公开工作年度报告"
    assert decode(text.encode("utf-8")) == (text, "utf-8")
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode(text.encode("gb18030")) == (text, "gb18030")
    assert decode(text.encode("utf-16")) == (text, "utf-16")


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02binary", b"\xff\xfe\xfd" * 50 + b"\x81"])
def test_decode_rejects_empty_binary_and_undecodable_bytes(data):
    with pytest.raises(ReadError):
        decode(data)


def test_unreadable_file_is_reported_and_skipped_and_the_rest_indexes(corpus_copy, tmp_path):
    (corpus_copy / "broken.txt").write_bytes(b"\x00\x01binary junk")
    gbk = "某某县人民政府2020年政府信息公开工作年度报告\n微博矩阵"
    (corpus_copy / "gbk.txt").write_bytes(gbk.encode("gb18030"))
    summary = build_index(corpus_copy, tmp_path / "ix", procs=1)
    assert [f for f, _ in summary.skipped] == ["broken.txt"]
    assert "binary" in summary.skipped[0][1]
    assert summary.total == 6
    assert _total(tmp_path / "ix", '"微博矩阵"') == 1


def test_incremental_build_adds_changes_and_deletes_only_what_changed(corpus_copy, tmp_path):
    ix = tmp_path / "ix"
    first = build_index(corpus_copy, ix, procs=1)
    assert first.full and first.indexed == 5
    again = build_index(corpus_copy, ix, procs=1)
    assert not again.full and again.indexed == 0 and again.unchanged == 5

    new = "新增县人民政府2021年政府信息公开工作年度报告\n独一无二的短语甲"
    (corpus_copy / "new.txt").write_text(new, "utf-8")
    changed = corpus_copy / "000_dcf4e469761e050f.txt"
    changed.write_text(changed.read_text("utf-8") + "\n独一无二的短语乙", "utf-8")
    (corpus_copy / "004_a536c6293abab9c6.txt").unlink()
    step = build_index(corpus_copy, ix, procs=1)
    assert (step.indexed, step.unchanged, step.deleted, step.total) == (2, 3, 1, 5)
    assert _total(ix, '"独一无二的短语甲"') == 1
    assert _total(ix, '"独一无二的短语乙"') == 1
    assert _total(ix, '"洛龙区"') == 0


def test_failed_full_build_leaves_the_serving_index_intact(corpus_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    gen = current_generation(ix)
    serving = SearchIndex(ix)

    def crash(n: int) -> None:
        if n == 3:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        build_index(corpus_copy, ix, full=True, procs=1, fail_after=crash)
    assert current_generation(ix) == gen
    assert serving.search(Query()).total == 5
    assert sorted(p.name for p in ix.glob("gen-*")) == [gen.name]


def test_failed_incremental_build_commits_nothing(corpus_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    for i in range(3):
        (corpus_copy / f"extra{i}.txt").write_text(f"某县2021年政府信息公开工作年度报告 增量短语{i}", "utf-8")

    def crash(n: int) -> None:
        if n == 2:
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        build_index(corpus_copy, ix, procs=1, fail_after=crash)
    assert _total(ix) == 5
    assert build_index(corpus_copy, ix, procs=1).indexed == 3
    assert _total(ix) == 8


def test_full_rebuild_swaps_atomically_and_an_open_reader_follows(corpus_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    serving = SearchIndex(ix)
    assert serving.search(Query()).total == 5
    (corpus_copy / "001_dba21300d4162f8d.txt").unlink()
    summary = build_index(corpus_copy, ix, full=True, procs=1)
    assert summary.full and summary.total == 4
    assert serving.search(Query()).total == 4


def test_parallel_build_gives_the_same_index_as_serial(corpus_copy, tmp_path):
    for i in range(10):
        (corpus_copy / f"copy{i}.txt").write_text(
            (corpus_copy / "002_ef34a76a822e6c07.txt").read_text("utf-8") + f"\n编号{i}", "utf-8")
    a = build_index(corpus_copy, tmp_path / "a", procs=1)
    b = build_index(corpus_copy, tmp_path / "b", procs=2)
    assert a.total == b.total == 15
    qa = SearchIndex(tmp_path / "a").search(Query.from_args({"q": '"编号3" OR 齐都', "per_page": "50"}))
    qb = SearchIndex(tmp_path / "b").search(Query.from_args({"q": '"编号3" OR 齐都', "per_page": "50"}))
    assert {h.id for h in qa.hits} == {h.id for h in qb.hits}


def test_bulk_posting_path_builds_the_same_index_as_whoosh_add_document(corpus_dir, tmp_path):
    """writer.add_prepared (the fast path) against whoosh's own add_document on the same documents."""
    from whoosh import index as whoosh_index
    from whoosh import query as wq

    from indexer.engine.prepare import prepare_document
    from indexer.engine.writer import add_prepared
    from indexer.schema import make_schema

    docs = [prepare_document((str(corpus_dir), p.name))[1] for p in sorted(corpus_dir.glob("*.txt"))]
    readers = []
    for name, add in (("slow", lambda w, d: w.add_document(**d)), ("fast", add_prepared)):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), make_schema())
        writer = ix.writer()
        for doc in docs:
            add(writer, doc)
        writer.commit()
        readers.append(ix.searcher())
    slow, fast = readers
    for field in ("words", "grams", "title_words"):
        assert list(slow.reader().all_terms()) == list(fast.reader().all_terms())
        for docnum in range(len(docs)):
            lengths = [r.reader().doc_field_length(docnum, field) for r in (slow, fast)]
            assert lengths[0] == lengths[1]
    for term in (("grams", "公众"), ("words", "政务"), ("grams", "信息")):
        a, b = slow.postings(*term), fast.postings(*term)
        assert list(a.items_as("positions" if term[0] == "grams" else "frequency")) == \
            list(b.items_as("positions" if term[0] == "grams" else "frequency"))
    q = wq.Or([wq.Term("words", "政务"), wq.Term("grams", "公众")])
    assert [(h.docnum, round(h.score, 6)) for h in slow.search(q)] == \
        [(h.docnum, round(h.score, 6)) for h in fast.search(q)]
    for i in range(len(docs)):
        assert slow.stored_fields(i) == fast.stored_fields(i)


def test_a_running_server_sees_incremental_changes_and_deletions(corpus_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    serving = SearchIndex(ix)
    assert serving.search(Query.from_args({"q": '"洛龙区"'})).total == 1
    (corpus_copy / "004_a536c6293abab9c6.txt").unlink()
    changed = corpus_copy / "000_dcf4e469761e050f.txt"
    changed.write_text(changed.read_text("utf-8").replace("微信公众号", "微博账号"), "utf-8")
    build_index(corpus_copy, ix, procs=1)
    assert serving.search(Query.from_args({"q": '"洛龙区"'})).total == 0
    assert serving.search(Query.from_args({"q": '"微信公众号"'})).total == 2
    assert serving.search(Query()).total == 4


def _block_dump(reader, field: str, text: str) -> list[tuple]:
    """Every postings block of a term as stored: header statistics, ids, weights, values."""
    out = []
    for leaf, _offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        m = leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
        while m.is_active():
            m._read_ids()
            m._read_weights()
            m._read_values()
            out.append((m._blocklength, m._maxid, round(m._maxweight, 5), m._minlength, m._maxlength,
                        list(m._ids), [round(w, 5) for w in m._weights], list(m._values)))
            m._next_block()
    return out


def test_segment_flush_fast_path_writes_the_blocks_whoosh_writes(tmp_path):
    """SegmentedWriter (in-memory field lengths, postings added a block at a time) against whoosh's
    own writer on 160 generated reports: common terms span several 128-posting blocks."""
    import sys
    from pathlib import Path

    from whoosh import index as whoosh_index

    from indexer.engine.prepare import prepare_document
    from indexer.engine.writer import SegmentedWriter
    from indexer.schema import make_schema

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from make_corpus import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(corpus, 160, seed=5)
    docs = [d for _r, d, _e in (prepare_document((str(corpus), p.name))
                                for p in sorted(corpus.iterdir()) if p.suffix != ".json") if d]
    searchers = []
    for name in ("whoosh", "fast"):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), make_schema())
        if name == "whoosh":
            writer = ix.writer()
            for doc in docs:
                writer.add_document(**doc)
            writer.commit()
        else:
            seg = SegmentedWriter(ix, segment_docs=10_000)
            for doc in docs:
                seg.add_document(**doc)
            seg.commit()
        searchers.append(ix.searcher())
    slow, fast = (s.reader() for s in searchers)
    assert list(slow.all_terms()) == list(fast.all_terms())
    multi_block = 0
    fields = ("words", "grams", "title_words", "year")
    for field, text in [t for t in slow.all_terms() if t[0] in fields][::7]:
        a, b = _block_dump(slow, field, text), _block_dump(fast, field, text)
        assert a == b, (field, text)
        multi_block += len(a) > 1
    assert multi_block > 20


def test_workers_writing_several_segments_each_give_the_serial_build_s_results(corpus_copy, tmp_path):
    """A full build's workers write their own segments (here three reports a segment, so several
    each); the parent lists them all: same reports, hits and facet counts as one process."""
    for i in range(10):
        (corpus_copy / f"copy{i}.txt").write_text(
            (corpus_copy / "002_ef34a76a822e6c07.txt").read_text("utf-8") + f"\n编号{i}", "utf-8")
    a = build_index(corpus_copy, tmp_path / "a", procs=1)
    b = build_index(corpus_copy, tmp_path / "b", procs=2, segment_docs=3)
    assert a.total == b.total == 15 and b.indexed == 15
    gen = current_generation(tmp_path / "b")
    assert gen is not None and len(list(gen.glob("*.seg"))) >= 4
    for q in ('"编号3" OR 齐都', "行政复议", ""):
        qa = SearchIndex(tmp_path / "a").search(Query.from_args({"q": q, "per_page": "50"}))
        qb = SearchIndex(tmp_path / "b").search(Query.from_args({"q": q, "per_page": "50"}))
        assert qa.total == qb.total and {h.id for h in qa.hits} == {h.id for h in qb.hits}
        assert ({k: [(v.value, v.count) for v in vs] for k, vs in qa.facets.items()}
                == {k: [(v.value, v.count) for v in vs] for k, vs in qb.facets.items()})


def test_a_worker_that_fails_to_write_fails_the_build_and_the_old_index_keeps_serving(
        corpus_copy, tmp_path, monkeypatch):
    from indexer.engine import writer

    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    before = current_generation(ix)

    def broken(self, **doc):
        raise OSError("no space left on device")

    monkeypatch.setattr(writer.SegmentedWriter, "add_document", broken)  # inherited by the forked workers
    for i in range(10):
        (corpus_copy / f"copy{i}.txt").write_text(f"某镇2020年政府信息公开工作年度报告\n编号{i}", "utf-8")
    with pytest.raises(RuntimeError, match="no space left on device"):
        build_index(corpus_copy, ix, full=True, procs=2)
    assert current_generation(ix) == before
    assert SearchIndex(ix).search(Query.from_args({"q": ""})).total == 5


def test_a_build_restores_the_garbage_collectors_settings_even_when_it_fails(tmp_path):
    import gc

    from indexer.engine import gcpolicy

    before = gc.get_threshold()
    with gcpolicy.fewer_collections():
        assert gc.get_threshold() == gcpolicy.BUILD_THRESHOLD
        with gcpolicy.fewer_collections():  # a second build in another thread: the outer one restores
            pass
        assert gc.get_threshold() == gcpolicy.BUILD_THRESHOLD
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    with pytest.raises(FileNotFoundError):
        build_index(tmp_path / "no such corpus", tmp_path / "index")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
