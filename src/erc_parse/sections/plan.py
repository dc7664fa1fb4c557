"""Evaluation-plan pages (`/evaluation/plans/detail?planId=ID`).

`Evaluation Plan of 2017-2021`, the plan's name line, `Commissioning Unit:` and
`Period :` (value on the next line, or none), `Comments :` with the plan's text,
`Plan Document:` with its file, then the table of planned evaluations. The contract
has no place for that table's rows yet, so they are reported as `info` diagnostics
(nothing lost, nothing pretended).
"""

from __future__ import annotations

import re

from erc_parse.context import Ctx, PendingLabel
from erc_parse.sections import documents, metadata
from erc_parse.sections.common import norm_label, split_label

PLAN_LABELS = {
    "commissioning unit": ("commissioning_unit", "text"),
    "period": ("Period", "extra"),
    "comments": ("comments", "para"),
    "plan document": ("documents", "plan-document"),
}
EVALUATIONS_TABLE = re.compile(r"^Evaluations\s+\S.*$")
TABLE_HEADER = re.compile(r"^SN\s+Title\s+Type\b")
_FILE = re.compile(r"\.[A-Za-z0-9]{2,5}$")


def plan(ctx: Ctx, ln: int, s: str, raw: str) -> None:
    """State PLAN: one line of a plan page."""
    m = split_label(s)
    hit = PLAN_LABELS.get(norm_label(m[0])) if m else None
    if m is not None and hit is not None:
        metadata.close_pending(ctx)
        name, kind = hit
        value = m[1].strip()
        ctx.pending = PendingLabel(name, kind, ln, m[0].strip(), "meta", [value] if value else [])
        if value and kind != "para":
            _value(ctx, ctx.pending, ln, value)
        return
    pending = ctx.pending
    if pending is not None and pending.kind == "para" and not ctx.extra.get("_plan_table"):
        if EVALUATIONS_TABLE.match(s) and pending.lines:
            metadata.close_pending(ctx)
        else:
            pending.lines.append(s)
            return
    if pending is not None and pending.kind == "plan-document" and not _FILE.search(s):
        ctx.pending = None  # `Plan Document:` left empty; this line is the next block
    elif pending is not None and pending.kind != "para" and not pending.lines:
        pending.lines.append(s)
        _value(ctx, pending, ln, s)
        return
    if "plan" not in ctx.extra and "title" in ctx.meta and not ctx.responses and not ctx.documents:
        metadata.close_pending(ctx)
        ctx.extra["plan"] = s  # the plan's own name, e.g. `Plan Belize (2017-2021)`
        return
    metadata.close_pending(ctx)
    if ln == ctx.cut_line:
        ctx.cut(ln, s)
        return
    ctx.diag(ln, "info", "plan-table-row", f"planned-evaluations table: {s}")


def _value(ctx: Ctx, pending: PendingLabel, ln: int, value: str) -> None:
    if ln == ctx.cut_line:
        ctx.cut(ln, value)
        ctx.pending = None
        return
    if pending.kind == "plan-document":
        name = _document_name(value)
        if name != value:
            metadata.put(
                ctx, ctx.extra, "Plan Document", value, ln, "extra"
            )  # the page's note beside the file
        ctx.documents.append(documents.document(filename=name, type="plan"))
        ctx.pending = None
    elif pending.kind == "extra":
        metadata.put(ctx, ctx.extra, pending.name, value, ln, "extra")
        ctx.pending = None
    else:
        metadata.set_value(ctx, pending.name, "text", value, ln, pending.label)
        ctx.pending = None


def _document_name(value: str) -> str:
    # `(hetur dumoruv) DPDCPMDV4_Evaluation Plan.pdf`: a parenthesised note, then the file.
    if value.startswith("(") and ")" in value:
        return value[value.index(")") + 1 :].strip() or value
    return value
