"""Evaluation-plan pages (`/evaluation/plans/detail?planId=ID`).

`Evaluation Plan of 2017-2021`, the plan's name line, `Commissioning Unit:` and
`Period :` (value on the next line, or none), `Comments :` with the plan's text,
`Plan Document:` with its file, then the table of planned evaluations. The contract
has no place for that table's rows yet, so they are reported as `info` diagnostics
(nothing lost, nothing pretended).
"""

from __future__ import annotations

import re

from erc_parse.sections import documents, metadata
from erc_parse.sections.common import norm_label, split_label
from erc_parse.state import Page, Pending, quote

PLAN_LABELS = {
    "commissioning unit": ("commissioning_unit", "text"),
    "period": ("Period", "extra"),
    "comments": ("comments", "para"),
    "plan document": ("documents", "plan-document"),
}
EVALUATIONS_TABLE = re.compile(r"^Evaluations\s+\S.*$")
_FILE = re.compile(r"\.[A-Za-z0-9]{2,5}$")


def plan(p: Page, s: str) -> None:
    """State PLAN: one line of a plan page."""
    meta = p.meta
    m = split_label(s)
    hit = PLAN_LABELS.get(norm_label(m[0])) if m else None
    if m is not None and hit is not None:
        metadata.close_pending(p)
        name, kind = hit
        value = m[1].strip()
        meta.pending = Pending(name, kind, p.ln, m[0].strip(), [value] if value else [])
        if value and kind != "para":
            _value(p, meta.pending, value)
        return
    pending = meta.pending
    if pending is not None and pending.kind == "para":
        if EVALUATIONS_TABLE.match(s) and pending.lines:
            metadata.close_pending(p)
        else:
            pending.lines.append(s)
            return
    if pending is not None and pending.kind == "plan-document" and not _FILE.search(s):
        meta.pending = None  # `Plan Document:` left empty; this line is the next block
    elif pending is not None and pending.kind != "para" and not pending.lines:
        pending.lines.append(s)
        _value(p, pending, s)
        return
    if "plan" not in meta.extra.values and "title" in meta.fields.values and not p.docs.rows:
        metadata.close_pending(p)
        # The plan's own name, e.g. `Plan Belize (2017-2021)`.
        metadata.store(p, meta.extra, "plan", s, p.ln)
        return
    metadata.close_pending(p)
    if p.at_cut:
        p.cut(s)
        return
    p.diag("info", "plan-table-row", f"planned-evaluations table: {quote(s)}")


def _value(p: Page, pending: Pending, value: str) -> None:
    p.meta.pending = None
    if p.at_cut:
        p.cut(value)
        return
    if pending.kind == "plan-document":
        name = _document_name(value)
        if name != value:  # the page's note beside the file
            metadata.store(p, p.meta.extra, "Plan Document", value, p.ln)
        p.docs.rows.append(documents.document(filename=name, type="plan"))
    elif pending.kind == "extra":
        metadata.store(p, p.meta.extra, pending.name, value, p.ln)
    else:
        metadata.set_value(p, pending.name, "text", value, pending.label)


def _document_name(value: str) -> str:
    # `(hetur dumoruv) DPDCPMDV4_Evaluation Plan.pdf`: a parenthesised note, then the file.
    if value.startswith("(") and ")" in value:
        return value[value.index(")") + 1 :].strip() or value
    return value
