"""A hit's cost is bounded whatever the report's size: it reads a window of the text the build
prepared (counted in characters decompressed), and its marks stay exact."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from indexer.engine import search as search_module
from indexer.engine.highlight import SCAN, hit_needles, hit_snippets
from indexer.engine.query import Query
from indexer.engine.querylang import parse
from indexer.engine.search import SearchIndex
from indexer.engine.textstore import BLOCK, ChunkedOffsetMap, StoredText, compose, read_stored, stored_text
from indexer.extract.normalise import search_text

# the most a hit may decompress: the opening window and one jump window of normalised text (each
# SCAN characters and the blocks at their ends), and the original text's blocks of three snippets
BOUND = 2 * (SCAN + 2 * BLOCK) + 6 * BLOCK

PARAGRAPH = ("本机关依法受理政府信息公开申请，按照规定的程序和时限办理答复。\n"
             "主动公开 规范性文件 十二 件，其中 某镇 人民政府 公开 工作 情况 良好 。\n")
MARKER = "年报末尾独有标记短语"


class ScanDoc:
    """What the index answers for one report, found here by scanning its whole normalised text."""

    def __init__(self, norm: str) -> None:
        self.norm = norm

    def holds(self, node) -> bool:
        return False

    def has_words(self, words) -> bool:
        return False

    def contains(self, text: str) -> bool:
        return text in self.norm

    def starts(self, text: str) -> list[int]:
        out, at = [], self.norm.find(text)
        while at >= 0 and len(out) < 5:
            out.append(at)
            at = self.norm.find(text, at + 1)
        return out


def _report(chars: int, marker_at: float | None) -> str:
    body = PARAGRAPH * (chars // len(PARAGRAPH) + 1)
    if marker_at is None:
        return body
    cut = body.index("\n", int(len(body) * marker_at)) + 1
    return body[:cut] + f"附：{MARKER}。\n" + body[cut:]


def _hit(text: str, q: str) -> tuple[StoredText, list, int]:
    stored = read_stored(stored_text(text))
    doc = ScanDoc(search_text(text).text)
    node = parse(q)
    needles = hit_needles(node, stored, doc)
    snips, count = hit_snippets(stored, needles, doc)
    return stored, snips, count


@pytest.fixture(scope="module")
def huge(tmp_path_factory) -> str:
    """A report of about 8 MB of UTF-8 (2.7 million characters), its marker near the end, written
    to a temporary file and read back as a report is."""
    path = tmp_path_factory.mktemp("huge") / "huge.txt"
    path.write_text(_report(2_700_000, 0.97), encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_offset_map_is_composed_exactly():
    rnd = random.Random(7)
    alphabet = list("政府信息公开 \n\t\u3000㈠①ＡＢ１２ab，。")
    for _ in range(200):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 120)))
        norm = search_text(text)
        mapping = compose(norm)
        assert [mapping(i) for i in range(len(norm.text) + 1)] == norm.offsets
        back = read_stored(stored_text(text))
        assert (back.original.whole(), back.norm.whole()) == (text, norm.text)


def test_the_map_read_in_pieces_is_the_composed_map_at_every_position_across_piece_ends():
    rnd = random.Random(11)
    alphabet = list("政府信息公开 \n\t\u3000㈠①ＡＢ１２ab，。")
    for length in (0, 5, BLOCK - 1, BLOCK, 3 * BLOCK + 17):
        text = "".join(rnd.choice(alphabet) for _ in range(length + length // 3))
        norm = search_text(text)
        back = read_stored(stored_text(text))
        assert isinstance(back.orig, ChunkedOffsetMap)
        assert [back.orig(i) for i in range(len(norm.text) + 1)] == norm.offsets


def test_a_hit_reads_a_bounded_number_of_map_pieces_in_a_text_spaced_between_every_character():
    """PDF text with a space between every character: a million map points in 5 MB. Whole, the map
    took 33 ms to read at every hit; in pieces a hit reads only the pieces of its window."""
    spaced = " ".join(_report(600_000, 0.95))
    stored, snips, _ = _hit(spaced, f'"{MARKER}"')
    assert snips and all(s.marks for s in snips)
    assert isinstance(stored.orig, ChunkedOffsetMap)
    assert stored.orig.pieces_read <= BOUND // BLOCK < len(stored.norm) // BLOCK


def test_a_hit_in_a_huge_report_reads_the_same_bounded_text_as_in_a_small_one(huge):
    assert len(huge.encode("utf-8")) > 7_000_000
    small = _report(40_000, 0.9)
    for q in (f'"{MARKER}"', "公开申请", "规范性文件 OR 某镇"):
        big_text, big_snips, _ = _hit(huge, q)
        small_text, small_snips, _ = _hit(small, q)
        assert big_snips and all(s.marks for s in big_snips)
        assert [s.text for s in big_snips] == [s.text for s in small_snips]  # same passages found
        assert big_text.chars_read <= BOUND < len(huge) // 5
        assert small_text.chars_read <= len(small) * 2


def test_a_huge_reports_snippet_marks_the_phrase_where_it_stands(huge):
    stored, snips, count = _hit(huge, f'"{MARKER}"')
    assert count == 1
    (snip,) = snips
    (mark,) = snip.marks
    assert snip.text[mark[0]:mark[1]] == MARKER
    assert stored.chars_read <= BOUND


def _marker_corpus(tmp_path: Path, corpus_dir: Path, chars: int) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sorted(corpus_dir.glob("*.txt"))[0], corpus)
    sample = sorted(corpus_dir.glob("*.txt"))[1].read_text(encoding="utf-8")
    body = sample + _report(chars, 0.95).replace(MARKER, f"{MARKER[:3]}\n{MARKER[3:]}")
    (corpus / "long.txt").write_text(body, encoding="utf-8")
    return corpus


def test_search_results_of_a_long_report_read_a_bounded_window_and_mark_exactly(
        tmp_path, corpus_dir, monkeypatch):
    """Through the index: the marker (split by a line break, as PDFs leave phrases) stands past the
    opening window; the result jumps to it through the bigram positions, marks exactly it, and the
    report page marks the same place in the whole text."""
    from indexer.engine.build import build_index

    corpus = _marker_corpus(tmp_path, corpus_dir, 8 * SCAN)
    build_index(corpus, tmp_path / "index", procs=1)
    read: list[StoredText] = []

    def counting(stored):
        got = read_stored(stored)
        read.append(got)
        return got

    monkeypatch.setattr(search_module, "read_stored", counting)
    with SearchIndex(tmp_path / "index") as index:
        res = index.search(Query.from_args({"q": f'"{MARKER}"'}))
        assert res.total == 1
        (hit,) = res.hits
        (snip,) = hit.snippets
        (mark,) = snip.marks
        assert snip.text[mark[0]:mark[1]] == f"{MARKER[:3]} {MARKER[3:]}"  # the line break shown as a space
        assert hit.hit_count == 1
        assert read[0].chars_read <= min(BOUND, len(read[0].original) // 2)
        view = index.report(hit.id, f'"{MARKER}"')
        assert view is not None and len(view.marks) == 1
        s, e = view.marks[0]
        assert view.text[s:e] == f"{MARKER[:3]}\n{MARKER[3:]}"
