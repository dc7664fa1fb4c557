"""Tidy CSV tables: one file per repeated part of a page, each row keyed to its dump.

Rules, chosen so the files open safely in a spreadsheet and load cleanly elsewhere:

- UTF-8 without BOM, RFC 4180 quoting (``csv`` module, CRLF line ends);
- every row carries ``evaluation_id`` (the source sha256, see
  :func:`erc_parse.export.evaluation_id`); key actions also carry ``response_id``,
  the 1-based position of their management response in the page;
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

_GEF = (
    "project_title",
    "evaluation_type",
    "focal_area",
    "project_type",
    "phase",
    "project_id",
    "pims_number",
)
_META = (
    "title",
    "atlas_project_numbers",
    "evaluation_plan",
    "evaluation_type",
    "status",
    "completion_date",
    "planned_end_date",
    "management_response",
    "budget_usd",
    "expenditure_usd",
    "source_of_funding",
    "strategic_plan",
    "corporate_outcomes",
    "focus_areas",
    "signature_solutions",
    "sdg_goals",
    "sdg_targets",
    "joint_programme",
    "joint_evaluation",
    "joint_with",
    "mandatory",
    "location",
    "key_stakeholders",
    "commissioning_unit",
    "response_unit",
    "summary",
    "comments",
    "justification",
)
_ITEM = ("evaluation_id", "position", "number", "heading", "text")

#: Table name -> column names, in file order. Column names follow the JSON contract.
TABLES: dict[str, tuple[str, ...]] = {
    "evaluations": (
        "evaluation_id",
        "source_path",
        "source_sha256",
        "schema_version",
        "kind",
        "layout",
        "truncated",
        *_META,
        *(f"gef_{name}" for name in _GEF),
        "extra",
    ),
    "documents": (
        "evaluation_id",
        "position",
        "filename",
        "type",
        "language",
        "size_kb",
        "status",
        "downloads",
    ),
    "team": ("evaluation_id", "position", "name", "title", "email", "nationality"),
    "countries": ("evaluation_id", "position", "name", "iso3"),
    "lessons": _ITEM,
    "findings": _ITEM,
    "recommendations": _ITEM,
    "management_responses": (
        "evaluation_id",
        "response_id",
        "recommendation_number",
        "recommendation",
        "response",
        "added",
        "last_updated",
    ),
    "key_actions": (
        "evaluation_id",
        "response_id",
        "position",
        "number",
        "text",
        "added",
        "last_updated",
        "responsible",
        "due",
        "status",
        "comments",
        "justification",
        "has_history",
    ),
}

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
    eid = eid or evaluation_id(ev)
    md = ev.metadata
    gef = md.gef
    yield (
        "evaluations",
        [
            eid,
            ev.source.path,
            ev.source.sha256,
            ev.schema_version,
            ev.kind,
            ev.layout,
            ev.truncated,
            *(getattr(md, name) for name in _META),
            *(getattr(gef, name) if gef is not None else None for name in _GEF),
            md.extra,
        ],
    )
    for i, doc in enumerate(ev.documents, 1):
        yield (
            "documents",
            [eid, i, doc.filename, doc.type, doc.language, doc.size_kb, doc.status, doc.downloads],
        )
    for i, member in enumerate(md.team, 1):
        yield "team", [eid, i, member.name, member.title, member.email, member.nationality]
    for i, country in enumerate(md.countries, 1):
        yield "countries", [eid, i, country.name, country.iso3]
    for table, items in (
        ("lessons", ev.lessons),
        ("findings", ev.findings),
        ("recommendations", ev.recommendations),
    ):
        for i, item in enumerate(items, 1):
            yield table, [eid, i, item.number, item.heading, item.text]
    for r, mr in enumerate(ev.management_responses, 1):
        yield (
            "management_responses",
            [
                eid,
                r,
                mr.recommendation_number,
                mr.recommendation,
                mr.response,
                mr.added,
                mr.last_updated,
            ],
        )
        for i, ka in enumerate(mr.key_actions, 1):
            yield (
                "key_actions",
                [
                    eid,
                    r,
                    i,
                    ka.number,
                    ka.text,
                    ka.added,
                    ka.last_updated,
                    ka.responsible,
                    ka.due,
                    ka.status,
                    ka.comments,
                    ka.justification,
                    ka.has_history,
                ],
            )


def write_rows(out: IO[str], header: Sequence[str], data: Iterable[Sequence[object]]) -> None:
    """A header and rows with our cell rules; ``out`` must be opened with ``newline=""``."""
    writer = csv.writer(out, lineterminator="\r\n")
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
            writers[name] = csv.writer(fh, lineterminator="\r\n")
            writers[name].writerow(TABLES[name])
        seen: set[str] = set()
        for ev in evaluations:
            eid = evaluation_id(ev)
            if eid in seen:
                continue
            seen.add(eid)
            for table, values in rows(ev, eid):
                writers[table].writerow([cell(v) for v in values])
                counts[table] += 1
        # Every buffer written out before the first rename, so a full disk shows up while
        # all the old tables are still in place.
        for fh in files:
            fh.flush()
    return counts
