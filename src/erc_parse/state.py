"""What the state machine has read so far: its named states, and one small state per section.

Each section of the page keeps what it has read in its own small state (``page.meta``,
``page.docs``, ``page.narrative``, ``page.responses``); what every section shares, the
diagnostics, the line being read, the rendering, the page kind and where a cut dump
stops, sits on ``Page`` itself. The parser turns all of it into pydantic models once,
at the end (``parser._finish``): a later line (the detail block) can still correct an
earlier one (the header), and plain lists and dicts are far cheaper to fill line by
line than models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any

from erc_parse.models import Diagnostic, Document, Kind, Layout, Severity, construct


class State(StrEnum):
    """One state per section of the page; the value is how diagnostics name it."""

    START = "start"  # chrome and the title
    HEADER = "header"  # top block: `Label:` with the value on the next line
    SUMMARY = "summary"  # free text between the header block and `Share`/documents
    NEW_HEADER = "new-header"  # newer site layout: labels and values on separate lines
    DOCUMENTS = "documents"
    DETAILS = "details"  # the `Title ...` / `Label: value` metadata block
    NEW_DETAILS = "new-details"  # newer layout's `Evaluation Information` block
    NEW_OUTCOMES = "new-outcomes"  # newer layout's `Corporate Outcome and Output` block
    LESSONS = "lessons"
    FINDINGS = "findings"
    RECOMMENDATIONS = "recommendations"
    MR_RECOMMENDATION = "mr-recommendation"  # `N. Recommendation:` text
    MR_RESPONSE = "mr-response"  # `Management Response: [Added: ...]` text
    KEY_ACTIONS = "key-actions"  # key-action rows, and (table pages) the next recommendation
    PLAN = "plan"  # evaluation-plan pages
    FOOTER = "footer"  # `Latest Evaluations`, `Contact us`, the address


#: How much of a line a diagnostic quotes: a 5 MB line must not become a 5 MB message
#: (nor a 50 MB GitHub annotation); its start says which line it is.
QUOTE_LIMIT = 200


def quote(text: str) -> str:
    """``text`` as a diagnostic quotes it: whole, or its start, an ellipsis and its length."""
    if len(text) <= QUOTE_LIMIT:
        return text
    return f"{text[:QUOTE_LIMIT]}… ({len(text):,} characters)"


def quoted(value: object) -> str:
    """``repr(value)``, quoted as a line is."""
    return quote(repr(value))


# --- metadata --------------------------------------------------------------------------


@dataclass(slots=True)
class Pending:
    """A label whose value is on the following line(s).

    Made for every label, so the parser passes its fields by position, never by keyword:
    calling a class with a keyword builds a dict for ``__init__`` (a third of the object's
    cost).
    """

    name: str
    kind: str
    line: int
    label: str
    lines: list[str] = field(default_factory=list)
    header: bool = False  # a header-block label: its value is compared with the details at the end


class Values:
    """One table of labelled values (metadata fields, ``extra``, the GEF block, the header).

    Each value keeps the line it came from, so that a value replaced later is reported
    at its own line (see ``sections.metadata.store``).
    """

    __slots__ = ("lines", "name", "values")

    def __init__(self, name: str) -> None:
        self.name = name  # how a conflict names the table: "" for metadata fields
        self.values: dict[str, Any] = {}
        self.lines: dict[str, int] = {}

    def conflict(self, key: str, old: Any, new: Any, line: int) -> str:
        """The message for a value replaced by a different one at ``line``."""
        if self.name == "header":
            return f"{key}: header says {quoted(old[0])} here, {quoted(new[0])} on line {line}"
        what = f"{self.name} {key}" if self.name else key
        return f"{what}: {quoted(old)} here, {quoted(new)} on line {line}; line {line} kept"


#: A header-block value: as printed, and read by its label's kind (``None`` if unreadable).
HeaderValue = tuple[str, Any]


@dataclass(slots=True)
class Meta:
    fields: Values = field(default_factory=partial(Values, ""))
    extra: Values = field(default_factory=partial(Values, "extra"))
    gef: Values | None = None  # only once the page says `GEF Evaluation: Yes`
    in_gef: bool = False  # inside the GEF block, where `Evaluation Type:` is the GEF review type
    header: Values = field(default_factory=partial(Values, "header"))  # field -> HeaderValue
    pending: Pending | None = None
    title_seen: bool = False
    header_bullets: bool = False  # the header is written as bullets, `- Label:` / `- value`
    summary: list[tuple[int, str]] = field(default_factory=list)  # the header's prose, by line


# --- documents, narrative, responses ---------------------------------------------------------


@dataclass(slots=True)
class Docs:
    rows: list[Document] = field(default_factory=list)
    awaiting: int = 0  # table rendering: the line of a `![]() |` marker whose cells follow


@dataclass(slots=True)
class ItemBuf:
    number: int | None
    heading: str | None
    lines: list[str]


@dataclass(slots=True)
class ActionBuf:
    number: str | None
    text: list[str]
    line: int
    added: str | None = None
    last_updated: str | None = None
    responsible: str | None = None
    due: str | None = None
    status: str | None = None
    comments: str | None = None
    justification: str | None = None
    has_history: bool = False
    has_row: bool = False


@dataclass(slots=True)
class ResponseBuf:
    number: int | None
    line: int
    recommendation: list[str] = field(default_factory=list)
    response: list[str] = field(default_factory=list)
    added: str | None = None
    last_updated: str | None = None
    actions: list[ActionBuf] = field(default_factory=list)


@dataclass(slots=True)
class Responses:
    blocks: list[ResponseBuf] = field(default_factory=list)
    buffer: list[tuple[int, str]] = field(default_factory=list)  # text awaiting its anchor
    expect_row: ActionBuf | None = None  # a key action whose row should be the next line


# --- the page ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Page:
    """What every section shares, and each section's own state."""

    layout: Layout = "plain"
    kind: Kind = "unknown"
    state: State = State.START
    cut_line: int = 0  # the last, possibly partial, line of a cut dump (0: the dump is whole)
    footer_from: int = 0  # the footer's first line, among the page's last lines (0: no footer)
    ln: int = 0  # the line being read, 1-based
    at_cut: bool = False  # it is the last line of a cut dump: it may stop mid-value
    truncated: bool = False  # a `truncated` diagnostic says where the dump stops (``cut``)
    raw: str = ""  # that line as in the dump (its indentation matters to bullets)
    cells: list[str] | None = None  # its cells, in the pipe-table rendering
    diagnostics: list[Diagnostic] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)
    docs: Docs = field(default_factory=Docs)
    narrative: dict[str, list[ItemBuf]] = field(default_factory=dict)  # section -> items
    responses: Responses = field(default_factory=Responses)
    footer: list[tuple[int, str]] = field(default_factory=list)  # the footer's lines, by number

    def diag(self, severity: Severity, code: str, message: str, line: int | None = None) -> None:
        """Record a diagnostic at ``line`` (default: the line being read)."""
        self.diagnostics.append(
            construct(
                Diagnostic,
                {
                    "line": self.ln if line is None else line,
                    "severity": severity,
                    "code": code,
                    "message": message,
                },
            )
        )

    def unparsed(self, text: str, where: str, line: int | None = None) -> None:
        """Report a line no field took: the TextFSM failure mode we refuse to have."""
        line = self.ln if line is None else line
        if line == self.cut_line:
            self.cut(text, line)
        else:
            self.diag("warning", "unparsed-line", f"{where}: {quote(text)}", line)

    def cut(self, text: str, line: int | None = None) -> None:
        self.truncated = True
        self.diag("warning", "truncated", f"dump ends mid-line: {quote(text)}", line)

    def has_content(self) -> bool:
        """Anything of an ERC page was read (a page of only chrome or junk has none)."""
        return bool(self.meta.fields.values or self.docs.rows or self.narrative or self.responses.blocks)
