"""The top of the page: chrome, the title, the header block and the summary.

The header block repeats a few metadata values (plan, type, dates, status, budget)
as `Label:` lines with the value on the next line, `- Label:` in the pipe-table
rendering, or bare `Label` lines in the newer layout. They are kept apart in
``ctx.header`` and compared with the detail block at the end: the detail block
wins, and a disagreement becomes a warning.
"""

from __future__ import annotations

import re

from erc_parse import context as st
from erc_parse.context import Ctx, PendingLabel
from erc_parse.normalize import values as nv
from erc_parse.sections import metadata
from erc_parse.sections.common import CHROME, norm_label, split_label

HEADER_FIELDS = frozenset(
    {
        "evaluation_plan",
        "evaluation_type",
        "planned_end_date",
        "completion_date",
        "status",
        "management_response",
        "budget_usd",
    }
)
# `Completedon 31 May, 2009` / `Cancelled`: the newer layout's status line.
NEW_STATUS = re.compile(
    r"^(Completed|Cancelled|Planned|Ongoing|Pending|In Progress|Draft)"
    r"(?:\s*on\s*(\d{1,2}\s+\w+,?\s+\d{4}))?$",
    re.IGNORECASE,
)
PLAN_TITLE = re.compile(r"^Evaluation Plan of (\d{4}\s*-\s*\d{4})$")


def start(ctx: Ctx, ln: int, s: str, raw: str) -> None:
    """State START: skip chrome, recognise the page kind, take the title."""
    if s in CHROME:
        return
    m = PLAN_TITLE.match(s)
    if m:
        ctx.kind = "plan"
        ctx.set_meta("title", s, ln)
        ctx.set_meta("evaluation_plan", m[1].replace(" ", ""), ln)
        ctx.state = st.PLAN
        return
    if (s.startswith("- ") and _header_label(s[2:])) or _header_label(s):
        ctx.state = st.HEADER
        header(ctx, ln, s, raw)
        return
    hit = split_label(s)
    if hit and metadata.lookup(hit[0]) is not None:
        ctx.state = st.DETAILS
        metadata.details(ctx, ln, s, raw)
        return
    if ln == ctx.cut_line:
        ctx.cut(ln, s)
        return
    ctx.set_meta("title", s, ln)
    ctx.title_seen = True
    ctx.state = st.HEADER


_HEADER_LABEL_FIELDS = HEADER_FIELDS | {"justification"}


def _header_label(s: str) -> tuple[str, str] | None:
    return _header_hit(split_label(s))


def _header_hit(m: tuple[str, str] | None) -> tuple[str, str] | None:
    """(field, kind) of a header `Label:` whose value is on the next line, from its split."""
    if not m or m[1].strip():
        return None
    hit = metadata.lookup(m[0])
    if hit is None or hit[0] not in _HEADER_LABEL_FIELDS:
        return None
    return hit


def header(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None = None) -> None:
    """State HEADER: `Label:` lines with the value on the next line."""
    dash = s.startswith("- ")
    line = s[2:] if dash and ctx.layout == "table" else s
    m = split_label(line)  # the line's one split, for every test below
    if not dash and m is not None and m[1].strip():
        hit = metadata.lookup(m[0])
        if hit is not None and hit[0] != "justification":
            # Management-response pages: `Commissioning Unit: Chile` after the title.
            ctx.state = st.DETAILS
            metadata.details(ctx, ln, s, raw)
            return
    if s in CHROME:
        metadata.close_pending(ctx)
        if s == "Share":
            ctx.state = st.SUMMARY
        return
    hit = _header_hit(m)
    if hit is not None:
        metadata.close_pending(ctx)
        ctx.pending = PendingLabel(hit[0], hit[1], ln, line.rstrip(": "), "header")
        return
    if m and norm_label(m[0]) == "justification":
        metadata.close_pending(ctx)
        ctx.pending = PendingLabel("justification", "para", ln, "Justification", "header", [m[1].strip()])
        return
    pending = ctx.pending
    if pending is not None and pending.target == "header":
        if pending.kind == "para":
            pending.lines.append(line)
            return
        ctx.pending = None
        if ln == ctx.cut_line:
            ctx.cut(ln, s)
            return
        ctx.set_header(pending.name, ln, line)
        return
    if not ctx.title_seen and ctx.layout == "table":
        # The pipe-table rendering prints the title after the header block.
        ctx.set_meta("title", s, ln)
        ctx.title_seen = True
        return
    if ctx.title_seen and not ctx.header and norm_label(s) == norm_label(ctx.meta.get("title") or ""):
        # The newer layout prints the title twice, then a status line.
        ctx.state = st.NEW_HEADER
        return
    summary(ctx, ln, s, raw)


def summary(ctx: Ctx, ln: int, s: str, raw: str) -> None:
    """State SUMMARY: free text between the header and the documents table."""
    metadata.close_pending(ctx)
    if s == "Share":
        return
    ctx.state = st.SUMMARY
    ctx.summary.append(s)
    ctx.meta_lines.setdefault("summary", ln)


def new_header(ctx: Ctx, ln: int, s: str, raw: str) -> None:
    """State NEW_HEADER: the newer layout's status line, justification and bare labels."""
    m = NEW_STATUS.match(s)
    if m and "status" not in ctx.header:
        ctx.header["status"] = (ln, m[1])
        if m[2]:
            ctx.set_header("completion_date", ln, m[2])
        return
    lab = split_label(s)
    if lab and norm_label(lab[0]) == "justification":
        metadata.close_pending(ctx)
        ctx.pending = PendingLabel("justification", "para", ln, "Justification", "meta", [lab[1].strip()])
        return
    key = norm_label(s)
    hit = metadata.NEW_LAYOUT_LABELS.get(key)
    if hit is not None:
        metadata.close_pending(ctx)
        # Only the header fields are compared with the details later; any other label
        # (atlas numbers, countries, yes/no, ...) is read by its kind right away, as the
        # details would read it, or its raw text would end up in a typed field.
        target = "header" if hit[0] in HEADER_FIELDS and hit[1] != "para" else "meta"
        ctx.pending = PendingLabel(hit[0], hit[1], ln, s, target)
        return
    pending = ctx.pending
    if pending is not None:
        if pending.kind == "para":
            pending.lines.append(s)
            return
        ctx.pending = None
        if pending.target == "meta":
            metadata.set_value(ctx, pending.name, pending.kind, s, ln, pending.label)
            return
        if ln == ctx.cut_line:
            ctx.cut(ln, s)
            return
        ctx.set_header(pending.name, ln, s)
        return
    ctx.unparsed(ln, s, "header")


def header_value(field: str, raw: str) -> object:
    """Normalise a header value the way the detail block's value is normalised.

    The kind comes from the one label table (``metadata.FIELD_KINDS``), so a field
    whose type changes there cannot be compared with a stale rule here.
    """
    kind = metadata.FIELD_KINDS.get(field, "text")
    if kind == "month":
        return nv.month(raw)
    if kind == "bool":
        return nv.yes_no(raw)
    if kind == "money":
        return nv.money(raw)
    return raw.strip() or None
