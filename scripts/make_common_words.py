"""Write indexer/engine/reuse/data/common_words.txt: the words a place name's stem must not mask.

A town's stem can be a common word: 安全乡 → 安全, 建设街道 → 建设, 和平镇 → 和平. Masked, every
"食品安全" of that report reads "食品@", so its copied sentences no longer match another body's
(``units.place_terms``). The list is jieba's own dictionary (jieba==0.42.1, pinned in
pyproject.toml): words of 2-4 characters used at least MIN_FREQ times there whose tag is not a
place, person or organisation name (ns/nr/nt). Shipped as a file so that masking does not read the
5 MB dictionary (0.6 s) in every build worker and incremental add; tests/engine/test_reuse.py checks
the file is what this script writes.

    python scripts/make_common_words.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "indexer" / "engine" / "reuse" / "data" / "common_words.txt"
MIN_FREQ = 1000
NAME_TAGS = ("ns", "nr", "nt")


def common_words(dictionary: Path) -> list[str]:
    out = []
    with dictionary.open(encoding="utf-8") as f:
        for line in f:
            word, freq, tag = line.split()
            if int(freq) >= MIN_FREQ and not tag.startswith(NAME_TAGS) and 2 <= len(word) <= 4:
                out.append(word)
    return sorted(set(out))


def jieba_dictionary() -> Path:
    import jieba

    return Path(os.path.dirname(jieba.__file__)) / "dict.txt"


def render(words: list[str]) -> str:
    return (f"# common words (jieba dict.txt, 2-4 characters, frequency >= {MIN_FREQ}, not ns/nr/nt): "
            "place stems never masked; written by scripts/make_common_words.py\n" + "\n".join(words) + "\n")


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    words = common_words(jieba_dictionary())
    OUT.write_text(render(words), encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
