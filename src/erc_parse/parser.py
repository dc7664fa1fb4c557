"""The state machine: one pass over the lines, one named state per section of the page.

Each line is first looked up among the *anchors*, the lines that open a section
wherever they stand (`Lessons`, `1. Recommendation:`, `Key Actions:`, the documents
header, ...). ``ANCHORS`` is the transition table: each row names the line's shape,
the states it may fire from, the state it leads to and what else the line does. A line
that opens no section goes to the current state's handler (``HANDLERS``), which lives
in the module named after its section (``sections/header.py``, ``documents.py``,
``metadata.py``, ``narrative.py``, ``responses.py``, ``plan.py``, ``footer.py``). Every
handler takes ``(page, line)`` and returns the next state, or nothing to stay; only
this module changes the state. A handler that cannot place a line reports it with its
line number: unlike TextFSM, nothing is dropped silently.

The whole machine (``diagram()``; tests/test_parser.py checks this copy is current)::

    anchor                                       fires in                                   goes to
    Latest Evaluations | Contact us              every state but footer                     footer
    Document Type Language Size Status Downloads start header summary new-header documents  documents
    Download document ...                        start header summary new-header            documents
    Title ...                                    start header summary new-header documents  details
    • Evaluation Information                     every state but details plan footer        new-details
    • Corporate Outcome and Output               every state but details plan footer        new-outcomes
    Lessons                                      every state but start plan footer mr-*     lessons
    Findings                                     every state but start plan footer mr-*     findings
    Recommendations                              every state but start plan footer mr-*     recommendations
    N. Recommendation: ...                       every state but start plan footer          mr-recommendation
    Management Response: [Added: ...] (in block) every state but start plan footer          mr-response
    Key Actions: (in block)                      every state but start plan footer          key-actions
    Key Action Update History                    every state but plan footer                key-actions

    handler     may go on to
    start       header details plan new-header
    header      summary details new-header
    new-header  summary
    documents   details

(`mr-*` is mr-recommendation, mr-response and key-actions: a response block.) Anchors
start at the first column, but for the two bullet blocks, which the portal indents; the
footer's lines open it only where the page's end begins, among its last lines. An
anchor marked *in block* is a part of the current response block: fired inside one, it
does not close it. Every other anchor first closes what the current state left open (a
label awaiting its value, key-action text awaiting its row).

The pipe-table rendering is read by the same machine: each line is split into cells
first, and the handlers use the cells where the plain rendering has none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from erc_parse.build import evaluation
from erc_parse.models import Evaluation, Source
from erc_parse.reader import split_lines
from erc_parse.sections import documents, footer, header, metadata, narrative, plan, responses
from erc_parse.sections.common import DOCS_HEADER, FOOTER_START, split_cells
from erc_parse.state import Page, State, quote

__all__ = ["ANCHORS", "HANDLERS", "diagram", "parse_text"]

#: What a line does besides changing the state (anchors), or a state's reading of a line (handlers).
Action = Callable[[Page, str], None]
Handler = Callable[[Page, str], State | None]


@dataclass(frozen=True, slots=True)
class Anchor:
    """One row of the transition table: a line shape that opens a section.

    The shape is given either as the exact ``lines`` it takes, or as a regex the line
    matches from its first character (``start``, which begins with a literal character
    or with ``\\d``), with a ``test`` of the line and its cells for what the regex
    cannot say.
    """

    shape: str  # the line, as the diagram shows it
    fires: frozenset[State]  # the states it may fire from
    goto: State
    action: Action | None = None
    in_block: bool = False  # a part of the current response block: fired inside one, it does not close it
    indented: bool = False  # may stand indented; every other anchor starts at the first column
    at_end: bool = False  # fires only where the page's end begins (the footer ``_prepare`` found)
    lines: frozenset[str] = frozenset()
    start: str = ""
    test: Callable[[str, list[str] | None], object] | None = None

    def takes(self, s: str, cells: list[str] | None) -> bool:
        """Whether the line has this row's shape (the definition the loop's look-up follows)."""
        if not self.start:
            return s in self.lines
        return re.match(self.start, s) is not None and (self.test is None or bool(self.test(s, cells)))


_DIGIT = r"\d"  # a start that begins with a decimal digit
_ALL = frozenset(State)
_EARLY = frozenset({State.START, State.HEADER, State.SUMMARY, State.DOCUMENTS, State.NEW_HEADER})
_BLOCK = frozenset({State.MR_RECOMMENDATION, State.MR_RESPONSE, State.KEY_ACTIONS})
_BODY = _ALL - {State.START, State.PLAN, State.FOOTER}


def _first_cell(s: str, cells: list[str] | None) -> str:
    return cells[0] if cells else s


ANCHORS: tuple[Anchor, ...] = (
    Anchor(
        " | ".join(FOOTER_START),
        _ALL - {State.FOOTER},
        State.FOOTER,
        footer.opened,
        at_end=True,
        lines=frozenset(FOOTER_START),
    ),
    Anchor(
        "Document Type Language Size Status Downloads",
        _EARLY,
        State.DOCUMENTS,
        start=r"Document(?:\s|$)",
        test=lambda s, cells: (
            DOCS_HEADER.match(s) or (cells and cells[0] == "Document" and "Downloads" in cells)
        ),
    ),
    Anchor(
        "Download document ...",
        _EARLY - {State.DOCUMENTS},
        State.DOCUMENTS,
        documents.first_row,
        start=r"Download document",
    ),
    Anchor(
        "Title ...",
        _EARLY,
        State.DETAILS,
        metadata.details,
        start=r"Title(?:\s|$)",
        test=lambda s, cells: s.startswith("Title ") or _first_cell(s, cells) == "Title",
    ),
    Anchor(
        "• Evaluation Information",
        _ALL - {State.DETAILS, State.PLAN, State.FOOTER},
        State.NEW_DETAILS,
        indented=True,
        start=r"•[• ]*\s*Evaluation Information$",
    ),
    Anchor(
        "• Corporate Outcome and Output",
        _ALL - {State.DETAILS, State.PLAN, State.FOOTER},
        State.NEW_OUTCOMES,
        indented=True,
        start=r"•[• ]*\s*Corporate Outcome and Output$",
    ),
    *(
        Anchor(heading, _BODY - _BLOCK, goto, narrative.opened, lines=frozenset({heading}))
        for heading, goto in (
            ("Lessons", State.LESSONS),
            ("Findings", State.FINDINGS),
            ("Recommendations", State.RECOMMENDATIONS),
        )
    ),
    Anchor(
        "N. Recommendation: ...",
        _BODY,
        State.MR_RECOMMENDATION,
        responses.open_block,
        start=r"\d{1,3}\s*\.\s*Recommendation\s*:",
    ),
    Anchor(
        "Management Response: [Added: ...]",
        _BODY,
        State.MR_RESPONSE,
        responses.response_stamp,
        in_block=True,
        start=r"Management Response\s*:\s*\[Added",
    ),
    Anchor(
        "Key Actions:",
        _BODY,
        State.KEY_ACTIONS,
        responses.key_actions,
        in_block=True,
        lines=frozenset({"Key Actions:", "Key Actions"}),
    ),
    Anchor(
        "Key Action Update History",
        _ALL - {State.PLAN, State.FOOTER},
        State.KEY_ACTIONS,
        responses.update_history,
        lines=frozenset({"Key Action Update History"}),
    ),
)


class _Rows(NamedTuple):
    """The table's rows that may fire in one state, compiled to find a line's row at once.

    A row with exact ``lines`` is found by the line itself (``by_line``); the others by
    one regex of all their starts (``start``), where an empty named group closing each
    start (``a0``, ``a1``, ...: the row's place in ``ANCHORS``) says which row matched
    (``by_group``). (Closing it, not opening it: an alternative that begins with its
    literal text is skipped by the regex engine at its first character.) The starts
    exclude one another, so the order of the table is kept (tests/test_parser.py
    checks it). The regex is tried only on lines whose first character can begin one
    of the state's starts (``first``, or a decimal digit where a start begins with
    ``\\d``): most lines, prose and values, cost one dict look-up.
    """

    by_line: dict[str, Anchor]
    start: Callable[[str], re.Match[str] | None] | None
    by_group: dict[str, Anchor]
    first: frozenset[str]
    digit: bool


def _rows(state: State) -> _Rows:
    anchors = tuple(a for a in ANCHORS if state in a.fires)
    by_group = {f"a{ANCHORS.index(a)}": a for a in anchors if a.start}
    pattern = "|".join(f"(?:{a.start})(?P<{name}>)" for name, a in by_group.items())
    starts = [a.start for a in by_group.values()]
    return _Rows(
        {line: a for a in anchors for line in a.lines},
        re.compile(pattern).match if pattern else None,
        by_group,
        frozenset(x[0] for x in starts if not x.startswith(_DIGIT)),
        any(x.startswith(_DIGIT) for x in starts),
    )


ROWS: dict[State, _Rows] = {state: _rows(state) for state in State}

HANDLERS: dict[State, Handler] = {
    State.START: header.start,
    State.HEADER: header.header,
    State.SUMMARY: header.summary,
    State.NEW_HEADER: header.new_header,
    State.DOCUMENTS: documents.documents,
    State.DETAILS: metadata.details,
    State.NEW_DETAILS: metadata.new_details,
    State.NEW_OUTCOMES: metadata.new_outcomes,
    State.LESSONS: narrative.lessons,
    State.FINDINGS: narrative.findings,
    State.RECOMMENDATIONS: narrative.recommendations,
    State.MR_RECOMMENDATION: responses.recommendation_text,
    State.MR_RESPONSE: responses.response_text,
    State.KEY_ACTIONS: responses.key_action_line,
    State.PLAN: plan.plan,
    State.FOOTER: footer.line,
}
#: The states a handler may return besides its own (the rest return nothing): the diagram's second part.
HANDLER_EXITS: dict[State, tuple[State, ...]] = {
    State.START: (State.HEADER, State.DETAILS, State.PLAN, State.NEW_HEADER),
    State.HEADER: (State.SUMMARY, State.DETAILS, State.NEW_HEADER),
    State.NEW_HEADER: (State.SUMMARY,),
    State.DOCUMENTS: (State.DETAILS,),
}


def parse_text(text: str, *, path: str | None = None, sha256: str | None = None) -> Evaluation:
    """Parse the text of one dump (``erc_parse.parse_text``). Never raises on any string.

    An internal error becomes an `error` diagnostic.
    """
    p = Page()
    text = _replace_surrogates(p, text)
    lines = _without_margin(split_lines(text))
    try:
        _prepare(p, text, lines)
        _run(p, lines)
        return _finish(p, path, sha256)
    except Exception as exc:  # noqa: BLE001 - the contract: parse_text never raises
        p.diag("error", "internal-error", quote(f"{type(exc).__name__}: {exc}"), 0)
        try:
            return _finish(p, path, sha256)
        except Exception:  # noqa: BLE001
            return Evaluation(
                source=Source(path=path, sha256=sha256),
                diagnostics=[d for d in p.diagnostics if d.code == "internal-error"],
            )


def _run(p: Page, lines: list[str]) -> None:
    """The machine's loop: blank lines, table cells, the anchors, then the state's handler."""
    table = p.layout == "table"
    cut_line = p.cut_line
    handlers = HANDLERS
    in_header = State.HEADER  # (an enum member is a slow attribute to look up in a loop)
    state = p.state
    by_line, start, by_group, first, digit = ROWS[state]
    for ln, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s:
            if state is in_header:
                header.blank(p)
            continue
        cells: list[str] | None = None
        if table and "|" in s:
            cells = split_cells(s)
            if cells is not None:
                if not cells:
                    continue  # separators and empty filler rows: layout only
                s = " ".join(filter(None, cells))
        p.ln = ln
        p.at_cut = ln == cut_line
        p.raw = raw
        if table:
            p.cells = cells
        anchor = by_line[s] if s in by_line else None  # (`in` costs less than a `get` call)
        if anchor is None and start is not None and (s[0] in first or (digit and s[0].isdecimal())):
            m = start(s)
            if m is not None:
                anchor = by_group[m.lastgroup]  # type: ignore[index]
        if anchor is not None and _fires(p, anchor, s):
            if not (anchor.in_block and state in _BLOCK):
                _leave(p)
            if anchor.action is not None:
                anchor.action(p, s)
            state = p.state = anchor.goto
            by_line, start, by_group, first, digit = ROWS[state]
            continue
        following = handlers[state](p, s)
        if following is not None:
            state = p.state = following
            by_line, start, by_group, first, digit = ROWS[state]


def _fires(p: Page, anchor: Anchor, s: str) -> bool:
    """Whether the row the look-up found for this line fires here.

    The look-up found the row by the line, or by its start: a row's ``test`` says the
    rest. A section anchor starts at the first column: indented, `1. Recommendation:
    Accepted` is a line of the text it stands in (only the bullet blocks are indented by
    the portal). The footer starts where ``_prepare`` found it, at the page's end.
    """
    if p.raw[0] in " \t" and not anchor.indented:
        return False
    if anchor.at_end and not 0 < p.footer_from <= p.ln:
        return False
    return anchor.test is None or bool(anchor.test(s, p.cells))


def _leave(p: Page) -> None:
    """Close what the current state left open before another section starts."""
    metadata.close_pending(p)
    if p.state is State.KEY_ACTIONS:
        responses.flush_block(p)


_SURROGATE = re.compile(r"[\ud800-\udfff]")  # the regex reads the escapes: no surrogate in the source


def _replace_surrogates(p: Page, text: str) -> str:
    """Lone surrogates (only a caller's `str` has them; decoded bytes never do) become `\ufffd`.

    Left in, they would make the parsed model impossible to write as JSON (UTF-8 cannot
    encode them); `\ufffd` is how the dumps themselves show encoding damage.
    """
    # Quick exits first: an ASCII text has none, and the UTF-16 encoder refuses lone
    # surrogates and nothing else, far faster than a regex scan.
    if text.isascii():
        return text
    try:
        text.encode("utf-16-le")
        return text
    except UnicodeEncodeError:
        pass
    m = _SURROGATE.search(text)
    if m is None:  # pragma: no cover - the encoder refused the text for a surrogate
        return text
    line = text.count("\n", 0, m.start()) + 1 if "\r" not in text else len(split_lines(text[: m.end()]))
    p.diag("warning", "bad-characters", "lone surrogate code points replaced with U+FFFD", line)
    return _SURROGATE.sub("\ufffd", text)


def _without_margin(lines: list[str]) -> list[str]:
    """The lines with the indentation they all share removed (most dumps have none).

    Some tools that save a page as text indent every line (lynx, for one, by three
    spaces). Anchors are read at the page's first column and bullets by their indent,
    both relative to the page's own left margin: an indented dump is read as the same
    dump without the margin, line for line.
    """
    margin: str | None = None
    for line in lines:
        if not line or line.isspace():
            continue
        indent = line[: len(line) - len(line.lstrip())]
        if not indent:
            return lines  # (most dumps: their first line starts at the first column)
        margin = indent if margin is None else os.path.commonprefix([margin, indent])
        if not margin:
            return lines
    if not margin:
        return lines
    cut = len(margin)
    return [line[cut:] if line.startswith(margin) else line for line in lines]


def _prepare(p: Page, text: str, lines: list[str]) -> None:
    """Decide the rendering and whether the dump is cut, before reading it."""
    head = lines[:400]
    # Substring tests over the whole text first (if the text lacks them, so do the head
    # and the tail), the one-character one first; the per-line test only when they hit.
    if (
        "|" in text
        and ("---|" in text or " |" in text)
        and any(line.startswith("---|") or line.rstrip().endswith(" |") for line in head)
    ):
        p.layout = "table"
    # A whole page ends with the footer: looked for from the end of the text, where `rfind`
    # meets it at once, then as lines of their own among the last lines. The footer starts
    # at the first of them; a footer line before it is a line of the page like any other.
    latest, contact = FOOTER_START
    if text.rfind(latest) != -1 or text.rfind(contact) != -1:
        for i in range(max(0, len(lines) - 60), len(lines)):
            if lines[i].strip() in FOOTER_START:
                p.footer_from = i + 1
                break
    if not p.footer_from:
        for i in range(len(lines), 0, -1):  # no footer: the dump is cut, at its last line not blank
            if lines[i - 1].strip():
                p.cut_line = i
                break


def _finish(p: Page, path: str | None, sha256: str | None) -> Evaluation:
    """Close what the dump left open, apply the page-wide rules, then build the models."""
    if p.state is State.KEY_ACTIONS or p.responses.buffer:
        responses.flush_end(p)
    metadata.close_pending(p)
    header.finish(p)
    metadata.merge_header(p)
    _decide_kind(p)
    metadata.unit_from_plan(p)
    footer.finish(p)
    has_content = p.has_content()
    if p.cut_line and has_content and not p.truncated:
        p.truncated = True
        p.diag("warning", "truncated", f"dump ends inside the {p.state} section", p.cut_line)
    if not has_content and not p.diagnostics:
        p.diag("warning", "empty", "no ERC page content found", 0)
    p.diagnostics.sort(key=lambda d: d.line)
    # The flag and the diagnostic say the same thing: a dump is cut when a `truncated`
    # diagnostic says where (also a dump whose one cut line held nothing of a page).
    return evaluation(p, path, sha256, truncated=p.truncated)


def _decide_kind(p: Page) -> None:
    """A page that named no kind is a response page if it has responses and no narrative."""
    if p.kind != "unknown":
        return
    values = p.meta.fields.values
    if "response_unit" in values or (p.responses.blocks and not p.narrative):
        p.kind = "management_response"
    elif values or p.docs.rows or p.narrative:
        p.kind = "evaluation"


# --- the diagram ------------------------------------------------------------------------------


def _states(states: frozenset[State]) -> str:
    if len(states) <= len(_ALL) // 2:
        return " ".join(s.value for s in State if s in states)
    missing = _ALL - states
    words = [s.value for s in State if s in missing and s not in _BLOCK]
    if _BLOCK <= missing:
        words.append("mr-*")
    return "every state but " + " ".join(words)


def diagram() -> str:
    """The transition table and the handlers' exits as text: the module docstring shows it."""
    rows = [("anchor", "fires in", "goes to")]
    for a in ANCHORS:
        rows.append((a.shape + (" (in block)" if a.in_block else ""), _states(a.fires), a.goto.value))
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{r[0]:<{widths[0]}} {r[1]:<{widths[1]}}  {r[2]}".rstrip() for r in rows]
    lines += ["", "handler     may go on to"]
    lines += [f"{s.value:<11} " + " ".join(x.value for x in exits) for s, exits in HANDLER_EXITS.items()]
    return "\n".join(lines)
