"""Documents: `Download document NAME TYPE LANGUAGE SIZE KB STATUS DOWNLOADS`.

The file name may hold spaces and anything else, so the row is read from its right
end, where the cells have fixed shapes: a download count, a status word, a size, a
language and a lower-case type. The pipe-table rendering drops the file name and
puts the other cells on the line after a `![]() |` marker.
"""

from __future__ import annotations

import math
import re

from erc_parse.models import Document, construct
from erc_parse.sections import metadata
from erc_parse.sections.common import CHROME, split_label
from erc_parse.state import Page, State, quote

# Whitespace runs are matched possessively (`\s++`) and the file name must start and
# end on a non-space: with `\s+(.+?)\s+`, a run of N spaces could be split between the
# three in ~N**3 ways before the row failed (minutes for a few thousand spaces).
ROW = re.compile(
    r"^Download document\s++(?P<filename>\S(?:.*?\S)?)\s++(?P<type>[a-z][a-z0-9_-]*+)"
    r"\s++(?P<language>[A-Z][A-Za-zçãéñ]+(?:[ -][A-Z][A-Za-z]+)?)"
    r"\s++(?P<size>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[KMG]?B)"
    r"\s++(?P<status>[A-Z][A-Za-z-]*+)\s++(?P<downloads>\d{1,15})$"
)
# Older pages leave cells empty: `Download document ADR_Ecuador.pdf report Posted 1742`,
# even `Download document summary Posted 161` (no file name at all). Each optional cell
# carries its own leading whitespace, so a run of spaces has one way to be matched.
LENIENT = re.compile(
    r"^Download document(?:\s*+(?P<filename>\S(?:.*?\S)?\.[A-Za-z0-9]{1,5}))?"
    r"(?:\s*+(?P<type>[a-z][a-z0-9_-]*+))?"
    r"(?:\s++(?P<language>[A-Z][A-Za-zçãéñ]++))?"
    r"(?:\s++(?P<size>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[KMG]?B))?"
    r"\s++(?P<status>[A-Z][A-Za-z-]*+)\s++(?P<downloads>\d{1,15})$"
)
_UNIT = {"B": 1 / 1024, "KB": 1.0, "MB": 1024.0, "GB": 1024.0 * 1024.0}


def size_kb(size: str, unit: str) -> float | None:
    """Size in KB; ``None`` for a number no file has (it would overflow to ``inf``, not JSON)."""
    kb = round(float(size.replace(",", "")) * _UNIT[unit], 2)
    return kb if math.isfinite(kb) else None


def document(
    filename: str | None = None,
    type: str | None = None,
    language: str | None = None,
    size_kb: float | None = None,
    status: str | None = None,
    downloads: int | None = None,
) -> Document:
    """A Document from values the row's own regex has checked, every field given, in order."""
    return construct(
        Document,
        {
            "filename": filename,
            "type": type,
            "language": language,
            "size_kb": size_kb,
            "status": status,
            "downloads": downloads,
        },
    )


def documents(p: Page, s: str) -> State | None:
    """State DOCUMENTS: one row; a page without a `Title` line goes on to the details here."""
    if s in CHROME or read_row(p, s):
        return None
    if metadata.lookup((split_label(s) or (s,))[0] or s) is not None:
        # A page without a `Title` line: the details start at their first label.
        metadata.details(p, s)
        return State.DETAILS
    p.unparsed(s, "documents")
    return None


def first_row(p: Page, s: str) -> None:
    """A `Download document` row with no table header above it: the table starts here."""
    read_row(p, s)


def read_row(p: Page, s: str) -> bool:
    """One document row into ``page.docs``; False if the line is not a document row."""
    if p.cells is not None:
        return _table_row(p, s, p.cells)
    if not s.startswith("Download document"):
        return False
    if p.at_cut:
        p.cut(s)
        return True
    m = ROW.match(s)
    if m is None:
        m = LENIENT.match(s)
        if m is not None:
            p.diag("info", "document-missing-cells", f"the page leaves document cells empty: {quote(s)}")
    if m is None:
        name = s[len("Download document") :].strip()
        p.docs.rows.append(document(filename=name or None))
        p.diag("warning", "bad-document-row", f"document row without type/size/status cells: {quote(s)}")
        return True
    filename, kind, language, size, unit, status, downloads = m.group(*_ROW_GROUPS)
    p.docs.rows.append(
        document(
            filename,
            kind,
            language,
            size_kb(size, unit) if size else None,
            status,
            int(downloads),
        )
    )
    return True


_ROW_GROUPS = ("filename", "type", "language", "size", "unit", "status", "downloads")


_SIZE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)\s*([KMG]?B)$")
# A download count, bounded; `\d` (decimal digits) because `str.isdigit` accepts `²`, which `int` refuses.
_COUNT = re.compile(r"^\d{1,15}$")


def _table_row(p: Page, s: str, cells: list[str]) -> bool:
    docs = p.docs
    if cells and cells[0].startswith("!["):
        docs.awaiting = p.ln
        rest = [c for c in cells[1:] if c]
        if rest:
            return _table_row(p, s, rest)
        return True
    if not docs.awaiting or len(cells) < 3:
        return False
    docs.awaiting = 0
    if p.at_cut:
        p.cut(s)
        return True
    padded = (cells + [""] * 5)[:5]
    kind, language, size, status, downloads = padded
    m = _SIZE.match(size)
    docs.rows.append(
        document(
            filename=None,
            type=kind or None,
            language=language or None,
            size_kb=size_kb(m[1], m[2]) if m else None,
            status=status or None,
            downloads=int(downloads) if _COUNT.match(downloads) else None,
        )
    )
    if (size and not m) or (downloads and not _COUNT.match(downloads)):
        p.diag("warning", "bad-document-row", f"unexpected document cells: {quote(s)}")
    return True
