"""Tidy CSV tables: one file per repeated part of a page, each row keyed to its dump.

Rules, chosen so the files open safely in a spreadsheet and load cleanly elsewhere:

- UTF-8 without BOM, RFC 4180 quoting (``csv`` module, CRLF line ends);
- the tables and their columns are those of :mod:`erc_parse.export.tables`, derived
  from the models (all but ``diagnostics``): every row carries ``evaluation_id`` (the
  source sha256, see :func:`erc_parse.export.evaluation_id`); rows of a list carry their
  ``id`` (``<sha256>:3``, ``<sha256>:3:2`` for a key action, whose ``response_id`` is
  its response's ``id``) and their 1-based ``position``;
- ``None`` is an empty cell, booleans are ``true``/``false``, lists of strings are
  joined with newlines (one item per line in the cell), ``metadata.extra`` is a JSON
  object;
- a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
  leading ``'`` so that Excel, LibreOffice and Google Sheets show it as text instead
  of evaluating it as a formula (CSV injection). Numbers we format are never touched.
  To recover the original, drop the leading ``'`` where the next character is one of
  those six; the JSON export is always unmodified.
- the same dump given twice (same ``evaluation_id``) is written once, so the id stays
  a key.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

from erc_parse.export import atomic_open, evaluation_id
from erc_parse.export.tables import TABLES as ALL_TABLES
from erc_parse.export.tables import rows as table_rows

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = [
    "TABLES",
    "cell",
    "neutralise",
    "rows",
    "unneutralise",
    "write_rows",
    "write_tables",
]

#: Tables the CSV export writes: every table of :mod:`erc_parse.export.tables` but the
#: parser's diagnostics (``erc-parse check`` reports those).
_CSV_TABLES = {name: table for name, table in ALL_TABLES.items() if name != "diagnostics"}

#: Table name -> column names, in file order. Column names follow the JSON contract.
TABLES: dict[str, tuple[str, ...]] = {name: table.names for name, table in _CSV_TABLES.items()}

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Make a spreadsheet show ``text`` rather than run it (OWASP's CSV-injection advice)."""
    return "'" + text if text.startswith(_DANGEROUS) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`: what a script reading our CSV does to get the page text."""
    if text.startswith("'") and text[1:].startswith(_DANGEROUS):
        return text[1:]
    return text


def cell(value: object) -> str:
    """One value as CSV cell text, by the rules in the module docstring."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, list | tuple):
        return neutralise("\n".join(str(v) for v in value))
    if isinstance(value, dict):
        return neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True)) if value else ""
    return neutralise(str(value))


def rows(ev: Evaluation, eid: str | None = None) -> Iterator[tuple[str, list[object]]]:
    """Every row one evaluation contributes, as ``(table, raw values)`` in column order."""
    for table, row in table_rows(ev, eid or evaluation_id(ev), _CSV_TABLES):
        yield table, list(row.values())


def write_rows(out: IO[str], header: Sequence[str], data: Iterable[Sequence[object]]) -> None:
    """A header and rows with our cell rules; ``out`` must be opened with ``newline=""``."""
    writer = csv.writer(out)  # the excel dialect: RFC 4180 quoting, CRLF line ends
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in data)


def write_tables(evaluations: Iterable[Evaluation], folder: str | os.PathLike[str]) -> dict[str, int]:
    """Write all nine tables into ``folder`` (created if needed); return rows per table.

    One pass over ``evaluations`` feeds nine temporary files, so an iterator of
    thousands of models is never held in memory. Only when every row is written are
    the files renamed over the old ones: an exception midway leaves the folder as it was.
    Each table is opened with :func:`erc_parse.export.atomic_open`, so a table that is
    a FIFO or a link is written through, not replaced.
    """
    os.makedirs(folder, exist_ok=True)
    counts = dict.fromkeys(TABLES, 0)
    # The stack commits every table only after the last row; an exception rolls all back.
    with contextlib.ExitStack() as stack:
        writers = {}
        files = []
        for name in TABLES:
            fh = stack.enter_context(atomic_open(os.path.join(folder, f"{name}.csv"), newline=""))
            files.append(fh)
            writers[name] = csv.writer(fh)  # the excel dialect: RFC 4180, CRLF
            writers[name].writerow(TABLES[name])
        seen: set[str] = set()
        for ev in evaluations:
            eid = evaluation_id(ev)
            if eid in seen:
                continue
            seen.add(eid)
            for table, row in table_rows(ev, eid, _CSV_TABLES):
                writers[table].writerow([cell(v) for v in row.values()])
                counts[table] += 1
        # Every buffer written out before the first rename, so a full disk shows up while
        # all the old tables are still in place.
        for fh in files:
            fh.flush()
    return counts
