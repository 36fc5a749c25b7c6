"""A legacy Word .doc (OLE2 binary) → report text, through LibreOffice headless.

``soffice --headless --convert-to docx`` writes a .docx into a private temp folder (with its own
user profile, so concurrent conversions from the build's worker processes do not share LibreOffice's
lock), then :func:`indexer.extract.formats.docx.read_docx` reads it. A conversion is bounded by a
timeout (a damaged file can make LibreOffice hang); where soffice is not installed the file is
skipped with a reason that says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from indexer.extract.formats import FormatError
from indexer.extract.formats.docx import read_docx

TIMEOUT_S = 120.0


def soffice() -> str | None:
    """The LibreOffice binary, or None. ``NIANBAO_SOFFICE`` overrides the search (tests set it empty
    to see what a machine without LibreOffice does)."""
    forced = os.environ.get("NIANBAO_SOFFICE")
    if forced is not None:
        return forced or None
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes, timeout: float = TIMEOUT_S) -> str:
    binary = soffice()
    if binary is None:
        raise FormatError(".doc file: LibreOffice (soffice) not installed, needed to read it")
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        src = Path(tmp) / "report.doc"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        cmd = [binary, f"-env:UserInstallation=file://{Path(tmp) / 'profile'}", "--headless",
               "--convert-to", "docx", "--outdir", str(out), str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False,
                           stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise FormatError(f".doc file: LibreOffice did not convert it within {timeout:.0f} s") from None
        except OSError as err:
            raise FormatError(f".doc file: cannot run LibreOffice: {err}") from None
        converted = out / "report.docx"
        if not converted.is_file():
            raise FormatError(".doc file: LibreOffice could not convert it (damaged or not a Word file)")
        return read_docx(converted.read_bytes())
