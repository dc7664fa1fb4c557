"""The parse context: what the state machine has read so far, as plain Python data.

Section handlers append to lists and dicts here; ``parser.finish`` turns them into
pydantic models once, at the end, which is much cheaper than building models line
by line and lets a later line (a detail block) correct an earlier one (the header).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from erc_parse.models import Diagnostic, Document, Severity, construct

# Named states of the machine: one per section of the page (see parser.py for the table).
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


@dataclass(slots=True)
class PendingLabel:
    """A label whose value is on the following line(s)."""

    name: str
    kind: str
    line: int
    label: str
    target: str  # "meta" or "header"
    lines: list[str] = field(default_factory=list)


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
class Ctx:
    layout: str = "plain"
    kind: str = "unknown"
    state: str = START
    cut_line: int = 0  # line number of the last, possibly partial, line of a cut dump
    footer: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # header block values: field -> (line, raw value); compared with the details at the end
    header: dict[str, tuple[int, str]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    gef: dict[str, str | None] | None = None
    in_gef: bool = False
    team_header: bool = False
    documents: list[Document] = field(default_factory=list)
    doc_pending: int = 0  # table rendering: line of a `![]() |` row awaiting its cells
    items: dict[str, list[ItemBuf]] = field(default_factory=dict)
    responses: list[ResponseBuf] = field(default_factory=list)
    buffer: list[tuple[int, str]] = field(default_factory=list)  # text awaiting its anchor
    expect_row: ActionBuf | None = None
    pending: PendingLabel | None = None
    title_seen: bool = False
    summary: list[str] = field(default_factory=list)
    footer_lines: list[str] = field(default_factory=list)
    footer_line: int = 0

    def diag(self, line: int, severity: Severity, code: str, message: str) -> None:
        self.diagnostics.append(
            construct(Diagnostic, {"line": line, "severity": severity, "code": code, "message": message})
        )

    def unparsed(self, line: int, text: str, where: str) -> None:
        """Report a line no field took: the TextFSM failure mode we refuse to have."""
        if line == self.cut_line:
            self.cut(line, text)
        else:
            self.diag(line, "warning", "unparsed-line", f"{where}: {text}")

    def cut(self, line: int, text: str) -> None:
        self.diag(line, "warning", "truncated", f"dump ends mid-line: {text}")

    def set_header(self, name: str, line: int, raw: str) -> None:
        """Keep a header value; a repeated label's different value wins, the earlier is reported.

        The detail block's rule too (``metadata._store``): nothing the page said is
        dropped without a diagnostic at its line.
        """
        old = self.header.get(name)
        if old is not None and old[1] != raw:
            self.diag(
                old[0],
                "warning",
                "conflicting-values",
                f"{name}: header says {old[1]!r} here, {raw!r} on line {line}",
            )
        self.header[name] = (line, raw)

    def set_meta(self, name: str, value: Any, line: int) -> None:
        self.meta[name] = value
        self.meta_lines[name] = line
