"""What a table's text is made of, for the readers that split and place its cells (``cells`` and
``vertical_headers``): one home, so that a number cell means the same in both."""

from __future__ import annotations

import re

DIGIT = re.compile(r"\d")
VALUE_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?$")  # a cell that is one number, signed or not
# ``pdftotext -layout`` pads cells to their columns: a run of two or more spaces between two
# characters separates cells (SPACE_RUN), so a cell is a run of words one space apart (LAYOUT_CELL)
SPACE_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")
LAYOUT_CELL = re.compile(r"\S+(?: \S+)*")
# a line indented by at least this many spaces stands for a blank first cell (its label column empty)
INDENT = 4
