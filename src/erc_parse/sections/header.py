"""The top of the page: chrome, the title, the header block and the summary.

The header block repeats a few metadata values (plan, type, dates, status, budget)
as `Label:` lines with the value on the next line, `- Label:` in the pipe-table
rendering, or bare `Label` lines in the newer layout. Each value is read by its
label's kind as it arrives and kept apart in ``page.meta.header``; at the end
(``metadata.merge_header``) the detail block wins, and a disagreement becomes a warning.
"""

from __future__ import annotations

import re

from erc_parse.sections import metadata
from erc_parse.sections.common import CHROME, norm_label, split_label
from erc_parse.state import Page, Pending, State, quote

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
_HEADER_LABEL_FIELDS = HEADER_FIELDS | {"justification"}
# `Completedon 31 May, 2009` / `Cancelled`: the newer layout's status line.
NEW_STATUS = re.compile(
    r"^(Completed|Cancelled|Planned|Ongoing|Pending|In Progress|Draft)"
    r"(?:\s*on\s*(\d{1,2}\s+\w+,?\s+\d{4}))?$",
    re.IGNORECASE,
)
PLAN_TITLE = re.compile(r"^Evaluation Plan of (\d{4}\s*-\s*\d{4})$")


def start(p: Page, s: str) -> State | None:
    """State START: skip chrome, recognise the page kind, take the title."""
    if s in CHROME:
        return None
    m = PLAN_TITLE.match(s)
    if m:
        p.kind = "plan"
        metadata.store(p, p.meta.fields, "title", s, p.ln)
        metadata.store(p, p.meta.fields, "evaluation_plan", m[1].replace(" ", ""), p.ln)
        return State.PLAN
    if (s.startswith("- ") and _header_label(s[2:])) or _header_label(s):
        return header(p, s) or State.HEADER
    if _new_header_label(s) or NEW_STATUS.match(s):
        # The newer layout's header at the top of a page: its title lines are missing or cut.
        return new_header(p, s) or State.NEW_HEADER
    hit = split_label(s)
    if hit and metadata.lookup(hit[0]) is not None:
        metadata.details(p, s)
        return State.DETAILS
    if p.at_cut:
        p.cut(s)
        return None
    metadata.store(p, p.meta.fields, "title", s, p.ln)
    p.meta.title_seen = True
    return State.HEADER


def _header_label(s: str) -> tuple[str, str] | None:
    return _header_hit(split_label(s))


def _new_header_label(s: str) -> bool:
    """A bare label of the newer layout's header (`Evaluation Plan`, `Status`), alone on its line."""
    hit = metadata.bare_label(s)
    return hit is not None and hit[0] in HEADER_FIELDS


def _header_hit(m: tuple[str, str] | None) -> tuple[str, str] | None:
    """(field, kind) of a header `Label:` whose value is on the next line, from its split."""
    if not m or m[1].strip():
        return None
    hit = metadata.lookup(m[0])
    if hit is None or hit[0] not in _HEADER_LABEL_FIELDS:
        return None
    return hit


def header(p: Page, s: str) -> State | None:
    """State HEADER: `Label:` lines with the value on the next line."""
    meta = p.meta
    dash = s.startswith("- ")
    if dash and not meta.header_bullets and _header_label(s[2:]):
        meta.header_bullets = True  # `- Evaluation Plan:` / `- 2017-2022, RBEC`: a header written as bullets
    line = s[2:] if dash and (p.layout == "table" or meta.header_bullets) else s
    m = split_label(line)  # the line's one split and its label's one lookup, for every test below
    hit = metadata.lookup(m[0]) if m is not None else None
    valued = m is not None and m[1].strip() != ""
    if not dash and valued and hit is not None and hit[0] != "justification":
        # Management-response pages: `Commissioning Unit: Chile` after the title.
        metadata.details(p, s)
        return State.DETAILS
    if s in CHROME:
        metadata.close_pending(p)
        return State.SUMMARY if s == "Share" else None
    if hit is not None and not valued and hit[0] in _HEADER_LABEL_FIELDS:
        metadata.close_pending(p)
        meta.pending = Pending(hit[0], hit[1], p.ln, line.rstrip(": "), [], True)  # a header label
        return None
    if m is not None and hit is not None and hit[0] == "justification":
        metadata.close_pending(p)
        meta.pending = Pending("justification", "para", p.ln, "Justification", [m[1].strip()], True)
        return None
    pending = meta.pending
    if pending is not None and pending.header:
        if pending.kind == "para":
            pending.lines.append(line)
            return None
        meta.pending = None
        return _value(p, pending, line, s)
    if not meta.title_seen and p.layout == "table":
        # The pipe-table rendering prints the title after the header block.
        metadata.store(p, meta.fields, "title", s, p.ln)
        meta.title_seen = True
        return None
    if not meta.header.values:
        if meta.title_seen and norm_label(s) == norm_label(meta.fields.values.get("title") or ""):
            return State.NEW_HEADER  # the newer layout prints the title twice, then its status line
        if NEW_STATUS.match(s):
            return new_header(p, s) or State.NEW_HEADER  # (a dump may lose the first title line)
    if _new_header_label(s):
        return new_header(p, s) or State.NEW_HEADER  # the newer layout's bare labels
    return _prose(p, s)


_TYPED = frozenset({"month", "money", "bool"})


def _value(p: Page, pending: Pending, value: str, s: str) -> State | None:
    """The line after a header label: its value, read once by the label's kind, and kept.

    The header's labels are often left empty, and some dumps lose the blank line after
    the last one, so the summary follows it at once. A value of a typed kind is one to
    three words (`12/2018`, `28 Feb, 2022`, `Yes (Partial)`); a line its kind cannot read
    and longer than that is the page's text (the summary starts with it), not a value to
    report as unreadable.
    """
    read = metadata.READERS[pending.kind](value)
    if read is None and pending.kind in _TYPED and len(value.split(None, 4)) > 4:
        return _prose(p, s)  # the label was left empty, and the page goes on
    if p.at_cut:
        p.cut(s)
        return None
    metadata.store(p, p.meta.header, pending.name, (value, read), p.ln)
    return None


def keep(p: Page, field: str, kind: str, raw: str, line: int) -> None:
    """Keep a header value, read once by its label's kind, for ``metadata.merge_header``."""
    metadata.store(p, p.meta.header, field, (raw, metadata.READERS[kind](raw)), line)


def summary(p: Page, s: str) -> None:
    """State SUMMARY: free text between the header and the documents table."""
    metadata.close_pending(p)
    if s != "Share":
        p.meta.summary.append((p.ln, s))


def _prose(p: Page, s: str) -> State | None:
    """A line of prose in the header: the summary starts with it (`Share` is page chrome)."""
    summary(p, s)
    return None if s == "Share" else State.SUMMARY


def blank(p: Page) -> None:
    """A blank line in the header block: a label still awaiting its value has none."""
    pending = p.meta.pending
    if pending is not None and pending.kind != "para":
        p.meta.pending = None


def finish(p: Page) -> None:
    """The summary text is the page's summary, unless the details gave one.

    Where the details gave another, theirs is kept (the detail block wins), and each line
    of the header's that theirs lacks is reported at its own line, not dropped.
    """
    meta = p.meta
    if not meta.summary:
        return
    details = meta.fields.values.get("summary")
    if not details:
        text = "\n".join([s for _, s in meta.summary])
        metadata.store(p, meta.fields, "summary", text, meta.summary[0][0])
        return
    for ln, s in meta.summary:
        if s not in details:
            p.diag("warning", "conflicting-values", f"summary: not in the details' summary: {quote(s)}", ln)


def new_header(p: Page, s: str) -> State | None:
    """State NEW_HEADER: the newer layout's status line, justification and bare labels."""
    meta = p.meta
    m = NEW_STATUS.match(s)
    if m and "status" not in meta.header.values:
        keep(p, "status", "text", m[1], p.ln)
        if m[2]:
            keep(p, "completion_date", "month", m[2], p.ln)
        return None
    lab = split_label(s)
    if lab and norm_label(lab[0]) == "justification":
        metadata.close_pending(p)
        meta.pending = Pending("justification", "para", p.ln, "Justification", [lab[1].strip()])
        return None
    hit = metadata.bare_label(s)
    if hit is not None:
        metadata.close_pending(p)
        # Only the header fields are compared with the details later; any other label
        # (atlas numbers, countries, yes/no, ...) is read by its kind right away, as the
        # details would read it, or its raw text would end up in a typed field.
        meta.pending = Pending(hit[0], hit[1], p.ln, s, [], hit[0] in HEADER_FIELDS and hit[1] != "para")
        return None
    pending = meta.pending
    if pending is not None:
        if pending.kind == "para":
            pending.lines.append(s)
            return None
        meta.pending = None
        if not pending.header:
            metadata.set_value(p, pending.name, pending.kind, s, pending.label)
            return None
        return _value(p, pending, s, s)
    return _prose(p, s)  # the prose after the header's values is the summary
