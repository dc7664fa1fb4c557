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

from erc_parse.normalize import values as nv
from erc_parse.sections.common import CHROME, KA_HEADER, STAMP
from erc_parse.state import ActionBuf, Page, ResponseBuf, State, quote, quoted

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
# The due month `YYYY/MM` (not inside a longer run of digits and slashes) is searched from
# its slash, with the year checked behind it: a regex that starts with a literal is found
# by a fast scan, where one that starts with `\d` is tried at every position of the line.
ROW_DUE = re.compile(r"/(?<=(?<![\d/])\d{4}/)\d{1,2}(?![\d/])")
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


def split_due(s: str) -> tuple[str, str, str] | None:
    """``(before, YYYY/MM, after)`` around a row's due month, both sides stripped."""
    m = ROW_DUE.search(s)
    if m is None:
        return None
    start = m.start() - 4  # the year, behind the slash
    return s[:start].strip(), s[start : m.end()], s[m.end() :].strip()


def open_block(p: Page, s: str) -> None:
    """`N. Recommendation:` opens a block, its text on the line or below it.

    The line has the anchor's shape (`N`, a dot, `Recommendation`, a colon, with any
    spaces between): its first dot ends the number and its first colon the heading.
    """
    head, _, text = s.partition(":")
    text = text.strip()
    p.responses.blocks.append(ResponseBuf(int(head.partition(".")[0]), p.ln, [text] if text else []))


def response_stamp(p: Page, s: str) -> None:
    """`Management Response: [Added: ...]` starts the response (and, on table pages, a block)."""
    mr = p.responses
    pending = take_as_recommendation(p)
    current = mr.blocks[-1] if mr.blocks else None
    if current is None or current.added or current.response or current.actions or pending:
        current = ResponseBuf(len(mr.blocks) + 1, p.ln, pending)
        mr.blocks.append(current)
    if p.at_cut:
        # Keep the stamps whose closing bracket made it into the dump; report the rest.
        p.cut(s)
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
        p.diag("warning", "bad-stamp", f"cannot read the response stamp: {quote(s)}")


def key_actions(p: Page, s: str) -> None:
    """`Key Actions:` opens the rows of the current block (a block of its own if none is open)."""
    if p.state is State.KEY_ACTIONS:
        flush_block(p)
    if not p.responses.blocks:
        p.responses.blocks.append(ResponseBuf(None, p.ln))


def update_history(p: Page, s: str) -> None:
    """`Key Action Update History`: only management-response pages print it."""
    p.kind = "management_response"


def recommendation_text(p: Page, s: str) -> None:
    """State MR_RECOMMENDATION: a line of the recommendation the block quotes."""
    p.responses.blocks[-1].recommendation.append(s)


def response_text(p: Page, s: str) -> None:
    """State MR_RESPONSE: a line of the management response."""
    p.responses.blocks[-1].response.append(s)


def key_action_line(p: Page, s: str) -> None:
    """State KEY_ACTIONS: a key action's text, its stamp, its row, or text to buffer."""
    if s in CHROME:
        return
    cells = p.cells
    if s.startswith("Key Action") and (KA_HEADER.match(s) or (cells and cells[0] == "Key Action")):
        return
    if cells is not None and not cells:
        return
    probe = cells[0] if cells else s
    if probe.startswith("[Added"):
        _stamp(p, probe)
        return
    mr = p.responses
    ka = mr.expect_row
    if ka is not None:
        mr.expect_row = None
        if p.at_cut:
            _cut_row(p, ka, s)
            return
        if cells and len(cells) >= 2 and _row_cells(p, ka, cells):
            return
        if _row_plain(p, ka, " ".join(cells) if cells else s):
            return
        if KA_NUMBER.match(s) is None:
            p.diag("warning", "bad-key-action-row", f"cannot split key-action row: {quote(s)}")
            ka.comments = s
            return
    text = " ".join(filter(None, cells)) if cells else s
    mr.buffer.append((p.ln, text))


def _stamp(p: Page, s: str) -> None:
    mr = p.responses
    lines = mr.buffer
    mr.buffer = []
    if not mr.blocks:
        # Table pages enter the key actions at `Key Action Update History`, which may
        # come before any recommendation: the action then belongs to an unnumbered block.
        mr.blocks.append(ResponseBuf(None, p.ln))
    current = mr.blocks[-1]
    if p.at_cut:
        p.cut(s)
    m = STAMP.match(s)
    texts = [t for _, t in lines]
    first = KA_NUMBER.match(texts[0]) if texts else None
    if first is None and texts and current.actions and current.actions[-1].has_row:
        # Text between a row and a numbered key action continues the row's comments.
        idx = next((i for i, t in enumerate(texts) if KA_NUMBER.match(t)), 0)
        if idx > 0:
            _more_comments(current.actions[-1], texts[:idx])
            texts = texts[idx:]
            first = KA_NUMBER.match(texts[0])
    number, text = _number_and_text(texts, first)
    ka = ActionBuf(number, text, lines[0][0] if lines else p.ln)
    if m and not p.at_cut:
        ka.added = nv.day(m[1])
        ka.last_updated = nv.day(m[2])
        rest = m[3].strip().lstrip("|").strip()
        if rest:
            _row_plain(p, ka, rest)
    elif p.at_cut:
        added = _COMPLETE_ADDED.search(s)
        updated = _COMPLETE_UPDATED.search(s)
        ka.added = nv.day(added[1]) if added else None
        ka.last_updated = nv.day(updated[1]) if updated else None
    else:
        p.diag("warning", "bad-stamp", f"cannot read the key-action stamp: {quote(s)}")
    if not lines:
        p.diag("warning", "key-action-without-text", "an [Added: ...] stamp with no key-action text above it")
    current.actions.append(ka)
    if not ka.has_row:
        mr.expect_row = ka


def _number_and_text(lines: list[str], m: re.Match[str] | None) -> tuple[str | None, list[str]]:
    """The key action's number (``m``: ``KA_NUMBER`` on its first line) and its text."""
    if not lines:
        return None, []
    if m is None:
        return None, lines
    if m[3] is not None:
        return None, [m[3], *lines[1:]]
    number = m[1].rstrip(".)")
    return number, [m[2], *lines[1:]]


def _more_comments(ka: ActionBuf, lines: list[str]) -> None:
    text = "\n".join(lines)
    ka.comments = f"{ka.comments}\n{text}" if ka.comments else text


def _tail(ka: ActionBuf, rest: str) -> None:
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


def _status(p: Page, ka: ActionBuf, rest: str) -> str:
    m = STATUS_AT.match(rest)
    if m:
        ka.status = m[1]
        return m[2]
    u = UNKNOWN_STATUS.match(rest)
    if u:
        ka.status = u[1]
        p.diag("warning", "unknown-status", f"unknown key-action status {quoted(u[1])} kept as written")
        return u[2]
    return rest


def _row_plain(p: Page, ka: ActionBuf, s: str) -> bool:
    m = split_due(s)
    if m:
        due = nv.month(m[1])
        if due is None:
            return False
        ka.responsible = m[0] or None
        ka.due = due
        _tail(ka, _status(p, ka, m[2]))
        ka.has_row = True
        return True
    m = split_at(ROW_STATUS, s)
    if m:
        ka.responsible = m[0] or None
        ka.status = m[1]
        _tail(ka, m[2])
        ka.has_row = True
        return True
    return False


def _cut_row(p: Page, ka: ActionBuf, s: str) -> None:
    """The dump stops inside this row: keep only the cells that provably ended before the cut.

    Responsible, due month and status count as complete when more text follows them
    on the line; the comments (or justification) after them are prose, kept as far
    as they go, like any other cut text.
    """
    p.cut(s)
    m = split_due(s)
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
    _tail(ka, st_m[2])
    ka.has_row = True


def _row_cells(p: Page, ka: ActionBuf, cells: list[str]) -> bool:
    due_at = next((i for i, c in enumerate(cells) if nv.month(c) and "/" in c), None)
    if due_at is None:
        return False
    ka.responsible = " ".join(filter(None, cells[:due_at])) or None
    ka.due = nv.month(cells[due_at])
    status = cells[due_at + 1] if len(cells) > due_at + 1 else ""
    if status:
        rest = _status(p, ka, status)
        if rest:
            p.diag("warning", "unknown-status", f"unexpected text after status: {quoted(rest)}")
    _tail(ka, " ".join(filter(None, cells[due_at + 2 :])))
    ka.has_row = True
    return True


def take_as_recommendation(p: Page) -> list[str]:
    """Buffered text before `Management Response:` is the next block's recommendation (table pages)."""
    mr = p.responses
    lines = mr.buffer
    mr.buffer = []
    mr.expect_row = None
    return [t for _, t in lines]


def flush_block(p: Page) -> None:
    """The block ends: buffered text after a row continues its comments, or is reported."""
    mr = p.responses
    lines = mr.buffer
    mr.buffer = []
    mr.expect_row = None
    if not lines:
        return
    current = mr.blocks[-1] if mr.blocks else None
    last = current.actions[-1] if current and current.actions else None
    if last is not None and last.has_row:
        _more_comments(last, [t for _, t in lines])
        return
    for ln, t in lines:
        p.unparsed(t, "key actions", ln)


def flush_end(p: Page) -> None:
    """The dump ends: in a cut dump, buffered text is a key action the cut kept from its stamp."""
    mr = p.responses
    if not p.cut_line or not mr.buffer:
        flush_block(p)
        return
    lines = mr.buffer
    mr.buffer = []
    mr.expect_row = None
    current = mr.blocks[-1] if mr.blocks else None
    texts = [t for _, t in lines]
    number, text = _number_and_text(texts, KA_NUMBER.match(texts[0]))
    if number is not None and current is not None:
        current.actions.append(ActionBuf(number, text, lines[0][0]))
    else:
        # Each line at its own number: the cut one is the truncation, any before it
        # were text whose anchor the dump never reached.
        for ln, t in lines:
            p.unparsed(t, "key actions", ln)
