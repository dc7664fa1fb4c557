"""The state machine: one pass over the lines, one named state per section of the page.

    START ─► HEADER ─► SUMMARY ─► DOCUMENTS ─► DETAILS ─► LESSONS ─► FINDINGS ─►
    RECOMMENDATIONS ─► MR_RECOMMENDATION ─► MR_RESPONSE ─► KEY_ACTIONS ─► (next block) … ─► FOOTER
    START ─► NEW_HEADER ─► NEW_DETAILS ─► NEW_OUTCOMES   (newer site layout)
    START ─► PLAN                                           (evaluation-plan pages)

Each line is first checked against the *anchors* (lines that open a section
wherever they appear: `Lessons`, `1. Recommendation:`, `Key Actions:`, the
documents header, ...), then handed to the current state's handler, which lives in
the module named after its section (``sections/header.py``, ``documents.py``,
``metadata.py``, ``narrative.py``, ``responses.py``, ``plan.py``). A handler that
cannot place a line reports it with its line number: unlike TextFSM, nothing is
dropped silently.

The pipe-table rendering is read by the same machine: each line is split into cells
first, and the handlers use the cells where the plain rendering has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from erc_parse import context as st
from erc_parse.context import Ctx, ResponseBuf
from erc_parse.models import (
    Evaluation,
    Gef,
    Item,
    KeyAction,
    ManagementResponse,
    Metadata,
    Source,
    construct,
)
from erc_parse.reader import split_lines
from erc_parse.sections import documents, header, metadata, narrative, plan, responses
from erc_parse.sections.common import (
    CHROME,
    DOCS_HEADER,
    FOOTER_START,
    MR_STAMP,
    MR_START,
    SECTION_HEADINGS,
    split_cells,
    split_label,
)

__all__ = ["parse"]

_EARLY = frozenset({st.START, st.HEADER, st.SUMMARY, st.DOCUMENTS})
_NARRATIVE = {st.LESSONS: "lessons", st.FINDINGS: "findings", st.RECOMMENDATIONS: "recommendations"}
_SECTION_STATE = {"lessons": st.LESSONS, "findings": st.FINDINGS, "recommendations": st.RECOMMENDATIONS}
_NEW_BLOCKS = {
    "Evaluation Information": st.NEW_DETAILS,
    "Corporate Outcome and Output": st.NEW_OUTCOMES,
}
# The lines `_anchor` can take, as one cheap test made before it: most lines are prose or
# values and fail it on their first character. It must stay a superset of what `_anchor`
# consumes (tests/test_parser_speed.py checks that on every corpus line, in every state):
# a new anchor needs its exact line or its start added here.
_ANCHOR_LINES = frozenset(
    {
        *FOOTER_START,
        *SECTION_HEADINGS,
        "Key Actions:",
        "Key Actions",
        "Key Action Update History",
    }
)
_ANCHOR_START = re.compile(
    r"Document(?:\s|$)|Title(?:\s|$)|Management Response\s*:\s*\[Added"
    r"|•[• ]*\s*(?:Evaluation Information|Corporate Outcome and Output)|\d{1,3}\s*\.\s*Recommendation"
).match
# The first characters `_ANCHOR_START` can match (with any decimal digit, as `\d` does):
# a string test that spares most lines the regex call.
_ANCHOR_FIRST = "DTM•"


def parse(text: str, *, path: str | None = None, sha256: str | None = None) -> Evaluation:
    """Parse one dump. Never raises: an internal error becomes an `error` diagnostic."""
    ctx = Ctx()
    text = _replace_surrogates(ctx, text)
    lines = split_lines(text)
    try:
        _prepare(ctx, text, lines)
        _run(ctx, lines)
        return _finish(ctx, path, sha256)
    except Exception as exc:  # noqa: BLE001 - the contract: parse_text never raises
        ctx.diag(0, "error", "internal-error", f"{type(exc).__name__}: {exc}")
        try:
            return _finish(ctx, path, sha256)
        except Exception:  # noqa: BLE001
            return Evaluation(
                source=Source(path=path, sha256=sha256),
                diagnostics=[d for d in ctx.diagnostics if d.code == "internal-error"],
            )


def _run(ctx: Ctx, lines: list[str]) -> None:
    """The machine's loop: blank lines, table cells, the footer and the anchors, then a handler.

    One function for every line, with the per-line work inlined: at about fifty lines
    per dump, a call saved per line is a measurable share of the parse.
    """
    table = ctx.layout == "table"
    handlers = _HANDLERS
    anchor_lines = _ANCHOR_LINES
    anchor_start = _ANCHOR_START
    anchor_first = _ANCHOR_FIRST
    header_state = st.HEADER
    footer_state = st.FOOTER
    for ln, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s:
            if ctx.state == header_state and ctx.pending is not None and ctx.pending.kind != "para":
                metadata.close_pending(ctx)
            continue
        cells: list[str] | None = None
        if table and "|" in s:
            cells = split_cells(s)
            if cells is not None:
                if not cells:
                    continue  # separators and empty filler rows: layout only
                s = " ".join(c for c in cells if c)
        if ctx.state == footer_state:
            ctx.footer_lines.append(s)
            continue
        first = s[0]
        if (
            s in anchor_lines
            or ((first in anchor_first or first.isdecimal()) and anchor_start(s) is not None)
        ) and _anchor(ctx, ln, s, raw, cells):
            continue
        handlers[ctx.state](ctx, ln, s, raw, cells)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(ctx: Ctx, text: str) -> str:
    """Lone surrogates (only a caller's `str` has them; decoded bytes never do) become `\ufffd`.

    Left in, they would make the parsed model impossible to write as JSON (UTF-8 cannot
    encode them); `\ufffd` is how the dumps themselves show encoding damage.
    """
    # Quick exits first: a regex scan costs ~8 us/KB, the UTF-16 encoder (which refuses
    # lone surrogates and nothing else) under 1 us/KB, and an ASCII text has none at all.
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
    ctx.diag(line, "warning", "bad-characters", "lone surrogate code points replaced with U+FFFD")
    return _SURROGATE.sub("\ufffd", text)


def _prepare(ctx: Ctx, text: str, lines: list[str]) -> None:
    """Decide the rendering and whether the dump is cut, before reading it."""
    head = lines[:400]
    # Substring tests over the whole text first (C speed: if the text lacks them, so do
    # the head and the tail), the one-character one first (~0.1 us where a two-character
    # search of a non-ASCII text takes ~2 us); the per-line test only when they hit.
    if (
        "|" in text
        and ("---|" in text or " |" in text)
        and any(line.startswith("---|") or line.rstrip().endswith(" |") for line in head)
    ):
        ctx.layout = "table"
    tail = lines[-60:]
    if not (any(f in text for f in FOOTER_START) and any(t.strip() in FOOTER_START for t in tail)):
        last = next((i for i in range(len(lines), 0, -1) if lines[i - 1].strip()), 0)
        ctx.cut_line = last


def _anchor(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None) -> bool:
    """Lines that open a section wherever they stand. True if the line was consumed."""
    state = ctx.state
    if s in FOOTER_START:
        _leave(ctx)
        ctx.state = st.FOOTER
        ctx.footer = True
        ctx.footer_line = ln
        ctx.footer_lines.append(s)
        return True
    if state == st.PLAN:
        return False
    first = cells[0] if cells else s
    if state in _EARLY or state in (st.NEW_HEADER,):
        if DOCS_HEADER.match(s) or (cells and first == "Document" and "Downloads" in cells):
            _leave(ctx)
            ctx.state = st.DOCUMENTS
            return True
        if s.startswith("Title ") or first == "Title":
            _leave(ctx)
            ctx.state = st.DETAILS
            metadata.details(ctx, ln, s, raw)
            return True
    if s[0] == "•" or (raw[:1].isspace() and s[:1] == "•"):
        block = _NEW_BLOCKS.get(s.lstrip("• ").strip())
        if block is not None and state not in (st.DETAILS,):
            _leave(ctx)
            ctx.state = block
            return True
    if state not in (st.START,):
        section = SECTION_HEADINGS.get(s)
        if section is not None and state not in (st.MR_RECOMMENDATION, st.MR_RESPONSE, st.KEY_ACTIONS):
            _leave(ctx)
            ctx.state = _SECTION_STATE[section]
            ctx.items.setdefault(section, [])
            if ctx.kind == "unknown":
                ctx.kind = "evaluation"
            return True
        m = MR_START.match(s)
        if m:
            _leave(ctx)
            responses.start_block(ctx, ln, int(m[1]), m[2].strip())
            return True
        if MR_STAMP.match(s):
            if state not in (st.KEY_ACTIONS, st.MR_RESPONSE, st.MR_RECOMMENDATION):
                _leave(ctx)
            responses.response_stamp(ctx, ln, s)
            return True
        if s == "Key Actions:" or s == "Key Actions":
            if state == st.KEY_ACTIONS:
                responses.flush(ctx, "block")
            responses.key_actions_start(ctx, ln)
            return True
    if s == "Key Action Update History":
        _leave(ctx)
        ctx.kind = "management_response"
        ctx.state = st.KEY_ACTIONS
        return True
    return False


def _leave(ctx: Ctx) -> None:
    """Close what the current state left open before another section starts."""
    metadata.close_pending(ctx)
    if ctx.state == st.KEY_ACTIONS:
        responses.flush(ctx, "block")


# One handler per state, all taking (ctx, ln, s, raw, cells); the states whose section
# function needs less get a small adapter here.


def _documents(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None) -> None:
    if s in CHROME:
        return
    if documents.documents(ctx, ln, s, cells):
        return
    if metadata.lookup((split_label(s) or (s,))[0] or s) is not None:
        # A page without a `Title` line: the details start at their first label.
        ctx.state = st.DETAILS
        metadata.details(ctx, ln, s, raw)
        return
    ctx.unparsed(ln, s, "documents")


def _narrative(section: str) -> Callable[[Ctx, int, str, str, list[str] | None], None]:
    def handler(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None) -> None:
        narrative.narrative(ctx, section, ln, s, cells)

    return handler


def _new_outcomes(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None) -> None:
    metadata.new_outcomes(ctx, ln, s)


def _mr_text(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None) -> None:
    responses.text_line(ctx, ln, s)


def _key_actions(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None) -> None:
    if s in CHROME:
        return
    responses.key_action_line(ctx, ln, s, cells)


def _plain(
    handler: Callable[[Ctx, int, str, str], None],
) -> Callable[[Ctx, int, str, str, list[str] | None], None]:
    def call(ctx: Ctx, ln: int, s: str, raw: str, cells: list[str] | None) -> None:
        handler(ctx, ln, s, raw)

    return call


_HANDLERS: dict[str, Callable[[Ctx, int, str, str, list[str] | None], None]] = {
    st.START: _plain(header.start),
    st.HEADER: header.header,
    st.SUMMARY: _plain(header.summary),
    st.NEW_HEADER: _plain(header.new_header),
    st.DOCUMENTS: _documents,
    st.DETAILS: metadata.details,
    st.NEW_DETAILS: _plain(metadata.new_details),
    st.NEW_OUTCOMES: _new_outcomes,
    **{state: _narrative(section) for state, section in _NARRATIVE.items()},
    st.MR_RECOMMENDATION: _mr_text,
    st.MR_RESPONSE: _mr_text,
    st.KEY_ACTIONS: _key_actions,
    st.PLAN: _plain(plan.plan),
}


# --- building the models -----------------------------------------------------------------

_MONTH_FIELDS = ("completion_date", "planned_end_date")


def _finish(ctx: Ctx, path: str | None, sha256: str | None) -> Evaluation:
    if ctx.state == st.KEY_ACTIONS or ctx.buffer:
        responses.flush(ctx, "end")
    metadata.close_pending(ctx)
    meta = ctx.meta
    if ctx.summary and not meta.get("summary"):
        meta["summary"] = "\n".join(ctx.summary)
    _merge_header(ctx)
    if ctx.kind == "unknown":
        if "response_unit" in meta or (ctx.responses and not ctx.items):
            ctx.kind = "management_response"
        elif meta or ctx.documents or ctx.items:
            ctx.kind = "evaluation"
    if ctx.kind == "evaluation" and not meta.get("commissioning_unit"):
        plan_value = meta.get("evaluation_plan") or ""
        if "," in plan_value:
            meta["commissioning_unit"] = plan_value.split(",", 1)[1].strip() or None
    extra = {k: v for k, v in ctx.extra.items() if not k.startswith("_")}
    gef = construct(Gef, _gef_fields(ctx.gef)) if ctx.gef is not None else None
    metadata_model = construct(Metadata, _metadata_values(meta, gef, extra))
    if ctx.footer_lines:
        ctx.diag(ctx.footer_line, "info", "page-footer", " / ".join(ctx.footer_lines))
    truncated = bool(ctx.cut_line) and bool(ctx.meta or ctx.documents or ctx.items or ctx.responses)
    if truncated and not any(d.code == "truncated" for d in ctx.diagnostics):
        ctx.diag(ctx.cut_line, "warning", "truncated", f"dump ends inside the {ctx.state} section")
    if not ctx.meta and not ctx.documents and not ctx.items and not ctx.responses:
        if not ctx.diagnostics:
            ctx.diag(0, "warning", "empty", "no ERC page content found")
    ctx.diagnostics.sort(key=lambda d: d.line)
    # `construct` takes every field, in field order (see models.construct).
    return construct(
        Evaluation,
        {
            "schema_version": "1.0",
            "source": construct(Source, {"path": path, "sha256": sha256}),
            "kind": ctx.kind,
            "layout": ctx.layout,
            "truncated": truncated,
            "metadata": metadata_model,
            "documents": ctx.documents,
            "lessons": _items(ctx, "lessons"),
            "findings": _items(ctx, "findings"),
            "recommendations": _items(ctx, "recommendations"),
            "management_responses": [_response(r) for r in ctx.responses],
            "diagnostics": ctx.diagnostics,
        },
    )


# Metadata's fields in order with their defaults; the list and dict fields get fresh ones.
_META_TEMPLATE: dict[str, Any] = {
    name: None if f.default_factory is not None else f.default for name, f in Metadata.model_fields.items()
}
_META_FACTORIES = tuple(
    (name, f.default_factory) for name, f in Metadata.model_fields.items() if f.default_factory is not None
)
_GEF_FIELDS = tuple(Gef.model_fields)


def _metadata_values(meta: dict[str, Any], gef: Gef | None, extra: dict[str, str]) -> dict[str, Any]:
    values = dict(_META_TEMPLATE)
    for name, factory in _META_FACTORIES:
        values[name] = factory()  # type: ignore[call-arg]
    values.update((k, v) for k, v in meta.items() if k in _META_TEMPLATE)
    values["gef"] = gef
    values["extra"] = extra
    return values


def _gef_fields(raw: dict[str, str | None]) -> dict[str, Any]:
    return {name: raw.get(name) for name in _GEF_FIELDS}


def _merge_header(ctx: Ctx) -> None:
    """The detail block wins; a header value it contradicts becomes a warning."""
    for field, (ln, raw) in ctx.header.items():
        value = header.header_value(field, raw) if field != "justification" else raw
        if value is None and raw.strip("-–— "):
            if field != "justification":
                ctx.diag(ln, "warning", "bad-value", f"cannot read header {field} value {raw!r}")
            continue
        if value is None:
            continue
        current = ctx.meta.get(field)
        if current is None or current == [] or current == "":
            ctx.set_meta(field, value, ln)
        elif current != value:
            ctx.diag(
                ctx.meta_lines.get(field, ln),
                "warning",
                "conflicting-values",
                f"{field}: header says {raw!r} (line {ln}), details say {current!r}; details kept",
            )
            continue
        if isinstance(value, bool) and raw.strip().lower() not in ("yes", "no"):
            # `Yes (Partial)`: the nuance of the value kept; a different one is reported.
            kept = ctx.extra.setdefault("Management Response", raw.strip())
            if kept != raw.strip():
                ctx.diag(
                    ln, "warning", "conflicting-values", f"{field}: header says {raw!r}, details say {kept!r}"
                )


def _items(ctx: Ctx, section: str) -> list[Item]:
    return [
        construct(Item, {"number": b.number, "heading": b.heading, "text": "\n".join(b.lines)})
        for b in ctx.items.get(section, ())
    ]


def _response(r: ResponseBuf) -> ManagementResponse:
    return construct(
        ManagementResponse,
        {
            "recommendation_number": r.number,
            "recommendation": "\n".join(r.recommendation) or None,
            "response": "\n".join(r.response) or None,
            "added": r.added,
            "last_updated": r.last_updated,
            "key_actions": [
                construct(
                    KeyAction,
                    {
                        "number": a.number,
                        "text": "\n".join(a.text),
                        "added": a.added,
                        "last_updated": a.last_updated,
                        "responsible": a.responsible,
                        "due": a.due,
                        "status": a.status,
                        "comments": a.comments,
                        "justification": a.justification,
                        "has_history": a.has_history,
                    },
                )
                for a in r.actions
            ],
        },
    )
