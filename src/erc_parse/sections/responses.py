"""Management responses and their key actions.

A block is `N. Recommendation:` (text on the line or below), `Management Response:
[Added: ...] [Last Updated: ...]` with the response, `Key Actions:`, a table header,
then per key action: its text (numbered `1.1.`, `1.1`, `1)`, `- ` or not at all),
an `[Added: ...]` stamp line and the row `RESPONSIBLE DUE STATUS COMMENTS [History]`.

The row has no separators in the plain rendering, so it is split by its anchors:
the `YYYY/MM` due month, the status vocabulary and the trailing `History` link. The
pipe-table rendering has cells, but no `N. Recommendation:` lines: there, text after
a row is the next key action if an `[Added:` stamp follows it, and the next
recommendation if `Management Response:` does. Text is therefore buffered until
the next anchor decides what it was.
"""

from __future__ import annotations

import re

from erc_parse import context as st
from erc_parse.context import ActionBuf, Ctx, ResponseBuf
from erc_parse.normalize import values as nv
from erc_parse.sections.common import KA_HEADER, STAMP

STATUSES = (
    "Overdue-Not Initiated",
    "Overdue-Initiated",
    "Overdue - Not Initiated",
    "Overdue - Initiated",
    "No deadline established",
    "No Longer Applicable",
    "Not Initiated",
    "Not initiated",
    "Completed",
    "Initiated",
    "Overdue",
    "Cancelled",
)
_STATUS_ALT = "|".join(re.escape(x) for x in STATUSES)
STATUS_AT = re.compile(rf"^({_STATUS_ALT})(?=\s|$)\s*(.*)$")
# The row's anchors, searched for rather than matched as `^(.*?)\s*ANCHOR\s*(.*)$`: the
# lazy prefix retried `\s*` at every position of a run of spaces (quadratic in the run).
ROW_DUE = re.compile(r"(?<![\d/])(\d{4}/\d{1,2})(?![\d/])")
ROW_STATUS = re.compile(rf"(?<!\S)({_STATUS_ALT})(?=\s|$)")
UNKNOWN_STATUS = re.compile(r"^([A-Z][\w-]*(?:\s[A-Z][\w-]*)*)\s*(.*)$")
KA_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)])\s+(\S.*)$|^-\s+(\S.*)$")
_COMPLETE_ADDED = re.compile(r"\[Added:\s*(\d{4}/\d{1,2}/\d{1,2})\]")
_COMPLETE_UPDATED = re.compile(r"\[Last Updated:\s*(\d{4}/\d{1,2}/\d{1,2})\]")
JUSTIFICATION = re.compile(r"\[Justification:\s*(.*?)(?:\]|$)", re.DOTALL)


def split_at(anchor: re.Pattern[str], s: str) -> tuple[str, str, str] | None:
    """``(before, anchor, after)`` around the first match of ``anchor``, both sides stripped."""
    m = anchor.search(s)
    if m is None:
        return None
    return s[: m.start()].strip(), m[1], s[m.end() :].strip()


def start_block(ctx: Ctx, ln: int, number: int, text: str) -> None:
    """`N. Recommendation:` opens a block."""
    flush(ctx, "block")
    ctx.responses.append(ResponseBuf(number, ln, [text] if text else []))
    ctx.state = st.MR_RECOMMENDATION


def response_stamp(ctx: Ctx, ln: int, s: str) -> None:
    """`Management Response: [Added: ...]` starts the response (and, on table pages, a block)."""
    pending = flush(ctx, "response")
    current = ctx.responses[-1] if ctx.responses else None
    if current is None or current.added or current.response or current.actions or pending:
        number = len(ctx.responses) + 1
        current = ResponseBuf(number, ln, pending)
        ctx.responses.append(current)
    if ln == ctx.cut_line:
        # Keep the stamps whose closing bracket made it into the dump; report the rest.
        ctx.cut(ln, s)
        ctx.state = st.MR_RESPONSE
        added = _COMPLETE_ADDED.search(s)
        updated = _COMPLETE_UPDATED.search(s)
        current.added = nv.day(added[1]) if added else None
        current.last_updated = nv.day(updated[1]) if updated else None
        return
    m = STAMP.match(s[s.index("[") :])
    if m:
        current.added = nv.day(m[1])
        current.last_updated = nv.day(m[2])
        if m[3].strip():
            current.response.append(m[3].strip())
    else:
        ctx.diag(ln, "warning", "bad-stamp", f"cannot read the response stamp: {s}")
    ctx.state = st.MR_RESPONSE


def key_actions_start(ctx: Ctx, ln: int) -> None:
    if not ctx.responses:
        ctx.responses.append(ResponseBuf(None, ln))
    ctx.state = st.KEY_ACTIONS


def text_line(ctx: Ctx, ln: int, s: str) -> None:
    """States MR_RECOMMENDATION and MR_RESPONSE: a line of prose."""
    current = ctx.responses[-1]
    if ctx.state == st.MR_RECOMMENDATION:
        current.recommendation.append(s)
    else:
        current.response.append(s)


def key_action_line(ctx: Ctx, ln: int, s: str, cells: list[str] | None) -> None:
    """State KEY_ACTIONS: a key action's text, its stamp, its row, or text to buffer."""
    if KA_HEADER.match(s) or (cells and cells[0] == "Key Action"):
        return
    if cells is not None and not cells:
        return
    probe = cells[0] if cells else s
    if probe.startswith("[Added"):
        _stamp(ctx, ln, probe)
        return
    ka = ctx.expect_row
    if ka is not None:
        ctx.expect_row = None
        if ln == ctx.cut_line:
            _cut_row(ctx, ka, ln, s)
            return
        if cells and len(cells) >= 2 and _row_cells(ctx, ka, ln, cells):
            return
        if _row_plain(ctx, ka, ln, " ".join(cells) if cells else s):
            return
        if KA_NUMBER.match(s) is None:
            ctx.diag(ln, "warning", "bad-key-action-row", f"cannot split key-action row: {s}")
            ka.comments = s
            return
    text = " ".join(c for c in cells if c) if cells else s
    ctx.buffer.append((ln, text))


def _stamp(ctx: Ctx, ln: int, s: str) -> None:
    lines = ctx.buffer
    ctx.buffer = []
    if not ctx.responses:
        # Table pages enter the key actions at `Key Action Update History`, which may
        # come before any recommendation: the action then belongs to an unnumbered block.
        ctx.responses.append(ResponseBuf(None, ln))
    current = ctx.responses[-1]
    if ln == ctx.cut_line:
        ctx.cut(ln, s)
    m = STAMP.match(s)
    number, text = _number_and_text([t for _, t in lines])
    if lines and current.actions and current.actions[-1].has_row:
        # Text between a row and a numbered key action continues the row's comments.
        idx = next((i for i, (_, t) in enumerate(lines) if KA_NUMBER.match(t)), 0)
        if idx > 0:
            _more_comments(current.actions[-1], [t for _, t in lines[:idx]])
            number, text = _number_and_text([t for _, t in lines[idx:]])
    ka = ActionBuf(number, text, lines[0][0] if lines else ln)
    if m and ln != ctx.cut_line:
        ka.added = nv.day(m[1])
        ka.last_updated = nv.day(m[2])
        rest = m[3].strip().lstrip("|").strip()
        if rest:
            _row_plain(ctx, ka, ln, rest)
    elif ln == ctx.cut_line:
        added = _COMPLETE_ADDED.search(s)
        updated = _COMPLETE_UPDATED.search(s)
        ka.added = nv.day(added[1]) if added else None
        ka.last_updated = nv.day(updated[1]) if updated else None
    else:
        ctx.diag(ln, "warning", "bad-stamp", f"cannot read the key-action stamp: {s}")
    if not lines:
        ctx.diag(
            ln, "warning", "key-action-without-text", "an [Added: ...] stamp with no key-action text above it"
        )
    current.actions.append(ka)
    if not ka.has_row:
        ctx.expect_row = ka


def _number_and_text(lines: list[str]) -> tuple[str | None, list[str]]:
    if not lines:
        return None, []
    m = KA_NUMBER.match(lines[0])
    if m is None:
        return None, lines
    if m[3] is not None:
        return None, [m[3], *lines[1:]]
    number = m[1].rstrip(".)")
    return number, [m[2], *lines[1:]]


def _more_comments(ka: ActionBuf, lines: list[str]) -> None:
    text = "\n".join(lines)
    ka.comments = f"{ka.comments}\n{text}" if ka.comments else text


def _tail(ctx: Ctx, ka: ActionBuf, ln: int, rest: str) -> None:
    """Comments, `[Justification: ...]` and the trailing `History` link of a row."""
    rest = rest.strip()
    if rest == "History" or rest.endswith(" History"):
        ka.has_history = True
        rest = rest[: -len("History")].rstrip()
    j = JUSTIFICATION.search(rest)
    if j:
        ka.justification = j[1].strip() or None
        rest = (rest[: j.start()] + rest[j.end() :]).strip()
    ka.comments = rest or None


def _status(ctx: Ctx, ka: ActionBuf, ln: int, rest: str) -> str:
    m = STATUS_AT.match(rest)
    if m:
        ka.status = m[1]
        return m[2]
    u = UNKNOWN_STATUS.match(rest)
    if u:
        ka.status = u[1]
        ctx.diag(ln, "warning", "unknown-status", f"unknown key-action status {u[1]!r} kept as written")
        return u[2]
    return rest


def _row_plain(ctx: Ctx, ka: ActionBuf, ln: int, s: str) -> bool:
    m = split_at(ROW_DUE, s)
    if m:
        due = nv.month(m[1])
        if due is None:
            return False
        ka.responsible = m[0] or None
        ka.due = due
        _tail(ctx, ka, ln, _status(ctx, ka, ln, m[2]))
        ka.has_row = True
        return True
    m = split_at(ROW_STATUS, s)
    if m:
        ka.responsible = m[0] or None
        ka.status = m[1]
        _tail(ctx, ka, ln, m[2])
        ka.has_row = True
        return True
    return False


def _cut_row(ctx: Ctx, ka: ActionBuf, ln: int, s: str) -> None:
    """The dump stops inside this row: keep only the cells that provably ended before the cut.

    Responsible, due month and status count as complete when more text follows them
    on the line; the comments (or justification) after them are prose, kept as far
    as they go, like any other cut text.
    """
    ctx.cut(ln, s)
    m = split_at(ROW_DUE, s)
    if not m or not m[2]:
        return
    st_m = STATUS_AT.match(m[2])
    if st_m is None or not st_m[2]:
        return
    due = nv.month(m[1])
    if due is None:
        return
    ka.responsible = m[0] or None
    ka.due = due
    ka.status = st_m[1]
    _tail(ctx, ka, ln, st_m[2])
    ka.has_row = True


def _row_cells(ctx: Ctx, ka: ActionBuf, ln: int, cells: list[str]) -> bool:
    due_at = next((i for i, c in enumerate(cells) if nv.month(c) and "/" in c), None)
    if due_at is None:
        return False
    ka.responsible = " ".join(c for c in cells[:due_at] if c) or None
    ka.due = nv.month(cells[due_at])
    status = cells[due_at + 1] if len(cells) > due_at + 1 else ""
    if status:
        rest = _status(ctx, ka, ln, status)
        if rest:
            ctx.diag(ln, "warning", "unknown-status", f"unexpected text after status: {rest!r}")
    _tail(ctx, ka, ln, " ".join(c for c in cells[due_at + 2 :] if c))
    ka.has_row = True
    return True


def flush(ctx: Ctx, reason: str) -> list[str]:
    """Decide what buffered text was, now that the next anchor (or the end) is known.

    Returns the lines when they are the next block's recommendation text.
    """
    lines = ctx.buffer
    ctx.buffer = []
    ctx.expect_row = None
    if not lines:
        return []
    if reason == "response":
        return [t for _, t in lines]
    current = ctx.responses[-1] if ctx.responses else None
    last = current.actions[-1] if current and current.actions else None
    if reason == "end" and ctx.cut_line:
        number, text = _number_and_text([t for _, t in lines])
        if number is not None and current is not None:
            current.actions.append(ActionBuf(number, text, lines[0][0]))
        else:
            # Each line at its own number: the cut one is the truncation, any before it
            # were text whose anchor the dump never reached.
            for ln, t in lines:
                ctx.unparsed(ln, t, "key actions")
        return []
    if last is not None and last.has_row:
        _more_comments(last, [t for _, t in lines])
        return []
    for ln, t in lines:
        ctx.unparsed(ln, t, "key actions")
    return []
